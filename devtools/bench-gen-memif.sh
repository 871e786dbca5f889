#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Two forwarders compared with one tool: lcx-gen searches the NDR/PDR of
# lcx-fwd (pipeline io) and of dpdk-testpmd (--forward-mode=io), one
# after the other, each behind a pair of net_memif interfaces between the
# two processes, and measures latency at 10/50/90 % of each one's NDR.
#
#   lcx-gen (lcore 1)  memif0 client ==> memif0 server  forwarder (lcore 0)
#                      memif1 client <== memif1 server
#
# Prints, per forwarder: NDR, PDR (lower bounds), conditional throughput,
# and the latency p50/p99 at 50 % of its NDR; the JSON of each search is
# kept with -o.
#
# Usage: devtools/bench-gen-memif.sh [-t full] [-s short] [-z sizes] [-o dir]
#   -t  full trial duration, s (default 2)
#   -s  short trial duration, s (default 0.5)
#   -z  sizes searched (default "64")
#   -o  keep the JSON, CSV and SVG of each search in dir

set -eu

full=2
short=0.5
sizes=64
out=
build=${BUILD:-build}
gen=$build/apps/lcx-gen/lcx-gen
fwd=$build/apps/lcx-fwd/lcx-fwd

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0" | sed '/^$/d'
}

while getopts t:s:z:o:h opt; do
	case $opt in
	t) full=$OPTARG ;;
	s) short=$OPTARG ;;
	z) sizes=$OPTARG ;;
	o) out=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -x "$gen" ] && [ -x "$fwd" ] ||
	{ echo "bench-gen-memif: build lcx-gen and lcx-fwd first" >&2; exit 1; }
command -v dpdk-testpmd >/dev/null ||
	{ echo "bench-gen-memif: dpdk-testpmd not found" >&2; exit 1; }

tmp=$(mktemp -d)
sock=$tmp/memif.sock
fpid=
cleanup() {
	[ -n "$fpid" ] && kill -INT "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	rm -rf "$tmp" "/var/run/dpdk/bgmtp$$"
}
trap cleanup EXIT INT TERM
[ -n "$out" ] && mkdir -p "$out"

ifaces="--port net_memif0,role=client,socket=$sock,id=0 \
--port net_memif1,role=client,socket=$sock,id=1"

search() {
	name=$1
	# The forwarder creates the socket; wait for it.
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	# shellcheck disable=SC2086
	"$gen" -l 1 --no-huge -m 512 --no-pci -- $ifaces --search \
		--search-sizes "$sizes" --trial-duration "$full" \
		--short-duration "$short" --json "$tmp/$name.json" \
		--csv "$tmp/$name.csv" --svg "$tmp/$name.svg" \
		--stats-interval 0 >"$tmp/$name.out" 2>"$tmp/$name.err" ||
		{ cat "$tmp/$name.err" >&2; exit 1; }
	kill -INT "$fpid" 2>/dev/null || true
	wait "$fpid" 2>/dev/null || true
	fpid=
	rm -f "$sock"
	[ -n "$out" ] && cp "$tmp/$name".* "$out/"
	python3 - "$tmp/$name.json" "$name" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
for s in j["search"]["sizes"]:
    g = {x["name"]: x for x in s["goals"]}
    lat = [l for l in s["latency"] if l["pct_of_ndr"] == 50]
    l = lat[0]["latency"] if lat else None
    print("%-12s size %-5s NDR %8.3f Mpps  PDR %8.3f Mpps  cond %8.3f Mpps"
          "  latency@50%%NDR p50 %s p99 %s us" % (
              sys.argv[2], s["size"], g["NDR"]["lower_pps"] / 1e6,
              g["PDR"]["lower_pps"] / 1e6,
              g["PDR"]["conditional_throughput_pps"] / 1e6,
              "%.2f" % (l["p50_ns"] / 1e3) if l else "-",
              "%.2f" % (l["p99_ns"] / 1e3) if l else "-"))
PY
}

"$fwd" -l 0 --no-huge -m 512 --no-pci -- \
	--port "net_memif0,role=server,socket=$sock,id=0" \
	--port "net_memif1,role=server,socket=$sock,id=1" \
	--pipeline io --idle busy --stats-interval 0 \
	>"$tmp/fwd.out" 2>&1 &
fpid=$!
search lcx-fwd-io

# testpmd's forwarding lcore is lcore 0 (CPU 0); its main lcore sleeps
# between statistics displays (no stdin needed with --stats-period).
dpdk-testpmd -l 0,1 --main-lcore 1 --no-huge -m 1024 \
	--no-pci --file-prefix="bgmtp$$" --log-level=lib.eal:warning \
	--vdev "net_memif0,role=server,socket=$sock,id=0" \
	--vdev "net_memif1,role=server,socket=$sock,id=1" -- \
	--forward-mode=io --auto-start --nb-cores=1 --stats-period 60 \
	--total-num-mbufs=16384 </dev/null >"$tmp/tp.out" 2>&1 &
fpid=$!
search testpmd-io
