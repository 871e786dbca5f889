/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-ctl: read and control a running lcx process through the /lcx/
 * commands it serves on DPDK's telemetry socket (lcx_telemetry_init();
 * lcx-fwd --telemetry).  The socket, not one of lcx's own, because EAL
 * already opens it, in the process's runtime directory, readable by its
 * user only, and the stock dpdk-telemetry.py speaks the same protocol:
 * one SOCK_SEQPACKET message a request, one JSON object a reply.
 *
 * Exit status: 0 done; 1 the process cannot be reached; 2 bad usage, or
 * the process refused (the reason on one line of stderr).
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_NAME "lcx-ctl"
#define SOCK_NAME "dpdk_telemetry.v2"
/* DPDK's MAX_OUTPUT_LEN: no reply is longer. */
#define REPLY_MAX (16 * 1024)

#define EXIT_DONE 0
#define EXIT_UNREACHABLE 1
#define EXIT_REFUSED 2

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: lcx-ctl [-f PREFIX | -s SOCKET] COMMAND [ARGS]\n"
"\n"
"Reads and controls a running lcx process (lcx-fwd --telemetry) through\n"
"DPDK's telemetry socket, <runtime dir>/" SOCK_NAME ".\n"
"\n"
"  -f, --file-prefix PREFIX  the process's EAL --file-prefix (lcx-fwd's\n"
"                         default is lcxfwd<pid>); default: rte\n"
"  -s, --socket PATH      the socket itself\n"
"  -h, --help             this text\n"
"\n"
"Read (prints the JSON reply's value):\n"
"  list                   context ids              /lcx/ctx/list\n"
"  info CTX               state, lcore, limits...  /lcx/ctx/info,CTX\n"
"  stats CTX              counters of a context    /lcx/ctx/stats,CTX\n"
"  ports                  port ids                 /lcx/port/list\n"
"  port PORT              counters of a port       /lcx/port/stats,PORT\n"
"  placement              RX queue -> context      /lcx/placement\n"
"  pipeline CTX           per-stage counters       /lcx/pipeline,CTX\n"
"  rebalance              last rebalancing decision /lcx/rebalance\n"
"Act (prints what was done; refused: the reason, exit 2):\n"
"  move PORT QUEUE CTX    move an RX queue         /lcx/ctl/rxq_move\n"
"  pause CTX              park a context BLOCKED   /lcx/ctl/pause\n"
"  resume CTX             resume it                /lcx/ctl/resume\n"
"  stop CTX               move its RX queues away and stop it\n"
"  log-level TYPE LEVEL   e.g. lcx.mgr debug       /lcx/ctl/log_level\n"
"Any other telemetry command:\n"
"  raw /CMD[,PARAMS]      e.g. raw /ethdev/stats,0\n"
"\n"
"Exit status: 0 done, 1 process unreachable, 2 bad usage or refused.\n");
}

