#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Every port works with any number of contexts (issue 9).  lcx-fwd runs
# the way a user runs it: no EAL options, so two lcores and two contexts,
# between the namespaces of devtools/netns.sh:
#
#   ns A 198.18.0.1 -- lA [port 0] lcx-fwd [port 1] lB -- ns B 198.18.0.2
#
# - af_packet without qpairs= (lcx-fwd asks for qpairs=2), pipeline io;
# - af_packet with qpairs=2, pipeline l2rewrite(dst0=MAC_A,dst1=MAC_B);
# - af_packet with qpairs=1: one RX and one TX queue for two contexts, so
#   the TX queue is shared under its lock, one context polls nothing and
#   lcx-fwd says so at start;
# - net_tap ports (two queues each: net_tap has no count in its devargs,
#   the configuration gives it one per context) moved into the namespaces,
#   198.18.1.1 and 198.18.1.2, pipeline io;
# - one lcore (-l 1), af_packet without qpairs=, pipeline io.
# Each: ping A -> B and B -> A (5 echoes each, all answered), iperf3 TCP
# A -> B for 2 s (not on the one-lcore case, test_fwd_netns.sh has it);
# then lcx-fwd stops on SIGTERM: exit 0, no no-txq drop, every pool full.
# A failed ping stops lcx-fwd first, so its drops and port counters are in
# the log.
#
# Usage: test_fwd_contexts.sh LCX_FWD      (root; exit 77 = skipped)

. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
e2e_need_root
e2e_need ping iperf3 python3
e2e_netns

# lcx-fwd with its EAL defaults (a private --file-prefix it removes at
# exit; a killed one leaves /var/run/dpdk/lcxfwd<pid>, removed below).
fwd_user() {
	tag=$1
	shift
	"$FWD" -- "$@" --json >"$TMP/$tag.json" 2>"$TMP/$tag.err" &
	FWD_PID=$!
	FWD_TAG=$tag
	USER_PIDS="${USER_PIDS:-} $FWD_PID"
}

contexts_cleanup() {
	rc=$?
	for p in ${USER_PIDS:-}; do
		kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
		rm -rf "/var/run/dpdk/lcxfwd$p"
	done
	ip -n "$NS_A" link del "tA$E2E_SFX" 2>/dev/null
	ip -n "$NS_B" link del "tB$E2E_SFX" 2>/dev/null
	(exit "$rc")
	e2e_cleanup
}
trap contexts_cleanup EXIT

# fail_stopped TAG MESSAGE: stop lcx-fwd first, so its counters (drops,
# port counters) are in the log, then fail.
fail_stopped() {
	kill -TERM "$FWD_PID" 2>/dev/null
	wait "$FWD_PID" 2>/dev/null
	FWD_PID=
	json_expr "$1" '(j["drops"], j["ports"])' >&2
	fail "$2"
}

# ping_both TAG ADDR_A ADDR_B
ping_both() {
	ns_wait_ping "$NS_A" "$3" 15 ||
		fail_stopped "$1" "$1: no ping reply A -> B in 15 s"
	res=$(ns_ping "$NS_A" "$3" 5) ||
		fail_stopped "$1" "$1: ping A -> B lost echoes"
	note "$1: ping A -> B $res"
	res=$(ns_ping "$NS_B" "$2" 5) ||
		fail_stopped "$1" "$1: ping B -> A lost echoes"
	note "$1: ping B -> A $res"
}

