#!/bin/bash
# Builds the test root image: a small squashfs whose /sbin/init prints a
# marker, the network handover the agent left, and powers off.
set -euo pipefail
out=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,sbin,lib,proc,sys,dev,run,tmp,etc}
cp /bin/busybox "$work/bin/busybox"
ln -s busybox "$work/bin/sh"
# /sbin/init is an absolute symlink, as on Debian (-> /lib/systemd/systemd)
ln -s /lib/test-init "$work/sbin/init"
cat > "$work/lib/test-init" <<'INIT'
#!/bin/busybox sh
export PATH=/bin
echo "NETBOOT-TEST-ROOT-OK pid=$$"
for f in /run/netboot/*.conf /run/netboot/signature /run/netboot/trusted-comment; do
	[ -f "$f" ] && sed "s|^|handover $(basename "$f"): |" "$f"; done
echo "resolv.conf: $(busybox tr '\n' ' ' < /etc/resolv.conf 2>/dev/null)"
busybox touch /tmp/writable 2>/dev/null && echo "root is writable"
echo "mounts: $(busybox awk '{print $2":"$3}' /proc/mounts | busybox tr '\n' ' ')"
busybox poweroff -f
INIT
chmod 755 "$work/lib/test-init"
# /etc/resolv.conf must exist for the agent's copy to be visible (overlay keeps the lower one)
: > "$work/etc/resolv.conf"
mksquashfs "$work" "$out.tmp" -all-root -noappend -comp gzip -quiet >/dev/null
mv "$out.tmp" "$out"
echo "testroot: $out ($(stat -c %s "$out") bytes)"
