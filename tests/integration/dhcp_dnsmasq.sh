#!/bin/bash
# The DHCP client (build/netboot dhcp, the code /init runs) against real
# servers, dnsmasq and busybox udhcpd, each in private network namespaces
# joined by veth pairs.  Nothing leaves these namespaces: the root namespace
# gets no interface, address or route.  Addresses: 192.0.2.0/24 and
# 198.51.100.0/24 (documentation ranges).  Needs root; prints PASS/FAIL/SKIP.
#   1 dnsmasq, one interface, --apply: address, route, resolv.conf, handover
#   2 two interfaces, one without carrier listed first: lease in < 10 s
#   3 busybox udhcpd, same checks as 1
#   4 no server: fails within the timeout, naming the interface
#   5 two served interfaces, --bootif picks the second
#   6 an interface that does not exist: a clear error
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
T=dhcp_dnsmasq

[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
[ -x "$NB" ] || { echo "SKIP: $T: $NB not built"; exit 0; }
command -v ip >/dev/null || { echo "SKIP: $T: ip(8) missing"; exit 0; }

. tests/integration/netns_lib.sh

# Asserts on the lease of interface $2 in namespace $1 after --apply;
# $3 = client output prefix, $4 = server name for the report.
check_applied() {
	local ns=$1 dev=$2 out=$3 srv=$4 addr mac hf=$tmp/$5/$2.conf
	addr=$(sed -n 's/^IPV4ADDR=//p' "$out.out")
	case $addr in
	192.0.2.1[0-4][0-9] | 192.0.2.150) pass "$srv: lease $addr in the range" ;;
	*) fail "$srv: lease in the range" "got '$addr'"; return ;;
	esac
	check "$srv: ip addr shows $addr/24" grep -q "inet $addr/24 brd 192.0.2.255" <(ip -n "$ns" -4 addr show dev "$dev")
	check "$srv: default route via 192.0.2.1" grep -q "^default via 192.0.2.1 dev $dev" <(ip -n "$ns" route show default)
	check "$srv: resolv.conf nameserver" grep -qx "nameserver 192.0.2.53" "$tmp/$5/resolv.conf"
	check "$srv: resolv.conf search domain" grep -qx "search test.example" "$tmp/$5/resolv.conf"
	local want k v bad=
	for want in DEVICE="$dev" METHOD=dhcp IPV4ADDR="$addr" IPV4PREFIX=24 IPV4NETMASK=255.255.255.0 \
		IPV4BROADCAST=192.0.2.255 IPV4GATEWAY=192.0.2.1 IPV4DNS0=192.0.2.53 DNSDOMAIN=test.example \
		DHCPSERVER=192.0.2.1 NEXTSERVER=192.0.2.1 BOOTFILE=pxelinux.0 LEASETIME=3600 MTU=1500; do
		grep -qx "$want" "$hf" 2>/dev/null || bad+=" $want"
	done
	if [ -z "$bad" ]; then pass "$srv: handover file values"; else fail "$srv: handover file values" "missing$bad in $hf"; fi
	mac=$(ip netns exec "$ns" cat "/sys/class/net/$dev/address")
	check "$srv: handover HWADDR" grep -qx "HWADDR=$mac" "$hf"
	# It must be sourceable by sh and give the same values.
	v=$(sh -c '. "$1" && echo "$DEVICE $IPV4ADDR $LEASE_OBTAINED"' sh "$hf")
	k="$dev $addr "
	if [[ $v == "$k"[0-9]* ]]; then pass "$srv: handover sources in sh"; else fail "$srv: handover sources in sh" "got '$v'"; fi
	check "$srv: stdout is the handover format" cmp -s "$out.out" "$hf"
}

