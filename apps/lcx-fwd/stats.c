/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live table, text summary and JSON summary.  Readers only: every counter
 * is one 64-bit load of a value its owner writes (lcx_ctx_stats_get(),
 * lcx_pipeline_stats_get(), lcx_port_stats_get()).
 *
 * Bytes: contexts count packets, not bytes (as testpmd's streams: summing
 * lengths is work on every packet), so a context's Gbit/s is its packet
 * rate times the mean frame size the ports received in the same interval
 * (frame bytes without FCS, preamble or gap); exact bytes are the ports'.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "lcx_runq.h"
#include "fwd.h"

void
fwd_snap_take(const struct fwd_run *r, struct fwd_snap *s)
{
	unsigned int i;

	s->tsc = rte_rdtsc();
	for (i = 0; i < r->nb_ctx; i++)
		lcx_ctx_stats_get(r->ctx[i], &s->ctx[i]);
	for (i = 0; i < r->nb_ports; i++)
		if (lcx_port_stats_get(r->port[i], &s->port[i]) != 0)
			memset(&s->port[i], 0, sizeof(s->port[i]));
}

static double
ratio(uint64_t num, uint64_t den)
{
	return den != 0 ? (double)num / (double)den : 0.0;
}

/* "tx-full=3 macswap.runt=1", or "-". */
static void
drops_fmt(char *buf, size_t len, const struct lcx_ctx_stats *st,
		const struct lcx_handler_stats *stage, unsigned int nb_stages)
{
	size_t off = 0;
	unsigned int d, s;

	buf[0] = '\0';
	for (d = 0; d < LCX_CTX_DROP_MAX && off < len; d++)
		if (st->drop[d] != 0)
			off += snprintf(buf + off, len - off, "%s%s=%" PRIu64,
					off ? " " : "",
					lcx_ctx_drop_name((enum lcx_ctx_drop)d),
					st->drop[d]);
	for (s = 0; s < nb_stages && off < len; s++)
		for (d = 0; d < stage[s].nb_drops && off < len; d++)
			if (stage[s].drop[d] != 0)
				off += snprintf(buf + off, len - off,
						"%s%s.%s=%" PRIu64,
						off ? " " : "",
						stage[s].handler,
						stage[s].drop_name[d],
						stage[s].drop[d]);
	if (off == 0)
		off = snprintf(buf, len, "-");
	/* Not drops, but what a shared TX queue costs (issue 9). */
	if (st->tx_shared != 0 && off < len)
		snprintf(buf + off, len - off, " | tx-shared=%" PRIu64
				" lock-waits=%" PRIu64, st->tx_shared,
				st->tx_lock_waits);
}

/* "count.ipv4-packets=12 classify>resp=3 ...": the non-zero declared
 * counters and branch counts of a context's stages; "" when none. */
static void
counters_fmt(char *buf, size_t len, const struct lcx_handler_stats *stage,
		unsigned int nb_stages)
{
	size_t off = 0;
	unsigned int c, s;

	buf[0] = '\0';
	for (s = 0; s < nb_stages && off < len; s++) {
		for (c = 0; c < stage[s].nb_branches && off < len; c++)
			if (stage[s].branch[c] != 0)
				off += snprintf(buf + off, len - off,
						"%s%s>%s=%" PRIu64,
						off ? " " : "", stage[s].label,
						stage[s].branch_name[c],
						stage[s].branch[c]);
		for (c = 0; c < stage[s].nb_counters && off < len; c++)
			if (stage[s].counter[c] != 0)
				off += snprintf(buf + off, len - off,
						"%s%s.%s=%" PRIu64,
						off ? " " : "", stage[s].label,
						stage[s].counter_name[c],
						stage[s].counter[c]);
	}
}

