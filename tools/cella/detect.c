/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/detect.c: `cella detect`, which tells whether this machine can run enclaves. */

/* isatty(), nl_langinfo(), ioctl(TIOCGWINSZ). */
#define _GNU_SOURCE

#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "host/platform.h"
#include "json_text.h"
#include "subcommands.h"

#ifndef CELLA_VERSION
#define CELLA_VERSION "unknown"
#endif

#define EXIT_INTERNAL CELLA_PLATFORM_EXIT_INTERNAL

struct options {
    bool json;
    bool quiet;
    bool ascii;
    bool dump_cpuid;
    const char *backend;
    const char *root;
    const char *cpuid_file;
    const char *user;
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cella detect [options]\n"
            "\n"
            "Tells whether this machine can run SGX enclaves and make DCAP quotes, which of\n"
            "cella's backends can run here, and, for every check that fails, what to do.\n"
            "It reads CPUID, the SGX device nodes and their permissions, sysfs and procfs,\n"
            "AESM and the quote provider configuration, and probes what cella's sandbox\n"
            "backend needs (memfd_secret, seccomp filters). It changes nothing.\n"
            "\n"
            "Options:\n"
            "  --json             print one JSON document: every fact, every check (id, status,\n"
            "                     detail, remedy), the backends and the exit code\n"
            "  -q, --quiet        print nothing; the exit code answers\n"
            "  --ascii            mark checks with [ok] [--] [!!] [??] instead of symbols (the\n"
            "                     default when standard output is not a UTF-8 terminal)\n"
            "  --backend NAME     make the exit code answer \"can cella's backend NAME run\n"
            "                     here\": sandbox, sim, sgx or kvm\n"
            "  --user NAME        judge device access for user NAME (a name or a uid)\n"
            "                     instead of the user running this command\n"
            "  --root DIR         inspect the tree below DIR instead of / (a mounted system\n"
            "                     image, or a test tree): /dev, /sys, /proc, /etc, /var and\n"
            "                     /run are read below DIR, regular files stand in for device\n"
            "                     nodes and sockets, and nothing is opened, connected or\n"
            "                     probed live; environment variables are not read\n"
            "  --cpuid-file FILE  read CPUID values from FILE instead of this CPU\n"
            "  --dump-cpuid       print the CPUID values that were read, in the format of\n"
            "                     --cpuid-file, and exit 0\n"
            "  --explain-exit N   print what exit code N means, and exit\n"
            "  -h, --help         show this help\n"
            "\n"
            "Exit codes:\n"
            "  0   SGX is ready: enclaves run on the hardware and DCAP quotes can be made\n"
            "      (with --backend: the backend can run here)\n"
            "  1   the CPU has no SGX (or the hypervisor does not pass it to this VM)\n"
            "  2   SGX is in the CPU but disabled or misconfigured by the firmware or\n"
            "      hypervisor (CPUID leaf 0x12 zero, no EPC)\n"
            "  3   SGX is enabled but Linux cannot run enclaves: no Flexible Launch Control,\n"
            "      or /dev/sgx_enclave is missing or not accessible\n"
            "  4   enclaves run, but DCAP quotes cannot be made: neither /dev/sgx_provision\n"
            "      nor AESM is usable, or /etc/sgx_default_qcnl.conf is missing or invalid\n"
            "  5   with --backend: that backend cannot run here\n"
            "  64  usage error: an unknown option or a bad argument\n"
            "  70  internal error: out of memory, or the output could not be written\n"
            "Without --backend the exit code is about SGX hardware only; cella's software\n"
            "backends need no SGX (see the Backends section of the output).\n"
            "\n"
            "CPUID file format (what --dump-cpuid prints): one record per line,\n"
            "    leaf subleaf eax ebx ecx edx\n"
            "in hexadecimal with or without 0x; '#' starts a comment; leaves not listed read\n"
            "as zero. The raw output of `cpuid -r -1` is accepted too.\n"
            "\n"
            "Examples:\n"
            "  cella detect                       the full report for this machine\n"
            "  cella detect --backend sandbox -q  exit 0 when the sandbox backend can run\n"
            "  cella detect --json | jq .checks   the checks for scripts\n"
            "  cella detect --root /mnt/image     inspect a mounted system image\n");
}

/* ---- option parsing -------------------------------------------------------------------- */

/* Prints "cella detect: <message>; ..." to stderr and returns the usage exit code. */
static int usage_error(const char *format, ...) CELLA_PRINTF(1, 2);
static int usage_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "cella detect: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "; 'cella detect --help' shows the options\n");
    va_end(args);
    return CELLA_PLATFORM_EXIT_USAGE;
}

