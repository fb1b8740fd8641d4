#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/token.sh: checks `cella token verify` on tokens and key sets made here with openssl.
# Usage: token.sh PATH_TO_CELLA
set -u

cella=${1:?usage: token.sh PATH_TO_CELLA}
. "$(dirname "$0")/lib.sh"

# run EXPECTED_EXIT ARGS...: runs `cella token ARGS...`, output in $work/out and $work/err.
run() {
    expected=$1
    shift
    last="cella token $*"
    "$cella" token "$@" >"$work/out" 2>"$work/err" </dev/null
    check_exit "$?" "$expected"
}

# run_stdin EXPECTED_EXIT FILE ARGS...: the same with FILE on standard input.
run_stdin() {
    expected=$1
    input=$2
    shift 2
    last="cella token $* < $(basename "$input")"
    "$cella" token "$@" >"$work/out" 2>"$work/err" <"$input"
    check_exit "$?" "$expected"
}

# field NAME VALUE: the text output has a line "NAME: VALUE" (any indentation and padding).
field() {
    grep -qE "^ *$1: +$2\$" "$work/out" || fail "'$last' has no line '$1: $2'"
}

# json PYTHON_EXPRESSIONS...: each expression is true of the JSON output, bound to `v`.
json() {
    python3 - "$work/out" "$@" <<'PY' || fail "JSON output of '$last' is wrong"
import json, sys
v = json.load(open(sys.argv[1]))
for expression in sys.argv[2:]:
    if not eval(expression):
        sys.exit("false: " + expression)
PY
}

issuer=https://attest.cella.test
now=1735689600 # 2025-01-01T00:00:00Z
mrenclave=a6b2098e5eea143d5ce22975aa9f4f36da9cd39bbd6664264fa522679da9eca0
mrsigner=83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e

# The service's key, its certificate, and the key set that publishes it (maa-api.md §6).
if ! openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=attest.cella.test" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1; then
    echo "FAIL: openssl cannot make the test key" >&2
    exit 1
fi
x5c=$(openssl x509 -in "$work/cert.pem" -outform DER | base64 | tr -d '\n')
printf '{"keys": [{"x5c": ["%s"], "kid": "kid-1", "kty": "RSA"}]}\n' "$x5c" >"$work/certs"

# claims [NAME=JSON_VALUE...]: a good token's claims, with changes.
claims() {
    python3 - "$issuer" "$now" "$mrenclave" "$mrsigner" "$@" <<'PY'
import json, sys
issuer, now, mrenclave, mrsigner = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = {"iss": issuer, "iat": now - 10, "nbf": now - 10, "exp": now - 10 + 28800,
     "x-ms-ver": "1.0", "x-ms-attestation-type": "sgx", "x-ms-sgx-mrenclave": mrenclave,
     "x-ms-sgx-mrsigner": mrsigner, "x-ms-sgx-product-id": 7, "x-ms-sgx-svn": 3,
     "x-ms-sgx-is-debuggable": False, "x-ms-sgx-ehd": "AQIDBA",
     "x-ms-cella-tcb-status": "UpToDate", "x-ms-cella-advisory-ids": [],
     "x-ms-cella-software-tee": False, "nonce": "n-42"}
for change in sys.argv[5:]:
    name, value = change.split("=", 1)
    c[name] = json.loads(value)
print(json.dumps(c, separators=(",", ":")))
PY
}

# make_token OUT CLAIMS [HEADER]: signs header.claims with the service's key (RS256).
make_token() {
    out=$1
    header=${3:-'{"alg":"RS256","jku":"https://attest.cella.test/certs","kid":"kid-1","typ":"JWT"}'}
    python3 - "$header" "$2" >"$work/signed" <<'PY'
import base64, sys
b = lambda text: base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
sys.stdout.write(b(sys.argv[1]) + "." + b(sys.argv[2]))
PY
    openssl dgst -sha256 -sign "$work/key.pem" -out "$work/signature" "$work/signed" ||
        fail "openssl cannot sign a test token"
    python3 - "$work/signed" "$work/signature" >"$out" <<'PY'
import base64, sys
signature = base64.urlsafe_b64encode(open(sys.argv[2], "rb").read()).rstrip(b"=").decode()
sys.stdout.write(open(sys.argv[1]).read() + "." + signature)
PY
}

