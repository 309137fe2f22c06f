#!/bin/bash
# Sanitizers over the network paths (issue 10), in private namespaces
# (192.0.2.0/24, no route out):
#   1. `netboot serve` (the glibc build) under valgrind memcheck answers the
#      host tool's dhcp, fetch (HTTP and TFTP) and nbd paths, each also
#      under valgrind; every run must end with no memcheck error
#      (--error-exitcode) and the server with no definite leak.
#   2. the same paths with build/netboot-san (ASan + UBSan) on both sides.
#   3. growth: a plain server takes MEMCHECK_N (default 10000, ~13 s)
#      requests of each kind (DHCP DORA by perfdhcp as a relay, 50 clients,
#      TFTP RRQs, HTTP GETs, NBD handshakes+reads); VmRSS after a warm-up
#      round vs after all of them must differ by < 1 MiB.
# Needs root; prints PASS/FAIL/SKIP.  About 20 s in all.
cd "$(dirname "$0")/../.." || exit 1
T=memcheck
NB=$PWD/build/netboot SAN=$PWD/build/netboot-san
N=${MEMCHECK_N:-10000}
. tests/integration/netns_lib.sh
need valgrind
need_netns
[ -x "$NB" ] || { skip "$NB not built"; exit 0; }

VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite)
S=nbtest-mcs-$tag C=nbtest-mcc-$tag
newns "$S" && newns "$C" && veth "$C" eth0 "$S" veths || { fail setup namespaces; exit 1; }
ip -n "$S" addr add 192.0.2.1/24 dev veths
ip -n "$S" link set veths up
ip -n "$C" link set eth0 up
boot=$tmp/boot
mkdir -p "$boot"
head -c 3000000 /dev/urandom >"$boot/sysrcd.dat"
(cd "$boot" && md5sum sysrcd.dat >sysrcd.md5)
: >"$boot/vmlinuz"; : >"$boot/initram.igz"
sum=$(md5sum <"$boot/sysrcd.dat" | cut -c1-32)

start_server() {	# start_server LOG WRAPPER...: serve in $S, waits for ready
	local log=$1; shift
	ip netns exec "$S" "$@" serve --boot-dir "$boot" --dhcp-range 192.0.2.100 192.0.2.200 \
		--netmask 255.255.255.0 --local-ip 192.0.2.1 --leases "$tmp/leases" --nbd-port 10809 >"$log" 2>&1 &
	SRV=$!
	PIDS+=($SRV)
	wait_log "$log" 'netboot-serve: ready' "$SRV" 200 && return 0
	fail "server start ($*)" "$(tail -5 "$log")"; return 1
}
stop_server() {	# SIGTERM, then its exit status
	kill "$SRV" 2>/dev/null; wait "$SRV"; SRC=$?
}
client() {	# client NAME WRAPPER...: the four paths; PASS/FAIL each
	local name=$1; shift
	ip netns exec "$C" "$@" dhcp --timeout 20 eth0 >"$tmp/$name.dhcp" 2>&1
	check "$name: dhcp path clean (exit $?)" grep -q '^IPV4ADDR=192\.0\.2\.1' "$tmp/$name.dhcp"
	ip -n "$C" addr replace 192.0.2.50/24 dev eth0
	ip netns exec "$C" "$@" fetch http://192.0.2.1/sysrcd.dat -o "$tmp/$name.http" --quiet >"$tmp/$name.fh" 2>&1
	check "$name: fetch http path clean, verified (exit $?)" cmp -s "$tmp/$name.http" "$boot/sysrcd.dat"
	ip netns exec "$C" "$@" fetch tftp://192.0.2.1/sysrcd.dat -o "$tmp/$name.tftp" --checksum "md5:$sum" --quiet >"$tmp/$name.ft" 2>&1
	check "$name: fetch tftp path clean, verified (exit $?)" cmp -s "$tmp/$name.tftp" "$boot/sysrcd.dat"
	ip netns exec "$C" "$@" nbd nbd://192.0.2.1:10809/sysrcd.dat -o "$tmp/$name.nbd" >"$tmp/$name.nb" 2>&1
	check "$name: nbd path clean (exit $?)" cmp -s "$tmp/$name.nbd" "$boot/sysrcd.dat"
	for f in dhcp fh ft nb; do
		grep -q '==[0-9]*==\|runtime error' "$tmp/$name.$f" && fail "$name: $f" "$(grep -m3 '==[0-9]*==\|runtime error' "$tmp/$name.$f")"
	done
	ip -n "$C" addr flush dev eth0
}

# 1. valgrind on both sides
if start_server "$tmp/vg-serve.log" "${VG[@]}" "$NB"; then
	client valgrind "${VG[@]}" "$NB"
	stop_server
	if [ "$SRC" -ne 99 ] && ! grep -q '==[0-9]*==' "$tmp/vg-serve.log"; then pass "valgrind: server loop clean (exit $SRC)"
	else fail "valgrind: server" "$(grep -m5 '==[0-9]*==' "$tmp/vg-serve.log")"; fi