/*
 * Takes the value of an option written "--name VALUE" or "--name=VALUE". Returns true when
 * argv[*index] is that option (value set, or NULL when it is missing).
 */
static bool option_value(int argc, char **argv, int *index, const char *name, const char **value)
{
    const char *argument = argv[*index];
    size_t length = strlen(name);
    if (strncmp(argument, name, length) != 0)
        return false;
    if (argument[length] == '=') {
        *value = argument + length + 1;
        return true;
    }
    if (argument[length] != '\0')
        return false;
    *value = *index + 1 < argc ? argv[++*index] : NULL;
    return true;
}

/* Prints the meaning of an exit code; the argument must be a decimal number. */
static int explain_exit(const char *text)
{
    char *end = NULL;
    errno = 0;
    long code = text[0] != '\0' ? strtol(text, &end, 10) : -1;
    const char *meaning = NULL;
    if (end != NULL && *end == '\0' && errno == 0 && code >= 0 && code <= 255)
        meaning = cella_platform_exit_str((int)code);
    if (meaning == NULL) {
        fprintf(stderr,
                "cella detect: --explain-exit %s: not an exit code of cella detect "
                "(0-5, 64, 70)\n",
                text);
        return CELLA_PLATFORM_EXIT_USAGE;
    }
    printf("%s\n", meaning);
    return 0;
}

/* ---- human output ---------------------------------------------------------------------- */

struct marks {
    const char *pass;
    const char *fail;
    const char *warn;
    const char *neutral;
    const char *bullet;
};

static const struct marks utf8_marks = {"\u2714", "\u2718", "\u26a0", "\u2022", "\u2022"};
static const struct marks ascii_marks = {"[ok]", "[--]", "[!!]", "[??]", "-"};

static const char *status_mark(const struct marks *marks, cella_platform_status_t status)
{
    switch (status) {
    case CELLA_PLATFORM_PASS:
        return marks->pass;
    case CELLA_PLATFORM_FAIL:
        return marks->fail;
    case CELLA_PLATFORM_WARN:
        return marks->warn;
    case CELLA_PLATFORM_SKIP:
    case CELLA_PLATFORM_INFO:
        return marks->neutral;
    }
    return marks->neutral;
}

static const char *backend_mark(const struct marks *marks, cella_platform_backend_state_t state)
{
    switch (state) {
    case CELLA_PLATFORM_BACKEND_AVAILABLE:
        return marks->pass;
    case CELLA_PLATFORM_BACKEND_UNAVAILABLE:
        return marks->fail;
    case CELLA_PLATFORM_BACKEND_PLANNED:
    case CELLA_PLATFORM_BACKEND_UNKNOWN:
        return marks->neutral;
    }
    return marks->neutral;
}

/* Characters on screen, counting a UTF-8 sequence as one. */
static size_t display_width(const char *text, size_t length)
{
    size_t width = 0;
    for (size_t i = 0; i < length; i++) {
        if (((unsigned char)text[i] & 0xC0u) != 0x80u)
            width++;
    }
    return width;
}

/*
 * Prints "<indent><mark>  <text>" (just "<indent><text>" without a mark), wrapping text at
 * width columns (0: no wrapping) with continuation lines under the text's first character.
 */
static void print_item(const char *indent, const char *mark, const char *text, size_t width)
{
    size_t hang = strlen(indent);
    if (mark[0] != '\0')
        hang += display_width(mark, strlen(mark)) + 2;
    printf("%s%s%s", indent, mark, mark[0] != '\0' ? "  " : "");
    if (width == 0 || hang + 20 > width) {
        printf("%s\n", text);
        return;
    }
    size_t room = width - hang;
    const char *rest = text;
    while (display_width(rest, strlen(rest)) > room) {
        /* The last space that keeps the line within room; a long word overflows. */
        const char *cut = NULL;
        size_t seen = 0;
        for (const char *p = rest; *p != '\0'; p++) {
            if (((unsigned char)*p & 0xC0u) != 0x80u)
                seen++;
            if (seen > room)
                break;
            if (*p == ' ')
                cut = p;
        }
        if (cut == NULL)
            cut = strchr(rest, ' ');
        if (cut == NULL)
            break;
        printf("%.*s\n%*s", (int)(cut - rest), rest, (int)hang, "");
        rest = cut + 1;
    }
    printf("%s\n", rest);
}

