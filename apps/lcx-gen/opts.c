/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command line.  Everything that can be checked without the EAL is checked
 * here, so a usage error is one line on stderr and exit 2 before any
 * device is touched.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_version.h>

#include "gen.h"

#ifndef LCX_GEN_VERSION
#define LCX_GEN_VERSION "unknown"
#endif

#define DEF_SEARCH_SIZES "64,128,256,512,1024,1280,1518,imix"

void
gen_die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(GEN_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void
gen_usage(FILE *f)
{
	fprintf(f,
"Usage: lcx-gen [EAL options --] --port SPEC [--port SPEC] [options]\n"
"\n"
"Traffic generator and throughput/latency tester on lcx.  Every EAL lcore\n"
"hosts a context; each context with a TX queue on a sending port sends\n"
"its own streams, and every context checks what it receives (loss,\n"
"duplicates, reordering per stream, latency from the TSC in each frame).\n"
"\n"
"EAL options are those before \"--\".  Without them lcx-gen picks\n"
"-l <first two CPUs>, --no-huge -m 512 (no free hugepage), --no-pci\n"
"(no PCI port) and always --file-prefix=lcxgen<pid> when none is given.\n"
"\n"
"Ports:\n"
"  --port SPEC         DPDK devargs (net_memif0,role=client,...\n"
"                      net_af_packet0,iface=veth0,qpairs=2  0000:01:00.0)\n"
"                      or synth.  One port: sends and receives on it.  Two:\n"
"                      port 0 sends, port 1 receives.  Give each context\n"
"                      its own TX queue (af_packet: qpairs=<lcores>).\n"
"  --bidir             with two ports, both send and both receive\n"
"  --dst-mac MAC       destination MAC (default: the other port's MAC, or\n"
"                      02:00:00:00:00:02 with one port)\n"
"Traffic:\n"
"  --rate RATE         max | N[k|M|G][pps] | N[k|M|G]bps (L1 bit/s: frame\n"
"                      + 24 bytes) | N%% (of line rate) (default: max)\n"
"  --line-rate BPS     link speed, e.g. 10G (default: the device's)\n"
"  --duration SECONDS  length of the run (default 10)\n"
"  --count N           packets to send in all, instead of a duration\n"
"  --size SPEC         N | MIN-MAX | imix (64/576/1500 7:4:1) | imix-csit\n"
"                      (IMIX_v4_1: 28x64 16x570 4x1518) | N,N,... (L2\n"
"                      bytes without FCS, as testpmd --txpkts; default 64)\n"
"  --flows N           flows per sending context (default 1)\n"
"  --ipv6 0|1|mix      IPv4, IPv6, or odd flows IPv6 (default 0)\n"
"  --src-ip A[-B] --dst-ip A[-B]   IPv4 ranges, flows take them in turn\n"
"                      (default 198.18.0.1 and 198.19.0.1)\n"
"  --sport P[-Q] --dport P[-Q]     UDP port ranges (default 1024-65535,\n"
"                      1234)\n"
"  --seed N            size ranges (default 1)\n"
"  --warmup SECONDS    traffic before the measured run (default 0)\n"
"  --drain SECONDS     wait for frames in flight after each run (0.1)\n"
"Search:\n"
"  --search [mlr|binary]  throughput search (MLRsearch, or RFC 2544\n"
"                      binary), then latency at 10/50/90 %% of the NDR\n"
"  --goals LIST        NAME=LOSS,...  loss ratios (default NDR=0,PDR=0.005)\n"
"  --precision R       relative width of the bounds (default 0.005)\n"
"  --trial-duration S  full trial length (default 10)\n"
"  --short-duration S  first phase's trial length (default 1)\n"
"  --phases N          phases, durations short -> full (default 3)\n"
"  --min-rate RATE --max-rate RATE  search range (default 1kpps and the\n"
"                      line rate, or the generator's own maximum)\n"
"  --search-sizes LIST sizes searched in turn, ';' or ' ' separated\n"
"                      (default " DEF_SEARCH_SIZES ")\n"
"  --max-trials N      safety stop per size (default 200)\n"
"  --no-latency        no latency runs after the search\n"
"Output:\n"
"  --json FILE  --csv FILE  --svg FILE   results and every trial\n"
"  --stats-interval S  live progress line on stderr (default 1; 0: none)\n"
"  --pool N            mbufs per context (default 8191)\n"
"  --hb-timeout MS     a context silent this long is in ERROR and the run\n"
"                      fails (default 1000)\n"
"  --help  --version\n"
"\n"
"Exit status: 0 done, 1 runtime failure, 2 bad usage.\n");
}

static double
parse_num(const char *s, const char **end)
{
	char *e;
	double v;

	errno = 0;
	v = strtod(s, &e);
	if (e == s || errno != 0)
		return NAN;
	switch (*e) {
	case 'k': case 'K': v *= 1e3; e++; break;
	case 'M': case 'm': v *= 1e6; e++; break;
	case 'G': case 'g': v *= 1e9; e++; break;
	default: break;
	}
	*end = e;
	return v;
}

/* "max", "N[kMG][pps]", "N[kMG]bps", "N%": 0 or -1. */
static int
parse_rate(const char *s, enum gen_rate_unit *u, double *v)
{
	const char *e;

	if (strcmp(s, "max") == 0) {
		*u = GEN_RATE_MAX;
		*v = 0;
		return 0;
	}
	*v = parse_num(s, &e);
	if (isnan(*v) || *v <= 0 || isinf(*v))
		return -1;
	if (*e == '\0' || strcmp(e, "pps") == 0)
		*u = GEN_RATE_PPS;
	else if (strcmp(e, "bps") == 0 || strcmp(e, "bit/s") == 0)
		*u = GEN_RATE_BPS;
	else if (strcmp(e, "%") == 0 && *v <= 100)
		*u = GEN_RATE_PCT;
	else
		return -1;
	return 0;
}

static int
parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

static int
parse_secs(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(*v >= 0) ||
			*v > 86400)
		return -1;
	return 0;
}

