/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports and placement: the pure policies (lcx_place_compute), opening and
 * placing the manager's ports, TX queues per context, the report, and the
 * pools of destroyed contexts.  The move handshake is in migrate.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mempool.h>

#include "place_private.h"

struct mgr_place mgr_place = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- Pure placement ------------------------------------------------- */

static void
err_set(char *err, size_t len, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	LCX_LOG(ERR, "placement: %s", buf);
	if (err != NULL && len != 0)
		snprintf(err, len, "%s", buf);
}

static int
ctx_of_lcore(const struct lcx_place_topo *t, unsigned int lcore)
{
	uint16_t c;

	for (c = 0; c < t->nb_ctx; c++)
		if (t->ctx_lcore[c] == lcore)
			return c;
	return -1;
}

static int
place_map(const struct lcx_place_topo *t, const struct lcx_place_map *map,
		unsigned int nb_map, struct lcx_place_row *rows,
		const unsigned int *first, unsigned int total, char *err,
		size_t err_len)
{
	unsigned int i, r;
	uint16_t p, q;
	int c;

	for (r = 0; r < total; r++)
		rows[r].ctx = UINT16_MAX;
	for (i = 0; i < nb_map; i++) {
		const struct lcx_place_map *e = &map[i];

		if (e->port >= t->nb_ports || t->port_nb_rxq[e->port] == 0) {
			err_set(err, err_len, "map (%u,%u,%u): unknown port %u",
				e->port, e->queue, e->lcore, e->port);
			return -EINVAL;
		}
		if (e->queue >= t->port_nb_rxq[e->port]) {
			err_set(err, err_len,
				"map (%u,%u,%u): unknown queue %u (port %u has %u)",
				e->port, e->queue, e->lcore, e->queue, e->port,
				t->port_nb_rxq[e->port]);
			return -EINVAL;
		}
		c = ctx_of_lcore(t, e->lcore);
		if (c < 0) {
			err_set(err, err_len,
				"map (%u,%u,%u): unknown lcore %u (no context on it)",
				e->port, e->queue, e->lcore, e->lcore);
			return -EINVAL;
		}
		r = first[e->port] + e->queue;
		if (rows[r].ctx != UINT16_MAX) {
			err_set(err, err_len,
				"map (%u,%u,%u): duplicate: queue %u of port %u is mapped twice",
				e->port, e->queue, e->lcore, e->queue, e->port);
			return -EINVAL;
		}
		rows[r].ctx = (uint16_t)c;
		rows[r].cross_socket = t->port_socket[e->port] != SOCKET_ID_ANY &&
			t->ctx_socket[c] != t->port_socket[e->port];
	}
	for (p = 0; p < t->nb_ports; p++)
		for (q = 0; q < t->port_nb_rxq[p]; q++)
			if (rows[first[p] + q].ctx == UINT16_MAX) {
				err_set(err, err_len,
					"map: missing queue %u of port %u", q, p);
				return -EINVAL;
			}
	return 0;
}

