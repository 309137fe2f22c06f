#!/bin/bash
# One boot through a bad link (issue 10): `netboot serve` in a private
# namespace (192.0.2.1/24, no route out), the machine on tap0 with
#   loss   nftables in the namespace drops 5 % of the packets each way
#          (input and output of the server's stack, numgen random)
#   delay  QEMU filter-buffer on the netdev, queue=all, interval 50 ms:
#          packets both ways are held up to 50 ms
# The kernel and initram.igz are loaded by QEMU (direct boot): the
# firmware's lock-step TFTP of 11 MB through 50 ms would take minutes and
# tests the ROM, not us.  Through the faults go the agent's DHCP (from our
# server) and stage 3 over HTTP with its md5 check: the boot must reach the
# test root, and the nft counters must show drops.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
BOOT_TIMEOUT=${BOOT_TIMEOUT:-240}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: faults: needs root (network namespace, tap device)"; exit 0; }
command -v nft >/dev/null || { echo "SKIP: faults: nft missing (Debian nftables)"; exit 0; }
lab_up || { fail "faults: lab" "cannot create the network namespace"; exit 1; }
boot=$TMP/boot
boot_dir "$boot"
(cd "$boot" && md5sum sysrcd.dat > sysrcd.md5)

ip netns exec "$LAB_NS" nft -f - <<'NFT' || { fail "faults: nft" "rules not loaded"; exit 1; }
table inet nbfaults {
	chain in  { type filter hook input priority 0; numgen random mod 100 < 5 counter drop; }
	chain out { type filter hook output priority 0; numgen random mod 100 < 5 counter drop; }
}
NFT

slog=$TMP/serve.log log=$TMP/faults.log mac=52:54:00:fa:00:01
if serve_start "$slog" --dhcp-range 192.0.2.100 192.0.2.150 --netmask 255.255.255.0 \
	--local-ip 192.0.2.1 --boot-dir "$boot" --leases "$TMP/leases"; then
	: > "$log"
	ip netns exec "$LAB_NS" qemu-system-x86_64 -accel "$QEMU_ACCEL" -m 512 -no-reboot -display none \
		-monitor none -nodefaults -serial "file:$log" \
		-kernel "$B/kernel/vmlinuz" -initrd "$B/initram.igz" \
		-append "console=ttyS0,115200 panic=-1 netboot=http://192.0.2.1/sysrcd.dat" \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-object filter-buffer,id=f0,netdev=n0,queue=all,interval=50000 \
		-device "virtio-net-pci,netdev=n0,mac=$mac" </dev/null >"$log.qemu" 2>&1 &
	QEMU_PID=$!
	PIDS+=($QEMU_PID)
	QEMU_T0=$(date +%s%N)
	if qemu_wait "$log" "$MARK|FAILED at"; then
		echo "INFO: faults: boot through 5 % loss each way and 50 ms buffering reached the test root in ${QEMU_SECONDS}s"
		check_log "faults: boots the image" "$log" "$MARK" "FAILED at"
		check_log "faults: DHCP lease from our server" "$log" "^netboot: .*DHCP lease 192\.0\.2\.1[0-5][0-9]/24 from 192\.0\.2\.1"
		check_log "faults: the image verified" "$log" "^netboot: .*md5 \(.*\) verified against http://192\.0\.2\.1/sysrcd\.md5"
	else
		fail "faults: boot" "no marker within ${BOOT_TIMEOUT}s"; tail -20 "$slog"
	fi
	counts=$(ip netns exec "$LAB_NS" nft list table inet nbfaults | grep -oE 'packets [0-9]+' | awk '{print $2}' | xargs)
	echo "INFO: faults: nft dropped (in out): $counts"
	read -r din dout <<<"$counts"
	if [ "${din:-0}" -gt 0 ] && [ "${dout:-0}" -gt 0 ]; then pass "faults: packets were dropped both ways ($din in, $dout out)"
	else fail "faults: loss" "counters in=$din out=$dout"; fi
	serve_stop
fi
exit 0
