#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/detect.sh: checks what `cella detect` reports on this machine and on a recorded one.
# Usage: detect.sh PATH_TO_CELLA
set -u

cella=${1:?usage: detect.sh PATH_TO_CELLA}
. "$(dirname "$0")/lib.sh"

# run EXPECTED_EXIT ARGS...: `cella detect ARGS...`
run() {
    expected=$1
    shift
    run_command "$expected" "$cella" detect "$@"
}

# What this machine offers cella's sandbox backend, found without cella: a secret memory
# page (memfd_secret, syscall 447 on x86-64) that can be mapped and written, and seccomp
# filter mode (a NULL filter gives EFAULT when filters exist, EINVAL when they do not).
python3 - >"$work/probe" <<'PY'
import ctypes, errno, mmap, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
memfd = "no"
fd = libc.syscall(447, 0)
if fd >= 0:
    try:
        os.ftruncate(fd, mmap.PAGESIZE)
        page = mmap.mmap(fd, mmap.PAGESIZE)
        page[0] = 0x5a
        page.close()
        memfd = "yes"
    except OSError:
        pass
    os.close(fd)
seccomp = "no"
pid = os.fork()
if pid == 0:
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                           ctypes.c_ulong]
    result = libc.prctl(22, 2, None, 0, 0)  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
    os._exit(0 if result != 0 and ctypes.get_errno() == errno.EFAULT else 1)
_, status = os.waitpid(pid, 0)
if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
    seccomp = "yes"
print(memfd, seccomp)
PY
read -r memfd_ok seccomp_ok <"$work/probe"
if [ "$memfd_ok" = yes ] && [ "$seccomp_ok" = yes ]; then
    sandbox_state=available
    sandbox_exit=0
else
    sandbox_state=unavailable
    sandbox_exit=5
fi
echo "independent probes: memfd_secret $memfd_ok, seccomp filters $seccomp_ok"

# ---- this machine -------------------------------------------------------------------------

"$cella" detect >"$work/out" 2>"$work/err"
status=$?
if ! grep -qw sgx /proc/cpuinfo && [ ! -e /dev/sgx_enclave ]; then
    # No SGX here: the exit code says so, and the software backends are still offered.
    case $status in
    1) has out "No SGX on this machine (exit 1)" ;;
    2 | 3) ;;
    *) fail "cella detect on a machine without SGX exited $status" ;;
    esac
    lacks out "SGX is ready"
    has out "SGX in the CPU: "
fi
has out "Backends"
has out "sandbox  $sandbox_state"
has out "sim      available: in-process, for debugging only: no isolation"
has out "sgx      planned: this version of cella does not ship the SGX hardware backend yet"
has out "kvm      planned"
has out "Verdict: "
has out "What to do"
[ -s "$work/err" ] && fail "cella detect wrote to stderr: $(cat "$work/err")"
if [ "$sandbox_state" = available ]; then
    has out "cella runs enclaves here with its sandbox backend"
    has out "memfd_secret (enclave memory outside the kernel's direct map): works"
else
    has out "cella's sandbox backend cannot run here"
fi
# Not a terminal: ASCII marks only.
has out "[ok]"
lacks out "✔"
machine_status=$status

# --ascii is accepted, and the exit code does not depend on the format.
run "$machine_status" --ascii
has out "[ok]"

# JSON: one document with every fact, check and backend.
run "$machine_status" --json
python3 -m json.tool "$work/out" >/dev/null || fail "--json output is not JSON"
python3 - "$work/out" "$machine_status" "$sandbox_state" <<'PY' || fail "--json has the wrong content"
import json, sys
document = json.load(open(sys.argv[1]))
assert document["exit_code"] == int(sys.argv[2]), document["exit_code"]
assert document["sgx_exit_code"] == document["exit_code"]
assert document["backend_query"] is None
assert document["exit_meaning"] and document["verdict"]
backends = {b["name"]: b for b in document["backends"]}
assert list(backends) == ["sandbox", "sim", "sgx", "kvm"], list(backends)
assert backends["sandbox"]["state"] == sys.argv[3], backends["sandbox"]
assert backends["sim"]["state"] == "available"
assert backends["sgx"]["state"] == "planned" and backends["kvm"]["state"] == "planned"
ids = [c["id"] for c in document["checks"]]
for needed in ["sgx.cpu", "sgx.sgx1", "sgx.flc", "sgx.epc", "dev.sgx_enclave",
               "dev.sgx_provision", "aesm.socket", "qcnl.config", "env.vm", "env.container",
               "tee.tdx", "tee.sev_snp", "cella.memfd_secret", "cella.seccomp", "cella.kvm"]:
    assert needed in ids, needed
