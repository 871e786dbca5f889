/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "lcx_loop.h"
#include "loop_private.h"

int loop_rxq_acct;

/*
 * Poll each RX queue and run what came through the pipeline.
 *
 * Failover guard (doc/placement.md, "Failover"): a stalled context's
 * queues are taken by the watchdog without its help, so before each RX
 * call the loop flags rx_polling and then reads its state; the watchdog
 * stores ERROR, runs a membarrier (a full fence on every thread of the
 * process) and then reads rx_polling.  Either the loop sees ERROR and
 * polls no more, or the watchdog sees the flag and waits for the call to
 * end.  The membarrier is what lets both sides here be plain stores and
 * loads: the fast path pays no fence (Dekker with an asymmetric barrier,
 * as liburcu's).  The handler runs outside the flag, so a handler stuck
 * for ever does not block the take-over.
 *
 * Cycle accounting: the time from the previous mark (the iteration's TSC
 * or the last non-empty burst) to the end of a non-empty burst is charged
 * to its queue: one TSC read per non-empty burst, none for empty polls.
 */
static __rte_always_inline unsigned int
poll_rx(struct lcx_ctx *ctx, uint64_t mark)
{
	struct rte_mbuf *pkts[LCX_BURST];
	unsigned int total = 0;
	uint64_t t;
	uint16_t i, n;

	for (i = 0; i < ctx->nb_rxq; i++) {
		struct lcx_ctx_rxq *rxq = &ctx->rxq[i];

		__atomic_store_n(&ctx->rx_polling, 1, __ATOMIC_RELAXED);
		rte_compiler_barrier();
		if (unlikely(__atomic_load_n(&ctx->state, __ATOMIC_RELAXED) ==
				LCX_CTX_ERROR)) {
			__atomic_store_n(&ctx->rx_polling, 0, __ATOMIC_RELEASE);
			break;
		}
		n = lcx_port_rx_burst(rxq->port, rxq->queue, pkts, LCX_BURST);
		/* release: the RX call's accesses to the queue come first */
		__atomic_store_n(&ctx->rx_polling, 0, __ATOMIC_RELEASE);
		if (n == 0)
			continue;
		total += n;
		lcx_ctx_rx_process(ctx, rxq, pkts, n);
		if (unlikely(__atomic_load_n(&loop_rxq_acct,
				__ATOMIC_RELAXED) != 0)) {
			t = rte_rdtsc();
			rxq->cycles += t - mark;
			rxq->packets += n;
			mark = t;
		}
	}
	ctx->stats.rx_packets += total;
	return total;
}

/* Packets other contexts handed to us (software RSS, ...): treated as a
 * second kind of RX queue, with no port behind it. */
static __rte_always_inline unsigned int
poll_handoff(struct lcx_ctx *ctx)
{
	struct rte_mbuf *pkts[LCX_BURST];
	unsigned int total = 0, i;
	uint16_t n;

	for (i = 0; i < ctx->nb_handoff_in; i++) {
		n = (uint16_t)rte_ring_sc_dequeue_burst(ctx->handoff_in[i],
				(void **)pkts, LCX_BURST, NULL);
		if (n == 0)
			continue;
		total += n;
		lcx_ctx_handoff_process(ctx, pkts, n);
	}
	ctx->stats.handoff_in += total;
	return total;
}

unsigned int
lcx_loop_iterate(struct lcx_ctx *ctx, uint64_t now)
{
	uint64_t deadline = 0;
	unsigned int work, n;

	work = poll_rx(ctx, now);
	if (ctx->nb_handoff_in != 0)
		work += poll_handoff(ctx);
	lcx_ctx_tx_flush_all(ctx);

	if (ctx->limits.cycle_budget != 0)
		deadline = now + ctx->limits.cycle_budget;
	n = lcx_runq_run(ctx->runq, ctx->limits.tasks_per_iter, deadline);
	/* Tasks may transmit; do not leave their packets for next time. */
	if (n != 0) {
		ctx->stats.tasks_run += n;
		lcx_ctx_tx_flush_all(ctx);
		work += n;
	}
	n = lcx_timers_run(&ctx->timers, now);
	if (n != 0) {
		ctx->stats.timers_fired += n;
		lcx_ctx_tx_flush_all(ctx);
		work += n;
	}
	return work;
}

