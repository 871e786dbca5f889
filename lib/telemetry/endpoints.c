/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only endpoints on DPDK's telemetry socket, named and parameterised
 * as DPDK's own (/ethdev/list, /ethdev/stats,0).  A reply must fit DPDK's
 * limits: 16 KB of JSON, 256 dict entries, 512 array entries, names of
 * [A-Za-z0-9_/] only, and one level of nested container; the placement is
 * cut to what fits and says so.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "lcx_handler.h"
#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_telemetry.h"
#include "telemetry_private.h"

/* Rows of /lcx/placement: about 100 bytes of JSON each, under 16 KB and
 * DPDK's 256 dict entries. */
#define PLACE_ROWS_REPLY 128

static uint32_t tel_registered;
static int tel_live;  /* under tel_lock */
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;

int
tel_enter(void)
{
	pthread_mutex_lock(&tel_lock);
	if (tel_live)
		return 0;
	pthread_mutex_unlock(&tel_lock);
	return -ENODEV;
}

void
tel_leave(void)
{
	pthread_mutex_unlock(&tel_lock);
}

void
tel_name(char *out, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i] != '\0'; i++)
		out[i] = isalnum((unsigned char)s[i]) || s[i] == '/' ?
			s[i] : '_';
	if (len > 0)
		out[i] = '\0';
}

int
tel_parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long x;
	char *end;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

double
tel_busy_pct(const struct lcx_ctx_stats *st)
{
	uint64_t all = st->busy_cycles + st->idle_cycles;

	return all == 0 ? 0.0 : 100.0 * (double)st->busy_cycles / (double)all;
}

/* The context a "<id>" parameter names, or NULL. */
static struct lcx_ctx *
ctx_param(const char *params)
{
	uint32_t id;

	if (tel_parse_u32(params, UINT32_MAX, &id) != 0)
		return NULL;
	return lcx_mgr_ctx_lookup(id);
}

static int
ctx_list(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct lcx_ctx *ctx[LCX_MAX_CONTEXTS];
	unsigned int i, n;

	n = lcx_mgr_ctx_list(ctx, LCX_MAX_CONTEXTS);
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (i = 0; i < n && i < LCX_MAX_CONTEXTS; i++)
		rte_tel_data_add_array_int(d, (int)ctx[i]->id);
	return 0;
}

static const char *
idle_name(enum lcx_idle_mode m)
{
	switch (m) {
	case LCX_IDLE_BUSY:
		return "busy";
	case LCX_IDLE_PAUSE:
		return "pause";
	case LCX_IDLE_ADAPTIVE:
		return "adaptive";
	}
	return "?";
}

