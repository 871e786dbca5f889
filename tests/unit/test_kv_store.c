/* SPDX-License-Identifier: BSD-3-Clause */
/* lcx-kv's shard: CLOCK eviction at the memory limit (a hot item stays),
 * expiry (relative, absolute, negative), flush_all now and later, CAS
 * values, slab classes that never got memory, memory per item. */
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "kv.h"
#include "lcx_test.h"

static uint64_t flush_tsc;

static int
suite_init(void)
{
	return lcx_test_eal_init(NULL, NULL);
}

static enum kv_res
put(struct kv_shard *sh, unsigned int mode, const char *key, const char *val,
		uint32_t vlen, uint32_t exptime, uint64_t cas, uint64_t *cas_out)
{
	return kv_store_put(sh, mode, key, (uint8_t)strlen(key),
			kv_hash(key, (uint32_t)strlen(key)), 0, exptime, val,
			vlen, cas, cas_out);
}

static struct kv_item *
get(struct kv_shard *sh, const char *key)
{
	return kv_store_get(sh, key, (uint8_t)strlen(key),
			kv_hash(key, (uint32_t)strlen(key)));
}

/* 4 pages of 64 KB, 200-byte values: one class gets all pages. */
static void
test_eviction_clock(void)
{
	struct kv_shard sh;
	char key[32], val[200];
	uint32_t slot, cap, i, present = 0;

	CU_ASSERT_FATAL(kv_shard_init(&sh, 0, 4 * KV_PAGE_SIZE, SOCKET_ID_ANY,
			&flush_tsc, 0) == 0);
	memset(val, 'v', sizeof(val));
	slot = kv_item_slot_size(&sh, 6, sizeof(val));
	CU_ASSERT(slot >= sizeof(struct kv_item) + 6 + sizeof(val));
	cap = 4 * (KV_PAGE_SIZE / slot);
	/* Fill to the limit: no eviction yet. */
	for (i = 0; i < cap; i++) {
		snprintf(key, sizeof(key), "k%05u", i);
		CU_ASSERT(put(&sh, KV_CMD_SET, key, val, sizeof(val), 0, 0,
				NULL) == KV_STORED);
	}
	CU_ASSERT(sh.items == cap);
	CU_ASSERT(sh.stat[KV_ST_EVICTIONS] == 0);
	/* k00000 is read between every write: CLOCK keeps it. */
	for (i = cap; i < 3 * cap; i++) {
		CU_ASSERT(get(&sh, "k00000") != NULL);
		snprintf(key, sizeof(key), "k%05u", i);
		CU_ASSERT(put(&sh, KV_CMD_SET, key, val, sizeof(val), 0, 0,
				NULL) == KV_STORED);
	}
	CU_ASSERT(sh.items == cap);
	CU_ASSERT(sh.stat[KV_ST_EVICTIONS] == 2 * cap);
	CU_ASSERT(get(&sh, "k00000") != NULL);
	/* The newest writes are there, the oldest unread ones are not. */
	for (i = 3 * cap - cap / 2; i < 3 * cap; i++) {
		snprintf(key, sizeof(key), "k%05u", i);
		present += get(&sh, key) != NULL;
	}
	CU_ASSERT(present == cap / 2);
	CU_ASSERT(get(&sh, "k00001") == NULL);
	CU_ASSERT(sh.bytes == (uint64_t)cap * (sizeof(struct kv_item) + 6 +
			sizeof(val)));
	/* Another class never got a page: it cannot store. */
	CU_ASSERT(put(&sh, KV_CMD_SET, "small", "x", 1, 0, 0, NULL) ==
			KV_NO_MEM);
	CU_ASSERT(put(&sh, KV_CMD_SET, "huge", val, KV_ITEM_MAX, 0, 0, NULL) ==
			KV_RES_TOO_LARGE);
	kv_shard_fini(&sh);
}

