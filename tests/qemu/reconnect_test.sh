#!/bin/bash
# A booted system carries on through server outages (issues 9 and 16),
# under QEMU.  Over NBD the kernel's device is served by the supervisor
# @netboot-nbd (mount/blockserver.c), which retries a read that failed on
# a new connection or the next mirror: no I/O error may reach the kernel.
#  1. nbd-server, 2. nbdkit: once the test root's init
#     (init=/lib/reconnect-init) runs, the test stops the server with
#     SIGTERM (nbdkit answers in-flight reads with ESHUTDOWN), keeps it
#     down OUTAGE s (10) while the guest reads every file and the whole
#     device, and starts it again; then the same with SIGKILL.
#  3. nbdkit frozen (SIGSTOP) for FREEZE s (14) under reads: its TCP still
#     answers, its NBD does not; the supervisor's read timeout (nbdtimeout=8,
#     30 s by default) drops the connection and it reconnects after the thaw.
#  4. Two mirrors (nbdkit twice): the first stopped for good under reads,
#     the supervisor fails over to the second.
#  5. nfsboot= from nfs-ganesha restarted: the hard mount recovers.
# The guest says how many reads failed; the supervisor must have logged
# each reconnect in /run/netboot/nbd.log and still run in the booted
# system.  All servers and QEMU run in a private network namespace (only
# lo), as in nfs_test.sh: ganesha needs its own rpcbind.  Run under flock
# /work/qemu.lock.
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
# stop_server [SIG]: SIGTERM (or SIG) to the server and its children
stop_server() {
	local kids
	kids=$(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null)
	kill -"${1:-TERM}" "$SERVER_PID" $kids 2>/dev/null
	for _ in $(seq 30); do	# nbdkit waits for its clients, ganesha takes its time: 3 s, then SIGKILL
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$SERVER_PID" $kids 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	return 0
}

# outage_case twice|restart|freeze|failover TAG NAME START APPEND CHECK...:
# boots; once the test root runs:
#  twice: (NBD) stops the server (SIGTERM) for OUTAGE s under the guest's
#    reads, starts it; on the guest's PHASE1 line kills it (SIGKILL) for
#    OUTAGE s, starts it;
#  restart: (NFS) stops it (SIGTERM), waits OUTAGE s, starts it again;
#  freeze: (booted with reconnect=silent, the guest reads at once) stops the
#    server and its children with SIGSTOP for FREEZE s, then thaws them;
#  failover: stops the first server for good.
# Then checks that every read ended well and the log has each CHECK.
FREEZE=${FREEZE:-14}	# the reads start ~3 s in: past the 8 s timeout, with margin
outage_case() {
	local kind=$1 tag=$2 name=$3 start=$4 append=$5 log=$TMP/$2.log ok=0 kids outage
	shift 5
	if ! $start; then
		echo "FAIL: $name: the server did not start"; return
	fi
	[ "$kind" = freeze ] && append="$append reconnect=silent nbdtimeout=8"
	qemu_boot "$log" direct virtio-net-pci "$append init=/lib/reconnect-init"
	if ! wait_log "$log" "$READY|FAILED at" "$BOOT_TIMEOUT" || ! grep -qa "$READY" "$log"; then
		echo "FAIL: $name: the test root did not start"; grep -a 'netboot' "$log" | tail -8
		kill "$QEMU_PID" 2>/dev/null; stop_server; return
	fi
	local t0=$SECONDS
	case $kind in
	twice)
		stop_server
		sleep "$OUTAGE"
		$start || echo "INFO: $name: the server did not come back"
		if wait_log "$log" 'NETBOOT-RECONNECT-PHASE1' 120; then
			stop_server KILL
			sleep "$OUTAGE"
			$start || echo "INFO: $name: the server did not come back"
		else
			ok=1; echo "    no PHASE1 line"
		fi
		outage="server stopped (SIGTERM) ${t0}s..$((t0 + OUTAGE))s, killed (SIGKILL) later for ${OUTAGE} s";;
	restart)
		stop_server
		sleep "$OUTAGE"
		$start || echo "INFO: $name: the server did not come back"
		outage="server down ${t0}s..${SECONDS}s of the test's clock (${OUTAGE} s)";;
	freeze)
		kids=$(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null)
		kill -STOP "$SERVER_PID" $kids
		sleep "$FREEZE"
		grep -qa 'NETBOOT-RECONNECT-DONE' "$log" && { ok=1; echo "    the reads ended while the server was frozen"; }
		kill -CONT "$SERVER_PID" $kids
		outage="server frozen ${FREEZE} s from ${t0}s of the test's clock";;
	failover)
		stop_server
		outage="first mirror stopped for good at ${t0}s";;
	esac
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

