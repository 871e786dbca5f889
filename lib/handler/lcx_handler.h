/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_HANDLER_H
#define LCX_HANDLER_H

/**
 * @file
 * The handler author's API: decisions, the per-packet helper,
 * registration, drop reasons.  Building and reading pipelines, plugins and
 * handoff groups is lcx_pipeline.h (for applications).
 *
 * A handler is a named module with per-context private state and a burst
 * function.  It is registered in one line:
 *
 *     LCX_HANDLER_REGISTER(macswap) = {
 *             .name = "macswap",
 *             .process = macswap_process,
 *     };
 *
 * process() receives a burst and an array of decisions, one per mbuf,
 * that arrives filled with LCX_ACT_CONTINUE.  It changes the decisions it
 * takes (LCX_ACT_TX(port), LCX_ACT_HANDOFF(i), LCX_ACT_DROP(reason),
 * LCX_ACT_TAKEN) and returns how many it set to anything but CONTINUE; 0
 * lets the pipeline skip the scan.  The pipeline then carries the
 * decisions out, grouping runs of equal decisions: CONTINUE goes to the
 * next stage, TX to lcx_ctx_tx_burst(), HANDOFF to the SP/SC ring towards
 * the other context, DROP frees and counts by the handler's reason.
 * Packets that leave the last stage with CONTINUE go to the default
 * output: the RX queue's paired port (rxq->out_port), or for handed-off
 * packets the pair of mbuf->port (0<->1, 2<->3).
 *
 * Inside a handler, mbuf->port is always the lcx index of the input port
 * (the pipeline rewrites it when the device's own id differs), and
 * ctx->txq[p].port is port p (its MAC: ctx->txq[p].port->mac).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "lcx_common.h"
#include "lcx_ctx_worker.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef LCX_HANDLER_ABI_VERSION
/**
 * Version of struct lcx_handler and of the decision encoding; a plugin
 * built against another version is refused.  Bump on any change to
 * either.  (Overridable only so the tests can build a mismatched plugin.)
 */
#define LCX_HANDLER_ABI_VERSION 2
#endif

/** Most drop reasons one handler declares. */
#define LCX_HANDLER_MAX_DROPS 14
/** Most contexts in one handoff group. */
#define LCX_HANDOFF_MAX 16

/* ---- Decisions ---------------------------------------------------------- */

/** Decision kinds: the top 4 bits of a decision. */
#define LCX_ACT_KIND_CONTINUE 0x0
#define LCX_ACT_KIND_TX       0x1
#define LCX_ACT_KIND_HANDOFF  0x2
#define LCX_ACT_KIND_DROP     0x3
#define LCX_ACT_KIND_TAKEN    0x4
#define LCX_ACT_KIND_BRANCH   0x5

/** Go on to the next stage (or the default output after the last). */
#define LCX_ACT_CONTINUE 0
/** Transmit on lcx port p. */
#define LCX_ACT_TX(p) ((uint16_t)(LCX_ACT_KIND_TX << 12 | (p)))
/** Hand off to member i of the context's handoff group. */
#define LCX_ACT_HANDOFF(i) ((uint16_t)(LCX_ACT_KIND_HANDOFF << 12 | (i)))
/** Drop, counted under the handler's reason r (index in its list). */
#define LCX_ACT_DROP(r) ((uint16_t)(LCX_ACT_KIND_DROP << 12 | (r)))
/** The handler kept the mbuf (or freed it itself); the pipeline forgets it. */
#define LCX_ACT_TAKEN ((uint16_t)(LCX_ACT_KIND_TAKEN << 12))

/**
 * Send to branch b of this stage: a later stage of the pipeline, named by
 * its label and turned into b by lcx_handler_branch() in init().
 */
#define LCX_ACT_BRANCH(b) ((uint16_t)(LCX_ACT_KIND_BRANCH << 12 | (b)))
/** Most branches one stage has. */
#define LCX_STAGE_MAX_BRANCHES 8

/** Kind of a decision. */
#define LCX_ACT_KIND(a) ((uint16_t)(a) >> 12)
/** Argument of a decision: port, group member or reason. */
#define LCX_ACT_ARG(a) ((uint16_t)(a) & 0xfff)

/** Decision for one packet, for lcx_handler_each(). */
typedef uint16_t (*lcx_handler_pkt_fn)(const void *priv, struct lcx_ctx *ctx,
		struct rte_mbuf *m);

