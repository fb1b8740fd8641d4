/* SPDX-License-Identifier: Apache-2.0 */
/* host/platform.h: what this machine offers for enclaves (SGX, other TEEs, cella's backends). */
#ifndef CELLA_HOST_PLATFORM_H
#define CELLA_HOST_PLATFORM_H

/*
 * Internal to the host side (not installed). Two steps, both free of printing:
 *
 *   1. cella_platform_get_facts() reads CPUID, device nodes, sysfs, procfs, the AESM and
 *      quote-provider configuration and a few live kernel probes into a plain struct. Every
 *      source is injectable (struct cella_platform_env), so tests and `cella detect --root`
 *      feed recorded CPUID values and a fake file tree.
 *   2. cella_platform_get_report() derives checks (id, status, detail, remedy), which of
 *      cella's backends can run, and the exit code of `cella detect`.
 *
 * The host runtime uses the same report to explain why a backend cannot start, so the error
 * an application sees and the output of `cella detect` say the same thing.
 *
 * Thread safety: the functions keep no global state; the system environment's probes fork
 * (memfd_secret, seccomp) and open devices, so call them from one thread at a time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cella/defs.h>
#include <cella/result.h>

/* ---- sizes -------------------------------------------------------------------------- */

#define CELLA_PLATFORM_GROUPS_MAX           256 /* supplementary groups kept by the system env */
#define CELLA_PLATFORM_EPC_SECTIONS_MAX     8   /* EPC sections kept (one per socket in practice) */
#define CELLA_PLATFORM_CPUID_RECORDS_MAX    64  /* CPUID (leaf, subleaf) pairs in a table */
#define CELLA_PLATFORM_CHECKS_MAX           96  /* checks in one report */
#define CELLA_PLATFORM_NAME_MAX_BYTES       33  /* user/group names, vendor strings */
#define CELLA_PLATFORM_PATH_MAX_BYTES       64  /* the fixed paths below, as the system sees them */
#define CELLA_PLATFORM_VALUE_MAX_BYTES      256 /* values read from configuration (URLs) */
#define CELLA_PLATFORM_TEXT_MAX_BYTES       320 /* a check's detail or remedy */
#define CELLA_PLATFORM_ID_MAX_BYTES         40  /* a check's id */
#define CELLA_PLATFORM_QCNL_MAX_BYTES       (1024 * 1024) /* larger QCNL files are refused */
#define CELLA_PLATFORM_CPUID_FILE_MAX_BYTES (64 * 1024)   /* larger CPUID recordings are refused */
#define CELLA_PLATFORM_ROOT_MAX_BYTES       3072          /* env->root, terminating NUL included */
#define CELLA_PLATFORM_RELEASE_MAX_BYTES    65 /* a kernel release, as uname(2) gives it */

/* ---- exit codes of `cella detect` ----------------------------------------------------- */

enum cella_platform_exit {
    CELLA_PLATFORM_EXIT_READY = 0,          /* SGX ready for enclaves and DCAP quotes */
    CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT = 1, /* the CPU (or the VM's vCPU) has no SGX */
    CELLA_PLATFORM_EXIT_FIRMWARE_DISABLED =
        2,                                  /* SGX off or misconfigured: leaf 0x12 zero, no EPC */
    CELLA_PLATFORM_EXIT_NO_DRIVER = 3,      /* no FLC, or no usable /dev/sgx_enclave */
    CELLA_PLATFORM_EXIT_NO_ATTESTATION = 4, /* enclaves run; quoting not set up */
    CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE = 5, /* --backend NAME: NAME cannot run here */
    CELLA_PLATFORM_EXIT_USAGE = 64,              /* bad option or argument */
    CELLA_PLATFORM_EXIT_INTERNAL = 70,           /* out of memory, output not written */
};

/* One line saying what `cella detect` exit code `code` means; NULL for unknown codes. */
const char *cella_platform_exit_str(int code);

/* True when this process may lock memory beyond RLIMIT_MEMLOCK (CAP_IPC_LOCK in effect). */
bool cella_platform_may_lock_beyond_limit(void);

/* ---- the environment probed ------------------------------------------------------------ */