static int
ctx_info(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct rte_tel_data *lim, *trans, *since;
	struct lcx_ctx *ctx = ctx_param(params);
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	char key[64];
	unsigned int f, t;

	if (ctx == NULL)
		return -EINVAL;
	lim = rte_tel_data_alloc();
	trans = rte_tel_data_alloc();
	since = rte_tel_data_alloc();
	if (lim == NULL || trans == NULL || since == NULL) {
		rte_tel_data_free(lim);
		rte_tel_data_free(trans);
		rte_tel_data_free(since);
		return -ENOMEM;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "id", (int)ctx->id);
	rte_tel_data_add_dict_string(d, "name", ctx->name);
	rte_tel_data_add_dict_string(d, "state",
			lcx_ctx_state_name(lcx_ctx_state_get(ctx)));
	rte_tel_data_add_dict_int(d, "paused", lcx_mgr_ctx_paused(ctx->id));
	rte_tel_data_add_dict_int(d, "lcore", (int)ctx->lcore);
	rte_tel_data_add_dict_int(d, "socket", ctx->socket);
	rte_tel_data_add_dict_string(d, "idle", idle_name(ctx->idle));
	rte_tel_data_add_dict_int(d, "nb_rxq", ctx->nb_rxq);

	rte_tel_data_start_dict(lim);
	rte_tel_data_add_dict_u64(lim, "max_rxq", ctx->limits.max_rxq);
	rte_tel_data_add_dict_u64(lim, "pool_size", ctx->limits.pool_size);
	rte_tel_data_add_dict_u64(lim, "runq_depth", ctx->limits.runq_depth);
	rte_tel_data_add_dict_u64(lim, "tasks_per_iter",
			ctx->limits.tasks_per_iter);
	rte_tel_data_add_dict_u64(lim, "cycle_budget",
			ctx->limits.cycle_budget);
	rte_tel_data_add_dict_u64(lim, "tx_rate_pps", ctx->limits.tx_rate_pps);
	rte_tel_data_add_dict_container(d, "limits", lim, 0);

	/* Only the transitions made: 25 pairs would mostly be zero. */
	rte_tel_data_start_dict(trans);
	for (f = 0; f < LCX_CTX_STATE_MAX; f++)
		for (t = 0; t < LCX_CTX_STATE_MAX; t++) {
			uint64_t n = __atomic_load_n(&ctx->trans[f][t],
					__ATOMIC_RELAXED);

			if (n == 0)
				continue;
			snprintf(key, sizeof(key), "%s_to_%s",
					lcx_ctx_state_name(f),
					lcx_ctx_state_name(t));
			tel_name(key, sizeof(key), key);
			rte_tel_data_add_dict_u64(trans, key, n);
		}
	rte_tel_data_add_dict_u64(trans, "refused", ctx->refused_trans);
	rte_tel_data_add_dict_container(d, "transitions", trans, 0);

	/* Milliseconds since the last entry into each state entered. */
	rte_tel_data_start_dict(since);
	for (t = 0; t < LCX_CTX_STATE_MAX; t++) {
		uint64_t tsc = __atomic_load_n(&ctx->state_tsc[t],
				__ATOMIC_RELAXED);

		if (tsc == 0 || tsc > now)
			continue;
		rte_tel_data_add_dict_u64(since, lcx_ctx_state_name(t),
				(now - tsc) * 1000 / hz);
	}
	rte_tel_data_add_dict_container(d, "ms_since_entered", since, 0);
	return 0;
}

static int
ctx_stats(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct lcx_ctx *ctx = ctx_param(params);
	struct lcx_runq_stats rq;
	struct lcx_ctx_stats st;
	char key[64];
	unsigned int i;

	if (ctx == NULL)
		return -EINVAL;
	lcx_ctx_stats_get(ctx, &st);
	lcx_runq_stats_get(ctx->runq, &rq);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "iterations", st.iterations);
	rte_tel_data_add_dict_u64(d, "busy_cycles", st.busy_cycles);
	rte_tel_data_add_dict_u64(d, "idle_cycles", st.idle_cycles);
	/* Percent with two decimals, as an integer of hundredths: DPDK 22.11
	 * telemetry has no floating-point value. */
	rte_tel_data_add_dict_u64(d, "busy_pct_x100",
			(uint64_t)(tel_busy_pct(&st) * 100.0 + 0.5));
	rte_tel_data_add_dict_u64(d, "rx_packets", st.rx_packets);
	rte_tel_data_add_dict_u64(d, "handoff_in", st.handoff_in);
	rte_tel_data_add_dict_u64(d, "tx_packets", st.tx_packets);
	rte_tel_data_add_dict_u64(d, "dropped", st.dropped);
	for (i = 0; i < LCX_CTX_DROP_MAX; i++) {
		snprintf(key, sizeof(key), "drop_%s", lcx_ctx_drop_name(i));
		tel_name(key, sizeof(key), key);
		rte_tel_data_add_dict_u64(d, key, st.drop[i]);
	}
	rte_tel_data_add_dict_u64(d, "runq_depth", lcx_runq_count(ctx->runq));
	rte_tel_data_add_dict_u64(d, "runq_refused", rq.refused);
	rte_tel_data_add_dict_u64(d, "tasks_run", st.tasks_run);
	rte_tel_data_add_dict_u64(d, "timers_fired", st.timers_fired);
	rte_tel_data_add_dict_u64(d, "parks", st.parks);
	rte_tel_data_add_dict_u64(d, "tx_shared", st.tx_shared);
	rte_tel_data_add_dict_u64(d, "tx_lock_waits", st.tx_lock_waits);
	rte_tel_data_add_dict_u64(d, "tx_lock_cycles", st.tx_lock_cycles);
	return 0;
}

