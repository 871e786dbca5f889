/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2rewrite: l2fwd's semantics.  A packet received on port p leaves on
 * p ^ 1 with the out port's MAC as source and a per-port destination MAC
 * (default 02:00:00:00:00:<out port>, as l2fwd), set by "dstN=MAC" args.
 */
#include "lcx_pkt.h"

#define foreach_l2rw_drop(_) _(L2RW_DROP_RUNT, "runt")
LCX_HANDLER_DROPS(l2rw, foreach_l2rw_drop);

struct l2rw {
	struct rte_ether_addr dst[LCX_MAX_PORTS];
};

static int
l2rw_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct lcx_args *a = lcx_args_parse("l2rewrite", args,
		"dst<port 0..15>=<MAC>,...");
	struct l2rw *l2 = priv;
	char key[8];
	unsigned int p;

	RTE_SET_USED(ctx);
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		l2->dst[p] = (struct rte_ether_addr){{2, 0, 0, 0, 0, (uint8_t)p}};
		snprintf(key, sizeof(key), "dst%u", p);
		lcx_args_mac(a, key, &l2->dst[p]);
	}
	return lcx_args_end(a);
}

static __rte_always_inline uint16_t
rewrite(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	const struct l2rw *l2 = priv;
	uint16_t out = (m->port ^ 1) & (LCX_MAX_PORTS - 1);

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN))
		return LCX_ACT_DROP(L2RW_DROP_RUNT);
	return lcx_pkt_send(ctx, m, out, &l2->dst[out]);
}

static uint16_t
l2rw_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each(priv, ctx, pkts, act, n, rewrite);
}

LCX_HANDLER_REGISTER(l2rewrite) = {
	.name = "l2rewrite",
	.usage = "l2rewrite[(dst<port>=<MAC>,...)]",
	.priv_size = sizeof(struct l2rw),
	.init = l2rw_init,
	.process = l2rw_process,
	LCX_HANDLER_DROPS_OF(l2rw),
};