/* Reads CPUID(leaf, subleaf) into regs = {EAX, EBX, ECX, EDX}. */
typedef void (*cella_platform_cpuid_fn)(uint32_t leaf, uint32_t subleaf, uint32_t regs[4],
                                        void *context);

/*
 * Where the facts come from. cella_platform_env_init_system() fills it for this machine;
 * tests and `cella detect --root/--cpuid-file` replace parts of it. A NULL probe means
 * "not probed": its facts are reported as unknown, never as failures.
 */
typedef struct cella_platform_env {
    cella_platform_cpuid_fn cpuid; /* NULL: no CPUID (reported as unknown) */
    void *cpuid_context;

    /*
     * Prefix for /dev, /sys, /proc, /etc, /var and /run paths; NULL or "" = this system.
     * With a prefix, user and group names come from its etc/passwd and etc/group only;
     * without, the system's name service is asked for names those files lack.
     */
    const char *root;

    /* The user whose access to the device nodes is judged. */
    uid_t uid;
    gid_t gid;
    const gid_t *groups; /* supplementary groups, group_count of them */
    size_t group_count;

    /*
     * Regular files stand in for device nodes and sockets (tests, mounted images: a file
     * tree cannot hold device nodes without privileges). Permission bits are still judged.
     */
    bool fake_devices;

    /*
     * Live probes; each returns 0 on success, an errno value on failure, or -1 when it did
     * not run.
     *   memfd_secret: creates a secret memory fd, maps one page and writes to it. *step
     *                 names the step that failed ("memfd_secret", "ftruncate", "mmap").
     *   seccomp:      0 when seccomp filter mode is available; *current_mode is this
     *                 process's mode (0 none, 1 strict, 2 filter) or -1.
     *   kvm:          opens path read-write and asks for the KVM API version.
     *   open_device:  opens path read-write (O_NONBLOCK) and closes it at once.
     *   connect_socket: connects to the Unix socket at path and closes it at once.
     *   memlock:      the locked-memory hard limit in bytes (UINT64_MAX: unlimited) and
     *                 whether this process is exempt from it (CAP_IPC_LOCK).
     * Paths carry env->root. Devices and sockets are only opened when they are the real
     * kind of node, never stand-ins.
     */
    int (*memfd_secret)(const char **step, void *context);
    int (*seccomp)(int *current_mode, void *context);
    int (*kvm)(const char *path, int *api_version, void *context);
    int (*open_device)(const char *path, void *context);
    int (*connect_socket)(const char *path, void *context);
    int (*memlock)(uint64_t *limit_bytes, bool *exempt, void *context);
    /* Reads an environment variable; NULL means an empty environment. */
    const char *(*getenv)(const char *name, void *context);
    void *probe_context;

    /* Storage for the system environment's supplementary groups. */
    gid_t group_storage[CELLA_PLATFORM_GROUPS_MAX];
} cella_platform_env_t;

/*
 * Fills env for this machine: the CPU's CPUID, the real file system, the effective uid/gid
 * and supplementary groups of this process, every live probe and getenv(). env must not be
 * moved afterwards (env->groups points into it). Never fails; on a build for another
 * architecture env->cpuid is NULL.
 */
void cella_platform_env_init_system(cella_platform_env_t *env);

/*
 * Judges device access for another user: sets env->uid, env->gid and env->groups (into
 * env->group_storage) from env->root's etc/passwd and etc/group, or, without a root, from
 * the system's name service.
 *   user: a user name, or a decimal uid.
 * Returns CELLA_OK, CELLA_ERR_INVALID_ARGUMENT (NULL env or user, empty user),
 * CELLA_ERR_NOT_FOUND (no such user), CELLA_ERR_OUT_OF_MEMORY. On failure env is unchanged.
 */
CELLA_MUST_CHECK cella_result_t cella_platform_env_set_user(cella_platform_env_t *env,
                                                            const char *user);

/* ---- recorded CPUID -------------------------------------------------------------------- */

typedef struct cella_platform_cpuid_record {
    uint32_t leaf;
    uint32_t subleaf;
    uint32_t regs[4]; /* EAX, EBX, ECX, EDX */
} cella_platform_cpuid_record_t;

