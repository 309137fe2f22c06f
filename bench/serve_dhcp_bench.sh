#!/bin/bash
# DHCP server rate: completed DORA exchanges per second measured by perfdhcp
# (Debian kea-admin) against netboot serve, dnsmasq and Kea, one after another
# in the same run, over a veth pair between two private namespaces
# (192.0.2.0/24, no route out).  perfdhcp acts as a relay (giaddr set), the
# way a routed site reaches its DHCP server.  PERIOD (s), CLIENTS, RATE.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERIOD=${PERIOD:-10} CLIENTS=${CLIENTS:-200} RATE=${RATE:-20000}
. "$ROOT/tests/lib.sh"
SRV=nbdsrv$$ CLI=nbdcli$$
command -v perfdhcp >/dev/null || { echo "dhcp bench: perfdhcp missing (Debian kea-admin)"; exit 0; }
newns "$SRV" && newns "$CLI" || { echo "dhcp bench: cannot create namespaces"; exit 0; }
veth "$SRV" s0 "$CLI" c0
ip -n "$SRV" addr add 192.0.2.1/24 dev s0; ip -n "$SRV" link set s0 up
ip -n "$CLI" addr add 192.0.2.2/24 dev c0; ip -n "$CLI" link set c0 up
mkdir -p "$TMP/boot"; : > "$TMP/boot/vmlinuz"; : > "$TMP/boot/initram.igz"

cat > "$TMP/kea.json" <<CONF
{ "Dhcp4": { "interfaces-config": { "interfaces": [ "s0" ] },
  "lease-database": { "type": "memfile", "persist": true, "name": "$TMP/kea.leases" },
  "valid-lifetime": 3600,
  "subnet4": [ { "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.10 - 192.0.2.250" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$TMP/kea.log" } ], "severity": "WARN" } ] } }
CONF

run_server() {	# run_server NAME COMMAND...: starts it in SRV, prints perfdhcp's rate
	local name=$1; shift
	ip netns exec "$SRV" env KEA_LOCKFILE_DIR=none KEA_PIDFILE_DIR="$TMP" "$@" > "$TMP/$name.log" 2>&1 &
	local pid=$!; PIDS+=($pid)
	wait_server "$SRV"
	sleep 0.5
	ip netns exec "$CLI" perfdhcp -4 -l c0 -r "$RATE" -R "$CLIENTS" -p "$PERIOD" 192.0.2.1 > "$TMP/$name.perf" 2>&1
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	awk '/^Rate:/ { print $2; exit }' "$TMP/$name.perf"
}
ours=$(run_server ours "$ROOT/build/netboot" serve --dhcp-range 192.0.2.10 192.0.2.250 --subnet 192.0.2.0 \
	--netmask 255.255.255.0 --local-ip 192.0.2.1 --boot-dir "$TMP/boot" --leases "$TMP/ours.leases" \
	--no-tftp --no-http --http-url http://192.0.2.1/sysrcd.dat)
dnsmasq=$(run_server dnsmasq dnsmasq --no-daemon --port=0 --conf-file=/dev/null --user=root --no-ping \
	--dhcp-range=192.0.2.10,192.0.2.250,255.255.255.0,3600 --dhcp-leasefile="$TMP/dnsmasq.leases" \
	--log-facility=/dev/null)
kea=-
command -v kea-dhcp4 >/dev/null && kea=$(run_server kea kea-dhcp4 -c "$TMP/kea.json")
echo "DHCP server, perfdhcp -r $RATE -R $CLIENTS -p $PERIOD as a relay (completed DORA exchanges per second):"
printf '  %-30s %8s /s\n' "netboot serve" "${ours:-0}" "dnsmasq $(dnsmasq --version | awk 'NR==1{print $3}')" "${dnsmasq:-0}" \
	"Kea $(kea-dhcp4 -v 2>/dev/null)" "${kea:-0}"
awk -v o="${ours:-0}" -v d="${dnsmasq:-0}" -v k="${kea:-0}" 'BEGIN {
	printf "  ratios: ours/dnsmasq %.2f, ours/Kea %.2f\n", d ? o / d : 0, (k + 0) ? o / k : 0 }'
for n in ours dnsmasq kea; do
	[ -f "$TMP/$n.perf" ] && grep -E '^(sent|received|drops)' "$TMP/$n.perf" | tr '\n' ' ' | sed "s/^/  $n: /;s/\$/\n/"
done

# Our server at rising rates, both modes.  Proxy mode: perfdhcp sends the PXE
# options (-o 60 "PXEClient:Arch:00000:UNDI:002001", -o 93 x86 BIOS, -o 97
# a UUID) and counts DISCOVER-OFFER only (-i): a proxy answers the DISCOVER
# with boot information and no address, the REQUEST goes to port 4011.
PXE_OPTS=(-o 60,$(printf 'PXEClient:Arch:00000:UNDI:002001' | od -An -tx1 | tr -d ' \n') -o 93,0000
	  -o 97,00000102030405060708090a0b0c0d0e0f)
ours_at() {	# ours_at MODE RATE: "rate drops"
	local mode=$1 rate=$2 extra=() args=()
	if [ "$mode" = proxy ]; then
		args=(--proxy-dhcp --local-ip 192.0.2.1); extra=(-i "${PXE_OPTS[@]}")
	else
		args=(--dhcp-range 192.0.2.10 192.0.2.250 --subnet 192.0.2.0 --netmask 255.255.255.0 --local-ip 192.0.2.1
		      --leases "$TMP/ours-$rate.leases")
	fi
	ip netns exec "$SRV" "$ROOT/build/netboot" serve "${args[@]}" --boot-dir "$TMP/boot" --no-tftp --no-http \
		--http-url http://192.0.2.1/sysrcd.dat > "$TMP/ours-$mode-$rate.log" 2>&1 &
	local pid=$!; PIDS+=($pid)
	wait_server "$SRV"
	sleep 0.3
	ip netns exec "$CLI" perfdhcp -4 -l c0 -r "$rate" -R "$CLIENTS" -p "$PERIOD" "${extra[@]}" 192.0.2.1 > "$TMP/p-$mode-$rate" 2>&1
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	awk '/^Rate:/ { r = $2 } /^drops:/ { d = d (d ? "/" : "") $2 } END { printf "%s %s", r ? r : 0, d ? d : "-" }' "$TMP/p-$mode-$rate"
}
echo "netboot serve at rising rates (perfdhcp -R $CLIENTS -p $PERIOD as a relay; exchanges/s, drops DO/RA):"
printf '  %-8s %-28s %s\n' rate "full DHCP (DORA/s, drops)" "proxy-DHCP with PXE options (DO/s, drops)"
for r in ${RATES:-1000 5000 20000}; do
	printf '  %-8s %-28s %s\n' "$r" "$(ours_at full "$r")" "$(ours_at proxy "$r")"
done
