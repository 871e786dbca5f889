/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipelines: spec parsing, per-context instances, and the burst function
 * the loop calls.  Per burst and stage: one indirect call (process) and
 * two TSC reads; the decisions are scanned only when process() reports
 * some that are not CONTINUE.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "handler_private.h"

#define NAME_MAX_LEN LCX_PIPELINE_LABEL_LEN
#define DROP_HANDOFF_FULL 0   /* offsets after the handler's own reasons */
#define DROP_BAD_DECISION 1

static const char *const pipeline_drop_names[LCX_PIPELINE_DROPS] = {
	"handoff-full", "bad-decision",
};

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

/* ---- Spec parsing --------------------------------------------------------- */

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

static int
parse_error(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen != 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* What the parser found at a position, for messages. */
static const char *
found(const char *s, size_t pos, char *buf, size_t len)
{
	if (s[pos] == '\0')
		return "end of spec";
	snprintf(buf, len, "'%.*s'", 12, s + pos);
	return buf;
}

static size_t
skip_blank(const char *s, size_t pos)
{
	while (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n')
		pos++;
	return pos;
}

/* End of the name starting at pos: '-' belongs to names ("arp-icmp")
 * unless it starts "->". */
static size_t
name_end(const char *s, size_t pos)
{
	size_t start = pos;

	while (handler_name_char(s[pos]) &&
			!(s[pos] == '-' && (pos == start || s[pos + 1] == '>')))
		pos++;
	return pos;
}

/* Stage whose label is l: its index; -ENOENT (none), -EEXIST (two
 * unlabelled stages of that handler: ambiguous). */
static int
label_find(const struct parsed *p, const char *l)
{
	unsigned int i;
	int found = -ENOENT;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->st[i].label, l) != 0)
			continue;
		if (p->st[i].labelled)
			return (int)i;
		found = found == -ENOENT ? (int)i : -EEXIST;
	}
	return found;
}

/* "io, macswap, ...": the registered handlers, for messages. */
static const char *
handler_names(char *buf, size_t len)
{
	const struct lcx_handler *h;
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; (h = lcx_handler_get(i)) != NULL && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
			h->name);
	return buf;
}

static int
parse(const char *spec, struct parsed *p, char *err, size_t errlen)
{
	size_t pos = 0, start, end;
	unsigned int handoff_stages = 0;
	char what[24];
	int depth;

	if (spec == NULL)
		return parse_error(err, errlen, -EINVAL, "no spec");
	p->n = 0;
	for (;;) {
		struct parsed_stage *ps;

		size_t lstart = 0, lend = 0;

		pos = skip_blank(spec, pos);
		start = pos;
		pos = name_end(spec, pos);
		end = skip_blank(spec, pos);
		if (pos != start && spec[end] == ':') {
			/* "label: name" */
			lstart = start;
			lend = pos;
			start = skip_blank(spec, end + 1);
			pos = name_end(spec, start);
		}
		if (pos == start)
			return parse_error(err, errlen, -EINVAL,
				"col %zu: expected a handler name, found %s",
				start + 1, found(spec, start, what, sizeof(what)));
		if (p->n == LCX_PIPELINE_MAX_STAGES)
			return parse_error(err, errlen, -E2BIG,
				"col %zu: more than %d stages", start + 1,
				LCX_PIPELINE_MAX_STAGES);
		ps = &p->st[p->n];
		if (pos - start >= NAME_MAX_LEN)
			return parse_error(err, errlen, -EINVAL,
				"col %zu: handler name longer than %d",
				start + 1, NAME_MAX_LEN - 1);
		memcpy(ps->name, spec + start, pos - start);
		ps->name[pos - start] = '\0';
		ps->labelled = lend != 0;
		if (ps->labelled) {
			if (lend - lstart >= NAME_MAX_LEN)
				return parse_error(err, errlen, -EINVAL,
					"col %zu: label longer than %d",
					lstart + 1, NAME_MAX_LEN - 1);
			memcpy(ps->label, spec + lstart, lend - lstart);
			ps->label[lend - lstart] = '\0';
			if (label_find(p, ps->label) >= 0 &&
					p->st[label_find(p, ps->label)].labelled)
				return parse_error(err, errlen, -EINVAL,
					"col %zu: label '%s' used twice",
					lstart + 1, ps->label);
		} else {
			memcpy(ps->label, ps->name, sizeof(ps->label));
		}
		ps->col = start + 1;
		ps->args_off = pos;
		ps->args_len = 0;
		ps->h = lcx_handler_find(ps->name);
		if (ps->h == NULL) {
			char known[160];

			return parse_error(err, errlen, -ENOENT,
				"col %zu: unknown handler '%s' (loaded: %s)",
				start + 1, ps->name,
				handler_names(known, sizeof(known)));
		}
		if (ps->h->flags & LCX_HANDLER_F_HANDOFF &&
				++handoff_stages > 1)
			return parse_error(err, errlen, -EINVAL,
				"col %zu: a second handoff stage ('%s'): a "
				"pipeline hands off from one stage only",
				start + 1, ps->name);
		p->n++;

		pos = skip_blank(spec, pos);
		if (spec[pos] == '(') {
			size_t open = pos;

			depth = 1;
			start = ++pos;
			while (spec[pos] != '\0' && depth != 0) {
				if (spec[pos] == '(')
					depth++;
				else if (spec[pos] == ')')
					depth--;
				pos++;
			}
			if (depth != 0)
				return parse_error(err, errlen, -EINVAL,
					"col %zu: '(' never closed", open + 1);
			end = pos - 1;
			start = skip_blank(spec, start);
			while (end > start && (spec[end - 1] == ' ' ||
					spec[end - 1] == '\t'))
				end--;
			ps->args_off = start;
			ps->args_len = end - start;
			pos = skip_blank(spec, pos);
		}
		if (spec[pos] == '\0')
			return (int)p->n;
		if (spec[pos] == '-' && spec[pos + 1] == '>') {
			pos += 2;
			continue;
		}
		return parse_error(err, errlen, -EINVAL,
			"col %zu: expected '->' or end of spec, found %s",
			pos + 1, found(spec, pos, what, sizeof(what)));
	}
}

