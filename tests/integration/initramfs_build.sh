#!/bin/bash
# The build side of the initramfs's drivers (issue 15): NICS= lists end up in
# the cpio list (with their dependencies, their aliases, and no others);
# NICS=all packs every Ethernet and USB NIC driver; a name the kernel lacks
# stops the build; FIRMWARE=DIR packs the firmware files the packed modules
# name that exist in DIR and names the absent ones; KERNEL= stages a module
# tree, an install root, a kernel build folder (depmod on a copy) and
# compressed modules (packed decompressed); and `make initramfs` with
# INITRAMFS=/NICS=/FIRMWARE=/COMPRESS= writes an archive holding all that.
# Reads the Debian kernel in build/kernel (make kernel); no root, no network.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
K=$ROOT/build/kernel
TMP=$(mktemp -d /tmp/netboot-initramfs.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
ML=$ROOT/scripts/modules-list.sh
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; sed 's/^/    /' "$TMP/err" 2>/dev/null | tail -6; }
[ -f "$K/version" ] || { echo "FAIL: $K/version missing: run make kernel"; exit 1; }
ver=$(cat "$K/version")
mods() { grep -oE '^file /lib/modules/[^ ]+\.ko ' "$1" | sed -E 's|.*/||; s|\.ko $||' | sort; }

# 1. a chosen list: those drivers, their dependencies, the stage-3 modules, nothing else
NICS="e1000e igb" "$ML" "$K" "$TMP/w1" > "$TMP/l1" 2> "$TMP/err"
m=$(mods "$TMP/l1" | tr '\n' ' ')
if [[ " $m " == *" e1000e "* && " $m " == *" igb "* && " $m " == *" squashfs "* && " $m " == *" nbd "* &&
      " $m " == *" overlay "* && " $m " == *" virtio_pci "* && " $m " != *" r8169 "* && " $m " != *" tg3 "* &&
      " $m " != *" xhci-pci "* ]]; then
	pass "NICS=\"e1000e igb\": both packed with the stage-3 modules, no other NIC driver, no USB host driver"
else
	echo "    modules: $m"; fail "NICS=\"e1000e igb\": wrong module set"
fi
# igb needs dca (modules.dep): the dependency comes along
[[ " $m " == *" dca "* ]] && grep -q "igb.ko: .*dca.ko" "$TMP/w1/modules.dep" &&
	pass "NICS=: a driver's dependencies packed, its modules.dep line kept" || fail "NICS=: igb's dependency dca missing"
# the trimmed alias file names only packed modules, and has e1000e's PCI ids
others=$(awk '{print $3}' "$TMP/w1/modules.alias" | sort -u | grep -vxE "$(mods "$TMP/l1" | tr '-' '_' | paste -sd'|')")
grep -q '^alias pci:v00008086d000010D3sv\*sd\*bc\*sc\*i\* e1000e$' "$TMP/w1/modules.alias" && [ -z "$others" ] &&
	pass "NICS=: modules.alias trimmed to the packed modules (e1000e's 8086:10d3 in)" || fail "NICS=: modules.alias: foreign: $others"

# 2. the default list: the machines of issue 15, with the USB host drivers and VMBus
"$ML" "$K" "$TMP/w2" > "$TMP/l2" 2> "$TMP/err"
m=$(mods "$TMP/l2" | tr '-' '_' | tr '\n' ' ') miss=
for d in e1000 e1000e igb igc ixgbe i40e ice tg3 bnx2 bnx2x bnxt_en mlx4_en mlx5_core r8169 atlantic \
	r8152 ax88179_178a cdc_ether asix virtio_net vmxnet3 hv_netvsc ena gve xen_netfront \
	xhci_pci ehci_pci ohci_pci uhci_hcd hv_vmbus loop squashfs nbd nfsv3 overlay isofs; do
	[[ " $m " == *" $d "* ]] || miss+=" $d"
done
[ -z "$miss" ] && pass "default NICS: the 25 drivers, USB host controllers, hv_vmbus and stage 3 ($(wc -w <<< "$m") modules)" ||
	fail "default NICS: missing$miss"
grep -q ' xen_netfront$' "$TMP/w2/modules.alias" && grep -q '^alias usb:.* r8152$' "$TMP/w2/modules.alias" &&
	grep -q '^alias acpi\*:VMBUS:\* hv_vmbus$' "$TMP/w2/modules.alias" &&
	pass "default NICS: usb, xen and ACPI (VMBus) aliases for /init to match" || fail "default NICS: usb/xen/acpi aliases missing"

