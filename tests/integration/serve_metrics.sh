#!/bin/bash
# `netboot serve`'s /metrics, --status-allow and the status page, on
# loopback only (no namespaces, no root needed):
#   1 one server with DHCP (ports P/P+1 on 127.0.0.1, pool 127.0.0.100-150),
#     TFTP, HTTP and NBD; /metrics scraped before and after fake clients
#     (a DHCP DISCOVER/REQUEST/bad REQUEST with a hostile vendor class and
#     host name; TFTP from 127.0.0.3: a loader, half the image then ERROR, a
#     missing file; a size query from 127.0.0.4; HTTP from 127.0.0.2: kernel
#     and image, a 404; nbdcopy of the image; garbage to each port): every
#     counter moves by what was done
#   2 the text checked strictly (HELP/TYPE, _total, labels, escapes) and,
#     when Debian's python3-prometheus-client is there, by its parser
#   3 the status page in headless Chromium: a screenshot kept in
#     build/test-logs/status-page.png, the DOM's rows, stages, progress,
#     and the client's strings shown as text, not markup
#   4 --status-allow 192.0.2.0/24 (plus 127.0.0.2): 127.0.0.1 gets 403 on
#     /, /status.json, /metrics, logged at most a few lines a second, while
#     boot files are served to it; 127.0.0.2 may read; the pxebootsrv key
T=serve_metrics
TMP_NAME=netboot-serve-metrics . "$(dirname "$0")/../lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
PY=/usr/bin/python3	# Debian's: python3-prometheus-client lives there, not in a pyenv
[ -x "$PY" ] || PY=python3
need curl
[ -x "$NB" ] || { fail build "$NB not built"; exit 1; }

boot=$TMP/boot; mkdir -p "$boot"
head -c 2000000 /dev/urandom > "$boot/sysrcd.dat"
head -c 300000 /dev/urandom > "$boot/vmlinuz"
head -c 40000 /dev/urandom > "$boot/pxelinux.0"
echo initrd > "$boot/initram.igz"
img=2000000
dport=$(free_udp_port) tport=$(free_udp_port) hport=$(free_port) nport=$(free_port)
FAIL_SHOW=$TMP/log
"$NB" serve --boot-dir "$boot" --dhcp-range 127.0.0.100 127.0.0.150 --subnet 127.0.0.0 --netmask 255.0.0.0 \
	--local-ip 127.0.0.1 --dhcp-port "$dport" --proxy-port "$(free_udp_port)" --leases "$TMP/leases" \
	--tftp-port "$tport" --http-port "$hport" --nbd-port "$nport" > "$TMP/log" 2>&1 & PIDS+=($!)
SERVER=$!
wait_port "$hport" && wait_port "$nport" || { fail start "server did not start"; exit 1; }
U=http://127.0.0.1:$hport

# metric FILE SERIES: its value in a scrape (0 when absent)
metric() { awk -v s="$2" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }
delta() { echo $(( $(metric "$TMP/m1" "$1") - $(metric "$TMP/m0" "$1") )); }
# expect SERIES WANT [WHY]: the series moved by WANT between the scrapes
expect() {
	local got; got=$(delta "$1")
	if [ "$got" = "$2" ]; then pass "$1 +$2${3:+ ($3)}"; else fail "$1" "moved by $got, want $2${3:+ ($3)}"; fi
}

curl -sf -o "$TMP/m0" "$U/metrics" || { fail "scrape" "no /metrics"; exit 1; }

