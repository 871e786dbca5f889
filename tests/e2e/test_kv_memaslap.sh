#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# lcx-kv with Debian's memcached tools as clients, run the way a user runs
# it (EAL defaults: two lcores, two shards), on an af_packet veth port to
# namespace A:
#   - ping answered (ARP and ICMP on the service address);
#   - memaslap (memcaslap) over UDP, ASCII, gets and sets, --verify: no
#     verification failure, no lost or timed-out reply;
#   - the same memaslap work against memcached -U in namespace B over a
#     veth pair of its own: the ratio of operations per second printed
#     (measured, not asserted);
#   - memccp -U a file in (ASCII, then binary protocol), read back over
#     UDP and compared byte for byte;
#   - malformed datagrams get memcached's reply and are counted;
#   - at exit: every pool full, every job back, requests crossed shards.
# Debian's memaslap cannot send binary over UDP (sendmsg of a NULL frame
# header: EFAULT, against memcached as well), and memccat speaks TCP only:
# see doc/lcx-kv.md.
. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$@"
KV=$FWD
e2e_need_root
e2e_need memcaslap memcached memccp socat python3
e2e_netns

KV_IP=198.18.0.10
MC_A=198.18.1.1
MC_B=198.18.1.2
KV_PID=
MC_PID=
# A longer comparison: KV_OPS=300000; lcx-kv options: KV_ARGS="--idle busy".
OPS=${KV_OPS:-30000}

kv_cleanup() {
	rc=$?
	[ -n "$MC_PID" ] && kill "$MC_PID" 2>/dev/null && wait "$MC_PID"
	if [ -n "$KV_PID" ]; then
		kill -KILL "$KV_PID" 2>/dev/null
		wait "$KV_PID" 2>/dev/null
		rm -rf "/var/run/dpdk/lcxkv$KV_PID"
	fi
	(exit "$rc")
	e2e_cleanup
}
trap kv_cleanup EXIT

# memcached's own veth pair, between the two namespaces.
ip link add "kA$E2E_SFX" netns "$NS_A" type veth peer name "kB$E2E_SFX" \
	netns "$NS_B" || fail "veth for memcached"
ip -n "$NS_A" addr add "$MC_A/24" dev "kA$E2E_SFX"
ip -n "$NS_B" addr add "$MC_B/24" dev "kB$E2E_SFX"
ip netns exec "$NS_A" ethtool -K "kA$E2E_SFX" tx off >/dev/null 2>&1
ip netns exec "$NS_B" ethtool -K "kB$E2E_SFX" tx off >/dev/null 2>&1
ip -n "$NS_A" link set "kA$E2E_SFX" up
ip -n "$NS_B" link set "kB$E2E_SFX" up

# shellcheck disable=SC2086
"$KV" -- --port "net_af_packet0,iface=$IF_A" --addr "$KV_IP/24" \
	--stats-interval 0 --json ${KV_ARGS:-} >"$TMP/kv.json" 2>"$TMP/kv.err" &
KV_PID=$!
FWD_PID=
FWD_TAG=kv
kv_alive() {
	kill -0 "$KV_PID" 2>/dev/null
}

# ARP and ping: the arp-icmp stage of the pipeline.
n=0
until ip netns exec "$NS_A" ping -c 1 -W 1 "$KV_IP" >/dev/null 2>&1; do
	kv_alive || fail "lcx-kv died at start"
	n=$((n + 1))
	[ "$n" -lt 20 ] || fail "no ping reply from lcx-kv"
done
ns_ping "$NS_A" "$KV_IP" 3 >/dev/null || fail "ping lost replies"
note "ping answered"

# udp_req PAYLOAD_FILE: one datagram to lcx-kv, the reply (frame header
# included) on stdout.
udp_req() {
	ip netns exec "$NS_A" socat -t 2 -T 3 - "UDP:$KV_IP:11211" <"$1"
}

