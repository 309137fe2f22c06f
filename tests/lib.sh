# The shell test library, sourced (not run) by tests/integration/*.sh, by
# tests/qemu/lib.sh (and so by every QEMU test) and by bench/*.sh.  A new
# integration test needs a few lines:
#	T=mytest	# optional: lines read "PASS: mytest: ..."
#	. "$(dirname "$0")/../lib.sh"
#	NB=$ROOT/build/netboot; need curl
#	port=$(free_port); "$NB" serve ... --http-port "$port" & PIDS+=($!)
#	wait_port "$port" || { fail start "no server"; exit 1; }
#	check "image served" curl -sf -o "$TMP/x" "http://127.0.0.1:$port/sysrcd.dat"
# (variables the library reads at sourcing, TMP_NAME, TMP_IN, TMP_GIVEN, must
# be set in a statement of their own or as a prefix of the `.` line)
#
#   ROOT, TMP, PIDS  the tree; a temp folder (set before sourcing: TMP_NAME
#                    names it, TMP_IN=/dev/shm puts it there if it can,
#                    TMP_GIVEN=DIR uses DIR and leaves it in place); the PIDs
#                    of the servers a test starts
#   cleanup          the EXIT trap: CLEANUP_HOOK (a command, if set) runs
#                    first, then every PID in PIDS is stopped, the namespaces
#                    in NSS deleted and TMP removed
#   pass NAME, fail NAME [WHY], skip NAME [WHY], check NAME COMMAND...
#                    print the "PASS: ", "FAIL: ", "SKIP: " lines tests/run.sh
#                    counts; with T set they read "PASS: $T: NAME"; fail sets
#                    FAILED=1 and, with FAIL_SHOW (files) set, prints their last
#                    FAIL_LINES (5) lines indented
#   free_port, wait_port PORT [TRIES] [HOST], free_udp_port,
#   wait_udp_port PORT [TRIES], wait_log LOG REGEX PID [TRIES],
#   send_garbage PORT BYTES, now_ms
#   need COMMAND...  SKIP (exit 0) unless installed ("netns": need_netns)
#   need_netns, netns_usable, newns NAME, veth NS_A A NS_B B, newns_pair NAME,
#   two_nets S C C0 S0 C1 S1, ns_wait_port NS HOST PORT, wait_server NS,
#   start_dnsmasq NS NAME ARGS...
#                    private network namespaces (root), deleted on exit
#   nbd_server_start DIR PORT [root] NAME=FILE..., ganesha_conf FILE DIR...,
#   ganesha_start [-n NS] DIR EXPORT...   NBD and NFSv3 servers
#   nginx_conf DIR [HTTP-BODY], start_nginx DIR [PORT] [NS],
#   restart_nginx DIR PORT [PAUSE], nginx_cut DIR PORT COMMAND..., stop PID...
#   seed_pxebootsrv FILE [NET [LOCALIP]]   the seed's pxebootsrv file
# The QEMU helpers (qemu_boot, qemu_wait, http_serve, image_dir, pxe_dir,
# check_log) are in tests/qemu/lib.sh, the lab network of the serve tests
# (lab_up, lab_peer, serve_start, qemu_tap_boot) in tests/qemu/serve_lib.sh.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP_KEEP=${TMP_GIVEN:-}
if [ -n "$TMP_KEEP" ]; then
	TMP=$TMP_KEEP
else
	TMP=$(mktemp -d "${TMP_IN:-/tmp}/${TMP_NAME:-netboot-test}.XXXXXX" 2>/dev/null ||
		mktemp -d "/tmp/${TMP_NAME:-netboot-test}.XXXXXX")
