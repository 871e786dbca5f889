/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placement, in the style of Open vSwitch's tests/pmd.at: for fake
 * topologies (ports x queues x contexts on one and two sockets) the exact
 * expected table of each policy is written out below and compared line by
 * line -- cross-socket fallback, more contexts than queues, more queues
 * than contexts, explicit maps and their errors.  Then the manager on real
 * ports: the placement it applies (RX and TX queues, pairing, pools), and
 * bad input, each failure leaving nothing half-opened behind.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "lcx_mgr.h"
#include "lcx_place.h"
#include "lcx_test.h"

/* ---- Golden tables -------------------------------------------------- */

static char table[4096];

/* One line a row: "p<port> q<queue> -> lcore <l> (socket <s>)[ cross]". */
static const char *
placed(const struct lcx_place_topo *t, enum lcx_place_policy policy,
		const char *map_text)
{
	struct lcx_place_map map[64] = { { 0, 0, 0 } };
	struct lcx_place_row rows[256];
	char err[160];
	size_t off = 0;
	int n, i, nb_map = 0;

	if (map_text != NULL) {
		nb_map = lcx_place_map_parse(map_text, map, RTE_DIM(map));
		if (nb_map < 0)
			return "map parse error";
	}
	n = lcx_place_compute(t, policy, map, nb_map, rows, RTE_DIM(rows),
		err, sizeof(err));
	if (n < 0) {
		snprintf(table, sizeof(table), "error %d: %s", n, err);
		return table;
	}
	table[0] = '\0';
	for (i = 0; i < n; i++)
		off += snprintf(table + off, sizeof(table) - off,
			"p%u q%u -> lcore %u (socket %d)%s\n", rows[i].port,
			rows[i].queue, t->ctx_lcore[rows[i].ctx],
			t->ctx_socket[rows[i].ctx],
			rows[i].cross_socket ? " cross" : "");
	return table;
}

#define CHECK_TABLE(got, want) do {                                     \
	const char *g_ = (got);                                         \
	if (strcmp(g_, want) != 0)                                      \
		printf("\n--- want\n%s--- got\n%s---\n", want, g_);    \
	CU_ASSERT_STRING_EQUAL(g_, want);                               \
} while (0)

/* ports: {nb_rxq, socket}...; contexts: {lcore, socket}... */
static void
topo_make(struct lcx_place_topo *t, unsigned int nb_ports,
		const int (*ports)[2], unsigned int nb_ctx, const int (*ctxs)[2])
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->nb_ports = nb_ports;
	for (i = 0; i < nb_ports; i++) {
		t->port_nb_rxq[i] = ports[i][0];
		t->port_socket[i] = ports[i][1];
	}
	t->nb_ctx = nb_ctx;
	for (i = 0; i < nb_ctx; i++) {
		t->ctx_lcore[i] = ctxs[i][0];
		t->ctx_socket[i] = ctxs[i][1];
	}
}

