/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames out and checks in: flow templates, the generator task and the
 * receive check.  The frame is the synth driver's (lcx_synth.h): Ethernet,
 * IPv4 or IPv6, UDP, then struct lcx_synth_hdr with the stream id in its
 * flow field, the stream's sequence number and the TSC at transmission.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "lcx_pkt.h"
#include "gen.h"

struct gen_ctl gen_ctl;

#define L2_LEN RTE_ETHER_HDR_LEN
#define L3_LEN4 ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define L3_LEN6 ((uint16_t)sizeof(struct rte_ipv6_hdr))
#define L4_LEN ((uint16_t)sizeof(struct rte_udp_hdr))

_Static_assert(sizeof(struct gen_flow_tmpl) == 64, "a template a line");
_Static_assert(L2_LEN + L3_LEN4 + L4_LEN + sizeof(struct lcx_synth_hdr) <=
	LCX_SYNTH_MIN_LEN4, "IPv4 frame fits the synth minimum");

/* ---- Sizes -------------------------------------------------------------- */

/* CSIT's IMIX_v4_1: 28 x 64, 16 x 570, 4 x 1518, interleaved. */
static uint32_t
imix_fill(uint16_t *out, const uint16_t *sz, const uint32_t *cnt,
		unsigned int k)
{
	uint32_t total = 0, left[4], i, n = 0;
	unsigned int j;

	for (j = 0; j < k; j++) {
		left[j] = cnt[j];
		total += cnt[j];
	}
	/* Spread each size evenly over the cycle (largest remainder). */
	for (i = 0; i < total; i++) {
		unsigned int best = 0;
		double bestv = -1;

		for (j = 0; j < k; j++) {
			double v = (double)left[j] / cnt[j];

			if (left[j] != 0 && v > bestv) {
				bestv = v;
				best = j;
			}
		}
		out[n++] = sz[best];
		left[best]--;
	}
	return n;
}

static uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

int
gen_sizes_parse(const char *s, uint16_t *out, uint32_t max, int ipv6_min,
		uint32_t seed)
{
	static const uint16_t simple_sz[] = { 64, 576, 1500 };
	static const uint32_t simple_cnt[] = { 7, 4, 1 };
	static const uint16_t csit_sz[] = { 64, 570, 1518 };
	static const uint32_t csit_cnt[] = { 28, 16, 4 };
	unsigned long a, b;
	uint32_t n = 0, i, st = seed != 0 ? seed : 1;
	uint16_t lo = ipv6_min ? LCX_SYNTH_MIN_LEN6 : LCX_SYNTH_MIN_LEN4;
	const char *p = s;
	char *end;

	if (max < 48)
		return -EINVAL;
	if (strcmp(s, "imix") == 0)
		n = imix_fill(out, simple_sz, simple_cnt, 3);
	else if (strcmp(s, "imix-csit") == 0 || strcmp(s, "IMIX_v4_1") == 0)
		n = imix_fill(out, csit_sz, csit_cnt, 3);
	if (n != 0) {
		for (i = 0; i < n; i++)
			out[i] = RTE_MAX(out[i], lo);
		return (int)n;
	}
	if (*p < '0' || *p > '9')
		return -EINVAL;
	a = strtoul(p, &end, 10);
	if (*end == '-') {
		p = end + 1;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		b = strtoul(p, &end, 10);
		if (*end != '\0' || a > b || a < lo || b > GEN_MAX_FRAME)
			return -EINVAL;
		/* A seeded cycle: the same sizes every run. */
		for (i = 0; i < max; i++)
			out[i] = (uint16_t)(a + xorshift32(&st) % (b - a + 1));
		return (int)max;
	}
	for (;;) {
		if (a < lo || a > GEN_MAX_FRAME || n == max)
			return -EINVAL;
		out[n++] = (uint16_t)a;
		if (*end == '\0')
			break;
		if (*end != ',')
			return -EINVAL;
		p = end + 1;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		a = strtoul(p, &end, 10);
	}
	return (int)n;
}

double
gen_sizes_mean(const uint16_t *s, uint32_t n)
{
	double sum = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		sum += s[i];
	return n == 0 ? 0 : sum / n;
}

/* ---- Templates ---------------------------------------------------------- */

