/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcx-kv's service on two contexts (lcores 1 and 2) behind a ring ethdev
 * whose RX rings the test fills with request datagrams and whose TX rings
 * it reads replies from:
 *   - keys reach their shard whichever context receives them (through the
 *     run queue), every request answered exactly once;
 *   - a get of keys of both shards comes back whole, in key order, over
 *     several datagrams with consistent frame headers;
 *   - cas sent to the non-owner racing a set on the owner: never a lost
 *     write, every cas answered STORED or EXISTS;
 *   - binary, quiet, malformed frames, ARP;
 *   - at the end every job and every mbuf is back.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "lcx_handler.h"
#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "lcx_test.h"
#include "kv_service.h"

#define NB_CTX 2
#define NB_TXQ 3            /* one per EAL lcore */
#define KV_PORT 11211
/* How long a reply may take: generous, for ASan builds on a busy machine. */
#define REPLY_MS 15000
#define SERVICE LCX_IPV4(198, 18, 0, 10)
#define CLIENT LCX_IPV4(198, 18, 0, 1)

static struct rte_mempool *pool;
static struct rte_ring *rx[NB_CTX], *tx[NB_TXQ];
static struct lcx_ctx *ctx[NB_CTX];
static struct lcx_port *port;
static uint16_t next_id = 1;

static int
suite_init(void)
{
	__typeof__(rte_eth_from_rings) *from_rings;
	struct lcx_ctx_conf conf;
	char name[32];
	void *lib;
	int i;

	if (lcx_test_eal_init("0@0,1@1,2@0", NULL) != 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test_kv", 4095, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL || lcx_test_mgr_init() != 0)
		return -1;
	for (i = 0; i < NB_CTX; i++) {
		snprintf(name, sizeof(name), "test_kv_rx%d", i);
		rx[i] = rte_ring_create(name, 1024, rte_socket_id(), 0);
	}
	for (i = 0; i < NB_TXQ; i++) {
		snprintf(name, sizeof(name), "test_kv_tx%d", i);
		tx[i] = rte_ring_create(name, 1024, rte_socket_id(), 0);
		if (tx[i] == NULL)
			return -1;
	}
	/* As test_port's crossed pair: the API of the net_ring plugin. */
	lib = dlopen("librte_net_ring.so.23", RTLD_NOW);
	if (lib == NULL)
		return -1;
	from_rings = (__typeof__(from_rings))dlsym(lib, "rte_eth_from_rings");
	if (from_rings == NULL || from_rings("kv", rx, NB_CTX, tx, NB_TXQ,
			rte_socket_id()) < 0)
		return -1;
	for (i = 0; i < NB_CTX; i++) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = (unsigned int)i + 1;
		/* Lcore 2 shares CPU 0 with the test thread: sleep when idle. */
		conf.idle = LCX_IDLE_ADAPTIVE;
		conf.limits.tasks_per_iter = 256;
		ctx[i] = lcx_mgr_ctx_create(&conf);
		if (ctx[i] == NULL)
			return -1;
	}
	port = lcx_place_port_add("net_ring_kv", 0);
	if (port == NULL || lcx_place_apply("rr", NULL, 0) != 0)
		return -1;
	if (kv_service_init(ctx, NB_CTX, 8 << 20, rte_cpu_to_be_32(SERVICE),
			rte_cpu_to_be_16(KV_PORT)) != 0)
		return -1;
	for (i = 0; i < NB_CTX; i++)
		if (lcx_pipeline_attach(ctx[i],
				"arp-icmp(ip=198.18.0.10) -> kv") != 0)
			return -1;
	return lcx_mgr_start_all() == NB_CTX ? 0 : -1;
}

