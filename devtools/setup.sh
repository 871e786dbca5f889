#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Shared set-up of demo.sh and test.sh: install the Debian packages that are
# missing (as root, with apt-get), configure meson into $BUILD (default
# build/) and build with ninja.  Source it or run it; it is idempotent.
#
#   BUILD=dir          build directory (default: build)
#   MESON_ARGS="..."   extra arguments for the first `meson setup`
#   LCX_PKGS_EXTRA     more packages to make sure of (space separated)

set -eu

cd "$(dirname "$0")/.."

# Package -> what it brings.  Build: compiler, meson, ninja, pkg-config,
# DPDK (headers, PMDs, dpdk-testpmd), libnuma, CUnit.  Tests: iproute2
# (ip netns), ethtool, ping, iperf3, socat, tshark, python3 (meson's and
# the test summary's interpreter).
LCX_PKGS="gcc libc6-dev meson ninja-build pkg-config python3 \
	dpdk-dev libdpdk-dev libnuma-dev libcunit1-dev \
	iproute2 ethtool iputils-ping iperf3 socat tshark procps \
	libmicrohttpd-dev prometheus curl memcached libmemcached-tools \
	clang devscripts"

missing=""
for p in $LCX_PKGS ${LCX_PKGS_EXTRA:-}; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "setup: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections 2>/dev/null || true
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi

BUILD=${BUILD:-build}
if [ ! -f "$BUILD/build.ninja" ]; then
	# shellcheck disable=SC2086
	meson setup "$BUILD" ${MESON_ARGS:-}
fi
ninja -C "$BUILD"
