#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# lcx-gen back to back with lcx-fwd (pipeline io), two processes:
#   1. over a net_memif pair (two interfaces on one socket);
#   2. over two veth pairs with net_af_packet (root).
# lcx-gen sends on its port 0 and checks on its port 1; lcx-fwd forwards
# 0 -> 1.  Each run: exit 0 on both sides, frames through, exact
# accounting (tx = unique rx + lost), one latency sample per frame, pools
# full.  Loss is reported, not asserted: the machine is shared.  A short
# MLRsearch over memif must converge.
#
# Usage: test_gen_b2b.sh /path/to/lcx-gen /path/to/lcx-fwd
set -u

GEN=${1:?usage: test_gen_b2b.sh lcx-gen lcx-fwd}
FWD=${2:?usage: test_gen_b2b.sh lcx-gen lcx-fwd}
TMP=$(mktemp -d /tmp/lcx-gen-b2b.XXXXXX)
SFX=$$
FPID=
VETH=0
PASS=0
FAIL=0
SKIPPED=0

cleanup() {
	[ -n "$FPID" ] && kill -INT "$FPID" 2>/dev/null && wait "$FPID"
	if [ "$VETH" -eq 1 ]; then
		ip link del "lga$SFX" 2>/dev/null
		ip link del "lgb$SFX" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/       | /' "$2" | tail -n 15
}

json() {
	python3 -c "import json,sys; j=json.load(open('$1')); v=($2); \
print(v); sys.exit(0 if v else 1)"
}

# fwd_start PORT0 PORT1
fwd_start() {
	"$FWD" -l 0 --no-huge -m 512 --no-pci -- --port "$1" --port "$2" \
		--pipeline io --idle busy --stats-interval 0 --json \
		>"$TMP/fwd.json" 2>"$TMP/fwd.err" &
	FPID=$!
}

fwd_stop() {
	kill -INT "$FPID" 2>/dev/null
	wait "$FPID"
	frc=$?
	FPID=
	return $frc
}

# lcx-fwd's watchdog (1 s, fixed) stops it when the machine parks its
# thread that long: then the transport is skipped, saying so, not failed.
fwd_parked() {
	if grep -q "is in ERROR" "$TMP/fwd.err"; then
		echo "SKIP $1: lcx-fwd's context went silent for 1 s (watchdog):" \
			"the machine is overloaded ($(cut -d' ' -f1-3 /proc/loadavg))"
		SKIPPED=$((SKIPPED + 1))
		return 0
	fi
	return 1
}

# run NAME ARGS...: lcx-gen at 20 kpps for 1 s with the ports given.
run() {
	name=$1
	shift
	if "$GEN" -l 1 --no-huge -m 512 --no-pci -- "$@" --rate 20k \
			--duration 1 --flows 4 --size imix --hb-timeout 10000 \
			--stats-interval 0 --json "$TMP/$name.json" \
			>"$TMP/$name.out" 2>"$TMP/$name.err"; then
		ok "$name: lcx-gen exit 0"
	else
		nok "$name: lcx-gen failed" "$TMP/$name.err"
		return 1
	fi
	j=$TMP/$name.json
	v=$(json "$j" "j['run']['rx'] > 0 and j['run']['tx'] > 10000") &&
		ok "$name: frames through ($(json "$j" "j['run']['rx']") of \
$(json "$j" "j['run']['tx']"), lost $(json "$j" "j['run']['lost']"))" ||
		nok "$name: no frames through" "$j"
	v=$(json "$j" "j['run']['tx'] == j['run']['rx'] - j['run']['dup'] - \
j['run']['late'] + j['run']['lost'] and \
sum(s['sent'] for s in j['stream']) == j['run']['tx']") &&
		ok "$name: accounting exact" || nok "$name: accounting" "$j"
	v=$(json "$j" "j['run']['latency']['samples'] == j['run']['rx'] and \
j['pools_full']") && ok "$name: latency of every frame ($(json "$j" \
"round(j['run']['latency']['p50_ns'] / 1e3, 1)") us p50), pools full" ||
		nok "$name: latency/pools" "$j"
}

command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }

# 1. memif
sock=$TMP/memif.sock
fwd_start "net_memif0,role=server,socket=$sock,id=0" \
	"net_memif1,role=server,socket=$sock,id=1"
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if ! run memif --port "net_memif0,role=client,socket=$sock,id=0" \
		--port "net_memif1,role=client,socket=$sock,id=1" &&
		fwd_parked memif; then
	FAIL=$((FAIL - 1))
	fwd_stop
elif "$GEN" -l 1 --no-huge -m 512 --no-pci -- \
		--port "net_memif0,role=client,socket=$sock,id=0" \
		--port "net_memif1,role=client,socket=$sock,id=1" --search \
		--search-sizes 64 --max-rate 30k --trial-duration 0.3 \
		--short-duration 0.1 --precision 0.05 --hb-timeout 10000 \
		--stats-interval 0 --json "$TMP/s.json" >"$TMP/s.out" \
		2>"$TMP/s.err" &&
		json "$TMP/s.json" "all(g['converged'] for s in \
j['search']['sizes'] for g in s['goals'])" >/dev/null; then
	ok "memif: search converged (NDR $(json "$TMP/s.json" \
"j['search']['sizes'][0]['goals'][0]['lower_pps']") pps)"
	fwd_stop && ok "memif: lcx-fwd exit 0" ||
		fwd_parked memif || nok "memif: lcx-fwd" "$TMP/fwd.err"
else
	fwd_stop
	fwd_parked memif || nok "memif: search" "$TMP/s.err"
fi

# 2. veth + af_packet
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	echo "SKIP veth: needs root and ip"
elif ip link add "lga$SFX" type veth peer name "lgA$SFX" 2>/dev/null &&
		ip link add "lgb$SFX" type veth peer name "lgB$SFX"; then
	VETH=1
	for l in "lga$SFX" "lgA$SFX" "lgb$SFX" "lgB$SFX"; do
		# No IPv6 neighbour discovery frames in the way.
		sysctl -qw "net.ipv6.conf.$l.disable_ipv6=1" 2>/dev/null
		ip link set "$l" up
	done
	fwd_start "net_af_packet0,iface=lgA$SFX,qpairs=1" \
		"net_af_packet1,iface=lgB$SFX,qpairs=1"
	sleep 1
	run veth --port "net_af_packet0,iface=lga$SFX,qpairs=1" \
		--port "net_af_packet1,iface=lgb$SFX,qpairs=1"
	fwd_stop && ok "veth: lcx-fwd exit 0" ||
		fwd_parked veth || nok "veth: lcx-fwd" "$TMP/fwd.err"
else
	echo "SKIP veth: cannot create veth pairs"
fi

echo "test_gen_b2b: $PASS passed, $FAIL failed, $SKIPPED skipped"
[ "$FAIL" -eq 0 ] || exit 1
[ "$PASS" -eq 0 ] && exit 77
exit 0
