#!/bin/bash
# netboot serve's hosts file and several images (server/hosts.c,
# server/entries.c, server/files.c, server/dhcp.c, server/nbd.c) against
# real clients inside private network namespaces (192.0.2.0/24, no route
# out): busybox udhcpc, dhclient, dhcp_pxe_client (a PXE ROM's DHCP), curl
# over TFTP and HTTP, nbdinfo/nbdcopy.
#   1 a known MAC gets its fixed address and host name (udhcpc, dhclient);
#     its old pool lease is released at start; nothing for it in the lease file
#   2 an unknown MAC gets a pool address and no host name
#   3 a known PXE client: its fixed address inside the range (reserved)
#   4 TFTP pxelinux.cfg/01-<mac>: the host's image, kernel, initrd and args
#   5 the default menu lists every image, the default first
#   6 checksum files beside each image, written and served
#   7 NBD: an export per image (nbdinfo --list), read by name
#   8 proxy mode: boot options only; a bad hosts file names file:line
# Needs root; prints PASS/FAIL/SKIP.
cd "$(dirname "$0")/../.." || exit 1
NB=${NETBOOT:-build/netboot}
PXE=build/integration/dhcp_pxe_client
T=serve_hosts

[ "$(id -u)" = 0 ] || { echo "SKIP: $T: needs root (network namespaces)"; exit 0; }
for x in busybox dhclient ip curl nbdinfo nbdcopy md5sum; do
	command -v $x >/dev/null || { echo "SKIP: $T: $x missing (scripts/install-deps.sh)"; exit 0; }
done
make -s -j2 "$NB" "$PXE" >/dev/null || { echo "FAIL: $T: build"; exit 1; }

. tests/integration/netns_lib.sh
S=nbsh-s-$tag C1=nbsh-c1-$tag C2=nbsh-c2-$tag C3=nbsh-c3-$tag
EXTRA_PIDFILES=()
CLEANUP_HOOK='for f in "${EXTRA_PIDFILES[@]}"; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null; done'

# The boot folder: the top level's image and two more under images/.
B=$tmp/boot
mkdir -p "$B/images/debian" "$B/images/rescue"
echo kernel > "$B/vmlinuz"; echo initrd > "$B/initram.igz"; head -c 4096 /dev/urandom > "$B/sysrcd.dat"
echo debian-kernel > "$B/images/debian/vmlinuz"; echo debian-initrd > "$B/images/debian/initram.igz"
head -c 100000 /dev/urandom > "$B/images/debian/sysrcd.dat"
echo rescue-kernel > "$B/images/rescue/bzImage"; echo rescue-initrd > "$B/images/rescue/initram.igz"
head -c 200003 /dev/urandom > "$B/images/rescue/sysrcd.dat"
cat > "$tmp/hosts" <<'EOF'
# MAC              address      name   settings
02:00:00:00:00:01  192.0.2.50   web1   image=debian args="console=ttyS0 quiet"
02:00:00:00:00:03  192.0.2.110  name=pxe3 image=rescue
EOF
# an old pool lease of the known MAC, from before the hosts file named it
echo "02:00:00:00:00:01 192.0.2.120 $(( $(date +%s) + 3000 )) bound" > "$tmp/leases"

cat > "$tmp/udhcpc.sh" <<'EOF'
#!/bin/sh
[ "$1" = bound ] && env > "$OUT"
exit 0
EOF
cat > "$tmp/dhclient.sh" <<EOF
#!/bin/sh
[ "\$reason" = BOUND ] && env > "$tmp/d1"
exit 0
EOF
chmod +x "$tmp/udhcpc.sh" "$tmp/dhclient.sh"

newns "$S" && ip -n "$S" link add br0 type bridge && ip -n "$S" addr add 192.0.2.1/24 dev br0 &&
	ip -n "$S" link set br0 up || { fail setup "server namespace"; exit 1; }
