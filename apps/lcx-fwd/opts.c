/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command line, and the setters both sources use (the config file is read
 * by config.c).  The file is read first and the flags
 * applied over it, so a flag always wins; a list given on the command line
 * (--port, --plugin) replaces the file's list rather than adding to it.
 * Everything that can be checked without the EAL is checked here, so a
 * usage error exits 2 before any device is touched.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_version.h>

#include "fwd.h"

#ifndef LCX_FWD_VERSION
#define LCX_FWD_VERSION "unknown"
#endif

/* The placement without --placement, and the one --map implies. */
#define FWD_DEF_POLICY "rr"
#define FWD_MAP_POLICY "map"


void
fwd_die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(FWD_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* The registered placement policies, one a line, after --placement. */
static void
usage_policies(FILE *f)
{
	const struct lcx_place_policy *p;
	unsigned int i;

	for (i = 0; (p = lcx_place_policy_get(i)) != NULL; i++)
		fprintf(f, "                        %-5s %s\n", p->name,
				p->help != NULL ? p->help : "");
}

void
fwd_usage(FILE *f)
{
	fprintf(f,
"Usage: lcx-fwd [EAL options --] [options]\n"
"\n"
"Forwards packets between ports through a handler pipeline, one execution\n"
"context on every EAL lcore (the main lcore too), and prints a live table\n"
"and a summary.  With no argument at all it runs its embedded default:\n"
"two synth ports through macswap on every lcore for %d seconds.\n"
"\n"
"EAL options are those before \"--\".  Without them lcx-fwd picks:\n"
"  -l <first two CPUs it may run on, e.g. 0-1>\n"
"  --no-huge -m 512           when no hugetlbfs is mounted or no hugepage\n"
"                             is free\n"
"  --no-pci                   unless a port names a PCI address\n"
"  --file-prefix=lcxfwd<pid>  always (also added to given EAL options\n"
"                             that have no --file-prefix)\n"
"\n"
"Options:\n"
"  --port DEVARGS        add a port (repeatable, at most %d): DPDK devargs\n"
"                        (net_null0,copy=1  net_pcap0,rx_pcap=in.pcap,...\n"
"                        net_af_packet0,iface=veth1  0000:01:00.0) or\n"
"                        synth / synth:OPTIONS.  Ports are paired for\n"
"                        output 0<->1, 2<->3.  Default: %d x %s\n"
"                        net_af_packet ports get one queue pair per\n"
"                        context (qpairs=N, at least --rxq) unless the\n"
"                        devargs give a number.  Contexts beyond a port's\n"
"                        TX queues share them under a lock (doc/ports.md)\n"
"  --pipeline SPEC       handler pipeline run on every context, e.g.\n"
"                        macswap  or  'filter(drop udp) -> l2rewrite'\n"
"                        (default: %s)\n"
"  --pipeline-on LCORE=SPEC  the context on LCORE runs SPEC instead\n"
"                        (repeatable, one per lcore)\n"
"  --plugin PATH         load a handler plugin (.so) first (repeatable);\n"
"                        a PATH without '/' is in the current directory\n"
"                        (x.so is ./x.so: the library path is not searched)\n"
"  --plugin-dir DIR      load every *.so of DIR first\n"
"  --list-handlers       list every handler (after --plugin/--plugin-dir):\n"
"                        usage, drop reasons, counters; then exit\n"
"  --config FILE         read options from an INI file (see doc/lcx-fwd.md);\n"
"                        flags given here override it\n"
"  --placement POLICY    how RX queues go to contexts (default: %s):\n",
		FWD_DEF_DURATION, LCX_MAX_PORTS, FWD_DEF_NB_PORTS,
		FWD_DEF_PORT, FWD_DEF_PIPELINE, FWD_DEF_POLICY);
	usage_policies(f);
	fprintf(f,
"  --map '(p,q,lcore),...'  explicit placement: every RX queue once\n"
"                        (implies --placement map)\n"
"  --rxq N               RX queues per port (default 0: one per context)\n"
"  --duration SECONDS    stop after this long; 0: until SIGINT/SIGTERM\n"
"                        (default: %d with the embedded ports, else 0)\n"
"  --stats-interval SECONDS  live table period; 0: no table (default: 1)\n"
"  --json                one JSON object on stdout at exit, nothing else\n"
"                        there (the live table goes to stderr)\n"
"  --idle busy|pause|adaptive  what a context does when idle (default:\n"
"                        adaptive: sleeps after 1024 empty polls)\n"
"  --telemetry           serve lcx's endpoints and control commands on\n"
"                        DPDK's telemetry socket (dpdk-telemetry.py -f\n"
"                        <file-prefix>, lcx-ctl; see doc/operations.md)\n"
"  --metrics [ADDR:]PORT  Prometheus metrics: GET /metrics over HTTP\n"
"                        (ADDR default 127.0.0.1; PORT 0 picks one)\n"
"  --help                this text\n"
"  --version             lcx-fwd and DPDK versions\n"
"\n"
"Exit status: 0 done, 1 runtime failure, 2 bad usage.\n",
		FWD_DEF_DURATION);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		fwd_die(FWD_EXIT_RUNTIME, "out of memory");
	return d;
}

static int
parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	unsigned long long x;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int
fwd_spec_is_pci(const char *spec)
{
	unsigned int dom, bus, dev, fn;
	char tail;

	/* Only the device name, before the first comma, matters. */
	if (sscanf(spec, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) >= 4 &&
			(tail == ',' || strchr(spec, ',') == NULL))
		return 1;
	if (sscanf(spec, "%x:%x.%x%c", &bus, &dev, &fn, &tail) >= 3 &&
			(tail == ',' || strchr(spec, ',') == NULL))
		return 1;
	return 0;
}

/* ---- Setting values, from either source ---------------------------------- */

/* Each setter validates; on a bad value it dies naming @p src, which is
 * "--option" or "file:line". */

void
fwd_set_port(struct fwd_opts *o, const char *v, const char *src)
{
	if (*v == '\0')
		fwd_die(FWD_EXIT_USAGE, "%s: empty port spec", src);
	if (o->nb_ports == LCX_MAX_PORTS)
		fwd_die(FWD_EXIT_USAGE, "%s '%s': more than %d ports", src, v,
				LCX_MAX_PORTS);
	o->ports[o->nb_ports] = xstrdup(v);
	snprintf(o->port_src[o->nb_ports], FWD_SRC_LEN, "%s", src);
	o->nb_ports++;
}

void
fwd_set_plugin(struct fwd_opts *o, const char *v, const char *src)
{
	if (o->nb_plugins == FWD_MAX_PLUGINS)
		fwd_die(FWD_EXIT_USAGE, "%s '%s': more than %d plugins", src, v,
				FWD_MAX_PLUGINS);
	o->plugins[o->nb_plugins] = xstrdup(v);
	snprintf(o->plugin_src[o->nb_plugins], FWD_SRC_LEN, "%s", src);
	o->nb_plugins++;
}

void
fwd_set_str(char **dst, char *dst_src, const char *v, const char *src)
{
	free(*dst);
	*dst = xstrdup(v);
	snprintf(dst_src, FWD_SRC_LEN, "%s", src);
}


/* Names are the library's (lcx_place_policy_find, lcx_idle_mode_*): a
 * new policy or idle mode needs no edit here. */
void
fwd_set_policy(struct fwd_opts *o, const char *v, const char *src)
{
	char err[256];

	o->policy = lcx_place_policy_find(v, err, sizeof(err));
	if (o->policy == NULL)
		fwd_die(FWD_EXIT_USAGE, "%s: %s", src, err);
	o->policy_set = 1;
}

void
fwd_set_idle(struct fwd_opts *o, const char *v, const char *src)
{
	char known[128];
	const char *name;
	size_t off = 0;
	int m;

	m = lcx_idle_mode_from_name(v);
	if (m >= 0) {
		o->idle = (enum lcx_idle_mode)m;
		return;
	}
	known[0] = '\0';
	for (m = 0; (name = lcx_idle_mode_name(m)) != NULL &&
			off < sizeof(known); m++)
		off += snprintf(known + off, sizeof(known) - off, "%s%s",
				m == 0 ? "" : ", ", name);
	fwd_die(FWD_EXIT_USAGE, "%s: unknown idle mode '%s'; known: %s", src,
			v, known);
}

void
fwd_set_rxq(struct fwd_opts *o, const char *v, const char *src)
{
	uint32_t x;

	if (parse_u32(v, 0, 1024, &x) != 0)
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is not a number in 0-1024",
				src, v);
	o->rxq = (uint16_t)x;
}