int
lcx_place_compute(const struct lcx_place_topo *t, enum lcx_place_policy policy,
		const struct lcx_place_map *map, unsigned int nb_map,
		struct lcx_place_row *rows, unsigned int max_rows, char *err,
		size_t err_len)
{
	unsigned int first[LCX_MAX_PORTS], total = 0, next_any = 0;
	unsigned int next_sock[RTE_MAX_NUMA_NODES] = { 0 };
	uint16_t local[LCX_MAX_CONTEXTS], nb_local, p, q, c;
	int rc;

	if (err != NULL && err_len != 0)
		err[0] = '\0';
	if (t == NULL || rows == NULL || t->nb_ports > LCX_MAX_PORTS ||
			t->nb_ctx > LCX_MAX_CONTEXTS) {
		err_set(err, err_len, "bad topology");
		return -EINVAL;
	}
	if (t->nb_ctx == 0) {
		err_set(err, err_len, "no context to place queues on");
		return -EINVAL;
	}
	for (p = 0; p < t->nb_ports; p++) {
		first[p] = total;
		total += t->port_nb_rxq[p];
	}
	if (total > max_rows) {
		err_set(err, err_len, "%u RX queues, room for %u rows", total,
			max_rows);
		return -ENOSPC;
	}
	for (p = 0; p < t->nb_ports; p++)
		for (q = 0; q < t->port_nb_rxq[p]; q++) {
			rows[first[p] + q].port = p;
			rows[first[p] + q].queue = q;
			rows[first[p] + q].cross_socket = 0;
		}
	switch (policy) {
	case LCX_PLACE_RR:
		for (c = 0; c < total; c++) {
			int s = t->port_socket[rows[c].port];

			rows[c].ctx = (uint16_t)(c % t->nb_ctx);
			rows[c].cross_socket = s != SOCKET_ID_ANY &&
				t->ctx_socket[rows[c].ctx] != s;
		}
		return (int)total;
	case LCX_PLACE_NUMA:
		for (p = 0; p < t->nb_ports; p++) {
			int s = t->port_socket[p];
			unsigned int *next = &next_any;

			nb_local = 0;
			if (s >= 0 && s < RTE_MAX_NUMA_NODES) {
				for (c = 0; c < t->nb_ctx; c++)
					if (t->ctx_socket[c] == s)
						local[nb_local++] = c;
				next = &next_sock[s];
			}
			if (nb_local == 0 && t->port_nb_rxq[p] != 0 &&
					s != SOCKET_ID_ANY)
				LCX_LOG(WARNING,
					"placement: port %u is on socket %d, no context is: its %u RX queues go to other sockets",
					p, s, t->port_nb_rxq[p]);
			for (q = 0; q < t->port_nb_rxq[p]; q++) {
				struct lcx_place_row *r = &rows[first[p] + q];

				if (nb_local != 0) {
					r->ctx = local[(*next)++ % nb_local];
				} else {
					/* unknown socket, or none local */
					r->ctx = (uint16_t)(next_any++ % t->nb_ctx);
					r->cross_socket = s != SOCKET_ID_ANY;
				}
			}
		}
		return (int)total;
	case LCX_PLACE_MAP:
		if (map == NULL && nb_map != 0) {
			err_set(err, err_len, "map: NULL");
			return -EINVAL;
		}
		rc = place_map(t, map, nb_map, rows, first, total, err, err_len);
		return rc != 0 ? rc : (int)total;
	}
	err_set(err, err_len, "unknown policy %d", (int)policy);
	return -EINVAL;
}

static const char *
skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* One unsigned number; *s moves past it. */
static int
parse_num(const char **s, unsigned long max, unsigned long *v)
{
	char *end;

	*s = skip_space(*s);
	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	*v = strtoul(*s, &end, 10);
	if (errno != 0 || *v > max)
		return -1;
	*s = skip_space(end);
	return 0;
}

int
lcx_place_map_parse(const char *str, struct lcx_place_map *map,
		unsigned int max)
{
	const char *s = str;
	unsigned long v[3];
	unsigned int n = 0, k;

	if (str == NULL || map == NULL)
		return -EINVAL;
	s = skip_space(s);
	if (*s == '\0')
		goto syntax;
	while (*s != '\0') {
		if (*s != '(')
			goto syntax;
		s++;
		for (k = 0; k < 3; k++) {
			if (parse_num(&s, k == 2 ? RTE_MAX_LCORE - 1 : UINT16_MAX,
					&v[k]) != 0)
				goto syntax;
			if (*s != (k == 2 ? ')' : ','))
				goto syntax;
			s++;
		}
		if (n == max) {
			LCX_LOG(ERR, "map '%s': more than %u entries", str, max);
			return -ENOSPC;
		}
		map[n].port = (uint16_t)v[0];
		map[n].queue = (uint16_t)v[1];
		map[n].lcore = (unsigned int)v[2];
		n++;
		s = skip_space(s);
		if (*s == ',')
			s = skip_space(s + 1);
		else if (*s != '\0')
			goto syntax;
	}
	return (int)n;
syntax:
	LCX_LOG(ERR, "map '%s': syntax error at offset %u, want (port,queue,lcore),...",
		str, (unsigned int)(s - str));
	return -EINVAL;
}

/* ---- Ports ---------------------------------------------------------- */

uint16_t
mgr_out_port(uint16_t id)
{
	uint16_t peer = id ^ 1;

	if (peer < LCX_MAX_PORTS && mgr_place.port[peer].port != NULL)
		return peer;
	return id;
}

