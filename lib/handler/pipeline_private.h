/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PIPELINE_PRIVATE_H
#define PIPELINE_PRIVATE_H

/*
 * What the three files of the pipeline share: the spec parser (spec.c),
 * the fast path (pipeline.c) and control and counters (pipeline_ctl.c).
 * Never installed.
 */
#include <stddef.h>
#include <stdint.h>

#include <rte_ring.h>

#include "handler_private.h"

#define NAME_MAX_LEN LCX_PIPELINE_LABEL_LEN
#define DROP_HANDOFF_FULL 0   /* offsets after the handler's own reasons */
#define DROP_BAD_DECISION 1


struct stage_stats {
	uint64_t bursts;
	uint64_t pkts_in;
	uint64_t pkts_continue;
	uint64_t pkts_tx;
	uint64_t pkts_handoff;
	uint64_t pkts_taken;
	uint64_t dropped;
	uint64_t cycles;
	uint64_t drop[LCX_HANDLER_MAX_DROPS + LCX_PIPELINE_DROPS];
	uint64_t branch[LCX_STAGE_MAX_BRANCHES];
};

struct stage {
	/* Hot. */
	lcx_handler_process_fn process;
	void *priv;
	uint16_t nb_drops;            /* the handler's own */
	uint8_t nb_branches;
	uint8_t branch[LCX_STAGE_MAX_BRANCHES]; /* branch b -> stage index */
	/* Cold. */
	const struct lcx_handler *h;
	int inited;
	char label[NAME_MAX_LEN];
	struct stage_stats st __rte_cache_aligned;
} __rte_cache_aligned;

/* Packets sent ahead to a stage by a branch, waiting for the walk to get
 * there in the same burst. */
struct pending {
	uint16_t n;
	struct rte_mbuf *m[LCX_BURST];
};

struct pipeline {
	unsigned int nb_stages;
	unsigned int resume;          /* first stage run for handed-off packets */
	unsigned int nb_out;          /* handoff group size; 0: none */
	uint32_t pend_mask;           /* bit per stage with pending packets */
	struct rte_ring *ho_out[LCX_HANDOFF_MAX]; /* to member i; NULL: self */
	struct stage stage[LCX_PIPELINE_MAX_STAGES];
	struct pending pend[LCX_PIPELINE_MAX_STAGES];
};

_Static_assert(LCX_PIPELINE_MAX_STAGES <= 32, "pend_mask has 32 bits");

struct parsed_stage {
	char name[NAME_MAX_LEN];
	char label[NAME_MAX_LEN];     /* "label:" before the name, or the name */
	int labelled;                 /* the label was written */
	size_t col;                   /* 1-based column of the name */
	size_t args_off, args_len;
	const struct lcx_handler *h;
};

struct parsed {
	unsigned int n;
	struct parsed_stage st[LCX_PIPELINE_MAX_STAGES];
};

/* Parse a spec: its stages, their handlers and labels; the number of
 * stages or lcx_pipeline_check()'s error, with a message in err. */
int pipeline_parse(const char *spec, struct parsed *p, char *err,
		size_t errlen);

/* Stage whose label is l: its index; -ENOENT (none), -EEXIST (two
 * unlabelled stages of that handler: ambiguous). */
int pipeline_label_find(const struct parsed *p, const char *l);

/* The burst hooks the loop calls (lcx_ctx_rx_process(),
 * lcx_ctx_handoff_process()) once a pipeline is attached. */
void pipeline_rx(struct lcx_ctx *ctx, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n);
void pipeline_handoff(struct lcx_ctx *ctx, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n);

#endif /* PIPELINE_PRIVATE_H */
