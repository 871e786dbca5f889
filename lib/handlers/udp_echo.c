/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udp-echo: answer UDP datagrams to one port ("port=N", default 7) on
 * IPv4 and IPv6, back out of the input port: MACs (source: the port's),
 * addresses and ports swapped.  Swapping leaves every checksum right (the
 * one's complement sum is commutative, and the pseudo-header holds both
 * addresses); the TTL / hop limit is reset to 64 with an incremental IPv4
 * header checksum update.  Datagrams to the port with inconsistent lengths
 * are dropped "malformed"; fragments and everything else pass on.
 */
#include <rte_udp.h>

#include "lcx_pkt.h"

#define foreach_udpecho_drop(_) _(UDPECHO_DROP_MALFORMED, "malformed")
LCX_HANDLER_DROPS(udpecho, foreach_udpecho_drop);

#define REPLY_TTL 64

struct udp_echo {
	uint16_t port;  /* network order */
};

static int
udp_echo_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct lcx_args *a = lcx_args_parse("udp-echo", args, "port=N");
	struct udp_echo *ue = priv;
	uint16_t port = 7;

	RTE_SET_USED(ctx);
	lcx_args_u16(a, "port", 1, UINT16_MAX, &port);
	ue->port = rte_cpu_to_be_16(port);
	return lcx_args_end(a);
}

static __rte_always_inline void
swap_udp(struct rte_udp_hdr *u)
{
	uint16_t p = u->src_port;

	u->src_port = u->dst_port;
	u->dst_port = p;
}

/* The UDP header to our port, when the frame shows it; we judge the
 * lengths only of datagrams that are ours. */
static __rte_always_inline struct rte_udp_hdr *
udp_to(const struct udp_echo *ue, struct rte_mbuf *m, uint16_t l4_off)
{
	struct rte_udp_hdr *u;

	if (m->data_len < l4_off + sizeof(*u))
		return NULL;
	u = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, l4_off);
	return u->dst_port == ue->port ? u : NULL;
}

static uint16_t
echo4(const struct udp_echo *ue, struct rte_mbuf *m, uint16_t off)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *u;
	uint16_t ihl;

	if (m->data_len < off + sizeof(*ip))
		return LCX_ACT_CONTINUE;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);
	ihl = rte_ipv4_hdr_len(ip);
	if (ip->next_proto_id != IPPROTO_UDP || lcx_pkt_ipv4_frag(ip) ||
			ihl < sizeof(*ip) || (u = udp_to(ue, m, off + ihl)) == NULL)
		return LCX_ACT_CONTINUE;
	if (!lcx_pkt_ipv4_valid(m, off) || rte_be_to_cpu_16(u->dgram_len) <
			sizeof(*u) || rte_be_to_cpu_16(ip->total_length) !=
			ihl + rte_be_to_cpu_16(u->dgram_len))
		return LCX_ACT_DROP(UDPECHO_DROP_MALFORMED);
	lcx_pkt_ipv4_swap(ip);
	lcx_pkt_ipv4_ttl_set(ip, REPLY_TTL);
	swap_udp(u);
	return LCX_ACT_TX(m->port);
}

static uint16_t
echo6(const struct udp_echo *ue, struct rte_mbuf *m, uint16_t off)
{
	struct rte_ipv6_hdr *ip;
	struct rte_udp_hdr *u;
	uint8_t a[16];

	if (m->data_len < off + sizeof(*ip))
		return LCX_ACT_CONTINUE;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, off);
	/* No extension header walk: UDP right behind the fixed header. */
	if (ip->proto != IPPROTO_UDP ||
			(u = udp_to(ue, m, off + sizeof(*ip))) == NULL)
		return LCX_ACT_CONTINUE;
	if (lcx_pkt_ipv6(m, off) == NULL || rte_be_to_cpu_16(u->dgram_len) <
			sizeof(*u) || ip->payload_len != u->dgram_len)
		return LCX_ACT_DROP(UDPECHO_DROP_MALFORMED);
	memcpy(a, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, a, 16);
	ip->hop_limits = REPLY_TTL;
	swap_udp(u);
	return LCX_ACT_TX(m->port);
}

static __rte_always_inline uint16_t
echo(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	uint16_t off = 0, type = lcx_pkt_ether_type(m, &off), a;

	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		a = echo4(priv, m, off);
	else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		a = echo6(priv, m, off);
	else
		return LCX_ACT_CONTINUE;
	return LCX_ACT_KIND(a) == LCX_ACT_KIND_TX ? lcx_pkt_reply(ctx, m) : a;
}

static uint16_t
udp_echo_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each(priv, ctx, pkts, act, n, echo);
}

LCX_HANDLER_REGISTER(udp_echo) = {
	.name = "udp-echo",
	.usage = "udp-echo[(port=N)]  (default 7)",
	.priv_size = sizeof(struct udp_echo),
	.init = udp_echo_init,
	.process = udp_echo_process,
	LCX_HANDLER_DROPS_OF(udpecho),
};
