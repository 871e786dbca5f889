/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Run-queue microbenchmarks and their rte_ring baselines, all in one
 * process so that every figure has a same-run ratio.
 *
 * Same-thread figures time a loop of n operations on the main lcore.
 * Cross-lcore figures are timed at the consumer (the worker lcore), from
 * the moment it is released until it has consumed the n-th element, so
 * they measure delivered throughput, producer and queue included.  Round
 * trips are timed at the caller.
 *
 * Every run also notes the TSC every CHUNK operations.  Two figures come
 * out of a run: the whole run (TSC cycles over the run / operations), and
 * the steady figure, the median of the per-chunk costs.  A chunk lasts a
 * tenth of a millisecond or so, a scheduler time slice some milliseconds,
 * so when another process takes the core for a while only the few chunks
 * it overlaps are slow and the median stays the cost of the code; the
 * whole-run figure pays for every preemption.  On an idle machine the two
 * agree.  The measurements are also interleaved (one pass over all of them
 * per repeat), so that a burst of load hits a figure and its baseline alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "lcx_runq.h"
#include "bench.h"

/* Depth of every queue measured: the context default (lcx_ctx_conf_init). */
#define QDEPTH 1024
/* Starvation bound of the run queues; irrelevant here (one class used). */
#define STARVE_K 8
#define TASK_PRIO LCX_PRIO_NORMAL
/* Operations between two TSC samples: posts, enqueues... */
#define CHUNK 4096
/* ... and round trips, which cost some hundred cycles each. */
#define CHUNK_RT 256

/* The ring baselines move 16-byte elements, the size of a struct lcx_task. */
_Static_assert(sizeof(struct lcx_task) == 16, "lcx_task is 16 bytes");
_Static_assert(CHUNK % LCX_BURST == 0, "chunks hold whole bursts");

/* Everything one measurement needs. */
struct env {
	unsigned int worker;         /* RTE_MAX_LCORE: none */
	struct lcx_runq *rq_main;    /* owner: main lcore */
	struct lcx_runq *rq_worker;  /* owner: worker lcore */
	struct rte_ring *spsc;       /* same-thread baseline */
	struct rte_ring *mpsc;       /* cross-lcore baseline */
	struct rte_ring *ping;       /* main -> worker */
	struct rte_ring *pong;       /* worker -> main */
};

/* TSC samples of one run, taken by the thread that measures. */
struct samples {
	uint64_t every;              /* operations between samples */
	uint64_t next;               /* operation count of the next sample */
	unsigned int n;
	unsigned int max;
	uint64_t *tsc;
	uint64_t *ops;
};

/*
 * Start line of a cross-lcore run.  The flags the two lcores hand over
 * and the consumer's own counter sit on separate lines, so the counter's
 * stores do not disturb the producer.
 */
struct xrun {
	struct env *env;
	struct samples *s;           /* consumer's samples */
	uint64_t n;
	uint32_t ready;              /* worker waits at the start line */
	uint32_t go;                 /* main released it */
	uint32_t stop;               /* round-trip server: leave */
	uint64_t count __rte_cache_aligned; /* consumer only */
	uint64_t sink;               /* keeps consumed data live */
} __rte_cache_aligned;

/* Written once per run so the compiler keeps the baselines' loads. */
static volatile uint64_t sink;

static void
task_count(void *arg)
{
	uint64_t *c = arg;

	(*c)++;
}

static inline void
sample_now(struct samples *s, uint64_t ops)
{
	if (s->n < s->max) {
		s->tsc[s->n] = rte_rdtsc();
		s->ops[s->n] = ops;
		s->n++;
	}
	s->next = ops + s->every;
}

/* Sample when ops has reached the next mark (cross-lcore consumers,
 * which advance by up to a burst at a time). */
static inline void
sample_at(struct samples *s, uint64_t ops)
{
	if (ops >= s->next)
		sample_now(s, ops);
}

/* ---- Same thread --------------------------------------------------- */

