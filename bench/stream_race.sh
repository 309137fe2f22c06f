#!/bin/bash
# Stream mode against copy mode and the busybox way (issue 16): the same
# kernel, modules and guest, the test root plus incompressible filler as a
# 256 MiB and a 1 GiB squashfs with their dm-verity sidecars, from nginx on
# the host's loopback, booted alternately, ROUNDS (3) rounds, medians:
#   baseline     bench/baseline-init.sh (udhcpc, wget, md5sum, losetup,
#                mount, switch_root), 256 MiB
#   copy         ours, netboot=http:// (download into RAM, checksum), 256 MiB
#   stream       ours, netboot=http:// stream, 256 MiB
#   stream-1g    ours, netboot=http:// stream, 1 GiB
# Figures: /init's total to switch_root (the baseline's from its own marks),
# stage 3, the time until the server is no longer needed (copy: stage 3;
# stream: its stage 3 plus the supervisor's fill, an upper bound since the
# fill starts within stage 3), /init's peak RSS and the supervisor's.
# BENCH_ONLY=stream make bench.  TCG, -smp 2.
set -u
. "$(dirname "$0")/../tests/qemu/lib.sh"
need_artifacts
ROUNDS=${ROUNDS:-3}
export QEMU_SMP=${QEMU_SMP:-2}
OUT=$B/stream-race
mkdir -p "$OUT"
sed "s|^file /init .*|file /init $ROOT/bench/baseline-init.sh 0755 0 0|" "$ROOT/initramfs-list" > "$TMP/baseline-list"
BUILD=$B "$B/mkcpio" "$TMP/baseline-list" "$B/modules.list" | gzip -9n > "$OUT/baseline.igz" ||
	{ echo "stream_race: packing the baseline initramfs failed"; exit 1; }
www=$TMP/www
unsquashfs -q -d "$TMP/root" "$B/testroot.sqfs" >/dev/null
for mb in 256 1024; do
	mkdir -p "$www/$mb"
	head -c $((mb * 1024 * 1024)) /dev/urandom > "$TMP/root/filler"
	mksquashfs "$TMP/root" "$www/$mb/sysrcd.dat" -all-root -noappend -comp gzip -quiet >/dev/null
	(cd "$www/$mb" && md5sum sysrcd.dat > sysrcd.md5) && "$B/netboot" verity "$www/$mb/sysrcd.dat" >/dev/null ||
		{ echo "stream_race: making the $mb MiB image failed"; exit 1; }
done
rm -f "$TMP/root/filler"
port=$(free_port)
nginx_conf "$TMP" "access_log off; sendfile on; server { listen 127.0.0.1:$port; root $www; }"
start_nginx "$TMP" "$port" || { echo "stream_race: nginx did not start"; exit 1; }
PIDS+=("$NGINX_PID")

