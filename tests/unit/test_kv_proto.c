/* SPDX-License-Identifier: BSD-3-Clause */
/* lcx-kv's protocol: every ASCII and binary command against one shard,
 * every malformed form and memcached's reply to it, replies cut into
 * datagram-sized segments. */
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "kv.h"
#include "lcx_test.h"

static struct kv_server srv;
static struct kv_shard sh;

/* Segments of one reply: a flat area cut in KV_SEG_MAX pieces. */
static char seg_mem[KV_MAX_DGRAMS][KV_SEG_MAX];
static char reply[KV_MAX_DGRAMS * KV_SEG_MAX + 1];
static uint32_t reply_len;
static struct kv_out out;

static char *
seg_alloc(struct kv_out *o, unsigned int idx)
{
	(void)o;
	return seg_mem[idx];
}

static void
out_init(struct kv_out *o, uint16_t cap)
{
	memset(o, 0, sizeof(*o));
	o->cap = cap;
	o->alloc = seg_alloc;
}

static void
gather(const struct kv_out *o)
{
	unsigned int i;

	reply_len = 0;
	for (i = 0; i < o->n; i++) {
		memcpy(reply + reply_len, o->seg[i], o->len[i]);
		reply_len += o->len[i];
	}
	reply[reply_len] = '\0';
}

/* Run one request; the reply in reply[] (NUL-terminated for ASCII). */
static int
req_n(const char *p, uint32_t len)
{
	static struct kv_req r;
	uint16_t cursor = 0;

	out_init(&out, KV_SEG_MAX);
	kv_parse(p, len, &r);
	if (r.err != KV_OK)
		kv_exec_error(&sh, &r, &out);
	else
		kv_exec(&srv, &sh, &r, &cursor, &out);
	gather(&out);
	return r.err;
}

static int
req(const char *s)
{
	return req_n(s, (uint32_t)strlen(s));
}

#define REQ_IS(s, want) do {                                         \
	req(s);                                                      \
	CU_ASSERT_STRING_EQUAL(reply, want);                         \
	if (strcmp(reply, want) != 0)                                \
		printf("\n  %s -> '%s'\n", s, reply);                \
} while (0)

static int
suite_init(void)
{
	if (lcx_test_eal_init(NULL, NULL) != 0)
		return -1;
	memset(&srv, 0, sizeof(srv));
	srv.nb_shards = 1;
	srv.shard[0] = &sh;
	srv.tsc_hz = rte_get_tsc_hz();
	srv.unix_start = 1700000000;
	srv.mem_limit = 4 << 20;
	if (kv_shard_init(&sh, 0, 4 << 20, SOCKET_ID_ANY, &srv.flush_tsc,
			srv.unix_start) != 0)
		return -1;
	kv_shard_clock(&sh, 1000, 1);
	return 0;
}

static int
suite_clean(void)
{
	kv_shard_fini(&sh);
	return 0;
}

static void
test_storage(void)
{
	REQ_IS("set k 5 0 3\r\nabc\r\n", "STORED\r\n");
	REQ_IS("get k\r\n", "VALUE k 5 3\r\nabc\r\nEND\r\n");
	REQ_IS("add k 0 0 1\r\nx\r\n", "NOT_STORED\r\n");
	REQ_IS("add k2 7 0 1\r\nx\r\n", "STORED\r\n");
	REQ_IS("replace k3 0 0 1\r\nx\r\n", "NOT_STORED\r\n");
	REQ_IS("replace k2 8 0 2\r\nyz\r\n", "STORED\r\n");
	REQ_IS("append k 0 0 2\r\nde\r\n", "STORED\r\n");
	REQ_IS("prepend k 0 0 2\r\n01\r\n", "STORED\r\n");
	REQ_IS("append nope 0 0 1\r\nx\r\n", "NOT_STORED\r\n");
	/* Append keeps the flags; several keys, a miss among them. */
	REQ_IS("get k miss k2\r\n",
		"VALUE k 5 7\r\n01abcde\r\nVALUE k2 8 2\r\nyz\r\nEND\r\n");
	/* A bare "\n" ends a line as well. */
	REQ_IS("set lf 0 0 1\nz\r\n", "STORED\r\n");
	REQ_IS("get lf\n", "VALUE lf 0 1\r\nz\r\nEND\r\n");
	/* Zero-length value. */
	REQ_IS("set empty 0 0 0\r\n\r\n", "STORED\r\n");
	REQ_IS("get empty\r\n", "VALUE empty 0 0\r\n\r\nEND\r\n");
	REQ_IS("set nr 0 0 1 noreply\r\nq\r\n", "");
	REQ_IS("get nr\r\n", "VALUE nr 0 1\r\nq\r\nEND\r\n");
}

