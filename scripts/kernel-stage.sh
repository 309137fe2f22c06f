#!/bin/bash
# make initramfs KERNEL=...: stages the user's kernel so scripts/modules-list.sh
# can read it as it reads build/kernel: DEST/version, DEST/lib/modules/<version>/
# with modules.dep, and DEST/vmlinuz when the kernel image is found.
# KERNEL is one of
#   a Debian kernel package:   linux-image-6.1.0-28-cloud-amd64_..._amd64.deb
#   a module tree:             /lib/modules/6.1.0-28-amd64 (modules.dep used as is,
#                              else depmod runs on a copy)
#   an install root:           a folder holding lib/modules/<version>/ (make
#                              modules_install INSTALL_MOD_PATH=...); KVER= picks one
#                              when there are several
#   a kernel build folder:     include/config/kernel.release, modules.order and the
#                              .ko files it names (depmod runs on a staged copy)
# Usage: kernel-stage.sh KERNEL DEST
set -euo pipefail
src=$1 dest=$2
die() { echo "kernel-stage: KERNEL=$src: $*" >&2; exit 1; }
[ -e "$src" ] || die "no such file or folder"
command -v depmod >/dev/null || die "depmod missing: apt-get install kmod"
src=$(realpath "$src")
mkdir -p "$dest"; dest=$(realpath "$dest")
rm -rf "$dest/lib" "$dest/vmlinuz" "$dest/version" "$dest/root"
mkdir -p "$dest/lib/modules"

# one version under ROOT/lib/modules or ROOT/usr/lib/modules (newer Debian)
pick_version() {
	local root=$1 vers=() d
	for d in "$root"/lib/modules/* "$root"/usr/lib/modules/*; do
		[ -d "$d/kernel" ] || [ -f "$d/modules.order" ] || continue
		vers+=("$d")
	done
	if [ -n "${KVER:-}" ]; then
		for d in "${vers[@]}"; do [ "$(basename "$d")" = "$KVER" ] && { echo "$d"; return; }; done
		die "KVER=$KVER: no lib/modules/$KVER there"
	fi
	[ ${#vers[@]} -eq 1 ] || die "expected one lib/modules/<version>, found ${#vers[@]}${vers:+: ${vers[*]##*/}} (set KVER=)"
	echo "${vers[0]}"
}
# copies (or links) a module tree in and runs depmod when it has no modules.dep
stage_tree() {
	local tree=$1 ver
	ver=$(basename "$tree")
	if [ -f "$tree/modules.dep" ] && [ -f "$tree/modules.alias" ]; then
		ln -s "$tree" "$dest/lib/modules/$ver"
	else
		cp -a "$tree" "$dest/lib/modules/$ver"
		depmod -b "$dest" "$ver"
	fi
	echo "$ver"
}

if [ -f "$src" ]; then
	case $src in *.deb) ;; *) die "a file must be a Debian kernel package (.deb)" ;; esac
	mkdir "$dest/root"
	dpkg -x "$src" "$dest/root" || die "dpkg -x failed"
	tree=$(pick_version "$dest/root")
	ver=$(basename "$tree")
	mv "$tree" "$dest/lib/modules/$ver"
	depmod -b "$dest" "$ver"	# Debian packages ship no modules.dep
	for k in "$dest/root/boot/vmlinuz-$ver" "$dest/root/usr/lib/linux-image-$ver/vmlinuz"; do
		[ -f "$k" ] && { mv "$k" "$dest/vmlinuz"; break; }
	done
	rm -rf "$dest/root"
elif [ -f "$src/include/config/kernel.release" ] && [ -f "$src/modules.order" ]; then
	# a build folder: modules.order names each module (as .o before 6.2, .ko after)
	ver=$(cat "$src/include/config/kernel.release")
	m="$dest/lib/modules/$ver"
	mkdir -p "$m"
	n=0
	while IFS= read -r o; do
		o=${o#kernel/}; ko=${o%.o}; ko=${ko%.ko}.ko
		[ -f "$src/$ko" ] || die "$ko (in modules.order) not built: run make modules"
		mkdir -p "$m/kernel/$(dirname "$ko")"
		cp "$src/$ko" "$m/kernel/$ko"
		echo "kernel/$ko" >> "$m/modules.order"
		n=$((n + 1))
	done < "$src/modules.order"
	[ -f "$src/modules.builtin" ] && sed 's|^kernel/||; s|^|kernel/|' "$src/modules.builtin" > "$m/modules.builtin"
	[ -f "$src/modules.builtin.modinfo" ] && cp "$src/modules.builtin.modinfo" "$m/"
	[ -f "$src/System.map" ] && sysmap=(-F "$src/System.map") || sysmap=()
	depmod -b "$dest" "${sysmap[@]}" "$ver"
	[ -f "$src/arch/x86/boot/bzImage" ] && cp "$src/arch/x86/boot/bzImage" "$dest/vmlinuz"
	echo "kernel-stage: $n modules from the build folder" >&2
elif [ -d "$src/kernel" ] || [ -f "$src/modules.order" ]; then
	ver=$(stage_tree "$src")
	for k in "/boot/vmlinuz-$ver" "$src/../../../boot/vmlinuz-$ver"; do
		[ -f "$k" ] && { ln -s "$(realpath "$k")" "$dest/vmlinuz"; break; }
	done
elif [ -d "$src/lib/modules" ] || [ -d "$src/usr/lib/modules" ]; then
	tree=$(pick_version "$src")
	ver=$(stage_tree "$tree")
	[ -f "$src/boot/vmlinuz-$ver" ] && ln -s "$src/boot/vmlinuz-$ver" "$dest/vmlinuz"
else
	die "not a .deb, a lib/modules/<version> tree, a folder holding lib/modules/, nor a kernel build folder (include/config/kernel.release + modules.order)"
fi
echo "$ver" > "$dest/version"
echo "kernel-stage: kernel $ver from $src in $dest${ver:+ ($( [ -e "$dest/vmlinuz" ] && echo "with vmlinuz" || echo "no kernel image found"))}" >&2
