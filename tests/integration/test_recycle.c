/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recycling contexts under traffic: a context is created, started, given
 * RX queues, then destroyed while traffic flows -- its queues move back to
 * the survivors first, its TX buffers are flushed, its pool is freed once
 * its mbufs are back -- 100 times.  Two kinds of traffic at once:
 *   - a synth pair (ports 0 and 1, 2 RX queues each) forwarding to each
 *     other: sequence numbers prove nothing lost, duplicated or reordered;
 *   - net_ring0 (port 2, 4 RX queues, looped onto itself): a fixed
 *     population of mbufs from the test's own pool circulates through the
 *     rings; at the end every one of them is found again.
 * Memzones and rte_malloc'd bytes do not grow across the cycles.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "lcx_mgr.h"
#include "lcx_place.h"
#include "lcx_synth.h"
#include "lcx_test.h"

#define CYCLES 100
#define WARMUP 5
#define RING_PKTS 512
#define RING_RXQ 4   /* = TX queues = EAL lcores: every ring is polled */

static struct rte_mempool *ring_pool;
static struct lcx_ctx *keep[2];
static struct lcx_port *port[3];

static int
suite_init(void)
{
	struct lcx_mgr_conf mc;

	if (lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL) != 0)
		return -1;
	ring_pool = rte_pktmbuf_pool_create("test_recycle", 1023, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (ring_pool == NULL)
		return -1;
	lcx_mgr_conf_init(&mc);
	mc.watch_interval_ms = 0;
	return lcx_mgr_init(&mc) == 0 ? 0 : -1;
}

static int
suite_clean(void)
{
	int full = lcx_test_pool_full(ring_pool);

	lcx_mgr_fini();
	rte_mempool_free(ring_pool);
	return full ? 0 : -1;
}

static void
memzone_count(const struct rte_memzone *mz, void *arg)
{
	RTE_SET_USED(mz);
	(*(unsigned int *)arg)++;
}

static unsigned int
memzones(void)
{
	unsigned int n = 0;

	rte_memzone_walk(memzone_count, &n);
	return n;
}

static uint64_t
malloc_bytes(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(rte_socket_id(), &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

static struct lcx_ctx *
ctx_make(unsigned int lcore)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.lcore = lcore;
	conf.idle = LCX_IDLE_PAUSE;
	conf.limits.pool_size = 1023;
	conf.limits.max_rxq = 16;
	return lcx_mgr_ctx_create(&conf);
}

/* Inject the ring population before any loop runs (TX queue 0 is free
 * for the test's thread then). */
static int
ring_inject(void)
{
	struct rte_mbuf *m[RING_PKTS];
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(ring_pool, m, RING_PKTS) != 0)
		return -1;
	for (i = 0; i < RING_PKTS; i++) {
		char *d = rte_pktmbuf_append(m[i], 64);

		memset(d, 0, 64);
		m[i]->port = port[2]->eth_id;
	}
	return lcx_port_tx_burst(port[2], 0, m, RING_PKTS) == RING_PKTS ?
		0 : -1;
}

/* Contexts stopped: take what is left in the rings. */
static unsigned int
ring_drain(void)
{
	struct rte_mbuf *m[LCX_BURST];
	unsigned int total = 0;
	uint16_t q, n;

	for (q = 0; q < RING_RXQ; q++)
		while ((n = lcx_port_rx_burst(port[2], q, m, LCX_BURST)) != 0) {
			total += n;
			rte_pktmbuf_free_bulk(m, n);
		}
	return total;
}

/* One cycle: a context on lcore 3 takes a queue of each port, runs a
 * little, and is destroyed under traffic. */
static int
cycle(unsigned int i)
{
	struct timespec ts = { 0, 2000000 };
	struct lcx_ctx *c;
	int rc;

	c = ctx_make(3);
	if (c == NULL)
		return -1;
	if (lcx_mgr_ctx_start(c->id) != 0)
		return -1;
	rc = lcx_mgr_rxq_move(0, i % 2, c->id);
	rc |= lcx_mgr_rxq_move(1, (i + 1) % 2, c->id);
	rc |= lcx_mgr_rxq_move(2, i % RING_RXQ, c->id);
	rc |= lcx_mgr_rxq_move(2, (i + 1) % RING_RXQ, c->id);
	if (rc != 0)
		return -1;
	nanosleep(&ts, NULL);
	return lcx_mgr_ctx_destroy(c->id);
}