struct lcx_port *
lcx_mgr_port_add(const char *spec, uint16_t nb_rxq)
{
	struct mgr_port *mp;
	struct lcx_port *port;

	if (!lcx_mgr.started) {
		LCX_LOG(ERR, "port %s: the manager is not started",
			spec != NULL ? spec : "(null)");
		lcx_errno = LCX_EENV;
		return NULL;
	}
	pthread_mutex_lock(&mgr_place.lock);
	port = lcx_port_open(spec);
	if (port == NULL)
		goto unlock;	/* the driver logged the culprit */
	if (nb_rxq > port->max_rxq || nb_rxq > LCX_PLACE_MAX_RXQ) {
		LCX_LOG(ERR, "port %s: %u RX queues asked, the device offers %u%s",
			spec, nb_rxq, RTE_MIN(port->max_rxq,
				(uint16_t)LCX_PLACE_MAX_RXQ),
			port->max_rxq > LCX_PLACE_MAX_RXQ ?
			" (LCX_PLACE_MAX_RXQ)" : "");
		lcx_port_close(port);
		lcx_errno = EINVAL;
		port = NULL;
		goto unlock;
	}
	mp = &mgr_place.port[port->id];
	memset(mp, 0, sizeof(*mp));
	mp->port = port;
	mp->nb_rxq_asked = nb_rxq;
unlock:
	pthread_mutex_unlock(&mgr_place.lock);
	return port;
}

unsigned int
lcx_mgr_port_list(struct lcx_port **out, unsigned int max)
{
	unsigned int n = 0;
	uint16_t p;

	pthread_mutex_lock(&mgr_place.lock);
	for (p = 0; p < LCX_MAX_PORTS; p++)
		if (mgr_place.port[p].port != NULL) {
			if (n < max)
				out[n] = mgr_place.port[p].port;
			n++;
		}
	pthread_mutex_unlock(&mgr_place.lock);
	return n;
}

/* ---- TX queues: own, or shared under a lock (issue 9) --------------- */

static int
txq_share_task(void *arg)
{
	const struct mgr_port *mp = arg;
	struct lcx_ctx *self = lcx_ctx_self();
	uint16_t p = mp->port->id;

	return lcx_ctx_txq_share(self, p, &mgr_place.port[p].txq[
		self->txq[p].queue].lock);
}

/* Queue q of a port gets a second user: its one user, who sends without
 * the lock, takes it from now on.  A running user switches in a task,
 * between two of its bursts, and the new user sends only after it has:
 * no burst of the two overlaps on the queue. */
static int
txq_share_users(struct mgr_port *mp, uint16_t q)
{
	struct lcx_ctx *list[LCX_MAX_CONTEXTS];
	uint16_t p = mp->port->id;
	unsigned int n, i;
	int rc, res;

	n = lcx_mgr_ctx_list(list, LCX_MAX_CONTEXTS);
	for (i = 0; i < n; i++) {
		struct lcx_ctx_txq *t = &list[i]->txq[p];

		if (t->port != mp->port || t->queue != q || t->lock != NULL)
			continue;
		if (!mgr_ctx_live(list[i])) {
			t->lock = &mp->txq[q].lock;
			continue;
		}
		res = 0;
		rc = lcx_ctx_call_wait(list[i], txq_share_task, mp,
			MGR_MOVE_TIMEOUT_US, &res);
		if (rc == 0)
			rc = res;
		if (rc != 0) {
			LCX_LOG(ERR, "port %s TX queue %u: context %s did not take the queue's lock: %s",
				mp->port->name, q, list[i]->name,
				lcx_strerror(rc));
			return rc;
		}
	}
	return 0;
}

/* A TX queue of a placed port for a context that has none there: a free
 * one, else the one with the fewest users, shared under its lock. */
static int
txq_give(struct mgr_port *mp, struct lcx_ctx *ctx)
{
	struct lcx_ctx_txq *txq = &ctx->txq[mp->port->id];
	uint16_t i, q = 0;
	int rc;

	if (mp->nb_txq == 0)
		return 0;
	for (i = 1; i < mp->nb_txq; i++)
		if (mp->txq[i].users < mp->txq[q].users)
			q = i;
	if (mp->txq[q].users == 1) {
		rc = txq_share_users(mp, q);
		if (rc != 0)
			return rc;
	}
	txq->port = mp->port;
	txq->queue = q;
	txq->n = 0;
	txq->lock = mp->txq[q].users != 0 ? &mp->txq[q].lock : NULL;
	mp->txq[q].users++;
	return 0;
}

