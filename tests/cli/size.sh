#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/size.sh: checks `cella size`: the footprint of the three inputs, the Azure VM size
# chosen, --instances and --headroom, the JSON output against the text, and the errors.
# Usage: size.sh PATH_TO_CELLA PATH_TO_UNSIGNED_TEST_ENCLAVE
set -u

cella=${1:?usage: size.sh PATH_TO_CELLA PATH_TO_ENCLAVE}
enclave=${2:?usage: size.sh PATH_TO_CELLA PATH_TO_ENCLAVE}
. "$(dirname "$0")/lib.sh"

# run EXPECTED_EXIT PROGRAM ARGS...
run() {
    run_command "$@"
}

# has_words FILE TEXT: like has, with the output's lines joined (the text wraps long lines).
has_words() {
    tr -s ' \n' '  ' <"$work/$1" | grep -qF -- "$2" || fail "$1 of the last command lacks '$2'"
}

# same WHAT ACTUAL EXPECTED
same() {
    [ "$2" = "$3" ] || fail "$1: '$2', expected '$3'"
}

# json FILE EXPRESSION: prints EXPRESSION over the JSON document d in FILE (fails if it does
# not parse).
json() {
    python3 -c 'import json, os, sys
d = json.load(open(sys.argv[1]))
value = eval(sys.argv[2])
print(json.dumps(value) if isinstance(value, (bool, type(None), dict, list)) else value)' "$1" "$2"
}

# From the text output in $work/out: the pages of a line's label; the chosen size of a family.
pages() {
    sed -n "s/^  $1 *\([0-9][0-9]*\) pages\{0,1\} .*/\1/p" "$work/out"
}
chosen() {
    sed -n "s|^  $1 *\([A-Za-z0-9_]*\).*|\1|p" "$work/out"
}
needed() {
    sed -n 's/.*(EPC needed: \([0-9]*\) bytes.*/\1/p' "$work/out"
}

# config FILE HEAP [STACK] [TCSNUM]
config() {
    cat >"$1" <<XML
<EnclaveConfiguration>
  <HeapMaxSize>$2</HeapMaxSize>
  <StackMaxSize>${3:-0x40000}</StackMaxSize>
  <TCSNum>${4:-1}</TCSNum>
</EnclaveConfiguration>
XML
}

openssl genrsa -3 -out "$work/key.pem" 3072 2>/dev/null || { echo "openssl genrsa failed"; exit 1; }
config "$work/small.xml" 0x10000 0x8000 2
SOURCE_DATE_EPOCH=1704153600 "$cella" sign sign -enclave "$enclave" -key "$work/key.pem" \
    -config "$work/small.xml" -out "$work/signed.so" >/dev/null 2>&1 || fail "cannot sign $enclave"

# Help.
run 0 "$cella" size --help
has out "Usage: cella size"
has out "--headroom FACTOR"
run 0 "$cella" --help
has out "size "

# ---- The three inputs --------------------------------------------------------------------

# A signed enclave: every part known, and the parts add up.
run 0 "$cella" size "$work/signed.so"
has out "(signed: the layout it was signed with)"
has out "virtual size (SECS.SIZE) 0x"
has_words out "cella does not"
has_words out "DCsv3/DCdsv3 in GiB of EPC, DCsv2 in MiB of EPC"
has_words out "guides often conflate"
lacks out "unknown"
signed_total=$(pages "total added")
[ -n "$signed_total" ] || fail "no 'total added' line for the signed enclave"
code=$(pages code)
ro=$(pages "data, read-only")
rw=$(pages "data, writable")
heap=$(pages heap)
threads=$(pages "threads (2 x one)")
one=$(pages "  one thread")
same "heap pages of a 0x10000 heap" "$heap" 16
same "stack pages of a 0x8000 stack" "$(pages "  stack")" 8
same "TCS pages" "$(pages "  TCS")" 1
same "SSA pages" "$(pages "  SSA")" 2
same "thread data pages" "$(pages "  thread data")" 1
same "threads" "$threads" $((one * 2))
same "total added" "$signed_total" $((code + ro + rw + heap + threads))
[ "$code" -ge 1 ] || fail "the test enclave has no code pages"
tls=$(pages "  TLS")
[ "$tls" -ge 1 ] || fail "the test enclave (with _Thread_local data) has no TLS pages"
same "guard pages" "$(pages "guard pages (not added)")" 3
cp "$work/out" "$work/signed.txt"

