#!/bin/bash
# Signed images under QEMU: an initramfs built with a minisign key (as
# `make initramfs PUBKEY=...` does, into a separate file here), keys and
# signatures made by the real minisign.  Everything runs in a private
# network namespace of this test (only lo), as tests/qemu/nfs_test.sh.
# Boots:
#  1. HTTP mirrors: the first serves a tampered image (refused, the next
#     tried), the second the signed one: it boots, the trusted comment shows
#     on the console and in /run/netboot/signature and trusted-comment.
#  2. NFS mirrors (nfs-ganesha): the same, an export with the tampered image
#     first; the good image is copied into RAM and the copy verified.
#  2b. NFS behind dm-verity (`verity`): the root hash must be signed; a
#     tampered one is refused, the good one boots with no copy in RAM.
#  3. TFTP (QEMU's server), the tampered image only: the boot stops in the
#     rescue shell naming why, and nothing is mounted.
#  4. NBD without verity: refused before connecting.
#  5. NBD behind dm-verity: the signed root hash, tree and signature are
#     exports of the same nbd-server; it boots with no copy.
#  6. stream over HTTP: the first mirror's root hash was altered after
#     signing (refused before anything is attached for good), the second's
#     signed one boots while the copy fills, every block checked.
if [ -z "${NB_IN_NETNS:-}" ]; then
	exec unshare -n env NB_IN_NETNS=1 "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_artifacts
command -v minisign >/dev/null || { echo "SKIP: signed: minisign not installed (scripts/install-deps.sh)"; exit 0; }
MARK='NETBOOT-TEST-ROOT-OK'
ip link set lo up

k=$TMP/keys; mkdir -p "$k"
minisign -G -p "$k/test.pub" -s "$k/test.key" -W >/dev/null || { echo "FAIL: signed: minisign -G"; exit 1; }
"$ROOT/scripts/keys-list.sh" "$k/test.pub" > "$TMP/keys.list"
BUILD=$B "$B/mkcpio" "$ROOT/initramfs-list" "$B/modules.list" "$TMP/keys.list" | gzip -1n > "$TMP/signed.igz" ||
	{ echo "FAIL: signed: initramfs with the key"; exit 1; }
export QEMU_INITRD=$TMP/signed.igz

www=$TMP/www
image_dir "$www/good"
minisign -S -s "$k/test.key" -m "$www/good/sysrcd.dat" -t "netboot qemu test release 7" >/dev/null
mkdir -p "$www/bad" && cp "$www/good/sysrcd.dat" "$www/good/sysrcd.dat.minisig" "$www/bad/"
printf 'X' | dd of="$www/bad/sysrcd.dat" bs=1 seek=70000 conv=notrunc status=none
http_serve "$www" || exit 1

# 1. tampered mirror, then the good one
log=$TMP/http.log
qemu_boot "$log" direct virtio-net-pci \
	"netboot=http://10.0.2.2:$HTTP_PORT/bad/sysrcd.dat,http://10.0.2.2:$HTTP_PORT/good/sysrcd.dat"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qa '^netboot: stage3: 1 signing key built in' "$log" &&
   grep -qa "^netboot: fetch: .*bad/sysrcd.dat.minisig does not verify sysrcd.dat: the image was altered.*trying the next mirror" "$log" &&
   grep -qa '^netboot: stage3: sysrcd.dat: minisign signature good, key [0-9A-F]*, trusted comment: netboot qemu test release 7' "$log" &&
   grep -qa "^handover signature: SIGNATURE=http://10.0.2.2:$HTTP_PORT/good/sysrcd.dat.minisig" "$log" &&
   grep -qa '^handover trusted-comment: netboot qemu test release 7' "$log"; then
	echo "INFO: signed: HTTP boot with a refused mirror reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: signed: tampered mirror refused, signed image boots, trusted comment on the console and in the handover"
else
	echo "FAIL: signed: HTTP boot"; grep -a '^netboot' "$log" | tail -8
fi

