/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * filter: drop or pass by 5-tuple rules, first match wins, default pass.
 * Rules are separated by ';':
 *
 *     filter(drop udp dport 53; pass tcp src 10.0.0.0/8 dport 1-1023; drop)
 *
 *     rule  := ("drop" | "pass") [proto] ["src" PFX] ["dst" PFX]
 *              ["sport" N[-M]] ["dport" N[-M]]
 *     proto := ip | ip6 | tcp | udp | icmp     (tcp/udp/icmp: both families)
 *
 * Address prefixes are IPv4 only: a rule with one never matches IPv6.
 * Port matches need TCP or UDP (first fragment).  IP packets whose
 * headers are cut or inconsistent are dropped "malformed"; non-IP frames
 * match only rules without fields.  A linear scan: fine for tens of
 * rules, use an ACL (rte_acl) beyond.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lcx_pkt.h"

#define foreach_filter_drop(_) \
	_(FILTER_DROP_RULE, "rule") \
	_(FILTER_DROP_MALFORMED, "malformed")
LCX_HANDLER_DROPS(filter, foreach_filter_drop);

#define MAX_RULES 32

enum { P_ANY, P_IP4, P_IP6, P_TCP, P_UDP, P_ICMP };

struct rule {
	uint8_t drop;
	uint8_t proto;
	uint8_t has_src, has_dst;
	uint32_t src, src_mask, dst, dst_mask;   /* host order */
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;
};

struct filter {
	unsigned int nb_rules;
	struct rule rule[MAX_RULES];
	uint64_t hits[MAX_RULES];
};

/* Packet fields a rule looks at; host order. */
struct tuple {
	uint8_t family;      /* 4, 6, or 0: not IP */
	uint8_t proto;
	uint8_t has_ports;
	uint32_t src, dst;   /* IPv4 only */
	uint16_t sport, dport;
};

static int
port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash = strchr(s, '-');
	uint64_t a, b;

	if (dash == NULL || (size_t)(dash - s) >= sizeof(buf)) {
		if (dash != NULL || lcx_parse_u64(s, 0, UINT16_MAX, &a) != 0)
			return -EINVAL;
		b = a;
	} else {
		memcpy(buf, s, dash - s);
		buf[dash - s] = '\0';
		if (lcx_parse_u64(buf, 0, UINT16_MAX, &a) != 0 ||
				lcx_parse_u64(dash + 1, a, UINT16_MAX, &b) != 0)
			return -EINVAL;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int
prefix(const char *s, uint32_t *addr, uint32_t *mask)
{
	uint8_t len;
	uint32_t a;

	if (lcx_parse_ipv4_prefix(s, &a, &len) != 0)
		return -EINVAL;
	*mask = len == 0 ? 0 : ~0u << (32 - len);
	*addr = rte_be_to_cpu_32(a) & *mask;
	return 0;
}

static int
rule_parse(struct rule *r, char *text)
{
	char *save = NULL, *w, *v;

	memset(r, 0, sizeof(*r));
	r->sport_hi = r->dport_hi = UINT16_MAX;
	w = strtok_r(text, " \t", &save);
	if (w == NULL || (strcmp(w, "drop") != 0 && strcmp(w, "pass") != 0))
		return -EINVAL;
	r->drop = w[0] == 'd';
	while ((w = strtok_r(NULL, " \t", &save)) != NULL) {
		if (strcmp(w, "ip") == 0 || strcmp(w, "ip4") == 0)
			r->proto = P_IP4;
		else if (strcmp(w, "ip6") == 0)
			r->proto = P_IP6;
		else if (strcmp(w, "tcp") == 0)
			r->proto = P_TCP;
		else if (strcmp(w, "udp") == 0)
			r->proto = P_UDP;
		else if (strcmp(w, "icmp") == 0)
			r->proto = P_ICMP;
		else {
			v = strtok_r(NULL, " \t", &save);
			if (v == NULL)
				return -EINVAL;
			if (strcmp(w, "src") == 0 && prefix(v, &r->src,
					&r->src_mask) == 0)
				r->has_src = 1;
			else if (strcmp(w, "dst") == 0 && prefix(v, &r->dst,
					&r->dst_mask) == 0)
				r->has_dst = 1;
			else if (strcmp(w, "sport") == 0 &&
					port_range(v, &r->sport_lo, &r->sport_hi) == 0)
				;
			else if (strcmp(w, "dport") == 0 &&
					port_range(v, &r->dport_lo, &r->dport_hi) == 0)
				;
			else
				return -EINVAL;
		}
	}
	return 0;
}

static int
filter_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct filter *f = priv;
	char *copy, *save = NULL, *text;
	int rc = 0;

	RTE_SET_USED(ctx);
	copy = strdup(args);
	if (copy == NULL)
		return -ENOMEM;
	for (text = strtok_r(copy, ";", &save); text != NULL;
			text = strtok_r(NULL, ";", &save)) {
		char shown[128];

		if (strspn(text, " \t") == strlen(text))
			continue;
		snprintf(shown, sizeof(shown), "%s", text);
		if (f->nb_rules == MAX_RULES) {
			LCX_LOG(ERR, "filter: more than %d rules", MAX_RULES);
			rc = -E2BIG;
			break;
		}
		if (rule_parse(&f->rule[f->nb_rules], text) != 0) {
			LCX_LOG(ERR, "filter: rule %u '%s': expected "
				"drop|pass [ip|ip6|tcp|udp|icmp] [src PFX] "
				"[dst PFX] [sport N[-M]] [dport N[-M]]",
				f->nb_rules + 1, shown);
			rc = -EINVAL;
			break;
		}
		f->nb_rules++;
	}
	free(copy);
	return rc;
}

