/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_KV_H
#define LCX_KV_H

/*
 * lcx-kv internals.  Four parts, each testable alone:
 *
 *   kv_proto.c  memcached request parser (ASCII and binary) and reply
 *               writer into datagram-sized segments: no DPDK, no state
 *   kv_store.c  one shard: hash table, slab item memory with CLOCK
 *               eviction, expiry, CAS; touched by its owner only
 *   kv_exec.c   a parsed request run against a shard, reply written
 *   kv_handler.c the lcx handler: UDP in, shard routing through the run
 *               queues, UDP replies out
 *   main.c      command line, EAL, contexts, ports, live table, summary
 */

#include <stdint.h>
#include <stddef.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lcx_common.h"

#define KV_NAME "lcx-kv"
#define KV_VERSION_STR "1.6.18-lcx-kv"

/* memcached's UDP frame header, and its largest datagram payload
 * (UDP_MAX_PAYLOAD_SIZE, frame header included). */
#define KV_FRAME_HDR 8
#define KV_DGRAM_MAX 1400
#define KV_SEG_MAX (KV_DGRAM_MAX - KV_FRAME_HDR)
/* A reply spans at most this many datagrams: 88 KB. */
#define KV_MAX_DGRAMS 64
#define KV_KEY_MAX 250
/* Keys of one get; a datagram holds at most ~700 one-byte keys. */
#define KV_MAX_KEYS 100
/* Largest item (header, key, value): the top slab class. */
#define KV_ITEM_MAX 2048
/* memcached's boundary between relative and absolute expiry times. */
#define KV_REALTIME_MAXDELTA (60 * 60 * 24 * 30)

/* ---- Requests ---------------------------------------------------------- */

enum kv_cmd {
	KV_CMD_NONE = 0,
	KV_CMD_GET,
	KV_CMD_GETS,
	KV_CMD_SET,
	KV_CMD_ADD,
	KV_CMD_REPLACE,
	KV_CMD_APPEND,
	KV_CMD_PREPEND,
	KV_CMD_CAS,
	KV_CMD_DELETE,
	KV_CMD_TOUCH,
	KV_CMD_INCR,
	KV_CMD_DECR,
	KV_CMD_FLUSH_ALL,
	KV_CMD_VERSION,
	KV_CMD_STATS,
	KV_CMD_NOOP,      /* binary NOOP */
	KV_CMD_QUIT,
};

/* Why a request was refused, with the reply memcached gives.  One line
 * each: a new reason is one line. */
#define foreach_kv_err(_)                                                  \
	_(BAD_FRAME, "bad-frame", NULL)          /* < 8 bytes: dropped */  \
	_(MULTI_PACKET, "multi-packet",                                    \
		"SERVER_ERROR multi-packet request not supported")        \
	_(UNKNOWN, "unknown-command", "ERROR")                             \
	_(BAD_FORMAT, "bad-format", "CLIENT_ERROR bad command line format") \
	_(KEY_TOO_LONG, "key-too-long",                                    \
		"CLIENT_ERROR bad command line format")                   \
	_(TOO_MANY_KEYS, "too-many-keys",                                  \
		"CLIENT_ERROR bad command line format")                   \
	_(BAD_CHUNK, "bad-data-chunk", "CLIENT_ERROR bad data chunk")      \
	_(TOO_LARGE, "too-large", "SERVER_ERROR object too large for cache") \
	_(BAD_DELTA, "bad-delta",                                          \
		"CLIENT_ERROR invalid numeric delta argument")            \
	_(BAD_BINARY, "bad-binary", NULL)        /* status 0x04 */         \
	_(UNKNOWN_BINARY, "unknown-binary", NULL) /* status 0x81 */        \
	_(NO_MEMORY, "no-memory", "SERVER_ERROR out of memory storing object") \
	_(REPLY_TOO_BIG, "reply-too-big",                                  \
		"SERVER_ERROR out of memory writing get response")

enum kv_err {
	KV_OK = 0,
#define _(sym, name, reply) KV_E_ ## sym,
	foreach_kv_err(_)
#undef _
	KV_E_MAX,
};

