#!/bin/bash
# The real-root race (issue 15 part 6): the same Debian kernel
# (build/kernel/vmlinuz) and the same Debian 12 systemd-networkd root
# (tests/qemu/make-debroot.sh networkd, ~71 MB zstd squashfs) fetched over
# HTTP from busybox httpd on the host's loopback (10.0.2.2 in the guest),
# booted alternately (ours first) by
#   ours       build/initram.igz            netboot=http://10.0.2.2:PORT/sysrcd.dat (+ sysrcd.md5)
#   live-boot  Debian's live-boot initrd    boot=live fetch=http://10.0.2.2:PORT/filesystem.squashfs
#              (bench/make-liveboot.sh: update-initramfs in an mmdebstrap chroot, cached)
#   dracut     dracut 059's livenet        root=live:http://10.0.2.2:PORT/filesystem.squashfs ip=dhcp
#              rd.neednet=1 rd.live.overlay.overlayfs=1 (bench/make-liveboot.sh dracut, cached)
# and measured from kernel start to the root's systemd: the printk timestamp
# of the first console line containing "systemd[1]:" (dracut's initrd runs
# systemd too: there, the root's systemd is the second one to print
# "running in system mode", and that line is taken).  Also: the printk time
# of "Run /init" (the kernel's share, mostly unpacking the initrd), and the
# root's own "VERDICT: uptime=" (systemctl is-system-running --wait returned,
# normally "running").  Each boot powers off by itself (the root's verdict
# unit); BOOT_TIMEOUT (default 300 s) bounds it.
#
#   stream     build/initram.igz            netboot=http://10.0.2.2:PORT/sysrcd.dat stream (+ the
#              sidecars netboot verity writes): boots while the copy fills (issue 16)
# PEERS (default "live-boot dracut"; " " for none) chooses the peers; STREAM=0 leaves out stream.
# For each vCPU count in SMPS (default "1 2": QEMU's default, as a new user
# boots it, and bench/boot_race.sh's), ROUNDS (default 3) rounds; prints each
# boot's figures, the medians, both initrd sizes and the ratio
# ours/live-boot (goal <= 0.2).  Logs and runs.tsv in build/realroot-race/.
# build/initram.igz is copied once at the start, so a rebuild during the run
# changes nothing; its size and sha256 are printed.  QEMU: -accel
# $QEMU_ACCEL (tcg), -smp N, -m $MEM (1024), virtio-net-pci, user
# networking, -no-reboot.  Run by `make bench`
# (SKIP_REALROOT=1 skips it) or alone: BENCH_ONLY=realroot bench/run.sh.
# Needs root (mmdebstrap, the first time), QEMU, busybox.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/qemu/lib.sh"
ROUNDS=${ROUNDS:-3}
MEM=${MEM:-1024}
SMPS=${SMPS:-1 2}
PEERS=${PEERS:-live-boot dracut}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
OUT=$B/realroot-race
mkdir -p "$OUT"

say() { echo "realroot_race: $*"; }
for f in "$B/kernel/vmlinuz" "$B/kernel/version" "$B/initram.igz"; do
	[ -f "$f" ] || { say "$f missing: run make kernel initramfs"; exit 1; }
done
# --- the root and live-boot's initrd, each cached by its recipe ---
mkdir -p "$B/debroot"
if ! "$ROOT/tests/qemu/make-debroot.sh" networkd "$B/debroot/networkd.sqfs" > "$OUT/debroot.log" 2>&1; then
	say "building the Debian networkd root failed: $(tail -3 "$OUT/debroot.log" | tr '\n' ' ')"; exit 1
fi
peers=
for p in $PEERS; do
	case $p in live-boot) d=$B/liveboot;; dracut) d=$B/dracut-livenet;; *) say "unknown peer $p"; exit 1;; esac
	if "$here/make-liveboot.sh" "$p" "$d" > "$OUT/$p-build.log" 2>&1; then
		peers="$peers $p"
	else
		say "building the $p initrd failed, racing without it: $(tail -3 "$OUT/$p-build.log" | tr '\n' ' ')"
	fi
done
[ -n "$peers" ] || [ "${STREAM:-1}" = 1 ] || exit 1
LIVE_INITRD=$B/liveboot/initrd.img DRACUT_INITRD=$B/dracut-livenet/initrd.img
OURS_INITRD=$TMP/initram.igz
cp "$B/initram.igz" "$OURS_INITRD"

