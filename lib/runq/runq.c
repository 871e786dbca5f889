/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "lcx_runq.h"

#define RUNQ_MAX_DEPTH (1u << 24)
/* Owner value that no thread has: LCORE_ID_ANY is what control threads see. */
#define RUNQ_NO_OWNER (LCORE_ID_ANY - 1)

static struct rte_ring *
ring_alloc(uint32_t depth, int socket, unsigned int flags)
{
	/* Initialised in place from rte_malloc rather than rte_ring_create():
	 * no memzone and no global name, so creating and destroying contexts
	 * by the thousand neither exhausts the memzone table nor races on names. */
	ssize_t sz = rte_ring_get_memsize_elem(sizeof(struct lcx_task),
			rte_align32pow2(depth + 1));
	struct rte_ring *r;

	if (sz < 0)
		return NULL;
	r = rte_zmalloc_socket("lcx_runq_ring", sz, RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL)
		return NULL;
	/* See LCX_RUNQ_F_RTS: 4 lcores on 2 cores stalled a 3 M-task test
	 * for minutes with classic MP; RTS takes 4 s. */
	if (rte_ring_init(r, "lcx_runq", depth, RING_F_SC_DEQ | RING_F_EXACT_SZ |
			((flags & LCX_RUNQ_F_RTS) ? RING_F_MP_RTS_ENQ : 0)) != 0) {
		rte_free(r);
		return NULL;
	}
	return r;
}

struct lcx_runq *
lcx_runq_create(uint32_t depth, unsigned int owner, int socket,
		uint32_t starve_limit, unsigned int flags)
{
	uint32_t fifo_sz;
	struct lcx_runq *rq;
	int c;

	if (depth == 0 || depth > RUNQ_MAX_DEPTH || starve_limit == 0 ||
			(flags & ~LCX_RUNQ_F_RTS) != 0) {
		lcx_errno = EINVAL;
		return NULL;
	}
	rq = rte_zmalloc_socket("lcx_runq", sizeof(*rq), RTE_CACHE_LINE_SIZE,
			socket);
	if (rq == NULL)
		goto no_mem;
	fifo_sz = rte_align32pow2(depth);
	rq->mask = fifo_sz - 1;
	rq->depth = depth;
	rq->starve_limit = starve_limit;
	rq->owner = owner == LCORE_ID_ANY ? RUNQ_NO_OWNER : owner;
	for (c = 0; c < LCX_PRIO_MAX; c++) {
		rq->ring[c] = ring_alloc(depth, socket, flags);
		if (rq->ring[c] == NULL)
			goto free_rings;
		rq->local[c].slot = rte_malloc_socket("lcx_runq_fifo",
				fifo_sz * sizeof(struct lcx_task),
				RTE_CACHE_LINE_SIZE, socket);
		if (rq->local[c].slot == NULL)
			goto free_rings;
	}
	return rq;

free_rings:
	for (c = 0; c < LCX_PRIO_MAX; c++) {
		rte_free(rq->ring[c]);
		rte_free(rq->local[c].slot);
	}
	rte_free(rq);
no_mem:
	lcx_errno = ENOMEM;
	return NULL;
}

unsigned int
lcx_runq_free(struct lcx_runq *rq)
{
	unsigned int left;
	int c;

	if (rq == NULL)
		return 0;
	left = lcx_runq_count(rq);
	rq->discarded += left;
	for (c = 0; c < LCX_PRIO_MAX; c++) {
		rte_free(rq->ring[c]);
		rte_free(rq->local[c].slot);
	}
	rte_free(rq);
	return left;
}

int
__lcx_runq_refuse(struct lcx_runq *rq)
{
	__atomic_fetch_add(&rq->refused, 1, __ATOMIC_RELAXED);
	return -ENOBUFS;
}

void
__lcx_runq_refuse_n(struct lcx_runq *rq, unsigned int n)
{
	__atomic_fetch_add(&rq->refused, n, __ATOMIC_RELAXED);
}

