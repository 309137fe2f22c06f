#!/bin/bash
# TFTP through 200 ms each way (issue 10; faults_delay.sh does HTTP and NBD
# through its TCP proxy).  No netem on this kernel: udp_delay
# (tests/integration/udp_delay.c) relays UDP on a private namespace's
# loopback and holds every datagram 200 ms each way.  It follows one
# transfer at a time, as one fetch runs them (checksum file, then image).
#   1 `netboot serve`: `netboot fetch tftp://` of 2 MB with the checksum file
#     the server wrote (sysrcd.sha256) completes, verifies, is byte-identical
#     and the server logs it sent.  The time is at least the round trips the
#     transfer needs (2 for the checksum file, 1 for the OACK, 1 per window,
#     from the blksize and window the server logs: 11 at 64 KB x 4), at most
#     15 s; the client resent nothing and the relay carried no more datagrams
#     than the exchange needs, plus 2 (a flood or spurious timeouts show there)
#   2 tftpd-hpa, when installed (no windowsize: lock-step, 1 block per round
#     trip): 300 KB with --checksum, the same checks.
# Servers and relays stopped by PID, the namespace deleted on exit.  ~9 s.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
DELAY=$ROOT/build/integration/udp_delay
T=faults_delay_tftp
. "$ROOT/tests/integration/netns_lib.sh"
[ -x "$NB" ] || { echo "FAIL: $T: $NB not built"; exit 1; }
need_netns
[ -x "$DELAY" ] || make -s -C "$ROOT" build/integration/udp_delay > "$tmp/make.log" 2>&1 ||
	{ echo "FAIL: $T: udp_delay: $(tail -3 "$tmp/make.log")"; exit 1; }
RTT=400	# ms: 200 each way

ns=nbtdelay-$tag
newns "$ns" || { echo "FAIL: $T: cannot create namespace"; exit 1; }
# an address besides 127.0.0.1: without one, getaddrinfo's AI_ADDRCONFIG
# finds no IPv4 here and tftpd-hpa cannot resolve its -a 127.0.0.1
ip -n "$ns" addr add 192.0.2.1/24 dev lo
in_ns() { ip netns exec "$ns" "$@"; }	# not for &: $! must be the program itself
wait_udp() { for _ in $(seq 50); do in_ns ss -Huln "sport = :$1" | grep -q . && return 0; sleep 0.1; done; return 1; }
relay() {	# relay LISTEN_PORT SERVER_PORT: sets RELAY (its PID), output in $tmp/relay.LISTEN_PORT
	ip netns exec "$ns" "$DELAY" "$1" "$2" 200000 > "$tmp/relay.$1" 2>&1 &
	RELAY=$!; PIDS+=($RELAY)
	wait_udp "$1"
}
relay_stop() {	# relay_stop LISTEN_PORT: sets up, down: the counts it prints on SIGTERM
	kill "$RELAY"; wait "$RELAY"
	read -r up down < <(sed -n 's/^udp_delay: to_server=\([0-9]*\) to_client=\([0-9]*\) .*/\1 \2/p' "$tmp/relay.$1")
}
fetch() {	# fetch NAME URL ARGS...: sets rc, dt (ms); output in $tmp/NAME.out
	local name=$1; shift
	local t0; t0=$(now_ms)
	in_ns timeout 60 "$NB" fetch "$@" -o "$tmp/$name" > "$tmp/$name.out" 2>&1; rc=$?
	dt=$(( $(now_ms) - t0 ))
}

# --- 1: netboot serve ---
B=$tmp/boot; mkdir -p "$B"
size=$((2 * 1000 * 1000 + 5))
head -c $size /dev/urandom > "$B/sysrcd.dat"; : > "$B/vmlinuz"; : > "$B/initram.igz"
ip netns exec "$ns" "$NB" serve --boot-dir "$B" --no-dhcp --no-http --no-nbd --stage3 tftp --local-ip 192.0.2.1 \
	--tftp-port 6969 > "$tmp/log" 2>&1 &
