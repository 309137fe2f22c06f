#!/bin/bash
# `netboot serve`'s NBD service on 127.0.0.1 at a free high port, driven by
# libnbd's nbdinfo and nbdcopy, our own `netboot nbd`, and a raw python3
# client for what those never send: writes, trims, reads past the end,
# NBD_OPT_EXPORT_NAME with zero padding, an oversized option, an unknown
# option, a silent peer, garbage.  The server is stopped by PID on exit.
TMP_NAME=netboot-serve-nbd . "$(dirname "$0")/../lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}	# NETBOOT_BIN=build/netboot-san for a sanitizer run

[ -x "$NB" ] || { echo "FAIL: $NB not built"; exit 1; }
command -v nbdinfo >/dev/null && command -v nbdcopy >/dev/null || { echo "SKIP: nbdinfo/nbdcopy (libnbd-bin): not installed"; exit 0; }

boot=$TMP/boot; mkdir -p "$boot"
head -c $((24 * 1000 * 1000 + 5)) /dev/urandom > "$boot/sysrcd.dat"
echo kernel > "$boot/vmlinuz"; echo initrd > "$boot/initram.igz"
size=$(stat -c %s "$boot/sysrcd.dat")
port=$(free_port)
NETBOOT_SERVE_NBD_HANDSHAKE_TIMEOUT_MS=1500 \
	"$NB" serve --boot-dir "$boot" --no-dhcp --no-tftp --no-http --stage3 nbd --nbd-port "$port" > "$TMP/log" 2>&1 & PIDS+=($!)
SERVER=$!
wait_port "$port" || { echo "FAIL: server did not start"; cat "$TMP/log"; exit 1; }
U=nbd://127.0.0.1:$port

nbdinfo "$U/sysrcd.dat" > "$TMP/info" 2>&1
check "nbdinfo: size" grep -q "export-size: $size\$" "$TMP/info"
check "nbdinfo: read-only, multi-conn, block sizes" bash -c "grep -q 'is_read_only: true' '$TMP/info' &&
	grep -q 'can_multi_conn: true' '$TMP/info' && grep -q 'block_size_maximum: 33554432' '$TMP/info'"
check "nbdinfo --list names the export" bash -c "nbdinfo --list '$U' 2>&1 | grep -q 'export=\"sysrcd.dat\"'"
check "nbdcopy by name, bytes equal" bash -c "nbdcopy '$U/sysrcd.dat' '$TMP/copy' && cmp -s '$TMP/copy' '$boot/sysrcd.dat'"
# the dm-verity sidecars, exported by their file names (what the agent's verity reads)
head -c 8192 /dev/urandom > "$boot/sysrcd.verity"; echo "0123abcd" > "$boot/sysrcd.roothash"
check "the sidecars by name: sysrcd.verity and sysrcd.roothash, bytes equal" bash -c "
	nbdcopy '$U/sysrcd.verity' '$TMP/tree' && cmp -s '$TMP/tree' '$boot/sysrcd.verity' &&
	nbdcopy '$U/sysrcd.roothash' - | cmp -s - '$boot/sysrcd.roothash'"
check "a sidecar not in the folder: refused, the log names its path" bash -c "
	! nbdinfo '$U/sysrcd.roothash.minisig' >/dev/null 2>&1 && grep -q 'export sysrcd.roothash.minisig: ' '$TMP/log'"
check "default export \"\" is the image" bash -c "nbdinfo '$U' 2>&1 | grep -q 'export-size: $size\$'"
check "log: export attached with its size" grep -q "127.0.0.1 nbd: export sysrcd.dat attached ($size bytes)" "$TMP/log"
check "log: detached with bytes read" grep -q "nbd: export sysrcd.dat detached: $size bytes read in" "$TMP/log"
check "our client: netboot nbd copy, bytes equal" bash -c "'$NB' nbd '$U/sysrcd.dat' -o '$TMP/ours' > '$TMP/ours.out' 2>&1 &&
	cmp -s '$TMP/ours' '$boot/sysrcd.dat' && grep -q 'read-only' '$TMP/ours.out'"
check "our client: ranged read at an odd offset" bash -c "'$NB' nbd '$U/sysrcd.dat' --read 1234567 77777 -o '$TMP/range' >/dev/null 2>&1 &&
	cmp -s '$TMP/range' <(tail -c +1234568 '$boot/sysrcd.dat' | head -c 77777)"
nbdinfo "$U/nothere" > "$TMP/unknown" 2>&1; rc=$?
check "unknown export: nbdinfo fails, server says no export" bash -c "[ $rc != 0 ] && grep -qi 'nothere\|No such' '$TMP/unknown' &&
	grep -q \"NBD_OPT_GO 'nothere': no such export\" '$TMP/log'"

kids=()
for i in 1 2 3 4 5 6; do nbdcopy "$U/sysrcd.dat" "$TMP/c.$i" & kids+=($!); done
wait "${kids[@]}"	# not a bare wait: that would wait for the server too
good=0; for i in 1 2 3 4 5 6; do cmp -s "$TMP/c.$i" "$boot/sysrcd.dat" && good=$((good + 1)); done
check "6 nbdcopy at once, all equal ($good/6)" [ $good = 6 ]

# --- a raw client for what libnbd and ours never send ---
cat > "$TMP/raw.py" <<'PY'
import socket, struct, sys, time
port, size, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
IHAVEOPT, REPMAGIC = 0x49484156454f5054, 0x3e889045565a9
def rx(s, n):
    b = b''
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d: raise EOFError('closed after %d of %d bytes' % (len(b), n))
        b += d
    return b
