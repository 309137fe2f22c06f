#!/bin/bash
# The IPv6 client (build/netboot dhcp6, the code /init will run) against
# real peers in private network namespaces joined by a veth pair: dnsmasq's
# router advertisements and DHCPv6, and Kea's DHCPv6.  Addresses in
# 2001:db8::/32 only; the root namespace gets no interface, address or
# route.  The client's accept_ra is 0, so every address and route checked
# is the client's own work, not the kernel's SLAAC.  Needs root.
#   1 dnsmasq stateful (RA M=1 O=1 + DHCPv6): lease in the range, /64 from the
#     RA's on-link prefix, DNS, search domain, boot file URL, default route
#     via the router's link-local address, DAD done, the DUID-LL in the lease
#   2 dnsmasq ra-stateless (RA M=0 O=1): the SLAAC (EUI-64) address, /64,
#     route, RDNSS; an Information-Request for the domain and boot file URL;
#     then the router takes that address: DAD fails, and says so
#   3 kea-dhcp6 (mode dhcp, no RA): lease /128, DNS, domain, boot file URL,
#     rapid commit; a pool of one taken: NoAddrsAvail with Kea's text
#   4 a server that answers garbage: a clear message within the timeout
#   5 no server, no router: fails within the timeout, says what was tried
#   6 no carrier: said so within the timeout
# 4, 5 and 6 run in the background from the start (each waits out its timeout).
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
T=dhcp6_netns

[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
[ -x "$NB" ] || { echo "SKIP: $T: $NB not built"; exit 0; }
command -v ip >/dev/null || { echo "SKIP: $T: ip(8) missing"; exit 0; }

TMP_NAME=nbtest-dhcp6 . tests/integration/netns_lib.sh

# pair NAME: namespaces s-NAME (veths 2001:db8:0:1::1/64, no DAD: the
# server is ready at once) and c-NAME (vethc, accept_ra 0, DAD on); S and C
# are their names
pair() {
	S=nbt6s-$1-$tag C=nbt6c-$1-$tag
	newns "$S" && newns "$C" && veth "$C" vethc "$S" veths &&
		ip netns exec "$C" sysctl -qw net.ipv6.conf.vethc.accept_ra=0 &&
		ip netns exec "$S" sysctl -qw net.ipv6.conf.veths.accept_dad=0 &&
		ip -n "$S" addr add 2001:db8:0:1::1/64 dev veths nodad && ip -n "$S" link set veths up
}

# wait_udp6 NS PORT: until something listens on UDP PORT (IPv6) in NS (5 s)
wait_udp6() {
	local _ hex
	hex=$(printf ':%04X$' "$2")
	for _ in $(seq 50); do
		ip netns exec "$1" cat /proc/net/udp6 | awk '{print $2}' | grep -q "$hex" && return 0
		sleep 0.1
	done
	return 1
}

# dnsmasq6 NAME ARGS...: dnsmasq (RA and DHCPv6, no DNS) on veths in $S,
# its pid, lease and log files in $tmp
dnsmasq6() {
	local name=$1; shift
	ip netns exec "$S" dnsmasq --no-daemon --port=0 --conf-file=/dev/null --bind-interfaces --interface=veths \
		--pid-file="$tmp/$name.pid" --dhcp-leasefile="$tmp/$name.leases" --log-dhcp \
		--log-facility="$tmp/$name.log" --enable-ra "$@" 2>>"$tmp/$name.log" &
	PIDS+=($!)
	wait_udp6 "$S" 547 || [ "${*/ra-only/}" != "$*" ]
}

# run6 NAME ARGS...: the tool in $C; $tmp/NAME.out, .err, RC, MS
run6() {
	local name=$1 t0; shift
	t0=$(now_ms)
	ip netns exec "$C" "$NB" dhcp6 "$@" vethc >"$tmp/$name.out" 2>"$tmp/$name.err"
	RC=$? MS=$(( $(now_ms) - t0 ))
}
val() { sed -n "s/^$2=//p" "$tmp/$1.out"; }
eui64() {	# the SLAAC address of $C's vethc in 2001:db8:0:1::/64
	python3 -c "import ipaddress,sys; m=bytes.fromhex(sys.argv[1].replace(':',''));
print(ipaddress.IPv6Address(bytes.fromhex('20010db8000000010000000000000000')[:8]+bytes([m[0]^2])+m[1:3]+b'\xff\xfe'+m[3:]))" \
		"$(ip netns exec "$C" cat /sys/class/net/vethc/address)"
}
# tcp6_from ADDR: a TCP connection from $C to [2001:db8:0:1::1]:8080 in $S
# arrives from ADDR (neighbour discovery, the address and its route at work)
tcp6_from() {
	ip netns exec "$S" timeout 5 python3 -c '
import socket
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("2001:db8:0:1::1", 8080)); s.listen(1); c, a = s.accept(); print(a[0])' >"$tmp/tcp6.out" 2>&1 &
	local p=$! _
	for _ in $(seq 30); do ip netns exec "$S" ss -Htln "sport = :8080" | grep -q . && break; sleep 0.1; done
	ip netns exec "$C" timeout 3 bash -c 'exec 3<>/dev/tcp/2001:db8:0:1::1/8080' 2>/dev/null
	wait "$p"
	[ "$(cat "$tmp/tcp6.out")" = "$1" ]
}
server_ll() { ip -n "$S" -6 addr show dev veths scope link | sed -n 's/.*inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p'; }

