/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_PKT_H
#define LCX_PKT_H

/**
 * @file
 * Packet helpers for handler authors: what several handlers need and
 * must get right the same way, on DPDK's own helpers (rte_ipv4_hdr_len(),
 * rte_ipv4_cksum()).  All read only the first segment (data_len) and
 * never past it; all are inline, for process() loops.
 *
 *     uint16_t off, type = lcx_pkt_ether_type(m, &off);
 *     struct rte_ipv4_hdr *ip;
 *
 *     if (type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
 *             return LCX_ACT_CONTINUE;
 *     ip = lcx_pkt_ipv4(m, off);              NULL: malformed
 *     if (ip == NULL)
 *             return LCX_ACT_DROP(X_DROP_MALFORMED);
 *     if (lcx_pkt_ipv4_ttl_dec(ip) != 0)      TTL <= 1
 *             return LCX_ACT_DROP(X_DROP_TTL);
 *     return lcx_pkt_reply(ctx, m);           back out of the input port
 */

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_mbuf.h>

#include "lcx_handler.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- L2 ------------------------------------------------------------------- */

/** Offset of the L3 header behind one VLAN tag. */
#define LCX_PKT_L3_OFF_VLAN (RTE_ETHER_HDR_LEN + sizeof(struct rte_vlan_hdr))

/**
 * Ether type of a frame, looking behind at most one VLAN tag (QinQ is not
 * looked into), and the offset of its L3 header.
 *
 * @param m
 *   The frame.
 * @param l3_off
 *   Receives 14, or 18 behind a tag; untouched when 0 is returned.
 * @return
 *   The ether type in network order; 0 when the frame is too short for
 *   its Ethernet header (and tag).
 */
static __rte_always_inline uint16_t
lcx_pkt_ether_type(const struct rte_mbuf *m, uint16_t *l3_off)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t type;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN))
		return 0;
	type = eth->ether_type;
	if (likely(type != RTE_BE16(RTE_ETHER_TYPE_VLAN))) {
		*l3_off = RTE_ETHER_HDR_LEN;
		return type;
	}
	if (unlikely(m->data_len < LCX_PKT_L3_OFF_VLAN))
		return 0;
	*l3_off = LCX_PKT_L3_OFF_VLAN;
	return ((const struct rte_vlan_hdr *)(eth + 1))->eth_proto;
}

/**
 * MAC address of lcx port @p port as seen by @p ctx (its TX queue's port).
 *
 * @param ctx
 *   The context.
 * @param port
 *   The lcx port index (masked to LCX_MAX_PORTS).
 * @return
 *   The address, or NULL when the context has no queue on it.
 */
static __rte_always_inline const struct rte_ether_addr *
lcx_pkt_port_mac(const struct lcx_ctx *ctx, uint16_t port)
{
	const struct lcx_port *p = ctx->txq[port & (LCX_MAX_PORTS - 1)].port;

	return likely(p != NULL) ? &p->mac : NULL;
}

/**
 * Turn a frame around: the destination MAC becomes its source, the
 * source the input port's MAC (without a queue on that port: the old
 * destination, a plain swap), and the decision is TX on the input port.
 * The caller has checked data_len >= RTE_ETHER_HDR_LEN.
 *
 * @param ctx
 *   The context.
 * @param m
 *   The frame; m->port is its lcx input port.
 * @return
 *   LCX_ACT_TX(m->port).
 */
static __rte_always_inline uint16_t
lcx_pkt_reply(const struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct rte_ether_addr *mac = lcx_pkt_port_mac(ctx, m->port);
	struct rte_ether_addr old_dst = eth->dst_addr;

	eth->dst_addr = eth->src_addr;
	eth->src_addr = mac != NULL ? *mac : old_dst;
	return LCX_ACT_TX(m->port);
}

/**
 * Send a frame to a next hop: destination MAC @p dst, source the MAC of
 * @p port (kept when the context has no queue on it, which then drops
 * it as "no-txq"), TX on @p port.  The caller has checked data_len >=
 * RTE_ETHER_HDR_LEN.
 *
 * @param ctx
 *   The context.
 * @param m
 *   The frame.
 * @param port
 *   Out port, < LCX_MAX_PORTS.
 * @param dst
 *   Next hop's MAC.
 * @return
 *   LCX_ACT_TX(port).
 */
static __rte_always_inline uint16_t
lcx_pkt_send(const struct lcx_ctx *ctx, struct rte_mbuf *m, uint16_t port,
		const struct rte_ether_addr *dst)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct rte_ether_addr *mac = lcx_pkt_port_mac(ctx, port);

	eth->dst_addr = *dst;
	if (likely(mac != NULL))
		eth->src_addr = *mac;
	return LCX_ACT_TX(port);
}

/* ---- Checksums ------------------------------------------------------------ */

/**
 * Incremental Internet checksum update (RFC 1624, eqn. 3):
 * HC' = ~(~HC + ~m + m'), for one 16-bit word changing from m to m'.
 *
 * @param cksum
 *   The checksum, network order.
 * @param old
 *   The word before, network order.
 * @param new_
 *   The word after, network order.
 * @return
 *   The updated checksum, network order.
 */
