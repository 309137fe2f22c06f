#!/bin/bash
# The boot race (issue 8): the same kernel, modules, guest and 256 MiB
# squashfs, booted alternately with
#   ours      build/initram.igz (/init: verify with sha256 on SHA-NI, else md5)
#   baseline  bench/baseline-init.sh: udhcpc, wget, md5sum, losetup, mount, switch_root
#   raw       the same script with race=raw: wget -O /dev/null, no file, no hash (the ceiling)
#   rawbusy   raw with the guest's second vCPU spinning: the ceiling for an
#             agent that keeps both vCPUs busy (host threads under TCG)
# ROUNDS (default 5) rounds of the three; median and spread (min-max) per
# stage into a table (build/boot-race/table.md, and docs/benchmarks.md between
# the boot-race markers) and a gnuplot PNG (docs/boot-race.png).
# To weigh a change to /init: PREV_INITRD=old.igz VARIANTS="ours prev" races
# the built initramfs against an older one and prints only their medians.
# Run by `BOOT_RACE=1 make bench`; needs build/kernel, build/initram.igz,
# build/testroot.sqfs, QEMU, nginx.  TCG by default.
set -u
. "$(dirname "$0")/../tests/qemu/lib.sh"
need_artifacts
ROUNDS=${ROUNDS:-5}
ALL="ours baseline raw rawbusy"
VARIANTS=${VARIANTS:-$ALL}
IMAGE_MB=${IMAGE_MB:-256}
OUT=$B/boot-race
mkdir -p "$OUT"
# TCG unless told: /dev/kvm exists on these machines but cannot boot a Debian
# kernel.  With QEMU_ACCEL=kvm the guest gets -cpu host (and SHA-NI with it).
[ "$QEMU_ACCEL" = kvm ] && QEMU_CPU=${QEMU_CPU:-host}
export QEMU_SMP=${QEMU_SMP:-2}
MEM=${MEM:-1024}	# the image lives in RAM once: 256 MiB + the system

# --- the baseline initramfs: our list with the script as /init, same modules ---
sed "s|^file /init .*|file /init $ROOT/bench/baseline-init.sh 0755 0 0|" "$ROOT/initramfs-list" > "$TMP/baseline-list"
BUILD=$B "$B/mkcpio" "$TMP/baseline-list" "$B/modules.list" | gzip -9n > "$OUT/baseline.igz" ||
	{ echo "boot_race: packing the baseline initramfs failed"; exit 1; }

# --- the image: the test root plus incompressible filler, IMAGE_MB in all ---
www=$TMP/www; mkdir -p "$www"
unsquashfs -q -d "$TMP/root" "$B/testroot.sqfs" >/dev/null
head -c $((IMAGE_MB * 1024 * 1024)) /dev/urandom > "$TMP/root/filler"
mksquashfs "$TMP/root" "$www/sysrcd.dat" -all-root -noappend -comp gzip -quiet >/dev/null
(cd "$www" && md5sum sysrcd.dat > sysrcd.md5 && sha256sum sysrcd.dat > sysrcd.sha256)

# --- nginx on the host's loopback (10.0.2.2 in the guest), stopped by PID ---
port=$(free_port)
cat > "$TMP/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $TMP/nginx.pid; error_log $TMP/nginx.err;
events { worker_connections 64; }
http { access_log off; sendfile on; client_body_temp_path $TMP; proxy_temp_path $TMP; fastcgi_temp_path $TMP;
       uwsgi_temp_path $TMP; scgi_temp_path $TMP; server { listen 127.0.0.1:$port; root $www; } }
CONF
nginx -c "$TMP/nginx.conf" -p "$TMP" & PIDS+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
url=http://10.0.2.2:$port/sysrcd.dat

# one boot; appends "variant round stage seconds" rows to $OUT/runs.tsv
race() {
	local variant=$1 round=$2 log=$OUT/$1-$2.log marker
	case $variant in
	ours) marker='NETBOOT-TEST-ROOT-OK'; QEMU_INITRD= qemu_boot "$log" direct virtio-net-pci "netboot=$url" "$MEM" ;;
	prev) marker='NETBOOT-TEST-ROOT-OK'; QEMU_INITRD=$PREV_INITRD qemu_boot "$log" direct virtio-net-pci "netboot=$url" "$MEM" ;;
	baseline) marker='NETBOOT-TEST-ROOT-OK'; QEMU_INITRD=$OUT/baseline.igz qemu_boot "$log" direct virtio-net-pci "netboot=$url race=baseline" "$MEM" ;;
	raw|rawbusy) marker='race: done'; QEMU_INITRD=$OUT/baseline.igz qemu_boot "$log" direct virtio-net-pci "netboot=$url race=$variant" "$MEM" ;;
	esac
	if ! qemu_wait "$log" "$marker"; then
		echo "boot_race: $variant round $round did not finish (log: $log)"
		return 1
	fi
	if [ "$variant" = ours ] || [ "$variant" = prev ]; then
		# "netboot: timeline: mounts 0.01 s, ..., stage3 4.30 s (...), mount 0.04 s, total 4.41 s"
		tr -d '\r' < "$log" | grep -a 'netboot: timeline:' | tail -1 | sed 's/^.*timeline: //; s/ ([^)]*)//' |
			tr ',' '\n' | awk -v v="$variant" -v r="$round" 'NF >= 2 { print v, r, $1, $2 }'
	else
		# cumulative "race: <stage> <t>" marks -> durations
		tr -d '\r' < "$log" | awk -v v="$variant" -v r="$round" '
			$1 == "race:" && NF == 3 && $3 ~ /^[0-9.]+$/ { print v, r, $2, $3 - last; last = $3 }
			END { print v, r, "total", last }'
	fi >> "$OUT/runs.tsv"
	echo "$variant $round boot $QEMU_SECONDS" >> "$OUT/runs.tsv"	# QEMU start to the marker, kernel included
}

