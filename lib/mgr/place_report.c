/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The placement report: one row per RX queue (who polls it, from which
 * pool), and per port which contexts poll none of its RX queues.  Read
 * under the place lock; the owner words are read with acquire loads since
 * the contexts' move tasks write them.
 */
#include <errno.h>
#include <string.h>

#include <rte_mempool.h>

#include "place_private.h"

unsigned int
lcx_place_report_get(struct lcx_place_report *rows, unsigned int max)
{
	unsigned int n = 0;
	uint16_t p, q;

	pthread_mutex_lock(&mgr_place.lock);
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		if (mp->port == NULL)
			continue;
		for (q = 0; q < mp->nb_rxq; q++, n++) {
			struct lcx_place_report *r = &rows[n];
			struct lcx_ctx *ctx = NULL;
			uint32_t owner;

			if (n >= max)
				continue;
			owner = __atomic_load_n(&mp->rxq[q].owner,
				__ATOMIC_ACQUIRE);
			if (owner != MGR_OWNER_NONE)
				ctx = lcx_mgr_ctx_lookup(owner);
			r->port = p;
			r->queue = q;
			r->ctx_id = ctx != NULL ? ctx->id : UINT32_MAX;
			r->lcore = ctx != NULL ? ctx->lcore : LCORE_ID_ANY;
			r->socket = ctx != NULL ? ctx->socket : SOCKET_ID_ANY;
			snprintf(r->pool, sizeof(r->pool), "%s",
				mp->rxq[q].pool != NULL ?
				mp->rxq[q].pool->name : "-");
		}
	}
	pthread_mutex_unlock(&mgr_place.lock);
	return n;
}

static int
polls_port(const struct mgr_port *mp, uint32_t ctx_id)
{
	uint16_t q;

	for (q = 0; q < mp->nb_rxq; q++)
		if (__atomic_load_n(&mp->rxq[q].owner, __ATOMIC_ACQUIRE) ==
				ctx_id)
			return 1;
	return 0;
}

/* Its own TX queue or a shared one (doc/ports.md): none only when the
 * port offers no TX queue at all, which placement refuses. */
static int
has_txq(const struct lcx_ctx *ctx, uint16_t port)
{
	return ctx->txq[port].port != NULL;
}

int
lcx_place_port_report_get(uint16_t port, struct lcx_place_port_report *r)
{
	struct lcx_ctx *list[LCX_MAX_CONTEXTS];
	const struct mgr_port *mp;
	unsigned int n, i;
	int rc = 0;

	if (r == NULL || port >= LCX_MAX_PORTS)
		return -EINVAL;
	pthread_mutex_lock(&mgr_place.lock);
	mp = &mgr_place.port[port];
	if (mp->port == NULL || mp->nb_rxq == 0) {
		rc = -EINVAL;
		goto unlock;
	}
	memset(r, 0, sizeof(*r));
	r->port = port;
	r->nb_rxq = mp->nb_rxq;
	r->nb_txq = mp->nb_txq;
	n = RTE_MIN(lcx_mgr_ctx_list(list, LCX_MAX_CONTEXTS),
		(unsigned int)LCX_MAX_CONTEXTS);
	r->nb_ctx = (uint16_t)n;
	for (i = 0; i < n; i++) {
		if (!polls_port(mp, list[i]->id))
			r->idle_ctx[r->nb_idle++] = list[i]->id;
		if (!has_txq(list[i], port))
			r->no_txq_ctx[r->nb_no_txq++] = list[i]->id;
	}
unlock:
	pthread_mutex_unlock(&mgr_place.lock);
	return rc;
}

static void
ctx_names(FILE *f, const uint32_t *ids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct lcx_ctx *ctx = lcx_mgr_ctx_lookup(ids[i]);

		fprintf(f, "%s%s", i == 0 ? "" : ", ",
			ctx != NULL ? ctx->name : "(destroyed)");
	}
}

/* "port 0 (net_af_packet0): 1 RX queue for 2 contexts: ctx1 polls
 * nothing here (...)".  Only a handler that hands packets between
 * contexts gives those contexts the port's receive work; a context with
 * no TX queue there cannot send to it at all, hence its own line. */
static void
port_lines(FILE *f, const struct lcx_port *port,
		const struct lcx_place_port_report *pr)
{
	int len = (int)strcspn(port->name, ",");

	fprintf(f, "port %u (%.*s): %u RX queue%s for %u context%s: ",
		pr->port, len, port->name, pr->nb_rxq,
		pr->nb_rxq == 1 ? "" : "s", pr->nb_ctx,
		pr->nb_ctx == 1 ? "" : "s");
	if (pr->nb_idle == 0) {
		fprintf(f, "each polls one or more\n");
	} else {
		ctx_names(f, pr->idle_ctx, pr->nb_idle);
		fprintf(f, " poll%s nothing here (spread in software with the handoff handler)\n",
			pr->nb_idle == 1 ? "s" : "");
	}
	if (pr->nb_no_txq == 0)
		return;
	fprintf(f, "port %u (%.*s): %u TX queue%s for %u context%s: ",
		pr->port, len, port->name, pr->nb_txq,
		pr->nb_txq == 1 ? "" : "s", pr->nb_ctx,
		pr->nb_ctx == 1 ? "" : "s");
	ctx_names(f, pr->no_txq_ctx, pr->nb_no_txq);
	fprintf(f, " cannot send here (dropped, counted as no-txq)\n");
}

void
lcx_place_report_dump(FILE *f)
{
	static struct lcx_place_report rows[LCX_MAX_PORTS * LCX_PLACE_MAX_RXQ];
	static struct lcx_place_port_report pr;
	struct lcx_port *ports[LCX_MAX_PORTS];
	unsigned int n, i;

	n = lcx_place_report_get(rows, RTE_DIM(rows));
	fprintf(f, "%-4s %-5s %-16s %-5s %-6s %s\n", "port", "queue",
		"context", "lcore", "socket", "pool");
	for (i = 0; i < n && i < RTE_DIM(rows); i++) {
		struct lcx_ctx *ctx = NULL;
		char lc[16] = "-", so[16] = "-";

		if (rows[i].ctx_id != UINT32_MAX)
			ctx = lcx_mgr_ctx_lookup(rows[i].ctx_id);
		if (ctx != NULL) {
			snprintf(lc, sizeof(lc), "%u", rows[i].lcore);
			snprintf(so, sizeof(so), "%d", rows[i].socket);
		}
		fprintf(f, "%-4u %-5u %-16s %-5s %-6s %s\n", rows[i].port,
			rows[i].queue, ctx != NULL ? ctx->name : "(unpolled)",
			lc, so, rows[i].pool);
	}
	n = RTE_MIN(lcx_place_port_list(ports, RTE_DIM(ports)),
		(unsigned int)RTE_DIM(ports));
	for (i = 0; i < n; i++)
		if (lcx_place_port_report_get(ports[i]->id, &pr) == 0)
			port_lines(f, ports[i], &pr);
}
