#!/bin/bash
# TFTP: our client (netboot/tftp_client.c through tests/integration/tftpc.c,
# and `netboot fetch tftp://` when built) against the clients users would use
# instead, busybox tftp and tftp-hpa's tftp, on the same file in tmpfs.
# Three paths:
#   loopback   MTU 65536, so 64 KiB blocks travel unfragmented; RTT ~20 us
#   veth       a veth pair between two private network namespaces, MTU 1500
#              as on Ethernet (largest unfragmented block 1468); RTT ~30 us
#   delayed    loopback through udp_delay (tests/integration/udp_delay.c,
#              also run by faults_delay_tftp.sh), which holds each packet
#              DELAY_US each way: a LAN-like round trip on a machine without
#              netem.  A lock-step client waits one round trip per block.
# Servers: atftpd (windowsize, RFC 7440) and tftpd-hpa (no windowsize).
# Servers run on CPU 0 and clients on CPU 1, as on two machines: left to the
# scheduler, a lock-step client sometimes shares the server's CPU and its
# rate jumps tenfold between runs (here 20 vs 200 MiB/s at blksize 1468).
#   SIZE_MB (default 256)  RUNS (default 3, the best run counts)  PIN=0: no pinning
#   DELAY_US (default 100)  DELAY_MB (default 32: lock-step clients crawl there)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}
DELAY_US=${DELAY_US:-100}
DELAY_MB=${DELAY_MB:-32}
TFTPC=$ROOT/build/integration/tftpc
DELAY=$ROOT/build/integration/udp_delay
ATFTPD=$ROOT/build/peers/atftpd/usr/sbin/atftpd
NB=$ROOT/build/netboot
[ -x "$ROOT/build/netboot-static" ] && NB=$ROOT/build/netboot-static
SRV= CLI=
if [ "${PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	SRV="taskset -c 0" CLI="taskset -c 1"
fi

# --veth-inner DIR: the client side of the veth path, in the outer run's DIR
[ "${1:-}" = --veth-inner ] && TMP_GIVEN=$2
TMP_NAME=netboot-tftp-bench TMP_IN=/dev/shm . "$ROOT/tests/lib.sh"
IN_NS=${TMP_GIVEN:-}
stop_all() { stop "${PIDS[@]}"; PIDS=(); }

wait_udp_port_in() {	# port [command prefix for the namespace]
	local port=$1; shift
	for _ in $(seq 50); do "$@" ss -Huln "sport = :$port" | grep -q . && return 0; sleep 0.1; done
	return 1
}
# best of RUNS: wall-clock microseconds of a command that must leave $TMP/out
# equal to $TMP/root/$FILE (compared outside the timing); 0 on failure
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
row() { printf '  %-10s %-50s %-8s %9s MiB/s\n' "$1" "$2" "$3" "$(rate "$4")"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a && b) printf "%.1fx", b / a; else printf "n/a" }'; }
stat() { grep -Eo "$1=[0-9]+" "$TMP/last" | cut -d= -f2; }

# Starts atftpd (if unpacked) and tftpd-hpa on $1 with prefix $2; sets AT, HPA.
start_servers() {
	local addr=$1 pre=$2
	AT=$((20000 + RANDOM % 10000)) HPA=$((30000 + RANDOM % 10000))
	if [ -x "$ATFTPD" ]; then
		$pre $SRV "$ATFTPD" --daemon --no-fork --port $AT --bind-address "$addr" --user root --group root \
			--logfile /dev/null "$TMP/root" & PIDS+=($!)
		wait_udp_port_in $AT $pre || { echo "bench: atftpd did not start" >&2; AT=; }
	else
		AT=
	fi
	$pre $SRV /usr/sbin/in.tftpd -L -a "$addr:$HPA" -s "$TMP/root" & PIDS+=($!)
	wait_udp_port_in $HPA $pre || echo "bench: tftpd-hpa did not start" >&2
}

# measure LABEL ADDR ATFTPD_PORT HPA_PORT BUSYBOX_SIZES WITH_TFTP_HPA
measure() {
	local label=$1 addr=$2 at=$3 hpa=$4 sizes=$5 with_hp=$6 ours=0 ours_hpa bb=0 bbb=512 b t bb1468=0 hp nbf
	echo "$label:"
	if [ -n "$at" ]; then
		ours=$(best "$CLI '$TFTPC' -o '$TMP/out' $addr $at $FILE")
		row atftpd "ours: tftpc (path-MTU blksize, window $(stat window))" "$(stat blksize)" "$ours"
		echo "$(stat maxrss_kb)" > "$TMP/rss-ours"
		if [ -x "$NB" ]; then
			nbf=$(best "$CLI '$NB' fetch --quiet --nocheck tftp://$addr:$at/$FILE -o '$TMP/out'")
			row atftpd "ours: netboot fetch --nocheck (sink, progress)" "" "$nbf"
		fi
	fi
	ours_hpa=$(best "$CLI '$TFTPC' -o '$TMP/out' $addr $hpa $FILE")
	row tftpd-hpa "ours: tftpc (the server has no windowsize)" "$(stat blksize)" "$ours_hpa"
	[ "$ours" -eq 0 ] && ours=$ours_hpa
	# busybox at its best block size here: one probe each, then best of RUNS
	for b in $sizes; do
		t=$(RUNS=1 best "$CLI busybox tftp -g -b $b -r $FILE -l '$TMP/out' $addr $hpa")
		[ "$b" = 1468 ] && bb1468=$t
		{ [ "$t" -gt 0 ] && { [ "$bb" -eq 0 ] || [ "$t" -lt "$bb" ]; }; } && bb=$t bbb=$b
	done
	bb=$(best "$CLI busybox tftp -g -b $bbb -r $FILE -l '$TMP/out' $addr $hpa")
	row tftpd-hpa "busybox tftp -b $bbb (its best of: $sizes)" "$bbb" "$bb"
	if [ "$bbb" != 1468 ] && [ "$bb1468" -gt 0 ]; then
		bb1468=$(best "$CLI busybox tftp -g -b 1468 -r $FILE -l '$TMP/out' $addr $hpa")
		row tftpd-hpa "busybox tftp -b 1468 (largest block for Ethernet)" 1468 "$bb1468"
	fi
	if [ "$with_hp" = 1 ]; then
		hp=$(RUNS=1 best "$CLI tftp $addr $hpa -m binary -c get $FILE '$TMP/out'")
		row tftpd-hpa "tftp-hpa tftp (512 only: no blksize option; 1 run)" 512 "$hp"
	fi
	echo "  => ours/busybox: $(ratio "$ours" "$bb") vs busybox at its best blksize ($bbb)$( [ "$bbb" != 1468 ] && [ "$bb1468" -gt 0 ] && echo ", $(ratio "$ours" "$bb1468") vs busybox -b 1468")$( [ "$with_hp" = 1 ] && echo ", $(ratio "$ours" "$hp") vs tftp-hpa")"
}