make_token "$work/good" "$(claims)"
good=$(cat "$work/good")

# Usage.
run 2
has err "Usage: cella token"
run 0 --help
has out "Usage: cella token <command>"
has out "verify"
run 2 bogus
has err "cella token: unknown command 'bogus'"
run 0 verify --help
has out "Usage: cella token verify --jwks URL|FILE --issuer ISSUER"
run 2 verify --issuer "$issuer" "$good"
has err "cella token verify: no key set"
run 2 verify --jwks "$work/certs" "$good"
has err "cella token verify: no issuer"
run 2 verify --jwks "$work/certs" --issuer "$issuer"
has err "cella token verify: no token given"
run 2 verify --jwks "$work/certs" --issuer "$issuer" "$good" "$good"
has err "one token at a time"
run 2 verify --jwks "$work/certs" --issuer "$issuer" --bogus "$good"
has err "cella token verify: --bogus: unknown option"
run 2 verify --jwks "$work/certs" --issuer "$issuer" --mrenclave abc "$good"
has err "--mrenclave abc: not 64 hex digits"
run 2 verify --jwks "$work/certs" --issuer "$issuer" --min-svn 65536 "$good"
has err "--min-svn 65536: not a number from 0 to 65535"
run 2 verify --jwks "$work/certs" --issuer "$issuer" --product-id -1 "$good"
has err "--product-id -1"
run 2 verify --jwks "$work/certs" --issuer "$issuer" --skew 86401 "$good"
has err "--skew 86401"
run 2 verify --jwks "$work/certs" --issuer "$issuer" --at yesterday "$good"
has err "--at yesterday: not YYYY-MM-DDThh:mm:ssZ"
run 2 verify --jwks "$work/certs" --issuer "$issuer" --tcb-status uptodate "$good"
has err "--tcb-status uptodate: not a TCB status"
run 2 verify --jwks "$work/certs" --issuer "$issuer" "$good" --jwks
has err "--jwks needs a value"

# Success, with every requirement the token meets.
run 0 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" --mrenclave "$mrenclave" \
    --mrsigner "$(echo "$mrsigner" | tr a-f A-F)" --min-svn 3 --product-id 7 \
    --tcb-status SWHardeningNeeded --tcb-status UpToDate --require-hardware --nonce n-42 "$good"
field verdict verified
field verified yes
field kid kid-1
field verification_time 2025-01-01T00:00:00Z
field software_tee no
field x-ms-sgx-mrenclave "$mrenclave"
field x-ms-sgx-svn 3
field x-ms-sgx-is-debuggable no
field x-ms-cella-advisory-ids '\[\]'
has out "claims:"
[ -s "$work/err" ] && fail "a verified token printed on stderr: $(cat "$work/err")"

# From standard input, as the service's JSON answer, with JSON output and --at as a date.
printf '{"token": "%s"}\n' "$good" >"$work/answer.json"
run_stdin 0 "$work/answer.json" verify --jwks "$work/certs" --issuer "$issuer" \
    --at 2025-01-01T07:59:00Z --json -
json 'v["verdict"] == "verified"' 'v["verified"] is True' 'v["kid"] == "kid-1"' \
    'v["claims"]["x-ms-sgx-mrsigner"] == "'"$mrsigner"'"' 'v["claims"]["x-ms-sgx-svn"] == 3' \
    'v["software_tee"] is False' 'v["warnings"] == []' '"failure" not in v'
