#!/bin/bash
# `netboot serve`'s HTTP service on 127.0.0.1 at a free high port, driven by
# curl, python3 and raw /dev/tcp peers: whole file, HEAD, ranges (middle,
# open, suffix, unsatisfiable, past 4 GiB), keep-alive and pipelining, 404,
# 405, traversal attempts, the status page, 50 clients at once, a client
# that stalls its head, one that stops reading, a huge head, garbage bytes.
# The server is stopped by PID on exit.
TMP_NAME=netboot-serve-http . "$(dirname "$0")/../lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}	# NETBOOT_BIN=build/netboot-san for a sanitizer run

[ -x "$NB" ] || { echo "FAIL: $NB not built"; exit 1; }
command -v curl >/dev/null || { echo "SKIP: curl: not installed"; exit 0; }

boot=$TMP/boot; mkdir -p "$boot/sub"
head -c $((20 * 1000 * 1000 + 17)) /dev/urandom > "$boot/sysrcd.dat"
echo kernel > "$boot/vmlinuz"; echo initrd > "$boot/initram.igz"; echo nested > "$boot/sub/file.txt"
ln -s /etc/passwd "$boot/passwd-link"
# a sparse 5 GiB file with known bytes at its end
truncate -s $((5 * 1024 * 1024 * 1024)) "$boot/big.dat"
printf 'THE-END-OF-FIVE-GIB!' | dd of="$boot/big.dat" bs=1 seek=$((5 * 1024 * 1024 * 1024 - 20)) conv=notrunc status=none
size=$(stat -c %s "$boot/sysrcd.dat")
port=$(free_port)
NETBOOT_SERVE_HTTP_HEAD_TIMEOUT_MS=1500 NETBOOT_SERVE_HTTP_SEND_TIMEOUT_MS=1500 \
	"$NB" serve --boot-dir "$boot" --no-dhcp --no-tftp --http-port "$port" > "$TMP/log" 2>&1 & PIDS+=($!)
SERVER=$!
wait_port "$port" || { echo "FAIL: server did not start"; cat "$TMP/log"; exit 1; }
U=http://127.0.0.1:$port
alive() { kill -0 "$SERVER" 2>/dev/null; }

# --- whole files, HEAD, ranges ---
check "GET whole file, bytes equal" bash -c "curl -sf -o '$TMP/whole' '$U/sysrcd.dat' && cmp -s '$TMP/whole' '$boot/sysrcd.dat'"
check "GET logged with size and rate" grep -q "127.0.0.1 http: GET /sysrcd.dat 200 $size bytes in [0-9.]* s ([0-9]* MB/s)" "$TMP/log"
# HEAD over a raw socket: the head and nothing after it
exec 3<>/dev/tcp/127.0.0.1/$port
printf 'HEAD /sysrcd.dat HTTP/1.0\r\n\r\n' >&3
timeout 5 cat <&3 > "$TMP/head"; exec 3<&-
check "HEAD: Content-Length is the size" grep -q "^Content-Length: $size"$'\r'"\$" "$TMP/head"
check "HEAD: no body after the head" bash -c "[ \"\$(tail -c 4 '$TMP/head' | od -An -tx1 | tr -d ' ')\" = 0d0a0d0a ]"
code=$(curl -s -o "$TMP/r" -D "$TMP/h" -r 0-99 -w '%{http_code}' "$U/sysrcd.dat")
check "Range 0-99: 206 with 100 bytes" bash -c "[ $code = 206 ] && cmp -s '$TMP/r' <(head -c 100 '$boot/sysrcd.dat') &&
	grep -qi '^Content-Range: bytes 0-99/$size' '$TMP/h'"
code=$(curl -s -o "$TMP/r" -r 1234567-2345677 -w '%{http_code}' "$U/sysrcd.dat")
check "middle range" bash -c "[ $code = 206 ] && cmp -s '$TMP/r' <(tail -c +1234568 '$boot/sysrcd.dat' | head -c 1111111)"
code=$(curl -s -o "$TMP/r" -r 19999990- -w '%{http_code}' "$U/sysrcd.dat")
check "open-ended range N-" bash -c "[ $code = 206 ] && cmp -s '$TMP/r' <(tail -c 27 '$boot/sysrcd.dat')"
code=$(curl -s -o "$TMP/r" -r -500 -w '%{http_code}' "$U/sysrcd.dat")
check "suffix range -500" bash -c "[ $code = 206 ] && cmp -s '$TMP/r' <(tail -c 500 '$boot/sysrcd.dat')"
code=$(curl -s -o "$TMP/r" -D "$TMP/h" -r $((size + 10))- -w '%{http_code}' "$U/sysrcd.dat")
check "range past the end: 416 bytes */size" bash -c "[ $code = 416 ] && grep -qi 'Content-Range: bytes \*/$size' '$TMP/h'"
code=$(curl -s -o "$TMP/r" -r 0-1,5-6 -w '%{http_code}' "$U/sysrcd.dat")
check "several ranges: the whole file, 200" bash -c "[ $code = 200 ] && cmp -s '$TMP/r' '$boot/sysrcd.dat'"
code=$(curl -s -o "$TMP/r" -D "$TMP/h" -r 5368709100- -w '%{http_code}' "$U/big.dat")
check "5 GiB sparse file: range near the end" bash -c "[ $code = 206 ] && [ \"\$(cat '$TMP/r')\" = 'THE-END-OF-FIVE-GIB!' ] &&
	grep -qi 'Content-Range: bytes 5368709100-5368709119/5368709120' '$TMP/h'"