def hello(flags):
    s = socket.create_connection(('127.0.0.1', port)); s.settimeout(5)
    g = rx(s, 18); assert g[:16] == b'NBDMAGICIHAVEOPT' and struct.unpack('>H', g[16:])[0] == 3, g
    s.sendall(struct.pack('>I', flags)); return s
def opt(s, o, data=b''):
    s.sendall(struct.pack('>QII', IHAVEOPT, o, len(data)) + data)
def reply(s):
    m, o, t, n = struct.unpack('>QIII', rx(s, 20)); assert m == REPMAGIC
    return o, t, rx(s, n)
def cmd(s, t, off, ln, cookie, payload=b''):
    s.sendall(struct.pack('>IHHQQI', 0x25609513, 0, t, cookie, off, ln) + payload)
    m, err, ck = struct.unpack('>IIQ', rx(s, 16)); assert m == 0x67446698 and ck == cookie, (m, ck)
    return err
def result(name, ok):
    print(('PASS: ' if ok else 'FAIL: ') + name)
img = open(path, 'rb').read()
# GO on the image, then transmission requests
s = hello(3)
opt(s, 7, struct.pack('>I', 10) + b'sysrcd.dat' + struct.pack('>H', 0))
types = []
while True:
    o, t, d = reply(s); types.append(t)
    if t == 1: break
result('raw: GO answers INFO export, INFO block size, ACK', types == [3, 3, 1])
result('raw: write refused EPERM, payload skipped', cmd(s, 1, 0, 5, 11, b'xxxxx') == 1)
err = cmd(s, 0, size - 16, 16, 12)
result('raw: read after the refused write still in step', err == 0 and rx(s, 16) == img[-16:])
result('raw: read past the end EINVAL', cmd(s, 0, size - 1, 2, 13) == 22)
result('raw: read over 32 MiB EINVAL', cmd(s, 0, 0, 33 * 1024 * 1024, 14) == 22)
result('raw: trim and write-zeroes EPERM', cmd(s, 4, 0, 4096, 15) == 1 and cmd(s, 6, 0, 4096, 16) == 1)
result('raw: flush 0, unknown command EINVAL', cmd(s, 3, 0, 0, 17) == 0 and cmd(s, 99, 0, 0, 18) == 22)
s.sendall(struct.pack('>IHHQQI', 0x25609513, 0, 2, 19, 0, 0))
result('raw: NBD_CMD_DISC closes', s.recv(1) == b'')
# EXPORT_NAME without NO_ZEROES: 134 bytes
s = hello(1)
opt(s, 1, b'sysrcd.dat')
r = rx(s, 134)
result('raw: EXPORT_NAME reply padded to 134 bytes', struct.unpack('>QH', r[:10]) == (size, 0x103) and r[10:] == bytes(124))
err = cmd(s, 0, 0, 4096, 1)
result('raw: read after EXPORT_NAME', err == 0 and rx(s, 4096) == img[:4096])
# options the server does not take, and an oversized one, then LIST still works
s = hello(3)
opt(s, 5); o, t, d = reply(s)
result('raw: STARTTLS -> NBD_REP_ERR_UNSUP', o == 5 and t == 0x80000001)
opt(s, 8); o, t, d = reply(s)
result('raw: STRUCTURED_REPLY -> NBD_REP_ERR_UNSUP', t == 0x80000001)
opt(s, 6, bytes(100000)); o, t, d = reply(s)
result('raw: 100000-byte option data -> NBD_REP_ERR_INVALID', o == 6 and t == 0x80000003)
opt(s, 6, struct.pack('>I', 50) + b'x'); o, t, d = reply(s)
result('raw: malformed INFO data -> NBD_REP_ERR_INVALID', t == 0x80000003)
opt(s, 3); o, t, d = reply(s); o2, t2, d2 = reply(s)
result('raw: LIST after the errors: SERVER sysrcd.dat, ACK', t == 2 and d == struct.pack('>I', 10) + b'sysrcd.dat' and t2 == 1)
opt(s, 1, b'nothere')
try:
    closed = s.recv(1) == b''
except OSError:
    closed = True
result('raw: EXPORT_NAME of an unknown export closes', closed)
# a bad option magic closes
s = hello(3)
s.sendall(b'GET / HTTP/1.1\r\n\r\n')
try:
    closed = s.recv(1) == b''
except OSError:
    closed = True
result('raw: an HTTP request in the handshake closes', closed)
# a peer that says nothing is dropped after the handshake timeout
s = socket.create_connection(('127.0.0.1', port)); s.settimeout(6); t0 = time.time()
rx(s, 18)
try:
    while s.recv(100): pass
except OSError: pass
dt = time.time() - t0
result('raw: silent peer dropped after the handshake timeout (%.1f s)' % dt, 1.0 < dt < 5)
PY
timeout 30 python3 "$TMP/raw.py" "$port" "$size" "$boot/sysrcd.dat" > "$TMP/raw.out" 2>&1 || echo "FAIL: raw client: $(tail -1 "$TMP/raw.out")"
cat "$TMP/raw.out" | grep -E '^(PASS|FAIL)'
grep -q '^FAIL' "$TMP/raw.out" && FAILED=1
grep -q 'raw client' "$TMP/raw.out" && FAILED=1

send_garbage "$port" 100000
check "garbage bytes: server alive and serving" bash -c "kill -0 $SERVER && nbdinfo '$U/sysrcd.dat' 2>&1 | grep -q 'export-size: $size'"
check "handshake timeout logged" grep -q "closed during the handshake: handshake timeout" "$TMP/log"

[ $FAILED = 0 ] || { echo "--- server log (tail)"; tail -20 "$TMP/log"; }
exit $FAILED
