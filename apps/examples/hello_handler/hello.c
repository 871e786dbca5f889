/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hello: an lcx handler built outside the lcx tree, against the installed
 * lcx.pc, and loaded into lcx-fwd with --plugin.
 *
 * It stamps every IPv4 frame with a source MAC ("src=MAC", default
 * 02:68:65:6c:6c:6f, "\x02hello") and drops every other frame with the
 * reason "not-ipv4" (runts too short for an Ethernet header: "runt").  Its
 * own counter, "hello stamped N", is printed by lcx_pipeline_dump().
 *
 *   cc -O2 -fPIC -shared -o hello.so hello.c $(pkg-config --cflags lcx)
 *   lcx-fwd --plugin ./hello.so --pipeline 'hello(src=02:00:00:00:00:42) -> io'
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_prefetch.h>

#include <lcx_handler.h>

#define foreach_hello_drop(_) \
	_(NOT_IPV4, "not-ipv4") \
	_(RUNT, "runt")
LCX_HANDLER_DROPS(HELLO, foreach_hello_drop);

struct hello {
	struct rte_ether_addr src;
	uint64_t stamped;       /* written by the owning context only */
};

static int
hello_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct hello *h = priv;

	RTE_SET_USED(ctx);
	h->src = (struct rte_ether_addr){{0x02, 'h', 'e', 'l', 'l', 'o'}};
	if (args[0] == '\0')
		return 0;
	if (strncmp(args, "src=", 4) != 0 ||
			rte_ether_unformat_addr(args + 4, &h->src) != 0) {
		LCX_LOG(ERR, "hello: expected src=MAC, got '%s'", args);
		return -EINVAL;
	}
	return 0;
}

static __rte_always_inline uint16_t
stamp(struct hello *h, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	/* Never read past the first segment's data. */
	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN))
		return LCX_ACT_DROP(DROP_RUNT);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return LCX_ACT_DROP(DROP_NOT_IPV4);
	eth->src_addr = h->src;
	h->stamped++;
	return LCX_ACT_CONTINUE;
}

static uint16_t
hello_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct hello *h = priv;
	uint16_t i, nd = 0;

	RTE_SET_USED(ctx);
	for (i = 0; i < n; i++) {
		if (i + 4 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
		act[i] = stamp(h, pkts[i]);
		nd += act[i] != LCX_ACT_CONTINUE;
	}
	return nd;
}

static void
hello_dump(void *priv, FILE *f)
{
	const struct hello *h = priv;

	fprintf(f, "  hello stamped %" PRIu64 "\n", h->stamped);
}

LCX_HANDLER_REGISTER(hello) = {
	.name = "hello",
	.usage = "hello[(src=MAC)]",
	.priv_size = sizeof(struct hello),
	.init = hello_init,
	.process = hello_process,
	.dump = hello_dump,
	LCX_HANDLER_DROPS_OF(HELLO),
};
