/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-gen's latency histogram against hand-computed figures: bucket
 * bounds, percentiles of injected values, merging two receivers.
 */
#include <stdlib.h>
#include <string.h>

#include "lcx_test.h"
#include "hist.h"

static struct gen_hist *h, *h2;

static int
suite_init(void)
{
	h = malloc(sizeof(*h));
	h2 = malloc(sizeof(*h2));
	return h == NULL || h2 == NULL ? -1 : 0;
}

static int
suite_clean(void)
{
	free(h);
	free(h2);
	return 0;
}

/* Below 256 every value has its bucket; above, 128 buckets an octave. */
static void
test_buckets(void)
{
	unsigned int i;

	for (i = 0; i < 256; i++) {
		CU_ASSERT_EQUAL(gen_hist_index(i), i);
		CU_ASSERT_EQUAL(gen_hist_bucket_low(i), i);
		CU_ASSERT_EQUAL(gen_hist_bucket_high(i), i);
	}
	/* 256..511: width 2; 512..1023: width 4. */
	CU_ASSERT_EQUAL(gen_hist_index(256), 256);
	CU_ASSERT_EQUAL(gen_hist_index(257), 256);
	CU_ASSERT_EQUAL(gen_hist_index(258), 257);
	CU_ASSERT_EQUAL(gen_hist_bucket_low(257), 258);
	CU_ASSERT_EQUAL(gen_hist_bucket_high(257), 259);
	CU_ASSERT_EQUAL(gen_hist_index(511), 383);
	CU_ASSERT_EQUAL(gen_hist_index(512), 384);
	CU_ASSERT_EQUAL(gen_hist_bucket_low(384), 512);
	CU_ASSERT_EQUAL(gen_hist_bucket_high(384), 515);
	/* Every bucket holds its bounds and no neighbour's; width <= 1/128
	 * of the value. */
	for (i = 0; i < GEN_HIST_NB - 1; i++) {
		uint64_t lo = gen_hist_bucket_low(i);
		uint64_t hi = gen_hist_bucket_high(i);

		CU_ASSERT_EQUAL(gen_hist_index(lo), i);
		CU_ASSERT_EQUAL(gen_hist_index(hi), i);
		CU_ASSERT_EQUAL(gen_hist_bucket_low(i + 1), hi + 1);
		CU_ASSERT(lo < 256 || (hi - lo + 1) * 128 <= lo);
	}
	CU_ASSERT_EQUAL(gen_hist_index(UINT64_MAX), GEN_HIST_NB - 1);
}

/*
 * 100 samples: 1..90 (exact buckets), then 1000 x 9 (bucket [1000,1003]),
 * then 70000 (bucket [69632, 70143]).  By hand, with rank =
 * ceil(p * 100):  p50 -> 50th -> 50;  p90 -> 90;  p91 -> 91st = 1000
 * reported as its bucket's top 1003;  p99 -> 99th = 1000 -> 1003;
 * p99.9, p99.99, p100 -> 100th = 70000 -> bucket top 70143 capped at
 * the max 70000.  Mean (4095 + 9000 + 70000) / 100 = 830.95.
 */
static void
test_percentiles(void)
{
	unsigned int i;

	gen_hist_reset(h);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 50), 0);
	CU_ASSERT_EQUAL(gen_hist_mean(h), 0.0);
	for (i = 1; i <= 90; i++)
		gen_hist_add(h, i);
	for (i = 0; i < 9; i++)
		gen_hist_add(h, 1000);
	gen_hist_add(h, 70000);
	CU_ASSERT_EQUAL(h->count, 100);
	CU_ASSERT_EQUAL(h->min, 1);
	CU_ASSERT_EQUAL(h->max, 70000);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 50), 50);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 90), 90);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 91), 1003);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 99), 1003);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 99.9), 70000);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 99.99), 70000);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 100), 70000);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 0.5), 1);
	CU_ASSERT_DOUBLE_EQUAL(gen_hist_mean(h), 830.95, 1e-9);
	CU_ASSERT_EQUAL(gen_hist_index(69632), gen_hist_index(70000));
	CU_ASSERT_EQUAL(gen_hist_bucket_high(gen_hist_index(70000)), 70143);
}

/* Two receivers' histograms merged give the histogram of all samples. */
static void
test_merge(void)
{
	struct gen_hist *all = malloc(sizeof(*all));
	uint64_t v, x = 12345;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	gen_hist_reset(h);
	gen_hist_reset(h2);
	gen_hist_reset(all);
	for (i = 0; i < 100000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		v = (x >> 33) % 5000000;
		gen_hist_add(i & 1 ? h : h2, v);
		gen_hist_add(all, v);
	}
	gen_hist_merge(h, h2);
	CU_ASSERT_EQUAL(h->count, all->count);
	CU_ASSERT_EQUAL(h->sum, all->sum);
	CU_ASSERT_EQUAL(h->min, all->min);
	CU_ASSERT_EQUAL(h->max, all->max);
	CU_ASSERT_EQUAL(memcmp(h->b, all->b, sizeof(h->b)), 0);
	CU_ASSERT_EQUAL(gen_hist_percentile(h, 99.9),
			gen_hist_percentile(all, 99.9));
	/* Uniform on [0, 5e6): p50 within a bucket width of 2.5e6. */
	v = gen_hist_percentile(h, 50);
	CU_ASSERT(v > 2500000 - 2500000 / 64 && v < 2500000 + 2500000 / 64);
	/* Merging an empty one changes nothing, min included. */
	gen_hist_reset(h2);
	gen_hist_merge(h, h2);
	CU_ASSERT_EQUAL(h->min, all->min);
	CU_ASSERT_EQUAL(h->count, all->count);
	free(all);
}

static CU_TestInfo hist_tests[] = {
	{ "bucket bounds", test_buckets },
	{ "percentiles by hand", test_percentiles },
	{ "merge", test_merge },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "gen histogram", suite_init, suite_clean, NULL, NULL, hist_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
