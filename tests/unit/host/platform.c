/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for host/platform.c: CPUID and QCNL parsing, facts from recorded machines, verdicts. */
#define _GNU_SOURCE

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "host/platform.h"

#define GIB (UINT64_C(1) << 30)

/*
 * Recorded CPUID values, in the --cpuid-file format. Only the bits the detector reads are
 * filled in; the rest of each register is zero unless noted. Where they come from:
 *
 * Azure DC4s_v3 (Xeon Platinum 8370C, Ice Lake-SP; reference platform.md 5.1): signature
 * 0x606a6 is family 6 model 0x6a stepping 6; the hypervisor bit and "Microsoft Hv" in leaf
 * 0x40000000 are what Hyper-V shows its guests; leaf 7 has SGX (EBX[2]) and SGX_LC
 * (ECX[30]); leaf 0x12.0 has SGX1+SGX2 (EAX[1:0]), EXINFO (EBX[0]), max enclave sizes 2^0x1f
 * (32-bit, as test-sgx prints) and 2^0x2f (64-bit, the 128 TiB enarx prints on a server);
 * leaf 0x12.1 allows DEBUG, MODE64BIT, PROVISIONKEY, EINITTOKENKEY and KSS (0xb6) and XFRM
 * 0x2e7 (x87, SSE, AVX, AVX-512, PKRU). The 16 GiB of EPC of a DC4s_v3 is given as two 8 GiB
 * sections of property 2 (confidentiality only, Ice Lake server) so that summing is
 * exercised; the base encoding follows platform.md section 1.
 */
static const char azure_dc4s_v3_cpuid[] =
    "# Azure DC4s_v3, Xeon Platinum 8370C\n"
    "0x0        0x0 0x0000001b 0x756e6547 0x6c65746e 0x49656e69  # GenuineIntel\n"
    "0x1        0x0 0x000606a6 0x00000800 0x80000000 0x00000000  # ECX[31]: hypervisor\n"
    "0x7        0x0 0x00000000 0x00000004 0x40000000 0x00000000  # SGX, SGX_LC\n"
    "0x12       0x0 0x00000003 0x00000001 0x00000000 0x00002f1f\n"
    "0x12       0x1 0x000000b6 0x00000000 0x000002e7 0x00000000\n"
    "0x12       0x2 0x00000001 0x00000020 0x00000002 0x00000002  # 8 GiB at 0x2000000000\n"
    "0x12       0x3 0x00000001 0x00000022 0x00000002 0x00000002  # 8 GiB at 0x2200000000\n"
    "0x40000000 0x0 0x4000000b 0x7263694d 0x666f736f 0x76482074  # \"Microsoft Hv\"\n";

/*
 * An SGX1 desktop without FLC (Skylake, family 6 model 0x5e stepping 3, signature 0x506e3):
 * SGX in leaf 7 but no SGX_LC, SGX1 only, max enclave sizes 2^0x1f and 2^0x24 (test-sgx's
 * "MaxEnclaveSize_Not64: 1f, MaxEnclaveSize_64: 24"), and one EPC section of 0x5d80000 bytes
 * (93.5 MiB, is-sgx-available's "EPC size: 0x5d80000") with integrity protection (property
 * 1) at 0x70200000. With the legacy /dev/isgx only, as the out-of-tree driver made it.
 */
static const char skylake_sgx1_cpuid[] =
    "0x0  0x0 0x00000016 0x756e6547 0x6c65746e 0x49656e69\n"
    "0x1  0x0 0x000506e3 0x00100800 0x7ffafbff 0xbfebfbff  # no hypervisor bit\n"
    "0x7  0x0 0x00000000 0x029c67af 0x00000000 0x00000000  # EBX[2] SGX, ECX[30] clear\n"
    "0x12 0x0 0x00000001 0x00000000 0x00000000 0x0000241f\n"
    "0x12 0x1 0x00000036 0x00000000 0x0000001f 0x00000000\n"
    "0x12 0x2 0x70200001 0x00000000 0x05d80001 0x00000000\n";

/*
 * A TDX guest (Sapphire Rapids, family 6 model 0x8f stepping 8, signature 0x806f8) under
 * KVM: no SGX in leaf 7 (TDX guests get none), "KVMKVMKVM" in leaf 0x40000000 (as this
 * project's CI machine reports it), and leaf 0x21 reading "IntelTDX    " (EBX, EDX, ECX).
 */
static const char tdx_guest_cpuid[] =
    "0x0        0x0 0x00000021 0x756e6547 0x6c65746e 0x49656e69\n"
    "0x1        0x0 0x000806f8 0x00000800 0x80000000 0x00000000\n"
    "0x7        0x0 0x00000000 0xf1bf2fab 0x1b415f5e 0x00000000  # EBX[2] clear\n"
    "0x21       0x0 0x00000000 0x65746e49 0x20202020 0x5844546c  # IntelTDX\n"
    "0x40000000 0x0 0x40000001 0x4b4d564b 0x564b4d56 0x0000004d  # KVMKVMKVM\n";

/*
 * SGX in the CPU but disabled in the firmware (Coffee Lake desktop, signature 0x906ea):
 * leaf 7 reports SGX and SGX_LC, and all of leaf 0x12 reads zero (not listed), which is what
 * test-sgx shows with SGX disabled in BIOS ("MaxEnclaveSize_64: 0").
 */
static const char firmware_disabled_cpuid[] =
    "0x0 0x0 0x00000016 0x756e6547 0x6c65746e 0x49656e69\n"
    "0x1 0x0 0x000906ea 0x00100800 0x7ffafbff 0xbfebfbff\n"
    "0x7 0x0 0x00000000 0x029c6fbf 0x40000000 0x00000000\n";

/* Azure's quote provider configuration, as Intel's Azure template writes it (comments too). */
static const char azure_qcnl[] =
    "{\n"
    "  // This is a typical config file when used in Microsoft Azure environment\n"
    "  \"pccs_url\": \"https://global.acccache.azure.net/sgx/certification/v4/\",\n"
    "  \"use_secure_cert\": true,\n"
    "  \"collateral_service\": \"https://api.trustedservices.intel.com/sgx/certification/v4/\",\n"
    "  \"pccs_api_version\": \"3.1\",\n"
    "  /* retries */ \"retry_times\": 6,\n"
    "  \"custom_request_options\": {\"get_cert\": {\"headers\": {\"metadata\": \"true\"}}}\n"
    "}\n";

/* The same mistake as once in Intel's own template: a comma missing at the end of line 2. */
static const char missing_comma_qcnl[] =
    "{\n"
    "  \"pccs_url\": \"https://localhost:8081/sgx/certification/v4/\"\n"
    "  \"use_secure_cert\": false\n"
    "}\n";

/* The KEY=VALUE format of older DCAP releases. */
static const char legacy_qcnl[] = "# PCCS server address\n"
                                  "PCCS_URL=https://localhost:8081/sgx/certification/v3/\n"
                                  "# To accept insecure HTTPS cert, set this option to FALSE\n"
                                  "USE_SECURE_CERT=FALSE\n";

/* ---- fixture: a file tree, accounts and probes ------------------------------------------- */

struct probes {
    int memfd_secret;
    const char *memfd_secret_step;
    int seccomp;
    int seccomp_mode;
    int open_device;
    int connect_socket;
    int connect_calls;
    const char *aesm_addr;
};

struct fixture {
    char root[PATH_MAX];
    uid_t file_uid; /* the owner of every file in the tree (this process) */
    gid_t file_gid; /* their group; etc/group names it sgx_prv */
    uid_t alice_uid;
    gid_t alice_gid;
    gid_t groups[4];
    cella_platform_cpuid_table_t cpuid;
    cella_platform_env_t env;
    struct probes probes;
    cella_platform_facts_t facts;
    cella_platform_report_t report;
};

/* path = the tree's root followed by file. */
static void tree_path(const struct fixture *f, const char *file, char path[PATH_MAX])
{
    int length = snprintf(path, PATH_MAX, "%s%s", f->root, file);
    assert_true(length > 0 && length < PATH_MAX);
}

static void make_parents(const char *path)
{
    char copy[PATH_MAX];
    assert_true(strlen(path) < sizeof(copy));
    memcpy(copy, path, strlen(path) + 1);
    for (char *slash = strchr(copy + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(copy, 0755) != 0)
            assert_int_equal(errno, EEXIST);
        *slash = '/';
    }
}

