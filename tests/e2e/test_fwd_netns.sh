#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Two namespaces on one L2 segment through lcx-fwd (devtools/netns.sh):
#   ns A 198.18.0.1 -- lA [net_af_packet0] lcx-fwd [net_af_packet1] lB -- ns B 198.18.0.2
#
# - pipeline io: ping A -> B (5 echoes, all answered), then iperf3 TCP
#   A -> B for 3 s: the transfer completes with a rate > 0 (printed);
# - pipeline l2rewrite(dst0=MAC_A,dst1=MAC_B): ping A -> B.  l2rewrite
#   sends every frame to the configured MAC of the out port, broadcast ARP
#   included, so each namespace gets its peer's frames as unicast.
#   (macswap cannot carry ping: it sends a frame back to its own sender.)
# After each run lcx-fwd is stopped with SIGINT: exit 0, every pool full,
# and it counted at least the packets the tools exchanged.
#
# Usage: test_fwd_netns.sh LCX_FWD      (root; exit 77 = skipped)

. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
e2e_need_root
e2e_need ping iperf3 python3
e2e_netns

ports="--port net_af_packet0,iface=$IF_A,qpairs=1 \
--port net_af_packet1,iface=$IF_B,qpairs=1"

# --- io: ping and iperf3 --------------------------------------------------
# shellcheck disable=SC2086
fwd_start io $ports --pipeline io --duration 60
ns_wait_ping "$NS_A" "$IP_B" 15 || fail "io: no ping reply A -> B in 15 s"
res=$(ns_ping "$NS_A" "$IP_B" 5) || fail "io: ping A -> B lost echoes"
note "io: ping $res"

ip netns exec "$NS_B" iperf3 -s -1 -B "$IP_B" >"$TMP/iperf3-s.err" 2>&1 &
srv=$!
# The server needs a moment to listen.
n=0
until ip netns exec "$NS_B" ss -ltn 2>/dev/null | grep -q ":5201 "; do
	n=$((n + 1))
	[ "$n" -lt 50 ] || fail "iperf3 server did not start"
	sleep 0.1
done
timeout 20 ip netns exec "$NS_A" iperf3 -c "$IP_B" -t 3 -J \
	>"$TMP/iperf3.json" 2>"$TMP/iperf3-c.err" ||
	{ cat "$TMP/iperf3.json" >&2; fail "io: iperf3 client failed"; }
wait "$srv" 2>/dev/null
bps=$(python3 - "$TMP/iperf3.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
if "error" in r:
    sys.exit("iperf3: " + r["error"])
s = r["end"]["sum_received"]
print("%d %d" % (s["bits_per_second"], s["bytes"]))
EOF
) || fail "io: iperf3 output unreadable"
bits=${bps% *}
bytes=${bps#* }
[ "$bits" -gt 0 ] && [ "$bytes" -gt 0 ] ||
	fail "io: iperf3 moved nothing ($bps)"
note "io: iperf3 TCP A -> B $(awk -v b="$bits" 'BEGIN { printf "%.2f", b / 1e9 }') Gbit/s ($bytes bytes received)"

fwd_stop
fwd_check_pools io
rx=$(json_get io rx_packets)
# 5 + 1 echoes each way and iperf3's segments at the very least.
[ "$rx" -ge 12 ] || fail "io: lcx-fwd counted $rx packets received"
note "io: lcx-fwd rx $rx tx $(json_get io tx_packets) dropped $(json_get io dropped)"

# --- l2rewrite: ping --------------------------------------------------------
# Fresh neighbour caches: the MACs seen by the peers change with l2rewrite.
ip -n "$NS_A" neigh flush all
ip -n "$NS_B" neigh flush all
# shellcheck disable=SC2086
fwd_start l2rewrite $ports \
	--pipeline "l2rewrite(dst0=$MAC_A,dst1=$MAC_B)" --duration 60
ns_wait_ping "$NS_A" "$IP_B" 15 ||
	fail "l2rewrite: no ping reply A -> B in 15 s"
res=$(ns_ping "$NS_A" "$IP_B" 5) || fail "l2rewrite: ping A -> B lost echoes"
note "l2rewrite: ping $res"
fwd_stop
fwd_check_pools l2rewrite
rx=$(json_get l2rewrite rx_packets)
[ "$rx" -ge 12 ] || fail "l2rewrite: lcx-fwd counted $rx packets received"
echo "PASS"