PIDS+=($!)
wait_udp 6969 || { echo "FAIL: $T: the server did not start: $(tail -3 "$tmp/log")"; exit 1; }
relay 7070 6969 || { echo "FAIL: $T: udp_delay did not start: $(cat "$tmp/relay.7070")"; exit 1; }
fetch a tftp://127.0.0.1:7070/sysrcd.dat
sleep 0.5	# the last ACK is 200 ms on its way to the server
relay_stop 7070
check "200 ms each way: TFTP fetch of 2 MB with its checksum file verified (exit $rc, $dt ms)" \
	bash -c "[ $rc -eq 0 ] && cmp -s '$B/sysrcd.dat' '$tmp/a' && grep -q '^verified=sha256:' '$tmp/a.out' &&
		grep -q '^checksum_source=tftp://127.0.0.1:7070/sysrcd.sha256' '$tmp/a.out'"
read -r blk win < <(sed -n 's/.* tftp: sent sysrcd\.dat 2\.0 MB in .*, blksize \([0-9]*\), window \([0-9]*\)$/\1 \2/p' "$tmp/log")
check "the server logged the image sent (blksize ${blk:-?}, window ${win:-?})" test -n "$win"
blocks=$(( size / ${blk:-1} + 1 )); windows=$(( (blocks + ${win:-1} - 1) / ${win:-1} ))
trips=$(( 2 + 1 + windows ))
check "the delay was there: $dt ms >= $trips round trips of $RTT ms" test "$dt" -ge $(( trips * RTT ))
check "no stall either: $dt ms < 15 s" test "$dt" -lt 15000
check "the client resent nothing" bash -c "! grep -q 'resending\|retrying without options' '$tmp/a.out'"
# needed: checksum file RRQ, ACK 0, ACK 1; image RRQ, ACK 0, one ACK per window; back: 2 OACKs and the blocks
check "datagrams to the server: ${up:-?} (needed $((5 + windows)), + 2 at most)" \
	bash -c "[ '${up:-0}' -ge $((5 + windows)) ] && [ '${up:-0}' -le $((7 + windows)) ]"
check "datagrams to the client: ${down:-?} (needed $((3 + blocks)), + 2 at most)" \
	bash -c "[ '${down:-0}' -ge $((3 + blocks)) ] && [ '${down:-0}' -le $((5 + blocks)) ]"

# --- 2: tftpd-hpa, lock-step ---
if [ -x /usr/sbin/in.tftpd ]; then
	H=$tmp/hpa; mkdir -p "$H"
	hsize=$((300 * 1000))
	head -c $hsize /dev/urandom > "$H/small.img"
	chmod 755 "$tmp" "$H"; chmod 644 "$H/small.img"	# tftpd-hpa reads as nobody
	sum=sha256:$(sha256sum < "$H/small.img" | cut -d' ' -f1)
	ip netns exec "$ns" /usr/sbin/in.tftpd -L -a 127.0.0.1:6970 -s "$H" > "$tmp/hpa.log" 2>&1 &
	PIDS+=($!)
	wait_udp 6970 && relay 7071 6970 || { echo "FAIL: $T: tftpd-hpa or its relay did not start"; exit 1; }
	fetch h tftp://127.0.0.1:7071/small.img --checksum "$sum"
	sleep 0.5
	relay_stop 7071
	check "tftpd-hpa, 200 ms each way: 300 KB verified (exit $rc, $dt ms)" \
		bash -c "[ $rc -eq 0 ] && cmp -s '$H/small.img' '$tmp/h' && grep -q '^verified=' '$tmp/h.out'"
	# blksize 65464 (loopback), window 1: the OACK, then a round trip per block
	hblocks=$(( hsize / 65464 + 1 ))
	check "tftpd-hpa: $dt ms >= $((1 + hblocks)) round trips, < 15 s" \
		bash -c "[ $dt -ge $(( (1 + hblocks) * RTT )) ] && [ $dt -lt 15000 ]"
	check "tftpd-hpa: the client resent nothing" bash -c "! grep -q 'resending\|retrying without options' '$tmp/h.out'"
	check "tftpd-hpa: datagrams ${up:-?} up, ${down:-?} down (needed $((2 + hblocks)) and $((1 + hblocks)), + 2 at most)" \
		bash -c "[ '${up:-0}' -ge $((2 + hblocks)) ] && [ '${up:-0}' -le $((4 + hblocks)) ] &&
			[ '${down:-0}' -ge $((1 + hblocks)) ] && [ '${down:-0}' -le $((3 + hblocks)) ]"
else
	echo "SKIP: $T: tftpd-hpa not installed: the client against a lock-step server not run"
fi
[ -n "${KEEP_LOG:-}" ] && { cat "$tmp"/relay.* "$tmp"/*.out; tail -5 "$tmp/log"; } >&2
exit 0
