/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_CTX_H
#define LCX_CTX_H

/**
 * @file
 * The execution context of one worker lcore: its state machine, limits,
 * counters, run queue, timers, RX queues, TX buffers and mbuf pool.
 *
 * Ownership: everything below "owner" is written by the owning lcore only;
 * readers on other threads sum or sample it.  Other threads reach a context
 * through its run queue (lcx_ctx_post()), never by writing its fields.  The
 * exceptions are the state word (the watchdog may move a context to ERROR)
 * and the stop request, both single words written with atomics.
 *
 * Contexts are created and destroyed by the manager (lcx_mgr.h); code that
 * runs on a context's lcore (handlers, tasks) includes lcx_ctx_worker.h,
 * the fast path.
 */

#include <stdint.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_per_lcore.h>
#include <rte_ring.h>
#include <rte_spinlock.h>
#include <string.h>

#include "lcx_common.h"
#include "lcx_runq.h"
#include "lcx_timer.h"
#include "lcx_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Context states.  See lcx_ctx_state_set() for the transitions. */
enum lcx_ctx_state {
	LCX_CTX_READY = 0,  /**< created, resources assigned, loop not running */
	LCX_CTX_RUNNING,    /**< loop polling */
	LCX_CTX_BLOCKED,    /**< loop parked: idle sleep or paused */
	LCX_CTX_COMPLETED,  /**< loop left cleanly, resources drained */
	LCX_CTX_ERROR,      /**< stalled past the watchdog limit, or fatal fault */
	LCX_CTX_STATE_MAX,
};

/** Idle strategies of the loop. */
enum lcx_idle_mode {
	LCX_IDLE_BUSY = 0,  /**< poll without pause: lowest latency, a full core */
	LCX_IDLE_PAUSE,     /**< rte_pause() after an empty iteration */
	LCX_IDLE_ADAPTIVE,  /**< after park_after empty iterations, sleep (BLOCKED) */
};

/** Per-context resource limits. */
struct lcx_limits {
	uint16_t max_rxq;        /**< RX queues the context may own */
	uint32_t pool_size;      /**< mbufs in its pool; 0: no pool of its own */
	uint32_t runq_depth;     /**< tasks each run-queue class holds */
	uint32_t tasks_per_iter; /**< most tasks run per loop iteration */
	/** TSC cycles of an iteration after which no task starts; 0: none */
	uint64_t cycle_budget;
	uint64_t tx_rate_pps;    /**< TX packets per second; 0: unlimited */
};

/** Drop reasons counted by the context itself (handlers count their own). */
#define foreach_lcx_ctx_drop(_)                                   \
	_(TX_FULL, "tx-full")     /* device TX queue refused */    \
	_(NO_TXQ, "no-txq")       /* no TX queue on the out port */ \
	_(TX_RATE, "tx-rate")     /* over limits.tx_rate_pps */     \
	_(FLUSH, "flush")         /* freed at teardown */

enum lcx_ctx_drop {
#define _(sym, str) LCX_CTX_DROP_ ## sym,
	foreach_lcx_ctx_drop(_)
#undef _
	LCX_CTX_DROP_MAX,
};

/** Counters: written by the owner only. */
struct lcx_ctx_stats {
	uint64_t iterations;
	uint64_t busy_cycles;    /**< TSC cycles of iterations that did work */
	uint64_t idle_cycles;    /**< TSC cycles of empty iterations and sleeps */
	uint64_t rx_packets;
	uint64_t handoff_in;     /**< packets taken from handoff rings */
	uint64_t tx_packets;
	/** packets sent on a TX queue shared with other contexts */
	uint64_t tx_shared;
	/** bursts that found the shared TX queue's lock taken */
	uint64_t tx_lock_waits;
	uint64_t tx_lock_cycles; /**< TSC cycles spent waiting for it */
	uint64_t dropped;        /**< all drops: sum of drop[] and handler drops */
	uint64_t drop[LCX_CTX_DROP_MAX];
	uint64_t tasks_run;
	uint64_t timers_fired;
	uint64_t parks;          /**< times the adaptive idle parked the loop */
};

/** An RX queue polled by a context. */
struct lcx_ctx_rxq {
	struct lcx_port *port;
	uint16_t queue;
	uint16_t out_port;       /**< default output: the paired port (0<->1, 2<->3) */
	/** TSC cycles of its non-empty polls and their processing (owner
	 * writes; the rebalancer reads and zeroes them in a task) */
	uint64_t cycles;
	uint64_t packets;        /**< packets polled, same accounting */
};

#define LCX_TX_BUF (2 * LCX_BURST)

/** Most contexts a context receives handed-off packets from. */
#define LCX_MAX_HANDOFF_IN 16

