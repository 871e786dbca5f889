/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in handlers on crafted packets, through the test kit: each
 * decision checked, the bytes of what is transmitted checked, truncated
 * and malformed frames dropped with a reason or passed unchanged, and the
 * pool full at the end of every test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "lcx_handler_testkit.h"
#include "lcx_test.h"

#define POOL 511

static struct lcx_tk *tk;
static struct rte_mempool *mp;

static int
suite_init(void)
{
	/* One ethdev so rte_pcapng writes an interface block (capture). */
	return lcx_test_eal_init(NULL, "--vdev=net_null0", NULL);
}

static int
suite_clean(void)
{
	return 0;
}

static void
kit_up_n(unsigned int nb_ctx, unsigned int pool)
{
	tk = lcx_tk_create(nb_ctx, 4, pool);
	CU_ASSERT_FATAL(tk != NULL);
	mp = lcx_tk_pool(tk);
}

static void
kit_up(unsigned int nb_ctx)
{
	tk = lcx_tk_create(nb_ctx, 4, POOL);
	CU_ASSERT_FATAL(tk != NULL);
	mp = lcx_tk_pool(tk);
}

static void
kit_down(void)
{
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
	tk = NULL;
}

static const char *
act_of(struct lcx_tk_handler *th, uint16_t a)
{
	static char buf[64];

	return lcx_tk_act_str(th, a, buf, sizeof(buf));
}

/* Run one packet through one handler, return its decision as text. */
static const char *
decide(struct lcx_tk_handler *th, struct rte_mbuf *m, uint16_t in_port)
{
	uint16_t act;

	m->port = in_port;
	lcx_tk_handler_run(th, &m, &act, 1);
	return act_of(th, act);
}

static struct rte_mbuf *
copy_of(const struct rte_mbuf *m, uint8_t *buf)
{
	memcpy(buf, rte_pktmbuf_mtod(m, const void *), m->data_len);
	return (struct rte_mbuf *)m;
}

/* ---- io, macswap, l2rewrite ---------------------------------------------- */

static void
test_io(void)
{
	struct rte_mbuf *m[3];
	uint8_t before[128];

	kit_up(1);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "io"), 0);
	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	m[1] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	m[2] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	lcx_tk_trim(m[2], 3);	/* io does not look: passed as is */
	copy_of(m[0], before);
	lcx_tk_rx(tk, 0, 2, m, 3);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 3), 3);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 2), 0);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 3, 0), void *),
		before, 14 + 28 + 10) == 0);
	kit_down();
}

static void
test_macswap(void)
{
	struct rte_mbuf *m[6];
	struct rte_ether_hdr *eth;
	struct lcx_tk_pkt d;
	unsigned int i;

	kit_up(1);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "macswap"), 0);
	lcx_tk_pkt_init(&d);
	for (i = 0; i < 6; i++)
		m[i] = lcx_tk_pkt_build(mp, &d);
	lcx_tk_trim(m[4], 13);	/* runt: one byte short of a header */
	lcx_tk_rx(tk, 0, 0, m, 6);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 5);
	for (i = 0; i < lcx_tk_tx_count(tk, 1); i++) {
		eth = rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, i),
			struct rte_ether_hdr *);
		CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &d.src_mac));
		CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr, &d.dst_mac));
	}
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "runt"), 1);
	CU_ASSERT_EQUAL(lcx_tk_ctx(tk, 0)->stats.dropped, 1);
	kit_down();
}

