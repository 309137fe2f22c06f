#!/bin/bash
# netboot serve reads the seed's /etc/conf.d/pxebootsrv unchanged: the
# effective settings, flags winning over the file, a warning for an unknown
# key, and a stop with file, line, key and expectation for a bad value.
cd "$(dirname "$0")/../.." || exit 1
T=serve-config
. tests/lib.sh; tmp=$TMP
expect() {	# expect NAME TEXT REGEX
	if grep -qE -- "$3" <<<"$2"; then pass "$1"; else fail "$1" "'$3' not in: $(head -c 300 <<<"$2")"; fi
}
# the seed's typical file, verbatim; a boot folder the server accepts
seed_pxebootsrv "$tmp/pxebootsrv"
: > "$tmp/vmlinuz"; : > "$tmp/initram.igz"
out=$(build/netboot serve --config "$tmp/pxebootsrv" --boot-dir "$tmp" --print-config 2>&1); rc=$?
[ $rc -eq 0 ] && pass "seed file accepted" || fail "seed file accepted" "exit $rc: $out"
expect "DODHCPD=yes: DHCP server" "$out" '^dhcp = server$'
expect "range" "$out" '^dhcp_range = 192\.168\.1\.100 192\.168\.1\.150$'
expect "next-server from \$PXEBOOTSRV_LOCALIP" "$out" '^next_server = 192\.168\.1\.5$'
expect "append line from _HTTPSERVER" "$out" '^append = netboot=http://192\.168\.1\.5/sysrcd\.dat$'
expect "router and DNS" "$out" '^router = 192\.168\.1\.254$'

out=$(build/netboot serve --config "$tmp/pxebootsrv" --boot-dir "$tmp" --proxy-dhcp --stage3 tftp --print-config 2>&1)
expect "flags win over the file" "$out" '^dhcp = proxy$'
expect "stage 3 by flag" "$out" '^append = netboot=tftp://192\.168\.1\.5/sysrcd\.dat$'

sed 's/DODHCPD="yes"/DODHCPD="no"/' "$tmp/pxebootsrv" > "$tmp/proxy"
out=$(build/netboot serve --config "$tmp/proxy" --boot-dir "$tmp" --print-config 2>&1)
expect "DODHCPD=no: proxy-DHCP beside the existing server" "$out" '^dhcp = proxy$'

out=$(build/netboot serve --boot-dir "$tmp" --local-ip 192.0.2.5 --print-config 2>&1)
expect "no config: proxy-DHCP, never hands out addresses" "$out" '^dhcp = proxy$'

{ cat "$tmp/pxebootsrv"; echo 'PXEBOOTSRV_COLOUR="blue"'; } > "$tmp/unknown"
out=$(build/netboot serve --config "$tmp/unknown" --boot-dir "$tmp" --print-config 2>&1); rc=$?
expect "unknown key: a warning naming it" "$out" 'line 25: unknown key PXEBOOTSRV_COLOUR'
[ $rc -eq 0 ] && pass "unknown key: not fatal" || fail "unknown key: not fatal" "exit $rc"

sed 's/^PXEBOOTSRV_NETMASK=.*/PXEBOOTSRV_NETMASK="255.0.255.0"/' "$tmp/pxebootsrv" > "$tmp/bad"
out=$(build/netboot serve --config "$tmp/bad" --boot-dir "$tmp" 2>&1); rc=$?
[ $rc -eq 2 ] && pass "bad value: exit status 2" || fail "bad value: exit status 2" "exit $rc"
expect "bad value: file, line, key, expectation" "$out" \
	"$tmp/bad line 15: PXEBOOTSRV_NETMASK=\"255\.0\.255\.0\": expected a contiguous netmask"
sed 's/^PXEBOOTSRV_DODHCPD=.*/PXEBOOTSRV_DODHCPD="maybe"/' "$tmp/pxebootsrv" > "$tmp/bad2"
out=$(build/netboot serve --config "$tmp/bad2" --boot-dir "$tmp" 2>&1)
expect "bad yes/no named" "$out" 'line 7: PXEBOOTSRV_DODHCPD="maybe": expected yes or no'
out=$(build/netboot serve --config "$tmp/nonexistent" --boot-dir "$tmp" 2>&1); rc=$?
expect "missing file named" "$out" "nonexistent: No such file"
out=$(build/netboot serve --boot-dir "$tmp" --dhcp 2>&1); rc=$?
[ $rc -eq 2 ] && pass "DHCP without a range refused" || fail "DHCP without a range refused" "exit $rc: $out"
mkdir "$tmp/nokernel"
out=$(build/netboot serve --boot-dir "$tmp/nokernel" --no-dhcp --no-tftp --no-http --http-url http://192.0.2.1/x 2>&1); rc=$?
expect "a boot folder without a kernel: one line naming it" "$out" "no kernel .*--kernel NAME"

# the range check names the subnet, not the range's first address again
out=$(build/netboot serve --boot-dir "$tmp" --dhcp-range 10.0.0.100 10.0.0.150 --subnet 192.168.1.0 \
	--netmask 255.255.255.0 --local-ip 192.168.1.5 2>&1)
expect "range outside the subnet: both named" "$out" \
	'DHCP range 10\.0\.0\.100 - 10\.0\.0\.150 is outside the subnet 192\.168\.1\.0/24$'
# --print-config checks first: what the server refuses is refused there too
out=$(build/netboot serve --boot-dir "$tmp" --dhcp-range 10.0.0.100 10.0.0.150 --subnet 192.168.1.0 \
	--netmask 255.255.255.0 --local-ip 192.168.1.5 --print-config 2>&1); rc=$?
[ $rc -eq 2 ] && pass "--print-config: a refused setting exits 2" || fail "--print-config: a refused setting exits 2" "exit $rc: $out"
expect "--print-config: the refusal's message" "$out" 'outside the subnet 192\.168\.1\.0/24'
grep -q '^dhcp_range' <<<"$out" && fail "--print-config: nothing printed when refused" "$out" ||
	pass "--print-config: nothing printed when refused"
out=$(build/netboot serve --boot-dir "$tmp/nokernel" --local-ip 192.0.2.5 --print-config 2>&1); rc=$?
[ $rc -eq 2 ] && pass "--print-config: a boot folder without a kernel exits 2" ||
	fail "--print-config: a boot folder without a kernel exits 2" "exit $rc: $out"
expect "--print-config: the missing kernel named" "$out" "nokernel: no kernel .*--kernel NAME"
out=$(build/netboot serve --boot-dir "$tmp" --local-ip 192.0.2.5 --print-config 2>&1)
expect "--print-config: the kernel it found" "$out" '^image = \(top level\) \(default\): vmlinuz initram\.igz'
