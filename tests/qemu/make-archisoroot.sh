#!/bin/bash
# make-archisoroot.sh OUT_DIR: the archiso layout SystemRescue >= 6 ships,
#
#   OUT_DIR/sysresccd/x86_64/airootfs.sfs      the networkd Debian root (make-debroot.sh)
#   OUT_DIR/sysresccd/x86_64/airootfs.sha512   "<hex>  airootfs.sfs", as sha512sum writes it
#
# for archisobasedir=sysresccd with archiso_http_srv=, archiso_nfs_srv= or
# archiso_nbd_srv=.  The image is built once into build/debroot/networkd.sqfs
# (rebuilt only when its recipe changes) and hardlinked here (copied when
# OUT_DIR is on another file system).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
img=$(cd "$here/../.." && pwd)/build/debroot/networkd.sqfs
mkdir -p "$(dirname "$img")"
"$here/make-debroot.sh" networkd "$img"

dir=$out/sysresccd/x86_64
mkdir -p "$dir"
rm -f "$dir/airootfs.sfs" "$dir/airootfs.sha512"
ln "$img" "$dir/airootfs.sfs" 2>/dev/null || cp "$img" "$dir/airootfs.sfs"
(cd "$dir" && sha512sum airootfs.sfs > airootfs.sha512.tmp && mv airootfs.sha512.tmp airootfs.sha512)
echo "archisoroot: $dir/airootfs.sfs ($(stat -c %s "$dir/airootfs.sfs") bytes), airootfs.sha512"
