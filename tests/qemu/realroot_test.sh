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
	# the three roots at once: mmdebstrap waits on the mirror and dpkg in turns
	declare -A builder
	for v in networkd nm ifupdown; do
		"$here/make-debroot.sh" "$v" "$root_dir/$v.sqfs" > "$root_dir/$v.build.log" 2>&1 & builder[$v]=$!
	done
	for v in networkd nm ifupdown; do
		if ! wait "${builder[$v]}"; then
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
# KILL_AT_DONE=PID: that server is stopped once systemd has begun its
# power-off (its first "Stopped target" line): systemd stops its units with
# the root's server gone; where it still reads the root, the NBD supervisor,
# told of the shutdown by the units /init wrote, ends it after its grace
# (mount/nbd_supervisor.h), else /run/initramfs/shutdown releases the rest
# with the server gone.  Either way the power-off must come within 90 s.
# (A server gone before the power-off begins holds systemd itself, which
# reads its unit files from the root: as any read, that waits for the
# server, up to the 10-minute dead-connection timeout; docs/handover.md.)
IFNAME=ens2
KILL_AT_DONE=
RELEASED='^netboot: shutdown: root, image and devices released in'	# the line that says the power-off was clean
real_boot() {
	local label=$1 append=$2 log why="" re state failed watcher=
	shift 2
	[[ $label =~ ${REALROOT_ONLY:-.} ]] || return 0	# REALROOT_ONLY=REGEX: only the boots it matches
	log=$TMP/$(printf '%s' "$label" | tr -c 'A-Za-z0-9' _).log
	qemu_boot "$log" direct virtio-net-pci "$append" 1024
	if [ -n "$KILL_AT_DONE" ]; then
		( while ! grep -qa 'Stopped target' "$log"; do sleep 0.1; done; kill "$KILL_AT_DONE"; date +%s > "$log.killed" ) &
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
	grep -qaE "$RELEASED" "$log.txt" ||
		why+=" no /$RELEASED/: $(grep -a '^netboot: shutdown\|^netboot-nbd' "$log.txt" | tail -3 | tr '\n' ' ');"
	if [ -s "$log.killed" ]; then
		local took=$(( $(date +%s) - $(cat "$log.killed") ))
		[ "$took" -le 90 ] || why+=" the power-off came ${took} s after the server was stopped (bound: 90 s);"
		echo "INFO: $label: powered off ${took} s after its server was stopped: $(grep -aE "$RELEASED" "$log.txt" | head -1 | cut -c1-160)"
	fi
	grep -qa 'reboot: Power down' "$log.txt" || why+=" no power-off;"
	for re in "$@"; do grep -qaE -- "$re" "$log.txt" || why+=" no line /$re/;"; done
	if [ -z "$why" ]; then
		echo "INFO: $label: powered off ${QEMU_SECONDS}s after QEMU start; $(grep -a '^VERDICT: uptime=' "$log.txt" | sed 's/VERDICT: uptime=/running at /') s"
		echo "PASS: $label"
	else
		echo "FAIL: $label:$why"
		mkdir -p "$B/test-logs" && cp "$log" "$B/test-logs/realroot-$(basename "$log")" &&
			echo "(serial log kept in build/test-logs/realroot-$(basename "$log"))"
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
# (NetworkManager over HTTP is not booted separately: the handover NM takes
# is the same as below over NFS, which checks it; one boot less in the budget)
real_boot "Debian ifupdown root over HTTP: running, ifup@ens2 and dhclient keep the agent's address, clean power-off" \
	"netboot=$H/ifupdown/sysrcd.dat" "${IFUPDOWN[@]}"
real_boot "Debian systemd-networkd root over NBD: networkd takes the NIC over under the NBD root, NBD released at power-off" \
	"netboot=nbd://10.0.2.2:$nbdport/networkd" "${NETWORKD[@]}" '^netboot: mount: /dev/nbd0 on /newroot' \
	'^VERDICT: root=overlay '
KILL_AT_DONE=$(cat "$TMP/nbd.pid")
RELEASED='^netboot-nbd: nbd0: the system is shutting down and nbd://.* has been unreachable for [0-9]+ s: syncing and finishing the shutdown here|^netboot: shutdown: root, image and devices released in'
real_boot "Debian root over NBD, its server stopped as the power-off begins: the power-off still comes within its bound (the supervisor, told of the shutdown, ends it), no I/O error, no [FAILED] line" \
	"netboot=nbd://10.0.2.2:$nbdport/networkd" '^netboot: mount: /dev/nbd0 on /newroot'
RELEASED='^netboot: shutdown: root, image and devices released in'
KILL_AT_DONE=
real_boot "Debian NetworkManager root over NFSv3: NM takes the NIC over under the NFS root, NFS released at power-off" \
	"netboot=nfs://10.0.2.2:$img/nm" "${NM[@]}" 'sysrcd.dat on NFS, md5 verified'
IFNAME=eth0
networkd_ok
real_boot "SystemRescue's archiso layout (archisobasedir= archiso_http_srv=, airootfs.sfs + .sha512), Debian networkd root, net.ifnames=0 keeps eth0 and udev agrees" \
	"archisobasedir=sysresccd archiso_http_srv=$H/archiso/ net.ifnames=0" "${NETWORKD[@]}" '^netboot: stage3: airootfs.sfs: .*sha512'