static inline uint16_t
lcx_cksum_update16(uint16_t cksum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~cksum;

	s += (uint16_t)~old;
	s += new_;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* ---- IPv4 ----------------------------------------------------------------- */

/**
 * Whether the IPv4 header at @p l3_off may be read and rewritten: its 20
 * bytes are in the first segment, version 4, IHL >= 5, total length >=
 * the header (rte_ipv4_hdr_len()), and the whole datagram (total length)
 * inside data_len.  The header checksum is not verified (as l3fwd).
 *
 * @param m
 *   The frame.
 * @param l3_off
 *   Offset of the IPv4 header (lcx_pkt_ether_type()).
 * @return
 *   1 when valid, 0 when malformed.
 */
static __rte_always_inline int
lcx_pkt_ipv4_valid(const struct rte_mbuf *m, uint16_t l3_off)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot;

	if (unlikely(m->data_len < l3_off + sizeof(*ip)))
		return 0;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l3_off);
	ihl = rte_ipv4_hdr_len(ip);
	tot = rte_be_to_cpu_16(ip->total_length);
	return likely((ip->version_ihl >> 4) == 4 &&
		ihl >= sizeof(*ip) && tot >= ihl &&
		l3_off + tot <= m->data_len);
}

/**
 * The IPv4 header at @p l3_off when lcx_pkt_ipv4_valid().
 *
 * @param m
 *   The frame.
 * @param l3_off
 *   Offset of the IPv4 header.
 * @return
 *   The header, or NULL (malformed).
 */
static __rte_always_inline struct rte_ipv4_hdr *
lcx_pkt_ipv4(const struct rte_mbuf *m, uint16_t l3_off)
{
	if (unlikely(!lcx_pkt_ipv4_valid(m, l3_off)))
		return NULL;
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3_off);
}

/**
 * The L4 header of a valid IPv4 datagram (behind its options).
 *
 * @param ip
 *   A header lcx_pkt_ipv4() returned.
 * @return
 *   The first byte after the IPv4 header (inside the datagram only if
 *   the total length leaves room: check before reading).
 */
static __rte_always_inline void *
lcx_pkt_ipv4_l4(struct rte_ipv4_hdr *ip)
{
	return (uint8_t *)ip + rte_ipv4_hdr_len(ip);
}

/**
 * Whether the datagram is a fragment other than the first (its L4
 * header is elsewhere).
 *
 * @param ip
 *   The header.
 * @return
 *   1 for a later fragment, 0 otherwise.
 */
