#!/bin/bash
# make demo: a full PXE boot on this terminal.  QEMU's firmware (iPXE) gets an
# address and pxelinux.0 from QEMU's built-in DHCP/TFTP, pxelinux loads the
# Debian kernel and our initram.igz, and /init fetches the sample root image
# over HTTP from busybox httpd on this machine (10.0.2.2 inside the guest).
. "$(dirname "$0")/lib.sh"
need_artifacts
image_dir "$TMP/www"
http_serve "$TMP/www"
tftp=$TMP/tftp
pxe_dir "$tftp" "netboot=http://10.0.2.2:$HTTP_PORT/sysrcd.dat"
echo "demo: serving $TMP/www on 127.0.0.1:$HTTP_PORT; booting (TCG, ~20 s); the sample image powers off when it is up"
timeout "${BOOT_TIMEOUT}" qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 512 -no-reboot -nographic -monitor none \
	-serial stdio -nodefaults -boot n \
	-netdev "user,id=n0,tftp=$tftp,bootfile=pxelinux.0" -device e1000,netdev=n0 </dev/null
