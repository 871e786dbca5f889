/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * handoff: spread packets over the contexts of the handoff group by a
 * symmetric flow hash (software RSS).  Packets that hash here continue;
 * the others are handed off, and the receiver runs the stages after this
 * one.  Not (valid) IP: stays here.  The group is read at init: connect
 * it (lcx_handoff_connect()) before attaching.
 */
#include "lcx_pkt.h"

struct handoff {
	uint32_t n;       /* group size; 1: no group, all local */
	uint32_t self;
};

static int
handoff_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct handoff *ho = priv;

	ho->n = lcx_handoff_group(ctx, &ho->self);
	if (ho->n == 1)
		LCX_LOG(NOTICE, "handoff on %s: no group, all local", ctx->name);
	return lcx_handler_init_noargs(priv, args, ctx);
}

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
	if (((const struct handoff *)priv)->n == 1)
		return 0;
	return lcx_handler_each(priv, ctx, pkts, act, n, spread);
}

LCX_HANDLER_REGISTER(handoff) = {
	.name = "handoff",
	.usage = "handoff: no arguments; needs lcx_handoff_connect()",
	.priv_size = sizeof(struct handoff),
	.flags = LCX_HANDLER_F_HANDOFF,
	.init = handoff_init,
	.process = handoff_process,
};
