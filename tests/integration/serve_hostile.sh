#!/bin/bash
# `netboot serve` under hostile load, in a private network namespace
# (192.0.2.0/24 on a veth pair inside it, nothing leaves it):
#   1 1000 connections that never send a full head (slowloris: silent or a
#     partial head) are held while curl fetches the image: intact, and the
#     log stays short (rate-limited)
#   2 5000 bogus datagrams and RRQs on the TFTP port (garbage, missing
#     files, bad modes and options, WRQs, a resent real RRQ): a real
#     tftp get still works, the log grew by fewer than 50 lines
#   3 10,000 HTTP requests (keep-alive and new connections): VmRSS grows
#     by less than 4 MiB, the process is alive
# The server is stopped by PID and the namespace deleted on exit.
# under ASan (NETBOOT_BIN=build/netboot-san) freed memory sits in quarantine: keep it small for the RSS check
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=1}
T=serve_hostile
. "$(dirname "$0")/netns_lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
[ -x "$NB" ] || { echo "FAIL: $T: $NB not built"; exit 1; }
need netns curl tftp python3

ns=nbhostile-$tag
newns_pair "$ns"
in_ns() { ip netns exec "$ns" "$@"; }	# not for &: $! must be the program itself
B=$tmp/boot; mkdir -p "$B"
head -c $((20 * 1000 * 1000 + 3)) /dev/urandom > "$B/sysrcd.dat"
head -c $((1000 * 1000 + 7)) /dev/urandom > "$B/vmlinuz"; echo initrd > "$B/initram.igz"
ip netns exec "$ns" "$NB" serve --boot-dir "$B" --no-dhcp --local-ip 192.0.2.1 > "$tmp/log" 2>&1 &
SERVER=$!; PIDS+=($SERVER)
ns_wait_port "$ns" 192.0.2.1 80
alive() { kill -0 "$SERVER" 2>/dev/null; }
lines() { grep -c "$1" "$tmp/log"; }
want=$(sha256sum < "$B/sysrcd.dat")

# --- 1: slowloris ---
cat > "$tmp/loris.py" <<'PY'
import os, resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
socks, refused = [], 0
for i in range(1000):
    s = socket.socket(); s.bind(('192.0.2.2', 0)); s.connect(('192.0.2.1', 80))
    if i % 2:
        s.sendall(b'GET /sysrcd.dat HTTP/1.1\r\nHost: 192.0.2.1\r\n')
    socks.append(s)
open(sys.argv[1], 'w').write('%d\n' % len(socks))
while not os.path.exists(sys.argv[2]):
    time.sleep(0.05)
held = 0
for s in socks:   # still open from the server's side: no EOF, no 503
    s.setblocking(False)
    try:
        held += s.recv(100) != b'' and 0
    except BlockingIOError:
        held += 1
    except OSError:
        pass
open(sys.argv[1], 'a').write('%d\n' % held)
PY
before=$(wc -l < "$tmp/log")
ip netns exec "$ns" python3 "$tmp/loris.py" "$tmp/loris.out" "$tmp/loris.stop" & LORIS=$!; PIDS+=($LORIS)
for _ in $(seq 100); do [ -s "$tmp/loris.out" ] && break; sleep 0.1; done
sleep 1.2	# the held connections now owe their heads for over a second
t0=$(now_ms)
got=$(in_ns curl -sf --max-time 20 http://192.0.2.1/sysrcd.dat | sha256sum)
dt=$(( $(now_ms) - t0 ))
touch "$tmp/loris.stop"; wait "$LORIS"
read -r opened held < <(tr '\n' ' ' < "$tmp/loris.out")
check "1000 slowloris connections held ($opened opened, $held still open at the end): curl got the image intact in $dt ms" \
	[ "$got" = "$want" ] && [ "${opened:-0}" -eq 1000 ]
sleep 0.5
n=$(( $(wc -l < "$tmp/log") - before ))
check "slowloris: the log grew by $n lines for 1000 connections (< 50)" [ "$n" -lt 50 ]

# --- 2: TFTP flood ---
before=$(lines tftp)
in_ns python3 - <<'PY'
import os, random, socket
random.seed(7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('192.0.2.2', 0)); s.setblocking(False)
kinds = [
    lambda: os.urandom(random.randrange(0, 600)),                                   # garbage
    lambda: b'\x00\x01missing-%d\x00octet\x00' % random.randrange(1 << 30),          # no such file
    lambda: b'\x00\x01vmlinuz\x00bogus\x00',                                         # bad mode
    lambda: b'\x00\x01vmlinuz\x00octet\x00blksize\x00xyz\x00',                       # bad option
    lambda: b'\x00\x02upload\x00octet\x00',                                          # WRQ
    lambda: b'\x00\x01vmlinuz',                                                      # truncated
    lambda: b'\x00\x01' + b'A' * 700 + b'\x00octet\x00',                            # oversized
    lambda: b'\x00\x01../../etc/passwd\x00octet\x00',                                # traversal
    lambda: b'\x00\x01vmlinuz\x00octet\x00',                                         # real, resent
]
for i in range(5000):
    try:
        s.sendto(kinds[i % len(kinds)](), ('192.0.2.1', 69))
    except BlockingIOError:
        pass
PY
sleep 0.5
mkdir -p "$tmp/out"
in_ns tftp 192.0.2.1 -m binary -c get vmlinuz "$tmp/out/vmlinuz" >/dev/null 2>&1
check "after 5000 bogus TFTP datagrams a real tftp get is intact" cmp -s "$B/vmlinuz" "$tmp/out/vmlinuz"
n=$(( $(lines tftp) - before ))
check "TFTP flood: the log grew by $n lines (< 50)" [ "$n" -lt 50 ]
# the count of what was held back comes when the flood's 1 s window closes
for _ in $(seq 20); do grep -qE 'tftp: [0-9]+ more like this in the last' "$tmp/log" && break; sleep 0.1; done
check "TFTP flood: refusals counted, not dropped silently" grep -qE 'tftp: [0-9]+ more like this in the last' "$tmp/log"

# --- 3: 10,000 HTTP requests, memory ---
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
in_ns curl -sf -o /dev/null http://192.0.2.1/initram.igz	# warm up
r0=$(rss)
in_ns python3 - <<'PY'
import socket
def get(s, n):
    s.sendall(b'GET /initram.igz HTTP/1.1\r\nHost: 192.0.2.1\r\n\r\n' * n)
    buf, got = b'', 0
    while got < n:
        d = s.recv(65536)
        if not d: raise SystemExit('closed early')
        buf += d; got = buf.count(b'HTTP/1.1 200')
for _ in range(50):                     # 5000 kept alive, pipelined 100 at a time
    s = socket.create_connection(('192.0.2.1', 80)); get(s, 100); s.close()
for i in range(5000):                   # 5000 one per connection, some cut short
    s = socket.create_connection(('192.0.2.1', 80))
    if i % 10 == 0:
        s.sendall(b'GET /sysrcd.dat HTTP/1.1\r\nHost: x\r\n\r\n'); s.recv(100); s.close(); continue
    get(s, 1); s.close()
PY
rc=$?
sleep 0.5
r1=$(rss)
check "10,000 HTTP requests served (python exit $rc)" [ "$rc" -eq 0 ]
check "RSS after 10,000 HTTP requests: ${r0} kB -> ${r1} kB (growth < 4 MiB)" [ $((r1 - r0)) -lt 4096 ]
check "the server is alive" alive
got=$(in_ns curl -sf --max-time 20 http://192.0.2.1/sysrcd.dat | sha256sum)
check "a last whole image is intact" [ "$got" = "$want" ]
