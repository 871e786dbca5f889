/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every built-in handler's process() fed arbitrary frames, as received
 * from the wire.  Input layout:
 *
 *   byte 0   which handler (modulo the table below)
 *   byte 1   bits 0-1: input port; bits 2-4: burst size - 1 (1..8)
 *   rest     the frames, cut into that many equal pieces
 *
 * Checked for every input:
 *  - no crash, no read or write outside a frame (ASan/UBSan builds);
 *  - every decision is one the handler can name (a known drop reason, a
 *    TX port below LCX_TK_MAX_PORTS, no handoff without a group);
 *  - differential: the burst path (handlers unroll by 4) and the same
 *    frames one at a time (the scalar tail) decide the same and leave the
 *    same bytes, as Open vSwitch's pcap differential test compares its
 *    fast and slow parsers;
 *  - conservation: after the frames are freed the pool is full again.
 *
 * Built two ways, as fuzz_parsers.c: a libFuzzer target with -Dfuzz=true,
 * and always a replay driver (suite "fuzz") that mutates built-in seed
 * frames with a fixed-seed PRNG.  "fuzz_handlers --seeds DIR" writes the
 * seeds as files, the libFuzzer corpus of tests/fuzz/corpus/handlers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "lcx_handler_testkit.h"
#include "lcx_port.h"

#define BURST_MAX 8
#define FRAME_MAX 1600
#define IN_MAX (2 + BURST_MAX * FRAME_MAX)
#define POOL_SIZE 256

struct target {
	const char *name;
	const char *args;
	/* decisions may depend on earlier packets: no differential */
	int stateful;
	struct lcx_tk_handler *th;
};

static char routes_path[64];
static char args_l3lpm[96];

static struct target targets[] = {
	{ "io", "", 0, NULL },
	{ "macswap", "", 0, NULL },
	{ "l2rewrite", "dst0=02:00:00:00:00:0a,dst1=02:00:00:00:00:0b", 0,
		NULL },
	{ "count", "", 1, NULL },
	{ "filter", "drop udp dport 53; pass tcp src 10.0.0.0/8 dport 1-1023; "
		"drop tcp; drop icmp; drop ip6; "
		"drop src 198.18.7.0/24", 0, NULL },
	{ "l3lpm", args_l3lpm, 0, NULL },
	{ "arp-icmp", "ip=198.18.0.2,ip=198.18.0.3", 0, NULL },
	{ "udp-echo", "port=7", 0, NULL },
};
#define NB_TARGETS (sizeof(targets) / sizeof(targets[0]))

static struct lcx_tk *tk;
static struct rte_mempool *mp;

static void
teardown(void)
{
	unsigned int i;

	for (i = 0; i < NB_TARGETS; i++)
		if (targets[i].th != NULL)
			lcx_tk_handler_close(targets[i].th);
	if (tk != NULL && lcx_tk_free(tk) != 0)
		fprintf(stderr, "fuzz_handlers: pool not full at exit\n");
	if (routes_path[0] != '\0')
		unlink(routes_path);
	lcx_runtime_dir_remove(NULL);
}

static void
setup_once(void)
{
	char prefix[64];
	char *argv[] = { "fuzz", "-l", "0", "--no-huge", "-m", "256",
		"--no-pci", prefix, "--log-level=*:crit", NULL };
	unsigned int i;
	FILE *f;
	int fd;

	if (tk != NULL)
		return;
	snprintf(prefix, sizeof(prefix), "--file-prefix=lcxfuzzh%d", getpid());
	if (rte_eal_init(9, argv) < 0) {
		fprintf(stderr, "fuzz_handlers: EAL init failed\n");
		exit(1);
	}
	snprintf(routes_path, sizeof(routes_path), "/tmp/lcxfuzz-routesXXXXXX");
	fd = mkstemp(routes_path);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (f == NULL) {
		fprintf(stderr, "fuzz_handlers: routes file: %s\n",
			strerror(errno));
		exit(1);
	}
	fputs("198.18.0.0/16 0\n198.18.1.0/24 1 02:00:00:00:00:aa\n"
		"0.0.0.0/1 3\n128.0.0.0/1 2\n2001:db8::/32 2\n2001:db8:1::/48 3\n", f);
	fclose(f);
	snprintf(args_l3lpm, sizeof(args_l3lpm), "routes=%s", routes_path);

	tk = lcx_tk_create(1, LCX_TK_MAX_PORTS, POOL_SIZE);
	if (tk == NULL) {
		fprintf(stderr, "fuzz_handlers: test kit: %s\n",
			lcx_strerror(lcx_errno));
		exit(1);
	}
	mp = lcx_tk_pool(tk);
	atexit(teardown);
	for (i = 0; i < NB_TARGETS; i++) {
		targets[i].th = lcx_tk_handler_open(tk, targets[i].name,
			targets[i].args);
		if (targets[i].th == NULL) {
			fprintf(stderr, "fuzz_handlers: %s(%s): %s\n",
				targets[i].name, targets[i].args,
				lcx_strerror(lcx_errno));
			exit(1);
		}
	}
}

