/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * handoff: spread packets over the contexts of the handoff group by a
 * symmetric flow hash (software RSS).  Packets that hash here continue;
 * the others are handed off, and the receiver runs the stages after this
 * one.  Not (valid) IP: stays here.  The group is read every burst (two
 * fields of the context), so it may be connected before or after the
 * pipeline is attached; with no group everything stays here.
 */
#include "lcx_pkt.h"

struct handoff {
	uint32_t n;       /* group size this burst; 1: no group */
	uint32_t self;
};

static __rte_always_inline uint16_t
spread(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	const struct handoff *ho = priv;
	struct lcx_pkt_info pi;
	uint32_t dst;

	RTE_SET_USED(ctx);
	if (lcx_pkt_parse(m, &pi) != 0 || pi.family == 0)
		return LCX_ACT_CONTINUE;
	/* Multiply-shift instead of a division. */
	dst = (uint32_t)(((uint64_t)lcx_pkt_flow_hash_sym(m, &pi) * ho->n) >> 32);
	return dst == ho->self ? LCX_ACT_CONTINUE : LCX_ACT_HANDOFF(dst);
}

static uint16_t
handoff_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct handoff *ho = priv;

	ho->n = lcx_handoff_group(ctx, &ho->self);
	if (ho->n == 1)
		return 0;
	return lcx_handler_each(priv, ctx, pkts, act, n, spread);
}

LCX_HANDLER_REGISTER(handoff) = {
	.name = "handoff",
	.usage = "handoff: no arguments; spreads over the handoff group "
		"(lcx_handoff_connect(); lcx-fwd connects its contexts)",
	.priv_size = sizeof(struct handoff),
	.flags = LCX_HANDLER_F_HANDOFF,
	.init = lcx_handler_init_noargs,
	.process = handoff_process,
};
