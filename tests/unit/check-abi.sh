#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The ABI of liblcx is exactly lib/version.map:
#   - every symbol the library exports is listed, and every listed one is
#     exported (no stale line);
#   - every exported name is lcx_* (public) or __lcx_* (internal node);
#   - every public name is declared in an installed header, and every
#     internal one is used by one (the inline fast path needs it).
#
#   check-abi.sh LIBLCX.so SRC_ROOT
set -u
lib=$1
src=$2
map=$src/lib/version.map
fail=0

command -v nm >/dev/null || { echo "SKIP: nm not found"; exit 77; }
headers=$(find "$src/lib" "$src/drivers" -name 'lcx_*.h')
exported=$(nm -D --defined-only "$lib" | awk '{sub(/@.*/, "", $3)} $3 !~ /^(LCX_0|INTERNAL)$/ {print $3}' | sort)
listed=$(sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p' "$map" | sort)
public=$(awk '/^LCX_0/,/^};/' "$map" | sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p')
internal=$(awk '/^INTERNAL/,/^}/' "$map" | sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p')

for s in $(printf '%s\n' "$exported" | comm -23 - "$(printf '%s\n' "$listed" > "${TMPDIR:-/tmp}/abi.$$"; echo "${TMPDIR:-/tmp}/abi.$$")"); do
	echo "FAIL: exported but not in version.map: $s"
	fail=1
done
for s in $(printf '%s\n' "$listed" | comm -23 - "$(printf '%s\n' "$exported" > "${TMPDIR:-/tmp}/abi2.$$"; echo "${TMPDIR:-/tmp}/abi2.$$")"); do
	echo "FAIL: in version.map but not exported: $s"
	fail=1
done
rm -f "${TMPDIR:-/tmp}/abi.$$" "${TMPDIR:-/tmp}/abi2.$$"
for s in $public; do
	case $s in
	lcx_*) ;;
	*) echo "FAIL: public symbol without the lcx_ prefix: $s"; fail=1 ;;
	esac
	# shellcheck disable=SC2086
	grep -qw "$s" $headers ||
		{ echo "FAIL: public $s is declared in no installed header"; fail=1; }
done
for s in $internal; do
	case $s in
	__lcx_*) ;;
	*) echo "FAIL: internal symbol without the __lcx_ prefix: $s"; fail=1 ;;
	esac
	# shellcheck disable=SC2086
	grep -qw "$s" $headers ||
		{ echo "FAIL: internal $s is used by no installed header"; fail=1; }
done
n_pub=$(printf '%s\n' "$public" | grep -c .)
n_int=$(printf '%s\n' "$internal" | grep -c .)
if [ $fail -eq 0 ]; then
	echo "abi: $n_pub public, $n_int internal symbols, all as listed"
fi
exit $fail
