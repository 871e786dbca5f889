#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Run every libFuzzer target of tests/fuzz (fuzz_<t>_libfuzzer) under
# AddressSanitizer + UBSan, from its seed corpus tests/fuzz/corpus/<t>
# with its dictionary tests/fuzz/<t>.dict.  The library itself is built
# with coverage (-fsanitize=fuzzer-no-link) so the fuzzer sees inside it.
# New inputs go to $BUILD/corpus/<t> (the seeds stay untouched); a crash
# leaves $BUILD/crash-<t>-* to replay with: $BUILD/tests/fuzz/<exe> FILE.
#
#   LCX_FUZZ_SECONDS=N   seconds per target (default 600; test.sh uses 5)
#   LCX_FUZZ_TARGETS=".." targets (default: every tests/fuzz/fuzz_*.c)
#   BUILD=dir            build directory (default build-fuzz)
#
# Long run (the figures of doc/reliability.md):
#   LCX_FUZZ_SECONDS=3600 devtools/fuzz.sh
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build-fuzz}
SECONDS_EACH=${LCX_FUZZ_SECONDS:-600}
if ! command -v clang >/dev/null; then
	echo "fuzz: clang is not installed (devtools/setup.sh installs it)"
	exit 77
fi
if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" -Dfuzz=true -Dbuildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
nice ninja -C "$BUILD" >/dev/null || { echo "fuzz: build failed"; exit 1; }

targets=${LCX_FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c |
	sed 's|.*/fuzz_||; s|\.c$||')}
pass=0
fail=0
for t in $targets; do
	exe=$BUILD/tests/fuzz/fuzz_${t}_libfuzzer
	mkdir -p "$BUILD/corpus/$t"
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	# DPDK keeps its memory to exit; leaks there are not the input's.
	# shellcheck disable=SC2086
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		nice "$exe" -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 \
		-print_final_stats=1 -artifact_prefix="$BUILD/crash-$t-" \
		$dict "$BUILD/corpus/$t" "tests/fuzz/corpus/$t" \
		>"$BUILD/fuzz-$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		"$BUILD/fuzz-$t.log")
	cov=$(grep -Eo 'cov: [0-9]+' "$BUILD/fuzz-$t.log" | tail -1)
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "fuzz: $t: ${execs:-?} executions in ${SECONDS_EACH} s," \
			"${cov:-cov: ?}, no finding"
	else
		fail=$((fail + 1))
		echo "fuzz: $t: FAILED (exit $rc), see $BUILD/fuzz-$t.log"
		tail -30 "$BUILD/fuzz-$t.log"
	fi
	# The EAL run directory of a process that crashed is left behind.
	for d in /var/run/dpdk/lcxfuzz*; do
		[ -d "$d" ] || continue
		pid=$(echo "$d" | sed 's/[^0-9]//g')
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && rm -rf "$d"
	done
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