void
fwd_table_print(const struct fwd_run *r, const struct fwd_snap *prev,
		const struct fwd_snap *cur)
{
	struct lcx_handler_stats stage[LCX_PIPELINE_MAX_STAGES];
	double dt = (double)(cur->tsc - prev->tsc) / (double)r->tsc_hz;
	uint64_t pk = 0, by = 0;
	unsigned int i, s;
	char drops[256], ctrs[512];
	FILE *f = r->table;

	if (dt <= 0)
		return;
	for (i = 0; i < r->nb_ports; i++) {
		pk += cur->port[i].ipackets - prev->port[i].ipackets;
		by += cur->port[i].ibytes - prev->port[i].ibytes;
	}
	fprintf(f, "\n[%7.1f s] %-3s %5s %-9s %8s %7s %6s %8s %5s  %s\n",
			(double)(cur->tsc - r->t_start) / (double)r->tsc_hz,
			"ctx", "lcore", "state", "Mpps", "Gbit/s", "busy%",
			"cyc/pkt", "runq", "drops (total)");
	for (i = 0; i < r->nb_ctx; i++) {
		const struct lcx_ctx_stats *a = &prev->ctx[i], *b = &cur->ctx[i];
		uint64_t rx = b->rx_packets - a->rx_packets;
		uint64_t work = rx + b->handoff_in - a->handoff_in;
		uint64_t busy = b->busy_cycles - a->busy_cycles;
		uint64_t idle = b->idle_cycles - a->idle_cycles;
		double gbps = (double)rx * ratio(by, pk) * 8 / dt / 1e9;
		for (s = 0; s < r->ctx_stages[i]; s++)
			if (lcx_pipeline_stats_get(r->ctx[i], s, &stage[s]))
				memset(&stage[s], 0, sizeof(stage[s]));
		drops_fmt(drops, sizeof(drops), b, stage, r->ctx_stages[i]);
		fprintf(f, "%11s %-3u %5u %-9s %8.3f %7.3f %6.1f %8.1f %5u  "
				"%s\n", "", r->ctx[i]->id, r->ctx[i]->lcore,
				lcx_ctx_state_name(lcx_ctx_state_get(r->ctx[i])),
				(double)rx / dt / 1e6, gbps,
				100.0 * ratio(busy, busy + idle),
				ratio(busy, work),
				lcx_runq_count(r->ctx[i]->runq), drops);
		counters_fmt(ctrs, sizeof(ctrs), stage, r->ctx_stages[i]);
		if (ctrs[0] != '\0')
			fprintf(f, "%11s     counters (total): %s\n", "", ctrs);
	}
	fprintf(f, "%11s %-4s %-22s %8s %8s %14s %14s %10s\n", "", "port",
			"spec", "rx Mpps", "tx Mpps", "rx", "tx", "missed");
	for (i = 0; i < r->nb_ports; i++) {
		const struct lcx_port_stats *a = &prev->port[i];
		const struct lcx_port_stats *b = &cur->port[i];

		fprintf(f, "%11s %-4u %-22.22s %8.3f %8.3f %14" PRIu64
				" %14" PRIu64 " %10" PRIu64 "\n", "",
				r->port[i]->id, r->port[i]->name,
				(double)(b->ipackets - a->ipackets) / dt / 1e6,
				(double)(b->opackets - a->opackets) / dt / 1e6,
				b->ipackets, b->opackets, b->imissed);
	}
	fflush(f);
}

/* ---- End of run ----------------------------------------------------------- */

struct totals {
	uint64_t rx, tx, dropped, handoff_in, busy, idle;
	uint64_t drop[LCX_CTX_DROP_MAX];
	struct lcx_handler_stats stage[LCX_PIPELINE_MAX_STAGES];
	double secs;
};

