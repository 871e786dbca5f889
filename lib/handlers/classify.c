/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * classify: send each packet down a branch chosen by its EtherType (behind
 * one VLAN tag), VPP's ethernet-input in one stage:
 *
 *     classify(arp=resp, ipv4=route, other=drop) -> resp: arp-icmp
 *             -> route: l3lpm(routes=/r)
 *
 * Keys arp, ipv4, ipv6, other; each value a stage label (a branch), "next"
 * (go on to the next stage: the default) or "drop" (counted "unwanted").
 */
#include <string.h>

#include <rte_kvargs.h>

#include "lcx_handler.h"

#define foreach_classify_drop(_) \
	_(UNWANTED, "unwanted") /* a class the spec sends to "drop" */
LCX_HANDLER_DROPS(CLASSIFY, foreach_classify_drop);

enum { CL_ARP, CL_IPV4, CL_IPV6, CL_OTHER, CL_MAX };
static const char *const keys[CL_MAX + 1] = { "arp", "ipv4", "ipv6", "other",
	NULL };

struct classify {
	uint16_t act[CL_MAX];   /* the decision for each class */
};

struct init_arg {
	struct classify *c;
	struct lcx_ctx *ctx;
	int rc;                 /* rte_kvargs_process() returns only -1 */
};

static int
set_class(const char *key, const char *value, void *opaque)
{
	struct init_arg *ia = opaque;
	unsigned int k;
	int b;

	for (k = 0; strcmp(keys[k], key) != 0; k++)
		;
	if (strcmp(value, "next") == 0) {
		ia->c->act[k] = LCX_ACT_CONTINUE;
		return 0;
	}
	if (strcmp(value, "drop") == 0) {
		ia->c->act[k] = LCX_ACT_DROP(DROP_UNWANTED);
		return 0;
	}
	b = lcx_handler_branch(ia->ctx, value);
	if (b < 0) {
		ia->rc = b;
		return -1;
	}
	ia->c->act[k] = LCX_ACT_BRANCH(b);
	return 0;
}

static int
classify_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct init_arg ia = { priv, ctx, 0 };
	char buf[256];
	struct rte_kvargs *kv;
	size_t i, j;

	/* "arp=a, ipv4=b": blanks are not part of keys or labels. */
	for (i = j = 0; args[i] != '\0' && j < sizeof(buf) - 1; i++)
		if (args[i] != ' ' && args[i] != '\t')
			buf[j++] = args[i];
	buf[j] = '\0';
	kv = args[i] == '\0' ? rte_kvargs_parse(buf, keys) : NULL;
	if (kv == NULL) {
		LCX_LOG(ERR, "classify: '%s': expected key=value pairs, keys "
			"arp, ipv4, ipv6, other", args);
		return -EINVAL;
	}
	if (rte_kvargs_process(kv, NULL, set_class, &ia) != 0 && ia.rc == 0)
		ia.rc = -EINVAL;
	rte_kvargs_free(kv);
	return ia.rc;
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
	LCX_HANDLER_DROPS_OF(CLASSIFY),
};