fi
PIDS=() NSS=()
FAILED=0
tag=$$
cleanup() {
	local p ns
	[ -n "${CLEANUP_HOOK:-}" ] && eval "$CLEANUP_HOOK"
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	NSS=()
	[ -n "$TMP_KEEP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- counting ---
pass() { echo "PASS: ${T:+$T: }$1"; }
fail() {
	echo "FAIL: ${T:+$T: }$1${2:+: $2}"
	FAILED=1
	# shellcheck disable=SC2086	# FAIL_SHOW is a list of files
	[ -n "${FAIL_SHOW:-}" ] && sed 's/^/    /' $FAIL_SHOW 2>/dev/null | tail -n "${FAIL_LINES:-5}"
	return 0
}
skip() { echo "SKIP: ${T:+$T: }$1${2:+: $2}"; }
check() {	# check NAME COMMAND...: PASS if the command succeeds
	local name=$1; shift
	if "$@"; then pass "$name"; else fail "$name" "'$*' failed"; fi
}
need() {	# need COMMAND...: SKIP the test (exit 0) unless each is installed ("netns": need_netns)
	local c
	for c; do
		if [ "$c" = netns ]; then need_netns
		else command -v "$c" >/dev/null || { skip "$c not installed"; exit 0; }; fi
	done
}
# wait_log LOG REGEX PID [TRIES]: until REGEX shows in LOG (TRIES x 0.1 s,
# 100) or PID has ended
wait_log() {
	local _
	for _ in $(seq "${4:-100}"); do
		grep -qaE "$2" "$1" && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.1
	done
	grep -qaE "$2" "$1"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# --- ports on loopback ---
free_port() {	# a TCP port nobody listens on, 20000-39999
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}
wait_port() {	# wait_port PORT [TRIES] [HOST]: until something listens (TRIES x 0.1 s)
	local _
	for _ in $(seq "${2:-50}"); do
		(exec 3<>"/dev/tcp/${3:-127.0.0.1}/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
free_udp_port() {	# a UDP port nobody listens on, 20000-39999
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		ss -Huln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
wait_udp_port() {	# wait_udp_port PORT [TRIES]: until something listens on UDP PORT (TRIES x 0.1 s)
	local _
	for _ in $(seq "${2:-50}"); do ss -Huln "sport = :$1" | grep -q . && return 0; sleep 0.1; done
	return 1
}
send_garbage() {	# send_garbage PORT BYTES: 3 connections to 127.0.0.1:PORT, each sends BYTES random bytes
	local _
	for _ in 1 2 3; do head -c "$2" /dev/urandom | timeout 3 python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $1))
try:
    s.sendall(sys.stdin.buffer.read()); s.settimeout(2); s.recv(100)
except OSError: pass" 2>/dev/null; done
}

# --- network namespaces joined by veth pairs, deleted on exit ---
netns_usable() {
	ip netns add "nbtest-probe-$tag" 2>/dev/null || return 1
	ip netns del "nbtest-probe-$tag"
}
need_netns() {	# SKIP the test (exit 0) unless root and able to make namespaces
	[ "$(id -u)" = 0 ] || { skip "needs root (network namespaces)"; exit 0; }
	netns_usable || { skip "cannot create network namespaces"; exit 0; }
}
newns() {	# newns NAME: a namespace with lo up, deleted on exit
	ip netns add "$1" || return 1
	NSS+=("$1")
	ip -n "$1" link set lo up
}
# veth NS_A A NS_B B: a pair created inside the namespaces, never in ours.
veth() { ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"; }
# two_nets S C C0 S0 C1 S1: namespaces S (a server) and C (a client) joined
# twice: C0-S0 with S0 192.0.2.1/24, C1-S1 with S1 198.51.100.1/24 (server
# ends up, the client's left down)
two_nets() {
	newns "$1" && newns "$2" && veth "$2" "$3" "$1" "$4" && veth "$2" "$5" "$1" "$6" &&
		ip -n "$1" addr add 192.0.2.1/24 dev "$4" && ip -n "$1" addr add 198.51.100.1/24 dev "$6" &&
		ip -n "$1" link set "$4" up && ip -n "$1" link set "$6" up
}
# newns_pair NAME: a namespace whose two ends of a veth pair are v0
# (192.0.2.1/24, the server) and v1 (192.0.2.2/24), so traffic between them
# crosses a link (nftables and tc see it); FAIL and exit if it cannot
newns_pair() {
	newns "$1" && ip -n "$1" link add v0 type veth peer name v1 && ip -n "$1" link set v0 up &&
		ip -n "$1" link set v1 up && ip -n "$1" addr add 192.0.2.1/24 dev v0 && ip -n "$1" addr add 192.0.2.2/24 dev v1 ||
		{ fail setup "cannot set up 192.0.2.0/24 in $1"; exit 1; }
}
ns_wait_port() {	# ns_wait_port NS HOST PORT: until something listens on TCP HOST:PORT in NS (5 s)
	local _
	for _ in $(seq 50); do
		ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
wait_server() {	# wait_server NS: until something listens on UDP port 67 in NS
	local _
	for _ in $(seq 50); do
		ip netns exec "$1" cat /proc/net/udp | awk '{print $2}' | grep -q ':0043$' && return 0
		sleep 0.1
	done
	return 1
}
start_dnsmasq() {	# start_dnsmasq NS NAME dnsmasq-args...: DHCP only (port=0: no DNS), files TMP/NAME.*
	local ns=$1 name=$2; shift 2
	ip netns exec "$ns" dnsmasq --no-daemon --port=0 --conf-file=/dev/null --bind-interfaces \
		--pid-file="$TMP/$name.pid" --dhcp-leasefile="$TMP/$name.leases" --log-dhcp \
		--log-facility="$TMP/$name.log" "$@" 2>>"$TMP/$name.log" &
	PIDS+=($!)
	wait_server "$ns"
}

# --- fixtures ---
# seed_pxebootsrv FILE [NET [LOCALIP]]: the seed's typical
# /etc/conf.d/pxebootsrv, verbatim but for its addresses: NET.0/24 (default
# 192.168.1), this machine LOCALIP (default NET.5)
seed_pxebootsrv() {
	local net=${2:-192.168.1}
	local ip=${3:-$net.5}
	sed -e "s/@NET@/$net/g" -e "s/@LOCALIP@/$ip/g" > "$1" <<'CONF'
# ------------------------ CONFIGURATION -------------------------------
# By default the current systems act as DHCP and TFTP and HTTP server
# If you want another machine on your network to act as one of those
# you will have to turn the appropriate option to "no"

# Set to "yes" if you want this machine to act as a DHCP server
PXEBOOTSRV_DODHCPD="yes"
# Set to "yes" if you want this machine to act as a TFTP server
PXEBOOTSRV_DOTFTPD="yes"
# Set to "yes" if you want this machine to act as an HTTP server
PXEBOOTSRV_DOHTTPD="yes"

# Here is a typical PXE-Boot configuration --> update with your settings
PXEBOOTSRV_SUBNET="@NET@.0"
PXEBOOTSRV_NETMASK="255.255.255.0"
PXEBOOTSRV_DEFROUTE="@NET@.254"
PXEBOOTSRV_DNS="@NET@.254"
PXEBOOTSRV_DHCPRANGE="@NET@.100 @NET@.150"
PXEBOOTSRV_LOCALIP="@LOCALIP@"

# Keep these values to $PXEBOOTSRV_LOCALIP if the current computer
# acts as TFTP server and HTTP server as well as DHCP server
PXEBOOTSRV_TFTPSERVER="$PXEBOOTSRV_LOCALIP"       # IP address of the TFTP server
PXEBOOTSRV_HTTPSERVER="http://$PXEBOOTSRV_LOCALIP/sysrcd.dat" # download URL
CONF
}

# --- NBD and NFS servers ---
# nbd_server_start DIR PORT [root] NAME=FILE...: nbd-server on 127.0.0.1:PORT
# exporting each FILE read-only as NAME (DIR/nbd.conf, DIR/nbd.log,
# DIR/nbd.pid); "root": it stays root instead of becoming user nbd.  It
# forks: NBD_PID is its PID (in PIDS).  Returns 1 if it does not listen.
nbd_server_start() {
	local dir=$1 port=$2 e _; shift 2
	{
		printf '[generic]\n\tlistenaddr = 127.0.0.1\n\tport = %s\n\tallowlist = true\n' "$port"
		if [ "${1:-}" = root ]; then printf '\tuser = root\n\tgroup = root\n'; shift; fi
		for e; do printf '[%s]\n\texportname = %s\n\treadonly = true\n' "${e%%=*}" "${e#*=}"; done
	} > "$dir/nbd.conf"
	rm -f "$dir/nbd.pid"
	nbd-server -C "$dir/nbd.conf" -p "$dir/nbd.pid" 2>>"$dir/nbd.log"
	for _ in $(seq 50); do [ -s "$dir/nbd.pid" ] && break; sleep 0.1; done
	NBD_PID=$(cat "$dir/nbd.pid" 2>/dev/null)
	[ -n "$NBD_PID" ] && PIDS+=("$NBD_PID")
	wait_port "$port"
}

# ganesha_conf FILE DIR...: an nfs-ganesha config exporting each DIR read-only
# over NFSv3/TCP (port 2049, mountd 20048, no NLM), as the NFS tests need
ganesha_conf() {
	local file=$1 id=1 d; shift
	{
		printf 'NFS_CORE_PARAM {\n\tNFS_Port = 2049;\n\tMNT_Port = 20048;\n\tEnable_NLM = false;\n'
		printf '\tEnable_RQUOTA = false;\n\tEnable_UDP = false;\n\tProtocols = 3;\n}\nNFSV4 { Graceless = true; }\n'
		for d in "$@"; do
			printf 'EXPORT {\n\tExport_Id = %d;\n\tPath = %s;\n\tPseudo = %s;\n\tAccess_Type = RO;\n' "$id" "$d" "$d"
			printf '\tSquash = No_Root_Squash;\n\tProtocols = 3;\n\tTransports = TCP;\n\tFSAL { Name = VFS; }\n}\n'
			id=$((id + 1))
		done
	} > "$file"
}

# ganesha_start [-n NS] DIR EXPORT...: rpcbind and nfs-ganesha (DIR/ganesha.conf,
# DIR/log, DIR/pid) exporting each EXPORT folder (ganesha_conf), inside NS if
# given; waits for port 2049 and the registration with rpcbind.  Sets
# RPCBIND_PID and GANESHA_PID; prints a FAIL line and returns 1 if it does not start.
ganesha_start() {
	local in=() dir _
	if [ "$1" = -n ]; then in=(ip netns exec "$2"); shift 2; fi
	dir=$1; shift
	mkdir -p "$dir"
	ganesha_conf "$dir/ganesha.conf" "$@"
	"${in[@]}" rpcbind -f -w & RPCBIND_PID=$!; PIDS+=($!)
	sleep 0.3
	"${in[@]}" ganesha.nfsd -F -f "$dir/ganesha.conf" -L "$dir/log" -p "$dir/pid" & GANESHA_PID=$!; PIDS+=($!)
	for _ in $(seq 100); do "${in[@]}" bash -c '(exec 3<>/dev/tcp/127.0.0.1/2049)' 2>/dev/null && break; sleep 0.1; done
	"${in[@]}" bash -c '(exec 3<>/dev/tcp/127.0.0.1/2049)' 2>/dev/null ||
		{ echo "FAIL: nfs-ganesha did not start: $(tail -3 "$dir/log")"; return 1; }
	# mountd (100005) v3 over TCP registered with rpcbind: under load this
	# takes seconds, and a mount before it fails ("Not supported")
	for _ in $(seq 100); do
		"${in[@]}" rpcinfo -p 127.0.0.1 2>/dev/null | grep -qE '^ *100005 +3 +tcp' && return 0
		sleep 0.1
	done
	echo "INFO: nfs-ganesha: mountd v3/tcp not registered with rpcbind after 10 s: $("${in[@]}" rpcinfo -p 127.0.0.1 2>&1 | tr '\n' ' ')"
}

# --- nginx ---
# nginx_conf DIR [HTTP-BODY]: DIR/nginx.conf, nginx in the foreground with
# one process (NGINX_CONNECTIONS connections, 64), its pid, error log
# (DIR/nginx.err) and temp files in DIR, and
# HTTP-BODY (or standard input: log_format, access_log, server blocks)
# inside http { }
nginx_conf() {
	{
		printf 'daemon off; master_process off; worker_processes 1; pid %s/nginx.pid; error_log %s/nginx.err;\n' "$1" "$1"
		printf 'events { worker_connections %s; }\n' "${NGINX_CONNECTIONS:-64}"
		printf 'http { client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s; uwsgi_temp_path %s; scgi_temp_path %s;\n' \
			"$1" "$1" "$1" "$1" "$1"
		if [ $# -gt 1 ]; then printf '%s\n' "$2"; else cat; fi
		printf '}\n'
	} > "$1/nginx.conf"
}
# start_nginx DIR [PORT] [NS]: nginx with DIR/nginx.conf (inside NS if given),
# its stderr appended to DIR/nginx.stderr; sets NGINX_PID; waits for PORT
start_nginx() {
	local dir=$1 port=${2:-} ns=${3:-}
	${ns:+ip netns exec "$ns"} nginx -c "$dir/nginx.conf" -p "$dir" 2>>"$dir/nginx.stderr" &
	NGINX_PID=$!
	PIDS+=($NGINX_PID)
	[ -z "$port" ] || wait_port "$port"
}
restart_nginx() {	# restart_nginx DIR PORT [PAUSE]: stop nginx, PAUSE s (0), start it again
	stop "$NGINX_PID"
	sleep "${3:-0}"
	start_nginx "$1" "$2"
}
# nginx_cut DIR PORT COMMAND...: COMMAND (a download from this nginx) with
# nginx stopped 1.5 s into it and started again 0.3 s later; COMMAND's status
nginx_cut() {
	local dir=$1 port=$2 pid; shift 2
	"$@" & pid=$!
	sleep 1.5
	restart_nginx "$dir" "$port" 0.3
	wait "$pid"
}
stop() {	# stop PID...: kill and reap (the PID stays in PIDS: killing it twice is harmless)
	local p
	for p in "$@"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	return 0
}