/**
 * The context's TX queue on one port, with its buffer.  A port with fewer
 * TX queues than contexts has some queues shared: their users send under
 * the queue's lock (DPDK's rte_eth_tx_burst() is not thread-safe on one
 * queue); a queue of its own is sent on without one.
 */
struct lcx_ctx_txq {
	struct lcx_port *port;   /**< NULL: no TX queue on this port */
	uint16_t queue;
	uint16_t n;
	/** NULL: the queue is the context's alone; else the lock its
	 * sharers take around each device burst. */
	rte_spinlock_t *lock;
	struct rte_mbuf *buf[LCX_TX_BUF];
} __rte_cache_aligned;

struct lcx_ctx;

/**
 * Burst hook: what the loop does with a received burst (the handler
 * pipeline installs itself here).  It must dispose of every mbuf: buffer it
 * for TX, hand it off, hold it, or free it and count the drop.
 */
typedef void (*lcx_ctx_burst_fn)(struct lcx_ctx *ctx,
		const struct lcx_ctx_rxq *rxq, struct rte_mbuf **pkts, uint16_t n);

/** Configuration of a new context; lcx_ctx_conf_init() fills defaults. */
struct lcx_ctx_conf {
	char name[32];           /**< unique; empty: "ctx<id>" */
	unsigned int lcore;      /**< lcore to own, or LCORE_ID_ANY */
	int socket;              /**< required socket, or SOCKET_ID_ANY */
	struct lcx_limits limits;
	enum lcx_idle_mode idle;
	uint32_t park_after;     /**< adaptive: empty iterations before parking */
	uint32_t sleep_us;       /**< adaptive: length of the first parked sleep */
	/** adaptive: naps double up to this; 0 or sleep_us: fixed naps */
	uint32_t sleep_max_us;
	uint32_t starve_limit;   /**< run queue K, see lcx_runq_create() */
	unsigned int runq_flags; /**< LCX_RUNQ_F_RTS; the manager sets it when lcores share a CPU */
	uint32_t max_timers;     /**< timers armed at once */
};

/** The execution context. */
struct lcx_ctx {
	/* ---- Hot, owner: read every iteration. ---- */
	struct lcx_runq *runq;
	lcx_ctx_burst_fn burst_fn;   /**< NULL: forward to rxq->out_port */
	void *burst_arg;             /**< the pipeline */
	uint32_t state;              /**< enum lcx_ctx_state; atomic */
	uint32_t stop_req;           /**< set by lcx_ctx_stop_request(); atomic */
	uint16_t nb_rxq;
	uint16_t nb_handoff_in;
	uint16_t tx_dirty;           /**< bit per port with buffered TX */
	uint16_t ho_size;            /**< handoff group size; 0: in none */
	uint16_t ho_self;            /**< member index in the handoff group */
	uint32_t empty_iters;
	enum lcx_idle_mode idle;
	uint32_t park_after;
	uint64_t sleep_cycles;
	uint64_t sleep_max_cycles;   /**< adaptive: longest nap */
	/** 1 while the loop is inside an RX burst call: failover waits for
	 * 0 (after a membarrier) before another context polls the queue */
	uint32_t rx_polling;
	uint64_t tx_tokens;          /**< TX rate limiter bucket */
	uint64_t tx_last_tsc;
	struct lcx_limits limits;
	struct lcx_timers timers;
	/** packets from handoff rings; NULL: forward to mbuf->port's pair */
	lcx_ctx_burst_fn handoff_fn;
	struct lcx_ctx_rxq rxq[LCX_MAX_CTX_RXQ];
	struct rte_ring *handoff_in[LCX_MAX_HANDOFF_IN]; /**< SP/SC rings from other contexts */

	/* ---- Counters: owner writes, readers sample. ---- */
	struct lcx_ctx_stats stats __rte_cache_aligned;

	/* ---- Heartbeat: owner stores, watchdog loads; own line. ---- */
	uint64_t heartbeat __rte_cache_aligned;

	/* ---- TX buffers, one per port. ---- */
	struct lcx_ctx_txq txq[LCX_MAX_PORTS];

	/* ---- Cold: set at creation, read by the control plane. ---- */
	uint32_t id;
	unsigned int lcore;
	int socket;
	char name[32];
	struct rte_mempool *pool;    /**< its own mbuf pool, NULL if pool_size 0 */
	uint64_t trans[LCX_CTX_STATE_MAX][LCX_CTX_STATE_MAX]; /**< transitions made; atomic */
	uint64_t state_tsc[LCX_CTX_STATE_MAX]; /**< TSC of the last entry into each state */
	uint64_t refused_trans;      /**< illegal transitions asked for */
} __rte_cache_aligned;

_Static_assert(offsetof(struct lcx_ctx, stats) % RTE_CACHE_LINE_SIZE == 0,
	"owner counters start a cache line");
