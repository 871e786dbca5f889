/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-fwd: forwards packets between ports through a handler pipeline, one
 * context on every EAL lcore.
 *
 * Threads.  Every EAL lcore hosts a context; the main lcore's context runs
 * on the main thread (lcx_mgr_run_main()), so "-l 1" forwards on lcore 1
 * alone.  The live table, the duration and the watch for a context in
 * ERROR live in a control thread (rte_ctrl_thread_create), which is the
 * same design whatever the number of lcores.  A signal only stores flags
 * (lcx_mgr_stop_all() is async-signal-safe); the loops see them within an
 * iteration (an adaptive sleep is 100 us).
 *
 * Teardown keeps every mbuf accounted for: stop the loops (they flush) and
 * wait, stop the ports, disconnect handoff rings (their mbufs are FLUSH
 * drops), read the final counters, detach the pipelines, take the pools
 * out of the contexts, lcx_mgr_fini() (destroys contexts, closes ports:
 * device rings give their mbufs back), then check every pool is full and
 * free it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "lcx_mgr.h"
#include "lcx_telemetry.h"
#include "fwd.h"

/* Slice the control thread sleeps: bounds how late a stop is noticed. */
#define CTRL_TICK_MS 20

static uint32_t stop_flag;     /* atomic: the run should end */
static uint32_t running;       /* atomic: contexts exist; a signal may stop them */
static uint32_t end_reason;    /* atomic: enum fwd_end of the first stop */
static uint64_t stop_tsc;      /* atomic: TSC of the first stop */

/* First caller wins: its reason and time are the run's. */
static void
request_stop(enum fwd_end why)
{
	uint32_t zero = 0;

	if (__atomic_compare_exchange_n(&stop_flag, &zero, 1, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&end_reason, why, __ATOMIC_RELAXED);
		__atomic_store_n(&stop_tsc, rte_rdtsc(), __ATOMIC_RELEASE);
	}
	if (__atomic_load_n(&running, __ATOMIC_ACQUIRE))
		lcx_mgr_stop_all();
}

static void
on_signal(int sig)
{
	(void)sig;
	request_stop(FWD_END_SIGNAL);
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	nanosleep(&ts, NULL);
}

/* ---- EAL arguments -------------------------------------------------------- */

struct eal_argv {
	char *v[FWD_MAX_EAL_ARGS + 1];
	int n;
	char prefix[64];
	int own_prefix;          /* we picked the prefix: remove its dir */
};

static void
eal_push(struct eal_argv *a, const char *s)
{
	if (a->n == FWD_MAX_EAL_ARGS)
		fwd_die(FWD_EXIT_USAGE, "more than %d EAL arguments",
				FWD_MAX_EAL_ARGS);
	a->v[a->n++] = (char *)(uintptr_t)s;
	a->v[a->n] = NULL;
}

static void
eal_args_build(struct eal_argv *a, char *prog, char **user, int nb_user,
		const struct fwd_opts *o)
{
	static char lcores[32];
	unsigned int i;
	int has_prefix = 0, k, pci = 0;
	char *tok, *save;

	a->n = 0;
	eal_push(a, prog);
	/* The config file's [eal] args stand in for a command line that
	 * gives none. */
	if (nb_user == 0 && o->eal_args != NULL) {
		for (tok = strtok_r(o->eal_args, " \t", &save); tok != NULL;
				tok = strtok_r(NULL, " \t", &save))
			eal_push(a, tok);
		nb_user = a->n - 1;
		user = NULL;
	}
	for (k = 0; user != NULL && k < nb_user; k++)
		eal_push(a, user[k]);
	for (k = 1; k < a->n; k++)
		if (strncmp(a->v[k], "--file-prefix", 13) == 0)
			has_prefix = 1;
	if (nb_user == 0) {
		lcx_eal_default_lcores(lcores, sizeof(lcores));
		eal_push(a, "-l");
		eal_push(a, lcores);
		if (!lcx_eal_hugepages_usable()) {
			eal_push(a, "--no-huge");
			eal_push(a, "-m");
			eal_push(a, "512");
		}
		for (i = 0; i < o->nb_ports; i++)
			pci |= fwd_spec_is_pci(o->ports[i]);
		if (!pci)
			eal_push(a, "--no-pci");
	}
	if (!has_prefix) {
		snprintf(a->prefix, sizeof(a->prefix),
				"--file-prefix=lcxfwd%d", (int)getpid());
		eal_push(a, a->prefix);
		a->own_prefix = 1;
	}
}