static void
test_l2rewrite(void)
{
	struct rte_mbuf *m[5];
	struct rte_ether_hdr *eth;
	struct rte_ether_addr want = {{0x02, 0xaa, 0, 0, 0, 0x03}};
	struct lcx_tk_pkt d;
	unsigned int i;

	kit_up(1);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(dst3=02:aa:00:00:00:03)"), 0);
	lcx_tk_pkt_init(&d);
	for (i = 0; i < 5; i++)
		m[i] = lcx_tk_pkt_build(mp, &d);
	lcx_tk_rx(tk, 0, 2, m, 5);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 3), 5);
	for (i = 0; i < 5; i++) {
		eth = rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 3, i),
			struct rte_ether_hdr *);
		CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &want));
		CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr,
			&lcx_tk_port(tk, 3)->mac));
	}
	/* Port 0 -> 1, default destination 02:00:00:00:00:01; a runt. */
	m[0] = lcx_tk_pkt_build(mp, &d);
	m[1] = lcx_tk_pkt_build(mp, &d);
	lcx_tk_trim(m[1], 10);
	lcx_tk_rx(tk, 0, 0, m, 2);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 1);
	eth = rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, 0), struct rte_ether_hdr *);
	CU_ASSERT_EQUAL(eth->dst_addr.addr_bytes[5], 1);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "runt"), 1);
	/* Bad arguments are refused. */
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(dst3=zz)"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "l2rewrite(src=1)"), -EINVAL);
	kit_down();
}

/* ---- count ---------------------------------------------------------------- */

static void
test_count(void)
{
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 9}};
	struct rte_mbuf *m[5];
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	kit_up(1);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "count"), 0);
	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	m[1] = lcx_tk_tcp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 0, 0);
	m[2] = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 1, 2, 0);
	m[3] = lcx_tk_arp_request(mp, &a, "198.18.0.1", "198.18.0.2");
	m[4] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	lcx_tk_trim(m[4], 20);	/* IPv4 header cut: other-l3 */
	lcx_tk_rx(tk, 0, 1, m, 5);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 0), 5);
	f = open_memstream(&out, &len);
	lcx_pipeline_dump(lcx_tk_ctx(tk, 0), f);
	fclose(f);
	CU_ASSERT(strstr(out, "count port1 packets 5 ") != NULL);
	CU_ASSERT(strstr(out, "count ipv4 packets 2 ") != NULL);
	CU_ASSERT(strstr(out, "count ipv6 packets 1 ") != NULL);
	CU_ASSERT(strstr(out, "count arp packets 1 ") != NULL);
	CU_ASSERT(strstr(out, "count other-l3 packets 1 ") != NULL);
	CU_ASSERT(strstr(out, "count udp packets 2 ") != NULL);
	CU_ASSERT(strstr(out, "count tcp packets 1 ") != NULL);
	free(out);
	kit_down();
}

/* ---- arp-icmp ------------------------------------------------------------- */

static void
test_arp_icmp_arp(void)
{
	struct rte_ether_addr peer = {{2, 0xbb, 0, 0, 0, 1}};
	struct lcx_tk_handler *th;
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;
	struct lcx_tk_pkt d;
	uint32_t ip;

	kit_up(1);
	th = lcx_tk_handler_open(tk, "arp-icmp", "ip=198.18.0.2,ip=198.18.0.3");
	CU_ASSERT_FATAL(th != NULL);

	/* A request for one of ours: answered on the input port. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 2), "tx:2");
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	arp = (struct rte_arp_hdr *)(eth + 1);
	CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &peer));
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr,
		&lcx_tk_port(tk, 2)->mac));
	CU_ASSERT_EQUAL(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	CU_ASSERT(rte_is_same_ether_addr(&arp->arp_data.arp_sha,
		&lcx_tk_port(tk, 2)->mac));
	CU_ASSERT(rte_is_same_ether_addr(&arp->arp_data.arp_tha, &peer));
	inet_pton(AF_INET, "198.18.0.3", &ip);
	CU_ASSERT_EQUAL(arp->arp_data.arp_sip, ip);
	inet_pton(AF_INET, "198.18.0.1", &ip);
	CU_ASSERT_EQUAL(arp->arp_data.arp_tip, ip);
	rte_pktmbuf_free(m);

	/* Not ours: passed on. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.9");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	/* ARP of the wrong size, or not Ethernet/IPv4: malformed. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	lcx_tk_trim(m, 14 + 27);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, 14)->arp_plen = 16;
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);

	/* Behind a VLAN tag: answered, tag kept. */
	lcx_tk_pkt_init(&d);
	d.vlan = 7;
	d.l3 = LCX_TK_ARP;
	d.l4 = 0;
	d.arp_op = RTE_ARP_OP_REQUEST;
	d.src_mac = d.arp_sha = peer;
	inet_pton(AF_INET, "198.18.0.1", &d.arp_spa);
	inet_pton(AF_INET, "198.18.0.2", &d.arp_tpa);
	m = lcx_tk_pkt_build(mp, &d);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 1), "tx:1");
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, 18);
	CU_ASSERT_EQUAL(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	rte_pktmbuf_free(m);

	/* A runt: not even an Ethernet header, passed on unread. */
	m = lcx_tk_arp_request(mp, &peer, "198.18.0.1", "198.18.0.3");
	lcx_tk_trim(m, 12);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	lcx_tk_handler_close(th);
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "arp-icmp", ""));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "arp-icmp", "ip=1.2.3"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "arp-icmp", "mask=1"));
	kit_down();
}

