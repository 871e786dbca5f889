/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * handoff: spread packets over the contexts of the handoff group by flow
 * hash (software RSS).  The hash is symmetric (both directions of a flow
 * meet on one context): addresses and ports are combined with XOR before
 * rte_jhash.  Packets that hash to this context go on to the next stage
 * here; the others are handed off, and the receiver runs the stages after
 * this one.  Non-IP frames and fragments' ports: hashed on what is there
 * (non-IP stays local).  Connect the group (lcx_handoff_connect()) before
 * attaching the pipeline: the group is read at init.
 */
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_prefetch.h>

#include "lcx_handler.h"

struct handoff {
	uint32_t n;       /* group size; 1: no group, all local */
	uint32_t self;
};

static int
handoff_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct handoff *ho = priv;
	unsigned int self;

	if (args[0] != '\0') {
		LCX_LOG(ERR, "handoff: takes no arguments, got '%s'", args);
		return -EINVAL;
	}
	ho->n = lcx_handoff_group(ctx, &self);
	ho->self = self;
	if (ho->n == 1)
		LCX_LOG(NOTICE, "handoff on %s: no handoff group, all local",
			ctx->name);
	return 0;
}

/* Symmetric flow hash; 0 means "keep here" for what is not IP. */
static __rte_always_inline uint32_t
flow_hash(const struct rte_mbuf *m, int *ip)
{
	uint16_t off = 0, type = lcx_pkt_ether_type(m, &off);
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	uint32_t a, p = 0, len = m->data_len;
	uint8_t proto;

	*ip = 1;
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4) && len >= off + 20u) {
		const struct rte_ipv4_hdr *h = (const void *)l3;
		uint32_t ihl = (h->version_ihl & 0xf) * 4u;

		a = h->src_addr ^ h->dst_addr;
		proto = h->next_proto_id;
		if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
				(h->fragment_offset &
				RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
				ihl >= 20 && len >= off + ihl + 4)
			p = *(const uint16_t *)(l3 + ihl) ^
				*(const uint16_t *)(l3 + ihl + 2);
	} else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
			len >= off + 40u) {
		const uint32_t *w = (const uint32_t *)(l3 + 8);

		a = w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[4] ^ w[5] ^ w[6] ^ w[7];
		proto = l3[6];
		if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
				len >= off + 44u)
			p = *(const uint16_t *)(l3 + 40) ^
				*(const uint16_t *)(l3 + 42);
	} else {
		*ip = 0;
		return 0;
	}
	return rte_jhash_2words(a, p | (uint32_t)proto << 16, 0x6c6378);
}

static uint16_t
handoff_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	const struct handoff *ho = priv;
	uint16_t i, nd = 0;
	uint32_t dst;
	int ip;

	RTE_SET_USED(ctx);
	if (ho->n == 1)
		return 0;
	for (i = 0; i < n; i++) {
		if (i + 4 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
		/* Multiply-shift instead of a division. */
		dst = (uint32_t)(((uint64_t)flow_hash(pkts[i], &ip) * ho->n) >> 32);
		if (ip && dst != ho->self) {
			/* mbuf->port already holds the lcx input port: the
			 * receiver's default output is its pair. */
			act[i] = LCX_ACT_HANDOFF(dst);
			nd++;
		}
	}
	return nd;
}

LCX_HANDLER_REGISTER(handoff) = {
	.name = "handoff",
	.usage = "handoff: no arguments; needs lcx_handoff_connect()",
	.priv_size = sizeof(struct handoff),
	.flags = LCX_HANDLER_F_HANDOFF,
	.init = handoff_init,
	.process = handoff_process,
};