# one boot: "variant round key value" rows into runs.tsv
race() {
	local v=$1 round=$2 log=$OUT/$1-$2.log url=http://10.0.2.2:$port/256/sysrcd.dat mem=1024 line
	case $v in
	baseline) QEMU_INITRD=$OUT/baseline.igz qemu_boot "$log" direct virtio-net-pci "netboot=$url race=baseline" "$mem";;
	copy) qemu_boot "$log" direct virtio-net-pci "netboot=$url" "$mem";;
	stream) qemu_boot "$log" direct virtio-net-pci "netboot=$url stream bench=stream" "$mem";;
	stream-1g) qemu_boot "$log" direct virtio-net-pci "netboot=${url/256/1024} stream bench=stream" 1536;;
	esac
	local until='NETBOOT-TEST-ROOT-OK'
	case $v in stream*) until='process [0-9]+ memory:';; esac	# the guest waits for the fill
	if ! qemu_wait "$log" "$until|FAILED at" || ! grep -qa 'NETBOOT-TEST-ROOT-OK' "$log"; then
		echo "stream_race: $v round $round did not boot (log: $log)" >&2; return 1
	fi
	if [ "$v" = baseline ]; then
		tr -d '\r' < "$log" | awk -v v="$v" -v r="$round" '$1 == "race:" && NF == 3 && $3 ~ /^[0-9.]+$/ { last = $3 }
			END { print v, r, "total", last }'
		return
	fi
	line=$(grep -a '^netboot: timeline:' "$log" | tr -d '\r' | tail -1)
	echo "$v $round total $(sed -n 's/.*total \([0-9.]*\) s.*/\1/p' <<<"$line")"
	echo "$v $round stage3 $(sed -n 's/.*stage3 \([0-9.]*\) s.*/\1/p' <<<"$line")"
	echo "$v $round rss_kib $(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' <<<"$line")"
	if [ "$v" = copy ]; then
		echo "$v $round unneeded $(sed -n 's/.*stage3 \([0-9.]*\) s.*/\1/p' <<<"$line")"
	else
		local fill
		fill=$(grep -a 'the whole image is in RAM after' "$log" | tr -d '\r' | head -1 | sed -n 's/.*after \([0-9.]*\) s.*/\1/p')
		echo "$v $round fill ${fill:-0}"
		echo "$v $round unneeded $(awk -v a="$(sed -n 's/.*stage3 \([0-9.]*\) s.*/\1/p' <<<"$line")" -v b="${fill:-0}" 'BEGIN { printf "%.2f", a + b }')"
		echo "$v $round sup_hwm_kib $(grep -a 'memory: VmHWM' "$log" | tr -d '\r' | head -1 | sed -n 's/.*VmHWM: *\([0-9]*\) kB.*/\1/p')"
		echo "$v $round sup_anon_kib $(grep -a 'memory: VmHWM' "$log" | tr -d '\r' | head -1 | sed -n 's/.*RssAnon: *\([0-9]*\) kB.*/\1/p')"
	fi
} 
: > "$OUT/runs.tsv"
for round in $(seq "$ROUNDS"); do
	for v in ${VARIANTS:-baseline copy stream stream-1g}; do race "$v" "$round" >> "$OUT/runs.tsv"; done
done
med() {	# med VARIANT KEY
	awk -v v="$1" -v k="$2" '$1 == v && $3 == k && $4 != "" { print $4 }' "$OUT/runs.tsv" | sort -g |
		awk '{ a[NR] = $1 } END { if (NR) printf "%.2f", (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2; else printf "0" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
b=$(med baseline total) c=$(med copy total) s=$(med stream total) g=$(med stream-1g total)
cu=$(med copy unneeded) su=$(med stream unneeded) gu=$(med stream-1g unneeded)
echo "Stream race, $ROUNDS rounds, TCG -smp $QEMU_SMP, nginx on loopback (median seconds):"
echo "| | baseline (busybox, 256 MiB) | copy (256 MiB) | stream (256 MiB) | stream (1 GiB) |"
echo "|---|---|---|---|---|"
echo "| /init to switch_root | $b | $c | $s | $g |"
echo "| ratio to the baseline | 1 | $(ratio "$c" "$b") | $(ratio "$s" "$b") | $(ratio "$g" "$b") |"
echo "| stage 3 | – | $(med copy stage3) | $(med stream stage3) | $(med stream-1g stage3) |"
echo "| server no longer needed after (stage 3 + fill) | – | $cu | $su | $gu |"
echo "| /init peak RSS KiB | – | $(med copy rss_kib) | $(med stream rss_kib) | $(med stream-1g rss_kib) |"
echo "| supervisor peak RSS KiB (with the copy's pages it mapped) | – | – | $(med stream sup_hwm_kib) | $(med stream-1g sup_hwm_kib) |"
echo "| supervisor's own memory at the end (RssAnon) KiB | – | – | $(med stream sup_anon_kib) | $(med stream-1g sup_anon_kib) |"
echo
echo "goals: stream/baseline <= 0.25: $(ratio "$s" "$b"); stream 1 GiB / 256 MiB <= 1.2: $(ratio "$g" "$s"); stream's 'no longer needed' / copy's stage 3 <= 1.1: $(ratio "$su" "$cu")"
