/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipelines, control side: building one on a context from a spec (each
 * stage's state on the context's socket, init() in order, branches
 * resolved), taking it down, and reading its counters from any thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "pipeline_private.h"

static const char *const pipeline_drop_names[LCX_PIPELINE_DROPS] = {
	"handoff-full", "bad-decision",
};

static struct pipeline *
pipeline_of(const struct lcx_ctx *ctx)
{
	if (ctx == NULL || ctx->burst_fn != pipeline_rx)
		return NULL;
	return ctx->burst_arg;
}

void
pipeline_handoff_refresh(struct lcx_ctx *ctx)
{
	struct pipeline *pl = pipeline_of(ctx);

	if (pl == NULL)
		return;
	memset(pl->ho_out, 0, sizeof(pl->ho_out));
	pl->nb_out = handoff_out(ctx, pl->ho_out);
}

/* The pipeline lcx_pipeline_attach() is building on this thread, so that
 * lcx_handler_branch() can resolve labels from a handler's init(). */
static __thread struct {
	struct lcx_ctx *ctx;
	struct pipeline *pl;
	const struct parsed *p;
	unsigned int cur;
} building;

int
lcx_handler_branch(struct lcx_ctx *ctx, const char *label)
{
	struct stage *s;
	unsigned int b;
	int t;

	if (ctx == NULL || label == NULL || building.ctx != ctx) {
		LCX_LOG(ERR, "lcx_handler_branch: only from a handler's init()");
		return -EINVAL;
	}
	s = &building.pl->stage[building.cur];
	t = pipeline_label_find(building.p, label);
	if (t == -ENOENT) {
		LCX_LOG(ERR, "%s: branch to '%s': no stage has that label",
			s->h->name, label);
		return -ENOENT;
	}
	if (t == -EEXIST) {
		LCX_LOG(ERR, "%s: branch to '%s': two stages of that handler; "
			"label the one meant ('x: %s')", s->h->name, label, label);
		return -EEXIST;
	}
	if ((unsigned int)t <= building.cur) {
		LCX_LOG(ERR, "%s: branch to '%s': stage %d is not after this "
			"one (%u): branches go forward only", s->h->name, label,
			t, building.cur);
		return -EINVAL;
	}
	for (b = 0; b < s->nb_branches; b++)
		if (s->branch[b] == t)
			return (int)b;
	if (s->nb_branches == LCX_STAGE_MAX_BRANCHES) {
		LCX_LOG(ERR, "%s: more than %d branches", s->h->name,
			LCX_STAGE_MAX_BRANCHES);
		return -ENOSPC;
	}
	s->branch[s->nb_branches] = (uint8_t)t;
	return s->nb_branches++;
}

static void
stages_free(struct pipeline *pl, struct lcx_ctx *ctx)
{
	unsigned int i = pl->nb_stages;

	while (i-- > 0) {
		struct stage *s = &pl->stage[i];

		if (s->inited && s->h->fini != NULL)
			s->h->fini(s->priv, ctx);
		rte_free(s->priv);
	}
	rte_free(pl);
}