int
lcx_pipeline_check(const char *spec, char *err, size_t errlen)
{
	struct parsed p;

	return parse(spec, &p, err, errlen);
}

int
lcx_pipeline_flags(const char *spec)
{
	struct parsed p;
	unsigned int i;
	int rc, flags = 0;

	rc = parse(spec, &p, NULL, 0);
	if (rc < 0)
		return rc;
	for (i = 0; i < p.n; i++)
		flags |= (int)p.st[i].h->flags;
	return flags;
}

/* ---- Fast path ------------------------------------------------------------ */

static __rte_always_inline void
stage_drop(struct lcx_ctx *ctx, struct stage *s, uint16_t r,
		struct rte_mbuf **pkts, uint16_t n)
{
	s->st.drop[r] += n;
	s->st.dropped += n;
	ctx->stats.dropped += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

/* Carry out the decisions of one stage, a run of equal decisions at a
 * time (a router's burst mostly goes one way); the CONTINUE packets are
 * packed to the front, in order.  Returns how many. */
static uint16_t
dispatch(struct pipeline *pl, struct lcx_ctx *ctx, struct stage *s,
		struct rte_mbuf **pkts, uint16_t *act, uint16_t n)
{
	uint16_t i = 0, j, k = 0, cnt, arg, sent;
	struct rte_ring *r;
	uint16_t a;

