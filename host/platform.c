/* SPDX-License-Identifier: Apache-2.0 */
/* host/platform.c: probes what this machine offers for enclaves and judges cella's backends. */

/* syscall(), getc_unlocked() and the reentrant name-service calls. */
#define _GNU_SOURCE

#include "platform.h"

#include <ctype.h>
#include <inttypes.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* memfd_secret(2) is 447 on x86_64; older C library headers lack the name. */
#if !defined(SYS_memfd_secret) && defined(__x86_64__)
#define SYS_memfd_secret 447
#endif

#define KIB ((uint64_t)1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

/* Longest path built from env->root and a fixed path. */
#define PATH_BYTES (CELLA_PLATFORM_ROOT_MAX_BYTES + 256)

/* EPC sub-leaves of CPUID leaf 0x12 read at most (2, 3, ...); real parts have one per socket. */
#define EPC_SUBLEAVES_MAX 32

/* ---- small text helpers ---------------------------------------------------------------- */

/* Copies src into dst (dst_size > 0), cutting it if needed; true when it was cut. */
static bool copy_text(char *dst, size_t dst_size, const char *src)
{
    size_t length = strlen(src);
    bool cut = length >= dst_size;
    if (cut)
        length = dst_size - 1;
    memcpy(dst, src, length);
    dst[length] = '\0';
    return cut;
}

/* printf into dst; a long text is cut (the texts here are messages, not data). */
static void format_text(char *dst, size_t dst_size, const char *format, ...) CELLA_PRINTF(3, 4);
static void format_text(char *dst, size_t dst_size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int written = vsnprintf(dst, dst_size, format, args);
    va_end(args);
    if (written < 0)
        dst[0] = '\0';
}

/* printf appended to the text already in dst. */
static void append_text(char *dst, size_t dst_size, const char *format, ...) CELLA_PRINTF(3, 4);
static void append_text(char *dst, size_t dst_size, const char *format, ...)
{
    size_t used = strlen(dst);
    if (used + 1 >= dst_size)
        return;
    va_list args;
    va_start(args, format);
    int written = vsnprintf(dst + used, dst_size - used, format, args);
    va_end(args);
    if (written < 0)
        dst[used] = '\0';
}

