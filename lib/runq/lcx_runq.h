/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_RUNQ_H
#define LCX_RUNQ_H

/**
 * @file
 * The run queue of an execution context: a lock-free task queue with many
 * producers (any lcore or control thread) and one consumer (the owner).
 *
 * A task is a {fn, arg} pair in one of LCX_PRIO_MAX priority classes.
 * Remote producers enqueue into one rte_ring per class (multi-producer,
 * single consumer); the owner
 * posting to itself writes a plain owner-only FIFO with no atomic
 * operation.  The owner dispatches high class first, and a class passed over
 * for starve_limit consecutive dispatch rounds while it had work runs one
 * task ahead of the others in the next round: the head task of any class
 * waits at most starve_limit + 1 rounds.
 *
 * Packets never travel through a run queue: it carries control work.
 */

#include <stdint.h>
#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_ring_rts.h>

#include "lcx_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Priority classes, dispatched in this order. */
enum lcx_prio {
	LCX_PRIO_HIGH = 0,
	LCX_PRIO_NORMAL,
	LCX_PRIO_LOW,
	LCX_PRIO_MAX,
};

/** A task function. It runs on the owner of the run queue. */
typedef void (*lcx_task_fn)(void *arg);

/** One queued task: 16 bytes, copied by value into the ring. */
struct lcx_task {
	lcx_task_fn fn;
	void *arg;
};

/**
 * lcx_runq_create() flag: producers use RTS (relaxed tail sync) rings
 * instead of classic multi-producer ones.  With classic MP a producer
 * preempted between reserving and publishing its slot stalls every later
 * producer until it runs again; RTS does not, at about twice the cost of a
 * cross-core post (lcx-bench: 613 against 315 cycles).  The manager sets
 * it when two EAL lcores share a CPU.
 */
#define LCX_RUNQ_F_RTS 0x1

/** Owner-only FIFO for self-posts; sized like one class ring. */
struct __lcx_fifo {
	uint32_t head; /**< next to run */
	uint32_t tail; /**< next free */
	struct lcx_task *slot;
};

/** Run-queue counters, as returned by lcx_runq_stats_get(). */
struct lcx_runq_stats {
	uint64_t run[LCX_PRIO_MAX];   /**< tasks run, per class */
	uint64_t local_posts;         /**< posts that took the owner's local path */
	uint64_t refused;             /**< posts refused with -ENOBUFS (queue full) */
	uint64_t starve_boosts;       /**< rounds in which the starvation guard fired */
	uint64_t discarded;           /**< tasks dropped unrun by lcx_runq_free() */
};

/**
 * The run queue.  Owner fields and the refusal counter written by producers
 * live on separate cache lines; the rings keep producer and consumer heads
 * apart themselves.
 */
struct lcx_runq {
	/* Owner (consumer) side: read and written by the owner only. */
	struct rte_ring *ring[LCX_PRIO_MAX];
	struct __lcx_fifo local[LCX_PRIO_MAX];
	uint32_t mask;          /**< depth - 1 for the local FIFO index */
	uint32_t depth;         /**< capacity of each class */
	uint32_t starve_limit;  /**< K: rounds a waiting class may be passed over */
	uint32_t starve[LCX_PRIO_MAX];
	unsigned int owner;     /**< lcore id of the consumer */
	uint64_t run[LCX_PRIO_MAX];
	uint64_t local_posts;
	uint64_t starve_boosts;
	uint64_t discarded;

	/* Written by any producer, only when a post is refused. */
	uint64_t refused __rte_cache_aligned;
} __rte_cache_aligned;

/**
 * Create a run queue.
 *
 * @param depth
 *   Tasks each class can hold (remote and local path each); 1 .. 2^24.
 *   Exact: a class holds depth tasks, not the next power of two.
 * @param owner
 *   Lcore id of the consumer; posts from this lcore take the local path.
 *   Fixed for the run queue's life, as a context's lcore is.
 * @param socket
 *   NUMA socket for the memory, or SOCKET_ID_ANY.
 * @param starve_limit
 *   K, rounds a class with pending work may be passed over (>= 1).
 * @param flags
 *   0 or LCX_RUNQ_F_RTS.
 * @return
 *   The run queue, or NULL with lcx_errno set: EINVAL (depth or
 *   starve_limit out of range, unknown flag), ENOMEM (no memory).
 */