void
fwd_set_duration(struct fwd_opts *o, const char *v, const char *src)
{
	if (parse_u32(v, 0, 100000000, &o->duration) != 0)
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is not a number of seconds",
				src, v);
	o->duration_set = 1;
}

void
fwd_set_interval(struct fwd_opts *o, const char *v, const char *src)
{
	if (parse_u32(v, 0, 3600, &o->stats_interval) != 0)
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is not a number of seconds "
				"in 0-3600", src, v);
}

void
fwd_set_bool(int *dst, const char *v, const char *src)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 ||
			strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		*dst = 1;
	else if (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 ||
			strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		*dst = 0;
	else
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is not yes or no", src, v);
}

/* ---- Command line --------------------------------------------------------- */

/* One per-lcore pipeline: lcore text and spec (--pipeline-on N=SPEC, or
 * "lcoreN = SPEC" in [pipeline]).  A later one for the same lcore wins. */
void
fwd_set_pipeline_on(struct fwd_opts *o, const char *lc, const char *spec,
		const char *src)
{
	unsigned long v;
	unsigned int i;
	char *end;

	errno = 0;
	v = strtoul(lc, &end, 10);
	if (errno != 0 || end == lc || (*end != '\0' && *end != '=') ||
			v >= RTE_MAX_LCORE || *lc == '-')
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is no lcore number", src, lc);
	if (*spec == '\0')
		fwd_die(FWD_EXIT_USAGE, "%s: empty pipeline spec", src);
	for (i = 0; i < o->nb_on && o->on[i].lcore != v; i++)
		;
	if (i == FWD_MAX_PIPELINE_ON)
		fwd_die(FWD_EXIT_USAGE, "%s: more than %d per-lcore pipelines",
				src, FWD_MAX_PIPELINE_ON);
	if (i == o->nb_on)
		o->nb_on++;
	o->on[i].lcore = (unsigned int)v;
	fwd_set_str(&o->on[i].spec, o->on[i].src, spec, src);
}