static void tree_write(const struct fixture *f, const char *file, mode_t mode, const char *text)
{
    char path[PATH_MAX];
    tree_path(f, file, path);
    make_parents(path);
    if (unlink(path) != 0)
        assert_int_equal(errno, ENOENT); /* a read-only file is replaced, not rewritten */
    FILE *stream = fopen(path, "wb");
    assert_non_null(stream);
    assert_int_equal(fwrite(text, 1, strlen(text), stream), strlen(text));
    assert_int_equal(fclose(stream), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void tree_remove(const struct fixture *f, const char *file)
{
    char path[PATH_MAX];
    tree_path(f, file, path);
    assert_int_equal(unlink(path), 0);
}

/* A real Unix socket (not a stand-in), so that the connect probe is asked. */
static void tree_socket(const struct fixture *f, const char *file)
{
    char path[PATH_MAX];
    tree_path(f, file, path);
    make_parents(path);
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    assert_true(strlen(path) < sizeof(address.sun_path));
    memcpy(address.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (const struct sockaddr *)&address, sizeof(address)), 0);
    close(fd);
    assert_int_equal(chmod(path, 0777), 0);
}

/* etc/passwd and etc/group: alice, and sgx_prv = the tree's group, alice listed or not. */
static void write_accounts(struct fixture *f, bool alice_listed_in_sgx_prv)
{
    char text[512];
    snprintf(text, sizeof(text),
             "root:x:%u:%u:root:/root:/bin/sh\n"
             "alice:x:%u:%u:Alice:/home/alice:/bin/sh\n",
             (unsigned)f->file_uid, (unsigned)f->file_gid, (unsigned)f->alice_uid,
             (unsigned)f->alice_gid);
    tree_write(f, "/etc/passwd", 0644, text);
    snprintf(text, sizeof(text), "sgx_prv:x:%u:%s\nalice:x:%u:\n", (unsigned)f->file_gid,
             alice_listed_in_sgx_prv ? "bob,alice" : "bob", (unsigned)f->alice_gid);
    tree_write(f, "/etc/group", 0644, text);
}

static int stub_memfd_secret(const char **step, void *context)
{
    struct probes *probes = context;
    *step = probes->memfd_secret_step;
    return probes->memfd_secret;
}

static int stub_seccomp(int *mode, void *context)
{
    struct probes *probes = context;
    *mode = probes->seccomp_mode;
    return probes->seccomp;
}

static int stub_open_device(const char *path, void *context)
{
    (void)path;
    struct probes *probes = context;
    return probes->open_device;
}

static int stub_connect_socket(const char *path, void *context)
{
    (void)path;
    struct probes *probes = context;
    probes->connect_calls++;
    return probes->connect_socket;
}

static const char *stub_getenv(const char *name, void *context)
{
    struct probes *probes = context;
    if (strcmp(name, "SGX_AESM_ADDR") == 0)
        return probes->aesm_addr;
    return NULL;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    const char *tmp = getenv("TMPDIR");
    int length = snprintf(f->root, sizeof(f->root), "%s/cella-platform-XXXXXX",
                          tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (length < 0 || (size_t)length >= sizeof(f->root) || mkdtemp(f->root) == NULL) {
        free(f);
        return -1;
    }
    f->file_uid = getuid();
    f->file_gid = getgid();
    /* A user that is neither root nor the tree's owner, and not in its group. */
    f->alice_uid = f->file_uid + 1000;
    f->alice_gid = f->file_gid + 1000;
    f->groups[0] = f->alice_gid;

    f->probes.memfd_secret = 0;
    f->probes.memfd_secret_step = "memfd_secret";
    f->probes.seccomp = 0;
    f->probes.seccomp_mode = 0;
    f->probes.open_device = 0;
    f->probes.connect_socket = 0;

    cella_platform_env_t *env = &f->env;
    memset(env, 0, sizeof(*env));
    env->root = f->root;
    env->fake_devices = true;
    env->uid = f->alice_uid;
    env->gid = f->alice_gid;
    env->groups = f->groups;
    env->group_count = 1;
    env->memfd_secret = stub_memfd_secret;
    env->seccomp = stub_seccomp;
    env->open_device = stub_open_device;
    env->connect_socket = stub_connect_socket;
    env->getenv = stub_getenv;
    env->probe_context = &f->probes;
    *state = f;
    return 0;
}

static int remove_entry(const char *path, const struct stat *info, int flag, struct FTW *ftw)
{
    (void)info;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    int result = nftw(f->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return result;
}

static void use_cpuid(struct fixture *f, const char *recording)
{
    cella_platform_parse_error_t error;
    assert_int_equal(
        cella_platform_parse_cpuid_records(recording, strlen(recording), &f->cpuid, &error),
        CELLA_OK);
    f->env.cpuid = cella_platform_get_recorded_cpuid;
    f->env.cpuid_context = &f->cpuid;
}

/* Alice joins sgx_prv for this session (the group is in her supplementary groups). */
static void alice_in_sgx_prv(struct fixture *f)
{
    f->groups[1] = f->file_gid;
    f->env.group_count = 2;
}

static void evaluate(struct fixture *f)
{
    assert_int_equal(cella_platform_get_facts(&f->env, &f->facts), CELLA_OK);
    cella_platform_get_report(&f->facts, &f->report);
}

static const cella_platform_check_t *check(const struct fixture *f, const char *id)
{
    const cella_platform_check_t *found = cella_platform_get_check(&f->report, id);
    if (found == NULL)
        fail_msg("no check %s in the report", id);
    return found;
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("'%s' does not contain '%s'", text, part);
}

static const cella_platform_backend_t *backend(const struct fixture *f,
                                               cella_platform_backend_id_t id)
{
    return &f->report.backends[id];
}

/* The Azure DC4s_v3 tree: in-kernel devices, sysfs, cpuinfo, AESM, the Azure QCNL file. */
static void build_azure_tree(struct fixture *f, bool alice_listed_in_sgx_prv)
{
    use_cpuid(f, azure_dc4s_v3_cpuid);
    write_accounts(f, alice_listed_in_sgx_prv);
    tree_write(f, "/dev/sgx_enclave", 0666, "");
    tree_write(f, "/dev/sgx_provision", 0660, "");
    tree_write(f, "/dev/sgx_vepc", 0600, "");
    tree_write(f, "/sys/devices/system/node/node0/x86/sgx_total_bytes", 0444, "17179869184\n");
    tree_write(f, "/proc/cpuinfo", 0444,
               "processor\t: 0\nvendor_id\t: GenuineIntel\n"
               "flags\t\t: fpu vme de pse sgx avx512f sgx_lc hypervisor\n\n"
               "processor\t: 1\nflags\t\t: fpu vme\n");
    tree_write(f, "/proc/sys/kernel/osrelease", 0444, "6.5.0-1025-azure\n");
    tree_write(f, "/var/run/aesmd/aesm.socket", 0777, "");
    tree_write(f, "/etc/aesmd.conf", 0644, "#proxy type = default\n");
    tree_write(f, "/etc/sgx_default_qcnl.conf", 0644, azure_qcnl);
}

/* ---- names and small functions ------------------------------------------------------------ */

static void every_exit_code_has_a_meaning_and_others_have_none(void **state)
{
    (void)state;
    static const int codes[] = {0, 1, 2, 3, 4, 5, 64, 70};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *meaning = cella_platform_exit_str(codes[i]);
        assert_non_null(meaning);
        assert_true(strlen(meaning) > 10);
    }
    assert_contains(cella_platform_exit_str(1), "no SGX");
    assert_contains(cella_platform_exit_str(3), "/dev/sgx_enclave");
    assert_null(cella_platform_exit_str(6));
    assert_null(cella_platform_exit_str(-1));
    assert_null(cella_platform_exit_str(63));
}

static void backend_names_resolve_and_unknown_names_do_not(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        cella_platform_backend_id_t id;
    } cases[] = {
        {"sandbox", CELLA_PLATFORM_BACKEND_SANDBOX},
        {"sim", CELLA_PLATFORM_BACKEND_SIM},
        {"sgx", CELLA_PLATFORM_BACKEND_SGX},
        {"kvm", CELLA_PLATFORM_BACKEND_KVM},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_platform_backend_id_t id = CELLA_PLATFORM_BACKEND_COUNT;
        assert_true(cella_platform_get_backend_id(cases[i].name, &id));
        assert_int_equal(id, cases[i].id);
    }
    cella_platform_backend_id_t id = CELLA_PLATFORM_BACKEND_COUNT;
    assert_false(cella_platform_get_backend_id("SGX", &id));
    assert_false(cella_platform_get_backend_id("", &id));
    assert_false(cella_platform_get_backend_id(NULL, &id));
    assert_false(cella_platform_get_backend_id("sim", NULL));
    assert_int_equal(id, CELLA_PLATFORM_BACKEND_COUNT);
}

static void status_section_and_state_names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(cella_platform_status_str(CELLA_PLATFORM_PASS), "pass");
    assert_string_equal(cella_platform_status_str(CELLA_PLATFORM_FAIL), "fail");
    assert_string_equal(cella_platform_status_str(CELLA_PLATFORM_WARN), "warn");
    assert_string_equal(cella_platform_status_str(CELLA_PLATFORM_SKIP), "skip");
    assert_string_equal(cella_platform_status_str(CELLA_PLATFORM_INFO), "info");
    assert_string_equal(cella_platform_backend_state_str(CELLA_PLATFORM_BACKEND_AVAILABLE),
                        "available");
    assert_string_equal(cella_platform_backend_state_str(CELLA_PLATFORM_BACKEND_UNAVAILABLE),
                        "unavailable");
    assert_string_equal(cella_platform_backend_state_str(CELLA_PLATFORM_BACKEND_PLANNED),
                        "planned");
    assert_string_equal(cella_platform_backend_state_str(CELLA_PLATFORM_BACKEND_UNKNOWN),
                        "unknown");
    for (int i = 0; i < CELLA_PLATFORM_SECTION_COUNT; i++)
        assert_true(strlen(cella_platform_section_str((cella_platform_section_t)i)) > 3);
    assert_string_equal(cella_platform_section_str(CELLA_PLATFORM_SECTION_HARDWARE),
                        "SGX hardware");
}

