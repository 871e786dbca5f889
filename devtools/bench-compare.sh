#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# lcx-fwd against DPDK's own forwarders, in one run, one tool at a time
# (never two forwarders at once: the machine has two cores):
#
#   on net_null0,copy=1 <-> net_null1,copy=1, one forwarding lcore each:
#     lcx-fwd io         vs  dpdk-testpmd --forward-mode=io       (>= 1.0x)
#     lcx-fwd macswap    vs  dpdk-testpmd --forward-mode=macswap  (>= 1.0x)
#     lcx-fwd l2rewrite  vs  DPDK's l2fwd example, MAC updating on (>= 1.1x)
#   on af_packet over veth (devtools/netns.sh; root, iperf3):
#     iperf3 TCP ns A -> ns B through lcx-fwd io  vs  through testpmd io
#
# Each figure is the median over the rounds; a round runs every tool once,
# in the order above, lcx-fwd then its baseline.  Rates are RX packets per
# second over both ports, the median of one-second samples with the first
# left out (start-up): lcx-fwd's live table (context Mpps, --stats-interval
# 1, on stderr); testpmd's "Rx-pps" displays summed over the two ports;
# the differences between l2fwd's "Total packets received" displays
# (-T 1).  A median of seconds, not an average over the run, so a second
# in which another process took the core does not count.  iperf3:
# receiver bits per second.
#
# lcx-fwd runs with -l 1 (one context, on lcore 1, the main lcore; its
# control thread, which prints the table, on the other CPU) and --idle busy; testpmd and l2fwd forward on lcore 1 too
# (testpmd with its main thread on lcore 0, l2fwd with -l 1 -q 2).  l2fwd
# is built from /usr/share/dpdk/examples/l2fwd with its Makefile into a
# temporary directory (package dpdk-doc).
#
# Usage: devtools/bench-compare.sh [-d seconds] [-r rounds] [-b lcx-fwd]
#                                  [-L l2fwd] [-n]
#   -d  seconds each tool forwards per round (default 5)
#   -r  rounds (default 3)
#   -b  lcx-fwd binary (default $BUILD/apps/lcx-fwd/lcx-fwd, BUILD=build)
#   -L  an l2fwd binary to use instead of building one
#   -n  no iperf3 part (it needs root, ip netns, iperf3)

set -u

dur=5
rounds=3
fwd="${BUILD:-build}/apps/lcx-fwd/lcx-fwd"
l2fwd=
do_iperf=1
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0" | sed '/^$/d'
}

while getopts d:r:b:L:nh opt; do
	case $opt in
	d) dur=$OPTARG ;;
	r) rounds=$OPTARG ;;
	b) fwd=$OPTARG ;;
	L) l2fwd=$OPTARG ;;
	n) do_iperf=0 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $dur$rounds in
*[!0-9]*|'') echo "bench-compare: -d and -r take whole numbers" >&2; exit 2 ;;
esac
[ "$dur" -ge 3 ] || { echo "bench-compare: -d must be >= 3" >&2; exit 2; }
[ -x "$fwd" ] ||
	{ echo "bench-compare: no lcx-fwd at $fwd (build first, or -b)" >&2; exit 1; }
command -v dpdk-testpmd >/dev/null ||
	{ echo "bench-compare: dpdk-testpmd not found (package dpdk)" >&2; exit 1; }
command -v python3 >/dev/null ||
	{ echo "bench-compare: python3 not found" >&2; exit 1; }

tmp=$(mktemp -d /tmp/lcx-bench-compare.XXXXXX)
sfx=bc$$
netns=0
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	[ "$netns" -eq 1 ] && netns_down "$sfx"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "bench-compare: $*" >&2
	exit 1
}

# Median of the numbers on stdin, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

EAL="--no-huge -m 512 --no-pci"
NULLS="net_null0,copy=1 net_null1,copy=1"

# run_lcx TAG PIPELINE PORT...: lcx-fwd for $dur s; prints the median of
# its per-second context rates in Mpps (first second left out, as for
# testpmd), after checking its JSON summary.
run_lcx() {
	tag=$1
	pipe=$2
	shift 2
	pargs=
	for p in "$@"; do
		pargs="$pargs --port $p"
	done
	# shellcheck disable=SC2086
	"$fwd" -l 1 $EAL --file-prefix="lcx$sfx" -- $pargs \
		--pipeline "$pipe" --duration "$dur" --stats-interval 1 \
		--idle busy --json >"$tmp/$tag.json" 2>"$tmp/$tag.err" ||
		{ tail -20 "$tmp/$tag.err" >&2; die "lcx-fwd $pipe failed"; }
	python3 - "$tmp/$tag.json" <<'EOF' || die "lcx-fwd $pipe: bad JSON"
import json, sys
j = json.load(open(sys.argv[1]))
c = j["contexts"]
if len(c) != 1 or c[0]["lcore"] != 1:
    sys.exit("expected one context on lcore 1, got %s" %
             [x["lcore"] for x in c])
if not j["pools_full"]:
    sys.exit("pools not full at exit")
EOF
	# Live table rows "  <ctx> <lcore> <state> <Mpps> ...", one a second.
	awk '$2 == 1 && $3 == "RUNNING" { print $4 }' "$tmp/$tag.err" |
		tail -n +2 | median
}

