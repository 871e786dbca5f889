/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Handoff groups: SP/SC rings between every ordered pair of contexts of a
 * group, installed as extra inputs of the receivers (ctx->handoff_in[]).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_ring.h>

#include "handler_private.h"

struct ho_group {
	unsigned int n;
	struct lcx_ctx *ctx[LCX_HANDOFF_MAX];
	struct rte_ring *ring[LCX_HANDOFF_MAX][LCX_HANDOFF_MAX]; /* [src][dst] */
};

#define MAX_GROUPS LCX_MAX_CONTEXTS

static struct ho_group *groups[MAX_GROUPS];
static uint32_t ring_seq;

static struct ho_group *
group_of(const struct lcx_ctx *ctx, unsigned int *self)
{
	unsigned int g, i;

	for (g = 0; g < MAX_GROUPS; g++) {
		if (groups[g] == NULL)
			continue;
		for (i = 0; i < groups[g]->n; i++)
			if (groups[g]->ctx[i] == ctx) {
				if (self != NULL)
					*self = i;
				return groups[g];
			}
	}
	return NULL;
}

unsigned int
handoff_out(const struct lcx_ctx *ctx, struct rte_ring **out)
{
	unsigned int self, i;
	struct ho_group *grp = group_of(ctx, &self);

	if (grp == NULL)
		return 0;
	for (i = 0; i < grp->n; i++)
		out[i] = grp->ring[self][i];
	return grp->n;
}

static void
ring_remove(struct lcx_ctx *dst, struct rte_ring *r)
{
	struct rte_mbuf *pkts[LCX_BURST];
	unsigned int i, n;

	while ((n = rte_ring_sc_dequeue_burst(r, (void **)pkts, LCX_BURST,
			NULL)) != 0)
		lcx_ctx_drop(dst, LCX_CTX_DROP_FLUSH, pkts, n);
	for (i = 0; i < dst->nb_handoff_in; i++)
		if (dst->handoff_in[i] == r)
			break;
	if (i < dst->nb_handoff_in) {
		dst->nb_handoff_in--;
		memmove(&dst->handoff_in[i], &dst->handoff_in[i + 1],
			(dst->nb_handoff_in - i) * sizeof(r));
		dst->handoff_in[dst->nb_handoff_in] = NULL;
	}
	rte_ring_free(r);
}

static void
group_free(struct ho_group *grp)
{
	unsigned int s, d;

	for (s = 0; s < grp->n; s++)
		for (d = 0; d < grp->n; d++)
			if (grp->ring[s][d] != NULL)
				ring_remove(grp->ctx[d], grp->ring[s][d]);
	rte_free(grp);
}

int
lcx_handoff_connect(struct lcx_ctx **ctxs, unsigned int n,
		unsigned int ring_size)
{
	char name[RTE_RING_NAMESIZE];
	struct ho_group *grp;
	unsigned int g, s, d;

	if (ctxs == NULL || n < 2 || n > LCX_HANDOFF_MAX)
		return -EINVAL;
	if (ring_size == 0)
		ring_size = 1024;
	if (!rte_is_power_of_2(ring_size))
		return -EINVAL;
	for (s = 0; s < n; s++) {
		if (ctxs[s] == NULL)
			return -EINVAL;
		if (group_of(ctxs[s], NULL) != NULL ||
				ctxs[s]->nb_handoff_in + n - 1 > LCX_MAX_HANDOFF_IN)
			return -EBUSY;
		for (d = 0; d < s; d++)
			if (ctxs[d] == ctxs[s])
				return -EINVAL;
	}
	for (g = 0; g < MAX_GROUPS && groups[g] != NULL; g++)
		;
	if (g == MAX_GROUPS)
		return -EBUSY;
	grp = rte_zmalloc("lcx_ho_group", sizeof(*grp), 0);
	if (grp == NULL)
		return -ENOMEM;
	grp->n = n;
	memcpy(grp->ctx, ctxs, n * sizeof(ctxs[0]));
	for (s = 0; s < n; s++) {
		for (d = 0; d < n; d++) {
			struct lcx_ctx *dst = ctxs[d];

			if (s == d)
				continue;
			snprintf(name, sizeof(name), "lcx_ho_%u",
				__atomic_fetch_add(&ring_seq, 1, __ATOMIC_RELAXED));
			/* The receiver's socket: it reads every slot. */
			grp->ring[s][d] = rte_ring_create(name, ring_size,
				dst->socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (grp->ring[s][d] == NULL) {
				LCX_LOG(ERR, "handoff ring %s -> %s: %s",
					ctxs[s]->name, dst->name,
					rte_strerror(rte_errno));
				goto free_group;
			}
			dst->handoff_in[dst->nb_handoff_in++] = grp->ring[s][d];
		}
	}
	groups[g] = grp;
	for (s = 0; s < n; s++) {
		ctxs[s]->ho_size = (uint16_t)n;
		ctxs[s]->ho_self = (uint16_t)s;
		pipeline_handoff_refresh(ctxs[s]);
	}
	return 0;

free_group:
	group_free(grp);
	return -ENOMEM;
}

int
lcx_handoff_disconnect(struct lcx_ctx *ctx)
{
	unsigned int g, i;
	struct ho_group *grp = group_of(ctx, NULL);

	if (grp == NULL)
		return -ENOENT;
	for (g = 0; g < MAX_GROUPS; g++)
		if (groups[g] == grp)
			groups[g] = NULL;
	for (i = 0; i < grp->n; i++) {
		grp->ctx[i]->ho_size = 0;
		grp->ctx[i]->ho_self = 0;
		pipeline_handoff_refresh(grp->ctx[i]);
	}
	group_free(grp);
	return 0;
}
