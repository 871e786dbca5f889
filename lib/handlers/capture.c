/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture: write every packet to a pcapng file ("file=PATH", optional
 * "snaplen=N", default 9216, at most 60000) with rte_pcapng, and pass it on unchanged.
 *
 * Cost: each packet is copied into an mbuf of the handler's own pool and
 * each burst is written with one writev() on the owning context: a
 * syscall in the loop, a few microseconds per burst.  For debugging and
 * tests, not for line rate.  When the copy pool runs dry, packets pass
 * uncaptured (counted "missed", printed by lcx_pipeline_dump()).  The
 * interface of a packet is its DPDK port id for ethdev ports, 0 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <rte_pcapng.h>

#include "lcx_handler.h"

#define COPY_POOL 511
#define SNAPLEN_DEFAULT 9216
/* The copy carries pcapng framing in one mbuf: its data room is 16 bits. */
#define SNAPLEN_MAX 60000

struct capture {
	rte_pcapng_t *pcapng;
	struct rte_mempool *pool;
	uint32_t snaplen;
	uint64_t written;
	uint64_t missed;
};

static uint32_t capture_seq;

static void
capture_fini(void *priv, struct lcx_ctx *ctx)
{
	struct capture *c = priv;

	RTE_SET_USED(ctx);
	if (c->pcapng != NULL)
		rte_pcapng_close(c->pcapng);   /* closes the file too */
	rte_mempool_free(c->pool);
}

static int
capture_init(void *priv, const char *args, struct lcx_ctx *ctx)
{
	struct lcx_args *a = lcx_args_parse("capture", args,
		"file=PATH[,snaplen=N]");
	struct capture *c = priv;
	char name[RTE_MEMPOOL_NAMESIZE], path[PATH_MAX];
	int fd, rc;

	c->snaplen = SNAPLEN_DEFAULT;
	lcx_args_need(a, "file");
	lcx_args_str(a, "file", path, sizeof(path));
	lcx_args_u32(a, "snaplen", RTE_ETHER_HDR_LEN, SNAPLEN_MAX, &c->snaplen);
	rc = lcx_args_end(a);
	if (rc != 0)
		return rc;
	snprintf(name, sizeof(name), "lcx_cap_%u",
		__atomic_fetch_add(&capture_seq, 1, __ATOMIC_RELAXED));
	c->pool = rte_pktmbuf_pool_create_by_ops(name, COPY_POOL, 0, 0,
		rte_pcapng_mbuf_size(c->snaplen), ctx->socket, "ring_sp_sc");
	if (c->pool == NULL)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		rc = -errno;
		LCX_LOG(ERR, "capture: %s: %s", path, strerror(-rc));
		goto free_pool;
	}
	c->pcapng = rte_pcapng_fdopen(fd, NULL, NULL, "lcx", NULL);
	if (c->pcapng == NULL) {
		close(fd);
		rc = -EIO;
		goto free_pool;
	}
	return 0;
free_pool:
	capture_fini(c, ctx);
	return rc;
}

static uint16_t
capture_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n)
{
	struct capture *c = priv;
	struct rte_mbuf *copy[LCX_BURST];
	uint64_t now = rte_rdtsc();
	uint16_t i, k = 0, port;
	const struct lcx_port *p;

	RTE_SET_USED(act);
	for (i = 0; i < n; i++) {
		p = ctx->txq[pkts[i]->port & (LCX_MAX_PORTS - 1)].port;
		port = p != NULL && p->eth_id != LCX_PORT_NO_ETHDEV ?
			p->eth_id : 0;
		copy[k] = rte_pcapng_copy(port, 0, pkts[i], c->pool,
			c->snaplen, now, RTE_PCAPNG_DIRECTION_IN);
		if (copy[k] != NULL)
			k++;
		else
			c->missed++;
	}
	if (k != 0 && rte_pcapng_write_packets(c->pcapng, copy, k) > 0)
		c->written += k;
	else
		c->missed += k;
	return 0;
}

static void
capture_dump(void *priv, FILE *f)
{
	const struct capture *c = priv;

	fprintf(f, "  capture written %" PRIu64 " missed %" PRIu64 "\n",
		c->written, c->missed);
}

LCX_HANDLER_REGISTER(capture) = {
	.name = "capture",
	.usage = "capture(file=PATH[,snaplen=N])",
	.priv_size = sizeof(struct capture),
	.init = capture_init,
	.process = capture_process,
	.fini = capture_fini,
	.dump = capture_dump,
};