static void
tmpl_build(struct gen_flow_tmpl *t, const struct gen_opts *o, uint32_t f,
		const struct rte_ether_addr *src, const struct rte_ether_addr *dst)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;
	struct rte_udp_hdr *udp;
	int v6 = o->ipv6 == 1 || (o->ipv6 == 2 && (f & 1));

	memset(t, 0, sizeof(*t));
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(src, &eth->src_addr);
	t->ipv6 = (uint8_t)v6;
	if (!v6) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(o->src_ip + f % o->src_ip_n);
		ip->dst_addr = rte_cpu_to_be_32(o->dst_ip + f % o->dst_ip_n);
		/* Checksum of the header with total_length 0: each frame adds
		 * its length (lcx_cksum_update16). */
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp = (struct rte_udp_hdr *)(ip + 1);
		t->hlen = L2_LEN + L3_LEN4 + L4_LEN;
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
		uint32_t v;

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
		ip->vtc_flow = RTE_BE32(6u << 28);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, o->src6, 16);
		memcpy(ip->dst_addr, o->dst6, 16);
		/* The low 32 bits count the flows, as the IPv4 ranges. */
		v = f % o->src_ip_n;
		ip->src_addr[14] = (uint8_t)(ip->src_addr[14] + (v >> 8));
		ip->src_addr[15] = (uint8_t)(ip->src_addr[15] + (v & 0xff));
		v = f % o->dst_ip_n;
		ip->dst_addr[14] = (uint8_t)(ip->dst_addr[14] + (v >> 8));
		ip->dst_addr[15] = (uint8_t)(ip->dst_addr[15] + (v & 0xff));
		udp = (struct rte_udp_hdr *)(ip + 1);
		t->hlen = L2_LEN + L3_LEN6 + L4_LEN;
	}
	udp->src_port = rte_cpu_to_be_16((uint16_t)(o->sport + f % o->sport_n));
	udp->dst_port = rte_cpu_to_be_16((uint16_t)(o->dport + f % o->dport_n));
}

int
gen_frames_init(struct gen_frames *fr, const struct gen_opts *o,
		const struct rte_ether_addr *src, const struct rte_ether_addr *dst)
{
	uint32_t f;

	fr->nb_flows = o->flows;
	fr->tmpl = rte_zmalloc("gen_tmpl", sizeof(*fr->tmpl) * o->flows,
			RTE_CACHE_LINE_SIZE);
	if (fr->tmpl == NULL)
		return -ENOMEM;
	for (f = 0; f < o->flows; f++)
		tmpl_build(&fr->tmpl[f], o, f, src, dst);
	return 0;
}

void
gen_frames_free(struct gen_frames *fr)
{
	rte_free(fr->tmpl);
	fr->tmpl = NULL;
}

/* ---- Fill --------------------------------------------------------------- */

void
gen_pkt_fill(struct rte_mbuf *m, const struct gen_flow_tmpl *t, uint16_t size,
		uint16_t stream, uint64_t seq, uint64_t tsc)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct lcx_synth_hdr *sh = (struct lcx_synth_hdr *)(d + t->hlen);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + t->hlen - L4_LEN);

	if (unlikely(t->ipv6 && size < LCX_SYNTH_MIN_LEN6))
		size = LCX_SYNTH_MIN_LEN6;
	/* The whole 64-byte line, a constant size: two vector moves (the
	 * frame is at least 64 bytes, so the tail is payload anyway). */
	memcpy(d, t, sizeof(*t));
	m->data_len = size;
	m->pkt_len = size;
	sh->magic = LCX_SYNTH_MAGIC;
	sh->flow = stream;
	sh->seq = seq;
	sh->tsc = tsc;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(size - t->hlen + L4_LEN));
	if (!t->ipv6) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + L2_LEN);
		uint16_t len = rte_cpu_to_be_16((uint16_t)(size - L2_LEN));

		ip->total_length = len;
		ip->hdr_checksum = lcx_cksum_update16(ip->hdr_checksum, 0, len);
		/* UDP checksum 0: none, legal over IPv4; saves a pass over
		 * the payload. */
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(d + L2_LEN);

		ip->payload_len = udp->dgram_len;
		/* Mandatory over IPv6 (RFC 8200), payload bytes included. */
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	}
}

/* ---- Generator task ----------------------------------------------------- */

static void
trial_load(struct gen_tx *tx, uint32_t e)
{
	tx->epoch = e;
	tx->start = tx->req_start;
	tx->end = tx->req_end;
	tx->grace_end = tx->end == UINT64_MAX ? UINT64_MAX :
		tx->end + rte_get_tsc_hz() / 1000000 * GEN_GRACE_US;
	tx->period = tx->req_period;
	tx->next_fp = 0;
	tx->left = tx->req_count;
	if (tx->req_sizes != tx->sizes) {
		tx->sizes = tx->req_sizes;
		tx->nb_sizes = tx->req_nb_sizes;
		tx->size_i = 0;
	}
}

