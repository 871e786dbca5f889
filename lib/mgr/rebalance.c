/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Automatic rebalancing of RX queues between contexts.
 *
 * Every interval a control thread samples, without asking the contexts
 * anything:
 *   - each context's busy share, from its busy/idle cycle counters;
 *   - each placed queue's share of a core, from the cycles its owner
 *     charged to it (lcx_ctx_rxq.cycles, one TSC read per non-empty
 *     burst in the loop).  A queue that changed owner since the last
 *     sample has no figure this time.
 * It acts when the busiest context is above busy_pct, at least
 * imbalance_pct points above the idlest, with the same busiest context
 * for `sustain` samples in a row: a load that swings between contexts
 * resets the streak and is left alone.  It then picks, among the busiest
 * context's queues not moved in the last hold_ms, the one whose move to
 * the idlest context lowers the variance of the context loads most (a
 * dry run on the sampled figures), and moves it only if that lowers the
 * variance by gain_pct: a move that would just swap the imbalance gains
 * nothing, so queues do not ping-pong.  One queue at a time, through the
 * zero-loss move handshake (lcx_mgr_rxq_move), with no reload; after a
 * move no decision is taken for hold_ms, so the next one sees loads
 * measured after it.
 *
 * The counters are read with relaxed loads while their owners write
 * them: each is one aligned 64-bit word, and a torn view of the set only
 * skews one sample.  The rxq[] entries are found under the place lock,
 * which every move holds, so no entry shifts while it is read.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "loop_private.h"
#include "place_private.h"

struct rb_ctx {
	uint32_t id;              /* UINT32_MAX: free row */
	uint64_t busy, idle;      /* counters at the last sample */
	uint32_t load_pm;         /* busy share of the last interval */
	uint8_t valid;            /* load_pm is from two samples */
};

struct rb_queue {
	uint32_t owner;           /* owner at the last sample */
	uint64_t cycles;          /* its counter then */
	uint32_t load_pm;         /* share of a core in the last interval */
	uint8_t valid;
	uint64_t moved_tsc;       /* last moved by the rebalancer */
};

static struct {
	pthread_mutex_t lock;     /* conf, state, last decision */
	struct lcx_mgr_rebalance_conf conf;
	pthread_t thread;
	int running;
	uint32_t stop;            /* atomic */
	uint64_t last_tsc;        /* previous sample */
	uint64_t move_tsc;        /* last move */
	uint32_t streak_ctx;
	uint32_t streak;
	uint64_t moves;
	uint64_t seq;
	struct rb_ctx ctx[LCX_MAX_CONTEXTS];
	struct rb_queue q[LCX_MAX_PORTS][LCX_PLACE_MAX_RXQ];
	struct lcx_mgr_rebalance_decision last;
} rb = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static const char * const verdict_names[] = {
	[LCX_REBAL_NONE] = "none",
	[LCX_REBAL_WARMUP] = "warm-up",
	[LCX_REBAL_BALANCED] = "balanced",
	[LCX_REBAL_WAIT] = "imbalanced, waiting",
	[LCX_REBAL_HOLD] = "imbalanced, holding after a move",
	[LCX_REBAL_NO_GAIN] = "imbalanced, no move gains enough",
	[LCX_REBAL_DRY_RUN] = "would move (dry run)",
	[LCX_REBAL_MOVED] = "moved",
	[LCX_REBAL_FAILED] = "move failed",
};

const char *
lcx_mgr_rebalance_verdict_name(enum lcx_rebalance_verdict v)
{
	if ((unsigned int)v >= RTE_DIM(verdict_names) ||
			verdict_names[v] == NULL)
		return "?";
	return verdict_names[v];
}

void
lcx_mgr_rebalance_conf_init(struct lcx_mgr_rebalance_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->interval_ms = 1000;
	conf->sustain = 3;
	conf->busy_pct = 80;
	conf->imbalance_pct = 25;
	conf->gain_pct = 25;
	conf->hold_ms = 10000;
}

static struct rb_ctx *
rb_ctx_row(uint32_t id)
{
	struct rb_ctx *free_row = NULL;
	unsigned int i;

	for (i = 0; i < LCX_MAX_CONTEXTS; i++) {
		if (rb.ctx[i].id == id)
			return &rb.ctx[i];
		if (free_row == NULL && rb.ctx[i].id == UINT32_MAX)
			free_row = &rb.ctx[i];
	}
	if (free_row != NULL) {
		memset(free_row, 0, sizeof(*free_row));
		free_row->id = id;
	}
	return free_row;
}