/* Binary protocol (memcached's protocol_binary.h). */
#define KV_BIN_REQ 0x80
#define KV_BIN_RES 0x81
#define KV_BIN_HDR 24
enum kv_bin_status {
	KV_BIN_OK = 0x00,
	KV_BIN_KEY_ENOENT = 0x01,
	KV_BIN_KEY_EEXISTS = 0x02,
	KV_BIN_E2BIG = 0x03,
	KV_BIN_EINVAL = 0x04,
	KV_BIN_NOT_STORED = 0x05,
	KV_BIN_DELTA_BADVAL = 0x06,
	KV_BIN_UNKNOWN = 0x81,
	KV_BIN_ENOMEM = 0x82,
};

/* A parsed request.  Keys and value point into the datagram. */
struct kv_req {
	const char *base;          /* request start (after the frame header) */
	uint8_t cmd;               /* enum kv_cmd */
	uint8_t binary;
	uint8_t noreply;           /* ASCII noreply, binary quiet opcodes */
	uint8_t bin_opcode;
	uint8_t bin_with_key;      /* GETK/GETKQ: the key in the reply */
	uint8_t err;               /* enum kv_err; KV_OK */
	uint16_t nkeys;
	uint16_t val_off;
	uint32_t vlen;
	uint32_t flags;
	int64_t exptime;
	uint64_t cas;              /* cas unique of cas, binary CAS */
	uint64_t delta;            /* incr/decr; flush_all delay */
	uint64_t initial;          /* binary incr/decr initial value */
	uint32_t bin_exp_miss;     /* binary incr: 0xffffffff: no create */
	uint32_t opaque;           /* binary */
	uint16_t key_off[KV_MAX_KEYS];
	uint8_t key_len[KV_MAX_KEYS];
	uint32_t key_hash[KV_MAX_KEYS];
};

/* Hash of a key: CRC32-C, used for both the shard and the bucket. */
uint32_t kv_hash(const void *key, uint32_t len);

/* Shard of a hash among n: the high bits (buckets use the low ones). */
static inline unsigned int
kv_shard_of(uint32_t hash, unsigned int n)
{
	return (unsigned int)(((uint64_t)hash * n) >> 32);
}

/* Whether the command names keys (routed to their shard). */
static inline int
kv_cmd_has_key(unsigned int cmd)
{
	return cmd >= KV_CMD_GET && cmd <= KV_CMD_DECR;
}

/*
 * Parse one request of len bytes (frame header excluded).  Fills r; on a
 * malformed request r->err says why (and r->cmd what it was, if known).
 * Returns r->err.
 */
int kv_parse(const char *p, uint32_t len, struct kv_req *r);

/* Name and memcached reply of an error; reply NULL: none (binary ones
 * answer with a status). */
const char *kv_err_name(unsigned int e);
const char *kv_err_reply(unsigned int e);

/* ---- Reply writer ------------------------------------------------------- */

struct kv_out;
/* Give segment idx of cap bytes, or NULL (no memory). */
typedef char *(*kv_seg_alloc_fn)(struct kv_out *o, unsigned int idx);

/* A reply under construction, cut into datagram-sized segments. */
struct kv_out {
	char *seg[KV_MAX_DGRAMS];
	uint16_t len[KV_MAX_DGRAMS];
	uint16_t n;                /* segments in use */
	uint16_t nalloc;           /* segments allocated: seg[0 .. nalloc-1] */
	uint16_t cap;              /* bytes per segment */
	uint8_t failed;            /* ran out of segments or memory */
	kv_seg_alloc_fn alloc;
	void *opaque;
};

/* Bytes written so far. */
static inline uint32_t
kv_out_bytes(const struct kv_out *o)
{
	uint32_t t = 0;
	unsigned int i;

	for (i = 0; i < o->n; i++)
		t += o->len[i];
	return t;
}

void kv_out_put(struct kv_out *o, const void *data, uint32_t len);
void kv_out_str(struct kv_out *o, const char *s);
void kv_out_u64(struct kv_out *o, uint64_t v);
/* Drop everything written (segments kept for reuse). */
void kv_out_reset(struct kv_out *o);

/* ---- Shards ------------------------------------------------------------- */

