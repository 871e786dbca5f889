/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_string_fns.h>

#include "lcx_ctx_worker.h"

__thread struct lcx_ctx *__lcx_ctx_self;

/* Context ids: one sequence for the process, never reused, so pool names
 * made from them stay unique. */
static uint32_t next_id;

static const char *const state_names[LCX_CTX_STATE_MAX] = {
	[LCX_CTX_READY] = "READY",
	[LCX_CTX_RUNNING] = "RUNNING",
	[LCX_CTX_BLOCKED] = "BLOCKED",
	[LCX_CTX_COMPLETED] = "COMPLETED",
	[LCX_CTX_ERROR] = "ERROR",
};

static const char *const drop_names[LCX_CTX_DROP_MAX] = {
#define _(sym, str) [LCX_CTX_DROP_ ## sym] = str,
	foreach_lcx_ctx_drop(_)
#undef _
};

#define T(s) (1u << LCX_CTX_ ## s)
static const uint32_t legal[LCX_CTX_STATE_MAX] = {
	[LCX_CTX_READY] = T(RUNNING) | T(COMPLETED) | T(ERROR),
	[LCX_CTX_RUNNING] = T(BLOCKED) | T(COMPLETED) | T(ERROR),
	[LCX_CTX_BLOCKED] = T(RUNNING) | T(COMPLETED) | T(ERROR),
	[LCX_CTX_COMPLETED] = T(READY),
	[LCX_CTX_ERROR] = T(COMPLETED),
};
#undef T

void
lcx_ctx_conf_init(struct lcx_ctx_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->lcore = LCORE_ID_ANY;
	conf->socket = SOCKET_ID_ANY;
	conf->limits.max_rxq = 8;
	conf->limits.pool_size = 8191;
	conf->limits.runq_depth = 1024;
	conf->limits.tasks_per_iter = 32;
	conf->idle = LCX_IDLE_ADAPTIVE;
	conf->park_after = 1024;
	conf->sleep_us = 100;
	conf->sleep_max_us = 1000;
	conf->starve_limit = 8;
	conf->max_timers = 64;
}

const char *
lcx_ctx_state_name(enum lcx_ctx_state s)
{
	return (unsigned int)s < LCX_CTX_STATE_MAX ? state_names[s] : "?";
}

/* Indexed by enum lcx_idle_mode; NULL ends the list. */
static const char *const idle_names[] = {
	[LCX_IDLE_BUSY] = "busy",
	[LCX_IDLE_PAUSE] = "pause",
	[LCX_IDLE_ADAPTIVE] = "adaptive",
	NULL,
};

const char *
lcx_idle_mode_name(enum lcx_idle_mode m)
{
	return (unsigned int)m < RTE_DIM(idle_names) ? idle_names[m] : NULL;
}

int
lcx_idle_mode_from_name(const char *name)
{
	unsigned int m;

	if (name == NULL)
		return -EINVAL;
	for (m = 0; idle_names[m] != NULL; m++)
		if (strcmp(idle_names[m], name) == 0)
			return (int)m;
	return -ENOENT;
}

const char *
lcx_ctx_drop_name(enum lcx_ctx_drop d)
{
	return (unsigned int)d < LCX_CTX_DROP_MAX ? drop_names[d] : "?";
}

int
lcx_ctx_state_legal(enum lcx_ctx_state from, enum lcx_ctx_state to)
{
	if ((unsigned int)from >= LCX_CTX_STATE_MAX ||
			(unsigned int)to >= LCX_CTX_STATE_MAX)
		return 0;
	return (legal[from] >> to) & 1;
}

