#!/bin/bash
# make demo: the whole story on this terminal.  `netboot serve` runs in a
# private network namespace (192.0.2.1/24, no route out) as the segment's
# DHCP, TFTP and HTTP server; a stock QEMU machine on a tap device PXE-boots
# from it with no options: firmware DHCP (QEMU's ROM is iPXE) -> boot.ipxe,
# kernel and initram.igz over our HTTP -> our /init -> DHCP from our server -> sysrcd.dat over our
# HTTP -> the sample root, which powers off.  Server lines start with
# "netboot-serve:", the machine's with its console output.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
need_artifacts
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (network namespace, tap device)"; exit 1; }
lab_up
boot_dir "$TMP/boot"
serve_start "$TMP/serve.log" --dhcp-range 192.0.2.100 192.0.2.150 --netmask 255.255.255.0 \
	--local-ip 192.0.2.1 --boot-dir "$TMP/boot" --leases "$TMP/leases" \
	--extra "console=ttyS0,115200 panic=-1" || exit 1
tail -n +1 -f "$TMP/serve.log" &
PIDS+=($!)
echo "demo: netboot serve is up in namespace $LAB_NS; booting a BIOS machine (TCG, ~20 s); it powers off when up"
ip netns exec "$LAB_NS" timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 512 -no-reboot \
	-nographic -monitor none -serial stdio -boot n \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device e1000,netdev=n0 </dev/null
echo "demo: the server's view of the client:"
ip netns exec "$LAB_NS" curl -s --max-time 5 http://192.0.2.1/status.json