typedef struct cella_platform_cpuid_table {
    size_t record_count;
    cella_platform_cpuid_record_t records[CELLA_PLATFORM_CPUID_RECORDS_MAX];
} cella_platform_cpuid_table_t;

/* Where a parser stopped; line and column start at 1 (0 when not known). */
typedef struct cella_platform_parse_error {
    int line;
    int column;
    char text[CELLA_PLATFORM_TEXT_MAX_BYTES];
} cella_platform_parse_error_t;

/*
 * Parses a CPUID recording. One record per line, hexadecimal with or without "0x":
 *     leaf subleaf eax ebx ecx edx
 * Blank lines and text after '#' are ignored. Each (leaf, subleaf) may appear once.
 * Leaves not listed read as zero. The raw output of cpuid(1) (`cpuid -r -1`) is read too:
 * "0x00000007 0x00: eax=0x00000000 ebx=..." lines; a line starting with "CPU" opens a
 * processor's block and only the first block is read.
 *   text, text_size: the file's bytes (need not end in NUL; NUL bytes are an error).
 *   table:           receives the records; written only on success.
 *   error:           optional; on failure says where and why.
 * Returns CELLA_OK, CELLA_ERR_INVALID_ARGUMENT (NULL table, or NULL text with a size),
 * CELLA_ERR_INVALID_FORMAT (a bad line, a duplicate, more than
 * CELLA_PLATFORM_CPUID_RECORDS_MAX records, or text over CELLA_PLATFORM_CPUID_FILE_MAX_BYTES).
 */
CELLA_MUST_CHECK cella_result_t cella_platform_parse_cpuid_records(
    const char *text, size_t text_size, cella_platform_cpuid_table_t *table,
    cella_platform_parse_error_t *error);

/* A cella_platform_cpuid_fn that reads from the cella_platform_cpuid_table_t in context. */
void cella_platform_get_recorded_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4],
                                       void *context);

/* ---- quote provider configuration (/etc/sgx_default_qcnl.conf) ----------------------- */

typedef enum cella_platform_qcnl_format {
    CELLA_PLATFORM_QCNL_ABSENT = 0, /* no file */
    CELLA_PLATFORM_QCNL_UNREADABLE, /* exists but cannot be read (error.text says why) */
    CELLA_PLATFORM_QCNL_JSON,       /* JSON (with // and block comments, as the QPL reads it) */
    CELLA_PLATFORM_QCNL_LEGACY,     /* KEY=VALUE lines of older releases */
    CELLA_PLATFORM_QCNL_INVALID,    /* neither: error holds line, column and text */
} cella_platform_qcnl_format_t;

/* A setting read from the file; "wrong_type" means the quote provider ignores it. */
typedef enum cella_platform_setting {
    CELLA_PLATFORM_SETTING_UNSET = 0,
    CELLA_PLATFORM_SETTING_SET,
    CELLA_PLATFORM_SETTING_WRONG_TYPE,
} cella_platform_setting_t;

typedef struct cella_platform_qcnl {
    cella_platform_qcnl_format_t format;
    cella_platform_parse_error_t error;       /* INVALID/UNREADABLE: why; JSON: a hint may follow */
    char hint[CELLA_PLATFORM_TEXT_MAX_BYTES]; /* e.g. "a comma is probably missing ..." */

    cella_platform_setting_t pccs_url_state;
    char pccs_url[CELLA_PLATFORM_VALUE_MAX_BYTES];
    cella_platform_setting_t use_secure_cert_state;
    bool use_secure_cert; /* meaningful when SET; the quote provider defaults to true */
    cella_platform_setting_t collateral_service_state;
    char collateral_service[CELLA_PLATFORM_VALUE_MAX_BYTES];
    cella_platform_setting_t pccs_api_version_state;
    char pccs_api_version[CELLA_PLATFORM_NAME_MAX_BYTES];
    cella_platform_setting_t local_cache_only_state;
    bool local_cache_only;
    bool value_truncated;    /* a value was longer than its buffer */
    int legacy_ignored_line; /* LEGACY: first line the quote provider ignores (0: none) */
    char legacy_ignored_key[CELLA_PLATFORM_NAME_MAX_BYTES]; /* its key, "" without '=' */
} cella_platform_qcnl_t;

