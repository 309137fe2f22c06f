#!/bin/bash
# netboot serve's DHCP service (server/dhcp.c, server/leases.c) against real
# clients, relays and a real DHCP server, all inside private network
# namespaces this test creates (192.0.2.0/24, 198.51.100.0/24, no route out).
#   1 busybox udhcpc: address in the range, mask, router, DNS, lease, boot file
#   2 dhclient: the same options, next-server and filename
#   3 the same MAC again gets the same address, another MAC another one
#   4 kill -9 and restart with the same lease file: the same address again
#   5 PXE DISCOVER (dhcp_pxe_client): arch 7 -> syslinux.efi, 60/43/97; arch 0 -> pxelinux.0
#   6 proxy-DHCP beside dnsmasq on another host: dnsmasq gives the address,
#     we the boot file (yiaddr 0); port 4011 REQUEST -> ACK; udhcpc ignored
#   7 relayed through dhcrelay: the client gets 198.51.100.x
#   8 garbage to port 67: logged (rate-limited), the server lives and serves
#   9 port 67 taken by another DHCP server: one clear line, exit non-zero
# Needs root; prints PASS/FAIL/SKIP.
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
PXE=build/integration/dhcp_pxe_client
T=serve_dhcp

[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
for x in busybox dhclient dhcrelay dnsmasq ip; do
	command -v $x >/dev/null || { echo "SKIP: $T: $x missing (scripts/install-deps.sh)"; exit 0; }
done
make -s -j2 "$NB" "$PXE" >/dev/null || { echo "FAIL: $T: build"; exit 1; }

. tests/integration/netns_lib.sh
S=nbsd-s-$tag C1=nbsd-c1-$tag C2=nbsd-c2-$tag C3=nbsd-c3-$tag D=nbsd-d-$tag
EXTRA_PIDFILES=()
CLEANUP_HOOK='for f in "${EXTRA_PIDFILES[@]}"; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null; done'

mkdir -p "$tmp/boot"
echo kernel > "$tmp/boot/vmlinuz"; echo initrd > "$tmp/boot/initram.igz"; echo image > "$tmp/boot/sysrcd.dat"
cat > "$tmp/udhcpc.sh" <<'EOF'
#!/bin/sh
[ "$1" = bound ] && env > "$OUT"
exit 0
EOF
# dhclient runs its script with a clean environment: the output path is baked in
cat > "$tmp/dhclient.sh" <<EOF
#!/bin/sh
[ "\$reason" = BOUND ] && env > "$tmp/d1"
exit 0
EOF
chmod +x "$tmp/udhcpc.sh" "$tmp/dhclient.sh"

# The segment: a bridge at 192.0.2.1 in $S, clients joined by veth.
newns "$S" && ip -n "$S" link add br0 type bridge && ip -n "$S" addr add 192.0.2.1/24 dev br0 &&
	ip -n "$S" link set br0 up || { fail setup "server namespace"; exit 1; }
join() {	# join NS N MAC: NS's eth0 on the bridge
	newns "$1" && veth "$1" eth0 "$S" "p$2" && ip -n "$1" link set eth0 address "$3" &&
		ip -n "$1" link set eth0 up && ip -n "$S" link set "p$2" master br0 && ip -n "$S" link set "p$2" up
}
join "$C1" 1 02:00:00:00:00:01 && join "$C2" 2 02:00:00:00:00:02 && join "$C3" 3 02:00:00:00:00:03 ||
	{ fail setup "client namespaces"; exit 1; }

SRV=
start_server() {	# start_server NS LOG args...
	local ns=$1 log=$2; shift 2
	ip netns exec "$ns" "$NB" serve --boot-dir "$tmp/boot" --no-tftp --no-http --http-url http://192.0.2.1/sysrcd.dat "$@" > "$log" 2>&1 &
	SRV=$!
	PIDS+=("$SRV")
	wait_server "$ns" && grep -q ready "$log" 2>/dev/null || { sleep 0.3; grep -q ready "$log"; }
}
stop_server() { [ -n "$SRV" ] && kill "${1:--TERM}" "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null; SRV=; }
FULL=(--dhcp-range 192.0.2.100 192.0.2.150 --local-ip 192.0.2.1 --netmask 255.255.255.0 --router 192.0.2.1
	--dns 192.0.2.53 --lease-time 3600 --leases "$tmp/leases" --interface br0)

udhcpc() {	# udhcpc NS OUT: one lease, env of the bound script into OUT
	rm -f "$2"
	OUT=$2 timeout 20 ip netns exec "$1" busybox udhcpc -f -q -n -t 3 -T 2 -i eth0 -s "$tmp/udhcpc.sh" >/dev/null 2>&1
	[ -s "$2" ]
}
var() { sed -n "s/^$2=//p" "$1" | head -1; }

# --- 1 udhcpc ---
start_server "$S" "$tmp/srv1.log" "${FULL[@]}" || fail "server start" "$(tail -3 "$tmp/srv1.log")"
if udhcpc "$C1" "$tmp/u1"; then
	ip1=$(var "$tmp/u1" ip)
	case $ip1 in 192.0.2.1[0-4][0-9] | 192.0.2.150) pass "udhcpc: address $ip1 in the range" ;;
	*) fail "udhcpc: address in the range" "got '$ip1'" ;; esac
	got="$(var "$tmp/u1" subnet) $(var "$tmp/u1" router) $(var "$tmp/u1" dns) $(var "$tmp/u1" lease) $(var "$tmp/u1" serverid) $(var "$tmp/u1" siaddr) $(var "$tmp/u1" boot_file)"
	want="255.255.255.0 192.0.2.1 192.0.2.53 3600 192.0.2.1 192.0.2.1 pxelinux.0"
	if [ "$got" = "$want" ]; then pass "udhcpc: mask, router, DNS, lease, server id, next-server, boot file"
	else fail "udhcpc: options" "got '$got', want '$want'"; fi
