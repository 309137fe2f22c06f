#!/bin/bash
# make bench: our stage-3 download against the tools users would use instead
# (and serve's TFTP server against tftpd-hpa and dnsmasq),
# same machine, same file, loopback servers, one run.  Prints a table of
# MB/s and ratios; docs/benchmarks.md quotes it.  SIZE_MB (default 256).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NB=$ROOT/build/netboot-static   # linked like /init
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}
# BENCH_ONLY=realroot: only the real-root race (bench/realroot_race.sh, QEMU, minutes)
[ "${BENCH_ONLY:-}" = realroot ] && exec "$ROOT/bench/realroot_race.sh"
[ "${BENCH_ONLY:-}" = verity ] && exec "$ROOT/bench/verity_bench.sh"
# BENCH_ONLY=stream: stream mode against copy mode and the busybox way (QEMU, ~6 min)
[ "${BENCH_ONLY:-}" = stream ] && exec "$ROOT/bench/stream_race.sh"
# BENCH_ONLY=ipv6: IPv4 against IPv6, time to address (veth clients, then QEMU, ~3 min, root)
[ "${BENCH_ONLY:-}" = ipv6 ] && exec "$ROOT/bench/ipv6_race.sh"
# BENCH_ONLY=verityboot: stage 3 over NFS and NBD with and without dm-verity (QEMU, ~3 min)
[ "${BENCH_ONLY:-}" = verityboot ] && exec "$ROOT/bench/verity_boot.sh"
# BENCH_ONLY=firmware: only the firmware race (bench/firmware_race.sh: pxelinux/TFTP
# against iPXE/HTTP and UEFI HTTP boot, QEMU, ~4 min, root)
[ "${BENCH_ONLY:-}" = firmware ] && exec "$ROOT/bench/firmware_race.sh"
TMP_NAME=netboot-bench TMP_IN=/dev/shm . "$ROOT/tests/lib.sh"

mkdir -p "$TMP/www" "$TMP/out"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$TMP/www/sysrcd.dat"
# both files, as netboot serve writes them: the client picks the cheaper one
(cd "$TMP/www" && md5sum sysrcd.dat > sysrcd.md5 && sha256sum sysrcd.dat > sysrcd.sha256)
port=$(free_port)
nginx_conf "$TMP" <<CONF
       access_log off; sendfile on;
       server { listen 127.0.0.1:$port; root $TMP/www;
                location /gbe/ { alias $TMP/www/; limit_rate 118m; }      # a 1 Gbit/s link's payload rate
                location /tengbe/ { alias $TMP/www/; limit_rate 1180m; } } # 10 Gbit/s
CONF
start_nginx "$TMP" "$port" || { echo "bench: nginx did not start"; exit 1; }
url=http://127.0.0.1:$port/sysrcd.dat

# best of RUNS wall-clock seconds for a shell command
best() {
	local b=999999999999 t0 t1 t
	for _ in $(seq "$RUNS"); do
		rm -f "$TMP/out/"*
		t0=$(date +%s%N); bash -c "$1" >/dev/null 2>&1 || { echo "bench: failed: $1" >&2; echo 0; return; }
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000 ))
		[ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}
rate() { awk -v us="$1" -v mb="$SIZE_MB" 'BEGIN { printf "%.0f", us ? mb / (us / 1e6) : 0 }'; }

HB=$ROOT/build/integration/hash_bench
if [ -x "$HB" ]; then
	echo "Digests on this CPU, MiB/s (build/integration/hash_bench, gcc -O2, best of 3 over $SIZE_MB MiB):"
	"$HB" "$SIZE_MB" | awk '{ printf "  %-16s %6s MiB/s\n", $1, $2 }'
	grep -qw sha_ni /proc/cpuinfo && echo "  (this CPU has SHA-NI: netboot verifies with a sha256 file when there is one)"
fi

echo "HTTP, ${SIZE_MB} MiB from nginx on 127.0.0.1 into tmpfs (best of $RUNS):"
# --portable-hash: as on a CPU without SHA-NI, which verifies with sysrcd.md5
ours=$(best "'$NB' fetch --quiet --portable-hash '$url' -o '$TMP/out/f'")
ours_sha=$(best "'$NB' fetch --quiet '$url' -o '$TMP/out/f'")
curl_sha=$(best "curl -sf -o '$TMP/out/f' '$url' && sha256sum '$TMP/out/f'")
curl_file=$(best "curl -sf -o '$TMP/out/f' '$url'")
curl_md5=$(best "curl -sf -o '$TMP/out/f' '$url' && md5sum '$TMP/out/f'")
wget_md5=$(best "busybox wget -q -O '$TMP/out/f' '$url' && md5sum '$TMP/out/f'")
raw=$(best "curl -sf -o /dev/null '$url'")
printf '  %-44s %6s MiB/s\n' "netboot fetch (download + md5 verify)" "$(rate "$ours")" \
	"netboot fetch (download + sha256 verify)" "$(rate "$ours_sha")" \
	"curl -o f && md5sum f" "$(rate "$curl_md5")" "curl -o f && sha256sum f" "$(rate "$curl_sha")" \
	"busybox wget && md5sum f" "$(rate "$wget_md5")" \
	"curl -o f (tmpfs, no hash)" "$(rate "$curl_file")" "curl -o /dev/null (raw rate ceiling)" "$(rate "$raw")"
awk -v o="$ours" -v c="$curl_md5" -v w="$wget_md5" -v r="$raw" 'BEGIN {
	printf "  ratios: ours/raw %.2f (goal >= 0.95), ours vs curl+md5sum %.2fx (goal >= 1.5), vs wget+md5sum %.2fx\n", r / o, c / o, w / o }'
