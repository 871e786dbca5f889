/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* sched_getcpu() */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "lcx_handler_testkit.h"

/* ---- Packets -------------------------------------------------------------- */

static void
tk_eal_fini(void)
{
	rte_eal_cleanup();
	lcx_runtime_dir_remove(NULL);
}

int
lcx_tk_eal_init(int argc, char **argv)
{
	char lcore[16], prefix[48], *av[64];
	int ac = 0, i, cpu = sched_getcpu();

	snprintf(lcore, sizeof(lcore), "%d", cpu < 0 ? 0 : cpu);
	snprintf(prefix, sizeof(prefix), "--file-prefix=lcxtk%d",
		(int)getpid());
	av[ac++] = argv != NULL && argc > 0 ? argv[0] : "lcx-tk";
	av[ac++] = "-l";
	av[ac++] = lcore;
	av[ac++] = "--no-huge";
	av[ac++] = "-m";
	av[ac++] = "256";
	av[ac++] = "--no-pci";
	av[ac++] = prefix;
	av[ac++] = "--log-level=lib.eal:warning";
	for (i = 1; argv != NULL && i < argc && ac < 63; i++)
		av[ac++] = argv[i];
	av[ac] = NULL;
	if (rte_eal_init(ac, av) < 0) {
		fprintf(stderr, "lcx_tk: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		lcx_runtime_dir_remove(NULL);
		return -1;
	}
	atexit(tk_eal_fini);
	return 0;
}

void
lcx_tk_pkt_init(struct lcx_tk_pkt *d)
{
	memset(d, 0, sizeof(*d));
	d->dst_mac = (struct rte_ether_addr){{2, 0, 0, 0, 0, 2}};
	d->src_mac = (struct rte_ether_addr){{2, 0, 0, 0, 0, 1}};
	d->vlan = -1;
	d->inner_vlan = -1;
	d->l3 = LCX_TK_IPV4;
	d->l4 = IPPROTO_UDP;
	d->src_ip4 = RTE_BE32(LCX_IPV4(198, 18, 0, 1));
	d->dst_ip4 = RTE_BE32(LCX_IPV4(198, 18, 1, 1));
	d->ttl = 64;
	d->sport = 1024;
	d->dport = 1024;
}

static uint16_t
l4_hdr_len(uint8_t l4)
{
	switch (l4) {
	case IPPROTO_UDP:
		return sizeof(struct rte_udp_hdr);
	case IPPROTO_TCP:
		return sizeof(struct rte_tcp_hdr);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return sizeof(struct rte_icmp_hdr);
	default:
		return 0;
	}
}

struct rte_mbuf *
lcx_tk_pkt_build(struct rte_mempool *mp, const struct lcx_tk_pkt *d)
{
	uint16_t l3_len = 0, l4_len = l4_hdr_len(d->l4), len, off, i;
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	uint8_t *p, *l4;
	uint16_t type;

	if (d->ip_opts_len > sizeof(d->ip_opts) || d->ip_opts_len % 4 != 0)
		return NULL;
	switch (d->l3) {
	case LCX_TK_IPV4:
		l3_len = sizeof(struct rte_ipv4_hdr) + d->ip_opts_len;
		type = RTE_ETHER_TYPE_IPV4;
		break;
	case LCX_TK_IPV6:
		l3_len = sizeof(struct rte_ipv6_hdr);
		type = RTE_ETHER_TYPE_IPV6;
		break;
	case LCX_TK_ARP:
		l3_len = sizeof(struct rte_arp_hdr);
		l4_len = 0;
		type = RTE_ETHER_TYPE_ARP;
		break;
	default:
		l4_len = 0;
		type = d->ether_type;
		break;
	}
	off = sizeof(*eth) + (d->vlan >= 0 ? sizeof(struct rte_vlan_hdr) : 0) +
		(d->vlan >= 0 && d->inner_vlan >= 0 ?
		 sizeof(struct rte_vlan_hdr) : 0);
	len = off + l3_len + l4_len + d->payload_len;
	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, len);
	eth = (struct rte_ether_hdr *)p;
	eth->dst_addr = d->dst_mac;
	eth->src_addr = d->src_mac;
	if (d->vlan >= 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		/* Outer tag 802.1ad when there are two (QinQ), 802.1Q else. */
		eth->ether_type = d->inner_vlan >= 0 ?
			RTE_BE16(RTE_ETHER_TYPE_QINQ) : RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16((uint16_t)((d->vlan & 0xfff) |
				(d->vlan_pcp & 7) << 13));
		if (d->inner_vlan >= 0) {
			vh->eth_proto = RTE_BE16(RTE_ETHER_TYPE_VLAN);
			vh++;
			vh->vlan_tci = rte_cpu_to_be_16(
				(uint16_t)(d->inner_vlan & 0xfff));
		}
		vh->eth_proto = rte_cpu_to_be_16(type);
	} else {
		eth->ether_type = rte_cpu_to_be_16(type);
	}
	l4 = p + off + l3_len;
	for (i = 0; i < d->payload_len; i++)
		l4[l4_len + i] = (uint8_t)i;

	switch (d->l4) {
	case IPPROTO_UDP: {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4;

		u->src_port = rte_cpu_to_be_16(d->sport);
		u->dst_port = rte_cpu_to_be_16(d->dport);
		u->dgram_len = rte_cpu_to_be_16(l4_len + d->payload_len);
		break;
	}
	case IPPROTO_TCP: {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4;

		t->src_port = rte_cpu_to_be_16(d->sport);
		t->dst_port = rte_cpu_to_be_16(d->dport);
		t->data_off = (sizeof(*t) / 4) << 4;
		t->tcp_flags = d->tcp_flags;
		t->rx_win = RTE_BE16(65535);
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)l4;

		ic->icmp_type = d->icmp_type;
		ic->icmp_code = d->icmp_code;
		ic->icmp_ident = rte_cpu_to_be_16(d->icmp_id);
		ic->icmp_seq_nb = rte_cpu_to_be_16(d->icmp_seq);
		break;
	}
	default:
		break;
	}

	if (d->l3 == LCX_TK_IPV4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + off);

		ip->version_ihl = (uint8_t)(0x40 | (l3_len / 4));
		ip->type_of_service = d->tos;
		memcpy(ip + 1, d->ip_opts, d->ip_opts_len);
		ip->total_length = rte_cpu_to_be_16(l3_len + l4_len +
				d->payload_len);
		ip->time_to_live = d->ttl;
		ip->next_proto_id = d->l4;
		ip->src_addr = d->src_ip4;
		ip->dst_addr = d->dst_ip4;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (d->l4 == IPPROTO_UDP)
			((struct rte_udp_hdr *)l4)->dgram_cksum =
				rte_ipv4_udptcp_cksum(ip, l4);
		else if (d->l4 == IPPROTO_TCP)
			((struct rte_tcp_hdr *)l4)->cksum =
				rte_ipv4_udptcp_cksum(ip, l4);
		else if (d->l4 == IPPROTO_ICMP)
			((struct rte_icmp_hdr *)l4)->icmp_cksum =
				~rte_raw_cksum(l4, l4_len + d->payload_len);
	} else if (d->l3 == LCX_TK_IPV6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(p + off);

		ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)d->tos << 20);
		ip->payload_len = rte_cpu_to_be_16(l4_len + d->payload_len);
		ip->proto = d->l4;
		ip->hop_limits = d->ttl;
		memcpy(ip->src_addr, d->src_ip6, 16);
		memcpy(ip->dst_addr, d->dst_ip6, 16);
		if (d->l4 == IPPROTO_UDP)
			((struct rte_udp_hdr *)l4)->dgram_cksum =
				rte_ipv6_udptcp_cksum(ip, l4);
		else if (d->l4 == IPPROTO_TCP)
			((struct rte_tcp_hdr *)l4)->cksum =
				rte_ipv6_udptcp_cksum(ip, l4);
		else if (d->l4 == IPPROTO_ICMPV6)
			/* Same pseudo-header sum as UDP/TCP. */
			((struct rte_icmp_hdr *)l4)->icmp_cksum =
				rte_ipv6_udptcp_cksum(ip, l4);
	} else if (d->l3 == LCX_TK_ARP) {
		struct rte_arp_hdr *a = (struct rte_arp_hdr *)(p + off);

		a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
		a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		a->arp_hlen = RTE_ETHER_ADDR_LEN;
		a->arp_plen = 4;
		a->arp_opcode = rte_cpu_to_be_16(d->arp_op);
		a->arp_data.arp_sha = d->arp_sha;
		a->arp_data.arp_sip = d->arp_spa;
		a->arp_data.arp_tha = d->arp_tha;
		a->arp_data.arp_tip = d->arp_tpa;
	}
	return m;
}

