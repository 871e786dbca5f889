/* SPDX-License-Identifier: BSD-3-Clause */
/* Context: the state machine (every legal transition made, every illegal
 * one refused), counting and time stamps, configuration checks, TX
 * buffering and the TX rate limit, shared TX queues, error strings. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "lcx_ctx.h"
#include "lcx_ctx_worker.h"
#include "lcx_test.h"

static struct rte_mempool *pool;

static int
suite_init(void)
{
	if (lcx_test_eal_init(NULL, NULL) != 0)
		return -1;
	pool = rte_pktmbuf_pool_create("ctx_test", 1023, 32, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return pool == NULL ? -1 : 0;
}

static int
suite_clean(void)
{
	rte_mempool_free(pool);
	return 0;
}

static struct lcx_ctx *
make_ctx(void)
{
	struct lcx_ctx_conf conf;

	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	return lcx_ctx_create(&conf);
}

/* The table from the design, written out independently of ctx.c. */
static const int expect[LCX_CTX_STATE_MAX][LCX_CTX_STATE_MAX] = {
	/*            READY RUN BLK COMP ERR */
	/* READY  */ { 0,   1,  0,  1,   1 },
	/* RUNNING*/ { 0,   0,  1,  1,   1 },
	/* BLOCKED*/ { 0,   1,  0,  1,   1 },
	/* COMPL. */ { 1,   0,  0,  0,   0 },
	/* ERROR  */ { 0,   0,  0,  1,   0 },
};

/* Shortest legal path from READY to s (to set up each "from" state). */
static void
drive_to(struct lcx_ctx *ctx, enum lcx_ctx_state s)
{
	static const enum lcx_ctx_state path[LCX_CTX_STATE_MAX][3] = {
		[LCX_CTX_READY] = { LCX_CTX_STATE_MAX },
		[LCX_CTX_RUNNING] = { LCX_CTX_RUNNING, LCX_CTX_STATE_MAX },
		[LCX_CTX_BLOCKED] = { LCX_CTX_RUNNING, LCX_CTX_BLOCKED, LCX_CTX_STATE_MAX },
		[LCX_CTX_COMPLETED] = { LCX_CTX_COMPLETED, LCX_CTX_STATE_MAX },
		[LCX_CTX_ERROR] = { LCX_CTX_ERROR, LCX_CTX_STATE_MAX },
	};
	int i;

	for (i = 0; path[s][i] != LCX_CTX_STATE_MAX; i++)
		CU_ASSERT_FATAL(lcx_ctx_state_set(ctx, path[s][i]) == 0);
	CU_ASSERT_FATAL(lcx_ctx_state_get(ctx) == s);
}

static void
test_state_table(void)
{
	int from, to, legal = 0, illegal = 0;

	for (from = 0; from < LCX_CTX_STATE_MAX; from++) {
		for (to = 0; to < LCX_CTX_STATE_MAX; to++) {
			struct lcx_ctx *ctx = make_ctx();
			uint64_t before, t0;
			int rc;

			CU_ASSERT_FATAL(ctx != NULL);
			CU_ASSERT(lcx_ctx_state_legal(from, to) == expect[from][to]);
			drive_to(ctx, from);
			before = ctx->refused_trans;
			t0 = rte_rdtsc();
			rc = lcx_ctx_state_set(ctx, to);
			if (expect[from][to]) {
				legal++;
				CU_ASSERT(rc == 0);
				CU_ASSERT((int)lcx_ctx_state_get(ctx) == to);
				CU_ASSERT(ctx->trans[from][to] == 1);
				CU_ASSERT(ctx->state_tsc[to] >= t0);
			} else {
				illegal++;
				CU_ASSERT(rc == -EPERM);
				/* nothing changed, the refusal counted */
				CU_ASSERT((int)lcx_ctx_state_get(ctx) == from);
				CU_ASSERT(ctx->trans[from][to] == 0);
				CU_ASSERT(ctx->refused_trans == before + 1);
			}
			lcx_ctx_free(ctx);
		}
	}
	CU_ASSERT(legal == 11);
	CU_ASSERT(illegal == 14);
}

