/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command line and config file.  The file is read first and the flags
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

#include <rte_cfgfile.h>
#include <rte_version.h>

#include "fwd.h"

#ifndef LCX_FWD_VERSION
#define LCX_FWD_VERSION "unknown"
#endif

#define CFG_COMMENT '#'
#define CFG_MAX_LINES 4096
#define CFG_MAX_ENTRIES 256

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
"  --pipeline SPEC       handler pipeline run on every context, e.g.\n"
"                        macswap  or  'filter(drop udp) -> l2rewrite'\n"
"                        (default: %s)\n"
"  --pipeline-on LCORE=SPEC  the context on LCORE runs SPEC instead\n"
"                        (repeatable, one per lcore)\n"
"  --plugin PATH         load a handler plugin (.so) first (repeatable)\n"
"  --plugin-dir DIR      load every *.so of DIR first\n"
"  --config FILE         read options from an INI file (see doc/lcx-fwd.md);\n"
"                        flags given here override it\n"
"  --placement rr|numa|map  how RX queues go to contexts (default: rr)\n"
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
"  --help                this text\n"
"  --version             lcx-fwd and DPDK versions\n"
"\n"
"Exit status: 0 done, 1 runtime failure, 2 bad usage.\n",
		FWD_DEF_DURATION, LCX_MAX_PORTS, FWD_DEF_NB_PORTS,
		FWD_DEF_PORT, FWD_DEF_PIPELINE, FWD_DEF_DURATION);
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

static void
set_port(struct fwd_opts *o, const char *v, const char *src)
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

static void
set_plugin(struct fwd_opts *o, const char *v, const char *src)
{
	if (o->nb_plugins == FWD_MAX_PLUGINS)
		fwd_die(FWD_EXIT_USAGE, "%s '%s': more than %d plugins", src, v,
				FWD_MAX_PLUGINS);
	o->plugins[o->nb_plugins] = xstrdup(v);
	snprintf(o->plugin_src[o->nb_plugins], FWD_SRC_LEN, "%s", src);
	o->nb_plugins++;
}

static void
set_str(char **dst, char *dst_src, const char *v, const char *src)
{
	free(*dst);
	*dst = xstrdup(v);
	snprintf(dst_src, FWD_SRC_LEN, "%s", src);
}

static void set_pipeline_on(struct fwd_opts *o, const char *lc,
		const char *spec, const char *src);

static void
set_policy(struct fwd_opts *o, const char *v, const char *src)
{
	if (strcmp(v, "rr") == 0)
		o->policy = LCX_PLACE_RR;
	else if (strcmp(v, "numa") == 0)
		o->policy = LCX_PLACE_NUMA;
	else if (strcmp(v, "map") == 0)
		o->policy = LCX_PLACE_MAP;
	else
		fwd_die(FWD_EXIT_USAGE, "%s: unknown placement '%s', expected "
				"rr, numa or map", src, v);
	o->policy_set = 1;
}

static void
set_idle(struct fwd_opts *o, const char *v, const char *src)
{
	if (strcmp(v, "busy") == 0)
		o->idle = LCX_IDLE_BUSY;
	else if (strcmp(v, "pause") == 0)
		o->idle = LCX_IDLE_PAUSE;
	else if (strcmp(v, "adaptive") == 0)
		o->idle = LCX_IDLE_ADAPTIVE;
	else
		fwd_die(FWD_EXIT_USAGE, "%s: unknown idle mode '%s', expected "
				"busy, pause or adaptive", src, v);
}

static void
set_rxq(struct fwd_opts *o, const char *v, const char *src)
{
	uint32_t x;

	if (parse_u32(v, 0, 1024, &x) != 0)
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is not a number in 0-1024",
				src, v);
	o->rxq = (uint16_t)x;
}

static void
set_duration(struct fwd_opts *o, const char *v, const char *src)
{
	if (parse_u32(v, 0, 100000000, &o->duration) != 0)
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is not a number of seconds",
				src, v);
	o->duration_set = 1;
}

static void
set_interval(struct fwd_opts *o, const char *v, const char *src)
{
	if (parse_u32(v, 0, 3600, &o->stats_interval) != 0)
		fwd_die(FWD_EXIT_USAGE, "%s: '%s' is not a number of seconds "
				"in 0-3600", src, v);
}

static void
set_bool(int *dst, const char *v, const char *src)
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

/* ---- Config file ---------------------------------------------------------- */

/* rte_cfgfile parses the file but keeps no line numbers, so a first pass
 * over the text records where each entry is (and rejects what rte_cfgfile
 * would refuse, with the line); the values come from rte_cfgfile. */
