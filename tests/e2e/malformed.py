#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The malformed-traffic catalogue of tests/e2e/test_malformed.sh.

  malformed.py gen FILE.pcap   write the catalogue; print "<n> frames"
  malformed.py list            one line a case: index, name

Every frame is sent to 198.18.0.2 (the address arp-icmp answers for) on
UDP port 7 (udp-echo's) where it has a UDP header, so each built-in
handler gets to look at it and must drop it by a named reason or pass it.
"""
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from pcaptool import (arp_request, csum, eth, icmp_echo, ip4,  # noqa: E402
                      ip6, ipv4, pcap_write, udp4, udp6)

DST = "02:70:63:61:70:00"
SRC = "02:00:00:00:01:01"
A, B = "198.18.0.1", "198.18.0.2"
A6, B6 = "2001:db8::1", "2001:db8:1::2"


def good_udp(payload=b"x" * 18, ttl=64):
    return eth(DST, SRC, 0x0800, ipv4(A, B, 17, udp4(A, B, 9, 7, payload),
                                      ttl=ttl))


def ipv4_patch(frame, off, fmt, value, fix_csum=True):
    """Rewrite a field of the IPv4 header at `off` (from its start)."""
    b = bytearray(frame)
    struct.pack_into(fmt, b, 14 + off, value)
    if fix_csum:
        ihl = (b[14] & 0x0F) * 4
        struct.pack_into("!H", b, 24, 0)
        struct.pack_into("!H", b, 24, csum(bytes(b[14:14 + max(ihl, 20)])))
    return bytes(b)


def cases():
    c = []
    g = good_udp()
    # truncated at every offset: runts (< 14), cut Ethernet, IPv4, UDP
    for n in range(len(g)):
        c.append(("truncated-at-%d" % n, g[:n]))
    for ihl in range(5):
        c.append(("ihl-%d" % ihl, ipv4_patch(g, 0, "!B", 0x40 | ihl)))
    c.append(("ihl-15-beyond-frame", ipv4_patch(g, 0, "!B", 0x4F)))
    c.append(("version-6-in-ipv4", ipv4_patch(g, 0, "!B", 0x65)))
    tl = len(g) - 14
    for name, v in (("total-length-larger", tl + 100),
                    ("total-length-65535", 65535),
                    ("total-length-below-header", 19),
                    ("total-length-0", 0),
                    ("total-length-smaller", tl - 4)):
        c.append((name, ipv4_patch(g, 2, "!H", v)))
    c.append(("bad-ip-checksum", ipv4_patch(g, 10, "!H",
                                            0xDEAD, fix_csum=False)))
    c.append(("ttl-0", good_udp(ttl=0)))
    c.append(("ttl-1", good_udp(ttl=1)))
    c.append(("fragment-first-mf", ipv4_patch(g, 6, "!H", 0x2000)))
    c.append(("fragment-offset", ipv4_patch(g, 6, "!H", 0x0010)))
    c.append(("udp-length-larger", g[:38] + struct.pack("!H", 2000) +
              g[40:]))
    c.append(("udp-length-below-header", g[:38] + struct.pack("!H", 4) +
              g[40:]))
    # VLAN: one tag is allowed, more are not
    ip = g[14:]
    for tags in (1, 2, 3, 8):
        frame = bytes.fromhex(DST.replace(":", "")) + \
            bytes.fromhex(SRC.replace(":", ""))
        for t in range(tags):
            tpid = 0x88A8 if t == 0 and tags > 1 else 0x8100
            frame += struct.pack("!HH", tpid, 5 + t)
        frame += struct.pack("!H", 0x0800) + ip
        c.append(("vlan-tags-%d" % tags, frame))
    c.append(("vlan-tag-cut", g[:12] + struct.pack("!H", 0x8100) + b"\0"))
    # IPv6: long extension-header chains, a cut one, payload length lies
    u6 = udp6(A6, B6, 9, 7, b"y" * 16)
    for n in (1, 8, 32):
        ext = b""
        for i in range(n):
            nxt = 17 if i == n - 1 else 60
            ext += struct.pack("!BB", nxt, 0) + b"\x01\x04\0\0\0\0"
        pl = len(ext) + len(u6) - 40
        hdr = struct.pack("!IHBB", 6 << 28, pl, 60, 64) + ip6(A6) + ip6(B6)
        c.append(("ipv6-ext-chain-%d" % n,
                  eth(DST, SRC, 0x86DD, hdr + ext + u6[40:])))
    chain = struct.pack("!IHBB", 6 << 28, 200, 0, 64) + ip6(A6) + ip6(B6) + \
        struct.pack("!BB", 60, 30)
    c.append(("ipv6-ext-len-beyond-frame", eth(DST, SRC, 0x86DD, chain)))
    c.append(("ipv6-payload-length-larger", eth(
        DST, SRC, 0x86DD, u6[:4] + struct.pack("!H", 1400) + u6[6:])))
    c.append(("ipv6-hlim-0", eth(DST, SRC, 0x86DD,
                                 udp6(A6, B6, 9, 7, b"z", hlim=0))))
    c.append(("ipv6-cut-header", eth(DST, SRC, 0x86DD, u6[:30])))
    c.append(("ipv4-ethertype-ipv6-body", eth(DST, SRC, 0x86DD, g[14:])))
    # ARP with wrong lengths, operations and truncation
    arp = arp_request(SRC, A, B)
    for name, off, fmt, v in (("arp-hlen-8", 4, "!B", 8),
                              ("arp-plen-16", 5, "!B", 16),
                              ("arp-htype-6", 0, "!H", 6),
                              ("arp-ptype-ipv6", 2, "!H", 0x86DD),
                              ("arp-op-9", 6, "!H", 9)):
        b = bytearray(arp)
        struct.pack_into(fmt, b, off, v)
        c.append((name, eth("ff:ff:ff:ff:ff:ff", SRC, 0x0806, bytes(b))))
    c.append(("arp-cut", eth("ff:ff:ff:ff:ff:ff", SRC, 0x0806, arp[:20])))
    # ICMP echo cut after the type, and with a bad checksum
    ic = ipv4(A, B, 1, icmp_echo(1, 1, b"p" * 8))
    c.append(("icmp-cut", eth(DST, SRC, 0x0800, ipv4_patch(
        b"\0" * 14 + ic, 2, "!H", 21)[14:35])))
    bad = bytearray(ic)
    bad[22] ^= 0xFF
    c.append(("icmp-bad-checksum", eth(DST, SRC, 0x0800, bytes(bad))))
    # oversize: above 1518 and above an mbuf's data room
    c.append(("oversize-1519", good_udp(b"o" * (1519 - 42))))
    c.append(("oversize-4000", good_udp(b"o" * (4000 - 42))))
    c.append(("zero-mac-broadcast-src", eth(DST, "ff:ff:ff:ff:ff:ff", 0x0800,
                                            g[14:])))
    return c


def main(argv):
    if len(argv) == 3 and argv[1] == "gen":
        frames = [f for _, f in cases()]
        pcap_write(argv[2], frames)
        print("%d frames" % len(frames))
        return 0
    if len(argv) == 2 and argv[1] == "list":
        for i, (name, f) in enumerate(cases()):
            print("%d %s %d" % (i, name, len(f)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
