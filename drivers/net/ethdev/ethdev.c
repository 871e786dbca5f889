/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "ethdev" port driver: any DPDK ethdev named by devargs, a PCI address
 * ("0000:01:00.0") or a vdev string ("net_null0,copy=1").  The device is
 * probed at run time with rte_dev_probe(), so no --vdev is needed; a device
 * that EAL probed already (--vdev, PCI scan) is reused as it is.
 *
 * The fast path never comes here: open() sets port->eth_id, and the inline
 * lcx_port_rx_burst()/lcx_port_tx_burst() call rte_eth_rx_burst() and
 * rte_eth_tx_burst() on it directly.  The burst ops below exist for callers
 * that go through the ops table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "lcx_port.h"

/* Descriptors when neither the caller nor the device has a preference. */
#define DEFAULT_NB_DESC 1024

/* Hash types asked for with RSS, cut down to what the device supports. */
#define RSS_HF_WANTED (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP | \
		RTE_ETH_RSS_SCTP)

struct ethdev_priv {
	int probed;            /**< we probed the device: close removes it */
	char busname[32];
	char devname[RTE_DEV_NAME_MAX_LEN];
};

static uint16_t
ethdev_rx_burst(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	return rte_eth_rx_burst(port->eth_id, q, pkts, n);
}

static uint16_t
ethdev_tx_burst(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	return rte_eth_tx_burst(port->eth_id, q, pkts, n);
}

/* The ethdev of a probed device: by name first (vdevs, and PCI devices
 * given in full form), then the first port whose device has that name
 * (a PCI address EAL normalised, or a vdev whose ports are named apart). */
static int
find_eth_id(const char *devname, uint16_t *eth_id)
{
	struct rte_eth_dev_info info;
	uint16_t pid;

	if (rte_eth_dev_get_port_by_name(devname, eth_id) == 0)
		return 0;
	RTE_ETH_FOREACH_DEV(pid) {
		if (rte_eth_dev_info_get(pid, &info) != 0 ||
				info.device == NULL)
			continue;
		if (strcmp(rte_dev_name(info.device), devname) == 0) {
			*eth_id = pid;
			return 0;
		}
	}
	return -ENODEV;
}

/* Whether another open lcx port drives this ethdev already. */
static int
eth_id_in_use(uint16_t eth_id, const struct lcx_port *self)
{
	struct lcx_port *p;
	uint16_t i;

	for (i = 0; i < LCX_MAX_PORTS; i++) {
		p = lcx_port_get(i);
		if (p != NULL && p != self && p->eth_id == eth_id)
			return 1;
	}
	return 0;
}

