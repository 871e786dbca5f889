/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * count: count packets and bytes per input port and per protocol, pass
 * on.  Its counters are printed by lcx_pipeline_dump().
 */
#include <inttypes.h>

#include <rte_ip.h>
#include <rte_prefetch.h>

#include "lcx_handler.h"

#define foreach_count_class(_) \
	_(IPV4, "ipv4") _(IPV6, "ipv6") _(ARP, "arp") _(OTHER_L3, "other-l3") \
	_(TCP, "tcp") _(UDP, "udp") _(ICMP, "icmp") _(OTHER_L4, "other-l4")

enum count_class {
#define _(sym, str) C_ ## sym,
	foreach_count_class(_)
#undef _
	C_MAX,
};

static const char *const class_names[C_MAX] = {
#define _(sym, str) str,
	foreach_count_class(_)
#undef _
};

struct count {
	uint64_t port_pkts[LCX_MAX_PORTS];
	uint64_t port_bytes[LCX_MAX_PORTS];
	uint64_t pkts[C_MAX];
	uint64_t bytes[C_MAX];
};

static __rte_always_inline void
count_one(struct count *c, const struct rte_mbuf *m)
{
	uint16_t off = 0, type = lcx_pkt_ether_type(m, &off);
	uint32_t len = m->pkt_len;
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	unsigned int l3c, l4c = C_MAX;
	uint8_t proto = 0;

	c->port_pkts[m->port & (LCX_MAX_PORTS - 1)]++;
	c->port_bytes[m->port & (LCX_MAX_PORTS - 1)] += len;
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4) && m->data_len >= off + 20) {
		l3c = C_IPV4;
		proto = l3[9];
	} else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
			m->data_len >= off + 40) {
		l3c = C_IPV6;
		proto = l3[6];   /* the first next header: no chain walk */
	} else if (type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		l3c = C_ARP;
	} else {
		l3c = C_OTHER_L3;
	}
	if (l3c == C_IPV4 || l3c == C_IPV6)
		l4c = proto == IPPROTO_TCP ? C_TCP : proto == IPPROTO_UDP ? C_UDP :
			proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ?
			C_ICMP : C_OTHER_L4;
	c->pkts[l3c]++;
	c->bytes[l3c] += len;
	if (l4c != C_MAX) {
		c->pkts[l4c]++;
		c->bytes[l4c] += len;
	}
}

static uint16_t
count_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct count *c = priv;
	uint16_t i = 0;

	RTE_SET_USED(ctx);
	RTE_SET_USED(act);
	for (; i + 4 <= n; i += 4) {
		if (i + 8 <= n) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 5], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 6], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 7], void *));
		}
		count_one(c, pkts[i]);
		count_one(c, pkts[i + 1]);
		count_one(c, pkts[i + 2]);
		count_one(c, pkts[i + 3]);
	}
	for (; i < n; i++)
		count_one(c, pkts[i]);
	return 0;
}

static void
count_dump(void *priv, FILE *f)
{
	const struct count *c = priv;
	unsigned int i;

	for (i = 0; i < LCX_MAX_PORTS; i++)
		if (c->port_pkts[i] != 0)
			fprintf(f, "  count port%u packets %" PRIu64 " bytes %"
				PRIu64 "\n", i, c->port_pkts[i], c->port_bytes[i]);
	for (i = 0; i < C_MAX; i++)
		if (c->pkts[i] != 0)
			fprintf(f, "  count %s packets %" PRIu64 " bytes %"
				PRIu64 "\n", class_names[i], c->pkts[i],
				c->bytes[i]);
}

LCX_HANDLER_REGISTER(count) = {
	.name = "count",
	.usage = "count: no arguments",
	.priv_size = sizeof(struct count),
	.process = count_process,
	.dump = count_dump,
};
