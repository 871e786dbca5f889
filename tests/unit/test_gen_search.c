/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-gen's throughput search against simulated devices of known
 * capacity: no traffic, the trial function computes the loss a device
 * dropping everything above C pps would have.  MLRsearch and the RFC 2544
 * binary search must both bracket C within the asked precision, with
 * trials growing from short to full duration.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcx_test.h"
#include "search.h"

struct dut {
	double cap;          /* pps forwarded at most */
	double floor_loss;   /* loss ratio at every load (noise floor) */
	unsigned int calls;
	int fail_at;         /* trial number that returns an error; -1 */
	double gen_max;      /* generator offers at most this; 0: any */
	unsigned int flaky;  /* first trials above gen_max that still reach
				the load (a retry succeeds) */
};

/* A device forwarding min(load, cap), less a constant floor. */
static int
dut_trial(void *arg, struct gen_trial *t)
{
	struct dut *d = arg;
	double offered = t->load;
	double sent, fwd;

	if ((int)d->calls++ == d->fail_at)
		return -EINTR;
	if (d->gen_max != 0 && offered > d->gen_max && t->goal >= 0) {
		if (d->flaky != 0)
			d->flaky--;
		else
			offered = d->gen_max;
	}
	if (t->goal < 0 && d->gen_max != 0)
		offered = fmin(offered, d->gen_max);
	sent = offered * t->duration;
	fwd = fmin(offered, d->cap) * t->duration * (1 - d->floor_loss);
	t->tx = (uint64_t)llround(sent);
	t->rx = (uint64_t)llround(fwd);
	return 0;
}

static struct gen_search_result *res;

static int
suite_init(void)
{
	res = malloc(sizeof(*res));
	return res == NULL ? -1 : 0;
}

static int
suite_clean(void)
{
	free(res);
	return 0;
}

static void
conf(struct gen_search_conf *c, double max)
{
	gen_search_conf_init(c);
	c->max_load = max;
	c->min_load = 1000;
	c->precision = 0.005;
	c->short_duration = 1;
	c->full_duration = 10;
	c->phases = 3;
}

static void
check_goal(const struct gen_search_conf *c, unsigned int g, double expect)
{
	const struct gen_goal_result *r = &res->goal[g];

	printf("  %s: lower %.0f upper %.0f (expected %.0f)\n",
			c->goal_name[g], r->lower, r->upper, expect);
	CU_ASSERT(r->converged);
	CU_ASSERT(r->lower <= expect * (1 + 1e-9));
	CU_ASSERT(r->upper > expect);
	CU_ASSERT((r->upper - r->lower) / r->upper <= c->precision + 1e-9);
}

static void
test_mlr_capacity(void)
{
	struct gen_search_conf c;
	struct dut d = { .cap = 1234567, .fail_at = -1 };
	unsigned int i, full = 0, shrt = 0;
	int rc;

	conf(&c, 10e6);
	rc = gen_search_run(&c, dut_trial, &d, res);
	CU_ASSERT_EQUAL(rc, 0);
	/* The max-load trial forwards the capacity: the search starts there. */
	CU_ASSERT_EQUAL(res->trial[0].goal, -1);
	CU_ASSERT_DOUBLE_EQUAL(res->max_fwd_rate, d.cap, 1);
	/* NDR: the largest load without loss is the capacity itself. */
	check_goal(&c, 0, d.cap);
	/* PDR at 0.5 %: 1 - cap / load <= 0.005 up to cap / 0.995. */
	check_goal(&c, 1, d.cap / 0.995);
	/* Conditional throughput: what was forwarded at the lower bound. */
	CU_ASSERT(res->goal[1].cond_throughput <= d.cap * (1 + 1e-9));
	CU_ASSERT(res->goal[1].cond_throughput >= d.cap * 0.99);
	CU_ASSERT(res->goal[1].lower_loss <= 0.005);
	/* Short trials first, full-length trials last, and not too many. */
	for (i = 0; i < res->nb_trials; i++) {
		full += res->trial[i].duration == 10;
		shrt += res->trial[i].duration == 1;
		if (i > 0)
			CU_ASSERT(res->trial[i].duration >=
					res->trial[i - 1].duration ||
					res->trial[i].goal !=
					res->trial[i - 1].goal);
	}
	CU_ASSERT(shrt >= 2);
	CU_ASSERT(full >= 2);
	CU_ASSERT(res->trial[res->nb_trials - 1].duration == 10);
	printf("  %u trials (%u short, %u full)\n", res->nb_trials, shrt,
			full);
	CU_ASSERT(res->nb_trials < 60);
}