static void
test_state_move(void)
{
	struct lcx_ctx *ctx = make_ctx();

	CU_ASSERT_FATAL(ctx != NULL);
	/* compare-and-swap: only from the named state */
	CU_ASSERT(lcx_ctx_state_move(ctx, LCX_CTX_RUNNING, LCX_CTX_BLOCKED) == -EAGAIN);
	CU_ASSERT(lcx_ctx_state_get(ctx) == LCX_CTX_READY);
	CU_ASSERT(lcx_ctx_state_move(ctx, LCX_CTX_READY, LCX_CTX_RUNNING) == 0);
	CU_ASSERT(lcx_ctx_state_move(ctx, LCX_CTX_RUNNING, LCX_CTX_READY) == -EPERM);
	CU_ASSERT(lcx_ctx_state_set(ctx, (enum lcx_ctx_state)9) == -EINVAL);
	CU_ASSERT(lcx_ctx_state_set(NULL, LCX_CTX_READY) == -EINVAL);
	CU_ASSERT(strcmp(lcx_ctx_state_name(LCX_CTX_BLOCKED), "BLOCKED") == 0);
	CU_ASSERT(strcmp(lcx_ctx_state_name((enum lcx_ctx_state)9), "?") == 0);
	lcx_ctx_free(ctx);
}

