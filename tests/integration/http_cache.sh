#!/bin/bash
# What caches need from the client, against real servers on 127.0.0.1:
#  - nginx: a transfer cut after the file changed on the server resumes with
#    Range + If-Range; nginx answers 200 with the new file, the client
#    restarts from byte 0 and the new file verifies (ETag, then Last-Modified);
#  - a python3 server answering 503 Retry-After: 1 twice (then 429 with an
#    HTTP-date) before the file: the fetch waits as told and succeeds;
#  - --jitter: the random start delay stays inside its window.
# Every server is stopped by PID on exit.
TMP_NAME=netboot-cache . "$(dirname "$0")/../lib.sh"
NB=$ROOT/build/netboot
FAIL_SHOW=$TMP/err FAIL_LINES=8
sha() { sha256sum < "$1" | cut -d' ' -f1; }

www=$TMP/www; mkdir -p "$www"
ng=$(free_port)
nginx_conf "$TMP" <<CONF
	log_format l '\$request \$status \$body_bytes_sent "\$http_if_range"'; access_log $TMP/access.log l;
	server { listen 127.0.0.1:$ng; root $www;
		location /etag/ { alias $www/; limit_rate 3m; }
		location /lm/ { alias $www/; limit_rate 3m; etag off; }
	}
CONF

# A transfer of version 1 cut at ~1.5 s by killing nginx; version 2 (another
# size too) in place when nginx is back.  Only version 2's digest is given:
# a splice of the two, or a resume of version 1, fails it.
changed_resume() {	# $1 = location (etag|lm), $2 = what the If-Range must look like
	head -c $((10 * 1024 * 1024)) /dev/urandom > "$www/sysrcd.dat"
	touch -d '2020-01-01 00:00:00' "$www/sysrcd.dat"
	head -c $((11 * 1024 * 1024)) /dev/urandom > "$TMP/v2"
	touch -d '2021-01-01 00:00:00' "$TMP/v2"
	: > "$TMP/access.log"
	start_nginx "$TMP" "$ng" || { echo "FAIL: nginx did not start"; return; }
	"$NB" fetch --checksum "sha256:$(sha "$TMP/v2")" "http://127.0.0.1:$ng/$1/sysrcd.dat" -o "$TMP/got" > "$TMP/out" 2> "$TMP/err" & fpid=$!
	sleep 1.5
	stop "$NGINX_PID"
	mv "$TMP/v2" "$www/sysrcd.dat"
	start_nginx "$TMP" "$ng"
	wait $fpid; rc=$?
	stop "$NGINX_PID"
	if [ $rc -eq 0 ] && cmp -s "$TMP/got" "$www/sysrcd.dat" && grep -q 'changed on the server (If-Range did not match), restarting from zero' "$TMP/err" &&
	   grep -qE "^GET /$1/sysrcd.dat HTTP/1.1 200 $((11 * 1024 * 1024)) \"$2\"" "$TMP/access.log"; then
		pass "file changed during a cut transfer ($1): If-Range with version 1's ${3} answered 200, restarted from 0, new file verified"
	else fail "file changed during a cut transfer ($1) (exit $rc)"; cat "$TMP/access.log"; fi
}
# nginx logs the quotes of the ETag as \x22; the validator is version 1's
changed_resume etag '\\x22[0-9a-f]+-a00000\\x22' ETag
changed_resume lm 'Wed, 01 Jan 2020 00:00:00 GMT' Last-Modified
# unchanged file: the If-Range matches, the resume is a 206 (no wasted bytes)
head -c $((10 * 1024 * 1024)) /dev/urandom > "$www/sysrcd.dat"
: > "$TMP/access.log"
start_nginx "$TMP" "$ng"
"$NB" fetch --checksum "sha256:$(sha "$www/sysrcd.dat")" "http://127.0.0.1:$ng/etag/sysrcd.dat" -o "$TMP/got" > "$TMP/out" 2> "$TMP/err" & fpid=$!
sleep 1.5
restart_nginx "$TMP" "$ng"
wait $fpid; rc=$?
[ $rc -eq 0 ] && grep -qE '^GET /etag/sysrcd.dat HTTP/1.1 206 [0-9]+ "\\x22' "$TMP/access.log" && ! grep -q 'restarting' "$TMP/err" &&
	pass "unchanged file: If-Range matches, resumed with 206" || { fail "unchanged file resume (exit $rc)"; cat "$TMP/access.log"; }
stop "$NGINX_PID"

