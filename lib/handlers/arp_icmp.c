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
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_kvargs.h>
#include <rte_prefetch.h>

#include "lcx_handler.h"

#define foreach_arpicmp_drop(_) \
	_(MALFORMED, "malformed")
LCX_HANDLER_DROPS(ARPICMP, foreach_arpicmp_drop);

#define MAX_ADDRS 8
#define REPLY_TTL 64

struct arp_icmp {
	unsigned int nb_addrs;
	uint32_t addr[MAX_ADDRS];     /* network order */
};

static int
ip_arg(const char *key, const char *value, void *opaque)
{
	struct arp_icmp *ai = opaque;

	RTE_SET_USED(key);
	if (ai->nb_addrs == MAX_ADDRS ||
			lcx_parse_ipv4(value, &ai->addr[ai->nb_addrs]) != 0) {
		LCX_LOG(ERR, "arp-icmp: bad ip=%s (at most %d addresses)",
			value ? value : "", MAX_ADDRS);
		return -EINVAL;
	}
	ai->nb_addrs++;
	return 0;
}

static int
arp_icmp_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	static const char *const keys[] = { "ip", NULL };
	struct arp_icmp *ai = priv;
	struct rte_kvargs *kv;
	int rc;

	RTE_SET_USED(ctx);
	kv = rte_kvargs_parse(args, keys);
	if (kv == NULL) {
		LCX_LOG(ERR, "arp-icmp: bad arguments '%s' (ip=A.B.C.D,...)",
			args);
		return -EINVAL;
	}
	rc = rte_kvargs_process(kv, "ip", ip_arg, ai);
	rte_kvargs_free(kv);
	if (rc == 0 && ai->nb_addrs == 0) {
		LCX_LOG(ERR, "arp-icmp: no address (ip=A.B.C.D)");
		rc = -EINVAL;
	}
	return rc < 0 ? rc : rc > 0 ? -EINVAL : 0;
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
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp;
	const struct lcx_port *port;
	uint32_t tip;

	if (m->data_len < off + sizeof(*arp))
		return LCX_ACT_DROP(DROP_MALFORMED);
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, off);
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
			arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return LCX_ACT_DROP(DROP_MALFORMED);
	tip = arp->arp_data.arp_tip;
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) || !ours(ai, tip))
		return LCX_ACT_CONTINUE;
	port = ctx->txq[m->port & (LCX_MAX_PORTS - 1)].port;
	if (port == NULL)
		return LCX_ACT_CONTINUE;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	arp->arp_data.arp_sha = port->mac;
	arp->arp_data.arp_sip = tip;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = port->mac;
	return LCX_ACT_TX(m->port);
}

static uint16_t
echo_reply(const struct arp_icmp *ai, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint16_t off)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	const struct lcx_port *port;
	uint16_t ihl, tot, old, neu;
	uint32_t a;

	if (m->data_len < off + sizeof(*ip))
		return LCX_ACT_CONTINUE;	/* cannot even see the address */
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);
	if (!ours(ai, ip->dst_addr))
		return LCX_ACT_CONTINUE;
	ihl = (ip->version_ihl & 0xf) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || tot < ihl ||
			off + tot > m->data_len)
		return LCX_ACT_DROP(DROP_MALFORMED);
	if (ip->next_proto_id != IPPROTO_ICMP ||
			(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
				RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return LCX_ACT_CONTINUE;
	if (tot < ihl + sizeof(*icmp))
		return LCX_ACT_DROP(DROP_MALFORMED);
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return LCX_ACT_CONTINUE;
	port = ctx->txq[m->port & (LCX_MAX_PORTS - 1)].port;
	if (port == NULL)
		return LCX_ACT_CONTINUE;

	/* Type 8 -> 0: one 16-bit word (type, code) changes. */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = lcx_cksum_update16(icmp->icmp_cksum,
		RTE_BE16(RTE_IP_ICMP_ECHO_REQUEST << 8),
		RTE_BE16(RTE_IP_ICMP_ECHO_REPLY << 8));
	/* Swapping the addresses leaves the header sum alone; the TTL. */
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	memcpy(&old, &ip->time_to_live, 2);
	ip->time_to_live = REPLY_TTL;
	memcpy(&neu, &ip->time_to_live, 2);
	ip->hdr_checksum = lcx_cksum_update16(ip->hdr_checksum, old, neu);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = port->mac;
	return LCX_ACT_TX(m->port);
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
	LCX_HANDLER_DROPS_OF(ARPICMP),
};