struct cfg_line {
	char section[CFG_NAME_LEN];
	char key[CFG_NAME_LEN];
	unsigned int line;
};

struct cfg_index {
	const char *file;
	struct cfg_line ent[CFG_MAX_ENTRIES];
	unsigned int nb;
};

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void
cfg_scan(struct cfg_index *ix)
{
	char buf[1024], section[CFG_NAME_LEN] = "", *s, *eq, *c;
	unsigned int line = 0, i;
	FILE *f;

	f = fopen(ix->file, "r");
	if (f == NULL)
		fwd_die(FWD_EXIT_USAGE, "--config %s: %s", ix->file,
				strerror(errno));
	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		if (strchr(buf, '\n') == NULL && !feof(f))
			fwd_die(FWD_EXIT_USAGE, "%s:%u: line longer than %zu "
					"characters", ix->file, line,
					sizeof(buf) - 2);
		c = strchr(buf, CFG_COMMENT);
		if (c != NULL)
			*c = '\0';
		s = trim(buf);
		if (*s == '\0')
			continue;
		if (*s == '[') {
			if (s[strlen(s) - 1] != ']')
				fwd_die(FWD_EXIT_USAGE, "%s:%u: no ']' closing "
						"the section name", ix->file,
						line);
			s[strlen(s) - 1] = '\0';
			s = trim(s + 1);
			if (*s == '\0' || strlen(s) >= CFG_NAME_LEN)
				fwd_die(FWD_EXIT_USAGE, "%s:%u: bad section "
						"name", ix->file, line);
			for (i = 0; i < ix->nb; i++)
				if (strcmp(ix->ent[i].section, s) == 0)
					fwd_die(FWD_EXIT_USAGE, "%s:%u: section "
						"[%s] given twice", ix->file,
						line, s);
			snprintf(section, sizeof(section), "%s", s);
			/* A section row with an empty key marks the
			 * section, so empty sections count as given. */
			if (ix->nb == CFG_MAX_ENTRIES)
				fwd_die(FWD_EXIT_USAGE, "%s:%u: more than %d "
						"entries", ix->file, line,
						CFG_MAX_ENTRIES);
			snprintf(ix->ent[ix->nb].section, CFG_NAME_LEN, "%s",
					section);
			ix->ent[ix->nb].key[0] = '\0';
			ix->ent[ix->nb++].line = line;
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: expected '[section]' "
					"or 'key = value', got '%s'", ix->file,
					line, s);
		if (section[0] == '\0')
			fwd_die(FWD_EXIT_USAGE, "%s:%u: 'key = value' before "
					"any [section]", ix->file, line);
		*eq = '\0';
		c = trim(s);
		if (*c == '\0' || strlen(c) >= CFG_NAME_LEN)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: bad key name",
					ix->file, line);
		if (strlen(trim(eq + 1)) >= CFG_VALUE_LEN)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: value longer than %d "
					"characters", ix->file, line,
					CFG_VALUE_LEN - 1);
		if (ix->nb == CFG_MAX_ENTRIES)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: more than %d entries",
					ix->file, line, CFG_MAX_ENTRIES);
		snprintf(ix->ent[ix->nb].section, CFG_NAME_LEN, "%s", section);
		snprintf(ix->ent[ix->nb].key, CFG_NAME_LEN, "%s", c);
		ix->ent[ix->nb++].line = line;
		if (line > CFG_MAX_LINES)
			break;
	}
	fclose(f);
}

/* Line of the nth entry named key in section. */
static unsigned int
cfg_line_of(const struct cfg_index *ix, const char *section, const char *key,
		unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < ix->nb; i++)
		if (strcmp(ix->ent[i].section, section) == 0 &&
				strcmp(ix->ent[i].key, key) == 0 && nth-- == 0)
			return ix->ent[i].line;
	return 0;
}

static unsigned int
cfg_section_line(const struct cfg_index *ix, const char *section)
{
	return cfg_line_of(ix, section, "", 0);
}

static int
known_section(const char *s)
{
	return strcmp(s, "eal") == 0 || strcmp(s, "ports") == 0 ||
		strcmp(s, "pipeline") == 0 || strcmp(s, "placement") == 0 ||
		strcmp(s, "run") == 0;
}