static int
ethdev_open(struct lcx_port *port, const char *args)
{
	struct rte_eth_dev_info info;
	struct ethdev_priv *priv;
	struct rte_devargs da;
	uint16_t eth_id;
	int rc;

	if (args == NULL || args[0] == '\0' || args[0] == ',') {
		LCX_LOG(ERR, "port '%s': empty device name", port->name);
		return -EINVAL;
	}
	/* Parsing first gives the canonical device name (a PCI address
	 * gets its domain) and rejects a name no bus claims. */
	memset(&da, 0, sizeof(da));
	rc = rte_devargs_parse(&da, args);
	if (rc != 0) {
		LCX_LOG(ERR, "port '%s': bad devargs (no bus or driver knows the name)",
			args);
		rte_devargs_reset(&da);
		return -EINVAL;
	}
	priv = rte_zmalloc("lcx_ethdev", sizeof(*priv), 0);
	if (priv == NULL) {
		rte_devargs_reset(&da);
		return -ENOMEM;
	}
	rte_strscpy(priv->devname, da.name, sizeof(priv->devname));
	rte_strscpy(priv->busname, rte_bus_name(da.bus), sizeof(priv->busname));
	rte_devargs_reset(&da);

	if (find_eth_id(priv->devname, &eth_id) == 0) {
		/* Probed by EAL (--vdev, PCI scan) or by another user. */
		if (eth_id_in_use(eth_id, port)) {
			LCX_LOG(ERR, "port '%s': device %s is open already",
				args, priv->devname);
			rc = -EBUSY;
			goto free_priv;
		}
	} else {
		rc = rte_dev_probe(args);
		if (rc < 0) {
			/* Many PMDs fail with -1 whatever went wrong. */
			if (rc == -1)
				LCX_LOG(ERR, "port '%s': cannot probe device: its driver refused the arguments or the device",
					args);
			else
				LCX_LOG(ERR, "port '%s': cannot probe device: %s",
					args, rte_strerror(-rc));
			rc = -ENODEV;
			goto free_priv;
		}
		priv->probed = 1;
		if (find_eth_id(priv->devname, &eth_id) != 0) {
			LCX_LOG(ERR, "port '%s': device probed but has no ethdev port",
				args);
			rc = -ENODEV;
			goto remove_dev;
		}
	}

	rc = rte_eth_dev_info_get(eth_id, &info);
	if (rc != 0) {
		LCX_LOG(ERR, "port '%s': no device info: %s", args,
			rte_strerror(-rc));
		rc = -ENODEV;
		goto close_eth;
	}
	port->priv = priv;
	port->eth_id = eth_id;
	rc = rte_eth_dev_socket_id(eth_id);
	port->socket = rc >= 0 ? rc : SOCKET_ID_ANY;
	port->max_rxq = info.max_rx_queues;
	port->max_txq = info.max_tx_queues;
	if (rte_eth_macaddr_get(eth_id, &port->mac) != 0)
		memset(&port->mac, 0, sizeof(port->mac));
	return 0;

close_eth:
	if (priv->probed)
		rte_eth_dev_close(eth_id);
remove_dev:
	if (priv->probed)
		rte_eal_hotplug_remove(priv->busname, priv->devname);
free_priv:
	rte_free(priv);
	return rc;
}

static uint16_t
desc_count(uint16_t asked, uint16_t preferred)
{
	if (asked != 0)
		return asked;
	return preferred != 0 ? preferred : DEFAULT_NB_DESC;
}

