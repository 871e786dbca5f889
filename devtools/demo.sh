#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what is missing, build, and run lcx-fwd on its built-in default:
# two synth ports through macswap on every lcore for 10 seconds, a live
# table every second, then the summary.  Extra arguments go to lcx-fwd.
set -eu
cd "$(dirname "$0")/.."
devtools/setup.sh
BUILD=${BUILD:-build}
if [ -x "$BUILD/apps/lcx-fwd/lcx-fwd" ]; then
	exec "$BUILD/apps/lcx-fwd/lcx-fwd" "$@"
fi
# Before lcx-fwd existed the demo was the run-queue benchmark.
exec "$BUILD/apps/lcx-bench/lcx-bench" "$@"
