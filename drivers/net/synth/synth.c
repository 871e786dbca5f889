/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "synth" port driver: a traffic source on RX and a checking sink on TX,
 * with no device behind it.  Options and counters: lcx_synth.h.
 *
 * RX copies a prebuilt per-flow header template (Ethernet, IP, UDP and the
 * synth header up to the flow id) and a seeded payload pattern into mbufs
 * from the queue's pool, then patches lengths, sequence number, timestamp
 * and checksums.  The UDP checksum is incremental: the template's sum is
 * kept per flow, the payload pattern's sum per length, so a frame costs two
 * copies and a dozen additions whatever its size.
 *
 * Ownership: RX queue q alone generates its flows, so a flow's template and
 * sequence number are written by one thread (the DPDK rule: one thread a
 * queue).  TX queues may run on different threads, and a flow's frames may
 * reach TX on any of them (a queue moved between contexts, two contexts
 * forwarding one RX queue by mistake); so the expected-sequence state of a
 * flow sits on its own cache line under a per-flow spinlock.  In normal
 * forwarding a flow reaches one TX queue at a time and the lock is never
 * contended: one uncontended atomic a frame on the sink side.  Counters are
 * per TX queue, written by that queue's thread only and summed by readers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_spinlock.h>
#include <rte_udp.h>

#include "lcx_port.h"
#include "lcx_synth.h"
#include "synth_private.h"

static unsigned int
flow_rxq(const struct synth_opts *o, uint32_t flow, uint16_t nb_rxq)
{
	return mix64(o->seed ^ ((uint64_t)flow << 20)) % nb_rxq;
}

static int
flow_is_v6(const struct synth_opts *o, uint32_t flow)
{
	return o->ip == IP_V6 || (o->ip == IP_MIX && (flow & 1));
}

/* ---- options ---------------------------------------------------------- */