printf '\n  %s\n\n' "$good" >"$work/token.txt"
run_stdin 0 "$work/token.txt" verify --jwks "$work/certs" --issuer "$issuer" --at "$now" -

# Refusals: exit 1, the verdict on stdout, the reason on stderr, no claims.
run 1 verify --jwks "$work/certs" --issuer https://other.cella.test --at "$now" "$good"
field verdict refused
field failure issuer
field claim iss
has err "cella token verify: refused: issuer:"
grep -q "x-ms-sgx-mrenclave" "$work/out" && fail "a refused token's claims were printed"
run 1 verify --jwks "$work/certs" --issuer "$issuer" --at 2025-01-01T08:01:00Z --json "$good"
json 'v["verified"] is False' 'v["failure"] == "expired"' 'v["claim"] == "exp"' \
    '"claims" not in v'
run 1 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" --min-svn 4 "$good"
field failure claim-mismatch
field claim x-ms-sgx-svn
# Each byte of the signature matters.
tampered=$(echo "$good" | sed 's/.$/A/')
[ "$tampered" = "$good" ] && tampered=$(echo "$good" | sed 's/.$/B/')
run 1 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" "$tampered"
field verdict refused
# alg none, unsigned.
unsigned=$(python3 -c 'import base64, sys
b = lambda t: base64.urlsafe_b64encode(t.encode()).rstrip(b"=").decode()
print(b("{\"alg\":\"none\"}") + "." + b(sys.argv[1]) + ".")' "$(claims)")
run 1 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" "$unsigned"
field failure algorithm
# A debug enclave: refused by default, accepted with --allow-debug, with a warning.
make_token "$work/debug" "$(claims x-ms-sgx-is-debuggable=true)"
run 1 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" "$(cat "$work/debug")"
field claim x-ms-sgx-is-debuggable
run 0 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" --allow-debug \
    "$(cat "$work/debug")"
has out "warning: the enclave is a debug enclave"
# A dev-mode token of the software TEE: accepted with a warning, refused when hardware is
# required.
make_token "$work/software" "$(claims x-ms-cella-software-tee=true)"
run 0 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" "$(cat "$work/software")"
has out "warning: the enclave ran in cella's software TEE"
field software_tee yes
run 1 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" --require-hardware \
    "$(cat "$work/software")"
field failure software-tee-refused
# Another kid.
make_token "$work/other-kid" "$(claims)" '{"alg":"RS256","kid":"kid-2","typ":"JWT"}'
run 1 verify --jwks "$work/certs" --issuer "$issuer" --at "$now" "$(cat "$work/other-kid")"
field failure unknown-kid

# Key sets that cannot be read.
run 1 verify --jwks "$work/missing" --issuer "$issuer" "$good"
has err "cella token verify: cannot open $work/missing"
echo 'not json' >"$work/bad-certs"
run 1 verify --jwks "$work/bad-certs" --issuer "$issuer" "$good"
has err "key set: not JSON"
has err "not a usable JWK Set: invalid format"
run_stdin 1 "$work/certs" verify --jwks "$work/certs" --issuer "$issuer" -
has err "standard input: a JSON object without a \"token\" string"

# The key set over http, from a small server on this machine.
cat >"$work/server.py" <<'PY'
import functools, http.server, os, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
handler.func.log_message = lambda *args: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
PY
python3 "$work/server.py" "$work" "$work/port" &
server_pid=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ -s "$work/port" ]; then
    url="http://127.0.0.1:$(cat "$work/port")"
    export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
    run 0 verify --jwks "$url/certs" --issuer "$issuer" --at "$now" "$good"
    field verdict verified
    has out "warning: the key set came over plain http"
    run 1 verify --jwks "$url/nothing" --issuer "$issuer" --at "$now" "$good"
    has err "HTTP status 404"
    has err "cannot get the key set: not found"
else
    fail "the test HTTP server did not start"
fi

finish "cella token"
