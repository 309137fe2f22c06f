# Shared by the QEMU tests and `make demo`: boots the real Debian kernel with
# build/initram.igz, directly or through iPXE + pxelinux, with QEMU user
# networking (the host's loopback is 10.0.2.2 in the guest).  tests/lib.sh
# gives ROOT, TMP, PIDS (every server a test starts, stopped by PID on exit),
# pass/fail, free_port and wait_port.
TMP_NAME=${TMP_NAME:-netboot-qemu} . "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
B=$ROOT/build
QEMU_ACCEL=${QEMU_ACCEL:-tcg}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}

# http_serve DIR -> sets HTTP_PORT; busybox httpd in the foreground, on loopback only
http_serve() {
	HTTP_PORT=$(free_port)
	busybox httpd -f -p "127.0.0.1:$HTTP_PORT" -h "$1" &
	PIDS+=($!)
	wait_port "$HTTP_PORT" && return 0
	echo "FAIL: busybox httpd did not start on port $HTTP_PORT"; return 1
}

# check_log NAME LOG REGEX [NEGATIVE-REGEX]: PASS if REGEX is in the serial
# log and NEGATIVE-REGEX is not (its first lines shown if it is)
check_log() {
	local name=$1 log=$2 re=$3 neg=${4:-}
	if ! grep -qaE "$re" "$log"; then fail "$name" "'$re' not in $(basename "$log")"; return; fi
	if [ -n "$neg" ] && grep -qaE "$neg" "$log"; then
		fail "$name" "'$neg' in $(basename "$log")"; grep -aE "$neg" "$log" | head -3; return
	fi
	pass "$name"
}

# image_dir DIR [corrupt]: sysrcd.dat (the test root) and sysrcd.md5 in DIR
image_dir() {
	mkdir -p "$1"
	cp "$B/testroot.sqfs" "$1/sysrcd.dat"
	(cd "$1" && md5sum sysrcd.dat > sysrcd.md5)
	if [ "${2:-}" = corrupt ]; then
		printf 'X' | dd of="$1/sysrcd.dat" bs=1 seek=70000 conv=notrunc status=none
	fi
}

# pxe_dir DIR APPEND: pxelinux.0, ldlinux.c32, kernel, initramfs and a config
pxe_dir() {
	mkdir -p "$1/pxelinux.cfg"
	ln -sf /usr/lib/PXELINUX/pxelinux.0 "$1/pxelinux.0"
	ln -sf /usr/lib/syslinux/modules/bios/ldlinux.c32 "$1/ldlinux.c32"
	ln -sf "$B/kernel/vmlinuz" "$1/vmlinuz"
	ln -sf "$B/initram.igz" "$1/initram.igz"
	cat > "$1/pxelinux.cfg/default" <<CFG
SERIAL 0 115200
DEFAULT netboot
PROMPT 0
TIMEOUT 0
LABEL netboot
  KERNEL vmlinuz
  INITRD initram.igz
  APPEND console=ttyS0,115200 panic=-1 $2
  IPAPPEND 2
CFG
}

# qemu_boot LOG MODE NIC APPEND [MEM] [TFTPDIR]: MODE direct|pxe; NIC e1000|virtio-net-pci;
# TFTPDIR is served by QEMU's built-in TFTP server in direct mode.
# QEMU_RTC=2000-01-01: the guest's clock starts there (a machine whose clock was never set).
# Runs QEMU in the background; qemu_wait decides the outcome.
qemu_boot() {
	local log=$1 mode=$2 nic=$3 append=$4 mem=${5:-512} tftp=${6:-}
	local -a args=(-accel "$QEMU_ACCEL" -m "$mem" -no-reboot -display none -monitor none
		-serial "file:$log" -nodefaults ${QEMU_CPU:+-cpu "$QEMU_CPU"} ${QEMU_SMP:+-smp "$QEMU_SMP"}
		${QEMU_RTC:+-rtc "base=$QEMU_RTC"})
	if [ "$mode" = pxe ]; then
		tftp=$TMP/tftp.$RANDOM
		pxe_dir "$tftp" "$append"
		args+=(-boot n -netdev "user,id=n0,tftp=$tftp,bootfile=pxelinux.0" -device "$nic,netdev=n0")
	else
		# QEMU_INITRD: another initramfs with the same kernel (bench/boot_race.sh's baseline)
		args+=(-kernel "$B/kernel/vmlinuz" -initrd "${QEMU_INITRD:-$B/initram.igz}"
			-append "console=ttyS0,115200 panic=-1 $append" -netdev "user,id=n0${tftp:+,tftp=$tftp}" -device "$nic,netdev=n0")
	fi
	: > "$log"
	qemu-system-x86_64 "${args[@]}" </dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	PIDS+=($QEMU_PID)
	QEMU_T0=$(date +%s%N)
}

# qemu_wait LOG REGEX: waits until REGEX shows in the serial log, QEMU exits,
# or BOOT_TIMEOUT passes; stops QEMU; returns 0 if REGEX was seen.
qemu_wait() {
	local log=$1 re=$2 deadline=$((SECONDS + BOOT_TIMEOUT)) seen=1
	while [ $SECONDS -lt $deadline ]; do
		if grep -qaE "$re" "$log"; then seen=0; break; fi
		kill -0 "$QEMU_PID" 2>/dev/null || { grep -qaE "$re" "$log" && seen=0; break; }
		sleep 0.2
	done
	QEMU_SECONDS=$(awk -v a="$QEMU_T0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}')
	# let a powering-off guest finish on its own, else stop it
	for _ in $(seq 20); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.1; done
	kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null
	if [ $seen -ne 0 ]; then
		echo "--- last lines of the serial log ($log):"; tail -25 "$log" | tr -d '\r'
		[ -s "$log.qemu" ] && { echo "--- qemu:"; tail -5 "$log.qemu"; }
	fi
	return $seen
}

need_artifacts() {
	for f in "$B/kernel/vmlinuz" "$B/initram.igz" "$B/testroot.sqfs"; do
		[ -f "$f" ] || { echo "FAIL: $f missing: run make initramfs testroot kernel"; exit 1; }
	done
}
