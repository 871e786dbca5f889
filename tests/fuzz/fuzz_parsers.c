/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Text parsers fed hostile input: pipeline specs (lcx_pipeline_check),
 * placement maps (lcx_place_map_parse) and synth port options (opened and
 * closed as real ports).  A parser must return an error or a result, never
 * crash, hang or read past its input; run under ASan/UBSan to catch the
 * latter.
 *
 * Built two ways:
 *  - with -Dfuzz=true and clang: a libFuzzer target (LLVMFuzzerTestOneInput);
 *  - always: a replay driver (suite "fuzz") that mutates a seed corpus with
 *    a fixed-seed PRNG for a bounded number of inputs, so CI runs the same
 *    inputs every time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "lcx_port.h"

#define MAX_IN 512

static int eal_ready;

static void
remove_runtime_dir(void)
{
	lcx_runtime_dir_remove(NULL);	/* our private file prefix */
}

static void
eal_once(void)
{
	char prefix[64];
	char *argv[] = { "fuzz", "-l", "0", "--no-huge", "-m", "256",
		"--no-pci", prefix, "--log-level=*:crit", NULL };

	if (eal_ready)
		return;
	snprintf(prefix, sizeof(prefix), "--file-prefix=lcxfuzz%d", getpid());
	if (rte_eal_init(9, argv) < 0) {
		fprintf(stderr, "fuzz: EAL init failed\n");
		exit(1);
	}
	eal_ready = 1;
	atexit(remove_runtime_dir);
}

/* Returns 0 when every parser kept its contract for this input. */
static int
one_input(const uint8_t *data, size_t size)
{
	char s[MAX_IN + 8], err[128];
	struct lcx_place_map map[16];
	struct lcx_port *port;
	int rc, bad = 0;

	if (size > MAX_IN)
		size = MAX_IN;
	memcpy(s, data, size);
	s[size] = '\0';

	err[0] = '\0';
	rc = lcx_pipeline_check(s, err, sizeof(err));
	if (rc < 0 && err[0] == '\0')
		bad = 1;	/* an error must say what is wrong */
	if (rc == 0 || rc > LCX_PIPELINE_MAX_STAGES)
		bad = 1;	/* a stage count or a negative errno */
	if (rc < 0 && rc != -EINVAL && rc != -ENOENT && rc != -E2BIG)
		bad = 1;	/* only the documented errors */

	rc = lcx_place_map_parse(s, map, 16);
	if (rc > 16)
		bad = 1;
	if (rc >= 0) {
		int i;

		for (i = 0; i < rc; i++)
			if (map[i].lcore >= (1u << 31))
				bad = 1;
	}

	/* synth options: a real open and close */
	{
		char spec[MAX_IN + 16];

		snprintf(spec, sizeof(spec), "synth:%s", s);
		port = lcx_port_open(spec);
		if (port != NULL)
			lcx_port_close(port);
	}
	return bad;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eal_once();
	if (one_input(data, size) != 0)
		abort();
	return 0;
}

#ifndef LCX_LIBFUZZER
static const char *const corpus[] = {
	"macswap", "io -> count", "filter(drop udp dport 53) -> l3lpm(routes=/nonexistent) -> count",
	"arp-icmp(ip=198.18.0.1)", "udp-echo(port=7)", "l2rewrite(dst0=02:00:00:00:00:01)",
	"(0,0,1),(0,1,2),(1,0,1)", "(0,0,1)", "(65535,65535,4294967295)",
	"size=64,flows=4,seed=1", "size=64-1518,ipv6=mix,count=10", "imix,flows=65536",
	"", "->", "(", ")", "((", "a(b(c))", "x -> -> y", "count(", "io)",
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
	static const char alphabet[] = "(),->=:0123456789abcdxyz .-_/\\\x01\xff";
	unsigned int k, edits = 1 + next() % 4;

	for (k = 0; k < edits; k++) {
		size_t pos = len ? next() % len : 0;

		switch (next() % 4) {
		case 0: /* flip a byte */
			if (len)
				buf[pos] = (uint8_t)next();
			break;
		case 1: /* insert a token character */
			if (len < MAX_IN) {
				memmove(buf + pos + 1, buf + pos, len - pos);
				buf[pos] = alphabet[next() % (sizeof(alphabet) - 1)];
				len++;
			}
			break;
		case 2: /* delete */
			if (len) {
				memmove(buf + pos, buf + pos + 1, len - pos - 1);
				len--;
			}
			break;
		default: /* duplicate a run: long inputs */
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
	unsigned int rounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 20000;
	unsigned int i, failed = 0, n = sizeof(corpus) / sizeof(corpus[0]);
	uint8_t buf[MAX_IN];
	size_t len;

	eal_once();
	for (i = 0; i < n; i++)
		failed += one_input((const uint8_t *)corpus[i], strlen(corpus[i]));
	for (i = 0; i < rounds; i++) {
		const char *seed = corpus[next() % n];

		len = strlen(seed);
		memcpy(buf, seed, len);
		len = mutate(buf, len);
		if (one_input(buf, len) != 0) {
			failed++;
			fprintf(stderr, "contract broken for input %u: %.*s\n", i,
				(int)len, buf);
		}
	}
	printf("fuzz_parsers: %u inputs, %u passed, %u failed\n",
		n + rounds, n + rounds - failed, failed);
	printf("fuzz_parsers: %u passed, %u failed\n", failed ? 0 : 1, failed ? 1 : 0);
	return failed ? 1 : 0;
}
#endif
