/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text exposition (format 0.0.4) of every lcx counter, and
 * GET /metrics served by libmicrohttpd from a DPDK control thread.
 *
 * Labels follow VPP's exporter, which labels per worker thread: a
 * context's series carry ctx (id) and lcore; drops carry reason; stages
 * carry stage (index) and handler; ports carry port (id) and name.  Each
 * family is written whole before the next, as the format requires, so the
 * contexts are sampled once up front.  Bytes are the ports' (contexts do
 * not count bytes).
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>
#include <rte_lcore.h>

#include "lcx_handler.h"
#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_telemetry.h"
#include "telemetry_private.h"

/* How long the server thread waits in MHD before looking at the stop flag. */
#define SERVE_TICK_MS 100
/* First guess of the exposition's size; grown to fit. */
#define METRICS_BUF 65536

struct out {
	char *buf;
	size_t len;
	size_t pos;  /* as if nothing were cut */
};

static void
put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->pos < o->len ? o->buf + o->pos : NULL,
			o->pos < o->len ? o->len - o->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

static void
family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: \, " and newline escaped, as the format asks. */
static const char *
esc(char *dst, size_t len, const char *s)
{
	size_t j = 0;

	for (; *s != '\0' && j + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			dst[j++] = '\\';
			dst[j++] = *s;
		} else if (*s == '\n') {
			dst[j++] = '\\';
			dst[j++] = 'n';
		} else {
			dst[j++] = *s;
		}
	}
	dst[j] = '\0';
	return dst;
}

/* Everything sampled for one exposition. */
struct snap {
	struct lcx_ctx *ctx[LCX_MAX_CONTEXTS];
	struct lcx_ctx_stats st[LCX_MAX_CONTEXTS];
	struct lcx_runq_stats rq[LCX_MAX_CONTEXTS];
	unsigned int runq_depth[LCX_MAX_CONTEXTS];
	int paused[LCX_MAX_CONTEXTS];
	unsigned int nb_ctx;
	unsigned int nb_stages[LCX_MAX_CONTEXTS];
	struct lcx_handler_stats stage[LCX_MAX_CONTEXTS][LCX_PIPELINE_MAX_STAGES];
	struct lcx_port *port[LCX_MAX_PORTS];
	struct lcx_port_stats pst[LCX_MAX_PORTS];
	int port_ok[LCX_MAX_PORTS];
	unsigned int nb_ports;
	struct lcx_place_report place[TEL_MAX_PLACE_ROWS];
	unsigned int nb_place;
	struct lcx_mgr_move_stats moves;
};

static void
snap_take(struct snap *s)
{
	unsigned int i, k;

	s->nb_ctx = RTE_MIN(lcx_mgr_ctx_list(s->ctx, LCX_MAX_CONTEXTS),
			(unsigned int)LCX_MAX_CONTEXTS);
	for (i = 0; i < s->nb_ctx; i++) {
		lcx_ctx_stats_get(s->ctx[i], &s->st[i]);
		lcx_runq_stats_get(s->ctx[i]->runq, &s->rq[i]);
		s->runq_depth[i] = lcx_runq_count(s->ctx[i]->runq);
		s->paused[i] = lcx_mgr_ctx_paused(s->ctx[i]->id) == 1;
		s->nb_stages[i] = RTE_MIN(lcx_pipeline_stages(s->ctx[i]),
				(unsigned int)LCX_PIPELINE_MAX_STAGES);
		for (k = 0; k < s->nb_stages[i]; k++)
			if (lcx_pipeline_stats_get(s->ctx[i], k,
					&s->stage[i][k]) != 0)
				s->nb_stages[i] = k;
	}
	s->nb_ports = RTE_MIN(lcx_place_port_list(s->port, LCX_MAX_PORTS),
			(unsigned int)LCX_MAX_PORTS);
	for (i = 0; i < s->nb_ports; i++)
		s->port_ok[i] = lcx_port_stats_get(s->port[i],
				&s->pst[i]) == 0;
	s->nb_place = RTE_MIN(lcx_place_report_get(s->place, TEL_MAX_PLACE_ROWS),
			(unsigned int)TEL_MAX_PLACE_ROWS);
	lcx_mgr_rxq_move_stats(&s->moves, 0);
}

