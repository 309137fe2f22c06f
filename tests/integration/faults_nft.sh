#!/bin/bash
# Faults, in a private network namespace (192.0.2.0/24 on a veth pair
# inside it) running `netboot serve`:
#   1 nftables drops 10 % of the packets entering the namespace's stack
#     (numgen random mod 100 < 10): `netboot fetch` over TFTP and over HTTP
#     still completes and verifies the checksum
#   2 a proxy that flips one byte of the body: fetch exits 3 (checksum
#     mismatch), never "verified"; with a good second mirror
#     (URL1,URL2) it succeeds from the mirror
# Server and proxy stopped by PID, the namespace deleted on exit.
T=faults_nft
. "$(dirname "$0")/netns_lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
[ -x "$NB" ] || { echo "FAIL: $T: $NB not built"; exit 1; }
need netns nft python3

ns=nbfault-$tag
newns_pair "$ns"
in_ns() { ip netns exec "$ns" "$@"; }	# not for &: $! must be the program itself
B=$tmp/boot; mkdir -p "$B" "$tmp/out"
head -c $((8 * 1000 * 1000 + 3)) /dev/urandom > "$B/sysrcd.dat"
head -c $((2 * 1000 * 1000 + 7)) /dev/urandom > "$B/vmlinuz"; echo initrd > "$B/initram.igz"
img=sha256:$(sha256sum < "$B/sysrcd.dat" | cut -d' ' -f1)
ker=sha256:$(sha256sum < "$B/vmlinuz" | cut -d' ' -f1)
ip netns exec "$ns" "$NB" serve --boot-dir "$B" --no-dhcp --local-ip 192.0.2.1 > "$tmp/log" 2>&1 &
PIDS+=($!)
ns_wait_port "$ns" 192.0.2.1 80

# --- 1: 10 % loss ---
in_ns nft -f - <<'NFT' || { echo "FAIL: $T: nft rules refused"; exit 1; }
table inet loss {
	chain input { type filter hook input priority 0; ip saddr 192.0.2.0/24 numgen random mod 100 < 10 counter drop; }
}
NFT
fetch() { in_ns timeout 50 "$NB" fetch "$@" --quiet > "$tmp/fetch.out" 2>&1; }
t0=$(now_ms); fetch tftp://192.0.2.1/vmlinuz -o "$tmp/out/k" --checksum "$ker"; rc=$?; dt=$(( $(now_ms) - t0 ))
check "10 % loss: TFTP fetch of 2 MB verified (exit $rc, $dt ms)" bash -c "[ $rc -eq 0 ] && cmp -s '$B/vmlinuz' '$tmp/out/k'"
t0=$(now_ms); fetch http://192.0.2.1/sysrcd.dat -o "$tmp/out/i" --checksum "$img"; rc=$?; dt=$(( $(now_ms) - t0 ))
check "10 % loss: HTTP fetch of 8 MB verified (exit $rc, $dt ms)" bash -c "[ $rc -eq 0 ] && cmp -s '$B/sysrcd.dat' '$tmp/out/i'"
dropped=$(in_ns nft list table inet loss | grep -oE 'packets [0-9]+' | grep -oE '[0-9]+')
check "the loss rule dropped packets ($dropped)" [ "${dropped:-0}" -gt 10 ]
in_ns nft delete table inet loss

# --- 2: a byte flipped in transit ---
cat > "$tmp/flip.py" <<'PY'
# relays 192.0.2.2:8080 -> 192.0.2.1:80, flipping one byte 1 MB into each response
import select, socket, threading
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(('192.0.2.2', 8080)); ls.listen(16)
def serve(c):
    s = socket.create_connection(('192.0.2.1', 80)); seen = 0
    while True:
        r, _, _ = select.select([c, s], [], [])
        for x in r:
            d = bytearray(x.recv(65536))
            if not d:
                c.close(); s.close(); return
            if x is s:
                if seen <= 1000000 < seen + len(d):
                    d[1000000 - seen] ^= 0x20
                seen += len(d)
                c.sendall(d)
            else:
                s.sendall(d)
while True:
    threading.Thread(target=serve, args=(ls.accept()[0],), daemon=True).start()
PY
ip netns exec "$ns" python3 "$tmp/flip.py" & PIDS+=($!)
ns_wait_port "$ns" 192.0.2.2 8080
rm -f "$tmp/out/i"
fetch http://192.0.2.2:8080/sysrcd.dat -o "$tmp/out/i" --checksum "$img" --tries 2; rc=$?
# the tool leaves what it wrote (http_robust.sh relies on it); the verdict is the exit status
check "a flipped byte: checksum mismatch, exit 3 ($rc), never reported verified" bash -c "[ $rc -eq 3 ] && ! grep -q '^verified=' '$tmp/fetch.out' && ! cmp -s '$B/sysrcd.dat' '$tmp/out/i'"
grep -qi "mismatch\|checksum" "$tmp/fetch.out" && pass "the mismatch is reported: $(grep -im1 'mismatch\|checksum' "$tmp/fetch.out" | cut -c1-120)" ||
	fail "mismatch reported" "$(tail -3 "$tmp/fetch.out")"
fetch "http://192.0.2.2:8080/sysrcd.dat,http://192.0.2.1/sysrcd.dat" -o "$tmp/out/i" --checksum "$img" --tries 1; rc=$?
check "bad mirror first, good second: verified from the mirror (exit $rc)" bash -c "[ $rc -eq 0 ] && cmp -s '$B/sysrcd.dat' '$tmp/out/i'"
