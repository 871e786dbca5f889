#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The malformed-traffic catalogue (tests/e2e/malformed.py: 103 frames:
# truncated at every offset, IHL < 5, IPv4 total length larger and
# smaller than the frame, bad checksums, TTL 0 and 1, fragments, 1 to 8
# VLAN tags, IPv6 extension-header chains up to 32 long, runts, oversize
# frames, ARP with wrong lengths) read from a pcap file by lcx-fwd, once
# with every built-in pipeline.  Each run must: exit 0, receive every
# frame, account for each one exactly (rx = tx + dropped), give every
# drop a named reason of its handler (none "bad-decision"), write to the
# output pcap files exactly what it counts as transmitted, and end with
# every pool full.  No root needed.
#
# Usage: test_malformed.sh LCX_FWD           (exit 77 = skipped)

. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
e2e_need python3
DATA=$E2E_DIR/data

nb=$(python3 "$E2E_DIR/malformed.py" gen "$TMP/in.pcap" | cut -d' ' -f1)
[ "$nb" -gt 100 ] || fail "malformed.py made $nb frames"

i=0
pass=0
while read -r spec; do
	[ -n "$spec" ] || continue
	i=$((i + 1))
	tag=p$i
	fwd_start "$tag" \
		--port "net_pcap0,rx_pcap=$TMP/in.pcap,tx_pcap=$TMP/o$i-0.pcap" \
		--port "net_pcap1,tx_pcap=$TMP/o$i-1.pcap" \
		--pipeline "$spec" --duration 1 --stats-interval 0
	fwd_wait 30
	fwd_check_pools "$tag"
	rx=$(json_get "$tag" rx_packets)
	tx=$(json_get "$tag" tx_packets)
	dr=$(json_get "$tag" dropped)
	held=$(json_get "$tag" held)
	[ "$rx" -eq "$nb" ] || fail "$spec: received $rx of $nb frames"
	[ $((tx + dr + held)) -eq "$rx" ] ||
		fail "$spec: rx $rx != tx $tx + dropped $dr + held $held"
	named=$(json_expr "$tag" 'sum(sum(v for v in s["drops"].values()) for s in j["pipeline"])')
	[ "$named" -eq "$dr" ] ||
		fail "$spec: $dr dropped, $named of them by a named reason"
	bad=$(json_expr "$tag" 'sum(s["drops"].get("bad-decision", 0) for s in j["pipeline"])')
	[ "$bad" -eq 0 ] || fail "$spec: $bad bad decisions"
	out=$(($(python3 "$E2E_DIR/pcaptool.py" count "$TMP/o$i-0.pcap") + \
		$(python3 "$E2E_DIR/pcaptool.py" count "$TMP/o$i-1.pcap")))
	[ "$out" -eq "$tx" ] ||
		fail "$spec: $tx transmitted, $out frames in the output files"
	reasons=$(json_expr "$tag" '" ".join("%s=%d" % (k, v) for s in j["pipeline"] for k, v in sorted(s["drops"].items()) if v)')
	note "$spec: rx $rx tx $tx dropped $dr (${reasons:-none})"
	pass=$((pass + 1))
done <<EOF2
io
macswap
l2rewrite(dst0=02:00:00:00:00:0a,dst1=02:00:00:00:00:0b)
count
filter(drop udp dport 53; pass tcp; drop icmp; drop ip6)
l3lpm(routes=$DATA/l3lpm-routes.txt)
arp-icmp(ip=198.18.0.2)
udp-echo(port=7)
capture(file=$TMP/c.pcapng) -> arp-icmp(ip=198.18.0.2) -> udp-echo(port=7) -> l3lpm(routes=$DATA/l3lpm-routes.txt)
EOF2
echo "test_malformed: $pass passed, 0 failed"
echo "PASS"
