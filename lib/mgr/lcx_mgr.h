/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_MGR_H
#define LCX_MGR_H

/**
 * @file
 * The context manager: reads the topology, creates and destroys contexts,
 * launches their loops on lcores and watches their heartbeats; moves RX
 * queues between contexts at run time.  The ports and the first placement
 * of their queues are in lcx_place.h.
 *
 * Create:  allocate (free lcore, requested socket) -> initialize (run
 *          queue, timers, pool) -> register (table) -> monitor (watchdog)
 *          -> READY.
 * Destroy: stop monitoring -> remove from the table -> clean up (stop the
 *          loop, flush TX, drain the run queue) -> recycle (lcore free again).
 *
 * Control-plane functions are not for the fast path: they take the
 * manager's mutex (shared with the watchdog thread).  Call them from one
 * control thread, or serialise them; a pointer returned by a lookup is
 * valid until that context is destroyed.
 *
 * The watchdog runs in a control thread (rte_ctrl_thread_create), not on
 * an lcore, so a process may run with a single lcore (-l 0) whose context
 * runs on the main thread through lcx_mgr_run_main().
 */

#include <stdint.h>
#include <stdio.h>

#include "lcx_common.h"
#include "lcx_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Manager configuration; lcx_mgr_conf_init() fills the defaults. */
struct lcx_mgr_conf {
	uint32_t watch_interval_ms; /**< watchdog period; 0: no watchdog thread */
	uint32_t hb_timeout_ms;     /**< heartbeat silence that moves a context to ERROR */
	/** the watchdog hands the RX queues of a context in ERROR to the
	 * others (lcx_mgr_ctx_failover()); needs the watchdog thread */
	uint8_t failover;
};

/** One lcore of the topology. */
struct lcx_topo_lcore {
	unsigned int lcore;  /**< EAL lcore id */
	int socket;          /**< NUMA node (0 on a machine without NUMA) */
	int cpu;             /**< first CPU of its cpuset */
	uint8_t is_main;     /**< the EAL main lcore */
	uint8_t used;        /**< a context owns it */
};

/**
 * Defaults: watchdog every 10 ms, heartbeat timeout 1000 ms, failover on.
 *
 * @param conf
 *   Filled in.
 */
void lcx_mgr_conf_init(struct lcx_mgr_conf *conf);

/**
 * Start the manager, after rte_eal_init(): read the topology (EAL lcores,
 * libnuma when NUMA is available, a single node otherwise) and start the
 * watchdog thread.
 *
 * @param conf
 *   Configuration, or NULL for the defaults.
 * @return
 *   0; -EALREADY (started); -LCX_EENV (EAL not initialised, or the control
 *   thread could not be created).
 */
int lcx_mgr_init(const struct lcx_mgr_conf *conf);

/**
 * Stop every context, destroy them all, stop the watchdog.
 *
 * @return
 *   0; -LCX_EENV (not started).
 */
int lcx_mgr_fini(void);

/**
 * Copy the topology.
 *
 * @param out
 *   Room for max entries, in lcore order.
 * @param max
 *   Size of out.
 * @return
 *   Number of EAL lcores (may exceed max; only max are copied).
 */
unsigned int lcx_mgr_topo_get(struct lcx_topo_lcore *out, unsigned int max);

/**
 * Print the topology, one line per lcore.
 *
 * @param f
 *   Output stream.
 */
void lcx_mgr_topo_dump(FILE *f);

/**
 * Create a context: allocate, initialise, register, monitor.  State READY.
 *
 * Lcore choice with conf->lcore == LCORE_ID_ANY: the lowest free worker
 * lcore (on conf->socket when one is asked), the main lcore last.
 *
 * @param conf
 *   Configuration (lcx_ctx_conf_init() defaults), or NULL for defaults.
 * @return
 *   The context, or NULL with lcx_errno:
 *   - EINVAL: conf->lcore is not an EAL lcore, socket out of range, bad
 *     limits, or a duplicate name;
 *   - LCX_EALLOC: no free lcore (on the asked socket), the lcore asked has a
 *     context, the table holds LCX_MAX_CONTEXTS, or no memory for it;
 *   - LCX_ERESINIT: its run queue, timers or pool could not be made;
 *   - LCX_EENV: the manager is not started;
 *   - ETIMEDOUT, ENOBUFS: a running context whose TX queue it must share
 *     (placed ports with fewer TX queues than contexts) did not switch to
 *     the queue's lock in time.
 */
