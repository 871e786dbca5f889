#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# lcx answers by itself: with the pipeline
#   arp-icmp(ip=198.18.0.3) -> udp-echo(port=7)
# on the af_packet ports of devtools/netns.sh,
# - ping 198.18.0.3 from ns A (ARP resolved and echo answered by lcx);
# - a UDP line sent with socat from ns A to 198.18.0.3:7 comes back
#   unchanged;
# - ns A still reaches ns B through lcx (other traffic continues to the
#   default output), and ns B pings 198.18.0.3 from the other port.
#
# Usage: test_lcx_answers.sh LCX_FWD    (root; exit 77 = skipped)

. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
e2e_need_root
e2e_need ping socat python3
e2e_netns

LCX_IP=198.18.0.3
# shellcheck disable=SC2086
fwd_start answer --port "net_af_packet0,iface=$IF_A,qpairs=1" \
	--port "net_af_packet1,iface=$IF_B,qpairs=1" \
	--pipeline "arp-icmp(ip=$LCX_IP) -> udp-echo(port=7)" --duration 60

ns_wait_ping "$NS_A" "$LCX_IP" 15 || fail "no ping reply from lcx in 15 s"
res=$(ns_ping "$NS_A" "$LCX_IP" 5) || fail "ping A -> lcx lost echoes"
note "ping A -> lcx $LCX_IP: $res"
lladdr=$(ip -n "$NS_A" neigh show "$LCX_IP" | awk '{ print $5 }')
port_mac=$(ip -o link show "$IF_A" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
[ "$lladdr" = "$port_mac" ] ||
	fail "ns A resolved $LCX_IP to '$lladdr', not lcx port 0's MAC $port_mac"
note "ns A resolved $LCX_IP to $lladdr (lcx port 0, $IF_A)"

line="hello lcx $$ $(date +%s)"
got=$(echo "$line" | timeout 10 ip netns exec "$NS_A" \
	socat -T 3 -t 3 - "UDP:$LCX_IP:7") || true
[ "$got" = "$line" ] ||
	fail "udp-echo: sent '$line', got back '$got'"
note "udp-echo: '$got' came back"

# A second datagram from the other namespace, through port 1.
line2="from B $$"
got=$(echo "$line2" | timeout 10 ip netns exec "$NS_B" \
	socat -T 3 -t 3 - "UDP:$LCX_IP:7") || true
[ "$got" = "$line2" ] ||
	fail "udp-echo via port 1: sent '$line2', got back '$got'"

# Not for lcx: forwarded to the other namespace.
ns_wait_ping "$NS_A" "$IP_B" 10 || fail "A -> B through lcx failed"
res=$(ns_ping "$NS_B" "$LCX_IP" 3) || fail "ping B -> lcx lost echoes"
note "ping B -> lcx: $res"

fwd_stop
fwd_check_pools answer
# lcx answered: arp-icmp (stage 0) 8 echoes and the ARP replies, udp-echo
# (stage 1) the two datagrams.
a=$(json_expr answer 'j["pipeline"][0]["pkts_tx"]')
u=$(json_expr answer 'j["pipeline"][1]["pkts_tx"]')
[ "$a" -ge 9 ] || fail "arp-icmp transmitted $a replies, expected >= 9"
[ "$u" -eq 2 ] || fail "udp-echo transmitted $u replies, expected 2"
note "replies: arp-icmp $a, udp-echo $u"
note "lcx-fwd rx $(json_get answer rx_packets) tx $(json_get answer tx_packets) dropped $(json_get answer dropped)"
echo "PASS"
