/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GEN_HIST_H
#define GEN_HIST_H

/*
 * Log-linear latency histogram, HDR-style: values below 2^(SUB+1) have a
 * bucket each; above, every power of two is cut into 2^SUB buckets, so a
 * bucket is at most 1/2^SUB (0.8 %) of its value wide.  Values are TSC
 * cycles.  One histogram per receiving context, written by its owner only;
 * the control thread merges them (gen_hist_merge()) after a trial.
 */

#include <stdint.h>

#define GEN_HIST_SUB 7
#define GEN_HIST_NB ((65 - GEN_HIST_SUB) << GEN_HIST_SUB)

struct gen_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;        /* UINT64_MAX when empty */
	uint64_t max;
	uint64_t b[GEN_HIST_NB];
};

/* Bucket of a value. */
static inline unsigned int
gen_hist_index(uint64_t v)
{
	unsigned int msb, shift;

	if (v < (2ull << GEN_HIST_SUB))
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - GEN_HIST_SUB;
	return (shift << GEN_HIST_SUB) + (unsigned int)(v >> shift);
}

/* Smallest and largest value of a bucket. */
uint64_t gen_hist_bucket_low(unsigned int idx);
uint64_t gen_hist_bucket_high(unsigned int idx);

static inline void
gen_hist_add(struct gen_hist *h, uint64_t v)
{
	h->b[gen_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void gen_hist_reset(struct gen_hist *h);

/* dst += src. */
void gen_hist_merge(struct gen_hist *dst, const struct gen_hist *src);

/*
 * Value at percentile p (0 < p <= 100): the highest value of the bucket
 * holding the ceil(p/100 * count)-th smallest sample, capped at the exact
 * max (so p100 is the max).  0 when empty.
 */
uint64_t gen_hist_percentile(const struct gen_hist *h, double p);

/* Mean, exact (sum / count); 0 when empty. */
double gen_hist_mean(const struct gen_hist *h);

#endif /* GEN_HIST_H */
