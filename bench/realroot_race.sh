#!/bin/bash
# The real-root race (issue 15 part 6): the same Debian kernel
# (build/kernel/vmlinuz) and the same Debian 12 systemd-networkd root
# (tests/qemu/make-debroot.sh networkd, ~71 MB zstd squashfs) fetched over
# HTTP from busybox httpd on the host's loopback (10.0.2.2 in the guest),
# booted alternately (ours first) by
#   ours       build/initram.igz            netboot=http://10.0.2.2:PORT/sysrcd.dat (+ sysrcd.md5)
#   live-boot  Debian's live-boot initrd    boot=live fetch=http://10.0.2.2:PORT/filesystem.squashfs
#              (bench/make-liveboot.sh: update-initramfs in an mmdebstrap chroot, cached)
# and measured from kernel start to the root's systemd: the printk timestamp
# of the first console line containing "systemd[1]:".  Also: the printk time
# of "Run /init" (the kernel's share, mostly unpacking the initrd), and the
# root's own "VERDICT: uptime=" (systemctl is-system-running --wait returned,
# normally "running").  Each boot powers off by itself (the root's verdict
# unit); BOOT_TIMEOUT (default 300 s) bounds it.
#
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
if ! "$here/make-liveboot.sh" "$B/liveboot" > "$OUT/liveboot.log" 2>&1; then
	say "building live-boot's initrd failed: $(tail -3 "$OUT/liveboot.log" | tr '\n' ' ')"; exit 1
fi
LIVE_INITRD=$B/liveboot/initrd.img
OURS_INITRD=$TMP/initram.igz
cp "$B/initram.igz" "$OURS_INITRD"

# --- one image, served under both names (a hard link: a rebuild of the root
# by someone else during the run does not change what is served) ---
www=$TMP/www
mkdir -p "$www"
ln "$B/debroot/networkd.sqfs" "$www/sysrcd.dat" 2>/dev/null || cp "$B/debroot/networkd.sqfs" "$www/sysrcd.dat"
ln "$www/sysrcd.dat" "$www/filesystem.squashfs"	# live-boot: the name must end in .squashfs
(cd "$www" && md5sum sysrcd.dat > sysrcd.md5)
chmod -R a+rX "$www"
http_serve "$www" || exit 1
H=http://10.0.2.2:$HTTP_PORT

# printk seconds of the first console line matching REGEX, or "-"
printk_at() {
	tr -d '\r' < "$1" | sed 's/\x1b\[[0-9;]*m//g' | awk -v re="$2" '
		$0 ~ re && match($0, /\[ *[0-9]+\.[0-9]+\]/) {
			t = substr($0, RSTART + 1, RLENGTH - 2); gsub(/ /, "", t); print t; found = 1; exit }
		END { if (!found) print "-" }'
}

# one boot with QEMU_SMP vCPUs; appends
# "variant round systemd_s init_s running_s state poweroff_s wall_s smp" to runs.tsv
race() {
	local v=$1 round=$2 log=$OUT/$1-smp$QEMU_SMP-$2.log sd init up state off
	case $v in
	ours) QEMU_INITRD=$OURS_INITRD qemu_boot "$log" direct virtio-net-pci "netboot=$H/sysrcd.dat" "$MEM" ;;
	live-boot) QEMU_INITRD=$LIVE_INITRD qemu_boot "$log" direct virtio-net-pci "boot=live fetch=$H/filesystem.squashfs" "$MEM" ;;
	esac
	qemu_wait "$log" 'reboot: Power down|Kernel panic' > "$log.tail" ||
		say "$v round $round did not power off within ${BOOT_TIMEOUT}s (log: $log)"
	sd=$(printk_at "$log" 'systemd\[1\]:')
	init=$(printk_at "$log" 'Run /init as init process')
	off=$(printk_at "$log" 'reboot: Power down')
	state=$(tr -d '\r' < "$log" | grep -a '^VERDICT: state=' | head -1 | cut -d= -f2-)
	up=$(tr -d '\r' < "$log" | grep -a '^VERDICT: uptime=' | head -1 | cut -d= -f2-)
	[ "$sd" = - ] && { say "$v round $round: no 'systemd[1]:' line on the console; last lines:"; tail -15 "$log" | tr -d '\r'; }
	echo "$v $round $sd $init ${up:--} ${state:-none} $off $QEMU_SECONDS $QEMU_SMP" >> "$OUT/runs.tsv"
	printf '  %-9s -smp %s round %d: systemd[1] at %6s s (/init at %s s), system %s at %s s, power-off at %s s, %s s wall\n' \
		"$v" "$QEMU_SMP" "$round" "$sd" "$init" "${state:-?}" "${up:--}" "$off" "$QEMU_SECONDS"
}

