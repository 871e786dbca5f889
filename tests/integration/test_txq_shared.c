/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * More contexts than a port has TX queues (issue 9).  Port 0 is a synth
 * port (traffic source and sequence checker), port 1 a net_ring device
 * with one RX and one TX queue, looped onto itself through one ring made
 * single-producer/single-consumer: only the TX queue's lock keeps two
 * contexts from enqueueing on it at once, so a missing or broken lock
 * shows as lost or duplicated frames.  Frames go synth -> ring -> synth.
 *
 *   - three contexts, the handoff handler spreading every burst over all
 *     three: each sends on the ring's one TX queue; every frame arrives
 *     once and in order, the counters add up, the pools are full;
 *   - a context created while another runs takes the running one's TX
 *     queue: the running one switches to the lock first; then 400 RX
 *     queue moves between the two lose nothing.
 * Under heavy load the moves may outlast the traffic: the test prints how
 * many frames were still to come when they ended.
 */
#include <inttypes.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "lcx_ctx_worker.h"
#include "lcx_handler.h"
#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "lcx_synth.h"
#include "lcx_test.h"

#define NB_CTX 3
#define RING_NAME "txq"      /* the device is net_ring_<name> */
#define RING_DEV "net_ring_" RING_NAME
/* Frames the synth RX queue generates: enough for the 400 moves to
 * happen while they flow (about 3 Mpps and 7000 moves a second on an idle
 * machine here), few enough for a loaded machine or ASan (tens of kpps
 * seen) to finish within MAX_SECONDS. */
#ifdef __SANITIZE_ADDRESS__
#define COUNT 100000
#else
#define COUNT 500000
#endif
#define MOVES 400
#define MAX_SECONDS 60

static struct lcx_ctx *ctx[NB_CTX];
static struct lcx_port *port[2];
static struct rte_ring *ring;
static struct lcx_port_stats ring_before;  /* the device outlives a test */

static int
mgr_init(void)
{
	struct lcx_mgr_conf mc;

	lcx_mgr_conf_init(&mc);
	mc.watch_interval_ms = 0;  /* oversubscribed cores: no verdicts */
	return lcx_mgr_init(&mc);
}

static int
suite_init(void)
{
	if (lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL) != 0)
		return -1;
	/* SP/SC: two unlocked producers would corrupt it (see above). */
	ring = rte_ring_create("txq_loop", 16384, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (ring == NULL || rte_eth_from_rings(RING_NAME, &ring, 1, &ring, 1,
			rte_socket_id()) < 0)
		return -1;
	return mgr_init() == 0 ? 0 : -1;
}

static int
suite_clean(void)
{
	int rc = lcx_mgr_fini() == 0 ? 0 : -1;
	uint16_t id;

	if (rte_eth_dev_get_port_by_name(RING_DEV, &id) == 0)
		rte_eth_dev_close(id);
	rte_ring_free(ring);
	return rc;
}

static struct lcx_ctx *
ctx_new(unsigned int lcore)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.lcore = lcore;
	conf.idle = LCX_IDLE_PAUSE;
	conf.limits.pool_size = 4095;
	return lcx_mgr_ctx_create(&conf);
}

/* Each test its own seed: frames a failed test left behind would count
 * as bad in the next, not as its duplicates. */
static int
ports_add(const char *synth)
{
	port[0] = lcx_place_port_add(synth, 1);
	port[1] = lcx_place_port_add(RING_DEV, 1);
	if (port[0] == NULL || port[1] == NULL)
		return -1;
	return lcx_port_stats_get(port[1], &ring_before);
}

/* Wait until synth got back every frame it generated (or the deadline):
 * then nothing is left in flight, in rings or TX buffers. */
static void
wait_delivered(struct lcx_synth_stats *s)
{
	uint64_t deadline = rte_rdtsc() + MAX_SECONDS * rte_get_tsc_hz();

	do {
		rte_delay_ms(5);
		lcx_synth_stats_get(port[0], s);
	} while (s->received < COUNT && rte_rdtsc() < deadline);
	rte_delay_ms(20);  /* a duplicate would come after the last one */
	lcx_synth_stats_get(port[0], s);
}

static void
pool_check(struct rte_mempool *mp, void *arg)
{
	unsigned int *bad = arg;

	if (!lcx_test_pool_full(mp))
		(*bad)++;
}

