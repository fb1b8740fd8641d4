#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# samples/local-attestation/check.sh: the sample's run, checked: every step's line, the secret
# arriving whole, every attack refused, and nothing of the secret in what the host prints.
# Usage: check.sh LOCAL_ATTESTATION ALICE.signed.so BOB.signed.so MALLORY.signed.so
set -eu
program=$1 alice=$2 bob=$3 mallory=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CELLA_STATE_DIR="$dir/state" # platform secrets of this run only
secret="the vault opens with 7-42-19, turning left first" # as in alice.c
fail() {
    echo "local-attestation sample: FAILED: $*" >&2
    sed 's/^/  | /' "$dir/out" >&2
    exit 1
}

"$program" "$alice" "$bob" "$mallory" >"$dir/out" 2>&1 || fail "the program failed"

# expect STEP PATTERN: the output has a line of that step matching the extended regex.
expect() {
    grep -Eq "^$1 $2" "$dir/out" || fail "no line '$1 $2'"
}
expect 1. "bob: session opened; my target info and a fresh nonce are for alice$"
expect 1. "host: relays bob's target info \(512 bytes\) and nonce \(32 bytes\) to alice$"
expect 2. "alice: new P-256 key pair; report for the target given, report_data = SHA-256\(public key \|\| the nonce given\)$"
expect 2. "host: relays alice's report \(432 bytes\), public key \(64 bytes\), target info and nonce to bob$"
expect 3. "bob: alice's report verified: made for me on this platform, my signer, product 1, SVN 1 \(at least 1\), her public key bound to my nonce$"
expect 3. "bob: new P-256 key pair; session key derived; report for alice, report_data = SHA-256\(public key \|\| her nonce\)$"
expect 3. "host: relays bob's report \(432 bytes\) and public key \(64 bytes\) to alice$"
expect 3. "alice: bob's report verified: made for me on this platform, my signer, product 2, SVN 1 \(at least 1\), his public key bound to my nonce$"
size=$(printf '%s' "$secret" | wc -c | tr -d ' ')
hash=$(printf '%s' "$secret" | sha256sum | cut -c1-8)
expect 4. "alice: session key derived; the secret message \($size bytes\) encrypted with AES-128-GCM, fresh IV"
expect 4. "host: relays the ciphertext \($size bytes, [0-9a-f]{8}\.\.\.\), IV and tag to bob$"
expect 4. "bob: secret message received and authenticated: $size bytes, SHA-256 begins $hash$"

not_bound="its report_data is not SHA-256\(the public key received \|\| my nonce\)"
mac="its MAC does not verify: .*\(SGX_ERROR_MAC_MISMATCH\)$"
expect 5a. "host: replays alice's report and key from step 2, unchanged, to a new session of bob$"
expect 5a. "bob: refused alice's report: $not_bound"
expect 5b. "host: replays them to a new session of bob with one byte of the report changed$"
expect 5b. "bob: refused alice's report: $mac"
expect 5c. "host: gives alice mallory's target info with bob's nonce"
expect 5c. "mallory: session opened"
expect 5c. "bob: refused alice's report: $mac"
expect 5d. "host: relays a fresh report of alice to bob, her public key swapped for the host's own$"
expect 5d. "bob: refused alice's report: $not_bound"
[ "$(grep -c "host: bob refused it" "$dir/out")" -eq 4 ] || fail "not every attack was refused"
if grep -q "accepted" "$dir/out"; then fail "an attack was accepted"; fi

# Everything the host printed or relayed is in this output: no part of the secret is.
if grep -qF "$secret" "$dir/out" || grep -qF "7-42-19" "$dir/out" ||
    grep -qi "vault opens" "$dir/out"; then
    fail "the secret is in the host's output"
fi
secret_hex=$(printf '%s' "$secret" | od -An -tx1 | tr -d ' \n' | cut -c1-16)
if tr -d ' \n' <"$dir/out" | grep -qiF "$secret_hex"; then
    fail "the secret is in the host's output, in hexadecimal"
fi
echo "local-attestation sample: every step behaved as documented"
