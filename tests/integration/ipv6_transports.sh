#!/bin/bash
# IPv6 transports on loopback ::1: the agent's clients (netboot fetch over
# http:// and tftp://, netboot nbd) by [v6] literal against nginx, tftpd-hpa
# and nbdkit listening on ::1 only, and against `netboot serve` (dual-stack:
# the same ports answer ::1 and 127.0.0.1, v6 peers logged by address); the
# bytes compared.  Bad literals answer the exact message.  In a private
# namespace (its own lo, its own /etc/hosts through /etc/netns, no other
# link): a name with only an AAAA record, and happy eyeballs: a name with
# both whose IPv6 port is black-holed by nftables is reached over IPv4
# after the 250 ms attempt delay, not after the connect timeout.
T=ipv6_transports
TMP_NAME=netboot-ipv6 . "$(dirname "$0")/../lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
[ -x "$NB" ] || { echo "FAIL: $T: $NB not built"; exit 1; }
ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128' || { skip "no ::1 on lo (IPv6 disabled)"; exit 0; }
[ -x "$ROOT/build/netboot-static" ] || make -C "$ROOT" -s build/netboot-static >/dev/null

www=$TMP/www; mkdir -p "$www"
head -c 3000000 /dev/urandom > "$www/sysrcd.dat"
(cd "$www" && md5sum sysrcd.dat > sysrcd.md5)
echo kernel > "$www/vmlinuz"; echo initrd > "$www/initram.igz"
want=$(md5sum < "$www/sysrcd.dat" | cut -c1-32)

# fetched NAME URL [TOOL]: netboot fetch verified the md5 and the bytes match
fetched() {
	local name=$1 url=$2 tool=${3:-$NB} out=$TMP/out.$RANDOM
	if "$tool" fetch --quiet --tries 1 "$url" -o "$out" > "$TMP/res" 2> "$TMP/err" &&
		grep -q "^verified=.*" "$TMP/res" && cmp -s "$out" "$www/sysrcd.dat"; then
		pass "$name"
	else
		FAIL_SHOW="$TMP/err $TMP/res" fail "$name"
	fi
	rm -f "$out"
}
# nbd_read NAME URL: netboot nbd copies the export whole, the bytes match
nbd_read() {
	if "$NB" nbd "$2" -o "$TMP/nbd.out" > "$TMP/res" 2> "$TMP/err" && cmp -s "$TMP/nbd.out" "$www/sysrcd.dat"; then
		pass "$1"
	else
		FAIL_SHOW="$TMP/err $TMP/res" fail "$1"
	fi
}

# --- third-party servers on ::1 only ---
hp=$(free_port) tp=$(free_udp_port) np=$(free_port)
nginx_conf "$TMP" "server { listen [::1]:$hp; root $www; access_log $TMP/access.log; }"
start_nginx "$TMP" "" && wait_port "$hp" 50 '::1' || fail "nginx on [::1]" "did not start"
fetched "http://[::1] from nginx (glibc)" "http://[::1]:$hp/sysrcd.dat"
fetched "http://[::1] from nginx (musl, as /init)" "http://[::1]:$hp/sysrcd.dat" "$ROOT/build/netboot-static"
check "nginx saw the client as ::1" grep -q '^::1 .*"GET /sysrcd.dat HTTP/1.1" 200' "$TMP/access.log"
if command -v in.tftpd >/dev/null; then
	in.tftpd -L -a "[::1]:$tp" -s "$www" & PIDS+=($!)
	sleep 0.2
	fetched "tftp://[::1] from tftpd-hpa" "tftp://[::1]:$tp/sysrcd.dat"
else
	skip "tftp://[::1] from tftpd-hpa" "in.tftpd not installed"
fi
if command -v nbdkit >/dev/null; then
	nbdkit -f -r -i ::1 -p "$np" file "$www/sysrcd.dat" 2> "$TMP/nbdkit.log" & PIDS+=($!)
	wait_port "$np" 50 '::1'
	nbd_read "nbd://[::1] from nbdkit" "nbd://[::1]:$np/"
else
	skip "nbd://[::1] from nbdkit" "nbdkit not installed"
fi

# --- netboot serve: the same ports on ::1 and 127.0.0.1 ---
sh=$(free_port) st=$(free_udp_port) sn=$(free_port)
"$NB" serve --boot-dir "$www" --no-dhcp --tftp-port "$st" --http-port "$sh" --nbd-port "$sn" > "$TMP/serve.log" 2>&1 &
PIDS+=($!)
wait_port "$sh" 50 '::1' || { FAIL_SHOW=$TMP/serve.log fail "netboot serve on [::]" "no listener on ::1"; exit 1; }
fetched "http://[::1] from netboot serve" "http://[::1]:$sh/sysrcd.dat"
fetched "http://127.0.0.1 from netboot serve, the same port" "http://127.0.0.1:$sh/sysrcd.dat"
fetched "tftp://[::1] from netboot serve" "tftp://[::1]:$st/sysrcd.dat"
fetched "tftp://127.0.0.1 from netboot serve, the same port" "tftp://127.0.0.1:$st/sysrcd.dat"
nbd_read "nbd://[::1] from netboot serve" "nbd://[::1]:$sn/sysrcd.dat"
check "serve logs v6 peers by address (http)" grep -q " ::1 http: GET /sysrcd.dat 200 3000000 bytes" "$TMP/serve.log"
check "serve logs v6 peers by address (tftp)" grep -q " ::1 tftp: sent sysrcd.dat 3.0 MB" "$TMP/serve.log"
check "serve logs v6 peers by address (nbd)" grep -q " ::1 nbd: export sysrcd.dat attached (3000000 bytes)" "$TMP/serve.log"
check "serve logs v4 peers as before" grep -q " 127.0.0.1 http: GET /sysrcd.dat 200" "$TMP/serve.log"
check "status page: ::1 is loopback" curl -sf -o /dev/null "http://[::1]:$sh/status.json"

