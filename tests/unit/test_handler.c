/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The handler API: registration with the macro, the registry, decisions
 * carried out by the pipeline (every kind, including the bad ones), drop
 * reasons from an X-macro list, the checksum and parse helpers.
 */
#include <string.h>
#include <arpa/inet.h>

#include <rte_ip.h>

#include "lcx_handler_testkit.h"
#include "lcx_pkt.h"
#include "lcx_test.h"

/* A handler deciding by the UDP source port: 0 continue, 1 drop "odd",
 * 2 drop "even", 3 tx on port 2, 4 taken (freed here), 5 a drop reason
 * out of range, 6 tx on a port out of range, 7 an unknown kind. */
#define foreach_decide_drop(_) \
	_(DECIDE_DROP_ODD, "odd") \
	_(DECIDE_DROP_EVEN, "even")
LCX_HANDLER_DROPS(decide, foreach_decide_drop);

struct decide {
	int inited;
	char args[32];
};

static int fini_calls;

static int
decide_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct decide *d = priv;

	RTE_SET_USED(ctx);
	if (strcmp(args, "fail") == 0)
		return -ENOTSUP;
	d->inited = 1;
	snprintf(d->args, sizeof(d->args), "%s", args);
	return 0;
}

static void
decide_fini(void *priv, struct lcx_ctx *ctx)
{
	RTE_SET_USED(priv);
	RTE_SET_USED(ctx);
	fini_calls++;
}

static uint16_t
decide_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	static const uint16_t table[] = {
		LCX_ACT_CONTINUE, LCX_ACT_DROP(DECIDE_DROP_ODD),
		LCX_ACT_DROP(DECIDE_DROP_EVEN),
		LCX_ACT_TX(2), LCX_ACT_TAKEN, LCX_ACT_DROP(9), LCX_ACT_TX(99),
		(uint16_t)(0xf << 12),
	};
	uint16_t i, nd = 0;

	RTE_SET_USED(priv);
	RTE_SET_USED(ctx);
	for (i = 0; i < n; i++) {
		const struct rte_udp_hdr *u = rte_pktmbuf_mtod_offset(pkts[i],
			const struct rte_udp_hdr *, 34);
		uint16_t k = rte_be_to_cpu_16(u->src_port) & 7;

		act[i] = table[k];
		if (k == 4)
			rte_pktmbuf_free(pkts[i]);
		nd += k != 0;
	}
	return nd;
}

LCX_HANDLER_REGISTER(decide) = {
	.name = "test-decide",
	.priv_size = sizeof(struct decide),
	.init = decide_init,
	.process = decide_process,
	.fini = decide_fini,
	LCX_HANDLER_DROPS_OF(decide),
};

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

/* The kit builds what handlers read: TOS and traffic class, VLAN PCP,
 * two tags, IPv4 options (IHL), TCP flags, with valid checksums. */
