#!/bin/bash
# net_bring_up(), the network stage /init runs, driven by netup_run.c inside
# private network namespaces (the client namespace names its veths eth0,
# eth1 like a real machine) against dnsmasq.  Addresses: 192.0.2.0/24,
# 198.51.100.0/24.  Needs root; prints PASS/FAIL/SKIP.
#   1 DHCP on all NICs, eth0 without carrier: eth1's lease, files written
#   2 eth1 static + dodhcp=eth0: both configured, DHCP route, merged DNS
#   3 static only: address, gateway route, static handover file
#   4 nameif= + BOOTIF=: renamed, and the BOOTIF NIC's lease is used
#   5 the only NIC gets carrier after the carrier wait (6.5 s): it still gets its lease
#   6 no network source: nothing configured, success
cd "$(dirname "$0")/../.." || exit 1
T=netup_netns
RUN=build/integration/netup_run

. tests/integration/netns_lib.sh
need ip dnsmasq
need_netns

make -s "$RUN" >"$tmp/build.err" 2>&1 || { fail "build netup_run" "$(head -5 "$tmp/build.err")"; exit 1; }

# run CASE NS 'cmdline': netup_run inside NS; output in $tmp/CASE.{out,err}, files in $tmp/CASE/
run() {
	mkdir -p "$tmp/$1"
	local t0; t0=$(now_ms)
	ip netns exec "$2" "$RUN" "$tmp/$1" "$3" >"$tmp/$1.out" 2>"$tmp/$1.err"
	RC=$? MS=$(( $(now_ms) - t0 ))
}
val() { sed -n "s/^$2=//p" "$tmp/$1.out" | head -1; }

case1() {
	local s=nbtest-usrv1-$tag c=nbtest-ucli1-$tag
	newns "$s" && newns "$c" && veth "$c" eth0 "$s" peer0 && veth "$c" eth1 "$s" peer1 ||
		{ fail "dhcp all: setup" "namespaces"; return; }
	ip -n "$s" addr add 192.0.2.1/24 dev peer1
	ip -n "$s" link set peer1 up	# peer0 stays down: eth0 has no carrier
	start_dnsmasq "$s" d1 --interface=peer1 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option=3,192.0.2.1 --dhcp-option=6,192.0.2.53 --domain=test.example \
		--dhcp-boot=pxelinux.0,,192.0.2.1 || { fail "dhcp all: dnsmasq" "did not start"; return; }
	run c1 "$c" "console=ttyS0 netboot=http://192.0.2.1/sysrcd.dat"
	[ $RC -eq 0 ] || { fail "dhcp all: net_bring_up" "exit $RC: $(tail -2 "$tmp/c1.err")"; return; }
	check "dhcp all: eth1 used" test "$(val c1 used)" = eth1
	check "dhcp all: lease address" grep -qE '^addr=192\.0\.2\.1[0-5][0-9]/24$' "$tmp/c1.out"
	check "dhcp all: gateway" test "$(val c1 gateway)" = 192.0.2.1
	check "dhcp all: next-server and bootfile" test "$(val c1 next_server) $(val c1 bootfile)" = "192.0.2.1 pxelinux.0"
	check "dhcp all: lease seconds" test "$(val c1 lease)" = 3600
	check "dhcp all: only eth1 configured" test "$(val c1 configured)" = eth1
	check "dhcp all: plan logged" grep -q "^netboot: net: interfaces: eth0 dhcp, eth1 dhcp$" "$tmp/c1.err"
	check "dhcp all: eth0 carrier logged" grep -q "^netboot: net: eth0: no carrier yet" "$tmp/c1.err"
	check "dhcp all: handover eth1.conf" grep -qx "IPV4GATEWAY=192.0.2.1" "$tmp/c1/run/eth1.conf"
	check "dhcp all: no eth0.conf" test ! -e "$tmp/c1/run/eth0.conf"
	check "dhcp all: resolv.conf" grep -qx "nameserver 192.0.2.53" "$tmp/c1/resolv.conf"
	check "dhcp all: route applied" grep -q "^default via 192.0.2.1 dev eth1" <(ip -n "$c" route show default)
	if [ "$(val c1 elapsed_ms)" -lt 10000 ]; then pass "dhcp all: stage took $(val c1 elapsed_ms) ms"
	else fail "dhcp all: quick" "stage took $(val c1 elapsed_ms) ms"; fi
}

