#!/bin/busybox sh
# The boot race's baseline: the old SystemRescueCd way of netbooting, as a
# busybox /init (udhcpc, wget, md5sum, losetup, mount, switch_root), packed
# with the same kernel modules as ours by bench/boot_race.sh.  Each stage
# prints "race: <stage> <seconds since this script started>".
#   kernel arguments: netboot=http://HOST:PORT/sysrcd.dat  race=baseline|raw
#   race=raw: the ceiling: wget -O /dev/null, no file, no hash; powers off after it.
#   race=rawbusy: the same with the second vCPU kept busy, as our writer
#     thread keeps it: under TCG each busy vCPU is a host thread, so this is
#     the ceiling for any agent that uses two vCPUs on a 2-core host.
/bin/busybox mkdir -p /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
now() { cut -d' ' -f1 /proc/uptime; }
mark() { echo "race: $1 $(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')"; }
fail() { echo "race: FAILED $*"; poweroff -f; }

mount -t proc proc /proc	# first: the clock below reads /proc/uptime
T0=$(now)
mount -t devtmpfs dev /dev; mount -t sysfs sys /sys; mount -t tmpfs run /run
mark mounts

url= mode=baseline
for a in $(cat /proc/cmdline); do
	case $a in netboot=*) url=${a#netboot=} ;; race=*) mode=${a#race=} ;; esac
done
[ -n "$url" ] || fail "no netboot= on the command line"
mark cmdline

# the NIC's driver by modalias (modules.alias in the initramfs), then loop and squashfs
# (virtio devices appear only once virtio_pci is loaded: a second glob)
for m in /sys/bus/pci/devices/*/modalias; do [ -f "$m" ] && modprobe -q "$(cat "$m")"; done
for m in /sys/bus/virtio/devices/*/modalias; do [ -f "$m" ] && modprobe -q "$(cat "$m")"; done
modprobe -q loop; modprobe -q squashfs
i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mark modules

# udhcpc runs this script to apply the lease
cat > /run/udhcpc.sh <<'S'
#!/bin/sh
case $1 in bound|renew)
	ip addr add "$ip/${mask:-24}" dev "$interface"
	for r in $router; do ip route add default via "$r" dev "$interface"; break; done ;;
esac
S
chmod 755 /run/udhcpc.sh
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -q -f -n -t 10 -T 1 -s /run/udhcpc.sh >/dev/null 2>&1 || fail "udhcpc: no lease"
mark network

if [ "$mode" = raw ] || [ "$mode" = rawbusy ]; then
	spin=
	if [ "$mode" = rawbusy ]; then
		while :; do :; done &
		spin=$!
	fi
	wget -q -O /dev/null "$url" || fail "wget $url"
	mark stage3
	[ -n "$spin" ] && kill "$spin"
	echo "race: done"
	poweroff -f
fi
mkdir -p /run/image
mount -t tmpfs -o size=90% image /run/image
wget -q -O /run/image/sysrcd.md5 "${url%.dat}.md5" || fail "wget ${url%.dat}.md5"
wget -q -O /run/image/sysrcd.dat "$url" || fail "wget $url"
want=$(cut -d' ' -f1 /run/image/sysrcd.md5)
got=$(md5sum /run/image/sysrcd.dat | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "md5 mismatch: $got, sysrcd.md5 says $want"
mark stage3

mkdir -p /newroot
losetup -r /dev/loop0 /run/image/sysrcd.dat || fail losetup
mount -t squashfs -o ro /dev/loop0 /newroot || fail "mount squashfs"
mark mount
echo "race: done"
exec switch_root /newroot /sbin/init
