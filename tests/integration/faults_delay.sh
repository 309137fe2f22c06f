#!/bin/bash
# Latency and a stalled link (issue 10; no netem on this kernel, so
# delay_proxy.py relays TCP in a private namespace, 192.0.2.0/24):
#   1 200 ms each way (400 ms round trip): `netboot fetch` over HTTP of 4 MB
#     (checksum file fetched the same way) and `netboot nbd` reading the
#     export both complete and verify: nothing times out that should not
#   2 the link stalls 10 s, 1 MB into the body, then resumes: the fetch
#     waits it out (its stall window is 30 s) and verifies
# TFTP through the same delay: faults_delay_tftp.sh (UDP, a new server port
# per transfer: relayed by udp_delay, not this TCP proxy).  ~25 s.
T=faults_delay
. "$(dirname "$0")/netns_lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
[ -x "$NB" ] || { echo "FAIL: $T: $NB not built"; exit 1; }
need netns python3

ns=nbdelay-$tag
newns "$ns" || { echo "FAIL: $T: cannot create namespace"; exit 1; }
ip -n "$ns" addr add 192.0.2.1/24 dev lo
in_ns() { ip netns exec "$ns" "$@"; }
B=$tmp/boot; mkdir -p "$B"
head -c $((4 * 1000 * 1000 + 5)) /dev/urandom > "$B/sysrcd.dat"; : > "$B/vmlinuz"; : > "$B/initram.igz"
ip netns exec "$ns" "$NB" serve --boot-dir "$B" --no-dhcp --local-ip 192.0.2.1 --nbd-port 10809 > "$tmp/log" 2>&1 &
PIDS+=($!)
ns_wait_port "$ns" 192.0.2.1 80
proxy() {	# proxy PORT UPSTREAM_PORT DELAY_MS [STALL_AT STALL_S]
	local port=$1; shift
	ip netns exec "$ns" python3 "$ROOT/tests/integration/delay_proxy.py" "$port" 192.0.2.1 "$@" 2>>"$tmp/proxy.log" &
	PIDS+=($!)
	ns_wait_port "$ns" 127.0.0.1 "$port"
}
proxy 8080 80 200
proxy 8081 10809 200
proxy 8082 80 0 1000000 10

t0=$(now_ms); in_ns timeout 60 "$NB" fetch http://127.0.0.1:8080/sysrcd.dat -o "$tmp/a" --quiet > "$tmp/a.out" 2>&1; rc=$?
dt=$(( $(now_ms) - t0 ))
check "200 ms each way: HTTP fetch of 4 MB verified (exit $rc, $dt ms)" bash -c "[ $rc -eq 0 ] && cmp -s '$B/sysrcd.dat' '$tmp/a' && grep -q '^verified=' '$tmp/a.out'"
check "200 ms each way: the latency was there (>= 700 ms: two request/answer trips)" test "$dt" -ge 700
t0=$(now_ms); in_ns timeout 60 "$NB" nbd nbd://127.0.0.1:8081/sysrcd.dat -o "$tmp/n" > "$tmp/n.out" 2>&1; rc=$?
dt=$(( $(now_ms) - t0 ))
check "200 ms each way: NBD handshake and copy of 4 MB (exit $rc, $dt ms)" bash -c "[ $rc -eq 0 ] && cmp -s '$B/sysrcd.dat' '$tmp/n'"
t0=$(now_ms); in_ns timeout 60 "$NB" fetch http://127.0.0.1:8082/sysrcd.dat -o "$tmp/s" --quiet > "$tmp/s.out" 2>&1; rc=$?
dt=$(( $(now_ms) - t0 ))
check "10 s stall 1 MB in: HTTP fetch waits and verifies (exit $rc, $dt ms)" bash -c "[ $rc -eq 0 ] && cmp -s '$B/sysrcd.dat' '$tmp/s'"
check "the stall happened (>= 10 s)" test "$dt" -ge 10000
[ -n "${KEEP_LOG:-}" ] && { cat "$tmp/proxy.log" "$tmp"/*.out; tail -5 "$tmp/log"; } >&2
exit 0