struct lcx_runq *lcx_runq_create(uint32_t depth, unsigned int owner,
		int socket, uint32_t starve_limit, unsigned int flags);

/**
 * Free a run queue.  Tasks still queued are dropped unrun and counted as
 * discarded; call lcx_runq_drain() first to run them.  NULL is a no-op.
 *
 * @param rq
 *   The run queue; no producer may use it any more.
 * @return
 *   Number of tasks discarded.
 */
unsigned int lcx_runq_free(struct lcx_runq *rq);

/** @internal refusal path, out of line: it is rare and touches a shared line. */
int __lcx_runq_refuse(struct lcx_runq *rq);

/**
 * Post a task.  Thread-safe for any number of producers; lock-free.
 * Called on the owner lcore it takes the local path: no atomic operation.
 *
 * @param rq
 *   The run queue.
 * @param fn
 *   Task function, run later on the owner.
 * @param arg
 *   Its argument.
 * @param prio
 *   Priority class, below LCX_PRIO_MAX.
 * @return
 *   0 on success; -ENOBUFS when the class is full (the task is not queued,
 *   the refusal is counted, nothing queued before is lost).
 */
static __rte_always_inline int
lcx_runq_post(struct lcx_runq *rq, lcx_task_fn fn, void *arg,
		enum lcx_prio prio)
{
	struct lcx_task t = { .fn = fn, .arg = arg };

	LCX_ASSERT(prio < LCX_PRIO_MAX);
	if (rte_lcore_id() == rq->owner) {
		struct __lcx_fifo *f = &rq->local[prio];

		if (unlikely(f->tail - f->head >= rq->depth))
			return __lcx_runq_refuse(rq);
		f->slot[f->tail & rq->mask] = t;
		f->tail++;
		rq->local_posts++;
		return 0;
	}
	/* The ring's own mode: classic MP or RTS (LCX_RUNQ_F_RTS). */
	if (unlikely(rte_ring_enqueue_elem(rq->ring[prio], &t,
			sizeof(t)) != 0))
		return __lcx_runq_refuse(rq);
	return 0;
}

/** @internal Count n refused posts; out of line like __lcx_runq_refuse(). */
void __lcx_runq_refuse_n(struct lcx_runq *rq, unsigned int n);

/**
 * Post a batch of tasks to one run queue in one go: from another lcore
 * it is one ring enqueue, so a producer pays one atomic operation per
 * batch, not per task (rte_ring's burst enqueue).  On the owner it takes
 * the local path, with no atomic operation.  The tasks are queued in
 * order, after everything this producer posted before; as many as fit
 * are queued (DPDK's burst semantics), the rest are counted refused and
 * stay the caller's.
 *
 * @param rq
 *   The run queue.
 * @param tasks
 *   The tasks, copied by value.
 * @param n
 *   How many.
 * @param prio
 *   Priority class, below LCX_PRIO_MAX.
 * @return
 *   Number of tasks queued, 0 .. n: tasks[0 .. return - 1] are queued;
 *   less than n only when the class is full.
 */
static __rte_always_inline unsigned int
lcx_runq_post_burst(struct lcx_runq *rq, const struct lcx_task *tasks,
		unsigned int n, enum lcx_prio prio)
{
	unsigned int done, i;

	LCX_ASSERT(prio < LCX_PRIO_MAX);
	if (rte_lcore_id() == rq->owner) {
		struct __lcx_fifo *f = &rq->local[prio];

		done = RTE_MIN(n, rq->depth - (f->tail - f->head));
		for (i = 0; i < done; i++)
			f->slot[(f->tail + i) & rq->mask] = tasks[i];
		f->tail += done;
		rq->local_posts += done;
	} else {
		done = rte_ring_enqueue_burst_elem(rq->ring[prio], tasks,
				sizeof(tasks[0]), n, NULL);
	}
	if (unlikely(done < n))
		__lcx_runq_refuse_n(rq, n - done);
	return done;
}

