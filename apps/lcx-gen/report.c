/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reports: the final table (stdout), JSON, CSV of every trial, and an SVG
 * plot written directly (no plotting tool needed): forwarding rate and
 * loss against offered load for every trial of each size, and the latency
 * CDF of the 50 %-of-NDR run (or of the run).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

static void
lat_print(FILE *f, const char *what, const struct gen_lat *l)
{
	if (l->count == 0) {
		fprintf(f, "%s: no sample\n", what);
		return;
	}
	fprintf(f, "%s (us, %" PRIu64 " samples): min %.2f p50 %.2f p90 %.2f "
			"p99 %.2f p99.9 %.2f p99.99 %.2f max %.2f mean %.2f\n",
			what, l->count, l->min / 1e3, l->p50 / 1e3,
			l->p90 / 1e3, l->p99 / 1e3, l->p999 / 1e3,
			l->p9999 / 1e3, l->max / 1e3, l->mean / 1e3);
}

static void
calib_print(const struct gen_run *r, FILE *f)
{
	fprintf(f, "timestamp resolution %.3f ns (TSC %.3f GHz); generator "
			"self-overhead (fill -> check, no device) min %.0f ns, "
			"p50 %.0f ns; a latency includes the check of the "
			"frames before it in its burst\n", r->ts_res_ns,
			r->tsc_hz / 1e9, r->calib_ns, r->calib_p50_ns);
}

static double
loss_pct(uint64_t tx, uint64_t rx)
{
	return tx == 0 ? 0 : 100.0 * ((double)tx - (double)rx) / (double)tx;
}

void
gen_report_print(const struct gen_run *r, FILE *f)
{
	const struct gen_opts *o = r->o;
	unsigned int i, g, k;

	fprintf(f, "lcx-gen: %u context%s, %u sender%s, %u stream%s, line "
			"rate %s", r->nb_ctx, r->nb_ctx == 1 ? "" : "s",
			r->nb_tx, r->nb_tx == 1 ? "" : "s", r->nb_streams,
			r->nb_streams == 1 ? "" : "s",
			r->line_mbps ? "" : "unknown");
	if (r->line_mbps)
		fprintf(f, "%" PRIu64 " Mbit/s", r->line_mbps);
	fprintf(f, "%s\n", r->interrupted ? " (interrupted)" : "");
	calib_print(r, f);
	if (o->mode == GEN_MODE_RUN) {
		const struct gen_counts *c = &r->c1;
		uint64_t uniq = c->rx - c->dup - c->late;
		double secs = r->run_secs > 0 ? r->run_secs : 1;
		double mean = c->tx ? (double)c->tx_bytes / c->tx : 0;

		fprintf(f, "asked   %s", r->asked_pps > 0 ? "" : "max\n");
		if (r->asked_pps > 0)
			fprintf(f, "%.6f Mpps\n", r->asked_pps / 1e6);
		fprintf(f, "sent    %" PRIu64 " frames in %.3f s: %.6f Mpps, "
				"%.3f Gbit/s L1", c->tx, secs,
				c->tx / secs / 1e6, c->tx * (mean +
				GEN_WIRE_OVERHEAD) * 8 / secs / 1e9);
		if (r->line_mbps)
			fprintf(f, " (%.2f %% of line rate%s)",
					c->tx * (mean + GEN_WIRE_OVERHEAD) * 8 /
					secs / 1e4 / r->line_mbps,
					c->tx * (mean + GEN_WIRE_OVERHEAD) * 8 /
					secs / 1e6 > r->line_mbps ?
					": above the device's nominal speed, "
					"a virtual link" : "");
		fprintf(f, "\nrecv    %" PRIu64 " frames: %.6f Mpps; lost %"
				PRId64 " (%.4f %%), duplicates %" PRIu64
				", reordered %" PRIu64 ", late %" PRIu64
				", not ours %" PRIu64 "\n", c->rx,
				c->rx / secs / 1e6,
				(int64_t)(c->tx - uniq), loss_pct(c->tx, uniq),
				c->dup, c->reord, c->late, c->other);
		lat_print(f, "latency", &r->lat);
		fprintf(f, "cost    %.1f TSC cycles to make and send a frame, "
				"%.1f to check and free one\n", r->gen_cycles,
				r->check_cycles);
		if (r->nb_st <= 16)
			for (i = 0; i < r->nb_st; i++)
				fprintf(f, "stream %u: sent %" PRIu64 " recv %"
						PRIu64 " lost %" PRId64 " dup %"
						PRIu64 " reord %" PRIu64 "\n",
						i, r->st[i].sent, r->st[i].rx,
						(int64_t)(r->st[i].sent -
						(r->st[i].rx - r->st[i].dup -
						 r->st[i].late)),
						r->st[i].dup, r->st[i].reord);
		return;
	}
	fprintf(f, "%-10s %-6s %-10s %14s %14s %14s %6s %7s\n", "size",
			"goal", "loss", "lower Mpps", "upper Mpps",
			"cond-thr Mpps", "conv", "trials");
	for (i = 0; i < r->nb_sres; i++) {
		const struct gen_size_res *s = &r->sres[i];

		for (g = 0; g < o->sc.nb_goals; g++)
			fprintf(f, "%-10s %-6s %-10g %14.6f %14.6f %14.6f %6s "
					"%7u\n", s->size, o->sc.goal_name[g],
					o->sc.goal_loss[g],
					s->sr.goal[g].lower / 1e6,
					s->sr.goal[g].upper / 1e6,
					s->sr.goal[g].cond_throughput / 1e6,
					s->sr.goal[g].converged ? "yes" : "no",
					s->sr.nb_trials);
		for (k = 0; k < s->nb_lat; k++) {
			char what[96];

			snprintf(what, sizeof(what), "  latency at %.0f %% of "
					"%s (%.6f Mpps, loss %.4f %%)",
					s->lat[k].pct, o->sc.goal_name[0],
					s->lat[k].load / 1e6,
					loss_pct(s->lat[k].t.tx,
						s->lat[k].t.rx));
			lat_print(f, what, &s->lat[k].lat);
		}
	}
}

