/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l3lpm: IPv4 and IPv6 routing by longest prefix match (rte_lpm,
 * rte_lpm6), as DPDK's l3fwd in LPM mode.  Routes come from a file
 * ("routes=PATH"), one a line:
 *
 *     <prefix>/<len> <port> [<next-hop MAC>]     # comment
 *
 * e.g. "198.18.1.0/24 1" or "2001:db8::/32 0 02:00:00:00:00:aa".  A routed
 * packet gets TTL / hop limit - 1 (IPv4 checksum updated incrementally,
 * RFC 1624), the out port's MAC as source, the next hop's MAC as
 * destination (default 02:00:00:00:00:<port>, as l3fwd) and leaves on the
 * route's port.  Drops: no-route, ttl-expired (TTL <= 1: no ICMP time
 * exceeded is sent), malformed (lengths or version inconsistent), not-ip.
 * The IPv4 header checksum of the input is not verified (l3fwd does not
 * either); a bad one stays bad.
 *
 * Every context builds its own tables on its socket: memory is per
 * context (about 1 MB for IPv6 with 1024 tbl8 groups), lookups stay local.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_lpm.h>
#include <rte_lpm6.h>

#include "lcx_pkt.h"

#define foreach_l3lpm_drop(_) \
	_(L3LPM_DROP_NO_ROUTE, "no-route") \
	_(L3LPM_DROP_TTL_EXPIRED, "ttl-expired") \
	_(L3LPM_DROP_MALFORMED, "malformed") \
	_(L3LPM_DROP_NOT_IP, "not-ip")
LCX_HANDLER_DROPS(l3lpm, foreach_l3lpm_drop);

#define MAX_NH 256
#define TBL8S 1024

struct nexthop {
	uint16_t port;
	struct rte_ether_addr mac;
};

struct l3lpm {
	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	unsigned int nb_nh, nb_routes4, nb_routes6;
	struct nexthop nh[MAX_NH];
};

static uint32_t l3lpm_seq;

static int
nh_add(struct l3lpm *l, uint16_t port, const struct rte_ether_addr *mac)
{
	unsigned int i;

	for (i = 0; i < l->nb_nh; i++)
		if (l->nh[i].port == port &&
				rte_is_same_ether_addr(&l->nh[i].mac, mac))
			return (int)i;
	if (l->nb_nh == MAX_NH)
		return -ENOSPC;
	l->nh[l->nb_nh].port = port;
	l->nh[l->nb_nh].mac = *mac;
	return (int)l->nb_nh++;
}

/* One route line "<prefix>/<len> <port> [<MAC>]"; 0, 1 for a blank line,
 * or a negative error. */
static int
route_add(struct l3lpm *l, char *line, const char *path, unsigned int lineno)
{
	char *f[4], *save = NULL, *slash;
	struct rte_ether_addr mac;
	uint64_t port, len;
	unsigned int nf = 0;
	uint8_t a6[16];
	uint32_t a4;
	int nh, rc, v4;

	line[strcspn(line, "#\n")] = '\0';
	for (f[0] = strtok_r(line, " \t", &save); f[nf] != NULL && nf < 3;)
		f[++nf] = strtok_r(NULL, " \t", &save);
	if (nf == 0)
		return 1;
	slash = strchr(f[0], '/');
	if (nf < 2 || f[nf] != NULL || slash == NULL ||
			lcx_parse_u64(f[1], 0, LCX_MAX_PORTS - 1, &port) != 0)
		goto bad;
	*slash = '\0';
	v4 = inet_pton(AF_INET, f[0], &a4) == 1;
	if ((!v4 && inet_pton(AF_INET6, f[0], a6) != 1) ||
			lcx_parse_u64(slash + 1, 0, v4 ? 32 : 128, &len) != 0)
		goto bad;
	mac = (struct rte_ether_addr){{2, 0, 0, 0, 0, (uint8_t)port}};
	if (nf == 3 && lcx_parse_mac(f[2], &mac) != 0)
		goto bad;
	nh = nh_add(l, (uint16_t)port, &mac);
	if (nh < 0) {
		LCX_LOG(ERR, "l3lpm: %s:%u: more than %d next hops", path,
			lineno, MAX_NH);
		return nh;
	}
	if (v4) {
		rc = rte_lpm_add(l->lpm4, rte_be_to_cpu_32(a4), (uint8_t)len,
			(uint32_t)nh);
		l->nb_routes4++;
	} else {
		rc = rte_lpm6_add(l->lpm6, a6, (uint8_t)len, (uint32_t)nh);
		l->nb_routes6++;
	}
	if (rc < 0) {
		LCX_LOG(ERR, "l3lpm: %s:%u: cannot add the route: %s", path,
			lineno, rte_strerror(-rc));
		return -ENOSPC;
	}
	return 0;
bad:
	LCX_LOG(ERR, "l3lpm: %s:%u: expected '<prefix>/<len> <port 0..%d> "
		"[<MAC>]'", path, lineno, LCX_MAX_PORTS - 1);
	return -EINVAL;
}