/*
 * Reads a quote provider configuration the way Intel's quote provider library does: JSON
 * with // and block comments first (with jansson, comments blanked out so line and column
 * stay true); if that fails and the first character that is not white space is not '{' or
 * '[', and some line has KEY=VALUE, it is the legacy format. Settings of the wrong JSON type
 * are reported as WRONG_TYPE, since the quote provider ignores them.
 *   text, text_size: the file's bytes.
 *   qcnl:            receives the format, the settings, and for invalid text the error's
 *                    line, column and message. Always written when the arguments are valid.
 * Returns CELLA_OK (JSON or legacy), CELLA_ERR_INVALID_FORMAT (qcnl->format INVALID),
 * CELLA_ERR_INVALID_ARGUMENT (NULL qcnl, NULL text with a size), CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_platform_parse_qcnl(const char *text, size_t text_size,
                                                          cella_platform_qcnl_t *qcnl);

/* ---- facts ----------------------------------------------------------------------------- */

typedef enum cella_platform_epc_property {
    CELLA_PLATFORM_EPC_INTEGRITY = 1,            /* confidentiality + integrity protection */
    CELLA_PLATFORM_EPC_CONFIDENTIALITY_ONLY = 2, /* no integrity tree (Ice Lake server) */
} cella_platform_epc_property_t;

typedef struct cella_platform_epc_section {
    uint64_t base;
    uint64_t size;
    uint32_t property; /* CPUID.(0x12,n):ECX[3:0]; see cella_platform_epc_property_t */
} cella_platform_epc_section_t;

typedef struct cella_platform_cpu {
    bool cpuid_available;
    uint32_t max_basic_leaf;
    char vendor[13];
    uint32_t family; /* display family (base + extended) */
    uint32_t model;  /* display model (extended model folded in) */
    uint32_t stepping;

    bool hypervisor;            /* CPUID.1:ECX[31] */
    char hypervisor_vendor[13]; /* CPUID.0x40000000:EBX,ECX,EDX */
    bool tdx_guest;             /* CPUID.0x21.0 reads "IntelTDX    " */

    bool sgx;                          /* CPUID.7.0:EBX[2] */
    bool sgx_lc;                       /* CPUID.7.0:ECX[30]: Flexible Launch Control */
    bool leaf_12_available;            /* max basic leaf >= 0x12 */
    bool leaf_12_zero;                 /* 0x12.0 and 0x12.1 read zero: disabled in firmware */
    bool sgx1;                         /* 0x12.0:EAX[0] */
    bool sgx2;                         /* 0x12.0:EAX[1] */
    bool enclv;                        /* 0x12.0:EAX[5] */
    bool enclsc;                       /* 0x12.0:EAX[6] (ENCLS-C) */
    bool edeccssa;                     /* 0x12.0:EAX[11] (AEX-Notify instruction) */
    uint32_t miscselect_valid;         /* 0x12.0:EBX */
    bool exinfo;                       /* MISCSELECT bit 0 */
    bool cpinfo;                       /* MISCSELECT bit 1 */
    uint32_t max_enclave_size_32_log2; /* 0x12.0:EDX[7:0] */
    uint32_t max_enclave_size_64_log2; /* 0x12.0:EDX[15:8] */
    uint64_t attributes_valid;         /* 0x12.1:EBX:EAX */
    uint64_t xfrm_valid;               /* 0x12.1:EDX:ECX */
    bool cet;                          /* attribute bit 6 */
    bool kss;                          /* attribute bit 7 */
    bool aex_notify;                   /* attribute bit 10 */

    size_t epc_section_count; /* type-1 sub-leaves kept */
    cella_platform_epc_section_t epc_sections[CELLA_PLATFORM_EPC_SECTIONS_MAX];
    bool epc_sections_truncated; /* more sections than kept (all are summed) */
    uint32_t epc_bad_type;       /* an unknown sub-leaf type stopped enumeration (0: none) */
    uint32_t epc_bad_subleaf;
    uint64_t epc_total_bytes;
    uint64_t epc_integrity_bytes;
    uint64_t epc_confidentiality_only_bytes;
    uint64_t epc_unknown_property_bytes;

    /* Every CPUID read made, in order; `cella detect --dump-cpuid` prints these. */
    cella_platform_cpuid_table_t records;
} cella_platform_cpu_t;

