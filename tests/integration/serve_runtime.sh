#!/bin/bash
# netboot serve as administrators run it (issue 17): the log's format
# (journal priorities or UTC timestamps), the one flood limiter's summary
# lines with their counts (also at exit), SIGHUP while an HTTP and a TFTP
# download are in flight and an NBD client is attached (all finish with the
# old bytes, then the new image and its new md5 are served), a changed image noticed without
# SIGHUP, a garbage config on reload (the old one stays), --listen on a
# loopback alias, the start-up warnings, ETag / If-Range / 304 with curl.
cd "$(dirname "$0")/../.." || exit 1
T=serve-runtime
. tests/lib.sh; tmp=$TMP
NB=${NB:-build/netboot}	# NB=build/netboot-san: the same under ASan/UBSan
need curl python3 zstd cpio
B=$tmp/boot; mkdir -p "$B"
cp build/kernel/vmlinuz "$B/vmlinuz"
cp build/initram.igz "$B/initram.igz"
mkimg() {	# mkimg FILE MiB: "hsqs" and random bytes (the start-up check reads the magic only)
	{ printf hsqs; head -c $(($2 * 1048576 - 4)) /dev/urandom; } > "$1"
}
mkimg "$B/sysrcd.dat" 12
H=127.0.0.2 HP=$(free_port) TP=$(free_udp_port) NP=$(free_port) DP=$(free_udp_port) PP=$(free_udp_port)
STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z netboot-serve: '
start() {	# start LOG ARGS...: a server in the background, SRV its PID, until "ready"
	local log=$1; shift
	: >> "$log"	# there before wait_log looks
	"$NB" serve --boot-dir "$B" --no-dhcp "$@" > "$log" 2>&1 &
	SRV=$!; PIDS+=("$SRV")
	wait_log "$log" 'netboot-serve: ready' "$SRV" 50
}
t0=$SECONDS

# --- 1: the log's format: the journal's priorities, else UTC timestamps ---
: > "$tmp/j.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/j.log") start "$tmp/j.log" --no-tftp --no-nbd --http-port "$HP" --local-ip 192.0.2.77
stop "$SRV"
check "journal: every line starts with a priority" bash -c "! grep -vqE '^<[3467]>' '$tmp/j.log'"
check "journal: no timestamps" bash -c "! grep -qE '^<[0-9]>[0-9]{4}-' '$tmp/j.log'"
check "journal: ready is <6>, a warning is <4>" \
	bash -c "grep -q '^<6>netboot-serve: ready' '$tmp/j.log' && grep -q '^<4>netboot-serve: warning: local address 192.0.2.77' '$tmp/j.log'"

# the main server: --listen on a loopback alias, a config file to reload
printf 'PXEBOOTSRV_TIMEOUT="5"\nPXEBOOTSRV_LISTEN="%s"\n' "$H" > "$tmp/pxebootsrv"
start "$tmp/log" --config "$tmp/pxebootsrv" --http-port "$HP" --tftp-port "$TP" --nbd-port "$NP" \
	--proxy-dhcp --dhcp-port "$DP" --proxy-port "$PP" ||
	{ fail "server started" "$(tail -5 "$tmp/log")"; exit 1; }
check "not in the journal: each line starts with a UTC timestamp" bash -c "! grep -vqE '$STAMP' '$tmp/log'"

# --- 2: --listen: every service on 127.0.0.2, none on 127.0.0.1 ---
check "--listen: HTTP answers on $H" curl -sf -o /dev/null "http://$H:$HP/sysrcd.md5"
check "--listen: nothing on 127.0.0.1:$HP" bash -c "! curl -s -o /dev/null --max-time 2 http://127.0.0.1:$HP/sysrcd.md5"
check "--listen: TFTP bound to $H only" bash -c "ss -Huln 'sport = :$TP' | grep -qE ' $H(%lo)?:$TP ' && ! ss -Huln 'sport = :$TP' | grep -qE ' (0\.0\.0\.0|\*|127\.0\.0\.1)(%[a-z0-9]+)?:$TP '"
check "--listen: NBD bound to $H only" bash -c "ss -Hltn 'sport = :$NP' | grep -qE ' $H(%lo)?:$NP ' && ! ss -Hltn 'sport = :$NP' | grep -qE ' (0\.0\.0\.0|\*)(%[a-z0-9]+)?:$NP '"
check "--listen: DHCP on the wildcard address of $H's interface (lo) only" \
	bash -c "ss -Huln 'sport = :$DP' | grep -qE ' 0\.0\.0\.0%lo:$DP ' && ss -Huln 'sport = :$PP' | grep -qE ' 0\.0\.0\.0%lo:$PP '"
