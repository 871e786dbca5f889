/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Failover of a stalled context, by fault injection: two contexts (one
 * busy-polling thread per CPU here, to keep false verdicts rare) forward
 * two synth ports (two RX queues each) to each other; a test burst hook
 * spins 200 ms (longer if the watchdog has not judged it yet, see
 * STALL_MAX_MS) in the victim on the first burst after the test arms it
 * (the "marked packet").  The watchdog (100 ms heartbeat limit,
 * 10 ms period) moves the victim to ERROR and takes its queues without its
 * help.  Checked: the verdict and the take-over come in time (generous
 * bounds, the figures are printed), only the victim is judged, traffic
 * goes on through the other after the take-over, the victim
 * processes no burst after it wakes, it can be recovered and restarted
 * polling nothing, every frame generated reached TX (the victim's held
 * burst arrives late, nothing else), and every pool is full.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "lcx_ctx_worker.h"
#include "lcx_mgr.h"
#include "lcx_place.h"
#include "lcx_synth.h"
#include "lcx_test.h"

#define NB_CTX 2
#define NB_RXQ 2
#define STALL_MS 200
/* The spin goes on past STALL_MS until the verdict, up to this: on a
 * machine so loaded that the watchdog thread itself did not run during
 * the 200 ms (seen under nice at load average 20), the test still
 * exercises the take-over instead of failing on the scheduler. */
#define STALL_MAX_MS 3000
#define HB_TIMEOUT_MS 100
#define WATCH_MS 10

static struct lcx_ctx *ctx[NB_CTX];
static struct lcx_port *port[2];

/* Test hook state: the victim's spin and what each context processed. */
static struct lcx_ctx *victim;
static uint32_t armed;           /* atomic */
static uint64_t stall_start;     /* atomic: TSC, 0 before */
static uint64_t stall_end;       /* atomic: TSC, 0 before */
static uint64_t seen[NB_CTX];    /* packets through the hook; owner writes */
static uint64_t seen_at_wake;    /* the victim's seen[] after its spin */

static unsigned int
ctx_index(const struct lcx_ctx *c)
{
	unsigned int i;

	for (i = 0; i < NB_CTX; i++)
		if (ctx[i] == c)
			break;
	return i;
}

static void
stall_hook(struct lcx_ctx *c, const struct lcx_ctx_rxq *rxq,
		struct rte_mbuf **pkts, uint16_t n)
{
	unsigned int i = ctx_index(c);
	uint64_t t0, spin, spin_max;

	__atomic_store_n(&seen[i], seen[i] + n, __ATOMIC_RELAXED);
	if (c == victim && __atomic_exchange_n(&armed, 0, __ATOMIC_ACQ_REL)) {
		spin = (uint64_t)STALL_MS * rte_get_tsc_hz() / 1000;
		spin_max = (uint64_t)STALL_MAX_MS * rte_get_tsc_hz() / 1000;
		t0 = rte_rdtsc();
		__atomic_store_n(&stall_start, t0, __ATOMIC_RELEASE);
		while (rte_rdtsc() - t0 < spin ||
				(lcx_ctx_state_get(c) != LCX_CTX_ERROR &&
				 rte_rdtsc() - t0 < spin_max))
			rte_pause();
		seen_at_wake = seen[i];
		__atomic_store_n(&stall_end, rte_rdtsc(), __ATOMIC_RELEASE);
	}
	lcx_ctx_tx_burst(c, rxq->out_port, pkts, n);
}

static int
suite_init(void)
{
	struct lcx_mgr_conf mc;

	if (lcx_test_eal_init("0@0,1@1,2@0", NULL) != 0)
		return -1;
	lcx_mgr_conf_init(&mc);
	mc.watch_interval_ms = WATCH_MS;
	mc.hb_timeout_ms = HB_TIMEOUT_MS;
	mc.failover = 1;
	return lcx_mgr_init(&mc) == 0 ? 0 : -1;
}

static int
suite_clean(void)
{
	return lcx_mgr_fini() == 0 ? 0 : -1;
}

static void
pool_check(struct rte_mempool *mp, void *arg)
{
	unsigned int *bad = arg;

	if (!lcx_test_pool_full(mp))
		(*bad)++;
}

static uint64_t
seen_others(void)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < NB_CTX; i++)
		if (ctx[i] != victim)
			n += __atomic_load_n(&seen[i], __ATOMIC_RELAXED);
	return n;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
