/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The synth port driver: frames (checksums, lengths, sizes, IMIX), seeds,
 * flow-to-queue spreading, finite streams, and the TX sequence check
 * (loss, duplicates, reordering, foreign frames).  Every test leaves no
 * port open and every pool full.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "lcx_port.h"
#include "lcx_synth.h"
#include "lcx_test.h"

#define NB_MBUF 8191
#define MAXQ 4
#define BURST ((unsigned int)LCX_BURST)

static struct rte_mempool *pool[MAXQ];

static int
suite_init(void)
{
	if (lcx_test_eal_init(NULL, NULL) != 0)
		return -1;
	return lcx_test_pools_create(pool, MAXQ, "test_synth", NB_MBUF);
}

static int
suite_clean(void)
{
	return lcx_test_pools_free(pool, MAXQ);
}

static void
pools_full(void)
{
	int i;

	for (i = 0; i < MAXQ; i++)
		LCX_TEST_POOL_FULL(pool[i]);
}

static struct lcx_port *
synth_up(const char *spec, uint16_t nq)
{
	struct lcx_port_conf conf = {
		.nb_rxq = nq, .nb_txq = nq, .rxq_pool = pool,
	};
	struct lcx_port *p;

	p = lcx_port_open(spec);
	if (p == NULL)
		return NULL;
	if (lcx_port_configure(p, &conf) != 0 || lcx_port_start(p) != 0) {
		lcx_port_close(p);
		return NULL;
	}
	return p;
}

static const struct lcx_synth_hdr *
hdr_of(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	size_t l3 = eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ?
		20 : 40;

	return (const struct lcx_synth_hdr *)((const uint8_t *)(eth + 1) +
		l3 + sizeof(struct rte_udp_hdr));
}

/* Receive n frames from queue q into out[] (n <= room). */
static unsigned int
rx_n(struct lcx_port *p, uint16_t q, struct rte_mbuf **out, unsigned int n)
{
	unsigned int got = 0;
	uint16_t k;

	while (got < n) {
		k = lcx_port_rx_burst(p, q, out + got,
			RTE_MIN(BURST, n - got));
		if (k == 0)
			break;
		got += k;
	}
	return got;
}

static void
tx_all(struct lcx_port *p, uint16_t q, struct rte_mbuf **m, unsigned int n)
{
	unsigned int i = 0;
	uint16_t k;

	while (i < n) {
		k = lcx_port_tx_burst(p, q, m + i, RTE_MIN(BURST, n - i));
		CU_ASSERT_EQUAL_FATAL(k, RTE_MIN(BURST, n - i));
		i += k;
	}
}

/* Bytes of n frames, lengths first, into a malloc'ed buffer. */
static uint8_t *
stream_of(const char *spec, unsigned int n, size_t *len)
{
	struct rte_mbuf *m[256];
	struct lcx_port *p;
	uint8_t *buf, *w;
	unsigned int i;

	buf = malloc(n * (RTE_ETHER_MAX_LEN + 2));
	p = synth_up(spec, 1);
	if (buf == NULL || p == NULL || n > RTE_DIM(m) ||
			rx_n(p, 0, m, n) != n) {
		free(buf);
		lcx_port_close(p);
		return NULL;
	}
	for (i = 0, w = buf; i < n; i++) {
		memcpy(w, &m[i]->pkt_len, 2);
		memcpy(w + 2, rte_pktmbuf_mtod(m[i], void *), m[i]->pkt_len);
		w += 2 + m[i]->pkt_len;
	}
	*len = w - buf;
	tx_all(p, 0, m, n);
	lcx_port_close(p);
	return buf;
}

static void
test_seed(void)
{
	uint8_t *a, *b, *c;
	size_t la, lb, lc;

	a = stream_of("synth:seed=7,ts=0,size=64-1518,flows=8,ipv6=mix", 256,
		&la);
	b = stream_of("synth:seed=7,ts=0,size=64-1518,flows=8,ipv6=mix", 256,
		&lb);
	c = stream_of("synth:seed=8,ts=0,size=64-1518,flows=8,ipv6=mix", 256,
		&lc);
	CU_ASSERT_FATAL(a != NULL && b != NULL && c != NULL);
	CU_ASSERT_EQUAL(la, lb);
	CU_ASSERT(la == lb && memcmp(a, b, la) == 0);
	CU_ASSERT(la != lc || memcmp(a, c, la) != 0);
	free(a);
	free(b);
	free(c);
	pools_full();
}