/* One series a context, from a field of its counters. */
#define CTX_COUNTERS(_) \
	_(iterations, "lcx_ctx_iterations_total", "Loop iterations") \
	_(busy_cycles, "lcx_ctx_busy_cycles_total", \
		"TSC cycles of iterations that did work") \
	_(idle_cycles, "lcx_ctx_idle_cycles_total", \
		"TSC cycles of empty iterations and sleeps") \
	_(rx_packets, "lcx_ctx_rx_packets_total", \
		"Packets received from RX queues") \
	_(handoff_in, "lcx_ctx_handoff_in_packets_total", \
		"Packets taken from handoff rings") \
	_(tx_packets, "lcx_ctx_tx_packets_total", "Packets transmitted") \
	_(tasks_run, "lcx_ctx_tasks_total", "Run-queue tasks run") \
	_(timers_fired, "lcx_ctx_timers_fired_total", "Timers fired") \
	_(parks, "lcx_ctx_parks_total", "Times the adaptive idle parked") \
	_(tx_shared, "lcx_ctx_tx_shared_packets_total", \
		"Packets sent on a TX queue shared under a lock") \
	_(tx_lock_waits, "lcx_ctx_tx_lock_waits_total", \
		"Times a shared TX queue's lock was found taken")

static void
format_ctx(struct out *o, const struct snap *s)
{
	char lbl[LCX_MAX_CONTEXTS][48], name[96];
	unsigned int i, d, f, t;

	for (i = 0; i < s->nb_ctx; i++)
		snprintf(lbl[i], sizeof(lbl[i]), "ctx=\"%u\",lcore=\"%u\"",
				s->ctx[i]->id, s->ctx[i]->lcore);

	family(o, "lcx_ctx_info", "gauge", "A context: its name, socket "
			"and state as labels");
	for (i = 0; i < s->nb_ctx; i++)
		put(o, "lcx_ctx_info{%s,name=\"%s\",socket=\"%d\",state=\"%s\"} "
				"1\n", lbl[i], esc(name, sizeof(name),
				s->ctx[i]->name), s->ctx[i]->socket,
				lcx_ctx_state_name(lcx_ctx_state_get(
				s->ctx[i])));
	family(o, "lcx_ctx_paused", "gauge",
			"1 while paused by lcx_mgr_ctx_pause()");
	for (i = 0; i < s->nb_ctx; i++)
		put(o, "lcx_ctx_paused{%s} %d\n", lbl[i], s->paused[i]);
#define _(field, metric, help) \
	family(o, metric, "counter", help); \
	for (i = 0; i < s->nb_ctx; i++) \
		put(o, metric "{%s} %" PRIu64 "\n", lbl[i], s->st[i].field);
	CTX_COUNTERS(_)
#undef _
	family(o, "lcx_ctx_busy_ratio", "gauge",
			"Busy share of the context's cycles since start, 0-1");
	for (i = 0; i < s->nb_ctx; i++)
		put(o, "lcx_ctx_busy_ratio{%s} %.6f\n", lbl[i],
				tel_busy_pct(&s->st[i]) / 100.0);
	family(o, "lcx_ctx_dropped_packets_total", "counter",
			"Packets the context dropped, by reason");
	for (i = 0; i < s->nb_ctx; i++)
		for (d = 0; d < LCX_CTX_DROP_MAX; d++)
			put(o, "lcx_ctx_dropped_packets_total{%s,reason=\"%s\"} "
					"%" PRIu64 "\n", lbl[i],
					lcx_ctx_drop_name(d), s->st[i].drop[d]);
	family(o, "lcx_ctx_runq_depth", "gauge", "Tasks queued now");
	for (i = 0; i < s->nb_ctx; i++)
		put(o, "lcx_ctx_runq_depth{%s} %u\n", lbl[i], s->runq_depth[i]);
	family(o, "lcx_ctx_runq_refused_total", "counter",
			"Posts refused because the run queue was full");
	for (i = 0; i < s->nb_ctx; i++)
		put(o, "lcx_ctx_runq_refused_total{%s} %" PRIu64 "\n", lbl[i],
				s->rq[i].refused);
	family(o, "lcx_ctx_transitions_total", "counter",
			"State transitions made, by from and to state");
	for (i = 0; i < s->nb_ctx; i++)
		for (f = 0; f < LCX_CTX_STATE_MAX; f++)
			for (t = 0; t < LCX_CTX_STATE_MAX; t++) {
				if (!lcx_ctx_state_legal(f, t))
					continue;
				put(o, "lcx_ctx_transitions_total{%s,from=\"%s\","
						"to=\"%s\"} %" PRIu64 "\n",
						lbl[i], lcx_ctx_state_name(f),
						lcx_ctx_state_name(t),
						__atomic_load_n(
						&s->ctx[i]->trans[f][t],
						__ATOMIC_RELAXED));
			}
}