: > "$OUT/runs.tsv"; : > "$OUT/medians.dat"
for round in $(seq "$ROUNDS"); do	# alternate, so drift on the host hits all three alike
	for v in $VARIANTS; do
		race "$v" "$round"
	done
done
if [ "$VARIANTS" != "$ALL" ]; then	# an A/B run: medians only, no table, docs untouched
	for v in $VARIANTS; do
		for s in network stage3 total; do
			awk -v v="$v" -v s="$s" '$1 == v && $3 == s { print $4 }' "$OUT/runs.tsv" | sort -g |
				awk -v v="$v" -v s="$s" '{ a[NR] = $1 } END { printf "%s %s median %.2f s (%s-%s, n=%d)\n", v, s, (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2, a[1], a[NR], NR }'
		done
	done
	grep -ah 'netboot: timeline:' "$OUT"/ours-*.log "$OUT"/prev-*.log 2>/dev/null | tr -d '\r' | sed 's/^.*stage3/stage3/; s/, mount .*//'
	exit 0
fi

# --- median and spread per variant and stage ---
stages="mounts cmdline modules network stage3 mount total boot"
{
	echo "| stage | ours | baseline (busybox) | raw ceiling (wget -O /dev/null) | raw, second vCPU busy | ours/baseline | ours/raw busy |"
	echo "|---|---|---|---|---|---|---|"
	for s in $stages; do
		row="| $s"
		for v in $ALL; do
			vals=$(awk -v v="$v" -v s="$s" '$1 == v && $3 == s { print $4 }' "$OUT/runs.tsv" | sort -g)
			n=$(echo "$vals" | grep -c .)
			if [ "$n" = 0 ]; then row="$row | –"; eval "med_$v=0"; continue; fi
			med=$(echo "$vals" | awk -v n="$n" 'NR == int((n + 1) / 2) { m = $1 } NR == int(n / 2) + 1 { m = (m + $1) / 2 } END { printf "%.2f", m }')
			row="$row | $med s ($(echo "$vals" | head -1)–$(echo "$vals" | tail -1), n=$n)"
			eval "med_$v=$med"
		done
		row="$row | $(awk -v a="$med_ours" -v b="$med_baseline" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "–" }')"
		row="$row | $(awk -v a="$med_ours" -v b="$med_rawbusy" 'BEGIN { if (b > 0 && a > 0) printf "%.2f", a / b; else printf "–" }') |"
		echo "$row"
		echo "$s $med_ours $med_baseline $med_raw $med_rawbusy" >> "$OUT/medians.dat"
	done
} > "$OUT/table.md"
cat "$OUT/table.md"
echo "goals: /init total ours/baseline <= 0.5; stage3 ours vs raw: see the stage3 row (raw has no file and no hash; raw busy: the same with the second vCPU spinning)"

# --- docs/benchmarks.md between the markers, and the PNG ---
doc=$ROOT/docs/benchmarks.md
if grep -q '<!-- boot-race -->' "$doc"; then
	{
		sed '/<!-- boot-race -->/q' "$doc"
		echo "Run of $(date -u +%Y-%m-%d), $ROUNDS rounds, ${IMAGE_MB} MiB squashfs, QEMU ${QEMU_ACCEL}${QEMU_CPU:+ -cpu $QEMU_CPU} -smp $QEMU_SMP -m $MEM, virtio-net, user networking, host load average at the end $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (median (min–max), seconds):"
		echo
		cat "$OUT/table.md"
		echo
		echo '![boot race](boot-race.png)'
		sed -n '/<!-- \/boot-race -->/,$p' "$doc"
	} > "$OUT/benchmarks.md" && mv "$OUT/benchmarks.md" "$doc"
fi
if command -v gnuplot >/dev/null; then
	# one row per variant, one column per stage (medians), for a stacked bar each
	awk '$1 !~ /^(total|boot)$/ { n++; s[n] = $1; o[n] = $2; b[n] = $3; r[n] = $4; rb[n] = $5 }
	     END { printf "variant"; for (i = 1; i <= n; i++) printf " %s", s[i]; print ""
		   printf "ours"; for (i = 1; i <= n; i++) printf " %s", o[i]; print ""
		   printf "baseline"; for (i = 1; i <= n; i++) printf " %s", b[i]; print ""
		   printf "raw"; for (i = 1; i <= n; i++) printf " %s", r[i]; print ""
		   printf "raw-busy"; for (i = 1; i <= n; i++) printf " %s", rb[i]; print "" }' "$OUT/medians.dat" > "$OUT/stages.dat"
	gnuplot <<GP
set terminal pngcairo size 800,420
set output '$ROOT/docs/boot-race.png'
set title 'Boot race: /init stages, median of $ROUNDS boots (${IMAGE_MB} MiB image)'
set ylabel 'seconds'
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set key outside right autotitle columnheader
plot for [i=2:7] '$OUT/stages.dat' using i:xtic(1)
GP
else
	echo "boot_race: gnuplot missing (scripts/install-deps.sh installs gnuplot-nox): no PNG"
fi
