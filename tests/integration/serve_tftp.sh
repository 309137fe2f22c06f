#!/bin/bash
# The TFTP service of `netboot serve` (server/tftp.c) on 127.0.0.1 at a free
# high port, against real clients (tftp-hpa, atftp, busybox tftp, curl, our
# tftpc) and a misbehaving one (tests/integration/tftp_probe.c).  Every file
# fetched is compared with cmp.  Covers: no options (DATA 1 at once), blksize,
# tsize, windowsize, block-number rollover (40 MB at 512 = 78126 blocks, 100 MB
# at 1428 = 70029), 8 clients at once, Debian's loaders and the generated
# menu, traversal and symlinks, not found, WRQ, garbage datagrams, the
# firmware's tsize query, lost blocks and ACKs in a window, duplicate ACKs,
# retransmission and giving up, the transfer cap (256, filled from 9 loopback
# addresses) and the per-address cap (32: a 33rd RRQ from one address is
# refused while another address is still served; one log line per burst,
# its count after).  The server is stopped by PID on exit.
TMP_NAME=netboot-serve-tftp TMP_IN=/dev/shm . "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
NB=${NB:-$ROOT/build/netboot}	# NB=build/netboot-san runs it under ASan/UBSan
PROBE=$ROOT/build/integration/tftp_probe
TFTPC=$ROOT/build/integration/tftpc
T=serve_tftp

make -s -C "$ROOT" build/netboot build/integration/tftp_probe build/integration/tftpc > "$TMP/make.log" 2>&1 ||
	{ fail build "$(tail -3 "$TMP/make.log")"; exit 1; }

B=$TMP/boot
mkdir -p "$B/sub" "$TMP/out"
head -c 3000000 /dev/urandom > "$B/vmlinuz"
head -c 700001 /dev/urandom > "$B/initram.igz"
head -c 40000000 /dev/urandom > "$B/sysrcd.dat"	# 78126 blocks at 512: past 65535
head -c 100000000 /dev/urandom > "$B/big.img"	# 70029 blocks at 1428
head -c 1000 /dev/urandom > "$B/sub/small"
: > "$B/empty"
ln -s vmlinuz "$B/link-in"
ln -s /etc/passwd "$B/link-out"

P=$(free_udp_port)
"$NB" serve --boot-dir "$B" --no-dhcp --no-http --stage3 tftp --tftp-port "$P" > "$TMP/log" 2>&1 &
SRV=$!
PIDS+=($SRV)
wait_udp_port "$P" || { fail start "the server did not listen: $(tail -3 "$TMP/log")"; exit 1; }
H=127.0.0.1
log_has() { grep -q -- "$1" "$TMP/log"; }
same() { cmp -s "$1" "$2"; local rc=$?; rm -f "$1"; return $rc; }

# the no-ACK client runs in the background: it takes the retry time (~6 s)
"$PROBE" $H "$P" noack vmlinuz > "$TMP/noack" 2>&1 &
NOACK=$!