/* Run up to max tasks of one class: the owner's own posts first, then the
 * remote ones.  Each producer's order is kept: its tasks are FIFO. */
static unsigned int
run_class(struct lcx_runq *rq, int c, unsigned int max, uint64_t deadline)
{
	struct __lcx_fifo *f = &rq->local[c];
	struct lcx_task burst[LCX_BURST];
	unsigned int done = 0, n, i;

	while (done < max && f->head != f->tail) {
		struct lcx_task t = f->slot[f->head & rq->mask];

		f->head++;
		t.fn(t.arg);
		done++;
		if (deadline != 0 && rte_rdtsc() >= deadline)
			goto out;
	}
	while (done < max) {
		n = rte_ring_sc_dequeue_burst_elem(rq->ring[c], burst,
				sizeof(burst[0]), RTE_MIN(max - done,
					(unsigned int)LCX_BURST), NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			burst[i].fn(burst[i].arg);
		done += n;
		/* A burst is dequeued before it runs, so the deadline is
		 * checked per burst: it can overrun by at most one burst. */
		if (deadline != 0 && rte_rdtsc() >= deadline)
			break;
	}
out:
	rq->run[c] += done;
	return done;
}

/* Classes with work, as a bit mask.  Nothing queued anywhere is the common
 * case for a forwarding context, which calls lcx_runq_run() once per loop
 * iteration: reading each ring's producer tail and our own consumer tail,
 * and no dequeue, took an empty call from 26 to 6 cycles (lcx-bench).  The
 * mask also spares the dispatch a second look at classes that were empty. */
static inline unsigned int
runq_pending(const struct lcx_runq *rq)
{
	unsigned int mask = 0;
	int c;

	for (c = 0; c < LCX_PRIO_MAX; c++)
		if (rq->local[c].head != rq->local[c].tail ||
				__atomic_load_n(&rq->ring[c]->prod.tail,
					__ATOMIC_RELAXED) != rq->ring[c]->cons.tail)
			mask |= 1u << c;
	return mask;
}

unsigned int
lcx_runq_run(struct lcx_runq *rq, unsigned int budget, uint64_t deadline)
{
	unsigned int served[LCX_PRIO_MAX] = { 0 };
	unsigned int done = 0, mask = runq_pending(rq);
	int c, boosted = 0;

	if (mask == 0) {
		/* An empty class is not starving. */
		rq->starve[LCX_PRIO_NORMAL] = 0;
		rq->starve[LCX_PRIO_LOW] = 0;
		return 0;
	}
	/* Starvation guard first: one task from each class that has been
	 * passed over for starve_limit rounds. */
	for (c = 1; c < LCX_PRIO_MAX && done < budget; c++) {
		if (rq->starve[c] < rq->starve_limit || !(mask & (1u << c)))
			continue;
		served[c] = run_class(rq, c, 1, 0);
		done += served[c];
		boosted = 1;
	}
	rq->starve_boosts += boosted;

	for (c = 0; c < LCX_PRIO_MAX && done < budget; c++) {
		unsigned int n;

		if (!(mask & (1u << c)))
			continue;
		n = run_class(rq, c, budget - done, deadline);
		served[c] += n;
		done += n;
		if (deadline != 0 && n != 0 && rte_rdtsc() >= deadline)
			break;
	}

	/* A class that had work at the start of the round and got none of
	 * the budget was passed over. */
	for (c = 1; c < LCX_PRIO_MAX; c++) {
		if (served[c] != 0 || !(mask & (1u << c)))
			rq->starve[c] = 0;
		else
			rq->starve[c]++;
	}
	return done;
}

unsigned int
lcx_runq_drain(struct lcx_runq *rq)
{
	unsigned int total = 0, n;

	do {
		n = lcx_runq_run(rq, UINT32_MAX, 0);
		total += n;
	} while (n != 0);
	return total;
}

unsigned int
lcx_runq_count(const struct lcx_runq *rq)
{
	unsigned int n = 0;
	int c;

	for (c = 0; c < LCX_PRIO_MAX; c++)
		n += (rq->local[c].tail - rq->local[c].head) +
			rte_ring_count(rq->ring[c]);
	return n;
}

void
lcx_runq_stats_get(const struct lcx_runq *rq, struct lcx_runq_stats *st)
{
	int c;

	memset(st, 0, sizeof(*st));
	for (c = 0; c < LCX_PRIO_MAX; c++)
		st->run[c] = rq->run[c];
	st->local_posts = rq->local_posts;
	st->refused = __atomic_load_n(&rq->refused, __ATOMIC_RELAXED);
	st->starve_boosts = rq->starve_boosts;
	st->discarded = rq->discarded;
}

/* ---- Calls with a reply ------------------------------------------------ */

static void
call_reply(void *arg)
{
	struct lcx_call *call = arg;

	call->done(call);
}

static void
call_exec(void *arg)
{
	struct lcx_call *call = arg;

	call->result = call->fn(call->arg);
	/* The reply must not be lost: wait for room.  The reply target keeps
	 * consuming (it is not blocked on us), so this ends. */
	while (lcx_runq_post(call->reply_to, call_reply, call, call->prio) != 0)
		rte_pause();
}

int
lcx_runq_call(struct lcx_runq *to, struct lcx_call *call)
{
	if (to == NULL || call == NULL || call->fn == NULL ||
			call->done == NULL || call->reply_to == NULL ||
			call->prio >= LCX_PRIO_MAX)
		return -EINVAL;
	return lcx_runq_post(to, call_exec, call, call->prio);
}

enum { WAIT_PENDING, WAIT_DONE, WAIT_ABANDONED };

struct call_wait {
	lcx_call_fn fn;
	void *arg;
	int result;
	uint32_t state;
};

static void
call_wait_exec(void *arg)
{
	struct call_wait *w = arg;
	uint32_t expected = WAIT_PENDING;

	w->result = w->fn(w->arg);
	/* release: the waiter's acquire load of DONE sees result. */
	if (!__atomic_compare_exchange_n(&w->state, &expected, WAIT_DONE, 0,
			__ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
		free(w);	/* the waiter gave up; the record is ours */
}

int
lcx_runq_call_wait(struct lcx_runq *to, lcx_call_fn fn, void *arg,
		uint64_t timeout_us, int *result)
{
	const uint64_t hz = rte_get_tsc_hz();
	uint64_t deadline = rte_rdtsc() + timeout_us * (hz / 1000000);
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000 };
	struct call_wait *w;
	uint32_t expected;
	unsigned int spins = 0;
	int rc;

	if (to == NULL || fn == NULL)
		return -EINVAL;
	if (rte_lcore_id() == to->owner)
		return -EDEADLK;
	/* malloc, not rte_malloc: this is a control-thread path and the
	 * record may be freed by the target after a time-out. */
	w = malloc(sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->fn = fn;
	w->arg = arg;
	w->result = 0;
	w->state = WAIT_PENDING;
	rc = lcx_runq_post(to, call_wait_exec, w, LCX_PRIO_HIGH);
	if (rc != 0) {
		free(w);
		return rc;
	}
	for (;;) {
		if (__atomic_load_n(&w->state, __ATOMIC_ACQUIRE) == WAIT_DONE)
			break;
		if (rte_rdtsc() >= deadline) {
			expected = WAIT_PENDING;
			if (__atomic_compare_exchange_n(&w->state, &expected,
					WAIT_ABANDONED, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
				return -ETIMEDOUT;	/* target frees it */
			break;	/* finished just now */
		}
		if (++spins < 64)
			rte_pause();
		else
			nanosleep(&ts, NULL);
	}
	if (result != NULL)
		*result = w->result;
	free(w);
	return 0;
}
