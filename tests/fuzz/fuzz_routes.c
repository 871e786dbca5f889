/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The l3lpm routes file fed hostile text: each input is written to a
 * file and given to l3lpm ("routes=PATH") through the test kit.  The
 * handler must either refuse it with a documented error (EINVAL: a bad
 * line, named by file:line in the log; ENOSPC: a table or the next-hop
 * list full; ENOMEM) or build its tables; when it builds them, frames to
 * addresses taken from the input itself are routed through them and
 * every decision must be a TX to a port below LCX_MAX_PORTS or a named
 * drop, and the pool must be full after.
 *
 * Built as fuzz_parsers.c: a libFuzzer target with -Dfuzz=true, and a
 * replay driver (suite "fuzz") mutating the seeds below.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lcx_handler_testkit.h"
#include "lcx_port.h"

#define MAX_IN 4096
#define POOL_SIZE 64

static struct lcx_tk *tk;
static struct rte_mempool *mp;
static char path[64];

static void
teardown(void)
{
	if (tk != NULL && lcx_tk_free(tk) != 0)
		fprintf(stderr, "fuzz_routes: pool not full at exit\n");
	if (path[0] != '\0')
		unlink(path);
	lcx_runtime_dir_remove(NULL);
}

static void
setup_once(void)
{
	char prefix[64];
	char *argv[] = { "fuzz", "-l", "0", "--no-huge", "-m", "256",
		"--no-pci", prefix, "--log-level=*:crit", NULL };
	int fd;

	if (tk != NULL)
		return;
	snprintf(prefix, sizeof(prefix), "--file-prefix=lcxfuzzr%d", getpid());
	if (rte_eal_init(9, argv) < 0) {
		fprintf(stderr, "fuzz_routes: EAL init failed\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "/tmp/lcxfuzz-routesXXXXXX");
	fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "fuzz_routes: %s\n", strerror(errno));
		exit(1);
	}
	close(fd);
	tk = lcx_tk_create(1, LCX_TK_MAX_PORTS, POOL_SIZE);
	if (tk == NULL) {
		fprintf(stderr, "fuzz_routes: test kit: %s\n",
			lcx_strerror(lcx_errno));
		exit(1);
	}
	mp = lcx_tk_pool(tk);
	atexit(teardown);
}

/* Frames to destinations found in the input: the routes' own prefixes. */
static int
route_some(struct lcx_tk_handler *th, const char *s)
{
	static const char *const fallback[] = { "198.18.1.1", "2001:db8::1" };
	char word[64], buf[64];
	struct rte_mbuf *m;
	unsigned int k = 0;
	uint16_t act;
	int bad = 0, n;

	while (k < 8 && sscanf(s, "%63[^/ \n]%n", word, &n) == 1) {
		const char *dst = word;

		if (strchr(word, '.') == NULL && strchr(word, ':') == NULL)
			dst = fallback[k % 2];
		m = lcx_tk_udp(mp, strchr(dst, ':') ? "2001:db8::9" :
			"198.18.0.9", dst, 1, 2, 8);
		if (m == NULL)
			m = lcx_tk_udp(mp, "198.18.0.9", fallback[0], 1, 2, 8);
		if (m == NULL)
			return 1;
		lcx_tk_handler_run(th, &m, &act, 1);
		lcx_tk_act_str(th, act, buf, sizeof(buf));
		if (!(LCX_ACT_KIND(act) == LCX_ACT_KIND_TX &&
				LCX_ACT_ARG(act) < LCX_MAX_PORTS) &&
				strncmp(buf, "drop:", 5) != 0) {
			fprintf(stderr, "route to %s: %s\n", dst, buf);
			bad = 1;
		}
		if (strncmp(buf, "drop:?", 6) == 0)
			bad = 1;
		rte_pktmbuf_free(m);
		s += n;
		s += strcspn(s, "\n");
		s += *s == '\n';
		k++;
	}
	return bad;
}

