#!/bin/bash
# apt-mirror.sh SUITE: the URI this machine's apt uses for "SUITE main", one a
# line: deb822 *.sources first, then one-line *.list entries (disabled files
# are skipped as apt skips them).  The Debian roots of the QEMU tests
# (tests/qemu/make-debroot.sh) and the peers' initrds of the real-root race
# (bench/make-liveboot.sh) are built from it, never from a hard-coded mirror.
set -u
[ $# -eq 1 ] || { echo "usage: $0 SUITE" >&2; exit 2; }
apt_mirror() {
	local suite=$1 f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$suite" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") &&
				    (" " comps " ") ~ / main / && tolower(enabled) != "no" && uris != "" && !found) {
					split(uris, u, " "); print u[1]; found = 1
				}
				types = suites = comps = uris = enabled = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[A-Za-z-]+:/ {
				key = tolower($1); sub(/:$/, "", key)
				val = $0; sub(/^[^:]*:[ \t]*/, "", val)
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "components") comps = val
				else if (key == "enabled") enabled = val
			}
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
			awk -v suite="$suite" '$1 == "deb" && $3 == suite { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }'
	done
}
apt_mirror "$1"
