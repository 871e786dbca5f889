/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PLACE_PRIVATE_H
#define PLACE_PRIVATE_H

/*
 * State shared by place_port.c (ports, placement, pools), place_report.c
 * (the report) and migrate.c (the move handshake); the policies
 * (place_policy.c) are pure and need none of it.  Everything here is
 * guarded by mgr_place.lock, taken before the manager's own mutex when
 * both are needed, never after.  The one exception is mgr_rxq.owner,
 * which the contexts' tasks update with atomics (see migrate.c).
 */

#include <pthread.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "lcx_place.h"
#include "mgr_private.h"

/* mgr_rxq.owner of nobody. */
#define MGR_OWNER_NONE UINT32_MAX

/* Give up on a context that does not answer a move task. */
#define MGR_MOVE_TIMEOUT_US 1000000

/* One RX queue of a placed port. */
struct mgr_rxq {
	/* Id of the one context whose rxq[] holds the queue, or NONE.  Set
	 * NONE -> id by the add task and id -> NONE by the remove task, each
	 * with a compare-and-swap: a failed swap means two contexts would
	 * poll the queue (asserted in debug builds). */
	uint32_t owner;
	uint16_t port;
	uint16_t queue;
	struct rte_mempool *pool;  /* the pool it was set up with, for good */
	uint64_t removed_tsc;      /* remove task: when A let go */
	uint64_t added_tsc;        /* add task: when B took it */
};

/* One TX queue of a placed port: how many contexts send on it and, when
 * more than one, the lock they send under (lcx_ctx_txq_share()).  A line
 * each, so two queues' lock holders do not write one line. */
struct mgr_txq {
	rte_spinlock_t lock;
	uint16_t users;
} __rte_cache_aligned;

/* A port the manager opened. */
struct mgr_port {
	struct lcx_port *port;     /* NULL: free row */
	uint16_t nb_rxq_asked;     /* 0: one per context */
	uint16_t nb_rxq;           /* placed RX queues; 0: not placed */
	uint16_t nb_txq;
	struct mgr_txq txq[RTE_MAX_LCORE];
	struct mgr_rxq rxq[LCX_PLACE_MAX_RXQ];
};

/* A pool taken from a destroyed context, freed when no RX queue was set
 * up with it and all its mbufs are back (or at fini, ports closed). */
struct mgr_orphan {
	struct rte_mempool *pool;
	struct mgr_orphan *next;
};

struct mgr_place {
	pthread_mutex_t lock;
	struct mgr_port port[LCX_MAX_PORTS];  /* indexed by lcx port id */
	struct mgr_orphan *orphans;
	/* move statistics (migrate.c) */
	uint64_t moves;
	uint64_t failed;
	uint64_t nb_samples;       /* total recorded; ring of the last ones */
	uint64_t sample[LCX_MOVE_SAMPLES];
};

extern struct mgr_place mgr_place;

/* Whether a loop may be running the context (ask it through its run
 * queue) or none is (the control thread may edit it).  A context asked
 * to stop is waited for, up to the move timeout. */
int mgr_ctx_live(struct lcx_ctx *ctx);

/* Append q to / take q out of a context's rxq[], on its owner's lcore
 * or on a control thread when no loop runs it (0, -ENOSPC, -ENOENT). */
int mgr_rxq_add(struct lcx_ctx *ctx, struct mgr_rxq *q);
int mgr_rxq_remove(struct lcx_ctx *ctx, struct mgr_rxq *q);

/* Move q to @p to (NULL: leave it unpolled).  Place lock held. */
int mgr_rxq_move_locked(struct mgr_rxq *q, struct lcx_ctx *to);

/* Evacuate a context's queues.  Place lock held. */
int mgr_ctx_evacuate_locked(struct lcx_ctx *ctx);

/* ---- failover and rebalancing (migrate.c, watchdog.c, rebalance.c) ---- */
/* Where a queue of @p dying (may be NULL) should go: the one call to
 * re-point at a placement policy.  NULL: no context can take one. */
struct lcx_ctx *mgr_rxq_target(const struct lcx_ctx *dying);
/* Take the queues of a context in ERROR without its help (watchdog.c).
 * Place lock held.  0, -EBUSY (inside an RX call: retry), -ENOTSUP. */
int mgr_ctx_failover_locked(struct lcx_ctx *ctx);
/* ---- end failover and rebalancing ---- */

/* Paired output port of an lcx port: id ^ 1 when the manager has it. */
uint16_t mgr_out_port(uint16_t id);

#endif /* PLACE_PRIVATE_H */
