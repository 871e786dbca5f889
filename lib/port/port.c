/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "lcx_port.h"

/* Drivers are compiled into liblcx (there is no driver plugin path: the
 * driver SDK of DPDK is not installed, and one ethdev driver covers every
 * PMD), so the table holds what this build registers: two today.  A build
 * that adds a ninth stops at start-up on the RTE_VERIFY below, never at
 * run time. */
#define MAX_DRIVERS 8

static const struct lcx_port_ops *drivers[MAX_DRIVERS];
static unsigned int nb_drivers;
static struct lcx_port *ports[LCX_MAX_PORTS];

void
lcx_port_driver_register(const struct lcx_port_ops *ops)
{
	RTE_VERIFY(nb_drivers < MAX_DRIVERS);
	drivers[nb_drivers++] = ops;
}

const struct lcx_port_ops *
lcx_port_driver_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nb_drivers; i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

struct lcx_port *
lcx_port_open(const char *spec)
{
	const struct lcx_port_ops *ops = NULL;
	const char *args = spec;
	struct lcx_port *port;
	char drv[32];
	size_t len;
	uint16_t id;
	int rc;

	if (spec == NULL || spec[0] == '\0' || strlen(spec) >= sizeof(port->name)) {
		lcx_errno = EINVAL;
		return NULL;
	}
	/* "<driver>" or "<driver>:<args>" selects a registered driver. */
	len = strcspn(spec, ":");
	if (len < sizeof(drv)) {
		memcpy(drv, spec, len);
		drv[len] = '\0';
		ops = lcx_port_driver_find(drv);
		if (ops != NULL)
			args = spec[len] == ':' ? spec + len + 1 : "";
	}
	if (ops == NULL)
		ops = lcx_port_driver_find("ethdev");
	if (ops == NULL) {
		LCX_LOG(ERR, "port %s: no driver", spec);
		lcx_errno = ENODEV;
		return NULL;
	}
	for (id = 0; id < LCX_MAX_PORTS && ports[id] != NULL; id++)
		;
	if (id == LCX_MAX_PORTS) {
		LCX_LOG(ERR, "port %s: %d ports open already", spec, LCX_MAX_PORTS);
		lcx_errno = ENOSPC;
		return NULL;
	}
	port = rte_zmalloc("lcx_port", sizeof(*port), RTE_CACHE_LINE_SIZE);
	if (port == NULL) {
		lcx_errno = ENOMEM;
		return NULL;
	}
	port->id = id;
	port->ops = ops;
	port->eth_id = LCX_PORT_NO_ETHDEV;
	port->socket = SOCKET_ID_ANY;
	port->rx_burst = ops->rx_burst;
	port->tx_burst = ops->tx_burst;
	rte_strscpy(port->name, spec, sizeof(port->name));
	rc = ops->open(port, args);
	if (rc != 0) {
		rte_free(port);
		lcx_errno = -rc;
		return NULL;
	}
	ports[id] = port;
	return port;
}

int
lcx_port_configure(struct lcx_port *port, const struct lcx_port_conf *conf)
{
	uint16_t q;
	int rc;

	if (port == NULL || conf == NULL || conf->nb_rxq == 0 ||
			conf->nb_txq == 0 || conf->rxq_pool == NULL)
		return -EINVAL;
	if (port->started)
		return -EBUSY;
	if (conf->nb_rxq > port->max_rxq || conf->nb_txq > port->max_txq) {
		LCX_LOG(ERR, "port %s: %u RX / %u TX queues asked, device offers %u / %u",
			port->name, conf->nb_rxq, conf->nb_txq,
			port->max_rxq, port->max_txq);
		return -EINVAL;
	}
	for (q = 0; q < conf->nb_rxq; q++)
		if (conf->rxq_pool[q] == NULL)
			return -EINVAL;
	rc = port->ops->configure(port, conf);
	if (rc != 0)
		return rc;
	port->nb_rxq = conf->nb_rxq;
	port->nb_txq = conf->nb_txq;
	return 0;
}

int
lcx_port_start(struct lcx_port *port)
{
	int rc;

	if (port == NULL || port->nb_rxq == 0)
		return -EINVAL;
	if (port->started)
		return 0;
	rc = port->ops->start(port);
	if (rc == 0)
		port->started = 1;
	return rc;
}

int
lcx_port_stop(struct lcx_port *port)
{
	int rc;

	if (port == NULL || !port->started)
		return 0;
	rc = port->ops->stop(port);
	if (rc == 0)
		port->started = 0;
	return rc;
}

void
lcx_port_close(struct lcx_port *port)
{
	if (port == NULL)
		return;
	lcx_port_stop(port);
	port->ops->close(port);
	ports[port->id] = NULL;
	rte_free(port);
}

struct lcx_port *
lcx_port_get(uint16_t id)
{
	return id < LCX_MAX_PORTS ? ports[id] : NULL;
}

int
lcx_port_stats_get(struct lcx_port *port, struct lcx_port_stats *st)
{
	if (port == NULL || st == NULL)
		return -EINVAL;
	if (port->ops->stats_get == NULL)
		return -ENOTSUP;
	memset(st, 0, sizeof(*st));
	return port->ops->stats_get(port, st);
}

int
lcx_port_link_get(struct lcx_port *port, struct lcx_port_link *link)
{
	if (port == NULL || link == NULL)
		return -EINVAL;
	if (port->ops->link_get == NULL)
		return -ENOTSUP;
	memset(link, 0, sizeof(*link));
	return port->ops->link_get(port, link);
}
