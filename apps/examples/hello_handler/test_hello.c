/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hello plugin's own test program, built out of tree against the
 * installed lcx like the plugin itself:
 *
 *   cc -O2 -o test_hello test_hello.c $(pkg-config --cflags --libs lcx) -lcunit
 *   ./test_hello ./hello.so
 *
 * It loads the plugin the way lcx-fwd does (lcx_plugin_load()), then runs
 * the handler on packets it builds with the test kit and checks the
 * decisions, the bytes written, the declared counter and that every mbuf
 * came home.  lcx_tk_eal_init() brings the EAL up with working defaults
 * (no hugepages, no PCI, a private file prefix) and removes its runtime
 * directory at exit.  Exit status 0 only when every test passed.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <lcx_handler_testkit.h>
#include <lcx_pipeline.h>

static struct lcx_tk *tk;
static struct rte_mempool *mp;

static const struct rte_ether_addr stamp = {{ 0x02, 0, 0, 0, 0, 0x42 }};

/* One IPv4, one ARP, one runt: decisions as text. */
static void
test_decisions(void)
{
	struct lcx_tk_handler *th;
	struct rte_mbuf *m[3];
	uint16_t act[3];
	char buf[32];

	th = lcx_tk_handler_open(tk, "hello", "src=02:00:00:00:00:42");
	CU_ASSERT_FATAL(th != NULL);
	m[0] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1000, 53, 16);
	m[1] = lcx_tk_arp_request(mp, &stamp, "198.18.0.1", "198.18.0.2");
	m[2] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1000, 53, 16);
	CU_ASSERT_FATAL(m[0] != NULL && m[1] != NULL && m[2] != NULL);
	lcx_tk_trim(m[2], 10);          /* shorter than an Ethernet header */
	CU_ASSERT_EQUAL(lcx_tk_handler_run(th, m, act, 3), 2);
	CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[0], buf, sizeof(buf)),
		"continue");
	CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[1], buf, sizeof(buf)),
		"drop:not-ipv4");
	CU_ASSERT_STRING_EQUAL(lcx_tk_act_str(th, act[2], buf, sizeof(buf)),
		"drop:runt");
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m[0],
		struct rte_ether_hdr *)->src_addr, &stamp));
	lcx_tk_pkts_free(m, 3);         /* alone, the packets stay ours */
	lcx_tk_handler_close(th);
	/* a bad argument is refused, not ignored */
	CU_ASSERT_PTR_NULL(lcx_tk_handler_open(tk, "hello", "src=nope"));
}

/* In a pipeline: forwarded, dropped and stamped counts. */
static void
test_pipeline(void)
{
	struct lcx_handler_stats st;
	struct rte_mbuf *m[4];
	unsigned int i;

	CU_ASSERT_FATAL(lcx_tk_attach(tk, "hello -> io") == 0);
	for (i = 0; i < 3; i++)
		m[i] = lcx_tk_udp(mp, "198.18.0.1", "198.18.1.1", 1000, 53, 0);
	m[3] = lcx_tk_arp_request(mp, &stamp, "198.18.0.1", "198.18.0.2");
	lcx_tk_rx(tk, 0, 0, m, 4);      /* context 0, received on port 0 */
	CU_ASSERT_EQUAL(lcx_tk_tx_count(tk, 1), 3);
	CU_ASSERT_EQUAL(lcx_tk_drops(tk, 0, 0, "not-ipv4"), 1);
	CU_ASSERT_FATAL(lcx_pipeline_stats_get(lcx_tk_ctx(tk, 0), 0, &st) == 0);
	CU_ASSERT_EQUAL(st.nb_counters, 1);
	CU_ASSERT_STRING_EQUAL(st.counter_name[0], "stamped");
	CU_ASSERT_EQUAL(st.counter[0], 3);
}

int
main(int argc, char **argv)
{
	const char *plugin = argc > 1 ? argv[1] : "./hello.so";
	CU_pSuite s;
	int failed;

	if (lcx_tk_eal_init(1, argv) != 0)
		return 1;
	if (lcx_plugin_load(plugin) != 0) {
		fprintf(stderr, "test_hello: cannot load %s\n",
			lcx_plugin_error());
		return 1;
	}
	tk = lcx_tk_create(1, 2, 255);  /* 1 context, 2 fake ports, a pool */
	if (tk == NULL)
		return 1;
	mp = lcx_tk_pool(tk);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("hello", NULL, NULL);
	CU_add_test(s, "decisions", test_decisions);
	CU_add_test(s, "in a pipeline, with its counter", test_pipeline);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	/* lcx_tk_free() is 0 only when every mbuf is back in the pool. */
	if (lcx_tk_free(tk) != 0)
		failed++;
	printf("test_hello: %s\n", failed ? "FAILED" : "passed");
	return failed != 0;
}
