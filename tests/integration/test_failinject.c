/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Failure injection: make the N-th allocation that liblcx asks of DPDK
 * fail, for N = 0, 1, 2, ... until the operation succeeds without the
 * fault firing, during start-up (manager, contexts, port, placement,
 * pipelines, start) and during reconfiguration (context create, port
 * open, pipeline attach, RX queue move).  Each time: a clean error (NULL
 * with lcx_errno, or a negative errno), and after the undo nothing left:
 * DPDK heap allocations and bytes, memzones and file descriptors back to
 * their values before, the manager's lists unchanged, every pool full.
 *
 * The hook adds no code to the library: this program defines the DPDK
 * allocators liblcx imports (rte_malloc_socket, rte_zmalloc[_socket],
 * rte_pktmbuf_pool_create[_by_ops], rte_ring_create, rte_lpm[6]_create).
 * The executable's definitions come first in the dynamic symbol lookup,
 * so liblcx's calls land here; calls from anywhere but liblcx (DPDK
 * calling itself, the EAL) are passed through uncounted, found by the
 * caller's address (dladdr).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <inttypes.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_ring.h>

#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "lcx_port.h"
#include "lcx_test.h"

/* ---- The fault hook ------------------------------------------------------- */

static long fault_at = -1;	/* fail the call with this index; -1: off */
static long fault_calls;	/* counted calls since armed */
static int fault_fired;
static void *lcx_base;		/* load address of liblcx */

static void
fault_arm(long n)
{
	fault_calls = 0;
	fault_fired = 0;
	fault_at = n;
}

static void
fault_disarm(void)
{
	fault_at = -1;
}

/* 1 when this call (made from caller) is to fail. */
static int
fault_hit(const void *caller)
{
	Dl_info info;

	if (fault_at < 0)
		return 0;
	if (dladdr(caller, &info) == 0 || info.dli_fbase != lcx_base)
		return 0;
	if (fault_calls++ != fault_at)
		return 0;
	fault_fired = 1;
	return 1;
}

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

void *
rte_malloc_socket(const char *type, size_t size, unsigned int align,
		int socket)
{
	REAL(rte_malloc_socket);
	if (fault_hit(__builtin_return_address(0)))
		return NULL;
	return real_rte_malloc_socket(type, size, align, socket);
}

void *
rte_zmalloc_socket(const char *type, size_t size, unsigned int align,
		int socket)
{
	REAL(rte_zmalloc_socket);
	if (fault_hit(__builtin_return_address(0)))
		return NULL;
	return real_rte_zmalloc_socket(type, size, align, socket);
}

void *
rte_zmalloc(const char *type, size_t size, unsigned int align)
{
	REAL(rte_zmalloc);
	if (fault_hit(__builtin_return_address(0)))
		return NULL;
	return real_rte_zmalloc(type, size, align);
}

struct rte_mempool *
rte_pktmbuf_pool_create(const char *name, unsigned int n,
		unsigned int cache_size, uint16_t priv_size,
		uint16_t data_room_size, int socket_id)
{
	REAL(rte_pktmbuf_pool_create);
	if (fault_hit(__builtin_return_address(0))) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return real_rte_pktmbuf_pool_create(name, n, cache_size, priv_size,
		data_room_size, socket_id);
}

struct rte_mempool *
rte_pktmbuf_pool_create_by_ops(const char *name, unsigned int n,
		unsigned int cache_size, uint16_t priv_size,
		uint16_t data_room_size, int socket_id, const char *ops_name)
{
	REAL(rte_pktmbuf_pool_create_by_ops);
	if (fault_hit(__builtin_return_address(0))) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return real_rte_pktmbuf_pool_create_by_ops(name, n, cache_size,
		priv_size, data_room_size, socket_id, ops_name);
}

struct rte_ring *
rte_ring_create(const char *name, unsigned int count, int socket_id,
		unsigned int flags)
{
	REAL(rte_ring_create);
	if (fault_hit(__builtin_return_address(0))) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return real_rte_ring_create(name, count, socket_id, flags);
}

struct rte_lpm *
rte_lpm_create(const char *name, int socket_id,
		const struct rte_lpm_config *config)
{
	REAL(rte_lpm_create);
	if (fault_hit(__builtin_return_address(0))) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return real_rte_lpm_create(name, socket_id, config);
}

