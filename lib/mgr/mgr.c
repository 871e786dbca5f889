/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>

#include <numa.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "lcx_loop.h"
#include "lcx_pipeline.h"
#include "mgr_private.h"

struct mgr lcx_mgr = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

void
lcx_mgr_conf_init(struct lcx_mgr_conf *conf)
{
	conf->watch_interval_ms = 10;
	conf->hb_timeout_ms = 1000;
	conf->failover = 1;
}

static int
first_cpu(unsigned int lcore)
{
	rte_cpuset_t set = rte_lcore_cpuset(lcore);
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -1;
}

/* Whether two EAL lcores may run on one CPU (--lcores '0@0,1@0', or
 * overlapping sets): then a run-queue producer can be preempted by another
 * lcore mid-post, and run queues need RTS rings (LCX_RUNQ_F_RTS). */
static int
cpus_shared(void)
{
	rte_cpuset_t seen, set, both;
	unsigned int lcore;

	CPU_ZERO(&seen);
	RTE_LCORE_FOREACH(lcore) {
		set = rte_lcore_cpuset(lcore);
		CPU_AND(&both, &seen, &set);
		if (CPU_COUNT(&both) != 0)
			return 1;
		CPU_OR(&seen, &seen, &set);
	}
	return 0;
}

static void
topo_read(struct mgr *m)
{
	int have_numa = numa_available() >= 0;
	unsigned int lcore;

	m->cpus_shared = cpus_shared();
	m->nb_lcores = 0;
	RTE_LCORE_FOREACH(lcore) {
		struct lcx_topo_lcore *t = &m->topo[m->nb_lcores++];

		t->lcore = lcore;
		t->cpu = first_cpu(lcore);
		t->is_main = lcore == rte_get_main_lcore();
		/* EAL's socket first; libnuma when EAL could not tell; node 0
		 * on a machine without NUMA rather than a failure. */
		t->socket = (int)rte_lcore_to_socket_id(lcore);
		if (t->socket < 0 || t->socket == SOCKET_ID_ANY)
			t->socket = have_numa && t->cpu >= 0 ?
				numa_node_of_cpu(t->cpu) : 0;
		if (t->socket < 0)
			t->socket = 0;
	}
}

int
lcx_mgr_init(const struct lcx_mgr_conf *conf)
{
	struct mgr *m = &lcx_mgr;
	int rc;

	if (rte_get_tsc_hz() == 0 || rte_lcore_count() == 0) {
		LCX_LOG(ERR, "manager: EAL is not initialised");
		return -LCX_EENV;
	}
	pthread_mutex_lock(&m->lock);
	if (m->started) {
		pthread_mutex_unlock(&m->lock);
		return -EALREADY;
	}
	if (conf != NULL)
		m->conf = *conf;
	else
		lcx_mgr_conf_init(&m->conf);
	memset(m->lcore_used, 0, sizeof(m->lcore_used));
	memset(m->slot, 0, sizeof(m->slot));
	m->nb_ctx = 0;
	topo_read(m);
	m->started = 1;
	pthread_mutex_unlock(&m->lock);

	rc = mgr_watchdog_start();
	if (rc != 0) {
		m->started = 0;
		return -LCX_EENV;
	}
	return 0;
}

int
lcx_mgr_fini(void)
{
	struct mgr *m = &lcx_mgr;
	unsigned int i;

	if (!m->started)
		return -LCX_EENV;
	/* failover: no rebalancing decision while contexts go away */
	lcx_mgr_rebalance_stop();
	lcx_mgr_stop_all();
	for (i = 0; i < LCX_MAX_CONTEXTS; i++) {
		struct lcx_ctx *ctx = m->slot[i].ctx;

		if (ctx != NULL)
			lcx_mgr_ctx_destroy(ctx->id);
	}
	mgr_port_fini();
	mgr_watchdog_stop();
	m->started = 0;
	return 0;
}

unsigned int
lcx_mgr_topo_get(struct lcx_topo_lcore *out, unsigned int max)
{
	struct mgr *m = &lcx_mgr;
	unsigned int i;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nb_lcores && i < max; i++) {
		out[i] = m->topo[i];
		out[i].used = m->lcore_used[m->topo[i].lcore];
	}
	i = m->nb_lcores;
	pthread_mutex_unlock(&m->lock);
	return i;
}

void
lcx_mgr_topo_dump(FILE *f)
{
	struct lcx_topo_lcore t[RTE_MAX_LCORE];
	unsigned int i, n;

	n = lcx_mgr_topo_get(t, RTE_MAX_LCORE);
	fprintf(f, "%-6s %-6s %-4s %-5s %s\n", "lcore", "socket", "cpu",
		"role", "context");
	for (i = 0; i < n; i++)
		fprintf(f, "%-6u %-6d %-4d %-5s %s\n", t[i].lcore, t[i].socket,
			t[i].cpu, t[i].is_main ? "main" : "worker",
			t[i].used ? "yes" : "-");
}

