/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-kv: a memcached-compatible UDP key-value service, one shard per
 * execution context.  Built from lcx's public parts only:
 *
 *   contexts      one per EAL lcore (lcx_mgr_ctx_create), each the sole
 *                 owner of one shard (kv_store.c)
 *   ports         lcx_place_port_add + lcx_mgr_place: one RX queue per
 *                 context (RSS / af_packet fanout spread the clients),
 *                 one TX queue per context on every port
 *   pipeline      "arp-icmp(ip=ADDR) -> kv" on every context: ARP and ping
 *                 answered by the built-in handler, memcached by ours
 *   run queues    requests for another shard's keys travel to their owner
 *                 as tasks, a burst's worth per owner in one post
 *
 * Threads, signals and teardown follow lcx-fwd: the main lcore's context
 * runs on the main thread, a control thread prints the live table on
 * stderr and ends the run, teardown checks every pool is full.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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
#include <rte_version.h>

#include "lcx_handler.h"
#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "kv_service.h"

#ifndef LCX_KV_VERSION
#define LCX_KV_VERSION "unknown"
#endif

#define EXIT_OK 0
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

#define MAX_EAL_ARGS 64
#define CTRL_TICK_MS 20
#define DEF_MEMORY_MB 64
#define DEF_UDP_PORT 11211
/* Tasks a context runs per loop iteration: a burst of 32 requests may
 * bring up to 32 jobs from every other context. */
#define KV_TASKS_PER_ITER 512
#define KV_RUNQ_DEPTH 4096

struct kv_opts {
	char *ports[LCX_MAX_PORTS];
	unsigned int nb_ports;
	char addr_str[32];
	uint32_t addr;            /* network order */
	uint8_t prefix_len;
	uint16_t udp_port;        /* host order */
	uint32_t memory_mb;
	uint32_t duration;
	uint32_t stats_interval;
	int json;
	int reply_home;           /* --reply-from receiver */
	enum lcx_idle_mode idle;
};

struct kv_snap {
	uint64_t tsc;
	uint64_t stat[LCX_MAX_CONTEXTS][KV_ST_MAX];
	struct lcx_ctx_stats ctx[LCX_MAX_CONTEXTS];
};

struct kv_run {
	struct kv_opts *o;
	struct lcx_ctx *ctx[LCX_MAX_CONTEXTS];
	unsigned int nb_ctx;
	struct lcx_port *port[LCX_MAX_PORTS];
	unsigned int nb_ports;
	int main_ctx;
	uint64_t t_start, t_stop;
	/* Final figures, read before the shards are freed. */
	struct kv_snap final;
	uint64_t items[LCX_MAX_CONTEXTS], bytes[LCX_MAX_CONTEXTS];
	uint64_t err[LCX_MAX_CONTEXTS][KV_E_MAX];
	uint64_t dropped[LCX_MAX_CONTEXTS];
	unsigned int jobs_out;
	int pools_full;
};

static uint32_t stop_flag;
static uint32_t running;
static uint32_t end_error;

static void __attribute__((format(printf, 2, 3), noreturn))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(KV_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void
request_stop(int error)
{
	if (error)
		__atomic_store_n(&end_error, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&running, __ATOMIC_ACQUIRE))
		lcx_mgr_stop_all();
}

static void
on_signal(int sig)
{
	(void)sig;
	request_stop(0);
}