# 2. NFS: an export with the tampered image, then the good one
chmod -R a+rX "$TMP"
mkdir -p "$TMP/ganesha"
ganesha_conf "$TMP/ganesha/ganesha.conf" "$www/bad" "$www/good"
rpcbind -f -w & PIDS+=($!)
sleep 0.3
ganesha.nfsd -F -f "$TMP/ganesha/ganesha.conf" -L "$TMP/ganesha/log" -p "$TMP/ganesha/pid" & PIDS+=($!)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/2049) 2>/dev/null && break; sleep 0.1; done
sleep 1	# registration with rpcbind
log=$TMP/nfs.log
qemu_boot "$log" direct virtio-net-pci "netboot=nfs://10.0.2.2:$www/bad,nfs://10.0.2.2:$www/good"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qa "^netboot: stage3: .*/sysrcd.dat.minisig does not verify sysrcd.dat: the image was altered.*trying the next mirror" "$log" &&
   grep -qa '^netboot: stage3: sysrcd.dat: minisign signature good, key [0-9A-F]*, trusted comment: netboot qemu test release 7' "$log" &&
   grep -qa "^netboot: stage3: nfs://10.0.2.2:$www/good: the copy of sysrcd.dat verified in" "$log" &&
   grep -qa "^netboot: stage3: sysrcd.dat: [0-9]* bytes copied from /run/initramfs/netboot/nfs/sysrcd.dat into RAM" "$log" &&
   grep -qa "mounts: .*/run/initramfs/netboot/image:tmpfs" "$log" && grep -qa '^handover trusted-comment: netboot qemu test release 7' "$log"; then
	echo "INFO: signed: NFS boot with a refused mirror reached the test root in ${QEMU_SECONDS}s"
	grep -a '^netboot: stage3: sysrcd.dat: .* copied from .* into RAM\|the copy of sysrcd.dat verified in' "$log" | tr -d '\r' | sed 's/^/INFO: signed: /' 
	echo "PASS: signed: NFS: tampered export refused, signed image copied into RAM, verified, boots"
else
	echo "FAIL: signed: NFS boot"; grep -a '^netboot' "$log" | tail -8
fi

# 2b. NFS behind dm-verity: the root hash must be signed; with it, no copy.
# The first export's sysrcd.roothash was altered after signing (refused),
# the second's is good: the image is read through dm-verity from NFS.
"$B/netboot" verity "$www/good/sysrcd.dat" > /dev/null 2>&1
minisign -S -s "$k/test.key" -m "$www/good/sysrcd.roothash" -t "netboot qemu test roothash 7" >/dev/null
cp "$www/good/sysrcd.verity" "$www/good/sysrcd.roothash.minisig" "$www/bad/"
printf '%064d\n' 0 > "$www/bad/sysrcd.roothash"
chmod -R a+rX "$www"
log=$TMP/nfs-verity.log
qemu_boot "$log" direct virtio-net-pci "netboot=nfs://10.0.2.2:$www/bad,nfs://10.0.2.2:$www/good verity checksum=verity:$(printf '%064d' 0)"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qa '^netboot: stage3: checksum=verity: ignored: signing keys are built in' "$log" &&
   grep -qa "^netboot: stage3: .*/sysrcd.roothash.minisig does not verify sysrcd.roothash: the image was altered.*trying the next mirror (2 of 2)" "$log" &&
   grep -qa '^netboot: stage3: sysrcd.roothash: minisign signature good, key [0-9A-F]*, trusted comment: netboot qemu test roothash 7' "$log" &&
   grep -qa "^netboot: stage3: nfs://10.0.2.2:$www/good: sysrcd.dat behind dm-verity .* from /run/initramfs/netboot/nfs/sysrcd.roothash (signed)" "$log" &&
   grep -qa "mounts: .*/run/initramfs/netboot/lower:squashfs" "$log" && ! grep -qa "mounts: .*/run/initramfs/netboot/image:tmpfs" "$log"; then
	echo "INFO: signed: NFS verity boot with a refused mirror reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: signed: NFS behind dm-verity: a root hash altered after signing refused, the signed one boots with no copy in RAM, checksum=verity: ignored with keys"
else
	echo "FAIL: signed: NFS verity boot"; grep -a '^netboot' "$log" | tail -8
fi

