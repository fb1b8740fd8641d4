#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/error.sh: checks what `cella error` prints and how it exits.
# Usage: error.sh PATH_TO_CELLA
set -u

cella=${1:?usage: error.sh PATH_TO_CELLA}
. "$(dirname "$0")/lib.sh"

# run EXPECTED_EXIT ARGS...: `cella error ARGS...`
run() {
    expected=$1
    shift
    run_command "$expected" "$cella" error "$@"
}

# Hexadecimal, decimal and the name all explain the same code.
for code in 0x2006 8198 SGX_ERROR_NO_DEVICE sgx_error_no_device 0X2006; do
    run 0 "$code"
    has out "SGX_ERROR_NO_DEVICE = 0x2006 (8198), sgx_status_t"
    has out "meaning:"
    has out "cella detect"
    has out "software TEE"
    [ -s "$work/err" ] && fail "cella error $code wrote to stderr"
done

# A number that is only a known code when read as hexadecimal says how it was read.
run 0 2006
has out "SGX_ERROR_NO_DEVICE = 0x2006"
has out "read as hexadecimal 0x2006"

# Plain hexadecimal with letters, quote library codes and their TEE_ aliases.
run 0 e019
has out "SGX_QL_NETWORK_ERROR = 0xE019 (57369), quote3_error_t"
has out "remedy:"
run 0 TEE_NETWORK_ERROR
has out "SGX_QL_NETWORK_ERROR"
run 0 16388
has out "SGX_ERROR_SERVICE_INVALID_PRIVILEGE = 0x4004"

# Several codes in one call.
run 0 0x2006 8206 0xe03f
has out "SGX_ERROR_NO_DEVICE"
has out "SGX_ERROR_MODE_INCOMPATIBLE"
has out "SGX_QL_NO_DEVICE"

# JSON for scripts.
run 0 --json 0x2006 8198 SGX_QL_ROOT_CA_UNTRUSTED
python3 -m json.tool "$work/out" >/dev/null || fail "--json output is not JSON"
python3 - "$work/out" <<'PY' || fail "--json output has the wrong content"
import json, sys
entries = json.load(open(sys.argv[1]))
assert len(entries) == 3, entries
assert entries[0]["name"] == "SGX_ERROR_NO_DEVICE", entries[0]
assert entries[0]["code"] == 8198 and entries[0]["hex"] == "0x2006", entries[0]
assert entries[0]["input"] == "0x2006" and entries[1]["input"] == "8198", entries
assert entries[0]["type"] == "sgx_status_t", entries[0]
assert "cella detect" in entries[0]["remedy"], entries[0]
assert entries[2]["code"] == 0xE065 and entries[2]["type"] == "quote3_error_t", entries[2]
PY

# Unknown codes fail with a clear message, and known ones around them are still explained.
run 1 0x1234
has err "cella error: 0x1234: not a known sgx_status_t or quote3_error_t code"
[ -s "$work/out" ] && fail "an unknown code printed to stdout"
run 1 0x2006 NOT_A_STATUS_NAME
has out "SGX_ERROR_NO_DEVICE"
has err "cella error: NOT_A_STATUS_NAME: not a known SGX or DCAP status name"
run 1 0xZZ
has err "cella error: 0xZZ: not a hexadecimal number"
run 1 99999999999
has err "cella error: 99999999999:"
run 1 0xb006
has err "quote provider library"
run 1 45062
has err "cella error: 45062: not a known sgx_status_t or quote3_error_t code, neither as decimal nor as hexadecimal"
has err "quote provider library"
run 1 0x
has err "cella error: 0x: not a hexadecimal number"
run 1 --json 0x1234
python3 -m json.tool "$work/out" >/dev/null || fail "--json output with an unknown code is not JSON"

# Usage.
run 0 --help
has out "Usage: cella error"
run 2
has err "cella error: no code given"
run 2 --bogus 0x2006
has err "cella error: --bogus: unknown option"
lacks out "SGX_ERROR_NO_DEVICE"

finish "cella error"
