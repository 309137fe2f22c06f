#!/bin/bash
# NBD servers the seed's users may still run, under QEMU (direct kernel boot):
#  1. nbdboot=10.0.2.2:PORT against nbdkit --oldstyle (oldstyle handshake)
#  2. netboot=nbd://10.0.2.2:PORT/sysrcd against the same: the export name
#     cannot be asked for in oldstyle, it is ignored with a console note
#  3. netboot=nbd://10.0.2.2:PORT against `nbd-server PORT FILE`, the seed's
#     way of starting it (newstyle, default export "")
# Each must reach the test root through /dev/nbd0 with no copy in RAM.
. "$(dirname "$0")/lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'

# nbd-server drops to user nbd: the image and its folder must be readable
mkdir -p "$TMP/nbd"
chmod 755 "$TMP" "$TMP/nbd"
cp "$B/testroot.sqfs" "$TMP/nbd/sysrcd.dat"
chmod 644 "$TMP/nbd/sysrcd.dat"

# booted LOG NAME REGEX...: the marker, the device, no tmpfs copy, and each REGEX in the log
booted() {
	local log=$1 name=$2; shift 2
	local ok=0
	grep -qa "$MARK" "$log" && grep -qa "mount: /dev/nbd0 on /newroot" "$log" &&
		! grep -qa "/run/initramfs/netboot/image:tmpfs" "$log" || ok=1
	for re in "$@"; do grep -qaE "$re" "$log" || { ok=1; echo "    missing: $re"; }; done
	if [ $ok -eq 0 ]; then
		echo "INFO: $name reached the test root in ${QEMU_SECONDS}s"
		echo "PASS: $name"
	else
		echo "FAIL: $name"; grep -a 'netboot' "$log" | tail -8
	fi
}

if command -v nbdkit >/dev/null; then
	op=$(free_port)
	# -f: foreground, so $! is the server and the trap stops it by PID
	nbdkit --oldstyle -f -r -i 127.0.0.1 -p "$op" file "$TMP/nbd/sysrcd.dat" 2>"$TMP/nbdkit.log" &
	PIDS+=($!)
	for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$op") 2>/dev/null && break; sleep 0.1; done

	log=$TMP/oldstyle.log
	qemu_boot "$log" direct virtio-net-pci "nbdboot=10.0.2.2:$op"
	qemu_wait "$log" "$MARK|FAILED at"
	booted "$log" "nbdboot= against nbdkit --oldstyle boots from /dev/nbd0" \
		"nbd://10\.0\.2\.2:$op/: oldstyle export '', [0-9]+ MiB, on /dev/nbd0: read over the network, not copied"

	log=$TMP/oldstyle-name.log
	qemu_boot "$log" direct virtio-net-pci "netboot=nbd://10.0.2.2:$op/sysrcd"
	qemu_wait "$log" "$MARK|FAILED at"
	booted "$log" "oldstyle server, export name given: ignored with a note, boots" \
		"oldstyle NBD server \(one export per port\): export name 'sysrcd' ignored" \
		"oldstyle export '', [0-9]+ MiB, on /dev/nbd0"
else
	echo "SKIP: nbdkit not installed (scripts/install-deps.sh)"
fi

# the seed's form, bound to loopback; -p: the PID of the daemon it forks
np=$(free_port)
nbd-server "127.0.0.1:$np" "$TMP/nbd/sysrcd.dat" -r -p "$TMP/nbd/pid" 2>"$TMP/nbd/log"
for _ in $(seq 50); do [ -s "$TMP/nbd/pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$np") 2>/dev/null && break; sleep 0.1; done
[ -s "$TMP/nbd/pid" ] && PIDS+=("$(cat "$TMP/nbd/pid")")
log=$TMP/seedform.log
qemu_boot "$log" direct virtio-net-pci "netboot=nbd://10.0.2.2:$np"
qemu_wait "$log" "$MARK|FAILED at"
booted "$log" "netboot=nbd:// against nbd-server PORT FILE boots from /dev/nbd0" \
	"nbd://10\.0\.2\.2:$np/: newstyle export '', [0-9]+ MiB, on /dev/nbd0"

# the seed's own pair: `nbd-server 2000 FILE` on the server, nbdboot=ip:port on the client
log=$TMP/seedform-nbdboot.log
qemu_boot "$log" direct virtio-net-pci "nbdboot=10.0.2.2:$np"
qemu_wait "$log" "$MARK|FAILED at"
booted "$log" "nbdboot= against nbd-server PORT FILE boots from /dev/nbd0" \
	"nbd://10\.0\.2\.2:$np/: newstyle export '', [0-9]+ MiB, on /dev/nbd0"