struct rte_lpm6 *
rte_lpm6_create(const char *name, int socket_id,
		const struct rte_lpm6_config *config)
{
	REAL(rte_lpm6_create);
	if (fault_hit(__builtin_return_address(0))) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return real_rte_lpm6_create(name, socket_id, config);
}

/* ---- What must come back -------------------------------------------------- */

struct usage {
	uint64_t heap_allocs, heap_bytes;
	unsigned int memzones, fds, ctxs, ports;
};

static void
count_mz(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(unsigned int *)arg)++;
}

static void
usage_get(struct usage *u)
{
	struct rte_malloc_socket_stats st;
	struct dirent *de;
	DIR *d;

	memset(u, 0, sizeof(*u));
	if (rte_malloc_get_socket_stats(0, &st) == 0) {
		u->heap_allocs = st.alloc_count;
		u->heap_bytes = st.heap_allocsz_bytes;
	}
	rte_memzone_walk(count_mz, &u->memzones);
	d = opendir("/proc/self/fd");
	while (d != NULL && (de = readdir(d)) != NULL)
		u->fds++;
	if (d != NULL)
		closedir(d);
	u->ctxs = lcx_mgr_ctx_list(NULL, 0);
	u->ports = lcx_place_port_list(NULL, 0);
}

static int
usage_same(const struct usage *a, const struct usage *b, const char *what,
		long n)
{
	if (memcmp(a, b, sizeof(*a)) == 0)
		return 1;
	printf("\n%s, fault at %ld: heap allocs %" PRIu64 " -> %" PRIu64
		", bytes %" PRIu64 " -> %" PRIu64 ", memzones %u -> %u, "
		"fds %u -> %u, contexts %u -> %u, ports %u -> %u\n", what, n,
		a->heap_allocs, b->heap_allocs, a->heap_bytes, b->heap_bytes,
		a->memzones, b->memzones, a->fds, b->fds, a->ctxs, b->ctxs,
		a->ports, b->ports);
	return 0;
}

/* ---- Start-up ------------------------------------------------------------- */

#define SPEC "filter(drop udp dport 53) -> count"

static struct lcx_ctx *ctx[2];
static int mgr_up;
static const char *step;	/* the start-up step that failed */

static int
suite_init(void)
{
	Dl_info info;

	if (lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL) != 0)
		return -1;
	if (dladdr((void *)lcx_strerror, &info) == 0)
		return -1;
	lcx_base = info.dli_fbase;
	return 0;
}

static int
suite_clean(void)
{
	return 0;
}

static struct lcx_ctx *
ctx_make(unsigned int lcore)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.lcore = lcore;
	conf.idle = LCX_IDLE_PAUSE;
	conf.limits.pool_size = 511;
	return lcx_mgr_ctx_create(&conf);
}

/* Start-up as an application does it; the first error, or 0. */
static int
startup(void)
{
	unsigned int i;
	int rc;

	step = "manager";
	rc = lcx_test_mgr_init();
	if (rc != 0)
		return rc;
	mgr_up = 1;
	step = "context";
	for (i = 0; i < 2; i++) {
		ctx[i] = ctx_make(i + 1);
		if (ctx[i] == NULL)
			return lcx_errno ? -lcx_errno : -1;
	}
	step = "port";
	if (lcx_place_port_add("synth:flows=8,seed=1,size=64-200", 2) == NULL)
		return lcx_errno ? -lcx_errno : -1;
	step = "placement";
	rc = lcx_place_apply("rr", NULL, 0);
	if (rc != 0)
		return rc;
	step = "pipeline";
	for (i = 0; rc == 0 && i < 2; i++)
		rc = lcx_pipeline_attach(ctx[i], SPEC);
	if (rc != 0)
		return rc;
	step = "start";
	rc = lcx_mgr_start_all();
	return rc == 2 ? 0 : (rc < 0 ? rc : -1);
}

static void
shutdown_all(void)
{
	if (!mgr_up)
		return;
	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);
	CU_ASSERT_EQUAL(lcx_mgr_fini(), 0);
	mgr_up = 0;
}

