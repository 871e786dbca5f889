/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ethdev port driver on virtual devices: net_null (with and without
 * copy=1), net_ring loopback and a net_ring pair, devargs errors.  Every
 * test leaves no port open and every pool full.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "lcx_port.h"
#include "lcx_test.h"

#define NB_MBUF 4095
#define BURST LCX_BURST

static struct rte_mempool *pool[2];

static int
suite_init(void)
{
	if (lcx_test_eal_init(NULL, NULL) != 0)
		return -1;
	return lcx_test_pools_create(pool, 2, "test_port", NB_MBUF);
}

static int
suite_clean(void)
{
	return lcx_test_pools_free(pool, 2);
}

static int
port_setup(struct lcx_port *p, uint16_t nq)
{
	struct lcx_port_conf conf = {
		.nb_rxq = nq, .nb_txq = nq, .rxq_pool = pool,
	};
	int rc;

	rc = lcx_port_configure(p, &conf);
	if (rc != 0)
		return rc;
	return lcx_port_start(p);
}

/* RX a burst on every queue, TX it all back on the same queue; checks the
 * counts and returns how many packets went through. */
static uint64_t
rx_tx_rounds(struct lcx_port *p, uint16_t nq, int rounds)
{
	struct rte_mbuf *m[BURST];
	uint64_t total = 0;
	uint16_t q, n, s;
	int r;

	for (r = 0; r < rounds; r++) {
		for (q = 0; q < nq; q++) {
			n = lcx_port_rx_burst(p, q, m, BURST);
			CU_ASSERT(n <= BURST);
			s = lcx_port_tx_burst(p, q, m, n);
			if (s < n)
				rte_pktmbuf_free_bulk(m + s, n - s);
			CU_ASSERT_EQUAL(s, n);
			total += n;
		}
	}
	return total;
}

