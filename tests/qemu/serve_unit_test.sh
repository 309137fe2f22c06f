#!/bin/bash
# The packaged service under real systemd, as an administrator runs it, and a
# machine booting from it: the .deb (make deb) installed with dpkg into a
# Debian 12 root (mmdebstrap: the networkd root of make-debroot.sh, which
# carries the package's dependencies), the boot folder filled from the
# package's own kernel and initramfs, /etc/netboot/serve.conf replaced by the
# seed's pxebootsrv file (addresses in 192.0.2.0/24: DHCP server, TFTP,
# HTTP), and the root booted with systemd-nspawn in the lab namespace of
# serve_lib.sh (bridge 192.0.2.1/24 + tap, no route out).
# netboot-serve.service, enabled by the package, starts under its sandbox
# (user netboot, CAP_NET_BIND_SERVICE and CAP_NET_RAW only); a peer namespace gets files over
# HTTP and TFTP; a stock BIOS machine (SeaBIOS + iPXE ROM) on the tap boots
# the test root from it; `systemctl reload` keeps it running and logs the
# reload; `systemctl stop` ends it with status 0.  nspawn and QEMU are
# stopped by PID.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=serve-unit
need_artifacts
need systemd-nspawn unsquashfs curl tftp
need_netns
MARK='NETBOOT-TEST-ROOT-OK'
cd "$ROOT" || exit 1
sqfs=$ROOT/build/debroot/networkd.sqfs
mkdir -p build/debroot
tests/qemu/make-debroot.sh networkd "$sqfs" > "$TMP/debroot.log" 2>&1 ||
	{ fail "building the Debian root with mmdebstrap" "$(tail -3 "$TMP/debroot.log" | tr '\n' ' ')"; exit 1; }
make -s deb DEB_DIR="$TMP" > "$TMP/deb.log" 2>&1 || { fail "make deb" "$(tail -3 "$TMP/deb.log")"; exit 1; }
deb=$(ls "$TMP"/netboot_*.deb | head -n1)
root=$TMP/root
unsquashfs -q -n -d "$root" "$sqfs" > /dev/null || { fail "unsquashfs $sqfs"; exit 1; }
cp "$deb" "$root/tmp/netboot.deb"
if chroot "$root" dpkg -i /tmp/netboot.deb > "$TMP/dpkg.log" 2>&1; then
	pass "dpkg -i netboot_*.deb into a Debian 12 root: its dependencies met, the user and the unit set up"
else
	fail "dpkg -i" "$(tail -5 "$TMP/dpkg.log" | tr '\n' ' ')"; exit 1
fi
check "the package enabled netboot-serve.service" test -L "$root/etc/systemd/system/multi-user.target.wants/netboot-serve.service"

# what an administrator does next: the boot folder, the config
install -d "$root/srv/netboot"
cp "$root/usr/share/netboot/vmlinuz" "$root/usr/share/netboot/initram.igz" "$root/srv/netboot/"
cp "$B/testroot.sqfs" "$root/srv/netboot/sysrcd.dat"
chroot "$root" chown -R netboot:netboot /srv/netboot
seed_pxebootsrv "$root/etc/netboot/serve.conf" 192.0.2 192.0.2.1
echo 'PXEBOOTSRV_EXTRA="console=ttyS0,115200 panic=-1"' >> "$root/etc/netboot/serve.conf"

lab_up 192.0.2.1/24 || { fail "lab" "cannot create the network namespace"; exit 1; }
lab_peer "cli$$" 192.0.2.2/24
systemd-nspawn --quiet --register=no --keep-unit --network-namespace-path="/run/netns/$LAB_NS" -D "$root" --boot \
	> "$TMP/nspawn.log" 2>&1 < /dev/null & NSPAWN=$!; PIDS+=($NSPAWN)
leader=
for _ in $(seq 100); do	# the container's PID 1, systemd: nspawn's child
	for p in $(pgrep -P "$NSPAWN"); do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] && leader=$p; done
	[ -n "$leader" ] && break; sleep 0.1