static void
test_conf_checks(void)
{
	char name[32];
	struct lcx_ctx_conf conf;
	struct lcx_ctx *ctx;

	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.limits.runq_depth = 0;
	CU_ASSERT(lcx_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	lcx_ctx_conf_init(&conf);
	conf.limits.max_rxq = LCX_MAX_CTX_RXQ + 1;
	CU_ASSERT(lcx_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	lcx_ctx_conf_init(&conf);
	conf.park_after = 0;
	CU_ASSERT(lcx_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	/* a pool that cannot exist is a resource initialization failure */
	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 1u << 30;
	CU_ASSERT(lcx_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == LCX_ERESINIT);
	/* its own parts failing is an initialization failure: a run queue
	 * deeper than a ring can be, then a timer heap beyond memory */
	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.limits.runq_depth = 1u << 31;
	CU_ASSERT(lcx_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == LCX_EINIT);
	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.max_timers = 1u << 30;
	CU_ASSERT(lcx_ctx_create(&conf) == NULL);
	CU_ASSERT(lcx_errno == LCX_EINIT);
	CU_ASSERT(lcx_ctx_create(NULL) == NULL);
	CU_ASSERT(lcx_errno == EINVAL);
	/* a real pool of the asked size, on the context */
	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 511;
	ctx = lcx_ctx_create(&conf);
	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT(ctx->pool != NULL && ctx->pool->size == 511);
	CU_ASSERT(ctx->lcore == rte_lcore_id());
	snprintf(name, sizeof(name), "ctx%u", ctx->id);
	CU_ASSERT(strcmp(ctx->name, name) == 0);
	lcx_ctx_free(ctx);
}

static void
test_strerror(void)
{
	/* The five failures of the execution model, each naming what failed. */
	CU_ASSERT(strncmp(lcx_strerror(-LCX_EALLOC), "allocation failed: no "
		"free lcore", 30) == 0);
	CU_ASSERT(strstr(lcx_strerror(LCX_EINIT), "run queue or timer") != NULL);
	CU_ASSERT(strstr(lcx_strerror(-LCX_ERESINIT), "mbuf pool, port queue")
		!= NULL);
	CU_ASSERT(strstr(lcx_strerror(-LCX_EENV), "manager not started")
		!= NULL);
	CU_ASSERT(strcmp(lcx_strerror(-LCX_ENOCTX), "context not found") == 0);
	CU_ASSERT(strcmp(lcx_strerror(-EINVAL), strerror(EINVAL)) == 0);
}

/* A port that takes at most `room` packets per burst and keeps them. */
static struct rte_mbuf *sunk[1024];
static unsigned int nb_sunk;
static uint16_t room = UINT16_MAX;

static uint16_t
sink_tx(struct lcx_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	(void)p;
	(void)q;
	n = RTE_MIN(n, room);
	memcpy(&sunk[nb_sunk], pkts, n * sizeof(pkts[0]));
	nb_sunk += n;
	return n;
}

static void
free_sunk(void)
{
	rte_pktmbuf_free_bulk(sunk, nb_sunk);
	nb_sunk = 0;
}

static void
test_tx_buffering(void)
{
	struct lcx_port sink = {
		.tx_burst = sink_tx, .eth_id = LCX_PORT_NO_ETHDEV, .id = 3,
	};
	struct rte_mbuf *m[100];
	struct lcx_ctx *ctx = make_ctx();

	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(pool, m, 100) == 0);
	/* no TX queue on port 2: dropped and counted */
	lcx_ctx_tx_burst(ctx, 2, m, 5);
	CU_ASSERT(ctx->stats.drop[LCX_CTX_DROP_NO_TXQ] == 5);
	CU_ASSERT(ctx->stats.dropped == 5);

	ctx->txq[3].port = &sink;
	/* small bursts wait in the buffer until a flush */
	lcx_ctx_tx_burst(ctx, 3, &m[5], 10);
	CU_ASSERT(nb_sunk == 0 && ctx->txq[3].n == 10);
	CU_ASSERT(ctx->tx_dirty == 1u << 3);
	lcx_ctx_tx_flush_all(ctx);
	CU_ASSERT(nb_sunk == 10 && ctx->tx_dirty == 0);
	CU_ASSERT(ctx->stats.tx_packets == 10);
	/* a full burst on an empty buffer goes out at once, in order */
	lcx_ctx_tx_burst(ctx, 3, &m[15], 32);
	CU_ASSERT(nb_sunk == 42 && sunk[10] == m[15] && sunk[41] == m[46]);
	/* the device takes 20 of 40: 20 dropped as tx-full */
	room = 20;
	lcx_ctx_tx_burst(ctx, 3, &m[47], 40);
	CU_ASSERT(ctx->stats.drop[LCX_CTX_DROP_TX_FULL] == 20);
	room = UINT16_MAX;
	/* buffer overflow sends the full buffer, keeps the rest */
	lcx_ctx_tx_burst(ctx, 3, &m[87], 13);
	CU_ASSERT(ctx->txq[3].n == 13);
	/* teardown frees what is still buffered, counted as flush */
	lcx_ctx_free(ctx);
	CU_ASSERT(nb_sunk == 62);
	free_sunk();
	LCX_TEST_POOL_FULL(pool);
}

static void
test_tx_rate(void)
{
	struct lcx_port sink = {
		.tx_burst = sink_tx, .eth_id = LCX_PORT_NO_ETHDEV, .id = 0,
	};
	struct rte_mbuf *m[64];
	struct lcx_ctx *ctx = make_ctx();
	uint64_t t0;

	CU_ASSERT_FATAL(ctx != NULL);
	ctx->txq[0].port = &sink;
	/* 1000 pps: the bucket holds 1 + one burst; a tight loop of sends
	 * must be cut to about that much */
	ctx->limits.tx_rate_pps = 1000;
	ctx->tx_tokens = 0;
	ctx->tx_last_tsc = rte_rdtsc();
	t0 = rte_rdtsc();
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(pool, m, 64) == 0);
	lcx_ctx_tx_burst(ctx, 0, m, 64);
	/* within a few microseconds at most a handful of tokens accrue */
	if (rte_rdtsc() - t0 < rte_get_tsc_hz() / 1000) {
		CU_ASSERT(nb_sunk <= 2);
		CU_ASSERT(ctx->stats.drop[LCX_CTX_DROP_TX_RATE] >= 62);
	}
	CU_ASSERT(nb_sunk + ctx->stats.drop[LCX_CTX_DROP_TX_RATE] == 64);
	/* after 20 ms, about 20 more are allowed (bucket cap 33) */
	rte_delay_ms(20);
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(pool, m, 64) == 0);
	/* what the first round let through goes home (on a loaded machine
	 * the first burst may come late enough to pass a few) */
	free_sunk();
	lcx_ctx_tx_burst(ctx, 0, m, 64);
	CU_ASSERT(nb_sunk >= 15 && nb_sunk <= 33);
	free_sunk();
	lcx_ctx_free(ctx);
	LCX_TEST_POOL_FULL(pool);
}