/* Fill the addresses of d from text; the family follows the text. */
static int
set_addrs(struct lcx_tk_pkt *d, const char *src, const char *dst)
{
	if (strchr(src, ':') != NULL) {
		d->l3 = LCX_TK_IPV6;
		if (inet_pton(AF_INET6, src, d->src_ip6) != 1 ||
				inet_pton(AF_INET6, dst, d->dst_ip6) != 1)
			return -EINVAL;
		return 0;
	}
	d->l3 = LCX_TK_IPV4;
	if (inet_pton(AF_INET, src, &d->src_ip4) != 1 ||
			inet_pton(AF_INET, dst, &d->dst_ip4) != 1)
		return -EINVAL;
	return 0;
}

struct rte_mbuf *
lcx_tk_udp(struct rte_mempool *mp, const char *src, const char *dst,
		uint16_t sport, uint16_t dport, uint16_t len)
{
	struct lcx_tk_pkt d;

	lcx_tk_pkt_init(&d);
	if (set_addrs(&d, src, dst) != 0)
		return NULL;
	d.sport = sport;
	d.dport = dport;
	d.payload_len = len;
	return lcx_tk_pkt_build(mp, &d);
}

struct rte_mbuf *
lcx_tk_tcp(struct rte_mempool *mp, const char *src, const char *dst,
		uint16_t sport, uint16_t dport, uint8_t flags, uint16_t len)
{
	struct lcx_tk_pkt d;

	lcx_tk_pkt_init(&d);
	if (set_addrs(&d, src, dst) != 0)
		return NULL;
	d.l4 = IPPROTO_TCP;
	d.sport = sport;
	d.dport = dport;
	d.tcp_flags = flags;
	d.payload_len = len;
	return lcx_tk_pkt_build(mp, &d);
}