case2() {
	local s=nbtest-usrv2-$tag c=nbtest-ucli2-$tag
	two_nets "$s" "$c" eth0 peer0 eth1 peer1 || { fail "static+dhcp: setup" "namespaces"; return; }
	start_dnsmasq "$s" d2 --interface=peer0 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option=3,192.0.2.1 --dhcp-option=6,192.0.2.53 || { fail "static+dhcp: dnsmasq" "did not start"; return; }
	run c2 "$c" "eth1=198.51.100.10/24 gw=198.51.100.1 dns=198.51.100.53 dodhcp=eth0 netboot=http://192.0.2.1/x.dat"
	[ $RC -eq 0 ] || { fail "static+dhcp: net_bring_up" "exit $RC: $(tail -2 "$tmp/c2.err")"; return; }
	check "static+dhcp: eth0 leased and used" test "$(val c2 used) $(val c2 method)" = "eth0 dhcp"
	check "static+dhcp: both configured" test "$(val c2 configured)" = "eth1,eth0"
	check "static+dhcp: eth1 static address" grep -q "inet 198.51.100.10/24 brd 198.51.100.255" <(ip -n "$c" -4 addr show dev eth1)
	check "static+dhcp: default route from DHCP" grep -q "^default via 192.0.2.1 dev eth0" <(ip -n "$c" route show default)
	check "static+dhcp: dns= first, then the lease's" \
		test "$(grep ^nameserver "$tmp/c2/resolv.conf" | tr '\n' ' ')" = "nameserver 198.51.100.53 nameserver 192.0.2.53 "
	check "static+dhcp: static handover" grep -qx "METHOD=static" "$tmp/c2/run/eth1.conf"
	check "static+dhcp: static handover gateway" grep -qx "IPV4GATEWAY=198.51.100.1" "$tmp/c2/run/eth1.conf"
	check "static+dhcp: static handover has no DHCP server" grep -qx "DHCPSERVER=" "$tmp/c2/run/eth1.conf"
	check "static+dhcp: dhcp handover" grep -qx "METHOD=dhcp" "$tmp/c2/run/eth0.conf"
}

case3() {
	local s=nbtest-usrv3-$tag c=nbtest-ucli3-$tag
	newns "$s" && newns "$c" && veth "$c" eth0 "$s" peer0 || { fail "static: setup" "namespaces"; return; }
	ip -n "$s" addr add 198.51.100.1/24 dev peer0
	ip -n "$s" link set peer0 up
	run c3 "$c" "eth0=198.51.100.20/24 gw=198.51.100.1 dns=198.51.100.53 netboot=http://198.51.100.1/x.dat"
	[ $RC -eq 0 ] || { fail "static: net_bring_up" "exit $RC: $(tail -2 "$tmp/c3.err")"; return; }
	check "static: used" test "$(val c3 used) $(val c3 method) $(val c3 addr)" = "eth0 static 198.51.100.20/24"
	check "static: address" grep -q "inet 198.51.100.20/24" <(ip -n "$c" -4 addr show dev eth0)
	check "static: default route" grep -q "^default via 198.51.100.1 dev eth0" <(ip -n "$c" route show default)
	check "static: handover" grep -qx "IPV4ADDR=198.51.100.20" "$tmp/c3/run/eth0.conf"
	check "static: resolv.conf" grep -qx "nameserver 198.51.100.53" "$tmp/c3/resolv.conf"
	check "static: carrier waited for" grep -q "^netboot: net: eth0: carrier after" "$tmp/c3.err"
	if command -v busybox >/dev/null; then
		ip netns exec "$c" busybox ping -c1 -W2 198.51.100.1 >/dev/null 2>&1
		check "static: the gateway answers ping" test $? -eq 0
	fi
}

case4() {
	local s=nbtest-usrv4-$tag c=nbtest-ucli4-$tag mac
	two_nets "$s" "$c" eth0 peer0 eth1 peer1 || { fail "nameif+bootif: setup" "namespaces"; return; }
	start_dnsmasq "$s" d4 --interface=peer0 --interface=peer1 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-range=198.51.100.100,198.51.100.150,255.255.255.0,1h || { fail "nameif+bootif: dnsmasq" "did not start"; return; }
	mac=$(ip netns exec "$c" cat /sys/class/net/eth1/address)
	run c4 "$c" "BOOTIF=01-${mac//:/-} nameif=boot0!$mac netboot=http://192.0.2.1/x.dat"
	[ $RC -eq 0 ] || { fail "nameif+bootif: net_bring_up" "exit $RC: $(tail -2 "$tmp/c4.err")"; return; }
	check "nameif+bootif: renamed" grep -q ": boot0[@:]" <(ip -n "$c" link show boot0)
	check "nameif+bootif: rename logged" grep -q "^netboot: net: renamed eth1 ($mac) to boot0" "$tmp/c4.err"
	check "nameif+bootif: BOOTIF interface used" test "$(val c4 used)" = boot0
	check "nameif+bootif: its subnet" grep -q '^addr=198\.51\.100\.' "$tmp/c4.out"
	check "nameif+bootif: handover under the new name" test -e "$tmp/c4/run/boot0.conf"
}

