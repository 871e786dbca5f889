/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet helpers (lib/handler/lcx_pkt.h) on crafted frames: every
 * truncation point, IHL < 5 and options, total length past the frame,
 * VLAN tags, fragments, TTL with the checksum, replies and next hops,
 * the symmetric flow hash.
 */
#include <arpa/inet.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "lcx_handler_testkit.h"
#include "lcx_pkt.h"
#include "lcx_test.h"

static struct lcx_tk *tk;
static struct rte_mempool *mp;

static int
suite_init(void)
{
	return lcx_test_eal_init(NULL, NULL);
}

static int
suite_clean(void)
{
	return 0;
}

static void
kit_up(void)
{
	tk = lcx_tk_create(1, 2, 255);
	CU_ASSERT_FATAL(tk != NULL);
	mp = lcx_tk_pool(tk);
}

static void
kit_down(void)
{
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

static struct rte_ipv4_hdr *
ip4_of(struct rte_mbuf *m, uint16_t off)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);
}

/* Rewrite the header checksum after a field was changed on purpose. */
static void
ip4_resum(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static void
test_ether_type(void)
{
	struct lcx_tk_pkt d;
	struct rte_mbuf *m;
	uint16_t off, len, full;

	kit_up();
	lcx_tk_pkt_init(&d);
	m = lcx_tk_pkt_build(mp, &d);
	off = 99;
	CU_ASSERT_EQUAL(lcx_pkt_ether_type(m, &off),
		RTE_BE16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(off, 14);
	for (len = 0; len < 14; len++) {
		lcx_tk_trim(m, len);
		off = 99;
		CU_ASSERT_EQUAL(lcx_pkt_ether_type(m, &off), 0);
		CU_ASSERT_EQUAL(off, 99);
	}
	rte_pktmbuf_free(m);

	/* One tag: looked behind; cut inside it: 0. */
	d.vlan = 100;
	d.l3 = LCX_TK_IPV6;
	m = lcx_tk_pkt_build(mp, &d);
	full = m->data_len;
	CU_ASSERT_EQUAL(lcx_pkt_ether_type(m, &off),
		RTE_BE16(RTE_ETHER_TYPE_IPV6));
	CU_ASSERT_EQUAL(off, 18);
	for (len = 14; len < 18; len++) {
		m->data_len = len;
		CU_ASSERT_EQUAL(lcx_pkt_ether_type(m, &off), 0);
	}
	m->data_len = full;
	/* QinQ's outer type is returned as is: not looked into. */
	rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type =
		RTE_BE16(RTE_ETHER_TYPE_QINQ);
	CU_ASSERT_EQUAL(lcx_pkt_ether_type(m, &off),
		RTE_BE16(RTE_ETHER_TYPE_QINQ));
	CU_ASSERT_EQUAL(off, 14);
	rte_pktmbuf_free(m);
	kit_down();
}

static void
test_ipv4_valid(void)
{
	struct rte_ipv4_hdr *ip;
	struct lcx_tk_pkt d;
	struct rte_mbuf *m;
	uint16_t off, len, full, ihl;
	int vlan;

	kit_up();
	for (vlan = -1; vlan <= 7; vlan += 8) {
		lcx_tk_pkt_init(&d);
		d.vlan = vlan;
		d.payload_len = 20;
		m = lcx_tk_pkt_build(mp, &d);
		off = lcx_tk_l3_off(m);
		CU_ASSERT_EQUAL(off, vlan < 0 ? 14 : 18);
		CU_ASSERT(lcx_pkt_ipv4_valid(m, off));
		CU_ASSERT_PTR_EQUAL(lcx_pkt_ipv4(m, off), ip4_of(m, off));
		/* Truncated at every offset: valid only once whole. */
		full = m->data_len;
		for (len = 0; len <= full; len++) {
			m->data_len = len;
			CU_ASSERT_EQUAL(lcx_pkt_ipv4_valid(m, off), len == full);
			if (len < full)
				CU_ASSERT_PTR_NULL(lcx_pkt_ipv4(m, off));
		}
		m->data_len = full;
		ip = ip4_of(m, off);
		/* IHL 0..4: never a header. */
		for (ihl = 0; ihl < 5; ihl++) {
			ip->version_ihl = (uint8_t)(0x40 | ihl);
			CU_ASSERT(!lcx_pkt_ipv4_valid(m, off));
		}
		/* IHL 6: options, L4 behind them. */
		ip->version_ihl = 0x46;
		CU_ASSERT(lcx_pkt_ipv4_valid(m, off));
		CU_ASSERT_PTR_EQUAL(lcx_pkt_ipv4_l4(ip), (uint8_t *)ip + 24);
		/* IHL past the total length. */
		ip->version_ihl = 0x4f;
		ip->total_length = RTE_BE16(40);
		CU_ASSERT(!lcx_pkt_ipv4_valid(m, off));
		/* Total length past the frame by one; exactly the frame. */
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16(full - off + 1);
		CU_ASSERT(!lcx_pkt_ipv4_valid(m, off));
		ip->total_length = rte_cpu_to_be_16(full - off);
		CU_ASSERT(lcx_pkt_ipv4_valid(m, off));
		/* Shorter than the frame (Ethernet padding): fine. */
		ip->total_length = RTE_BE16(20);
		CU_ASSERT(lcx_pkt_ipv4_valid(m, off));
		/* Version 6 in an IPv4 frame. */
		ip->version_ihl = 0x65;
		CU_ASSERT(!lcx_pkt_ipv4_valid(m, off));
		rte_pktmbuf_free(m);
	}
	kit_down();
}

static void
test_ipv4_ttl(void)
{
	struct rte_ipv4_hdr ip;
	unsigned int t, p;
	uint32_t a;

	memset(&ip, 0, sizeof(ip));
	ip.version_ihl = RTE_IPV4_VHL_DEF;
	ip.total_length = RTE_BE16(60);
	ip.src_addr = RTE_BE32(0xc6120001);
	ip.dst_addr = RTE_BE32(0xc6120101);
	/* Every TTL and a spread of protocols (the other byte of the
	 * word): incremental == full recompute. */
	for (p = 0; p < 256; p += 51) {
		for (t = 0; t < 256; t++) {
			ip.next_proto_id = (uint8_t)p;
			ip.time_to_live = (uint8_t)t;
			ip4_resum(&ip);
			if (t <= 1) {
				CU_ASSERT_EQUAL(lcx_pkt_ipv4_ttl_dec(&ip), -1);
				CU_ASSERT_EQUAL(ip.time_to_live, t);
			} else {
				CU_ASSERT_EQUAL(lcx_pkt_ipv4_ttl_dec(&ip), 0);
				CU_ASSERT_EQUAL(ip.time_to_live, t - 1);
			}
			CU_ASSERT_EQUAL(rte_raw_cksum(&ip, sizeof(ip)), 0xffff);
			lcx_pkt_ipv4_ttl_set(&ip, 64);
			CU_ASSERT_EQUAL(ip.time_to_live, 64);
			CU_ASSERT_EQUAL(rte_raw_cksum(&ip, sizeof(ip)), 0xffff);
		}
	}
	a = ip.src_addr;
	lcx_pkt_ipv4_swap(&ip);
	CU_ASSERT_EQUAL(ip.dst_addr, a);
	CU_ASSERT_EQUAL(ip.src_addr, RTE_BE32(0xc6120101));
	CU_ASSERT_EQUAL(rte_raw_cksum(&ip, sizeof(ip)), 0xffff);
	/* Fragments. */
	ip.fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	CU_ASSERT(lcx_pkt_ipv4_frag(&ip));
	CU_ASSERT(!lcx_pkt_ipv4_frag_later(&ip));
	ip.fragment_offset = RTE_BE16(3);
	CU_ASSERT(lcx_pkt_ipv4_frag(&ip));
	CU_ASSERT(lcx_pkt_ipv4_frag_later(&ip));
	ip.fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	CU_ASSERT(!lcx_pkt_ipv4_frag(&ip));
}

static void
test_ipv6(void)
{
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint16_t len, full;

	kit_up();
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 1, 2, 10);
	full = m->data_len;
	ip = lcx_pkt_ipv6(m, 14);
	CU_ASSERT_PTR_EQUAL(ip, rte_pktmbuf_mtod_offset(m, void *, 14));
	for (len = 0; len < full; len++) {
		m->data_len = len;
		CU_ASSERT_PTR_NULL(lcx_pkt_ipv6(m, 14));
	}
	m->data_len = full;
	ip->payload_len = rte_cpu_to_be_16(full - 14 - 40 + 1);
	CU_ASSERT_PTR_NULL(lcx_pkt_ipv6(m, 14));
	ip->payload_len = rte_cpu_to_be_16(full - 14 - 40);
	ip->vtc_flow = RTE_BE32(4u << 28);
	CU_ASSERT_PTR_NULL(lcx_pkt_ipv6(m, 14));
	rte_pktmbuf_free(m);
	kit_down();
}

static void
test_parse(void)
{
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 9}};
	struct lcx_pkt_info pi;
	struct lcx_tk_pkt d;
	struct rte_mbuf *m;
	uint16_t len, full;

	kit_up();
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1000, 53, 4);
	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), 0);
	CU_ASSERT_EQUAL(pi.family, 4);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(pi.l3_off, 14);
	CU_ASSERT_EQUAL(pi.l4_off, 34);
	CU_ASSERT_EQUAL(pi.end, 14 + 20 + 8 + 4);
	CU_ASSERT(pi.has_ports);
	CU_ASSERT_EQUAL(pi.sport, RTE_BE16(1000));
	CU_ASSERT_EQUAL(pi.dport, RTE_BE16(53));
	/* Cut anywhere: malformed (the total length is past the frame). */
	full = m->data_len;
	for (len = 14; len < full; len++) {
		m->data_len = len;
		CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), -1);
	}
	m->data_len = full;
	/* A UDP datagram whose total length ends inside the ports. */
	ip4_of(m, 14)->total_length = RTE_BE16(20 + 3);
	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), -1);
	/* A later fragment: IP, no ports. */
	ip4_of(m, 14)->total_length = RTE_BE16(20 + 8 + 4);
	ip4_of(m, 14)->fragment_offset = RTE_BE16(100);
	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), 0);
	CU_ASSERT_EQUAL(pi.family, 4);
	CU_ASSERT(!pi.has_ports);
	rte_pktmbuf_free(m);

	/* IPv6 TCP behind a tag. */
	lcx_tk_pkt_init(&d);
	d.vlan = 3;
	d.l3 = LCX_TK_IPV6;
	d.l4 = IPPROTO_TCP;
	inet_pton(AF_INET6, "2001:db8::1", d.src_ip6);
	inet_pton(AF_INET6, "2001:db8::2", d.dst_ip6);
	d.sport = 7;
	d.dport = 8;
	m = lcx_tk_pkt_build(mp, &d);
	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), 0);
	CU_ASSERT_EQUAL(pi.family, 6);
	CU_ASSERT_EQUAL(pi.l3_off, 18);
	CU_ASSERT_EQUAL(pi.l4_off, 58);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(pi.dport, RTE_BE16(8));
	rte_pktmbuf_free(m);

	/* ICMP: IP without ports; ARP: not IP; a runt: not IP. */
	m = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 1, 1, 0);
	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), 0);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_ICMP);
	CU_ASSERT(!pi.has_ports);
	rte_pktmbuf_free(m);
	m = lcx_tk_arp_request(mp, &a, "198.18.0.1", "198.18.0.2");
	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), 0);
	CU_ASSERT_EQUAL(pi.family, 0);
	CU_ASSERT_EQUAL(pi.type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	lcx_tk_trim(m, 10);
	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), 0);
	CU_ASSERT_EQUAL(pi.family, 0);
	CU_ASSERT_EQUAL(pi.type, 0);
	rte_pktmbuf_free(m);
	kit_down();
}

