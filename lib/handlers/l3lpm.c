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
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_ip.h>
#include <rte_kvargs.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_prefetch.h>

#include "lcx_handler.h"

#define foreach_l3lpm_drop(_) \
	_(NO_ROUTE, "no-route") \
	_(TTL_EXPIRED, "ttl-expired") \
	_(MALFORMED, "malformed") \
	_(NOT_IP, "not-ip")
LCX_HANDLER_DROPS(L3LPM, foreach_l3lpm_drop);

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

/* One route line; 0, 1 for a blank line, or a negative error. */
static int
route_add(struct l3lpm *l, char *line, const char *path, unsigned int lineno)
{
	char pfx[64], macs[32], *hash, *slash;
	struct rte_ether_addr mac;
	uint8_t a6[16];
	unsigned int port, len;
	uint32_t a4;
	int nf, nh, rc;

	hash = strchr(line, '#');
	if (hash != NULL)
		*hash = '\0';
	nf = sscanf(line, "%63s %u %31s", pfx, &port, macs);
	if (nf <= 0)
		return 1;
	slash = strchr(pfx, '/');
	if (nf < 2 || slash == NULL || port >= LCX_MAX_PORTS)
		goto bad;
	*slash = '\0';
	if (sscanf(slash + 1, "%u", &len) != 1)
		goto bad;
	mac = (struct rte_ether_addr){{2, 0, 0, 0, 0, (uint8_t)port}};
	if (nf == 3 && rte_ether_unformat_addr(macs, &mac) != 0)
		goto bad;
	nh = nh_add(l, (uint16_t)port, &mac);
	if (nh < 0) {
		LCX_LOG(ERR, "l3lpm: %s:%u: more than %d next hops", path,
			lineno, MAX_NH);
		return nh;
	}
	if (inet_pton(AF_INET, pfx, &a4) == 1) {
		if (len > 32)
			goto bad;
		rc = rte_lpm_add(l->lpm4, rte_be_to_cpu_32(a4), (uint8_t)len,
			(uint32_t)nh);
		l->nb_routes4++;
	} else if (inet_pton(AF_INET6, pfx, a6) == 1) {
		if (len > 128)
			goto bad;
		rc = rte_lpm6_add(l->lpm6, a6, (uint8_t)len, (uint32_t)nh);
		l->nb_routes6++;
	} else {
		goto bad;
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
	static const char *const keys[] = { "routes", NULL };
	struct rte_lpm_config c4 = { .max_rules = 1024, .number_tbl8s = 256 };
	struct rte_lpm6_config c6 = { .max_rules = 1024, .number_tbl8s = TBL8S };
	struct l3lpm *l = priv;
	struct rte_kvargs *kv;
	char name[RTE_MEMZONE_NAMESIZE];
	const char *path;
	uint32_t seq;
	int rc;

	kv = rte_kvargs_parse(args, keys);
	if (kv == NULL || rte_kvargs_count(kv, "routes") != 1) {
		LCX_LOG(ERR, "l3lpm: expected routes=PATH, got '%s'", args);
		rte_kvargs_free(kv);
		return -EINVAL;
	}
	path = rte_kvargs_get(kv, "routes");
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
	rte_kvargs_free(kv);
	if (rc != 0)
		l3lpm_fini(l, ctx);
	return rc;
}

static __rte_always_inline uint16_t
out(const struct l3lpm *l, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint32_t nh)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct nexthop *h = &l->nh[nh];
	const struct lcx_port *port = ctx->txq[h->port].port;

	eth->dst_addr = h->mac;
	if (likely(port != NULL))
		eth->src_addr = port->mac;
	return LCX_ACT_TX(h->port);
}

static __rte_always_inline uint16_t
route4(const struct l3lpm *l, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint16_t off)
{
	struct rte_ipv4_hdr *ip;
	uint16_t ihl, tot, old, neu;
	uint32_t nh;

	if (unlikely(m->data_len < off + sizeof(*ip)))
		return LCX_ACT_DROP(DROP_MALFORMED);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);
	ihl = (ip->version_ihl & 0xf) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
			tot < ihl || off + tot > m->data_len))
		return LCX_ACT_DROP(DROP_MALFORMED);
	if (unlikely(ip->time_to_live <= 1))
		return LCX_ACT_DROP(DROP_TTL_EXPIRED);
	if (rte_lpm_lookup(l->lpm4, rte_be_to_cpu_32(ip->dst_addr), &nh) != 0)
		return LCX_ACT_DROP(DROP_NO_ROUTE);
	/* TTL and protocol share a 16-bit word of the checksum. */
	memcpy(&old, &ip->time_to_live, 2);
	ip->time_to_live--;
	memcpy(&neu, &ip->time_to_live, 2);
	ip->hdr_checksum = lcx_cksum_update16(ip->hdr_checksum, old, neu);
	return out(l, ctx, m, nh);
}

static __rte_always_inline uint16_t
route6(const struct l3lpm *l, struct lcx_ctx *ctx, struct rte_mbuf *m,
		uint16_t off)
{
	struct rte_ipv6_hdr *ip;
	uint32_t nh;

	if (unlikely(m->data_len < off + sizeof(*ip)))
		return LCX_ACT_DROP(DROP_MALFORMED);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, off);
	if (unlikely((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
			off + sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) >
			m->data_len))
		return LCX_ACT_DROP(DROP_MALFORMED);
	if (unlikely(ip->hop_limits <= 1))
		return LCX_ACT_DROP(DROP_TTL_EXPIRED);
	if (rte_lpm6_lookup(l->lpm6, ip->dst_addr, &nh) != 0)
		return LCX_ACT_DROP(DROP_NO_ROUTE);
	ip->hop_limits--;
	return out(l, ctx, m, nh);
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
	return LCX_ACT_DROP(DROP_NOT_IP);
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
	LCX_HANDLER_DROPS_OF(L3LPM),
};