static int
suite_clean(void)
{
	struct rte_mempool *cp[NB_CTX];
	int i, ok = 1;

	lcx_mgr_stop_all();
	lcx_mgr_wait_all();
	lcx_port_stop(port);
	kv_svc.stopping = 1;
	for (i = 0; i < NB_CTX; i++)
		lcx_runq_drain(ctx[i]->runq);
	if (kv_service_jobs_out() != 0) {
		printf("\n  %u jobs not back\n", kv_service_jobs_out());
		ok = 0;
	}
	for (i = 0; i < NB_CTX; i++) {
		lcx_pipeline_detach(ctx[i]);
		cp[i] = ctx[i]->pool;
		ctx[i]->pool = NULL;
	}
	kv_service_fini();
	lcx_mgr_fini();
	for (i = 0; i < NB_TXQ; i++) {
		struct rte_mbuf *m;

		while (rte_ring_dequeue(tx[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	if (lcx_test_pools_free(cp, NB_CTX) != 0 ||
			!lcx_test_pool_full(pool))
		ok = 0;
	rte_mempool_free(pool);
	return ok ? 0 : -1;
}

/* ---- Client side ---------------------------------------------------------- */

static struct rte_mbuf *
dgram(const void *payload, uint16_t len, uint16_t dport)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;

	CU_ASSERT_FATAL(m != NULL);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	udp = (struct rte_udp_hdr *)(ip + 1);
	memset(eth, 0, sizeof(*eth) + sizeof(*ip) + sizeof(*udp));
	eth->src_addr.addr_bytes[0] = 2;
	eth->src_addr.addr_bytes[5] = 1;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*udp) + len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(CLIENT);
	ip->dst_addr = rte_cpu_to_be_32(SERVICE);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = RTE_BE16(40000);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + len);
	memcpy(udp + 1, payload, len);
	m->data_len = (uint16_t)(sizeof(*eth) + sizeof(*ip) + sizeof(*udp) +
			len);
	m->pkt_len = m->data_len;
	/* net_ring leaves mbuf->port as it finds it: play the driver that
	 * sets it (lcx port 0). */
	m->port = 0;
	return m;
}

/* A request with a frame header; returns its request id. */
static uint16_t
send_raw(unsigned int q, const void *req, uint16_t len, uint16_t seq,
		uint16_t total)
{
	uint8_t buf[1500];
	uint16_t id = next_id++;

	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	buf[4] = (uint8_t)(total >> 8);
	buf[5] = (uint8_t)total;
	buf[6] = buf[7] = 0;
	memcpy(buf + 8, req, len);
	CU_ASSERT_FATAL(rte_ring_enqueue(rx[q], dgram(buf, len + 8,
			KV_PORT)) == 0);
	return id;
}

static uint16_t
send_req(unsigned int q, const char *s)
{
	return send_raw(q, s, (uint16_t)strlen(s), 0, 1);
}

struct reply {
	uint16_t id;
	uint16_t nb;             /* datagrams seen */
	uint16_t total;          /* as the frame headers say */
	uint32_t len;
	char data[65536];
};

/* Collect the reply to request id: every datagram, put in order. */
static int
recv_reply(uint16_t id, struct reply *r, unsigned int ms)
{
	uint64_t end = rte_rdtsc() + ms * rte_get_tsc_hz() / 1000;
	static char part[KV_MAX_DGRAMS][KV_DGRAM_MAX];
	static uint16_t plen[KV_MAX_DGRAMS];
	struct rte_mbuf *m;
	unsigned int i;

	memset(r, 0, offsetof(struct reply, data));
	r->id = id;
	while (rte_rdtsc() < end && (r->nb == 0 || r->nb < r->total)) {
		for (i = 0; i < NB_TXQ; i++) {
			const uint8_t *p;
			uint16_t seq, tot, n;

			if (rte_ring_dequeue(tx[i], (void **)&m) != 0)
				continue;
			p = rte_pktmbuf_mtod_offset(m, const uint8_t *, 42);
			n = (uint16_t)(m->data_len - 42);
			seq = (uint16_t)(p[2] << 8 | p[3]);
			tot = (uint16_t)(p[4] << 8 | p[5]);
			CU_ASSERT((uint16_t)(p[0] << 8 | p[1]) == id);
			CU_ASSERT(seq < tot && tot <= KV_MAX_DGRAMS);
			CU_ASSERT(r->total == 0 || r->total == tot);
			if (seq < KV_MAX_DGRAMS && n >= 8) {
				memcpy(part[seq], p + 8, n - 8);
				plen[seq] = n - 8;
			}
			r->total = tot;
			r->nb++;
			rte_pktmbuf_free(m);
		}
	}
	for (i = 0; i < r->nb && i < KV_MAX_DGRAMS; i++) {
		memcpy(r->data + r->len, part[i], plen[i]);
		r->len += plen[i];
	}
	r->data[r->len] = '\0';
	return r->nb != 0 && r->nb == r->total ? 0 : -1;
}

/* Nothing comes back within ms. */
static int
no_reply(unsigned int ms)
{
	uint64_t end = rte_rdtsc() + ms * rte_get_tsc_hz() / 1000;
	struct rte_mbuf *m;
	unsigned int i;

	while (rte_rdtsc() < end)
		for (i = 0; i < NB_TXQ; i++)
			if (rte_ring_dequeue(tx[i], (void **)&m) == 0) {
				rte_pktmbuf_free(m);
				return 0;
			}
	return 1;
}

static struct reply rep;

static const char *
ask(unsigned int q, const char *s)
{
	uint16_t id = send_req(q, s);

	CU_ASSERT(recv_reply(id, &rep, REPLY_MS) == 0);
	return rep.data;
}

static unsigned int
owner_of(const char *key)
{
	return kv_shard_of(kv_hash(key, (uint32_t)strlen(key)), NB_CTX);
}

static uint64_t
total_stat(unsigned int s)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < NB_CTX; i++)
		t += __atomic_load_n(&kv_svc.srv.shard[i]->stat[s],
				__ATOMIC_RELAXED);
	return t;
}

