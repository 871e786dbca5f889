/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udp-echo: datagrams to the port answered (IPv4 and IPv6, checksums
 * still right), the rest passed on, malformed ones dropped.
 */
#include <arpa/inet.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "handler_test.h"

static void
test_udp_echo(void)
{
	struct lcx_tk_handler *th;
	struct rte_ipv4_hdr *ip;
	struct rte_ipv6_hdr *ip6;
	struct rte_udp_hdr *u;
	struct rte_mbuf *m;
	uint32_t a1, a2;

	kit_up();
	th = lcx_tk_handler_open(tk, "udp-echo", "port=5353");
	CU_ASSERT_FATAL(th != NULL);
	inet_pton(AF_INET, "198.18.0.1", &a1);
	inet_pton(AF_INET, "198.18.0.2", &a2);

	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 33);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->time_to_live = 3;
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->hdr_checksum = 0;
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->hdr_checksum =
		rte_ipv4_cksum(rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, 14));
	CU_ASSERT_STRING_EQUAL(decide(th, m, 3), "tx:3");
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	u = (struct rte_udp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(ip->src_addr, a2);
	CU_ASSERT_EQUAL(ip->dst_addr, a1);
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(u->src_port, RTE_BE16(5353));
	CU_ASSERT_EQUAL(u->dst_port, RTE_BE16(40000));
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(m));
	CU_ASSERT(lcx_tk_l4_cksum_ok(m));
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->src_addr, &lcx_tk_port(tk, 3)->mac));
	rte_pktmbuf_free(m);

	/* IPv6. */
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 40000, 5353, 7);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "tx:0");
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	CU_ASSERT_EQUAL(ip6->src_addr[15], 2);
	CU_ASSERT_EQUAL(ip6->dst_addr[15], 1);
	CU_ASSERT(lcx_tk_l4_cksum_ok(m));
	rte_pktmbuf_free(m);

	/* Other port, TCP: passed on. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 53, 3);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 0, 3);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	/* Malformed: UDP length past the IP length; frame cut short. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 20);
	rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34)->dgram_len =
		RTE_BE16(200);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 20);
	lcx_tk_trim(m, 14 + 20 + 8 + 5);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 40000, 5353, 20);
	lcx_tk_trim(m, 14 + 40 + 8 + 5);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	/* Cut inside the UDP header: cannot see the port, passed on. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 20);
	lcx_tk_trim(m, 14 + 20 + 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	lcx_tk_handler_close(th);
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "udp-echo", "port=0"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "udp-echo", "port=70000"));
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "udp-echo", test_udp_echo },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler udp-echo", tests)
