/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A parsed request run against its shard, the reply written in memcached's
 * words (ASCII) or frames (binary).  Runs on the shard's owner only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>

#include "kv.h"

static void
ascii(struct kv_out *o, const struct kv_req *r, const char *s)
{
	if (!r->noreply)
		kv_out_str(o, s);
}

/* A binary reply header.  Quiet requests answer only failures. */
static int
bin_hdr(struct kv_out *o, const struct kv_req *r, uint16_t status,
		uint16_t klen, uint8_t elen, uint32_t vlen, uint64_t cas)
{
	uint8_t h[KV_BIN_HDR];
	uint32_t body = (uint32_t)klen + elen + vlen;

	if (r->noreply && (status == KV_BIN_OK ||
			(status == KV_BIN_KEY_ENOENT && r->cmd == KV_CMD_GET)))
		return 0;
	h[0] = KV_BIN_RES;
	h[1] = r->bin_opcode;
	h[2] = (uint8_t)(klen >> 8);
	h[3] = (uint8_t)klen;
	h[4] = elen;
	h[5] = 0;
	h[6] = (uint8_t)(status >> 8);
	h[7] = (uint8_t)status;
	body = rte_cpu_to_be_32(body);
	memcpy(h + 8, &body, 4);
	memcpy(h + 12, &r->opaque, 4);
	cas = rte_cpu_to_be_64(cas);
	memcpy(h + 16, &cas, 8);
	kv_out_put(o, h, sizeof(h));
	return 1;
}

static void
bin_status(struct kv_out *o, const struct kv_req *r, uint16_t status,
		uint64_t cas)
{
	bin_hdr(o, r, status, 0, 0, 0, cas);
}

static const char *
key_of(const struct kv_req *r, unsigned int i)
{
	return r->base + r->key_off[i];
}

static void
get_one(struct kv_shard *sh, const struct kv_req *r, unsigned int i,
		struct kv_out *o)
{
	struct kv_item *it = kv_store_get(sh, key_of(r, i), r->key_len[i],
			r->key_hash[i]);
	uint32_t flags;

	sh->stat[KV_ST_CMD_GET]++;
	sh->stat[it != NULL ? KV_ST_GET_HITS : KV_ST_GET_MISSES]++;
	if (r->binary) {
		uint16_t klen = r->bin_with_key ? r->key_len[i] : 0;

		if (it == NULL) {
			if (bin_hdr(o, r, KV_BIN_KEY_ENOENT, klen, 0, 0, 0) &&
					klen != 0)
				kv_out_put(o, key_of(r, i), klen);
			return;
		}
		if (!bin_hdr(o, r, KV_BIN_OK, klen, 4, it->vlen, it->cas))
			return;
		flags = rte_cpu_to_be_32(it->flags);
		kv_out_put(o, &flags, 4);
		kv_out_put(o, key_of(r, i), klen);
		kv_out_put(o, kv_item_val(it), it->vlen);
		return;
	}
	if (it == NULL)
		return;
	kv_out_put(o, "VALUE ", 6);
	kv_out_put(o, kv_item_key(it), it->klen);
	kv_out_put(o, " ", 1);
	kv_out_u64(o, it->flags);
	kv_out_put(o, " ", 1);
	kv_out_u64(o, it->vlen);
	if (r->cmd == KV_CMD_GETS) {
		kv_out_put(o, " ", 1);
		kv_out_u64(o, it->cas);
	}
	kv_out_put(o, "\r\n", 2);
	kv_out_put(o, kv_item_val(it), it->vlen);
	kv_out_put(o, "\r\n", 2);
}

static void
store(struct kv_shard *sh, const struct kv_req *r, struct kv_out *o)
{
	static const char *const words[] = {
		[KV_STORED] = "STORED\r\n",
		[KV_NOT_STORED] = "NOT_STORED\r\n",
		[KV_EXISTS] = "EXISTS\r\n",
		[KV_NOT_FOUND] = "NOT_FOUND\r\n",
	};
	static const uint16_t bin[] = {
		[KV_STORED] = KV_BIN_OK,
		[KV_NOT_STORED] = KV_BIN_NOT_STORED,
		[KV_EXISTS] = KV_BIN_KEY_EEXISTS,
		[KV_NOT_FOUND] = KV_BIN_KEY_ENOENT,
	};
	uint64_t cas = 0;
	enum kv_res res;

	sh->stat[KV_ST_CMD_SET]++;
	res = kv_store_put(sh, r->cmd, key_of(r, 0), r->key_len[0],
			r->key_hash[0], r->flags, kv_exptime(sh, r->exptime),
			r->base + r->val_off, r->vlen, r->cas, &cas);
	if (r->cmd == KV_CMD_CAS)
		sh->stat[res == KV_STORED ? KV_ST_CAS_HITS :
			res == KV_EXISTS ? KV_ST_CAS_BADVAL :
			KV_ST_CAS_MISSES]++;
	/* A binary replace/append of a missing key is "not found". */
	if (r->binary && res == KV_NOT_STORED && r->cmd != KV_CMD_ADD)
		res = KV_NOT_FOUND;
	if (res == KV_RES_TOO_LARGE || res == KV_NO_MEM) {
		unsigned int e = res == KV_NO_MEM ? KV_E_NO_MEMORY :
			KV_E_TOO_LARGE;

		sh->err[e]++;
		if (r->binary)
			bin_status(o, r, res == KV_NO_MEM ? KV_BIN_ENOMEM :
					KV_BIN_E2BIG, 0);
		else
			kv_out_str(o, e == KV_E_NO_MEMORY ?
				"SERVER_ERROR out of memory storing object\r\n" :
				"SERVER_ERROR object too large for cache\r\n");
		return;
	}
	if (r->binary)
		bin_status(o, r, bin[res], res == KV_STORED ? cas : 0);
	else
		ascii(o, r, words[res]);
}