/* Counters of a shard, written by its owner only. */
#define foreach_kv_stat(_)                                          \
	_(REQUESTS, "requests")      /* requests run on this shard */ \
	_(CMD_GET, "cmd_get")                                         \
	_(CMD_SET, "cmd_set")                                         \
	_(CMD_TOUCH, "cmd_touch")                                     \
	_(GET_HITS, "get_hits")                                       \
	_(GET_MISSES, "get_misses")                                   \
	_(DELETE_HITS, "delete_hits")                                 \
	_(DELETE_MISSES, "delete_misses")                             \
	_(INCR_HITS, "incr_hits")                                     \
	_(INCR_MISSES, "incr_misses")                                 \
	_(DECR_HITS, "decr_hits")                                     \
	_(DECR_MISSES, "decr_misses")                                 \
	_(CAS_HITS, "cas_hits")                                       \
	_(CAS_BADVAL, "cas_badval")                                   \
	_(CAS_MISSES, "cas_misses")                                   \
	_(TOUCH_HITS, "touch_hits")                                   \
	_(TOUCH_MISSES, "touch_misses")                               \
	_(EVICTIONS, "evictions")                                     \
	_(RECLAIMED, "reclaimed")    /* expired or flushed, reused */ \
	_(CROSS_IN, "cross_shard_in") /* came from another context */ \
	_(CROSS_OUT, "cross_shard_out") /* sent to another context */ \
	_(RUNQ_FULL, "cross_shard_refused") /* run queue full: dropped */ \
	_(REPLY_HOME, "replies_sent_home") /* back to the receiver to send */ \
	_(DGRAMS_IN, "datagrams_in")                                  \
	_(DGRAMS_OUT, "datagrams_out")                                \
	_(NOT_KV, "not_kv")          /* not UDP to us: dropped */     \
	_(NO_MBUF, "no_mbuf")        /* reply or job allocation */ \
	_(NO_TXQ, "no_txq")          /* no context can send on the port */

enum kv_stat {
#define _(sym, name) KV_ST_ ## sym,
	foreach_kv_stat(_)
#undef _
	KV_ST_MAX,
};

const char *kv_stat_name(unsigned int s);

/* Slab classes: 64 bytes up, x1.25, to KV_ITEM_MAX. */
#define KV_MAX_CLASSES 24
#define KV_PAGE_SIZE (64 * 1024)

struct kv_item;

struct kv_class {
	uint32_t size;             /* bytes per slot */
	uint32_t per_page;
	uint32_t nb_pages;
	uint32_t *page;            /* page numbers in the arena */
	struct kv_item *free;      /* free slots */
	uint32_t hand_page;        /* CLOCK hand */
	uint32_t hand_slot;
};

/* Clock of the service: seconds since start (memcached's rel_time,
 * starting at 1 so that 0 means "never") and the TSC. */
struct kv_clock {
	uint64_t tsc;
	uint32_t rel;
};

/* One shard: everything here is written by its owner only; other threads
 * read the counters (one 64-bit load each). */
struct kv_shard {
	/* Table and memory. */
	struct kv_item **bucket;
	uint32_t mask;             /* buckets - 1 */
	uint32_t nb_classes;
	uint8_t *arena;
	uint32_t nb_pages;         /* in the arena */
	uint32_t next_page;        /* first page never handed out */
	uint32_t id;               /* shard index, in CAS values */
	uint64_t cas_seq;
	struct kv_clock now;
	/* flush_all: items stored before it are invalid once TSC passes it.
	 * Shared by all shards, written with an atomic store, rarely. */
	const uint64_t *flush_tsc;
	uint32_t unix_start;       /* wall clock at rel == 0 */
	struct kv_class cls[KV_MAX_CLASSES];

	/* Gauges and counters. */
	uint64_t items;
	uint64_t bytes;            /* in live items: header, key, value */
	uint64_t stat[KV_ST_MAX];
	uint64_t err[KV_E_MAX];
} __rte_cache_aligned;

/* Item header; key then value follow. */
struct kv_item {
	struct kv_item *next;      /* hash chain, or free list */
	uint64_t cas;
	uint64_t stored_tsc;       /* for flush_all */
	uint32_t hash;
	uint32_t exptime;          /* rel seconds; 0: never */
	uint32_t flags;
	uint32_t vlen;
	uint8_t klen;
	uint8_t cls;
	uint8_t live;
	uint8_t ref;               /* CLOCK: used since the hand passed */
	uint8_t pad[4];
	char data[];
};