/* 1 socket, 2 ports x 2 queues, 3 contexts. */
static void
test_one_socket(void)
{
	static const int ports[][2] = { { 2, 0 }, { 2, 0 } };
	static const int ctxs[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
	struct lcx_place_topo t;

	topo_make(&t, 2, ports, 3, ctxs);
	CHECK_TABLE(placed(&t, LCX_PLACE_RR, NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 0)\n"
		"p1 q0 -> lcore 3 (socket 0)\n"
		"p1 q1 -> lcore 1 (socket 0)\n");
	/* one socket: NUMA is round-robin too */
	CHECK_TABLE(placed(&t, LCX_PLACE_NUMA, NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 0)\n"
		"p1 q0 -> lcore 3 (socket 0)\n"
		"p1 q1 -> lcore 1 (socket 0)\n");
}

/* 2 sockets: port 0 (3 queues) on socket 0, port 1 (2 queues) on
 * socket 1, contexts alternating. */
static void
test_two_sockets(void)
{
	static const int ports[][2] = { { 3, 0 }, { 2, 1 } };
	static const int ctxs[][2] = { { 1, 0 }, { 2, 1 }, { 3, 0 }, { 4, 1 } };
	struct lcx_place_topo t;

	topo_make(&t, 2, ports, 4, ctxs);
	CHECK_TABLE(placed(&t, LCX_PLACE_RR, NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 1) cross\n"
		"p0 q2 -> lcore 3 (socket 0)\n"
		"p1 q0 -> lcore 4 (socket 1)\n"
		"p1 q1 -> lcore 1 (socket 0) cross\n");
	CHECK_TABLE(placed(&t, LCX_PLACE_NUMA, NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 3 (socket 0)\n"
		"p0 q2 -> lcore 1 (socket 0)\n"
		"p1 q0 -> lcore 2 (socket 1)\n"
		"p1 q1 -> lcore 4 (socket 1)\n");
	CHECK_TABLE(placed(&t, LCX_PLACE_MAP,
			"(0,0,4),(0,1,4),(0,2,1),(1,0,3),(1,1,2)"),
		"p0 q0 -> lcore 4 (socket 1) cross\n"
		"p0 q1 -> lcore 4 (socket 1) cross\n"
		"p0 q2 -> lcore 1 (socket 0)\n"
		"p1 q0 -> lcore 3 (socket 0) cross\n"
		"p1 q1 -> lcore 2 (socket 1)\n");
}

/* Port 1 is on socket 1 where no context is: NUMA falls back to any
 * context (with a warning) and marks the rows. */
static void
test_cross_socket_fallback(void)
{
	static const int ports[][2] = { { 2, 0 }, { 3, 1 } };
	static const int ctxs[][2] = { { 1, 0 }, { 2, 0 } };
	struct lcx_place_topo t;

	topo_make(&t, 2, ports, 2, ctxs);
	CHECK_TABLE(placed(&t, LCX_PLACE_NUMA, NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 0)\n"
		"p1 q0 -> lcore 1 (socket 0) cross\n"
		"p1 q1 -> lcore 2 (socket 0) cross\n"
		"p1 q2 -> lcore 1 (socket 0) cross\n");
	/* a port whose socket is unknown is never "cross" */
	t.port_socket[1] = SOCKET_ID_ANY;
	CHECK_TABLE(placed(&t, LCX_PLACE_NUMA, NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 0)\n"
		"p1 q0 -> lcore 1 (socket 0)\n"
		"p1 q1 -> lcore 2 (socket 0)\n"
		"p1 q2 -> lcore 1 (socket 0)\n");
}

/* 4 contexts, 1 port of 2 queues on socket 1: two contexts get none. */
static void
test_more_contexts_than_queues(void)
{
	static const int ports[][2] = { { 2, 1 } };
	static const int ctxs[][2] = { { 1, 0 }, { 2, 1 }, { 3, 0 }, { 4, 1 } };
	struct lcx_place_topo t;

	topo_make(&t, 1, ports, 4, ctxs);
	CHECK_TABLE(placed(&t, LCX_PLACE_RR, NULL),
		"p0 q0 -> lcore 1 (socket 0) cross\n"
		"p0 q1 -> lcore 2 (socket 1)\n");
	CHECK_TABLE(placed(&t, LCX_PLACE_NUMA, NULL),
		"p0 q0 -> lcore 2 (socket 1)\n"
		"p0 q1 -> lcore 4 (socket 1)\n");
}

/* 2 contexts, 5 queues: they wrap. */
static void
test_more_queues_than_contexts(void)
{
	static const int ports[][2] = { { 5, 0 } };
	static const int ctxs[][2] = { { 2, 0 }, { 7, 0 } };
	struct lcx_place_topo t;

	topo_make(&t, 1, ports, 2, ctxs);
	CHECK_TABLE(placed(&t, LCX_PLACE_RR, NULL),
		"p0 q0 -> lcore 2 (socket 0)\n"
		"p0 q1 -> lcore 7 (socket 0)\n"
		"p0 q2 -> lcore 2 (socket 0)\n"
		"p0 q3 -> lcore 7 (socket 0)\n"
		"p0 q4 -> lcore 2 (socket 0)\n");
	/* NUMA keeps one counter per socket across ports */
	CHECK_TABLE(placed(&t, LCX_PLACE_NUMA, NULL),
		"p0 q0 -> lcore 2 (socket 0)\n"
		"p0 q1 -> lcore 7 (socket 0)\n"
		"p0 q2 -> lcore 2 (socket 0)\n"
		"p0 q3 -> lcore 7 (socket 0)\n"
		"p0 q4 -> lcore 2 (socket 0)\n");
}

/* Map errors name the culprit. */
static void
test_map_errors(void)
{
	static const int ports[][2] = { { 1, 0 }, { 2, 0 } };
	static const int ctxs[][2] = { { 1, 0 }, { 2, 0 } };
	struct lcx_place_topo t;
	struct lcx_place_row rows[2];

	topo_make(&t, 2, ports, 2, ctxs);
	CHECK_TABLE(placed(&t, LCX_PLACE_MAP, "(0,0,1),(1,0,2),(1,1,1)"),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p1 q0 -> lcore 2 (socket 0)\n"
		"p1 q1 -> lcore 1 (socket 0)\n");
	CHECK_TABLE(placed(&t, LCX_PLACE_MAP, "(0,0,1),(1,0,9),(1,1,1)"),
		"error -22: map (1,0,9): unknown lcore 9 (no context on it)");
	CHECK_TABLE(placed(&t, LCX_PLACE_MAP, "(0,0,1),(1,0,2),(5,0,1)"),
		"error -22: map (5,0,1): unknown port 5");
	CHECK_TABLE(placed(&t, LCX_PLACE_MAP, "(0,0,1),(1,2,2),(1,1,1)"),
		"error -22: map (1,2,2): unknown queue 2 (port 1 has 2)");
	CHECK_TABLE(placed(&t, LCX_PLACE_MAP,
			"(0,0,1),(1,0,2),(1,1,1),(1,0,1)"),
		"error -22: map (1,0,1): duplicate: queue 0 of port 1 is mapped twice");
	CHECK_TABLE(placed(&t, LCX_PLACE_MAP, "(0,0,1),(1,0,2)"),
		"error -22: map: missing queue 1 of port 1");
	t.nb_ctx = 0;
	CHECK_TABLE(placed(&t, LCX_PLACE_RR, NULL),
		"error -22: no context to place queues on");
	t.nb_ctx = 2;
	CU_ASSERT_EQUAL(lcx_place_compute(&t, LCX_PLACE_RR, NULL, 0, rows, 2,
		NULL, 0), -ENOSPC);
}

static void
test_map_parse(void)
{
	struct lcx_place_map m[4];

	CU_ASSERT_EQUAL(lcx_place_map_parse("(0,0,1),(0,1,2)", m, 4), 2);
	CU_ASSERT(m[0].port == 0 && m[0].queue == 0 && m[0].lcore == 1);
	CU_ASSERT(m[1].port == 0 && m[1].queue == 1 && m[1].lcore == 2);
	CU_ASSERT_EQUAL(lcx_place_map_parse(" ( 3 , 12 ,7 ) ,(1,0,0) ", m, 4), 2);
	CU_ASSERT(m[0].port == 3 && m[0].queue == 12 && m[0].lcore == 7);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(1,0,0)(1,1,0)", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(0,0)", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(0,0,1", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(0,x,1)", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(0,-1,1)", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(70000,0,1)", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(0,0,1),,", m, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_map_parse("(0,0,1),(0,1,1),(0,2,1)", m, 2),
		-ENOSPC);
}

/* ---- The manager on real ports -------------------------------------- */

#define NB_CTX 3

static struct lcx_ctx *ctx[NB_CTX];

static int
mgr_suite_init(void)
{
	struct lcx_mgr_conf mc;

	if (lcx_test_eal_init("0@0,1@1,2@0,3@1", NULL) != 0)
		return -1;
	lcx_mgr_conf_init(&mc);
	mc.watch_interval_ms = 0;
	return lcx_mgr_init(&mc) == 0 ? 0 : -1;
}

static int
mgr_suite_clean(void)
{
	return lcx_mgr_fini() == 0 ? 0 : -1;
}

static int
ctxs_create(uint32_t pool_size)
{
	struct lcx_ctx_conf conf;
	unsigned int i;

	for (i = 0; i < NB_CTX; i++) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = i + 1;
		conf.limits.pool_size = pool_size;
		conf.idle = LCX_IDLE_PAUSE;
		ctx[i] = lcx_mgr_ctx_create(&conf);
		if (ctx[i] == NULL)
			return -1;
	}
	return 0;
}

/* Everything the manager opened goes: contexts, ports, pools. */
static void
mgr_reset(void)
{
	CU_ASSERT_EQUAL(lcx_mgr_fini(), 0);
	CU_ASSERT_EQUAL(lcx_mgr_port_list(NULL, 0), 0);
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
}

static char report[4096];

/* The manager's report as "p<port> q<queue> -> <context> pool <pool>". */
static const char *
report_get(void)
{
	struct lcx_place_report r[64];
	unsigned int n, i;
	size_t off = 0;

	n = lcx_mgr_place_get(r, RTE_DIM(r));
	report[0] = '\0';
	for (i = 0; i < n && i < RTE_DIM(r); i++) {
		struct lcx_ctx *c = lcx_mgr_ctx_lookup(r[i].ctx_id);

		off += snprintf(report + off, sizeof(report) - off,
			"p%u q%u -> %s lcore %u pool %s\n", r[i].port,
			r[i].queue, c != NULL ? c->name : "-", r[i].lcore,
			r[i].pool);
	}
	return report;
}

static void
test_mgr_place_rr(void)
{
	struct lcx_port *p[3], *list[4];
	char want[1024];
	unsigned int i, j;

	CU_ASSERT_FATAL(ctxs_create(1023) == 0);
	p[0] = lcx_mgr_port_add("net_null0", 0);    /* one per context: 3 */
	p[1] = lcx_mgr_port_add("synth:flows=8", 2);
	p[2] = lcx_mgr_port_add("net_ring0", 1);
	CU_ASSERT_FATAL(p[0] != NULL && p[1] != NULL && p[2] != NULL);
	CU_ASSERT_EQUAL(lcx_mgr_port_list(list, 4), 3);
	CU_ASSERT_PTR_EQUAL(list[2], p[2]);
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_RR, NULL, 0), 0);
	lcx_mgr_place_dump(stdout);
	snprintf(want, sizeof(want),
		"p0 q0 -> %s lcore 1 pool %s\n"
		"p0 q1 -> %s lcore 2 pool %s\n"
		"p0 q2 -> %s lcore 3 pool %s\n"
		"p1 q0 -> %s lcore 1 pool %s\n"
		"p1 q1 -> %s lcore 2 pool %s\n"
		"p2 q0 -> %s lcore 3 pool %s\n",
		ctx[0]->name, ctx[0]->pool->name, ctx[1]->name,
		ctx[1]->pool->name, ctx[2]->name, ctx[2]->pool->name,
		ctx[0]->name, ctx[0]->pool->name, ctx[1]->name,
		ctx[1]->pool->name, ctx[2]->name, ctx[2]->pool->name);
	CHECK_TABLE(report_get(), want);

	/* the contexts' own tables: RX with pairing 0<->1, 2 alone */
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq, 2);
	CU_ASSERT_EQUAL(ctx[2]->nb_rxq, 2);
	CU_ASSERT(ctx[0]->rxq[0].port == p[0] && ctx[0]->rxq[0].queue == 0 &&
		ctx[0]->rxq[0].out_port == 1);
	CU_ASSERT(ctx[0]->rxq[1].port == p[1] && ctx[0]->rxq[1].queue == 0 &&
		ctx[0]->rxq[1].out_port == 0);
	CU_ASSERT(ctx[2]->rxq[1].port == p[2] && ctx[2]->rxq[1].out_port == 2);
	/* one TX queue per EAL lcore; each context its own on every port */
	for (j = 0; j < 3; j++) {
		CU_ASSERT(p[j]->started);
		CU_ASSERT_EQUAL(p[j]->nb_txq,
			RTE_MIN(rte_lcore_count(), (unsigned int)p[j]->max_txq));
		for (i = 0; i < NB_CTX; i++) {
			CU_ASSERT_PTR_EQUAL(ctx[i]->txq[j].port, p[j]);
			CU_ASSERT(i == 0 || ctx[i]->txq[j].queue !=
				ctx[i - 1]->txq[j].queue);
		}
	}
	/* placing again (contexts stopped) gives the same table */
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_RR, NULL, 0), 0);
	CHECK_TABLE(report_get(), want);
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq, 2);
	mgr_reset();
}