check "5 GiB file: HEAD length over 32 bits" bash -c "curl -sI '$U/big.dat' | grep -qi '^Content-Length: 5368709120'"

# --- connections ---
curl -sv -o /dev/null -o /dev/null "$U/vmlinuz" "$U/initram.igz" 2> "$TMP/v"
check "keep-alive: second URL reuses the connection" grep -q "Re-using existing connection" "$TMP/v"
{ printf 'GET /vmlinuz HTTP/1.1\r\nHost: x\r\n\r\nGET /sub/file.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'; sleep 1; } |
	timeout 5 python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $port)); s.sendall(sys.stdin.buffer.read()); out = b''
while True:
    d = s.recv(65536)
    if not d: break
    out += d
sys.stdout.buffer.write(out)" > "$TMP/pipe"
check "pipelined requests answered in order" bash -c "[ \$(grep -c 'HTTP/1.1 200' '$TMP/pipe') = 2 ] && grep -q kernel '$TMP/pipe' &&
	tail -c 7 '$TMP/pipe' | grep -q nested"
check "404 for a missing file" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' '$U/nothere.dat') = 404 ]"
check "405 for POST, Allow: GET, HEAD" bash -c "curl -s -D - -o /dev/null -X POST -d x '$U/sysrcd.dat' | grep -q 'HTTP/1.1 405' &&
	curl -s -D - -o /dev/null -X DELETE '$U/sysrcd.dat' | grep -qi '^Allow: GET, HEAD'"

# --- traversal: refused, nothing leaked, logged ---
for t in "/../../etc/passwd" "/%2e%2e/%2e%2e/etc/passwd" "/sub/..%2f..%2f..%2fetc/passwd" "/passwd-link" "/%2fetc/passwd"; do
	code=$(curl -s --path-as-is -o "$TMP/t" -w '%{http_code}' "$U$t")
	check "traversal $t refused ($code)" bash -c "[ $code = 403 ] || [ $code = 404 ] && ! grep -q '^root:' '$TMP/t'"
done
check "traversal logged as refused" grep -q "http: GET /../../etc/passwd 403: .*outside the boot folder" "$TMP/log"

# --- status page ---
check "status page / is HTML, no-store" bash -c "curl -s -D '$TMP/h' '$U/' | grep -qi '<html' && grep -qi 'Content-Type: text/html' '$TMP/h' &&
	grep -qi 'Cache-Control: no-store' '$TMP/h'"
curl -s -D "$TMP/h" "$U/status.json" > "$TMP/json"
check "status.json is valid JSON" python3 -m json.tool "$TMP/json" > /dev/null
check "status.json: 127.0.0.1 at the image stage, via http" python3 -c "
import json, sys
d = json.load(open('$TMP/json'))
c = [c for c in d['clients'] if c['ip'] == '127.0.0.1']
sys.exit(not (c and c[0]['stage'].startswith('image') and c[0]['image_via'] == 'http' and c[0]['image_size'] == $size))"
check "status.json Content-Type" grep -qi 'Content-Type: application/json' "$TMP/h"

# --- 50 clients at once ---
want=$(md5sum < "$boot/sysrcd.dat" | cut -d' ' -f1)
kids=()
for i in $(seq 50); do (curl -sf "$U/sysrcd.dat" | md5sum | cut -d' ' -f1 > "$TMP/md5.$i") & kids+=($!); done
wait "${kids[@]}"	# not a bare wait: that would wait for the server too
good=$(cat "$TMP"/md5.* | grep -c "^$want\$")
check "50 concurrent clients all get the right bytes ($good/50)" [ "$good" = 50 ]

