/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "search.h"

void
gen_search_conf_init(struct gen_search_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->algo = GEN_SEARCH_MLR;
	c->nb_goals = 2;
	c->goal_loss[0] = 0.0;
	snprintf(c->goal_name[0], sizeof(c->goal_name[0]), "NDR");
	c->goal_loss[1] = 0.005;
	snprintf(c->goal_name[1], sizeof(c->goal_name[1]), "PDR");
	c->min_load = 1000;
	c->max_load = 0;
	c->precision = 0.005;
	c->short_duration = 1;
	c->full_duration = 10;
	c->phases = 3;
	c->max_trials = 200;
}

static int
trial_do(const struct gen_search_conf *c, gen_trial_fn fn, void *arg,
		struct gen_search_result *res, double load, double duration,
		int goal, int phase, struct gen_trial **out)
{
	struct gen_trial *t;
	unsigned int k;
	int rc;

	for (k = 0; k <= GEN_SEARCH_RETRIES; k++) {
		if (res->nb_trials >= c->max_trials)
			return -E2BIG;
		t = &res->trial[res->nb_trials];
		memset(t, 0, sizeof(*t));
		t->load = load;
		t->duration = duration;
		t->goal = goal;
		t->phase = phase;
		rc = fn(arg, t);
		if (rc < 0)
			return rc;
		/* A duplicate received more than once is not a frame
		 * delivered. */
		if (t->rx > t->tx)
			t->rx = t->tx;
		t->loss_ratio = t->tx == 0 ? 1.0 :
			(double)(t->tx - t->rx) / (double)t->tx;
		t->achieved = (double)t->tx / duration;
		t->fwd_rate = (double)t->rx / duration;
		res->nb_trials++;
		*out = t;
		/* The max-load trial measures what the generator offers. */
		t->short_offer = goal >= 0 && t->achieved <
			load * (1 - GEN_SEARCH_SHORTFALL);
		if (!t->short_offer)
			break;
	}
	return 0;
}

/* Loads close enough to count as the same one. */
static int
same_load(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (a > b ? a : b);
}

static int
fails(const struct gen_search_conf *c, const struct gen_trial *t,
		unsigned int g)
{
	return t->short_offer || t->loss_ratio > c->goal_loss[g];
}

/*
 * Bounds of goal g from every trial of at least duration d: the upper bound
 * is the smallest failing load, the lower the largest passing load below
 * it.  The latest trial at a load stands for that load.
 */
static void
bounds(const struct gen_search_conf *c, const struct gen_search_result *res,
		unsigned int g, double d, const struct gen_trial **lo,
		const struct gen_trial **hi)
{
	const struct gen_trial *t;
	unsigned int i, j;
	int later;

	*lo = NULL;
	*hi = NULL;
	for (i = 0; i < res->nb_trials; i++) {
		t = &res->trial[i];
		if (t->duration + 1e-9 < d)
			continue;
		for (later = 0, j = i + 1; j < res->nb_trials && !later; j++)
			later = res->trial[j].duration + 1e-9 >= d &&
				same_load(res->trial[j].load, t->load);
		if (later)
			continue;
		if (fails(c, t, g)) {
			if (*hi == NULL || t->load < (*hi)->load)
				*hi = t;
		}
	}
	for (i = 0; i < res->nb_trials; i++) {
		t = &res->trial[i];
		if (t->duration + 1e-9 < d)
			continue;
		for (later = 0, j = i + 1; j < res->nb_trials && !later; j++)
			later = res->trial[j].duration + 1e-9 >= d &&
				same_load(res->trial[j].load, t->load);
		if (later || fails(c, t, g))
			continue;
		if (*hi != NULL && t->load >= (*hi)->load)
			continue;
		if (*lo == NULL || t->load > (*lo)->load)
			*lo = t;
	}
}

static int
conf_check(const struct gen_search_conf *c)
{
	unsigned int g;

	if (c->nb_goals == 0 || c->nb_goals > GEN_SEARCH_MAX_GOALS ||
			c->min_load <= 0 || c->max_load < c->min_load ||
			c->precision <= 0 || c->precision >= 1 ||
			c->full_duration <= 0 || c->phases == 0 ||
			c->max_trials == 0 ||
			c->max_trials > GEN_SEARCH_MAX_TRIALS)
		return -EINVAL;
	if (c->phases > 1 && (c->short_duration <= 0 ||
			c->short_duration > c->full_duration))
		return -EINVAL;
	for (g = 0; g < c->nb_goals; g++)
		if (c->goal_loss[g] < 0 || c->goal_loss[g] >= 1)
			return -EINVAL;
	return 0;
}

