/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placement, in the style of Open vSwitch's tests/pmd.at: for fake
 * topologies (ports x queues x contexts on one and two sockets) the exact
 * expected table of each policy is written out below and compared line by
 * line -- cross-socket fallback, more contexts than queues, more queues
 * than contexts, explicit maps and their errors.  Then the registry: a
 * policy defined and registered in this file alone, name lookup, unknown
 * and duplicate names.  Then the manager on real ports: the placement it
 * applies (RX and TX queues, pairing, pools), the per-port report of
 * contexts that poll nothing there, and bad input, each failure leaving
 * nothing half-opened behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "lcx_mgr.h"
#include "lcx_place.h"
#include "lcx_test.h"

/* ---- A policy of this file only -------------------------------------- */

/* "reverse": (port, queue) in order, each to the previous context, from
 * the last one down.  Registered here and nowhere else: it shows that a
 * new policy needs no edit in the library or in an app. */
static int
reverse_compute(const struct lcx_place_topo *t,
		const struct lcx_place_map *map __rte_unused,
		unsigned int nb_map __rte_unused, struct lcx_place_row *rows,
		unsigned int nb_rows, char *err __rte_unused,
		size_t err_len __rte_unused)
{
	unsigned int r;

	for (r = 0; r < nb_rows; r++)
		rows[r].ctx = (uint16_t)(t->nb_ctx - 1 - r % t->nb_ctx);
	return 0;
}

static const struct lcx_place_policy reverse_policy = {
	.name = "reverse",
	.help = "each queue to the previous context, from the last",
	.compute = reverse_compute,
};
LCX_PLACE_POLICY_REGISTER(reverse_policy);

/* "broken": refuses odd numbers of contexts with its own message, and
 * otherwise forgets the last queue -- which lcx_place_compute() catches. */
static int
broken_compute(const struct lcx_place_topo *t,
		const struct lcx_place_map *map __rte_unused,
		unsigned int nb_map __rte_unused, struct lcx_place_row *rows,
		unsigned int nb_rows, char *err, size_t err_len)
{
	unsigned int r;

	if (t->nb_ctx % 2 != 0) {
		snprintf(err, err_len, "broken: %u contexts, want an even number",
			t->nb_ctx);
		return -EDOM;
	}
	for (r = 0; r + 1 < nb_rows; r++)
		rows[r].ctx = 0;
	return 0;
}

static const struct lcx_place_policy broken_policy = {
	.name = "broken",
	.compute = broken_compute,
};
LCX_PLACE_POLICY_REGISTER(broken_policy);

/* ---- Golden tables -------------------------------------------------- */

static char table[4096];