static void
json_lat(FILE *f, const struct gen_lat *l)
{
	fprintf(f, "{\"samples\": %" PRIu64 ", \"min_ns\": %.1f, "
			"\"p50_ns\": %.1f, \"p90_ns\": %.1f, \"p99_ns\": %.1f, "
			"\"p99_9_ns\": %.1f, \"p99_99_ns\": %.1f, "
			"\"max_ns\": %.1f, \"mean_ns\": %.1f}", l->count,
			l->min, l->p50, l->p90, l->p99, l->p999, l->p9999,
			l->max, l->mean);
}

static void
json_trial(FILE *f, const struct gen_opts *o, const struct gen_trial *t)
{
	fprintf(f, "{\"goal\": \"%s\", \"phase\": %d, \"load_pps\": %.1f, "
			"\"duration_s\": %.3f, \"tx\": %" PRIu64 ", \"rx\": %"
			PRIu64 ", \"loss_ratio\": %.9f, \"achieved_pps\": %.1f, "
			"\"fwd_pps\": %.1f, \"short_offer\": %s}", t->goal < 0 ?
			"max-load" : o->sc.goal_name[t->goal], t->phase,
			t->load, t->duration, t->tx, t->rx, t->loss_ratio,
			t->achieved, t->fwd_rate,
			t->short_offer ? "true" : "false");
}

