#!/bin/bash
# Signed images over HTTP on 127.0.0.1 (busybox httpd) with keys and
# signatures made by the real minisign tool, through `netboot fetch --pubkey`
# (the code /init runs): the good image passes; a tampered image, a missing
# .minisig, another key's signature, a signature of a different file, a
# legacy signature and an altered trusted comment are each refused with
# their own message.  The server is stopped by PID on exit.
command -v minisign >/dev/null || { echo "SKIP: fetch_signed: minisign not installed (scripts/install-deps.sh)"; exit 0; }
TMP_NAME=netboot-sign . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
T=fetch_signed FAIL_SHOW=$TMP/err

k=$TMP/keys; mkdir -p "$k"
minisign -G -p "$k/a.pub" -s "$k/a.key" -W >/dev/null && minisign -G -p "$k/b.pub" -s "$k/b.key" -W >/dev/null ||
	{ echo "FAIL: fetch_signed: minisign -G"; exit 1; }
sign() { minisign -S -s "$k/$1.key" -m "$2" -x "$2.minisig" -t "$3" "${@:4}" >/dev/null; }
www=$TMP/www; mkdir -p "$www"/{good,tampered,unsigned,otherkey,otherfile,legacy,comment,mirror}
head -c $((3 * 1024 * 1024 + 77)) /dev/urandom > "$www/good/sysrcd.dat"
sign a "$www/good/sysrcd.dat" "release 42, the good one"
want=$(sha256sum < "$www/good/sysrcd.dat" | cut -d' ' -f1)
cp "$www/good/sysrcd.dat"* "$www/tampered/" && printf 'X' | dd of="$www/tampered/sysrcd.dat" bs=1 seek=65536 conv=notrunc status=none
cp "$www/good/sysrcd.dat" "$www/unsigned/" && (cd "$www/unsigned" && md5sum sysrcd.dat > sysrcd.md5)
cp "$www/good/sysrcd.dat" "$www/otherkey/" && sign b "$www/otherkey/sysrcd.dat" "signed by b"
# minisign's default trusted comment names the file signed: that tells a signature of another file apart
head -c 4096 /dev/urandom > "$www/otherfile/old.dat" && cp "$www/good/sysrcd.dat" "$www/otherfile/" &&
	(cd "$www/otherfile" && minisign -S -s "$k/a.key" -m old.dat -x sysrcd.dat.minisig >/dev/null)
cp "$www/good/sysrcd.dat" "$www/legacy/" && sign a "$www/legacy/sysrcd.dat" "legacy" -l
cp "$www/good/sysrcd.dat"* "$www/comment/" && sed -i 's/^trusted comment: release 42/trusted comment: release 43/' "$www/comment/sysrcd.dat.minisig"
cp "$www/good/sysrcd.dat"* "$www/mirror/"

bb=$(free_port); busybox httpd -f -p 127.0.0.1:$bb -h "$www" & PIDS+=($!)
wait_port $bb || { echo "FAIL: fetch_signed: busybox httpd did not start"; exit 1; }
U=http://127.0.0.1:$bb
fetch() { "$NB" fetch --quiet "$@" > "$TMP/out" 2> "$TMP/err"; }
same() { [ "$(sha256sum < "$1" | cut -d' ' -f1)" = "$want" ]; }

fetch "$U/good/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/1" && same "$TMP/1" && grep -q '^verified=blake2b:' "$TMP/out" &&
	grep -q "^signature=$U/good/sysrcd.dat.minisig" "$TMP/out" && grep -q '^trusted_comment=release 42, the good one$' "$TMP/out" &&
	pass "signed image verifies, trusted comment reported" || fail "signed image verifies"
fetch "$U/good/sysrcd.dat" --pubkey "$k/b.pub" --pubkey "$k/a.pub" -o "$TMP/2" && same "$TMP/2" &&
	pass "two keys: the second one signs" || fail "two keys: the second one signs"
fetch "$U/tampered/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/3"; rc=$?
[ $rc -eq 3 ] && grep -q 'does not verify sysrcd.dat: the image was altered' "$TMP/err" &&
	pass "tampered image refused (exit 3)" || fail "tampered image refused (exit $rc)"
fetch "$U/unsigned/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/4"; rc=$?
[ $rc -eq 4 ] && grep -q "sysrcd.dat.minisig: signature not found" "$TMP/err" && grep -q 'unsigned image is not booted' "$TMP/err" &&
	pass "missing signature refused, md5 beside it not enough (exit 4)" || fail "missing signature refused (exit $rc)"
fetch "$U/otherkey/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/5"; rc=$?
[ $rc -eq 5 ] && grep -q 'signed by key [0-9A-F]*, which is not a key built into' "$TMP/err" && [ ! -s "$TMP/5" ] &&
	pass "another key's signature refused before the download (exit 5)" || fail "another key refused (exit $rc)"
fetch "$U/otherfile/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/6"; rc=$?
[ $rc -eq 3 ] && grep -q 'is the signature of another file (old.dat' "$TMP/err" &&
	pass "signature of a different file refused, naming it (exit 3)" || fail "signature of a different file (exit $rc)"
fetch "$U/legacy/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/7"; rc=$?
[ $rc -eq 5 ] && grep -q 'legacy ("Ed", not prehashed) signature' "$TMP/err" &&
	pass "legacy signature refused with the way out (exit 5)" || fail "legacy signature refused (exit $rc)"
fetch "$U/comment/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/8"; rc=$?
[ $rc -eq 3 ] && grep -q 'trusted comment or the signature was altered' "$TMP/err" &&
	pass "altered trusted comment refused (exit 3)" || fail "altered trusted comment refused (exit $rc)"
fetch "$U/good/sysrcd.dat" --nocheck --checksum "md5:00000000000000000000000000000000" --pubkey "$k/a.pub" -o "$TMP/9" && same "$TMP/9" &&
	grep -q '^verified=blake2b:' "$TMP/out" && pass "nocheck and checksum= do not switch the signature off" ||
	fail "nocheck and checksum= do not switch the signature off"
fetch "$U/tampered/sysrcd.dat,$U/mirror/sysrcd.dat" --pubkey "$k/a.pub" -o "$TMP/10" && same "$TMP/10" &&
	grep -q "served_by=$U/mirror/sysrcd.dat" "$TMP/out" && pass "tampered mirror skipped, the next one verifies" ||
	fail "tampered mirror skipped"
fetch "$U/unsigned/sysrcd.dat" -o "$TMP/11" && grep -q '^verified=md5:' "$TMP/out" &&
	pass "without a key: md5 as before" || fail "without a key: md5 as before"
"$NB" fetch "$U/good/sysrcd.dat" --pubkey "$www/good/sysrcd.dat.minisig" -o "$TMP/12" 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'sysrcd.dat.minisig: .*42 bytes' "$TMP/err" && pass "a signature given as key: named, exit 2" ||
	fail "a signature given as key (exit $rc)"
# the tool's own digest and minisign -V agree on what was verified
minisign -V -p "$k/a.pub" -m "$TMP/1" -x "$www/good/sysrcd.dat.minisig" -q >/dev/null &&
	pass "minisign -V agrees on the downloaded file" || fail "minisign -V agrees"