static __rte_always_inline void
send_pending(struct gen_tx *tx)
{
	uint16_t sent;

	sent = lcx_port_tx_burst(tx->port, tx->queue, tx->pend, tx->nb_pend);
	tx->tx_pkts += sent;
	if (sent < tx->nb_pend) {
		/* Keep what the queue refused and send it first next time:
		 * a sequence number once written is always sent. */
		tx->tx_full++;
		memmove(tx->pend, tx->pend + sent,
				(tx->nb_pend - sent) * sizeof(tx->pend[0]));
	}
	tx->nb_pend -= sent;
}

static __rte_always_inline uint16_t
due(struct gen_tx *tx, uint64_t now)
{
	uint64_t n, now_fp;

	if (now < tx->start || tx->left == 0 || now >= tx->grace_end)
		return 0;
	if (tx->period == 0) {
		if (now >= tx->end)
			return 0;
		n = LCX_BURST;
	} else {
		/* Fixed point relative to the start: 48 bits of TSC span
		 * (a day at 3 GHz), where absolute TSC << 16 would wrap. */
		now_fp = (RTE_MIN(now, tx->end - 1) - tx->start) << 16;
		if (now_fp < tx->next_fp)
			return 0;
		n = (now_fp - tx->next_fp) / tx->period + 1;
		if (n > LCX_BURST)
			n = LCX_BURST;
		/* Credit carries over: a generator held back (a shared CPU)
		 * catches up, one burst an iteration, and for what was due
		 * within the window for GEN_GRACE_US past its end, no longer:
		 * a generator that cannot keep up sends less and says so
		 * (achieved < asked), it does not spill into the drain. */
		tx->next_fp += n * tx->period;
	}
	if (n > tx->left)
		n = tx->left;
	return (uint16_t)n;
}

void
gen_tx_task(void *arg)
{
	struct gen_tx *tx = arg;
	const struct gen_frames *fr = tx->fr;
	uint32_t e = __atomic_load_n(&gen_ctl.epoch, __ATOMIC_ACQUIRE);
	uint64_t now = rte_rdtsc(), bytes = 0;
	uint16_t n, i, size;

	if (unlikely(e != tx->epoch))
		trial_load(tx, e);
	if (unlikely(__atomic_load_n(&gen_ctl.quit, __ATOMIC_ACQUIRE))) {
		tx->abandoned += tx->nb_pend;
		rte_pktmbuf_free_bulk(tx->pend, tx->nb_pend);
		tx->nb_pend = 0;
		__atomic_store_n(&tx->done, 1, __ATOMIC_RELEASE);
		return;	/* not posted again: the loop can drain and stop */
	}
	/* One burst a loop iteration: the receive side of this context
	 * polls once an iteration, and a generator catching up after a
	 * preemption must not outrun it (queues, then latency, would grow
	 * without bound). */
	if (tx->ctx->stats.iterations == tx->last_iter)
		goto again;
	tx->last_iter = tx->ctx->stats.iterations;
	if (tx->nb_pend != 0) {
		send_pending(tx);
		goto again;
	}
	n = due(tx, now);
	if (n == 0)
		goto again;
	if (unlikely(rte_pktmbuf_alloc_bulk(tx->ctx->pool, tx->pend, n) != 0)) {
		/* Give the credit back: the frames are sent a bit later. */
		tx->nombuf++;
		if (tx->period != 0)
			tx->next_fp -= n * tx->period;
		goto again;
	}
	for (i = 0; i < n; i++) {
		const struct gen_flow_tmpl *t = &fr->tmpl[tx->flow_i];

		size = tx->sizes[tx->size_i];
		if (unlikely(t->ipv6 && size < LCX_SYNTH_MIN_LEN6))
			size = LCX_SYNTH_MIN_LEN6;
		gen_pkt_fill(tx->pend[i], t, size,
				(uint16_t)(tx->stream_base + tx->flow_i),
				tx->seq[tx->flow_i]++, now);
		bytes += size;
		if (++tx->flow_i == fr->nb_flows)
			tx->flow_i = 0;
		if (++tx->size_i == tx->nb_sizes)
			tx->size_i = 0;
	}
	tx->left -= n;
	tx->tx_bytes += bytes;
	tx->last_tsc = now;
	tx->nb_pend = n;
	send_pending(tx);
	tx->cycles += rte_rdtsc() - now;
again:
	lcx_ctx_post(tx->ctx, gen_tx_task, tx, LCX_PRIO_NORMAL);
}