static int
runq_local_1(struct env *e, uint64_t n, struct samples *s)
{
	struct lcx_runq *rq = e->rq_main;
	uint64_t cnt = 0, i;
	unsigned int j;

	sample_now(s, 0);
	for (i = 0; i < n; i += CHUNK) {
		for (j = 0; j < CHUNK; j++) {
			lcx_runq_post(rq, task_count, &cnt, TASK_PRIO);
			lcx_runq_run(rq, 1, 0);
		}
		sample_now(s, i + CHUNK);
	}
	return cnt == n ? 0 : -1;
}

static int
runq_local_32(struct env *e, uint64_t n, struct samples *s)
{
	struct lcx_runq *rq = e->rq_main;
	uint64_t cnt = 0, i;
	unsigned int j, k;

	sample_now(s, 0);
	for (i = 0; i < n; i += CHUNK) {
		for (j = 0; j < CHUNK; j += LCX_BURST) {
			for (k = 0; k < LCX_BURST; k++)
				lcx_runq_post(rq, task_count, &cnt, TASK_PRIO);
			lcx_runq_run(rq, LCX_BURST, 0);
		}
		sample_now(s, i + CHUNK);
	}
	return cnt == n ? 0 : -1;
}

/* What the loop pays each iteration to find its run queue empty. */
static int
runq_empty(struct env *e, uint64_t n, struct samples *s)
{
	struct lcx_runq *rq = e->rq_main;
	uint64_t ran = 0, i;
	unsigned int j;

	sample_now(s, 0);
	for (i = 0; i < n; i += CHUNK) {
		for (j = 0; j < CHUNK; j++)
			ran += lcx_runq_run(rq, LCX_BURST, 0);
		sample_now(s, i + CHUNK);
	}
	return ran == 0 ? 0 : -1;
}

static int
ring_spsc_1(struct env *e, uint64_t n, struct samples *s)
{
	struct rte_ring *r = e->spsc;
	struct lcx_task t = { .fn = task_count, .arg = NULL }, o;
	uint64_t acc = 0, i;
	unsigned int j;

	sample_now(s, 0);
	for (i = 0; i < n; i += CHUNK) {
		for (j = 0; j < CHUNK; j++) {
			t.arg = (void *)(uintptr_t)(i + j);
			rte_ring_sp_enqueue_elem(r, &t, sizeof(t));
			if (rte_ring_sc_dequeue_elem(r, &o, sizeof(o)) == 0)
				acc += (uintptr_t)o.arg;
		}
		sample_now(s, i + CHUNK);
	}
	sink = acc;
	return acc == n * (n - 1) / 2 ? 0 : -1;
}

static int
ring_spsc_32(struct env *e, uint64_t n, struct samples *s)
{
	struct rte_ring *r = e->spsc;
	struct lcx_task in[LCX_BURST], out[LCX_BURST];
	uint64_t got = 0, i;
	unsigned int j, k, m;

	for (j = 0; j < LCX_BURST; j++)
		in[j] = (struct lcx_task){ .fn = task_count, .arg = &in[j] };
	sample_now(s, 0);
	for (i = 0; i < n; i += CHUNK) {
		for (j = 0; j < CHUNK; j += LCX_BURST) {
			rte_ring_sp_enqueue_burst_elem(r, in, sizeof(in[0]),
					LCX_BURST, NULL);
			k = rte_ring_sc_dequeue_burst_elem(r, out,
					sizeof(out[0]), LCX_BURST, NULL);
			for (m = 0; m < k; m++)
				got += out[m].arg != NULL;
		}
		sample_now(s, i + CHUNK);
	}
	sink = got;
	return got == n ? 0 : -1;
}

/* ---- Cross lcore ----------------------------------------------------- */