done
[ -n "$leader" ] || { fail "systemd did not start in the container" "$(tail -5 "$TMP/nspawn.log")"; exit 1; }
in_ct() { nsenter -t "$leader" -a "$@"; }
state=
for _ in $(seq 150); do
	state=$(in_ct systemctl is-active netboot-serve 2>/dev/null)
	[ "$state" = active ] && ip netns exec "cli$$" bash -c '(exec 3<>/dev/tcp/192.0.2.1/80)' 2>/dev/null && break
	sleep 0.2
done
check "systemd started netboot-serve.service ($state)" [ "$state" = active ]
pid=$(in_ct systemctl show -P MainPID netboot-serve 2>/dev/null)
status=$(in_ct cat "/proc/${pid:-0}/status" 2>/dev/null)
check "it runs as the user netboot ($(in_ct stat -c %U "/proc/${pid:-0}" 2>/dev/null)) with CAP_NET_BIND_SERVICE and CAP_NET_RAW alone" bash -c "
	[ \"\$(nsenter -t $leader -a stat -c %U /proc/${pid:-0})\" = netboot ] &&
	grep -q '^CapEff:[[:space:]]*0000000000002400$' <<<'$status' && grep -q '^NoNewPrivs:[[:space:]]*1$' <<<'$status'"
check "HTTP from the network: vmlinuz and the checksum the server wrote" bash -c "
	ip netns exec cli$$ curl -sf -o '$TMP/k' http://192.0.2.1/vmlinuz && cmp -s '$TMP/k' '$root/srv/netboot/vmlinuz' &&
	ip netns exec cli$$ curl -sf http://192.0.2.1/sysrcd.md5 | grep -q sysrcd.dat"
check "TFTP from the network: initram.igz" bash -c "
	cd '$TMP' && ip netns exec cli$$ tftp -m binary 192.0.2.1 -c get initram.igz && cmp -s initram.igz '$root/srv/netboot/initram.igz'"

# a stock BIOS machine on the segment boots from the service
log=$TMP/bios.log
qemu_tap_boot "$log" bios 52:54:00:5e:00:01
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log"; then
	echo "INFO: serve-unit: BIOS machine booted from the systemd service in ${QEMU_SECONDS}s"
	pass "a stock BIOS machine boots the image from the packaged service (DHCP, iPXE script, kernel, initramfs, image)"
else
	fail "BIOS boot from the packaged service" "$(grep -a '^netboot' "$log" | tail -3 | tr '\n' ' ')"
fi
stop "$QEMU_PID"
check "the service's journal has the machine's lease and its downloads" bash -c "
	nsenter -t $leader -a journalctl -u netboot-serve --no-pager > '$TMP/journal' &&
	grep -q '52:54:00:5e:00:01 .*dhcp: ack 192.0.2.1[0-9][0-9]' '$TMP/journal' &&
	grep -q 'http: GET /sysrcd.dat 200' '$TMP/journal'"

in_ct systemctl reload netboot-serve 2>/dev/null
sleep 1
state=$(in_ct systemctl is-active netboot-serve 2>/dev/null)
check "systemctl reload: still active ($state), and the journal has the reload" bash -c "
	[ '$state' = active ] && nsenter -t $leader -a journalctl -u netboot-serve --no-pager | grep -qi 'reload'"
in_ct systemctl stop netboot-serve 2>/dev/null
check "systemctl stop: ended cleanly" bash -c "
	[ \"\$(nsenter -t $leader -a systemctl show -P ExecMainStatus netboot-serve)\" = 0 ] &&
	[ \"\$(nsenter -t $leader -a systemctl is-failed netboot-serve)\" != failed ]"
[ $FAILED = 0 ] || in_ct journalctl -u netboot-serve --no-pager 2>/dev/null | tail -15
in_ct systemctl poweroff 2>/dev/null
for _ in $(seq 100); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.1; done
exit $FAILED
