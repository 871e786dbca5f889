/* SPDX-License-Identifier: BSD-3-Clause */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_debug.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lcx_mgr.h"
#include "lcx_test.h"

static int eal_up;

static void
remove_runtime_dir(void)
{
	lcx_runtime_dir_remove(NULL);
}

int
lcx_test_eal_init(const char *lcores, ...)
{
	char prefix[64], *argv[32];
	int argc = 0, rc;
	const char *a;
	va_list ap;

	if (eal_up)
		return 0;
	snprintf(prefix, sizeof(prefix), "--file-prefix=lcxtest%d", getpid());
	argv[argc++] = "lcx-test";
	if (lcores != NULL) {
		argv[argc++] = "--lcores";
		argv[argc++] = (char *)lcores;
	} else {
		argv[argc++] = "-l";
		argv[argc++] = "0-1";
	}
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "512";
	argv[argc++] = "--no-pci";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level=lib.eal:warning";
	va_start(ap, lcores);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	eal_up = 1;
	/* The file prefix is this process's alone: leave no run directory */
	atexit(remove_runtime_dir);
	return 0;
}

int
lcx_test_need_root(const char *what)
{
	if (geteuid() == 0)
		return 1;
	printf("SKIP %s: needs root (network namespaces, raw sockets)\n", what);
	return 0;
}

int
lcx_test_pool_full(const struct rte_mempool *mp)
{
	unsigned int avail = rte_mempool_avail_count(mp);

	if (avail != mp->size)
		fprintf(stderr, "pool %s: %u of %u mbufs back\n",
			mp->name, avail, mp->size);
	return avail == mp->size;
}

int
lcx_test_pools_create(struct rte_mempool **pool, unsigned int n,
		const char *prefix, unsigned int nb_mbuf)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s_%u", prefix, i);
		pool[i] = rte_pktmbuf_pool_create(name, nb_mbuf, 256, 0,
				RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
		if (pool[i] == NULL) {
			fprintf(stderr, "pool %s: %s\n", name,
				rte_strerror(rte_errno));
			return -1;
		}
	}
	return 0;
}

int
lcx_test_pools_free(struct rte_mempool **pool, unsigned int n)
{
	unsigned int i;
	int full = 1;

	for (i = 0; i < n; i++) {
		if (pool[i] != NULL && !lcx_test_pool_full(pool[i]))
			full = 0;
		rte_mempool_free(pool[i]);
		pool[i] = NULL;
	}
	return full ? 0 : -1;
}

int
lcx_test_wait_state(struct lcx_ctx *ctx, enum lcx_ctx_state s,
		unsigned int ms)
{
	uint64_t end = rte_rdtsc() + ms * (rte_get_tsc_hz() / 1000);

	while (rte_rdtsc() < end && lcx_ctx_state_get(ctx) != s)
		rte_delay_us_sleep(200);
	return lcx_ctx_state_get(ctx) == s;
}

int
lcx_test_mgr_init(void)
{
	struct lcx_mgr_conf mc;

	lcx_mgr_conf_init(&mc);
	mc.hb_timeout_ms = 10000;
	return lcx_mgr_init(&mc);
}

/* A test that dies by a signal fails (meson sees the signal); say where,
 * and leave no EAL run directory behind.  Not under ASan, whose own
 * handler reports better. */
#if defined(__SANITIZE_ADDRESS__)
#define LCX_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LCX_TEST_ASAN 1
#endif
#endif

#ifndef LCX_TEST_ASAN
static void
fatal_signal(int sig)
{
	fprintf(stderr, "lcx-test: caught signal %d (%s)\n", sig,
		strsignal(sig));
	rte_dump_stack();
	lcx_runtime_dir_remove(NULL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
fatal_signals_catch(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	unsigned int i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], fatal_signal);
}
#else
static void
fatal_signals_catch(void)
{
}
#endif

int
lcx_test_main(int argc, char **argv, CU_SuiteInfo *suites)
{
	const char *prog = strrchr(argv[0], '/');
	unsigned int run, failed;

	(void)argc;
	prog = prog ? prog + 1 : argv[0];
	fatal_signals_catch();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "%s: %s\n", prog, CU_get_error_msg());
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed() +
		CU_get_number_of_suites_failed();
	printf("\n%s: %u passed, %u failed\n", prog,
		run >= CU_get_number_of_tests_failed() ?
			run - CU_get_number_of_tests_failed() : 0, failed);
	CU_cleanup_registry();
	/* rte_eal_cleanup() is skipped on purpose: worker lcores may still be
	 * parked in a test that failed, and exit() frees the process anyway. */
	return failed == 0 ? 0 : 1;
}