static void
test_reply_send(void)
{
	struct rte_ether_addr dst = {{2, 0xdd, 0, 0, 0, 1}};
	struct rte_ether_hdr *eth;
	struct lcx_tk_pkt d;
	struct rte_mbuf *m;
	struct lcx_ctx *ctx;

	kit_up();
	ctx = lcx_tk_ctx(tk, 0);
	lcx_tk_pkt_init(&d);
	m = lcx_tk_pkt_build(mp, &d);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	m->port = 1;
	CU_ASSERT_EQUAL(lcx_pkt_reply(ctx, m), LCX_ACT_TX(1));
	CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &d.src_mac));
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr,
		&lcx_tk_port(tk, 1)->mac));
	CU_ASSERT_PTR_EQUAL(lcx_pkt_port_mac(ctx, 1), &lcx_tk_port(tk, 1)->mac);
	/* A port the context has no queue on (the kit has 2): a plain
	 * swap, and the TX is the pipeline's "no-txq" to count. */
	CU_ASSERT_PTR_NULL(lcx_pkt_port_mac(ctx, 3));
	m->port = 3;
	CU_ASSERT_EQUAL(lcx_pkt_reply(ctx, m), LCX_ACT_TX(3));
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr, &d.src_mac));
	CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr,
		&lcx_tk_port(tk, 1)->mac));
	CU_ASSERT_EQUAL(lcx_pkt_send(ctx, m, 0, &dst), LCX_ACT_TX(0));
	CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &dst));
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr,
		&lcx_tk_port(tk, 0)->mac));
	rte_pktmbuf_free(m);
	kit_down();
}

