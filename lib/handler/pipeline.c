/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pipeline's fast path: the burst function the loop calls.  Per burst
 * and stage: one indirect call (process) and two TSC reads; the decisions
 * are scanned only when process() reports some that are not CONTINUE, and
 * a linear pipeline pays one test for branches.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "pipeline_private.h"

static __rte_always_inline void
stage_drop(struct lcx_ctx *ctx, struct stage *s, uint16_t r,
		struct rte_mbuf **pkts, uint16_t n)
{
	s->st.drop[r] += n;
	s->st.dropped += n;
	ctx->stats.dropped += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

/* Carry out the decisions of one stage, a run of equal decisions at a
 * time (a router's burst mostly goes one way); the CONTINUE packets are
 * packed to the front, in order.  Returns how many. */
static uint16_t
dispatch(struct pipeline *pl, struct lcx_ctx *ctx, struct stage *s,
		struct rte_mbuf **pkts, uint16_t *act, uint16_t n)
{
	uint16_t i = 0, j, k = 0, cnt, arg, sent;
	struct rte_ring *r;
	uint16_t a;

	while (i < n) {
		a = act[i];
		for (j = i + 1; j < n && act[j] == a; j++)
			;
		cnt = j - i;
		arg = LCX_ACT_ARG(a);
		switch (LCX_ACT_KIND(a)) {
		case LCX_ACT_KIND_CONTINUE:
			if (k != i)
				memmove(&pkts[k], &pkts[i], cnt * sizeof(pkts[0]));
			k += cnt;
			break;
		case LCX_ACT_KIND_TX:
			if (unlikely(arg >= LCX_MAX_PORTS)) {
				stage_drop(ctx, s, s->nb_drops +
					DROP_BAD_DECISION, &pkts[i], cnt);
				break;
			}
			s->st.pkts_tx += cnt;
			lcx_ctx_tx_burst(ctx, arg, &pkts[i], cnt);
			break;
		case LCX_ACT_KIND_HANDOFF:
			r = arg < pl->nb_out ? pl->ho_out[arg] : NULL;
			if (r == NULL) {
				/* To itself, or no group: stay here. */
				if (k != i)
					memmove(&pkts[k], &pkts[i],
						cnt * sizeof(pkts[0]));
				k += cnt;
				break;
			}
			sent = (uint16_t)rte_ring_sp_enqueue_burst(r,
					(void **)&pkts[i], cnt, NULL);
			s->st.pkts_handoff += sent;
			if (unlikely(sent < cnt))
				stage_drop(ctx, s, s->nb_drops +
					DROP_HANDOFF_FULL, &pkts[i + sent],
					cnt - sent);
			break;
		case LCX_ACT_KIND_DROP:
			if (unlikely(arg >= s->nb_drops))
				arg = s->nb_drops + DROP_BAD_DECISION;
			stage_drop(ctx, s, arg, &pkts[i], cnt);
			break;
		case LCX_ACT_KIND_TAKEN:
			s->st.pkts_taken += cnt;
			break;
		case LCX_ACT_KIND_BRANCH: {
			struct pending *pd;

			if (unlikely(arg >= s->nb_branches)) {
				stage_drop(ctx, s, s->nb_drops +
					DROP_BAD_DECISION, &pkts[i], cnt);
				break;
			}
			/* Forward only (checked at attach), and a burst holds
			 * at most LCX_BURST packets: pd->m cannot overflow. */
			pd = &pl->pend[s->branch[arg]];
			memcpy(&pd->m[pd->n], &pkts[i], cnt * sizeof(pkts[0]));
			pd->n += cnt;
			pl->pend_mask |= 1u << s->branch[arg];
			s->st.branch[arg] += cnt;
			break;
		}
		default:
			stage_drop(ctx, s, s->nb_drops + DROP_BAD_DECISION,
				&pkts[i], cnt);
			break;
		}
		i = j;
	}
	memset(act, 0, k * sizeof(act[0]));
	return k;
}

/* Run pkts[0..n) (n <= LCX_BURST) from stage 'first' on; the survivors
 * are packed in pkts[0..ret). */
static __rte_always_inline uint16_t
run(struct pipeline *pl, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t n, unsigned int first)
{
	uint16_t act[LCX_BURST];
	uint64_t t0, t1;
	unsigned int i;
	uint16_t nd;

	memset(act, 0, n * sizeof(act[0]));
	t0 = rte_rdtsc();
	for (i = first; i < pl->nb_stages; i++) {
		struct stage *s = &pl->stage[i];

		/* A linear pipeline never has pending packets: one test. */
		if (unlikely(pl->pend_mask != 0) &&
				(pl->pend_mask & (1u << i)) != 0) {
			struct pending *pd = &pl->pend[i];

			memcpy(&pkts[n], pd->m, pd->n * sizeof(pkts[0]));
			memset(&act[n], 0, pd->n * sizeof(act[0]));
			n += pd->n;
			pd->n = 0;
			pl->pend_mask &= ~(1u << i);
		}
		if (n == 0) {
			if (pl->pend_mask == 0)
				break;
			continue;
		}
		nd = s->process(s->priv, ctx, pkts, act, n);
		t1 = rte_rdtsc();
		s->st.cycles += t1 - t0;
		s->st.bursts++;
		s->st.pkts_in += n;
		if (nd != 0) {
			n = dispatch(pl, ctx, s, pkts, act, n);
			t1 = rte_rdtsc();
		}
		s->st.pkts_continue += n;
		t0 = t1;
	}
	return n;
}

void
pipeline_rx(struct lcx_ctx *ctx, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct pipeline *pl = ctx->burst_arg;
	const struct lcx_port *port = rxq->port;
	uint16_t i, chunk, k;

	/* Handlers see the lcx port index in mbuf->port.  lcx drivers set it
	 * on RX (see lcx_port_rx_fn); a DPDK PMD sets its own port id, which
	 * needs rewriting only when it differs from the lcx index. */
	if (port->eth_id != LCX_PORT_NO_ETHDEV && port->eth_id != port->id)
		for (i = 0; i < n; i++)
			pkts[i]->port = port->id;
	while (n != 0) {
		chunk = RTE_MIN(n, (uint16_t)LCX_BURST);
		k = run(pl, ctx, pkts, chunk, 0);
		if (k != 0)
			lcx_ctx_tx_burst(ctx, rxq->out_port, pkts, k);
		pkts += chunk;
		n -= chunk;
	}
}

void
pipeline_handoff(struct lcx_ctx *ctx, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct pipeline *pl = ctx->burst_arg;
	uint16_t i, j, chunk, k, out;

	RTE_SET_USED(rxq);
	while (n != 0) {
		chunk = RTE_MIN(n, (uint16_t)LCX_BURST);
		k = run(pl, ctx, pkts, chunk, pl->resume);
		/* Default output: the pair of the input port, a run at a time. */
		for (i = 0; i < k; i = j) {
			out = pkts[i]->port ^ 1;
			for (j = i + 1; j < k && (pkts[j]->port ^ 1) == out; j++)
				;
			if (out < LCX_MAX_PORTS)
				lcx_ctx_tx_burst(ctx, out, &pkts[i], j - i);
			else
				lcx_ctx_drop(ctx, LCX_CTX_DROP_NO_TXQ, &pkts[i],
					j - i);
		}
		pkts += chunk;
		n -= chunk;
	}
}