test_stalled_context(void)
{
	const double ms_per_tsc = 1000.0 / rte_get_tsc_hz();
	struct lcx_place_report rep[2 * NB_RXQ];
	struct lcx_mgr_failover_stats fs;
	struct lcx_synth_stats s[2];
	struct lcx_ctx_conf conf;
	uint64_t detect, t, others0, others1, rx = 0, drops = 0, woke;
	unsigned int i, bad_pools = 0, victim_q = 0;

	for (i = 0; i < NB_CTX; i++) {
		lcx_ctx_conf_init(&conf);
		conf.lcore = i + 1;
		/* The default idle strategy: it must survive failover. */
		conf.idle = LCX_IDLE_ADAPTIVE;
		conf.limits.pool_size = 2047;
		ctx[i] = lcx_mgr_ctx_create(&conf);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[i]);
		ctx[i]->burst_fn = stall_hook;
	}
	port[0] = lcx_place_port_add("synth:flows=64,seed=5,size=64-300", NB_RXQ);
	port[1] = lcx_place_port_add("synth:flows=64,seed=6", NB_RXQ);
	CU_ASSERT_FATAL(port[0] != NULL && port[1] != NULL);
	CU_ASSERT_EQUAL_FATAL(lcx_place_apply("rr", NULL, 0), 0);
	victim = ctx[0];
	CU_ASSERT_EQUAL_FATAL(lcx_place_report_get(rep, RTE_DIM(rep)),
		2 * NB_RXQ);
	for (i = 0; i < 2 * NB_RXQ; i++)
		victim_q += rep[i].ctx_id == victim->id;
	CU_ASSERT_FATAL(victim_q > 0);
	CU_ASSERT_EQUAL_FATAL(lcx_mgr_start_all(), NB_CTX);

	sleep_ms(300);
	CU_ASSERT(__atomic_load_n(&seen[0], __ATOMIC_RELAXED) > 0);
	__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);

	/* Detection: from the start of the spin to the ERROR state. */
	CU_ASSERT_FATAL(lcx_test_wait_state(victim, LCX_CTX_ERROR, 5000));
	t = __atomic_load_n(&stall_start, __ATOMIC_ACQUIRE);
	/* 0: judged before the spin, starved by a loaded machine (rerun) */
	CU_ASSERT_FATAL(t != 0);
	detect = victim->state_tsc[LCX_CTX_ERROR] - t;
	/* Take-over: until every queue of the victim is with another. */
	for (i = 0; i < 5000; i++) {
		lcx_mgr_failover_stats(&fs);
		if (fs.failovers != 0)
			break;
		sleep_ms(1);
	}
	CU_ASSERT_EQUAL_FATAL(fs.failovers, 1);
	others0 = seen_others();
	/* Taken while the victim still spun: its held burst will be late. */
	woke = __atomic_load_n(&stall_end, __ATOMIC_ACQUIRE);
	CU_ASSERT_EQUAL(fs.last_ctx, victim->id);
	CU_ASSERT_EQUAL(fs.last_queues, victim_q);
	CU_ASSERT_EQUAL(fs.queues_unplaced, 0);
	CU_ASSERT_EQUAL(lcx_place_report_get(rep, RTE_DIM(rep)), 2 * NB_RXQ);
	for (i = 0; i < 2 * NB_RXQ; i++) {
		CU_ASSERT_NOT_EQUAL(rep[i].ctx_id, victim->id);
		CU_ASSERT_NOT_EQUAL(rep[i].ctx_id, UINT32_MAX);
	}
	/* Traffic goes on through the others (while the victim still spins,
	 * unless the machine is too loaded to let them run meanwhile). */
	for (i = 0; i < 2000 && seen_others() == others0; i++)
		sleep_ms(1);
	others1 = seen_others();
	t = __atomic_load_n(&stall_end, __ATOMIC_ACQUIRE);
	printf("\nstall %u ms, heartbeat limit %u ms, watchdog period %u ms: detected after %.1f ms (%.2f x limit), queues taken %.2f ms after ERROR; the others forwarded again %u ms later%s\n",
		STALL_MS, HB_TIMEOUT_MS, WATCH_MS, detect * ms_per_tsc,
		detect * ms_per_tsc / HB_TIMEOUT_MS, fs.last_take_ns / 1e6, i,
		t == 0 ? ", the victim still spinning" : "");
	CU_ASSERT(others1 > others0);
	/* Generous bounds: a loaded machine delays threads by tens of ms.
	 * The verdict may come less than the limit after the spin began:
	 * two lcores share each CPU here, so the victim may have been
	 * descheduled, silent already, just before it. */
	CU_ASSERT(detect > 0);
	CU_ASSERT(detect * ms_per_tsc < STALL_MAX_MS);
	/* The aim is 100 ms (doc/placement.md has the figures); 1 s keeps
	 * the check meaningful under ASan on a loaded machine. */
	CU_ASSERT(fs.last_take_ns < 1000 * 1000000ull);
	CU_ASSERT_EQUAL(lcx_mgr_watchdog_errors(), 1);

	/* The victim wakes, finishes its burst and leaves, polling nothing
	 * more; it is recovered (COMPLETED, no queue) and runs again. */
	CU_ASSERT_EQUAL(lcx_mgr_ctx_wait(victim->id), -EFAULT);
	CU_ASSERT(__atomic_load_n(&stall_end, __ATOMIC_ACQUIRE) != 0);
	CU_ASSERT_EQUAL(seen[0], seen_at_wake);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_start(victim->id), -EPERM);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_failover(victim->id), 0);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_recover(victim->id), 0);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_recover(victim->id), -EINVAL);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_failover(victim->id), -EINVAL);
	CU_ASSERT_EQUAL(lcx_ctx_state_get(victim), LCX_CTX_COMPLETED);
	CU_ASSERT_EQUAL(victim->nb_rxq, 0);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_start(victim->id), 0);
	/* with nothing to poll, its adaptive idle parks it */
	CU_ASSERT(lcx_test_wait_state(victim, LCX_CTX_BLOCKED, 3000));
	sleep_ms(50);
	CU_ASSERT_EQUAL(seen[0], seen_at_wake);
	CU_ASSERT_EQUAL(lcx_mgr_ctx_recover(9999), -LCX_ENOCTX);

	lcx_mgr_stop_all();
	CU_ASSERT_EQUAL(lcx_mgr_wait_all(), 0);
	CU_ASSERT_EQUAL(lcx_mgr_watchdog_errors(), 1);
	for (i = 0; i < NB_CTX; i++) {
		struct lcx_ctx_stats st;

		lcx_ctx_stats_get(ctx[i], &st);
		drops += st.dropped;
		rx += st.rx_packets;
	}
	CU_ASSERT_EQUAL(lcx_synth_stats_get(port[0], &s[0]), 0);
	CU_ASSERT_EQUAL(lcx_synth_stats_get(port[1], &s[1]), 0);
	printf("generated %" PRIu64 " + %" PRIu64 ", received at TX %"
		PRIu64 " + %" PRIu64 ", dropped %" PRIu64 ", lost %" PRIu64
		", late %" PRIu64 ", reordered %" PRIu64 ", dup %" PRIu64
		", victim held %" PRIu64 " at most\n", s[0].generated,
		s[1].generated, s[1].received, s[0].received, drops,
		s[0].lost + s[1].lost, s[0].late + s[1].late,
		s[0].reordered + s[1].reordered, s[0].dup + s[1].dup,
		(uint64_t)victim_q * LCX_BURST);
	CU_ASSERT_EQUAL(drops, 0);
	CU_ASSERT_EQUAL(rx, s[0].generated + s[1].generated);
	for (i = 0; i < 2; i++) {
		/* Every frame reached TX; the only ones out of order are
		 * the victim's held burst, sent after it woke. */
		CU_ASSERT_EQUAL(s[i].generated, s[i ^ 1].received);
		CU_ASSERT_EQUAL(s[i].dup, 0);
		CU_ASSERT_EQUAL(s[i].bad, 0);
		CU_ASSERT_EQUAL(s[i].lost, s[i].late);
		CU_ASSERT(s[i].late + s[i].reordered <=
			(uint64_t)victim_q * LCX_BURST);
		CU_ASSERT_EQUAL(s[i].rx_nombuf, 0);
	}
	if (woke == 0)
		CU_ASSERT(s[0].late + s[0].reordered + s[1].late +
			s[1].reordered > 0);

	rte_mempool_walk(pool_check, &bad_pools);
	CU_ASSERT_EQUAL(bad_pools, 0);
	for (i = 0; i < NB_CTX; i++)
		CU_ASSERT_EQUAL(lcx_mgr_ctx_destroy(ctx[i]->id), 0);
	lcx_mgr_fini();
	CU_ASSERT_EQUAL(lcx_test_mgr_init(), 0);
}

static CU_TestInfo failover_tests[] = {
	{ "stalled context: detected, queues taken, nothing lost",
		test_stalled_context },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "failover", suite_init, suite_clean, NULL, NULL, failover_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
