/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arp-icmp: answer ARP requests and ICMP echo requests for the IPv4
 * addresses given as "ip=A.B.C.D" (up to 8), with the input port's MAC,
 * on the input port: so ping works against lcx.  Everything else passes
 * on unchanged.  ARP frames that are too short or not Ethernet/IPv4 ARP,
 * and IPv4 packets to our addresses with inconsistent lengths, are
 * dropped "malformed".  The request's ICMP checksum is not verified (the
 * reply's is updated incrementally, so a bad one stays bad).
 */
#include <rte_arp.h>
#include <rte_icmp.h>

#include "lcx_pkt.h"

#define foreach_arpicmp_drop(_) _(ARPICMP_DROP_MALFORMED, "malformed")
LCX_HANDLER_DROPS(arpicmp, foreach_arpicmp_drop);

#define MAX_ADDRS 8
#define REPLY_TTL 64

struct arp_icmp {
	unsigned int nb_addrs;
	uint32_t addr[MAX_ADDRS];     /* network order */
};

static int
arp_icmp_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct lcx_args *a = lcx_args_parse("arp-icmp", args,
		"ip=A.B.C.D[,ip=...] (1..8)");
	struct arp_icmp *ai = priv;
	int n;

	RTE_SET_USED(ctx);
	lcx_args_need(a, "ip");
	n = lcx_args_ipv4_list(a, "ip", ai->addr, MAX_ADDRS);
	ai->nb_addrs = n > 0 ? (unsigned int)n : 0;
	return lcx_args_end(a);
}

static __rte_always_inline int
ours(const struct arp_icmp *ai, uint32_t a)
{
	unsigned int i;

	for (i = 0; i < ai->nb_addrs; i++)
		if (ai->addr[i] == a)
			return 1;
	return 0;
}

static uint16_t
arp_reply(const struct arp_icmp *ai, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint16_t off)
{
	const struct rte_ether_addr *mac = lcx_pkt_port_mac(ctx, m->port);
	struct rte_arp_hdr *arp;
	uint32_t tip;

	if (m->data_len < off + sizeof(*arp))
		return LCX_ACT_DROP(ARPICMP_DROP_MALFORMED);
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, off);
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
			arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return LCX_ACT_DROP(ARPICMP_DROP_MALFORMED);
	tip = arp->arp_data.arp_tip;
	/* Without a queue on the input port there is no MAC to answer with. */
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
			!ours(ai, tip) || mac == NULL)
		return LCX_ACT_CONTINUE;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	arp->arp_data.arp_sha = *mac;
	arp->arp_data.arp_sip = tip;
	return lcx_pkt_reply(ctx, m);
}

static uint16_t
echo_reply(const struct arp_icmp *ai, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint16_t off)
{
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;

	if (m->data_len < off + sizeof(*ip))
		return LCX_ACT_CONTINUE;	/* cannot even see the address */
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);
	if (!ours(ai, ip->dst_addr))
		return LCX_ACT_CONTINUE;
	if (!lcx_pkt_ipv4_valid(m, off))
		return LCX_ACT_DROP(ARPICMP_DROP_MALFORMED);
	if (ip->next_proto_id != IPPROTO_ICMP || lcx_pkt_ipv4_frag(ip))
		return LCX_ACT_CONTINUE;
	if (rte_be_to_cpu_16(ip->total_length) <
			rte_ipv4_hdr_len(ip) + sizeof(*icmp))
		return LCX_ACT_DROP(ARPICMP_DROP_MALFORMED);
	icmp = lcx_pkt_ipv4_l4(ip);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return LCX_ACT_CONTINUE;

	/* Type 8 -> 0: one 16-bit word (type, code) changes. */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = lcx_cksum_update16(icmp->icmp_cksum,
		RTE_BE16(RTE_IP_ICMP_ECHO_REQUEST << 8),
		RTE_BE16(RTE_IP_ICMP_ECHO_REPLY << 8));
	lcx_pkt_ipv4_swap(ip);
	lcx_pkt_ipv4_ttl_set(ip, REPLY_TTL);
	return lcx_pkt_reply(ctx, m);
}

static __rte_always_inline uint16_t
answer(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	const struct arp_icmp *ai = priv;
	uint16_t off = 0, type = lcx_pkt_ether_type(m, &off);

	if (type == RTE_BE16(RTE_ETHER_TYPE_ARP))
		return arp_reply(ai, ctx, m, off);
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return echo_reply(ai, ctx, m, off);
	return LCX_ACT_CONTINUE;
}

static uint16_t
arp_icmp_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each(priv, ctx, pkts, act, n, answer);
}

LCX_HANDLER_REGISTER(arp_icmp) = {
	.name = "arp-icmp",
	.usage = "arp-icmp(ip=A.B.C.D[,ip=...])",
	.priv_size = sizeof(struct arp_icmp),
	.init = arp_icmp_init,
	.process = arp_icmp_process,
	LCX_HANDLER_DROPS_OF(arpicmp),
};
