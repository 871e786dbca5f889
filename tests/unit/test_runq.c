/* SPDX-License-Identifier: BSD-3-Clause */
/* Run queue: FIFO per class, class order, starvation bound, full queue,
 * three producer lcores x 1 M tasks, calls with a reply, batch posts. */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "lcx_runq.h"
#include "lcx_test.h"

#define NOT_ME (RTE_MAX_LCORE - 1) /* an owner that is not the test thread */

static unsigned int order[4096];
static unsigned int nb_order;

static void
record(void *arg)
{
	order[nb_order++] = (unsigned int)(uintptr_t)arg;
}

static int
suite_init(void)
{
	return lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL);
}

static void
fifo_one_path(unsigned int owner, uint64_t want_local)
{
	struct lcx_runq_stats st;
	struct lcx_runq *rq;
	unsigned int i;

	rq = lcx_runq_create(256, owner, SOCKET_ID_ANY, 4, 0);
	CU_ASSERT_FATAL(rq != NULL);
	nb_order = 0;
	for (i = 0; i < 200; i++)
		CU_ASSERT(lcx_runq_post(rq, record, (void *)(uintptr_t)i,
				LCX_PRIO_NORMAL) == 0);
	CU_ASSERT(lcx_runq_count(rq) == 200);
	CU_ASSERT(lcx_runq_run(rq, 1000, 0) == 200);
	CU_ASSERT(nb_order == 200);
	for (i = 0; i < 200; i++)
		CU_ASSERT(order[i] == i);
	lcx_runq_stats_get(rq, &st);
	CU_ASSERT(st.run[LCX_PRIO_NORMAL] == 200);
	CU_ASSERT(st.local_posts == want_local);
	CU_ASSERT(lcx_runq_count(rq) == 0);
	CU_ASSERT(lcx_runq_free(rq) == 0);
}

static void
test_fifo(void)
{
	fifo_one_path(NOT_ME, 0);          /* remote: MP ring */
	fifo_one_path(rte_lcore_id(), 200); /* owner: local FIFO */
}

static void
test_class_order(void)
{
	struct lcx_runq *rq = lcx_runq_create(64, NOT_ME, SOCKET_ID_ANY, 100, 0);
	unsigned int i;

	CU_ASSERT_FATAL(rq != NULL);
	nb_order = 0;
	/* interleave: L0 N1 H2 L3 N4 H5 ... */
	for (i = 0; i < 30; i++)
		lcx_runq_post(rq, record, (void *)(uintptr_t)i,
			(enum lcx_prio)(LCX_PRIO_LOW - i % 3));
	CU_ASSERT(lcx_runq_run(rq, 100, 0) == 30);
	for (i = 0; i < 10; i++) {
		CU_ASSERT(order[i] % 3 == 2);      /* high first, in order */
		CU_ASSERT(order[10 + i] % 3 == 1); /* then normal */
		CU_ASSERT(order[20 + i] % 3 == 0); /* then low */
		CU_ASSERT(i == 0 || order[i] > order[i - 1]);
	}
	lcx_runq_free(rq);
}

/* A high task that posts itself again: the high class is never empty. */
static struct lcx_runq *hog_rq;
static unsigned int hog_runs;

static void
hog(void *arg)
{
	hog_runs++;
	CU_ASSERT(lcx_runq_post(hog_rq, hog, arg, LCX_PRIO_HIGH) == 0);
}

static unsigned int low_round;
static unsigned int cur_round;

static void
low_task(void *arg)
{
	(void)arg;
	low_round = cur_round;
}

static void
starve_with_k(uint32_t k)
{
	struct lcx_runq_stats st;

	hog_rq = lcx_runq_create(64, rte_lcore_id(), SOCKET_ID_ANY, k, 0);
	CU_ASSERT_FATAL(hog_rq != NULL);
	hog_runs = 0;
	low_round = 0;
	CU_ASSERT(lcx_runq_post(hog_rq, low_task, NULL, LCX_PRIO_LOW) == 0);
	CU_ASSERT(lcx_runq_post(hog_rq, hog, NULL, LCX_PRIO_HIGH) == 0);
	/* One task per round: without the guard the low task never runs. */
	for (cur_round = 1; cur_round <= 10 * k + 10 && low_round == 0;
			cur_round++)
		CU_ASSERT(lcx_runq_run(hog_rq, 1, 0) == 1);
	/* Passed over in rounds 1..K, served first in round K+1. */
	CU_ASSERT(low_round == k + 1);
	CU_ASSERT(hog_runs == k);
	lcx_runq_stats_get(hog_rq, &st);
	CU_ASSERT(st.starve_boosts == 1);
	CU_ASSERT(lcx_runq_free(hog_rq) == 1);	/* the hog, discarded */
}