_Static_assert(offsetof(struct lcx_ctx, heartbeat) % RTE_CACHE_LINE_SIZE == 0,
	"heartbeat sits alone on its line");

/**
 * Fill a configuration with defaults: any lcore, any socket, adaptive idle
 * (park after 1024 empty iterations, naps of 100 us doubling to 1000 us
 * while nothing comes), run queue 1024 deep,
 * 32 tasks per iteration, K = 8, 64 timers, 8 RX queues, 8191 mbufs.
 *
 * @param conf
 *   Filled in.
 */
void lcx_ctx_conf_init(struct lcx_ctx_conf *conf);

/**
 * Create a context the caller owns: allocate it on its socket, then
 * initialize its run queue, timers and mbuf pool.  State READY.  The
 * manager creates every context it runs this way (lcx_mgr_ctx_create());
 * called directly, it makes an unmanaged context, for tests and for
 * embedding the loop in another program's thread (lcx_loop_iterate()).
 * Ids come from one process-wide sequence and are never reused.
 *
 * @param conf
 *   Configuration; conf->lcore LCORE_ID_ANY means the calling lcore,
 *   conf->socket SOCKET_ID_ANY the socket of that lcore.
 * @return
 *   The context, or NULL with lcx_errno:
 *   - EINVAL: conf NULL, or its limits or idle settings out of range;
 *   - LCX_EALLOC: no memory for the context structure;
 *   - LCX_EINIT: its run queue or timer heap could not be made;
 *   - LCX_ERESINIT: its mbuf pool could not be made (limits.pool_size
 *     mbufs on its socket: the message names both).
 */
struct lcx_ctx *lcx_ctx_create(const struct lcx_ctx_conf *conf);

/**
 * Free a context that no lcore runs: free the mbufs in its TX buffers
 * (counted as FLUSH drops), discard queued tasks, free its timers and its
 * pool.  A pool with mbufs still out must be taken first (set ctx->pool
 * to NULL) and freed once they are back.  A context of the manager is
 * destroyed with lcx_mgr_ctx_destroy() instead.
 *
 * @param ctx
 *   The context; NULL is a no-op.
 * @return
 *   Number of queued tasks discarded.
 */
unsigned int lcx_ctx_free(struct lcx_ctx *ctx);

/**
 * Give a context that is not running an RX queue to poll, for contexts
 * set up by hand (the manager's placement does this for its own).
 *
 * @param ctx
 *   The context; not running.
 * @param port
 *   The port.
 * @param queue
 *   Its RX queue.
 * @param out_port
 *   Default output of the queue's packets (lcx port index).
 * @return
 *   0; -EINVAL (NULL, queue or out_port out of range); -EBUSY (the context
 *   runs); -EEXIST (it polls that queue already); -ENOSPC (limits.max_rxq
 *   queues already).
 */
int lcx_ctx_rxq_add(struct lcx_ctx *ctx, struct lcx_port *port, uint16_t queue,
		uint16_t out_port);

/**
 * Give a context that is not running its TX queue on a port, as its own
 * (sent on without a lock; lcx_ctx_txq_share() makes it shared).
 *
 * @param ctx
 *   The context; not running.
 * @param port
 *   The port; its lcx index selects the TX buffer.
 * @param queue
 *   TX queue of the port the context sends on.
 * @return
 *   0; -EINVAL (NULL, or queue out of range); -EBUSY (the context runs).
 */
int lcx_ctx_txq_set(struct lcx_ctx *ctx, struct lcx_port *port,
		uint16_t queue);

/**
 * Share (or stop sharing) the context's TX queue on a port: with a lock,
 * each device burst on it is taken under the lock, which every context
 * sending on that queue must use; with NULL, the context sends without
 * one (the queue must then be its alone).  The TX buffer stays the
 * context's.  The manager does this when a port has fewer TX queues than
 * contexts (doc/ports.md); code that sets contexts up by hand calls it
 * after lcx_ctx_txq_set().
 *
 * @param ctx
 *   The context; not running, or the caller is its loop (a task).
 * @param port
 *   Port index; the context has a TX queue there.
 * @param lock
 *   The queue's lock, shared by its users; NULL: not shared.
 * @return
 *   0; -EINVAL (NULL ctx, port out of range or without a TX queue of the
 *   context); -EBUSY (a loop runs the context and the caller is not it).
 */
int lcx_ctx_txq_share(struct lcx_ctx *ctx, uint16_t port,
		rte_spinlock_t *lock);

/**
 * Name of a state.
 *
 * @param s
 *   A state.
 * @return
 *   "READY", "RUNNING", ...; "?" when out of range.
 */
const char *lcx_ctx_state_name(enum lcx_ctx_state s);

