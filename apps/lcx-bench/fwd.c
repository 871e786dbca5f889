/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding mode: one context on the worker lcore, two net_null ports,
 * RX -> TX to the paired port with no handler (the loop's own forward
 * path), the configuration of testpmd --forward-mode=io.  The context's
 * counters are sampled once a second from the main thread; the figure is
 * the median per-second RX rate of both ports together, as testpmd's
 * "Rx-pps" summed over its two ports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lcx_ctx.h"
#include "lcx_mgr.h"
#include "lcx_port.h"
#include "bench.h"

#define FWD_PORT0 "net_null0,copy=1"
#define FWD_PORT1 "net_null1,copy=1"
static rte_spinlock_t tx_lock[2] __rte_cache_aligned = {
	RTE_SPINLOCK_INITIALIZER, RTE_SPINLOCK_INITIALIZER,
};

/* Run before the first sample: pool caches and the loop settle. */
#define FWD_WARMUP_MS 500

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct lcx_port *
port_up(const char *spec, struct lcx_ctx *ctx)
{
	struct lcx_port_conf pc = {
		.nb_rxq = 1,
		.nb_txq = 1,
		.rxq_pool = &ctx->pool,
	};
	struct lcx_port *p;
	int rc;

	p = lcx_port_open(spec);
	if (p == NULL) {
		fprintf(stderr, "lcx-bench: open %s: %s\n", spec,
				lcx_strerror(lcx_errno));
		return NULL;
	}
	rc = lcx_port_configure(p, &pc);
	if (rc == 0)
		rc = lcx_port_start(p);
	if (rc != 0) {
		fprintf(stderr, "lcx-bench: set up %s: %s\n", spec,
				lcx_strerror(rc));
		lcx_port_close(p);
		return NULL;
	}
	return p;
}

/* Sample the context once a second for o->duration seconds. */
static void
measure(const struct bench_opts *o, struct lcx_ctx *ctx, struct bench_fwd *r)
{
	const double hz = (double)rte_get_tsc_hz();
	struct lcx_ctx_stats s0, prev, cur;
	double rate[3600];
	uint64_t t0, tprev, t;
	unsigned int i;

	lcx_ctx_stats_get(ctx, &s0);
	t0 = rte_rdtsc();
	prev = cur = s0;
	tprev = t = t0;
	for (i = 0; i < o->duration; i++) {
		sleep_ms(1000);
		lcx_ctx_stats_get(ctx, &cur);
		t = rte_rdtsc();
		rate[i] = (double)(cur.rx_packets - prev.rx_packets) /
			((double)(t - tprev) / hz) / 1e6;
		bench_progress(o, "fwd: second %u: %.2f Mpps", i + 1, rate[i]);
		prev = cur;
		tprev = t;
	}
	r->seconds = o->duration;
	r->rx_packets = cur.rx_packets - s0.rx_packets;
	r->tx_packets = cur.tx_packets - s0.tx_packets;
	r->dropped = cur.dropped - s0.dropped;
	r->busy_cycles = cur.busy_cycles - s0.busy_cycles;
	r->idle_cycles = cur.idle_cycles - s0.idle_cycles;
	r->mpps_avg = (double)r->rx_packets / ((double)(t - t0) / hz) / 1e6;
	if (r->rx_packets != 0)
		r->cycles_per_pkt = (double)(r->busy_cycles + r->idle_cycles) /
			(double)r->rx_packets;
	if (r->busy_cycles + r->idle_cycles != 0)
		r->busy_frac = (double)r->busy_cycles /
			(double)(r->busy_cycles + r->idle_cycles);
	qsort(rate, o->duration, sizeof(rate[0]), cmp_double);
	r->mpps_min = rate[0];
	r->mpps_max = rate[o->duration - 1];
	r->mpps = o->duration % 2 ? rate[o->duration / 2] :
		(rate[o->duration / 2 - 1] + rate[o->duration / 2]) / 2;
}

