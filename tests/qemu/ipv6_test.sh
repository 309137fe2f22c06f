#!/bin/bash
# The agent boots on an IPv6-only network: a tap device in a private
# namespace whose only addresses are in 2001:db8::/64 (no IPv4 address on
# any link, no route out, until boot 5), dnsmasq sending router
# advertisements and answering DNS (boot.test is AAAA 2001:db8::1), and on
# [2001:db8::1]: busybox httpd, nbd-server and nfs-ganesha (NFSv3, with the
# namespace's own rpcbind) serving the test root.  dnsmasq answers the A
# query for boot.test (it has AAAA only) with REFUSED, which musl's resolver
# ignores until its 5 s timeout: the agent asks AAAA and A at once and goes
# on with the AAAA answer (boot 3 checks it takes no 5 s).  Direct kernel
# boots (virtio-net on the tap):
#   1 ip=dhcp6 and a [v6] literal against Kea's DHCPv6 (dnsmasq: RA only):
#     the lease from Kea's pool, Kea's log names the DUID-LL of the MAC
#   2 ethx=2001:db8::5/64 gw=2001:db8::1: static, no DHCP at all; NFSv3
#     from nfs://[2001:db8::1]:/dir (the kernel's mount with addr= and tcp6)
#   3 no ip= (the default: DHCPv4, IPv6 beside it) and a host name: DHCPv4
#     gets no answer, IPv6 alone boots, the name resolves to its AAAA
#   4 ip=auto6 (dnsmasq's RA sets M: DHCPv6 follows) and NBD by name from
#     nbd-server on [2001:db8::1]: the supervisor's address is IPv6
#   4b ip=dhcp6 and NBD by literal; 4c ip=auto6 and nfsboot= by name
#   5 dual stack with the IPv4 server down: br0 gets 192.0.2.1/24, dnsmasq
#     leases IPv4 at once and boot.test has A and AAAA; the default command
#     line: DHCPv4 is done first and IPv6 (not asked for) is stopped; stage
#     3's IPv4 connect is refused, IPv6 is finished for it (tcp_connect's
#     late-IPv6 hook, init/netup.h) and the image comes over IPv6
# dnsmasq's DHCPv6 is tested by 4 (and 5).  Prints the network stage's time
# to address of each.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
need_artifacts
need_netns
T=ipv6
MARK='NETBOOT-TEST-ROOT-OK'
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}
PORT=8080

# the lab of serve_lib.sh, IPv6 only: nodad, so the servers can bind at
# once; a veth pair in br0 keeps the bridge running while no QEMU is
# attached (Kea opens its sockets only on a running link)
newns "$LAB_NS" || { fail "lab" "cannot create the network namespace"; exit 1; }
ip -n "$LAB_NS" link add br0 type bridge
ip -n "$LAB_NS" link set br0 type bridge forward_delay 0 stp_state 0
ip netns exec "$LAB_NS" sysctl -qw net.ipv6.conf.br0.accept_dad=0
ip -n "$LAB_NS" addr add 2001:db8::1/64 dev br0 nodad
ip -n "$LAB_NS" link set br0 up
ip -n "$LAB_NS" tuntap add dev tap0 mode tap
ip -n "$LAB_NS" link set tap0 master br0 up
ip -n "$LAB_NS" link add vk0 type veth peer name vk1
ip -n "$LAB_NS" link set vk0 master br0 up
ip -n "$LAB_NS" link set vk1 up

www=$TMP/www
image_dir "$www"
chmod -R a+rX "$TMP"
ip netns exec "$LAB_NS" busybox httpd -f -p "[2001:db8::1]:$PORT" -h "$www" &
PIDS+=($!)
printf '[generic]\n\tlistenaddr = 2001:db8::1\n\tport = 10809\n\tallowlist = true\n\tuser = root\n\tgroup = root\n[root]\n\texportname = %s\n\treadonly = true\n' \
	"$www/sysrcd.dat" > "$TMP/nbd.conf"
ip netns exec "$LAB_NS" nbd-server -C "$TMP/nbd.conf" -p "$TMP/nbd.pid" 2>>"$TMP/nbd.log"
for _ in $(seq 50); do [ -s "$TMP/nbd.pid" ] && break; sleep 0.1; done
[ -s "$TMP/nbd.pid" ] && PIDS+=("$(cat "$TMP/nbd.pid")")
# the namespace's own rpcbind and nfs-ganesha, on every address of it
ganesha_start -n "$LAB_NS" "$TMP/ganesha" "$www" || fail "lab: nfs-ganesha" "did not start"