static int
parse_ip_range(const char *s, uint32_t *lo, uint32_t *n)
{
	char buf[64], *dash;
	struct in_addr a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash++ = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*lo = ntohl(a.s_addr);
	*n = 1;
	if (dash != NULL) {
		if (inet_pton(AF_INET, dash, &b) != 1 || ntohl(b.s_addr) < *lo)
			return -1;
		*n = ntohl(b.s_addr) - *lo + 1;
	}
	return 0;
}

static int
parse_port_range(const char *s, uint16_t *lo, uint16_t *n)
{
	uint64_t a, b;
	char buf[32], *dash;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash++ = '\0';
	if (parse_u64(buf, 0, 65535, &a) != 0)
		return -1;
	b = a;
	if (dash != NULL && (parse_u64(dash, a, 65535, &b) != 0))
		return -1;
	*lo = (uint16_t)a;
	*n = (uint16_t)RTE_MIN(b - a + 1, 65535u);
	return 0;
}

static int
parse_goals(const char *s, struct gen_search_conf *sc)
{
	char buf[256], *tok, *save, *eq, *end;
	double v;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	sc->nb_goals = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL || eq == tok || eq - tok >= 16 ||
				sc->nb_goals == GEN_SEARCH_MAX_GOALS)
			return -1;
		*eq++ = '\0';
		errno = 0;
		v = strtod(eq, &end);
		if (end == eq || *end != '\0' || errno != 0 || !(v >= 0) ||
				v >= 1)
			return -1;
		snprintf(sc->goal_name[sc->nb_goals],
				sizeof(sc->goal_name[0]), "%s", tok);
		sc->goal_loss[sc->nb_goals++] = v;
	}
	return sc->nb_goals == 0 ? -1 : 0;
}