# memaslap SERVER TAG: fixed work, verify half the gets, check the counts.
memaslap() {
	ip netns exec "$NS_A" memcaslap -s "$1:11211" -U -x "$OPS" -T 1 -c 8 \
		-v 0.5 -S 100000s >"$TMP/$2.out" 2>&1 ||
		fail "memaslap ($2) failed"
	for c in verify_failed verify_misses packet_drop udp_timeout; do
		v=$(sed -n "s/^$c: *\([0-9]*\).*/\1/p" "$TMP/$2.out")
		[ "$v" = 0 ] || {
			cat "$TMP/$2.out" >&2
			fail "memaslap ($2): $c is '$v', not 0"
		}
	done
	ops=$(sed -n 's/.*Ops: *\([0-9]*\).*/\1/p' "$TMP/$2.out")
	[ "$ops" = "$OPS" ] || fail "memaslap ($2): $ops ops of $OPS"
	sed -n 's/.*TPS: *\([0-9]*\).*/\1/p' "$TMP/$2.out"
}

# latency TAG: average and 99th percentile (the upper bound of its
# power-of-two bucket in memaslap's "Log2 Dist") of all operations, in us.
latency() {
	python3 - "$TMP/$1.out" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
t = t[t.index("Total Statistics ("):]
avg = int(re.search(r"Avg: *(\d+)", t).group(1))
counts = {}
for base, rest in re.findall(r"^ +(\d+): +([\d ]+)$", t, re.M):
    for i, c in enumerate(rest.split()):
        counts[int(base) + i] = int(c)
total, acc = sum(counts.values()), 0
for b in sorted(counts):
    acc += counts[b]
    if acc >= 0.99 * total:
        break
print("avg %d us, p99 < %d us" % (avg, 2 ** (b + 1)))
EOF
}

tps_kv=$(memaslap "$KV_IP" memaslap-kv) || exit 1
note "memaslap -U --verify against lcx-kv: $OPS ops, 0 failures, 0 lost, $tps_kv ops/s, $(latency memaslap-kv)"

# Replies of every shape, and malformed ones (frame header: id 7).
printf '\000\007\000\000\000\001\000\000version\r\n' >"$TMP/q1"
udp_req "$TMP/q1" | tail -c +9 | grep -q '^VERSION ' || fail "no VERSION"
printf '\000\007\000\000\000\001\000\000bogus\r\n' >"$TMP/q2"
[ "$(udp_req "$TMP/q2" | tail -c +9)" = "$(printf 'ERROR\r')" ] ||
	fail "unknown command: no ERROR"
printf '\000\007\000\000\000\002\000\000get a\r\n' >"$TMP/q3"
udp_req "$TMP/q3" | tail -c +9 |
	grep -q 'SERVER_ERROR multi-packet request not supported' ||
	fail "multi-datagram request: no SERVER_ERROR"
printf '\000\007\000\000\000\001\000\000set k 0 0 9\r\nabc\r\n' >"$TMP/q4"
udp_req "$TMP/q4" | tail -c +9 | grep -q 'CLIENT_ERROR bad data chunk' ||
	fail "short value: no CLIENT_ERROR"
printf 'abc' >"$TMP/q5"
udp_req "$TMP/q5" >"$TMP/q5.out"
[ ! -s "$TMP/q5.out" ] || fail "a 3-byte datagram got a reply"
printf '\000\007\000\000\000\001\000\000stats\r\n' >"$TMP/q6"
udp_req "$TMP/q6" >"$TMP/stats.out"
python3 - "$TMP/stats.out" <<'EOF' || fail "stats reply"
import sys
d = open(sys.argv[1], "rb").read()
# Datagrams come back to back from socat: walk "STAT " lines to "END".
t = d.decode("latin-1")
assert "STAT curr_items " in t and "STAT shard1:get_hits " in t, t[:200]
assert t.rstrip().endswith("END"), t[-50:]
EOF
note "malformed datagrams answered as memcached does; stats per shard"