# iperf_ab TAG ADDR_B: iperf3 TCP A -> B, 2 s, moves bytes.
iperf_ab() {
	ip netns exec "$NS_B" iperf3 -s -1 -B "$2" >"$TMP/iperf3-s.err" 2>&1 &
	srv=$!
	n=0
	until ip netns exec "$NS_B" ss -ltn 2>/dev/null | grep -q "$2:5201 "; do
		n=$((n + 1))
		[ "$n" -lt 50 ] || fail "$1: iperf3 server did not start"
		sleep 0.1
	done
	timeout 20 ip netns exec "$NS_A" iperf3 -c "$2" -t 2 -J \
		>"$TMP/$1-iperf3.json" 2>"$TMP/iperf3-c.err" ||
		{ cat "$TMP/$1-iperf3.json" >&2; fail "$1: iperf3 failed"; }
	wait "$srv" 2>/dev/null
	res=$(python3 - "$TMP/$1-iperf3.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
if "error" in r:
    sys.exit("iperf3: " + r["error"])
s = r["end"]["sum_received"]
if s["bytes"] <= 0:
    sys.exit("iperf3 moved nothing")
print("%.2f Gbit/s, %d bytes" % (s["bits_per_second"] / 1e9, s["bytes"]))
EOF
) || fail "$1: iperf3: $res"
	note "$1: iperf3 TCP A -> B $res"
}

# check_run TAG CONTEXTS: stopped cleanly, pools full, the number of
# contexts, no no-txq drop.  A device refusing a burst under iperf3
# (tx-full, seen once on net_tap) is the device's limit, not a missing
# queue: printed, not failed.
check_run() {
	fwd_stop
	fwd_check_pools "$1"
	[ "$(json_expr "$1" 'len(j["contexts"])')" -eq "$2" ] ||
		fail "$1: not $2 contexts"
	[ "$(json_expr "$1" 'j["drops"].get("no-txq", 0)')" -eq 0 ] ||
		fail "$1: no-txq drops: $(json_get "$1" drops)"
	[ "$(json_get "$1" dropped)" -eq 0 ] ||
		note "$1: drops: $(json_expr "$1" '{k: v for k, v in j["drops"].items() if v}')"
	note "$1: rx $(json_get "$1" rx_packets) tx $(json_get "$1" tx_packets) shared $(json_expr "$1" 'sum(c["tx_shared"] for c in j["contexts"])') lock waits $(json_expr "$1" 'sum(c["tx_lock_waits"] for c in j["contexts"])')"
}

# spec_of TAG PORT: the spec lcx-fwd opened.
spec_of() {
	json_expr "$1" "j[\"ports\"][$2][\"spec\"]"
}

pA="net_af_packet0,iface=$IF_A"
pB="net_af_packet1,iface=$IF_B"

# net_af_packet with qpairs > 1 loses one direction's frames at times
# after start, outside lcx-fwd (it received and sent every frame, dropped
# none; testpmd with two cores and qpairs=2 does the same: doc/ports.md,
# known limits).  try_ping TAG: ping both ways; on a lost echo, stop
# lcx-fwd and return 1 if its own counts are clean, fail otherwise.
try_ping() {
	ns_wait_ping "$NS_A" "$IP_B" 15 && res=$(ns_ping "$NS_A" "$IP_B" 5) &&
		note "$1: ping A -> B $res" &&
		res=$(ns_ping "$NS_B" "$IP_A" 5) && note "$1: ping B -> A $res" &&
		return 0
	kill -TERM "$FWD_PID" 2>/dev/null
	wait "$FWD_PID" 2>/dev/null
	FWD_PID=
	json_expr "$1" '(j["drops"], j["ports"])' >&2
	[ "$(json_expr "$1" 'int(j["dropped"] == 0 and all(p["rx_packets"] == q["tx_packets"] for p, q in zip(j["ports"], j["ports"][::-1])))')" -eq 1 ] ||
		fail "$1: echoes lost, and lcx-fwd did not forward every frame"
	note "$1: echoes lost outside lcx-fwd (af_packet qpairs > 1): once more"
	return 1
}

# --- no qpairs=: two contexts, qpairs=2 asked for -----------------------
fwd_user default --port "$pA" --port "$pB" --pipeline io --duration 60
if ! try_ping default; then
	fwd_user default --port "$pA" --port "$pB" --pipeline io --duration 60
	ping_both default "$IP_A" "$IP_B"
fi
iperf_ab default "$IP_B"
check_run default 2
[ "$(spec_of default 0)" = "$pA,qpairs=2" ] ||
	fail "default: port 0 opened as '$(spec_of default 0)'"

