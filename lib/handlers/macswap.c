/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * macswap: swap source and destination MAC, pass on (testpmd's macswap).
 * Frames shorter than an Ethernet header are dropped "runt".
 */
#include <rte_ether.h>

#include "lcx_handler.h"

#define foreach_macswap_drop(_) _(MACSWAP_DROP_RUNT, "runt")
LCX_HANDLER_DROPS(macswap, foreach_macswap_drop);

static __rte_always_inline uint16_t
swap(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr a;

	RTE_SET_USED(priv);
	RTE_SET_USED(ctx);
	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN))
		return LCX_ACT_DROP(MACSWAP_DROP_RUNT);
	a = eth->dst_addr;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = a;
	return LCX_ACT_CONTINUE;
}

static uint16_t
macswap_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each(priv, ctx, pkts, act, n, swap);
}

LCX_HANDLER_REGISTER(macswap) = {
	.name = "macswap",
	.usage = "macswap: no arguments",
	.init = lcx_handler_init_noargs,
	.process = macswap_process,
	LCX_HANDLER_DROPS_OF(macswap),
};
