/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread: trials, the run, the search and the latency runs.
 * It only writes gen_tx req_ fields and gen_ctl, and reads counters that
 * their owners write (each a single 64-bit load).
 *
 * A trial: every sender gets 1/nb_tx of the rate and of the count, and
 * one TSC window starting 1 ms ahead so all start together; after the
 * window, --drain seconds for frames in flight; then the counters are
 * read.  Frames of one trial are not counted in the next: the next epoch
 * starts only after the drain.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "lcx_handler.h"
#include "lcx_pipeline.h"
#include "gen.h"

#define TICK_MS 20

static uint32_t stop_flag;     /* atomic */

uint32_t
gen_stop_requested(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE);
}

void
gen_stop_request(void)
{
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
}

static void
sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

void
gen_counts_take(struct gen_run *r, struct gen_counts *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->tsc = rte_rdtsc();
	for (i = 0; i < r->nb_tx; i++) {
		const struct gen_tx *t = r->tx[i];

		c->tx += __atomic_load_n(&t->tx_pkts, __ATOMIC_RELAXED);
		c->tx_bytes += __atomic_load_n(&t->tx_bytes, __ATOMIC_RELAXED);
		c->nombuf += __atomic_load_n(&t->nombuf, __ATOMIC_RELAXED);
	}
	for (i = 0; i < r->nb_ctx; i++) {
		const struct gen_rx *x = r->rx[i];

		if (x == NULL)
			continue;
		c->rx += __atomic_load_n(&x->rx, __ATOMIC_RELAXED);
		c->rx_bytes += __atomic_load_n(&x->rx_bytes, __ATOMIC_RELAXED);
		c->dup += __atomic_load_n(&x->dup, __ATOMIC_RELAXED);
		c->reord += __atomic_load_n(&x->reord, __ATOMIC_RELAXED);
		c->late += __atomic_load_n(&x->late, __ATOMIC_RELAXED);
		c->other += __atomic_load_n(&x->other, __ATOMIC_RELAXED);
	}
}

static void
counts_sub(struct gen_counts *d, const struct gen_counts *a,
		const struct gen_counts *b)
{
	d->tsc = b->tsc - a->tsc;
	d->tx = b->tx - a->tx;
	d->tx_bytes = b->tx_bytes - a->tx_bytes;
	d->rx = b->rx - a->rx;
	d->rx_bytes = b->rx_bytes - a->rx_bytes;
	d->dup = b->dup - a->dup;
	d->reord = b->reord - a->reord;
	d->late = b->late - a->late;
	d->other = b->other - a->other;
	d->nombuf = b->nombuf - a->nombuf;
}

double
gen_rate_to_pps(const struct gen_run *r, enum gen_rate_unit u, double v,
		double mean_size)
{
	double wire_bits = (mean_size + GEN_WIRE_OVERHEAD) * 8;

	switch (u) {
	case GEN_RATE_PPS:
		return v;
	case GEN_RATE_BPS:
		return v / wire_bits;
	case GEN_RATE_PCT:
		return (double)r->line_mbps * 1e6 / wire_bits * v / 100;
	default:
		return 0;
	}
}

void
gen_lat_from_hist(const struct gen_run *r, const struct gen_hist *h,
		struct gen_lat *l)
{
	double ns = 1e9 / (double)r->tsc_hz;

	memset(l, 0, sizeof(*l));
	l->count = h->count;
	if (h->count == 0)
		return;
	l->p50 = gen_hist_percentile(h, 50) * ns;
	l->p90 = gen_hist_percentile(h, 90) * ns;
	l->p99 = gen_hist_percentile(h, 99) * ns;
	l->p999 = gen_hist_percentile(h, 99.9) * ns;
	l->p9999 = gen_hist_percentile(h, 99.99) * ns;
	l->max = h->max * ns;
	l->min = h->min * ns;
	l->mean = gen_hist_mean(h) * ns;
}

/* Ask every sender for a trial and open it. */
static uint32_t
trial_open(struct gen_run *r, double pps, uint64_t start, uint64_t end,
		uint64_t count, const uint16_t *sizes, uint32_t nb_sizes)
{
	unsigned int i;
	double per = pps / r->nb_tx;
	uint32_t e;

	for (i = 0; i < r->nb_tx; i++) {
		struct gen_tx *t = r->tx[i];

		t->req_start = start;
		t->req_end = end;
		t->req_period = pps > 0 ?
			(uint64_t)((double)r->tsc_hz * 65536.0 / per) : 0;
		if (pps > 0 && t->req_period == 0)
			t->req_period = 1;
		t->req_count = count == 0 ? UINT64_MAX :
			count / r->nb_tx + (i < count % r->nb_tx);
		t->req_sizes = sizes;
		t->req_nb_sizes = nb_sizes;
	}
	e = gen_ctl.epoch + 1;
	/* Store-release: a generator that sees the epoch sees the fields. */
	__atomic_store_n(&gen_ctl.epoch, e, __ATOMIC_RELEASE);
	return e;
}

