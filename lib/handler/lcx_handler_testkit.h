/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_HANDLER_TESTKIT_H
#define LCX_HANDLER_TESTKIT_H

/**
 * @file
 * Test kit for handler authors: build packets, run them through one
 * handler or a pipeline on test contexts without a manager or a device,
 * and look at the decisions, the counters and the transmitted bytes.
 *
 *     struct lcx_tk *tk = lcx_tk_create(1, 2, 1023);
 *     struct rte_mbuf *m = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1",
 *                                     "198.18.1.1", 1000, 53, 18);
 *     lcx_tk_attach(tk, "macswap");
 *     lcx_tk_rx(tk, 0, 0, &m, 1);        // context 0, received on port 0
 *     assert(lcx_tk_tx_count(tk, 1) == 1);
 *     assert(lcx_tk_free(tk) == 0);       // every mbuf came home
 *
 * Ports are fake: port p has MAC 02:00:00:00:00:(p+0x10), and what the
 * contexts transmit on it is kept (lcx_tk_tx_pkt()) until lcx_tk_tx_clear()
 * or lcx_tk_free().  Every context has a TX queue on every port.
 * Everything here runs on the caller's thread, after rte_eal_init().
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lcx_pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Packets ------------------------------------------------------------- */

/** Layer 3 of a built packet. */
enum lcx_tk_l3 {
	LCX_TK_RAW = 0,   /**< Ethernet with ether_type and a payload */
	LCX_TK_IPV4,
	LCX_TK_IPV6,
	LCX_TK_ARP,
};

/** Description of a packet; lcx_tk_pkt_init() fills the defaults. */
struct lcx_tk_pkt {
	struct rte_ether_addr dst_mac;  /**< default 02:00:00:00:00:02 */
	struct rte_ether_addr src_mac;  /**< default 02:00:00:00:00:01 */
	int vlan;                       /**< VLAN id, or -1: untagged */
	uint8_t vlan_pcp;               /**< priority (PCP) of that tag, 0..7 */
	/** inner VLAN id behind vlan (QinQ: outer tag 802.1ad), or -1 */
	int inner_vlan;
	uint16_t ether_type;            /**< LCX_TK_RAW only (host order) */
	enum lcx_tk_l3 l3;
	uint8_t l4;                     /**< IPPROTO_UDP/TCP/ICMP/ICMPV6, or 0 */
	uint32_t src_ip4, dst_ip4;      /**< network order */
	uint8_t src_ip6[16], dst_ip6[16];
	uint8_t ttl;                    /**< TTL / hop limit; default 64 */
	/** IPv4 TOS / IPv6 traffic class: DSCP << 2 | ECN */
	uint8_t tos;
	/** IPv4 options in bytes, a multiple of 4, at most 40 (IHL follows);
	 *  anything else makes lcx_tk_pkt_build() return NULL */
	uint8_t ip_opts_len;
	uint8_t ip_opts[40];            /**< the options, as on the wire */
	uint16_t sport, dport;          /**< host order */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;     /**< host order */
	uint16_t arp_op;                /**< host order */
	struct rte_ether_addr arp_sha, arp_tha;
	uint32_t arp_spa, arp_tpa;      /**< network order */
	uint16_t payload_len;           /**< bytes after the headers: i & 0xff */
};

/** Defaults: untagged IPv4/UDP 198.18.0.1:1024 -> 198.18.1.1:1024, TTL 64. */
void lcx_tk_pkt_init(struct lcx_tk_pkt *d);

/**
 * Build a packet: headers, lengths, IPv4 header and L4 checksums.
 *
 * @return The mbuf, or NULL (pool empty, or headers + payload over 2 KB).
 */
struct rte_mbuf *lcx_tk_pkt_build(struct rte_mempool *mp,
		const struct lcx_tk_pkt *d);

/** UDP datagram; src/dst are IPv4 or IPv6 text (the family follows). */
struct rte_mbuf *lcx_tk_udp(struct rte_mempool *mp, const char *src,
		const char *dst, uint16_t sport, uint16_t dport, uint16_t len);
/** TCP segment with the given flags (RTE_TCP_SYN_FLAG, ...). */
struct rte_mbuf *lcx_tk_tcp(struct rte_mempool *mp, const char *src,
		const char *dst, uint16_t sport, uint16_t dport, uint8_t flags,
		uint16_t len);
/** ICMP echo request (ICMPv6 for IPv6 addresses). */
struct rte_mbuf *lcx_tk_icmp_echo(struct rte_mempool *mp, const char *src,
		const char *dst, uint16_t id, uint16_t seq, uint16_t len);
/** ARP request "who has tpa, tell spa" from src_mac, broadcast. */
struct rte_mbuf *lcx_tk_arp_request(struct rte_mempool *mp,
		const struct rte_ether_addr *src_mac, const char *spa,
		const char *tpa);

/** Cut a (single-segment) packet to len bytes: truncated frames. */
void lcx_tk_trim(struct rte_mbuf *m, uint16_t len);

/** Offset of the L3 header: 14, 18 behind a VLAN tag, 22 behind two. */
uint16_t lcx_tk_l3_off(const struct rte_mbuf *m);

/** 1 when the IPv4 header checksum is right. */
int lcx_tk_ipv4_cksum_ok(const struct rte_mbuf *m);
/** 1 when the UDP/TCP/ICMP/ICMPv6 checksum of an IPv4/IPv6 packet is right. */
int lcx_tk_l4_cksum_ok(const struct rte_mbuf *m);

