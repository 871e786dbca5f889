/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plugins: a handler in a shared object (tests/unit/plugin), loaded from a
 * path and from a directory; a plugin built against another handler ABI
 * and one reusing a built-in name are refused and register nothing.  The
 * plugins are found next to this program (<builddir>/tests/unit/plugin),
 * or in $LCX_TEST_PLUGIN_DIR.
 */
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lcx_handler_testkit.h"
#include "lcx_test.h"

static char dir[PATH_MAX];

static int
suite_init(void)
{
	char exe[PATH_MAX];
	const char *env = getenv("LCX_TEST_PLUGIN_DIR");
	ssize_t n;

	if (env != NULL) {
		snprintf(dir, sizeof(dir), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return -1;
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s/plugin", dirname(exe));
	}
	return lcx_test_eal_init(NULL, NULL);
}

static int
suite_clean(void)
{
	return 0;
}

static const char *
plugin(const char *name)
{
	static char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s.so", dir, name);
	return path;
}

static void
test_load_dir(void)
{
	char tmp[64], link_path[128];

	snprintf(tmp, sizeof(tmp), "/tmp/lcx_plugins_%d", getpid());
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0755), 0);
	CU_ASSERT_EQUAL(lcx_plugin_load_dir(tmp), 0);	/* empty */
	snprintf(link_path, sizeof(link_path), "%s/sample.so", tmp);
	CU_ASSERT_EQUAL(symlink(plugin("sample_plugin"), link_path), 0);
	CU_ASSERT_PTR_NULL(lcx_handler_find("sample"));
	CU_ASSERT_EQUAL(lcx_plugin_load_dir(tmp), 1);
	CU_ASSERT_PTR_NOT_NULL(lcx_handler_find("sample"));
	unlink(link_path);
	rmdir(tmp);
	CU_ASSERT_EQUAL(lcx_plugin_load_dir("/nonexistent"), -ENOENT);
}

static void
test_refused(void)
{
	unsigned int n = 0, m = 0;

	while (lcx_handler_get(n) != NULL)
		n++;
	/* Loaded already: its name is taken. */
	CU_ASSERT_EQUAL(lcx_plugin_load(plugin("sample_plugin")), -EEXIST);
	CU_ASSERT_EQUAL(lcx_plugin_load(plugin("sample_plugin_badabi")), -EPROTO);
	CU_ASSERT_PTR_NULL(lcx_handler_find("sample-badabi"));
	CU_ASSERT_EQUAL(lcx_plugin_load(plugin("sample_plugin_dup")), -EEXIST);
	/* Declared counters must lie inside priv. */
	CU_ASSERT_EQUAL(lcx_plugin_load(plugin("sample_plugin_badctr")),
		-EINVAL);
	CU_ASSERT_PTR_NULL(lcx_handler_find("sample-badctr"));
	CU_ASSERT_EQUAL(lcx_plugin_load("/nonexistent/x.so"), -ENOENT);
	CU_ASSERT_EQUAL(lcx_plugin_load(NULL), -EINVAL);
	while (lcx_handler_get(m) != NULL)
		m++;
	CU_ASSERT_EQUAL(m, n);
	/* The built-in macswap is still the built-in one. */
	CU_ASSERT_EQUAL(lcx_handler_find("macswap")->nb_drops, 1);
	CU_ASSERT_STRING_EQUAL(lcx_handler_find("macswap")->drop_names[0], "runt");
}

static void
test_use(void)
{
	struct lcx_tk *tk = lcx_tk_create(1, 2, 255);
	struct lcx_handler_stats st;
	struct rte_mbuf *m[2];
	struct rte_ether_hdr *eth;

	CU_ASSERT_FATAL(tk != NULL);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_attach(tk, "sample -> count"), 0);
	m[0] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1", 1, 2, 0);
	m[1] = lcx_tk_udp(lcx_tk_pool(tk), "198.18.0.1", "198.18.1.1", 1, 2, 0);
	lcx_tk_trim(m[1], 8);
	lcx_tk_rx(tk, 0, 0, m, 2);
	CU_ASSERT_EQUAL_FATAL(lcx_tk_tx_count(tk, 1), 1);
	eth = rte_pktmbuf_mtod(lcx_tk_tx_pkt(tk, 1, 0), struct rte_ether_hdr *);
	CU_ASSERT_EQUAL(eth->dst_addr.addr_bytes[1], 0x5a);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "short"), 1);
	/* The plugin's declared counter, read by the pipeline. */
	CU_ASSERT_EQUAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 0, &st), 0);
	CU_ASSERT_EQUAL(st.nb_counters, 1);
	CU_ASSERT_STRING_EQUAL(st.counter_name[0], "rewritten");
	CU_ASSERT_EQUAL(st.counter[0], 1);
	CU_ASSERT_EQUAL(lcx_tk_free(tk), 0);
}

CU_TestInfo plugin_tests[] = {
	{ "load from a directory", test_load_dir },
	{ "refused plugins", test_refused },
	{ "plugin handler in a pipeline", test_use },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suites[] = {
	{ "plugins", suite_init, suite_clean, NULL, NULL, plugin_tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
