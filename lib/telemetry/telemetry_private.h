/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TELEMETRY_PRIVATE_H
#define TELEMETRY_PRIVATE_H

#include <stdint.h>

#include "lcx_ctx.h"
#include "lcx_place.h"


/* Most placement rows reported; more are cut (and counted). */
#define TEL_MAX_PLACE_ROWS (LCX_MAX_PORTS * LCX_PLACE_MAX_RXQ)

/* Copy @p s into @p out, '-' and other characters telemetry names refuse
 * turned into '_'. */
void tel_name(char *out, size_t len, const char *s);

/* Parse a decimal id in [0, max]: 0, or -EINVAL. */
int tel_parse_u32(const char *s, uint32_t max, uint32_t *v);

/* Busy share of a context's cycles, in percent (0 with no cycles). */
double tel_busy_pct(const struct lcx_ctx_stats *st);

/*
 * Every callback runs between tel_enter() and tel_leave(), which hold one
 * mutex, so lcx_telemetry_stop() can wait for the one running and turn the
 * rest away before the contexts go (DPDK cannot unregister a command).
 */
int tel_enter(void);
void tel_leave(void);

/* A telemetry callback wrapped in tel_enter()/tel_leave(): fn##_guarded. */
#define TEL_GUARDED(fn) \
static int \
fn ## _guarded(const char *cmd, const char *params, struct rte_tel_data *d) \
{ \
	int rc; \
	if (tel_enter() != 0) \
		return -ENODEV; \
	rc = fn(cmd, params, d); \
	tel_leave(); \
	return rc; \
}

/* Register the /lcx/ctl/ commands (ctl.c). */
int tel_ctl_register(void);

#endif /* TELEMETRY_PRIVATE_H */