# --- 1: dnsmasq ---
case1() {
	local s=nbtest-srv-$tag c=nbtest-cli-$tag rc t0 t1
	newns "$s" && newns "$c" && veth "$c" vethc "$s" veths || { fail "dnsmasq: setup" "namespaces/veth"; return; }
	ip -n "$s" addr add 192.0.2.1/24 dev veths
	ip -n "$s" link set veths up
	if ! start_dnsmasq "$s" dnsmasq1 --interface=veths --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option=3,192.0.2.1 --dhcp-option=6,192.0.2.53 --domain=test.example \
		--dhcp-boot=pxelinux.0,,192.0.2.1; then
		fail "dnsmasq: server start" "$(tail -3 "$tmp/dnsmasq1.log")"; return
	fi
	mkdir -p "$tmp/c1"
	t0=$(now_ms)
	ip netns exec "$c" "$NB" dhcp --apply --run-dir "$tmp/c1" --resolv "$tmp/c1/resolv.conf" --timeout 20 \
		vethc >"$tmp/c1.out" 2>"$tmp/c1.err"
	rc=$? t1=$(now_ms)
	if [ $rc -ne 0 ]; then fail "dnsmasq: lease" "exit $rc: $(tail -3 "$tmp/c1.err")"; return; fi
	pass "dnsmasq: lease in $(( t1 - t0 )) ms"
	check_applied "$c" vethc "$tmp/c1" dnsmasq c1
	check "dnsmasq: log lines are prefixed" grep -q "^netboot: net: vethc: DHCP lease 192.0.2.1[0-9]*/24 from 192.0.2.1 in" "$tmp/c1.err"
	check "dnsmasq: server recorded the lease" grep -q " $(sed -n 's/^IPV4ADDR=//p' "$tmp/c1.out") " "$tmp/dnsmasq1.leases"
	# A second run replaces rather than fails (address and route exist).
	ip netns exec "$c" "$NB" dhcp --apply --timeout 20 vethc >/dev/null 2>"$tmp/c1b.err"
	check "dnsmasq: second --apply run succeeds" test $? -eq 0
}

# --- 2: two interfaces, one without carrier ---
case2() {
	local s=nbtest-srv2-$tag c=nbtest-cli2-$tag rc t0 t1 ms
	newns "$s" && newns "$c" && veth "$c" vethc "$s" veths && veth "$c" vethd "$s" vethe ||
		{ fail "no-carrier: setup" "namespaces/veth"; return; }
	ip -n "$s" addr add 192.0.2.1/24 dev veths
	ip -n "$s" link set veths up	# vethe stays DOWN: vethd has no carrier
	start_dnsmasq "$s" dnsmasq2 --interface=veths --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option=3,192.0.2.1 --dhcp-option=6,192.0.2.53 --domain=test.example ||
		{ fail "no-carrier: server start" "$(tail -3 "$tmp/dnsmasq2.log")"; return; }
	mkdir -p "$tmp/c2"
	t0=$(now_ms)
	ip netns exec "$c" "$NB" dhcp --apply --run-dir "$tmp/c2" --timeout 30 vethd vethc >"$tmp/c2.out" 2>"$tmp/c2.err"
	rc=$? t1=$(now_ms) ms=$(( t1 - t0 ))
	if [ $rc -ne 0 ]; then fail "no-carrier: lease" "exit $rc: $(tail -3 "$tmp/c2.err")"; return; fi
	check "no-carrier: lease on the served interface" grep -qx "DEVICE=vethc" "$tmp/c2.out"
	if [ $ms -lt 10000 ]; then pass "no-carrier: lease in $ms ms (< 10 s)"; else fail "no-carrier: quick" "took $ms ms"; fi
	check "no-carrier: vethd reported without carrier" grep -q "vethd: waiting for carrier\|vethd.*no carrier" "$tmp/c2.err"
	check "no-carrier: no DISCOVER sent on vethd" bash -c "! grep -q 'vethd: DISCOVER' '$tmp/c2.err'"
	check "no-carrier: only vethc configured" test ! -e "$tmp/c2/vethd.conf"
}

# --- 3: busybox udhcpd ---
case3() {
	local s=nbtest-srv3-$tag c=nbtest-cli3-$tag rc t0 t1
	if ! busybox udhcpd --help 2>&1 | grep -qi udhcpd; then echo "SKIP: $T: udhcpd: busybox without udhcpd"; return; fi
	newns "$s" && newns "$c" && veth "$c" vethc "$s" veths || { fail "udhcpd: setup" "namespaces/veth"; return; }
	ip -n "$s" addr add 192.0.2.1/24 dev veths
	ip -n "$s" link set veths up
	: >"$tmp/udhcpd.leases"
	cat >"$tmp/udhcpd.conf" <<-EOF
	start 192.0.2.100
	end 192.0.2.150
	interface veths
	lease_file $tmp/udhcpd.leases
	pidfile $tmp/udhcpd.pid
	siaddr 192.0.2.1
	boot_file pxelinux.0
	option subnet 255.255.255.0
	option router 192.0.2.1
	option dns 192.0.2.53
	option domain test.example
	option lease 3600
	EOF
	ip netns exec "$s" busybox udhcpd -f "$tmp/udhcpd.conf" >"$tmp/udhcpd.log" 2>&1 &
	PIDS+=($!)
	wait_server "$s" || { fail "udhcpd: server start" "$(tail -3 "$tmp/udhcpd.log")"; return; }
	mkdir -p "$tmp/c3"
	t0=$(now_ms)
	ip netns exec "$c" "$NB" dhcp --apply --run-dir "$tmp/c3" --resolv "$tmp/c3/resolv.conf" --timeout 20 \
		--hostname nbtest vethc >"$tmp/c3.out" 2>"$tmp/c3.err"
	rc=$? t1=$(now_ms)
	if [ $rc -ne 0 ]; then fail "udhcpd: lease" "exit $rc: $(tail -3 "$tmp/c3.err")"; return; fi
	pass "udhcpd: lease in $(( t1 - t0 )) ms"
	check_applied "$c" vethc "$tmp/c3" udhcpd c3
}