struct trial_ask {
	double pps;            /* 0: unlimited */
	double duration;       /* 0 with count */
	uint64_t count;
	const uint16_t *sizes;
	uint32_t nb_sizes;
	const char *label;     /* progress line prefix */
};

/*
 * Run one trial.  d: counter deltas; h (may be NULL): merged histogram.
 * Returns 0, or -EINTR when a signal cut it short (d is still filled).
 */
static int
trial_run(struct gen_run *r, const struct trial_ask *a, struct gen_counts *d,
		struct gen_hist *h)
{
	const struct gen_opts *o = r->o;
	struct gen_counts c0, c1, cp, cn;
	uint64_t start, end, now, next_print, hz = r->tsc_hz;
	uint32_t e;
	unsigned int i;
	int rc = 0;

	gen_counts_take(r, &c0);
	start = rte_rdtsc() + hz / 1000;
	end = a->duration > 0 ? start + (uint64_t)(a->duration * hz) :
		UINT64_MAX;
	e = trial_open(r, a->pps, start, end, a->count, a->sizes,
			a->nb_sizes);
	cp = c0;
	next_print = start + (uint64_t)o->stats_interval * hz;
	for (;;) {
		sleep_s(TICK_MS / 1000.0);
		now = rte_rdtsc();
		if (gen_stop_requested()) {
			/* Close the window now: same parameters, new end. */
			e = trial_open(r, a->pps, start, now, a->count,
					a->sizes, a->nb_sizes);
			r->interrupted = 1;
			rc = -EINTR;
			break;
		}
		if (a->count != 0) {
			gen_counts_take(r, &cn);
			if (cn.tx - c0.tx >= a->count)
				break;
		}
		if (now >= end)
			break;
		if (o->stats_interval != 0 && now >= next_print) {
			gen_counts_take(r, &cn);
			fprintf(stderr, "%s %.1f s: tx %.3f Mpps, rx %.3f "
					"Mpps, loss %.4f %%\n", a->label,
					(double)(now - start) / hz,
					(cn.tx - cp.tx) * (double)hz /
					(cn.tsc - cp.tsc) / 1e6,
					(cn.rx - cp.rx) * (double)hz /
					(cn.tsc - cp.tsc) / 1e6,
					cn.tx - c0.tx == 0 ? 0.0 :
					100.0 * ((double)(cn.tx - c0.tx) -
					(double)(cn.rx - c0.rx)) /
					(double)(cn.tx - c0.tx));
			cp = cn;
			next_print += (uint64_t)o->stats_interval * hz;
		}
	}
	/* Frames due within the window are made up to GEN_GRACE_US after
	 * it, and frames held at a full TX queue are sent before the count
	 * is read: wait for both. */
	if (rc == 0 && end != UINT64_MAX)
		while (rte_rdtsc() < end + hz / 1000000 * GEN_GRACE_US)
			sleep_s(0.001);
	for (i = 0; i < r->nb_tx; i++)
		while (__atomic_load_n(&r->tx[i]->nb_pend, __ATOMIC_ACQUIRE)
				!= 0 && !__atomic_load_n(&r->tx[i]->done,
				__ATOMIC_ACQUIRE))
			sleep_s(0.001);
	sleep_s(o->drain);
	gen_counts_take(r, &c1);
	counts_sub(d, &c0, &c1);
	if (a->duration > 0 && rc == 0) {
		d->tsc = end - start;
	} else if (a->count != 0 && rc == 0) {
		/* A count: from the start to the last frame made, plus one
		 * interval at a paced rate. */
		uint64_t last = start;

		for (i = 0; i < r->nb_tx; i++)
			last = RTE_MAX(last, __atomic_load_n(&r->tx[i]->last_tsc,
					__ATOMIC_RELAXED));
		d->tsc = last - start + (a->pps > 0 ?
			(uint64_t)(hz / a->pps) : 0);
		if (d->tsc == 0)
			d->tsc = 1;
	} else {
		d->tsc = now - start;
	}
	if (h != NULL) {
		gen_hist_reset(h);
		for (i = 0; i < r->nb_ctx; i++)
			if (r->rx[i] != NULL && __atomic_load_n(&r->rx[i]->epoch,
					__ATOMIC_ACQUIRE) == e)
				gen_hist_merge(h, &r->rx[i]->hist);
	}
	return rc;
}

