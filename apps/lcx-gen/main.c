/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-gen: traffic generator and throughput/latency tester on lcx.
 *
 * Set-up as lcx-fwd: a context on every EAL lcore (the main lcore's runs
 * on the main thread), ports placed by the manager, which gives every
 * context one TX queue per port (when the device has as many; a context
 * without one on a sending port does not send, and is reported).  Each
 * context runs the "lcx-gen-rx" handler as its pipeline and, for each
 * sending port it has a TX queue on, a generator task (pkt.c).  The
 * control thread (run.c) runs the trials.
 *
 * Teardown keeps every mbuf accounted for: generators stop posting
 * themselves and free what they hold, loops stop and flush, ports stop,
 * counters are read, pipelines detached, pools taken out of the contexts,
 * lcx_mgr_fini(), and every pool must be full again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "lcx_handler.h"
#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "gen.h"


/* ---- EAL arguments (as lcx-fwd) ----------------------------------------- */

struct eal_argv {
	char *v[GEN_MAX_EAL_ARGS + 1];
	int n;
	char prefix[64];
	int own_prefix;
};

static void
eal_push(struct eal_argv *a, const char *s)
{
	if (a->n == GEN_MAX_EAL_ARGS)
		gen_die(GEN_EXIT_USAGE, "more than %d EAL arguments",
				GEN_MAX_EAL_ARGS);
	a->v[a->n++] = (char *)(uintptr_t)s;
	a->v[a->n] = NULL;
}

static int
spec_is_pci(const char *spec)
{
	unsigned int dom, bus, dev, fn;

	return sscanf(spec, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4 ||
		sscanf(spec, "%x:%x.%x", &bus, &dev, &fn) == 3;
}

static void
eal_args_build(struct eal_argv *a, char *prog, char **user, int nb_user,
		const struct gen_opts *o)
{
	static char lcores[32];
	unsigned int i;
	int has_prefix = 0, k, pci = 0;

	a->n = 0;
	eal_push(a, prog);
	for (k = 0; k < nb_user; k++)
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
		/* EAL's start-up chatter would bury a one-line error. */
		eal_push(a, "--log-level=lib.eal:warning");
		eal_push(a, "--no-telemetry");
		for (i = 0; i < o->nb_ports; i++)
			pci |= spec_is_pci(o->ports[i]);
		if (!pci)
			eal_push(a, "--no-pci");
	}
	if (!has_prefix) {
		snprintf(a->prefix, sizeof(a->prefix),
				"--file-prefix=lcxgen%d", (int)getpid());
		eal_push(a, a->prefix);
		a->own_prefix = 1;
	}
}

/* ---- Set-up ------------------------------------------------------------- */

static const struct rte_ether_addr def_dst = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x02 },
};