static void
test_kit_fields(void)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create("tk_fields", 63, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	const struct rte_ipv4_hdr *ip4;
	const struct rte_ipv6_hdr *ip6;
	const struct rte_vlan_hdr *vh;
	const struct rte_tcp_hdr *th;
	struct lcx_tk_pkt d;
	struct rte_mbuf *m;

	CU_ASSERT_FATAL(mp != NULL);
	lcx_tk_pkt_init(&d);
	d.tos = 46 << 2 | 1;           /* EF, ECT(1) */
	d.vlan = 100;
	d.vlan_pcp = 5;
	d.ip_opts_len = 4;
	d.ip_opts[0] = 0x94;            /* router alert */
	d.ip_opts[1] = 4;
	d.l4 = IPPROTO_TCP;
	d.tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	m = lcx_tk_pkt_build(mp, &d);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(lcx_tk_l3_off(m), 18);
	vh = rte_pktmbuf_mtod_offset(m, const struct rte_vlan_hdr *, 14);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(vh->vlan_tci), 5 << 13 | 100);
	ip4 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 18);
	CU_ASSERT_EQUAL(ip4->type_of_service, 46 << 2 | 1);
	CU_ASSERT_EQUAL(rte_ipv4_hdr_len(ip4), 24);
	CU_ASSERT_EQUAL(((const uint8_t *)(ip4 + 1))[0], 0x94);
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(m));
	CU_ASSERT(lcx_tk_l4_cksum_ok(m));
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, 18 + 24);
	CU_ASSERT_EQUAL(th->tcp_flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	rte_pktmbuf_free(m);
	/* QinQ: 802.1ad outside, 802.1Q inside */
	d.inner_vlan = 7;
	m = lcx_tk_pkt_build(mp, &d);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(lcx_tk_l3_off(m), 22);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)
		->ether_type, RTE_BE16(RTE_ETHER_TYPE_QINQ));
	vh = rte_pktmbuf_mtod_offset(m, const struct rte_vlan_hdr *, 18);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(vh->vlan_tci), 7);
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(m));
	rte_pktmbuf_free(m);
	/* IPv6 traffic class */
	lcx_tk_pkt_init(&d);
	d.l3 = LCX_TK_IPV6;
	d.tos = 0xb8;
	m = lcx_tk_pkt_build(mp, &d);
	CU_ASSERT_FATAL(m != NULL);
	ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, 14);
	CU_ASSERT_EQUAL((rte_be_to_cpu_32(ip6->vtc_flow) >> 20) & 0xff, 0xb8);
	CU_ASSERT(lcx_tk_l4_cksum_ok(m));
	rte_pktmbuf_free(m);
	/* options that are not whole words are refused */
	lcx_tk_pkt_init(&d);
	d.ip_opts_len = 3;
	CU_ASSERT_PTR_NULL(lcx_tk_pkt_build(mp, &d));
	d.ip_opts_len = 44;
	CU_ASSERT_PTR_NULL(lcx_tk_pkt_build(mp, &d));
	CU_ASSERT(lcx_test_pool_full(mp));
	rte_mempool_free(mp);
}

static void
test_registry(void)
{
	const struct lcx_handler *h;
	static const char *const builtin[] = { "io", "macswap", "l2rewrite",
		"l3lpm", "arp-icmp", "udp-echo", "handoff", "capture", "filter",
		"count", "classify", "test-decide" };
	unsigned int i, n = 0;

	for (i = 0; i < RTE_DIM(builtin); i++) {
		h = lcx_handler_find(builtin[i]);
		CU_ASSERT_PTR_NOT_NULL(h);
		if (h != NULL)
			CU_ASSERT_STRING_EQUAL(h->name, builtin[i]);
	}
	while (lcx_handler_get(n) != NULL)
		n++;
	CU_ASSERT_EQUAL(n, RTE_DIM(builtin));
	CU_ASSERT_PTR_NULL(lcx_handler_find("nope"));
	CU_ASSERT_PTR_NULL(lcx_handler_find(NULL));
	h = lcx_handler_find("test-decide");
	CU_ASSERT_EQUAL(h->nb_drops, 2);
	CU_ASSERT_STRING_EQUAL(h->drop_names[0], "odd");
	CU_ASSERT_STRING_EQUAL(h->drop_names[1], "even");
	CU_ASSERT(lcx_handler_find("handoff")->flags & LCX_HANDLER_F_HANDOFF);
}

