/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipelines: the spec syntax and its error messages, attach/detach, the
 * default output, counters per stage, bursts longer than LCX_BURST.
 */
#include <string.h>

#include "lcx_handler_testkit.h"
#include "lcx_test.h"

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
expect_error(const char *spec, int rc, const char *msg)
{
	char err[160] = "";

	CU_ASSERT_EQUAL(lcx_pipeline_check(spec, err, sizeof(err)), rc);
	if (strcmp(err, msg) != 0)
		printf("\n  spec '%s': got '%s', want '%s'\n", spec, err, msg);
	CU_ASSERT_STRING_EQUAL(err, msg);
}

static void
test_syntax(void)
{
	CU_ASSERT_EQUAL(lcx_pipeline_check("macswap", NULL, 0), 1);
	CU_ASSERT_EQUAL(lcx_pipeline_check("  io->macswap ->count  ", NULL, 0), 3);
	CU_ASSERT_EQUAL(lcx_pipeline_check(
		"filter(drop udp dport 53; drop tcp) -> l3lpm(routes=/x) -> count",
		NULL, 0), 3);
	CU_ASSERT_EQUAL(lcx_pipeline_check("io((nested) args) -> io()", NULL, 0), 2);

	expect_error("", -EINVAL, "col 1: expected a handler name, found end of spec");
	expect_error("macswap ->", -EINVAL,
		"col 11: expected a handler name, found end of spec");
	expect_error("io -> -> count", -EINVAL,
		"col 7: expected a handler name, found '-> count'");
	expect_error("io count", -EINVAL,
		"col 4: expected '->' or end of spec, found 'count'");
	expect_error("io -> fliter(drop)", -ENOENT,
		"col 7: unknown handler 'fliter' (loaded: arp-icmp, capture, "
		"classify, count, filter, handoff, io, l2rewrite, l3lpm, macswap, "
		"udp-echo)");
	expect_error("io -> filter(drop udp", -EINVAL, "col 13: '(' never closed");
	expect_error("io | count", -EINVAL,
		"col 4: expected '->' or end of spec, found '| count'");
	expect_error("handoff -> io -> handoff", -EINVAL,
		"col 18: a second handoff stage ('handoff'): a pipeline hands "
		"off from one stage only");
	expect_error("io->io->io->io->io->io->io->io->io->io->io->io->io->io->"
		"io->io->io", -E2BIG, "col 65: more than 16 stages");
	CU_ASSERT_EQUAL(lcx_pipeline_check(NULL, NULL, 0), -EINVAL);
}

