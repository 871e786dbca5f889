#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Operations on a running lcx-fwd (--telemetry; two synth ports that send
# COUNT packets a queue, then fall silent so the contexts park instead of
# spinning on a shared machine; a context on each of two lcores): the
# /lcx/ endpoints read with the stock dpdk-telemetry.py, then lcx-ctl
# moving an RX queue, pausing and resuming a context (its loop's cycle
# counters stand still, then move again), stopping one (its queues go to
# the other), setting a log level, and each refusal: one line, exit 2.
# Ends with SIGTERM: exit 0, every mbuf back in its pool.  About 10 s.
#
# Usage: test_ctl.sh /path/to/lcx-fwd /path/to/lcx-ctl
set -u

FWD=${1:?usage: test_ctl.sh LCX-FWD LCX-CTL}
CTL=${2:?usage: test_ctl.sh LCX-FWD LCX-CTL}
TMP=$(mktemp -d /tmp/lcx-ctl-test.XXXXXX)
PFX=lcxctltest$$
COUNT=50000
FWD_PID=
PASS=0
FAIL=0

cleanup() {
	if [ -n "$FWD_PID" ]; then
		kill "$FWD_PID" 2>/dev/null
		wait "$FWD_PID" 2>/dev/null
	fi
	rm -rf "$TMP" "/var/run/dpdk/$PFX"
}
trap cleanup EXIT

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

if ! command -v dpdk-telemetry.py >/dev/null 2>&1; then
	echo "skip: dpdk-telemetry.py (package dpdk-dev) not found"
	exit 77
fi

# tel CMD: the value of the reply of the stock client, as JSON, in $TMP/tel
tel() {
	echo "$1" | dpdk-telemetry.py -f "$PFX" 2>"$TMP/tel.err" |
		python3 -c '
import json, sys
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        d = json.loads(line)
        print(json.dumps(list(d.values())[0]))
        break
' >"$TMP/tel"
}

# check NAME PYTHON-EXPR: the expression is true of v (the JSON in $TMP/tel)
check() {
	if python3 -c "import json,sys; v = json.load(open('$TMP/tel')); \
sys.exit(0 if ($2) else 1)" 2>"$TMP/py.err"; then
		ok "$1"
	else
		cp "$TMP/tel" "$TMP/show"
		nok "$1: $2" "$TMP/show"
	fi
}

# ctl_ok NAME ARGS...: exit 0; stdout in $TMP/ctl
ctl_ok() {
	name=$1
	shift
	if "$CTL" -f "$PFX" "$@" >"$TMP/ctl" 2>"$TMP/ctl.err"; then
		ok "$name: $(cat "$TMP/ctl")"
	else
		nok "$name: lcx-ctl $* exited $?" "$TMP/ctl.err"
	fi
}

# ctl_refused NAME PATTERN ARGS...: exit 2, one line naming PATTERN
ctl_refused() {
	name=$1
	pat=$2
	shift 2
	"$CTL" -f "$PFX" "$@" >"$TMP/ctl" 2>"$TMP/ctl.err"
	rc=$?
	n=$(wc -l <"$TMP/ctl.err")
	if [ "$rc" -ne 2 ]; then
		nok "$name: exit $rc, expected 2" "$TMP/ctl.err"
	elif [ "$n" -ne 1 ] || ! grep -q -- "$pat" "$TMP/ctl.err"; then
		nok "$name: expected one line naming '$pat'" "$TMP/ctl.err"
	else
		ok "$name refused: $(cat "$TMP/ctl.err")"
	fi
}

# A field of a context's stats, read with lcx-ctl ("cycles": busy + idle,
# which grow as long as the loop runs, parked or not); -1 if unreadable.
stat() {
	"$CTL" -f "$PFX" stats "$1" 2>/dev/null | python3 -c "
import json, sys
try:
    v = json.load(sys.stdin)
    print(v['busy_cycles'] + v['idle_cycles'] if '$2' == 'cycles'
          else v['$2'])
except Exception:
    print(-1)"
}

# Without a process: exit 1.
"$CTL" -f "$PFX" list >/dev/null 2>"$TMP/ctl.err"
rc=$?
[ "$rc" -eq 1 ] && ok "no process: exit 1" ||
	nok "no process: exit $rc, expected 1" "$TMP/ctl.err"

"$FWD" --file-prefix="$PFX" -l 0,1 --no-huge -m 512 --no-pci -- \
	--port synth:flows=64,count=$COUNT --port synth:flows=64,count=$COUNT \
	--telemetry --duration 0 --stats-interval 0 --json \
	>"$TMP/fwd.out" 2>"$TMP/fwd.err" &
FWD_PID=$!
i=0
until [ -S "/var/run/dpdk/$PFX/dpdk_telemetry.v2" ] &&
		"$CTL" -f "$PFX" list >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -gt 300 ] || ! kill -0 "$FWD_PID" 2>/dev/null; then
		nok "lcx-fwd --telemetry: no telemetry socket after 30 s" \
			"$TMP/fwd.err"
		exit 1
	fi
	sleep 0.1
done
ok "telemetry socket /var/run/dpdk/$PFX/dpdk_telemetry.v2"

# ---- Read with the stock client -----------------------------------------
tel /lcx/ctx/list
check "/lcx/ctx/list: two contexts" 'v == [0, 1]'
tel /lcx/ctx/info,1
check "/lcx/ctx/info,1: lcore 1, RUNNING, limits, transitions" \
	'v["lcore"] == 1 and v["state"] in ("RUNNING", "BLOCKED") and