/* The file-system nodes probed. Paths are as the system sees them (without env->root). */
typedef enum cella_platform_node_id {
    CELLA_PLATFORM_NODE_SGX_ENCLAVE = 0,  /* /dev/sgx_enclave */
    CELLA_PLATFORM_NODE_SGX_PROVISION,    /* /dev/sgx_provision */
    CELLA_PLATFORM_NODE_SGX_VEPC,         /* /dev/sgx_vepc */
    CELLA_PLATFORM_NODE_LEGACY_ENCLAVE,   /* /dev/sgx/enclave */
    CELLA_PLATFORM_NODE_LEGACY_PROVISION, /* /dev/sgx/provision */
    CELLA_PLATFORM_NODE_ISGX,             /* /dev/isgx */
    CELLA_PLATFORM_NODE_TDX_GUEST,        /* /dev/tdx_guest */
    CELLA_PLATFORM_NODE_TDX_GUEST_LEGACY, /* /dev/tdx-guest */
    CELLA_PLATFORM_NODE_SEV_GUEST,        /* /dev/sev-guest */
    CELLA_PLATFORM_NODE_KVM,              /* /dev/kvm */
    CELLA_PLATFORM_NODE_AESM_SOCKET,      /* /var/run/aesmd/aesm.socket */
    CELLA_PLATFORM_NODE_AESMD_CONF,       /* /etc/aesmd.conf */
    CELLA_PLATFORM_NODE_QCNL_CONF,        /* /etc/sgx_default_qcnl.conf */
    CELLA_PLATFORM_NODE_COUNT,
} cella_platform_node_id_t;

typedef enum cella_platform_node_type {
    CELLA_PLATFORM_NODE_ABSENT = 0,
    CELLA_PLATFORM_NODE_CHAR_DEVICE,
    CELLA_PLATFORM_NODE_SOCKET,
    CELLA_PLATFORM_NODE_REGULAR_FILE,
    CELLA_PLATFORM_NODE_DIRECTORY,
    CELLA_PLATFORM_NODE_OTHER,
    CELLA_PLATFORM_NODE_STAT_FAILED, /* stat failed with stat_errno (not ENOENT) */
} cella_platform_node_type_t;

/* How the permission bits were matched for the env's user. */
typedef enum cella_platform_access_class {
    CELLA_PLATFORM_ACCESS_AS_ROOT = 0,
    CELLA_PLATFORM_ACCESS_AS_OWNER,
    CELLA_PLATFORM_ACCESS_AS_GROUP,         /* primary group */
    CELLA_PLATFORM_ACCESS_AS_SUPPLEMENTARY, /* a supplementary group */
    CELLA_PLATFORM_ACCESS_AS_OTHER,
} cella_platform_access_class_t;

typedef struct cella_platform_node {
    char path[CELLA_PLATFORM_PATH_MAX_BYTES];
    cella_platform_node_type_t type;
    int stat_errno;
    bool present;  /* exists with the expected type, or a stand-in (env->fake_devices) */
    bool stand_in; /* a regular file standing in for a device or socket */
    uint32_t mode; /* permission bits (07777) */
    uint32_t owner_uid;
    uint32_t group_gid;
    char owner_name[CELLA_PLATFORM_NAME_MAX_BYTES]; /* "" when unknown */
    char group_name[CELLA_PLATFORM_NAME_MAX_BYTES];
    /*
     * The permission bits grant env's user the access the node needs: read+write for
     * devices, write for sockets (connect), read for files.
     */
    bool access_by_mode;
    cella_platform_access_class_t access_class;
    int open_errno; /* -1 not tried, 0 opened read-write (sockets: connected), else errno */
    bool usable;    /* present, and opened (or, not tried, access_by_mode) */
    /*
     * The user is listed as a member of group_gid in etc/group (or it is the user's primary
     * group in etc/passwd) while env's groups lack it: a new login would grant access.
     */
    bool group_lists_user;
} cella_platform_node_t;

