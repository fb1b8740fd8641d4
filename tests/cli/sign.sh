#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/sign.sh: checks `cella sign` (and `sgx_sign`) end to end with openssl-made keys.
# Usage: sign.sh PATH_TO_CELLA PATH_TO_UNSIGNED_TEST_ENCLAVE
set -u

cella=${1:?usage: sign.sh PATH_TO_CELLA PATH_TO_ENCLAVE}
enclave=${2:?usage: sign.sh PATH_TO_CELLA PATH_TO_ENCLAVE}
. "$(dirname "$0")/lib.sh"

# run EXPECTED_EXIT PROGRAM ARGS...
run() {
    run_command "$@"
}

# A fixed date, so every signature below is reproducible.
SOURCE_DATE_EPOCH=1704153600 # 2024-01-02
export SOURCE_DATE_EPOCH

openssl genrsa -3 -out "$work/key.pem" 3072 2>/dev/null || { echo "openssl genrsa failed"; exit 1; }
openssl rsa -in "$work/key.pem" -pubout -out "$work/public.pem" 2>/dev/null
openssl genrsa -out "$work/f4.pem" 3072 2>/dev/null
openssl genrsa -3 -out "$work/small.pem" 2048 2>/dev/null

cat >"$work/Enclave.config.xml" <<'XML'
<EnclaveConfiguration>
  <ProdID>1</ProdID>
  <ISVSVN>2</ISVSVN>
  <StackMaxSize>0x8000</StackMaxSize>
  <HeapMaxSize>0x10000</HeapMaxSize>
  <TCSNum>2</TCSNum>
  <TCSPolicy>1</TCSPolicy>
  <DisableDebug>1</DisableDebug>
  <MiscSelect>0</MiscSelect>
  <MiscMask>0xFFFFFFFF</MiscMask>
</EnclaveConfiguration>
XML

# Help for the command and each subcommand.
run 0 "$cella" sign --help
has out "gendata"
for command in sign gendata catsig dump; do
    run 0 "$cella" sign "$command" -help
    has out "Usage: cella sign $command"
done

# One-step signing, then dump as text and JSON.
run 0 "$cella" sign sign -enclave "$enclave" -key "$work/key.pem" -config "$work/Enclave.config.xml" \
    -out "$work/one.so" -dumpfile "$work/one.txt" -cssfile "$work/one.css"