join() {	# join NS N MAC: NS's eth0 on the bridge
	newns "$1" && veth "$1" eth0 "$S" "p$2" && ip -n "$1" link set eth0 address "$3" &&
		ip -n "$1" link set eth0 up && ip -n "$S" link set "p$2" master br0 && ip -n "$S" link set "p$2" up
}
join "$C1" 1 02:00:00:00:00:01 && join "$C2" 2 02:00:00:00:00:02 && join "$C3" 3 02:00:00:00:00:03 ||
	{ fail setup "client namespaces"; exit 1; }

SRV=
start_server() {	# start_server LOG args...
	local log=$1; shift
	ip netns exec "$S" "$NB" serve --boot-dir "$B" --local-ip 192.0.2.1 --interface br0 --hosts "$tmp/hosts" \
		--nbd-port 10809 "$@" > "$log" 2>&1 &
	SRV=$!
	PIDS+=("$SRV")
	wait_server "$S" && ns_wait_port "$S" 192.0.2.1 10809 && wait_log "$log" ready "$SRV" 20
}
stop_server() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null; SRV=; }
udhcpc() {	# udhcpc NS OUT: one lease, env of the bound script into OUT
	rm -f "$2"
	OUT=$2 timeout 20 ip netns exec "$1" busybox udhcpc -f -q -n -t 3 -T 2 -i eth0 -s "$tmp/udhcpc.sh" >/dev/null 2>&1
	[ -s "$2" ]
}
var() { sed -n "s/^$2=//p" "$1" | head -1; }
FAIL_SHOW="$tmp/srv.log"

# --- 1 a known MAC ---
start_server "$tmp/srv.log" --dhcp-range 192.0.2.100 192.0.2.150 --netmask 255.255.255.0 --router 192.0.2.1 \
	--leases "$tmp/leases" || { fail "server start"; exit 1; }
check "start: a fixed address inside the range is reserved (warning names the line)" \
	grep -q "hosts line 3: 192.0.2.110 is inside the dynamic range 192.0.2.100 - 192.0.2.150: reserved" "$tmp/srv.log"
check "start: the known MAC's old pool lease released" \
	grep -q "02:00:00:00:00:01 dhcp: lease on 192.0.2.120 released: the hosts file gives this host 192.0.2.50" "$tmp/srv.log"
if udhcpc "$C1" "$tmp/u1"; then
	got="$(var "$tmp/u1" ip) $(var "$tmp/u1" hostname) $(var "$tmp/u1" subnet) $(var "$tmp/u1" boot_file)"
	[ "$got" = "192.0.2.50 web1 255.255.255.0 pxelinux.0" ] &&
		pass "udhcpc, known MAC: fixed address 192.0.2.50, host name web1 (option 12)" ||
		fail "udhcpc, known MAC" "got '$got'"
else
	fail "udhcpc, known MAC: no lease"
fi
rm -f "$tmp/d1"
EXTRA_PIDFILES+=("$tmp/dhclient.pid")
timeout 25 ip netns exec "$C1" dhclient -1 -v -sf "$tmp/dhclient.sh" -lf "$tmp/dhclient.leases" \
	-pf "$tmp/dhclient.pid" eth0 >"$tmp/dhclient.out" 2>&1
[ -s "$tmp/dhclient.pid" ] && kill "$(cat "$tmp/dhclient.pid")" 2>/dev/null
got="$( [ -s "$tmp/d1" ] && echo "$(var "$tmp/d1" new_ip_address) $(var "$tmp/d1" new_host_name)")"
[ "$got" = "192.0.2.50 web1" ] && pass "dhclient, known MAC: 192.0.2.50, host name web1" ||
	fail "dhclient, known MAC" "got '$got'; $(tail -2 "$tmp/dhclient.out")"
check "log: the ack names the host" grep -q "02:00:00:00:00:01 dhcp: ack 192.0.2.50 lease 3600 s (host web1, fixed)" "$tmp/srv.log"