static struct lcx_topo_lcore *
topo_find(struct mgr *m, unsigned int lcore)
{
	unsigned int i;

	for (i = 0; i < m->nb_lcores; i++)
		if (m->topo[i].lcore == lcore)
			return &m->topo[i];
	return NULL;
}

/* Lowest free worker on the socket (any socket for SOCKET_ID_ANY), then
 * the main lcore: workers first so the main thread stays free when it can. */
static struct lcx_topo_lcore *
lcore_pick(struct mgr *m, int socket)
{
	struct lcx_topo_lcore *main_lc = NULL;
	unsigned int i;

	for (i = 0; i < m->nb_lcores; i++) {
		struct lcx_topo_lcore *t = &m->topo[i];

		if (m->lcore_used[t->lcore] ||
				(socket != SOCKET_ID_ANY && t->socket != socket))
			continue;
		if (t->is_main) {
			main_lc = t;
			continue;
		}
		return t;
	}
	return main_lc;
}

static int
slot_of(struct mgr *m, uint32_t id)
{
	int i;

	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		if (m->slot[i].ctx != NULL && m->slot[i].ctx->id == id)
			return i;
	return -1;
}

static int
name_taken(struct mgr *m, const char *name)
{
	int i;

	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		if (m->slot[i].ctx != NULL &&
				strcmp(m->slot[i].ctx->name, name) == 0)
			return 1;
	return 0;
}

struct lcx_ctx *
lcx_mgr_ctx_create(const struct lcx_ctx_conf *conf)
{
	struct mgr *m = &lcx_mgr;
	struct lcx_ctx_conf local;
	struct lcx_topo_lcore *lc;
	struct lcx_ctx *ctx;
	int i, err;

	if (conf == NULL)
		lcx_ctx_conf_init(&local);
	else
		local = *conf;
	if (m->cpus_shared)
		local.runq_flags |= LCX_RUNQ_F_RTS;
	conf = &local;
	pthread_mutex_lock(&m->lock);
	if (!m->started) {
		err = LCX_EENV;
		goto unlock;
	}
	/* allocate: a table row, then an lcore */
	for (i = 0; i < LCX_MAX_CONTEXTS && m->slot[i].ctx != NULL; i++)
		;
	if (i == LCX_MAX_CONTEXTS) {
		LCX_LOG(ERR, "create: %d contexts exist already", LCX_MAX_CONTEXTS);
		err = LCX_EALLOC;
		goto unlock;
	}
	if (conf->name[0] != '\0' && name_taken(m, conf->name)) {
		LCX_LOG(ERR, "create: a context named %s exists", conf->name);
		err = EINVAL;
		goto unlock;
	}
	if (conf->socket != SOCKET_ID_ANY &&
			(conf->socket < 0 || conf->socket >= RTE_MAX_NUMA_NODES)) {
		err = EINVAL;
		goto unlock;
	}
	if (conf->lcore != LCORE_ID_ANY) {
		lc = conf->lcore < RTE_MAX_LCORE ? topo_find(m, conf->lcore) : NULL;
		if (lc == NULL) {
			LCX_LOG(ERR, "create: lcore %u is not an EAL lcore", conf->lcore);
			err = EINVAL;
			goto unlock;
		}
		if (m->lcore_used[lc->lcore] ||
				(conf->socket != SOCKET_ID_ANY && lc->socket != conf->socket)) {
			LCX_LOG(ERR, "create: lcore %u is %s", lc->lcore,
				m->lcore_used[lc->lcore] ? "taken" : "on another socket");
			err = LCX_EALLOC;
			goto unlock;
		}
	} else {
		lc = lcore_pick(m, conf->socket);
		if (lc == NULL) {
			LCX_LOG(ERR, "create: no free lcore%s", conf->socket ==
				SOCKET_ID_ANY ? "" : " on the asked socket");
			err = LCX_EALLOC;
			goto unlock;
		}
	}
	/* initialize */
	local.lcore = lc->lcore;
	local.socket = lc->socket;
	ctx = lcx_ctx_create(conf);
	if (ctx == NULL) {
		err = lcx_errno;
		goto unlock;
	}
	/* register, then monitor */
	m->lcore_used[lc->lcore] = 1;
	m->slot[i].launched = 0;
	m->slot[i].last_hb = 0;
	m->slot[i].last_change = rte_rdtsc();
	__atomic_store_n(&m->slot[i].ctx, ctx, __ATOMIC_RELEASE);
	m->nb_ctx++;
	m->slot[i].monitored = 1;
	pthread_mutex_unlock(&m->lock);
	err = mgr_port_ctx_join(ctx);
	if (err != 0) {
		lcx_mgr_ctx_destroy(ctx->id);
		lcx_errno = -err;
		return NULL;
	}
	return ctx;

unlock:
	pthread_mutex_unlock(&m->lock);
	lcx_errno = err;
	return NULL;
}

