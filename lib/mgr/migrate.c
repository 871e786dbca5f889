/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Moving an RX queue between contexts at run time.
 *
 * The handshake, from the control thread, for queue Q from A to B:
 *   1. post "remove Q" to A and wait.  A runs it at a burst boundary: the
 *      loop runs tasks after RX and after the TX flush, so every packet A
 *      took from Q has been sent (or handed on) before Q leaves A's rxq[].
 *      The task takes Q out of rxq[], swaps the owner word A -> NONE and
 *      returns: that return is the acknowledgement.
 *   2. only then post "add Q" to B and wait.  B swaps NONE -> B and appends
 *      Q to its rxq[]; its next RX poll reads Q.
 * Between 1 and 2 nobody polls Q and packets wait in the device.
 *
 * Why no RCU: a context's rxq[] is read and written by its own lcore only
 * -- the tasks above run on that lcore, between two polls -- so no table
 * is ever swapped under a reader and there is no grace period to wait
 * for.  The run queue's enqueue (release) / dequeue (acquire) and the
 * completion word of lcx_runq_call_wait() order the control thread's view
 * of each step; the owner word is for the debug assertion and for the
 * report, never read on the fast path.
 *
 * A context that no loop runs (READY, COMPLETED) is edited directly from
 * the control thread: it is exclusive then.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>

#include "place_private.h"

static uint16_t
rxq_limit(const struct lcx_ctx *ctx)
{
	return RTE_MIN(ctx->limits.max_rxq, (uint16_t)LCX_MAX_CTX_RXQ);
}

