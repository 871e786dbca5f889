/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placement policies: the registry ({name, compute} pairs registered at
 * load time, as port drivers are), lcx_place_compute() around them, the
 * built-in "rr", "numa" and "map", and the map parser.  Everything here
 * is pure: no port, no context, no lock.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "lcx_place.h"

/* Kept sorted by name, so listings do not depend on the order in which
 * the constructors ran. */
static const struct lcx_place_policy *policies[LCX_PLACE_MAX_POLICIES];
static unsigned int nb_policies;

static int
name_valid(const char *name)
{
	size_t i, len;

	if (name == NULL)
		return 0;
	len = strlen(name);
	if (len == 0 || len >= LCX_PLACE_POLICY_NAMESIZE)
		return 0;
	for (i = 0; i < len; i++)
		if (!islower((unsigned char)name[i]) &&
				!isdigit((unsigned char)name[i]) &&
				name[i] != '_' && name[i] != '-')
			return 0;
	return 1;
}

static const struct lcx_place_policy *
policy_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < nb_policies; i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

int
lcx_place_policy_register(const struct lcx_place_policy *p)
{
	unsigned int i;

	if (p == NULL || p->compute == NULL || !name_valid(p->name)) {
		LCX_LOG(ERR, "placement policy '%s': refused: needs a name of [a-z0-9_-] (at most %d characters) and a compute function",
			p != NULL && p->name != NULL ? p->name : "(null)",
			LCX_PLACE_POLICY_NAMESIZE - 1);
		return -EINVAL;
	}
	if (policy_lookup(p->name) != NULL) {
		LCX_LOG(ERR, "placement policy '%s': registered already",
			p->name);
		return -EEXIST;
	}
	if (nb_policies == LCX_PLACE_MAX_POLICIES) {
		LCX_LOG(ERR, "placement policy '%s': %d policies registered already",
			p->name, LCX_PLACE_MAX_POLICIES);
		return -ENOSPC;
	}
	for (i = nb_policies; i > 0 && strcmp(policies[i - 1]->name,
			p->name) > 0; i--)
		policies[i] = policies[i - 1];
	policies[i] = p;
	nb_policies++;
	return 0;
}

const struct lcx_place_policy *
lcx_place_policy_get(unsigned int i)
{
	return i < nb_policies ? policies[i] : NULL;
}

const struct lcx_place_policy *
lcx_place_policy_find(const char *name, char *err, size_t err_len)
{
	const struct lcx_place_policy *p;
	size_t off;
	unsigned int i;

	if (err != NULL && err_len != 0)
		err[0] = '\0';
	if (name == NULL) {
		if (err != NULL && err_len != 0)
			snprintf(err, err_len, "no placement policy named");
		lcx_errno = EINVAL;
		return NULL;
	}
	p = policy_lookup(name);
	if (p != NULL)
		return p;
	if (err != NULL && err_len != 0) {
		off = snprintf(err, err_len, "unknown placement '%s'; known:",
			name);
		for (i = 0; i < nb_policies && off < err_len; i++)
			off += snprintf(err + off, err_len - off, "%s %s",
				i == 0 ? "" : ",", policies[i]->name);
	}
	lcx_errno = ENOENT;
	return NULL;
}

/* ---- Computing a placement ------------------------------------------ */

