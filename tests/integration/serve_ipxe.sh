#!/bin/bash
# netboot serve's answers to iPXE and UEFI HTTP boot clients (server/ipxe.c)
# over a real segment: a bridge in a private namespace (192.0.2.0/24, no
# route out), the PXE client of dhcp_pxe_client in another.
#   1 default: iPXE (77/175) -> the URL of boot.ipxe; HTTPClient -> option 60
#     HTTPClient and snponly.efi's URL in the file field and option 67;
#     plain PXE -> pxelinux.0 / syslinux.efi as before; boot.ipxe over HTTP
#   2 --ipxe: PXE BIOS -> undionly.kpxe, UEFI -> snponly.efi; both served
#     (TFTP and HTTP) byte for byte as Debian ships them
#   3 --no-ipxe: iPXE gets pxelinux.0, and boot.ipxe is not served
#   4 proxy-DHCP: an HTTPClient is answered (not ignored as a non-PXE client)
# Needs root; prints PASS/FAIL/SKIP.
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
PXE=build/integration/dhcp_pxe_client
T=serve_ipxe
[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
for x in curl ip busybox; do command -v $x >/dev/null || { echo "SKIP: $T: $x missing"; exit 0; }; done
[ -f /usr/lib/ipxe/undionly.kpxe ] || { echo "SKIP: $T: Debian's ipxe package missing (scripts/install-deps.sh)"; exit 0; }
make -s -j2 "$NB" "$PXE" >/dev/null || { echo "FAIL: $T: build"; exit 1; }
. tests/integration/netns_lib.sh
S=nbix-s-$tag C=nbix-c-$tag
mkdir -p "$tmp/boot"
echo kernel > "$tmp/boot/vmlinuz"; echo initrd > "$tmp/boot/initram.igz"; echo image > "$tmp/boot/sysrcd.dat"
newns "$S" && ip -n "$S" link add br0 type bridge && ip -n "$S" addr add 192.0.2.1/24 dev br0 &&
	ip -n "$S" link set br0 up && newns "$C" && veth "$C" eth0 "$S" p1 &&
	ip -n "$C" link set eth0 address 02:00:00:00:01:01 && ip -n "$C" link set eth0 up &&
	ip -n "$S" link set p1 master br0 && ip -n "$S" link set p1 up || { fail setup "namespaces"; exit 1; }

SRV=
start_server() {	# start_server LOG args...
	local log=$1; shift
	ip netns exec "$S" "$NB" serve --boot-dir "$tmp/boot" --interface br0 --local-ip 192.0.2.1 "$@" > "$log" 2>&1 &
	SRV=$!; PIDS+=("$SRV")
	wait_log "$log" 'netboot-serve: ready' "$SRV" || { fail "server start" "$(tail -3 "$log")"; return 1; }
}
stop_server() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null; SRV=; }
FULL=(--dhcp-range 192.0.2.100 192.0.2.150 --netmask 255.255.255.0 --leases "$tmp/leases")
ask() { ip netns exec "$C" "$PXE" discover eth0 "$1" 1 "$2"; }	# ask ARCH KIND
expect() {	# expect NAME ARCH KIND PATTERN
	local out; out=$(ask "$2" "$3")
	[[ $out == $4 ]] && pass "$1" || fail "$1" "got '$out'"
}
get() { ip netns exec "$C" curl -s --max-time 5 "$@"; }
ip -n "$C" addr add 192.0.2.99/24 dev eth0	# for curl; the DHCP client sends from 0.0.0.0 all the same

# --- 1 default ---
start_server "$tmp/s1.log" "${FULL[@]}"
expect "iPXE BIOS: the script's URL, option 60 PXEClient" 0 ipxe \
	"*type=OFFER from=192.0.2.1 yiaddr=192.0.2.1* file=http://192.0.2.1/boot.ipxe sid=192.0.2.1 opt60=PXEClient *opt67=http://192.0.2.1/boot.ipxe"