/* The generator's own overhead: fill a frame, check it, no device. */
static void
calibrate(struct gen_run *r)
{
	struct gen_rx *x;
	struct rte_mbuf *m;
	struct gen_hist *h;
	unsigned int i;

	r->ts_res_ns = 1e9 / (double)r->tsc_hz;
	x = gen_rx_create(1, SOCKET_ID_ANY);
	h = malloc(sizeof(*h));
	m = rte_pktmbuf_alloc(r->tx[0]->ctx->pool);
	if (x != NULL && h != NULL && m != NULL) {
		for (i = 0; i < 2000; i++)
			gen_pkt_fill(m, &r->tx[0]->fr->tmpl[0], 64, 0, i,
					rte_rdtsc());
		gen_hist_reset(&x->hist);
		for (i = 0; i < 2000; i++) {
			gen_pkt_fill(m, &r->tx[0]->fr->tmpl[0], 64, 0, i,
					rte_rdtsc());
			gen_rx_check(x, &m, 1, rte_rdtsc());
		}
		r->calib_ns = x->hist.min * r->ts_res_ns;
		r->calib_p50_ns = gen_hist_percentile(&x->hist, 50) *
			r->ts_res_ns;
	}
	rte_pktmbuf_free(m);
	free(h);
	gen_rx_free(x);
}

static void
streams_collect(struct gen_run *r)
{
	unsigned int i, f, s;

	r->st = calloc(r->nb_streams, sizeof(*r->st));
	if (r->st == NULL)
		return;
	r->nb_st = r->nb_streams;
	for (i = 0; i < r->nb_tx; i++)
		for (f = 0; f < r->o->flows; f++)
			r->st[r->tx[i]->stream_base + f].sent =
				r->tx[i]->seq[f];
	for (i = 0; i < r->nb_ctx; i++) {
		if (r->rx[i] == NULL)
			continue;
		for (s = 0; s < r->nb_streams; s++) {
			const struct gen_stream *x = &r->rx[i]->st[s];

			r->st[s].rx += x->rx;
			r->st[s].dup += x->dup;
			r->st[s].reord += x->reord;
			r->st[s].late += x->late;
		}
	}
}

/* The receive check's cycles and frames over every context. */
static void
stage_sum(struct gen_run *r, struct lcx_handler_stats *sum)
{
	struct lcx_handler_stats st;
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < r->nb_ctx; i++)
		if (lcx_pipeline_stats_get(r->ctx[i], 0, &st) == 0 &&
				strcmp(st.handler, GEN_RX_HANDLER) == 0) {
			sum->cycles += st.cycles;
			sum->pkts_in += st.pkts_in;
		}
}

static int
mode_run(struct gen_run *r)
{
	const struct gen_opts *o = r->o;
	struct trial_ask a = {
		.sizes = o->sizes, .nb_sizes = o->nb_sizes, .label = "run",
	};
	struct lcx_handler_stats chk0, chk1;
	struct gen_counts d;
	uint64_t cyc0 = 0, cyc1 = 0;
	unsigned int i;
	int rc;

	a.pps = gen_rate_to_pps(r, o->rate_unit, o->rate,
			gen_sizes_mean(o->sizes, o->nb_sizes));
	r->asked_pps = a.pps;
	if (o->warmup > 0) {
		a.duration = o->warmup;
		a.label = "warm-up";
		rc = trial_run(r, &a, &d, NULL);
		if (rc != 0)
			return 0;
		a.label = "run";
	}
	a.duration = o->duration;
	a.count = o->count;
	for (i = 0; i < r->nb_tx; i++)
		cyc0 += r->tx[i]->cycles;
	stage_sum(r, &chk0);
	trial_run(r, &a, &d, &r->hist);
	r->c1 = d;
	for (i = 0; i < r->nb_tx; i++)
		cyc1 += r->tx[i]->cycles;
	stage_sum(r, &chk1);
	if (d.tx != 0)
		r->gen_cycles = (double)(cyc1 - cyc0) / (double)d.tx;
	if (chk1.pkts_in != chk0.pkts_in)
		r->check_cycles = (double)(chk1.cycles - chk0.cycles) /
			(double)(chk1.pkts_in - chk0.pkts_in);
	r->run_secs = (double)d.tsc / (double)r->tsc_hz;
	gen_lat_from_hist(r, &r->hist, &r->lat);
	streams_collect(r);
	return 0;
}

/* ---- Search ------------------------------------------------------------- */

struct search_arg {
	struct gen_run *r;
	const uint16_t *sizes;
	uint32_t nb_sizes;
	const char *size;
};