static void
result_fill(const struct gen_search_conf *c, struct gen_search_result *res,
		unsigned int g, double width)
{
	const struct gen_trial *lo, *hi;
	struct gen_goal_result *r = &res->goal[g];

	bounds(c, res, g, c->full_duration, &lo, &hi);
	memset(r, 0, sizeof(*r));
	if (lo != NULL) {
		r->lower = lo->load;
		r->cond_throughput = lo->fwd_rate;
		r->lower_loss = lo->loss_ratio;
	}
	if (hi != NULL)
		r->upper = hi->load;
	if (lo != NULL && hi == NULL)
		r->converged = same_load(lo->load, c->max_load);
	else if (lo != NULL)
		r->converged = (hi->load - lo->load) / hi->load <=
			width + 1e-12;
	else
		r->converged = hi != NULL && hi->load <= c->min_load * 1.000001;
}

static int
search_binary(const struct gen_search_conf *c, gen_trial_fn fn, void *arg,
		struct gen_search_result *res)
{
	struct gen_trial *t;
	unsigned int g;
	double lo, hi, load;
	int rc;

	for (g = 0; g < c->nb_goals; g++) {
		lo = c->min_load;
		hi = c->max_load;
		rc = trial_do(c, fn, arg, res, hi, c->full_duration, (int)g,
				0, &t);
		if (rc != 0)
			return rc;
		if (!fails(c, t, g))
			continue;
		while ((hi - lo) / hi > c->precision) {
			load = (lo + hi) / 2;
			rc = trial_do(c, fn, arg, res, load, c->full_duration,
					(int)g, 0, &t);
			if (rc != 0)
				return rc;
			if (!fails(c, t, g))
				lo = load;
			else
				hi = load;
		}
		/* lo may never have been measured: measure it, so the result
		 * is a trial and not an assumption. */
		rc = trial_do(c, fn, arg, res, lo, c->full_duration, (int)g,
				0, &t);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
search_mlr(const struct gen_search_conf *c, gen_trial_fn fn, void *arg,
		struct gen_search_result *res)
{
	const struct gen_trial *lo, *hi;
	struct gen_trial *t;
	double d, w, load, exp_w[GEN_SEARCH_MAX_GOALS], start;
	unsigned int p, g;
	int rc;

	rc = trial_do(c, fn, arg, res, c->max_load,
			c->phases > 1 ? c->short_duration : c->full_duration,
			-1, -1, &t);
	if (rc != 0)
		return rc;
	res->max_fwd_rate = t->fwd_rate;
	res->max_achieved = t->achieved;
	start = t->fwd_rate;
	if (start < c->min_load)
		start = c->min_load;
	if (start > c->max_load)
		start = c->max_load;
	for (p = 0; p < c->phases; p++) {
		d = c->phases == 1 ? c->full_duration :
			c->short_duration * pow(c->full_duration /
				c->short_duration,
				(double)p / (double)(c->phases - 1));
		w = c->precision * (double)(1u << (c->phases - 1 - p));
		if (w > 0.5)
			w = 0.5;
		for (g = 0; g < c->nb_goals; g++) {
			exp_w[g] = w;
			for (;;) {
				bounds(c, res, g, d, &lo, &hi);
				if (lo != NULL && hi != NULL &&
						(hi->load - lo->load) /
						hi->load <= w + 1e-12)
					break;
				if (lo != NULL && hi == NULL &&
						same_load(lo->load, c->max_load))
					break;
				if (lo == NULL && hi != NULL &&
						hi->load <= c->min_load * 1.000001)
					break;
				if (lo != NULL && hi != NULL) {
					load = (lo->load + hi->load) / 2;
				} else if (lo == NULL && hi == NULL) {
					/* The hint: the previous phase's lower
					 * bound, or where the search started. */
					const struct gen_trial *plo, *phi;

					bounds(c, res, g, 0, &plo, &phi);
					load = plo != NULL ? plo->load : start;
				} else if (hi != NULL) {
					load = hi->load * (1 - exp_w[g]);
					exp_w[g] *= 2;
					if (load < c->min_load)
						load = c->min_load;
				} else {
					load = lo->load * (1 + exp_w[g]);
					exp_w[g] *= 2;
					if (load > c->max_load)
						load = c->max_load;
				}
				rc = trial_do(c, fn, arg, res, load, d,
						(int)g, (int)p, &t);
				if (rc != 0)
					return rc;
			}
		}
	}
	return 0;
}

int
gen_search_run(const struct gen_search_conf *c, gen_trial_fn fn, void *arg,
		struct gen_search_result *res)
{
	unsigned int g;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = conf_check(c);
	if (rc != 0)
		return rc;
	if (c->algo == GEN_SEARCH_BINARY)
		rc = search_binary(c, fn, arg, res);
	else
		rc = search_mlr(c, fn, arg, res);
	for (g = 0; g < c->nb_goals; g++)
		result_fill(c, res, g, c->precision);
	return rc;
}
