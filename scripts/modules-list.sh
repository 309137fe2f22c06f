#!/bin/bash
# Prints gen_init_cpio lines for the kernel modules /init needs, with their
# dependencies from modules.dep, plus trimmed modules.dep and modules.alias
# covering just those modules (what /init reads to pick the NIC driver by
# modalias), and with FIRMWARE=DIR the firmware files those modules name.
# Usage: modules-list.sh KERNEL_DIR WORK_DIR > modules.list
#   KERNEL_DIR: holds `version` and lib/modules/<version>/ (scripts/get-kernel.sh,
#               scripts/kernel-stage.sh)
#   WORK_DIR:   where the trimmed modules.dep/alias (and decompressed modules) go
# Environment:
#   NICS=       the NIC drivers: empty = the default list below, `all` = every
#               module under drivers/net/ethernet and drivers/net/usb plus the
#               virtual ones, else a list of module names ("e1000e igb")
#   FIRMWARE=   a folder like /lib/firmware: the files the packed modules name
#               (modinfo -F firmware) that exist there go to /lib/firmware
#   MODULES=    more modules to pack (by name)
set -euo pipefail
kdir=$(cd "$1" && pwd)
work=$2
ver=$(cat "$kdir/version")
mdir="$kdir/lib/modules/$ver"
[ -f "$mdir/modules.dep" ] || { echo "modules-list: no $mdir/modules.dep (run depmod)" >&2; exit 1; }
# The Ethernet drivers of real machines (issue 15); chosen at boot by modalias.
DEFAULT_NICS="e1000 e1000e igb igc ixgbe i40e ice
	tg3 bnx2 bnx2x bnxt_en
	mlx4_en mlx5_core
	r8169 atlantic
	r8152 ax88179_178a cdc_ether asix
	virtio_net vmxnet3 hv_netvsc ena gve xen-netfront"
VIRTUAL_NICS="virtio_net vmxnet3 hv_netvsc xen-netfront"
# the buses the NICs sit on: virtio devices appear once virtio_pci is in,
# USB devices once a host controller driver is (loaded by their PCI class)
BUS_MODULES="virtio_pci"
USB_HCDS="xhci_pci ehci_pci ohci_pci uhci_hcd"
# stage 3: loop + squashfs + overlay, nbd://, nfs://, ISO images, dm-verity
STAGE3="loop squashfs nbd nfsv3 overlay isofs dm_verity sha256_ssse3"

norm() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
declare -A depline	# normalized module name -> its modules.dep line
while IFS= read -r line; do
	p=${line%%:*}
	depline[$(norm "$p")]=$line
done < "$mdir/modules.dep"

case ${NICS:-} in
'') nics=$DEFAULT_NICS ;;
all)	nics="$(cd "$mdir" && find kernel/drivers/net/ethernet kernel/drivers/net/usb -name '*.ko*' 2>/dev/null |
		while read -r p; do norm "$p"; done | sort -u | tr '\n' ' ') $VIRTUAL_NICS" ;;