static void
cfg_entry(struct fwd_opts *o, const char *section, const char *key,
		const char *v, const char *src)
{
	if (strcmp(section, "eal") == 0) {
		if (strcmp(key, "args") == 0) {
			set_str(&o->eal_args, o->eal_args_src, v, src);
			return;
		}
	} else if (strcmp(section, "ports") == 0) {
		if (strcmp(key, "port") == 0) {
			set_port(o, v, src);
			return;
		}
		if (strcmp(key, "rxq") == 0) {
			set_rxq(o, v, src);
			return;
		}
	} else if (strcmp(section, "pipeline") == 0) {
		if (strcmp(key, "spec") == 0) {
			if (*v == '\0')
				fwd_die(FWD_EXIT_USAGE, "%s: empty pipeline "
						"spec", src);
			set_str(&o->pipeline, o->pipeline_src, v, src);
			return;
		}
		if (strcmp(key, "plugin") == 0) {
			set_plugin(o, v, src);
			return;
		}
		if (strcmp(key, "plugin-dir") == 0) {
			set_str(&o->plugin_dir, o->plugin_dir_src, v, src);
			return;
		}
		if (strncmp(key, "lcore", 5) == 0) {
			set_pipeline_on(o, key + 5, v, src);
			return;
		}
	} else if (strcmp(section, "placement") == 0) {
		if (strcmp(key, "policy") == 0) {
			set_policy(o, v, src);
			return;
		}
		if (strcmp(key, "map") == 0) {
			set_str(&o->map, o->map_src, v, src);
			return;
		}
	} else if (strcmp(section, "run") == 0) {
		if (strcmp(key, "duration") == 0) {
			set_duration(o, v, src);
			return;
		}
		if (strcmp(key, "stats-interval") == 0) {
			set_interval(o, v, src);
			return;
		}
		if (strcmp(key, "json") == 0) {
			set_bool(&o->json, v, src);
			return;
		}
		if (strcmp(key, "idle") == 0) {
			set_idle(o, v, src);
			return;
		}
	}
	fwd_die(FWD_EXIT_USAGE, "%s: unknown key '%s' in [%s]", src, key,
			section);
}

static void
cfg_load(struct fwd_opts *o, const char *file)
{
	static struct cfg_index ix;
	const struct rte_cfgfile_parameters params = {
		.comment_character = CFG_COMMENT,
	};
	struct rte_cfgfile_entry *ent;
	struct rte_cfgfile *cfg;
	char src[FWD_SRC_LEN], **names;
	int nsec, nent, i, j, k, nth;

	ix.file = file;
	ix.nb = 0;
	cfg_scan(&ix);
	cfg = rte_cfgfile_load_with_params(file, 0, &params);
	if (cfg == NULL)
		fwd_die(FWD_EXIT_USAGE, "%s: rte_cfgfile cannot parse it",
				file);
	nsec = rte_cfgfile_num_sections(cfg, NULL, 0);
	names = calloc(nsec > 0 ? nsec : 1, sizeof(*names));
	if (names == NULL)
		fwd_die(FWD_EXIT_RUNTIME, "out of memory");
	for (i = 0; i < nsec; i++) {
		names[i] = malloc(CFG_NAME_LEN);
		if (names[i] == NULL)
			fwd_die(FWD_EXIT_RUNTIME, "out of memory");
	}
	rte_cfgfile_sections(cfg, names, nsec);
	for (i = 0; i < nsec; i++) {
		nent = rte_cfgfile_section_num_entries(cfg, names[i]);
		snprintf(src, sizeof(src), "%s:%u", file,
				cfg_section_line(&ix, names[i]));
		if (!known_section(names[i]))
			fwd_die(FWD_EXIT_USAGE, "%s: unknown section [%s] "
					"(known: eal, ports, pipeline, "
					"placement, run)", src, names[i]);
		if (nent <= 0)
			continue;
		ent = calloc(nent, sizeof(*ent));
		if (ent == NULL)
			fwd_die(FWD_EXIT_RUNTIME, "out of memory");
		rte_cfgfile_section_entries(cfg, names[i], ent, nent);
		for (j = 0; j < nent; j++) {
			for (nth = 0, k = 0; k < j; k++)
				nth += strcmp(ent[k].name, ent[j].name) == 0;
			snprintf(src, sizeof(src), "%s:%u", file,
					cfg_line_of(&ix, names[i], ent[j].name,
						nth));
			cfg_entry(o, names[i], ent[j].name, ent[j].value, src);
		}
		free(ent);
	}
	for (i = 0; i < nsec; i++)
		free(names[i]);
	free(names);
	rte_cfgfile_close(cfg);
}

/* ---- Command line --------------------------------------------------------- */

/* One per-lcore pipeline: lcore text and spec (--pipeline-on N=SPEC, or
 * "lcoreN = SPEC" in [pipeline]).  A later one for the same lcore wins. */