/* ---- Set-up --------------------------------------------------------------- */

/* Whether a stage of the spec is a handler that hands off (a bad spec
 * does not: attaching it reports why). */
static int
hands_off(const char *spec)
{
	int flags = lcx_pipeline_flags(spec);

	return flags > 0 && (flags & LCX_HANDLER_F_HANDOFF) != 0;
}

static int
port_open_status(int err)
{
	switch (err) {
	case EINVAL:
	case ENODEV:
	case EBUSY:
	case ENOSPC:
		return FWD_EXIT_USAGE;
	default:
		return FWD_EXIT_RUNTIME;
	}
}

/* ---- Queue counts and sharing (issue 9) --------------------------------- */

/* Drivers that take their queue count in the devargs, and its key.  Not
 * net_tap: its queues are what rte_eth_dev_configure() asks for (16 at
 * most), and an unknown key makes it drop all its devargs, iface= too. */
static const struct {
	const char *prefix;
	const char *key;
} queue_keys[] = {
	{ "net_af_packet", "qpairs" }, { "eth_af_packet", "qpairs" },
};

/* The spec to open: "<spec>,<key>=<n>" for a driver of queue_keys[] whose
 * devargs give no count, so each context gets its own queues there; the
 * spec as given otherwise.  Returns buf or spec. */
static const char *
port_spec_default(const char *spec, unsigned int n, char *buf, size_t len)
{
	char key[32];
	unsigned int i;
	int w;

	for (i = 0; i < RTE_DIM(queue_keys); i++) {
		if (strncmp(spec, queue_keys[i].prefix,
				strlen(queue_keys[i].prefix)) != 0)
			continue;
		snprintf(key, sizeof(key), ",%s=", queue_keys[i].key);
		if (strstr(spec, key) != NULL)
			return spec;
		w = snprintf(buf, len, "%s%s%u", spec, key, n);
		return w > 0 && (size_t)w < len ? buf : spec;
	}
	return spec;
}

/* One start-up line per port where some context polls no RX queue, and
 * one per port whose TX queues are shared. */
static void
queues_report(const struct fwd_run *r, FILE *f)
{
	static struct lcx_place_report rows[LCX_MAX_PORTS * LCX_PLACE_MAX_RXQ];
	unsigned int n, i, j, k, idle, shared;
	char names[256];
	size_t off;

	n = lcx_place_report_get(rows, RTE_DIM(rows));
	n = RTE_MIN(n, RTE_DIM(rows));
	for (i = 0; i < r->nb_ports; i++) {
		const struct lcx_port *p = r->port[i];

		names[0] = '\0';
		for (off = 0, idle = 0, j = 0; j < r->nb_ctx; j++) {
			for (k = 0; k < n; k++)
				if (rows[k].port == p->id &&
						rows[k].ctx_id == r->ctx[j]->id)
					break;
			if (k < n || off >= sizeof(names))
				continue;
			off += snprintf(names + off, sizeof(names) - off,
					"%s%s", idle ? " " : "",
					r->ctx[j]->name);
			idle++;
		}
		if (idle != 0)
			fprintf(f, FWD_NAME ": port %u %s: %u RX queue%s for %u "
					"contexts: %s poll%s nothing there "
					"(to spread its traffic: a pipeline "
					"starting with handoff, doc/ports.md)\n",
					p->id, p->name, p->nb_rxq,
					p->nb_rxq == 1 ? "" : "s", r->nb_ctx,
					names, idle == 1 ? "s" : "");
		for (shared = 0, j = 0; j < r->nb_ctx; j++)
			shared += r->ctx[j]->txq[p->id].lock != NULL;
		if (shared != 0)
			fprintf(f, FWD_NAME ": port %u %s: %u TX queue%s for %u "
					"contexts: %u send under a per-queue "
					"lock (tx-shared, lock-waits)\n",
					p->id, p->name, p->nb_txq,
					p->nb_txq == 1 ? "" : "s", r->nb_ctx,
					shared);
	}
}