run 0 "$cella" size --json "$work/signed.so"
cp "$work/out" "$work/signed.json"
same "JSON of the signed enclave" "$(json "$work/signed.json" '[d["input"]["source"],
    d["footprint"]["total_added"]["pages"], d["footprint"]["total_added"]["bytes"],
    d["footprint"]["code"]["pages"], d["footprint"]["data_read_only"]["pages"],
    d["footprint"]["data_writable"]["pages"], d["footprint"]["heap"]["bytes"],
    d["footprint"]["per_thread"]["tls"]["pages"], d["footprint"]["per_thread"]["total"]["pages"],
    d["footprint"]["thread_count"], d["footprint"]["threads"]["pages"],
    d["footprint"]["complete"], d["guard"]["pages"], d["committed_at_load"],
    d["sizing"]["headroom"], d["sizing"]["instances"], d["sizing"]["footprint_bytes"],
    d["sizing"]["needed_bytes"]]')" \
    "[\"signed\", $signed_total, $((signed_total * 4096)), $code, $ro, $rw, 65536, $tls, $one, 2, \
$threads, true, 3, true, 1.25, 1, $((signed_total * 4096)), $((signed_total * 4096 * 5 / 4))]"
same "JSON recommendations for the signed enclave" "$(json "$work/signed.json" '[[r["family"],
    r["size"], r["disk_size"], r["epc_bytes"], r["fits"], r["has_headroom"], r["near_limit"],
    r["warnings"]] for r in d["recommendations"]]')" \
    '[["DCsv3/DCdsv3", "DC1s_v3", "DC1ds_v3", 4294967296, true, true, false, []], ["DCsv2", "DC1s_v2", null, 29360128, true, true, false, []]]'
virtual=$(json "$work/signed.json" 'd["virtual_size"]')
same "the virtual size is a power of two" $((virtual & (virtual - 1))) 0
[ "$virtual" -ge $(((signed_total + 3) * 4096)) ] || fail "virtual size $virtual below the layout"
grep -qF "virtual size (SECS.SIZE) $(printf '0x%x' "$virtual") bytes" "$work/signed.txt" ||
    fail "the text does not show the JSON's virtual size $virtual"
same "text and JSON EPC needed" "$(sed -n 's/.*(EPC needed: \([0-9]*\) bytes.*/\1/p' "$work/signed.txt")" \
    $((signed_total * 4096 * 5 / 4))

# The unsigned enclave with the same configuration: the same layout, before signing.
run 0 "$cella" size --enclave "$enclave" --config "$work/small.xml"
has out "(the layout signing would give it)"
same "unsigned total added" "$(pages "total added")" "$signed_total"
run 0 "$cella" size --json --enclave "$enclave" --config "$work/small.xml"
same "unsigned JSON source" "$(json "$work/out" '[d["input"]["source"], d["virtual_size"],
    d["footprint"] == json.load(open(os.path.join(os.path.dirname(sys.argv[1]), "signed.json")))["footprint"]]')" \
    "[\"unsigned\", $virtual, true]"
# The signed enclave with another configuration: what signing it again would give.
config "$work/bigger.xml" 0x20000 0x8000 3
run 0 "$cella" size --json --enclave "$work/signed.so" --config "$work/bigger.xml"
same "a re-laid-out heap and thread count" \
    "$(json "$work/out" '[d["footprint"]["heap"]["pages"], d["footprint"]["thread_count"]]')" \
    "[32, 3]"

