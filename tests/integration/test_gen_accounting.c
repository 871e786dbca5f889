/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-gen's frames and receive check through a real device (a net_ring
 * looped onto itself): frames made by the generator's own code, dropped,
 * duplicated and reordered on purpose by a known number, must be counted
 * exactly; the headers must carry valid checksums; size cycles hold the
 * documented mixes.  Every mbuf goes back to the pool.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "lcx_port.h"
#include "lcx_test.h"
#include "gen.h"

#define NB_MBUF 2047

static struct rte_mempool *pool[1];
static struct lcx_port *port;
static struct gen_opts opts;
static struct gen_frames fr;

static int
suite_init(void)
{
	static char *argv[] = { "test", "--port", "x", "--flows", "2",
		"--ipv6", "mix", NULL };
	struct lcx_port_conf conf = { .nb_rxq = 1, .nb_txq = 1 };
	struct rte_ether_addr a = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } };
	struct rte_ether_addr b = { .addr_bytes = { 2, 0, 0, 0, 0, 2 } };

	if (lcx_test_eal_init(NULL, NULL) != 0)
		return -1;
	if (lcx_test_pools_create(pool, 1, "test_gen", NB_MBUF) != 0)
		return -1;
	gen_opts_parse(7, argv, &opts);
	if (gen_frames_init(&fr, &opts, &a, &b) != 0)
		return -1;
	port = lcx_port_open("net_ring0");
	if (port == NULL)
		return -1;
	conf.rxq_pool = pool;
	if (lcx_port_configure(port, &conf) != 0 || lcx_port_start(port) != 0)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	lcx_port_close(port);
	gen_frames_free(&fr);
	return lcx_test_pools_free(pool, 1);
}

/* Send one frame of (flow, seq) through the ring. */
static void
put(uint32_t flow, uint64_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool[0]);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	gen_pkt_fill(m, &fr.tmpl[flow], 128, (uint16_t)flow, seq,
			rte_rdtsc());
	CU_ASSERT_EQUAL_FATAL(lcx_port_tx_burst(port, 0, &m, 1), 1);
}

