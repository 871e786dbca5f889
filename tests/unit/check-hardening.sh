#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The built binaries carry the hardening of the top meson.build, read
# from their ELF headers with readelf (binutils), as Debian's
# hardening-check does: full RELRO (GNU_RELRO segment and BIND_NOW), no
# executable stack, PIE for executables, the stack protector and, when
# built with optimization, _FORTIFY_SOURCE (__*_chk imports).
#
#   check-hardening.sh OPTIMIZATION FILE...
set -u
opt=$1
shift
pass=0
fail=0

check() { # file what condition-status
	if [ "$3" -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "hardening: $1: no $2"
	fi
}

for f in "$@"; do
	hdr=$(readelf -W -h -l -d "$f") || { check "$f" "ELF file" 1; continue; }
	syms=$(readelf -W --dyn-syms "$f")
	echo "$hdr" | grep -q 'GNU_RELRO'
	check "$f" "RELRO segment" $?
	echo "$hdr" | grep -Eq '\(BIND_NOW\)|FLAGS.*NOW'
	check "$f" "BIND_NOW (full RELRO)" $?
	echo "$hdr" | grep 'GNU_STACK' | grep -vq 'RWE'
	check "$f" "non-executable stack" $?
	echo "$hdr" | grep -Eq 'Type:[[:space:]]+DYN'
	check "$f" "PIE (ET_DYN)" $?
	echo "$syms" | grep -q '__stack_chk_fail'
	check "$f" "stack protector (__stack_chk_fail)" $?
	if [ "$opt" != 0 ] && [ "$opt" != plain ]; then
		echo "$syms" | grep -Eq '__[a-z0-9_]+_chk@'
		check "$f" "_FORTIFY_SOURCE (__*_chk)" $?
	fi
done
echo "hardening: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