/* Checks one frame: lengths, checksums, synth header; returns its flow. */
static int
frame_ok(const struct rte_mbuf *m, uint16_t port_id)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct lcx_synth_hdr *sh = hdr_of(m);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)sh - 1;
	uint32_t len = m->pkt_len;

	if (m->data_len != len || m->nb_segs != 1 || m->port != port_id)
		return 0;
	if (sh->magic != LCX_SYNTH_MAGIC)
		return 0;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);

		if (rte_be_to_cpu_16(ip->total_length) != len - 14 ||
				rte_be_to_cpu_16(udp->dgram_len) != len - 34 ||
				rte_ipv4_cksum(ip) != 0 ||
				rte_ipv4_udptcp_cksum_verify(ip, udp) != 0 ||
				m->packet_type != (RTE_PTYPE_L2_ETHER |
					RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_UDP))
			return 0;
	} else {
		const struct rte_ipv6_hdr *ip6 = (const void *)(eth + 1);

		if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) ||
				(rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6 ||
				rte_be_to_cpu_16(ip6->payload_len) !=
					len - 54 ||
				rte_be_to_cpu_16(udp->dgram_len) != len - 54 ||
				udp->dgram_cksum == 0 ||
				rte_ipv6_udptcp_cksum_verify(ip6, udp) != 0)
			return 0;
	}
	return 1;
}

