/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memcached's request syntax (protocol.txt and protocol_binary.h) and the
 * reply writer.  Pure functions of their input: the unit tests and the
 * fuzzer feed them byte strings.
 *
 * One datagram holds one request (memcached's UDP rule: a request fits in
 * a datagram); bytes after the first complete request are ignored.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>

#include "kv.h"

static const char *const err_names[KV_E_MAX] = {
	[KV_OK] = "ok",
#define _(sym, name, reply) [KV_E_ ## sym] = name,
	foreach_kv_err(_)
#undef _
};

static const char *const err_replies[KV_E_MAX] = {
	[KV_OK] = NULL,
#define _(sym, name, reply) [KV_E_ ## sym] = reply,
	foreach_kv_err(_)
#undef _
};

const char *
kv_err_name(unsigned int e)
{
	return e < KV_E_MAX ? err_names[e] : "?";
}

const char *
kv_err_reply(unsigned int e)
{
	return e < KV_E_MAX ? err_replies[e] : NULL;
}

/* rte_hash_crc() loads 4 and 8 bytes at a time from wherever the key is;
 * keys sit at any offset in a datagram, so load them with memcpy. */
uint32_t
kv_hash(const void *key, uint32_t len)
{
	const uint8_t *p = key;
	uint32_t h = 0x9e3779b9;
	uint64_t v;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		h = rte_hash_crc_8byte(v, h);
	}
	for (; len > 0; p++, len--)
		h = rte_hash_crc_1byte(*p, h);
	return h;
}

/* ---- ASCII -------------------------------------------------------------- */

#define MAX_TOKENS (KV_MAX_KEYS + 2)

struct tok {
	const char *s;
	uint32_t len;
};

static int
tok_is(const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->len == n && memcmp(t->s, word, n) == 0;
}