static void
totals_get(const struct fwd_run *r, struct totals *t)
{
	unsigned int i, d, s;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < r->nb_ctx; i++) {
		const struct lcx_ctx_stats *st = &r->final.ctx[i];

		t->rx += st->rx_packets;
		t->tx += st->tx_packets;
		t->dropped += st->dropped;
		t->handoff_in += st->handoff_in;
		t->busy += st->busy_cycles;
		t->idle += st->idle_cycles;
		for (d = 0; d < LCX_CTX_DROP_MAX; d++)
			t->drop[d] += st->drop[d];
		/* stage s means the same handler only on contexts running
		 * the default pipeline; the others report their own */
		for (s = 0; !r->own_pipeline[i] && s < r->nb_stages; s++)
			lcx_handler_stats_add(&t->stage[s], &r->stage[i][s]);
	}
	t->secs = (double)(r->t_stop - r->t_start) / (double)r->tsc_hz;
}

static const char *
end_name(enum fwd_end e)
{
	switch (e) {
	case FWD_END_DURATION:
		return "duration";
	case FWD_END_SIGNAL:
		return "signal";
	case FWD_END_ERROR:
		return "error";
	}
	return "?";
}

static void
stage_print(const char *who, unsigned int s, const struct lcx_handler_stats *st)
{
	unsigned int c;

	printf("  %sstage %u %-10s in %" PRIu64 "  continue %" PRIu64
			"  tx %" PRIu64 "  handoff %" PRIu64
			"  dropped %" PRIu64 "  %.1f cycles/pkt\n", who, s,
			st->handler, st->pkts_in, st->pkts_continue,
			st->pkts_tx, st->pkts_handoff, st->dropped,
			ratio(st->cycles, st->pkts_in));
	for (c = 0; c < st->nb_branches; c++)
		printf("    branch to %s: %" PRIu64 "\n", st->branch_name[c],
				st->branch[c]);
	for (c = 0; c < st->nb_counters; c++)
		if (st->counter[c] != 0)
			printf("    %s %s: %" PRIu64 "\n", st->handler,
					st->counter_name[c], st->counter[c]);
}

void
fwd_summary_print(const struct fwd_run *r)
{
	struct totals t;
	unsigned int i, s;
	char drops[512];

	totals_get(r, &t);
	printf("\nlcx-fwd summary: %.3f s forwarding (ended by %s)\n", t.secs,
			end_name(r->end));
	printf("  rx %" PRIu64 "  tx %" PRIu64 "  dropped %" PRIu64
			"  held %" PRId64 "  rx %.3f Mpps  tx %.3f Mpps\n",
			t.rx, t.tx, t.dropped,
			(int64_t)(t.rx - t.tx - t.dropped),
			t.secs > 0 ? (double)t.rx / t.secs / 1e6 : 0.0,
			t.secs > 0 ? (double)t.tx / t.secs / 1e6 : 0.0);
	printf("  %-3s %5s %-9s %14s %14s %12s %8s %6s  %s\n", "ctx", "lcore",
			"state", "rx", "tx", "dropped", "cyc/pkt", "busy%",
			"drops");
	for (i = 0; i < r->nb_ctx; i++) {
		const struct lcx_ctx_stats *st = &r->final.ctx[i];

		drops_fmt(drops, sizeof(drops), st, r->stage[i], r->ctx_stages[i]);
		printf("  %-3u %5u %-9s %14" PRIu64 " %14" PRIu64 " %12" PRIu64
				" %8.1f %6.1f  %s\n", r->ci[i].id,
				r->ci[i].lcore,
				lcx_ctx_state_name((enum lcx_ctx_state)
					r->state[i]),
				st->rx_packets, st->tx_packets, st->dropped,
				ratio(st->busy_cycles, st->rx_packets +
					st->handoff_in),
				100.0 * ratio(st->busy_cycles,
					st->busy_cycles + st->idle_cycles),
				drops);
	}
	printf("  %-4s %-30s %14s %14s %10s\n", "port", "spec", "rx", "tx",
			"missed");
	for (i = 0; i < r->nb_ports; i++)
		printf("  %-4u %-30.30s %14" PRIu64 " %14" PRIu64 " %10" PRIu64
				"\n", r->pi[i].id, r->pi[i].name,
				r->final.port[i].ipackets,
				r->final.port[i].opackets,
				r->final.port[i].imissed);
	for (s = 0; s < r->nb_stages; s++)
		stage_print("", s, &t.stage[s]);
	for (i = 0; i < r->nb_ctx; i++)
		for (s = 0; r->own_pipeline[i] && s < r->ctx_stages[i]; s++) {
			char who[32];

			snprintf(who, sizeof(who), "ctx %u ", r->ci[i].id);
			stage_print(who, s, &r->stage[i][s]);
		}
	printf("  pools full: %s\n", r->pools_full ? "yes" : "NO");
}

