#!/bin/bash
# Builds the test root image: a small squashfs whose /sbin/init prints a
# marker, the network handover the agent left, and powers off.
set -euo pipefail
out=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,sbin,lib,proc,sys,dev,run,tmp,etc}
cp /bin/busybox "$work/bin/busybox"
ln -s busybox "$work/bin/sh"
# kmap_test.sh: reads the kernel's keyboard tables back after /init's setkmap=
musl-gcc -static -Os -s -Wall -Wextra -Werror -o "$work/bin/kmapdump" "$(dirname "$0")/kmapdump.c"
# /sbin/init is an absolute symlink, as on Debian (-> /lib/systemd/systemd)
ln -s /lib/test-init "$work/sbin/init"
cat > "$work/lib/test-init" <<'INIT'
#!/bin/busybox sh
export PATH=/bin
echo "NETBOOT-TEST-ROOT-OK pid=$$"
for f in /run/netboot/*.conf /run/netboot/signature /run/netboot/trusted-comment; do
	[ -f "$f" ] && sed "s|^|handover $(basename "$f"): |" "$f"; done
echo "resolv.conf: $(busybox tr '\n' ' ' < /etc/resolv.conf 2>/dev/null)"
if busybox grep -q setkmap= /proc/cmdline; then
	busybox sed 's|^|handover keymap: |' /run/netboot/keymap 2>/dev/null
	/bin/kmapdump 2>&1 | busybox sed 's|^|kmapdump: |'
fi
busybox touch /tmp/writable 2>/dev/null && echo "root is writable"
echo "mounts: $(busybox awk '{print $2":"$3}' /proc/mounts | busybox tr '\n' ' ')"
# bench=stream (bench/stream_race.sh): stay until the stream's copy is complete
if busybox grep -q 'bench=stream' /proc/cmdline; then
	i=0
	while ! busybox grep -q STREAM=complete /run/netboot/stream 2>/dev/null && [ $i -lt 1200 ]; do
		busybox sleep 0.25; i=$((i + 1)); done
	busybox sed 's|^|handover stream: |' /run/netboot/stream
fi
for p in /proc/[0-9]*; do	# helpers left running by /init (the NBD supervisor)
	c=$(busybox tr '\0' ' ' < "$p/cmdline" 2>/dev/null)
	case "$c" in @*) echo "process ${p#/proc/}: $c"
		echo "process ${p#/proc/} memory: $(busybox grep -E 'VmHWM|VmRSS|RssAnon' "$p/status" | busybox tr -s ' \t\n' ' ')";; esac
done
busybox poweroff -f
INIT
# init=/lib/reconnect-init (tests/qemu/reconnect_test.sh): says it runs,
# then reads every file and the whole root device from the network while
# the test holds the server stopped: NBD twice (the test stops the server
# on READY, and again on PHASE1), NFS once after 20 s; with
# reconnect=silent it reads at once, while the test holds the server frozen
cat > "$work/lib/reconnect-init" <<'INIT'
#!/bin/busybox sh
export PATH=/bin
readall() {	# sets n (files) and bad (errors)
	echo 3 > /proc/sys/vm/drop_caches
	for f in $(busybox find / -xdev -type f); do
		if busybox cat "$f" > /dev/null; then n=$((n + 1)); else bad=$((bad + 1)); echo "READ-ERROR $f"; fi
	done
	dev=$(busybox awk '$2 == "/run/initramfs/netboot/lower" { print $1 }' /proc/mounts)
	if busybox dd if="$dev" of=/dev/null bs=64k 2>/dev/null; then devread=ok; else devread=failed; bad=$((bad + 1)); fi
}
n=0 bad=0
echo "NETBOOT-RECONNECT-READY pid=$$"
if busybox grep -q 'reconnect=silent' /proc/cmdline; then
	# the test freezes the server (SIGSTOP) on READY: these reads meet a
	# peer whose TCP still answers but whose NBD never does
	busybox sleep 3
	echo "reading from a silent server"
	readall
elif [ -e /run/netboot/nbd.log ]; then
	busybox sleep 2	# the test stops the server on READY
	readall
	echo "NETBOOT-RECONNECT-PHASE1 files=$n errors=$bad"
	busybox sleep 3	# and again on PHASE1
	readall
else
	busybox sleep 20
	readall
fi
echo "NETBOOT-RECONNECT-DONE files=$n errors=$bad device=$dev:$devread"
[ -e /run/netboot/nbd.log ] && busybox sed 's/^/nbd.log: /' /run/netboot/nbd.log
for p in /proc/[0-9]*; do
	c=$(busybox tr '\0' ' ' < "$p/cmdline" 2>/dev/null)
	case "$c" in @*) echo "process ${p#/proc/}: $c";; esac
done
busybox awk '$3 == "nfs" { print "nfs mount: " $4 }' /proc/mounts
echo "NETBOOT-RECONNECT-END"
busybox poweroff -f
INIT
chmod 755 "$work/lib/test-init" "$work/lib/reconnect-init"
# /etc/resolv.conf must exist for the agent's copy to be visible (overlay keeps the lower one)
: > "$work/etc/resolv.conf"
mksquashfs "$work" "$out.tmp" -all-root -noappend -comp gzip -quiet >/dev/null
mv "$out.tmp" "$out"
echo "testroot: $out ($(stat -c %s "$out") bytes)"
