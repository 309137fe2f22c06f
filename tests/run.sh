#!/bin/bash
# Runs every test layer and prints a closing line "N passed, N failed, N skipped".
#   unit:        build/tests/*           (ASan/UBSan builds, table-driven)
#   fuzz:        build/fuzz/*            (short libFuzzer runs over each parser)
#   integration: tests/integration/*.sh  (real peers on loopback / in netns)
#   qemu:        tests/qemu/*_test.sh    (real kernel, real pxelinux)
# Each test prints lines "PASS: name", "FAIL: name: why" or "SKIP: name: why".
# A test program that exits non-zero without printing FAIL counts as a failure.
# TESTS=<regex> limits the run to test files whose path matches.
cd "$(dirname "$0")/.." || exit 1
log=build/test-results.log
: > "$log"
pass=0 fail=0 skip=0
run_one() {
	local t=${*: -1} out rc
	echo "== $t"
	out=$( "$@" 2>&1 ); rc=$?
	printf '%s\n' "$out" | tee -a "$log" | grep -E '^(PASS|FAIL|SKIP|INFO)' || true
	local p f s
	p=$(printf '%s\n' "$out" | grep -c '^PASS') f=$(printf '%s\n' "$out" | grep -c '^FAIL')
	s=$(printf '%s\n' "$out" | grep -c '^SKIP')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $t exited with status $rc"; printf '%s\n' "$out" | tail -20; f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}
want() { [ -z "${TESTS:-}" ] || [[ $1 =~ $TESTS ]]; }
for t in build/tests/*_test; do want "$t" && run_one "$t"; done
# a short libFuzzer run over each parser, its corpus kept under build/ between runs
fuzz_one() {
	local f=$1 name out
	name=$(basename "$f")
	mkdir -p "build/fuzz-corpus/$name"
	if out=$(UBSAN_OPTIONS=halt_on_error=1 "$f" -max_total_time="${FUZZ_SECONDS:-10}" -rss_limit_mb=1024 \
		"build/fuzz-corpus/$name" 2>&1); then
		echo "PASS: fuzz $name: $(printf '%s\n' "$out" | grep -oE 'Done [0-9]+ runs' | tail -1) in ${FUZZ_SECONDS:-10} s, no crash"
	else
		printf '%s\n' "$out" | tail -30; echo "FAIL: fuzz $name found a crash"
	fi
}
for f in build/fuzz/*_fuzz; do
	[ -x "$f" ] && want "$f" && run_one fuzz_one "$f"
done
for t in tests/integration/*.sh tests/qemu/*_test.sh; do
	[ -x "$t" ] || continue; want "$t" && run_one "$t"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