static void
test_arp_icmp_echo(void)
{
	struct rte_mbuf *m[6];
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *r;
	uint32_t us, peer;
	uint8_t orig[256];
	uint16_t len;

	kit_up(1);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "arp-icmp(ip=198.18.0.2) -> count"), 0);
	inet_pton(AF_INET, "198.18.0.2", &us);
	inet_pton(AF_INET, "198.18.0.1", &peer);
	m[0] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 77, 3, 56);
	len = m[0]->data_len;
	copy_of(m[0], orig);
	/* Echo to another address: forwarded to the pair, unchanged. */
	m[1] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.5", 77, 3, 56);
	/* UDP to us: not ICMP, passed on. */
	m[2] = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 1, 2, 0);
	/* Echo to us with a total length past the frame: malformed. */
	m[3] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 1, 1, 56);
	lcx_tk_trim(m[3], 14 + 20 + 8 + 10);
	/* Bad IHL. */
	m[4] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 1, 1, 8);
	rte_pktmbuf_mtod_offset(m[4], struct rte_ipv4_hdr *, 14)->version_ihl =
		0x44;
	/* IPv4 header cut before the addresses: not ours to judge. */
	m[5] = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.0.2", 1, 1, 8);
	lcx_tk_trim(m[5], 14 + 12);
	lcx_tk_rx(tk, 0, 0, m, 6);

	CU_ASSERT_EQUAL_FATAL(lcx_tk_tx_count(tk, 0), 1);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 3);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "malformed"), 2);
	r = lcx_tk_tx_pkt(tk, 0, 0);
	CU_ASSERT_EQUAL(r->data_len, len);
	ip = rte_pktmbuf_mtod_offset(r, struct rte_ipv4_hdr *, 14);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(ip->src_addr, us);
	CU_ASSERT_EQUAL(ip->dst_addr, peer);
	CU_ASSERT_EQUAL(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	CU_ASSERT_EQUAL(icmp->icmp_ident, RTE_BE16(77));
	CU_ASSERT_EQUAL(icmp->icmp_seq_nb, RTE_BE16(3));
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(r));
	CU_ASSERT(lcx_tk_l4_cksum_ok(r));
	/* Payload untouched. */
	CU_ASSERT(memcmp((uint8_t *)(icmp + 1), orig + 14 + 20 + 8, 56) == 0);
	/* The passed-through echo is byte for byte the original. */
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(lcx_tk_tx_pkt(tk, 1, 0)));
	kit_down();
}

/* ---- udp-echo ------------------------------------------------------------- */