/* ---- JSON ----------------------------------------------------------------- */

static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
json_drops(const uint64_t *drop, const struct lcx_handler_stats *stage,
		unsigned int nb_stages)
{
	unsigned int d, s, n = 0;

	printf("{");
	for (d = 0; d < LCX_CTX_DROP_MAX; d++) {
		printf("%s\"%s\": %" PRIu64, n++ ? ", " : "",
				lcx_ctx_drop_name((enum lcx_ctx_drop)d),
				drop[d]);
	}
	for (s = 0; s < nb_stages; s++)
		for (d = 0; d < stage[s].nb_drops; d++) {
			printf("%s\"%s.%s\": %" PRIu64, n++ ? ", " : "",
					stage[s].handler, stage[s].drop_name[d],
					stage[s].drop[d]);
		}
	printf("}");
}

static void
json_stage(unsigned int i, const struct lcx_handler_stats *st)
{
	unsigned int d;

	printf("{\"stage\": %u, \"handler\": ", i);
	json_str(st->handler != NULL ? st->handler : "?");
	printf(", \"bursts\": %" PRIu64 ", \"pkts_in\": %" PRIu64
			", \"pkts_continue\": %" PRIu64 ", \"pkts_tx\": %"
			PRIu64 ", \"pkts_handoff\": %" PRIu64
			", \"pkts_taken\": %" PRIu64 ", \"dropped\": %" PRIu64
			", \"cycles\": %" PRIu64 ", \"cycles_per_packet\": %.2f"
			", \"drops\": {", st->bursts, st->pkts_in,
			st->pkts_continue, st->pkts_tx, st->pkts_handoff,
			st->pkts_taken, st->dropped, st->cycles,
			ratio(st->cycles, st->pkts_in));
	for (d = 0; d < st->nb_drops; d++)
		printf("%s\"%s\": %" PRIu64, d ? ", " : "", st->drop_name[d],
				st->drop[d]);
	printf("}, \"label\": ");
	json_str(st->label);
	printf(", \"branches\": {");
	for (d = 0; d < st->nb_branches; d++)
		printf("%s\"%s\": %" PRIu64, d ? ", " : "",
				st->branch_name[d], st->branch[d]);
	printf("}, \"counters\": {");
	for (d = 0; d < st->nb_counters; d++)
		printf("%s\"%s\": %" PRIu64, d ? ", " : "",
				st->counter_name[d], st->counter[d]);
	printf("}}");
}