# dnsmasq_start ARGS...: (re)starts dnsmasq on br0: DNS (boot.test, as
# above), router advertisements, and ARGS (ranges, the host record)
DNSMASQ_PID=
dnsmasq_start() {
	[ -n "$DNSMASQ_PID" ] && { kill "$DNSMASQ_PID"; wait "$DNSMASQ_PID" 2>/dev/null; }
	ip netns exec "$LAB_NS" dnsmasq --keep-in-foreground --user=root --log-facility=- --conf-file=/dev/null \
		--pid-file="$TMP/dnsmasq.pid" --dhcp-leasefile="$TMP/dnsmasq.leases" --interface=br0 --bind-interfaces \
		--no-resolv --no-hosts --enable-ra "$@" >> "$TMP/dnsmasq.log" 2>&1 &
	DNSMASQ_PID=$!
	PIDS+=($!)
	for _ in $(seq 50); do ip netns exec "$LAB_NS" ss -Hlnu "sport = :53" | grep -q . && return 0; sleep 0.1; done
	fail "lab: dnsmasq" "not listening: $(tail -2 "$TMP/dnsmasq.log")"
}
# boot 1: dnsmasq sends router advertisements only (no DHCPv6), Kea leases
dnsmasq_start --host-record=boot.test,2001:db8::1 --dhcp-range=2001:db8::,ra-only,64
cat > "$TMP/kea.json" <<KEA
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "br0" ] },
  "data-directory": "$TMP",
  "lease-database": { "type": "memfile", "persist": false },
  "subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "interface": "br0", "rapid-commit": true,
    "pools": [ { "pool": "2001:db8::200-2001:db8::2ff" } ],
    "option-data": [ { "name": "dns-servers", "data": "2001:db8::1" } ] } ],
  "loggers": [ { "name": "kea-dhcp6", "output_options": [ { "output": "$TMP/kea.log" } ], "severity": "INFO" } ]
} }
KEA
command -v kea-dhcp6 >/dev/null || fail "lab: kea-dhcp6" "not installed (scripts/install-deps.sh installs kea-dhcp6-server)"
KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP ip netns exec "$LAB_NS" kea-dhcp6 -c "$TMP/kea.json" >"$TMP/kea.out" 2>&1 &
KEA_PID=$!
PIDS+=($!)
for _ in $(seq 50); do
	ip netns exec "$LAB_NS" ss -Hlnt "sport = :$PORT" | grep -q . &&
		ip netns exec "$LAB_NS" ss -Hlnu "sport = :547" | grep -q . &&
		ip netns exec "$LAB_NS" ss -Hlnt "sport = :10809" | grep -q . && break
	sleep 0.1
done
check "lab: no IPv4 address in the namespace but loopback's" \
	test -z "$(ip -n "$LAB_NS" -4 addr show | grep inet | grep -v 127.0.0.1)"

# boot NAME MAC 'args': a direct kernel boot on tap0; the log in $TMP/NAME.log
boot() {
	local log=$TMP/$1.log
	: > "$log"
	ip netns exec "$LAB_NS" qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 512 -no-reboot -display none -monitor none \
		-nodefaults -serial "file:$log" -kernel "$B/kernel/vmlinuz" -initrd "$B/initram.igz" \
		-append "console=ttyS0,115200 panic=-1 $3" -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device "virtio-net-pci,netdev=n0,mac=$2,romfile=" </dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	PIDS+=($QEMU_PID)
	QEMU_T0=$(date +%s%N)
	if qemu_wait "$log" "$MARK|FAILED at"; then
		local t; t=$(grep -aoE 'network stage took [0-9.]+ s' "$log" | grep -oE '[0-9.]+' | head -1)
		echo "INFO: ipv6 $1: marker after ${QEMU_SECONDS}s, network stage ${t:-?} s"
		return 0
	fi
	fail "$1" "no marker within ${BOOT_TIMEOUT}s"
	return 1
}