/* The context sends no more on the port.  A queue left with one user
 * stays locked until the next placement: switching it back would need
 * that user's loop, and an uncontended lock costs little (performance.md). */
static void
txq_take(struct mgr_port *mp, struct lcx_ctx *ctx)
{
	struct lcx_ctx_txq *txq = &ctx->txq[mp->port->id];

	if (txq->port == mp->port && txq->queue < mp->nb_txq &&
			mp->txq[txq->queue].users != 0)
		mp->txq[txq->queue].users--;
	txq->port = NULL;
	txq->lock = NULL;
}

/* ---- end of TX queues ---------------------------------------------- */

/* Undo a placement on contexts no loop runs: the caller checked. */
static void
unplace(struct lcx_ctx **list, unsigned int n)
{
	unsigned int i, k, j;
	uint16_t p, q;

	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		if (mp->port == NULL || mp->nb_rxq == 0)
			continue;
		lcx_port_stop(mp->port);
		for (i = 0; i < n; i++) {
			struct lcx_ctx *ctx = list[i];

			txq_take(mp, ctx);
			for (k = 0, j = 0; k < ctx->nb_rxq; k++)
				if (ctx->rxq[k].port != mp->port)
					ctx->rxq[j++] = ctx->rxq[k];
			ctx->nb_rxq = (uint16_t)j;
		}
		for (q = 0; q < mp->nb_rxq; q++)
			mp->rxq[q].owner = MGR_OWNER_NONE;
		for (q = 0; q < mp->nb_txq; q++)
			mp->txq[q].users = 0;
		mp->nb_rxq = 0;
		mp->nb_txq = 0;
	}
}

static uint16_t
ctx_rxq_limit(const struct lcx_ctx *ctx)
{
	return RTE_MIN(ctx->limits.max_rxq, (uint16_t)LCX_MAX_CTX_RXQ);
}

static int
place_check(struct lcx_ctx **list, unsigned int n,
		const struct lcx_place_row *rows, int nb_rows)
{
	unsigned int i, cnt;
	int r;

	for (i = 0; i < n; i++) {
		for (cnt = 0, r = 0; r < nb_rows; r++)
			cnt += rows[r].ctx == i;
		if (cnt == 0)
			continue;
		if (list[i]->pool == NULL) {
			LCX_LOG(ERR, "placement: context %s gets RX queues but has no pool (limits.pool_size 0)",
				list[i]->name);
			return -EINVAL;
		}
		if (cnt > ctx_rxq_limit(list[i])) {
			LCX_LOG(ERR, "placement: context %s gets %u RX queues, limits.max_rxq is %u",
				list[i]->name, cnt, ctx_rxq_limit(list[i]));
			return -EINVAL;
		}
	}
	return 0;
}