/* ---- CPUID recordings ---------------------------------------------------------------------- */

static void a_cpuid_recording_parses_with_comments_and_either_hex_spelling(void **state)
{
    (void)state;
    static const char text[] = "# a comment line\n"
                               "\n"
                               "0x7 0 0 0x4 40000000 0X0   # trailing comment\r\n"
                               "12 1 B6 0 2e7 0\n"
                               "0x40000000 0x0 0x0 0x7263694d 0x666f736f 0x76482074";
    cella_platform_cpuid_table_t table;
    cella_platform_parse_error_t error;
    assert_int_equal(cella_platform_parse_cpuid_records(text, sizeof(text) - 1, &table, &error),
                     CELLA_OK);
    assert_int_equal(table.record_count, 3);
    uint32_t regs[4];
    cella_platform_get_recorded_cpuid(7, 0, regs, &table);
    assert_int_equal(regs[1], 0x4);
    assert_int_equal(regs[2], 0x40000000);
    cella_platform_get_recorded_cpuid(0x12, 1, regs, &table);
    assert_int_equal(regs[0], 0xb6);
    assert_int_equal(regs[2], 0x2e7);
    cella_platform_get_recorded_cpuid(0x40000000, 0, regs, &table);
    assert_int_equal(regs[1], 0x7263694d);
}

static void leaves_not_recorded_read_as_zero(void **state)
{
    (void)state;
    cella_platform_cpuid_table_t table;
    assert_int_equal(cella_platform_parse_cpuid_records("7 0 1 2 3 4\n", 12, &table, NULL),
                     CELLA_OK);
    uint32_t regs[4] = {9, 9, 9, 9};
    cella_platform_get_recorded_cpuid(7, 1, regs, &table);
    assert_int_equal(regs[0] | regs[1] | regs[2] | regs[3], 0);
    regs[0] = 9;
    cella_platform_get_recorded_cpuid(0x12, 0, regs, NULL);
    assert_int_equal(regs[0], 0);
}

static void the_raw_output_of_cpuid_r_is_read_for_the_first_processor_only(void **state)
{
    (void)state;
    static const char text[] =
        "CPU 0:\n"
        "   0x00000000 0x00: eax=0x00000016 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
        "   0x00000007 0x00: eax=0x00000000 ebx=0x029c67af ecx=0x00000000 edx=0x00000000\n"
        "CPU 1:\n"
        "   0x00000000 0x00: eax=0x00000016 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n";
    cella_platform_cpuid_table_t table;
    cella_platform_parse_error_t error;
    assert_int_equal(cella_platform_parse_cpuid_records(text, sizeof(text) - 1, &table, &error),
                     CELLA_OK);
    assert_int_equal(table.record_count, 2);
    assert_int_equal(table.records[1].regs[1], 0x029c67af);
}

static void bad_cpuid_recordings_are_refused_with_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        int column;
        const char *message;
    } cases[] = {
        {"0x7 0 1 2 3\n", 1, 1, "expected 6 hexadecimal numbers"},
        {"0x7 0 1 2 3 4 5\n", 1, 15, "more than 6 numbers"},
        {"# ok\n7 0 1 zz 3 4\n", 2, 7, "'zz' is not a hexadecimal number"},
        {"7 0 1 123456789 3 4\n", 1, 7, "'123456789' is not a hexadecimal number"},
        {"7 0 1 2 3 4\n7 0 5 6 7 8\n", 2, 1, "listed twice (lines 1 and 2)"},
        {"7 0 eax=1 ebx=2 edx=3 edx=4\n", 1, 17, "expected ecx= here"},
        {"7 0 0x 2 3 4\n", 1, 5, "'0x' is not a hexadecimal number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_platform_cpuid_table_t table;
        table.record_count = 99;
        cella_platform_parse_error_t error;
        assert_int_equal(cella_platform_parse_cpuid_records(cases[i].text, strlen(cases[i].text),
                                                            &table, &error),
                         CELLA_ERR_INVALID_FORMAT);
        assert_int_equal(error.line, cases[i].line);
        assert_int_equal(error.column, cases[i].column);
        assert_contains(error.text, cases[i].message);
        assert_int_equal(table.record_count, 99); /* written only on success */
    }
}

