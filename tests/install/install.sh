#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/install/install.sh: installs this build into a temporary prefix and builds against it.
# Usage: install.sh host|enclave BUILD_DIR PROJECT_DIR CELLA CMAKE C_COMPILER GENERATOR
#                   MAKE_PROGRAM LIBDIR
#   host     the installed layout; project/host_only.c built with find_package(cella), with
#            `pkg-config --cflags --libs cella-host`, and with -lsgx_urts
#   enclave  the whole project (EDL, enclave, signing, host) built with find_package(cella) and
#            run; then the same enclave and host built with cella-trusted.pc and cella-host.pc,
#            bridges from sgx_edger8r, signed with sgx_sign, and run. Skipped, and says so, when
#            `cella edger8r` does not work in BUILD_DIR.
# CELLA_TEST_LDFLAGS: extra link flags for host programs (the build type's sanitizers).
# Everything is made in one temporary folder, removed at exit; the install manifest cmake
# writes into BUILD_DIR is put back as it was.
set -u

mode=${1:?usage: install.sh host|enclave BUILD_DIR PROJECT_DIR CELLA CMAKE CC GENERATOR MAKE LIBDIR}
build=$2
project=$3
cella=$4
cmake=$5
cc=$6
generator=$7
make_program=$8
libdir=$9
ldflags=${CELLA_TEST_LDFLAGS:-}

case $mode in
host | enclave) ;;
*)
    echo "install.sh: unknown mode '$mode' (host or enclave)" >&2
    exit 2
    ;;
esac

# Before anything is installed: the enclave half needs the EDL compiler.
if [ "$mode" = enclave ] && ! "$cella" edger8r --help >/dev/null 2>&1; then
    echo "SKIPPED: the enclave half of the install test did not run: '$cella edger8r --help'" \
        "fails in this build tree (find_package project with an enclave, cella-trusted.pc)"
    exit 0
fi

work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

# step WHAT COMMAND...: runs COMMAND with its output in $work/log; a failure ends the test,
# since every later step builds on the earlier ones.
step() {
    what=$1
    shift
    if ! "$@" >"$work/log" 2>&1; then
        echo "FAIL: $what" >&2
        echo "  command: $*" >&2
        sed 's/^/  | /' "$work/log" >&2
        exit 1
    fi
    echo "ok: $what"
}

# expect_output WHAT TEXT PROGRAM ARGS...: PROGRAM must succeed and print TEXT.
expect_output() {
    what=$1
    text=$2
    shift 2
    step "$what" "$@"
    if ! grep -qF -- "$text" "$work/log"; then
        echo "FAIL: $what: the output lacks '$text'" >&2
        sed 's/^/  | /' "$work/log" >&2
        exit 1
    fi
    sed 's/^/  | /' "$work/log"
}

# cmake --install writes install_manifest.txt into the build folder; keep that folder as it was.
install_prefix() {
    manifest=$build/install_manifest.txt
    had_manifest=0
    if [ -e "$manifest" ]; then
        cp -p "$manifest" "$work/install_manifest.saved" || exit 1
        had_manifest=1
    fi
    "$cmake" --install "$build" --prefix "$prefix" >"$work/log" 2>&1
    status=$?
    if [ "$had_manifest" -eq 1 ]; then
        cp -p "$work/install_manifest.saved" "$manifest"
    else
        rm -f "$manifest"
    fi
    if [ "$status" -ne 0 ]; then
        echo "FAIL: cmake --install $build --prefix $prefix" >&2
        sed 's/^/  | /' "$work/log" >&2
        exit 1
    fi
    echo "ok: installed $build into a temporary prefix"
}

# configure_project BUILD_FOLDER ARGS...: the project, configured against the prefix only.
configure_project() {
    folder=$1
    shift
    step "find_package(cella) configures the project ($*)" \
        "$cmake" -S "$project" -B "$folder" -G "$generator" \
        -DCMAKE_MAKE_PROGRAM="$make_program" -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        -DCMAKE_EXE_LINKER_FLAGS="$ldflags" "$@"
    if ! grep -qx "cella_DIR:PATH=$prefix/$libdir/cmake/cella" "$folder/CMakeCache.txt"; then
        echo "FAIL: the project found a cella other than the one just installed:" >&2
        grep '^cella_DIR' "$folder/CMakeCache.txt" >&2
        exit 1
    fi
}

install_prefix
PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
export PKG_CONFIG_PATH

