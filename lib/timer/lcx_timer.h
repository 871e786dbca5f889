/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_TIMER_H
#define LCX_TIMER_H

/**
 * @file
 * Per-context timers: a binary min-heap on TSC deadlines, owned and run by
 * one context.  No lock and no atomic: only the owner arms, stops and runs
 * them; other threads reach a context's timers through its run queue.
 * Checking for due timers costs one load and one compare when none is due.
 */

#include <stdint.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "lcx_common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lcx_timer;
/** Timer callback, run on the owner when the timer expires. */
typedef void (*lcx_timer_fn)(struct lcx_timer *tim, void *arg);

/** A timer; embedded by the user, zero-initialised before first use. */
struct lcx_timer {
	uint64_t expire;    /**< TSC deadline */
	uint64_t period;    /**< TSC period, 0 for one-shot */
	lcx_timer_fn cb;
	void *arg;
	uint32_t idx;       /**< heap slot + 1; 0 when not armed */
};

/** A set of timers. */
struct lcx_timers {
	uint64_t next;      /**< earliest deadline, UINT64_MAX when empty */
	uint32_t n;
	uint32_t cap;
	struct lcx_timer **heap;
};

/**
 * Initialise a timer set.
 *
 * @param ts
 *   The set.
 * @param cap
 *   Most timers armed at once (>= 1).
 * @param socket
 *   NUMA socket for the heap.
 * @return
 *   0; -EINVAL (cap 0); -ENOMEM.
 */
int lcx_timers_init(struct lcx_timers *ts, uint32_t cap, int socket);

/**
 * Release a timer set; armed timers are forgotten, not run.
 *
 * @param ts
 *   The set.
 */
void lcx_timers_fini(struct lcx_timers *ts);

/**
 * Arm a timer.
 *
 * @param ts
 *   The set.
 * @param tim
 *   The timer, not armed.
 * @param ticks
 *   TSC cycles from now to the first expiry.
 * @param period
 *   TSC cycles between later expiries, 0 for one-shot.
 * @param cb
 *   Callback.
 * @param arg
 *   Its argument.
 * @return
 *   0; -EBUSY (already armed); -ENOSPC (set full); -EINVAL (NULL).
 */
int lcx_timer_start(struct lcx_timers *ts, struct lcx_timer *tim,
		uint64_t ticks, uint64_t period, lcx_timer_fn cb, void *arg);

/**
 * Disarm a timer.  Allowed from its own callback.
 *
 * @param ts
 *   The set.
 * @param tim
 *   The timer.
 * @return
 *   0; -ENOENT (not armed).
 */
int lcx_timer_stop(struct lcx_timers *ts, struct lcx_timer *tim);

/** @internal */
unsigned int __lcx_timers_run(struct lcx_timers *ts, uint64_t now);

/**
 * Run every timer due at @p now.
 *
 * @param ts
 *   The set.
 * @param now
 *   Current TSC.
 * @return
 *   Number of callbacks run.
 */
static inline unsigned int
lcx_timers_run(struct lcx_timers *ts, uint64_t now)
{
	if (likely(now < ts->next))
		return 0;
	return __lcx_timers_run(ts, now);
}

#ifdef __cplusplus
}
#endif

#endif /* LCX_TIMER_H */
