#!/bin/bash
# Which checksum file `netboot fetch` verifies with when the server offers
# several (netboot serve writes sysrcd.md5 and sysrcd.sha256): the cheapest
# on this CPU, SHA-256 with SHA-NI, else MD5; checksum= always wins; a wrong
# file is a mismatch, never a boot.  busybox httpd on 127.0.0.1, stopped by PID.
TMP_NAME=netboot-choice . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
FAIL_SHOW="$TMP/out $TMP/err" FAIL_LINES=8

www=$TMP/www
for d in both sha md5 badsha badmd5 none; do mkdir -p "$www/$d"; done
head -c $((3 * 1024 * 1024 + 77)) /dev/urandom > "$TMP/img"
for d in both sha md5 badsha badmd5 none; do cp "$TMP/img" "$www/$d/sysrcd.dat"; done
(cd "$www/both" && md5sum sysrcd.dat > sysrcd.md5 && sha256sum sysrcd.dat > sysrcd.sha256)
(cd "$www/sha" && sha256sum sysrcd.dat > sysrcd.sha256)
(cd "$www/md5" && md5sum sysrcd.dat > sysrcd.md5)
# a wrong digest in the file the CPU prefers, the other one right
(cd "$www/badsha" && md5sum sysrcd.dat > sysrcd.md5 && echo "$(printf 'ab%.0s' $(seq 32))  sysrcd.dat" > sysrcd.sha256)
(cd "$www/badmd5" && sha256sum sysrcd.dat > sysrcd.sha256 && echo "$(printf 'cd%.0s' $(seq 16))  sysrcd.dat" > sysrcd.md5)
want_md5=$(md5sum < "$TMP/img" | cut -d' ' -f1)

if grep -qw sha_ni /proc/cpuinfo; then fast=sha256 why='SHA-NI'; else fast=md5 why='no SHA-NI'; fi
echo "# this CPU verifies with $fast first ($why)"

bb=$(free_port); busybox httpd -f -p 127.0.0.1:$bb -h "$www" & PIDS+=($!)
wait_port $bb || { echo "FAIL: busybox httpd did not start"; exit 1; }
url() { echo "http://127.0.0.1:$bb/$1/sysrcd.dat"; }
fetch() { rm -f "$TMP/o"; "$NB" fetch "$@" -o "$TMP/o" > "$TMP/out" 2> "$TMP/err"; }
same() { cmp -s "$TMP/img" "$TMP/o"; }

fetch "$(url both)" && same && grep -q "^verified=$fast:" "$TMP/out" && grep -q "checksum_source=.*/both/sysrcd.$fast\$" "$TMP/out" &&
	grep -q "verifying with $fast .*the fastest to verify on this CPU ($why)" "$TMP/err" &&
	pass "both files: $fast chosen, the console line says why" || fail "both files: $fast chosen"
fetch "$(url both)" --portable-hash && same && grep -q '^verified=md5:' "$TMP/out" && grep -q '^hash=md5 portable' "$TMP/out" &&
	pass "both files, no SHA-NI: md5 chosen (the seed's file)" || fail "both files, no SHA-NI: md5"
fetch "$(url sha)" && same && grep -q '^verified=sha256:' "$TMP/out" && pass "only sysrcd.sha256: sha256" || fail "only sysrcd.sha256"
fetch "$(url sha)" --portable-hash && same && grep -q '^verified=sha256:' "$TMP/out" && grep -q '^hash=sha256 portable' "$TMP/out" &&
	grep -q 'no md5 file beside it' "$TMP/err" &&
	pass "only sysrcd.sha256, no SHA-NI: sha256 with the portable code" || fail "only sysrcd.sha256, no SHA-NI"
fetch "$(url md5)" && same && grep -q "^verified=md5:$want_md5" "$TMP/out" && pass "only sysrcd.md5: md5, as before" || fail "only sysrcd.md5"
if [ $fast = sha256 ]; then
	grep -q '^hash=sha256 sha-ni' <("$NB" fetch "$(url sha)" -o "$TMP/o" 2>/dev/null) && pass "sha256 runs on SHA-NI" || fail "sha256 on SHA-NI"
	fetch "$(url md5)" && grep -q 'no sha256 file beside it' "$TMP/err" && pass "only md5: the console says no sha256 file" || fail "only md5: why"
fi
fetch "$(url bad$([ $fast = sha256 ] && echo sha || echo md5))"; rc=$?
[ $rc -eq 3 ] && grep -q "$fast mismatch" "$TMP/err" && grep -q 'not booting it' "$TMP/err" &&
	pass "wrong $fast file: mismatch refused (exit 3), not skipped for the other file" || fail "wrong $fast file (exit $rc)"
fetch "$(url badsha)" --portable-hash && same && grep -q '^verified=md5:' "$TMP/out" &&
	pass "no SHA-NI: the md5 file decides, as before" || fail "no SHA-NI with a wrong sha256 file"
fetch "$(url both)" --checksum "md5:$want_md5" && grep -q '^verified=md5:' "$TMP/out" && grep -q 'checksum_source=checksum= argument' "$TMP/out" &&
	pass "checksum= wins over the files" || fail "checksum= wins"
fetch "$(url badsha)" --checksum "md5:$want_md5" && same && pass "checksum= wins over a wrong file" || fail "checksum= over a wrong file"
fetch "http://127.0.0.1:$bb/none/sysrcd.dat"; rc=$?
[ $rc -eq 4 ] && grep -q "sysrcd.md5: HTTP 404 Not Found from http://127.0.0.1:$bb/none/sysrcd.md5 (also not found: " "$TMP/err" &&
	grep -q 'sysrcd.sha256' "$TMP/err" && pass "no checksum file: the seed's 404 is the cause, the others listed" || fail "no checksum file (exit $rc)"
