/* SPDX-License-Identifier: BSD-3-Clause */
/* Watchdog: a context whose task spins past the heartbeat limit is moved
 * to ERROR and named in the log; a context parked in idle naps shorter
 * than the limit is not; an ERROR context can be destroyed. */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "lcx_mgr.h"
#include "lcx_test.h"

static int
suite_init(void)
{
	struct lcx_mgr_conf mc;

	if (lcx_test_eal_init("0@0,1@1,2@1", NULL) != 0)
		return -1;
	lcx_mgr_conf_init(&mc);
	mc.watch_interval_ms = 10;
	mc.hb_timeout_ms = 200;
	return lcx_mgr_init(&mc);
}

static int
suite_clean(void)
{
	return lcx_mgr_fini();
}

static struct lcx_ctx *
create(unsigned int lcore, uint32_t sleep_us)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.lcore = lcore;
	conf.park_after = 16;
	conf.sleep_us = sleep_us;
	return lcx_mgr_ctx_create(&conf);
}

static void
spin_800ms(void *arg)
{
	(void)arg;
	rte_delay_us_block(800 * 1000);
}

static void
test_stalled_task_is_error(void)
{
	struct lcx_ctx *stuck = create(1, 100), *idle = create(2, 50000);
	uint64_t errors = lcx_mgr_watchdog_errors();

	CU_ASSERT_FATAL(stuck != NULL && idle != NULL);
	CU_ASSERT(lcx_mgr_start_all() == 2);
	/* the idle one parks in 50 ms naps, under the 200 ms limit */
	CU_ASSERT(lcx_test_wait_state(idle, LCX_CTX_BLOCKED, 2000));
	CU_ASSERT(lcx_ctx_post(stuck, spin_800ms, NULL, LCX_PRIO_NORMAL) == 0);
	CU_ASSERT(lcx_test_wait_state(stuck, LCX_CTX_ERROR, 3000));
	CU_ASSERT(lcx_mgr_watchdog_errors() == errors + 1);
	/* the loop notices ERROR once the task returns, and leaves */
	CU_ASSERT(lcx_mgr_ctx_wait(stuck->id) == -EFAULT);
	CU_ASSERT(lcx_ctx_state_get(stuck) == LCX_CTX_ERROR);
	CU_ASSERT(lcx_mgr_ctx_start(stuck->id) == -EPERM);
	/* a healthy parked context was never flagged */
	CU_ASSERT(lcx_ctx_state_get(idle) != LCX_CTX_ERROR);
	CU_ASSERT(idle->trans[LCX_CTX_BLOCKED][LCX_CTX_ERROR] == 0);
	/* ERROR is recoverable by destroying it; the lcore comes back */
	CU_ASSERT(lcx_mgr_ctx_destroy(stuck->id) == 0);
	stuck = create(1, 100);
	CU_ASSERT_FATAL(stuck != NULL);
	CU_ASSERT(lcx_mgr_ctx_destroy(stuck->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_destroy(idle->id) == 0);
}

/* Healthy contexts started and stopped in quick succession under a 10 ms
 * watchdog are never flagged.  (The start race fixed in watchdog.c needs a
 * pass to block on the manager's lock at the very moment of a start; this
 * loop rarely hits that window, lcx-fwd's start-up did: test_fwd_cli.sh
 * repeats that.) */
static void
test_no_false_alarm_on_start(void)
{
	struct lcx_ctx *c = create(1, 100);
	uint64_t errors = lcx_mgr_watchdog_errors();
	unsigned int i;

	CU_ASSERT_FATAL(c != NULL);
	for (i = 0; i < 300; i++) {
		CU_ASSERT_FATAL(lcx_mgr_ctx_start(c->id) == 0);
		rte_delay_us_sleep(200 + (i % 7) * 300);
		CU_ASSERT(lcx_mgr_ctx_stop(c->id) == 0);
		CU_ASSERT(lcx_mgr_ctx_wait(c->id) == 0);
	}
	CU_ASSERT(lcx_mgr_watchdog_errors() == errors);
	CU_ASSERT(lcx_ctx_state_get(c) == LCX_CTX_COMPLETED);
	CU_ASSERT(lcx_mgr_ctx_destroy(c->id) == 0);
}

static CU_TestInfo tests[] = {
	{ "no false alarm when contexts start", test_no_false_alarm_on_start },
	{ "stalled task -> ERROR, parked idle is fine", test_stalled_task_is_error },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "heartbeat", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
