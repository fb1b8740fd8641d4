#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/quote.sh: checks what `cella quote dump` and `cella quote verify` print for made-up
# and real quotes.
# Usage: quote.sh PATH_TO_CELLA SHARED_DIR
#   SHARED_DIR  the folder with vectors/ (real quotes); when vectors/ is absent, the checks
#               on real quotes are not run and the script says so.
set -u

cella=${1:?usage: quote.sh PATH_TO_CELLA SHARED_DIR}
shared=${2:-}
. "$(dirname "$0")/lib.sh"

# run EXPECTED_EXIT ARGS...: `cella quote ARGS...`
run() {
    expected=$1
    shift
    run_command "$expected" "$cella" quote "$@"
}

# field NAME VALUE: the text output has a line "NAME: VALUE" (any indentation and padding).
field() {
    grep -qE "^ *$1: +$2\$" "$work/out" ||
        fail "'$last' has no line '$1: $2'"
}

# json PYTHON_EXPRESSIONS...: each expression is true of the JSON output, bound to `q`.
json() {
    python3 - "$work/out" "$@" <<'PY' || fail "JSON output of '$last' is wrong"
import json, sys
q = json.load(open(sys.argv[1]))
for expression in sys.argv[2:]:
    if not eval(expression):
        sys.exit("false: " + expression)
PY
}

# make_quote FILE [OPTION=VALUE...]: writes a made-up v3 quote (see the defaults below).
make_quote() {
    python3 - "$@" <<'PY' || fail "cannot write a made-up quote"
import struct, sys
path = sys.argv[1]
o = dict(version=3, key=2, cert_type=5, cert="", wrap="", hex="", trailing=0, flags=7)
for argument in sys.argv[2:]:
    name, value = argument.split("=", 1)
    o[name] = value if name in ("cert", "wrap", "hex") else int(value, 0)

def body(seed, flags, prod_id, svn):
    b = bytearray(384)
    b[0:16] = bytes(range(seed, seed + 16))                      # cpu_svn
    b[16:20] = struct.pack("<I", 0x1C)                           # misc_select
    b[48:64] = struct.pack("<QQ", flags, 0xE7)                   # attributes
    b[64:96] = bytes([0x11]) * 32                                # mr_enclave
    b[128:160] = bytes([0x22]) * 32                              # mr_signer
    b[256:262] = struct.pack("<HHH", prod_id, svn, 0)            # isv_prod_id, isv_svn
    b[320:384] = bytes(range(64))                                # report_data
    return bytes(b)

cert = open(o["cert"], "rb").read() + b"\0" if o["cert"] else b"PPID-cleartext-34-bytes-of-data..."
auth = bytes(range(32))
vendor = bytes.fromhex("939a7233f79c4ca9940a0db3957f0607")
header = struct.pack("<HHIHH", o["version"], o["key"], 0, 7, 13) + vendor + bytes(20)
rest = (bytes([0xA1]) * 64 + bytes([0xA2]) * 64 + body(0x40, 0x15, 1, 9) + bytes([0xA3]) * 64
        + struct.pack("<H", len(auth)) + auth + struct.pack("<HI", o["cert_type"], len(cert)) + cert)
quote = header + body(0x10, o["flags"], 0x1234, 42) + struct.pack("<I", len(rest)) + rest
quote += bytes(o["trailing"])
if o["wrap"]:
    quote = struct.pack("<IIQ", 1, int(o["wrap"]), len(quote)) + quote
data = quote.hex().upper().encode() + b"\n" if o["hex"] else quote
open(path, "wb").write(data)
PY
}

# Usage.
run 2
has err "Usage: cella quote"
run 0 --help
has out "Usage: cella quote <command>"
has out "dump"
run 2 bogus
has err "cella quote: unknown command 'bogus'"
run 0 dump --help
has out "Usage: cella quote dump [--json] FILE"
run 2 dump
has err "cella quote dump: no file given"
run 2 dump --bogus x
has err "cella quote dump: --bogus: unknown option"
run 2 dump a b
has err "one file at a time"
run 1 dump "$work/missing"
has err "cella quote: cannot open $work/missing:"

# A made-up quote with a self-signed certificate as its "PCK chain".
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=cella quote test/O=cella" -keyout "$work/key.pem" -out "$work/cert.pem" \
    >/dev/null 2>&1; then
    fail "openssl cannot make a test certificate"
