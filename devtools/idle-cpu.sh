#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# CPU time of lcx-fwd's contexts at idle and at low load, and the ping RTT
# through it, on two af_packet ports over veth (devtools/netns.sh).  The
# figures of doc/operations-failover.md ("Idle") come from here.
#
# Usage (root): devtools/idle-cpu.sh LCX_FWD [IDLE_MODE] [SECONDS]
#   IDLE_MODE  busy|pause|adaptive (default adaptive)
#   SECONDS    length of each CPU sample (default 10)
# Prints, for each phase (idle; ping every 10 ms), the CPU share of every
# lcx-fwd thread that used any, from /proc/PID/task/*/stat utime+stime,
# then ping's RTT summary (20 pings, 200 ms apart: each finds the context
# parked when the idle mode parks).
set -u
FWD=${1:?usage: $0 LCX_FWD [IDLE_MODE] [SECONDS]}
MODE=${2:-adaptive}
SECS=${3:-10}
SFX=i$$
. "$(dirname "$0")/netns.sh"

cleanup() {
	[ -n "${PID:-}" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID"
	netns_down "$SFX"
	tail -3 "/tmp/idle$SFX.err"; rm -rf "/var/run/dpdk/lcxidle$SFX" "/tmp/idle$SFX.err"
}
trap cleanup EXIT INT TERM

netns_up "$SFX" || exit 1
"$FWD" -l 0,1 --no-huge -m 512 --no-pci --file-prefix="lcxidle$SFX" -- \
	--port "net_af_packet0,iface=$IF_A,qpairs=2" \
	--port "net_af_packet1,iface=$IF_B,qpairs=2" \
	--pipeline io --idle "$MODE" --stats-interval 0 >/dev/null 2>"/tmp/idle$SFX.err" &
PID=$!
sleep 3

# ticks: "tid cpu-ticks voluntary-switches" a line, one per thread.  A
# parked context sleeps once per nap, so its voluntary context switches
# count its wake-ups whatever the load of the machine.
ticks() {
	for t in /proc/"$PID"/task/*; do
		# fields 14 and 15 after the "(comm)" that may hold spaces
		v=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status")
		sed 's/^.*) //' "$t/stat" | awk -v t="${t##*/}" -v v="$v" \
			'{ print t, $12 + $13, v }'
	done
}

sample() {
	ticks | sort >"/tmp/idle$SFX.a"
	sleep "$SECS"
	ticks | sort >"/tmp/idle$SFX.b"
	hz=$(getconf CLK_TCK)
	join "/tmp/idle$SFX.a" "/tmp/idle$SFX.b" | awk -v s="$SECS" -v hz="$hz" \
		-v p="$1" -v pid="$PID" '{
		d = $4 - $2
		w = ($5 - $3) / s
		if (d > 0 || w > 10) {
			getline name < ("/proc/" pid "/task/" $1 "/comm")
			close("/proc/" pid "/task/" $1 "/comm")
			printf "%s: thread %s (%s): %.2f %% of a CPU, %.0f wake-ups/s, %.1f us CPU per wake-up\n",
				p, $1, name, 100.0 * d / hz / s, w,
				(w > 0 ? 1e6 * d / hz / s / w : 0)
		}
	}'
	rm -f "/tmp/idle$SFX.a" "/tmp/idle$SFX.b"
}

echo "idle mode $MODE, $SECS s samples"
sample idle
ip netns exec "$NS_A" ping -q -i 0.01 -w "$((SECS + 2))" "$IP_B" \
	>/dev/null 2>&1 &
PING=$!
sleep 1
sample "ping 100/s"
wait "$PING"
ip netns exec "$NS_A" ping -c 20 -i 0.2 "$IP_B" | tail -2
