/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arp-icmp: ARP requests and ICMP echo requests for our addresses
 * answered in place on the input port, everything else passed on,
 * malformed frames dropped; bad arguments refused.
 */
#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "handler_test.h"

static struct rte_mbuf *
copy_of(const struct rte_mbuf *m, uint8_t *buf)
{
	memcpy(buf, rte_pktmbuf_mtod(m, const void *), m->data_len);
	return (struct rte_mbuf *)m;
}

static void
test_arp_icmp_arp(void)
{
	struct rte_ether_addr peer = {{2, 0xbb, 0, 0, 0, 1}};
	struct lcx_tk_handler *th;
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;
	struct lcx_tk_pkt d;
	uint32_t ip;

	kit_up();
	th = lcx_tk_handler_open(tk, "arp-icmp", "ip=198.18.0.2,ip=198.18.0.3");
	CU_ASSERT_FATAL(th != NULL);

	/* A request for one of ours: answered on the input port. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 2), "tx:2");
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	arp = (struct rte_arp_hdr *)(eth + 1);
	CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &peer));
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr,
		&lcx_tk_port(tk, 2)->mac));
	CU_ASSERT_EQUAL(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	CU_ASSERT(rte_is_same_ether_addr(&arp->arp_data.arp_sha,
		&lcx_tk_port(tk, 2)->mac));
	CU_ASSERT(rte_is_same_ether_addr(&arp->arp_data.arp_tha, &peer));
	inet_pton(AF_INET, "198.18.0.3", &ip);
	CU_ASSERT_EQUAL(arp->arp_data.arp_sip, ip);
	inet_pton(AF_INET, "198.18.0.1", &ip);
	CU_ASSERT_EQUAL(arp->arp_data.arp_tip, ip);
	rte_pktmbuf_free(m);

	/* Not ours: passed on. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.9");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	/* ARP of the wrong size, or not Ethernet/IPv4: malformed. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	lcx_tk_trim(m, 14 + 27);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, 14)->arp_plen = 16;
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);

	/* Behind a VLAN tag: answered, tag kept. */
	lcx_tk_pkt_init(&d);
	d.vlan = 7;
	d.l3 = LCX_TK_ARP;
	d.l4 = 0;
	d.arp_op = RTE_ARP_OP_REQUEST;
	d.src_mac = d.arp_sha = peer;
	inet_pton(AF_INET, "198.18.0.1", &d.arp_spa);
	inet_pton(AF_INET, "198.18.0.2", &d.arp_tpa);
	m = lcx_tk_pkt_build(mp, &d);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 1), "tx:1");
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, 18);
	CU_ASSERT_EQUAL(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	rte_pktmbuf_free(m);

	/* A runt: not even an Ethernet header, passed on unread. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	lcx_tk_trim(m, 12);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	lcx_tk_handler_close(th);
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "arp-icmp", ""));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "arp-icmp", "ip=1.2.3"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "arp-icmp", "mask=1"));
	kit_down();
}

static void
test_arp_icmp_echo(void)
{
	struct rte_mbuf *m[6];
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *r;
	uint32_t us, peer;
	uint8_t orig[256];
	uint16_t len;

	kit_up();
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "arp-icmp(ip=198.18.0.2) -> count"), 0);
	inet_pton(AF_INET, "198.18.0.2", &us);
	inet_pton(AF_INET, "198.18.0.1", &peer);
	m[0] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 77, 3, 56);
	len = m[0]->data_len;
	copy_of(m[0], orig);
	/* Echo to another address: forwarded to the pair, unchanged. */
	m[1] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.5", 77, 3, 56);
	/* UDP to us: not ICMP, passed on. */
	m[2] = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 1, 2, 0);
	/* Echo to us with a total length past the frame: malformed. */
	m[3] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 1, 1, 56);
	lcx_tk_trim(m[3], 14 + 20 + 8 + 10);
	/* Bad IHL. */
	m[4] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 1, 1, 8);
	rte_pktmbuf_mtod_offset(m[4], struct rte_ipv4_hdr *, 14)->version_ihl =
		0x44;
	/* IPv4 header cut before the addresses: not ours to judge. */
	m[5] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 1, 1, 8);
	lcx_tk_trim(m[5], 14 + 12);
	lcx_tk_rx(tk, 0, 0, m, 6);

	CU_ASSERT_EQUAL_FATAL(lcx_tk_tx_count(tk, 0), 1);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 3);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "malformed"), 2);
	r = lcx_tk_tx_pkt(tk, 0, 0);
	CU_ASSERT_EQUAL(r->data_len, len);
	ip = rte_pktmbuf_mtod_offset(r, struct rte_ipv4_hdr *, 14);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(ip->src_addr, us);
	CU_ASSERT_EQUAL(ip->dst_addr, peer);
	CU_ASSERT_EQUAL(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	CU_ASSERT_EQUAL(icmp->icmp_ident, RTE_BE16(77));
	CU_ASSERT_EQUAL(icmp->icmp_seq_nb, RTE_BE16(3));
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(r));
	CU_ASSERT(lcx_tk_l4_cksum_ok(r));
	/* Payload untouched. */
	CU_ASSERT(memcmp((uint8_t *)(icmp + 1), orig + 14 + 20 + 8, 56) == 0);
	/* The passed-through echo is byte for byte the original. */
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(lcx_tk_tx_pkt(tk, 1, 0)));
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "ARP", test_arp_icmp_arp },
	{ "ICMP echo", test_arp_icmp_echo },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler arp-icmp", tests)