/* ---- Set-up ---------------------------------------------------------------- */

/* Returns an exit status: 0 when everything is set up. */
static int
setup(struct fwd_run *r)
{
	const struct fwd_opts *o = r->o;
	struct lcx_ctx_conf conf;
	struct lcx_port *p;
	unsigned int lcore, i;
	int rc;

	rc = lcx_mgr_init(NULL);
	if (rc != 0) {
		fprintf(stderr, FWD_NAME ": manager: %s\n", lcx_strerror(rc));
		return FWD_EXIT_RUNTIME;
	}
	r->main_ctx = -1;
	RTE_LCORE_FOREACH(lcore) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = lcore;
		conf.idle = o->idle;
		snprintf(conf.name, sizeof(conf.name), "fwd%u", lcore);
		r->ctx[r->nb_ctx] = lcx_mgr_ctx_create(&conf);
		if (r->ctx[r->nb_ctx] == NULL) {
			fprintf(stderr, FWD_NAME ": context on lcore %u: %s\n",
					lcore, lcx_strerror(lcx_errno));
			return FWD_EXIT_RUNTIME;
		}
		r->ci[r->nb_ctx].id = r->ctx[r->nb_ctx]->id;
		r->ci[r->nb_ctx].lcore = r->ctx[r->nb_ctx]->lcore;
		r->ci[r->nb_ctx].socket = r->ctx[r->nb_ctx]->socket;
		snprintf(r->ci[r->nb_ctx].name, sizeof(r->ci[0].name), "%s",
				r->ctx[r->nb_ctx]->name);
		if (lcore == rte_get_main_lcore())
			r->main_ctx = (int)r->nb_ctx;
		r->nb_ctx++;
	}
	for (i = 0; i < o->nb_ports; i++) {
		char spec[sizeof(p->name)];

		p = lcx_place_port_add(port_spec_default(o->ports[i],
				RTE_MAX(r->nb_ctx, (unsigned int)o->rxq), spec,
				sizeof(spec)), o->rxq);
		if (p == NULL) {
			rc = lcx_errno;
			fprintf(stderr, FWD_NAME ": %s '%s': cannot open the "
					"port: %s\n", o->port_src[i],
					o->ports[i], lcx_strerror(rc));
			return port_open_status(rc);
		}
		r->pi[r->nb_ports].id = p->id;
		snprintf(r->pi[r->nb_ports].name, sizeof(r->pi[0].name), "%s",
				p->name);
		r->port[r->nb_ports++] = p;
	}
	rc = lcx_place_apply(o->policy->name, o->map_ent, o->nb_map);
	if (rc != 0) {
		if (rc == -ENOTSUP) {
			fprintf(stderr, FWD_NAME ": a port has no TX queue "
					"(see the line above): give its device "
					"one\n");
			return FWD_EXIT_USAGE;
		}
		if (rc == -EINVAL) {
			fprintf(stderr, FWD_NAME ": %s '%s': does not place "
					"every RX queue of the ports on the "
					"lcores once (see the line above)\n",
					o->map_src[0] ? o->map_src : "--map",
					o->map ? o->map : "");
			return FWD_EXIT_USAGE;
		}
		fprintf(stderr, FWD_NAME ": placement (%s): %s\n",
				o->policy->name, lcx_strerror(rc));
		return FWD_EXIT_RUNTIME;
	}
	if (r->nb_ctx >= 2 && hands_off(o->pipeline)) {
		if (r->nb_ctx > LCX_HANDOFF_MAX) {
			fprintf(stderr, FWD_NAME ": %s: handoff between at "
					"most %d contexts, %u lcores given\n",
					o->pipeline_src, LCX_HANDOFF_MAX,
					r->nb_ctx);
			return FWD_EXIT_USAGE;
		}
		rc = lcx_handoff_connect(r->ctx, r->nb_ctx, 0);
		if (rc != 0) {
			fprintf(stderr, FWD_NAME ": handoff rings: %s\n",
					lcx_strerror(rc));
			return FWD_EXIT_RUNTIME;
		}
		r->handoff = 1;
	}
	/* A --pipeline-on naming an lcore that hosts no context is a
	 * mistake the user wants to hear about. */
	for (i = 0; i < o->nb_on; i++) {
		unsigned int j;

		for (j = 0; j < r->nb_ctx && r->ctx[j]->lcore != o->on[i].lcore; j++)
			;
		if (j == r->nb_ctx) {
			fprintf(stderr, FWD_NAME ": %s: lcore %u hosts no "
					"context (EAL lcores: -l)\n",
					o->on[i].src, o->on[i].lcore);
			return FWD_EXIT_USAGE;
		}
	}
	/* A handed-off packet resumes after the handoff stage of the
	 * receiver's pipeline: that is only meaningful when all are one. */
	for (i = 0; i < o->nb_on; i++)
		if (hands_off(o->on[i].spec) || hands_off(o->pipeline)) {
			fprintf(stderr, FWD_NAME ": %s: handoff needs the same "
					"pipeline on every context\n",
					o->on[i].src);
			return FWD_EXIT_USAGE;
		}
	r->nb_stages = 0;
	for (i = 0; i < r->nb_ctx; i++) {
		const char *src, *spec = fwd_pipeline_for(o, r->ctx[i]->lcore,
				&src);

		rc = lcx_pipeline_attach(r->ctx[i], spec);
		if (rc != 0) {
			fprintf(stderr, FWD_NAME ": %s '%s': %s (see the line "
					"above)\n", src, spec, lcx_strerror(rc));
			return rc == -ENOMEM ? FWD_EXIT_RUNTIME :
				FWD_EXIT_USAGE;
		}
		r->own_pipeline[i] = spec != o->pipeline;
		r->ctx_stages[i] = lcx_pipeline_stages(r->ctx[i]);
		if (!r->own_pipeline[i])
			r->nb_stages = r->ctx_stages[i];
	}
	return FWD_EXIT_OK;
}

