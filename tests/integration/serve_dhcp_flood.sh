#!/bin/bash
# `netboot serve` under a DHCP flood (issue 10), in private namespaces on one
# bridge (192.0.2.0/24, no route out):
#   flood   perfdhcp (Debian kea-admin) sends DISCOVERs only (-i) as a relay
#           at 2000/s from 100 client ids for 8 s, about 16,000 packets
#   junk    2000 malformed or oversized datagrams to port 67 meanwhile
#   client  a real udhcpc on another port of the bridge, 2 s into the flood,
#           must get its lease (broadcast, raw socket) within 5 s
# The server log must not grow per junk packet (its drop messages are rate
# limited): fewer than 20 "dropped" lines.  Nor per DISCOVER: each kind of
# line is capped a second (server/log.c), so the log has under 1 line per 20
# requests, the "N more like this in the last 1.0 s" summaries
# appear, and offers logged plus offers suppressed add up to at least the
# OFFERs perfdhcp received: counted, not lost.  Needs root; ~12 s.
cd "$(dirname "$0")/../.." || exit 1
T=serve_dhcp_flood
NB=$PWD/build/netboot
. tests/integration/netns_lib.sh
need perfdhcp udhcpc	# Debian kea-admin, udhcpc
need_netns
[ -x "$NB" ] || { skip "$NB not built"; exit 0; }

S=nbtest-flds-$tag F=nbtest-fldf-$tag C=nbtest-fldc-$tag
newns "$S" && newns "$F" && newns "$C" || { fail setup namespaces; exit 1; }
ip -n "$S" link add br0 type bridge
ip -n "$S" link set br0 type bridge forward_delay 0 stp_state 0
ip -n "$S" addr add 192.0.2.1/24 dev br0
ip -n "$S" link set br0 up
for p in f c; do
	ns=$F; [ $p = c ] && ns=$C
	ip -n "$ns" link add eth0 type veth peer name "p$p" netns "$S"
	ip -n "$S" link set "p$p" master br0 up
	ip -n "$ns" link set eth0 up
done
ip -n "$F" addr add 192.0.2.60/24 dev eth0
boot=$tmp/boot
mkdir -p "$boot"; : >"$boot/vmlinuz"; : >"$boot/initram.igz"; echo x >"$boot/sysrcd.dat"
ip netns exec "$S" "$NB" serve --boot-dir "$boot" --dhcp-range 192.0.2.100 192.0.2.250 --netmask 255.255.255.0 \
	--local-ip 192.0.2.1 --leases "$tmp/leases" --http-port 8080 >"$tmp/serve.log" 2>&1 &
SRV=$!
PIDS+=($SRV)
for _ in $(seq 100); do grep -q 'netboot-serve: ready' "$tmp/serve.log" && break; sleep 0.1; done
grep -q 'netboot-serve: ready' "$tmp/serve.log" || { fail "server start" "$(tail -3 "$tmp/serve.log")"; exit 1; }

ip netns exec "$F" perfdhcp -4 -l eth0 -i -r 2000 -R 100 -p 8 192.0.2.1 >"$tmp/perf.out" 2>&1 &
PERF=$!
PIDS+=($PERF)
ip netns exec "$F" python3 - >"$tmp/junk.out" 2>&1 <<'PY' &
import os, socket, random
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2000):
    k = i % 4
    if k == 0: d = os.urandom(random.randint(1, 200))                  # garbage
    elif k == 1: d = b"\1\1\6\0" + os.urandom(232) + b"\x63\x82\x53\x63\x35\x01"  # option runs off the end
    elif k == 2: d = os.urandom(1400)                                   # oversized
    else: d = b"\2" + os.urandom(300)                                   # a BOOTREPLY
    s.sendto(d, ("192.0.2.1", 67))
print("sent 2000")
PY
JUNK=$!
PIDS+=($JUNK)
sleep 2
t0=$(now_ms)
ip netns exec "$C" udhcpc -f -q -n -t 5 -T 1 -i eth0 -s /bin/true >"$tmp/udhcpc.out" 2>&1
rc=$? ms=$(( $(now_ms) - t0 ))
kill -0 "$PERF" 2>/dev/null && flooding=yes || flooding=no
check "udhcpc leased during the flood (exit $rc, $ms ms, flood still on: $flooding)" \
	grep -qE "lease of 192\.0\.2\.[0-9]+ obtained" "$tmp/udhcpc.out"
if [ "$ms" -lt 5000 ]; then pass "udhcpc lease within 5 s ($ms ms)"; else fail "udhcpc quick" "$ms ms"; fi
wait "$PERF" "$JUNK"
sent=$(grep -oE 'sent packets: [0-9]+' "$tmp/perf.out" | head -1 | awk '{print $3}')
got=$(grep -oE 'received packets: [0-9]+' "$tmp/perf.out" | head -1 | awk '{print $3}')
echo "INFO: $T: perfdhcp sent ${sent:-?} DISCOVERs, ${got:-?} OFFERs back"
check "the server kept answering the flood (${got:-0} of ${sent:-0})" test "${got:-0}" -ge $(( ${sent:-1} * 9 / 10 ))
check "server alive" kill -0 "$SRV"
drops=$(grep -c 'dhcp: dropped' "$tmp/serve.log")
check "2000 junk datagrams: $drops log lines, not one each" test "$drops" -lt 20
sleep 1.2	# the flood's last second is summed up once it is over, by the loop's timer
lines=$(wc -l <"$tmp/serve.log")
offers=$(grep -c ' dhcp: offer ' "$tmp/serve.log")
held=$(grep -oE 'dhcp: [0-9]+ more like this in the last [0-9.]+ s \(the last: [^ ]+ offer ' "$tmp/serve.log" |
	awk '{n += $2; k++} END {print n + 0, k + 0}')
read -r held summaries <<<"$held"
echo "INFO: $T: server log $lines lines: $offers offers written, $held suppressed in $summaries summary lines"
check "log bounded under the flood: $lines lines for ${sent:-0} DISCOVERs (< 1 in 20)" test $((lines * 20)) -lt "${sent:-0}"
check "suppression summaries written ($summaries)" test "$summaries" -ge 4
check "offers written + suppressed ($((offers + held))) >= OFFERs received (${got:-0})" test $((offers + held)) -ge "${got:-1}"
[ -n "${KEEP_LOG:-}" ] && { grep -v ' offer \| ack ' "$tmp/serve.log" | tail -20; cat "$tmp/perf.out"; } >&2
exit 0
