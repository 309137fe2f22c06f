#!/bin/bash
# TFTP: our client (netboot/tftp_client.c through tests/integration/tftpc.c,
# and `netboot fetch tftp://` when built) against the clients users would use
# instead, busybox tftp and tftp-hpa's tftp, on the same file in tmpfs.
# Three paths:
#   loopback   MTU 65536, so 64 KiB blocks travel unfragmented; RTT ~20 us
#   veth       a veth pair between two private network namespaces, MTU 1500
#              as on Ethernet (largest unfragmented block 1468); RTT ~30 us
#   delayed    loopback through bench/udp_delay.c holding each packet
#              DELAY_US each way: a LAN-like round trip on a machine without
#              netem, where a lock-step client waits one RTT per block
# Servers: atftpd (windowsize, RFC 7440) and tftpd-hpa (no windowsize).
#   SIZE_MB (default 256)  RUNS (default 3, best run counts)
#   DELAY_US (default 100)  DELAY_MB (default 32: lock-step clients crawl there)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}
TFTPC=$ROOT/build/integration/tftpc
ATFTPD=$ROOT/build/peers/atftpd/usr/sbin/atftpd
NB=$ROOT/build/netboot
[ -x "$ROOT/build/netboot-static" ] && NB=$ROOT/build/netboot-static

# ---- inside the client namespace of the veth path: $2 = state folder ----
if [ "${1:-}" = --veth-inner ]; then
	TMP=$2
	IN_NS=1
else
	TMP=$(mktemp -d /dev/shm/netboot-tftp-bench.XXXXXX)
	IN_NS=
fi
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -n "$IN_NS" ] || rm -rf "$TMP"
}
trap cleanup EXIT

wait_udp_port() {	# port [nsenter prefix...]
	local port=$1; shift
	for _ in $(seq 50); do "$@" ss -Huln "sport = :$port" | grep -q . && return 0; sleep 0.1; done
	return 1
}
# best of RUNS: wall-clock microseconds of a command that must leave $TMP/out
# equal to the served file (cmp, outside the timing)
best() {
	local b=0 t0 t1 t
	for _ in $(seq "$RUNS"); do
		rm -f "$TMP/out"
		t0=$(date +%s%N)
		bash -c "$1" > "$TMP/last" 2>&1 || { echo "bench: failed: $1: $(tail -1 "$TMP/last")" >&2; echo 0; return; }
		t1=$(date +%s%N)
		cmp -s "$TMP/out" "$TMP/root/$FILE" || { echo "bench: wrong bytes from: $1" >&2; echo 0; return; }
		t=$(( (t1 - t0) / 1000 ))
		{ [ "$b" -eq 0 ] || [ "$t" -lt "$b" ]; } && b=$t
	done
	echo "$b"
}
rate() { awk -v us="$1" -v mb="$MB" 'BEGIN { printf "%.1f", us ? mb / (us / 1e6) : 0 }'; }
row() { printf '  %-18s %-44s %-10s %8s MiB/s\n' "$1" "$2" "$3" "$(rate "$4")"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a && b) printf "%.1fx", b / a; else printf "n/a" }'; }

