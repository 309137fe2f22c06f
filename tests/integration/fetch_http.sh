#!/bin/bash
# `netboot fetch` (the code /init runs) against real HTTP servers on 127.0.0.1:
# busybox httpd and nginx.  Every server is stopped by PID on exit.
TMP_NAME=netboot-http . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
FAIL_SHOW=$TMP/err

www=$TMP/www; mkdir -p "$www/sub" "$www/sha"
head -c $((5 * 1024 * 1024 + 123)) /dev/urandom > "$www/sysrcd.dat"
(cd "$www" && md5sum sysrcd.dat > sysrcd.md5)
cp "$www/sysrcd.dat" "$www/sha/image.sqfs"
(cd "$www/sha" && sha256sum image.sqfs > image.sqfs.sha256)
cp "$www/sysrcd.dat" "$www/sub/sysrcd.dat"
(cd "$www/sub" && md5sum sysrcd.dat > sysrcd.md5)
printf 'X' | dd of="$www/sub/sysrcd.dat" bs=1 seek=4096 conv=notrunc status=none
want_sha=$(sha256sum < "$www/sysrcd.dat" | cut -d' ' -f1)

bb=$(free_port); busybox httpd -f -p 127.0.0.1:$bb -h "$www" & PIDS+=($!)
wait_port $bb || { echo "FAIL: busybox httpd did not start"; exit 1; }

fetch() { "$NB" fetch --quiet "$@" > "$TMP/out" 2> "$TMP/err"; }
same() { [ "$(sha256sum < "$1" | cut -d' ' -f1)" = "$want_sha" ]; }

fetch "http://127.0.0.1:$bb/sysrcd.dat" -o "$TMP/a" && same "$TMP/a" && grep -q '^verified=md5:' "$TMP/out" &&
	grep -q "checksum_source=http://127.0.0.1:$bb/sysrcd.md5" "$TMP/out" &&
	pass "busybox httpd: fetch + md5 verify" || fail "busybox httpd: fetch + md5 verify"
fetch "http://127.0.0.1:$bb/sha/image.sqfs" -o "$TMP/b" && same "$TMP/b" && grep -q '^verified=sha256:' "$TMP/out" &&
	pass "sha256 file beside the image" || fail "sha256 file beside the image"
fetch "http://127.0.0.1:$bb/sysrcd.dat" --checksum "sha256:$want_sha" -o "$TMP/c" && grep -q 'checksum_source=checksum= argument' "$TMP/out" &&
	pass "checksum= argument wins" || fail "checksum= argument wins"
fetch "http://127.0.0.1:$bb/sysrcd.dat" --checksum "sha256:$(printf '0%.0s' $(seq 64))" -o "$TMP/d"; rc=$?
[ $rc -eq 3 ] && grep -q 'sha256 mismatch' "$TMP/err" && pass "checksum= mismatch refused (exit 3)" || fail "checksum= mismatch refused (exit $rc)"
fetch "http://127.0.0.1:$bb/sub/sysrcd.dat" -o "$TMP/e"; rc=$?
[ $rc -eq 3 ] && grep -q 'md5 mismatch' "$TMP/err" && ! grep -qi 'not found' "$TMP/err" &&
	pass "corrupted image: md5 mismatch (exit 3)" || fail "corrupted image: md5 mismatch (exit $rc)"
fetch "http://127.0.0.1:$bb/nothere/sysrcd.dat" -o "$TMP/f"; rc=$?
[ $rc -eq 4 ] && grep -q "sysrcd.dat: HTTP 404 Not Found from http://127.0.0.1:$bb/nothere/sysrcd.dat: the image is not on the server" "$TMP/err" &&
	! grep -q 'mismatch\|nocheck' "$TMP/err" &&
	pass "missing image: its own 404 named, no nocheck advice (exit 4)" || fail "missing image: 404 (exit $rc)"
# the image there but no checksum file: that 404 is the cause, and nocheck the way round it
cp "$www/sysrcd.dat" "$www/sha/bare.dat"
fetch "http://127.0.0.1:$bb/sha/bare.dat" -o "$TMP/f2"; rc=$?
[ $rc -eq 4 ] && grep -q "bare.md5: HTTP 404 Not Found from .*checksum= or nocheck" "$TMP/err" &&
	! grep -q 'the image is not on the server' "$TMP/err" &&
	pass "missing checksum file: its 404 named, nocheck advised (exit 4)" || fail "missing checksum file (exit $rc)"
