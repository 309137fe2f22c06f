#!/bin/bash
# `netboot verity` against cryptsetup's veritysetup, the reference the kernel's
# dm-verity format comes with: for images of 1 block (no tree level: the block
# is its own root), 2, 128 (one full hash block), 129 (two levels) and 16385
# blocks (three levels), our hash file is byte for byte what `veritysetup
# format` writes with the same salt and UUID, and `veritysetup verify` accepts
# our tree with our root hash; a flipped byte in the image is caught; one
# thread and two give the same tree; bad input is refused by name.
T=verity TMP_NAME=netboot-verity . "$(dirname "$0")/../lib.sh"
NB=${NETBOOT_BIN:-$ROOT/build/netboot}
need veritysetup
cd "$TMP" || exit 1

salt=5a17c0ffee0123456789abcdef5a17c0ffee0123456789abcdef000011112222
for n in 1 2 128 129 16385; do
	head -c $((4096 * n)) /dev/urandom > "img$n.dat"
	root=$("$NB" verity "img$n.dat" --salt "$salt" 2>"log$n") || { fail "$n blocks: netboot verity" "$(cat "log$n")"; continue; }
	uuid=$(veritysetup dump "img$n.verity" 2>/dev/null | awk '/^UUID:/ { print $2 }')
	ref=$(veritysetup format --salt "$salt" --uuid "$uuid" "img$n.dat" "ref$n.verity" | awk '/^Root hash:/ { print $3 }')
	check "$n blocks: the hash file is veritysetup's, byte for byte" cmp -s "img$n.verity" "ref$n.verity"
	check "$n blocks: the same root hash ($root), and in img$n.roothash" \
		bash -c "[ '$root' = '$ref' ] && [ \"\$(cat img$n.roothash)\" = '$root' ]"
	check "$n blocks: veritysetup verify accepts our tree" veritysetup verify "img$n.dat" "img$n.verity" "$root"
done

# the default: a random salt, as veritysetup makes one
cp img16385.dat sysrcd.dat
"$NB" verity sysrcd.dat >/dev/null 2>log || fail "default salt" "$(cat log)"
check "sysrcd.dat gives sysrcd.verity and sysrcd.roothash; veritysetup verify accepts them" \
	veritysetup verify sysrcd.dat sysrcd.verity "$(cat sysrcd.roothash)"
check "the log says how many blocks and where they went" \
	grep -q 'sysrcd.dat: 16385 blocks hashed in [0-9.]* s; wrote sysrcd.verity and sysrcd.roothash' log
printf '\x01' | dd of=sysrcd.dat bs=1 seek=$((4096 * 9000 + 17)) conv=notrunc status=none
check "a flipped byte in the image: veritysetup verify refuses it" \
	bash -c "! veritysetup verify sysrcd.dat sysrcd.verity \$(cat sysrcd.roothash) 2>/dev/null"

r1=$("$NB" verity img16385.dat --salt "$salt" --threads 1 --hash-file t1.verity --roothash-file t1.root 2>/dev/null)
r2=$("$NB" verity img16385.dat --salt "$salt" --threads 2 --hash-file t2.verity --roothash-file t2.root 2>/dev/null)
check "one thread and two: the same root and the same tree" \
	bash -c "[ -n '$r1' ] && [ '$r1' = '$r2' ] && cmp -s -i 4096 t1.verity t2.verity"

head -c 10000 /dev/urandom > odd.dat
out=$("$NB" verity odd.dat 2>&1); rc=$?
check "an image not a whole number of 4 KiB blocks: refused, named, nothing left behind" \
	bash -c "[ $rc = 1 ] && grep -q 'odd.dat: verity: the image is 10000 bytes, not a whole number of 4096-byte blocks' <<<'$out' &&
		[ ! -e odd.verity ] && [ ! -e odd.verity.tmp ] && [ ! -e odd.roothash ]"
out=$("$NB" verity missing.dat 2>&1); rc=$?
check "a missing image: named" bash -c "[ $rc = 1 ] && grep -q 'missing.dat: No such file' <<<'$out'"
"$NB" verity img1.dat --salt xyz > salt.out 2>&1; rc=$?
check "a bad --salt: usage error naming it" bash -c "[ $rc = 2 ] && grep -qF \"salt 'xyz': expected an even number of hex digits\" salt.out"
exit $FAILED
