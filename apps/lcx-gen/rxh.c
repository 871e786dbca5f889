/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive check as a handler: the pipeline of every lcx-gen context.
 * Each context checks what its own RX queues bring, with its own stream
 * table and histogram, so no state is shared between receivers; the
 * control thread sums and merges them.  A flow keeps to one RX queue (RSS
 * hashes its 5-tuple), so its order is seen whole by one context.
 */
#include <errno.h>

#include <rte_cycles.h>

#include "lcx_handler.h"
#include "gen.h"

uint32_t gen_rx_nb_streams;
struct gen_rx *gen_rx_of[LCX_MAX_CONTEXTS];

static int
rx_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct gen_rx *rx;

	(void)args;
	if (ctx->id >= LCX_MAX_CONTEXTS)
		return -EINVAL;
	rx = gen_rx_create(gen_rx_nb_streams, ctx->socket);
	if (rx == NULL)
		return -ENOMEM;
	*(struct gen_rx **)priv = rx;
	gen_rx_of[ctx->id] = rx;
	return 0;
}

static void
rx_fini(void *priv, struct lcx_ctx *ctx)
{
	if (ctx->id < LCX_MAX_CONTEXTS)
		gen_rx_of[ctx->id] = NULL;
	gen_rx_free(*(struct gen_rx **)priv);
}

static uint16_t
rx_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct gen_rx *rx = *(struct gen_rx **)priv;
	uint32_t e = __atomic_load_n(&gen_ctl.epoch, __ATOMIC_ACQUIRE);
	uint16_t i;

	(void)ctx;
	/* A new trial: its histogram starts empty.  The control thread
	 * reads a histogram only when its epoch is the trial's. */
	if (unlikely(e != rx->epoch)) {
		gen_hist_reset(&rx->hist);
		__atomic_store_n(&rx->epoch, e, __ATOMIC_RELEASE);
	}
	/* One TSC read a burst: a frame's latency includes the check of the
	 * frames before it in the burst (reported with the resolution). */
	gen_rx_check(rx, pkts, n, rte_rdtsc());
	rte_pktmbuf_free_bulk(pkts, n);
	for (i = 0; i < n; i++)
		act[i] = LCX_ACT_TAKEN;
	return n;
}

LCX_HANDLER_REGISTER(gen_rx) = {
	.name = GEN_RX_HANDLER,
	.usage = "lcx-gen's receive check (no arguments)",
	.priv_size = sizeof(struct gen_rx *),
	.init = rx_init,
	.process = rx_process,
	.fini = rx_fini,
};
