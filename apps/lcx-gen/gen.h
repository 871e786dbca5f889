/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_GEN_H
#define LCX_GEN_H

/*
 * lcx-gen internals, shared by main.c (EAL, set-up, run, teardown),
 * opts.c (command line), pkt.c (frames out, checks in), run.c (trials and
 * the search on the control thread) and report.c (table, JSON, CSV, SVG).
 *
 * Threads.  Every EAL lcore hosts a context.  A context that has a TX
 * queue on a sending port generates: a task on its own run queue that
 * sends at most one burst and posts itself again, so the loop still
 * polls RX, runs other tasks and beats between bursts.  Every context
 * also checks what it receives: the "lcx-gen-rx" handler, its pipeline.
 * The control thread drives trials through gen_ctl and reads counters
 * that only their owners write.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "lcx_common.h"
#include "lcx_ctx.h"
#include "lcx_port.h"
#include "lcx_synth.h"

#include "hist.h"
#include "search.h"

#define GEN_NAME "lcx-gen"
#define GEN_EXIT_OK 0
#define GEN_EXIT_RUNTIME 1
#define GEN_EXIT_USAGE 2

#define GEN_MAX_EAL_ARGS 64
#define GEN_MAX_SIZES 4096     /* entries of one size cycle */
#define GEN_MAX_TX (LCX_MAX_CONTEXTS * 2)
#define GEN_MAX_FRAME 1518
#define GEN_MAX_SEARCH_SIZES 16
/* Wire overhead of a frame: FCS 4, preamble and SFD 8, gap 12. */
#define GEN_WIRE_OVERHEAD 24
/* After a trial's window, frames due within it are still made this long. */
#define GEN_GRACE_US 2000

/* ---- Frames ------------------------------------------------------------- */

/* Headers of one flow up to the UDP payload; 64 bytes, one cache line. */
struct gen_flow_tmpl {
	uint8_t hdr[62];       /* Ethernet, IPv4 or IPv6, UDP */
	uint8_t hlen;          /* 42 or 62 */
	uint8_t ipv6;
};

/* What frames to make: read-only while traffic runs. */
struct gen_frames {
	uint32_t nb_flows;
	struct gen_flow_tmpl *tmpl;  /* nb_flows */
};

/* Per-stream receive state: sequence window as the synth driver's. */
struct gen_stream {
	uint64_t next;         /* next sequence number expected */
	uint64_t win;          /* bit i: next - 1 - i was seen */
	uint64_t rx;
	uint64_t dup;
	uint64_t reord;
	uint64_t late;         /* below the window: dup or reordered, unknown */
};

/* Receive side of one context; owner writes, the control thread reads. */
struct gen_rx {
	uint32_t nb_streams;
	uint32_t epoch;        /* trial the histogram belongs to; atomic */
	struct gen_stream *st;
	uint64_t rx;           /* synth frames of our streams */
	uint64_t rx_bytes;
	uint64_t dup;
	uint64_t reord;
	uint64_t late;
	uint64_t other;        /* frames that are not ours */
	uint64_t ts_bad;       /* timestamp after the check: not our clock */
	struct gen_hist hist;  /* latency, TSC cycles, this trial */
} __rte_cache_aligned;

/* Transmit side of one (context, port); owner writes, control reads. */
struct gen_tx {
	/* Set up before launch. */
	struct lcx_ctx *ctx;
	struct lcx_port *port;
	uint16_t queue;
	uint16_t stream_base;  /* stream id of flow 0 */
	uint64_t *seq;         /* next sequence number of each flow */
	const struct gen_frames *fr;
	/* Trial asked by the control thread (valid with ctl.epoch). */
	uint64_t req_start, req_end;   /* TSC window */
	uint64_t req_period;   /* TSC cycles per packet << 16; 0: unlimited */
	uint64_t req_count;    /* packets of this trial; UINT64_MAX: no limit */
	const uint16_t *req_sizes;
	uint32_t req_nb_sizes;
	/* Owner state. */
	uint32_t epoch;
	uint32_t flow_i, size_i;
	uint64_t last_iter;    /* loop iteration of the last burst */
	uint64_t start, end, grace_end, period, next_fp, left;
	const uint16_t *sizes;
	uint32_t nb_sizes;
	uint16_t nb_pend;
	struct rte_mbuf *pend[LCX_BURST];
	/* Counters, owner writes. */
	uint64_t tx_pkts __rte_cache_aligned;
	uint64_t tx_bytes;
	uint64_t tx_full;      /* bursts the queue did not take whole */
	uint64_t nombuf;
	uint64_t abandoned;    /* made but never sent (stop) */
	uint64_t last_tsc;     /* TSC of the last frames made */
	uint64_t cycles;       /* TSC cycles making and sending frames */
	uint32_t done;         /* left for good; atomic */
} __rte_cache_aligned;