# --- 2 an unknown MAC ---
if udhcpc "$C2" "$tmp/u2"; then
	ip2=$(var "$tmp/u2" ip)
	case $ip2 in
	192.0.2.110) fail "unknown MAC" "got the reserved 192.0.2.110" ;;
	192.0.2.1[0-4][0-9] | 192.0.2.150) [ -z "$(var "$tmp/u2" hostname)" ] &&
		pass "udhcpc, unknown MAC: pool address $ip2, no host name" || fail "unknown MAC: host name" "$(var "$tmp/u2" hostname)" ;;
	*) fail "unknown MAC" "got '$ip2'" ;;
	esac
else
	fail "udhcpc, unknown MAC: no lease"
fi
kill -0 "$SRV" && grep -q "02:00:00:00:00:02 $ip2 [0-9]* bound" "$tmp/leases" && ! grep -q "^02:00:00:00:00:01 .* bound" "$tmp/leases" &&
	pass "lease file: the pool lease of the unknown MAC, none bound for the fixed one" ||
	fail "lease file" "$(cat "$tmp/leases")"

# --- 3 a known PXE client ---
out=$(ip netns exec "$C3" "$PXE" discover eth0 0 1)
[[ $out == *"type=OFFER from=192.0.2.1 yiaddr=192.0.2.110 siaddr=192.0.2.1 file=pxelinux.0 "* ]] &&
	pass "PXE DISCOVER, known MAC: its fixed address 192.0.2.110 (inside the range), pxelinux.0" ||
	fail "PXE known MAC" "got '$out'"

# --- 4 the host's menu over TFTP (from the client's address) ---
ip -n "$C1" addr add 192.0.2.50/24 dev eth0
tget() { ip netns exec "$C1" curl -sf "tftp://192.0.2.1/$1"; }
hget() { ip netns exec "$C1" curl -sf "http://192.0.2.1/$1"; }
menu=$(tget pxelinux.cfg/01-02-00-00-00-00-01)
want="DEFAULT debian-http
PROMPT 0
TIMEOUT 0
LABEL debian-http
  MENU LABEL debian: stage 3 over http
  KERNEL images/debian/vmlinuz
  INITRD images/debian/initram.igz
  APPEND netboot=http://192.0.2.1/images/debian/sysrcd.dat console=ttyS0 quiet
  IPAPPEND 2
LABEL debian-tftp"
[[ $menu == *"$want"* ]] && pass "TFTP 01-<mac>: the host's image first, its kernel, initrd and args" ||
	fail "per-host menu" "got: $(head -12 <<<"$menu")"
[[ $menu == *"APPEND netboot=nbd://192.0.2.1:10809/debian console=ttyS0 quiet"* && $menu == *"LABEL netboot-http"* ]] &&
	pass "per-host menu: the other transports and images follow, with its args" || fail "per-host menu: rest" "$menu"
k=$(tget images/debian/vmlinuz) && [ "$k" = debian-kernel ] && [ "$(hget images/rescue/bzImage)" = rescue-kernel ] &&
	pass "an image's kernel over TFTP and HTTP" || fail "image kernel" "got '$k'"
# the same host as iPXE: its own script, from the same entries
out=$(ip netns exec "$C3" "$PXE" discover eth0 0 1 ipxe)
[[ $out == *"file=http://192.0.2.1/boot-01-02-00-00-00-00-03.ipxe "* ]] &&
	pass "iPXE DISCOVER, known MAC with an image: the host's iPXE script by URL" || fail "iPXE known MAC" "got '$out'"