fi
# 2. ASan + UBSan on both sides
if [ -x "$SAN" ]; then
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	if start_server "$tmp/san-serve.log" "$SAN"; then
		client asan "$SAN"
		stop_server
		if ! grep -q 'ERROR: \|runtime error' "$tmp/san-serve.log"; then pass "asan: server loop clean (exit $SRC)"
		else fail "asan: server" "$(grep -m5 'ERROR: \|runtime error' "$tmp/san-serve.log")"; fi
	fi
else
	echo "SKIP: $T: asan: $SAN not built (make build/netboot-san)"
fi

# 3. growth under N requests of each kind
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SRV/status"; }
round() {	# round COUNT: COUNT requests of each kind
	local n=$1
	ip -n "$C" addr replace 192.0.2.50/24 dev eth0
	if command -v perfdhcp >/dev/null; then	# as a relay (giaddr 192.0.2.50), as bench/serve_dhcp_bench.sh
		ip netns exec "$C" timeout 60 perfdhcp -4 -l eth0 -r 1000 -R 50 -n "$n" -p 30 192.0.2.1 >"$tmp/perf.out" 2>&1
	fi
	ip netns exec "$C" python3 - "$n" 2>>"$tmp/round.err" <<'PY'
import socket, struct, sys
n = int(sys.argv[1])
# TFTP: RRQ for a missing file and for the image (first block, then an ERROR to end it)
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    name = b"sysrcd.dat" if i % 2 else b"missing-%d" % i
    s.sendto(b"\0\1" + name + b"\0octet\0", ("192.0.2.1", 69))
    try:
        d, a = s.recvfrom(2048)
        if d[:2] == b"\0\3": s.sendto(b"\0\5\0\0stop\0", a)
    except socket.timeout: pass
    s.close()
# HTTP: keep-alive GETs of a small range
c = socket.create_connection(("192.0.2.1", 80)); c.settimeout(5)
for i in range(n):
    c.sendall(b"GET /sysrcd.md5 HTTP/1.1\r\nHost: x\r\n\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf: buf += c.recv(4096)
    head, body = buf.split(b"\r\n\r\n", 1)
    ln = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(body) < ln: body += c.recv(4096)
c.close()
# NBD: newstyle fixed handshake, NBD_OPT_GO on the export, one read, disconnect
exp = b"sysrcd.dat"
for i in range(n):
    c = socket.create_connection(("192.0.2.1", 10809)); c.settimeout(5)
    def rd(k):
        b = b""
        while len(b) < k:
            x = c.recv(k - len(b))
            if not x: raise SystemExit("nbd: closed")
            b += x
        return b
    rd(18); c.sendall(struct.pack(">I", 1))
    c.sendall(struct.pack(">QII", 0x49484156454F5054, 7, 4 + len(exp) + 2) + struct.pack(">I", len(exp)) + exp + b"\0\0")
    while True:
        _, opt, typ, ln = struct.unpack(">QIII", rd(20)); rd(ln)
        if typ == 1: break
        if typ & 0x80000000: raise SystemExit("nbd: error reply %x" % typ)
    c.sendall(struct.pack(">IHHQQI", 0x25609513, 0, 0, i, 0, 4096))
    rd(16 + 4096)
    c.sendall(struct.pack(">IHHQQI", 0x25609513, 0, 2, 0, 0, 0))
    c.close()
PY

	local rc=$?
	ip -n "$C" addr flush dev eth0
	return $rc
}
if start_server "$tmp/plain-serve.log" "$NB"; then
	round 100 || fail "growth: warm-up round" "client failed"
	r0=$(rss)
	t0=$(now_ms)
	round "$N" && pass "growth: $N requests of each kind answered in $(( $(now_ms) - t0 )) ms"
	r1=$(rss)
	dora=$(grep -oE 'received packets: [0-9]+' "$tmp/perf.out" | head -2 | awk '{print $3}' | xargs)
	echo "INFO: $T: perfdhcp $N exchanges (50 clients), received (offers acks): $dora"
	read -r _ acks <<<"$dora"
	if command -v perfdhcp >/dev/null; then
		check "growth: >= 95 % of $N DHCP exchanges ACKed (${acks:-0})" test "${acks:-0}" -ge $(( N * 95 / 100 ))
	fi
	if [ $(( r1 - r0 )) -lt 1024 ]; then pass "growth: VmRSS $r0 kB -> $r1 kB after $N of each (< 1 MiB)"
	else fail "growth" "VmRSS $r0 kB -> $r1 kB after $N of each"; fi
	stop_server
fi
[ -n "${KEEP_LOG:-}" ] && for f in "$tmp"/*.f? "$tmp"/*.nb "$tmp"/*.log "$tmp"/perf.out "$tmp"/round.err; do echo "--- $f"; tail -15 "$f"; done >&2
exit 0