/* Read the tuple; -1 for a malformed IP packet. */
static __rte_always_inline int
tuple_get(const struct rte_mbuf *m, struct tuple *t)
{
	const struct rte_ipv4_hdr *ip;
	struct lcx_pkt_info pi;

	if (lcx_pkt_parse(m, &pi) != 0)
		return -1;
	t->family = pi.family;
	t->proto = pi.proto;
	t->has_ports = pi.has_ports;
	t->sport = rte_be_to_cpu_16(pi.sport);
	t->dport = rte_be_to_cpu_16(pi.dport);
	t->src = t->dst = 0;
	if (pi.family == 4) {
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
			pi.l3_off);
		t->src = rte_be_to_cpu_32(ip->src_addr);
		t->dst = rte_be_to_cpu_32(ip->dst_addr);
	}
	return 0;
}

static __rte_always_inline int
rule_match(const struct rule *r, const struct tuple *t)
{
	switch (r->proto) {
	case P_IP4:
		if (t->family != 4)
			return 0;
		break;
	case P_IP6:
		if (t->family != 6)
			return 0;
		break;
	case P_TCP:
		if (t->family == 0 || t->proto != IPPROTO_TCP)
			return 0;
		break;
	case P_UDP:
		if (t->family == 0 || t->proto != IPPROTO_UDP)
			return 0;
		break;
	case P_ICMP:
		if (t->family == 0 || (t->proto != IPPROTO_ICMP &&
				t->proto != IPPROTO_ICMPV6))
			return 0;
		break;
	default:
		break;
	}
	if ((r->has_src || r->has_dst) && t->family != 4)
		return 0;
	if (r->has_src && (t->src & r->src_mask) != r->src)
		return 0;
	if (r->has_dst && (t->dst & r->dst_mask) != r->dst)
		return 0;
	if (r->sport_lo != 0 || r->sport_hi != UINT16_MAX ||
			r->dport_lo != 0 || r->dport_hi != UINT16_MAX) {
		if (!t->has_ports || t->sport < r->sport_lo ||
				t->sport > r->sport_hi ||
				t->dport < r->dport_lo || t->dport > r->dport_hi)
			return 0;
	}
	return 1;
}

static __rte_always_inline uint16_t
decide(void *priv, struct lcx_ctx *ctx, struct rte_mbuf *m)
{
	struct filter *f = priv;
	struct tuple t;
	unsigned int r;

	RTE_SET_USED(ctx);
	if (tuple_get(m, &t) != 0)
		return LCX_ACT_DROP(FILTER_DROP_MALFORMED);
	for (r = 0; r < f->nb_rules; r++) {
		if (rule_match(&f->rule[r], &t)) {
			f->hits[r]++;
			return f->rule[r].drop ? LCX_ACT_DROP(FILTER_DROP_RULE) :
				LCX_ACT_CONTINUE;
		}
	}
	return LCX_ACT_CONTINUE;
}

static uint16_t
filter_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	return lcx_handler_each_mut(priv, ctx, pkts, act, n, decide);
}

static void
filter_dump(void *priv, FILE *out)
{
	const struct filter *f = priv;
	unsigned int r;

	for (r = 0; r < f->nb_rules; r++)
		fprintf(out, "  filter rule%u hits %" PRIu64 "\n", r + 1,
			f->hits[r]);
}

LCX_HANDLER_REGISTER(filter) = {
	.name = "filter",
	.usage = "filter(drop|pass [proto] [src P] [dst P] [sport R] [dport R]; ...)",
	.priv_size = sizeof(struct filter),
	.init = filter_init,
	.process = filter_process,
	.dump = filter_dump,
	LCX_HANDLER_DROPS_OF(filter),
};
