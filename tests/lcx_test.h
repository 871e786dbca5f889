/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_TEST_H
#define LCX_TEST_H

/*
 * Shared harness of the CUnit test programs.  Each program is one file with
 * its suites; its main() is lcx_test_main().  EAL comes up once per process
 * in the first suite's init (lcx_test_eal_init), with --no-huge, no PCI and
 * a file prefix unique to the process, so test programs can run in parallel.
 */

#include <stdio.h>
#include <CUnit/CUnit.h>
#include <rte_mempool.h>

#include "lcx_ctx.h"

/* Bring EAL up once.  lcores: an EAL --lcores value such as
 * "0@0,1@1,2@0,3@1" to map more lcores than cores, or NULL for "-l 0-1".
 * Extra EAL arguments (vdevs, ...) may follow, NULL-terminated.
 * Returns 0 or -1 (the harness prints why). */
int lcx_test_eal_init(const char *lcores, ...);

/* Whether the calling process may use root-only features (netns, raw
 * sockets).  Prints the reason a test is skipped otherwise. */
int lcx_test_need_root(const char *what);

/* Create n packet pools of nb_mbuf mbufs (cache 256), named <prefix>_<i>,
 * on the caller's socket.  Returns 0 or -1. */
int lcx_test_pools_create(struct rte_mempool **pool, unsigned int n,
		const char *prefix, unsigned int nb_mbuf);

/* Check that each pool is full (naming any that is not), then free them
 * all.  Returns 0 when every pool was full, -1 otherwise: a suite's
 * clean-up result. */
int lcx_test_pools_free(struct rte_mempool **pool, unsigned int n);

/* 1 when every object of the pool is back (available == size). */
int lcx_test_pool_full(const struct rte_mempool *mp);

/* Start the manager for a test that is not about the watchdog: the
 * watchdog runs, with a 10 s heartbeat limit, since tests map more lcores
 * than cores and a loaded machine may park a thread for a while. */
int lcx_test_mgr_init(void);

/* Poll (every 200 us) until the context is in state s, for up to ms
 * milliseconds.  Returns 1 when it got there. */
int lcx_test_wait_state(struct lcx_ctx *ctx, enum lcx_ctx_state s,
		unsigned int ms);

/* Register the suites, run them, print "<prog>: N passed, N failed" and
 * return the exit status (0 only if every test passed). */
int lcx_test_main(int argc, char **argv, CU_SuiteInfo *suites);

#define LCX_TEST_POOL_FULL(mp) CU_ASSERT(lcx_test_pool_full(mp))

#endif /* LCX_TEST_H */
