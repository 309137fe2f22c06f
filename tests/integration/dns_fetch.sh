#!/bin/bash
# DNS names in image URLs: a client namespace whose resolv.conf names a
# dnsmasq DNS server in a server namespace (192.0.2.0/24, no route out).
# Both the glibc tool and the musl-static one (the resolver /init uses).
TMP_NAME=netboot-dns . "$(dirname "$0")/../lib.sh"
SRV=nbdns-srv-$$ CLI=nbdns-cli-$$
CLEANUP_HOOK='rm -rf "/etc/netns/$CLI"'
[ "$(id -u)" -eq 0 ] || { echo "FAIL: dns_fetch needs root for network namespaces"; exit 1; }
[ -x "$ROOT/build/netboot-static" ] || make -C "$ROOT" -s build/netboot-static >/dev/null

newns "$SRV" && newns "$CLI" || { echo "FAIL: cannot create network namespaces"; exit 1; }
veth "$SRV" nbdns0 "$CLI" nbdns1
ip -n "$SRV" addr add 192.0.2.1/24 dev nbdns0; ip -n "$SRV" link set nbdns0 up
ip -n "$CLI" addr add 192.0.2.2/24 dev nbdns1; ip -n "$CLI" link set nbdns1 up
mkdir -p "/etc/netns/$CLI" "$TMP/www"
echo "nameserver 192.0.2.1" > "/etc/netns/$CLI/resolv.conf"
head -c 3000000 /dev/urandom > "$TMP/www/sysrcd.dat"
(cd "$TMP/www" && md5sum sysrcd.dat > sysrcd.md5)

ip netns exec "$SRV" dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --listen-address=192.0.2.1 \
	--bind-interfaces --address=/images.test/192.0.2.1 --pid-file="$TMP/dnsmasq.pid" 2>"$TMP/dnsmasq.log" & PIDS+=($!)
ip netns exec "$SRV" busybox httpd -f -p 192.0.2.1:8080 -h "$TMP/www" & PIDS+=($!)
sleep 0.5
for tool in netboot netboot-static; do
	if ip netns exec "$CLI" "$ROOT/build/$tool" fetch --quiet "http://images.test:8080/sysrcd.dat" -o "$TMP/out.$tool" \
		> "$TMP/res" 2> "$TMP/err" && grep -q '^verified=md5' "$TMP/res" && cmp -s "$TMP/out.$tool" "$TMP/www/sysrcd.dat"; then
		echo "PASS: $tool: host name resolved through resolv.conf's DNS server, image verified"
	else
		echo "FAIL: $tool: fetch by DNS name"; tail -3 "$TMP/err"
	fi
done
ip netns exec "$CLI" "$ROOT/build/netboot" fetch --quiet --tries 1 "http://nosuch.test:8080/sysrcd.dat" -o "$TMP/x" 2> "$TMP/err"
grep -q "cannot resolve host 'nosuch.test'" "$TMP/err" && echo "PASS: unknown host name reported by name" ||
	{ echo "FAIL: unknown host name"; cat "$TMP/err"; }