/* ---- Options -------------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: lcx-kv [EAL options --] --port DEVARGS --addr A.B.C.D/LEN [options]\n"
"\n"
"A memcached-compatible UDP key-value service: one shard per execution\n"
"context (one context per EAL lcore), keys steered to their shard's\n"
"context through the run queues.  ARP and ping are answered on --addr.\n"
"\n"
"EAL options are those before \"--\".  Without them lcx-kv picks:\n"
"  -l <first two CPUs it may run on>   --no-huge -m 512 (no hugepages)\n"
"  --no-pci (unless a port is a PCI address)   --file-prefix=lcxkv<pid>\n"
"\n"
"Options:\n"
"  --port DEVARGS        a port (repeatable, at most %d): DPDK devargs\n"
"                        such as net_af_packet0,iface=veth0 (lcx-kv adds\n"
"                        qpairs=<contexts> when not given) or a PCI address\n"
"  --addr A.B.C.D/LEN    the service address on the ports (required)\n"
"  --udp-port N          memcached UDP port (default %d)\n"
"  --memory MB           item memory, all shards together (default %d)\n"
"  --duration SECONDS    stop after this long; 0: until SIGINT/SIGTERM\n"
"                        (default 0)\n"
"  --stats-interval SECONDS  live table period on stderr; 0: none\n"
"                        (default 1)\n"
"  --json                one JSON object on stdout at exit\n"
"  --reply-from owner|receiver  which context sends a reply when the key\n"
"                        is another context's: its owner (default: one\n"
"                        run-queue hop) or the one that received it (two)\n"
"  --idle busy|pause|adaptive  idle strategy (default adaptive)\n"
"  --help, --version\n"
"\n"
"Exit status: 0 done, 1 runtime failure, 2 bad usage.\n",
		LCX_MAX_PORTS, DEF_UDP_PORT, DEF_MEMORY_MB);
}

static uint32_t
parse_u32(const char *opt, const char *s, uint32_t lo, uint32_t hi)
{
	unsigned long long x;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		die(EXIT_USAGE, "--%s: '%s' is not a number", opt, s);
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		die(EXIT_USAGE, "--%s: '%s' is not a number in %u..%u", opt,
				s, lo, hi);
	return (uint32_t)x;
}

enum {
	OPT_PORT = 256, OPT_ADDR, OPT_UDP_PORT, OPT_MEMORY, OPT_DURATION,
	OPT_INTERVAL, OPT_JSON, OPT_IDLE, OPT_HELP, OPT_VERSION, OPT_REPLY,
};

static void
opts_parse(int argc, char **argv, struct kv_opts *o)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "addr", required_argument, NULL, OPT_ADDR },
		{ "udp-port", required_argument, NULL, OPT_UDP_PORT },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "stats-interval", required_argument, NULL, OPT_INTERVAL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "idle", required_argument, NULL, OPT_IDLE },
		{ "reply-from", required_argument, NULL, OPT_REPLY },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c, have_addr = 0;

	o->udp_port = DEF_UDP_PORT;
	o->memory_mb = DEF_MEMORY_MB;
	o->stats_interval = 1;
	o->idle = LCX_IDLE_ADAPTIVE;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PORT:
			if (o->nb_ports == LCX_MAX_PORTS)
				die(EXIT_USAGE, "--port: at most %d ports",
						LCX_MAX_PORTS);
			if (*optarg == '\0')
				die(EXIT_USAGE, "--port: empty devargs");
			o->ports[o->nb_ports++] = optarg;
			break;
		case OPT_ADDR:
			if (lcx_parse_ipv4_prefix(optarg, &o->addr,
					&o->prefix_len) != 0 ||
					o->prefix_len == 0)
				die(EXIT_USAGE, "--addr: '%s' is not "
						"A.B.C.D/LEN", optarg);
			snprintf(o->addr_str, sizeof(o->addr_str), "%.*s",
					(int)strcspn(optarg, "/"), optarg);
			have_addr = 1;
			break;
		case OPT_UDP_PORT:
			o->udp_port = (uint16_t)parse_u32("udp-port", optarg,
					1, 65535);
			break;
		case OPT_MEMORY:
			o->memory_mb = parse_u32("memory", optarg, 1, 1 << 20);
			break;
		case OPT_DURATION:
			o->duration = parse_u32("duration", optarg, 0,
					UINT32_MAX);
			break;
		case OPT_INTERVAL:
			o->stats_interval = parse_u32("stats-interval",
					optarg, 0, 3600);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_IDLE:
			if (strcmp(optarg, "busy") == 0)
				o->idle = LCX_IDLE_BUSY;
			else if (strcmp(optarg, "pause") == 0)
				o->idle = LCX_IDLE_PAUSE;
			else if (strcmp(optarg, "adaptive") == 0)
				o->idle = LCX_IDLE_ADAPTIVE;
			else
				die(EXIT_USAGE, "--idle: '%s' is not busy, "
						"pause or adaptive", optarg);
			break;
		case OPT_REPLY:
			if (strcmp(optarg, "owner") == 0)
				o->reply_home = 0;
			else if (strcmp(optarg, "receiver") == 0)
				o->reply_home = 1;
			else
				die(EXIT_USAGE, "--reply-from: '%s' is not owner "
						"or receiver", optarg);
			break;
		case OPT_HELP:
			usage(stdout);
			exit(EXIT_OK);
		case OPT_VERSION:
			printf("lcx-kv %s (%s)\n", LCX_KV_VERSION, rte_version());
			exit(EXIT_OK);
		default:
			die(EXIT_USAGE, "unknown or incomplete option '%s' "
					"(--help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		die(EXIT_USAGE, "unexpected argument '%s' (--help)",
				argv[optind]);
	if (o->nb_ports == 0)
		die(EXIT_USAGE, "no --port given (--help)");
	if (!have_addr)
		die(EXIT_USAGE, "no --addr given (--help)");
}

/* ---- EAL arguments -------------------------------------------------------- */

