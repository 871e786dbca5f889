/* SPDX-License-Identifier: BSD-3-Clause */
/* Placeholder until placement lands: no ports, nothing to do. */
#include "mgr_private.h"

int
mgr_port_ctx_join(struct lcx_ctx *ctx)
{
	(void)ctx;
	return 0;
}

void
mgr_port_ctx_leave(struct lcx_ctx *ctx)
{
	(void)ctx;
}

void
mgr_port_fini(void)
{
}
