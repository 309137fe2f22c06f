#!/bin/bash
# Verity against reading the image through once, over NFS and NBD (issue 16):
# the same 256 MiB squashfs (the test root plus incompressible filler), one
# boot each under TCG, /init's own timeline (stage 3 and the total to
# switch_root):
#   nfs          nfsboot= with md5: the image read once through, then mounted
#   nfs-verity   nfsboot= verity: the tree (1/128) into RAM, dm-verity, mounted
#   nfs-docache  nfsboot= docache: copied into RAM, the copy verified
#   nbd          nbd:// (no check at all, the seed's way)
#   nbd-verity   nbd:// verity: the tree from the same server, dm-verity
# Prints a table with ratios to `nfs`; docs/benchmarks.md quotes it.
# Runs in a private network namespace (nfs-ganesha, nbd-server on its lo).
# BENCH_ONLY=verityboot make bench; IMAGE_MB (256).
if [ -z "${NB_IN_NETNS:-}" ]; then
	exec unshare -n env NB_IN_NETNS=1 "$0" "$@"
fi
set -u
. "$(dirname "$0")/../tests/qemu/lib.sh"
need_artifacts
ip link set lo up
IMAGE_MB=${IMAGE_MB:-256}
MEM=${MEM:-1024}
export QEMU_SMP=${QEMU_SMP:-2}
exp=$TMP/export; mkdir -p "$exp"
unsquashfs -q -d "$TMP/root" "$B/testroot.sqfs" >/dev/null
head -c $((IMAGE_MB * 1024 * 1024)) /dev/urandom > "$TMP/root/filler"
mksquashfs "$TMP/root" "$exp/sysrcd.dat" -all-root -noappend -comp gzip -quiet >/dev/null
(cd "$exp" && md5sum sysrcd.dat > sysrcd.md5)
t0=$(date +%s%N)
"$B/netboot" verity "$exp/sysrcd.dat" > /dev/null 2>&1 || { echo "verity_boot: netboot verity failed"; exit 1; }
tree_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
chmod -R a+rX "$TMP"
ganesha_start "$TMP/ganesha" "$exp" || exit 1
nbdport=$(free_port)
nbd_server_start "$TMP" "$nbdport" root "sysrcd.dat=$exp/sysrcd.dat" "sysrcd.verity=$exp/sysrcd.verity" \
	"sysrcd.roothash=$exp/sysrcd.roothash" || { echo "verity_boot: nbd-server did not start"; exit 1; }

declare -A stage3 total
for v in nfs nfs-verity nfs-docache nbd nbd-verity; do
	case $v in
	nfs) args="nfsboot=10.0.2.2:$exp";;
	nfs-verity) args="nfsboot=10.0.2.2:$exp verity";;
	nfs-docache) args="nfsboot=10.0.2.2:$exp docache";;
	nbd) args="netboot=nbd://10.0.2.2:$nbdport/sysrcd.dat";;
	nbd-verity) args="netboot=nbd://10.0.2.2:$nbdport/sysrcd.dat verity";;
	esac
	log=$TMP/$v.log
	qemu_boot "$log" direct virtio-net-pci "$args" "$MEM"
	qemu_wait "$log" 'NETBOOT-TEST-ROOT-OK|FAILED at' >/dev/null
	line=$(grep -a '^netboot: timeline:' "$log" | tr -d '\r' | head -1)
	stage3[$v]=$(sed -n 's/.*stage3 \([0-9.]*\) s.*/\1/p' <<<"$line")
	total[$v]=$(sed -n 's/.*total \([0-9.]*\) s.*/\1/p' <<<"$line")
	grep -qa 'NETBOOT-TEST-ROOT-OK' "$log" || { echo "verity_boot: $v did not boot"; grep -a '^netboot' "$log" | tail -3; }
done
echo "Stage 3 over NFS and NBD, ${IMAGE_MB} MiB image, TCG, one boot each (/init's timeline; netboot verity made the tree in ${tree_ms} ms on the host):"
printf '  %-12s %10s %8s %14s %8s\n' variant "stage3 s" ratio "to switch_root" ratio
for v in nfs nfs-verity nfs-docache nbd nbd-verity; do
	awk -v v="$v" -v s="${stage3[$v]:-0}" -v t="${total[$v]:-0}" -v s0="${stage3[nfs]:-0}" -v t0="${total[nfs]:-0}" \
		'BEGIN { printf "  %-12s %10.2f %8.2f %14.2f %8.2f\n", v, s, s0 ? s / s0 : 0, t, t0 ? t / t0 : 0 }'
done
