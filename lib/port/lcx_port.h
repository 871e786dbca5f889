/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_PORT_H
#define LCX_PORT_H

/**
 * @file
 * The port interface.  A port driver (drivers/net/<name>/) fills a
 * struct lcx_port_ops and registers it with LCX_PORT_DRIVER_REGISTER; a
 * port is opened from a spec string "<driver>[:<args>]", and any spec whose
 * prefix is no registered driver's name goes to the "ethdev" driver as DPDK
 * devargs ("net_null0,copy=1", "0000:01:00.0", ...).
 *
 * Fast path: lcx_port_rx_burst()/lcx_port_tx_burst() are inline.  For an
 * ethdev port they call rte_eth_rx_burst()/rte_eth_tx_burst() directly, so
 * lcx adds no indirect call over DPDK's own; for other drivers they make
 * exactly one indirect call per burst.
 */

#include <stdint.h>
#include <stdio.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lcx_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** eth_id of a port that is no DPDK ethdev. */
#define LCX_PORT_NO_ETHDEV UINT16_MAX

struct lcx_port;

/** Receive up to n packets from RX queue q; the driver sets each mbuf's
 * port field to port->id (the lcx index handlers rely on). */
typedef uint16_t (*lcx_port_rx_fn)(struct lcx_port *port, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n);
/** Transmit up to n packets on TX queue q; the rest stay the caller's. */
typedef uint16_t (*lcx_port_tx_fn)(struct lcx_port *port, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n);

/** Queue configuration handed to a driver. */
struct lcx_port_conf {
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t nb_rxd;                 /**< RX descriptors, 0 = driver default */
	uint16_t nb_txd;                 /**< TX descriptors, 0 = driver default */
	struct rte_mempool **rxq_pool;   /**< nb_rxq pools: queue i is fed from rxq_pool[i] */
};

/** Basic counters of a port. */
struct lcx_port_stats {
	uint64_t ipackets;
	uint64_t opackets;
	uint64_t ibytes;
	uint64_t obytes;
	uint64_t imissed;   /**< dropped by the device: no descriptor */
	uint64_t ierrors;
	uint64_t oerrors;
	uint64_t rx_nombuf; /**< RX mbuf allocation failures */
};

/** Link state. */
struct lcx_port_link {
	uint32_t speed_mbps;
	uint8_t up;
	uint8_t full_duplex;
};

/** What a port driver implements. */
struct lcx_port_ops {
	const char *name;  /**< spec prefix, e.g. "synth" */
	/** Probe the device and fill socket, max_rxq, max_txq, mac, name. */
	int (*open)(struct lcx_port *port, const char *args);
	/** Set up the queues; called on a stopped port. */
	int (*configure)(struct lcx_port *port, const struct lcx_port_conf *conf);
	int (*start)(struct lcx_port *port);
	int (*stop)(struct lcx_port *port);
	lcx_port_rx_fn rx_burst;
	lcx_port_tx_fn tx_burst;
	int (*stats_get)(struct lcx_port *port, struct lcx_port_stats *st);
	/** Print extended counters, one "name value" a line; may be NULL. */
	int (*xstats_dump)(struct lcx_port *port, FILE *f);
	int (*link_get)(struct lcx_port *port, struct lcx_port_link *link);
	/** Release the device and priv; the port is stopped. */
	void (*close)(struct lcx_port *port);
};

/** An open port. */
struct lcx_port {
	/* Fast path: read on every burst. */
	lcx_port_rx_fn rx_burst;
	lcx_port_tx_fn tx_burst;
	void *priv;                /**< driver state */
	uint16_t eth_id;           /**< DPDK port id, or LCX_PORT_NO_ETHDEV */
	uint16_t id;               /**< lcx port index, 0 .. LCX_MAX_PORTS-1 */

	/* Slow path. */
	const struct lcx_port_ops *ops;
	int socket;                /**< NUMA socket of the device, SOCKET_ID_ANY if unknown */
	uint16_t max_rxq;          /**< most RX queues the device offers */
	uint16_t max_txq;
	uint16_t nb_rxq;           /**< configured */
	uint16_t nb_txq;
	uint8_t started;
	struct rte_ether_addr mac;
	char name[256];            /**< spec as given */
};

/**
 * Register a driver; called by LCX_PORT_DRIVER_REGISTER at load time.
 *
 * @param ops
 *   Driver operations with a unique name; kept, not copied.
 */
void lcx_port_driver_register(const struct lcx_port_ops *ops);

