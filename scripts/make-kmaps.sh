#!/bin/bash
# Builds the binary keymaps of scripts/keymaps.list into OUTDIR with kbd's
# `loadkeys -b` (busybox's bkeymap format; with -b loadkeys never opens a
# console, so no tty or VT is needed) from console-data's sources, and prints
# the gen_init_cpio lines that pack them as /lib/kmaps/<name>.bmap, aliases as
# symlinks.  /init lists that folder to name the available keymaps.
# Usage: make-kmaps.sh OUTDIR > kmaps.list
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
src=/usr/share/keymaps/i386
command -v loadkeys >/dev/null || { echo "make-kmaps: loadkeys missing: apt-get install kbd (scripts/install-deps.sh)" >&2; exit 1; }
[ -d "$src" ] || { echo "make-kmaps: $src missing: apt-get install console-data (scripts/install-deps.sh)" >&2; exit 1; }
rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
# /lib is in modules.list too: a repeated dir entry is harmless to the kernel's unpacker
echo "dir /lib 0755 0 0"
echo "dir /lib/kmaps 0755 0 0"
while read -r name file aliases; do
	case $name in ''|'#'*) continue ;; esac
	map=$(find "$src" -name "$file.kmap.gz" -print -quit)
	[ -n "$map" ] || { echo "make-kmaps: $file.kmap.gz (for $name) not in $src" >&2; exit 1; }
	if ! loadkeys -b "$map" < /dev/null > "$out/$name.bmap" 2> "$out/$name.err" || [ -s "$out/$name.err" ]; then
		echo "make-kmaps: loadkeys -b $map (for $name) failed: $(head -3 "$out/$name.err")" >&2; exit 1
	fi
	rm -f "$out/$name.err"
	echo "file /lib/kmaps/$name.bmap $out/$name.bmap 0644 0 0"
	for a in $aliases; do echo "slink /lib/kmaps/$a.bmap $name.bmap 0777 0 0"; done
done < "$here/keymaps.list"