static int
setup(struct gen_run *r)
{
	struct gen_opts *o = r->o;
	struct lcx_mgr_conf mconf;
	struct lcx_ctx_conf conf;
	struct lcx_port_link link;
	struct lcx_port *p;
	unsigned int lcore, i, pi, nb_send, streams;
	int rc;

	lcx_mgr_conf_init(&mconf);
	mconf.hb_timeout_ms = o->hb_timeout_ms;
	rc = lcx_mgr_init(&mconf);
	if (rc != 0) {
		fprintf(stderr, GEN_NAME ": manager: %s\n", lcx_strerror(rc));
		return GEN_EXIT_RUNTIME;
	}
	r->main_ctx = -1;
	RTE_LCORE_FOREACH(lcore) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = lcore;
		/* Generators keep their loop busy; a receiver alone would
		 * add a wake-up to every latency sample. */
		conf.idle = LCX_IDLE_BUSY;
		conf.limits.pool_size = o->pool_size;
		/* The generator task posts itself again and sends once a loop
		 * iteration: a budget of 32 tasks would spin it 31 times for
		 * nothing (measured: 79 -> see doc/lcx-gen.md); 4 leaves room
		 * for a second sender and control tasks. */
		conf.limits.tasks_per_iter = 4;
		snprintf(conf.name, sizeof(conf.name), "gen%u", lcore);
		r->ctx[r->nb_ctx] = lcx_mgr_ctx_create(&conf);
		if (r->ctx[r->nb_ctx] == NULL) {
			fprintf(stderr, GEN_NAME ": context on lcore %u: %s\n",
					lcore, lcx_strerror(lcx_errno));
			return GEN_EXIT_RUNTIME;
		}
		if (lcore == rte_get_main_lcore())
			r->main_ctx = (int)r->nb_ctx;
		r->nb_ctx++;
	}
	for (i = 0; i < o->nb_ports; i++) {
		p = lcx_place_port_add(o->ports[i], 0);
		if (p == NULL) {
			rc = lcx_errno;
			fprintf(stderr, GEN_NAME ": --port '%s': cannot open "
					"the port: %s\n", o->ports[i],
					lcx_strerror(rc));
			return rc == ENOMEM ? GEN_EXIT_RUNTIME :
				GEN_EXIT_USAGE;
		}
		r->port[r->nb_ports++] = p;
	}
	rc = lcx_place_apply("rr", NULL, 0);
	if (rc != 0) {
		fprintf(stderr, GEN_NAME ": placement: %s\n",
				lcx_strerror(rc));
		return GEN_EXIT_RUNTIME;
	}
	/* Line rate: given, or the sending port's. */
	r->line_mbps = o->line_mbps;
	if (r->line_mbps == 0 && lcx_port_link_get(r->port[0], &link) == 0)
		r->line_mbps = link.speed_mbps;

	if (o->mode == GEN_MODE_RUN && o->rate_unit != GEN_RATE_MAX) {
		double mean = gen_sizes_mean(o->sizes, o->nb_sizes);
		double pps = gen_rate_to_pps(r, o->rate_unit, o->rate, mean);
		double line = gen_rate_to_pps(r, GEN_RATE_PCT, 100, mean);

		if (o->rate_unit == GEN_RATE_PCT && r->line_mbps == 0) {
			fprintf(stderr, GEN_NAME ": --rate %g%%: the device "
					"reports no link speed; give "
					"--line-rate\n", o->rate);
			return GEN_EXIT_USAGE;
		}
		if (r->line_mbps != 0 && pps > line * 1.000001) {
			fprintf(stderr, GEN_NAME ": --rate: %.0f pps is above "
					"the line rate of %" PRIu64 " Mbit/s "
					"(%.0f pps at %.1f bytes)\n", pps,
					r->line_mbps, line, mean);
			return GEN_EXIT_USAGE;
		}
	}
	/* Senders: (context, port) pairs with a TX queue. */
	nb_send = o->nb_ports == 1 || o->bidir ? o->nb_ports : 1;
	for (pi = 0; pi < nb_send; pi++)
		for (i = 0; i < r->nb_ctx; i++)
			if (r->ctx[i]->txq[r->port[pi]->id].port != NULL)
				r->nb_tx++;
	if (r->nb_tx == 0) {
		fprintf(stderr, GEN_NAME ": no context has a TX queue on the "
				"sending port\n");
		return GEN_EXIT_RUNTIME;
	}
	streams = r->nb_tx * o->flows;
	if (streams > LCX_SYNTH_MAX_FLOWS) {
		fprintf(stderr, GEN_NAME ": --flows %u x %u senders is more "
				"than %d streams\n", o->flows, r->nb_tx,
				LCX_SYNTH_MAX_FLOWS);
		return GEN_EXIT_USAGE;
	}
	r->nb_streams = streams;
	gen_rx_nb_streams = streams;
	for (pi = 0; pi < nb_send; pi++) {
		const struct rte_ether_addr *dst = &def_dst;

		if (o->dst_mac_set)
			dst = &o->dst_mac;
		else if (o->nb_ports == 2)
			dst = &r->port[pi ^ 1]->mac;
		rc = gen_frames_init(&r->fr[pi], o, &r->port[pi]->mac, dst);
		if (rc != 0) {
			fprintf(stderr, GEN_NAME ": flow templates: %s\n",
					lcx_strerror(rc));
			return GEN_EXIT_RUNTIME;
		}
	}
	r->nb_tx = 0;
	for (pi = 0; pi < nb_send; pi++) {
		for (i = 0; i < r->nb_ctx; i++) {
			struct lcx_ctx *c = r->ctx[i];
			uint16_t id = r->port[pi]->id;
			struct gen_tx *tx;

			if (c->txq[id].port == NULL) {
				fprintf(stderr, GEN_NAME ": %s has no TX "
						"queue on port %u (the device "
						"has %u): it does not send\n",
						c->name, id,
						r->port[pi]->nb_txq);
				continue;
			}
			tx = gen_tx_create(c, r->port[pi], &r->fr[pi],
					(uint16_t)(r->nb_tx * o->flows),
					o->sizes, o->nb_sizes);
			if (tx == NULL) {
				fprintf(stderr, GEN_NAME ": out of memory\n");
				return GEN_EXIT_RUNTIME;
			}
			r->tx[r->nb_tx++] = tx;
		}
	}
	for (i = 0; i < r->nb_ctx; i++) {
		rc = lcx_pipeline_attach(r->ctx[i], GEN_RX_HANDLER);
		if (rc != 0) {
			fprintf(stderr, GEN_NAME ": receive check on %s: %s\n",
					r->ctx[i]->name, lcx_strerror(rc));
			return GEN_EXIT_RUNTIME;
		}
	}
	for (i = 0; i < r->nb_tx; i++) {
		rc = lcx_ctx_post(r->tx[i]->ctx, gen_tx_task, r->tx[i],
				LCX_PRIO_NORMAL);
		if (rc != 0) {
			fprintf(stderr, GEN_NAME ": generator task: %s\n",
					lcx_strerror(rc));
			return GEN_EXIT_RUNTIME;
		}
	}
	return GEN_EXIT_OK;
}