static uint32_t
share_pm(uint64_t part, uint64_t whole)
{
	return whole == 0 ? 0 : (uint32_t)RTE_MIN(part * 1000 / whole,
		(uint64_t)1000);
}

/* Variance of the loads (per mille squared), with load a of context
 * index ia and b of ib replaced. */
static uint64_t
variance(const uint32_t *load, unsigned int n, unsigned int ia, uint32_t a,
		unsigned int ib, uint32_t b)
{
	uint64_t sum = 0, sq = 0, mean;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t l = i == ia ? a : i == ib ? b : load[i];

		sum += l;
		sq += l * l;
	}
	mean = sum / n;
	return sq / n - mean * mean;
}

/* Place lock held: sample every context and queue. */
static int
sample(struct lcx_ctx **list, unsigned int n, uint64_t now, uint64_t dt)
{
	unsigned int i, j, ready = 1;
	uint16_t p, q;

	/* Forget destroyed contexts: ids are never reused, rows are. */
	for (j = 0; j < LCX_MAX_CONTEXTS; j++) {
		for (i = 0; i < n && list[i]->id != rb.ctx[j].id; i++)
			;
		if (i == n)
			rb.ctx[j].id = UINT32_MAX;
	}
	for (i = 0; i < n; i++) {
		struct lcx_ctx_stats st;
		struct rb_ctx *r = rb_ctx_row(list[i]->id);

		if (r == NULL)
			return 0;
		lcx_ctx_stats_get(list[i], &st);
		r->valid = r->busy + r->idle != 0 &&
			st.busy_cycles + st.idle_cycles >= r->busy + r->idle;
		if (r->valid)
			r->load_pm = share_pm(st.busy_cycles - r->busy,
				st.busy_cycles + st.idle_cycles -
				r->busy - r->idle);
		ready &= r->valid;
		r->busy = st.busy_cycles;
		r->idle = st.idle_cycles;
	}
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		for (q = 0; mp->port != NULL && q < mp->nb_rxq; q++) {
			struct rb_queue *r = &rb.q[p][q];
			uint32_t owner = __atomic_load_n(&mp->rxq[q].owner,
				__ATOMIC_ACQUIRE);
			uint64_t c = 0;
			uint16_t k;

			for (i = 0; i < n && list[i]->id != owner; i++)
				;
			if (i < n)
				for (k = 0; k < list[i]->nb_rxq; k++)
					if (list[i]->rxq[k].port->id == p &&
						list[i]->rxq[k].queue == q)
						c = __atomic_load_n(
							&list[i]->rxq[k].cycles,
							__ATOMIC_RELAXED);
			r->valid = i < n && owner == r->owner &&
				c >= r->cycles && dt != 0;
			r->load_pm = r->valid ? share_pm(c - r->cycles, dt) : 0;
			r->owner = owner;
			r->cycles = c;
		}
	}
	RTE_SET_USED(now);
	return ready;
}

static void
decide(struct lcx_mgr_rebalance_decision *d, uint64_t now, uint64_t dt,
		struct lcx_ctx **list, unsigned int n)
{
	const struct lcx_mgr_rebalance_conf *c = &rb.conf;
	const uint64_t hz = rte_get_tsc_hz();
	uint32_t load[LCX_MAX_CONTEXTS];
	unsigned int i, hi = 0, lo = 0, room;
	uint64_t best = UINT64_MAX, v;
	uint16_t p, q;

