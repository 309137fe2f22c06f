#!/bin/bash
# Our TFTP client (netboot/tftp_client.c, driven by tests/integration/tftpc.c)
# against real servers: tftpd-hpa and atftpd on 127.0.0.1, dnsmasq on port 69
# inside a private network namespace.  Files are larger than the block-number
# rollover point (100 MB at blksize 1468 = 68120 blocks, 40 MB at 512 = 78126
# blocks), so every server's wrap 65535 -> 0 is crossed.  Also: a missing
# file, a server that refuses every option, and `netboot fetch tftp://` when
# build/netboot is there.  Every server is stopped by PID on exit.
# --dnsmasq-inner DIR: this script again inside `unshare -n`, in its parent's DIR
[ "${1:-}" = --dnsmasq-inner ] && TMP_GIVEN=$2
TMP_NAME=netboot-tftp TMP_IN=/dev/shm . "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
PEERS=$ROOT/build/peers
TFTPC=$ROOT/build/integration/tftpc
NB=$ROOT/build/netboot

FAIL_SHOW=$TMP/err

# ---- inside `unshare -n`: dnsmasq's TFTP has no port option, so port 69 here ----
if [ "${1:-}" = --dnsmasq-inner ]; then
	ip link set lo up || { fail "dnsmasq: cannot bring lo up in the namespace"; exit 0; }
	dnsmasq --keep-in-foreground --port=0 --enable-tftp --tftp-root="$TMP/root" --interface=lo --bind-interfaces \
		--user=root --log-facility="$TMP/dnsmasq.log" --pid-file="$TMP/dnsmasq.pid" & PIDS+=($!)
	for _ in $(seq 50); do ss -Huln 'sport = :69' | grep -q . && break; sleep 0.1; done
	run_case() {	# name, file, regex over the stats line, tftpc options...
		local name=$1 file=$2 want=$3; shift 3
		if "$TFTPC" "$@" -o "$TMP/out" 127.0.0.1 69 "$file" > "$TMP/stats" 2> "$TMP/err" &&
			[ "$(sha256sum < "$TMP/out" | cut -d' ' -f1)" = "$(cat "$TMP/$file.sha256")" ] &&
			grep -Eq "$want" "$TMP/stats"; then
			pass "$name ($(grep -o 'MBps=[0-9.]*' "$TMP/stats"), $(grep -Eo 'blksize=[0-9]+ window=[0-9]+' "$TMP/stats"), $(grep -o 'blocks=[0-9]*' "$TMP/stats"))"
		else
			cat "$TMP/stats" >> "$TMP/err" 2>/dev/null
			fail "$name"
		fi
		rm -f "$TMP/out"
	}
	roll='blocks=(6[6-9][0-9]{3}|[7-9][0-9]{4}|[1-9][0-9]{5,})'
	run_case "dnsmasq: 100 MB, blksize 1468, rollover, sha256" f100 "blksize=1468 .*$roll" -b 1468
	run_case "dnsmasq: 40 MB, blksize 512, rollover, sha256" f40 "blksize=512 .*$roll" -b 512
	run_case "dnsmasq: 40 MB, blksize from the path MTU (dnsmasq lowers it)" f40 'options=1 .*tsize=40000000'
	"$TFTPC" -o /dev/null 127.0.0.1 69 nothere.dat > /dev/null 2> "$TMP/err"; rc=$?
	[ $rc -eq 2 ] && grep -qi 'not found' "$TMP/err" &&
		pass "dnsmasq: missing file -> ENOENT, '$(sed 's/^tftpc: //' "$TMP/err")'" || fail "dnsmasq: missing file (exit $rc)"
	exit 0
fi


make -s -C "$ROOT" build/integration/tftpc > "$TMP/err" 2>&1 || { fail "building the tftpc driver"; exit 1; }

# the served files: world-readable, since the servers drop to nobody
mkdir -p "$TMP/root"
head -c 100000000 /dev/urandom > "$TMP/root/f100"
head -c 40000000 /dev/urandom > "$TMP/root/f40"
head -c 3000000 /dev/urandom > "$TMP/root/f3"
for f in f100 f40 f3; do sha256sum < "$TMP/root/$f" | cut -d' ' -f1 > "$TMP/$f.sha256"; done
chmod 755 "$TMP" "$TMP/root"; chmod 644 "$TMP/root/"*

# fetch: name, port, file, then tftpc options; checks exit 0, sha256 and, with
# WANT (a regex over the stats line), what the transfer ran with
fetch() {
	local name=$1 port=$2 file=$3; shift 3
	if "$TFTPC" "$@" -o "$TMP/out" 127.0.0.1 "$port" "$file" > "$TMP/stats" 2> "$TMP/err" &&
		[ "$(sha256sum < "$TMP/out" | cut -d' ' -f1)" = "$(cat "$TMP/$file.sha256")" ] &&
		{ [ -z "${WANT:-}" ] || grep -Eq "$WANT" "$TMP/stats"; }; then
		pass "$name ($(grep -o 'MBps=[0-9.]*' "$TMP/stats"), $(grep -Eo 'blksize=[0-9]+ window=[0-9]+' "$TMP/stats"), $(grep -o 'blocks=[0-9]*' "$TMP/stats"))"
	else
		cat "$TMP/stats" >> "$TMP/err" 2>/dev/null
		fail "$name"
	fi
	rm -f "$TMP/out"
}
# a missing file must fail with ENOENT (exit 2) and say "not found"
missing() {
	local name=$1 port=$2 rc
	"$TFTPC" -o /dev/null 127.0.0.1 "$port" nothere.dat > /dev/null 2> "$TMP/err"; rc=$?
	[ $rc -eq 2 ] && grep -qi 'not found' "$TMP/err" &&
		pass "$name: missing file -> ENOENT, '$(sed 's/^tftpc: //' "$TMP/err")'" || fail "$name: missing file (exit $rc)"
}
ROLL='blocks=(6[6-9][0-9]{3}|[7-9][0-9]{4}|[1-9][0-9]{5,})'	# more than 65535 blocks