/* ---- Run ---------------------------------------------------------------- */

static void
on_signal(int sig)
{
	(void)sig;
	gen_stop_request();
}

static void *
ctrl_main(void *arg)
{
	struct gen_run *r = arg;
	int rc;

	rc = gen_ctrl_run(r);
	if (rc != 0)
		r->err = "control";
	/* Generators first, so the loops' final drain ends. */
	__atomic_store_n(&gen_ctl.quit, 1, __ATOMIC_RELEASE);
	lcx_mgr_stop_all();
	return (void *)(intptr_t)rc;
}

static int
run(struct gen_run *r)
{
	struct sigaction sa;
	pthread_t ctrl;
	void *ret = NULL;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	rc = lcx_mgr_start_all();
	if (rc < 0) {
		fprintf(stderr, GEN_NAME ": launch: %s\n", lcx_strerror(rc));
		__atomic_store_n(&gen_ctl.quit, 1, __ATOMIC_RELEASE);
		lcx_mgr_stop_all();
		lcx_mgr_wait_all();
		return GEN_EXIT_RUNTIME;
	}
	rc = rte_ctrl_thread_create(&ctrl, "lcx-gen-ctrl", NULL, ctrl_main, r);
	if (rc != 0) {
		fprintf(stderr, GEN_NAME ": control thread: %s\n",
				strerror(rc));
		__atomic_store_n(&gen_ctl.quit, 1, __ATOMIC_RELEASE);
		lcx_mgr_stop_all();
		lcx_mgr_wait_all();
		return GEN_EXIT_RUNTIME;
	}
	if (r->main_ctx >= 0)
		lcx_mgr_run_main();
	pthread_join(ctrl, &ret);
	__atomic_store_n(&gen_ctl.quit, 1, __ATOMIC_RELEASE);
	lcx_mgr_stop_all();
	rc = lcx_mgr_wait_all();
	if (rc != 0 || ret != NULL)
		return GEN_EXIT_RUNTIME;
	return GEN_EXIT_OK;
}

