#!/bin/bash
# dm-verity over an NFS root (issue 16): `nfsboot= verity` boots the test
# root with no copy in RAM, every block checked by the kernel as it is read
# against the tree `netboot verity` made (sysrcd.verity, sysrcd.roothash
# beside the image).  A byte flipped on the server, after the tree was made,
# in a file nothing reads at boot: the boot succeeds, reading that file
# fails with EIO, every other file reads fine, and the kernel names the
# block.  A wrong root hash (checksum=verity:) is refused before anything
# is mounted.  The same over NBD, the tree and the root hash exports of the
# same nbd-server.  nfs-ganesha and nbd-server in a private network
# namespace of this test, as nfs_test.sh.
if [ -z "${NB_IN_NETNS:-}" ]; then
	exec unshare -n env NB_IN_NETNS=1 "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_artifacts
ip link set lo up
export_dir=$TMP/export add=$TMP/add
mkdir -p "$export_dir" "$add"

# the test root plus a canary nothing reads at boot (random: squashfs keeps
# it uncompressed, so its bytes can be found in the image) and an init that
# reads every file back, from the device, and says which failed
head -c $((256 * 1024)) /dev/urandom > "$add/canary"
cat > "$add/verity-init" <<'INIT'
#!/bin/busybox sh
export PATH=/bin
echo "NETBOOT-VERITY-READY"
echo 3 > /proc/sys/vm/drop_caches
n=0 bad=0
for f in $(busybox find / -xdev -type f); do
	if busybox cat "$f" > /dev/null 2>&1; then n=$((n + 1)); else bad=$((bad + 1)); echo "VERITY-READ-ERROR $f"; fi
