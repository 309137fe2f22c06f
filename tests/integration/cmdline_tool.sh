#!/bin/bash
# `netboot cmdline` stops where /init stops: same check (cmdline_require_source),
# same message, non-zero exit; a command line /init accepts prints its plan.
cd "$(dirname "$0")/../.." || exit 1
T=cmdline-tool
. tests/lib.sh
NB=build/netboot
msg='no stage-3 source on the kernel command line: expected netboot='
for args in 'netbot=http://192.0.2.1/sysrcd.dat' 'dodhcp' 'quiet console=ttyS0'; do
	out=$("$NB" cmdline "$args" 2>&1); rc=$?
	if [ $rc -ne 0 ] && grep -qF -- "$msg" <<<"$out" && ! grep -q '^source=' <<<"$out"; then
		pass "'$args': exit $rc with /init's message"
	else
		fail "'$args': exit $rc with /init's message" "$out"
	fi
done
# the message is /init's: the same text is in the agent, not a copy in the tool
grep -qaF -- "$msg" build/init && pass "/init carries the same message" ||
	fail "/init carries the same message" "not in build/init"
out=$("$NB" cmdline 'netboot=http://192.0.2.1/sysrcd.dat dodhcp' 2>&1); rc=$?
[ $rc -eq 0 ] && grep -qx 'source=http' <<<"$out" && pass "a source: plan printed, exit 0" ||
	fail "a source: plan printed, exit 0" "exit $rc: $out"
out=$("$NB" cmdline 'netboot=http://192.0.2.1/sysrcd.dat ethx=300.1.2.3/24' 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q 'ethx=300.1.2.3/24' <<<"$out" && pass "a bad value: exit $rc naming it" ||
	fail "a bad value: exit $rc naming it" "$out"
exit $FAILED