# ---- real clients ----
tftp $H "$P" -m binary -c get vmlinuz "$TMP/out/a" > /dev/null 2>&1
check "tftp-hpa: vmlinuz, no options" same "$TMP/out/a" "$B/vmlinuz"
check "no options: DATA 1 at once, blksize 512, window 1" log_has "sent vmlinuz 3.0 MB in .* s (.* MB/s), blksize 512, window 1"
tftp $H "$P" -m binary -c get sysrcd.dat "$TMP/out/a" > /dev/null 2>&1
check "tftp-hpa: 40 MB at blksize 512 (78126 blocks, rollover)" same "$TMP/out/a" "$B/sysrcd.dat"
atftp --option "blksize 1428" --option "tsize 0" --option "windowsize 8" -g -r big.img -l "$TMP/out/a" $H "$P" > /dev/null 2>&1
check "atftp: 100 MB, blksize 1428, tsize, windowsize 8 (70029 blocks, rollover)" same "$TMP/out/a" "$B/big.img"
check "atftp: log names blksize 1428, window 8" log_has "sent big.img 100.0 MB in .*, blksize 1428, window 8"
busybox tftp -b 1468 -g -r sysrcd.dat -l "$TMP/out/a" $H "$P" > /dev/null 2>&1
check "busybox tftp -b 1468: 40 MB" same "$TMP/out/a" "$B/sysrcd.dat"
busybox tftp -b 512 -g -r initram.igz -l "$TMP/out/a" $H "$P" > /dev/null 2>&1
check "busybox tftp -b 512: initram.igz" same "$TMP/out/a" "$B/initram.igz"
curl -s "tftp://$H:$P/vmlinuz" -o "$TMP/out/a"
check "curl: vmlinuz" same "$TMP/out/a" "$B/vmlinuz"
curl -s --tftp-blksize 1468 "tftp://$H:$P/sub/small" -o "$TMP/out/a"
check "curl --tftp-blksize 1468: a file in a subfolder" same "$TMP/out/a" "$B/sub/small"
curl -s "tftp://$H:$P/empty" -o "$TMP/out/a"
check "curl: an empty file (no tsize 0 in the OACK: curl refuses it)" same "$TMP/out/a" "$B/empty"
"$TFTPC" -o "$TMP/out/a" $H "$P" big.img > "$TMP/stats" 2>&1
check "tftpc: 100 MB, blksize from the loopback MTU, window bounded by the buffer" same "$TMP/out/a" "$B/big.img"
check "tftpc: blksize 65464 window 4 tsize 100000000" grep -q "blksize=65464 window=4 .*tsize=100000000" "$TMP/stats"
"$TFTPC" -b 512 -w 64 -o "$TMP/out/a" $H "$P" sysrcd.dat > "$TMP/stats" 2>&1
check "tftpc: 40 MB at 512, window 64, rollover" same "$TMP/out/a" "$B/sysrcd.dat"

# ---- eight at once ----
pids=()
for i in 1 2 3 4 5 6 7 8; do
	case $((i % 4)) in
	0) busybox tftp -b 1468 -g -r sysrcd.dat -l "$TMP/out/p$i" $H "$P" ;;
	1) curl -s --tftp-blksize 1024 "tftp://$H:$P/sysrcd.dat" -o "$TMP/out/p$i" ;;
	2) atftp --option "windowsize 16" --option "blksize 1468" -g -r sysrcd.dat -l "$TMP/out/p$i" $H "$P" ;;
	3) "$TFTPC" -o "$TMP/out/p$i" $H "$P" sysrcd.dat ;;
	esac > /dev/null 2>&1 &
	pids+=($!)
done
ok=0
for i in 1 2 3 4 5 6 7 8; do wait "${pids[$((i - 1))]}"; same "$TMP/out/p$i" "$B/sysrcd.dat" && ok=$((ok + 1)); done
check "8 clients at once (busybox, curl, atftp, tftpc): $ok of 8 correct" test $ok -eq 8

# ---- Debian's loaders and the generated menu ----
if [ -f /usr/lib/PXELINUX/pxelinux.0 ]; then
	curl -s "tftp://$H:$P/pxelinux.0" -o "$TMP/out/a"
	check "pxelinux.0 is Debian's" cmp -s "$TMP/out/a" /usr/lib/PXELINUX/pxelinux.0
	check "pxelinux.0 served: log" log_has "sent pxelinux.0 "
fi
curl -s "tftp://$H:$P/pxelinux.cfg/default" -o "$TMP/out/menu"
check "pxelinux.cfg/default: APPEND with the stage-3 argument" \
	grep -Eq "APPEND .*netboot=tftp://[^ ]*:$P/sysrcd.dat" "$TMP/out/menu"