int
mgr_rxq_add(struct lcx_ctx *ctx, struct mgr_rxq *q)
{
	uint32_t none = MGR_OWNER_NONE;
	struct lcx_ctx_rxq *r;
	int ok;

	if (ctx->nb_rxq >= rxq_limit(ctx))
		return -ENOSPC;
	ok = __atomic_compare_exchange_n(&q->owner, &none, ctx->id, 0,
		__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	/* Another context polls it: the handshake was broken. */
	LCX_ASSERT(ok);
	if (!ok)
		return -EBUSY;
	r = &ctx->rxq[ctx->nb_rxq];
	r->port = lcx_port_get(q->port);
	r->queue = q->queue;
	r->out_port = mgr_out_port(q->port);
	r->cycles = 0;
	r->packets = 0;
	ctx->nb_rxq++;
	q->added_tsc = rte_rdtsc();
	return 0;
}

int
mgr_rxq_remove(struct lcx_ctx *ctx, struct mgr_rxq *q)
{
	uint32_t self = ctx->id;
	uint16_t i;
	int ok;

	for (i = 0; i < ctx->nb_rxq; i++)
		if (ctx->rxq[i].port->id == q->port &&
				ctx->rxq[i].queue == q->queue)
			break;
	if (i == ctx->nb_rxq)
		return -ENOENT;
	/* Keep the others' polling order. */
	memmove(&ctx->rxq[i], &ctx->rxq[i + 1],
		(ctx->nb_rxq - i - 1) * sizeof(ctx->rxq[0]));
	ctx->nb_rxq--;
	q->removed_tsc = rte_rdtsc();
	ok = __atomic_compare_exchange_n(&q->owner, &self, MGR_OWNER_NONE, 0,
		__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	/* Not ours any more: failover took it while we were stalled, and
	 * this is a stale entry (a late remove task, or the prune of a
	 * recovered context).  Dropping the entry is all there is to do. */
	return ok ? 0 : -ENOENT;
}

/* Tasks, run on the context's lcore by its loop. */
static int
remove_task(void *arg)
{
	struct lcx_ctx *self = lcx_ctx_self();

	/* NULL: an abandoned call drained after the loop left. */
	return self != NULL ? mgr_rxq_remove(self, arg) : -ESRCH;
}

static int
add_task(void *arg)
{
	struct lcx_ctx *self = lcx_ctx_self();

	return self != NULL ? mgr_rxq_add(self, arg) : -ESRCH;
}

static int
slot_launched(const struct lcx_ctx *ctx)
{
	struct mgr *m = &lcx_mgr;
	int i, launched = 0;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		if (m->slot[i].ctx == ctx)
			launched = m->slot[i].launched;
	pthread_mutex_unlock(&m->lock);
	return launched;
}

int
mgr_ctx_live(struct lcx_ctx *ctx)
{
	uint64_t deadline = rte_rdtsc() +
		MGR_MOVE_TIMEOUT_US * (rte_get_tsc_hz() / 1000000);
	struct timespec ts = { 0, 10000 };
	enum lcx_ctx_state s;

	for (;;) {
		s = lcx_ctx_state_get(ctx);
		if (s == LCX_CTX_COMPLETED)
			return 0;
		if (s == LCX_CTX_READY)
			/* launched: the loop is about to take it */
			return slot_launched(ctx);
		/* A loop that was asked to stop drains its run queue once
		 * and leaves: a task posted now might never run.  Wait for
		 * it to leave, then edit it in place. */
		if (!__atomic_load_n(&ctx->stop_req, __ATOMIC_ACQUIRE) ||
				s == LCX_CTX_ERROR || rte_rdtsc() > deadline)
			return 1;
		nanosleep(&ts, NULL);
	}
}

static int
on_ctx(struct lcx_ctx *ctx, lcx_call_fn fn, struct mgr_rxq *q)
{
	int rc, res;

	if (!mgr_ctx_live(ctx))
		return fn == add_task ? mgr_rxq_add(ctx, q) :
			mgr_rxq_remove(ctx, q);
	rc = lcx_ctx_call_wait(ctx, fn, q, MGR_MOVE_TIMEOUT_US, &res);
	if (rc != 0) {
		LCX_LOG(ERR, "move port %u queue %u: context %s did not answer: %s",
			q->port, q->queue, ctx->name, lcx_strerror(rc));
		return rc;
	}
	return res;
}

static void
sample_add(uint64_t cycles)
{
	struct mgr_place *mp = &mgr_place;

	mp->sample[mp->nb_samples % LCX_MOVE_SAMPLES] = cycles;
	mp->nb_samples++;
}

int
mgr_rxq_move_locked(struct mgr_rxq *q, struct lcx_ctx *to)
{
	struct lcx_ctx *from = NULL;
	uint32_t owner;
	int rc;

	owner = __atomic_load_n(&q->owner, __ATOMIC_ACQUIRE);
	if (owner != MGR_OWNER_NONE) {
		from = lcx_mgr_ctx_lookup(owner);
		if (to != NULL && owner == to->id)
			return -EALREADY;
	}
	if (to != NULL && to->nb_rxq >= rxq_limit(to)) {
		LCX_LOG(ERR, "move port %u queue %u: context %s polls %u queues (max_rxq)",
			q->port, q->queue, to->name, to->nb_rxq);
		return -ENOSPC;
	}
	if (from != NULL) {
		rc = on_ctx(from, remove_task, q);
		if (rc != 0)
			return rc;
	}
	if (to == NULL)
		return 0;
	rc = on_ctx(to, add_task, q);
	if (rc != 0) {
		/* Give it back rather than leave it unpolled; a silent
		 * new owner may still take it, so not after a timeout. */
		if (from != NULL && rc != -ETIMEDOUT)
			on_ctx(from, add_task, q);
		return rc;
	}
	if (from != NULL)
		sample_add(q->added_tsc - q->removed_tsc);
	return 0;
}

int
lcx_mgr_rxq_move(uint16_t port, uint16_t queue, uint32_t to_ctx)
{
	struct lcx_ctx *to;
	int rc;

	pthread_mutex_lock(&mgr_place.lock);
	to = lcx_mgr_ctx_lookup(to_ctx);
	if (to == NULL) {
		rc = -LCX_ENOCTX;
	} else if (port >= LCX_MAX_PORTS ||
			mgr_place.port[port].port == NULL ||
			queue >= mgr_place.port[port].nb_rxq) {
		LCX_LOG(ERR, "move: no placed RX queue %u on port %u", queue,
			port);
		rc = -EINVAL;
	} else {
		rc = mgr_rxq_move_locked(&mgr_place.port[port].rxq[queue], to);
	}
	if (rc == 0)
		mgr_place.moves++;
	else if (rc != -EALREADY)
		mgr_place.failed++;
	pthread_mutex_unlock(&mgr_place.lock);
	return rc;
}

/* The survivor with the fewest queues and room for one more.  Failover
 * and destroy ask here, and only here, where a queue should go: the one
 * place to re-point when placement policies grow a per-queue decision. */
struct lcx_ctx *
mgr_rxq_target(const struct lcx_ctx *dying)
{
	struct lcx_ctx *list[LCX_MAX_CONTEXTS], *best = NULL;
	unsigned int n, i;

	n = lcx_mgr_ctx_list(list, LCX_MAX_CONTEXTS);
	for (i = 0; i < n; i++) {
		struct lcx_ctx *c = list[i];

		if (c == dying || c->nb_rxq >= rxq_limit(c) ||
				__atomic_load_n(&c->stop_req, __ATOMIC_ACQUIRE) ||
				lcx_ctx_state_get(c) == LCX_CTX_ERROR)
			continue;
		if (best == NULL || c->nb_rxq < best->nb_rxq)
			best = c;
	}
	return best;
}

int
mgr_ctx_evacuate_locked(struct lcx_ctx *ctx)
{
	uint16_t p, q;
	int rc;

	/* A context in ERROR answers no task: each remove would time out.
	 * Take its queues as failover does. */
	if (lcx_ctx_state_get(ctx) == LCX_CTX_ERROR)
		return mgr_ctx_failover_locked(ctx);
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		for (q = 0; mp->port != NULL && q < mp->nb_rxq; q++) {
			if (__atomic_load_n(&mp->rxq[q].owner,
					__ATOMIC_ACQUIRE) != ctx->id)
				continue;
			rc = mgr_rxq_move_locked(&mp->rxq[q],
				mgr_rxq_target(ctx));
			if (rc == 0) {
				mgr_place.moves++;
				continue;
			}
			mgr_place.failed++;
			/* A silent context would time out once a queue. */
			if (rc == -ETIMEDOUT)
				return rc;
		}
	}
	return 0;
}

int
lcx_mgr_ctx_evacuate(uint32_t ctx_id)
{
	struct lcx_ctx *ctx;
	int rc;

	pthread_mutex_lock(&mgr_place.lock);
	ctx = lcx_mgr_ctx_lookup(ctx_id);
	rc = ctx != NULL ? mgr_ctx_evacuate_locked(ctx) : -LCX_ENOCTX;
	pthread_mutex_unlock(&mgr_place.lock);
	return rc;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void
lcx_mgr_rxq_move_stats(struct lcx_mgr_move_stats *st, int reset)
{
	static uint64_t tmp[LCX_MOVE_SAMPLES];
	uint64_t hz = rte_get_tsc_hz(), n;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&mgr_place.lock);
	st->moves = mgr_place.moves;
	st->failed = mgr_place.failed;
	n = RTE_MIN(mgr_place.nb_samples, (uint64_t)LCX_MOVE_SAMPLES);
	st->samples = n;
	if (n != 0) {
		memcpy(tmp, mgr_place.sample, n * sizeof(tmp[0]));
		qsort(tmp, n, sizeof(tmp[0]), cmp_u64);
		st->unpolled_min_ns = tmp[0] * 1000000000ull / hz;
		st->unpolled_median_ns = tmp[n / 2] * 1000000000ull / hz;
		st->unpolled_max_ns = tmp[n - 1] * 1000000000ull / hz;
	}
	if (reset) {
		mgr_place.moves = 0;
		mgr_place.failed = 0;
		mgr_place.nb_samples = 0;
	}
	pthread_mutex_unlock(&mgr_place.lock);
}
