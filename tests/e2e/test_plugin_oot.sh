#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The out-of-tree handler of apps/examples/hello_handler, as a user builds
# it: install lcx into a staging directory (meson install --destdir), build
# hello.so with the README's one command against the installed lcx.pc,
# and run the installed lcx-fwd with --plugin hello.so on pcap ports:
#
#   net_pcap0,rx_pcap=data/l3lpm-in.pcap  ->  hello(src=02:00:00:00:00:42)
#   -> default output: net_pcap1,tx_pcap=out1.pcap
#
# The 6 IPv4 frames of the input must come out on port 1, unchanged but
# for the stamped source MAC; the ARP and IPv6 frames are dropped
# (not-ipv4).  Without --plugin the same pipeline is refused.
#
# Usage: test_plugin_oot.sh LCX_FWD BUILD_DIR     (exit 77 = skipped)

. "$(dirname "$0")/e2e-lib.sh"
e2e_init "$1"
BUILD=${2:-$(cd "$(dirname "$FWD")/../.." && pwd)}
e2e_need meson cc pkg-config python3
[ -f "$BUILD/build.ninja" ] || fail "not a meson build directory: $BUILD"
EX=$E2E_SRC/apps/examples/hello_handler
DATA=$E2E_DIR/data
STAGE=$TMP/stage

# 1. Install.  lcx.pc is relocatable (prefix=${pcfiledir}/..., the
# default of builds configured since then), so the staged copy points into
# the stage by itself; a build configured before keeps the configured
# prefix, which is pointed at the stage as a packager's sysroot would.
meson install -C "$BUILD" --destdir "$STAGE" --no-rebuild --quiet \
	>"$TMP/install.err" 2>&1 || fail "meson install failed"