else
	fail "udhcpc: lease" "no lease; server log: $(tail -3 "$tmp/srv1.log")"
fi
check "log: one offer and one ack line for the MAC" \
	grep -q "02:00:00:00:00:01 dhcp: ack $ip1 lease 3600 s" "$tmp/srv1.log"
grep -q "02:00:00:00:00:01 dhcp: offer $ip1 to udhcp" "$tmp/srv1.log" && pass "log: offer line names the client" ||
	fail "log: offer line" "$(grep offer "$tmp/srv1.log" | head -2)"

# --- 2 dhclient (same MAC as 1) ---
rm -f "$tmp/d1"
EXTRA_PIDFILES+=("$tmp/dhclient.pid")
OUT=$tmp/d1 timeout 25 ip netns exec "$C1" dhclient -1 -v -sf "$tmp/dhclient.sh" -lf "$tmp/dhclient.leases" \
	-pf "$tmp/dhclient.pid" eth0 >"$tmp/dhclient.out" 2>&1
[ -s "$tmp/dhclient.pid" ] && kill "$(cat "$tmp/dhclient.pid")" 2>/dev/null
if [ -s "$tmp/d1" ]; then
	got="$(var "$tmp/d1" new_ip_address) $(var "$tmp/d1" new_subnet_mask) $(var "$tmp/d1" new_routers) $(var "$tmp/d1" new_domain_name_servers) $(var "$tmp/d1" new_dhcp_lease_time) $(var "$tmp/d1" new_dhcp_server_identifier) $(var "$tmp/d1" new_filename)"
	want="$ip1 255.255.255.0 192.0.2.1 192.0.2.53 3600 192.0.2.1 pxelinux.0"
	if [ "$got" = "$want" ]; then pass "dhclient: same address as udhcpc (same MAC), same options, filename"
	else fail "dhclient: options" "got '$got', want '$want'"; fi
	ns=$(sed -n 's/.*next-server \([0-9.]*\);.*/\1/p' "$tmp/dhclient.leases" | tail -1)
	[ "${ns:-$(var "$tmp/d1" new_next_server)}" = 192.0.2.1 ] && pass "dhclient: next-server 192.0.2.1" ||
		fail "dhclient: next-server" "got '$ns' in the lease file"
