/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Not a test: a test program that crashes on purpose, for check-crash.sh,
 * which checks that such a death fails, names the signal and prints a
 * backtrace.
 */
#include <signal.h>

#include "lcx_test.h"

static int
suite_init(void)
{
	return lcx_test_eal_init(NULL, NULL);
}

static void
test_crash(void)
{
	raise(SIGSEGV);
	CU_FAIL("still alive after SIGSEGV");
}

static CU_TestInfo tests[] = {
	{ "dies by SIGSEGV", test_crash },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "crash", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
