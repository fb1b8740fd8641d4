#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/guide/run-guide.sh: runs every command of the guide (docs/guide/*.md), in page order,
# so that the guide stays true of the code.
# Usage: run-guide.sh GUIDE_DIR BUILD_DIR CELLA CELLA_ATTESTD CMAKE C_COMPILER GENERATOR
#                     MAKE_PROGRAM
# The conventions of the pages (docs/guide/README.md): ```sh blocks are run; a fenced block
# right after a line `<!-- file: PATH -->` is written to PATH; every other block is shown only.
# In ```sh blocks a one-line command that starts with `!` must fail: bash's errexit ignores
# `!`, so the driver adds a check to such lines.
# BUILD_DIR is installed into a temporary prefix (CELLA_PREFIX) first, as tests/install does;
# CELLA and CELLA_ATTESTD come first on PATH. Everything runs in one shell, in one temporary
# folder (CELLA_STATE_DIR inside it), removed at exit. A failure names the page, the block's
# number in that page and the failing command.
set -u

usage="usage: run-guide.sh GUIDE_DIR BUILD_DIR CELLA CELLA_ATTESTD CMAKE CC GENERATOR MAKE"
[ $# -eq 8 ] || { echo "$usage" >&2; exit 2; }
guide=$1
build=$2
cella=$3
attestd=$4
cmake=$5
cc=$6
generator=$7
make_program=$8

work=$(mktemp -d "${TMPDIR:-/tmp}/cella-guide.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

# cmake --install writes install_manifest.txt into the build folder: keep it as it was.
manifest=$build/install_manifest.txt
[ -e "$manifest" ] && cp -p "$manifest" "$work/manifest.saved"
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1
status=$?
if [ -e "$work/manifest.saved" ]; then cp -p "$work/manifest.saved" "$manifest"; else rm -f "$manifest"; fi
if [ "$status" -ne 0 ]; then
    echo "FAIL: cmake --install $build --prefix $prefix" >&2
    sed 's/^/  | /' "$work/install.log" >&2
    exit 1
fi
echo "ok: installed $build into a temporary prefix"

# The driver: every page's blocks, in order, as one bash script. Before each block it records
# where the block comes from; the ERR trap reports that and the command that failed.
pages=$(find "$guide" -maxdepth 1 -name '[0-9][0-9]-*.md' | LC_ALL=C sort)
[ -n "$pages" ] || { echo "FAIL: no pages in $guide" >&2; exit 1; }
driver=$work/driver.sh
# shellcheck disable=SC2016 # the driver's lines are expanded by the driver
{
    echo 'set -eE -o pipefail'
    echo 'trap '\''echo "FAIL: $guide_where: the command failed: $BASH_COMMAND" >&2'\'' ERR'
    echo 'trap '\''kill $(jobs -p) 2>/dev/null || true'\'' EXIT'
    for page in $pages; do
        awk -v page="$(basename "$page")" '
            function quote(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
            BEGIN { block = 0; mode = ""; file = "" }
            mode == "" && /^<!-- file: .* -->$/ {
                file = $0; sub(/^<!-- file: /, "", file); sub(/ -->$/, "", file); next
            }
            mode == "" && /^```/ {
                block++
                where = page ", block " block
                if (file != "") {
                    mode = "file"
                    print "guide_where=" quote(where " (the file " file ")")
                    print "echo " quote("== " where ": writes " file)
                    print "cat >" quote(file) " <<\047GUIDE_FILE_END\047"
                } else if ($0 == "```sh") {
                    mode = "sh"
                    print "guide_where=" quote(where)
                    print "echo " quote("== " where)
                } else {
                    mode = "skip"
                }
                file = ""
                next
            }
            mode != "" && /^```$/ {
                if (mode == "file") print "GUIDE_FILE_END"
                mode = ""
                next
            }
            mode == "sh" && /^! / && !/\\$/ {
                print $0 " || { echo " quote("FAIL: " where ": this command must fail, and it succeeded: " substr($0, 3)) " >&2; exit 1; }"
                next
            }
            mode == "file" || mode == "sh" { print; next }
            mode == "" && NF > 0 { file = "" }
            END { if (mode != "") { print "echo \"FAIL: " page ": a block is not closed\" >&2; exit 1" } }
        ' "$page"
    done
    echo 'echo "guide: every command ran"'
} >"$driver"

mkdir "$work/reader" "$work/tools" || exit 1
ln -s "$cella" "$work/tools/cella"
ln -s "$attestd" "$work/tools/cella-attestd"
(
    cd "$work/reader" || exit 1
    export PATH="$work/tools:$prefix/bin:$PATH"
    export CELLA_PREFIX=$prefix
    export CELLA_STATE_DIR=$work/reader/cella-state
    export CMAKE_GENERATOR=$generator
    export CMAKE_MAKE_PROGRAM=$make_program
    export CC=$cc
    export LDFLAGS=${CELLA_TEST_LDFLAGS:-}
    unset CELLA_PLATFORM_SOCKET CELLA_BACKEND
    exec bash "$driver"
)