fetch "http://127.0.0.1:$bb/sysrcd.dat" --nocheck -o "$TMP/g" && same "$TMP/g" && grep -q '^verified=no' "$TMP/out" &&
	pass "nocheck downloads unverified" || fail "nocheck downloads unverified"
dead=$(free_port)
fetch "http://127.0.0.1:$dead/sysrcd.dat" --tries 2 -o "$TMP/h"; rc=$?
[ $rc -eq 1 ] && grep -q "cannot connect to 127.0.0.1 port $dead" "$TMP/err" &&
	pass "nobody listening: connection refused named" || fail "nobody listening (exit $rc)"
fetch "http://127.0.0.1:$dead/sysrcd.dat,http://127.0.0.1:$bb/sysrcd.dat" --tries 1 -o "$TMP/i" && same "$TMP/i" &&
	grep -q "served_by=http://127.0.0.1:$bb/sysrcd.dat" "$TMP/out" && pass "mirror failover" || fail "mirror failover"

# nginx: keep-alive, redirects, chunked bodies (gzip-less), Range
if command -v nginx >/dev/null; then
	ng=$(free_port)
	mkdir -p "$TMP/nginx"
	nginx_conf "$TMP/nginx" <<CONF
	log_format conn '\$connection \$request \$status'; access_log $TMP/nginx/access.log conn;
	server { listen 127.0.0.1:$ng; root $www;
		location = /old/sysrcd.dat { return 302 /sysrcd.dat; }
		location = /old/sysrcd.md5 { return 301 http://127.0.0.1:$ng/sysrcd.md5; }
		location = /loop/sysrcd.md5 { return 302 /loop/sysrcd.md5; }
	}
CONF
	if start_nginx "$TMP/nginx" "$ng"; then
		# --portable-hash: as on a CPU without SHA-NI, the seed's order (sysrcd.md5 first)
		fetch "http://127.0.0.1:$ng/sysrcd.dat" --portable-hash -o "$TMP/n1" && same "$TMP/n1" && pass "nginx: fetch + md5 verify" || fail "nginx: fetch + md5 verify"
		[ "$(awk '{print $1}' "$TMP/nginx/access.log" | sort -u | wc -l)" = 1 ] && [ "$(wc -l < "$TMP/nginx/access.log")" = 2 ] &&
			pass "nginx: checksum and image over one kept-alive connection" || { fail "nginx: keep-alive"; cat "$TMP/nginx/access.log"; }
		: > "$TMP/nginx/access.log"
		fetch "http://127.0.0.1:$ng/sysrcd.dat" -o "$TMP/n1" && same "$TMP/n1" && grep -q '^verified=md5:' "$TMP/out" &&
		[ "$(awk '{print $1}' "$TMP/nginx/access.log" | sort -u | wc -l)" = 1 ] && [ "$(tail -1 "$TMP/nginx/access.log" | cut -d' ' -f2-)" = "GET /sysrcd.dat HTTP/1.1 200" ] &&
			pass "nginx: the 404s of sha256 names before sysrcd.md5 keep the connection" || { fail "nginx: keep-alive after 404"; cat "$TMP/nginx/access.log"; }
		fetch "http://127.0.0.1:$ng/nothere/sysrcd.dat" -o "$TMP/n4"; rc=$?
		[ $rc -eq 4 ] && grep -q "sysrcd.dat: HTTP 404 Not Found from http://127.0.0.1:$ng/nothere/sysrcd.dat: the image is not on the server" "$TMP/err" &&
			! grep -q nocheck "$TMP/err" && pass "nginx: a missing image's own 404 named" || fail "nginx: missing image (exit $rc)"
		fetch "http://127.0.0.1:$ng/old/sysrcd.dat" -o "$TMP/n2" && same "$TMP/n2" && pass "nginx: 301/302 redirects followed" || fail "nginx: redirects"
		fetch "http://127.0.0.1:$ng/loop/sysrcd.dat" -o "$TMP/n3"; rc=$?
		[ $rc -ne 0 ] && grep -q 'more than 5 redirects' "$TMP/err" && pass "nginx: redirect loop bounded" || fail "nginx: redirect loop (exit $rc)"
	else
		echo "FAIL: nginx did not start: $(tail -2 "$TMP/nginx/nginx.stderr")"
	fi
else
	echo "FAIL: nginx not installed (scripts/install-deps.sh installs nginx-light)"
fi
