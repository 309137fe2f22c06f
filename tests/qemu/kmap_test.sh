#!/bin/bash
# setkmap= under QEMU (direct kernel boot, serial console only):
#  1. setkmap=fr: /init loads it before the network stage; the test root
#     reads the kernel's tables back (tests/qemu/kmapdump.c, KDGKBENT) and they
#     equal what `loadkeys -b` makes of console-data's fr-latin1 on this host
#  2. setkmap=gb: the same for uk, through its alias
#  3. setkmap=nosuch: one warning naming the available keymaps; boots on
# Lines are matched on the agent's own "netboot: keymap:" output: the kernel
# echoes the command line, keymap names included.
. "$(dirname "$0")/lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
command -v loadkeys >/dev/null && [ -d /usr/share/keymaps/i386 ] ||
	{ echo "FAIL: kmap: loadkeys (kbd) or console-data missing: scripts/install-deps.sh"; exit 1; }
cc -std=c11 -Wall -Wextra -Werror -o "$TMP/kmapdump" "$ROOT/tests/qemu/kmapdump.c" || { echo "FAIL: kmap: kmapdump does not build"; exit 1; }
image_dir "$TMP/img"
http_serve "$TMP/img"

# loaded NAME MAPFILE: boot with setkmap=NAME, compare with loadkeys -b MAPFILE
loaded() {
	local name=$1 map log=$TMP/$1.log want=$TMP/$1.want got=$TMP/$1.got
	map=$(find /usr/share/keymaps/i386 -name "$2.kmap.gz" -print -quit)
	loadkeys -b "$map" < /dev/null > "$TMP/$name.bmap" && "$TMP/kmapdump" "$TMP/$name.bmap" > "$want" ||
		{ echo "FAIL: setkmap=$name: loadkeys -b $map failed on the host"; return; }
	qemu_boot "$log" direct virtio-net-pci "setkmap=$name netboot=http://10.0.2.2:$HTTP_PORT/sysrcd.dat"
	if ! qemu_wait "$log" "$MARK|FAILED at"; then echo "FAIL: setkmap=$name: no marker within ${BOOT_TIMEOUT}s"; return; fi
	tr -d '\r' < "$log" > "$log.txt"
	echo "INFO: setkmap=$name boot reached the test root in ${QEMU_SECONDS}s; keymap stage $(grep -oE 'keymap [0-9.]+ s' "$log.txt" | head -1 | cut -d' ' -f2) s"
	local tables; tables=$(wc -l < "$want")
	if grep -qE "^netboot: keymap: $name loaded on /dev/tty0 \($tables tables\)$" "$log.txt"; then
		echo "PASS: setkmap=$name: loaded on /dev/tty0, $tables tables"
	else
		echo "FAIL: setkmap=$name: no 'netboot: keymap: $name loaded on /dev/tty0 ($tables tables)'"; grep -a '^netboot' "$log.txt" | head -5
	fi
	local k n; k=$(grep -n '^netboot: keymap:' "$log.txt" | head -1 | cut -d: -f1)
	n=$(grep -nE '^netboot: (network|modules|eth0)' "$log.txt" | head -1 | cut -d: -f1)
	if [ -n "$k" ] && [ -n "$n" ] && [ "$k" -lt "$n" ]; then
		echo "PASS: setkmap=$name: loaded before the modules and network stages"
	else
		echo "FAIL: setkmap=$name: keymap line at ${k:-none}, first modules/network line at ${n:-none}"
	fi
	grep -a '^kmapdump: ' "$log.txt" | sed 's/^kmapdump: //' > "$got"
	if [ -s "$got" ] && diff -q "$want" "$got" >/dev/null; then
		echo "PASS: setkmap=$name: the kernel's $tables tables (keys 1-127) equal loadkeys -b $2 on the host"
	else
		echo "FAIL: setkmap=$name: the kernel's tables differ from loadkeys -b $2 ($(wc -l < "$got") tables read back)"
		diff "$want" "$got" | cut -c1-160 | head -8
	fi
	if grep -qx "handover keymap: KEYMAP=$name" "$log.txt" && grep -qx "handover keymap: STATUS=loaded" "$log.txt"; then
		echo "PASS: setkmap=$name: /run/netboot/keymap says KEYMAP=$name, STATUS=loaded"
	else
		echo "FAIL: setkmap=$name: /run/netboot/keymap handover missing or wrong"; grep -a '^handover keymap' "$log.txt"
	fi
}

loaded fr fr-latin1
loaded gb uk

log=$TMP/nosuch.log
qemu_boot "$log" direct virtio-net-pci "setkmap=nosuch netboot=http://10.0.2.2:$HTTP_PORT/sysrcd.dat"
if qemu_wait "$log" "$MARK|FAILED at"; then
	tr -d '\r' < "$log" > "$log.txt"
	w='^netboot: keymap: WARNING: setkmap=nosuch: no such keymap \(No such file or directory\); available: .*\<fr\> .*\<uk\> .*; keeping the kernel.s default \(us\)$'
	if grep -qE "$w" "$log.txt" && [ "$(grep -c '^netboot: keymap:' "$log.txt")" -eq 1 ] && grep -q "$MARK" "$log.txt" &&
	   ! grep -q 'FAILED at' "$log.txt"; then
		echo "PASS: setkmap=nosuch: one warning naming the available keymaps, boot goes on to the test root"
	else
		echo "FAIL: setkmap=nosuch: want one line matching '$w' and the marker"; grep -a '^netboot' "$log.txt" | head -6
	fi
	if grep -qx "handover keymap: STATUS=unknown" "$log.txt"; then
		echo "PASS: setkmap=nosuch: /run/netboot/keymap says STATUS=unknown"
	else
		echo "FAIL: setkmap=nosuch: no STATUS=unknown in the handover"
	fi
else
	echo "FAIL: setkmap=nosuch: no marker within ${BOOT_TIMEOUT}s"
fi
