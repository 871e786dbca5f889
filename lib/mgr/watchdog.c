/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "place_private.h"

static void failover_init(void);
static void failover_pass(struct mgr *m);

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
		/* Outside the manager's mutex: the place lock comes first. */
		if (m->conf.failover)
			failover_pass(m);
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
	if (m->conf.failover)
		failover_init();
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

/* ---- Failover ------------------------------------------------------------
 *
 * A context in ERROR does not answer its run queue, so its queues are
 * taken without it (doc/placement.md, "Failover"):
 *   1. the state word already says ERROR (the watchdog's compare-and-swap,
 *      or a fault the context reported);
 *   2. membarrier: every thread of the process runs a full fence, so the
 *      stalled loop either saw ERROR before its next RX call or had set
 *      rx_polling before we read it (see poll_rx() in lib/loop/loop.c);
 *   3. wait for rx_polling == 0: the RX call in flight, if any, is over;
 *      from now on the loop calls RX on nothing;
 *   4. swap each owner word id -> NONE and hand the queue to a survivor
 *      through the ordinary add task (mgr_rxq_move_locked() from NONE).
 * The stalled context's rxq[] is left as it is: a handler stuck in the
 * middle of a burst may still read its rxq entry.  The entries are stale
 * and are dropped when the context is recovered (lcx_mgr_ctx_recover()).
 */

#ifndef MEMBARRIER_CMD_PRIVATE_EXPEDITED
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED (1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED (1 << 4)
#endif

/* How long step 3 waits for an RX call to end before the next pass
 * tries again: an RX burst is microseconds unless its thread was
 * preempted inside it. */
#define FAILOVER_POLL_WAIT_US 100000

static struct {
	int tried;                 /* registration attempted */
	int membarrier;            /* registered: failover possible */
	struct lcx_mgr_failover_stats st;  /* guarded by mgr_place.lock */
} fo;

static int
fence_all_threads(void)
{
	return syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0);
}

static void
failover_init(void)
{
	if (fo.tried)
		return;
	fo.tried = 1;
	if (syscall(__NR_membarrier,
			MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) == 0) {
		fo.membarrier = 1;
		return;
	}
	LCX_LOG(WARNING, "manager: membarrier unavailable (%s): no failover, queues of a stalled context stay unpolled",
		strerror(errno));
}

static unsigned int
owned_queues(const struct lcx_ctx *ctx)
{
	unsigned int n = 0;
	uint16_t p, q;

	for (p = 0; p < LCX_MAX_PORTS; p++)
		for (q = 0; q < mgr_place.port[p].nb_rxq; q++)
			if (__atomic_load_n(&mgr_place.port[p].rxq[q].owner,
					__ATOMIC_ACQUIRE) == ctx->id)
				n++;
	return n;
}

/* Place lock held.  0 (done or nothing to do), -EBUSY (an RX call did
 * not end in time: try again), -ENOTSUP (no membarrier). */
