#!/bin/bash
# BENCH_ONLY=ipv6 make bench: IPv4 against IPv6, time to a usable address
# (issue 18), in one run, as ratios.
#  1. Clients on a veth pair (no QEMU, ROUNDS each, median): one dnsmasq
#     serving both families on the same link (DHCPv4 with --no-ping, RA with
#     M set, DHCPv6), the client namespace's accept_ra 0 so every address is
#     the client's own work.  Timed from the client's start to the address
#     on the link, past DAD for IPv6 (polled every 10 ms with ip(8)):
#       netboot dhcp --apply, dhclient -4, busybox udhcpc (IPv4)
#       netboot dhcp6 --apply --mode dhcp and --mode auto, dhclient -6 (IPv6)
#     dhclient is what dracut's network-legacy and ifupdown run (started, as
#     ifupdown does, once the link-local address is past DAD: it cannot bind
#     before); Debian's busybox has no udhcpc6.
#  2. The agent in QEMU (TCG, tap in a namespace, BOOTS each): ip=dhcp
#     against ip=dhcp6 and the default command line (both families), the
#     image over HTTP from the same server by each family's literal: the
#     console's "network stage took" and power-on to the test root's marker.
# Needs root.  ROUNDS (5), BOOTS (2), QEMU=0 skips part 2, VETH=0 part 1,
# KEEP_LOGS=DIR keeps the serial logs.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
ROUNDS=${ROUNDS:-5} BOOTS=${BOOTS:-2}
NB=$ROOT/build/netboot
TMP_NAME=netboot-bench6 . "$ROOT/tests/qemu/lib.sh"	# and tests/lib.sh
[ "$(id -u)" = 0 ] || { echo "bench ipv6: needs root (network namespaces)"; exit 1; }

S=nbb6s-$tag C=nbb6c-$tag
newns "$S" && newns "$C" && veth "$C" vethc "$S" veths || { echo "bench ipv6: namespaces"; exit 1; }
ip netns exec "$C" sysctl -qw net.ipv6.conf.vethc.accept_ra=0
ip netns exec "$S" sysctl -qw net.ipv6.conf.veths.accept_dad=0
ip -n "$S" addr add 192.0.2.1/24 dev veths
ip -n "$S" addr add 2001:db8::1/64 dev veths nodad
ip -n "$S" link set veths up
ip netns exec "$S" dnsmasq --no-daemon --port=0 --conf-file=/dev/null --bind-interfaces --interface=veths \
	--pid-file="$TMP/dnsmasq.pid" --dhcp-leasefile="$TMP/dnsmasq.leases" --log-facility="$TMP/dnsmasq.log" \
	--no-ping --enable-ra --dhcp-range=192.0.2.100,192.0.2.200,1h \
	--dhcp-range=2001:db8::100,2001:db8::1ff,64,1h 2>>"$TMP/dnsmasq.log" &
PIDS+=($!)
for _ in $(seq 50); do
	ip netns exec "$S" ss -Hlnu | grep -q ':547 ' && ip netns exec "$S" ss -Hlnu | grep -q ':67 ' && break
	sleep 0.1
done
printf '#!/bin/sh\n[ "$1" = bound ] && ip addr add "$ip/${mask:-24}" dev "$interface"\nexit 0\n' > "$TMP/udhcpc.sh"
chmod +x "$TMP/udhcpc.sh"

# reset: no client left running, no address, the link down (each client's
# run brings it up: netboot's tools do, the others after "ip link set up",
# as ifupdown runs them), the kernel's defaults
reset() {
	pkill -f "dhclient.*$TMP" 2>/dev/null
	ip -n "$C" addr flush dev vethc scope global
	ip -n "$C" link set vethc down
	ip netns exec "$C" sysctl -qw net.ipv6.conf.vethc.optimistic_dad=0 net.ipv6.conf.vethc.router_solicitation_delay=1
	sleep 0.2
}
# usable FAMILY: 0 once vethc has a global address of FAMILY, past DAD
usable() {
	ip -n "$C" "-$1" addr show dev vethc scope global 2>/dev/null | grep 'inet' | grep -qv tentative
}
# timed FAMILY CMD...: ms from starting CMD (in the client namespace, in the
# background) to a usable address of FAMILY; 0 if none within 20 s
timed() {
	local fam=$1 t0 p ms=0; shift
	reset
	t0=$(now_ms)
	ip netns exec "$C" "$@" >"$TMP/client.out" 2>&1 &
	p=$!
	while [ $(( $(now_ms) - t0 )) -lt 20000 ]; do
		usable "$fam" && { ms=$(( $(now_ms) - t0 )); break; }
		sleep 0.01
	done
	kill "$p" 2>/dev/null; wait "$p" 2>/dev/null
	pkill -f "dhclient.*$TMP" 2>/dev/null
	echo "$ms"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }'; }

