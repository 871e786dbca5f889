/* SPDX-License-Identifier: BSD-3-Clause */
/* count: packets and bytes per protocol in declared counters, pass on. */
#include "lcx_pkt.h"

#define foreach_count_counter(_) \
	_(COUNT_L4, "other-l4-packets") _(COUNT_L4_B, "other-l4-bytes") \
	_(COUNT_TCP, "tcp-packets") _(COUNT_TCP_B, "tcp-bytes") \
	_(COUNT_UDP, "udp-packets") _(COUNT_UDP_B, "udp-bytes") \
	_(COUNT_ICMP, "icmp-packets") _(COUNT_ICMP_B, "icmp-bytes") \
	_(COUNT_IPV4, "ipv4-packets") _(COUNT_IPV4_B, "ipv4-bytes") \
	_(COUNT_IPV6, "ipv6-packets") _(COUNT_IPV6_B, "ipv6-bytes") \
	_(COUNT_ARP, "arp-packets") _(COUNT_ARP_B, "arp-bytes") \
	_(COUNT_L3, "other-l3-packets") _(COUNT_L3_B, "other-l3-bytes")
LCX_HANDLER_COUNTERS(count, foreach_count_counter);

struct count {
	uint64_t ctr[LCX_HANDLER_NB_COUNTERS(count)];   /* each _B follows */
};

static const uint8_t l4_class[256] = {	/* by protocol; 0: COUNT_L4 */
	[IPPROTO_TCP] = COUNT_TCP, [IPPROTO_UDP] = COUNT_UDP,
	[IPPROTO_ICMP] = COUNT_ICMP, [IPPROTO_ICMPV6] = COUNT_ICMP };

static __rte_always_inline uint16_t
count_one(void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	uint64_t *ctr = ((struct count *)priv)->ctr;
	struct lcx_pkt_info pi;
	unsigned int c = COUNT_L3;

	RTE_SET_USED(ctx);
	if (lcx_pkt_parse(m, &pi) == 0 && pi.family != 0) {
		ctr[l4_class[pi.proto]]++;
		ctr[l4_class[pi.proto] + 1] += m->pkt_len;
		c = pi.family == 4 ? COUNT_IPV4 : COUNT_IPV6;
	} else if (pi.type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		c = COUNT_ARP;
	}
	ctr[c]++;
	ctr[c + 1] += m->pkt_len;
	return LCX_ACT_CONTINUE;
}

static uint16_t
count_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each_mut(priv, ctx, pkts, act, n, count_one);
}

LCX_HANDLER_REGISTER(count) = {
	.name = "count",
	.usage = "count: no arguments",
	.priv_size = sizeof(struct count),
	.init = lcx_handler_init_noargs,
	.process = count_process,
	LCX_HANDLER_COUNTERS_OF(count, struct count, ctr),
};