struct gen_tx *
gen_tx_create(struct lcx_ctx *ctx, struct lcx_port *port,
		const struct gen_frames *fr, uint16_t stream_base,
		const uint16_t *sizes, uint32_t nb_sizes)
{
	struct gen_tx *tx;

	if (ctx->txq[port->id].port == NULL) {
		rte_errno = ENODEV;
		return NULL;
	}
	tx = rte_zmalloc_socket("gen_tx", sizeof(*tx), RTE_CACHE_LINE_SIZE,
			ctx->socket);
	if (tx == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	tx->seq = rte_zmalloc_socket("gen_seq", sizeof(uint64_t) *
			fr->nb_flows, RTE_CACHE_LINE_SIZE, ctx->socket);
	if (tx->seq == NULL) {
		rte_free(tx);
		rte_errno = ENOMEM;
		return NULL;
	}
	tx->ctx = ctx;
	tx->port = port;
	/* Read only: the manager gave this context its own TX queue. */
	tx->queue = ctx->txq[port->id].queue;
	tx->fr = fr;
	tx->stream_base = stream_base;
	tx->sizes = tx->req_sizes = sizes;
	tx->nb_sizes = tx->req_nb_sizes = nb_sizes;
	/* req_count 0: nothing is sent before the first trial. */
	tx->last_iter = UINT64_MAX;
	return tx;
}

void
gen_tx_free(struct gen_tx *tx)
{
	if (tx == NULL)
		return;
	rte_free(tx->seq);
	rte_free(tx);
}

/* ---- Receive check ------------------------------------------------------ */

struct gen_rx *
gen_rx_create(uint32_t nb_streams, int socket)
{
	struct gen_rx *r;

	r = rte_zmalloc_socket("gen_rx", sizeof(*r), RTE_CACHE_LINE_SIZE,
			socket);
	if (r == NULL)
		return NULL;
	r->st = rte_zmalloc_socket("gen_rx_st",
			sizeof(*r->st) * RTE_MAX(nb_streams, 1u),
			RTE_CACHE_LINE_SIZE, socket);
	if (r->st == NULL) {
		rte_free(r);
		return NULL;
	}
	r->nb_streams = nb_streams;
	gen_hist_reset(&r->hist);
	return r;
}

void
gen_rx_free(struct gen_rx *r)
{
	if (r == NULL)
		return;
	rte_free(r->st);
	rte_free(r);
}

/* The synth header of a frame, or NULL when it is not one of ours. */
static __rte_always_inline const struct lcx_synth_hdr *
synth_hdr(const struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t l3, off;
	uint16_t type = lcx_pkt_ether_type(m, &l3);

	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip;

		if (m->data_len < l3 + L3_LEN4)
			return NULL;
		ip = (const struct rte_ipv4_hdr *)(d + l3);
		if (ip->next_proto_id != IPPROTO_UDP)
			return NULL;
		off = (uint16_t)(l3 + rte_ipv4_hdr_len(ip) + L4_LEN);
	} else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip;

		if (m->data_len < l3 + L3_LEN6)
			return NULL;
		ip = (const struct rte_ipv6_hdr *)(d + l3);
		if (ip->proto != IPPROTO_UDP)
			return NULL;
		off = (uint16_t)(l3 + L3_LEN6 + L4_LEN);
	} else {
		return NULL;
	}
	if (m->data_len < off + sizeof(struct lcx_synth_hdr))
		return NULL;
	return (const struct lcx_synth_hdr *)(d + off);
}

static __rte_always_inline void
stream_seq(struct gen_rx *r, struct gen_stream *s, uint64_t seq)
{
	uint64_t off, gap;

	s->rx++;
	if (likely(seq == s->next)) {
		s->win = s->win << 1 | 1;
		s->next++;
		return;
	}
	if (seq > s->next) {
		gap = seq - s->next;
		s->win = gap >= 63 ? 1 : (s->win << (gap + 1)) | 1;
		s->next = seq + 1;
		return;
	}
	off = s->next - 1 - seq;
	if (off >= 64) {
		s->late++;
		r->late++;
	} else if (s->win & (1ull << off)) {
		s->dup++;
		r->dup++;
	} else {
		s->win |= 1ull << off;
		s->reord++;
		r->reord++;
	}
}

void
gen_rx_check(struct gen_rx *r, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now)
{
	const struct lcx_synth_hdr *h;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		h = synth_hdr(pkts[i]);
		if (unlikely(h == NULL || h->magic != LCX_SYNTH_MAGIC ||
				h->flow >= r->nb_streams)) {
			r->other++;
			continue;
		}
		r->rx++;
		r->rx_bytes += pkts[i]->pkt_len;
		stream_seq(r, &r->st[h->flow], h->seq);
		if (likely(h->tsc <= now))
			gen_hist_add(&r->hist, now - h->tsc);
		else
			r->ts_bad++;
	}
}
