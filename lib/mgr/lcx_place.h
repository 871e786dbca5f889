/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_PLACE_H
#define LCX_PLACE_H

/**
 * @file
 * The manager's second half: ports, the placement of their queues on
 * contexts, and moving an RX queue between contexts at run time.
 *
 * Ports are added to the manager (lcx_mgr_port_add), then placed once the
 * contexts exist (lcx_mgr_place): every port gets one TX queue per context
 * (so transmit needs no lock) and its RX queues are spread over the
 * contexts by a policy.  RX queue i of a port is fed from the pool of the
 * context that first polls it.
 *
 * lcx_place_compute() is the pure policy, usable on a fake topology; the
 * golden tests pin its output.
 */

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

/** Placement policies. */
enum lcx_place_policy {
	LCX_PLACE_RR = 0,  /**< (port, queue) in order, each to the next context */
	LCX_PLACE_NUMA,    /**< contexts on the port's socket first, round-robin;
			        anywhere else (with a warning) when it has none */
	LCX_PLACE_MAP,     /**< explicit (port, queue, lcore) triples, as l3fwd's --config */
};

/** One explicit assignment (LCX_PLACE_MAP). */
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
 * Compute a placement: pure, no side effect.
 *
 * @param topo
 *   Ports (queues, sockets) and contexts (lcores, sockets).
 * @param policy
 *   Policy.
 * @param map
 *   Explicit map for LCX_PLACE_MAP (ignored otherwise); every RX queue of
 *   every port must appear exactly once.
 * @param nb_map
 *   Entries in map.
 * @param rows
 *   Out: one row per RX queue, ordered by (port, queue).
 * @param max_rows
 *   Room in rows.
 * @param err
 *   Out, may be NULL: a one-line message naming the culprit on failure.
 * @param err_len
 *   Size of err.
 * @return
 *   Number of rows; -EINVAL (no context, map names an unknown port, queue
 *   or lcore, a queue twice or not at all); -ENOSPC (rows too small).
 */
int lcx_place_compute(const struct lcx_place_topo *topo,
		enum lcx_place_policy policy, const struct lcx_place_map *map,
		unsigned int nb_map, struct lcx_place_row *rows,
		unsigned int max_rows, char *err, size_t err_len);

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
 * Open a port and hand it to the manager; configured at lcx_mgr_place().
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
struct lcx_port *lcx_mgr_port_add(const char *spec, uint16_t nb_rxq);

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
 *   Policy.
 * @param map
 *   For LCX_PLACE_MAP.
 * @param nb_map
 *   Entries in map.
 * @return
 *   0; -EINVAL (bad map, a context would get more than limits.max_rxq
 *   queues, or an RX queue would go to a context without a pool: logged
 *   with the culprit, nothing changed); -LCX_ERESINIT (a port could not
 *   be configured or started: no port is left started, no context has a
 *   queue); -LCX_ENOCTX (no context); -EBUSY (a context runs);
 *   -ENOTSUP (a port offers no TX queue at all: logged, nothing changed).
 */
int lcx_mgr_place(enum lcx_place_policy policy,
		const struct lcx_place_map *map, unsigned int nb_map);

/**
 * Move RX queue (port, queue) to another context, at run time, losing and
 * duplicating nothing: the owner stops polling it at a burst boundary and
 * acknowledges through the run queue; only then does the new owner start.
 * Packets wait in the device queue meanwhile.
 *
 * @param port
 *   lcx port index.
 * @param queue
 *   RX queue.
 * @param to_ctx
 *   Id of the new owner.
 * @return
 *   0; -LCX_ENOCTX (no such context); -EINVAL (no such port or queue,
 *   or the port is not placed); -ENOSPC (the new owner polls max_rxq
 *   queues); -ETIMEDOUT (an owner did not answer within a second: when
 *   the old owner is silent the queue stays where it was; when the new
 *   owner is silent the queue is unpolled until it answers); -EALREADY
 *   (it owns it); -EDEADLK (called from a task of one of the two).
 */
int lcx_mgr_rxq_move(uint16_t port, uint16_t queue, uint32_t to_ctx);

/** Unpolled time of RX queue moves (lcx_mgr_rxq_move_stats()). */
struct lcx_mgr_move_stats {
	uint64_t moves;          /**< moves completed since the last reset */
	uint64_t failed;         /**< moves refused or timed out */
	uint64_t samples;        /**< moves the figures below are taken over
				      (the last LCX_MOVE_SAMPLES) */
	uint64_t unpolled_median_ns; /**< remove acknowledged -> added */
	uint64_t unpolled_max_ns;
	uint64_t unpolled_min_ns;
};

/** Unpolled times kept for the median. */
#define LCX_MOVE_SAMPLES 8192

/**
 * Unpolled time per move: from the instant the old owner removed the queue
 * (TSC read in its remove task) to the instant the new owner added it
 * (TSC read in its add task).  Moves between contexts that do not run are
 * counted too (they are edited in place).
 *
 * @param st
 *   Filled in.
 * @param reset
 *   Non-zero: clear the counters after reading them.
 */
void lcx_mgr_rxq_move_stats(struct lcx_mgr_move_stats *st, int reset);

/** Placement report row. */
struct lcx_place_report {
	uint16_t port;
	uint16_t queue;
	uint32_t ctx_id;         /**< UINT32_MAX: unpolled */
	unsigned int lcore;
	int socket;
	char pool[32];           /**< name of the pool feeding the queue */
};

/**
 * Current placement.
 *
 * @param rows
 *   Out, ordered by (port, queue).
 * @param max
 *   Room.
 * @return
 *   Number of RX queues (may exceed max).
 */
unsigned int lcx_mgr_place_get(struct lcx_place_report *rows, unsigned int max);

/**
 * Print the placement table: port, queue, context, lcore, socket, pool.
 *
 * @param f
 *   Stream.
 */
void lcx_mgr_place_dump(FILE *f);

/**
 * Move away every RX queue a context polls, each to the other context
 * with the fewest queues (not one asked to stop), through the
 * lcx_mgr_rxq_move() handshake.  lcx_mgr_ctx_destroy() calls it first.
 *
 * @param ctx_id
 *   The context.
 * @return
 *   0; -LCX_ENOCTX; or lcx_mgr_rxq_move()'s error.  With no other context
 *   the queues stay unpolled (packets wait in the device).
 */
int lcx_mgr_ctx_evacuate(uint32_t ctx_id);

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
unsigned int lcx_mgr_port_list(struct lcx_port **out, unsigned int max);

#ifdef __cplusplus
}
#endif

#endif /* LCX_PLACE_H */
