#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# lcx-gen command line: bad options (one line, exit 2), rate accuracy at
# 100 kpps (a functional check with a generous tolerance: speed belongs to
# the benchmark), a packet count, JSON/CSV/SVG outputs, a short search on
# a net_ring loopback, SIGINT.  Runs of about a second: two cores.
#
# Usage: test_gen_cli.sh /path/to/lcx-gen
set -u

GEN=${1:?usage: test_gen_cli.sh /path/to/lcx-gen}
TMP=$(mktemp -d /tmp/lcx-gen-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0

ok() {
	PASS=$((PASS + 1))
	echo "ok   - $1"
}

nok() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then
		sed 's/^/       | /' "$2" | tail -n 15
	fi
}

# usage NAME ARGS...: must exit 2 with exactly one line on stderr, naming
# the culprit (the first word of $MATCH), nothing on stdout.
usage() {
	name=$1
	shift
	"$GEN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne 2 ]; then
		nok "$name: exit $rc, expected 2" "$TMP/err"
	elif [ "$lines" -ne 1 ]; then
		nok "$name: $lines lines on stderr, expected 1" "$TMP/err"
	elif [ -s "$TMP/out" ]; then
		nok "$name: output on stdout" "$TMP/out"
	elif ! grep -q -- "$MATCH" "$TMP/err"; then
		nok "$name: stderr does not name '$MATCH'" "$TMP/err"
	else
		ok "$name: $(cat "$TMP/err")"
	fi
}

# json EXPR: evaluate a Python expression over the JSON in $TMP/g.json
# (bound to j); prints the value, fails when it is false.
json() {
	python3 -c "import json,sys; j=json.load(open('$TMP/g.json')); \
v=($1); print(v); sys.exit(0 if v else 1)"
}

# The watchdog's limit for runs with traffic: a loaded machine (the CI runs
# niced among other engineers' busy loops) may park a thread for a second.
HB="--hb-timeout 10000"

MATCH="no port"; usage "missing port" --rate 1M
MATCH="--rate"; usage "negative rate" --port net_null0 --rate -5
MATCH="--rate"; usage "zero rate" --port net_null0 --rate 0
MATCH="--rate"; usage "rate over 100 %" --port net_null0 --rate 120%
MATCH="--size"; usage "unknown size list" --port net_null0 --size jumbo
MATCH="--size"; usage "size below the minimum" --port net_null0 --size 60
MATCH="--search-sizes"; usage "bad search size" --port net_null0 \
	--search --search-sizes "64 imax"
MATCH="--flows"; usage "zero flows" --port net_null0 --flows 0
MATCH="--goals"; usage "bad goal" --port net_null0 --search --goals NDR=1.5
MATCH="line rate"; usage "rate above a given line rate" --port net_null0 \
	--line-rate 1G --rate 2Mpps
# The device's own speed (net_null says 10 Gbit/s: 14.2 Mpps at 64 bytes)
# is known only after EAL: still one line.
MATCH="line rate"; usage "rate above the device's line rate" \
	--port net_null0 --rate 20Mpps
MATCH="unknown option"; usage "unknown option" --port net_null0 --bogus
# A port no driver knows: EAL and lcx log the devargs first, so only the
# status and the last line are checked.
"$GEN" --port net_bogus0 >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 2 ] && tail -n 1 "$TMP/err" | grep -q "net_bogus0.*cannot open"
then
	ok "port no driver knows: exit 2, $(tail -n 1 "$TMP/err")"
else
	nok "port no driver knows: exit $rc" "$TMP/err"
fi

