/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * count: packets and bytes per protocol in declared counters, read with
 * lcx_pipeline_stats_get(), summed over contexts with
 * lcx_handler_stats_add(), printed by lcx_pipeline_dump().
 */
#include <rte_ip.h>

#include "handler_test.h"

/* A counter of a stats copy by name; -1 when there is none. */
static int64_t
counter(const struct lcx_handler_stats *st, const char *name)
{
	unsigned int i;

	for (i = 0; i < st->nb_counters; i++)
		if (strcmp(st->counter_name[i], name) == 0)
			return (int64_t)st->counter[i];
	return -1;
}

/* ctx 0: UDP/IPv4 (42 + 10 bytes), TCP/IPv4, UDP/IPv6, ARP, an IPv4
 * frame cut inside its header (other-l3), ICMP behind a VLAN tag. */
static uint32_t len[6];

static void
send_mix(unsigned int c)
{
	unsigned int i;

	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 9}};
	struct rte_mbuf *m[6];
	struct lcx_tk_pkt d;

	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	m[1] = lcx_tk_tcp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 0, 0);
	m[2] = lcx_tk_udp(mp, "2001:db8::1", "2001:db8::2", 1, 2, 0);
	m[3] = lcx_tk_arp_request(mp, &a, "198.18.0.1", "198.18.0.2");
	m[4] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2, 10);
	lcx_tk_trim(m[4], 20);
	lcx_tk_pkt_init(&d);
	d.vlan = 5;
	d.l4 = IPPROTO_ICMP;
	d.icmp_type = 8;
	m[5] = lcx_tk_pkt_build(mp, &d);
	for (i = 0; i < 6; i++)
		len[i] = m[i]->pkt_len;
	lcx_tk_rx(tk, c, 1, m, 6);
}

static void
test_count(void)
{
	struct lcx_handler_stats st, sum;
	char *out;

	kit_up_n(2, POOL);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, "count"), 0);
	send_mix(0);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 0), 6);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 0, &st), 0);
	CU_ASSERT_EQUAL(st.nb_counters, 16);
	CU_ASSERT_EQUAL(counter(&st, "ipv4-packets"), 3);
	CU_ASSERT_EQUAL(len[0], 14 + 20 + 8 + 10);
	CU_ASSERT_EQUAL(len[4], 20);
	CU_ASSERT_EQUAL(counter(&st, "ipv4-bytes"), len[0] + len[1] + len[5]);
	CU_ASSERT_EQUAL(counter(&st, "ipv6-packets"), 1);
	CU_ASSERT_EQUAL(counter(&st, "ipv6-bytes"), len[2]);
	CU_ASSERT_EQUAL(counter(&st, "arp-packets"), 1);
	CU_ASSERT_EQUAL(counter(&st, "arp-bytes"), len[3]);
	CU_ASSERT_EQUAL(counter(&st, "other-l3-packets"), 1);
	CU_ASSERT_EQUAL(counter(&st, "other-l3-bytes"), 20);
	CU_ASSERT_EQUAL(counter(&st, "udp-packets"), 2);
	CU_ASSERT_EQUAL(counter(&st, "udp-bytes"), len[0] + len[2]);
	CU_ASSERT_EQUAL(counter(&st, "tcp-packets"), 1);
	CU_ASSERT_EQUAL(counter(&st, "icmp-packets"), 1);
	CU_ASSERT_EQUAL(counter(&st, "other-l4-packets"), 0);
	CU_ASSERT_EQUAL(counter(&st, "no-such-counter"), -1);

	/* Two contexts: the sum takes the names and adds. */
	send_mix(1);
	send_mix(1);
	memset(&sum, 0, sizeof(sum));
	lcx_handler_stats_add(&sum, &st);
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 1), 0, &st), 0);
	CU_ASSERT_EQUAL(counter(&st, "udp-packets"), 4);
	lcx_handler_stats_add(&sum, &st);
	CU_ASSERT_STRING_EQUAL(sum.handler, "count");
	CU_ASSERT_EQUAL(sum.nb_counters, 16);
	CU_ASSERT_EQUAL(counter(&sum, "udp-packets"), 6);
	CU_ASSERT_EQUAL(counter(&sum, "arp-bytes"), 3 * len[3]);
	CU_ASSERT_EQUAL(sum.pkts_in, 18);

	/* The dump prints the non-zero ones, by name. */
	out = dump_of(0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  counter ipv4-packets 3\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  counter arp-packets 1\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "other-l4"));
	free(out);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "count(x)"), -EINVAL);
	kit_down();
}

/* The registration: names from the X-macro, the array inside priv. */
static void
test_count_declared(void)
{
	const struct lcx_handler *h = lcx_handler_find("count");

	CU_ASSERT_FATAL(h != NULL);
	CU_ASSERT_EQUAL(h->nb_counters, 16);
	CU_ASSERT_PTR_NULL(h->dump);
	CU_ASSERT(h->counters_off + h->nb_counters * sizeof(uint64_t) <=
		h->priv_size);
	CU_ASSERT_STRING_EQUAL(h->counter_names[0], "other-l4-packets");
}

static CU_TestInfo tests[] = {
	{ "counters", test_count },
	{ "declaration", test_count_declared },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler count", tests)
