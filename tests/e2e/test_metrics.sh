#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Prometheus metrics of lcx-fwd --metrics, checked by Prometheus's own
# tools: the exposition passes `promtool check metrics`, its counters add
# up to what the ports sent, and a real Prometheus server (Debian's
# prometheus) scraping lcx-fwd every second reports up == 1 and the same
# lcx counter through its HTTP query API.  lcx-fwd runs on two lcores (its
# default) with two synth ports that send COUNT packets a queue and fall
# silent.  Bounded: 60 s for Prometheus to answer; about 10 s here.
#
# Usage: test_metrics.sh /path/to/lcx-fwd
. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
e2e_need curl promtool prometheus python3

COUNT=20000
PROM_PID=

prom_stop() {
	if [ -n "$PROM_PID" ]; then
		kill -TERM "$PROM_PID" 2>/dev/null
		wait "$PROM_PID" 2>/dev/null
		PROM_PID=
	fi
}
# e2e_cleanup reads the exit status first: keep it across prom_stop.
trap 'rc=$?; prom_stop; (exit $rc); e2e_cleanup' EXIT

# A free TCP port on the loopback (the kernel's pick, released at once).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# prom_query EXPR: the first result's value, or nothing.
prom_query() {
	curl -s -m 5 -G "http://127.0.0.1:$PROM_WEB/api/v1/query" \
		--data-urlencode "query=$1" | python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "")
except Exception:
    print("")'
}

"$FWD" -l 0,1 --no-huge -m 512 --no-pci --file-prefix=lcxe2e${E2E_SFX}m -- \
	--port synth:flows=64,count=$COUNT --port synth:flows=64,count=$COUNT \
	--pipeline 'macswap -> count' \
	--metrics 127.0.0.1:0 --stats-interval 0 --json \
	>"$TMP/m.json" 2>"$TMP/m.err" &
FWD_PID=$!
FWD_TAG=m
n=0
until port=$(sed -n 's/^lcx-fwd: metrics on port \([0-9]*\):.*/\1/p' \
		"$TMP/m.err") && [ -n "$port" ]; do
	fwd_alive || fail "lcx-fwd died before serving metrics"
	n=$((n + 1))
	[ "$n" -lt 300 ] || fail "no metrics port after 30 s"
	sleep 0.1
done
note "lcx-fwd serves GET /metrics on 127.0.0.1:$port"

# Every packet sent is received before the counters are compared.
total=0
n=0
while [ "$n" -lt 100 ]; do
	curl -s -m 5 "http://127.0.0.1:$port/metrics" >"$TMP/metrics.txt"
	total=$(awk '/^lcx_ctx_rx_packets_total\{/ { s += $2 } END { print s + 0 }' \
		"$TMP/metrics.txt")
	[ "$total" -eq $((4 * COUNT)) ] && break
	n=$((n + 1))
	sleep 0.1
done
[ "$total" -eq $((4 * COUNT)) ] ||
	fail "lcx_ctx_rx_packets_total adds up to $total, expected $((4 * COUNT))"
note "lcx_ctx_rx_packets_total over both contexts: $total"
rx_bytes=$(awk '/^lcx_port_rx_bytes_total\{/ { s += $2 } END { print s + 0 }' \
	"$TMP/metrics.txt")
[ "$rx_bytes" -ge $((4 * COUNT * 60)) ] ||
	fail "lcx_port_rx_bytes_total $rx_bytes: under 60 bytes a packet"
grep -q '^lcx_ctx_dropped_packets_total{ctx="0",lcore="0",reason="tx-full"} ' \
	"$TMP/metrics.txt" || fail "no per-reason drop series"
grep -q '^lcx_stage_in_packets_total{ctx="1",lcore="1",stage="0",handler="macswap"} ' \
	"$TMP/metrics.txt" || fail "no per-stage series"
# count's own declared counter, summed over the contexts: every packet
# is IPv4/UDP (synth).
udp=$(awk '/^lcx_stage_handler_events_total\{.*handler="count",name="udp-packets"\}/ { s += $2 } END { print s + 0 }' \
	"$TMP/metrics.txt")
[ "$udp" -eq "$total" ] ||
	fail "lcx_stage_handler_events_total udp-packets adds up to $udp, not $total"
grep -q '^lcx_ctx_tx_shared_packets_total{' "$TMP/metrics.txt" ||
	fail "no shared-TX-queue series"
note "count's udp-packets counter over both contexts: $udp"

if ! promtool check metrics <"$TMP/metrics.txt" >"$TMP/promtool.err" 2>&1 ||
		[ -s "$TMP/promtool.err" ]; then
	fail "promtool check metrics: $(head -5 "$TMP/promtool.err")"
fi
note "promtool check metrics: clean ($(grep -c '^lcx_' "$TMP/metrics.txt") series)"

# A real Prometheus scraping it every second.
PROM_WEB=$(free_port)
cat >"$TMP/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: lcx
    static_configs:
      - targets: ['127.0.0.1:$port']
CONF
prometheus --config.file="$TMP/prometheus.yml" \
	--storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address="127.0.0.1:$PROM_WEB" \
	>"$TMP/prometheus.err" 2>&1 &
PROM_PID=$!
up=
rx=
end=$(($(date +%s) + 60))
while [ "$(date +%s)" -lt "$end" ]; do
	kill -0 "$PROM_PID" 2>/dev/null || fail "prometheus died"
	fwd_alive || fail "lcx-fwd died while scraped"
	up=$(prom_query 'up{job="lcx"}')
	rx=$(prom_query 'sum(lcx_ctx_rx_packets_total{job="lcx"})')
	[ "$up" = 1 ] && [ "$rx" = $((4 * COUNT)) ] && break
	sleep 0.5
done
[ "$up" = 1 ] || fail "prometheus: up{job=\"lcx\"} is '$up', expected 1"
[ "$rx" = $((4 * COUNT)) ] ||
	fail "prometheus: sum(lcx_ctx_rx_packets_total) is '$rx'"
note "prometheus: up 1, sum(lcx_ctx_rx_packets_total) $rx"
prom_stop

fwd_stop
fwd_check_pools m
[ "$(json_get m rx_packets)" -eq $((4 * COUNT)) ] ||
	fail "summary: rx_packets $(json_get m rx_packets)"
note "lcx-fwd: exit 0, pools full"
echo "test_metrics: passed"