typedef struct cella_platform_facts {
    bool root_given;   /* env->root was a prefix, not the live system */
    bool x86_64_linux; /* cella's sim backend runs on this build */
    cella_platform_cpu_t cpu;
    cella_platform_node_t nodes[CELLA_PLATFORM_NODE_COUNT];
    uid_t uid;
    gid_t gid;
    char user_name[CELLA_PLATFORM_NAME_MAX_BYTES]; /* "" when unknown */

    /* proc/sys/kernel/osrelease, e.g. "6.8.0-1021-azure"; "" when unknown */
    char kernel_release[CELLA_PLATFORM_RELEASE_MAX_BYTES];
    /* secretmem.enable= on proc/cmdline: 0 or 1, -1 when absent or unknown */
    int secretmem_enable_param;

    /* /proc/cpuinfo */
    bool cpuinfo_readable;
    bool cpuinfo_sgx;    /* "sgx" flag: the kernel uses SGX */
    bool cpuinfo_sgx_lc; /* "sgx_lc" flag: Launch Control usable (unlocked by firmware) */

    /* /sys/devices/system/node/node*\/x86/sgx_total_bytes (Linux 5.17+) */
    size_t sgx_numa_node_count; /* nodes that have the attribute */
    uint64_t sgx_total_bytes;

    /* AESM and quoting */
    bool environment_read;  /* env->getenv was given (SGX_AESM_ADDR and the like are facts) */
    int aesm_connect_errno; /* -1 not tried, 0 accepted, else errno */
    bool aesm_addr_set;     /* SGX_AESM_ADDR in the environment */
    char aesm_addr[CELLA_PLATFORM_NAME_MAX_BYTES];
    cella_platform_qcnl_t qcnl;

    /* Live kernel probes (-1 = not probed) */
    int memfd_secret_errno;
    const char *memfd_secret_step;
    int seccomp_filter_errno;
    int seccomp_mode; /* PR_GET_SECCOMP of this process, -1 unknown */
    int kvm_errno;
    int kvm_api_version;
    bool memlock_probed;
    uint64_t memlock_limit; /* RLIMIT_MEMLOCK hard limit, bytes; UINT64_MAX: unlimited */
    bool memlock_exempt;    /* CAP_IPC_LOCK: no limit applies */

    /*
     * Container hints, in the order tried: /.dockerenv (Docker), /run/.containerenv (Podman),
     * KUBERNETES_SERVICE_HOST in the environment (a Kubernetes pod), then the names docker,
     * kubepods, containerd, libpod and lxc in proc/1/cgroup (cgroup v1). A container that
     * hides all of these is not recognised.
     */
    bool container;
    char container_hint[CELLA_PLATFORM_VALUE_MAX_BYTES];
} cella_platform_facts_t;

/*
 * Collects the facts from env. Missing files and failed probes are facts, not errors.
 *   env:   where to look; not modified.
 *   facts: receives everything; written in full on CELLA_OK.
 * Returns CELLA_OK, CELLA_ERR_INVALID_ARGUMENT (NULL env or facts, or env->root of
 * CELLA_PLATFORM_ROOT_MAX_BYTES or more), CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_platform_get_facts(const cella_platform_env_t *env,
                                                         cella_platform_facts_t *facts);

/* ---- report ---------------------------------------------------------------------------- */

typedef enum cella_platform_status {
    CELLA_PLATFORM_PASS = 0, /* requirement met */
    CELLA_PLATFORM_FAIL,     /* requirement not met; remedy says what to do */
    CELLA_PLATFORM_WARN,     /* works, with a caveat; remedy says how to improve */
    CELLA_PLATFORM_SKIP,     /* not checked or not relevant (a prerequisite failed) */
    CELLA_PLATFORM_INFO,     /* a fact, no judgement */
} cella_platform_status_t;

/* "pass", "fail", "warn", "skip", "info"; never NULL. */
const char *cella_platform_status_str(cella_platform_status_t status);

typedef enum cella_platform_section {
    CELLA_PLATFORM_SECTION_HARDWARE = 0, /* CPU and SGX hardware */
    CELLA_PLATFORM_SECTION_LINUX,        /* kernel SGX support and devices */
    CELLA_PLATFORM_SECTION_ATTESTATION,  /* AESM, provisioning, quote provider config */
    CELLA_PLATFORM_SECTION_ENVIRONMENT,  /* VM, container, other TEEs */
    CELLA_PLATFORM_SECTION_CELLA,        /* what cella's own backends need */
    CELLA_PLATFORM_SECTION_COUNT,
} cella_platform_section_t;