static void cpuid_recordings_that_are_too_big_or_hold_nul_bytes_are_refused(void **state)
{
    (void)state;
    cella_platform_cpuid_table_t table;
    cella_platform_parse_error_t error;
    static const char with_nul[] = "7 0 1 2\0 3 4\n";
    assert_int_equal(
        cella_platform_parse_cpuid_records(with_nul, sizeof(with_nul) - 1, &table, &error),
        CELLA_ERR_INVALID_FORMAT);
    assert_contains(error.text, "NUL");

    char many[CELLA_PLATFORM_CPUID_RECORDS_MAX * 16 + 32];
    size_t used = 0;
    for (int i = 0; i <= CELLA_PLATFORM_CPUID_RECORDS_MAX; i++)
        used += (size_t)snprintf(many + used, sizeof(many) - used, "%x 0 0 0 0 0\n", i);
    assert_int_equal(cella_platform_parse_cpuid_records(many, used, &table, &error),
                     CELLA_ERR_INVALID_FORMAT);
    assert_contains(error.text, "more than 64 records");

    char *big = calloc(1, CELLA_PLATFORM_CPUID_FILE_MAX_BYTES + 1);
    assert_non_null(big);
    memset(big, ' ', CELLA_PLATFORM_CPUID_FILE_MAX_BYTES + 1);
    assert_int_equal(cella_platform_parse_cpuid_records(
                         big, CELLA_PLATFORM_CPUID_FILE_MAX_BYTES + 1, &table, &error),
                     CELLA_ERR_INVALID_FORMAT);
    free(big);

    assert_int_equal(cella_platform_parse_cpuid_records("7 0 1 2 3 4", 11, NULL, &error),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_platform_parse_cpuid_records(NULL, 4, &table, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_platform_parse_cpuid_records(NULL, 0, &table, NULL), CELLA_OK);
    assert_int_equal(table.record_count, 0);
}

/* ---- QCNL configuration -------------------------------------------------------------------- */

static void the_azure_qcnl_file_parses_as_json_with_its_comments(void **state)
{
    (void)state;
    cella_platform_qcnl_t qcnl;
    assert_int_equal(cella_platform_parse_qcnl(azure_qcnl, sizeof(azure_qcnl) - 1, &qcnl),
                     CELLA_OK);
    assert_int_equal(qcnl.format, CELLA_PLATFORM_QCNL_JSON);
    assert_int_equal(qcnl.pccs_url_state, CELLA_PLATFORM_SETTING_SET);
    assert_string_equal(qcnl.pccs_url, "https://global.acccache.azure.net/sgx/certification/v4/");
    assert_int_equal(qcnl.use_secure_cert_state, CELLA_PLATFORM_SETTING_SET);
    assert_true(qcnl.use_secure_cert);
    assert_string_equal(qcnl.collateral_service,
                        "https://api.trustedservices.intel.com/sgx/certification/v4/");
    assert_string_equal(qcnl.pccs_api_version, "3.1");
    assert_int_equal(qcnl.local_cache_only_state, CELLA_PLATFORM_SETTING_UNSET);
}

static void a_missing_comma_is_reported_at_its_line_and_column_with_a_hint(void **state)
{
    (void)state;
    cella_platform_qcnl_t qcnl;
    assert_int_equal(
        cella_platform_parse_qcnl(missing_comma_qcnl, sizeof(missing_comma_qcnl) - 1, &qcnl),
        CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(qcnl.format, CELLA_PLATFORM_QCNL_INVALID);
    /* The token after the missing comma starts at line 3, column 3. */
    assert_int_equal(qcnl.error.line, 3);
    assert_int_equal(qcnl.error.column, 3);
    assert_contains(qcnl.error.text, "'}' expected");
    assert_contains(qcnl.hint, "','");
    assert_contains(qcnl.hint, "missing");
    assert_contains(qcnl.hint, "line 2, column 60"); /* the closing quote */
}

static void json_mistakes_get_their_own_hints(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        const char *hint;
    } cases[] = {
        {"{\n \"pccs_url\": \"https://x/\",\n}\n", 3, "remove the ',' at line 2"},
        {"{ pccs_url: \"https://x/\" }", 1, "double quotes"},
        {"{ \"use_secure_cert\": False }", 1, "lower case"},
        {"{ \"pccs_url\": \"https://x/\"", 1, "ends too early"},
        {"{ \"pccs_url\" \"https://x/\" }", 1, "':' is missing"},
        {"{ \"pccs_url\": \"https://x/\" } }", 1, "after the closing"},
        {"{ \"pccs_url\": \"\xc3\" }", 1, "not valid UTF-8"},
        {"{\n/* never closed\n", 2, "closing */"},
        {"\xef\xbb\xbf{ \"pccs_url\": \"https://x/\" }", 1, "byte order mark"},
        {"[1, 2]", 1, "JSON object"},
        {"  // only a comment\n", 1, "JSON object"},
        {"just words\n", 1, "neither JSON nor KEY=VALUE"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_platform_qcnl_t qcnl;
        assert_int_equal(cella_platform_parse_qcnl(cases[i].text, strlen(cases[i].text), &qcnl),
                         CELLA_ERR_INVALID_FORMAT);
        assert_int_equal(qcnl.format, CELLA_PLATFORM_QCNL_INVALID);
        assert_int_equal(qcnl.error.line, cases[i].line);
        assert_contains(qcnl.hint, cases[i].hint);
    }
}

static void the_legacy_key_value_format_is_recognised(void **state)
{
    (void)state;
    cella_platform_qcnl_t qcnl;
    assert_int_equal(cella_platform_parse_qcnl(legacy_qcnl, sizeof(legacy_qcnl) - 1, &qcnl),
                     CELLA_OK);
    assert_int_equal(qcnl.format, CELLA_PLATFORM_QCNL_LEGACY);
    assert_string_equal(qcnl.pccs_url, "https://localhost:8081/sgx/certification/v3/");
    assert_int_equal(qcnl.use_secure_cert_state, CELLA_PLATFORM_SETTING_SET);
    assert_false(qcnl.use_secure_cert);
    assert_int_equal(qcnl.legacy_ignored_line, 0);

    static const char unknown_key[] =
        "PCS_URL=https://x/\nPCCS_URL = https://y/\nLOCAL_CACHE_ONLY=maybe\n";
    assert_int_equal(cella_platform_parse_qcnl(unknown_key, sizeof(unknown_key) - 1, &qcnl),
                     CELLA_OK);
    assert_int_equal(qcnl.format, CELLA_PLATFORM_QCNL_LEGACY);
    assert_int_equal(qcnl.legacy_ignored_line, 1);
    assert_string_equal(qcnl.legacy_ignored_key, "PCS_URL");
    assert_string_equal(qcnl.pccs_url, "https://y/"); /* white space goes, as in the reader */
    assert_int_equal(qcnl.local_cache_only_state, CELLA_PLATFORM_SETTING_WRONG_TYPE);
}

static void settings_of_the_wrong_type_are_reported_as_ignored(void **state)
{
    (void)state;
    static const char text[] =
        "{\"pccs_url\": 8081, \"use_secure_cert\": \"false\", \"pccs_api_version\": 3.1,"
        " \"local_cache_only\": true}";
    cella_platform_qcnl_t qcnl;
    assert_int_equal(cella_platform_parse_qcnl(text, sizeof(text) - 1, &qcnl), CELLA_OK);
    assert_int_equal(qcnl.pccs_url_state, CELLA_PLATFORM_SETTING_WRONG_TYPE);
    assert_int_equal(qcnl.use_secure_cert_state, CELLA_PLATFORM_SETTING_WRONG_TYPE);
    assert_true(qcnl.use_secure_cert); /* the quote provider keeps its default */
    assert_int_equal(qcnl.pccs_api_version_state, CELLA_PLATFORM_SETTING_WRONG_TYPE);
    assert_int_equal(qcnl.local_cache_only_state, CELLA_PLATFORM_SETTING_SET);
    assert_true(qcnl.local_cache_only);
}

static void qcnl_parsing_refuses_bad_arguments_and_huge_files(void **state)
{
    (void)state;
    cella_platform_qcnl_t qcnl;
    assert_int_equal(cella_platform_parse_qcnl("{}", 2, NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_platform_parse_qcnl(NULL, 2, &qcnl), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_platform_parse_qcnl(azure_qcnl, CELLA_PLATFORM_QCNL_MAX_BYTES + 1, &qcnl),
        CELLA_ERR_INVALID_FORMAT);
    assert_contains(qcnl.error.text, "at most");
    assert_int_equal(cella_platform_parse_qcnl("{}", 2, &qcnl), CELLA_OK);
    assert_int_equal(qcnl.pccs_url_state, CELLA_PLATFORM_SETTING_UNSET);
}

/* ---- (a) Azure DC4s_v3: SGX2 with FLC in a VM ------------------------------------------ */

static void an_azure_dc4s_v3_with_alice_in_sgx_prv_is_ready_for_enclaves_and_quotes(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    evaluate(f);

    const cella_platform_cpu_t *cpu = &f->facts.cpu;
    assert_string_equal(cpu->vendor, "GenuineIntel");
    assert_int_equal(cpu->family, 6);
    assert_int_equal(cpu->model, 0x6a);
    assert_int_equal(cpu->stepping, 6);
    assert_true(cpu->hypervisor);
    assert_string_equal(cpu->hypervisor_vendor, "Microsoft Hv");
    assert_true(cpu->sgx && cpu->sgx_lc && cpu->sgx1 && cpu->sgx2 && cpu->kss && cpu->exinfo);
    assert_false(cpu->aex_notify || cpu->edeccssa || cpu->enclv || cpu->enclsc || cpu->cet);
    assert_int_equal(cpu->max_enclave_size_32_log2, 0x1f);
    assert_int_equal(cpu->max_enclave_size_64_log2, 0x2f);
    assert_int_equal(cpu->attributes_valid, 0xb6);
    assert_int_equal(cpu->xfrm_valid, 0x2e7);
    assert_int_equal(cpu->epc_section_count, 2);
    assert_int_equal(cpu->epc_sections[0].base, UINT64_C(0x2000000000));
    assert_int_equal(cpu->epc_sections[1].base, UINT64_C(0x2200000000));
    assert_int_equal(cpu->epc_sections[0].size, 8 * GIB);
    assert_int_equal(cpu->epc_total_bytes, 16 * GIB);
    assert_int_equal(cpu->epc_confidentiality_only_bytes, 16 * GIB);
    assert_int_equal(cpu->epc_integrity_bytes, 0);

    const cella_platform_node_t *enclave = &f->facts.nodes[CELLA_PLATFORM_NODE_SGX_ENCLAVE];
    const cella_platform_node_t *provision = &f->facts.nodes[CELLA_PLATFORM_NODE_SGX_PROVISION];
    assert_true(enclave->present && enclave->stand_in && enclave->usable);
    assert_int_equal(enclave->open_errno, -1); /* stand-ins are never opened */
    assert_int_equal(provision->mode, 0660);
    assert_string_equal(provision->group_name, "sgx_prv");
    assert_int_equal(provision->access_class, CELLA_PLATFORM_ACCESS_AS_SUPPLEMENTARY);
    assert_true(provision->usable);
    assert_true(f->facts.cpuinfo_sgx && f->facts.cpuinfo_sgx_lc);
    assert_int_equal(f->facts.sgx_numa_node_count, 1);
    assert_int_equal(f->facts.sgx_total_bytes, 16 * GIB);
    assert_string_equal(f->facts.kernel_release, "6.5.0-1025-azure");
    assert_int_equal(f->facts.qcnl.format, CELLA_PLATFORM_QCNL_JSON);
    assert_string_equal(f->facts.user_name, "alice");

    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_READY);
    assert_int_equal(check(f, "sgx.epc")->status, CELLA_PLATFORM_PASS);
    assert_contains(check(f, "sgx.epc")->detail, "16.0 GiB in 2 sections, confidentiality only");
    assert_contains(check(f, "sgx.epc.section1")->detail, "section 1 at 0x2200000000");
    assert_contains(check(f, "sgx.max_enclave_size")->detail, "128 TiB in 64-bit mode");
    assert_contains(check(f, "sgx.max_enclave_size")->detail, "2 GiB in 32-bit mode");
    assert_contains(check(f, "env.vm")->detail, "Microsoft Hv");
    assert_contains(check(f, "env.vm")->detail, "Azure");
    assert_contains(check(f, "qcnl.pccs_url")->detail, "THIM");
    assert_int_equal(check(f, "attestation.quoting")->status, CELLA_PLATFORM_PASS);
    assert_int_equal(check(f, "sgx.kss")->status, CELLA_PLATFORM_PASS);
    assert_int_equal(check(f, "sgx.aex_notify")->status, CELLA_PLATFORM_INFO);

    for (size_t i = 0; i < f->report.check_count; i++) {
        if (f->report.checks[i].status == CELLA_PLATFORM_FAIL)
            fail_msg("check %s failed: %s", f->report.checks[i].id, f->report.checks[i].detail);
    }
    assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->state,
                     CELLA_PLATFORM_BACKEND_AVAILABLE);
    assert_true(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->machine_ready);
    assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SIM)->state,
                     CELLA_PLATFORM_BACKEND_AVAILABLE);
    assert_contains(backend(f, CELLA_PLATFORM_BACKEND_SIM)->detail, "no isolation");
    assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SGX)->state, CELLA_PLATFORM_BACKEND_PLANNED);
    assert_true(backend(f, CELLA_PLATFORM_BACKEND_SGX)->machine_ready);
    assert_contains(backend(f, CELLA_PLATFORM_BACKEND_SGX)->detail, "does not ship");
    assert_false(backend(f, CELLA_PLATFORM_BACKEND_KVM)->machine_ready);
    assert_int_equal(cella_platform_get_backend_exit_code(&f->report, CELLA_PLATFORM_BACKEND_SIM),
                     CELLA_PLATFORM_EXIT_READY);
    assert_int_equal(cella_platform_get_backend_exit_code(&f->report, CELLA_PLATFORM_BACKEND_SGX),
                     CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE);
    assert_contains(f->report.verdict, "SGX is ready");
}

