/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "kv" handler: memcached UDP requests in, replies out, one shard per
 * context.
 *
 * A datagram is parsed on the context that received it (the RX queue's
 * owner).  A request whose key belongs to this context's shard runs at
 * once; one whose key belongs to another shard becomes a job posted to
 * the owner's run queue, and the owner runs it and sends the reply from
 * its own TX queue on the same port: one hop, not a call and a reply
 * (Seastar's submit_to would come back; here nothing is left to do on the
 * receiving side).  The posts of one burst are grouped by owner and sent
 * with lcx_runq_post_burst(): one ring enqueue, so one atomic operation,
 * per owner per burst.
 *
 * A get of several keys runs as a chain: each shard serves the run of
 * consecutive keys it owns, appends to the reply, and passes the job on
 * to the owner of the next key; the last one sends.  Keys stay in their
 * order and every shard is only touched by its owner.
 *
 * Jobs come from a per-context mempool and go back to it from whichever
 * context finishes them (mempools are multi-producer); reply mbufs come
 * from the pool of the context that writes them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "lcx_handler.h"
#include "kv_service.h"

#define foreach_kv_drop(_)                                 \
	_(KV_DROP_NOT_KV, "not-kv")       /* not UDP to the service */ \
	_(KV_DROP_BAD_FRAME, "bad-frame") /* shorter than a frame header */ \
	_(KV_DROP_NO_JOB, "no-job")       /* job pool empty */
LCX_HANDLER_DROPS(kv, foreach_kv_drop);

#define HDRS (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + \
	sizeof(struct rte_udp_hdr))
#define REPLY_TTL 64
/* Jobs per context: more than its run queue holds, so that a full run
 * queue, not an empty job pool, is what pushes back. */
#define JOBS_PER_CTX 8191
#define JOBS_CACHE 128

struct kv_service kv_svc;

struct kv_priv {
	unsigned int self;         /* shard index */
	uint16_t nb[LCX_MAX_CONTEXTS];
	struct lcx_task batch[LCX_MAX_CONTEXTS][LCX_BURST];
};

static void job_task(void *arg);
static void job_home_task(void *arg);

static char *
seg_alloc(struct kv_out *o, unsigned int idx)
{
	struct kv_job *job = o->opaque;
	struct lcx_ctx *ctx = lcx_ctx_self();
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(ctx->pool);
	if (unlikely(m == NULL)) {
		kv_svc.srv.shard[job->shard]->stat[KV_ST_NO_MBUF]++;
		return NULL;
	}
	job->m[idx] = m;
	return rte_pktmbuf_mtod_offset(m, char *, HDRS + KV_FRAME_HDR);
}

static void
job_free(struct kv_job *job)
{
	unsigned int i;

	for (i = 0; i < job->out.nalloc; i++)
		rte_pktmbuf_free(job->m[i]);
	rte_pktmbuf_free(job->req);
	rte_mempool_put(job->pool, job);
}

/* Frame every datagram of the reply and queue them for TX. */
static void
job_send(struct lcx_ctx *ctx, struct kv_shard *sh, struct kv_job *job)
{
	const struct lcx_port *port = ctx->txq[job->port].port;
	struct kv_out *o = &job->out;
	unsigned int i, n;

	if (unlikely(o->failed)) {
		/* Out of segments or mbufs: say so in one datagram. */
		kv_out_reset(o);
		if (job->r.cmd == KV_CMD_GET || job->r.cmd == KV_CMD_GETS)
			sh->err[KV_E_REPLY_TOO_BIG]++;
		if (!job->r.binary) {
			kv_out_str(o, kv_err_reply(KV_E_REPLY_TOO_BIG));
			kv_out_str(o, "\r\n");
		}
	}
	if (unlikely(port == NULL))
		sh->stat[KV_ST_NO_TXQ]++;
	n = o->failed || kv_out_bytes(o) == 0 || port == NULL ? 0 : o->n;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = job->m[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m,
				struct rte_ether_hdr *);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
		uint8_t *fr = (uint8_t *)(udp + 1);
		uint16_t ulen = (uint16_t)(sizeof(*udp) + KV_FRAME_HDR +
				o->len[i]);

		eth->dst_addr = job->peer_mac;
		eth->src_addr = port->mac;
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->type_of_service = 0;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) +
				ulen));
		ip->packet_id = 0;
		ip->fragment_offset = 0;
		ip->time_to_live = REPLY_TTL;
		ip->next_proto_id = IPPROTO_UDP;
		ip->hdr_checksum = 0;
		ip->src_addr = job->our_ip;
		ip->dst_addr = job->peer_ip;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp->src_port = job->our_port;
		udp->dst_port = job->peer_port;
		udp->dgram_len = rte_cpu_to_be_16(ulen);
		udp->dgram_cksum = 0;	/* optional in IPv4 */
		memcpy(fr, &job->frame_id, 2);
		fr[2] = (uint8_t)(i >> 8);
		fr[3] = (uint8_t)i;
		fr[4] = (uint8_t)(n >> 8);
		fr[5] = (uint8_t)n;
		fr[6] = 0;
		fr[7] = 0;
		m->data_len = (uint16_t)(HDRS + KV_FRAME_HDR + o->len[i]);
		m->pkt_len = m->data_len;
		m->port = job->port;
	}
	sh->stat[KV_ST_DGRAMS_OUT] += n;
	if (n != 0)
		lcx_ctx_tx_burst(ctx, job->port, job->m, (uint16_t)n);
	/* The datagrams sent belong to the TX queue now. */
	for (i = n; i < o->nalloc; i++)
		rte_pktmbuf_free(job->m[i]);
	o->nalloc = 0;
	rte_pktmbuf_free(job->req);
	rte_mempool_put(job->pool, job);
}