const char *
fwd_pipeline_for(const struct fwd_opts *o, unsigned int lcore,
		const char **src)
{
	unsigned int i;

	for (i = 0; i < o->nb_on; i++)
		if (o->on[i].lcore == lcore) {
			if (src != NULL)
				*src = o->on[i].src;
			return o->on[i].spec;
		}
	if (src != NULL)
		*src = o->pipeline_src;
	return o->pipeline;
}

enum {
	OPT_PORT = 256,
	OPT_PIPELINE,
	OPT_PIPELINE_ON,
	OPT_PLUGIN,
	OPT_PLUGIN_DIR,
	OPT_CONFIG,
	OPT_PLACEMENT,
	OPT_MAP,
	OPT_RXQ,
	OPT_DURATION,
	OPT_STATS_INTERVAL,
	OPT_JSON,
	OPT_IDLE,
	OPT_TELEMETRY,
	OPT_METRICS,
	OPT_HELP,
	OPT_VERSION,
	OPT_LIST_HANDLERS,
};

static const struct option lopts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "pipeline", required_argument, NULL, OPT_PIPELINE },
	{ "pipeline-on", required_argument, NULL, OPT_PIPELINE_ON },
	{ "plugin", required_argument, NULL, OPT_PLUGIN },
	{ "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "placement", required_argument, NULL, OPT_PLACEMENT },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "rxq", required_argument, NULL, OPT_RXQ },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "telemetry", no_argument, NULL, OPT_TELEMETRY },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "list-handlers", no_argument, NULL, OPT_LIST_HANDLERS },
	{ NULL, 0, NULL, 0 },
};