case5() {	# a lone NIC whose link comes up late (slow auto-negotiation) still gets its lease
	local s=nbtest-usrv5-$tag c=nbtest-ucli5-$tag
	newns "$s" && newns "$c" && veth "$c" eth0 "$s" peer0 || { fail "late carrier: setup" "namespaces"; return; }
	ip -n "$s" addr add 192.0.2.1/24 dev peer0
	start_dnsmasq "$s" d5 --interface=peer0 --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h --no-ping ||
		{ fail "late carrier: dnsmasq" "did not start"; return; }
	( sleep 6.5; ip -n "$s" link set peer0 up ) &	# after the 5 s carrier wait
	local late=$!
	run c5 "$c" "netboot=http://192.0.2.1/x.dat"
	wait "$late"
	check "late carrier (6.5 s): lease obtained" test $RC -eq 0
	check "late carrier: address in range" grep -q '^addr=192\.0\.2\.1[0-9][0-9]' "$tmp/c5.out"
	check "late carrier: carrier logged" grep -q "^netboot: net: eth0: carrier after [6-9]\." "$tmp/c5.err"
}

case6() {
	local c=nbtest-ucli6-$tag s=nbtest-usrv6-$tag
	newns "$s" && newns "$c" && veth "$c" eth0 "$s" peer0 || { fail "no source: setup" "namespaces"; return; }
	run c6 "$c" "console=ttyS0 quiet"
	check "no source: success" test $RC -eq 0
	check "no source: nothing used" test -z "$(val c6 used)"
	check "no source: eth0 left down" bash -c "! ip -n '$c' link show eth0 | grep -q '[<,]UP[,>]'"
}

case7() {	# nameif= asking for a name another, unmoved NIC holds: skipped with a message, no crash
	local s=nbtest-usrv7-$tag c=nbtest-ucli7-$tag mac
	newns "$s" && newns "$c" && veth "$c" eth0 "$s" peer0 && veth "$c" eth1 "$s" peer1 && veth "$c" eth2 "$s" peer2 ||
		{ fail "nameif taken: setup" "namespaces"; return; }
	mac=$(ip netns exec "$c" cat /sys/class/net/eth0/address)
	run c7 "$c" "nameif=eth1!$mac ethx=192.0.2.9/24"
	check "nameif taken: no crash (exit $RC)" test $RC -lt 128
	check "nameif taken: says so" grep -q "^netboot: net: nameif eth1: the name is taken by another interface, skipped" "$tmp/c7.err"
}

case8() {	# ethx= (one address for every NIC) goes only on the NICs with carrier
	local s=nbtest-usrv8-$tag c=nbtest-ucli8-$tag
	newns "$s" && newns "$c" && veth "$c" eth0 "$s" peer0 && veth "$c" eth1 "$s" peer1 ||
		{ fail "ethx carrier: setup" "namespaces"; return; }
	ip -n "$s" link set peer1 up	# peer0 stays down: eth0 has no carrier
	run c8 "$c" "ethx=192.0.2.9/24 gw=192.0.2.1 netboot=http://192.0.2.1/x.dat"
	check "ethx carrier: configured" test $RC -eq 0
	check "ethx carrier: address on eth1" grep -q "192.0.2.9/24" <(ip -n "$c" -4 addr show eth1)
	check "ethx carrier: not on eth0 (no cable)" test -z "$(ip -n "$c" -4 addr show eth0)"
	check "ethx carrier: the boot server is reached through eth1" grep -q "dev eth1" <(ip -n "$c" route get 192.0.2.1)
}

case1; case2; case3; case4; case5; case6; case7; case8
[ -n "${KEEP_LOG:-}" ] && for f in "$tmp"/c*.err; do echo "--- $f"; cat "$f"; done >&2
exit 0