static void
test_act_encoding(void)
{
	CU_ASSERT_EQUAL(LCX_ACT_KIND(LCX_ACT_CONTINUE), LCX_ACT_KIND_CONTINUE);
	CU_ASSERT_EQUAL(LCX_ACT_KIND(LCX_ACT_TX(15)), LCX_ACT_KIND_TX);
	CU_ASSERT_EQUAL(LCX_ACT_ARG(LCX_ACT_TX(15)), 15);
	CU_ASSERT_EQUAL(LCX_ACT_KIND(LCX_ACT_HANDOFF(3)), LCX_ACT_KIND_HANDOFF);
	CU_ASSERT_EQUAL(LCX_ACT_ARG(LCX_ACT_HANDOFF(3)), 3);
	CU_ASSERT_EQUAL(LCX_ACT_KIND(LCX_ACT_DROP(13)), LCX_ACT_KIND_DROP);
	CU_ASSERT_EQUAL(LCX_ACT_ARG(LCX_ACT_DROP(13)), 13);
	CU_ASSERT_EQUAL(LCX_ACT_KIND(LCX_ACT_TAKEN), LCX_ACT_KIND_TAKEN);
	CU_ASSERT_NOT_EQUAL(LCX_ACT_TX(0), LCX_ACT_CONTINUE);
}

static void
test_decisions(void)
{
	struct lcx_tk *tk = lcx_tk_create(1, 4, 511);
	struct lcx_handler_stats st;
	struct rte_mbuf *m[40];
	struct lcx_tk_handler *th;
	struct decide *d;
	uint16_t act[8];
	char buf[32];
	unsigned int i;

	CU_ASSERT_FATAL(tk != NULL);
	/* Alone: the decisions, named. */
	th = lcx_tk_handler_open(tk, "test-decide", "hello");
	CU_ASSERT_FATAL(th != NULL);
	d = lcx_tk_handler_priv(th);
	CU_ASSERT(d->inited);
	CU_ASSERT_STRING_EQUAL(d->args, "hello");
	for (i = 0; i < 4; i++)
		m[i] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1",
			(uint16_t)i, 2, 0);
	CU_ASSERT_EQUAL(lcx_tk_handler_run(th, m, act, 4), 3);
	CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[0], buf, sizeof(buf)),
		"continue");
	CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[1], buf, sizeof(buf)),
		"drop:odd");
	CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[2], buf, sizeof(buf)),
		"drop:even");
	CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[3], buf, sizeof(buf)),
		"tx:2");
	lcx_tk_pkts_free(m, 4);
	fini_calls = 0;
	lcx_tk_handler_close(th);
	CU_ASSERT_EQUAL(fini_calls, 1);
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "test-decide", "fail"));
	CU_ASSERT_EQUAL(lcx_errno, ENOTSUP);

	/* In a pipeline: 40 packets, 5 of each kind, in runs and mixed. */
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, "test-decide(x) -> count"), 0);
	for (i = 0; i < 40; i++)
		m[i] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1",
			(uint16_t)(i < 16 ? i / 2 : i), 2, 0);
	lcx_tk_rx(tk, 0, 0, m, 40);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 0, &st), 0);
	CU_ASSERT_EQUAL(st.pkts_in, 40);
	CU_ASSERT_EQUAL(st.pkts_continue, 5);
	CU_ASSERT_EQUAL(st.pkts_tx, 5);
	CU_ASSERT_EQUAL(st.pkts_taken, 5);
	CU_ASSERT_EQUAL(st.drop[0], 5);                 /* odd */
	CU_ASSERT_EQUAL(st.drop[1], 5);                 /* even */
	CU_ASSERT_EQUAL(st.drop[3], 15);                /* bad-decision */
	CU_ASSERT_EQUAL(st.dropped, 25);
	CU_ASSERT_EQUAL(lcx_tk_ctx(tk, 0)->stats.dropped, 25);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 5);     /* continue: pair */
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 2), 5);     /* tx:2 */
	/* The continued ones are in order (source ports 0, 0, 16, 24, 32). */
	for (i = 0; i < 5; i++) {
		const struct rte_udp_hdr *u = rte_pktmbuf_mtod_offset(
			lcx_tk_tx_pkt(tk, 1, i), const struct rte_udp_hdr *, 34);
		static const uint16_t want[] = { 0, 0, 16, 24, 32 };

		CU_ASSERT_EQUAL(rte_be_to_cpu_16(u->src_port), want[i]);
	}
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