/* Telemetry endpoints and the metrics server, once the contexts exist. */
static int
ops_start(const struct fwd_opts *o)
{
	int rc;

	if (o->telemetry) {
		rc = lcx_telemetry_init(LCX_TELEMETRY_F_CONTROL);
		if (rc != 0) {
			fprintf(stderr, FWD_NAME ": telemetry: %s\n",
					lcx_strerror(rc));
			return FWD_EXIT_RUNTIME;
		}
	}
	if (o->metrics != NULL) {
		rc = lcx_metrics_start(o->metrics);
		if (rc != 0) {
			fprintf(stderr, FWD_NAME ": --metrics '%s': %s\n",
					o->metrics, rc == -EINVAL ?
					"expected [ADDR:]PORT" :
					lcx_strerror(rc));
			return rc == -EINVAL ? FWD_EXIT_USAGE :
				FWD_EXIT_RUNTIME;
		}
		fprintf(stderr, FWD_NAME ": metrics on port %u: GET "
				"/metrics\n", lcx_metrics_port());
	}
	return FWD_EXIT_OK;
}

/* ---- Run ------------------------------------------------------------------ */

static void *
ctrl_main(void *arg)
{
	struct fwd_run *r = arg;
	const struct fwd_opts *o = r->o;
	struct fwd_snap *prev, *cur, *t;
	uint64_t now, next_print, deadline;
	unsigned int i;

	prev = calloc(1, sizeof(*prev));
	cur = calloc(1, sizeof(*cur));
	if (prev == NULL || cur == NULL) {
		free(prev);
		free(cur);
		request_stop(FWD_END_ERROR);
		return NULL;
	}
	fwd_snap_take(r, prev);
	prev->tsc = r->t_start;
	next_print = r->t_start + (uint64_t)o->stats_interval * r->tsc_hz;
	deadline = r->t_start + (uint64_t)o->duration * r->tsc_hz;
	while (!__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
		sleep_ms(CTRL_TICK_MS);
		now = rte_rdtsc();
		for (i = 0; i < r->nb_ctx; i++)
			if (lcx_ctx_state_get(r->ctx[i]) == LCX_CTX_ERROR) {
				fprintf(stderr, FWD_NAME ": context %u "
						"(lcore %u) is in ERROR: "
						"stopping\n", r->ctx[i]->id,
						r->ctx[i]->lcore);
				request_stop(FWD_END_ERROR);
			}
		if (o->duration != 0 && now >= deadline) {
			request_stop(FWD_END_DURATION);
			break;
		}
		if (o->stats_interval != 0 && now >= next_print) {
			fwd_snap_take(r, cur);
			fwd_table_print(r, prev, cur);
			t = prev;
			prev = cur;
			cur = t;
			while (next_print <= now)
				next_print += (uint64_t)o->stats_interval *
					r->tsc_hz;
		}
	}
	free(prev);
	free(cur);
	return NULL;
}