struct rte_mbuf *
lcx_tk_icmp_echo(struct rte_mempool *mp, const char *src, const char *dst,
		uint16_t id, uint16_t seq, uint16_t len)
{
	struct lcx_tk_pkt d;

	lcx_tk_pkt_init(&d);
	if (set_addrs(&d, src, dst) != 0)
		return NULL;
	if (d.l3 == LCX_TK_IPV6) {
		d.l4 = IPPROTO_ICMPV6;
		d.icmp_type = 128;
	} else {
		d.l4 = IPPROTO_ICMP;
		d.icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	}
	d.icmp_id = id;
	d.icmp_seq = seq;
	d.payload_len = len;
	return lcx_tk_pkt_build(mp, &d);
}

struct rte_mbuf *
lcx_tk_arp_request(struct rte_mempool *mp, const struct rte_ether_addr *src_mac,
		const char *spa, const char *tpa)
{
	struct lcx_tk_pkt d;

	lcx_tk_pkt_init(&d);
	d.l3 = LCX_TK_ARP;
	d.l4 = 0;
	memset(&d.dst_mac, 0xff, sizeof(d.dst_mac));
	d.src_mac = *src_mac;
	d.arp_op = RTE_ARP_OP_REQUEST;
	d.arp_sha = *src_mac;
	if (inet_pton(AF_INET, spa, &d.arp_spa) != 1 ||
			inet_pton(AF_INET, tpa, &d.arp_tpa) != 1)
		return NULL;
	return lcx_tk_pkt_build(mp, &d);
}

void
lcx_tk_trim(struct rte_mbuf *m, uint16_t len)
{
	if (len < m->data_len) {
		m->data_len = len;
		m->pkt_len = len;
	}
}

uint16_t
lcx_tk_l3_off(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
	uint16_t off = RTE_ETHER_HDR_LEN;
	uint16_t type = eth->ether_type;

	/* Up to two tags, as lcx_tk_pkt_build() makes them. */
	while ((type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
			type == RTE_BE16(RTE_ETHER_TYPE_QINQ)) &&
			off < RTE_ETHER_HDR_LEN + 8) {
		type = vh->eth_proto;
		vh++;
		off += sizeof(*vh);
	}
	return off;
}

