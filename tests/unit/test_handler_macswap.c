/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * macswap: MACs swapped, runts dropped, at every position of a burst.
 */
#include "handler_test.h"

/* macswap declares one reason: index 0. */
#define MACSWAP_DROP_RUNT_IDX 0

static void
test_macswap(void)
{
	struct rte_mbuf *m[6];
	struct rte_ether_hdr *eth;
	struct lcx_tk_pkt d;
	unsigned int i;

	kit_up();
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "macswap"), 0);
	lcx_tk_pkt_init(&d);
	for (i = 0; i < 6; i++)
		m[i] = lcx_tk_pkt_build(mp, &d);
	lcx_tk_trim(m[4], 13);	/* runt: one byte short of a header */
	lcx_tk_rx(tk, 0, 0, m, 6);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 5);
	for (i = 0; i < lcx_tk_tx_count(tk, 1); i++) {
		eth = rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, i),
			struct rte_ether_hdr *);
		CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &d.src_mac));
		CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr, &d.dst_mac));
	}
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "runt"), 1);
	CU_ASSERT_EQUAL(lcx_tk_ctx(tk, 0)->stats.dropped, 1);
	kit_down();
}

/* One runt at each position of a full burst (the 4-wide part and the
 * tail of lcx_handler_each()), and bursts of every length 1..32. */
static void
test_macswap_positions(void)
{
	struct lcx_tk_handler *th;
	struct rte_mbuf *m[LCX_BURST];
	uint16_t act[LCX_BURST];
	struct lcx_tk_pkt d;
	char buf[32];
	unsigned int bad, i, n;

	kit_up();
	th = lcx_tk_handler_open(tk, "macswap", "");
	CU_ASSERT_FATAL(th != NULL);
	lcx_tk_pkt_init(&d);
	for (bad = 0; bad < LCX_BURST; bad++) {
		for (i = 0; i < LCX_BURST; i++)
			m[i] = lcx_tk_pkt_build(mp, &d);
		lcx_tk_trim(m[bad], 13);
		CU_ASSERT_EQUAL(lcx_tk_handler_run(th, m, act, LCX_BURST), 1);
		for (i = 0; i < LCX_BURST; i++) {
			CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[i], buf,
				sizeof(buf)), i == bad ? "drop:runt" : "continue");
			if (i != bad)
				CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(
					m[i], struct rte_ether_hdr *)->dst_addr,
					&d.src_mac));
		}
		lcx_tk_pkts_free(m, LCX_BURST);
	}
	for (n = 1; n <= LCX_BURST; n++) {
		for (i = 0; i < n; i++)
			m[i] = lcx_tk_pkt_build(mp, &d);
		lcx_tk_trim(m[n - 1], 0);
		CU_ASSERT_EQUAL(lcx_tk_handler_run(th, m, act, (uint16_t)n), 1);
		CU_ASSERT_EQUAL(act[n - 1], LCX_ACT_DROP(MACSWAP_DROP_RUNT_IDX));
		lcx_tk_pkts_free(m, n);
	}
	lcx_tk_handler_close(th);
	/* No arguments: a typo is refused, not ignored. */
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "macswap", "x=1"));
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "macswap()"), 0);
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "macswap", test_macswap },
	{ "runts at every position", test_macswap_positions },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler macswap", tests)
