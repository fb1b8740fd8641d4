#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Service mode with two users: cella-platformd runs as one, the application as another, and a
# third user outside the socket's group is refused. Needs root to create the users.
# Usage: service.sh TEST_PROGRAM SIGNED_ENCLAVE CELLA_PLATFORMD CELLA_ENCLAVE [VAULT VAULT_ENCLAVE
#                   [QUOTE_PROGRAM QUOTE_ENCLAVE CELLA]]
# (VAULT: samples/sealing's program and enclave, to seal through the service; QUOTE_PROGRAM:
# tests/enclave/quote's, to quote through the service and verify with the daemon's collateral,
# which CELLA, the cella command, exports.)
set -euo pipefail

program=$1 enclave=$2 platformd=$3 stub=$4 vault=${5:-} vault_enclave=${6:-}
quote_program=${7:-} quote_enclave=${8:-} cella=${9:-}
service_user=cella-test-service
app_user=cella-test-app

if [ "$(id -u)" != 0 ]; then
  echo "service_mode: not run: creating the test users needs root (CI runs as root)"
  exit 77
fi
for user in "$service_user" "$app_user"; do
  id -u "$user" >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
done
service_uid=$(id -u "$service_user")
# As with the unit in the repository: the socket belongs to the daemon's group, and the
# application's user is a member.
usermod -a -G "$service_user" "$app_user"

