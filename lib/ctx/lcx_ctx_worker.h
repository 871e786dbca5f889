/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_CTX_WORKER_H
#define LCX_CTX_WORKER_H

/**
 * @file
 * The fast path of a context, for code that runs on its lcore: handlers,
 * tasks, timers and the loop.  Everything here is inline and owner-only
 * unless it says otherwise: no locks, no syscalls, no allocation.
 *
 * The control side (creating contexts, states, counters, calls from
 * control threads) is lcx_ctx.h; this header includes it, as DPDK's
 * rte_graph_worker.h sits on rte_graph.h.
 */

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "lcx_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @internal The context whose loop runs on this thread (lcx_ctx_self()). */
extern __thread struct lcx_ctx *__lcx_ctx_self;

/**
 * The context running on this thread.
 *
 * @return
 *   The context whose loop runs on the calling lcore, or NULL.
 */
static inline struct lcx_ctx *
lcx_ctx_self(void)
{
	return __lcx_ctx_self;
}

/**
 * Run call->fn on @p to, then call->done on the calling context.
 * call->reply_to is set here.  Only from a context's loop (tasks, handlers,
 * timers); a control thread uses lcx_ctx_call_wait().
 *
 * @param to
 *   Target context.
 * @param call
 *   fn, arg, done and prio filled in; kept by the caller until done runs.
 * @return
 *   0; -ENOBUFS (target full); -EINVAL (not on a context, or call incomplete).
 */
int lcx_ctx_call(struct lcx_ctx *to, struct lcx_call *call);

/* ---- TX, owner only --------------------------------------------------- */