# --- 1: dnsmasq, stateful ---
case1() {
	local a mac
	pair dm || { fail "dnsmasq: setup" "namespaces/veth"; return; }
	dnsmasq6 dm1 --dhcp-range=2001:db8:0:1::100,2001:db8:0:1::1ff,64,1h \
		--dhcp-option=option6:dns-server,[2001:db8:0:1::53] --dhcp-option=option6:domain-search,test.example \
		--dhcp-option=option6:bootfile-url,"http://[2001:db8:0:1::1]/boot.efi" ||
		{ fail "dnsmasq: server start" "$(tail -3 "$tmp/dm1.log")"; return; }
	run6 c1 --apply --timeout 15
	[ $RC -eq 0 ] || { fail "dnsmasq: address" "exit $RC: $(tail -3 "$tmp/c1.err")"; return; }
	a=$(val c1 IPV6ADDR)
	case $a in
	2001:db8:0:1::1[0-9a-f][0-9a-f]) pass "dnsmasq: lease $a in the range, $MS ms" ;;
	*) fail "dnsmasq: lease in the range" "got '$a'"; return ;;
	esac
	echo "INFO: $T: dnsmasq: $(tail -1 "$tmp/c1.err" | sed 's/^netboot: dhcp6: //')"
	check "dnsmasq: method dhcpv6, /64 from the RA" test "$(val c1 IPV6METHOD) $(val c1 IPV6PREFIX)" = "dhcpv6 64"
	check "dnsmasq: RA flags" test "$(val c1 IPV6RA)" = managed,other
	check "dnsmasq: gateway is the router's link-local" test "$(val c1 IPV6GATEWAY)" = "$(server_ll)"
	check "dnsmasq: DNS" test "$(val c1 IPV6DNS0)" = 2001:db8:0:1::53
	check "dnsmasq: search domain" test "$(val c1 IPV6DOMAIN)" = test.example
	check "dnsmasq: boot file URL" grep -qx "BOOTFILE6='http://\[2001:db8:0:1::1\]/boot.efi'" "$tmp/c1.out"
	check "dnsmasq: ip addr shows $a/64, DAD done" bash -c \
		"ip -n '$C' -6 addr show dev vethc | grep 'inet6 $a/64 scope global' | grep -qv tentative"
	check "dnsmasq: default route via the router" grep -q "^default via $(server_ll) dev vethc" \
		<(ip -n "$C" -6 route show default)
	mac=$(ip netns exec "$C" cat /sys/class/net/vethc/address)
	check "dnsmasq: lease keyed by DUID-LL of the MAC" grep -q " $a .* 00:03:00:01:$mac$" "$tmp/dm1.leases"
	check "dnsmasq: output sources in sh" test "$(sh -c '. "$1" && echo "$IPV6ADDR $BOOTFILE6"' sh "$tmp/c1.out")" = \
		"$a http://[2001:db8:0:1::1]/boot.efi"
	check "dnsmasq: TCP to the server from the new address" tcp6_from "$a"
	# a second run, the four-message exchange, replaces what the first added rather than failing
	run6 c1b --apply --no-rapid-commit --timeout 15
	check "dnsmasq: second --apply run succeeds" test $RC -eq 0
	check "dnsmasq: Advertise, Request, Reply: the same address" grep -q "^IPV6ADDR=$a$" "$tmp/c1b.out"
	check "dnsmasq: Advertise, then Request, then the lease" awk -v a="$a" '
		index($0, "Advertise " a " from fe80::") { adv = NR }
		index($0, "Request " a " (try 1)") && adv { req = NR }
		index($0, "DHCPv6 lease " a " from fe80::") && req && !/rapid commit/ { ok = 1 }
		END { exit !ok }' "$tmp/c1b.err"
}