# --- bad literals: the message names the URL and what was expected ---
bad() {	# bad URL MESSAGE
	"$NB" fetch --quiet --tries 1 "$1" -o "$TMP/x" > /dev/null 2> "$TMP/err"
	if grep -qxF "netboot: fetch: $2" "$TMP/err"; then pass "refused: $1"; else FAIL_SHOW=$TMP/err fail "refused: $1"; fi
}
bad "http://[2001:db8::zz]/sysrcd.dat" \
	"URL 'http://[2001:db8::zz]/sysrcd.dat': '[2001:db8::zz]' is not an IPv6 address: expected [2001:db8::1]"
bad "http://[2001:db8::1/sysrcd.dat" \
	"URL 'http://[2001:db8::1/sysrcd.dat': unclosed '[': expected an IPv6 address as [2001:db8::1]"
bad "tftp://[::1]x/sysrcd.dat" "URL 'tftp://[::1]x/sysrcd.dat': expected ':port' or '/' after ']', found 'x'"

# --- names: AAAA only, and happy eyeballs (a namespace with its own hosts file) ---
if [ "$(id -u)" != 0 ] || ! netns_usable || ! command -v nft >/dev/null; then
	skip "names resolving to AAAA, happy eyeballs" "needs root, network namespaces and nft"
	exit "$FAILED"
fi
NS=nbv6-$$
CLEANUP_HOOK='rm -rf "/etc/netns/$NS"'
newns "$NS" || { fail "namespace" "cannot create"; exit 1; }
mkdir -p "/etc/netns/$NS"
printf '::1 v6only.test\n::1 dual.test\n127.0.0.1 dual.test\n' > "/etc/netns/$NS/hosts"
in_ns() { ip netns exec "$NS" "$@"; }
for _ in $(seq 20); do in_ns ip -6 addr show dev lo | grep -q '::1/128' && break; sleep 0.1; done
p6=$(free_port) pd=$(free_port)
mkdir -p "$TMP/ns"
nginx_conf "$TMP/ns" "server { listen [::1]:$p6; listen [::1]:$pd; listen 127.0.0.1:$pd; root $www; access_log $TMP/ns/access.log; }"
start_nginx "$TMP/ns" "" "$NS"
ns_wait_port "$NS" 127.0.0.1 "$pd"
if in_ns getent ahosts v6only.test | grep -q '^::1'; then
	check "name with only an AAAA record (glibc)" bash -c "ip netns exec $NS $NB fetch --quiet --tries 1 \
		http://v6only.test:$p6/sysrcd.dat -o $TMP/n1 >/dev/null && cmp -s $TMP/n1 $www/sysrcd.dat"
	check "name with only an AAAA record (musl)" bash -c "ip netns exec $NS $ROOT/build/netboot-static fetch --quiet \
		--tries 1 http://v6only.test:$p6/sysrcd.dat -o $TMP/n2 >/dev/null && cmp -s $TMP/n2 $www/sysrcd.dat"
else
	skip "names resolving to AAAA" "/etc/netns/$NS/hosts not read by the resolver"
fi
# IPv6 first: both families answer, the client takes ::1
: > "$TMP/ns/access.log"
in_ns "$NB" fetch --quiet --tries 1 --nocheck "http://dual.test:$pd/sysrcd.dat" -o "$TMP/d0" > /dev/null 2> "$TMP/err"
check "a name with both: IPv6 tried first" grep -q '^::1 .*GET /sysrcd.dat' "$TMP/ns/access.log"
# IPv6 black-holed: IPv4 after the attempt delay (the connect timeout is 10 s or more)
in_ns nft -f - <<NFT || fail "nft" "rules refused"
table inet v6hole {
	chain out {
		type filter hook output priority 0;
		ip6 daddr ::1 tcp dport $pd drop
	}
}
NFT
: > "$TMP/ns/access.log"
t0=$(now_ms)
in_ns "$NB" fetch --quiet --tries 1 --nocheck "http://dual.test:$pd/sysrcd.dat" -o "$TMP/d1" > /dev/null 2> "$TMP/err"
ms=$(( $(now_ms) - t0 ))
if cmp -s "$TMP/d1" "$www/sysrcd.dat" && grep -q '^127.0.0.1 .*GET /sysrcd.dat' "$TMP/ns/access.log" &&
	[ "$ms" -ge 240 ] && [ "$ms" -lt 2000 ]; then
	pass "happy eyeballs: IPv6 black-holed, IPv4 connected after the attempt delay ($ms ms)"
else
	FAIL_SHOW=$TMP/err fail "happy eyeballs" "$ms ms; access log: $(cat "$TMP/ns/access.log")"
fi
exit "$FAILED"