awk -v o="$ours_sha" -v c="$curl_sha" -v f="$curl_file" -v r="$raw" 'BEGIN {
	printf "  sha256: ours/raw %.2f (goal >= 0.95), ours/(curl -o tmpfs file) %.2f, ours vs curl+sha256sum %.2fx\n", r / o, f / o, c / o }'
gbe=http://127.0.0.1:$port/gbe/sysrcd.dat
ours_g=$(best "'$NB' fetch --quiet --portable-hash '$gbe' -o '$TMP/out/f'")
ours_gs=$(best "'$NB' fetch --quiet '$gbe' -o '$TMP/out/f'")
raw_g=$(best "curl -sf -o /dev/null '$gbe'")
curl_g=$(best "curl -sf -o '$TMP/out/f' '$gbe' && md5sum '$TMP/out/f'")
echo "HTTP over a link shaped to 1 Gbit/s (nginx limit_rate 118m):"
printf '  %-44s %6s MiB/s\n' "netboot fetch (download + md5 verify)" "$(rate "$ours_g")" \
	"netboot fetch (download + sha256 verify)" "$(rate "$ours_gs")" \
	"curl -o f && md5sum f" "$(rate "$curl_g")" "curl -o /dev/null (raw rate ceiling)" "$(rate "$raw_g")"
awk -v o="$ours_g" -v s="$ours_gs" -v c="$curl_g" -v r="$raw_g" 'BEGIN {
	printf "  ratios: ours/raw md5 %.2f, sha256 %.2f (goal >= 0.95), ours vs curl+md5sum %.2fx\n", r / o, r / s, c / o }'
teng=http://127.0.0.1:$port/tengbe/sysrcd.dat
ours_t=$(best "'$NB' fetch --quiet '$teng' -o '$TMP/out/f'")
ours_tm=$(best "'$NB' fetch --quiet --portable-hash '$teng' -o '$TMP/out/f'")
raw_t=$(best "curl -sf -o /dev/null '$teng'")
echo "HTTP over a link shaped to 10 Gbit/s (nginx limit_rate 1180m):"
printf '  %-44s %6s MiB/s\n' "netboot fetch (download + sha256 verify)" "$(rate "$ours_t")" \
	"netboot fetch (download + md5 verify)" "$(rate "$ours_tm")" "curl -o /dev/null (raw rate ceiling)" "$(rate "$raw_t")"
awk -v s="$ours_t" -v m="$ours_tm" -v r="$raw_t" 'BEGIN { printf "  ratios: ours/raw sha256 %.2f (goal >= 0.95), md5 %.2f\n", r / s, r / m }'
# where the time goes (fetch/sink.h), one run with the sha256 file
echo "  time split of one unshaped sha256 fetch: $("$NB" fetch --quiet "$url" -o "$TMP/out/f" | grep -E '^(seconds|wait_network|wait_hash|write_file|hash_seconds)=' | tr '\n' ' ')"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$TMP/rss" "$NB" fetch --quiet "$url" -o "$TMP/out/f" >/dev/null 2>&1
	echo "  peak RSS of netboot fetch: $(cat "$TMP/rss") KiB (goal <= 2048; the tmpfs file is page cache, not RSS)"
fi
rm -f "$TMP/out/"*
[ -x "$ROOT/bench/tftp_bench.sh" ] && [ -z "${SKIP_TFTP:-}" ] && "$ROOT/bench/tftp_bench.sh"
# the server side: netboot serve's HTTP against nginx, TFTP against tftpd-hpa
# and dnsmasq, DHCP against dnsmasq and Kea
[ -x "$ROOT/bench/serve_http_bench.sh" ] && SIZE_MB=$SIZE_MB RUNS=$RUNS "$ROOT/bench/serve_http_bench.sh"
[ -x "$ROOT/bench/serve_tftp_bench.sh" ] && SIZE_MB=64 "$ROOT/bench/serve_tftp_bench.sh"
[ -x "$ROOT/bench/serve_dhcp_bench.sh" ] && "$ROOT/bench/serve_dhcp_bench.sh"
# the dm-verity tree (netboot verity, the server's sidecars) against one-core SHA-256
[ -x "$ROOT/bench/verity_bench.sh" ] && "$ROOT/bench/verity_bench.sh"
# hundreds of machines at once through the nginx cache recipe (docs/scale-out.md)
[ -x "$ROOT/bench/tls_bench.sh" ] && SIZE_MB=$SIZE_MB RUNS=$RUNS "$ROOT/bench/tls_bench.sh"
[ -x "$ROOT/bench/boot_storm.sh" ] && [ -z "${SKIP_STORM:-}" ] && "$ROOT/bench/boot_storm.sh"
# IPv4 against IPv6, time to address (~3 min; SKIP_IPV6=1 skips it)
[ -x "$ROOT/bench/ipv6_race.sh" ] && [ -z "${SKIP_IPV6:-}" ] && "$ROOT/bench/ipv6_race.sh"
# a Debian root booted by our initramfs and by Debian's live-boot initrd
# and by dracut's livenet (QEMU, ~20 min; SKIP_REALROOT=1 skips it)
[ -x "$ROOT/bench/realroot_race.sh" ] && [ -z "${SKIP_REALROOT:-}" ] && "$ROOT/bench/realroot_race.sh"
# the boot race runs QEMU for minutes: only when asked
[ "${BOOT_RACE:-0}" = 1 ] && "$ROOT/bench/boot_race.sh"
# the firmware race (QEMU, ~4 min): only when asked too
[ "${FIRMWARE_RACE:-0}" = 1 ] && "$ROOT/bench/firmware_race.sh"
exit 0