struct eal_argv {
	char *v[MAX_EAL_ARGS + 1];
	int n;
	char prefix[64];
	int own_prefix;
};

static void
eal_push(struct eal_argv *a, const char *s)
{
	if (a->n == MAX_EAL_ARGS)
		die(EXIT_USAGE, "more than %d EAL arguments", MAX_EAL_ARGS);
	a->v[a->n++] = (char *)(uintptr_t)s;
	a->v[a->n] = NULL;
}

static int
spec_is_pci(const char *s)
{
	unsigned int a, b, c, d;

	return sscanf(s, "%x:%x:%x.%x", &a, &b, &c, &d) == 4 ||
		sscanf(s, "%x:%x.%x", &a, &b, &c) == 3;
}

static void
eal_args_build(struct eal_argv *a, char *prog, char **user, int nb_user,
		const struct kv_opts *o)
{
	static char lcores[32];
	cpu_set_t set;
	int k, cpu, first = -1, second = -1, has_prefix = 0, pci = 0;
	unsigned int i;

	eal_push(a, prog);
	for (k = 0; k < nb_user; k++) {
		eal_push(a, user[k]);
		if (strncmp(user[k], "--file-prefix", 13) == 0)
			has_prefix = 1;
	}
	if (nb_user == 0) {
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			for (cpu = 0; cpu < CPU_SETSIZE && second < 0; cpu++)
				if (CPU_ISSET(cpu, &set)) {
					if (first < 0)
						first = cpu;
					else
						second = cpu;
				}
		if (first < 0)
			snprintf(lcores, sizeof(lcores), "0-1");
		else if (second < 0)
			snprintf(lcores, sizeof(lcores), "%d", first);
		else
			snprintf(lcores, sizeof(lcores), "%d,%d", first,
					second);
		eal_push(a, "-l");
		eal_push(a, lcores);
		if (!lcx_eal_hugepages_usable()) {
			eal_push(a, "--no-huge");
			eal_push(a, "-m");
			eal_push(a, "512");
		}
		for (i = 0; i < o->nb_ports; i++)
			pci |= spec_is_pci(o->ports[i]);
		if (!pci)
			eal_push(a, "--no-pci");
	}
	if (!has_prefix) {
		snprintf(a->prefix, sizeof(a->prefix),
				"--file-prefix=lcxkv%d", (int)getpid());
		eal_push(a, a->prefix);
		a->own_prefix = 1;
	}
}

/* ---- Set-up --------------------------------------------------------------- */

/* net_af_packet gives one queue pair unless asked: ask for one per
 * context, so that every context has its own RX and TX queue. */
static char *
port_spec(const char *spec, unsigned int nb_ctx)
{
	char *s;

	if (strncmp(spec, "net_af_packet", 13) != 0 ||
			strstr(spec, "qpairs=") != NULL || nb_ctx < 2)
		return strdup(spec);
	if (asprintf(&s, "%s,qpairs=%u", spec, nb_ctx) < 0)
		return NULL;
	return s;
}