/* The reply is complete on shard s: send it from here, or from the
 * receiving context when asked to (--reply-from receiver) or when this
 * context has no TX queue on the port. */
static void
job_done(struct lcx_ctx *ctx, unsigned int s, struct kv_job *job)
{
	struct kv_shard *sh = kv_svc.srv.shard[s];
	unsigned int to = job->home;

	if (ctx->txq[job->port].port != NULL &&
			(s == to || !kv_svc.reply_home)) {
		job_send(ctx, sh, job);
		return;
	}
	if (unlikely(kv_svc.ctx[to]->txq[job->port].port == NULL)) {
		if (kv_svc.tx_shard[job->port] < 0) {
			sh->stat[KV_ST_NO_TXQ]++;
			job_free(job);
			return;
		}
		to = (unsigned int)kv_svc.tx_shard[job->port];
	}
	job->home = to;
	sh->stat[KV_ST_REPLY_HOME]++;
	if (unlikely(lcx_runq_post(kv_svc.ctx[to]->runq,
			job_home_task, job, LCX_PRIO_NORMAL) != 0)) {
		sh->stat[KV_ST_RUNQ_FULL]++;
		job_free(job);
	}
}

/* Run the job's part on shard s (the calling context's); send or pass on. */
static void
job_run(struct lcx_ctx *ctx, unsigned int s, struct kv_job *job)
{
	struct kv_shard *sh = kv_svc.srv.shard[s];
	const struct kv_req *r = &job->r;
	unsigned int next;

	job->shard = s;
	if (unlikely(r->err != KV_OK)) {
		kv_exec_error(sh, r, &job->out);
		job_done(ctx, s, job);
		return;
	}
	kv_exec(&kv_svc.srv, sh, r, &job->cursor, &job->out);
	if (job->cursor == r->nkeys) {
		job_done(ctx, s, job);
		return;
	}
	/* A get whose next key is another shard's: pass the job on. */
	next = kv_req_shard(&kv_svc.srv, r, job->cursor);
	job->shard = next;
	sh->stat[KV_ST_CROSS_OUT]++;
	if (unlikely(lcx_runq_post(kv_svc.ctx[next]->runq, job_task, job,
			LCX_PRIO_NORMAL) != 0)) {
		sh->stat[KV_ST_RUNQ_FULL]++;
		job_free(job);
	}
}

static __rte_always_inline void
shard_clock(struct kv_shard *sh)
{
	uint64_t now = rte_rdtsc();

	kv_shard_clock(sh, now, 1 + (uint32_t)((now - kv_svc.srv.tsc_start) /
			kv_svc.srv.tsc_hz));
}

/* A job another context posted: we own its next key. */
static void
job_task(void *arg)
{
	struct kv_job *job = arg;
	unsigned int s = job->shard;
	struct kv_shard *sh = kv_svc.srv.shard[s];

	if (unlikely(kv_svc.stopping)) {
		job_free(job);
		return;
	}
	shard_clock(sh);
	sh->stat[KV_ST_CROSS_IN]++;
	job_run(kv_svc.ctx[s], s, job);
}

