#!/bin/bash
# A booted system carries on through a server restart (issue 9), under QEMU:
#  1. netboot=nbd:// from nbd-server, 2. the same from nbdkit, 3. nfsboot=
#  from nfs-ganesha.  Once the test root's init (init=/lib/reconnect-init)
#  runs, the test stops the server, waits 10 s and starts it again; the
#  guest (NBD: after the supervisor logged its reconnect) drops caches,
#  reads every file and the whole root device over the network and says
#  how many reads failed.  No I/O error may show; over NBD the supervisor
#  @netboot-nbd must have logged the reconnect in /run/netboot/nbd.log and
#  still run in the booted system.
#  4. A silent server: nbdkit frozen (SIGSTOP) for FREEZE s (45) while the
#  booted system reads: its TCP still answers, its NBD does not.  The
#  kernel's request timeout (30 s) must mark the link dead, the supervisor
#  reconnect once the server thaws, and every read complete without error.
# All servers and QEMU run in a private network namespace (only lo), as in
# nfs_test.sh: ganesha needs its own rpcbind.  Run under flock /work/qemu.lock.
if [ -z "${NB_IN_NETNS:-}" ]; then
	exec unshare -n env NB_IN_NETNS=1 "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_artifacts
ip link set lo up
READY='NETBOOT-RECONNECT-READY'
END='NETBOOT-RECONNECT-END'
OUTAGE=${OUTAGE:-10}

mkdir -p "$TMP/nbd" "$TMP/ganesha"
image_dir "$TMP/nbd"	# sysrcd.dat and sysrcd.md5 (the NFS case checks it)
chmod -R a+rX "$TMP"

