/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_BENCH_H
#define LCX_BENCH_H

/*
 * lcx-bench internals, shared by main.c (options, output), runq.c (run
 * queue and rte_ring microbenchmarks) and fwd.c (forwarding mode).
 */

#include <stdint.h>

#define BENCH_MAX_REPEAT 15

/** Options after parsing. */
struct bench_opts {
	uint64_t iter_local;     /**< tasks per same-thread measurement */
	uint64_t iter_cross;     /**< tasks per cross-lcore measurement */
	uint64_t iter_call;      /**< round trips per call measurement */
	unsigned int repeat;     /**< measured runs; the median is reported */
	unsigned int duration;   /**< fwd: seconds measured */
	int json;
	int quiet;               /**< no progress on stderr */
	int tx_lock;             /**< fwd: TX queues marked shared (issue 9) */
};

/** One figure: cycles per operation over opts->repeat runs. */
struct bench_fig {
	const char *key;         /**< snake_case, the JSON key */
	const char *label;       /**< table row */
	uint64_t ops;            /**< operations per run */
	unsigned int runs;
	double cyc[BENCH_MAX_REPEAT];    /**< whole-run cycles/op, per run */
	double steady[BENCH_MAX_REPEAT]; /**< median-chunk cycles/op, per run */
	double median;           /**< of cyc[] */
	double min;
	double max;
	double steady_median;    /**< of steady[] */
	const char *skipped;     /**< why it was not measured, or NULL */
};

/** Figures of the run-queue mode, in table order. */
enum bench_fig_id {
	FIG_RUNQ_LOCAL_1 = 0,
	FIG_RUNQ_LOCAL_32,
	FIG_RUNQ_CROSS,
	FIG_RUNQ_CALL,
	FIG_RUNQ_EMPTY,
	FIG_RING_SPSC_1,
	FIG_RING_SPSC_32,
	FIG_RING_MPSC_1,
	FIG_RING_MPSC_32,
	FIG_RING_PINGPONG,
	FIG_MAX,
};

/** Result of the forwarding mode. */
struct bench_fwd {
	unsigned int lcore;      /**< forwarding lcore */
	unsigned int seconds;    /**< per-second samples taken */
	double mpps;             /**< median of the per-second RX rates */
	double mpps_min;
	double mpps_max;
	double mpps_avg;         /**< RX packets / window */
	double cycles_per_pkt;   /**< loop cycles (busy + idle) / RX packets */
	double busy_frac;        /**< busy / (busy + idle) */
	uint64_t rx_packets;     /**< over the window */
	uint64_t tx_packets;
	uint64_t dropped;
	uint64_t busy_cycles;
	uint64_t idle_cycles;
	int pool_full;           /**< every mbuf back in the pool at the end */
};

/**
 * Run the run-queue and rte_ring measurements.
 *
 * @return
 *   0, or -1 after printing why on stderr.
 */
int bench_runq(const struct bench_opts *o, struct bench_fig figs[FIG_MAX]);

/**
 * Run the forwarding measurement.
 *
 * @return
 *   0, or -1 after printing why on stderr.
 */
int bench_fwd(const struct bench_opts *o, struct bench_fwd *r);

/** Progress line on stderr unless quiet. */
void bench_progress(const struct bench_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** The first worker lcore, or RTE_MAX_LCORE when there is none. */
unsigned int bench_worker_lcore(void);

#endif /* LCX_BENCH_H */
