#!/bin/bash
# `stream` (issue 16): an http(s) image served to the kernel by the
# supervisor while it fills a copy in RAM, every block checked by dm-verity.
# The test root gets a canary nothing reads at boot, a 32 MiB pad (so the
# fill takes a while) and an init that reads every file back twice: at once
# (during the fill) and after /run/netboot/stream says the copy is complete
# and the host has stopped the server.
#  1. HTTP, a byte of the canary flipped on the server after the tree was
#     made: the boot succeeds; the canary gives EIO, the kernel names its
#     block, every other file reads, before and after the server is gone.
#  2. HTTPS, the fill slowed by nginx's limit_rate; the server stopped for
#     OUTAGE s while the guest reads during the fill: the reads wait and
#     complete, no I/O error; after the fill, reads need no server.
#  3. A wrong root hash (checksum=verity:0...): refused before switch_root.
. "$(dirname "$0")/lib.sh"
need_artifacts
command -v nginx >/dev/null || { echo "FAIL: stream: nginx not installed (scripts/install-deps.sh)"; exit 1; }
OUTAGE=${OUTAGE:-10}
www=$TMP/www add=$TMP/add
mkdir -p "$www/good" "$www/flip" "$add"
head -c $((256 * 1024)) /dev/urandom > "$add/canary"
head -c $((32 << 20)) /dev/urandom > "$add/pad"
cat > "$add/stream-init" <<'INIT'
#!/bin/busybox sh
export PATH=/bin
readall() {
	echo 3 > /proc/sys/vm/drop_caches
	n=0 bad=0
	for f in $(busybox find / -xdev -type f); do
		if busybox cat "$f" > /dev/null 2>&1; then n=$((n + 1)); else bad=$((bad + 1)); echo "STREAM-READ-ERROR $1 $f"; fi
	done
	echo "STREAM-DONE phase=$1 files=$n errors=$bad"
}
echo "NETBOOT-STREAM-READY $(busybox tr '\n' ' ' < /run/netboot/stream)"
readall during
i=0
while ! busybox grep -q STREAM=complete /run/netboot/stream && [ $i -lt 240 ]; do busybox sleep 0.5; i=$((i + 1)); done
echo "NETBOOT-STREAM-COMPLETE $(busybox tr '\n' ' ' < /run/netboot/stream)"
busybox sleep 3	# the host stops the server now
readall after
busybox dmesg | busybox grep -E 'verity:|I/O error|SQUASHFS error' | busybox sed 's/^/dmesg: /'
busybox sed 's/^/nbd.log: /' /run/netboot/nbd.log
busybox sed 's/^/verity-errors: /' /run/netboot/verity-errors
busybox awk '{ print "mount: " $1 " " $2 " " $3 }' /proc/mounts
busybox ps | busybox grep '@netboot-nbd' | busybox sed 's/^/ps: /'
busybox poweroff -f
INIT
chmod 755 "$add/stream-init"
img=$www/good/sysrcd.dat
cp "$B/testroot.sqfs" "$img"
mksquashfs "$add/canary" "$add/pad" "$add/stream-init" "$img" -all-root -quiet >/dev/null
"$B/netboot" verity "$img" > "$TMP/root" 2>"$TMP/verity.err" || { echo "FAIL: netboot verity: $(cat "$TMP/verity.err")"; exit 1; }
cp "$img" "$www/good/sysrcd.verity" "$www/good/sysrcd.roothash" "$www/flip/"
canary_at=$(python3 -c "
import sys
img = open(sys.argv[1], 'rb').read(); c = open(sys.argv[2], 'rb').read(64)
print(img.find(c))" "$img" "$add/canary")
[ "$canary_at" -gt 0 ] || { echo "FAIL: stream: the canary's bytes are not in the image"; exit 1; }
flip=$((canary_at + 150000))
printf '\xff' | dd of="$www/flip/sysrcd.dat" bs=1 seek=$flip conv=notrunc status=none

C=$TMP/certs
bash "$ROOT/tests/integration/tls_certs.sh" "$C" || { echo "FAIL: stream: openssl could not make the certificates"; exit 1; }
port=$(free_port) tport=$(free_port)
nginx_conf "$TMP" <<CONF
access_log $TMP/access.log;
server { listen 127.0.0.1:$port; root $www; }
server { listen 127.0.0.1:$tport ssl; ssl_certificate $C/good.crt; ssl_certificate_key $C/good.key; root $www;
	limit_rate_after 2m; limit_rate 4m; }
CONF
start_nginx "$TMP" "$port" || { echo "FAIL: stream: nginx did not start"; exit 1; }
PIDS+=("$NGINX_PID")

# wait_log LOG REGEX SECONDS: 0 once REGEX shows, 1 if QEMU ended or time ran out
wait_log() {
	local deadline=$((SECONDS + $3))
	while [ $SECONDS -lt $deadline ]; do
		grep -qaE "$2" "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# --- 1. HTTP, flipped byte, the server stopped once the copy is complete ---
log=$TMP/flip.log
qemu_boot "$log" direct virtio-net-pci "netboot=http://10.0.2.2:$port/flip/sysrcd.dat stream init=/stream-init" 768
why=
if wait_log "$log" 'NETBOOT-STREAM-COMPLETE|FAILED at' "$BOOT_TIMEOUT" && grep -qa NETBOOT-STREAM-COMPLETE "$log"; then
	stop "$NGINX_PID"
else
	why+=" the copy was never complete;"
fi
qemu_wait "$log" 'ps: |FAILED at|Kernel panic' >/dev/null
sleep 1
block=$((flip / 4096))
for phase in during after; do
	grep -qa "^STREAM-DONE phase=$phase files=[0-9]* errors=1" "$log" ||
		why+=" $phase: $(grep -a "^STREAM-DONE phase=$phase" "$log" || echo 'no STREAM-DONE') (expected errors=1, the canary);"
	grep -qa "^STREAM-READ-ERROR $phase /canary" "$log" || why+=" $phase: the canary read fine;"
done
grep -qaE "verity: .*data block $block is corrupted" "$log" || why+=" the kernel did not name data block $block;"
grep -qaE "^netboot-nbd: nbd[0-9]+: dm-verity: image offset $((block * 4096)) \(data block $block of [0-9]+:[0-9]+\) does not match the hash tree" "$log" ||
	why+=" the supervisor did not name image offset $((block * 4096)) on the console;"
grep -qaE "^verity-errors: BLOCK=$block OFFSET=$((block * 4096)) LENGTH=4096" "$log" || why+=" no BLOCK=$block in /run/netboot/verity-errors;"
[ "$(grep -ac "^verity-errors: " "$log")" = 1 ] || why+=" $(grep -ac "^verity-errors: " "$log") lines in verity-errors, expected 1 (the block read twice is said once);"
grep -qaE "netboot: stage3: http://10.0.2.2:$port/flip/sysrcd.dat: streaming, [0-9]+ MiB on /dev/nbd[0-9]+ behind dm-verity, ready in [0-9.]+ s" "$log" ||
	why+=" no streaming line;"
grep -qaE 'nbd.log: .*the whole image is in RAM after [0-9.]+ s \([0-9.]+ MiB/s\): the server is no longer needed' "$log" ||
	why+=" no 'no longer needed' in nbd.log;"
grep -qa '^mount: /dev/dm-0 /run/initramfs/netboot/lower squashfs' "$log" || why+=" the squashfs is not on /dev/dm-0;"
grep -qa '^ps: .*@netboot-nbd' "$log" || why+=" no @netboot-nbd in the booted system;"
if [ -z "$why" ]; then
	echo "INFO: stream: $(grep -a 'streaming,' "$log" | tr -d '\r' | sed 's/^netboot: stage3: //')"
	echo "INFO: stream: $(grep -a 'no longer needed' "$log" | head -1 | tr -d '\r' | sed 's/^.*nbd[0-9]*: //')"
	echo "PASS: stream over HTTP: boots behind dm-verity while the copy fills; a byte flipped on the server: that file gives EIO (image offset $((block * 4096)) named on the console and in /run/netboot/verity-errors), every other file reads, also after the server is stopped"
else
	echo "FAIL: stream over HTTP:$why"; grep -a 'netboot\|STREAM' "$log" | tail -15
fi
start_nginx "$TMP" "$port" || { echo "FAIL: stream: nginx did not restart"; exit 1; }
PIDS+=("$NGINX_PID")

# --- 2. HTTPS, the server stopped during the fill ---
mkdir -p "$TMP/b"
ln -s "$B/init" "$TMP/b/init"
cp "$C/ca.crt" "$TMP/b/ca.pem"
(cd "$ROOT" && BUILD="$TMP/b" "$B/mkcpio" initramfs-list "$B/modules.list") | gzip -1n > "$TMP/b/initram.igz"
log=$TMP/outage.log
QEMU_INITRD=$TMP/b/initram.igz qemu_boot "$log" direct virtio-net-pci \
	"netboot=https://10.0.2.2:$tport/good/sysrcd.dat stream init=/stream-init" 768
why=
if wait_log "$log" 'NETBOOT-STREAM-READY|FAILED at' "$BOOT_TIMEOUT" && grep -qa NETBOOT-STREAM-READY "$log"; then
	stop "$NGINX_PID"
	sleep "$OUTAGE"
	start_nginx "$TMP" "$port" || why+=" nginx did not come back;"
	PIDS+=("$NGINX_PID")
	grep -qa 'NETBOOT-STREAM-READY STREAM=filling' "$log" || why+=" the copy was complete before the outage ($(grep -a NETBOOT-STREAM-READY "$log" | tr -d '\r'));"
else
	why+=" the test root did not start;"
fi
if wait_log "$log" 'NETBOOT-STREAM-COMPLETE|Kernel panic' "$BOOT_TIMEOUT" && grep -qa NETBOOT-STREAM-COMPLETE "$log"; then
	stop "$NGINX_PID"
else
	why+=" the copy was never complete;"
fi
qemu_wait "$log" 'ps: |Kernel panic' >/dev/null
sleep 1
for phase in during after; do
	grep -qa "^STREAM-DONE phase=$phase files=[1-9][0-9]* errors=0" "$log" ||
		why+=" $phase: $(grep -a "^STREAM-DONE phase=$phase" "$log" || echo 'no STREAM-DONE');"
done
grep -qaE 'I/O error|SQUASHFS error|Buffer I/O' "$log" && why+=" kernel: $(grep -aE 'I/O error|SQUASHFS error' "$log" | head -2 | tr -d '\r');"
grep -qaE 'nbd.log: .*answers again after [0-9.]+ s' "$log" || why+=" nbd.log has no 'answers again';"
if [ -z "$why" ]; then
	echo "INFO: stream-https: $(grep -a 'answers again' "$log" | head -2 | tr -d '\r' | sed 's/^.*nbd[0-9]*: //' | tr '\n' ' ')"
	echo "PASS: stream over HTTPS: server stopped ${OUTAGE} s during the fill: reads waited and completed, no I/O error; after the fill no server needed"
else
	echo "FAIL: stream over HTTPS:$why"; grep -a 'netboot\|STREAM' "$log" | tail -15
fi

# --- 3. a wrong root hash: refused before switch_root ---
start_nginx "$TMP" "$port" || { echo "FAIL: stream: nginx did not restart"; exit 1; }
PIDS+=("$NGINX_PID")
log=$TMP/wrong.log
qemu_boot "$log" direct virtio-net-pci \
	"netboot=http://10.0.2.2:$port/good/sysrcd.dat stream checksum=verity:$(printf '0%.0s' $(seq 64)) init=/stream-init"
qemu_wait "$log" 'FAILED at|NETBOOT-STREAM-READY' >/dev/null
if grep -qaE 'FAILED at stage3: .*root hash' "$log" && ! grep -qa NETBOOT-STREAM-READY "$log"; then
	echo "PASS: stream with a wrong root hash: refused before switch_root ($(grep -a 'FAILED at' "$log" | head -1 | tr -d '\r' | cut -c1-160))"
else
	echo "FAIL: stream with a wrong root hash:"; grep -a 'netboot\|STREAM\|FAILED' "$log" | tail -6
fi