# --- 4: no server ---
case4() {
	local s=nbtest-srv4-$tag c=nbtest-cli4-$tag rc t0 t1 ms
	newns "$s" && newns "$c" && veth "$c" vethc "$s" veths || { fail "no server: setup" "namespaces/veth"; return; }
	ip -n "$s" link set veths up
	t0=$(now_ms)
	ip netns exec "$c" "$NB" dhcp --timeout 4 vethc >"$tmp/c4.out" 2>"$tmp/c4.err"
	rc=$? t1=$(now_ms) ms=$(( t1 - t0 ))
	check "no server: fails" test $rc -ne 0
	if [ $ms -ge 3500 ] && [ $ms -lt 6000 ]; then pass "no server: gave up after $ms ms (timeout 4 s)"
	else fail "no server: timing" "gave up after $ms ms, timeout 4 s"; fi
	check "no server: message names the interface" grep -q "^netboot: dhcp: no DHCP offer on vethc after" "$tmp/c4.err"
	check "no server: message says what was tried" grep -q "vethc: [0-9]* DISCOVERs, no offer" "$tmp/c4.err"
	check "no server: prints no lease" test ! -s "$tmp/c4.out"
}

# --- 5: two served interfaces, BOOTIF picks the second ---
case5() {
	local s=nbtest-srv5-$tag c=nbtest-cli5-$tag rc mac
	two_nets "$s" "$c" vetha vethx vethb vethy || { fail "bootif: setup" "namespaces/veth"; return; }
	start_dnsmasq "$s" dnsmasq5 --interface=vethx --interface=vethy \
		--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-range=198.51.100.100,198.51.100.150,255.255.255.0,1h ||
		{ fail "bootif: server start" "$(tail -3 "$tmp/dnsmasq5.log")"; return; }
	mac=$(ip netns exec "$c" cat /sys/class/net/vethb/address)
	ip netns exec "$c" "$NB" dhcp --bootif "01-${mac//:/-}" --timeout 20 vetha vethb >"$tmp/c5.out" 2>"$tmp/c5.err"
	rc=$?
	check "bootif: lease" test $rc -eq 0
	check "bootif: the BOOTIF interface wins" grep -qx "DEVICE=vethb" "$tmp/c5.out"
	check "bootif: its subnet" grep -q "^IPV4ADDR=198\.51\.100\." "$tmp/c5.out"
}

# --- 6: no such interface ---
case6() {
	local c=nbtest-cli6-$tag
	newns "$c" || { fail "no such interface: setup" "namespace"; return; }
	ip netns exec "$c" "$NB" dhcp --timeout 2 nosuch0 >/dev/null 2>"$tmp/c6.err"
	check "no such interface: fails" test $? -ne 0
	check "no such interface: says so" grep -q "no network interface nosuch0" "$tmp/c6.err"
}

netns_usable || { echo "SKIP: $T: cannot create network namespaces"; exit 0; }
if command -v dnsmasq >/dev/null; then case1; case2; case5; else echo "SKIP: $T: dnsmasq not installed"; fi
if [ -x /bin/busybox ] || command -v busybox >/dev/null; then case3; else echo "SKIP: $T: busybox not installed"; fi
case4
case6
for f in "$tmp"/c*.err; do [ -s "$f" ] && { echo "--- $(basename "$f")"; cat "$f"; }; done >>"$tmp/all.log"
[ -n "${KEEP_LOG:-}" ] && cat "$tmp/all.log" >&2
exit 0
