#!/bin/bash
# netboot verity (the dm-verity tree, level 0 on every core) against one-core
# SHA-256 over the same file (OpenSSL, SHA-NI where the CPU has it, and
# coreutils' sha256sum) and against cryptsetup's `veritysetup format`, one
# 1 GiB file in /dev/shm, best of RUNS.  Issue 16's goal: >= 1.8x one-core
# SHA-256 on 2 cores.  VERITY_MB sets the size.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NB=$ROOT/build/netboot
MB=${VERITY_MB:-1024}
RUNS=${RUNS:-3}
TMP_NAME=netboot-verity-bench TMP_IN=/dev/shm . "$ROOT/tests/lib.sh"
head -c $((MB * 1024 * 1024)) /dev/urandom > "$TMP/img"
best() {	# best of RUNS, microseconds
	local b=999999999999 t0 t
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N); bash -c "$1" >/dev/null 2>&1 || { echo "bench: failed: $1" >&2; echo 0; return; }
		t=$(( ($(date +%s%N) - t0) / 1000 )); [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}
ours2=$(best "'$NB' verity '$TMP/img' --threads 2 --hash-file '$TMP/h' --roothash-file '$TMP/r'")
ours1=$(best "'$NB' verity '$TMP/img' --threads 1 --hash-file '$TMP/h' --roothash-file '$TMP/r'")
ossl=$(best "openssl dgst -sha256 '$TMP/img'")
coreutils=$(best "sha256sum '$TMP/img'")
vs=NA
command -v veritysetup >/dev/null && vs=$(best "veritysetup format '$TMP/img' '$TMP/v'")
show() { awk -v us="$2" -v mb="$MB" -v ref="$ossl" -v name="$1" \
	'BEGIN { if (us == "NA" || us == 0) { printf "  %-46s %s\n", name, "n/a"; exit }
		 printf "  %-46s %6.2f s %7.0f MiB/s  %5.2fx one-core openssl\n", name, us / 1e6, mb / (us / 1e6), ref / us }'; }
echo "dm-verity tree over $MB MiB in /dev/shm, $(nproc) CPUs (best of $RUNS):"
show "netboot verity, 2 threads" "$ours2"
show "netboot verity, 1 thread" "$ours1"
show "openssl dgst -sha256 (one core, one digest)" "$ossl"
show "sha256sum (coreutils, one core)" "$coreutils"
show "veritysetup format (cryptsetup)" "$vs"