struct lcx_ctx *lcx_mgr_ctx_create(const struct lcx_ctx_conf *conf);

/**
 * Destroy a context: stop monitoring, remove, clean up (stop its loop and
 * wait for it, flush TX, run its queued tasks), recycle its lcore.
 *
 * @param id
 *   Context id.
 * @return
 *   0; -LCX_ENOCTX (no such context, e.g. destroyed already); -EDEADLK
 *   (called from the context's own lcore).
 */
int lcx_mgr_ctx_destroy(uint32_t id);

/**
 * Find a context by id.
 *
 * @param id
 *   Context id.
 * @return
 *   The context, or NULL with lcx_errno = LCX_ENOCTX.
 */
struct lcx_ctx *lcx_mgr_ctx_lookup(uint32_t id);

/**
 * Find a context by name.
 *
 * @param name
 *   Context name.
 * @return
 *   The context, or NULL with lcx_errno = LCX_ENOCTX (or EINVAL for NULL).
 */
struct lcx_ctx *lcx_mgr_ctx_lookup_by_name(const char *name);

/**
 * Contexts in the table.
 *
 * @param out
 *   Room for max pointers, in creation order; may be NULL when max is 0.
 * @param max
 *   Size of out.
 * @return
 *   Number of contexts (may exceed max).
 */
unsigned int lcx_mgr_ctx_list(struct lcx_ctx **out, unsigned int max);

/**
 * Launch a context's loop on its worker lcore.  A COMPLETED context is
 * made READY and launched again.
 *
 * @param id
 *   Context id.
 * @return
 *   0; -LCX_ENOCTX; -EBUSY (already running, or its lcore is the main
 *   lcore: run it with lcx_mgr_run_main()); -EPERM (state ERROR).
 */
int lcx_mgr_ctx_start(uint32_t id);

/**
 * Ask a context's loop to stop (returns at once).
 *
 * @param id
 *   Context id.
 * @return
 *   0; -LCX_ENOCTX.
 */
int lcx_mgr_ctx_stop(uint32_t id);

/**
 * Pause a running context from another thread: a task on its run queue
 * flushes TX and parks the loop BLOCKED (napping 100 us at a time, beating
 * its heartbeat) until lcx_mgr_ctx_resume() or a stop.  Meanwhile it polls
 * no RX queue and runs no other task or timer; an RX queue move to or from
 * it times out.  Defined in lib/mgr/pause.c.
 *
 * @param id
 *   Context id.
 * @return
 *   0 once the context is parked; -LCX_ENOCTX; -EPERM (not RUNNING or
 *   BLOCKED, or asked to stop); -EALREADY (paused, or a pause is pending);
 *   -EDEADLK (called from the context itself); -ENOBUFS (its run queue is
 *   full); -ETIMEDOUT (it did not get to the task within a second: the
 *   pause stays pending and takes effect when it does).
 */
int lcx_mgr_ctx_pause(uint32_t id);

/**
 * Resume a context paused by lcx_mgr_ctx_pause(), or cancel a pending
 * pause.
 *
 * @param id
 *   Context id.
 * @return
 *   0 once the loop runs again (at once when called from the context
 *   itself); -LCX_ENOCTX; -EALREADY (not paused); -ETIMEDOUT (the pause
 *   has not left within a second: it leaves when the context gets to it).
 */
int lcx_mgr_ctx_resume(uint32_t id);

