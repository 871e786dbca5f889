/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io on crafted packets: every packet to the pair, bytes untouched,
 * truncated ones too; arguments refused.
 */
#include "handler_test.h"

static struct rte_mbuf *
copy_of(const struct rte_mbuf *m, uint8_t *buf)
{
	memcpy(buf, rte_pktmbuf_mtod(m, const void *), m->data_len);
	return (struct rte_mbuf *)m;
}

static void
test_io(void)
{
	struct rte_mbuf *m[3];
	uint8_t before[128];

	kit_up();
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "io"), 0);
	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	m[1] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	m[2] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	lcx_tk_trim(m[2], 3);	/* io does not look: passed as is */
	copy_of(m[0], before);
	lcx_tk_rx(tk, 0, 2, m, 3);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 3), 3);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 2), 0);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 3, 0), void *),
		before, 14 + 28 + 10) == 0);
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "io", test_io },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler io", tests)
