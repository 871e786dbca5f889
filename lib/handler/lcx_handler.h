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

#include "lcx_args.h"
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

/** Longest handler name or stage label, with its NUL. */
#define LCX_HANDLER_NAME_LEN 32
/** Most drop reasons one handler declares. */
#define LCX_HANDLER_MAX_DROPS 14
/** Most counters one handler declares (LCX_HANDLER_COUNTERS). */
#define LCX_HANDLER_MAX_COUNTERS 32
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

/** Decision for one packet, for lcx_handler_each(): reads priv only. */
typedef uint16_t (*lcx_handler_pkt_fn)(const void *priv, struct lcx_ctx *ctx,
		struct rte_mbuf *m);

/** Decision for one packet, for lcx_handler_each_mut(): may write priv. */
typedef uint16_t (*lcx_handler_pkt_mut_fn)(void *priv, struct lcx_ctx *ctx,
		struct rte_mbuf *m);

/* The one loop behind both: four at a time with the next four prefetched,
 * then a scalar tail (as DPDK's pkt_cls node and VPP's sample node).
 * Called with a constant fn from an always-inline context, the compiler
 * inlines fn too: no indirect call per packet.  act[] arrives filled with
 * CONTINUE (process()'s contract), so only other decisions are stored:
 * with fn inlined, the branch on the decision merges with fn's own and
 * the common path stores nothing.  Measured with callgrind, burst of 32:
 * macswap 24.1 instructions a packet (its hand-written loop: 25.7; with
 * every act[i] stored: 30.1), l2rewrite 32.5 (hand-written: 33.9). */
#define __LCX_HANDLER_DECIDE(priv, ctx, pkts, act, i, fn, nd) do {      \
	uint16_t a_ = fn(priv, ctx, pkts[i]);                            \
									 \
	if (a_ != LCX_ACT_CONTINUE) {                                    \
		act[i] = a_;                                             \
		(nd)++;                                                  \
	}                                                                \
} while (0)
#define __LCX_HANDLER_EACH(priv, ctx, pkts, act, n, fn, nd) do {          \
	uint16_t i_ = 0;                                                 \
									 \
	for (; i_ + 4 <= (n); i_ += 4) {                                 \
		if (i_ + 8 <= (n)) {                                     \
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i_ + 4], void *)); \
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i_ + 5], void *)); \
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i_ + 6], void *)); \
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i_ + 7], void *)); \
		}                                                        \
		__LCX_HANDLER_DECIDE(priv, ctx, pkts, act, i_, fn, nd);     \
		__LCX_HANDLER_DECIDE(priv, ctx, pkts, act, i_ + 1, fn, nd); \
		__LCX_HANDLER_DECIDE(priv, ctx, pkts, act, i_ + 2, fn, nd); \
		__LCX_HANDLER_DECIDE(priv, ctx, pkts, act, i_ + 3, fn, nd); \
	}                                                                \
	for (; i_ < (n); i_++)                                           \
		__LCX_HANDLER_DECIDE(priv, ctx, pkts, act, i_, fn, nd);     \
} while (0)

/**
 * The body of most process() functions: the decision fn(priv, ctx,
 * pkts[i]) for the whole burst, four at a time with the next four
 * prefetched.
 * For handlers whose per-packet decision only reads priv; a handler that
 * counts uses lcx_handler_each_mut().
 *
 *     static uint16_t
 *     l2rw_process(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
 *                  uint16_t *act, uint16_t n)
 *     {
 *             return lcx_handler_each(priv, ctx, pkts, act, n, rewrite);
 *     }
 *
 * @param priv
 *   Handler state, passed to fn.
 * @param ctx
 *   The context, passed to fn.
 * @param pkts
 *   The burst.
 * @param act
 *   Decisions, all LCX_ACT_CONTINUE on entry (as process() gets them):
 *   act[i] = fn(priv, ctx, pkts[i]) is stored when it is not CONTINUE.
 * @param n
 *   Burst size.
 * @param fn
 *   Per-packet decision, a constant (a static always-inline function).
 * @return
 *   Number of decisions other than LCX_ACT_CONTINUE (process()'s return).
 */
static __rte_always_inline uint16_t
lcx_handler_each(const void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n, lcx_handler_pkt_fn fn)
{
	uint16_t nd = 0;

	__LCX_HANDLER_EACH(priv, ctx, pkts, act, n, fn, nd);
	return nd;
}

/**
 * lcx_handler_each() for decisions that write the context's own state
 * (counters in priv): the same loop, with a mutable @p priv.  Only the
 * owning context runs process(), so plain increments are safe.
 *
 * @param priv
 *   Handler state, passed to fn.
 * @param ctx
 *   The context, passed to fn.
 * @param pkts
 *   The burst.
 * @param act
 *   Decisions, all LCX_ACT_CONTINUE on entry, as for lcx_handler_each().
 * @param n
 *   Burst size.
 * @param fn
 *   Per-packet decision, a constant (a static always-inline function).
 * @return
 *   Number of decisions other than LCX_ACT_CONTINUE (process()'s return).
 */
