/* SPDX-License-Identifier: BSD-3-Clause */
/* Telemetry module: the Prometheus exposition against the counters it
 * reports (exact values, one HELP/TYPE a family, cut output), the /lcx/
 * endpoints read over this process's own telemetry socket (values equal
 * to the API's, null after lcx_telemetry_stop()), control commands, the
 * metrics server over TCP (200, 404, 405, stop), and the manager's
 * pause/resume with each documented error.  One synth port sends COUNT
 * packets to a context on lcore 1; a second context stays READY. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "lcx_mgr.h"
#include "lcx_pipeline.h"
#include "lcx_place.h"
#include "lcx_telemetry.h"
#include "lcx_test.h"

#define COUNT 4096
#define BIG (1 << 20)

static struct lcx_ctx *run_ctx, *idle_ctx;
static struct lcx_port *port;
static char *text;

static int
suite_init(void)
{
	struct lcx_ctx_conf conf;

	if (lcx_test_eal_init("0@0,1@1", NULL) != 0 ||
			lcx_test_mgr_init() != 0)
		return -1;
	text = malloc(BIG);
	lcx_ctx_conf_init(&conf);
	conf.lcore = 1;
	conf.limits.pool_size = 1023;
	snprintf(conf.name, sizeof(conf.name), "tel\"run");
	run_ctx = lcx_mgr_ctx_create(&conf);
	lcx_ctx_conf_init(&conf);
	conf.lcore = 0;
	conf.limits.pool_size = 1023;
	idle_ctx = lcx_mgr_ctx_create(&conf);
	if (text == NULL || run_ctx == NULL || idle_ctx == NULL)
		return -1;
	/* One RX queue: placed round-robin, it goes to run_ctx alone. */
	port = lcx_place_port_add("synth:flows=8,count=4096", 1);
	if (port == NULL || lcx_place_apply("rr", NULL, 0) != 0 ||
			lcx_pipeline_attach(run_ctx, "macswap") != 0)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	struct rte_mempool *pool[2];
	int rc;

	lcx_telemetry_stop();
	lcx_metrics_stop();
	lcx_mgr_stop_all();
	lcx_mgr_wait_all();
	lcx_port_stop(port);
	lcx_pipeline_detach(run_ctx);
	/* The pools outlive the contexts, as in lcx-fwd: closing the port
	 * gives back what its queues hold. */
	pool[0] = run_ctx->pool;
	pool[1] = idle_ctx->pool;
	run_ctx->pool = NULL;
	idle_ctx->pool = NULL;
	lcx_mgr_fini();
	rc = lcx_test_pools_free(pool, 2);
	free(text);
	return rc;
}

/* The value of a sample line "<series> <value>" in the exposition. */
static int
sample(const char *series, uint64_t *v)
{
	char pat[600];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s ", series);
	p = strstr(text, pat);
	if (p == NULL)
		return -1;
	return sscanf(p + strlen(pat), "%" SCNu64, v) == 1 ? 0 : -1;
}

