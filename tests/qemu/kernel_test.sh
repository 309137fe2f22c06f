#!/bin/bash
# The drivers of real machines and the user's kernel (issue 15), under QEMU:
#  1. the default initramfs on an Intel 82574L (-device e1000e): e1000e is
#     found by modalias and the test root boots;
#  2. a USB NIC (qemu-xhci + usb-net): xhci_pci is loaded by its PCI class,
#     the USB bus rescanned while it enumerates, cdc_ether found by the USB
#     modalias, the test root boots over it;
#  3. make initramfs KERNEL=<a second Debian kernel's .deb> (linux-image-cloud-amd64,
#     another kernel release with another module set, fetched once into
#     build/kernel-cloud/) INITRAMFS=build/kernel-cloud/initram.igz: that kernel
#     boots with that initramfs to the test root;
#  4. the default kernel with the cloud initramfs: /init names the mismatch
#     (built for kernel X, running Y, rebuild with KERNEL=) instead of a
#     silent "no NIC".
. "$(dirname "$0")/lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
CLOUD=$B/kernel-cloud

check() {	# check NAME LOG REGEX [NEGATIVE-REGEX]
	local name=$1 log=$2 re=$3 neg=${4:-}
	if ! grep -qaE "$re" "$log"; then echo "FAIL: $name: '$re' not in the serial log"; return; fi
	if [ -n "$neg" ] && grep -qaE "$neg" "$log"; then echo "FAIL: $name: '$neg' in the serial log"; grep -aE "$neg" "$log" | head -3; return; fi
	echo "PASS: $name"
}
# qemu_run LOG KERNEL INITRD APPEND DEVICE-ARGS...: qemu_boot's direct mode with
# another kernel and any devices; qemu_wait decides the outcome
qemu_run() {
	local log=$1 kernel=$2 initrd=$3 append=$4; shift 4
	: > "$log"
	qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 512 -no-reboot -display none -monitor none \
		-serial "file:$log" -nodefaults -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0,115200 panic=-1 $append" -netdev user,id=n0 "$@" </dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	PIDS+=($QEMU_PID)
	QEMU_T0=$(date +%s%N)
}

image_dir "$TMP/good"
http_serve "$TMP/good"
url="netboot=http://10.0.2.2:$HTTP_PORT/sysrcd.dat"
ver=$(cat "$B/kernel/version")

# 1. e1000e by modalias
log=$TMP/e1000e.log
qemu_run "$log" "$B/kernel/vmlinuz" "$B/initram.igz" "$url" -device e1000e,netdev=n0
if qemu_wait "$log" "$MARK|FAILED at"; then
	check "e1000e: driver loaded by modalias, test root booted" "$log" "$MARK" "FAILED at"
	check "e1000e: named on the modules line" "$log" "netboot: modules: [0-9]+ loaded \(.*e1000e.*\)"
	grep -aoE 'netboot: timeline: .*modules [0-9.]+ s' "$log" | sed 's/.*modules /INFO: e1000e: modules stage /'
else
	echo "FAIL: e1000e: no marker within ${BOOT_TIMEOUT}s"
fi

# 2. a USB NIC behind an xHCI controller
log=$TMP/usb.log
qemu_run "$log" "$B/kernel/vmlinuz" "$B/initram.igz" "$url" -device qemu-xhci -device usb-net,netdev=n0
if qemu_wait "$log" "$MARK|FAILED at"; then
	check "usb-net: xhci_pci by PCI class, cdc_ether by USB modalias, test root booted" "$log" "$MARK" "FAILED at"
	check "usb-net: both named on the modules line" "$log" "netboot: modules: [0-9]+ loaded \(.*xhci_pci.*cdc_ether.*\)"
	grep -aoE 'netboot: timeline: .*modules [0-9.]+ s' "$log" | sed 's/.*modules /INFO: usb-net: modules stage (USB enumeration included) /'
else
	echo "FAIL: usb-net: no marker within ${BOOT_TIMEOUT}s"
fi

# 3. the second kernel: its .deb fetched once, as scripts/get-kernel.sh does
mkdir -p "$CLOUD"
deb=$(ls "$CLOUD"/linux-image-*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
	pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	if [ -n "$pkg" ] && (cd "$CLOUD" && apt-get download -q "$pkg" > "$TMP/apt.log" 2>&1); then
		deb=$(ls "$CLOUD"/linux-image-*.deb | head -1)
	else
		echo "FAIL: cloud kernel: cannot fetch linux-image-cloud-amd64's package: $(tail -2 "$TMP/apt.log" 2>/dev/null)"; exit 0
	fi
fi
if ! make -s -C "$ROOT" initramfs KERNEL="$deb" INITRAMFS="$CLOUD/initram.igz" > "$TMP/make.log" 2>&1; then
	echo "FAIL: make initramfs KERNEL=$deb failed:"; tail -5 "$TMP/make.log"; exit 0
fi
cver=$(cat "$CLOUD/kernel-staged/version")
if [ "$cver" != "$ver" ] && grep -q "^dir /lib/modules/$cver " "$CLOUD/modules.list" && ! grep -q "/lib/modules/$ver/" "$CLOUD/modules.list"; then
	echo "PASS: make initramfs KERNEL=<.deb>: modules of $cver (not $ver), $(stat -c %s "$CLOUD/initram.igz") bytes"
else
	echo "FAIL: make initramfs KERNEL=<.deb>: version $cver, list $(grep -c . "$CLOUD/modules.list") lines"
fi
log=$TMP/cloud.log
qemu_run "$log" "$CLOUD/kernel-staged/vmlinuz" "$CLOUD/initram.igz" "$url" -device virtio-net-pci,netdev=n0
if qemu_wait "$log" "$MARK|FAILED at"; then
	check "KERNEL=<cloud .deb>: its kernel boots its initramfs to the test root" "$log" "$MARK" "FAILED at|built for kernel"
	check "KERNEL=<cloud .deb>: the running kernel is $cver" "$log" "netboot agent on Linux $cver,"
else
	echo "FAIL: cloud kernel + cloud initramfs: no marker within ${BOOT_TIMEOUT}s"
fi

# 4. the default kernel with the cloud kernel's initramfs: the mismatch named
log=$TMP/mismatch.log
qemu_run "$log" "$B/kernel/vmlinuz" "$CLOUD/initram.igz" "$url" -device virtio-net-pci,netdev=n0
qemu_wait "$log" "FAILED at|$MARK" > /dev/null
check "kernel mismatch: named on the console" "$log" \
	"netboot: modules: this initramfs was built for kernel $cver but the running kernel is $ver: rebuild with make initramfs KERNEL=" "$MARK"
check "kernel mismatch: the failure says why there is no NIC" "$log" "FAILED at modules: no network interface appeared: the initramfs has the modules of kernel $cver, not of the running $ver"
