/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_PLACE_H
#define LCX_PLACE_H

/**
 * @file
 * The manager's ports and the placement of their queues on contexts.
 *
 * Ports are added (lcx_place_port_add), then placed once the contexts
 * exist (lcx_place_apply): every port gets one TX queue per context (so
 * transmit needs no lock) and its RX queues are spread over the contexts
 * by a policy chosen by name.  RX queue i of a port is fed from the pool
 * of the context that first polls it.  Moving a queue later is the
 * manager's (lcx_mgr_rxq_move() in lcx_mgr.h).
 *
 * A policy is a {name, compute} pair registered at load time with
 * LCX_PLACE_POLICY_REGISTER, as port drivers are; "rr", "numa" and "map"
 * are built in.  lcx_place_compute() runs one on a topology, real or
 * fake, with no side effect: the golden tests pin its output.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lcx_common.h"
#include "lcx_ctx.h"
#include "lcx_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most RX queues of one port the manager places. */
#define LCX_PLACE_MAX_RXQ 64

/** Most policies registered at once, built-in ones included. */
#define LCX_PLACE_MAX_POLICIES 16

/** Longest policy name, NUL included. */
#define LCX_PLACE_POLICY_NAMESIZE 32

/** One explicit assignment (the "map" policy). */
struct lcx_place_map {
	uint16_t port;
	uint16_t queue;
	unsigned int lcore;
};

/** Topology input of lcx_place_compute(): real or fake. */
struct lcx_place_topo {
	uint16_t nb_ports;
	uint16_t port_nb_rxq[LCX_MAX_PORTS];
	int port_socket[LCX_MAX_PORTS];     /**< SOCKET_ID_ANY: unknown */
	uint16_t nb_ctx;
	unsigned int ctx_lcore[LCX_MAX_CONTEXTS];
	int ctx_socket[LCX_MAX_CONTEXTS];
};

/** One RX queue's placement. */
struct lcx_place_row {
	uint16_t port;
	uint16_t queue;
	uint16_t ctx;            /**< index into the topology's contexts */
	uint8_t cross_socket;    /**< context off the port's (known) socket,
				      whatever the policy */
};

/**
 * A policy's computation.  rows[] comes in (port, queue) order with port
 * and queue set and ctx at UINT16_MAX; the policy sets ctx of every row
 * to an index below topo->nb_ctx.  lcx_place_compute() checks the
 * topology before (at least one context) and the rows after, and sets
 * cross_socket itself.
 *
 * @param topo
 *   Ports and contexts.
 * @param map
 *   The explicit map given to lcx_place_compute(); NULL or ignored unless
 *   the policy has LCX_PLACE_F_MAP.
 * @param nb_map
 *   Entries in map.
 * @param rows
 *   One row per RX queue of every port.
 * @param nb_rows
 *   Number of rows.
 * @param err
 *   Never NULL: on failure a one-line message naming the culprit, which
 *   the caller logs (the policy need not).
 * @param err_len
 *   Size of err.
 * @return
 *   0, or a negative errno value (-EINVAL for input the policy refuses).
 */
typedef int (*lcx_place_compute_fn)(const struct lcx_place_topo *topo,
		const struct lcx_place_map *map, unsigned int nb_map,
		struct lcx_place_row *rows, unsigned int nb_rows, char *err,
		size_t err_len);

/** The policy places by the explicit map passed with it (and needs one). */
#define LCX_PLACE_F_MAP (1u << 0)

/** A placement policy, as registered. */
struct lcx_place_policy {
	const char *name;     /**< what users type: [a-z0-9_-], unique */
	const char *help;     /**< for usage texts: at most 48 characters,
				   or NULL */
	uint32_t flags;       /**< LCX_PLACE_F_* */
	lcx_place_compute_fn compute;
};

/**
 * Register a policy.  LCX_PLACE_POLICY_REGISTER calls it at load time;
 * a program or a test may call it directly (before or after the EAL).
 * Not thread-safe: register before placing from another thread.
 *
 * @param policy
 *   Kept, not copied.
 * @return
 *   0; -EINVAL (NULL, no compute function, or a name empty, longer than
 *   LCX_PLACE_POLICY_NAMESIZE - 1 or not of [a-z0-9_-]); -EEXIST (a
 *   policy of that name is registered: the first one stays); -ENOSPC
 *   (LCX_PLACE_MAX_POLICIES registered).
 */
