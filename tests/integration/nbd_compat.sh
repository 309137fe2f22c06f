#!/bin/bash
# `netboot nbd` (the NBD client /init runs) against the servers the seed's
# users may still have: nbdkit --oldstyle (the oldstyle handshake, one export
# per port, as nbd-server 2.x spoke it) and today's nbd-server started the
# seed's way, `nbd-server PORT FILE` (newstyle, default export "").  Loopback
# only; every server runs with a PID we stop on exit.
TMP_NAME=netboot-nbdc . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
# servers that daemonize leave a pid file: stopped too
CLEANUP_HOOK='for f in "$TMP"/*.pid; do [ -s "$f" ] && PIDS+=("$(cat "$f")"); done'
FAIL_SHOW=$TMP/err
nbd() { "$NB" nbd "$@" > "$TMP/out" 2> "$TMP/err"; }

[ -x "$NB" ] || { echo "FAIL: $NB not built"; exit 1; }
# nbd-server drops to user nbd: the image and its folder must be readable
chmod 755 "$TMP"
head -c $((5 * 1000 * 1000 + 512)) /dev/urandom > "$TMP/sysrcd.dat"
chmod 644 "$TMP/sysrcd.dat"

if command -v nbdkit >/dev/null; then
	op=$(free_port)
	# -f: foreground, so $! is the server; -r: read-only, as an image is served
	nbdkit --oldstyle -f -r -i 127.0.0.1 -p "$op" file "$TMP/sysrcd.dat" 2> "$TMP/nbdkit.log" & PIDS+=($!)
	if wait_port "$op"; then
		nbd "nbd://127.0.0.1:$op" -o "$TMP/copy" && grep -qx 'style=oldstyle' "$TMP/out" &&
			grep -qx "size=$((5 * 1000 * 1000 + 512))" "$TMP/out" && cmp -s "$TMP/copy" "$TMP/sysrcd.dat" &&
			[ ! -s "$TMP/err" ] && pass "nbdkit --oldstyle: detected, whole export copied, cmp equal" ||
			fail "nbdkit --oldstyle copy"
		grep -q '^flags=0x.* read-only' "$TMP/out" && pass "nbdkit --oldstyle -r: read-only flag from the 32 flag bits" ||
			fail "oldstyle read-only flag"
		nbd "nbd://127.0.0.1:$op/sysrcd" --read 1234567 77777 -o "$TMP/range" &&
			cmp -s "$TMP/range" <(dd if="$TMP/sysrcd.dat" bs=1 skip=1234567 count=77777 status=none) &&
			grep -qx "netboot nbd: oldstyle NBD server (one export per port): export name 'sysrcd' ignored" "$TMP/err" &&
			pass "oldstyle: export name ignored with a note, ranged read equal" || fail "oldstyle with an export name"
		nbd "nbd://127.0.0.1:$op" --read 5000000 1000; rc=$?
		[ $rc -eq 1 ] && grep -q 'past the end of the export (5000512 bytes)' "$TMP/err" &&
			pass "oldstyle: read past the end refused" || fail "oldstyle read past the end (exit $rc)"
	else
		echo "FAIL: nbdkit --oldstyle did not start"; cat "$TMP/nbdkit.log"
	fi
else
	echo "SKIP: nbdkit not installed (scripts/install-deps.sh)"
fi

if command -v nbd-server >/dev/null; then
	# the seed's `nbd-server PORT FILE`, bound to loopback (ip:port) and with
	# a PID file so the trap can stop the daemon it forks
	np=$(free_port)
	nbd-server "127.0.0.1:$np" "$TMP/sysrcd.dat" -r -p "$TMP/nbd-server.pid" 2> "$TMP/nbd-server.log"
	if wait_port "$np"; then
		nbd "nbd://127.0.0.1:$np" -o "$TMP/copy2" && grep -qx 'style=newstyle' "$TMP/out" &&
			cmp -s "$TMP/copy2" "$TMP/sysrcd.dat" && grep -q '^flags=0x.* read-only' "$TMP/out" &&
			pass "nbd-server PORT FILE: default export \"\" copied, cmp equal" || fail "nbd-server PORT FILE copy"
	else
		echo "FAIL: nbd-server PORT FILE did not start"; cat "$TMP/nbd-server.log"
	fi
	# the notes' pitfall: FILE in a folder user nbd cannot enter -> refused by policy, said so
	mkdir -m 700 "$TMP/private"; cp "$TMP/sysrcd.dat" "$TMP/private/"
	pp=$(free_port)
	nbd-server "127.0.0.1:$pp" "$TMP/private/sysrcd.dat" -r -p "$TMP/nbd-private.pid" 2> "$TMP/nbd-private.log"
	if wait_port "$pp"; then
		nbd "nbd://127.0.0.1:$pp"; rc=$?
		[ $rc -eq 1 ] && grep -q "nbd://127.0.0.1:$pp/: server refused export '' (NBD_REP_ERR_POLICY" "$TMP/err" &&
			pass "nbd-server PORT FILE, FILE unreadable for user nbd: NBD_REP_ERR_POLICY named" ||
			fail "unreadable FILE (exit $rc)"
	else
		echo "FAIL: nbd-server (private FILE) did not start"; cat "$TMP/nbd-private.log"
	fi
else
	echo "SKIP: nbd-server not installed"
fi
exit 0