# --- a busy server: 503 Retry-After: 1 twice, 429 with an HTTP-date, then the file ---
py=$(free_port)
cat > "$TMP/busy.py" <<'PY'
import email.utils, http.server, sys, time
port, path, plan = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_GET(self):
        step = plan[H.n] if H.n < len(plan) else "ok"
        H.n += 1
        sys.stderr.write("request %d: %s\n" % (H.n, step)); sys.stderr.flush()
        if step == "ok":
            data = open(path, "rb").read()
            self.send_response(200); self.send_header("Content-Length", str(len(data))); self.end_headers()
            self.wfile.write(data); return
        code, after = step.split(":", 1)
        self.send_response(int(code))
        if after == "date":
            self.send_header("Retry-After", email.utils.formatdate(time.time() + 2, usegmt=True))
        elif after:
            self.send_header("Retry-After", after)
        self.send_header("Content-Length", "4"); self.end_headers(); self.wfile.write(b"busy")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
head -c $((2 * 1024 * 1024)) /dev/urandom > "$TMP/img"
busy_case() {	# $1 = plan, $2 = name, $3 = waits expected (grep -c), $4 = least seconds
	python3 "$TMP/busy.py" "$py" "$TMP/img" "$1" 2> "$TMP/busy.log" & BPID=$!; PIDS+=($BPID)
	wait_port "$py"
	t0=$(date +%s.%N)
	"$NB" fetch --checksum "sha256:$(sha "$TMP/img")" "http://127.0.0.1:$py/sysrcd.dat" -o "$TMP/got" > "$TMP/out" 2> "$TMP/err"; rc=$?
	dt=$(echo "$(date +%s.%N) - $t0" | bc)
	kill "$BPID"; wait "$BPID" 2>/dev/null
	waits=$(grep -c 'server busy: waiting' "$TMP/err")
	if [ $rc -eq 0 ] && cmp -s "$TMP/got" "$TMP/img" && [ "$waits" -eq "$3" ] && [ "$(echo "$dt >= $4" | bc)" = 1 ]; then
		pass "$2: fetched after $waits logged waits in ${dt%??????} s"
	else fail "$2 (exit $rc, $waits waits, $dt s)"; cat "$TMP/busy.log"; fi
}
busy_case "503:1,503:1" "503 Retry-After: 1 twice" 2 2
grep -q 'HTTP 503 Service Unavailable.*server busy: waiting 1.0 s (its Retry-After)' "$TMP/err" &&
	pass "the wait line names the status and the Retry-After" || fail "wait line"
busy_case "429:date" "429 Retry-After: HTTP-date 2 s ahead" 1 1
busy_case "503:,503:,503:" "503 without Retry-After: backoff" 3 3
# the budget: 20 busy answers, then the fetch fails (it must not hang forever)
busy_case_fail() {
	python3 "$TMP/busy.py" "$py" "$TMP/img" "$(printf '503:0,%.0s' $(seq 30))" 2> "$TMP/busy.log" & BPID=$!; PIDS+=($BPID)
	wait_port "$py"
	"$NB" fetch --checksum "sha256:$(sha "$TMP/img")" "http://127.0.0.1:$py/sysrcd.dat" -o "$TMP/got" > "$TMP/out" 2> "$TMP/err"; rc=$?
	kill "$BPID"; wait "$BPID" 2>/dev/null
	[ $rc -ne 0 ] && [ "$(grep -c 'server busy' "$TMP/err")" -eq 19 ] && pass "busy forever: gives up after 20 answers" ||
		fail "busy budget (exit $rc)"
}
busy_case_fail

# --- jitter ---
python3 "$TMP/busy.py" "$py" "$TMP/img" "" 2> "$TMP/busy.log" & BPID=$!; PIDS+=($BPID)
wait_port "$py"
ok=1
for _ in 1 2 3; do
	"$NB" fetch --jitter 1 --nocheck "http://127.0.0.1:$py/sysrcd.dat" -o "$TMP/got" > "$TMP/out" 2> "$TMP/err" || ok=0
	ms=$(sed -n 's/^jitter_ms=//p' "$TMP/out")
	{ [ -n "$ms" ] && [ "$ms" -le 1000 ] && grep -q 'jitter: waiting .* (random, up to 1 s) before the first request' "$TMP/err"; } || ok=0
done
[ $ok = 1 ] && pass "--jitter 1: waited at most 1 s, said so" || fail "--jitter"
kill "$BPID"; wait "$BPID" 2>/dev/null
"$NB" fetch --jitter 601 --nocheck "http://127.0.0.1:$py/x" -o "$TMP/got" 2> "$TMP/err"; [ $? -eq 2 ] && grep -q 'expected seconds from 0 to 600' "$TMP/err" &&
	pass "--jitter 601 refused" || fail "--jitter 601"
"$NB" cmdline "netboot=http://10.0.2.2/sysrcd.dat netboot.jitter=5" | grep -qx 'jitter=5' && pass "netboot.jitter=5 in the plan" || fail "plan jitter"