int
bench_fwd(const struct bench_opts *o, struct bench_fwd *r)
{
	struct lcx_port *p0, *p1;
	struct lcx_ctx_conf conf;
	struct lcx_ctx *ctx;
	int rc, ret = -1;

	memset(r, 0, sizeof(*r));
	r->lcore = bench_worker_lcore();
	if (r->lcore == RTE_MAX_LCORE) {
		fprintf(stderr, "lcx-bench: fwd needs a worker lcore "
				"(EAL -l 0-1)\n");
		return -1;
	}
	if (o->duration > 3600)
		return -1;
	rc = lcx_mgr_init(NULL);
	if (rc != 0) {
		fprintf(stderr, "lcx-bench: manager: %s\n", lcx_strerror(rc));
		return -1;
	}
	lcx_ctx_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "fwd");
	conf.lcore = r->lcore;
	/* testpmd polls without pause; so does the context measured. */
	conf.idle = LCX_IDLE_BUSY;
	ctx = lcx_mgr_ctx_create(&conf);
	if (ctx == NULL) {
		fprintf(stderr, "lcx-bench: context: %s\n",
				lcx_strerror(lcx_errno));
		goto fini_mgr;
	}
	p0 = port_up(FWD_PORT0, ctx);
	if (p0 == NULL)
		goto destroy_ctx;
	p1 = port_up(FWD_PORT1, ctx);
	if (p1 == NULL)
		goto close_p0;

	/* Before the loop starts: the context owns these from then on. */
	rc = lcx_ctx_rxq_add(ctx, p0, 0, p1->id);
	if (rc == 0)
		rc = lcx_ctx_rxq_add(ctx, p1, 0, p0->id);
	if (rc == 0)
		rc = lcx_ctx_txq_set(ctx, p0, 0);
	if (rc == 0)
		rc = lcx_ctx_txq_set(ctx, p1, 0);
	/* --tx-lock: one lock per queue, as the manager's. */
	if (rc == 0 && o->tx_lock)
		rc = lcx_ctx_txq_share(ctx, p0->id, &tx_lock[0]);
	if (rc == 0 && o->tx_lock)
		rc = lcx_ctx_txq_share(ctx, p1->id, &tx_lock[1]);
	if (rc != 0) {
		fprintf(stderr, "lcx-bench: queues: %s\n", lcx_strerror(rc));
		goto close_p1;
	}

	rc = lcx_mgr_ctx_start(ctx->id);
	if (rc != 0) {
		fprintf(stderr, "lcx-bench: start context: %s\n",
				lcx_strerror(rc));
		goto close_p1;
	}
	bench_progress(o, "fwd: %s <-> %s on lcore %u for %u s%s",
			FWD_PORT0, FWD_PORT1, r->lcore, o->duration,
			o->tx_lock ? ", TX under a lock" : "");
	sleep_ms(FWD_WARMUP_MS);
	measure(o, ctx, r);
	lcx_mgr_ctx_stop(ctx->id);
	rc = lcx_mgr_ctx_wait(ctx->id);
	if (rc == -EFAULT)
		fprintf(stderr, "lcx-bench: fwd: the context went to ERROR "
				"(watchdog: lcore %u silent past the heartbeat "
				"limit; machine overloaded?): no figure\n",
				r->lcore);
	else if (rc != 0)
		fprintf(stderr, "lcx-bench: context loop ended: %s\n",
				lcx_strerror(rc));
	else
		ret = 0;

close_p1:
	lcx_port_close(p1);
close_p0:
	lcx_port_close(p0);
	/* The devices are closed and the loop flushed its TX buffers on
	 * leaving: every mbuf of the context's pool must be home. */
	if (ctx->pool != NULL)
		r->pool_full = rte_mempool_avail_count(ctx->pool) ==
			ctx->pool->size;
	if (ret == 0 && !r->pool_full)
		fprintf(stderr, "lcx-bench: fwd: pool not full at the end "
				"(%u of %u)\n",
				rte_mempool_avail_count(ctx->pool),
				ctx->pool->size);
destroy_ctx:
	lcx_mgr_ctx_destroy(ctx->id);
fini_mgr:
	lcx_mgr_fini();
	return ret;
}