int
lcx_tk_ipv4_cksum_ok(const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv4_hdr *, lcx_tk_l3_off(m));

	return rte_raw_cksum(ip, rte_ipv4_hdr_len(ip)) == 0xffff;
}

int
lcx_tk_l4_cksum_ok(const struct rte_mbuf *m)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *,
			lcx_tk_l3_off(m));

	if ((l3[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *ip = (const void *)l3;
		const void *l4 = l3 + rte_ipv4_hdr_len(ip);

		if (ip->next_proto_id == IPPROTO_ICMP)
			return rte_raw_cksum(l4, rte_be_to_cpu_16(ip->total_length) -
				rte_ipv4_hdr_len(ip)) == 0xffff;
		return rte_ipv4_udptcp_cksum_verify(ip, l4) == 0;
	}
	return rte_ipv6_udptcp_cksum_verify((const void *)l3, l3 + 40) == 0;
}

void
lcx_tk_pkts_free(struct rte_mbuf **pkts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

/* ---- Test contexts -------------------------------------------------------- */

struct tk_port {
	struct lcx_port port;
	unsigned int n;
	struct rte_mbuf *kept[LCX_TK_TX_KEEP];
};

struct lcx_tk {
	unsigned int nb_ctx, nb_ports;
	struct lcx_ctx *ctx[LCX_TK_MAX_CTX];
	struct tk_port *port[LCX_TK_MAX_PORTS];
	struct rte_mempool *pool;
};

struct lcx_tk_handler {
	struct lcx_tk *tk;
	const struct lcx_handler *h;
	void *priv;
};

static uint16_t
tk_rx(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(port);
	RTE_SET_USED(q);
	RTE_SET_USED(pkts);
	RTE_SET_USED(n);
	return 0;
}

static uint16_t
tk_tx(struct lcx_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	struct tk_port *tp = port->priv;
	uint16_t k = RTE_MIN(n, (uint16_t)(LCX_TK_TX_KEEP - tp->n));

	RTE_SET_USED(q);
	memcpy(&tp->kept[tp->n], pkts, k * sizeof(pkts[0]));
	tp->n += k;
	return k;
}


struct lcx_tk *
lcx_tk_create(unsigned int nb_ctx, unsigned int nb_ports,
		unsigned int pool_size)
{
	static uint32_t seq;
	struct lcx_ctx_conf conf;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct lcx_tk *tk;
	unsigned int c, p;
	int rc;

	if (nb_ctx == 0 || nb_ctx > LCX_TK_MAX_CTX || nb_ports == 0 ||
			nb_ports > LCX_TK_MAX_PORTS || pool_size == 0) {
		lcx_errno = EINVAL;
		return NULL;
	}
	tk = rte_zmalloc("lcx_tk", sizeof(*tk), 0);
	if (tk == NULL) {
		lcx_errno = ENOMEM;
		return NULL;
	}
	snprintf(name, sizeof(name), "lcx_tk_%u", seq++);
	tk->pool = rte_pktmbuf_pool_create(name, pool_size, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (tk->pool == NULL) {
		lcx_errno = ENOMEM;
		goto free_tk;
	}
	for (p = 0; p < nb_ports; p++) {
		struct tk_port *tp = rte_zmalloc("lcx_tk_port", sizeof(*tp),
				RTE_CACHE_LINE_SIZE);

		if (tp == NULL) {
			lcx_errno = ENOMEM;
			goto free_all;
		}
		tp->port.rx_burst = tk_rx;
		tp->port.tx_burst = tk_tx;
		tp->port.priv = tp;
		tp->port.eth_id = LCX_PORT_NO_ETHDEV;
		tp->port.id = (uint16_t)p;
		tp->port.socket = SOCKET_ID_ANY;
		tp->port.max_rxq = tp->port.max_txq = LCX_TK_MAX_CTX;
		tp->port.started = 1;
		tp->port.mac = (struct rte_ether_addr){{2, 0, 0, 0, 0,
			(uint8_t)(0x10 + p)}};
		snprintf(tp->port.name, sizeof(tp->port.name), "tk%u", p);
		tk->port[p] = tp;
		tk->nb_ports = p + 1;
	}
	lcx_ctx_conf_init(&conf);
	conf.limits.pool_size = 0;
	for (c = 0; c < nb_ctx; c++) {
		struct lcx_ctx *ctx = lcx_ctx_create(&conf);

		if (ctx == NULL)
			goto free_all;
		tk->ctx[c] = ctx;
		tk->nb_ctx = c + 1;
		for (p = 0; p < nb_ports; p++)
			lcx_ctx_txq_set(ctx, &tk->port[p]->port, (uint16_t)c);
	}
	if (nb_ctx > 1) {
		rc = lcx_handoff_connect(tk->ctx, nb_ctx, 256);
		if (rc != 0) {
			lcx_errno = -rc;
			goto free_all;
		}
	}
	return tk;

free_all:
	lcx_tk_free(tk);
	return NULL;
free_tk:
	rte_free(tk);
	return NULL;
}

void
lcx_tk_tx_clear(struct lcx_tk *tk)
{
	unsigned int p;

	for (p = 0; p < tk->nb_ports; p++) {
		lcx_tk_pkts_free(tk->port[p]->kept, tk->port[p]->n);
		tk->port[p]->n = 0;
	}
}

int
lcx_tk_free(struct lcx_tk *tk)
{
	unsigned int c, p;
	int rc = 0;

	if (tk == NULL)
		return 0;
	if (tk->nb_ctx > 1)
		lcx_handoff_disconnect(tk->ctx[0]);
	for (c = 0; c < tk->nb_ctx; c++) {
		lcx_pipeline_detach(tk->ctx[c]);
		lcx_ctx_tx_flush_all(tk->ctx[c]);
	}
	lcx_tk_tx_clear(tk);
	for (c = 0; c < tk->nb_ctx; c++)
		lcx_ctx_free(tk->ctx[c]);
	for (p = 0; p < tk->nb_ports; p++)
		rte_free(tk->port[p]);
	if (tk->pool != NULL) {
		unsigned int avail = rte_mempool_avail_count(tk->pool);

		if (avail != tk->pool->size) {
			fprintf(stderr, "lcx_tk: pool %s: %u of %u mbufs back\n",
				tk->pool->name, avail, tk->pool->size);
			rc = -EBUSY;
		}
		rte_mempool_free(tk->pool);
	}
	rte_free(tk);
	return rc;
}

struct rte_mempool *
lcx_tk_pool(struct lcx_tk *tk)
{
	return tk->pool;
}

struct lcx_ctx *
lcx_tk_ctx(struct lcx_tk *tk, unsigned int i)
{
	return i < tk->nb_ctx ? tk->ctx[i] : NULL;
}

struct lcx_port *
lcx_tk_port(struct lcx_tk *tk, unsigned int p)
{
	return p < tk->nb_ports ? &tk->port[p]->port : NULL;
}

int
lcx_tk_attach(struct lcx_tk *tk, const char *spec)
{
	unsigned int c;
	int rc;

	for (c = 0; c < tk->nb_ctx; c++) {
		rc = lcx_pipeline_attach(tk->ctx[c], spec);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
lcx_tk_rx(struct lcx_tk *tk, unsigned int c, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct lcx_ctx *ctx = tk->ctx[c];
	struct lcx_ctx_rxq rxq = {
		.port = &tk->port[in_port]->port,
		.queue = (uint16_t)c,
		.out_port = in_port ^ 1,
	};

	uint16_t i;

	/* As a port driver does on RX (lcx_port_rx_fn): the lcx index. */
	for (i = 0; i < n; i++)
		pkts[i]->port = rxq.port->id;
	ctx->stats.rx_packets += n;
	lcx_ctx_rx_process(ctx, &rxq, pkts, n);
	lcx_ctx_tx_flush_all(ctx);
}

unsigned int
lcx_tk_poll_handoff(struct lcx_tk *tk, unsigned int c)
{
	struct lcx_ctx *ctx = tk->ctx[c];
	struct rte_mbuf *pkts[LCX_BURST];
	unsigned int i, total = 0;
	uint16_t n;

	/* The loop's path, until the rings are empty. */
	for (i = 0; i < ctx->nb_handoff_in; i++) {
		while ((n = (uint16_t)rte_ring_sc_dequeue_burst(
				ctx->handoff_in[i], (void **)pkts, LCX_BURST,
				NULL)) != 0) {
			total += n;
			lcx_ctx_handoff_process(ctx, pkts, n);
		}
	}
	ctx->stats.handoff_in += total;
	lcx_ctx_tx_flush_all(ctx);
	return total;
}

unsigned int
lcx_tk_tx_count(struct lcx_tk *tk, uint16_t p)
{
	return p < tk->nb_ports ? tk->port[p]->n : 0;
}

struct rte_mbuf *
lcx_tk_tx_pkt(struct lcx_tk *tk, uint16_t p, unsigned int i)
{
	if (p >= tk->nb_ports || i >= tk->port[p]->n)
		return NULL;
	return tk->port[p]->kept[i];
}

uint64_t
lcx_tk_drops(struct lcx_tk *tk, unsigned int c, unsigned int stage,
		const char *reason)
{
	struct lcx_handler_stats st;
	unsigned int r;

	if (c >= tk->nb_ctx ||
			lcx_pipeline_stats_get(tk->ctx[c], stage, &st) != 0)
		return 0;
	for (r = 0; r < st.nb_drops; r++)
		if (strcmp(st.drop_name[r], reason) == 0)
			return st.drop[r];
	return 0;
}

/* ---- One handler alone ---------------------------------------------------- */

struct lcx_tk_handler *
lcx_tk_handler_open(struct lcx_tk *tk, const char *name, const char *args)
{
	struct lcx_tk_handler *th;
	int rc;

	th = rte_zmalloc("lcx_tk_handler", sizeof(*th), 0);
	if (th == NULL) {
		lcx_errno = ENOMEM;
		return NULL;
	}
	th->tk = tk;
	th->h = lcx_handler_find(name);
	if (th->h == NULL) {
		lcx_errno = ENOENT;
		goto free_th;
	}
	if (th->h->priv_size != 0) {
		th->priv = rte_zmalloc(name, th->h->priv_size,
				RTE_CACHE_LINE_SIZE);
		if (th->priv == NULL) {
			lcx_errno = ENOMEM;
			goto free_th;
		}
	}
	if (th->h->init != NULL) {
		rc = th->h->init(th->priv, args ? args : "", tk->ctx[0]);
		if (rc != 0) {
			lcx_errno = -rc;
			goto free_priv;
		}
	}
	return th;

free_priv:
	rte_free(th->priv);
free_th:
	rte_free(th);
	return NULL;
}

uint16_t
lcx_tk_handler_run(struct lcx_tk_handler *th, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	uint16_t i;

	/* Handlers see the lcx port index in mbuf->port, as in a pipeline;
	 * the builders leave 0 there: set it before calling if it matters. */
	for (i = 0; i < n; i++)
		act[i] = LCX_ACT_CONTINUE;
	return th->h->process(th->priv, th->tk->ctx[0], pkts, act, n);
}

const char *
lcx_tk_act_str(const struct lcx_tk_handler *th, uint16_t act, char *buf,
		size_t len)
{
	uint16_t arg = LCX_ACT_ARG(act);

	switch (LCX_ACT_KIND(act)) {
	case LCX_ACT_KIND_CONTINUE:
		snprintf(buf, len, "continue");
		break;
	case LCX_ACT_KIND_TX:
		snprintf(buf, len, "tx:%u", arg);
		break;
	case LCX_ACT_KIND_HANDOFF:
		snprintf(buf, len, "handoff:%u", arg);
		break;
	case LCX_ACT_KIND_DROP:
		if (arg < th->h->nb_drops)
			snprintf(buf, len, "drop:%s", th->h->drop_names[arg]);
		else
			snprintf(buf, len, "drop:?%u", arg);
		break;
	case LCX_ACT_KIND_TAKEN:
		snprintf(buf, len, "taken");
		break;
	default:
		snprintf(buf, len, "?0x%04x", act);
		break;
	}
	return buf;
}

void *
lcx_tk_handler_priv(struct lcx_tk_handler *th)
{
	return th->priv;
}

void
lcx_tk_handler_close(struct lcx_tk_handler *th)
{
	if (th == NULL)
		return;
	if (th->h->fini != NULL)
		th->h->fini(th->priv, th->tk->ctx[0]);
	rte_free(th->priv);
	rte_free(th);
}