# --- fake clients ---
cat > "$TMP/clients.py" <<'PY'
import socket, struct, sys, os
dport, tport, hport, nport = map(int, sys.argv[1:5])
mac = bytes.fromhex('020000000001')
VENDOR = b'<script>alert("pwn")</script>'
HOST = b"lab-<b>7</b>&'"
def dhcp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind(('0.0.0.0', dport + 1)); s.settimeout(3)
    def pkt(t, opts=b''):
        b = struct.pack('!BBBBIHH', 1, 1, 6, 0, 0x1234, 0, 0x8000) + bytes(16) + mac + bytes(10 + 192)
        return b + b'\x63\x82\x53\x63' + bytes([53, 1, t]) + opts + bytes([60, len(VENDOR)]) + VENDOR + \
            bytes([12, len(HOST)]) + HOST + b'\xff'
    def reply():
        b, _ = s.recvfrom(2000)
        o, i, t = b[240:], 0, None
        while i < len(o) and o[i] != 255:
            if o[i] == 0: i += 1; continue
            if o[i] == 53: t = o[i + 2]
            i += 2 + o[i + 1]
        return t, b[16:20]
    s.sendto(pkt(1), ('127.0.0.1', dport))
    t, yi = reply(); print('dhcp offer', t, socket.inet_ntoa(yi))
    sid = bytes([54, 4]) + socket.inet_aton('127.0.0.1')
    s.sendto(pkt(3, bytes([50, 4]) + yi + sid), ('127.0.0.1', dport))
    t, yi = reply(); print('dhcp ack', t, socket.inet_ntoa(yi))
    s.sendto(pkt(3, bytes([50, 4]) + socket.inet_aton('127.0.0.99') + sid), ('127.0.0.1', dport))
    t, yi = reply(); print('dhcp nak', t)
    s.sendto(b'\x01\x01garbage', ('127.0.0.1', dport))
def tftp(src, name, stop_at=None, opts=b'', size_query=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 0)); s.settimeout(3)
    s.sendto(b'\0\x01' + name.encode() + b'\0octet\0' + opts, ('127.0.0.1', tport))
    got, want = 0, 1
    while True:
        b, peer = s.recvfrom(70000)
        op = struct.unpack('!H', b[:2])[0]
        if op == 5: return 'error %s' % b[4:-1].decode()
        if op == 6:
            if size_query: s.sendto(b'\0\x05\0\0size only\0', peer); return 'size query'
            s.sendto(b'\0\x04\0\0', peer); continue
        if struct.unpack('!H', b[2:4])[0] == want & 0xffff:
            got += len(b) - 4; want += 1
        if stop_at and got >= stop_at:
            s.sendto(b'\0\x05\0\0enough\0', peer); return 'aborted %d' % got
        s.sendto(b'\0\x04' + b[2:4], peer)
        if len(b) - 4 < 512: return 'complete %d' % got
dhcp()
print('tftp loader', tftp('127.0.0.3', 'pxelinux.0'))
print('tftp image', tftp('127.0.0.3', 'sysrcd.dat', stop_at=1000000))
print('tftp missing', tftp('127.0.0.3', 'nothere'))
print('tftp tsize', tftp('127.0.0.4', 'sysrcd.dat', opts=b'tsize\x000\x00', size_query=True))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b'\x00\x09junk', ('127.0.0.1', tport))
h = socket.create_connection(('127.0.0.1', hport)); h.sendall(b'GARBAGE\r\n\r\n'); h.settimeout(3); h.recv(100)
n = socket.create_connection(('127.0.0.1', nport)); n.settimeout(3); n.recv(18)
n.sendall(b"\xff" * 200); n.recv(100)
PY
timeout 30 python3 "$TMP/clients.py" "$dport" "$tport" "$hport" "$nport" > "$TMP/clients.out" 2>&1 ||
	fail "fake clients" "$(tail -3 "$TMP/clients.out")"
check "DHCP: offer, ack, nak answered" grep -q 'dhcp nak 6' "$TMP/clients.out"
tftp_img=$(sed -n 's/^tftp image aborted //p' "$TMP/clients.out")
check "TFTP: loader complete, image aborted near half ($tftp_img bytes)" \
	bash -c "grep -q 'tftp loader complete 40000' '$TMP/clients.out' && [ '${tftp_img:-0}' -ge 1000000 ]"
curl -sf --interface 127.0.0.2 -o "$TMP/k" "$U/vmlinuz" && curl -sf --interface 127.0.0.2 -o "$TMP/i" "$U/sysrcd.dat" &&
	cmp -s "$TMP/i" "$boot/sysrcd.dat" || fail "HTTP downloads from 127.0.0.2"
curl -s --interface 127.0.0.2 -o /dev/null "$U/nothere"
if command -v nbdcopy >/dev/null; then
	check "NBD: nbdcopy of the image" bash -c "nbdcopy --connections=1 nbd://127.0.0.1:$nport/sysrcd.dat '$TMP/n' && cmp -s '$TMP/n' '$boot/sysrcd.dat'"