/* Trial control; written by the control thread only. */
struct gen_ctl {
	uint32_t epoch;        /* store-release after the gen_tx req_ fields */
	uint32_t quit;         /* generators stop posting themselves */
};

extern struct gen_ctl gen_ctl;

/* Build the flow templates (addresses, ports, MACs): 0 or -ENOMEM. */
struct gen_opts;
int gen_frames_init(struct gen_frames *fr, const struct gen_opts *o,
		const struct rte_ether_addr *src, const struct rte_ether_addr *dst);
void gen_frames_free(struct gen_frames *fr);

/* Write one frame of a flow into m (data_len = size). */
void gen_pkt_fill(struct rte_mbuf *m, const struct gen_flow_tmpl *t,
		uint16_t size, uint16_t stream, uint64_t seq, uint64_t tsc);

/* Check received frames against the streams; the mbufs stay the caller's.
 * now: TSC of the receive. */
void gen_rx_check(struct gen_rx *r, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now);

/* Allocate / free one context's receive state. */
struct gen_rx *gen_rx_create(uint32_t nb_streams, int socket);
void gen_rx_free(struct gen_rx *r);

/* A sender on (ctx, port): NULL with rte_errno ENODEV (the context has no
 * TX queue on the port) or ENOMEM. */
struct gen_tx *gen_tx_create(struct lcx_ctx *ctx, struct lcx_port *port,
		const struct gen_frames *fr, uint16_t stream_base,
		const uint16_t *sizes, uint32_t nb_sizes);
void gen_tx_free(struct gen_tx *tx);

/* The generator task (arg: struct gen_tx). */
void gen_tx_task(void *arg);

/* Size cycles: "64", "64-1518", "imix", "imix-csit", "64,128,1500". */
int gen_sizes_parse(const char *s, uint16_t *out, uint32_t max, int ipv6_min,
		uint32_t seed);
/* Mean L2 size of a cycle. */
double gen_sizes_mean(const uint16_t *s, uint32_t n);

/* ---- Options ------------------------------------------------------------ */

enum gen_mode {
	GEN_MODE_RUN = 0,      /* one run at --rate */
	GEN_MODE_SEARCH,       /* throughput search, then latency */
};

enum gen_rate_unit {
	GEN_RATE_MAX = 0,      /* unlimited */
	GEN_RATE_PPS,
	GEN_RATE_BPS,          /* L1 bit/s (frame + 24 bytes) */
	GEN_RATE_PCT,          /* % of line rate */
};

struct gen_opts {
	char *ports[LCX_MAX_PORTS];
	unsigned int nb_ports;
	int bidir;             /* both ports send (2 ports) */
	enum gen_mode mode;
	enum gen_rate_unit rate_unit;
	double rate;           /* in rate_unit */
	uint64_t line_mbps;    /* --line-rate; 0: ask the device */
	double duration;       /* s; 0 with count */
	uint64_t count;        /* packets; 0: duration */
	char *size_spec;
	uint16_t sizes[GEN_MAX_SIZES];
	uint32_t nb_sizes;
	uint32_t flows;
	int ipv6;              /* 0, 1, 2 = mix (odd flows IPv6) */
	uint32_t src_ip, src_ip_n, dst_ip, dst_ip_n;     /* host order */
	uint16_t sport, sport_n, dport, dport_n;
	uint8_t src6[16], dst6[16];
	int dst_mac_set;
	struct rte_ether_addr dst_mac;
	uint32_t seed;
	double warmup;         /* s of traffic before measuring */
	double drain;          /* s waited after a trial for frames in flight */
	/* search */
	struct gen_search_conf sc;
	char *search_sizes_spec;
	char *search_sizes[GEN_MAX_SEARCH_SIZES];
	unsigned int nb_search_sizes;
	int no_latency;        /* skip latency at 10/50/90 % of NDR */
	/* output */
	char *json;
	char *csv;
	char *svg;
	uint32_t stats_interval;
	int quiet;
	uint32_t pool_size;
	uint32_t hb_timeout_ms;  /* watchdog: heartbeat silence -> ERROR */
};

