/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Churn: many cycles of port open/close and of context create / pipeline
 * attach / destroy, then file descriptors, memzones and the DPDK heap
 * (allocation count and bytes) must be back to their values before the
 * first cycle.  A leak of one block per cycle shows as thousands.
 *
 *   LCX_CHURN_CYCLES=N   cycles of each kind (default 10000)
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_memzone.h>

#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_port.h"
#include "lcx_test.h"

static unsigned int cycles = 10000;

struct usage {
	uint64_t heap_allocs, heap_bytes;
	unsigned int memzones, fds;
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
}

static void
usage_check(const struct usage *a, const char *what, unsigned int n)
{
	struct usage b;

	usage_get(&b);
	printf("\n%s, %u cycles: heap allocs %" PRIu64 " -> %" PRIu64
		", bytes %" PRIu64 " -> %" PRIu64 ", memzones %u -> %u, "
		"fds %u -> %u\n", what, n, a->heap_allocs, b.heap_allocs,
		a->heap_bytes, b.heap_bytes, a->memzones, b.memzones, a->fds,
		b.fds);
	CU_ASSERT_EQUAL(a->heap_allocs, b.heap_allocs);
	CU_ASSERT_EQUAL(a->heap_bytes, b.heap_bytes);
	CU_ASSERT_EQUAL(a->memzones, b.memzones);
	CU_ASSERT_EQUAL(a->fds, b.fds);
}

static int
suite_init(void)
{
	const char *env = getenv("LCX_CHURN_CYCLES");

	if (env != NULL && atoi(env) > 0)
		cycles = (unsigned int)atoi(env);
	if (lcx_test_eal_init("0@0,1@1", NULL) != 0)
		return -1;
	return lcx_test_mgr_init() == 0 ? 0 : -1;
}

static int
suite_clean(void)
{
	return lcx_mgr_fini() == 0 ? 0 : -1;
}

static void
test_port_churn(void)
{
	static const char *const specs[] = {
		"synth:flows=4,seed=1", "synth:flows=1024,ipv6=mix,size=64-1518",
	};
	struct lcx_port *p;
	struct usage u;
	unsigned int i, ok = 0;

	/* once first: what a driver sets up for good is not a leak */
	p = lcx_port_open(specs[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	lcx_port_close(p);
	usage_get(&u);
	for (i = 0; i < cycles; i++) {
		p = lcx_port_open(specs[i % RTE_DIM(specs)]);
		if (p == NULL)
			break;
		ok++;
		lcx_port_close(p);
	}
	CU_ASSERT_EQUAL(ok, cycles);
	usage_check(&u, "port open/close", ok);
}

static void
test_ctx_churn(void)
{
	struct lcx_ctx_conf conf;
	struct lcx_ctx *ctx;
	struct usage u;
	unsigned int i, ok = 0;
	int rc;

	lcx_ctx_conf_init(&conf);
	conf.lcore = 1;
	conf.limits.pool_size = 255;
	ctx = lcx_mgr_ctx_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(ctx->id), 0);
	usage_get(&u);
	for (i = 0; i < cycles; i++) {
		ctx = lcx_mgr_ctx_create(&conf);
		if (ctx == NULL)
			break;
		/* a pipeline left attached is the context's to free */
		rc = lcx_pipeline_attach(ctx, "filter(drop udp dport 53) -> "
			"count -> macswap");
		rc |= lcx_mgr_ctx_destroy(ctx->id);
		if (rc != 0)
			break;
		ok++;
	}
	CU_ASSERT_EQUAL(ok, cycles);
	usage_check(&u, "context create/attach/destroy", ok);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_list(NULL, 0), 0);
}

static CU_TestInfo tests[] = {
	{ "port open/close cycles", test_port_churn },
	{ "context create/attach/destroy cycles", test_ctx_churn },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "churn", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
