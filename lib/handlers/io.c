/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io: pass every packet on unchanged (testpmd's io mode).  Alone, packets
 * go to the paired port.  It decides nothing, so the pipeline skips the
 * decision scan: one indirect call and two TSC reads a burst.
 */
#include "lcx_handler.h"

static uint16_t
io_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	RTE_SET_USED(priv);
	RTE_SET_USED(ctx);
	RTE_SET_USED(pkts);
	RTE_SET_USED(act);
	RTE_SET_USED(n);
	return 0;
}

LCX_HANDLER_REGISTER(io) = {
	.name = "io",
	.usage = "io: no arguments",
	.init = lcx_handler_init_noargs,
	.process = io_process,
};