else skip "NBD: nbdcopy (libnbd-bin) not installed"; fi
curl -sf -o "$TMP/m1" "$U/metrics" || fail "scrape" "no /metrics after the clients"

# --- 1 the counters ---
p=netboot_serve_
expect "${p}dhcp_messages_received_total{type=\"discover\"}" 1
expect "${p}dhcp_messages_received_total{type=\"request\"}" 2
expect "${p}dhcp_messages_sent_total{type=\"offer\"}" 1
expect "${p}dhcp_messages_sent_total{type=\"ack\"}" 1
expect "${p}dhcp_messages_sent_total{type=\"nak\"}" 1 "127.0.0.99 is not in the pool"
expect "${p}errors_total{kind=\"dhcp_dropped\"}" 1 "a 9-byte datagram"
expect "${p}tftp_transfers_total{outcome=\"complete\"}" 1
expect "${p}tftp_transfers_total{outcome=\"aborted\"}" 1
expect "${p}tftp_transfers_total{outcome=\"refused\"}" 1 "not found"
expect "${p}tftp_transfers_total{outcome=\"size_query\"}" 1
expect "${p}errors_total{kind=\"tftp_malformed\"}" 1
# every block once on loopback; a retransmission (1 s without an ACK on a loaded machine) adds 512
tb=$(delta "${p}tftp_sent_bytes_total") want=$((40000 + ${tftp_img:-0}))
check "${p}tftp_sent_bytes_total +$tb: the loader and the blocks of the image sent ($want)" \
	bash -c "[ $tb -ge $want ] && [ $tb -le $((want + 5 * 512)) ]"
expect "${p}http_transfers_total{outcome=\"complete\"}" 2 "kernel and image"
expect "${p}http_transfers_total{outcome=\"client_error\"}" 2 "the 404 and the 400; status pages not counted"
expect "${p}http_sent_bytes_total" $((300000 + img))
expect "${p}errors_total{kind=\"http_bad_request\"}" 1
if command -v nbdcopy >/dev/null; then
	expect "${p}nbd_connections_total" 2 "nbdcopy and the garbage"
	expect "${p}nbd_attached_total" 1
	expect "${p}nbd_read_bytes_total" "$img"
	expect "${p}errors_total{kind=\"nbd_protocol\"}" 1 "client flags 0xffffffff"
fi
expect "${p}boot_stage_reached_total{stage=\"dhcp-offer\"}" 1
expect "${p}boot_stage_reached_total{stage=\"dhcp-ack\"}" 1
expect "${p}boot_stage_reached_total{stage=\"loader\"}" 1 "127.0.0.3"
expect "${p}boot_stage_reached_total{stage=\"kernel\"}" 1 "127.0.0.2"
if command -v nbdcopy >/dev/null; then
	expect "${p}boot_stage_reached_total{stage=\"image\"}" 3 "127.0.0.2 http, .3 tftp, .1 nbd"
	expect "${p}boot_stage_reached_total{stage=\"image-done\"}" 2 "127.0.0.2 http, .1 nbd"