static void
test_startup(void)
{
	struct usage before, after;
	long n;
	int rc;

	/* once without a fault: what a clean start-up leaves behind */
	rc = startup();
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	shutdown_all();
	usage_get(&before);
	/* and a second one leaves the same */
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	shutdown_all();
	usage_get(&after);
	CU_ASSERT(usage_same(&before, &after, "fault-free start-up", -1));

	for (n = 0; n < 10000; n++) {
		fault_arm(n);
		rc = startup();
		fault_disarm();
		if (fault_fired)
			CU_ASSERT(rc < 0);
		shutdown_all();
		usage_get(&after);
		CU_ASSERT(usage_same(&before, &after, step, n));
		if (!fault_fired) {
			CU_ASSERT_EQUAL(rc, 0);
			break;
		}
	}
	printf("\nstart-up: %ld allocations, each failed once: clean\n", n);
	CU_ASSERT(n > 3);
}

/* ---- Reconfiguration ------------------------------------------------------ */

struct reconf_op {
	const char *name;
	int (*run)(void);	/* 0 or a negative error */
	void (*undo)(void);	/* after a success */
};

static struct lcx_ctx *extra;
static struct lcx_port *extra_port;
static uint32_t moved_from;

static int
op_ctx_create(void)
{
	extra = ctx_make(3);
	if (extra == NULL)
		return lcx_errno ? -lcx_errno : -1;
	return 0;
}

static void
undo_ctx_create(void)
{
	CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(extra->id), 0);
}

static int
op_port_open(void)
{
	extra_port = lcx_port_open("synth:flows=4,seed=9");
	if (extra_port == NULL)
		return lcx_errno ? -lcx_errno : -1;
	return 0;
}

static void
undo_port_open(void)
{
	lcx_port_close(extra_port);
}

/* on a context that is not running, as lcx_pipeline_attach() wants */
static int
op_attach(void)
{
	long n = fault_at;
	int rc;

	/* the context is made without a fault: count the attach only */
	fault_disarm();
	rc = op_ctx_create();
	fault_arm(n);
	if (rc != 0)
		return rc;
	rc = lcx_pipeline_attach(extra, "filter(drop udp dport 53) -> "
		"count -> macswap");
	if (rc != 0)
		undo_ctx_create();
	return rc;
}

static void
undo_attach(void)
{
	lcx_pipeline_detach(extra);
	undo_ctx_create();
}

static int
op_move(void)
{
	struct lcx_place_report rep[4];
	unsigned int n = lcx_place_report_get(rep, RTE_DIM(rep)), i;

	for (i = 0; i < n; i++)
		if (rep[i].port == 0 && rep[i].queue == 0)
			moved_from = rep[i].ctx_id;
	return lcx_mgr_rxq_move(0, 0, moved_from == ctx[0]->id ?
		ctx[1]->id : ctx[0]->id);
}

static void
undo_move(void)
{
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(0, 0, moved_from), 0);
}

static const struct reconf_op ops[] = {
	{ "context create", op_ctx_create, undo_ctx_create },
	{ "port open", op_port_open, undo_port_open },
	{ "pipeline attach", op_attach, undo_attach },
	{ "queue move", op_move, undo_move },
};

static void
test_reconfigure(void)
{
	struct usage before, after;
	unsigned int k;
	long n;
	int rc;

	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	for (k = 0; k < RTE_DIM(ops); k++) {
		usage_get(&before);
		for (n = 0; n < 1000; n++) {
			fault_arm(n);
			rc = ops[k].run();
			fault_disarm();
			if (rc == 0)
				ops[k].undo();
			else
				CU_ASSERT(fault_fired);
			usage_get(&after);
			CU_ASSERT(usage_same(&before, &after, ops[k].name, n));
			if (!fault_fired) {
				CU_ASSERT_EQUAL(rc, 0);
				break;
			}
		}
		printf("%s: %ld allocations, each failed once: clean\n",
			ops[k].name, n);
	}
	printf("\n");
	shutdown_all();
}

static CU_TestInfo tests[] = {
	{ "start-up, N-th allocation fails", test_startup },
	{ "reconfiguration, N-th allocation fails", test_reconfigure },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "failinject", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
