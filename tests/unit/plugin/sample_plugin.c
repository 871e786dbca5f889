/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A handler built as a plugin: rewrites the Ethernet destination to a
 * fixed MAC, counts the frames it rewrote (a declared counter) and drops
 * frames shorter than a header ("short").  Loaded by
 * tests/unit/test_plugin.c with lcx_plugin_load().  Built four times: as
 * is, with -DLCX_HANDLER_ABI_VERSION=999 to be refused, with the name of
 * a built-in, and with -DSAMPLE_BAD_COUNTERS (counters outside priv) to
 * be refused.
 */
#include <rte_ether.h>

#include "lcx_handler.h"

#define foreach_sample_drop(_) _(SAMPLE_DROP_SHORT, "short")
LCX_HANDLER_DROPS(sample, foreach_sample_drop);

#define foreach_sample_counter(_) _(SAMPLE_REWRITTEN, "rewritten")
LCX_HANDLER_COUNTERS(sample, foreach_sample_counter);

struct sample {
	uint64_t ctr[LCX_HANDLER_NB_COUNTERS(sample)];
};

static __rte_always_inline uint16_t
rewrite(void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	static const struct rte_ether_addr mac = {{2, 0x5a, 0x5a, 0, 0, 1}};
	struct sample *s = priv;

	RTE_SET_USED(ctx);
	if (m->data_len < RTE_ETHER_HDR_LEN)
		return LCX_ACT_DROP(SAMPLE_DROP_SHORT);
	rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr = mac;
	s->ctr[SAMPLE_REWRITTEN]++;
	return LCX_ACT_CONTINUE;
}

static uint16_t
sample_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each_mut(priv, ctx, pkts, act, n, rewrite);
}

LCX_HANDLER_REGISTER(sample) = {
	.name = SAMPLE_NAME,
	.usage = "sample: no arguments",
	.init = lcx_handler_init_noargs,
	.process = sample_process,
	LCX_HANDLER_DROPS_OF(sample),
#ifndef SAMPLE_BAD_COUNTERS
	.priv_size = sizeof(struct sample),
	LCX_HANDLER_COUNTERS_OF(sample, struct sample, ctr),
#else
	/* The array would lie past the end of priv. */
	.priv_size = sizeof(struct sample),
	.counter_names = sample_counter_names,
	.nb_counters = 1,
	.counters_off = sizeof(struct sample),
#endif
};