/* Wait for a launched loop; the mutex is not held (the loop may be running
 * a task that calls into the manager). */
static int
join(struct mgr_slot *s, unsigned int lcore)
{
	int rc;

	if (!s->launched)
		return 0;
	rc = rte_eal_wait_lcore(lcore);
	s->launched = 0;
	return rc;
}

int
lcx_mgr_ctx_destroy(uint32_t id)
{
	struct mgr *m = &lcx_mgr;
	struct lcx_ctx *ctx;
	int i, launched;

	pthread_mutex_lock(&m->lock);
	i = slot_of(m, id);
	if (i < 0) {
		pthread_mutex_unlock(&m->lock);
		return -LCX_ENOCTX;
	}
	ctx = m->slot[i].ctx;
	if (rte_lcore_id() == ctx->lcore && lcx_ctx_self() == ctx) {
		pthread_mutex_unlock(&m->lock);
		return -EDEADLK;
	}
	pthread_mutex_unlock(&m->lock);
	/* Its RX queues go to the survivors while it still runs (the
	 * migration handshake needs its loop to acknowledge). */
	mgr_port_ctx_leave(ctx);
	pthread_mutex_lock(&m->lock);
	i = slot_of(m, id);
	if (i < 0) {
		pthread_mutex_unlock(&m->lock);
		return -LCX_ENOCTX;
	}
	/* stop monitoring, remove; the lcore stays taken until recycled */
	m->slot[i].monitored = 0;
	launched = m->slot[i].launched;
	m->slot[i].launched = 0;
	__atomic_store_n(&m->slot[i].ctx, NULL, __ATOMIC_RELEASE);
	m->nb_ctx--;
	pthread_mutex_unlock(&m->lock);

	/* clean up: the loop flushes and drains its run queue as it leaves */
	lcx_ctx_stop_request(ctx);
	if (launched)
		rte_eal_wait_lcore(ctx->lcore);
	/* No loop runs it now: the control thread is its only user, so it
	 * may run what is still queued and flush what that transmits. */
	ctx->stats.tasks_run += lcx_runq_drain(ctx->runq);
	lcx_ctx_tx_flush_all(ctx);
	if (lcx_ctx_state_get(ctx) != LCX_CTX_COMPLETED)
		lcx_ctx_state_set(ctx, LCX_CTX_COMPLETED);

	/* recycle */
	pthread_mutex_lock(&m->lock);
	m->lcore_used[ctx->lcore] = 0;
	pthread_mutex_unlock(&m->lock);
	mgr_port_ctx_gone(ctx);
	/* the pipeline was the application's to attach, but the context
	 * is ours to free: without this its stages leaked */
	lcx_pipeline_detach(ctx);
	lcx_ctx_free(ctx);
	return 0;
}

struct lcx_ctx *
lcx_mgr_ctx_lookup(uint32_t id)
{
	struct mgr *m = &lcx_mgr;
	struct lcx_ctx *ctx = NULL;
	int i;

	pthread_mutex_lock(&m->lock);
	i = slot_of(m, id);
	if (i >= 0)
		ctx = m->slot[i].ctx;
	pthread_mutex_unlock(&m->lock);
	if (ctx == NULL)
		lcx_errno = LCX_ENOCTX;
	return ctx;
}

struct lcx_ctx *
lcx_mgr_ctx_lookup_by_name(const char *name)
{
	struct mgr *m = &lcx_mgr;
	struct lcx_ctx *ctx = NULL;
	int i;

	if (name == NULL) {
		lcx_errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		if (m->slot[i].ctx != NULL &&
				strcmp(m->slot[i].ctx->name, name) == 0) {
			ctx = m->slot[i].ctx;
			break;
		}
	pthread_mutex_unlock(&m->lock);
	if (ctx == NULL)
		lcx_errno = LCX_ENOCTX;
	return ctx;
}

unsigned int
lcx_mgr_ctx_list(struct lcx_ctx **out, unsigned int max)
{
	struct mgr *m = &lcx_mgr;
	struct lcx_ctx *tmp[LCX_MAX_CONTEXTS];
	unsigned int n = 0, i, j, k;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		if (m->slot[i].ctx != NULL)
			tmp[n++] = m->slot[i].ctx;
	pthread_mutex_unlock(&m->lock);
	/* creation order = id order; n is small */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && tmp[j - 1]->id > tmp[j]->id; j--) {
			struct lcx_ctx *t = tmp[j];

			tmp[j] = tmp[j - 1];
			tmp[j - 1] = t;
		}
	for (k = 0; k < n && k < max; k++)
		out[k] = tmp[k];
	return n;
}

