/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_TELEMETRY_H
#define LCX_TELEMETRY_H

/**
 * @file
 * Operations: lcx's endpoints on DPDK's telemetry socket, Prometheus
 * metrics over HTTP, and control from outside the process.
 *
 * Everything here runs on control threads (the telemetry socket's client
 * threads, the metrics server's thread), never on a context: it reads the
 * counters each context's owner writes (one 64-bit load each) and reaches
 * a context only through the manager (lcx_mgr_rxq_move(),
 * lcx_mgr_ctx_pause(), ...).  Contexts must not be destroyed while these
 * run: an application calls lcx_telemetry_stop() and lcx_metrics_stop()
 * before lcx_mgr_fini().  (A context destroyed alone, with
 * lcx_mgr_ctx_destroy(), while a request reads it, is not guarded against.)
 *
 * Endpoints (doc/operations.md has examples), read with the stock
 * dpdk-telemetry.py -f <file-prefix> or lcx-ctl:
 *   /lcx/ctx/list  /lcx/ctx/info,<id>  /lcx/ctx/stats,<id>
 *   /lcx/port/list  /lcx/port/stats,<id>  /lcx/placement  /lcx/pipeline,<id>
 * With LCX_TELEMETRY_F_CONTROL also:
 *   /lcx/ctl/rxq_move,<port>,<queue>,<ctx>  /lcx/ctl/pause,<id>
 *   /lcx/ctl/resume,<id>  /lcx/ctl/stop,<id>  /lcx/ctl/log_level,<type>:<level>
 */

#include <stddef.h>
#include <stdint.h>

#include "lcx_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** lcx_telemetry_init(): also register the /lcx/ctl/ commands. */
#define LCX_TELEMETRY_F_CONTROL 0x1

/**
 * Register lcx's endpoints with DPDK's telemetry (after rte_eal_init();
 * EAL serves them on <runtime dir>/dpdk_telemetry.v2 unless started with
 * --no-telemetry) and let them answer.  DPDK cannot unregister a command:
 * registered once, they stay for the life of the process; after
 * lcx_telemetry_stop() they answer null until this is called again.
 *
 * @param flags
 *   0 or LCX_TELEMETRY_F_CONTROL; only the first call's flags count.
 * @return
 *   0; -EINVAL (unknown flag); -EALREADY (they answer already); or the
 *   error of rte_telemetry_register_cmd() (-ENOENT: DPDK's command table
 *   is full).
 */
int lcx_telemetry_init(unsigned int flags);

/**
 * Make the endpoints answer null (the process is going away), after the
 * request being answered, if any, has finished.  Call it before
 * lcx_mgr_fini(): a request must not read a context being freed.
 */
void lcx_telemetry_stop(void);

/**
 * Write every lcx counter in Prometheus text exposition format 0.0.4:
 * per context (ctx, lcore labels), per drop reason (reason), per pipeline
 * stage (handler, stage), per port (port, name), and the placement.
 *
 * @param buf
 *   Output, NUL-terminated when len > 0.
 * @param len
 *   Its size.
 * @return
 *   Length of the whole text (without the NUL), which may exceed len - 1
 *   (then the text is cut, as snprintf does).
 */
size_t lcx_metrics_format(char *buf, size_t len);

/**
 * Serve GET /metrics (lcx_metrics_format()) over HTTP with libmicrohttpd,
 * from a control thread (rte_ctrl_thread_create(): off the lcores of the
 * contexts).  One server a process.
 *
 * @param listen
 *   "ADDR:PORT", "[ADDR6]:PORT" or "PORT" (then 127.0.0.1: loopback, as
 *   metrics carry no authentication).  PORT 0 picks a free port, see
 *   lcx_metrics_port().
 * @return
 *   0; -EINVAL (bad address or port); -EALREADY (a server runs);
 *   -EADDRINUSE (libmicrohttpd could not listen there); -ENOMEM; or the
 *   error of rte_ctrl_thread_create().
 */
int lcx_metrics_start(const char *listen);

/**
 * Port the metrics server listens on.
 *
 * @return
 *   The TCP port; 0 when no server runs.
 */
uint16_t lcx_metrics_port(void);

/**
 * Stop the metrics server and join its thread; a no-op when none runs.
 */
void lcx_metrics_stop(void);

#ifdef __cplusplus
}
#endif

#endif /* LCX_TELEMETRY_H */
