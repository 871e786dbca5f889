/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture: a pcapng file tshark reads back, packets passed on; bad
 * arguments refused.
 */
#include <unistd.h>

#include "handler_test.h"

static void
test_capture(void)
{
	struct rte_mbuf *m[4];
	char spec[128], path[64], cmd[160];
	uint8_t magic[4];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/lcx_capture_%d.pcapng", getpid());
	kit_up();
	snprintf(spec, sizeof(spec), "capture(file=%s) -> macswap", path);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, spec), 0);
	for (i = 0; i < 4; i++)
		m[i] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1, 2,
			(uint16_t)(10 * i));
	lcx_tk_rx(tk, 0, 0, m, 4);
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 4);
	lcx_pipeline_detach(lcx_tk_ctx(tk, 0));	/* closes the file */
	f = fopen(path, "rb");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(fread(magic, 1, 4, f), 4);
	fclose(f);
	/* pcapng section header block type. */
	CU_ASSERT(magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d &&
		magic[3] == 0x0a);
	if (access("/usr/bin/tshark", X_OK) == 0) {
		snprintf(cmd, sizeof(cmd), "tshark -r %s -T fields -e frame.len "
			"2>/dev/null | tr '\\n' ' ' | grep -qx '42 52 62 72 '",
			path);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "capture(file=/nonexistent/x)"),
		-ENOENT);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "capture"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "capture(file=/tmp/x,snaplen=13)"),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "capture(file=/tmp/x,snaplen=9k)"),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_tk_attach(tk, "capture(file=/tmp/x,snap=100)"),
		-EINVAL);
	if (getenv("LCX_KEEP_CAPTURE") == NULL)
		unlink(path);
	kit_down();
}

static CU_TestInfo tests[] = {
	{ "capture", test_capture },
	CU_TEST_INFO_NULL,
};

HANDLER_TEST_MAIN("handler capture", tests)