/**
 * Run queued tasks: owner only.  High class first; a class passed over for
 * starve_limit rounds while it had work runs one task first.
 *
 * @param rq
 *   The run queue.
 * @param budget
 *   Most tasks to run in this round (>= 1).
 * @param deadline
 *   TSC value after which no further task starts, or 0 for none.  At least
 *   one task runs when any is pending.
 * @return
 *   Number of tasks run.
 */
unsigned int lcx_runq_run(struct lcx_runq *rq, unsigned int budget,
		uint64_t deadline);

/**
 * Run every queued task, including those the tasks post, until the queue is
 * empty: owner only (or any thread once the owner has stopped for good).
 *
 * @param rq
 *   The run queue.
 * @return
 *   Number of tasks run.
 */
unsigned int lcx_runq_drain(struct lcx_runq *rq);

/**
 * Number of tasks queued, approximate while producers post.
 *
 * @param rq
 *   The run queue.
 * @return
 *   Queued tasks over all classes and both paths.
 */
unsigned int lcx_runq_count(const struct lcx_runq *rq);

/**
 * Read the counters.
 *
 * @param rq
 *   The run queue.
 * @param st
 *   Filled in.
 */
void lcx_runq_stats_get(const struct lcx_runq *rq, struct lcx_runq_stats *st);

/* ---- Calls with a reply ------------------------------------------------ */

/** Function run by a call on the target; its return value is the result. */
typedef int (*lcx_call_fn)(void *arg);

struct lcx_call;
/** Completion of a call, run on the caller's run queue. */
typedef void (*lcx_call_done_fn)(struct lcx_call *call);

/**
 * An asynchronous call: run fn(arg) on the target run queue's owner, then
 * done(call) on reply_to's owner (Seastar's submit_to).  The caller owns
 * the memory and must keep it until done runs.
 */
struct lcx_call {
	lcx_call_fn fn;
	void *arg;
	lcx_call_done_fn done;
	struct lcx_runq *reply_to;
	enum lcx_prio prio;
	int result;            /**< fn's return value, valid in done */
	void *user;            /**< free for the caller */
};

/**
 * Start an asynchronous call.
 *
 * @param to
 *   Run queue whose owner runs call->fn.
 * @param call
 *   Filled in by the caller (fn, arg, done, reply_to, prio).
 * @return
 *   0 on success; -ENOBUFS when the target class is full (nothing is
 *   queued and done will not run); -EINVAL when fn, done or reply_to is NULL.
 *   The reply is retried until it fits: a full reply queue delays it, never
 *   loses it.
 */
int lcx_runq_call(struct lcx_runq *to, struct lcx_call *call);

/**
 * Run fn(arg) on the owner of @p to and wait for its result, from a thread
 * that is not that owner (typically a control thread).  Sleeps between
 * checks, so it does not burn the caller's core.
 *
 * @param to
 *   Target run queue.
 * @param fn
 *   Function to run there.
 * @param arg
 *   Its argument.
 * @param timeout_us
 *   How long to wait, in microseconds.
 * @param result
 *   fn's return value on success; may be NULL.
 * @return
 *   0 on success; -ETIMEDOUT when fn had not finished in time (it may still
 *   run later, its record is freed then); -ENOBUFS when the target is full;
 *   -EDEADLK when called on the owner itself; -ENOMEM; -EINVAL.
 */
int lcx_runq_call_wait(struct lcx_runq *to, lcx_call_fn fn, void *arg,
		uint64_t timeout_us, int *result);

#ifdef __cplusplus
}
#endif

#endif /* LCX_RUNQ_H */
