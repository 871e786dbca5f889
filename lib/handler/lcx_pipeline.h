/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_PIPELINE_H
#define LCX_PIPELINE_H

/**
 * @file
 * Pipelines, plugins and handoff groups: what an application does with
 * handlers (lcx_handler.h is what a handler author writes them with).
 *
 * A pipeline is the ordered chain of handlers a context runs; its spec is
 *
 *     spec  := stage ( "->" stage )*
 *     stage := [ label ":" ] name [ "(" args ")" ]
 *
 * e.g. "macswap" or "filter(drop udp dport 53) -> l3lpm(routes=/r) -> count".
 * Names and labels are [A-Za-z0-9_-]; args is any text with balanced
 * parentheses, handed to the handler's init() as is (blanks around it
 * trimmed).  A stage's label is its handler's name unless one is written;
 * written labels are unique.  Labels are what branches name: a handler
 * that branches takes labels in its arguments and turns each into a
 * branch in init() (lcx_handler_branch()), e.g.
 *
 *     "classify(arp=resp, ipv4=route) -> resp: arp-icmp -> route: l3lpm"
 *
 * Packets go down a line of stages; a branch sends some of them ahead to a
 * later stage, where they join the packets arriving there, in the same
 * pass over the burst.
 *
 * Control functions here run on a control thread while the context is not
 * running; only the *_stats_get() readers may run beside the loop.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lcx_ctx.h"
#include "lcx_handler.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most stages in one pipeline. */
#define LCX_PIPELINE_MAX_STAGES 16

/** Longest stage label, with its NUL (a label is a handler name or one
 *  of the same form). */
#define LCX_PIPELINE_LABEL_LEN LCX_HANDLER_NAME_LEN

/**
 * Reasons the pipeline adds after each handler's own: "handoff-full" (the
 * ring to the other context was full) and "bad-decision" (a decision the
 * pipeline cannot carry out: a bug in the handler).
 */
#define LCX_PIPELINE_DROPS 2

/* ---- The handler registry and plugins ------------------------------------ */

/**
 * Find a registered handler.
 *
 * @param name
 *   Its name.
 * @return
 *   The handler, or NULL.
 */
const struct lcx_handler *lcx_handler_find(const char *name);

/**
 * Registered handler by index, to list them.
 *
 * @param i
 *   0, 1, ...
 * @return
 *   The handler, or NULL past the last.
 */
const struct lcx_handler *lcx_handler_get(unsigned int i);

/**
 * Load a plugin: a shared object whose handlers register themselves with
 * LCX_HANDLER_REGISTER.  Before the EAL is up or after; before pipelines
 * that use its handlers are attached.  Only the file named is loaded: a
 * path without a slash is relative to the current directory ("x.so" is
 * "./x.so"), never searched for in the library path.
 *
 * @param path
 *   Path of the shared object.
 * @return
 *   0; -EINVAL (path NULL, or a handler with a bad name, no process(),
 *   too many drop reasons or declared counters outside its priv: nothing
 *   registered); -ENOENT (dlopen()
 *   failed: missing file, not an ELF object or an unresolved symbol,
 *   logged with dlerror()); -EEXIST (the object is loaded already, or a
 *   handler name is taken: nothing registered); -EPROTO (built against
 *   another LCX_HANDLER_ABI_VERSION: logged with the path and both
 *   versions; nothing registered); -ENODATA (it registers no handler);
 *   -ENOMEM (no memory to register its handlers).
 */
int lcx_plugin_load(const char *path);

/**
 * Why the last lcx_plugin_load() or lcx_plugin_load_dir() of the calling
 * thread failed, in one line naming the file: "./x.so: invalid ELF
 * header", "./x.so: undefined symbol: foo", "./x.so: built for handler
 * ABI 1, this lcx has ABI 2: rebuild it against this lcx's headers".
 *
 * @return
 *   The text; "" after a success.  Valid until the next load on the
 *   thread.
 */
const char *lcx_plugin_error(void);

/**
 * Load every "*.so" in a directory, in name order.
 *
 * @param dir
 *   The directory.
 * @return
 *   Number of plugins loaded; -ENOENT (no such directory); or the first
 *   failure of lcx_plugin_load() (the ones before it stay loaded).
 */
int lcx_plugin_load_dir(const char *dir);

/* ---- Pipelines ----------------------------------------------------------- */

/**
 * Check a spec without building anything: syntax and handler names.
 *
 * @param spec
 *   The spec.
 * @param err
 *   Receives a one-line message ("col 12: unknown handler 'fliter'");
 *   may be NULL.
 * @param errlen
 *   Size of err.
 * @return
 *   Number of stages; -EINVAL (syntax), -ENOENT (unknown handler),
 *   -E2BIG (more than LCX_PIPELINE_MAX_STAGES stages).
 */
int lcx_pipeline_check(const char *spec, char *err, size_t errlen);

/**
 * What a spec needs from the application before it is attached: the
 * LCX_HANDLER_F_* flags of its handlers, OR-ed (LCX_HANDLER_F_HANDOFF:
 * connect the contexts into a handoff group, lcx_handoff_connect()).
 *
 * @param spec
 *   The spec.
 * @return
 *   The flags (0 or more); or lcx_pipeline_check()'s error: -EINVAL,
 *   -ENOENT, -E2BIG.
 */
int lcx_pipeline_flags(const char *spec);

