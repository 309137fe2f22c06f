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
pass=0 fail=0 skip=0 times=()
run_one() {
	local t=${*: -1} out rc t0=$SECONDS
	echo "== $t"
	out=$( "$@" 2>&1 ); rc=$?
	times+=("$((SECONDS - t0)) $t")
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
# each parser: first the committed crash inputs (tests/fuzz-regress/NAME/)
# replayed once, then a short libFuzzer run seeded from the committed corpus
# (tests/fuzz-corpus/NAME/, read only) and the one kept under build/
fuzz_one() {
	local f=$1 name out regress=() seeds=()
	name=$(basename "$f")
	mkdir -p "build/fuzz-corpus/$name"
	for r in "tests/fuzz-regress/$name"/*; do [ -f "$r" ] && regress+=("$r"); done
	if [ ${#regress[@]} -gt 0 ]; then
		if out=$(UBSAN_OPTIONS=halt_on_error=1 "$f" -rss_limit_mb=1024 "${regress[@]}" 2>&1); then
			echo "PASS: fuzz $name: ${#regress[@]} regression inputs replayed"
		else
			printf '%s\n' "$out" | tail -30; echo "FAIL: fuzz $name: a regression input crashes again"
		fi
	fi
	[ -d "tests/fuzz-corpus/$name" ] && seeds=("tests/fuzz-corpus/$name")
	# FUZZ_RUNS=N (make fuzz): N executions instead of FUZZ_SECONDS
	local limit=(-max_total_time="${FUZZ_SECONDS:-2}") t0=$SECONDS
	[ -n "${FUZZ_RUNS:-}" ] && limit=(-runs="$FUZZ_RUNS" -print_final_stats=1)
	if out=$(UBSAN_OPTIONS=halt_on_error=1 "$f" "${limit[@]}" -rss_limit_mb=1024 -artifact_prefix="build/fuzz-corpus/$name-" \
		"build/fuzz-corpus/$name" "${seeds[@]}" 2>&1); then
		echo "PASS: fuzz $name: $(printf '%s\n' "$out" | grep -oE 'Done [0-9]+ runs' | tail -1) in $((SECONDS - t0)) s, $(printf '%s\n' "$out" | grep -oE 'cov: [0-9]+' | tail -1) edges, no crash"
		printf '%s\n' "$out" | grep -E '^#[0-9]+[[:space:]]+DONE' | tail -1 | sed "s/^/INFO: fuzz $name: /"
	else
		printf '%s\n' "$out" | tail -30; echo "FAIL: fuzz $name found a crash (add the crash-* input to tests/fuzz-regress/$name/)"
	fi
}
for f in build/fuzz/*_fuzz; do
	[ -x "$f" ] && want "$f" && run_one fuzz_one "$f"
done
for t in tests/integration/*.sh tests/qemu/*_test.sh; do
	[ -x "$t" ] || continue; want "$t" && run_one "$t"
done
# where the time went: the suite has a 30-minute budget
printf '%s\n' "${times[@]}" | sort -rn | head -15 | awk '{ printf "INFO: %4d s  %s\n", $1, $2 }'
echo "INFO: total $SECONDS s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