void gen_opts_parse(int argc, char **argv, struct gen_opts *o);
void gen_usage(FILE *f);
__rte_noreturn void gen_die(int status, const char *fmt, ...)
	__rte_format_printf(2, 3);

/* ---- Run ---------------------------------------------------------------- */

/* Counters summed over contexts at one instant. */
struct gen_counts {
	uint64_t tsc;
	uint64_t tx, tx_bytes, rx, rx_bytes, dup, reord, late, other, nombuf;
};

/* Latency figures of one measurement, in ns. */
struct gen_lat {
	uint64_t count;
	double p50, p90, p99, p999, p9999, max, min, mean;
};

/* One latency run after a search (10/50/90 % of NDR). */
struct gen_lat_run {
	double pct;
	double load;
	struct gen_trial t;
	struct gen_lat lat;
};

/* Results of one frame size of a search. */
struct gen_size_res {
	char size[32];
	double mean_size;
	struct gen_search_result sr;
	int rc;
	struct gen_lat_run lat[3];
	unsigned int nb_lat;
	struct gen_hist *cdf;  /* histogram of the 50 % run, for the plot */
};

/* Per-stream totals of a run. */
struct gen_stream_res {
	uint64_t sent, rx, dup, reord, late;
};

struct gen_run {
	struct gen_opts *o;
	uint64_t tsc_hz;
	struct lcx_ctx *ctx[LCX_MAX_CONTEXTS];
	unsigned int nb_ctx;
	int main_ctx;
	struct lcx_port *port[LCX_MAX_PORTS];
	unsigned int nb_ports;
	struct gen_tx *tx[GEN_MAX_TX];
	unsigned int nb_tx;
	struct gen_rx *rx[LCX_MAX_CONTEXTS];  /* by context index */
	struct gen_frames fr[LCX_MAX_PORTS];
	uint32_t nb_streams;
	uint64_t line_mbps;    /* of the sending port; 0: unknown */
	double ts_res_ns;      /* one TSC cycle */
	double calib_ns;       /* generator's own fill -> check, min */
	double calib_p50_ns;
	/* cost per frame of the two halves, measured in the run */
	double gen_cycles;     /* make + send, per frame sent */
	double check_cycles;   /* check + free, per frame received */
	/* run mode results */
	struct gen_counts c0, c1;
	double run_secs;
	double asked_pps;      /* 0: unlimited */
	struct gen_hist hist;
	struct gen_lat lat;
	/* search results */
	/* per stream, run mode */
	struct gen_stream_res *st;
	uint32_t nb_st;
	struct gen_size_res *sres;
	unsigned int nb_sres;
	int interrupted;
	int pools_full;
	char *err;
};

int gen_ctrl_run(struct gen_run *r);
void gen_counts_take(struct gen_run *r, struct gen_counts *c);
void gen_lat_from_hist(const struct gen_run *r, const struct gen_hist *h,
		struct gen_lat *l);
double gen_rate_to_pps(const struct gen_run *r, enum gen_rate_unit u,
		double v, double mean_size);
uint32_t gen_stop_requested(void);
/* Async-signal-safe: stores a flag the control thread polls. */
void gen_stop_request(void);

/* ---- The receive handler (rxh.c) ---------------------------------------- */

#define GEN_RX_HANDLER "lcx-gen-rx"
/* Streams each context's receive state tracks; set before attaching. */
extern uint32_t gen_rx_nb_streams;
/* Receive state of each context, by context id, while attached. */
extern struct gen_rx *gen_rx_of[LCX_MAX_CONTEXTS];

/* ---- Report ------------------------------------------------------------- */

void gen_report_print(const struct gen_run *r, FILE *f);
int gen_report_json(const struct gen_run *r, const char *path);
int gen_report_csv(const struct gen_run *r, const char *path);
int gen_report_svg(const struct gen_run *r, const char *path);

#endif /* LCX_GEN_H */
