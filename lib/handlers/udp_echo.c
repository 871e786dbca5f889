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
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_kvargs.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "lcx_handler.h"

#define foreach_udpecho_drop(_) \
	_(MALFORMED, "malformed")
LCX_HANDLER_DROPS(UDPECHO, foreach_udpecho_drop);

#define REPLY_TTL 64

struct udp_echo {
	uint16_t port;  /* network order */
};

static int
port_arg(const char *key, const char *value, void *opaque)
{
	struct udp_echo *ue = opaque;
	unsigned long p;
	char *end;

	RTE_SET_USED(key);
	p = strtoul(value ? value : "", &end, 10);
	if (value == NULL || end == value || *end != '\0' || p == 0 ||
			p > UINT16_MAX) {
		LCX_LOG(ERR, "udp-echo: bad port=%s", value ? value : "");
		return -EINVAL;
	}
	ue->port = rte_cpu_to_be_16((uint16_t)p);
	return 0;
}

static int
udp_echo_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	static const char *const keys[] = { "port", NULL };
	struct udp_echo *ue = priv;
	struct rte_kvargs *kv;
	int rc;

	RTE_SET_USED(ctx);
	ue->port = RTE_BE16(7);
	kv = rte_kvargs_parse(args, keys);
	if (kv == NULL) {
		LCX_LOG(ERR, "udp-echo: bad arguments '%s' (port=N)", args);
		return -EINVAL;
	}
	rc = rte_kvargs_process(kv, "port", port_arg, ue);
	rte_kvargs_free(kv);
	return rc == 0 ? 0 : -EINVAL;
}

static __rte_always_inline void
swap_udp(struct rte_udp_hdr *u)
{
	uint16_t p = u->src_port;

	u->src_port = u->dst_port;
	u->dst_port = p;
}

static uint16_t
echo4(const struct udp_echo *ue, struct rte_mbuf *m, uint16_t off)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *u;
	uint16_t ihl, tot, ulen, old, neu;
	uint32_t a;

	if (m->data_len < off + sizeof(*ip))
		return LCX_ACT_CONTINUE;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);
	ihl = (ip->version_ihl & 0xf) * 4;
	if (ip->next_proto_id != IPPROTO_UDP || (ip->version_ihl >> 4) != 4 ||
			ihl < sizeof(*ip) ||
			(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
				RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
			m->data_len < off + ihl + sizeof(*u))
		return LCX_ACT_CONTINUE;
	u = (struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	if (u->dst_port != ue->port)
		return LCX_ACT_CONTINUE;
	tot = rte_be_to_cpu_16(ip->total_length);
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || tot != ihl + ulen || off + tot > m->data_len)
		return LCX_ACT_DROP(DROP_MALFORMED);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	memcpy(&old, &ip->time_to_live, 2);
	ip->time_to_live = REPLY_TTL;
	memcpy(&neu, &ip->time_to_live, 2);
	ip->hdr_checksum = lcx_cksum_update16(ip->hdr_checksum, old, neu);
	swap_udp(u);
	return LCX_ACT_TX(m->port);
}

static uint16_t
echo6(const struct udp_echo *ue, struct rte_mbuf *m, uint16_t off)
{
	struct rte_ipv6_hdr *ip;
	struct rte_udp_hdr *u;
	uint8_t a[16];
	uint16_t plen, ulen;

	if (m->data_len < off + sizeof(*ip) + sizeof(*u))
		return LCX_ACT_CONTINUE;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, off);
	/* No extension header walk: UDP right behind the fixed header. */
	if (ip->proto != IPPROTO_UDP ||
			(rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return LCX_ACT_CONTINUE;
	u = (struct rte_udp_hdr *)(ip + 1);
	if (u->dst_port != ue->port)
		return LCX_ACT_CONTINUE;
	plen = rte_be_to_cpu_16(ip->payload_len);
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || plen != ulen ||
			off + sizeof(*ip) + plen > m->data_len)
		return LCX_ACT_DROP(DROP_MALFORMED);
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
	const struct udp_echo *ue = priv;
	uint16_t off = 0, type = lcx_pkt_ether_type(m, &off), a;
	struct rte_ether_hdr *eth;
	const struct lcx_port *port;

	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		a = echo4(ue, m, off);
	else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		a = echo6(ue, m, off);
	else
		return LCX_ACT_CONTINUE;
	if (LCX_ACT_KIND(a) != LCX_ACT_KIND_TX)
		return a;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	port = ctx->txq[m->port & (LCX_MAX_PORTS - 1)].port;
	eth->dst_addr = eth->src_addr;
	if (port != NULL)
		eth->src_addr = port->mac;
	return a;
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
	LCX_HANDLER_DROPS_OF(UDPECHO),
};
