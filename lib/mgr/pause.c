/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pause and resume a running context from outside it.  The pause is a task
 * on the context's run queue, so it starts at a burst boundary, after TX is
 * flushed: it moves the context RUNNING -> BLOCKED and naps there, beating
 * the heartbeat so the watchdog leaves it alone, until resumed or asked to
 * stop.  While paused the context polls nothing and runs no other task or
 * timer: its RX queues fill and then drop in the device (imissed), and an
 * RX queue move involving it times out, so callers resume first.
 */
#include <errno.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "lcx_mgr.h"
#include "lcx_ctx_worker.h"

/* A nap: bounds how late a resume or a stop is seen. */
#define PAUSE_NAP_NS 100000
/* How long lcx_mgr_ctx_pause() waits for the context to park. */
#define PAUSE_ACK_MS 1000

enum pause_state {
	PAUSE_NONE = 0,
	PAUSE_ASKED,   /* task posted, not run yet */
	PAUSE_PARKED,  /* the task runs: the context is paused */
};

/* One a lcore (a context owns its lcore); written by the control thread
 * and the pausing context, each field atomically. */
static struct {
	uint32_t state;   /* enum pause_state */
	uint32_t resume;  /* set by lcx_mgr_ctx_resume() */
} pause_tab[RTE_MAX_LCORE];

static int
stopping(const struct lcx_ctx *ctx)
{
	return __atomic_load_n(&ctx->stop_req, __ATOMIC_ACQUIRE) != 0 ||
		lcx_ctx_state_get(ctx) == LCX_CTX_ERROR;
}

static void
pause_task(void *arg)
{
	struct lcx_ctx *ctx = arg;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = PAUSE_NAP_NS };
	int moved;

	lcx_ctx_tx_flush_all(ctx);
	/* Parked by the adaptive idle already (a task runs from its nap):
	 * the state says BLOCKED and the idle code moves it back. */
	moved = lcx_ctx_state_move(ctx, LCX_CTX_RUNNING, LCX_CTX_BLOCKED) == 0;
	__atomic_store_n(&pause_tab[ctx->lcore].state, PAUSE_PARKED,
			__ATOMIC_RELEASE);
	while (!__atomic_load_n(&pause_tab[ctx->lcore].resume,
			__ATOMIC_ACQUIRE) && !stopping(ctx)) {
		nanosleep(&ts, NULL);
		__atomic_store_n(&ctx->heartbeat, ctx->heartbeat + 1,
				__ATOMIC_RELAXED);
	}
	if (moved)
		lcx_ctx_state_move(ctx, LCX_CTX_BLOCKED, LCX_CTX_RUNNING);
	__atomic_store_n(&pause_tab[ctx->lcore].resume, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&pause_tab[ctx->lcore].state, PAUSE_NONE,
			__ATOMIC_RELEASE);
}

int
lcx_mgr_ctx_pause(uint32_t id)
{
	struct lcx_ctx *ctx = lcx_mgr_ctx_lookup(id);
	enum lcx_ctx_state st;
	uint32_t none = PAUSE_NONE;
	unsigned int ms;
	int rc;

	if (ctx == NULL)
		return -LCX_ENOCTX;
	if (lcx_ctx_self() == ctx)
		return -EDEADLK;
	st = lcx_ctx_state_get(ctx);
	if ((st != LCX_CTX_RUNNING && st != LCX_CTX_BLOCKED) || stopping(ctx))
		return -EPERM;
	if (!__atomic_compare_exchange_n(&pause_tab[ctx->lcore].state, &none,
			PAUSE_ASKED, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -EALREADY;
	__atomic_store_n(&pause_tab[ctx->lcore].resume, 0, __ATOMIC_RELEASE);
	rc = lcx_ctx_post(ctx, pause_task, ctx, LCX_PRIO_HIGH);
	if (rc != 0) {
		__atomic_store_n(&pause_tab[ctx->lcore].state, PAUSE_NONE,
				__ATOMIC_RELEASE);
		return rc;
	}
	for (ms = 0; ms < PAUSE_ACK_MS; ms++) {
		if (__atomic_load_n(&pause_tab[ctx->lcore].state,
				__ATOMIC_ACQUIRE) == PAUSE_PARKED)
			return 0;
		rte_delay_us_sleep(1000);
	}
	/* Still queued: it pauses when the context gets to it; a resume
	 * cancels it then. */
	return -ETIMEDOUT;
}

int
lcx_mgr_ctx_resume(uint32_t id)
{
	struct lcx_ctx *ctx = lcx_mgr_ctx_lookup(id);
	unsigned int ms;

	if (ctx == NULL)
		return -LCX_ENOCTX;
	if (__atomic_load_n(&pause_tab[ctx->lcore].state,
			__ATOMIC_ACQUIRE) == PAUSE_NONE)
		return -EALREADY;
	__atomic_store_n(&pause_tab[ctx->lcore].resume, 1, __ATOMIC_RELEASE);
	if (lcx_ctx_self() == ctx)
		return 0;
	for (ms = 0; ms < PAUSE_ACK_MS; ms++) {
		if (__atomic_load_n(&pause_tab[ctx->lcore].state,
				__ATOMIC_ACQUIRE) == PAUSE_NONE)
			return 0;
		rte_delay_us_sleep(1000);
	}
	return -ETIMEDOUT;
}

int
lcx_mgr_ctx_paused(uint32_t id)
{
	struct lcx_ctx *ctx = lcx_mgr_ctx_lookup(id);

	if (ctx == NULL)
		return -LCX_ENOCTX;
	return __atomic_load_n(&pause_tab[ctx->lcore].state,
			__ATOMIC_ACQUIRE) != PAUSE_NONE;
}