static int
ethdev_configure(struct lcx_port *port, const struct lcx_port_conf *conf)
{
	struct rte_eth_conf ec;
	struct rte_eth_dev_info info;
	uint16_t eth_id = port->eth_id, q, nb_rxd, nb_txd;
	int rc, sock;

	rc = rte_eth_dev_info_get(eth_id, &info);
	if (rc != 0)
		return rc;
	memset(&ec, 0, sizeof(ec));
	if (conf->nb_rxq > 1) {
		uint64_t hf = RSS_HF_WANTED & info.flow_type_rss_offloads;

		if (hf != 0) {
			ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			ec.rx_adv_conf.rss_conf.rss_hf = hf;
		} else {
			LCX_LOG(WARNING, "port %s: no RSS; %u RX queues get what the device spreads",
				port->name, conf->nb_rxq);
		}
	}
	rc = rte_eth_dev_configure(eth_id, conf->nb_rxq, conf->nb_txq, &ec);
	if (rc != 0) {
		LCX_LOG(ERR, "port %s: configure %u RX / %u TX queues: %s",
			port->name, conf->nb_rxq, conf->nb_txq,
			rte_strerror(-rc));
		return rc;
	}
	nb_rxd = desc_count(conf->nb_rxd, info.default_rxportconf.ring_size);
	nb_txd = desc_count(conf->nb_txd, info.default_txportconf.ring_size);
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(eth_id, &nb_rxd, &nb_txd);
	if (rc != 0) {
		LCX_LOG(ERR, "port %s: descriptors %u/%u: %s", port->name,
			nb_rxd, nb_txd, rte_strerror(-rc));
		return rc;
	}
	for (q = 0; q < conf->nb_rxq; q++) {
		/* Descriptors next to the buffers they point to. */
		sock = conf->rxq_pool[q]->socket_id;
		if (sock == SOCKET_ID_ANY)
			sock = port->socket;
		rc = rte_eth_rx_queue_setup(eth_id, q, nb_rxd, sock, NULL,
			conf->rxq_pool[q]);
		if (rc != 0) {
			LCX_LOG(ERR, "port %s: RX queue %u (pool %s): %s",
				port->name, q, conf->rxq_pool[q]->name,
				rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < conf->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(eth_id, q, nb_txd, port->socket,
			NULL);
		if (rc != 0) {
			LCX_LOG(ERR, "port %s: TX queue %u: %s", port->name, q,
				rte_strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int
ethdev_start(struct lcx_port *port)
{
	int rc;

	rc = rte_eth_dev_start(port->eth_id);
	if (rc != 0) {
		LCX_LOG(ERR, "port %s: start: %s", port->name,
			rte_strerror(-rc));
		return rc;
	}
	/* A forwarder sees every frame; devices that cannot say so are
	 * promiscuous already or have no filter (vdevs). */
	rc = rte_eth_promiscuous_enable(port->eth_id);
	if (rc != 0 && rc != -ENOTSUP)
		LCX_LOG(WARNING, "port %s: promiscuous mode: %s", port->name,
			rte_strerror(-rc));
	return 0;
}

static int
ethdev_stop(struct lcx_port *port)
{
	return rte_eth_dev_stop(port->eth_id);
}

static int
ethdev_stats_get(struct lcx_port *port, struct lcx_port_stats *st)
{
	struct rte_eth_stats es;
	int rc;

	rc = rte_eth_stats_get(port->eth_id, &es);
	if (rc != 0)
		return rc;
	st->ipackets = es.ipackets;
	st->opackets = es.opackets;
	st->ibytes = es.ibytes;
	st->obytes = es.obytes;
	st->imissed = es.imissed;
	st->ierrors = es.ierrors;
	st->oerrors = es.oerrors;
	st->rx_nombuf = es.rx_nombuf;
	return 0;
}

static int
ethdev_xstats_dump(struct lcx_port *port, FILE *f)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	int n, i, rc;

	n = rte_eth_xstats_get_names(port->eth_id, NULL, 0);
	if (n < 0)
		return n;
	if (n == 0)
		return 0;
	names = calloc(n, sizeof(*names));
	xs = calloc(n, sizeof(*xs));
	if (names == NULL || xs == NULL) {
		rc = -ENOMEM;
		goto free_arrays;
	}
	rc = rte_eth_xstats_get_names(port->eth_id, names, n);
	if (rc < 0 || rc > n)
		goto free_arrays;
	rc = rte_eth_xstats_get(port->eth_id, xs, n);
	if (rc < 0 || rc > n)
		goto free_arrays;
	for (i = 0; i < rc; i++)
		if (xs[i].id < (uint64_t)n)
			fprintf(f, "%s %" PRIu64 "\n", names[xs[i].id].name,
				xs[i].value);
	rc = 0;
free_arrays:
	free(names);
	free(xs);
	return rc > 0 ? -EAGAIN : rc;
}

static int
ethdev_link_get(struct lcx_port *port, struct lcx_port_link *link)
{
	struct rte_eth_link el;
	int rc;

	rc = rte_eth_link_get_nowait(port->eth_id, &el);
	if (rc != 0)
		return rc;
	link->up = el.link_status == RTE_ETH_LINK_UP;
	link->full_duplex = el.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
	link->speed_mbps = el.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ?
		0 : el.link_speed;
	return 0;
}

static void
ethdev_close(struct lcx_port *port)
{
	struct ethdev_priv *priv = port->priv;
	int rc;

	/* A device someone else probed stays as it was found (stopped), so
	 * it can be opened again; one we probed goes, so can its name. */
	if (priv->probed) {
		rte_eth_dev_close(port->eth_id);
		rc = rte_eal_hotplug_remove(priv->busname, priv->devname);
		if (rc != 0)
			LCX_LOG(WARNING, "port %s: remove device: %s",
				port->name, rte_strerror(-rc));
	}
	rte_free(priv);
	port->priv = NULL;
	port->eth_id = LCX_PORT_NO_ETHDEV;
}

static const struct lcx_port_ops ethdev_ops = {
	.name = "ethdev",
	.open = ethdev_open,
	.configure = ethdev_configure,
	.start = ethdev_start,
	.stop = ethdev_stop,
	.rx_burst = ethdev_rx_burst,
	.tx_burst = ethdev_tx_burst,
	.stats_get = ethdev_stats_get,
	.xstats_dump = ethdev_xstats_dump,
	.link_get = ethdev_link_get,
	.close = ethdev_close,
};

LCX_PORT_DRIVER_REGISTER(ethdev_ops);