/** Register a port driver at load time (one line at the end of a driver). */
#define LCX_PORT_DRIVER_REGISTER(ops) \
	RTE_INIT(lcx_port_driver_init_ ## ops) { lcx_port_driver_register(&(ops)); }

/**
 * Look up a registered driver by name.
 *
 * @param name
 *   Driver name.
 * @return
 *   The driver, or NULL.
 */
const struct lcx_port_ops *lcx_port_driver_find(const char *name);

/**
 * Open a port.
 *
 * @param spec
 *   "<driver>[:<args>]" for a registered driver (e.g. "synth:flows=4"),
 *   otherwise DPDK devargs for the ethdev driver.
 * @return
 *   The port, or NULL with lcx_errno set: EINVAL (empty or too long spec,
 *   or devargs no bus or driver knows), ENOSPC (LCX_MAX_PORTS ports open),
 *   ENOMEM, ENODEV (the device cannot be probed), EBUSY (the device is
 *   open as an lcx port already).  The driver logs the culprit.
 */
struct lcx_port *lcx_port_open(const char *spec);

/**
 * Configure queues.  The port must be stopped.
 *
 * @param port
 *   The port.
 * @param conf
 *   Queues, descriptors and one pool per RX queue.
 * @return
 *   0; -EINVAL (more queues than the device offers, no pool, zero queues);
 *   -EBUSY (started); or the driver's negative error.
 */
int lcx_port_configure(struct lcx_port *port, const struct lcx_port_conf *conf);

/**
 * Start a configured port.
 *
 * @param port
 *   The port.
 * @return
 *   0; -EINVAL (not configured); or the driver's negative error.
 */
int lcx_port_start(struct lcx_port *port);

/**
 * Stop a port; a stopped port is a no-op.
 *
 * @param port
 *   The port.
 * @return
 *   0, or the driver's negative error.
 */
int lcx_port_stop(struct lcx_port *port);

/**
 * Stop if needed and close a port; its index becomes free.  NULL is a no-op.
 *
 * @param port
 *   The port.
 */
void lcx_port_close(struct lcx_port *port);

/**
 * Port by index.
 *
 * @param id
 *   Index.
 * @return
 *   The port, or NULL.
 */
struct lcx_port *lcx_port_get(uint16_t id);

/**
 * Read basic counters.
 *
 * @param port
 *   The port.
 * @param st
 *   Filled in (zeroed first).
 * @return
 *   0; -EINVAL (NULL port or st); -ENOTSUP (the driver keeps none); or
 *   the driver's error: for ethdev ports rte_eth_stats_get()'s (-ENODEV
 *   for a device gone, -EIO).
 */
int lcx_port_stats_get(struct lcx_port *port, struct lcx_port_stats *st);

/**
 * Read link state, without waiting for the link to come up.
 *
 * @param port
 *   The port.
 * @param link
 *   Filled in (zeroed first); speed_mbps is 0 when the device does not
 *   know it.
 * @return
 *   0; -EINVAL (NULL port or link); -ENOTSUP (the driver has no link); or
 *   the driver's error: for ethdev ports rte_eth_link_get_nowait()'s
 *   (-ENODEV, -ENOTSUP when the PMD cannot tell).
 */
int lcx_port_link_get(struct lcx_port *port, struct lcx_port_link *link);

/**
 * Receive a burst.
 *
 * @param port
 *   Started port.
 * @param q
 *   RX queue.
 * @param pkts
 *   Where the mbufs go.
 * @param n
 *   Room in pkts.
 * @return
 *   Number received.
 */
static __rte_always_inline uint16_t
lcx_port_rx_burst(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	if (likely(port->eth_id != LCX_PORT_NO_ETHDEV))
		return rte_eth_rx_burst(port->eth_id, q, pkts, n);
	return port->rx_burst(port, q, pkts, n);
}

/**
 * Transmit a burst.
 *
 * @param port
 *   Started port.
 * @param q
 *   TX queue.
 * @param pkts
 *   The mbufs; those sent belong to the port now.
 * @param n
 *   How many.
 * @return
 *   Number sent; pkts[ret..n-1] are still the caller's.
 */
static __rte_always_inline uint16_t
lcx_port_tx_burst(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	if (likely(port->eth_id != LCX_PORT_NO_ETHDEV))
		return rte_eth_tx_burst(port->eth_id, q, pkts, n);
	return port->tx_burst(port, q, pkts, n);
}

#ifdef __cplusplus
}
#endif

#endif /* LCX_PORT_H */