has out "MRENCLAVE"
[ "$(wc -c <"$work/one.css")" -eq 1808 ] || fail "-cssfile is not 1808 bytes"
has one.txt "verification:         ok"
run 0 "$cella" sign dump -enclave "$work/one.so"
has out "isv_prod_id:          1"
has out "isv_svn:              2"
has out "tcs_num:              2"
has out "debug:                disabled"
has out "date:                 2024-01-02"
has out "attribute_mask.flags: 0xff00ffffffffffff"
mrenclave=$(sed -n 's/^mrenclave: *//p' "$work/out")
mrsigner=$(sed -n 's/^mrsigner: *//p' "$work/out")
[ ${#mrenclave} -eq 64 ] || fail "dump printed no MRENCLAVE"
run 0 "$cella" sign dump -enclave "$work/one.so" --json
has out "\"mrenclave\": \"$mrenclave\""
has out "\"verification\": \"ok\""

# MRSIGNER is SHA-256 of the modulus stored little-endian in SIGSTRUCT (bytes 128..511).
expected_signer=$(dd if="$work/one.css" bs=1 skip=128 count=384 2>/dev/null | openssl dgst -sha256 -r | cut -d' ' -f1)
[ "$mrsigner" = "$expected_signer" ] || fail "MRSIGNER $mrsigner is not SHA-256 of the modulus ($expected_signer)"

# The SIGSTRUCT signature verifies with openssl: signed bytes [0,128) + [900,1028), signature
# at 516 stored little-endian.
dd if="$work/one.css" bs=1 count=128 2>/dev/null >"$work/signed.bin"
dd if="$work/one.css" bs=1 skip=900 count=128 2>/dev/null >>"$work/signed.bin"
dd if="$work/one.css" bs=1 skip=516 count=384 2>/dev/null | od -An -v -tx1 | tr -s ' \n' '\n\n' |
    sed '/^$/d' | tac | tr -d '\n' | xxd -r -p >"$work/signature.be" 2>/dev/null ||
    fail "could not reverse the signature (xxd missing?)"
openssl dgst -sha256 -verify "$work/public.pem" -signature "$work/signature.be" "$work/signed.bin" \
    >/dev/null 2>&1 || fail "openssl does not verify the SIGSTRUCT signature"

# Two-step signing gives the same file.
run 0 "$cella" sign gendata -enclave "$enclave" -config "$work/Enclave.config.xml" -out "$work/data.bin"
[ "$(wc -c <"$work/data.bin")" -eq 256 ] || fail "gendata did not write 256 bytes"
cmp -s "$work/data.bin" "$work/signed.bin" || fail "gendata output is not the signed bytes of sign"
openssl dgst -sha256 -sign "$work/key.pem" -out "$work/sig.bin" "$work/data.bin"
run 0 "$cella" sign catsig -enclave "$enclave" -config "$work/Enclave.config.xml" -key "$work/public.pem" \
    -sig "$work/sig.bin" -unsigned "$work/data.bin" -out "$work/two.so"
cmp -s "$work/one.so" "$work/two.so" || fail "catsig output differs from one-step sign"

# The same through the sgx_sign name.
ln -s "$cella" "$work/sgx_sign"
run 0 "$work/sgx_sign" sign -key "$work/key.pem" -enclave "$enclave" -out "$work/three.so" \
    -config "$work/Enclave.config.xml"
cmp -s "$work/one.so" "$work/three.so" || fail "sgx_sign sign differs from cella sign sign"
run 0 "$work/sgx_sign" -help
has out "Usage: sgx_sign"

# Errors.
run 1 "$cella" sign sign -enclave "$enclave" -key "$work/f4.pem" -out "$work/x.so"
has err "public exponent 65537"
has err "openssl genrsa -3 -out Enclave_private.pem 3072"
run 1 "$cella" sign sign -enclave "$enclave" -key "$work/small.pem" -out "$work/x.so"
has err "RSA-2048"
[ -e "$work/x.so" ] && fail "a failed sign left an output file"
run 1 "$cella" sign sign -enclave "$work/one.so" -key "$work/key.pem" -out "$work/x.so"
has err "already signed"
run 0 "$cella" sign sign -enclave "$work/one.so" -key "$work/key.pem" -out "$work/x.so" -resign
printf '<EnclaveConfiguration><TCSNum>0</TCSNum></EnclaveConfiguration>' >"$work/bad.xml"
run 1 "$cella" sign sign -enclave "$enclave" -key "$work/key.pem" -out "$work/y.so" -config "$work/bad.xml"
has err "<TCSNum>"
has err "allowed: 1 to"
run 2 "$cella" sign sign -enclave "$enclave" -out "$work/y.so"
has err "-key is required"
run 2 "$cella" sign gendata -enclave "$enclave" -key "$work/key.pem" -out "$work/y.bin"
has err "-key is not an option of gendata"
run 2 "$cella" sign sign -enclave "$enclave" -key "$work/key.pem" -out "$enclave"
has err "name the same file"
# The same file under another name is the same file: the key is never overwritten.
cp "$work/key.pem" "$work/key2.pem"
cd "$work" || exit 1
run 2 "$cella" sign sign -enclave "$enclave" -key key2.pem -out ./key2.pem -config Enclave.config.xml
cd - >/dev/null || exit 1
has err "-key and -out name the same file"
cmp -s "$work/key.pem" "$work/key2.pem" || fail "the key was overwritten"
ln -s key2.pem "$work/key-link.pem"
run 2 "$cella" sign sign -enclave "$enclave" -key "$work/key2.pem" -out "$work/key-link.pem"
has err "name the same file"
# A failed extra output leaves no signed enclave behind; outputs follow the umask.
run 1 "$cella" sign sign -enclave "$enclave" -key "$work/key.pem" -config "$work/Enclave.config.xml" \
    -out "$work/half.so" -cssfile "$work/missing-dir/c.bin"
[ ! -e "$work/half.so" ] || fail "a failed sign left its output"
saved_umask=$(umask)
umask 077
run 0 "$cella" sign sign -enclave "$enclave" -key "$work/key.pem" -config "$work/Enclave.config.xml" \
    -out "$work/private.so"
umask "$saved_umask"
[ "$(stat -c %a "$work/private.so")" = 600 ] || fail "the output ignores the umask"
# SOURCE_DATE_EPOCH is digits only; a dump that cannot be written fails.
SOURCE_DATE_EPOCH=" 86400"
run 1 "$cella" sign sign -enclave "$enclave" -key "$work/key.pem" -config "$work/Enclave.config.xml" \
    -out "$work/when.so"
SOURCE_DATE_EPOCH=1704153600
has err "SOURCE_DATE_EPOCH=' 86400' is not a number of seconds"
if [ -w /dev/full ]; then
    "$cella" sign dump -enclave "$work/one.so" >/dev/full 2>"$work/err" &&
        fail "a dump to a full device succeeded"
    has err "cannot write to standard output"
fi
run 2 "$cella" sign frobnicate
has err "unknown command"
run 1 "$cella" sign dump -enclave "$enclave"
has err "not signed"

# A changed byte of the signed enclave makes dump fail and say why.
cp "$work/one.so" "$work/tampered.so"
printf '\001' | dd of="$work/tampered.so" bs=1 seek=4096 conv=notrunc 2>/dev/null
run 1 "$cella" sign dump -enclave "$work/tampered.so"
has out "verification:         measurement mismatch"
has err "measurement mismatch"

finish "cella sign"
