/* SPDX-License-Identifier: BSD-3-Clause */
/* Manager: topology, allocation order, every documented error, lookup,
 * start/stop/wait, the main lcore, 10 000 create/destroy cycles without
 * leaking memory or lcores. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_ring.h>

#include "lcx_ctx_worker.h"
#include "lcx_loop.h"
#include "lcx_mgr.h"
#include "lcx_test.h"

static int
suite_init(void)
{
	return lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL);
}

static struct lcx_ctx *
create(unsigned int lcore, int socket, const char *name)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.lcore = lcore;
	conf.socket = socket;
	if (name != NULL)
		snprintf(conf.name, sizeof(conf.name), "%s", name);
	return lcx_mgr_ctx_create(&conf);
}

static void
test_not_started(void)
{
	/* before lcx_mgr_init: environment not set up */
	CU_ASSERT(create(LCORE_ID_ANY, SOCKET_ID_ANY, NULL) == NULL);
	CU_ASSERT(lcx_errno == LCX_EENV);
	CU_ASSERT(lcx_mgr_fini() == -LCX_EENV);
	CU_ASSERT(lcx_mgr_init(NULL) == 0);
	CU_ASSERT(lcx_mgr_init(NULL) == -EALREADY);
}

static void
test_topology(void)
{
	struct lcx_topo_lcore t[8];
	unsigned int n = lcx_mgr_topo_get(t, 8), i;

	CU_ASSERT_FATAL(n == 4);
	for (i = 0; i < n; i++) {
		CU_ASSERT(t[i].lcore == i);
		CU_ASSERT(t[i].is_main == (i == 0));
		CU_ASSERT(t[i].socket == 0);	/* one node here, never -1 */
		CU_ASSERT(t[i].cpu == (int)(i % 2));
		CU_ASSERT(t[i].used == 0);
	}
}

