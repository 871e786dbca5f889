/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "lcx_timer.h"

int
lcx_timers_init(struct lcx_timers *ts, uint32_t cap, int socket)
{
	if (ts == NULL || cap == 0)
		return -EINVAL;
	memset(ts, 0, sizeof(*ts));
	ts->heap = rte_zmalloc_socket("lcx_timers", cap * sizeof(ts->heap[0]),
			RTE_CACHE_LINE_SIZE, socket);
	if (ts->heap == NULL)
		return -ENOMEM;
	ts->cap = cap;
	ts->next = UINT64_MAX;
	return 0;
}

void
lcx_timers_fini(struct lcx_timers *ts)
{
	uint32_t i;

	for (i = 0; i < ts->n; i++)
		ts->heap[i]->idx = 0;
	rte_free(ts->heap);
	ts->heap = NULL;
	ts->n = ts->cap = 0;
	ts->next = UINT64_MAX;
}

static inline void
place(struct lcx_timers *ts, uint32_t i, struct lcx_timer *t)
{
	ts->heap[i] = t;
	t->idx = i + 1;
}

static void
sift_up(struct lcx_timers *ts, uint32_t i)
{
	struct lcx_timer *t = ts->heap[i];

	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (ts->heap[p]->expire <= t->expire)
			break;
		place(ts, i, ts->heap[p]);
		i = p;
	}
	place(ts, i, t);
}

static void
sift_down(struct lcx_timers *ts, uint32_t i)
{
	struct lcx_timer *t = ts->heap[i];

	for (;;) {
		uint32_t l = 2 * i + 1, m = l;

		if (l >= ts->n)
			break;
		if (l + 1 < ts->n && ts->heap[l + 1]->expire < ts->heap[l]->expire)
			m = l + 1;
		if (t->expire <= ts->heap[m]->expire)
			break;
		place(ts, i, ts->heap[m]);
		i = m;
	}
	place(ts, i, t);
}

static inline void
update_next(struct lcx_timers *ts)
{
	ts->next = ts->n ? ts->heap[0]->expire : UINT64_MAX;
}

static void
heap_remove(struct lcx_timers *ts, struct lcx_timer *t)
{
	uint32_t i = t->idx - 1;

	t->idx = 0;
	ts->n--;
	if (i != ts->n) {
		place(ts, i, ts->heap[ts->n]);
		sift_down(ts, i);
		sift_up(ts, i);
	}
	update_next(ts);
}

int
lcx_timer_start(struct lcx_timers *ts, struct lcx_timer *tim, uint64_t ticks,
		uint64_t period, lcx_timer_fn cb, void *arg)
{
	if (ts == NULL || tim == NULL || cb == NULL)
		return -EINVAL;
	if (tim->idx != 0)
		return -EBUSY;
	if (ts->n == ts->cap)
		return -ENOSPC;
	tim->expire = rte_rdtsc() + ticks;
	tim->period = period;
	tim->cb = cb;
	tim->arg = arg;
	place(ts, ts->n, tim);
	ts->n++;
	sift_up(ts, ts->n - 1);
	update_next(ts);
	return 0;
}

int
lcx_timer_stop(struct lcx_timers *ts, struct lcx_timer *tim)
{
	if (tim == NULL || tim->idx == 0 || tim->idx > ts->n ||
			ts->heap[tim->idx - 1] != tim)
		return -ENOENT;
	heap_remove(ts, tim);
	return 0;
}

unsigned int
__lcx_timers_run(struct lcx_timers *ts, uint64_t now)
{
	unsigned int fired = 0;

	while (ts->n != 0 && ts->heap[0]->expire <= now) {
		struct lcx_timer *t = ts->heap[0];

		heap_remove(ts, t);
		if (t->period != 0) {
			/* Re-arm from the deadline, not from now, so a periodic
			 * timer does not drift; skip periods missed entirely. */
			t->expire += t->period;
			if (t->expire <= now)
				t->expire = now + t->period;
			place(ts, ts->n, t);
			ts->n++;
			sift_up(ts, ts->n - 1);
			update_next(ts);
		}
		t->cb(t, t->arg);
		fired++;
	}
	/* The context counts them (stats.timers_fired): not twice here. */
	return fired;
}