static size_t terminal_width(void)
{
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40)
        return size.ws_col;
    return 100;
}

static void print_human(const cella_platform_report_t *report, const struct marks *marks,
                        size_t width, const char *backend)
{
    char line[2 * CELLA_PLATFORM_TEXT_MAX_BYTES + 64];

    printf("cella detect: can this machine run enclaves?\n");
    for (int section = 0; section < CELLA_PLATFORM_SECTION_COUNT; section++) {
        printf("\n%s\n", cella_platform_section_str((cella_platform_section_t)section));
        for (size_t i = 0; i < report->check_count; i++) {
            const cella_platform_check_t *check = &report->checks[i];
            if ((int)check->section != section)
                continue;
            snprintf(line, sizeof(line), "%s: %s", check->title, check->detail);
            print_item(check->level == 0 ? "  " : "      ", status_mark(marks, check->status), line,
                       width);
        }
    }

    printf("\nBackends\n");
    for (size_t i = 0; i < CELLA_PLATFORM_BACKEND_COUNT; i++) {
        const cella_platform_backend_t *item = &report->backends[i];
        snprintf(line, sizeof(line), "%-8s %s: %s", item->name,
                 cella_platform_backend_state_str(item->state), item->detail);
        print_item("  ", backend_mark(marks, item->state), line, width);
    }

    printf("\n");
    if (backend != NULL) {
        cella_platform_backend_id_t id = CELLA_PLATFORM_BACKEND_SANDBOX;
        if (cella_platform_get_backend_id(backend, &id)) {
            const cella_platform_backend_t *item = &report->backends[id];
            const char *answer =
                item->state == CELLA_PLATFORM_BACKEND_AVAILABLE ? "can run here (exit 0)"
                : item->state == CELLA_PLATFORM_BACKEND_PLANNED
                    ? "cannot run here: this version of cella does not ship it (exit 5)"
                : item->state == CELLA_PLATFORM_BACKEND_UNKNOWN
                    ? "not known to run here: what it needs was not probed (exit 5)"
                    : "cannot run here (exit 5)";
            snprintf(line, sizeof(line), "Backend %s: %s.", item->name, answer);
            print_item("", "", line, width);
        }
    }
    snprintf(line, sizeof(line), "Verdict: %s", report->verdict);
    print_item("", "", line, width);

    printf("\nWhat to do\n");
    bool any = false;
    for (size_t i = 0; i < report->check_count; i++) {
        const cella_platform_check_t *check = &report->checks[i];
        if ((check->status != CELLA_PLATFORM_FAIL && check->status != CELLA_PLATFORM_WARN) ||
            check->remedy[0] == '\0')
            continue;
        snprintf(line, sizeof(line), "%s: %s", check->title, check->remedy);
        print_item("  ", marks->bullet, line, width);
        any = true;
    }
    if (!any)
        print_item("  ", marks->bullet, "nothing: no check failed", width);
}

