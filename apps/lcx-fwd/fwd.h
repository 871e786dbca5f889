/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_FWD_H
#define LCX_FWD_H

/*
 * lcx-fwd internals, shared by main.c (EAL start-up, set-up, run,
 * teardown), opts.c (command line and config file) and stats.c (live
 * table, summary, JSON).
 */

#include <stdint.h>
#include <stdio.h>

#include "lcx_common.h"
#include "lcx_ctx.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "lcx_port.h"

#define FWD_NAME "lcx-fwd"
#define FWD_MAX_PLUGINS 16
#define FWD_MAX_MAP 256
#define FWD_MAX_EAL_ARGS 64
/* Where an option came from, for error messages: "--port" or "f.ini:7". */
#define FWD_SRC_LEN 300

/* Exit statuses. */
#define FWD_EXIT_OK 0
#define FWD_EXIT_RUNTIME 1
#define FWD_EXIT_USAGE 2

/* Defaults of the embedded run (no port given anywhere). */
#define FWD_DEF_PORT "synth:flows=256"
#define FWD_DEF_NB_PORTS 2
#define FWD_DEF_PIPELINE "macswap"
#define FWD_MAX_PIPELINE_ON 16
#define FWD_DEF_DURATION 10

/** Options after the command line and the config file are merged. */
struct fwd_opts {
	int list_handlers;               /* --list-handlers: list, exit */
	char *ports[LCX_MAX_PORTS];      /* specs, in port order */
	char port_src[LCX_MAX_PORTS][FWD_SRC_LEN];
	unsigned int nb_ports;
	int ports_default;               /* no port given: the embedded run */
	char *pipeline;                  /* spec; NULL: FWD_DEF_PIPELINE */
	char pipeline_src[FWD_SRC_LEN];
	/* --pipeline-on LCORE=SPEC: the context on that lcore runs SPEC */
	struct {
		unsigned int lcore;
		char *spec;
		char src[FWD_SRC_LEN];
	} on[FWD_MAX_PIPELINE_ON];
	unsigned int nb_on;
	char *plugins[FWD_MAX_PLUGINS];
	char plugin_src[FWD_MAX_PLUGINS][FWD_SRC_LEN];
	unsigned int nb_plugins;
	char *plugin_dir;
	char plugin_dir_src[FWD_SRC_LEN];
	const char *config;              /* --config FILE or NULL */
	const struct lcx_place_policy *policy;
	int policy_set;
	char *map;                       /* --map text */
	char map_src[FWD_SRC_LEN];
	struct lcx_place_map map_ent[FWD_MAX_MAP];
	unsigned int nb_map;
	uint16_t rxq;                    /* per port; 0: one per context */
	uint32_t duration;               /* seconds; 0: until a signal */
	int duration_set;
	uint32_t stats_interval;         /* seconds; 0: no live table */
	int json;
	enum lcx_idle_mode idle;
	char *metrics;                   /* --metrics ADDR:PORT, or NULL */
	int telemetry;                   /* --telemetry: lcx endpoints, control */
	char *eal_args;                  /* [eal] args of the file, or NULL */
	char eal_args_src[FWD_SRC_LEN];
};

/** Counters sampled at one instant. */
struct fwd_snap {
	uint64_t tsc;
	struct lcx_ctx_stats ctx[LCX_MAX_CONTEXTS];
	struct lcx_port_stats port[LCX_MAX_PORTS];
};

/** Why the run ended. */
enum fwd_end {
	FWD_END_DURATION = 0,
	FWD_END_SIGNAL,
	FWD_END_ERROR,
};

/** What is kept of a context and a port once they are gone. */
struct fwd_ctx_info {
	uint32_t id;
	unsigned int lcore;
	int socket;
	char name[32];
};

struct fwd_port_info {
	uint16_t id;
	char name[256];
};