# --- one image, served under both names (a hard link: a rebuild of the root
# by someone else during the run does not change what is served) ---
www=$TMP/www
mkdir -p "$www"
ln "$B/debroot/networkd.sqfs" "$www/sysrcd.dat" 2>/dev/null || cp "$B/debroot/networkd.sqfs" "$www/sysrcd.dat"
ln "$www/sysrcd.dat" "$www/filesystem.squashfs"	# live-boot: the name must end in .squashfs
(cd "$www" && md5sum sysrcd.dat > sysrcd.md5)
[ "${STREAM:-1}" = 1 ] && "$B/netboot" verity "$www/sysrcd.dat" >/dev/null	# sysrcd.verity, sysrcd.roothash
chmod -R a+rX "$www"
http_serve "$www" || exit 1
H=http://10.0.2.2:$HTTP_PORT

# printk seconds of the first (or NTH) console line matching REGEX, or "-"
printk_at() {
	tr -d '\r' < "$1" | sed 's/\x1b\[[0-9;]*m//g' | awk -v re="$2" -v nth="${3:-1}" '
		$0 ~ re && match($0, /\[ *[0-9]+\.[0-9]+\]/) && ++n == nth {
			t = substr($0, RSTART + 1, RLENGTH - 2); gsub(/ /, "", t); print t; found = 1; exit }
		END { if (!found) print "-" }'
}

# one boot with QEMU_SMP vCPUs; appends
# "variant round systemd_s init_s running_s state poweroff_s wall_s smp readback_s" to runs.tsv
# (readback_s: the root's verdict unit reading every file of the root back, ~228 MB)
race() {
	local v=$1 round=$2 log=$OUT/$1-smp$QEMU_SMP-$2.log sd init up state off rb
	case $v in
	ours) QEMU_INITRD=$OURS_INITRD qemu_boot "$log" direct virtio-net-pci "netboot=$H/sysrcd.dat" "$MEM" ;;
	stream) QEMU_INITRD=$OURS_INITRD qemu_boot "$log" direct virtio-net-pci "netboot=$H/sysrcd.dat stream" "$MEM" ;;
	live-boot) QEMU_INITRD=$LIVE_INITRD qemu_boot "$log" direct virtio-net-pci "boot=live fetch=$H/filesystem.squashfs" "$MEM" ;;
	dracut) QEMU_INITRD=$DRACUT_INITRD qemu_boot "$log" direct virtio-net-pci \
		"root=live:$H/filesystem.squashfs ip=dhcp rd.neednet=1 rd.live.overlay.overlayfs=1" "$MEM" ;;
	esac
	qemu_wait "$log" 'reboot: Power down|Kernel panic' > "$log.tail" ||
		say "$v round $round did not power off within ${BOOT_TIMEOUT}s (log: $log)"
	if [ "$v" = dracut ]; then sd=$(printk_at "$log" 'systemd\[1\]: systemd [0-9].* running in system mode' 2)
	else sd=$(printk_at "$log" 'systemd\[1\]:'); fi
	init=$(printk_at "$log" 'Run /init as init process')
	off=$(printk_at "$log" 'reboot: Power down')
	state=$(tr -d '\r' < "$log" | grep -a '^VERDICT: state=' | head -1 | cut -d= -f2-)
	up=$(tr -d '\r' < "$log" | grep -a '^VERDICT: uptime=' | head -1 | cut -d= -f2-)
	rb=$(tr -d '\r' < "$log" | grep -a '^VERDICT: readback-seconds=' | head -1 | cut -d= -f2-)
	[ "$sd" = - ] && { say "$v round $round: no 'systemd[1]:' line on the console; last lines:"; tail -15 "$log" | tr -d '\r'; }
	echo "$v $round $sd $init ${up:--} ${state:-none} $off $QEMU_SECONDS $QEMU_SMP ${rb:--}" >> "$OUT/runs.tsv"
	tr -d '\r' < "$log" | sed 's/\x1b\[[0-9;]*m//g' | grep -a '\[FAILED\]' | sort -u | sed "s/^/    $v: /"
	printf '  %-9s -smp %s round %d: systemd[1] at %6s s (/init at %s s), system %s at %s s, root read back in %s s, power-off at %s s, %s s wall\n' \
		"$v" "$QEMU_SMP" "$round" "$sd" "$init" "${state:-?}" "${up:--}" "${rb:--}" "$off" "$QEMU_SECONDS"
}

