#!/bin/bash
# make-liveboot.sh [live-boot|dracut] [OUTDIR]: the peers bench/realroot_race.sh
# races, built for the kernel the tests boot (build/kernel/version).
#
#   live-boot (default)  Debian's live-boot initrd: an mmdebstrap chroot of
#             bookworm (--variant=minbase) with linux-image-<version>,
#             live-boot, live-boot-initramfs-tools and initramfs-tools, as a
#             user would set it up; update-initramfs in a customize hook.
#             OUTDIR default build/liveboot.  Boots with boot=live fetch=URL.
#   dracut    dracut 059's livenet: the same chroot with dracut, dracut-live,
#             dracut-network and what their modules need on Debian (systemd,
#             dbus, isc-dhcp-client, iputils-arping, procps, curl);
#             `dracut -N --add "livenet dmsquash-live network-legacy"
#             --omit systemd-networkd` (the systemd-networkd module never
#             brings the NIC up for ip=dhcp here).  OUTDIR default
#             build/dracut-livenet.  Boots with root=live:URL ip=dhcp
#             rd.neednet=1 rd.live.overlay.overlayfs=1.
#
# /boot/initrd.img-<version> is copied out to OUTDIR/initrd.img, the package
# versions to OUTDIR/versions; OUTDIR/vmlinuz-chroot.cmp says whether the
# chroot's vmlinuz is byte for byte build/kernel/vmlinuz (the same upload).
#
# Packages come from the mirrors this machine's apt uses for bookworm and
# bookworm-security (Debian's kernel is often only in -security), found as
# tests/qemu/make-debroot.sh finds them; LIVEBOOT_MIRROR=URI and
# LIVEBOOT_SECURITY_MIRROR=URI override.  Rebuilt only when its recipe
# (sha256 of this script + the kernel version + the kind, in OUTDIR/initrd.img.recipe)
# changes.  Needs root (mmdebstrap's root mode) and mmdebstrap.
set -euo pipefail
self=$(readlink -f "$0")
ROOT=$(cd "$(dirname "$self")/.." && pwd)
kind=live-boot
case ${1:-} in live-boot|dracut) kind=$1; shift;; esac
case $kind in live-boot) dflt=liveboot;; dracut) dflt=dracut-livenet;; esac
out=${1:-$ROOT/build/$dflt}
ver=$(cat "$ROOT/build/kernel/version" 2>/dev/null) ||
	{ echo "liveboot: build/kernel/version missing: run make kernel" >&2; exit 1; }
recipe=$( { cat "$self"; printf '\nKVER=%s\nKIND=%s\n' "$ver" "$kind"; } | sha256sum | cut -d' ' -f1)
if [ -f "$out/initrd.img" ] && [ "$(cat "$out/initrd.img.recipe" 2>/dev/null)" = "$recipe" ]; then
	echo "liveboot: $out/initrd.img is up to date ($kind, kernel $ver, recipe ${recipe:0:12})"
	exit 0
fi

apt_mirror() { "$ROOT/scripts/apt-mirror.sh" "$1"; }	# the URI apt uses for "SUITE main"
mirror=${LIVEBOOT_MIRROR:-${DEBROOT_MIRROR:-$(apt_mirror bookworm | head -n1)}}
security=${LIVEBOOT_SECURITY_MIRROR:-$(apt_mirror bookworm-security | head -n1)}
if [ -z "$mirror" ]; then
	echo "liveboot: no 'deb ... bookworm main' source in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources (set LIVEBOOT_MIRROR=URI)" >&2
	exit 1
fi
sources=("deb $mirror bookworm main")
[ -n "$security" ] && sources+=("deb $security bookworm-security main")

mkdir -p "$out"
tmp=$(mktemp -d "$ROOT/build/liveboot-chroot.XXXXXX")
# --one-file-system: never follow into a /proc or /dev a failed mmdebstrap left mounted
trap 'rm -rf --one-file-system "$tmp"; rm -f "$out/initrd.img.tmp" "$out/vmlinuz.tmp"' EXIT

case $kind in
live-boot)
	include=linux-image-$ver,live-boot,live-boot-initramfs-tools,initramfs-tools
	pkgs="linux-image-$ver live-boot live-boot-initramfs-tools initramfs-tools busybox klibc-utils"
	mkinitrd="if [ -e \"\$1/boot/initrd.img-$ver\" ]; then chroot \"\$1\" update-initramfs -u -k all; else chroot \"\$1\" update-initramfs -c -k $ver; fi"
	;;
dracut)
	include=linux-image-$ver,dracut,dracut-live,dracut-network,isc-dhcp-client,curl,systemd,procps,iputils-arping,dbus
	pkgs="linux-image-$ver dracut dracut-live dracut-network systemd curl isc-dhcp-client"
	mkinitrd="chroot \"\$1\" dracut -f -N --add 'livenet dmsquash-live network-legacy' --omit systemd-networkd /boot/initrd.img-$ver $ver"
	;;
esac
echo "liveboot: building the $kind initrd for $ver from ${sources[*]}"
mmdebstrap --variant=minbase --include="$include" \
	--customize-hook="$mkinitrd" \
	--customize-hook="copy-out /boot/initrd.img-$ver $tmp" \
	--customize-hook="copy-out /boot/vmlinuz-$ver $tmp" \
	--customize-hook='chroot "$1" dpkg-query -W -f "\${Package} \${Version}\n" '"$pkgs"' 2>/dev/null > "$1/tmp/versions" || true' \
	--customize-hook="copy-out /tmp/versions $tmp" \
	bookworm /dev/null "${sources[@]}"
cp "$tmp/initrd.img-$ver" "$out/initrd.img.tmp"
mv "$out/initrd.img.tmp" "$out/initrd.img"
cp "$tmp/versions" "$out/versions"
if cmp -s "$tmp/vmlinuz-$ver" "$ROOT/build/kernel/vmlinuz"; then
	echo "same: the chroot's vmlinuz-$ver is build/kernel/vmlinuz" > "$out/vmlinuz-chroot.cmp"
else
	echo "differs: the chroot's vmlinuz-$ver is another upload of $ver than build/kernel/vmlinuz (modules still load: same ABI)" > "$out/vmlinuz-chroot.cmp"
fi
echo "$recipe" > "$out/initrd.img.recipe"
echo "liveboot: $out/initrd.img ($kind, $(stat -c %s "$out/initrd.img") bytes, kernel $ver, recipe ${recipe:0:12}); vmlinuz $(cut -d: -f1 "$out/vmlinuz-chroot.cmp")"