/** Count a drop of n packets for reason r and free them. */
static __rte_always_inline void
lcx_ctx_drop(struct lcx_ctx *ctx, enum lcx_ctx_drop r, struct rte_mbuf **pkts,
		uint16_t n)
{
	ctx->stats.drop[r] += n;
	ctx->stats.dropped += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

/** @internal Admit up to n packets under the TX rate limit. */
uint16_t __lcx_ctx_tx_admit(struct lcx_ctx *ctx, uint16_t n);

/** @internal One device burst on a TX queue shared with other contexts:
 * under the queue's lock, counted in tx_shared (and the wait, if the lock
 * was taken, in tx_lock_waits/tx_lock_cycles).  Out of line, so the
 * lock-free path's code stays as it was. */
uint16_t __lcx_ctx_tx_shared(struct lcx_ctx *ctx, struct lcx_ctx_txq *txq,
		struct rte_mbuf **pkts, uint16_t n);

/**
 * @internal One device burst on the context's TX queue.  A queue of its
 * own costs one load and one predicted branch over lcx_port_tx_burst().
 */
static __rte_always_inline uint16_t
__lcx_ctx_tx_send(struct lcx_ctx *ctx, struct lcx_ctx_txq *txq,
		struct rte_mbuf **pkts, uint16_t n)
{
	if (likely(txq->lock == NULL))
		return lcx_port_tx_burst(txq->port, txq->queue, pkts, n);
	return __lcx_ctx_tx_shared(ctx, txq, pkts, n);
}

/** @internal Transmit n packets now on a TX queue; drop what does not fit. */
static __rte_always_inline void
__lcx_ctx_tx_now(struct lcx_ctx *ctx, struct lcx_ctx_txq *txq,
		struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t sent;

	if (unlikely(ctx->limits.tx_rate_pps != 0)) {
		uint16_t ok = __lcx_ctx_tx_admit(ctx, n);

		if (ok < n)
			lcx_ctx_drop(ctx, LCX_CTX_DROP_TX_RATE, pkts + ok, n - ok);
		n = ok;
	}
	sent = __lcx_ctx_tx_send(ctx, txq, pkts, n);
	ctx->stats.tx_packets += sent;
	if (unlikely(sent < n))
		lcx_ctx_drop(ctx, LCX_CTX_DROP_TX_FULL, pkts + sent, n - sent);
}

/**
 * Flush the TX buffer of one port.
 *
 * @param ctx
 *   The context (caller is its owner).
 * @param port
 *   Port index.
 */
static __rte_always_inline void
lcx_ctx_tx_flush(struct lcx_ctx *ctx, uint16_t port)
{
	struct lcx_ctx_txq *txq = &ctx->txq[port];

	if (txq->n != 0) {
		__lcx_ctx_tx_now(ctx, txq, txq->buf, txq->n);
		txq->n = 0;
	}
	ctx->tx_dirty &= ~(1u << port);
}

/**
 * Flush every TX buffer with packets in it.
 *
 * @param ctx
 *   The context (caller is its owner).
 */
static __rte_always_inline void
lcx_ctx_tx_flush_all(struct lcx_ctx *ctx)
{
	while (ctx->tx_dirty != 0)
		lcx_ctx_tx_flush(ctx, (uint16_t)__builtin_ctz(ctx->tx_dirty));
}

/**
 * Queue packets for TX on a port.  A full buffer is sent at once; the loop
 * sends the rest at the end of the iteration.  A whole burst arriving at an
 * empty buffer is sent directly, without a copy.
 *
 * @param ctx
 *   The context (caller is its owner).
 * @param port
 *   Port index, < LCX_MAX_PORTS.
 * @param pkts
 *   The mbufs, which now belong to the context.
 * @param n
 *   How many.
 */
static __rte_always_inline void
lcx_ctx_tx_burst(struct lcx_ctx *ctx, uint16_t port, struct rte_mbuf **pkts,
		uint16_t n)
{
	struct lcx_ctx_txq *txq = &ctx->txq[port];
	uint16_t room;

	if (unlikely(txq->port == NULL)) {
		lcx_ctx_drop(ctx, LCX_CTX_DROP_NO_TXQ, pkts, n);
		return;
	}
	if (txq->n == 0 && n >= LCX_BURST) {
		__lcx_ctx_tx_now(ctx, txq, pkts, n);
		return;
	}
	while (n != 0) {
		room = RTE_MIN((uint16_t)(LCX_TX_BUF - txq->n), n);
		memcpy(&txq->buf[txq->n], pkts, room * sizeof(pkts[0]));
		txq->n += room;
		pkts += room;
		n -= room;
		if (txq->n == LCX_TX_BUF) {
			__lcx_ctx_tx_now(ctx, txq, txq->buf, txq->n);
			txq->n = 0;
		}
	}
	if (txq->n != 0)
		ctx->tx_dirty |= 1u << port;
}

/**
 * Queue one packet for TX.
 *
 * @param ctx
 *   The context.
 * @param port
 *   Port index.
 * @param m
 *   The mbuf.
 */
static __rte_always_inline void
lcx_ctx_tx_one(struct lcx_ctx *ctx, uint16_t port, struct rte_mbuf *m)
{
	lcx_ctx_tx_burst(ctx, port, &m, 1);
}

/* ---- Running a burst -------------------------------------------------- */

/**
 * Run a burst received on @p rxq through the context's burst hook (its
 * pipeline), or forward it to the RX queue's paired port when it has none.
 * The loop and the handler test kit both call this, so a test runs the
 * loop's own path.  Counts nothing: the caller counts what it polled.
 *
 * @param ctx
 *   The context (caller is its owner).
 * @param rxq
 *   Where the burst came from.
 * @param pkts
 *   The mbufs, which now belong to the context.
 * @param n
 *   How many, at least 1.
 */
static __rte_always_inline void
lcx_ctx_rx_process(struct lcx_ctx *ctx, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n)
{
	if (ctx->burst_fn != NULL)
		ctx->burst_fn(ctx, rxq, pkts, n);
	else
		lcx_ctx_tx_burst(ctx, rxq->out_port, pkts, n);
}

/**
 * Run a burst taken from a handoff ring through the context's handoff
 * hook, or send each packet to the pair of its input port (0<->1, 2<->3)
 * when it has none.  Shared by the loop and the test kit, as
 * lcx_ctx_rx_process().
 *
 * @param ctx
 *   The context (caller is its owner).
 * @param pkts
 *   The mbufs, which now belong to the context.
 * @param n
 *   How many, at least 1.
 */
static __rte_always_inline void
lcx_ctx_handoff_process(struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t n)
{
	uint16_t i;

	if (ctx->handoff_fn != NULL) {
		ctx->handoff_fn(ctx, NULL, pkts, n);
		return;
	}
	for (i = 0; i < n; i++)
		lcx_ctx_tx_one(ctx, pkts[i]->port ^ 1, pkts[i]);
}

#ifdef __cplusplus
}
#endif

#endif /* LCX_CTX_WORKER_H */
