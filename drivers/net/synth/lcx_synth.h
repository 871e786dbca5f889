/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_SYNTH_H
#define LCX_SYNTH_H

/**
 * @file
 * The "synth" port driver: a software port with no device.  RX synthesises
 * Ethernet/IPv4/UDP and Ethernet/IPv6/UDP frames with valid IPv4 header and
 * UDP checksums; TX checks their sequence numbers and frees them.
 *
 * Spec: "synth" or "synth:key=val,key=val" with
 *   size=N        frame length without FCS, 64..1518 (default 64)
 *   size=MIN-MAX  uniform in [MIN, MAX], from the seeded generator
 *   size=imix     64/576/1500 in 7:4:1, a fixed 12-frame cycle
 *   flows=N       1..65536 flows (default 1); flow f is generated only by
 *                 RX queue lcx_synth_flow_rxq(port, f)
 *   ipv6=0|1|mix  IPv4 only (default), IPv6 only, or odd flows IPv6
 *   seed=N        addresses, UDP ports, payload bytes and sizes (default 1)
 *   count=N       packets each RX queue generates, then RX returns 0
 *                 (default 0: endless)
 *   ts=0|1        write the TSC at generation (default 1); ts=0 makes the
 *                 byte stream a function of the options alone
 * IPv6 frames are at least LCX_SYNTH_MIN_LEN6 bytes long: shorter sizes
 * are raised to it.
 *
 * Sequence check on TX, per flow: seq == next is in order; seq > next
 * counts seq - next as lost; seq < next is looked up in a window of the
 * LCX_SYNTH_WINDOW sequence numbers below next: seen before => dup, not
 * seen => reordered (and no longer lost); older than the window => late
 * (it stays counted as lost as well, since it cannot be told apart).
 */

#include <stdint.h>
#include <rte_common.h>

#include "lcx_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Magic at the start of the synth header. */
#define LCX_SYNTH_MAGIC 0x5c7a
/** Most flows of one synth port. */
#define LCX_SYNTH_MAX_FLOWS 65536
/** Sequence numbers below the next expected one that dup detection sees. */
#define LCX_SYNTH_WINDOW 64
/** Shortest IPv4 and IPv6 frames (headers and synth header). */
#define LCX_SYNTH_MIN_LEN4 64
#define LCX_SYNTH_MIN_LEN6 82

/** Header at the start of the UDP payload; host byte order. */
struct lcx_synth_hdr {
	uint16_t magic;  /**< LCX_SYNTH_MAGIC */
	uint16_t flow;   /**< flow id, 0 .. flows-1 */
	uint64_t seq;    /**< per-flow sequence number from 0 */
	uint64_t tsc;    /**< rte_rdtsc() at generation, 0 with ts=0 */
} __rte_packed;

/** Counters of a synth port, summed over its queues. */
struct lcx_synth_stats {
	uint64_t generated;  /**< RX: frames synthesised */
	uint64_t gen_bytes;
	uint64_t rx_nombuf;  /**< RX: frames not made, pool empty */
	uint64_t sent;       /**< TX: frames handed to TX, synth or not */
	uint64_t sent_bytes;
	uint64_t received;   /**< TX: synth frames checked */
	uint64_t in_order;   /**< seq == next expected */
	uint64_t lost;       /**< skipped and not (yet) seen */
	uint64_t dup;        /**< seen before */
	uint64_t reordered;  /**< arrived after a later one of its flow */
	uint64_t late;       /**< below the window: dup or reordered, unknown */
	uint64_t bad;        /**< not a synth frame of this port's flows */
	uint64_t lat_min;    /**< TSC cycles generation to TX; 0 if none */
	uint64_t lat_avg;
	uint64_t lat_max;
};

/**
 * Read the counters of a synth port.  Safe while traffic runs (each
 * counter is read whole; the set is not one snapshot).
 *
 * @param port
 *   A port opened with the synth driver.
 * @param st
 *   Filled in.
 * @return
 *   0, or -EINVAL (NULL, or not a synth port).
 */
int lcx_synth_stats_get(struct lcx_port *port, struct lcx_synth_stats *st);

/**
 * Reset counters, sequence numbers, expected sequence numbers and the
 * count= budget: the port generates as if just configured.
 *
 * @param port
 *   A stopped synth port.
 * @return
 *   0, -EINVAL (NULL, or not a synth port), -EBUSY (started).
 */
int lcx_synth_reset(struct lcx_port *port);

/**
 * RX queue that generates a flow.
 *
 * @param port
 *   A configured synth port.
 * @param flow
 *   Flow id.
 * @return
 *   The queue, or -EINVAL (not a synth port, not configured, no such flow).
 */
int lcx_synth_flow_rxq(struct lcx_port *port, uint32_t flow);

#ifdef __cplusplus
}
#endif

#endif /* LCX_SYNTH_H */