static bool utf8_terminal(void)
{
    if (!isatty(STDOUT_FILENO))
        return false;
    if (setlocale(LC_CTYPE, "") == NULL)
        return false;
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* ---- JSON output ----------------------------------------------------------------------- */

static json_t *hex_string(uint64_t value)
{
    char text[24];
    snprintf(text, sizeof(text), "0x%" PRIx64, value);
    return json_text(text);
}

static const char *setting_state_str(cella_platform_setting_t state)
{
    switch (state) {
    case CELLA_PLATFORM_SETTING_UNSET:
        return "unset";
    case CELLA_PLATFORM_SETTING_SET:
        return "set";
    case CELLA_PLATFORM_SETTING_WRONG_TYPE:
        return "wrong_type";
    }
    return "unset";
}

static const char *qcnl_format_str(cella_platform_qcnl_format_t format)
{
    switch (format) {
    case CELLA_PLATFORM_QCNL_ABSENT:
        return "absent";
    case CELLA_PLATFORM_QCNL_UNREADABLE:
        return "unreadable";
    case CELLA_PLATFORM_QCNL_JSON:
        return "json";
    case CELLA_PLATFORM_QCNL_LEGACY:
        return "legacy";
    case CELLA_PLATFORM_QCNL_INVALID:
        return "invalid";
    }
    return "invalid";
}

static const char *node_type_name(cella_platform_node_type_t type)
{
    switch (type) {
    case CELLA_PLATFORM_NODE_ABSENT:
        return "absent";
    case CELLA_PLATFORM_NODE_CHAR_DEVICE:
        return "char_device";
    case CELLA_PLATFORM_NODE_SOCKET:
        return "socket";
    case CELLA_PLATFORM_NODE_REGULAR_FILE:
        return "file";
    case CELLA_PLATFORM_NODE_DIRECTORY:
        return "directory";
    case CELLA_PLATFORM_NODE_OTHER:
        return "other";
    case CELLA_PLATFORM_NODE_STAT_FAILED:
        return "stat_failed";
    }
    return "other";
}

static const char *access_class_name(cella_platform_access_class_t access)
{
    switch (access) {
    case CELLA_PLATFORM_ACCESS_AS_ROOT:
        return "root";
    case CELLA_PLATFORM_ACCESS_AS_OWNER:
        return "owner";
    case CELLA_PLATFORM_ACCESS_AS_GROUP:
        return "group";
    case CELLA_PLATFORM_ACCESS_AS_SUPPLEMENTARY:
        return "supplementary_group";
    case CELLA_PLATFORM_ACCESS_AS_OTHER:
        return "other";
    }
    return "other";
}

/* An errno as {"errno": N, "error": "text"} members, or nulls when not tried (-1). */
static json_t *errno_value(int error)
{
    return error < 0 ? json_null() : json_integer(error);
}

static json_t *errno_text(int error)
{
    return error <= 0 ? json_null() : json_text(strerror(error));
}

static json_t *optional_string(const char *text)
{
    return text != NULL && text[0] != '\0' ? json_text(text) : json_null();
}

static json_t *cpu_json(const cella_platform_cpu_t *cpu)
{
    json_t *sections = json_array();
    json_t *records = json_array();
    if (sections == NULL || records == NULL) {
        json_decref(sections);
        json_decref(records);
        return NULL;
    }
    for (size_t i = 0; i < cpu->epc_section_count; i++) {
        const cella_platform_epc_section_t *epc = &cpu->epc_sections[i];
        const char *protection =
            epc->property == CELLA_PLATFORM_EPC_INTEGRITY              ? "confidentiality_integrity"
            : epc->property == CELLA_PLATFORM_EPC_CONFIDENTIALITY_ONLY ? "confidentiality_only"
                                                                       : "unknown";
        if (json_array_append_new(sections,
                                  json_pack("{s:o, s:I, s:s, s:i}", "base", hex_string(epc->base),
                                            "size_bytes", (json_int_t)epc->size, "protection",
                                            protection, "property", (int)epc->property)) != 0)
            goto fail;
    }
    for (size_t i = 0; i < cpu->records.record_count; i++) {
        const cella_platform_cpuid_record_t *record = &cpu->records.records[i];
        if (json_array_append_new(
                records,
                json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "leaf", hex_string(record->leaf),
                          "subleaf", hex_string(record->subleaf), "eax",
                          hex_string(record->regs[0]), "ebx", hex_string(record->regs[1]), "ecx",
                          hex_string(record->regs[2]), "edx", hex_string(record->regs[3]))) != 0)
            goto fail;
    }
    json_t *epc = json_pack(
        "{s:I, s:I, s:I, s:I, s:o, s:b, s:o}", "total_bytes", (json_int_t)cpu->epc_total_bytes,
        "integrity_bytes", (json_int_t)cpu->epc_integrity_bytes, "confidentiality_only_bytes",
        (json_int_t)cpu->epc_confidentiality_only_bytes, "unknown_property_bytes",
        (json_int_t)cpu->epc_unknown_property_bytes, "sections", sections, "sections_truncated",
        cpu->epc_sections_truncated, "bad_subleaf",
        cpu->epc_bad_type != 0 ? json_pack("{s:i, s:i}", "subleaf", (int)cpu->epc_bad_subleaf,
                                           "type", (int)cpu->epc_bad_type)
                               : json_null());
    json_t *features =
        json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "sgx", cpu->sgx,
                  "sgx_lc", cpu->sgx_lc, "sgx1", cpu->sgx1, "sgx2", cpu->sgx2, "enclv", cpu->enclv,
                  "encls_c", cpu->enclsc, "edeccssa", cpu->edeccssa, "exinfo", cpu->exinfo,
                  "cpinfo", cpu->cpinfo, "kss", cpu->kss, "aex_notify", cpu->aex_notify);
    json_t *result = json_pack(
        "{s:b, s:o, s:i, s:i, s:i, s:o, s:b, s:o, s:b, s:b, s:b, s:o, s:o, s:i, s:i, s:o, s:o, "
        "s:b, s:o, s:o}",
        "cpuid_available", cpu->cpuid_available, "vendor", optional_string(cpu->vendor), "family",
        (int)cpu->family, "model", (int)cpu->model, "stepping", (int)cpu->stepping,
        "max_basic_leaf", hex_string(cpu->max_basic_leaf), "hypervisor", cpu->hypervisor,
        "hypervisor_vendor", optional_string(cpu->hypervisor_vendor), "tdx_guest", cpu->tdx_guest,
        "leaf_12_available", cpu->leaf_12_available, "leaf_12_zero", cpu->leaf_12_zero, "features",
        features, "miscselect_valid", hex_string(cpu->miscselect_valid), "max_enclave_size_32_log2",
        (int)cpu->max_enclave_size_32_log2, "max_enclave_size_64_log2",
        (int)cpu->max_enclave_size_64_log2, "attributes_valid", hex_string(cpu->attributes_valid),
        "xfrm_valid", hex_string(cpu->xfrm_valid), "cet", cpu->cet, "epc", epc, "cpuid_records",
        records);
    return result;

