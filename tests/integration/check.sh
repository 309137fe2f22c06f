#!/bin/bash
# netboot check (tool/cmd_check.c) against working and broken PXE setups, in
# private network namespaces this test creates (192.0.2.0/24 on a bridge in
# the server namespace, no route out).  Every server is stopped by PID.
#   a  netboot serve: every step ok (exit 0), with --full too; NBD too
#   b  dnsmasq (DHCP + TFTP) + nginx, pxelinux.cfg/default by hand: exit 0;
#      first contact with dnsmasq's ping on: the offer after a resent DISCOVER
#   c  broken: no boot file (1), missing boot file (2), bad APPEND (4),
#      image 404 (5), wrong NBD export (5), checksum names nothing (6),
#      stale checksum with --full (7), two DHCP servers (1)
#   d  NFS through libnfs against nfs-ganesha: image found (0), export
#      without the image (5), folder not exported (5)
# Needs root; prints PASS/FAIL/SKIP.
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
T=check

[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
for x in dnsmasq nginx ip; do
	command -v $x >/dev/null || { echo "SKIP: $T: $x missing (scripts/install-deps.sh)"; exit 0; }
done
[ -e /usr/lib/PXELINUX/pxelinux.0 ] || { echo "SKIP: $T: pxelinux missing"; exit 0; }
make -s -j2 "$NB" >/dev/null || { echo "FAIL: $T: build"; exit 1; }

. tests/integration/netns_lib.sh
S=nbck-s-$tag C=nbck-c-$tag D=nbck-d-$tag

# the boot folder: our server's (it serves Debian's pxelinux.0 itself)
B=$tmp/boot W=$tmp/www
mkdir -p "$B" "$W/pxelinux.cfg"
echo kernel > "$B/vmlinuz"; echo initrd > "$B/initram.igz"
{ printf hsqs; head -c 300000 /dev/urandom; } > "$B/sysrcd.dat"
# dnsmasq's TFTP root and nginx's folder: set up by hand, as the seed's custom setup
cp /usr/lib/PXELINUX/pxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32 "$B/vmlinuz" "$B/initram.igz" "$B/sysrcd.dat" "$W/"
(cd "$W" && md5sum sysrcd.dat > sysrcd.md5)
cat > "$W/pxelinux.cfg/default" <<'CFG'
DEFAULT rescue
LABEL rescue
  KERNEL vmlinuz
  APPEND initrd=initram.igz netboot=http://192.0.2.1/sysrcd.dat dodhcp
CFG

newns "$S" && ip -n "$S" link add br0 type bridge && ip -n "$S" addr add 192.0.2.1/24 dev br0 &&
	ip -n "$S" link set br0 up || { fail setup "server namespace"; exit 1; }
join() {	# join NS N MAC: NS's eth0 on the bridge
	newns "$1" && veth "$1" eth0 "$S" "p$2" && ip -n "$1" link set eth0 address "$3" &&
		ip -n "$1" link set eth0 up && ip -n "$S" link set "p$2" master br0 && ip -n "$S" link set "p$2" up
}
join "$C" 1 02:00:00:00:0c:01 && ip -n "$C" addr add 192.0.2.9/24 dev eth0 || { fail setup "client namespace"; exit 1; }
# the check takes no lease: steps 2-7 talk from the address the NIC already has

SRV=
start_ours() {	# start_ours LOG args...: netboot serve on the bridge
	local log=$1; shift
	ip netns exec "$S" "$NB" serve --boot-dir "$B" --dhcp-range 192.0.2.100 192.0.2.150 --local-ip 192.0.2.1 --netmask 255.255.255.0 \
		--interface br0 --leases "$tmp/leases" "$@" > "$log" 2>&1 &
	SRV=$!; PIDS+=("$SRV")
	wait_server "$S" && for _ in $(seq 30); do grep -q ready "$log" && return 0; sleep 0.1; done
	return 1
}
run_check() {	# run_check ARGS...: the output in $out, the status in $rc
	out=$(ip netns exec "$C" "$NB" check --interface eth0 --timeout 2 "$@" 2>&1); rc=$?
}
expect() {	# expect NAME STATUS PATTERN: the status and a line matching PATTERN
	if [ "$rc" = "$2" ] && grep -qE -- "$3" <<<"$out"; then pass "$1 (exit $rc)"
	else fail "$1" "exit $rc, want $2 and /$3/; output: $(tr '\n' '|' <<<"$out")"; fi
}
custom_cfg() {	# custom_cfg APPEND: our server serves a hand-written default entry
	printf 'DEFAULT x\nLABEL x\n  KERNEL vmlinuz\n  INITRD initram.igz\n  APPEND %s\n' "$1" > "$B/pxelinux.cfg/default"
}

# --- a: our server, generated menu ---
mkdir -p "$B/pxelinux.cfg"; rmdir "$B/pxelinux.cfg"
start_ours "$tmp/s1.log" --nbd-port 10809 || fail "ours: start" "$(tail -3 "$tmp/s1.log")"
run_check
expect "ours: every step ok" 0 '^check: 6 checksum: ok: http://192\.0\.2\.1/sysrcd\.[a-z0-9.]*: (md5|sha256|sha512) [0-9a-f]+ for sysrcd\.dat$'
n=$(grep -c '^check: [1-6] [a-z0-9]*: ok: ' <<<"$out")
[ "$n" = 6 ] && grep -q '^check: 1 dhcp: ok: offer 192.0.2.1[0-5][0-9] from 192.0.2.1, next-server 192.0.2.1, boot file pxelinux.0$' <<<"$out" &&
	grep -q '^check: 3 config: ok: pxelinux.cfg/default: LABEL netboot-http' <<<"$out" &&
	pass "ours: steps 1-6 ok, the offer and the menu named" || fail "ours: step lines" "$(tr '\n' '|' <<<"$out")"
run_check --full --arch uefi
expect "ours: --full, UEFI: image downloaded and verified" 0 '^check: 7 image: ok: 300004 bytes in .* verified '
grep -q 'boot file syslinux.efi' <<<"$out" && pass "ours: UEFI gets syslinux.efi" || fail "ours: UEFI" "$(head -3 <<<"$out")"
# signed: netboot serve hands out sysrcd.dat.minisig from the boot folder like any file
if command -v minisign >/dev/null; then
	minisign -G -p "$tmp/a.pub" -s "$tmp/a.key" -W >/dev/null && minisign -G -p "$tmp/b.pub" -s "$tmp/b.key" -W >/dev/null &&
		minisign -S -s "$tmp/a.key" -m "$B/sysrcd.dat" -t "check test" >/dev/null
	run_check --full --pubkey "$tmp/a.pub"
	expect "ours: --pubkey --full: signed image verified, step 8 ok" 0 \
		'^check: 8 signature: ok: http://192\.0\.2\.1/sysrcd\.dat\.minisig: key [0-9A-F]+, trusted comment: check test$'
	grep -q '^check: 7 image: ok: 300004 bytes .*signature good' <<<"$out" && pass "ours: --full verifies the signature" ||
		fail "ours: --full verifies the signature" "$(tr '\n' '|' <<<"$out")"
	run_check --pubkey "$tmp/b.pub"
	expect "ours: --pubkey of another key: step 8 fails" 8 '^check: 8 signature: FAILED: .*signed by key [0-9A-F]+, which is not a key built into'
	rm -f "$B/sysrcd.dat.minisig"
	run_check --pubkey "$tmp/a.pub"
	expect "ours: --pubkey, no signature: step 8 fails naming the fix" 8 '^check: 8 signature: FAILED: .*sysrcd.dat.minisig: not found.*minisign -S'
else
	echo "SKIP: $T: signed cases: minisign missing (scripts/install-deps.sh)"
fi
stop "$SRV"

# --- c: broken setups against our server ---
mkdir -p "$B/pxelinux.cfg"
custom_cfg "netboot=nbd://192.0.2.1:10809/sysrcd.dat"
start_ours "$tmp/s2.log" --nbd-port 10809 || fail "ours: restart" "$(tail -3 "$tmp/s2.log")"
run_check
expect "NBD: handshake, squashfs export" 0 "^check: 5 stage3: ok: nbd://192.0.2.1(:10809)?/sysrcd.dat: export 'sysrcd.dat', 300004 bytes, squashfs"
stop "$SRV"
cfg_case() {	# cfg_case NAME APPEND STATUS PATTERN [check args]
	local name=$1 app=$2 st=$3 pat=$4; shift 4
	custom_cfg "$app"
	start_ours "$tmp/s-$st.log" --nbd-port 10809 || fail "$name: start" "$(tail -3 "$tmp/s-$st.log")"
	run_check "$@"; expect "$name" "$st" "$pat"
	stop "$SRV"
}
cfg_case "bad APPEND argument" "netboot=http://192.0.2.1/sysrcd.dat ethx=300.1.1.1" 4 \
	'^check: 4 append: FAILED: APPEND of LABEL x in pxelinux.cfg/default: ethx=300.1.1.1'
cfg_case "image missing (404)" "netboot=http://192.0.2.1/nothere.dat" 5 \
	'^check: 5 stage3: FAILED: .*404.*nothere.dat.*missing from the server'
cfg_case "NBD export name wrong" "netboot=nbd://192.0.2.1:10809/wrong" 5 \
	"^check: 5 stage3: FAILED: .*wrong.*export name in the APPEND line"
# NFS (step 5 through libnfs): nfs-ganesha + rpcbind in the server namespace
if command -v ganesha.nfsd >/dev/null && command -v rpcbind >/dev/null; then
	N=$tmp/nfs; mkdir -p "$N/img" "$N/empty" "$N/g"; cp "$B/sysrcd.dat" "$N/img/"; chmod -R a+rX "$N"
	ganesha_start -n "$S" "$N/g" "$N/img" "$N/empty"
	cfg_case "NFS: export mounted by libnfs, image found" "nfsboot=192.0.2.1:$N/img" 0 \
		"^check: 5 stage3: ok: nfs://192.0.2.1:$N/img mounted \\(NFSv3, libnfs\\): sysrcd.dat, 300004 bytes"
	cfg_case "NFS: export without the image" "nfsboot=192.0.2.1:$N/empty" 5 \
		"^check: 5 stage3: FAILED: nfs://192.0.2.1:$N/empty: no sysrcd.dat in the export"
	cfg_case "NFS: folder not exported" "nfsboot=192.0.2.1:$N/g" 5 \
		"^check: 5 stage3: FAILED: nfs://192.0.2.1:$N/g: mount refused: .*export the folder"
	stop "$GANESHA_PID" "$RPCBIND_PID"
else
	echo "SKIP: $T: NFS step: nfs-ganesha or rpcbind missing (scripts/install-deps.sh)"
fi
rm -f "$B/pxelinux.cfg/default"
# a checksum file that names nothing: the server's files overwritten after it wrote them
start_ours "$tmp/s6.log" || fail "ours: start 6" "$(tail -3 "$tmp/s6.log")"
for f in "$B"/sysrcd.md5 "$B"/sysrcd*.sha* "$B"/sysrcd.dat.md5; do [ -e "$f" ] && echo "nothing to see" > "$f"; done
run_check
expect "checksum file names nothing" 6 '^check: 6 checksum: FAILED: .*sysrcd.*write "<digest>  sysrcd.dat" into it'
stop "$SRV"
# stale checksum: digests of another image in the checksum files (netboot
# serve itself writes them again when the image changes, so they are
# overwritten behind its back, as a stale copy from elsewhere would be)
rm -f "$B"/sysrcd.md5 "$B"/sysrcd*.sha* "$B"/sysrcd.dat.md5
start_ours "$tmp/s7.log" || fail "ours: start 7" "$(tail -3 "$tmp/s7.log")"
for f in "$B"/sysrcd.md5 "$B"/sysrcd*.sha* "$B"/sysrcd.dat.md5; do
	[ -e "$f" ] || continue
	case $f in *md5) sum=md5sum ;; *512*) sum=sha512sum ;; *) sum=sha256sum ;; esac
	echo "$(printf 'another image' | $sum | cut -d' ' -f1)  sysrcd.dat" > "$f"