/* Decimal, no sign, fits in max. */
static int
tok_u64(const struct tok *t, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	uint32_t i;

	if (t->len == 0 || t->len > 20)
		return -EINVAL;
	for (i = 0; i < t->len; i++) {
		unsigned int d = (unsigned char)t->s[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (x > (UINT64_MAX - d) / 10)
			return -ERANGE;
		x = x * 10 + d;
	}
	if (x > max)
		return -ERANGE;
	*v = x;
	return 0;
}

/* Signed 32-bit decimal (exptime may be negative: expire at once). */
static int
tok_i32(const struct tok *t, int64_t *v)
{
	struct tok u = *t;
	uint64_t x;
	int neg = 0;

	if (u.len > 0 && u.s[0] == '-') {
		neg = 1;
		u.s++;
		u.len--;
	}
	if (tok_u64(&u, (uint64_t)INT32_MAX + neg, &x) != 0)
		return -EINVAL;
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

static int
set_key(struct kv_req *r, const struct tok *t)
{
	if (t->len > KV_KEY_MAX)
		return KV_E_KEY_TOO_LONG;
	if (r->nkeys == KV_MAX_KEYS)
		return KV_E_TOO_MANY_KEYS;
	r->key_off[r->nkeys] = (uint16_t)(t->s - r->base);
	r->key_len[r->nkeys] = (uint8_t)t->len;
	r->key_hash[r->nkeys] = kv_hash(t->s, t->len);
	r->nkeys++;
	return KV_OK;
}

/* The optional last token: "noreply" or nothing. */
static int
opt_noreply(struct kv_req *r, const struct tok *tk, unsigned int ntok,
		unsigned int at)
{
	if (ntok == at)
		return KV_OK;
	if (ntok == at + 1 && tok_is(&tk[at], "noreply")) {
		r->noreply = 1;
		return KV_OK;
	}
	return KV_E_BAD_FORMAT;
}

static const struct {
	const char *name;
	uint8_t cmd;
} ascii_cmds[] = {
	{ "get", KV_CMD_GET }, { "gets", KV_CMD_GETS },
	{ "set", KV_CMD_SET }, { "add", KV_CMD_ADD },
	{ "replace", KV_CMD_REPLACE }, { "append", KV_CMD_APPEND },
	{ "prepend", KV_CMD_PREPEND }, { "cas", KV_CMD_CAS },
	{ "delete", KV_CMD_DELETE }, { "touch", KV_CMD_TOUCH },
	{ "incr", KV_CMD_INCR }, { "decr", KV_CMD_DECR },
	{ "flush_all", KV_CMD_FLUSH_ALL }, { "version", KV_CMD_VERSION },
	{ "stats", KV_CMD_STATS }, { "quit", KV_CMD_QUIT },
};

static int
parse_storage(struct kv_req *r, const struct tok *tk, unsigned int ntok,
		const char *data, uint32_t avail)
{
	unsigned int want = r->cmd == KV_CMD_CAS ? 6 : 5;
	uint64_t flags, bytes;
	int rc;

	if (ntok < want || ntok > want + 1)
		return KV_E_BAD_FORMAT;
	rc = set_key(r, &tk[1]);
	if (rc != KV_OK)
		return rc == KV_E_TOO_MANY_KEYS ? KV_E_BAD_FORMAT : rc;
	if (tok_u64(&tk[2], UINT32_MAX, &flags) != 0 ||
			tok_i32(&tk[3], &r->exptime) != 0 ||
			tok_u64(&tk[4], INT32_MAX, &bytes) != 0)
		return KV_E_BAD_FORMAT;
	if (r->cmd == KV_CMD_CAS && tok_u64(&tk[5], UINT64_MAX, &r->cas) != 0)
		return KV_E_BAD_FORMAT;
	rc = opt_noreply(r, tk, ntok, want);
	if (rc != KV_OK)
		return rc;
	r->flags = (uint32_t)flags;
	r->vlen = (uint32_t)bytes;
	if (bytes > KV_ITEM_MAX)
		return KV_E_TOO_LARGE;
	/* The value and its "\r\n" must be in the datagram. */
	if ((uint64_t)avail < bytes + 2 || data[bytes] != '\r' ||
			data[bytes + 1] != '\n')
		return KV_E_BAD_CHUNK;
	r->val_off = (uint16_t)(data - r->base);
	return KV_OK;
}

static int
parse_ascii(const char *p, uint32_t len, struct kv_req *r)
{
	struct tok tk[MAX_TOKENS];
	const char *nl, *end, *s;
	unsigned int ntok = 0, i;
	uint64_t v;
	int rc;

	nl = memchr(p, '\n', len);
	if (nl == NULL)
		return KV_E_BAD_FORMAT;
	end = nl;
	if (end > p && end[-1] == '\r')
		end--;
	for (s = p; s < end; ) {
		while (s < end && *s == ' ')
			s++;
		if (s == end)
			break;
		if (ntok == MAX_TOKENS) {
			/* Only a get may be this long. */
			ntok++;
			break;
		}
		tk[ntok].s = s;
		while (s < end && *s != ' ')
			s++;
		tk[ntok].len = (uint32_t)(s - tk[ntok].s);
		ntok++;
	}
	if (ntok == 0)
		return KV_E_UNKNOWN;
	for (i = 0; i < RTE_DIM(ascii_cmds); i++)
		if (tok_is(&tk[0], ascii_cmds[i].name))
			break;
	if (i == RTE_DIM(ascii_cmds))
		return KV_E_UNKNOWN;
	r->cmd = ascii_cmds[i].cmd;

	switch (r->cmd) {
	case KV_CMD_GET:
	case KV_CMD_GETS:
		if (ntok < 2)
			return KV_E_UNKNOWN;	/* memcached: "ERROR" */
		if (ntok > MAX_TOKENS - 1)
			return KV_E_TOO_MANY_KEYS;
		for (i = 1; i < ntok; i++) {
			rc = set_key(r, &tk[i]);
			if (rc != KV_OK)
				return rc;
		}
		return KV_OK;
	case KV_CMD_SET:
	case KV_CMD_ADD:
	case KV_CMD_REPLACE:
	case KV_CMD_APPEND:
	case KV_CMD_PREPEND:
	case KV_CMD_CAS:
		return parse_storage(r, tk, ntok, nl + 1,
				(uint32_t)(p + len - (nl + 1)));
	case KV_CMD_DELETE:
		if (ntok < 2 || ntok > 4)
			return KV_E_BAD_FORMAT;
		rc = set_key(r, &tk[1]);
		if (rc != KV_OK)
			return rc;
		/* "delete <key> 0" is the old form with a zero time. */
		if (ntok >= 3 && tok_is(&tk[2], "0"))
			return opt_noreply(r, tk, ntok, 3);
		return opt_noreply(r, tk, ntok, 2);
	case KV_CMD_TOUCH:
		if (ntok < 3 || ntok > 4)
			return KV_E_BAD_FORMAT;
		rc = set_key(r, &tk[1]);
		if (rc != KV_OK)
			return rc;
		if (tok_i32(&tk[2], &r->exptime) != 0)
			return KV_E_BAD_FORMAT;
		return opt_noreply(r, tk, ntok, 3);
	case KV_CMD_INCR:
	case KV_CMD_DECR:
		if (ntok < 3 || ntok > 4)
			return KV_E_BAD_FORMAT;
		rc = set_key(r, &tk[1]);
		if (rc != KV_OK)
			return rc;
		rc = opt_noreply(r, tk, ntok, 3);
		if (rc != KV_OK)
			return rc;
		if (tok_u64(&tk[2], UINT64_MAX, &r->delta) != 0)
			return KV_E_BAD_DELTA;
		return KV_OK;
	case KV_CMD_FLUSH_ALL:
		if (ntok > 3)
			return KV_E_BAD_FORMAT;
		if (ntok >= 2 && tok_is(&tk[ntok - 1], "noreply")) {
			r->noreply = 1;
			ntok--;
		}
		if (ntok == 2) {
			if (tok_u64(&tk[1], INT32_MAX, &v) != 0)
				return KV_E_BAD_FORMAT;
			r->delta = v;
		} else if (ntok == 3) {
			return KV_E_BAD_FORMAT;
		}
		return KV_OK;
	case KV_CMD_VERSION:
	case KV_CMD_QUIT:
		return ntok == 1 ? KV_OK : KV_E_UNKNOWN;
	case KV_CMD_STATS:
		/* "stats <group>": the general group is all there is. */
		return KV_OK;
	}
	return KV_E_UNKNOWN;
}

/* ---- Binary ------------------------------------------------------------- */

enum bin_op {
	OP_GET = 0x00, OP_SET = 0x01, OP_ADD = 0x02, OP_REPLACE = 0x03,
	OP_DELETE = 0x04, OP_INCR = 0x05, OP_DECR = 0x06, OP_QUIT = 0x07,
	OP_FLUSH = 0x08, OP_GETQ = 0x09, OP_NOOP = 0x0a, OP_VERSION = 0x0b,
	OP_GETK = 0x0c, OP_GETKQ = 0x0d, OP_APPEND = 0x0e, OP_PREPEND = 0x0f,
	OP_SETQ = 0x11, OP_ADDQ = 0x12, OP_REPLACEQ = 0x13, OP_DELETEQ = 0x14,
	OP_INCRQ = 0x15, OP_DECRQ = 0x16, OP_QUITQ = 0x17, OP_FLUSHQ = 0x18,
	OP_APPENDQ = 0x19, OP_PREPENDQ = 0x1a, OP_TOUCH = 0x1c,
};

/* Per opcode: command, quiet, with key in reply, extras length (-1:
 * 0 or 4), key needed, value allowed. */
struct bin_def {
	uint8_t cmd;
	uint8_t quiet;
	uint8_t with_key;
	int8_t ext;
	uint8_t key;
	uint8_t value;
};

static const struct bin_def bin_defs[0x1d] = {
	[OP_GET] = { KV_CMD_GET, 0, 0, 0, 1, 0 },
	[OP_GETQ] = { KV_CMD_GET, 1, 0, 0, 1, 0 },
	[OP_GETK] = { KV_CMD_GET, 0, 1, 0, 1, 0 },
	[OP_GETKQ] = { KV_CMD_GET, 1, 1, 0, 1, 0 },
	[OP_SET] = { KV_CMD_SET, 0, 0, 8, 1, 1 },
	[OP_SETQ] = { KV_CMD_SET, 1, 0, 8, 1, 1 },
	[OP_ADD] = { KV_CMD_ADD, 0, 0, 8, 1, 1 },
	[OP_ADDQ] = { KV_CMD_ADD, 1, 0, 8, 1, 1 },
	[OP_REPLACE] = { KV_CMD_REPLACE, 0, 0, 8, 1, 1 },
	[OP_REPLACEQ] = { KV_CMD_REPLACE, 1, 0, 8, 1, 1 },
	[OP_APPEND] = { KV_CMD_APPEND, 0, 0, 0, 1, 1 },
	[OP_APPENDQ] = { KV_CMD_APPEND, 1, 0, 0, 1, 1 },
	[OP_PREPEND] = { KV_CMD_PREPEND, 0, 0, 0, 1, 1 },
	[OP_PREPENDQ] = { KV_CMD_PREPEND, 1, 0, 0, 1, 1 },
	[OP_DELETE] = { KV_CMD_DELETE, 0, 0, 0, 1, 0 },
	[OP_DELETEQ] = { KV_CMD_DELETE, 1, 0, 0, 1, 0 },
	[OP_INCR] = { KV_CMD_INCR, 0, 0, 20, 1, 0 },
	[OP_INCRQ] = { KV_CMD_INCR, 1, 0, 20, 1, 0 },
	[OP_DECR] = { KV_CMD_DECR, 0, 0, 20, 1, 0 },
	[OP_DECRQ] = { KV_CMD_DECR, 1, 0, 20, 1, 0 },
	[OP_QUIT] = { KV_CMD_QUIT, 0, 0, 0, 0, 0 },
	[OP_QUITQ] = { KV_CMD_QUIT, 1, 0, 0, 0, 0 },
	[OP_FLUSH] = { KV_CMD_FLUSH_ALL, 0, 0, -1, 0, 0 },
	[OP_FLUSHQ] = { KV_CMD_FLUSH_ALL, 1, 0, -1, 0, 0 },
	[OP_NOOP] = { KV_CMD_NOOP, 0, 0, 0, 0, 0 },
	[OP_VERSION] = { KV_CMD_VERSION, 0, 0, 0, 0, 0 },
	[OP_TOUCH] = { KV_CMD_TOUCH, 0, 0, 4, 1, 0 },
};

static uint32_t
be32_at(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

static uint64_t
be64_at(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return rte_be_to_cpu_64(v);
}

static int
parse_binary(const char *p, uint32_t len, struct kv_req *r)
{
	const struct bin_def *d;
	uint32_t body, klen, elen, vlen;
	const char *ext;
	struct tok key;

	r->binary = 1;
	if (len < KV_BIN_HDR)
		return KV_E_BAD_BINARY;
	r->bin_opcode = (uint8_t)p[1];
	memcpy(&r->opaque, p + 12, 4);
	r->cas = be64_at(p + 16);
	klen = (uint32_t)((uint8_t)p[2] << 8 | (uint8_t)p[3]);
	elen = (uint8_t)p[4];
	body = be32_at(p + 8);
	if ((uint64_t)body + KV_BIN_HDR > len || klen + elen > body)
		return KV_E_BAD_BINARY;
	vlen = body - klen - elen;
	if (r->bin_opcode >= RTE_DIM(bin_defs) ||
			bin_defs[r->bin_opcode].cmd == KV_CMD_NONE)
		return KV_E_UNKNOWN_BINARY;
	d = &bin_defs[r->bin_opcode];
	r->cmd = d->cmd;
	r->noreply = d->quiet;
	r->bin_with_key = d->with_key;
	if ((d->ext >= 0 && elen != (uint32_t)d->ext) ||
			(d->ext < 0 && elen != 0 && elen != 4) ||
			(d->key && klen == 0) || (!d->key && klen != 0) ||
			(!d->value && vlen != 0))
		return KV_E_BAD_BINARY;
	ext = p + KV_BIN_HDR;
	key.s = ext + elen;
	key.len = klen;
	if (d->key) {
		if (klen > KV_KEY_MAX)
			return KV_E_BAD_BINARY;
		set_key(r, &key);
	}
	switch (r->cmd) {
	case KV_CMD_SET:
	case KV_CMD_ADD:
	case KV_CMD_REPLACE:
		r->flags = be32_at(ext);
		r->exptime = (int32_t)be32_at(ext + 4);
		/* fall through */
	case KV_CMD_APPEND:
	case KV_CMD_PREPEND:
		/* A set with a CAS value is memcached's binary cas. */
		if (r->cmd == KV_CMD_SET && r->cas != 0)
			r->cmd = KV_CMD_CAS;
		r->vlen = vlen;
		r->val_off = (uint16_t)(key.s + klen - r->base);
		if (vlen > KV_ITEM_MAX)
			return KV_E_TOO_LARGE;
		break;
	case KV_CMD_INCR:
	case KV_CMD_DECR:
		r->delta = be64_at(ext);
		r->initial = be64_at(ext + 8);
		r->bin_exp_miss = be32_at(ext + 16);
		r->exptime = (int32_t)r->bin_exp_miss;
		break;
	case KV_CMD_TOUCH:
		r->exptime = (int32_t)be32_at(ext);
		break;
	case KV_CMD_FLUSH_ALL:
		r->delta = elen == 4 ? be32_at(ext) : 0;
		break;
	default:
		break;
	}
	return KV_OK;
}

int
kv_parse(const char *p, uint32_t len, struct kv_req *r)
{
	r->base = p;
	r->cmd = KV_CMD_NONE;
	r->binary = 0;
	r->noreply = 0;
	r->bin_with_key = 0;
	r->nkeys = 0;
	r->vlen = 0;
	r->val_off = 0;
	r->flags = 0;
	r->exptime = 0;
	r->cas = 0;
	r->delta = 0;
	r->initial = 0;
	r->opaque = 0;
	if (len > 0 && (uint8_t)p[0] == KV_BIN_REQ)
		r->err = (uint8_t)parse_binary(p, len, r);
	else
		r->err = (uint8_t)parse_ascii(p, len, r);
	return r->err;
}

/* ---- Reply writer ------------------------------------------------------- */

void
kv_out_put(struct kv_out *o, const void *data, uint32_t len)
{
	const char *s = data;
	uint32_t room, k;

	while (len != 0 && !o->failed) {
		if (o->n == 0 || o->len[o->n - 1] == o->cap) {
			char *seg;

			if (o->n == KV_MAX_DGRAMS) {
				o->failed = 1;
				return;
			}
			if (o->n < o->nalloc) {
				seg = o->seg[o->n];
			} else {
				seg = o->alloc(o, o->n);
				if (seg == NULL) {
					o->failed = 1;
					return;
				}
				o->seg[o->n] = seg;
				o->nalloc = o->n + 1;
			}
			o->len[o->n] = 0;
			o->n++;
		}
		room = o->cap - o->len[o->n - 1];
		k = RTE_MIN(room, len);
		memcpy(o->seg[o->n - 1] + o->len[o->n - 1], s, k);
		o->len[o->n - 1] += k;
		s += k;
		len -= k;
	}
}

void
kv_out_str(struct kv_out *o, const char *s)
{
	kv_out_put(o, s, (uint32_t)strlen(s));
}

void
kv_out_u64(struct kv_out *o, uint64_t v)
{
	char buf[20];
	int i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	kv_out_put(o, buf + i, (uint32_t)(sizeof(buf) - i));
}

void
kv_out_reset(struct kv_out *o)
{
	unsigned int i;

	for (i = 0; i < o->n; i++)
		o->len[i] = 0;
	/* Segments stay allocated (nalloc) and are filled again. */
	o->n = 0;
	o->failed = 0;
}