static int
setup(struct kv_run *r)
{
	struct kv_opts *o = r->o;
	struct lcx_ctx_conf conf;
	char spec[96], *ps;
	unsigned int lcore, i;
	int rc;

	rc = lcx_mgr_init(NULL);
	if (rc != 0) {
		fprintf(stderr, KV_NAME ": manager: %s\n", lcx_strerror(rc));
		return EXIT_RUNTIME;
	}
	r->main_ctx = -1;
	RTE_LCORE_FOREACH(lcore) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = lcore;
		conf.idle = o->idle;
		conf.limits.tasks_per_iter = KV_TASKS_PER_ITER;
		conf.limits.runq_depth = KV_RUNQ_DEPTH;
		snprintf(conf.name, sizeof(conf.name), "kv%u", lcore);
		r->ctx[r->nb_ctx] = lcx_mgr_ctx_create(&conf);
		if (r->ctx[r->nb_ctx] == NULL) {
			fprintf(stderr, KV_NAME ": context on lcore %u: %s\n",
					lcore, lcx_strerror(lcx_errno));
			return EXIT_RUNTIME;
		}
		if (lcore == rte_get_main_lcore())
			r->main_ctx = (int)r->nb_ctx;
		r->nb_ctx++;
	}
	for (i = 0; i < o->nb_ports; i++) {
		ps = port_spec(o->ports[i], r->nb_ctx);
		if (ps == NULL)
			return EXIT_RUNTIME;
		r->port[i] = lcx_place_port_add(ps, 0);
		if (r->port[i] == NULL) {
			rc = lcx_errno;
			fprintf(stderr, KV_NAME ": --port '%s': cannot open "
					"the port: %s\n", ps, lcx_strerror(rc));
			free(ps);
			return rc == EINVAL || rc == ENODEV || rc == EBUSY ||
				rc == ENOSPC ? EXIT_USAGE : EXIT_RUNTIME;
		}
		free(ps);
		r->nb_ports++;
	}
	rc = lcx_place_apply("rr", NULL, 0);
	if (rc != 0) {
		fprintf(stderr, KV_NAME ": placement: %s\n", lcx_strerror(rc));
		return EXIT_RUNTIME;
	}
	rc = kv_service_init(r->ctx, r->nb_ctx,
			(uint64_t)o->memory_mb << 20, o->addr,
			rte_cpu_to_be_16(o->udp_port));
	if (rc != 0) {
		fprintf(stderr, KV_NAME ": --memory %u: %s (item memory, job "
				"pools)\n", o->memory_mb, lcx_strerror(rc));
		return rc == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	kv_svc.reply_home = (uint32_t)o->reply_home;
	for (i = 0; i < r->nb_ports; i++)
		if (r->port[i]->nb_txq < r->nb_ctx)
			fprintf(stderr, KV_NAME ": port %u has %u TX queue%s for "
					"%u contexts: replies to its requests "
					"are sent by the context that received "
					"them\n", i, r->port[i]->nb_txq,
					r->port[i]->nb_txq == 1 ? "" : "s",
					r->nb_ctx);
	snprintf(spec, sizeof(spec), "arp-icmp(ip=%s) -> kv", o->addr_str);
	for (i = 0; i < r->nb_ctx; i++) {
		rc = lcx_pipeline_attach(r->ctx[i], spec);
		if (rc != 0) {
			fprintf(stderr, KV_NAME ": pipeline '%s': %s\n", spec,
					lcx_strerror(rc));
			return EXIT_RUNTIME;
		}
	}
	return EXIT_OK;
}

/* ---- Live table and summary ----------------------------------------------- */

static void
snap_take(const struct kv_run *r, struct kv_snap *s)
{
	unsigned int i, k;

	s->tsc = rte_rdtsc();
	for (i = 0; i < r->nb_ctx; i++) {
		lcx_ctx_stats_get(r->ctx[i], &s->ctx[i]);
		for (k = 0; k < KV_ST_MAX; k++)
			s->stat[i][k] = __atomic_load_n(
				&kv_svc.srv.shard[i]->stat[k],
				__ATOMIC_RELAXED);
	}
}

static double
rate(uint64_t a, uint64_t b, double secs)
{
	return secs > 0 ? (double)(b - a) / secs : 0;
}

