/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GEN_SEARCH_H
#define GEN_SEARCH_H

/*
 * Throughput search, independent of any device: it asks a trial function
 * for trials (offered load, duration) and reads back the loss ratio, so
 * the unit tests drive it with a simulated device of known capacity.
 *
 * MLRsearch (RFC 9971 terms): several goals at once (each a loss ratio,
 * NDR = 0, PDR = 0.005 by default).  The first trial runs at the maximum
 * load; its forwarding rate is where every goal starts.  Then phases:
 * trial durations grow from the short one to the full one, and the width
 * goal shrinks by half each phase to the asked precision.  In a phase a
 * goal has a lower bound (largest load whose trial of at least the phase's
 * duration met the goal, below the upper bound) and an upper bound
 * (smallest load whose trial of that duration did not); the next load
 * bisects them, or moves out by a width that doubles each time while one
 * of them is missing.  Bounds found with shorter trials are only hints:
 * they are measured again at the longer duration.  The result of a goal
 * is its relevant lower bound at full duration, its upper bound, and the
 * conditional throughput: the forwarding rate measured at the lower
 * bound.
 *
 * A trial whose generator fell short of the load (a shared CPU) is run
 * again, up to GEN_SEARCH_RETRIES times, and then counts as failing: a
 * bound is never a load the generator did not offer.
 *
 * RFC 2544 binary search: for each goal separately, full-length trials
 * only, between the minimum and maximum load, until (hi - lo) / hi is
 * at most the precision.
 */

#include <stdint.h>

#define GEN_SEARCH_MAX_GOALS 4
#define GEN_SEARCH_MAX_TRIALS 512
/* A trial that offered less than this fraction below its load proves
 * nothing about that load: it is tried again, then counted as failing. */
#define GEN_SEARCH_SHORTFALL 0.02
#define GEN_SEARCH_RETRIES 2

struct gen_trial {
	double load;         /* offered load asked, pps */
	double duration;     /* seconds */
	uint64_t tx;         /* frames sent */
	uint64_t rx;         /* frames received once (duplicates not counted) */
	double loss_ratio;   /* (tx - rx) / tx; 1 when tx is 0 */
	double achieved;     /* tx / duration */
	double fwd_rate;     /* rx / duration */
	int short_offer;     /* sent less than (1 - GEN_SEARCH_SHORTFALL) of
				load x duration after GEN_SEARCH_RETRIES
				tries: counts as failing every goal */
	int goal;            /* goal that asked for it; -1: the max-load trial */
	int phase;           /* 0 .. phases-1; -1: the max-load trial */
};

/* Run one trial; fill tx and rx at least.  0, or negative to abort. */
typedef int (*gen_trial_fn)(void *arg, struct gen_trial *t);

enum gen_search_algo {
	GEN_SEARCH_MLR = 0,
	GEN_SEARCH_BINARY,
};

struct gen_search_conf {
	enum gen_search_algo algo;
	unsigned int nb_goals;
	double goal_loss[GEN_SEARCH_MAX_GOALS]; /* loss ratios, 0 .. 1 */
	char goal_name[GEN_SEARCH_MAX_GOALS][16];
	double min_load;         /* pps, > 0 */
	double max_load;         /* pps */
	double precision;        /* relative width goal of the last phase */
	double short_duration;   /* first phase's trials, s */
	double full_duration;    /* last phase's trials, s */
	unsigned int phases;     /* >= 1; 1: full-length trials only */
	unsigned int max_trials; /* safety stop, <= GEN_SEARCH_MAX_TRIALS */
};

struct gen_goal_result {
	double lower;            /* relevant lower bound, pps; 0: none */
	double upper;            /* relevant upper bound; 0: none (max load passed) */
	double cond_throughput;  /* forwarding rate at the lower bound */
	double lower_loss;       /* loss ratio measured at the lower bound */
	int converged;           /* width goal met (or max load passed) */
};

struct gen_search_result {
	struct gen_goal_result goal[GEN_SEARCH_MAX_GOALS];
	struct gen_trial trial[GEN_SEARCH_MAX_TRIALS];
	unsigned int nb_trials;
	double max_fwd_rate;     /* forwarding rate of the max-load trial */
	double max_achieved;     /* offered rate achieved at max load */
};

/* Defaults: MLR, NDR 0 and PDR 0.5 %, precision 0.5 %, 3 phases. */
void gen_search_conf_init(struct gen_search_conf *c);

/*
 * Search.  res is filled as far as it got.
 * Returns 0; -EINVAL (bad conf); -E2BIG (max_trials reached: the goals
 * not converged say so); or the trial function's negative return.
 */
int gen_search_run(const struct gen_search_conf *c, gen_trial_fn fn,
		void *arg, struct gen_search_result *res);

#endif /* GEN_SEARCH_H */