# testpmd_start MODE OUT SECONDS VDEV...: testpmd in the background
# (TP_PID), its output to OUT, stopped by timeout after SECONDS.
testpmd_start() {
	mode=$1
	out=$2
	t=$3
	shift 3
	vdevs=
	for v in "$@"; do
		vdevs="$vdevs --vdev $v"
	done
	# testpmd shows its counters every second until a signal and stops
	# cleanly on it; --total-num-mbufs: its default does not fit -m 512.
	# SIGINT is ignored by background jobs of a script: stop it with
	# SIGTERM, which timeout passes on and testpmd handles the same way.
	# shellcheck disable=SC2086
	timeout -s TERM "$t" dpdk-testpmd -l 0-1 $EAL --file-prefix="tp$sfx" \
		$vdevs -- --forward-mode="$mode" --stats-period 1 \
		--auto-start --nb-cores=1 --rxq=1 --txq=1 \
		--total-num-mbufs=8192 >"$out" 2>&1 </dev/null &
	TP_PID=$!
}

# run_testpmd MODE: Mpps.
run_testpmd() {
	# shellcheck disable=SC2086
	testpmd_start "$1" "$tmp/tp.out" $((dur + 2)) $NULLS
	wait "$TP_PID"
	st=$?
	[ "$st" -eq 0 ] || [ "$st" -eq 124 ] ||
		{ tail -20 "$tmp/tp.out" >&2; die "testpmd $1 failed"; }
	grep -q 'Logical Core 1 .*forwards packets on 2 streams' \
		"$tmp/tp.out" || die "testpmd $1 did not forward on lcore 1"
	# Rx-pps lines come in pairs, port 0 then port 1, one pair a display.
	awk '/Rx-pps:/ { s += $2; if (++n % 2 == 0) { print s; s = 0 } }' \
		"$tmp/tp.out" | tail -n +2 | awk '$1 > 0 { print $1 / 1e6 }' |
		median
}

build_l2fwd() {
	src=/usr/share/dpdk/examples/l2fwd
	[ -f "$src/main.c" ] ||
		die "no $src (package dpdk-doc), or give -L l2fwd"
	cp -r "$src" "$tmp/l2fwd-src"
	make -C "$tmp/l2fwd-src" >"$tmp/l2fwd-build.log" 2>&1 ||
		{ tail -20 "$tmp/l2fwd-build.log" >&2; die "building l2fwd failed"; }
	l2fwd=$tmp/l2fwd-src/build/l2fwd
}

# run_l2fwd: Mpps.  -l 1 -q 2: both ports on lcore 1, which also prints
# the statistics every second (-T 1); MAC updating stays on (l2rewrite's
# semantics).
run_l2fwd() {
	# shellcheck disable=SC2086
	timeout -s INT $((dur + 2)) "$l2fwd" -l 1 $EAL --file-prefix="l2$sfx" \
		--vdev net_null0,copy=1 --vdev net_null1,copy=1 -- \
		-p 0x3 -q 2 -T 1 >"$tmp/l2.out" 2>&1 </dev/null
	st=$?
	[ "$st" -eq 0 ] || [ "$st" -eq 124 ] ||
		{ tail -20 "$tmp/l2.out" >&2; die "l2fwd failed"; }
	grep -q 'MAC updating enabled' "$tmp/l2.out" ||
		die "l2fwd: MAC updating is not on"
	awk '/Total packets received:/ { print $4 }' "$tmp/l2.out" |
		awk 'NR > 1 { d = $1 - p; if (NR > 2 && d > 0) print d / 1e6 }
		     { p = $1 }' | median
}

# --- iperf3 through af_packet ------------------------------------------------

# iperf_run TAG: iperf3 A -> B for $dur s; prints Gbit/s.
iperf_run() {
	n=0
	until ip netns exec "$NS_A" ping -c 1 -W 1 "$IP_B" >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -lt 15 ] || die "$1: A cannot reach B"
	done
	timeout $((dur + 10)) ip netns exec "$NS_A" iperf3 -c "$IP_B" \
		-t "$dur" -J >"$tmp/$1.iperf" 2>&1 ||
		{ tail -20 "$tmp/$1.iperf" >&2; die "$1: iperf3 failed"; }
	python3 - "$tmp/$1.iperf" <<'EOF' || die "$1: iperf3 output"
import json, sys
s = json.load(open(sys.argv[1]))["end"]["sum_received"]
print("%.3f" % (s["bits_per_second"] / 1e9))
EOF
}

