/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The synth driver's fast path: RX generates frames from the per-flow
 * templates, TX checks sequence numbers and frees.  Control (options,
 * templates, open, configure, counters) is in synth.c.
 */
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_spinlock.h>
#include <rte_udp.h>

#include "synth_private.h"

/* 7 x 64, 4 x 576, 1 x 1500, interleaved so short runs are mixed too. */
static const uint16_t imix_cycle[IMIX_CYCLE] = {
	64, 576, 64, 1500, 64, 576, 64, 64, 576, 64, 576, 64,
};

/* ---- RX: generate ----------------------------------------------------- */

static __rte_always_inline uint16_t
next_len(struct synth_rxq *rq, const struct synth_opts *o)
{
	uint16_t len;

	switch (o->size_mode) {
	case SIZE_RANGE:
		return o->size_min + rng_next(&rq->rng) %
			(o->size_max - o->size_min + 1u);
	case SIZE_IMIX:
		len = imix_cycle[rq->imix_pos];
		if (++rq->imix_pos == IMIX_CYCLE)
			rq->imix_pos = 0;
		return len;
	default:
		return o->size_min;
	}
}

static __rte_always_inline void
frame_make(struct rte_mbuf *m, struct flow *f, const struct synth_priv *sp,
		uint16_t len, uint64_t tsc, uint16_t port_id)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_udp_hdr *udp;
	struct lcx_synth_hdr *sh;
	uint16_t udp_len, ulen_be;
	uint64_t seq = f->seq++;
	uint32_t sum;

	if (len < f->min_len)
		len = f->min_len;
	rte_memcpy(d, f->tmpl, f->hdr_len);
	rte_memcpy(d + f->hdr_len, sp->pattern, len - f->hdr_len);
	udp_len = len - L2_LEN - f->l3_len;
	ulen_be = rte_cpu_to_be_16(udp_len);
	if (f->l3_len == L3_LEN4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + L2_LEN);
		uint16_t tot_be = rte_cpu_to_be_16(udp_len + L3_LEN4);

		ip->total_length = tot_be;
		ip->hdr_checksum = (uint16_t)~cksum_fold(f->ip_sum + tot_be);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(d + L2_LEN);

		ip6->payload_len = ulen_be;
	}
	udp = (struct rte_udp_hdr *)(d + L2_LEN + f->l3_len);
	udp->dgram_len = ulen_be;
	sh = (struct lcx_synth_hdr *)(udp + 1);
	sh->seq = seq;
	sh->tsc = tsc;
	sum = f->udp_sum + 2u * ulen_be + sum64(seq) + sum64(tsc) +
		sp->pat_sum[len - f->hdr_len];
	sum = (uint16_t)~cksum_fold(sum);
	udp->dgram_cksum = sum == 0 ? 0xffff : sum;

	m->data_len = len;
	m->pkt_len = len;
	m->port = port_id;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L4_UDP |
		(f->l3_len == L3_LEN4 ? RTE_PTYPE_L3_IPV4 : RTE_PTYPE_L3_IPV6);
	m->l2_len = L2_LEN;
	m->l3_len = f->l3_len;
}

uint16_t
synth_rx_burst(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	struct synth_priv *sp = port->priv;
	struct synth_rxq *rq = &sp->rxq[q];
	const struct synth_opts *o = &sp->opts;
	uint64_t tsc, bytes = 0;
	uint16_t i, want;
	struct flow *f;

	if (unlikely(rq->nb_flows == 0))
		return 0;
	if (rq->remaining < n)
		n = rq->remaining;
	if (unlikely(n == 0))
		return 0;
	/* The bulk allocator is all or nothing: halve until it fits. */
	want = n;
	while (n > 0 && rte_pktmbuf_alloc_bulk(rq->pool, pkts, n) != 0)
		n >>= 1;
	rq->nombuf += want - n;
	tsc = o->ts ? rte_rdtsc() : 0;
	for (i = 0; i < n; i++) {
		f = &sp->flows[rq->first + rq->cursor];
		if (++rq->cursor == rq->nb_flows)
			rq->cursor = 0;
		frame_make(pkts[i], f, sp, next_len(rq, o), tsc, port->id);
		bytes += pkts[i]->pkt_len;
	}
	if (rq->remaining != UINT64_MAX)
		rq->remaining -= n;
	rq->generated += n;
	rq->gen_bytes += bytes;
	return n;
}

/* ---- TX: check -------------------------------------------------------- */

static const struct lcx_synth_hdr *
frame_parse(const struct rte_mbuf *m, const struct synth_priv *sp)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)d;
	const struct lcx_synth_hdr *sh;
	uint32_t off;

	if (m->data_len < HDR_LEN4)
		return NULL;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)(eth + 1);

		if ((ip->version_ihl >> 4) != 4 ||
				ip->next_proto_id != IPPROTO_UDP)
			return NULL;
		off = L2_LEN + (ip->version_ihl & 0xf) * 4 + UDP_LEN;
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 =
			(const struct rte_ipv6_hdr *)(eth + 1);

		if (ip6->proto != IPPROTO_UDP)
			return NULL;
		off = L2_LEN + L3_LEN6 + UDP_LEN;
	} else {
		return NULL;
	}
	if (m->data_len < off + SH_LEN)
		return NULL;
	sh = (const struct lcx_synth_hdr *)(d + off);
	if (sh->magic != LCX_SYNTH_MAGIC || sh->flow >= sp->opts.flows)
		return NULL;
	return sh;
}

static __rte_always_inline void
seq_check(struct flow *f, uint64_t seq, struct synth_txq *tq)
{
	uint64_t d;

	rte_spinlock_lock(&f->lock);
	if (likely(seq == f->next)) {
		f->window = (f->window << 1) | 1;
		f->next = seq + 1;
		tq->in_order++;
	} else if (seq > f->next) {
		d = seq - f->next;
		tq->gaps += d;
		f->window = d + 1 >= LCX_SYNTH_WINDOW ?
			1 : (f->window << (d + 1)) | 1;
		f->next = seq + 1;
	} else {
		d = f->next - 1 - seq;
		if (d >= LCX_SYNTH_WINDOW) {
			tq->late++;
		} else if (f->window & (UINT64_C(1) << d)) {
			tq->dup++;
		} else {
			f->window |= UINT64_C(1) << d;
			tq->reordered++;
		}
	}
	rte_spinlock_unlock(&f->lock);
}

uint16_t
synth_tx_burst(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	struct synth_priv *sp = port->priv;
	struct synth_txq *tq = &sp->txq[q];
	const struct lcx_synth_hdr *sh;
	uint64_t now, lat;
	uint16_t i;

	now = sp->opts.ts ? rte_rdtsc() : 0;
	for (i = 0; i < n; i++) {
		tq->sent_bytes += pkts[i]->pkt_len;
		sh = frame_parse(pkts[i], sp);
		if (unlikely(sh == NULL)) {
			tq->bad++;
			continue;
		}
		tq->received++;
		seq_check(&sp->flows[sp->slot[sh->flow]], sh->seq, tq);
		if (sh->tsc != 0 && now >= sh->tsc) {
			lat = now - sh->tsc;
			if (lat < tq->lat_min || tq->lat_n == 0)
				tq->lat_min = lat;
			if (lat > tq->lat_max)
				tq->lat_max = lat;
			tq->lat_sum += lat;
			tq->lat_n++;
		}
	}
	tq->sent += n;
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}