# --- hostile and stuck peers ---
exec 4<>/dev/tcp/127.0.0.1/$port
printf 'GET /sysrcd.dat HTTP/1.1\r\nHost: x\r\nX-Wait: ' >&4
t0=$(date +%s%N)
check "others served while a head is stalled" bash -c "curl -sf -o /dev/null '$U/vmlinuz'"
timeout 6 cat <&4 > /dev/null; exec 4<&-
dt=$(( ($(date +%s%N) - t0) / 1000000 ))
check "stalled head dropped after the head timeout (${dt} ms)" bash -c "[ $dt -ge 800 ] && [ $dt -lt 5000 ] &&
	grep -q 'dropped: no complete request head' '$TMP/log'"
timeout 10 python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(('127.0.0.1', $port)); s.sendall(b'GET /big.dat HTTP/1.1\r\nHost: x\r\n\r\n'); time.sleep(3.5); s.close()"
check "a client that stops reading is dropped (send timeout)" grep -q "GET /big.dat 200: stalled: the client stopped reading after" "$TMP/log"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$U/vmlinuz")
check "huge head: 431" [ "$code" = 431 ]
send_garbage "$port" 200000
check "garbage bytes: server alive and serving" bash -c "kill -0 $SERVER && curl -sf -o '$TMP/g' '$U/vmlinuz' && cmp -s '$TMP/g' '$boot/vmlinuz'"
printf '\x16\x03\x01\xa5\x01 binary junk\r\n\r\n' | timeout 3 python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $port)); s.sendall(sys.stdin.buffer.read()); s.settimeout(2)
sys.stdout.buffer.write(s.recv(100))" > "$TMP/junk"
check "a TLS-like junk head: 400, logged sanitized" bash -c "grep -q '^HTTP/1.1 400 Bad Request' '$TMP/junk' &&
	grep -q \"http: 400: HTTP: malformed request line '????? binary junk'\" '$TMP/log'"

# over the connection cap (512), on a second server whose head timeout
# (30 s) cannot close the idle ones first: each extra connection is told 503
# and closed, or, where opening the 520 took over HTTP_EVICT_MS (1 s: a
# loaded machine, the sanitizer build), takes the place of the oldest idle
# one, which the server closes.  Either way no more than 512 stay open.
cap_port=$(free_port)
NETBOOT_SERVE_HTTP_HEAD_TIMEOUT_MS=30000 \
	"$NB" serve --boot-dir "$boot" --no-dhcp --no-tftp --http-port "$cap_port" > "$TMP/cap.log" 2>&1 & PIDS+=($!)
CAP_SERVER=$!
wait_port "$cap_port" || fail "cap server did not start"
timeout 60 python3 -c "
import socket, time
socks = [socket.create_connection(('127.0.0.1', $cap_port)) for i in range(520)]
for s in socks: s.setblocking(False)
def classify():
    told = closed = still = 0
    for s in socks:
        try:
            d = s.recv(100, socket.MSG_PEEK)
            if d.startswith(b'HTTP/1.1 503'): told += 1
            elif d == b'': closed += 1
        except BlockingIOError: still += 1
        except OSError: closed += 1
    return told, closed, still
deadline = time.time() + 20	# the server works through its accept queue
while True:
    told, closed, still = classify()
    if still <= 512 or time.time() > deadline: break
    time.sleep(0.2)
print(told, closed, still)" > "$TMP/busy" 2>&1
read -r told closed still < "$TMP/busy"
check "over 512 connections: $still stay open; the rest told 503 ($told) or gave their place ($closed)" \
	bash -c "[ '${still:-x}' -le 512 ] 2>/dev/null && [ \$(( ${told:-0} + ${closed:-0} )) -ge 8 ] &&
		grep -qE 'http: 503: 512 connections open \(limit 512\), refused|connections open \(limit 512\): dropped one that owed a request head' '$TMP/cap.log'"
[ -s "$TMP/busy" ] && grep -q Traceback "$TMP/busy" && cat "$TMP/busy"
check "the main server serves while the cap server is full" bash -c "curl -sf -o /dev/null '$U/vmlinuz'"
kill "$CAP_SERVER"; wait "$CAP_SERVER" 2>/dev/null
check "a request without Host is served" bash -c "printf 'GET /vmlinuz HTTP/1.1\r\nConnection: close\r\n\r\n' |
	timeout 3 python3 -c \"
import socket, sys
s = socket.create_connection(('127.0.0.1', $port)); s.sendall(sys.stdin.buffer.read()); s.settimeout(2)
sys.stdout.buffer.write(s.recv(1000))\" | grep -q '^HTTP/1.1 200 OK'"

alive || fail "server died"
[ $FAILED = 0 ] || { echo "--- server log (tail)"; tail -20 "$TMP/log"; }
exit $FAILED
