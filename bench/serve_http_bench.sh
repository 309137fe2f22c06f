#!/bin/bash
# `netboot serve`'s HTTP service against nginx (sendfile on, one worker, as
# our server is one thread) serving the same file from the same folder on
# 127.0.0.1: one client (curl -o /dev/null, best of RUNS) and CLIENTS at
# once (aggregate MB/s: total bytes / wall time, best of RUNS).  Prints
# "http-server: 1 client: ours X MB/s, nginx Y MB/s, ratio Z".  SIZE_MB
# (default 256), RUNS (3), CLIENTS (50).  Not part of make check.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-50}
TMP_NAME=netboot-serve-bench TMP_IN=/dev/shm . "$ROOT/tests/lib.sh"

[ -x "$NB" ] || { echo "bench: $NB not built"; exit 1; }
command -v nginx >/dev/null || { echo "bench: nginx not installed (nginx-light)"; exit 1; }
boot=$TMP/boot; mkdir -p "$boot"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$boot/sysrcd.dat"
echo k > "$boot/vmlinuz"; echo i > "$boot/initram.igz"
(cd "$boot" && md5sum sysrcd.dat > sysrcd.md5 && sha256sum sysrcd.dat > sysrcd.sha256)

ours_port=$(free_port)
"$NB" serve --boot-dir "$boot" --no-dhcp --no-tftp --http-port "$ours_port" > "$TMP/ours.log" 2>&1 & PIDS+=($!)
ng_port=$(free_port)
NGINX_CONNECTIONS=1024 nginx_conf "$TMP" "access_log off; sendfile on; tcp_nopush on; server { listen 127.0.0.1:$ng_port; root $boot; }"
start_nginx "$TMP"
wait_port "$ours_port" || { echo "bench: netboot serve did not start"; cat "$TMP/ours.log"; exit 1; }
wait_port "$ng_port" || { echo "bench: nginx did not start"; cat "$TMP/nginx.stderr" "$TMP/nginx.err"; exit 1; }

# microseconds for n parallel curl downloads of the file; 0 if one failed
run_clients() {
	local url=$1 n=$2 kids=() t0 t1 ok=1
	t0=$(date +%s%N)
	for _ in $(seq "$n"); do curl -sf -o /dev/null "$url" & kids+=($!); done
	for k in "${kids[@]}"; do wait "$k" || ok=0; done
	t1=$(date +%s%N)
	[ $ok = 1 ] && echo $(( (t1 - t0) / 1000 )) || echo 0
}
best() {
	local b=0 t
	for _ in $(seq "$RUNS"); do
		t=$(run_clients "$1" "$2")
		[ "$t" = 0 ] && { echo "bench: a download from $1 failed" >&2; echo 0; return; }
		{ [ "$b" = 0 ] || [ "$t" -lt "$b" ]; } && b=$t
	done
	echo "$b"
}
# MB/s (10^6 bytes) for n files in us microseconds
rate() { awk -v us="$1" -v n="$2" -v mb="$SIZE_MB" 'BEGIN { printf "%.0f", us ? n * mb * 1048576 / us : 0 }'; }

for n in 1 "$CLIENTS"; do
	o=$(rate "$(best "http://127.0.0.1:$ours_port/sysrcd.dat" "$n")" "$n")
	g=$(rate "$(best "http://127.0.0.1:$ng_port/sysrcd.dat" "$n")" "$n")
	label="$n client"; [ "$n" != 1 ] && label="$n clients"
	awk -v l="$label" -v o="$o" -v g="$g" 'BEGIN {
		printf "http-server: %s: ours %d MB/s, nginx %d MB/s, ratio %.2f (goal >= 0.95)\n", l, o, g, g ? o / g : 0 }'
done