static void
test_attach_detach(void)
{
	struct lcx_tk *tk = lcx_tk_create(1, 2, 255);
	struct lcx_ctx *ctx;

	CU_ASSERT_FATAL(tk != NULL);
	ctx = lcx_tk_ctx(tk, 0);
	CU_ASSERT_PTR_NULL(ctx->burst_fn);
	CU_ASSERT_EQUAL(lcx_pipeline_stages(ctx), 0);
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx, "io -> count"), 0);
	CU_ASSERT_PTR_NOT_NULL(ctx->burst_fn);
	CU_ASSERT_PTR_NOT_NULL(ctx->handoff_fn);
	CU_ASSERT_PTR_NOT_NULL(ctx->burst_arg);
	CU_ASSERT_EQUAL(lcx_pipeline_stages(ctx), 2);
	CU_ASSERT_PTR_NOT_NULL(lcx_pipeline_stage_priv(ctx, 1));
	CU_ASSERT_PTR_NULL(lcx_pipeline_stage_priv(ctx, 2));
	/* Re-attach replaces. */
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx, "macswap"), 0);
	CU_ASSERT_EQUAL(lcx_pipeline_stages(ctx), 1);
	/* A failing attach leaves the old one in place (parse errors). */
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx, "nope"), -ENOENT);
	CU_ASSERT_EQUAL(lcx_pipeline_stages(ctx), 1);
	/* A failing init leaves none. */
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx, "count -> l3lpm"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_pipeline_stages(ctx), 0);
	CU_ASSERT_PTR_NULL(ctx->burst_fn);
	lcx_pipeline_detach(ctx);
	lcx_pipeline_detach(ctx);	/* no-op */
	CU_ASSERT_PTR_NULL(ctx->burst_fn);
	CU_ASSERT_PTR_NULL(ctx->handoff_fn);
	CU_ASSERT_PTR_NULL(ctx->burst_arg);
	CU_ASSERT_EQUAL(lcx_pipeline_attach(NULL, "io"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

static void
test_stats_and_output(void)
{
	struct lcx_tk *tk = lcx_tk_create(1, 4, 1023);
	struct lcx_handler_stats st, sum;
	struct rte_mbuf *m[100];
	struct lcx_ctx *ctx;
	unsigned int i;

	CU_ASSERT_FATAL(tk != NULL);
	ctx = lcx_tk_ctx(tk, 0);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, "count -> macswap -> io"), 0);
	/* 100 packets, 3 runts: more than one burst of 32 in one call. */
	for (i = 0; i < 100; i++) {
		m[i] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1",
			1, 2, 0);
		if (i % 40 == 7)
			lcx_tk_trim(m[i], 6);
	}
	lcx_tk_rx(tk, 0, 3, m, 100);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 2), 97);
	CU_ASSERT_EQUAL(ctx->stats.tx_packets, 97);
	CU_ASSERT_EQUAL(ctx->stats.dropped, 3);

	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(ctx, 0, &st), 0);
	CU_ASSERT_STRING_EQUAL(st.handler, "count");
	CU_ASSERT_EQUAL(st.pkts_in, 100);
	CU_ASSERT_EQUAL(st.pkts_continue, 100);
	CU_ASSERT_EQUAL(st.bursts, 4);
	CU_ASSERT(st.cycles > 0);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(ctx, 1, &st), 0);
	CU_ASSERT_STRING_EQUAL(st.handler, "macswap");
	CU_ASSERT_EQUAL(st.pkts_in, 100);
	CU_ASSERT_EQUAL(st.pkts_continue, 97);
	CU_ASSERT_EQUAL(st.dropped, 3);
	CU_ASSERT_EQUAL(st.nb_drops, 3);
	CU_ASSERT_STRING_EQUAL(st.drop_name[0], "runt");
	CU_ASSERT_STRING_EQUAL(st.drop_name[1], "handoff-full");
	CU_ASSERT_STRING_EQUAL(st.drop_name[2], "bad-decision");
	CU_ASSERT_EQUAL(st.drop[0], 3);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(ctx, 2, &st), 0);
	CU_ASSERT_EQUAL(st.pkts_in, 97);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(ctx, 3, &st), -ENOENT);

	/* Sum over "contexts". */
	memset(&sum, 0, sizeof(sum));
	lcx_pipeline_stats_get(ctx, 1, &st);
	lcx_handler_stats_add(&sum, &st);
	lcx_handler_stats_add(&sum, &st);
	CU_ASSERT_STRING_EQUAL(sum.handler, "macswap");
	CU_ASSERT_EQUAL(sum.pkts_in, 200);
	CU_ASSERT_EQUAL(sum.drop[0], 6);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 1, "runt"), 3);

	/* Port 2 received: out on 3 (pairing 0<->1, 2<->3). */
	m[0] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1", 1, 2, 0);
	lcx_tk_rx(tk, 0, 2, m, 1);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 3), 1);
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

/* 32 UDP flows into context 0 on port 0: how many it sent out itself. */
static unsigned int
send_flows(struct lcx_tk *tk)
{
	struct rte_mbuf *m[32];
	unsigned int i, n;

	for (i = 0; i < 32; i++)
		m[i] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1",
			(uint16_t)(1000 + i), 53, 8);
	lcx_tk_tx_clear(tk);
	lcx_tk_rx(tk, 0, 0, m, 32);
	n = lcx_tk_tx_count(tk, 1);
	lcx_tk_tx_clear(tk);
	return n;
}

/* What a spec asks of the application, and group membership seen by
 * handlers whichever order connect and attach come in. */