assert len(ids) == len(set(ids)), "duplicate check ids"
for check in document["checks"]:
    assert set(check) == {"id", "section", "title", "level", "status", "detail", "remedy"}, check
    assert check["status"] in ("pass", "fail", "warn", "skip", "info"), check
    if check["status"] == "fail":
        assert check["remedy"], check
facts = document["facts"]
assert "/dev/sgx_enclave" in facts["nodes"] and "/dev/kvm" in facts["nodes"]
assert facts["cpu"]["cpuid_available"] is True
assert facts["cpu"]["cpuid_records"][0]["leaf"] == "0x0"
assert facts["qcnl"]["format"] in ("absent", "json", "legacy", "invalid", "unreadable")
PY

# --backend: the exit code answers for that backend.
run 0 --backend sim
has out "Backend sim: can run here (exit 0)."
run 0 --backend=sim --quiet
[ -s "$work/out" ] && fail "--quiet printed something"
run "$sandbox_exit" --backend sandbox -q
run 5 --backend sgx -q
run 5 --backend kvm
has out "Backend kvm: cannot run here: this version of cella does not ship it (exit 5)."
run 0 --backend sim --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["exit_code"] == 0 and d["backend_query"] == {"name": "sim", "exit_code": 0}, d["backend_query"]' "$work/out" ||
    fail "--backend sim --json does not say exit 0"

# Text that is not UTF-8 (here the AESM address; also paths, user names) stays valid JSON.
SGX_AESM_ADDR=$(printf 'aesm\377') "$cella" detect --json >"$work/out" 2>"$work/err"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["facts"]["aesm"]["addr"] == "aesm\ufffd", d["facts"]["aesm"]' "$work/out" ||
    fail "--json with a non-UTF-8 SGX_AESM_ADDR is not JSON with U+FFFD in its place"

# The CPUID values read can be recorded and replayed.
run 0 --dump-cpuid
cp "$work/out" "$work/this.cpuid"
has out "# leaf"
has out "0x00000000 0x00000000"
run "$machine_status" --cpuid-file "$work/this.cpuid" -q

# ---- a recorded Azure DC4s_v3 (SGX2, FLC, 16 GiB EPC) in a file tree ----------------------

tree=$work/azure
mkdir -p "$tree/dev" "$tree/etc" "$tree/proc/sys/kernel" "$tree/var/run/aesmd" \
    "$tree/sys/devices/system/node/node0/x86"
uid=$(id -u)
gid=$(id -g)
alice=$((uid + 1000))
printf 'root:x:%s:%s:root:/root:/bin/sh\nalice:x:%s:%s::/home/alice:/bin/sh\n' \
    "$uid" "$gid" "$alice" "$alice" >"$tree/etc/passwd"
