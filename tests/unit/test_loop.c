/* SPDX-License-Identifier: BSD-3-Clause */
/* Loop: task budget and cycle budget per iteration, timers, stop (with
 * queued tasks drained), adaptive idle parking and waking, busy/idle
 * cycle accounting. */
#include <errno.h>
#include <inttypes.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "lcx_loop.h"
#include "lcx_mgr.h"
#include "lcx_test.h"

static int
suite_init(void)
{
	if (lcx_test_eal_init("0@0,1@1,2@0", NULL) != 0)
		return -1;
	return lcx_test_mgr_init();
}

static int
suite_clean(void)
{
	return lcx_mgr_fini();
}

static struct lcx_ctx *
local_ctx(uint32_t tasks, uint64_t budget)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.limits.tasks_per_iter = tasks;
	conf.limits.cycle_budget = budget;
	return lcx_ctx_create(&conf);
}

static unsigned int ran;

static void
count_task(void *arg)
{
	(void)arg;
	ran++;
}

static void
spin_task(void *arg)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(uintptr_t)arg;

	while (rte_rdtsc() < end)
		;
	ran++;
}

static void
test_task_budget(void)
{
	struct lcx_ctx *ctx = local_ctx(4, 0);
	unsigned int i;

	CU_ASSERT_FATAL(ctx != NULL);
	ran = 0;
	for (i = 0; i < 18; i++)
		CU_ASSERT(lcx_ctx_post(ctx, count_task, NULL, LCX_PRIO_NORMAL) == 0);
	for (i = 1; i <= 4; i++) {
		CU_ASSERT(lcx_loop_iterate(ctx, rte_rdtsc()) == 4);
		CU_ASSERT(ran == 4 * i);
	}
	CU_ASSERT(lcx_loop_iterate(ctx, rte_rdtsc()) == 2);
	CU_ASSERT(lcx_loop_iterate(ctx, rte_rdtsc()) == 0);
	CU_ASSERT(ctx->stats.tasks_run == 18);
	lcx_ctx_free(ctx);
}

static void
test_cycle_budget(void)
{
	/* 100 tasks of 10k cycles each, 1000 allowed by count but only
	 * 50k cycles of budget: the iteration stops after about 5 */
	struct lcx_ctx *ctx = local_ctx(1000, 50000);
	unsigned int i, first;

	CU_ASSERT_FATAL(ctx != NULL);
	ran = 0;
	for (i = 0; i < 100; i++)
		lcx_ctx_post(ctx, spin_task, (void *)10000, LCX_PRIO_NORMAL);
	first = lcx_loop_iterate(ctx, rte_rdtsc());
	CU_ASSERT(first >= 1);
	CU_ASSERT(first <= 10);
	/* and the rest comes in later iterations, nothing lost */
	while (ran < 100 && lcx_loop_iterate(ctx, rte_rdtsc()) != 0)
		;
	CU_ASSERT(ran == 100);
	lcx_ctx_free(ctx);
}

static unsigned int ticks, once_ticks;

static void
tick(struct lcx_timer *t, void *arg)
{
	(void)t;
	if (arg != NULL)
		once_ticks++;
	else
		ticks++;
}

static void
test_timers_fire(void)
{
	struct lcx_ctx *ctx = local_ctx(32, 0);
	struct lcx_timer once = { 0 }, every = { 0 };
	const uint64_t ms = rte_get_tsc_hz() / 1000;
	uint64_t end;

	CU_ASSERT_FATAL(ctx != NULL);
	ticks = once_ticks = 0;
	CU_ASSERT(lcx_timer_start(&ctx->timers, &once, 2 * ms, 0, tick, &once) == 0);
	CU_ASSERT(lcx_timer_start(&ctx->timers, &every, ms, ms, tick, NULL) == 0);
	CU_ASSERT(lcx_loop_iterate(ctx, rte_rdtsc()) == 0);	/* none due */
	/* no time bound on the count: a preempted loop fires a late
	 * periodic timer once, not once per missed period */
	end = rte_rdtsc() + 5000 * ms;
	while (ticks < 10 && rte_rdtsc() < end)
		lcx_loop_iterate(ctx, rte_rdtsc());
	CU_ASSERT(ticks == 10);
	CU_ASSERT(once_ticks == 1);
	CU_ASSERT(ctx->stats.timers_fired == ticks + once_ticks);
	CU_ASSERT(once.idx == 0 && every.idx != 0);
	lcx_ctx_free(ctx);
}

static struct lcx_ctx *
worker_ctx(enum lcx_idle_mode idle, uint32_t park_after, uint32_t sleep_us)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.idle = idle;
	conf.park_after = park_after;
	conf.sleep_us = sleep_us;
	conf.lcore = 1;
	return lcx_mgr_ctx_create(&conf);
}

static volatile uint32_t flag;
static volatile uint32_t seen_state;

static void
flag_task(void *arg)
{
	(void)arg;
	seen_state = lcx_ctx_state_get(lcx_ctx_self());
	__atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
}