int
gen_report_json(const struct gen_run *r, const char *path)
{
	const struct gen_opts *o = r->o;
	unsigned int i, g, k;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, GEN_NAME ": --json %s: %s\n", path,
				strerror(errno));
		return -errno;
	}
	fprintf(f, "{\n\"tool\": \"lcx-gen\", \"mode\": \"%s\", "
			"\"contexts\": %u, \"senders\": %u, \"streams\": %u, "
			"\"flows\": %u, \"line_rate_mbps\": %" PRIu64 ", "
			"\"interrupted\": %s, \"pools_full\": %s,\n"
			"\"ts_resolution_ns\": %.4f, \"self_overhead_ns\": "
			"{\"min\": %.1f, \"p50\": %.1f},\n", o->mode ==
			GEN_MODE_RUN ? "run" : "search", r->nb_ctx, r->nb_tx,
			r->nb_streams, o->flows, r->line_mbps,
			r->interrupted ? "true" : "false",
			r->pools_full ? "true" : "false", r->ts_res_ns,
			r->calib_ns, r->calib_p50_ns);
	fprintf(f, "\"ports\": [");
	for (i = 0; i < o->nb_ports; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", o->ports[i]);
	fprintf(f, "],\n");
	if (o->mode == GEN_MODE_RUN) {
		const struct gen_counts *c = &r->c1;
		uint64_t uniq = c->rx - c->dup - c->late;
		double secs = r->run_secs > 0 ? r->run_secs : 1;

		fprintf(f, "\"run\": {\"size\": \"%s\", \"asked_pps\": %.1f, "
				"\"duration_s\": %.6f, \"tx\": %" PRIu64 ", "
				"\"tx_bytes\": %" PRIu64 ", \"achieved_pps\": "
				"%.1f, \"rx\": %" PRIu64 ", \"rx_pps\": %.1f, "
				"\"lost\": %" PRId64 ", \"dup\": %" PRIu64
				", \"reordered\": %" PRIu64 ", \"late\": %"
				PRIu64 ", \"other\": %" PRIu64 ", \"nombuf\": %"
				PRIu64 ", \"gen_cycles_per_frame\": %.2f, "
				"\"check_cycles_per_frame\": %.2f, "
				"\"latency\": ", o->size_spec,
				r->asked_pps, secs, c->tx, c->tx_bytes,
				c->tx / secs, c->rx, c->rx / secs,
				(int64_t)(c->tx - uniq), c->dup, c->reord,
				c->late, c->other, c->nombuf, r->gen_cycles,
				r->check_cycles);
		json_lat(f, &r->lat);
		fprintf(f, "},\n\"stream\": [");
		for (i = 0; i < r->nb_st && i < 1024; i++)
			fprintf(f, "%s\n {\"id\": %u, \"sent\": %" PRIu64
					", \"rx\": %" PRIu64 ", \"lost\": %"
					PRId64 ", \"dup\": %" PRIu64
					", \"reordered\": %" PRIu64
					", \"late\": %" PRIu64 "}",
					i ? "," : "", i, r->st[i].sent,
					r->st[i].rx, (int64_t)(r->st[i].sent -
					(r->st[i].rx - r->st[i].dup -
					 r->st[i].late)), r->st[i].dup,
					r->st[i].reord, r->st[i].late);
		fprintf(f, "]\n}\n");
		return fclose(f) == 0 ? 0 : -EIO;
	}
	fprintf(f, "\"search\": {\"algorithm\": \"%s\", \"precision\": %g, "
			"\"short_duration_s\": %g, \"full_duration_s\": %g, "
			"\"phases\": %u, \"sizes\": [", o->sc.algo ==
			GEN_SEARCH_MLR ? "mlrsearch" : "rfc2544-binary",
			o->sc.precision, o->sc.short_duration,
			o->sc.full_duration, o->sc.phases);
	for (i = 0; i < r->nb_sres; i++) {
		const struct gen_size_res *s = &r->sres[i];

		fprintf(f, "%s\n {\"size\": \"%s\", \"mean_size\": %.2f, "
				"\"status\": %d, \"max_fwd_pps\": %.1f, "
				"\"max_achieved_pps\": %.1f, \"goals\": [",
				i ? "," : "", s->size, s->mean_size, s->rc,
				s->sr.max_fwd_rate, s->sr.max_achieved);
		for (g = 0; g < o->sc.nb_goals; g++)
			fprintf(f, "%s{\"name\": \"%s\", \"loss_ratio\": %g, "
					"\"lower_pps\": %.1f, \"upper_pps\": "
					"%.1f, \"conditional_throughput_pps\":"
					" %.1f, \"lower_loss_ratio\": %.9f, "
					"\"converged\": %s}", g ? ", " : "",
					o->sc.goal_name[g], o->sc.goal_loss[g],
					s->sr.goal[g].lower,
					s->sr.goal[g].upper,
					s->sr.goal[g].cond_throughput,
					s->sr.goal[g].lower_loss,
					s->sr.goal[g].converged ? "true" :
					"false");
		fprintf(f, "],\n  \"latency\": [");
		for (k = 0; k < s->nb_lat; k++) {
			fprintf(f, "%s{\"pct_of_ndr\": %.0f, \"load_pps\": "
					"%.1f, \"tx\": %" PRIu64 ", \"rx\": %"
					PRIu64 ", \"latency\": ", k ? ", " : "",
					s->lat[k].pct, s->lat[k].load,
					s->lat[k].t.tx, s->lat[k].t.rx);
			json_lat(f, &s->lat[k].lat);
			fprintf(f, "}");
		}
		fprintf(f, "],\n  \"trials\": [");
		for (k = 0; k < s->sr.nb_trials; k++) {
			fprintf(f, "%s\n   ", k ? "," : "");
			json_trial(f, o, &s->sr.trial[k]);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n}\n");
	return fclose(f) == 0 ? 0 : -EIO;
}

int
gen_report_csv(const struct gen_run *r, const char *path)
{
	const struct gen_opts *o = r->o;
	unsigned int i, k;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, GEN_NAME ": --csv %s: %s\n", path,
				strerror(errno));
		return -errno;
	}
	fprintf(f, "size,goal,phase,load_pps,duration_s,tx,rx,loss_ratio,"
			"achieved_pps,fwd_pps,short_offer\n");
	if (o->mode == GEN_MODE_RUN) {
		const struct gen_counts *c = &r->c1;
		double secs = r->run_secs > 0 ? r->run_secs : 1;
		uint64_t uniq = c->rx - c->dup - c->late;

		fprintf(f, "%s,run,0,%.1f,%.6f,%" PRIu64 ",%" PRIu64 ",%.9f,"
				"%.1f,%.1f,0\n", o->size_spec, r->asked_pps,
				secs, c->tx, uniq, c->tx ? ((double)c->tx -
				(double)uniq) / c->tx : 0, c->tx / secs,
				uniq / secs);
	}
	for (i = 0; i < r->nb_sres; i++)
		for (k = 0; k < r->sres[i].sr.nb_trials; k++) {
			const struct gen_trial *t = &r->sres[i].sr.trial[k];

			fprintf(f, "%s,%s,%d,%.1f,%.3f,%" PRIu64 ",%" PRIu64
					",%.9f,%.1f,%.1f,%d\n", r->sres[i].size,
					t->goal < 0 ? "max-load" :
					o->sc.goal_name[t->goal], t->phase,
					t->load, t->duration, t->tx, t->rx,
					t->loss_ratio, t->achieved,
					t->fwd_rate, t->short_offer);
		}
	return fclose(f) == 0 ? 0 : -EIO;
}