/* A device that always loses 0.1 %: NDR is the minimum load (none),
 * PDR still converges on the capacity with the floor counted in. */
static void
test_mlr_floor(void)
{
	struct gen_search_conf c;
	struct dut d = { .cap = 500000, .floor_loss = 0.001, .fail_at = -1 };
	int rc;

	conf(&c, 2e6);
	rc = gen_search_run(&c, dut_trial, &d, res);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(res->goal[0].lower, 0);
	CU_ASSERT(res->goal[0].upper <= c.min_load * 1.000001);
	CU_ASSERT(res->goal[0].converged);
	/* loss = 1 - cap * 0.999 / load <= 0.005  <=>  load <= cap * 0.999
	 * / 0.995. */
	check_goal(&c, 1, d.cap * 0.999 / 0.995);
}

/* Capacity above the maximum load: every goal ends at the max. */
static void
test_mlr_above_max(void)
{
	struct gen_search_conf c;
	struct dut d = { .cap = 5e6, .fail_at = -1 };

	conf(&c, 1e6);
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), 0);
	CU_ASSERT_DOUBLE_EQUAL(res->goal[0].lower, 1e6, 1e-3);
	CU_ASSERT_EQUAL(res->goal[0].upper, 0);
	CU_ASSERT(res->goal[0].converged);
	CU_ASSERT(res->nb_trials <= 4);
}

/*
 * A generator that cannot offer more than 300 kpps in front of a device
 * of 1 Mpps: loads above 300 kpps must not pass (they were never
 * offered), so no goal ends above the generator's rate.
 */
static void
test_short_offer(void)
{
	struct gen_search_conf c;
	struct dut d = { .cap = 1e6, .fail_at = -1, .gen_max = 300000 };
	unsigned int i, shorts = 0;

	conf(&c, 2e6);
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), 0);
	for (i = 0; i < res->nb_trials; i++)
		shorts += res->trial[i].short_offer;
	CU_ASSERT(shorts >= GEN_SEARCH_RETRIES + 1);
	/* A load counts as offered within GEN_SEARCH_SHORTFALL. */
	check_goal(&c, 0, 300000 / (1 - GEN_SEARCH_SHORTFALL));
	check_goal(&c, 1, 300000 / (1 - GEN_SEARCH_SHORTFALL));
	/* One retry that does reach the load is enough. */
	d.flaky = 1000;
	d.calls = 0;
	conf(&c, 2e6);
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), 0);
	for (i = 0, shorts = 0; i < res->nb_trials; i++)
		shorts += res->trial[i].short_offer;
	CU_ASSERT_EQUAL(shorts, 0);
}

static void
test_binary(void)
{
	struct gen_search_conf c;
	struct dut d = { .cap = 777777, .fail_at = -1 };
	unsigned int i;

	conf(&c, 10e6);
	c.algo = GEN_SEARCH_BINARY;
	c.nb_goals = 1;
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), 0);
	check_goal(&c, 0, d.cap);
	for (i = 0; i < res->nb_trials; i++)
		CU_ASSERT_EQUAL(res->trial[i].duration, 10);
	/* log2(10e6 / (0.005 * 777777)) ~ 11.3 halvings, plus the first
	 * and the last trial. */
	CU_ASSERT(res->nb_trials <= 15);
}

static void
test_errors(void)
{
	struct gen_search_conf c;
	struct dut d = { .cap = 1e6, .fail_at = 3 };

	conf(&c, 10e6);
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), -EINTR);
	CU_ASSERT_EQUAL(res->nb_trials, 3);
	conf(&c, 10e6);
	c.precision = 0;
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), -EINVAL);
	conf(&c, 10e6);
	c.max_load = 10;
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), -EINVAL);
	conf(&c, 10e6);
	c.goal_loss[1] = 1.5;
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), -EINVAL);
	conf(&c, 10e6);
	c.max_trials = 4;
	d.fail_at = -1;
	CU_ASSERT_EQUAL(gen_search_run(&c, dut_trial, &d, res), -E2BIG);
	CU_ASSERT_EQUAL(res->nb_trials, 4);
	CU_ASSERT(!res->goal[0].converged);
}

static CU_TestInfo search_tests[] = {
	{ "MLRsearch on a known capacity", test_mlr_capacity },
	{ "MLRsearch with a loss floor", test_mlr_floor },
	{ "MLRsearch, capacity above max", test_mlr_above_max },
	{ "generator short of the load", test_short_offer },
	{ "RFC 2544 binary search", test_binary },
	{ "errors and aborts", test_errors },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "gen search", suite_init, suite_clean, NULL, NULL, search_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
