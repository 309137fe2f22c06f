# Shared by dhcp_dnsmasq.sh and netup_netns.sh (sourced, not run): private
# network namespaces joined by veth pairs, servers started inside them, all
# stopped by PID and deleted on exit.  The caller sets T (test name) first.
tag=$$
tmp=$(mktemp -d /tmp/nbtest-net.XXXXXX)
NSS=() PIDS=()
cleanup() {
	local p ns
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS: $T: $1"; }
fail() { echo "FAIL: $T: $1: $2"; }
check() {	# check NAME COMMAND...: PASS if the command succeeds
	local name=$1; shift
	if "$@"; then pass "$name"; else fail "$name" "'$*' failed"; fi
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

netns_usable() {
	ip netns add "nbtest-probe-$tag" 2>/dev/null || return 1
	ip netns del "nbtest-probe-$tag"
}

newns() {	# newns NAME: a namespace with lo up, deleted on exit
	ip netns add "$1" || return 1
	NSS+=("$1")
	ip -n "$1" link set lo up
}

# veth NS_A A NS_B B: a pair created inside the namespaces, never in ours.
veth() { ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"; }

# Waits until something listens on UDP port 67 in namespace $1.
wait_server() {
	for _ in $(seq 50); do
		ip netns exec "$1" cat /proc/net/udp | awk '{print $2}' | grep -q ':0043$' && return 0
		sleep 0.1
	done
	return 1
}

start_dnsmasq() {	# start_dnsmasq NS NAME dnsmasq-args...: DHCP only (port=0: no DNS)
	local ns=$1 name=$2; shift 2
	ip netns exec "$ns" dnsmasq --no-daemon --port=0 --conf-file=/dev/null --bind-interfaces \
		--pid-file="$tmp/$name.pid" --dhcp-leasefile="$tmp/$name.leases" --log-dhcp \
		--log-facility="$tmp/$name.log" "$@" 2>>"$tmp/$name.log" &
	PIDS+=($!)
	wait_server "$ns"
}