static void
table_print(const struct kv_run *r, const struct kv_snap *p,
		const struct kv_snap *c)
{
	double secs = (double)(c->tsc - p->tsc) / rte_get_tsc_hz();
	uint64_t t[5] = { 0 };
	unsigned int i;

	fprintf(stderr, "%-6s %10s %10s %10s %10s %10s %10s\n", "shard",
			"req/s", "get/s", "hit/s", "cross-in/s", "rx/s", "tx/s");
	for (i = 0; i < r->nb_ctx; i++) {
		fprintf(stderr, "%-6u %10.0f %10.0f %10.0f %10.0f %10.0f "
				"%10.0f\n", i,
			rate(p->stat[i][KV_ST_REQUESTS],
				c->stat[i][KV_ST_REQUESTS], secs),
			rate(p->stat[i][KV_ST_CMD_GET],
				c->stat[i][KV_ST_CMD_GET], secs),
			rate(p->stat[i][KV_ST_GET_HITS],
				c->stat[i][KV_ST_GET_HITS], secs),
			rate(p->stat[i][KV_ST_CROSS_IN],
				c->stat[i][KV_ST_CROSS_IN], secs),
			rate(p->ctx[i].rx_packets, c->ctx[i].rx_packets, secs),
			rate(p->ctx[i].tx_packets, c->ctx[i].tx_packets,
				secs));
		t[0] += c->stat[i][KV_ST_REQUESTS] - p->stat[i][KV_ST_REQUESTS];
		t[1] += c->stat[i][KV_ST_CROSS_IN] - p->stat[i][KV_ST_CROSS_IN];
	}
	fprintf(stderr, "%-6s %10.0f   (cross-shard %.1f %%)\n", "total",
			secs > 0 ? t[0] / secs : 0,
			t[0] ? 100.0 * t[1] / t[0] : 0.0);
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void *
ctrl_main(void *arg)
{
	struct kv_run *r = arg;
	uint64_t hz = rte_get_tsc_hz(), now, next, deadline;
	struct kv_snap *prev = calloc(1, sizeof(*prev));
	struct kv_snap *cur = calloc(1, sizeof(*cur)), *t;
	unsigned int i;

	if (prev == NULL || cur == NULL) {
		free(prev);
		free(cur);
		request_stop(1);
		return NULL;
	}
	snap_take(r, prev);
	next = r->t_start + (uint64_t)r->o->stats_interval * hz;
	deadline = r->t_start + (uint64_t)r->o->duration * hz;
	while (!__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
		sleep_ms(CTRL_TICK_MS);
		now = rte_rdtsc();
		for (i = 0; i < r->nb_ctx; i++)
			if (lcx_ctx_state_get(r->ctx[i]) == LCX_CTX_ERROR) {
				fprintf(stderr, KV_NAME ": context %u is in "
						"ERROR: stopping\n", i);
				request_stop(1);
			}
		if (r->o->duration != 0 && now >= deadline) {
			request_stop(0);
			break;
		}
		if (r->o->stats_interval != 0 && now >= next) {
			snap_take(r, cur);
			table_print(r, prev, cur);
			t = prev;
			prev = cur;
			cur = t;
			while (next <= now)
				next += (uint64_t)r->o->stats_interval * hz;
		}
	}
	free(prev);
	free(cur);
	return NULL;
}

static int
run(struct kv_run *r)
{
	struct sigaction sa;
	pthread_t ctrl;
	int rc, ctrl_ok = 0, status = EXIT_OK;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r->t_start = rte_rdtsc();
	__atomic_store_n(&running, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE))
		return EXIT_OK;
	rc = lcx_mgr_start_all();
	if (rc < 0) {
		fprintf(stderr, KV_NAME ": launch: %s\n", lcx_strerror(rc));
		request_stop(1);
	}
	rc = rte_ctrl_thread_create(&ctrl, "lcx-kv-ctrl", NULL, ctrl_main, r);
	if (rc != 0) {
		fprintf(stderr, KV_NAME ": control thread: %s\n",
				strerror(rc));
		request_stop(1);
	} else {
		ctrl_ok = 1;
	}
	if (r->main_ctx >= 0 &&
			!__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
		rc = lcx_mgr_run_main();
		if (rc != 0 || !__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE))
			request_stop(1);
	}
	if (ctrl_ok)
		pthread_join(ctrl, NULL);
	request_stop(0);
	if (lcx_mgr_wait_all() != 0)
		request_stop(1);
	r->t_stop = rte_rdtsc();
	if (__atomic_load_n(&end_error, __ATOMIC_RELAXED))
		status = EXIT_RUNTIME;
	return status;
}