/* ---- Tests ---------------------------------------------------------------- */

static void
test_routing(void)
{
	char line[128], want[128];
	uint64_t cross0 = total_stat(KV_ST_CROSS_IN);
	unsigned int i;

	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "set key%u 0 0 4\r\nv%03u\r\n", i,
				i);
		CU_ASSERT_STRING_EQUAL(ask(i % NB_CTX, line), "STORED\r\n");
	}
	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "get key%u\r\n", i);
		snprintf(want, sizeof(want),
				"VALUE key%u 0 4\r\nv%03u\r\nEND\r\n", i, i);
		CU_ASSERT_STRING_EQUAL(ask((i + 1) % NB_CTX, line), want);
	}
	/* Both shards hold keys, and requests did cross. */
	CU_ASSERT(kv_svc.srv.shard[0]->items > 50);
	CU_ASSERT(kv_svc.srv.shard[1]->items > 50);
	CU_ASSERT(kv_svc.srv.shard[0]->items + kv_svc.srv.shard[1]->items ==
			200);
	CU_ASSERT(total_stat(KV_ST_CROSS_IN) - cross0 > 100);
	CU_ASSERT(total_stat(KV_ST_CROSS_IN) == total_stat(KV_ST_CROSS_OUT));
}

static void
test_multiget_chain(void)
{
	char line[2048], want[65536], val[1000];
	unsigned int i, n, w = 0, owners = 0;

	memset(val, 'x', sizeof(val));
	for (i = 0; i < 20; i++) {
		n = (unsigned int)snprintf(line, sizeof(line),
				"set mk%02u %u 0 %u\r\n", i, i, 500 + i);
		memcpy(line + n, val, 500 + i);
		memcpy(line + n + 500 + i, "\r\n\0", 3);
		CU_ASSERT_STRING_EQUAL(ask(i % NB_CTX, line), "STORED\r\n");
	}
	n = (unsigned int)snprintf(line, sizeof(line), "get");
	for (i = 0; i < 20; i++) {
		char key[8];

		snprintf(key, sizeof(key), "mk%02u", i);
		owners |= 1u << owner_of(key);
		n += (unsigned int)snprintf(line + n, sizeof(line) - n, " %s",
				key);
		w += (unsigned int)snprintf(want + w, sizeof(want) - w,
				"VALUE %s %u %u\r\n", key, i, 500 + i);
		memcpy(want + w, val, 500 + i);
		w += 500 + i;
		w += (unsigned int)snprintf(want + w, sizeof(want) - w, "\r\n");
	}
	snprintf(want + w, sizeof(want) - w, "END\r\n");
	snprintf(line + n, sizeof(line) - n, " nokey\r\n");
	CU_ASSERT(owners == 3);	/* the keys span both shards */
	for (i = 0; i < NB_CTX; i++) {
		CU_ASSERT_STRING_EQUAL(ask(i, line), want);
		/* ~10.5 KB: 8 datagrams of 1392 bytes at most */
		CU_ASSERT(rep.total == (strlen(want) + KV_SEG_MAX - 1) /
				KV_SEG_MAX);
	}
}

