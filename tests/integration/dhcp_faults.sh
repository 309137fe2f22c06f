#!/bin/bash
# DHCP faults (issue 10): the client (build/netboot dhcp, and the agent's
# network stage through netup_run) against dhcp_fake.c modes in private
# namespaces, 192.0.2.0/24.  Needs root; prints PASS/FAIL/SKIP.  ~35 s,
# most of it the agent's fixed 30 s DHCP deadline, run beside the rest.
#   silent       no answer: the agent's stage fails at 30 s with one clear
#                line (/init then prints "FAILED at network" and starts the
#                rescue shell, init/main.c); the tool with --timeout 8 too;
#                the DISCOVERs back off
#   badmask, badaddr   every offer unusable: refused, named, timeout
#   router-out   router outside the subnet: lease, default route onlink
#   lease0       lease time 0: lease, no LEASETIME in the handover
#   no-sid       no option 54: the source address stands in
#   nak-storm    20 NAKs before the OFFER, 3 REQUESTs x 20 NAKs: lease
#   nak-always   every REQUEST NAKed: no lease, REQUESTs bounded
#   two servers  plain + second: one lease, from one server only
#   greedy       a second server ACKs at once REQUESTs naming the first
#                (whose ACK comes 300 ms late): ignored
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
T=dhcp_faults
FAKE=build/integration/dhcp_fake
RUN=build/integration/netup_run

. tests/integration/netns_lib.sh
need ip
need_netns
[ -x "$NB" ] || { skip "$NB not built"; exit 0; }
make -s "$FAKE" "$RUN" >"$tmp/build.err" 2>&1 || { fail "build" "$(head -5 "$tmp/build.err")"; exit 1; }

# pair NAME: client namespace C_NAME (eth0) and server namespace S_NAME
# (veths 192.0.2.1/24 and .2); sets C and S
pair() {
	S=nbtest-dfs-$1-$tag C=nbtest-dfc-$1-$tag
	newns "$S" && newns "$C" && veth "$C" eth0 "$S" veths || return 1
	ip -n "$S" addr add 192.0.2.1/24 dev veths
	ip -n "$S" addr add 192.0.2.2/24 dev veths
	ip -n "$S" link set veths up
	ip -n "$C" link set eth0 up
}
fake() {	# fake NAME MODE: dhcp_fake in $S, log $tmp/NAME.srv
	ip netns exec "$S" "$FAKE" veths "$2" 2>>"$tmp/$1.srv" &
	PIDS+=($!)
}
# tool NAME TIMEOUT [args]: netboot dhcp in $C; $tmp/NAME.{out,err}, RC, MS
tool() {
	local name=$1 to=$2 t0; shift 2
	t0=$(now_ms)
	ip netns exec "$C" "$NB" dhcp --timeout "$to" "$@" eth0 >"$tmp/$name.out" 2>"$tmp/$name.err"
	RC=$? MS=$(( $(now_ms) - t0 ))
}
scenario() {	# scenario NAME MODE...: namespaces, the fakes, a ready check
	local name=$1 m; shift
	pair "$name" || { fail "$name: setup" "namespaces"; return 1; }
	for m in "$@"; do fake "$name" "$m"; done
	wait_server "$S" || { fail "$name: server start" "$(cat "$tmp/$name.srv")"; return 1; }
}
has() { grep -qE "$2" "$tmp/$1"; }
between() {	# between NAME MS LO HI: MS within [LO, HI] ms
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then pass "$1 ($2 ms)"; else fail "$1" "$2 ms, expected $3..$4"; fi
}

# --- the agent's stage, no answer: started first, checked last (30 s) ---
if [ -z "${NO_AGENT:-}" ] && scenario agent-silent silent; then
	mkdir -p "$tmp/agent"
	( t0=$(now_ms)
	  ip netns exec "$C" "$RUN" "$tmp/agent" "console=ttyS0 netboot=http://192.0.2.1/sysrcd.dat" \
		>"$tmp/agent.out" 2>"$tmp/agent.err"
	  echo "$? $(( $(now_ms) - t0 ))" >"$tmp/agent.rc" ) &
	agent=$!
fi

if scenario silent silent; then
	tool silent 8
	check "silent: no lease, exit 1" test "$RC" -eq 1
	between "silent: gives up at --timeout 8 s" "$MS" 7900 9000
	check "silent: one clear line" has silent.err "^netboot: dhcp: no DHCP offer on eth0 after 8\.0 s \(eth0: [0-9]+ DISCOVERs, no offer\)$"
	n=$(grep -c 'got DISCOVER' "$tmp/silent.srv")
	if [ "$n" -ge 3 ] && [ "$n" -le 4 ]; then pass "silent: DISCOVERs back off ($n in 8 s)"
	else fail "silent: backoff" "$n DISCOVERs in 8 s, expected 3..4"; fi
fi

if scenario badmask badmask; then
	tool badmask 5
	check "badmask: no lease" test "$RC" -eq 1
	check "badmask: the mask named" has badmask.err "eth0: offer from 192\.0\.2\.1 ignored: subnet mask 255\.0\.255\.0 is not a contiguous non-zero mask"
	check "badmask: final line says why" has badmask.err "^netboot: dhcp: no DHCP offer on eth0 after 5\.0 s \(.*last trouble: offer from 192\.0\.2\.1 ignored: subnet mask"
	check "badmask: nothing configured" test -z "$(ip -n "$C" -4 addr show dev eth0)"
