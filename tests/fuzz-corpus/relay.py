#!/usr/bin/env python3
"""Captures seeds from real peers.  relay.py tcp LISTEN_PORT TARGET_PORT OUTDIR PREFIX
relays one TCP connection on 127.0.0.1 and saves every chunk read, per
direction (PREFIX-c2s-N, PREFIX-s2c-N).  relay.py udp PORT OUTDIR NAME saves the
first datagram sent to 127.0.0.1:PORT.  relay.py sniff IFACE SECS OUTDIR saves
each DHCP frame on IFACE (AF_PACKET) as the IPv4 packet and its UDP payload."""
import os, select, socket, struct, sys, time

def save(d, name, data):
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

mode = sys.argv[1]
if mode == 'tcp':
    lp, tp, out, pre = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', lp)); ls.listen(1); ls.settimeout(10)
    c, _ = ls.accept(); s = socket.create_connection(('127.0.0.1', tp))
    n = {c: 0, s: 0}; peer = {c: s, s: c}; tag = {c: 'c2s', s: 's2c'}
    open_ = {c, s}
    while open_:
        r, _, _ = select.select(list(open_), [], [], 5)
        if not r: break
        for x in r:
            data = x.recv(65536)
            if not data:
                open_.discard(x); peer[x].shutdown(socket.SHUT_WR); continue
            if n[x] < 6:
                save(out, '%s-%s-%d' % (pre, tag[x], n[x]), data[:4096])
            n[x] += 1
            peer[x].sendall(data)
elif mode == 'udp':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', int(sys.argv[2])))
    s.settimeout(10)
    save(sys.argv[3], sys.argv[4], s.recvfrom(65536)[0])
elif mode == 'sniff':
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((sys.argv[2], 0)); end = time.time() + float(sys.argv[3]); i = 0
    while time.time() < end:
        s.settimeout(max(0.05, end - time.time()))
        try:
            f = s.recv(65536)
        except socket.timeout:
            break
        if f[12:14] != b'\x08\x00': continue
        ip = f[14:]
        if len(ip) < 28 or ip[9] != 17: continue
        ihl = (ip[0] & 15) * 4
        sport, dport = struct.unpack('!HH', ip[ihl:ihl + 4])
        if {sport, dport} & {67, 68}:
            save(sys.argv[4], 'frame-%d-ipudp' % i, ip); save(sys.argv[4], 'frame-%d' % i, ip[ihl + 8:]); i += 1