static void
teardown(struct kv_run *r)
{
	struct rte_mempool *pool[LCX_MAX_CONTEXTS];
	unsigned int i, k, nb_pool = 0;

	__atomic_store_n(&running, 0, __ATOMIC_RELEASE);
	for (i = 0; i < r->nb_ports; i++)
		lcx_port_stop(r->port[i]);
	/* A context that stopped last may have left jobs in the run queue
	 * of one that stopped first: they are freed, not run. */
	kv_svc.stopping = 1;
	for (i = 0; i < r->nb_ctx; i++)
		lcx_runq_drain(r->ctx[i]->runq);
	snap_take(r, &r->final);
	for (i = 0; i < r->nb_ctx; i++) {
		r->items[i] = kv_svc.srv.shard[i]->items;
		r->bytes[i] = kv_svc.srv.shard[i]->bytes;
		for (k = 0; k < KV_E_MAX; k++)
			r->err[i][k] = kv_svc.srv.shard[i]->err[k];
		r->dropped[i] = r->final.ctx[i].dropped;
		lcx_pipeline_detach(r->ctx[i]);
	}
	r->jobs_out = kv_service_jobs_out();
	kv_service_fini();
	for (i = 0; i < r->nb_ctx; i++) {
		if (r->ctx[i]->pool != NULL)
			pool[nb_pool++] = r->ctx[i]->pool;
		r->ctx[i]->pool = NULL;
	}
	lcx_mgr_fini();
	r->pools_full = r->jobs_out == 0;
	for (i = 0; i < nb_pool; i++) {
		if (rte_mempool_avail_count(pool[i]) != pool[i]->size) {
			fprintf(stderr, KV_NAME ": pool %s: %u of %u mbufs "
					"back\n", pool[i]->name,
					rte_mempool_avail_count(pool[i]),
					pool[i]->size);
			r->pools_full = 0;
		}
		rte_mempool_free(pool[i]);
	}
}

static void
summary_print(const struct kv_run *r)
{
	double secs = (double)(r->t_stop - r->t_start) / rte_get_tsc_hz();
	uint64_t req = 0, cross = 0, err = 0;
	unsigned int i, k;

	for (i = 0; i < r->nb_ctx; i++) {
		req += r->final.stat[i][KV_ST_REQUESTS];
		cross += r->final.stat[i][KV_ST_CROSS_IN];
		for (k = 1; k < KV_E_MAX; k++)
			err += r->err[i][k];
	}
	printf("lcx-kv: %.1f s, %u shards, %" PRIu64 " requests (%.0f/s), "
			"%.1f %% cross-shard, %" PRIu64 " error replies "
			"or drops\n", secs, r->nb_ctx, req,
			secs > 0 ? req / secs : 0.0,
			req ? 100.0 * cross / req : 0.0, err);
	for (i = 0; i < r->nb_ctx; i++) {
		printf("shard %u: items %" PRIu64 " bytes %" PRIu64, i,
				r->items[i], r->bytes[i]);
		for (k = 0; k < KV_ST_MAX; k++)
			if (r->final.stat[i][k] != 0)
				printf(" %s %" PRIu64, kv_stat_name(k),
						r->final.stat[i][k]);
		for (k = 1; k < KV_E_MAX; k++)
			if (r->err[i][k] != 0)
				printf(" error:%s %" PRIu64, kv_err_name(k),
						r->err[i][k]);
		printf("\n");
	}
	printf("pools %s\n", r->pools_full ? "full" : "NOT full");
}