/* Frames arrived once and in order; ring in == ring out. */
static void
check_delivery(const struct lcx_synth_stats *s)
{
	struct lcx_port_stats ps;

	printf("\ngenerated %" PRIu64 ", back at synth %" PRIu64 ", lost %"
		PRIu64 ", dup %" PRIu64 ", reordered %" PRIu64 "\n",
		s->generated, s->received, s->lost, s->dup, s->reordered);
	CU_ASSERT_EQUAL(s->generated, COUNT);
	CU_ASSERT_EQUAL(s->received, COUNT);
	CU_ASSERT_EQUAL(s->in_order, COUNT);
	CU_ASSERT_EQUAL(s->lost, 0);
	CU_ASSERT_EQUAL(s->dup, 0);
	CU_ASSERT_EQUAL(s->reordered, 0);
	CU_ASSERT_EQUAL(s->late, 0);
	CU_ASSERT_EQUAL(s->bad, 0);
	CU_ASSERT_EQUAL(lcx_port_stats_get(port[1], &ps), 0);
	CU_ASSERT_EQUAL(ps.opackets - ring_before.opackets, COUNT);
	CU_ASSERT_EQUAL(ps.ipackets - ring_before.ipackets, COUNT);
	CU_ASSERT_EQUAL(rte_ring_count(ring), 0);
}

static void
teardown(void)
{
	unsigned int bad = 0;
	void *m;

	/* Left in the ring only when the test failed: their pools go now. */
	while (rte_ring_dequeue(ring, &m) == 0)
		rte_pktmbuf_free(m);
	rte_mempool_walk(pool_check, &bad);
	CU_ASSERT_EQUAL(bad, 0);
	lcx_mgr_fini();
	CU_ASSERT_EQUAL(lcx_place_port_list(NULL, 0), 0);
	CU_ASSERT_EQUAL(mgr_init(), 0);
}

static void
test_three_share_one(void)
{
	struct lcx_synth_stats s;
	struct lcx_ctx_stats st;
	uint64_t rx = 0, tx = 0, shared = 0, drops = 0, hin = 0, waits = 0;
	unsigned int i, d;

	for (i = 0; i < NB_CTX; i++) {
		ctx[i] = ctx_new(i + 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[i]);
	}
	CU_ASSERT_FATAL(ports_add("synth:flows=64,seed=9,size=64-300,count="
		RTE_STR(COUNT)) == 0);
	CU_ASSERT_EQUAL_FATAL(lcx_place_apply("rr", NULL, 0), 0);
	lcx_place_report_dump(stdout);
	/* one TX queue, three users, all under its one lock */
	CU_ASSERT_EQUAL(port[1]->nb_txq, 1);
	for (i = 0; i < NB_CTX; i++) {
		CU_ASSERT_PTR_EQUAL(ctx[i]->txq[1].port, port[1]);
		CU_ASSERT_EQUAL(ctx[i]->txq[1].queue, 0);
		CU_ASSERT_PTR_NOT_NULL(ctx[i]->txq[1].lock);
		CU_ASSERT_PTR_EQUAL(ctx[i]->txq[1].lock, ctx[0]->txq[1].lock);
		/* synth has a TX queue for each: no lock there */
		CU_ASSERT_PTR_NULL(ctx[i]->txq[0].lock);
	}
	CU_ASSERT_EQUAL_FATAL(lcx_handoff_connect(ctx, NB_CTX, 8192), 0);
	for (i = 0; i < NB_CTX; i++)
		CU_ASSERT_EQUAL_FATAL(lcx_pipeline_attach(ctx[i], "handoff"), 0);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_start_all(), NB_CTX);
	wait_delivered(&s);
	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);
	check_delivery(&s);

	for (i = 0; i < NB_CTX; i++) {
		lcx_ctx_stats_get(ctx[i], &st);
		printf("%s: rx %" PRIu64 " handoff-in %" PRIu64 " tx %" PRIu64
			" shared %" PRIu64 " lock waits %" PRIu64 " (%" PRIu64
			" cycles)\n", ctx[i]->name, st.rx_packets,
			st.handoff_in, st.tx_packets, st.tx_shared,
			st.tx_lock_waits, st.tx_lock_cycles);
		/* the hash gives each of the three some of the 64 flows */
		CU_ASSERT(st.tx_shared > 0);
		for (d = 0; d < LCX_CTX_DROP_MAX; d++)
			if (st.drop[d] != 0)
				printf("  drop %s: %" PRIu64 "\n",
					lcx_ctx_drop_name(d), st.drop[d]);
		rx += st.rx_packets;
		tx += st.tx_packets;
		shared += st.tx_shared;
		drops += st.dropped;
		hin += st.handoff_in;
		waits += st.tx_lock_waits;
	}
	/* polled: COUNT from synth, COUNT from the ring; sent: each twice */
	CU_ASSERT_EQUAL(rx, 2 * COUNT);
	CU_ASSERT_EQUAL(tx, 2 * COUNT);
	CU_ASSERT_EQUAL(shared, COUNT);  /* every frame on the ring's queue */
	CU_ASSERT(hin > 0 && hin < 2 * COUNT);
	CU_ASSERT_EQUAL(drops, 0);
	printf("lock waits in all: %" PRIu64 "\n", waits);

	CU_ASSERT_EQUAL(lcx_handoff_disconnect(ctx[0]), 0);
	for (i = 0; i < NB_CTX; i++)
		lcx_pipeline_detach(ctx[i]);
	teardown();
}

