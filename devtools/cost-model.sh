#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Per-packet cost model: instructions per forwarded packet, function by
# function, for lcx-fwd and dpdk-testpmd forwarding between two net_null
# ports on one lcore, counted by valgrind's callgrind.  Instruction counts
# do not drift with the machine's load the way times do, so two runs on a
# busy shared machine still compare; they do not show cycle effects
# (rdtsc latency, cache misses): bench-compare.sh measures those.
#
# lcx-fwd: only what runs inside lcx_loop_run() is counted (callgrind
# --toggle-collect), on -l 1 (the context runs on the main lcore).
# testpmd: the forwarding lcore's thread (--separate-threads), forwarding
# only.  Packets: lcx-fwd's JSON rx_packets, testpmd's accumulated
# RX-packets.  Ports: net_null0/1 with copy=0 and copy=1 (-c).
#
# Usage: devtools/cost-model.sh [-d seconds] [-c 0|1] [-p pipeline] [-b lcx-fwd]
#   -d  seconds each tool runs under valgrind (default 5; about 50x slower)
#   -c  net_null copy option (default 0: the PMD touches no data)
#   -p  lcx-fwd pipeline (default io; testpmd runs the same forward mode
#       for io and macswap, io otherwise)
#   -b  lcx-fwd binary (default $BUILD/apps/lcx-fwd/lcx-fwd, BUILD=build)
set -u

dur=5
copy=0
pipeline=io
fwd="${BUILD:-build}/apps/lcx-fwd/lcx-fwd"

while getopts d:c:p:b:h opt; do
	case $opt in
	d) dur=$OPTARG ;;
	c) copy=$OPTARG ;;
	p) pipeline=$OPTARG ;;
	b) fwd=$OPTARG ;;
	h) sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
for t in valgrind callgrind_annotate dpdk-testpmd python3; do
	command -v "$t" >/dev/null ||
		{ echo "cost-model: $t not found (apt-get install valgrind dpdk)" >&2; exit 1; }
done
[ -x "$fwd" ] || { echo "cost-model: no lcx-fwd at $fwd (build first)" >&2; exit 1; }
case $pipeline in
io|macswap) mode=$pipeline ;;
*) mode=io ;;
esac

tmp=$(mktemp -d /tmp/lcx-cost.XXXXXX) || exit 1
sfx=$$
trap 'rm -rf "$tmp" /var/run/dpdk/cmtp$sfx /var/run/dpdk/cmlcx$sfx' EXIT
NULLS="net_null0,copy=$copy net_null1,copy=$copy"

echo "cost-model: lcx-fwd --pipeline '$pipeline' under callgrind, ${dur} s" >&2
# shellcheck disable=SC2086
valgrind --tool=callgrind --callgrind-out-file="$tmp/lcx.cg" \
	--toggle-collect=lcx_loop_run "$fwd" -l 1 --no-huge -m 512 --no-pci \
	--file-prefix="cmlcx$sfx" -- --port net_null0,copy=$copy \
	--port net_null1,copy=$copy --pipeline "$pipeline" --idle busy \
	--duration "$dur" --stats-interval 0 --json \
	>"$tmp/lcx.json" 2>"$tmp/lcx.err" ||
	{ tail -5 "$tmp/lcx.err" >&2; echo "cost-model: lcx-fwd failed" >&2; exit 1; }

echo "cost-model: dpdk-testpmd --forward-mode=$mode under callgrind, ${dur} s" >&2
vdevs=
for v in $NULLS; do
	vdevs="$vdevs --vdev $v"
done
# shellcheck disable=SC2086
timeout -s TERM $((dur + 15)) valgrind --tool=callgrind --separate-threads=yes \
	--callgrind-out-file="$tmp/tp.cg" dpdk-testpmd -l 0,1 --no-huge -m 512 \
	--no-pci --file-prefix="cmtp$sfx" $vdevs -- --forward-mode="$mode" \
	--nb-cores=1 --rxq=1 --txq=1 --total-num-mbufs=8192 --auto-start \
	--stats-period 1 </dev/null >"$tmp/tp.out" 2>&1 &
tp=$!
sleep $((dur + 10))
kill -TERM $tp 2>/dev/null
wait $tp

python3 - "$tmp" "$pipeline" "$mode" "$copy" <<'EOF'
import glob, json, os, re, subprocess, sys

tmp, pipeline, mode, copy = sys.argv[1:5]

def functions(path):
    """(Ir, object, function) of every function, exclusive counts."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=no",
                          "--threshold=100", path],
                         capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(\S+?):(\S+)(?: \[(.*)\])?$",
                     line)
        if not m or m.group(3) == "TOTALS":
            continue
        rows.append((int(m.group(1).replace(",", "")),
                     os.path.basename(m.group(4) or ""), m.group(3)))
    return rows

def part(obj, fn, app):
    if "net_null" in obj:
        return "PMD (net_null rx/tx, mbuf alloc/free)"
    if "tls_get_addr" in fn:
        return "PMD (thread-local lcore id, __tls_get_addr)"
    if obj.startswith("librte_mempool") or obj.startswith("librte_mbuf") \
            or obj.startswith("librte_ring"):
        return "mempool"
    if obj.startswith(app):
        return app
    return "other"

def report(name, rows, pkts, app):
    total = sum(r[0] for r in rows)
    groups = {}
    for ir, obj, fn in rows:
        p = part(obj, fn, app)
        groups[p] = groups.get(p, 0) + ir
    print("%s: %.1f instructions/packet (%d packets)" % (name, total / pkts, pkts))
    for p, ir in sorted(groups.items(), key=lambda x: -x[1]):
        print("  %-46s %7.2f" % (p, ir / pkts))
    for ir, obj, fn in sorted(rows, reverse=True):
        if obj.startswith(app) and ir / pkts >= 0.05:
            print("    %-44s %7.2f" % (fn, ir / pkts))
    return total / pkts

j = json.load(open(os.path.join(tmp, "lcx.json")))
lcx = report("lcx-fwd %s (net_null copy=%s)" % (pipeline, copy),
             functions(os.path.join(tmp, "lcx.cg")), j["rx_packets"], "liblcx")

txt = open(os.path.join(tmp, "tp.out")).read()
acc = re.findall(r"Accumulated forward statistics.*?RX-packets:\s*(\d+)", txt, re.S)
pk = int(acc[-1]) if acc else int(re.findall(r"RX-packets:\s*(\d+)", txt)[-1])
best = None
for f in glob.glob(os.path.join(tmp, "tp.cg-*")):
    rows = functions(f)
    if any("net_null" in r[1] for r in rows):
        s = sum(r[0] for r in rows)
        if best is None or s > best[0]:
            best = (s, rows)
if best is None:
    sys.exit("cost-model: no forwarding thread in testpmd's profile")
tp = report("testpmd %s (net_null copy=%s)" % (mode, copy), best[1], pk,
            "dpdk-testpmd")
print("lcx-fwd / testpmd instructions per packet: %.3f" % (lcx / tp))
EOF
