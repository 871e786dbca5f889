#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sum meson test logs into one closing line "N passed, N failed".

Each test program prints its own "<name>: N passed, N failed" line (CUnit
tests and scripts alike); those counts are summed.  A test that printed no
such line counts as one test: passed if meson says OK, failed otherwise.
A skipped program (exit 77) counts as skipped.  A "-" argument stands for
a log that could not be produced (a build that failed): one failure.
"""
import json
import re
import sys

LINE = re.compile(r"^(?:\S+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$",
                  re.M)


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
        if path == "-":
            failed += 1
            continue
        try:
            with open(path) as f:
                entries = [json.loads(l) for l in f if l.strip()]
        except OSError as e:
            print(f"summarize: {e}")
            failed += 1
            continue
        for e in entries:
            result = e.get("result", "")
            if result == "SKIP":
                skipped += 1
                continue
            found = LINE.findall(e.get("stdout", "") or "")
            if found:
                p, fl, sk = found[-1]
                passed += int(p)
                failed += int(fl)
                skipped += int(sk or 0)
                # a crash after the summary line still fails the program
                if result != "OK" and int(fl) == 0:
                    failed += 1
            elif result == "OK":
                passed += 1
            else:
                failed += 1
            if result not in ("OK", "SKIP"):
                print(f"FAILED: {e.get('name')} ({result}) in {path}")
    tail = f", {skipped} skipped" if skipped else ""
    print(f"{passed} passed, {failed} failed{tail}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