static void
test_udp_echo(void)
{
	struct lcx_tk_handler *th;
	struct rte_ipv4_hdr *ip;
	struct rte_ipv6_hdr *ip6;
	struct rte_udp_hdr *u;
	struct rte_mbuf *m;
	uint32_t a1, a2;

	kit_up(1);
	th = lcx_tk_handler_open(tk, "udp-echo", "port=5353");
	CU_ASSERT_FATAL(th != NULL);
	inet_pton(AF_INET, "198.18.0.1", &a1);
	inet_pton(AF_INET, "198.18.0.2", &a2);

	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 33);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->time_to_live = 3;
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->hdr_checksum = 0;
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->hdr_checksum =
		rte_ipv4_cksum(rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, 14));
	CU_ASSERT_STRING_EQUAL(decide(th, m, 3), "tx:3");
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	u = (struct rte_udp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(ip->src_addr, a2);
	CU_ASSERT_EQUAL(ip->dst_addr, a1);
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(u->src_port, RTE_BE16(5353));
	CU_ASSERT_EQUAL(u->dst_port, RTE_BE16(40000));
	CU_ASSERT(lcx_tk_ipv4_cksum_ok(m));
	CU_ASSERT(lcx_tk_l4_cksum_ok(m));
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->src_addr, &lcx_tk_port(tk, 3)->mac));
	rte_pktmbuf_free(m);

	/* IPv6. */
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 40000, 5353, 7);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "tx:0");
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	CU_ASSERT_EQUAL(ip6->src_addr[15], 2);
	CU_ASSERT_EQUAL(ip6->dst_addr[15], 1);
	CU_ASSERT(lcx_tk_l4_cksum_ok(m));
	rte_pktmbuf_free(m);

	/* Other port, TCP: passed on. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 53, 3);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 0, 3);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	/* Malformed: UDP length past the IP length; frame cut short. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 20);
	rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34)->dgram_len =
		RTE_BE16(200);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 20);
	lcx_tk_trim(m, 14 + 20 + 8 + 5);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 40000, 5353, 20);
	lcx_tk_trim(m, 14 + 40 + 8 + 5);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	/* Cut inside the UDP header: cannot see the port, passed on. */
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.0.2", 40000, 5353, 20);
	lcx_tk_trim(m, 14 + 20 + 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);

	lcx_tk_handler_close(th);
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "udp-echo", "port=0"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "udp-echo", "port=70000"));
	kit_down();
}

/* ---- l3lpm ---------------------------------------------------------------- */

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

	kit_up(1);
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

	kit_up(1);
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


/* ---- filter --------------------------------------------------------------- */

static void
test_filter(void)
{
	struct lcx_tk_handler *th;
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 9}};
	struct rte_mbuf *m;

	kit_up(1);
	th = lcx_tk_handler_open(tk, "filter", "drop udp dport 53; "
		"pass tcp src 10.0.0.0/8 dport 1-1023; drop tcp; "
		"drop ip6; drop src 198.18.7.0/24");
	CU_ASSERT_FATAL(th != NULL);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 53, 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 999, 53, 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 54, 4);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "10.1.2.3", "198.18.1.1", 999, 22, 0, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "10.1.2.3", "198.18.1.1", 999, 8080, 0, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_tcp(mp, "11.1.2.3", "198.18.1.1", 999, 22, 0, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_icmp_echo(mp, "2001:db8::1", "2001:db8::2", 1, 1, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	m = lcx_tk_icmp_echo(mp, "198.18.0.1", "198.18.1.1", 1, 1, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_icmp_echo(mp, "198.18.7.1", "198.18.1.1", 1, 1, 0);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	/* Non-IP passes; malformed IP is dropped. */
	m = lcx_tk_arp_request(mp, &a, "198.18.7.1", "198.18.0.2");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "continue");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 54, 4);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->version_ihl = 0x42;
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 999, 54, 4);
	lcx_tk_trim(m, 14 + 20 + 2);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	m = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 999, 53, 4);
	lcx_tk_trim(m, 14 + 39);
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:malformed");
	rte_pktmbuf_free(m);
	lcx_tk_handler_close(th);

	/* A catch-all drops everything, ARP included. */
	th = lcx_tk_handler_open(tk, "filter", "pass udp; drop");
	CU_ASSERT_FATAL(th != NULL);
	m = lcx_tk_arp_request(mp, &a, "198.18.7.1", "198.18.0.2");
	CU_ASSERT_STRING_EQUAL(decide(th, m, 0), "drop:rule");
	rte_pktmbuf_free(m);
	lcx_tk_handler_close(th);

	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "block udp"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop dport 9-1"));
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "filter", "drop src 1.2.3.4/33"));
	kit_down();
}

/* ---- handoff -------------------------------------------------------------- */

