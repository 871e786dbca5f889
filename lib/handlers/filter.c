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

#include <rte_ip.h>
#include <rte_prefetch.h>

#include "lcx_handler.h"

#define foreach_filter_drop(_) \
	_(RULE, "rule") \
	_(MALFORMED, "malformed")
LCX_HANDLER_DROPS(FILTER, foreach_filter_drop);

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
	uint32_t src, dst;
	uint16_t sport, dport;
};

static int
port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	unsigned long a, b;
	char *end;

	a = strtoul(s, &end, 10);
	b = a;
	if (end == s)
		return -EINVAL;
	if (*end == '-') {
		s = end + 1;
		b = strtoul(s, &end, 10);
		if (end == s)
			return -EINVAL;
	}
	if (*end != '\0' || a > b || b > UINT16_MAX)
		return -EINVAL;
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
	uint16_t off = 0, type = lcx_pkt_ether_type(m, &off);
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	uint32_t len = m->data_len, ihl, l4 = 0;
	int first = 1;

	memset(t, 0, sizeof(*t));
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *h = (const void *)l3;

		if (len < off + 20u)
			return -1;
		ihl = (h->version_ihl & 0xf) * 4u;
		if ((h->version_ihl >> 4) != 4 || ihl < 20 ||
				rte_be_to_cpu_16(h->total_length) < ihl ||
				off + (uint32_t)rte_be_to_cpu_16(h->total_length) > len)
			return -1;
		t->family = 4;
		t->proto = h->next_proto_id;
		t->src = rte_be_to_cpu_32(h->src_addr);
		t->dst = rte_be_to_cpu_32(h->dst_addr);
		l4 = off + ihl;
		first = (h->fragment_offset &
			RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) == 0;
	} else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		if (len < off + 40u || (l3[0] >> 4) != 6 ||
				off + 40u + (uint32_t)(l3[4] << 8 | l3[5]) > len)
			return -1;
		t->family = 6;
		t->proto = l3[6];
		l4 = off + 40;
	} else {
		return 0;
	}
	if ((t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP) && first) {
		const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, l4);

		if (len < l4 + 4)
			return -1;
		t->sport = (uint16_t)(p[0] << 8 | p[1]);
		t->dport = (uint16_t)(p[2] << 8 | p[3]);
		t->has_ports = 1;
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

static uint16_t
filter_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct filter *f = priv;
	struct tuple t;
	uint16_t i, nd = 0;
	unsigned int r;

	RTE_SET_USED(ctx);
	for (i = 0; i < n; i++) {
		if (i + 4 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
		if (tuple_get(pkts[i], &t) != 0) {
			act[i] = LCX_ACT_DROP(DROP_MALFORMED);
			nd++;
			continue;
		}
		for (r = 0; r < f->nb_rules; r++) {
			if (rule_match(&f->rule[r], &t)) {
				f->hits[r]++;
				if (f->rule[r].drop) {
					act[i] = LCX_ACT_DROP(DROP_RULE);
					nd++;
				}
				break;
			}
		}
	}
	return nd;
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
	LCX_HANDLER_DROPS_OF(FILTER),
};