# --- 2: dnsmasq, SLAAC and stateless DHCPv6 ---
case2() {
	local want
	pair sl || { fail "slaac: setup" "namespaces/veth"; return; }
	dnsmasq6 sl1 --dhcp-range=2001:db8:0:1::,ra-stateless,64 --dhcp-option=option6:dns-server,[2001:db8:0:1::53] \
		--dhcp-option=option6:domain-search,stateless.example \
		--dhcp-option=option6:bootfile-url,"http://[2001:db8:0:1::1]/sl.efi" ||
		{ fail "slaac: server start" "$(tail -3 "$tmp/sl1.log")"; return; }
	run6 c2 --apply --timeout 15
	[ $RC -eq 0 ] || { fail "slaac: address" "exit $RC: $(tail -3 "$tmp/c2.err")"; return; }
	want=$(eui64)
	check "slaac: EUI-64 address $want, $MS ms" test "$(val c2 IPV6ADDR) $(val c2 IPV6PREFIX) $(val c2 IPV6METHOD)" = "$want 64 slaac"
	echo "INFO: $T: slaac: $(tail -1 "$tmp/c2.err" | sed 's/^netboot: dhcp6: //')"
	check "slaac: RA flags: other" test "$(val c2 IPV6RA)" = other
	check "slaac: RDNSS read" grep -q "router advertisement from fe80::.*M=0 O=1, prefix 2001:db8:0:1::/64 (SLAAC), .* 1 DNS" "$tmp/c2.err"
	check "slaac: no Solicit after the RA" awk '/router advertisement from/ { ra = 1 } ra && /: Solicit/ { bad = 1 }
		END { exit !(ra && !bad) }' "$tmp/c2.err"
	check "slaac: Information-Request answered" grep -q "Reply from fe80::.*: 1 DNS, search stateless.example" "$tmp/c2.err"
	check "slaac: DNS, domain, boot file URL" test "$(val c2 IPV6DNS0) $(val c2 IPV6DOMAIN) $(val c2 BOOTFILE6)" = \
		"2001:db8:0:1::53 stateless.example 'http://[2001:db8:0:1::1]/sl.efi'"
	check "slaac: no lease" test -z "$(val c2 IPV6LEASETIME)"
	check "slaac: ip addr shows $want/64" grep -q "inet6 $want/64 scope global" <(ip -n "$C" -6 addr show dev vethc)
	check "slaac: default route via the router" grep -q "^default via $(server_ll) dev vethc" <(ip -n "$C" -6 route show default)
	# the router takes the client's address: the next run's DAD must say so
	ip -n "$C" addr del "$want/64" dev vethc && ip -n "$S" addr add "$want/64" dev veths nodad
	run6 c2b --apply --timeout 10
	check "dad: a taken address fails" test $RC -ne 0
	check "dad: says the address is in use" grep -q "^netboot: dhcp6: vethc: $want failed DAD: another host on the link uses it" "$tmp/c2b.err"
}