static void
test_starvation_bound(void)
{
	starve_with_k(1);
	starve_with_k(3);
	starve_with_k(8);
}

static void
full_one_path(unsigned int owner)
{
	struct lcx_runq_stats st;
	struct lcx_runq *rq = lcx_runq_create(10, owner, SOCKET_ID_ANY, 4, 0);
	unsigned int i;

	CU_ASSERT_FATAL(rq != NULL);
	nb_order = 0;
	for (i = 0; i < 10; i++)
		CU_ASSERT(lcx_runq_post(rq, record, (void *)(uintptr_t)i,
				LCX_PRIO_LOW) == 0);
	/* exact depth: the 11th is refused, not the next power of two */
	CU_ASSERT(lcx_runq_post(rq, record, (void *)99, LCX_PRIO_LOW) == -ENOBUFS);
	CU_ASSERT(lcx_runq_post(rq, record, (void *)98, LCX_PRIO_LOW) == -ENOBUFS);
	/* other classes have their own room */
	CU_ASSERT(lcx_runq_post(rq, record, (void *)50, LCX_PRIO_HIGH) == 0);
	lcx_runq_stats_get(rq, &st);
	CU_ASSERT(st.refused == 2);
	CU_ASSERT(lcx_runq_drain(rq) == 11);
	CU_ASSERT(order[0] == 50);
	for (i = 0; i < 10; i++)
		CU_ASSERT(order[1 + i] == i);	/* nothing queued was lost */
	lcx_runq_free(rq);
}

static void
test_full(void)
{
	full_one_path(NOT_ME);
	full_one_path(rte_lcore_id());
}