pc=$(find "$STAGE" -name lcx.pc | head -1)
[ -n "$pc" ] || fail "meson install put no lcx.pc in $STAGE"
export PKG_CONFIG_PATH="${pc%/lcx.pc}"
prefix=$(pkg-config --variable=prefix lcx)
case $prefix in
"$STAGE"/*) ;;
*)
	sed -i "s|^prefix=.*|prefix=$STAGE$prefix|" "$pc"
	prefix=$(pkg-config --variable=prefix lcx)
	;;
esac
[ -f "$prefix/include/lcx/lcx_handler.h" ] ||
	fail "lcx_handler.h not installed under $prefix/include/lcx"
note "lcx installed to $prefix, $(pkg-config --modversion lcx)"

# 2. Build the example with the README's command (plus -Werror: the
# example must stay warning-free).
mkdir "$TMP/ex"
cp "$EX/hello.c" "$TMP/ex/"
# shellcheck disable=SC2046
(cd "$TMP/ex" &&
	cc -O2 -fPIC -shared -Wall -Wextra -Werror -o hello.so hello.c \
		$(pkg-config --cflags lcx)) >"$TMP/cc.err" 2>&1 ||
	fail "building hello.so against the installed lcx.pc failed"
note "built hello.so out of tree"

# 2b. The plugin's test program, taken from doc/writing-a-handler.md as
# written there, built with the guide's line and run on the plugin.
python3 - "$E2E_SRC/doc/writing-a-handler.md" "$TMP/ex/test_hello.c" <<'EOF' ||
import sys
doc = open(sys.argv[1]).read()
body = doc.split("<!-- test_hello.c begin -->\n```c\n", 1)[1]
body = body.split("```\n<!-- test_hello.c end -->", 1)[0]
open(sys.argv[2], "w").write(body)
EOF
	fail "no test program in doc/writing-a-handler.md"
cmp -s "$TMP/ex/test_hello.c" "$EX/test_hello.c" ||
	fail "the guide's test program differs from $EX/test_hello.c"
# shellcheck disable=SC2046
(cd "$TMP/ex" && cc -O2 -Wall -Wextra -Werror -o test_hello test_hello.c \
	$(pkg-config --cflags --libs lcx) -lcunit) >"$TMP/cc2.err" 2>&1 ||
	fail "building the guide's test program failed: $(head -3 "$TMP/cc2.err")"
libdir=$(dirname "$(find "$STAGE" -name 'liblcx.so*' | head -1)")
before=$(ls /var/run/dpdk 2>/dev/null | grep -c '^lcxtk')
(cd "$TMP/ex" && LD_LIBRARY_PATH=$libdir ./test_hello ./hello.so) \
	>"$TMP/test_hello.out" 2>&1 ||
	{ tail -20 "$TMP/test_hello.out" >&2; fail "the guide's test program failed"; }
grep -q "test_hello: passed" "$TMP/test_hello.out" ||
	fail "the guide's test program did not say passed"
after=$(ls /var/run/dpdk 2>/dev/null | grep -c '^lcxtk')
[ "$after" -le "$before" ] ||
	fail "the test program left its EAL runtime directory behind"
note "the guide's test program: built with -lcunit, passed, nothing left in /var/run/dpdk"

# 3. Run the installed lcx-fwd (its liblcx from the stage) if it was
# installed, the build's otherwise.
inst=$prefix/bin/lcx-fwd
if [ -x "$inst" ]; then
	FWD=$inst
	LD_LIBRARY_PATH=$(dirname "$(find "$STAGE" -name 'liblcx.so*' | head -1)")
	export LD_LIBRARY_PATH
fi
note "running $FWD"

cp "$DATA/l3lpm-in.pcap" "$TMP/in.pcap"
ports="--port net_pcap0,rx_pcap=$TMP/in.pcap,tx_pcap=$TMP/out0.pcap \
--port net_pcap1,tx_pcap=$TMP/out1.pcap"

# Without the plugin, "hello" is an unknown handler.
# shellcheck disable=SC2086
fwd_start noplugin $ports --pipeline "hello -> io" --duration 1
n=0
while fwd_alive && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
fwd_alive && fail "lcx-fwd ran a pipeline naming an unloaded handler"
wait "$FWD_PID"
st=$?
FWD_PID=
[ "$st" -ne 0 ] || fail "lcx-fwd accepted 'hello' without --plugin"
grep -q hello "$TMP/noplugin.err" ||
	fail "lcx-fwd's error does not name the unknown handler"
note "without --plugin: exit $st, $(grep -m1 hello "$TMP/noplugin.err")"
mv "$TMP/noplugin.err" "$TMP/noplugin.log"

# shellcheck disable=SC2086
fwd_start hello --plugin "$TMP/ex/hello.so" $ports \
	--pipeline "hello(src=02:00:00:00:00:42) -> io" --duration 2
fwd_wait 20
fwd_check_pools hello
rx=$(json_get hello rx_packets)
tx=$(json_get hello tx_packets)
dr=$(json_get hello dropped)
note "lcx-fwd rx $rx tx $tx dropped $dr"
[ "$rx" -eq 8 ] && [ "$tx" -eq 6 ] && [ "$dr" -eq 2 ] ||
	fail "expected rx 8 tx 6 dropped 2"
[ "$(json_expr hello 'j["pipeline"][0]["handler"]')" = hello ] ||
	fail "stage 0 is not the plugin's handler"
[ "$(json_expr hello 'j["pipeline"][0]["drops"]["not-ipv4"]')" -eq 2 ] ||
	fail "hello did not count 2 not-ipv4 drops"
[ "$(json_expr hello 'j["pipeline"][0]["counters"]["stamped"]')" -eq 6 ] ||
	fail "lcx-fwd's JSON does not carry hello's counter stamped = 6"
note "hello's own counter in lcx-fwd's JSON: stamped 6"

# Expected: the input's IPv4 frames, source MAC stamped.
python3 - "$E2E_DIR" "$TMP/in.pcap" "$TMP/want1.pcap" <<'EOF' ||
import sys
sys.dont_write_bytecode = True   # nothing written into the source tree
sys.path.insert(0, sys.argv[1])
import pcaptool
want = [f[:6] + bytes.fromhex("020000000042") + f[12:]
        for f in pcaptool.pcap_read(sys.argv[2]) if f[12:14] == b"\x08\x00"]
pcaptool.pcap_write(sys.argv[3], want)
EOF
	fail "cannot make the expected output"
python3 "$E2E_DIR/pcaptool.py" cmp "$TMP/out1.pcap" "$TMP/want1.pcap" ||
	fail "port 1 output is not the stamped IPv4 input"
[ "$(python3 "$E2E_DIR/pcaptool.py" count "$TMP/out0.pcap")" -eq 0 ] ||
	fail "frames came out on port 0"
echo "PASS"
