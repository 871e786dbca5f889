/* SPDX-License-Identifier: BSD-3-Clause */
/* Timers: order, periodic re-arm without drift, stop, errors. */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "lcx_timer.h"
#include "lcx_test.h"

static struct lcx_timers ts;
static unsigned int fired[16];
static unsigned int nb_fired;

static int
suite_init(void)
{
	if (lcx_test_eal_init(NULL, NULL) != 0)
		return -1;
	return lcx_timers_init(&ts, 8, SOCKET_ID_ANY);
}

static int
suite_clean(void)
{
	lcx_timers_fini(&ts);
	return 0;
}

static void
note(struct lcx_timer *t, void *arg)
{
	(void)t;
	if (nb_fired < 16)
		fired[nb_fired] = (unsigned int)(uintptr_t)arg;
	nb_fired++;
}

static void
test_order(void)
{
	struct lcx_timer t[5] = { { 0 } };
	uint64_t now = rte_rdtsc();
	unsigned int i;
	/* armed out of order; must fire by deadline */
	const unsigned int delay[5] = { 500, 100, 400, 200, 300 };

	nb_fired = 0;
	/* 50 ms apart at 2 GHz: far more than the time between two starts,
	 * even under a sanitizer on a loaded machine */
	for (i = 0; i < 5; i++)
		CU_ASSERT(lcx_timer_start(&ts, &t[i], delay[i] * 1000000ull, 0,
				note, (void *)(uintptr_t)delay[i]) == 0);
	CU_ASSERT(ts.n == 5);
	CU_ASSERT(lcx_timers_run(&ts, now) == 0);	/* none due yet */
	CU_ASSERT(lcx_timers_run(&ts, now + 1000000000000ull) == 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT(fired[i] == (i + 1) * 100);
	CU_ASSERT(ts.n == 0 && ts.next == UINT64_MAX);
	for (i = 0; i < 5; i++)
		CU_ASSERT(t[i].idx == 0);
}

static void
test_periodic(void)
{
	struct lcx_timer t = { 0 };
	uint64_t base;

	nb_fired = 0;
	CU_ASSERT(lcx_timer_start(&ts, &t, 1000, 1000, note, NULL) == 0);
	base = t.expire;
	/* each run at exactly the deadline fires once and re-arms one
	 * period later: no drift */
	CU_ASSERT(lcx_timers_run(&ts, base) == 1);
	CU_ASSERT(t.expire == base + 1000);
	CU_ASSERT(lcx_timers_run(&ts, base + 1000) == 1);
	CU_ASSERT(t.expire == base + 2000);
	/* far late: fires once, not once per missed period */
	CU_ASSERT(lcx_timers_run(&ts, base + 100000) == 1);
	CU_ASSERT(t.expire == base + 101000);
	CU_ASSERT(nb_fired == 3);
	CU_ASSERT(lcx_timer_stop(&ts, &t) == 0);
	CU_ASSERT(lcx_timer_stop(&ts, &t) == -ENOENT);
}

static struct lcx_timer self_stop_t;

static void
stop_self(struct lcx_timer *t, void *arg)
{
	(void)arg;
	nb_fired++;
	CU_ASSERT(lcx_timer_stop(&ts, t) == 0);
}

static void
test_stop_and_errors(void)
{
	struct lcx_timer t[9] = { { 0 } };
	unsigned int i;

	nb_fired = 0;
	for (i = 0; i < 8; i++)
		CU_ASSERT(lcx_timer_start(&ts, &t[i], 1000 + i, 0, note, NULL) == 0);
	CU_ASSERT(lcx_timer_start(&ts, &t[8], 10, 0, note, NULL) == -ENOSPC);
	CU_ASSERT(lcx_timer_start(&ts, &t[0], 10, 0, note, NULL) == -EBUSY);
	CU_ASSERT(lcx_timer_start(&ts, &t[8], 10, 0, NULL, NULL) == -EINVAL);
	/* stop from the middle of the heap keeps the heap ordered */
	CU_ASSERT(lcx_timer_stop(&ts, &t[3]) == 0);
	CU_ASSERT(lcx_timer_stop(&ts, &t[0]) == 0);
	CU_ASSERT(ts.n == 6);
	CU_ASSERT(ts.next == t[1].expire);
	CU_ASSERT(lcx_timers_run(&ts, t[1].expire + 10000000) == 6);
	CU_ASSERT(ts.n == 0);

	/* a periodic timer may stop itself from its callback */
	nb_fired = 0;
	CU_ASSERT(lcx_timer_start(&ts, &self_stop_t, 10, 10, stop_self, NULL) == 0);
	CU_ASSERT(lcx_timers_run(&ts, self_stop_t.expire) == 1);
	CU_ASSERT(nb_fired == 1);
	CU_ASSERT(ts.n == 0 && self_stop_t.idx == 0);
	CU_ASSERT(lcx_timers_init(NULL, 4, 0) == -EINVAL);
}

static CU_TestInfo tests[] = {
	{ "fire in deadline order", test_order },
	{ "periodic re-arm without drift", test_periodic },
	{ "stop, full, busy, self-stop", test_stop_and_errors },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "timer", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