static void
test_mgr_place_map(void)
{
	struct lcx_place_map map[4];
	char want[512];
	int n;

	CU_ASSERT_FATAL(ctxs_create(1023) == 0);
	CU_ASSERT_PTR_NOT_NULL(lcx_mgr_port_add("synth:flows=4", 2));
	CU_ASSERT_PTR_NOT_NULL(lcx_mgr_port_add("synth:flows=4", 1));
	n = lcx_place_map_parse("(0,0,3),(0,1,3),(1,0,2)", map, 4);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_MAP, map, n), 0);
	snprintf(want, sizeof(want),
		"p0 q0 -> %s lcore 3 pool %s\n"
		"p0 q1 -> %s lcore 3 pool %s\n"
		"p1 q0 -> %s lcore 2 pool %s\n",
		ctx[2]->name, ctx[2]->pool->name, ctx[2]->name,
		ctx[2]->pool->name, ctx[1]->name, ctx[1]->pool->name);
	CHECK_TABLE(report_get(), want);
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq, 0);
	CU_ASSERT_PTR_NOT_NULL(ctx[0]->txq[1].port);	/* TX all the same */
	mgr_reset();
}

static int
ports_started(void)
{
	struct lcx_port *list[LCX_MAX_PORTS];
	unsigned int n, i;
	int started = 0;

	n = lcx_mgr_port_list(list, LCX_MAX_PORTS);
	for (i = 0; i < n; i++)
		started += list[i]->started;
	return started;
}

