# SPDX-License-Identifier: Apache-2.0
# tests/cli/lib.sh: what the CLI test scripts share; each sources it after `set -u`.
# It makes $work (removed on exit, with the process in $server_pid when one was started),
# counts failures, and checks output files. $last names the command that ran last.
work=$(mktemp -d) || exit 1
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
last="the last command"

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# check_exit STATUS EXPECTED: the last command ($last) ended with the expected status.
check_exit() {
    if [ "$1" -ne "$2" ]; then
        fail "$last: exit $1, expected $2"
        sed 's/^/  stdout: /' "$work/out" | head -40 >&2
        sed 's/^/  stderr: /' "$work/err" >&2
    fi
}

# run_command EXPECTED_EXIT PROGRAM ARGS...: stdout in $work/out, stderr in $work/err.
run_command() {
    expected=$1
    shift
    last="$*"
    "$@" >"$work/out" 2>"$work/err"
    check_exit "$?" "$expected"
}

# has FILE TEXT: $work/FILE contains the fixed text; lacks FILE TEXT: it does not.
has() {
    grep -qF -- "$2" "$work/$1" || fail "$1 of '$last' lacks '$2'"
}

lacks() {
    if grep -qF -- "$2" "$work/$1"; then
        fail "$1 of '$last' has '$2'"
    fi
}

# finish WHAT: the summary line, and the exit status.
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all $1 checks passed"
    exit 0
}