# The configuration alone: code, data and TLS unknown, the rest as in the enclave.
run 0 "$cella" size --config "$work/small.xml"
has out "code, data and TLS are unknown without the enclave file"
has out "total added (at least)"
has out "virtual size (SECS.SIZE) unknown"
same "config-only code" "$(sed -n 's/^  code *//p' "$work/out")" "unknown (needs the enclave file)"
same "config-only heap" "$(pages heap)" "$heap"
same "config-only total" "$(pages "total added (at least)")" \
    $((signed_total - code - ro - rw - 2 * tls))
same "config-only guard pages" "$(pages "guard pages (not added)")" 3
run 0 "$cella" size --json --config "$work/small.xml"
same "config-only JSON" "$(json "$work/out" '[d["input"]["source"], d["footprint"]["code"],
    d["footprint"]["data_read_only"], d["footprint"]["data_writable"],
    d["footprint"]["per_thread"]["tls"], d["footprint"]["complete"], d["virtual_size"],
    d["footprint"]["per_thread"]["stack"]["pages"], d["footprint"]["total_added"]["pages"]]')" \
    "[\"config\", null, null, null, null, false, null, 8, $((signed_total - code - ro - rw - 2 * tls))]"

# ---- Choosing the size -------------------------------------------------------------------

# check_choice CONFIG ARGS...: runs the config-only form; sets total (the pages printed) and
# size (the DCsv3 size chosen).
check_choice() {
    file=$1
    shift
    run 0 "$cella" size --config "$file" "$@"
    total=$(pages "total added (at least)")
    size=$(chosen "DCsv3/DCdsv3")
}

# With one 0x40000 stack, one thread has 64 + 1 + 2 + 1 = 68 pages. 4 GiB / (4096 x 1.25) is
# 838860.8 pages, so 838860 - 68 = 838792 heap pages (0xCCC88000 bytes) are the most that
# fit a DC1s_v3 with the default headroom, and one page more needs a DC2s_v3.
config "$work/edge.xml" 0xCCC88000
config "$work/over.xml" 0xCCC89000
check_choice "$work/edge.xml"
same "the last heap that fits DC1s_v3" "$size" DC1s_v3
same "its total" "$total" 838860
same "its EPC needed" "$(needed)" 4294963200
check_choice "$work/over.xml"
same "one heap page more" "$size" DC2s_v3
same "its EPC needed" "$(needed)" 4294968320
# The same boundary computed from the numbers printed, for either side and other headrooms
# (in thousandths): the EPC needed is ceil(pages x 4096 x headroom).
for case in "edge.xml 1250" "over.xml 1250" "edge.xml 1200 --headroom 1.2" \
    "over.xml 1300 --headroom 1.3" "edge.xml 1255 --headroom=1.255"; do
    set -- $case
    file=$1
    headroom=$2
    shift 2
    check_choice "$work/$file" "$@"
    need=$(((total * 4096 * headroom + 999) / 1000))
    if [ "$need" -le $((4 << 30)) ]; then
        expected=DC1s_v3
    elif [ "$need" -le $((8 << 30)) ]; then
        expected=DC2s_v3
    else
        expected=bigger
    fi
    same "DCsv3 size for $case (total $total pages)" "$size" "$expected"
    same "EPC needed for $case" "$(needed)" "$need"
done

# --instances multiplies the footprint: two enclaves that each fit a DC1s_v3 need a DC2s_v3.
run 0 "$cella" size --config "$work/edge.xml" --instances 2
same "two instances" "$(chosen "DCsv3/DCdsv3")" DC2s_v3
has out "for 2 instances with 1.25x headroom"
same "two instances' EPC needed" "$(needed)" $((838860 * 4096 * 2 * 5 / 4))
run 0 "$cella" size --config "$work/small.xml" --instances 3 --json
same "JSON for 3 instances" "$(json "$work/out" '[d["sizing"]["instances"],
    d["sizing"]["footprint_bytes"] == 3 * d["footprint"]["total_added"]["bytes"]]')" "[3, true]"

