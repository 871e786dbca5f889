/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control from outside the process, as commands on DPDK's telemetry socket
 * (lcx-ctl speaks it; so does dpdk-telemetry.py).  The socket is the one
 * EAL already opens in the process's runtime directory, readable by its
 * user only, so no second listener and no second access rule: whoever may
 * read the counters may act.  An action always answers a dict: "result"
 * once done, or "error" with one line saying why it was refused (a
 * negative callback return would reach the client as a bare null).
 */
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_telemetry.h>

#include "lcx_mgr.h"
#include "lcx_place.h"
#include "lcx_telemetry.h"
#include "telemetry_private.h"

#define MSG_LEN 256

static int
refuse(struct rte_tel_data *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
refuse(struct rte_tel_data *d, const char *fmt, ...)
{
	char msg[MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	LCX_LOG(NOTICE, "control: refused: %s", msg);
	rte_tel_data_start_dict(d);
	/* Telemetry strings are at most RTE_TEL_MAX_STRING_LEN - 1. */
	msg[RTE_TEL_MAX_STRING_LEN - 1] = '\0';
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

static int
done(struct rte_tel_data *d, const char *what)
{
	LCX_LOG(NOTICE, "control: %s", what);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "result", what);
	return 0;
}

/* Split "a,b,c" into at most @p max numbers; the count, or -EINVAL. */
static int
numbers(const char *params, uint32_t *v, int max)
{
	char buf[64], *tok, *save;
	int n = 0;

	if (params == NULL || strlen(params) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", params);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		if (n == max || tel_parse_u32(tok, UINT32_MAX, &v[n]) != 0)
			return -EINVAL;
		n++;
	}
	return n;
}

/* Owner of RX queue (port, queue): its context id, UINT32_MAX when
 * unpolled, -1 when the queue is not placed. */
static int64_t
rxq_owner(uint32_t port, uint32_t queue)
{
	static struct lcx_place_report rows[TEL_MAX_PLACE_ROWS];
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	unsigned int i, n;
	int64_t owner = -1;

	pthread_mutex_lock(&lock);
	n = lcx_place_report_get(rows, TEL_MAX_PLACE_ROWS);
	for (i = 0; i < n && i < TEL_MAX_PLACE_ROWS; i++)
		if (rows[i].port == port && rows[i].queue == queue)
			owner = rows[i].ctx_id;
	pthread_mutex_unlock(&lock);
	return owner;
}

static int
ctl_rxq_move(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	char what[MSG_LEN];
	uint32_t v[3];
	int64_t from;
	int rc;

	if (numbers(params, v, 3) != 3)
		return refuse(d, "usage: /lcx/ctl/rxq_move,<port>,<queue>,<ctx>");
	if (lcx_mgr_ctx_lookup(v[2]) == NULL)
		return refuse(d, "no context %u", v[2]);
	from = rxq_owner(v[0], v[1]);
	if (from < 0)
		return refuse(d, "port %u has no placed RX queue %u", v[0],
				v[1]);
	if (lcx_mgr_ctx_paused(v[2]) == 1)
		return refuse(d, "context %u is paused: resume it first", v[2]);
	if (from != UINT32_MAX && lcx_mgr_ctx_paused((uint32_t)from) == 1)
		return refuse(d, "context %u, which polls it, is paused: "
				"resume it first", (uint32_t)from);
	rc = lcx_mgr_rxq_move((uint16_t)v[0], (uint16_t)v[1], v[2]);
	switch (rc) {
	case 0:
		break;
	case -EALREADY:
		return refuse(d, "context %u polls port %u queue %u already",
				v[2], v[0], v[1]);
	case -ENOSPC:
		return refuse(d, "context %u polls as many RX queues as its "
				"max_rxq limit", v[2]);
	case -ETIMEDOUT:
		return refuse(d, "a context did not answer within a second "
				"(see /lcx/placement for where the queue is)");
	default:
		return refuse(d, "move port %u queue %u: %s", v[0], v[1],
				lcx_strerror(rc));
	}
	snprintf(what, sizeof(what), "port %u queue %u moved from context "
			"%d to %u", v[0], v[1], from == UINT32_MAX ? -1 :
			(int)from, v[2]);
	return done(d, what);
}

static int
ctl_pause(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	char what[64];
	uint32_t id;
	int rc;

	if (numbers(params, &id, 1) != 1)
		return refuse(d, "usage: /lcx/ctl/pause,<ctx>");
	rc = lcx_mgr_ctx_pause(id);
	switch (rc) {
	case 0:
		break;
	case -LCX_ENOCTX:
		return refuse(d, "no context %u", id);
	case -EPERM:
		return refuse(d, "context %u is not running", id);
	case -EALREADY:
		return refuse(d, "context %u is paused already", id);
	case -ETIMEDOUT:
		return refuse(d, "context %u did not park within a second "
				"(the pause stays pending)", id);
	default:
		return refuse(d, "pause context %u: %s", id, lcx_strerror(rc));
	}
	snprintf(what, sizeof(what), "context %u paused", id);
	return done(d, what);
}

static int
ctl_resume(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	char what[64];
	uint32_t id;
	int rc;

	if (numbers(params, &id, 1) != 1)
		return refuse(d, "usage: /lcx/ctl/resume,<ctx>");
	rc = lcx_mgr_ctx_resume(id);
	switch (rc) {
	case 0:
		break;
	case -LCX_ENOCTX:
		return refuse(d, "no context %u", id);
	case -EALREADY:
		return refuse(d, "context %u is not paused", id);
	default:
		return refuse(d, "resume context %u: %s", id,
				lcx_strerror(rc));
	}
	snprintf(what, sizeof(what), "context %u resumed", id);
	return done(d, what);
}

static int
ctl_stop(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct lcx_ctx *ctx;
	enum lcx_ctx_state st;
	char what[64];
	uint32_t id;
	int rc;

	if (numbers(params, &id, 1) != 1)
		return refuse(d, "usage: /lcx/ctl/stop,<ctx>");
	ctx = lcx_mgr_ctx_lookup(id);
	if (ctx == NULL)
		return refuse(d, "no context %u", id);
	st = lcx_ctx_state_get(ctx);
	if (st != LCX_CTX_RUNNING && st != LCX_CTX_BLOCKED)
		return refuse(d, "context %u is not running (%s)", id,
				lcx_ctx_state_name(st));
	/* The main lcore's loop returning is the application's cue that
	 * the run is over: that is a signal's job, not a context stop. */
	if (ctx->lcore == rte_get_main_lcore())
		return refuse(d, "context %u runs on the main lcore: stopping "
				"it ends the process (send SIGTERM)", id);
	if (lcx_mgr_ctx_paused(id) == 1)
		return refuse(d, "context %u is paused: resume it first", id);
	/* Its RX queues go to the others first, so none goes unpolled. */
	rc = lcx_mgr_ctx_evacuate(id);
	if (rc != 0)
		return refuse(d, "context %u: moving its RX queues away: %s",
				id, lcx_strerror(rc));
	rc = lcx_mgr_ctx_stop(id);
	if (rc != 0)
		return refuse(d, "stop context %u: %s", id, lcx_strerror(rc));
	snprintf(what, sizeof(what), "context %u stopping, RX queues moved",
			id);
	return done(d, what);
}

static const char *const level_names[] = {
	[RTE_LOG_EMERG] = "emerg", [RTE_LOG_ALERT] = "alert",
	[RTE_LOG_CRIT] = "crit", [RTE_LOG_ERR] = "err",
	[RTE_LOG_WARNING] = "warning", [RTE_LOG_NOTICE] = "notice",
	[RTE_LOG_INFO] = "info", [RTE_LOG_DEBUG] = "debug",
};

/* Log types whose name the regular expression matches, as EAL's
 * --log-level does (rte_log_set_level_regexp()). */
static int
types_matching(const regex_t *re)
{
	char *text = NULL, *line, *save;
	size_t len = 0;
	int n = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	rte_log_list_types(f, "");
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line != NULL;
			line = strtok_r(NULL, "\n", &save))
		if (regexec(re, line, 0, NULL, 0) == 0)
			n++;
	free(text);
	return n;
}

static int
ctl_log_level(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	char buf[RTE_TEL_MAX_STRING_LEN], what[MSG_LEN], *colon, *end;
	unsigned long lvl = 0;
	unsigned int i;
	regex_t re;
	int n;

	if (params == NULL || strlen(params) >= sizeof(buf) ||
			(colon = strrchr(params, ':')) == NULL ||
			colon == params)
		return refuse(d, "usage: /lcx/ctl/log_level,<type regex>:"
				"<level>, e.g. lcx.mgr:debug");
	snprintf(buf, sizeof(buf), "%s", params);
	colon = buf + (colon - params);
	*colon++ = '\0';
	for (i = RTE_LOG_EMERG; i <= RTE_LOG_DEBUG; i++)
		if (strcasecmp(colon, level_names[i]) == 0)
			lvl = i;
	if (lvl == 0) {
		lvl = strtoul(colon, &end, 10);
		if (*colon == '\0' || *end != '\0' || lvl < RTE_LOG_EMERG ||
				lvl > RTE_LOG_DEBUG)
			return refuse(d, "unknown level '%s': emerg alert "
					"crit err warning notice info debug "
					"or 1-8", colon);
	}
	if (regcomp(&re, buf, REG_NOSUB) != 0)
		return refuse(d, "'%s' is not a regular expression", buf);
	n = types_matching(&re);
	regfree(&re);
	if (n <= 0)
		return refuse(d, "no log type matches '%s' (EAL's "
				"--log-level lists them with --help)", buf);
	if (rte_log_set_level_regexp(buf, (uint32_t)lvl) != 0)
		return refuse(d, "'%s' was refused by rte_log", buf);
	snprintf(what, sizeof(what), "%d log type%s matching '%s' set to %s",
			n, n == 1 ? "" : "s", buf, level_names[lvl]);
	return done(d, what);
}

TEL_GUARDED(ctl_rxq_move)
TEL_GUARDED(ctl_pause)
TEL_GUARDED(ctl_resume)
TEL_GUARDED(ctl_stop)
TEL_GUARDED(ctl_log_level)

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} commands[] = {
	{ "/lcx/ctl/rxq_move", ctl_rxq_move_guarded, "Move an RX queue to another "
		"context. Parameters: port,queue,ctx" },
	{ "/lcx/ctl/pause", ctl_pause_guarded, "Park a context BLOCKED until "
		"resumed. Parameter: context id" },
	{ "/lcx/ctl/resume", ctl_resume_guarded, "Resume a paused context. "
		"Parameter: context id" },
	{ "/lcx/ctl/stop", ctl_stop_guarded, "Move a context's RX queues away and "
		"stop its loop. Parameter: context id" },
	{ "/lcx/ctl/log_level", ctl_log_level_guarded, "Set the level of the log "
		"types a regex matches. Parameter: regex:level" },
};

int
tel_ctl_register(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < RTE_DIM(commands); i++) {
		rc = rte_telemetry_register_cmd(commands[i].cmd,
				commands[i].fn, commands[i].help);
		if (rc != 0)
			return rc;
	}
	return 0;
}