/** The running forwarder. */
struct fwd_run {
	const struct fwd_opts *o;
	struct lcx_ctx *ctx[LCX_MAX_CONTEXTS];
	struct fwd_ctx_info ci[LCX_MAX_CONTEXTS];
	unsigned int nb_ctx;
	struct lcx_port *port[LCX_MAX_PORTS];
	struct fwd_port_info pi[LCX_MAX_PORTS];
	unsigned int nb_ports;
	unsigned int nb_stages;          /* of the default pipeline */
	uint8_t own_pipeline[LCX_MAX_CONTEXTS]; /* runs a --pipeline-on spec */
	unsigned int ctx_stages[LCX_MAX_CONTEXTS];
	int main_ctx;                    /* the main lcore hosts ctx[i]; -1 */
	int handoff;                     /* contexts joined in a handoff group */
	uint64_t tsc_hz;
	uint64_t t_start;                /* TSC when the loops were launched */
	uint64_t t_stop;                 /* TSC when the stop was asked */
	enum fwd_end end;
	FILE *table;                     /* live table stream */
	/* Final figures, taken after the loops stopped. */
	struct fwd_snap final;
	uint32_t state[LCX_MAX_CONTEXTS];
	struct lcx_handler_stats stage[LCX_MAX_CONTEXTS][LCX_PIPELINE_MAX_STAGES];
	int pools_full;
	uint64_t watchdog_errors;
};

/* opts.c: setters shared by the command line and the config file.  Each
 * validates and, on a bad value, dies (exit 2) naming @src: "--option" or
 * "file:line". */
void fwd_set_port(struct fwd_opts *o, const char *v, const char *src);
void fwd_set_plugin(struct fwd_opts *o, const char *v, const char *src);
void fwd_set_str(char **dst, char *dst_src, const char *v, const char *src);
void fwd_set_policy(struct fwd_opts *o, const char *v, const char *src);
void fwd_set_idle(struct fwd_opts *o, const char *v, const char *src);
void fwd_set_rxq(struct fwd_opts *o, const char *v, const char *src);
void fwd_set_duration(struct fwd_opts *o, const char *v, const char *src);
void fwd_set_interval(struct fwd_opts *o, const char *v, const char *src);
void fwd_set_bool(int *dst, const char *v, const char *src);
/* "LCORE" (up to '=' or the end) and its pipeline spec. */
void fwd_set_pipeline_on(struct fwd_opts *o, const char *lc, const char *spec,
		const char *src);

/* config.c: read an INI file into @o (dies on error, naming file:line). */
void fwd_config_load(struct fwd_opts *o, const char *file);

/* opts.c */
/* The spec the context on @lcore runs: its --pipeline-on, or --pipeline. */
const char *fwd_pipeline_for(const struct fwd_opts *o, unsigned int lcore,
		const char **src);

/**
 * Parse the application options (argv[0] is the program) and the config
 * file they name; load plugins; check the pipeline spec and the map.
 * Prints a one-line error and exits 2 on bad usage; exits 0 after --help
 * or --version.
 */
void fwd_opts_parse(int argc, char **argv, struct fwd_opts *o);

/** Print the help text. */
void fwd_usage(FILE *f);

/** Whether a port spec names a PCI device ("0000:01:00.0", "01:00.0"). */
int fwd_spec_is_pci(const char *spec);

/** Print "lcx-fwd: <msg>" and exit with @p status. */
void fwd_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* stats.c */

/** Sample every context's and port's counters. */
void fwd_snap_take(const struct fwd_run *r, struct fwd_snap *s);

/** Print one live table: rates between @p prev and @p cur. */
void fwd_table_print(const struct fwd_run *r, const struct fwd_snap *prev,
		const struct fwd_snap *cur);

/** Print the end-of-run summary as text on stdout. */
void fwd_summary_print(const struct fwd_run *r);

/** Print the end-of-run summary as one JSON object on stdout. */
void fwd_json_print(const struct fwd_run *r);

#endif /* LCX_FWD_H */
