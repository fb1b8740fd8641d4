#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/platform.sh: `cella platform export`: what it writes, and how it refuses.
# Usage: platform.sh PATH_TO_CELLA
set -u

cella=${1:?usage: platform.sh PATH_TO_CELLA}
. "$(dirname "$0")/lib.sh"

# run EXPECTED_EXIT ARGS...: `cella platform ARGS...`, with platform secrets of its own.
run() {
    expected=$1
    shift
    CELLA_STATE_DIR=$work/state run_command "$expected" "$cella" platform "$@"
}
mkdir -m 700 "$work/state"

run 0 export --out "$work/collateral"
for file in "$work"/collateral/*; do
    [ -s "$file" ] || fail "export wrote an empty $file"
done
[ -n "$(ls "$work/collateral")" ] || fail "export wrote nothing"

# A second export into the same folder needs --force.
run 1 export --out "$work/collateral"
has err "--force overwrites it"
run 0 export --out "$work/collateral" --force

# A folder that cannot be made: the reason, then the summary.
run 1 export --out "$work/no-such-dir/collateral"
has err "No such file or directory"
has err "cannot write the collateral to $work/no-such-dir/collateral (see above)"
lacks err "input/output error"

# Options: each once, with a value; nothing else.
run 2 export --out "$work/a" --out "$work/b"
has err "--out given twice"
run 2 export --state-dir "$work/state" --state-dir "$work/state" --out "$work/a"
has err "--state-dir given twice"
run 2 export --out
has err "needs a value"
run 2 export --bogus
has err "unknown option --bogus"
run 2 export --out "$work/a" extra
has err "unexpected argument extra"

finish "cella platform"