static void
json_print(const struct kv_run *r)
{
	double secs = (double)(r->t_stop - r->t_start) / rte_get_tsc_hz();
	uint64_t sum[KV_ST_MAX] = { 0 }, esum[KV_E_MAX] = { 0 };
	uint64_t items = 0, bytes = 0;
	unsigned int i, k;

	printf("{\"duration_s\":%.3f,\"shards\":%u,\"memory_mb\":%u,"
			"\"reply_from\":\"%s\",\"pools_full\":%s,"
			"\"per_shard\":[", secs, r->nb_ctx, r->o->memory_mb,
			r->o->reply_home ? "receiver" : "owner",
			r->pools_full ? "true" : "false");
	for (i = 0; i < r->nb_ctx; i++) {
		items += r->items[i];
		bytes += r->bytes[i];
		printf("%s{\"items\":%" PRIu64 ",\"bytes\":%" PRIu64
				",\"rx_packets\":%" PRIu64 ",\"tx_packets\":%"
				PRIu64 ",\"dropped\":%" PRIu64, i ? "," : "",
				r->items[i], r->bytes[i],
				r->final.ctx[i].rx_packets,
				r->final.ctx[i].tx_packets, r->dropped[i]);
		for (k = 0; k < KV_ST_MAX; k++) {
			sum[k] += r->final.stat[i][k];
			printf(",\"%s\":%" PRIu64, kv_stat_name(k),
					r->final.stat[i][k]);
		}
		printf(",\"errors\":{");
		for (k = 1; k < KV_E_MAX; k++) {
			esum[k] += r->err[i][k];
			printf("%s\"%s\":%" PRIu64, k > 1 ? "," : "",
					kv_err_name(k), r->err[i][k]);
		}
		printf("}}");
	}
	printf("],\"total\":{\"items\":%" PRIu64 ",\"bytes\":%" PRIu64,
			items, bytes);
	for (k = 0; k < KV_ST_MAX; k++)
		printf(",\"%s\":%" PRIu64, kv_stat_name(k), sum[k]);
	printf(",\"errors\":{");
	for (k = 1; k < KV_E_MAX; k++)
		printf("%s\"%s\":%" PRIu64, k > 1 ? "," : "", kv_err_name(k),
				esum[k]);
	printf("}}}\n");
}

int
main(int argc, char **argv)
{
	static struct kv_opts o;
	static struct kv_run r;
	static struct eal_argv eal;
	char **app_argv, runtime_dir[PATH_MAX];
	int app_argc, dd, i, status;

	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	app_argv = calloc(argc + 1, sizeof(*app_argv));
	if (app_argv == NULL)
		return EXIT_RUNTIME;
	app_argv[0] = argv[0];
	app_argc = 1;
	for (i = dd < argc ? dd + 1 : 1; i < argc; i++)
		app_argv[app_argc++] = argv[i];
	opts_parse(app_argc, app_argv, &o);
	eal_args_build(&eal, argv[0], argv + 1, dd < argc ? dd - 1 : 0, &o);
	/* stdout is for the summary. */
	rte_openlog_stream(stderr);
	if (rte_eal_init(eal.n, eal.v) < 0) {
		fprintf(stderr, KV_NAME ": EAL init failed: %s\n",
				rte_strerror(rte_errno));
		return rte_errno == EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
			rte_eal_get_runtime_dir());
	r.o = &o;
	status = setup(&r);
	if (status == EXIT_OK) {
		fprintf(stderr, "lcx-kv: %u port%s, %u shard%s, %s:%u, %u MB, ",
				r.nb_ports, r.nb_ports == 1 ? "" : "s",
				r.nb_ctx, r.nb_ctx == 1 ? "" : "s",
				o.addr_str, o.udp_port, o.memory_mb);
		if (o.duration != 0)
			fprintf(stderr, "%u s\n", o.duration);
		else
			fprintf(stderr, "until SIGINT/SIGTERM\n");
		lcx_place_report_dump(stderr);
		status = run(&r);
		teardown(&r);
		if (o.json)
			json_print(&r);
		else
			summary_print(&r);
		if (!r.pools_full && status == EXIT_OK)
			status = EXIT_RUNTIME;
		fflush(stdout);
	} else {
		kv_service_fini();
		lcx_mgr_fini();
	}
	rte_eal_cleanup();
	if (eal.own_prefix)
		lcx_runtime_dir_remove(runtime_dir);
	free(app_argv);
	return status;
}