static void
test_allocation_order(void)
{
	struct lcx_ctx *c[5], *list[8];
	struct lcx_topo_lcore t[8];
	unsigned int i;

	/* workers first, lowest first, the main lcore last */
	for (i = 0; i < 4; i++) {
		c[i] = create(LCORE_ID_ANY, SOCKET_ID_ANY, NULL);
		CU_ASSERT_FATAL(c[i] != NULL);
		CU_ASSERT(lcx_ctx_state_get(c[i]) == LCX_CTX_READY);
	}
	CU_ASSERT(c[0]->lcore == 1 && c[1]->lcore == 2 && c[2]->lcore == 3);
	CU_ASSERT(c[3]->lcore == 0);
	/* lcores share CPUs here (0@0,2@0): run queues take RTS producers */
	CU_ASSERT(rte_ring_get_prod_sync_type(c[0]->runq->ring[LCX_PRIO_NORMAL])
		== RTE_RING_SYNC_MT_RTS);
	/* no free lcore */
	c[4] = create(LCORE_ID_ANY, SOCKET_ID_ANY, NULL);
	CU_ASSERT(c[4] == NULL && lcx_errno == LCX_EALLOC);
	CU_ASSERT(lcx_mgr_ctx_list(list, 8) == 4);
	for (i = 0; i < 4; i++)
		CU_ASSERT(list[i] == c[i]);	/* creation order */
	lcx_mgr_topo_get(t, 8);
	for (i = 0; i < 4; i++)
		CU_ASSERT(t[i].used == 1);
	/* a freed lcore is reused */
	CU_ASSERT(lcx_mgr_ctx_destroy(c[1]->id) == 0);
	c[1] = create(LCORE_ID_ANY, SOCKET_ID_ANY, NULL);
	CU_ASSERT_FATAL(c[1] != NULL);
	CU_ASSERT(c[1]->lcore == 2);
	for (i = 0; i < 4; i++)
		CU_ASSERT(lcx_mgr_ctx_destroy(c[i]->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_list(NULL, 0) == 0);
}

static void
test_errors(void)
{
	struct lcx_ctx_conf conf;
	struct lcx_ctx *a, *b;
	uint32_t id;

	/* bad lcore: not an EAL lcore */
	CU_ASSERT(create(9, SOCKET_ID_ANY, NULL) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	CU_ASSERT(create(RTE_MAX_LCORE + 5, SOCKET_ID_ANY, NULL) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	/* socket out of range; socket without lcores */
	CU_ASSERT(create(LCORE_ID_ANY, 9999, NULL) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	CU_ASSERT(create(LCORE_ID_ANY, 1, NULL) == NULL);
	CU_ASSERT(lcx_errno == LCX_EALLOC);
	/* lcore taken; duplicate name */
	a = create(2, SOCKET_ID_ANY, "alpha");
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT(create(2, SOCKET_ID_ANY, NULL) == NULL);
	CU_ASSERT(lcx_errno == LCX_EALLOC);
	CU_ASSERT(create(3, SOCKET_ID_ANY, "alpha") == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	/* bad limits; a resource that cannot be made */
	lcx_ctx_conf_init(&conf);
	conf.limits.tasks_per_iter = 0;
	CU_ASSERT(lcx_mgr_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 1u << 30;
	CU_ASSERT(lcx_mgr_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == LCX_ERESINIT);
	/* none of the failures kept an lcore or a row */
	CU_ASSERT(lcx_mgr_ctx_list(NULL, 0) == 1);
	b = create(LCORE_ID_ANY, SOCKET_ID_ANY, "beta");
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT(b->lcore == 1);

	/* lookup */
	CU_ASSERT(lcx_mgr_ctx_lookup(a->id) == a);
	CU_ASSERT(lcx_mgr_ctx_lookup_by_name("beta") == b);
	CU_ASSERT(lcx_mgr_ctx_lookup_by_name("gamma") == NULL);
	CU_ASSERT(lcx_errno == LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_lookup(123456) == NULL);
	CU_ASSERT(lcx_errno == LCX_ENOCTX);
	/* unknown id, double destroy */
	CU_ASSERT(lcx_mgr_ctx_destroy(123456) == -LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_start(123456) == -LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_stop(123456) == -LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_wait(123456) == -LCX_ENOCTX);
	id = a->id;
	CU_ASSERT(lcx_mgr_ctx_destroy(id) == 0);
	CU_ASSERT(lcx_mgr_ctx_destroy(id) == -LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_lookup(id) == NULL);
	CU_ASSERT(lcx_mgr_ctx_destroy(b->id) == 0);
}

static unsigned int memzones;

static void
mz_count(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(void)arg;
	memzones++;
}

static size_t
heap_allocated(void)
{
	struct rte_malloc_socket_stats st;

	rte_malloc_get_socket_stats(0, &st);
	return st.heap_allocsz_bytes;
}

static void
test_create_destroy_10000(void)
{
	struct lcx_topo_lcore t[8];
	size_t before, after;
	unsigned int i, n, mz_before;
	int fail = 0;
	struct lcx_ctx_conf conf;

	before = heap_allocated();
	for (i = 0; i < 10000; i++) {
		struct lcx_ctx *c = create(LCORE_ID_ANY, SOCKET_ID_ANY, NULL);

		if (c == NULL || lcx_mgr_ctx_destroy(c->id) != 0)
			fail++;
	}
	after = heap_allocated();
	CU_ASSERT(fail == 0);
	CU_ASSERT(after == before);
	if (after != before)
		printf("heap: %zu bytes before, %zu after\n", before, after);
	n = lcx_mgr_topo_get(t, 8);
	for (i = 0; i < n; i++)
		CU_ASSERT(t[i].used == 0);	/* every lcore recycled */

	/* with a pool each time: no memzone left behind either */
	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 1023;
	memzones = 0;
	rte_memzone_walk(mz_count, NULL);
	mz_before = memzones;
	before = heap_allocated();
	for (i = 0; i < 50; i++) {
		struct lcx_ctx *c = lcx_mgr_ctx_create(&conf);

		if (c == NULL || c->pool == NULL || lcx_mgr_ctx_destroy(c->id) != 0)
			fail++;
	}
	CU_ASSERT(fail == 0);
	memzones = 0;
	rte_memzone_walk(mz_count, NULL);
	CU_ASSERT(memzones == mz_before);
	CU_ASSERT(heap_allocated() == before);
}

static unsigned int ran;

static void
count_task(void *arg)
{
	(void)arg;
	ran++;
}

static void
stop_self(void *arg)
{
	(void)arg;
	ran++;
	lcx_ctx_stop_request(lcx_ctx_self());
}

/* lcx_ctx_call(): fn runs on the target, done back on the caller, each on
 * its own context's lcore, with fn's result. */
struct call_probe {
	struct lcx_ctx *target, *caller;
	struct lcx_call call;
	struct lcx_ctx *ran_on, *done_on;
	int post_rc;
	volatile int done;
};

static int
call_fn(void *arg)
{
	struct call_probe *p = arg;

	p->ran_on = lcx_ctx_self();
	return 42;
}

static void
call_done(struct lcx_call *call)
{
	struct call_probe *p = call->user;

	p->done_on = lcx_ctx_self();
	__atomic_store_n(&p->done, call->result, __ATOMIC_RELEASE);
}

static void
call_start(void *arg)
{
	struct call_probe *p = arg;

	p->call = (struct lcx_call){
		.fn = call_fn, .arg = p, .done = call_done,
		.prio = LCX_PRIO_NORMAL, .user = p,
	};
	p->post_rc = lcx_ctx_call(p->target, &p->call);
}

static void
test_ctx_call(void)
{
	struct call_probe p = { 0 };
	struct lcx_call c = { 0 };
	unsigned int i;

	p.caller = create(1, SOCKET_ID_ANY, "caller");
	p.target = create(2, SOCKET_ID_ANY, "target");
	CU_ASSERT_FATAL(p.caller != NULL && p.target != NULL);
	/* not from a context's loop: refused */
	c.fn = call_fn;
	c.done = call_done;
	CU_ASSERT(lcx_ctx_call(p.target, &c) == -EINVAL);
	CU_ASSERT(lcx_mgr_start_all() == 2);
	CU_ASSERT(lcx_ctx_post(p.caller, call_start, &p, LCX_PRIO_NORMAL) == 0);
	for (i = 0; i < 5000 && !__atomic_load_n(&p.done, __ATOMIC_ACQUIRE);
			i++)
		rte_delay_us_sleep(1000);
	CU_ASSERT(p.post_rc == 0);
	CU_ASSERT(p.done == 42);
	CU_ASSERT(p.ran_on == p.target);
	CU_ASSERT(p.done_on == p.caller);
	CU_ASSERT(p.call.reply_to == p.caller->runq);
	lcx_mgr_stop_all();
	CU_ASSERT(lcx_mgr_wait_all() == 0);
	CU_ASSERT(lcx_mgr_ctx_destroy(p.caller->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_destroy(p.target->id) == 0);
}

/* The topology table: a header and one row per EAL lcore, main first,
 * "yes" where a context lives. */
static void
test_topo_dump(void)
{
	struct lcx_ctx *c = create(3, SOCKET_ID_ANY, NULL);
	char *buf = NULL, line[128];
	size_t len = 0;
	unsigned int rows = 0, lc, used = 0;
	int sock, cpu;
	char role[16], ctx[8];
	FILE *f = open_memstream(&buf, &len);
	FILE *r;

	CU_ASSERT_FATAL(c != NULL && f != NULL);
	lcx_mgr_topo_dump(f);
	fclose(f);
	r = fmemopen(buf, len, "r");
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT(fgets(line, sizeof(line), r) != NULL);
	CU_ASSERT(strncmp(line, "lcore", 5) == 0);
	while (fgets(line, sizeof(line), r) != NULL) {
		CU_ASSERT(sscanf(line, "%u %d %d %15s %7s", &lc, &sock, &cpu,
			role, ctx) == 5);
		CU_ASSERT(lc == rows);
		CU_ASSERT(strcmp(role, lc == 0 ? "main" : "worker") == 0);
		CU_ASSERT(cpu == (int)(lc % 2));
		if (strcmp(ctx, "yes") == 0) {
			used++;
			CU_ASSERT(lc == 3);
		}
		rows++;
	}
	CU_ASSERT(rows == 4);
	CU_ASSERT(used == 1);
	fclose(r);
	free(buf);
	CU_ASSERT(lcx_mgr_ctx_destroy(c->id) == 0);
}

static void
test_start_stop_main(void)
{
	struct lcx_ctx *w[3], *m;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		w[i] = create(i + 1, SOCKET_ID_ANY, NULL);
		CU_ASSERT_FATAL(w[i] != NULL);
	}
	m = create(0, SOCKET_ID_ANY, "main");
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT(lcx_mgr_ctx_start(m->id) == -EBUSY);	/* main: run_main */
	CU_ASSERT(lcx_mgr_start_all() == 3);
	rte_delay_ms(20);
	for (i = 0; i < 3; i++) {
		enum lcx_ctx_state s = lcx_ctx_state_get(w[i]);

		CU_ASSERT(s == LCX_CTX_RUNNING || s == LCX_CTX_BLOCKED);
	}
	/* the main lcore's context runs on this thread until it stops */
	ran = 0;
	CU_ASSERT(lcx_ctx_post(m, stop_self, NULL, LCX_PRIO_NORMAL) == 0);
	CU_ASSERT(lcx_mgr_run_main() == 0);
	CU_ASSERT(ran == 1);
	CU_ASSERT(lcx_ctx_state_get(m) == LCX_CTX_COMPLETED);

	lcx_mgr_stop_all();
	CU_ASSERT(lcx_mgr_wait_all() == 0);
	for (i = 0; i < 3; i++)
		CU_ASSERT(lcx_ctx_state_get(w[i]) == LCX_CTX_COMPLETED);
	/* restart from COMPLETED */
	CU_ASSERT(lcx_mgr_start_all() == 3);
	/* destroying a never-launched or running context runs its queued
	 * tasks: nothing posted is silently lost */
	ran = 0;
	for (i = 0; i < 10; i++)
		CU_ASSERT(lcx_ctx_post(m, count_task, NULL, LCX_PRIO_LOW) == 0);
	CU_ASSERT(lcx_mgr_ctx_destroy(m->id) == 0);
	CU_ASSERT(ran == 10);
	CU_ASSERT(lcx_mgr_run_main() == -LCX_ENOCTX);
	/* fini stops and destroys the rest */
	CU_ASSERT(lcx_mgr_fini() == 0);
	CU_ASSERT(lcx_mgr_init(NULL) == 0);
	CU_ASSERT(lcx_mgr_ctx_list(NULL, 0) == 0);
}

static CU_TestInfo tests[] = {
	{ "not started: environment error", test_not_started },
	{ "topology", test_topology },
	{ "allocation order and no free lcore", test_allocation_order },
	{ "every error path returns its code", test_errors },
	{ "10000 create/destroy cycles, no leak", test_create_destroy_10000 },
	{ "cross-context call: fn on the target, done on the caller",
		test_ctx_call },
	{ "topology table", test_topo_dump },
	{ "start, stop, wait, main lcore, drain", test_start_stop_main },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "mgr", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
