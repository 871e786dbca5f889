/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l3lpm: routes from a file, TTL / hop limit and checksum, next-hop
 * MACs, every drop reason, bad route files refused.
 */
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_ip.h>

#include "handler_test.h"

static char routes[64];

static void
write_routes(void)
{
	FILE *f;

	snprintf(routes, sizeof(routes), "/tmp/lcx_routes_%d", getpid());
	f = fopen(routes, "w");
	fputs("# test routes\n"
		"198.18.1.0/24 1\n"
		"198.18.2.0/24 2 02:00:00:00:00:aa   # with a next hop\n"
		"\n"
		"2001:db8:1::/48 3\n", f);
	fclose(f);
}

static void
test_l3lpm(void)
{
	struct lcx_tk_handler *th;
	struct rte_ipv4_hdr *ip;
	struct rte_ipv6_hdr *ip6;
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	struct lcx_tk_pkt d;

	kit_up();
	write_routes();
	{
		char args[96];

		snprintf(args, sizeof(args), "routes=%s", routes);
		th = lcx_tk_handler_open(tk, "l3lpm", args);
	}
	CU_ASSERT_FATAL(th != NULL);

	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.7", 1, 2, 10);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "tx:1");
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	CU_ASSERT_EQUAL(ip->time_to_live, 63);
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(m));
	CU_ASSERT_EQUAL(eth->dst_addr.addr_bytes[5], 1);
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr,
		&lcx_tk_port(tk, 1)->mac));
	rte_pktmbuf_free(m);

	m = lcx_tk_tcp(mp, "198.18.0.1", "198.18.2.9", 1, 2, 0, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "tx:2");
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)
		->dst_addr.addr_bytes[5], 0xaa);
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(m));
	rte_pktmbuf_free(m);

	/* Checksum stays right across every TTL (carry cases). */
	for (unsigned int t = 2; t < 256; t += 17) {
		lcx_tk_pkt_init(&d);
		d.ttl = (uint8_t)t;
		inet_pton(AF_INET, "198.18.1.200", &d.dst_ip4);
		m = lcx_tk_pkt_build(mp, &d);
		CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "tx:1");
		CU_ASSERT(lcx_tk_ipv4_cksum_ok(m));
		rte_pktmbuf_free(m);
	}

	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8:1::5", 1, 2, 10);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "tx:3");
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	CU_ASSERT_EQUAL(ip6->hop_limits, 63);
	rte_pktmbuf_free(m);

	/* No route. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.9.1", 1, 2, 10);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:no-route");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8:2::5", 1, 2, 10);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:no-route");
	rte_pktmbuf_free(m);

	/* TTL 1 and hop limit 1. */
	lcx_tk_pkt_init(&d);
	d.ttl = 1;
	inet_pton(AF_INET, "198.18.1.1", &d.dst_ip4);
	m = lcx_tk_pkt_build(mp, &d);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:ttl-expired");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8:1::5", 1, 2, 10);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14)->hop_limits = 1;
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:ttl-expired");
	rte_pktmbuf_free(m);

	/* Malformed: bad IHL, total length past the frame, short, v6 cut. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.7", 1, 2, 10);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->version_ihl = 0x43;
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.7", 1, 2, 10);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->total_length =
		RTE_BE16(1000);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.7", 1, 2, 10);
	lcx_tk_trim(m, 14 + 19);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8:1::5", 1, 2, 10);
	lcx_tk_trim(m, 14 + 40 + 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.7", 1, 2, 10);
	lcx_tk_trim(m, 13);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:not-ip");
	rte_pktmbuf_free(m);
	lcx_tk_handler_close(th);

	/* Bad route files. */
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "l3lpm", "routes=/nonexistent"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "l3lpm", ""));
	{
		FILE *f = fopen(routes, "w");

		fputs("198.18.1.0/24 1\n198.18.300.0/24 1\n", f);
		fclose(f);
	}
	{
		char args[96];

		snprintf(args, sizeof(args), "routes=%s", routes);
		CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "l3lpm", args));
	}
	unlink(routes);
	kit_down();
}

static void
test_l3lpm_pipeline(void)
{
	struct rte_mbuf *m[8];
	char spec[128];
	unsigned int i;

	kit_up();
	write_routes();
	snprintf(spec, sizeof(spec), "l3lpm(routes=%s)", routes);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, spec), 0);
	for (i = 0; i < 8; i++)
		m[i] = lcx_tk_udp(mp, "198.18.0.1", i % 2 ? "198.18.1.1" :
			i % 4 ? "198.18.2.1" : "198.18.7.7", 1, 2, 10);
	lcx_tk_rx(tk, 0, 0, m, 8);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 4);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 2), 2);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "no-route"), 2);
	unlink(routes);
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "routing", test_l3lpm },
	{ "in a pipeline", test_l3lpm_pipeline },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler l3lpm", tests)