static void without_sgx_prv_alice_is_told_to_join_it_and_quotes_go_through_aesm(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, false);
    evaluate(f);

    const cella_platform_node_t *provision = &f->facts.nodes[CELLA_PLATFORM_NODE_SGX_PROVISION];
    assert_int_equal(provision->access_class, CELLA_PLATFORM_ACCESS_AS_OTHER);
    assert_false(provision->usable);
    assert_false(provision->group_lists_user);
    const cella_platform_check_t *device = check(f, "dev.sgx_provision");
    assert_int_equal(device->status, CELLA_PLATFORM_WARN);
    assert_contains(device->detail, "-rw-rw---- root:sgx_prv (a regular file standing in");
    assert_contains(device->remedy, "usermod -aG sgx_prv alice");

    /* AESM is there, so quotes can be made, but not in process as SGX_AESM_ADDR asks. */
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_READY);
    const cella_platform_check_t *quoting = check(f, "attestation.quoting");
    assert_int_equal(quoting->status, CELLA_PLATFORM_WARN);
    assert_contains(quoting->remedy, "SGX_AESM_ADDR=1");

    f->probes.aesm_addr = "1";
    evaluate(f);
    assert_int_equal(check(f, "attestation.quoting")->status, CELLA_PLATFORM_PASS);
    assert_contains(check(f, "aesm.addr")->detail, "out of process");
}

static void without_sgx_prv_or_aesm_no_quote_can_be_made(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, false);
    tree_remove(f, "/var/run/aesmd/aesm.socket");
    evaluate(f);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_ATTESTATION);
    const cella_platform_check_t *quoting = check(f, "attestation.quoting");
    assert_int_equal(quoting->status, CELLA_PLATFORM_FAIL);
    assert_contains(quoting->remedy, "sgx_prv");
    assert_contains(quoting->remedy, "aesmd");
}

static void a_group_granted_after_login_asks_for_a_new_login(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true); /* listed in etc/group, but not in this session's groups */
    evaluate(f);
    assert_true(f->facts.nodes[CELLA_PLATFORM_NODE_SGX_PROVISION].group_lists_user);
    assert_contains(check(f, "dev.sgx_provision")->remedy, "log out and in again");
    assert_contains(check(f, "dev.sgx_provision")->remedy, "newgrp sgx_prv");
}

static void a_device_alice_cannot_open_fails_with_its_permissions_named(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    tree_write(f, "/dev/sgx_enclave", 0600, "");
    evaluate(f);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_DRIVER);
    const cella_platform_check_t *device = check(f, "dev.sgx_enclave");
    assert_int_equal(device->status, CELLA_PLATFORM_FAIL);
    assert_contains(device->detail, "-rw------- root:sgx_prv");
    assert_contains(device->detail, "do not let alice read and write it");
    assert_contains(device->remedy, "MODE=\"0666\"");
    assert_false(backend(f, CELLA_PLATFORM_BACKEND_SGX)->machine_ready);
    assert_string_equal(backend(f, CELLA_PLATFORM_BACKEND_SGX)->remedy, device->remedy);
}

static void development_settings_in_qcnl_are_flagged(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    tree_write(f, "/etc/sgx_default_qcnl.conf", 0644,
               "{\"pccs_url\": \"https://localhost:8081/sgx/certification/v4/\","
               " \"use_secure_cert\": false}");
    evaluate(f);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_READY);
    const cella_platform_check_t *secure = check(f, "qcnl.use_secure_cert");
    assert_int_equal(secure->status, CELLA_PLATFORM_WARN);
    assert_contains(secure->detail, "development only");
    assert_contains(secure->remedy, "\"use_secure_cert\": true");
    assert_contains(check(f, "qcnl.pccs_url")->detail, "a PCCS on this machine");
}

/* ---- (b) an SGX1 desktop without FLC ------------------------------------------------------ */

