#!/bin/bash
# netboot serve's DHCPv6 service (server/dhcp6.c, server/leases6.c) in a
# private namespace pair joined by veth (server 2001:db8::1/64 and
# 192.0.2.1/24; no route out).  Needs root.
#   0 PXEBOOTSRV_RA: the agent's client in auto mode (ip=auto6) sees M and
#     O and the on-link /64 in the server's RA, then takes a DHCPv6 address
#   1 the agent's client (netboot dhcp6 --mode dhcp): an address in
#     PXEBOOTSRV_DHCP6RANGE with Rapid Commit (one Reply), DNS from DNS6;
#     again without Rapid Commit (Advertise + Request): the same address
#   2 the lease file: the client's DUID, the address, its MAC (from DUID-LL);
#     status.json lists the client by MAC with its v6 address
#   2b ISC dhclient -6 (DUID-LLT): an address in the range, its MAC read
#     from the DUID-LLT into the lease file
#   3 a UEFI PXE client (61 = 7, vendor class PXEClient, dhcp6_probe.py):
#     option 59 tftp://[2001:db8::1]/syslinux.efi; a Renew keeps the address
#   4 a UEFI HTTP client (61 = 16, HTTPClient): 59 is the HTTP URL of
#     snponly.efi on [2001:db8::1], vendor class 16 echoed
#   4b a relay (Relay-Forw with interface id and option 79) for a client
#     whose DUID-EN holds no MAC: Relay-Repl, the MAC from 79 in the lease file
#   4c Confirm (RFC 8415 18.3.3): Success for an address of the range's /64,
#     NotOnLink when one is not, no Reply without addresses; Decline
#     (18.3.8): Success, the address held back (the next Solicit gets
#     another one), logged, "declined" in the lease file; a Decline for an
#     IA never bound: NoBinding in the IA
#   4d the agent's client with --apply and DAD on, its bound address also
#     held by the server's interface: DAD fails, the client removes it,
#     sends a Decline (the server holds the address back) and solicits
#     again: another address, past DAD
#   5 garbage (truncated, bad option lengths, random): no crash, the server
#     still answers, at most a few "dropped" lines (rate-limited)
#   6 proxy mode (v4 proxy-DHCP): the PXE client gets 59 and NoAddrsAvail,
#     no address; the agent's plain client gets no answer
#   7 --no-dhcp (no DHCPv4, an IPv6-only link): DHCPv6 gives addresses
#   8 the menus name the address the client reached: boot.ipxe fetched over
#     [2001:db8::1] names http://[2001:db8::1]:8080/, over 192.0.2.1 the
#     v4 URL; then with no IPv4 address in the server's namespace at all:
#     proxy-DHCP refused, naming --no-dhcp; --no-dhcp starts, says IPv6
#     only, its boot.ipxe and pxelinux menu name [2001:db8::1], its status
#     page open to the on-link /64
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
PROBE=tests/integration/dhcp6_probe.py
T=serve_dhcp6