/* Single-datagram replies to n requests, in whatever order they come. */
static int
recv_each(const uint16_t *ids, char (*out)[64], unsigned int n,
		unsigned int ms)
{
	uint64_t end = rte_rdtsc() + ms * rte_get_tsc_hz() / 1000;
	unsigned int got = 0, i, k;
	struct rte_mbuf *m;

	for (k = 0; k < n; k++)
		out[k][0] = '\0';
	while (got < n && rte_rdtsc() < end) {
		for (i = 0; i < NB_TXQ; i++) {
			const uint8_t *p;
			uint16_t id, len;

			if (rte_ring_dequeue(tx[i], (void **)&m) != 0)
				continue;
			p = rte_pktmbuf_mtod_offset(m, const uint8_t *, 42);
			len = (uint16_t)(m->data_len - 50);
			id = (uint16_t)(p[0] << 8 | p[1]);
			CU_ASSERT(p[5] == 1 && len < 64);
			for (k = 0; k < n && ids[k] != id; k++)
				;
			CU_ASSERT(k < n);
			if (k < n && len < 64) {
				memcpy(out[k], p + 8, len);
				out[k][len] = '\0';
				got++;
			}
			rte_pktmbuf_free(m);
		}
	}
	return got == n ? 0 : -1;
}

#define RACES 100

static void
test_cas_race(void)
{
	const char *key = "racekey";
	unsigned int own = owner_of(key), other = !own, i;
	unsigned int stored = 0, exists = 0;
	uint64_t hits0 = total_stat(KV_ST_CAS_HITS);
	uint64_t bad0 = total_stat(KV_ST_CAS_BADVAL);
	unsigned long long cas;
	char line[128], out[2][64];
	uint16_t id[2];

	for (i = 0; i < RACES; i++) {
		CU_ASSERT_STRING_EQUAL(ask(own, "set racekey 0 0 2\r\nv0\r\n"),
				"STORED\r\n");
		ask(other, "gets racekey\r\n");
		CU_ASSERT_FATAL(sscanf(rep.data, "VALUE racekey 0 2 %llu",
				&cas) == 1);
		/* The cas reaches the owner through its run queue while the
		 * set arrives on the owner's own RX queue. */
		snprintf(line, sizeof(line), "cas %s 0 0 2 %llu\r\ncx\r\n",
				key, cas);
		id[0] = send_req(other, line);
		id[1] = send_req(own, "set racekey 0 0 2\r\nsy\r\n");
		CU_ASSERT_FATAL(recv_each(id, out, 2, REPLY_MS) == 0);
		CU_ASSERT_STRING_EQUAL(out[1], "STORED\r\n");
		stored += strcmp(out[0], "STORED\r\n") == 0;
		exists += strcmp(out[0], "EXISTS\r\n") == 0;
		/* Whichever ran first, the set is the last write. */
		CU_ASSERT_STRING_EQUAL(ask(i % 2, "get racekey\r\n"),
				"VALUE racekey 0 2\r\nsy\r\nEND\r\n");
	}
	CU_ASSERT(stored + exists == RACES);
	CU_ASSERT(total_stat(KV_ST_CAS_HITS) - hits0 == stored);
	CU_ASSERT(total_stat(KV_ST_CAS_BADVAL) - bad0 == exists);
	printf("\n  cas first %u times, set first %u times ", stored, exists);
}

static void
test_binary(void)
{
	uint8_t b[64] = { 0x80, 0x01, 0, 2, 8, 0, 0, 0, 0, 0, 0, 15,
		'o', 'p', 'a', 'q' };
	uint16_t id;

	/* set "bk" = "hello", flags 0, no expiry */
	memset(b + 16, 0, 16);
	memcpy(b + 32, "bkhello", 7);
	id = send_raw(owner_of("bk") ^ 1, b, 39, 0, 1);
	CU_ASSERT_FATAL(recv_reply(id, &rep, REPLY_MS) == 0);
	CU_ASSERT(rep.len == 24 && (uint8_t)rep.data[0] == 0x81 &&
			rep.data[7] == 0 && memcmp(rep.data + 12, "opaq", 4) == 0);
	/* getk "bk" */
	memset(b + 1, 0, 15);
	b[1] = 0x0c;
	b[3] = 2;
	b[11] = 2;
	memset(b + 16, 0, 8);
	memcpy(b + 24, "bk", 2);
	id = send_raw(0, b, 26, 0, 1);
	CU_ASSERT_FATAL(recv_reply(id, &rep, REPLY_MS) == 0);
	CU_ASSERT(rep.len == 24 + 4 + 2 + 5);
	CU_ASSERT(memcmp(rep.data + 28, "bkhello", 7) == 0);
	/* getq of a missing key: no datagram at all */
	b[1] = 0x09;
	memcpy(b + 24, "zz", 2);
	send_raw(1, b, 26, 0, 1);
	CU_ASSERT(no_reply(100));
}

