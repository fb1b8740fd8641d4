#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/attestd/e2e.sh: cella-attestd end to end over HTTP: a software-TEE quote attested in dev
# mode, the token's claims and signature, /certs, OpenID metadata, policy management, MAA
# errors, a restart, TLS, and production mode refusing software-TEE quotes.
# Usage: e2e.sh PATH_TO_CELLA_ATTESTD PATH_TO_CELLA PATH_TO_ATTESTD_QUOTE
set -u

attestd=${1:?usage: e2e.sh CELLA_ATTESTD CELLA ATTESTD_QUOTE}
cella=${2:?usage: e2e.sh CELLA_ATTESTD CELLA ATTESTD_QUOTE}
quote_tool=${3:?usage: e2e.sh CELLA_ATTESTD CELLA ATTESTD_QUOTE}
work=$(mktemp -d) || exit 1
pid=
failures=0
trap 'stop; rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# The platform: its secrets in a directory of the test's own, its collateral exported.
export CELLA_STATE_DIR="$work/platform"
if ! "$cella" platform export --out "$work/collateral" >"$work/export.log" 2>&1; then
    cat "$work/export.log" >&2
    echo "FAIL: cella platform export" >&2
    exit 1
fi
root="$work/collateral/root-ca.pem"
mkdir -m 700 "$work/state"
api="api-version=2022-08-01"
# What every start but the one from a config file gives: a free port, the test's state.
common="--port 0 --state-dir $work/state --collateral $work/collateral"

# ---- the daemon ----------------------------------------------------------------------------------

# start ARGS...: starts cella-attestd with ARGS (listening on 127.0.0.1 by default); waits
# until it listens; sets pid and base (its URL).
start() {
    : >"$work/log"
    "$attestd" "$@" >"$work/log" 2>&1 &
    pid=$!
    base=
    for _ in $(seq 1 100); do
        base=$(sed -n 's/^cella-attestd: listening on \([^ ]*\) as .*/\1/p' "$work/log")
        [ -n "$base" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$base" ]; then
        sed 's/^/  log: /' "$work/log" >&2
        echo "FAIL: cella-attestd did not start with: $*" >&2
        exit 1
    fi
}

# stop: SIGTERM; the daemon must stop cleanly (exit 0, and no sanitizer report).
stop() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid"
        exit_status=$?
        pid=
        if [ "$exit_status" -ne 0 ] || grep -q "Sanitizer" "$work/log"; then
            fail "cella-attestd did not stop cleanly (exit $exit_status)"
            sed 's/^/  log: /' "$work/log" | tail -40 >&2
        fi
    fi
}

# expect_exit CODE TEXT ARGS...: cella-attestd ARGS exits with CODE and says TEXT.
expect_exit() {
    expected=$1
    text=$2
    shift 2
    timeout 20 "$attestd" "$@" >"$work/out" 2>&1
    status=$?
    [ "$status" -eq "$expected" ] || fail "cella-attestd $*: exit $status, expected $expected"
    grep -qF -- "$text" "$work/out" || fail "cella-attestd $* does not say '$text'"
}

# ---- HTTP ----------------------------------------------------------------------------------------