static int
port_list(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct lcx_port *p[LCX_MAX_PORTS];
	unsigned int i, n;

	n = lcx_place_port_list(p, LCX_MAX_PORTS);
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (i = 0; i < n && i < LCX_MAX_PORTS; i++)
		rte_tel_data_add_array_int(d, p[i]->id);
	return 0;
}

static int
port_stats(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct lcx_port *p[LCX_MAX_PORTS];
	struct lcx_port_stats st;
	unsigned int i, n;
	uint32_t id;

	if (tel_parse_u32(params, LCX_MAX_PORTS - 1, &id) != 0)
		return -EINVAL;
	n = lcx_place_port_list(p, LCX_MAX_PORTS);
	for (i = 0; i < n && i < LCX_MAX_PORTS && p[i]->id != id; i++)
		;
	if (i == n || i == LCX_MAX_PORTS)
		return -EINVAL;
	if (lcx_port_stats_get(p[i], &st) != 0)
		return -EIO;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p[i]->name);
	rte_tel_data_add_dict_int(d, "socket", p[i]->socket);
	rte_tel_data_add_dict_int(d, "nb_rxq", p[i]->nb_rxq);
	rte_tel_data_add_dict_int(d, "nb_txq", p[i]->nb_txq);
	rte_tel_data_add_dict_u64(d, "ipackets", st.ipackets);
	rte_tel_data_add_dict_u64(d, "opackets", st.opackets);
	rte_tel_data_add_dict_u64(d, "ibytes", st.ibytes);
	rte_tel_data_add_dict_u64(d, "obytes", st.obytes);
	rte_tel_data_add_dict_u64(d, "imissed", st.imissed);
	rte_tel_data_add_dict_u64(d, "ierrors", st.ierrors);
	rte_tel_data_add_dict_u64(d, "oerrors", st.oerrors);
	rte_tel_data_add_dict_u64(d, "rx_nombuf", st.rx_nombuf);
	return 0;
}

static int
placement(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	static struct lcx_place_report rows[TEL_MAX_PLACE_ROWS];
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct rte_tel_data *r;
	unsigned int i, n;
	char key[32];

	/* rows is too large for a client thread's stack.  A dict of dicts
	 * keyed p<port>_q<queue>: DPDK 22.11 takes no dict in an array. */
	pthread_mutex_lock(&lock);
	n = lcx_place_report_get(rows, TEL_MAX_PLACE_ROWS);
	rte_tel_data_start_dict(d);
	for (i = 0; i < n && i < PLACE_ROWS_REPLY; i++) {
		r = rte_tel_data_alloc();
		if (r == NULL)
			break;
		rte_tel_data_start_dict(r);
		rte_tel_data_add_dict_int(r, "port", rows[i].port);
		rte_tel_data_add_dict_int(r, "queue", rows[i].queue);
		rte_tel_data_add_dict_int(r, "ctx", rows[i].ctx_id ==
				UINT32_MAX ? -1 : (int)rows[i].ctx_id);
		rte_tel_data_add_dict_int(r, "lcore", rows[i].ctx_id ==
				UINT32_MAX ? -1 : (int)rows[i].lcore);
		rte_tel_data_add_dict_int(r, "socket", rows[i].socket);
		rte_tel_data_add_dict_string(r, "pool", rows[i].pool);
		snprintf(key, sizeof(key), "p%u_q%u", rows[i].port,
				rows[i].queue);
		if (rte_tel_data_add_dict_container(d, key, r, 0) != 0)
			rte_tel_data_free(r);
	}
	pthread_mutex_unlock(&lock);
	if (n > PLACE_ROWS_REPLY)
		LCX_LOG(NOTICE, "/lcx/placement: %u RX queues, the first %d "
				"shown", n, PLACE_ROWS_REPLY);
	return 0;
}