static void
test_recycle_under_traffic(void)
{
	struct lcx_synth_stats s[2];
	struct lcx_place_report rep[16];
	unsigned int mz0, mz1, i, n;
	uint64_t heap0, heap1;

	keep[0] = ctx_make(1);
	keep[1] = ctx_make(2);
	CU_ASSERT_FATAL(keep[0] != NULL && keep[1] != NULL);
	port[0] = lcx_place_port_add("synth:flows=32,seed=5", 2);
	port[1] = lcx_place_port_add("synth:flows=32,seed=6,size=64-512", 2);
	port[2] = lcx_place_port_add("net_ring0", RING_RXQ);
	CU_ASSERT_FATAL(port[0] && port[1] && port[2]);
	CU_ASSERT_EQUAL_FATAL(lcx_place_apply("rr", NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(port[2]->nb_txq, RING_RXQ);
	CU_ASSERT_EQUAL_FATAL(ring_inject(), 0);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_start_all(), 2);

	for (i = 0; i < WARMUP; i++)
		CU_ASSERT_EQUAL_FATAL(cycle(i), 0);
	mz0 = memzones();
	heap0 = malloc_bytes();
	for (i = 0; i < CYCLES; i++)
		if (cycle(i) != 0) {
			CU_FAIL("cycle failed");
			break;
		}
	mz1 = memzones();
	heap1 = malloc_bytes();
	printf("\n%u cycles: memzones %u -> %u, rte_malloc bytes %" PRIu64
		" -> %" PRIu64 "\n", i, mz0, mz1, heap0, heap1);
	CU_ASSERT_EQUAL(mz1, mz0);
	CU_ASSERT_EQUAL(heap1, heap0);

	/* every queue back on a survivor */
	n = lcx_place_report_get(rep, RTE_DIM(rep));
	CU_ASSERT_EQUAL(n, 2 + 2 + RING_RXQ);
	for (i = 0; i < n; i++)
		CU_ASSERT(rep[i].ctx_id == keep[0]->id ||
			rep[i].ctx_id == keep[1]->id);

	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);
	for (i = 0; i < 2; i++) {
		struct lcx_ctx_stats st;

		lcx_ctx_stats_get(keep[i], &st);
		CU_ASSERT_EQUAL(st.dropped, 0);
	}
	lcx_synth_stats_get(port[0], &s[0]);
	lcx_synth_stats_get(port[1], &s[1]);
	printf("synth: generated %" PRIu64 " + %" PRIu64 ", received %" PRIu64
		" + %" PRIu64 ", lost %" PRIu64 ", dup %" PRIu64
		", reordered %" PRIu64 "\n", s[0].generated, s[1].generated,
		s[1].received, s[0].received, s[0].lost + s[1].lost,
		s[0].dup + s[1].dup, s[0].reordered + s[1].reordered);
	for (i = 0; i < 2; i++) {
		CU_ASSERT(s[i].generated > 0);
		CU_ASSERT_EQUAL(s[i].generated, s[i ^ 1].received);
		CU_ASSERT_EQUAL(s[i].received, s[i].in_order);
		CU_ASSERT_EQUAL(s[i].lost, 0);
		CU_ASSERT_EQUAL(s[i].dup, 0);
		CU_ASSERT_EQUAL(s[i].bad, 0);
	}
	/* every circulating mbuf is found again */
	n = ring_drain();
	printf("net_ring: %u of %u mbufs found after the cycles\n", n,
		RING_PKTS);
	CU_ASSERT_EQUAL(n, RING_PKTS);
	LCX_TEST_POOL_FULL(ring_pool);
	LCX_TEST_POOL_FULL(keep[0]->pool);
	LCX_TEST_POOL_FULL(keep[1]->pool);
	/* ports closed, pools freed */
	CU_ASSERT_EQUAL(lcx_mgr_fini(), 0);
	CU_ASSERT_EQUAL(lcx_place_port_list(NULL, 0), 0);
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
}

/* Destroying the context whose pool feeds RX queues: the pool outlives
 * it (the queues keep allocating from it) and goes with the ports. */
static void
test_pool_outlives_context(void)
{
	struct lcx_synth_stats s;
	struct lcx_ctx *a, *b;
	struct rte_mempool *pa;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct timespec ts = { 0, 20000000 };

	a = ctx_make(1);
	b = ctx_make(2);
	CU_ASSERT_FATAL(a != NULL && b != NULL);
	port[0] = lcx_place_port_add("synth:flows=8", 1);
	CU_ASSERT_FATAL(port[0] != NULL);
	/* (0,0) on a, set up with a's pool */
	CU_ASSERT_EQUAL_FATAL(lcx_place_apply("rr", NULL, 0), 0);
	pa = a->pool;
	snprintf(name, sizeof(name), "%s", pa->name);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_start_all(), 2);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(a->id), 0);
	/* b polls it now, from a's pool, which is still there */
	CU_ASSERT_EQUAL(b->nb_rxq, 1);
	CU_ASSERT_PTR_EQUAL(rte_mempool_lookup(name), pa);
	nanosleep(&ts, NULL);
	lcx_mgr_stop_all();
	lcx_mgr_wait_all();
	lcx_synth_stats_get(port[0], &s);
	CU_ASSERT(s.generated > 0);
	CU_ASSERT_EQUAL(s.generated, s.received);
	CU_ASSERT_EQUAL(s.lost + s.dup, 0);
	LCX_TEST_POOL_FULL(pa);
	CU_ASSERT_EQUAL(lcx_mgr_fini(), 0);
	CU_ASSERT_PTR_NULL(rte_mempool_lookup(name));
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
}

static CU_TestInfo recycle_tests[] = {
	{ "pool outlives its context while a queue uses it",
		test_pool_outlives_context },
	{ "destroy and recreate 100 times under traffic",
		test_recycle_under_traffic },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "recycling", suite_init, suite_clean, NULL, NULL, recycle_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
