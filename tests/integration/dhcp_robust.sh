#!/bin/bash
# The DHCP client (build/netboot dhcp) against dhcp_fake.c, a scripted server
# in a private network namespace, for what real servers rarely do on demand:
#   nak-first  the first REQUEST is NAKed: the client starts over and gets a lease
#   junk       garbage, foreign xid/chaddr, a BOOTREQUEST and a truncated reply
#              arrive before every real one: all ignored, lease obtained
#   overload   router, DNS, lease time, domain and bootfile in file/sname
# Addresses: 192.0.2.0/24.  Needs root; prints PASS/FAIL/SKIP.
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
T=dhcp_robust
FAKE=build/integration/dhcp_fake

. tests/integration/netns_lib.sh
need ip
need_netns
[ -x "$NB" ] || { skip "$NB not built"; exit 0; }

make -s "$FAKE" >"$tmp/build.err" 2>&1 || { fail "build dhcp_fake" "$(head -5 "$tmp/build.err")"; exit 1; }

# scenario MODE: fresh namespaces, dhcp_fake MODE, the client; output in $tmp/MODE.{out,err}
scenario() {
	local mode=$1 s=nbtest-fsrv-$1-$tag c=nbtest-fcli-$1-$tag
	newns "$s" && newns "$c" && veth "$c" vethc "$s" veths || { fail "$mode: setup" "namespaces"; return 1; }
	ip -n "$s" addr add 192.0.2.1/24 dev veths
	ip -n "$s" link set veths up
	ip netns exec "$s" "$FAKE" veths "$mode" 2>"$tmp/$mode.srv" &
	PIDS+=($!)
	wait_server "$s" || { fail "$mode: server start" "$(cat "$tmp/$mode.srv")"; return 1; }
	ip netns exec "$c" "$NB" dhcp --timeout 20 vethc >"$tmp/$mode.out" 2>"$tmp/$mode.err"
	RC=$?
	[ $RC -eq 0 ] || { fail "$mode: lease" "exit $RC: $(tail -3 "$tmp/$mode.err")"; return 1; }
	check "$mode: lease 192.0.2.77" grep -qx "IPV4ADDR=192.0.2.77" "$tmp/$mode.out"
}

if scenario nak-first; then
	check "nak-first: NAK logged, text sanitized" grep -q "vethc: NAK from 192.0.2.1: wrong?address, starting over" "$tmp/nak-first.err"
	check "nak-first: server saw two REQUESTs" test "$(grep -c 'got REQUEST' "$tmp/nak-first.srv")" -eq 2
	check "nak-first: new xid after NAK" test "$(grep -o 'xid 0x[0-9a-f]*' "$tmp/nak-first.srv" | sort -u | wc -l)" -eq 2
fi
if scenario junk; then
	check "junk: server sent junk" grep -q "sent 5 junk packets" "$tmp/junk.srv"
	check "junk: malformed packets reported" grep -q "vethc: ignored a malformed packet" "$tmp/junk.err"
	check "junk: at most 3 reports" test "$(grep -c 'vethc: ignored' "$tmp/junk.err")" -le 3
	check "junk: gateway from the real reply" grep -qx "IPV4GATEWAY=192.0.2.1" "$tmp/junk.out"
fi
if scenario overload; then
	check "overload: router from file" grep -qx "IPV4GATEWAY=192.0.2.1" "$tmp/overload.out"
	check "overload: DNS from sname" grep -qx "IPV4DNS0=192.0.2.53" "$tmp/overload.out"
	check "overload: domain from sname" grep -qx "DNSDOMAIN=fake.example" "$tmp/overload.out"
	check "overload: lease time from file" grep -qx "LEASETIME=600" "$tmp/overload.out"
	check "overload: bootfile option from file" grep -qx "BOOTFILE=over.0" "$tmp/overload.out"
fi
[ -n "${KEEP_LOG:-}" ] && for f in "$tmp"/*.err "$tmp"/*.srv; do echo "--- $f"; cat "$f"; done >&2
exit 0