static void
split_sizes(struct gen_opts *o, const char *src)
{
	uint16_t tmp[GEN_MAX_SIZES];
	char *save, *tok, *s = strdup(o->search_sizes_spec);

	if (s == NULL)
		gen_die(GEN_EXIT_RUNTIME, "out of memory");
	o->nb_search_sizes = 0;
	for (tok = strtok_r(s, "; ", &save); tok != NULL;
			tok = strtok_r(NULL, "; ", &save)) {
		if (o->nb_search_sizes == GEN_MAX_SEARCH_SIZES)
			gen_die(GEN_EXIT_USAGE, "%s: more than %d sizes", src,
					GEN_MAX_SEARCH_SIZES);
		/* Sizes of a list are separated by commas inside one entry
		 * only with ';' between entries. */
		if (gen_sizes_parse(tok, tmp, GEN_MAX_SIZES, o->ipv6 == 1,
				o->seed) < 0)
			gen_die(GEN_EXIT_USAGE, "%s: bad size '%s' (N, MIN-MAX, "
					"imix, imix-csit or N,N,...; %d..%d "
					"bytes)", src, tok, o->ipv6 == 1 ?
					LCX_SYNTH_MIN_LEN6 : LCX_SYNTH_MIN_LEN4,
					GEN_MAX_FRAME);
		o->search_sizes[o->nb_search_sizes++] = tok;
	}
	if (o->nb_search_sizes == 0)
		gen_die(GEN_EXIT_USAGE, "%s: no size", src);
}