SERVED="served by @netboot-nbd \(pid [0-9]+\) from nbd://10\.0\.2\.2:[0-9]+/[a-z]*: a read that fails is retried"
RECONNECTED="nbd.log: .*reconnected to nbd://10\.0\.2\.2:[0-9]+/[a-z]* after [0-9.]+ s \([0-9]+ rounds?\), size unchanged"
NBD_CHECKS=("$SERVED" "$RECONNECTED" "process [0-9]+: @netboot-nbd ")

outage_case twice nbd-server "nbd-server stopped with SIGTERM, then killed with SIGKILL, ${OUTAGE} s each, under reads: no I/O error, the supervisor reconnected each time" \
	start_nbd_server "netboot=nbd://10.0.2.2:$nbd_port/sysrcd" "${NBD_CHECKS[@]}"
if [ "$(grep -ac 'reconnected to' "$TMP/nbd-server.log")" -lt 2 ]; then
	echo "FAIL: nbd-server: $(grep -ac 'reconnected to' "$TMP/nbd-server.log") reconnects logged, expected one per outage"
fi

if command -v nbdkit >/dev/null; then
	outage_case twice nbdkit "nbdkit stopped with SIGTERM (ESHUTDOWN to reads in flight), then killed with SIGKILL, ${OUTAGE} s each, under reads: no I/O error" \
		start_nbdkit "nbdboot=10.0.2.2:$kit_port" "${NBD_CHECKS[@]}"
	outage_case freeze nbdkit-silent "nbdkit frozen ${FREEZE} s under reads: the supervisor's read timeout dropped the connection, it reconnected after the thaw, every read fine" \
		start_nbdkit "nbdboot=10.0.2.2:$kit_port" "${NBD_CHECKS[@]}" "nbd.log: .*timed out"
	kit2_port=$(free_port)
	start_two_kits() {
		nbdkit -f -r -i 127.0.0.1 -p "$kit2_port" file "$TMP/nbd/sysrcd.dat" 2>>"$TMP/nbdkit2.log" &
		KIT2_PID=$!
		PIDS+=("$KIT2_PID")
		wait_port "$kit2_port" 100 && start_nbdkit
	}
	outage_case failover nbd-mirrors "two NBD mirrors, the first stopped for good under reads: the supervisor failed over to the second, every read fine" \
		start_two_kits "netboot=nbd://10.0.2.2:$kit_port,nbd://10.0.2.2:$kit2_port" "$SERVED" \
		"nbd.log: .*failed over to nbd://10\.0\.2\.2:$kit2_port/ after [0-9.]+ s" "process [0-9]+: @netboot-nbd "
	stop "$KIT2_PID"
else
	echo "FAIL: nbdkit not installed (scripts/install-deps.sh)"
fi

rpcbind -f -w & PIDS+=($!)
sleep 0.3
outage_case restart nfs-ganesha "nfs-ganesha restarted ${OUTAGE} s under a booted system: the hard mount recovered, every read fine" \
	start_ganesha "nfsboot=10.0.2.2:$TMP/nbd" "nfs mount: .*hard.*timeo=100,retrans=3"
