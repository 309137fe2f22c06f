#!/bin/bash
# UEFI PXE over IPv6 from `netboot serve` alone (issue 18): Debian's OVMF
# with IPv4 PXE switched off (fw_cfg), on a tap device in a private
# namespace where the server's bridge has 2001:db8::1/64 (and 192.0.2.1, its
# LOCALIP for the menu's URLs; no DHCPv4 runs: --no-dhcp).  The server
# sends the RA (PXEBOOTSRV_RA, M set), answers DHCPv6 with an address from
# its range and option 59 tftp://[2001:db8::1]/snponly.efi (PXEBOOTSRV_IPXE=
# yes: syslinux.efi has no IPv6); iPXE then asks DHCPv6 again as iPXE and
# gets http://[2001:db8::1]/boot.ipxe, which loads the kernel and initramfs
# over HTTP on IPv6.  Passes when the kernel starts.
# ~41 s to the kernel under TCG.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
need_artifacts
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: ovmf6: needs root (network namespace, tap device)"; exit 0; }
for f in /usr/lib/ipxe/snponly.efi /usr/share/OVMF/OVMF_CODE_4M.fd; do
	[ -f "$f" ] || { echo "SKIP: ovmf6: $f missing (scripts/install-deps.sh: ipxe, ovmf)"; exit 0; }
done
lab_up || { fail "ovmf6: lab" "cannot create the network namespace"; exit 1; }
ip netns exec "$LAB_NS" sysctl -qw net.ipv6.conf.br0.accept_dad=0
ip -n "$LAB_NS" addr add 2001:db8::1/64 dev br0 nodad
boot=$TMP/boot
boot_dir "$boot"
cat > "$TMP/v6.conf" <<EOC
PXEBOOTSRV_DHCP6RANGE="2001:db8::100 2001:db8::1ff"
PXEBOOTSRV_RA=2001:db8::/64
PXEBOOTSRV_IPXE=yes
PXEBOOTSRV_INTERFACE=br0
EOC
slog=$TMP/serve.log log=$TMP/uefi6.log mac=52:54:00:1f:06:06
serve_start "$slog" --config "$TMP/v6.conf" --no-dhcp --local-ip 192.0.2.1 --boot-dir "$boot" --leases "$TMP/leases" \
	--extra 'console=ttyS0,115200 panic=-1' || exit 1
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
if qemu_wait "$log" "Linux version|Command line:"; then
	echo "INFO: ovmf6: OVMF PXEv6 -> snponly.efi -> boot.ipxe -> kernel in ${QEMU_SECONDS}s"
	pass "ovmf6: UEFI PXE over IPv6 reached the kernel"
else
	fail "ovmf6: no kernel within ${BOOT_TIMEOUT}s" "$(grep -a 'dhcp6\|tftp\|http' "$slog" | tail -8)"
fi
check_log "ovmf6: OVMF's PXE over IPv6 took the offer" "$log" "Start PXE over IPv6" "PXE-E16"
check_log "ovmf6: PXE firmware offered tftp://[2001:db8::1]/snponly.efi" "$slog" \
	"$mac dhcp6: .*tftp://\[2001:db8::1\]/snponly\.efi"
check_log "ovmf6: snponly.efi fetched by TFTP over IPv6" "$slog" "tftp: .*snponly\.efi"
check_log "ovmf6: iPXE got boot.ipxe over IPv6" "$slog" "$mac dhcp6: .*http://\[2001:db8::1\]/boot\.ipxe"
cp "$slog" "$log" /tmp/v6/ 2>/dev/null