static void an_sgx1_desktop_without_flc_cannot_run_enclaves_with_linux(void **state)
{
    struct fixture *f = *state;
    use_cpuid(f, skylake_sgx1_cpuid);
    write_accounts(f, false);
    tree_write(f, "/dev/isgx", 0666, "");
    tree_write(f, "/proc/cpuinfo", 0444, "processor\t: 0\nflags\t\t: fpu vme de pse tsc\n");
    tree_write(f, "/proc/sys/kernel/osrelease", 0444, "4.15.0-213-generic\n");
    evaluate(f);

    const cella_platform_cpu_t *cpu = &f->facts.cpu;
    assert_int_equal(cpu->model, 0x5e);
    assert_false(cpu->hypervisor);
    assert_true(cpu->sgx && cpu->sgx1);
    assert_false(cpu->sgx_lc || cpu->sgx2);
    assert_int_equal(cpu->epc_section_count, 1);
    assert_int_equal(cpu->epc_sections[0].base, 0x70200000);
    assert_int_equal(cpu->epc_total_bytes, 0x5d80000);
    assert_int_equal(cpu->epc_integrity_bytes, 0x5d80000);
    assert_int_equal(cpu->max_enclave_size_64_log2, 0x24);
    assert_true(f->facts.nodes[CELLA_PLATFORM_NODE_ISGX].present);
    assert_false(f->facts.nodes[CELLA_PLATFORM_NODE_SGX_ENCLAVE].present);

    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_DRIVER);
    assert_contains(check(f, "sgx.epc")->detail, "93.5 MiB in 1 section, confidentiality and "
                                                 "integrity protection");
    assert_contains(check(f, "sgx.max_enclave_size")->detail, "64 GiB in 64-bit mode");
    const cella_platform_check_t *flc = check(f, "sgx.flc");
    assert_int_equal(flc->status, CELLA_PLATFORM_FAIL);
    assert_contains(flc->remedy, "FLC");
    const cella_platform_check_t *device = check(f, "dev.sgx_enclave");
    assert_int_equal(device->status, CELLA_PLATFORM_FAIL);
    assert_contains(device->remedy, "isgx");
    assert_contains(device->remedy, "5.11");
    assert_contains(check(f, "dev.legacy")->detail, "/dev/isgx");
    assert_int_equal(check(f, "attestation.quoting")->status, CELLA_PLATFORM_SKIP);
    assert_false(backend(f, CELLA_PLATFORM_BACKEND_SGX)->machine_ready);
    assert_string_equal(backend(f, CELLA_PLATFORM_BACKEND_SGX)->remedy, flc->remedy);
    assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->state,
                     CELLA_PLATFORM_BACKEND_AVAILABLE);
    assert_true(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->machine_ready);
}

static void flc_locked_by_the_firmware_is_told_apart_from_flc_missing(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    /* Linux keeps sgx for guests but clears sgx_lc when the firmware locked launch control. */
    tree_write(f, "/proc/cpuinfo", 0444, "processor\t: 0\nflags\t\t: fpu sgx hypervisor\n");
    tree_remove(f, "/dev/sgx_enclave");
    evaluate(f);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_DRIVER);
    const cella_platform_check_t *flc = check(f, "sgx.flc");
    assert_int_equal(flc->status, CELLA_PLATFORM_FAIL);
    assert_contains(flc->detail, "locked by the firmware");
    assert_contains(flc->remedy, "unlocked");
}

/* ---- (c) a TDX guest ------------------------------------------------------------------------- */

static void a_tdx_guest_has_no_sgx_but_runs_the_sandbox_backend(void **state)
{
    struct fixture *f = *state;
    use_cpuid(f, tdx_guest_cpuid);
    write_accounts(f, false);
    tree_write(f, "/dev/tdx_guest", 0600, "");
    tree_write(f, "/proc/sys/kernel/osrelease", 0444, "6.8.0-1014-azure\n");
    evaluate(f);

    assert_true(f->facts.cpu.tdx_guest);
    assert_false(f->facts.cpu.sgx);
    assert_string_equal(f->facts.cpu.hypervisor_vendor, "KVMKVMKVM");
    assert_true(f->facts.nodes[CELLA_PLATFORM_NODE_TDX_GUEST].present);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT);
    assert_contains(check(f, "tee.tdx")->detail, "yes: /dev/tdx_guest");
    assert_contains(check(f, "tee.tdx")->detail, "IntelTDX");
    assert_string_equal(check(f, "tee.sev_snp")->detail, "no");
    const cella_platform_check_t *sgx = check(f, "sgx.cpu");
    assert_int_equal(sgx->status, CELLA_PLATFORM_FAIL);
    assert_contains(sgx->detail, "VM's virtual CPU");
    assert_contains(sgx->remedy, "VM size");
    assert_int_equal(check(f, "sgx.sgx1")->status, CELLA_PLATFORM_SKIP);
    assert_int_equal(check(f, "dev.sgx_enclave")->status, CELLA_PLATFORM_INFO);
    assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->state,
                     CELLA_PLATFORM_BACKEND_AVAILABLE);
    assert_true(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->machine_ready);
    assert_int_equal(
        cella_platform_get_backend_exit_code(&f->report, CELLA_PLATFORM_BACKEND_SANDBOX),
        CELLA_PLATFORM_EXIT_READY);
    assert_contains(f->report.verdict, "sandbox backend");
}

/* ---- (d) SGX disabled in the firmware -------------------------------------------------------- */

static void sgx_in_leaf_7_with_leaf_0x12_zero_is_disabled_in_the_firmware(void **state)
{
    struct fixture *f = *state;
    use_cpuid(f, firmware_disabled_cpuid);
    write_accounts(f, false);
    evaluate(f);

    assert_true(f->facts.cpu.sgx && f->facts.cpu.sgx_lc);
    assert_true(f->facts.cpu.leaf_12_available);
    assert_true(f->facts.cpu.leaf_12_zero);
    assert_false(f->facts.cpu.sgx1);
    assert_int_equal(f->facts.cpu.epc_total_bytes, 0);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_FIRMWARE_DISABLED);
    const cella_platform_check_t *sgx1 = check(f, "sgx.sgx1");
    assert_int_equal(sgx1->status, CELLA_PLATFORM_FAIL);
    assert_contains(sgx1->detail, "leaf 0x12 reads zero");
    assert_contains(sgx1->remedy, "firmware");
    assert_int_equal(check(f, "sgx.epc")->status, CELLA_PLATFORM_SKIP);
    /* Without usable SGX hardware the devices are facts, not failures. */
    assert_int_equal(check(f, "dev.sgx_enclave")->status, CELLA_PLATFORM_INFO);
}

static void a_max_basic_leaf_below_0x12_is_not_read_past(void **state)
{
    struct fixture *f = *state;
    use_cpuid(f, "0 0 0x0d 0x756e6547 0x6c65746e 0x49656e69\n"
                 "7 0 0 0x4 0x40000000 0\n"
                 "0x12 0 1 1 0 0x241f\n"); /* must not be read: beyond the max leaf */
    evaluate(f);
    assert_false(f->facts.cpu.leaf_12_available);
    assert_false(f->facts.cpu.sgx1);
    for (size_t i = 0; i < f->facts.cpu.records.record_count; i++)
        assert_int_not_equal(f->facts.cpu.records.records[i].leaf, 0x12);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_FIRMWARE_DISABLED);
    assert_contains(check(f, "sgx.sgx1")->detail, "beyond the max basic leaf 0xd");
}

static void an_unknown_epc_subleaf_type_is_a_warning(void **state)
{
    struct fixture *f = *state;
    use_cpuid(f, "0 0 0x1b 0x756e6547 0x6c65746e 0x49656e69\n"
                 "7 0 0 0x4 0x40000000 0\n"
                 "0x12 0 1 1 0 0x241f\n"
                 "0x12 1 0x36 0 0x1f 0\n"
                 "0x12 2 0x70200001 0 0x05d80001 0\n"
                 "0x12 3 0x00000007 0 0 0\n");
    evaluate(f);
    assert_int_equal(f->facts.cpu.epc_bad_type, 7);
    assert_int_equal(f->facts.cpu.epc_bad_subleaf, 3);
    const cella_platform_check_t *epc = check(f, "sgx.epc");
    assert_int_equal(epc->status, CELLA_PLATFORM_WARN);
    assert_contains(epc->detail, "unknown type 7");
}

/* ---- (e) broken and legacy QCNL files on an SGX machine -------------------------------- */

static void a_broken_qcnl_file_stops_quotes_and_says_where(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    tree_write(f, "/etc/sgx_default_qcnl.conf", 0644, missing_comma_qcnl);
    evaluate(f);
    assert_int_equal(f->facts.qcnl.format, CELLA_PLATFORM_QCNL_INVALID);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_ATTESTATION);
    const cella_platform_check_t *config = check(f, "qcnl.config");
    assert_int_equal(config->status, CELLA_PLATFORM_FAIL);
    assert_contains(config->detail, "line 3, column 3");
    assert_contains(config->remedy, "near line 3");
    assert_contains(config->remedy, "','");
    assert_int_equal(check(f, "attestation.quoting")->status, CELLA_PLATFORM_FAIL);
}