/* First pass: --help, --version, --config, and every syntax error. */
static void
scan_cmdline(int argc, char **argv, struct fwd_opts *o)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			fwd_usage(stdout);
			exit(FWD_EXIT_OK);
		case OPT_VERSION:
			printf("%s %s (%s)\n", FWD_NAME, LCX_FWD_VERSION,
					rte_version());
			exit(FWD_EXIT_OK);
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case ':':
			fwd_die(FWD_EXIT_USAGE, "option '%s' needs a value "
					"(see --help)", argv[optind - 1]);
		case '?':
			if (optopt != 0)
				fwd_die(FWD_EXIT_USAGE, "unknown option '-%c' "
						"(EAL options go before "
						"'--'; see --help)", optopt);
			fwd_die(FWD_EXIT_USAGE, "unknown option '%s' (see "
					"--help)", argv[optind - 1]);
		default:
			break;
		}
	}
	if (optind < argc)
		fwd_die(FWD_EXIT_USAGE, "unexpected argument '%s' (see --help)",
				argv[optind]);
}

static void
apply_cmdline(int argc, char **argv, struct fwd_opts *o)
{
	int c, ports = 0, plugins = 0;
	char src[64];

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", lopts, NULL)) != -1) {
		const char *name = "";
		unsigned int i;

		for (i = 0; lopts[i].name != NULL; i++)
			if (lopts[i].val == c)
				name = lopts[i].name;
		snprintf(src, sizeof(src), "--%s", name);
		switch (c) {
		case OPT_PORT:
			/* The command line's list replaces the file's. */
			if (!ports++)
				o->nb_ports = 0;
			fwd_set_port(o, optarg, src);
			break;
		case OPT_PIPELINE:
			if (*optarg == '\0')
				fwd_die(FWD_EXIT_USAGE, "--pipeline: empty "
						"spec");
			fwd_set_str(&o->pipeline, o->pipeline_src, optarg, src);
			break;
		case OPT_PIPELINE_ON: {
			const char *eq = strchr(optarg, '=');

			if (eq == NULL)
				fwd_die(FWD_EXIT_USAGE, "--pipeline-on: '%s' is "
						"not LCORE=SPEC", optarg);
			fwd_set_pipeline_on(o, optarg, eq + 1, src);
			break;
		}
		case OPT_PLUGIN:
			if (!plugins++)
				o->nb_plugins = 0;
			fwd_set_plugin(o, optarg, src);
			break;
		case OPT_PLUGIN_DIR:
			fwd_set_str(&o->plugin_dir, o->plugin_dir_src, optarg, src);
			break;
		case OPT_PLACEMENT:
			fwd_set_policy(o, optarg, src);
			break;
		case OPT_MAP:
			fwd_set_str(&o->map, o->map_src, optarg, src);
			break;
		case OPT_RXQ:
			fwd_set_rxq(o, optarg, src);
			break;
		case OPT_DURATION:
			fwd_set_duration(o, optarg, src);
			break;
		case OPT_STATS_INTERVAL:
			fwd_set_interval(o, optarg, src);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_LIST_HANDLERS:
			o->list_handlers = 1;
			break;
		case OPT_IDLE:
			fwd_set_idle(o, optarg, src);
			break;
		case OPT_TELEMETRY:
			o->telemetry = 1;
			break;
		case OPT_METRICS:
			/* Checked when the server starts: the same parser. */
			if (*optarg == '\0')
				fwd_die(FWD_EXIT_USAGE, "--metrics: empty "
						"address");
			free(o->metrics);
			o->metrics = xstrdup(optarg);
			break;
		default:
			break;
		}
	}
}

/* "unknown handler 'x' (loaded: a, b)": a handler of a plugin the user
 * did not load is the likely cause. */
static const char *
plugin_hint(int rc, char *err, size_t len)
{
	size_t n = strlen(err);

	if (rc == -ENOENT && n > 0 && err[n - 1] == ')')
		snprintf(err + n - 1, len - n + 1,
				"; did you forget --plugin?)");
	return err;
}