/**
 * The body of most process() functions: decide for every packet, four at
 * a time with the next four prefetched, then a scalar tail (as DPDK's
 * pkt_cls node and VPP's sample node).  Called with a constant @p fn from
 * an always-inline context, the compiler inlines fn as well: no indirect
 * call per packet.
 *
 * @param priv
 *   Handler state, passed to fn.
 * @param ctx
 *   The context, passed to fn.
 * @param pkts
 *   The burst.
 * @param act
 *   Decisions, act[i] = fn(priv, ctx, pkts[i]).
 * @param n
 *   Burst size.
 * @param fn
 *   Per-packet decision.
 * @return
 *   Number of decisions other than LCX_ACT_CONTINUE (process()'s return).
 */
static __rte_always_inline uint16_t
lcx_handler_each(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n, lcx_handler_pkt_fn fn)
{
	uint16_t i = 0, nd = 0;

	for (; i + 4 <= n; i += 4) {
		if (i + 8 <= n) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 5], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 6], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 7], void *));
		}
		act[i] = fn(priv, ctx, pkts[i]);
		act[i + 1] = fn(priv, ctx, pkts[i + 1]);
		act[i + 2] = fn(priv, ctx, pkts[i + 2]);
		act[i + 3] = fn(priv, ctx, pkts[i + 3]);
		nd += (act[i] != LCX_ACT_CONTINUE) + (act[i + 1] != LCX_ACT_CONTINUE) +
			(act[i + 2] != LCX_ACT_CONTINUE) + (act[i + 3] != LCX_ACT_CONTINUE);
	}
	for (; i < n; i++) {
		act[i] = fn(priv, ctx, pkts[i]);
		nd += act[i] != LCX_ACT_CONTINUE;
	}
	return nd;
}

/* ---- Handlers ----------------------------------------------------------- */

/**
 * Handle a burst.  Owner lcore only: no locks, no syscalls, no malloc.
 *
 * @param priv
 *   This context's private state (priv_size bytes, zeroed, then init()).
 * @param ctx
 *   The context running the burst.
 * @param pkts
 *   The mbufs; those given TX/HANDOFF/DROP/TAKEN belong to the pipeline or
 *   the handler afterwards.
 * @param act
 *   n decisions, all LCX_ACT_CONTINUE on entry.
 * @param n
 *   Number of mbufs, 1 .. LCX_BURST.
 * @return
 *   Number of decisions set to anything but LCX_ACT_CONTINUE.
 */
typedef uint16_t (*lcx_handler_process_fn)(void *priv, struct lcx_ctx *ctx,
		struct rte_mbuf **pkts, uint16_t *act, uint16_t n);

/**
 * Set up one context's instance.
 *
 * @param priv
 *   priv_size zeroed bytes on the context's socket.
 * @param args
 *   The text between the parentheses of the spec, "" when none.
 * @param ctx
 *   The context.
 * @return
 *   0, or a negative errno (-EINVAL for bad args: log the culprit).
 */
typedef int (*lcx_handler_init_fn)(void *priv, const char *args,
		struct lcx_ctx *ctx);

/** Release what init() took; priv itself is freed by the pipeline. */
typedef void (*lcx_handler_fini_fn)(void *priv, struct lcx_ctx *ctx);

/** Print handler-specific counters, one "name value" a line. */
typedef void (*lcx_handler_dump_fn)(void *priv, FILE *f);

/** Flags of a handler. */
#define LCX_HANDLER_F_HANDOFF 1u /**< may decide LCX_ACT_HANDOFF */

/** A packet handler.  Kept by reference once registered. */
struct lcx_handler {
	const char *name;             /**< unique, [A-Za-z0-9_-] */
	const char *usage;            /**< one line: its arguments */
	size_t priv_size;             /**< per-context state; may be 0 */
	uint32_t flags;               /**< LCX_HANDLER_F_* */
	lcx_handler_init_fn init;     /**< may be NULL */
	lcx_handler_process_fn process;
	lcx_handler_fini_fn fini;     /**< may be NULL */
	lcx_handler_dump_fn dump;     /**< may be NULL */
	const char *const *drop_names; /**< nb_drops names, from the X-macro */
	uint16_t nb_drops;
};

/**
 * Declare a handler's drop reasons from an X-macro list
 * `#define foreach_x_drop(_) _(SYM, "name") ...`: defines the enum values
 * DROP_SYM (file-local: one handler a file), PFX_DROP_MAX and the table
 * PFX_drop_names, so a new reason is one line.  Put
 * LCX_HANDLER_DROPS_OF(PFX) in the registration.
 */
#define LCX_HANDLER_DROPS(pfx, list)                                    \
	enum pfx ## _drop {                                              \
		list(__LCX_DROP_ENUM)                                    \
		pfx ## _DROP_MAX,                                        \
	};                                                               \
	_Static_assert(pfx ## _DROP_MAX <= LCX_HANDLER_MAX_DROPS,        \
		"too many drop reasons");                                \
	static const char *const pfx ## _drop_names[] = {               \
		list(__LCX_DROP_NAME)                                    \
	}
