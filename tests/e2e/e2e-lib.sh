# SPDX-License-Identifier: BSD-3-Clause
#
# Sourced by the e2e scripts: skipping, temporary files, lcx-fwd in the
# background, its JSON, clean-up.  Each script is
#
#   . "$(dirname "$0")/e2e-lib.sh"
#   e2e_init "$@"              # $1: the lcx-fwd binary; sets $FWD, $TMP
#   e2e_need tshark python3    # SKIP (exit 77) naming what is missing
#   ...
#
# Everything a script makes (namespaces, veths, files, lcx-fwd) is undone
# by the EXIT trap, also on failure and on SIGINT/SIGTERM.

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
E2E_SRC=$(cd "$E2E_DIR/../.." && pwd)
. "$E2E_SRC/devtools/netns.sh"

E2E_NAME=${0##*/}
E2E_NAME=${E2E_NAME%.sh}
E2E_SFX=$$
E2E_NETNS=0
FWD_PID=

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "$E2E_NAME: $*"
}

e2e_cleanup() {
	rc=$?
	if [ -n "$FWD_PID" ]; then
		kill -KILL "$FWD_PID" 2>/dev/null
		wait "$FWD_PID" 2>/dev/null
	fi
	[ "$E2E_NETNS" -eq 1 ] && netns_down "$E2E_SFX"
	# Keep the evidence of a failure in the log.
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "${TMP:-}" ]; then
		for f in "$TMP"/*.err; do
			[ -s "$f" ] || continue
			echo "--- $f (last 30 lines)" >&2
			tail -30 "$f" >&2
		done
	fi
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
	# lcx-fwd keeps the EAL run directory of a prefix it was given: ours
	# are private to this run (about 3 MB each in /var/run).
	rm -rf /var/run/dpdk/lcxe2e"$E2E_SFX"[a-z]*
	exit "$rc"
}

# e2e_init LCX_FWD: check the binary, make $TMP, set the trap.
e2e_init() {
	FWD=${1:-${LCX_FWD:-}}
	[ -n "$FWD" ] || skip "no lcx-fwd given (argument 1 or \$LCX_FWD)"
	[ -x "$FWD" ] || fail "lcx-fwd not executable: $FWD"
	FWD=$(cd "$(dirname "$FWD")" && pwd)/${FWD##*/}
	TMP=$(mktemp -d "/tmp/lcx-e2e-$E2E_NAME.XXXXXX") ||
		fail "mktemp failed"
	trap e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# Paths go into port devargs (at most 255 characters): keep them short.
	chmod 755 "$TMP"
}

# e2e_need TOOL...: skip naming the first tool that is missing.
e2e_need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			skip "$t not found (devtools/test.sh installs it)"
	done
}

# e2e_need_root: root and working namespaces + veth.
e2e_need_root() {
	why=$(netns_check)
	[ -z "$why" ] || skip "$why"
}

# e2e_netns: the two namespaces of devtools/netns.sh, suffix $$.
e2e_netns() {
	E2E_NETNS=1
	netns_up "$E2E_SFX" || fail "namespace set-up failed"
}

# EAL arguments for every lcx-fwd run: one lcore (1), which is the main one
# and runs the one context; no hugepages, no PCI, a private file prefix.
e2e_eal() {
	echo "-l 1 --no-huge -m 512 --no-pci --file-prefix=lcxe2e$E2E_SFX$1"
}

# fwd_start TAG ARGS...: lcx-fwd in the background, JSON to $TMP/TAG.json,
# the rest to $TMP/TAG.err.
fwd_start() {
	tag=$1
	shift
	# shellcheck disable=SC2046
	"$FWD" $(e2e_eal "$tag") -- "$@" --json \
		>"$TMP/$tag.json" 2>"$TMP/$tag.err" &
	FWD_PID=$!
	FWD_TAG=$tag
}

# fwd_alive: lcx-fwd still running.
fwd_alive() {
	[ -n "$FWD_PID" ] && kill -0 "$FWD_PID" 2>/dev/null
}

# fwd_stop: SIGTERM (background jobs of a script ignore SIGINT unless the
# program sets its own handler), wait at most 10 s, check exit 0 and JSON.
fwd_stop() {
	[ -n "$FWD_PID" ] || return 0
	kill -TERM "$FWD_PID" 2>/dev/null
	fwd_wait 10
}

# fwd_wait SECONDS: wait for lcx-fwd to leave by itself; kill it past the
# limit.  Fails unless it exited 0.
fwd_wait() {
	n=0
	while fwd_alive && [ "$n" -lt $(($1 * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if fwd_alive; then
		kill -KILL "$FWD_PID"
		wait "$FWD_PID" 2>/dev/null
		FWD_PID=
		fail "lcx-fwd ($FWD_TAG) did not exit within $1 s"
	fi
	wait "$FWD_PID"
	st=$?
	FWD_PID=
	[ "$st" -eq 0 ] || fail "lcx-fwd ($FWD_TAG) exited with $st"
	json_get "$FWD_TAG" rx_packets >/dev/null ||
		fail "lcx-fwd ($FWD_TAG) printed no JSON summary"
}

# json_get TAG KEY: a top-level value of $TMP/TAG.json (true/false for
# booleans).
json_get() {
	python3 - "$TMP/$1.json" "$2" <<'EOF'
import json, sys
try:
    v = json.load(open(sys.argv[1]))[sys.argv[2]]
except Exception as e:
    sys.stderr.write("json: %s: %s\n" % (sys.argv[1], e))
    sys.exit(1)
print(str(v).lower() if isinstance(v, bool) else v)
EOF
}

# json_expr TAG EXPR: a Python expression over the JSON object j, e.g.
# json_expr pcap 'j["pipeline"][1]["drops"]["no-route"]'.
json_expr() {
	python3 - "$TMP/$1.json" "$2" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
try:
    print(eval(sys.argv[2], {"j": j}))
except Exception as e:
    sys.exit("json: %s: %s: %r" % (sys.argv[1], sys.argv[2], e))
EOF
}

# fwd_check_pools TAG: every pool back to full at exit.
fwd_check_pools() {
	[ "$(json_get "$1" pools_full)" = true ] ||
		fail "lcx-fwd ($1): pools_full is not true"
}

# ns_wait_ping NS ADDR SECONDS: one reply within the time (lcx-fwd takes a
# moment to start; ARP has to resolve).
ns_wait_ping() {
	end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -lt "$end" ]; do
		fwd_alive || fail "lcx-fwd ($FWD_TAG) died"
		ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 &&
			return 0
	done
	return 1
}

# ns_ping NS ADDR COUNT: COUNT echo requests 0.2 s apart, all answered.
ns_ping() {
	out=$(ip netns exec "$1" ping -c "$3" -i 0.2 -W 2 "$2" 2>&1)
	echo "$out" | grep -q " $3 received" || {
		echo "$out" >&2
		return 1
	}
	echo "$out" | tail -1
}