static void
worker_wait_go(struct xrun *x)
{
	__atomic_store_n(&x->ready, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&x->go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
}

/* Launch fn on the worker, wait until it stands at the start line and
 * release it. */
static int
launch(struct xrun *x, lcore_function_t *fn)
{
	if (rte_eal_remote_launch(fn, x, x->env->worker) != 0)
		return -1;
	while (__atomic_load_n(&x->ready, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	__atomic_store_n(&x->go, 1, __ATOMIC_RELEASE);
	return 0;
}

static int
finish(struct xrun *x)
{
	return rte_eal_wait_lcore(x->env->worker) == 0 ? 0 : -1;
}

static int
runq_cross_consumer(void *arg)
{
	struct xrun *x = arg;
	struct lcx_runq *rq = x->env->rq_worker;

	worker_wait_go(x);
	sample_now(x->s, 0);
	while (x->count < x->n) {
		lcx_runq_run(rq, LCX_BURST, 0);
		sample_at(x->s, x->count);
	}
	sample_now(x->s, x->count);
	return 0;
}

static int
runq_cross(struct env *e, uint64_t n, struct samples *s)
{
	struct xrun x = { .env = e, .s = s, .n = n };
	struct lcx_runq *rq = e->rq_worker;
	uint64_t i;

	if (launch(&x, runq_cross_consumer) != 0)
		return -1;
	for (i = 0; i < n; i++)
		while (lcx_runq_post(rq, task_count, &x.count,
				TASK_PRIO) != 0)
			rte_pause();
	if (finish(&x) != 0)
		return -1;
	return x.count == n ? 0 : -1;
}

static int
ring_cross_consumer(void *arg)
{
	struct xrun *x = arg;
	struct rte_ring *r = x->env->mpsc;
	struct lcx_task out[LCX_BURST];
	uint64_t got = 0, acc = 0;
	unsigned int j, k;

	worker_wait_go(x);
	sample_now(x->s, 0);
	/* The same consumer as the run queue's: SC dequeue of up to a burst. */
	while (got < x->n) {
		k = rte_ring_sc_dequeue_burst_elem(r, out, sizeof(out[0]),
				LCX_BURST, NULL);
		for (j = 0; j < k; j++)
			acc += (uintptr_t)out[j].arg;
		got += k;
		sample_at(x->s, got);
	}
	sample_now(x->s, got);
	x->count = got;
	x->sink = acc;
	return 0;
}

static int
ring_mpsc_1(struct env *e, uint64_t n, struct samples *s)
{
	struct xrun x = { .env = e, .s = s, .n = n };
	struct lcx_task t = { .fn = task_count, .arg = NULL };
	uint64_t i;

	if (launch(&x, ring_cross_consumer) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		t.arg = (void *)(uintptr_t)i;
		while (rte_ring_mp_enqueue_elem(e->mpsc, &t, sizeof(t)) != 0)
			rte_pause();
	}
	if (finish(&x) != 0)
		return -1;
	return x.count == n ? 0 : -1;
}

static int
ring_mpsc_32(struct env *e, uint64_t n, struct samples *s)
{
	struct xrun x = { .env = e, .s = s, .n = n };
	struct lcx_task in[LCX_BURST];
	uint64_t i;
	unsigned int j, k;

	for (j = 0; j < LCX_BURST; j++)
		in[j] = (struct lcx_task){ .fn = task_count, .arg = &in[j] };
	if (launch(&x, ring_cross_consumer) != 0)
		return -1;
	for (i = 0; i < n; i += k) {
		k = rte_ring_mp_enqueue_burst_elem(e->mpsc, in, sizeof(in[0]),
				RTE_MIN((uint64_t)LCX_BURST, n - i), NULL);
		if (k == 0)
			rte_pause();
	}
	if (finish(&x) != 0)
		return -1;
	return x.count == n ? 0 : -1;
}

/* ---- Round trips ------------------------------------------------------ */

static int
call_echo(void *arg)
{
	return (int)(uintptr_t)arg;
}

static void
call_done(struct lcx_call *call)
{
	uint32_t *flag = call->user;

	*flag = 1;
}

/* Context B: serve its run queue until told to stop. */
static int
call_server(void *arg)
{
	struct xrun *x = arg;
	struct lcx_runq *rq = x->env->rq_worker;

	worker_wait_go(x);
	while (__atomic_load_n(&x->stop, __ATOMIC_RELAXED) == 0)
		lcx_runq_run(rq, LCX_BURST, 0);
	lcx_runq_drain(rq);
	return 0;
}

/* Context A (main lcore) calls B and runs its own queue until the reply
 * has run there, then calls again: one call in flight. */
static int
runq_call(struct env *e, uint64_t n, struct samples *s)
{
	struct xrun x = { .env = e, .n = n };
	volatile uint32_t replied;
	struct lcx_call call = {
		.fn = call_echo,
		.done = call_done,
		.reply_to = e->rq_main,
		.prio = TASK_PRIO,
		.user = (void *)(uintptr_t)&replied,
	};
	uint64_t i, bad = 0;
	unsigned int j;

	if (launch(&x, call_server) != 0)
		return -1;
	sample_now(s, 0);
	for (i = 0; i < n; i += CHUNK_RT) {
		for (j = 0; j < CHUNK_RT; j++) {
			replied = 0;
			call.arg = (void *)(uintptr_t)j;
			while (lcx_runq_call(e->rq_worker, &call) != 0)
				rte_pause();
			while (replied == 0)
				lcx_runq_run(e->rq_main, LCX_BURST, 0);
			bad += call.result != (int)j;
		}
		sample_now(s, i + CHUNK_RT);
	}
	__atomic_store_n(&x.stop, 1, __ATOMIC_RELAXED);
	if (finish(&x) != 0 || bad != 0)
		return -1;
	return 0;
}

static int
pingpong_server(void *arg)
{
	struct xrun *x = arg;
	struct lcx_task t;
	uint64_t i;

	worker_wait_go(x);
	for (i = 0; i < x->n; i++) {
		while (rte_ring_sc_dequeue_elem(x->env->ping, &t,
				sizeof(t)) != 0)
			rte_pause();
		while (rte_ring_sp_enqueue_elem(x->env->pong, &t,
				sizeof(t)) != 0)
			rte_pause();
	}
	return 0;
}

/* The floor under a call round trip: one element there and back through
 * two SP/SC rings, no function run at either end. */
static int
ring_pingpong(struct env *e, uint64_t n, struct samples *s)
{
	struct xrun x = { .env = e, .n = n };
	struct lcx_task t = { .fn = task_count, .arg = NULL }, o;
	uint64_t i;
	unsigned int j;

	if (launch(&x, pingpong_server) != 0)
		return -1;
	sample_now(s, 0);
	for (i = 0; i < n; i += CHUNK_RT) {
		for (j = 0; j < CHUNK_RT; j++) {
			rte_ring_sp_enqueue_elem(e->ping, &t, sizeof(t));
			while (rte_ring_sc_dequeue_elem(e->pong, &o,
					sizeof(o)) != 0)
				rte_pause();
		}
		sample_now(s, i + CHUNK_RT);
	}
	return finish(&x);
}

/* ---- Driver ---------------------------------------------------------- */

enum kind { LOCAL, CROSS, ROUND_TRIP };

struct meas {
	const char *key;
	const char *label;
	int (*run)(struct env *e, uint64_t n, struct samples *s);
	enum kind kind;
};

static const struct meas meas[FIG_MAX] = {
	[FIG_RUNQ_LOCAL_1] = { "runq_local_post1_run1",
		"runq local: post 1 + run 1", runq_local_1, LOCAL },
	[FIG_RUNQ_LOCAL_32] = { "runq_local_post32_run32",
		"runq local: post 32 + run 32", runq_local_32, LOCAL },
	[FIG_RUNQ_CROSS] = { "runq_cross_post",
		"runq cross-lcore post (at consumer)", runq_cross, CROSS },
	[FIG_RUNQ_CALL] = { "runq_call_round_trip",
		"runq call + reply, round trip", runq_call, ROUND_TRIP },
	[FIG_RUNQ_EMPTY] = { "runq_run_empty",
		"runq run, queue empty (per loop pass)", runq_empty, LOCAL },
	[FIG_RING_SPSC_1] = { "ring_spsc_single",
		"rte_ring SP/SC single enq+deq", ring_spsc_1, LOCAL },
	[FIG_RING_SPSC_32] = { "ring_spsc_burst32",
		"rte_ring SP/SC burst-32 enq+deq", ring_spsc_32, LOCAL },
	[FIG_RING_MPSC_1] = { "ring_mpsc_single_cross",
		"rte_ring MP/SC single, cross-lcore", ring_mpsc_1, CROSS },
	[FIG_RING_MPSC_32] = { "ring_mpsc_burst32_cross",
		"rte_ring MP/SC burst-32, cross-lcore", ring_mpsc_32, CROSS },
	[FIG_RING_PINGPONG] = { "ring_spsc_pingpong",
		"rte_ring SP/SC ping-pong, round trip", ring_pingpong,
		ROUND_TRIP },
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n-1], which it sorts. */
static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Whole-run and steady (median chunk) cycles per operation of one run. */
static int
samples_eval(const struct samples *s, double *chunk, double *whole,
		double *steady)
{
	unsigned int i, m = 0;

	if (s->n < 2 || s->ops[s->n - 1] == 0)
		return -1;
	*whole = (double)(s->tsc[s->n - 1] - s->tsc[0]) / s->ops[s->n - 1];
	for (i = 1; i < s->n; i++)
		if (s->ops[i] > s->ops[i - 1])
			chunk[m++] = (double)(s->tsc[i] - s->tsc[i - 1]) /
				(s->ops[i] - s->ops[i - 1]);
	*steady = median(chunk, m);
	return 0;
}

static void
fig_summarise(struct bench_fig *f)
{
	double v[BENCH_MAX_REPEAT];

	if (f->runs == 0)
		return;
	memcpy(v, f->cyc, f->runs * sizeof(v[0]));
	f->median = median(v, f->runs);
	f->min = v[0];
	f->max = v[f->runs - 1];
	memcpy(v, f->steady, f->runs * sizeof(v[0]));
	f->steady_median = median(v, f->runs);
}

static struct rte_ring *
ring_make(const char *name, unsigned int flags)
{
	struct rte_ring *r;

	/* Sized and flagged like a run-queue class ring (lib/runq). */
	r = rte_ring_create_elem(name, sizeof(struct lcx_task), QDEPTH,
			SOCKET_ID_ANY, flags | RING_F_EXACT_SZ);
	if (r == NULL)
		fprintf(stderr, "lcx-bench: ring %s: %s\n", name,
				rte_strerror(rte_errno));
	return r;
}

static void
env_free(struct env *e)
{
	lcx_runq_free(e->rq_main);
	lcx_runq_free(e->rq_worker);
	rte_ring_free(e->spsc);
	rte_ring_free(e->mpsc);
	rte_ring_free(e->ping);
	rte_ring_free(e->pong);
}

static int
env_init(struct env *e)
{
	memset(e, 0, sizeof(*e));
	e->worker = bench_worker_lcore();
	/* Classic MP producers: one lcore a core here, as the manager
	 * chooses for such a topology (LCX_RUNQ_F_RTS otherwise). */
	e->rq_main = lcx_runq_create(QDEPTH, rte_lcore_id(), SOCKET_ID_ANY,
			STARVE_K, 0);
	e->rq_worker = lcx_runq_create(QDEPTH, e->worker == RTE_MAX_LCORE ?
			LCORE_ID_ANY : e->worker, SOCKET_ID_ANY, STARVE_K, 0);
	if (e->rq_main == NULL || e->rq_worker == NULL) {
		fprintf(stderr, "lcx-bench: run queue: %s\n",
				lcx_strerror(lcx_errno));
		goto free_env;
	}
	e->spsc = ring_make("bench_spsc", RING_F_SP_ENQ | RING_F_SC_DEQ);
	e->mpsc = ring_make("bench_mpsc", RING_F_SC_DEQ);
	e->ping = ring_make("bench_ping", RING_F_SP_ENQ | RING_F_SC_DEQ);
	e->pong = ring_make("bench_pong", RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (e->spsc == NULL || e->mpsc == NULL || e->ping == NULL ||
			e->pong == NULL)
		goto free_env;
	return 0;

free_env:
	env_free(e);
	return -1;
}

/* Operations per run: whole chunks for the loops that sample per chunk. */
static uint64_t
iterations(const struct bench_opts *o, enum kind k)
{
	uint64_t n, c;

	switch (k) {
	case LOCAL:
		n = o->iter_local;
		c = CHUNK;
		break;
	case CROSS:
		return o->iter_cross;
	default:
		n = o->iter_call;
		c = CHUNK_RT;
		break;
	}
	return RTE_MAX(n - n % c, c);
}

static unsigned int
chunk_of(enum kind k)
{
	return k == ROUND_TRIP ? CHUNK_RT : CHUNK;
}

int
bench_runq(const struct bench_opts *o, struct bench_fig figs[FIG_MAX])
{
	struct samples s = { 0 };
	double *chunk = NULL, whole, steady;
	uint64_t n, most = 0;
	unsigned int r, i;
	struct env e;
	int ret = -1;

	if (env_init(&e) != 0)
		return -1;
	for (i = 0; i < FIG_MAX; i++) {
		memset(&figs[i], 0, sizeof(figs[i]));
		figs[i].key = meas[i].key;
		figs[i].label = meas[i].label;
		figs[i].ops = iterations(o, meas[i].kind);
		if (meas[i].kind != LOCAL && e.worker == RTE_MAX_LCORE)
			figs[i].skipped = "needs a worker lcore (EAL -l 0-1)";
		most = RTE_MAX(most, figs[i].ops / chunk_of(meas[i].kind));
	}
	s.max = most + 3;
	s.tsc = malloc(s.max * sizeof(*s.tsc));
	s.ops = malloc(s.max * sizeof(*s.ops));
	chunk = malloc(s.max * sizeof(*chunk));
	if (s.tsc == NULL || s.ops == NULL || chunk == NULL) {
		fprintf(stderr, "lcx-bench: no memory for samples\n");
		goto free_samples;
	}

	/* Pass 0 warms caches, branch predictors and the worker up; it is
	 * not counted.  Then one pass over every measurement per repeat. */
	for (r = 0; r <= o->repeat; r++) {
		bench_progress(o, r == 0 ? "warm-up pass" :
				"pass %u/%u", r, o->repeat);
		for (i = 0; i < FIG_MAX; i++) {
			if (figs[i].skipped != NULL)
				continue;
			n = figs[i].ops;
			if (r == 0)
				n = RTE_MAX(n / 4 - n / 4 %
						chunk_of(meas[i].kind),
						(uint64_t)chunk_of(
							meas[i].kind));
			s.n = 0;
			s.next = 0;
			s.every = chunk_of(meas[i].kind);
			if (meas[i].run(&e, n, &s) != 0 ||
					samples_eval(&s, chunk, &whole,
						&steady) != 0) {
				fprintf(stderr, "lcx-bench: %s failed "
						"(lost or wrong elements)\n",
						meas[i].key);
				goto free_samples;
			}
			if (r != 0) {
				figs[i].cyc[figs[i].runs] = whole;
				figs[i].steady[figs[i].runs] = steady;
				figs[i].runs++;
			}
		}
	}
	for (i = 0; i < FIG_MAX; i++)
		fig_summarise(&figs[i]);
	ret = 0;

free_samples:
	free(chunk);
	free(s.ops);
	free(s.tsc);
	env_free(&e);
	return ret;
}
