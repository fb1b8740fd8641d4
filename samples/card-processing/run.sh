#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# samples/card-processing/run.sh: the card-processing journey on one machine, every step
# checked: a software-TEE platform, an attestation service, the enclave attested, a card number
# processed without the host ever holding it, a restart on sealed keys, a scan of the host's
# memory, and a damaged state file refused. Prints the summary only when every step passed.
# Usage: run.sh [BUILD_DIR]   (the cella build tree; default: build)
#   CELLA, CELLA_ATTESTD and CARD_SAMPLE_DIR override where cella, cella-attestd and the
#   sample's programs are (e.g. an installed cella and a standalone build of this folder).
set -euo pipefail

build=${1:-build}
cella=${CELLA:-$build/tools/cella/cella}
attestd=${CELLA_ATTESTD:-$build/attestd/cella-attestd}
sample=${CARD_SAMPLE_DIR:-$build/samples/card-processing}
host=$sample/card_host
client=$sample/card_client
enclave=$sample/card.signed.so
card="4111 1111 1111 1111" # a test number: its Luhn check digit holds
mistyped="4111 1111 1111 1112"
digits=${card// /}

for program in "$cella" "$attestd" "$host" "$client"; do
  [ -x "$program" ] || { echo "run.sh: $program is missing: build cella first" >&2; exit 1; }
done
[ -f "$enclave" ] || { echo "run.sh: $enclave is missing: build cella first" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/card-processing.XXXXXX")
attestd_pid=
host_pid=
cleanup() {
  for pid in $host_pid $attestd_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# fail MESSAGE [LOG...]: the step failed; shows the end of the logs that say why.
fail() {
  echo "card-processing: FAILED: $1" >&2
  shift
  for log in "$@"; do
    [ -f "$log" ] && sed "s|^|  $(basename "$log"): |" "$log" | tail -20 >&2
  done
  exit 1
}

# wait_for LOG PID SED_SCRIPT: waits until SED_SCRIPT prints something from LOG (then prints
# it), while the process PID lives; up to 60 s.
wait_for() {
  local found=
  for _ in $(seq 1 600); do
    found=$(sed -n "$3" "$1")
    [ -n "$found" ] && { echo "$found"; return 0; }
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The platform: its secrets in this run's own directory (never the user's), as in a CI job.
export CELLA_STATE_DIR=$work/platform
unset CELLA_PLATFORM_SOCKET

# start_host LOG [OPTION...]: the card host on the state file, attested, serving on the socket.
start_host() {
  local log=$1
  shift
  "$host" --enclave "$enclave" --state "$work/card.state" --attest "$base" \
    --listen "$work/card.sock" "$@" >"$log" 2>&1 &
  host_pid=$!
  wait_for "$log" "$host_pid" 's/^card host: listening on .*/yes/p' >/dev/null ||
    fail "the card host did not start" "$log"
}

# stop_host LOG: SIGTERM; the host must destroy its enclave and exit 0 (no sanitizer report).
stop_host() {
  local status=0
  kill -TERM "$host_pid"
  wait "$host_pid" || status=$?
  host_pid=
  [ "$status" -eq 0 ] || fail "the card host did not stop cleanly (exit $status)" "$1"
  ! grep -q "Sanitizer" "$1" || fail "the card host's log has a sanitizer report" "$1"
}

# run_client NUMBER LOG [OPTION...]: the client sends NUMBER; prints its exit status.
run_client() {
  local number=$1 log=$2 status=0
  shift 2
  printf '%s\n' "$number" | "$client" --socket "$work/card.sock" --attest "$base" \
    --mrenclave "$mrenclave" --mrsigner "$mrsigner" --dev "$@" >"$log" 2>&1 || status=$?
  echo "$status"
}

# scan_memory PID NEEDLE...: reads every readable mapping of PID through /proc/PID/mem and
# prints how often the needles occur, the mappings and bytes read, and how often the same scan
# finds them in a process that does hold them (a child started for the purpose: the control).
scan_memory() {
  python3 - "$@" <<'PY'
import os, subprocess, sys

LIMIT = 1 << 30  # larger mappings are address space reserved by sanitizers, never data


def scan(pid, needles):
    keep = max(len(n) for n in needles) - 1
    hits = mappings = total = 0
    with open(f"/proc/{pid}/maps") as maps:
        lines = maps.read().splitlines()
    mem = os.open(f"/proc/{pid}/mem", os.O_RDONLY)
    try:
        for line in lines:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            name = fields[5] if len(fields) > 5 else ""
            if fields[1][0] != "r" or name.startswith("[vvar") or end - start > LIMIT:
                continue
            mappings += 1
            tail, at = b"", start
            while at < end:
                try:
                    chunk = os.pread(mem, min(1 << 20, end - at), at)
                except OSError:
                    break
                if not chunk:
                    break
                data = tail + chunk  # a needle across two chunks is found too
                hits += sum(data.count(n) for n in needles)
                tail = data[-keep:]
                total += len(chunk)
                at += len(chunk)
    finally:
        os.close(mem)
    return hits, mappings, total


pid, needles = int(sys.argv[1]), [n.encode() for n in sys.argv[2:]]
hits, mappings, total = scan(pid, needles)
holder = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()", *sys.argv[2:]],
                          stdin=subprocess.PIPE)
try:
    control, _, _ = scan(holder.pid, needles)
finally:
    holder.stdin.close()
    holder.wait()
print(hits, mappings, total, control)
PY
}

# ---- 1. the platform ----------------------------------------------------------------------------
"$cella" platform export --out "$work/collateral" >"$work/export.log" 2>&1 ||
  fail "cella platform export" "$work/export.log"
echo "1/8 platform: a software-TEE platform for this run, its root and collateral exported (cella platform export)"

# ---- 2. the attestation service -------------------------------------------------------------------
mkdir -m 700 "$work/attestd"
"$attestd" --dev --collateral "$work/collateral" \
  --trust-software-tee-root "$work/collateral/root-ca.pem" \
  --listen 127.0.0.1 --port 0 --state-dir "$work/attestd" >"$work/attestd.log" 2>&1 &
attestd_pid=$!
base=$(wait_for "$work/attestd.log" "$attestd_pid" \
  's/^cella-attestd: listening on \([^ ]*\) as .*/\1/p') ||
  fail "cella-attestd did not start" "$work/attestd.log"
[ -f "$work/attestd/attestd.db" ] || fail "cella-attestd made no database" "$work/attestd.log"
echo "2/8 attestation service: cella-attestd --dev at $base, trusting that platform (its keys and policies in attestd.db)"

# ---- 3. the enclave's identity ---------------------------------------------------------------------
dump=$("$cella" sign dump -enclave "$enclave") || fail "cella sign dump"
mrenclave=$(sed -n 's/^mrenclave: *//p' <<<"$dump")
mrsigner=$(sed -n 's/^mrsigner: *//p' <<<"$dump")
{ [ ${#mrenclave} -eq 64 ] && [ ${#mrsigner} -eq 64 ]; } || fail "cella sign dump shows no identity"
echo "3/8 enclave: card.signed.so is MRENCLAVE ${mrenclave:0:16}..., MRSIGNER ${mrsigner:0:16}... (cella sign dump): what the client will require"

# ---- 4. the host: keys, quote, token ---------------------------------------------------------------
start_host "$work/host1.log"
grep -q "first start: the enclave made its keys and sealed them" "$work/host1.log" ||
  fail "the host did not create the sealed state" "$work/host1.log"
[ -s "$work/card.state" ] || fail "no state file" "$work/host1.log"
token_size=$(sed -n 's/.*: a token of \([0-9]*\) bytes$/\1/p' "$work/host1.log")
[ -n "$token_size" ] || fail "the host got no token" "$work/host1.log"
# Remote attestation on its own: the same program prints a token (from a second enclave instance
# on the same sealed keys), and cella's own relying-party check accepts it.
"$host" --enclave "$enclave" --state "$work/card.state" --attest "$base" --print-token \
  >"$work/token.jwt" 2>"$work/print-token.log" || fail "card_host --print-token" "$work/print-token.log"
"$cella" token verify --jwks "$base/certs" --issuer "$base" --mrenclave "$mrenclave" \
  --mrsigner "$mrsigner" --allow-debug - <"$work/token.jwt" >"$work/token-verify.log" 2>&1 ||
  fail "cella token verify refuses the host's token" "$work/token-verify.log"
echo "4/8 host: the enclave made its keys and sealed them to card.state ($(wc -c <"$work/card.state") bytes); its quote binds SHA-256(public key); attested: a token of $token_size bytes (cella token verify accepts it)"

# ---- 5. the client ----------------------------------------------------------------------------------
[ "$(run_client "$card" "$work/client1.log")" -eq 0 ] || fail "the client failed" "$work/client1.log" "$work/host1.log"
grep -q "the token verifies" "$work/client1.log" || fail "the client did not verify the token" "$work/client1.log"
masked=$(sed -n 's/^masked: //p' "$work/client1.log")
token=$(sed -n 's/^token: //p' "$work/client1.log")
[ "$masked" = "**** **** **** ${digits: -4}" ] || fail "the masked number is '$masked'" "$work/client1.log"
[ ${#token} -eq 64 ] || fail "no token in the answer" "$work/client1.log"
# The host relayed the answer without reading it: neither the token nor the last digits show.
grep -q "the enclave answered with an encrypted masked number" "$work/host1.log" ||
  fail "the host did not relay the answer" "$work/host1.log"
! grep -q -e "$token" -e "\*\*\*\* ${digits: -4}" "$work/host1.log" ||
  fail "the host's log holds the token or the masked number" "$work/host1.log"
# A number with a wrong check digit is refused inside the enclave.
{ [ "$(run_client "$mistyped" "$work/client2.log")" -eq 2 ] &&
  grep -q "check digit" "$work/client2.log"; } || fail "a mistyped number was not refused" "$work/client2.log"
# A client that requires another enclave sends nothing.
{ [ "$(run_client "$card" "$work/client3.log" --mrenclave "$(printf '0%.0s' $(seq 64))")" -eq 1 ] &&
  grep -q "the token is refused" "$work/client3.log" &&
  ! grep -q "sent the card number" "$work/client3.log"; } ||
  fail "a client requiring another MRENCLAVE did not refuse the token" "$work/client3.log"
echo "5/8 client: token checked (signature, issuer, MRENCLAVE, MRSIGNER, key binding), card sent encrypted -> $masked, token ${token:0:16}... (a mistyped number and a wrong enclave are refused)"

# ---- 6. a restart: the same keys, unsealed --------------------------------------------------------
stop_host "$work/host1.log"
# The demo's memory scan (step 7) reads this host; the option lets it under Yama's ptrace_scope 1.
start_host "$work/host2.log" --allow-memory-inspection --client-timeout 2
grep -q "the enclave unsealed its keys from" "$work/host2.log" ||
  fail "the restarted host did not unseal its keys" "$work/host2.log"
# A client that trickles its request a byte at a time is dropped when its exchange's time is
# up (2 s here), however often it sends.
trickle=$(python3 - "$work/card.sock" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
start = time.monotonic()
s.settimeout(0.3)
request = bytes([0, 0, 0, 100]) + bytes(100)  # a frame of 100 bytes, sent one byte at a time
try:
    for byte in request:
        try:
            if s.recv(65536) == b"":
                break  # the host closed the connection
        except socket.timeout:
            pass
        s.send(bytes([byte]))
except (BrokenPipeError, ConnectionResetError):
    pass
print(f"{time.monotonic() - start:.1f}")
PY
) || fail "the trickling client did not run"
awk -v t="$trickle" 'BEGIN { exit !(t >= 1.5 && t < 10) }' ||
  fail "a client trickling bytes held the host for $trickle s (its exchange may take 2 s)" "$work/host2.log"
grep -q "a client took longer than 2 s for its exchange; dropped" "$work/host2.log" ||
  fail "the host did not say why it dropped the trickling client" "$work/host2.log"
[ "$(run_client "$card" "$work/client4.log")" -eq 0 ] || fail "the client failed after the restart" "$work/client4.log" "$work/host2.log"
token_again=$(sed -n 's/^token: //p' "$work/client4.log")
[ "$token_again" = "$token" ] || fail "the same card got another token after the restart: $token_again"
echo "6/8 restart: a new enclave instance unsealed the same keys from card.state; the same card gets the same token ${token:0:16}... (a client trickling its request was dropped after ${trickle} s)"

# ---- 7. the host's memory ----------------------------------------------------------------------------
read -r hits mappings bytes control < <(scan_memory "$host_pid" "$digits" "$card") ||
  fail "cannot scan the host's memory"
[ "$bytes" -gt 0 ] || fail "the scan read nothing of the host"
[ "$control" -gt 0 ] || fail "the scan does not find the number even in a process that holds it"
[ "$hits" -eq 0 ] || fail "plaintext found in the host: yes ($hits times)"
! grep -rqF --devices=skip -e "$digits" -e "$card" "$work" ||
  fail "the card number is in a file of this run: $(grep -rlF --devices=skip -e "$digits" -e "$card" "$work")"
echo "7/8 memory: plaintext found in the host: no ($mappings readable mappings of process $host_pid, $((bytes / 1024)) KiB read while it holds the enclave; the same scan finds it in a process that has it; nor in any file written)"
stop_host "$work/host2.log"

# ---- 8. a damaged state file ----------------------------------------------------------------------
cp "$work/card.state" "$work/damaged.state"
dd if=/dev/zero of="$work/damaged.state" bs=1 seek=570 count=16 conv=notrunc 2>/dev/null
cp "$work/damaged.state" "$work/damaged.before"
status=0
timeout 120 "$host" --enclave "$enclave" --state "$work/damaged.state" --attest "$base" \
  --listen "$work/damaged.sock" >"$work/host3.log" 2>&1 || status=$?
{ [ "$status" -eq 1 ] && grep -q "the enclave refuses its state: 0x3001" "$work/host3.log"; } ||
  fail "a damaged state file was not refused (exit $status)" "$work/host3.log"
cmp -s "$work/damaged.state" "$work/damaged.before" || fail "the damaged state file was replaced"
echo "8/8 damaged state: sixteen bytes zeroed and the enclave refuses card.state (SGX_ERROR_MAC_MISMATCH); the host stops and leaves the file as it is"

echo
echo "card-processing: all 8 steps passed"
echo "- The client checked the attestation token (cella-attestd's signature, the enclave's"
echo "  MRENCLAVE and MRSIGNER, the key its report binds) before it sent anything, and sent the"
echo "  card number encrypted to that key: only the enclave decrypted it."
echo "- The host relayed ciphertext both ways; it saw the result of each request, never the number, its masked form or its token."
echo "- The enclave's keys are sealed to its signer: the same card keeps its token across"
echo "  restarts, and a changed state file is refused, not replaced."
echo "- On this software TEE the enclave is protected from the host and other users, not from"
echo "  root or the kernel: see docs/security.md."
