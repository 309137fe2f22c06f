#!/bin/bash
# Real distribution roots (issue 15): Debian 12 with systemd, built with
# mmdebstrap from the Debian mirror (tests/qemu/make-debroot.sh, cached under
# build/debroot/), booted by our initramfs over HTTP, NBD and NFS, with
# systemd-networkd, NetworkManager and ifupdown, and in SystemRescue's archiso
# layout.  Each boot must reach `systemctl is-system-running` = running with
# no failed unit, keep the agent's address on the NIC udev would name (ens2:
# QEMU's -nodefaults puts the NIC in slot 2), have the manager take the NIC
# over, read every file back, and power off through /run/initramfs/shutdown
# with no [FAILED] line.  The root's netboot-verdict unit prints the
# "VERDICT: key=value" lines judged here.
#
# The roots are built first (they need the mirror), then the test re-runs
# itself in a private network namespace (only lo, no route out) where QEMU's
# user networking maps the guest's 10.0.2.2 to that namespace's loopback,
# as nfs-ganesha needs (tests/qemu/nfs_test.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${NB_IN_NETNS:-}" ]; then
	root_dir=$here/../../build/debroot
	mkdir -p "$root_dir"
	for v in networkd nm ifupdown; do
		if ! "$here/make-debroot.sh" "$v" "$root_dir/$v.sqfs" > "$root_dir/$v.build.log" 2>&1; then
			echo "FAIL: building the Debian $v root with mmdebstrap: $(tail -3 "$root_dir/$v.build.log" | tr '\n' ' ')"
			exit 1
		fi
	done
	exec unshare -n env NB_IN_NETNS=1 "$0" "$@"
fi
. "$here/lib.sh"
need_artifacts
ip link set lo up
BOOT_TIMEOUT=${REALROOT_TIMEOUT:-300}
ADDR=10.0.2.15	# QEMU's DHCP gives the first guest this address

# --- servers: HTTP, NBD and NFS, each serving the roots ---
img=$TMP/img
mkdir -p "$img/archiso/sysresccd/x86_64"
for v in networkd nm ifupdown; do
	mkdir -p "$img/$v"
	ln "$B/debroot/$v.sqfs" "$img/$v/sysrcd.dat" 2>/dev/null || cp "$B/debroot/$v.sqfs" "$img/$v/sysrcd.dat"
	(cd "$img/$v" && md5sum sysrcd.dat > sysrcd.md5)
done
ln "$img/networkd/sysrcd.dat" "$img/archiso/sysresccd/x86_64/airootfs.sfs"
(cd "$img/archiso/sysresccd/x86_64" && sha512sum airootfs.sfs > airootfs.sha512)
chmod -R a+rX "$TMP"
http_serve "$img" || exit 1

nbdport=$(free_port)
cat > "$TMP/nbd.conf" <<CONF
[generic]
	listenaddr = 127.0.0.1
	port = $nbdport
	user = root
	group = root
[networkd]
	exportname = $img/networkd/sysrcd.dat
	readonly = true
[ifupdown]
	exportname = $img/ifupdown/sysrcd.dat
	readonly = true
CONF
nbd-server -C "$TMP/nbd.conf" -p "$TMP/nbd.pid" 2>"$TMP/nbd.log"
for _ in $(seq 50); do [ -s "$TMP/nbd.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$nbdport") 2>/dev/null && break; sleep 0.1; done
[ -s "$TMP/nbd.pid" ] && PIDS+=("$(cat "$TMP/nbd.pid")") || { echo "FAIL: nbd-server did not start: $(cat "$TMP/nbd.log")"; exit 1; }

mkdir -p "$TMP/ganesha"
ganesha_conf "$TMP/ganesha/ganesha.conf" "$img/nm"
rpcbind -f -w & PIDS+=($!)
sleep 0.3
ganesha.nfsd -F -f "$TMP/ganesha/ganesha.conf" -L "$TMP/ganesha/log" -p "$TMP/ganesha/pid" & PIDS+=($!)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/2049) 2>/dev/null && break; sleep 0.1; done
(exec 3<>/dev/tcp/127.0.0.1/2049) 2>/dev/null || { echo "FAIL: nfs-ganesha did not start: $(tail -3 "$TMP/ganesha/log")"; exit 1; }
sleep 1	# registration with rpcbind