fail:
    json_decref(sections);
    json_decref(records);
    return NULL;
}

static json_t *nodes_json(const cella_platform_facts_t *facts)
{
    json_t *nodes = json_object();
    if (nodes == NULL)
        return NULL;
    for (size_t i = 0; i < CELLA_PLATFORM_NODE_COUNT; i++) {
        const cella_platform_node_t *node = &facts->nodes[i];
        char mode[8];
        snprintf(mode, sizeof(mode), "0%o", (unsigned)node->mode);
        bool exists = node->type != CELLA_PLATFORM_NODE_ABSENT &&
                      node->type != CELLA_PLATFORM_NODE_STAT_FAILED;
        json_t *item = json_pack(
            "{s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:b, s:b}", "type",
            node_type_name(node->type), "present", node->present, "stand_in", node->stand_in,
            "mode", exists ? json_text(mode) : json_null(), "owner_uid",
            exists ? json_integer(node->owner_uid) : json_null(), "owner",
            optional_string(node->owner_name), "group_gid",
            exists ? json_integer(node->group_gid) : json_null(), "group",
            optional_string(node->group_name), "access_as",
            exists ? json_text(access_class_name(node->access_class)) : json_null(), "stat_error",
            node->type == CELLA_PLATFORM_NODE_STAT_FAILED ? json_text(strerror(node->stat_errno))
                                                          : json_null(),
            "access_by_mode", node->access_by_mode, "open_errno", errno_value(node->open_errno),
            "open_error", errno_text(node->open_errno), "usable", node->usable, "group_lists_user",
            node->group_lists_user);
        if (item == NULL || json_object_set_new(nodes, node->path, item) != 0) {
            json_decref(nodes);
            return NULL;
        }
    }
    return nodes;
}

static json_t *qcnl_json(const cella_platform_qcnl_t *qcnl)
{
    bool has_error = qcnl->format == CELLA_PLATFORM_QCNL_INVALID ||
                     qcnl->format == CELLA_PLATFORM_QCNL_UNREADABLE;
    bool set_url = qcnl->pccs_url_state == CELLA_PLATFORM_SETTING_SET;
    return json_pack(
        "{s:s, s:o, s:o, s:o, s:s, s:o, s:s, s:o, s:s, s:o, s:s, s:o, s:s, s:b, s:o}", "format",
        qcnl_format_str(qcnl->format), "error",
        has_error
            ? json_pack("{s:o, s:o, s:o}", "line",
                        qcnl->error.line > 0 ? json_integer(qcnl->error.line) : json_null(),
                        "column",
                        qcnl->error.column > 0 ? json_integer(qcnl->error.column) : json_null(),
                        "text", json_text(qcnl->error.text))
            : json_null(),
        "hint", optional_string(qcnl->hint), "pccs_url",
        set_url ? json_text(qcnl->pccs_url) : json_null(), "pccs_url_state",
        setting_state_str(qcnl->pccs_url_state), "use_secure_cert",
        qcnl->use_secure_cert_state == CELLA_PLATFORM_SETTING_SET
            ? json_boolean(qcnl->use_secure_cert)
            : json_null(),
        "use_secure_cert_state", setting_state_str(qcnl->use_secure_cert_state),
        "collateral_service",
        qcnl->collateral_service_state == CELLA_PLATFORM_SETTING_SET
            ? json_text(qcnl->collateral_service)
            : json_null(),
        "collateral_service_state", setting_state_str(qcnl->collateral_service_state),
        "pccs_api_version",
        qcnl->pccs_api_version_state == CELLA_PLATFORM_SETTING_SET
            ? json_text(qcnl->pccs_api_version)
            : json_null(),
        "pccs_api_version_state", setting_state_str(qcnl->pccs_api_version_state),
        "local_cache_only",
        qcnl->local_cache_only_state == CELLA_PLATFORM_SETTING_SET
            ? json_boolean(qcnl->local_cache_only)
            : json_null(),
        "local_cache_only_state", setting_state_str(qcnl->local_cache_only_state),
        "value_truncated", qcnl->value_truncated, "legacy_ignored_line",
        qcnl->legacy_ignored_line > 0 ? json_integer(qcnl->legacy_ignored_line) : json_null());
}