printf 'sgx_prv:x:%s:\nalice:x:%s:\n' "$gid" "$alice" >"$tree/etc/group"
: >"$tree/dev/sgx_enclave"
chmod 0666 "$tree/dev/sgx_enclave"
: >"$tree/dev/sgx_provision"
chmod 0660 "$tree/dev/sgx_provision"
: >"$tree/var/run/aesmd/aesm.socket"
chmod 0777 "$tree/var/run/aesmd/aesm.socket"
echo 17179869184 >"$tree/sys/devices/system/node/node0/x86/sgx_total_bytes"
printf 'processor\t: 0\nflags\t\t: fpu sgx sgx_lc hypervisor\n' >"$tree/proc/cpuinfo"
echo 6.5.0-1025-azure >"$tree/proc/sys/kernel/osrelease"
cat >"$tree/etc/sgx_default_qcnl.conf" <<'EOF'
{
  // Azure: collateral from the THIM cache
  "pccs_url": "https://global.acccache.azure.net/sgx/certification/v4/",
  "use_secure_cert": true,
  "collateral_service": "https://api.trustedservices.intel.com/sgx/certification/v4/",
  "pccs_api_version": "3.1"
}
EOF
# Xeon Platinum 8370C (Ice Lake-SP) under Hyper-V; see tests/unit/host/platform.c.
cat >"$work/azure.cpuid" <<'EOF'
0x0        0x0 0x0000001b 0x756e6547 0x6c65746e 0x49656e69
0x1        0x0 0x000606a6 0x00000800 0x80000000 0x00000000
0x7        0x0 0x00000000 0x00000004 0x40000000 0x00000000
0x12       0x0 0x00000003 0x00000001 0x00000000 0x00002f1f
0x12       0x1 0x000000b6 0x00000000 0x000002e7 0x00000000
0x12       0x2 0x00000001 0x00000020 0x00000002 0x00000002
0x12       0x3 0x00000001 0x00000022 0x00000002 0x00000002
0x40000000 0x0 0x4000000b 0x7263694d 0x666f736f 0x76482074
EOF
args="--root $tree --cpuid-file $work/azure.cpuid"
# shellcheck disable=SC2086
run 0 $args
has out "SGX in the CPU: supported"
has out "SGX features: SGX1, SGX2, KSS, EXINFO"
has out "Enclave Page Cache (EPC): 16.0 GiB in 2 sections, confidentiality only"
has out "hypervisor \"Microsoft Hv\" (Hyper-V, e.g. Azure)"
has out "pccs_url: https://global.acccache.azure.net/sgx/certification/v4/ (Azure's PCCS cache, THIM)"
has out "16.0 GiB over 1 NUMA node"
has out "SGX is ready"
has out "sandbox  unknown: memfd_secret and seccomp filters were not probed (--root inspects files only)"
# shellcheck disable=SC2086
run 0 $args --json
python3 - "$work/out" <<'PY' || fail "--json of the Azure tree has the wrong content"
import json, sys
document = json.load(open(sys.argv[1]))
cpu = document["facts"]["cpu"]
assert document["exit_code"] == 0
assert cpu["hypervisor_vendor"] == "Microsoft Hv"
assert cpu["epc"]["total_bytes"] == 16 << 30
assert cpu["epc"]["confidentiality_only_bytes"] == 16 << 30
assert [s["base"] for s in cpu["epc"]["sections"]] == ["0x2000000000", "0x2200000000"]
assert cpu["features"]["sgx2"] and cpu["features"]["kss"] and not cpu["features"]["aex_notify"]
assert document["facts"]["nodes"]["/dev/sgx_enclave"]["stand_in"] is True
assert document["facts"]["qcnl"]["pccs_api_version"] == "3.1"
assert document["facts"]["kernel"]["sgx_total_bytes"] == 16 << 30
PY
# shellcheck disable=SC2086
run 5 $args --backend sandbox

# Alice is not in sgx_prv: in-process quoting is closed to her, AESM still works.
# shellcheck disable=SC2086
run 0 $args --user alice
has out "usermod -aG sgx_prv alice"
has out "SGX_AESM_ADDR=1"
rm "$tree/var/run/aesmd/aesm.socket"
# shellcheck disable=SC2086
run 4 $args --user alice
has out "DCAP quote generation: not possible"
# shellcheck disable=SC2086
run 64 $args --user mallory
has err "cella detect: --user mallory: no such user"

# A QCNL file with a missing comma is reported at its line and column.
cat >"$tree/etc/sgx_default_qcnl.conf" <<'EOF'
{
  "pccs_url": "https://global.acccache.azure.net/sgx/certification/v4/"
  "use_secure_cert": true
}
EOF
# shellcheck disable=SC2086
run 4 $args
has out "invalid: line 3, column 3: '}' expected near '\"use_secure_cert\"'"
has out "a ',' is probably missing after the value that ends at line 2"

# ---- usage ------------------------------------------------------------------------------------

run 0 --help
has out "Usage: cella detect"
has out "Exit codes:"
for code in "  0   SGX is ready" "  1   the CPU has no SGX" "  2   " "  3   " "  4   " \
    "  5   with --backend" "  64  usage error"; do
    has out "$code"
done
for option in --json --quiet --ascii --backend --user --root --cpuid-file --dump-cpuid \
    --explain-exit --help; do
    has out "$option"
done

