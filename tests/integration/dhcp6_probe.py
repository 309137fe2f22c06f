#!/usr/bin/env python3
"""A DHCPv6 client crafted by hand for serve_dhcp6.sh: sends what UEFI
firmware sends (client architecture 61, vendor class 16) or garbage, and
prints what the server answered, one KEY=value a line.
  dhcp6_probe.py IFACE solicit ARCH VENDOR [rapid]  -> TYPE, ADDR, URL, IASTATUS, VC, then
                                                     (rapid) a Renew: RENEWTYPE, RENEWADDR
  dhcp6_probe.py IFACE garbage N                    -> N malformed packets, no answer expected
  dhcp6_probe.py IFACE relay SERVER MAC             -> a relay agent (port 547) forwarding a rapid-commit
                                                     Solicit of a DUID-EN client (no MAC in it) with
                                                     option 79 = MAC: TYPE (inner), ADDR, IFID
  dhcp6_probe.py IFACE confirm [ADDR...]            -> a Confirm of the addresses (none: an IA_NA without):
                                                     TYPE (none after 1 s), STATUS (the message's code)
  dhcp6_probe.py IFACE decline IAID                 -> a rapid-commit Solicit for IAID (ADDR), a Decline of
                                                     that address (DTYPE, DSTATUS, DIASTATUS), a Solicit
                                                     again (ADDR2); then a Decline for an IA never bound
                                                     (NTYPE, NIASTATUS: NoBinding = 3)"""
import os, random, socket, struct, sys, time

iface, cmd = sys.argv[1], sys.argv[2]
idx = socket.if_nametoindex(iface)
mac = bytes.fromhex(open(f"/sys/class/net/{iface}/address").read().strip().replace(":", ""))
duid = struct.pack(">HH", 3, 1) + mac
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, 25, iface.encode())  # SO_BINDTODEVICE
s.bind(("::", 547 if cmd == "relay" else 546))
s.settimeout(3)
dst = ("ff02::1:2", 547, 0, idx)

def opt(code, data):
    return struct.pack(">HH", code, len(data)) + data

def msg(t, xid, opts):
    return struct.pack(">I", t << 24 | xid) + b"".join(opts)

def parse(b):
    out, off = {}, 4
    while off + 4 <= len(b):
        c, n = struct.unpack(">HH", b[off:off + 4])
        out.setdefault(c, b[off + 4:off + 4 + n])
        off += 4 + n
    return b[0], out

def ia_info(ia):
    addr, st, off = "", "", 12
    while off + 4 <= len(ia):
        c, n = struct.unpack(">HH", ia[off:off + 4])
        d = ia[off + 4:off + 4 + n]
        if c == 5:
            addr = socket.inet_ntop(socket.AF_INET6, d[:16])
        if c == 13:
            st = str(struct.unpack(">H", d[:2])[0])
        off += 4 + n
    return addr, st

def exchange(m, wait=3):
    s.sendto(m, dst)
    xid = struct.unpack(">I", m[:4])[0] & 0xffffff
    end = time.time() + wait
    while time.time() < end:
        b, _ = s.recvfrom(1500)
        if struct.unpack(">I", b[:4])[0] & 0xffffff == xid:
            return parse(b)
    raise TimeoutError

if cmd == "garbage":
    for i in range(int(sys.argv[3])):
        bad = [b"\x01", b"\x01\x00\x00", msg(1, i, [b"\x00\x01\x00\xff\x00"]), msg(3, i, [opt(3, b"\x00" * 5)]),
               msg(1, i, [opt(1, duid), opt(16, b"\x00\x00\x01\x57\x00\x40PXE")]), os.urandom(random.randint(4, 60))]
        s.sendto(bad[i % len(bad)], dst)
    sys.exit(0)