int
mgr_ctx_failover_locked(struct lcx_ctx *ctx)
{
	const uint64_t hz = rte_get_tsc_hz();
	struct timespec ts = { 0, 20000 };
	unsigned int moved = 0, unplaced = 0;
	uint64_t deadline, t0;
	uint16_t p, q;

	if (lcx_ctx_state_get(ctx) != LCX_CTX_ERROR || owned_queues(ctx) == 0)
		return 0;
	failover_init();
	if (!fo.membarrier)
		return -ENOTSUP;
	t0 = rte_rdtsc();
	if (fence_all_threads() != 0) {
		LCX_LOG(ERR, "failover %s: membarrier: %s", ctx->name,
			strerror(errno));
		return -ENOTSUP;
	}
	deadline = t0 + FAILOVER_POLL_WAIT_US * hz / 1000000;
	while (__atomic_load_n(&ctx->rx_polling, __ATOMIC_ACQUIRE) != 0) {
		if (rte_rdtsc() > deadline) {
			LCX_LOG(WARNING, "failover %s: still inside an RX call after %u ms, retrying",
				ctx->name, FAILOVER_POLL_WAIT_US / 1000);
			return -EBUSY;
		}
		nanosleep(&ts, NULL);
	}
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		for (q = 0; mp->port != NULL && q < mp->nb_rxq; q++) {
			struct mgr_rxq *r = &mp->rxq[q];
			uint32_t self = ctx->id;

			if (!__atomic_compare_exchange_n(&r->owner, &self,
					MGR_OWNER_NONE, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
				continue;
			r->removed_tsc = rte_rdtsc();
			if (mgr_rxq_move_locked(r, mgr_rxq_target(ctx)) == 0 &&
					__atomic_load_n(&r->owner,
					__ATOMIC_ACQUIRE) != MGR_OWNER_NONE) {
				moved++;
				LCX_LOG(INFO, "failover %s: port %u queue %u -> context %u",
					ctx->name, p, q, r->owner);
			} else {
				unplaced++;
				LCX_LOG(ERR, "failover %s: port %u queue %u: no survivor can take it, unpolled",
					ctx->name, p, q);
			}
		}
	}
	fo.st.failovers++;
	fo.st.queues_moved += moved;
	fo.st.queues_unplaced += unplaced;
	fo.st.last_ctx = ctx->id;
	fo.st.last_queues = moved;
	fo.st.last_take_ns = (rte_rdtsc() - ctx->state_tsc[LCX_CTX_ERROR]) *
		1000000000ull / hz;
	LCX_LOG(NOTICE, "failover %s (id %u): %u queues moved, %u unpolled, %" PRIu64 " us after ERROR",
		ctx->name, ctx->id, moved, unplaced,
		fo.st.last_take_ns / 1000);
	return 0;
}

/* Every context in ERROR that still owns queues, by id: the pointer is
 * looked up again under the place lock, which lcx_mgr_ctx_destroy()
 * also takes before it frees a context. */
static void
failover_pass(struct mgr *m)
{
	uint32_t ids[LCX_MAX_CONTEXTS];
	unsigned int n = 0, i;
	struct lcx_ctx *ctx;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < LCX_MAX_CONTEXTS; i++) {
		ctx = m->slot[i].ctx;
		if (ctx != NULL && lcx_ctx_state_get(ctx) == LCX_CTX_ERROR)
			ids[n++] = ctx->id;
	}
	pthread_mutex_unlock(&m->lock);
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&mgr_place.lock);
		ctx = lcx_mgr_ctx_lookup(ids[i]);
		if (ctx != NULL)
			mgr_ctx_failover_locked(ctx);
		pthread_mutex_unlock(&mgr_place.lock);
	}
}

void
lcx_mgr_failover_stats(struct lcx_mgr_failover_stats *st)
{
	pthread_mutex_lock(&mgr_place.lock);
	*st = fo.st;
	pthread_mutex_unlock(&mgr_place.lock);
}

int
lcx_mgr_ctx_failover(uint32_t id)
{
	struct lcx_ctx *ctx;
	int rc;

	pthread_mutex_lock(&mgr_place.lock);
	failover_init();
	ctx = lcx_mgr_ctx_lookup(id);
	if (ctx == NULL)
		rc = -LCX_ENOCTX;
	else if (lcx_ctx_state_get(ctx) != LCX_CTX_ERROR)
		rc = -EINVAL;
	else
		rc = mgr_ctx_failover_locked(ctx);
	pthread_mutex_unlock(&mgr_place.lock);
	return rc;
}

int
lcx_mgr_ctx_recover(uint32_t id)
{
	struct lcx_ctx *ctx;
	uint16_t i;
	int rc;

	pthread_mutex_lock(&mgr_place.lock);
	ctx = lcx_mgr_ctx_lookup(id);
	if (ctx == NULL) {
		rc = -LCX_ENOCTX;
		goto unlock;
	}
	if (lcx_ctx_state_get(ctx) != LCX_CTX_ERROR) {
		rc = -EINVAL;
		goto unlock;
	}
	if (ctx->lcore != rte_get_main_lcore() &&
			rte_eal_get_lcore_state(ctx->lcore) == RUNNING) {
		rc = -EBUSY;	/* its loop has not left: still stuck */
		goto unlock;
	}
	/* The loop has left (it flushed TX and drained its run queue on the
	 * way out): collect its return, then nothing else touches it. */
	if (ctx->lcore != rte_get_main_lcore())
		lcx_mgr_ctx_wait(id);
	/* Keep what failover could not take (no membarrier), drop the
	 * stale entries of the queues it lost. */
	for (i = 0; i < ctx->nb_rxq; ) {
		struct mgr_rxq *r = &mgr_place.port[ctx->rxq[i].port->id]
			.rxq[ctx->rxq[i].queue];

		if (__atomic_load_n(&r->owner, __ATOMIC_ACQUIRE) == ctx->id)
			i++;
		else
			mgr_rxq_remove(ctx, r);
	}
	rc = lcx_ctx_state_move(ctx, LCX_CTX_ERROR, LCX_CTX_COMPLETED);
	if (rc == 0)
		LCX_LOG(NOTICE, "context %s (id %u) recovered: COMPLETED, %u queues",
			ctx->name, ctx->id, ctx->nb_rxq);
unlock:
	pthread_mutex_unlock(&mgr_place.lock);
	return rc;
}