static void
test_expiry(void)
{
	struct kv_shard sh;
	uint32_t unix_start = 1700000000;

	CU_ASSERT_FATAL(kv_shard_init(&sh, 0, 1 << 20, SOCKET_ID_ANY,
			&flush_tsc, unix_start) == 0);
	kv_shard_clock(&sh, 100, 1);
	CU_ASSERT(kv_exptime(&sh, 0) == 0);
	CU_ASSERT(kv_exptime(&sh, 10) == 11);
	CU_ASSERT(kv_exptime(&sh, -1) == 1);
	CU_ASSERT(kv_exptime(&sh, unix_start + 50) == 50);
	CU_ASSERT(kv_exptime(&sh, unix_start - 50) == 1);
	CU_ASSERT(put(&sh, KV_CMD_SET, "t10", "a", 1, kv_exptime(&sh, 10), 0,
			NULL) == KV_STORED);
	CU_ASSERT(put(&sh, KV_CMD_SET, "never", "a", 1, 0, 0, NULL) ==
			KV_STORED);
	CU_ASSERT(put(&sh, KV_CMD_SET, "neg", "a", 1, kv_exptime(&sh, -1), 0,
			NULL) == KV_STORED);
	CU_ASSERT(get(&sh, "neg") == NULL);
	kv_shard_clock(&sh, 200, 10);
	CU_ASSERT(get(&sh, "t10") != NULL);
	/* touch pushes it out: still there at 11 */
	CU_ASSERT(kv_store_touch(&sh, "t10", 3, kv_hash("t10", 3),
			kv_exptime(&sh, 5)) == KV_TOUCHED);
	kv_shard_clock(&sh, 300, 11);
	CU_ASSERT(get(&sh, "t10") != NULL);
	kv_shard_clock(&sh, 400, 15);
	CU_ASSERT(get(&sh, "t10") == NULL);
	CU_ASSERT(get(&sh, "never") != NULL);
	CU_ASSERT(sh.stat[KV_ST_RECLAIMED] == 2);
	CU_ASSERT(sh.items == 1);
	/* An expired item is not there for add, and add succeeds. */
	CU_ASSERT(put(&sh, KV_CMD_SET, "e", "a", 1, kv_exptime(&sh, 1), 0,
			NULL) == KV_STORED);
	kv_shard_clock(&sh, 500, 16);
	CU_ASSERT(put(&sh, KV_CMD_ADD, "e", "b", 1, 0, 0, NULL) == KV_STORED);
	kv_shard_fini(&sh);
}

static void
test_flush(void)
{
	struct kv_shard sh;

	CU_ASSERT_FATAL(kv_shard_init(&sh, 0, 1 << 20, SOCKET_ID_ANY,
			&flush_tsc, 0) == 0);
	flush_tsc = 0;
	kv_shard_clock(&sh, 1000, 1);
	CU_ASSERT(put(&sh, KV_CMD_SET, "a", "1", 1, 0, 0, NULL) == KV_STORED);
	/* flush_all 5 s later (TSC 6000): items live until then. */
	flush_tsc = 6000;
	kv_shard_clock(&sh, 2000, 2);
	CU_ASSERT(put(&sh, KV_CMD_SET, "b", "2", 1, 0, 0, NULL) == KV_STORED);
	CU_ASSERT(get(&sh, "a") != NULL);
	kv_shard_clock(&sh, 6000, 6);
	CU_ASSERT(get(&sh, "a") == NULL);
	CU_ASSERT(get(&sh, "b") == NULL);
	CU_ASSERT(put(&sh, KV_CMD_SET, "c", "3", 1, 0, 0, NULL) == KV_STORED);
	kv_shard_clock(&sh, 7000, 7);
	CU_ASSERT(get(&sh, "c") != NULL);
	flush_tsc = 0;
	kv_shard_fini(&sh);
}