/* A finished job back on the context that received it: send the reply. */
static void
job_home_task(void *arg)
{
	struct kv_job *job = arg;

	if (unlikely(kv_svc.stopping)) {
		job_free(job);
		return;
	}
	job_send(kv_svc.ctx[job->home], kv_svc.srv.shard[job->home], job);
}

/* The UDP payload of a datagram to the service, or NULL. */
static __rte_always_inline const char *
kv_payload(const struct rte_mbuf *m, uint32_t *len)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);
	const struct rte_udp_hdr *udp;
	uint16_t ihl, tot, ulen;

	if (unlikely(m->data_len < HDRS || m->data_len != m->pkt_len) ||
			eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			ip->next_proto_id != IPPROTO_UDP ||
			ip->dst_addr != kv_svc.addr ||
			(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
				RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return NULL;
	ihl = (ip->version_ihl & 0xf) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
			tot < ihl + sizeof(*udp) ||
			RTE_ETHER_HDR_LEN + tot > m->data_len)
		return NULL;
	udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (udp->dst_port != kv_svc.udp_port || ulen < sizeof(*udp) ||
			ulen > tot - ihl)
		return NULL;
	*len = ulen - sizeof(*udp);
	return (const char *)(udp + 1);
}

/* Set up a job for datagram m (payload p, len bytes). */
static void
job_init(struct kv_job *job, struct rte_mbuf *m, const char *p, uint32_t len)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);
	const struct rte_udp_hdr *udp = (const void *)(p - sizeof(*udp));
	const uint8_t *fr = (const uint8_t *)p;

	job->req = m;
	/* As arp-icmp: an index in range whatever the driver left there. */
	job->port = m->port & (LCX_MAX_PORTS - 1);
	job->cursor = 0;
	job->peer_mac = eth->src_addr;
	job->peer_ip = ip->src_addr;
	job->our_ip = ip->dst_addr;
	job->peer_port = udp->src_port;
	job->our_port = udp->dst_port;
	memcpy(&job->frame_id, p, 2);
	job->out.n = 0;
	job->out.nalloc = 0;
	job->out.failed = 0;
	job->out.cap = KV_SEG_MAX;
	job->out.alloc = seg_alloc;
	job->out.opaque = job;
	/* memcached: sequence 0 of 1 datagram, or this error. */
	if (fr[2] != 0 || fr[3] != 0 || fr[4] != 0 || fr[5] != 1) {
		memset(&job->r, 0, offsetof(struct kv_req, key_off));
		job->r.err = KV_E_MULTI_PACKET;
		return;
	}
	kv_parse(p + KV_FRAME_HDR, len - KV_FRAME_HDR, &job->r);
}

static uint16_t
kv_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct kv_priv *kp = priv;
	unsigned int self = kp->self, owner, i, k, q;
	struct kv_shard *sh = kv_svc.srv.shard[self];
	struct rte_mempool *jobs = kv_svc.jobs[self];
	struct kv_job *job;
	const char *p;
	uint32_t len;

	shard_clock(sh);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		p = kv_payload(m, &len);
		if (unlikely(p == NULL)) {
			sh->stat[KV_ST_NOT_KV]++;
			act[i] = LCX_ACT_DROP(KV_DROP_NOT_KV);
			continue;
		}
		sh->stat[KV_ST_DGRAMS_IN]++;
		if (unlikely(len < KV_FRAME_HDR)) {
			sh->err[KV_E_BAD_FRAME]++;
			act[i] = LCX_ACT_DROP(KV_DROP_BAD_FRAME);
			continue;
		}
		if (unlikely(rte_mempool_get(jobs, (void **)&job) != 0)) {
			sh->stat[KV_ST_NO_MBUF]++;
			act[i] = LCX_ACT_DROP(KV_DROP_NO_JOB);
			continue;
		}
		job->pool = jobs;
		job->home = self;
		job_init(job, m, p, len);
		act[i] = LCX_ACT_TAKEN;
		owner = job->r.err == KV_OK && kv_cmd_has_key(job->r.cmd) ?
			kv_req_shard(&kv_svc.srv, &job->r, 0) : self;
		if (owner == self) {
			job_run(ctx, self, job);
			continue;
		}
		job->shard = owner;
		kp->batch[owner][kp->nb[owner]].fn = job_task;
		kp->batch[owner][kp->nb[owner]].arg = job;
		kp->nb[owner]++;
	}
	/* One post per owner for the whole burst. */
	for (q = 0; q < kv_svc.srv.nb_shards; q++) {
		if (kp->nb[q] == 0)
			continue;
		k = lcx_runq_post_burst(kv_svc.ctx[q]->runq, kp->batch[q],
				kp->nb[q], LCX_PRIO_NORMAL);
		sh->stat[KV_ST_CROSS_OUT] += k;
		sh->stat[KV_ST_RUNQ_FULL] += kp->nb[q] - k;
		for (; k < kp->nb[q]; k++)
			job_free(kp->batch[q][k].arg);
		kp->nb[q] = 0;
	}
	return n;
}