if [ "$mode" = host ]; then
    for file in bin/cella bin/sgx_sign bin/sgx_edger8r \
        "$libdir/libcella_host.a" "$libdir/libcella_image.a" "$libdir/libcella_common.a" \
        "$libdir/libsgx_urts.a" "$libdir/libcella_trts.a" "$libdir/libcella_tlibc.a" \
        include/sgx/sgx_urts.h include/sgx/sgx_trts.h include/sgx/sgx_tstdc.edl \
        include/cella/bridge.h include/cella/tlibc/stdio.h include/cella/tlibc/sys/types.h \
        "$libdir/cmake/cella/cellaConfig.cmake" "$libdir/cmake/cella/cellaConfigVersion.cmake" \
        "$libdir/cmake/cella/CellaEnclave.cmake" "$libdir/cmake/cella/CellaTrusted.cmake" \
        "$libdir/pkgconfig/cella-host.pc" "$libdir/pkgconfig/cella-trusted.pc"; do
        [ -e "$prefix/$file" ] || { echo "FAIL: the prefix lacks $file" >&2; exit 1; }
    done
    echo "ok: the prefix holds the programs, libraries, headers, CMake package and .pc files"
    # Relocatable, and nothing of this build is baked in: not its folders, not its compiler's.
    compiler_include=$("$cc" -print-file-name=include)
    source_dir=$(cd "$project/../../.." && pwd)
    if grep -rlF -e "$build" -e "$source_dir" -e "$compiler_include" \
        "$prefix/$libdir/cmake" "$prefix/$libdir/pkgconfig" >"$work/baked"; then
        echo "FAIL: installed package files name this build's folders or compiler:" >&2
        sed 's/^/  /' "$work/baked" >&2
        exit 1
    fi
    echo "ok: the package files name no folder of this build and not its compiler"

    configure_project "$work/build" -DHELLO_ENCLAVE=OFF
    step "the host-only project builds" "$cmake" --build "$work/build"
    expect_output "the find_package-built host program runs" "answered as expected" \
        "$work/build/host_only"

    # shellcheck disable=SC2046 # pkg-config output is a list of words
    step "a host program builds with pkg-config --cflags --libs cella-host" \
        "$cc" -o "$work/host_only_pc" "$project/host_only.c" \
        $(pkg-config --cflags --libs cella-host) $ldflags
    expect_output "the pkg-config-built host program runs" "answered as expected" \
        "$work/host_only_pc"

    # shellcheck disable=SC2046
    step "a host program links with -lsgx_urts" \
        "$cc" -o "$work/host_only_urts" "$project/host_only.c" \
        -I"$prefix/include" -I"$prefix/include/sgx" -L"$prefix/$libdir" -lsgx_urts \
        $(pkg-config --libs libcrypto expat jansson) -pthread $ldflags
    expect_output "the -lsgx_urts host program runs" "answered as expected" \
        "$work/host_only_urts"
    echo "install test (host): passed"
    exit 0
fi

step "openssl makes an RSA-3072 signing key with exponent 3" \
    openssl genrsa -3 -out "$work/private.pem" 3072

# 1. CMake: find_package(cella), cella_add_enclave(), cella_add_untrusted_bridge(), cella::host.
configure_project "$work/build" -DHELLO_KEY="$work/private.pem"
step "the project builds its enclave, signs it and builds its host" \
    "$cmake" --build "$work/build"
expect_output "the host runs the signed enclave" "hello: the enclave answered" \
    "$work/build/hello" "$work/build/hello_enclave.signed.so"

# 2. pkg-config, with the installed sgx_edger8r and sgx_sign.
pc=$work/pc
mkdir "$pc" || exit 1
step "sgx_edger8r generates both bridges" \
    "$prefix/bin/sgx_edger8r" "$project/Hello.edl" --search-path "$project" \
    --trusted-dir "$pc" --untrusted-dir "$pc"
trusted_cflags="$(pkg-config --cflags cella-trusted) -isystem $("$cc" -print-file-name=include)"
for source in "$project/enclave.c" "$pc/Hello_t.c"; do
    name=$(basename "$source" .c)
    # shellcheck disable=SC2086 # flag lists
    step "$name.c compiles with the cella-trusted flags" \
        "$cc" $trusted_cflags -I"$pc" -c "$source" -o "$pc/$name.o"
done
# shellcheck disable=SC2046
step "the enclave links with pkg-config --libs cella-trusted" \
    "$cc" -o "$pc/hello_enclave.so" "$pc/enclave.o" "$pc/Hello_t.o" \
    $(pkg-config --libs cella-trusted)
step "sgx_sign signs it" \
    "$prefix/bin/sgx_sign" sign -key "$work/private.pem" -enclave "$pc/hello_enclave.so" \
    -config "$project/Enclave.config.xml" -out "$pc/hello_enclave.signed.so"
# shellcheck disable=SC2046
step "the host builds with pkg-config --cflags --libs cella-host" \
    "$cc" -o "$pc/hello" -I"$pc" "$project/host.c" "$pc/Hello_u.c" \
    $(pkg-config --cflags --libs cella-host) $ldflags
expect_output "the pkg-config-built host runs the pkg-config-built enclave" \
    "hello: the enclave answered" "$pc/hello" "$pc/hello_enclave.signed.so"
echo "install test (enclave): passed"