fi
if scenario badaddr badaddr; then
	tool badaddr 5 --apply
	check "badaddr: no lease" test "$RC" -eq 1
	check "badaddr: broadcast offer refused" has badaddr.err "offered address 192\.0\.2\.255 is the broadcast address of its /24 subnet"
	check "badaddr: nothing configured" test -z "$(ip -n "$C" -4 addr show dev eth0)"
fi
if scenario router-out router-out; then
	tool router-out 10 --apply
	check "router-out: lease" test "$RC" -eq 0
	check "router-out: gateway kept" grep -qx "IPV4GATEWAY=198.51.100.1" "$tmp/router-out.out"
	check "router-out: default route onlink" grep -q "^default via 198.51.100.1 dev eth0 .*onlink" <(ip -n "$C" route show default)
fi
if scenario lease0 lease0; then
	tool lease0 10
	check "lease0: lease" test "$RC" -eq 0
	check "lease0: address" grep -qx "IPV4ADDR=192.0.2.77" "$tmp/lease0.out"
	check "lease0: no lease time handed over" grep -qx "LEASETIME=" "$tmp/lease0.out"
fi
if scenario no-sid no-sid; then
	tool no-sid 10
	check "no-sid: lease" test "$RC" -eq 0
	check "no-sid: server from the source address" grep -qx "DHCPSERVER=192.0.2.1" "$tmp/no-sid.out"
	check "no-sid: REQUEST names it" has no-sid.srv "REQUEST names server 192\.0\.2\.1"
fi
if scenario nak-storm nak-storm; then
	tool nak-storm 20
	check "nak-storm: lease" test "$RC" -eq 0
	between "nak-storm: lease after 3 NAKed REQUESTs" "$MS" 0 10000
	check "nak-storm: 4 REQUESTs, no flood" test "$(grep -c 'got REQUEST' "$tmp/nak-storm.srv")" -eq 4
	check "nak-storm: 3 NAKs acted on, the 77 copies ignored" test "$(grep -c 'eth0: NAK from' "$tmp/nak-storm.err")" -eq 3
fi
if scenario nak-always nak-always; then
	tool nak-always 10
	check "nak-always: no lease" test "$RC" -eq 1
	check "nak-always: says NAK" has nak-always.err "^netboot: dhcp: no DHCP (lease|offer) on eth0 after 10\.0 s \(.*NAK from 192\.0\.2\.1"
	n=$(grep -c 'got REQUEST' "$tmp/nak-always.srv")
	if [ "$n" -ge 2 ] && [ "$n" -le 7 ]; then pass "nak-always: $n REQUESTs in 10 s (held 2 s after each NAK)"
	else fail "nak-always: bounded" "$n REQUESTs in 10 s"; fi
fi
if scenario two plain second; then
	tool two 10
	check "two servers: lease" test "$RC" -eq 0
	srv=$(sed -n 's/^DHCPSERVER=//p' "$tmp/two.out") addr=$(sed -n 's/^IPV4ADDR=//p' "$tmp/two.out")
	gw=$(sed -n 's/^IPV4GATEWAY=//p' "$tmp/two.out")
	check "two servers: address, router, server from one ($addr $gw $srv)" \
		grep -qxE "192\.0\.2\.77 192\.0\.2\.1 192\.0\.2\.1|192\.0\.2\.88 192\.0\.2\.2 192\.0\.2\.2" <<<"$addr $gw $srv"
	check "two servers: one REQUEST, naming it, seen by both" \
		test "$(grep 'REQUEST names server' "$tmp/two.srv" | sort | uniq -c | xargs)" = "2 dhcp_fake: REQUEST names server $srv"
fi
if scenario greedy slow greedy; then
	tool greedy 10
	check "greedy: lease" test "$RC" -eq 0
	check "greedy: the other server ACKed first" has greedy.srv "ACKing a REQUEST for another server"
	check "greedy: its ACK was sent" has greedy.srv "ACK sent"
	check "greedy: the chosen server's address" grep -qx "IPV4ADDR=192.0.2.77" "$tmp/greedy.out"
	check "greedy: the chosen server's router and id" \
		test "$(grep -E '^(IPV4GATEWAY|DHCPSERVER)=' "$tmp/greedy.out" | xargs)" = "IPV4GATEWAY=192.0.2.1 DHCPSERVER=192.0.2.1"
fi

if [ -n "${agent:-}" ]; then
	wait "$agent"
	read -r arc ams <"$tmp/agent.rc"
	check "agent, no answer: the stage fails" test "$arc" -eq 1
	between "agent, no answer: at the 30 s deadline" "$ams" 29900 31500
	# IPv6 ran beside DHCPv4 (the default) and failed too: one line names both
	check "agent, no answer: one clear line" has agent.err \
		"^netup_run: no DHCP offer on eth0 after 30\.0 s \(eth0: [0-9]+ DISCOVERs, no offer\); IPv6: no IPv6 address on eth0 after [0-9.]+ s \([0-9]+ Solicits, no Advertise; no router advertisement\)$"
	check "agent, no answer: at most 6 DISCOVERs" test "$(grep -c 'got DISCOVER' "$tmp/agent-silent.srv")" -le 6
fi
[ -n "${KEEP_LOG:-}" ] && for f in "$tmp"/*.err "$tmp"/*.srv; do echo "--- $f"; cat "$f"; done >&2
exit 0