static json_t *facts_json(const cella_platform_facts_t *facts, const struct options *options)
{
    json_t *kernel = json_pack(
        "{s:o, s:b, s:b, s:b, s:I, s:i, s:o, s:{s:o, s:o, s:o}, s:{s:b, s:o, s:o, s:o}, s:o}",
        "release", optional_string(facts->kernel_release), "cpuinfo_readable",
        facts->cpuinfo_readable, "cpuinfo_sgx", facts->cpuinfo_sgx, "cpuinfo_sgx_lc",
        facts->cpuinfo_sgx_lc, "sgx_total_bytes", (json_int_t)facts->sgx_total_bytes,
        "sgx_numa_nodes", (int)facts->sgx_numa_node_count, "secretmem_enable_param",
        facts->secretmem_enable_param >= 0 ? json_integer(facts->secretmem_enable_param)
                                           : json_null(),
        "memfd_secret", "errno", errno_value(facts->memfd_secret_errno), "error",
        errno_text(facts->memfd_secret_errno), "step",
        facts->memfd_secret_errno > 0 ? optional_string(facts->memfd_secret_step) : json_null(),
        "seccomp", "filter_available", facts->seccomp_filter_errno == 0, "errno",
        errno_value(facts->seccomp_filter_errno), "error", errno_text(facts->seccomp_filter_errno),
        "mode", facts->seccomp_mode >= 0 ? json_integer(facts->seccomp_mode) : json_null(),
        "kvm_api_version",
        facts->kvm_api_version >= 0 ? json_integer(facts->kvm_api_version) : json_null());
    return json_pack(
        "{s:{s:o, s:o, s:b}, s:b, s:{s:i, s:i, s:o}, s:o, s:o, s:o, s:{s:b, s:b, s:o, s:o, s:o}, "
        "s:o, "
        "s:{s:b, s:o}}",
        "source", "root", optional_string(options->root), "cpuid_file",
        optional_string(options->cpuid_file), "stand_ins", facts->root_given, "x86_64_linux",
        facts->x86_64_linux, "user", "uid", (int)facts->uid, "gid", (int)facts->gid, "name",
        optional_string(facts->user_name), "cpu", cpu_json(&facts->cpu), "kernel", kernel, "nodes",
        nodes_json(facts), "aesm", "environment_read", facts->environment_read, "addr_set",
        facts->aesm_addr_set, "addr",
        facts->aesm_addr_set ? json_text(facts->aesm_addr) : json_null(), "connect_errno",
        errno_value(facts->aesm_connect_errno), "connect_error",
        errno_text(facts->aesm_connect_errno), "qcnl", qcnl_json(&facts->qcnl), "container",
        "detected", facts->container, "hint", optional_string(facts->container_hint));
}