# ---- refusals ----
rrq() { printf '\0\001%s\0octet\0' "$1" | "$PROBE" $H "$P" raw; }
check "../../etc/passwd: access violation" test "$(rrq ../../etc/passwd)" = "error code=2 msg=Access violation"
check "../../etc/passwd: logged" log_has "\.\./\.\./etc/passwd: outside the boot folder, refused"
check "sub/../../x: access violation" test "$(rrq sub/../../etc/passwd)" = "error code=2 msg=Access violation"
r=$(rrq /etc/passwd)
check "/etc/passwd: an error, not the file ($r)" grep -q '^error code=[12] ' <<<"$r"
check "/etc/passwd: logged" log_has "tftp: /etc/passwd: not found"
check "symlink out of the folder: access violation" test "$(rrq link-out)" = "error code=2 msg=Access violation"
check "symlink out: logged" log_has "link-out: outside the boot folder, refused"
curl -s "tftp://$H:$P/link-in" -o "$TMP/out/a"
check "symlink inside the folder works" same "$TMP/out/a" "$B/vmlinuz"
check "not found: ERROR 1" test "$(rrq nothere.dat)" = "error code=1 msg=File not found"
check "not found: logged" log_has "tftp: nothere.dat: not found"
curl -s "tftp://$H:$P/nothere.dat" -o "$TMP/out/a"; rc=$?
check "not found: curl fails (exit $rc)" test $rc -ne 0
r=$(printf '\0\002upload.bin\0octet\0' | "$PROBE" $H "$P" raw)
check "WRQ: access violation ($r)" test "$r" = "error code=2 msg=read-only server"
check "WRQ: logged" log_has "refused a write request for upload.bin"
check "WRQ: nothing written" test ! -e "$B/upload.bin"

# ---- options: only what was asked, mode names ----
r=$(printf '\0\001vmlinuz\0octet\0tsize\0000\0' | "$PROBE" $H "$P" raw)
check "tsize alone: OACK has only tsize=3000000 ($r)" test "$r" = "oack tsize=3000000"
r=$(printf '\0\001vmlinuz\0octet\0x-unknown\0001\0' | "$PROBE" $H "$P" raw)
check "unknown option only: no OACK, DATA 1 ($r)" test "$r" = "op=3 block=1 len=512"
r=$(printf '\0\001vmlinuz\0octet\0BLKSIZE\00099999\0WindowSize\0009999\0timeout\0003\0' | "$PROBE" $H "$P" raw)
check "blksize/windowsize clamped, timeout echoed ($r)" test "$r" = "oack blksize=65464 timeout=3 windowsize=4"
r=$(printf '\0\001vmlinuz\0OcTeT\0' | "$PROBE" $H "$P" raw)
check "mode names are case-insensitive ($r)" test "$r" = "op=3 block=1 len=512"
r=$(printf '\0\001vmlinuz\0NETASCII\0' | "$PROBE" $H "$P" raw)
check "netascii served as octet ($r)" test "$r" = "op=3 block=1 len=512"
r=$(printf '\0\001vmlinuz\0mail\0' | "$PROBE" $H "$P" raw)
check "mail mode: ERROR 4 ($r)" grep -q '^error code=4 ' <<<"$r"

# ---- garbage does not hurt ----
for i in $(seq 20); do head -c $((RANDOM % 600 + 1)) /dev/urandom | "$PROBE" $H "$P" raw > /dev/null; done
r=$(printf '\0\001vmli' | "$PROBE" $H "$P" raw)
check "truncated RRQ: ERROR 4 ($r)" grep -q '^error code=4 ' <<<"$r"
r=$(printf '\0\001vmlinuz\0octet' | "$PROBE" $H "$P" raw)
check "RRQ without the final NUL: ERROR 4 ($r)" grep -q '^error code=4 ' <<<"$r"
r=$(printf '\0\001vmlinuz\0octet\0blksize\0' | "$PROBE" $H "$P" raw)
check "option without value: ERROR 4 ($r)" grep -q '^error code=4 ' <<<"$r"
r=$(printf '\0\001vmlinuz\0octet\0blksize\0abc\0' | "$PROBE" $H "$P" raw)
check "option with a non-numeric value: ERROR 8 ($r)" grep -q '^error code=8 ' <<<"$r"
r=$(printf '\0\004\0\001' | "$PROBE" $H "$P" raw)
check "a stray ACK on the request port: no reply" test "$r" = "no reply"
printf '\0' | "$PROBE" $H "$P" raw > /dev/null
check "garbage logged" log_has "dropped a .*-byte datagram"
check "garbage: server alive" kill -0 $SRV
curl -s "tftp://$H:$P/vmlinuz" -o "$TMP/out/a"
check "garbage: a normal get still works" same "$TMP/out/a" "$B/vmlinuz"