/**
 * Whether a context is paused or has a pause pending.
 *
 * @param id
 *   Context id.
 * @return
 *   1 paused or pending; 0 not; -LCX_ENOCTX.
 */
int lcx_mgr_ctx_paused(uint32_t id);

/**
 * Wait for a launched context's loop to return.
 *
 * @param id
 *   Context id.
 * @return
 *   The loop's return (0 COMPLETED, -EFAULT ERROR), 0 when not launched;
 *   -LCX_ENOCTX.
 */
int lcx_mgr_ctx_wait(uint32_t id);

/**
 * Launch every READY or COMPLETED context on a worker lcore.
 *
 * @return
 *   Number launched, or a negative error from the first that failed.
 */
int lcx_mgr_start_all(void);

/**
 * Run, on the calling (main) thread, the loop of the context that owns the
 * main lcore, until it is stopped.  Returns at once when there is none.
 *
 * @return
 *   The loop's return; -LCX_ENOCTX (no context on the main lcore); -EINVAL
 *   (not called on the main lcore).
 */
int lcx_mgr_run_main(void);

/**
 * Ask every context to stop.  Async-signal-safe: it only stores flags.
 */
void lcx_mgr_stop_all(void);

/**
 * Wait for every launched context.
 *
 * @return
 *   0 when every loop ended COMPLETED; -EFAULT when one ended in ERROR.
 */
int lcx_mgr_wait_all(void);

/**
 * Contexts the watchdog moved to ERROR since start.
 *
 * @return
 *   Count.
 */
uint64_t lcx_mgr_watchdog_errors(void);

/**
 * Move RX queue (port, queue) to another context, at run time, losing and
 * duplicating nothing: the owner stops polling it at a burst boundary and
 * acknowledges through the run queue; only then does the new owner start.
 * Packets wait in the device queue meanwhile.  The ports are the
 * placement's (lcx_place.h).
 *
 * @param port
 *   lcx port index.
 * @param queue
 *   RX queue.
 * @param to_ctx
 *   Id of the new owner.
 * @return
 *   0; -LCX_ENOCTX (no such context); -EINVAL (no such port or queue,
 *   or the port is not placed); -ENOSPC (the new owner polls max_rxq
 *   queues); -ETIMEDOUT (an owner did not answer within a second: when
 *   the old owner is silent the queue stays where it was; when the new
 *   owner is silent the queue is unpolled until it answers); -EALREADY
 *   (it owns it); -EDEADLK (called from a task of one of the two).
 */
int lcx_mgr_rxq_move(uint16_t port, uint16_t queue, uint32_t to_ctx);

/** Unpolled time of RX queue moves (lcx_mgr_rxq_move_stats()). */
struct lcx_mgr_move_stats {
	uint64_t moves;          /**< moves completed since the last reset */
	uint64_t failed;         /**< moves refused or timed out */
	uint64_t samples;        /**< moves the figures below are taken over
				      (the last LCX_MOVE_SAMPLES) */
	uint64_t unpolled_median_ns; /**< remove acknowledged -> added */
	uint64_t unpolled_max_ns;
	uint64_t unpolled_min_ns;
};

/** Unpolled times kept for the median. */
#define LCX_MOVE_SAMPLES 8192

/**
 * Unpolled time per move: from the instant the old owner removed the queue
 * (TSC read in its remove task) to the instant the new owner added it
 * (TSC read in its add task).  Moves between contexts that do not run are
 * counted too (they are edited in place).
 *
 * @param st
 *   Filled in.
 * @param reset
 *   Non-zero: clear the counters after reading them.
 */
void lcx_mgr_rxq_move_stats(struct lcx_mgr_move_stats *st, int reset);

/**
 * Move away every RX queue a context polls, each to the other context
 * with the fewest queues (not one asked to stop), through the
 * lcx_mgr_rxq_move() handshake.  lcx_mgr_ctx_destroy() calls it first.
 *
 * @param ctx_id
 *   The context.
 * @return
 *   0; -LCX_ENOCTX; or lcx_mgr_rxq_move()'s error.  With no other context
 *   the queues stay unpolled (packets wait in the device).
 */