/**
 * Name of a context drop reason.
 *
 * @param d
 *   A reason.
 * @return
 *   "tx-full", ...; "?" when out of range.
 */
const char *lcx_ctx_drop_name(enum lcx_ctx_drop d);

/**
 * Whether a transition is legal.  The table:
 *
 *     READY     -> RUNNING | COMPLETED | ERROR
 *     RUNNING   -> BLOCKED | COMPLETED | ERROR
 *     BLOCKED   -> RUNNING | COMPLETED | ERROR
 *     COMPLETED -> READY               (relaunch)
 *     ERROR     -> COMPLETED           (cleaned up after the fault)
 *
 * @param from
 *   Current state.
 * @param to
 *   Wanted state.
 * @return
 *   1 if legal, 0 otherwise.
 */
int lcx_ctx_state_legal(enum lcx_ctx_state from, enum lcx_ctx_state to);

/**
 * Current state.
 *
 * @param ctx
 *   The context.
 * @return
 *   Its state.
 */
static inline enum lcx_ctx_state
lcx_ctx_state_get(const struct lcx_ctx *ctx)
{
	return (enum lcx_ctx_state)__atomic_load_n(&ctx->state, __ATOMIC_ACQUIRE);
}

/**
 * Move a context to a new state; counted and time-stamped.  Safe against a
 * concurrent transition (the watchdog's): the check and the change are one
 * compare-and-swap.
 *
 * @param ctx
 *   The context.
 * @param to
 *   Wanted state.
 * @return
 *   0; -EPERM (illegal from the current state: nothing changes, the refusal
 *   is counted); -EINVAL (NULL or out of range).
 */
int lcx_ctx_state_set(struct lcx_ctx *ctx, enum lcx_ctx_state to);

/**
 * Move a context from a given state only: a compare-and-swap transition.
 *
 * @param ctx
 *   The context.
 * @param from
 *   State the context must be in.
 * @param to
 *   Wanted state.
 * @return
 *   0; -EAGAIN (not in @p from: nothing changes); -EPERM (illegal
 *   transition); -EINVAL.
 */
int lcx_ctx_state_move(struct lcx_ctx *ctx, enum lcx_ctx_state from,
		enum lcx_ctx_state to);

/**
 * Ask the loop to stop; it finishes its iteration, flushes, drains its run
 * queue and moves to COMPLETED.
 *
 * @param ctx
 *   The context.
 */
static inline void
lcx_ctx_stop_request(struct lcx_ctx *ctx)
{
	__atomic_store_n(&ctx->stop_req, 1, __ATOMIC_RELEASE);
}

/**
 * Post a task to a context's run queue.
 *
 * @param ctx
 *   Target context.
 * @param fn
 *   Task function, run on the context's lcore.
 * @param arg
 *   Its argument.
 * @param prio
 *   Priority class.
 * @return
 *   0; -ENOBUFS (run queue class full).
 */
static __rte_always_inline int
lcx_ctx_post(struct lcx_ctx *ctx, lcx_task_fn fn, void *arg, enum lcx_prio prio)
{
	return lcx_runq_post(ctx->runq, fn, arg, prio);
}

/**
 * Run fn(arg) on @p to and wait for the result: for control threads.
 *
 * @param to
 *   Target context; its loop must be running to answer.
 * @param fn
 *   Function.
 * @param arg
 *   Argument.
 * @param timeout_us
 *   How long to wait.
 * @param result
 *   fn's return value; may be NULL.
 * @return
 *   As lcx_runq_call_wait(): 0, -ETIMEDOUT, -ENOBUFS, -EDEADLK, -ENOMEM.
 */
int lcx_ctx_call_wait(struct lcx_ctx *to, lcx_call_fn fn, void *arg,
		uint64_t timeout_us, int *result);

/**
 * Read a context's counters (a consistent-enough copy for reporting:
 * each field is one 64-bit load).
 *
 * @param ctx
 *   The context.
 * @param st
 *   Filled in.
 */
void lcx_ctx_stats_get(const struct lcx_ctx *ctx, struct lcx_ctx_stats *st);

/* ---- Idle strategy names ---------------------------------------------- */

/**
 * Name of an idle strategy, as users type it.
 *
 * @param m
 *   A strategy.
 * @return
 *   "busy", "pause" or "adaptive"; NULL when out of range, so a caller
 *   can list them all by counting up from 0.
 */
const char *lcx_idle_mode_name(enum lcx_idle_mode m);

/**
 * Idle strategy of a name.
 *
 * @param name
 *   "busy", "pause" or "adaptive".
 * @return
 *   The strategy (>= 0); -ENOENT (no such name); -EINVAL (name NULL).
 */
int lcx_idle_mode_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* LCX_CTX_H */
