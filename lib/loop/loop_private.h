/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LOOP_PRIVATE_H
#define LOOP_PRIVATE_H

/* For the modules after loop (the manager's rebalancer); never installed. */

/* Non-zero: every loop charges the TSC cycles of each non-empty burst to
 * its RX queue (lcx_ctx_rxq.cycles, .packets), for the rebalancer.  Off
 * by default: a TSC read a burst is ~1 cycle a packet, measured as a 6 %
 * lower io ratio to testpmd.  Written by the control thread, read by
 * every loop (relaxed: a burst or two late either way is harmless). */
extern int loop_rxq_acct;

#endif /* LOOP_PRIVATE_H */