static void
delta(struct kv_shard *sh, const struct kv_req *r, struct kv_out *o)
{
	int decr = r->cmd == KV_CMD_DECR;
	uint64_t v = 0, cas = 0, be;
	enum kv_res res;
	char buf[24];
	int n;

	res = kv_store_delta(sh, key_of(r, 0), r->key_len[0], r->key_hash[0],
			decr, r->delta, &v, &cas);
	if (res == KV_NOT_FOUND && r->binary && r->bin_exp_miss != UINT32_MAX) {
		/* Binary incr creates the counter with its initial value. */
		v = r->initial;
		n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
		res = kv_store_put(sh, KV_CMD_ADD, key_of(r, 0), r->key_len[0],
				r->key_hash[0], 0, kv_exptime(sh, r->exptime),
				buf, (uint32_t)n, 0, &cas);
		if (res != KV_STORED)
			res = KV_NO_MEM;
	}
	sh->stat[res == KV_NOT_FOUND ?
		(decr ? KV_ST_DECR_MISSES : KV_ST_INCR_MISSES) :
		(decr ? KV_ST_DECR_HITS : KV_ST_INCR_HITS)]++;
	if (r->binary) {
		if (res == KV_NOT_FOUND)
			bin_status(o, r, KV_BIN_KEY_ENOENT, 0);
		else if (res == KV_NON_NUMERIC)
			bin_status(o, r, KV_BIN_DELTA_BADVAL, 0);
		else if (res == KV_NO_MEM)
			bin_status(o, r, KV_BIN_ENOMEM, 0);
		else if (bin_hdr(o, r, KV_BIN_OK, 0, 0, 8, cas)) {
			be = rte_cpu_to_be_64(v);
			kv_out_put(o, &be, 8);
		}
		return;
	}
	if (res == KV_NOT_FOUND) {
		ascii(o, r, "NOT_FOUND\r\n");
	} else if (res == KV_NON_NUMERIC) {
		ascii(o, r, "CLIENT_ERROR cannot increment or decrement "
				"non-numeric value\r\n");
	} else if (res == KV_NO_MEM) {
		ascii(o, r, "SERVER_ERROR out of memory\r\n");
	} else if (!r->noreply) {
		kv_out_u64(o, v);
		kv_out_put(o, "\r\n", 2);
	}
}

static void
stat_line(struct kv_out *o, const char *pfx, const char *name, uint64_t v)
{
	kv_out_put(o, "STAT ", 5);
	if (pfx != NULL)
		kv_out_str(o, pfx);
	kv_out_str(o, name);
	kv_out_put(o, " ", 1);
	kv_out_u64(o, v);
	kv_out_put(o, "\r\n", 2);
}

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Counters of other shards are read, never written: one load each. */
static void
stats(struct kv_server *srv, struct kv_shard *sh, const struct kv_req *r,
		struct kv_out *o)
{
	uint64_t sum[KV_ST_MAX] = { 0 }, items = 0, bytes = 0;
	char pfx[24];
	unsigned int i, s;

	if (r->binary) {
		/* Binary STAT is not parsed; keep the reply well formed. */
		bin_status(o, r, KV_BIN_OK, 0);
		return;
	}
	for (i = 0; i < srv->nb_shards; i++) {
		items += ld(&srv->shard[i]->items);
		bytes += ld(&srv->shard[i]->bytes);
		for (s = 0; s < KV_ST_MAX; s++)
			sum[s] += ld(&srv->shard[i]->stat[s]);
	}
	stat_line(o, NULL, "pid", srv->pid);
	stat_line(o, NULL, "uptime", sh->now.rel - 1);
	stat_line(o, NULL, "time", srv->unix_start + sh->now.rel);
	kv_out_str(o, "STAT version " KV_VERSION_STR "\r\n");
	stat_line(o, NULL, "pointer_size", 64);
	stat_line(o, NULL, "threads", srv->nb_shards);
	stat_line(o, NULL, "limit_maxbytes", srv->mem_limit);
	stat_line(o, NULL, "curr_items", items);
	stat_line(o, NULL, "bytes", bytes);
	for (s = 0; s < KV_ST_MAX; s++)
		stat_line(o, NULL, kv_stat_name(s), sum[s]);
	for (i = 0; i < srv->nb_shards; i++) {
		const struct kv_shard *x = srv->shard[i];

		snprintf(pfx, sizeof(pfx), "shard%u:", i);
		stat_line(o, pfx, "curr_items", ld(&x->items));
		stat_line(o, pfx, "bytes", ld(&x->bytes));
		for (s = 0; s < KV_ST_MAX; s++)
			stat_line(o, pfx, kv_stat_name(s), ld(&x->stat[s]));
	}
	kv_out_str(o, "END\r\n");
}

