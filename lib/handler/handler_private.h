/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HANDLER_PRIVATE_H
#define HANDLER_PRIVATE_H

#include <rte_ring.h>

#include "lcx_handler.h"

/* Fill out[i] with the ring from ctx to member i of its group (NULL for
 * itself); returns the group size, 0 when in no group. */
unsigned int __lcx_handoff_out(const struct lcx_ctx *ctx,
		struct rte_ring **out);

/* Re-read the handoff rings into an attached pipeline (connect after
 * attach). */
void __lcx_pipeline_handoff_refresh(struct lcx_ctx *ctx);

#endif /* HANDLER_PRIVATE_H */