declare -A MED
CLIENTS=(v4_netboot v4_dhclient v4_udhcpc v6_netboot_dhcp v6_netboot_auto v6_dhclient)
run_client() {
	case $1 in
	v4_netboot) timed 4 "$NB" dhcp --apply --timeout 15 vethc ;;
	v4_dhclient) timed 4 sh -c 'ip link set vethc up && exec dhclient -4 -1 -d -pf "$1/dhc4.pid" -lf "$1/dhc4.leases" vethc' sh "$TMP" ;;
	v4_udhcpc) timed 4 sh -c 'ip link set vethc up && exec busybox udhcpc -f -q -n -i vethc -s "$1/udhcpc.sh"' sh "$TMP" ;;
	v6_netboot_dhcp) timed 6 "$NB" dhcp6 --apply --mode dhcp --timeout 15 vethc ;;
	v6_netboot_auto) timed 6 "$NB" dhcp6 --apply --timeout 15 vethc ;;
	# as ifupdown runs it: dhclient -6 cannot bind before the link-local address is past DAD
	v6_dhclient) timed 6 sh -c 'ip link set vethc up; until ip -6 addr show dev vethc scope link | grep inet6 | grep -qv tentative; do sleep 0.01; done
		exec dhclient -6 -1 -d -pf "$1/dhc6.pid" -lf "$1/dhc6.leases" vethc' sh "$TMP" ;;
	esac
}
[ "${VETH:-1}" = 0 ] || {
echo "IPv4 against IPv6, time to a usable address on a veth pair, one dnsmasq for both (median of $ROUNDS, ms):"
for c in "${CLIENTS[@]}"; do
	for _ in $(seq "$ROUNDS"); do run_client "$c"; done > "$TMP/$c.ms"
	MED[$c]=$(median < "$TMP/$c.ms")
	printf '  %-44s %6s ms   (runs: %s)\n' "$c" "${MED[$c]}" "$(tr '\n' ' ' < "$TMP/$c.ms")"
done
awk -v n4="${MED[v4_netboot]}" -v d4="${MED[v4_dhclient]}" -v u4="${MED[v4_udhcpc]}" -v n6="${MED[v6_netboot_dhcp]}" \
	-v a6="${MED[v6_netboot_auto]}" -v d6="${MED[v6_dhclient]}" 'function r(a, b) { return b ? a / b : 0 }
	BEGIN { printf "  ratios: netboot v4 vs dhclient -4 %.2f, vs udhcpc %.2f; netboot dhcp6 vs dhclient -6 %.2f;\n", r(n4, d4), r(n4, u4), r(n6, d6)
		printf "          netboot v6/v4 %.2f (dhcp6), %.2f (auto6); dhclient v6/v4 %.2f\n", r(n6, n4), r(a6, n4), r(d6, d4) }'
}

[ "${QEMU:-1}" = 0 ] && exit 0
NBOOT=0
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}
L=nbb6lab-$tag
newns "$L" || exit 1
ip -n "$L" link add br0 type bridge
ip -n "$L" link set br0 type bridge forward_delay 0 stp_state 0
ip -n "$L" addr add 192.0.2.1/24 dev br0
ip -n "$L" addr add 2001:db8::1/64 dev br0 nodad
ip -n "$L" link set br0 up
ip -n "$L" tuntap add dev tap0 mode tap
ip -n "$L" link set tap0 master br0 up
image_dir "$TMP/www"
ip netns exec "$L" busybox httpd -f -p 8080 -h "$TMP/www" &
PIDS+=($!)
ip netns exec "$L" dnsmasq --keep-in-foreground --user=root --log-facility=- --conf-file=/dev/null --port=0 \
	--pid-file="$TMP/lab.pid" --dhcp-leasefile="$TMP/lab.leases" --interface=br0 --bind-interfaces --no-ping \
	--enable-ra --dhcp-range=192.0.2.100,192.0.2.200,1h --dhcp-range=2001:db8::100,2001:db8::1ff,64,1h \
	> "$TMP/lab.log" 2>&1 &
PIDS+=($!)
sleep 1
# qboot ARGS: "network-stage-s marker-s" of one direct kernel boot on tap0
qboot() {
	local log=$TMP/q.log t
	: > "$log"
	ip netns exec "$L" qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 512 -no-reboot -display none -monitor none \
		-nodefaults -serial "file:$log" -kernel "$B/kernel/vmlinuz" -initrd "$B/initram.igz" \
		-append "console=ttyS0,115200 panic=-1 $1" -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device "virtio-net-pci,netdev=n0,mac=52:54:00:b6:00:01,romfile=" </dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	PIDS+=($QEMU_PID)
	QEMU_T0=$(date +%s%N)
	if qemu_wait "$log" "$MARK|FAILED at" && grep -q "$MARK" "$log"; then
		t=$(grep -aoE 'network stage took [0-9.]+ s' "$log" | grep -oE '[0-9.]+' | head -1)
		echo "${t:-0} $QEMU_SECONDS"
	else
		echo "0 0"
	fi
	[ -n "${KEEP_LOGS:-}" ] && mkdir -p "$KEEP_LOGS" && cp "$log" "$KEEP_LOGS/boot-$((++NBOOT)).log"
}
echo "The agent in QEMU (TCG), dual-stack tap network, dnsmasq for both families, image by HTTP (median of $BOOTS):"
declare -A NET BOOT
for v in "ip=dhcp netboot=http://192.0.2.1:8080/sysrcd.dat" "ip=dhcp6 netboot=http://[2001:db8::1]:8080/sysrcd.dat" \
	"netboot=http://[2001:db8::1]:8080/sysrcd.dat"; do
	for _ in $(seq "$BOOTS"); do qboot "$v"; done > "$TMP/q.times"
	k=${v%% netboot=*}; [ "$k" = "$v" ] && k="default (v4+v6), v6 URL"
	NET[$k]=$(awk '{ print $1 }' "$TMP/q.times" | median) BOOT[$k]=$(awk '{ print $2 }' "$TMP/q.times" | median)
	printf '  %-44s network stage %5s s, marker at %6s s\n' "$k" "${NET[$k]}" "${BOOT[$k]}"
done
awk -v n4="${NET[ip=dhcp]}" -v n6="${NET[ip=dhcp6]}" -v b4="${BOOT[ip=dhcp]}" -v b6="${BOOT[ip=dhcp6]}" \
	'BEGIN { printf "  ratios: ip=dhcp6 / ip=dhcp: network stage %.2f, whole boot %.2f\n", (n4 > 0 ? n6 / n4 : 0), (b4 > 0 ? b6 / b4 : 0) }'