/* One series a stage, from a field of its counters. */
#define STAGE_COUNTERS(_) \
	_(pkts_in, "lcx_stage_in_packets_total", "Packets into the stage") \
	_(pkts_continue, "lcx_stage_continue_packets_total", \
		"Packets passed on to the next stage") \
	_(pkts_tx, "lcx_stage_tx_packets_total", "Packets the stage sent") \
	_(pkts_handoff, "lcx_stage_handoff_packets_total", \
		"Packets the stage handed to another context") \
	_(pkts_taken, "lcx_stage_taken_packets_total", \
		"Packets the stage kept") \
	_(bursts, "lcx_stage_bursts_total", "Bursts the stage processed") \
	_(cycles, "lcx_stage_cycles_total", "TSC cycles inside the stage")

static void
format_stages(struct out *o, const struct snap *s)
{
	char hn[96];
	unsigned int i, k, d;

#define STAGE_LBL "ctx=\"%u\",lcore=\"%u\",stage=\"%u\",handler=\"%s\""
#define STAGE_ARG s->ctx[i]->id, s->ctx[i]->lcore, k, \
	esc(hn, sizeof(hn), s->stage[i][k].handler)
#define _(field, metric, help) \
	family(o, metric, "counter", help); \
	for (i = 0; i < s->nb_ctx; i++) \
		for (k = 0; k < s->nb_stages[i]; k++) \
			put(o, metric "{" STAGE_LBL "} %" PRIu64 "\n", \
					STAGE_ARG, s->stage[i][k].field);
	STAGE_COUNTERS(_)
#undef _
	family(o, "lcx_stage_dropped_packets_total", "counter",
			"Packets the stage dropped, by reason");
	for (i = 0; i < s->nb_ctx; i++)
		for (k = 0; k < s->nb_stages[i]; k++)
			for (d = 0; d < s->stage[i][k].nb_drops; d++) {
				char rn[96];
				const char *r = s->stage[i][k].drop_name[d];

				put(o, "lcx_stage_dropped_packets_total{"
						STAGE_LBL ",reason=\"%s\"} %"
						PRIu64 "\n", STAGE_ARG,
						esc(rn, sizeof(rn),
						r ? r : "?"),
						s->stage[i][k].drop[d]);
			}
	family(o, "lcx_stage_handler_events_total", "counter",
			"The handler's own declared counters, by name (bytes counters count bytes)");
	for (i = 0; i < s->nb_ctx; i++)
		for (k = 0; k < s->nb_stages[i]; k++)
			for (d = 0; d < s->stage[i][k].nb_counters; d++) {
				char cn[96];

				put(o, "lcx_stage_handler_events_total{" STAGE_LBL
						",name=\"%s\"} %" PRIu64 "\n",
						STAGE_ARG, esc(cn, sizeof(cn),
						s->stage[i][k].counter_name[d]),
						s->stage[i][k].counter[d]);
			}
	family(o, "lcx_stage_branch_packets_total", "counter",
			"Packets a stage sent ahead down a branch, by target label");
	for (i = 0; i < s->nb_ctx; i++)
		for (k = 0; k < s->nb_stages[i]; k++)
			for (d = 0; d < s->stage[i][k].nb_branches; d++) {
				char bn[96];

				put(o, "lcx_stage_branch_packets_total{"
						STAGE_LBL ",to=\"%s\"} %" PRIu64
						"\n", STAGE_ARG, esc(bn, sizeof(bn),
						s->stage[i][k].branch_name[d]),
						s->stage[i][k].branch[d]);
			}
#undef STAGE_LBL
#undef STAGE_ARG
}

