#!/bin/bash
# make-debroot.sh VARIANT OUT.sqfs: a real Debian 12 (bookworm) root with
# systemd, as a user would netboot it, packed as a zstd squashfs.
#
#   networkd  systemd-networkd enabled, /etc/systemd/network/80-wired.network
#             (Type=ether, DHCP=yes); no systemd-resolved
#   nm        NetworkManager enabled (networkd not)
#   ifupdown  ifupdown + isc-dhcp-client; allow-hotplug + dhcp for ens2, ens3,
#             enp0s2, enp0s3 and eth0 (QEMU's i440fx: the first NIC is 00:02.0 with
#             -nodefaults, as the tests boot, else 00:03.0)
#   none      no network manager at all
#
# Every variant: hostname netboot-VARIANT, root locked, serial getty masked,
# volatile journal, and netboot-verdict.service, which writes the boot's
# verdict to /dev/ttyS0 as "VERDICT: key=value" lines (journal warnings as
# "VERDICT-LOG: "), reads every file of the root back, prints "VERDICT: done"
# and powers off (unless the kernel command line has netboot.test.stay).
#
# Packages come from the Debian mirror this machine's apt uses.  The image is
# rebuilt only when its recipe (sha256 of this script + VARIANT, kept in
# OUT.recipe) changes.  Needs root (mmdebstrap's root mode), mmdebstrap and
# squashfs-tools.
set -euo pipefail
usage() { echo "usage: $0 networkd|nm|ifupdown|none OUT.sqfs" >&2; exit 2; }
[ $# -eq 2 ] || usage
variant=$1 out=$2
case "$variant" in networkd|nm|ifupdown|none) ;; *) usage;; esac

self=$(readlink -f "$0")
recipe=$( { cat "$self"; printf '\nVARIANT=%s\n' "$variant"; } | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$out.recipe" 2>/dev/null)" = "$recipe" ]; then
	echo "debroot: $out is up to date ($variant, recipe ${recipe:0:12})"
	exit 0
fi

# The mirror apt uses for bookworm main (scripts/apt-mirror.sh); DEBROOT_MIRROR=URI overrides.
mirror=${DEBROOT_MIRROR:-$("$(dirname "$self")/../../scripts/apt-mirror.sh" bookworm | head -n1)}
if [ -z "$mirror" ]; then
	echo "debroot: no 'deb ... bookworm main' source in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources (set DEBROOT_MIRROR=URI)" >&2
	exit 1
fi

base=systemd-sysv,udev,iproute2,procps,kmod,dbus
case "$variant" in
# networkd also carries the netboot .deb's dependencies: tests/integration/serve_unit.sh
# installs the package into this root and starts its unit under systemd
networkd) include=$base,libnfs13,libsodium23,adduser;;
nm) include=$base,network-manager;;
ifupdown) include=$base,ifupdown,isc-dhcp-client;;
none) include=$base;;
esac

builddir=$(cd "$(dirname "$self")/../.." && pwd)/build
mkdir -p "$builddir"
tmp=$(mktemp -d "$builddir/debroot-$variant.XXXXXX")
# --one-file-system: never follow into a /proc or /dev a failed mmdebstrap left mounted
trap 'rm -rf --one-file-system "$tmp"; rm -f "$out.tmp"' EXIT
stage=$tmp/stage root=$tmp/root
mkdir -p "$stage/usr/local/sbin" "$stage/etc/systemd/system" "$stage/etc/systemd/journald.conf.d"

echo "netboot-$variant" > "$stage/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tnetboot-%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
	"$variant" > "$stage/etc/hosts"
# a netbooted root runs from RAM: no journal on it
printf '[Journal]\nStorage=volatile\n' > "$stage/etc/systemd/journald.conf.d/10-netboot-volatile.conf"

case "$variant" in
networkd)
	mkdir -p "$stage/etc/systemd/network"
	printf '[Match]\nType=ether\n\n[Network]\nDHCP=yes\n' > "$stage/etc/systemd/network/80-wired.network"
	;;
ifupdown)
	mkdir -p "$stage/etc/network"
	{
		printf 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n'
		for nic in ens2 ens3 enp0s2 enp0s3 eth0; do printf '\nallow-hotplug %s\niface %s inet dhcp\n' "$nic" "$nic"; done
	} > "$stage/etc/network/interfaces"
	;;
esac

# Type=exec, not oneshot: a oneshot unit in multi-user.target would hold the
# boot "starting" until it ended, and is-system-running --wait inside it
# would wait for itself.
cat > "$stage/etc/systemd/system/netboot-verdict.service" <<'UNIT'
[Unit]
Description=netboot test verdict on the serial port
After=multi-user.target

[Service]
Type=exec
ExecStart=/usr/local/sbin/netboot-verdict

[Install]
WantedBy=multi-user.target
UNIT

cat > "$stage/usr/local/sbin/netboot-verdict" <<'VERDICT'
#!/bin/sh
# The boot's verdict, one "VERDICT: key=value" per line on /dev/ttyS0.
variant=@VARIANT@
if ( : > /dev/ttyS0 ) 2>/dev/null; then exec > /dev/ttyS0 2>&1; else exec > /dev/console 2>&1; fi
v() { printf 'VERDICT: %s\n' "$*"; }
each() { sed "s|^|VERDICT: $1=|"; }	# each line of stdin as KEY=line