static bool text_equal(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Builds "<root><path>" into out (PATH_BYTES); the caller checked the root's length. */
static void make_path(const cella_platform_env_t *env, const char *path, char *out)
{
    const char *root = env->root != NULL ? env->root : "";
    size_t root_length = strlen(root);
    while (root_length > 0 && root[root_length - 1] == '/')
        root_length--;
    format_text(out, PATH_BYTES, "%.*s%s", (int)root_length, root, path);
}

static bool has_root(const cella_platform_env_t *env)
{
    return env->root != NULL && env->root[0] != '\0';
}

/* ---- names ------------------------------------------------------------------------------ */

const char *cella_platform_exit_str(int code)
{
    switch (code) {
    case CELLA_PLATFORM_EXIT_READY:
        return "ready: SGX enclaves run here and DCAP quotes can be made (with --backend: that "
               "backend can run here)";
    case CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT:
        return "the CPU has no SGX, or the hypervisor does not pass it to this VM";
    case CELLA_PLATFORM_EXIT_FIRMWARE_DISABLED:
        return "the CPU has SGX but the firmware (BIOS/UEFI) or the hypervisor leaves it "
               "disabled, without EPC, or misconfigured";
    case CELLA_PLATFORM_EXIT_NO_DRIVER:
        return "SGX is enabled but Linux cannot run enclaves: no Flexible Launch Control, or "
               "/dev/sgx_enclave is missing or not accessible";
    case CELLA_PLATFORM_EXIT_NO_ATTESTATION:
        return "SGX enclaves run, but DCAP quotes cannot be made yet: /dev/sgx_provision or AESM, "
               "or the quote provider configuration, is missing";
    case CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE:
        return "the backend named with --backend cannot run here";
    case CELLA_PLATFORM_EXIT_USAGE:
        return "usage error: an unknown option or a bad argument";
    case CELLA_PLATFORM_EXIT_INTERNAL:
        return "internal error: out of memory, or the output could not be written";
    default:
        return NULL;
    }
}

const char *cella_platform_status_str(cella_platform_status_t status)
{
    switch (status) {
    case CELLA_PLATFORM_PASS:
        return "pass";
    case CELLA_PLATFORM_FAIL:
        return "fail";
    case CELLA_PLATFORM_WARN:
        return "warn";
    case CELLA_PLATFORM_SKIP:
        return "skip";
    case CELLA_PLATFORM_INFO:
        return "info";
    }
    return "unknown";
}

const char *cella_platform_section_str(cella_platform_section_t section)
{
    switch (section) {
    case CELLA_PLATFORM_SECTION_HARDWARE:
        return "SGX hardware";
    case CELLA_PLATFORM_SECTION_LINUX:
        return "Linux SGX support";
    case CELLA_PLATFORM_SECTION_ATTESTATION:
        return "Attestation (DCAP quotes)";
    case CELLA_PLATFORM_SECTION_ENVIRONMENT:
        return "Environment";
    case CELLA_PLATFORM_SECTION_CELLA:
        return "What cella's backends need";
    case CELLA_PLATFORM_SECTION_COUNT:
        break;
    }
    return "Other";
}

const char *cella_platform_backend_state_str(cella_platform_backend_state_t state)
{
    switch (state) {
    case CELLA_PLATFORM_BACKEND_AVAILABLE:
        return "available";
    case CELLA_PLATFORM_BACKEND_UNAVAILABLE:
        return "unavailable";
    case CELLA_PLATFORM_BACKEND_PLANNED:
        return "planned";
    case CELLA_PLATFORM_BACKEND_UNKNOWN:
        return "unknown";
    }
    return "unknown";
}

static const char *const backend_names[CELLA_PLATFORM_BACKEND_COUNT] = {
    [CELLA_PLATFORM_BACKEND_SANDBOX] = "sandbox",
    [CELLA_PLATFORM_BACKEND_SIM] = "sim",
    [CELLA_PLATFORM_BACKEND_SGX] = "sgx",
    [CELLA_PLATFORM_BACKEND_KVM] = "kvm",
};

bool cella_platform_get_backend_id(const char *name, cella_platform_backend_id_t *id)
{
    if (name == NULL || id == NULL)
        return false;
    for (size_t i = 0; i < CELLA_PLATFORM_BACKEND_COUNT; i++) {
        if (text_equal(name, backend_names[i])) {
            *id = (cella_platform_backend_id_t)i;
            return true;
        }
    }
    return false;
}

/* ---- recorded CPUID --------------------------------------------------------------------- */

static void set_parse_error(cella_platform_parse_error_t *error, int line, int column,
                            const char *format, ...) CELLA_PRINTF(4, 5);
static void set_parse_error(cella_platform_parse_error_t *error, int line, int column,
                            const char *format, ...)
{
    if (error == NULL)
        return;
    error->line = line;
    error->column = column;
    va_list args;
    va_start(args, format);
    int written = vsnprintf(error->text, sizeof(error->text), format, args);
    va_end(args);
    if (written < 0)
        error->text[0] = '\0';
}

/* Reads 1 to 8 hexadecimal digits, with or without 0x. */
static bool parse_hex32(const char *token, size_t length, uint32_t *value)
{
    if (length >= 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
        token += 2;
        length -= 2;
    }
    if (length == 0 || length > 8)
        return false;
    uint32_t result = 0;
    for (size_t i = 0; i < length; i++) {
        char c = token[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (uint32_t)(c - 'a') + 10u;
        else if (c >= 'A' && c <= 'F')
            digit = (uint32_t)(c - 'A') + 10u;
        else
            return false;
        result = (result << 4) | digit;
    }
    *value = result;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Parses one line (without its newline) into a record. Returns 1 for a record, 0 for a line
 * without one, -1 on error (error set).
 */
static int parse_cpuid_line(const char *line, size_t length, int line_number,
                            cella_platform_cpuid_record_t *record,
                            cella_platform_parse_error_t *error)
{
    static const char *const register_names[4] = {"eax", "ebx", "ecx", "edx"};
    uint32_t values[6];
    size_t count = 0;
    size_t i = 0;

    for (;;) {
        while (i < length && is_blank(line[i]))
            i++;
        if (i == length || line[i] == '#')
            break;
        size_t start = i;
        while (i < length && !is_blank(line[i]) && line[i] != '#')
            i++;
        const char *token = line + start;
        size_t token_length = i - start;
        int column = (int)start + 1;

        if (count == 6) {
            set_parse_error(error, line_number, column,
                            "more than 6 numbers; a record is: leaf subleaf eax ebx ecx edx");
            return -1;
        }
        /* cpuid -r writes "0x00: eax=0x..."; accept exactly those decorations. */
        if (count == 1 && token_length > 1 && token[token_length - 1] == ':')
            token_length--;
        if (count >= 2 && token_length > 4 && token[3] == '=') {
            if (strncmp(token, register_names[count - 2], 3) != 0) {
                set_parse_error(error, line_number, column, "expected %s= here, found '%.*s'",
                                register_names[count - 2], (int)token_length, token);
                return -1;
            }
            token += 4;
            token_length -= 4;
        }
        if (!parse_hex32(token, token_length, &values[count])) {
            set_parse_error(error, line_number, column,
                            "'%.*s' is not a hexadecimal number of at most 32 bits",
                            (int)(token_length > 40 ? 40 : token_length), token);
            return -1;
        }
        count++;
    }
    if (count == 0)
        return 0;
    if (count != 6) {
        set_parse_error(error, line_number, 1,
                        "expected 6 hexadecimal numbers (leaf subleaf eax ebx ecx edx), found %zu",
                        count);
        return -1;
    }
    record->leaf = values[0];
    record->subleaf = values[1];
    memcpy(record->regs, values + 2, sizeof(record->regs));
    return 1;
}

cella_result_t cella_platform_parse_cpuid_records(const char *text, size_t text_size,
                                                  cella_platform_cpuid_table_t *table,
                                                  cella_platform_parse_error_t *error)
{
    if (error != NULL)
        memset(error, 0, sizeof(*error));
    if (table == NULL || (text == NULL && text_size != 0)) {
        set_parse_error(error, 0, 0, "no table or no text given");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    if (text_size > CELLA_PLATFORM_CPUID_FILE_MAX_BYTES) {
        set_parse_error(error, 0, 0, "the recording has %zu bytes; at most %d are read", text_size,
                        CELLA_PLATFORM_CPUID_FILE_MAX_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }

    cella_platform_cpuid_table_t parsed;
    int record_lines[CELLA_PLATFORM_CPUID_RECORDS_MAX];
    parsed.record_count = 0;
    bool in_cpu_block = false;
    int line_number = 0;
    size_t offset = 0;

    while (offset < text_size) {
        line_number++;
        size_t end = offset;
        while (end < text_size && text[end] != '\n')
            end++;
        const char *line = text + offset;
        size_t length = end - offset;
        offset = end < text_size ? end + 1 : end;

        const char *nul = memchr(line, '\0', length);
        if (nul != NULL) {
            set_parse_error(error, line_number, (int)(nul - line) + 1, "a NUL byte in the text");
            return CELLA_ERR_INVALID_FORMAT;
        }
        size_t first = 0;
        while (first < length && is_blank(line[first]))
            first++;
        /* cpuid -r: "CPU:" or "CPU 3:" opens a processor's block; keep the first only. */
        if (length - first >= 3 && strncmp(line + first, "CPU", 3) == 0) {
            if (in_cpu_block)
                break;
            in_cpu_block = true;
            continue;
        }

        cella_platform_cpuid_record_t record;
        int found = parse_cpuid_line(line, length, line_number, &record, error);
        if (found < 0)
            return CELLA_ERR_INVALID_FORMAT;
        if (found == 0)
            continue;
        for (size_t i = 0; i < parsed.record_count; i++) {
            if (parsed.records[i].leaf == record.leaf &&
                parsed.records[i].subleaf == record.subleaf) {
                set_parse_error(error, line_number, 1,
                                "leaf 0x%x subleaf 0x%x is listed twice (lines %d and %d)",
                                (unsigned)record.leaf, (unsigned)record.subleaf, record_lines[i],
                                line_number);
                return CELLA_ERR_INVALID_FORMAT;
            }
        }
        if (parsed.record_count == CELLA_PLATFORM_CPUID_RECORDS_MAX) {
            set_parse_error(error, line_number, 1, "more than %d records",
                            CELLA_PLATFORM_CPUID_RECORDS_MAX);
            return CELLA_ERR_INVALID_FORMAT;
        }
        record_lines[parsed.record_count] = line_number;
        parsed.records[parsed.record_count++] = record;
    }

    *table = parsed;
    return CELLA_OK;
}

void cella_platform_get_recorded_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4],
                                       void *context)
{
    const cella_platform_cpuid_table_t *table = context;
    memset(regs, 0, 4 * sizeof(regs[0]));
    if (table == NULL)
        return;
    for (size_t i = 0; i < table->record_count && i < CELLA_PLATFORM_CPUID_RECORDS_MAX; i++) {
        if (table->records[i].leaf == leaf && table->records[i].subleaf == subleaf) {
            memcpy(regs, table->records[i].regs, 4 * sizeof(regs[0]));
            return;
        }
    }
}

/* ---- quote provider configuration (/etc/sgx_default_qcnl.conf) ------------------------- */

/* Line and column (1-based, counted in UTF-8 characters) of the byte at offset. */
static void locate_offset(const char *text, size_t offset, int *line, int *column)
{
    int line_number = 1;
    int column_number = 1;
    for (size_t i = 0; i < offset; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            line_number++;
            column_number = 1;
        } else if ((c & 0xC0u) != 0x80u) {
            column_number++;
        }
    }
    *line = line_number;
    *column = column_number;
}

/*
 * Turns // and block comments outside strings into spaces, newlines kept, so the JSON
 * parser sees what the quote provider's comment-aware parser sees at the same line and
 * column. Returns false when a block comment never ends (*open_offset: where it starts).
 */
static bool blank_comments(char *text, size_t size, size_t *open_offset)
{
    bool in_string = false;
    size_t i = 0;
    while (i < size) {
        char c = text[i];
        if (in_string) {
            if (c == '\\' && i + 1 < size)
                i++;
            else if (c == '"' || c == '\n')
                in_string = false;
            i++;
            continue;
        }
        if (c == '"') {
            in_string = true;
            i++;
        } else if (c == '/' && i + 1 < size && text[i + 1] == '/') {
            while (i < size && text[i] != '\n')
                text[i++] = ' ';
        } else if (c == '/' && i + 1 < size && text[i + 1] == '*') {
            size_t start = i;
            text[i++] = ' ';
            text[i++] = ' ';
            while (i < size && !(text[i] == '*' && i + 1 < size && text[i + 1] == '/')) {
                if (text[i] != '\n')
                    text[i] = ' ';
                i++;
            }
            if (i >= size) {
                *open_offset = start;
                return false;
            }
            text[i++] = ' ';
            text[i++] = ' ';
        } else {
            i++;
        }
    }
    return true;
}

static bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The token jansson quotes in "... near 'TOKEN'", or NULL for "near end of file". */
static const char *json_error_token(const char *message, size_t *length)
{
    const char *near = strstr(message, " near '");
    if (near == NULL)
        return NULL;
    near += strlen(" near '");
    size_t remaining = strlen(near);
    if (remaining == 0 || near[remaining - 1] != '\'')
        return NULL;
    *length = remaining - 1;
    return near;
}

/*
 * Turns a jansson error into line, column and message, and adds a hint for the mistakes
 * people make in this file (a missing comma, as in Intel's own template once, a trailing
 * comma, unquoted keys, Python-style True).
 */
static void explain_json_error(const char *text, size_t size, const json_error_t *json_error,
                               cella_platform_qcnl_t *qcnl)
{
    const char *message = json_error->text;
    int line = json_error->line > 0 ? json_error->line : 1;
    int column = json_error->column > 0 ? json_error->column : 1;
    size_t token_length = 0;
    const char *token = json_error_token(message, &token_length);

    /* jansson points after the token; point at its first character instead. */
    size_t token_start = SIZE_MAX;
    if (token != NULL && json_error->position >= 0) {
        size_t end = (size_t)json_error->position;
        if (end <= size && token_length <= end &&
            memcmp(text + end - token_length, token, token_length) == 0) {
            token_start = end - token_length;
            locate_offset(text, token_start, &line, &column);
        }
    }
    /* The last character before the token that is not white space. */
    int previous_line = 0;
    int previous_column = 0;
    if (token_start != SIZE_MAX) {
        size_t i = token_start;
        while (i > 0 && is_json_space(text[i - 1]))
            i--;
        if (i > 0)
            locate_offset(text, i - 1, &previous_line, &previous_column);
    }

    qcnl->error.line = line;
    qcnl->error.column = column;
    copy_text(qcnl->error.text, sizeof(qcnl->error.text), message);

    bool near_end = strstr(message, "near end of file") != NULL;
    if (strstr(message, "unable to decode byte") != NULL) {
        copy_text(qcnl->hint, sizeof(qcnl->hint), "the file is not valid UTF-8 text");
    } else if (strstr(message, "premature end of input") != NULL) {
        copy_text(qcnl->hint, sizeof(qcnl->hint), "a string is not closed: a '\"' is missing");
    } else if (near_end) {
        copy_text(qcnl->hint, sizeof(qcnl->hint),
                  "the file ends too early: a closing '}' or ']' is missing");
    } else if (starts_with(message, "end of file expected")) {
        copy_text(qcnl->hint, sizeof(qcnl->hint),
                  "there is text after the closing '}' of the object");
    } else if (starts_with(message, "string or '}' expected") && token != NULL &&
               token_length == 1 && token[0] == '}') {
        if (previous_line > 0)
            format_text(qcnl->hint, sizeof(qcnl->hint),
                        "JSON allows no ',' after the last member: remove the ',' at line %d, "
                        "column %d",
                        previous_line, previous_column);
        else
            copy_text(qcnl->hint, sizeof(qcnl->hint), "JSON allows no ',' after the last member");
    } else if (starts_with(message, "string or '}' expected")) {
        copy_text(qcnl->hint, sizeof(qcnl->hint),
                  "keys must be strings in double quotes, e.g. \"pccs_url\"");
    } else if (starts_with(message, "'}' expected") || starts_with(message, "']' expected")) {
        if (previous_line > 0)
            format_text(qcnl->hint, sizeof(qcnl->hint),
                        "a ',' is probably missing after the value that ends at line %d, "
                        "column %d",
                        previous_line, previous_column);
        else
            copy_text(qcnl->hint, sizeof(qcnl->hint),
                      "a ',' between two members is probably missing");
    } else if (starts_with(message, "':' expected")) {
        copy_text(qcnl->hint, sizeof(qcnl->hint), "a ':' is missing between a key and its value");
    } else if (starts_with(message, "invalid token")) {
        copy_text(qcnl->hint, sizeof(qcnl->hint),
                  "strings need double quotes (\"...\"), and true, false and null are written "
                  "in lower case");
    }
}

/* A string setting: SET and copied, or WRONG_TYPE (the quote provider ignores it). */
static void read_json_string(const json_t *object, const char *key, cella_platform_setting_t *state,
                             char *value, size_t value_size, bool *truncated)
{
    const json_t *member = json_object_get(object, key);
    if (member == NULL)
        return;
    if (!json_is_string(member)) {
        *state = CELLA_PLATFORM_SETTING_WRONG_TYPE;
        return;
    }
    *state = CELLA_PLATFORM_SETTING_SET;
    if (copy_text(value, value_size, json_string_value(member)))
        *truncated = true;
}

static void read_json_bool(const json_t *object, const char *key, cella_platform_setting_t *state,
                           bool *value)
{
    const json_t *member = json_object_get(object, key);
    if (member == NULL)
        return;
    if (!json_is_boolean(member)) {
        *state = CELLA_PLATFORM_SETTING_WRONG_TYPE;
        return;
    }
    *state = CELLA_PLATFORM_SETTING_SET;
    *value = json_is_true(member);
}

static const char *json_type_name(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

/* Keys the legacy reader knows (DCAP's QcnlConfigLegacy); others are ignored by it. */
static const char *const legacy_keys[] = {
    "PCCS_URL",
    "USE_SECURE_CERT",
    "COLLATERAL_SERVICE",
    "PCCS_API_VERSION",
    "RETRY_TIMES",
    "RETRY_DELAY",
    "LOCAL_PCK_URL",
    "PCK_CACHE_EXPIRE_HOURS",
    "VERIFY_COLLATERAL_CACHE_EXPIRE_HOURS",
    "LOCAL_CACHE_ONLY",
};

/* Legacy booleans: the reader compares with these exact spellings. */
static void read_legacy_bool(const char *value, cella_platform_setting_t *state, bool *result)
{
    if (text_equal(value, "TRUE") || text_equal(value, "true")) {
        *state = CELLA_PLATFORM_SETTING_SET;
        *result = true;
    } else if (text_equal(value, "FALSE") || text_equal(value, "false")) {
        *state = CELLA_PLATFORM_SETTING_SET;
        *result = false;
    } else {
        *state = CELLA_PLATFORM_SETTING_WRONG_TYPE;
    }
}

/*
 * Reads KEY=VALUE lines the way the quote provider's legacy reader does: all white space
 * is removed from a line, lines starting with '#' are comments. Returns the number of lines
 * with '=' (0: not this format). qcnl's settings are filled as it goes.
 */
static size_t parse_legacy(const char *text, size_t size, cella_platform_qcnl_t *qcnl)
{
    size_t assignments = 0;
    int line_number = 0;
    size_t offset = 0;
    char line[CELLA_PLATFORM_VALUE_MAX_BYTES + CELLA_PLATFORM_NAME_MAX_BYTES + 2];

    while (offset < size) {
        line_number++;
        size_t length = 0;
        bool too_long = false;
        for (; offset < size && text[offset] != '\n'; offset++) {
            char c = text[offset];
            if (isspace((unsigned char)c) || c == '\0')
                continue;
            if (length + 1 < sizeof(line))
                line[length++] = c;
            else
                too_long = true;
        }
        if (offset < size)
            offset++;
        line[length] = '\0';
        if (length == 0 || line[0] == '#')
            continue;

        char *equals = strchr(line, '=');
        if (equals == NULL) {
            if (qcnl->legacy_ignored_line == 0) {
                qcnl->legacy_ignored_line = line_number;
                qcnl->legacy_ignored_key[0] = '\0';
            }
            continue;
        }
        assignments++;
        *equals = '\0';
        const char *key = line;
        const char *value = equals + 1;
        if (too_long)
            qcnl->value_truncated = true;

        bool known = false;
        for (size_t i = 0; i < sizeof(legacy_keys) / sizeof(legacy_keys[0]); i++)
            known = known || text_equal(key, legacy_keys[i]);
        if (!known) {
            if (qcnl->legacy_ignored_line == 0) {
                qcnl->legacy_ignored_line = line_number;
                copy_text(qcnl->legacy_ignored_key, sizeof(qcnl->legacy_ignored_key), key);
            }
        } else if (text_equal(key, "PCCS_URL")) {
            qcnl->pccs_url_state = CELLA_PLATFORM_SETTING_SET;
            if (copy_text(qcnl->pccs_url, sizeof(qcnl->pccs_url), value))
                qcnl->value_truncated = true;
        } else if (text_equal(key, "USE_SECURE_CERT")) {
            read_legacy_bool(value, &qcnl->use_secure_cert_state, &qcnl->use_secure_cert);
        } else if (text_equal(key, "COLLATERAL_SERVICE")) {
            qcnl->collateral_service_state = CELLA_PLATFORM_SETTING_SET;
            if (copy_text(qcnl->collateral_service, sizeof(qcnl->collateral_service), value))
                qcnl->value_truncated = true;
        } else if (text_equal(key, "PCCS_API_VERSION")) {
            qcnl->pccs_api_version_state = CELLA_PLATFORM_SETTING_SET;
            if (copy_text(qcnl->pccs_api_version, sizeof(qcnl->pccs_api_version), value))
                qcnl->value_truncated = true;
        } else if (text_equal(key, "LOCAL_CACHE_ONLY")) {
            read_legacy_bool(value, &qcnl->local_cache_only_state, &qcnl->local_cache_only);
        }
    }
    return assignments;
}

static void clear_qcnl_settings(cella_platform_qcnl_t *qcnl)
{
    cella_platform_qcnl_format_t format = qcnl->format;
    memset(qcnl, 0, sizeof(*qcnl));
    qcnl->format = format;
    qcnl->use_secure_cert = true;
}

cella_result_t cella_platform_parse_qcnl(const char *text, size_t text_size,
                                         cella_platform_qcnl_t *qcnl)
{
    if (qcnl == NULL || (text == NULL && text_size != 0))
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(qcnl, 0, sizeof(*qcnl));
    qcnl->format = CELLA_PLATFORM_QCNL_INVALID;
    qcnl->use_secure_cert = true; /* the quote provider's default */

    if (text_size > CELLA_PLATFORM_QCNL_MAX_BYTES) {
        format_text(qcnl->error.text, sizeof(qcnl->error.text),
                    "the file has %zu bytes; at most %d are read", text_size,
                    CELLA_PLATFORM_QCNL_MAX_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }

    cella_result_t r = CELLA_ERR_UNEXPECTED;
    json_t *root = NULL;
    char *copy = malloc(text_size + 1);
    if (copy == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    if (text_size > 0)
        memcpy(copy, text, text_size);
    copy[text_size] = '\0';

    size_t open_comment = 0;
    if (!blank_comments(copy, text_size, &open_comment)) {
        locate_offset(text, open_comment, &qcnl->error.line, &qcnl->error.column);
        copy_text(qcnl->error.text, sizeof(qcnl->error.text), "a /* comment is never closed");
        copy_text(qcnl->hint, sizeof(qcnl->hint), "add the closing */");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }

    size_t first = 0;
    while (first < text_size && is_json_space(copy[first]))
        first++;
    if (first == text_size) {
        qcnl->error.line = 1;
        qcnl->error.column = 1;
        copy_text(qcnl->error.text, sizeof(qcnl->error.text),
                  "the file is empty (or holds only comments)");
        copy_text(qcnl->hint, sizeof(qcnl->hint),
                  "write a JSON object such as {\"pccs_url\": \"https://...\"}");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    if (text_size >= 3 && memcmp(copy, "\xEF\xBB\xBF", 3) == 0) {
        qcnl->error.line = 1;
        qcnl->error.column = 1;
        copy_text(qcnl->error.text, sizeof(qcnl->error.text),
                  "the file starts with a UTF-8 byte order mark (EF BB BF)");
        copy_text(qcnl->hint, sizeof(qcnl->hint),
                  "save the file without a byte order mark; the quote provider cannot read it");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }

    json_error_t json_error;
    root = json_loadb(copy, text_size, 0, &json_error);
    if (root == NULL) {
        bool looks_like_json = copy[first] == '{' || copy[first] == '[';
        if (!looks_like_json) {
            cella_platform_qcnl_t legacy;
            memset(&legacy, 0, sizeof(legacy));
            legacy.use_secure_cert = true;
            if (parse_legacy(text, text_size, &legacy) > 0) {
                *qcnl = legacy;
                qcnl->format = CELLA_PLATFORM_QCNL_LEGACY;
                r = CELLA_OK;
                goto out;
            }
        }
        explain_json_error(copy, text_size, &json_error, qcnl);
        if (!looks_like_json)
            copy_text(qcnl->hint, sizeof(qcnl->hint),
                      "the file is neither JSON nor KEY=VALUE lines; write a JSON object such "
                      "as {\"pccs_url\": \"https://...\"}");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    if (!json_is_object(root)) {
        qcnl->error.line = 1;
        qcnl->error.column = 1;
        format_text(qcnl->error.text, sizeof(qcnl->error.text),
                    "the top level is %s, not an object", json_type_name(root));
        copy_text(qcnl->hint, sizeof(qcnl->hint),
                  "write a JSON object such as {\"pccs_url\": \"https://...\"}");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }

    qcnl->format = CELLA_PLATFORM_QCNL_JSON;
    clear_qcnl_settings(qcnl);
    read_json_string(root, "pccs_url", &qcnl->pccs_url_state, qcnl->pccs_url,
                     sizeof(qcnl->pccs_url), &qcnl->value_truncated);
    read_json_bool(root, "use_secure_cert", &qcnl->use_secure_cert_state, &qcnl->use_secure_cert);
    read_json_string(root, "collateral_service", &qcnl->collateral_service_state,
                     qcnl->collateral_service, sizeof(qcnl->collateral_service),
                     &qcnl->value_truncated);
    read_json_string(root, "pccs_api_version", &qcnl->pccs_api_version_state,
                     qcnl->pccs_api_version, sizeof(qcnl->pccs_api_version),
                     &qcnl->value_truncated);
    read_json_bool(root, "local_cache_only", &qcnl->local_cache_only_state,
                   &qcnl->local_cache_only);
    if (qcnl->use_secure_cert_state != CELLA_PLATFORM_SETTING_SET)
        qcnl->use_secure_cert = true;
    r = CELLA_OK;

out:
    json_decref(root);
    free(copy);
    return r;
}

/* ---- facts: CPUID ------------------------------------------------------------------------ */

static void read_cpuid(const cella_platform_env_t *env, cella_platform_cpu_t *cpu, uint32_t leaf,
                       uint32_t subleaf, uint32_t regs[4])
{
    memset(regs, 0, 4 * sizeof(regs[0]));
    env->cpuid(leaf, subleaf, regs, env->cpuid_context);
    cella_platform_cpuid_table_t *records = &cpu->records;
    if (records->record_count < CELLA_PLATFORM_CPUID_RECORDS_MAX) {
        cella_platform_cpuid_record_t *record = &records->records[records->record_count++];
        record->leaf = leaf;
        record->subleaf = subleaf;
        memcpy(record->regs, regs, sizeof(record->regs));
    }
}

/* Twelve bytes of register text; trailing NULs dropped, other unprintable bytes as '?'. */
static void register_text(char out[13], uint32_t first, uint32_t second, uint32_t third)
{
    uint32_t words[3] = {first, second, third};
    memcpy(out, words, 12);
    out[12] = '\0';
    size_t length = 12;
    while (length > 0 && out[length - 1] == '\0')
        length--;
    for (size_t i = 0; i < length; i++) {
        if (out[i] < 0x20 || out[i] > 0x7e)
            out[i] = '?';
    }
    out[length] = '\0';
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    uint64_t sum;
    return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

/* Enumerates the EPC sections of CPUID leaf 0x12, sub-leaf 2 onward (SDM vol. 3D, 34.7.2). */
static void read_epc_sections(const cella_platform_env_t *env, cella_platform_cpu_t *cpu)
{
    for (uint32_t subleaf = 2; subleaf < 2 + EPC_SUBLEAVES_MAX; subleaf++) {
        uint32_t regs[4];
        read_cpuid(env, cpu, 0x12, subleaf, regs);
        uint32_t type = regs[0] & 0xFu;
        if (type == 0)
            return;
        if (type != 1) {
            cpu->epc_bad_type = type;
            cpu->epc_bad_subleaf = subleaf;
            return;
        }
        cella_platform_epc_section_t section;
        section.base = (uint64_t)(regs[0] & 0xFFFFF000u) + ((uint64_t)(regs[1] & 0xFFFFFu) << 32);
        section.size = (uint64_t)(regs[2] & 0xFFFFF000u) + ((uint64_t)(regs[3] & 0xFFFFFu) << 32);
        section.property = regs[2] & 0xFu;

        cpu->epc_total_bytes = add_saturating(cpu->epc_total_bytes, section.size);
        if (section.property == CELLA_PLATFORM_EPC_INTEGRITY)
            cpu->epc_integrity_bytes = add_saturating(cpu->epc_integrity_bytes, section.size);
        else if (section.property == CELLA_PLATFORM_EPC_CONFIDENTIALITY_ONLY)
            cpu->epc_confidentiality_only_bytes =
                add_saturating(cpu->epc_confidentiality_only_bytes, section.size);
        else
            cpu->epc_unknown_property_bytes =
                add_saturating(cpu->epc_unknown_property_bytes, section.size);

        if (cpu->epc_section_count < CELLA_PLATFORM_EPC_SECTIONS_MAX)
            cpu->epc_sections[cpu->epc_section_count++] = section;
        else
            cpu->epc_sections_truncated = true;
    }
}

static void probe_cpu(const cella_platform_env_t *env, cella_platform_cpu_t *cpu)
{
    uint32_t regs[4];
    if (env->cpuid == NULL)
        return;
    cpu->cpuid_available = true;

    read_cpuid(env, cpu, 0, 0, regs);
    cpu->max_basic_leaf = regs[0];
    register_text(cpu->vendor, regs[1], regs[3], regs[2]);

    if (cpu->max_basic_leaf >= 1) {
        read_cpuid(env, cpu, 1, 0, regs);
        uint32_t base_family = (regs[0] >> 8) & 0xFu;
        uint32_t base_model = (regs[0] >> 4) & 0xFu;
        cpu->stepping = regs[0] & 0xFu;
        cpu->family = base_family == 0xF ? base_family + ((regs[0] >> 20) & 0xFFu) : base_family;
        cpu->model = (base_family == 0x6 || base_family == 0xF)
                         ? base_model + (((regs[0] >> 16) & 0xFu) << 4)
                         : base_model;
        cpu->hypervisor = (regs[2] >> 31) & 1u;
    }
    /* Leaf 0x40000000 is meaningful only when the hypervisor bit says one is there. */
    if (cpu->hypervisor) {
        read_cpuid(env, cpu, 0x40000000u, 0, regs);
        register_text(cpu->hypervisor_vendor, regs[1], regs[2], regs[3]);
    }
    if (cpu->max_basic_leaf >= 7) {
        read_cpuid(env, cpu, 7, 0, regs);
        cpu->sgx = (regs[1] >> 2) & 1u;
        cpu->sgx_lc = (regs[2] >> 30) & 1u;
    }
    /* Leaf 0x12 exists only up to the max basic leaf, and means something only with SGX. */
    cpu->leaf_12_available = cpu->max_basic_leaf >= 0x12;
    if (cpu->sgx && cpu->leaf_12_available) {
        uint32_t leaf0[4];
        uint32_t leaf1[4];
        read_cpuid(env, cpu, 0x12, 0, leaf0);
        read_cpuid(env, cpu, 0x12, 1, leaf1);
        cpu->leaf_12_zero = (leaf0[0] | leaf0[1] | leaf0[2] | leaf0[3] | leaf1[0] | leaf1[1] |
                             leaf1[2] | leaf1[3]) == 0;
        cpu->sgx1 = leaf0[0] & 1u;
        cpu->sgx2 = (leaf0[0] >> 1) & 1u;
        cpu->enclv = (leaf0[0] >> 5) & 1u;
        cpu->enclsc = (leaf0[0] >> 6) & 1u;
        cpu->edeccssa = (leaf0[0] >> 11) & 1u;
        cpu->miscselect_valid = leaf0[1];
        cpu->exinfo = leaf0[1] & 1u;
        cpu->cpinfo = (leaf0[1] >> 1) & 1u;
        cpu->max_enclave_size_32_log2 = leaf0[3] & 0xFFu;
        cpu->max_enclave_size_64_log2 = (leaf0[3] >> 8) & 0xFFu;
        cpu->attributes_valid = (uint64_t)leaf1[0] | ((uint64_t)leaf1[1] << 32);
        cpu->xfrm_valid = (uint64_t)leaf1[2] | ((uint64_t)leaf1[3] << 32);
        cpu->cet = (leaf1[0] >> 6) & 1u;
        cpu->kss = (leaf1[0] >> 7) & 1u;
        cpu->aex_notify = (leaf1[0] >> 10) & 1u;
        read_epc_sections(env, cpu);
    }
    /* A TDX guest's CPUID leaf 0x21 reads "IntelTDX    " (EBX, EDX, ECX). */
    if (cpu->max_basic_leaf >= 0x21) {
        read_cpuid(env, cpu, 0x21, 0, regs);
        char signature[12];
        uint32_t words[3] = {regs[1], regs[3], regs[2]};
        memcpy(signature, words, sizeof(signature));
        cpu->tdx_guest = memcmp(signature, "IntelTDX    ", 12) == 0;
    }
}

/*
 * A decimal number written as digits only (no sign, no spaces: strtoul would take "-1" as
 * 2^64 - 1 and " +5" as 5) that ends where `end` may: at the NUL, or also at a newline when
 * newline_ends. False when it is not one or is above max.
 */
static bool parse_digits(const char *text, uint64_t max, bool newline_ends, uint64_t *value)
{
    uint64_t number = 0;
    size_t i = 0;
    for (; text[i] >= '0' && text[i] <= '9'; i++) {
        unsigned digit = (unsigned)(text[i] - '0');
        if (number > (max - digit) / 10)
            return false;
        number = number * 10 + digit;
    }
    if (i == 0 || !(text[i] == '\0' || (newline_ends && text[i] == '\n' && text[i + 1] == '\0')))
        return false;
    *value = number;
    return true;
}

/*
 * Lines of a text file under env->root, which may hold anything (a link to /dev/zero, say): a
 * line is cut at LINE_MAX_BYTES and reading stops after FILE_MAX_BYTES, so no file makes the
 * probe allocate or read without end. Lines come without their '\n'.
 */
#define LINE_MAX_BYTES ((size_t)1 << 20)
#define FILE_MAX_BYTES ((size_t)64 << 20)

struct line_reader {
    FILE *stream;
    char *line;
    size_t read;
};

static char *line_next(struct line_reader *reader)
{
    if (reader->line == NULL && (reader->line = malloc(LINE_MAX_BYTES)) == NULL)
        return NULL;
    size_t used = 0;
    bool any = false;
    int c;
    while (reader->read < FILE_MAX_BYTES && (c = getc_unlocked(reader->stream)) != EOF) {
        reader->read++;
        any = true;
        if (c == '\n')
            break;
        if (used + 1 < LINE_MAX_BYTES)
            reader->line[used++] = (char)c;
    }
    if (!any)
        return NULL;
    reader->line[used] = '\0';
    return reader->line;
}

/* ---- facts: users and groups ------------------------------------------------------------ */

/*
 * Looks id up in an etc/passwd or etc/group style file under env->root: name = field 0,
 * id = field 2. For passwd, *primary_gid = field 3; for group, *lists_user tells whether
 * user is in the member list (field 3).
 */
static bool find_in_id_file(const cella_platform_env_t *env, const char *file, uint32_t id,
                            char *name, size_t name_size, uint32_t *primary_gid, const char *user,
                            bool *lists_user)
{
    char path[PATH_BYTES];
    make_path(env, file, path);
    FILE *stream = fopen(path, "re");
    if (stream == NULL)
        return false;

    bool found = false;
    struct line_reader reader = {stream, NULL, 0};
    char *line;
    while (!found && (line = line_next(&reader)) != NULL) {
        char *fields[5] = {NULL, NULL, NULL, NULL, NULL};
        size_t field_count = 0;
        char *cursor = line;
        line[strcspn(line, "\r\n")] = '\0';
        while (field_count < 5) {
            fields[field_count++] = cursor;
            char *colon = strchr(cursor, ':');
            if (colon == NULL)
                break;
            *colon = '\0';
            cursor = colon + 1;
        }
        if (field_count < 3 || fields[0][0] == '\0' || fields[2][0] == '\0')
            continue;
        uint64_t value = 0;
        if (!parse_digits(fields[2], UINT32_MAX, false, &value) || value != id)
            continue;
        found = true;
        copy_text(name, name_size, fields[0]);
        uint64_t gid = 0;
        if (primary_gid != NULL && field_count >= 4 &&
            parse_digits(fields[3], UINT32_MAX, false, &gid))
            *primary_gid = (uint32_t)gid;
        if (lists_user != NULL && user != NULL && user[0] != '\0' && field_count >= 4) {
            char *save = NULL;
            for (char *member = strtok_r(fields[3], ",", &save); member != NULL;
                 member = strtok_r(NULL, ",", &save))
                *lists_user = *lists_user || text_equal(member, user);
        }
    }
    free(reader.line);
    fclose(stream);
    return found;
}

/* A name-service buffer for getpwuid_r/getgrgid_r, grown on ERANGE up to 1 MiB. */
#define NSS_BUFFER_MAX_BYTES (1024 * 1024)

static void find_user(const cella_platform_env_t *env, cella_platform_facts_t *facts,
                      uint32_t *primary_gid)
{
    if (find_in_id_file(env, "/etc/passwd", (uint32_t)facts->uid, facts->user_name,
                        sizeof(facts->user_name), primary_gid, NULL, NULL))
        return;
    if (has_root(env))
        return;
    for (size_t size = 4096; size <= NSS_BUFFER_MAX_BYTES; size *= 4) {
        char *buffer = malloc(size);
        if (buffer == NULL)
            return;
        struct passwd entry;
        struct passwd *result = NULL;
        int error = getpwuid_r(facts->uid, &entry, buffer, size, &result);
        if (error == 0 && result != NULL) {
            copy_text(facts->user_name, sizeof(facts->user_name), result->pw_name);
            *primary_gid = (uint32_t)result->pw_gid;
        }
        free(buffer);
        if (error != ERANGE)
            return;
    }
}

static void find_group(const cella_platform_env_t *env, uint32_t gid, const char *user, char *name,
                       size_t name_size, bool *lists_user)
{
    if (find_in_id_file(env, "/etc/group", gid, name, name_size, NULL, user, lists_user))
        return;
    if (has_root(env))
        return;
    for (size_t size = 4096; size <= NSS_BUFFER_MAX_BYTES; size *= 4) {
        char *buffer = malloc(size);
        if (buffer == NULL)
            return;
        struct group entry;
        struct group *result = NULL;
        int error = getgrgid_r((gid_t)gid, &entry, buffer, size, &result);
        if (error == 0 && result != NULL) {
            copy_text(name, name_size, result->gr_name);
            for (char **member = result->gr_mem; user[0] != '\0' && *member != NULL; member++)
                *lists_user = *lists_user || text_equal(*member, user);
        }
        free(buffer);
        if (error != ERANGE)
            return;
    }
}

static void find_owner(const cella_platform_env_t *env, uint32_t uid, char *name, size_t name_size)
{
    uint32_t unused_gid = 0;
    if (find_in_id_file(env, "/etc/passwd", uid, name, name_size, &unused_gid, NULL, NULL))
        return;
    if (has_root(env))
        return;
    char buffer[4096];
    struct passwd entry;
    struct passwd *result = NULL;
    if (getpwuid_r((uid_t)uid, &entry, buffer, sizeof(buffer), &result) == 0 && result != NULL)
        copy_text(name, name_size, result->pw_name);
}

/* ---- facts: device nodes, sockets, files --------------------------------------------- */

static const struct node_spec {
    const char *path;
    cella_platform_node_type_t kind; /* the kind of node it must be */
} node_specs[CELLA_PLATFORM_NODE_COUNT] = {
    [CELLA_PLATFORM_NODE_SGX_ENCLAVE] = {"/dev/sgx_enclave", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_SGX_PROVISION] = {"/dev/sgx_provision", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_SGX_VEPC] = {"/dev/sgx_vepc", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_LEGACY_ENCLAVE] = {"/dev/sgx/enclave", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_LEGACY_PROVISION] = {"/dev/sgx/provision",
                                              CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_ISGX] = {"/dev/isgx", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_TDX_GUEST] = {"/dev/tdx_guest", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_TDX_GUEST_LEGACY] = {"/dev/tdx-guest", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_SEV_GUEST] = {"/dev/sev-guest", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_KVM] = {"/dev/kvm", CELLA_PLATFORM_NODE_CHAR_DEVICE},
    [CELLA_PLATFORM_NODE_AESM_SOCKET] = {"/var/run/aesmd/aesm.socket", CELLA_PLATFORM_NODE_SOCKET},
    [CELLA_PLATFORM_NODE_AESMD_CONF] = {"/etc/aesmd.conf", CELLA_PLATFORM_NODE_REGULAR_FILE},
    [CELLA_PLATFORM_NODE_QCNL_CONF] = {"/etc/sgx_default_qcnl.conf",
                                       CELLA_PLATFORM_NODE_REGULAR_FILE},
};

static cella_platform_node_type_t node_type(mode_t mode)
{
    if (S_ISCHR(mode))
        return CELLA_PLATFORM_NODE_CHAR_DEVICE;
    if (S_ISSOCK(mode))
        return CELLA_PLATFORM_NODE_SOCKET;
    if (S_ISREG(mode))
        return CELLA_PLATFORM_NODE_REGULAR_FILE;
    if (S_ISDIR(mode))
        return CELLA_PLATFORM_NODE_DIRECTORY;
    return CELLA_PLATFORM_NODE_OTHER;
}

static bool in_groups(const cella_platform_env_t *env, uint32_t gid)
{
    for (size_t i = 0; env->groups != NULL && i < env->group_count; i++) {
        if ((uint32_t)env->groups[i] == gid)
            return true;
    }
    return false;
}

/*
 * Judges the permission bits as the kernel does for a process without capabilities beyond
 * root's: root passes, the owner gets the owner bits only, a member of the group (primary or
 * supplementary) the group bits, everyone else the other bits.
 */
static void judge_access(const cella_platform_env_t *env, cella_platform_node_t *node,
                         cella_platform_node_type_t kind)
{
    unsigned need = kind == CELLA_PLATFORM_NODE_CHAR_DEVICE ? 6u
                    : kind == CELLA_PLATFORM_NODE_SOCKET    ? 2u
                                                            : 4u;
    unsigned bits;
    if (env->uid == 0) {
        node->access_class = CELLA_PLATFORM_ACCESS_AS_ROOT;
        node->access_by_mode = true;
        return;
    }
    if ((uint32_t)env->uid == node->owner_uid) {
        node->access_class = CELLA_PLATFORM_ACCESS_AS_OWNER;
        bits = (node->mode >> 6) & 7u;
    } else if ((uint32_t)env->gid == node->group_gid) {
        node->access_class = CELLA_PLATFORM_ACCESS_AS_GROUP;
        bits = (node->mode >> 3) & 7u;
    } else if (in_groups(env, node->group_gid)) {
        node->access_class = CELLA_PLATFORM_ACCESS_AS_SUPPLEMENTARY;
        bits = (node->mode >> 3) & 7u;
    } else {
        node->access_class = CELLA_PLATFORM_ACCESS_AS_OTHER;
        bits = node->mode & 7u;
    }
    node->access_by_mode = (bits & need) == need;
}

static void probe_node(const cella_platform_env_t *env, cella_platform_facts_t *facts,
                       cella_platform_node_id_t id, uint32_t primary_gid)
{
    const struct node_spec *spec = &node_specs[id];
    cella_platform_node_t *node = &facts->nodes[id];
    char path[PATH_BYTES];
    struct stat info;

    copy_text(node->path, sizeof(node->path), spec->path);
    node->open_errno = -1;
    make_path(env, spec->path, path);
    if (stat(path, &info) != 0) {
        node->stat_errno = errno;
        node->type = (errno == ENOENT || errno == ENOTDIR) ? CELLA_PLATFORM_NODE_ABSENT
                                                           : CELLA_PLATFORM_NODE_STAT_FAILED;
        return;
    }
    node->type = node_type(info.st_mode);
    node->mode = (uint32_t)(info.st_mode & 07777);
    node->owner_uid = (uint32_t)info.st_uid;
    node->group_gid = (uint32_t)info.st_gid;
    node->stand_in = env->fake_devices && node->type == CELLA_PLATFORM_NODE_REGULAR_FILE &&
                     spec->kind != CELLA_PLATFORM_NODE_REGULAR_FILE;
    node->present = node->type == spec->kind || node->stand_in;
    find_owner(env, node->owner_uid, node->owner_name, sizeof(node->owner_name));
    bool lists_user = false;
    find_group(env, node->group_gid, facts->user_name, node->group_name, sizeof(node->group_name),
               &lists_user);
    judge_access(env, node, spec->kind);

    /* A new login would add the group: the user is listed in it but this session lacks it. */
    if (node->access_class == CELLA_PLATFORM_ACCESS_AS_OTHER) {
        unsigned need = spec->kind == CELLA_PLATFORM_NODE_CHAR_DEVICE ? 6u
                        : spec->kind == CELLA_PLATFORM_NODE_SOCKET    ? 2u
                                                                      : 4u;
        bool group_grants = (((node->mode >> 3) & 7u) & need) == need;
        node->group_lists_user = group_grants && (lists_user || primary_gid == node->group_gid);
    }

    if (node->present && !node->stand_in) {
        int result = -1;
        if (id == CELLA_PLATFORM_NODE_KVM && env->kvm != NULL)
            result = env->kvm(path, &facts->kvm_api_version, env->probe_context);
        else if (id != CELLA_PLATFORM_NODE_KVM && spec->kind == CELLA_PLATFORM_NODE_CHAR_DEVICE &&
                 env->open_device != NULL)
            result = env->open_device(path, env->probe_context);
        else if (spec->kind == CELLA_PLATFORM_NODE_SOCKET && env->connect_socket != NULL)
            result = env->connect_socket(path, env->probe_context);
        node->open_errno = result;
    }
    node->usable = node->present &&
                   (node->open_errno == 0 || (node->open_errno == -1 && node->access_by_mode));
}

/* ---- facts: procfs, sysfs, configuration ---------------------------------------------- */

/*
 * Reads up to size - 1 bytes of a file under env->root, NUL-terminated; *length (optional)
 * gets the byte count, which may include NUL bytes. Returns 0 or an errno value.
 */
static int read_small_file(const cella_platform_env_t *env, const char *file, char *text,
                           size_t size, size_t *length)
{
    char path[PATH_BYTES];
    make_path(env, file, path);
    text[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    size_t used = 0;
    while (used + 1 < size) {
        ssize_t count = read(fd, text + used, size - 1 - used);
        if (count < 0 && errno == EINTR)
            continue;
        if (count < 0) {
            int error = errno;
            close(fd);
            return error;
        }
        if (count == 0)
            break;
        used += (size_t)count;
    }
    text[used] = '\0';
    if (length != NULL)
        *length = used;
    close(fd);
    return 0;
}

static void probe_cpuinfo(const cella_platform_env_t *env, cella_platform_facts_t *facts)
{
    char path[PATH_BYTES];
    make_path(env, "/proc/cpuinfo", path);
    FILE *stream = fopen(path, "re");
    if (stream == NULL)
        return;
    facts->cpuinfo_readable = true;
    struct line_reader reader = {stream, NULL, 0};
    char *line;
    while ((line = line_next(&reader)) != NULL) {
        if (!starts_with(line, "flags"))
            continue;
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        char *save = NULL;
        for (char *flag = strtok_r(colon + 1, " \t\r\n", &save); flag != NULL;
             flag = strtok_r(NULL, " \t\r\n", &save)) {
            if (text_equal(flag, "sgx"))
                facts->cpuinfo_sgx = true;
            else if (text_equal(flag, "sgx_lc"))
                facts->cpuinfo_sgx_lc = true;
        }
        break; /* the first processor speaks for all */
    }
    free(reader.line);
    fclose(stream);
}

/* Sums sys/devices/system/node/node<N>/x86/sgx_total_bytes (Linux 5.17+, CONFIG_NUMA). */
static void probe_sgx_total_bytes(const cella_platform_env_t *env, cella_platform_facts_t *facts)
{
    char path[PATH_BYTES];
    make_path(env, "/sys/devices/system/node", path);
    DIR *directory = opendir(path);
    if (directory == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        const char *name = entry->d_name;
        if (!starts_with(name, "node") || name[4] == '\0' ||
            strspn(name + 4, "0123456789") != strlen(name + 4) || strlen(name) > 16)
            continue;
        char file[64];
        char text[64];
        format_text(file, sizeof(file), "/sys/devices/system/node/%s/x86/sgx_total_bytes", name);
        if (read_small_file(env, file, text, sizeof(text), NULL) != 0)
            continue;
        uint64_t bytes = 0;
        if (!parse_digits(text, UINT64_MAX, true, &bytes))
            continue;
        facts->sgx_numa_node_count++;
        facts->sgx_total_bytes = add_saturating(facts->sgx_total_bytes, (uint64_t)bytes);
    }
    closedir(directory);
}

static void probe_kernel_text(const cella_platform_env_t *env, cella_platform_facts_t *facts)
{
    char text[4096];
    if (read_small_file(env, "/proc/sys/kernel/osrelease", text, sizeof(text), NULL) == 0) {
        text[strcspn(text, "\r\n")] = '\0';
        copy_text(facts->kernel_release, sizeof(facts->kernel_release), text);
    }
    facts->secretmem_enable_param = -1;
    if (read_small_file(env, "/proc/cmdline", text, sizeof(text), NULL) == 0) {
        char *save = NULL;
        for (char *word = strtok_r(text, " \t\r\n", &save); word != NULL;
             word = strtok_r(NULL, " \t\r\n", &save)) {
            if (!starts_with(word, "secretmem.enable="))
                continue;
            /* A bool module parameter: y/Y/1/on enable, n/N/0/off disable. */
            const char *value = word + strlen("secretmem.enable=");
            if (value[0] == 'y' || value[0] == 'Y' || value[0] == '1' || text_equal(value, "on"))
                facts->secretmem_enable_param = 1;
            else if (value[0] == 'n' || value[0] == 'N' || value[0] == '0' ||
                     text_equal(value, "off"))
                facts->secretmem_enable_param = 0;
        }
    }
}

static const char *env_value(const cella_platform_env_t *env, const char *name)
{
    return env->getenv != NULL ? env->getenv(name, env->probe_context) : NULL;
}

static cella_result_t probe_qcnl(const cella_platform_env_t *env, cella_platform_facts_t *facts)
{
    const cella_platform_node_t *node = &facts->nodes[CELLA_PLATFORM_NODE_QCNL_CONF];
    cella_platform_qcnl_t *qcnl = &facts->qcnl;
    memset(qcnl, 0, sizeof(*qcnl));
    qcnl->use_secure_cert = true;
    if (node->type == CELLA_PLATFORM_NODE_ABSENT) {
        qcnl->format = CELLA_PLATFORM_QCNL_ABSENT;
        return CELLA_OK;
    }
    qcnl->format = CELLA_PLATFORM_QCNL_UNREADABLE;
    if (node->type != CELLA_PLATFORM_NODE_REGULAR_FILE) {
        format_text(qcnl->error.text, sizeof(qcnl->error.text), "%s",
                    node->type == CELLA_PLATFORM_NODE_DIRECTORY     ? "it is a directory"
                    : node->type == CELLA_PLATFORM_NODE_STAT_FAILED ? strerror(node->stat_errno)
                                                                    : "it is not a regular file");
        return CELLA_OK;
    }

    cella_result_t r = CELLA_ERR_UNEXPECTED;
    /* One byte more than the limit shows a file that is too big, one more for the NUL. */
    char *text = malloc(CELLA_PLATFORM_QCNL_MAX_BYTES + 2);
    if (text == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    size_t size = 0;
    int error = read_small_file(env, node_specs[CELLA_PLATFORM_NODE_QCNL_CONF].path, text,
                                CELLA_PLATFORM_QCNL_MAX_BYTES + 2, &size);
    if (error != 0) {
        copy_text(qcnl->error.text, sizeof(qcnl->error.text), strerror(error));
        r = CELLA_OK;
        goto out;
    }
    if (size > CELLA_PLATFORM_QCNL_MAX_BYTES) {
        qcnl->format = CELLA_PLATFORM_QCNL_INVALID;
        format_text(qcnl->error.text, sizeof(qcnl->error.text), "the file is larger than %d bytes",
                    CELLA_PLATFORM_QCNL_MAX_BYTES);
        r = CELLA_OK;
        goto out;
    }
    r = cella_platform_parse_qcnl(text, size, qcnl);
    if (r == CELLA_ERR_INVALID_FORMAT)
        r = CELLA_OK; /* an invalid file is a fact */

out:
    free(text);
    return r;
}

static bool path_exists(const cella_platform_env_t *env, const char *file)
{
    char path[PATH_BYTES];
    struct stat info;
    make_path(env, file, path);
    return stat(path, &info) == 0;
}

static void probe_container(const cella_platform_env_t *env, cella_platform_facts_t *facts)
{
    static const char *const cgroup_names[] = {"docker", "kubepods", "containerd", "libpod", "lxc"};
    const char *hint = NULL;
    char text[4096];

    if (path_exists(env, "/.dockerenv"))
        hint = "/.dockerenv exists (Docker)";
    else if (path_exists(env, "/run/.containerenv"))
        hint = "/run/.containerenv exists (Podman)";
    else if (env_value(env, "KUBERNETES_SERVICE_HOST") != NULL)
        hint = "KUBERNETES_SERVICE_HOST is set (a Kubernetes pod)";
    if (hint != NULL) {
        facts->container = true;
        copy_text(facts->container_hint, sizeof(facts->container_hint), hint);
        return;
    }
    if (read_small_file(env, "/proc/1/cgroup", text, sizeof(text), NULL) != 0)
        return;
    for (size_t i = 0; i < sizeof(cgroup_names) / sizeof(cgroup_names[0]); i++) {
        if (strstr(text, cgroup_names[i]) != NULL) {
            facts->container = true;
            format_text(facts->container_hint, sizeof(facts->container_hint),
                        "/proc/1/cgroup names %s", cgroup_names[i]);
            return;
        }
    }
}

cella_result_t cella_platform_get_facts(const cella_platform_env_t *env,
                                        cella_platform_facts_t *facts)
{
    if (env == NULL || facts == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (env->root != NULL && strlen(env->root) >= CELLA_PLATFORM_ROOT_MAX_BYTES)
        return CELLA_ERR_INVALID_ARGUMENT;

    memset(facts, 0, sizeof(*facts));
    facts->root_given = has_root(env);
#if defined(__x86_64__) && defined(__linux__)
    facts->x86_64_linux = true;
#endif
    facts->uid = env->uid;
    facts->gid = env->gid;
    facts->aesm_connect_errno = -1;
    facts->memfd_secret_errno = -1;
    facts->seccomp_filter_errno = -1;
    facts->seccomp_mode = -1;
    facts->kvm_errno = -1;
    facts->kvm_api_version = -1;

    probe_cpu(env, &facts->cpu);

    uint32_t primary_gid = (uint32_t)env->gid;
    find_user(env, facts, &primary_gid);
    for (size_t id = 0; id < CELLA_PLATFORM_NODE_COUNT; id++)
        probe_node(env, facts, (cella_platform_node_id_t)id, primary_gid);
    facts->aesm_connect_errno = facts->nodes[CELLA_PLATFORM_NODE_AESM_SOCKET].open_errno;
    facts->kvm_errno = facts->nodes[CELLA_PLATFORM_NODE_KVM].open_errno;
    if (facts->kvm_errno != 0)
        facts->kvm_api_version = -1;

    probe_cpuinfo(env, facts);
    probe_sgx_total_bytes(env, facts);
    probe_kernel_text(env, facts);

    facts->environment_read = env->getenv != NULL;
    const char *aesm_addr = env_value(env, "SGX_AESM_ADDR");
    if (aesm_addr != NULL) {
        facts->aesm_addr_set = true;
        copy_text(facts->aesm_addr, sizeof(facts->aesm_addr), aesm_addr);
    }
    cella_result_t r = probe_qcnl(env, facts);
    if (r != CELLA_OK)
        return r;

    if (env->memfd_secret != NULL) {
        const char *step = NULL;
        facts->memfd_secret_errno = env->memfd_secret(&step, env->probe_context);
        facts->memfd_secret_step = step;
    }
    if (env->memlock != NULL)
        facts->memlock_probed =
            env->memlock(&facts->memlock_limit, &facts->memlock_exempt, env->probe_context) == 0;
    if (env->seccomp != NULL) {
        int mode = -1;
        facts->seccomp_filter_errno = env->seccomp(&mode, env->probe_context);
        facts->seccomp_mode = mode;
    }
    probe_container(env, facts);
    return CELLA_OK;
}

/* ---- the system environment ------------------------------------------------------------- */

#if defined(__x86_64__) || defined(__i386__)
static void system_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4], void *context)
{
    (void)context;
    unsigned int eax = 0;
    unsigned int ebx = 0;
    unsigned int ecx = 0;
    unsigned int edx = 0;
    __cpuid_count(leaf, subleaf, eax, ebx, ecx, edx);
    regs[0] = eax;
    regs[1] = ebx;
    regs[2] = ecx;
    regs[3] = edx;
}
#endif

/* What a probe child reports through its pipe. */
struct probe_result {
    int step; /* index into memfd_secret_steps */
    int error;
};

static const char *const memfd_secret_steps[] = {"memfd_secret", "ftruncate", "mmap",
                                                 "writing the mapped page"};

/*
 * Runs in a child so that a failure in the kernel's fault path (a SIGBUS on the first
 * write) or the locked-memory charge cannot touch the caller. Only async-signal-safe calls.
 */
static void memfd_secret_child(int report_fd, long page_size)
{
    struct probe_result result = {0, 0};
#ifdef SYS_memfd_secret
    /* As cella-monitor does before it loads: the soft locked-memory limit up to the hard one
     * (a soft limit of 0 with room under the hard one still runs enclaves). */
    struct rlimit memlock;
    if (getrlimit(RLIMIT_MEMLOCK, &memlock) == 0 && memlock.rlim_cur < memlock.rlim_max) {
        memlock.rlim_cur = memlock.rlim_max;
        (void)setrlimit(RLIMIT_MEMLOCK, &memlock);
    }
    long fd = syscall(SYS_memfd_secret, (unsigned long)O_CLOEXEC);
    if (fd < 0) {
        result.error = errno;
    } else if (ftruncate((int)fd, (off_t)page_size) != 0) {
        result.step = 1;
        result.error = errno;
    } else {
        void *page = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
        if (page == MAP_FAILED) {
            result.step = 2;
            result.error = errno;
        } else {
            result.step = 3;
            *(volatile unsigned char *)page = 0x5a;
            result.step = 0;
        }
    }
#else
    (void)page_size;
    result.error = ENOSYS;
#endif
    ssize_t written = write(report_fd, &result, sizeof(result));
    _exit(written == (ssize_t)sizeof(result) ? 0 : 1);
}

/*
 * Forks child(fd, argument) and reads the struct probe_result it writes to fd; false when it
 * could not run or died (*signal_number: the signal that killed it, or 0).
 */
static bool run_probe_child(void (*child)(int, long), long argument, struct probe_result *result,
                            int *signal_number)
{
    int fds[2];
    *signal_number = 0;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return false;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], argument);
        _exit(1);
    }
    close(fds[1]);
    ssize_t count;
    do {
        count = read(fds[0], result, sizeof(*result));
    } while (count < 0 && errno == EINTR);
    close(fds[0]);
    int status = 0;
    pid_t waited;
    do {
        waited = waitpid(pid, &status, 0);
    } while (waited < 0 && errno == EINTR);
    if (waited == pid && WIFSIGNALED(status))
        *signal_number = WTERMSIG(status);
    return count == (ssize_t)sizeof(*result);
}

static int system_memfd_secret(const char **step, void *context)
{
    (void)context;
    struct probe_result result = {0, 0};
    int signal_number = 0;
    long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0)
        return -1;
    if (!run_probe_child(memfd_secret_child, page_size, &result, &signal_number)) {
        if (signal_number == 0)
            return -1;
        /* Died on the first write to secret memory. */
        *step = memfd_secret_steps[3];
        return EFAULT;
    }
    if (result.step < 0 || result.step > 3)
        return -1;
    *step = memfd_secret_steps[result.step];
    return result.error;
}

/*
 * A NULL filter makes the kernel copy from address 0: EFAULT means filter mode is there
 * (CONFIG_SECCOMP_FILTER), EINVAL that it is not. Run in a child so that nothing, however
 * unexpected, changes the caller's own seccomp state.
 */
static void seccomp_child(int report_fd, long unused)
{
    (void)unused;
    struct probe_result result = {0, 0};
    if (prctl(PR_SET_SECCOMP, (unsigned long)SECCOMP_MODE_FILTER, 0UL, 0UL, 0UL) != 0)
        result.error = errno;
    ssize_t written = write(report_fd, &result, sizeof(result));
    _exit(written == (ssize_t)sizeof(result) ? 0 : 1);
}

static int system_seccomp(int *current_mode, void *context)
{
    (void)context;
    int mode = prctl(PR_GET_SECCOMP, 0UL, 0UL, 0UL, 0UL);
    *current_mode = mode >= 0 ? mode : -1;
    struct probe_result result = {0, 0};
    int signal_number = 0;
    if (!run_probe_child(seccomp_child, 0, &result, &signal_number))
        return -1;
    if (result.error == EFAULT)
        return 0;
    return result.error == 0 ? EINVAL : result.error;
}

bool cella_platform_may_lock_beyond_limit(void)
{
    char line[256];
    bool capable = false;
    FILE *status = fopen("/proc/self/status", "re");

    if (status == NULL)
        return false;
    while (fgets(line, sizeof(line), status) != NULL) {
        unsigned long long effective;
        if (sscanf(line, "CapEff: %llx", &effective) == 1) {
            capable = (effective >> 14) & 1u; /* CAP_IPC_LOCK */
            break;
        }
    }
    fclose(status);
    return capable;
}

static int system_memlock(uint64_t *limit_bytes, bool *exempt, void *context)
{
    struct rlimit limit;

    (void)context;
    if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0)
        return errno;
    *limit_bytes = limit.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)limit.rlim_max;
    *exempt = cella_platform_may_lock_beyond_limit();
    return 0;
}

static int system_kvm(const char *path, int *api_version, void *context)
{
    (void)context;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    int error = version < 0 ? errno : 0;
    close(fd);
    if (error == 0)
        *api_version = version;
    return error;
}

static int system_open_device(const char *path, void *context)
{
    (void)context;
    int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

static int system_connect_socket(const char *path, void *context)
{
    (void)context;
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    if (copy_text(address.sun_path, sizeof(address.sun_path), path))
        return ENAMETOOLONG;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    int error = 0;
    if (connect(fd, (const struct sockaddr *)&address, sizeof(address)) != 0)
        error = errno;
    close(fd);
    return error;
}

static const char *system_getenv(const char *name, void *context)
{
    (void)context;
    return getenv(name);
}

void cella_platform_env_init_system(cella_platform_env_t *env)
{
    memset(env, 0, sizeof(*env));
#if defined(__x86_64__) || defined(__i386__)
    /* __get_cpuid_max checks that CPUID exists (EFLAGS.ID on 32-bit parts). */
    if (__get_cpuid_max(0, NULL) != 0)
        env->cpuid = system_cpuid;
#endif
    env->root = NULL;
    env->uid = geteuid();
    env->gid = getegid();
    int count = getgroups(CELLA_PLATFORM_GROUPS_MAX, env->group_storage);
    env->group_count = count > 0 ? (size_t)count : 0;
    env->groups = env->group_storage;
    env->fake_devices = false;
    env->memfd_secret = system_memfd_secret;
    env->seccomp = system_seccomp;
    env->kvm = system_kvm;
    env->open_device = system_open_device;
    env->connect_socket = system_connect_socket;
    env->memlock = system_memlock;
    env->getenv = system_getenv;
    env->probe_context = NULL;
}

/* ---- report: helpers --------------------------------------------------------------------- */

/* sgx-detect's minimums: EPC for 1 VA + 1 SECS + 2 REG + 1 TCS pages; enclave 2 REG + 1 TCS. */
#define EPC_MIN_BYTES     0x5000u
#define ENCLAVE_MIN_BYTES 0x3000u
/* SECS.ATTRIBUTES bits every SGX part must allow: DEBUG, MODE64BIT, PROVISIONKEY, EINITTOKENKEY. */
#define REQUIRED_ATTRIBUTES 0x36u
/* XFRM: x87 and SSE state are always enabled. */
#define REQUIRED_XFRM 0x3u

static cella_platform_check_t *add_check(cella_platform_report_t *report,
                                         cella_platform_section_t section, unsigned level,
                                         const char *id, const char *title,
                                         cella_platform_status_t status, const char *format, ...)
    CELLA_PRINTF(7, 8);
static cella_platform_check_t *add_check(cella_platform_report_t *report,
                                         cella_platform_section_t section, unsigned level,
                                         const char *id, const char *title,
                                         cella_platform_status_t status, const char *format, ...)
{
    /* The checks are a fixed list in this file; running out of room is a bug here. */
    if (report->check_count >= CELLA_PLATFORM_CHECKS_MAX)
        abort();
    cella_platform_check_t *check = &report->checks[report->check_count++];
    memset(check, 0, sizeof(*check));
    copy_text(check->id, sizeof(check->id), id);
    check->title = title;
    check->section = section;
    check->level = level;
    check->status = status;
    va_list args;
    va_start(args, format);
    int written = vsnprintf(check->detail, sizeof(check->detail), format, args);
    va_end(args);
    if (written < 0)
        check->detail[0] = '\0';
    return check;
}

static void set_remedy(cella_platform_check_t *check, const char *format, ...) CELLA_PRINTF(2, 3);
static void set_remedy(cella_platform_check_t *check, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int written = vsnprintf(check->remedy, sizeof(check->remedy), format, args);
    va_end(args);
    if (written < 0)
        check->remedy[0] = '\0';
}

/* "16.0 GiB", "93.5 MiB", "512 KiB", "4096 bytes". */
static void format_size(char *out, size_t size, uint64_t bytes)
{
    if (bytes >= GIB)
        format_text(out, size, "%.1f GiB", (double)bytes / (double)GIB);
    else if (bytes >= MIB)
        format_text(out, size, "%.1f MiB", (double)bytes / (double)MIB);
    else if (bytes >= KIB)
        format_text(out, size, "%.1f KiB", (double)bytes / (double)KIB);
    else
        format_text(out, size, "%" PRIu64 " bytes", bytes);
}

/* A size given as log2, as CPUID.(0x12,0):EDX reports the maximum enclave size. */
static void format_log2_size(char *out, size_t size, uint32_t log2)
{
    if (log2 >= 64) {
        format_text(out, size, "2^%u bytes", (unsigned)log2);
        return;
    }
    const char *unit = "bytes";
    uint64_t value = (uint64_t)1 << log2;
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && value >= 1024 && value % 1024 == 0;
         i++) {
        value /= 1024;
        unit = units[i];
    }
    format_text(out, size, "%" PRIu64 " %s", value, unit);
}

/* ls -l style: "crw-rw----". */
static void format_mode(char out[11], const cella_platform_node_t *node)
{
    static const char type_chars[] = {
        [CELLA_PLATFORM_NODE_ABSENT] = '?',      [CELLA_PLATFORM_NODE_CHAR_DEVICE] = 'c',
        [CELLA_PLATFORM_NODE_SOCKET] = 's',      [CELLA_PLATFORM_NODE_REGULAR_FILE] = '-',
        [CELLA_PLATFORM_NODE_DIRECTORY] = 'd',   [CELLA_PLATFORM_NODE_OTHER] = '?',
        [CELLA_PLATFORM_NODE_STAT_FAILED] = '?',
    };
    static const char letters[] = "rwxrwxrwx";
    out[0] = (size_t)node->type < sizeof(type_chars) ? type_chars[node->type] : '?';
    for (unsigned i = 0; i < 9; i++)
        out[1 + i] = (node->mode & (0400u >> i)) ? letters[i] : '-';
    out[10] = '\0';
}

/* "crw-rw---- root:sgx_prv" (ids when names are unknown), "(stand-in file)" noted. */
static void describe_node(const cella_platform_node_t *node, char *out, size_t size)
{
    char mode[11];
    char owner[CELLA_PLATFORM_NAME_MAX_BYTES];
    char group[CELLA_PLATFORM_NAME_MAX_BYTES];
    format_mode(mode, node);
    if (node->owner_name[0] != '\0')
        copy_text(owner, sizeof(owner), node->owner_name);
    else
        format_text(owner, sizeof(owner), "%u", (unsigned)node->owner_uid);
    if (node->group_name[0] != '\0')
        copy_text(group, sizeof(group), node->group_name);
    else
        format_text(group, sizeof(group), "%u", (unsigned)node->group_gid);
    format_text(out, size, "%s %s:%s%s", mode, owner, group,
                node->stand_in ? " (a regular file standing in for it)" : "");
}

static void describe_user(const cella_platform_facts_t *facts, char *out, size_t size)
{
    if (facts->user_name[0] != '\0')
        format_text(out, size, "%s", facts->user_name);
    else
        format_text(out, size, "uid %u", (unsigned)facts->uid);
}

static const char *node_type_str(cella_platform_node_type_t type)
{
    switch (type) {
    case CELLA_PLATFORM_NODE_ABSENT:
        return "absent";
    case CELLA_PLATFORM_NODE_CHAR_DEVICE:
        return "a character device";
    case CELLA_PLATFORM_NODE_SOCKET:
        return "a socket";
    case CELLA_PLATFORM_NODE_REGULAR_FILE:
        return "a regular file";
    case CELLA_PLATFORM_NODE_DIRECTORY:
        return "a directory";
    case CELLA_PLATFORM_NODE_OTHER:
        return "another kind of file";
    case CELLA_PLATFORM_NODE_STAT_FAILED:
        return "not inspectable";
    }
    return "unknown";
}

/* What a node is and whether env's user can use it, in one phrase. */
static void describe_access(const cella_platform_facts_t *facts, cella_platform_node_id_t id,
                            char *out, size_t size)
{
    const cella_platform_node_t *node = &facts->nodes[id];
    const struct node_spec *spec = &node_specs[id];
    char node_text[CELLA_PLATFORM_TEXT_MAX_BYTES];
    char user[CELLA_PLATFORM_NAME_MAX_BYTES + 8];
    describe_user(facts, user, sizeof(user));

    if (node->type == CELLA_PLATFORM_NODE_ABSENT) {
        format_text(out, size, "absent");
        return;
    }
    if (node->type == CELLA_PLATFORM_NODE_STAT_FAILED) {
        format_text(out, size, "cannot be inspected: %s", strerror(node->stat_errno));
        return;
    }
    if (!node->present) {
        format_text(out, size, "exists but is %s, not %s", node_type_str(node->type),
                    node_type_str(spec->kind));
        return;
    }
    describe_node(node, node_text, sizeof(node_text));
    const char *action = spec->kind == CELLA_PLATFORM_NODE_SOCKET        ? "connect to"
                         : spec->kind == CELLA_PLATFORM_NODE_CHAR_DEVICE ? "read and write"
                                                                         : "read";
    if (node->open_errno == 0)
        format_text(out, size, "%s; %s", node_text,
                    spec->kind == CELLA_PLATFORM_NODE_SOCKET ? "accepts connections"
                                                             : "opened read-write");
    else if (node->open_errno > 0)
        format_text(out, size, "%s; %s failed: %s", node_text,
                    spec->kind == CELLA_PLATFORM_NODE_SOCKET ? "connecting"
                                                             : "opening it read-write",
                    strerror(node->open_errno));
    else if (node->access_by_mode)
        format_text(out, size, "%s; its permissions let %s %s it", node_text, user, action);
    else
        format_text(out, size, "%s; its permissions do not let %s %s it", node_text, user, action);
}

/* One line telling how the env's user gets the access a node lacks. */
static void access_remedy(const cella_platform_facts_t *facts, cella_platform_node_id_t id,
                          char *out, size_t size)
{
    const cella_platform_node_t *node = &facts->nodes[id];
    char user[CELLA_PLATFORM_NAME_MAX_BYTES + 8];
    describe_user(facts, user, sizeof(user));
    const char *user_arg = facts->user_name[0] != '\0' ? facts->user_name : "$USER";
    bool provision =
        id == CELLA_PLATFORM_NODE_SGX_PROVISION || id == CELLA_PLATFORM_NODE_LEGACY_PROVISION;

    if (node->open_errno == EPERM && node->access_by_mode) {
        format_text(out, size,
                    "the kernel refused %s although its permissions allow it: in a container, "
                    "pass the device in (docker run --device %s) so the device cgroup allows it",
                    node->path, node->path);
    } else if (node->group_lists_user) {
        format_text(out, size,
                    "%s is a member of group %s, but this login session started before that: "
                    "log out and in again (or run `newgrp %s`)",
                    user, node->group_name[0] != '\0' ? node->group_name : "(its group)",
                    node->group_name[0] != '\0' ? node->group_name : "GROUP");
    } else if (node->group_name[0] != '\0' && !text_equal(node->group_name, "root") &&
               ((node->mode >> 3) & 6u) == 6u) {
        format_text(out, size, "add %s to group %s: `sudo usermod -aG %s %s`, then log in again",
                    user, node->group_name, node->group_name, user_arg);
    } else if (provision) {
        format_text(out, size,
                    "give %s to group sgx_prv with a udev rule (KERNEL==\"sgx_provision\", "
                    "GROUP=\"sgx_prv\", MODE=\"0660\"), then `sudo usermod -aG sgx_prv %s` and "
                    "log in again",
                    node->path, user_arg);
    } else if (id == CELLA_PLATFORM_NODE_SGX_ENCLAVE) {
        format_text(out, size,
                    "grant %s read-write access to %s, e.g. with a udev rule setting MODE=\"0666\" "
                    "(its usual mode) or a group %s is in, or run as root",
                    user, node->path, user);
    } else {
        format_text(out, size,
                    "grant %s read-write access to %s (a udev rule giving it a group %s is in), "
                    "or run as root",
                    user, node->path, user);
    }
}

/* Linux release as (major, minor); false when unknown. */
static bool kernel_version(const cella_platform_facts_t *facts, unsigned *major, unsigned *minor)
{
    unsigned a = 0;
    unsigned b = 0;
    if (sscanf(facts->kernel_release, "%u.%u", &a, &b) != 2)
        return false;
    *major = a;
    *minor = b;
    return true;
}

static bool kernel_before(const cella_platform_facts_t *facts, unsigned major, unsigned minor)
{
    unsigned have_major = 0;
    unsigned have_minor = 0;
    if (!kernel_version(facts, &have_major, &have_minor))
        return false;
    return have_major < major || (have_major == major && have_minor < minor);
}

/* Conclusions drawn once and shared by the checks, the backends and the exit code. */
struct derived {
    bool cpu_sgx;         /* CPUID says SGX */
    bool sgx_enabled;     /* leaf 0x12 reports SGX1 */
    bool epc_ok;          /* at least EPC_MIN_BYTES of EPC */
    bool enclave_size_ok; /* the 64-bit maximum enclave size is at least ENCLAVE_MIN_BYTES */
    bool attributes_ok;   /* the required attributes and XFRM bits are valid */
    bool hardware_ok;     /* all of the above */
    bool flc_locked;      /* the CPU has FLC but Linux cleared sgx_lc */
    bool flc_ok;          /* FLC present and not locked */
    bool driver_ok;       /* /dev/sgx_enclave usable */
    bool sgx_runs;        /* enclaves can run on the hardware */
    bool in_process;      /* /dev/sgx_provision usable */
    bool out_of_process;  /* the AESM socket is there (and accepted a connection if tried) */
    bool config_ok;       /* QCNL readable with a pccs_url */
    bool quoting_ok;
    bool memfd_ok;
    bool seccomp_ok;
    bool kvm_ok;
};

static void derive(const cella_platform_facts_t *facts, struct derived *d)
{
    const cella_platform_cpu_t *cpu = &facts->cpu;
    memset(d, 0, sizeof(*d));
    d->cpu_sgx = cpu->cpuid_available && cpu->sgx;
    d->sgx_enabled = d->cpu_sgx && cpu->leaf_12_available && !cpu->leaf_12_zero && cpu->sgx1;
    d->epc_ok = d->sgx_enabled && cpu->epc_total_bytes >= EPC_MIN_BYTES;
    d->enclave_size_ok = d->sgx_enabled && cpu->max_enclave_size_64_log2 >= 14;
    d->attributes_ok = d->sgx_enabled &&
                       (cpu->attributes_valid & REQUIRED_ATTRIBUTES) == REQUIRED_ATTRIBUTES &&
                       (cpu->xfrm_valid & REQUIRED_XFRM) == REQUIRED_XFRM;
    d->hardware_ok = d->sgx_enabled && d->epc_ok && d->enclave_size_ok && d->attributes_ok;
    /* Linux clears sgx_lc but keeps sgx (for KVM guests) when the firmware locked FLC. */
    d->flc_locked = d->cpu_sgx && cpu->sgx_lc && facts->cpuinfo_readable && facts->cpuinfo_sgx &&
                    !facts->cpuinfo_sgx_lc;
    d->flc_ok = d->cpu_sgx && cpu->sgx_lc && !d->flc_locked;
    d->driver_ok = facts->nodes[CELLA_PLATFORM_NODE_SGX_ENCLAVE].usable;
    d->sgx_runs = d->hardware_ok && d->flc_ok && d->driver_ok;

    const cella_platform_node_t *aesm = &facts->nodes[CELLA_PLATFORM_NODE_AESM_SOCKET];
    d->in_process = facts->nodes[CELLA_PLATFORM_NODE_SGX_PROVISION].usable;
    d->out_of_process =
        aesm->present && aesm->open_errno <= 0 && (aesm->open_errno == 0 || aesm->access_by_mode);
    const cella_platform_qcnl_t *qcnl = &facts->qcnl;
    d->config_ok =
        (qcnl->format == CELLA_PLATFORM_QCNL_JSON || qcnl->format == CELLA_PLATFORM_QCNL_LEGACY) &&
        qcnl->pccs_url_state == CELLA_PLATFORM_SETTING_SET && qcnl->pccs_url[0] != '\0';
    d->quoting_ok = d->sgx_runs && (d->in_process || d->out_of_process) && d->config_ok;

    d->memfd_ok = facts->memfd_secret_errno == 0;
    d->seccomp_ok = facts->seccomp_filter_errno == 0;
    d->kvm_ok = facts->nodes[CELLA_PLATFORM_NODE_KVM].usable;
}

/* ---- report: SGX hardware ----------------------------------------------------------------- */

/* A name for the hypervisor vendors of CPUID leaf 0x40000000 that people meet. */
static const char *hypervisor_name(const char *vendor)
{
    static const struct {
        const char *vendor;
        const char *name;
    } known[] = {
        {"Microsoft Hv", "Hyper-V, e.g. Azure"},
        {"KVMKVMKVM", "KVM"},
        {"Linux KVM Hv", "KVM with Hyper-V enlightenments"},
        {"VMwareVMware", "VMware"},
        {"XenVMMXenVMM", "Xen"},
        {"TCGTCGTCGTCG", "QEMU without KVM"},
        {"VBoxVBoxVBox", "VirtualBox"},
        {"ACRNACRNACRN", "ACRN"},
        {"bhyve bhyve ", "bhyve"},
        {" lrpepyh  vr", "Parallels"},
        {"QNXQVMBSQG", "QNX"},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (text_equal(vendor, known[i].vendor))
            return known[i].name;
    }
    return NULL;
}

/* The remedy for "no SGX in this CPU", worded for a VM or a physical machine. */
static void no_sgx_remedy(const cella_platform_facts_t *facts, cella_platform_check_t *check)
{
    if (facts->cpu.hypervisor)
        set_remedy(check,
                   "use a VM size whose virtual CPU has SGX (on Azure: DCsv2, DCsv3 or DCdsv3), "
                   "or run enclaves here with cella's sandbox backend");
    else
        set_remedy(check,
                   "use a machine with an SGX-capable Intel CPU (e.g. Xeon E-2200, Xeon Scalable "
                   "3rd generation or later; recent Core client CPUs no longer have SGX), or run "
                   "enclaves here with cella's sandbox backend");
}

static void report_cpu(const cella_platform_facts_t *facts, const struct derived *d,
                       cella_platform_report_t *report)
{
    const cella_platform_section_t section = CELLA_PLATFORM_SECTION_HARDWARE;
    const cella_platform_cpu_t *cpu = &facts->cpu;
    cella_platform_check_t *check;

    if (!cpu->cpuid_available) {
        check = add_check(report, section, 0, "cpu.cpuid", "CPU", CELLA_PLATFORM_FAIL,
                          "CPUID is not available here (not an x86 CPU, or no CPUID recording "
                          "given)");
        set_remedy(check, "SGX needs an Intel x86-64 CPU");
    } else {
        add_check(report, section, 0, "cpu.cpuid", "CPU", CELLA_PLATFORM_INFO,
                  "%s, family %u model 0x%x stepping %u; max basic CPUID leaf 0x%x",
                  cpu->vendor[0] != '\0' ? cpu->vendor : "(no vendor string)",
                  (unsigned)cpu->family, (unsigned)cpu->model, (unsigned)cpu->stepping,
                  (unsigned)cpu->max_basic_leaf);
    }

    /* SGX in the CPU: CPUID.(EAX=7,ECX=0):EBX[2]. */
    if (!cpu->cpuid_available) {
        add_check(report, section, 0, "sgx.cpu", "SGX in the CPU", CELLA_PLATFORM_SKIP,
                  "not checked: no CPUID");
    } else if (cpu->max_basic_leaf < 7) {
        check = add_check(report, section, 0, "sgx.cpu", "SGX in the CPU", CELLA_PLATFORM_FAIL,
                          "unknown: CPUID leaf 7 is beyond the max basic leaf 0x%x",
                          (unsigned)cpu->max_basic_leaf);
        set_remedy(check, "if the firmware setup has a 'Limit CPUID Maxval' option, turn it off");
    } else if (!cpu->sgx) {
        bool intel = text_equal(cpu->vendor, "GenuineIntel");
        check = add_check(report, section, 0, "sgx.cpu", "SGX in the CPU", CELLA_PLATFORM_FAIL,
                          "not supported (CPUID.(EAX=7,ECX=0):EBX[2] = 0)%s",
                          !intel && text_equal(cpu->vendor, "AuthenticAMD")
                              ? "; AMD CPUs have no SGX (their TEE is SEV-SNP)"
                          : cpu->hypervisor ? "; this VM's virtual CPU does not offer SGX"
                                            : "");
        no_sgx_remedy(facts, check);
    } else {
        add_check(report, section, 0, "sgx.cpu", "SGX in the CPU", CELLA_PLATFORM_PASS,
                  "supported (CPUID.(EAX=7,ECX=0):EBX[2] = 1)");
    }

    /* SGX1 enabled: CPUID.(EAX=0x12,ECX=0):EAX[0]; all of leaf 0x12 is zero when disabled. */
    if (!d->cpu_sgx) {
        add_check(report, section, 0, "sgx.sgx1", "SGX enabled (SGX1)", CELLA_PLATFORM_SKIP,
                  "not checked: needs SGX in the CPU");
    } else if (!cpu->leaf_12_available) {
        check = add_check(report, section, 0, "sgx.sgx1", "SGX enabled (SGX1)", CELLA_PLATFORM_FAIL,
                          "unknown: CPUID leaf 0x12 is beyond the max basic leaf 0x%x",
                          (unsigned)cpu->max_basic_leaf);
        set_remedy(check, "if the firmware setup has a 'Limit CPUID Maxval' option, turn it off");
    } else if (!d->sgx_enabled) {
        check = add_check(report, section, 0, "sgx.sgx1", "SGX enabled (SGX1)", CELLA_PLATFORM_FAIL,
                          "%s",
                          cpu->leaf_12_zero ? "no: CPUID leaf 0x12 reads zero, so SGX is disabled"
                                            : "no: CPUID.(EAX=0x12,ECX=0):EAX[0] = 0");
        if (cpu->hypervisor)
            set_remedy(check,
                       "the hypervisor gives this VM no SGX: on Azure pick a DCsv2/DCsv3 size; "
                       "under KVM/QEMU give the guest an EPC section (sgx-epc memory backend)");
        else
            set_remedy(check, "enable SGX in the firmware (BIOS/UEFI) setup: 'Enabled' rather than "
                              "'Software Controlled', with a PRM (EPC) size, then reboot");
    } else {
        add_check(report, section, 0, "sgx.sgx1", "SGX enabled (SGX1)", CELLA_PLATFORM_PASS,
                  "yes: ECREATE, EADD, EINIT, EENTER... (CPUID.(EAX=0x12,ECX=0):EAX[0] = 1)");
    }

    /* Flexible Launch Control: CPUID.(EAX=7,ECX=0):ECX[30], and Linux's sgx_lc flag. */
    if (!d->cpu_sgx) {
        add_check(report, section, 0, "sgx.flc", "Flexible Launch Control (FLC)",
                  CELLA_PLATFORM_SKIP, "not checked: needs SGX in the CPU");
    } else if (!cpu->sgx_lc) {
        check = add_check(report, section, 0, "sgx.flc", "Flexible Launch Control (FLC)",
                          CELLA_PLATFORM_FAIL,
                          "not in this CPU (CPUID.(EAX=7,ECX=0):ECX[30] = 0): Linux's SGX driver "
                          "needs FLC to launch enclaves");
        set_remedy(check,
                   "use an SGX machine with FLC (e.g. an Azure DCsv2 or DCsv3 VM); without FLC "
                   "only Intel's out-of-tree isgx driver and launch enclave work, and cella does "
                   "not use them");
    } else if (d->flc_locked) {
        check = add_check(report, section, 0, "sgx.flc", "Flexible Launch Control (FLC)",
                          CELLA_PLATFORM_FAIL,
                          "in the CPU, but locked by the firmware: /proc/cpuinfo has sgx but not "
                          "sgx_lc, so Linux keeps SGX for virtual machines only");
        set_remedy(check,
                   "set SGX launch control to unlocked (a writable launch-enclave key hash) in "
                   "the firmware setup, then reboot");
    } else {
        add_check(report, section, 0, "sgx.flc", "Flexible Launch Control (FLC)",
                  CELLA_PLATFORM_PASS, "yes (CPUID.(EAX=7,ECX=0):ECX[30] = 1)%s",
                  facts->cpuinfo_sgx_lc ? "; Linux uses it (sgx_lc in /proc/cpuinfo)" : "");
    }
}

/* A level-1 feature line: PASS when present, INFO when not (none of them is required). */
static void add_feature(cella_platform_report_t *report, const char *id, const char *title,
                        bool present, const char *where)
{
    add_check(report, CELLA_PLATFORM_SECTION_HARDWARE, 1, id, title,
              present ? CELLA_PLATFORM_PASS : CELLA_PLATFORM_INFO, "%s (%s)",
              present ? "yes" : "no", where);
}

static void report_sgx_details(const cella_platform_facts_t *facts, const struct derived *d,
                               cella_platform_report_t *report)
{
    const cella_platform_section_t section = CELLA_PLATFORM_SECTION_HARDWARE;
    const cella_platform_cpu_t *cpu = &facts->cpu;
    cella_platform_check_t *check;
    char text[CELLA_PLATFORM_TEXT_MAX_BYTES];

    if (!d->sgx_enabled) {
        add_check(report, section, 0, "sgx.features", "SGX features", CELLA_PLATFORM_SKIP,
                  "not checked: needs SGX enabled");
        add_check(report, section, 0, "sgx.max_enclave_size", "Maximum enclave size",
                  CELLA_PLATFORM_SKIP, "not checked: needs SGX enabled");
        add_check(report, section, 0, "sgx.attributes", "Enclave attributes", CELLA_PLATFORM_SKIP,
                  "not checked: needs SGX enabled");
        add_check(report, section, 0, "sgx.epc", "Enclave Page Cache (EPC)", CELLA_PLATFORM_SKIP,
                  "not checked: needs SGX enabled");
        return;
    }

    text[0] = '\0';
    if (cpu->sgx2)
        append_text(text, sizeof(text), ", SGX2");
    if (cpu->kss)
        append_text(text, sizeof(text), ", KSS");
    if (cpu->aex_notify && cpu->edeccssa)
        append_text(text, sizeof(text), ", AEX-Notify");
    if (cpu->exinfo)
        append_text(text, sizeof(text), ", EXINFO");
    if (cpu->cet)
        append_text(text, sizeof(text), ", CET");
    if (cpu->enclv)
        append_text(text, sizeof(text), ", ENCLV");
    if (cpu->enclsc)
        append_text(text, sizeof(text), ", ENCLS-C");
    add_check(report, section, 0, "sgx.features", "SGX features", CELLA_PLATFORM_INFO, "SGX1%s",
              text);
    add_feature(report, "sgx.sgx2", "SGX2: EAUG, EACCEPT, EMODPR (enclave memory changes)",
                cpu->sgx2, "CPUID.(EAX=0x12,ECX=0):EAX[1]");
    add_feature(report, "sgx.kss", "Key separation and sharing (KSS)", cpu->kss,
                "CPUID.(EAX=0x12,ECX=1):EAX[7]");
    add_check(report, section, 1, "sgx.aex_notify", "AEX-Notify",
              cpu->aex_notify && cpu->edeccssa ? CELLA_PLATFORM_PASS : CELLA_PLATFORM_INFO,
              "%s (attribute CPUID.(EAX=0x12,ECX=1):EAX[10] = %d, EDECCSSA "
              "CPUID.(EAX=0x12,ECX=0):EAX[11] = %d)",
              cpu->aex_notify && cpu->edeccssa   ? "yes"
              : cpu->aex_notify || cpu->edeccssa ? "partly"
                                                 : "no",
              cpu->aex_notify ? 1 : 0, cpu->edeccssa ? 1 : 0);
    add_check(report, section, 1, "sgx.exinfo", "EXINFO: #PF/#GP details in the SSA",
              cpu->exinfo ? CELLA_PLATFORM_PASS : CELLA_PLATFORM_INFO,
              "%s (MISCSELECT bit 0, CPUID.(EAX=0x12,ECX=0):EBX = 0x%08x; #CP details: %s)",
              cpu->exinfo ? "yes" : "no", (unsigned)cpu->miscselect_valid,
              cpu->cpinfo ? "yes" : "no");
    add_feature(report, "sgx.cet", "CET enclave attributes", cpu->cet,
                "CPUID.(EAX=0x12,ECX=1):EAX[6]");
    add_feature(report, "sgx.enclv", "ENCLV: EINCVIRTCHILD, EDECVIRTCHILD, ESETCONTEXT", cpu->enclv,
                "CPUID.(EAX=0x12,ECX=0):EAX[5]");
    add_feature(report, "sgx.enclsc", "ENCLS-C: ETRACKC, ERDINFO, ELDBC, ELDUC", cpu->enclsc,
                "CPUID.(EAX=0x12,ECX=0):EAX[6]");

    /* Maximum enclave size: 2^EDX[7:0] in 32-bit mode, 2^EDX[15:8] in 64-bit mode. */
    char size32[48];
    char size64[48];
    format_log2_size(size32, sizeof(size32), cpu->max_enclave_size_32_log2);
    format_log2_size(size64, sizeof(size64), cpu->max_enclave_size_64_log2);
    check = add_check(
        report, section, 0, "sgx.max_enclave_size", "Maximum enclave size",
        d->enclave_size_ok ? CELLA_PLATFORM_PASS : CELLA_PLATFORM_FAIL,
        "%s in 64-bit mode (2^%u), %s in 32-bit mode (2^%u)%s", size64,
        (unsigned)cpu->max_enclave_size_64_log2, size32, (unsigned)cpu->max_enclave_size_32_log2,
        d->enclave_size_ok ? "" : "; too small even for 2 pages and a TCS (0x3000 bytes)");
    if (!d->enclave_size_ok)
        set_remedy(check, "the firmware or hypervisor reports a broken SGX configuration: update "
                          "the firmware, or report it to the cloud provider");

    /* Attributes and XFRM the CPU lets enclaves set: CPUID.(EAX=0x12,ECX=1). */
    check =
        add_check(report, section, 0, "sgx.attributes", "Enclave attributes",
                  d->attributes_ok ? CELLA_PLATFORM_PASS : CELLA_PLATFORM_FAIL,
                  "valid attributes 0x%016" PRIx64 ", valid XFRM 0x%016" PRIx64 "%s",
                  cpu->attributes_valid, cpu->xfrm_valid,
                  d->attributes_ok ? " (DEBUG, MODE64BIT, PROVISIONKEY, EINITTOKENKEY; x87, SSE)"
                                   : "; DEBUG, MODE64BIT, PROVISIONKEY, EINITTOKENKEY and XFRM "
                                     "x87+SSE must all be valid");
    if (!d->attributes_ok)
        set_remedy(check, "the firmware or hypervisor reports a broken SGX configuration: update "
                          "the firmware, or report it to the cloud provider");

    /* EPC: the sum of the type-1 sub-leaves of CPUID leaf 0x12 from sub-leaf 2 on. */
    char total[32];
    format_size(total, sizeof(total), cpu->epc_total_bytes);
    const char *protection = "";
    if (cpu->epc_confidentiality_only_bytes == cpu->epc_total_bytes && cpu->epc_total_bytes > 0)
        protection = ", confidentiality only (no integrity protection; Ice Lake and later server "
                     "parts)";
    else if (cpu->epc_integrity_bytes == cpu->epc_total_bytes && cpu->epc_total_bytes > 0)
        protection = ", confidentiality and integrity protection";
    else if (cpu->epc_total_bytes > 0)
        protection = ", mixed protection (see the sections)";
    size_t section_total = cpu->epc_section_count + (cpu->epc_sections_truncated ? 1u : 0u);
    cella_platform_status_t epc_status =
        !d->epc_ok                                                         ? CELLA_PLATFORM_FAIL
        : (cpu->epc_bad_type != 0 || cpu->epc_unknown_property_bytes != 0) ? CELLA_PLATFORM_WARN
                                                                           : CELLA_PLATFORM_PASS;
    check = add_check(report, section, 0, "sgx.epc", "Enclave Page Cache (EPC)", epc_status,
                      "%s in %zu%s section%s%s", total, cpu->epc_section_count,
                      cpu->epc_sections_truncated ? "+" : "", section_total == 1 ? "" : "s",
                      protection);
    if (!d->epc_ok) {
        append_text(check->detail, sizeof(check->detail),
                    "; less than the 0x5000 bytes one enclave needs");
        set_remedy(check, "%s",
                   cpu->hypervisor ? "the VM has no EPC: choose an SGX VM size, or give the "
                                     "guest an EPC section"
                                   : "set a PRM (EPC) size in the firmware setup, then reboot");
    } else if (cpu->epc_bad_type != 0) {
        append_text(check->detail, sizeof(check->detail),
                    "; CPUID.(EAX=0x12,ECX=%u) has the unknown type %u, so the EPC may be "
                    "misconfigured (a CPU or hypervisor bug)",
                    (unsigned)cpu->epc_bad_subleaf, (unsigned)cpu->epc_bad_type);
        set_remedy(check, "update the firmware, or report it to the cloud provider");
    } else if (cpu->epc_unknown_property_bytes != 0) {
        append_text(check->detail, sizeof(check->detail),
                    "; some sections have an unknown protection property");
    }
    for (size_t i = 0; i < cpu->epc_section_count; i++) {
        const cella_platform_epc_section_t *epc = &cpu->epc_sections[i];
        char id[CELLA_PLATFORM_ID_MAX_BYTES];
        char size_text[32];
        format_text(id, sizeof(id), "sgx.epc.section%zu", i);
        format_size(size_text, sizeof(size_text), epc->size);
        add_check(report, section, 1, id, "EPC", CELLA_PLATFORM_INFO,
                  "section %zu at 0x%" PRIx64 ", size 0x%" PRIx64 " (%s), %s", i, epc->base,
                  epc->size, size_text,
                  epc->property == CELLA_PLATFORM_EPC_INTEGRITY
                      ? "confidentiality and integrity protection"
                  : epc->property == CELLA_PLATFORM_EPC_CONFIDENTIALITY_ONLY
                      ? "confidentiality only"
                      : "unknown protection property");
    }
}

/* ---- report: Linux SGX support -------------------------------------------------------- */

/* Why /dev/sgx_enclave is missing, as far as the facts tell. */
static void missing_driver_remedy(const cella_platform_facts_t *facts, char *out, size_t size)
{
    const cella_platform_node_t *nodes = facts->nodes;
    if (facts->container)
        format_text(out, size,
                    "pass the device into the container (docker run --device /dev/sgx_enclave "
                    "--device /dev/sgx_provision; in Kubernetes, the SGX device plugin)");
    else if (nodes[CELLA_PLATFORM_NODE_ISGX].present)
        format_text(out, size,
                    "only the legacy out-of-tree isgx driver is loaded: use Linux 5.11 or later, "
                    "whose in-kernel driver provides /dev/sgx_enclave");
    else if (nodes[CELLA_PLATFORM_NODE_LEGACY_ENCLAVE].present)
        format_text(out, size,
                    "only the out-of-tree DCAP driver (/dev/sgx/enclave) is loaded: use Linux 5.11 "
                    "or later, whose in-kernel driver provides /dev/sgx_enclave");
    else if (kernel_before(facts, 5, 11))
        format_text(out, size,
                    "Linux %s predates the in-kernel SGX driver: install Linux 5.11 or later",
                    facts->kernel_release);
    else
        format_text(out, size,
                    "use a kernel built with CONFIG_X86_SGX=y; if it is, `dmesg | grep -i sgx` "
                    "tells why the driver did not start");
}

static void report_linux(const cella_platform_facts_t *facts, const struct derived *d,
                         cella_platform_report_t *report)
{
    const cella_platform_section_t section = CELLA_PLATFORM_SECTION_LINUX;
    const cella_platform_node_t *nodes = facts->nodes;
    bool judge = d->hardware_ok; /* without usable SGX hardware these are facts, not failures */
    cella_platform_check_t *check;
    char text[CELLA_PLATFORM_TEXT_MAX_BYTES];

    add_check(report, section, 0, "kernel.release", "Linux kernel", CELLA_PLATFORM_INFO, "%s",
              facts->kernel_release[0] != '\0' ? facts->kernel_release
                                               : "unknown (no /proc/sys/kernel/osrelease)");

    /* The kernel's view: the sgx flag appears when Linux initialised SGX (5.11+). */
    if (!facts->cpuinfo_readable) {
        add_check(report, section, 0, "kernel.cpuinfo", "SGX in /proc/cpuinfo", CELLA_PLATFORM_SKIP,
                  "not checked: /proc/cpuinfo cannot be read");
    } else if (facts->cpuinfo_sgx) {
        add_check(report, section, 0, "kernel.cpuinfo", "SGX in /proc/cpuinfo", CELLA_PLATFORM_PASS,
                  "flags: sgx%s; the kernel uses SGX",
                  facts->cpuinfo_sgx_lc ? ", sgx_lc" : " (no sgx_lc)");
    } else if (judge) {
        check = add_check(report, section, 0, "kernel.cpuinfo", "SGX in /proc/cpuinfo",
                          CELLA_PLATFORM_FAIL,
                          "no sgx flag: the kernel does not use SGX although the CPU has it");
        if (facts->container)
            set_remedy(check, "the host's kernel does not use SGX: run on a host with Linux "
                              "5.11 or later built with CONFIG_X86_SGX");
        else
            missing_driver_remedy(facts, check->remedy, sizeof(check->remedy));
    } else {
        add_check(report, section, 0, "kernel.cpuinfo", "SGX in /proc/cpuinfo", CELLA_PLATFORM_INFO,
                  "no sgx flag");
    }

    /* EPC per NUMA node, Linux 5.17+ (needs CONFIG_NUMA; absent when SGX is not set up). */
    if (facts->sgx_numa_node_count > 0) {
        char total[32];
        format_size(total, sizeof(total), facts->sgx_total_bytes);
        check =
            add_check(report, section, 0, "kernel.sgx_total_bytes", "EPC known to Linux",
                      CELLA_PLATFORM_INFO, "%s over %zu NUMA node%s (sysfs sgx_total_bytes)", total,
                      facts->sgx_numa_node_count, facts->sgx_numa_node_count == 1 ? "" : "s");
        if (facts->cpu.epc_total_bytes != 0 && facts->cpu.epc_total_bytes != facts->sgx_total_bytes)
            append_text(check->detail, sizeof(check->detail), "; CPUID reports 0x%" PRIx64 " bytes",
                        facts->cpu.epc_total_bytes);
    } else {
        add_check(report, section, 0, "kernel.sgx_total_bytes", "EPC known to Linux",
                  CELLA_PLATFORM_INFO,
                  "no node*/x86/sgx_total_bytes in sysfs (Linux 5.17+ with CONFIG_NUMA shows it "
                  "once SGX is set up)");
    }

    /* /dev/sgx_enclave: the in-kernel driver's node, one fd per enclave. */
    describe_access(facts, CELLA_PLATFORM_NODE_SGX_ENCLAVE, text, sizeof(text));
    if (d->driver_ok) {
        add_check(report, section, 0, "dev.sgx_enclave", "/dev/sgx_enclave", CELLA_PLATFORM_PASS,
                  "%s", text);
    } else if (judge) {
        check = add_check(report, section, 0, "dev.sgx_enclave", "/dev/sgx_enclave",
                          CELLA_PLATFORM_FAIL, "%s", text);
        if (nodes[CELLA_PLATFORM_NODE_SGX_ENCLAVE].present)
            access_remedy(facts, CELLA_PLATFORM_NODE_SGX_ENCLAVE, check->remedy,
                          sizeof(check->remedy));
        else
            missing_driver_remedy(facts, check->remedy, sizeof(check->remedy));
    } else {
        add_check(report, section, 0, "dev.sgx_enclave", "/dev/sgx_enclave", CELLA_PLATFORM_INFO,
                  "%s", text);
    }

    /* /dev/sgx_provision: the PROVISIONKEY for in-process quoting. */
    describe_access(facts, CELLA_PLATFORM_NODE_SGX_PROVISION, text, sizeof(text));
    if (nodes[CELLA_PLATFORM_NODE_SGX_PROVISION].usable) {
        add_check(report, section, 0, "dev.sgx_provision", "/dev/sgx_provision",
                  CELLA_PLATFORM_PASS, "%s", text);
    } else if (d->sgx_runs) {
        check = add_check(report, section, 0, "dev.sgx_provision", "/dev/sgx_provision",
                          CELLA_PLATFORM_WARN, "%s; in-process DCAP quoting needs it", text);
        if (nodes[CELLA_PLATFORM_NODE_SGX_PROVISION].present)
            access_remedy(facts, CELLA_PLATFORM_NODE_SGX_PROVISION, check->remedy,
                          sizeof(check->remedy));
        else
            set_remedy(check, "%s",
                       facts->container
                           ? "pass it into the container (docker run --device /dev/sgx_provision), "
                             "or quote through AESM (SGX_AESM_ADDR=1 and /var/run/aesmd mounted)"
                           : "Linux creates it along with /dev/sgx_enclave; quote through AESM "
                             "instead (SGX_AESM_ADDR=1)");
    } else {
        add_check(report, section, 0, "dev.sgx_provision", "/dev/sgx_provision",
                  CELLA_PLATFORM_INFO, "%s", text);
    }

    describe_access(facts, CELLA_PLATFORM_NODE_SGX_VEPC, text, sizeof(text));
    add_check(report, section, 0, "dev.sgx_vepc", "/dev/sgx_vepc (EPC for KVM guests)",
              CELLA_PLATFORM_INFO, "%s", text);

    /* Legacy nodes: the out-of-tree drivers, or udev links to the in-kernel nodes. */
    text[0] = '\0';
    if (nodes[CELLA_PLATFORM_NODE_ISGX].present)
        append_text(text, sizeof(text), "%s/dev/isgx (out-of-tree driver for CPUs without FLC)",
                    text[0] != '\0' ? "; " : "");
    if (nodes[CELLA_PLATFORM_NODE_LEGACY_ENCLAVE].present ||
        nodes[CELLA_PLATFORM_NODE_LEGACY_PROVISION].present)
        append_text(text, sizeof(text),
                    "%s/dev/sgx/%s (DCAP out-of-tree driver, or udev links to the in-kernel nodes)",
                    text[0] != '\0' ? "; " : "",
                    nodes[CELLA_PLATFORM_NODE_LEGACY_ENCLAVE].present &&
                            nodes[CELLA_PLATFORM_NODE_LEGACY_PROVISION].present
                        ? "enclave and /dev/sgx/provision"
                    : nodes[CELLA_PLATFORM_NODE_LEGACY_ENCLAVE].present ? "enclave"
                                                                        : "provision");
    add_check(report, section, 0, "dev.legacy", "Legacy SGX device nodes", CELLA_PLATFORM_INFO,
              "%s",
              text[0] != '\0' ? text : "none (/dev/isgx, /dev/sgx/enclave, /dev/sgx/provision)");
}

/* ---- report: attestation ----------------------------------------------------------------- */

/* A word on well-known PCCS addresses. */
static const char *pccs_kind(const char *url)
{
    if (strstr(url, "global.acccache.azure.net") != NULL)
        return " (Azure's PCCS cache, THIM)";
    if (strstr(url, "api.trustedservices.intel.com") != NULL)
        return " (Intel PCS directly)";
    if (strstr(url, "://localhost") != NULL || strstr(url, "://127.0.0.1") != NULL)
        return " (a PCCS on this machine)";
    return "";
}

static void report_qcnl(const cella_platform_facts_t *facts, const struct derived *d,
                        cella_platform_report_t *report)
{
    const cella_platform_section_t section = CELLA_PLATFORM_SECTION_ATTESTATION;
    const cella_platform_qcnl_t *qcnl = &facts->qcnl;
    const char *title = "Quote provider configuration (/etc/sgx_default_qcnl.conf)";
    /* Only a machine whose enclaves run can fail on attestation set-up. */
    cella_platform_status_t failing = d->sgx_runs ? CELLA_PLATFORM_FAIL : CELLA_PLATFORM_INFO;
    cella_platform_status_t warning = d->sgx_runs ? CELLA_PLATFORM_WARN : CELLA_PLATFORM_INFO;
    cella_platform_check_t *check;

    switch (qcnl->format) {
    case CELLA_PLATFORM_QCNL_ABSENT:
        check = add_check(report, section, 0, "qcnl.config", title, failing,
                          "absent: the quote provider library has no PCCS to fetch PCK "
                          "certificates and collateral from");
        if (d->sgx_runs)
            set_remedy(check,
                       "install the quote provider (libsgx-dcap-default-qpl) and set \"pccs_url\" "
                       "in /etc/sgx_default_qcnl.conf (on Azure: "
                       "https://global.acccache.azure.net/sgx/certification/v4/)");
        return;
    case CELLA_PLATFORM_QCNL_UNREADABLE:
        check = add_check(report, section, 0, "qcnl.config", title, failing, "cannot be read: %s",
                          qcnl->error.text);
        if (d->sgx_runs)
            set_remedy(check, "make /etc/sgx_default_qcnl.conf a file the application's user can "
                              "read (mode 0644)");
        return;
    case CELLA_PLATFORM_QCNL_INVALID:
        if (qcnl->error.line > 0)
            check = add_check(report, section, 0, "qcnl.config", title, failing,
                              "invalid: line %d, column %d: %s", qcnl->error.line,
                              qcnl->error.column, qcnl->error.text);
        else
            check = add_check(report, section, 0, "qcnl.config", title, failing, "invalid: %s",
                              qcnl->error.text);
        if (qcnl->hint[0] != '\0' && qcnl->error.line > 0)
            set_remedy(check, "fix /etc/sgx_default_qcnl.conf near line %d: %s", qcnl->error.line,
                       qcnl->hint);
        else if (qcnl->hint[0] != '\0')
            set_remedy(check, "fix /etc/sgx_default_qcnl.conf: %s", qcnl->hint);
        else
            set_remedy(check, "fix /etc/sgx_default_qcnl.conf so that it is valid JSON (the "
                              "quote provider otherwise fails with 0xE019 or 0xB006)");
        return;
    case CELLA_PLATFORM_QCNL_LEGACY:
        check = add_check(report, section, 0, "qcnl.config", title, warning,
                          "legacy KEY=VALUE format of older DCAP releases: the quote provider "
                          "still reads it, but tools that expect JSON fail on it (\"invalid "
                          "character 'P' looking for beginning of value\")");
        if (qcnl->legacy_ignored_line > 0)
            append_text(check->detail, sizeof(check->detail),
                        "; line %d (%s) is ignored by the quote provider",
                        qcnl->legacy_ignored_line,
                        qcnl->legacy_ignored_key[0] != '\0' ? qcnl->legacy_ignored_key : "no '='");
        set_remedy(check, "rewrite it as JSON: {\"pccs_url\": \"%s\", \"use_secure_cert\": %s}",
                   qcnl->pccs_url[0] != '\0' ? qcnl->pccs_url : "https://...",
                   qcnl->use_secure_cert ? "true" : "false");
        break;
    case CELLA_PLATFORM_QCNL_JSON:
        add_check(report, section, 0, "qcnl.config", title, CELLA_PLATFORM_PASS, "valid JSON%s",
                  qcnl->value_truncated ? " (a long value is shown cut)" : "");
        break;
    }

    /* The settings, as the quote provider reads them (wrong types are ignored by it). */
    if (qcnl->pccs_url_state == CELLA_PLATFORM_SETTING_SET && qcnl->pccs_url[0] != '\0') {
        bool url =
            starts_with(qcnl->pccs_url, "https://") || starts_with(qcnl->pccs_url, "http://");
        check = add_check(report, section, 1, "qcnl.pccs_url", "pccs_url",
                          url ? CELLA_PLATFORM_PASS : warning, "%s%s", qcnl->pccs_url,
                          url ? pccs_kind(qcnl->pccs_url) : " (not an http(s) URL)");
        if (!url)
            set_remedy(check, "set pccs_url to the PCCS's URL, e.g. "
                              "https://global.acccache.azure.net/sgx/certification/v4/ on Azure");
    } else {
        check = add_check(report, section, 1, "qcnl.pccs_url", "pccs_url", failing, "%s",
                          qcnl->pccs_url_state == CELLA_PLATFORM_SETTING_WRONG_TYPE
                              ? "not a string, so the quote provider ignores it"
                              : "not set: the quote provider does not know where to fetch PCK "
                                "certificates");
        if (d->sgx_runs)
            set_remedy(check, "set \"pccs_url\" to your PCCS (on Azure: "
                              "https://global.acccache.azure.net/sgx/certification/v4/)");
    }
    switch (qcnl->use_secure_cert_state) {
    case CELLA_PLATFORM_SETTING_SET:
        check = add_check(report, section, 1, "qcnl.use_secure_cert", "use_secure_cert",
                          qcnl->use_secure_cert ? CELLA_PLATFORM_PASS : warning, "%s",
                          qcnl->use_secure_cert
                              ? "true: the PCCS's TLS certificate is checked"
                              : "false: the PCCS's TLS certificate is not checked; for "
                                "development only");
        if (!qcnl->use_secure_cert)
            set_remedy(check, "give the PCCS a certificate this machine trusts and set "
                              "\"use_secure_cert\": true");
        break;
    case CELLA_PLATFORM_SETTING_WRONG_TYPE:
        check = add_check(report, section, 1, "qcnl.use_secure_cert", "use_secure_cert", warning,
                          "not a boolean (%s), so the quote provider ignores it and checks the "
                          "certificate",
                          qcnl->format == CELLA_PLATFORM_QCNL_JSON ? "write true or false without "
                                                                     "quotes"
                                                                   : "write TRUE or FALSE");
        set_remedy(check, "write \"use_secure_cert\": true (or false, for development only)");
        break;
    case CELLA_PLATFORM_SETTING_UNSET:
        add_check(report, section, 1, "qcnl.use_secure_cert", "use_secure_cert",
                  CELLA_PLATFORM_INFO, "not set: the certificate is checked (the default)");
        break;
    }
    if (qcnl->collateral_service_state == CELLA_PLATFORM_SETTING_SET)
        add_check(report, section, 1, "qcnl.collateral_service", "collateral_service",
                  CELLA_PLATFORM_INFO, "%s%s", qcnl->collateral_service,
                  pccs_kind(qcnl->collateral_service));
    else if (qcnl->collateral_service_state == CELLA_PLATFORM_SETTING_WRONG_TYPE)
        add_check(report, section, 1, "qcnl.collateral_service", "collateral_service", warning,
                  "not a string, so the quote provider ignores it");
    if (qcnl->pccs_api_version_state == CELLA_PLATFORM_SETTING_SET)
        add_check(report, section, 1, "qcnl.pccs_api_version", "pccs_api_version",
                  CELLA_PLATFORM_INFO, "%s", qcnl->pccs_api_version);
    else if (qcnl->pccs_api_version_state == CELLA_PLATFORM_SETTING_WRONG_TYPE)
        add_check(report, section, 1, "qcnl.pccs_api_version", "pccs_api_version", warning,
                  "not a string, so the quote provider ignores it");
    if (qcnl->local_cache_only_state == CELLA_PLATFORM_SETTING_SET && qcnl->local_cache_only)
        add_check(report, section, 1, "qcnl.local_cache_only", "local_cache_only",
                  CELLA_PLATFORM_INFO,
                  "true: collateral comes only from the local cache, never from the network");
}

static void report_attestation(const cella_platform_facts_t *facts, const struct derived *d,
                               cella_platform_report_t *report)
{
    const cella_platform_section_t section = CELLA_PLATFORM_SECTION_ATTESTATION;
    const cella_platform_node_t *aesm = &facts->nodes[CELLA_PLATFORM_NODE_AESM_SOCKET];
    cella_platform_check_t *check;
    char text[CELLA_PLATFORM_TEXT_MAX_BYTES];

    describe_access(facts, CELLA_PLATFORM_NODE_AESM_SOCKET, text, sizeof(text));
    if (d->out_of_process)
        add_check(report, section, 0, "aesm.socket", "AESM service (/var/run/aesmd/aesm.socket)",
                  CELLA_PLATFORM_PASS, "%s", text);
    else if (aesm->type != CELLA_PLATFORM_NODE_ABSENT && d->sgx_runs) {
        check =
            add_check(report, section, 0, "aesm.socket",
                      "AESM service (/var/run/aesmd/aesm.socket)", CELLA_PLATFORM_WARN, "%s", text);
        set_remedy(check, "%s",
                   aesm->open_errno == ECONNREFUSED
                       ? "aesmd is not running: `sudo systemctl restart aesmd`"
                       : "make the socket reachable by the application's user, or restart aesmd");
    } else
        add_check(report, section, 0, "aesm.socket", "AESM service (/var/run/aesmd/aesm.socket)",
                  CELLA_PLATFORM_INFO, "%s%s", text,
                  aesm->type == CELLA_PLATFORM_NODE_ABSENT ? ": aesmd is not installed or not "
                                                             "running (or, in a container, "
                                                             "/var/run/aesmd is not mounted)"
                                                           : "");

    describe_access(facts, CELLA_PLATFORM_NODE_AESMD_CONF, text, sizeof(text));
    add_check(report, section, 0, "aesm.conf", "AESM configuration (/etc/aesmd.conf)",
              CELLA_PLATFORM_INFO, "%s", text);

    if (!facts->environment_read)
        add_check(report, section, 0, "aesm.addr", "SGX_AESM_ADDR", CELLA_PLATFORM_INFO,
                  "not read: no environment was given (with --root this process's environment "
                  "says nothing about the tree)");
    else if (facts->aesm_addr_set)
        add_check(report, section, 0, "aesm.addr", "SGX_AESM_ADDR", CELLA_PLATFORM_INFO,
                  "set (to \"%s\"): the DCAP quote library asks AESM for quotes (out of process)",
                  facts->aesm_addr);
    else
        add_check(report, section, 0, "aesm.addr", "SGX_AESM_ADDR", CELLA_PLATFORM_INFO,
                  "not set: the DCAP quote library quotes in process (needs /dev/sgx_provision)");

    report_qcnl(facts, d, report);

    /* Quote generation: a path to the provisioning key, and a PCCS to get PCK data from. */
    const char *title = "DCAP quote generation";
    if (!d->sgx_runs) {
        add_check(report, section, 0, "attestation.quoting", title, CELLA_PLATFORM_SKIP,
                  "not checked: needs SGX enclaves to run here first");
        return;
    }
    if (!d->in_process && !d->out_of_process) {
        check = add_check(report, section, 0, "attestation.quoting", title, CELLA_PLATFORM_FAIL,
                          "not possible: neither /dev/sgx_provision (in process) nor AESM (out "
                          "of process) is usable");
        set_remedy(check, "join group sgx_prv for in-process quoting, or install and start aesmd "
                          "(sgx-aesm-service, libsgx-quote-ex) and set SGX_AESM_ADDR=1");
        return;
    }
    if (!d->config_ok) {
        check = add_check(report, section, 0, "attestation.quoting", title, CELLA_PLATFORM_FAIL,
                          "not possible: the quote provider has no usable PCCS configuration "
                          "(see above)");
        set_remedy(check, "fix /etc/sgx_default_qcnl.conf as said above");
        return;
    }
    bool mismatch = facts->aesm_addr_set ? !d->out_of_process : !d->in_process;
    format_text(text, sizeof(text), "ready: %s%s%s", d->in_process ? "in process" : "",
                d->in_process && d->out_of_process ? " and " : "",
                d->out_of_process ? "out of process (AESM)" : "");
    check = add_check(report, section, 0, "attestation.quoting", title,
                      mismatch ? CELLA_PLATFORM_WARN : CELLA_PLATFORM_PASS, "%s", text);
    if (mismatch && facts->aesm_addr_set) {
        append_text(check->detail, sizeof(check->detail),
                    "; but SGX_AESM_ADDR is set, which selects AESM");
        set_remedy(check, "unset SGX_AESM_ADDR to quote in process, or start aesmd");
    } else if (mismatch) {
        append_text(check->detail, sizeof(check->detail),
                    "; but SGX_AESM_ADDR is not set, which selects in-process quoting");
        set_remedy(check, "set SGX_AESM_ADDR=1 in the application's environment to quote "
                          "through AESM, or get access to /dev/sgx_provision");
    }
}

/* ---- report: environment and cella's own needs ------------------------------------------ */

static void report_environment(const cella_platform_facts_t *facts, cella_platform_report_t *report)
{
    const cella_platform_section_t section = CELLA_PLATFORM_SECTION_ENVIRONMENT;
    const cella_platform_cpu_t *cpu = &facts->cpu;
    const cella_platform_node_t *nodes = facts->nodes;
    char text[CELLA_PLATFORM_TEXT_MAX_BYTES];

    if (!cpu->cpuid_available) {
        add_check(report, section, 0, "env.vm", "Virtual machine", CELLA_PLATFORM_SKIP,
                  "not checked: no CPUID");
    } else if (cpu->hypervisor) {
        const char *name = hypervisor_name(cpu->hypervisor_vendor);
        add_check(report, section, 0, "env.vm", "Virtual machine", CELLA_PLATFORM_INFO,
                  "yes: hypervisor \"%s\"%s%s%s (CPUID.1:ECX[31] = 1, leaf 0x40000000)",
                  cpu->hypervisor_vendor, name != NULL ? " (" : "", name != NULL ? name : "",
                  name != NULL ? ")" : "");
    } else {
        add_check(report, section, 0, "env.vm", "Virtual machine", CELLA_PLATFORM_INFO,
                  "no hypervisor bit (CPUID.1:ECX[31] = 0): bare metal, or a hypervisor that "
                  "hides itself");
    }

    if (facts->container)
        add_check(report, section, 0, "env.container", "Container", CELLA_PLATFORM_INFO,
                  "yes: %s; SGX devices and /var/run/aesmd must be passed in",
                  facts->container_hint);
    else
        add_check(report, section, 0, "env.container", "Container", CELLA_PLATFORM_INFO,
                  "no sign of one (/.dockerenv, /run/.containerenv, KUBERNETES_SERVICE_HOST, "
                  "/proc/1/cgroup)");

    text[0] = '\0';
    if (nodes[CELLA_PLATFORM_NODE_TDX_GUEST].present)
        append_text(text, sizeof(text), "/dev/tdx_guest");
    if (nodes[CELLA_PLATFORM_NODE_TDX_GUEST_LEGACY].present)
        append_text(text, sizeof(text), "%s/dev/tdx-guest (older kernels)",
                    text[0] != '\0' ? ", " : "");
    if (cpu->tdx_guest)
        append_text(text, sizeof(text), "%sCPUID leaf 0x21 reads \"IntelTDX\"",
                    text[0] != '\0' ? ", " : "");
    add_check(report, section, 0, "tee.tdx", "Intel TDX guest", CELLA_PLATFORM_INFO, "%s%s",
              text[0] != '\0' ? "yes: " : "no", text);

    add_check(report, section, 0, "tee.sev_snp", "AMD SEV-SNP guest", CELLA_PLATFORM_INFO, "%s",
              nodes[CELLA_PLATFORM_NODE_SEV_GUEST].present ? "yes: /dev/sev-guest" : "no");
}

static void memfd_secret_remedy(const cella_platform_facts_t *facts, char *out, size_t size)
{
    int error = facts->memfd_secret_errno;
    const char *step = facts->memfd_secret_step != NULL ? facts->memfd_secret_step : "";
    unsigned major = 0;
    unsigned minor = 0;
    bool known = kernel_version(facts, &major, &minor);

    if (error == ENOSYS && text_equal(step, "memfd_secret")) {
        const char *container = facts->container
                                    ? "; in a container, also check that its seccomp profile "
                                      "allows memfd_secret"
                                    : "";
        if (known && kernel_before(facts, 5, 14))
            format_text(out, size, "Linux %s predates memfd_secret (5.14): install a newer kernel",
                        facts->kernel_release);
        else if (known && kernel_before(facts, 6, 5))
            format_text(out, size,
                        "Linux 5.14 to 6.4 leave secret memory off: boot with secretmem.enable=1 "
                        "on the kernel command line (the kernel needs CONFIG_SECRETMEM)%s",
                        container);
        else if (known && facts->secretmem_enable_param == 0)
            format_text(out, size,
                        "the kernel was booted with secretmem.enable=0: remove it from the kernel "
                        "command line%s",
                        container);
        else if (known)
            format_text(out, size,
                        "Linux %s has secret memory on by default when built in, so this kernel "
                        "lacks CONFIG_SECRETMEM: use a kernel built with it%s",
                        facts->kernel_release, container);
        else
            format_text(out, size,
                        "use a kernel with CONFIG_SECRETMEM (Linux 5.14 to 6.4 also need the boot "
                        "option secretmem.enable=1)%s",
                        container);
    } else if (error == EPERM || error == EACCES) {
        format_text(out, size,
                    "a seccomp profile or security module refuses memfd_secret: allow it (in a "
                    "container, in the container's seccomp profile)");
    } else if ((error == EAGAIN || error == ENOMEM) && text_equal(step, "mmap")) {
        format_text(out, size,
                    "raise the locked-memory limit (`ulimit -l`, LimitMEMLOCK= for services): "
                    "secret memory is charged as locked memory");
    } else {
        format_text(out, size, "memfd_secret failed at %s: %s; see memfd_secret(2)", step,
                    strerror(error));
    }
}

static void report_cella(const cella_platform_facts_t *facts, const struct derived *d,
                         cella_platform_report_t *report)
{
    const cella_platform_section_t section = CELLA_PLATFORM_SECTION_CELLA;
    cella_platform_check_t *check;
    char text[CELLA_PLATFORM_TEXT_MAX_BYTES];
    const char *not_probed = facts->root_given
                                 ? "not probed: --root inspects files only, and this kernel is "
                                   "not the image's"
                                 : "not probed";

    if (facts->x86_64_linux)
        add_check(report, section, 0, "cella.platform", "x86-64 Linux", CELLA_PLATFORM_PASS,
                  "yes: cella's enclave images and backends run here");
    else {
        check = add_check(report, section, 0, "cella.platform", "x86-64 Linux", CELLA_PLATFORM_FAIL,
                          "no: cella is built for x86-64 Linux only");
        set_remedy(check, "run cella on an x86-64 Linux machine");
    }

    const char *memfd_title = "memfd_secret (enclave memory outside the kernel's direct map)";
    if (facts->memfd_secret_errno < 0) {
        add_check(report, section, 0, "cella.memfd_secret", memfd_title, CELLA_PLATFORM_INFO, "%s",
                  not_probed);
    } else if (d->memfd_ok) {
        add_check(report, section, 0, "cella.memfd_secret", memfd_title, CELLA_PLATFORM_PASS,
                  "works: a secret memory page was created, mapped and written");
    } else {
        check = add_check(report, section, 0, "cella.memfd_secret", memfd_title,
                          CELLA_PLATFORM_FAIL, "fails at %s: %s (%s)",
                          facts->memfd_secret_step != NULL ? facts->memfd_secret_step : "a step",
                          strerror(facts->memfd_secret_errno),
                          facts->memfd_secret_errno == ENOSYS  ? "ENOSYS"
                          : facts->memfd_secret_errno == EPERM ? "EPERM"
                                                               : "errno");
        memfd_secret_remedy(facts, check->remedy, sizeof(check->remedy));
    }

    const char *memlock_title = "Locked-memory limit (secret memory is charged to it)";
    if (!facts->memlock_probed) {
        add_check(report, section, 0, "cella.memlock", memlock_title, CELLA_PLATFORM_INFO, "%s",
                  not_probed);
    } else if (facts->memlock_exempt || facts->memlock_limit == UINT64_MAX) {
        add_check(report, section, 0, "cella.memlock", memlock_title, CELLA_PLATFORM_PASS,
                  "%s: sandbox enclaves of any size",
                  facts->memlock_exempt ? "this user may exceed it (CAP_IPC_LOCK)" : "unlimited");
    } else {
        check = add_check(report, section, 0, "cella.memlock", memlock_title, CELLA_PLATFORM_WARN,
                          "%llu KiB: each sandbox enclave this user starts can have at most "
                          "that much memory (code, heap, stacks)",
                          (unsigned long long)(facts->memlock_limit >> 10));
        set_remedy(check, "for larger enclaves raise the limit (`USER - memlock unlimited` in "
                          "/etc/security/limits.d/cella.conf, LimitMEMLOCK=infinity for a "
                          "systemd service) or run them through cella-platformd");
    }

    const char *seccomp_title = "seccomp filters (the enclave's system call filter)";
    const char *mode = facts->seccomp_mode == 0   ? "; this process is not filtered"
                       : facts->seccomp_mode == 2 ? "; this process already runs under a filter"
                                                  : "";
    if (facts->seccomp_filter_errno < 0) {
        add_check(report, section, 0, "cella.seccomp", seccomp_title, CELLA_PLATFORM_INFO, "%s",
                  not_probed);
    } else if (d->seccomp_ok) {
        add_check(report, section, 0, "cella.seccomp", seccomp_title, CELLA_PLATFORM_PASS,
                  "filter mode available%s", mode);
    } else if (facts->seccomp_filter_errno == EINVAL) {
        check = add_check(report, section, 0, "cella.seccomp", seccomp_title, CELLA_PLATFORM_FAIL,
                          "filter mode missing: the kernel answers EINVAL%s", mode);
        set_remedy(check, "use a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER (the "
                          "major distributions' kernels are)");
    } else {
        check = add_check(report, section, 0, "cella.seccomp", seccomp_title, CELLA_PLATFORM_FAIL,
                          "the filter-mode probe failed: %s%s",
                          strerror(facts->seccomp_filter_errno), mode);
        set_remedy(check, "allow prctl(PR_SET_SECCOMP) for cella (a container's seccomp profile "
                          "or a security module may block it)");
    }

    const cella_platform_node_t *kvm = &facts->nodes[CELLA_PLATFORM_NODE_KVM];
    describe_access(facts, CELLA_PLATFORM_NODE_KVM, text, sizeof(text));
    const char *kvm_title = "/dev/kvm (for the planned kvm backend)";
    if (d->kvm_ok) {
        check =
            add_check(report, section, 0, "cella.kvm", kvm_title, CELLA_PLATFORM_PASS, "%s", text);
        if (facts->kvm_api_version >= 0)
            append_text(check->detail, sizeof(check->detail), "; KVM API version %d",
                        facts->kvm_api_version);
    } else {
        check =
            add_check(report, section, 0, "cella.kvm", kvm_title, CELLA_PLATFORM_INFO, "%s", text);
        if (kvm->present)
            access_remedy(facts, CELLA_PLATFORM_NODE_KVM, check->remedy, sizeof(check->remedy));
        else
            set_remedy(check, "%s",
                       facts->cpu.hypervisor
                           ? "enable nested virtualisation for this VM, then load kvm_intel or "
                             "kvm_amd"
                           : "enable VT-x or AMD-V in the firmware and load kvm_intel or kvm_amd");
    }
}

/* ---- report: backends, exit code, verdict ------------------------------------------------ */

static void set_backend(cella_platform_backend_t *backend, cella_platform_backend_id_t id,
                        cella_platform_backend_state_t state, bool machine_ready,
                        const char *format, ...) CELLA_PRINTF(5, 6);
static void set_backend(cella_platform_backend_t *backend, cella_platform_backend_id_t id,
                        cella_platform_backend_state_t state, bool machine_ready,
                        const char *format, ...)
{
    backend->name = backend_names[id];
    backend->state = state;
    backend->machine_ready = machine_ready;
    va_list args;
    va_start(args, format);
    int written = vsnprintf(backend->detail, sizeof(backend->detail), format, args);
    va_end(args);
    if (written < 0)
        backend->detail[0] = '\0';
}

/* The first check, in report order, among ids that failed; NULL if none did. */
static const cella_platform_check_t *first_failed(const cella_platform_report_t *report,
                                                  const char *const *ids, size_t id_count)
{
    for (size_t i = 0; i < report->check_count; i++) {
        const cella_platform_check_t *check = &report->checks[i];
        if (check->status != CELLA_PLATFORM_FAIL)
            continue;
        for (size_t j = 0; j < id_count; j++) {
            if (text_equal(check->id, ids[j]))
                return check;
        }
    }
    return NULL;
}

static void report_backends(const cella_platform_facts_t *facts, const struct derived *d,
                            cella_platform_report_t *report)
{
    cella_platform_backend_t *backends = report->backends;
    const cella_platform_check_t *failed;

    /* sandbox: needs memfd_secret and seccomp filters. */
    cella_platform_backend_t *sandbox = &backends[CELLA_PLATFORM_BACKEND_SANDBOX];
    static const char *const sandbox_needs[] = {"cella.platform", "cella.memfd_secret",
                                                "cella.seccomp"};
    if (!facts->x86_64_linux) {
        set_backend(sandbox, CELLA_PLATFORM_BACKEND_SANDBOX, CELLA_PLATFORM_BACKEND_UNAVAILABLE,
                    false, "cella runs on x86-64 Linux only");
        copy_text(sandbox->remedy, sizeof(sandbox->remedy), "run cella on an x86-64 Linux machine");
    } else if (d->memfd_ok && d->seccomp_ok) {
        set_backend(sandbox, CELLA_PLATFORM_BACKEND_SANDBOX, CELLA_PLATFORM_BACKEND_AVAILABLE, true,
                    "each enclave runs in its own process, in memfd_secret memory, under a "
                    "seccomp filter (the default backend)");
    } else if (facts->memfd_secret_errno < 0 || facts->seccomp_filter_errno < 0) {
        set_backend(sandbox, CELLA_PLATFORM_BACKEND_SANDBOX, CELLA_PLATFORM_BACKEND_UNKNOWN, false,
                    "memfd_secret and seccomp filters were not probed%s",
                    facts->root_given ? " (--root inspects files only)" : "");
    } else {
        failed =
            first_failed(report, sandbox_needs, sizeof(sandbox_needs) / sizeof(sandbox_needs[0]));
        set_backend(sandbox, CELLA_PLATFORM_BACKEND_SANDBOX, CELLA_PLATFORM_BACKEND_UNAVAILABLE,
                    false, "needs memfd_secret and seccomp filters; %s: %s",
                    failed != NULL ? failed->title : "a requirement",
                    failed != NULL ? failed->detail : "fails");
        if (failed != NULL)
            copy_text(sandbox->remedy, sizeof(sandbox->remedy), failed->remedy);
    }

    /* sim: the image mapped into the application; runs wherever cella runs. */
    cella_platform_backend_t *sim = &backends[CELLA_PLATFORM_BACKEND_SIM];
    if (facts->x86_64_linux)
        set_backend(sim, CELLA_PLATFORM_BACKEND_SIM, CELLA_PLATFORM_BACKEND_AVAILABLE, true,
                    "in-process, for debugging only: no isolation, the application can read and "
                    "change enclave memory");
    else {
        set_backend(sim, CELLA_PLATFORM_BACKEND_SIM, CELLA_PLATFORM_BACKEND_UNAVAILABLE, false,
                    "cella runs on x86-64 Linux only");
        copy_text(sim->remedy, sizeof(sim->remedy), "run cella on an x86-64 Linux machine");
    }

    /* sgx: real hardware through /dev/sgx_enclave; not shipped in this version. */
    cella_platform_backend_t *sgx = &backends[CELLA_PLATFORM_BACKEND_SGX];
    static const char *const sgx_needs[] = {
        "cpu.cpuid", "sgx.cpu", "sgx.sgx1",       "sgx.max_enclave_size", "sgx.attributes",
        "sgx.epc",   "sgx.flc", "kernel.cpuinfo", "dev.sgx_enclave"};
    if (d->sgx_runs) {
        set_backend(sgx, CELLA_PLATFORM_BACKEND_SGX, CELLA_PLATFORM_BACKEND_PLANNED, true,
                    "this version of cella does not ship the SGX hardware backend yet (planned); "
                    "this machine meets its needs: SGX1, FLC, a read-write /dev/sgx_enclave");
    } else {
        failed = first_failed(report, sgx_needs, sizeof(sgx_needs) / sizeof(sgx_needs[0]));
        set_backend(sgx, CELLA_PLATFORM_BACKEND_SGX, CELLA_PLATFORM_BACKEND_PLANNED, false,
                    "this version of cella does not ship the SGX hardware backend yet (planned); "
                    "this machine also lacks it: %s: %s",
                    failed != NULL ? failed->title : "SGX", failed != NULL ? failed->detail : "");
        if (failed != NULL)
            copy_text(sgx->remedy, sizeof(sgx->remedy), failed->remedy);
    }

    /* kvm: a minimal KVM guest per enclave; not shipped in this version. */
    cella_platform_backend_t *kvm = &backends[CELLA_PLATFORM_BACKEND_KVM];
    const cella_platform_check_t *kvm_check = cella_platform_get_check(report, "cella.kvm");
    if (d->kvm_ok)
        set_backend(kvm, CELLA_PLATFORM_BACKEND_KVM, CELLA_PLATFORM_BACKEND_PLANNED, true,
                    "this version of cella does not ship the KVM backend yet (planned); /dev/kvm "
                    "would allow it");
    else {
        set_backend(kvm, CELLA_PLATFORM_BACKEND_KVM, CELLA_PLATFORM_BACKEND_PLANNED, false,
                    "this version of cella does not ship the KVM backend yet (planned); /dev/kvm "
                    "would not allow it: %s",
                    kvm_check != NULL ? kvm_check->detail : "absent");
        if (kvm_check != NULL)
            copy_text(kvm->remedy, sizeof(kvm->remedy), kvm_check->remedy);
    }
}

static int exit_code(const struct derived *d)
{
    if (!d->cpu_sgx)
        return CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT;
    if (!d->hardware_ok)
        return CELLA_PLATFORM_EXIT_FIRMWARE_DISABLED;
    if (!d->flc_ok || !d->driver_ok)
        return CELLA_PLATFORM_EXIT_NO_DRIVER;
    if (!d->quoting_ok)
        return CELLA_PLATFORM_EXIT_NO_ATTESTATION;
    return CELLA_PLATFORM_EXIT_READY;
}

static void write_verdict(cella_platform_report_t *report)
{
    static const char *const headlines[] = {
        [CELLA_PLATFORM_EXIT_READY] = "SGX is ready: enclaves can run on this machine's SGX "
                                      "hardware and DCAP quotes can be made",
        [CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT] = "No SGX on this machine",
        [CELLA_PLATFORM_EXIT_FIRMWARE_DISABLED] = "The CPU has SGX, but it is disabled or "
                                                  "misconfigured",
        [CELLA_PLATFORM_EXIT_NO_DRIVER] = "SGX is enabled, but Linux cannot run enclaves on it",
        [CELLA_PLATFORM_EXIT_NO_ATTESTATION] = "SGX enclaves can run, but DCAP quotes cannot be "
                                               "made yet",
    };
    const cella_platform_backend_t *sandbox = &report->backends[CELLA_PLATFORM_BACKEND_SANDBOX];
    const cella_platform_backend_t *sim = &report->backends[CELLA_PLATFORM_BACKEND_SIM];
    const char *cella;
    if (sandbox->state == CELLA_PLATFORM_BACKEND_AVAILABLE)
        cella = "cella runs enclaves here with its sandbox backend (a software TEE)";
    else if (sandbox->state == CELLA_PLATFORM_BACKEND_UNKNOWN)
        cella = "whether cella's sandbox backend runs here was not probed";
    else if (sim->state == CELLA_PLATFORM_BACKEND_AVAILABLE)
        cella = "cella's sandbox backend cannot run here; only the sim backend (no isolation) can";
    else
        cella = "no cella backend can run here";
    format_text(report->verdict, sizeof(report->verdict), "%s (exit %d); %s%s.",
                headlines[report->exit_code], report->exit_code, cella,
                report->exit_code == CELLA_PLATFORM_EXIT_READY ? " (its sgx backend is planned)"
                                                               : "");
}

void cella_platform_get_report(const cella_platform_facts_t *facts, cella_platform_report_t *report)
{
    if (report == NULL)
        return;
    memset(report, 0, sizeof(*report));
    if (facts == NULL) {
        report->exit_code = CELLA_PLATFORM_EXIT_NO_CPU_SUPPORT;
        copy_text(report->verdict, sizeof(report->verdict), "No facts were collected.");
        for (size_t i = 0; i < CELLA_PLATFORM_BACKEND_COUNT; i++) {
            report->backends[i].name = backend_names[i];
            report->backends[i].state = CELLA_PLATFORM_BACKEND_UNKNOWN;
        }
        return;
    }
    struct derived d;
    derive(facts, &d);
    report_cpu(facts, &d, report);
    report_sgx_details(facts, &d, report);
    report_linux(facts, &d, report);
    report_attestation(facts, &d, report);
    report_environment(facts, report);
    report_cella(facts, &d, report);
    report_backends(facts, &d, report);
    report->exit_code = exit_code(&d);
    write_verdict(report);
}

const cella_platform_check_t *cella_platform_get_check(const cella_platform_report_t *report,
                                                       const char *id)
{
    if (report == NULL || id == NULL)
        return NULL;
    for (size_t i = 0; i < report->check_count && i < CELLA_PLATFORM_CHECKS_MAX; i++) {
        if (text_equal(report->checks[i].id, id))
            return &report->checks[i];
    }
    return NULL;
}

int cella_platform_get_backend_exit_code(const cella_platform_report_t *report,
                                         cella_platform_backend_id_t id)
{
    if (report == NULL || (size_t)id >= CELLA_PLATFORM_BACKEND_COUNT)
        return CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE;
    return report->backends[id].state == CELLA_PLATFORM_BACKEND_AVAILABLE
               ? CELLA_PLATFORM_EXIT_READY
               : CELLA_PLATFORM_EXIT_BACKEND_UNAVAILABLE;
}

/* ---- another user ------------------------------------------------------------------------- */

/* Finds user (a name, or a decimal uid) in etc/passwd under env->root. */
static bool find_passwd_entry(const cella_platform_env_t *env, const char *user, uint32_t *uid,
                              uint32_t *gid, char *name, size_t name_size)
{
    char path[PATH_BYTES];
    make_path(env, "/etc/passwd", path);
    FILE *stream = fopen(path, "re");
    if (stream == NULL)
        return false;
    bool found = false;
    struct line_reader reader = {stream, NULL, 0};
    char *line;
    while (!found && (line = line_next(&reader)) != NULL) {
        char *fields[4] = {NULL, NULL, NULL, NULL};
        char *cursor = line;
        size_t count = 0;
        line[strcspn(line, "\r\n")] = '\0';
        while (count < 4) {
            fields[count++] = cursor;
            char *colon = strchr(cursor, ':');
            if (colon == NULL)
                break;
            *colon = '\0';
            cursor = colon + 1;
        }
        if (count < 4)
            continue;
        uint64_t line_uid = 0;
        uint64_t line_gid = 0;
        if (!parse_digits(fields[2], UINT32_MAX, false, &line_uid) ||
            !parse_digits(fields[3], UINT32_MAX, false, &line_gid))
            continue;
        if (!text_equal(fields[0], user) && !text_equal(fields[2], user))
            continue;
        found = true;
        *uid = (uint32_t)line_uid;
        *gid = (uint32_t)line_gid;
        copy_text(name, name_size, fields[0]);
    }
    free(reader.line);
    fclose(stream);
    return found;
}

/* Adds the groups of etc/group under env->root that list name; false if there is no file. */
static bool collect_groups(const cella_platform_env_t *env, const char *name, gid_t *groups,
                           size_t *count)
{
    char path[PATH_BYTES];
    make_path(env, "/etc/group", path);
    FILE *stream = fopen(path, "re");
    if (stream == NULL)
        return false;
    struct line_reader reader = {stream, NULL, 0};
    char *line;
    while (*count < CELLA_PLATFORM_GROUPS_MAX && (line = line_next(&reader)) != NULL) {
        char *fields[4] = {NULL, NULL, NULL, NULL};
        char *cursor = line;
        size_t field_count = 0;
        line[strcspn(line, "\r\n")] = '\0';
        while (field_count < 4) {
            fields[field_count++] = cursor;
            char *colon = strchr(cursor, ':');
            if (colon == NULL)
                break;
            *colon = '\0';
            cursor = colon + 1;
        }
        if (field_count < 4 || fields[2][0] == '\0')
            continue;
        uint64_t gid = 0;
        if (!parse_digits(fields[2], UINT32_MAX, false, &gid))
            continue;
        char *save = NULL;
        for (char *member = strtok_r(fields[3], ",", &save); member != NULL;
             member = strtok_r(NULL, ",", &save)) {
            if (text_equal(member, name)) {
                groups[(*count)++] = (gid_t)gid;
                break;
            }
        }
    }
    free(reader.line);
    fclose(stream);
    return true;
}

cella_result_t cella_platform_env_set_user(cella_platform_env_t *env, const char *user)
{
    if (env == NULL || user == NULL || user[0] == '\0')
        return CELLA_ERR_INVALID_ARGUMENT;
    if (env->root != NULL && strlen(env->root) >= CELLA_PLATFORM_ROOT_MAX_BYTES)
        return CELLA_ERR_INVALID_ARGUMENT;

    uint32_t uid = 0;
    uint32_t gid = 0;
    char name[CELLA_PLATFORM_NAME_MAX_BYTES];
    gid_t groups[CELLA_PLATFORM_GROUPS_MAX];
    size_t group_count = 0;

    bool found = find_passwd_entry(env, user, &uid, &gid, name, sizeof(name));
    if (found) {
        groups[group_count++] = (gid_t)gid;
        /* Without etc/group the user has its primary group only. */
        (void)collect_groups(env, name, groups, &group_count);
    }
    if (!found && !has_root(env)) {
        /* The name service also knows users that etc/passwd lacks (LDAP, sssd). */
        char *buffer = malloc(NSS_BUFFER_MAX_BYTES);
        if (buffer == NULL)
            return CELLA_ERR_OUT_OF_MEMORY;
        struct passwd entry;
        struct passwd *result = NULL;
        uint64_t number = 0;
        if (parse_digits(user, UINT32_MAX, false, &number))
            (void)getpwuid_r((uid_t)number, &entry, buffer, NSS_BUFFER_MAX_BYTES, &result);
        if (result == NULL)
            (void)getpwnam_r(user, &entry, buffer, NSS_BUFFER_MAX_BYTES, &result);
        if (result != NULL) {
            found = true;
            uid = (uint32_t)result->pw_uid;
            gid = (uint32_t)result->pw_gid;
            int count = CELLA_PLATFORM_GROUPS_MAX;
            if (getgrouplist(result->pw_name, result->pw_gid, groups, &count) >= 0 && count >= 0)
                group_count = (size_t)count;
            else
                groups[group_count++] = result->pw_gid;
        }
        free(buffer);
    }
    if (!found)
        return CELLA_ERR_NOT_FOUND;

    env->uid = (uid_t)uid;
    env->gid = (gid_t)gid;
    memcpy(env->group_storage, groups, group_count * sizeof(groups[0]));
    env->groups = env->group_storage;
    env->group_count = group_count;
    return CELLA_OK;
}