/* Every registered handler (plugins loaded): name and flags, usage, drop
 * reasons and counters, for --list-handlers. */
static void
list_handlers(FILE *f)
{
	const struct lcx_handler *h;
	unsigned int i, d;

	for (i = 0; (h = lcx_handler_get(i)) != NULL; i++) {
		fprintf(f, "%s%s\n  usage: %s\n", h->name,
				h->flags & LCX_HANDLER_F_HANDOFF ?
				" (hands off: needs 2+ contexts)" : "",
				h->usage != NULL ? h->usage : "(none given)");
		fprintf(f, "  drops:");
		for (d = 0; d < h->nb_drops; d++)
			fprintf(f, " %s", h->drop_names[d]);
		fprintf(f, "%s\n", h->nb_drops ? "" : " -");
	}
}

/* Syntax and handler names; handler arguments are checked at attach. */
static void
check_pipeline(struct fwd_opts *o)
{
	char err[256];
	int rc;

	unsigned int i;

	rc = lcx_pipeline_check(o->pipeline, err, sizeof(err));
	if (rc < 0)
		fwd_die(FWD_EXIT_USAGE, "%s '%s': %s", o->pipeline_src,
				o->pipeline, plugin_hint(rc, err, sizeof(err)));
	for (i = 0; i < o->nb_on; i++) {
		rc = lcx_pipeline_check(o->on[i].spec, err, sizeof(err));
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': %s", o->on[i].src,
					o->on[i].spec,
					plugin_hint(rc, err, sizeof(err)));
	}
}

void
fwd_opts_parse(int argc, char **argv, struct fwd_opts *o)
{
	unsigned int i;
	int rc;

	memset(o, 0, sizeof(*o));
	fwd_set_policy(o, FWD_DEF_POLICY, "default placement");
	o->policy_set = 0;
	o->stats_interval = 1;
	o->idle = LCX_IDLE_ADAPTIVE;

	scan_cmdline(argc, argv, o);
	if (o->config != NULL)
		fwd_config_load(o, o->config);
	apply_cmdline(argc, argv, o);

	if (o->nb_ports == 0) {
		for (i = 0; i < FWD_DEF_NB_PORTS; i++)
			fwd_set_port(o, FWD_DEF_PORT, "default");
		o->ports_default = 1;
		if (!o->duration_set)
			o->duration = FWD_DEF_DURATION;
	}
	if (o->pipeline == NULL)
		fwd_set_str(&o->pipeline, o->pipeline_src, FWD_DEF_PIPELINE,
				"default pipeline");

	/* Plugins first: the spec may name their handlers. */
	if (o->plugin_dir != NULL) {
		rc = lcx_plugin_load_dir(o->plugin_dir);
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': cannot load %s",
					o->plugin_dir_src, o->plugin_dir,
					lcx_plugin_error());
	}
	for (i = 0; i < o->nb_plugins; i++) {
		rc = lcx_plugin_load(o->plugins[i]);
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': cannot load %s",
					o->plugin_src[i], o->plugins[i],
					lcx_plugin_error());
	}
	if (o->list_handlers) {
		list_handlers(stdout);
		exit(FWD_EXIT_OK);
	}
	check_pipeline(o);

	if (o->map != NULL) {
		if (o->policy_set && !(o->policy->flags & LCX_PLACE_F_MAP))
			fwd_die(FWD_EXIT_USAGE, "%s given with placement %s: "
					"a map needs placement map",
					o->map_src, o->policy->name);
		if (!(o->policy->flags & LCX_PLACE_F_MAP))
			fwd_set_policy(o, FWD_MAP_POLICY, o->map_src);
		rc = lcx_place_map_parse(o->map, o->map_ent, FWD_MAX_MAP);
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': %s", o->map_src,
					o->map, rc == -ENOSPC ?
					"too many entries" :
					"expected (port,queue,lcore),...");
		o->nb_map = (unsigned int)rc;
	} else if (o->policy->flags & LCX_PLACE_F_MAP) {
		fwd_die(FWD_EXIT_USAGE, "placement %s needs --map "
				"'(port,queue,lcore),...'", o->policy->name);
	}
}