done
run_check --full
expect "stale checksum, --full" 7 '^check: 7 image: FAILED: .*(mismatch|does not match).*write the checksum again'

# --- c: two DHCP servers: ours (still running) + dnsmasq at 192.0.2.2 ---
join "$D" 2 02:00:00:00:0c:dd && ip -n "$D" addr add 192.0.2.2/24 dev eth0 || fail setup "dnsmasq namespace"
start_dnsmasq "$D" dm1 --interface=eth0 --dhcp-range=192.0.2.50,192.0.2.60,1h --user=root --no-ping --dhcp-boot=pxelinux.0 ||
	fail "two servers: dnsmasq start" "$(tail -2 "$tmp/dm1.log")"
run_check
expect "two DHCP servers" 1 '^check: 1 dhcp: FAILED: two DHCP servers offer addresses, 192.0.2.(1|2) and 192.0.2.(1|2)'
stop "$SRV"; stop "${PIDS[-1]}"

# --- b: dnsmasq (DHCP + TFTP) on the server + nginx, configured by hand ---
dnsmasq_s() {	# dnsmasq_s NAME args...: DHCP and TFTP from $W on the bridge
	local name=$1; shift
	start_dnsmasq "$S" "$name" --interface=br0 --dhcp-range=192.0.2.100,192.0.2.150,1h --user=root --no-ping \
		--enable-tftp --tftp-root="$W" "$@"
	DM=${PIDS[-1]}
}
nginx_conf "$tmp" "access_log off; server { listen 192.0.2.1:80; root $W; }"
start_nginx "$tmp" "" "$S"
# first contact with dnsmasq as installed (a fresh lease file, its ping on):
# it pings the address for ~3 s and offers it to a later DISCOVER; step 1
# resends as PXE firmware does (4 s) instead of calling the segment empty
start_dnsmasq "$S" dm0 --interface=br0 --dhcp-range=192.0.2.100,192.0.2.150,1h --user=root \
	--enable-tftp --tftp-root="$W" --dhcp-boot=pxelinux.0 || fail "dnsmasq start" "$(tail -2 "$tmp/dm0.log")"