static int
run(struct fwd_run *r)
{
	struct sigaction sa;
	pthread_t ctrl;
	int rc, ctrl_ok = 0, status = FWD_EXIT_OK;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	r->t_start = rte_rdtsc();
	__atomic_store_n(&running, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
		/* A signal during set-up: nothing to run. */
		r->t_stop = r->t_start;
		return FWD_EXIT_OK;
	}
	rc = lcx_mgr_start_all();
	if (rc < 0) {
		fprintf(stderr, FWD_NAME ": launch: %s\n", lcx_strerror(rc));
		request_stop(FWD_END_ERROR);
		status = FWD_EXIT_RUNTIME;
	}
	rc = rte_ctrl_thread_create(&ctrl, "lcx-fwd-ctrl", NULL, ctrl_main, r);
	if (rc != 0) {
		fprintf(stderr, FWD_NAME ": control thread: %s\n",
				strerror(rc));
		request_stop(FWD_END_ERROR);
		status = FWD_EXIT_RUNTIME;
	} else {
		ctrl_ok = 1;
	}
	if (r->main_ctx >= 0 && status == FWD_EXIT_OK) {
		rc = lcx_mgr_run_main();
		/* Only a stop ends the loop cleanly; anything else is the
		 * main context failing. */
		if (rc != 0 || !__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE))
			request_stop(FWD_END_ERROR);
	}
	/* Without a context on the main lcore, this is the wait. */
	if (ctrl_ok)
		pthread_join(ctrl, NULL);
	/* A no-op after the first stop; makes sure every loop is asked. */
	request_stop(FWD_END_ERROR);
	if (lcx_mgr_wait_all() != 0)
		__atomic_store_n(&end_reason, FWD_END_ERROR, __ATOMIC_RELAXED);
	r->t_stop = __atomic_load_n(&stop_tsc, __ATOMIC_ACQUIRE);
	r->end = (enum fwd_end)__atomic_load_n(&end_reason, __ATOMIC_RELAXED);
	if (r->end == FWD_END_ERROR)
		status = FWD_EXIT_RUNTIME;
	return status;
}

/* ---- Teardown ------------------------------------------------------------- */

