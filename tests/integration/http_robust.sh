#!/bin/bash
# The HTTP client on real networks' bad days, against real servers on 127.0.0.1:
# a server killed mid-transfer and restarted (resume with Range, result verifies),
# a server that truncates, a wrong Content-Length, no Content-Length, chunked
# bodies, a proxy.  Every server is stopped by PID on exit.
TMP_NAME=netboot-robust . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
FAIL_SHOW=$TMP/err FAIL_LINES=6

www=$TMP/www; mkdir -p "$www/cgi-bin"
head -c $((12 * 1024 * 1024)) /dev/urandom > "$www/sysrcd.dat"
(cd "$www" && md5sum sysrcd.dat > sysrcd.md5)
size=$(stat -c %s "$www/sysrcd.dat")
want=$(md5sum < "$www/sysrcd.dat" | cut -d' ' -f1)
same() { [ "$(md5sum < "$1" | cut -d' ' -f1)" = "$want" ]; }

# --- nginx: rate-limited so a transfer lasts long enough to be killed ---
ng=$(free_port)
nginx_conf "$TMP" <<CONF
	log_format l '\$request \$status \$body_bytes_sent'; access_log $TMP/access.log l;
	server { listen 127.0.0.1:$ng; root $www;
		location = /slow/sysrcd.dat { alias $www/sysrcd.dat; limit_rate 3m; }
		location = /slow/sysrcd.md5 { alias $www/sysrcd.md5; }
		location /chunked/ { alias $www/; sub_filter_types *; sub_filter 'NEVER-IN-THE-DATA' 'x'; }
		location /proxied/ { proxy_pass http://127.0.0.1:$ng/; }
	}
CONF
start_nginx "$TMP" "$ng" || { echo "FAIL: nginx did not start"; exit 1; }

# 1. killed mid-transfer, restarted: resumes with Range and verifies
nginx_cut "$TMP" "$ng" "$NB" fetch "http://127.0.0.1:$ng/slow/sysrcd.dat" -o "$TMP/r1" > "$TMP/out" 2> "$TMP/err"; rc=$?
if [ $rc -eq 0 ] && same "$TMP/r1" && grep -q 'retrying' "$TMP/err" && grep -qE 'GET /slow/sysrcd.dat HTTP/1.1 206' "$TMP/access.log"; then
	pass "server killed mid-transfer: resumed with Range (206), md5 verified"
else fail "server killed mid-transfer (exit $rc)"; cat "$TMP/access.log"; fi

# 2. chunked transfer encoding (nginx's sub_filter drops Content-Length)
curl -s -D "$TMP/hdr" -o /dev/null "http://127.0.0.1:$ng/chunked/sysrcd.dat"; grep -qi "^transfer-encoding: chunked" "$TMP/hdr" && "$NB" fetch --quiet "http://127.0.0.1:$ng/chunked/sysrcd.dat" -o "$TMP/r2" > "$TMP/out" 2> "$TMP/err" && same "$TMP/r2" &&
	pass "chunked body decoded and verified" || fail "chunked body"
# 3. through an HTTP proxy (absolute-form request)
"$NB" fetch --quiet --proxy "http://127.0.0.1:$ng" "http://127.0.0.1:$ng/proxied/sysrcd.dat" -o "$TMP/r3" > "$TMP/out" 2> "$TMP/err" &&
	same "$TMP/r3" && grep -q "GET http://127.0.0.1:$ng/proxied/sysrcd.dat" "$TMP/access.log" &&
	pass "proxy= sends absolute-form requests and the result verifies" || fail "proxy"

# --- busybox httpd CGI scripts: servers that lie ---
cat > "$www/cgi-bin/truncate" <<SH
#!/bin/sh
printf 'Content-Type: application/octet-stream\r\nContent-Length: $size\r\n\r\n'
head -c $((size / 2)) $www/sysrcd.dat
SH
cat > "$www/cgi-bin/nolength" <<SH
#!/bin/sh
printf 'Content-Type: application/octet-stream\r\n\r\n'
cat $www/sysrcd.dat
SH
cat > "$www/cgi-bin/short-length" <<SH
#!/bin/sh
printf 'Content-Type: application/octet-stream\r\nContent-Length: $((size - 1000))\r\n\r\n'
cat $www/sysrcd.dat
SH
# first answer cut short, later ones whole, Range always ignored: the client must restart from zero
cat > "$www/cgi-bin/norange" <<SH
#!/bin/sh
printf 'Content-Type: application/octet-stream\r\nContent-Length: $size\r\n\r\n'
if [ -e $TMP/norange.seen ]; then cat $www/sysrcd.dat; else : > $TMP/norange.seen; head -c 3000000 $www/sysrcd.dat; fi
SH
# a trickle: headers, then a byte a second
cat > "$www/cgi-bin/trickle" <<SH
#!/bin/sh
printf 'Content-Type: application/octet-stream\r\nContent-Length: $size\r\n\r\n'
while :; do printf x; sleep 1; done
SH
chmod +x "$www/cgi-bin/"*
bb=$(free_port); busybox httpd -f -p "127.0.0.1:$bb" -h "$www" & PIDS+=($!)
wait_port "$bb" || { echo "FAIL: busybox httpd did not start"; exit 1; }
sum="md5:$want"
"$NB" fetch --quiet --tries 3 --checksum "$sum" "http://127.0.0.1:$bb/cgi-bin/truncate" -o "$TMP/r4" > "$TMP/out" 2> "$TMP/err"; rc=$?
[ $rc -eq 1 ] && grep -q "connection closed after $((size / 2)) bytes" "$TMP/err" &&
	pass "truncating server: bounded retries, then 'connection closed after N bytes'" || fail "truncating server (exit $rc)"
"$NB" fetch --quiet --checksum "$sum" "http://127.0.0.1:$bb/cgi-bin/nolength" -o "$TMP/r5" > "$TMP/out" 2> "$TMP/err" && same "$TMP/r5" &&
	pass "no Content-Length: read to close, verified" || fail "no Content-Length"
"$NB" fetch --quiet --checksum "$sum" "http://127.0.0.1:$bb/cgi-bin/short-length" -o "$TMP/r6" > "$TMP/out" 2> "$TMP/err"; rc=$?
[ $rc -eq 3 ] && grep -q 'md5 mismatch' "$TMP/err" && [ "$(stat -c %s "$TMP/r6")" -eq $((size - 1000)) ] &&
	pass "Content-Length smaller than the body: only N bytes taken, mismatch refused" || fail "wrong Content-Length (exit $rc)"
"$NB" fetch --checksum "$sum" "http://127.0.0.1:$bb/cgi-bin/norange" -o "$TMP/r7" > "$TMP/out" 2> "$TMP/err"; rc=$?
[ $rc -eq 0 ] && same "$TMP/r7" && grep -q 'server ignored Range, restarting from zero' "$TMP/err" &&
	pass "server ignoring Range: restarted from zero, verified" || fail "server ignoring Range (exit $rc)"
t0=$(date +%s)
timeout 20 "$NB" fetch --quiet --tries 1 --stall-window 3 --checksum "$sum" "http://127.0.0.1:$bb/cgi-bin/trickle" -o "$TMP/r8" > "$TMP/out" 2> "$TMP/err"; rc=$?
t=$(( $(date +%s) - t0 ))
[ $rc -eq 1 ] && [ $t -le 8 ] && grep -q "connection timed out after" "$TMP/err" &&
	pass "trickling server (1 byte/s): the try fails at the floor rate (${t} s with --stall-window 3)" || fail "trickling server (exit $rc, ${t} s)"