/* Receive everything and check it; returns the frames received. */
static unsigned int
drain(struct gen_rx *r)
{
	struct rte_mbuf *pkts[LCX_BURST];
	unsigned int total = 0;
	uint16_t n;

	while ((n = lcx_port_rx_burst(port, 0, pkts, LCX_BURST)) != 0) {
		gen_rx_check(r, pkts, n, rte_rdtsc());
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

static void
test_exact_accounting(void)
{
	struct gen_rx *r = gen_rx_create(2, SOCKET_ID_ANY);
	const struct gen_stream *s0, *s1;
	struct rte_mbuf *m;
	uint64_t seq;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* Stream 0 (IPv4): seq 0..99 with 10-12 dropped, 20 twice, 21 three
	 * times, 31 before 30, 40 after 45, and 5 again at the very end
	 * (94 below the next expected: outside the 64-frame window). */
	for (seq = 0; seq < 100; seq++) {
		if (seq >= 10 && seq <= 12)
			continue;
		if (seq == 30 || seq == 40)
			continue;
		put(0, seq);
		if (seq == 20)
			put(0, 20);
		if (seq == 21) {
			put(0, 21);
			put(0, 21);
		}
		if (seq == 31)
			put(0, 30);
		if (seq == 45)
			put(0, 40);
		if (seq % 20 == 19)
			drain(r);
	}
	put(0, 5);
	/* Stream 1 (IPv6, odd flow): 50 in order. */
	for (seq = 0; seq < 50; seq++)
		put(1, seq);
	/* Three frames that are not ours: too short, wrong magic, unknown
	 * stream. */
	m = rte_pktmbuf_alloc(pool[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memset(rte_pktmbuf_mtod(m, void *), 0, 60);
	m->data_len = m->pkt_len = 60;
	CU_ASSERT_EQUAL(lcx_port_tx_burst(port, 0, &m, 1), 1);
	m = rte_pktmbuf_alloc(pool[0]);
	gen_pkt_fill(m, &fr.tmpl[0], 128, 0, 1000, rte_rdtsc());
	rte_pktmbuf_mtod_offset(m, struct lcx_synth_hdr *, 42)->magic = 0;
	CU_ASSERT_EQUAL(lcx_port_tx_burst(port, 0, &m, 1), 1);
	m = rte_pktmbuf_alloc(pool[0]);
	gen_pkt_fill(m, &fr.tmpl[0], 128, 7, 0, rte_rdtsc());
	CU_ASSERT_EQUAL(lcx_port_tx_burst(port, 0, &m, 1), 1);
	drain(r);

	s0 = &r->st[0];
	s1 = &r->st[1];
	/* 97 distinct + 1 + 2 duplicates + 1 late = 101 frames. */
	CU_ASSERT_EQUAL(s0->rx, 101);
	CU_ASSERT_EQUAL(s0->dup, 3);
	CU_ASSERT_EQUAL(s0->reord, 2);
	CU_ASSERT_EQUAL(s0->late, 1);
	CU_ASSERT_EQUAL(s0->next, 100);
	/* lost = sent - (rx - dup - late) = 100 - 97 = 3: exactly 10..12 */
	CU_ASSERT_EQUAL(100 - (s0->rx - s0->dup - s0->late), 3);
	CU_ASSERT_EQUAL(s1->rx, 50);
	CU_ASSERT_EQUAL(s1->dup + s1->reord + s1->late, 0);
	CU_ASSERT_EQUAL(s1->next, 50);
	CU_ASSERT_EQUAL(r->rx, 151);
	CU_ASSERT_EQUAL(r->rx_bytes, 101 * 128 + 50 * 128);
	CU_ASSERT_EQUAL(r->dup, 3);
	CU_ASSERT_EQUAL(r->reord, 2);
	CU_ASSERT_EQUAL(r->late, 1);
	CU_ASSERT_EQUAL(r->other, 3);
	/* A latency sample for every frame of ours, none negative. */
	CU_ASSERT_EQUAL(r->hist.count, 151);
	CU_ASSERT_EQUAL(r->ts_bad, 0);
	for (i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(fr.tmpl[i].ipv6, i);
	gen_rx_free(r);
	LCX_TEST_POOL_FULL(pool[0]);
}

/* IPv4 header checksum and IPv6 UDP checksum are right, lengths too. */
static void
test_headers(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool[0]);
	struct rte_ipv4_hdr *ip4;
	struct rte_ipv6_hdr *ip6;
	struct rte_udp_hdr *udp;
	uint16_t size;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (size = 64; size <= 1518; size += 97) {
		gen_pkt_fill(m, &fr.tmpl[0], size, 0, size, 1);
		CU_ASSERT_EQUAL(m->pkt_len, size);
		ip4 = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip4->total_length), size - 14);
		CU_ASSERT_EQUAL(rte_ipv4_cksum(ip4), 0);
		CU_ASSERT_EQUAL(ip4->src_addr, RTE_BE32(LCX_IPV4(198, 18, 0, 1)));
		udp = (struct rte_udp_hdr *)(ip4 + 1);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dgram_len), size - 34);
	}
	/* Flow 1 is IPv6 (mix); 64 is raised to the IPv6 minimum. */
	gen_pkt_fill(m, &fr.tmpl[1], 64, 1, 0, 1);
	CU_ASSERT_EQUAL(m->pkt_len, LCX_SYNTH_MIN_LEN6);
	for (size = LCX_SYNTH_MIN_LEN6; size <= 1518; size += 101) {
		gen_pkt_fill(m, &fr.tmpl[1], size, 1, size, 1);
		ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip6->payload_len), size - 54);
		udp = (struct rte_udp_hdr *)(ip6 + 1);
		CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip6, udp), 0);
	}
	/* Flows differ by source port, as --sport's default range says. */
	CU_ASSERT_EQUAL(((struct rte_udp_hdr *)(fr.tmpl[0].hdr + 34))->src_port,
			RTE_BE16(1024));
	CU_ASSERT_EQUAL(((struct rte_udp_hdr *)(fr.tmpl[1].hdr + 54))->src_port,
			RTE_BE16(1025));
	rte_pktmbuf_free(m);
	LCX_TEST_POOL_FULL(pool[0]);
}