int
lcx_ctx_state_set(struct lcx_ctx *ctx, enum lcx_ctx_state to)
{
	uint32_t cur;

	if (ctx == NULL || (unsigned int)to >= LCX_CTX_STATE_MAX)
		return -EINVAL;
	cur = __atomic_load_n(&ctx->state, __ATOMIC_ACQUIRE);
	do {
		if (!lcx_ctx_state_legal(cur, to)) {
			__atomic_fetch_add(&ctx->refused_trans, 1, __ATOMIC_RELAXED);
			return -EPERM;
		}
	} while (!__atomic_compare_exchange_n(&ctx->state, &cur, to, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	__atomic_fetch_add(&ctx->trans[cur][to], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&ctx->state_tsc[to], rte_rdtsc(), __ATOMIC_RELAXED);
	return 0;
}

int
lcx_ctx_state_move(struct lcx_ctx *ctx, enum lcx_ctx_state from,
		enum lcx_ctx_state to)
{
	uint32_t cur = from;

	if (ctx == NULL || (unsigned int)to >= LCX_CTX_STATE_MAX)
		return -EINVAL;
	if (!lcx_ctx_state_legal(from, to)) {
		__atomic_fetch_add(&ctx->refused_trans, 1, __ATOMIC_RELAXED);
		return -EPERM;
	}
	if (!__atomic_compare_exchange_n(&ctx->state, &cur, to, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	__atomic_fetch_add(&ctx->trans[from][to], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&ctx->state_tsc[to], rte_rdtsc(), __ATOMIC_RELAXED);
	return 0;
}

int
lcx_ctx_call(struct lcx_ctx *to, struct lcx_call *call)
{
	struct lcx_ctx *self = lcx_ctx_self();

	if (self == NULL || to == NULL || call == NULL)
		return -EINVAL;
	call->reply_to = self->runq;
	return lcx_runq_call(to->runq, call);
}

int
lcx_ctx_call_wait(struct lcx_ctx *to, lcx_call_fn fn, void *arg,
		uint64_t timeout_us, int *result)
{
	if (to == NULL)
		return -EINVAL;
	return lcx_runq_call_wait(to->runq, fn, arg, timeout_us, result);
}

void
lcx_ctx_stats_get(const struct lcx_ctx *ctx, struct lcx_ctx_stats *st)
{
	const volatile uint64_t *src = (const volatile uint64_t *)&ctx->stats;
	uint64_t *dst = (uint64_t *)st;
	size_t i;

	/* Field by field through volatile: the owner keeps writing. */
	for (i = 0; i < sizeof(*st) / sizeof(uint64_t); i++)
		dst[i] = src[i];
}

uint16_t
__lcx_ctx_tx_admit(struct lcx_ctx *ctx, uint16_t n)
{
	/* Token bucket refilled from the TSC; holds at most one burst of
	 * credit beyond a millisecond so a quiet period does not buy a spike. */
	const uint64_t hz = rte_get_tsc_hz();
	uint64_t now = rte_rdtsc();
	uint64_t cap = ctx->limits.tx_rate_pps / 1000 + LCX_BURST;
	uint64_t add = (now - ctx->tx_last_tsc) * ctx->limits.tx_rate_pps / hz;

	if (add != 0) {
		if (ctx->tx_tokens + add >= cap) {
			ctx->tx_tokens = cap;
			ctx->tx_last_tsc = now;
		} else {
			/* Advance by the time the credit stands for, not to
			 * now: the fraction of a token would be lost at every
			 * refill (a 100 kpps limit, refilled a token or two
			 * at a time, admitted 11 kpps). */
			ctx->tx_tokens += add;
			ctx->tx_last_tsc += add * hz /
				ctx->limits.tx_rate_pps;
		}
	}
	if (ctx->tx_tokens < n)
		n = (uint16_t)ctx->tx_tokens;
	ctx->tx_tokens -= n;
	return n;
}

uint16_t
__lcx_ctx_tx_shared(struct lcx_ctx *ctx, struct lcx_ctx_txq *txq,
		struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t t0;
	uint16_t sent;

	/* Uncontended: one atomic exchange and one store more than the
	 * lock-free path.  The TSC is read only when the lock is taken. */
	if (unlikely(!rte_spinlock_trylock(txq->lock))) {
		t0 = rte_rdtsc();
		rte_spinlock_lock(txq->lock);
		ctx->stats.tx_lock_waits++;
		ctx->stats.tx_lock_cycles += rte_rdtsc() - t0;
	}
	sent = lcx_port_tx_burst(txq->port, txq->queue, pkts, n);
	rte_spinlock_unlock(txq->lock);
	ctx->stats.tx_shared += sent;
	return sent;
}

struct lcx_ctx *
lcx_ctx_create(const struct lcx_ctx_conf *conf)
{
	const struct lcx_limits *lim;
	char pname[RTE_MEMPOOL_NAMESIZE];
	struct lcx_ctx *ctx;
	unsigned int lcore;
	uint32_t id;
	int socket;

	if (conf == NULL) {
		lcx_errno = EINVAL;
		return NULL;
	}
	lim = &conf->limits;
	if (lim->runq_depth == 0 || lim->tasks_per_iter == 0 ||
			lim->max_rxq > LCX_MAX_CTX_RXQ || conf->starve_limit == 0 ||
			conf->max_timers == 0 || conf->idle > LCX_IDLE_ADAPTIVE ||
			(conf->idle == LCX_IDLE_ADAPTIVE && conf->park_after == 0) ||
			(conf->lcore != LCORE_ID_ANY && conf->lcore >= RTE_MAX_LCORE)) {
		lcx_errno = EINVAL;
		return NULL;
	}
	lcore = conf->lcore != LCORE_ID_ANY ? conf->lcore : rte_lcore_id();
	socket = conf->socket;
	if (socket == SOCKET_ID_ANY && lcore < RTE_MAX_LCORE)
		socket = (int)rte_lcore_to_socket_id(lcore);
	ctx = rte_zmalloc_socket("lcx_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE,
			socket);
	if (ctx == NULL) {
		lcx_errno = LCX_EALLOC;
		return NULL;
	}
	id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	ctx->id = id;
	ctx->lcore = lcore;
	ctx->socket = socket;
	ctx->limits = *lim;
	ctx->idle = conf->idle;
	ctx->park_after = conf->park_after;
	ctx->sleep_cycles = (uint64_t)conf->sleep_us * rte_get_tsc_hz() / 1000000;
	ctx->sleep_max_cycles = RTE_MAX(conf->sleep_max_us, conf->sleep_us) *
		rte_get_tsc_hz() / 1000000;
	ctx->tx_last_tsc = rte_rdtsc();
	ctx->state = LCX_CTX_READY;
	ctx->state_tsc[LCX_CTX_READY] = rte_rdtsc();
	if (conf->name[0] != '\0')
		rte_strscpy(ctx->name, conf->name, sizeof(ctx->name));
	else
		snprintf(ctx->name, sizeof(ctx->name), "ctx%u", id);

	/* initialize: what the context itself is made of */
	ctx->runq = lcx_runq_create(lim->runq_depth, lcore, socket,
			conf->starve_limit, conf->runq_flags);
	if (ctx->runq == NULL) {
		LCX_LOG(ERR, "context %s: run queue of %u tasks: %s", ctx->name,
			lim->runq_depth, lcx_strerror(lcx_errno));
		goto free_ctx;
	}
	if (lcx_timers_init(&ctx->timers, conf->max_timers, socket) != 0) {
		LCX_LOG(ERR, "context %s: heap of %u timers: no memory",
			ctx->name, conf->max_timers);
		goto free_runq;
	}
	/* resources: the mbufs it receives into */
	if (lim->pool_size != 0) {
		snprintf(pname, sizeof(pname), "lcx_pool_%u", id);
		ctx->pool = rte_pktmbuf_pool_create(pname, lim->pool_size,
				RTE_MIN(256u, lim->pool_size / 4), 0,
				RTE_MBUF_DEFAULT_BUF_SIZE, socket);
		if (ctx->pool == NULL) {
			LCX_LOG(ERR, "context %s: pool of %u mbufs on socket %d: %s",
				ctx->name, lim->pool_size, socket,
				rte_strerror(rte_errno));
			lcx_timers_fini(&ctx->timers);
			lcx_runq_free(ctx->runq);
			rte_free(ctx);
			lcx_errno = LCX_ERESINIT;
			return NULL;
		}
	}
	return ctx;

free_runq:
	lcx_runq_free(ctx->runq);
free_ctx:
	rte_free(ctx);
	lcx_errno = LCX_EINIT;
	return NULL;
}

unsigned int
lcx_ctx_free(struct lcx_ctx *ctx)
{
	unsigned int left;
	uint16_t p;

	if (ctx == NULL)
		return 0;
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		struct lcx_ctx_txq *txq = &ctx->txq[p];

		if (txq->n != 0)
			lcx_ctx_drop(ctx, LCX_CTX_DROP_FLUSH, txq->buf, txq->n);
		txq->n = 0;
	}
	left = lcx_runq_free(ctx->runq);
	lcx_timers_fini(&ctx->timers);
	rte_mempool_free(ctx->pool);
	rte_free(ctx);
	return left;
}

static int
ctx_runs(const struct lcx_ctx *ctx)
{
	enum lcx_ctx_state s = lcx_ctx_state_get(ctx);

	return s == LCX_CTX_RUNNING || s == LCX_CTX_BLOCKED;
}

int
lcx_ctx_rxq_add(struct lcx_ctx *ctx, struct lcx_port *port, uint16_t queue,
		uint16_t out_port)
{
	uint16_t i;

	/* A port not configured yet (nb_rxq 0) is checked when it is. */
	if (ctx == NULL || port == NULL || out_port >= LCX_MAX_PORTS ||
			(port->nb_rxq != 0 && queue >= port->nb_rxq))
		return -EINVAL;
	if (ctx_runs(ctx))
		return -EBUSY;
	for (i = 0; i < ctx->nb_rxq; i++)
		if (ctx->rxq[i].port == port && ctx->rxq[i].queue == queue)
			return -EEXIST;
	if (ctx->nb_rxq >= RTE_MIN(ctx->limits.max_rxq, LCX_MAX_CTX_RXQ))
		return -ENOSPC;
	ctx->rxq[ctx->nb_rxq] = (struct lcx_ctx_rxq){
		.port = port, .queue = queue, .out_port = out_port,
	};
	ctx->nb_rxq++;
	return 0;
}

int
lcx_ctx_txq_set(struct lcx_ctx *ctx, struct lcx_port *port, uint16_t queue)
{
	if (ctx == NULL || port == NULL || port->id >= LCX_MAX_PORTS ||
			(port->nb_txq != 0 && queue >= port->nb_txq))
		return -EINVAL;
	if (ctx_runs(ctx))
		return -EBUSY;
	ctx->txq[port->id].port = port;
	ctx->txq[port->id].queue = queue;
	ctx->txq[port->id].lock = NULL;
	return 0;
}

int
lcx_ctx_txq_share(struct lcx_ctx *ctx, uint16_t port, rte_spinlock_t *lock)
{
	if (ctx == NULL || port >= LCX_MAX_PORTS || ctx->txq[port].port == NULL)
		return -EINVAL;
	/* The owner switches between its bursts; nobody else while the
	 * loop may be inside one. */
	if (ctx_runs(ctx) && lcx_ctx_self() != ctx)
		return -EBUSY;
	ctx->txq[port].lock = lock;
	return 0;
}