# median of a column (3: systemd, 4: /init, 5: running) for a variant at QEMU_SMP; "-" if none
median() {
	awk -v v="$1" -v c="$2" -v n="$QEMU_SMP" '$1 == v && $9 == n && $c != "-" { print $c }' "$OUT/runs.tsv" | sort -g |
		awk '{ a[NR] = $1 } END { if (NR) printf "%.2f", (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2; else printf "-" }'
}
each() { awk -v v="$1" -v c="$2" -v n="$QEMU_SMP" '$1 == v && $9 == n { printf "%s%s", sep, $c; sep = " " }' "$OUT/runs.tsv"; }

ours_size=$(stat -c %s "$OURS_INITRD") live_size=$(stat -c %s "$LIVE_INITRD")
echo "Real root race: Debian 12 networkd root ($(stat -c %s "$www/sysrcd.dat") bytes squashfs) over HTTP, kernel $(cat "$B/kernel/version"),"
echo "  QEMU $QEMU_ACCEL -m $MEM, virtio-net-pci, user networking; -smp $SMPS; $ROUNDS rounds each, ours first; $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "  ours: build/initram.igz $ours_size bytes, sha256 $(sha256sum "$OURS_INITRD" | cut -c1-16), built $(date -u -r "$B/initram.igz" '+%Y-%m-%d %H:%M UTC'), HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
echo "  live-boot: build/liveboot/initrd.img $live_size bytes ($(awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }' "$B/liveboot/versions" 2>/dev/null))"
: > "$OUT/runs.tsv"
for QEMU_SMP in $SMPS; do
	export QEMU_SMP
	for round in $(seq "$ROUNDS"); do	# alternate, so drift on the host hits both alike
		race ours "$round"
		race live-boot "$round"
	done
done
for QEMU_SMP in $SMPS; do
	mo=$(median ours 3) ml=$(median live-boot 3)
	echo "  -smp $QEMU_SMP:"
	printf '    %-44s %12s %12s\n' "" "ours" "live-boot"
	printf '    %-44s %12s %12s\n' "initrd size, bytes" "$ours_size" "$live_size" \
		"kernel start to systemd[1], median s" "$mo" "$ml" \
		"kernel start to Run /init, median s" "$(median ours 4)" "$(median live-boot 4)" \
		"kernel start to is-system-running, median s" "$(median ours 5)" "$(median live-boot 5)"
	echo "    each boot, systemd[1] s: ours $(each ours 3); live-boot $(each live-boot 3)"
	echo "    each boot, is-system-running returned s: ours $(each ours 5) ($(each ours 6)); live-boot $(each live-boot 5) ($(each live-boot 6))"
	awk -v o="$mo" -v l="$ml" -v os="$ours_size" -v ls="$live_size" -v ro="$(median ours 5)" -v rl="$(median live-boot 5)" 'BEGIN {
		if (o + 0 > 0 && l + 0 > 0) printf "    ratio ours/live-boot: kernel start to systemd %.2f (goal <= 0.2), to is-system-running %.2f, initrd size %.2f\n", o / l, (rl + 0 > 0 ? ro / rl : 0), os / ls
		else print "    ratio: not measured (a variant never reached systemd)" }'
done
echo "  logs: $OUT"
exit 0