static int
parse_u64(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (v == NULL || v[0] == '\0' || v[0] == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

static int
opt_size(const char *key, const char *v, void *arg)
{
	struct synth_opts *o = arg;
	uint64_t a, b;
	char lo[16];
	const char *dash;

	RTE_SET_USED(key);
	if (v != NULL && strcmp(v, "imix") == 0) {
		o->size_mode = SIZE_IMIX;
		o->size_min = 64;
		o->size_max = 1500;
		return 0;
	}
	dash = v != NULL ? strchr(v, '-') : NULL;
	if (dash == NULL) {
		if (parse_u64(v, SYNTH_MIN_LEN, SYNTH_MAX_LEN, &a) != 0)
			return -EINVAL;
		o->size_mode = SIZE_FIXED;
		o->size_min = o->size_max = a;
		return 0;
	}
	if ((size_t)(dash - v) >= sizeof(lo))
		return -EINVAL;
	memcpy(lo, v, dash - v);
	lo[dash - v] = '\0';
	if (parse_u64(lo, SYNTH_MIN_LEN, SYNTH_MAX_LEN, &a) != 0 ||
			parse_u64(dash + 1, SYNTH_MIN_LEN, SYNTH_MAX_LEN, &b) != 0 ||
			a > b)
		return -EINVAL;
	o->size_mode = SIZE_RANGE;
	o->size_min = a;
	o->size_max = b;
	return 0;
}

static int
opt_flows(const char *key, const char *v, void *arg)
{
	struct synth_opts *o = arg;
	uint64_t x;

	RTE_SET_USED(key);
	if (parse_u64(v, 1, LCX_SYNTH_MAX_FLOWS, &x) != 0)
		return -EINVAL;
	o->flows = x;
	return 0;
}

static int
opt_ipv6(const char *key, const char *v, void *arg)
{
	struct synth_opts *o = arg;

	RTE_SET_USED(key);
	if (v == NULL)
		return -EINVAL;
	if (strcmp(v, "0") == 0)
		o->ip = IP_V4;
	else if (strcmp(v, "1") == 0)
		o->ip = IP_V6;
	else if (strcmp(v, "mix") == 0)
		o->ip = IP_MIX;
	else
		return -EINVAL;
	return 0;
}

static int
opt_seed(const char *key, const char *v, void *arg)
{
	RTE_SET_USED(key);
	return parse_u64(v, 0, UINT64_MAX, &((struct synth_opts *)arg)->seed);
}

static int
opt_count(const char *key, const char *v, void *arg)
{
	RTE_SET_USED(key);
	return parse_u64(v, 0, UINT64_MAX - 1,
		&((struct synth_opts *)arg)->count);
}

static int
opt_ts(const char *key, const char *v, void *arg)
{
	uint64_t x;

	RTE_SET_USED(key);
	if (parse_u64(v, 0, 1, &x) != 0)
		return -EINVAL;
	((struct synth_opts *)arg)->ts = x;
	return 0;
}

static const struct {
	const char *key;
	arg_handler_t fn;
} opt_table[] = {
	{ "size", opt_size },
	{ "flows", opt_flows },
	{ "ipv6", opt_ipv6 },
	{ "seed", opt_seed },
	{ "count", opt_count },
	{ "ts", opt_ts },
};

static int
opts_parse(const char *spec, const char *args, struct synth_opts *o)
{
	static const char * const keys[] = {
		"size", "flows", "ipv6", "seed", "count", "ts", NULL,
	};
	struct rte_kvargs *kv;
	unsigned int i;

	o->size_mode = SIZE_FIXED;
	o->size_min = o->size_max = SYNTH_MIN_LEN;
	o->flows = 1;
	o->ip = IP_V4;
	o->seed = 1;
	o->count = 0;
	o->ts = 1;
	if (args == NULL || args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(args, keys);
	if (kv == NULL) {
		LCX_LOG(ERR, "port %s: bad options (keys: size flows ipv6 seed count ts)",
			spec);
		return -EINVAL;
	}
	for (i = 0; i < RTE_DIM(opt_table); i++) {
		if (rte_kvargs_process(kv, opt_table[i].key, opt_table[i].fn,
				o) != 0) {
			LCX_LOG(ERR, "port %s: bad value of %s=", spec,
				opt_table[i].key);
			rte_kvargs_free(kv);
			return -EINVAL;
		}
	}
	rte_kvargs_free(kv);
	return 0;
}

/* ---- templates -------------------------------------------------------- */

static const struct rte_ether_addr src_mac = {
	.addr_bytes = { 0x02, 0x6c, 0x63, 0x78, 0x00, 0x01 } };
static const struct rte_ether_addr dst_mac = {
	.addr_bytes = { 0x02, 0x6c, 0x63, 0x78, 0x00, 0x02 } };

/* Addresses from the benchmarking ranges: 198.18.0.0/15, 2001:2::/48.
 * The source carries the flow id, so flows are distinct 5-tuples; the UDP
 * source port comes from the seed. */
static void
flow_build(struct flow *f, const struct synth_opts *o, uint32_t id)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f->tmpl;
	struct rte_udp_hdr *udp;
	struct lcx_synth_hdr *sh;
	uint32_t sum;

	memset(f, 0, sizeof(*f));
	rte_spinlock_init(&f->lock);
	rte_ether_addr_copy(&dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(&src_mac, &eth->src_addr);
	if (flow_is_v6(o, id)) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
		static const uint8_t pfx[6] = { 0x20, 0x01, 0x00, 0x02, 0, 0 };

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->proto = IPPROTO_UDP;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, pfx, sizeof(pfx));
		ip6->src_addr[13] = 1;
		ip6->src_addr[14] = id >> 8;
		ip6->src_addr[15] = id & 0xff;
		memcpy(ip6->dst_addr, pfx, sizeof(pfx));
		ip6->dst_addr[13] = 2;
		ip6->dst_addr[15] = 1;
		f->l3_len = L3_LEN6;
		f->hdr_len = HDR_LEN6;
		f->min_len = LCX_SYNTH_MIN_LEN6;
		sum = __rte_raw_cksum(ip6->src_addr, 32, 0);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(LCX_IPV4(198, 18, 0, 0) + id);
		ip->dst_addr = rte_cpu_to_be_32(LCX_IPV4(198, 19, 0, 1));
		f->l3_len = L3_LEN4;
		f->hdr_len = HDR_LEN4;
		f->min_len = LCX_SYNTH_MIN_LEN4;
		f->ip_sum = __rte_raw_cksum(ip, L3_LEN4, 0);
		sum = __rte_raw_cksum(&ip->src_addr, 8, 0);
	}
	udp = (struct rte_udp_hdr *)(f->tmpl + L2_LEN + f->l3_len);
	udp->src_port = rte_cpu_to_be_16(1024 + mix64(o->seed + id) % 64512);
	udp->dst_port = rte_cpu_to_be_16(9); /* discard */
	sh = (struct lcx_synth_hdr *)(udp + 1);
	sh->magic = LCX_SYNTH_MAGIC;
	sh->flow = id;
	/* Pseudo-header protocol word, ports, magic and flow; the length
	 * (twice: pseudo header and UDP header), seq, tsc and payload are
	 * added per frame. */
	sum += rte_cpu_to_be_16(IPPROTO_UDP);
	sum += __rte_raw_cksum(udp, UDP_LEN + 4, 0);
	f->udp_sum = sum;
}

static uint16_t
frame_len_max(const struct synth_opts *o)
{
	return o->ip == IP_V4 ? o->size_max :
		RTE_MAX(o->size_max, (uint16_t)LCX_SYNTH_MIN_LEN6);
}

/* ---- control ---------------------------------------------------------- */

static void
state_reset(struct synth_priv *sp)
{
	const struct synth_opts *o = &sp->opts;
	uint32_t i;
	uint16_t q;

	for (i = 0; i < o->flows; i++)
		flow_build(&sp->flows[sp->slot[i]], o, i);
	for (q = 0; q < SYNTH_MAX_QUEUES; q++) {
		struct synth_rxq *rq = &sp->rxq[q];

		rq->cursor = 0;
		rq->imix_pos = 0;
		rq->remaining = o->count != 0 ? o->count : UINT64_MAX;
		rq->rng = mix64(o->seed ^ mix64(q + 1)) | 1;
		rq->generated = 0;
		rq->gen_bytes = 0;
		rq->nombuf = 0;
		memset(&sp->txq[q], 0, sizeof(sp->txq[q]));
	}
}

static int
synth_open(struct lcx_port *port, const char *args)
{
	struct synth_priv *sp;
	uint64_t rng;
	unsigned int i;
	int rc;

	sp = rte_zmalloc("lcx_synth", sizeof(*sp), RTE_CACHE_LINE_SIZE);
	if (sp == NULL)
		return -ENOMEM;
	rc = opts_parse(port->name, args, &sp->opts);
	if (rc != 0)
		goto free_priv;
	sp->flows = rte_zmalloc("lcx_synth_flows",
		sizeof(*sp->flows) * sp->opts.flows, RTE_CACHE_LINE_SIZE);
	sp->slot = rte_zmalloc("lcx_synth_flow_slots",
		sizeof(*sp->slot) * sp->opts.flows, 0);
	if (sp->flows == NULL || sp->slot == NULL) {
		LCX_LOG(ERR, "port %s: no memory for %u flows", port->name,
			sp->opts.flows);
		rc = -ENOMEM;
		goto free_flows;
	}
	for (i = 0; i < sp->opts.flows; i++)
		sp->slot[i] = i;	/* until configure groups them */
	rng = mix64(sp->opts.seed) | 1;
	for (i = 0; i < SYNTH_MAX_LEN; i++)
		sp->pattern[i] = rng_next(&rng) >> 56;
	/* Quadratic but once: 1.2 M byte additions. */
	for (i = 0; i <= SYNTH_MAX_LEN; i++)
		sp->pat_sum[i] = __rte_raw_cksum(sp->pattern, i, 0);
	state_reset(sp);

	port->priv = sp;
	port->socket = SOCKET_ID_ANY;
	port->max_rxq = SYNTH_MAX_QUEUES;
	port->max_txq = SYNTH_MAX_QUEUES;
	rte_ether_addr_copy(&src_mac, &port->mac);
	return 0;

free_flows:
	rte_free(sp->slot);
	rte_free(sp->flows);
free_priv:
	rte_free(sp);
	return rc;
}

static int
synth_configure(struct lcx_port *port, const struct lcx_port_conf *conf)
{
	struct synth_priv *sp = port->priv;
	const struct synth_opts *o = &sp->opts;
	uint32_t cnt[SYNTH_MAX_QUEUES] = { 0 }, off[SYNTH_MAX_QUEUES];
	uint16_t q, need = frame_len_max(o);
	uint32_t i, room;

	for (q = 0; q < conf->nb_rxq; q++) {
		room = rte_pktmbuf_data_room_size(conf->rxq_pool[q]);
		if (room < (uint32_t)RTE_PKTMBUF_HEADROOM + need) {
			LCX_LOG(ERR, "port %s: pool %s holds %u-byte frames, %u needed",
				port->name, conf->rxq_pool[q]->name,
				room > (uint32_t)RTE_PKTMBUF_HEADROOM ?
				room - RTE_PKTMBUF_HEADROOM : 0, need);
			return -EINVAL;
		}
	}
	for (i = 0; i < o->flows; i++)
		cnt[flow_rxq(o, i, conf->nb_rxq)]++;
	for (q = 0, i = 0; q < conf->nb_rxq; i += cnt[q], q++)
		off[q] = i;
	for (q = 0; q < SYNTH_MAX_QUEUES; q++) {
		sp->rxq[q].pool = q < conf->nb_rxq ? conf->rxq_pool[q] : NULL;
		sp->rxq[q].first = q < conf->nb_rxq ? off[q] : 0;
		sp->rxq[q].nb_flows = q < conf->nb_rxq ? cnt[q] : 0;
	}
	for (i = 0; i < o->flows; i++) {
		q = flow_rxq(o, i, conf->nb_rxq);
		sp->slot[i] = off[q]++;
	}
	sp->nb_rxq = conf->nb_rxq;
	state_reset(sp);
	return 0;
}

static int
synth_start(struct lcx_port *port)
{
	RTE_SET_USED(port);
	return 0;
}

static int
synth_stop(struct lcx_port *port)
{
	RTE_SET_USED(port);
	return 0;
}

static int
synth_stats_get(struct lcx_port *port, struct lcx_port_stats *st)
{
	struct lcx_synth_stats s;

	lcx_synth_stats_get(port, &s);
	st->ipackets = s.generated;
	st->ibytes = s.gen_bytes;
	st->rx_nombuf = s.rx_nombuf;
	st->opackets = s.sent;
	st->obytes = s.sent_bytes;
	return 0;
}

static int
synth_xstats_dump(struct lcx_port *port, FILE *f)
{
	struct lcx_synth_stats s;

	lcx_synth_stats_get(port, &s);
#define X(n) fprintf(f, "synth_" #n " %" PRIu64 "\n", s.n)
	X(generated); X(gen_bytes); X(rx_nombuf); X(sent); X(sent_bytes);
	X(received); X(in_order); X(lost); X(dup); X(reordered); X(late);
	X(bad); X(lat_min); X(lat_avg); X(lat_max);
#undef X
	return 0;
}

static int
synth_link_get(struct lcx_port *port, struct lcx_port_link *link)
{
	RTE_SET_USED(port);
	link->up = 1;
	link->full_duplex = 1;
	link->speed_mbps = 0; /* no wire: unlimited */
	return 0;
}

static void
synth_close(struct lcx_port *port)
{
	struct synth_priv *sp = port->priv;

	rte_free(sp->slot);
	rte_free(sp->flows);
	rte_free(sp);
	port->priv = NULL;
}

static const struct lcx_port_ops synth_ops = {
	.name = "synth",
	.open = synth_open,
	.configure = synth_configure,
	.start = synth_start,
	.stop = synth_stop,
	.rx_burst = synth_rx_burst,
	.tx_burst = synth_tx_burst,
	.stats_get = synth_stats_get,
	.xstats_dump = synth_xstats_dump,
	.link_get = synth_link_get,
	.close = synth_close,
};

LCX_PORT_DRIVER_REGISTER(synth_ops);

/* ---- public API ------------------------------------------------------- */

static inline uint64_t
rd(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int
lcx_synth_stats_get(struct lcx_port *port, struct lcx_synth_stats *st)
{
	const struct synth_priv *sp;
	uint64_t gaps = 0, lat_sum = 0, lat_n = 0, v;
	uint16_t q;

	if (port == NULL || st == NULL || port->ops != &synth_ops)
		return -EINVAL;
	sp = port->priv;
	memset(st, 0, sizeof(*st));
	for (q = 0; q < SYNTH_MAX_QUEUES; q++) {
		const struct synth_rxq *rq = &sp->rxq[q];
		const struct synth_txq *tq = &sp->txq[q];

		st->generated += rd(&rq->generated);
		st->gen_bytes += rd(&rq->gen_bytes);
		st->rx_nombuf += rd(&rq->nombuf);
		st->sent += rd(&tq->sent);
		st->sent_bytes += rd(&tq->sent_bytes);
		st->received += rd(&tq->received);
		st->in_order += rd(&tq->in_order);
		gaps += rd(&tq->gaps);
		st->dup += rd(&tq->dup);
		st->reordered += rd(&tq->reordered);
		st->late += rd(&tq->late);
		st->bad += rd(&tq->bad);
		v = rd(&tq->lat_n);
		if (v != 0) {
			if (lat_n == 0 || rd(&tq->lat_min) < st->lat_min)
				st->lat_min = rd(&tq->lat_min);
			if (rd(&tq->lat_max) > st->lat_max)
				st->lat_max = rd(&tq->lat_max);
			lat_sum += rd(&tq->lat_sum);
			lat_n += v;
		}
	}
	/* A reordered frame was counted in a gap when its successor came. */
	st->lost = gaps > st->reordered ? gaps - st->reordered : 0;
	st->lat_avg = lat_n != 0 ? lat_sum / lat_n : 0;
	return 0;
}

int
lcx_synth_reset(struct lcx_port *port)
{
	if (port == NULL || port->ops != &synth_ops)
		return -EINVAL;
	if (port->started)
		return -EBUSY;
	state_reset(port->priv);
	return 0;
}

int
lcx_synth_flow_rxq(struct lcx_port *port, uint32_t flow)
{
	const struct synth_priv *sp;

	if (port == NULL || port->ops != &synth_ops)
		return -EINVAL;
	sp = port->priv;
	if (sp->nb_rxq == 0 || flow >= sp->opts.flows)
		return -EINVAL;
	return flow_rxq(&sp->opts, flow, sp->nb_rxq);
}