/* The rebalancer's last decision with the figures it was taken on
 * (lcx_mgr_rebalance_last()); {"verdict": "off"} when none. */
static int
rebalance(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct lcx_mgr_rebalance_decision r;

	rte_tel_data_start_dict(d);
	if (lcx_mgr_rebalance_last(&r) != 0) {
		rte_tel_data_add_dict_string(d, "verdict", "off");
		return 0;
	}
	rte_tel_data_add_dict_string(d, "verdict",
			lcx_mgr_rebalance_verdict_name(r.verdict));
	rte_tel_data_add_dict_u64(d, "seq", r.seq);
	rte_tel_data_add_dict_int(d, "error", r.error);
	rte_tel_data_add_dict_u64(d, "nb_ctx", r.nb_ctx);
	rte_tel_data_add_dict_u64(d, "interval_ms", r.interval_ms);
	rte_tel_data_add_dict_u64(d, "busiest_ctx", r.busiest_ctx);
	rte_tel_data_add_dict_u64(d, "busiest_permille", r.busiest_pm);
	rte_tel_data_add_dict_u64(d, "idlest_ctx", r.idlest_ctx);
	rte_tel_data_add_dict_u64(d, "idlest_permille", r.idlest_pm);
	rte_tel_data_add_dict_u64(d, "streak", r.streak);
	rte_tel_data_add_dict_int(d, "port", r.port == UINT16_MAX ? -1 :
			(int)r.port);
	rte_tel_data_add_dict_int(d, "queue", r.port == UINT16_MAX ? -1 :
			(int)r.queue);
	rte_tel_data_add_dict_u64(d, "queue_permille", r.queue_pm);
	rte_tel_data_add_dict_int(d, "to_ctx", r.to_ctx == UINT32_MAX ? -1 :
			(int)r.to_ctx);
	rte_tel_data_add_dict_u64(d, "variance_before", r.var_before);
	rte_tel_data_add_dict_u64(d, "variance_after", r.var_after);
	rte_tel_data_add_dict_u64(d, "moves", r.moves);
	return 0;
}