# Rate accuracy and accounting: 100 kpps for 1 s through a net_ring
# looped onto itself, with the EAL defaults (two lcores, two senders).
if "$GEN" --port net_ring0 --rate 100k --duration 1 --flows 3 $HB \
		--size imix --json "$TMP/g.json" --csv "$TMP/g.csv" \
		--svg "$TMP/g.svg" --stats-interval 0 >"$TMP/out" \
		2>"$TMP/err"; then
	ok "100 kpps run"
	v=$(json "abs(j['run']['achieved_pps'] - 100000) < 5000") &&
		ok "achieved rate within 5 % of 100 kpps: $(json \
		"j['run']['achieved_pps']")" ||
		nok "achieved rate: $(json "j['run']['achieved_pps']")"
	v=$(json "j['run']['tx'] == j['run']['rx'] - j['run']['dup'] - \
j['run']['late'] + j['run']['lost']") && ok "tx = unique rx + lost" ||
		nok "accounting" "$TMP/g.json"
	v=$(json "sum(s['sent'] for s in j['stream']) == j['run']['tx'] and \
len(j['stream']) == j['senders'] * 3") &&
		ok "per-stream sent adds up to tx over senders x flows" ||
		nok "per-stream" "$TMP/g.json"
	v=$(json "j['pools_full'] and j['ts_resolution_ns'] > 0 and \
j['self_overhead_ns']['min'] > 0") &&
		ok "pools full; resolution and self-overhead reported" ||
		nok "pools/calibration" "$TMP/g.json"
	v=$(json "j['run']['latency']['samples'] == j['run']['rx'] and \
j['run']['latency']['p50_ns'] <= j['run']['latency']['p99_ns'] <= \
j['run']['latency']['max_ns']") && ok "one latency sample per frame, \
ordered percentiles" || nok "latency" "$TMP/g.json"
	[ "$(wc -l <"$TMP/g.csv")" -eq 2 ] && ok "CSV: header and the run" ||
		nok "CSV" "$TMP/g.csv"
	python3 -c "import xml.etree.ElementTree as E; \
r=E.parse('$TMP/g.svg').getroot(); assert r.tag.endswith('svg'); \
assert len(r.findall('.//{http://www.w3.org/2000/svg}polyline')) == 1" &&
		ok "SVG: a latency CDF" || nok "SVG" "$TMP/g.svg"
else
	nok "100 kpps run" "$TMP/err"
fi

# A count, exactly.
if "$GEN" --port net_ring0 --rate 200k --count 12345 $HB --json "$TMP/g.json" \
		--stats-interval 0 >"$TMP/out" 2>"$TMP/err"; then
	v=$(json "j['run']['tx'] == 12345 and \
sum(s['sent'] for s in j['stream']) == 12345") &&
		ok "--count 12345 sends 12345" || nok "count" "$TMP/g.json"
else
	nok "count run" "$TMP/err"
fi

# One lcore, IPv6, a search of two sizes (short trials): a loopback has no
# loss below the generator's own rate, so each goal ends at the max load.
if "$GEN" -l 0 --no-huge -m 512 --no-pci -- --port net_ring0 --ipv6 1 $HB \
		--search --search-sizes "128 imix-csit" --max-rate 20k \
		--trial-duration 0.2 --short-duration 0.1 --precision 0.05 \
		--json "$TMP/g.json" --csv "$TMP/g.csv" --svg "$TMP/g.svg" \
		>"$TMP/out" 2>"$TMP/err"; then
	ok "search on a loopback"
	v=$(json "[g['lower_pps'] for s in j['search']['sizes'] for g in \
s['goals']] == [20000.0] * 4") &&
		ok "every goal at the max load" || nok "search goals" "$TMP/g.json"
	v=$(json "all(len(s['latency']) == 3 for s in j['search']['sizes'])") &&
		ok "latency at 10/50/90 % of NDR for each size" ||
		nok "latency runs" "$TMP/g.json"
	grep -q "max-load" "$TMP/g.csv" && ok "CSV lists the trials" ||
		nok "CSV trials" "$TMP/g.csv"
	grep -q "phase" "$TMP/err" && ok "live progress on stderr" ||
		nok "progress" "$TMP/err"
	python3 -c "import xml.etree.ElementTree as E; \
r=E.parse('$TMP/g.svg').getroot(); \
assert len(r.findall('.//{http://www.w3.org/2000/svg}circle')) >= 4" &&
		ok "SVG: trials plotted" || nok "SVG search" "$TMP/g.svg"
else
	nok "search on a loopback" "$TMP/err"
fi

# SIGINT ends a long run cleanly: exit 0, report marked interrupted.
"$GEN" --port net_ring0 --rate 50k --duration 60 $HB --json "$TMP/g.json" \
	--stats-interval 0 >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
if [ "$rc" -eq 0 ] && json "j['interrupted'] and j['pools_full'] and \
j['run']['duration_s'] < 30" >/dev/null; then
	ok "SIGINT: exit 0, interrupted, pools full"
else
	nok "SIGINT: exit $rc" "$TMP/err"
fi

echo "test_gen_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