static void
null_run(const char *spec, uint16_t nq)
{
	struct lcx_port_stats st;
	struct lcx_port_link link;
	struct lcx_port *p;
	char *xs = NULL, line[64];
	size_t xs_len = 0;
	uint64_t n;
	FILE *f;
	uint16_t before = rte_eth_dev_count_avail();

	p = lcx_port_open(spec);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_NOT_EQUAL(p->eth_id, LCX_PORT_NO_ETHDEV);
	CU_ASSERT_EQUAL(rte_eth_dev_count_avail(), before + 1);
	CU_ASSERT(p->max_rxq >= nq);
	CU_ASSERT_EQUAL(lcx_port_get(p->id), p);
	CU_ASSERT_EQUAL_FATAL(port_setup(p, nq), 0);
	CU_ASSERT_EQUAL(p->nb_rxq, nq);

	n = rx_tx_rounds(p, nq, 10);
	CU_ASSERT_EQUAL(n, 10u * nq * BURST); /* net_null always fills */
	CU_ASSERT_EQUAL(lcx_port_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.ipackets, n);
	CU_ASSERT_EQUAL(st.opackets, n);
	CU_ASSERT_EQUAL(st.rx_nombuf, 0);
	CU_ASSERT_EQUAL(lcx_port_link_get(p, &link), 0);
	CU_ASSERT_EQUAL(link.up, 1);
	f = open_memstream(&xs, &xs_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(p->ops->xstats_dump(p, f), 0);
	fclose(f);
	snprintf(line, sizeof(line), "rx_good_packets %" PRIu64 "\n", n);
	CU_ASSERT_PTR_NOT_NULL(strstr(xs, line));
	free(xs);

	lcx_port_close(p);
	CU_ASSERT_EQUAL(rte_eth_dev_count_avail(), before);
	LCX_TEST_POOL_FULL(pool[0]);
	LCX_TEST_POOL_FULL(pool[1]);
}

static void
test_null_one_queue(void)
{
	null_run("net_null0", 1);
}

static void
test_null_copy_two_queues(void)
{
	null_run("net_null0,copy=1", 2);
}

static void
test_null_reopen(void)
{
	struct lcx_port *p;
	int i;

	/* Closing removes the device this driver probed, so the name
	 * is free for the next open. */
	for (i = 0; i < 3; i++) {
		p = lcx_port_open("net_null1,size=128");
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL(port_setup(p, 1), 0);
		CU_ASSERT_EQUAL(rx_tx_rounds(p, 1, 2), 2 * BURST);
		/* Reconfigure with 2 queues after a stop. */
		CU_ASSERT_EQUAL(lcx_port_stop(p), 0);
		CU_ASSERT_EQUAL(port_setup(p, 2), 0);
		CU_ASSERT_EQUAL(rx_tx_rounds(p, 2, 2), 4 * BURST);
		lcx_port_close(p);
	}
	LCX_TEST_POOL_FULL(pool[0]);
	LCX_TEST_POOL_FULL(pool[1]);
}

static void
test_open_twice(void)
{
	struct lcx_port *p, *q;

	p = lcx_port_open("net_null0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	q = lcx_port_open("net_null0");
	CU_ASSERT_PTR_NULL(q);
	CU_ASSERT_EQUAL(lcx_errno, EBUSY);
	lcx_port_close(q);
	lcx_port_close(p);
}

static void
fill(struct rte_mbuf **m, unsigned int n, unsigned int base)
{
	unsigned int i, j, len;
	uint8_t *d;

	for (i = 0; i < n; i++) {
		len = 60 + (base + i) % 200;
		d = (uint8_t *)rte_pktmbuf_append(m[i], len);
		for (j = 0; j < len; j++)
			d[j] = (uint8_t)(base + i + j * 7);
	}
}

static int
same(struct rte_mbuf *m, unsigned int k)
{
	unsigned int j, len = 60 + k % 200;
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	if (rte_pktmbuf_pkt_len(m) != len)
		return 0;
	for (j = 0; j < len; j++)
		if (d[j] != (uint8_t)(k + j * 7))
			return 0;
	return 1;
}

/* Sends 10 bursts on tx and reads them back on rx, byte for byte. */
static void
ring_exchange(struct lcx_port *tx, struct lcx_port *rx)
{
	struct rte_mbuf *m[BURST];
	unsigned int r, i, k = 0, got = 0;
	uint16_t n;

	for (r = 0; r < 10; r++) {
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_alloc_bulk(pool[0], m, BURST),
			0);
		fill(m, BURST, r * BURST);
		n = lcx_port_tx_burst(tx, 0, m, BURST);
		CU_ASSERT_EQUAL(n, BURST);
		if (n < BURST)
			rte_pktmbuf_free_bulk(m + n, BURST - n);
	}
	while ((n = lcx_port_rx_burst(rx, 0, m, BURST)) > 0) {
		for (i = 0; i < n; i++, k++)
			CU_ASSERT(same(m[i], k));
		got += n;
		rte_pktmbuf_free_bulk(m, n);
	}
	CU_ASSERT_EQUAL(got, 10 * BURST);
}

static void
test_ring_loopback(void)
{
	struct lcx_port_stats st;
	struct lcx_port *p;

	/* A lone net_ring sends its TX queue i to its RX queue i. */
	p = lcx_port_open("net_ring0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(port_setup(p, 1), 0);
	ring_exchange(p, p);
	CU_ASSERT_EQUAL(lcx_port_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.ipackets, 10 * BURST);
	CU_ASSERT_EQUAL(st.opackets, 10 * BURST);
	lcx_port_close(p);
	LCX_TEST_POOL_FULL(pool[0]);

	/* Same name again. */
	p = lcx_port_open("net_ring0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	lcx_port_close(p);
}

static void
test_ring_pair(void)
{
	__typeof__(rte_eth_from_rings) *from_rings;
	struct rte_ring *r[2];
	struct lcx_port *a, *b;
	int ia, ib;
	void *lib;

	/* net_ring devargs make loopback ports only; a crossed pair is
	 * made with rte_eth_from_rings() (ethdevs "net_ring_A"/"_B") and
	 * opened by name: the driver reuses a device probed already. */
	r[0] = rte_ring_create("test_port_r0", 1024, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	r[1] = rte_ring_create("test_port_r1", 1024, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	CU_ASSERT_FATAL(r[0] != NULL && r[1] != NULL);
	/* librte_net_ring is an EAL plugin, not linked: reach its API in
	 * the copy EAL loaded (same soname, so dlopen returns that one). */
	lib = dlopen("librte_net_ring.so.23", RTLD_NOW);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lib);
	from_rings = (__typeof__(from_rings))dlsym(lib, "rte_eth_from_rings");
	CU_ASSERT_PTR_NOT_NULL_FATAL(from_rings);
	ia = from_rings("A", &r[0], 1, &r[1], 1, rte_socket_id());
	ib = from_rings("B", &r[1], 1, &r[0], 1, rte_socket_id());
	CU_ASSERT_FATAL(ia >= 0 && ib >= 0);

	a = lcx_port_open("net_ring_A");
	b = lcx_port_open("net_ring_B");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(a->eth_id, ia);
	CU_ASSERT_EQUAL(b->eth_id, ib);
	CU_ASSERT_EQUAL_FATAL(port_setup(a, 1), 0);
	CU_ASSERT_EQUAL_FATAL(port_setup(b, 1), 0);
	ring_exchange(a, b);
	ring_exchange(b, a);
	lcx_port_close(a);
	lcx_port_close(b);
	/* Not ours: left in place, and can be opened again. */
	a = lcx_port_open("net_ring_A");
	CU_ASSERT_PTR_NOT_NULL(a);
	lcx_port_close(a);
	LCX_TEST_POOL_FULL(pool[0]);
}

static void
bad_open(const char *spec)
{
	uint16_t before = rte_eth_dev_count_avail();
	struct lcx_port *p;

	p = lcx_port_open(spec);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT(lcx_errno == ENODEV || lcx_errno == EINVAL);
	CU_ASSERT_EQUAL(rte_eth_dev_count_avail(), before);
	lcx_port_close(p);
}

static void
test_bad_devargs(void)
{
	struct lcx_port *p;

	bad_open("net_nosuchdrv0");
	bad_open("0000:99:00.0");
	bad_open("net_null0,badkey=1");
	bad_open(",copy=1");
	/* Nothing of the failed probe is left: the name opens now. */
	p = lcx_port_open("net_null0,copy=1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(port_setup(p, 1), 0);
	CU_ASSERT_EQUAL(rx_tx_rounds(p, 1, 1), BURST);
	lcx_port_close(p);
	bad_open("net_null0,badkey=1");
	LCX_TEST_POOL_FULL(pool[0]);
}

static void
test_too_many_queues(void)
{
	struct rte_mempool *pools[64];
	struct lcx_port_conf conf;
	struct lcx_port *p;
	unsigned int i;

	for (i = 0; i < RTE_DIM(pools); i++)
		pools[i] = pool[0];
	p = lcx_port_open("net_ring0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_FATAL(p->max_rxq < RTE_DIM(pools));
	conf = (struct lcx_port_conf){
		.nb_rxq = p->max_rxq + 1, .nb_txq = 1, .rxq_pool = pools,
	};
	CU_ASSERT_EQUAL(lcx_port_configure(p, &conf), -EINVAL);
	conf.nb_rxq = 1;
	conf.nb_txq = p->max_txq + 1;
	CU_ASSERT_EQUAL(lcx_port_configure(p, &conf), -EINVAL);
	CU_ASSERT_EQUAL(lcx_port_start(p), -EINVAL); /* not configured */
	/* Still usable. */
	CU_ASSERT_EQUAL(port_setup(p, 1), 0);
	lcx_port_close(p);
	LCX_TEST_POOL_FULL(pool[0]);
}

static CU_TestInfo port_tests[] = {
	{ "net_null, 1 queue", test_null_one_queue },
	{ "net_null copy=1, 2 queues", test_null_copy_two_queues },
	{ "reopen and reconfigure", test_null_reopen },
	{ "open twice", test_open_twice },
	{ "net_ring loopback", test_ring_loopback },
	{ "net_ring pair", test_ring_pair },
	{ "bad devargs", test_bad_devargs },
	{ "too many queues", test_too_many_queues },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ethdev port", suite_init, suite_clean, NULL, NULL, port_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
