#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what is missing, build, run every test suite (unit, integration,
# fuzz, e2e; e2e needs root and network namespaces and says why when it
# skips), then unit, integration and fuzz again under AddressSanitizer and
# UBSan.  The last line sums every suite: "N passed, N failed".  Exit 0
# only when nothing failed.
#
#   LCX_NO_ASAN=1      skip the sanitizer pass
#   LCX_NO_FUZZ=1      skip the libFuzzer step (clang only)
#   LCX_SUITES="..."   suites to run (default: unit integration fuzz e2e)
set -u
cd "$(dirname "$0")/.."

devtools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
SUITES=${LCX_SUITES:-unit integration fuzz e2e}
logs=""
rc=0

run_suites() { # build-dir suites...
	b=$1
	shift
	args=""
	for s in "$@"; do
		args="$args --suite $s"
	done
	# shellcheck disable=SC2086
	meson test -C "$b" --no-rebuild --print-errorlogs $args || rc=1
	cp "$b/meson-logs/testlog.json" "$b/meson-logs/testlog-last.json"
	logs="$logs $b/meson-logs/testlog-last.json"
}

run_suites build $SUITES

if [ -z "${LCX_NO_ASAN:-}" ]; then
	echo "== AddressSanitizer + UBSan build: unit, integration and fuzz suites"
	if BUILD=build-asan MESON_ARGS="-Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false" \
			devtools/setup.sh >/dev/null; then
		# DPDK maps its own memory and keeps it to exit: leaks there are
		# not ours to report; UBSan findings are fatal.
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			run_suites build-asan unit integration fuzz
	else
		echo "test: the sanitizer build failed"
		rc=1
		logs="$logs -"
	fi
fi

# libFuzzer targets under ASan+UBSan, seconds each (long runs: fuzz.sh).
if [ -z "${LCX_NO_FUZZ:-}" ] && command -v clang >/dev/null; then
	echo "== libFuzzer targets, ${LCX_FUZZ_SECONDS:-5} s each"
	LCX_FUZZ_SECONDS=${LCX_FUZZ_SECONDS:-5} devtools/fuzz.sh ||
		{ rc=1; logs="$logs -"; }
fi

# shellcheck disable=SC2086
python3 devtools/summarize.py $logs
src=$?
[ $rc -eq 0 ] && [ $src -eq 0 ] && exit 0
exit 1