# median of a column (3: systemd, 4: /init, 5: running) for a variant at QEMU_SMP; "-" if none
median() {
	awk -v v="$1" -v c="$2" -v n="$QEMU_SMP" '$1 == v && $9 == n && $c != "-" { print $c }' "$OUT/runs.tsv" | sort -g |
		awk '{ a[NR] = $1 } END { if (NR) printf "%.2f", (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2; else printf "-" }'
}
each() { awk -v v="$1" -v c="$2" -v n="$QEMU_SMP" '$1 == v && $9 == n { printf "%s%s", sep, $c; sep = " " }' "$OUT/runs.tsv"; }

ours_size=$(stat -c %s "$OURS_INITRD")
echo "Real root race: Debian 12 networkd root ($(stat -c %s "$www/sysrcd.dat") bytes squashfs) over HTTP, kernel $(cat "$B/kernel/version"),"
echo "  QEMU $QEMU_ACCEL -m $MEM, virtio-net-pci, user networking; -smp $SMPS; $ROUNDS rounds each, ours first; $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "  ours: build/initram.igz $ours_size bytes, sha256 $(sha256sum "$OURS_INITRD" | cut -c1-16), built $(date -u -r "$B/initram.igz" '+%Y-%m-%d %H:%M UTC'), HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
for p in $peers; do
	f=$LIVE_INITRD; [ "$p" = dracut ] && f=$DRACUT_INITRD
	echo "  $p: ${f#"$ROOT"/} $(stat -c %s "$f") bytes ($(awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }' "$(dirname "$f")/versions" 2>/dev/null))"
done
: > "$OUT/runs.tsv"
rm -f "$OUT"/*-smp[0-9]*-[0-9]*.log*	# the last run's boots
for QEMU_SMP in $SMPS; do
	export QEMU_SMP
	for round in $(seq "$ROUNDS"); do	# alternate, so drift on the host hits both alike
		race ours "$round"
		[ "${STREAM:-1}" = 1 ] && race stream "$round"
		for p in $peers; do race "$p" "$round"; done
	done
done
size() { case $1 in ours|stream) stat -c %s "$OURS_INITRD";; live-boot) stat -c %s "$LIVE_INITRD";; dracut) stat -c %s "$DRACUT_INITRD";; esac; }
ours_all=ours; [ "${STREAM:-1}" = 1 ] && ours_all="ours stream"
row() {	# LABEL COLUMN|size
	local v line; line=$(printf '    %-44s' "$1")
	for v in $ours_all $peers; do
		if [ "$2" = size ]; then line="$line $(printf '%12s' "$(size "$v")")"
		else line="$line $(printf '%12s' "$(median "$v" "$2")")"; fi
	done
	echo "$line"
}
for QEMU_SMP in $SMPS; do
	echo "  -smp $QEMU_SMP:"
	printf '    %-44s' ""; for v in $ours_all $peers; do printf ' %12s' "$v"; done; echo
	row "initrd size, bytes" size
	row "kernel start to systemd[1], median s" 3
	row "kernel start to Run /init, median s" 4
	row "kernel start to is-system-running, median s" 5
	row "whole root read back (228 MB), median s" 10
	for v in $ours_all $peers; do
		echo "    each boot, $v: systemd[1] s $(each "$v" 3); is-system-running returned s $(each "$v" 5) ($(each "$v" 6))"
	done
	[ "${STREAM:-1}" = 1 ] && awk -v s="$(median stream 5)" -v o="$(median ours 5)" -v s3="$(median stream 3)" -v o3="$(median ours 3)" 'BEGIN {
		if (s + 0 > 0 && o + 0 > 0) printf "    ratio stream/ours (copy mode): kernel start to is-system-running %.2f (goal <= 0.7), to systemd %.2f\n", s / o, s3 / o3
		else printf "    ratio stream/ours: not measured\n" }'
	for p in $peers; do
		awk -v p="$p" -v o="$(median ours 3)" -v l="$(median "$p" 3)" -v os="$(size ours)" -v ls="$(size "$p")" \
		    -v ro="$(median ours 5)" -v rl="$(median "$p" 5)" 'BEGIN {
			if (o + 0 > 0 && l + 0 > 0) printf "    ratio ours/%s: kernel start to systemd %.2f (goal <= 0.2), to is-system-running %.2f, initrd size %.2f\n", p, o / l, (rl + 0 > 0 ? ro / rl : 0), os / ls
			else printf "    ratio ours/%s: not measured (a variant never reached systemd)\n", p }'
	done
done
echo "  logs: $OUT"
exit 0