static int
search_trial(void *arg, struct gen_trial *t)
{
	struct search_arg *sa = arg;
	struct gen_run *r = sa->r;
	const struct gen_opts *o = r->o;
	char label[96];
	struct trial_ask a = {
		.pps = t->load, .duration = t->duration,
		.sizes = sa->sizes, .nb_sizes = sa->nb_sizes, .label = label,
	};
	struct gen_counts d;
	int rc;

	snprintf(label, sizeof(label), "size %s %s phase %d %.3f Mpps",
			sa->size, t->goal < 0 ? "max-load" :
			o->sc.goal_name[t->goal], t->phase, t->load / 1e6);
	rc = trial_run(r, &a, &d, NULL);
	if (rc != 0)
		return rc;
	t->tx = d.tx;
	t->rx = d.rx - d.dup - d.late;
	if (o->stats_interval != 0)
		fprintf(stderr, "%s %.1f s: offered %.3f Mpps, loss %.4f %%\n",
				label, t->duration, d.tx / t->duration / 1e6,
				d.tx == 0 ? 100.0 : 100.0 * ((double)d.tx -
					(double)t->rx) / (double)d.tx);
	return 0;
}

static int
search_size(struct gen_run *r, struct gen_size_res *sr, const char *spec)
{
	const struct gen_opts *o = r->o;
	struct gen_search_conf sc = o->sc;
	static uint16_t sizes[GEN_MAX_SIZES];
	struct search_arg sa = { .r = r, .sizes = sizes, .size = spec };
	struct trial_ask a = { .sizes = sizes, .label = "gen-max" };
	struct gen_counts d;
	static const double pcts[] = { 10, 50, 90 };
	double line_pps = 0;
	unsigned int k;
	int n, rc;

	n = gen_sizes_parse(spec, sizes, GEN_MAX_SIZES, o->ipv6 == 1, o->seed);
	if (n <= 0)
		return -EINVAL;
	sa.nb_sizes = a.nb_sizes = (uint32_t)n;
	snprintf(sr->size, sizeof(sr->size), "%s", spec);
	sr->mean_size = gen_sizes_mean(sizes, (uint32_t)n);
	if (r->line_mbps != 0)
		line_pps = gen_rate_to_pps(r, GEN_RATE_PCT, 100,
				sr->mean_size);
	if (sc.max_load == 0) {
		/* What the generator itself can offer: the search never asks
		 * for more, so a loss is never the generator's. */
		a.duration = sc.phases > 1 ? sc.short_duration :
			RTE_MIN(sc.full_duration, 1.0);
		rc = trial_run(r, &a, &d, NULL);
		if (rc != 0)
			return rc;
		sc.max_load = d.tx / a.duration * 0.98;
		if (line_pps != 0 && line_pps < sc.max_load)
			sc.max_load = line_pps;
		if (sc.max_load < sc.min_load)
			sc.max_load = sc.min_load;
	}
	sr->rc = gen_search_run(&sc, search_trial, &sa, &sr->sr);
	if (sr->rc == -EINTR || o->no_latency || sr->sr.goal[0].lower == 0)
		return sr->rc == -EINTR ? -EINTR : 0;
	sr->cdf = malloc(sizeof(*sr->cdf));
	for (k = 0; k < RTE_DIM(pcts); k++) {
		struct gen_lat_run *lr = &sr->lat[k];
		struct gen_hist *h = malloc(sizeof(*h));

		if (h == NULL)
			return -ENOMEM;
		lr->pct = pcts[k];
		lr->load = sr->sr.goal[0].lower * pcts[k] / 100;
		a.pps = lr->load;
		a.duration = sc.full_duration;
		a.label = "latency";
		rc = trial_run(r, &a, &d, h);
		lr->t.load = lr->load;
		lr->t.duration = a.duration;
		lr->t.tx = d.tx;
		lr->t.rx = d.rx - d.dup - d.late;
		gen_lat_from_hist(r, h, &lr->lat);
		if (k == 1 && sr->cdf != NULL)
			memcpy(sr->cdf, h, sizeof(*h));
		free(h);
		sr->nb_lat++;
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
mode_search(struct gen_run *r)
{
	const struct gen_opts *o = r->o;
	unsigned int i;
	int rc;

	r->sres = calloc(o->nb_search_sizes, sizeof(*r->sres));
	if (r->sres == NULL)
		return -ENOMEM;
	for (i = 0; i < o->nb_search_sizes; i++) {
		r->nb_sres++;
		rc = search_size(r, &r->sres[i], o->search_sizes[i]);
		if (rc == -EINTR)
			break;
	}
	return 0;
}

int
gen_ctrl_run(struct gen_run *r)
{
	calibrate(r);
	if (r->o->mode == GEN_MODE_SEARCH)
		return mode_search(r);
	return mode_run(r);
}
