#!/bin/bash
# `netboot nbd` (the NBD client /init runs) against a real nbd-server on
# 127.0.0.1: handshake, whole-export copy, a ranged read, a missing export,
# nobody listening, and a peer that is not an NBD server (busybox httpd).
# Every server is stopped by PID on exit.
TMP_NAME=netboot-nbd . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
FAIL_SHOW=$TMP/err

command -v nbd-server >/dev/null || { echo "SKIP: nbd-server: not installed"; exit 0; }
[ -x "$NB" ] || { echo "FAIL: $NB not built"; exit 1; }

head -c $((20 * 1000 * 1000)) /dev/urandom > "$TMP/sysrcd.img"
head -c 4096 /dev/urandom > "$TMP/small.img"
port=$(free_port)
nbd_server_start "$TMP" "$port" sysrcd="$TMP/sysrcd.img" small="$TMP/small.img" ||
	{ echo "FAIL: nbd-server did not start"; cat "$TMP/nbd.log"; exit 1; }

nbd() { "$NB" nbd "$@" > "$TMP/out" 2> "$TMP/err"; }

nbd "nbd://127.0.0.1:$port/sysrcd" -o "$TMP/copy" && grep -qx 'size=20000000' "$TMP/out" && grep -q '^flags=0x' "$TMP/out" &&
	[ "$(sha256sum < "$TMP/copy")" = "$(sha256sum < "$TMP/sysrcd.img")" ] &&
	pass "handshake + 20 MB export copied, sha256 equal" || fail "handshake + 20 MB export copy"
grep -q '^flags=0x.*read-only' "$TMP/out" && pass "readonly=true export reported read-only" || fail "read-only flag"

nbd "nbd://127.0.0.1:$port/sysrcd" --read 1234567 77777 -o "$TMP/range" &&
	cmp -s "$TMP/range" <(dd if="$TMP/sysrcd.img" bs=1 skip=1234567 count=77777 status=none) &&
	pass "--read at an odd offset equals dd of the range" || fail "--read at an odd offset"
nbd "nbd://127.0.0.1:$port/small" --read 4095 1 && [ "$(od -An -tx1 < "$TMP/out")" = "$(tail -c 1 "$TMP/small.img" | od -An -tx1)" ] &&
	grep -qx 'size=4096' "$TMP/err" && pass "second export: last byte to stdout, facts to stderr" || fail "second export, last byte"
nbd "nbd://127.0.0.1:$port/small" --read 4095 2; rc=$?
[ $rc -eq 1 ] && grep -q 'past the end of the export (4096 bytes)' "$TMP/err" && pass "read past the end refused" ||
	fail "read past the end (exit $rc)"

nbd "nbd://127.0.0.1:$port/nothere"; rc=$?
[ $rc -eq 4 ] && grep -q "nbd://127.0.0.1:$port/nothere: server has no export 'nothere' (NBD_REP_ERR_UNKNOWN" "$TMP/err" &&
	pass "missing export: exit 4, export named" || fail "missing export (exit $rc)"

dead=$(free_port)
nbd "nbd://127.0.0.1:$dead/sysrcd"; rc=$?
[ $rc -eq 1 ] && grep -q "nbd://127.0.0.1:$dead/sysrcd: cannot connect to 127.0.0.1 port $dead: Connection refused" "$TMP/err" &&
	pass "nobody listening: connection refused named" || fail "nobody listening (exit $rc)"

# a peer that waits for a request (HTTP): no greeting within the timeout
mkdir -p "$TMP/www"
hp=$(free_port); busybox httpd -f -p 127.0.0.1:$hp -h "$TMP/www" & PIDS+=($!)
if wait_port $hp; then
	nbd "nbd://127.0.0.1:$hp/sysrcd" --timeout 1; rc=$?
	[ $rc -eq 1 ] && grep -q "nbd://127.0.0.1:$hp/sysrcd: no NBD greeting within 1000 ms (not an NBD server?)" "$TMP/err" &&
		pass "HTTP server: not an NBD server (no greeting)" || fail "HTTP server (exit $rc)"
else
	echo "SKIP: busybox httpd did not start"
fi
# a peer that speaks first, and not NBD: refused on its first bytes
gp=$(free_port)
listening() { for _ in $(seq 50); do ss -ltn 2>/dev/null | grep -q "127.0.0.1:$1 " && return 0; sleep 0.1; done; return 1; }
command -v python3 >/dev/null && python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
c, _ = s.accept()
try:
    c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n"); c.recv(100)
except OSError:
    pass
c.close()' "$gp" & PIDS+=($!)
if listening "$gp"; then
	nbd "nbd://127.0.0.1:$gp/sysrcd"; rc=$?
	[ $rc -eq 1 ] && grep -q "nbd://127.0.0.1:$gp/sysrcd: not an NBD server (no NBDMAGIC greeting; it sent 'SSH-2.0-OpenSSH_" "$TMP/err" &&
		pass "banner server: not an NBD server, its bytes shown" || fail "banner server (exit $rc)"
else
	echo "SKIP: banner server: ss not available or python3 did not listen"
fi
exit 0
