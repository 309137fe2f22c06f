#!/bin/bash
# Prints gen_init_cpio lines for the kernel modules /init needs, with their
# dependencies from modules.dep, plus trimmed modules.dep and modules.alias
# covering just those modules (what /init reads to pick the NIC driver).
# Usage: modules-list.sh KERNEL_DIR [MODULE...]   (KERNEL_DIR from get-kernel.sh)
set -euo pipefail
kdir=$(cd "$1" && pwd); shift
ver=$(cat "$kdir/version")
mdir="$kdir/lib/modules/$ver"
# NICs QEMU and common hardware present; the block/fs modules of stage 3.
wanted=${*:-e1000 e1000e virtio_net virtio_pci r8169 igb tg3 loop squashfs nbd nfsv3 overlay isofs}
out="$kdir/initramfs-modules"
rm -rf "$out"; mkdir -p "$out"
declare -A seen
add() {  # module name -> path(s) with deps
	local name=${1//-/_} line path deps
	line=$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$mdir/modules.dep" | head -1) || {
		echo "modules-list: $name not in modules.dep (built in?)" >&2; return 0; }
	path=${line%%:*}; deps=${line#*:}
	[ -n "${seen[$path]:-}" ] && return 0
	seen[$path]=1
	for d in $deps; do add "$(basename "${d%%.ko*}")"; done
}
for m in $wanted; do add "$m"; done
echo "dir /lib 0755 0 0"
echo "dir /lib/modules 0755 0 0"
echo "dir /lib/modules/$ver 0755 0 0"
declare -A dirs
: > "$out/modules.dep"
for p in "${!seen[@]}"; do
	d=$(dirname "$p")
	while [ "$d" != "." ] && [ -z "${dirs[$d]:-}" ]; do dirs[$d]=1; d=$(dirname "$d"); done
	grep -E "^${p}:" "$mdir/modules.dep" >> "$out/modules.dep"
done
for d in $(printf '%s\n' "${!dirs[@]}" | sort); do echo "dir /lib/modules/$ver/$d 0755 0 0"; done
for p in $(printf '%s\n' "${!seen[@]}" | sort); do echo "file /lib/modules/$ver/$p $mdir/$p 0644 0 0"; done
names=$(for p in "${!seen[@]}"; do basename "${p%%.ko*}"; done | sort -u | tr '\n' '|')
grep -E "^alias [^ ]+ (${names%|})$" "$mdir/modules.alias" > "$out/modules.alias" || true
echo "file /lib/modules/$ver/modules.dep $out/modules.dep 0644 0 0"
echo "file /lib/modules/$ver/modules.alias $out/modules.alias 0644 0 0"
