/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * macswap: swap source and destination MAC, pass on (testpmd's macswap).
 * Frames shorter than an Ethernet header are dropped "runt".
 */
#include <rte_ether.h>
#include <rte_prefetch.h>

#include "lcx_handler.h"

#define foreach_macswap_drop(_) \
	_(RUNT, "runt")
LCX_HANDLER_DROPS(MACSWAP, foreach_macswap_drop);

static __rte_always_inline void
swap(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr a = eth->dst_addr;

	eth->dst_addr = eth->src_addr;
	eth->src_addr = a;
}

static uint16_t
macswap_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	uint16_t i = 0, bad = 0;

	RTE_SET_USED(priv);
	RTE_SET_USED(ctx);
	for (; i + 4 <= n; i += 4) {
		if (i + 8 <= n) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 5], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 6], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 7], void *));
		}
		if (likely(RTE_MIN(RTE_MIN(pkts[i]->data_len,
				pkts[i + 1]->data_len), RTE_MIN(pkts[i + 2]->data_len,
				pkts[i + 3]->data_len)) >= RTE_ETHER_HDR_LEN)) {
			swap(pkts[i]);
			swap(pkts[i + 1]);
			swap(pkts[i + 2]);
			swap(pkts[i + 3]);
			continue;
		}
		for (uint16_t j = i; j < i + 4; j++) {
			if (pkts[j]->data_len >= RTE_ETHER_HDR_LEN) {
				swap(pkts[j]);
			} else {
				act[j] = LCX_ACT_DROP(DROP_RUNT);
				bad++;
			}
		}
	}
	for (; i < n; i++) {
		if (likely(pkts[i]->data_len >= RTE_ETHER_HDR_LEN)) {
			swap(pkts[i]);
		} else {
			act[i] = LCX_ACT_DROP(DROP_RUNT);
			bad++;
		}
	}
	return bad;
}

LCX_HANDLER_REGISTER(macswap) = {
	.name = "macswap",
	.usage = "macswap: no arguments",
	.process = macswap_process,
	LCX_HANDLER_DROPS_OF(MACSWAP),
};