*) nics=${NICS//,/ } ;;
esac

declare -A seen	# module path (as in modules.dep) -> 1
missing=()
add() {  # module name -> its path and its dependencies' paths into seen
	local name line path deps d
	name=$(norm "$1")
	line=${depline[$name]:-}
	[ -n "$line" ] || { missing+=("$1"); return 0; }
	path=${line%%:*}; deps=${line#*:}
	[ -n "${seen[$path]:-}" ] && return 0
	seen[$path]=1
	for d in $deps; do add "$d"; done
}
usb=
for m in $nics; do
	add "$m"
	case ${depline[$(norm "$m")]:-} in kernel/drivers/net/usb/*) usb=1 ;; esac
done
[ -n "$usb" ] && BUS_MODULES="$BUS_MODULES $USB_HCDS"
# hv_netvsc's bus: hv_vmbus is found by its ACPI alias
case " $nics " in *" hv_netvsc "*) BUS_MODULES="$BUS_MODULES hv_vmbus" ;; esac
for m in $BUS_MODULES $STAGE3 ${MODULES:-}; do add "$m"; done
if [ ${#missing[@]} -gt 0 ]; then
	# built into the kernel (modules.builtin), else not in this kernel at all
	notfound=()
	for m in "${missing[@]}"; do
		grep -qE "/${m//[-_]/[-_]}\.ko$" "$mdir/modules.builtin" 2>/dev/null || notfound+=("$m")
	done
	[ ${#notfound[@]} -gt 0 ] && echo "modules-list: not in kernel $ver (neither a module nor built in): ${notfound[*]}" >&2
	# a NIC list naming nothing this kernel has is a mistake, not a choice
	if [ -n "${NICS:-}" ] && [ "$NICS" != all ]; then
		for m in ${NICS//,/ }; do
			case " ${notfound[*]:-} " in *" $m "*) echo "modules-list: NICS: $m is not a module of kernel $ver" >&2; exit 1 ;; esac
		done
	fi
fi

rm -rf "$work"; mkdir -p "$work"
work=$(cd "$work" && pwd)
echo "# kernel $ver: $(printf '%s\n' "${!seen[@]}" | wc -l) modules (NICS=${NICS:-default})"
echo "dir /lib 0755 0 0"
echo "dir /lib/modules 0755 0 0"
echo "dir /lib/modules/$ver 0755 0 0"
# compressed modules (.ko.xz/.zst/.gz) are packed decompressed: the
# initramfs is compressed as a whole, and finit_module then needs no flag
declare -A dirs
: > "$work/modules.dep"
for p in $(printf '%s\n' "${!seen[@]}" | sort); do
	d=$(dirname "$p")
	while [ "$d" != "." ] && [ -z "${dirs[$d]:-}" ]; do dirs[$d]=1; d=$(dirname "$d"); done
	echo "${depline[$(norm "$p")]}" | sed -E 's/\.ko\.(xz|zst|gz)\>/.ko/g' >> "$work/modules.dep"
done
for d in $(printf '%s\n' "${!dirs[@]}" | sort); do echo "dir /lib/modules/$ver/$d 0755 0 0"; done
for p in $(printf '%s\n' "${!seen[@]}" | sort); do
	src="$mdir/$p" dst=${p%.xz}; dst=${dst%.zst}; dst=${dst%.gz}
	if [ "$dst" != "$p" ]; then
		mkdir -p "$work/mods/$(dirname "$dst")"
		case $p in
		*.xz) xz -dc "$src" ;; *.zst) zstd -qdc "$src" ;; *.gz) gzip -dc "$src" ;;
		esac > "$work/mods/$dst"
		src="$work/mods/$dst"
	fi
	echo "file /lib/modules/$ver/$dst $src 0644 0 0"
done
names=$(for p in "${!seen[@]}"; do norm "$p"; done | sort -u | tr '\n' '|')
grep -E "^alias [^ ]+ (${names%|})$" "$mdir/modules.alias" > "$work/modules.alias" || true
echo "file /lib/modules/$ver/modules.dep $work/modules.dep 0644 0 0"
echo "file /lib/modules/$ver/modules.alias $work/modules.alias 0644 0 0"

# Firmware: the files the packed modules name, from FIRMWARE=DIR when there
[ -n "${FIRMWARE:-}" ] || exit 0
[ -d "$FIRMWARE" ] || { echo "modules-list: FIRMWARE=$FIRMWARE: not a folder" >&2; exit 1; }
fwdir=$(cd "$FIRMWARE" && pwd)
declare -A fwdirs fwfiles
packed=0 bytes=0 absent=0
: > "$work/firmware-absent.txt"
for p in $(printf '%s\n' "${!seen[@]}" | sort); do
	mod=$(norm "$p") miss=()
	while IFS= read -r fw; do
		[ -n "$fw" ] || continue
		found=
		# the kernel also loads .xz/.zst firmware (CONFIG_FW_LOADER_COMPRESS)
		for f in "$fw" "$fw.zst" "$fw.xz"; do
			if [ -f "$fwdir/$f" ]; then
				found=$f
				if [ -z "${fwfiles[$f]:-}" ]; then
					fwfiles[$f]=1 packed=$((packed + 1)) bytes=$((bytes + $(stat -Lc %s "$fwdir/$f")))
				fi
				break
			fi
		done
		[ -n "$found" ] || { miss+=("$fw"); absent=$((absent + 1)); }
	done < <(modinfo -F firmware "$mdir/$p" 2>/dev/null)
	[ ${#miss[@]} -gt 0 ] && echo "$mod: ${miss[*]}" >> "$work/firmware-absent.txt"
done
echo "dir /lib/firmware 0755 0 0"
for f in $(printf '%s\n' "${!fwfiles[@]}" | sort); do
	d=$(dirname "$f")
	while [ "$d" != "." ] && [ -z "${fwdirs[$d]:-}" ]; do fwdirs[$d]=1; d=$(dirname "$d"); done
done
for d in $(printf '%s\n' "${!fwdirs[@]}" | sort); do echo "dir /lib/firmware/$d 0755 0 0"; done
for f in $(printf '%s\n' "${!fwfiles[@]}" | sort); do echo "file /lib/firmware/$f $(realpath "$fwdir/$f") 0644 0 0"; done
echo "modules-list: firmware: $packed files ($((bytes / 1024)) KiB) from $fwdir packed into /lib/firmware" >&2
if [ "$absent" -gt 0 ]; then
	n=$(wc -l < "$work/firmware-absent.txt")
	echo "modules-list: firmware: $absent files named by $n modules are not in $fwdir, skipped (list: $work/firmware-absent.txt)" >&2
	if [ "$n" -le 8 ]; then
		while IFS= read -r l; do echo "modules-list: firmware: not in $fwdir: $l" >&2; done < "$work/firmware-absent.txt"
	fi
fi
exit 0
