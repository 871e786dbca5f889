#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# pcap files through lcx-fwd, compared with golden output (no root needed):
#
#   net_pcap0,rx_pcap=data/l3lpm-in.pcap,tx_pcap=out0.pcap  (port 0)
#   net_pcap1,tx_pcap=out1.pcap                             (port 1)
#   pipeline: capture(file=c.pcapng) -> l3lpm(routes=data/l3lpm-routes.txt)
#
# The input (8 frames, all on port 0) holds routed IPv4 UDP/TCP/ICMP and
# IPv6 UDP, a TTL-1 packet, an unroutable one, an ARP request and a cut
# IPv4 header.  out0/out1.pcap must equal data/l3lpm-golden0/1.pcap frame
# by frame, byte by byte (timestamps aside), lcx-fwd must count 8 in,
# 4 out, 4 dropped, and tshark must read all 8 frames back from the
# capture file.  data/ is made by "pcaptool.py gen data".
#
# Usage: test_pcap.sh LCX_FWD           (exit 77 = skipped)

. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
e2e_need python3 tshark
DATA=$E2E_DIR/data

# The golden files are what the generator makes today.
python3 "$E2E_DIR/pcaptool.py" gen "$TMP" || fail "pcaptool.py gen failed"
for f in l3lpm-in.pcap l3lpm-golden0.pcap l3lpm-golden1.pcap \
		l3lpm-routes.txt; do
	cmp -s "$TMP/$f" "$DATA/$f" ||
		fail "data/$f is stale: run 'pcaptool.py gen tests/e2e/data'"
done

cp "$DATA/l3lpm-in.pcap" "$TMP/in.pcap"
fwd_start pcap --port "net_pcap0,rx_pcap=$TMP/in.pcap,tx_pcap=$TMP/out0.pcap" \
	--port "net_pcap1,tx_pcap=$TMP/out1.pcap" \
	--pipeline "capture(file=$TMP/c.pcapng) -> l3lpm(routes=$DATA/l3lpm-routes.txt)" \
	--duration 2
fwd_wait 20
fwd_check_pools pcap

rx=$(json_get pcap rx_packets)
tx=$(json_get pcap tx_packets)
dr=$(json_get pcap dropped)
note "lcx-fwd rx $rx tx $tx dropped $dr"
[ "$rx" -eq 8 ] && [ "$tx" -eq 4 ] && [ "$dr" -eq 4 ] ||
	fail "expected rx 8 tx 4 dropped 4"
# One drop of each l3lpm reason (stage 1), none by capture (stage 0).
d=$(json_expr pcap '" ".join("%s=%d" % (k, v) for k, v in sorted(j["pipeline"][1]["drops"].items()) if v)')
[ "$d" = "malformed=1 no-route=1 not-ip=1 ttl-expired=1" ] ||
	fail "l3lpm drops: '$d', expected one malformed, no-route, not-ip, ttl-expired"
[ "$(json_expr pcap 'j["pipeline"][0]["dropped"]')" -eq 0 ] ||
	fail "the capture stage dropped packets"
note "l3lpm drops: $d"

python3 "$E2E_DIR/pcaptool.py" cmp "$TMP/out0.pcap" "$DATA/l3lpm-golden0.pcap" ||
	fail "port 0 output differs from the golden file"
python3 "$E2E_DIR/pcaptool.py" cmp "$TMP/out1.pcap" "$DATA/l3lpm-golden1.pcap" ||
	fail "port 1 output differs from the golden file"

# The capture stage saw every input frame, in order; tshark reads them.
n=$(tshark -r "$TMP/c.pcapng" 2>"$TMP/tshark.err" | wc -l)
[ "$n" -eq 8 ] || fail "tshark read $n frames from the capture, expected 8"
tshark -r "$TMP/c.pcapng" -T fields -e frame.len 2>/dev/null |
	tr '\n' ' ' >"$TMP/lens"
tshark -r "$TMP/in.pcap" -T fields -e frame.len 2>/dev/null |
	tr '\n' ' ' >"$TMP/lens.in"
cmp -s "$TMP/lens" "$TMP/lens.in" ||
	fail "captured frame lengths $(cat "$TMP/lens") != input $(cat "$TMP/lens.in")"
note "tshark read $n frames from the capture (lengths $(cat "$TMP/lens"))"
echo "PASS"
