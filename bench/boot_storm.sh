#!/bin/bash
# make bench: N agents start stage 3 together against the scale-out recipe
# (docs/scale-out.md): a stock nginx cache (slice 8m, proxy_cache_lock) in
# front of an origin nginx behind a 1 Gbit/s tbf.  Everything runs inside
# network namespaces this script creates and deletes:
#   nbst-o  origin 198.51.100.1, egress shaped (tc tbf)   --veth--  nbst-s
#   nbst-s  the site: cache on 192.0.2.1 (bridge br0), route to the origin
#   nbst-cI one per agent, 192.0.2.(10+I)/24 on a veth into br0
# Reports completion time p50/p99/max, retries, and the bytes that left the
# origin (its access log's $body_bytes_sent): the goal is one image whatever
# N.  NS (default "50 100 200"), SIZE_MB (64), RATE (1gbit), JITTER (0).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NB=$ROOT/build/netboot-static; [ -x "$NB" ] || NB=$ROOT/build/netboot
NS_LIST=${NS:-50 100 200}
SIZE_MB=${SIZE_MB:-64}
RATE=${RATE:-1gbit}
JITTER=${JITTER:-0}
TMP_NAME=netboot-storm TMP_IN=/dev/shm . "$ROOT/tests/lib.sh"
P=nbst$$
command -v nginx >/dev/null || { echo "boot_storm: SKIP: nginx not installed"; exit 0; }
netns_usable || { echo "boot_storm: SKIP: no network namespaces"; exit 0; }

mkdir -p "$TMP/www" "$TMP/cache" "$TMP/res"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$TMP/www/sysrcd.dat"
(cd "$TMP/www" && md5sum sysrcd.dat > sysrcd.md5 && sha256sum sysrcd.dat > sysrcd.sha256)

# --- origin and site ---
newns "$P-o"; newns "$P-s"
ip -n "$P-o" link add o0 type veth peer name s0 netns "$P-s"
ip -n "$P-o" addr add 198.51.100.1/24 dev o0; ip -n "$P-o" link set o0 up
ip -n "$P-s" addr add 198.51.100.2/24 dev s0; ip -n "$P-s" link set s0 up
ip -n "$P-o" route add 192.0.2.0/24 via 198.51.100.2
# the origin's uplink: tbf (netem is not available on these kernels)
ip netns exec "$P-o" tc qdisc add dev o0 root tbf rate "$RATE" burst 256kb latency 100ms
ip -n "$P-s" link add br0 type bridge; ip -n "$P-s" addr add 192.0.2.1/24 dev br0; ip -n "$P-s" link set br0 up
ip netns exec "$P-s" sysctl -qw net.ipv4.ip_forward=1

temps() { echo "client_body_temp_path $TMP/$1; proxy_temp_path $TMP/$1; fastcgi_temp_path $TMP/$1; uwsgi_temp_path $TMP/$1; scgi_temp_path $TMP/$1;"; }
cat > "$TMP/origin.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $TMP/origin.pid; error_log $TMP/origin.err;
events { worker_connections 1024; }
http { log_format b '\$remote_addr \$request \$status \$body_bytes_sent'; access_log $TMP/origin.log b;
       sendfile on; $(temps origin-tmp)
       server { listen 198.51.100.1:80; root $TMP/www; } }
CONF
# the recipe's cache (docs/scale-out.md), verbatim but for paths and addresses
cat > "$TMP/cache.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $TMP/cache.pid; error_log $TMP/cache.err;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http { log_format c '\$remote_addr \$request \$status \$body_bytes_sent \$upstream_cache_status';
       access_log $TMP/cache.log c; sendfile on; $(temps cache-tmp)
       proxy_cache_path $TMP/cache levels=1:2 keys_zone=images:10m max_size=4g inactive=7d use_temp_path=off;
       server { listen 192.0.2.1:80;
                location / {
                        slice 8m;
                        proxy_cache images;
                        proxy_cache_key \$uri\$slice_range;
                        proxy_set_header Range \$slice_range;
                        proxy_http_version 1.1;
                        proxy_cache_valid 200 206 7d;
                        proxy_cache_lock on;
                        proxy_cache_lock_timeout 120s;
                        proxy_cache_lock_age 120s;
                        proxy_pass http://198.51.100.1;
                } } }
