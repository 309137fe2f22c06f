#!/bin/bash
# iPXE and UEFI HTTP boot from `netboot serve` (server/ipxe.c), two boots on
# a tap device in a private namespace (192.0.2.0/24, no route out):
#   1. BIOS: QEMU's own NIC ROM is iPXE: its DHCP gets the URL of boot.ipxe,
#      the script loads the kernel and initramfs over our HTTP (no TFTP at
#      all), with BOOTIF from ${netX/mac}
#      and iPXE's IPv6 router solicitation answered by the empty RA
#   2. UEFI HTTP Boot (Debian's OVMF, HttpBootDxe): option 60 HTTPClient,
#      iPXE (snponly.efi) by URL, which DHCPs as iPXE and runs boot.ipxe
# Both must reach the test root; the server's log says what went over HTTP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: ipxe: needs root (network namespace, tap device)"; exit 0; }
for f in /usr/lib/ipxe/snponly.efi /usr/share/OVMF/OVMF_CODE_4M.fd; do
	[ -f "$f" ] || { echo "SKIP: ipxe: $f missing (scripts/install-deps.sh: ipxe, ovmf)"; exit 0; }
done
lab_up || { fail "ipxe: lab" "cannot create the network namespace"; exit 1; }
boot=$TMP/boot
boot_dir "$boot"
SERVE=(--dhcp-range 192.0.2.100 192.0.2.150 --netmask 255.255.255.0 --local-ip 192.0.2.1 --boot-dir "$boot"
	--leases "$TMP/leases" --extra 'console=ttyS0,115200 panic=-1')

# http_served NAME SLOG FILE...: each FILE went whole over our HTTP (200)
http_served() {
	local name=$1 slog=$2 f; shift 2
	for f in "$@"; do
		grep -qE "http: GET /$f 200 [0-9]+ bytes" "$slog" || { fail "$name" "no 'GET /$f 200' in the server log"; return; }
	done
	pass "$name"
}

# 1. BIOS, QEMU's iPXE ROM -> boot.ipxe
slog=$TMP/serve-bios.log log=$TMP/bios.log mac=52:54:00:1f:00:01
if serve_start "$slog" "${SERVE[@]}"; then
	qemu_tap_boot "$log" bios "$mac"
	if qemu_wait "$log" "$MARK|FAILED at"; then
		echo "INFO: ipxe: BIOS (QEMU's iPXE ROM, boot.ipxe) reached the test root in ${QEMU_SECONDS}s"
		check_log "ipxe/bios: boots the image" "$log" "$MARK" "FAILED at"
		check_log "ipxe/bios: the ROM, an iPXE, got the script's URL" "$slog" \
			"$mac dhcp: offer 192\.0\.2\.100 .*boot file http://192\.0\.2\.1/boot\.ipxe \(iPXE script\)"
		http_served "ipxe/bios: script, kernel and initramfs over our HTTP" "$slog" boot.ipxe vmlinuz initram.igz
		check_log "ipxe/bios: nothing over TFTP" "$slog" "http: GET /boot\.ipxe" "tftp: "
		check_log "ipxe/bios: iPXE's IPv6 router solicitation answered (server/ra.c)" "$slog" \
			"$mac ra: router solicitation answered"
		check_log "ipxe/bios: BOOTIF from \${netX/mac} on the kernel's command line" "$log" \
			"Command line: .* BOOTIF=01-52-54-00-1f-00-01\b"
		check_log "ipxe/bios: the agent's lease" "$log" "handover en[a-z0-9]+\.conf: IPV4ADDR=192\.0\.2\.100"
	else
		fail "ipxe/bios" "no marker within ${BOOT_TIMEOUT}s"; tail -20 "$slog"
	fi
	serve_stop
fi

# 2. UEFI HTTP Boot -> snponly.efi -> boot.ipxe
slog=$TMP/serve-uefi.log log=$TMP/uefi.log mac=52:54:00:1f:00:02
if serve_start "$slog" "${SERVE[@]}"; then
	qemu_ovmf_boot "$log" "$mac" http
	if qemu_wait "$log" "$MARK|FAILED at"; then
		echo "INFO: ipxe: UEFI HTTP boot (OVMF -> snponly.efi -> boot.ipxe) reached the test root in ${QEMU_SECONDS}s"
		check_log "ipxe/uefi-http: boots the image" "$log" "$MARK" "FAILED at"
		check_log "ipxe/uefi-http: OVMF booted by HTTP" "$log" "Start HTTP Boot over IPv4"
		check_log "ipxe/uefi-http: HTTPClient got iPXE's URL" "$slog" \
			"$mac dhcp: offer 192\.0\.2\.101 to UEFI x64 HTTP .*boot file http://192\.0\.2\.1/snponly\.efi \(UEFI HTTP boot of iPXE\)"
		check_log "ipxe/uefi-http: then iPXE got the script's URL" "$slog" \
			"$mac dhcp: offer 192\.0\.2\.101 .*boot file http://192\.0\.2\.1/boot\.ipxe \(iPXE script\)"
		http_served "ipxe/uefi-http: iPXE, script, kernel and initramfs over our HTTP" "$slog" \
			snponly.efi boot.ipxe vmlinuz initram.igz
		check_log "ipxe/uefi-http: nothing over TFTP" "$slog" "http: GET /boot\.ipxe" "tftp: "
	else
		fail "ipxe/uefi-http" "no marker within ${BOOT_TIMEOUT}s"; tail -20 "$slog"
	fi
	serve_stop
fi