#define PORT_COUNTERS(_) \
	_(ipackets, "lcx_port_rx_packets_total", "Packets received") \
	_(opackets, "lcx_port_tx_packets_total", "Packets sent") \
	_(ibytes, "lcx_port_rx_bytes_total", "Bytes received") \
	_(obytes, "lcx_port_tx_bytes_total", "Bytes sent") \
	_(imissed, "lcx_port_rx_missed_total", \
		"Packets the device dropped: no RX descriptor") \
	_(ierrors, "lcx_port_rx_errors_total", "Receive errors") \
	_(oerrors, "lcx_port_tx_errors_total", "Transmit errors") \
	_(rx_nombuf, "lcx_port_rx_nombuf_total", \
		"RX mbuf allocation failures")

static void
format_ports(struct out *o, const struct snap *s)
{
	char lbl[LCX_MAX_PORTS][300], name[280];
	unsigned int i;

	for (i = 0; i < s->nb_ports; i++)
		snprintf(lbl[i], sizeof(lbl[i]), "port=\"%u\",name=\"%s\"",
				s->port[i]->id, esc(name, sizeof(name),
				s->port[i]->name));
#define _(field, metric, help) \
	family(o, metric, "counter", help); \
	for (i = 0; i < s->nb_ports; i++) \
		if (s->port_ok[i]) \
			put(o, metric "{%s} %" PRIu64 "\n", lbl[i], \
					s->pst[i].field);
	PORT_COUNTERS(_)
#undef _
}

static void
format_place(struct out *o, const struct snap *s)
{
	const struct lcx_place_report *r;
	unsigned int i;

	family(o, "lcx_rxq_owner", "gauge", "Placement: 1 for the context "
			"polling each RX queue (ctx -1: unpolled)");
	for (i = 0; i < s->nb_place; i++) {
		r = &s->place[i];
		put(o, "lcx_rxq_owner{port=\"%u\",queue=\"%u\",ctx=\"%d\","
				"lcore=\"%d\",socket=\"%d\"} 1\n", r->port,
				r->queue, r->ctx_id == UINT32_MAX ? -1 :
				(int)r->ctx_id, r->ctx_id == UINT32_MAX ? -1 :
				(int)r->lcore, r->socket);
	}
	family(o, "lcx_rxq_moves_total", "counter", "RX queue moves done");
	put(o, "lcx_rxq_moves_total %" PRIu64 "\n", s->moves.moves);
	family(o, "lcx_rxq_move_failures_total", "counter",
			"RX queue moves refused or timed out");
	put(o, "lcx_rxq_move_failures_total %" PRIu64 "\n", s->moves.failed);
	family(o, "lcx_watchdog_errors_total", "counter",
			"Contexts the watchdog moved to ERROR");
	put(o, "lcx_watchdog_errors_total %" PRIu64 "\n",
			lcx_mgr_watchdog_errors());
}

size_t
lcx_metrics_format(char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len, .pos = 0 };
	struct snap *s;

	/* About 1 MB: not for a control thread's stack. */
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	snap_take(s);
	format_ctx(&o, s);
	format_stages(&o, s);
	format_ports(&o, s);
	format_place(&o, s);
	free(s);
	if (len > 0 && o.pos >= len)
		buf[len - 1] = '\0';
	return o.pos;
}

/* ---- HTTP ------------------------------------------------------------ */

static struct {
	struct MHD_Daemon *daemon;
	pthread_t thread;
	uint32_t stop;       /* atomic */
	uint16_t port;
} srv;