static void
test_malformed(void)
{
	uint64_t e0 = 0, e1 = 0, b0 = 0, b1 = 0;
	struct rte_mbuf *m;
	unsigned int i;
	uint16_t id;

	for (i = 0; i < NB_CTX; i++) {
		e0 += kv_svc.srv.shard[i]->err[KV_E_MULTI_PACKET];
		b0 += kv_svc.srv.shard[i]->err[KV_E_BAD_FRAME];
	}
	id = send_raw(0, "get a\r\n", 7, 0, 2);
	CU_ASSERT(recv_reply(id, &rep, REPLY_MS) == 0);
	CU_ASSERT_STRING_EQUAL(rep.data,
		"SERVER_ERROR multi-packet request not supported\r\n");
	id = send_raw(1, "get a\r\n", 7, 1, 1);
	CU_ASSERT(recv_reply(id, &rep, REPLY_MS) == 0);
	CU_ASSERT_STRING_EQUAL(ask(0, "bogus\r\n"), "ERROR\r\n");
	/* 3 bytes: no frame header, dropped without a word */
	CU_ASSERT(rte_ring_enqueue(rx[0], dgram("abc", 3, KV_PORT)) == 0);
	/* another UDP port: not ours, dropped */
	CU_ASSERT(rte_ring_enqueue(rx[1], dgram("\0\1\0\0\0\1\0\0get a\r\n",
			15, 11212)) == 0);
	CU_ASSERT(no_reply(100));
	for (i = 0; i < NB_CTX; i++) {
		e1 += kv_svc.srv.shard[i]->err[KV_E_MULTI_PACKET];
		b1 += kv_svc.srv.shard[i]->err[KV_E_BAD_FRAME];
	}
	CU_ASSERT(e1 - e0 == 2);
	CU_ASSERT(b1 - b0 == 1);
	CU_ASSERT(total_stat(KV_ST_NOT_KV) >= 1);

	/* ARP for the service address: answered by the arp-icmp stage. */
	m = rte_pktmbuf_alloc(pool);
	CU_ASSERT_FATAL(m != NULL);
	{
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m,
				struct rte_ether_hdr *);
		struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

		memset(eth, 0xff, sizeof(eth->dst_addr));
		memset(&eth->src_addr, 2, sizeof(eth->src_addr));
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
		arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
		arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		arp->arp_hlen = 6;
		arp->arp_plen = 4;
		arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
		memset(&arp->arp_data, 0, sizeof(arp->arp_data));
		arp->arp_data.arp_sip = rte_cpu_to_be_32(CLIENT);
		arp->arp_data.arp_tip = rte_cpu_to_be_32(SERVICE);
		m->data_len = m->pkt_len = sizeof(*eth) + sizeof(*arp);
		m->port = 0;
	}
	CU_ASSERT(rte_ring_enqueue(rx[0], m) == 0);
	{
		uint64_t end = rte_rdtsc() + REPLY_MS * rte_get_tsc_hz() / 1000;
		int found = 0;

		while (!found && rte_rdtsc() < end)
			for (i = 0; i < NB_TXQ; i++)
				if (rte_ring_dequeue(tx[i], (void **)&m) == 0) {
					const struct rte_arp_hdr *a =
						rte_pktmbuf_mtod_offset(m,
						const struct rte_arp_hdr *, 14);

					found = a->arp_opcode ==
						RTE_BE16(RTE_ARP_OP_REPLY);
					rte_pktmbuf_free(m);
				}
		CU_ASSERT(found);
	}
}

static CU_TestInfo tests[] = {
	{ "keys reach their shard from either context", test_routing },
	{ "get across shards: whole, in order, framed", test_multiget_chain },
	{ "cas through the run queue races a local set", test_cas_race },
	{ "binary set, getk, quiet miss", test_binary },
	{ "malformed frames, other traffic, ARP", test_malformed },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "kv", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
