#!/bin/bash
# IPv6 in net_bring_up(), the network stage /init runs, driven by
# netup_run.c in private namespaces (2001:db8::/64; 192.0.2.0/24 where a
# case has IPv4) against dnsmasq's router advertisements and DHCPv6.  Needs
# root; prints PASS/FAIL/SKIP.
#   1 the default command line on an IPv6-only link: DHCPv4 stopped once
#     IPv6 is up, the boot goes on with the DHCPv6 address
#   2 ip=dhcp6: no DHCPv4 at all; resolv.conf and the handover file
#   3 ethx= static IPv6 with gw= and dns=: address past DAD, route
#   4 dual stack, the default command line: IPv4 used, the stage no slower
#     than DHCPv4 plus the 0.5 s IPv6 grace
cd "$(dirname "$0")/../.." || exit 1
T=netup6_netns
RUN=build/integration/netup_run

TMP_NAME=nbtest-netup6 . tests/integration/netns_lib.sh
need ip dnsmasq
need_netns

make -s "$RUN" >"$tmp/build.err" 2>&1 || { fail "build netup_run" "$(head -5 "$tmp/build.err")"; exit 1; }

run() {	# run CASE NS 'cmdline': output in $tmp/CASE.{out,err}, files in $tmp/CASE/
	mkdir -p "$tmp/$1"
	ip netns exec "$2" "$RUN" "$tmp/$1" "$3" >"$tmp/$1.out" 2>"$tmp/$1.err"
	RC=$?
}
val() { sed -n "s/^$2=//p" "$tmp/$1.out" | head -1; }

# lab N [v4]: server namespace s$N (peer0: 2001:db8::1/64, + 192.0.2.1/24 with v4)
# and client c$N (eth0), dnsmasq with RA and a DHCPv6 range (and DHCPv4 with v4)
lab() {
	S=nbtest-6s$1-$tag C=nbtest-6c$1-$tag
	newns "$S" && newns "$C" && veth "$C" eth0 "$S" peer0 || return 1
	ip -n "$S" addr add 2001:db8::1/64 dev peer0 nodad
	local -a v4=()
	if [ "${2:-}" = v4 ]; then
		ip -n "$S" addr add 192.0.2.1/24 dev peer0
		v4=(--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h)
	fi
	ip -n "$S" link set peer0 up
	[ "${2:-}" = none ] && return 0
	# start_dnsmasq waits for UDP 67, which an IPv6-only dnsmasq leaves closed
	ip netns exec "$S" dnsmasq --no-daemon --port=0 --conf-file=/dev/null --bind-interfaces --user=root \
		--pid-file="$TMP/d$1.pid" --dhcp-leasefile="$TMP/d$1.leases" --log-facility="$TMP/d$1.log" \
		--interface=peer0 --enable-ra --dhcp-range=2001:db8::100,2001:db8::1ff,64,1h \
		--dhcp-option=option6:dns-server,[2001:db8::53] "${v4[@]}" 2>>"$TMP/d$1.log" &
	PIDS+=($!)
	for _ in $(seq 50); do
		ip netns exec "$S" ss -Hlnu "sport = :547" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

case1() {
	lab 1 || { fail "default: setup" "namespaces"; return; }
	run c1 "$C" "netboot=http://[2001:db8::1]/sysrcd.dat"
	[ $RC -eq 0 ] || { fail "default: net_bring_up" "exit $RC: $(tail -2 "$tmp/c1.err")"; return; }
	check "default: up on IPv6 alone" test "$(val c1 method) $(val c1 method6)" = "none dhcpv6"
	check "default: DHCPv6 address" grep -qE '^addr6=2001:db8::1[0-9a-f]{2}/' "$tmp/c1.out"
	check "default: DHCPv4 tried, then stopped" grep -q "^netboot: net: IPv6 is up: DHCPv4 stopped" "$tmp/c1.err"
	check "default: handover METHOD=none" grep -qx "METHOD=none" "$tmp/c1/run/eth0.conf"
	check "default: handover IPV6ADDR" grep -qE "^IPV6ADDR=2001:db8::1[0-9a-f]{2}$" "$tmp/c1/run/eth0.conf"
	echo "INFO: default on IPv6 only: network stage $(val c1 elapsed_ms) ms"
}

case2() {
	lab 2 || { fail "dhcp6: setup" "namespaces"; return; }
	run c2 "$C" "ip=dhcp6 netboot=http://[2001:db8::1]/sysrcd.dat"
	[ $RC -eq 0 ] || { fail "dhcp6: net_bring_up" "exit $RC: $(tail -2 "$tmp/c2.err")"; return; }
	check "dhcp6: plan" grep -qx "netboot: net: interfaces: eth0 off+dhcp6" "$tmp/c2.err"
	check "dhcp6: no DHCPv4" bash -c "! grep -q DISCOVER '$tmp/c2.err'"
	check "dhcp6: resolv.conf" grep -qx "nameserver 2001:db8::53" "$tmp/c2/resolv.conf"
	check "dhcp6: handover DNS" grep -qx "IPV6DNS0=2001:db8::53" "$tmp/c2/run/eth0.conf"
	check "dhcp6: address on the link" grep -q "inet6 $(val c2 addr6 | cut -d/ -f1)/" <(ip -n "$C" -6 addr show dev eth0)
	echo "INFO: ip=dhcp6: network stage $(val c2 elapsed_ms) ms"
}

case3() {
	lab 3 none || { fail "static: setup" "namespaces"; return; }
	run c3 "$C" "ethx=2001:db8::5/64 gw=2001:db8::1 dns=2001:db8::53 netboot=http://[2001:db8::1]/sysrcd.dat"
	[ $RC -eq 0 ] || { fail "static: net_bring_up" "exit $RC: $(tail -2 "$tmp/c3.err")"; return; }
	check "static: address" test "$(val c3 method6) $(val c3 addr6)" = "static 2001:db8::5/64"
	check "static: past DAD" bash -c "ip -n '$C' -6 addr show dev eth0 | grep 'inet6 2001:db8::5/64' | grep -qv tentative"
	check "static: route" grep -q "^default via 2001:db8::1 dev eth0" <(ip -n "$C" -6 route show default)
	check "static: handover gateway" grep -qx "IPV6GATEWAY=2001:db8::1" "$tmp/c3/run/eth0.conf"
	check "static: no DHCP of either family" bash -c "! grep -qE 'DISCOVER|Solicit' '$tmp/c3.err'"
}

case4() {
	lab 4 v4 || { fail "dual: setup" "namespaces"; return; }
	run c4 "$C" "netboot=http://192.0.2.1/sysrcd.dat"
	[ $RC -eq 0 ] || { fail "dual: net_bring_up" "exit $RC: $(tail -2 "$tmp/c4.err")"; return; }
	check "dual: IPv4 used" test "$(val c4 method)" = dhcp
	local e=$(val c4 elapsed_ms) d=$(val c4 dhcp_ms)
	if [ -n "$e" ] && [ -n "$d" ] && [ "$e" -le $((d + 900)) ]; then pass "dual: stage ${e} ms, DHCPv4 ${d} ms: IPv6 costs at most the grace"
	else fail "dual: quick" "stage ${e} ms, DHCPv4 ${d} ms"; fi
}

case1; case2; case3; case4