static void
set_pipeline_on(struct fwd_opts *o, const char *lc, const char *spec,
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
	set_str(&o->on[i].spec, o->on[i].src, spec, src);
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
	OPT_HELP,
	OPT_VERSION,
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
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
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
			set_port(o, optarg, src);
			break;
		case OPT_PIPELINE:
			if (*optarg == '\0')
				fwd_die(FWD_EXIT_USAGE, "--pipeline: empty "
						"spec");
			set_str(&o->pipeline, o->pipeline_src, optarg, src);
			break;
		case OPT_PIPELINE_ON: {
			const char *eq = strchr(optarg, '=');

			if (eq == NULL)
				fwd_die(FWD_EXIT_USAGE, "--pipeline-on: '%s' is "
						"not LCORE=SPEC", optarg);
			set_pipeline_on(o, optarg, eq + 1, src);
			break;
		}
		case OPT_PLUGIN:
			if (!plugins++)
				o->nb_plugins = 0;
			set_plugin(o, optarg, src);
			break;
		case OPT_PLUGIN_DIR:
			set_str(&o->plugin_dir, o->plugin_dir_src, optarg, src);
			break;
		case OPT_PLACEMENT:
			set_policy(o, optarg, src);
			break;
		case OPT_MAP:
			set_str(&o->map, o->map_src, optarg, src);
			break;
		case OPT_RXQ:
			set_rxq(o, optarg, src);
			break;
		case OPT_DURATION:
			set_duration(o, optarg, src);
			break;
		case OPT_STATS_INTERVAL:
			set_interval(o, optarg, src);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_IDLE:
			set_idle(o, optarg, src);
			break;
		default:
			break;
		}
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
				o->pipeline, err);
	for (i = 0; i < o->nb_on; i++) {
		rc = lcx_pipeline_check(o->on[i].spec, err, sizeof(err));
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': %s", o->on[i].src,
					o->on[i].spec, err);
	}
}

void
fwd_opts_parse(int argc, char **argv, struct fwd_opts *o)
{
	unsigned int i;
	int rc;

	memset(o, 0, sizeof(*o));
	o->policy = LCX_PLACE_RR;
	o->stats_interval = 1;
	o->idle = LCX_IDLE_ADAPTIVE;

	scan_cmdline(argc, argv, o);
	if (o->config != NULL)
		cfg_load(o, o->config);
	apply_cmdline(argc, argv, o);

	if (o->nb_ports == 0) {
		for (i = 0; i < FWD_DEF_NB_PORTS; i++)
			set_port(o, FWD_DEF_PORT, "default");
		o->ports_default = 1;
		if (!o->duration_set)
			o->duration = FWD_DEF_DURATION;
	}
	if (o->pipeline == NULL)
		set_str(&o->pipeline, o->pipeline_src, FWD_DEF_PIPELINE,
				"default pipeline");

	/* Plugins first: the spec may name their handlers. */
	if (o->plugin_dir != NULL) {
		rc = lcx_plugin_load_dir(o->plugin_dir);
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': %s",
					o->plugin_dir_src, o->plugin_dir,
					lcx_strerror(rc));
	}
	for (i = 0; i < o->nb_plugins; i++) {
		rc = lcx_plugin_load(o->plugins[i]);
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': %s", o->plugin_src[i],
					o->plugins[i], rc == -EPROTO ?
					"built against another handler ABI" :
					lcx_strerror(rc));
	}
	check_pipeline(o);

	if (o->map != NULL) {
		if (o->policy_set && o->policy != LCX_PLACE_MAP)
			fwd_die(FWD_EXIT_USAGE, "%s given with placement %s: "
					"a map needs placement map",
					o->map_src, fwd_policy_name(o->policy));
		o->policy = LCX_PLACE_MAP;
		rc = lcx_place_map_parse(o->map, o->map_ent, FWD_MAX_MAP);
		if (rc < 0)
			fwd_die(FWD_EXIT_USAGE, "%s '%s': %s", o->map_src,
					o->map, rc == -ENOSPC ?
					"too many entries" :
					"expected (port,queue,lcore),...");
		o->nb_map = (unsigned int)rc;
	} else if (o->policy == LCX_PLACE_MAP) {
		fwd_die(FWD_EXIT_USAGE, "placement map needs --map "
				"'(port,queue,lcore),...'");
	}
}

const char *
fwd_policy_name(enum lcx_place_policy p)
{
	switch (p) {
	case LCX_PLACE_RR:
		return "rr";
	case LCX_PLACE_NUMA:
		return "numa";
	case LCX_PLACE_MAP:
		return "map";
	}
	return "?";
}

const char *
fwd_idle_name(enum lcx_idle_mode m)
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
