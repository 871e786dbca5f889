/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "mgr_private.h"

/* One pass over the table: a RUNNING or BLOCKED context whose heartbeat
 * has not moved for hb_timeout_ms goes to ERROR.  The loop beats once per
 * iteration and once per parked nap, so only a loop stuck in one task or
 * handler stays silent. */
static void
watch_pass(struct mgr *m, uint64_t limit)
{
	uint64_t now;
	int i;

	pthread_mutex_lock(&m->lock);
	/* Read the clock under the lock: lcx_mgr_ctx_start() stamps
	 * last_change under it too.  Read before, a start that slipped in
	 * between made now - last_change wrap around, and a context that had
	 * just started was "silent" for ages (seen in 2 of 8 lcx-fwd runs). */
	now = rte_rdtsc();
	for (i = 0; i < LCX_MAX_CONTEXTS; i++) {
		struct mgr_slot *s = &m->slot[i];
		struct lcx_ctx *ctx = s->ctx;
		enum lcx_ctx_state st;
		uint64_t hb;

		if (ctx == NULL || !s->monitored)
			continue;
		st = lcx_ctx_state_get(ctx);
		hb = __atomic_load_n(&ctx->heartbeat, __ATOMIC_RELAXED);
		if (hb != s->last_hb ||
				(st != LCX_CTX_RUNNING && st != LCX_CTX_BLOCKED)) {
			s->last_hb = hb;
			s->last_change = now;
			continue;
		}
		if (now < s->last_change || now - s->last_change < limit)
			continue;
		if (lcx_ctx_state_move(ctx, st, LCX_CTX_ERROR) == 0) {
			__atomic_fetch_add(&m->watchdog_errors, 1, __ATOMIC_RELAXED);
			LCX_LOG(ERR, "context %s (id %u, lcore %u): no heartbeat for %u ms, state ERROR",
				ctx->name, ctx->id, ctx->lcore, m->conf.hb_timeout_ms);
		}
	}
	pthread_mutex_unlock(&m->lock);
}

static void *
watchdog_main(void *arg)
{
	struct mgr *m = arg;
	const uint64_t limit = (uint64_t)m->conf.hb_timeout_ms *
		rte_get_tsc_hz() / 1000;
	struct timespec ts = {
		.tv_sec = m->conf.watch_interval_ms / 1000,
		.tv_nsec = (m->conf.watch_interval_ms % 1000) * 1000000L,
	};

	while (!__atomic_load_n(&m->watchdog_stop, __ATOMIC_ACQUIRE)) {
		nanosleep(&ts, NULL);
		watch_pass(m, limit);
	}
	return NULL;
}

int
mgr_watchdog_start(void)
{
	struct mgr *m = &lcx_mgr;
	int rc;

	if (m->conf.watch_interval_ms == 0)
		return 0;
	m->watchdog_stop = 0;
	rc = rte_ctrl_thread_create(&m->watchdog, "lcx-watchdog", NULL,
			watchdog_main, m);
	if (rc != 0) {
		LCX_LOG(ERR, "manager: watchdog thread: %s", strerror(rc));
		return -LCX_EENV;
	}
	m->watchdog_running = 1;
	return 0;
}

void
mgr_watchdog_stop(void)
{
	struct mgr *m = &lcx_mgr;

	if (!m->watchdog_running)
		return;
	__atomic_store_n(&m->watchdog_stop, 1, __ATOMIC_RELEASE);
	pthread_join(m->watchdog, NULL);
	m->watchdog_running = 0;
}
