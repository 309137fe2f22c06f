#!/bin/bash
# make deb: OUT_DIR/netboot_<VERSION>-1_<arch>.deb from `make install` into
# a staging root (PREFIX=/usr, OUT_DIR/deb/root), with dpkg-deb
# --root-owner-group (no fakeroot needed).  Depends from dpkg-shlibdeps on the
# dynamic binary; the example config is a conffile; packaging/debian/ holds
# the control template and the maintainer scripts.  gzip, not xz: the kernel
# and the initramfs are compressed already (xz: 14 s for 0.3 % less).
# Usage: packaging/mkdeb.sh BUILD_DIR VERSION [OUT_DIR]
set -euo pipefail
usage="usage: mkdeb.sh BUILD_DIR VERSION [OUT_DIR]"
B=${1:?$usage}
upstream=${2:?$usage}
out=${3:-$B}
version=$upstream-${DEB_REVISION:-1}
maintainer=${MAINTAINER:-netboot developers <netboot@example.org>}
arch=$(dpkg --print-architecture)
commit=$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
# the changelog's date: the last commit's, so a rebuild gives the same text
date=$(git log -1 --format=%cD 2>/dev/null || date -uR)
deb=$out/netboot_${version}_$arch.deb
work=$out/deb
root=$work/root
doc=$root/usr/share/doc/netboot

rm -rf "$work"
mkdir -p "$work/src/debian" "$root/DEBIAN"
make -s install B="$B" DESTDIR="$(realpath "$root")" PREFIX=/usr >/dev/null
# what a Debian binary ships: stripped, the man page compressed
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/sbin/netboot"
gzip -9n "$root/usr/share/man/man8/netboot.8"
install -d "$doc"
install -m 0644 packaging/debian/copyright "$doc/copyright"
sed "s|@VERSION@|$version|; s|@DATE@|$date|; s|@COMMIT@|$commit|; s|@MAINTAINER@|$maintainer|" \
	packaging/debian/changelog | gzip -9n > "$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/netboot"

# the libraries the binary links, as dpkg-shlibdeps reads them from the
# installed packages (it wants a debian/control beside it)
sed "s|@MAINTAINER@|$maintainer|" packaging/debian/control > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$(realpath "../root/usr/sbin/netboot")" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "mkdeb: dpkg-shlibdeps found no libraries for usr/sbin/netboot" >&2; exit 1; }

# the binary stanza of packaging/debian/control, filled in
{
	echo "Package: netboot"
	echo "Version: $version"
	echo "Architecture: $arch"
	echo "Maintainer: $maintainer"
	echo "Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)"
	sed -n '/^Package:/,$p' packaging/debian/control | sed '1d; /^Architecture:/d' |
		sed "s|\${shlibs:Depends}|$shlibs|"
	grep -E '^(Section|Priority):' packaging/debian/control
} > "$root/DEBIAN/control"
echo /etc/netboot/serve.conf > "$root/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zgzip -z9 --build "$root" "$deb" >/dev/null
echo "mkdeb: $deb ($(stat -c %s "$deb") bytes), Depends: $(dpkg-deb -f "$deb" Depends)"