static void
test_cas(void)
{
	unsigned long long cas = 0, cas2 = 0;
	char line[80];

	REQ_IS("set c 0 0 1\r\na\r\n", "STORED\r\n");
	req("gets c\r\n");
	CU_ASSERT(sscanf(reply, "VALUE c 0 1 %llu", &cas) == 1);
	CU_ASSERT(cas != 0);
	/* A write in between: the old CAS value no longer matches. */
	REQ_IS("set c 0 0 1\r\nb\r\n", "STORED\r\n");
	snprintf(line, sizeof(line), "cas c 0 0 1 %llu\r\nx\r\n", cas);
	REQ_IS(line, "EXISTS\r\n");
	req("gets c\r\n");
	CU_ASSERT(sscanf(reply, "VALUE c 0 1 %llu", &cas2) == 1);
	CU_ASSERT(cas2 != cas);
	snprintf(line, sizeof(line), "cas c 3 0 1 %llu\r\nx\r\n", cas2);
	REQ_IS(line, "STORED\r\n");
	REQ_IS("get c\r\n", "VALUE c 3 1\r\nx\r\nEND\r\n");
	REQ_IS("cas nokey 0 0 1 5\r\nx\r\n", "NOT_FOUND\r\n");
	CU_ASSERT(sh.stat[KV_ST_CAS_HITS] == 1);
	CU_ASSERT(sh.stat[KV_ST_CAS_BADVAL] == 1);
	CU_ASSERT(sh.stat[KV_ST_CAS_MISSES] == 1);
}