static int
one_input(const uint8_t *data, size_t size)
{
	char s[MAX_IN + 1], args[96];
	struct lcx_tk_handler *th;
	FILE *f;
	int bad = 0;

	if (size > MAX_IN)
		size = MAX_IN;
	memcpy(s, data, size);
	s[size] = '\0';
	f = fopen(path, "w");
	if (f == NULL || fwrite(data, 1, size, f) != size) {
		fprintf(stderr, "fuzz_routes: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fclose(f);
	snprintf(args, sizeof(args), "routes=%s", path);
	th = lcx_tk_handler_open(tk, "l3lpm", args);
	if (th == NULL) {
		if (lcx_errno != EINVAL && lcx_errno != ENOSPC &&
				lcx_errno != ENOMEM) {
			fprintf(stderr, "refused with %d (%s)\n", lcx_errno,
				lcx_strerror(lcx_errno));
			bad = 1;
		}
	} else {
		bad = route_some(th, s);
		lcx_tk_handler_close(th);
	}
	if (rte_mempool_avail_count(mp) != POOL_SIZE)
		bad = 1;
	return bad;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup_once();
	if (one_input(data, size) != 0)
		abort();
	return 0;
}

#ifndef LCX_LIBFUZZER
static const char *const corpus[] = {
	"198.18.1.0/24 1\n198.18.0.0/24 0 02:00:00:00:00:aa\n",
	"2001:db8:2::/48 1\n2001:db8::/32 0 02:00:00:00:00:bb # v6\n",
	"# only a comment\n\n   \n",
	"0.0.0.0/1 3\n128.0.0.0/1 2\n::/1 1\n8000::/1 0\n",
	"198.18.0.1/32 15\n198.18.0.0/15 0\n10.0.0.0/8 1 ff:ff:ff:ff:ff:ff\n",
	"198.18.0.0/33 1\n", "2001:db8::/129 1\n", "198.18.0.0/24 16\n",
	"198.18.0.0/24\n", "/24 1\n", "198.18.0.0/24 1 02:00\n",
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
	/* xorshift64*: fixed seed, same inputs on every run */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static size_t
mutate(uint8_t *buf, size_t len)
{
	static const char alphabet[] = "0123456789abcdef:./ #\n\t-";
	unsigned int k, edits = 1 + next() % 4;

	for (k = 0; k < edits; k++) {
		size_t pos = len ? next() % len : 0;

		switch (next() % 4) {
		case 0:
			if (len)
				buf[pos] = alphabet[next() %
					(sizeof(alphabet) - 1)];
			break;
		case 1:
			if (len < MAX_IN) {
				memmove(buf + pos + 1, buf + pos, len - pos);
				buf[pos] = alphabet[next() %
					(sizeof(alphabet) - 1)];
				len++;
			}
			break;
		case 2:
			if (len) {
				memmove(buf + pos, buf + pos + 1, len - pos - 1);
				len--;
			}
			break;
		default: /* duplicate: many routes, many next hops */
			if (len && len * 2 <= MAX_IN) {
				memcpy(buf + len, buf, len);
				len *= 2;
			}
			break;
		}
	}
	return len;
}

int
main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 2000;
	unsigned int i, failed = 0, n = sizeof(corpus) / sizeof(corpus[0]);
	static uint8_t buf[MAX_IN];
	size_t len;

	setup_once();
	for (i = 0; i < n; i++)
		failed += one_input((const uint8_t *)corpus[i],
			strlen(corpus[i]));
	for (i = 0; i < rounds; i++) {
		const char *seed = corpus[next() % n];

		len = strlen(seed);
		memcpy(buf, seed, len);
		len = mutate(buf, len);
		if (one_input(buf, len) != 0) {
			failed++;
			fprintf(stderr, "contract broken for input %u: %.*s\n",
				i, (int)len, buf);
		}
	}
	printf("fuzz_routes: %u inputs, %u passed, %u failed\n", n + rounds,
		n + rounds - failed, failed);
	printf("fuzz_routes: %u passed, %u failed\n", failed ? 0 : 1,
		failed ? 1 : 0);
	return failed ? 1 : 0;
}
#endif