check "--listen: TFTP serves there" bash -c "curl -sf tftp://$H:$TP/sysrcd.md5 | grep -q sysrcd.dat"

# --- 3: the flood limiter: 20 a second written, the rest in one summary with its count ---
curl -s -o /dev/null "http://$H:$HP/missing[1-100]"
for _ in $(seq 20); do grep -q 'http: [0-9]* more like this' "$tmp/log" && break; sleep 0.1; done
written=$(grep -c 'http: GET /missing[0-9]* 404' "$tmp/log")
held=$(grep -oE 'http: [0-9]+ more like this in the last [0-9.]+ s \(the last: [^ ]+ GET /missing100 404' "$tmp/log" | awk '{print $2}')
check "flood: 20 lines written ($written), the summary counts the other ${held:-?}" test "$written" = 20 -a "${held:-0}" = 80

# --- 4: ETag, Last-Modified, If-Range, If-None-Match with curl ---
U=http://$H:$HP/sysrcd.dat
hd=$(curl -sI "$U" | tr -d '\r')
et=$(sed -n 's/^ETag: //p' <<<"$hd"); lm=$(sed -n 's/^Last-Modified: //p' <<<"$hd")
check "HEAD: a strong ETag ($et) and Last-Modified ($lm)" bash -c "[[ '$et' =~ ^\\\"[0-9a-f-]+\\\"\$ ]] && [ -n '$lm' ]"
code() { curl -s -o /dev/null -w '%{http_code} %{size_download}' "$@"; }
r=$(code -r 1000- -H "If-Range: $et" "$U")
check "If-Range with the current ETag: 206 ($r)" test "$r" = "206 $((12 * 1048576 - 1000))"
r=$(code -r 1000- -H 'If-Range: "another"' "$U")
check "If-Range with another ETag: the whole file, 200 ($r)" test "$r" = "200 $((12 * 1048576))"
r=$(code -r 1000- -H "If-Range: $lm" "$U")
check "If-Range with the Last-Modified date: 206 ($r)" test "$r" = "206 $((12 * 1048576 - 1000))"
r=$(code -H "If-None-Match: $et" "$U")
check "If-None-Match: 304, no body ($r)" test "$r" = "304 0"