	while (i < n) {
		a = act[i];
		for (j = i + 1; j < n && act[j] == a; j++)
			;
		cnt = j - i;
		arg = LCX_ACT_ARG(a);
		switch (LCX_ACT_KIND(a)) {
		case LCX_ACT_KIND_CONTINUE:
			if (k != i)
				memmove(&pkts[k], &pkts[i], cnt * sizeof(pkts[0]));
			k += cnt;
			break;
		case LCX_ACT_KIND_TX:
			if (unlikely(arg >= LCX_MAX_PORTS)) {
				stage_drop(ctx, s, s->nb_drops +
					DROP_BAD_DECISION, &pkts[i], cnt);
				break;
			}
			s->st.pkts_tx += cnt;
			lcx_ctx_tx_burst(ctx, arg, &pkts[i], cnt);
			break;
		case LCX_ACT_KIND_HANDOFF:
			r = arg < pl->nb_out ? pl->ho_out[arg] : NULL;
			if (r == NULL) {
				/* To itself, or no group: stay here. */
				if (k != i)
					memmove(&pkts[k], &pkts[i],
						cnt * sizeof(pkts[0]));
				k += cnt;
				break;
			}
			sent = (uint16_t)rte_ring_sp_enqueue_burst(r,
					(void **)&pkts[i], cnt, NULL);
			s->st.pkts_handoff += sent;
			if (unlikely(sent < cnt))
				stage_drop(ctx, s, s->nb_drops +
					DROP_HANDOFF_FULL, &pkts[i + sent],
					cnt - sent);
			break;
		case LCX_ACT_KIND_DROP:
			if (unlikely(arg >= s->nb_drops))
				arg = s->nb_drops + DROP_BAD_DECISION;
			stage_drop(ctx, s, arg, &pkts[i], cnt);
			break;
		case LCX_ACT_KIND_TAKEN:
			s->st.pkts_taken += cnt;
			break;
		case LCX_ACT_KIND_BRANCH: {
			struct pending *pd;

			if (unlikely(arg >= s->nb_branches)) {
				stage_drop(ctx, s, s->nb_drops +
					DROP_BAD_DECISION, &pkts[i], cnt);
				break;
			}
			/* Forward only (checked at attach), and a burst holds
			 * at most LCX_BURST packets: pd->m cannot overflow. */
			pd = &pl->pend[s->branch[arg]];
			memcpy(&pd->m[pd->n], &pkts[i], cnt * sizeof(pkts[0]));
			pd->n += cnt;
			pl->pend_mask |= 1u << s->branch[arg];
			s->st.branch[arg] += cnt;
			break;
		}
		default:
			stage_drop(ctx, s, s->nb_drops + DROP_BAD_DECISION,
				&pkts[i], cnt);
			break;
		}
		i = j;
	}
	memset(act, 0, k * sizeof(act[0]));
	return k;
}

/* Run pkts[0..n) (n <= LCX_BURST) from stage 'first' on; the survivors
 * are packed in pkts[0..ret). */
static __rte_always_inline uint16_t
run(struct pipeline *pl, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t n, unsigned int first)
{
	uint16_t act[LCX_BURST];
	uint64_t t0, t1;
	unsigned int i;
	uint16_t nd;

	memset(act, 0, n * sizeof(act[0]));
	t0 = rte_rdtsc();
	for (i = first; i < pl->nb_stages; i++) {
		struct stage *s = &pl->stage[i];

		/* A linear pipeline never has pending packets: one test. */
		if (unlikely(pl->pend_mask != 0) &&
				(pl->pend_mask & (1u << i)) != 0) {
			struct pending *pd = &pl->pend[i];

			memcpy(&pkts[n], pd->m, pd->n * sizeof(pkts[0]));
			memset(&act[n], 0, pd->n * sizeof(act[0]));
			n += pd->n;
			pd->n = 0;
			pl->pend_mask &= ~(1u << i);
		}
		if (n == 0) {
			if (pl->pend_mask == 0)
				break;
			continue;
		}
		nd = s->process(s->priv, ctx, pkts, act, n);
		t1 = rte_rdtsc();
		s->st.cycles += t1 - t0;
		s->st.bursts++;
		s->st.pkts_in += n;
		if (nd != 0) {
			n = dispatch(pl, ctx, s, pkts, act, n);
			t1 = rte_rdtsc();
		}
		s->st.pkts_continue += n;
		t0 = t1;
	}
	return n;
}

static void
pipeline_rx(struct lcx_ctx *ctx, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct pipeline *pl = ctx->burst_arg;
	const struct lcx_port *port = rxq->port;
	uint16_t i, chunk, k;

	/* Handlers see the lcx port index in mbuf->port.  lcx drivers set it
	 * on RX (see lcx_port_rx_fn); a DPDK PMD sets its own port id, which
	 * needs rewriting only when it differs from the lcx index. */
	if (port->eth_id != LCX_PORT_NO_ETHDEV && port->eth_id != port->id)
		for (i = 0; i < n; i++)
			pkts[i]->port = port->id;
	while (n != 0) {
		chunk = RTE_MIN(n, (uint16_t)LCX_BURST);
		k = run(pl, ctx, pkts, chunk, 0);
		if (k != 0)
			lcx_ctx_tx_burst(ctx, rxq->out_port, pkts, k);
		pkts += chunk;
		n -= chunk;
	}
}

static void
pipeline_handoff(struct lcx_ctx *ctx, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct pipeline *pl = ctx->burst_arg;
	uint16_t i, j, chunk, k, out;

	RTE_SET_USED(rxq);
	while (n != 0) {
		chunk = RTE_MIN(n, (uint16_t)LCX_BURST);
		k = run(pl, ctx, pkts, chunk, pl->resume);
		/* Default output: the pair of the input port, a run at a time. */
		for (i = 0; i < k; i = j) {
			out = pkts[i]->port ^ 1;
			for (j = i + 1; j < k && (pkts[j]->port ^ 1) == out; j++)
				;
			if (out < LCX_MAX_PORTS)
				lcx_ctx_tx_burst(ctx, out, &pkts[i], j - i);
			else
				lcx_ctx_drop(ctx, LCX_CTX_DROP_NO_TXQ, &pkts[i],
					j - i);
		}
		pkts += chunk;
		n -= chunk;
	}
}

/* ---- Control -------------------------------------------------------------- */

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
	t = label_find(building.p, label);
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
	rc = parse(spec, &p, err, sizeof(err));
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
