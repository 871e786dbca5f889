/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX queue migration under load: two synth ports forwarding to each other
 * (2 RX queues each), three contexts on worker lcores, at least 1000 moves
 * while traffic flows; then stop and check, with the synth sequence
 * numbers, that nothing was lost, duplicated or reordered, every frame
 * generated reached TX, and every pool is full.  Also the move errors.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "lcx_mgr.h"
#include "lcx_place.h"
#include "lcx_synth.h"
#include "lcx_test.h"

#define MAX_CTX 3
#define NB_RXQ 2
#define MIN_MOVES 1000
#define MAX_SECONDS 25

/* LCX_TEST_MIGRATE_CTX=2: two contexts, one a core (for the figures). */
static unsigned int nb_ctx = MAX_CTX;
static struct lcx_ctx *ctx[MAX_CTX];
static struct lcx_port *port[2];

static int
suite_init(void)
{
	const char *env = getenv("LCX_TEST_MIGRATE_CTX");
	struct lcx_mgr_conf mc;

	if (env != NULL && atoi(env) >= 2 && atoi(env) <= MAX_CTX)
		nb_ctx = atoi(env);
	if (lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL) != 0)
		return -1;
	lcx_mgr_conf_init(&mc);
	mc.watch_interval_ms = 0;  /* oversubscribed cores: no verdicts */
	return lcx_mgr_init(&mc) == 0 ? 0 : -1;
}

static int
suite_clean(void)
{
	return lcx_mgr_fini() == 0 ? 0 : -1;
}

static int
setup(uint16_t max_rxq, unsigned int n)
{
	struct lcx_ctx_conf conf;
	unsigned int i;

	for (i = 0; i < n; i++) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = i + 1;
		conf.idle = LCX_IDLE_PAUSE;
		conf.limits.pool_size = 2047;
		conf.limits.max_rxq = max_rxq;
		ctx[i] = lcx_mgr_ctx_create(&conf);
		if (ctx[i] == NULL)
			return -1;
	}
	port[0] = lcx_place_port_add("synth:flows=64,seed=3,size=64-300", NB_RXQ);
	port[1] = lcx_place_port_add("synth:flows=64,seed=4,ipv6=mix", NB_RXQ);
	if (port[0] == NULL || port[1] == NULL)
		return -1;
	return lcx_place_apply("rr", NULL, 0);
}

/* Destroy the contexts (their pools go to the manager while the queues
 * they fed exist) and close the ports: fini and init again. */
static void
teardown(void)
{
	lcx_mgr_fini();
	CU_ASSERT_EQUAL(lcx_place_port_list(NULL, 0), 0);
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
}

static void
pool_check(struct rte_mempool *mp, void *arg)
{
	unsigned int *bad = arg;

	if (!lcx_test_pool_full(mp))
		(*bad)++;
}

static void
test_move_under_load(void)
{
	struct lcx_synth_stats s[2];
	struct lcx_mgr_move_stats ms;
	struct lcx_place_report rep[2 * NB_RXQ];
	uint64_t deadline, drops = 0, rx = 0;
	unsigned int moves = 0, i, bad_pools = 0;
	int rc;

	CU_ASSERT_FATAL(setup(8, nb_ctx) == 0);
	lcx_place_report_dump(stdout);
	lcx_mgr_rxq_move_stats(&ms, 1);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_start_all(), (int)nb_ctx);

	srand(42);
	deadline = rte_rdtsc() + MAX_SECONDS * rte_get_tsc_hz();
	while (moves < MIN_MOVES && rte_rdtsc() < deadline) {
		uint16_t p = rand() % 2, q = rand() % NB_RXQ;
		uint32_t to = ctx[rand() % nb_ctx]->id;

		rc = lcx_mgr_rxq_move(p, q, to);
		if (rc == -EALREADY)
			continue;
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			break;
		moves++;
	}
	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);

	lcx_mgr_rxq_move_stats(&ms, 0);
	printf("\n%u moves: unpolled time per move median %" PRIu64
		" ns, min %" PRIu64 " ns, max %" PRIu64 " ns (%" PRIu64
		" samples)\n", moves, ms.unpolled_median_ns,
		ms.unpolled_min_ns, ms.unpolled_max_ns, ms.samples);
	CU_ASSERT(moves >= MIN_MOVES);
	CU_ASSERT_EQUAL(ms.moves, moves);
	CU_ASSERT_EQUAL(ms.failed, 0);

	/* every queue has exactly one owner, one of ours */
	CU_ASSERT_EQUAL(lcx_place_report_get(rep, RTE_DIM(rep)), 2 * NB_RXQ);
	for (i = 0; i < 2 * NB_RXQ; i++)
		CU_ASSERT(rep[i].ctx_id != UINT32_MAX);
	for (i = 0; i < nb_ctx; i++) {
		struct lcx_ctx_stats st;

		lcx_ctx_stats_get(ctx[i], &st);
		drops += st.dropped;
		rx += st.rx_packets;
	}
	CU_ASSERT_EQUAL(drops, 0);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(port[0], &s[0]), 0);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(port[1], &s[1]), 0);
	printf("generated %" PRIu64 " + %" PRIu64 ", received at TX %"
		PRIu64 " + %" PRIu64 ", lost %" PRIu64 ", dup %" PRIu64
		", reordered %" PRIu64 "\n", s[0].generated, s[1].generated,
		s[1].received, s[0].received, s[0].lost + s[1].lost,
		s[0].dup + s[1].dup, s[0].reordered + s[1].reordered);
	CU_ASSERT(s[0].generated > 0 && s[1].generated > 0);
	CU_ASSERT_EQUAL(rx, s[0].generated + s[1].generated);
	/* port 0's frames leave by port 1 and the other way round */
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(s[i].generated + drops, s[i ^ 1].received);
		CU_ASSERT_EQUAL(s[i].lost, 0);
		CU_ASSERT_EQUAL(s[i].dup, 0);
		CU_ASSERT_EQUAL(s[i].reordered, 0);
		CU_ASSERT_EQUAL(s[i].late, 0);
		CU_ASSERT_EQUAL(s[i].bad, 0);
		CU_ASSERT_EQUAL(s[i].rx_nombuf, 0);
		CU_ASSERT_EQUAL(s[i].received, s[i].in_order);
	}
	rte_mempool_walk(pool_check, &bad_pools);
	CU_ASSERT_EQUAL(bad_pools, 0);
	teardown();
}