static void
check_frames(const char *spec, unsigned int flows, uint16_t min_len,
		uint16_t max_len, unsigned int *v6)
{
	struct rte_mbuf *m[256];
	uint64_t next[64] = { 0 };
	const struct lcx_synth_hdr *sh;
	const struct rte_ether_hdr *eth;
	struct lcx_port *p;
	unsigned int i, n, bad = 0, badseq = 0;

	*v6 = 0;
	p = synth_up(spec, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	n = rx_n(p, 0, m, RTE_DIM(m));
	CU_ASSERT_EQUAL(n, RTE_DIM(m));
	for (i = 0; i < n; i++) {
		sh = hdr_of(m[i]);
		if (!frame_ok(m[i], p->id) || m[i]->pkt_len < min_len ||
				m[i]->pkt_len > max_len || sh->flow >= flows) {
			bad++;
			continue;
		}
		if (sh->seq != next[sh->flow]++)
			badseq++;
		eth = rte_pktmbuf_mtod(m[i], struct rte_ether_hdr *);
		if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
			(*v6)++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(badseq, 0);
	tx_all(p, 0, m, n);
	lcx_port_close(p);
	pools_full();
}

static void
test_ipv4(void)
{
	unsigned int v6;

	check_frames("synth", 1, 64, 64, &v6);
	CU_ASSERT_EQUAL(v6, 0);
	check_frames("synth:size=1518,flows=5", 5, 1518, 1518, &v6);
	check_frames("synth:size=65-1001,flows=64,seed=3", 64, 65, 1001, &v6);
	CU_ASSERT_EQUAL(v6, 0);
}

static void
test_ipv6(void)
{
	unsigned int v6;

	/* IPv6 frames are raised to the 82-byte minimum. */
	check_frames("synth:ipv6=1", 1, LCX_SYNTH_MIN_LEN6,
		LCX_SYNTH_MIN_LEN6, &v6);
	CU_ASSERT_EQUAL(v6, 256);
	check_frames("synth:ipv6=1,size=777,flows=3", 3, 777, 777, &v6);
	CU_ASSERT_EQUAL(v6, 256);
	check_frames("synth:ipv6=mix,size=64-1518,flows=4", 4, 64, 1518, &v6);
	CU_ASSERT_EQUAL(v6, 128);
}

static void
test_sizes(void)
{
	struct rte_mbuf *m[BURST];
	unsigned int seen[1519] = { 0 }, i, n, total = 0, distinct = 0;
	unsigned int c64 = 0, c576 = 0, c1500 = 0, other = 0;
	struct lcx_port *p;

	p = synth_up("synth:size=100-131,seed=5", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	while (total < 4000) {
		n = lcx_port_rx_burst(p, 0, m, BURST);
		for (i = 0; i < n; i++)
			seen[m[i]->pkt_len]++;
		total += n;
		tx_all(p, 0, m, n);
	}
	for (i = 0; i < RTE_DIM(seen); i++) {
		if (seen[i] != 0 && (i < 100 || i > 131))
			other++;
		distinct += seen[i] != 0;
	}
	CU_ASSERT_EQUAL(other, 0);
	CU_ASSERT_EQUAL(distinct, 32); /* 4000 draws cover 32 values */
	lcx_port_close(p);

	p = synth_up("synth:size=imix,flows=7", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (total = 0; total < 12000; total += n) {
		n = lcx_port_rx_burst(p, 0, m, RTE_MIN(BURST, 12000 - total));
		for (i = 0; i < n; i++) {
			switch (m[i]->pkt_len) {
			case 64: c64++; break;
			case 576: c576++; break;
			case 1500: c1500++; break;
			default: other++;
			}
		}
		tx_all(p, 0, m, n);
	}
	CU_ASSERT_EQUAL(c64, 7000);
	CU_ASSERT_EQUAL(c576, 4000);
	CU_ASSERT_EQUAL(c1500, 1000);
	CU_ASSERT_EQUAL(other, 0);
	lcx_port_close(p);
	pools_full();
}

static void
test_flow_spread(void)
{
	struct rte_mbuf *m[BURST];
	uint8_t seen[MAXQ][256];
	unsigned int q, f, i, r, wrong = 0, covered = 0, busy = 0;
	struct lcx_port *p;
	uint16_t n;
	int owner;

	memset(seen, 0, sizeof(seen));
	p = synth_up("synth:flows=200", MAXQ);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (r = 0; r < 20; r++) {
		for (q = 0; q < MAXQ; q++) {
			n = lcx_port_rx_burst(p, q, m, BURST);
			for (i = 0; i < n; i++) {
				f = hdr_of(m[i])->flow;
				seen[q][f] = 1;
				if (lcx_synth_flow_rxq(p, f) != (int)q)
					wrong++;
			}
			tx_all(p, q, m, n);
		}
	}
	CU_ASSERT_EQUAL(wrong, 0);
	for (f = 0; f < 200; f++) {
		owner = lcx_synth_flow_rxq(p, f);
		CU_ASSERT_FATAL(owner >= 0 && owner < MAXQ);
		covered += seen[owner][f];
	}
	for (q = 0; q < MAXQ; q++)
		for (f = 0; f < 200; f++)
			if (seen[q][f]) {
				busy++;
				break;
			}
	/* 20 bursts of 32 cover every flow of a queue (≈50 each). */
	CU_ASSERT_EQUAL(covered, 200);
	CU_ASSERT_EQUAL(busy, MAXQ);
	CU_ASSERT_EQUAL(lcx_synth_flow_rxq(p, 200), -EINVAL);
	lcx_port_close(p);
	pools_full();
}

static void
test_count(void)
{
	struct rte_mbuf *m[BURST];
	struct lcx_synth_stats st;
	struct lcx_port *p;
	unsigned int q, got[2] = { 0 };
	uint16_t n;

	p = synth_up("synth:count=1000,flows=16,size=imix", 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (q = 0; q < 2; q++) {
		while ((n = lcx_port_rx_burst(p, q, m, BURST)) > 0) {
			got[q] += n;
			tx_all(p, q, m, n);
		}
		/* Stays dry. */
		CU_ASSERT_EQUAL(lcx_port_rx_burst(p, q, m, BURST), 0);
	}
	CU_ASSERT_EQUAL(got[0], 1000);
	CU_ASSERT_EQUAL(got[1], 1000);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.generated, 2000);
	CU_ASSERT_EQUAL(st.received, 2000);
	CU_ASSERT_EQUAL(st.in_order, 2000);
	CU_ASSERT_EQUAL(st.lost + st.dup + st.reordered + st.late + st.bad, 0);

	/* Reset (stopped only) rewinds the budget and the counters. */
	CU_ASSERT_EQUAL(lcx_synth_reset(p), -EBUSY);
	CU_ASSERT_EQUAL(lcx_port_stop(p), 0);
	CU_ASSERT_EQUAL(lcx_synth_reset(p), 0);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.generated + st.received, 0);
	CU_ASSERT_EQUAL(lcx_port_start(p), 0);
	n = lcx_port_rx_burst(p, 0, m, BURST);
	CU_ASSERT_EQUAL(n, BURST);
	CU_ASSERT_EQUAL(hdr_of(m[0])->seq, 0);
	tx_all(p, 0, m, n);
	lcx_port_close(p);
	pools_full();
}

static void
test_nombuf(void)
{
	struct rte_mbuf *m[2 * BURST];
	struct rte_mempool *small;
	struct lcx_port_stats st;
	struct lcx_port_conf conf = { .nb_rxq = 1, .nb_txq = 1 };
	struct lcx_port *p;
	uint16_t n1, n2;

	small = rte_pktmbuf_pool_create("test_synth_small", 40, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	CU_ASSERT_PTR_NOT_NULL_FATAL(small);
	conf.rxq_pool = &small;
	p = lcx_port_open("synth");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(lcx_port_configure(p, &conf), 0);
	CU_ASSERT_EQUAL_FATAL(lcx_port_start(p), 0);
	n1 = lcx_port_rx_burst(p, 0, m, BURST);
	n2 = lcx_port_rx_burst(p, 0, m + n1, BURST);
	CU_ASSERT_EQUAL(n1, BURST);
	CU_ASSERT(n2 > 0 && n2 < BURST);
	CU_ASSERT_EQUAL(lcx_port_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.rx_nombuf, BURST - n2);
	CU_ASSERT_EQUAL(st.ipackets, n1 + n2);
	tx_all(p, 0, m, n1 + n2);
	lcx_port_close(p);
	CU_ASSERT(lcx_test_pool_full(small));
	rte_mempool_free(small);

	/* Frames that do not fit the pool's buffers are refused up front. */
	small = rte_pktmbuf_pool_create("test_synth_tiny", 64, 0, 0,
		RTE_PKTMBUF_HEADROOM + 512, rte_socket_id());
	CU_ASSERT_PTR_NOT_NULL_FATAL(small);
	p = lcx_port_open("synth:size=513");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(lcx_port_configure(p, &conf), -EINVAL);
	lcx_port_close(p);
	rte_mempool_free(small);
}

static void
test_tx_check(void)
{
	struct rte_mbuf *m[256], *keep[8], *tmp;
	struct lcx_synth_stats st;
	struct lcx_port *p;
	unsigned int i, n, k = 0;

	/* 4 flows round-robin on one queue: m[i] is flow i % 4, seq i / 4. */
	p = synth_up("synth:flows=4", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	n = rx_n(p, 0, m, RTE_DIM(m));
	CU_ASSERT_EQUAL_FATAL(n, RTE_DIM(m));
	CU_ASSERT_EQUAL(hdr_of(m[9])->flow, 1);
	CU_ASSERT_EQUAL(hdr_of(m[9])->seq, 2);

	/* Drop 10, 50 (flow 2), 11 (flow 3), 100 and 104 (flow 0, seq 25
	 * and 26); send 20 twice; swap 200 and 204 (flow 0, seq 50/51). */
	keep[k++] = m[10];
	keep[k++] = m[11];
	keep[k++] = m[50];
	keep[k++] = m[100];
	keep[k++] = m[104];
	m[10] = m[11] = m[50] = m[100] = m[104] = NULL;
	rte_mbuf_refcnt_update(m[20], 1);
	tmp = m[200];
	m[200] = m[204];
	m[204] = tmp;
	for (i = 0; i < n; i++)
		if (m[i] != NULL)
			tx_all(p, 0, &m[i], 1);
	tx_all(p, 0, &m[20], 1); /* the second copy */

	CU_ASSERT_EQUAL(lcx_synth_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.generated, 256);
	CU_ASSERT_EQUAL(st.received, 256 - 5 + 1);
	CU_ASSERT_EQUAL(st.lost, 5);
	CU_ASSERT_EQUAL(st.dup, 1);
	CU_ASSERT_EQUAL(st.reordered, 1);
	CU_ASSERT_EQUAL(st.late, 0);
	CU_ASSERT_EQUAL(st.bad, 0);
	/* Not in order: the 4 frames after a drop, seq 51 ahead of 50,
	 * seq 50 itself, the second copy of 20. */
	CU_ASSERT_EQUAL(st.in_order, 256 - 5 + 1 - 7);
	CU_ASSERT(st.lat_min <= st.lat_avg && st.lat_avg <= st.lat_max);

	/* Two of the dropped arrive late, inside the window: reordered,
	 * no longer lost. */
	tx_all(p, 0, &keep[3], 2);
	/* A frame that is no synth frame. */
	tmp = rte_pktmbuf_alloc(pool[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	memset(rte_pktmbuf_append(tmp, 100), 0xab, 100);
	tx_all(p, 0, &tmp, 1);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.lost, 3);
	CU_ASSERT_EQUAL(st.reordered, 3);
	CU_ASSERT_EQUAL(st.bad, 1);
	CU_ASSERT_EQUAL(st.sent, 256 - 5 + 1 + 2 + 1);
	rte_pktmbuf_free_bulk(keep, 3);
	lcx_port_close(p);
	pools_full();
}

struct fwd_arg {
	struct lcx_port *p;
	uint16_t q;
	unsigned int n;
};

static int
fwd_queue(void *arg)
{
	struct fwd_arg *a = arg;
	struct rte_mbuf *m[BURST];
	uint16_t k, s;

	while ((k = lcx_port_rx_burst(a->p, a->q, m, BURST)) > 0) {
		s = lcx_port_tx_burst(a->p, a->q, m, k);
		if (s < k)
			rte_pktmbuf_free_bulk(m + s, k - s);
		a->n += k;
	}
	return 0;
}

static void
test_tx_concurrent(void)
{
	struct fwd_arg a[2];
	struct lcx_synth_stats st;
	struct lcx_port *p;
	unsigned int w;

	/* Two lcores forward one queue each; the sink's per-flow state is
	 * shared by both TX queues. */
	w = rte_get_next_lcore(-1, 1, 0);
	CU_ASSERT_FATAL(w < RTE_MAX_LCORE);
	p = synth_up("synth:flows=1000,count=200000", 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	a[0] = (struct fwd_arg){ .p = p, .q = 0 };
	a[1] = (struct fwd_arg){ .p = p, .q = 1 };
	CU_ASSERT_EQUAL_FATAL(rte_eal_remote_launch(fwd_queue, &a[1], w), 0);
	fwd_queue(&a[0]);
	rte_eal_wait_lcore(w);
	CU_ASSERT_EQUAL(a[0].n, 200000);
	CU_ASSERT_EQUAL(a[1].n, 200000);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.received, 400000);
	CU_ASSERT_EQUAL(st.in_order, 400000);
	CU_ASSERT_EQUAL(st.lost + st.dup + st.reordered + st.late + st.bad, 0);
	lcx_port_close(p);
	pools_full();
}

static void
test_bad_options(void)
{
	static const char * const bad[] = {
		"synth:size=63", "synth:size=1519", "synth:size=200-100",
		"synth:size=abc", "synth:flows=0", "synth:flows=65537",
		"synth:ipv6=2", "synth:nokey=1", "synth:seed=-1", "synth:ts=2",
		"synth:count=x",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		CU_ASSERT_PTR_NULL(lcx_port_open(bad[i]));
		CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	}
	CU_ASSERT_EQUAL(lcx_synth_stats_get(NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(lcx_synth_reset(NULL), -EINVAL);
}

static CU_TestInfo synth_tests[] = {
	{ "seed determinism", test_seed },
	{ "IPv4 frames", test_ipv4 },
	{ "IPv6 frames", test_ipv6 },
	{ "size range and IMIX", test_sizes },
	{ "flows spread over queues", test_flow_spread },
	{ "count= finite stream, reset", test_count },
	{ "pool empty: rx_nombuf", test_nombuf },
	{ "TX check: loss, dup, reorder", test_tx_check },
	{ "TX check from two lcores", test_tx_concurrent },
	{ "bad options", test_bad_options },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "synth port", suite_init, suite_clean, NULL, NULL, synth_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