# ---- protocol behaviour ----
r=$("$PROBE" $H "$P" tsize-abort initram.igz)
check "firmware tsize query: OACK with the size ($r)" test "$r" = "oack tsize=700001 blksize=1468"
sleep 0.2
check "tsize query logged quietly as a size query" log_has "size query for initram.igz (700.0 kB)"
check "tsize query: not logged as an abort" bash -c "! grep -q 'aborted initram.igz\|initram.igz: transfer ended' '$TMP/log'"
r=$("$PROBE" $H "$P" lossy sysrcd.dat "$TMP/out/lossy")
check "windowsize 16 with losses: every 97th block dropped once, one window ACK lost ($r)" \
	grep -Eq '^blocks=78126 drops=80[0-9] gaps=80[0-9] lost_acks=1$' <<<"$r"
check "windowsize with losses: 40 MB intact across the rollover" same "$TMP/out/lossy" "$B/sysrcd.dat"
r=$("$PROBE" $H "$P" dupack vmlinuz)
check "duplicate ACKs: DATA 2 sent once ($r)" test "$r" = "data2=1 other=0"
wait $NOACK
r=$(cat "$TMP/noack")
check "no ACK: 1 + 5 retransmissions at timeout 1 s, then ERROR ($r)" grep -Eq '^copies=6 secs=[5-7]\.[0-9] then error code=0' <<<"$r"
check "no ACK: logged as given up" log_has "gave up on vmlinuz after 5 retransmissions"

sleep 1.2	# the dupack probe's transfer ends on its first retransmission
# from 127.0.0.2-10, 28 or 29 each: under the per-address cap, so the table's cap answers
r=$("$PROBE" $H "$P" flood 257 vmlinuz 127.0.0.2 9)
check "257 at once from 9 addresses: 256 served, 1 'server busy' ($r)" test "$r" = "data=256 busy=1 other=0"
check "busy: logged" log_has "refused vmlinuz: 256 transfers already running"
sleep 1.5	# the 256 abandoned transfers end on their first retransmission
# host A sends 40 and holds its 32 transfers open 3 s; host B asks meanwhile
"$PROBE" $H "$P" flood 40 vmlinuz 127.0.0.50 1 3000 > "$TMP/hostA" &
A=$!
for _ in $(seq 50); do [ -s "$TMP/hostA" ] && break; sleep 0.1; done
rb=$("$PROBE" $H "$P" flood 1 vmlinuz 127.0.0.51)
ra=$(cat "$TMP/hostA")
check "one address: 32 served, 8 'server busy' ($ra)" test "$ra" = "data=32 busy=8 other=0"
check "another address meanwhile: served ($rb)" test "$rb" = "data=1 busy=0 other=0"
wait $A
sleep 1.2	# the window of the first refusal closes 1 s after it
n=$(grep -c '127.0.0.50 tftp: refused vmlinuz: 32 transfers from this address already running' "$TMP/log")
check "per-address cap: logged once for the burst ($n)" test "$n" = 1
check "per-address cap: the rest counted when the burst ends" \
	log_has "127.0.0.50 tftp: 7 more like this from 127.0.0.50 in the last 1.0 s (the last: 127.0.0.50 refused vmlinuz: 32 transfers"
curl -s "tftp://$H:$P/vmlinuz" -o "$TMP/out/a"
check "after the flood: a normal get works" same "$TMP/out/a" "$B/vmlinuz"
check "server alive at the end" kill -0 $SRV
kill $SRV; wait $SRV; rc=$?
PIDS=()
check "server stops cleanly on SIGTERM (exit $rc)" test $rc -eq 0
check "no sanitizer or crash report" bash -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error|Segmentation' '$TMP/log'"
[ $FAILED = 0 ] || { echo "--- server log (last 15 lines):"; tail -15 "$TMP/log"; }
exit $FAILED
