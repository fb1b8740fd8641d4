#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/man.sh: checks that every man page renders without a warning and that every
# `cella` command, and every name the program answers to, has its page.
# Usage: man.sh SOURCE_DIR REDIRECT_DIR
#   SOURCE_DIR    the top of the source tree (man/ and tools/cella/main.c)
#   REDIRECT_DIR  where the build wrote the .so redirect pages (sgx_sign.1, ...)
set -u

source_dir=${1:?usage: man.sh SOURCE_DIR REDIRECT_DIR}
redirect_dir=${2:?usage: man.sh SOURCE_DIR REDIRECT_DIR}
man_dir=$source_dir/man
main_c=$source_dir/tools/cella/main.c
. "$(dirname "$0")/lib.sh"

if ! command -v groff >/dev/null 2>&1; then
    echo "FAIL: groff is not installed (Debian: groff-base; scripts/install-deps installs it)" >&2
    exit 1
fi

# Every page renders as man(1) renders it (tbl first), with every warning on, and prints none.
pages=0
for page in "$man_dir"/*.1; do
    [ -e "$page" ] || continue
    pages=$((pages + 1))
    name=$(basename "$page" .1)
    if ! LC_ALL=C groff -t -man -Tutf8 -ww -z "$page" >"$work/out" 2>&1; then
        fail "$name.1: groff failed"
    fi
    if [ -s "$work/out" ]; then
        fail "$name.1: groff warns:"
        sed 's/^/  /' "$work/out" >&2
    fi
    # The title line names the page: cella-sign.1 is .TH CELLA-SIGN 1.
    title=$(echo "$name" | tr '[:lower:]' '[:upper:]')
    grep -q "^\.TH $title 1 " "$page" || fail "$name.1: no '.TH $title 1' line"
    grep -q '^\.SH NAME$' "$page" || fail "$name.1: no NAME section"
    grep -q '^\.SH EXIT STATUS$' "$page" || fail "$name.1: no EXIT STATUS section"
done
[ "$pages" -gt 0 ] || fail "no man page in $man_dir"

# The commands of the dispatch table: the lines of `subcommands[] = { ... };` that start an
# entry, {"name", "summary", function}.
sed -n '/^static const struct subcommand subcommands\[\] = {$/,/^};$/p' "$main_c" |
    sed -n 's/^ *{"\([a-z0-9_-]*\)",.*/\1/p' >"$work/commands"
[ -s "$work/commands" ] || fail "found no command in the dispatch table of $main_c"
while read -r command; do
    [ -f "$man_dir/cella-$command.1" ] ||
        fail "cella $command has no man page: write man/cella-$command.1"
    grep -qF "cella\\-$command (1)" "$man_dir/cella.1" ||
        fail "cella.1 does not refer to cella-$command(1)"
done <"$work/commands"

# No page for a command that no longer exists.
for page in "$man_dir"/cella-*.1; do
    [ -e "$page" ] || continue
    command=$(basename "$page" .1)
    command=${command#cella-}
    grep -qx -- "$command" "$work/commands" || fail "man/cella-$command.1: no such command"
done

# The names main() answers to (sgx_sign, ...) have a redirect to an existing page.
sed -n 's/.*strcmp(base, "\([a-z0-9_]*\)").*/\1/p' "$main_c" >"$work/aliases"
[ -s "$work/aliases" ] || fail "found no program alias (strcmp(base, \"...\")) in $main_c"
while read -r alias; do
    redirect=$redirect_dir/$alias.1
    if [ ! -f "$redirect" ]; then
        fail "$alias has no man page: the build writes none at $redirect"
        continue
    fi
    target=$(sed -n 's/^\.so man1\/\([a-z0-9_-]*\.1\)$/\1/p' "$redirect")
    if [ -z "$target" ] || [ "$(wc -l <"$redirect")" -ne 1 ]; then
        fail "$alias.1 is not one '.so man1/PAGE.1' line"
    elif [ ! -f "$man_dir/$target" ]; then
        fail "$alias.1 redirects to $target, which man/ does not have"
    fi
done <"$work/aliases"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "ok: $pages pages, $(wc -l <"$work/commands") commands, $(wc -l <"$work/aliases") aliases"