static unsigned int
occurrences(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (hay = strstr(hay, needle); hay != NULL;
			hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static void
test_start(void)
{
	struct lcx_ctx_stats st;
	unsigned int i;

	CU_ASSERT_FATAL(lcx_mgr_ctx_start(run_ctx->id) == 0);
	for (i = 0; i < 5000; i++) {
		lcx_ctx_stats_get(run_ctx, &st);
		if (st.rx_packets == COUNT)
			break;
		usleep(1000);
	}
	CU_ASSERT_FATAL(st.rx_packets == COUNT);
}

static void
test_format(void)
{
	struct lcx_port_stats ps;
	struct lcx_handler_stats hs;
	struct lcx_ctx_stats st;
	char series[512], small[64];
	uint64_t v;
	size_t n;

	n = lcx_metrics_format(text, BIG);
	CU_ASSERT_FATAL(n > 0 && n < BIG);
	CU_ASSERT(strlen(text) == n);
	/* Counters only grow: read the API after the exposition. */
	lcx_ctx_stats_get(run_ctx, &st);
	snprintf(series, sizeof(series), "lcx_ctx_rx_packets_total{ctx=\"%u\","
			"lcore=\"1\"}", run_ctx->id);
	CU_ASSERT(sample(series, &v) == 0 && v == COUNT && v == st.rx_packets);
	snprintf(series, sizeof(series), "lcx_ctx_rx_packets_total{ctx=\"%u\","
			"lcore=\"0\"}", idle_ctx->id);
	CU_ASSERT(sample(series, &v) == 0 && v == 0);
	snprintf(series, sizeof(series), "lcx_ctx_dropped_packets_total{ctx="
			"\"%u\",lcore=\"1\",reason=\"tx-full\"}", run_ctx->id);
	CU_ASSERT(sample(series, &v) == 0 &&
			v == st.drop[LCX_CTX_DROP_TX_FULL]);
	CU_ASSERT_FATAL(lcx_pipeline_stats_get(run_ctx, 0, &hs) == 0);
	snprintf(series, sizeof(series), "lcx_stage_in_packets_total{ctx=\"%u\","
			"lcore=\"1\",stage=\"0\",handler=\"macswap\"}",
			run_ctx->id);
	CU_ASSERT(sample(series, &v) == 0 && v == hs.pkts_in && v == COUNT);
	CU_ASSERT(lcx_port_stats_get(port, &ps) == 0);
	snprintf(series, sizeof(series), "lcx_port_rx_bytes_total{port=\"%u\","
			"name=\"%s\"}", port->id, port->name);
	CU_ASSERT(sample(series, &v) == 0 && v == ps.ibytes && v >= 60 * COUNT);
	snprintf(series, sizeof(series), "lcx_rxq_owner{port=\"%u\",queue=\"0\","
			"ctx=\"%u\",lcore=\"1\",socket=\"0\"}", port->id,
			run_ctx->id);
	CU_ASSERT(sample(series, &v) == 0 && v == 1);
	/* A quote in a label value is escaped. */
	CU_ASSERT(strstr(text, "name=\"tel\\\"run\"") != NULL);
	/* Each family once, its samples together. */
	CU_ASSERT(occurrences(text, "# TYPE lcx_ctx_rx_packets_total counter\n")
			== 1);
	CU_ASSERT(occurrences(text, "# TYPE lcx_stage_handler_events_total counter\n")
			== 1);
	CU_ASSERT(occurrences(text,
			"# TYPE lcx_stage_branch_packets_total counter\n") == 1);
	snprintf(series, sizeof(series), "lcx_ctx_tx_shared_packets_total{ctx="
			"\"%u\",lcore=\"1\"}", run_ctx->id);
	CU_ASSERT(sample(series, &v) == 0 && v == st.tx_shared);
	CU_ASSERT(occurrences(text, "# HELP lcx_ctx_rx_packets_total ") == 1);
	CU_ASSERT(occurrences(text, "# TYPE ") == occurrences(text, "# HELP "));
	/* Cut: the whole length is still returned, the text ends in NUL. */
	CU_ASSERT(lcx_metrics_format(small, sizeof(small)) >= n);
	CU_ASSERT(strlen(small) == sizeof(small) - 1);
	CU_ASSERT(strncmp(small, text, sizeof(small) - 1) == 0);
}

/* One request on this process's telemetry socket; the reply in @p out. */
static int
tel(const char *cmd, char *out, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	ssize_t n;
	int fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
			rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
			read(fd, out, len) <= 0 ||
			write(fd, cmd, strlen(cmd)) < 0 ||
			(n = read(fd, out, len - 1)) <= 0) {
		close(fd);
		return -1;
	}
	out[n] = '\0';
	close(fd);
	return 0;
}

static int
json_u64(const char *json, const char *key, uint64_t *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	return p != NULL && sscanf(p + strlen(pat), "%" SCNu64, v) == 1 ?
		0 : -1;
}

static void
test_endpoints(void)
{
	char reply[16384], cmd[64];
	struct lcx_ctx_stats st;
	uint64_t v;

	CU_ASSERT(lcx_telemetry_init(0x8) == -EINVAL);
	CU_ASSERT_FATAL(lcx_telemetry_init(LCX_TELEMETRY_F_CONTROL) == 0);
	CU_ASSERT(lcx_telemetry_init(0) == -EALREADY);

	CU_ASSERT_FATAL(tel("/lcx/ctx/list", reply, sizeof(reply)) == 0);
	snprintf(cmd, sizeof(cmd), "{\"/lcx/ctx/list\":[%u,%u]}",
			RTE_MIN(run_ctx->id, idle_ctx->id),
			RTE_MAX(run_ctx->id, idle_ctx->id));
	CU_ASSERT_STRING_EQUAL(reply, cmd);

	snprintf(cmd, sizeof(cmd), "/lcx/ctx/stats,%u", run_ctx->id);
	CU_ASSERT_FATAL(tel(cmd, reply, sizeof(reply)) == 0);
	lcx_ctx_stats_get(run_ctx, &st);
	CU_ASSERT(json_u64(reply, "rx_packets", &v) == 0 && v == COUNT &&
			v == st.rx_packets);
	CU_ASSERT(json_u64(reply, "drop_tx_full", &v) == 0 &&
			v == st.drop[LCX_CTX_DROP_TX_FULL]);

	snprintf(cmd, sizeof(cmd), "/lcx/ctx/info,%u", idle_ctx->id);
	CU_ASSERT_FATAL(tel(cmd, reply, sizeof(reply)) == 0);
	CU_ASSERT(strstr(reply, "\"state\":\"READY\"") != NULL);
	CU_ASSERT(strstr(reply, "\"limits\":{\"max_rxq\":") != NULL);
	snprintf(cmd, sizeof(cmd), "/lcx/ctx/stats,%u", run_ctx->id);
	CU_ASSERT_FATAL(tel(cmd, reply, sizeof(reply)) == 0);
	CU_ASSERT(strstr(reply, "\"tx_shared\":") != NULL &&
		strstr(reply, "\"tx_lock_waits\":") != NULL);

	snprintf(cmd, sizeof(cmd), "/lcx/pipeline,%u", run_ctx->id);
	CU_ASSERT_FATAL(tel(cmd, reply, sizeof(reply)) == 0);
	CU_ASSERT(strstr(reply, "\"0_macswap\":{\"handler\":\"macswap\","
			"\"in\":4096,\"out\":4096,") != NULL);

	CU_ASSERT_FATAL(tel("/lcx/placement", reply, sizeof(reply)) == 0);
	snprintf(cmd, sizeof(cmd), "\"p%u_q0\":{\"port\":%u,\"queue\":0,"
			"\"ctx\":%u,", port->id, port->id, run_ctx->id);
	CU_ASSERT(strstr(reply, cmd) != NULL);

	/* The rebalancer: off, then one manual decision (one context runs:
	 * warm-up), its figures in the reply. */
	CU_ASSERT_FATAL(tel("/lcx/rebalance", reply, sizeof(reply)) == 0);
	CU_ASSERT_STRING_EQUAL(reply, "{\"/lcx/rebalance\":{\"verdict\":\"off\"}}");
	{
		struct lcx_mgr_rebalance_conf rc;
		struct lcx_mgr_rebalance_decision dec;

		lcx_mgr_rebalance_conf_init(&rc);
		rc.manual = 1;
		CU_ASSERT_FATAL(lcx_mgr_rebalance_start(&rc) == 0);
		CU_ASSERT(lcx_mgr_rebalance_tick(&dec) == 0);
		CU_ASSERT_FATAL(tel("/lcx/rebalance", reply, sizeof(reply)) == 0);
		snprintf(cmd, sizeof(cmd), "{\"/lcx/rebalance\":{\"verdict\":"
			"\"%s\",\"seq\":1,", lcx_mgr_rebalance_verdict_name(
			dec.verdict));
		CU_ASSERT(strncmp(reply, cmd, strlen(cmd)) == 0);
		CU_ASSERT(strstr(reply, "\"moves\":0}") != NULL);
		CU_ASSERT(lcx_mgr_rebalance_stop() == 0);
	}

	/* Errors: null for a read, a one-line "error" for an action. */
	CU_ASSERT(tel("/lcx/ctx/stats,999", reply, sizeof(reply)) == 0);
	CU_ASSERT_STRING_EQUAL(reply, "{\"/lcx/ctx/stats\":null}");
	CU_ASSERT(tel("/lcx/ctx/stats,1x", reply, sizeof(reply)) == 0);
	CU_ASSERT_STRING_EQUAL(reply, "{\"/lcx/ctx/stats\":null}");
	CU_ASSERT(tel("/lcx/ctl/pause,999", reply, sizeof(reply)) == 0);
	CU_ASSERT_STRING_EQUAL(reply,
			"{\"/lcx/ctl/pause\":{\"error\":\"no context 999\"}}");
	snprintf(cmd, sizeof(cmd), "/lcx/ctl/pause,%u", idle_ctx->id);
	CU_ASSERT(tel(cmd, reply, sizeof(reply)) == 0);
	CU_ASSERT(strstr(reply, "is not running") != NULL);
	CU_ASSERT(tel("/lcx/ctl/log_level,lcx.telemetry:debug", reply,
			sizeof(reply)) == 0);
	CU_ASSERT(strstr(reply, "\"result\"") != NULL);
	/* That module's type alone ("lcx.telemetry" exists: registering
	 * the name again returns its id). */
	CU_ASSERT(rte_log_get_level(rte_log_register("lcx.telemetry")) ==
			RTE_LOG_DEBUG);
	CU_ASSERT(rte_log_get_level(lcx_logtype) == RTE_LOG_INFO);

	/* Stopped: they answer null, until turned on again. */
	lcx_telemetry_stop();
	CU_ASSERT(tel("/lcx/ctx/list", reply, sizeof(reply)) == 0);
	CU_ASSERT_STRING_EQUAL(reply, "{\"/lcx/ctx/list\":null}");
	CU_ASSERT(lcx_telemetry_init(0) == 0);
	CU_ASSERT(tel("/lcx/port/list", reply, sizeof(reply)) == 0);
	snprintf(cmd, sizeof(cmd), "{\"/lcx/port/list\":[%u]}", port->id);
	CU_ASSERT_STRING_EQUAL(reply, cmd);
}

static void
test_pause(void)
{
	struct lcx_ctx_stats a, b;

	CU_ASSERT(lcx_mgr_ctx_pause(999) == -LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_resume(999) == -LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_paused(999) == -LCX_ENOCTX);
	CU_ASSERT(lcx_mgr_ctx_pause(idle_ctx->id) == -EPERM);
	CU_ASSERT(lcx_mgr_ctx_resume(run_ctx->id) == -EALREADY);

	CU_ASSERT_FATAL(lcx_mgr_ctx_pause(run_ctx->id) == 0);
	CU_ASSERT(lcx_ctx_state_get(run_ctx) == LCX_CTX_BLOCKED);
	CU_ASSERT(lcx_mgr_ctx_paused(run_ctx->id) == 1);
	CU_ASSERT(lcx_mgr_ctx_pause(run_ctx->id) == -EALREADY);
	/* Paused, the loop stands still: no cycle of either kind. */
	lcx_ctx_stats_get(run_ctx, &a);
	usleep(50000);
	lcx_ctx_stats_get(run_ctx, &b);
	CU_ASSERT(a.busy_cycles + a.idle_cycles ==
			b.busy_cycles + b.idle_cycles);
	CU_ASSERT(lcx_mgr_ctx_resume(run_ctx->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_paused(run_ctx->id) == 0);
	CU_ASSERT(lcx_test_wait_state(run_ctx, LCX_CTX_RUNNING, 2000) ||
			lcx_ctx_state_get(run_ctx) == LCX_CTX_BLOCKED);
	usleep(50000);
	lcx_ctx_stats_get(run_ctx, &b);
	CU_ASSERT(b.busy_cycles + b.idle_cycles >
			a.busy_cycles + a.idle_cycles);

	/* A stop ends a pause: the loop leaves COMPLETED. */
	CU_ASSERT_FATAL(lcx_mgr_ctx_pause(run_ctx->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_stop(run_ctx->id) == 0);
	CU_ASSERT(lcx_mgr_ctx_wait(run_ctx->id) == 0);
	CU_ASSERT(lcx_ctx_state_get(run_ctx) == LCX_CTX_COMPLETED);
	CU_ASSERT(lcx_mgr_ctx_paused(run_ctx->id) == 0);
}

/* GET @p path from 127.0.0.1:@p port; the response in @p out. */
static int
http(uint16_t p, const char *method, const char *path, char *out,
		size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		.sin_port = htons(p) };
	char req[256];
	size_t got = 0;
	ssize_t n;
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: x\r\n\r\n",
			method, path);
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return -1;
	}
	while (got + 1 < len && (n = read(fd, out + got, len - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fd);
	return 0;
}

static void
test_server(void)
{
	char *resp = malloc(BIG);
	uint16_t p;

	CU_ASSERT_FATAL(resp != NULL);
	CU_ASSERT(lcx_metrics_port() == 0);
	CU_ASSERT(lcx_metrics_start("nonsense") == -EINVAL);
	CU_ASSERT(lcx_metrics_start("127.0.0.1:65536") == -EINVAL);
	CU_ASSERT(lcx_metrics_start("") == -EINVAL);
	CU_ASSERT_FATAL(lcx_metrics_start("127.0.0.1:0") == 0);
	p = lcx_metrics_port();
	CU_ASSERT_FATAL(p != 0);
	CU_ASSERT(lcx_metrics_start("0") == -EALREADY);

	CU_ASSERT_FATAL(http(p, "GET", "/metrics", resp, BIG) == 0);
	CU_ASSERT(strncmp(resp, "HTTP/1.0 200", 12) == 0 ||
			strncmp(resp, "HTTP/1.1 200", 12) == 0);
	CU_ASSERT(strstr(resp, "text/plain; version=0.0.4") != NULL);
	CU_ASSERT(strstr(resp, "\r\n\r\n# HELP lcx_ctx_info ") != NULL);
	CU_ASSERT(strstr(resp, "lcx_ctx_rx_packets_total{ctx=") != NULL);
	CU_ASSERT(http(p, "GET", "/", resp, BIG) == 0);
	CU_ASSERT(strstr(resp, " 404 ") != NULL);
	CU_ASSERT(http(p, "POST", "/metrics", resp, BIG) == 0);
	CU_ASSERT(strstr(resp, " 405 ") != NULL);

	lcx_metrics_stop();
	CU_ASSERT(lcx_metrics_port() == 0);
	CU_ASSERT(http(p, "GET", "/metrics", resp, BIG) != 0);
	lcx_metrics_stop();	/* a no-op */
	free(resp);
}

static CU_TestInfo tests[] = {
	{ "context receives every packet of the port", test_start },
	{ "exposition: exact values, families once, cut output", test_format },
	{ "endpoints on the telemetry socket, errors, stop", test_endpoints },
	{ "metrics server: 200, 404, 405, stop", test_server },
	{ "pause/resume: errors, the loop stands still, stop ends it",
		test_pause },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "telemetry", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	return lcx_test_main(argc, argv, suites);
}