static __rte_always_inline uint16_t
lcx_handler_each_mut(void *priv, struct lcx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t *act, uint16_t n, lcx_handler_pkt_mut_fn fn)
{
	uint16_t nd = 0;

	__LCX_HANDLER_EACH(priv, ctx, pkts, act, n, fn, nd);
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

/**
 * init() of a handler that takes no arguments: refuses any, so a typo
 * in a spec ("macswap(x)") does not pass silently.
 *
 * @param priv
 *   Unused.
 * @param args
 *   The spec's arguments: must be "".
 * @param ctx
 *   The context (its name goes in the message).
 * @return
 *   0; -EINVAL (arguments given: logged, and the pipeline names the
 *   handler).
 */
static inline int
lcx_handler_init_noargs(void *priv, const char *args, struct lcx_ctx *ctx)
{
	RTE_SET_USED(priv);
	if (args == NULL || args[0] == '\0')
		return 0;
	LCX_LOG(ERR, "%s: no arguments expected, got '%s'", ctx->name, args);
	return -EINVAL;
}

/** Release what init() took; priv itself is freed by the pipeline. */
typedef void (*lcx_handler_fini_fn)(void *priv, struct lcx_ctx *ctx);

/**
 * Print handler-specific state, one "name value" a line.  Counters are
 * better declared (LCX_HANDLER_COUNTERS): the pipeline then reads, sums
 * and prints them itself.
 */
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
	uint16_t nb_counters;         /**< 0 .. LCX_HANDLER_MAX_COUNTERS */
	/** nb_counters names, from the X-macro (LCX_HANDLER_COUNTERS) */
	const char *const *counter_names;
	/** offset in priv of the uint64_t[nb_counters] the handler counts in */
	size_t counters_off;
};

/**
 * Declare a handler's drop reasons from an X-macro list of full symbol
 * names and their text:
 *
 *     #define foreach_macswap_drop(_) _(MACSWAP_DROP_RUNT, "runt")
 *     LCX_HANDLER_DROPS(macswap, foreach_macswap_drop);
 *
 * defines enum macswap_drop { MACSWAP_DROP_RUNT } and the table
 * macswap_drop_names[], so a new reason is one line; decide
 * LCX_ACT_DROP(MACSWAP_DROP_RUNT) and put LCX_HANDLER_DROPS_OF(macswap)
 * in the registration.  At most LCX_HANDLER_MAX_DROPS (checked at build).
 */
#define LCX_HANDLER_DROPS(pfx, list)                                    \
	enum pfx ## _drop {                                              \
		list(__LCX_XENUM)                                        \
	};                                                               \
	static const char *const pfx ## _drop_names[] = {               \
		list(__LCX_XNAME)                                        \
	};                                                               \
	_Static_assert(RTE_DIM(pfx ## _drop_names) <=                    \
		LCX_HANDLER_MAX_DROPS, "too many drop reasons")
#define __LCX_XENUM(sym, str) sym,
#define __LCX_XNAME(sym, str) str,
/** Initializer fields naming the drop list declared by LCX_HANDLER_DROPS. */
#define LCX_HANDLER_DROPS_OF(pfx) \
	.drop_names = pfx ## _drop_names, \
	.nb_drops = RTE_DIM(pfx ## _drop_names)

/**
 * Declare a handler's own counters from an X-macro list, as drop reasons:
 *
 *     #define foreach_count_counter(_) \
 *             _(COUNT_IPV4, "ipv4-packets") _(COUNT_IPV4_B, "ipv4-bytes")
 *     LCX_HANDLER_COUNTERS(count, foreach_count_counter);
 *     struct count { uint64_t ctr[LCX_HANDLER_NB_COUNTERS(count)]; };
 *     ... c->ctr[COUNT_IPV4]++;
 *     LCX_HANDLER_REGISTER(count) = { ...,
 *             LCX_HANDLER_COUNTERS_OF(count, struct count, ctr) };
 *
 * defines enum count_counter { COUNT_IPV4, ... } and count_counter_names[].
 * The counters are a uint64_t array in the handler's per-context priv,
 * written by the owning context only (no atomics: zero cost beyond the
 * increment); lcx_pipeline_stats_get() copies them, lcx_handler_stats_add()
 * sums them, lcx_pipeline_dump() prints them.  At most
 * LCX_HANDLER_MAX_COUNTERS (checked at build).
 */
#define LCX_HANDLER_COUNTERS(pfx, list)                                 \
	enum pfx ## _counter {                                           \
		list(__LCX_XENUM)                                        \
	};                                                               \
	static const char *const pfx ## _counter_names[] = {            \
		list(__LCX_XNAME)                                        \
	};                                                               \
	_Static_assert(RTE_DIM(pfx ## _counter_names) <=                 \
		LCX_HANDLER_MAX_COUNTERS, "too many counters")
/** Number of counters declared by LCX_HANDLER_COUNTERS(pfx, ...). */
#define LCX_HANDLER_NB_COUNTERS(pfx) RTE_DIM(pfx ## _counter_names)
/**
 * Initializer fields naming the counters of LCX_HANDLER_COUNTERS(pfx) and
 * where they live: the array @p field of the priv struct @p type.  Fails
 * to build unless @p field is a uint64_t array with room for them all.
 */
#define LCX_HANDLER_COUNTERS_OF(pfx, type, field)                       \
	.counter_names = pfx ## _counter_names,                          \
	.nb_counters = RTE_DIM(pfx ## _counter_names),                   \
	.counters_off = offsetof(type, field) + 0 * sizeof(char[        \
		__builtin_types_compatible_p(                            \
			__typeof__(((type *)0)->field[0]), uint64_t) &&  \
		sizeof(((type *)0)->field) >=                            \
			sizeof(pfx ## _counter_names) / sizeof(char *) * \
			sizeof(uint64_t) ? 1 : -1])

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

#ifdef __cplusplus
}
#endif

#endif /* LCX_HANDLER_H */