/* ---- SVG ---------------------------------------------------------------- */

#define W 640
#define H 360
#define ML 70
#define MR 70
#define MT 30
#define MB 50

static const char *const colour[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
	"#e377c2", "#7f7f7f", "#17becf", "#bcbd22",
};

static void
axes(FILE *f, int y0, const char *title, const char *xl, const char *yl,
		double xmax, double ymax, const char *yr)
{
	int i;

	fprintf(f, "<g transform=\"translate(0,%d)\">\n", y0);
	fprintf(f, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>\n",
			ML, title);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"fill=\"none\" stroke=\"black\"/>\n", ML, MT,
			W - ML - MR, H - MT - MB);
	for (i = 0; i <= 4; i++) {
		double fx = ML + (W - ML - MR) * i / 4.0;
		double fy = H - MB - (H - MT - MB) * i / 4.0;

		fprintf(f, "<text x=\"%.0f\" y=\"%d\" font-size=\"10\" "
				"text-anchor=\"middle\">%.3g</text>\n", fx,
				H - MB + 14, xmax * i / 4);
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" font-size=\"10\" "
				"text-anchor=\"end\">%.3g</text>\n", ML - 4,
				fy + 3, ymax * i / 4);
		if (yr != NULL)
			fprintf(f, "<text x=\"%d\" y=\"%.0f\" font-size=\"10\">"
					"%.0f</text>\n", W - MR + 4, fy + 3,
					25.0 * i);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor="
			"\"middle\">%s</text>\n", (ML + W - MR) / 2, H - 12, xl);
	fprintf(f, "<text x=\"14\" y=\"%d\" font-size=\"11\" transform="
			"\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>"
			"\n", H / 2, H / 2, yl);
	if (yr != NULL)
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
				"transform=\"rotate(90 %d %d)\" text-anchor="
				"\"middle\">%s</text>\n", W - 16, H / 2,
				W - 16, H / 2, yr);
}