static void
test_bad_args(void)
{
	CU_ASSERT(lcx_runq_create(0, 0, SOCKET_ID_ANY, 4, 0) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	CU_ASSERT(lcx_runq_create(16, 0, SOCKET_ID_ANY, 0, 0) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	CU_ASSERT(lcx_runq_create((1u << 24) + 1, 0, SOCKET_ID_ANY, 1, 0) == NULL);
	CU_ASSERT(lcx_runq_create(16, 0, SOCKET_ID_ANY, 1, 0x80) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	CU_ASSERT(lcx_runq_free(NULL) == 0);
}

/* ---- 3 producers x 1 M tasks to one consumer ---------------------------- */

#define NB_PROD 3
#define PER_PROD 1000000u

static struct lcx_runq *mp_rq;
static uint64_t expect_seq[NB_PROD];
static uint64_t bad_order;
static uint64_t got_total;
static uint64_t prod_retries[NB_PROD];
static uint32_t mp_abort;

/* arg = producer << 32 | sequence number */
static void
mp_task(void *arg)
{
	uint64_t v = (uint64_t)(uintptr_t)arg;
	unsigned int p = v >> 32;
	uint64_t seq = v & 0xffffffffu;

	if (p >= NB_PROD || seq != expect_seq[p])
		bad_order++;	/* lost, duplicated or reordered */
	else
		expect_seq[p]++;
	got_total++;
}

static int
producer(void *arg)
{
	unsigned int p = (unsigned int)(uintptr_t)arg;
	uint64_t i;

	for (i = 0; i < PER_PROD; i++) {
		void *a = (void *)(uintptr_t)(((uint64_t)p << 32) | i);

		while (lcx_runq_post(mp_rq, mp_task, a, LCX_PRIO_NORMAL) != 0) {
			if (__atomic_load_n(&mp_abort, __ATOMIC_RELAXED))
				return -1;
			prod_retries[p]++;
			rte_pause();
		}
	}
	return 0;
}

static void
test_three_producers(void)
{
	struct lcx_runq_stats st;
	unsigned int lcore, p = 0;
	uint64_t deadline;

	/* 4 lcores on 2 cores: producers get preempted mid-post; RTS keeps
	 * the others going (with classic MP this test took minutes) */
	mp_rq = lcx_runq_create(4096, rte_lcore_id(), SOCKET_ID_ANY, 8,
			LCX_RUNQ_F_RTS);
	CU_ASSERT_FATAL(mp_rq != NULL);
	CU_ASSERT_FATAL(rte_lcore_count() >= NB_PROD + 1);
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (p == NB_PROD)
			break;
		CU_ASSERT_FATAL(rte_eal_remote_launch(producer,
				(void *)(uintptr_t)p, lcore) == 0);
		p++;
	}
	deadline = rte_rdtsc() + 120 * rte_get_tsc_hz();
	while (got_total < (uint64_t)NB_PROD * PER_PROD &&
			rte_rdtsc() < deadline)
		lcx_runq_run(mp_rq, 256, 0);
	__atomic_store_n(&mp_abort, 1, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	lcx_runq_drain(mp_rq);
	CU_ASSERT(got_total == (uint64_t)NB_PROD * PER_PROD);
	CU_ASSERT(bad_order == 0);
	for (p = 0; p < NB_PROD; p++)
		CU_ASSERT(expect_seq[p] == PER_PROD);
	lcx_runq_stats_get(mp_rq, &st);
	CU_ASSERT(st.run[LCX_PRIO_NORMAL] == (uint64_t)NB_PROD * PER_PROD);
	/* every refusal was counted, and every refused post was retried */
	CU_ASSERT(st.refused == prod_retries[0] + prod_retries[1] + prod_retries[2]);
	CU_ASSERT(st.local_posts == 0);
	lcx_runq_free(mp_rq);
}

/* ---- calls with a reply ----------------------------------------------- */

static struct lcx_runq *rq_a, *rq_b;
static volatile uint32_t b_stop;

static int
consumer_b(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&b_stop, __ATOMIC_ACQUIRE))
		lcx_runq_run(rq_b, 32, 0);
	return 0;
}

static unsigned int done_lcore = LCORE_ID_ANY;
static unsigned int fn_lcore = LCORE_ID_ANY;
static int done_result;
static int done_count;

static int
double_it(void *arg)
{
	fn_lcore = rte_lcore_id();
	return 2 * (int)(intptr_t)arg;
}

static void
call_done(struct lcx_call *c)
{
	done_lcore = rte_lcore_id();
	done_result = c->result;
	done_count++;
}

static int
slow_fn(void *arg)
{
	rte_delay_ms(50);
	return (int)(intptr_t)arg;
}

static void
test_call_reply(void)
{
	struct lcx_call call = {
		.fn = double_it, .arg = (void *)21, .done = call_done,
		.prio = LCX_PRIO_NORMAL,
	};
	unsigned int wlcore = rte_get_next_lcore(-1, 1, 0);
	uint64_t deadline;
	int res = 0;

	rq_a = lcx_runq_create(64, rte_lcore_id(), SOCKET_ID_ANY, 4, 0);
	rq_b = lcx_runq_create(64, wlcore, SOCKET_ID_ANY, 4, 0);
	CU_ASSERT_FATAL(rq_a != NULL && rq_b != NULL);
	call.reply_to = rq_a;

	/* call_wait without a running consumer times out, and is answered
	 * (and its record freed) once the consumer runs */
	CU_ASSERT(lcx_runq_call_wait(rq_b, double_it, (void *)1, 1000, &res)
		== -ETIMEDOUT);
	CU_ASSERT(lcx_runq_call_wait(rq_a, double_it, (void *)1, 1000, &res)
		== -EDEADLK);

	b_stop = 0;
	CU_ASSERT_FATAL(rte_eal_remote_launch(consumer_b, NULL, wlcore) == 0);

	CU_ASSERT(lcx_runq_call(rq_b, &call) == 0);
	deadline = rte_rdtsc() + 5 * rte_get_tsc_hz();
	while (done_count == 0 && rte_rdtsc() < deadline)
		lcx_runq_run(rq_a, 32, 0);
	CU_ASSERT(done_count == 1);
	CU_ASSERT(done_result == 42);
	CU_ASSERT(fn_lcore == wlcore);          /* fn ran on B */
	CU_ASSERT(done_lcore == rte_lcore_id()); /* completion on A */

	CU_ASSERT(lcx_runq_call_wait(rq_b, double_it, (void *)5, 2000000, &res) == 0);
	CU_ASSERT(res == 10);
	/* a slow target past the timeout: -ETIMEDOUT now, no leak later */
	CU_ASSERT(lcx_runq_call_wait(rq_b, slow_fn, (void *)3, 1000, &res)
		== -ETIMEDOUT);
	call.done = NULL;
	CU_ASSERT(lcx_runq_call(rq_b, &call) == -EINVAL);

	rte_delay_ms(100);
	__atomic_store_n(&b_stop, 1, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(wlcore);
	lcx_runq_free(rq_a);
	lcx_runq_free(rq_b);
}

/* ---- lcx_runq_post_burst ------------------------------------------------ */

static void
burst_one_path(unsigned int owner, uint64_t want_local)
{
	struct lcx_task t[100];
	struct lcx_runq_stats st;
	struct lcx_runq *rq;
	unsigned int i;

	rq = lcx_runq_create(150, owner, SOCKET_ID_ANY, 4, 0);
	CU_ASSERT_FATAL(rq != NULL);
	for (i = 0; i < 100; i++) {
		t[i].fn = record;
		t[i].arg = (void *)(uintptr_t)i;
	}
	nb_order = 0;
	/* A single post, then a batch: the batch comes after it, in order. */
	CU_ASSERT(lcx_runq_post(rq, record, (void *)(uintptr_t)1000,
			LCX_PRIO_NORMAL) == 0);
	CU_ASSERT(lcx_runq_post_burst(rq, t, 100, LCX_PRIO_NORMAL) == 100);
	/* 101 queued of 150: the next batch of 100 gets 49 in. */
	CU_ASSERT(lcx_runq_post_burst(rq, t, 100, LCX_PRIO_NORMAL) == 49);
	CU_ASSERT(lcx_runq_post_burst(rq, t, 100, LCX_PRIO_NORMAL) == 0);
	CU_ASSERT(lcx_runq_count(rq) == 150);
	lcx_runq_stats_get(rq, &st);
	CU_ASSERT(st.refused == 51 + 100);
	CU_ASSERT(st.local_posts == want_local);
	CU_ASSERT(lcx_runq_post_burst(rq, t, 0, LCX_PRIO_NORMAL) == 0);
	CU_ASSERT(lcx_runq_drain(rq) == 150);
	CU_ASSERT_FATAL(nb_order == 150);
	CU_ASSERT(order[0] == 1000);
	for (i = 0; i < 100; i++)
		CU_ASSERT(order[1 + i] == i);
	for (i = 0; i < 49; i++)
		CU_ASSERT(order[101 + i] == i);
	CU_ASSERT(lcx_runq_free(rq) == 0);
}

static void
test_post_burst(void)
{
	burst_one_path(NOT_ME, 0);            /* remote: one ring enqueue */
	burst_one_path(rte_lcore_id(), 1 + 149); /* owner: local FIFO */
}

#define BURST_PRODUCERS 3
#define BURST_TASKS 100000
static struct lcx_runq *burst_rq;
static uint64_t burst_sum[BURST_PRODUCERS];
static uint32_t burst_next[BURST_PRODUCERS];
static uint32_t burst_bad;

static void
burst_count(void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	unsigned int p = v >> 24;

	/* Each producer's tasks arrive in its own order. */
	if (p >= BURST_PRODUCERS || (v & 0xffffff) != burst_next[p])
		burst_bad++;
	else
		burst_next[p]++;
	burst_sum[p % BURST_PRODUCERS]++;
}

static int
burst_producer(void *arg)
{
	unsigned int p = (unsigned int)(uintptr_t)arg, sent = 0, n, k, i;
	struct lcx_task t[24];

	while (sent < BURST_TASKS) {
		n = RTE_MIN(24u, BURST_TASKS - sent);
		for (i = 0; i < n; i++) {
			t[i].fn = burst_count;
			t[i].arg = (void *)(uintptr_t)(p << 24 | (sent + i));
		}
		k = lcx_runq_post_burst(burst_rq, t, n, LCX_PRIO_NORMAL);
		sent += k;
		if (k < n)
			rte_pause();
	}
	return 0;
}

static void
test_post_burst_producers(void)
{
	unsigned int lc, p = 0, i;
	uint64_t total = 0, deadline;

	burst_rq = lcx_runq_create(256, rte_lcore_id(), SOCKET_ID_ANY, 4,
			LCX_RUNQ_F_RTS);
	CU_ASSERT_FATAL(burst_rq != NULL);
	memset(burst_sum, 0, sizeof(burst_sum));
	memset(burst_next, 0, sizeof(burst_next));
	burst_bad = 0;
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (p == BURST_PRODUCERS)
			break;
		CU_ASSERT_FATAL(rte_eal_remote_launch(burst_producer,
				(void *)(uintptr_t)p, lc) == 0);
		p++;
	}
	deadline = rte_rdtsc() + 60 * rte_get_tsc_hz();
	while (total < (uint64_t)p * BURST_TASKS && rte_rdtsc() < deadline)
		total += lcx_runq_run(burst_rq, 256, 0);
	rte_eal_mp_wait_lcore();
	CU_ASSERT(total == (uint64_t)p * BURST_TASKS);
	CU_ASSERT(burst_bad == 0);
	for (i = 0; i < p; i++)
		CU_ASSERT(burst_sum[i] == BURST_TASKS);
	CU_ASSERT(lcx_runq_count(burst_rq) == 0);
	lcx_runq_free(burst_rq);
}

static CU_TestInfo tests[] = {
	{ "FIFO within a class (remote and local path)", test_fifo },
	{ "classes run high, normal, low", test_class_order },
	{ "starvation bound K", test_starvation_bound },
	{ "full queue refuses and loses nothing", test_full },
	{ "bad arguments", test_bad_args },
	{ "3 producer lcores x 1M tasks, exact counts", test_three_producers },
	{ "call with reply, blocking call, timeout", test_call_reply },
	{ "post_burst: order, partial fill, refusals", test_post_burst },
	{ "post_burst: 3 lcores x 100k, exact", test_post_burst_producers },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "runq", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