static void
test_delete_touch_delta(void)
{
	REQ_IS("set d 0 0 1\r\na\r\n", "STORED\r\n");
	REQ_IS("delete d\r\n", "DELETED\r\n");
	REQ_IS("delete d\r\n", "NOT_FOUND\r\n");
	REQ_IS("set d 0 0 1\r\na\r\n", "STORED\r\n");
	REQ_IS("delete d 0\r\n", "DELETED\r\n");
	REQ_IS("delete d noreply\r\n", "");
	REQ_IS("touch d 10\r\n", "NOT_FOUND\r\n");
	REQ_IS("set n 0 0 2\r\n10\r\n", "STORED\r\n");
	REQ_IS("touch n 100\r\n", "TOUCHED\r\n");
	REQ_IS("incr n 5\r\n", "15\r\n");
	REQ_IS("decr n 20\r\n", "0\r\n");
	REQ_IS("incr n 18446744073709551615\r\n", "18446744073709551615\r\n");
	REQ_IS("incr n 2\r\n", "1\r\n");	/* wraps at 2^64 */
	REQ_IS("incr nokey 1\r\n", "NOT_FOUND\r\n");
	REQ_IS("set s 0 0 3\r\nabc\r\n", "STORED\r\n");
	REQ_IS("incr s 1\r\n",
		"CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
	REQ_IS("incr n 1 noreply\r\n", "");
	REQ_IS("get n\r\n", "VALUE n 0 1\r\n2\r\nEND\r\n");
}

static void
test_misc(void)
{
	REQ_IS("version\r\n", "VERSION " KV_VERSION_STR "\r\n");
	REQ_IS("quit\r\n", "");
	req("stats\r\n");
	CU_ASSERT(strncmp(reply, "STAT pid ", 9) == 0);
	CU_ASSERT(strstr(reply, "\r\nSTAT curr_items ") != NULL);
	CU_ASSERT(strstr(reply, "\r\nSTAT shard0:get_hits ") != NULL);
	CU_ASSERT(strstr(reply, "\r\nSTAT evictions ") != NULL);
	CU_ASSERT(reply_len > 5 && strcmp(reply + reply_len - 5,
			"END\r\n") == 0);
	/* Long enough to need more than one datagram. */
	CU_ASSERT(out.n >= 2);
	REQ_IS("set f 0 0 1\r\na\r\n", "STORED\r\n");
	kv_shard_clock(&sh, 2000, 1);
	REQ_IS("flush_all\r\n", "OK\r\n");
	kv_shard_clock(&sh, 2001, 1);
	REQ_IS("get f\r\n", "END\r\n");
	REQ_IS("set f 0 0 1\r\nb\r\n", "STORED\r\n");
	REQ_IS("get f\r\n", "VALUE f 0 1\r\nb\r\nEND\r\n");
	REQ_IS("flush_all 0 noreply\r\n", "");
	REQ_IS("flush_all noreply\r\n", "");
}

/* Each malformed form, its memcached reply and the reason counted. */
static void
test_malformed(void)
{
	static const struct {
		const char *in;
		const char *out;
		int err;
	} cases[] = {
		{ "foo\r\n", "ERROR\r\n", KV_E_UNKNOWN },
		{ "\r\n", "ERROR\r\n", KV_E_UNKNOWN },
		{ "get\r\n", "ERROR\r\n", KV_E_UNKNOWN },
		{ "version x\r\n", "ERROR\r\n", KV_E_UNKNOWN },
		{ "GET k\r\n", "ERROR\r\n", KV_E_UNKNOWN },
		{ "get k", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "set k 0 0\r\n", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "set k x 0 1\r\na\r\n",
			"CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "set k 0 0 -1\r\na\r\n",
			"CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "set k 4294967296 0 1\r\na\r\n",
			"CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "set k 0 0 1 noreplyX\r\na\r\n",
			"CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "set k 0 0 1 noreply extra\r\na\r\n",
			"CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "cas k 0 0 1\r\na\r\n",
			"CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "set k 0 0 5\r\nabc\r\n", "CLIENT_ERROR bad data chunk\r\n",
			KV_E_BAD_CHUNK },
		{ "set k 0 0 3\r\nabcd\r\n", "CLIENT_ERROR bad data chunk\r\n",
			KV_E_BAD_CHUNK },
		{ "set k 0 0 3\r\nabc", "CLIENT_ERROR bad data chunk\r\n",
			KV_E_BAD_CHUNK },
		{ "set k 0 0 5000\r\nabc\r\n",
			"SERVER_ERROR object too large for cache\r\n",
			KV_E_TOO_LARGE },
		{ "delete\r\n", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "delete k 5\r\n", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "touch k\r\n", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "touch k x\r\n", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "incr k\r\n", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "incr k abc\r\n",
			"CLIENT_ERROR invalid numeric delta argument\r\n",
			KV_E_BAD_DELTA },
		{ "incr k -1\r\n",
			"CLIENT_ERROR invalid numeric delta argument\r\n",
			KV_E_BAD_DELTA },
		{ "decr k 18446744073709551616\r\n",
			"CLIENT_ERROR invalid numeric delta argument\r\n",
			KV_E_BAD_DELTA },
		{ "flush_all x\r\n", "CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
		{ "flush_all 1 2 3\r\n",
			"CLIENT_ERROR bad command line format\r\n",
			KV_E_BAD_FORMAT },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		uint64_t before = sh.err[cases[i].err];
		int e = req(cases[i].in);

		CU_ASSERT(e == cases[i].err);
		CU_ASSERT_STRING_EQUAL(reply, cases[i].out);
		CU_ASSERT(sh.err[cases[i].err] == before + 1);
		if (e != cases[i].err || strcmp(reply, cases[i].out) != 0)
			printf("\n  case %u '%s': err %d (%s) reply '%s'\n", i,
					cases[i].in, e, kv_err_name(e), reply);
	}
}

static void
test_key_limits(void)
{
	char line[4096], key[KV_KEY_MAX + 2];
	int n, i;

	memset(key, 'k', sizeof(key));
	key[KV_KEY_MAX] = '\0';
	n = snprintf(line, sizeof(line), "set %s 0 0 1\r\na\r\n", key);
	CU_ASSERT(req_n(line, (uint32_t)n) == KV_OK);
	CU_ASSERT_STRING_EQUAL(reply, "STORED\r\n");
	key[KV_KEY_MAX] = 'k';
	key[KV_KEY_MAX + 1] = '\0';
	n = snprintf(line, sizeof(line), "get %s\r\n", key);
	CU_ASSERT(req_n(line, (uint32_t)n) == KV_E_KEY_TOO_LONG);
	CU_ASSERT_STRING_EQUAL(reply, "CLIENT_ERROR bad command line format\r\n");
	n = snprintf(line, sizeof(line), "set %s 0 0 1\r\na\r\n", key);
	CU_ASSERT(req_n(line, (uint32_t)n) == KV_E_KEY_TOO_LONG);
	/* KV_MAX_KEYS keys are served, one more is refused. */
	n = snprintf(line, sizeof(line), "get");
	for (i = 0; i < KV_MAX_KEYS; i++)
		n += snprintf(line + n, sizeof(line) - n, " m%d", i);
	n += snprintf(line + n, sizeof(line) - n, "\r\n");
	CU_ASSERT(req_n(line, (uint32_t)n) == KV_OK);
	CU_ASSERT_STRING_EQUAL(reply, "END\r\n");
	n = snprintf(line, sizeof(line), "get");
	for (i = 0; i <= KV_MAX_KEYS; i++)
		n += snprintf(line + n, sizeof(line) - n, " m%d", i);
	n += snprintf(line + n, sizeof(line) - n, "\r\n");
	CU_ASSERT(req_n(line, (uint32_t)n) == KV_E_TOO_MANY_KEYS);
	CU_ASSERT_STRING_EQUAL(reply, "CLIENT_ERROR bad command line format\r\n");
}

/* A reply longer than a datagram is cut at KV_SEG_MAX; one longer than
 * KV_MAX_DGRAMS datagrams fails. */
static void
test_segments(void)
{
	char line[2048], val[1500];
	unsigned int i;
	int n;

	memset(val, 'v', sizeof(val));
	for (i = 0; i < 4; i++) {
		n = snprintf(line, sizeof(line), "set big%u 0 0 1500\r\n", i);
		memcpy(line + n, val, 1500);
		memcpy(line + n + 1500, "\r\n", 2);
		CU_ASSERT(req_n(line, (uint32_t)n + 1502) == KV_OK);
		CU_ASSERT_STRING_EQUAL(reply, "STORED\r\n");
	}
	req("get big0 big1 big2 big3\r\n");
	CU_ASSERT(out.n == 5);	/* 4 x ~1520 bytes in 1392-byte pieces */
	for (i = 0; i + 1 < out.n; i++)
		CU_ASSERT(out.len[i] == KV_SEG_MAX);
	CU_ASSERT(reply_len == 4 * (strlen("VALUE big0 0 1500\r\n") + 1502) + 5);
	CU_ASSERT(strcmp(reply + reply_len - 5, "END\r\n") == 0);

	out_init(&out, 16);
	for (i = 0; i < KV_MAX_DGRAMS; i++)
		kv_out_put(&out, val, 16);
	CU_ASSERT(out.n == KV_MAX_DGRAMS && !out.failed);
	kv_out_put(&out, val, 1);
	CU_ASSERT(out.failed);
	kv_out_reset(&out);
	CU_ASSERT(out.n == 0 && !out.failed && out.nalloc == KV_MAX_DGRAMS);
}

/* ---- Binary ------------------------------------------------------------- */

static uint32_t
bin_req(char *b, uint8_t op, const char *key, const void *ext, uint8_t elen,
		const char *val, uint32_t vlen, uint64_t cas)
{
	uint16_t klen = key ? (uint16_t)strlen(key) : 0;
	uint32_t body = klen + elen + vlen, be;
	uint64_t c = rte_cpu_to_be_64(cas);

	memset(b, 0, KV_BIN_HDR);
	b[0] = (char)KV_BIN_REQ;
	b[1] = (char)op;
	b[2] = (char)(klen >> 8);
	b[3] = (char)klen;
	b[4] = (char)elen;
	be = rte_cpu_to_be_32(body);
	memcpy(b + 8, &be, 4);
	memcpy(b + 12, "OPAQ", 4);
	memcpy(b + 16, &c, 8);
	if (elen != 0)
		memcpy(b + KV_BIN_HDR, ext, elen);
	if (klen != 0)
		memcpy(b + KV_BIN_HDR + elen, key, klen);
	if (vlen != 0)
		memcpy(b + KV_BIN_HDR + elen + klen, val, vlen);
	return KV_BIN_HDR + body;
}

static uint16_t
res_status(void)
{
	return (uint16_t)((uint8_t)reply[6] << 8 | (uint8_t)reply[7]);
}

static uint32_t
res_body(void)
{
	uint32_t v;

	memcpy(&v, reply + 8, 4);
	return rte_be_to_cpu_32(v);
}

static void
test_binary(void)
{
	char b[512];
	uint8_t ext[20];
	uint32_t n;
	uint64_t d;

	/* set: flags 0x01020304, no expiry */
	memset(ext, 0, sizeof(ext));
	ext[0] = 1; ext[1] = 2; ext[2] = 3; ext[3] = 4;
	n = bin_req(b, 0x01, "bk", ext, 8, "hello", 5, 0);
	CU_ASSERT(req_n(b, n) == KV_OK);
	CU_ASSERT(reply_len == KV_BIN_HDR);
	CU_ASSERT((uint8_t)reply[0] == KV_BIN_RES && reply[1] == 0x01);
	CU_ASSERT(res_status() == KV_BIN_OK);
	CU_ASSERT(memcmp(reply + 12, "OPAQ", 4) == 0);
	/* get: flags in the extras, then the value */
	n = bin_req(b, 0x00, "bk", NULL, 0, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_OK && reply[4] == 4);
	CU_ASSERT(res_body() == 4 + 5);
	CU_ASSERT(memcmp(reply + KV_BIN_HDR, "\x01\x02\x03\x04hello", 9) == 0);
	/* getk: the key too */
	n = bin_req(b, 0x0c, "bk", NULL, 0, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_body() == 4 + 2 + 5);
	CU_ASSERT(memcmp(reply + KV_BIN_HDR + 4, "bkhello", 7) == 0);
	/* get miss answers "not found", getq miss says nothing */
	n = bin_req(b, 0x00, "nokey", NULL, 0, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_KEY_ENOENT);
	n = bin_req(b, 0x09, "nokey", NULL, 0, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(reply_len == 0);
	/* setq succeeds silently; add of an existing key fails */
	n = bin_req(b, 0x11, "bq", ext, 8, "x", 1, 0);
	req_n(b, n);
	CU_ASSERT(reply_len == 0);
	n = bin_req(b, 0x02, "bq", ext, 8, "y", 1, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_KEY_EEXISTS ||
		res_status() == KV_BIN_NOT_STORED);
	/* replace of a missing key: not found */
	n = bin_req(b, 0x03, "none", ext, 8, "y", 1, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_KEY_ENOENT);
	/* set with a wrong CAS: exists */
	n = bin_req(b, 0x01, "bk", ext, 8, "z", 1, 12345);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_KEY_EEXISTS);
	/* incr: create with the initial value, then add */
	memset(ext, 0, sizeof(ext));
	d = rte_cpu_to_be_64(5);
	memcpy(ext, &d, 8);
	d = rte_cpu_to_be_64(100);
	memcpy(ext + 8, &d, 8);
	n = bin_req(b, 0x05, "ctr", ext, 20, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_OK && res_body() == 8);
	memcpy(&d, reply + KV_BIN_HDR, 8);
	CU_ASSERT(rte_be_to_cpu_64(d) == 100);
	req_n(b, n);
	memcpy(&d, reply + KV_BIN_HDR, 8);
	CU_ASSERT(rte_be_to_cpu_64(d) == 105);
	/* exptime 0xffffffff: no create */
	memset(ext + 16, 0xff, 4);
	n = bin_req(b, 0x06, "ctr2", ext, 20, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_KEY_ENOENT);
	/* delete, noop, version */
	n = bin_req(b, 0x04, "bk", NULL, 0, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_OK);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_KEY_ENOENT);
	n = bin_req(b, 0x0a, NULL, NULL, 0, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(reply_len == KV_BIN_HDR && res_status() == KV_BIN_OK);
	n = bin_req(b, 0x0b, NULL, NULL, 0, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_body() == strlen(KV_VERSION_STR));
	/* touch */
	memset(ext, 0, 4);
	n = bin_req(b, 0x1c, "ctr", ext, 4, NULL, 0, 0);
	req_n(b, n);
	CU_ASSERT(res_status() == KV_BIN_OK);
}

static void
test_binary_malformed(void)
{
	char b[512];
	uint8_t ext[20] = { 0 };
	uint32_t n, be;

	/* shorter than a header */
	n = bin_req(b, 0x00, "k", NULL, 0, NULL, 0, 0);
	CU_ASSERT(req_n(b, 10) == KV_E_BAD_BINARY);
	CU_ASSERT(reply_len == KV_BIN_HDR && res_status() == KV_BIN_EINVAL);
	/* body longer than the datagram */
	CU_ASSERT(req_n(b, n - 1) == KV_E_BAD_BINARY);
	CU_ASSERT(res_status() == KV_BIN_EINVAL);
	/* key and extras longer than the body */
	be = rte_cpu_to_be_32(0);
	memcpy(b + 8, &be, 4);
	CU_ASSERT(req_n(b, n) == KV_E_BAD_BINARY);
	/* set without its 8 bytes of extras */
	n = bin_req(b, 0x01, "k", ext, 4, "v", 1, 0);
	CU_ASSERT(req_n(b, n) == KV_E_BAD_BINARY);
	/* get without a key; get with a value */
	n = bin_req(b, 0x00, NULL, NULL, 0, NULL, 0, 0);
	CU_ASSERT(req_n(b, n) == KV_E_BAD_BINARY);
	n = bin_req(b, 0x00, "k", NULL, 0, "v", 1, 0);
	CU_ASSERT(req_n(b, n) == KV_E_BAD_BINARY);
	/* quiet requests still hear their errors */
	n = bin_req(b, 0x11, "k", ext, 2, "v", 1, 0);
	CU_ASSERT(req_n(b, n) == KV_E_BAD_BINARY);
	CU_ASSERT(reply_len == KV_BIN_HDR && res_status() == KV_BIN_EINVAL);
	/* unknown opcodes */
	n = bin_req(b, 0x50, NULL, NULL, 0, NULL, 0, 0);
	CU_ASSERT(req_n(b, n) == KV_E_UNKNOWN_BINARY);
	CU_ASSERT(res_status() == KV_BIN_UNKNOWN);
	n = bin_req(b, 0x10, NULL, NULL, 0, NULL, 0, 0);
	CU_ASSERT(req_n(b, n) == KV_E_UNKNOWN_BINARY);
}

/* Random bytes never crash the parser and always get a reason. */
static void
test_garbage(void)
{
	char b[256];
	unsigned int i, j, bad = 0;
	struct kv_req r;

	srand(7);
	for (i = 0; i < 20000; i++) {
		uint32_t len = (uint32_t)(rand() % sizeof(b));

		for (j = 0; j < len; j++)
			b[j] = (char)(rand() % 4 == 0 ? ' ' : rand());
		if (i % 2)
			b[0] = (char)KV_BIN_REQ;
		if (kv_parse(b, len, &r) != KV_OK)
			bad++;
		CU_ASSERT(r.err < KV_E_MAX);
		CU_ASSERT(r.nkeys <= KV_MAX_KEYS);
		CU_ASSERT(r.err != KV_OK ||
			(uint32_t)r.val_off + r.vlen <= len);
	}
	CU_ASSERT(bad > 19000);
}

static CU_TestInfo tests[] = {
	{ "set get add replace append prepend noreply", test_storage },
	{ "gets and cas: a write in between makes EXISTS", test_cas },
	{ "delete touch incr decr", test_delete_touch_delta },
	{ "version quit stats flush_all", test_misc },
	{ "malformed requests: memcached's reply, counted", test_malformed },
	{ "key length and key count limits", test_key_limits },
	{ "replies cut into datagrams; overflow", test_segments },
	{ "binary get set add replace delete incr touch", test_binary },
	{ "binary malformed and unknown", test_binary_malformed },
	{ "random bytes", test_garbage },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "kv_proto", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
