#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# lcx-kv's request rate on generated requests: kv-gen.py writes pcaps of
# memcached UDP gets and sets, net_pcap replays each in a loop from memory
# (infinite_rx=1; replies are dropped by the pcap port), one pcap port per
# context.  One and two contexts, 95 % and 50 % gets, uniform and Zipf
# 0.99 keys.  testpmd's io forwarding on the same pcap port, in the same
# run, gives the ceiling of the I/O alone.
#
#   apps/lcx-kv/bench.sh [BUILD_DIR] [SECONDS] [KEYS]
#
# Prints one line per case: requests/s per context, cross-shard share,
# get hit rate.  See doc/performance.md.
set -u
BUILD=${1:-build}
SECS=${2:-5}
KEYS=${3:-1000}
KV=$BUILD/apps/lcx-kv/lcx-kv
GEN=$(dirname "$0")/kv-gen.py
# net_pcap infinite_rx keeps the whole file in mbufs of the context's
# pool (8191): half of it, the rest for requests in flight and replies.
REQS=4000
TMP=$(mktemp -d /tmp/lcx-kv-bench.XXXXXX)
trap 'rm -rf "$TMP" /var/run/dpdk/lcxkvb$$*' EXIT

[ -x "$KV" ] || { echo "no $KV (build first)" >&2; exit 1; }

gen() {	# NAME GET ZIPF SEED
	python3 "$GEN" -o "$TMP/$1.pcap" --requests "$REQS" --keys "$KEYS" \
		--get "$2" --zipf "$3" --seed "$4"
}

# run NCTX NAME [TX]: print req/s per context, cross-shard %, hit %.
# TX "null": each port gets one TX queue per context writing to /dev/null
# (net_pcap's own TX drop offers one queue, so only one context could
# send on it); default: that one dropping queue.
run() {
	n=$1
	ports=""
	for i in $(seq 1 "$n"); do
		ports="$ports --port net_pcap$i,rx_pcap=$TMP/$2-$i.pcap,infinite_rx=1"
		[ "${3:-}" = null ] && for k in $(seq 1 "$n"); do
			ports="$ports,tx_pcap=/dev/null"
		done
	done
	lcores=1
	[ "$n" -eq 2 ] && lcores=0,1
	# shellcheck disable=SC2086
	nice "$KV" -l "$lcores" --no-huge -m 512 --no-pci \
		--file-prefix="lcxkvb$$" -- $ports --addr 198.18.0.10/24 \
		--duration "$SECS" --stats-interval 0 --idle busy --json \
		>"$TMP/out.json" 2>"$TMP/err" || {
		tail -5 "$TMP/err" >&2
		return 1
	}
	python3 - "$TMP/out.json" "$n" "$2" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
t, n = j["total"], int(sys.argv[2])
per = t["requests"] / j["duration_s"] / n
gets = t["cmd_get"] or 1
print("%-22s %d ctx  %5.2f M req/s per context  cross-shard %4.1f %%  "
      "hits %5.1f %%  (pools full: %s)" % (sys.argv[3], n, per / 1e6,
      100.0 * t["cross_shard_in"] / max(t["requests"], 1),
      100.0 * t["get_hits"] / gets, j["pools_full"]))
EOF
}

for mix in 95 50; do
	for z in 0 0.99; do
		name=get$mix-zipf$z
		[ "$z" = 0 ] && name=get$mix-uniform
		gen "$name-1" "0.$mix" "$z" 1
		gen "$name-2" "0.$mix" "$z" 2
	done
done

echo "lcx-kv, $SECS s per case, $KEYS keys, $REQS requests per pcap"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in get95-uniform get95-zipf0.99 get50-uniform get50-zipf0.99; do
	run 1 "$name"
done
echo "TX queues writing to /dev/null, one per context:"
for n in 1 2; do
	for name in get95-uniform get95-zipf0.99 get50-uniform get50-zipf0.99; do
		run "$n" "$name" null
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The ceiling: testpmd io on the same kind of port, one core.
nice timeout $((SECS + 5)) dpdk-testpmd -l 0,1 --no-huge -m 512 --no-pci \
	--file-prefix="lcxkvb$$tp" \
	--vdev "net_pcap0,rx_pcap=$TMP/get95-uniform-1.pcap,infinite_rx=1" \
	-- --forward-mode=io --stats-period "$SECS" \
	--total-num-mbufs=20000 2>/dev/null |
	awk '/Rx-pps/ { pps = $2 } END { printf "testpmd io, same pcap port: %.2f M pkt/s (1 core)\n", pps / 1e6 }'
