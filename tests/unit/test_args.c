/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The strict argument parser (lib/common/lcx_args.h): every value form,
 * every error form, and the one-line message each error logs ("WHO:
 * KEY=VALUE: expected WHAT"), read back from the log stream.
 */
#define _GNU_SOURCE /* sched_*affinity() */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "lcx_args.h"
#include "lcx_common.h"
#include "lcx_test.h"

static char *log_buf;
static size_t log_len;
static FILE *log_f;

static int
suite_init(void)
{
	return lcx_test_eal_init(NULL, NULL);
}

static int
suite_clean(void)
{
	return 0;
}

/* Capture what lcx logs from here on. */
static void
log_start(void)
{
	log_f = open_memstream(&log_buf, &log_len);
	CU_ASSERT_FATAL(log_f != NULL);
	rte_openlog_stream(log_f);
}

/* Stop capturing; 1 when the log is exactly @p want (one line each). */
static int
log_is(const char *want)
{
	int same;

	rte_openlog_stream(NULL);
	fclose(log_f);
	same = strcmp(log_buf, want) == 0;
	if (!same)
		printf("\n  log: got '%s', want '%s'\n", log_buf, want);
	free(log_buf);
	log_buf = NULL;
	return same;
}

static void
test_values(void)
{
	struct rte_ether_addr mac;
	uint64_t v;
	uint32_t a;
	uint8_t len;

	CU_ASSERT_EQUAL(lcx_parse_u64("0", 0, 10, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(lcx_parse_u64("18446744073709551615", 0, UINT64_MAX,
		&v), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(lcx_parse_u64("007", 0, 10, &v), 0);	/* decimal */
	CU_ASSERT_EQUAL(v, 7);
	v = 42;
	CU_ASSERT_EQUAL(lcx_parse_u64("18446744073709551616", 0, UINT64_MAX,
		&v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("-1", 0, UINT64_MAX, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("+1", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64(" 1", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("1 ", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("0x10", 0, 100, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("12abc", 0, 100, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("11", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64("4", 5, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_u64(NULL, 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(v, 42);			/* untouched on error */

	CU_ASSERT_EQUAL(lcx_parse_mac("02:aa:00:00:00:0f", &mac), 0);
	CU_ASSERT_EQUAL(mac.addr_bytes[1], 0xaa);
	CU_ASSERT_EQUAL(mac.addr_bytes[5], 0x0f);
	CU_ASSERT_EQUAL(lcx_parse_mac("02:aa:00:00:00", &mac), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_mac("zz:aa:00:00:00:00", &mac), -EINVAL);

	CU_ASSERT_EQUAL(lcx_parse_ipv4("198.18.0.1", &a), 0);
	CU_ASSERT_EQUAL(a, RTE_BE32(0xc6120001));
	CU_ASSERT_EQUAL(lcx_parse_ipv4("198.18.0", &a), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4("198.18.0.256", &a), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("198.18.0.0/15", &a, &len), 0);
	CU_ASSERT_EQUAL(len, 15);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("0.0.0.0/0", &a, &len), 0);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("198.18.0.1", &a, &len), 0);
	CU_ASSERT_EQUAL(len, 32);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("198.18.0.0/33", &a, &len),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("198.18.0.0/", &a, &len),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("198.18.0.0/1x", &a, &len),
		-EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix("/8", &a, &len), -EINVAL);
	CU_ASSERT_EQUAL(lcx_parse_ipv4_prefix(
		"198.18.0.0.0.0.0.0.0.0.0.0.0.0/8", &a, &len), -EINVAL);
}

static void
test_getters(void)
{
	struct lcx_args *a;
	struct rte_ether_addr mac;
	char path[16];
	uint32_t ips[4], pfx, u32 = 9;
	uint16_t u16 = 7;
	uint64_t u64;
	uint8_t len;

	a = lcx_args_parse("t", "n=5,big=4294967295,mac=02:00:00:00:00:01,"
		"ip=198.18.0.1,ip=198.18.0.2,net=198.18.0.0/15,file=/tmp/x,"
		"list=[1,2]", "...");
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(lcx_args_count(a, "ip"), 2);
	CU_ASSERT_EQUAL(lcx_args_count(a, "none"), 0);
	CU_ASSERT_EQUAL(lcx_args_u16(a, "n", 1, 10, &u16), 0);
	CU_ASSERT_EQUAL(u16, 5);
	CU_ASSERT_EQUAL(lcx_args_u32(a, "absent", 0, 10, &u32), -ENOENT);
	CU_ASSERT_EQUAL(u32, 9);		/* the default stays */
	CU_ASSERT_EQUAL(lcx_args_u32(a, "big", 0, UINT32_MAX, &u32), 0);
	CU_ASSERT_EQUAL(u32, UINT32_MAX);
	CU_ASSERT_EQUAL(lcx_args_mac(a, "mac", &mac), 0);
	CU_ASSERT_EQUAL(mac.addr_bytes[5], 1);
	CU_ASSERT_EQUAL(lcx_args_ipv4_list(a, "ip", ips, 4), 2);
	CU_ASSERT_EQUAL(ips[1], RTE_BE32(0xc6120002));
	CU_ASSERT_EQUAL(lcx_args_ipv4_prefix(a, "net", &pfx, &len), 0);
	CU_ASSERT_EQUAL(len, 15);
	CU_ASSERT_EQUAL(lcx_args_str(a, "file", path, sizeof(path)), 0);
	CU_ASSERT_STRING_EQUAL(path, "/tmp/x");
	CU_ASSERT_EQUAL(lcx_args_str(a, "list", path, sizeof(path)), 0);
	CU_ASSERT_STRING_EQUAL(path, "[1,2]");
	CU_ASSERT_EQUAL(lcx_args_need(a, "n"), 0);
	CU_ASSERT_EQUAL(lcx_args_end(a), 0);

	/* Empty and absent texts are empty lists. */
	CU_ASSERT_EQUAL(lcx_args_end(lcx_args_parse("t", "", "...")), 0);
	CU_ASSERT_EQUAL(lcx_args_end(lcx_args_parse("t", NULL, "...")), 0);
	a = lcx_args_parse("t", "", "...");
	CU_ASSERT_EQUAL(lcx_args_u64(a, "n", 0, 1, &u64), -ENOENT);
	CU_ASSERT_EQUAL(lcx_args_ipv4_list(a, "ip", ips, 4), 0);
	CU_ASSERT_EQUAL(lcx_args_end(a), 0);

	/* A failed parse: everything says -EINVAL, nothing crashes. */
	log_start();
	a = lcx_args_parse("t", "a=b=c", "a=N");
	CU_ASSERT(log_is("lcx: t: cannot parse 'a=b=c': expected a=N\n"));
	CU_ASSERT_PTR_NULL(a);
	CU_ASSERT_EQUAL(lcx_errno, EINVAL);
	CU_ASSERT_EQUAL(lcx_args_u16(a, "a", 0, 1, &u16), -EINVAL);
	CU_ASSERT_EQUAL(lcx_args_mac(a, "a", &mac), -EINVAL);
	CU_ASSERT_EQUAL(lcx_args_ipv4_list(a, "a", ips, 4), -EINVAL);
	CU_ASSERT_EQUAL(lcx_args_need(a, "a"), -EINVAL);
	CU_ASSERT_EQUAL(lcx_args_count(a, "a"), 0);
	CU_ASSERT_EQUAL(lcx_args_end(a), -EINVAL);
}

/* Parse @p text, run getter @p g on key "k", expect rc from the getter,
 * -EINVAL from lcx_args_end() and exactly the log @p msg. */
enum getter { G_U16, G_MAC, G_PFX, G_IPS, G_STR, G_NEED, G_NONE };

static void
expect(const char *text, enum getter g, int rc, const char *msg)
{
	struct rte_ether_addr mac;
	struct lcx_args *a;
	uint32_t ips[2], pfx;
	uint16_t u16;
	uint8_t len;
	char buf[8];
	int got = 0, ok;

	log_start();
	a = lcx_args_parse("udp-echo", text, "k=N");
	switch (g) {
	case G_U16:
		got = lcx_args_u16(a, "k", 1, 1000, &u16);
		break;
	case G_MAC:
		got = lcx_args_mac(a, "k", &mac);
		break;
	case G_PFX:
		got = lcx_args_ipv4_prefix(a, "k", &pfx, &len);
		break;
	case G_IPS:
		got = lcx_args_ipv4_list(a, "k", ips, 2);
		break;
	case G_STR:
		got = lcx_args_str(a, "k", buf, sizeof(buf));
		break;
	case G_NEED:
		got = lcx_args_need(a, "k");
		break;
	case G_NONE:
		break;
	}
	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_EQUAL(lcx_args_end(a), -EINVAL);
	ok = log_is(msg);
	if (!ok)
		printf("  (text '%s')\n", text);
	CU_ASSERT(ok);
}

static void
test_errors(void)
{
	/* Syntax: what rte_kvargs alone would let through. */
	expect("k=1=2", G_U16, -EINVAL,
		"lcx: udp-echo: cannot parse 'k=1=2': expected k=N\n");
	expect("=1", G_NONE, 0,
		"lcx: udp-echo: cannot parse '=1': expected k=N\n");
	expect("k=1,,j=2", G_NONE, 0,
		"lcx: udp-echo: cannot parse 'k=1,,j=2': expected k=N\n");
	expect("k=1,", G_NONE, 0,
		"lcx: udp-echo: cannot parse 'k=1,': expected k=N\n");
	expect("k=[1,2", G_NONE, 0,
		"lcx: udp-echo: cannot parse 'k=[1,2': expected k=N\n");
	/* blanks around '=' and ',' are squeezed: "k = 1" is k=1, and a
	 * key no getter asks for is then the error */
	expect("k = 1 ,j=2", G_U16, 0,
		"lcx: udp-echo: j=2: unknown argument, expected k=N\n");
	expect("k 1=2", G_NONE, 0,
		"lcx: udp-echo: cannot parse 'k 1=2': expected k=N\n");
	/* Keys: unknown, twice, without a value, missing. */
	expect("j=1", G_U16, -ENOENT,
		"lcx: udp-echo: j=1: unknown argument, expected k=N\n");
	expect("k=1,jj", G_U16, 0,
		"lcx: udp-echo: jj: unknown argument, expected k=N\n");
	expect("k=1,k=2", G_U16, -EINVAL,
		"lcx: udp-echo: k=1: given 2 times, expected k=N\n");
	expect("k", G_U16, -EINVAL,
		"lcx: udp-echo: k: no value, expected a number in 1..1000\n");
	expect("", G_NEED, -EINVAL,
		"lcx: udp-echo: k: missing, expected k=N\n");
	/* Numbers. */
	expect("k=1001", G_U16, -EINVAL,
		"lcx: udp-echo: k=1001: expected a number in 1..1000\n");
	expect("k=0", G_U16, -EINVAL,
		"lcx: udp-echo: k=0: expected a number in 1..1000\n");
	expect("k=7x", G_U16, -EINVAL,
		"lcx: udp-echo: k=7x: expected a number in 1..1000\n");
	expect("k=-7", G_U16, -EINVAL,
		"lcx: udp-echo: k=-7: expected a number in 1..1000\n");
	expect("k=", G_U16, -EINVAL,
		"lcx: udp-echo: k=: expected a number in 1..1000\n");
	/* Addresses, prefixes, lists, text. */
	expect("k=02:00:00:00:00", G_MAC, -EINVAL, "lcx: udp-echo: "
		"k=02:00:00:00:00: expected a MAC address xx:xx:xx:xx:xx:xx\n");
	expect("k=10.0.0.0/33", G_PFX, -EINVAL, "lcx: udp-echo: "
		"k=10.0.0.0/33: expected an IPv4 prefix A.B.C.D[/0..32]\n");
	expect("k=10.0.0.1,k=10.0.0.300", G_IPS, -EINVAL, "lcx: udp-echo: "
		"k=10.0.0.300: expected an IPv4 address A.B.C.D\n");
	expect("k=10.0.0.1,k=10.0.0.2,k=10.0.0.3", G_IPS, -EINVAL,
		"lcx: udp-echo: k=10.0.0.3: more than 2 values\n");
	expect("k=12345678", G_STR, -EINVAL, "lcx: udp-echo: "
		"k=12345678: expected text of 1..7 characters\n");
	expect("k=", G_STR, -EINVAL, "lcx: udp-echo: "
		"k=: expected text of 1..7 characters\n");
}

/* The errors a built-in handler reports, as a user sees them. */
static void
test_handler_messages(void)
{
	struct lcx_args *a;
	uint16_t port = 7;

	log_start();
	a = lcx_args_parse("udp-echo", "port=70000", "port=N");
	CU_ASSERT_EQUAL(lcx_args_u16(a, "port", 1, UINT16_MAX, &port),
		-EINVAL);
	CU_ASSERT_EQUAL(port, 7);
	CU_ASSERT_EQUAL(lcx_args_end(a), -EINVAL);
	CU_ASSERT(log_is("lcx: udp-echo: port=70000: expected a number in "
		"1..65535\n"));
}

/* The apps' default lcores: the first two CPUs of this process's
 * affinity, whatever they are (taskset them to check by hand). */
static void
test_eal_defaults(void)
{
	cpu_set_t set;
	char buf[16], want[16];
	int cpu, n = 0, c[2] = { -1, -1 };

	CU_ASSERT_FATAL(sched_getaffinity(0, sizeof(set), &set) == 0);
	for (cpu = 0; cpu < CPU_SETSIZE && n < 2; cpu++)
		if (CPU_ISSET(cpu, &set))
			c[n++] = cpu;
	if (n == 2)
		snprintf(want, sizeof(want), "%d,%d", c[0], c[1]);
	else
		snprintf(want, sizeof(want), "%d", c[0]);
	lcx_eal_default_lcores(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
	/* narrowed to one CPU: that one alone */
	CPU_ZERO(&set);
	CPU_SET(c[n - 1], &set);
	CU_ASSERT_FATAL(sched_setaffinity(0, sizeof(set), &set) == 0);
	lcx_eal_default_lcores(buf, sizeof(buf));
	snprintf(want, sizeof(want), "%d", c[n - 1]);
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT(lcx_eal_hugepages_usable() == 0 ||
		lcx_eal_hugepages_usable() == 1);
}

static CU_TestInfo tests[] = {
	{ "value parsers", test_values },
	{ "getters", test_getters },
	{ "every error form", test_errors },
	{ "a handler's message", test_handler_messages },
	{ "the apps' EAL defaults", test_eal_defaults },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "lcx_args", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