static void
test_move_errors(void)
{
	struct lcx_ctx_conf conf;
	struct lcx_ctx *small;
	uint32_t owner;
	struct lcx_place_report rep[2 * NB_RXQ];

	CU_ASSERT_FATAL(setup(2, MAX_CTX) == 0);
	/* RR: (0,0) ctx0, (0,1) ctx1, (1,0) ctx2, (1,1) ctx0 */
	CU_ASSERT_EQUAL(lcx_place_report_get(rep, RTE_DIM(rep)), 4);
	owner = rep[0].ctx_id;
	CU_ASSERT_EQUAL(owner, ctx[0]->id);
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(0, 0, owner), -EALREADY);
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(0, NB_RXQ, ctx[1]->id), -EINVAL);
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(7, 0, ctx[1]->id), -EINVAL);
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(0, 0, 9999), -LCX_ENOCTX);
	/* ctx0 polls 2 = max_rxq */
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(0, 1, ctx[0]->id), -ENOSPC);
	/* nothing moved */
	CU_ASSERT_EQUAL(lcx_place_report_get(rep, RTE_DIM(rep)), 4);
	CU_ASSERT_EQUAL(rep[1].ctx_id, ctx[1]->id);
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq, 2);
	CU_ASSERT_EQUAL(ctx[1]->nb_rxq, 1);

	/* A context created after placement gets TX queues and can take a
	 * queue; moves between stopped contexts are done in place. */
	lcx_ctx_conf_init(&conf);
	conf.lcore = 0;
	conf.limits.pool_size = 0;
	small = lcx_mgr_ctx_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(small);
	CU_ASSERT_PTR_EQUAL(small->txq[0].port, port[0]);
	CU_ASSERT_PTR_EQUAL(small->txq[1].port, port[1]);
	CU_ASSERT_NOT_EQUAL(small->txq[0].queue, ctx[0]->txq[0].queue);
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(0, 1, small->id), 0);
	CU_ASSERT_EQUAL(small->nb_rxq, 1);
	CU_ASSERT_EQUAL(small->rxq[0].queue, 1);
	CU_ASSERT_EQUAL(small->rxq[0].out_port, 1);
	CU_ASSERT_EQUAL(ctx[1]->nb_rxq, 0);
	/* evacuate: to the one with the fewest queues (ctx1) */
	CU_ASSERT_EQUAL(lcx_mgr_ctx_evacuate(small->id), 0);
	CU_ASSERT_EQUAL(small->nb_rxq, 0);
	CU_ASSERT_EQUAL(ctx[1]->nb_rxq, 1);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(small->id), 0);
	teardown();
}

static CU_TestInfo migrate_tests[] = {
	{ "move errors, late context, evacuate", test_move_errors },
	{ "1000 moves under load: nothing lost", test_move_under_load },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "queue migration", suite_init, suite_clean, NULL, NULL,
		migrate_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