# Copies every user can reach: the build tree may sit under a private home directory.
dir=$(mktemp -d /tmp/cella-service.XXXXXX)
daemon=
cleanup() {
  # The test users are this test's own: nothing of theirs may outlive it.
  pkill -KILL -u "$app_user" 2>/dev/null || true
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  pkill -KILL -u "$service_user" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
chmod 755 "$dir"
cp "$program" "$dir/host"
cp "$enclave" "$dir/enclave.signed.so"
cp "$platformd" "$stub" "$dir/"
chmod 755 "$dir"/host "$dir"/enclave.signed.so "$dir"/cella-platformd "$dir"/cella-enclave
if [ -n "$vault" ]; then
  cp "$vault" "$dir/vault"
  cp "$vault_enclave" "$dir/vault.signed.so"
  chmod 755 "$dir/vault" "$dir/vault.signed.so"
fi
if [ -n "$quote_program" ]; then
  cp "$quote_program" "$dir/quote-host"
  cp "$quote_enclave" "$dir/quote.signed.so"
  cp "$cella" "$dir/cella"
  chmod 755 "$dir/quote-host" "$dir/quote.signed.so" "$dir/cella"
fi
# The daemon's runtime directory, as systemd's RuntimeDirectory= makes it.
install -d -o "$service_user" -g "$service_user" -m 755 "$dir/run"
socket=$dir/run/platform.sock
# Its state directory (StateDirectory=), where it keeps the platform secrets.
install -d -o "$service_user" -g "$service_user" -m 700 "$dir/state"

fail() {
  echo "service_mode: FAILED: $*" >&2
  echo "--- cella-platformd's log:" >&2
  cat "$dir/platformd.log" >&2 || true
  exit 1
}
# Waits (at most 30 s, a bound, not a timing check) until the command succeeds.
wait_for() {
  for _ in $(seq 300); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}
service_processes() { pgrep -u "$service_user" -x "$1" | wc -l; }
no_enclave_process() { [ "$(service_processes cella-enclave)" = 0 ]; }
as_app() {
  exec setpriv --reuid="$app_user" --regid="$app_user" --init-groups \
    env CELLA_PLATFORM_SOCKET="$socket" CELLA_TEST_SERVICE_UID="$service_uid" \
    CELLA_TEST_ENCLAVE="$dir/enclave.signed.so" "$@"
}

# The daemon, as its own user, with the unlimited locked-memory limit its unit sets where
# this machine allows raising it (a container may not: the test enclave fits the default);
# members of the daemon's group may use the socket.
raise=()
if prlimit --memlock=unlimited:unlimited true 2>/dev/null; then
  raise=(prlimit --memlock=unlimited:unlimited)
fi
"${raise[@]}" setpriv --reuid="$service_user" --regid="$service_user" --init-groups \
  "$dir/cella-platformd" --socket "$socket" --group "$service_user" --socket-mode 0660 \
  --state-dir "$dir/state" 2>"$dir/platformd.log" &
daemon=$!
# Ready once it says so: the socket file exists a moment before its mode and group are set.
daemon_listens() {
  kill -0 "$daemon" 2>/dev/null || fail "cella-platformd exited"
  grep -q "listening on" "$dir/platformd.log"
}
wait_for daemon_listens || fail "cella-platformd did not create $socket"
[ "$(stat -c '%a %G' "$socket")" = "660 $service_user" ] || fail "socket mode/group: $(stat -c '%a %G' "$socket")"
# The platform secrets were created at start, the service user's alone.
secrets=$dir/state/platform-secrets
[ "$(stat -c '%a %U %s' "$secrets")" = "600 $service_user 88" ] ||
  fail "platform secrets: $(stat -c '%a %U %s' "$secrets" 2>&1)"
grep -q "created $secrets" "$dir/platformd.log" || fail "the daemon did not say it created the secrets"
if setpriv --reuid="$app_user" --regid="$app_user" --init-groups cat "$secrets" >/dev/null 2>&1; then
  fail "the application user can read the platform secrets"
fi

echo "== the application user's tests"
(as_app "$dir/host" --service) || fail "the service-mode tests failed"

if [ -n "$vault" ]; then
  echo "== sealing through the service uses the daemon's platform secrets, not the user's"
  install -d -o "$app_user" -g "$app_user" -m 700 "$dir/app"
  (echo "4111 1111 1111 1234" | as_app env CELLA_STATE_DIR="$dir/app/state" \
    "$dir/vault" "$dir/vault.signed.so" seal "$dir/app/card") >/dev/null || fail "sealing through the service"
  (as_app "$dir/vault" "$dir/vault.signed.so" show "$dir/app/card") | grep -q "1234" ||
    fail "unsealing through the service"
  [ ! -e "$dir/app/state/platform-secrets" ] || fail "the application's own secrets were used"
  # The same blob under the application user's own (dev-mode) secrets does not open.
  (as_app env -u CELLA_PLATFORM_SOCKET CELLA_STATE_DIR="$dir/app/state" \
    "$dir/vault" "$dir/vault.signed.so" show "$dir/app/card") 2>"$dir/app.err" &&
    fail "a blob of the service opened under the user's own secrets"
  grep -q "0x3001" "$dir/app.err" || fail "not a MAC mismatch: $(cat "$dir/app.err")"
fi

if [ -n "$quote_program" ]; then
  echo "== quotes through the service verify with the collateral the daemon's user exports"
  # The application user can neither read the daemon's secrets nor even list its state.
  if setpriv --reuid="$app_user" --regid="$app_user" --init-groups ls "$dir/state" >/dev/null 2>&1; then
    fail "the application user can read the daemon's state directory"
  fi
  install -d -o "$service_user" -g "$service_user" -m 755 "$dir/collateral"
  setpriv --reuid="$service_user" --regid="$service_user" --init-groups \
    "$dir/cella" platform export --state-dir "$dir/state" --out "$dir/collateral/daemon" \
    >"$dir/export.out" 2>&1 || fail "cella platform export: $(cat "$dir/export.out")"
  grep -q "SOFTWARE-TEE root" "$dir/export.out" || fail "the export does not say it is a software-TEE root"
  # Exporting again does not overwrite without --force.
  if setpriv --reuid="$service_user" --regid="$service_user" --init-groups \
    "$dir/cella" platform export --state-dir "$dir/state" --out "$dir/collateral/daemon" \
    >/dev/null 2>&1; then
    fail "a second export overwrote the collateral without --force"
  fi
  install -d -o "$app_user" -g "$app_user" -m 700 "$dir/quote-app"
  (as_app env CELLA_STATE_DIR="$dir/quote-app/state" CELLA_TEST_QUOTE_ENCLAVE="$dir/quote.signed.so" \
    "$dir/quote-host" --service "$dir/collateral/daemon") || fail "quoting through the service"
fi

echo "== a host killed with SIGKILL leaves no enclave process"
hold() {  # a host that prints its enclave process and waits; as_app execs, so $! is the host
  (as_app "$dir/host" --service-hold) >"$dir/$1" &
}
first_line() { [ -s "$dir/$1" ] && head -n1 "$dir/$1"; }
hold hold1.out
holder=$!
wait_for first_line hold1.out >/dev/null || fail "the holding host did not start"
enclave_pid=$(first_line hold1.out)
[ "${enclave_pid:-0}" -gt 0 ] || fail "the holding host found no enclave process"
[ "$(stat -c %u "/proc/$enclave_pid")" = "$service_uid" ] || fail "the enclave process is not the service user's"
kill -9 "$holder"
wait "$holder" 2>/dev/null || true
wait_for no_enclave_process || fail "the enclave process $enclave_pid outlived its host"
[ "$(service_processes cella-platformd)" = 1 ] || fail "the daemon did not survive a host's death"

echo "== a user outside the socket's group is refused, with the reason"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
  env CELLA_PLATFORM_SOCKET="$socket" CELLA_TEST_ENCLAVE="$dir/enclave.signed.so" \
  "$dir/host" --service-refused || fail "the refusal was not clear (exit $?)"

echo "== one user cannot take every enclave of the daemon (--max-enclaves-per-user)"
install -d -o "$service_user" -g "$service_user" -m 755 "$dir/run2"
socket2=$dir/run2/platform.sock
"${raise[@]}" setpriv --reuid="$service_user" --regid="$service_user" --init-groups \
  "$dir/cella-platformd" --socket "$socket2" --group "$service_user" --socket-mode 0660 \
  --state-dir "$dir/state" --max-enclaves-per-user 1 2>"$dir/platformd2.log" &
daemon2=$!
daemon2_listens() { grep -q "listening on" "$dir/platformd2.log"; }
wait_for daemon2_listens || fail "the second cella-platformd did not start: $(cat "$dir/platformd2.log")"
main_socket=$socket
socket=$socket2
hold hold3.out
holder=$!
wait_for first_line hold3.out >/dev/null || fail "the holding host did not start on the limited daemon"
(as_app "$dir/host" --service-limited) || fail "a second enclave of the same user was not refused clearly"
grep -q "already has 1 enclave(s), the most one user may have" "$dir/platformd2.log" ||
  fail "the daemon did not log the refusal: $(cat "$dir/platformd2.log")"
kill -9 "$holder"
wait "$holder" 2>/dev/null || true
wait_for no_enclave_process || fail "the held enclave outlived its host"
hold hold4.out
holder=$!
wait_for first_line hold4.out >/dev/null || fail "the user's slot was not given back after its enclave ended"
kill -9 "$holder"
wait "$holder" 2>/dev/null || true
wait_for no_enclave_process || fail "the second held enclave outlived its host"
socket=$main_socket
kill "$daemon2"
wait "$daemon2" 2>/dev/null || true

echo "== stopping the daemon stops its enclaves and removes the socket"
hold hold2.out
holder=$!
wait_for first_line hold2.out >/dev/null || fail "the second holding host did not start"
kill -TERM "$daemon"
wait "$daemon" || fail "cella-platformd did not exit cleanly on SIGTERM"
daemon=
wait_for no_enclave_process || fail "an enclave process outlived the daemon"
[ ! -e "$socket" ] || fail "the socket is still there"
kill -9 "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
echo "service_mode: all checks passed"
