/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One shard: a chained hash table over items kept in slab classes, as
 * memcached does, with CLOCK eviction per class instead of its LRU lists.
 *
 * Memory.  The shard's item memory is one arena of 64 KB pages on the
 * context's socket.  A class takes a page when it has no free slot and
 * pages are left; once the arena is given out, a class evicts among its
 * own slots: the CLOCK hand clears the used bit of items touched since it
 * last passed and takes the first one that was not (or one that expired).
 * A class that never got a page cannot store (memcached's slab
 * calcification, without its rebalancer): "SERVER_ERROR out of memory".
 *
 * Table.  A power-of-two array of chains, one bucket per 256 bytes of item
 * memory, so chains stay about one item long whatever the item size.  The
 * low bits of the CRC32-C of the key pick the bucket, the high bits the
 * shard (kv_shard_of), so within a shard the buckets stay uniform.
 *
 * Everything here runs on the shard's owner alone: no lock, no atomic
 * (MICA's EREW).  The table is our own, not rte_hash: an item is its own
 * table entry (key stored once, no separate key store), and eviction
 * unlinks in the same chain walk.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "kv.h"

#define BYTES_PER_BUCKET 256
#define CLS_FIRST 64
#define CLS_ALIGN 8

static const char *const stat_names[KV_ST_MAX] = {
#define _(sym, name) [KV_ST_ ## sym] = name,
	foreach_kv_stat(_)
#undef _
};

const char *
kv_stat_name(unsigned int s)
{
	return s < KV_ST_MAX ? stat_names[s] : "?";
}

static uint32_t
item_size(uint32_t klen, uint32_t vlen)
{
	return (uint32_t)sizeof(struct kv_item) + klen + vlen;
}

static int
size_class(const struct kv_shard *sh, uint32_t size)
{
	uint32_t c;

	for (c = 0; c < sh->nb_classes; c++)
		if (size <= sh->cls[c].size)
			return (int)c;
	return -1;
}

uint32_t
kv_item_slot_size(const struct kv_shard *sh, uint32_t klen, uint32_t vlen)
{
	int c = size_class(sh, item_size(klen, vlen));

	return c < 0 ? 0 : sh->cls[c].size;
}

int
kv_shard_init(struct kv_shard *sh, uint32_t id, uint64_t mem, int socket,
		const uint64_t *flush_tsc, uint32_t unix_start)
{
	uint64_t nb_buckets;
	uint32_t size, c;

	memset(sh, 0, sizeof(*sh));
	if (mem < KV_PAGE_SIZE || mem / KV_PAGE_SIZE > UINT32_MAX)
		return -EINVAL;
	sh->id = id;
	sh->flush_tsc = flush_tsc;
	sh->unix_start = unix_start;
	sh->now.rel = 1;
	sh->nb_pages = (uint32_t)(mem / KV_PAGE_SIZE);
	nb_buckets = rte_align64pow2(RTE_MAX(mem / BYTES_PER_BUCKET, 1024ull));
	sh->mask = (uint32_t)(nb_buckets - 1);
	sh->bucket = rte_zmalloc_socket("kv_buckets",
			nb_buckets * sizeof(sh->bucket[0]),
			RTE_CACHE_LINE_SIZE, socket);
	/* Pages are initialised when a class takes them: no zeroing here. */
	sh->arena = rte_malloc_socket("kv_arena",
			(size_t)sh->nb_pages * KV_PAGE_SIZE, RTE_CACHE_LINE_SIZE,
			socket);
	if (sh->bucket == NULL || sh->arena == NULL)
		goto free_mem;
	for (size = CLS_FIRST, c = 0; c < KV_MAX_CLASSES; c++) {
		struct kv_class *k = &sh->cls[c];

		k->size = RTE_MIN(RTE_ALIGN_CEIL(size, CLS_ALIGN),
				(uint32_t)KV_ITEM_MAX);
		k->per_page = KV_PAGE_SIZE / k->size;
		k->page = rte_malloc_socket("kv_class_pages",
				sh->nb_pages * sizeof(uint32_t), 0, socket);
		if (k->page == NULL)
			goto free_mem;
		sh->nb_classes = c + 1;
		if (k->size == KV_ITEM_MAX)
			break;
		size = k->size + k->size / 4;
	}
	return 0;

free_mem:
	kv_shard_fini(sh);
	return -ENOMEM;
}

void
kv_shard_fini(struct kv_shard *sh)
{
	uint32_t c;

	for (c = 0; c < KV_MAX_CLASSES; c++) {
		rte_free(sh->cls[c].page);
		sh->cls[c].page = NULL;
	}
	rte_free(sh->bucket);
	rte_free(sh->arena);
	sh->bucket = NULL;
	sh->arena = NULL;
}

uint32_t
kv_exptime(const struct kv_shard *sh, int64_t exptime)
{
	int64_t rel;

	if (exptime == 0)
		return 0;
	if (exptime < 0)
		return 1;
	if (exptime <= KV_REALTIME_MAXDELTA)
		return sh->now.rel + (uint32_t)exptime;
	/* Absolute unix time. */
	rel = exptime - (int64_t)sh->unix_start;
	return rel <= 1 ? 1 : (uint32_t)rel;
}

static inline int
item_dead(const struct kv_shard *sh, const struct kv_item *it)
{
	uint64_t flush;

	if (it->exptime != 0 && it->exptime <= sh->now.rel)
		return 1;
	flush = sh->flush_tsc != NULL ?
		__atomic_load_n(sh->flush_tsc, __ATOMIC_RELAXED) : 0;
	return flush != 0 && it->stored_tsc < flush && sh->now.tsc >= flush;
}

/* The chain link that points at the item with this key, or at NULL. */
static struct kv_item **
find_link(struct kv_shard *sh, const char *key, uint8_t klen, uint32_t hash)
{
	struct kv_item **l = &sh->bucket[hash & sh->mask];

	while (*l != NULL) {
		struct kv_item *it = *l;

		if (it->hash == hash && it->klen == klen &&
				memcmp(it->data, key, klen) == 0)
			break;
		l = &it->next;
	}
	return l;
}

static void
slot_free(struct kv_shard *sh, struct kv_item *it)
{
	struct kv_class *k = &sh->cls[it->cls];

	it->live = 0;
	it->next = k->free;
	k->free = it;
}

/* Take a live item out of the table (its slot stays with the caller). */
static void
unlink_item(struct kv_shard *sh, struct kv_item *it)
{
	struct kv_item **l = &sh->bucket[it->hash & sh->mask];

	while (*l != it)
		l = &(*l)->next;
	*l = it->next;
	it->live = 0;
	sh->items--;
	sh->bytes -= item_size(it->klen, it->vlen);
}

static struct kv_item *
slot_at(struct kv_shard *sh, const struct kv_class *k, uint32_t page,
		uint32_t slot)
{
	return (struct kv_item *)(sh->arena + (size_t)k->page[page] *
			KV_PAGE_SIZE + (size_t)slot * k->size);
}

static int
grow_class(struct kv_shard *sh, uint32_t c)
{
	struct kv_class *k = &sh->cls[c];
	uint32_t i;

	if (sh->next_page == sh->nb_pages)
		return -ENOMEM;
	k->page[k->nb_pages++] = sh->next_page++;
	/* Last slot first, so the free list hands them out in order. */
	for (i = k->per_page; i-- > 0; ) {
		struct kv_item *it = slot_at(sh, k, k->nb_pages - 1, i);

		it->cls = (uint8_t)c;
		slot_free(sh, it);
	}
	return 0;
}

/* CLOCK: at most two turns of the hand (one to clear, one to find). */
static struct kv_item *
evict(struct kv_shard *sh, uint32_t c)
{
	struct kv_class *k = &sh->cls[c];
	uint64_t steps, max = 2ull * k->nb_pages * k->per_page + 1;
	struct kv_item *it;

	for (steps = 0; steps < max && k->nb_pages != 0; steps++) {
		it = slot_at(sh, k, k->hand_page, k->hand_slot);
		if (++k->hand_slot == k->per_page) {
			k->hand_slot = 0;
			if (++k->hand_page == k->nb_pages)
				k->hand_page = 0;
		}
		if (!it->live)
			continue;	/* on the free list already: not ours */
		if (item_dead(sh, it)) {
			sh->stat[KV_ST_RECLAIMED]++;
			unlink_item(sh, it);
			return it;
		}
		if (it->ref) {
			it->ref = 0;
			continue;
		}
		sh->stat[KV_ST_EVICTIONS]++;
		unlink_item(sh, it);
		return it;
	}
	return NULL;
}

static struct kv_item *
item_alloc(struct kv_shard *sh, uint32_t klen, uint32_t vlen)
{
	int c = size_class(sh, item_size(klen, vlen));
	struct kv_class *k;
	struct kv_item *it;

	if (c < 0)
		return NULL;
	k = &sh->cls[c];
	if (k->free == NULL && grow_class(sh, (uint32_t)c) != 0) {
		it = evict(sh, (uint32_t)c);
		if (it == NULL)
			return NULL;
		slot_free(sh, it);
	}
	it = k->free;
	k->free = it->next;
	it->cls = (uint8_t)c;
	return it;
}

struct kv_item *
kv_store_get(struct kv_shard *sh, const char *key, uint8_t klen,
		uint32_t hash)
{
	struct kv_item **l = find_link(sh, key, klen, hash);
	struct kv_item *it = *l;

	if (it == NULL)
		return NULL;
	if (unlikely(item_dead(sh, it))) {
		sh->stat[KV_ST_RECLAIMED]++;
		unlink_item(sh, it);
		slot_free(sh, it);
		return NULL;
	}
	it->ref = 1;
	return it;
}

static void
link_item(struct kv_shard *sh, struct kv_item *it, struct kv_item **l)
{
	/* At the chain head: l may point into an item we just replaced. */
	struct kv_item **head = &sh->bucket[it->hash & sh->mask];

	(void)l;
	it->next = *head;
	*head = it;
	it->live = 1;
	sh->items++;
	sh->bytes += item_size(it->klen, it->vlen);
}

static uint64_t
next_cas(struct kv_shard *sh)
{
	/* Unique across shards: the shard id in the low byte. */
	return ++sh->cas_seq << 8 | (sh->id & 0xff);
}

enum kv_res
kv_store_put(struct kv_shard *sh, unsigned int mode, const char *key,
		uint8_t klen, uint32_t hash, uint32_t flags, uint32_t exptime,
		const char *val, uint32_t vlen, uint64_t cas, uint64_t *cas_out)
{
	struct kv_item *old = kv_store_get(sh, key, klen, hash), *it;
	uint32_t total = vlen;

	switch (mode) {
	case KV_CMD_ADD:
		if (old != NULL)
			return KV_NOT_STORED;
		break;
	case KV_CMD_REPLACE:
	case KV_CMD_APPEND:
	case KV_CMD_PREPEND:
		if (old == NULL)
			return KV_NOT_STORED;
		if (mode != KV_CMD_REPLACE) {
			total += old->vlen;
			/* Append and prepend keep flags and expiry. */
			flags = old->flags;
			exptime = old->exptime;
		}
		break;
	case KV_CMD_CAS:
		if (old == NULL)
			return KV_NOT_FOUND;
		if (old->cas != cas)
			return KV_EXISTS;
		break;
	default:
		break;
	}
	if (item_size(klen, total) > KV_ITEM_MAX)
		return KV_RES_TOO_LARGE;
	/* The old item stays linked while the new one is allocated: an
	 * eviction may take it, so look it up again afterwards. */
	it = item_alloc(sh, klen, total);
	if (it == NULL)
		return KV_NO_MEM;
	it->hash = hash;
	it->klen = klen;
	it->vlen = total;
	it->flags = flags;
	it->exptime = exptime;
	it->ref = 0;
	it->stored_tsc = sh->now.tsc;
	memcpy(it->data, key, klen);
	old = *find_link(sh, key, klen, hash);
	if (mode == KV_CMD_APPEND || mode == KV_CMD_PREPEND) {
		if (old == NULL || old->vlen != total - vlen) {
			/* Evicted by our own allocation: nothing to extend. */
			slot_free(sh, it);
			return KV_NOT_STORED;
		}
		if (mode == KV_CMD_APPEND) {
			memcpy(it->data + klen, kv_item_val(old), old->vlen);
			memcpy(it->data + klen + old->vlen, val, vlen);
		} else {
			memcpy(it->data + klen, val, vlen);
			memcpy(it->data + klen + vlen, kv_item_val(old),
					old->vlen);
		}
	} else {
		memcpy(it->data + klen, val, vlen);
	}
	if (old != NULL) {
		unlink_item(sh, old);
		slot_free(sh, old);
	}
	it->cas = next_cas(sh);
	link_item(sh, it, NULL);
	if (cas_out != NULL)
		*cas_out = it->cas;
	return KV_STORED;
}

enum kv_res
kv_store_delete(struct kv_shard *sh, const char *key, uint8_t klen,
		uint32_t hash, uint64_t cas)
{
	struct kv_item *it = kv_store_get(sh, key, klen, hash);

	if (it == NULL)
		return KV_NOT_FOUND;
	if (cas != 0 && it->cas != cas)
		return KV_EXISTS;
	unlink_item(sh, it);
	slot_free(sh, it);
	return KV_DELETED;
}

enum kv_res
kv_store_touch(struct kv_shard *sh, const char *key, uint8_t klen,
		uint32_t hash, uint32_t exptime)
{
	struct kv_item *it = kv_store_get(sh, key, klen, hash);

	if (it == NULL)
		return KV_NOT_FOUND;
	it->exptime = exptime;
	return KV_TOUCHED;
}

enum kv_res
kv_store_delta(struct kv_shard *sh, const char *key, uint8_t klen,
		uint32_t hash, int decr, uint64_t delta, uint64_t *value,
		uint64_t *cas_out)
{
	struct kv_item *it = kv_store_get(sh, key, klen, hash);
	char buf[20];
	uint64_t v = 0;
	uint32_t i, n;

	if (it == NULL)
		return KV_NOT_FOUND;
	/* memcached: the value must be a decimal number (up to 20 digits),
	 * an empty value is not. */
	if (it->vlen == 0 || it->vlen > 20)
		return KV_NON_NUMERIC;
	for (i = 0; i < it->vlen; i++) {
		unsigned int d = (unsigned char)kv_item_val(it)[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return KV_NON_NUMERIC;
		v = v * 10 + d;
	}
	if (decr)
		v = delta > v ? 0 : v - delta;
	else
		v += delta;	/* wraps at 2^64, as memcached */
	*value = v;
	n = sizeof(buf);
	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	/* A new item keeps flags and expiry; the old one goes. */
	return kv_store_put(sh, KV_CMD_SET, key, klen, hash, it->flags,
			it->exptime, buf + n, (uint32_t)(sizeof(buf) - n), 0,
			cas_out) == KV_STORED ? KV_STORED : KV_NO_MEM;
}