/* ---- Teardown ----------------------------------------------------------- */

static void
teardown(struct gen_run *r)
{
	struct rte_mempool *pool[LCX_MAX_CONTEXTS];
	unsigned int i, nb_pool = 0;

	for (i = 0; i < r->nb_ports; i++)
		lcx_port_stop(r->port[i]);
	for (i = 0; i < r->nb_ctx; i++)
		lcx_pipeline_detach(r->ctx[i]);
	for (i = 0; i < r->nb_ctx; i++) {
		r->rx[i] = NULL;
		if (r->ctx[i]->pool != NULL)
			pool[nb_pool++] = r->ctx[i]->pool;
		r->ctx[i]->pool = NULL;
	}
	lcx_mgr_fini();
	r->pools_full = 1;
	for (i = 0; i < nb_pool; i++) {
		if (rte_mempool_avail_count(pool[i]) != pool[i]->size) {
			fprintf(stderr, GEN_NAME ": pool %s: %u of %u mbufs "
					"back\n", pool[i]->name,
					rte_mempool_avail_count(pool[i]),
					pool[i]->size);
			r->pools_full = 0;
		}
		rte_mempool_free(pool[i]);
	}
	for (i = 0; i < r->nb_tx; i++)
		gen_tx_free(r->tx[i]);
	for (i = 0; i < LCX_MAX_PORTS; i++)
		gen_frames_free(&r->fr[i]);
}

int
main(int argc, char **argv)
{
	static struct gen_opts o;
	static struct gen_run r;
	struct eal_argv eal;
	char **app_argv, runtime_dir[PATH_MAX];
	int app_argc, dd, i, status, nb_user;

	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	app_argv = calloc(argc + 1, sizeof(*app_argv));
	if (app_argv == NULL)
		return GEN_EXIT_RUNTIME;
	app_argv[0] = argv[0];
	app_argc = 1;
	for (i = dd < argc ? dd + 1 : 1; i < argc; i++)
		app_argv[app_argc++] = argv[i];
	nb_user = dd < argc ? dd - 1 : 0;
	gen_opts_parse(app_argc, app_argv, &o);

	memset(&eal, 0, sizeof(eal));
	eal_args_build(&eal, argv[0], argv + 1, nb_user, &o);
	rte_openlog_stream(stderr);
	if (rte_eal_init(eal.n, eal.v) < 0) {
		fprintf(stderr, GEN_NAME ": EAL init failed: %s\n",
				rte_strerror(rte_errno));
		return rte_errno == EINVAL ? GEN_EXIT_USAGE : GEN_EXIT_RUNTIME;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
			rte_eal_get_runtime_dir());
	r.o = &o;
	r.tsc_hz = rte_get_tsc_hz();
	status = setup(&r);
	for (i = 0; i < (int)r.nb_ctx; i++)
		r.rx[i] = gen_rx_of[r.ctx[i]->id];
	if (status == GEN_EXIT_OK) {
		status = run(&r);
		if (status == GEN_EXIT_OK && r.err != NULL)
			status = GEN_EXIT_RUNTIME;
		teardown(&r);
		if (!r.pools_full && status == GEN_EXIT_OK)
			status = GEN_EXIT_RUNTIME;
		gen_report_print(&r, stdout);
		if (o.json != NULL && gen_report_json(&r, o.json) != 0)
			status = GEN_EXIT_RUNTIME;
		if (o.csv != NULL && gen_report_csv(&r, o.csv) != 0)
			status = GEN_EXIT_RUNTIME;
		if (o.svg != NULL && gen_report_svg(&r, o.svg) != 0)
			status = GEN_EXIT_RUNTIME;
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
