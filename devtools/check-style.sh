#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The mechanical part of the style (DPDK's): C indented with tabs, no
# trailing white space, lines of at most 100 columns (80 is the aim; log
# and error strings may run longer rather than be split), an SPDX line at
# the top.  .clang-format describes the layout for editors; this check
# does not reformat anything.
#
# Usage: devtools/check-style.sh [files...]   (default: every tracked .c/.h)
# Prints each offence as file:line: what, the number of files checked, and
# "style: 1 passed, 0 failed" (one check, as the test suites count it);
# exits 1 when any file fails.
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	set -- $(git ls-files '*.c' '*.h' 2>/dev/null || find lib drivers apps tests -name '*.[ch]')
fi
pass=0
fail=0
for f in "$@"; do
	out=$(awk -v f="$f" '
		NR == 1 && $0 !~ /SPDX-License-Identifier/ { print f ":1: no SPDX line" }
		/[ \t]+$/ { print f ":" NR ": trailing white space" }
		/^ +[^ *]/ { print f ":" NR ": indented with spaces" }
		{
			line = $0; cols = 0
			for (i = 1; i <= length(line); i++)
				cols = substr(line, i, 1) == "\t" ? cols + 8 - cols % 8 : cols + 1
			if (cols > 100 && line !~ /"/) print f ":" NR ": " cols " columns"
		}' "$f")
	if [ -n "$out" ]; then
		echo "$out"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "style: $pass files clean, $fail with offences"
if [ $fail -eq 0 ]; then
	echo "style: 1 passed, 0 failed"
	exit 0
fi
echo "style: 0 passed, 1 failed"
exit 1
