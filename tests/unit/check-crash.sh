#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# A test program that dies by a signal fails its test and says where:
# run crash_victim (raises SIGSEGV inside a CUnit test) and check that it
# died by the signal (no exit 0, no CUnit summary), named it, printed a
# backtrace, and left no EAL run directory.
#
#   check-crash.sh CRASH_VICTIM
set -u
out=$(mktemp)
"$1" >"$out" 2>&1 &
pid=$!
wait $pid
st=$?
pass=0
fail=0
check() { # what status
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "crash: $1"; fi
}
[ "$st" -eq $((128 + 11)) ]
check "exit status $st, expected death by SIGSEGV (139)" $?
grep -q 'caught signal 11' "$out"
check "no 'caught signal 11' line" $?
grep -Eq '^[0-9]+: .*\[[0-9a-f]+\]$' "$out"
check "no backtrace frames" $?
! grep -q 'crash_victim: [0-9]* passed' "$out"
check "a test summary after the crash" $?
[ ! -e "/var/run/dpdk/lcxtest$pid" ]
check "EAL run directory lcxtest$pid left behind" $?
[ "$fail" -eq 0 ] || cat "$out"
rm -f "$out"
echo "crash: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
