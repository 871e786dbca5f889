/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Automatic rebalancing on synth traffic: two contexts forward two synth
 * ports (two RX queues each) to each other.  The rebalancer runs in manual
 * mode, ticked by the test every 100 ms, so the samples line up with what
 * the test does:
 *   - balanced (two queues each): no move;
 *   - skewed (all four queues on one context, the other idle and parked:
 *     adaptive idle): queues move to the idle one until both are busy, one
 *     at a time, and then
 *     stop; the synth sequence numbers show nothing lost, duplicated or
 *     reordered, and every pool is full;
 *   - fluctuating (the test swings every queue from one context to the
 *     other every two samples): never more than two imbalanced samples in
 *     a row with the same busiest context, so no move and no dry run.
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

#define NB_CTX 2
#define NB_RXQ 2
#define TICK_MS 100

static struct lcx_ctx *ctx[NB_CTX];
static struct lcx_port *port[2];

static int
suite_init(void)
{
	if (lcx_test_eal_init("0@0,1@1,2@0", NULL) != 0)
		return -1;
	return lcx_test_mgr_init();
}

static int
suite_clean(void)
{
	return lcx_mgr_fini() == 0 ? 0 : -1;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
pool_check(struct rte_mempool *mp, void *arg)
{
	unsigned int *bad = arg;

	if (!lcx_test_pool_full(mp))
		(*bad)++;
}

static void
setup(void)
{
	struct lcx_mgr_rebalance_conf rc;
	struct lcx_ctx_conf conf;
	unsigned int i;

	for (i = 0; i < NB_CTX; i++) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = i + 1;
		/* Adaptive: an idle context parks in naps growing to 1 ms,
		 * and moves to it still go through its run queue. */
		conf.idle = LCX_IDLE_ADAPTIVE;
		conf.limits.pool_size = 2047;
		ctx[i] = lcx_mgr_ctx_create(&conf);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[i]);
	}
	port[0] = lcx_place_port_add("synth:flows=64,seed=7,size=64-300", NB_RXQ);
	port[1] = lcx_place_port_add("synth:flows=64,seed=8", NB_RXQ);
	CU_ASSERT_FATAL(port[0] != NULL && port[1] != NULL);
	CU_ASSERT_EQUAL_FATAL(lcx_place_apply("rr", NULL, 0), 0);
	lcx_mgr_rebalance_conf_init(&rc);
	rc.manual = 1;
	rc.interval_ms = TICK_MS;
	rc.hold_ms = 3 * TICK_MS;
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_start(&rc), 0);
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_start(&rc), -EALREADY);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_start_all(), NB_CTX);
}

/* Stop, check the traffic and the pools, and start the manager afresh. */
static void
teardown(int moved)
{
	struct lcx_synth_stats s[2];
	unsigned int i, bad_pools = 0;
	uint64_t drops = 0;

	CU_ASSERT_EQUAL(lcx_mgr_rebalance_stop(), 0);
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_stop(), -ENOENT);
	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);
	for (i = 0; i < NB_CTX; i++) {
		struct lcx_ctx_stats st;

		lcx_ctx_stats_get(ctx[i], &st);
		drops += st.dropped;
	}
	CU_ASSERT_EQUAL(drops, 0);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(port[0], &s[0]), 0);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(port[1], &s[1]), 0);
	printf("generated %" PRIu64 " + %" PRIu64 ", lost %" PRIu64
		", dup %" PRIu64 ", reordered %" PRIu64 " (%d moves)\n",
		s[0].generated, s[1].generated, s[0].lost + s[1].lost,
		s[0].dup + s[1].dup, s[0].reordered + s[1].reordered, moved);
	for (i = 0; i < 2; i++) {
		CU_ASSERT(s[i].generated > 0);
		CU_ASSERT_EQUAL(s[i].generated, s[i ^ 1].received);
		CU_ASSERT_EQUAL(s[i].lost, 0);
		CU_ASSERT_EQUAL(s[i].dup, 0);
		CU_ASSERT_EQUAL(s[i].reordered, 0);
		CU_ASSERT_EQUAL(s[i].bad, 0);
	}
	rte_mempool_walk(pool_check, &bad_pools);
	CU_ASSERT_EQUAL(bad_pools, 0);
	lcx_mgr_fini();
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
}

static void
print_decision(const struct lcx_mgr_rebalance_decision *d)
{
	printf("  #%" PRIu64 " %s: busiest ctx %u %u pm, idlest ctx %u %u pm, streak %u, queue %d/%d %u pm -> %d, var %" PRIu64 " -> %" PRIu64 "\n",
		d->seq, lcx_mgr_rebalance_verdict_name(d->verdict),
		d->busiest_ctx, d->busiest_pm, d->idlest_ctx, d->idlest_pm,
		d->streak, d->port == UINT16_MAX ? -1 : d->port,
		d->queue == UINT16_MAX ? -1 : d->queue, d->queue_pm,
		d->to_ctx == UINT32_MAX ? -1 : (int)d->to_ctx,
		d->var_before, d->var_after);
}