# --headroom: 1.0 lets one page more than the edge fit a DC1s_v3; 3.2 GiB is 80% of 4 GiB,
# so no warning.
run 0 "$cella" size --config "$work/over.xml" --headroom 1.0
same "headroom 1.0" "$(chosen "DCsv3/DCdsv3")" DC1s_v3
lacks out "warning: DCsv3"
run 0 "$cella" size --config "$work/edge.xml" --headroom=2
same "headroom 2" "$(chosen "DCsv3/DCdsv3")" DC2s_v3
same "headroom 2's EPC needed" "$(needed)" $((838860 * 4096 * 2))
# A 3.8 GiB heap fits 4 GiB without headroom, but above 90% of it: a warning. With the
# default headroom it needs a DC2s_v3, without a warning.
config "$work/tight.xml" 0xF3000000
run 0 "$cella" size --config "$work/tight.xml" --headroom 1
same "a tight fit" "$(chosen "DCsv3/DCdsv3")" DC1s_v3
has_words out "warning: DCsv3/DCdsv3: the footprint"
has_words out "more than 90% of DC1s_v3's 4 GiB of EPC"
run 0 "$cella" size --json --config "$work/tight.xml" --headroom 1
same "JSON near limit" "$(json "$work/out" '[d["recommendations"][0]["near_limit"],
    len(d["recommendations"][0]["warnings"]), d["sizing"]["headroom"]]')" "[true, 1, 1.0]"
run 0 "$cella" size --config "$work/tight.xml"
same "a tight fit with headroom" "$(chosen "DCsv3/DCdsv3")" DC2s_v3
lacks out "warning: DCsv3"

# A 256 MiB heap is more than DC8_v2's 168 MiB of EPC: DCsv2 does not fit, DCsv3 does.
config "$work/big.xml" 0x10000000
run 0 "$cella" size --config "$work/big.xml"
same "256 MiB on DCsv3" "$(chosen "DCsv3/DCdsv3")" DC1s_v3
has out "DCsv2         none fits: the largest, DC8_v2, has 168 MiB of EPC (176160768 bytes)"
has_words out "warning: DCsv2: does not fit: the footprint"
has_words out "EPC paging would make the enclave very slow"
lacks out "warning: DCsv3"
run 0 "$cella" size --json --config "$work/big.xml"
cp "$work/out" "$work/big.json"
same "JSON for a 256 MiB heap" "$(json "$work/big.json" '([r["size"] for r in d["recommendations"]] +
    [r["fits"] for r in d["recommendations"]] +
    ["does not fit" in d["recommendations"][1]["warnings"][0], d["recommendations"][0]["warnings"]])')" \
    '["DC1s_v3", "DC8_v2", true, false, true, []]'
run 0 "$cella" size --config "$work/big.xml"
same "text and JSON for a 256 MiB heap" "$(json "$work/big.json" '[d["sizing"]["needed_bytes"],
    d["footprint"]["total_added"]["pages"], d["footprint"]["heap"]["pages"]]')" \
    "[$(needed), $(pages "total added (at least)"), $(pages heap)]"
# 150 MiB fits DC8_v2, but not with 1.25x headroom.
config "$work/150.xml" 0x9600000 0x1000
run 0 "$cella" size --config "$work/150.xml"
has out "DCsv2         DC8_v2: 168 MiB of EPC (176160768 bytes), without the headroom"
has_words out "warning: DCsv2: no size has 1.25x headroom"

# ---- Errors ------------------------------------------------------------------------------

run 1 "$cella" size "$work/missing.so"
has err "cella size: cannot open $work/missing.so"
run 1 "$cella" size --config "$work/missing.xml"
has err "cannot open $work/missing.xml"
run 1 "$cella" size "$enclave"
has err "is not signed; add --config Enclave.config.xml"
run 1 "$cella" size --enclave "$work/small.xml" --config "$work/small.xml"
has err "is not an enclave image"
printf '<EnclaveConfiguration><TCSNum>0</TCSNum></EnclaveConfiguration>' >"$work/bad.xml"
run 1 "$cella" size --config "$work/bad.xml"
has err "<TCSNum>"
has err "$work/bad.xml: invalid enclave configuration"
run 1 "$cella" size --enclave "$enclave" --config "$work/bad.xml"
has err "<TCSNum>"
config "$work/huge.xml" 0x1000000000
run 1 "$cella" size --config "$work/huge.xml"
has err "64 GiB"
run 1 "$cella" size --enclave "$enclave" --config "$work/huge.xml"
has err "cannot lay out"