run_check --timeout 0.5
expect "dnsmasq, first contact: the offer after its ping" 0 '^check: 6 checksum: ok: '
grep -qE '^check:   first offer (2\.[5-9]|[3-9]\.[0-9]|1[0-9]\.[0-9]) s after the first DISCOVER \([1-3] sent\)' <<<"$out" &&
	pass "dnsmasq, first contact: the wait and the DISCOVERs noted" ||
	fail "dnsmasq, first contact: the wait and the DISCOVERs noted" "$(grep -m2 '^check: ' <<<"$out" | tr '\n' '|')"
stop "${PIDS[-1]}"
dnsmasq_s dm2 --dhcp-boot=pxelinux.0 || fail "dnsmasq start" "$(tail -2 "$tmp/dm2.log")"
run_check --full
expect "dnsmasq + nginx: every step ok with --full" 0 '^check: 7 image: ok: 300004 bytes .* verified md5'
grep -q '^check: 3 config: ok: pxelinux.cfg/default: LABEL rescue, KERNEL vmlinuz, INITRD initram.igz' <<<"$out" &&
	pass "dnsmasq: initrd= inside APPEND found" || fail "dnsmasq: config line" "$(grep '^check: 3' <<<"$out")"
stop "$DM"
dnsmasq_s dm3 || fail "dnsmasq start" "$(tail -2 "$tmp/dm3.log")"
run_check
expect "no boot file in the offer" 1 '^check: 1 dhcp: FAILED: the offer from 192.0.2.1 has no boot file: set next-server/filename.*--proxy-dhcp'
stop "$DM"
dnsmasq_s dm4 --dhcp-boot=missing.0 || fail "dnsmasq start" "$(tail -2 "$tmp/dm4.log")"
run_check
expect "boot file missing on the TFTP server" 2 '^check: 2 loader: FAILED: missing.0: not found on the TFTP server 192.0.2.1'
stop "$DM"

[ "$FAILED" = 0 ]
