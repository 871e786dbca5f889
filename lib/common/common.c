/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "lcx_common.h"

RTE_DEFINE_PER_LCORE(int, _lcx_errno);
RTE_LOG_REGISTER(lcx_logtype, lcx, INFO);

static const char *const lcx_errstr[LCX_ERR_MAX - LCX_ERR_BASE] = {
	[LCX_EALLOC - LCX_ERR_BASE] = "allocation failed",
	[LCX_EINIT - LCX_ERR_BASE] = "initialization failed",
	[LCX_ERESINIT - LCX_ERR_BASE] = "resource initialization failed",
	[LCX_EENV - LCX_ERR_BASE] = "environment setup failed",
	[LCX_ENOCTX - LCX_ERR_BASE] = "context not found",
};

const char *
lcx_strerror(int err)
{
	err = abs(err);
	if (err >= LCX_ERR_BASE && err < LCX_ERR_MAX)
		return lcx_errstr[err - LCX_ERR_BASE];
	return strerror(err);
}