static double
px(double v, double max)
{
	return ML + (W - ML - MR) * (max > 0 ? v / max : 0);
}

static double
py(double v, double max)
{
	return H - MB - (H - MT - MB) * (max > 0 ? v / max : 0);
}

static void
cdf(FILE *f, const struct gen_run *r, const struct gen_hist *h, int y0,
		const char *title)
{
	double ns = 1e9 / (double)r->tsc_hz, xmax, seen = 0;
	unsigned int i;

	xmax = h->count ? gen_hist_percentile(h, 99.99) * ns / 1e3 : 1;
	if (xmax <= 0)
		xmax = 1;
	axes(f, y0, title, "latency (us)", "fraction of frames", xmax, 1,
			NULL);
	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" points=\"",
			colour[0]);
	for (i = 0; i < GEN_HIST_NB && h->count != 0; i++) {
		double x;

		if (h->b[i] == 0)
			continue;
		seen += (double)h->b[i];
		x = gen_hist_bucket_high(i) * ns / 1e3;
		if (x > xmax)
			x = xmax;
		fprintf(f, "%.1f,%.1f ", px(x, xmax),
				py(seen / (double)h->count, 1));
	}
	fprintf(f, "\"/>\n</g>\n");
}

int
gen_report_svg(const struct gen_run *r, const char *path)
{
	unsigned int i, k, panels = 0;
	const struct gen_hist *lat = NULL;
	double xmax = 0;
	FILE *f;

	for (i = 0; i < r->nb_sres; i++)
		for (k = 0; k < r->sres[i].sr.nb_trials; k++)
			xmax = fmax(xmax, r->sres[i].sr.trial[k].load / 1e6);
	if (r->nb_sres != 0)
		panels++;
	for (i = 0; i < r->nb_sres && lat == NULL; i++)
		lat = r->sres[i].cdf;
	if (r->o->mode == GEN_MODE_RUN)
		lat = &r->hist;
	if (lat != NULL)
		panels++;
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, GEN_NAME ": --svg %s: %s\n", path,
				strerror(errno));
		return -errno;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
			"height=\"%u\" font-family=\"sans-serif\">\n", W,
			H * (panels ? panels : 1));
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>"
			"\n");
	if (r->nb_sres != 0) {
		if (xmax <= 0)
			xmax = 1;
		axes(f, 0, "forwarding rate (dots) and loss % (crosses) "
				"against offered load, every trial",
				"offered load (Mpps)", "forwarding rate (Mpps)",
				xmax, xmax, "loss (%)");
		for (i = 0; i < r->nb_sres; i++) {
			const char *c = colour[i % RTE_DIM(colour)];

			for (k = 0; k < r->sres[i].sr.nb_trials; k++) {
				const struct gen_trial *t =
					&r->sres[i].sr.trial[k];
				double x = px(t->load / 1e6, xmax);

				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" "
						"r=\"3\" fill=\"%s\"/>\n", x,
						py(t->fwd_rate / 1e6, xmax), c);
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" "
						"font-size=\"9\" fill=\"%s\" "
						"text-anchor=\"middle\">x</text>"
						"\n", x, py(fmin(t->loss_ratio *
						100, 100), 100) + 3, c);
			}
			fprintf(f, "<text x=\"%d\" y=\"%u\" font-size=\"10\" "
					"fill=\"%s\">%s</text>\n", ML + 6,
					MT + 12 + 12 * i, c, r->sres[i].size);
		}
		fprintf(f, "</g>\n");
	}
	if (lat != NULL)
		cdf(f, r, lat, r->nb_sres != 0 ? H : 0, r->nb_sres != 0 ?
				"latency CDF at 50 % of NDR (first size)" :
				"latency CDF of the run");
	fprintf(f, "</svg>\n");
	return fclose(f) == 0 ? 0 : -EIO;
}