void
fwd_json_print(const struct fwd_run *r)
{
	const struct fwd_opts *o = r->o;
	struct totals t;
	unsigned int i, s;

	totals_get(r, &t);
	printf("{\"tool\": \"lcx-fwd\", \"duration_s\": %.3f, \"ended_by\": "
			"\"%s\", \"pipeline_spec\": ", t.secs, end_name(r->end));
	json_str(o->pipeline);
	printf(", \"placement\": \"%s\", \"idle\": \"%s\"",
			o->policy->name, lcx_idle_mode_name(o->idle));
	printf(", \"rx_packets\": %" PRIu64 ", \"tx_packets\": %" PRIu64
			", \"dropped\": %" PRIu64 ", \"held\": %" PRId64
			", \"rx_pps\": %.1f, \"tx_pps\": %.1f"
			", \"busy_cycles\": %" PRIu64 ", \"idle_cycles\": %"
			PRIu64 ", \"cycles_per_packet\": %.2f",
			t.rx, t.tx, t.dropped,
			(int64_t)(t.rx - t.tx - t.dropped),
			t.secs > 0 ? (double)t.rx / t.secs : 0.0,
			t.secs > 0 ? (double)t.tx / t.secs : 0.0,
			t.busy, t.idle, ratio(t.busy, t.rx + t.handoff_in));
	printf(", \"drops\": ");
	json_drops(t.drop, t.stage, r->nb_stages);
	printf(", \"pools_full\": %s, \"watchdog_errors\": %" PRIu64,
			r->pools_full ? "true" : "false", r->watchdog_errors);

	printf(", \"contexts\": [");
	for (i = 0; i < r->nb_ctx; i++) {
		const struct lcx_ctx_stats *st = &r->final.ctx[i];

		printf("%s{\"id\": %u, \"name\": ", i ? ", " : "",
				r->ci[i].id);
		json_str(r->ci[i].name);
		printf(", \"lcore\": %u, \"socket\": %d, \"state\": \"%s\""
				", \"rx_packets\": %" PRIu64
				", \"tx_packets\": %" PRIu64
				", \"dropped\": %" PRIu64
				", \"handoff_in\": %" PRIu64
				", \"busy_cycles\": %" PRIu64
				", \"idle_cycles\": %" PRIu64
				", \"cycles_per_packet\": %.2f"
				", \"rx_pps\": %.1f, \"iterations\": %" PRIu64
				", \"parks\": %" PRIu64
				", \"tx_shared\": %" PRIu64
				", \"tx_lock_waits\": %" PRIu64
				", \"tx_lock_cycles\": %" PRIu64
				", \"drops\": ",
				r->ci[i].lcore, r->ci[i].socket,
				lcx_ctx_state_name((enum lcx_ctx_state)
					r->state[i]),
				st->rx_packets, st->tx_packets, st->dropped,
				st->handoff_in, st->busy_cycles,
				st->idle_cycles,
				ratio(st->busy_cycles,
					st->rx_packets + st->handoff_in),
				t.secs > 0 ? (double)st->rx_packets / t.secs :
					0.0,
				st->iterations, st->parks, st->tx_shared,
				st->tx_lock_waits, st->tx_lock_cycles);
		json_drops(st->drop, r->stage[i], r->ctx_stages[i]);
		printf(", \"pipeline_spec\": ");
		json_str(fwd_pipeline_for(o, r->ci[i].lcore, NULL));
		printf(", \"pipeline\": [");
		for (s = 0; s < r->ctx_stages[i]; s++) {
			printf("%s", s ? ", " : "");
			json_stage(s, &r->stage[i][s]);
		}
		printf("]}");
	}
	printf("], \"ports\": [");
	for (i = 0; i < r->nb_ports; i++) {
		const struct lcx_port_stats *ps = &r->final.port[i];

		printf("%s{\"id\": %u, \"spec\": ", i ? ", " : "",
				r->pi[i].id);
		json_str(r->pi[i].name);
		printf(", \"rx_packets\": %" PRIu64 ", \"tx_packets\": %"
				PRIu64 ", \"rx_bytes\": %" PRIu64
				", \"tx_bytes\": %" PRIu64 ", \"missed\": %"
				PRIu64 ", \"rx_errors\": %" PRIu64
				", \"tx_errors\": %" PRIu64
				", \"rx_nombuf\": %" PRIu64 "}",
				ps->ipackets, ps->opackets, ps->ibytes,
				ps->obytes, ps->imissed, ps->ierrors,
				ps->oerrors, ps->rx_nombuf);
	}
	printf("], \"pipeline\": [");
	for (s = 0; s < r->nb_stages; s++) {
		printf("%s", s ? ", " : "");
		json_stage(s, &t.stage[s]);
	}
	printf("]}\n");
}
