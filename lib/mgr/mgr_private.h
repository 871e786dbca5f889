/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MGR_PRIVATE_H
#define MGR_PRIVATE_H

#include <pthread.h>
#include <rte_lcore.h>

#include "lcx_ctx_worker.h"
#include "lcx_mgr.h"

/* One row of the context table. */
struct mgr_slot {
	struct lcx_ctx *ctx;     /* NULL: free row; atomic (read by stop_all) */
	uint8_t launched;        /* remote-launched, not yet waited for */
	uint8_t monitored;       /* the watchdog looks at it */
	uint64_t last_hb;        /* watchdog: heartbeat last seen */
	uint64_t last_change;    /* watchdog: TSC when it last changed */
};

struct mgr {
	pthread_mutex_t lock;    /* control plane and watchdog */
	int started;
	struct lcx_mgr_conf conf;
	unsigned int nb_ctx;
	struct mgr_slot slot[LCX_MAX_CONTEXTS];
	unsigned int nb_lcores;
	struct lcx_topo_lcore topo[RTE_MAX_LCORE];
	uint8_t lcore_used[RTE_MAX_LCORE];
	uint8_t cpus_shared;     /* two EAL lcores share a CPU: RTS run queues */
	pthread_t watchdog;
	int watchdog_running;
	uint32_t watchdog_stop;  /* atomic */
	uint64_t watchdog_errors;/* atomic */
};

extern struct mgr lcx_mgr;

int mgr_watchdog_start(void);
/* place_port.c: give a new context its TX queues on placed ports (0 or -errno),
 * move away a dying context's RX queues and return its TX queue, and close
 * every port at fini.  Called without the manager's mutex held. */
int mgr_port_ctx_join(struct lcx_ctx *ctx);
void mgr_port_ctx_leave(struct lcx_ctx *ctx);
/* place_port.c: a destroyed context's loop has stopped; take back its TX
 * queues and detach its pool (called before lcx_ctx_free()). */
void mgr_port_ctx_gone(struct lcx_ctx *ctx);
void mgr_port_fini(void);
void mgr_watchdog_stop(void);

#endif /* MGR_PRIVATE_H */
