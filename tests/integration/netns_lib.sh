# Sourced (not run) by the integration tests that build private network
# namespaces: tests/lib.sh (namespaces, veth, dnsmasq, PIDs and the EXIT
# trap, PASS/FAIL lines prefixed with $T: the caller sets T first), and $tmp,
# the name these tests use for its temp folder.
TMP_NAME=${TMP_NAME:-nbtest-net} . "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
tmp=$TMP
