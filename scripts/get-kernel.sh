#!/bin/bash
# Fetches the Debian kernel the tests boot (never installed into the host's
# /boot): apt-get download + dpkg -x into $1, then depmod, since the package
# ships no modules.dep.  Leaves $1/vmlinuz, $1/version and $1/lib/modules/<v>/.
set -euo pipefail
dest=${1:-build/kernel}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$pkg" ] || { echo "get-kernel: cannot resolve linux-image-amd64's kernel package" >&2; exit 1; }
ver=${pkg#linux-image-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q "$pkg" >/dev/null)
dpkg -x "$work"/*.deb "$work/root"
rm -rf "$dest/lib"
mkdir -p "$dest/lib/modules"
mv "$work/root/lib/modules/$ver" "$dest/lib/modules/"
cp "$work/root/boot/vmlinuz-$ver" "$dest/vmlinuz.tmp"
depmod -b "$dest" "$ver"
echo "$ver" > "$dest/version"
mv "$dest/vmlinuz.tmp" "$dest/vmlinuz"
echo "get-kernel: $pkg in $dest"