# ---- (1) tftpd-hpa: no windowsize, so lock-step ----
if [ -x /usr/sbin/in.tftpd ]; then
	hpa=$(free_udp_port)
	/usr/sbin/in.tftpd -L -a 127.0.0.1:$hpa -s "$TMP/root" & PIDS+=($!)
	if wait_udp_port $hpa; then
		WANT="blksize=1468 .*$ROLL" fetch "tftpd-hpa: 100 MB, blksize 1468, rollover, sha256" $hpa f100 -b 1468
		WANT="blksize=512 .*$ROLL" fetch "tftpd-hpa: 40 MB, blksize 512, rollover, sha256" $hpa f40 -b 512
		WANT='blksize=65464 .*options=1 .*tsize=100000000' fetch "tftpd-hpa: 100 MB, blksize from loopback MTU, tsize" $hpa f100
		missing "tftpd-hpa" $hpa
	else
		fail "tftpd-hpa did not start"
	fi
	# (5) a server that refuses every option: DATA 1 instead of an OACK
	ref=$(free_udp_port)
	/usr/sbin/in.tftpd -L -a 127.0.0.1:$ref -r blksize -r tsize -r timeout -s "$TMP/root" & PIDS+=($!)
	if wait_udp_port $ref; then
		WANT="blksize=512 window=1 options=0 .*$ROLL" fetch "tftpd-hpa refusing options: plain RFC 1350, 40 MB, rollover" $ref f40
	else
		fail "tftpd-hpa (refusing options) did not start"
	fi
else
	skip "tftpd-hpa: /usr/sbin/in.tftpd not installed"
fi

# ---- (2) atftpd with windowsize (RFC 7440).  It conflicts with tftpd-hpa as a
# package, so it is unpacked, not installed, and cached in build/peers. ----
ATFTPD=$PEERS/atftpd/usr/sbin/atftpd
if [ ! -x "$ATFTPD" ]; then
	mkdir -p "$PEERS/deb"
	( cd "$PEERS/deb" && { apt-get download atftpd >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get download atftpd >/dev/null 2>&1; }; } )
	deb=$(ls "$PEERS"/deb/atftpd_*.deb 2>/dev/null | tail -1)
	[ -n "$deb" ] && dpkg -x "$deb" "$PEERS/atftpd"
fi
if [ ! -x "$ATFTPD" ]; then
	skip "atftpd: could not fetch the package (apt-get download atftpd)"
elif ldd "$ATFTPD" | grep -q 'not found'; then
	skip "atftpd: missing libraries: $(ldd "$ATFTPD" | grep 'not found' | awk '{print $1}' | tr '\n' ' ')"
else
	at=$(free_udp_port)
	"$ATFTPD" --daemon --no-fork --port $at --bind-address 127.0.0.1 --user root --group root \
		--logfile "$TMP/atftpd.log" "$TMP/root" & PIDS+=($!)
	if wait_udp_port $at; then
		WANT="blksize=1468 window=64 .*$ROLL" fetch "atftpd: 100 MB, blksize 1468, window 64, rollover, sha256" $at f100 -b 1468
		WANT="blksize=512 window=64 .*$ROLL" fetch "atftpd: 40 MB, blksize 512, window 64, rollover, sha256" $at f40 -b 512
		WANT="blksize=1468 window=1 .*$ROLL" fetch "atftpd: 100 MB, blksize 1468, lock-step, rollover" $at f100 -b 1468 -w 1
		WANT='blksize=65464 window=64 .*tsize=100000000' fetch "atftpd: 100 MB, defaults (path MTU, window 64)" $at f100
		missing "atftpd" $at
	else
		fail "atftpd did not start"
	fi
fi

# ---- (3) dnsmasq, in a namespace of its own ----
if ! command -v dnsmasq >/dev/null; then
	skip "dnsmasq: not installed"
elif ! unshare -n true 2>/dev/null; then
	skip "dnsmasq: cannot create a network namespace (unshare -n)"
else
	unshare -n "$0" --dnsmasq-inner "$TMP"
fi

# ---- the stage-3 path: netboot fetch tftp:// (fetch.c -> transport -> tftp_get) ----
if [ -x "$NB" ] && [ -n "${at:-}" ] && "$NB" fetch 2>&1 | grep -q usage; then
	port=${at}
	if "$NB" fetch --quiet --nocheck "tftp://127.0.0.1:$port/f3" -o "$TMP/out" > "$TMP/stats" 2> "$TMP/err" &&
		[ "$(sha256sum < "$TMP/out" | cut -d' ' -f1)" = "$(cat "$TMP/f3.sha256")" ]; then
		pass "netboot fetch tftp:// (atftpd): 3 MB, sha256"
	else
		fail "netboot fetch tftp:// (atftpd)"
	fi
	"$NB" fetch --quiet --nocheck "tftp://127.0.0.1:$port/nothere.dat" -o "$TMP/out" > /dev/null 2> "$TMP/err"; rc=$?
	grep -q "nothere.dat: TFTP error 1 (File not found) from tftp://127.0.0.1:$port/nothere.dat" "$TMP/err" &&
		pass "netboot fetch tftp:// missing file (exit $rc): $(head -1 "$TMP/err")" || fail "netboot fetch tftp:// missing file (exit $rc)"
else
	skip "netboot fetch tftp://: build/netboot with a fetch command (and atftpd) not available"
fi
exit 0
