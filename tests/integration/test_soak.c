/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conservation soak: two synth ports forwarding to each other through
 * "soak-chaos -> macswap" on two long-lived contexts and a third that is
 * destroyed and recreated again and again, while RX queues move at
 * random.  soak-chaos (defined here) drops about 1 packet in 16 with the
 * reason "random" and makes about 1 decision in 256 that is no decision
 * at all (the pipeline must drop it as "bad-decision").  At the end,
 * exactly:
 *
 *   generated = sent + dropped        (both synth ports, every context
 *                                      that ever ran, nothing held)
 *   dropped   = context drops by reason + pipeline drops by reason
 *
 * and every pool is full, rte_mempool_audit() passes on each.  It runs
 * until both the packets and MIN_MOVES queue moves are done.
 *
 *   LCX_SOAK_PACKETS=N   packets to generate (default 2 000 000; the
 *                        long run of doc/reliability.md uses 50 000 000)
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mempool.h>

#include "lcx_handler.h"
#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "lcx_synth.h"
#include "lcx_test.h"

#define SPEC "soak-chaos -> macswap"
#define NB_RXQ 2
#define MAX_SECONDS 600
#define MIN_MOVES 300		/* and at least as many moves */

/* ---- soak-chaos: random drops and nonsense decisions --------------------- */

#define foreach_chaos_drop(_) _(CHAOS_DROP_RANDOM, "random")
LCX_HANDLER_DROPS(chaos, foreach_chaos_drop);

struct chaos {
	uint64_t rng;
};

static int
chaos_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct chaos *c = priv;

	(void)args;
	c->rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)ctx->id << 17);
	return 0;
}

static uint16_t
chaos_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct chaos *c = priv;
	uint16_t i;

	(void)ctx;
	(void)pkts;
	for (i = 0; i < n; i++) {
		c->rng ^= c->rng >> 12;
		c->rng ^= c->rng << 25;
		c->rng ^= c->rng >> 27;
		if ((c->rng & 0xff) == 0)
			act[i] = LCX_ACT_DROP(200);	/* no such reason */
		else if ((c->rng & 0xf00) == 0)
			act[i] = LCX_ACT_DROP(CHAOS_DROP_RANDOM);
	}
	return n;
}

LCX_HANDLER_REGISTER(soak_chaos) = {
	.name = "soak-chaos",
	.usage = "soak-chaos: no arguments",
	.priv_size = sizeof(struct chaos),
	.init = chaos_init,
	.process = chaos_process,
	LCX_HANDLER_DROPS_OF(chaos),
};

/* ---- The soak ------------------------------------------------------------- */

/* What contexts that are gone counted, and what every context counts. */
struct tally {
	uint64_t rx, tx, dropped, ctx_by_reason, stage_dropped,
		stage_by_reason, random, bad_decision;
};

static void
tally_add(struct tally *t, struct lcx_ctx *ctx)
{
	struct lcx_handler_stats hs;
	struct lcx_ctx_stats st;
	unsigned int s, r;

	lcx_ctx_stats_get(ctx, &st);
	t->rx += st.rx_packets;
	t->tx += st.tx_packets;
	t->dropped += st.dropped;
	for (r = 0; r < LCX_CTX_DROP_MAX; r++)
		t->ctx_by_reason += st.drop[r];
	for (s = 0; s < lcx_pipeline_stages(ctx); s++) {
		if (lcx_pipeline_stats_get(ctx, s, &hs) != 0)
			continue;
		t->stage_dropped += hs.dropped;
		for (r = 0; r < hs.nb_drops; r++) {
			t->stage_by_reason += hs.drop[r];
			if (strcmp(hs.drop_name[r], "random") == 0)
				t->random += hs.drop[r];
			if (strcmp(hs.drop_name[r], "bad-decision") == 0)
				t->bad_decision += hs.drop[r];
		}
	}
}

static struct lcx_port *port[2];

static int
suite_init(void)
{
	struct lcx_mgr_conf mc;

	if (lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL) != 0)
		return -1;
	lcx_mgr_conf_init(&mc);
	mc.watch_interval_ms = 0;	/* oversubscribed cores: no verdicts */
	return lcx_mgr_init(&mc) == 0 ? 0 : -1;
}

static int
suite_clean(void)
{
	return lcx_mgr_fini() == 0 ? 0 : -1;
}

static struct lcx_ctx *
ctx_up(unsigned int lcore)
{
	struct lcx_ctx_conf conf;
	struct lcx_ctx *ctx;

	lcx_ctx_conf_init(&conf);
	conf.lcore = lcore;
	conf.idle = LCX_IDLE_PAUSE;
	conf.limits.pool_size = 2047;
	conf.limits.max_rxq = 8;
	ctx = lcx_mgr_ctx_create(&conf);
	if (ctx != NULL && lcx_pipeline_attach(ctx, SPEC) != 0) {
		lcx_mgr_ctx_destroy(ctx->id);
		return NULL;
	}
	return ctx;
}