static void a_legacy_qcnl_file_works_with_a_warning(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    tree_write(f, "/etc/sgx_default_qcnl.conf", 0644, legacy_qcnl);
    evaluate(f);
    assert_int_equal(f->facts.qcnl.format, CELLA_PLATFORM_QCNL_LEGACY);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_READY);
    const cella_platform_check_t *config = check(f, "qcnl.config");
    assert_int_equal(config->status, CELLA_PLATFORM_WARN);
    assert_contains(config->detail, "legacy KEY=VALUE");
    assert_contains(config->remedy,
                    "\"pccs_url\": \"https://localhost:8081/sgx/certification/v3/\"");
    assert_int_equal(check(f, "qcnl.use_secure_cert")->status, CELLA_PLATFORM_WARN);
}

static void a_missing_qcnl_file_stops_quotes(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    tree_remove(f, "/etc/sgx_default_qcnl.conf");
    evaluate(f);
    assert_int_equal(f->facts.qcnl.format, CELLA_PLATFORM_QCNL_ABSENT);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_ATTESTATION);
    assert_contains(check(f, "qcnl.config")->remedy, "global.acccache.azure.net");
}

static void an_oversized_or_unreadable_qcnl_file_is_reported_not_parsed(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    size_t size = CELLA_PLATFORM_QCNL_MAX_BYTES + 10;
    char *big = malloc(size + 1);
    assert_non_null(big);
    memset(big, ' ', size);
    big[0] = '{';
    big[size - 1] = '}';
    big[size] = '\0';
    tree_write(f, "/etc/sgx_default_qcnl.conf", 0644, big);
    free(big);
    evaluate(f);
    assert_int_equal(f->facts.qcnl.format, CELLA_PLATFORM_QCNL_INVALID);
    assert_contains(f->facts.qcnl.error.text, "larger than");
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_ATTESTATION);

    /* A directory where the file should be cannot be read. */
    tree_remove(f, "/etc/sgx_default_qcnl.conf");
    char path[PATH_MAX];
    tree_path(f, "/etc/sgx_default_qcnl.conf", path);
    assert_int_equal(mkdir(path, 0755), 0);
    evaluate(f);
    assert_int_equal(f->facts.qcnl.format, CELLA_PLATFORM_QCNL_UNREADABLE);
    assert_contains(check(f, "qcnl.config")->detail, "cannot be read: it is a directory");
}

/* ---- cella's own requirements -----------------------------------------------------------------
 */

static void memfd_secret_failures_get_remedies_for_the_kernel_at_hand(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *release;
        const char *cmdline;
        int error;
        const char *step;
        const char *remedy;
    } cases[] = {
        {"5.10.0-28-amd64\n", "", ENOSYS, "memfd_secret", "predates memfd_secret (5.14)"},
        {"6.1.0-18-amd64\n", "", ENOSYS, "memfd_secret", "secretmem.enable=1"},
        {"6.8.0-45-generic\n", "", ENOSYS, "memfd_secret", "lacks CONFIG_SECRETMEM"},
        {"6.8.0-45-generic\n", "ro secretmem.enable=0 quiet", ENOSYS, "memfd_secret",
         "booted with secretmem.enable=0"},
        {"6.8.0-45-generic\n", "", EAGAIN, "mmap", "ulimit -l"},
        {"6.8.0-45-generic\n", "", EPERM, "memfd_secret", "seccomp profile"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tree_write(f, "/proc/sys/kernel/osrelease", 0444, cases[i].release);
        tree_write(f, "/proc/cmdline", 0444, cases[i].cmdline);
        f->probes.memfd_secret = cases[i].error;
        f->probes.memfd_secret_step = cases[i].step;
        evaluate(f);
        const cella_platform_check_t *memfd = check(f, "cella.memfd_secret");
        assert_int_equal(memfd->status, CELLA_PLATFORM_FAIL);
        assert_contains(memfd->remedy, cases[i].remedy);
        const cella_platform_backend_t *sandbox = backend(f, CELLA_PLATFORM_BACKEND_SANDBOX);
        assert_int_equal(sandbox->state, CELLA_PLATFORM_BACKEND_UNAVAILABLE);
        assert_string_equal(sandbox->remedy, memfd->remedy);
        assert_int_equal(
            cella_platform_get_backend_exit_code(&f->report, CELLA_PLATFORM_BACKEND_SANDBOX),
            CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE);
        /* sim needs nothing of the kernel. */
        assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SIM)->state,
                         CELLA_PLATFORM_BACKEND_AVAILABLE);
    }
    assert_int_equal(f->facts.secretmem_enable_param, -1);
}

static void missing_seccomp_filters_make_the_sandbox_unavailable(void **state)
{
    struct fixture *f = *state;
    f->probes.seccomp = EINVAL;
    evaluate(f);
    const cella_platform_check_t *seccomp = check(f, "cella.seccomp");
    assert_int_equal(seccomp->status, CELLA_PLATFORM_FAIL);
    assert_contains(seccomp->remedy, "CONFIG_SECCOMP_FILTER");
    assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->state,
                     CELLA_PLATFORM_BACKEND_UNAVAILABLE);
    assert_contains(f->report.verdict, "only the sim backend");
}

static void probes_that_did_not_run_leave_the_sandbox_unknown_not_failed(void **state)
{
    struct fixture *f = *state;
    f->env.memfd_secret = NULL;
    f->env.seccomp = NULL;
    f->env.getenv = NULL;
    evaluate(f);
    assert_false(f->facts.environment_read);
    assert_contains(check(f, "aesm.addr")->detail, "not read");
    assert_int_equal(f->facts.memfd_secret_errno, -1);
    assert_int_equal(f->facts.seccomp_filter_errno, -1);
    assert_int_equal(check(f, "cella.memfd_secret")->status, CELLA_PLATFORM_INFO);
    assert_contains(check(f, "cella.memfd_secret")->detail, "--root");
    assert_int_equal(backend(f, CELLA_PLATFORM_BACKEND_SANDBOX)->state,
                     CELLA_PLATFORM_BACKEND_UNKNOWN);
    assert_int_equal(
        cella_platform_get_backend_exit_code(&f->report, CELLA_PLATFORM_BACKEND_SANDBOX),
        CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE);
}

static void a_real_aesm_socket_is_connected_to_and_a_refusal_is_explained(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, false);
    tree_remove(f, "/var/run/aesmd/aesm.socket");
    tree_socket(f, "/var/run/aesmd/aesm.socket");
    f->probes.connect_socket = ECONNREFUSED;
    evaluate(f);
    assert_int_equal(f->probes.connect_calls, 1);
    const cella_platform_node_t *socket_node = &f->facts.nodes[CELLA_PLATFORM_NODE_AESM_SOCKET];
    assert_int_equal(socket_node->type, CELLA_PLATFORM_NODE_SOCKET);
    assert_false(socket_node->stand_in);
    assert_int_equal(f->facts.aesm_connect_errno, ECONNREFUSED);
    const cella_platform_check_t *aesm = check(f, "aesm.socket");
    assert_int_equal(aesm->status, CELLA_PLATFORM_WARN);
    assert_contains(aesm->remedy, "aesmd is not running");
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_ATTESTATION);

    f->probes.connect_socket = 0;
    evaluate(f);
    assert_int_equal(check(f, "aesm.socket")->status, CELLA_PLATFORM_PASS);
    assert_contains(check(f, "aesm.socket")->detail, "accepts connections");
}

static void in_a_container_a_missing_device_is_to_be_passed_in(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    alice_in_sgx_prv(f);
    tree_remove(f, "/dev/sgx_enclave");
    tree_write(f, "/.dockerenv", 0644, "");
    evaluate(f);
    assert_true(f->facts.container);
    assert_contains(f->facts.container_hint, "Docker");
    assert_contains(check(f, "dev.sgx_enclave")->remedy, "--device /dev/sgx_enclave");
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_DRIVER);
}

/* ---- the API's edges ------------------------------------------------------------------------- */