static void
test_cas_values(void)
{
	struct kv_shard a, b;
	uint64_t c1 = 0, c2 = 0, c3 = 0, v = 0;

	CU_ASSERT_FATAL(kv_shard_init(&a, 0, 1 << 20, SOCKET_ID_ANY,
			&flush_tsc, 0) == 0);
	CU_ASSERT_FATAL(kv_shard_init(&b, 1, 1 << 20, SOCKET_ID_ANY,
			&flush_tsc, 0) == 0);
	CU_ASSERT(put(&a, KV_CMD_SET, "k", "1", 1, 0, 0, &c1) == KV_STORED);
	CU_ASSERT(put(&b, KV_CMD_SET, "k", "1", 1, 0, 0, &c2) == KV_STORED);
	/* Unique across shards. */
	CU_ASSERT(c1 != 0 && c2 != 0 && c1 != c2);
	CU_ASSERT(put(&a, KV_CMD_CAS, "k", "2", 1, 0, c1, &c3) == KV_STORED);
	CU_ASSERT(c3 != c1);
	CU_ASSERT(put(&a, KV_CMD_CAS, "k", "3", 1, 0, c1, NULL) == KV_EXISTS);
	/* incr is a write: the CAS value changes. */
	CU_ASSERT(kv_store_delta(&a, "k", 1, kv_hash("k", 1), 0, 40, &v, &c1)
			== KV_STORED);
	CU_ASSERT(v == 42 && c1 != c3);
	CU_ASSERT(put(&a, KV_CMD_CAS, "k", "3", 1, 0, c3, NULL) == KV_EXISTS);
	/* delete with a stale CAS (binary) */
	CU_ASSERT(kv_store_delete(&a, "k", 1, kv_hash("k", 1), c3) ==
			KV_EXISTS);
	CU_ASSERT(kv_store_delete(&a, "k", 1, kv_hash("k", 1), c1) ==
			KV_DELETED);
	CU_ASSERT(a.items == 0 && a.bytes == 0);
	kv_shard_fini(&a);
	kv_shard_fini(&b);
}

/* Memory per item, as the performance doc reports it. */
static void
test_item_sizes(void)
{
	struct kv_shard sh;
	uint32_t s64 = 0, s1k = 0;

	CU_ASSERT_FATAL(kv_shard_init(&sh, 0, 1 << 20, SOCKET_ID_ANY,
			&flush_tsc, 0) == 0);
	CU_ASSERT(sizeof(struct kv_item) == 48);
	CU_ASSERT(kv_item_slot_size(&sh, 0, 0) == 64);
	s64 = kv_item_slot_size(&sh, 16, 64);
	s1k = kv_item_slot_size(&sh, 64, 1024);
	/* Slabs x1.25: at most 25 % over the item itself. */
	CU_ASSERT(s64 >= 48 + 16 + 64 && s64 * 4 <= (48 + 16 + 64) * 5 + 32);
	CU_ASSERT(s1k >= 48 + 64 + 1024 && s1k * 4 <= (48 + 64 + 1024) * 5 + 32);
	CU_ASSERT(kv_item_slot_size(&sh, 250, KV_ITEM_MAX) == 0);
	printf("\n  slot: 16 B key + 64 B value: %u B; 64 + 1024: %u B ", s64,
			s1k);
	kv_shard_fini(&sh);
}

static void
test_bad_init(void)
{
	struct kv_shard sh;

	CU_ASSERT(kv_shard_init(&sh, 0, 1000, SOCKET_ID_ANY, &flush_tsc, 0) ==
			-EINVAL);
}

static CU_TestInfo tests[] = {
	{ "CLOCK eviction at the limit keeps the hot item", test_eviction_clock },
	{ "expiry: relative, absolute, negative, touch", test_expiry },
	{ "flush_all now and delayed", test_flush },
	{ "CAS values: unique, changed by every write", test_cas_values },
	{ "slab slot per item", test_item_sizes },
	{ "bad memory size", test_bad_init },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "kv_store", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