enum {
	OPT_PORT = 256, OPT_BIDIR, OPT_DST_MAC, OPT_RATE, OPT_LINE_RATE,
	OPT_DURATION, OPT_COUNT, OPT_SIZE, OPT_FLOWS, OPT_IPV6, OPT_SRC_IP,
	OPT_DST_IP, OPT_SPORT, OPT_DPORT, OPT_SEED, OPT_WARMUP, OPT_DRAIN,
	OPT_SEARCH, OPT_GOALS, OPT_PRECISION, OPT_TRIAL_DURATION,
	OPT_SHORT_DURATION, OPT_PHASES, OPT_MIN_RATE, OPT_MAX_RATE,
	OPT_SEARCH_SIZES, OPT_MAX_TRIALS, OPT_NO_LATENCY, OPT_JSON, OPT_CSV,
	OPT_SVG, OPT_STATS_INTERVAL, OPT_POOL, OPT_HB_TIMEOUT, OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "bidir", no_argument, NULL, OPT_BIDIR },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "line-rate", required_argument, NULL, OPT_LINE_RATE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "ipv6", required_argument, NULL, OPT_IPV6 },
	{ "src-ip", required_argument, NULL, OPT_SRC_IP },
	{ "dst-ip", required_argument, NULL, OPT_DST_IP },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "drain", required_argument, NULL, OPT_DRAIN },
	{ "search", optional_argument, NULL, OPT_SEARCH },
	{ "goals", required_argument, NULL, OPT_GOALS },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "trial-duration", required_argument, NULL, OPT_TRIAL_DURATION },
	{ "short-duration", required_argument, NULL, OPT_SHORT_DURATION },
	{ "phases", required_argument, NULL, OPT_PHASES },
	{ "min-rate", required_argument, NULL, OPT_MIN_RATE },
	{ "max-rate", required_argument, NULL, OPT_MAX_RATE },
	{ "search-sizes", required_argument, NULL, OPT_SEARCH_SIZES },
	{ "max-trials", required_argument, NULL, OPT_MAX_TRIALS },
	{ "no-latency", no_argument, NULL, OPT_NO_LATENCY },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "pool", required_argument, NULL, OPT_POOL },
	{ "hb-timeout", required_argument, NULL, OPT_HB_TIMEOUT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* Rates of the search range: pps only (the frame size varies). */
static double
search_rate(const char *s, const char *opt)
{
	enum gen_rate_unit u;
	double v;

	if (parse_rate(s, &u, &v) != 0 || u != GEN_RATE_PPS)
		gen_die(GEN_EXIT_USAGE, "%s: '%s' is no rate in pps (e.g. "
				"100k, 2.5Mpps)", opt, s);
	return v;
}

void
gen_opts_parse(int argc, char **argv, struct gen_opts *o)
{
	const char *optname;
	double v;
	uint64_t x;
	int c, ix, rc, have_dur = 0, have_min = 0, size_set = 0;

	memset(o, 0, sizeof(*o));
	o->rate_unit = GEN_RATE_MAX;
	o->duration = 10;
	o->size_spec = "64";
	o->flows = 1;
	o->src_ip = LCX_IPV4(198, 18, 0, 1);
	o->src_ip_n = 1;
	o->dst_ip = LCX_IPV4(198, 19, 0, 1);
	o->dst_ip_n = 1;
	o->sport = 1024;
	o->sport_n = 64512;
	o->dport = 1234;
	o->dport_n = 1;
	/* RFC 5180's benchmarking range 2001:2::/48. */
	inet_pton(AF_INET6, "2001:2::1", o->src6);
	inet_pton(AF_INET6, "2001:2:0:1::1", o->dst6);
	o->seed = 1;
	o->drain = 0.1;
	gen_search_conf_init(&o->sc);
	o->search_sizes_spec = DEF_SEARCH_SIZES;
	o->stats_interval = 1;
	o->pool_size = 8191;
	o->hb_timeout_ms = 1000;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, &ix)) != -1) {
		optname = argv[optind - 1];
		switch (c) {
		case OPT_PORT:
			if (o->nb_ports == 2)
				gen_die(GEN_EXIT_USAGE, "--port: at most 2 "
						"ports");
			o->ports[o->nb_ports++] = optarg;
			break;
		case OPT_BIDIR:
			o->bidir = 1;
			break;
		case OPT_DST_MAC:
			if (rte_ether_unformat_addr(optarg, &o->dst_mac) != 0)
				gen_die(GEN_EXIT_USAGE, "--dst-mac: '%s' is no "
						"MAC address", optarg);
			o->dst_mac_set = 1;
			break;
		case OPT_RATE:
			if (parse_rate(optarg, &o->rate_unit, &o->rate) != 0)
				gen_die(GEN_EXIT_USAGE, "--rate: '%s' is no "
						"rate (max, 100k, 2.5Mpps, "
						"10Gbps, 50%%)", optarg);
			break;
		case OPT_LINE_RATE:
			if (parse_rate(optarg, (enum gen_rate_unit[]){0}, &v)
					!= 0)
				gen_die(GEN_EXIT_USAGE, "--line-rate: '%s' is "
						"no speed (10G, 25Gbps)",
						optarg);
			o->line_mbps = (uint64_t)(v / 1e6);
			if (o->line_mbps == 0)
				gen_die(GEN_EXIT_USAGE, "--line-rate: '%s' is "
						"below 1 Mbit/s", optarg);
			break;
		case OPT_DURATION:
			if (parse_secs(optarg, &o->duration) != 0 ||
					o->duration <= 0)
				gen_die(GEN_EXIT_USAGE, "--duration: '%s' is "
						"no positive number of "
						"seconds", optarg);
			have_dur = 1;
			break;
		case OPT_COUNT:
			if (parse_u64(optarg, 1, UINT64_MAX / 2, &o->count))
				gen_die(GEN_EXIT_USAGE, "--count: '%s' is no "
						"positive count", optarg);
			break;
		case OPT_SIZE:
			o->size_spec = optarg;
			size_set = 1;
			break;
		case OPT_FLOWS:
			if (parse_u64(optarg, 1, 65536, &x) != 0)
				gen_die(GEN_EXIT_USAGE, "--flows: '%s' is not "
						"1..65536", optarg);
			o->flows = (uint32_t)x;
			break;
		case OPT_IPV6:
			if (strcmp(optarg, "0") == 0)
				o->ipv6 = 0;
			else if (strcmp(optarg, "1") == 0)
				o->ipv6 = 1;
			else if (strcmp(optarg, "mix") == 0)
				o->ipv6 = 2;
			else
				gen_die(GEN_EXIT_USAGE, "--ipv6: '%s' is not "
						"0, 1 or mix", optarg);
			break;
		case OPT_SRC_IP:
		case OPT_DST_IP:
			rc = c == OPT_SRC_IP ?
				parse_ip_range(optarg, &o->src_ip, &o->src_ip_n) :
				parse_ip_range(optarg, &o->dst_ip, &o->dst_ip_n);
			if (rc != 0)
				gen_die(GEN_EXIT_USAGE, "%s: '%s' is no IPv4 "
						"address or range A-B", optname,
						optarg);
			break;
		case OPT_SPORT:
		case OPT_DPORT:
			rc = c == OPT_SPORT ?
				parse_port_range(optarg, &o->sport, &o->sport_n) :
				parse_port_range(optarg, &o->dport, &o->dport_n);
			if (rc != 0)
				gen_die(GEN_EXIT_USAGE, "%s: '%s' is no UDP "
						"port or range P-Q", optname,
						optarg);
			break;
		case OPT_SEED:
			if (parse_u64(optarg, 0, UINT32_MAX, &x) != 0)
				gen_die(GEN_EXIT_USAGE, "--seed: '%s'", optarg);
			o->seed = (uint32_t)x;
			break;
		case OPT_WARMUP:
		case OPT_DRAIN:
			if (parse_secs(optarg, c == OPT_WARMUP ? &o->warmup :
					&o->drain) != 0)
				gen_die(GEN_EXIT_USAGE, "%s: '%s' is no number "
						"of seconds", optname, optarg);
			break;
		case OPT_SEARCH:
			o->mode = GEN_MODE_SEARCH;
			if (optarg == NULL || strcmp(optarg, "mlr") == 0)
				o->sc.algo = GEN_SEARCH_MLR;
			else if (strcmp(optarg, "binary") == 0)
				o->sc.algo = GEN_SEARCH_BINARY;
			else
				gen_die(GEN_EXIT_USAGE, "--search: '%s' is not "
						"mlr or binary", optarg);
			break;
		case OPT_GOALS:
			if (parse_goals(optarg, &o->sc) != 0)
				gen_die(GEN_EXIT_USAGE, "--goals: '%s' is not "
						"NAME=LOSS,... (at most %d, "
						"0 <= LOSS < 1)", optarg,
						GEN_SEARCH_MAX_GOALS);
			break;
		case OPT_PRECISION:
			if (parse_secs(optarg, &o->sc.precision) != 0 ||
					o->sc.precision <= 0 ||
					o->sc.precision >= 1)
				gen_die(GEN_EXIT_USAGE, "--precision: '%s' is "
						"not in (0, 1)", optarg);
			break;
		case OPT_TRIAL_DURATION:
		case OPT_SHORT_DURATION:
			if (parse_secs(optarg, &v) != 0 || v <= 0)
				gen_die(GEN_EXIT_USAGE, "%s: '%s' is no "
						"positive number of seconds",
						optname, optarg);
			if (c == OPT_TRIAL_DURATION)
				o->sc.full_duration = v;
			else
				o->sc.short_duration = v;
			break;
		case OPT_PHASES:
			if (parse_u64(optarg, 1, 10, &x) != 0)
				gen_die(GEN_EXIT_USAGE, "--phases: '%s' is not "
						"1..10", optarg);
			o->sc.phases = (unsigned int)x;
			break;
		case OPT_MIN_RATE:
			o->sc.min_load = search_rate(optarg, optname);
			have_min = 1;
			break;
		case OPT_MAX_RATE:
			o->sc.max_load = search_rate(optarg, optname);
			break;
		case OPT_SEARCH_SIZES:
			o->search_sizes_spec = optarg;
			break;
		case OPT_MAX_TRIALS:
			if (parse_u64(optarg, 1, GEN_SEARCH_MAX_TRIALS, &x))
				gen_die(GEN_EXIT_USAGE, "--max-trials: '%s' is "
						"not 1..%d", optarg,
						GEN_SEARCH_MAX_TRIALS);
			o->sc.max_trials = (unsigned int)x;
			break;
		case OPT_NO_LATENCY:
			o->no_latency = 1;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_CSV:
			o->csv = optarg;
			break;
		case OPT_SVG:
			o->svg = optarg;
			break;
		case OPT_STATS_INTERVAL:
			if (parse_u64(optarg, 0, 3600, &x) != 0)
				gen_die(GEN_EXIT_USAGE, "--stats-interval: "
						"'%s'", optarg);
			o->stats_interval = (uint32_t)x;
			break;
		case OPT_POOL:
			if (parse_u64(optarg, 1023, 1u << 22, &x) != 0)
				gen_die(GEN_EXIT_USAGE, "--pool: '%s' is not "
						"1023..4194304", optarg);
			o->pool_size = (uint32_t)x;
			break;
		case OPT_HB_TIMEOUT:
			if (parse_u64(optarg, 10, 3600000, &x) != 0)
				gen_die(GEN_EXIT_USAGE, "--hb-timeout: '%s' is "
						"not 10..3600000 ms", optarg);
			o->hb_timeout_ms = (uint32_t)x;
			break;
		case OPT_HELP:
			gen_usage(stdout);
			exit(GEN_EXIT_OK);
		case OPT_VERSION:
			printf("lcx-gen %s (%s)\n", LCX_GEN_VERSION,
					rte_version());
			exit(GEN_EXIT_OK);
		case ':':
			gen_die(GEN_EXIT_USAGE, "%s: needs a value (see "
					"--help)", optname);
		default:
			gen_die(GEN_EXIT_USAGE, "unknown option '%s' (see "
					"--help)", optname);
		}
	}
	if (optind < argc)
		gen_die(GEN_EXIT_USAGE, "unexpected argument '%s' (EAL options "
				"go before \"--\")", argv[optind]);
	if (o->nb_ports == 0)
		gen_die(GEN_EXIT_USAGE, "no port: give --port SPEC (e.g. "
				"--port net_memif0,role=client)");
	if (o->bidir && o->nb_ports != 2)
		gen_die(GEN_EXIT_USAGE, "--bidir needs two ports");
	if (o->count != 0 && have_dur)
		gen_die(GEN_EXIT_USAGE, "--count and --duration exclude each "
				"other");
	if (o->count != 0)
		o->duration = 0;
	/* The default 64 is below the IPv6 minimum: take the minimum. */
	if (o->ipv6 == 1 && strcmp(o->size_spec, "64") == 0 && !size_set)
		o->size_spec = RTE_STR(LCX_SYNTH_MIN_LEN6);
	rc = gen_sizes_parse(o->size_spec, o->sizes, GEN_MAX_SIZES,
			o->ipv6 == 1, o->seed);
	if (rc < 0)
		gen_die(GEN_EXIT_USAGE, "--size: '%s' is not N, MIN-MAX, imix, "
				"imix-csit or N,N,... of %d..%d bytes",
				o->size_spec, o->ipv6 == 1 ?
				LCX_SYNTH_MIN_LEN6 : LCX_SYNTH_MIN_LEN4,
				GEN_MAX_FRAME);
	o->nb_sizes = (uint32_t)rc;
	if (o->line_mbps != 0 && o->mode == GEN_MODE_RUN &&
			(o->rate_unit == GEN_RATE_PPS ||
			 o->rate_unit == GEN_RATE_BPS)) {
		double wire = (gen_sizes_mean(o->sizes, o->nb_sizes) +
				GEN_WIRE_OVERHEAD) * 8;
		double pps = o->rate_unit == GEN_RATE_PPS ? o->rate :
			o->rate / wire;

		if (pps * wire > (double)o->line_mbps * 1e6 * 1.000001)
			gen_die(GEN_EXIT_USAGE, "--rate: %.0f pps is above the "
					"line rate of --line-rate %" PRIu64
					" Mbit/s (%.0f pps)", pps,
					o->line_mbps,
					(double)o->line_mbps * 1e6 / wire);
	}
	if (o->mode == GEN_MODE_SEARCH) {
		split_sizes(o, "--search-sizes");
		if (o->sc.phases > 1 &&
				o->sc.short_duration > o->sc.full_duration)
			gen_die(GEN_EXIT_USAGE, "--short-duration is longer "
					"than --trial-duration");
		if (o->sc.max_load != 0 && o->sc.max_load < o->sc.min_load)
			gen_die(GEN_EXIT_USAGE, "--max-rate is below "
					"--min-rate%s", have_min ? "" :
					" (default 1kpps)");
	}
}
