/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * classify: each EtherType class to its branch, next or drop, behind VLAN
 * tags too; every argument error refused at attach.  (Grouping of branch
 * bursts and per-branch counters: tests/unit/test_pipeline.c.)
 */
#include "handler_test.h"

static struct rte_mbuf *
pkt(enum lcx_tk_l3 l3, int vlan)
{
	struct lcx_tk_pkt d;

	lcx_tk_pkt_init(&d);
	d.l3 = l3;
	d.vlan = vlan;
	if (l3 == LCX_TK_ARP || l3 == LCX_TK_RAW)
		d.l4 = 0;
	if (l3 == LCX_TK_RAW)
		d.ether_type = 0x88cc;        /* LLDP */
	return lcx_tk_pkt_build(mp, &d);
}

static void
test_classes(void)
{
	struct lcx_handler_stats st;
	struct rte_mbuf *m[8];
	unsigned int i;

	kit_up();
	/* ARP and IPv6 jump to the last stage, IPv4 goes on through count,
	 * other EtherTypes are dropped */
	CU_ASSERT_FATAL(lcx_tk_attach(tk, "classify(arp = last, ipv6=last, "
		"other=drop) -> count -> last: io") == 0);
	m[0] = pkt(LCX_TK_ARP, -1);
	m[1] = pkt(LCX_TK_IPV4, -1);
	m[2] = pkt(LCX_TK_IPV6, -1);
	m[3] = pkt(LCX_TK_RAW, -1);
	m[4] = pkt(LCX_TK_ARP, 10);      /* behind a tag: still ARP */
	m[5] = pkt(LCX_TK_IPV4, 10);
	m[6] = pkt(LCX_TK_IPV6, 10);
	m[7] = pkt(LCX_TK_RAW, 10);
	for (i = 0; i < 8; i++)
		CU_ASSERT_FATAL(m[i] != NULL);
	lcx_tk_rx(tk, 0, 0, m, 8);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 6);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "unwanted"), 2);
	CU_ASSERT_FATAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 0, &st) == 0);
	CU_ASSERT_EQUAL(st.nb_branches, 1);
	CU_ASSERT_STRING_EQUAL(st.branch_name[0], "last");
	CU_ASSERT_EQUAL(st.branch[0], 4);
	CU_ASSERT_EQUAL(st.pkts_continue, 2);
	CU_ASSERT_FATAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 1, &st) == 0);
	CU_ASSERT_EQUAL(st.pkts_in, 2);   /* count saw the IPv4 only */
	kit_down();
}

static void
test_args(void)
{
	kit_up();
	/* no arguments: every class goes on */
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "classify -> io"), 0);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "classify(arp=next) -> io"), 0);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "classify(mpls=drop) -> io"),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "classify(arp) -> io"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "classify(arp=a,arp=b) -> a: io -> "
		"b: io"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "classify(arp=nowhere) -> io"),
		-ENOENT);
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "classes to branch, next, drop; behind a tag", test_classes },
	{ "arguments", test_args },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler classify", tests)