# 1. ip=dhcp6 against Kea, the server by literal
if boot dhcp6 52:54:00:06:00:01 "ip=dhcp6 netboot=http://[2001:db8::1]:$PORT/sysrcd.dat"; then
	log=$TMP/dhcp6.log
	check_log "dhcp6: boots the image" "$log" "$MARK" "FAILED at"
	check_log "dhcp6: IPv6 only, no DHCPv4" "$log" "^netboot: net: interfaces: en[a-z0-9]+ off\+dhcp6" "DISCOVER"
	check_log "dhcp6: up with Kea's address" "$log" "^netboot: net: up on en[a-z0-9]+: 2001:db8::2[0-9a-f]{2}/[0-9]+ \(IPv6 dhcpv6, no IPv4\)"
	check_log "dhcp6: handover IPV6ADDR from Kea's pool" "$log" "handover en[a-z0-9]+\.conf: IPV6ADDR=2001:db8::2[0-9a-f]{2}"
	check_log "dhcp6: handover IPV6METHOD" "$log" "handover en[a-z0-9]+\.conf: IPV6METHOD=dhcpv6"
	check_log "dhcp6: handover IPv6 DNS" "$log" "handover en[a-z0-9]+\.conf: IPV6DNS0=2001:db8::1"
	check_log "dhcp6: image verified over IPv6" "$log" "^netboot: .* verified against http://\[2001:db8::1\]:$PORT/sysrcd\.md5"
	check_log "dhcp6: Kea leased to the DUID-LL of the MAC" "$TMP/kea.log" \
		"DHCP6_LEASE_ALLOC .*duid=\[00:03:00:01:52:54:00:06:00:01\].*2001:db8::2[0-9a-f]{2}"
	check_log "dhcp6: dnsmasq leased nothing" "$TMP/dnsmasq.log" "router advertisement on 2001:db8::" "DHCPREPLY"
fi
kill "$KEA_PID"; wait "$KEA_PID" 2>/dev/null
# boots 2-4: dnsmasq's RA (M=1) and DHCPv6
dnsmasq_start --host-record=boot.test,2001:db8::1 --dhcp-range=2001:db8::100,2001:db8::1ff,64,1h \
	--dhcp-option=option6:dns-server,[2001:db8::1]

# 2. static, nothing from the network, NFSv3 by literal
if boot static 52:54:00:06:00:02 "ethx=2001:db8::5/64 gw=2001:db8::1 netboot=nfs://[2001:db8::1]:$www"; then
	log=$TMP/static.log
	check_log "static: boots the image" "$log" "$MARK" "FAILED at"
	check_log "static: address past DAD" "$log" "^netboot: net: en[a-z0-9]+: 2001:db8::5/64 ready \(DAD done\)"
	check_log "static: IPv6 default route" "$log" "^netboot: net: en[a-z0-9]+: IPv6 default route via 2001:db8::1"
	check_log "static: handover" "$log" "handover en[a-z0-9]+\.conf: IPV6ADDR=2001:db8::5([^0-9a-f:]|$)" "DISCOVER|Solicit"
	check_log "static: handover gateway" "$log" "handover en[a-z0-9]+\.conf: IPV6GATEWAY=2001:db8::1"
	check_log "static: NFSv3 over IPv6, md5 verified" "$log" \
		"nfs://\[2001:db8::1\]:$www: sysrcd.dat on NFS, md5 verified against \[2001:db8::1\]:$www/sysrcd.md5"
	check_log "static: the squashfs read from NFS, not copied" "$log" "^mounts: .*:nfs " "/run/initramfs/netboot/image:tmpfs"
fi

# 3. the default command line and a name, on a network without DHCPv4
if boot default 52:54:00:06:00:03 "netboot=http://boot.test:$PORT/sysrcd.dat"; then
	log=$TMP/default.log
	check_log "default: boots the image" "$log" "$MARK" "FAILED at"
	check_log "default: DHCPv4 tried" "$log" "^netboot: net: en[a-z0-9]+: DISCOVER"
	check_log "default: DHCPv4 stopped once IPv6 is up" "$log" "^netboot: net: IPv6 is up: DHCPv4 stopped"
	check_log "default: up on IPv6 alone" "$log" "^netboot: net: up on en[a-z0-9]+: 2001:db8::[0-9a-f:]+/[0-9]+ \(IPv6 (dhcpv6|slaac), no IPv4\)"
	check_log "default: resolv.conf names the IPv6 server" "$log" "^netboot: net: wrote /etc/resolv.conf \([1-3] nameservers?\)"
	check_log "default: boot.test resolved to its AAAA" "$log" "^netboot: .* verified against http://boot\.test:$PORT/sysrcd\.md5"
	s3=$(grep -a 'netboot: timeline:' "$log" | sed -n 's/.* stage3 \([0-9.]*\) s.*/\1/p' | head -1)
	if awk -v t="${s3:-99}" 'BEGIN { exit !(t < 3) }'; then pass "default: AAAA and A at once: stage 3 in $s3 s, the refused A not waited for"
	else fail "default: AAAA and A at once" "stage 3 took ${s3:-?} s (musl waits 5 s for the refused A)"; fi
	check_log "default: handover METHOD=none (no IPv4)" "$log" "handover en[a-z0-9]+\.conf: METHOD=none"
