#!/bin/bash
# Prints gen_init_cpio lines putting the minisign public keys given (make
# initramfs PUBKEY="a.pub b.pub") into /etc/netboot/keys/ of the initramfs;
# with none, prints nothing (/init then boots as without signatures).  A file
# that is not a minisign public key stops the build: /init would refuse to
# boot anything with it (a key it cannot read is never skipped).
set -euo pipefail
[ $# -eq 0 ] && exit 0
echo "dir /etc/netboot 0755 0 0"
echo "dir /etc/netboot/keys 0755 0 0"
i=0
for k in "$@"; do
	[ -r "$k" ] || { echo "keys-list: PUBKEY $k: not readable" >&2; exit 1; }
	# the key line: base64 of "Ed" + key id + key (42 bytes: 56 characters, starting "RW")
	grep -v '^untrusted comment:' "$k" | grep -v '^[[:space:]]*$' | tr -d '\r' | grep -Eqx 'RW[A-Za-z0-9+/]{54}' ||
		{ echo "keys-list: PUBKEY $k: not a minisign public key (expected an \"untrusted comment:\" line and a base64 key line, as minisign -G writes)" >&2; exit 1; }
	i=$((i + 1))
	echo "file /etc/netboot/keys/$i-$(basename "$k" .pub | tr -c 'A-Za-z0-9._\n-' _).pub $(realpath "$k") 0644 0 0"
done