# one path: $1 label, $2 server address, $3 command prefix that runs a
# server in its namespace (empty on loopback)
run_path() {
	local label=$1 addr=$2 pre=$3 at hpa ours_at ours_hpa bb bbb bbf hp nbf b t bt
	at=$((20000 + RANDOM % 10000)) hpa=$((30000 + RANDOM % 10000))
	if [ -x "$ATFTPD" ]; then
		$pre "$ATFTPD" --daemon --no-fork --port $at --bind-address "$addr" --user root --group root \
			--logfile /dev/null "$TMP/root" & PIDS+=($!)
		wait_udp_port $at $pre || echo "bench: atftpd did not start" >&2
	fi
	$pre /usr/sbin/in.tftpd -L -a "$addr:$hpa" -s "$TMP/root" & PIDS+=($!)
	wait_udp_port $hpa $pre || echo "bench: tftpd-hpa did not start" >&2

	echo "$label:"
	ours_at=0
	if [ -x "$ATFTPD" ]; then
		ours_at=$(best "'$TFTPC' -o '$TMP/out' $addr $at image")
		row "atftpd" "ours: tftpc (path-MTU blksize, window 64)" "$(grep -Eo 'blksize=[0-9]+' "$TMP/last")" "$ours_at"
		grep -o 'maxrss_kb=[0-9]*' "$TMP/last" > "$TMP/rss-ours"
		if [ -x "$NB" ]; then
			nbf=$(best "'$NB' fetch --quiet --nocheck tftp://$addr:$at/image -o '$TMP/out'")
			row "atftpd" "ours: netboot fetch --nocheck (sink+progress)" "" "$nbf"
		fi
	fi
	ours_hpa=$(best "'$TFTPC' -o '$TMP/out' $addr $hpa image")
	row "tftpd-hpa" "ours: tftpc (no windowsize: lock-step)" "$(grep -Eo 'blksize=[0-9]+' "$TMP/last")" "$ours_hpa"
	# busybox at its best block size on this path: one quick probe each, then best of RUNS
	bb=0 bbb=512
	for b in 512 1468 8192 65464; do
		t=$(RUNS=1 best "busybox tftp -g -b $b -r image -l '$TMP/out' $addr $hpa")
		{ [ "$t" -gt 0 ] && { [ "$bb" -eq 0 ] || [ "$t" -lt "$bb" ]; }; } && bb=$t bbb=$b
	done
	bb=$(best "busybox tftp -g -b $bbb -r image -l '$TMP/out' $addr $hpa")
	row "tftpd-hpa" "busybox tftp -b $bbb (its best here)" "$bbb" "$bb"
	bbf=$bb
	if [ -n "$pre" ] && [ "$bbb" -gt 1468 ]; then
		bbf=$(best "busybox tftp -g -b 1468 -r image -l '$TMP/out' $addr $hpa")
		row "tftpd-hpa" "busybox tftp -b 1468 (largest unfragmented)" "1468" "$bbf"
	fi
	hp=$(best "tftp $addr $hpa -m binary -c get image '$TMP/out'")
	row "tftpd-hpa" "tftp-hpa tftp (no blksize option)" "512" "$hp"
	bt=$ours_at; [ "$bt" -eq 0 ] && bt=$ours_hpa
	echo "  ours/busybox (busybox at its best blksize, $bbb): $(ratio "$bt" "$bb")  (goal >= 5x)"
	[ "$bbf" != "$bb" ] && echo "  ours/busybox at the largest unfragmented blksize (1468): $(ratio "$bt" "$bbf")"
	echo "  ours/tftp-hpa: $(ratio "$bt" "$hp")   ours with atftpd / ours with tftpd-hpa: $(ratio "$ours_at" "$ours_hpa")"
	if [ -s "$TMP/rss-ours" ] && [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$TMP/rss-bb" busybox tftp -g -b "$bbb" -r image -l "$TMP/out" "$addr" "$hpa" 2>/dev/null
		echo "  peak RSS: ours $(cut -d= -f2 "$TMP/rss-ours") KiB (getrusage), busybox tftp $(tail -1 "$TMP/rss-bb") KiB"
	fi
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	PIDS=()
}

if [ -n "$IN_NS" ]; then
	# we are the client namespace; the servers get one of their own
	ip link set lo up
	unshare -n sleep 3600 & srvns=$!
	PIDS+=($srvns)
	sleep 0.2
	ip link add nbc0 type veth peer name nbs0 && ip link set nbs0 netns $srvns || { echo "bench: no veth" >&2; exit 0; }
	S="nsenter -t $srvns -n"
	ip addr add 198.18.0.1/24 dev nbc0 && ip link set nbc0 up	# RFC 2544 benchmark range, inside our namespaces only
	$S ip link set lo up && $S ip addr add 198.18.0.2/24 dev nbs0 && $S ip link set nbs0 up
	for _ in $(seq 30); do ping -c1 -W1 198.18.0.2 >/dev/null 2>&1 && break; sleep 0.1; done
	run_path "veth pair between two namespaces, MTU $(cat /sys/class/net/nbc0/mtu)" 198.18.0.2 "$S"
	exit 0
fi

[ -x /usr/sbin/in.tftpd ] || { echo "bench: tftpd-hpa not installed"; exit 0; }
mkdir -p "$(dirname "$TFTPC")"
${CC:-gcc} -std=c11 -D_GNU_SOURCE -I. -Wall -Wextra -Werror -O2 -o "$TFTPC" tests/integration/tftpc.c \
	netboot/tftp_client.c netboot/tftp_wire.c netboot/errbuf.c || exit 1
if [ ! -x "$ATFTPD" ]; then	# the integration test fetches and caches it
	mkdir -p "$ROOT/build/peers/deb"
	( cd "$ROOT/build/peers/deb" && apt-get download atftpd >/dev/null 2>&1 )
	deb=$(ls "$ROOT"/build/peers/deb/atftpd_*.deb 2>/dev/null | tail -1)
	[ -n "$deb" ] && dpkg -x "$deb" "$ROOT/build/peers/atftpd"
	[ -x "$ATFTPD" ] || echo "bench: atftpd unavailable: windowed rows skipped" >&2
fi
mkdir -p "$TMP/root"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$TMP/root/image"
chmod 755 "$TMP" "$TMP/root"; chmod 644 "$TMP/root/image"

echo "TFTP, ${SIZE_MB} MiB from tmpfs into tmpfs, best of $RUNS runs ($(nproc) CPUs)"
printf '  %-18s %-44s %-10s %14s\n' server client blksize rate
run_path "loopback 127.0.0.1, MTU $(cat /sys/class/net/lo/mtu)" 127.0.0.1 ""
if unshare -n true 2>/dev/null && command -v nsenter >/dev/null; then
	unshare -n "$0" --veth-inner "$TMP"
else
	echo "veth path skipped: no network namespaces here"
fi
exit 0
