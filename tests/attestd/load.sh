#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/attestd/load.sh: cella-attestd under a minute of load (wrk, load.lua) on 127.0.0.1: valid
# attestations of a real quote mixed with invalid ones (bad base64, other runtime data, a
# flipped quote byte, an oversized body, bad JSON) and GETs of /certs. Checks: the daemon
# stays up; every valid request gets 200 and no request gets a 5xx; every invalid one is
# refused (400, or 413 for the oversized body); its resident memory grows by at most
# RSS_GROWTH_MAX_KIB between the start and the end; it stops cleanly on SIGTERM after.
# Usage: load.sh [--quick] PATH_TO_CELLA_ATTESTD PATH_TO_CELLA PATH_TO_ATTESTD_QUOTE LOAD_LUA
# (--quick: 10 seconds instead of 60, for manual runs). Exits 77 ("not run") without wrk.
set -u

duration=60
if [ "${1:-}" = "--quick" ]; then
    duration=10
    shift
fi
attestd=${1:?usage: load.sh [--quick] CELLA_ATTESTD CELLA ATTESTD_QUOTE LOAD_LUA}
cella=${2:?usage: load.sh [--quick] CELLA_ATTESTD CELLA ATTESTD_QUOTE LOAD_LUA}
quote_tool=${3:?usage: load.sh [--quick] CELLA_ATTESTD CELLA ATTESTD_QUOTE LOAD_LUA}
script=${4:?usage: load.sh [--quick] CELLA_ATTESTD CELLA ATTESTD_QUOTE LOAD_LUA}
RSS_GROWTH_MAX_KIB=$((64 * 1024))
# wrk threads, one connection each (load.lua counts answers per request kind that way).
CONNECTIONS=4

if ! command -v wrk >/dev/null 2>&1; then
    echo "not run: wrk missing, run scripts/install-deps"
    exit 77
fi

work=$(mktemp -d) || exit 1
pid=
failures=0
trap 'if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# ---- the platform, a quote, the request bodies ------------------------------------------------

export CELLA_STATE_DIR="$work/platform"
if ! "$cella" platform export --out "$work/collateral" >"$work/export.log" 2>&1; then
    cat "$work/export.log" >&2
    echo "FAIL: cella platform export" >&2
    exit 1
