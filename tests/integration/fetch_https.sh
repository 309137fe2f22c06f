#!/bin/bash
# `netboot fetch` over https:// (the code /init runs, BearSSL) against nginx with
# TLS on 127.0.0.1, its certificates from a CA this test makes (tls_certs.sh):
# fetch + verify, by name and by address (iPAddress SAN); a wrong host name, an
# unknown CA, an expired and a self-signed certificate each refused with its own
# line; Range resume over TLS; redirects http->https (followed) and https->http
# (refused); mirrors mixing http and https; a CONNECT tunnel through tinyproxy.
# Every server is stopped by PID on exit.
TMP_NAME=netboot-https . "$(dirname "$0")/../lib.sh"
NB=${NB:-$ROOT/build/netboot}
FAIL_SHOW=$TMP/err FAIL_LINES=6
command -v nginx >/dev/null || { echo "SKIP: https: nginx not installed (scripts/install-deps.sh)"; exit 0; }

C=$TMP/certs
bash "$ROOT/tests/integration/tls_certs.sh" "$C" || { echo "FAIL: https: openssl could not make the test certificates"; exit 1; }
www=$TMP/www; mkdir -p "$www"
head -c $((12 * 1024 * 1024 + 77)) /dev/urandom > "$www/sysrcd.dat"
(cd "$www" && md5sum sysrcd.dat > sysrcd.md5)
want=$(md5sum < "$www/sysrcd.dat" | cut -d' ' -f1)
same() { [ "$(md5sum < "$1" | cut -d' ' -f1)" = "$want" ]; }