/* A decision the handler could have made; 0 when it is nonsense. */
static int
act_valid(const struct target *t, uint16_t act)
{
	char buf[64];

	lcx_tk_act_str(t->th, act, buf, sizeof(buf));
	switch (LCX_ACT_KIND(act)) {
	case LCX_ACT_KIND_CONTINUE:
		return 1;
	case LCX_ACT_KIND_TX:
		return LCX_ACT_ARG(act) < LCX_TK_MAX_PORTS;
	case LCX_ACT_KIND_DROP:
		return strncmp(buf, "drop:?", 6) != 0;
	default:
		/* no handler here hands off (no group) or keeps a packet */
		return 0;
	}
}

static struct rte_mbuf *
frame_mbuf(const uint8_t *p, uint16_t len, uint16_t port)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	if (m == NULL)
		return NULL;
	memcpy(rte_pktmbuf_append(m, len), p, len);
	m->port = port;
	return m;
}

static int
same_bytes(const struct rte_mbuf *a, const struct rte_mbuf *b)
{
	return a->pkt_len == b->pkt_len && a->data_len == b->data_len &&
		memcmp(rte_pktmbuf_mtod(a, const void *),
			rte_pktmbuf_mtod(b, const void *), a->data_len) == 0;
}

/* Returns 0 when the handler kept its contract for this input. */
static int
one_input(const uint8_t *data, size_t size)
{
	struct rte_mbuf *burst[BURST_MAX], *one[BURST_MAX];
	uint16_t act[BURST_MAX], act1[BURST_MAX], port, len, n, i;
	const struct target *t;
	int bad = 0;

	if (size < 2)
		return 0;
	t = &targets[data[0] % NB_TARGETS];
	port = data[1] & 3;
	n = 1 + ((data[1] >> 2) & 7);
	data += 2;
	size -= 2;
	if (size > (size_t)n * FRAME_MAX)
		size = (size_t)n * FRAME_MAX;
	len = (uint16_t)(size / n);

	for (i = 0; i < n; i++) {
		burst[i] = frame_mbuf(data + i * len, len, port);
		one[i] = frame_mbuf(data + i * len, len, port);
		if (burst[i] == NULL || one[i] == NULL) {
			fprintf(stderr, "fuzz_handlers: pool empty\n");
			abort();
		}
	}

	lcx_tk_handler_run(t->th, burst, act, n);
	for (i = 0; i < n; i++) {
		if (!act_valid(t, act[i])) {
			fprintf(stderr, "%s: packet %u: decision 0x%04x\n",
				t->name, i, act[i]);
			bad = 1;
		}
		lcx_tk_handler_run(t->th, &one[i], &act1[i], 1);
		if (t->stateful)
			continue;
		if (act1[i] != act[i] || !same_bytes(burst[i], one[i])) {
			fprintf(stderr, "%s: packet %u of %u: burst 0x%04x, "
				"alone 0x%04x, bytes %s\n", t->name, i, n,
				act[i], act1[i], same_bytes(burst[i], one[i]) ?
				"equal" : "differ");
			bad = 1;
		}
	}
	lcx_tk_pkts_free(burst, n);
	lcx_tk_pkts_free(one, n);
	if (rte_mempool_avail_count(mp) != POOL_SIZE) {
		fprintf(stderr, "%s: %u mbufs missing\n", t->name,
			POOL_SIZE - rte_mempool_avail_count(mp));
		bad = 1;
	}
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
/* Seeds: one well-formed frame of each kind a handler looks at. */
static size_t
seed_frames(unsigned int k, uint8_t *buf)
{
	struct lcx_tk_pkt d;
	struct rte_mbuf *m;
	size_t len;

	lcx_tk_pkt_init(&d);
	switch (k % 8) {
	case 0:
		m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 1000, 7, 32);
		break;
	case 1:
		m = lcx_tk_tcp(mp, "10.1.2.3", "198.18.1.9", 1000, 80,
			RTE_TCP_SYN_FLAG, 0);
		break;
	case 2:
		m = lcx_tk_icmp_echo(mp, "198.18.0.9", "198.18.0.2", 1, 1,
			8);
		break;
	case 3:
		m = lcx_tk_arp_request(mp, &d.src_mac, "198.18.0.9",
			"198.18.0.3");
		break;
	case 4:
		m = lcx_tk_icmp_echo(mp, "2001:db8::5", "2001:db8:1::7", 1,
			1, 8);
		break;
	case 5:
		d.vlan = 5;
		m = lcx_tk_pkt_build(mp, &d);
		break;
	case 6:
		m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.7", 9, 53, 0);
		break;
	default:
		d.ttl = 1;
		m = lcx_tk_pkt_build(mp, &d);
		break;
	}
	if (m == NULL)
		return 0;
	len = m->data_len;
	memcpy(buf, rte_pktmbuf_mtod(m, void *), len);
	rte_pktmbuf_free(m);
	return len;
}