fi
check "the scrapes are not counted as transfers" [ "$(delta "${p}http_transfers_total{outcome=\"complete\"}")" = 2 ]

# --- 2 the format ---
cat > "$TMP/strict.py" <<'PY'
# The exposition format 0.0.4, strictly: HELP then TYPE once per family,
# its samples right after, counters named *_total, labels quoted with only
# \\ \" \n escaped, numeric values, a newline at the end of every line.
import re, sys
text = open(sys.argv[1]).read()
name = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
sample = re.compile(r'(%s)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+]+|[+-]Inf|NaN)$' % name)
assert text.endswith('\n'), 'no newline at the end'
fam, typ, seen, n = None, None, set(), 0
for line in text[:-1].split('\n'):
    if line.startswith('# HELP '):
        fam = line.split(' ')[2]; typ = None
        assert re.fullmatch(name, fam) and fam not in seen, line
        seen.add(fam)
    elif line.startswith('# TYPE '):
        _, _, f, typ = line.split(' ')
        assert f == fam and typ in ('counter', 'gauge'), line
        assert typ != 'counter' or fam.endswith('_total'), 'counter without _total: ' + line
    else:
        m = sample.match(line)
        assert m and typ and m.group(1) == fam, 'stray line: ' + line
        float(m.group(5)); n += 1
print(len(seen), 'families', n, 'samples')
PY
check "format: strict check ($(python3 "$TMP/strict.py" "$TMP/m1" 2>&1 | tail -1))" python3 "$TMP/strict.py" "$TMP/m1"
sed 's/_errors_total/_errors/' "$TMP/m1" > "$TMP/broken"
check "format: the strict check refuses a counter without _total" bash -c "! python3 '$TMP/strict.py' '$TMP/broken' 2>/dev/null"
if "$PY" -c 'import prometheus_client.parser' 2>/dev/null; then
	check "format: prometheus_client's parser reads every sample with its type" "$PY" -c "
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open('$TMP/m1').read()
fams = list(text_string_to_metric_families(text))
n = sum(len(f.samples) for f in fams)
lines = [l for l in text.splitlines() if not l.startswith('#')]
types = {f.name: f.type for f in fams}
assert n == len(lines), (n, len(lines))
assert types['netboot_serve_errors'] == 'counter' and types['netboot_serve_clients'] == 'gauge', types
"
else
	skip "format: prometheus_client's parser" "python3-prometheus-client not installed"
fi
curl -s -D "$TMP/mh" -o /dev/null "$U/metrics"
check "format: Content-Type text/plain; version=0.0.4" grep -qi '^Content-Type: text/plain; version=0.0.4' "$TMP/mh"

# --- 3 the status page in a browser ---
for page in / /status.json /metrics; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$U$page")
	check "default --status-allow: 127.0.0.1 reads $page ($code)" [ "$code" = 200 ]
done
if command -v chromium >/dev/null; then
	mkdir -p "$ROOT/build/test-logs"
	shot=$ROOT/build/test-logs/status-page.png
	rm -f "$shot"
	chrome=(timeout 20 chromium --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$TMP/chromium"
		--window-size=1200,600)
	t0=$(now_ms)
	"${chrome[@]}" --dump-dom "$U/" > "$TMP/dom.html" 2> "$TMP/chromium.err"
	"${chrome[@]}" --screenshot="$shot" "$U/" >> "$TMP/chromium.err" 2>&1
	echo "INFO: $T: chromium: dump and screenshot in $(( $(now_ms) - t0 )) ms"
	check "chromium: screenshot build/test-logs/status-page.png" bash -c "[ -s '$shot' ] && head -c 8 '$shot' | od -An -c | grep -q 'P   N   G'"
	cat > "$TMP/dom.py" <<'PY'
# The rendered DOM: one row per client with its cells by class.
import sys
from html.parser import HTMLParser
class Rows(HTMLParser):
    def __init__(self):
        super().__init__(); self.rows, self.cell, self.tags = [], None, []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag); a = dict(attrs)
        if tag == 'tr' and a.get('class') == 'client': self.rows.append({})
        if tag == 'td' and self.rows: self.cell = a.get('class'); self.rows[-1][self.cell] = ''
        if tag == 'td' and a.get('title') and self.rows: self.rows[-1]['title'] = a['title']
    def handle_endtag(self, tag):
        if tag == 'td': self.cell = None
    def handle_data(self, d):
        if self.cell and self.rows: self.rows[-1][self.cell] += d
p = Rows(); p.feed(open(sys.argv[1]).read())
by_ip = {r.get('ip'): r for r in p.rows}
def row(ip, **want):
    r = by_ip.get(ip, {})
    for k, v in want.items():
        assert v in r.get(k, ''), '%s %s: %r, want %r in %r' % (ip, k, r.get(k), v, r)
check = sys.argv[2]
if check == 'rows': assert len(p.rows) >= 4, p.rows
if check == 'http': row('127.0.0.2', stage='image-done', via='http', progress='(100%)', title='2000000 of 2000000 bytes')
if check == 'tftp':
    r = by_ip['127.0.0.3']; row('127.0.0.3', stage='image', via='tftp')
    pct = int(r['progress'].split('(')[1].split('%')[0]); assert 45 <= pct <= 55, r
if check == 'dhcp': row('127.0.0.100', mac='02:00:00:00:00:01', stage='dhcp-ack', vendor='<script>alert("pwn")</script>',
                        hostname="lab-<b>7</b>&'")