# A user whose soft locked-memory limit is 0 but whose hard limit leaves room runs sandbox
# enclaves (cella-monitor raises the soft limit first): detect must probe the same way.
if [ "$sandbox_state" = available ] && [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    [ "$(ulimit -H -l)" != 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
        sh -c 'ulimit -S -l 0 && exec "$0" detect --backend sandbox' "$cella" \
        >"$work/out" 2>"$work/err"
    status=$?
    last="detect --backend sandbox, as nobody with a soft memlock limit of 0"
    [ "$status" = 0 ] || fail "with a soft memlock limit of 0, detect --backend sandbox exits $status"
    has out "[ok]  memfd_secret"
else
    echo "not run here: the soft-memlock probe needs root, setpriv and a sandbox-capable kernel"
fi

# Files under --root may be anything: endless ones are read only so far, in bounded memory.
zero_tree=$work/zero-tree
mkdir -p "$zero_tree/proc" "$zero_tree/etc"
for file in proc/cpuinfo etc/passwd etc/group; do ln -s /dev/zero "$zero_tree/$file"; done
# peak_kib ARGS...: runs ARGS (address space limited to 2 GiB) and prints its exit status and
# its peak resident memory in KiB.
peak_kib() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
with open("/dev/null", "w") as sink:
    status = subprocess.call(sys.argv[1:], stdout=sink, stderr=sink, preexec_fn=limit)
print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
set -- $(peak_kib "$cella" detect --root "$zero_tree" --user nobody)
last="detect --root (files that never end) --user nobody"
[ "$1" = 64 ] || fail "endless etc/passwd and etc/group: exit $1, expected 64 (no such user)"
[ "$2" -lt 204800 ] || fail "endless etc/passwd and etc/group: $2 KiB resident at the peak"
set -- $(peak_kib "$cella" detect --root "$zero_tree")
last="detect --root (files that never end)"
[ "$1" -le 5 ] || fail "an endless proc/cpuinfo: exit $1"
[ "$2" -lt 204800 ] || fail "an endless proc/cpuinfo: $2 KiB resident at the peak"

# Numbers in files and options are digits only: a sign is not one.
sign_tree=$work/sign-tree
for node in 0 1; do mkdir -p "$sign_tree/sys/devices/system/node/node$node/x86"; done
echo -1 >"$sign_tree/sys/devices/system/node/node0/x86/sgx_total_bytes"
echo 4096 >"$sign_tree/sys/devices/system/node/node1/x86/sgx_total_bytes"
"$cella" detect --root "$sign_tree" --json >"$work/out" 2>"$work/err"
python3 -c 'import json,sys; k=json.load(open(sys.argv[1]))["facts"]["kernel"]; assert (k["sgx_total_bytes"], k["sgx_numa_nodes"]) == (4096, 1), k' "$work/out" ||
    fail "a sysfs sgx_total_bytes of -1 was counted"
if [ "$(id -u)" = 0 ]; then
    # Another user's locked-memory limit is theirs, not this process's: not probed.
    "$cella" detect --user nobody >"$work/out" 2>"$work/err"
    last="detect --user nobody"
    has out "Locked-memory limit (secret memory is charged to it): not probed"
fi
run 64 --user -18446744073709551615
has err "no such user"
run 64 --user +0
has err "no such user"

run 64 --bogus
has err "cella detect: --bogus: unknown option; 'cella detect --help' shows the options"
[ -s "$work/out" ] && fail "a bad option printed to stdout"
run 64 extra
has err "cella detect: extra: unexpected argument"
run 64 --backend
has err "--backend: needs a backend name"
run 64 --backend gpu
has err "cella detect: --backend gpu: not a backend of cella"
run 64 --root "$work/no-such-dir"
has err "not a directory"
run 64 --cpuid-file "$work/no-such-file"
has err "cannot open the CPUID file"
printf '7 0 1 2 3\n' >"$work/short.cpuid"
run 64 --cpuid-file "$work/short.cpuid"
has err "short.cpuid:1:1: expected 6 hexadecimal numbers"

run 0 --explain-exit 3
has out "/dev/sgx_enclave"
run 0 --explain-exit="$machine_status"
[ -s "$work/out" ] || fail "--explain-exit $machine_status printed nothing"
run 64 --explain-exit 99
has err "not an exit code of cella detect"
run 64 --explain-exit x1

finish "cella detect"