static int
teardown(struct fwd_run *r)
{
	struct rte_mempool *pool[LCX_MAX_CONTEXTS];
	unsigned int i, s, nb_pool = 0;
	struct fwd_snap ports;

	__atomic_store_n(&running, 0, __ATOMIC_RELEASE);
	/* No request or scrape may read a context being torn down. */
	lcx_telemetry_stop();
	lcx_metrics_stop();
	/* Ports first read while nothing moves any more, then stopped. */
	fwd_snap_take(r, &ports);
	for (i = 0; i < r->nb_ports; i++)
		lcx_port_stop(r->port[i]);
	if (r->handoff)
		lcx_handoff_disconnect(r->ctx[0]);
	fwd_snap_take(r, &r->final);
	memcpy(r->final.port, ports.port, sizeof(ports.port));
	for (i = 0; i < r->nb_ctx; i++) {
		r->state[i] = lcx_ctx_state_get(r->ctx[i]);
		for (s = 0; s < r->ctx_stages[i]; s++)
			lcx_pipeline_stats_get(r->ctx[i], s, &r->stage[i][s]);
	}
	for (i = 0; i < r->nb_ctx; i++)
		lcx_pipeline_detach(r->ctx[i]);
	/* The pools outlive the contexts: closing a device gives back the
	 * mbufs its RX ring holds, and those must find their pool. */
	for (i = 0; i < r->nb_ctx; i++) {
		if (r->ctx[i]->pool != NULL)
			pool[nb_pool++] = r->ctx[i]->pool;
		r->ctx[i]->pool = NULL;
	}
	r->watchdog_errors = lcx_mgr_watchdog_errors();
	lcx_mgr_fini();
	r->pools_full = 1;
	for (i = 0; i < nb_pool; i++) {
		if (rte_mempool_avail_count(pool[i]) != pool[i]->size) {
			fprintf(stderr, FWD_NAME ": pool %s: %u of %u mbufs "
					"back\n", pool[i]->name,
					rte_mempool_avail_count(pool[i]),
					pool[i]->size);
			r->pools_full = 0;
		}
		rte_mempool_free(pool[i]);
	}
	return FWD_EXIT_OK;
}

int
main(int argc, char **argv)
{
	static struct fwd_opts o;
	static struct fwd_run r;
	struct eal_argv eal;
	char **app_argv, runtime_dir[PATH_MAX];
	int app_argc, dd, i, status, nb_user;

	/* EAL options are those before "--". */
	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	app_argv = calloc(argc + 1, sizeof(*app_argv));
	if (app_argv == NULL)
		return FWD_EXIT_RUNTIME;
	app_argv[0] = argv[0];
	app_argc = 1;
	for (i = dd < argc ? dd + 1 : 1; i < argc; i++)
		app_argv[app_argc++] = argv[i];
	nb_user = dd < argc ? dd - 1 : 0;
	fwd_opts_parse(app_argc, app_argv, &o);

	memset(&eal, 0, sizeof(eal));
	eal_args_build(&eal, argv[0], argv + 1, nb_user, &o);
	/* DPDK logs to stdout by default; stdout is for the table and the
	 * summary. */
	rte_openlog_stream(stderr);
	if (rte_eal_init(eal.n, eal.v) < 0) {
		fprintf(stderr, FWD_NAME ": EAL init failed: %s\n",
				rte_strerror(rte_errno));
		return rte_errno == EINVAL ? FWD_EXIT_USAGE : FWD_EXIT_RUNTIME;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
			rte_eal_get_runtime_dir());

	r.o = &o;
	r.tsc_hz = rte_get_tsc_hz();
	r.table = o.json ? stderr : stdout;
	status = setup(&r);
	if (status == FWD_EXIT_OK)
		status = ops_start(&o);
	if (status == FWD_EXIT_OK) {
		fprintf(r.table, "lcx-fwd: %u port%s, %u context%s, pipeline "
				"'%s', placement %s, idle %s, ", r.nb_ports,
				r.nb_ports == 1 ? "" : "s", r.nb_ctx,
				r.nb_ctx == 1 ? "" : "s", o.pipeline,
				o.policy->name, lcx_idle_mode_name(o.idle));
		if (o.duration != 0)
			fprintf(r.table, "%u s\n", o.duration);
		else
			fprintf(r.table, "until SIGINT/SIGTERM\n");
		lcx_place_report_dump(r.table);
		queues_report(&r, r.table);
		fflush(r.table);
		status = run(&r);
		teardown(&r);
		if (o.json)
			fwd_json_print(&r);
		else
			fwd_summary_print(&r);
		fflush(stdout);
	} else {
		lcx_mgr_fini();
	}
	rte_eal_cleanup();
	if (eal.own_prefix)
		lcx_runtime_dir_remove(runtime_dir);
	free(app_argv);
	return status;
}