#define __LCX_DROP_ENUM(sym, str) DROP_ ## sym,
#define __LCX_DROP_NAME(sym, str) str,
/** Initializer fields naming the drop list declared by LCX_HANDLER_DROPS. */
#define LCX_HANDLER_DROPS_OF(pfx) \
	.drop_names = pfx ## _drop_names, .nb_drops = pfx ## _DROP_MAX

/**
 * @internal Register a handler.  @p abi is the LCX_HANDLER_ABI_VERSION the
 * caller was built with: it travels with every registration so a plugin
 * needs no extra line.  Within lcx_plugin_load() registrations are
 * staged and committed only when the whole plugin checks out.
 */
void __lcx_handler_register(uint32_t abi, struct lcx_handler *h);

/**
 * Register a handler at load time, around a designated initializer:
 *
 *     LCX_HANDLER_REGISTER(count) = { .name = "count", ... };
 *
 * Works the same in liblcx and in a plugin.
 */
#define LCX_HANDLER_REGISTER(sym)                                       \
	static struct lcx_handler lcx_handler_ ## sym;                   \
	RTE_INIT(lcx_handler_register_ ## sym)                           \
	{                                                                \
		__lcx_handler_register(LCX_HANDLER_ABI_VERSION,          \
				&lcx_handler_ ## sym);                   \
	}                                                                \
	static struct lcx_handler lcx_handler_ ## sym


/**
 * From a handler's init() only: make the stage labelled @p label, a later
 * stage of the pipeline being attached, a branch of the stage being
 * initialised, for LCX_ACT_BRANCH().  A label is a stage's handler name
 * unless the spec gives one ("resp: arp-icmp"); see lcx_pipeline.h.
 *
 * @param ctx
 *   The context init() was given.
 * @param label
 *   The label.
 * @return
 *   The branch index b (0, 1, ...; the same label gives the same b);
 *   -ENOENT (no stage has that label); -EEXIST (two stages of that handler
 *   and neither labelled: ambiguous); -EINVAL (NULL, not called from
 *   init(), or the stage is this one or an earlier one: branches go
 *   forward only); -ENOSPC (more than LCX_STAGE_MAX_BRANCHES).  Each
 *   error is logged with the handler and the label.
 */
int lcx_handler_branch(struct lcx_ctx *ctx, const char *label);

/**
 * The handoff group of a context, for handlers deciding LCX_ACT_HANDOFF.
 * Cheap enough to call every burst, so a handler sees a group connected
 * after its pipeline was attached (lcx_handoff_connect()).
 *
 * @param ctx
 *   The context.
 * @param self
 *   Its member index; may be NULL.
 * @return
 *   Group size; 1 when the context is in no group.
 */
static __rte_always_inline unsigned int
lcx_handoff_group(const struct lcx_ctx *ctx, unsigned int *self)
{
	if (self != NULL)
		*self = ctx->ho_self;
	return ctx->ho_size != 0 ? ctx->ho_size : 1;
}

/* ---- Helpers for handler authors ---------------------------------------- */

/**
 * Incremental Internet checksum update (RFC 1624, eqn. 3):
 * HC' = ~(~HC + ~m + m'), for one 16-bit word changing from m to m'.
 * All values in network order.
 */
static inline uint16_t
lcx_cksum_update16(uint16_t cksum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~cksum;

	s += (uint16_t)~old;
	s += new_;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/**
 * Ether type of a frame, looking behind at most one VLAN tag, and the
 * offset of its L3 header.  Reads only what the first segment holds.
 *
 * @param m
 *   The frame.
 * @param l3_off
 *   Receives 14, or 18 behind a tag.
 * @return
 *   The ether type in network order; 0 when the frame is too short.
 */
static __rte_always_inline uint16_t
lcx_pkt_ether_type(const struct rte_mbuf *m, uint16_t *l3_off)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t type;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN))
		return 0;
	type = eth->ether_type;
	*l3_off = RTE_ETHER_HDR_LEN;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + 4))
			return 0;
		type = ((const struct rte_vlan_hdr *)(eth + 1))->eth_proto;
		*l3_off = RTE_ETHER_HDR_LEN + 4;
	}
	return type;
}

/**
 * Parse "a.b.c.d" into a network-order address.
 *
 * @return 0, or -EINVAL.
 */
int lcx_parse_ipv4(const char *s, uint32_t *addr);

/**
 * Parse "a.b.c.d/len" or "a.b.c.d" (len 32) into a network-order address
 * and a prefix length.
 *
 * @return 0, or -EINVAL.
 */
int lcx_parse_ipv4_prefix(const char *s, uint32_t *addr, uint8_t *len);

#ifdef __cplusplus
}
#endif

#endif /* LCX_HANDLER_H */