static unsigned int
rxq_total(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NB_CTX; i++)
		n += ctx[i]->nb_rxq;
	return n;
}

static void
test_bad_input(void)
{
	struct lcx_place_map map[4];
	struct lcx_ctx_conf conf;
	struct lcx_ctx *nopool;
	uint16_t eth_before = rte_eth_dev_count_avail();
	int n;

	/* no manager */
	CU_ASSERT_EQUAL(lcx_mgr_fini(), 0);
	CU_ASSERT_PTR_NULL(lcx_mgr_port_add("synth", 1));
	CU_ASSERT_EQUAL(lcx_errno, LCX_EENV);
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
	/* no context */
	CU_ASSERT_PTR_NOT_NULL_FATAL(lcx_mgr_port_add("synth", 1));
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_RR, NULL, 0), -LCX_ENOCTX);
	CU_ASSERT_EQUAL(ports_started(), 0);
	mgr_reset();

	CU_ASSERT_FATAL(ctxs_create(1023) == 0);
	/* bad devargs: no bus or driver knows the name */
	CU_ASSERT_PTR_NULL(lcx_mgr_port_add("net_nosuchdrv0", 1));
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	/* a device that cannot be probed */
	CU_ASSERT_PTR_NULL(lcx_mgr_port_add("net_null0,badkey=1", 1));
	CU_ASSERT_EQUAL(lcx_errno, ENODEV);
	/* more queues than the device offers (net_ring: 16) */
	CU_ASSERT_PTR_NULL(lcx_mgr_port_add("net_ring0", 17));
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	CU_ASSERT_PTR_NULL(lcx_mgr_port_add("synth", LCX_PLACE_MAX_RXQ + 1));
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	/* nothing left: no port, no ethdev */
	CU_ASSERT_EQUAL(lcx_mgr_port_list(NULL, 0), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_count_avail(), eth_before);

	/* the same names open now */
	CU_ASSERT_PTR_NOT_NULL_FATAL(lcx_mgr_port_add("net_null0", 2));
	CU_ASSERT_PTR_NOT_NULL_FATAL(lcx_mgr_port_add("net_ring0", 2));
	/* a map naming an unknown lcore, then an unknown queue */
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,1,9)", map, 4);
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_MAP, map, n), -EINVAL);
	CU_ASSERT_EQUAL(ports_started(), 0);
	CU_ASSERT_EQUAL(rxq_total(), 0);
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,2,1)", map, 4);
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_MAP, map, n), -EINVAL);
	CU_ASSERT_EQUAL(ports_started(), 0);
	CU_ASSERT_EQUAL(rxq_total(), 0);
	/* a context without a pool cannot feed an RX queue */
	lcx_ctx_conf_init(&conf);
	conf.lcore = 0;
	conf.limits.pool_size = 0;
	nopool = lcx_mgr_ctx_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(nopool);
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,1,0)", map, 4);
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_MAP, map, n), -EINVAL);
	CU_ASSERT_EQUAL(ports_started(), 0);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(nopool->id), 0);

	/* and now correctly */
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,1,1)", map, 4);
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_MAP, map, n), 0);
	CU_ASSERT_EQUAL(ports_started(), 2);
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq, 2);
	CU_ASSERT_EQUAL(ctx[1]->nb_rxq, 1);
	CU_ASSERT_EQUAL(ctx[2]->nb_rxq, 1);
	/* not while a context runs */
	CU_ASSERT_EQUAL(lcx_mgr_ctx_start(ctx[1]->id), 0);
	CU_ASSERT_EQUAL(lcx_mgr_place(LCX_PLACE_RR, NULL, 0), -EBUSY);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_stop(ctx[1]->id), 0);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_wait(ctx[1]->id), 0);
	mgr_reset();
	CU_ASSERT_EQUAL(rte_eth_dev_count_avail(), eth_before);
}

static CU_TestInfo golden_tests[] = {
	{ "1 socket: RR, NUMA", test_one_socket },
	{ "2 sockets: RR, NUMA, MAP", test_two_sockets },
	{ "cross-socket fallback", test_cross_socket_fallback },
	{ "more contexts than queues", test_more_contexts_than_queues },
	{ "more queues than contexts", test_more_queues_than_contexts },
	{ "map errors name the culprit", test_map_errors },
	{ "map parser", test_map_parse },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo mgr_tests[] = {
	{ "RR on 3 ports: RX, TX, pairing, pools", test_mgr_place_rr },
	{ "explicit map", test_mgr_place_map },
	{ "bad input leaves nothing behind", test_bad_input },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "placement policies (golden)", NULL, NULL, NULL, NULL, golden_tests },
	{ "manager ports", mgr_suite_init, mgr_suite_clean, NULL, NULL,
		mgr_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