fi
make_quote "$work/made-up.bin" cert="$work/cert.pem"
run 0 dump "$work/made-up.bin"
field format quote
field encoding binary
field version 3
field qe_svn 7
field pce_svn 13
field qe_vendor_is_intel yes
field mr_enclave 1111111111111111111111111111111111111111111111111111111111111111
field mr_signer 2222222222222222222222222222222222222222222222222222222222222222
field isv_prod_id 4660
field isv_svn 42
field flags 0x0000000000000007
field flag_names "INIT DEBUG MODE64BIT"
field debug yes
field mode64bit yes
field xfrm 0x00000000000000e7
field misc_select 0x0000001c
field report_data 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
field data 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
field type 5
field type_name "PCK certificate chain"
field subject "CN=cella quote test, O=cella"
field issuer "CN=cella quote test, O=cella"
[ -s "$work/err" ] && fail "dump of a made-up quote wrote to stderr"

run 0 dump --json "$work/made-up.bin"
json 'q["input"]["format"] == "quote" and q["input"]["encoding"] == "binary"' \
    'q["header"]["version"] == 3 and q["header"]["att_key_type"] == 2' \
    'q["header"]["qe_vendor_is_intel"] is True' \
    'q["isv_report"]["isv_prod_id"] == 0x1234 and q["isv_report"]["isv_svn"] == 42' \
    'q["isv_report"]["attributes"]["debug"] is True' \
    'q["isv_report"]["attributes"]["flag_names"] == ["INIT", "DEBUG", "MODE64BIT"]' \
    'q["qe_report"]["attributes"]["debug"] is False' \
    'q["qe_report"]["attributes"]["flag_names"] == ["INIT", "MODE64BIT", "PROVISIONKEY"]' \
    'q["qe_report"]["isv_svn"] == 9 and q["qe_report"]["cpu_svn"] == bytes(range(0x40, 0x50)).hex()' \
    'q["isv_signature"] == "a1" * 64 and q["attestation_key"] == "a2" * 64' \
    'q["qe_signature"] == "a3" * 64 and q["qe_auth_data"]["size"] == 32' \
    'q["signature_data_len"] == q["input"]["quote_size"] - 436' \
    'q["certification_data"]["type"] == 5' \
    'len(q["certification_data"]["certificates"]) == 1' \
    'q["certification_data"]["certificates"][0]["subject"] == "CN=cella quote test, O=cella"' \
    'q["certification_data"]["certificates"][0]["not_before"].endswith("Z")'

# The same quote as hex text, from standard input, and inside an Open Enclave report.
make_quote "$work/made-up.hex" cert="$work/cert.pem" hex=1
"$cella" quote dump - <"$work/made-up.hex" >"$work/out" 2>"$work/err" ||
    fail "cella quote dump - <made-up.hex failed: $(cat "$work/err")"
last="cella quote dump - <made-up.hex"
field file -
field encoding hex
field format quote
field mr_enclave 1111111111111111111111111111111111111111111111111111111111111111
make_quote "$work/report.hex" cert="$work/cert.pem" hex=1 wrap=2
run 0 dump --json "$work/report.hex"
json 'q["input"]["format"] == "oe_report" and q["input"]["encoding"] == "hex"' \
    'q["input"]["quote_offset"] == 16 and q["input"]["size"] == q["input"]["quote_size"] + 16' \
    'q["isv_report"]["isv_prod_id"] == 0x1234'

# Certification data other than a chain is shown in hex.
make_quote "$work/ppid.bin" cert_type=1 flags=5
run 0 dump "$work/ppid.bin"
field type 1
field type_name "PPID in clear text"
field data "$(printf 'PPID-cleartext-34-bytes-of-data...' | od -An -tx1 | tr -d ' \n')"
field debug no
field flag_names "INIT MODE64BIT"

# Rejections name what is wrong, and print no dump.
make_quote "$work/bad.bin" cert_type=6
run 1 dump "$work/bad.bin"
has err "certification data type 6"
[ -s "$work/out" ] && fail "a rejected quote was dumped"
make_quote "$work/bad.bin" trailing=1
run 1 dump "$work/bad.bin"
has err "signature_data_len"
make_quote "$work/bad.bin" version=4
run 1 dump "$work/bad.bin"
has err "header.version 4"
has err "not supported"
make_quote "$work/bad.bin" key=3
run 1 dump "$work/bad.bin"
has err "header.att_key_type 3"
make_quote "$work/bad.bin" wrap=1
run 1 dump "$work/bad.bin"
has err "local report"
printf 'abc\n' >"$work/bad.hex"
run 1 dump "$work/bad.hex"
has err "odd number of digits"
: >"$work/empty"
run 1 dump "$work/empty"
has err "header: truncated"