static void
test_flags_and_group(void)
{
	struct lcx_tk *tk = lcx_tk_create(2, 2, 255);
	struct lcx_ctx *c[2];
	unsigned int self = 99, kept;

	CU_ASSERT_EQUAL(lcx_pipeline_flags("io"), 0);
	CU_ASSERT_EQUAL(lcx_pipeline_flags("io -> handoff -> count"),
		LCX_HANDLER_F_HANDOFF);
	CU_ASSERT_EQUAL(lcx_pipeline_flags("nope"), -ENOENT);
	CU_ASSERT_EQUAL(lcx_pipeline_flags("io ->"), -EINVAL);
	CU_ASSERT_FATAL(tk != NULL);
	c[0] = lcx_tk_ctx(tk, 0);
	c[1] = lcx_tk_ctx(tk, 1);
	/* the kit connects its contexts */
	CU_ASSERT_EQUAL(lcx_handoff_group(c[1], &self), 2);
	CU_ASSERT_EQUAL(self, 1);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "handoff"), 0);
	CU_ASSERT_EQUAL(lcx_handoff_disconnect(c[0]), 0);
	CU_ASSERT_EQUAL(lcx_handoff_disconnect(c[0]), -ENOENT);
	CU_ASSERT_EQUAL(lcx_handoff_group(c[1], &self), 1);
	CU_ASSERT_EQUAL(self, 0);
	/* no group: the handoff stage keeps everything here */
	CU_ASSERT_EQUAL(send_flows(tk), 32);
	/* connected again after the attach: seen at once, by the handler too */
	CU_ASSERT_EQUAL(lcx_handoff_connect(c, 2, 64), 0);
	CU_ASSERT_EQUAL(lcx_handoff_group(c[0], &self), 2);
	CU_ASSERT_EQUAL(self, 0);
	kept = send_flows(tk);
	CU_ASSERT(kept > 0 && kept < 32);
	CU_ASSERT_EQUAL(lcx_tk_poll_handoff(tk, 1), 32 - kept);
	CU_ASSERT_EQUAL(lcx_handoff_connect(c, 2, 64), -EBUSY);
	CU_ASSERT_EQUAL(lcx_handoff_connect(c, 2, 100), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

/* Labels in the spec, and every way a branch can be refused. */
static void
test_branch_syntax(void)
{
	struct lcx_tk *tk = lcx_tk_create(1, 2, 63);
	struct lcx_ctx *ctx;
	char err[160];

	CU_ASSERT_FATAL(tk != NULL);
	ctx = lcx_tk_ctx(tk, 0);
	CU_ASSERT_EQUAL(lcx_pipeline_check("a: io -> b : count", err,
		sizeof(err)), 2);
	CU_ASSERT_EQUAL(lcx_pipeline_check("a: io -> a: count", err,
		sizeof(err)), -EINVAL);
	CU_ASSERT(strcmp(err, "col 10: label 'a' used twice") == 0);
	CU_ASSERT_EQUAL(lcx_pipeline_check("a: -> io", err, sizeof(err)),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_pipeline_check("x: nope", err, sizeof(err)),
		-ENOENT);
	/* resolved in init(): unknown, backwards, itself, ambiguous */
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx, "classify(arp=zz) -> io"),
		-ENOENT);
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx,
		"a: io -> classify(arp=a) -> io"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx,
		"c: classify(arp=c) -> io"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx,
		"classify(arp=io) -> io -> io"), -EEXIST);
	CU_ASSERT_EQUAL(lcx_pipeline_stages(ctx), 0);
	/* the same label twice is one branch; a labelled stage wins */
	CU_ASSERT_EQUAL(lcx_pipeline_attach(ctx,
		"classify(arp=io, ipv4=io) -> io -> io: count"), 0);
	CU_ASSERT_EQUAL(lcx_pipeline_stages(ctx), 3);
	/* not from init() */
	CU_ASSERT_EQUAL(lcx_handler_branch(ctx, "io"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

static unsigned int
tx_matching(struct lcx_tk *tk, uint16_t port, uint16_t ether_type,
		uint8_t first_dst_byte)
{
	unsigned int i, k = 0;

	for (i = 0; i < lcx_tk_tx_count(tk, port); i++) {
		const struct rte_ether_hdr *e = rte_pktmbuf_mtod(
			lcx_tk_tx_pkt(tk, port, i), const struct rte_ether_hdr *);

		k += e->ether_type == rte_cpu_to_be_16(ether_type) &&
			e->dst_addr.addr_bytes[0] == first_dst_byte;
	}
	return k;
}

/* A burst of ARP, IPv4 and IPv6 through a classifier: each branch's
 * packets reach their stage in one burst, skip what they jump over, join
 * the packets already going there, and are counted per branch. */
static void
test_branch_grouping(void)
{
	static const struct rte_ether_addr mac = {{ 0x02, 0, 0, 0, 0, 0x77 }};
	struct lcx_tk *tk = lcx_tk_create(1, 2, 255);
	struct lcx_handler_stats st[4];
	struct rte_mbuf *m[12];
	unsigned int i;

	CU_ASSERT_FATAL(tk != NULL);
	CU_ASSERT_FATAL(lcx_tk_attach(tk, "classify(ipv4=route, ipv6=drop) "
		"-> macswap -> count -> route: io") == 0);
	/* interleaved: ARP, IPv4, IPv6, ARP, IPv4, IPv6, ... */
	for (i = 0; i < 12; i++) {
		if (i % 3 == 0)
			m[i] = lcx_tk_arp_request(lcx_tk_pool(tk), &mac,
				"198.18.0.1", "198.18.0.2");
		else if (i % 3 == 1)
			m[i] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1",
				"198.18.1.1", 1, 2, 10);
		else
			m[i] = lcx_tk_udp(lcx_tk_pool(tk), "2001:db8::1",
				"2001:db8::2", 1, 2, 10);
		CU_ASSERT_FATAL(m[i] != NULL);
	}
	lcx_tk_rx(tk, 0, 0, m, 12);
	for (i = 0; i < 4; i++)
		CU_ASSERT_FATAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), i,
			&st[i]) == 0);
	/* classify: 4 down the route branch, 4 dropped, 4 go on */
	CU_ASSERT_EQUAL(st[0].nb_branches, 1);
	CU_ASSERT(strcmp(st[0].branch_name[0], "route") == 0);
	CU_ASSERT_EQUAL(st[0].branch[0], 4);
	CU_ASSERT_EQUAL(st[0].pkts_continue, 4);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "unwanted"), 4);
	/* macswap and count see the ARP packets only */
	CU_ASSERT_EQUAL(st[1].pkts_in, 4);
	CU_ASSERT_EQUAL(st[2].pkts_in, 4);
	/* io gets both groups in one burst */
	CU_ASSERT_EQUAL(st[3].pkts_in, 8);
	CU_ASSERT_EQUAL(st[3].bursts, 1);
	/* out on port 1: ARP swapped (dst is now the sender, 02:..:77),
	 * IPv4 untouched (dst still the kit's default 02:00:00:00:00:02) */
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 8);
	CU_ASSERT_EQUAL(tx_matching(tk, 1, RTE_ETHER_TYPE_ARP, 0x02), 4);
	CU_ASSERT_EQUAL(tx_matching(tk, 1, RTE_ETHER_TYPE_IPV4, 0x02), 4);
	for (i = 0; i < 8; i++) {
		const struct rte_ether_hdr *e = rte_pktmbuf_mtod(
			lcx_tk_tx_pkt(tk, 1, i), const struct rte_ether_hdr *);

		if (e->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
			CU_ASSERT(rte_is_same_ether_addr(&e->dst_addr, &mac));
		} else {
			CU_ASSERT(e->dst_addr.addr_bytes[5] == 0x02);
		}
	}
	/* a branch that empties the line: stages after still run */
	lcx_tk_tx_clear(tk);
	m[0] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1", 1, 2, 0);
	lcx_tk_rx(tk, 0, 0, m, 1);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 1);
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

CU_TestInfo pipeline_tests[] = {
	{ "spec syntax and errors", test_syntax },
	{ "attach and detach", test_attach_detach },
	{ "counters and default output", test_stats_and_output },
	{ "spec flags; handoff group after attach", test_flags_and_group },
	{ "labels and branch errors", test_branch_syntax },
	{ "branches: grouping, skipping, counters", test_branch_grouping },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suites[] = {
	{ "pipeline", suite_init, suite_clean, NULL, NULL, pipeline_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
