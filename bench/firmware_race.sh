#!/bin/bash
# The firmware race (issue 17): power-on to /init's first console line, the
# same kernel, initramfs and test root served by `netboot serve` in a
# private namespace (tap, 192.0.2.0/24), one boot each:
#   BIOS  (SeaBIOS + QEMU's iPXE ROM, e1000)
#         pxelinux   --no-ipxe: pxelinux.0, kernel and initramfs over TFTP
#         ipxe       default: the ROM is iPXE, boot.ipxe, both over HTTP
#   UEFI  (Debian's OVMF_CODE_4M, its own virtio-net driver)
#         pxelinux   OVMF PXE -> syslinux.efi, kernel and initramfs over TFTP
#         ipxe       --ipxe: OVMF PXE -> snponly.efi (TFTP) -> boot.ipxe over HTTP
#         http       UEFI HTTP Boot -> snponly.efi over HTTP -> boot.ipxe
# "init" = QEMU start to the first "netboot:" line; "root" = to the test
# root's marker.  Ratios: each iPXE/HTTP path over pxelinux on the same
# firmware (goal <= 0.5).  TCG; run alone (other QEMU runs skew it).
# Run by `BENCH_ONLY=firmware make bench`; prints a table (build/firmware-race/table.md).
set -u
. "$(dirname "$0")/../tests/qemu/lib.sh"
. "$ROOT/tests/qemu/serve_lib.sh"
need_artifacts
[ "$(id -u)" -eq 0 ] || { echo "firmware_race: needs root (network namespace, tap device)"; exit 1; }
OUT=$B/firmware-race
mkdir -p "$OUT"
MARK='NETBOOT-TEST-ROOT-OK'
lab_up || { echo "firmware_race: cannot create the network namespace"; exit 1; }
boot=$TMP/boot
boot_dir "$boot"
SERVE=(--dhcp-range 192.0.2.100 192.0.2.150 --netmask 255.255.255.0 --local-ip 192.0.2.1 --boot-dir "$boot"
	--extra 'console=ttyS0,115200 panic=-1')

# run_one NAME bios|uefi pxe|http SERVE-FLAGS...: one boot; the times to /init's first line and
# to the marker, polled every 50 ms from QEMU's start, appended to runs.txt
run_one() {
	local name=$1 fw=$2 how=$3 log=$OUT/$1.log slog=$OUT/$1.serve.log t_init= t_root= n=0
	shift 3
	rm -f "$TMP/leases"
	: > "$slog"
	serve_start "$slog" "${SERVE[@]}" --leases "$TMP/leases" "$@" || return 1
	if [ "$fw" = bios ]; then qemu_tap_boot "$log" bios "52:54:00:f1:00:0$((++N))"
	else qemu_ovmf_boot "$log" "52:54:00:f1:00:0$((++N))" "$how"; fi
	while [ $n -lt 3000 ] && kill -0 "$QEMU_PID" 2>/dev/null; do	# 150 s
		local now; now=$(date +%s%N)
		if [ -z "$t_init" ] && tr -d '\r' < "$log" | grep -aq '^netboot: '; then
			t_init=$(awk -v a="$QEMU_T0" -v b="$now" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
		fi
		if grep -aq "$MARK" "$log"; then
			t_root=$(awk -v a="$QEMU_T0" -v b="$now" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'); break
		fi
		sleep 0.05; n=$((n + 1))
	done
	kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null
	serve_stop
	if [ -z "$t_root" ]; then echo "firmware_race: $name did not reach the test root (log: $log)"; tail -5 "$slog"; return 1; fi
	# what went over which protocol, from the server's log
	local tftp http ra
	tftp=$(grep -oE 'tftp: sent [^ ]+' "$slog" | awk '{print $3}' | sed 's|^/||' | sort -u | paste -sd,)
	http=$(grep -oE 'http: GET /[^ ]+ 200' "$slog" | awk '{print $3}' | sed 's|^/||' | grep -v sysrcd | sort -u | paste -sd,)
	ra=$(grep -c ' ra: router solicitation answered' "$slog")
	echo "$name $t_init $t_root ${tftp:--} ${http:--} $ra" | tee -a "$OUT/runs.txt"
}

: > "$OUT/runs.txt"; N=0
run_one bios-pxelinux bios pxe --no-ipxe
run_one bios-ipxe bios pxe
run_one uefi-pxelinux uefi pxe --no-ipxe
run_one uefi-ipxe uefi pxe --ipxe
run_one uefi-http uefi http

val() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$OUT/runs.txt"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "–" }'; }
{
	echo "| firmware | path | over TFTP | over HTTP | empty RAs sent | to /init | to the test root | /init vs pxelinux |"
	echo "|---|---|---|---|---|---|---|---|"
	for n in bios-pxelinux bios-ipxe uefi-pxelinux uefi-ipxe uefi-http; do
		base=${n%%-*}-pxelinux
		awk -v n="$n" -v r="$(ratio "$(val "$n" 2)" "$(val "$base" 2)")" '$1 == n {
			split(n, p, "-"); printf "| %s | %s | %s | %s | %s | %s s | %s s | %s |\n", p[1], p[2], $4, $5, $6, $2, $3, r }' "$OUT/runs.txt"
	done
} > "$OUT/table.md"
cat "$OUT/table.md"
echo "goal: iPXE/HTTP to /init <= 0.5 x pxelinux/TFTP on the same firmware"
