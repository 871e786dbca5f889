#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Every installed header compiles on its own (it includes what it uses),
# warning-free under -Wall -Wextra -Werror, and without
# -DALLOW_EXPERIMENTAL_API: lcx.pc does not impose it on users, so no inline
# function of an installed header may call an experimental DPDK API.
#
#   check-headers.sh CC SRC_ROOT HEADER...
set -u
cc=$1
src=$2
shift 2
command -v pkg-config >/dev/null || { echo "SKIP: no pkg-config"; exit 77; }
dpdk=$(pkg-config --cflags libdpdk) || { echo "SKIP: no libdpdk.pc"; exit 77; }
inc=""
for d in "$src"/lib/*/ "$src"/drivers/net/*/; do
	inc="$inc -I$d"
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
for h in "$@"; do
	name=${h##*/}
	printf '#include "%s"\n#include "%s"\n' "$name" "$name" > "$tmp/t.c"
	# shellcheck disable=SC2086
	if ! $cc -std=gnu11 -Wall -Wextra -Werror -UALLOW_EXPERIMENTAL_API \
			$dpdk $inc -c "$tmp/t.c" -o "$tmp/t.o" 2> "$tmp/err"; then
		echo "FAIL: $name does not compile on its own:"
		head -5 "$tmp/err"
		fail=1
	fi
	n=$((n + 1))
done
[ $fail -eq 0 ] && echo "headers: $n installed headers compile alone, no experimental API"
exit $fail