# memccp over UDP, ASCII then binary; read back with a UDP get.
head -c 900 /dev/urandom | base64 -w 0 >"$TMP/f1.txt"
readback_once() {
	printf '\000\011\000\000\000\001\000\000get f1.txt\r\n' >"$TMP/g"
	udp_req "$TMP/g" >"$TMP/g.out"
	python3 - "$TMP/g.out" "$TMP/f1.txt" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()[8:]
f = open(sys.argv[2], "rb").read()
i = d.index(b"\r\n") + 2
assert d.startswith(b"VALUE f1.txt "), d[:40]
assert d[i:i + len(f)] == f and d[i + len(f):] == b"\r\nEND\r\n", "differs"
EOF
}
# memccp -U gets no answer (libmemcached's UDP sets are noreply), and
# its datagram and our get may reach different contexts (af_packet
# fanout by flow): poll until the value is there, at most 5 s.
readback() {
	n=0
	until readback_once 2>"$TMP/readback.err"; do
		n=$((n + 1))
		[ "$n" -lt 10 ] || { cat "$TMP/readback.err" >&2; return 1; }
		sleep 0.5
	done
}
(cd "$TMP" && ip netns exec "$NS_A" memccp -U -s "$KV_IP:11211" f1.txt) ||
	fail "memccp -U"
readback || fail "memccp -U: value read back differs"
printf '\000\012\000\000\000\001\000\000delete f1.txt\r\n' >"$TMP/d"
udp_req "$TMP/d" >"$TMP/d.out"
tail -c +9 "$TMP/d.out" | grep -q DELETED ||
	fail "delete: reply '$(tail -c +9 "$TMP/d.out" | tr -d '\r\n')'"
(cd "$TMP" && ip netns exec "$NS_A" memccp -U -b -s "$KV_IP:11211" f1.txt) ||
	fail "memccp -U -b"
readback || fail "memccp -U -b (binary): value read back differs"
note "memccp -U (ASCII and binary) in, read back identical"

kill -TERM "$KV_PID"
n=0
while kv_alive && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
kv_alive && fail "lcx-kv did not stop within 10 s"
wait "$KV_PID"
st=$?
KV_PID=
[ "$st" -eq 0 ] || fail "lcx-kv exited with $st"
python3 - "$TMP/kv.json" "$OPS" <<'EOF' || fail "lcx-kv summary"
import json, sys
j = json.load(open(sys.argv[1]))
t = j["total"]
assert j["pools_full"] is True, "pools not full"
assert j["shards"] == 2, j["shards"]
assert t["requests"] >= int(sys.argv[2]), t["requests"]
assert t["cross_shard_in"] > 0, "no request crossed shards"
assert t["cross_shard_in"] == t["cross_shard_out"], t
assert t["cross_shard_refused"] == 0 and t["no_mbuf"] == 0, t
e = t["errors"]
want = {"unknown-command": 1, "multi-packet": 1, "bad-data-chunk": 1,
        "bad-frame": 1}
for k, v in e.items():
    assert v == want.get(k, 0), (k, v)
print("lcx-kv: %d requests, %.1f %% cross-shard" %
      (t["requests"], 100.0 * t["cross_shard_in"] / t["requests"]))
EOF

ip netns exec "$NS_B" memcached -u root -p 0 -U 11211 -l "$MC_B" -t 2 \
	-m 64 >"$TMP/memcached.err" 2>&1 &
MC_PID=$!
sleep 0.5
tps_mc=$(memaslap "$MC_B" memaslap-mc) || exit 1
note "memaslap -U --verify against memcached: $tps_mc ops/s, $(latency memaslap-mc)"
python3 -c "import sys; print('lcx-kv / memcached ops/s: %.2f' % (int(sys.argv[1]) / int(sys.argv[2])))" \
	"$tps_kv" "$tps_mc"
exit 0