static __rte_always_inline int
lcx_pkt_ipv4_frag_later(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

/**
 * Whether the datagram is any fragment (first, middle or last).
 *
 * @param ip
 *   The header.
 * @return
 *   1 for a fragment, 0 for a whole datagram.
 */
static __rte_always_inline int
lcx_pkt_ipv4_frag(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
		RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

/**
 * Set the TTL, updating the header checksum incrementally (TTL and
 * protocol are one 16-bit word of the sum).
 *
 * @param ip
 *   The header.
 * @param ttl
 *   The new TTL.
 */
static __rte_always_inline void
lcx_pkt_ipv4_ttl_set(struct rte_ipv4_hdr *ip, uint8_t ttl)
{
	uint16_t old, neu;

	memcpy(&old, &ip->time_to_live, sizeof(old));
	ip->time_to_live = ttl;
	memcpy(&neu, &ip->time_to_live, sizeof(neu));
	ip->hdr_checksum = lcx_cksum_update16(ip->hdr_checksum, old, neu);
}

/**
 * Decrement the TTL of a datagram being forwarded, with the checksum
 * update; a TTL of 0 or 1 is left alone (the datagram must not be
 * forwarded).
 *
 * @param ip
 *   The header.
 * @return
 *   0; -1 when the TTL was <= 1 (expired).
 */
static __rte_always_inline int
lcx_pkt_ipv4_ttl_dec(struct rte_ipv4_hdr *ip)
{
	if (unlikely(ip->time_to_live <= 1))
		return -1;
	lcx_pkt_ipv4_ttl_set(ip, (uint8_t)(ip->time_to_live - 1));
	return 0;
}

/**
 * Swap source and destination address (the header sum does not change:
 * one's complement addition commutes).
 *
 * @param ip
 *   The header.
 */
static __rte_always_inline void
lcx_pkt_ipv4_swap(struct rte_ipv4_hdr *ip)
{
	uint32_t a = ip->src_addr;

	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
}

/* ---- IPv6 ----------------------------------------------------------------- */

/**
 * The IPv6 header at @p l3_off when its 40 bytes are in the first
 * segment, the version is 6 and the payload length fits in data_len.
 * Extension headers are not walked.
 *
 * @param m
 *   The frame.
 * @param l3_off
 *   Offset of the IPv6 header.
 * @return
 *   The header, or NULL (malformed).
 */
static __rte_always_inline struct rte_ipv6_hdr *
lcx_pkt_ipv6(const struct rte_mbuf *m, uint16_t l3_off)
{
	struct rte_ipv6_hdr *ip;

	if (unlikely(m->data_len < l3_off + sizeof(*ip)))
		return NULL;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3_off);
	if (unlikely((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
			l3_off + sizeof(*ip) +
			rte_be_to_cpu_16(ip->payload_len) > m->data_len))
		return NULL;
	return ip;
}

/* ---- L3 + L4 at once ----------------------------------------------------- */

/** What lcx_pkt_parse() finds in a frame. */
struct lcx_pkt_info {
	uint16_t type;                /**< ether type, network order; 0: runt */
	uint16_t l3_off;              /**< behind Ethernet (and one tag) */
	uint16_t l4_off;              /**< IP: the L4 header */
	uint16_t end;                 /**< IP: end of the datagram */
	uint8_t family;               /**< 4, 6: a valid IP header; 0: not IP */
	uint8_t proto;                /**< IP protocol; IPv6: first next header */
	uint8_t has_ports;            /**< TCP/UDP with its ports here */
	uint16_t sport, dport;        /**< network order, when has_ports */
};

/**
 * Classify a frame for handlers that look at the 5-tuple (filter,
 * handoff, count): ether type and offsets (one VLAN tag), a valid IPv4
 * (lcx_pkt_ipv4_valid()) or IPv6 (lcx_pkt_ipv6()) header, its protocol,
 * and TCP/UDP ports unless the datagram is a later fragment.  IPv6
 * extension headers are not walked.
 *
 * @param m
 *   The frame.
 * @param pi
 *   Filled in; family 0 for a frame that is not IP.
 * @return
 *   0; -1 when the ether type says IP and the header is malformed, or a
 *   TCP/UDP datagram (first fragment) ends before its ports.
 */
static __rte_always_inline int
lcx_pkt_parse(const struct rte_mbuf *m, struct lcx_pkt_info *pi)
{
	const struct rte_ipv4_hdr *ip4;
	const struct rte_ipv6_hdr *ip6;
	const uint8_t *ports;

	pi->family = 0;
	pi->proto = 0;
	pi->has_ports = 0;
	pi->sport = 0;
	pi->dport = 0;
	pi->l3_off = 0;
	pi->type = lcx_pkt_ether_type(m, &pi->l3_off);
	if (pi->type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		ip4 = lcx_pkt_ipv4(m, pi->l3_off);
		if (unlikely(ip4 == NULL))
			return -1;
		pi->family = 4;
		pi->proto = ip4->next_proto_id;
		pi->l4_off = pi->l3_off + rte_ipv4_hdr_len(ip4);
		pi->end = pi->l3_off + rte_be_to_cpu_16(ip4->total_length);
		if (lcx_pkt_ipv4_frag_later(ip4))
			return 0;
	} else if (pi->type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		ip6 = lcx_pkt_ipv6(m, pi->l3_off);
		if (unlikely(ip6 == NULL))
			return -1;
		pi->family = 6;
		pi->proto = ip6->proto;
		pi->l4_off = pi->l3_off + sizeof(*ip6);
		pi->end = pi->l4_off + rte_be_to_cpu_16(ip6->payload_len);
	} else {
		return 0;
	}
	if (pi->proto != IPPROTO_TCP && pi->proto != IPPROTO_UDP)
		return 0;
	if (unlikely(pi->l4_off + 2 * sizeof(uint16_t) > pi->end))
		return -1;
	ports = rte_pktmbuf_mtod_offset(m, const uint8_t *, pi->l4_off);
	memcpy(&pi->sport, ports, sizeof(pi->sport));
	memcpy(&pi->dport, ports + 2, sizeof(pi->dport));
	pi->has_ports = 1;
	return 0;
}

/**
 * Symmetric flow hash of an IP packet classified by lcx_pkt_parse():
 * addresses, ports (when has_ports) and protocol, the addresses and the
 * ports combined with XOR first, so both directions of a flow hash the
 * same (software RSS: both meet on one context), then rte_jhash.
 *
 * @param m
 *   The frame.
 * @param pi
 *   Its lcx_pkt_parse() result, family 4 or 6.
 * @return
 *   The hash.
 */
static __rte_always_inline uint32_t
lcx_pkt_flow_hash_sym(const struct rte_mbuf *m, const struct lcx_pkt_info *pi)
{
	/* IPv4: the two addresses at 12; IPv6: the eight words at 8.  The
	 * L3 header is only 2-byte aligned behind Ethernet: memcpy() (one
	 * unaligned load each on x86), not uint32_t pointers. */
	const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *,
		pi->l3_off + (pi->family == 4 ? 12 : 8));
	uint32_t a[8], h;

	if (pi->family == 4) {
		memcpy(a, p, 2 * sizeof(a[0]));
		h = a[0] ^ a[1];
	} else {
		memcpy(a, p, sizeof(a));
		h = a[0] ^ a[1] ^ a[2] ^ a[3] ^ a[4] ^ a[5] ^ a[6] ^ a[7];
	}
	return rte_jhash_2words(h, (pi->has_ports ? pi->sport ^ pi->dport : 0) |
		(uint32_t)pi->proto << 16, 0x6c6378);
}

#ifdef __cplusplus
}
#endif

#endif /* LCX_PKT_H */
