#!/bin/bash
# UEFI PXE over IPv6 into the image from `netboot serve` alone (issue 18):
# Debian's OVMF with IPv4 PXE switched off (fw_cfg), on a tap device in a
# private namespace with no IPv4 address at all: the server's bridge has
# 2001:db8::1/64 only, and `netboot serve --no-dhcp` runs with no IPv4
# address (it says so).  The server sends the RA (PXEBOOTSRV_RA, M set),
# answers DHCPv6 with an address from its range and option 59
# tftp://[2001:db8::1]/snponly.efi (PXEBOOTSRV_IPXE=yes: syslinux.efi has
# no IPv6); iPXE then asks DHCPv6 again as iPXE and gets
# http://[2001:db8::1]/boot.ipxe, whose stage-3 URL names the address
# iPXE reached (netboot=http://[2001:db8::1]/sysrcd.dat), and loads the
# kernel and initramfs over HTTP on IPv6.  The agent (its default command
# line: DHCPv4 with IPv6 beside it) gets no DHCPv4 answer, goes on with its
# DHCPv6 address after NET4_MIN_MS, verifies the image over IPv6 and
# switches to the test root.  Passes when the root's marker is printed.
# ~41 s to the kernel under TCG, ~55 s to the marker.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
need_artifacts
BOOT_TIMEOUT=${BOOT_TIMEOUT:-70}
T=ovmf6
MARK='NETBOOT-TEST-ROOT-OK'
[ "$(id -u)" -eq 0 ] || { echo "SKIP: ovmf6: needs root (network namespace, tap device)"; exit 0; }
for f in /usr/lib/ipxe/snponly.efi /usr/share/OVMF/OVMF_CODE_4M.fd; do
	[ -f "$f" ] || { echo "SKIP: ovmf6: $f missing (scripts/install-deps.sh: ipxe, ovmf)"; exit 0; }
done
# the lab of serve_lib.sh with IPv6 only: nodad, so the server can bind at once
newns "$LAB_NS" || { fail "lab" "cannot create the network namespace"; exit 1; }
ip -n "$LAB_NS" link add br0 type bridge
ip -n "$LAB_NS" link set br0 type bridge forward_delay 0 stp_state 0
ip netns exec "$LAB_NS" sysctl -qw net.ipv6.conf.br0.accept_dad=0
ip -n "$LAB_NS" addr add 2001:db8::1/64 dev br0 nodad
ip -n "$LAB_NS" link set br0 up
ip -n "$LAB_NS" tuntap add dev tap0 mode tap
ip -n "$LAB_NS" link set tap0 master br0 up
check "lab: no IPv4 address in the namespace but loopback's" \
	test -z "$(ip -n "$LAB_NS" -4 addr show | grep inet | grep -v 127.0.0.1)"
boot=$TMP/boot
boot_dir "$boot"
cat > "$TMP/v6.conf" <<EOC
PXEBOOTSRV_DHCP6RANGE="2001:db8::100 2001:db8::1ff"
PXEBOOTSRV_RA=2001:db8::/64
PXEBOOTSRV_IPXE=yes
PXEBOOTSRV_INTERFACE=br0
EOC
slog=$TMP/serve.log log=$TMP/uefi6.log mac=52:54:00:1f:06:06
serve_start "$slog" --config "$TMP/v6.conf" --no-dhcp --boot-dir "$boot" --leases "$TMP/leases" \
	--extra 'console=ttyS0,115200 panic=-1' || exit 1
check_log "the server runs with no IPv4 address" "$slog" "this server is 2001:db8::1 on br0, IPv6 only"
# IPv4 PXE off: the NIC's first boot option is "UEFI PXEv6"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$log.vars"
: > "$log"
ip netns exec "$LAB_NS" qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 512 -no-reboot -display none -monitor none \
	-serial "file:$log" -machine q35 -drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd" \
	-drive "if=pflash,format=raw,file=$log.vars" -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=,bootindex=1" \
	-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n </dev/null >"$log.qemu" 2>&1 &
QEMU_PID=$!
PIDS+=($QEMU_PID)
QEMU_T0=$(date +%s%N)
# the kernel's start timed on the way (qemu_wait stops QEMU when it returns)
end=$((SECONDS + BOOT_TIMEOUT)) kernel_s=
while [ -z "$kernel_s" ] && [ $SECONDS -lt $end ] && kill -0 "$QEMU_PID" 2>/dev/null; do
	grep -qa "Linux version" "$log" && kernel_s=$(awk -v a="$QEMU_T0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}')
	sleep 0.2
done
BOOT_TIMEOUT=$((end - SECONDS > 0 ? end - SECONDS : 1))
if qemu_wait "$log" "$MARK|FAILED at"; then
	echo "INFO: ovmf6: OVMF PXEv6 -> snponly.efi -> boot.ipxe -> kernel in ${kernel_s:-?}s, -> agent -> test root in ${QEMU_SECONDS}s"
	check_log "UEFI PXE over IPv6 boots into the image" "$log" "$MARK" "FAILED at"
else
	fail "no marker within ${QEMU_SECONDS}s (kernel at ${kernel_s:-never}s)" "$(grep -a 'dhcp6\|tftp\|http' "$slog" | tail -8; tail -5 "$log")"
fi
check_log "OVMF's PXE over IPv6 took the offer" "$log" "Start PXE over IPv6" "PXE-E16"
check_log "PXE firmware offered tftp://[2001:db8::1]/snponly.efi" "$slog" \
	"$mac dhcp6: .*tftp://\[2001:db8::1\]/snponly\.efi"
check_log "snponly.efi fetched by TFTP over IPv6" "$slog" "tftp: .*snponly\.efi"
check_log "iPXE got boot.ipxe over IPv6" "$slog" "$mac dhcp6: .*http://\[2001:db8::1\]/boot\.ipxe"
check_log "the kernel's command line names the server's IPv6 address" "$log" \
	"Command line: .*netboot=http://\[2001:db8::1\]/sysrcd\.dat"
check_log "the agent tried DHCPv4 and went on with IPv6 alone" "$log" \
	"^netboot: net: IPv6 is up: DHCPv4 stopped"
check_log "the agent up on its DHCPv6 address, no IPv4" "$log" \
	"^netboot: net: up on en[a-z0-9]+: 2001:db8::1[0-9a-f]{2}/[0-9]+ \(IPv6 dhcpv6, no IPv4\)"
check_log "the image verified over IPv6" "$log" \
	"^netboot: .*(md5|sha256) \(.*\) verified against http://\[2001:db8::1\]/sysrcd\.(md5|sha256)"
echo "INFO: ovmf6: whole test $SECONDS s"