/* The section's heading, e.g. "SGX hardware"; never NULL. */
const char *cella_platform_section_str(cella_platform_section_t section);

typedef struct cella_platform_check {
    char id[CELLA_PLATFORM_ID_MAX_BYTES]; /* stable, e.g. "sgx.cpu", "kernel.memfd_secret" */
    const char *title;                    /* static text, e.g. "SGX in the CPU" */
    cella_platform_section_t section;
    unsigned level; /* 0 = a check, 1 = a detail line under it */
    cella_platform_status_t status;
    char detail[CELLA_PLATFORM_TEXT_MAX_BYTES];
    char remedy[CELLA_PLATFORM_TEXT_MAX_BYTES]; /* "" when there is nothing to do */
} cella_platform_check_t;

typedef enum cella_platform_backend_id {
    CELLA_PLATFORM_BACKEND_SANDBOX = 0, /* the default: separate process, memfd_secret, seccomp */
    CELLA_PLATFORM_BACKEND_SIM,         /* in-process, no isolation */
    CELLA_PLATFORM_BACKEND_SGX,         /* real SGX hardware (planned) */
    CELLA_PLATFORM_BACKEND_KVM,         /* minimal KVM guest (planned) */
    CELLA_PLATFORM_BACKEND_COUNT,
} cella_platform_backend_id_t;

typedef enum cella_platform_backend_state {
    CELLA_PLATFORM_BACKEND_AVAILABLE = 0,
    CELLA_PLATFORM_BACKEND_UNAVAILABLE,
    CELLA_PLATFORM_BACKEND_PLANNED, /* not in this version; machine_ready tells if it could run */
    CELLA_PLATFORM_BACKEND_UNKNOWN, /* a probe it needs did not run (e.g. env->root given) */
} cella_platform_backend_state_t;

/* "available", "unavailable", "planned", "unknown"; never NULL. */
const char *cella_platform_backend_state_str(cella_platform_backend_state_t state);

typedef struct cella_platform_backend {
    const char *name; /* "sandbox", "sim", "sgx", "kvm" */
    cella_platform_backend_state_t state;
    bool machine_ready;                         /* this machine meets the backend's requirements */
    char detail[CELLA_PLATFORM_TEXT_MAX_BYTES]; /* why (not) */
    char remedy[CELLA_PLATFORM_TEXT_MAX_BYTES]; /* first failed requirement's remedy, or "" */
} cella_platform_backend_t;

typedef struct cella_platform_report {
    size_t check_count;
    cella_platform_check_t checks[CELLA_PLATFORM_CHECKS_MAX];
    cella_platform_backend_t backends[CELLA_PLATFORM_BACKEND_COUNT];
    int exit_code; /* 0..4, see enum cella_platform_exit */
    char verdict[CELLA_PLATFORM_TEXT_MAX_BYTES];
} cella_platform_report_t;

/*
 * The exit code answering "can backend id run here": CELLA_PLATFORM_EXIT_READY when its
 * state is AVAILABLE, else CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE (planned and unknown
 * included).
 */
int cella_platform_get_backend_exit_code(const cella_platform_report_t *report,
                                         cella_platform_backend_id_t id);

/*
 * Derives the checks, the backends and the exit code from facts. Deterministic: the same
 * facts give the same report. Never fails; report is written in full (with NULL facts it
 * holds no checks, every backend unknown and exit code 1). A NULL report is ignored.
 */
void cella_platform_get_report(const cella_platform_facts_t *facts,
                               cella_platform_report_t *report);

/* The backend named name ("sandbox", "sim", "sgx", "kvm"); false for other names. */
CELLA_MUST_CHECK bool cella_platform_get_backend_id(const char *name,
                                                    cella_platform_backend_id_t *id);

/* The check with id in report, or NULL. */
const cella_platform_check_t *cella_platform_get_check(const cella_platform_report_t *report,
                                                       const char *id);

#endif /* CELLA_HOST_PLATFORM_H */