static void
test_stop_drains(void)
{
	struct lcx_ctx *ctx = worker_ctx(LCX_IDLE_PAUSE, 1, 1);
	unsigned int i;

	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT(lcx_mgr_ctx_start(ctx->id) == 0);
	CU_ASSERT(lcx_test_wait_state(ctx, LCX_CTX_RUNNING, 2000));
	CU_ASSERT(lcx_mgr_ctx_start(ctx->id) == -EBUSY);
	ran = 0;
	/* queued right before the stop: the loop runs them as it leaves */
	for (i = 0; i < 50; i++)
		lcx_ctx_post(ctx, count_task, NULL, LCX_PRIO_LOW);
	CU_ASSERT(lcx_mgr_ctx_stop(ctx->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_wait(ctx->id) == 0);
	CU_ASSERT(lcx_ctx_state_get(ctx) == LCX_CTX_COMPLETED);
	CU_ASSERT(ran == 50);
	CU_ASSERT(lcx_runq_count(ctx->runq) == 0);
	/* pause mode never parks */
	CU_ASSERT(ctx->trans[LCX_CTX_RUNNING][LCX_CTX_BLOCKED] == 0);
	CU_ASSERT(ctx->stats.iterations > 0);
	/* and it can run again */
	CU_ASSERT(lcx_mgr_ctx_start(ctx->id) == 0);
	CU_ASSERT(lcx_test_wait_state(ctx, LCX_CTX_RUNNING, 2000));
	CU_ASSERT(lcx_mgr_ctx_destroy(ctx->id) == 0);
}

static void
test_adaptive_parks_and_wakes(void)
{
	struct lcx_ctx *ctx = worker_ctx(LCX_IDLE_ADAPTIVE, 64, 2000);
	uint64_t end;

	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT(lcx_mgr_ctx_start(ctx->id) == 0);
	/* no work: it parks */
	CU_ASSERT(lcx_test_wait_state(ctx, LCX_CTX_BLOCKED, 3000));
	CU_ASSERT(ctx->stats.parks >= 1);
	/* work wakes it: the task runs (while still BLOCKED, from the nap's
	 * poll), then the loop is back to RUNNING */
	flag = 0;
	CU_ASSERT(lcx_ctx_post(ctx, flag_task, NULL, LCX_PRIO_NORMAL) == 0);
	end = rte_rdtsc() + 3 * rte_get_tsc_hz();
	while (!__atomic_load_n(&flag, __ATOMIC_ACQUIRE) && rte_rdtsc() < end)
		rte_delay_us_sleep(100);
	CU_ASSERT(flag == 1);
	CU_ASSERT(seen_state == LCX_CTX_BLOCKED);
	end = rte_rdtsc() + 3 * rte_get_tsc_hz();
	while (__atomic_load_n(&ctx->trans[LCX_CTX_BLOCKED][LCX_CTX_RUNNING],
			__ATOMIC_RELAXED) == 0 && rte_rdtsc() < end)
		rte_delay_us_sleep(100);
	CU_ASSERT(ctx->trans[LCX_CTX_BLOCKED][LCX_CTX_RUNNING] >= 1);
	CU_ASSERT(lcx_mgr_ctx_stop(ctx->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_wait(ctx->id) == 0);
	/* parked from BLOCKED straight to COMPLETED is allowed too */
	CU_ASSERT(lcx_ctx_state_get(ctx) == LCX_CTX_COMPLETED);
	/* idle time dominates an idle context; busy time is the task's */
	CU_ASSERT(ctx->stats.idle_cycles > ctx->stats.busy_cycles);
	CU_ASSERT(ctx->stats.busy_cycles > 0);
	CU_ASSERT(lcx_mgr_ctx_destroy(ctx->id) == 0);
}

/* Naps double up to sleep_max_us: an idle context wakes rarely.  With
 * naps of 100 us doubling to 20 ms, 300 ms hold at most ~22 naps (one beat
 * each); fixed 100 us naps would beat hundreds of times even with the
 * oversleeping of a loaded machine, since nanosleep never returns early. */
static void
test_adaptive_backoff(void)
{
	struct lcx_ctx_conf conf;
	struct lcx_ctx *ctx;
	uint64_t h0, h1, end;

	lcx_ctx_conf_init(&conf);
	CU_ASSERT_EQUAL(conf.sleep_max_us, 1000);
	conf.limits.pool_size = 0;
	conf.idle = LCX_IDLE_ADAPTIVE;
	conf.park_after = 64;
	conf.sleep_us = 100;
	conf.sleep_max_us = 20000;
	conf.lcore = 1;
	ctx = lcx_mgr_ctx_create(&conf);
	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT(lcx_mgr_ctx_start(ctx->id) == 0);
	CU_ASSERT(lcx_test_wait_state(ctx, LCX_CTX_BLOCKED, 3000));
	h0 = __atomic_load_n(&ctx->heartbeat, __ATOMIC_RELAXED);
	rte_delay_us_sleep(300000);
	h1 = __atomic_load_n(&ctx->heartbeat, __ATOMIC_RELAXED);
	printf("\n300 ms parked, naps 100 us -> 20 ms: %" PRIu64 " naps\n",
		h1 - h0);
	CU_ASSERT(h1 - h0 <= 40);
	CU_ASSERT(h1 - h0 >= 1);
	/* a task still wakes it, within one long nap */
	flag = 0;
	CU_ASSERT(lcx_ctx_post(ctx, flag_task, NULL, LCX_PRIO_NORMAL) == 0);
	end = rte_rdtsc() + 3 * rte_get_tsc_hz();
	while (!__atomic_load_n(&flag, __ATOMIC_ACQUIRE) && rte_rdtsc() < end)
		rte_delay_us_sleep(100);
	CU_ASSERT(flag == 1);
	CU_ASSERT(lcx_mgr_ctx_stop(ctx->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_wait(ctx->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_destroy(ctx->id) == 0);
}

static CU_TestInfo tests[] = {
	{ "tasks per iteration respected", test_task_budget },
	{ "cycle budget per iteration respected", test_cycle_budget },
	{ "timers fire from the loop", test_timers_fire },
	{ "stop drains queued tasks, restart", test_stop_drains },
	{ "adaptive idle parks and wakes", test_adaptive_parks_and_wakes },
	{ "adaptive naps back off to sleep_max_us", test_adaptive_backoff },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "loop", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
