#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# One branching pipeline on one port pair, with real Linux peers:
#   classify(arp=resp, ipv6=drop) -> count -> resp: arp-icmp(ip=198.18.0.3)
# - ARP jumps straight to arp-icmp (count never sees it): ns A resolves
#   198.18.0.3 to lcx port 0's MAC, and ping 198.18.0.3 is answered;
# - IPv4 not for lcx goes through count and arp-icmp to the default
#   output: ns A pings ns B through lcx;
# - IPv6 (neighbour discovery, router solicitations) is dropped by
#   classify and counted "unwanted".
# Checked in lcx-fwd's JSON: the branch counter, count's view, drops, pools.
#
# Usage: test_branch.sh LCX_FWD    (root; exit 77 = skipped)

. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
e2e_need_root
e2e_need ping python3
e2e_netns

LCX_IP=198.18.0.3
fwd_start branch --port "net_af_packet0,iface=$IF_A,qpairs=1" \
	--port "net_af_packet1,iface=$IF_B,qpairs=1" \
	--pipeline "classify(arp=resp, ipv6=drop) -> count -> resp: arp-icmp(ip=$LCX_IP)" \
	--duration 60

ns_wait_ping "$NS_A" "$LCX_IP" 15 || fail "no ping reply from lcx in 15 s"
res=$(ns_ping "$NS_A" "$LCX_IP" 5) || fail "ping A -> lcx lost echoes"
note "ping A -> lcx $LCX_IP: $res"
ns_wait_ping "$NS_A" "$IP_B" 10 || fail "A -> B through lcx failed"
res=$(ns_ping "$NS_A" "$IP_B" 5) || fail "ping A -> B lost echoes"
note "ping A -> B through lcx: $res"

fwd_stop
fwd_check_pools branch
arp=$(json_expr branch 'j["pipeline"][0]["branches"]["resp"]')
lbl=$(json_expr branch 'j["pipeline"][2]["label"]')
count_in=$(json_expr branch 'j["pipeline"][1]["pkts_in"]')
resp_in=$(json_expr branch 'j["pipeline"][2]["pkts_in"]')
resp_tx=$(json_expr branch 'j["pipeline"][2]["pkts_tx"]')
cont=$(json_expr branch 'j["pipeline"][0]["pkts_continue"]')
[ "$lbl" = resp ] || fail "stage 2 label '$lbl', expected resp"
[ "$arp" -ge 1 ] || fail "no ARP went down the resp branch"
# arp-icmp saw the ARP (branch) and what count passed on, in one stream
[ "$resp_in" -eq $((arp + count_in)) ] ||
	fail "arp-icmp in $resp_in != branch $arp + count out $count_in"
[ "$count_in" -eq "$cont" ] ||
	fail "count in $count_in != classify continue $cont"
# answered: at least the ARP reply and 6 echoes (1 + 5)
[ "$resp_tx" -ge 7 ] || fail "arp-icmp sent $resp_tx replies, expected >= 7"
# ping A -> B: 6+ echoes each way went through count
[ "$count_in" -ge 12 ] || fail "count saw $count_in packets, expected >= 12"
note "classify: resp branch $arp, on to count $cont; arp-icmp in $resp_in, replies $resp_tx"
note "classify dropped $(json_expr branch 'j["pipeline"][0]["drops"]["unwanted"]') IPv6 packets (unwanted)"
echo "PASS"
