#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Generator benchmark: lcx-gen's TX rate with one lcore on net_null0,copy=1
# against dpdk-testpmd --forward-mode=txonly on the same vdev (and
# --forward-mode=flowgen, which also polls and frees RX as lcx-gen does:
# net_null's RX fabricates frames), interleaved in one run, each sending
# on lcore 1.  Prints the medians and the ratios (target lcx/txonly >=
# 1.0), and lcx-gen's own cost per frame: making and sending vs checking
# (one receiving context must check at least as fast as one sending
# context makes frames: check cycles <= make cycles).
#
# Rates: lcx-gen's frames sent / trial window (its JSON); testpmd's median
# "Tx-pps" display (zero displays during start-up and the first non-zero
# one, which may cover part of a second, left out).
#
# Usage: devtools/bench-gen.sh [-d seconds] [-r rounds] [-g lcx-gen]
#   -d  seconds each tool sends per round (default 5)
#   -r  rounds (default 3); medians reported
#   -g  lcx-gen binary (default $BUILD/apps/lcx-gen/lcx-gen, BUILD=build)

set -eu

dur=5
rounds=3
gen="${BUILD:-build}/apps/lcx-gen/lcx-gen"

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0" | sed '/^$/d'
}

while getopts d:r:g:h opt; do
	case $opt in
	d) dur=$OPTARG ;;
	r) rounds=$OPTARG ;;
	g) gen=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $dur$rounds in
*[!0-9]*|'') echo "bench-gen: -d and -r take whole numbers" >&2; exit 2 ;;
esac
[ "$dur" -ge 3 ] || { echo "bench-gen: -d must be >= 3" >&2; exit 2; }
[ -x "$gen" ] || { echo "bench-gen: no lcx-gen at $gen" >&2; exit 1; }
command -v dpdk-testpmd >/dev/null ||
	{ echo "bench-gen: dpdk-testpmd not found (package dpdk)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" /var/run/dpdk/benchgen$$' EXIT INT TERM

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

jget() {
	python3 -c "import json,sys; j=json.load(open('$1')); print($2)"
}

run_gen() {
	nice -n 0 "$gen" -l 1 --no-huge -m 512 --no-pci \
		--log-level=lib.eal:warning -- --port net_null0,copy=1 \
		--duration "$dur" --stats-interval 0 --json "$tmp/g.json" \
		>/dev/null 2>"$tmp/g.err" || { cat "$tmp/g.err" >&2; exit 1; }
	jget "$tmp/g.json" "j['run']['achieved_pps']" >>"$tmp/gen"
	jget "$tmp/g.json" "j['run']['gen_cycles_per_frame']" >>"$tmp/gcyc"
}

run_testpmd() {
	mode=$1
	timeout -s INT "$((dur + 4))" dpdk-testpmd -l 0,1 --no-huge -m 1024 \
		--no-pci --file-prefix="benchgen$$" --vdev net_null0,copy=1 \
		--log-level=lib.eal:warning -- --forward-mode="$mode" \
		--auto-start --stats-period 1 --nb-cores=1 \
		--total-num-mbufs=16384 >"$tmp/t.out" 2>&1 || true
	# Displays of a running port only (start-up on a loaded machine can
	# take seconds); the first may cover part of a second.
	v=$(grep "Tx-pps:" "$tmp/t.out" | awk '$2 > 0 { print $2 }' | sed 1d |
		median)
	# A testpmd that never got going (start-up longer than the run on a
	# loaded machine) is left out of the medians, and said so.
	if [ "$v" = nan ]; then
		echo "bench-gen: testpmd $mode showed no rate this round" >&2
	else
		echo "$v" >>"$tmp/$mode"
	fi
	rm -rf "/var/run/dpdk/benchgen$$"
}

# Checking cost against making cost, one lcore, a net_ring looped onto
# itself: the same context makes, sends, receives and checks every frame.
run_check() {
	"$gen" -l 1 --no-huge -m 512 --no-pci --log-level=lib.eal:warning \
		-- --port net_ring0 --duration "$dur" --stats-interval 0 \
		--json "$tmp/c.json" >/dev/null 2>"$tmp/c.err" ||
		{ cat "$tmp/c.err" >&2; exit 1; }
	jget "$tmp/c.json" "j['run']['gen_cycles_per_frame']" >>"$tmp/rmake"
	jget "$tmp/c.json" "j['run']['check_cycles_per_frame']" >>"$tmp/rcheck"
	jget "$tmp/c.json" "j['run']['rx_pps']" >>"$tmp/rpps"
}

i=0
while [ "$i" -lt "$rounds" ]; do
	run_gen
	run_testpmd txonly
	run_testpmd flowgen
	run_check
	i=$((i + 1))
	echo "round $i: lcx-gen $(tail -n 1 "$tmp/gen") pps" >&2
done
touch "$tmp/txonly" "$tmp/flowgen"
g=$(median <"$tmp/gen")
t=$(median <"$tmp/txonly")
f=$(median <"$tmp/flowgen")
echo "TX, one lcore, net_null0,copy=1, 64 bytes, median of $rounds x ${dur} s:"
awk -v g="$g" -v t="$t" -v f="$f" 'BEGIN {
	printf "  lcx-gen          %8.2f Mpps\n", g / 1e6
	printf "  testpmd txonly   %8.2f Mpps   lcx-gen / txonly  = %.2f\n", t / 1e6, g / t
	printf "  testpmd flowgen  %8.2f Mpps   lcx-gen / flowgen = %.2f\n", f / 1e6, g / f }'
echo "lcx-gen cost per frame (TSC cycles, medians), net_ring loopback, one lcore:"
echo "  make+send $(median <"$tmp/rmake"), check+free $(median <"$tmp/rcheck")" \
	"at $(median <"$tmp/rpps") pps (on net_null: make+send" \
	"$(median <"$tmp/gcyc"))"