# --- 3: Kea ---
kea_conf() {	# kea_conf FILE POOL: Kea's DHCPv6 on veths, files in $tmp
	cat >"$1" <<-EOF
	{ "Dhcp6": {
	  "interfaces-config": { "interfaces": [ "veths" ] },
	  "data-directory": "$tmp",
	  "lease-database": { "type": "memfile", "persist": false },
	  "subnet6": [ { "id": 1, "subnet": "2001:db8:0:1::/64", "interface": "veths", "rapid-commit": true,
	    "pools": [ { "pool": "$2" } ],
	    "option-data": [ { "name": "dns-servers", "data": "2001:db8:0:1::53" },
	                     { "name": "domain-search", "data": "kea.example" },
	                     { "name": "bootfile-url", "data": "http://[2001:db8:0:1::1]/kea.efi" } ] } ],
	  "loggers": [ { "name": "kea-dhcp6", "output_options": [ { "output": "$tmp/kea.log" } ], "severity": "INFO" } ]
	} }
	EOF
}
case3() {
	if ! command -v kea-dhcp6 >/dev/null; then echo "SKIP: $T: kea: kea-dhcp6-server not installed"; return; fi
	pair kea || { fail "kea: setup" "namespaces/veth"; return; }
	ip -n "$C" link set vethc up	# Kea opens sockets only on a running link
	kea_conf "$tmp/kea.json" 2001:db8:0:1::200-2001:db8:0:1::200
	KEA_PIDFILE_DIR=$tmp KEA_LOCKFILE_DIR=$tmp ip netns exec "$S" kea-dhcp6 -c "$tmp/kea.json" >"$tmp/kea.out" 2>&1 &
	PIDS+=($!)
	wait_udp6 "$S" 547 || { fail "kea: server start" "$(tail -3 "$tmp/kea.out")"; return; }
	run6 c3 --apply --mode dhcp --timeout 15
	[ $RC -eq 0 ] || { fail "kea: address" "exit $RC: $(tail -3 "$tmp/c3.err")"; return; }
	check "kea: lease 2001:db8:0:1::200/128, $MS ms" test "$(val c3 IPV6ADDR)/$(val c3 IPV6PREFIX)" = 2001:db8:0:1::200/128
	echo "INFO: $T: kea: $(tail -1 "$tmp/c3.err" | sed 's/^netboot: dhcp6: //')"
	check "kea: DNS, domain, boot file URL" test "$(val c3 IPV6DNS0) $(val c3 IPV6DOMAIN) $(val c3 BOOTFILE6)" = \
		"2001:db8:0:1::53 kea.example 'http://[2001:db8:0:1::1]/kea.efi'"
	check "kea: rapid commit" grep -q "DHCPv6 lease .*rapid commit" "$tmp/c3.err"
	check "kea: ip addr shows it" grep -q "inet6 2001:db8:0:1::200/128 scope global" <(ip -n "$C" -6 addr show dev vethc)
	# the pool's one address is ours: another client (a new MAC) is refused with Kea's words
	ip -n "$C" link set vethc down && ip -n "$C" link set vethc address 02:00:00:00:00:99 && ip -n "$C" link set vethc up
	run6 c3b --mode dhcp --no-rapid-commit --timeout 4
	check "kea: pool exhausted fails" test $RC -ne 0
	check "kea: NoAddrsAvail and the server's text quoted" grep -q "NoAddrsAvail (2): .*[a-z]" "$tmp/c3b.err"
}

# --- 4: a server that answers garbage (started first, checked last: it waits out its timeout) ---
case4_start() {
	pair gb || { fail "garbage: setup" "namespaces/veth"; return 1; }
	ip netns exec "$S" python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 547))