fi
printf 'runtime data bound by the enclave' >"$work/data"
"$quote_tool" "$work/data" >"$work/quote.txt" || { echo "FAIL: no quote" >&2; exit 1; }
mkdir "$work/bodies"
python3 - "$work" <<'PY' || { echo "FAIL: cannot write the request bodies" >&2; exit 1; }
import base64, json, sys
work = sys.argv[1]
def b64url(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
text = open(work + "/quote.txt").read().strip()
quote = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
data = open(work + "/data", "rb").read()
def body(name, value):
    with open(work + "/bodies/" + name, "w") as f:
        f.write(value if isinstance(value, str) else json.dumps(value))
runtime = {"data": b64url(data), "dataType": "Binary"}
body("valid.json", {"quote": text, "runtimeData": runtime})
body("bad-base64.json", {"quote": "*" + text[1:200] + "%%", "runtimeData": runtime})
body("wrong-data.json", {"quote": text, "runtimeData": {"data": b64url(b"other data"), "dataType": "Binary"}})
# A byte of MRENCLAVE (the report body starts at 48, MRENCLAVE at 64 in it).
body("flipped.json", {"quote": b64url(quote[:112] + bytes([quote[112] ^ 1]) + quote[113:]), "runtimeData": runtime})
body("bad-json.json", '{"quote": "' + text[:100] + '", "runtimeData": {')
body("oversized.json", {"quote": text, "runtimeData": runtime, "padding": "a" * 70000})
PY

# ---- the daemon --------------------------------------------------------------------------------

mkdir -m 700 "$work/state"
"$attestd" --port 0 --state-dir "$work/state" --collateral "$work/collateral" --dev \
    --trust-software-tee-root "$work/collateral/root-ca.pem" --log-level warning \
    >"$work/log" 2>&1 &
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
    echo "FAIL: cella-attestd did not start" >&2
    exit 1
fi

# rss: the daemon's resident set in KiB (VmRSS), or nothing when it is gone.
rss() {
    sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null
}

# One valid attestation first: the quote and the set-up are right before the load starts.
code=$(curl -s -o "$work/first" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$work/bodies/valid.json" "$base/attest/SgxEnclave?api-version=2022-08-01")
if [ "$code" != 200 ]; then
    echo "FAIL: the valid request gets HTTP $code before the load: $(head -c 400 "$work/first")" >&2
    exit 1
fi
rss_start=$(rss)
echo "load: $duration s, $CONNECTIONS connections, against $base; VmRSS at start: $rss_start KiB"

# ---- the load ----------------------------------------------------------------------------------

wrk -t "$CONNECTIONS" -c "$CONNECTIONS" -d "${duration}s" --timeout 10s -s "$script" "$base" \
    -- "$work/bodies" >"$work/wrk.out" 2>&1 &
wrk_pid=$!
rss_max=$rss_start
alive=yes
while kill -0 "$wrk_pid" 2>/dev/null; do
    sleep 1
    now=$(rss)
    if [ -z "$now" ]; then
        alive=no
        break
    fi
    [ "$now" -gt "$rss_max" ] && rss_max=$now
done
wait "$wrk_pid"
wrk_status=$?
cat "$work/wrk.out"
rss_end=$(rss)
[ "$alive" = yes ] && [ -n "$rss_end" ] || fail "cella-attestd died under load"
[ "$wrk_status" -eq 0 ] || fail "wrk failed (exit $wrk_status)"

# ---- the checks --------------------------------------------------------------------------------

# The counts: "load: KIND STATUS COUNT" lines of load.lua's done().
counts=$(sed -n 's/^load: \([a-z-]*\) \([0-9a-z]*\) \([0-9]*\)$/\1 \2 \3/p' "$work/wrk.out")
[ -n "$counts" ] || fail "wrk printed no counts"
valid_ok=$(echo "$counts" | awk '$1 == "valid" && $2 == "200" { n += $3 } END { print n + 0 }')
[ "$valid_ok" -gt 0 ] || fail "no valid attestation succeeded under load"
echo "$counts" | while read -r kind status count; do
    case "$kind:$status" in
    valid:200 | certs:200) ;;
    bad-base64:400 | wrong-data:400 | flipped:400 | bad-json:400) ;;
    oversized:413 | oversized:none) ;; # refused before its body was read, then closed
    *) echo "$kind $status $count" ;;
    esac
done >"$work/unexpected"
if [ -s "$work/unexpected" ]; then
    fail "answers not expected under load (kind, status, count): $(tr '\n' ';' <"$work/unexpected")"
fi
grep -q ' 5[0-9][0-9] ' "$work/unexpected" && fail "5xx answers under load"
# wrk's own count of requests that got no answer within its --timeout.
timeouts=$(sed -n 's/.*Socket errors:.* timeout \([0-9]*\).*/\1/p' "$work/wrk.out")
[ "${timeouts:-0}" -eq 0 ] || fail "$timeouts requests timed out under load"

if [ -n "$rss_end" ]; then
    growth=$((rss_end - rss_start))
    echo "load: VmRSS start $rss_start KiB, end $rss_end KiB, max $rss_max KiB, growth $growth KiB" \
        "(at most $RSS_GROWTH_MAX_KIB)"
    [ "$growth" -le "$RSS_GROWTH_MAX_KIB" ] ||
        fail "VmRSS grew by $growth KiB under load (more than $RSS_GROWTH_MAX_KIB)"
fi

# ---- a clean stop ------------------------------------------------------------------------------

if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    stopped=no
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { stopped=yes; break; }
        sleep 0.1
    done
    if [ "$stopped" = yes ]; then
        wait "$pid"
        exit_status=$?
        pid=
        [ "$exit_status" -eq 0 ] || fail "cella-attestd did not stop cleanly (exit $exit_status)"
    else
        fail "cella-attestd did not stop within 10 s of SIGTERM"
    fi
fi
if grep -q "Sanitizer" "$work/log"; then
    fail "a sanitizer report in the daemon's log"
fi
if [ "$failures" -ne 0 ]; then
    sed 's/^/  log: /' "$work/log" | tail -40 >&2
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "cella-attestd under load: all checks passed"
