#!/bin/bash
# netboot=nfs:// under QEMU against nfs-ganesha (NFSv3) with rpcbind, all in a
# private network namespace of this test (only lo, no route out), where QEMU's
# user networking maps the guest's 10.0.2.2 to that namespace's loopback.
if [ -z "${NB_IN_NETNS:-}" ]; then
	exec unshare -n env NB_IN_NETNS=1 "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
ip link set lo up

export_dir=$TMP/export
# mirrors: an empty export (mounts, no image) and one with the image in subdir v4/
empty_dir=$TMP/empty
sub_dir=$TMP/sub
mkdir -p "$export_dir" "$empty_dir" "$sub_dir" "$TMP/ganesha" "$TMP/rpcbind"
image_dir "$export_dir"
image_dir "$sub_dir/v4"
chmod -R a+rX "$TMP"
ganesha_start "$TMP/ganesha" "$export_dir" "$empty_dir" "$sub_dir" || exit 1

log=$TMP/nfs.log
qemu_boot "$log" direct virtio-net-pci "netboot=nfs://10.0.2.2:$export_dir"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" && grep -qa "sysrcd.dat on NFS, md5 verified" "$log" &&
   ! grep -qa "/run/initramfs/netboot/image:tmpfs" "$log"; then
	echo "INFO: NFS boot reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: netboot=nfs:// boots from the NFSv3 folder, md5 verified, no copy in RAM"
else
	echo "FAIL: netboot=nfs:// did not boot"; grep -a 'netboot' "$log" | tail -5
fi

# mirrors in order with subdir=: a folder that is not exported, an export
# without the image (mounted, then unmounted again), then the good one
log=$TMP/nfs-mirrors.log
qemu_boot "$log" direct virtio-net-pci \
	"netboot=nfs://10.0.2.2:$TMP/nothere,nfs://10.0.2.2:$empty_dir nfsboot=10.0.2.2:$sub_dir subdir=v4"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qa "trying the next mirror (2 of 3)" "$log" && grep -qa "trying the next mirror (3 of 3)" "$log" &&
   grep -qa "nfs://10.0.2.2:$sub_dir: v4/sysrcd.dat on NFS, md5 verified against 10.0.2.2:$sub_dir/v4/sysrcd.md5" "$log"; then
	echo "INFO: NFS boot from the third mirror reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: NFS mirrors tried in order (unexported, no image, good), subdir=v4 holds image and md5"
else
	echo "FAIL: NFS mirrors + subdir="; grep -a 'netboot' "$log" | tail -8
fi

# docache: the image copied into RAM, the copy verified, the folder unmounted
log=$TMP/nfs-docache.log
qemu_boot "$log" direct virtio-net-pci "nfsboot=10.0.2.2:$export_dir docache"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qa "bytes copied from /run/initramfs/netboot/nfs/sysrcd.dat into RAM" "$log" &&
   grep -qa "the copy of sysrcd.dat md5 verified against 10.0.2.2:$export_dir/sysrcd.md5 .*NFS unmounted" "$log" &&
   grep -qa "mounts: .*/run/initramfs/netboot/image:tmpfs" "$log" && ! grep -qa "mounts: .*:nfs " "$log"; then
	echo "INFO: NFS docache boot reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: nfsboot= docache: copied into RAM, the copy md5-verified, NFS unmounted before switch_root"
else
	echo "FAIL: nfsboot= docache"; grep -a 'netboot' "$log" | tail -8
fi

# a corrupted image on NFS must not boot either
printf 'X' | dd of="$export_dir/sysrcd.dat" bs=1 seek=70000 conv=notrunc status=none
log=$TMP/nfs-bad.log
qemu_boot "$log" direct virtio-net-pci "nfsboot=10.0.2.2:$export_dir"
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
if grep -qa "FAILED at stage3: .*sysrcd.dat: md5 mismatch" "$log" && ! grep -qa "$MARK" "$log"; then
	echo "PASS: nfsboot= with a corrupted image: md5 mismatch, not booted"
else
	echo "FAIL: nfsboot= corrupted image"; grep -a 'netboot' "$log" | tail -5
fi

# ... nor with docache: the copy fails its check, RAM is given back
log=$TMP/nfs-docache-bad.log
qemu_boot "$log" direct virtio-net-pci "nfsboot=10.0.2.2:$export_dir docache"
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
if grep -qa "FAILED at stage3: .*sysrcd.dat: md5 mismatch" "$log" && ! grep -qa "$MARK" "$log"; then
	echo "PASS: nfsboot= docache with a corrupted image: the copy's md5 mismatch, not booted"
else
	echo "FAIL: nfsboot= docache corrupted image"; grep -a 'netboot' "$log" | tail -5
fi