if cmd == "relay":
    server, lmac = sys.argv[3], bytes.fromhex(sys.argv[4].replace(":", ""))
    en = struct.pack(">HI", 2, 32473) + b"probe-en"   # DUID-EN: no MAC inside
    inner = msg(1, 0x4242, [opt(1, en), opt(8, b"\x00\x00"), opt(3, struct.pack(">III", 9, 0, 0)), opt(14, b"")])
    link = socket.inet_pton(socket.AF_INET6, "2001:db8::")
    peer = socket.inet_pton(socket.AF_INET6, "fe80::99")
    fw = bytes([12, 0]) + link + peer + opt(18, b"port7") + opt(79, b"\x00\x01" + lmac) + opt(9, inner)
    s.sendto(fw, (server, 547))
    try:
        b, _ = s.recvfrom(1500)
    except socket.timeout:
        print("TYPE=none")
        sys.exit(0)
    t, o = b[0], {}
    off = 34
    while off + 4 <= len(b):
        c, n = struct.unpack(">HH", b[off:off + 4])
        o.setdefault(c, b[off + 4:off + 4 + n])
        off += 4 + n
    it, io = parse(o.get(9, b"\x00"))
    print(f"OUTER={t}\nIFID={o.get(18, b'').decode()}\nTYPE={it}\nADDR={ia_info(io.get(3, b''))[0]}")
    sys.exit(0)

def status(b):
    return str(struct.unpack(">H", b[:2])[0]) if len(b) >= 2 else ""

def ia_opt(iaid, addrs):
    return opt(3, struct.pack(">III", iaid, 0, 0) +
               b"".join(opt(5, socket.inet_pton(socket.AF_INET6, a) + b"\x00" * 8) for a in addrs))

if cmd == "confirm":
    try:
        t, o = exchange(msg(4, random.randint(1, 0xffffff), [opt(1, duid), opt(8, b"\x00\x00"), ia_opt(1, sys.argv[3:])]), 1)
    except (TimeoutError, socket.timeout):
        print("TYPE=none")
        sys.exit(0)
    print(f"TYPE={t}\nSTATUS={status(o.get(13, b''))}\nIA={'yes' if 3 in o else 'no'}")
    sys.exit(0)

if cmd == "decline":
    iaid = int(sys.argv[3])
    def solicit():
        return exchange(msg(1, random.randint(1, 0xffffff), [opt(1, duid), opt(8, b"\x00\x00"),
                                                             ia_opt(iaid, []), opt(14, b"")]))
    t, o = solicit()
    addr, sid = ia_info(o.get(3, b""))[0], o.get(2, b"")
    print(f"ADDR={addr}")
    t, o = exchange(msg(9, random.randint(1, 0xffffff), [opt(1, duid), opt(2, sid), opt(8, b"\x00\x00"),
                                                         ia_opt(iaid, [addr])]))
    print(f"DTYPE={t}\nDSTATUS={status(o.get(13, b''))}\nDIASTATUS={ia_info(o.get(3, b''))[1] if 3 in o else 'none'}")
    t, o = solicit()
    print(f"ADDR2={ia_info(o.get(3, b''))[0]}")
    t, o = exchange(msg(9, random.randint(1, 0xffffff), [opt(1, duid), opt(2, sid), opt(8, b"\x00\x00"),
                                                         ia_opt(iaid + 1000, [addr])]))
    print(f"NTYPE={t}\nNIASTATUS={ia_info(o.get(3, b''))[1]}")
    sys.exit(0)

arch, vendor = int(sys.argv[3]), sys.argv[4]
rapid = len(sys.argv) > 5 and sys.argv[5] == "rapid"
iaid = 1
opts = [opt(1, duid), opt(8, b"\x00\x00"), opt(3, struct.pack(">III", iaid, 0, 0)),
        opt(6, struct.pack(">HHH", 23, 59, 60)), opt(61, struct.pack(">H", arch))]
if vendor != "-":
    opts.append(opt(16, struct.pack(">IH", 343, len(vendor)) + vendor.encode()))
if rapid:
    opts.append(opt(14, b""))
try:
    t, o = exchange(msg(1, random.randint(1, 0xffffff), opts))
except (TimeoutError, socket.timeout):
    print("TYPE=none")
    sys.exit(0)
addr, st = ia_info(o.get(3, b""))
vc = o.get(16, b"")[6:].decode(errors="replace")
print(f"TYPE={t}\nADDR={addr}\nIASTATUS={st}\nURL={o.get(59, b'').decode(errors='replace')}\nVC={vc}")
print(f"RAPID={'yes' if 14 in o else 'no'}")
if rapid and addr and 2 in o:
    ia = opt(3, struct.pack(">III", iaid, 0, 0) + opt(5, socket.inet_pton(socket.AF_INET6, addr) + b"\x00" * 8))
    t, o = exchange(msg(5, random.randint(1, 0xffffff), [opt(1, duid), opt(2, o[2]), opt(8, b"\x00\x00"), ia]))
    print(f"RENEWTYPE={t}\nRENEWADDR={ia_info(o.get(3, b''))[0]}")