else
	fail "dhclient: lease" "$(tail -3 "$tmp/dhclient.out")"
fi

# --- 3 same MAC, other MAC ---
udhcpc "$C1" "$tmp/u1b" && [ "$(var "$tmp/u1b" ip)" = "$ip1" ] && pass "same MAC asks again: same address $ip1" ||
	fail "same MAC again" "got '$(var "$tmp/u1b" ip)', want '$ip1'"
udhcpc "$C2" "$tmp/u2"; ip2=$(var "$tmp/u2" ip)
[ -n "$ip2" ] && [ "$ip2" != "$ip1" ] && pass "second MAC: another address $ip2" ||
	fail "second MAC" "got '$ip2' (first $ip1)"
grep -q "02:00:00:00:00:01 $ip1 [0-9]* bound" "$tmp/leases" && pass "lease file has the bound lease" ||
	fail "lease file" "$(cat "$tmp/leases")"

# --- 4 kill -9 and restart ---
stop_server -KILL
start_server "$S" "$tmp/srv4.log" "${FULL[@]}" || fail "restart" "$(tail -3 "$tmp/srv4.log")"
# the other MAC asks first, so a server that forgot would hand it $ip1
udhcpc "$C2" "$tmp/u2b"; udhcpc "$C1" "$tmp/u1c"
[ -n "$ip1" ] && [ "$(var "$tmp/u1c" ip)" = "$ip1" ] && [ "$(var "$tmp/u2b" ip)" = "$ip2" ] &&
	pass "after kill -9 and restart: both MACs keep their addresses" ||
	fail "restart keeps addresses" "got $(var "$tmp/u1c" ip) / $(var "$tmp/u2b" ip), want $ip1 / $ip2"

# --- 5 PXE clients ---
out=$(ip netns exec "$C3" "$PXE" discover eth0 7 1)
if [[ $out == *"type=OFFER from=192.0.2.1 yiaddr=192.0.2.1"*"siaddr=192.0.2.1 file=syslinux.efi sid=192.0.2.1 opt60=PXEClient opt43=060108ff opt97=00112233445566778899aabbccddeeff42"* ]]; then
	pass "PXE arch 7: offer with syslinux.efi, option 60 echoed, 43 = discovery control 8, 97 echoed"
else
	fail "PXE arch 7" "got '$out'"
fi
out=$(ip netns exec "$C3" "$PXE" discover eth0 0 1)
[[ $out == *"file=pxelinux.0 "* ]] && pass "PXE arch 0: pxelinux.0" || fail "PXE arch 0" "got '$out'"
grep -q "02:00:00:00:00:03 dhcp: offer 192.0.2.1[0-9]* to UEFI x64 PXEClient:Arch:00007:UNDI:003016, boot file syslinux.efi" \
	"$tmp/srv4.log" && pass "log: PXE offer names arch and boot file" || fail "log: PXE offer" "$(grep 00:03 "$tmp/srv4.log")"

# --- 8 garbage (before proxy mode: against the full server) ---
t0=$(now_ms)
ip netns exec "$C3" "$PXE" garbage eth0 300
sleep 0.5
if kill -0 "$SRV" 2>/dev/null && udhcpc "$C2" "$tmp/u2c" && [ "$(var "$tmp/u2c" ip)" = "$ip2" ]; then
	pass "300 malformed datagrams: server alive, next client served"
else
	fail "garbage" "server dead or no lease; log: $(tail -3 "$tmp/srv4.log")"
fi
n=$(grep -c 'dhcp: dropped' "$tmp/srv4.log")
secs=$(( ($(now_ms) - t0) / 1000 + 2 ))
[ "$n" -ge 1 ] && [ "$n" -le "$secs" ] && pass "garbage logged rate-limited: $n line(s) in about $secs s" ||
	fail "garbage log" "$n 'dropped' lines in $secs s"
