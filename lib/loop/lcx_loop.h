/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_LOOP_H
#define LCX_LOOP_H

/**
 * @file
 * The run-to-completion event loop of a context.  One iteration:
 *
 *   1. poll each RX queue the context owns (burst of LCX_BURST);
 *   2. run each burst through the burst hook (the handler pipeline), or
 *      forward it to the paired port when there is none;
 *   3. flush the TX buffers;
 *   4. run up to limits.tasks_per_iter tasks from the run queue (no task
 *      starts after limits.cycle_budget cycles of the iteration);
 *   5. fire due timers;
 *   6. apply the idle strategy when the iteration found no work.
 *
 * Packets never wait in the run queue; tasks run between bursts, so a task
 * always sees the context at a burst boundary with its TX flushed.  The
 * iteration's TSC is read once: busy and idle cycles are the time between
 * consecutive reads, charged to busy when the iteration did work.
 */

#include <stdint.h>

#include "lcx_ctx_worker.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Run a context's loop on the calling lcore until a stop request or an
 * ERROR state.  Signature of lcore_function_t, for rte_eal_remote_launch().
 * On leaving it flushes TX, drains the run queue (queued tasks run) and
 * moves the context to COMPLETED; a context in ERROR stays in ERROR.
 *
 * @param arg
 *   The struct lcx_ctx; the calling lcore must be ctx->lcore.
 * @return
 *   0 when the loop ended COMPLETED; -EFAULT when it ended in ERROR;
 *   -EINVAL (wrong lcore); -EPERM (the context was not READY).
 */
int lcx_loop_run(void *arg);

/**
 * Run one iteration without idling: for tests and for embedding the loop in
 * another one.  Owner only.
 *
 * @param ctx
 *   The context.
 * @param now
 *   Current TSC (for timers and the cycle budget).
 * @return
 *   Work done: packets received + tasks run + timers fired.
 */
unsigned int lcx_loop_iterate(struct lcx_ctx *ctx, uint64_t now);

#ifdef __cplusplus
}
#endif

#endif /* LCX_LOOP_H */
