#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Network namespaces joined to lcx through veth pairs: the test hosts of
# the e2e suite and of devtools/bench-compare.sh, also usable by hand.
#
#   ns A (198.18.0.1/24) vethA ==veth== lA  (root ns) net_af_packet0,iface=lA
#   ns B (198.18.0.2/24) vethB ==veth== lB  (root ns) net_af_packet1,iface=lB
#
# lcx opens the root-namespace ends with net_af_packet; everything the
# namespaces send to each other goes through it.  The namespace ends get
# TX checksum offload off: veth leaves TCP/UDP checksums to "the hardware"
# (CHECKSUM_PARTIAL), af_packet hands lcx the frame as it is, and the
# receiving namespace would drop it.  The root-namespace ends get no
# address, no IPv6, no ARP answers and no forwarding, so the root kernel
# neither talks on them nor routes what arrives on them.
#
# Usage (as root):
#   devtools/netns.sh up [SUFFIX]     create the set-up, print its names
#   devtools/netns.sh down [SUFFIX]   delete it
# then e.g.
#   lcx-fwd --port net_af_packet0,iface=lA$SUFFIX \
#           --port net_af_packet1,iface=lB$SUFFIX --pipeline io
#   ip netns exec lcxA$SUFFIX ping 198.18.0.2
#
# Sourced (". devtools/netns.sh"), it defines the functions below and
# does nothing else; the e2e scripts use it that way.

# netns_up SUFFIX: sets NS_A NS_B IF_A IF_B (root ends) PEER_A PEER_B
# (namespace ends) IP_A IP_B MAC_A MAC_B.  Returns non-zero on failure,
# leaving whatever it made for netns_down.
netns_up() {
	sfx=$1
	NS_A=lcxA$sfx
	NS_B=lcxB$sfx
	IF_A=lA$sfx
	IF_B=lB$sfx
	PEER_A=vethA
	PEER_B=vethB
	IP_A=198.18.0.1
	IP_B=198.18.0.2
	netns_one "$NS_A" "$IF_A" "$PEER_A" "$IP_A" || return 1
	netns_one "$NS_B" "$IF_B" "$PEER_B" "$IP_B" || return 1
	MAC_A=$(netns_mac "$NS_A" "$PEER_A") || return 1
	MAC_B=$(netns_mac "$NS_B" "$PEER_B") || return 1
}

# netns_one NS ROOT_IF NS_IF ADDR
netns_one() {
	ip netns add "$1" || return 1
	ip link add "$2" type veth peer name "$3" netns "$1" || return 1
	# Root end: no IPv6 (no router solicitations on the wire), no ARP
	# answers, no forwarding of what lcx sends to it.
	sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null
	sysctl -qw "net.ipv4.conf.$2.arp_ignore=8" 2>/dev/null
	sysctl -qw "net.ipv4.conf.$2.forwarding=0" 2>/dev/null
	ip link set "$2" up || return 1
	ip -n "$1" link set lo up || return 1
	ip -n "$1" addr add "$4/24" dev "$3" || return 1
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$3.disable_ipv6=1" \
		2>/dev/null
	ip netns exec "$1" ethtool -K "$3" tx off >/dev/null 2>&1 || return 1
	ip -n "$1" link set "$3" up || return 1
}

# netns_mac NS IF: the interface's MAC.
netns_mac() {
	ip -n "$1" -o link show "$2" |
		sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# netns_down SUFFIX: delete both namespaces (their veth ends go with them,
# and with them the root ends).  Quiet; safe to call twice.
netns_down() {
	for ns in "lcxA$1" "lcxB$1"; do
		ip netns del "$ns" 2>/dev/null
	done
	for i in "lA$1" "lB$1"; do
		ip link del "$i" 2>/dev/null
	done
	return 0
}

# netns_check: why this machine cannot run the set-up, or nothing.
netns_check() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root (network namespaces and af_packet)"
		return
	fi
	for t in ip ethtool sysctl; do
		command -v "$t" >/dev/null 2>&1 || { echo "$t not found"; return; }
	done
	probe=lcxprobe$$
	if ! ip netns add "$probe" 2>/dev/null; then
		echo "ip netns add failed: no network namespace support"
		return
	fi
	if ! ip link add "lP$$" type veth peer name vethP netns "$probe" \
			2>/dev/null; then
		ip netns del "$probe"
		echo "ip link add type veth failed: no veth support"
		return
	fi
	ip link del "lP$$" 2>/dev/null
	ip netns del "$probe"
}

case ${0##*/} in
netns.sh)
	set -u
	cmd=${1:-}
	sfx=${2:-}
	case $cmd in
	up)
		why=$(netns_check)
		[ -z "$why" ] || { echo "netns.sh: $why" >&2; exit 1; }
		if ! netns_up "$sfx"; then
			netns_down "$sfx"
			echo "netns.sh: set-up failed" >&2
			exit 1
		fi
		echo "namespaces $NS_A ($IP_A, $PEER_A $MAC_A)" \
			"$NS_B ($IP_B, $PEER_B $MAC_B)"
		echo "lcx ports: --port net_af_packet0,iface=$IF_A" \
			"--port net_af_packet1,iface=$IF_B"
		;;
	down)
		netns_down "$sfx"
		;;
	*)
		sed -n 's/^# \{0,1\}//; /^Usage/,/^$/p' "$0" | sed '/^$/d' >&2
		exit 2
		;;
	esac
	;;
esac