stop_server

# --- 9 port 67 taken (dnsmasq without --bind-interfaces holds 0.0.0.0:67) ---
ip netns exec "$S" dnsmasq --no-daemon --port=0 --conf-file=/dev/null --interface=br0 --user=root \
	--dhcp-range=192.0.2.200,192.0.2.210 --pid-file="$tmp/dm9.pid" --dhcp-leasefile="$tmp/dm9.leases" \
	--log-facility="$tmp/dm9.log" 2>>"$tmp/dm9.log" &
dm9=$!; PIDS+=("$dm9")
if wait_server "$S"; then
	ip netns exec "$S" "$NB" serve --boot-dir "$tmp/boot" --no-tftp --no-http --http-url http://192.0.2.1/sysrcd.dat "${FULL[@]}" > "$tmp/srv9.out" 2>"$tmp/srv9.err" &
	p9=$!; PIDS+=("$p9")
	for _ in $(seq 30); do kill -0 "$p9" 2>/dev/null || break; sleep 0.1; done
	wait "$p9"; rc=$?
	lines=$(wc -l < "$tmp/srv9.err")
	if [ "$rc" -ne 0 ] && [ "$lines" = 1 ] && grep -q 'UDP port 67 is in use.*dnsmasq.*--proxy-dhcp.*--dhcp-port' "$tmp/srv9.err"; then
		pass "port 67 taken: exit $rc, one line: $(cat "$tmp/srv9.err")"
	else
		fail "port 67 taken" "exit $rc, stderr: $(cat "$tmp/srv9.err")"; kill "$p9" 2>/dev/null
	fi
else
	fail "port 67 taken" "dnsmasq did not start: $(tail -2 "$tmp/dm9.log")"
fi
kill "$dm9" 2>/dev/null; wait "$dm9" 2>/dev/null

# --- 6 proxy-DHCP beside dnsmasq on another host (192.0.2.2 in $D) ---
join "$D" 4 02:00:00:00:00:dd && ip -n "$D" addr add 192.0.2.2/24 dev eth0 || fail setup "dnsmasq namespace"
start_dnsmasq "$D" dm6 --interface=eth0 --dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,1h --user=root --no-ping ||
	fail "proxy: dnsmasq start" "$(tail -2 "$tmp/dm6.log")"
start_server "$S" "$tmp/srv6.log" --proxy-dhcp --local-ip 192.0.2.1 --interface br0 ||
	fail "proxy: server start" "$(tail -3 "$tmp/srv6.log")"
out=$(ip netns exec "$C3" "$PXE" discover eth0 7 2)
ours=$(grep 'from=192.0.2.1 ' <<<"$out") theirs=$(grep 'from=192.0.2.2 ' <<<"$out")
[[ $ours == *"type=OFFER from=192.0.2.1 yiaddr=0.0.0.0 siaddr=192.0.2.1 file=syslinux.efi sid=192.0.2.1 opt60=PXEClient opt43=060108ff opt97=00112233445566778899aabbccddeeff42"* ]] &&
	pass "proxy: our offer has no address, the boot file, 60/43/97" || fail "proxy: our offer" "got '$out'"
pip=$(sed -n 's/.*yiaddr=\(192\.0\.2\.[0-9]*\) .*/\1/p' <<<"$theirs")
case $pip in 192.0.2.5[0-9] | 192.0.2.60) pass "proxy: the address $pip comes from dnsmasq" ;;
*) fail "proxy: dnsmasq address" "got '$out'; dnsmasq: $(tail -4 "$tmp/dm6.log")" ;; esac
if [ -n "$pip" ]; then
	ip -n "$C3" addr add "$pip/24" dev eth0
	out=$(ip netns exec "$C3" "$PXE" request eth0 192.0.2.1 "$pip" 7)
	[[ $out == *"type=ACK from=192.0.2.1 yiaddr=0.0.0.0 siaddr=192.0.2.1 file=syslinux.efi sid=192.0.2.1 opt60=PXEClient opt43=060108ff"* ]] &&
		pass "proxy: port 4011 REQUEST -> ACK with the boot file" || fail "proxy: port 4011" "got '$out'"
	ip -n "$C3" addr flush dev eth0
