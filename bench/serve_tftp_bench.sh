#!/bin/bash
# The TFTP server of `netboot serve` (server/tftp.c) against the servers an
# administrator would use instead, tftpd-hpa and dnsmasq, with the same
# clients and block size on the same file in tmpfs.  dnsmasq's TFTP has no
# port option, so everything runs inside a private network namespace
# (unshare -n) on its own loopback, where port 69 is free.  Servers on CPU 0,
# clients on CPU 1 (as on two machines; see tftp_bench.sh).
#   SIZE_MB (default 64)  RUNS (default 3, the best run counts)  PIN=0: no pinning
# Prints "tftp-server (CLIENT): ours X MB/s, OTHER Y MB/s, ratio Z" lines
# (MB = 10^6 bytes; ratio = ours / theirs).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
SIZE_MB=${SIZE_MB:-64}
RUNS=${RUNS:-3}
NB=$ROOT/build/netboot
SRV= CLI=
if [ "${PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	SRV="taskset -c 0" CLI="taskset -c 1"
fi

if [ "${1:-}" != --inner ]; then
	[ -x /usr/sbin/in.tftpd ] || { echo "serve_tftp_bench: tftpd-hpa not installed"; exit 0; }
	make -s -C "$ROOT" build/netboot || exit 1
	unshare -n true 2>/dev/null || { echo "serve_tftp_bench: no network namespaces (unshare -n): skipped"; exit 0; }
	TMP_NAME=netboot-serve-tftp-bench TMP_IN=/dev/shm . "$ROOT/tests/lib.sh"
	mkdir -p "$TMP/root"
	head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$TMP/root/sysrcd.dat"
	head -c 4096 /dev/urandom > "$TMP/root/vmlinuz"
	head -c 4096 /dev/urandom > "$TMP/root/initram.igz"
	chmod 755 "$TMP" "$TMP/root"; chmod 644 "$TMP/root/"*
	unshare -n "$0" --inner "$TMP"
	exit 0
fi

# ---- inside the namespace ----
TMP_GIVEN=$2	# the outer run's folder, left to it
. "$ROOT/tests/lib.sh"
FILE=sysrcd.dat
ip link set lo up || { echo "serve_tftp_bench: cannot bring lo up"; exit 0; }
# tftpd-hpa resolves its -a address with AI_ADDRCONFIG, which fails when the
# only IPv4 address is loopback: give the namespace a veth pair of its own
ip link add nbb0 type veth peer name nbb1 && ip addr add 198.51.100.1/24 dev nbb0 &&
	ip link set nbb0 up && ip link set nbb1 up

OURS=6969 HPA=7070 DNSMASQ=69
$SRV "$NB" serve --boot-dir "$TMP/root" --no-dhcp --no-http --stage3 tftp --tftp-port $OURS > "$TMP/ours.log" 2>&1 &
PIDS+=($!)
$SRV /usr/sbin/in.tftpd -L -a 127.0.0.1:$HPA -s "$TMP/root" & PIDS+=($!)
if command -v dnsmasq > /dev/null; then
	$SRV dnsmasq --keep-in-foreground --port=0 --enable-tftp --tftp-root="$TMP/root" --interface=lo \
		--bind-interfaces --user=root --quiet-tftp --log-facility="$TMP/dnsmasq.log" \
		--pid-file="$TMP/dnsmasq.pid" & PIDS+=($!)
	wait_udp_port $DNSMASQ 100 || { echo "serve_tftp_bench: dnsmasq did not start" >&2; DNSMASQ=; }
else
	DNSMASQ=
fi
wait_udp_port $OURS 100 || { echo "serve_tftp_bench: netboot serve did not start: $(tail -2 "$TMP/ours.log")"; exit 1; }
wait_udp_port $HPA 100 || { echo "serve_tftp_bench: tftpd-hpa did not start"; exit 1; }

# best of RUNS: MB/s of a client command (PORT substituted) that must leave
# $TMP/out equal to the served file; 0 on failure
best() {
	local cmd=$1 b=0 t0 t1 t
	for _ in $(seq "$RUNS"); do
		rm -f "$TMP/out"
		t0=$(date +%s%N)
		bash -c "$CLI $cmd" > "$TMP/last" 2>&1 || { echo "serve_tftp_bench: failed: $cmd: $(tail -1 "$TMP/last")" >&2; echo 0; return; }
		t1=$(date +%s%N)
		cmp -s "$TMP/out" "$TMP/root/$FILE" || { echo "serve_tftp_bench: wrong bytes from: $cmd" >&2; echo 0; return; }
		t=$(( (t1 - t0) / 1000 ))
		{ [ "$b" -eq 0 ] || [ "$t" -lt "$b" ]; } && b=$t
	done
	awk -v us="$b" -v bytes=$(stat -c %s "$TMP/root/$FILE") 'BEGIN { printf "%.1f", us ? bytes / us : 0 }'
}
line() {	# client label, ours, other name, other rate
	awk -v c="$1" -v o="$2" -v n="$3" -v t="$4" 'BEGIN {
		printf "tftp-server (%s): ours %s MB/s, %s %s MB/s, ratio %s\n", c, o, n, t, (t > 0 ? sprintf("%.2f", o / t) : "n/a") }'
}
client() {	# label, command with PORT for the server's port
	local label=$1 cmd=$2 ours hpa dm
	ours=$(best "${cmd//PORT/$OURS}")
	hpa=$(best "${cmd//PORT/$HPA}")
	line "$label" "$ours" tftpd-hpa "$hpa"
	if [ -n "$DNSMASQ" ]; then
		dm=$(best "${cmd//PORT/$DNSMASQ}")
		line "$label" "$ours" dnsmasq "$dm"
	fi
}

echo "TFTP servers, ${SIZE_MB} MiB from tmpfs into tmpfs on a namespace's loopback, best of $RUNS${SRV:+, servers on CPU 0, clients on CPU 1}"
client "busybox tftp -b 1468" "busybox tftp -b 1468 -g -r $FILE -l '$TMP/out' 127.0.0.1 PORT"
client "curl --tftp-blksize 1468" "curl -sf --tftp-blksize 1468 -o '$TMP/out' tftp://127.0.0.1:PORT/$FILE"
# windowsize (RFC 7440): only ours grants it; the others run the same
# request lock-step, which is what a client gets from them
client "atftp blksize 1468 windowsize 16" \
	"atftp --option 'blksize 1468' --option 'windowsize 16' -g -r $FILE -l '$TMP/out' 127.0.0.1 PORT"
grep -q "window 16" "$TMP/ours.log" || echo "serve_tftp_bench: ours did not run windowsize 16" >&2
grep -E "sent $FILE" "$TMP/ours.log" | tail -1 | sed 's/^/  last log line: /'
exit 0