int
lcx_pipeline_attach(struct lcx_ctx *ctx, const char *spec)
{
	char err[160], args[1024];
	struct pipeline *pl;
	struct parsed p;
	unsigned int i;
	int rc;

	if (ctx == NULL)
		return -EINVAL;
	rc = pipeline_parse(spec, &p, err, sizeof(err));
	if (rc < 0) {
		LCX_LOG(ERR, "pipeline '%s': %s", spec ? spec : "", err);
		return rc;
	}
	lcx_pipeline_detach(ctx);
	pl = rte_zmalloc_socket("lcx_pipeline", sizeof(*pl),
			RTE_CACHE_LINE_SIZE, ctx->socket);
	if (pl == NULL)
		return -ENOMEM;
	pl->resume = 0;
	for (i = 0; i < p.n; i++) {
		struct stage *s = &pl->stage[i];
		const struct lcx_handler *h = p.st[i].h;

		pl->nb_stages = i + 1;
		s->h = h;
		s->process = h->process;
		s->nb_drops = h->nb_drops;
		memcpy(s->label, p.st[i].label, sizeof(s->label));
		if (h->flags & LCX_HANDLER_F_HANDOFF)
			pl->resume = i + 1;
		if (h->priv_size != 0) {
			s->priv = rte_zmalloc_socket(h->name, h->priv_size,
					RTE_CACHE_LINE_SIZE, ctx->socket);
			if (s->priv == NULL) {
				rc = -ENOMEM;
				goto free_stages;
			}
		}
		if (p.st[i].args_len >= sizeof(args)) {
			LCX_LOG(ERR, "pipeline '%s': col %zu: arguments of %s "
				"longer than %zu", spec, p.st[i].col, h->name,
				sizeof(args) - 1);
			rc = -EINVAL;
			goto free_stages;
		}
		memcpy(args, spec + p.st[i].args_off, p.st[i].args_len);
		args[p.st[i].args_len] = '\0';
		if (h->init != NULL) {
			building.ctx = ctx;
			building.pl = pl;
			building.p = &p;
			building.cur = i;
			rc = h->init(s->priv, args, ctx);
			building.ctx = NULL;
			if (rc != 0) {
				LCX_LOG(ERR, "pipeline '%s': col %zu: %s(%s) on "
					"%s: %s", spec, p.st[i].col, h->name,
					args, ctx->name, lcx_strerror(rc));
				goto free_stages;
			}
		}
		s->inited = 1;
	}
	pl->nb_out = handoff_out(ctx, pl->ho_out);
	ctx->burst_arg = pl;
	ctx->handoff_fn = pipeline_handoff;
	ctx->burst_fn = pipeline_rx;
	return 0;

free_stages:
	stages_free(pl, ctx);
	return rc;
}

void
lcx_pipeline_detach(struct lcx_ctx *ctx)
{
	struct pipeline *pl = pipeline_of(ctx);

	if (pl == NULL)
		return;
	ctx->burst_fn = NULL;
	ctx->burst_arg = NULL;
	ctx->handoff_fn = NULL;
	stages_free(pl, ctx);
}

unsigned int
lcx_pipeline_stages(const struct lcx_ctx *ctx)
{
	const struct pipeline *pl = pipeline_of(ctx);

	return pl != NULL ? pl->nb_stages : 0;
}

void *
lcx_pipeline_stage_priv(const struct lcx_ctx *ctx, unsigned int stage)
{
	const struct pipeline *pl = pipeline_of(ctx);

	if (pl == NULL || stage >= pl->nb_stages)
		return NULL;
	return pl->stage[stage].priv;
}

int
lcx_pipeline_stats_get(const struct lcx_ctx *ctx, unsigned int stage,
		struct lcx_handler_stats *st)
{
	const struct pipeline *pl = pipeline_of(ctx);
	const struct stage *s;
	const volatile struct stage_stats *v;
	const volatile uint64_t *ctr;
	unsigned int r;

	if (pl == NULL || stage >= pl->nb_stages || st == NULL)
		return -ENOENT;
	s = &pl->stage[stage];
	v = &s->st;
	memset(st, 0, sizeof(*st));
	st->handler = s->h->name;
	memcpy(st->label, s->label, sizeof(st->label));
	st->bursts = v->bursts;
	st->pkts_in = v->pkts_in;
	st->pkts_continue = v->pkts_continue;
	st->pkts_tx = v->pkts_tx;
	st->pkts_handoff = v->pkts_handoff;
	st->pkts_taken = v->pkts_taken;
	st->dropped = v->dropped;
	st->cycles = v->cycles;
	st->nb_drops = s->nb_drops + LCX_PIPELINE_DROPS;
	st->nb_branches = s->nb_branches;
	for (r = 0; r < s->nb_branches; r++) {
		memcpy(st->branch_name[r], pl->stage[s->branch[r]].label,
			sizeof(st->branch_name[r]));
		st->branch[r] = v->branch[r];
	}
	for (r = 0; r < st->nb_drops; r++) {
		st->drop_name[r] = r < s->nb_drops ? s->h->drop_names[r] :
			pipeline_drop_names[r - s->nb_drops];
		st->drop[r] = v->drop[r];
	}
	/* Declared counters live in priv, written by the owner alone. */
	st->nb_counters = RTE_MIN(s->h->nb_counters,
		(uint16_t)LCX_HANDLER_MAX_COUNTERS);
	if (st->nb_counters != 0 && s->priv != NULL) {
		ctr = (const volatile uint64_t *)
			((const uint8_t *)s->priv + s->h->counters_off);
		for (r = 0; r < st->nb_counters; r++) {
			st->counter_name[r] = s->h->counter_names[r];
			st->counter[r] = ctr[r];
		}
	} else {
		st->nb_counters = 0;
	}
	return 0;
}

