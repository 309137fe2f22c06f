# Shared by serve_test.sh, faults_test.sh and `make demo`: a private network
# namespace with a bridge (192.0.2.1/24, no route out) and a tap device for a
# QEMU machine that PXE-boots from `netboot serve` running inside the
# namespace.  Sourced after lib.sh; the namespaces are made with newns
# (tests/lib.sh): everything is stopped by PID and deleted on exit.
LAB_NS=nbserve$$

# lab_up [ADDR/PREFIX]: LAB_NS with br0 (the server's address) and tap0 in it
lab_up() {
	newns "$LAB_NS" || return 1
	ip -n "$LAB_NS" link add br0 type bridge
	ip -n "$LAB_NS" link set br0 type bridge forward_delay 0 stp_state 0
	ip -n "$LAB_NS" addr add "${1:-192.0.2.1/24}" dev br0
	ip -n "$LAB_NS" link set br0 up
	ip -n "$LAB_NS" tuntap add dev tap0 mode tap
	ip -n "$LAB_NS" link set tap0 master br0 up
}

# lab_peer NAME ADDR/PREFIX: another namespace on the same segment (a veth
# whose far end sits in br0), for a second server or a plain client
lab_peer() {
	newns "$1" || return 1
	ip -n "$1" link add eth0 type veth peer name "v-$1" netns "$LAB_NS"
	ip -n "$LAB_NS" link set "v-$1" master br0 up
	[ -n "$2" ] && ip -n "$1" addr add "$2" dev eth0
	ip -n "$1" link set eth0 up
}

# boot_dir DIR: the kernel, our initram.igz and the test root as sysrcd.dat
# (copies: the server refuses symlinks that leave the folder)
boot_dir() {
	mkdir -p "$1"
	cp "$B/kernel/vmlinuz" "$B/initram.igz" "$1/"
	cp "$B/testroot.sqfs" "$1/sysrcd.dat"
}

# serve_start LOG ARGS...: netboot serve inside LAB_NS, waits for "ready"
serve_start() {
	local log=$1; shift
	ip netns exec "$LAB_NS" "$B/netboot" serve "$@" > "$log" 2>&1 &
	SERVE_PID=$!
	PIDS+=($SERVE_PID)
	wait_log "$log" 'netboot-serve: ready' "$SERVE_PID" && return 0
	echo "FAIL: netboot serve did not start:"; cat "$log"; return 1
}

serve_stop() {
	kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null
}

# qemu_tap_boot LOG bios|uefi MAC [MEM] [NS]: a stock machine on tap0 that
# boots from the network with no options: SeaBIOS + iPXE ROM (e1000) or OVMF
# with its own virtio-net driver.
qemu_tap_boot() {
	local log=$1 fw=$2 mac=$3 mem=${4:-512} ns=${5:-$LAB_NS}
	local -a args=(-accel "$QEMU_ACCEL" -m "$mem" -no-reboot -display none -monitor none
		-serial "file:$log" -boot n -netdev tap,id=n0,ifname=tap0,script=no,downscript=no)
	if [ "$fw" = uefi ]; then
		args+=(-bios /usr/share/ovmf/OVMF.fd -device "virtio-net-pci,netdev=n0,mac=$mac,romfile=")
	else
		args+=(-device "e1000,netdev=n0,mac=$mac")
	fi
	: > "$log"
	ip netns exec "$ns" qemu-system-x86_64 "${args[@]}" </dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	PIDS+=($QEMU_PID)
	QEMU_T0=$(date +%s%N)
}

# qemu_ovmf_boot LOG MAC pxe|http [MEM] [NS]: a q35 machine with Debian's
# OVMF_CODE_4M.fd (a fresh copy of its variables) on tap0, network first.
# pxe: OVMF's own PXE (PxeBcDxe, arch 7).  http: UEFI HTTP Boot
# (HttpBootDxe): PXE switched off through OVMF's fw_cfg knobs, so the
# "UEFI HTTPv4" boot option is the first the NIC offers.
qemu_ovmf_boot() {
	local log=$1 mac=$2 how=$3 mem=${4:-512} ns=${5:-$LAB_NS}
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$log.vars"
	local -a args=(-accel "$QEMU_ACCEL" -m "$mem" -no-reboot -display none -monitor none -serial "file:$log"
		-machine q35 -drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
		-drive "if=pflash,format=raw,file=$log.vars"
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no
		-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=,bootindex=1")
	[ "$how" = http ] && args+=(-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n
		-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n)
	: > "$log"
	ip netns exec "$ns" qemu-system-x86_64 "${args[@]}" </dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	PIDS+=($QEMU_PID)
	QEMU_T0=$(date +%s%N)
}