v["limits"]["max_rxq"] > 0 and v["transitions"]["READY_to_RUNNING"] == 1'
# Every packet the ports send is received: 2 ports x 2 queues x COUNT.
i=0
total=0
while [ "$i" -lt 100 ]; do
	total=0
	for c in 0 1; do
		total=$((total + $(stat "$c" rx_packets)))
	done
	[ "$total" -eq $((4 * COUNT)) ] && break
	i=$((i + 1))
	sleep 0.1
done
[ "$total" -eq $((4 * COUNT)) ] && ok "rx_packets of both contexts: $total" ||
	nok "rx_packets of both contexts: $total, expected $((4 * COUNT))"
tel /lcx/ctx/stats,0
check "/lcx/ctx/stats,0: busy %, drops by reason, run queue" \
	'0 <= v["busy_pct_x100"] <= 10000 and "drop_tx_full" in v and
"runq_refused" in v and v["busy_cycles"] + v["idle_cycles"] > 0 and
v["rx_packets"] == v["tx_packets"] + v["dropped"]'
tel /lcx/port/list
check "/lcx/port/list: two ports" 'v == [0, 1]'
tel /lcx/port/stats,1
check "/lcx/port/stats,1: synth, all sent, bytes counted" \
	"v['name'].startswith('synth') and v['ipackets'] == 2 * $COUNT and
v['ibytes'] >= 60 * v['ipackets']"
tel /lcx/placement
check "/lcx/placement: 4 RX queues, each polled" \
	'len(v) == 4 and all(r["ctx"] in (0, 1) for r in v.values())'
tel /lcx/pipeline,1
check "/lcx/pipeline,1: macswap stage, in == out + dropped, cycles/pkt" \
	'list(v) == ["0_macswap"] and v["0_macswap"]["in"] > 0 and
v["0_macswap"]["in"] == v["0_macswap"]["out"] + v["0_macswap"]["dropped"]
and v["0_macswap"]["cycles_per_pkt"] > 0'
tel /lcx/ctx/stats,9
check "/lcx/ctx/stats,9: null (no such context)" 'v is None'

alive() {
	if ! kill -0 "$FWD_PID" 2>/dev/null; then
		nok "lcx-fwd died" "$TMP/fwd.err"
		echo "test_ctl: $PASS passed, $FAIL failed"
		exit 1
	fi
}
alive

# ---- Act with lcx-ctl ----------------------------------------------------
"$CTL" -f "$PFX" placement >"$TMP/tel"
q=$(python3 -c "import json; v = json.load(open('$TMP/tel'));
print(min(k for k, r in v.items() if r['ctx'] == 0))")
port=$(echo "$q" | sed 's/p\([0-9]*\)_q.*/\1/')
queue=$(echo "$q" | sed 's/.*_q//')
ctl_ok "move port $port queue $queue to context 1" move "$port" "$queue" 1
"$CTL" -f "$PFX" placement >"$TMP/tel"
check "placement shows the move" "v['$q']['ctx'] == 1"
ctl_refused "move again" "polls port $port queue $queue already" \
	move "$port" "$queue" 1
ctl_refused "move a queue that does not exist" "no placed RX queue 9" \
	move 0 9 1
ctl_refused "move to a context that does not exist" "no context 7" \
	move 0 0 7
ctl_refused "bad number" "usage" move 0 x 1
ctl_refused "missing argument" "takes 3 arguments" move 0 1

ctl_ok "pause context 1" pause 1
"$CTL" -f "$PFX" info 1 >"$TMP/tel"
check "paused: BLOCKED" 'v["state"] == "BLOCKED" and v["paused"] == 1'
a=$(stat 1 cycles)
sleep 0.3
b=$(stat 1 cycles)
[ "$a" -eq "$b" ] && [ "$a" -gt 0 ] &&
	ok "paused: the loop's cycles stand still ($a)" ||
	nok "paused: the loop's cycles moved $a -> $b"
ctl_refused "pause twice" "paused already" pause 1
ctl_refused "move to a paused context" "resume it first" \
	move "$port" "$queue" 0
alive
ctl_ok "resume context 1" resume 1
sleep 0.3
c=$(stat 1 cycles)
[ "$c" -gt "$b" ] && ok "resumed: the loop's cycles grow ($b -> $c)" ||
	nok "resumed: the loop's cycles $b -> $c"
ctl_refused "resume a running context" "not paused" resume 1

ctl_ok "log level lcx.mgr debug" log-level lcx.mgr debug
ctl_refused "unknown level" "unknown level" log-level lcx.mgr loud
ctl_refused "no such log type" "no log type matches" log-level nothing info

alive
ctl_refused "stop the main lcore's context" "main lcore" stop 0
ctl_ok "stop context 1" stop 1
i=0
while [ "$i" -lt 50 ]; do
	"$CTL" -f "$PFX" info 1 >"$TMP/tel"
	grep -q COMPLETED "$TMP/tel" && break
	i=$((i + 1))
	sleep 0.1
done
check "stopped: COMPLETED" 'v["state"] == "COMPLETED" and v["nb_rxq"] == 0'
"$CTL" -f "$PFX" placement >"$TMP/tel"
check "stopped: its queues moved to context 0" \
	'all(r["ctx"] == 0 for r in v.values())'
ctl_refused "stop it again" "not running" stop 1
ctl_refused "raw unknown command" "no such command" raw /lcx/nothing

kill -TERM "$FWD_PID"
wait "$FWD_PID"
rc=$?
FWD_PID=
if [ "$rc" -eq 0 ] && python3 -c "import json,sys
d = json.load(open('$TMP/fwd.out')); sys.exit(0 if d['pools_full'] else 1)"
then
	ok "SIGTERM: exit 0, pools full"
else
	nok "SIGTERM: exit $rc or pools not full" "$TMP/fwd.err"
fi
[ ! -e "/var/run/dpdk/$PFX" ] || rm -rf "/var/run/dpdk/$PFX"

echo "test_ctl: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