# A chain that is not PEM: the rest is shown, and the exit status says it failed.
printf 'not a certificate\n' >"$work/junk.pem"
make_quote "$work/junk.bin" cert="$work/junk.pem"
run 1 dump "$work/junk.bin"
field mr_enclave 1111111111111111111111111111111111111111111111111111111111111111
has err "not a PEM certificate chain"

# verify: usage, and made-up quotes (which no trusted root certifies).
run 0 verify --help
has out "Usage: cella quote verify"
run 0 --help
has out "verify"
run 2 verify "$work/made-up.bin"
has err "give exactly one of --collateral DIR, --pccs URL and --no-collateral"
run 2 verify --collateral "$work" --pccs http://127.0.0.1:1 "$work/made-up.bin"
has err "exactly one of"
run 2 verify --no-collateral
has err "cella quote verify: no file given"
run 2 verify --no-collateral --collateral
has err "cella quote verify: --collateral needs a value"
run 2 verify --no-collateral --at yesterday "$work/made-up.bin"
has err "--at yesterday: not YYYY-MM-DDThh:mm:ssZ"
run 2 verify --no-collateral --bogus "$work/made-up.bin"
has err "cella quote verify: --bogus: unknown option"
run 1 verify --no-collateral "$work/missing"
has err "cella quote: cannot open $work/missing:"
run 1 verify --collateral "$work/no-such-dir" "$work/made-up.bin"
has err "$work/no-such-dir"
run 1 verify --pccs ftp://example.com "$work/made-up.bin"
has err "not an http:// or https:// base URL"
run 1 verify --no-collateral --trust-root "$work/junk.pem" "$work/made-up.bin"
has err "not a self-signed PEM certificate"
# One certificate is no PCK chain.
run 1 verify --no-collateral "$work/made-up.bin"
field verdict refused
field failure certification-data
has err "cella quote verify: $work/made-up.bin: refused: certification-data:"
grep -q mr_enclave "$work/out" && fail "a refused quote's identity was shown"
# A chain of two made-up certificates: its root is not trusted...
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=made-up leaf" \
    -keyout "$work/leaf-key.pem" -out "$work/leaf.csr" >/dev/null 2>&1 &&
    openssl x509 -req -in "$work/leaf.csr" -CA "$work/cert.pem" -CAkey "$work/key.pem" \
        -CAcreateserial -days 30 -out "$work/leaf.pem" >/dev/null 2>&1 ||
    fail "openssl cannot make a test chain"
cat "$work/leaf.pem" "$work/cert.pem" >"$work/chain.pem"
make_quote "$work/chained.bin" cert="$work/chain.pem"
run 1 verify --no-collateral "$work/chained.bin"
field failure pck-chain
has err "refused: pck-chain: "
run 1 verify --no-collateral --json "$work/chained.bin"
json 'q["verified"] is False and q["verdict"] == "refused"' 'q["failure"] == "pck-chain"' \
    'len(q["reason"]) > 0' '"enclave" not in q'
# ...until it is: then the leaf is no PCK certificate (no SGX extension).
run 1 verify --no-collateral --trust-root "$work/cert.pem" "$work/chained.bin"
field failure pck-extension
# As a software-TEE root it is trusted too, but cannot certify Intel's QE vendor ID (the
# verifier may find the missing extension first).
run 1 verify --no-collateral --trust-software-tee-root "$work/cert.pem" "$work/chained.bin"
field failure "(qe-vendor|pck-extension)"

# Real quotes.
vectors=$shared/vectors
if [ -z "$shared" ] || [ ! -d "$vectors" ]; then
    echo "not run: checks on real quotes: $vectors absent (set CELLA_SHARED_DIR)"
