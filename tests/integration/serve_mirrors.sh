#!/bin/bash
# Per-subnet stage-3 mirrors: `netboot serve --mirrors CIDR URLS` on
# 127.0.0.1 at free high ports; pxelinux's per-address names fetched over
# TFTP and HTTP with curl carry that subnet's mirror list on the APPEND
# line, others fall back to default.  The server is stopped by PID on exit.
TMP_NAME=netboot-mirrors . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
[ -x "$NB" ] || { echo "FAIL: $NB not built"; exit 1; }
command -v curl >/dev/null || { echo "SKIP: curl: not installed"; exit 0; }

boot=$TMP/boot; mkdir -p "$boot/pxelinux.cfg"
echo kernel > "$boot/vmlinuz"; echo initrd > "$boot/initram.igz"; echo image > "$boot/sysrcd.dat"
echo "DEFAULT own" > "$boot/pxelinux.cfg/C6336463"	# the folder's own file for 198.51.100.99 wins
cat > "$TMP/pxebootsrv" <<CONF
PXEBOOTSRV_MIRRORS_1="192.0.2.0/24 http://192.0.2.10/sysrcd.dat"
CONF
tp=$(free_port); hp=$(free_port)
"$NB" serve --config "$TMP/pxebootsrv" --boot-dir "$boot" --no-dhcp --tftp-port "$tp" --http-port "$hp" --local-ip 127.0.0.1 \
	--extra "netboot.jitter=30" \
	--mirrors 198.51.100.0/24 http://198.51.100.10/sysrcd.dat,http://198.51.100.11/sysrcd.dat > "$TMP/log" 2>&1 & PIDS+=($!)
wait_port "$hp" || { echo "FAIL: server did not start"; cat "$TMP/log"; exit 1; }
sleep 0.2

append() { grep -m1 '^  APPEND' "$1" | sed 's/^  APPEND //'; }
M24="netboot=http://198.51.100.10/sysrcd.dat,http://198.51.100.11/sysrcd.dat netboot.jitter=30"
curl -sf -o "$TMP/t1" "tftp://127.0.0.1:$tp/pxelinux.cfg/C6336407"
check "TFTP pxelinux.cfg/C6336407 (198.51.100.7): the /24's mirrors" [ "$(append "$TMP/t1")" = "$M24" ]
curl -sf -o "$TMP/t2" "tftp://127.0.0.1:$tp/pxelinux.cfg/C63364"
check "TFTP shortened name C63364: the same menu" cmp -s "$TMP/t1" "$TMP/t2"
curl -sf -o "$TMP/h1" "http://127.0.0.1:$hp/pxelinux.cfg/C6336407"
check "HTTP pxelinux.cfg/C6336407: the same menu" cmp -s "$TMP/t1" "$TMP/h1"
curl -sf -o "$TMP/t3" "tftp://127.0.0.1:$tp/pxelinux.cfg/C000020A"
check "TFTP C000020A (192.0.2.10): the config file's map" [ "$(append "$TMP/t3")" = "netboot=http://192.0.2.10/sysrcd.dat netboot.jitter=30" ]
check "TFTP C0A80105 (192.168.1.5): not found, pxelinux goes on" bash -c "! curl -sf -o /dev/null 'tftp://127.0.0.1:$tp/pxelinux.cfg/C0A80105'"
curl -sf -o "$TMP/d" "tftp://127.0.0.1:$tp/pxelinux.cfg/default"
check "default: this server's image" [ "$(append "$TMP/d")" = "netboot=http://127.0.0.1:$hp/sysrcd.dat netboot.jitter=30" ]
curl -sf -o "$TMP/own" "tftp://127.0.0.1:$tp/pxelinux.cfg/C6336463"
check "the boot folder's own pxelinux.cfg/C6336463 wins" grep -qx "DEFAULT own" "$TMP/own"
"$NB" serve --boot-dir "$boot" --print-config --config "$TMP/pxebootsrv" --mirrors 198.51.100.0/24 http://198.51.100.10/sysrcd.dat > "$TMP/pc" 2>&1
check "--print-config lists the maps" bash -c "grep -qx 'mirrors = 192.0.2.0/24 http://192.0.2.10/sysrcd.dat' '$TMP/pc' && grep -qx 'mirrors = 198.51.100.0/24 http://198.51.100.10/sysrcd.dat' '$TMP/pc'"
"$NB" serve --boot-dir "$boot" --print-config --mirrors 198.51.100.7/24 http://a/x > "$TMP/bad" 2>&1
check "--mirrors with host bits refused, named" grep -q -- "--mirrors 198.51.100.7/24" "$TMP/bad"