static void
err_set(char *err, size_t len, const char *fmt, ...)
{
	char buf[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	LCX_LOG(ERR, "placement: %s", buf);
	if (err != NULL && len != 0)
		snprintf(err, len, "%s", buf);
}

int
lcx_place_compute(const struct lcx_place_topo *t, const char *name,
		const struct lcx_place_map *map, unsigned int nb_map,
		struct lcx_place_row *rows, unsigned int max_rows, char *err,
		size_t err_len)
{
	const struct lcx_place_policy *policy;
	unsigned int total = 0, r;
	char msg[192];
	uint16_t p, q;
	int rc, s;

	if (err != NULL && err_len != 0)
		err[0] = '\0';
	if (t == NULL || rows == NULL || t->nb_ports > LCX_MAX_PORTS ||
			t->nb_ctx > LCX_MAX_CONTEXTS) {
		err_set(err, err_len, "bad topology");
		return -EINVAL;
	}
	policy = lcx_place_policy_find(name, msg, sizeof(msg));
	if (policy == NULL) {
		err_set(err, err_len, "%s", msg);
		return -lcx_errno;
	}
	if (t->nb_ctx == 0) {
		err_set(err, err_len, "no context to place queues on");
		return -EINVAL;
	}
	for (p = 0; p < t->nb_ports; p++)
		total += t->port_nb_rxq[p];
	if (total > max_rows) {
		err_set(err, err_len, "%u RX queues, room for %u rows", total,
			max_rows);
		return -ENOSPC;
	}
	for (r = 0, p = 0; p < t->nb_ports; p++)
		for (q = 0; q < t->port_nb_rxq[p]; q++, r++) {
			rows[r].port = p;
			rows[r].queue = q;
			rows[r].ctx = UINT16_MAX;
			rows[r].cross_socket = 0;
		}
	msg[0] = '\0';
	rc = policy->compute(t, map, nb_map, rows, total, msg, sizeof(msg));
	if (rc < 0) {
		err_set(err, err_len, "%s", msg[0] != '\0' ? msg :
			"the policy refused the topology");
		return rc;
	}
	/* A policy is outside code: its rows are checked, not trusted. */
	for (r = 0; r < total; r++) {
		if (rows[r].ctx >= t->nb_ctx) {
			err_set(err, err_len,
				"policy %s left queue %u of port %u on no context",
				policy->name, rows[r].queue, rows[r].port);
			return -EINVAL;
		}
		s = t->port_socket[rows[r].port];
		rows[r].cross_socket = s != SOCKET_ID_ANY &&
			t->ctx_socket[rows[r].ctx] != s;
	}
	return (int)total;
}

/* ---- Built-in policies ---------------------------------------------- */

/* (port, queue) in order, each to the next context. */
static int
rr_compute(const struct lcx_place_topo *t,
		const struct lcx_place_map *map __rte_unused,
		unsigned int nb_map __rte_unused, struct lcx_place_row *rows,
		unsigned int nb_rows, char *err __rte_unused,
		size_t err_len __rte_unused)
{
	unsigned int r;

	for (r = 0; r < nb_rows; r++)
		rows[r].ctx = (uint16_t)(r % t->nb_ctx);
	return 0;
}

static const struct lcx_place_policy rr_policy = {
	.name = "rr",
	.help = "(port, queue) in order, to each context in turn",
	.compute = rr_compute,
};
LCX_PLACE_POLICY_REGISTER(rr_policy);

/* The contexts on the port's socket, round-robin with one counter per
 * socket carried from port to port; any context (with a warning) when
 * none is on it or the socket is unknown. */
static int
numa_compute(const struct lcx_place_topo *t,
		const struct lcx_place_map *map __rte_unused,
		unsigned int nb_map __rte_unused, struct lcx_place_row *rows,
		unsigned int nb_rows __rte_unused, char *err __rte_unused,
		size_t err_len __rte_unused)
{
	unsigned int next_sock[RTE_MAX_NUMA_NODES] = { 0 }, next_any = 0;
	uint16_t local[LCX_MAX_CONTEXTS], nb_local, p, q, c;
	unsigned int r = 0;

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
		for (q = 0; q < t->port_nb_rxq[p]; q++, r++)
			rows[r].ctx = nb_local != 0 ?
				local[(*next)++ % nb_local] :
				(uint16_t)(next_any++ % t->nb_ctx);
	}
	return 0;
}

static const struct lcx_place_policy numa_policy = {
	.name = "numa",
	.help = "round-robin over the port's socket's contexts",
	.compute = numa_compute,
};
LCX_PLACE_POLICY_REGISTER(numa_policy);

static int
ctx_of_lcore(const struct lcx_place_topo *t, unsigned int lcore)
{
	uint16_t c;

	for (c = 0; c < t->nb_ctx; c++)
		if (t->ctx_lcore[c] == lcore)
			return c;
	return -1;
}

/* Explicit (port, queue, lcore) triples: every queue exactly once. */
static int
map_compute(const struct lcx_place_topo *t, const struct lcx_place_map *map,
		unsigned int nb_map, struct lcx_place_row *rows,
		unsigned int nb_rows, char *err, size_t err_len)
{
	unsigned int first[LCX_MAX_PORTS], i, r;
	int c;

	if (map == NULL && nb_map != 0) {
		snprintf(err, err_len, "map: NULL");
		return -EINVAL;
	}
	for (r = 0, i = 0; i < t->nb_ports; i++) {
		first[i] = r;
		r += t->port_nb_rxq[i];
	}
	for (i = 0; i < nb_map; i++) {
		const struct lcx_place_map *e = &map[i];

		if (e->port >= t->nb_ports || t->port_nb_rxq[e->port] == 0) {
			snprintf(err, err_len, "map (%u,%u,%u): unknown port %u",
				e->port, e->queue, e->lcore, e->port);
			return -EINVAL;
		}
		if (e->queue >= t->port_nb_rxq[e->port]) {
			snprintf(err, err_len,
				"map (%u,%u,%u): unknown queue %u (port %u has %u)",
				e->port, e->queue, e->lcore, e->queue, e->port,
				t->port_nb_rxq[e->port]);
			return -EINVAL;
		}
		c = ctx_of_lcore(t, e->lcore);
		if (c < 0) {
			snprintf(err, err_len,
				"map (%u,%u,%u): unknown lcore %u (no context on it)",
				e->port, e->queue, e->lcore, e->lcore);
			return -EINVAL;
		}
		r = first[e->port] + e->queue;
		if (rows[r].ctx != UINT16_MAX) {
			snprintf(err, err_len,
				"map (%u,%u,%u): duplicate: queue %u of port %u is mapped twice",
				e->port, e->queue, e->lcore, e->queue, e->port);
			return -EINVAL;
		}
		rows[r].ctx = (uint16_t)c;
	}
	for (r = 0; r < nb_rows; r++)
		if (rows[r].ctx == UINT16_MAX) {
			snprintf(err, err_len, "map: missing queue %u of port %u",
				rows[r].queue, rows[r].port);
			return -EINVAL;
		}
	return 0;
}

static const struct lcx_place_policy map_policy = {
	.name = "map",
	.help = "explicit (port,queue,lcore) triples: --map",
	.flags = LCX_PLACE_F_MAP,
	.compute = map_compute,
};
LCX_PLACE_POLICY_REGISTER(map_policy);

/* ---- The map's text ------------------------------------------------- */

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
