/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's ports: opening them, configuring and starting them with
 * the queues a policy (place_policy.c) gives each context, TX queues per
 * context, and the pools of destroyed contexts.  The report is in
 * place_report.c, the move handshake in migrate.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mempool.h>

#include "place_private.h"

struct mgr_place mgr_place = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

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
lcx_place_port_add(const char *spec, uint16_t nb_rxq)
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
lcx_place_port_list(struct lcx_port **out, unsigned int max)
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
lcx_place_apply(const char *policy, const struct lcx_place_map *map,
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
