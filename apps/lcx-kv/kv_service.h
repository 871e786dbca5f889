/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_KV_SERVICE_H
#define LCX_KV_SERVICE_H

/*
 * The running service, shared by the kv handler (kv_handler.c) and the
 * program that sets it up (main.c, or a test).  Written before the
 * contexts start, read-only while they run (except the shards, each
 * written by its owner, and srv.flush_tsc).
 */

#include <rte_ether.h>

#include "lcx_ctx.h"
#include "kv.h"

/* A request in flight: parsed on the receiving context, run by the owner
 * of each key in turn, sent by the last. */
struct kv_job {
	struct rte_mempool *pool;  /* where it goes back */
	struct rte_mbuf *req;      /* the request datagram: r points into it */
	unsigned int shard;        /* shard it runs on next */
	unsigned int home;         /* shard of the context that received it */
	uint16_t cursor;           /* next key of a get */
	uint16_t port;
	uint16_t frame_id;         /* request id, as received */
	uint16_t peer_port;        /* network order */
	uint16_t our_port;
	uint32_t peer_ip;
	uint32_t our_ip;
	struct rte_ether_addr peer_mac;
	struct kv_out out;
	struct rte_mbuf *m[KV_MAX_DGRAMS]; /* reply datagrams, out.seg[] in them */
	struct kv_req r;
} __rte_cache_aligned;

struct kv_service {
	struct kv_server srv;
	uint32_t addr;                     /* network order */
	uint16_t udp_port;                 /* network order */
	struct lcx_ctx *ctx[LCX_MAX_CONTEXTS];       /* shard i's owner */
	struct rte_mempool *jobs[LCX_MAX_CONTEXTS];  /* shard i's jobs */
	/* Set once the loops have stopped: queued jobs are freed, not run. */
	uint32_t stopping;
	/* The receiving context sends every reply (the job goes back to it);
	 * otherwise the owner of the last key does, unless it has no TX
	 * queue on the port. */
	uint32_t reply_home;
	/* Per port, a shard whose context has a TX queue on it, for replies
	 * due on a context that has none (a port with fewer TX queues than
	 * contexts); -1: none. */
	int16_t tx_shard[LCX_MAX_PORTS];
};

/* The one service of the process (kv_handler.c). */
extern struct kv_service kv_svc;

/*
 * Set up kv_svc for the given contexts: one shard each, mem_total bytes
 * of item memory split evenly, job pools.  Contexts not started yet.
 * addr and udp_port in network order.  Returns 0, -EINVAL, -ENOMEM.
 */
int kv_service_init(struct lcx_ctx **ctx, unsigned int n, uint64_t mem_total,
		uint32_t addr, uint16_t udp_port);

/* Free what kv_service_init() took (every job must be back). */
void kv_service_fini(void);

/* Jobs out of their pools: 0 once the service is idle. */
unsigned int kv_service_jobs_out(void);

#endif /* LCX_KV_SERVICE_H */
