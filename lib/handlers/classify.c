/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * classify: send each packet down a branch chosen by its EtherType (behind
 * VLAN tags), VPP's ethernet-input in one stage:
 *
 *     classify(arp=resp, ipv4=route, other=drop) -> resp: arp-icmp
 *             -> route: l3lpm(routes=/r)
 *
 * Keys arp, ipv4, ipv6, other; each value a stage label (a branch), "next"
 * (go on to the next stage: the default) or "drop" (counted "unwanted").
 */
#include "lcx_pkt.h"

#define foreach_classify_drop(_) \
	_(CLASSIFY_DROP_UNWANTED, "unwanted") /* a class sent to "drop" */
LCX_HANDLER_DROPS(classify, foreach_classify_drop);

enum { CL_ARP, CL_IPV4, CL_IPV6, CL_OTHER, CL_MAX };
static const char *const keys[CL_MAX] = { "arp", "ipv4", "ipv6", "other" };

struct classify {
	uint16_t act[CL_MAX];   /* the decision for each class */
};

static int
classify_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct lcx_args *a = lcx_args_parse("classify", args,
		"arp|ipv4|ipv6|other=<stage label>|next|drop,...");
	struct classify *c = priv;
	char v[LCX_HANDLER_NAME_LEN];
	unsigned int k;
	int b;

	for (k = 0; k < CL_MAX; k++) {
		if (lcx_args_str(a, keys[k], v, sizeof(v)) != 0)
			continue;       /* absent: next; bad: lcx_args_end() */
		if (strcmp(v, "drop") == 0) {
			c->act[k] = LCX_ACT_DROP(CLASSIFY_DROP_UNWANTED);
		} else if (strcmp(v, "next") != 0) {
			b = lcx_handler_branch(ctx, v);
			if (b < 0) {
				lcx_args_end(a);
				return b;
			}
			c->act[k] = LCX_ACT_BRANCH(b);
		}
	}
	return lcx_args_end(a);
}

static __rte_always_inline uint16_t
classify_one(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	const struct classify *c = priv;
	uint16_t off, type = lcx_pkt_ether_type(m, &off);

	RTE_SET_USED(ctx);
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return c->act[CL_IPV4];
	if (type == RTE_BE16(RTE_ETHER_TYPE_ARP))
		return c->act[CL_ARP];
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return c->act[CL_IPV6];
	return c->act[CL_OTHER];
}

static uint16_t
classify_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each(priv, ctx, pkts, act, n, classify_one);
}

LCX_HANDLER_REGISTER(classify) = {
	.name = "classify",
	.usage = "classify(arp=L, ipv4=L, ipv6=L, other=L): L a stage label, "
		"next (default) or drop",
	.priv_size = sizeof(struct classify),
	.init = classify_init,
	.process = classify_process,
	LCX_HANDLER_DROPS_OF(classify),
};
