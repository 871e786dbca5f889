#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pcap files for the e2e suite, without scapy.

  pcaptool.py gen DIR        write the l3lpm input, routes and golden
                             outputs (the files committed in data/)
  pcaptool.py cmp GOT WANT   compare the frames of two pcap files byte by
                             byte (timestamps ignored); exit 1 on a
                             difference, naming the frame and the offset
  pcaptool.py count FILE     number of frames

The golden outputs are computed here from first principles (whole IPv4
header checksum recomputed, not updated incrementally), so they check
lcx's l3lpm rather than record what it once did.
"""
import os
import struct
import sys

# --- reading and writing classic pcap ------------------------------------

MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D


def pcap_write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", MAGIC_US, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            # Fixed timestamps: the files are byte-for-byte reproducible.
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)


def pcap_read(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: not a pcap file (%d bytes)" % (path, len(data)))
    for endian in ("<", ">"):
        (magic,) = struct.unpack(endian + "I", data[:4])
        if magic in (MAGIC_US, MAGIC_NS):
            break
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    frames = []
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        frames.append(data[off:off + caplen])
        off += caplen
    return frames


# --- building frames -----------------------------------------------------

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, etype, payload):
    return mac(dst) + mac(src) + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, l4, ttl=64, ident=1):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000,
                      ttl, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + l4


def l4_cksum_v4(src, dst, proto, l4):
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, len(l4))
    return csum(pseudo + l4)


def udp4(src, dst, sport, dport, payload):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4_cksum_v4(src, dst, 17, u) or 0xFFFF
    return u[:6] + struct.pack("!H", c) + u[8:]


def tcp4(src, dst, sport, dport, payload):
    t = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x18,
                    8192, 0, 0) + payload
    c = l4_cksum_v4(src, dst, 6, t)
    return t[:16] + struct.pack("!H", c) + t[18:]


def icmp_echo(ident, seq, payload):
    m = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def udp6(src, dst, sport, dport, payload, hlim=64):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    pseudo = ip6(src) + ip6(dst) + struct.pack("!IxxxB", len(u), 17)
    c = csum(pseudo + u) or 0xFFFF
    u = u[:6] + struct.pack("!H", c) + u[8:]
    hdr = struct.pack("!IHBB", 6 << 28, len(u), 17, hlim) + ip6(src) + ip6(dst)
    return hdr + u


def arp_request(smac, sip, tip):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac(smac) + ip4(sip) \
        + b"\0" * 6 + ip4(tip)


# --- the l3lpm case --------------------------------------------------------

# lcx-fwd opens the two pcap ports first: ethdev ports 0 and 1, whose MACs
# net_pcap derives from the port id.
PORT_MAC = ["02:70:63:61:70:00", "02:70:63:61:70:01"]
HOST = "02:00:00:00:01:01"
ROUTES = """\
# l3lpm routes for tests/e2e/test_pcap.sh (made by pcaptool.py gen)
198.18.1.0/24    1
198.18.0.0/24    0  02:00:00:00:00:aa
2001:db8:2::/48  1
"""


def l3lpm_case():
    """Input frames (all received on port 0) and the expected output of
    each port: [(frame, out_port or None, next_hop_mac)]."""
    pay = bytes(range(32))
    cases = []

    def v4(src, dst, proto, l4, ttl, port, nh):
        cases.append((eth(PORT_MAC[0], HOST, 0x0800,
                          ipv4(src, dst, proto, l4, ttl)), port, nh))

    v4("198.18.0.1", "198.18.1.10", 17,
       udp4("198.18.0.1", "198.18.1.10", 1234, 5678, pay), 64, 1, None)
    v4("198.18.0.1", "198.18.1.20", 6,
       tcp4("198.18.0.1", "198.18.1.20", 40000, 80, pay), 10, 1, None)
    v4("198.18.1.10", "198.18.0.1", 1, icmp_echo(7, 1, pay), 64, 0,
       "02:00:00:00:00:aa")
    # TTL 1: ttl-expired.
    v4("198.18.0.1", "198.18.1.10", 17,
       udp4("198.18.0.1", "198.18.1.10", 1, 2, pay), 1, None, None)
    # No route.
    v4("198.18.0.1", "198.19.9.9", 17,
       udp4("198.18.0.1", "198.19.9.9", 1, 2, pay), 64, None, None)
    # ARP: not-ip.
    cases.append((eth("ff:ff:ff:ff:ff:ff", HOST, 0x0806,
                      arp_request(HOST, "198.18.0.1", "198.18.0.9")),
                   None, None))
    # IPv4 header cut after 12 bytes: malformed.
    full = eth(PORT_MAC[0], HOST, 0x0800,
               ipv4("198.18.0.1", "198.18.1.10", 17,
                    udp4("198.18.0.1", "198.18.1.10", 1, 2, pay)))
    cases.append((full[:14 + 12], None, None))
    # IPv6, hop limit 64: routed to port 1.
    cases.append((eth(PORT_MAC[0], HOST, 0x86DD,
                      udp6("2001:db8:1::1", "2001:db8:2::5", 999, 53, pay)),
                   1, None))
    return cases


def route(frame, port, nh):
    """What l3lpm makes of a frame routed to port with next hop nh."""
    dst = mac(nh or "02:00:00:00:00:%02x" % port)
    src = mac(PORT_MAC[port])
    etype = frame[12:14]
    l3 = bytearray(frame[14:])
    if etype == b"\x08\x00":
        l3[8] -= 1
        l3[10:12] = b"\0\0"
        ihl = (l3[0] & 0xF) * 4
        l3[10:12] = struct.pack("!H", csum(bytes(l3[:ihl])))
    else:
        l3[7] -= 1
    return dst + src + etype + bytes(l3)


def gen(d):
    cases = l3lpm_case()
    pcap_write(os.path.join(d, "l3lpm-in.pcap"), [c[0] for c in cases])
    for p in (0, 1):
        pcap_write(os.path.join(d, "l3lpm-golden%d.pcap" % p),
                   [route(f, port, nh) for f, port, nh in cases if port == p])
    with open(os.path.join(d, "l3lpm-routes.txt"), "w") as f:
        f.write(ROUTES)


def cmp(got_path, want_path):
    got = pcap_read(got_path)
    want = pcap_read(want_path)
    bad = 0
    for i in range(max(len(got), len(want))):
        if i >= len(got) or i >= len(want):
            print("frame %d: only in %s" % (i, got_path if i < len(got)
                                           else want_path))
            bad += 1
            continue
        g, w = got[i], want[i]
        if g == w:
            continue
        off = next((k for k in range(min(len(g), len(w))) if g[k] != w[k]),
                   min(len(g), len(w)))
        print("frame %d differs at byte %d (lengths %d/%d)" %
              (i, off, len(g), len(w)))
        print("  got  %s" % g[max(0, off - 4):off + 12].hex())
        print("  want %s" % w[max(0, off - 4):off + 12].hex())
        bad += 1
    if bad:
        print("%s vs %s: %d of %d/%d frames differ" %
              (got_path, want_path, bad, len(got), len(want)))
        return 1
    print("%s: %d frames, identical to %s" % (got_path, len(got), want_path))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "gen":
        gen(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "cmp":
        return cmp(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "count":
        print(len(pcap_read(argv[2])))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