/* Store results (the ASCII replies map onto them one to one). */
enum kv_res {
	KV_STORED = 0,
	KV_NOT_STORED,
	KV_EXISTS,
	KV_NOT_FOUND,
	KV_DELETED,
	KV_TOUCHED,
	KV_NON_NUMERIC,
	KV_RES_TOO_LARGE,
	KV_NO_MEM,
};

/* Set up a shard with mem bytes of item memory on a socket (rte_malloc).
 * Returns 0, -EINVAL (mem below one page), -ENOMEM. */
int kv_shard_init(struct kv_shard *sh, uint32_t id, uint64_t mem, int socket,
		const uint64_t *flush_tsc, uint32_t unix_start);
void kv_shard_fini(struct kv_shard *sh);

/* Set the shard's clock (once per burst, or by tests). */
static inline void
kv_shard_clock(struct kv_shard *sh, uint64_t tsc, uint32_t rel)
{
	sh->now.tsc = tsc;
	sh->now.rel = rel;
}

/* memcached's exptime argument to a rel time: 0 never, negative or past
 * absolute: already expired (returned as 1, which is always past). */
uint32_t kv_exptime(const struct kv_shard *sh, int64_t exptime);

/* Look a key up; expired or flushed items are reclaimed and missed.
 * Marks the item used (CLOCK). */
struct kv_item *kv_store_get(struct kv_shard *sh, const char *key,
		uint8_t klen, uint32_t hash);

/* set/add/replace/append/prepend/cas: mode is the enum kv_cmd. */
enum kv_res kv_store_put(struct kv_shard *sh, unsigned int mode,
		const char *key, uint8_t klen, uint32_t hash, uint32_t flags,
		uint32_t exptime, const char *val, uint32_t vlen, uint64_t cas,
		uint64_t *cas_out);

enum kv_res kv_store_delete(struct kv_shard *sh, const char *key,
		uint8_t klen, uint32_t hash, uint64_t cas);

enum kv_res kv_store_touch(struct kv_shard *sh, const char *key,
		uint8_t klen, uint32_t hash, uint32_t exptime);

/* incr/decr: decimal value, 64-bit wrap on incr, floor 0 on decr. */
enum kv_res kv_store_delta(struct kv_shard *sh, const char *key,
		uint8_t klen, uint32_t hash, int decr, uint64_t delta,
		uint64_t *value, uint64_t *cas_out);

/* Bytes an item with this key and value takes (its slab slot). */
uint32_t kv_item_slot_size(const struct kv_shard *sh, uint32_t klen,
		uint32_t vlen);

static inline const char *
kv_item_key(const struct kv_item *it)
{
	return it->data;
}

static inline const char *
kv_item_val(const struct kv_item *it)
{
	return it->data + it->klen;
}

/* ---- Running requests --------------------------------------------------- */

/* Everything the stats command reports beyond the shards. */
struct kv_server {
	struct kv_shard *shard[LCX_MAX_CONTEXTS];
	unsigned int nb_shards;
	uint32_t unix_start;
	uint64_t tsc_hz;
	uint64_t tsc_start;
	uint64_t flush_tsc;         /* atomic */
	uint64_t mem_limit;         /* bytes, all shards */
	uint32_t pid;               /* for stats: no syscall on the fast path */
};

/*
 * Run the part of r that belongs to shard sh, from key index *cursor on,
 * writing the reply into o.  Keyless commands run whole.  For a get of
 * several keys it serves consecutive keys of this shard and stops at the
 * first key of another one, leaving *cursor there; it writes "END" (or
 * the binary NOOP's answer) once *cursor reaches r->nkeys.
 */
void kv_exec(struct kv_server *srv, struct kv_shard *sh,
		const struct kv_req *r, uint16_t *cursor, struct kv_out *o);

/* The reply to a refused request (r->err set). */
void kv_exec_error(struct kv_shard *sh, const struct kv_req *r,
		struct kv_out *o);

/* Shard of key i of r. */
static inline unsigned int
kv_req_shard(const struct kv_server *srv, const struct kv_req *r,
		unsigned int i)
{
	return kv_shard_of(r->key_hash[i], srv->nb_shards);
}

#endif /* LCX_KV_H */