void
lcx_handler_stats_add(struct lcx_handler_stats *sum,
		const struct lcx_handler_stats *st)
{
	unsigned int r;

	if (sum->handler == NULL) {
		sum->handler = st->handler;
		memcpy(sum->label, st->label, sizeof(sum->label));
		sum->nb_drops = st->nb_drops;
		memcpy(sum->drop_name, st->drop_name, sizeof(st->drop_name));
		sum->nb_branches = st->nb_branches;
		memcpy(sum->branch_name, st->branch_name,
			sizeof(st->branch_name));
		sum->nb_counters = st->nb_counters;
		memcpy(sum->counter_name, st->counter_name,
			sizeof(st->counter_name));
	}
	sum->bursts += st->bursts;
	sum->pkts_in += st->pkts_in;
	sum->pkts_continue += st->pkts_continue;
	sum->pkts_tx += st->pkts_tx;
	sum->pkts_handoff += st->pkts_handoff;
	sum->pkts_taken += st->pkts_taken;
	sum->dropped += st->dropped;
	sum->cycles += st->cycles;
	for (r = 0; r < st->nb_drops && r < sum->nb_drops; r++)
		sum->drop[r] += st->drop[r];
	for (r = 0; r < st->nb_branches && r < sum->nb_branches; r++)
		sum->branch[r] += st->branch[r];
	for (r = 0; r < st->nb_counters && r < sum->nb_counters; r++)
		sum->counter[r] += st->counter[r];
}

void
lcx_pipeline_dump(const struct lcx_ctx *ctx, FILE *f)
{
	const struct pipeline *pl = pipeline_of(ctx);
	struct lcx_handler_stats st;
	unsigned int i, r;

	if (pl == NULL)
		return;
	for (i = 0; i < pl->nb_stages; i++) {
		lcx_pipeline_stats_get(ctx, i, &st);
		fprintf(f, "%s stage %u %s: in %" PRIu64 " continue %" PRIu64
			" tx %" PRIu64 " handoff %" PRIu64 " dropped %" PRIu64
			" cycles/pkt %.1f\n", ctx->name, i, st.handler,
			st.pkts_in, st.pkts_continue, st.pkts_tx,
			st.pkts_handoff, st.dropped, st.pkts_in ?
			(double)st.cycles / st.pkts_in : 0.0);
		for (r = 0; r < st.nb_branches; r++)
			fprintf(f, "  branch %s %" PRIu64 "\n",
				st.branch_name[r], st.branch[r]);
		for (r = 0; r < st.nb_drops; r++)
			if (st.drop[r] != 0)
				fprintf(f, "  drop %s %" PRIu64 "\n",
					st.drop_name[r], st.drop[r]);
		for (r = 0; r < st.nb_counters; r++)
			if (st.counter[r] != 0)
				fprintf(f, "  counter %s %" PRIu64 "\n",
					st.counter_name[r], st.counter[r]);
		if (pl->stage[i].h->dump != NULL)
			pl->stage[i].h->dump(pl->stage[i].priv, f);
	}
}