# wait_log LOG REGEX SECONDS: 0 once REGEX shows, 1 if QEMU ended or time ran out
wait_log() {
	local deadline=$((SECONDS + $3))
	while [ $SECONDS -lt $deadline ]; do
		grep -qaE "$2" "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# --- the servers: start_* sets SERVER_PID, stop_server ends it and its children ---
nbd_port=$(free_port)
start_nbd_server() {
	nbd_server_start "$TMP/nbd" "$nbd_port" root sysrcd="$TMP/nbd/sysrcd.dat"; local rc=$?
	SERVER_PID=$NBD_PID
	return $rc
}
kit_port=$(free_port)
start_nbdkit() {
	# -f: foreground, so $! is the server; newstyle, default export
	nbdkit -f -r -i 127.0.0.1 -p "$kit_port" file "$TMP/nbd/sysrcd.dat" 2>>"$TMP/nbdkit.log" &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	wait_port "$kit_port" 100
}
ganesha_conf "$TMP/ganesha/ganesha.conf" "$TMP/nbd"
start_ganesha() {
	ganesha.nfsd -F -f "$TMP/ganesha/ganesha.conf" -L "$TMP/ganesha/log" -p "$TMP/ganesha/pid" &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	wait_port 2049 100 && sleep 1	# registration with rpcbind
}
# stop_server: the server by PID, and the per-connection children it forked
stop_server() {
	local kids
	kids=$(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null)
	kill "$SERVER_PID" $kids 2>/dev/null
	for _ in $(seq 30); do	# nbdkit waits for its clients, ganesha takes its time: 3 s, then SIGKILL
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$SERVER_PID" $kids 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	return 0
}

# outage_case restart|freeze TAG NAME START APPEND CHECK...: boots; once the
# test root runs, restart: stops the server, waits OUTAGE s, starts it again;
# freeze: (booted with reconnect=silent, the guest reads at once) stops the
# server and its children with SIGSTOP for FREEZE s, then thaws them.  Then
# checks that every read ended well and the log has each CHECK.
FREEZE=${FREEZE:-45}
outage_case() {
	local kind=$1 tag=$2 name=$3 start=$4 append=$5 log=$TMP/$2.log ok=0 kids outage
	shift 5
	if ! $start; then
		echo "FAIL: $name: the server did not start"; return
	fi
	[ "$kind" = freeze ] && append="$append reconnect=silent"
	qemu_boot "$log" direct virtio-net-pci "$append init=/lib/reconnect-init"
	if ! wait_log "$log" "$READY|FAILED at" "$BOOT_TIMEOUT" || ! grep -qa "$READY" "$log"; then
		echo "FAIL: $name: the test root did not start"; grep -a 'netboot' "$log" | tail -8
		kill "$QEMU_PID" 2>/dev/null; stop_server; return
	fi
	local t0=$SECONDS
	if [ "$kind" = restart ]; then
		stop_server
		sleep "$OUTAGE"
		$start || echo "INFO: $name: the server did not come back"
		outage="server down ${t0}s..${SECONDS}s of the test's clock (${OUTAGE} s)"
	else
		kids=$(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null)
		kill -STOP "$SERVER_PID" $kids
		sleep "$FREEZE"
		grep -qa 'NETBOOT-RECONNECT-DONE' "$log" && { ok=1; echo "    the reads ended while the server was frozen"; }
		kill -CONT "$SERVER_PID" $kids
		outage="server frozen ${FREEZE} s from ${t0}s of the test's clock"
	fi
	qemu_wait "$log" "$END|Kernel panic" || ok=1
	grep -qaE "NETBOOT-RECONNECT-DONE files=[1-9][0-9]* errors=0 device=/dev/[a-z]+[0-9]:ok" "$log" || {
		ok=1; echo "    the guest's reads: $(grep -a 'NETBOOT-RECONNECT-DONE\|READ-ERROR' "$log" | head -5 | tr -d '\r')"; }
	if grep -qaE 'I/O error|SQUASHFS error|Buffer I/O' "$log"; then
		ok=1; echo "    kernel: $(grep -aE 'I/O error|SQUASHFS error|Buffer I/O' "$log" | head -3 | tr -d '\r')"
	fi
	for re in "$@"; do grep -qaE "$re" "$log" || { ok=1; echo "    missing: $re"; }; done
	grep -aE 'RECONNECT-DONE|nbd.log:|waited|timed out|nfs mount:|process [0-9]+: @|not responding|nfs: server' "$log" |
		tr -d '\r' | sed "s/^/INFO: $tag: /"
	echo "INFO: $tag: $outage, QEMU ran ${QEMU_SECONDS}s"
	if [ $ok -eq 0 ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"; grep -a 'netboot' "$log" | tail -12 | tr -d '\r'
	fi
	stop_server
}

NBD_CHECKS=("supervisor @netboot-nbd \(pid [0-9]+\) reconnects it"
	"nbd.log: .*link dead \(kernel event\): reconnecting"
	"nbd.log: .*reconnected to nbd://10\.0\.2\.2:[0-9]+/[a-z]* after [0-9.]+ s \([0-9]+ tr(y|ies)\), size and flags unchanged"
	"process [0-9]+: @netboot-nbd ")

outage_case restart nbd-server "nbd-server restarted ${OUTAGE} s under a booted system: supervisor reconnected, every read fine" \
	start_nbd_server "netboot=nbd://10.0.2.2:$nbd_port/sysrcd" "${NBD_CHECKS[@]}"

if command -v nbdkit >/dev/null; then
	outage_case restart nbdkit "nbdkit restarted ${OUTAGE} s under a booted system: supervisor reconnected, every read fine" \
		start_nbdkit "nbdboot=10.0.2.2:$kit_port" "${NBD_CHECKS[@]}"
	outage_case freeze nbdkit-silent "nbdkit frozen ${FREEZE} s under reads: the kernel's request timeout marked the link dead, the supervisor reconnected after the thaw, every read fine" \
		start_nbdkit "nbdboot=10.0.2.2:$kit_port" "${NBD_CHECKS[@]}"
else
	echo "SKIP: nbdkit not installed (scripts/install-deps.sh)"
fi

rpcbind -f -w & PIDS+=($!)
sleep 0.3
outage_case restart nfs-ganesha "nfs-ganesha restarted ${OUTAGE} s under a booted system: the hard mount recovered, every read fine" \
	start_ganesha "nfsboot=10.0.2.2:$TMP/nbd" "nfs mount: .*hard.*timeo=100,retrans=3"
