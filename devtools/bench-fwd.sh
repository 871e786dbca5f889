#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Forwarding benchmark: lcx-bench --mode fwd against dpdk-testpmd
# --forward-mode=io, one after the other in one run, on the same vdevs
# (net_null0,copy=1 <-> net_null1,copy=1), each with one forwarding lcore:
# lcore 1.  Prints both rates and the ratio lcx / testpmd (target >= 1.0).
#
# Rates are RX packets per second over both ports: lcx-bench's median of
# one-second samples of its context's counters, and the median of
# testpmd's per-display "Rx-pps" (summed over the two ports; its first
# display, taken during start-up, is left out).
#
# Usage: devtools/bench-fwd.sh [-d seconds] [-r rounds] [-b lcx-bench]
#   -d  seconds each tool forwards per round (default 5)
#   -r  rounds, each running lcx then testpmd; medians reported (default 1)
#   -b  lcx-bench binary (default $BUILD/apps/lcx-bench/lcx-bench, BUILD=build)

set -eu

dur=5
rounds=1
bench="${BUILD:-build}/apps/lcx-bench/lcx-bench"

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0" | sed '/^$/d'
}

while getopts d:r:b:h opt; do
	case $opt in
	d) dur=$OPTARG ;;
	r) rounds=$OPTARG ;;
	b) bench=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $dur$rounds in
*[!0-9]*|'') echo "bench-fwd: -d and -r take whole numbers" >&2; exit 2 ;;
esac
[ "$dur" -ge 2 ] || { echo "bench-fwd: -d must be >= 2" >&2; exit 2; }
[ -x "$bench" ] || { echo "bench-fwd: no lcx-bench at $bench (build first, or -b)" >&2; exit 1; }
command -v dpdk-testpmd >/dev/null ||
	{ echo "bench-fwd: dpdk-testpmd not found (package dpdk)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Median of the numbers on stdin, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

run_lcx() {
	"$bench" -l 0-1 --no-huge -m 512 --no-pci \
		--file-prefix="lcxfwd$$" -- \
		--mode fwd --duration "$dur" --json --quiet \
		>"$tmp/lcx.json" 2>"$tmp/lcx.err" || {
		echo "bench-fwd: lcx-bench failed:" >&2
		cat "$tmp/lcx.err" >&2
		exit 1
	}
	grep -q '"lcore": 1,' "$tmp/lcx.json" ||
		{ echo "bench-fwd: lcx did not forward on lcore 1" >&2; exit 1; }
	sed 's/.*"mpps": \([0-9.]*\),.*/\1/' "$tmp/lcx.json"
}

run_testpmd() {
	# testpmd takes about a second to start; it then shows its stats
	# every second until SIGINT, and stops cleanly on it.
	timeout -s INT $((dur + 2)) dpdk-testpmd -l 0-1 --no-huge -m 512 \
		--no-pci --file-prefix="tp$$" \
		--vdev net_null0,copy=1 --vdev net_null1,copy=1 -- \
		--forward-mode=io --stats-period 1 --auto-start \
		--nb-cores=1 --rxq=1 --txq=1 --total-num-mbufs=8192 \
		>"$tmp/tp.out" 2>&1 </dev/null || [ $? -eq 124 ] || {
		echo "bench-fwd: testpmd failed:" >&2
		tail -20 "$tmp/tp.out" >&2
		exit 1
	}
	grep -q 'Logical Core 1 .*forwards packets on 2 streams' \
		"$tmp/tp.out" || {
		echo "bench-fwd: testpmd did not forward on lcore 1" >&2
		exit 1
	}
	# Rx-pps lines come in pairs, port 0 then port 1, one pair a display.
	awk '/Rx-pps:/ { s += $2; if (++n % 2 == 0) { print s; s = 0 } }' \
		"$tmp/tp.out" | tail -n +2 | awk '$1 > 0 { print $1 / 1e6 }' |
		median
}

echo "bench-fwd: $rounds round(s) of ${dur} s each, lcx-bench then testpmd," \
	"forwarding lcore 1, $(date -u '+%Y-%m-%d %H:%M UTC')"
: >"$tmp/lcx.all"
: >"$tmp/tp.all"
r=1
while [ "$r" -le "$rounds" ]; do
	l=$(run_lcx)
	t=$(run_testpmd)
	printf 'round %d: lcx %.2f Mpps, testpmd io %.2f Mpps\n' "$r" "$l" "$t"
	echo "$l" >>"$tmp/lcx.all"
	echo "$t" >>"$tmp/tp.all"
	r=$((r + 1))
done
l=$(median <"$tmp/lcx.all")
t=$(median <"$tmp/tp.all")
awk -v l="$l" -v t="$t" 'BEGIN {
	r = l / t
	printf "lcx fwd      %8.2f Mpps\n", l
	printf "testpmd io   %8.2f Mpps\n", t
	printf "ratio lcx/testpmd %.3f (target >= 1.0: %s)\n", r,
		(r >= 1.0) ? "met" : "MISSED"
}'