	memset(d, 0, sizeof(*d));
	d->port = UINT16_MAX;
	d->queue = UINT16_MAX;
	d->to_ctx = UINT32_MAX;
	d->nb_ctx = n;
	d->interval_ms = dt * 1000 / hz;
	if (n < 2 || !sample(list, n, now, dt)) {
		d->verdict = LCX_REBAL_WARMUP;
		return;
	}
	for (i = 0; i < n; i++) {
		load[i] = rb_ctx_row(list[i]->id)->load_pm;
		if (load[i] > load[hi])
			hi = i;
		if (load[i] < load[lo])
			lo = i;
	}
	d->busiest_ctx = list[hi]->id;
	d->busiest_pm = load[hi];
	d->idlest_ctx = list[lo]->id;
	d->idlest_pm = load[lo];
	d->var_before = variance(load, n, n, 0, n, 0);
	d->var_after = d->var_before;
	if (load[hi] < c->busy_pct * 10 ||
			load[hi] - load[lo] < c->imbalance_pct * 10) {
		rb.streak = 0;
		d->verdict = LCX_REBAL_BALANCED;
		return;
	}
	if (rb.streak == 0 || rb.streak_ctx != list[hi]->id)
		rb.streak = 0;
	rb.streak_ctx = list[hi]->id;
	d->streak = ++rb.streak;
	if (rb.streak < c->sustain) {
		d->verdict = LCX_REBAL_WAIT;
		return;
	}
	if (rb.move_tsc != 0 && now - rb.move_tsc < c->hold_ms * hz / 1000) {
		d->verdict = LCX_REBAL_HOLD;
		return;
	}
	/* Dry run: each queue of the busiest, to the idlest (with room). */
	room = list[lo]->nb_rxq < RTE_MIN(list[lo]->limits.max_rxq,
		(uint16_t)LCX_MAX_CTX_RXQ);
	for (p = 0; room && p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		for (q = 0; mp->port != NULL && q < mp->nb_rxq; q++) {
			struct rb_queue *r = &rb.q[p][q];
			uint32_t lq = r->load_pm;

			if (!r->valid || r->owner != list[hi]->id ||
					(r->moved_tsc != 0 && now - r->moved_tsc <
					 c->hold_ms * hz / 1000))
				continue;
			v = variance(load, n, hi, load[hi] - RTE_MIN(lq,
				load[hi]), lo, RTE_MIN(load[lo] + lq, 1000u));
			if (v < best) {
				best = v;
				d->port = p;
				d->queue = q;
				d->queue_pm = lq;
			}
		}
	}
	if (best == UINT64_MAX || d->var_before == 0 ||
			(d->var_before - RTE_MIN(best, d->var_before)) * 100 <
			d->var_before * c->gain_pct) {
		d->var_after = best == UINT64_MAX ? d->var_before : best;
		d->verdict = LCX_REBAL_NO_GAIN;
		return;
	}
	d->var_after = best;
	d->to_ctx = list[lo]->id;
	d->verdict = c->dry_run ? LCX_REBAL_DRY_RUN : LCX_REBAL_MOVED;
}

static void
log_decision(const struct lcx_mgr_rebalance_decision *d)
{
	if (d->verdict == LCX_REBAL_BALANCED || d->verdict == LCX_REBAL_WARMUP) {
		LCX_LOG(DEBUG, "rebalance: %s: busiest ctx %u %u.%u%%, idlest ctx %u %u.%u%%",
			lcx_mgr_rebalance_verdict_name(d->verdict),
			d->busiest_ctx, d->busiest_pm / 10, d->busiest_pm % 10,
			d->idlest_ctx, d->idlest_pm / 10, d->idlest_pm % 10);
		return;
	}
	LCX_LOG(INFO, "rebalance: %s: busiest ctx %u %u.%u%% (%u samples), idlest ctx %u %u.%u%%; queue %d/%d (%u.%u%% of a core) -> ctx %d; load variance %" PRIu64 " -> %" PRIu64 " (per mille^2)",
		lcx_mgr_rebalance_verdict_name(d->verdict), d->busiest_ctx,
		d->busiest_pm / 10, d->busiest_pm % 10, d->streak,
		d->idlest_ctx, d->idlest_pm / 10, d->idlest_pm % 10,
		d->port == UINT16_MAX ? -1 : d->port,
		d->queue == UINT16_MAX ? -1 : d->queue,
		d->queue_pm / 10, d->queue_pm % 10,
		d->to_ctx == UINT32_MAX ? -1 : (int)d->to_ctx,
		d->var_before, d->var_after);
}

int
lcx_mgr_rebalance_tick(struct lcx_mgr_rebalance_decision *out)
{
	struct lcx_ctx *all[LCX_MAX_CONTEXTS], *list[LCX_MAX_CONTEXTS];
	struct lcx_mgr_rebalance_decision d;
	unsigned int n_all, n = 0, i;
	uint64_t now, dt;
	int rc = 0;

	pthread_mutex_lock(&rb.lock);
	if (!rb.running) {
		pthread_mutex_unlock(&rb.lock);
		return -ENOENT;
	}
	pthread_mutex_lock(&mgr_place.lock);
	n_all = lcx_mgr_ctx_list(all, LCX_MAX_CONTEXTS);
	for (i = 0; i < n_all && i < LCX_MAX_CONTEXTS; i++) {
		enum lcx_ctx_state s = lcx_ctx_state_get(all[i]);

		/* Only loops that run. */
		if ((s == LCX_CTX_RUNNING || s == LCX_CTX_BLOCKED) &&
				!__atomic_load_n(&all[i]->stop_req,
					__ATOMIC_ACQUIRE))
			list[n++] = all[i];
	}
	now = rte_rdtsc();
	dt = rb.last_tsc != 0 ? now - rb.last_tsc : 0;
	rb.last_tsc = now;
	decide(&d, now, dt, list, n);
	pthread_mutex_unlock(&mgr_place.lock);
	d.seq = ++rb.seq;
	if (d.verdict == LCX_REBAL_MOVED) {
		rc = lcx_mgr_rxq_move(d.port, d.queue, d.to_ctx);
		if (rc == 0) {
			rb.moves++;
			rb.move_tsc = rte_rdtsc();
			rb.q[d.port][d.queue].moved_tsc = rb.move_tsc;
			rb.streak = 0;
		} else {
			d.verdict = LCX_REBAL_FAILED;
			d.error = rc;
		}
	}
	d.moves = rb.moves;
	rb.last = d;
	pthread_mutex_unlock(&rb.lock);
	log_decision(&d);
	if (out != NULL)
		*out = d;
	return rc;
}

