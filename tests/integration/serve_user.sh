#!/bin/bash
# netboot serve --user: root only to bind ports 67, 69, 80 and 10809, then
# every service keeps serving as the unprivileged user; a lease folder the
# user cannot write stops the start with one line naming it.
cd "$(dirname "$0")/../.." || exit 1
T=serve-user
. tests/integration/netns_lib.sh
netns_usable || { echo "SKIP: $T: cannot create network namespaces"; exit 0; }
NS=nbuser$tag
newns "$NS"
ip -n "$NS" link add s0 type veth peer name s1
ip -n "$NS" addr add 192.0.2.1/24 dev s0
ip -n "$NS" link set s0 up; ip -n "$NS" link set s1 up
chmod 755 "$tmp"
mkdir -p "$tmp/boot" "$tmp/leases"
: > "$tmp/boot/vmlinuz"; : > "$tmp/boot/initram.igz"
head -c 300000 /dev/urandom > "$tmp/boot/sysrcd.dat"
chmod -R a+rX "$tmp/boot"; chown nobody "$tmp/leases"
args=(--dhcp-range 192.0.2.100 192.0.2.110 --netmask 255.255.255.0 --local-ip 192.0.2.1
	--boot-dir "$tmp/boot" --nbd-port 10809 --user nobody)
# ip netns exec execs the server: $! is the server's PID
ip netns exec "$NS" build/netboot serve "${args[@]}" --leases "$tmp/leases/l" > "$tmp/log" 2>&1 &
pid=$!; PIDS+=($pid)
for _ in $(seq 50); do grep -q ready "$tmp/log" && break; sleep 0.1; done
uid=$(awk '/^Uid:/ {print $2}' /proc/$pid/status 2>/dev/null)
[ "$uid" = "$(id -u nobody)" ] && pass "runs as nobody once ready" || fail "runs as nobody once ready" "uid '$uid'"
in_ns() { ip netns exec "$NS" "$@"; }
in_ns curl -sf http://192.0.2.1/sysrcd.dat -o "$tmp/http.out" && cmp -s "$tmp/http.out" "$tmp/boot/sysrcd.dat" &&
	pass "HTTP serves as nobody" || fail "HTTP serves as nobody" "curl/cmp failed"
in_ns curl -sf tftp://192.0.2.1/sysrcd.dat -o "$tmp/tftp.out" && cmp -s "$tmp/tftp.out" "$tmp/boot/sysrcd.dat" &&
	pass "TFTP serves as nobody" || fail "TFTP serves as nobody" "curl/cmp failed"
in_ns nbdcopy nbd://192.0.2.1/sysrcd.dat "$tmp/nbd.out" && cmp -s "$tmp/nbd.out" "$tmp/boot/sysrcd.dat" &&
	pass "NBD serves as nobody" || fail "NBD serves as nobody" "nbdcopy/cmp failed"
kill "$pid"; wait "$pid" 2>/dev/null
out=$(ip netns exec "$NS" build/netboot serve "${args[@]}" --leases "$tmp/boot/l" 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "cannot write the lease file's folder $tmp/boot" <<<"$out" &&
	pass "unwritable lease folder: one line naming it" || fail "unwritable lease folder" "exit $rc: $out"
# without --local-ip the server finds its address (here the only one) for the menu
out=$(timeout 2 ip netns exec "$NS" build/netboot serve --boot-dir "$tmp/boot" --no-dhcp --tftp-port 6969 --http-port 8088 2>&1)
grep -q "this server is 192\.0\.2\.1 " <<<"$out" && grep -q "stage 3: netboot=http://192\.0\.2\.1:8088/sysrcd\.dat" <<<"$out" &&
	pass "no --local-ip: the interface's address goes on the append line" || fail "no --local-ip" "$out"