expect "iPXE UEFI: the same script" 7 ipxe "* file=http://192.0.2.1/boot.ipxe *"
expect "HTTPClient x64: option 60 HTTPClient, iPXE's URL in file and option 67, no PXE option 43" 16 http \
	"* file=http://192.0.2.1/snponly.efi sid=192.0.2.1 opt60=HTTPClient opt43=- opt97=00112233445566778899aabbccddeeff42 opt67=http://192.0.2.1/snponly.efi"
expect "plain PXE BIOS: pxelinux.0 as before" 0 pxe "* file=pxelinux.0 *opt60=PXEClient opt43=060108ff *"
expect "plain PXE UEFI: syslinux.efi as before" 7 pxe "* file=syslinux.efi *"
script=$(get http://192.0.2.1/boot.ipxe)
[[ $script == "#!ipxe"*":netboot-http"*"kernel vmlinuz initrd=initram.igz netboot=http://192.0.2.1/sysrcd.dat BOOTIF=01-\${netX/mac:hexhyp} || goto failed"*"initrd initram.igz"* ]] &&
	pass "boot.ipxe over HTTP: the menu's append line, BOOTIF" || fail "boot.ipxe" "got '$script'"
check "log: the offer names the script and why" grep -q "02:00:00:00:01:01 dhcp: offer 192.0.2.1[0-9]* to BIOS PXEClient.*boot file http://192.0.2.1/boot.ipxe (iPXE script)" "$tmp/s1.log"
check "log: the HTTPClient's offer" grep -q "dhcp: offer 192.0.2.1[0-9]* to UEFI x64 HTTP HTTPClient.*boot file http://192.0.2.1/snponly.efi (UEFI HTTP boot of iPXE)" "$tmp/s1.log"
stop_server

# --- 2 --ipxe ---
start_server "$tmp/s2.log" "${FULL[@]}" --ipxe
expect "--ipxe, PXE BIOS: undionly.kpxe" 0 pxe "* file=undionly.kpxe *opt60=PXEClient opt43=060108ff *"
expect "--ipxe, PXE UEFI: snponly.efi" 7 pxe "* file=snponly.efi *"
expect "--ipxe, the chained iPXE: the script" 0 ipxe "* file=http://192.0.2.1/boot.ipxe *"
get -o "$tmp/und.http" http://192.0.2.1/undionly.kpxe
check "undionly.kpxe over HTTP: Debian's file" cmp -s "$tmp/und.http" /usr/lib/ipxe/undionly.kpxe
(cd "$tmp" && ip netns exec "$C" busybox tftp -g -r snponly.efi -l "$tmp/snp.tftp" 192.0.2.1)
check "snponly.efi over TFTP: Debian's file" cmp -s "$tmp/snp.tftp" /usr/lib/ipxe/snponly.efi
stop_server

# --- 3 --no-ipxe ---
start_server "$tmp/s3.log" "${FULL[@]}" --no-ipxe
expect "--no-ipxe: iPXE gets pxelinux.0" 0 ipxe "* file=pxelinux.0 *"
code=$(get -o /dev/null -w '%{http_code}' http://192.0.2.1/boot.ipxe)
[ "$code" = 404 ] && pass "--no-ipxe: no boot.ipxe (404)" || fail "--no-ipxe boot.ipxe" "HTTP $code"
stop_server

# --- 4 proxy-DHCP ---
start_server "$tmp/s4.log" --proxy-dhcp
expect "proxy: HTTPClient answered, no address, iPXE's URL" 16 http \
	"*type=OFFER from=192.0.2.1 yiaddr=0.0.0.0 * file=http://192.0.2.1/snponly.efi sid=192.0.2.1 opt60=HTTPClient *"
expect "proxy: iPXE gets the script" 0 ipxe "*yiaddr=0.0.0.0 * file=http://192.0.2.1/boot.ipxe *"
stop_server
[ "$FAILED" = 0 ]