idx = socket.if_nametoindex("veths")
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::1:2") + struct.pack("@I", idx))
while True:
    m, a = s.recvfrom(2000)
    # an Advertise with our xid and client id whose IA_NA claims 200 bytes it does not have
    s.sendto(bytes([2]) + m[1:4] + m[4:18] + b"\x00\x03\x00\xc8\x00\x00", a)
' 2>"$tmp/garbage.err" &
	PIDS+=($!)
	wait_udp6 "$S" 547 || { fail "garbage: server start" "$(cat "$tmp/garbage.err")"; return 1; }
	( run6 c4 --mode dhcp --timeout 4; echo "$RC $MS" >"$tmp/c4.rc" ) &
	BG+=($!)
}
case4_check() {
	read -r RC MS <"$tmp/c4.rc"
	check "garbage: fails" test "$RC" -ne 0
	if [ "$MS" -lt 6000 ]; then pass "garbage: gave up after $MS ms (timeout 4 s)"; else fail "garbage: timing" "$MS ms"; fi
	check "garbage: names the option and the fault" grep -q "option 3 (IA_NA) at offset [0-9]*: length 200 runs past the end" "$tmp/c4.err"
	check "garbage: final message says what was tried" grep -q "^netboot: dhcp6: no IPv6 address on vethc after .*Solicits, no Advertise; last trouble: malformed answer from fe80::" "$tmp/c4.err"
}

# --- 5: nothing answers (started first, checked last) ---
case5_start() {
	pair no || { fail "no server: setup" "namespaces/veth"; return 1; }
	( run6 c5 --timeout 4; echo "$RC $MS" >"$tmp/c5.rc" ) &
	BG+=($!)
}
case5_check() {
	read -r RC MS <"$tmp/c5.rc"
	check "no server: fails" test "$RC" -ne 0
	if [ "$MS" -ge 3500 ] && [ "$MS" -lt 6000 ]; then pass "no server: gave up after $MS ms (timeout 4 s)"
	else fail "no server: timing" "gave up after $MS ms, timeout 4 s"; fi
	check "no server: message" grep -q "^netboot: dhcp6: no IPv6 address on vethc after [0-9.]* s ([0-9]* Solicits, no Advertise; no router advertisement)" "$tmp/c5.err"
	check "no server: prints nothing" test ! -s "$tmp/c5.out"
}

# --- 6: no carrier (the peer end down): said so within the timeout ---
case6_start() {
	local c=nbt6c-nc-$tag
	newns "$c" && ip -n "$c" link add vethc type veth peer name vethx || { fail "no carrier: setup" "namespace/veth"; return 1; }
	( ip netns exec "$c" "$NB" dhcp6 --timeout 2 vethc >"$tmp/c6.out" 2>"$tmp/c6.err"; echo $? >"$tmp/c6.rc" ) &
	BG+=($!)
}
case6_check() {
	check "no carrier: fails" test "$(cat "$tmp/c6.rc")" -ne 0
	check "no carrier: says so" grep -q "^netboot: dhcp6: vethc: no usable link-local address after 2.0 s (no carrier)" "$tmp/c6.err"
}

netns_usable || { echo "SKIP: $T: cannot create network namespaces"; exit 0; }
BG=()
have_py=; command -v python3 >/dev/null && have_py=1
[ -n "$have_py" ] && { case4_start || have_py=; }
case5_start && have5=1
case6_start && have6=1
if command -v dnsmasq >/dev/null; then case1; case2; else echo "SKIP: $T: dnsmasq not installed"; fi
case3
wait "${BG[@]}"
[ -n "$have_py" ] && case4_check
[ -n "${have5:-}" ] && case5_check
[ -n "${have6:-}" ] && case6_check
[ -n "${KEEP_LOG:-}" ] && for f in "$tmp"/c*.err; do echo "--- $f"; cat "$f"; done >&2
exit 0