fi
if udhcpc "$C2" "$tmp/u6"; then
	case $(var "$tmp/u6" ip)/$(var "$tmp/u6" serverid) in
	192.0.2.5[0-9]/192.0.2.2 | 192.0.2.60/192.0.2.2) pass "proxy: udhcpc gets its address from dnsmasq" ;;
	*) fail "proxy: udhcpc" "got $(var "$tmp/u6" ip) from $(var "$tmp/u6" serverid)" ;;
	esac
else
	fail "proxy: udhcpc" "no lease"
fi
grep -q "02:00:00:00:00:02 dhcp: proxy: not a PXE client" "$tmp/srv6.log" &&
	! grep -q "02:00:00:00:00:02 dhcp: proxy offer" "$tmp/srv6.log" &&
	pass "proxy: udhcpc (not PXE) ignored by us, logged once" || fail "proxy: non-PXE" "$(grep 00:02 "$tmp/srv6.log")"
grep -q "02:00:00:00:00:03 dhcp: proxy offer: boot file syslinux.efi (UEFI x64)" "$tmp/srv6.log" &&
	pass "log: proxy offer line" || fail "log: proxy offer" "$(grep 00:03 "$tmp/srv6.log")"
stop_server

# --- 7 relayed: client 198.51.100.0/24 -- dhcrelay -- server 192.0.2.1 ---
S2=nbsd-s2-$tag R=nbsd-r-$tag C4=nbsd-c4-$tag
if newns "$S2" && newns "$R" && newns "$C4" && veth "$S2" eth0 "$R" up0 && veth "$R" down0 "$C4" eth0; then
	ip -n "$S2" addr add 192.0.2.1/24 dev eth0; ip -n "$S2" link set eth0 up
	ip -n "$S2" route add 198.51.100.0/24 via 192.0.2.2
	ip -n "$R" addr add 192.0.2.2/24 dev up0; ip -n "$R" addr add 198.51.100.1/24 dev down0
	ip -n "$R" link set up0 up; ip -n "$R" link set down0 up
	ip -n "$C4" link set eth0 address 02:00:00:00:00:04; ip -n "$C4" link set eth0 up
	start_server "$S2" "$tmp/srv7.log" --dhcp-range 198.51.100.100 198.51.100.150 --subnet 198.51.100.0 \
		--netmask 255.255.255.0 --router 198.51.100.1 --local-ip 192.0.2.1 --leases "$tmp/leases7" ||
		fail "relay: server start" "$(tail -3 "$tmp/srv7.log")"
	ip netns exec "$R" dhcrelay -d -4 -iu up0 -id down0 192.0.2.1 > "$tmp/relay.log" 2>&1 &
	PIDS+=($!)
	sleep 0.5
	if udhcpc "$C4" "$tmp/u7"; then
		got="$(var "$tmp/u7" ip) $(var "$tmp/u7" router) $(var "$tmp/u7" serverid)"
		[[ $got == 198.51.100.1[0-5][0-9]" 198.51.100.1 192.0.2.1" ]] &&
			pass "relay: udhcpc behind dhcrelay gets $got (address, router, server id)" || fail "relay: options" "got '$got'"
	else
		fail "relay: lease" "none; server: $(tail -3 "$tmp/srv7.log"); relay: $(tail -3 "$tmp/relay.log")"
	fi
	grep -q "02:00:00:00:00:04 dhcp: ack 198.51.100.1[0-9]* lease 3600 s, via relay 198.51.100.1" "$tmp/srv7.log" &&
		pass "log: relayed ack names the relay" || fail "log: relayed ack" "$(grep 00:04 "$tmp/srv7.log")"
	stop_server
else
	fail "relay: setup" "namespaces"
fi

[ "$FAILED" = 0 ]