static void
test_balanced(void)
{
	struct lcx_mgr_rebalance_decision d, last;
	unsigned int i;

	CU_ASSERT_EQUAL(lcx_mgr_rebalance_last(&d), -ENOENT);
	setup();
	printf("\n");
	for (i = 0; i < 12; i++) {
		sleep_ms(TICK_MS);
		CU_ASSERT_EQUAL(lcx_mgr_rebalance_tick(&d), 0);
		print_decision(&d);
		CU_ASSERT(d.verdict == LCX_REBAL_BALANCED ||
			d.verdict == LCX_REBAL_WARMUP);
	}
	CU_ASSERT_EQUAL(d.verdict, LCX_REBAL_BALANCED);
	CU_ASSERT_EQUAL(d.nb_ctx, NB_CTX);
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_last(&last), 0);
	CU_ASSERT_EQUAL(last.seq, d.seq);
	CU_ASSERT_EQUAL(last.moves, 0);
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq, 2);
	CU_ASSERT_EQUAL(ctx[1]->nb_rxq, 2);
	teardown(0);
}

static void
test_skewed(void)
{
	struct lcx_mgr_rebalance_decision d;
	unsigned int i, p, q, first_move = 0;

	setup();
	for (p = 0; p < 2; p++)
		for (q = 0; q < NB_RXQ; q++) {
			int rc = lcx_mgr_rxq_move(p, q, ctx[0]->id);

			CU_ASSERT(rc == 0 || rc == -EALREADY);
		}
	CU_ASSERT_EQUAL_FATAL(ctx[0]->nb_rxq, 4);
	printf("\n");
	for (i = 0; i < 25; i++) {
		sleep_ms(TICK_MS);
		CU_ASSERT_EQUAL(lcx_mgr_rebalance_tick(&d), 0);
		print_decision(&d);
		if (d.verdict == LCX_REBAL_MOVED && first_move == 0) {
			first_move = i + 1;
			/* the per-queue cycle accounting saw the queue work */
			CU_ASSERT(d.queue_pm > 0);
			CU_ASSERT(d.var_after < d.var_before);
			CU_ASSERT_EQUAL(d.to_ctx, ctx[1]->id);
		}
		CU_ASSERT(d.verdict != LCX_REBAL_FAILED);
	}
	printf("first move at sample %u (%u ms), %" PRIu64 " moves, queues %u/%u\n",
		first_move, first_move * TICK_MS, d.moves, ctx[0]->nb_rxq,
		ctx[1]->nb_rxq);
	/* Not before `sustain` (3) imbalanced samples after the warm-up. */
	CU_ASSERT(first_move >= 4);
	CU_ASSERT(d.moves >= 1 && d.moves <= 2);
	CU_ASSERT(ctx[1]->nb_rxq >= 1);
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq + ctx[1]->nb_rxq, 4);
	CU_ASSERT_EQUAL(d.verdict, LCX_REBAL_BALANCED);
	teardown((int)d.moves);
}

static void
test_fluctuating(void)
{
	struct lcx_mgr_rebalance_decision d;
	unsigned int i, p, q, side = 0, max_streak = 0;

	setup();
	printf("\n");
	for (i = 0; i < 14; i++) {
		if (i % 2 == 0) {
			/* swing: every queue to one context, alternately */
			for (p = 0; p < 2; p++)
				for (q = 0; q < NB_RXQ; q++) {
					int rc = lcx_mgr_rxq_move(p, q,
						ctx[side]->id);

					CU_ASSERT(rc == 0 || rc == -EALREADY);
				}
			side ^= 1;
		}
		sleep_ms(TICK_MS);
		CU_ASSERT_EQUAL(lcx_mgr_rebalance_tick(&d), 0);
		print_decision(&d);
		max_streak = RTE_MAX(max_streak, d.streak);
		CU_ASSERT(d.verdict == LCX_REBAL_WAIT ||
			d.verdict == LCX_REBAL_BALANCED ||
			d.verdict == LCX_REBAL_WARMUP);
	}
	CU_ASSERT(max_streak >= 1);
	CU_ASSERT(max_streak <= 2);
	CU_ASSERT_EQUAL(d.moves, 0);
	teardown(0);
}

static void
test_conf(void)
{
	struct lcx_mgr_rebalance_conf rc;

	lcx_mgr_rebalance_conf_init(&rc);
	CU_ASSERT_EQUAL(rc.interval_ms, 1000);
	rc.interval_ms = 5;
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_start(&rc), -EINVAL);
	rc.interval_ms = 100;
	rc.sustain = 0;
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_start(&rc), -EINVAL);
	rc.sustain = 1;
	rc.gain_pct = 101;
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_start(&rc), -EINVAL);
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_tick(NULL), -ENOENT);
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_last(NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(lcx_mgr_rebalance_verdict_name(LCX_REBAL_MOVED),
		"moved");
	CU_ASSERT_STRING_EQUAL(lcx_mgr_rebalance_verdict_name(99), "?");
	/* the thread starts and stops */
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_start(NULL), 0);
	CU_ASSERT_EQUAL(lcx_mgr_rebalance_stop(), 0);
}

static CU_TestInfo rebalance_tests[] = {
	{ "settings and errors", test_conf },
	{ "balanced load: no move", test_balanced },
	{ "skewed load: corrected, nothing lost", test_skewed },
	{ "fluctuating load: no move", test_fluctuating },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "rebalancing", suite_init, suite_clean, NULL, NULL,
		rebalance_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