int lcx_mgr_ctx_evacuate(uint32_t ctx_id);

/* ---- Failover of a stalled context (lib/mgr/watchdog.c) ----------------
 *
 * The watchdog moves a silent context to ERROR; with conf.failover (the
 * default) its next pass takes that context's RX queues without its help
 * and hands them to the others, where placement puts them (today: the
 * context with the fewest queues).  How ownership passes while the stuck
 * loop may wake in the middle of a burst: doc/placement.md, "Failover".
 */

/** Failover counters and the last take-over. */
struct lcx_mgr_failover_stats {
	uint64_t failovers;       /**< contexts whose queues were taken */
	uint64_t queues_moved;    /**< queues handed to another context */
	uint64_t queues_unplaced; /**< queues no context could take (unpolled) */
	uint32_t last_ctx;        /**< id of the last context taken over */
	uint32_t last_queues;     /**< queues moved from it */
	uint64_t last_take_ns;    /**< its ERROR state to its last queue added */
};

/**
 * Read the failover counters.
 *
 * @param st
 *   Filled in.
 */
void lcx_mgr_failover_stats(struct lcx_mgr_failover_stats *st);

/**
 * Take the RX queues of a context in ERROR now and hand them to the
 * others; the watchdog does this on its own when conf.failover is set.
 * The context's loop, if it wakes, polls none of them again.
 *
 * @param id
 *   Context id.
 * @return
 *   0 (done, or it owned no queue); -LCX_ENOCTX; -EINVAL (not in ERROR);
 *   -EBUSY (its loop stayed inside an RX call for 100 ms: try again);
 *   -ENOTSUP (the kernel has no membarrier(2): the queues stay with it).
 */
int lcx_mgr_ctx_failover(uint32_t id);

/**
 * Bring a context in ERROR whose loop has left back to COMPLETED, keeping
 * only the queues failover did not take.  It can then be started again
 * (lcx_mgr_ctx_start()) or destroyed.  Its held mbufs were flushed on TX,
 * or dropped and counted, by its loop as it left.
 *
 * @param id
 *   Context id.
 * @return
 *   0; -LCX_ENOCTX; -EINVAL (not in ERROR); -EBUSY (its loop is still
 *   running: stuck, or not out yet).
 */
int lcx_mgr_ctx_recover(uint32_t id);

/* ---- end failover ---- */

/* ---- Automatic rebalancing (lib/mgr/rebalance.c) -------------------------
 *
 * A control thread samples each context's busy share and each RX queue's
 * share of a core every interval, and moves one queue at a time from the
 * busiest context to the idlest through lcx_mgr_rxq_move() when the
 * imbalance lasted `sustain` samples and the move lowers the variance of
 * the context loads by gain_pct.  Off until lcx_mgr_rebalance_start():
 * doc/operations-failover.md says why, and what the figures mean.
 */

/** Rebalancer settings; lcx_mgr_rebalance_conf_init() fills defaults. */
struct lcx_mgr_rebalance_conf {
	uint32_t interval_ms;   /**< sample period, >= 10 */
	uint32_t sustain;       /**< imbalanced samples in a row before acting, >= 1 */
	uint32_t busy_pct;      /**< the busiest context must be above this */
	uint32_t imbalance_pct; /**< ... and this many points above the idlest */
	uint32_t gain_pct;      /**< least drop of the load variance a move must bring */
	/** after a move: no decision, and no move of that queue, this long */
	uint32_t hold_ms;
	uint8_t dry_run;        /**< decide and log, never move */
	uint8_t manual;         /**< no thread: decisions only by lcx_mgr_rebalance_tick() */
};