/**
 * Build a pipeline on a context from a spec: each stage's state on
 * ctx->socket, init() in order, then install it (ctx->burst_fn, burst_arg,
 * handoff_fn, pipeline_priv).  The context must not be running; a
 * pipeline already attached is detached first.
 *
 * @param ctx
 *   The context.
 * @param spec
 *   The spec; a single handler name is a valid spec.
 * @return
 *   0; as lcx_pipeline_check() (the message is logged); -ENOMEM; or the
 *   first failing init()'s error (the stages before it are undone).
 */
int lcx_pipeline_attach(struct lcx_ctx *ctx, const char *spec);

/**
 * Undo lcx_pipeline_attach(): fini() in reverse order, free, and restore
 * the plain forwarding of the loop.  No pipeline: no-op.  The context must
 * not be running.
 *
 * @param ctx
 *   The context.
 */
void lcx_pipeline_detach(struct lcx_ctx *ctx);

/** Counters of one stage on one context (a copy). */
struct lcx_handler_stats {
	const char *handler;          /**< handler name */
	char label[LCX_PIPELINE_LABEL_LEN]; /**< the stage's label */
	uint64_t bursts;              /**< process() calls */
	uint64_t pkts_in;
	uint64_t pkts_continue;       /**< passed on to the next stage */
	uint64_t pkts_tx;             /**< decided TX */
	uint64_t pkts_handoff;        /**< handed off (ring accepted) */
	uint64_t pkts_taken;
	uint64_t dropped;             /**< sum of drop[] */
	uint64_t cycles;              /**< TSC cycles inside process() */
	uint16_t nb_drops;            /**< the handler's + LCX_PIPELINE_DROPS */
	const char *drop_name[LCX_HANDLER_MAX_DROPS + LCX_PIPELINE_DROPS];
	uint64_t drop[LCX_HANDLER_MAX_DROPS + LCX_PIPELINE_DROPS];
	uint16_t nb_counters;         /**< the handler's declared counters */
	const char *counter_name[LCX_HANDLER_MAX_COUNTERS];
	uint64_t counter[LCX_HANDLER_MAX_COUNTERS];
	uint16_t nb_branches;         /**< branches the stage's init() made */
	/** label of the stage each branch goes to (copies: the stats outlive
	 *  the pipeline) */
	char branch_name[LCX_STAGE_MAX_BRANCHES][LCX_PIPELINE_LABEL_LEN];
	uint64_t branch[LCX_STAGE_MAX_BRANCHES]; /**< packets sent down each */
};

/**
 * Number of stages of a context's pipeline.
 *
 * @param ctx
 *   The context.
 * @return
 *   Stages; 0 when no pipeline is attached.
 */
unsigned int lcx_pipeline_stages(const struct lcx_ctx *ctx);

/**
 * Read one stage's counters, the pipeline's and the handler's declared
 * ones (LCX_HANDLER_COUNTERS).  From any thread: each counter is one
 * 64-bit load of a value only the owner writes.
 *
 * @param ctx
 *   The context.
 * @param stage
 *   0 .. lcx_pipeline_stages() - 1.
 * @param st
 *   Filled in.
 * @return
 *   0; -ENOENT (no such stage).
 */
int lcx_pipeline_stats_get(const struct lcx_ctx *ctx, unsigned int stage,
		struct lcx_handler_stats *st);

/**
 * Add one stage's counters into a sum (contexts run the same spec, so
 * stage i is the same handler everywhere): drops, branches and declared
 * counters too.  A zeroed @p sum takes the names of @p st.
 *
 * @param sum
 *   Accumulator.
 * @param st
 *   Counters to add.
 */
void lcx_handler_stats_add(struct lcx_handler_stats *sum,
		const struct lcx_handler_stats *st);

/**
 * Print every stage's counters: the pipeline's, the branches, the
 * non-zero drop reasons and declared counters ("  counter NAME VALUE"),
 * then what the handler's dump() prints, if it has one.
 *
 * @param ctx
 *   The context.
 * @param f
 *   Output.
 */
void lcx_pipeline_dump(const struct lcx_ctx *ctx, FILE *f);

/**
 * Private state of a stage, for tests and tools.
 *
 * @param ctx
 *   The context.
 * @param stage
 *   Stage index.
 * @return
 *   Its priv, or NULL.
 */
void *lcx_pipeline_stage_priv(const struct lcx_ctx *ctx, unsigned int stage);

/* ---- Handoff between contexts ------------------------------------------- */

/**
 * Connect contexts into a handoff group: one SP/SC ring per ordered pair
 * (src, dst), installed in dst->handoff_in[].  Member i of the group is
 * ctxs[i]: LCX_ACT_HANDOFF(i) sends to it.  Call before the contexts are
 * launched (the loop reads handoff_in without synchronisation) and before
 * or after attaching their pipelines.  A context belongs to one group.
 *
 * @param ctxs
 *   The contexts.
 * @param n
 *   2 .. LCX_HANDOFF_MAX.
 * @param ring_size
 *   Ring size, a power of two; 0: 1024.
 * @return
 *   0; -EINVAL (bad n or ring size, a NULL context); -EBUSY (a context is
 *   in a group already, or has no room left in handoff_in[]); -ENOMEM
 *   (ring creation; nothing is left behind).
 */
int lcx_handoff_connect(struct lcx_ctx **ctxs, unsigned int n,
		unsigned int ring_size);

/**
 * Undo lcx_handoff_connect() for the group of @p ctx: free the mbufs left
 * in its rings (counted as FLUSH drops of the receiver), remove the rings
 * from handoff_in[], free them.  The members must not be running.
 *
 * @param ctx
 *   Any member.
 * @return
 *   0; -ENOENT (not in a group).
 */
int lcx_handoff_disconnect(struct lcx_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LCX_PIPELINE_H */
