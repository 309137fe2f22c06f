#!/bin/bash
# Regenerates the captured seeds in tests/fuzz-corpus/<harness>/ from real
# peers: udhcpc and a PXE DISCOVER against dnsmasq (in private namespaces,
# 192.0.2.0/24), tftp-hpa and atftp RRQs, in.tftpd's OACK/DATA/ERROR, curl
# against nginx and `netboot serve`, nbdinfo against `netboot serve` (all on
# 127.0.0.1 through relay.py).  Needs root for the namespaces; every process
# is stopped by PID on exit.  Seeds written by hand sit beside these.
set -u
D=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$D/../.." && pwd); NB=$ROOT/build/netboot
R="python3 $D/relay.py"
TMP=$(mktemp -d /tmp/nbcap.XXXXXX); PIDS=(); NSS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null; done; rm -rf "$TMP"
}
trap cleanup EXIT
port() { echo $((30000 + RANDOM % 20000)); }
mkdir -p "$D"/{dhcp_fuzz,tftp_fuzz,http_fuzz,nbd_fuzz}

# --- DHCP: udhcpc and a PXE ROM's DISCOVER, dnsmasq's answers ---
a=nbcap-$$-a b=nbcap-$$-b
ip netns add $a && NSS+=($a) && ip netns add $b && NSS+=($b)
ip -n $a link add va type veth peer name vb netns $b
ip -n $a link set va up; ip -n $b link set vb up; ip -n $b addr add 192.0.2.1/24 dev vb
ip netns exec $b dnsmasq --no-daemon --port=0 --conf-file=/dev/null --bind-interfaces --interface=vb \
	--dhcp-range=192.0.2.50,192.0.2.60 --dhcp-boot=pxelinux.0 --pid-file=$TMP/d.pid \
	--dhcp-leasefile=$TMP/d.leases 2>/dev/null & PIDS+=($!)
sleep 0.5
mkdir -p $TMP/dhcp
ip netns exec $a $R sniff va 6 $TMP/dhcp & PIDS+=($!); sniff=$!
sleep 0.3
ip netns exec $a timeout 4 udhcpc -i va -n -q -f -t 2 -T 1 -s /bin/true >/dev/null 2>&1
ip netns exec $a timeout 3 "$ROOT/build/integration/dhcp_pxe_client" discover va 7 1 >/dev/null 2>&1
wait $sniff
n=0; for f in $TMP/dhcp/frame-*; do cp "$f" "$D/dhcp_fuzz/cap-$(basename "$f")"; n=$((n+1)); done
echo "dhcp: $n files"

# --- TFTP: two clients' RRQs, in.tftpd's answers ---
mkdir -p $TMP/tftp; head -c 3000 /dev/urandom > $TMP/tftp/file
p=$(port); $R udp $p "$D/tftp_fuzz" rrq-tftp-hpa & PIDS+=($!); sleep 0.3
(cd $TMP && timeout 2 tftp -m binary 127.0.0.1 $p -c get file >/dev/null 2>&1)
p=$(port); $R udp $p "$D/tftp_fuzz" rrq-atftp-opts & PIDS+=($!); sleep 0.3
(cd $TMP && timeout 2 atftp --option "blksize 1428" --option "tsize 0" --option "timeout 1" -g -r file -l /dev/null 127.0.0.1 $p >/dev/null 2>&1)
p=$(port)
/usr/sbin/in.tftpd -L -a 127.0.0.1:$p -s $TMP/tftp & PIDS+=($!); sleep 0.3
python3 - "$p" "$D/tftp_fuzz" <<'PY'
import socket, sys
p, out = int(sys.argv[1]), sys.argv[2]
def ask(req, name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    s.sendto(req, ('127.0.0.1', p))
    open(out + '/' + name, 'wb').write(s.recvfrom(65536)[0][:600])
ask(open(out + '/rrq-atftp-opts', 'rb').read(), 'oack-tftp-hpa')
ask(b'\x00\x01file\x00octet\x00', 'data-tftp-hpa')
ask(b'\x00\x01missing\x00octet\x00', 'error-tftp-hpa')
PY

# --- HTTP: curl against nginx and netboot serve ---
mkdir -p $TMP/www $TMP/boot; head -c 5000 /dev/urandom > $TMP/www/sysrcd.dat; cp $TMP/www/sysrcd.dat $TMP/boot/; echo k > $TMP/boot/vmlinuz; echo i > $TMP/boot/initram.igz
np=$(port)
cat > $TMP/nginx.conf <<NG
pid $TMP/nginx.pid; error_log $TMP/nginx.err; daemon off;
events {}
http { access_log off; server { listen 127.0.0.1:$np; root $TMP/www; } }
NG
nginx -c $TMP/nginx.conf -p $TMP & PIDS+=($!)
sp=$(port) np2=$(port)
"$NB" serve --boot-dir $TMP/boot --no-dhcp --no-tftp --http-port $sp --stage3 nbd --nbd-port $np2 >/dev/null 2>&1 & PIDS+=($!)
sleep 0.5
l=$(port); $R tcp $l $np "$D/http_fuzz" nginx-range & r=$!; sleep 0.3
curl -s -r 100-199 -o /dev/null http://127.0.0.1:$l/sysrcd.dat; wait $r
l=$(port); $R tcp $l $np "$D/http_fuzz" nginx-404 & r=$!; sleep 0.3
curl -s -o /dev/null http://127.0.0.1:$l/nothere; wait $r
l=$(port); $R tcp $l $sp "$D/http_fuzz" serve-head & r=$!; sleep 0.3
curl -s -I -o /dev/null http://127.0.0.1:$l/sysrcd.dat; wait $r
# --- NBD: nbdinfo against netboot serve ---
l=$(port); $R tcp $l $np2 "$D/nbd_fuzz" nbdinfo & r=$!; sleep 0.3
timeout 5 nbdinfo nbd://127.0.0.1:$l/ >/dev/null 2>&1; wait $r
ls "$D"/*/ | wc -l