static void
flush_all(struct kv_server *srv, struct kv_shard *sh, const struct kv_req *r,
		struct kv_out *o)
{
	/* Items stored before this instant die when it comes; the shards
	 * compare their store times with it on every access. */
	__atomic_store_n(&srv->flush_tsc, sh->now.tsc + r->delta * srv->tsc_hz,
			__ATOMIC_RELAXED);
	if (r->binary)
		bin_status(o, r, KV_BIN_OK, 0);
	else
		ascii(o, r, "OK\r\n");
}

void
kv_exec_error(struct kv_shard *sh, const struct kv_req *r, struct kv_out *o)
{
	const char *msg = kv_err_reply(r->err);

	sh->err[r->err < KV_E_MAX ? r->err : 0]++;
	if (r->binary) {
		struct kv_req q = *r;

		/* Errors answer even a quiet request. */
		q.noreply = 0;
		bin_status(o, &q, r->err == KV_E_UNKNOWN_BINARY ?
				KV_BIN_UNKNOWN : r->err == KV_E_TOO_LARGE ?
				KV_BIN_E2BIG : KV_BIN_EINVAL, 0);
		return;
	}
	if (msg != NULL) {
		kv_out_str(o, msg);
		kv_out_put(o, "\r\n", 2);
	}
}

void
kv_exec(struct kv_server *srv, struct kv_shard *sh, const struct kv_req *r,
		uint16_t *cursor, struct kv_out *o)
{
	enum kv_res res;
	unsigned int i;

	sh->stat[KV_ST_REQUESTS]++;
	switch (r->cmd) {
	case KV_CMD_GET:
	case KV_CMD_GETS:
		for (i = *cursor; i < r->nkeys &&
				kv_req_shard(srv, r, i) == sh->id; i++)
			get_one(sh, r, i, o);
		*cursor = (uint16_t)i;
		if (i == r->nkeys && !r->binary)
			kv_out_put(o, "END\r\n", 5);
		return;
	case KV_CMD_SET:
	case KV_CMD_ADD:
	case KV_CMD_REPLACE:
	case KV_CMD_APPEND:
	case KV_CMD_PREPEND:
	case KV_CMD_CAS:
		store(sh, r, o);
		break;
	case KV_CMD_DELETE:
		res = kv_store_delete(sh, key_of(r, 0), r->key_len[0],
				r->key_hash[0], r->binary ? r->cas : 0);
		sh->stat[res == KV_DELETED ? KV_ST_DELETE_HITS :
			KV_ST_DELETE_MISSES]++;
		if (r->binary)
			bin_status(o, r, res == KV_DELETED ? KV_BIN_OK :
					res == KV_EXISTS ? KV_BIN_KEY_EEXISTS :
					KV_BIN_KEY_ENOENT, 0);
		else
			ascii(o, r, res == KV_DELETED ? "DELETED\r\n" :
					"NOT_FOUND\r\n");
		break;
	case KV_CMD_TOUCH:
		sh->stat[KV_ST_CMD_TOUCH]++;
		res = kv_store_touch(sh, key_of(r, 0), r->key_len[0],
				r->key_hash[0], kv_exptime(sh, r->exptime));
		sh->stat[res == KV_TOUCHED ? KV_ST_TOUCH_HITS :
			KV_ST_TOUCH_MISSES]++;
		if (r->binary)
			bin_status(o, r, res == KV_TOUCHED ? KV_BIN_OK :
					KV_BIN_KEY_ENOENT, 0);
		else
			ascii(o, r, res == KV_TOUCHED ? "TOUCHED\r\n" :
					"NOT_FOUND\r\n");
		break;
	case KV_CMD_INCR:
	case KV_CMD_DECR:
		delta(sh, r, o);
		break;
	case KV_CMD_FLUSH_ALL:
		flush_all(srv, sh, r, o);
		break;
	case KV_CMD_VERSION:
		if (r->binary) {
			if (bin_hdr(o, r, KV_BIN_OK, 0, 0,
					sizeof(KV_VERSION_STR) - 1, 0))
				kv_out_str(o, KV_VERSION_STR);
		} else {
			kv_out_str(o, "VERSION " KV_VERSION_STR "\r\n");
		}
		break;
	case KV_CMD_STATS:
		stats(srv, sh, r, o);
		break;
	case KV_CMD_NOOP:
		bin_status(o, r, KV_BIN_OK, 0);
		break;
	default:
		/* quit: UDP has no connection to close. */
		break;
	}
	*cursor = r->nkeys;
}