static uint32_t
hash_of(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	struct rte_mbuf *m = lcx_tk_udp(mp, src, dst, sport, dport, 0);
	struct lcx_pkt_info pi;
	uint32_t h;

	CU_ASSERT_EQUAL(lcx_pkt_parse(m, &pi), 0);
	h = lcx_pkt_flow_hash_sym(m, &pi);
	rte_pktmbuf_free(m);
	return h;
}

static void
test_flow_hash(void)
{
	kit_up();
	CU_ASSERT_EQUAL(hash_of("198.18.0.1", "198.18.1.1", 1234, 80),
		hash_of("198.18.1.1", "198.18.0.1", 80, 1234));
	CU_ASSERT_EQUAL(hash_of("2001:db8::1", "2001:db8:1::9", 1234, 80),
		hash_of("2001:db8:1::9", "2001:db8::1", 80, 1234));
	/* Different flows spread (these two differ, checked once). */
	CU_ASSERT_NOT_EQUAL(hash_of("198.18.0.1", "198.18.1.1", 1234, 80),
		hash_of("198.18.0.1", "198.18.1.1", 1235, 80));
	CU_ASSERT_NOT_EQUAL(hash_of("198.18.0.1", "198.18.1.1", 1234, 80),
		hash_of("198.18.0.2", "198.18.1.1", 1234, 80));
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "ether type and VLAN", test_ether_type },
	{ "IPv4 validation", test_ipv4_valid },
	{ "IPv4 TTL, checksum, fragments", test_ipv4_ttl },
	{ "IPv6 validation", test_ipv6 },
	{ "L3 + L4 parse", test_parse },
	{ "reply and next hop", test_reply_send },
	{ "symmetric flow hash", test_flow_hash },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "lcx_pkt", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