static int
routes_load(struct l3lpm *l, const char *path)
{
	unsigned int lineno = 0;
	char line[256];
	FILE *f;
	int rc = 0;

	f = fopen(path, "r");
	if (f == NULL) {
		LCX_LOG(ERR, "l3lpm: routes %s: %s", path, strerror(errno));
		return -ENOENT;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		rc = route_add(l, line, path, ++lineno);
		if (rc < 0)
			break;
	}
	fclose(f);
	return rc < 0 ? rc : 0;
}

static void
l3lpm_fini(void *priv, struct lcx_ctx *ctx)
{
	struct l3lpm *l = priv;

	RTE_SET_USED(ctx);
	rte_lpm_free(l->lpm4);
	rte_lpm6_free(l->lpm6);
}

static int
l3lpm_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct lcx_args *a = lcx_args_parse("l3lpm", args, "routes=PATH");
	struct rte_lpm_config c4 = { .max_rules = 1024, .number_tbl8s = 256 };
	struct rte_lpm6_config c6 = { .max_rules = 1024, .number_tbl8s = TBL8S };
	struct l3lpm *l = priv;
	char name[RTE_MEMZONE_NAMESIZE], path[PATH_MAX];
	uint32_t seq;
	int rc;

	lcx_args_need(a, "routes");
	lcx_args_str(a, "routes", path, sizeof(path));
	rc = lcx_args_end(a);
	if (rc != 0)
		return rc;
	seq = __atomic_fetch_add(&l3lpm_seq, 1, __ATOMIC_RELAXED);
	snprintf(name, sizeof(name), "lcx_lpm4_%u", seq);
	l->lpm4 = rte_lpm_create(name, ctx->socket, &c4);
	snprintf(name, sizeof(name), "lcx_lpm6_%u", seq);
	l->lpm6 = rte_lpm6_create(name, ctx->socket, &c6);
	if (l->lpm4 == NULL || l->lpm6 == NULL) {
		LCX_LOG(ERR, "l3lpm: tables on socket %d: %s", ctx->socket,
			rte_strerror(rte_errno));
		rc = -ENOMEM;
	} else {
		rc = routes_load(l, path);
	}
	if (rc != 0)
		l3lpm_fini(l, ctx);
	return rc;
}

static __rte_always_inline uint16_t
route4(const struct l3lpm *l, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint16_t off)
{
	struct rte_ipv4_hdr *ip = lcx_pkt_ipv4(m, off);
	uint32_t nh;

	if (unlikely(ip == NULL))
		return LCX_ACT_DROP(L3LPM_DROP_MALFORMED);
	if (unlikely(ip->time_to_live <= 1))
		return LCX_ACT_DROP(L3LPM_DROP_TTL_EXPIRED);
	if (rte_lpm_lookup(l->lpm4, rte_be_to_cpu_32(ip->dst_addr), &nh) != 0)
		return LCX_ACT_DROP(L3LPM_DROP_NO_ROUTE);
	lcx_pkt_ipv4_ttl_dec(ip);
	return lcx_pkt_send(ctx, m, l->nh[nh].port, &l->nh[nh].mac);
}

static __rte_always_inline uint16_t
route6(const struct l3lpm *l, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint16_t off)
{
	struct rte_ipv6_hdr *ip = lcx_pkt_ipv6(m, off);
	uint32_t nh;

	if (unlikely(ip == NULL))
		return LCX_ACT_DROP(L3LPM_DROP_MALFORMED);
	if (unlikely(ip->hop_limits <= 1))
		return LCX_ACT_DROP(L3LPM_DROP_TTL_EXPIRED);
	if (rte_lpm6_lookup(l->lpm6, ip->dst_addr, &nh) != 0)
		return LCX_ACT_DROP(L3LPM_DROP_NO_ROUTE);
	ip->hop_limits--;
	return lcx_pkt_send(ctx, m, l->nh[nh].port, &l->nh[nh].mac);
}

static __rte_always_inline uint16_t
route(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	const struct l3lpm *l = priv;
	uint16_t off = 0, type = lcx_pkt_ether_type(m, &off);

	if (likely(type == RTE_BE16(RTE_ETHER_TYPE_IPV4)))
		return route4(l, ctx, m, off);
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return route6(l, ctx, m, off);
	return LCX_ACT_DROP(L3LPM_DROP_NOT_IP);
}

static uint16_t
l3lpm_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each(priv, ctx, pkts, act, n, route);
}

static void
l3lpm_dump(void *priv, FILE *f)
{
	const struct l3lpm *l = priv;

	fprintf(f, "  l3lpm routes ipv4 %u ipv6 %u next-hops %u\n",
		l->nb_routes4, l->nb_routes6, l->nb_nh);
}

LCX_HANDLER_REGISTER(l3lpm) = {
	.name = "l3lpm",
	.usage = "l3lpm(routes=PATH)",
	.priv_size = sizeof(struct l3lpm),
	.init = l3lpm_init,
	.process = l3lpm_process,
	.fini = l3lpm_fini,
	.dump = l3lpm_dump,
	LCX_HANDLER_DROPS_OF(l3lpm),
};