# --- the verdict of one boot ---
# real_boot LABEL APPEND EXTRA_REGEX...: boots, then judges the serial log
# by the common rules and by each EXTRA_REGEX (a line that must be there).
# IFNAME: the name the NIC must have (ens2; eth0 under net.ifnames=0).
# KILL_AT_SHUTDOWN=PID: that server is stopped when systemd-shutdown hands
# over to /run/initramfs/shutdown, which must then release the root and its
# device with the server gone, within its bound.  (Before that point systemd
# itself still reads the root while it stops its units: with an NBD root's
# server gone, that waits on the server as any read does; docs/handover.md.)
IFNAME=ens2
KILL_AT_SHUTDOWN=
real_boot() {
	local label=$1 append=$2 log why="" re state failed watcher=
	shift 2
	log=$TMP/$(printf '%s' "$label" | tr -c 'A-Za-z0-9' _).log
	qemu_boot "$log" direct virtio-net-pci "$append" 1024
	if [ -n "$KILL_AT_SHUTDOWN" ]; then
		( while ! grep -qa 'Returning to initrd' "$log"; do sleep 0.05; done; kill "$KILL_AT_SHUTDOWN" ) &
		watcher=$!
	fi
	qemu_wait "$log" 'reboot: Power down|FAILED at|Kernel panic' > "$log.tail"
	# judge the text without systemd's colours
	sed 's/\x1b\[[0-9;]*m//g; s/\r$//' "$log" > "$log.txt"
	state=$(grep -a '^VERDICT: state=' "$log.txt" | head -1 | cut -d= -f2-)
	failed=$(grep -a '^VERDICT: failed-unit=' "$log.txt" | cut -d= -f2- | tr '\n' ' ')
	[ "$state" = running ] || why+=" state '$state' (expected running);"
	grep -qa '^VERDICT: failed=0$' "$log.txt" || why+=" failed units: $failed;"
	[ -n "$watcher" ] && { kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null; }
	grep -qaE "^VERDICT: addr=2: $IFNAME +inet $ADDR/24 " "$log.txt" || why+=" the agent's address $ADDR/24 is not on $IFNAME;"
	[ "$(grep -ac '^VERDICT: addr=2: ' "$log.txt")" -le 1 ] || why+=" a second IPv4 address on $IFNAME;"
	grep -qa '^VERDICT: readback=ok$' "$log.txt" || why+=" $(grep -a '^VERDICT: readback=' "$log.txt" || echo 'no readback');"
	grep -qa '^VERDICT: done$' "$log.txt" || why+=" the verdict unit did not finish;"
	grep -v '^VERDICT-LOG' "$log.txt" | grep -qa '\[FAILED\]' && why+=" a [FAILED] line: $(grep -a '\[FAILED\]' "$log.txt" | head -2 | tr '\n' ' ');"
	grep -qa 'Failed to finalize\|I/O error\|SQUASHFS error' "$log.txt" && why+=" $(grep -a 'Failed to finalize\|I/O error\|SQUASHFS error' "$log.txt" | head -1);"
	grep -qa '^netboot: shutdown: root, image and devices released in' "$log.txt" ||
		why+=" /run/initramfs/shutdown did not release everything: $(grep -a '^netboot: shutdown' "$log.txt" | tr '\n' ' ');"
	grep -qa 'reboot: Power down' "$log.txt" || why+=" no power-off;"
	for re in "$@"; do grep -qaE -- "$re" "$log.txt" || why+=" no line /$re/;"; done
	if [ -z "$why" ]; then
		echo "INFO: $label: powered off ${QEMU_SECONDS}s after QEMU start; $(grep -a '^VERDICT: uptime=' "$log.txt" | sed 's/VERDICT: uptime=/running at /') s"
		echo "PASS: $label"
	else
		echo "FAIL: $label:$why"
		grep -a '^netboot: \|^VERDICT' "$log.txt" | grep -v 'VERDICT: link=\|handover-' | tail -40
		cat "$log.tail"
	fi
}

H=http://10.0.2.2:$HTTP_PORT
networkd_ok() {
	NETWORKD=("^VERDICT: networkctl= +2 $IFNAME +ether +routable +configured" '^VERDICT: wait-online=0$'
		  "^VERDICT: networkctl-$IFNAME= +Link File: /run/systemd/network/10-netboot-$IFNAME.link")
}
networkd_ok
NM=('^VERDICT: nmcli=ens2:ethernet:connected:netboot-ens2$' '^VERDICT: nm-online=0$')
IFUPDOWN=('^VERDICT: ifup@ens2=active$' '^VERDICT: ifstate-ens2=ens2$' '^VERDICT: dhclient=[1-9]')

real_boot "Debian systemd-networkd root over HTTP: running, networkd manages ens2 with the agent's address, clean power-off" \
	"netboot=$H/networkd/sysrcd.dat" "${NETWORKD[@]}" '^netboot: net: renamed eth0 to ens2, as udev names it'
real_boot "Debian NetworkManager root over HTTP: running, NM manages ens2 (not externally), nm-online, clean power-off" \
	"netboot=$H/nm/sysrcd.dat" "${NM[@]}"
real_boot "Debian ifupdown root over HTTP: running, ifup@ens2 and dhclient keep the agent's address, clean power-off" \
	"netboot=$H/ifupdown/sysrcd.dat" "${IFUPDOWN[@]}"
KILL_AT_SHUTDOWN=$(cat "$TMP/nbd.pid")
real_boot "Debian systemd-networkd root over NBD: networkd takes the NIC over under the NBD root; nbd-server stopped at the hand-over to /run/initramfs/shutdown, NBD still released" \
	"netboot=nbd://10.0.2.2:$nbdport/networkd" "${NETWORKD[@]}" '^netboot: mount: /dev/nbd0 on /newroot' \
	'^VERDICT: root=overlay '
KILL_AT_SHUTDOWN=
real_boot "Debian NetworkManager root over NFSv3: NM takes the NIC over under the NFS root, NFS released at power-off" \
	"netboot=nfs://10.0.2.2:$img/nm" "${NM[@]}" 'sysrcd.dat on NFS, md5 verified'
IFNAME=eth0
networkd_ok
real_boot "SystemRescue's archiso layout (archisobasedir= archiso_http_srv=, airootfs.sfs + .sha512), Debian networkd root, net.ifnames=0 keeps eth0 and udev agrees" \
	"archisobasedir=sysresccd archiso_http_srv=$H/archiso/ net.ifnames=0" "${NETWORKD[@]}" '^netboot: stage3: airootfs.sfs: .*sha512'