# 3. all: every module under drivers/net/ethernet and drivers/net/usb
NICS=all "$ML" "$K" "$TMP/w3" > "$TMP/l3" 2> "$TMP/err"
want=$(cd "$K/lib/modules/$ver" && find kernel/drivers/net/ethernet kernel/drivers/net/usb -name '*.ko*' | wc -l)
got=$(grep -cE '^file /lib/modules/[^ ]+/kernel/drivers/net/(ethernet|usb)/' "$TMP/l3")
[ "$want" -gt 100 ] && [ "$got" -eq "$want" ] && grep -q '/xen-netfront.ko ' "$TMP/l3" && grep -q '/sfc.ko ' "$TMP/l3" &&
	pass "NICS=all: all $want Ethernet and USB NIC modules, plus the virtual ones" || fail "NICS=all: $got of $want packed"

# 4. a name the kernel lacks is a mistake, said and refused
if NICS="e1000e no_such_nic" "$ML" "$K" "$TMP/w4" > /dev/null 2> "$TMP/err"; then
	fail "NICS=no_such_nic: accepted"
else
	grep -q "NICS: no_such_nic is not a module of kernel $ver" "$TMP/err" &&
		pass "NICS=no_such_nic: the build stops and names it" || fail "NICS=no_such_nic: no clear message"
fi

# 5. FIRMWARE=: tg3 names tigon/tg3.bin, tigon/tg3_tso.bin, ...; only tg3.bin exists here
mkdir -p "$TMP/fw/tigon"
head -c 5000 /dev/urandom > "$TMP/fw/tigon/tg3.bin"
echo unrelated > "$TMP/fw/other.bin"
NICS=tg3 FIRMWARE=$TMP/fw "$ML" "$K" "$TMP/w5" > "$TMP/l5" 2> "$TMP/err"
grep -qx "file /lib/firmware/tigon/tg3.bin $TMP/fw/tigon/tg3.bin 0644 0 0" "$TMP/l5" && grep -qx 'dir /lib/firmware/tigon 0755 0 0' "$TMP/l5" &&
	pass "FIRMWARE=: a file the module names is packed into /lib/firmware" || fail "FIRMWARE=: tigon/tg3.bin not packed"
! grep -q 'other.bin\|tg3_tso.bin' "$TMP/l5" && grep -q "firmware: 1 files (4 KiB) from $TMP/fw packed" "$TMP/err" &&
	grep -q "not in $TMP/fw: tg3: .*tigon/tg3_tso.bin" "$TMP/err" &&
	pass "FIRMWARE=: absent files skipped and named, unnamed files left out" || fail "FIRMWARE=: absent files not reported"
"$ML" "$K" "$TMP/w6" > "$TMP/l6" 2> "$TMP/err"
! grep -q firmware "$TMP/l6" && pass "no FIRMWARE=: no /lib/firmware" || fail "no FIRMWARE=: firmware packed"

# 6. KERNEL= forms (scripts/kernel-stage.sh): a module tree, an install root, a build folder
KS=$ROOT/scripts/kernel-stage.sh
"$KS" "$K/lib/modules/$ver" "$TMP/s1" 2> "$TMP/err" && [ "$(cat "$TMP/s1/version")" = "$ver" ] &&
	[ -f "$TMP/s1/lib/modules/$ver/modules.dep" ] &&
	pass "KERNEL=/lib/modules/<version>: staged (version $ver)" || fail "KERNEL=<module tree>"
"$KS" "$K" "$TMP/s2" 2> "$TMP/err" && [ "$(cat "$TMP/s2/version")" = "$ver" ] &&
	pass "KERNEL=<folder holding lib/modules/<version>>: staged" || fail "KERNEL=<install root>"
# a build folder: kernel.release, modules.order (.o names, as 6.2+ writes), the .ko files beside
bd=$TMP/linux
mkdir -p "$bd/include/config"
echo 6.99.0-test > "$bd/include/config/kernel.release"
for p in drivers/net/mii.ko drivers/net/ethernet/intel/e1000/e1000.ko drivers/net/ethernet/realtek/8139too.ko; do
	mkdir -p "$bd/$(dirname "$p")"; cp "$K/lib/modules/$ver/kernel/$p" "$bd/$p"; echo "${p%.ko}.o" >> "$bd/modules.order"
done
if "$KS" "$bd" "$TMP/s3" 2> "$TMP/err" && [ "$(cat "$TMP/s3/version")" = 6.99.0-test ] &&
	grep -q '^kernel/drivers/net/ethernet/realtek/8139too.ko: kernel/drivers/net/mii.ko$' "$TMP/s3/lib/modules/6.99.0-test/modules.dep"; then
	pass "KERNEL=<build folder>: .ko files staged by modules.order, depmod on the copy"
else
	fail "KERNEL=<build folder>"