[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
[ -x "$NB" ] || { echo "SKIP: $T: $NB not built"; exit 0; }
command -v ip >/dev/null && command -v python3 >/dev/null || { echo "SKIP: $T: ip or python3 missing"; exit 0; }

TMP_NAME=nbtest-sdhcp6 . tests/integration/netns_lib.sh
S=nbs6s-$tag C=nbs6c-$tag
newns "$S" && newns "$C" && veth "$C" vethc "$S" veths &&
	ip netns exec "$C" sysctl -qw net.ipv6.conf.vethc.accept_ra=0 net.ipv6.conf.vethc.accept_dad=0 &&
	ip netns exec "$S" sysctl -qw net.ipv6.conf.veths.accept_dad=0 &&
	ip -n "$C" link set vethc address 02:00:00:00:06:01 && ip -n "$C" link set vethc up &&
	ip -n "$S" addr add 2001:db8::1/64 dev veths nodad && ip -n "$S" addr add 192.0.2.1/24 dev veths &&
	ip -n "$S" link set veths up || { fail setup "namespaces/veth"; exit 1; }
mkdir -p "$tmp/boot"
echo kernel > "$tmp/boot/vmlinuz"; echo initrd > "$tmp/boot/initram.igz"; echo image > "$tmp/boot/sysrcd.dat"

# serve NAME MODE RA [FLAG]: the server in $S with $tmp/NAME.conf (MODE yes = full DHCP, no = proxy)
serve() {
	cat > "$tmp/$1.conf" <<EOC
PXEBOOTSRV_DODHCPD=$2
PXEBOOTSRV_SUBNET=192.0.2.0
PXEBOOTSRV_NETMASK=255.255.255.0
PXEBOOTSRV_DHCPRANGE="192.0.2.100 192.0.2.150"
PXEBOOTSRV_LOCALIP=192.0.2.1
PXEBOOTSRV_INTERFACE=veths
PXEBOOTSRV_DODHCP6=yes
PXEBOOTSRV_DHCP6RANGE="2001:db8::100 2001:db8::1ff"
PXEBOOTSRV_DNS6=2001:db8::53
PXEBOOTSRV_RA=$3
EOC
	ip netns exec "$S" "$NB" serve --config "$tmp/$1.conf" --boot-dir "$tmp/boot" --leases "$tmp/$1.leases" \
		--no-tftp --http-port 8080 ${4:+"$4"} >"$tmp/$1.log" 2>&1 &
	SRV=$!
	PIDS+=($SRV)
	for _ in $(seq 50); do
		ip netns exec "$S" cat /proc/net/udp6 | awk '{print $2}' | grep -q ':0223$' && return 0
		sleep 0.1
	done
	fail "$1: server start" "$(tail -3 "$tmp/$1.log")"
	return 1
}
run6() {	# run6 NAME ARGS...: the agent's client in $C
	local name=$1; shift
	ip netns exec "$C" "$NB" dhcp6 --mode dhcp "$@" vethc >"$tmp/$name.out" 2>"$tmp/$name.err"
}
fetch() {	# fetch PATH: the server's status page PATH into $tmp/PATH
	ip netns exec "$S" python3 -c 'import urllib.request,sys; sys.stdout.write(urllib.request.urlopen(sys.argv[1],timeout=3).read().decode())' \
		"http://192.0.2.1:8080/$1" >"$tmp/$1" 2>&1
}
val() { sed -n "s/^$2=//p" "$tmp/$1.out"; }
probe() {	# probe NAME ARGS...: dhcp6_probe.py in $C
	local name=$1; shift
	ip netns exec "$C" python3 "$PROBE" vethc "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}
in_range() { python3 -c "import ipaddress,sys; a=int(ipaddress.IPv6Address(sys.argv[1]));
sys.exit(not int(ipaddress.IPv6Address('2001:db8::100')) <= a <= int(ipaddress.IPv6Address('2001:db8::1ff')))" "$1" 2>/dev/null; }

t0=$(now_ms)
if serve full yes 2001:db8::/64; then
	run6 a1 --timeout 8
	a1=$(val a1 IPV6ADDR)
	check "agent client: address $a1 in the range" in_range "$a1"
	check "agent client: DNS 2001:db8::53" test "$(val a1 IPV6DNS0)" = 2001:db8::53
	check "agent client: rapid commit (one Reply to the Solicit)" grep -q "dhcp6: Solicit $a1" "$tmp/full.log"
	run6 a2 --no-rapid-commit --timeout 8
	check "agent client without rapid commit: advertise, request, the same address" \
		bash -c "[ '$(val a2 IPV6ADDR)' = '$a1' ] && grep -q 'dhcp6: advertise $a1' '$tmp/full.log' &&
			grep -q 'dhcp6: Request $a1' '$tmp/full.log'"
	check "lease file: DUID-LL, address, MAC" grep -q "^00030001020000000601 [0-9]* $a1 [0-9]* bound 02:00:00:00:06:01$" \
		"$tmp/full.leases6"
	ip netns exec "$C" "$NB" dhcp6 --mode auto --timeout 8 vethc >"$tmp/a3.out" 2>"$tmp/a3.err"
	check "RA (PXEBOOTSRV_RA=2001:db8::/64): M and O set, on-link /64, then DHCPv6 gives $a1" \
		test "$(val a3 IPV6RA) $(val a3 IPV6PREFIX) $(val a3 IPV6ADDR)" = "managed,other 64 $a1"
	check "log names the client by its MAC" grep -q "02:00:00:00:06:01 dhcp6: Solicit $a1" "$tmp/full.log"

	fetch status.json
	check "status.json: the client by MAC with its v6 address" \
		grep -q "\"mac\":\"02:00:00:00:06:01\",\"ip\":\"[0-9.]*\",\"ip6\":\"$a1\"" "$tmp/status.json"
	probe p1 solicit 7 PXEClient:Arch:00007:UNDI:003016 rapid
	check "UEFI PXE: option 59 tftp://[2001:db8::1]/syslinux.efi" test "$(val p1 URL)" = "tftp://[2001:db8::1]/syslinux.efi"
	check "UEFI PXE: an address in the range, and a Renew keeps it" \
		bash -c "[ '$(val p1 TYPE)' = 7 ] && [ '$(val p1 RENEWTYPE)' = 7 ] && [ -n '$(val p1 ADDR)' ] &&
			[ '$(val p1 RENEWADDR)' = '$(val p1 ADDR)' ]"
	probe p2 solicit 16 HTTPClient:Arch:00016
	check "UEFI HTTP: Advertise with http://[2001:db8::1]:8080/snponly.efi, HTTPClient echoed" \
		test "$(val p2 TYPE) $(val p2 URL) $(val p2 VC)" = "2 http://[2001:db8::1]:8080/snponly.efi HTTPClient"

	if command -v dhclient >/dev/null; then	# ISC dhclient, DUID-LLT: the MAC read from it
		printf '#!/bin/sh\n[ "$reason" = BOUND6 ] && echo "$new_ip6_address" > %s\nexit 0\n' "$tmp/dh.addr" > "$tmp/dh.sh"
		chmod +x "$tmp/dh.sh"
		# in the foreground (-d), stopped by its PID: a daemon's pid file can come
		# after the lease, and a dhclient left behind takes the later probes' Replies
		ip netns exec "$C" dhclient -6 -1 -d -D LLT -cf /dev/null -lf "$tmp/dh.leases" -pf "$tmp/dh.pid" \
			-sf "$tmp/dh.sh" vethc >"$tmp/dh.out" 2>&1 &
		PIDS+=($!)
		for _ in $(seq 100); do [ -s "$tmp/dh.addr" ] && break; sleep 0.1; done
		stop "$!"
		dh=$(cat "$tmp/dh.addr" 2>/dev/null)
		check "dhclient -6: address $dh in the range" in_range "$dh"
		check "dhclient -6: its DUID-LLT in the lease file with the MAC" \
			grep -q "^00010001[0-9a-f]\{8\}020000000601 [0-9]* $dh [0-9]* bound 02:00:00:00:06:01$" "$tmp/full.leases6"
	fi
	ip -n "$C" addr add 2001:db8::99/64 dev vethc nodad	# the relay's own address
	probe r1 relay 2001:db8::1 02:00:00:00:07:07
	check "relayed (Relay-Forw, option 79): Relay-Repl, interface id echoed, Reply with an address" \
		bash -c "[ '$(val r1 OUTER) $(val r1 IFID) $(val r1 TYPE)' = '13 port7 7' ] && [ -n '$(val r1 ADDR)' ]"
	check "relayed: the MAC from option 79 in the lease file (DUID-EN holds none)" \
		grep -q "^0002.* 9 $(val r1 ADDR) [0-9]* bound 02:00:00:00:07:07$" "$tmp/full.leases6"
	probe c1 confirm 2001:db8::1234 2001:db8::100
	check "Confirm of on-link addresses: Reply, Success, no IA" test "$(val c1 TYPE) $(val c1 STATUS) $(val c1 IA)" = "7 0 no"
	probe c2 confirm 2001:db8::1234 2001:db8:1::5
	check "Confirm with an address off the link: Reply, NotOnLink (4)" test "$(val c2 TYPE) $(val c2 STATUS)" = "7 4"
	probe c3 confirm
	check "Confirm without addresses: no Reply" test "$(val c3 TYPE)" = none
	probe d1 decline 77
	da=$(val d1 ADDR)
	check "Decline of $da: Reply, Success, no IA" test "$(val d1 DTYPE) $(val d1 DSTATUS) $(val d1 DIASTATUS)" = "7 0 none"
	check "after the Decline the client gets another address ($(val d1 ADDR2))" \
		bash -c "[ -n '$da' ] && [ -n '$(val d1 ADDR2)' ] && [ '$(val d1 ADDR2)' != '$da' ]"
	check "Decline logged, held back 600 s" grep -q "dhcp6: decline of $da from fe80::.*held back 600 s" "$tmp/full.log"
	check "lease file: $da declined, no one's" grep -q "^- 0 $da [0-9]* declined -$" "$tmp/full.leases6"
	check "Decline for an IA never bound: NoBinding (3) in the IA" test "$(val d1 NTYPE) $(val d1 NIASTATUS)" = "7 3"
	probe g1 garbage 60
	probe p3 solicit 7 PXEClient:Arch:00007:UNDI:003016
	drops=$(grep -c 'dhcp6: dropped from' "$tmp/full.log")
	check "garbage: the server lives and answers ($drops dropped lines for 60 packets)" \
		bash -c "kill -0 $SRV && [ '$(val p3 TYPE)' = 2 ] && [ $drops -ge 1 ] && [ $drops -le 5 ]"
	fetch metrics
	m() { sed -n "s/^netboot_serve_$1 //p" "$tmp/metrics"; }
	check "metrics: DHCPv6 solicits, confirms, declines, replies, dropped packets counted" \
		bash -c "[ '$(m 'dhcp6_messages_received_total{type="solicit"}')' -ge 5 ] &&
			[ '$(m 'dhcp6_messages_received_total{type="confirm"}')' = 3 ] &&
			[ '$(m 'dhcp6_messages_received_total{type="decline"}')' = 2 ] &&
			[ '$(m 'dhcp6_messages_sent_total{type="reply"}')' -ge 4 ] && [ '$(m dhcp6_dropped_total)' -ge 30 ]"
	# a duplicate on the link: the server's interface holds the client's address
	ip -n "$S" addr add "$a1/64" dev veths nodad && ip netns exec "$C" sysctl -qw net.ipv6.conf.vethc.accept_dad=1
	t1=$(now_ms)
	run6 dad --apply --timeout 10
	dad_ms=$(( $(now_ms) - t1 ))
	b1=$(val dad IPV6ADDR)
	check "DAD of $a1 failed: declined, another address ($b1) in $dad_ms ms" \
		bash -c "[ '$b1' != '$a1' ] && grep -q '$a1 failed DAD.*declining it' '$tmp/dad.err' &&
			grep -q 'Reply to the Decline from fe80::.* (Success), soliciting again' '$tmp/dad.err'"
	check "the new address $b1 in the range" in_range "$b1"
	check "on vethc past DAD, the declined one gone" \
		bash -c "ip -n $C -6 addr show dev vethc | grep -q 'inet6 $b1/64 scope global' &&
			! ip -n $C -6 addr show dev vethc | grep -q '$a1/'"
	check "the server logged the Decline of $a1 and holds it back" \
		bash -c "grep -q 'dhcp6: decline of $a1 from fe80::' '$tmp/full.log' && grep -q '^- 0 $a1 [0-9]* declined -$' '$tmp/full.leases6'"
	check "handover: IAID and T1 for the booted system's client" \
		test "$(val dad IPV6IAID) $(val dad IPV6T1) $(val dad IPV6T2)" = "1537 1800 2880"
	ip -n "$S" addr del "$a1/64" dev veths; ip -n "$C" addr flush dev vethc scope global
	ip netns exec "$C" sysctl -qw net.ipv6.conf.vethc.accept_dad=0
	kill "$SRV"; wait "$SRV" 2>/dev/null
fi

if serve proxy no no; then
	probe x1 solicit 7 PXEClient:Arch:00007:UNDI:003016
	check "proxy: Advertise with 59, NoAddrsAvail, no address" \
		test "$(val x1 TYPE) $(val x1 URL) $(val x1 IASTATUS) [$(val x1 ADDR)]" = \
		"2 tftp://[2001:db8::1]/syslinux.efi 2 []"
	run6 x2 --timeout 3
	check "proxy: the agent's plain client gets no answer" test -z "$(val x2 IPV6ADDR)"
	check "proxy: no lease file" test ! -e "$tmp/proxy.leases6"
	kill "$SRV"; wait "$SRV" 2>/dev/null
fi
if serve v6only no no --no-dhcp; then	# no DHCPv4 at all: DHCPv6 hands out addresses
	run6 v1 --timeout 5
	check "--no-dhcp (no DHCPv4): DHCPv6 still gives an address ($(val v1 IPV6ADDR))" in_range "$(val v1 IPV6ADDR)"
	check "--no-dhcp: no DHCPv4 socket" bash -c "! ip netns exec $S cat /proc/net/udp | awk '{print \$2}' | grep -q ':0043$'"
	kill "$SRV"; wait "$SRV" 2>/dev/null
fi
# 8: URLs by the family the client came over; then a server with no IPv4 address
ip -n "$C" addr add 2001:db8::2/64 dev vethc nodad && ip -n "$C" addr add 192.0.2.2/24 dev vethc
get() {	# get NAME URL: curl in $C into $tmp/NAME
	ip netns exec "$C" curl -gsS --max-time 3 -o "$tmp/$1" -w '%{http_code}' "$2" 2>>"$tmp/$1.err"
}
plain() {	# plain NAME FLAGS...: TFTP off, HTTP on 8080, no DHCPv6, log in $tmp/NAME.log
	local name=$1; shift
	ip netns exec "$S" "$NB" serve --boot-dir "$tmp/boot" --interface veths --leases "$tmp/$name.leases" \
		--no-tftp --http-port 8080 "$@" >"$tmp/$name.log" 2>&1 &
	SRV=$!
	PIDS+=($SRV)
	ns_wait_port "$S" 2001:db8::1 8080
}
if plain dual --no-dhcp --local-ip 192.0.2.1; then
	get dual6.ipxe "http://[2001:db8::1]:8080/boot.ipxe" >/dev/null
	get dual4.ipxe "http://192.0.2.1:8080/boot.ipxe" >/dev/null
	check "dual stack: boot.ipxe over IPv6 names http://[2001:db8::1]:8080/, no v4 address" \
		bash -c "grep -q 'netboot=http://\[2001:db8::1\]:8080/sysrcd.dat ' '$tmp/dual6.ipxe' && ! grep -q 192.0.2 '$tmp/dual6.ipxe'"
	check "dual stack: boot.ipxe over IPv4 names http://192.0.2.1:8080/ (LOCALIP), no v6 address" \
		bash -c "grep -q 'netboot=http://192.0.2.1:8080/sysrcd.dat ' '$tmp/dual4.ipxe' && ! grep -q 2001:db8 '$tmp/dual4.ipxe'"
	stop "$SRV"
else
	fail "dual stack: server start" "$(tail -3 "$tmp/dual.log")"
fi
ip -n "$S" addr del 192.0.2.1/24 dev veths
check "v6 only: no IPv4 address in the server's namespace but loopback's" \
	bash -c "! ip -n $S -4 addr show | grep inet | grep -v 127.0.0.1"
ip netns exec "$S" timeout 5 "$NB" serve --boot-dir "$tmp/boot" --interface veths --no-tftp --http-port 8080 \
	>"$tmp/v6proxy.log" 2>&1
check "v6 only: proxy-DHCP (the default) refused: no IPv4 address, --no-dhcp named" \
	grep -q "no IPv4 address on veths: give --local-ip (PXEBOOTSRV_LOCALIP), or --no-dhcp" "$tmp/v6proxy.log"
if plain v6o --no-dhcp --nbd-port 10809; then
	check "v6 only: --no-dhcp starts and says it serves 2001:db8::1, IPv6 only" \
		grep -q "this server is 2001:db8::1 on veths, IPv6 only" "$tmp/v6o.log"
	check "v6 only: the ready line's stage 3 names [2001:db8::1]" \
		grep -q "stage 3: netboot=http://\[2001:db8::1\]:8080/sysrcd.dat" "$tmp/v6o.log"
	get v6o.ipxe "http://[2001:db8::1]:8080/boot.ipxe" >/dev/null
	get v6o.menu "http://[2001:db8::1]:8080/pxelinux.cfg/default" >/dev/null
	check "v6 only: boot.ipxe names http://[2001:db8::1]:8080/ and nbd://[2001:db8::1]:10809/" \
		bash -c "grep -q 'netboot=http://\[2001:db8::1\]:8080/sysrcd.dat ' '$tmp/v6o.ipxe' &&
			grep -q 'netboot=nbd://\[2001:db8::1\]:10809/sysrcd.dat ' '$tmp/v6o.ipxe'"
	check "v6 only: the pxelinux menu names http://[2001:db8::1]:8080/" \
		grep -q "APPEND netboot=http://\[2001:db8::1\]:8080/sysrcd.dat" "$tmp/v6o.menu"
	check "v6 only: the status page open to the on-link /64 (from 2001:db8::2)" \
		test "$(get v6o.json "http://[2001:db8::1]:8080/status.json")" = 200
	stop "$SRV"
else
	fail "v6 only: server start" "$(tail -3 "$tmp/v6o.log")"
fi
echo "INFO: $T: $(( ($(now_ms) - t0) / 1000 )) s"
