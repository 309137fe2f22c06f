#!/bin/bash
# The lease the booted system's DHCP client takes over (docs/handover.md):
# after /init's client (build/netboot dhcp, the same code) got a lease from
# dnsmasq, the clients the network managers run must be answered from that
# same lease, not given a second one:
#   - ISC dhclient (ifupdown), which sends no client identifier;
#   - a client sending 01+MAC, as systemd-networkd with the ClientIdentifier=mac
#     our .network file sets and NetworkManager with dhcp-client-id=mac do
#     (busybox udhcpc sends exactly that by default);
#   - and, as a control that the check can fail, a client with another
#     identifier (networkd's default, a DUID) gets a second lease.
# Private namespaces joined by a veth pair, 192.0.2.0/24; nothing leaves them.
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
T=handover_lease
[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
[ -x "$NB" ] || { echo "FAIL: $T: $NB not built"; exit 1; }
. tests/integration/netns_lib.sh

s=nbtest-hls-$tag c=nbtest-hlc-$tag
newns "$s" && newns "$c" && veth "$c" vethc "$s" veths || { fail "setup" "namespaces/veth"; exit 1; }
ip -n "$s" addr add 192.0.2.1/24 dev veths
ip -n "$s" link set veths up
ip -n "$c" link set vethc up
start_dnsmasq "$s" dnsmasq --interface=veths --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
	--dhcp-option=3,192.0.2.1 || { fail "dnsmasq start" "$(tail -3 "$tmp/dnsmasq.log")"; exit 1; }
mac=$(ip netns exec "$c" cat /sys/class/net/vethc/address)
leases() { grep -c . "$tmp/dnsmasq.leases" 2>/dev/null || echo 0; }

ip netns exec "$c" "$NB" dhcp --timeout 20 vethc > "$tmp/ours.out" 2> "$tmp/ours.err"
ours=$(sed -n 's/^IPV4ADDR=//p' "$tmp/ours.out")
[ -n "$ours" ] || { fail "the agent's lease" "$(tail -3 "$tmp/ours.err")"; exit 1; }
check "the agent's lease: one lease, client id 01:$mac" grep -q " $ours .* 01:$mac\$" "$tmp/dnsmasq.leases"

# dhclient (ifupdown): no client identifier; -sf /bin/true leaves the link alone
ip netns exec "$c" timeout 30 dhclient -1 -v -sf /bin/true -lf "$tmp/dhclient.leases" -pf "$tmp/dhclient.pid" \
	vethc > "$tmp/dhclient.out" 2>&1
[ -s "$tmp/dhclient.pid" ] && kill "$(cat "$tmp/dhclient.pid")" 2>/dev/null
got=$(sed -n 's/^bound to \([0-9.]*\).*/\1/p' "$tmp/dhclient.out" | head -1)
if [ "$got" = "$ours" ] && [ "$(leases)" = 1 ]; then
	pass "dhclient (ifupdown) is answered from the agent's lease: $got, still one lease"
else
	fail "dhclient (ifupdown) answered from the agent's lease" "got '$got' (agent: $ours), $(leases) leases: $(tail -3 "$tmp/dhclient.out" | tr '\n' ' ')"
fi

# 01+MAC (networkd ClientIdentifier=mac, NM dhcp-client-id=mac): busybox udhcpc's default
udhcpc_lease() {	# udhcpc_lease EXTRA-ARGS...: prints the address it was offered
	ip netns exec "$c" busybox udhcpc -i vethc -n -q -f -t 5 -T 2 -s /bin/true "$@" 2>&1 |
		sed -n 's/.*[Ll]ease of \([0-9.]*\) obtained.*/\1/p' | head -1
}
got=$(udhcpc_lease)
if [ "$got" = "$ours" ] && [ "$(leases)" = 1 ]; then
	pass "client id 01+MAC (networkd, NetworkManager) is answered from the agent's lease: $got, still one lease"
else
	fail "client id 01+MAC answered from the agent's lease" "got '$got' (agent: $ours), $(leases) leases"
fi

# control: another identifier (a DUID, networkd's default) is another client
got=$(udhcpc_lease -x 0x3d:ff0000000100020000ab11deadbeef)
if [ -n "$got" ] && [ "$(leases)" = 2 ]; then
	pass "control: a DUID client identifier gets a second lease ($got): the checks above can fail"
else
	fail "control: a DUID client identifier gets a second lease" "got '$got', $(leases) leases"
fi