# 3. only a tampered image (TFTP): refused, never mounted
log=$TMP/tftp.log
qemu_boot "$log" direct virtio-net-pci "netboot=tftp://10.0.2.2/sysrcd.dat" 512 "$www/bad"
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
if grep -qa '^netboot: FAILED at stage3: tftp://10.0.2.2/sysrcd.dat.minisig does not verify sysrcd.dat: the image was altered or corrupted after signing; not booting it' "$log" &&
   ! grep -qa '^netboot: mount:' "$log" && ! grep -qa "$MARK" "$log"; then
	echo "PASS: signed: tampered image over TFTP refused in the rescue message, never mounted"
else
	echo "FAIL: signed: tampered image over TFTP"; grep -a '^netboot' "$log" | tail -5
fi

# 4. NBD with a key built in and no verity: refused before any connection
# (the kernel reads the export block by block after any check, so one read
# cannot verify it)
log=$TMP/nbd.log
qemu_boot "$log" direct virtio-net-pci "netboot=nbd://10.0.2.2:10809/sysrcd.dat"
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
if grep -qa '^netboot: FAILED at stage3: signing keys are built in, and an NBD export cannot be verified' "$log" &&
   ! grep -qa '/dev/nbd' "$log" && ! grep -qa "$MARK" "$log"; then
	echo "PASS: signed: NBD refused with a key built in, nothing attached"
else
	echo "FAIL: signed: NBD with a key"; grep -a '^netboot' "$log" | tail -5
fi

# 5. NBD behind dm-verity with a key built in: the tree, the root hash and
# its signature are exports of the same nbd-server; the signed root boots
nbdport=$(free_port)
nbd_server_start "$TMP" "$nbdport" root "sysrcd.dat=$www/good/sysrcd.dat" "sysrcd.verity=$www/good/sysrcd.verity" \
	"sysrcd.roothash=$www/good/sysrcd.roothash" "sysrcd.roothash.minisig=$www/good/sysrcd.roothash.minisig" ||
	{ echo "FAIL: signed: nbd-server did not start"; exit 1; }
log=$TMP/nbd-verity.log
qemu_boot "$log" direct virtio-net-pci "netboot=nbd://10.0.2.2:$nbdport/sysrcd.dat verity"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qa '^netboot: stage3: sysrcd.roothash: minisign signature good, key [0-9A-F]*, trusted comment: netboot qemu test roothash 7' "$log" &&
   grep -qa "^netboot: stage3: nbd://10.0.2.2:$nbdport/sysrcd.dat: the export behind dm-verity (/dev/dm-0 over /dev/nbd0): .* from /run/initramfs/netboot/sysrcd.roothash (signed)" "$log" &&
   grep -qa "mounts: .*/run/initramfs/netboot/lower:squashfs" "$log"; then
	echo "INFO: signed: NBD verity boot reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: signed: NBD behind dm-verity with a key built in: the signed root hash and the tree from the same server, boots with no copy"
else
	echo "FAIL: signed: NBD verity boot"; grep -a '^netboot' "$log" | tail -8
fi

# 6. stream with a key built in: the root hash must be signed, as for NFS and NBD
log=$TMP/stream.log
qemu_boot "$log" direct virtio-net-pci \
	"netboot=http://10.0.2.2:$HTTP_PORT/bad/sysrcd.dat,http://10.0.2.2:$HTTP_PORT/good/sysrcd.dat stream"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qaE "^netboot: stage3: .*/bad/sysrcd.dat|roothash.*(signature|does not verify).*trying the next mirror \(2 of 2\)" "$log" &&
   grep -qaE "^netboot: stage3: http://10.0.2.2:$HTTP_PORT/good/sysrcd.dat: streaming, [0-9]+ MiB on /dev/nbd[0-9]+ behind dm-verity" "$log" &&
   grep -qaE "^netboot: stage3: .*from /run/initramfs/netboot/sysrcd.roothash \(signed\)" "$log"; then
	echo "INFO: signed: stream boot with a refused mirror reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: signed: stream with a key built in: a root hash altered after signing refused, the signed one boots while the copy fills"
else
	echo "FAIL: signed: stream boot"; grep -a '^netboot' "$log" | tail -8
fi