run 2 "$cella" size
has err "no enclave and no configuration"
has err "Usage: cella size"
run 2 "$cella" size --frobnicate "$work/signed.so"
has err "unknown option: --frobnicate"
has err "Usage: cella size"
run 2 "$cella" size -x "$work/signed.so"
has err "unknown option: -x"
for bad in 0.99 11 10.0001 abc "" 1.2345 -1; do
    run 2 "$cella" size --headroom "$bad" "$work/signed.so"
    has err "--headroom: '$bad' is not a factor from 1.0 to 10"
done
run 2 "$cella" size "$work/signed.so" --headroom
has err "--headroom: '' is not a factor"
for bad in 0 -1 10001 2x ""; do
    run 2 "$cella" size --instances "$bad" "$work/signed.so"
    has err "--instances: '$bad' is not a whole number from 1 to 10000"
done
run 2 "$cella" size "$work/signed.so" "$work/signed.so"
has err "one enclave at a time"
run 2 "$cella" size --enclave "$work/signed.so" "$work/signed.so"
has err "the enclave is given twice"
run 2 "$cella" size --config "$work/small.xml" --config "$work/small.xml"
has err "given twice: --config"
run 2 "$cella" size --config
has err "needs a file name: --config"
run 2 "$cella" size --headroom 1.5 --headroom 1.5 "$work/signed.so"
has err "given twice: --headroom"
# The tables themselves.
run 0 "$cella" size --vm-sizes
has_words out "DC1s_v3 (or DC1ds_v3) 1 core 4 GiB of EPC (4294967296 bytes)"
has_words out "DC48s_v3 (or DC48ds_v3) 48 cores 256 GiB of EPC (274877906944 bytes)"
has_words out "DC8_v2 8 vCPUs 168 MiB of EPC (176160768 bytes)"
run 0 "$cella" size --vm-sizes --json
same "VM sizes JSON" "$(json "$work/out" '[[f["family"], len(f["sizes"]), f["sizes"][0]["size"],
    f["sizes"][0]["disk_size"], f["sizes"][-1]["cpus"], f["sizes"][-1]["epc_bytes"]] for f in d]')" \
    '[["DCsv3/DCdsv3", 8, "DC1s_v3", "DC1ds_v3", 48, 274877906944], ["DCsv2", 4, "DC1s_v2", null, 8, 176160768]]'
run 2 "$cella" size --vm-sizes "$work/signed.so"
has err "--vm-sizes takes no enclave, configuration or sizing option"
run 2 "$cella" size --vm-sizes --instances 2
has err "--vm-sizes takes no enclave"
# After --, an argument that starts with a dash is the enclave.
run 1 "$cella" size -- --json
has err "cannot open --json"

# Output that cannot be written is an error, not a silent success.
if [ -w /dev/full ]; then
    "$cella" size --vm-sizes >/dev/full 2>"$work/err"
    status=$?
    last="size --vm-sizes >/dev/full"
    [ "$status" = 1 ] || fail "writing to a full device: exit $status, expected 1"
    has err "writing the output"
fi

# A configuration file name that is not UTF-8 stays valid JSON (U+FFFD in its place).
odd_name=$work/$(printf 'config\377.xml')
printf '<EnclaveConfiguration><HeapMaxSize>0x100000</HeapMaxSize></EnclaveConfiguration>\n' \
    >"$odd_name"
run 0 "$cella" size --json --config "$odd_name"
same "a non-UTF-8 file name in JSON" "$(json "$work/out" 'd["input"]["config"].endswith("config\ufffd.xml")')" true

finish "cella size"