script=$(hget boot-01-02-00-00-00-00-01.ipxe)
[[ $script == "#!ipxe"*"goto debian-http"*":debian-http
kernel images/debian/vmlinuz initrd=images/debian/initram.igz netboot=http://192.0.2.1/images/debian/sysrcd.dat console=ttyS0 quiet BOOTIF="* ]] &&
	pass "HTTP boot-01-<mac>.ipxe: the host's image first, its kernel, initrd and args" || fail "per-host iPXE script" "got: $(head -8 <<<"$script")"
! hget boot-01-02-00-00-00-00-02.ipxe >/dev/null && pass "unknown MAC's boot-01-<mac>.ipxe: not found" ||
	fail "unknown boot-01-<mac>.ipxe" "served"
tget pxelinux.cfg/01-02-00-00-00-00-02 >/dev/null; rc=$?
[ "$rc" != 0 ] && pass "unknown MAC's 01-<mac>: not found (pxelinux goes on to default)" || fail "unknown 01-<mac>" "served"

# --- 5 the default menu ---
menu=$(tget pxelinux.cfg/default)
labels=$(sed -n 's/^LABEL //p' <<<"$menu" | tr '\n' ' ')
[ "$labels" = "netboot-http netboot-tftp netboot-nbd debian-http debian-tftp debian-nbd rescue-http rescue-tftp rescue-nbd " ] &&
	grep -q "^DEFAULT netboot-http" <<<"$menu" && pass "default menu: every image, the default (top level) first: $labels" ||
	fail "default menu labels" "got '$labels'"
[[ $menu == *"KERNEL images/rescue/bzImage"*"APPEND netboot=tftp://192.0.2.1/images/rescue/sysrcd.dat"* ]] &&
	pass "default menu: rescue's kernel found by its fallback name, its TFTP entry" || fail "default menu: rescue" "$menu"

# --- 6 checksums beside each image ---
for im in debian rescue; do
	( cd "$B/images/$im" && md5sum -c --status sysrcd.md5 && sha256sum -c --status sysrcd.sha256 ) &&
		[ "$(hget "images/$im/sysrcd.md5")" = "$(cat "$B/images/$im/sysrcd.md5")" ] &&
		pass "images/$im: sysrcd.md5 and .sha256 written (md5sum -c there), served over HTTP" ||
		fail "checksums of $im" "$(ls "$B/images/$im")"
done
check "log: the checksum files named" grep -q "wrote images/rescue/sysrcd.sha256" "$tmp/srv.log"

# --- 7 NBD: an export per image ---
list=$(ip netns exec "$C1" nbdinfo --list nbd://192.0.2.1:10809 2>&1)
n=$(grep -cE 'export="(sysrcd.dat|debian|rescue)"' <<<"$list")
[ "$n" = 3 ] && pass "nbdinfo --list: sysrcd.dat, debian, rescue" || fail "nbdinfo --list" "$list"
ip netns exec "$C1" nbdcopy nbd://192.0.2.1:10809/rescue "$tmp/rescue.copy" && cmp -s "$tmp/rescue.copy" "$B/images/rescue/sysrcd.dat" &&
	pass "nbdcopy by image name: rescue's bytes" || fail "nbdcopy rescue"
size=$(ip netns exec "$C1" nbdinfo --size nbd://192.0.2.1:10809/images/debian/sysrcd.dat 2>&1)
[ "$size" = 100000 ] && pass "an image by its path too: debian, 100000 bytes" || fail "nbd by path" "got '$size'"
check "log: the export named by image" grep -q "nbd: export rescue attached (200003 bytes)" "$tmp/srv.log"

# --- 7b a replaced image of images/, and SIGHUP with a new image folder ---
head -c 50000 /dev/urandom > "$tmp/new.dat" && mv "$tmp/new.dat" "$B/images/debian/sysrcd.dat"
want=$(cd "$B/images/debian" && md5sum sysrcd.dat)
[ "$(hget images/debian/sysrcd.md5)" = "$want" ] && grep -q "images/debian/sysrcd.dat changed (another file" "$tmp/srv.log" &&
	pass "no SIGHUP: images/debian's md5 asked next is its new image's, the log says so" ||
	fail "replaced images/debian" "$(hget images/debian/sysrcd.md5) vs $want"
mkdir "$B/images/extra" && echo extra-kernel > "$B/images/extra/vmlinuz" && echo extra-initrd > "$B/images/extra/initram.igz" &&
	head -c 3000 /dev/urandom > "$B/images/extra/sysrcd.dat"
kill -HUP "$SRV"
wait_log "$tmp/srv.log" "reloaded: .*rescanned \(4 images\)" "$SRV" 50 &&
	( cd "$B/images/extra" && md5sum -c --status sysrcd.md5 ) && [[ $(tget pxelinux.cfg/default) == *"LABEL extra-http"* ]] &&
	pass "SIGHUP: a new images/extra found, its checksums written, in the menu" ||
	fail "SIGHUP: images/extra" "$(grep reload "$tmp/srv.log"; ls "$B/images/extra")"
n=$(grep -c "wrote images/rescue/sysrcd.md5" "$tmp/srv.log")
[ "$n" = 1 ] && pass "SIGHUP: an unchanged image's checksums are not rewritten" || fail "rescue rewritten" "$n times"
stop_server

# --- 8 proxy mode; bad hosts files ---
start_server "$tmp/srv8.log" --proxy-dhcp || fail "proxy: start" "$(tail -3 "$tmp/srv8.log")"
check "proxy: one warning that fixed addresses are not given" grep -q "2 fixed addresses are not given out: this server is a proxy-DHCP" "$tmp/srv8.log"
out=$(ip netns exec "$C3" "$PXE" discover eth0 7 1)
[[ $out == *"type=OFFER from=192.0.2.1 yiaddr=0.0.0.0 siaddr=192.0.2.1 file=syslinux.efi "* ]] &&
	pass "proxy, known MAC: boot options only (no address)" || fail "proxy known MAC" "got '$out'"
stop_server
printf '02:00:00:00:00:01 web1\n\n02:00:00:00:00:02 192.0.2.7 image=x args="quiet\n' > "$tmp/bad"
"$NB" serve --boot-dir "$B" --hosts "$tmp/bad" --print-config > /dev/null 2> "$tmp/bad.err"; rc=$?
# every line carries a UTC timestamp (or a priority under the journal): compared without it
[ "$rc" = 2 ] && sed -E 's/^[0-9T:.-]+Z //' "$tmp/bad.err" | grep -qx "netboot serve: $tmp/bad line 3: args=\"quiet: expected a closing \" on the same line" &&
	pass "bad hosts file: exit 2, file:line and what was expected" || fail "bad hosts file" "exit $rc: $(cat "$tmp/bad.err")"
printf '02:00:00:00:00:01 10.0.0.5\n' > "$tmp/bad2"
"$NB" serve --boot-dir "$B" --hosts "$tmp/bad2" --dhcp-range 192.0.2.100 192.0.2.150 --netmask 255.255.255.0 \
	--local-ip 192.0.2.1 --leases "$tmp/l2" > /dev/null 2> "$tmp/bad2.err"; rc=$?
[ "$rc" = 2 ] && grep -q "$tmp/bad2 line 1: 10.0.0.5: outside the subnet 192.0.2.0/24" "$tmp/bad2.err" &&
	pass "a fixed address outside the subnet: refused, file:line" || fail "outside the subnet" "exit $rc: $(cat "$tmp/bad2.err")"
pc=$("$NB" serve --boot-dir "$B" --hosts "$tmp/hosts" --default-image rescue --print-config 2>&1)
grep -q '^host = 02:00:00:00:00:01 192.0.2.50 name=web1 image=debian args="console=ttyS0 quiet"$' <<<"$pc" &&
	grep -q '^image = rescue (default): images/rescue/bzImage images/rescue/initram.igz images/rescue/sysrcd.dat$' <<<"$pc" &&
	grep -q '^image = (top level): vmlinuz initram.igz sysrcd.dat$' <<<"$pc" &&
	pass "--print-config: the hosts and the images, --default-image first" || fail "--print-config" "$pc"

[ "$FAILED" = 0 ]