/** What the rebalancer decided. */
enum lcx_rebalance_verdict {
	LCX_REBAL_NONE = 0,  /**< no decision yet */
	LCX_REBAL_WARMUP,    /**< fewer than two running contexts, or a first sample */
	LCX_REBAL_BALANCED,  /**< under busy_pct, or under imbalance_pct apart */
	LCX_REBAL_WAIT,      /**< imbalanced for fewer than sustain samples */
	LCX_REBAL_HOLD,      /**< imbalanced, within hold_ms of the last move */
	LCX_REBAL_NO_GAIN,   /**< no queue move lowers the variance by gain_pct */
	LCX_REBAL_DRY_RUN,   /**< would move port/queue to to_ctx */
	LCX_REBAL_MOVED,     /**< moved port/queue to to_ctx */
	LCX_REBAL_FAILED,    /**< the move failed: error */
};

/** One rebalancing decision, with the figures it was taken on.  Loads
 * are per mille of a core over the last interval. */
struct lcx_mgr_rebalance_decision {
	uint64_t seq;            /**< decisions since start, from 1 */
	enum lcx_rebalance_verdict verdict;
	int error;               /**< LCX_REBAL_FAILED: the move's -errno */
	uint32_t nb_ctx;         /**< running contexts considered */
	uint32_t interval_ms;    /**< measured interval */
	uint32_t busiest_ctx;    /**< id */
	uint32_t busiest_pm;     /**< its busy share */
	uint32_t idlest_ctx;     /**< id */
	uint32_t idlest_pm;
	uint32_t streak;         /**< imbalanced samples in a row, same busiest */
	uint16_t port;           /**< queue chosen; UINT16_MAX: none */
	uint16_t queue;
	uint32_t queue_pm;       /**< its share of a core */
	uint32_t to_ctx;         /**< destination; UINT32_MAX: none */
	uint64_t var_before;     /**< variance of the loads, per mille squared */
	uint64_t var_after;      /**< predicted after the best move */
	uint64_t moves;          /**< queues the rebalancer moved since start */
};

/**
 * Defaults: sample every 1000 ms, act after 3 samples with the busiest
 * context above 80 % busy and 25 points above the idlest, for a 25 %
 * lower load variance; hold 10 s after a move; not a dry run; a thread.
 *
 * @param conf
 *   Filled in.
 */
void lcx_mgr_rebalance_conf_init(struct lcx_mgr_rebalance_conf *conf);

/**
 * Start rebalancing (a control thread, unless conf->manual).
 *
 * @param conf
 *   Settings, or NULL for the defaults.
 * @return
 *   0; -EINVAL (interval_ms < 10, sustain 0, a percentage over 100);
 *   -EALREADY (started); -LCX_EENV (the thread could not be made).
 */
int lcx_mgr_rebalance_start(const struct lcx_mgr_rebalance_conf *conf);

/**
 * Stop rebalancing and wait for its thread.  lcx_mgr_fini() calls it.
 *
 * @return
 *   0; -ENOENT (not started).
 */
int lcx_mgr_rebalance_stop(void);

/**
 * Take one sample and decision now (the thread calls this every
 * interval; a manual rebalancer only through it).
 *
 * @param out
 *   The decision; may be NULL.
 * @return
 *   0 (whatever the verdict, except a failed move); -ENOENT (not
 *   started); the move's error (as lcx_mgr_rxq_move()), verdict FAILED.
 */
int lcx_mgr_rebalance_tick(struct lcx_mgr_rebalance_decision *out);

/**
 * The last decision, for telemetry and lcx-ctl.
 *
 * @param out
 *   Filled in.
 * @return
 *   0; -ENOENT (none since start); -EINVAL (out NULL).
 */
int lcx_mgr_rebalance_last(struct lcx_mgr_rebalance_decision *out);

/**
 * Name of a verdict.
 *
 * @param v
 *   A verdict.
 * @return
 *   "balanced", "moved", ...; "?" when out of range.
 */
const char *lcx_mgr_rebalance_verdict_name(enum lcx_rebalance_verdict v);

/* ---- end automatic rebalancing ---- */

#ifdef __cplusplus
}
#endif

#endif /* LCX_MGR_H */