static json_t *report_json(const cella_platform_facts_t *facts,
                           const cella_platform_report_t *report, const struct options *options,
                           int exit_code)
{
    json_t *checks = json_array();
    json_t *backends = json_array();
    if (checks == NULL || backends == NULL) {
        json_decref(checks);
        json_decref(backends);
        return NULL;
    }
    for (size_t i = 0; i < report->check_count; i++) {
        const cella_platform_check_t *check = &report->checks[i];
        json_t *item =
            json_pack("{s:s, s:s, s:o, s:i, s:s, s:o, s:o}", "id", check->id, "section",
                      cella_platform_section_str(check->section), "title", json_text(check->title),
                      "level", (int)check->level, "status",
                      cella_platform_status_str(check->status), "detail",
                      json_text(check->detail), "remedy", optional_string(check->remedy));
        if (item == NULL || json_array_append_new(checks, item) != 0) {
            json_decref(checks);
            json_decref(backends);
            return NULL;
        }
    }
    for (size_t i = 0; i < CELLA_PLATFORM_BACKEND_COUNT; i++) {
        const cella_platform_backend_t *backend = &report->backends[i];
        json_t *item = json_pack("{s:s, s:s, s:b, s:o, s:o}", "name", backend->name, "state",
                                 cella_platform_backend_state_str(backend->state), "machine_ready",
                                 backend->machine_ready, "detail", json_text(backend->detail),
                                 "remedy", optional_string(backend->remedy));
        if (item == NULL || json_array_append_new(backends, item) != 0) {
            json_decref(checks);
            json_decref(backends);
            return NULL;
        }
    }
    return json_pack("{s:s, s:i, s:s, s:i, s:o, s:o, s:o, s:o, s:o}", "cella_version",
                     CELLA_VERSION, "exit_code", exit_code, "exit_meaning",
                     cella_platform_exit_str(exit_code), "sgx_exit_code", report->exit_code,
                     "backend_query",
                     options->backend != NULL
                         ? json_pack("{s:s, s:i}", "name", options->backend, "exit_code", exit_code)
                         : json_null(),
                     "verdict", json_text(report->verdict), "facts", facts_json(facts, options), "checks",
                     checks, "backends", backends);
}

/* ---- main ---------------------------------------------------------------------------------- */

static int read_cpuid_file(const char *path, cella_platform_cpuid_table_t *table)
{
    FILE *stream = fopen(path, "rb");
    if (stream == NULL) {
        fprintf(stderr, "cella detect: %s: cannot open the CPUID file: %s\n", path,
                strerror(errno));
        return CELLA_PLATFORM_EXIT_USAGE;
    }
    static char text[CELLA_PLATFORM_CPUID_FILE_MAX_BYTES + 1];
    size_t size = fread(text, 1, sizeof(text), stream);
    bool failed = ferror(stream) != 0;
    fclose(stream);
    if (failed) {
        fprintf(stderr, "cella detect: %s: cannot read the CPUID file\n", path);
        return CELLA_PLATFORM_EXIT_USAGE;
    }
    cella_platform_parse_error_t error;
    if (cella_platform_parse_cpuid_records(text, size, table, &error) != CELLA_OK) {
        if (error.line > 0)
            fprintf(stderr, "cella detect: %s:%d:%d: %s\n", path, error.line, error.column,
                    error.text);
        else
            fprintf(stderr, "cella detect: %s: %s\n", path, error.text);
        return CELLA_PLATFORM_EXIT_USAGE;
    }
    return 0;
}

static void dump_cpuid(const cella_platform_cpu_t *cpu)
{
    printf("# CPUID values read by cella detect; replay with: cella detect --cpuid-file FILE\n"
           "# leaf    subleaf    eax        ebx        ecx        edx\n");
    for (size_t i = 0; i < cpu->records.record_count; i++) {
        const cella_platform_cpuid_record_t *record = &cpu->records.records[i];
        printf("0x%08x 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x\n", (unsigned)record->leaf,
               (unsigned)record->subleaf, (unsigned)record->regs[0], (unsigned)record->regs[1],
               (unsigned)record->regs[2], (unsigned)record->regs[3]);
    }
}

