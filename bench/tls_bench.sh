#!/bin/bash
# HTTPS against plain HTTP: the same nginx, the same file, the client linked
# like /init (build/netboot-static); download + sha256 verify rate (best of
# RUNS), the time of 50 small fetches (one handshake each), and what TLS adds
# to /init (linked again without the TLS objects, against a stub) and to the
# initramfs (Debian's CA bundle).  SIZE_MB (default 256), RUNS (default 3).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NB=$ROOT/build/netboot-static
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}
TMP_NAME=netboot-tlsbench TMP_IN=/dev/shm . "$ROOT/tests/lib.sh"
[ -x "$NB" ] || { echo "tls bench: $NB missing (make build/netboot-static)"; exit 1; }

bash "$ROOT/tests/integration/tls_certs.sh" "$TMP/c" || { echo "tls bench: openssl failed"; exit 1; }
mkdir -p "$TMP/www" "$TMP/out"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$TMP/www/sysrcd.dat"
(cd "$TMP/www" && sha256sum sysrcd.dat > sysrcd.sha256)
head -c 1024 /dev/urandom > "$TMP/www/small.dat"
(cd "$TMP/www" && sha256sum small.dat > small.dat.sha256)
hp=$(free_port) sp=$(free_port)
nginx_conf "$TMP" <<CONF
       access_log off; sendfile on;
       server { listen 127.0.0.1:$hp; root $TMP/www; }
       log_format c '\$ssl_protocol \$ssl_cipher';
       server { listen 127.0.0.1:$sp ssl; access_log $TMP/ssl.log c; ssl_certificate $TMP/c/good.crt; ssl_certificate_key $TMP/c/good.key; root $TMP/www; }
CONF
start_nginx "$TMP" "$sp" || { echo "tls bench: nginx did not start"; exit 1; }

best() { # best of RUNS wall-clock microseconds for a shell command
	local b=999999999999 t0 t1 t
	for _ in $(seq "$RUNS"); do
		rm -f "$TMP/out/"*
		t0=$(date +%s%N); bash -c "$1" >/dev/null 2>&1 || { echo "tls bench: failed: $1" >&2; echo 0; return; }
		t1=$(date +%s%N); t=$(( (t1 - t0) / 1000 )); [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}
rate() { awk -v us="$1" -v mb="$SIZE_MB" 'BEGIN { printf "%.0f", us ? mb / (us / 1e6) : 0 }'; }
F="'$NB' fetch --quiet --ca '$TMP/c/ca.crt'"
plain=$(best "$F http://127.0.0.1:$hp/sysrcd.dat -o '$TMP/out/f'")
tls=$(best "$F https://127.0.0.1:$sp/sysrcd.dat -o '$TMP/out/f'")
curl_tls=$(best "curl -sf --cacert '$TMP/c/ca.crt' -o '$TMP/out/f' https://127.0.0.1:$sp/sysrcd.dat && sha256sum '$TMP/out/f'")
small() { echo "for i in \$(seq 50); do $F $1 -o '$TMP/out/s' || exit 1; done"; }
plain_s=$(best "$(small "http://127.0.0.1:$hp/small.dat")")
tls_s=$(best "$(small "https://127.0.0.1:$sp/small.dat")")
cipher=$(head -1 "$TMP/ssl.log")
# what reading Debian's bundle (~140 certificates, parsed when the first https URL is used) costs a fetch
deb() { echo "for i in \$(seq 20); do '$NB' fetch --quiet --nocheck --ca $1 https://127.0.0.1:$sp/small.dat -o '$TMP/out/s'; done; true"; }
deb_ca=$(best "$(deb /etc/ssl/certs/ca-certificates.crt)")
test_ca=$(best "$(deb "$TMP/c/ca.crt")")

# /init without TLS: the same musl objects, the TLS ones swapped for a stub
B=$ROOT/build
cat > "$TMP/stub.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <sys/types.h>
struct tls; struct errbuf;
int tls_open(struct tls **o, int fd, const char *h, const char *ca, int t, FILE *l, struct errbuf *e)
{ (void)o; (void)fd; (void)h; (void)ca; (void)t; (void)l; (void)e; return -EPROTONOSUPPORT; }
ssize_t tls_read(struct tls *t, void *b, size_t n, int ms) { (void)t; (void)b; (void)n; (void)ms; return -EIO; }
int tls_write_all(struct tls *t, const void *b, size_t n, int ms) { (void)t; (void)b; (void)n; (void)ms; return -EIO; }
void tls_free(struct tls *t) { (void)t; }
C
# every object /init is linked from (the Makefile's LIB_DIRS), and libsodium as /init has it
objs=$(ls "$B"/musl/init/*.o "$B"/musl/{cmdline,netboot,fetch,mount,console}/*.o | grep -vE '/(tls|tls_anchors|x509_peek)\.o$')
musl-gcc -c -Os "$TMP/stub.c" -o "$TMP/stub.o" &&
	musl-gcc -static -s -o "$TMP/init-notls" $objs "$TMP/stub.o" /usr/lib/x86_64-linux-gnu/libsodium.a ||
	echo "tls bench: the no-TLS link failed"
with=$(stat -c %s "$B/init"); without=$(stat -c %s "$TMP/init-notls" 2>/dev/null || echo 0)
ca_raw=$(stat -c %s "$B/ca.pem" 2>/dev/null || echo 0); ca_gz=$(gzip -9n < "$B/ca.pem" 2>/dev/null | wc -c)

printf '%s\n' "HTTPS vs HTTP, $SIZE_MB MiB from nginx on 127.0.0.1 into tmpfs, client linked like /init (best of $RUNS):"
printf '  %-44s %6s MiB/s\n' "http  fetch + sha256 verify" "$(rate "$plain")" "https fetch + sha256 verify" "$(rate "$tls")"
printf '  %-44s %6s MiB/s\n' "curl https -o f && sha256sum f (OpenSSL)" "$(rate "$curl_tls")"
awk -v a="$plain" -v b="$tls" -v c="$curl_tls" 'BEGIN { printf "  ratios: ours https/http %.2f, ours https vs curl+sha256sum %.2fx\n", a / b, c / b }'
awk -v a="$plain_s" -v b="$tls_s" 'BEGIN { printf "  50 fetches of a 1 KiB file (+ its .sha256): http %.1f ms each, https %.1f ms each (a handshake per fetch)\n", a / 50000, b / 50000 }'
awk -v a="$deb_ca" -v b="$test_ca" 'BEGIN { printf "  Debian CA bundle parsed at the first https fetch: %.1f ms (20 fetches, that bundle vs a 1-CA file)\n", (a - b) / 20000 }'
echo "  negotiated (nginx's log): ${cipher:-?}, P-256 certificate"
printf '  /init: %d bytes with TLS, %d without (+%d); Debian CA bundle in the initramfs: %d bytes, %d gzipped\n' \
	"$with" "$without" $((with - without)) "$ca_raw" "$ca_gz"
