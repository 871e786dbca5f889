/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNTH_PRIVATE_H
#define SYNTH_PRIVATE_H

/*
 * The synth driver's shared layout: control (synth.c: options, templates,
 * open, configure, counters) and the fast path (synth_rxtx.c: generate on
 * RX, check on TX) both see it; nothing outside drivers/net/synth does.
 */
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "lcx_port.h"
#include "lcx_synth.h"

#define SYNTH_MAX_QUEUES 16
#define SYNTH_MAX_LEN RTE_ETHER_MAX_LEN /* 1518 */
#define SYNTH_MIN_LEN 64
#define L2_LEN RTE_ETHER_HDR_LEN
#define L3_LEN4 20
#define L3_LEN6 40
#define UDP_LEN 8
#define SH_LEN ((uint16_t)sizeof(struct lcx_synth_hdr))
#define HDR_LEN4 (L2_LEN + L3_LEN4 + UDP_LEN + SH_LEN) /* 62 */
#define HDR_LEN6 (L2_LEN + L3_LEN6 + UDP_LEN + SH_LEN) /* 82 */
#define IMIX_CYCLE 12

_Static_assert(sizeof(struct lcx_synth_hdr) == 20, "synth header layout");
_Static_assert(HDR_LEN6 == LCX_SYNTH_MIN_LEN6, "IPv6 minimum length");
_Static_assert(HDR_LEN4 <= LCX_SYNTH_MIN_LEN4, "IPv4 minimum length");

enum size_mode { SIZE_FIXED, SIZE_RANGE, SIZE_IMIX };
enum ip_mode { IP_V4, IP_V6, IP_MIX };

struct synth_opts {
	enum size_mode size_mode;
	uint16_t size_min;
	uint16_t size_max;
	uint32_t flows;
	enum ip_mode ip;
	uint64_t seed;
	uint64_t count; /* per RX queue; 0 = endless */
	int ts;
};

struct flow {
	/* RX side: written by the one RX queue that owns the flow. */
	uint8_t tmpl[HDR_LEN6];  /* headers, seq and tsc zero */
	uint16_t hdr_len;        /* HDR_LEN4 or HDR_LEN6 */
	uint16_t l3_len;
	uint16_t min_len;
	uint32_t ip_sum;         /* IPv4 header sum without total length */
	uint32_t udp_sum;        /* pseudo hdr, UDP, magic, flow; no length */
	uint64_t seq;            /* next to generate */

	/* TX side: any TX queue, under lock. */
	rte_spinlock_t lock __rte_cache_aligned;
	uint64_t next;           /* next expected seq */
	uint64_t window;         /* bit k: seq next-1-k seen */
} __rte_cache_aligned;

struct synth_rxq {
	struct rte_mempool *pool;
	uint32_t first;          /* its flows: sp->flows[first .. first+nb_flows) */
	uint32_t nb_flows;
	uint32_t cursor;
	uint32_t imix_pos;
	uint64_t remaining;      /* UINT64_MAX: endless */
	uint64_t rng;
	uint64_t generated;
	uint64_t gen_bytes;
	uint64_t nombuf;
} __rte_cache_aligned;

struct synth_txq {
	uint64_t sent;
	uint64_t sent_bytes;
	uint64_t received;
	uint64_t in_order;
	uint64_t gaps;           /* seqs skipped; lost = gaps - reordered */
	uint64_t dup;
	uint64_t reordered;
	uint64_t late;
	uint64_t bad;
	uint64_t lat_min;
	uint64_t lat_max;
	uint64_t lat_sum;
	uint64_t lat_n;
} __rte_cache_aligned;

struct synth_priv {
	struct synth_rxq rxq[SYNTH_MAX_QUEUES];
	struct synth_txq txq[SYNTH_MAX_QUEUES];
	/* Flow state is stored grouped by RX queue (slot[] maps a flow id to
	 * its place), so each context walks a block of its own.  Stored by
	 * flow id, the flows of the contexts interleaved and the hardware
	 * prefetchers, streaming ahead through one context's flows, kept
	 * pulling in lines the other context was writing: two contexts on two
	 * cores forwarded 11.8 Mpps where one forwarded 21 (and where two
	 * contexts owning a port each forwarded 32). */
	struct flow *flows;
	uint32_t *slot;          /* flow id -> index in flows */
	struct synth_opts opts;
	uint16_t nb_rxq;         /* 0 until configured */
	uint8_t pattern[SYNTH_MAX_LEN];
	uint32_t pat_sum[SYNTH_MAX_LEN + 1]; /* raw sum of pattern[0..L) */
};

static inline uint64_t
mix64(uint64_t x)
{
	/* splitmix64's finaliser: every input bit moves every output bit. */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t
rng_next(uint64_t *s)
{
	/* xorshift64*: state never zero (seeded through mix64 | 1). */
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t
sum64(uint64_t v)
{
	/* One's complement sum of the four 16-bit words of v as stored. */
	return (uint32_t)(v & 0xffff) + (uint32_t)((v >> 16) & 0xffff) +
		(uint32_t)((v >> 32) & 0xffff) + (uint32_t)(v >> 48);
}

static inline uint16_t
cksum_fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* synth_rxtx.c */
uint16_t synth_rx_burst(struct lcx_port *port, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n);
uint16_t synth_tx_burst(struct lcx_port *port, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n);

#endif /* SYNTH_PRIVATE_H */