else
    run 0 dump "$vectors/oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin"
    field size 4730
    field qe_svn 9
    field pce_svn 13
    field qe_vendor_id 939a7233f79c4ca9940a0db3957f0607
    field qe_vendor_is_intel yes
    field mr_enclave 68823bc62f409ee33a32ea270cfe45d4b19a6fb3c8570d7bc186cbe062398e8f
    field mr_signer 9affcfae47b848ec2caf1c49b4b283531e1cc425f93582b36806e52a43d78d1a
    field signature_data_len 4294
    field subject "CN=Intel SGX PCK Certificate, O=Intel Corporation, L=Santa Clara, ST=CA, C=US"
    field serial 0B0CDFF18DBBEE0FD606C60DB369899BEE40D3C7

    run 0 dump --json "$vectors/oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin"
    json 'q["input"]["format"] == "quote" and q["input"]["size"] == 4730' \
        'q["isv_report"]["attributes"]["flags"] == "0x0000000000000005"' \
        'q["isv_report"]["attributes"]["debug"] is False' \
        'q["isv_report"]["attributes"]["xfrm"] == "0x0000000000000003"' \
        'q["isv_report"]["cpu_svn"] == "08090e0dffff01000000000000000000"' \
        'q["qe_report"]["mr_signer"].startswith("8c4f5775") and q["qe_report"]["isv_svn"] == 9' \
        'q["qe_auth_data"]["data"] == bytes(range(32)).hex()' \
        'q["certification_data"]["size"] == 3678' \
        '[c["subject"].split(",")[0] for c in q["certification_data"]["certificates"]] == ["CN=Intel SGX PCK Certificate", "CN=Intel SGX PCK Platform CA", "CN=Intel SGX Root CA"]' \
        'q["certification_data"]["certificates"][0]["not_before"] == "2022-12-05T11:12:01Z"' \
        'q["certification_data"]["certificates"][0]["not_after"] == "2029-12-05T11:12:01Z"'

    # An Open Enclave report as hex text, taken from its JSON file.
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["QuoteHex"])' \
        "$vectors/azure-samples-oe/enclave.info.debug.json" >"$work/oe-debug.hex" ||
        fail "cannot read azure-samples-oe/enclave.info.debug.json"
    run 0 dump --json "$work/oe-debug.hex"
    json 'q["input"]["format"] == "oe_report" and q["input"]["encoding"] == "hex"' \
        'q["input"]["size"] == 4600 and q["input"]["quote_size"] == 4584' \
        'q["isv_report"]["mr_enclave"] == "f78abec1b19bb4ba945bb986ca4d7fc0b3029f75f6e13e1ce43a7747d7426e57"' \
        'q["isv_report"]["attributes"]["debug"] is True' \
        'q["header"]["qe_svn"] == 5 and q["header"]["pce_svn"] == 10'

    run 1 dump "$vectors/intel-qvl-sample/tdx/quote.dat"
    has err "header.version 4"

    # verify, with a collateral directory made of the oasis-v3 files (no CRLs).
    oasis=$vectors/oasis-v3/quote_v3_ecdsa_p256_pck_chain.bin
    collateral=$work/collateral
    mkdir -p "$collateral/tcb-info"
    cp "$vectors/oasis-v3/tcb_info_v3_fmspc_00606A000000.json" \
        "$collateral/tcb-info/00606a000000.json"
    cp "$vectors/oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem" \
        "$collateral/tcb-info-issuer-chain.pem"
    cp "$vectors/oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem" \
        "$collateral/qe-identity-issuer-chain.pem"
    cp "$vectors/oasis-v3/qe_identity_v2.json" "$collateral/qe-identity.json"

    run 0 verify --collateral "$collateral" --at 2022-12-20T00:50:04Z --no-crl "$oasis"
    field verdict verified
    field tcb_status SWHardeningNeeded
    field platform_tcb_status SWHardeningNeeded
    field qe_tcb_status UpToDate
    field advisory_ids "INTEL-SA-00615 INTEL-SA-00657"
    field collateral_expiration 2023-01-15T12:45:36Z
    field tcb_date 2022-08-10T00:00:00Z
    field software_tee no
    field mr_enclave 68823bc62f409ee33a32ea270cfe45d4b19a6fb3c8570d7bc186cbe062398e8f
    field mr_signer 9affcfae47b848ec2caf1c49b4b283531e1cc425f93582b36806e52a43d78d1a
    field isv_prod_id 0
    field isv_svn 0
    field debug no
    field fmspc 00606a000000
    has out "warning: CRLs were not required"
    [ -s "$work/err" ] && fail "a verified quote wrote to stderr"
    # The same time in seconds; and CRLs are required unless --no-crl.
    run 0 verify --collateral "$collateral" --at 1671497404 --no-crl "$oasis"
    field tcb_status SWHardeningNeeded
    run 1 verify --collateral "$collateral" --at 1671497404 "$oasis"
    field failure crl
    # After the TCB Info's next update.
    run 1 verify --collateral "$collateral" --at 2023-02-01T00:00:00Z --no-crl "$oasis"
    field failure tcb-info
    has out "not current"

    # One flipped byte in the quote's signature.
    python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[436] ^= 1; open(sys.argv[2], "wb").write(b)' \
        "$oasis" "$work/flipped.bin" || fail "cannot flip a byte"
    run 1 verify --collateral "$collateral" --at 2022-12-20T00:50:04Z --no-crl "$work/flipped.bin"
    field verdict refused
    field failure isv-signature
    has err "refused: isv-signature: "

    run 0 verify --json --collateral "$collateral" --at 2022-12-20T00:50:04Z --no-crl "$oasis"
    json 'q["verified"] is True and q["verdict"] == "verified"' \
        'q["tcb_evaluated"] is True and q["tcb_status"] == "SWHardeningNeeded"' \
        'q["platform_tcb_status"] == "SWHardeningNeeded" and q["qe_tcb_status"] == "UpToDate"' \
        'q["advisory_ids"] == ["INTEL-SA-00615", "INTEL-SA-00657"]' \
        'q["collateral_expiration"] == "2023-01-15T12:45:36Z"' \
        'q["verification_time"] == "2022-12-20T00:50:04Z"' \
        'q["collateral_source"] == "directory" and q["crls_required"] is False' \
        'q["software_tee"] is False' \
        'q["enclave"]["mr_enclave"] == "68823bc62f409ee33a32ea270cfe45d4b19a6fb3c8570d7bc186cbe062398e8f"' \
        'q["enclave"]["debug"] is False and q["enclave"]["isv_svn"] == 0' \
        'len(q["enclave"]["report_data"]) == 128' \
        'q["platform"]["pce_svn"] == 13'
    run 1 verify --json --collateral "$collateral" --at 2022-12-20T00:50:04Z --no-crl \
        "$work/flipped.bin"
    json 'q["verified"] is False and q["failure"] == "isv-signature"'

    # A missing TCB Info: the log names the file.
    rm "$collateral/tcb-info/00606a000000.json"
    run 1 verify --collateral "$collateral" --at 2022-12-20T00:50:04Z --no-crl "$oasis"
    field failure tcb-info
    has err "$collateral/tcb-info/00606a000000.json"
    cp "$vectors/oasis-v3/tcb_info_v3_fmspc_00606A000000.json" \
        "$collateral/tcb-info/00606a000000.json"

    # Without collateral: signatures and chain only, said so.
    run 0 verify --no-collateral --at 2022-12-20T00:50:04Z "$oasis"
    field verdict verified
    field tcb_evaluated no
    has out "warning: verified without collateral: no TCB status was evaluated"
    # A debug enclave, in an Open Enclave report as hex, is flagged.
    run 0 verify --no-collateral --at 2024-01-01T00:00:00Z "$work/oe-debug.hex"
    field debug yes
    has out "warning: the enclave is a debug enclave"

    # Through a PCCS-compatible server over the same directory.
    server=$(dirname "$0")/../unit/verify/pccs_server.py
    if [ ! -f "$server" ]; then
        echo "not run: --pccs checks: $server absent"
    else
        python3 "$server" "$collateral" --port-file "$work/port" --lifetime 60 &
        server_pid=$!
        tries=0
        while [ ! -s "$work/port" ] && [ $tries -lt 200 ]; do
            sleep 0.1
            tries=$((tries + 1))
        done
        if [ ! -s "$work/port" ]; then
            fail "the PCCS test server did not start"
        else
            url=http://127.0.0.1:$(cat "$work/port")
            no_proxy=127.0.0.1 NO_PROXY=127.0.0.1 run 0 verify --pccs "$url" \
                --at 2022-12-20T00:50:04Z --no-crl "$oasis"
            field tcb_status SWHardeningNeeded
            field collateral "$url"
        fi
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=
    fi
fi

finish "cella quote"