good=$(free_port) wrong=$(free_port) unknown=$(free_port) expired=$(free_port) self=$(free_port) plain=$(free_port)
srv() { # port cert [extra]
	echo "server { listen 127.0.0.1:$1 ssl; ssl_certificate $C/$2.crt; ssl_certificate_key $C/$2.key; root $www; $3 }"
}
nginx_conf "$TMP" <<CONF
	log_format l '\$connection \$request \$status \$body_bytes_sent'; access_log $TMP/access.log l;
	ssl_protocols TLSv1.2 TLSv1.3;
	$(srv $good good "location = /slow/sysrcd.dat { alias $www/sysrcd.dat; limit_rate 3m; }
		location = /slow/sysrcd.md5 { alias $www/sysrcd.md5; }
		location = /down/sysrcd.md5 { return 302 http://127.0.0.1:$plain/sysrcd.md5; }")
	$(srv $wrong wrongname) $(srv $unknown unknownca) $(srv $expired expired) $(srv $self selfsigned)
	server { listen 127.0.0.1:$plain; root $www;
		location = /up/sysrcd.md5 { return 301 https://localhost:$good/sysrcd.md5; }
		location = /up/sysrcd.dat { return 301 https://localhost:$good/sysrcd.dat; } }
CONF
start_nginx "$TMP" "$good" || { echo "FAIL: https: nginx did not start"; cat "$TMP/nginx.stderr" "$TMP/nginx.err"; exit 1; }

fetch() { "$NB" fetch --ca "$C/ca.crt" --tries 2 "$@" > "$TMP/out" 2> "$TMP/err"; }

fetch "https://localhost:$good/sysrcd.dat" -o "$TMP/a" && same "$TMP/a" && grep -q '^verified=md5:' "$TMP/out" &&
	grep -q "checksum_source=https://localhost:$good/sysrcd.md5" "$TMP/out" &&
	pass "https by name: fetch + md5 verify" || fail "https by name: fetch + md5 verify"
: > "$TMP/access.log"
fetch --portable-hash "https://127.0.0.1:$good/sysrcd.dat" -o "$TMP/b" && same "$TMP/b" &&
	pass "https by address: the iPAddress subjectAltName checked" || fail "https by address"
[ "$(awk '{print $1}' "$TMP/access.log" | sort -u | wc -l)" = 1 ] && [ "$(wc -l < "$TMP/access.log")" = 2 ] &&
	pass "https: checksum and image over one kept-alive TLS connection" || { fail "https keep-alive"; cat "$TMP/access.log"; }

refused() { # name url pattern
	fetch "$2" -o "$TMP/x"; local rc=$?
	if [ $rc -eq 5 ] && grep -qE "$3" "$TMP/err" && [ ! -s "$TMP/x" ]; then
		pass "$1: refused (exit 5): $(grep -oE "$3.*" "$TMP/err" | head -1 | cut -c1-110)"
	else fail "$1: exit $rc, expected 5 and /$3/"; fi
}
refused "wrong host name" "https://localhost:$wrong/sysrcd.dat" "wrong host name: the certificate is for 'other.example', not 'localhost'"
refused "wrong address" "https://127.0.0.1:$wrong/sysrcd.dat" "wrong host name: the certificate is for 'other.example', not '127.0.0.1'"
refused "unknown CA" "https://localhost:$unknown/sysrcd.dat" "unknown CA: the certificate is issued by CN=netboot evil CA"
refused "expired certificate" "https://localhost:$expired/sysrcd.dat" "certificate expired on 2020-01-02 00:00:00 UTC"
refused "self-signed certificate" "https://localhost:$self/sysrcd.dat" "self-signed certificate \(CN=localhost\)"
fetch "https://localhost:$good/sysrcd.dat" -o "$TMP/c" --ca /etc/ssl/certs/ca-certificates.crt; rc=$?
[ $rc -eq 5 ] && grep -q 'unknown CA: the certificate is issued by CN=netboot test CA, not one of the [0-9]* trusted CAs' "$TMP/err" &&
	pass "Debian's bundle does not trust the test CA (exit 5)" || fail "test CA against Debian's bundle (exit $rc)"
fetch "https://127.0.0.1:$plain/sysrcd.dat" -o "$TMP/d"; rc=$?
[ $rc -eq 1 ] && grep -q 'TLS handshake failed.*is this an HTTPS port' "$TMP/err" &&
	pass "https:// to a plain HTTP port: said so" || fail "https to a plain port (exit $rc)"

# redirects: up to https followed, down to http refused
fetch "http://127.0.0.1:$plain/up/sysrcd.dat" -o "$TMP/e" && same "$TMP/e" && grep -q "redirected to https://localhost:$good/sysrcd.dat" "$TMP/err" &&
	pass "redirect http -> https followed" || fail "redirect http -> https"
fetch "https://localhost:$good/down/sysrcd.dat" -o "$TMP/f"; rc=$?
[ $rc -eq 5 ] && grep -q 'redirect from https://localhost:[0-9]*/down/sysrcd.md5 to plain http refused' "$TMP/err" &&
	pass "redirect https -> http refused (exit 5)" || fail "redirect https -> http (exit $rc)"

# mirrors mixing http and https: a refused certificate moves on to the next mirror
fetch "https://localhost:$self/sysrcd.dat,http://127.0.0.1:$plain/sysrcd.dat" -o "$TMP/g" && same "$TMP/g" &&
	grep -q "served_by=http://127.0.0.1:$plain/sysrcd.dat" "$TMP/out" && grep -q 'self-signed certificate.*trying the next mirror' "$TMP/err" &&
	pass "mirrors https (refused) then http" || fail "mirrors mixing https and http"

# Range resume over TLS: nginx killed mid-transfer and restarted
: > "$TMP/access.log"
nginx_cut "$TMP" "$good" "$NB" fetch --ca "$C/ca.crt" "https://localhost:$good/slow/sysrcd.dat" -o "$TMP/r" > "$TMP/out" 2> "$TMP/err"; rc=$?
if [ $rc -eq 0 ] && same "$TMP/r" && grep -q 'retrying' "$TMP/err" && grep -q 'GET /slow/sysrcd.dat HTTP/1.1 206' "$TMP/access.log"; then
	pass "https: server killed mid-transfer: resumed with Range (206) over TLS, md5 verified"
else fail "https resume (exit $rc)"; cat "$TMP/access.log"; fi

# CONNECT through a real proxy (tinyproxy)
if command -v tinyproxy >/dev/null; then
	tp=$(free_port)
	printf 'Port %s\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nLogFile "%s"\nLogLevel Connect\nMaxClients 8\n' "$tp" "$TMP/tinyproxy.log" > "$TMP/tinyproxy.conf"
	tinyproxy -d -c "$TMP/tinyproxy.conf" 2>"$TMP/tinyproxy.stderr" & PIDS+=($!)
	if wait_port "$tp"; then
		fetch --proxy "http://127.0.0.1:$tp" "https://localhost:$good/sysrcd.dat" -o "$TMP/p" && same "$TMP/p" &&
			grep -q "CONNECT localhost:$good" "$TMP/tinyproxy.log" &&
			pass "https through tinyproxy's CONNECT tunnel, verified" || { fail "https through a CONNECT proxy"; tail -5 "$TMP/tinyproxy.log"; }
	else echo "FAIL: tinyproxy did not start"; cat "$TMP/tinyproxy.stderr"; fi
else
	echo "SKIP: https through a CONNECT proxy: tinyproxy not installed (scripts/install-deps.sh)"
fi
exit 0
