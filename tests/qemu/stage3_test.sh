#!/bin/bash
# Stage 3 variants under QEMU: the image over TFTP from QEMU's built-in TFTP
# server (10.0.2.2:69 in the guest), and the RAM check before a download that
# cannot fit.
. "$(dirname "$0")/lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'

# 1. netboot=tftp:// through QEMU's TFTP (it caps blksize at 1428, no windowsize)
image_dir "$TMP/tftp"
log=$TMP/tftp.log
qemu_boot "$log" direct virtio-net-pci "netboot=tftp://10.0.2.2/sysrcd.dat" 512 "$TMP/tftp"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" && grep -qaE 'md5 \(.*\) verified against tftp://10.0.2.2/sysrcd.md5' "$log"; then
	echo "INFO: TFTP boot reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: netboot=tftp:// boots, md5 verified"
else
	echo "FAIL: netboot=tftp:// did not boot"
fi

# 2. an image larger than the RAM: refused before downloading, with the way out named
mkdir -p "$TMP/big"
truncate -s 400M "$TMP/big/sysrcd.dat"
(cd "$TMP/big" && md5sum sysrcd.dat > sysrcd.md5)
http_serve "$TMP/big"
log=$TMP/ram.log
qemu_boot "$log" direct virtio-net-pci "netboot=http://10.0.2.2:$HTTP_PORT/sysrcd.dat" 256
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
if grep -qaE 'FAILED at stage3: sysrcd.dat needs 400 MiB, [0-9]+ MiB free: use nbdboot= or nfsboot=' "$log" &&
   ! grep -qa '% ' "$log"; then
	echo "PASS: image larger than RAM refused before the download, nbdboot=/nfsboot= suggested"
else
	echo "FAIL: RAM check"; grep -a 'netboot' "$log" | tail -5
fi

# 3. netboot=nbd://: the export is the squashfs itself, served by nbd-server (3.x,
#    newstyle) and read block by block through /dev/nbd0: no copy in RAM
mkdir -p "$TMP/nbd"
cp "$B/testroot.sqfs" "$TMP/nbd/sysrcd.dat"
nbdport=$(free_port)
nbd_server_start "$TMP/nbd" "$nbdport" sysrcd="$TMP/nbd/sysrcd.dat"
log=$TMP/nbd.log
qemu_boot "$log" direct virtio-net-pci "netboot=nbd://10.0.2.2:$nbdport/sysrcd"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" && grep -qa "export 'sysrcd'.* on /dev/nbd0" "$log" &&
   grep -qa "mount: /dev/nbd0 on /newroot" "$log" && ! grep -qa "/run/initramfs/netboot/image:tmpfs" "$log" &&
   grep -qaE "/dev/nbd0: served by @netboot-nbd \(pid [0-9]+\) from nbd://10.0.2.2:$nbdport/sysrcd: a read that fails is retried" "$log" &&
   grep -qaE "process [0-9]+: @netboot-nbd mode=nbd index=0 .* mirror=nbd://10.0.2.2:$nbdport/sysrcd connect=10.0.2.2" "$log"; then
	echo "INFO: NBD boot reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: netboot=nbd:// boots from /dev/nbd0 (netlink, served by the supervisor, which runs on) with no copy in RAM"
else
	echo "FAIL: netboot=nbd:// did not boot from /dev/nbd0"; grep -a 'netboot' "$log" | tail -5
fi

# 4. docache with NBD: the export copied into a tmpfs sized to it, its size
#    checked, the connection ended; the root is loop-mounted from RAM
log=$TMP/nbd-docache.log
qemu_boot "$log" direct virtio-net-pci "netboot=nbd://10.0.2.2:$nbdport/sysrcd docache"
size=$(stat -c %s "$TMP/nbd/sysrcd.dat"); size=$((size - size % 512))
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qa "sysrcd.dat: $size bytes copied from /dev/nbd0 into RAM" "$log" &&
   grep -qa "/dev/nbd0: $size bytes in RAM, the export's size; NBD disconnected" "$log" &&
   grep -qa "mount: /dev/loop[0-9]* on /newroot" "$log" && grep -qa "mounts: .*/run/initramfs/netboot/image:tmpfs" "$log" &&
   ! grep -qa "process [0-9]*: @netboot-nbd" "$log"; then
	echo "INFO: NBD docache boot reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: netboot=nbd:// docache: copied into RAM, size checked, NBD disconnected, root from the copy, no supervisor left"
else
	echo "FAIL: netboot=nbd:// docache"; grep -a 'netboot' "$log" | tail -8
fi