/* Parses argv into options; returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, struct options *options)
{
    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        const char *value = NULL;
        if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argument, "--json") == 0) {
            options->json = true;
        } else if (strcmp(argument, "-q") == 0 || strcmp(argument, "--quiet") == 0) {
            options->quiet = true;
        } else if (strcmp(argument, "--ascii") == 0) {
            options->ascii = true;
        } else if (strcmp(argument, "--dump-cpuid") == 0) {
            options->dump_cpuid = true;
        } else if (option_value(argc, argv, &i, "--explain-exit", &value)) {
            if (value == NULL)
                return usage_error("%s: needs an exit code", argument);
            return explain_exit(value);
        } else if (option_value(argc, argv, &i, "--backend", &value)) {
            cella_platform_backend_id_t id;
            if (value == NULL)
                return usage_error("%s: needs a backend name (sandbox, sim, sgx, kvm)", argument);
            if (!cella_platform_get_backend_id(value, &id))
                return usage_error("--backend %s: not a backend of cella (sandbox, sim, sgx, kvm)",
                                   value);
            options->backend = value;
        } else if (option_value(argc, argv, &i, "--root", &value)) {
            struct stat info;
            if (value == NULL || value[0] == '\0')
                return usage_error("%s: needs a directory", argument);
            if (stat(value, &info) != 0 || !S_ISDIR(info.st_mode))
                return usage_error("--root %s: not a directory", value);
            if (strlen(value) >= CELLA_PLATFORM_ROOT_MAX_BYTES)
                return usage_error("--root %s: the path is too long", value);
            options->root = value;
        } else if (option_value(argc, argv, &i, "--cpuid-file", &value)) {
            if (value == NULL || value[0] == '\0')
                return usage_error("%s: needs a file", argument);
            options->cpuid_file = value;
        } else if (option_value(argc, argv, &i, "--user", &value)) {
            if (value == NULL || value[0] == '\0')
                return usage_error("%s: needs a user name or uid", argument);
            options->user = value;
        } else if (argument[0] == '-') {
            return usage_error("%s: unknown option", argument);
        } else {
            return usage_error("%s: unexpected argument (cella detect takes options only)",
                               argument);
        }
    }
    return -1;
}

int detect_main(int argc, char **argv)
{
    struct options options;
    memset(&options, 0, sizeof(options));
    int status = parse_options(argc, argv, &options);
    if (status >= 0)
        return status;

    /* Large structures: static storage keeps the stack small. */
    static cella_platform_env_t env;
    static cella_platform_cpuid_table_t cpuid_table;
    static cella_platform_facts_t facts;
    static cella_platform_report_t report;

    cella_platform_env_init_system(&env);
    if (options.cpuid_file != NULL) {
        status = read_cpuid_file(options.cpuid_file, &cpuid_table);
        if (status != 0)
            return status;
        env.cpuid = cella_platform_get_recorded_cpuid;
        env.cpuid_context = &cpuid_table;
    }
    if (options.root != NULL) {
        /* A tree to inspect, not this machine: nothing live, nothing from our environment. */
        env.root = options.root;
        env.fake_devices = true;
        env.memfd_secret = NULL;
        env.seccomp = NULL;
        env.kvm = NULL;
        env.open_device = NULL;
        env.connect_socket = NULL;
        env.getenv = NULL;
    }
    if (options.user != NULL) {
        cella_result_t r = cella_platform_env_set_user(&env, options.user);
        if (r == CELLA_ERR_NOT_FOUND)
            return usage_error("--user %s: no such user", options.user);
        if (r != CELLA_OK) {
            fprintf(stderr, "cella detect: --user %s: %s\n", options.user, cella_result_str(r));
            return r == CELLA_ERR_INVALID_ARGUMENT ? CELLA_PLATFORM_EXIT_USAGE : EXIT_INTERNAL;
        }
        /* Live opens would test this process's access, not that user's; so would this
         * process's locked-memory limit and capabilities (the user's come from PAM or
         * systemd when they log in). memfd_secret and seccomp are the kernel's: probed. */
        env.open_device = NULL;
        env.connect_socket = NULL;
        env.kvm = NULL;
        if (env.uid != getuid())
            env.memlock = NULL;
    }

    cella_result_t r = cella_platform_get_facts(&env, &facts);
    if (r != CELLA_OK) {
        fprintf(stderr, "cella detect: collecting the facts: %s\n", cella_result_str(r));
        return EXIT_INTERNAL;
    }
    if (options.dump_cpuid) {
        dump_cpuid(&facts.cpu);
        return fflush(stdout) == 0 ? 0 : EXIT_INTERNAL;
    }
    cella_platform_get_report(&facts, &report);

    int exit_code = report.exit_code;
    if (options.backend != NULL) {
        cella_platform_backend_id_t id = CELLA_PLATFORM_BACKEND_SANDBOX;
        if (cella_platform_get_backend_id(options.backend, &id))
            exit_code = cella_platform_get_backend_exit_code(&report, id);
    }
    if (options.quiet)
        return exit_code;

    if (options.json) {
        json_t *document = report_json(&facts, &report, &options, exit_code);
        if (document == NULL) {
            fprintf(stderr, "cella detect: building the JSON output: out of memory\n");
            return EXIT_INTERNAL;
        }
        int dumped = json_dumpf(document, stdout, JSON_INDENT(2));
        json_decref(document);
        if (dumped != 0 || putchar('\n') == EOF) {
            fprintf(stderr, "cella detect: writing the JSON output: %s\n", strerror(errno));
            return EXIT_INTERNAL;
        }
    } else {
        bool utf8 = !options.ascii && utf8_terminal();
        size_t width = isatty(STDOUT_FILENO) ? terminal_width() : 0;
        print_human(&report, utf8 ? &utf8_marks : &ascii_marks, width, options.backend);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "cella detect: writing the output: %s\n", strerror(errno));
        return EXIT_INTERNAL;
    }
    return exit_code;
}