CONF
mkdir -p "$TMP/origin-tmp" "$TMP/cache-tmp"
ip netns exec "$P-o" nginx -c "$TMP/origin.conf" -p "$TMP" & PIDS+=($!)
ip netns exec "$P-s" nginx -c "$TMP/cache.conf" -p "$TMP" & PIDS+=($!)
ns_wait_port "$P-o" 198.51.100.1 80 && ns_wait_port "$P-s" 192.0.2.1 80 || { echo "boot_storm: nginx did not start"; cat "$TMP"/*.err; exit 1; }

# --- agents: one namespace each ---
made=0
add_agents() {	# up to $1 agents in all
	while [ $made -lt "$1" ]; do
		local i=$made c="$P-c$made"
		newns "$c" || return 1
		ip -n "$P-s" link add "v$i" type veth peer name eth0 netns "$c" || return 1
		ip -n "$P-s" link set "v$i" master br0 up
		ip -n "$c" addr add "192.0.2.$((10 + i))/24" dev eth0; ip -n "$c" link set eth0 up
		made=$((made + 1))
	done
}

pct() {	# pct FILE P: the P-th percentile of the sorted numbers in FILE
	local n; n=$(wc -l < "$1"); [ "$n" -gt 0 ] || { echo 0; return; }
	sed -n "$(( (n * $2 + 99) / 100 ))p" "$1"
}

echo "boot_storm: ${SIZE_MB} MiB image, origin behind tbf $RATE, nginx cache slice 8m + cache_lock, jitter ${JITTER} s"
printf '%-5s %-9s %-9s %-9s %-7s %-8s %-14s %s\n' N p50_s p99_s max_s ok retries origin_MiB origin_images
RESULTS=()
for N in $NS_LIST; do
	[ "$N" -le 240 ] || { echo "boot_storm: N=$N: 192.0.2.0/24 holds 240 agents"; break; }
	add_agents "$N" || { echo "boot_storm: N=$N: could not create the namespaces (limit $made)"; break; }
	rm -rf "$TMP/cache/"* "$TMP/res/"*; : > "$TMP/origin.log"; rm -f "$TMP/go"
	ip netns exec "$P-s" nginx -c "$TMP/cache.conf" -p "$TMP" -s reopen 2>/dev/null
	apids=()
	for i in $(seq 0 $((N - 1))); do
		ip netns exec "$P-c$i" bash -c "while [ ! -e '$TMP/go' ]; do sleep 0.01; done
			t0=\$(date +%s%N)
			'$NB' fetch --jitter $JITTER 'http://192.0.2.1/sysrcd.dat' -o /dev/null > '$TMP/res/$i.out' 2> '$TMP/res/$i.err'
			echo \$? \$(( (\$(date +%s%N) - t0) / 1000000 )) > '$TMP/res/$i.rc'" & apids+=($!)
	done
	sleep 1; touch "$TMP/go"
	for p in "${apids[@]}"; do wait "$p"; done
	ok=$(cat "$TMP/res/"*.rc | awk '$1 == 0' | wc -l)
	cat "$TMP/res/"*.rc | awk '{ printf "%.3f\n", $2 / 1000 }' | sort -n > "$TMP/times"
	retries=$(cat "$TMP/res/"*.err | grep -cE 'retrying|server busy')
	bytes=$(awk '{ s += $NF } END { print s + 0 }' "$TMP/origin.log")
	mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
	imgs=$(awk -v b="$bytes" -v s=$((SIZE_MB * 1024 * 1024)) 'BEGIN { printf "%.2f", b / s }')
	line=$(printf '%-5s %-9s %-9s %-9s %-7s %-8s %-14s %s' "$N" "$(pct "$TMP/times" 50)" "$(pct "$TMP/times" 99)" \
		"$(tail -1 "$TMP/times")" "$ok/$N" "$retries" "$mib" "$imgs")
	echo "$line"; RESULTS+=("$line")
done
if [ -n "${BOOT_STORM_MD:-}" ]; then
	{ echo; echo "N     p50_s     p99_s     max_s     ok      retries  origin_MiB     origin_images"
	  printf '%s\n' "${RESULTS[@]}"; } >> "$BOOT_STORM_MD"
fi