static void
test_handoff(void)
{
	struct rte_mbuf *m[32];
	unsigned int i, local, away, got, out;
	struct lcx_handler_stats st;

	kit_up_n(2, 2047);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, "handoff -> macswap -> count"), 0);
	for (i = 0; i < 32; i++) {
		m[i] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1",
			(uint16_t)(1000 + i * 7), 80, 0);
	}
	lcx_tk_rx(tk, 0, 0, m, 32);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 0, &st), 0);
	local = (unsigned int)st.pkts_continue;
	away = (unsigned int)st.pkts_handoff;
	CU_ASSERT_EQUAL(local + away, 32);
	/* Software RSS spreads: neither side gets everything. */
	CU_ASSERT(local > 0 && away > 0);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), local);
	got = lcx_tk_poll_handoff(tk, 1);
	CU_ASSERT_EQUAL(got, away);
	out = lcx_tk_tx_count(tk, 1);
	CU_ASSERT_EQUAL(out, 32);
	/* The receiver ran the stages after handoff: macswap and count. */
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 1), 1, &st), 0);
	CU_ASSERT_EQUAL(st.pkts_in, away);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 1), 0, &st), 0);
	CU_ASSERT_EQUAL(st.pkts_in, 0);
	for (i = 0; i < out; i++)
		CU_ASSERT_EQUAL(rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, i),
			struct rte_ether_hdr *)->dst_addr.addr_bytes[5], 1);
	lcx_tk_tx_clear(tk);

	/* Same flow, both directions: same context (symmetric hash). */
	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1234, 80, 0);
	m[1] = lcx_tk_udp(mp, "198.18.1.1", "198.18.0.1", 80, 1234, 0);
	lcx_tk_rx(tk, 0, 0, m, 2);
	got = lcx_tk_poll_handoff(tk, 1);
	CU_ASSERT(got == 0 || got == 2);

	/* A full ring: "handoff-full".  256 slots, fill it without polling. */
	for (unsigned int round = 0; round < 100; round++) {
		lcx_tk_tx_clear(tk);
		for (i = 0; i < 32; i++)
			m[i] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1",
				(uint16_t)(1000 + i * 7), 80, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[31]);
		lcx_tk_rx(tk, 0, 0, m, 32);
	}
	CU_ASSERT(lcx_tk_drops(tk, 0, 0, "handoff-full") > 0);
	/* lcx_tk_free() empties the rings: the pool must still be full. */
	kit_down();
}

/* ---- capture -------------------------------------------------------------- */

static void
test_capture(void)
{
	struct rte_mbuf *m[4];
	char spec[128], path[64], cmd[160];
	uint8_t magic[4];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/lcx_capture_%d.pcapng", getpid());
	kit_up(1);
	snprintf(spec, sizeof(spec), "capture(file=%s) -> macswap", path);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, spec), 0);
	for (i = 0; i < 4; i++)
		m[i] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2,
			(uint16_t)(10 * i));
	lcx_tk_rx(tk, 0, 0, m, 4);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 4);
	lcx_pipeline_detach(lcx_tk_ctx(tk, 0));	/* closes the file */
	f = fopen(path, "rb");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(fread(magic, 1, 4, f), 4);
	fclose(f);
	/* pcapng section header block type. */
	CU_ASSERT(magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d &&
		magic[3] == 0x0a);
	if (access("/usr/bin/tshark", X_OK) == 0) {
		snprintf(cmd, sizeof(cmd), "tshark -r %s -T fields -e frame.len "
			"2>/dev/null | tr '\\n' ' ' | grep -qx '42 52 62 72 '",
			path);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "capture(file=/nonexistent/x)"),
		-ENOENT);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "capture"), -EINVAL);
	if (getenv("LCX_KEEP_CAPTURE") == NULL)
		unlink(path);
	kit_down();
}

CU_TestInfo handler_tests[] = {
	{ "io", test_io },
	{ "macswap", test_macswap },
	{ "l2rewrite", test_l2rewrite },
	{ "count", test_count },
	{ "arp-icmp ARP", test_arp_icmp_arp },
	{ "arp-icmp echo", test_arp_icmp_echo },
	{ "udp-echo", test_udp_echo },
	{ "l3lpm", test_l3lpm },
	{ "l3lpm in a pipeline", test_l3lpm_pipeline },
	{ "filter", test_filter },
	{ "handoff", test_handoff },
	{ "capture", test_capture },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suites[] = {
	{ "built-in handlers", suite_init, suite_clean, NULL, NULL,
		handler_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