static enum MHD_Result
answer(void *cls __rte_unused, struct MHD_Connection *c, const char *url,
		const char *method, const char *version __rte_unused,
		const char *upload __rte_unused, size_t *upload_len __rte_unused,
		void **req __rte_unused)
{
	static const char not_found[] = "lcx: only GET /metrics here\n";
	struct MHD_Response *resp;
	size_t len = METRICS_BUF, n;
	enum MHD_Result ret;
	unsigned int code;
	char *buf;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		resp = MHD_create_response_from_buffer(sizeof(not_found) - 1,
				(void *)(uintptr_t)not_found,
				MHD_RESPMEM_PERSISTENT);
	} else if (strcmp(url, "/metrics") != 0) {
		code = MHD_HTTP_NOT_FOUND;
		resp = MHD_create_response_from_buffer(sizeof(not_found) - 1,
				(void *)(uintptr_t)not_found,
				MHD_RESPMEM_PERSISTENT);
	} else {
		for (;;) {
			buf = malloc(len);
			if (buf == NULL)
				return MHD_NO;
			n = lcx_metrics_format(buf, len);
			if (n < len)
				break;
			free(buf);
			len = n + 4096;
		}
		code = MHD_HTTP_OK;
		resp = MHD_create_response_from_buffer(n, buf,
				MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(buf);
	}
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
			"text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void *
serve(void *arg __rte_unused)
{
	while (!__atomic_load_n(&srv.stop, __ATOMIC_ACQUIRE))
		MHD_run_wait(srv.daemon, SERVE_TICK_MS);
	return NULL;
}

/* "PORT", "ADDR:PORT" or "[ADDR6]:PORT" into an address. */
static int
listen_parse(const char *s, struct sockaddr_storage *sa, socklen_t *salen)
{
	struct addrinfo hints, *res;
	char host[256], *colon, *end;
	const char *port;
	unsigned long p;

	if (s == NULL || *s == '\0' || strlen(s) >= sizeof(host))
		return -EINVAL;
	snprintf(host, sizeof(host), "%s", s);
	colon = strrchr(host, ':');
	if (colon == NULL) {
		port = s;
		snprintf(host, sizeof(host), "127.0.0.1");
	} else {
		*colon = '\0';
		port = colon + 1;
		if (host[0] == '[') {
			size_t l = strlen(host);

			if (l < 2 || host[l - 1] != ']')
				return -EINVAL;
			host[l - 1] = '\0';
			memmove(host, host + 1, l - 1);
		}
		if (host[0] == '\0')
			snprintf(host, sizeof(host), "127.0.0.1");
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (*port < '0' || *port > '9' || *end != '\0' || errno != 0 ||
			p > UINT16_MAX)
		return -EINVAL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -EINVAL;
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*salen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
lcx_metrics_start(const char *listen)
{
	struct sockaddr_storage sa;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_ERROR_LOG;
	socklen_t salen;
	int rc;

	rc = listen_parse(listen, &sa, &salen);
	if (rc != 0)
		return rc;
	if (srv.daemon != NULL)
		return -EALREADY;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* No internal thread: MHD's would inherit the caller's affinity,
	 * which is a context's lcore; ours is a DPDK control thread. */
	srv.daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
			MHD_OPTION_END);
	if (srv.daemon == NULL) {
		LCX_LOG(ERR, "metrics: cannot listen on %s", listen);
		return -EADDRINUSE;
	}
	info = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv.port = info != NULL ? info->port : 0;
	__atomic_store_n(&srv.stop, 0, __ATOMIC_RELEASE);
	rc = rte_ctrl_thread_create(&srv.thread, "lcx-metrics", NULL, serve,
			NULL);
	if (rc != 0) {
		MHD_stop_daemon(srv.daemon);
		srv.daemon = NULL;
		srv.port = 0;
		return -rc;
	}
	LCX_LOG(INFO, "metrics: serving GET /metrics on %s (port %u)",
			listen, srv.port);
	return 0;
}

uint16_t
lcx_metrics_port(void)
{
	return srv.daemon != NULL ? srv.port : 0;
}

void
lcx_metrics_stop(void)
{
	if (srv.daemon == NULL)
		return;
	__atomic_store_n(&srv.stop, 1, __ATOMIC_RELEASE);
	pthread_join(srv.thread, NULL);
	MHD_stop_daemon(srv.daemon);
	srv.daemon = NULL;
	srv.port = 0;
}
