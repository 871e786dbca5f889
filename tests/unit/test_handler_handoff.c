/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * handoff: software RSS over a group of two contexts, symmetric flows,
 * a full ring counted "handoff-full", every mbuf back home.
 */
#include "handler_test.h"

static void
test_handoff(void)
{
	struct rte_mbuf *m[32];
	unsigned int i, local, away, got, out;
	struct lcx_handler_stats st;

	kit_up_n(2, 2047);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, "handoff -> macswap -> count"), 0);
	for (i = 0; i < 32; i++) {
		m[i] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1",
			(uint16_t)(1000 + i * 7), 80, 0);
	}
	lcx_tk_rx(tk, 0, 0, m, 32);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 0, &st), 0);
	local = (unsigned int)st.pkts_continue;
	away = (unsigned int)st.pkts_handoff;
	CU_ASSERT_EQUAL(local + away, 32);
	/* Software RSS spreads: neither side gets everything. */
	CU_ASSERT(local > 0 && away > 0);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), local);
	got = lcx_tk_poll_handoff(tk, 1);
	CU_ASSERT_EQUAL(got, away);
	out = lcx_tk_tx_count(tk, 1);
	CU_ASSERT_EQUAL(out, 32);
	/* The receiver ran the stages after handoff: macswap and count. */
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 1), 1, &st), 0);
	CU_ASSERT_EQUAL(st.pkts_in, away);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 1), 0, &st), 0);
	CU_ASSERT_EQUAL(st.pkts_in, 0);
	for (i = 0; i < out; i++)
		CU_ASSERT_EQUAL(rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, i),
			struct rte_ether_hdr *)->dst_addr.addr_bytes[5], 1);
	lcx_tk_tx_clear(tk);

	/* Same flow, both directions: same context (symmetric hash). */
	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1234, 80, 0);
	m[1] = lcx_tk_udp(mp, "198.18.1.1", "198.18.0.1", 80, 1234, 0);
	lcx_tk_rx(tk, 0, 0, m, 2);
	got = lcx_tk_poll_handoff(tk, 1);
	CU_ASSERT(got == 0 || got == 2);

	/* A full ring: "handoff-full".  256 slots, fill it without polling. */
	for (unsigned int round = 0; round < 100; round++) {
		lcx_tk_tx_clear(tk);
		for (i = 0; i < 32; i++)
			m[i] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1",
				(uint16_t)(1000 + i * 7), 80, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[31]);
		lcx_tk_rx(tk, 0, 0, m, 32);
	}
	CU_ASSERT(lcx_tk_drops(tk, 0, 0, "handoff-full") > 0);
	/* lcx_tk_free() empties the rings: the pool must still be full. */
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "handoff", test_handoff },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler handoff", tests)
