/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2rewrite: out on the pair with the out port's MAC and the
 * configured (or default) next-hop MAC; runts dropped; bad arguments
 * refused.
 */
#include "handler_test.h"

static void
test_l2rewrite(void)
{
	struct rte_mbuf *m[5];
	struct rte_ether_hdr *eth;
	struct rte_ether_addr want = {{0x02, 0xaa, 0, 0, 0, 0x03}};
	struct lcx_tk_pkt d;
	unsigned int i;

	kit_up();
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(dst3=02:aa:00:00:00:03)"), 0);
	lcx_tk_pkt_init(&d);
	for (i = 0; i < 5; i++)
		m[i] = lcx_tk_pkt_build(mp, &d);
	lcx_tk_rx(tk, 0, 2, m, 5);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 3), 5);
	for (i = 0; i < 5; i++) {
		eth = rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 3, i),
			struct rte_ether_hdr *);
		CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &want));
		CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr,
			&lcx_tk_port(tk, 3)->mac));
	}
	/* Port 0 -> 1, default destination 02:00:00:00:00:01; a runt. */
	m[0] = lcx_tk_pkt_build(mp, &d);
	m[1] = lcx_tk_pkt_build(mp, &d);
	lcx_tk_trim(m[1], 10);
	lcx_tk_rx(tk, 0, 0, m, 2);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 1);
	eth = rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, 0), struct rte_ether_hdr *);
	CU_ASSERT_EQUAL(eth->dst_addr.addr_bytes[5], 1);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "runt"), 1);
	/* Bad arguments are refused. */
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(dst3=zz)"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(src=1)"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(dst16=02:00:00:00:00:01)"),
		-EINVAL);	/* port out of range: an unknown key */
	CU_ASSERT_EQUAL(lcx_tk_attach(tk,
		"l2rewrite(dst1=02:00:00:00:00:01,dst1=02:00:00:00:00:02)"),
		-EINVAL);	/* given twice */
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(dst1)"), -EINVAL);
	/* Several ports at once, the others keep their default. */
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(dst0=02:00:00:00:00:a0,"
		"dst1=02:00:00:00:00:a1)"), 0);
	for (i = 0; i < 3; i++)
		m[i] = lcx_tk_pkt_build(mp, &d);
	lcx_tk_rx(tk, 0, 1, m, 1);
	lcx_tk_rx(tk, 0, 0, m + 1, 1);
	lcx_tk_rx(tk, 0, 3, m + 2, 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 0, 0),
		struct rte_ether_hdr *)->dst_addr.addr_bytes[5], 0xa0);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, 1),
		struct rte_ether_hdr *)->dst_addr.addr_bytes[5], 0xa1);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 2, 0),
		struct rte_ether_hdr *)->dst_addr.addr_bytes[5], 2);
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "l2rewrite", test_l2rewrite },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler l2rewrite", tests)
