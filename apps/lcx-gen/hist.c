/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <string.h>

#include "hist.h"

uint64_t
gen_hist_bucket_low(unsigned int idx)
{
	unsigned int shift;

	if (idx < (2u << GEN_HIST_SUB))
		return idx;
	shift = (idx >> GEN_HIST_SUB) - 1;
	return (uint64_t)(idx - (shift << GEN_HIST_SUB)) << shift;
}

uint64_t
gen_hist_bucket_high(unsigned int idx)
{
	unsigned int shift;

	if (idx < (2u << GEN_HIST_SUB))
		return idx;
	shift = (idx >> GEN_HIST_SUB) - 1;
	return gen_hist_bucket_low(idx) + (1ull << shift) - 1;
}

void
gen_hist_reset(struct gen_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void
gen_hist_merge(struct gen_hist *dst, const struct gen_hist *src)
{
	unsigned int i;

	if (src->count == 0)
		return;
	for (i = 0; i < GEN_HIST_NB; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
gen_hist_percentile(const struct gen_hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (h->count == 0)
		return 0;
	/* p * count first: 0.9 * 100 is 90.00000000000001 in binary. */
	rank = (uint64_t)ceil(p * (double)h->count / 100.0 - 1e-9);
	if (rank == 0)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < GEN_HIST_NB; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	if (i == GEN_HIST_NB)
		return h->max;
	v = gen_hist_bucket_high(i);
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

double
gen_hist_mean(const struct gen_hist *h)
{
	return h->count == 0 ? 0.0 : (double)h->sum / (double)h->count;
}