# request METHOD PATH [BODY_FILE [CONTENT_TYPE]]: the answer in $work/response, its headers in
# $work/headers, status in $code. With $extra set, also the header lines it holds.
extra=
request() {
    method=$1
    path=$2
    last="$method $path${extra:+ with $(printf '%s' "$extra" | cut -d: -f1)}"
    printf '%s\n' "$extra" >"$work/extra.headers"
    if [ $# -ge 3 ]; then
        code=$(curl -s -D "$work/headers" -o "$work/response" -w '%{http_code}' -X "$method" \
            -H "Content-Type: ${4:-application/json}" -H @"$work/extra.headers" \
            --data-binary @"$3" "$base$path")
    else
        code=$(curl -s -D "$work/headers" -o "$work/response" -w '%{http_code}' -X "$method" \
            -H @"$work/extra.headers" "$base$path")
    fi
}

# header NAME REGEX: the last answer has header NAME (any case) with a value matching REGEX
# (an extended regular expression over the whole value).
header() {
    value=$(tr -d '\r' <"$work/headers" | sed -n "s/^$1: *//Ip" | head -1)
    printf '%s\n' "$value" | grep -Eqx -- "$2" ||
        fail "$last: header $1 is '$value', expected /$2/"
}

# status CODE: the last request answered CODE.
status() {
    [ "$code" = "$1" ] || {
        fail "$last: HTTP $code, expected $1: $(head -c 400 "$work/response")"
        return 1
    }
}

# maa_error STATUS CODE [TEXT]: the last request failed with MAA's error body.
maa_error() {
    status "$1" || return
    python3 - "$work/response" "$2" "${3:-}" <<'PY' || fail "$last: not the MAA error $2"
import json, sys
body = json.load(open(sys.argv[1]))
error = body["error"]
assert set(body) == {"error"} and set(error) == {"code", "message"}, body
assert error["code"] == sys.argv[2], error
assert sys.argv[3] in error["message"], error
PY
}

# check FILE EXPRESSIONS...: python3 expressions over the JSON in FILE, r, the token's header
# h and claims c (when it holds a token), and the helpers below.
check() {
    file=$1
    shift
    python3 - "$file" "$@" <<'PY' || fail "$last: claims check failed"
import base64, hashlib, json, sys
def b64url(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
def unb64url(text): return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
def sha256(data): return hashlib.sha256(data).digest()
r = json.load(open(sys.argv[1]))
if "token" in r:
    parts = r["token"].split(".")
    h = json.loads(unb64url(parts[0]))
    c = json.loads(unb64url(parts[1]))
for expression in sys.argv[2:]:
    if not eval(expression):
        sys.exit("false: " + expression)
PY
}

# json_body FILE PYTHON_DICT_EXPRESSION: writes a request body (quote and data in scope).
json_body() {
    python3 - "$1" "$2" "$work" <<'PY'
import base64, json, sys
work = sys.argv[3]
def b64url(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
quote = open(work + "/quote.txt").read().strip()
report = open(work + "/report.txt").read().strip()
data = open(work + "/data", "rb").read()
json_data = open(work + "/runtime.json", "rb").read()
json_quote = open(work + "/quote-json.txt").read().strip()
value = eval(sys.argv[2])
open(sys.argv[1], "w").write(value if isinstance(value, str) else json.dumps(value))
PY
}

# ---- quotes ---------------------------------------------------------------------------------------

printf 'runtime data bound by the enclave' >"$work/data"
printf '{"jwk":{"crv":"P-256","kty":"EC","use":"sig","x":"AAA","y":"BBB"}}' >"$work/runtime.json"
"$quote_tool" "$work/data" >"$work/quote.txt" || { echo "FAIL: no quote" >&2; exit 1; }
"$quote_tool" --oe "$work/data" >"$work/report.txt" || { echo "FAIL: no OE report" >&2; exit 1; }
"$quote_tool" "$work/runtime.json" >"$work/quote-json.txt" || { echo "FAIL: no quote" >&2; exit 1; }
default_hash=bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw

json_body "$work/attest.json" \
    '{"quote": quote, "runtimeData": {"data": b64url(data), "dataType": "Binary"}, "nonce": "n-42"}'

# ---- startup refusals -----------------------------------------------------------------------------

expect_exit 64 "needs --dev" --state-dir "$work/state" --collateral "$work/collateral" \
    --trust-software-tee-root "$root"
expect_exit 64 "say where collateral comes from" --state-dir "$work/state"
expect_exit 1 "refusing plain HTTP" --listen 0.0.0.0 --port 0 --state-dir "$work/state" \
    --collateral "$work/collateral"
expect_exit 1 "does not exist" --port 0 --state-dir "$work/state" --collateral "$work/nowhere"
expect_exit 64 "not a TCB status" --port 0 --state-dir "$work/state" \
    --collateral "$work/collateral" --accept-tcb-status Fine
expect_exit 0 "usage: cella-attestd" --help

# ---- dev mode: a software-TEE quote -------------------------------------------------------------

start $common --dev --trust-software-tee-root "$root"
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
status 200 && cp "$work/response" "$work/token1.json"
tcb_info_hash=$(sha256sum "$work/collateral/tcb-info/ce11a0000001.json" | cut -d' ' -f1)
qe_identity_hash=$(sha256sum "$work/collateral/qe-identity.json" | cut -d' ' -f1)
check "$work/response" \
    'h == {"alg": "RS256", "jku": "'"$base"'/certs", "kid": h["kid"], "typ": "JWT"}' \
    'c["iss"] == "'"$base"'" and c["exp"] - c["iat"] == 28800 and c["nbf"] == c["iat"]' \
    'len(c["jti"]) == 64 and all(x in "0123456789abcdef" for x in c["jti"])' \
    'c["nonce"] == "n-42" and c["x-ms-ver"] == "1.0" and c["x-ms-attestation-type"] == "sgx"' \
    'c["x-ms-sgx-ehd"] == b64url(open("'"$work"'/data", "rb").read())' \
    'c["aas-ehd"] == c["maa-ehd"] == c["x-ms-sgx-ehd"]' \
    'c["x-ms-sgx-report-data"] == sha256(open("'"$work"'/data", "rb").read()).hex() + "00" * 32' \
    'len(c["x-ms-sgx-mrenclave"]) == 64 and len(c["x-ms-sgx-mrsigner"]) == 64' \
    'c["x-ms-sgx-product-id"] == 5 and c["x-ms-sgx-svn"] == 3' \
    'c["x-ms-sgx-is-debuggable"] is True' \
    'c["x-ms-policy-hash"] == "'"$default_hash"'"' \
    'c["x-ms-policy"] == {"is-debuggable": True, "product-id": 5, "svn": 3, "tee": "sgx", "sgx-mrenclave": c["x-ms-sgx-mrenclave"], "sgx-mrsigner": c["x-ms-sgx-mrsigner"]}' \
    'all(c[k] == v for k, v in c["x-ms-policy"].items())' \
    'sorted(c["x-ms-sgx-collateral"]) == ["qeidcertshash", "qeidcrlhash", "qeidhash", "quotehash", "tcbinfocertshash", "tcbinfocrlhash", "tcbinfohash"]' \
    'c["x-ms-sgx-collateral"]["quotehash"] == sha256(unb64url(open("'"$work"'/quote.txt").read().strip())).hex()' \
    'c["x-ms-sgx-collateral"]["tcbinfohash"] == "'"$tcb_info_hash"'"' \
    'c["x-ms-sgx-collateral"]["qeidhash"] == "'"$qe_identity_hash"'"' \
    'c["x-ms-sgx-collateral"]["qeidcrlhash"] == c["x-ms-sgx-collateral"]["tcbinfocrlhash"]' \
    'c["maa-attestationcollateral"] == c["x-ms-sgx-collateral"]' \
    'c["x-ms-cella-software-tee"] is True and c["x-ms-cella-tcb-status"] == "UpToDate"' \
    'isinstance(c["x-ms-cella-advisory-ids"], list)' \
    '"x-ms-runtime" not in c' \
    'all(type(c[k]) is int for k in ["iat", "nbf", "exp", "x-ms-sgx-product-id", "x-ms-sgx-svn"])' \
    'type(c["x-ms-sgx-is-debuggable"]) is bool and type(c["x-ms-ver"]) is str' \
    'all(type(c[k]) is str for k in ["x-ms-sgx-mrenclave", "x-ms-sgx-mrsigner", "x-ms-sgx-report-data", "x-ms-policy-hash", "jti"])'
# The headers MAA answers with (maa-api.md §3.3).
header Content-Type 'application/json; charset=utf-8'
header x-ms-request-id '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
header x-ms-maa-service-version '.+'
# The JavaScript SDK's Content-Type, with its charset, is JSON too.
request POST "/attest/SgxEnclave?$api" "$work/attest.json" "application/json; charset=utf-8"
status 200 && check "$work/response" 'h["alg"] == "RS256"'

# The signature verifies with openssl against the x5c certificate of /certs, whose kid is the
# token's; the certificate names the instance, and kid = base64(SHA-256(SPKI PEM + NUL)).
request GET /certs
status 200 && cp "$work/response" "$work/certs1.json"
header Content-Type 'application/json; charset=utf-8'
header x-ms-maa-service-version '.+'
# verify_token TOKEN_JSON CERTS_JSON: the token's RS256 signature with the JWKS key of its kid.
verify_token() {
    python3 - "$1" "$2" "$work" <<'PY' || return 1
import base64, json, sys
token = json.load(open(sys.argv[1]))["token"]
keys = json.load(open(sys.argv[2]))["keys"]
work = sys.argv[3]
header, payload, signature = token.split(".")
kid = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
key = [k for k in keys if k["kid"] == kid]
assert len(key) == 1 and key[0]["kty"] == "RSA" and set(key[0]) == {"x5c", "kid", "kty"}, keys
open(work + "/signer.der", "wb").write(base64.b64decode(key[0]["x5c"][0], validate=True))
open(work + "/signed.txt", "w").write(header + "." + payload)
open(work + "/signature.bin", "wb").write(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
open(work + "/kid.txt", "w").write(kid)
PY
    openssl x509 -inform DER -in "$work/signer.der" -pubkey -noout >"$work/signer.pub" &&
        openssl dgst -sha256 -verify "$work/signer.pub" -signature "$work/signature.bin" \
            "$work/signed.txt" >/dev/null
}
verify_token "$work/token1.json" "$work/certs1.json" || fail "the token's signature does not verify"
python3 - "$work" <<'PY' || fail "kid is not base64(SHA-256(public key PEM + NUL))"
import base64, hashlib, sys
work = sys.argv[1]
pem = open(work + "/signer.pub", "rb").read()
assert base64.b64encode(hashlib.sha256(pem + b"\0").digest()).decode() == open(work + "/kid.txt").read()
PY
openssl x509 -inform DER -in "$work/signer.der" -noout -subject -nameopt RFC2253 >"$work/subject"
grep -qF "CN=$base" "$work/subject" || fail "the signing certificate is not CN=$base: $(cat "$work/subject")"
# A flipped signature byte does not verify.
python3 - "$work/token1.json" "$work/bad-token.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["token"]
t = t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:]
json.dump({"token": t}, open(sys.argv[2], "w"))
PY
verify_token "$work/bad-token.json" "$work/certs1.json" 2>/dev/null &&
    fail "a token with a changed signature verifies"

# The relying party's side, cella token verify (verify/token.c), accepts the token, and refuses
# it when it requires hardware.
if "$cella" token verify --help >/dev/null 2>&1; then
    "$cella" token verify --jwks "$work/certs1.json" --issuer "$base" --allow-debug \
        --nonce n-42 - <"$work/token1.json" >"$work/rp.out" 2>&1 ||
        fail "cella token verify refuses the token: $(cat "$work/rp.out")"
    "$cella" token verify --jwks "$work/certs1.json" --issuer "$base" --allow-debug \
        --require-hardware - <"$work/token1.json" >"$work/rp.out" 2>&1 &&
        fail "cella token verify --require-hardware accepts a software-TEE token"
    # A relying party that pins another issuer, or refuses debug enclaves, refuses it too.
    "$cella" token verify --jwks "$work/certs1.json" --issuer "https://attest.example.test" \
        --allow-debug - <"$work/token1.json" >"$work/rp.out" 2>&1 &&
        fail "cella token verify accepts the token for another issuer"
    "$cella" token verify --jwks "$work/certs1.json" --issuer "$base" - <"$work/token1.json" \
        >"$work/rp.out" 2>&1 && fail "cella token verify accepts a debug enclave's token by default"
fi

request GET /.well-known/openid-configuration
header x-ms-maa-service-version '.+'
status 200 && check "$work/response" \
    'r["issuer"] == "'"$base"'" and r["jwks_uri"] == "'"$base"'/certs"' \
    'r["response_types_supported"] == ["token", "none"]' \
    'r["id_token_signing_alg_values_supported"] == ["RS256"]' \
    'r["revocation_endpoint"] == "'"$base"'/revoke"' \
    'all(x in r["claims_supported"] for x in ["x-ms-sgx-mrenclave", "x-ms-policy-hash", "x-ms-sgx-ehd", "nonce", "tee"])'

# The quote in standard base64 with padding; the OE report; JSON runtime data; a draft policy.
json_body "$work/b64.json" \
    '{"quote": base64.b64encode(base64.urlsafe_b64decode(quote + "=" * (-len(quote) % 4))).decode(), "runtimeData": {"data": b64url(data), "dataType": "Binary"}}'
request POST "/attest/SgxEnclave?$api" "$work/b64.json"
status 200
# base64url with its padding.
json_body "$work/padded.json" \
    '{"quote": quote + "=" * (-len(quote) % 4), "runtimeData": {"data": b64url(data) + "=" * (-len(b64url(data)) % 4), "dataType": "Binary"}}'
request POST "/attest/SgxEnclave?$api" "$work/padded.json"
status 200 && check "$work/response" 'c["x-ms-sgx-ehd"] == b64url(open("'"$work"'/data", "rb").read())'
json_body "$work/oe.json" '{"report": report, "runtimeData": {"data": b64url(data), "dataType": "Binary"}}'
request POST "/attest/OpenEnclave?api-version=2020-10-01" "$work/oe.json"
status 200 && check "$work/response" 'c["x-ms-attestation-type"] == "sgx"' '"x-ms-sgx-ehd" in c'
json_body "$work/json.json" '{"quote": json_quote, "runtimeData": {"data": b64url(json_data), "dataType": "JSON"}}'
request POST "/attest/SgxEnclave?$api" "$work/json.json"
status 200 && check "$work/response" 'c["x-ms-runtime"]["jwk"]["crv"] == "P-256"' \
    '"x-ms-sgx-ehd" not in c'
json_body "$work/draft.json" \
    '{"quote": quote, "draftPolicyForAttestation": "version=1.0; authorizationrules{=> permit();}; issuancerules{};"}'
request POST "/attest/SgxEnclave?$api" "$work/draft.json"
status 200 && check "$work/response" 'h["alg"] == "none" and r["token"].endswith(".")' \
    'c["x-ms-policy"] == {}' \
    'c["x-ms-policy-hash"] == b64url(sha256(b64url(b"version=1.0; authorizationrules{=> permit();}; issuancerules{};").encode()))'
# A draft policy that denies, or does not parse, is an error, not a token (§3.1).
json_body "$work/draft-deny.json" \
    '{"quote": quote, "draftPolicyForAttestation": "version=1.0; authorizationrules{=> deny();}; issuancerules{};"}'
request POST "/attest/SgxEnclave?$api" "$work/draft-deny.json"
maa_error 400 PolicyEvaluationError "A Deny claim was issued"
json_body "$work/draft-broken.json" '{"quote": quote, "draftPolicyForAttestation": "version=1.0; authorizationrules{"}'
request POST "/attest/SgxEnclave?$api" "$work/draft-broken.json"
maa_error 400 PolicyParsingError

# ---- refusals -------------------------------------------------------------------------------------

printf 'other data' >"$work/other"
json_body "$work/wrong-data.json" '{"quote": quote, "runtimeData": {"data": b64url(b"other data"), "dataType": "Binary"}}'
request POST "/attest/SgxEnclave?$api" "$work/wrong-data.json"
maa_error 400 InvalidParameter "runtimeData"
# initTimeData must hash to the enclave's CONFIGID, which this enclave leaves zero.
json_body "$work/wrong-init.json" \
    '{"quote": quote, "runtimeData": {"data": b64url(data), "dataType": "Binary"}, "initTimeData": {"data": b64url(b"init data"), "dataType": "Binary"}}'
request POST "/attest/SgxEnclave?$api" "$work/wrong-init.json"
maa_error 400 InvalidParameter "initTimeData"
printf '{"quote": "AwAC' >"$work/malformed.json"
request POST "/attest/SgxEnclave?$api" "$work/malformed.json"
maa_error 400 InvalidParameter "not JSON"
printf '[1, 2]' >"$work/array.json"
request POST "/attest/SgxEnclave?$api" "$work/array.json"
maa_error 400 InvalidParameter
# One byte of the attested enclave's MRENCLAVE (offset 48 + 64) flipped.
json_body "$work/flipped.json" \
    '(lambda q: {"quote": b64url(q[:112] + bytes([q[112] ^ 1]) + q[113:]), "runtimeData": {"data": b64url(data), "dataType": "Binary"}})(base64.urlsafe_b64decode(quote + "=" * (-len(quote) % 4)))'
request POST "/attest/SgxEnclave?$api" "$work/flipped.json"
maa_error 400 InvalidParameter "quote was invalid"
request POST "/attest/SgxEnclave" "$work/attest.json"
maa_error 400 ApiVersionUnspecified
request POST "/attest/SgxEnclave?api-version=1999-01-01" "$work/attest.json"
maa_error 400 UnsupportedApiVersion
request POST "/attest/SgxEnclave?$api" "$work/attest.json" "text/plain"
maa_error 415 UnsupportedMediaType
request GET "/attest/SgxEnclave?$api"
maa_error 405 MethodNotAllowed
request GET "/no/such/path"
maa_error 404 NotFound
request POST "/attest/Tpm?$api" "$work/attest.json"
maa_error 400 InvalidOperation
head -c 70000 /dev/zero | tr '\0' 'a' >"$work/large"
request POST "/attest/SgxEnclave?$api" "$work/large"
maa_error 413 RequestEntityTooLarge

# ---- policies -------------------------------------------------------------------------------------

request GET "/policies/SgxEnclave?$api"
status 200 && check "$work/response" \
    'unb64url(json.loads(unb64url(c["x-ms-policy"].split(".")[1]))["AttestationPolicy"]).decode().startswith("version= 1.0;authorizationrules{=> permit();};")' \
    'c["exp"] - c["iat"] == 3600 and c["iss"] == "'"$base"'" and h["alg"] == "RS256"' \
    'b64url(sha256(b64url(unb64url(json.loads(unb64url(c["x-ms-policy"].split(".")[1]))["AttestationPolicy"])).encode())) == "'"$default_hash"'"'

# Policy management certificates: none (the instance is not Isolated), as a signed token.
request GET "/certificates?$api"
status 200 && check "$work/response" \
    'c["x-ms-policy-certificates"] == {"keys": []}' \
    'c["exp"] - c["iat"] == 3600 and c["iss"] == "'"$base"'" and h["alg"] == "RS256"'
request POST "/certificates:add?$api" "$work/attest.json"
maa_error 400 InvalidOperation

# policy_jws FILE TEXT: the unsigned policy JWS of TEXT, as the SDKs send it.
policy_jws() {
    python3 - "$1" "$2" <<'PY'
import base64, json, sys
def b64url(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
payload = json.dumps({"AttestationPolicy": b64url(sys.argv[2].encode())}).encode()
open(sys.argv[1], "w").write(b64url(b'{"alg":"none"}') + "." + b64url(payload) + ".")
PY
}
deny='version=1.0; authorizationrules{ => deny(); }; issuancerules{};'
policy_jws "$work/deny.jws" "$deny"
request PUT "/policies/SgxEnclave?$api" "$work/deny.jws" text/plain
status 200 && check "$work/response" 'c["x-ms-policy-result"] == "Updated"' \
    'c["x-ms-policy-token-hash"] == b64url(sha256(open("'"$work"'/deny.jws", "rb").read()))'
request GET "/policies/SgxEnclave?$api"
status 200 && check "$work/response" \
    'unb64url(json.loads(unb64url(c["x-ms-policy"].split(".")[1]))["AttestationPolicy"]).decode() == "'"$deny"'"'
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
maa_error 400 PolicyEvaluationError "A Deny claim was issued"
# The OpenEnclave policy is its own: still the default.
request POST "/attest/OpenEnclave?$api" "$work/oe.json"
status 200

# A plain-text policy with a claim of its own.
printf '%s' 'version=1.0; authorizationrules{ c:[type=="x-ms-sgx-product-id", value==5] => permit(); }; issuancerules{ c:[type=="x-ms-sgx-svn"] => issue(type="my-svn", value=c.value); };' >"$work/custom.txt"
request PUT "/policies/SgxEnclave?$api" "$work/custom.txt" text/plain
status 200
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
status 200 && check "$work/response" 'c["x-ms-policy"] == {"my-svn": 3} and c["my-svn"] == 3' \
    'c["x-ms-policy-hash"] == b64url(sha256(b64url(open("'"$work"'/custom.txt", "rb").read()).encode()))'

# A policy that permits release enclaves only refuses this debug enclave (maa-api.md §13).
printf '%s' 'version=1.0; authorizationrules{ [type=="x-ms-sgx-is-debuggable", value==false] => permit(); }; issuancerules{};' >"$work/release.txt"
request PUT "/policies/SgxEnclave?$api" "$work/release.txt" text/plain
status 200
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
maa_error 400 PolicyEvaluationError "A Deny claim was issued"

printf 'version=1.0; authorizationrules{ => permit() }; issuancerules{};' >"$work/broken.txt"
request PUT "/policies/SgxEnclave?$api" "$work/broken.txt" text/plain
maa_error 400 PolicyParsingError "line 1"
printf 'eyJhbGciOiJub25lIn0.e30.' >"$work/nopolicy.jws"
request PUT "/policies/SgxEnclave?$api" "$work/nopolicy.jws" text/plain
maa_error 400 InvalidOperation "AttestationPolicy"

printf 'eyJhbGciOiJub25lIn0..' >"$work/reset.jws"
request POST "/policies/SgxEnclave:reset?$api" "$work/reset.jws" text/plain
status 200 && check "$work/response" 'c["x-ms-policy-result"] == "Removed"' \
    'c["x-ms-policy-token-hash"] == b64url(sha256(b"eyJhbGciOiJub25lIn0.."))'
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
status 200 && check "$work/response" 'c["x-ms-policy-hash"] == "'"$default_hash"'"'
request GET "/policies/SevSnpVm?$api"
maa_error 400 InvalidOperation
stop

# ---- a restart: the same key; tokens issued before still verify -------------------------------------

start $common --dev --trust-software-tee-root "$root"
request GET /certs
status 200 && cp "$work/response" "$work/certs2.json"
verify_token "$work/token1.json" "$work/certs2.json" ||
    fail "a token issued before the restart does not verify against /certs after it"
# A policy change survives the restart too.
request PUT "/policies/SgxEnclave?$api" "$work/deny.jws" text/plain
status 200
stop
start $common --dev --trust-software-tee-root "$root"
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
maa_error 400 PolicyEvaluationError
request POST "/policies/SgxEnclave:reset?$api" "$work/reset.jws" text/plain
status 200
stop

# ---- the accepted TCB statuses, and the instance URL --------------------------------------------

start $common --dev --trust-software-tee-root "$root" --accept-tcb-status OutOfDate \
    --instance-url https://attest.example.test/
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
maa_error 400 InvalidParameter "its TCB status is UpToDate"
request GET /.well-known/openid-configuration
status 200 && check "$work/response" 'r["issuer"] == "https://attest.example.test"' \
    'r["jwks_uri"] == "https://attest.example.test/certs"'
request GET /certs
status 200 && cp "$work/response" "$work/certs3.json"
verify_token "$work/token1.json" "$work/certs3.json" ||
    fail "the signing key changed with the instance URL"
openssl x509 -inform DER -in "$work/signer.der" -noout -subject -nameopt RFC2253 >"$work/subject"
grep -qF "CN=https://attest.example.test" "$work/subject" ||
    fail "the certificate does not name the new instance URL: $(cat "$work/subject")"
stop

# ---- TLS ------------------------------------------------------------------------------------------

if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/tls.key" -out "$work/tls.crt" \
    -days 2 -subj "/CN=127.0.0.1" >/dev/null 2>&1; then
    start $common --tls-cert "$work/tls.crt" --tls-key "$work/tls.key"
    case "$base" in https://*) ;; *) fail "with TLS the instance is $base" ;; esac
    code=$(curl -s -k -o "$work/response" -w '%{http_code}' "$base/.well-known/openid-configuration")
    last="GET (TLS) /.well-known/openid-configuration"
    status 200 && check "$work/response" 'r["issuer"].startswith("https://")'
    stop
else
    fail "openssl cannot make a TLS certificate"
fi

# ---- production mode (from a config file) refuses software-TEE quotes ------------------------------

printf '# production\ncollateral = %s\nstate-dir = %s\nport = 0\n' "$work/collateral" \
    "$work/state" >"$work/attestd.conf"
start --config "$work/attestd.conf"
grep -q "dev mode" "$work/log" && fail "production mode says dev mode"
request POST "/attest/SgxEnclave?$api" "$work/attest.json"
maa_error 400 InvalidParameter "software TEE"
printf 'eyJhbGciOiJub25lIn0..' >"$work/reset.jws"
request POST "/policies/SgxEnclave:reset?$api" "$work/reset.jws" text/plain
maa_error 401 Unauthorized
stop

# ---- policy changes with an admin token -----------------------------------------------------------

printf 'admin-%s\n' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$work/admin.token"
chmod 600 "$work/admin.token"
admin=$(head -1 "$work/admin.token")
start $common --dev --admin-token-file "$work/admin.token"
request PUT "/policies/SgxEnclave?$api" "$work/deny.jws" text/plain
maa_error 401 Unauthorized "needs the administration bearer token"
extra="Authorization: Bearer ${admin}x"
request PUT "/policies/SgxEnclave?$api" "$work/deny.jws" text/plain
maa_error 401 Unauthorized
extra="Authorization: Basic ${admin}"
request POST "/policies/SgxEnclave:reset?$api" "$work/reset.jws" text/plain
maa_error 401 Unauthorized
extra="Authorization: Bearer ${admin}"
request PUT "/policies/SgxEnclave?$api" "$work/deny.jws" text/plain
status 200
extra="Authorization: bearer ${admin}"
request POST "/policies/SgxEnclave:reset?$api" "$work/reset.jws" text/plain
status 200
extra=
request GET "/policies/SgxEnclave?$api"
status 200
grep -qF "$admin" "$work/log" && fail "the admin token appears in the log"
stop

# ---- request bodies over the limit ------------------------------------------------------------------

start $common --dev --max-body-bytes 1024
head -c 3000 /dev/zero | tr '\0' 'a' >"$work/big.txt"
request POST "/attest/SgxEnclave?$api" "$work/big.txt"
maa_error 413 RequestEntityTooLarge "1024 bytes"
# Without a declared length (chunked), the body is read and then refused.
extra="Transfer-Encoding: chunked"
request POST "/attest/SgxEnclave?$api" "$work/big.txt"
maa_error 413 RequestEntityTooLarge "1024 bytes"
# A chunked body that goes on far past the limit is not read to its end: the connection closes.
head -c 200000 /dev/zero | tr '\0' 'a' >"$work/huge.txt"
request POST "/attest/SgxEnclave?$api" "$work/huge.txt"
[ "$code" = 000 ] || fail "a 200 KB chunked body past a 1 KiB limit was read to its end: HTTP $code"
extra=
# A body within the limit still reaches the handler.
printf '{"quote": "AAAA"}' >"$work/small.json"
request POST "/attest/SgxEnclave?$api" "$work/small.json"
maa_error 400 InvalidParameter
request GET /.well-known/openid-configuration
status 200
stop

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "cella-attestd end to end: all checks passed"