static void
pool_audit(struct rte_mempool *mp, void *arg)
{
	unsigned int *bad = arg;

	rte_mempool_audit(mp);	/* panics on a corrupt pool */
	if (!lcx_test_pool_full(mp))
		(*bad)++;
}

static void
test_soak(void)
{
	const char *env = getenv("LCX_SOAK_PACKETS");
	uint64_t target = env != NULL ? strtoull(env, NULL, 10) : 2000000;
	struct lcx_synth_stats s[2];
	struct lcx_ctx *keep[2], *churn = NULL;
	struct tally t = { 0 };
	unsigned int moves = 0, recycles = 0, bad_pools = 0, i;
	uint64_t deadline, generated = 0, sent = 0;
	int rc;

	keep[0] = ctx_up(1);
	keep[1] = ctx_up(2);
	CU_ASSERT_FATAL(keep[0] != NULL && keep[1] != NULL);
	port[0] = lcx_place_port_add("synth:flows=64,seed=5,size=64-300", NB_RXQ);
	port[1] = lcx_place_port_add("synth:flows=64,seed=6,ipv6=mix", NB_RXQ);
	CU_ASSERT_FATAL(port[0] != NULL && port[1] != NULL);
	CU_ASSERT_EQUAL_FATAL(lcx_place_apply("rr", NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_start_all(), 2);

	srand(7);
	deadline = rte_rdtsc() + MAX_SECONDS * rte_get_tsc_hz();
	while ((generated < target || moves < MIN_MOVES) &&
			rte_rdtsc() < deadline) {
		uint32_t to = keep[rand() % 2]->id;

		if (churn != NULL && rand() % 3 == 0)
			to = churn->id;
		rc = lcx_mgr_rxq_move(rand() % 2, rand() % NB_RXQ, to);
		CU_ASSERT(rc == 0 || rc == -EALREADY);
		moves += rc == 0;
		if (rand() % 4 == 0) {
			if (churn == NULL) {
				churn = ctx_up(3);
				CU_ASSERT_FATAL(churn != NULL);
				CU_ASSERT_EQUAL(lcx_mgr_ctx_start(churn->id), 0);
			} else {
				/* counters of a context die with it */
				CU_ASSERT_EQUAL(lcx_mgr_ctx_evacuate(churn->id),
					0);
				CU_ASSERT_EQUAL(lcx_mgr_ctx_stop(churn->id), 0);
				CU_ASSERT_EQUAL(lcx_mgr_ctx_wait(churn->id), 0);
				tally_add(&t, churn);
				CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(churn->id),
					0);
				churn = NULL;
				recycles++;
			}
		}
		lcx_synth_stats_get(port[0], &s[0]);
		lcx_synth_stats_get(port[1], &s[1]);
		generated = s[0].generated + s[1].generated;
	}
	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);
	if (churn != NULL)
		tally_add(&t, churn);
	for (i = 0; i < 2; i++)
		tally_add(&t, keep[i]);
	lcx_synth_stats_get(port[0], &s[0]);
	lcx_synth_stats_get(port[1], &s[1]);
	generated = s[0].generated + s[1].generated;
	sent = s[0].sent + s[1].sent;

	printf("\nsoak: %" PRIu64 " generated, %" PRIu64 " sent, %" PRIu64
		" dropped (random %" PRIu64 ", bad-decision %" PRIu64
		", context %" PRIu64 "), %u queue moves, %u contexts "
		"recycled\n", generated, sent, t.dropped, t.random,
		t.bad_decision, t.ctx_by_reason, moves, recycles);
	CU_ASSERT(generated >= target);
	CU_ASSERT_EQUAL(t.rx, generated);
	CU_ASSERT_EQUAL(t.tx, sent);
	CU_ASSERT_EQUAL(generated, sent + t.dropped);
	CU_ASSERT_EQUAL(t.dropped, t.ctx_by_reason + t.stage_dropped);
	CU_ASSERT_EQUAL(t.stage_dropped, t.stage_by_reason);
	CU_ASSERT(t.random > 0);
	CU_ASSERT(t.bad_decision > 0);
	CU_ASSERT(moves >= MIN_MOVES);
	CU_ASSERT(recycles > 0);

	if (churn != NULL)
		CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(churn->id), 0);
	for (i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(keep[i]->id), 0);
	rte_mempool_walk(pool_audit, &bad_pools);
	CU_ASSERT_EQUAL(bad_pools, 0);
}

static CU_TestInfo tests[] = {
	{ "conservation under drops, errors, moves and recycling", test_soak },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "soak", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