veth_path() {
	ip link set lo up
	unshare -n sleep 3600 & local srvns=$!
	PIDS+=($srvns)
	sleep 0.2
	ip link add nbc0 type veth peer name nbs0 && ip link set nbs0 netns $srvns || { echo "bench: no veth pair" >&2; return; }
	local S="nsenter -t $srvns -n"
	# 198.18.0.0/15: the RFC 2544 benchmarking range, only inside our namespaces
	ip addr add 198.18.0.1/24 dev nbc0 && ip link set nbc0 up
	$S ip link set lo up && $S ip addr add 198.18.0.2/24 dev nbs0 && $S ip link set nbs0 up
	for _ in $(seq 30); do ping -c1 -W1 198.18.0.2 >/dev/null 2>&1 && break; sleep 0.1; done
	start_servers 198.18.0.2 "$S"
	measure "veth pair between two namespaces, $(ip -o link show dev nbc0 | grep -o 'mtu [0-9]*'), ${MB} MiB" \
		198.18.0.2 "$AT" "$HPA" "1468 8192 65464" 1
}
if [ -n "$IN_NS" ]; then
	FILE=image MB=$SIZE_MB
	veth_path
	exit 0
fi

[ -x /usr/sbin/in.tftpd ] || { echo "bench: tftpd-hpa not installed"; exit 0; }
make -s -C "$ROOT" build/integration/tftpc build/integration/udp_delay || exit 1
if [ ! -x "$ATFTPD" ]; then	# tests/integration/tftp_servers.sh fetches it too
	mkdir -p "$ROOT/build/peers/deb"
	( cd "$ROOT/build/peers/deb" && apt-get download atftpd >/dev/null 2>&1 )
	deb=$(ls "$ROOT"/build/peers/deb/atftpd_*.deb 2>/dev/null | tail -1)
	[ -n "$deb" ] && dpkg -x "$deb" "$ROOT/build/peers/atftpd"
	[ -x "$ATFTPD" ] || echo "bench: atftpd unavailable: no windowed rows" >&2
fi
mkdir -p "$TMP/root"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$TMP/root/image"
head -c $((DELAY_MB * 1024 * 1024)) "$TMP/root/image" > "$TMP/root/small"
chmod 755 "$TMP" "$TMP/root"; chmod 644 "$TMP/root/"*

echo "TFTP from tmpfs into tmpfs, best of $RUNS runs, $(nproc) CPUs${SRV:+, servers on CPU 0, clients on CPU 1}"
printf '  %-10s %-50s %-8s %15s\n' server client blksize rate
FILE=image MB=$SIZE_MB
start_servers 127.0.0.1 ""
measure "loopback 127.0.0.1, mtu $(cat /sys/class/net/lo/mtu), ${MB} MiB" 127.0.0.1 "$AT" "$HPA" "1468 8192 65464" 1
[ -s "$TMP/rss-ours" ] && [ -x /usr/bin/time ] &&
	/usr/bin/time -f '%M' -o "$TMP/rss-bb" busybox tftp -g -b 65464 -r image -l "$TMP/out" 127.0.0.1 "$HPA" 2>/dev/null &&
	echo "  peak RSS: ours $(cat "$TMP/rss-ours") KiB (getrusage, glibc), busybox tftp $(tail -1 "$TMP/rss-bb") KiB"

# delayed: relays in front of the same loopback servers
FILE=small MB=$DELAY_MB
dat=$((40000 + RANDOM % 5000)) dhpa=$((45000 + RANDOM % 5000))
[ -n "$AT" ] && { "$DELAY" $dat "$AT" "$DELAY_US" > /dev/null & PIDS+=($!); }	# stdout: its counts on exit
"$DELAY" $dhpa "$HPA" "$DELAY_US" > /dev/null & PIDS+=($!)
sleep 0.2
measure "loopback through udp_delay, ${DELAY_US} us each way (a LAN-like RTT), ${MB} MiB" 127.0.0.1 \
	"${AT:+$dat}" "$dhpa" "1468 65464" 0
stop_all

if unshare -n true 2>/dev/null && command -v nsenter >/dev/null; then
	unshare -n "$0" --veth-inner "$TMP"
else
	echo "veth path skipped: no network namespaces here"
fi
exit 0