fi
NICS=8139too "$ML" "$TMP/s3" "$TMP/w7" > "$TMP/l7" 2> "$TMP/err"
grep -q '^file /lib/modules/6.99.0-test/kernel/drivers/net/mii.ko ' "$TMP/l7" &&
	pass "KERNEL=<build folder>: its modules packed under its version" || fail "KERNEL=<build folder>: not packed"
# compressed modules (.ko.xz, as newer Debian ships): packed decompressed, modules.dep rewritten
cr=$TMP/xzroot/lib/modules/6.99.1-xz
mkdir -p "$cr/kernel/drivers/net"
cp "$K/lib/modules/$ver/kernel/drivers/net/mii.ko" "$cr/kernel/drivers/net/" && xz "$cr/kernel/drivers/net/mii.ko"
if "$KS" "$TMP/xzroot" "$TMP/s4" 2> "$TMP/err" && NICS=mii "$ML" "$TMP/s4" "$TMP/w8" > "$TMP/l8" 2>> "$TMP/err" &&
	grep -q "^file /lib/modules/6.99.1-xz/kernel/drivers/net/mii.ko $TMP/w8/mods/kernel/drivers/net/mii.ko " "$TMP/l8" &&
	cmp -s "$TMP/w8/mods/kernel/drivers/net/mii.ko" "$K/lib/modules/$ver/kernel/drivers/net/mii.ko" &&
	grep -q '^kernel/drivers/net/mii.ko:' "$TMP/w8/modules.dep"; then
	pass "compressed modules (.ko.xz): depmod on a copy, packed decompressed"
else
	fail "compressed modules"
fi
"$KS" "$TMP/nothing-here" "$TMP/s5" > /dev/null 2> "$TMP/err" || true
mkdir -p "$TMP/empty"
if ! "$KS" "$TMP/empty" "$TMP/s5" 2> "$TMP/err" && grep -q 'not a .deb' "$TMP/err"; then
	pass "KERNEL=<something else>: refused, the accepted forms named"
else
	fail "KERNEL=<empty folder> accepted"
fi

# 7. make initramfs: the settings reach the archive (another output file, so build/initram.igz is left alone)
out=$TMP/make/initram.igz
if [ -x "$ROOT/build/mkcpio" ] && [ -x "$ROOT/build/init" ]; then
	if make -s -C "$ROOT" initramfs INITRAMFS="$out" NICS="r8169 tg3" FIRMWARE="$TMP/fw" COMPRESS=xz > "$TMP/err" 2>&1 &&
		xz -t "$out" && xz -dc "$out" | cpio -it --quiet > "$TMP/files" 2>> "$TMP/err"; then
		grep -qx 'lib/firmware/tigon/tg3.bin' "$TMP/files" && grep -q '/r8169.ko$' "$TMP/files" && ! grep -q '/e1000e.ko$' "$TMP/files" &&
			grep -qx init "$TMP/files" &&
			pass "make initramfs NICS= FIRMWARE= COMPRESS=xz INITRAMFS=: an xz archive with those drivers and that firmware" ||
			fail "make initramfs: the archive lacks what was asked"
		# a second make with the same settings keeps the archive; a new NICS= rebuilds it
		t1=$(stat -c %Y.%s "$out"); sleep 1
		make -s -C "$ROOT" initramfs INITRAMFS="$out" NICS="r8169 tg3" FIRMWARE="$TMP/fw" COMPRESS=xz > "$TMP/err" 2>&1
		t2=$(stat -c %Y.%s "$out")
		make -s -C "$ROOT" initramfs INITRAMFS="$out" NICS="r8169" FIRMWARE="$TMP/fw" COMPRESS=xz >> "$TMP/err" 2>&1
		xz -dc "$out" | cpio -it --quiet > "$TMP/files2" 2>> "$TMP/err"
		[ "$t1" = "$t2" ] && ! grep -q tg3 "$TMP/files2" && grep -q '/r8169.ko$' "$TMP/files2" &&
			pass "make initramfs: rebuilt when NICS= changes, not otherwise" || fail "make initramfs: rebuild on settings change"
	else
		fail "make initramfs INITRAMFS=$out NICS= FIRMWARE= COMPRESS=xz failed"
	fi
	make -s -C "$ROOT" initramfs INITRAMFS="$out" COMPRESS=bzip > "$TMP/err" 2>&1 && fail "COMPRESS=bzip accepted" ||
		{ grep -q 'COMPRESS=bzip: expected' "$TMP/err" && pass "COMPRESS=bzip: refused, the choices named" || fail "COMPRESS=bzip: no clear message"; }
else
	echo "SKIP: make initramfs: build/init and build/mkcpio not built (make all)"
fi