static inline int
stop_asked(const struct lcx_ctx *ctx)
{
	return __atomic_load_n(&ctx->stop_req, __ATOMIC_ACQUIRE) != 0 ||
		__atomic_load_n(&ctx->state, __ATOMIC_RELAXED) == LCX_CTX_ERROR;
}

static inline void
beat(struct lcx_ctx *ctx)
{
	/* Plain store on the owner's own line; the watchdog only loads it. */
	__atomic_store_n(&ctx->heartbeat, ctx->heartbeat + 1, __ATOMIC_RELAXED);
}

/* Adaptive idle: sleep in naps, polling once after each, until there is
 * work or a stop.  Each empty nap doubles the next one, up to
 * sleep_max_cycles: a context idle for long wakes ~1000 times a second
 * instead of ~10000 (doc/operations-failover.md has the CPU and latency
 * figures), and the first packets after a short pause still meet a short
 * nap.  The state says BLOCKED meanwhile.  Tasks (queue moves, failover
 * adds) are run after every nap, so a parked context answers a move
 * within one nap. */
static uint64_t
park(struct lcx_ctx *ctx, uint64_t now)
{
	const uint64_t hz = rte_get_tsc_hz();
	uint64_t nap = ctx->sleep_cycles;
	struct timespec ts;
	uint64_t t, ns;

	if (lcx_ctx_state_move(ctx, LCX_CTX_RUNNING, LCX_CTX_BLOCKED) != 0)
		return now;	/* ERROR meanwhile: the loop leaves */
	ctx->stats.parks++;
	for (;;) {
		ns = nap * 1000000000ull / hz;
		ts.tv_sec = ns / 1000000000ull;
		ts.tv_nsec = ns % 1000000000ull;
		nanosleep(&ts, NULL);
		beat(ctx);
		t = rte_rdtsc();
		ctx->stats.idle_cycles += t - now;
		now = t;
		if (stop_asked(ctx))
			break;
		if (lcx_loop_iterate(ctx, now) != 0) {
			t = rte_rdtsc();
			ctx->stats.busy_cycles += t - now;
			now = t;
			break;
		}
		nap = RTE_MIN(nap * 2, ctx->sleep_max_cycles);
	}
	/* Refused when the watchdog moved us to ERROR meanwhile. */
	lcx_ctx_state_move(ctx, LCX_CTX_BLOCKED, LCX_CTX_RUNNING);
	ctx->empty_iters = 0;
	return now;
}

int
lcx_loop_run(void *arg)
{
	struct lcx_ctx *ctx = arg;
	uint64_t prev, now;
	unsigned int work;

	if (ctx == NULL || rte_lcore_id() != ctx->lcore)
		return -EINVAL;
	if (lcx_ctx_state_move(ctx, LCX_CTX_READY, LCX_CTX_RUNNING) != 0)
		return -EPERM;
	__lcx_ctx_self = ctx;
	ctx->empty_iters = 0;
	prev = rte_rdtsc();

	while (!stop_asked(ctx)) {
		work = lcx_loop_iterate(ctx, prev);
		now = rte_rdtsc();
		ctx->stats.iterations++;
		beat(ctx);
		if (work != 0) {
			ctx->stats.busy_cycles += now - prev;
			ctx->empty_iters = 0;
		} else {
			ctx->stats.idle_cycles += now - prev;
			if (ctx->idle == LCX_IDLE_PAUSE) {
				rte_pause();
			} else if (ctx->idle == LCX_IDLE_ADAPTIVE &&
					++ctx->empty_iters >= ctx->park_after) {
				now = park(ctx, now);
			}
		}
		prev = now;
	}

	/* Leave at a burst boundary: flush, then run what is queued. */
	lcx_ctx_tx_flush_all(ctx);
	ctx->stats.tasks_run += lcx_runq_drain(ctx->runq);
	lcx_ctx_tx_flush_all(ctx);
	__lcx_ctx_self = NULL;
	/* From RUNNING only: a context in ERROR stays there for the
	 * manager to see; its clean-up completes it. */
	if (lcx_ctx_state_move(ctx, LCX_CTX_RUNNING, LCX_CTX_COMPLETED) != 0)
		return -EFAULT;
	return 0;
}
