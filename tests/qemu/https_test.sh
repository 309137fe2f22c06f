#!/bin/bash
# netboot=https:// under QEMU: nginx with TLS on the host (10.0.2.2 in the guest),
# its certificate from a CA the test makes (tests/integration/tls_certs.sh), with
# an iPAddress subjectAltName for 10.0.2.2.
#  1. an initramfs packed with CA=<test CA> boots over HTTPS with the guest clock
#     set to 2000 (-rtc base=): the build date is the floor, and said so
#  2. build/initram.igz (Debian's bundle) refuses the same server: unknown CA
. "$(dirname "$0")/lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
command -v nginx >/dev/null || { echo "SKIP: https boot: nginx not installed"; exit 0; }

C=$TMP/certs
bash "$ROOT/tests/integration/tls_certs.sh" "$C" || { echo "FAIL: https boot: openssl could not make the certificates"; exit 1; }
image_dir "$TMP/www"
port=$(free_port)
cat > "$TMP/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $TMP/nginx.pid; error_log $TMP/nginx.err;
events { worker_connections 64; }
http { access_log $TMP/access.log; client_body_temp_path $TMP; proxy_temp_path $TMP; fastcgi_temp_path $TMP;
	uwsgi_temp_path $TMP; scgi_temp_path $TMP;
	server { listen 127.0.0.1:$port ssl; ssl_certificate $C/good.crt; ssl_certificate_key $C/good.key; root $TMP/www; }
}
CONF
nginx -c "$TMP/nginx.conf" -p "$TMP" 2>"$TMP/nginx.stderr" & PIDS+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# the initramfs of `make initramfs CA=$C/ca.crt`: the same list and packer, the test CA as ca.pem
mkdir -p "$TMP/b"
ln -s "$B/init" "$TMP/b/init"
cp "$C/ca.crt" "$TMP/b/ca.pem"
(cd "$ROOT" && BUILD="$TMP/b" "$B/mkcpio" initramfs-list "$B/modules.list") | gzip -9n > "$TMP/b/initram.igz"

url="https://10.0.2.2:$port/sysrcd.dat"
log=$TMP/https.log
QEMU_RTC=2000-01-01 QEMU_INITRD=$TMP/b/initram.igz qemu_boot "$log" direct virtio-net-pci "netboot=$url"
if qemu_wait "$log" "$MARK|FAILED at" && grep -qa "$MARK" "$log" &&
   grep -qaE "md5 \(.*\) verified against https://10.0.2.2:$port/sysrcd.md5" "$log"; then
	echo "INFO: HTTPS boot reached the test root in ${QEMU_SECONDS}s"
	echo "PASS: netboot=https:// boots with CA= built in, certificate for 10.0.2.2 (IP SAN), md5 verified"
else
	echo "FAIL: netboot=https:// did not boot"; grep -a '^netboot' "$log" | tail -5
fi
if grep -qaE '^netboot: tls: the clock says 2000-01-01 .* before this build .*: certificates are checked as of the build date' "$log"; then
	echo "PASS: guest clock at 2000: certificates checked as of the build date, said on the console"
else
	echo "FAIL: clock floor line missing"; grep -a 'tls' "$log" | tail -3
fi

log=$TMP/debian-ca.log
qemu_boot "$log" direct virtio-net-pci "netboot=$url"
qemu_wait "$log" "FAILED at|$MARK" >/dev/null
if grep -qaE "FAILED at stage3: .*TLS with 10.0.2.2:$port: unknown CA: the certificate is issued by CN=netboot test CA, not one of the [0-9]{2,} trusted CAs" "$log" &&
   ! grep -qa "$MARK" "$log"; then
	echo "PASS: default initramfs (Debian's CA bundle) refuses the test CA's server: unknown CA, not booted"
else
	echo "FAIL: Debian-bundle initramfs against the test server"; grep -a '^netboot' "$log" | tail -5
fi
