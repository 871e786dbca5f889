/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HANDLER_TEST_H
#define HANDLER_TEST_H

/*
 * What every tests/unit/test_handler_<name>.c shares: EAL up, a test kit
 * per test (pool checked full at kit_down()), and one packet through one
 * handler with its decision as text.  Static: each program includes it
 * once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcx_handler_testkit.h"
#include "lcx_test.h"

#define POOL 511

static struct lcx_tk *tk;
static struct rte_mempool *mp;

static int
suite_init(void)
{
	/* One ethdev, so rte_pcapng writes an interface block (capture). */
	return lcx_test_eal_init(NULL, "--vdev=net_null0", NULL);
}

static int
suite_clean(void)
{
	return 0;
}

static inline void
kit_up_n(unsigned int nb_ctx, unsigned int pool)
{
	tk = lcx_tk_create(nb_ctx, 4, pool);
	CU_ASSERT_FATAL(tk != NULL);
	mp = lcx_tk_pool(tk);
}

static inline void
kit_up(void)
{
	kit_up_n(1, POOL);
}

/* Tear down: every mbuf must be back in the pool. */
static inline void
kit_down(void)
{
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
	tk = NULL;
}

/* Run one packet through one handler; its decision as text. */
static inline const char *
decide(struct lcx_tk_handler *th, struct rte_mbuf *m, uint16_t in_port)
{
	static char buf[64];
	uint16_t act;

	m->port = in_port;
	lcx_tk_handler_run(th, &m, &act, 1);
	return lcx_tk_act_str(th, act, buf, sizeof(buf));
}

/* The pipeline dump of context 0, for counters printed by name; free()
 * the result. */
static inline char *
dump_of(unsigned int c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	CU_ASSERT_FATAL(f != NULL);
	lcx_pipeline_dump(lcx_tk_ctx(tk, c), f);
	fclose(f);
	return out;
}

/* One program a handler: its tests in one suite. */
#define HANDLER_TEST_MAIN(name, tests)                                  \
	static CU_SuiteInfo suites[] = {                                 \
		{ name, suite_init, suite_clean, NULL, NULL, tests },    \
		CU_SUITE_INFO_NULL,                                      \
	};                                                               \
	int                                                              \
	main(int argc, char **argv)                                      \
	{                                                                \
		return lcx_test_main(argc, argv, suites);                \
	}

#endif /* HANDLER_TEST_H */