int lcx_place_policy_register(const struct lcx_place_policy *policy);

/**
 * Register a policy at load time: one line after its definition,
 *
 *     static const struct lcx_place_policy spread = {
 *             .name = "spread", .compute = spread_compute,
 *     };
 *     LCX_PLACE_POLICY_REGISTER(spread);
 *
 * A refused registration (duplicate name, bad name) stops the program at
 * load, as a duplicate handler does: it is a build mistake.
 */
#define LCX_PLACE_POLICY_REGISTER(sym)                                  \
	RTE_INIT(lcx_place_policy_init_ ## sym)                         \
	{                                                               \
		RTE_VERIFY(lcx_place_policy_register(&(sym)) == 0);     \
	}

/**
 * Find a policy by name.
 *
 * @param name
 *   "rr", "numa", "map", or a registered one.
 * @param err
 *   Out, may be NULL: on failure a one-line message, for an unknown name
 *   "unknown placement 'x'; known: map, numa, rr" (all registered names,
 *   sorted).  Nothing is logged: the caller says it in its own words.
 * @param err_len
 *   Size of err.
 * @return
 *   The policy, or NULL with lcx_errno: ENOENT (no policy of that name),
 *   EINVAL (name NULL).
 */
const struct lcx_place_policy *lcx_place_policy_find(const char *name,
		char *err, size_t err_len);

/**
 * Registered policies, by name order: for usage texts.
 *
 * @param i
 *   Index from 0.
 * @return
 *   The i-th policy, or NULL past the last.
 */
const struct lcx_place_policy *lcx_place_policy_get(unsigned int i);

/**
 * Compute a placement: pure, no side effect.
 *
 * @param topo
 *   Ports (queues, sockets) and contexts (lcores, sockets).
 * @param policy
 *   Name of a registered policy.
 * @param map
 *   Explicit map for a policy with LCX_PLACE_F_MAP ("map": every RX
 *   queue of every port exactly once); ignored by the others.
 * @param nb_map
 *   Entries in map.
 * @param rows
 *   Out: one row per RX queue, ordered by (port, queue).
 * @param max_rows
 *   Room in rows.
 * @param err
 *   Out, may be NULL: a one-line message naming the culprit on failure
 *   (also logged).
 * @param err_len
 *   Size of err.
 * @return
 *   Number of rows; -ENOENT (no policy of that name; err lists the known
 *   ones); -EINVAL (bad topology, no context, map names an unknown port,
 *   queue or lcore, a queue twice or not at all, or the policy left a
 *   queue on no context); -ENOSPC (rows too small); or the policy's own
 *   negative error.
 */
int lcx_place_compute(const struct lcx_place_topo *topo, const char *policy,
		const struct lcx_place_map *map, unsigned int nb_map,
		struct lcx_place_row *rows, unsigned int max_rows, char *err,
		size_t err_len);

/**
 * Parse an explicit map "(port,queue,lcore),(port,queue,lcore),...".
 *
 * @param s
 *   Text.
 * @param map
 *   Out.
 * @param max
 *   Room in map.
 * @return
 *   Entries parsed; -EINVAL (syntax, with an LCX_LOG line naming the
 *   position); -ENOSPC.
 */
int lcx_place_map_parse(const char *s, struct lcx_place_map *map,
		unsigned int max);

/**
 * Open a port and hand it to the manager; configured at lcx_place_apply().
 *
 * @param spec
 *   Port spec (see lcx_port_open()).
 * @param nb_rxq
 *   RX queues wanted; 0: one per context at placement time (capped by the
 *   device).
 * @return
 *   The port, or NULL with lcx_errno: as lcx_port_open() (EINVAL bad
 *   devargs, ENODEV the device cannot be probed, EBUSY, ENOSPC, ENOMEM);
 *   EINVAL when nb_rxq is more than the device offers or more than
 *   LCX_PLACE_MAX_RXQ (the port is closed again); LCX_EENV: the manager
 *   is not started.  Each failure logs one line naming the culprit.
 */
struct lcx_port *lcx_place_port_add(const char *spec, uint16_t nb_rxq);

/**
 * Ports in the manager.
 *
 * @param out
 *   Room for max.
 * @param max
 *   Size.
 * @return
 *   Number of ports.
 */
unsigned int lcx_place_port_list(struct lcx_port **out, unsigned int max);

/**
 * Place every port's queues on the existing contexts, configure and start
 * the ports, and give each context its RX queues and one TX queue per
 * port.  Contexts must not be running.  TX queues are set up for up to
 * the number of EAL lcores, so contexts created later get one too.  When
 * a port offers fewer, contexts beyond its TX queue count share queues
 * (fewest users first), each sending under the queue's lock; a context
 * alone on its queue sends without one (doc/ports.md).  Calling it again
 * (contexts stopped) stops the ports and places anew.
 *
 * @param policy
 *   Name of a registered policy ("rr", "numa", "map", ...).
 * @param map
 *   For a policy with LCX_PLACE_F_MAP.
 * @param nb_map
 *   Entries in map.
 * @return
 *   0; -ENOENT (no policy of that name: logged with the known ones);
 *   -EINVAL (bad map, the policy refused, a context would get more than
 *   limits.max_rxq queues, or an RX queue would go to a context without
 *   a pool: logged with the culprit, nothing changed); -LCX_ERESINIT (a
 *   port could not be configured or started: no port is left started, no
 *   context has a queue); -LCX_ENOCTX (no context); -EBUSY (a context
 *   runs); -ENOTSUP (a port offers no TX queue at all: logged, nothing
 *   changed).
 */
int lcx_place_apply(const char *policy, const struct lcx_place_map *map,
		unsigned int nb_map);

/** Placement report row: one RX queue. */
struct lcx_place_report {
	uint16_t port;
	uint16_t queue;
	uint32_t ctx_id;         /**< UINT32_MAX: unpolled */
	unsigned int lcore;
	int socket;
	char pool[32];           /**< name of the pool feeding the queue */
};

/**
 * Current placement, one row per RX queue.
 *
 * @param rows
 *   Out, ordered by (port, queue).
 * @param max
 *   Room.
 * @return
 *   Number of RX queues (may exceed max).
 */
unsigned int lcx_place_report_get(struct lcx_place_report *rows,
		unsigned int max);

/** What one placed port gives the contexts. */
struct lcx_place_port_report {
	uint16_t port;
	uint16_t nb_rxq;         /**< RX queues placed */
	uint16_t nb_txq;         /**< TX queues set up */
	uint16_t nb_ctx;         /**< contexts in the manager */
	uint16_t nb_idle;        /**< of them, polling no RX queue of this
				      port: they get its packets only through
				      a handler that hands packets on
				      (handoff) */
	uint16_t nb_no_txq;      /**< of them, with no TX queue on this port
				      (more contexts than the device has TX
				      queues): what they send to it is
				      dropped, counted as no-txq */
	uint32_t idle_ctx[LCX_MAX_CONTEXTS];   /**< ids, in creation order */
	uint32_t no_txq_ctx[LCX_MAX_CONTEXTS]; /**< ids, in creation order */
};

/**
 * Which contexts poll no RX queue of a port, and which have no TX queue
 * on it: a port with fewer queues than contexts (one queue pair for two
 * contexts, as an af_packet veth has) leaves some without.
 *
 * @param port
 *   lcx port index.
 * @param r
 *   Filled in.
 * @return
 *   0; -EINVAL (r NULL, no such port in the manager, or not placed).
 */
int lcx_place_port_report_get(uint16_t port, struct lcx_place_port_report *r);

/**
 * Print the placement table (port, queue, context, lcore, socket, pool),
 * then one line per placed port saying which contexts poll none of its
 * RX queues, e.g.
 * "port 0 (net_af_packet0): 1 RX queue for 2 contexts: ctx1 polls
 * nothing here (spread in software with the handoff handler)",
 * and one more for a port on which some context has no TX queue.
 *
 * @param f
 *   Stream.
 */
void lcx_place_report_dump(FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* LCX_PLACE_H */