done
echo "VERITY-DONE files=$n errors=$bad"
busybox sed 's/^/handover verity: /' /run/netboot/verity
busybox dmesg | busybox grep 'verity:' | busybox sed 's/^/dmesg: /'
busybox awk '{ print "mount: " $1 " " $2 " " $3 }' /proc/mounts
busybox poweroff -f
INIT
chmod 755 "$add/verity-init"
img=$export_dir/sysrcd.dat
cp "$B/testroot.sqfs" "$img"
mksquashfs "$add/canary" "$add/verity-init" "$img" -all-root -quiet >/dev/null	# appended to the test root's /
"$B/netboot" verity "$img" > "$TMP/root" 2>"$TMP/verity.log" || { echo "FAIL: netboot verity: $(cat "$TMP/verity.log")"; exit 1; }
canary_at=$(python3 -c "
import sys
img = open(sys.argv[1], 'rb').read(); c = open(sys.argv[2], 'rb').read(64)
print(img.find(c))" "$img" "$add/canary")
[ "$canary_at" -gt 0 ] || { echo "FAIL: the canary's bytes are not in the image"; exit 1; }
flip=$((canary_at + 150000))
printf '\xff' | dd of="$img" bs=1 seek=$flip conv=notrunc status=none
chmod -R a+rX "$TMP"
ganesha_start "$TMP/ganesha" "$export_dir" || exit 1

log=$TMP/verity.log
qemu_boot "$log" direct virtio-net-pci "nfsboot=10.0.2.2:$export_dir verity init=/verity-init"
qemu_wait "$log" 'VERITY-DONE|FAILED at' >/dev/null
sleep 1	# the lines after VERITY-DONE
block=$((flip / 4096))
why=
grep -qa "nfs://10.0.2.2:$export_dir: sysrcd.dat behind dm-verity (/dev/dm-0 over /dev/loop[0-9]*): every block checked as it is read against root hash $(cut -c1-16 "$TMP/root")\\.\\.\\. from /run/initramfs/netboot/nfs/sysrcd.roothash" "$log" ||
	why+=" no dm-verity line;"
grep -qa '^VERITY-DONE files=[0-9]* errors=1' "$log" || why+=" $(grep -a '^VERITY-DONE' "$log" || echo 'no VERITY-DONE') (expected errors=1);"
grep -qa '^VERITY-READ-ERROR /canary' "$log" || why+=" the canary read fine;"
grep -qaE "verity: .*data block $block is corrupted" "$log" || why+=" the kernel did not name data block $block;"
grep -qa "^handover verity: ROOTHASH=$(cat "$TMP/root")" "$log" || why+=" no ROOTHASH in /run/netboot/verity;"
grep -qa '^mount: /dev/dm-0 /run/initramfs/netboot/lower squashfs' "$log" || why+=" the squashfs is not on /dev/dm-0;"
grep -qa "/run/initramfs/netboot/image tmpfs" "$log" && why+=" a copy in RAM;"
if [ -z "$why" ]; then
	echo "INFO: verity: NFS root behind dm-verity reached its init in ${QEMU_SECONDS}s; $(grep -a '^VERITY-DONE' "$log")"
	echo "PASS: nfsboot= verity: dm-verity over NFS, no copy; a byte flipped on the server in a file not read at boot: the boot succeeds, that file gives EIO (block $block named by the kernel), every other file reads"
else
	echo "FAIL: nfsboot= verity:$why"; grep -a 'netboot\|VERITY\|verity' "$log" | tail -12
fi

# NBD: the tree and the root hash are exports of the same server, named as
# the sidecars (nbd-server, three exports); the same flipped byte
nbdport=$(free_port)
nbd_server_start "$TMP" "$nbdport" root "sysrcd.dat=$img" "sysrcd.verity=$export_dir/sysrcd.verity" \
	"sysrcd.roothash=$export_dir/sysrcd.roothash" || { echo "FAIL: nbd-server did not start"; exit 1; }
# a first mirror whose root hash is another's: refused, the next one used
mkdir -p "$TMP/bad" && printf '%064d\n' 0 > "$TMP/bad/sysrcd.roothash"
badport=$(free_port)
nbd_server_start "$TMP/bad" "$badport" root "sysrcd.dat=$img" "sysrcd.verity=$export_dir/sysrcd.verity" \
	"sysrcd.roothash=$TMP/bad/sysrcd.roothash" || { echo "FAIL: the second nbd-server did not start"; exit 1; }
log=$TMP/verity-nbd.log
qemu_boot "$log" direct virtio-net-pci \
	"netboot=nbd://10.0.2.2:$badport/sysrcd.dat,nbd://10.0.2.2:$nbdport/sysrcd.dat verity init=/verity-init"
qemu_wait "$log" 'VERITY-DONE|FAILED at' >/dev/null
sleep 1
why=
grep -qa "nbd://10.0.2.2:$nbdport/sysrcd.dat: the export behind dm-verity (/dev/dm-0 over /dev/nbd[0-9]): every block checked as it is read against root hash $(cut -c1-16 "$TMP/root")" "$log" ||
	why+=" no dm-verity line;"
grep -qa "sysrcd.verity does not match the root hash 0000000000000000... from /run/initramfs/netboot/sysrcd.roothash.*; trying the next mirror (2 of 2)" "$log" ||
	why+=" the first mirror's wrong root hash was not refused;"
grep -qa '^VERITY-DONE files=[0-9]* errors=1' "$log" || why+=" $(grep -a '^VERITY-DONE' "$log" || echo 'no VERITY-DONE') (expected errors=1);"
grep -qa '^VERITY-READ-ERROR /canary' "$log" || why+=" the canary read fine;"
grep -qaE "verity: .*data block $block is corrupted" "$log" || why+=" the kernel did not name data block $block;"
grep -qa '^mount: /dev/dm-0 /run/initramfs/netboot/lower squashfs' "$log" || why+=" the squashfs is not on /dev/dm-0;"
if [ -z "$why" ]; then
	echo "INFO: verity: NBD root behind dm-verity reached its init in ${QEMU_SECONDS}s"
	echo "PASS: netboot=nbd:// verity: a mirror whose root hash does not match refused, the next one's tree and root hash from the same NBD server, dm-verity over the NBD device; the flipped byte gives EIO in that file only"
else
	echo "FAIL: netboot=nbd:// verity:$why"; grep -a '^netboot: stage3\|VERITY' "$log" | head -10
fi

# a wrong root hash: refused before anything is mounted
wrong=$(printf '%064d' 0 | tr 0 a)
log=$TMP/verity-wrong.log
qemu_boot "$log" direct virtio-net-pci "nfsboot=10.0.2.2:$export_dir checksum=verity:$wrong init=/verity-init"
qemu_wait "$log" 'VERITY-DONE|FAILED at' >/dev/null
if grep -qa "FAILED at stage3: .*sysrcd.verity does not match the root hash aaaaaaaaaaaaaaaa... from checksum= argument" "$log" &&
   ! grep -qa 'NETBOOT-VERITY-READY' "$log"; then
	echo "PASS: checksum=verity: with a wrong root hash: refused before mounting, the tree and the root named"
else
	echo "FAIL: checksum=verity: wrong root"; grep -a 'netboot' "$log" | tail -5
fi