/** Free n packets (NULLs skipped). */
void lcx_tk_pkts_free(struct rte_mbuf **pkts, unsigned int n);

/* ---- The EAL -------------------------------------------------------------- */

/**
 * Bring the EAL up for a test program, the way the kit's own tests do:
 * "-l <the CPU it runs on> --no-huge -m 256 --no-pci
 * --file-prefix=lcxtk<pid> --log-level=lib.eal:warning", then the
 * program's own EAL arguments (argv[1..], may be none).  At exit the EAL
 * is cleaned up and its runtime directory (/var/run/dpdk/lcxtk<pid>)
 * removed, so test runs leave nothing behind.
 *
 * @param argc
 *   Number of extra arguments in argv, counting argv[0]; 0 or 1: none.
 * @param argv
 *   main()'s argv, or NULL.
 * @return
 *   0; -1 when the EAL did not come up (the reason is printed).
 */
int lcx_tk_eal_init(int argc, char **argv);

/* ---- Test contexts -------------------------------------------------------- */

/** Most contexts and ports of a test kit. */
#define LCX_TK_MAX_CTX LCX_HANDOFF_MAX
#define LCX_TK_MAX_PORTS 4
/** Packets kept per port; a TX beyond it is refused (drop "tx-full"). */
#define LCX_TK_TX_KEEP 1024

struct lcx_tk;

/**
 * Create contexts (unmanaged, lcx_ctx_create(), on the caller's lcore,
 * no pool of their own), fake ports, and a pool.
 *
 * @param nb_ctx
 *   1 .. LCX_TK_MAX_CTX; more than 1: they form a handoff group.
 * @param nb_ports
 *   1 .. LCX_TK_MAX_PORTS.
 * @param pool_size
 *   mbufs in the pool.
 * @return
 *   The kit, or NULL with lcx_errno (EINVAL, ENOMEM, or the context's).
 */
struct lcx_tk *lcx_tk_create(unsigned int nb_ctx, unsigned int nb_ports,
		unsigned int pool_size);

/**
 * Tear down: detach pipelines, empty handoff rings, free kept packets,
 * contexts and ports, check the pool, free it.
 *
 * @return
 *   0; -EBUSY when mbufs of the pool were missing (printed on stderr).
 */
int lcx_tk_free(struct lcx_tk *tk);

/** The pool. */
struct rte_mempool *lcx_tk_pool(struct lcx_tk *tk);
/** Context i. */
struct lcx_ctx *lcx_tk_ctx(struct lcx_tk *tk, unsigned int i);
/** Fake port p. */
struct lcx_port *lcx_tk_port(struct lcx_tk *tk, unsigned int p);

/**
 * Attach a pipeline to every context.
 *
 * @return As lcx_pipeline_attach().
 */
int lcx_tk_attach(struct lcx_tk *tk, const char *spec);

/**
 * Give a burst to context c as if received on port in_port (default
 * output: in_port ^ 1), then flush its TX.
 */
void lcx_tk_rx(struct lcx_tk *tk, unsigned int c, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n);

/**
 * Run what other contexts handed to context c, then flush its TX.
 *
 * @return Packets taken from its handoff rings.
 */
unsigned int lcx_tk_poll_handoff(struct lcx_tk *tk, unsigned int c);

/** Packets transmitted on port p since the last clear. */
unsigned int lcx_tk_tx_count(struct lcx_tk *tk, uint16_t p);
/** The i-th of them (still owned by the kit). */
struct rte_mbuf *lcx_tk_tx_pkt(struct lcx_tk *tk, uint16_t p, unsigned int i);
/** Free every kept packet. */
void lcx_tk_tx_clear(struct lcx_tk *tk);

/**
 * A drop counter of a stage on context c, by reason name.
 *
 * @return The count; 0 for an unknown stage or reason.
 */
uint64_t lcx_tk_drops(struct lcx_tk *tk, unsigned int c, unsigned int stage,
		const char *reason);

/* ---- One handler alone ---------------------------------------------------- */

struct lcx_tk_handler;

/**
 * Instantiate one handler on context 0 of a kit, outside any pipeline,
 * to look at its decisions directly.
 *
 * @return The instance, or NULL with lcx_errno (ENOENT: unknown handler;
 *   ENOMEM; or init()'s error).
 */
struct lcx_tk_handler *lcx_tk_handler_open(struct lcx_tk *tk,
		const char *name, const char *args);

/**
 * Call process() once: act[] is filled with CONTINUE first, then with
 * the handler's decisions.  The mbufs stay the caller's whatever the
 * decisions (free them with lcx_tk_pkts_free()), except TAKEN ones.
 *
 * @return process()'s return value.
 */
uint16_t lcx_tk_handler_run(struct lcx_tk_handler *th, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n);

/**
 * Name a decision: "continue", "tx:1", "handoff:2", "drop:no-route",
 * "taken".
 *
 * @return buf.
 */
const char *lcx_tk_act_str(const struct lcx_tk_handler *th, uint16_t act,
		char *buf, size_t len);

/** The instance's private state. */
void *lcx_tk_handler_priv(struct lcx_tk_handler *th);

/** fini() and free. */
void lcx_tk_handler_close(struct lcx_tk_handler *th);

#ifdef __cplusplus
}
#endif

#endif /* LCX_HANDLER_TESTKIT_H */