fi

# 4. ip=auto6 and NBD by name
if boot nbdboot 52:54:00:06:00:04 "ip=auto6 netboot=nbd://boot.test:10809/root"; then
	log=$TMP/nbdboot.log
	check_log "nbd: boots the image" "$log" "$MARK" "FAILED at"
	check_log "nbd: auto6 plan" "$log" "^netboot: net: interfaces: en[a-z0-9]+ off\+auto6"
	check_log "nbd: RA with M, then a DHCPv6 lease" "$log" "^netboot: net: up on en[a-z0-9]+: 2001:db8::1[0-9a-f]{2}/[0-9]+ \(IPv6 dhcpv6, no IPv4\)"
	check_log "nbd: served by the supervisor, boot.test by its AAAA" "$log" \
		"^netboot: stage3: .*served by .* from nbd://boot\.test(:10809)?/root \(2001:db8::1"
	check_log "nbd: dnsmasq leased by DUID" "$TMP/dnsmasq.log" "DHCPREPLY\(br0\) 2001:db8::1[0-9a-f]{2} 00:03:00:01:52:54:00:06:00:04"
fi

# 4b. NBD by literal (the URL form), 4c. NFSv3 by name (nfsboot=, SRCD's form)
if boot nbdlit 52:54:00:06:00:06 "ip=dhcp6 netboot=nbd://[2001:db8::1]:10809/root"; then
	log=$TMP/nbdlit.log
	check_log "nbd literal: boots the image" "$log" "$MARK" "FAILED at"
	check_log "nbd literal: served by the supervisor from [2001:db8::1]" "$log" \
		"^netboot: stage3: .*served by .* from nbd://\[2001:db8::1\](:10809)?/root"
fi
if boot nfsname 52:54:00:06:00:07 "ip=auto6 nfsboot=boot.test:$www"; then
	log=$TMP/nfsname.log
	check_log "nfs by name: boots the image" "$log" "$MARK" "FAILED at"
	check_log "nfs by name: boot.test's AAAA mounted, md5 verified" "$log" \
		"nfs://boot\.test:$www: sysrcd.dat on NFS, md5 verified"
	check_log "nfs by name: the squashfs read from NFS (the only address is the AAAA)" "$log" "^mounts: .*:nfs " \
		"/run/initramfs/netboot/image:tmpfs"
fi

# 5. dual stack with the IPv4 server down: br0 gets 192.0.2.1/24, dnsmasq
# leases IPv4 too (at once: no ping) and boot.test has A and AAAA; the
# HTTP server listens on [2001:db8::1] only, so IPv4 connects are refused
ip -n "$LAB_NS" addr add 192.0.2.1/24 dev br0
dnsmasq_start --host-record=boot.test,192.0.2.1,2001:db8::1 --dhcp-range=2001:db8::100,2001:db8::1ff,64,1h \
	--dhcp-option=option6:dns-server,[2001:db8::1] --dhcp-range=192.0.2.100,192.0.2.200,1h --no-ping
if boot dual 52:54:00:06:00:05 "netboot=http://boot.test:$PORT/sysrcd.dat"; then
	log=$TMP/dual.log
	check_log "dual: boots the image" "$log" "$MARK" "FAILED at"
	check_log "dual: up on the DHCPv4 lease" "$log" "^netboot: net: up on en[a-z0-9]+: 192\.0\.2\.[0-9]+/24"
	check_log "dual: IPv6 stopped unfinished" "$log" "^netboot: net: IPv6 \(not asked for\) has no address yet and DHCPv4 is done"
	check_log "dual: IPv4 refused, IPv6 finished for it" "$log" \
		"^netboot: net: boot\.test port $PORT: (.*, )?192\.0\.2\.1: Connection refused.*finishing IPv6 on en[a-z0-9]+"
	check_log "dual: IPv6 up late" "$log" "^netboot: net: IPv6 up late on en[a-z0-9]+: 2001:db8::1[0-9a-f]{2}/64"
	check_log "dual: connected over IPv6" "$log" "^netboot: net: boot\.test port $PORT: connected to 2001:db8::1 now that IPv6 is up"
	check_log "dual: image verified" "$log" "^netboot: .* verified against http://boot\.test:$PORT/sysrcd\.md5"
	check_log "dual: handover has both families" "$log" "handover en[a-z0-9]+\.conf: IPV6ADDR=2001:db8::1[0-9a-f]{2}"
fi
echo "INFO: ipv6: the whole test (lab, 7 boots) took ${SECONDS} s"