static void
test_late_sharer_and_moves(void)
{
	struct lcx_synth_stats s;
	struct lcx_ctx_stats st[2];
	struct lcx_mgr_move_stats ms;
	unsigned int moves = 0, i;
	uint64_t deadline;
	int rc;

	ctx[0] = ctx_new(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[0]);
	CU_ASSERT_FATAL(ports_add("synth:flows=64,seed=10,size=64-300,count="
		RTE_STR(COUNT)) == 0);
	CU_ASSERT_EQUAL_FATAL(lcx_place_apply("rr", NULL, 0), 0);
	/* alone on the queue: the lock-free path */
	CU_ASSERT_PTR_NULL(ctx[0]->txq[1].lock);
	lcx_mgr_rxq_move_stats(&ms, 1);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_ctx_start(ctx[0]->id), 0);
	rte_delay_ms(10);

	/* joins while ctx0 sends: ctx0 takes the lock first, in a task */
	ctx[1] = ctx_new(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[1]);
	CU_ASSERT_PTR_EQUAL(ctx[1]->txq[1].port, port[1]);
	CU_ASSERT_PTR_NOT_NULL(ctx[1]->txq[1].lock);
	CU_ASSERT_PTR_EQUAL(ctx[0]->txq[1].lock, ctx[1]->txq[1].lock);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_ctx_start(ctx[1]->id), 0);

	srand(7);
	deadline = rte_rdtsc() + MAX_SECONDS * rte_get_tsc_hz();
	while (moves < MOVES && rte_rdtsc() < deadline) {
		rc = lcx_mgr_rxq_move(rand() % 2, 0, ctx[rand() % 2]->id);
		if (rc == -EALREADY)
			continue;
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			break;
		moves++;
	}
	lcx_synth_stats_get(port[0], &s);
	printf("\nafter the moves, %" PRIu64 " of %u frames still to come\n",
		COUNT - s.received, COUNT);
	wait_delivered(&s);
	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);
	lcx_mgr_rxq_move_stats(&ms, 0);
	printf("\n%u moves, %" PRIu64 " failed\n", moves, ms.failed);
	CU_ASSERT_EQUAL(moves, MOVES);
	CU_ASSERT_EQUAL(ms.failed, 0);
	check_delivery(&s);
	for (i = 0; i < 2; i++) {
		lcx_ctx_stats_get(ctx[i], &st[i]);
		printf("%s: rx %" PRIu64 " tx %" PRIu64 " shared %" PRIu64
			" lock waits %" PRIu64 "\n", ctx[i]->name,
			st[i].rx_packets, st[i].tx_packets, st[i].tx_shared,
			st[i].tx_lock_waits);
		CU_ASSERT_EQUAL(st[i].dropped, 0);
	}
	CU_ASSERT_EQUAL(st[0].rx_packets + st[1].rx_packets, 2 * COUNT);
	CU_ASSERT_EQUAL(st[0].tx_packets + st[1].tx_packets, 2 * COUNT);
	/* what ctx0 sent on the ring before ctx1 came is not shared */
	CU_ASSERT(st[0].tx_shared + st[1].tx_shared <= COUNT);
	CU_ASSERT(st[1].tx_shared > 0);
	teardown();
}

static CU_TestInfo txq_tests[] = {
	{ "three contexts, one TX queue, handoff: all delivered once",
		test_three_share_one },
	{ "late context shares a running one's queue; moves lose nothing",
		test_late_sharer_and_moves },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "shared TX queues", suite_init, suite_clean, NULL, NULL, txq_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