static int
pipeline(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct lcx_ctx *ctx = ctx_param(params);
	struct lcx_handler_stats st;
	struct rte_tel_data *s;
	unsigned int i, k, n;
	char key[160];
	uint64_t out;

	if (ctx == NULL)
		return -EINVAL;
	n = lcx_pipeline_stages(ctx);
	rte_tel_data_start_dict(d);
	for (i = 0; i < n; i++) {
		if (lcx_pipeline_stats_get(ctx, i, &st) != 0)
			break;
		s = rte_tel_data_alloc();
		if (s == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(s);
		rte_tel_data_add_dict_string(s, "handler", st.handler);
		rte_tel_data_add_dict_u64(s, "in", st.pkts_in);
		out = st.pkts_continue + st.pkts_tx + st.pkts_handoff;
		rte_tel_data_add_dict_u64(s, "out", out);
		rte_tel_data_add_dict_u64(s, "continue", st.pkts_continue);
		rte_tel_data_add_dict_u64(s, "tx", st.pkts_tx);
		rte_tel_data_add_dict_u64(s, "handoff", st.pkts_handoff);
		rte_tel_data_add_dict_u64(s, "taken", st.pkts_taken);
		rte_tel_data_add_dict_u64(s, "dropped", st.dropped);
		rte_tel_data_add_dict_u64(s, "bursts", st.bursts);
		rte_tel_data_add_dict_u64(s, "cycles", st.cycles);
		rte_tel_data_add_dict_u64(s, "cycles_per_pkt", st.pkts_in ?
				st.cycles / st.pkts_in : 0);
		for (k = 0; k < st.nb_drops; k++) {
			snprintf(key, sizeof(key), "drop_%s",
					st.drop_name[k] ? st.drop_name[k] : "?");
			tel_name(key, sizeof(key), key);
			rte_tel_data_add_dict_u64(s, key, st.drop[k]);
		}
		/* the handler's declared counters and the branches */
		for (k = 0; k < st.nb_counters; k++) {
			snprintf(key, sizeof(key), "counter_%s",
					st.counter_name[k]);
			tel_name(key, sizeof(key), key);
			rte_tel_data_add_dict_u64(s, key, st.counter[k]);
		}
		for (k = 0; k < st.nb_branches; k++) {
			snprintf(key, sizeof(key), "branch_%s",
					st.branch_name[k]);
			tel_name(key, sizeof(key), key);
			rte_tel_data_add_dict_u64(s, key, st.branch[k]);
		}
		snprintf(key, sizeof(key), "%u_%s", i, st.handler);
		tel_name(key, sizeof(key), key);
		if (rte_tel_data_add_dict_container(d, key, s, 0) != 0)
			rte_tel_data_free(s);
	}
	return 0;
}

TEL_GUARDED(ctx_list)
TEL_GUARDED(ctx_info)
TEL_GUARDED(ctx_stats)
TEL_GUARDED(port_list)
TEL_GUARDED(port_stats)
TEL_GUARDED(placement)
TEL_GUARDED(pipeline)
TEL_GUARDED(rebalance)

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} endpoints[] = {
	{ "/lcx/ctx/list", ctx_list_guarded, "Ids of lcx contexts. No parameters" },
	{ "/lcx/ctx/info", ctx_info_guarded, "State, lcore, socket, limits and "
		"transitions of a context. Parameter: context id" },
	{ "/lcx/ctx/stats", ctx_stats_guarded, "Counters of a context. Parameter: "
		"context id" },
	{ "/lcx/port/list", port_list_guarded, "Ids of lcx ports. No parameters" },
	{ "/lcx/port/stats", port_stats_guarded, "Name and counters of an lcx port. "
		"Parameter: port id" },
	{ "/lcx/placement", placement_guarded, "RX queue -> context placement. No "
		"parameters" },
	{ "/lcx/pipeline", pipeline_guarded, "Per-stage counters of a context's "
		"pipeline. Parameter: context id" },
	{ "/lcx/rebalance", rebalance_guarded, "The rebalancer's last decision "
		"and its figures. No parameters" },
};

int
lcx_telemetry_init(unsigned int flags)
{
	unsigned int i;
	int rc;

	if ((flags & ~LCX_TELEMETRY_F_CONTROL) != 0)
		return -EINVAL;
	if (__atomic_exchange_n(&tel_registered, 1, __ATOMIC_ACQ_REL) == 0) {
		for (i = 0; i < RTE_DIM(endpoints); i++) {
			rc = rte_telemetry_register_cmd(endpoints[i].cmd,
					endpoints[i].fn, endpoints[i].help);
			if (rc != 0)
				return rc;
		}
		if (flags & LCX_TELEMETRY_F_CONTROL) {
			rc = tel_ctl_register();
			if (rc != 0)
				return rc;
		}
	} else if (tel_enter() == 0) {
		tel_leave();
		return -EALREADY;
	}
	pthread_mutex_lock(&tel_lock);
	tel_live = 1;
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

void
lcx_telemetry_stop(void)
{
	/* Waits for a callback that runs: the lock is held through it. */
	pthread_mutex_lock(&tel_lock);
	tel_live = 0;
	pthread_mutex_unlock(&tel_lock);
}