int
lcx_mgr_rebalance_last(struct lcx_mgr_rebalance_decision *out)
{
	int rc = -ENOENT;

	if (out == NULL)
		return -EINVAL;
	pthread_mutex_lock(&rb.lock);
	if (rb.seq != 0) {
		*out = rb.last;
		rc = 0;
	}
	pthread_mutex_unlock(&rb.lock);
	return rc;
}

static void *
rebalance_main(void *arg)
{
	uint32_t ms = rb.conf.interval_ms, slept;
	struct timespec ts = { 0, 10 * 1000000L };

	RTE_SET_USED(arg);
	while (!__atomic_load_n(&rb.stop, __ATOMIC_ACQUIRE)) {
		/* 10 ms steps: stop answers quickly. */
		for (slept = 0; slept < ms &&
				!__atomic_load_n(&rb.stop, __ATOMIC_ACQUIRE);
				slept += 10)
			nanosleep(&ts, NULL);
		if (!__atomic_load_n(&rb.stop, __ATOMIC_ACQUIRE))
			lcx_mgr_rebalance_tick(NULL);
	}
	return NULL;
}

static void
state_reset(void)
{
	unsigned int i;

	memset(rb.q, 0, sizeof(rb.q));
	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		rb.ctx[i].id = UINT32_MAX;
	rb.last_tsc = 0;
	rb.move_tsc = 0;
	rb.streak = 0;
	rb.moves = 0;
	rb.seq = 0;
	memset(&rb.last, 0, sizeof(rb.last));
}

int
lcx_mgr_rebalance_start(const struct lcx_mgr_rebalance_conf *conf)
{
	struct lcx_mgr_rebalance_conf def;
	int rc;

	if (conf == NULL) {
		lcx_mgr_rebalance_conf_init(&def);
		conf = &def;
	}
	if (conf->interval_ms < 10 || conf->sustain == 0 ||
			conf->busy_pct > 100 || conf->imbalance_pct > 100 ||
			conf->gain_pct > 100)
		return -EINVAL;
	pthread_mutex_lock(&rb.lock);
	if (rb.running) {
		pthread_mutex_unlock(&rb.lock);
		return -EALREADY;
	}
	rb.conf = *conf;
	state_reset();
	rb.stop = 0;
	rc = conf->manual ? 0 : rte_ctrl_thread_create(&rb.thread,
		"lcx-rebalance", NULL, rebalance_main, NULL);
	if (rc != 0) {
		pthread_mutex_unlock(&rb.lock);
		LCX_LOG(ERR, "rebalance: thread: %s", strerror(rc));
		return -LCX_EENV;
	}
	rb.running = conf->manual ? 2 : 1;
	/* The loops charge their bursts to RX queues only from now on. */
	__atomic_store_n(&loop_rxq_acct, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&rb.lock);
	LCX_LOG(INFO, "rebalance: every %u ms, acts after %u samples above %u%% busy and %u points over the idlest, for a %u%% lower load variance; a moved queue stays %u ms%s",
		conf->interval_ms, conf->sustain, conf->busy_pct,
		conf->imbalance_pct, conf->gain_pct, conf->hold_ms,
		conf->dry_run ? "; dry run" : "");
	return 0;
}

int
lcx_mgr_rebalance_stop(void)
{
	int running;

	pthread_mutex_lock(&rb.lock);
	running = rb.running;
	rb.running = 0;
	if (running != 0)
		__atomic_store_n(&loop_rxq_acct, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&rb.lock);
	if (running == 0)
		return -ENOENT;
	if (running == 1) {
		__atomic_store_n(&rb.stop, 1, __ATOMIC_RELEASE);
		pthread_join(rb.thread, NULL);
	}
	return 0;
}