/* A seed input: handler h, a burst of n copies of frame kind k. */
static size_t
seed_input(unsigned int h, unsigned int k, unsigned int n, uint8_t *in)
{
	uint8_t frame[FRAME_MAX];
	size_t len = seed_frames(k, frame), i;

	in[0] = (uint8_t)h;
	in[1] = (uint8_t)(((n - 1) << 2) | (k & 1));
	for (i = 0; i < n; i++)
		memcpy(in + 2 + i * len, frame, len);
	return 2 + n * len;
}

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

/* Byte edits where parsers look: lengths, versions, types, offsets. */
static size_t
mutate(uint8_t *buf, size_t len)
{
	static const uint8_t magic[] = { 0, 1, 4, 5, 6, 0x0f, 0x11, 0x3a,
		0x40, 0x45, 0x4f, 0x60, 0x7f, 0x80, 0x81, 0x86, 0x88, 0xa8,
		0xdd, 0xfe, 0xff };
	unsigned int k, edits = 1 + next() % 4;

	for (k = 0; k < edits; k++) {
		size_t pos = 2 + (len > 2 ? next() % (len - 2) : 0);

		switch (next() % 5) {
		case 0:
			if (pos < len)
				buf[pos] = (uint8_t)next();
			break;
		case 1:
			if (pos < len)
				buf[pos] = magic[next() % sizeof(magic)];
			break;
		case 2: /* truncate anywhere, down to nothing */
			len = 2 + (len > 2 ? next() % (len - 1) : 0);
			break;
		case 3: /* another handler or burst shape */
			buf[next() % 2] = (uint8_t)next();
			break;
		default: /* grow: oversize and multi-frame inputs */
			if (len < IN_MAX - 64) {
				size_t add = next() % 64;

				memset(buf + len, (int)next(), add);
				len += add;
			}
			break;
		}
	}
	return len;
}

static int
write_seeds(const char *dir)
{
	static uint8_t in[IN_MAX];
	unsigned int h, k;
	char path[512];
	size_t len;
	FILE *f;

	for (h = 0; h < NB_TARGETS; h++)
		for (k = 0; k < 8; k++) {
			len = seed_input(h, k, 1 + (h + k) % BURST_MAX, in);
			snprintf(path, sizeof(path), "%s/%s-%u", dir,
				targets[h].name, k);
			f = fopen(path, "wb");
			if (f == NULL || fwrite(in, 1, len, f) != len) {
				fprintf(stderr, "%s: %s\n", path,
					strerror(errno));
				return 1;
			}
			fclose(f);
		}
	return 0;
}

int
main(int argc, char **argv)
{
	static uint8_t in[IN_MAX];
	unsigned int rounds = 20000, i, failed = 0, seeds = 0, h, k;
	size_t len;

	setup_once();
	if (argc > 2 && strcmp(argv[1], "--seeds") == 0)
		return write_seeds(argv[2]);
	if (argc > 1)
		rounds = (unsigned int)atoi(argv[1]);
	for (h = 0; h < NB_TARGETS; h++)
		for (k = 0; k < 8; k++, seeds++) {
			len = seed_input(h, k, 1 + (h + k) % BURST_MAX, in);
			failed += one_input(in, len);
		}
	for (i = 0; i < rounds; i++) {
		len = seed_input(next() % NB_TARGETS, next() % 8,
			1 + next() % BURST_MAX, in);
		len = mutate(in, len);
		if (one_input(in, len) != 0) {
			failed++;
			fprintf(stderr, "contract broken for input %u\n", i);
		}
	}
	printf("fuzz_handlers: %u inputs (%u handlers), %u passed, "
		"%u failed\n", seeds + rounds, (unsigned int)NB_TARGETS,
		seeds + rounds - failed, failed);
	printf("fuzz_handlers: %u passed, %u failed\n", failed ? 0 : 1,
		failed ? 1 : 0);
	return failed ? 1 : 0;
}
#endif