static unsigned int
count_of(const uint16_t *s, int n, uint16_t v)
{
	unsigned int c = 0;
	int i;

	for (i = 0; i < n; i++)
		c += s[i] == v;
	return c;
}

static void
test_sizes(void)
{
	static uint16_t s[GEN_MAX_SIZES];
	int n, i;

	n = gen_sizes_parse("imix", s, GEN_MAX_SIZES, 0, 1);
	CU_ASSERT_EQUAL(n, 12);
	CU_ASSERT_EQUAL(count_of(s, n, 64), 7);
	CU_ASSERT_EQUAL(count_of(s, n, 576), 4);
	CU_ASSERT_EQUAL(count_of(s, n, 1500), 1);
	n = gen_sizes_parse("imix-csit", s, GEN_MAX_SIZES, 0, 1);
	CU_ASSERT_EQUAL(n, 48);
	CU_ASSERT_EQUAL(count_of(s, n, 64), 28);
	CU_ASSERT_EQUAL(count_of(s, n, 570), 16);
	CU_ASSERT_EQUAL(count_of(s, n, 1518), 4);
	/* Spread out: no two 1518s in a row. */
	for (i = 1; i < n; i++)
		CU_ASSERT(!(s[i] == 1518 && s[i - 1] == 1518));
	CU_ASSERT_DOUBLE_EQUAL(gen_sizes_mean(s, n),
			(28 * 64 + 16 * 570 + 4 * 1518) / 48.0, 1e-9);
	n = gen_sizes_parse("64,128,1518", s, GEN_MAX_SIZES, 0, 1);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT(s[0] == 64 && s[1] == 128 && s[2] == 1518);
	n = gen_sizes_parse("100-200", s, GEN_MAX_SIZES, 0, 1);
	CU_ASSERT_EQUAL(n, GEN_MAX_SIZES);
	for (i = 0; i < n; i++)
		CU_ASSERT(s[i] >= 100 && s[i] <= 200);
	CU_ASSERT(count_of(s, n, 100) > 0 && count_of(s, n, 200) > 0);
	/* IPv6 raises IMIX's 64 to its minimum. */
	n = gen_sizes_parse("imix", s, GEN_MAX_SIZES, 1, 1);
	CU_ASSERT_EQUAL(count_of(s, n, LCX_SYNTH_MIN_LEN6), 7);
	CU_ASSERT(gen_sizes_parse("63", s, GEN_MAX_SIZES, 0, 1) < 0);
	CU_ASSERT(gen_sizes_parse("1519", s, GEN_MAX_SIZES, 0, 1) < 0);
	CU_ASSERT(gen_sizes_parse("70", s, GEN_MAX_SIZES, 1, 1) < 0);
	CU_ASSERT(gen_sizes_parse("200-100", s, GEN_MAX_SIZES, 0, 1) < 0);
	CU_ASSERT(gen_sizes_parse("jumbo", s, GEN_MAX_SIZES, 0, 1) < 0);
	CU_ASSERT(gen_sizes_parse("64,", s, GEN_MAX_SIZES, 0, 1) < 0);
	CU_ASSERT(gen_sizes_parse("", s, GEN_MAX_SIZES, 0, 1) < 0);
}

static CU_TestInfo gen_tests[] = {
	{ "exact loss/dup/reorder accounting", test_exact_accounting },
	{ "headers and checksums", test_headers },
	{ "size cycles", test_sizes },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "gen frames", suite_init, suite_clean, NULL, NULL, gen_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