int
lcx_mgr_ctx_start(uint32_t id)
{
	struct mgr *m = &lcx_mgr;
	struct lcx_ctx *ctx;
	int i, rc;

	pthread_mutex_lock(&m->lock);
	i = slot_of(m, id);
	if (i < 0) {
		rc = -LCX_ENOCTX;
		goto unlock;
	}
	ctx = m->slot[i].ctx;
	if (ctx->lcore == rte_get_main_lcore() || m->slot[i].launched) {
		rc = -EBUSY;
		goto unlock;
	}
	if (lcx_ctx_state_get(ctx) == LCX_CTX_ERROR) {
		rc = -EPERM;
		goto unlock;
	}
	if (lcx_ctx_state_get(ctx) == LCX_CTX_COMPLETED)
		lcx_ctx_state_set(ctx, LCX_CTX_READY);
	__atomic_store_n(&ctx->stop_req, 0, __ATOMIC_RELEASE);
	m->slot[i].last_change = rte_rdtsc();
	rc = rte_eal_remote_launch(lcx_loop_run, ctx, ctx->lcore);
	if (rc == 0)
		m->slot[i].launched = 1;
unlock:
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int
lcx_mgr_ctx_stop(uint32_t id)
{
	struct lcx_ctx *ctx = lcx_mgr_ctx_lookup(id);

	if (ctx == NULL)
		return -LCX_ENOCTX;
	lcx_ctx_stop_request(ctx);
	return 0;
}

int
lcx_mgr_ctx_wait(uint32_t id)
{
	struct mgr *m = &lcx_mgr;
	int i;

	pthread_mutex_lock(&m->lock);
	i = slot_of(m, id);
	pthread_mutex_unlock(&m->lock);
	if (i < 0)
		return -LCX_ENOCTX;
	return join(&m->slot[i], m->slot[i].ctx->lcore);
}

int
lcx_mgr_start_all(void)
{
	struct lcx_ctx *list[LCX_MAX_CONTEXTS];
	unsigned int n, i;
	int rc, started = 0;

	n = lcx_mgr_ctx_list(list, LCX_MAX_CONTEXTS);
	for (i = 0; i < n; i++) {
		enum lcx_ctx_state s = lcx_ctx_state_get(list[i]);

		if (list[i]->lcore == rte_get_main_lcore() ||
				(s != LCX_CTX_READY && s != LCX_CTX_COMPLETED))
			continue;
		rc = lcx_mgr_ctx_start(list[i]->id);
		if (rc != 0)
			return rc;
		started++;
	}
	return started;
}

int
lcx_mgr_run_main(void)
{
	struct mgr *m = &lcx_mgr;
	struct lcx_ctx *ctx = NULL;
	int i;

	if (rte_lcore_id() != rte_get_main_lcore())
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		if (m->slot[i].ctx != NULL &&
				m->slot[i].ctx->lcore == rte_get_main_lcore())
			ctx = m->slot[i].ctx;
	if (ctx != NULL) {
		if (lcx_ctx_state_get(ctx) == LCX_CTX_COMPLETED)
			lcx_ctx_state_set(ctx, LCX_CTX_READY);
		__atomic_store_n(&ctx->stop_req, 0, __ATOMIC_RELEASE);
		m->slot[slot_of(m, ctx->id)].last_change = rte_rdtsc();
	}
	pthread_mutex_unlock(&m->lock);
	if (ctx == NULL)
		return -LCX_ENOCTX;
	return lcx_loop_run(ctx);
}

void
lcx_mgr_stop_all(void)
{
	struct mgr *m = &lcx_mgr;
	int i;

	for (i = 0; i < LCX_MAX_CONTEXTS; i++) {
		struct lcx_ctx *ctx = __atomic_load_n(&m->slot[i].ctx,
				__ATOMIC_ACQUIRE);

		if (ctx != NULL)
			lcx_ctx_stop_request(ctx);
	}
}

int
lcx_mgr_wait_all(void)
{
	struct mgr *m = &lcx_mgr;
	int i, rc = 0;

	for (i = 0; i < LCX_MAX_CONTEXTS; i++)
		if (m->slot[i].ctx != NULL && m->slot[i].launched &&
				join(&m->slot[i], m->slot[i].ctx->lcore) != 0)
			rc = -EFAULT;
	return rc;
}

uint64_t
lcx_mgr_watchdog_errors(void)
{
	return __atomic_load_n(&lcx_mgr.watchdog_errors, __ATOMIC_RELAXED);
}