static void __attribute__((format(printf, 2, 3), noreturn))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs(CTL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* DPDK's runtime directory rule (eal_get_runtime_dir()). */
static void
sock_path(char *buf, size_t len, const char *prefix)
{
	const char *base = "/var/run";
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (getuid() != 0)
		base = xdg != NULL ? xdg : "/tmp";
	snprintf(buf, len, "%s/dpdk/%s/" SOCK_NAME, base, prefix);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char hello[REPLY_MAX];
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		die(EXIT_REFUSED, "socket path too long: %s", path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		die(EXIT_UNREACHABLE, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		die(EXIT_UNREACHABLE, "%s: %s (is the process running, with "
				"that --file-prefix?)", path, strerror(errno));
	/* The greeting: version, pid, max_output_len. */
	if (read(fd, hello, sizeof(hello)) <= 0)
		die(EXIT_UNREACHABLE, "%s: no greeting", path);
	return fd;
}

/* Send @p cmd and read the reply (NUL-terminated) into @p buf. */
static void
request(int fd, const char *cmd, char *buf, size_t len)
{
	ssize_t n;

	if (write(fd, cmd, strlen(cmd)) < 0)
		die(EXIT_UNREACHABLE, "send: %s", strerror(errno));
	n = read(fd, buf, len - 1);
	if (n <= 0)
		die(EXIT_UNREACHABLE, "no reply to %s", cmd);
	buf[n] = '\0';
}

/* The string value of "key" in a reply as DPDK writes it (no blank after
 * the colon; escapes undone), or NULL. */
static const char *
json_str(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	size_t i = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(json, pat);
	if (p == NULL)
		return NULL;
	for (p += strlen(pat); *p != '\0' && *p != '"' && i + 1 < len; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		out[i++] = *p;
	}
	out[i] = '\0';
	return out;
}

/* The value of the reply's one key: {"/cmd": VALUE}. */
static const char *
reply_value(const char *reply)
{
	const char *p = strstr(reply, "\":");

	return p != NULL ? p + 2 : reply;
}

struct cmd {
	const char *name;
	int nb_args;
	const char *tel;     /* telemetry command */
	int act;             /* answers {"result"} or {"error"} */
	const char *what;    /* what a null reply means */
};

static const struct cmd cmds[] = {
	{ "list", 0, "/lcx/ctx/list", 0, NULL },
	{ "info", 1, "/lcx/ctx/info", 0, "no context" },
	{ "stats", 1, "/lcx/ctx/stats", 0, "no context" },
	{ "ports", 0, "/lcx/port/list", 0, NULL },
	{ "port", 1, "/lcx/port/stats", 0, "no port" },
	{ "placement", 0, "/lcx/placement", 0, NULL },
	{ "pipeline", 1, "/lcx/pipeline", 0, "no context" },
	{ "rebalance", 0, "/lcx/rebalance", 0, NULL },
	{ "move", 3, "/lcx/ctl/rxq_move", 1, NULL },
	{ "pause", 1, "/lcx/ctl/pause", 1, NULL },
	{ "resume", 1, "/lcx/ctl/resume", 1, NULL },
	{ "stop", 1, "/lcx/ctl/stop", 1, NULL },
	{ "log-level", 2, "/lcx/ctl/log_level", 1, NULL },
	{ "raw", 1, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "file-prefix", required_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char reply[REPLY_MAX + 1];
	char path[512], req[512], msg[512], probe[REPLY_MAX + 1];
	const char *prefix = "rte", *sock = NULL, *v;
	const struct cmd *c = NULL;
	unsigned int i;
	int opt, fd, k, nargs;

	while ((opt = getopt_long(argc, argv, "+f:s:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			prefix = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			die(EXIT_REFUSED, "bad option (see --help)");
		}
	}
	if (optind == argc)
		die(EXIT_REFUSED, "no command (see --help)");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			c = &cmds[i];
	if (c == NULL)
		die(EXIT_REFUSED, "unknown command '%s' (see --help)",
				argv[optind]);
	nargs = argc - optind - 1;
	if (nargs != c->nb_args)
		die(EXIT_REFUSED, "%s takes %d argument%s, %d given (see "
				"--help)", c->name, c->nb_args,
				c->nb_args == 1 ? "" : "s", nargs);
	/* Arguments go into a comma-separated parameter: none may hold a
	 * comma of its own. */
	for (k = 1; k <= nargs; k++)
		if (c->tel != NULL && (strchr(argv[optind + k], ',') != NULL ||
				argv[optind + k][0] == '\0'))
			die(EXIT_REFUSED, "%s: bad argument '%s'", c->name,
					argv[optind + k]);
	if (c->tel == NULL) {
		if (argv[optind + 1][0] != '/')
			die(EXIT_REFUSED, "raw: a command starts with '/'");
		snprintf(req, sizeof(req), "%s", argv[optind + 1]);
	} else if (strcmp(c->name, "log-level") == 0) {
		snprintf(req, sizeof(req), "%s,%s:%s", c->tel,
				argv[optind + 1], argv[optind + 2]);
	} else {
		int off = snprintf(req, sizeof(req), "%s", c->tel);

		for (k = 1; k <= nargs && off < (int)sizeof(req); k++)
			off += snprintf(req + off, sizeof(req) - off, ",%s",
					argv[optind + k]);
	}

	if (sock == NULL) {
		sock_path(path, sizeof(path), prefix);
		sock = path;
	}
	fd = ctl_connect(sock);
	if (c->tel != NULL) {
		/* DPDK answers an unknown command and a failed one alike
		 * (null): tell them apart with the command list. */
		request(fd, "/", probe, sizeof(probe));
		snprintf(msg, sizeof(msg), "\"%s\"", c->tel);
		if (strstr(probe, msg) == NULL)
			die(EXIT_REFUSED, "the process serves no %s (lcx-fwd: "
					"start it with --telemetry)", c->tel);
	}
	request(fd, req, reply, sizeof(reply));
	close(fd);

	v = reply_value(reply);
	if (c->act) {
		if (json_str(v, "error", msg, sizeof(msg)) != NULL)
			die(EXIT_REFUSED, "%s", msg);
		if (json_str(v, "result", msg, sizeof(msg)) == NULL)
			die(EXIT_REFUSED, "unexpected reply: %s", reply);
		printf("%s\n", msg);
		return EXIT_DONE;
	}
	if (strncmp(v, "null", 4) == 0)
		die(EXIT_REFUSED, "%s %s", c->what != NULL ? c->what :
				"no such command or bad parameters:",
				c->what != NULL ? argv[optind + 1] : req);
	/* The value without the reply's closing brace. */
	k = (int)strlen(v);
	if (k > 0 && v[k - 1] == '}')
		k--;
	printf("%.*s\n", k, v);
	return EXIT_DONE;
}