int
lcx_mgr_place(enum lcx_place_policy policy, const struct lcx_place_map *map,
		unsigned int nb_map)
{
	static struct lcx_place_row rows[LCX_MAX_PORTS * LCX_PLACE_MAX_RXQ];
	struct rte_mempool *pools[LCX_PLACE_MAX_RXQ];
	struct lcx_ctx *list[LCX_MAX_CONTEXTS];
	struct lcx_place_topo topo;
	uint16_t p, q, started[LCX_MAX_PORTS], nb_started = 0;
	unsigned int n, i;
	int nb_rows, r, rc;

	pthread_mutex_lock(&mgr_place.lock);
	n = lcx_mgr_ctx_list(list, LCX_MAX_CONTEXTS);
	if (n == 0) {
		LCX_LOG(ERR, "placement: no context");
		rc = -LCX_ENOCTX;
		goto unlock;
	}
	for (i = 0; i < n; i++)
		if (mgr_ctx_live(list[i])) {
			LCX_LOG(ERR, "placement: context %s runs; stop it first",
				list[i]->name);
			rc = -EBUSY;
			goto unlock;
		}
	memset(&topo, 0, sizeof(topo));
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		topo.port_socket[p] = SOCKET_ID_ANY;
		if (mp->port == NULL)
			continue;
		topo.nb_ports = p + 1;
		topo.port_socket[p] = mp->port->socket;
		topo.port_nb_rxq[p] = mp->nb_rxq_asked != 0 ? mp->nb_rxq_asked :
			RTE_MIN(RTE_MIN((uint16_t)n, mp->port->max_rxq),
				(uint16_t)LCX_PLACE_MAX_RXQ);
	}
	topo.nb_ctx = (uint16_t)n;
	for (i = 0; i < n; i++) {
		topo.ctx_lcore[i] = list[i]->lcore;
		topo.ctx_socket[i] = list[i]->socket;
	}
	nb_rows = lcx_place_compute(&topo, policy, map, nb_map, rows,
		RTE_DIM(rows), NULL, 0);
	if (nb_rows < 0) {
		rc = nb_rows;
		goto unlock;
	}
	rc = place_check(list, n, rows, nb_rows);
	if (rc != 0)
		goto unlock;
	/* Contexts share TX queues when there are too few, but not none. */
	for (p = 0; p < topo.nb_ports; p++)
		if (mgr_place.port[p].port != NULL &&
				mgr_place.port[p].port->max_txq == 0) {
			LCX_LOG(ERR, "placement: port %s has no TX queue: nothing could be sent on it; give the device one (doc/ports.md)",
				mgr_place.port[p].port->name);
			rc = -ENOTSUP;
			goto unlock;
		}

	unplace(list, n);
	for (r = 0, p = 0; p < topo.nb_ports; p++) {
		struct mgr_port *mp = &mgr_place.port[p];
		struct lcx_port_conf conf;

		if (mp->port == NULL)
			continue;
		for (q = 0; q < topo.port_nb_rxq[p]; q++)
			pools[q] = list[rows[r + q].ctx]->pool;
		memset(&conf, 0, sizeof(conf));
		conf.nb_rxq = topo.port_nb_rxq[p];
		/* One TX queue per EAL lcore: contexts created later get one. */
		conf.nb_txq = RTE_MIN((uint16_t)rte_lcore_count(),
			mp->port->max_txq);
		conf.rxq_pool = pools;
		rc = lcx_port_configure(mp->port, &conf);
		if (rc == 0) {
			rc = lcx_port_start(mp->port);
			if (rc != 0)
				LCX_LOG(ERR, "placement: port %s: start: %s",
					mp->port->name, lcx_strerror(rc));
		} else {
			LCX_LOG(ERR, "placement: port %s: configure %u RX / %u TX queues: %s",
				mp->port->name, conf.nb_rxq, conf.nb_txq,
				lcx_strerror(rc));
		}
		if (rc != 0) {
			rc = -LCX_ERESINIT;
			goto stop_ports;
		}
		started[nb_started++] = p;
		mp->nb_txq = conf.nb_txq;
		for (q = 0; q < conf.nb_rxq; q++) {
			mp->rxq[q].port = p;
			mp->rxq[q].queue = q;
			mp->rxq[q].pool = pools[q];
			mp->rxq[q].owner = MGR_OWNER_NONE;
		}
		r += conf.nb_rxq;
	}
	/* Everything is up: hand out queues.  No loop runs the contexts,
	 * so their tables are written here directly. */
	for (p = 0; p < topo.nb_ports; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		if (mp->port == NULL)
			continue;
		mp->nb_rxq = topo.port_nb_rxq[p];
		for (i = 0; i < n; i++)
			RTE_VERIFY(txq_give(mp, list[i]) == 0); /* none runs */
	}
	for (r = 0; r < nb_rows; r++) {
		struct lcx_ctx *ctx = list[rows[r].ctx];
		struct mgr_rxq *mq = &mgr_place.port[rows[r].port].rxq[rows[r].queue];

		rc = mgr_rxq_add(ctx, mq);
		RTE_VERIFY(rc == 0);	/* checked by place_check() */
	}
	rc = 0;
	goto unlock;

stop_ports:
	while (nb_started > 0)
		lcx_port_stop(mgr_place.port[started[--nb_started]].port);
unlock:
	pthread_mutex_unlock(&mgr_place.lock);
	return rc;
}

/* ---- Report --------------------------------------------------------- */

unsigned int
lcx_mgr_place_get(struct lcx_place_report *rows, unsigned int max)
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

void
lcx_mgr_place_dump(FILE *f)
{
	static struct lcx_place_report rows[LCX_MAX_PORTS * LCX_PLACE_MAX_RXQ];
	unsigned int n, i;

	n = lcx_mgr_place_get(rows, RTE_DIM(rows));
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
}

