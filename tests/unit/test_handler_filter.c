/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * filter: rules matched first-match, malformed IP dropped, non-IP
 * passed, bad rules refused, hits printed by the pipeline dump.
 */
#include <rte_ip.h>

#include "handler_test.h"

static void
test_filter(void)
{
	struct lcx_tk_handler *th;
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 9}};
	struct rte_mbuf *m;

	kit_up();
	th = lcx_tk_handler_open(tk, "filter", "drop udp dport 53; "
		"pass tcp src 10.0.0.0/8 dport 1-1023; drop tcp; "
		"drop ip6; drop src 198.18.7.0/24");
	CU_ASSERT_FATAL(th != NULL);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 53, 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 999, 53, 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 54, 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "10.1.2.3", "198.18.1.1", 999, 22, 0, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "10.1.2.3", "198.18.1.1", 999, 8080, 0, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "11.1.2.3", "198.18.1.1", 999, 22, 0, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_icmp_echo(mp, "2001:db8::1", "2001:db8::2", 1, 1, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.1.1", 1, 1, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_icmp_echo(mp, "198.18.7.1", "198.18.1.1", 1, 1, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	/* Non-IP passes; malformed IP is dropped. */
	m = lcx_tk_arp_request(mp, &a, "198.18.7.1", "198.18.0.2");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 54, 4);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->version_ihl = 0x42;
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 54, 4);
	lcx_tk_trim(m, 14 + 20 + 2);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 999, 53, 4);
	lcx_tk_trim(m, 14 + 39);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	lcx_tk_handler_close(th);

	/* A catch-all drops everything, ARP included. */
	th = lcx_tk_handler_open(tk, "filter", "pass udp; drop");
	CU_ASSERT_FATAL(th != NULL);
	m = lcx_tk_arp_request(mp, &a, "198.18.7.1", "198.18.0.2");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	lcx_tk_handler_close(th);

	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "block udp"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport 9-1"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop src 1.2.3.4/33"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport 5x"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport -5"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport 1-2-3"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport 65536"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport 1-"));
	kit_down();
}

/* A handler that keeps its own dump(): the pipeline dump still prints it. */
static void
test_filter_dump(void)
{
	struct rte_mbuf *m[3];
	char *out;

	kit_up();
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk,
		"filter(drop udp dport 53; pass udp)"), 0);
	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 53, 4);
	m[1] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 54, 4);
	m[2] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 55, 4);
	lcx_tk_rx(tk, 0, 0, m, 3);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 2);
	out = dump_of(0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  drop rule 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  filter rule1 hits 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  filter rule2 hits 2\n"));
	free(out);
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "filter", test_filter },
	{ "dump", test_filter_dump },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler filter", tests)