/* Queues given by hand to a context that does not run. */
static void
test_queues_by_hand(void)
{
	struct lcx_port p0 = { .id = 0, .nb_rxq = 2, .nb_txq = 1 };
	struct lcx_port p1 = { .id = 1, .nb_rxq = 1, .nb_txq = 1 };
	struct lcx_ctx_conf conf;
	struct lcx_ctx *ctx;
	unsigned int q;

	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	conf.limits.max_rxq = 3;
	ctx = lcx_ctx_create(&conf);
	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p0, 0, 1) == 0);
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p0, 0, 1) == -EEXIST);
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p0, 2, 1) == -EINVAL);
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p0, 1, LCX_MAX_PORTS) == -EINVAL);
	CU_ASSERT(lcx_ctx_rxq_add(NULL, &p0, 1, 1) == -EINVAL);
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p0, 1, 1) == 0);
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p1, 0, 0) == 0);
	/* limits.max_rxq is 3 */
	p1.nb_rxq = 2;
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p1, 1, 0) == -ENOSPC);
	CU_ASSERT(ctx->nb_rxq == 3);
	for (q = 0; q < 2; q++)
		CU_ASSERT(ctx->rxq[q].port == &p0 && ctx->rxq[q].queue == q &&
			ctx->rxq[q].out_port == 1);
	CU_ASSERT(lcx_ctx_txq_set(ctx, &p1, 1) == -EINVAL);
	CU_ASSERT(lcx_ctx_txq_set(ctx, &p1, 0) == 0);
	CU_ASSERT(ctx->txq[1].port == &p1 && ctx->txq[1].queue == 0);
	CU_ASSERT(ctx->txq[0].port == NULL);
	/* a running context owns its queues: no change from outside */
	CU_ASSERT(lcx_ctx_state_set(ctx, LCX_CTX_RUNNING) == 0);
	CU_ASSERT(lcx_ctx_txq_set(ctx, &p0, 0) == -EBUSY);
	CU_ASSERT(lcx_ctx_rxq_add(ctx, &p1, 0, 0) == -EBUSY);
	CU_ASSERT(lcx_ctx_state_set(ctx, LCX_CTX_COMPLETED) == 0);
	CU_ASSERT(lcx_ctx_free(ctx) == 0);
}

/* Shared TX queue: the sink sees the lock held during each burst. */
static rte_spinlock_t txq_lock = RTE_SPINLOCK_INITIALIZER;
static unsigned int bursts_locked, bursts_unlocked;

static uint16_t
locked_sink_tx(struct lcx_port *p, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	if (rte_spinlock_is_locked(&txq_lock))
		bursts_locked++;
	else
		bursts_unlocked++;
	return sink_tx(p, q, pkts, n);
}

/* Another thread is the context here, sending while the test holds the
 * lock. */
static volatile int sender_started, sender_done;

static void *
send_shared(void *arg)
{
	struct rte_mbuf **m = arg;
	struct lcx_ctx *ctx = (struct lcx_ctx *)m[0];

	sender_started = 1;
	lcx_ctx_tx_burst(ctx, 1, &m[1], 22);
	lcx_ctx_tx_flush(ctx, 1);
	sender_done = 1;
	return NULL;
}