# --- qpairs=2, l2rewrite ---------------------------------------------------
ip -n "$NS_A" neigh flush all
ip -n "$NS_B" neigh flush all
fwd_user l2rewrite --port "$pA,qpairs=2" --port "$pB,qpairs=2" \
	--pipeline "l2rewrite(dst0=$MAC_A,dst1=$MAC_B)" --duration 60
if ! try_ping l2rewrite; then
	fwd_user l2rewrite --port "$pA,qpairs=2" --port "$pB,qpairs=2" \
		--pipeline "l2rewrite(dst0=$MAC_A,dst1=$MAC_B)" --duration 60
	ping_both l2rewrite "$IP_A" "$IP_B"
fi
iperf_ab l2rewrite "$IP_B"
check_run l2rewrite 2

# --- qpairs=1: one TX queue shared by two contexts -------------------------
ip -n "$NS_A" neigh flush all
ip -n "$NS_B" neigh flush all
fwd_user shared --port "$pA,qpairs=1" --port "$pB,qpairs=1" --pipeline io \
	--duration 60
ping_both shared "$IP_A" "$IP_B"
iperf_ab shared "$IP_B"
check_run shared 2
[ "$(spec_of shared 0)" = "$pA,qpairs=1" ] ||
	fail "shared: qpairs=1 was not kept: '$(spec_of shared 0)'"
grep -q "port 0 .*: 1 RX queue for 2 contexts: fwd1 polls nothing there" \
	"$TMP/shared.err" || fail "shared: no start-up line for fwd1 on port 0"
grep -q "port 1 .*: 1 TX queue for 2 contexts: 2 send under a per-queue lock" \
	"$TMP/shared.err" || fail "shared: no start-up line for port 1's TX"
[ "$(json_expr shared 'min(c["tx_shared"] for c in j["contexts"])')" -gt 0 ] ||
	fail "shared: a context sent nothing on the shared queue"

# --- net_tap, moved into the namespaces ------------------------------------
ip -n "$NS_A" neigh flush all
ip -n "$NS_B" neigh flush all
fwd_user tap --port "net_tap0,iface=tA$E2E_SFX" \
	--port "net_tap1,iface=tB$E2E_SFX" --pipeline io --duration 60
n=0
until ip link show "tA$E2E_SFX" >/dev/null 2>&1 &&
		ip link show "tB$E2E_SFX" >/dev/null 2>&1; do
	n=$((n + 1))
	[ "$n" -lt 100 ] || fail "tap: lcx-fwd made no tap interfaces"
	fwd_alive || fail "tap: lcx-fwd died"
	sleep 0.1
done
# tap_into IFACE NS ADDR
tap_into() {
	if ! { ip link set "$1" netns "$2" &&
			ip -n "$2" addr add "$3/24" dev "$1" &&
			ip netns exec "$2" sysctl -qw \
				"net.ipv6.conf.$1.disable_ipv6=1" &&
			ip -n "$2" link set "$1" up; }; then
		fail "tap: could not move $1 into $2"
	fi
}
tap_into "tA$E2E_SFX" "$NS_A" 198.18.1.1
tap_into "tB$E2E_SFX" "$NS_B" 198.18.1.2
ping_both tap 198.18.1.1 198.18.1.2
iperf_ab tap 198.18.1.2
check_run tap 2
# net_tap takes its queue count from the configuration: two each
! grep -q "polls nothing" "$TMP/tap.err" || fail "tap: a context polls nothing"

# --- one lcore ---------------------------------------------------------------
ip -n "$NS_A" neigh flush all
ip -n "$NS_B" neigh flush all
fwd_start one --port "$pA" --port "$pB" --pipeline io --duration 60
ping_both one "$IP_A" "$IP_B"
check_run one 1
[ "$(spec_of one 0)" = "$pA,qpairs=1" ] ||
	fail "one: port 0 opened as '$(spec_of one 0)'"
echo "PASS"
