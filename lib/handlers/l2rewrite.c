/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2rewrite: l2fwd's semantics.  A packet received on port p leaves on
 * p ^ 1 with the out port's MAC as source and a per-port destination MAC
 * (default 02:00:00:00:00:<out port>, as l2fwd), set by "dstN=MAC" args.
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_kvargs.h>
#include <rte_prefetch.h>

#include "lcx_handler.h"

#define foreach_l2rw_drop(_) \
	_(RUNT, "runt")
LCX_HANDLER_DROPS(L2RW, foreach_l2rw_drop);

struct l2rw {
	struct rte_ether_addr dst[LCX_MAX_PORTS];
};

static int
dst_arg(const char *key, const char *value, void *opaque)
{
	struct l2rw *l2 = opaque;
	unsigned int p;
	char *end;

	p = (unsigned int)strtoul(key + 3, &end, 10);
	if (end == key + 3 || *end != '\0' || p >= LCX_MAX_PORTS ||
			rte_ether_unformat_addr(value, &l2->dst[p]) != 0) {
		LCX_LOG(ERR, "l2rewrite: bad %s=%s (dst<port>=<MAC>)", key, value);
		return -EINVAL;
	}
	return 0;
}

static int
l2rw_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct l2rw *l2 = priv;
	struct rte_kvargs *kv;
	unsigned int p, i;
	int rc = 0;

	RTE_SET_USED(ctx);
	for (p = 0; p < LCX_MAX_PORTS; p++)
		l2->dst[p] = (struct rte_ether_addr){{2, 0, 0, 0, 0, (uint8_t)p}};
	if (args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL) {
		LCX_LOG(ERR, "l2rewrite: cannot parse '%s'", args);
		return -EINVAL;
	}
	for (i = 0; i < kv->count && rc == 0; i++) {
		if (strncmp(kv->pairs[i].key, "dst", 3) != 0 ||
				kv->pairs[i].value == NULL) {
			LCX_LOG(ERR, "l2rewrite: unknown argument '%s'",
				kv->pairs[i].key);
			rc = -EINVAL;
			break;
		}
		rc = dst_arg(kv->pairs[i].key, kv->pairs[i].value, l2);
	}
	rte_kvargs_free(kv);
	return rc;
}

static __rte_always_inline uint16_t
rewrite(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	const struct l2rw *l2 = priv;
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint16_t out = (m->port ^ 1) & (LCX_MAX_PORTS - 1);
	const struct lcx_port *port = ctx->txq[out].port;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN))
		return LCX_ACT_DROP(DROP_RUNT);
	eth->dst_addr = l2->dst[out];
	if (likely(port != NULL))
		eth->src_addr = port->mac;
	return LCX_ACT_TX(out);
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
	LCX_HANDLER_DROPS_OF(L2RW),
};