# --- 5: SIGHUP while an HTTP and a TFTP download run: the old bytes, then the new ---
cp "$B/sysrcd.dat" "$tmp/old.dat"
cat > "$tmp/slow.py" <<'PY'
# slow.py http|tftp HOST PORT OUT: a reader slow enough to be in flight for
# ~1 s; OUT.started once the first bytes are in
import socket, struct, sys, time
kind, host, port, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
data = bytearray()
if kind == 'http':
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect((host, port)); s.sendall(b'GET /sysrcd.dat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    while True:
        b = s.recv(65536)
        if not b: break
        if not data: open(out + '.started', 'w').close()
        data += b; time.sleep(0.008)
    data = data[data.index(b'\r\n\r\n') + 4:]
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
    s.sendto(b'\x00\x01sysrcd.dat\x00octet\x00blksize\x0065000\x00', (host, port))
    want = 1
    while True:
        pkt, peer = s.recvfrom(70000)
        op, blk = struct.unpack('!HH', pkt[:4])
        if op == 6: s.sendto(struct.pack('!HH', 4, 0), peer); continue
        if op != 3: sys.exit('tftp error %r' % pkt)
        if blk == want & 0xffff:
            if not data: open(out + '.started', 'w').close()
            data += pkt[4:]; want += 1
        s.sendto(struct.pack('!HH', 4, blk), peer)
        if len(pkt) - 4 < 65000: break
        time.sleep(0.006)
open(out, 'wb').write(data)
PY
cat > "$tmp/nbd.py" <<'PY'
# nbd.py HOST PORT DIR: attach, read 64 KiB at 1 MiB, touch DIR/attached,
# wait for DIR/go, read it again; both reads into DIR/nbd1, DIR/nbd2
import os, socket, struct, sys, time
host, port, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((host, port)); f = s.makefile('rb')
def rd(n):
    b = f.read(n)
    if len(b) != n: sys.exit('short read')
    return b
rd(18)                                              # NBDMAGIC IHAVEOPT flags
s.sendall(struct.pack('!I', 3))                     # fixed newstyle, no zeroes
s.sendall(b'IHAVEOPT' + struct.pack('!II', 1, 10) + b'sysrcd.dat')   # NBD_OPT_EXPORT_NAME
rd(10)                                              # size, transmission flags
def read(i):
    s.sendall(struct.pack('!IHHQQI', 0x25609513, 0, 0, i, 1 << 20, 65536))
    magic, err, cookie = struct.unpack('!IIQ', rd(16))
    if err: sys.exit('NBD error %d' % err)
    return rd(65536)
open(d + '/nbd1', 'wb').write(read(1)); open(d + '/attached', 'w').close()
while not os.path.exists(d + '/go'): time.sleep(0.02)
open(d + '/nbd2', 'wb').write(read(2))
PY
python3 "$tmp/nbd.py" "$H" "$NP" "$tmp" & NC=$!
for _ in $(seq 50); do [ -e "$tmp/attached" ] && break; sleep 0.1; done
python3 "$tmp/slow.py" http "$H" "$HP" "$tmp/h.out" & HC=$!
python3 "$tmp/slow.py" tftp "$H" "$TP" "$tmp/t.out" & TC=$!
for _ in $(seq 50); do [ -e "$tmp/h.out.started" ] && [ -e "$tmp/t.out.started" ] && break; sleep 0.05; done
mkimg "$B/.new" 3 && mv "$B/.new" "$B/sysrcd.dat"
kill -HUP "$SRV"
wait_log "$tmp/log" 'netboot-serve: reloaded' "$SRV" 30
wait "$HC"; hrc=$?; wait "$TC"; trc=$?
touch "$tmp/go"; wait "$NC"; nrc=$?
dd if="$tmp/old.dat" bs=64K skip=16 count=1 status=none > "$tmp/old.part"
check "SIGHUP: an attached NBD client reads the old image after it (rc $nrc)" \
	bash -c "cmp -s '$tmp/nbd1' '$tmp/old.part' && cmp -s '$tmp/nbd2' '$tmp/old.part'"
check "SIGHUP: the server lives on" kill -0 "$SRV"
check "SIGHUP: the reload logged with what changed" grep -qE "$STAMP"'reloaded: settings unchanged; boot folder rescanned \(1 image\), 1 image changed: new checksums written' "$tmp/log"
check "SIGHUP: the HTTP download in flight finished with the old bytes (rc $hrc)" cmp -s "$tmp/h.out" "$tmp/old.dat"
check "SIGHUP: the TFTP download in flight finished with the old bytes (rc $trc)" cmp -s "$tmp/t.out" "$tmp/old.dat"
# both really were in flight: their end is logged after the reload
rl=$(grep -n 'netboot-serve: reloaded' "$tmp/log" | head -1 | cut -d: -f1)
hl=$(grep -n 'http: GET /sysrcd.dat 200 12582912' "$tmp/log" | tail -1 | cut -d: -f1)
tl=$(grep -n 'tftp: sent sysrcd.dat 12.6 MB' "$tmp/log" | tail -1 | cut -d: -f1)
check "SIGHUP: both downloads ended after the reload (lines $hl, $tl > $rl)" test "${hl:-0}" -gt "${rl:-9999}" -a "${tl:-0}" -gt "${rl:-9999}"
new_md5=$(md5sum < "$B/sysrcd.dat" | cut -d' ' -f1)
check "after SIGHUP: the new md5 is served" bash -c "curl -sf http://$H:$HP/sysrcd.md5 | grep -q '^$new_md5  sysrcd.dat$'"
check "after SIGHUP: the new image is served" bash -c "curl -sf http://$H:$HP/sysrcd.dat | cmp -s - '$B/sysrcd.dat'"

# --- 6: replaced without SIGHUP: noticed at the next request, checksums first ---
mkimg "$B/.new" 1 && mv "$B/.new" "$B/sysrcd.dat"
new_md5=$(md5sum < "$B/sysrcd.dat" | cut -d' ' -f1)
check "no SIGHUP: the md5 asked next is the new image's" bash -c "curl -sf http://$H:$HP/sysrcd.md5 | grep -q '^$new_md5  sysrcd.dat$'"
check "no SIGHUP: and the server said so" grep -q 'sysrcd.dat changed (another file, 1048576 bytes): writing its checksums' "$tmp/log"

# --- 7: a garbage config on reload: the old one stays; a good one applies ---
menu() { curl -sf "http://$H:$HP/pxelinux.cfg/default" | sed -n 's/^TIMEOUT //p'; }
printf 'PXEBOOTSRV_TIMEOUT="5"\nPXEBOOTSRV_NETMASK="255.0.255.0"\n' > "$tmp/pxebootsrv"
kill -HUP "$SRV"
wait_log "$tmp/log" 'reload: .*NETMASK.*keeping the settings in use' "$SRV" 30
check "garbage config: the reason and 'keeping the settings in use' logged" grep -q 'reload: .*line 2: PXEBOOTSRV_NETMASK="255.0.255.0": expected a contiguous netmask.*: keeping the settings in use' "$tmp/log"
check "garbage config: the server lives on, the old menu (TIMEOUT $(menu))" test "$(menu)" = 50
printf 'PXEBOOTSRV_TIMEOUT="7"\nPXEBOOTSRV_LISTEN="%s"\n' "$H" > "$tmp/pxebootsrv"
kill -HUP "$SRV"
wait_log "$tmp/log" 'reloaded: .*timeout: 5 -> 7' "$SRV" 30
check "good config: 'reloaded: timeout: 5 -> 7' and the menu follows (TIMEOUT $(menu))" test "$(menu)" = 70
check "no restart-only setting reported changed when none was" bash -c "! grep -q 'not applied until a restart' '$tmp/log'"
printf 'PXEBOOTSRV_TIMEOUT="7"\nPXEBOOTSRV_LISTEN="%s"\nPXEBOOTSRV_DOTFTPD="no"\n' "$H" > "$tmp/pxebootsrv"
kill -HUP "$SRV"
wait_log "$tmp/log" 'not applied until a restart' "$SRV" 30
check "a restart-only change: named, not applied, TFTP still serves" bash -c "grep -q 'not applied until a restart (sockets, DHCP pool, user): tftp: yes -> no' '$tmp/log' && curl -sf tftp://$H:$TP/sysrcd.md5 >/dev/null"

# --- 8: the last count of a flood is written at exit ---
curl -s -o /dev/null "http://$H:$HP/gone[1-50]"
kill "$SRV"; wait "$SRV"; rc=$?
check "exit: the open window's summary before 'stopping' (exit $rc)" \
	bash -c "grep -B1 'stopping on signal 15' '$tmp/log' | grep -q 'http: 30 more like this in the last .* GET /gone50 404'"

# --- 9: start-up warnings for what will not boot ---
rm -f "$B/sysrcd.dat" "$B/sysrcd.md5" "$B/sysrcd.sha256"
# as distributions build them: an uncompressed early segment (microcode), then the compressed one
mkdir -p "$tmp/tree/lib/modules/9.9.9-test/kernel" "$tmp/early/kernel/x86/microcode"
echo u > "$tmp/early/kernel/x86/microcode/GenuineIntel.bin"
{ (cd "$tmp/early" && find . | cpio -o -H newc 2>/dev/null)
  (cd "$tmp/tree" && find . | cpio -o -H newc 2>/dev/null) | zstd -q; } > "$B/other.igz"
start "$tmp/w1.log" --no-tftp --no-nbd --http-port "$HP" --local-ip 192.0.2.77 --initrd other.igz
stop "$SRV"
check "warning: LOCALIP on no interface" grep -q 'warning: local address 192.0.2.77 .* is on no interface of this machine' "$tmp/w1.log"
check "warning: no sysrcd.dat" grep -q "warning: no sysrcd.dat in $B: stage 3 from this server will fail" "$tmp/w1.log"
rel=$(grep -oE 'vmlinuz is kernel [^ ]+' "$tmp/w1.log")
check "warning: kernel and initramfs modules differ ($rel)" grep -q 'but other.igz carries modules for 9.9.9-test' "$tmp/w1.log"
head -c 4096 /dev/urandom > "$B/sysrcd.dat"
start "$tmp/w2.log" --no-tftp --no-nbd --http-port "$HP" --local-ip 127.0.0.1
stop "$SRV"
check "warning: an image that is not squashfs" grep -q 'warning: sysrcd.dat is not a squashfs image' "$tmp/w2.log"
check "no warning for a matching kernel and initramfs, nor for a local address here" bash -c "! grep -q 'carries modules for\|is on no interface' '$tmp/w2.log'"
echo "INFO: $T: $((SECONDS - t0)) s"
[ $FAILED = 0 ] || { echo "--- server log (last 15 lines):"; tail -15 "$tmp/log"; }
exit 0
