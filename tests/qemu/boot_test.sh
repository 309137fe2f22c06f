#!/bin/bash
# End to end under QEMU (TCG): real Debian kernel, real iPXE + pxelinux,
# our initram.igz, stage 3 over HTTP from busybox httpd on the host.
. "$(dirname "$0")/lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'

image_dir "$TMP/good"
http_serve "$TMP/good"; good_port=$HTTP_PORT
image_dir "$TMP/bad" corrupt
http_serve "$TMP/bad"; bad_port=$HTTP_PORT

# 1. full PXE boot: iPXE -> pxelinux -> kernel + initram.igz over TFTP -> /init -> DHCP -> HTTP -> switch_root
log=$TMP/pxe-e1000.log
qemu_boot "$log" pxe e1000 "netboot=http://10.0.2.2:$good_port/sysrcd.dat"
if qemu_wait "$log" "$MARK|FAILED at"; then
	echo "INFO: PXE boot (e1000) reached the test root in ${QEMU_SECONDS}s"
	check_log "pxe e1000: boots the image" "$log" "$MARK" "FAILED at"
	check_log "pxe e1000: md5 verified" "$log" "md5 \(.*\) verified against http://10.0.2.2:$good_port/sysrcd.md5"
	check_log "pxe e1000: DHCP lease handed over" "$log" "handover en[a-z0-9]+\.conf: IPV4ADDR=10\.0\.2\.15"
	check_log "pxe e1000: resolv.conf written" "$log" "resolv.conf: .*nameserver 10\.0\.2\.3"
	check_log "pxe e1000: root is writable (overlay)" "$log" "root is writable"
else
	echo "FAIL: pxe e1000: no marker within ${BOOT_TIMEOUT}s"
fi

# 2. direct kernel boot with virtio-net
log=$TMP/virtio.log
qemu_boot "$log" direct virtio-net-pci "netboot=http://10.0.2.2:$good_port/sysrcd.dat"
if qemu_wait "$log" "$MARK|FAILED at"; then
	echo "INFO: direct boot (virtio-net) reached the test root in ${QEMU_SECONDS}s"
	check_log "direct virtio-net: boots the image" "$log" "$MARK" "FAILED at"
else
	echo "FAIL: direct virtio-net: no marker within ${BOOT_TIMEOUT}s"
fi

# 2b. a static address (the seed's ethx= form), no DHCP at all
log=$TMP/static.log
qemu_boot "$log" direct virtio-net-pci "ethx=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3 netboot=http://10.0.2.2:$good_port/sysrcd.dat"
if qemu_wait "$log" "$MARK|FAILED at"; then
	check_log "static ethx=: boots the image" "$log" "$MARK" "FAILED at|DISCOVER"
	check_log "static ethx=: handover says static" "$log" "handover en[a-z0-9]+\.conf: METHOD=static"
	check_log "static ethx=: gateway and DNS from the command line" "$log" "handover en[a-z0-9]+\.conf: IPV4DNS0=10\.0\.2\.3"
else
	echo "FAIL: static ethx=: no marker within ${BOOT_TIMEOUT}s"
fi

# 3. a corrupted image must not boot, and must say why
log=$TMP/corrupt.log
qemu_boot "$log" direct virtio-net-pci "netboot=http://10.0.2.2:$bad_port/sysrcd.dat"
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
check_log "corrupted image: md5 mismatch reported, not booted" "$log" "FAILED at stage3: sysrcd.dat: md5 mismatch" "$MARK"

# 4. a missing image reads as not found, never as a checksum error
log=$TMP/404.log
qemu_boot "$log" direct virtio-net-pci "netboot=http://10.0.2.2:$good_port/missing/sysrcd.dat"
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
check_log "missing image: 404 Not Found named" "$log" "FAILED at stage3: .*HTTP 404 Not Found from http://10\.0\.2\.2:$good_port/missing/" "mismatch|$MARK"