static int
kv_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct kv_priv *kp = priv;
	unsigned int i;

	RTE_SET_USED(args);
	for (i = 0; i < kv_svc.srv.nb_shards; i++)
		if (kv_svc.ctx[i] == ctx) {
			kp->self = i;
			return 0;
		}
	LCX_LOG(ERR, "kv: context %s has no shard", ctx->name);
	return -EINVAL;
}

LCX_HANDLER_REGISTER(kv) = {
	.name = "kv",
	.usage = "kv  (lcx-kv's service; configured by lcx-kv itself)",
	.priv_size = sizeof(struct kv_priv),
	.init = kv_init,
	.process = kv_process,
	LCX_HANDLER_DROPS_OF(kv),
};

/* ---- Set-up ------------------------------------------------------------- */

int
kv_service_init(struct lcx_ctx **ctx, unsigned int n, uint64_t mem_total,
		uint32_t addr, uint16_t udp_port)
{
	struct kv_server *srv = &kv_svc.srv;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int i, p;
	int rc;

	if (n == 0 || n > LCX_MAX_CONTEXTS || n > 256)
		return -EINVAL;
	memset(&kv_svc, 0, sizeof(kv_svc));
	kv_svc.addr = addr;
	kv_svc.udp_port = udp_port;
	srv->nb_shards = n;
	srv->tsc_hz = rte_get_tsc_hz();
	srv->tsc_start = rte_rdtsc();
	srv->unix_start = (uint32_t)time(NULL);
	srv->pid = (uint32_t)getpid();
	srv->mem_limit = mem_total;
	for (p = 0; p < LCX_MAX_PORTS; p++) {
		kv_svc.tx_shard[p] = -1;
		for (i = n; i-- > 0; )
			if (ctx[i]->txq[p].port != NULL)
				kv_svc.tx_shard[p] = (int16_t)i;
	}
	for (i = 0; i < n; i++) {
		kv_svc.ctx[i] = ctx[i];
		srv->shard[i] = rte_zmalloc_socket("kv_shard",
				sizeof(struct kv_shard), RTE_CACHE_LINE_SIZE,
				ctx[i]->socket);
		if (srv->shard[i] == NULL) {
			rc = -ENOMEM;
			goto fini;
		}
		rc = kv_shard_init(srv->shard[i], i, mem_total / n,
				ctx[i]->socket, &srv->flush_tsc,
				srv->unix_start);
		if (rc != 0)
			goto fini;
		snprintf(name, sizeof(name), "kv_jobs_%u_%d", i, (int)srv->pid);
		kv_svc.jobs[i] = rte_mempool_create(name, JOBS_PER_CTX,
				sizeof(struct kv_job), JOBS_CACHE, 0, NULL, NULL,
				NULL, NULL, ctx[i]->socket, 0);
		if (kv_svc.jobs[i] == NULL) {
			rc = -ENOMEM;
			goto fini;
		}
	}
	return 0;

fini:
	kv_service_fini();
	return rc;
}

void
kv_service_fini(void)
{
	unsigned int i;

	for (i = 0; i < LCX_MAX_CONTEXTS; i++) {
		rte_mempool_free(kv_svc.jobs[i]);
		kv_svc.jobs[i] = NULL;
		if (kv_svc.srv.shard[i] != NULL) {
			kv_shard_fini(kv_svc.srv.shard[i]);
			rte_free(kv_svc.srv.shard[i]);
			kv_svc.srv.shard[i] = NULL;
		}
	}
	kv_svc.srv.nb_shards = 0;
}

unsigned int
kv_service_jobs_out(void)
{
	unsigned int i, out = 0;

	for (i = 0; i < kv_svc.srv.nb_shards; i++)
		if (kv_svc.jobs[i] != NULL)
			out += rte_mempool_in_use_count(kv_svc.jobs[i]);
	return out;
}