static void
test_tx_shared(void)
{
	struct lcx_port sink = {
		.tx_burst = locked_sink_tx, .eth_id = LCX_PORT_NO_ETHDEV,
		.id = 1, .nb_txq = 1,
	};
	struct rte_mbuf *m[64];
	struct rte_mbuf *arg[23];
	struct lcx_ctx *ctx = make_ctx();
	pthread_t th;

	CU_ASSERT_FATAL(ctx != NULL);
	/* no TX queue there: nothing to share */
	CU_ASSERT_EQUAL(lcx_ctx_txq_share(ctx, 1, &txq_lock), -EINVAL);
	CU_ASSERT_EQUAL(lcx_ctx_txq_share(NULL, 1, &txq_lock), -EINVAL);
	CU_ASSERT_EQUAL(lcx_ctx_txq_share(ctx, LCX_MAX_PORTS, &txq_lock),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_ctx_txq_set(ctx, &sink, 0), 0);
	CU_ASSERT_PTR_NULL(ctx->txq[1].lock);
	/* own queue: no lock around the burst, nothing counted shared */
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(pool, m, 64) == 0);
	lcx_ctx_tx_burst(ctx, 1, m, 32);
	CU_ASSERT(bursts_unlocked == 1 && bursts_locked == 0);
	CU_ASSERT(ctx->stats.tx_shared == 0);
	/* shared: under the lock, counted, the lock free again after */
	CU_ASSERT_EQUAL(lcx_ctx_txq_share(ctx, 1, &txq_lock), 0);
	lcx_ctx_tx_burst(ctx, 1, &m[32], 10);
	lcx_ctx_tx_flush(ctx, 1);
	CU_ASSERT(bursts_locked == 1);
	CU_ASSERT(ctx->stats.tx_shared == 10);
	CU_ASSERT(ctx->stats.tx_lock_waits == 0);
	CU_ASSERT(!rte_spinlock_is_locked(&txq_lock));
	/* the lock is taken: the burst waits for it, and says so */
	rte_spinlock_lock(&txq_lock);
	arg[0] = (struct rte_mbuf *)ctx;
	memcpy(&arg[1], &m[42], 22 * sizeof(m[0]));
	CU_ASSERT_FATAL(pthread_create(&th, NULL, send_shared, arg) == 0);
	while (!sender_started)
		rte_pause();
	rte_delay_ms(20);
	CU_ASSERT(sender_done == 0 && nb_sunk == 42);
	rte_spinlock_unlock(&txq_lock);
	pthread_join(th, NULL);
	CU_ASSERT(sender_done == 1);
	CU_ASSERT(bursts_locked == 2);
	CU_ASSERT(ctx->stats.tx_shared == 32);
	CU_ASSERT(ctx->stats.tx_lock_waits == 1);
	CU_ASSERT(ctx->stats.tx_lock_cycles > 0);
	CU_ASSERT(ctx->stats.tx_packets == 64 && nb_sunk == 64);
	/* lcx_ctx_txq_set() makes it the context's own again */
	CU_ASSERT_EQUAL(lcx_ctx_txq_set(ctx, &sink, 0), 0);
	CU_ASSERT_PTR_NULL(ctx->txq[1].lock);
	free_sunk();
	lcx_ctx_free(ctx);
	LCX_TEST_POOL_FULL(pool);
}

static CU_TestInfo tests[] = {
	{ "state table: 11 legal made, 14 illegal refused", test_state_table },
	{ "compare-and-swap transition", test_state_move },
	{ "configuration and resource errors", test_conf_checks },
	{ "error strings", test_strerror },
	{ "TX buffering and drop accounting", test_tx_buffering },
	{ "TX rate limit", test_tx_rate },
	{ "RX and TX queues given by hand", test_queues_by_hand },
	{ "shared TX queue: lock, counters, contention", test_tx_shared },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctx", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