static void
test_helpers(void)
{
	struct rte_ipv4_hdr ip;
	uint16_t old, neu, v;
	uint32_t a;
	uint8_t len;

	memset(&ip, 0, sizeof(ip));
	ip.version_ihl = RTE_IPV4_VHL_DEF;
	ip.total_length = RTE_BE16(100);
	ip.next_proto_id = 17;
	ip.src_addr = RTE_BE32(0xc6120001);
	ip.dst_addr = RTE_BE32(0xc6120101);
	/* Every TTL, every protocol byte: incremental == full recompute. */
	for (v = 1; v < 256; v++) {
		ip.time_to_live = (uint8_t)v;
		ip.next_proto_id = (uint8_t)(v * 7);
		ip.hdr_checksum = 0;
		ip.hdr_checksum = rte_ipv4_cksum(&ip);
		memcpy(&old, &ip.time_to_live, 2);
		ip.time_to_live--;
		memcpy(&neu, &ip.time_to_live, 2);
		ip.hdr_checksum = lcx_cksum_update16(ip.hdr_checksum, old, neu);
		CU_ASSERT_EQUAL(rte_raw_cksum(&ip, sizeof(ip)), 0xffff);
	}
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("10.1.0.0/16", &a, &len), 0);
	CU_ASSERT_EQUAL(a, RTE_BE32(0x0a010000));
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("10.1.0.1", &a, &len), 0);
	CU_ASSERT_EQUAL(len, 32);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("10.1.0.1/33", &a, &len), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("10.1.0/8", &a, &len), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("10.1.0.0/", &a, &len), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4("300.1.1.1", &a), -EINVAL);
}

static void
test_handoff_connect(void)
{
	struct lcx_tk *tk = lcx_tk_create(3, 2, 255);
	struct lcx_ctx *c[2];
	unsigned int self;

	CU_ASSERT_FATAL(tk != NULL);
	CU_ASSERT_EQUAL(lcx_handoff_group(lcx_tk_ctx(tk, 2), &self), 3);
	CU_ASSERT_EQUAL(self, 2);
	CU_ASSERT_EQUAL(lcx_tk_ctx(tk, 0)->nb_handoff_in, 2);
	c[0] = lcx_tk_ctx(tk, 0);
	c[1] = lcx_tk_ctx(tk, 1);
	CU_ASSERT_EQUAL(lcx_handoff_connect(c, 2, 64), -EBUSY);
	CU_ASSERT_EQUAL(lcx_handoff_connect(c, 1, 64), -EINVAL);
	CU_ASSERT_EQUAL(lcx_handoff_disconnect(c[0]), 0);
	CU_ASSERT_EQUAL(lcx_tk_ctx(tk, 0)->nb_handoff_in, 0);
	CU_ASSERT_EQUAL(lcx_handoff_group(c[0], NULL), 1);
	CU_ASSERT_EQUAL(lcx_handoff_connect(c, 2, 100), -EINVAL);
	CU_ASSERT_EQUAL(lcx_handoff_connect(c, 2, 64), 0);
	CU_ASSERT_EQUAL(lcx_tk_ctx(tk, 1)->nb_handoff_in, 1);
	CU_ASSERT_EQUAL(lcx_handoff_disconnect(c[1]), 0);
	CU_ASSERT_EQUAL(lcx_handoff_disconnect(c[1]), -ENOENT);
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

CU_TestInfo handler_tests[] = {
	{ "registry", test_registry },
	{ "decision encoding", test_act_encoding },
	{ "decisions carried out", test_decisions },
	{ "checksum and parse helpers", test_helpers },
	{ "handoff groups", test_handoff_connect },
	{ "test kit: TOS, PCP, QinQ, IP options, TCP flags", test_kit_fields },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suites[] = {
	{ "handler API", suite_init, suite_clean, NULL, NULL, handler_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
