#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# samples/sealing/check.sh: the sample's walk-through, checked: seal, read back, upgrade,
# downgrade, a build-bound blob, a changed byte. Usage: check.sh VAULT V1.signed.so V2.signed.so
set -eu
vault=$1 v1=$2 v2=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CELLA_STATE_DIR="$dir/state" # platform secrets of this run only
card="4111 1111 1111 1234"
fail() { echo "sealing sample: FAILED: $*" >&2; exit 1; }

echo "$card" | "$vault" "$v1" seal "$dir/card" >/dev/null 2>&1 || fail "sealing"
if grep -q 4111111111111234 "$dir/card"; then fail "the number is in the file in clear"; fi
"$vault" "$v1" show "$dir/card" | grep -qx "card on file: \*\*\*\* \*\*\*\* \*\*\*\* 1234" ||
  fail "version 1 does not read its own blob"
"$vault" "$v2" show "$dir/card" | grep -q "1234" || fail "version 2 does not read version 1's blob"

echo "$card" | "$vault" "$v2" seal "$dir/card2" >/dev/null || fail "sealing with version 2"
"$vault" "$v1" show "$dir/card2" 2>"$dir/err" && fail "version 1 read version 2's blob"
grep -q "newer version" "$dir/err" || fail "the downgrade was not explained: $(cat "$dir/err")"

echo "$card" | "$vault" "$v1" seal "$dir/bound" --bind-to-build >/dev/null || fail "sealing to the build"
"$vault" "$v1" show "$dir/bound" | grep -q "1234" || fail "the build does not read its own blob"
"$vault" "$v2" show "$dir/bound" 2>/dev/null && fail "another build read a build-bound blob"

# Sim and the sandbox's dev mode share the user's platform secrets.
echo "$card" | CELLA_BACKEND=sim "$vault" "$v1" seal "$dir/shared" >/dev/null || fail "sealing in sim"
CELLA_BACKEND=sandbox "$vault" "$v1" show "$dir/shared" | grep -q "1234" ||
  fail "the sandbox does not read a blob sealed in sim"

# Sixteen bytes of the ciphertext zeroed (random bytes: never all zero already).
dd if=/dev/zero of="$dir/card" bs=1 seek=570 count=16 conv=notrunc 2>/dev/null
"$vault" "$v1" show "$dir/card" 2>"$dir/err" && fail "a changed blob was read"
grep -q "was changed" "$dir/err" || fail "the change was not explained: $(cat "$dir/err")"
echo "sealing sample: every step behaved as documented"