if check == 'noscript': assert 'script' not in p.tags and 'b' not in p.tags, p.tags
if check == 'times':
    for r in p.rows: assert r['first'].endswith(' s') and r['last'].endswith(' s'), r
print(len(p.rows), 'rows')
PY
	dom() { python3 "$TMP/dom.py" "$TMP/dom.html" "$1" > "$TMP/dom.out" 2>&1 || { tail -1 "$TMP/dom.out"; return 1; }; }
	if [ -s "$TMP/dom.html" ]; then
		check "DOM: one row per client ($(python3 "$TMP/dom.py" "$TMP/dom.html" rows 2>&1 | tail -1))" dom rows
		check "DOM: 127.0.0.2 at image-done, http, 100%, bytes in the title" dom http
		check "DOM: 127.0.0.3 at image, tftp, about 50%" dom tftp
		check "DOM: the DHCP client by MAC and leased IP at dhcp-ack, its vendor class and host name as text" dom dhcp
		check "DOM: the client's <script> and <b> made no element" dom noscript
		check "DOM: first and last request times" dom times
	else
		fail "chromium --dump-dom" "empty DOM: $(grep -v dbus "$TMP/chromium.err" | tail -2)"
	fi
else
	skip "chromium" "not installed (scripts/install-deps.sh)"
fi
stop "$SERVER"

# --- 4 --status-allow ---
hport2=$(free_port)
"$NB" serve --boot-dir "$boot" --no-dhcp --no-tftp --http-port "$hport2" --local-ip 127.0.0.1 \
	--status-allow 192.0.2.0/24 --status-allow 127.0.0.2 > "$TMP/log2" 2>&1 & PIDS+=($!)
wait_port "$hport2" || { fail start "second server did not start"; exit 1; }
U2=http://127.0.0.1:$hport2
check "log: the allowed subnets said at start" grep -q "http: status page, /status.json and /metrics for 192.0.2.0/24 127.0.0.2/32$" "$TMP/log2"
codes=$(for page in / /status.json /metrics; do curl -s -o /dev/null -w '%{http_code} ' "$U2$page"; done;
	curl -s -I -o /dev/null -w '%{http_code}' "$U2/metrics")
check "--status-allow 192.0.2.0/24: 127.0.0.1 gets 403 on /, /status.json, /metrics, HEAD ($codes)" [ "$codes" = "403 403 403 403" ]
check "--status-allow: boot files still served to 127.0.0.1" bash -c "curl -sf -o '$TMP/i2' '$U2/sysrcd.dat' && cmp -s '$TMP/i2' '$boot/sysrcd.dat'"
urls=(); for _ in $(seq 30); do urls+=("$U2/metrics"); done
curl -s "${urls[@]}" > /dev/null
lines=$(grep -c ' 403: not an address --status-allow lets in' "$TMP/log2")
check "403s logged at most 5 a second ($lines lines for 34 refusals)" bash -c "[ $lines -ge 1 ] && [ $lines -le 10 ]"
curl -sf --interface 127.0.0.2 -o "$TMP/m2" "$U2/metrics"
check "127.0.0.2 allowed: /metrics counts the 34 refusals" [ "$(metric "$TMP/m2" "${p}errors_total{kind=\"status_forbidden\"}")" = 34 ]
printf 'PXEBOOTSRV_STATUS_ALLOW="10.0.0.0/8 192.0.2.7"\n' > "$TMP/conf"
check "pxebootsrv key PXEBOOTSRV_STATUS_ALLOW in --print-config" bash -c \
	"'$NB' serve --boot-dir '$boot' --config '$TMP/conf' --print-config | grep -qx 'status_allow = 10.0.0.0/8 192.0.2.7/32'"
check "the flag replaces the key's list" bash -c \
	"'$NB' serve --boot-dir '$boot' --config '$TMP/conf' --status-allow 198.51.100.0/24 --print-config | grep -qx 'status_allow = 198.51.100.0/24'"
check "a bad subnet is refused naming the flag" bash -c \
	"'$NB' serve --boot-dir '$boot' --status-allow 192.0.2.1/24 2>&1 | grep -qE '^([0-9T:.-]+Z )?netboot serve: --status-allow 192.0.2.1/24: expected'"
exit $FAILED