/* One line a row: "p<port> q<queue> -> lcore <l> (socket <s>)[ cross]". */
static const char *
placed(const struct lcx_place_topo *t, const char *policy,
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
	CHECK_TABLE(placed(&t, "rr", NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 0)\n"
		"p1 q0 -> lcore 3 (socket 0)\n"
		"p1 q1 -> lcore 1 (socket 0)\n");
	/* one socket: NUMA is round-robin too */
	CHECK_TABLE(placed(&t, "numa", NULL),
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
	CHECK_TABLE(placed(&t, "rr", NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 1) cross\n"
		"p0 q2 -> lcore 3 (socket 0)\n"
		"p1 q0 -> lcore 4 (socket 1)\n"
		"p1 q1 -> lcore 1 (socket 0) cross\n");
	CHECK_TABLE(placed(&t, "numa", NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 3 (socket 0)\n"
		"p0 q2 -> lcore 1 (socket 0)\n"
		"p1 q0 -> lcore 2 (socket 1)\n"
		"p1 q1 -> lcore 4 (socket 1)\n");
	CHECK_TABLE(placed(&t, "map",
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
	CHECK_TABLE(placed(&t, "numa", NULL),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p0 q1 -> lcore 2 (socket 0)\n"
		"p1 q0 -> lcore 1 (socket 0) cross\n"
		"p1 q1 -> lcore 2 (socket 0) cross\n"
		"p1 q2 -> lcore 1 (socket 0) cross\n");
	/* a port whose socket is unknown is never "cross" */
	t.port_socket[1] = SOCKET_ID_ANY;
	CHECK_TABLE(placed(&t, "numa", NULL),
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
	CHECK_TABLE(placed(&t, "rr", NULL),
		"p0 q0 -> lcore 1 (socket 0) cross\n"
		"p0 q1 -> lcore 2 (socket 1)\n");
	CHECK_TABLE(placed(&t, "numa", NULL),
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
	CHECK_TABLE(placed(&t, "rr", NULL),
		"p0 q0 -> lcore 2 (socket 0)\n"
		"p0 q1 -> lcore 7 (socket 0)\n"
		"p0 q2 -> lcore 2 (socket 0)\n"
		"p0 q3 -> lcore 7 (socket 0)\n"
		"p0 q4 -> lcore 2 (socket 0)\n");
	/* NUMA keeps one counter per socket across ports */
	CHECK_TABLE(placed(&t, "numa", NULL),
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
	CHECK_TABLE(placed(&t, "map", "(0,0,1),(1,0,2),(1,1,1)"),
		"p0 q0 -> lcore 1 (socket 0)\n"
		"p1 q0 -> lcore 2 (socket 0)\n"
		"p1 q1 -> lcore 1 (socket 0)\n");
	CHECK_TABLE(placed(&t, "map", "(0,0,1),(1,0,9),(1,1,1)"),
		"error -22: map (1,0,9): unknown lcore 9 (no context on it)");
	CHECK_TABLE(placed(&t, "map", "(0,0,1),(1,0,2),(5,0,1)"),
		"error -22: map (5,0,1): unknown port 5");
	CHECK_TABLE(placed(&t, "map", "(0,0,1),(1,2,2),(1,1,1)"),
		"error -22: map (1,2,2): unknown queue 2 (port 1 has 2)");
	CHECK_TABLE(placed(&t, "map",
			"(0,0,1),(1,0,2),(1,1,1),(1,0,1)"),
		"error -22: map (1,0,1): duplicate: queue 0 of port 1 is mapped twice");
	CHECK_TABLE(placed(&t, "map", "(0,0,1),(1,0,2)"),
		"error -22: map: missing queue 1 of port 1");
	t.nb_ctx = 0;
	CHECK_TABLE(placed(&t, "rr", NULL),
		"error -22: no context to place queues on");
	t.nb_ctx = 2;
	CU_ASSERT_EQUAL(lcx_place_compute(&t, "rr", NULL, 0, rows, 2,
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

/* ---- The registry -------------------------------------------------- */

/* The same topology as test_two_sockets(): a policy from this file. */
static void
test_policy_from_test_file(void)
{
	static const int ports[][2] = { { 3, 0 }, { 2, 1 } };
	static const int ctxs[][2] = { { 1, 0 }, { 2, 1 }, { 3, 0 }, { 4, 1 } };
	struct lcx_place_topo t;

	topo_make(&t, 2, ports, 4, ctxs);
	CHECK_TABLE(placed(&t, "reverse", NULL),
		"p0 q0 -> lcore 4 (socket 1) cross\n"
		"p0 q1 -> lcore 3 (socket 0)\n"
		"p0 q2 -> lcore 2 (socket 1) cross\n"
		"p1 q0 -> lcore 1 (socket 0) cross\n"
		"p1 q1 -> lcore 4 (socket 1)\n");
	/* a policy's own error comes back with its message */
	t.nb_ctx = 3;
	CHECK_TABLE(placed(&t, "broken", NULL),
		"error -33: broken: 3 contexts, want an even number");
	/* rows a policy leaves on no context are refused, not trusted */
	t.nb_ctx = 4;
	CHECK_TABLE(placed(&t, "broken", NULL),
		"error -22: policy broken left queue 1 of port 1 on no context");
}

static void
test_policy_lookup(void)
{
	static const char *const builtin[] = { "rr", "numa", "map" };
	const struct lcx_place_policy *p;
	char names[256] = "";
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(builtin); i++) {
		p = lcx_place_policy_find(builtin[i], NULL, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_STRING_EQUAL(p->name, builtin[i]);
		CU_ASSERT_PTR_NOT_NULL(p->compute);
		CU_ASSERT_PTR_NOT_NULL(p->help);
		/* only "map" takes the explicit map */
		CU_ASSERT_EQUAL(!!(p->flags & LCX_PLACE_F_MAP),
			strcmp(builtin[i], "map") == 0);
	}
	CU_ASSERT_PTR_EQUAL(lcx_place_policy_find("reverse", NULL, 0),
		&reverse_policy);
	/* listed by name, whatever order the constructors ran in */
	for (i = 0; (p = lcx_place_policy_get(i)) != NULL; i++)
		off += snprintf(names + off, sizeof(names) - off, "%s ",
			p->name);
	CU_ASSERT_STRING_EQUAL(names, "broken map numa reverse rr ");
}

static void
test_policy_unknown(void)
{
	static const int ports[][2] = { { 1, 0 } };
	static const int ctxs[][2] = { { 1, 0 } };
	struct lcx_place_topo t;
	struct lcx_place_row rows[4];
	char err[160];

	lcx_errno = 0;
	CU_ASSERT_PTR_NULL(lcx_place_policy_find("best", err, sizeof(err)));
	CU_ASSERT_EQUAL(lcx_errno, ENOENT);
	CU_ASSERT_STRING_EQUAL(err,
		"unknown placement 'best'; known: broken, map, numa, reverse, rr");
	/* names are exact: no prefix, no case folding */
	CU_ASSERT_PTR_NULL(lcx_place_policy_find("RR", NULL, 0));
	CU_ASSERT_PTR_NULL(lcx_place_policy_find("r", NULL, 0));
	CU_ASSERT_PTR_NULL(lcx_place_policy_find("", NULL, 0));
	CU_ASSERT_EQUAL(lcx_errno, ENOENT);
	CU_ASSERT_PTR_NULL(lcx_place_policy_find(NULL, err, sizeof(err)));
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	/* a short buffer is cut, not overrun */
	CU_ASSERT_PTR_NULL(lcx_place_policy_find("best", err, 12));
	CU_ASSERT_STRING_EQUAL(err, "unknown pla");
	/* compute refuses it the same way */
	topo_make(&t, 1, ports, 1, ctxs);
	CU_ASSERT_EQUAL(lcx_place_compute(&t, "best", NULL, 0, rows,
		RTE_DIM(rows), err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err,
		"unknown placement 'best'; known: broken, map, numa, reverse, rr");
	CU_ASSERT_EQUAL(lcx_place_compute(&t, NULL, NULL, 0, rows,
		RTE_DIM(rows), NULL, 0), -EINVAL);
}

static int
dummy_compute(const struct lcx_place_topo *t __rte_unused,
		const struct lcx_place_map *map __rte_unused,
		unsigned int nb_map __rte_unused,
		struct lcx_place_row *rows __rte_unused,
		unsigned int nb_rows __rte_unused, char *err __rte_unused,
		size_t err_len __rte_unused)
{
	return -ENOTSUP;
}

/* Last of the suite: it fills the table. */
static void
test_policy_register_refused(void)
{
	static const struct lcx_place_policy dup_rr = {
		.name = "rr", .compute = dummy_compute,
	};
	static const struct lcx_place_policy bad[] = {
		{ .name = "", .compute = dummy_compute },
		{ .name = NULL, .compute = dummy_compute },
		{ .name = "Upper", .compute = dummy_compute },
		{ .name = "with space", .compute = dummy_compute },
		{ .name = "a-name-of-exactly-thirty-two-ch", .compute = NULL },
		{ .name = "a-name-of-exactly-thirty-two-chr",
			.compute = dummy_compute },
	};
	static struct lcx_place_policy fill[LCX_PLACE_MAX_POLICIES];
	static char fill_name[LCX_PLACE_MAX_POLICIES][16];
	unsigned int i, before, added = 0;
	int rc = 0;

	/* a duplicate: refused, the first one stays */
	CU_ASSERT_EQUAL(lcx_place_policy_register(&dup_rr), -EEXIST);
	CU_ASSERT_EQUAL(lcx_place_policy_register(&reverse_policy), -EEXIST);
	CU_ASSERT_PTR_NOT_EQUAL(lcx_place_policy_find("rr", NULL, 0),
		&dup_rr);
	CU_ASSERT_NOT_EQUAL(lcx_place_policy_find("rr", NULL, 0)->compute,
		dummy_compute);
	CU_ASSERT_EQUAL(lcx_place_policy_register(NULL), -EINVAL);
	for (i = 0; i < RTE_DIM(bad); i++)
		CU_ASSERT_EQUAL(lcx_place_policy_register(&bad[i]), -EINVAL);
	for (before = 0; lcx_place_policy_get(before) != NULL; before++)
		;
	CU_ASSERT_EQUAL(before, 5);
	/* a full table */
	for (i = 0; i < LCX_PLACE_MAX_POLICIES; i++) {
		snprintf(fill_name[i], sizeof(fill_name[i]), "fill%02u", i);
		fill[i].name = fill_name[i];
		fill[i].compute = dummy_compute;
		rc = lcx_place_policy_register(&fill[i]);
		if (rc != 0)
			break;
		added++;
	}
	CU_ASSERT_EQUAL(rc, -ENOSPC);
	CU_ASSERT_EQUAL(added, LCX_PLACE_MAX_POLICIES - before);
	CU_ASSERT_PTR_NULL(lcx_place_policy_get(LCX_PLACE_MAX_POLICIES));
	CU_ASSERT_PTR_EQUAL(lcx_place_policy_find("fill00", NULL, 0), &fill[0]);
}

/* The other user-chosen policy: the idle strategy's names. */
static void
test_idle_mode_names(void)
{
	static const struct {
		const char *name;
		enum lcx_idle_mode mode;
	} want[] = {
		{ "busy", LCX_IDLE_BUSY },
		{ "pause", LCX_IDLE_PAUSE },
		{ "adaptive", LCX_IDLE_ADAPTIVE },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(want); i++) {
		CU_ASSERT_EQUAL(lcx_idle_mode_from_name(want[i].name),
			(int)want[i].mode);
		CU_ASSERT_STRING_EQUAL(lcx_idle_mode_name(want[i].mode),
			want[i].name);
	}
	/* the list ends right after the last one */
	CU_ASSERT_PTR_NULL(lcx_idle_mode_name(
		(enum lcx_idle_mode)RTE_DIM(want)));
	CU_ASSERT_PTR_NULL(lcx_idle_mode_name((enum lcx_idle_mode)-1));
	CU_ASSERT_EQUAL(lcx_idle_mode_from_name("spin"), -ENOENT);
	CU_ASSERT_EQUAL(lcx_idle_mode_from_name("Busy"), -ENOENT);
	CU_ASSERT_EQUAL(lcx_idle_mode_from_name(""), -ENOENT);
	CU_ASSERT_EQUAL(lcx_idle_mode_from_name(NULL), -EINVAL);
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
	CU_ASSERT_EQUAL(lcx_place_port_list(NULL, 0), 0);
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

	n = lcx_place_report_get(r, RTE_DIM(r));
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
	p[0] = lcx_place_port_add("net_null0", 0);    /* one per context: 3 */
	p[1] = lcx_place_port_add("synth:flows=8", 2);
	p[2] = lcx_place_port_add("net_ring0", 1);
	CU_ASSERT_FATAL(p[0] != NULL && p[1] != NULL && p[2] != NULL);
	CU_ASSERT_EQUAL(lcx_place_port_list(list, 4), 3);
	CU_ASSERT_PTR_EQUAL(list[2], p[2]);
	CU_ASSERT_EQUAL(lcx_place_apply("rr", NULL, 0), 0);
	lcx_place_report_dump(stdout);
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
	CU_ASSERT_EQUAL(lcx_place_apply("rr", NULL, 0), 0);
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
	CU_ASSERT_PTR_NOT_NULL(lcx_place_port_add("synth:flows=4", 2));
	CU_ASSERT_PTR_NOT_NULL(lcx_place_port_add("synth:flows=4", 1));
	n = lcx_place_map_parse("(0,0,3),(0,1,3),(1,0,2)", map, 4);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(lcx_place_apply("map", map, n), 0);
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

/* A policy of this file, applied by the manager: nothing else to do. */
static void
test_mgr_place_own_policy(void)
{
	char want[512];

	CU_ASSERT_FATAL(ctxs_create(1023) == 0);
	CU_ASSERT_PTR_NOT_NULL(lcx_place_port_add("synth:flows=4", 2));
	CU_ASSERT_PTR_NOT_NULL(lcx_place_port_add("net_null0", 2));
	CU_ASSERT_EQUAL(lcx_place_apply("reverse", NULL, 0), 0);
	snprintf(want, sizeof(want),
		"p0 q0 -> %s lcore 3 pool %s\n"
		"p0 q1 -> %s lcore 2 pool %s\n"
		"p1 q0 -> %s lcore 1 pool %s\n"
		"p1 q1 -> %s lcore 3 pool %s\n",
		ctx[2]->name, ctx[2]->pool->name, ctx[1]->name,
		ctx[1]->pool->name, ctx[0]->name, ctx[0]->pool->name,
		ctx[2]->name, ctx[2]->pool->name);
	CHECK_TABLE(report_get(), want);
	/* an unknown name changes nothing */
	CU_ASSERT_EQUAL(lcx_place_apply("best", NULL, 0), -ENOENT);
	CHECK_TABLE(report_get(), want);
	mgr_reset();
}

static char dump[8192];

/* lcx_place_report_dump() into dump[], without the table: the lines
 * after it, one per port. */
static const char *
dump_ports(void)
{
	char *out = NULL, *line;
	size_t len = 0;
	FILE *f;

	dump[0] = '\0';
	f = open_memstream(&out, &len);
	if (f == NULL)
		return "open_memstream failed";
	lcx_place_report_dump(f);
	fclose(f);
	line = strstr(out, "\nport ");
	snprintf(dump, sizeof(dump), "%s", line != NULL ? line + 1 : "");
	free(out);
	return dump;
}

/* Ports with fewer RX queues than contexts: the report names the
 * contexts that poll none of their queues, and follows moves. */
static void
test_mgr_port_report(void)
{
	struct lcx_place_port_report pr;
	char want[1024];
	unsigned int i;

	CU_ASSERT_FATAL(ctxs_create(1023) == 0);
	CU_ASSERT_PTR_NOT_NULL(lcx_place_port_add("net_null0,size=64", 1));
	CU_ASSERT_PTR_NOT_NULL(lcx_place_port_add("synth:flows=4", 3));
	CU_ASSERT_PTR_NOT_NULL(lcx_place_port_add("net_ring0", 2));
	/* not placed yet */
	CU_ASSERT_EQUAL(lcx_place_port_report_get(0, &pr), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_apply("rr", NULL, 0), 0);

	CU_ASSERT_EQUAL(lcx_place_port_report_get(0, &pr), 0);
	CU_ASSERT_EQUAL(pr.port, 0);
	CU_ASSERT_EQUAL(pr.nb_rxq, 1);
	CU_ASSERT_EQUAL(pr.nb_ctx, NB_CTX);
	CU_ASSERT_EQUAL(pr.nb_idle, 2);
	CU_ASSERT(pr.idle_ctx[0] == ctx[1]->id && pr.idle_ctx[1] == ctx[2]->id);
	CU_ASSERT_EQUAL(lcx_place_port_report_get(1, &pr), 0);
	CU_ASSERT_EQUAL(pr.nb_rxq, 3);
	CU_ASSERT_EQUAL(pr.nb_idle, 0);
	/* rr carries on from port to port: port 2's queues go to ctx1, ctx2 */
	CU_ASSERT_EQUAL(lcx_place_port_report_get(2, &pr), 0);
	CU_ASSERT_EQUAL(pr.nb_idle, 1);
	CU_ASSERT_EQUAL(pr.idle_ctx[0], ctx[0]->id);
	CU_ASSERT_EQUAL(lcx_place_port_report_get(3, &pr), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_port_report_get(LCX_MAX_PORTS, &pr), -EINVAL);
	CU_ASSERT_EQUAL(lcx_place_port_report_get(0, NULL), -EINVAL);
	snprintf(want, sizeof(want),
		"port 0 (net_null0): 1 RX queue for 3 contexts: %s, %s poll nothing here (spread in software with the handoff handler)\n"
		"port 1 (synth:flows=4): 3 RX queues for 3 contexts: each polls one or more\n"
		"port 2 (net_ring0): 2 RX queues for 3 contexts: %s polls nothing here (spread in software with the handoff handler)\n",
		ctx[1]->name, ctx[2]->name, ctx[0]->name);
	CHECK_TABLE(dump_ports(), want);

	/* the queue of port 0 moves: ctx0 polls nothing there now */
	CU_ASSERT_EQUAL(lcx_mgr_rxq_move(0, 0, ctx[2]->id), 0);
	CU_ASSERT_EQUAL(lcx_place_port_report_get(0, &pr), 0);
	CU_ASSERT_EQUAL(pr.nb_idle, 2);
	CU_ASSERT(pr.idle_ctx[0] == ctx[0]->id && pr.idle_ctx[1] == ctx[1]->id);
	snprintf(want, sizeof(want),
		"port 0 (net_null0): 1 RX queue for 3 contexts: %s, %s poll nothing here (spread in software with the handoff handler)\n",
		ctx[0]->name, ctx[1]->name);
	CU_ASSERT_PTR_NOT_NULL(strstr(dump_ports(), want));
	/* nothing ran: every mbuf is still in its pool */
	for (i = 0; i < NB_CTX; i++)
		LCX_TEST_POOL_FULL(ctx[i]->pool);
	mgr_reset();
}

/* A port with one TX queue (net_pcap: one per tx_pcap) under three
 * contexts: two of them cannot send to it, and the report says so. */
static void
test_mgr_port_report_txq(void)
{
	/* a pcap file with its header only: the port receives nothing */
	static const uint8_t pcap_hdr[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 1, 0, 0, 0,
	};
	struct lcx_place_port_report pr;
	char path[] = "/tmp/lcx_test_placement_XXXXXX", spec[128];
	char want[1024];
	struct lcx_port *p;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(fwrite(pcap_hdr, sizeof(pcap_hdr), 1, f) == 1);
	fclose(f);
	snprintf(spec, sizeof(spec), "net_pcap0,rx_pcap=%s,tx_pcap=/dev/null",
		path);

	CU_ASSERT_FATAL(ctxs_create(1023) == 0);
	p = lcx_place_port_add(spec, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->max_txq, 1);
	CU_ASSERT_EQUAL(lcx_place_apply("rr", NULL, 0), 0);
	CU_ASSERT_EQUAL(lcx_place_port_report_get(p->id, &pr), 0);
	CU_ASSERT_EQUAL(pr.nb_rxq, 1);
	CU_ASSERT_EQUAL(pr.nb_txq, 1);
	CU_ASSERT_EQUAL(pr.nb_idle, 2);
	/* one TX queue for three: they all share it, under its lock */
	CU_ASSERT_EQUAL(pr.nb_no_txq, 0);
	CU_ASSERT_PTR_EQUAL(ctx[0]->txq[p->id].port, p);
	CU_ASSERT_PTR_EQUAL(ctx[1]->txq[p->id].port, p);
	CU_ASSERT_PTR_EQUAL(ctx[2]->txq[p->id].port, p);
	CU_ASSERT(ctx[0]->txq[p->id].lock != NULL &&
		ctx[0]->txq[p->id].lock == ctx[1]->txq[p->id].lock &&
		ctx[1]->txq[p->id].lock == ctx[2]->txq[p->id].lock);
	snprintf(want, sizeof(want),
		"port 0 (net_pcap0): 1 RX queue for 3 contexts: %s, %s poll nothing here (spread in software with the handoff handler)\n",
		ctx[1]->name, ctx[2]->name);
	CHECK_TABLE(dump_ports(), want);
	mgr_reset();
	unlink(path);
}

static int
ports_started(void)
{
	struct lcx_port *list[LCX_MAX_PORTS];
	unsigned int n, i;
	int started = 0;

	n = lcx_place_port_list(list, LCX_MAX_PORTS);
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
	CU_ASSERT_PTR_NULL(lcx_place_port_add("synth", 1));
	CU_ASSERT_EQUAL(lcx_errno, LCX_EENV);
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
	/* no context */
	CU_ASSERT_PTR_NOT_NULL_FATAL(lcx_place_port_add("synth", 1));
	CU_ASSERT_EQUAL(lcx_place_apply("rr", NULL, 0), -LCX_ENOCTX);
	CU_ASSERT_EQUAL(ports_started(), 0);
	mgr_reset();

	CU_ASSERT_FATAL(ctxs_create(1023) == 0);
	/* bad devargs: no bus or driver knows the name */
	CU_ASSERT_PTR_NULL(lcx_place_port_add("net_nosuchdrv0", 1));
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	/* a device that cannot be probed */
	CU_ASSERT_PTR_NULL(lcx_place_port_add("net_null0,badkey=1", 1));
	CU_ASSERT_EQUAL(lcx_errno, ENODEV);
	/* more queues than the device offers (net_ring: 16) */
	CU_ASSERT_PTR_NULL(lcx_place_port_add("net_ring0", 17));
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	CU_ASSERT_PTR_NULL(lcx_place_port_add("synth", LCX_PLACE_MAX_RXQ + 1));
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	/* nothing left: no port, no ethdev */
	CU_ASSERT_EQUAL(lcx_place_port_list(NULL, 0), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_count_avail(), eth_before);

	/* the same names open now */
	CU_ASSERT_PTR_NOT_NULL_FATAL(lcx_place_port_add("net_null0", 2));
	CU_ASSERT_PTR_NOT_NULL_FATAL(lcx_place_port_add("net_ring0", 2));
	/* a map naming an unknown lcore, then an unknown queue */
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,1,9)", map, 4);
	CU_ASSERT_EQUAL(lcx_place_apply("map", map, n), -EINVAL);
	CU_ASSERT_EQUAL(ports_started(), 0);
	CU_ASSERT_EQUAL(rxq_total(), 0);
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,2,1)", map, 4);
	CU_ASSERT_EQUAL(lcx_place_apply("map", map, n), -EINVAL);
	CU_ASSERT_EQUAL(ports_started(), 0);
	CU_ASSERT_EQUAL(rxq_total(), 0);
	/* a context without a pool cannot feed an RX queue */
	lcx_ctx_conf_init(&conf);
	conf.lcore = 0;
	conf.limits.pool_size = 0;
	nopool = lcx_mgr_ctx_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(nopool);
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,1,0)", map, 4);
	CU_ASSERT_EQUAL(lcx_place_apply("map", map, n), -EINVAL);
	CU_ASSERT_EQUAL(ports_started(), 0);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(nopool->id), 0);

	/* and now correctly */
	n = lcx_place_map_parse("(0,0,1),(0,1,2),(1,0,3),(1,1,1)", map, 4);
	CU_ASSERT_EQUAL(lcx_place_apply("map", map, n), 0);
	CU_ASSERT_EQUAL(ports_started(), 2);
	CU_ASSERT_EQUAL(ctx[0]->nb_rxq, 2);
	CU_ASSERT_EQUAL(ctx[1]->nb_rxq, 1);
	CU_ASSERT_EQUAL(ctx[2]->nb_rxq, 1);
	/* not while a context runs */
	CU_ASSERT_EQUAL(lcx_mgr_ctx_start(ctx[1]->id), 0);
	CU_ASSERT_EQUAL(lcx_place_apply("rr", NULL, 0), -EBUSY);
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

static CU_TestInfo registry_tests[] = {
	{ "a policy registered from this file", test_policy_from_test_file },
	{ "name lookup of every built-in policy", test_policy_lookup },
	{ "unknown name: -ENOENT, the known ones listed",
		test_policy_unknown },
	{ "duplicate, bad and one too many registrations refused",
		test_policy_register_refused },
	{ "idle strategy names", test_idle_mode_names },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo mgr_tests[] = {
	{ "RR on 3 ports: RX, TX, pairing, pools", test_mgr_place_rr },
	{ "explicit map", test_mgr_place_map },
	{ "a policy of the test file, by name", test_mgr_place_own_policy },
	{ "per port: contexts that poll nothing there",
		test_mgr_port_report },
	{ "per port: one TX queue shared by three contexts",
		test_mgr_port_report_txq },
	{ "bad input leaves nothing behind", test_bad_input },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "placement policies (golden)", NULL, NULL, NULL, NULL, golden_tests },
	{ "policy registry", NULL, NULL, NULL, NULL, registry_tests },
	{ "manager ports", mgr_suite_init, mgr_suite_clean, NULL, NULL,
		mgr_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