/* ---- Pools of destroyed contexts ------------------------------------ */

static int
pool_feeds_rxq(const struct rte_mempool *pool)
{
	uint16_t p, q;

	for (p = 0; p < LCX_MAX_PORTS; p++)
		for (q = 0; q < mgr_place.port[p].nb_rxq; q++)
			if (mgr_place.port[p].rxq[q].pool == pool)
				return 1;
	return 0;
}

/* Free the orphaned pools nobody can allocate from any more and whose
 * mbufs are all back; with force (ports closed), free them all. */
static void
orphans_sweep(int force)
{
	struct mgr_orphan **pp = &mgr_place.orphans, *o;
	unsigned int avail;

	while ((o = *pp) != NULL) {
		if (!force && (pool_feeds_rxq(o->pool) ||
				!rte_mempool_full(o->pool))) {
			pp = &o->next;
			continue;
		}
		avail = rte_mempool_avail_count(o->pool);
		if (avail != o->pool->size)
			LCX_LOG(WARNING, "pool %s: %u of %u mbufs still out at fini; freed anyway",
				o->pool->name, o->pool->size - avail,
				o->pool->size);
		rte_mempool_free(o->pool);
		*pp = o->next;
		free(o);
	}
}

/* ---- Hooks called by mgr.c ------------------------------------------ */

int
mgr_port_ctx_join(struct lcx_ctx *ctx)
{
	uint16_t p;
	int rc = 0;

	pthread_mutex_lock(&mgr_place.lock);
	/* READY, no loop: its TX table is ours to write. */
	for (p = 0; p < LCX_MAX_PORTS && rc == 0; p++)
		if (mgr_place.port[p].port != NULL &&
				mgr_place.port[p].nb_rxq != 0)
			rc = txq_give(&mgr_place.port[p], ctx);
	orphans_sweep(0);
	pthread_mutex_unlock(&mgr_place.lock);
	return rc;
}

void
mgr_port_ctx_leave(struct lcx_ctx *ctx)
{
	pthread_mutex_lock(&mgr_place.lock);
	mgr_ctx_evacuate_locked(ctx);
	pthread_mutex_unlock(&mgr_place.lock);
}

void
mgr_port_ctx_gone(struct lcx_ctx *ctx)
{
	struct mgr_orphan *o;
	uint16_t p, q;

	pthread_mutex_lock(&mgr_place.lock);
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		if (mp->port == NULL)
			continue;
		txq_take(mp, ctx);
		/* A queue the evacuation could not take (the context did
		 * not answer): no loop polls it now. */
		for (q = 0; q < mp->nb_rxq; q++)
			if (__atomic_load_n(&mp->rxq[q].owner,
					__ATOMIC_ACQUIRE) == ctx->id) {
				LCX_LOG(WARNING, "port %s queue %u: left unpolled by destroyed context %s",
					mp->port->name, q, ctx->name);
				__atomic_store_n(&mp->rxq[q].owner,
					MGR_OWNER_NONE, __ATOMIC_RELEASE);
			}
	}
	ctx->nb_rxq = 0;
	/* RX queues set up with this pool keep allocating from it, and
	 * its mbufs may sit in other contexts or devices: the manager
	 * keeps it until both are over. */
	if (ctx->pool != NULL) {
		o = malloc(sizeof(*o));
		if (o != NULL) {
			o->pool = ctx->pool;
			o->next = mgr_place.orphans;
			mgr_place.orphans = o;
			ctx->pool = NULL;
		} else if (pool_feeds_rxq(ctx->pool) ||
				!rte_mempool_full(ctx->pool)) {
			LCX_LOG(ERR, "pool %s: no memory to keep it: leaked",
				ctx->pool->name);
			ctx->pool = NULL;
		}
	}
	orphans_sweep(0);
	pthread_mutex_unlock(&mgr_place.lock);
}

void
mgr_port_fini(void)
{
	uint16_t p;

	pthread_mutex_lock(&mgr_place.lock);
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct mgr_port *mp = &mgr_place.port[p];

		if (mp->port == NULL)
			continue;
		/* Closing frees the mbufs the device still holds. */
		lcx_port_close(mp->port);
		memset(mp, 0, sizeof(*mp));
	}
	orphans_sweep(1);
	pthread_mutex_unlock(&mgr_place.lock);
}
