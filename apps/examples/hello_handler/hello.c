/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hello: an lcx handler built outside the lcx tree, against the installed
 * lcx.pc, and loaded into lcx-fwd with --plugin.
 *
 * It stamps every IPv4 frame with a source MAC ("src=MAC", default
 * 02:68:65:6c:6c:6f, "\x02hello") and drops every other frame with the
 * reason "not-ipv4" (runts too short for an Ethernet header: "runt").  Its
 * declared counter "stamped" is read, summed and printed by the pipeline
 * (lcx_pipeline_stats_get(), lcx_pipeline_dump()).
 *
 *   cc -O2 -fPIC -shared -o hello.so hello.c $(pkg-config --cflags lcx)
 *   lcx-fwd --plugin ./hello.so --pipeline 'hello(src=02:00:00:00:00:42) -> io'
 */
#include <lcx_pkt.h>

#define foreach_hello_drop(_) \
	_(HELLO_DROP_NOT_IPV4, "not-ipv4") \
	_(HELLO_DROP_RUNT, "runt")
LCX_HANDLER_DROPS(hello, foreach_hello_drop);

#define foreach_hello_counter(_) _(HELLO_STAMPED, "stamped")
LCX_HANDLER_COUNTERS(hello, foreach_hello_counter);

struct hello {
	struct rte_ether_addr src;
	uint64_t ctr[LCX_HANDLER_NB_COUNTERS(hello)]; /* owner-written */
};

static int
hello_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct lcx_args *a = lcx_args_parse("hello", args, "src=MAC");
	struct hello *h = priv;

	RTE_SET_USED(ctx);
	h->src = (struct rte_ether_addr){{0x02, 'h', 'e', 'l', 'l', 'o'}};
	lcx_args_mac(a, "src", &h->src);
	return lcx_args_end(a);   /* 0, or -EINVAL with one line logged */
}

static __rte_always_inline uint16_t
stamp(void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	struct hello *h = priv;
	uint16_t off;

	RTE_SET_USED(ctx);
	/* Never read past the first segment's data: the helper checks. */
	switch (lcx_pkt_ether_type(m, &off)) {
	case 0:
		return LCX_ACT_DROP(HELLO_DROP_RUNT);
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr = h->src;
		h->ctr[HELLO_STAMPED]++;
		return LCX_ACT_CONTINUE;
	default:
		return LCX_ACT_DROP(HELLO_DROP_NOT_IPV4);
	}
}

static uint16_t
hello_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	/* Four at a time, the next four prefetched; stamp() inlined. */
	return lcx_handler_each_mut(priv, ctx, pkts, act, n, stamp);
}

LCX_HANDLER_REGISTER(hello) = {
	.name = "hello",
	.usage = "hello[(src=MAC)]",
	.priv_size = sizeof(struct hello),
	.init = hello_init,
	.process = hello_process,
	LCX_HANDLER_DROPS_OF(hello),
	LCX_HANDLER_COUNTERS_OF(hello, struct hello, ctr),
};