static void getting_facts_refuses_null_arguments_and_overlong_roots(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(cella_platform_get_facts(NULL, &f->facts), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_platform_get_facts(&f->env, NULL), CELLA_ERR_INVALID_ARGUMENT);
    char *root = malloc(CELLA_PLATFORM_ROOT_MAX_BYTES + 1);
    assert_non_null(root);
    memset(root, 'a', CELLA_PLATFORM_ROOT_MAX_BYTES);
    root[CELLA_PLATFORM_ROOT_MAX_BYTES] = '\0';
    f->env.root = root;
    assert_int_equal(cella_platform_get_facts(&f->env, &f->facts), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_platform_env_set_user(&f->env, "alice"), CELLA_ERR_INVALID_ARGUMENT);
    free(root);
}

static void an_empty_tree_without_cpuid_is_reported_as_unknown_not_as_broken(void **state)
{
    struct fixture *f = *state;
    evaluate(f);
    assert_false(f->facts.cpu.cpuid_available);
    assert_false(f->facts.cpuinfo_readable);
    assert_int_equal(f->facts.qcnl.format, CELLA_PLATFORM_QCNL_ABSENT);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT);
    assert_int_equal(check(f, "cpu.cpuid")->status, CELLA_PLATFORM_FAIL);
    assert_int_equal(check(f, "kernel.cpuinfo")->status, CELLA_PLATFORM_SKIP);
    assert_null(cella_platform_get_check(&f->report, "no.such.check"));
    assert_null(cella_platform_get_check(NULL, "sgx.cpu"));
}

static void a_report_without_facts_says_so(void **state)
{
    struct fixture *f = *state;
    cella_platform_get_report(NULL, &f->report);
    assert_int_equal(f->report.check_count, 0);
    assert_int_equal(f->report.exit_code, CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT);
    assert_int_equal(f->report.backends[CELLA_PLATFORM_BACKEND_SIM].state,
                     CELLA_PLATFORM_BACKEND_UNKNOWN);
    assert_int_equal(cella_platform_get_backend_exit_code(NULL, CELLA_PLATFORM_BACKEND_SIM),
                     CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE);
    cella_platform_get_report(&f->facts, NULL); /* ignored */
}

static void another_user_is_judged_with_the_groups_etc_group_gives_it(void **state)
{
    struct fixture *f = *state;
    build_azure_tree(f, true);
    assert_int_equal(cella_platform_env_set_user(&f->env, "alice"), CELLA_OK);
    assert_int_equal(f->env.uid, f->alice_uid);
    assert_int_equal(f->env.gid, f->alice_gid);
    assert_int_equal(f->env.group_count, 2);
    evaluate(f);
    assert_true(f->facts.nodes[CELLA_PLATFORM_NODE_SGX_PROVISION].usable);

    char uid[16];
    snprintf(uid, sizeof(uid), "%u", (unsigned)f->alice_uid);
    assert_int_equal(cella_platform_env_set_user(&f->env, uid), CELLA_OK);
    assert_int_equal(f->env.uid, f->alice_uid);

    assert_int_equal(cella_platform_env_set_user(&f->env, "mallory"), CELLA_ERR_NOT_FOUND);
    assert_int_equal(f->env.uid, f->alice_uid); /* unchanged */
    assert_int_equal(cella_platform_env_set_user(&f->env, ""), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_platform_env_set_user(NULL, "alice"), CELLA_ERR_INVALID_ARGUMENT);
}

static void the_system_environment_describes_this_process_and_runs_its_probes(void **state)
{
    (void)state;
    static cella_platform_env_t env;
    static cella_platform_facts_t facts;
    cella_platform_env_init_system(&env);
    assert_null(env.root);
    assert_false(env.fake_devices);
    assert_int_equal(env.uid, geteuid());
    assert_int_equal(env.gid, getegid());
    assert_non_null(env.memfd_secret);
    assert_non_null(env.seccomp);
    assert_non_null(env.getenv);
#if defined(__x86_64__)
    assert_non_null(env.cpuid);
#endif
    assert_int_equal(cella_platform_get_facts(&env, &facts), CELLA_OK);
    assert_false(facts.root_given);
    /* The probes ran; what they found depends on the kernel. */
    assert_true(facts.memfd_secret_errno >= 0);
    assert_non_null(facts.memfd_secret_step);
    assert_true(facts.seccomp_filter_errno == 0 || facts.seccomp_filter_errno == EINVAL);
    assert_true(facts.seccomp_mode >= 0);
#if defined(__x86_64__)
    assert_true(facts.cpu.cpuid_available);
    assert_true(facts.cpu.max_basic_leaf >= 1);
#endif
}

#define FIXTURE_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_exit_code_has_a_meaning_and_others_have_none),
        cmocka_unit_test(backend_names_resolve_and_unknown_names_do_not),
        cmocka_unit_test(status_section_and_state_names_are_stable),
        cmocka_unit_test(a_cpuid_recording_parses_with_comments_and_either_hex_spelling),
        cmocka_unit_test(leaves_not_recorded_read_as_zero),
        cmocka_unit_test(the_raw_output_of_cpuid_r_is_read_for_the_first_processor_only),
        cmocka_unit_test(bad_cpuid_recordings_are_refused_with_line_and_column),
        cmocka_unit_test(cpuid_recordings_that_are_too_big_or_hold_nul_bytes_are_refused),
        cmocka_unit_test(the_azure_qcnl_file_parses_as_json_with_its_comments),
        cmocka_unit_test(a_missing_comma_is_reported_at_its_line_and_column_with_a_hint),
        cmocka_unit_test(json_mistakes_get_their_own_hints),
        cmocka_unit_test(the_legacy_key_value_format_is_recognised),
        cmocka_unit_test(settings_of_the_wrong_type_are_reported_as_ignored),
        cmocka_unit_test(qcnl_parsing_refuses_bad_arguments_and_huge_files),
        FIXTURE_TEST(an_azure_dc4s_v3_with_alice_in_sgx_prv_is_ready_for_enclaves_and_quotes),
        FIXTURE_TEST(without_sgx_prv_alice_is_told_to_join_it_and_quotes_go_through_aesm),
        FIXTURE_TEST(without_sgx_prv_or_aesm_no_quote_can_be_made),
        FIXTURE_TEST(a_group_granted_after_login_asks_for_a_new_login),
        FIXTURE_TEST(a_device_alice_cannot_open_fails_with_its_permissions_named),
        FIXTURE_TEST(development_settings_in_qcnl_are_flagged),
        FIXTURE_TEST(an_sgx1_desktop_without_flc_cannot_run_enclaves_with_linux),
        FIXTURE_TEST(flc_locked_by_the_firmware_is_told_apart_from_flc_missing),
        FIXTURE_TEST(a_tdx_guest_has_no_sgx_but_runs_the_sandbox_backend),
        FIXTURE_TEST(sgx_in_leaf_7_with_leaf_0x12_zero_is_disabled_in_the_firmware),
        FIXTURE_TEST(a_max_basic_leaf_below_0x12_is_not_read_past),
        FIXTURE_TEST(an_unknown_epc_subleaf_type_is_a_warning),
        FIXTURE_TEST(a_broken_qcnl_file_stops_quotes_and_says_where),
        FIXTURE_TEST(a_legacy_qcnl_file_works_with_a_warning),
        FIXTURE_TEST(a_missing_qcnl_file_stops_quotes),
        FIXTURE_TEST(an_oversized_or_unreadable_qcnl_file_is_reported_not_parsed),
        FIXTURE_TEST(memfd_secret_failures_get_remedies_for_the_kernel_at_hand),
        FIXTURE_TEST(missing_seccomp_filters_make_the_sandbox_unavailable),
        FIXTURE_TEST(probes_that_did_not_run_leave_the_sandbox_unknown_not_failed),
        FIXTURE_TEST(a_real_aesm_socket_is_connected_to_and_a_refusal_is_explained),
        FIXTURE_TEST(in_a_container_a_missing_device_is_to_be_passed_in),
        FIXTURE_TEST(getting_facts_refuses_null_arguments_and_overlong_roots),
        FIXTURE_TEST(an_empty_tree_without_cpuid_is_reported_as_unknown_not_as_broken),
        FIXTURE_TEST(a_report_without_facts_says_so),
        FIXTURE_TEST(another_user_is_judged_with_the_groups_etc_group_gives_it),
        cmocka_unit_test(the_system_environment_describes_this_process_and_runs_its_probes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