iperf_lcx() {
	# shellcheck disable=SC2086
	"$fwd" -l 1 $EAL --file-prefix="lcx$sfx" -- \
		--port "net_af_packet0,iface=$IF_A,qpairs=1" \
		--port "net_af_packet1,iface=$IF_B,qpairs=1" \
		--pipeline io --duration 0 --stats-interval 0 --idle busy \
		--json >"$tmp/ipl.json" 2>"$tmp/ipl.err" &
	pid=$!
	g=$(iperf_run iperf-lcx) || { kill -TERM "$pid"; wait "$pid"; exit 1; }
	kill -TERM "$pid"
	wait "$pid" || die "lcx-fwd (af_packet) exited with $?"
	echo "$g"
}

iperf_testpmd() {
	testpmd_start io "$tmp/tpi.out" 600 \
		"net_af_packet0,iface=$IF_A,qpairs=1" \
		"net_af_packet1,iface=$IF_B,qpairs=1"
	g=$(iperf_run iperf-testpmd) ||
		{ kill -TERM "$TP_PID"; wait "$TP_PID"; exit 1; }
	kill -TERM "$TP_PID"
	wait "$TP_PID"
	echo "$g"
}

# --- the run ----------------------------------------------------------------

[ -n "$l2fwd" ] || build_l2fwd
[ -x "$l2fwd" ] || die "l2fwd not executable: $l2fwd"

if [ "$do_iperf" -eq 1 ]; then
	. "$here/netns.sh"
	why=$(netns_check)
	command -v iperf3 >/dev/null || why="iperf3 not found"
	if [ -n "$why" ]; then
		echo "bench-compare: no iperf3 part: $why" >&2
		do_iperf=0
	else
		netns=1
		netns_up "$sfx" || die "namespace set-up failed"
		ip netns exec "$NS_B" iperf3 -s -B "$IP_B" >/dev/null 2>&1 &
		srv=$!
	fi
fi

echo "bench-compare: $rounds round(s), ${dur} s a tool, forwarding lcore 1," \
	"$(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
names="lcx_io tp_io lcx_macswap tp_macswap lcx_l2rewrite l2fwd"
[ "$do_iperf" -eq 1 ] && names="$names ip_lcx ip_tp"
for k in $names; do
	: >"$tmp/all.$k"
done
r=1
while [ "$r" -le "$rounds" ]; do
	# shellcheck disable=SC2086
	v1=$(run_lcx lcx_io io $NULLS) || exit 1
	v2=$(run_testpmd io) || exit 1
	# shellcheck disable=SC2086
	v3=$(run_lcx lcx_macswap macswap $NULLS) || exit 1
	v4=$(run_testpmd macswap) || exit 1
	# shellcheck disable=SC2086
	v5=$(run_lcx lcx_l2rewrite l2rewrite $NULLS) || exit 1
	v6=$(run_l2fwd) || exit 1
	printf 'round %d Mpps: lcx io %.2f testpmd io %.2f | lcx macswap %.2f testpmd macswap %.2f | lcx l2rewrite %.2f l2fwd %.2f\n' \
		"$r" "$v1" "$v2" "$v3" "$v4" "$v5" "$v6"
	i=1
	for v in "$v1" "$v2" "$v3" "$v4" "$v5" "$v6"; do
		k=$(echo "$names" | cut -d' ' -f$i)
		echo "$v" >>"$tmp/all.$k"
		i=$((i + 1))
	done
	if [ "$do_iperf" -eq 1 ]; then
		g1=$(iperf_lcx) || exit 1
		g2=$(iperf_testpmd) || exit 1
		printf 'round %d iperf3 TCP Gbit/s: via lcx io %.2f via testpmd io %.2f\n' \
			"$r" "$g1" "$g2"
		echo "$g1" >>"$tmp/all.ip_lcx"
		echo "$g2" >>"$tmp/all.ip_tp"
	fi
	r=$((r + 1))
done

m() { median <"$tmp/all.$1"; }
echo "medians over $rounds round(s):"
awk -v a="$(m lcx_io)" -v b="$(m tp_io)" -v c="$(m lcx_macswap)" \
	-v d="$(m tp_macswap)" -v e="$(m lcx_l2rewrite)" -v f="$(m l2fwd)" '
function line(name, l, t, target, unit) {
	r = l / t
	printf "%-34s %8.2f vs %8.2f %s  ratio %.3f (target >= %.1f: %s)\n",
		name, l, t, unit, r, target, (r >= target) ? "met" : "MISSED"
}
BEGIN {
	line("lcx io / testpmd io", a, b, 1.0, "Mpps")
	line("lcx macswap / testpmd macswap", c, d, 1.0, "Mpps")
	line("lcx l2rewrite / l2fwd", e, f, 1.1, "Mpps")
}'
if [ "$do_iperf" -eq 1 ]; then
	awk -v l="$(m ip_lcx)" -v t="$(m ip_tp)" 'BEGIN {
		printf "%-34s %8.2f vs %8.2f Gbit/s  ratio %.3f (no target)\n",
			"iperf3 via lcx io / testpmd io", l, t, l / t }'
fi
