#!/bin/bash
# Initramfs size and drivers (docs/benchmarks.md): for the default NIC list
# and NICS=all, each compressed with gzip -9, xz --check=crc32 -9, zstd -19
# and lz4 -l -9 (`make initramfs NICS= COMPRESS= INITRAMFS=`), then booted
# RUNS times (default 3) by QEMU (-accel tcg, direct kernel boot, virtio-net,
# the test root over HTTP).  Per image: its size, the time make took to
# compress it, and the medians of
#   unpack:  the kernel's own timestamps, "Trying to unpack rootfs image as
#            initramfs..." to "Freeing initrd memory"
#   /init:   the kernel's timestamp of "Run /init as init process"
#   first:   QEMU start to the agent's first "netboot:" console line (host clock)
#   modules: the modules stage of the agent's "netboot: timeline:" line
# Each boot takes /work/qemu.lock (one QEMU at a time on a shared machine).
# Usage: bench/initramfs_bench.sh [SETS] [COMPRESSORS]  (default "default all", "gzip xz zstd lz4";
#   the set "six" is the six NIC drivers packed before issue 15)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/qemu/lib.sh"
RUNS=${RUNS:-3}
SETS=${1:-default all}
COMPRESSORS=${2:-gzip xz zstd lz4}
OUT=$B/bench-initramfs
LOCK=${QEMU_LOCK:-/work/qemu.lock}
need_artifacts
image_dir "$TMP/www"
http_serve "$TMP/www"
url="netboot=http://10.0.2.2:$HTTP_PORT/sysrcd.dat"

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
kts() { grep -aF "$2" "$1" | head -1 | sed -E 's/^\[ *([0-9.]+)\].*/\1/'; }

boot_once() {	# boot_once IMAGE LOG: one boot, figures on stdout "unpack init first modules"
	local img=$1 log=$2 t0 first=
	(
		flock 9
		: > "$log"
		qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 768 -no-reboot -display none -monitor none -serial "file:$log" \
			-nodefaults -kernel "$B/kernel/vmlinuz" -initrd "$img" -append "console=ttyS0,115200 panic=-1 $url" \
			-netdev user,id=n0 -device virtio-net-pci,netdev=n0 </dev/null >"$log.qemu" 2>&1 &
		qpid=$!
		t0=$(date +%s%N)
		for _ in $(seq 1200); do	# 60 s
			[ -z "$first" ] && grep -qa '^netboot:' "$log" && first=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.2f", (b-a)/1e9}')
			grep -qa 'netboot: timeline:\|FAILED at' "$log" && break
			kill -0 $qpid 2>/dev/null || break
			sleep 0.05
		done
		kill $qpid 2>/dev/null; wait $qpid 2>/dev/null
		echo "$first" > "$log.first"
	) 9>"$LOCK"
	local a b r
	a=$(kts "$log" 'Trying to unpack rootfs image as initramfs') b=$(kts "$log" 'Freeing initrd memory')
	r=$(kts "$log" 'Run /init as init process')
	printf '%s %s %s %s\n' "$(awk -v a="$a" -v b="$b" 'BEGIN{ if (a != "" && b != "") printf "%.3f", b-a; else print "-" }')" \
		"${r:--}" "$(cat "$log.first")" \
		"$(grep -aoE 'netboot: timeline: .*modules [0-9.]+ s' "$log" | sed -E 's/.*modules ([0-9.]+) s/\1/')"
}

printf '%-8s %-5s %10s %8s %8s %8s %8s %8s\n' set comp bytes make_s unpack_s init_s first_s modules_s
for set in $SETS; do
	case $set in
	all) nics=all ;;
	six) nics="e1000 e1000e virtio_net r8169 igb tg3" ;;	# the list before issue 15
	*) nics= ;;
	esac
	for c in $COMPRESSORS; do
		img=$OUT/$set-$c/initram.igz
		rm -rf "$OUT/$set-$c"
		t0=$(date +%s%N)
		make -s -C "$ROOT" initramfs INITRAMFS="$img" NICS="$nics" COMPRESS="$c" > "$TMP/make.log" 2>&1 ||
			{ echo "$set $c: make failed"; tail -3 "$TMP/make.log"; continue; }
		mk=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}')
		: > "$TMP/runs"
		for i in $(seq "$RUNS"); do boot_once "$img" "$TMP/$set-$c-$i.log" >> "$TMP/runs"; done
		printf '%-8s %-5s %10s %8s %8s %8s %8s %8s\n' "$set" "$c" "$(stat -c %s "$img")" "$mk" \
			"$(awk '{print $1}' "$TMP/runs" | median)" "$(awk '{print $2}' "$TMP/runs" | median)" \
			"$(awk '{print $3}' "$TMP/runs" | median)" "$(awk '{print $4}' "$TMP/runs" | median)"
	done
done
echo "# $(nproc) CPUs, $QEMU_ACCEL, $RUNS boots each (medians), kernel $(cat "$B/kernel/version"), QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}')"
