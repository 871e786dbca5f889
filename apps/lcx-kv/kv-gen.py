#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a pcap of memcached UDP requests (ASCII get and set) for lcx-kv's
benchmark: replayed by net_pcap with infinite_rx=1, it is a request source
as fast as a context can take it.  See doc/performance.md.

    kv-gen.py -o req.pcap [--requests N] [--keys K] [--get 0.95]
              [--zipf 0.99] [--value 32] [--seed S]
"""
import argparse
import bisect
import random
import struct


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(i, payload, dst_ip, port):
    src_ip = bytes([198, 18, 0, 1])
    sport = 10000 + i % 50000
    udp = struct.pack("!HHHH", sport, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + \
        b"\x08\x00"
    return eth + ip + udp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--requests", type=int, default=65536)
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--get", type=float, default=0.95,
                    help="share of gets (the rest are sets)")
    ap.add_argument("--zipf", type=float, default=0.0,
                    help="Zipf exponent of key popularity; 0: uniform")
    ap.add_argument("--value", type=int, default=32, help="value bytes")
    ap.add_argument("--addr", default="198.18.0.10")
    ap.add_argument("--port", type=int, default=11211)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    dst = bytes(int(x) for x in a.addr.split("."))
    cdf = None
    if a.zipf > 0:
        acc, cdf = 0.0, []
        for k in range(1, a.keys + 1):
            acc += 1.0 / k ** a.zipf
            cdf.append(acc)
    value = b"v" * a.value
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(a.requests):
            if cdf is not None:
                k = bisect.bisect_left(cdf, rnd.random() * cdf[-1])
            else:
                k = rnd.randrange(a.keys)
            key = b"key:%010d" % k
            if rnd.random() < a.get:
                cmd = b"get " + key + b"\r\n"
            else:
                cmd = b"set %s 0 0 %d\r\n%s\r\n" % (key, len(value), value)
            hdr = struct.pack("!HHHH", i & 0xffff, 0, 1, 0)
            p = frame(i, hdr + cmd, dst, a.port)
            f.write(struct.pack("<IIII", 0, i, len(p), len(p)))
            f.write(p)


if __name__ == "__main__":
    main()