v "variant=$variant"
v "kernel=$(uname -r)"
v "cmdline=$(cat /proc/cmdline)"
start=$(cut -d' ' -f1 /proc/uptime)
v "verdict-start-uptime=$start"
# exits non-zero also for "degraded"; 124: still booting after 150 s
state=$(timeout 150 systemctl is-system-running --wait 2>/dev/null); rc=$?
if [ $rc -eq 124 ]; then waited="timeout"; else waited="done"; fi
[ -n "$state" ] || state=$(systemctl is-system-running 2>/dev/null)
v "state=$state"
v "state-wait=$waited"
v "uptime=$(cut -d' ' -f1 /proc/uptime)"
failed=$(systemctl --failed --plain --no-legend --no-pager 2>/dev/null | awk 'NF { print $1 }')
v "failed=$(printf '%s' "$failed" | grep -c .)"
for u in $failed; do v "failed-unit=$u"; done
systemctl list-jobs --no-legend --no-pager 2>/dev/null | each job
v "root=$(awk '$2 == "/" { print $1 " " $3 " " $4 }' /proc/mounts | tail -n1)"
ip -4 -o addr show | each addr
ip -o link | each link
ip -4 route | each route
v "resolv=$(grep -v '^#' /etc/resolv.conf 2>/dev/null | tr '\n' ' ')"
for f in /run/netboot/*.conf; do
	[ -f "$f" ] && each "handover-$(basename "$f" .conf)" < "$f"
done
links=
for l in /sys/class/net/*; do [ "${l##*/}" = lo ] || links="$links ${l##*/}"; done
case "$variant" in
networkd)
	v "networkd=$(systemctl is-active systemd-networkd)"
	networkctl list --no-pager 2>&1 | each networkctl
	for l in $links; do networkctl status --no-pager "$l" 2>&1 | each "networkctl-$l"; done
	wo=$(/lib/systemd/systemd-networkd-wait-online --timeout=5 2>&1); rc=$?
	[ -n "$wo" ] && printf '%s\n' "$wo" | each wait-online-log
	v "wait-online=$rc"
	;;
nm)
	v "NetworkManager=$(systemctl is-active NetworkManager)"
	nmcli -t device 2>&1 | each nmcli
	nmcli -t -f NAME,UUID,TYPE,DEVICE connection 2>&1 | each nmcli-connection
	nm-online -q -t 5; v "nm-online=$?"
	;;
ifupdown)
	v "networking=$(systemctl is-active networking)"
	for l in $links; do v "ifup@$l=$(systemctl is-active "ifup@$l")"; done
	for f in /run/network/ifstate.*; do [ -f "$f" ] && v "ifstate-${f##*.}=$(cat "$f")"; done
	v "dhclient=$(pgrep -c dhclient)"
	journalctl -b --no-pager -t dhclient 2>&1 | grep -E 'DHCP|bound' | tail -n 5 | each dhclient-log
	;;
esac
journalctl -b --no-pager -p warning 2>&1 | tail -n 40 | sed 's|^|VERDICT-LOG: |'

# read every file of the root back, from the image, not the page cache
sync
echo 3 > /proc/sys/vm/drop_caches
t0=$(cut -d' ' -f1 /proc/uptime)
bytes=$(find / -xdev -type f -print0 2>/run/netboot-verdict.find | xargs -0 cat 2>/run/netboot-verdict.read | wc -c)
t1=$(cut -d' ' -f1 /proc/uptime)
# a file removed between find and cat is no read error
n=$(cat /run/netboot-verdict.find /run/netboot-verdict.read | grep -v 'No such file or directory' | grep -c .)
if [ "$n" -eq 0 ]; then v "readback=ok"; else v "readback=failed $n"; fi
v "readback-files=$(find / -xdev -type f | wc -l)"
v "readback-bytes=$bytes"
v "readback-seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
cat /run/netboot-verdict.find /run/netboot-verdict.read | grep -v 'No such file or directory' | head -n 20 | each readback-error
v "done"
case " $(cat /proc/cmdline) " in
*" netboot.test.stay "*|*" netboot.test.stay="*) v "stay=yes" ;;
*) systemctl poweroff ;;
esac
VERDICT
sed -i "s/@VARIANT@/$variant/" "$stage/usr/local/sbin/netboot-verdict"
chmod 755 "$stage/usr/local/sbin/netboot-verdict"

hooks=(
	--customize-hook="sync-in $stage /"
	--customize-hook='chroot "$1" systemctl enable netboot-verdict.service'
	--customize-hook='chroot "$1" systemctl mask serial-getty@ttyS0.service'
	--customize-hook='chroot "$1" passwd -l root'
	--customize-hook='rm -rf "$1/var/log/journal"'
	# mmdebstrap leaves the build host's resolver in; the agent copies its own in at boot
	--customize-hook='rm -f "$1/etc/resolv.conf" && : > "$1/etc/resolv.conf"'
)
case "$variant" in
networkd) hooks+=(--customize-hook='chroot "$1" systemctl enable systemd-networkd.service');;
nm) hooks+=(--customize-hook='chroot "$1" systemctl enable NetworkManager.service')
    hooks+=(--customize-hook='chroot "$1" systemctl disable systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service');;
*) hooks+=(--customize-hook='chroot "$1" systemctl disable systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service');;
esac

echo "debroot: building $variant from $mirror"
mmdebstrap --variant=minbase --include="$include" "${hooks[@]}" \
	bookworm "$root" "deb $mirror bookworm main"
mksquashfs "$root" "$out.tmp" -comp zstd -noappend -quiet >/dev/null
mv "$out.tmp" "$out"
echo "$recipe" > "$out.recipe"
echo "debroot: $out ($variant, $(stat -c %s "$out") bytes, recipe ${recipe:0:12})"
