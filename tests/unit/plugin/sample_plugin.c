/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A handler built as a plugin: rewrites the Ethernet destination to a
 * fixed MAC and drops frames shorter than a header ("short").  Loaded by
 * tests/unit/test_plugin.c with lcx_plugin_load().  Built twice: once as
 * is, once with -DLCX_HANDLER_ABI_VERSION=999 to be refused.
 */
#include <rte_ether.h>

#include "lcx_handler.h"

#define foreach_sample_drop(_) _(SAMPLE_DROP_SHORT, "short")
LCX_HANDLER_DROPS(sample, foreach_sample_drop);

static uint16_t
sample_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	static const struct rte_ether_addr mac = {{2, 0x5a, 0x5a, 0, 0, 1}};
	uint16_t i, nd = 0;

	RTE_SET_USED(priv);
	RTE_SET_USED(ctx);
	for (i = 0; i < n; i++) {
		if (pkts[i]->data_len < RTE_ETHER_HDR_LEN) {
			act[i] = LCX_ACT_DROP(SAMPLE_DROP_SHORT);
			nd++;
			continue;
		}
		rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *)->dst_addr = mac;
	}
	return nd;
}

LCX_HANDLER_REGISTER(sample) = {
	.name = SAMPLE_NAME,
	.usage = "sample: no arguments",
	.process = sample_process,
	LCX_HANDLER_DROPS_OF(sample),
};
