/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/error.c: `cella error`, which explains SGX and DCAP status codes. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <cella/status.h>

#include "subcommands.h"

/* Longest status name accepted, terminating NUL included; known names are shorter. */
#define NAME_MAX_BYTES 64

/* A code explained: what the user typed, the entry it resolved to, how it was read. */
struct explanation {
    const char *argument;
    const cella_status_info_t *info;
    char note[160]; /* empty, or how an ambiguous argument was read */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cella error [--json] CODE...\n"
            "\n"
            "Explains SGX (sgx_status_t) and DCAP (quote3_error_t) status codes: the name, the\n"
            "value, what it means and what usually fixes it.\n"
            "\n"
            "CODE is one of:\n"
            "  0x2006                hexadecimal with 0x\n"
            "  8198                  decimal (as printed by programs that use %%d)\n"
            "  e019                  hexadecimal without 0x (when it has a letter a-f)\n"
            "  SGX_ERROR_NO_DEVICE   the name (also SGX_QL_* and TEE_*, any case)\n"
            "A number that is not a known decimal code but is a known hexadecimal one,\n"
            "such as 2006, is read as hexadecimal, and the output says so.\n"
            "\n"
            "Options:\n"
            "  --json      print a JSON array, one object per code\n"
            "  -h, --help  show this help\n"
            "\n"
            "Exit status: 0 when every code is known, 1 when one is not, 2 on bad usage.\n");
}

/* Reads text as an unsigned number in base 10 or 16; only digits, no sign, no spaces. */
static bool parse_number(const char *text, unsigned base, uint32_t *value)
{
    uint64_t number = 0;
    if (*text == '\0')
        return false;
    for (const char *p = text; *p != '\0'; p++) {
        unsigned digit;
        if (*p >= '0' && *p <= '9')
            digit = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            digit = (unsigned)(*p - 'a') + 10u;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            digit = (unsigned)(*p - 'A') + 10u;
        else
            return false;
        number = number * base + digit;
        if (number > UINT32_MAX)
            return false;
    }
    *value = (uint32_t)number;
    return true;
}

static bool has_only(const char *text, const char *allowed)
{
    return *text != '\0' && strspn(text, allowed) == strlen(text);
}

static const char decimal_digits[] = "0123456789";
static const char hex_digits[] = "0123456789abcdefABCDEF";

/* Which C type a code belongs to. */
static const char *code_type(uint32_t code)
{
    if (code == 0)
        return "sgx_status_t, quote3_error_t";
    if (code >= 0xE000u && code <= 0xE0FFu)
        return "quote3_error_t";
    return "sgx_status_t";
}

/* A hint for numbers from neighbouring families that users paste next to these codes. */
static const char *family_hint(uint32_t code)
{
    if (code >= 0xA000u && code <= 0xA0FFu)
        return "; 0xA0xx values are quote verification results (sgx_ql_qv_result_t), not "
               "errors";
    if (code >= 0xB000u && code <= 0xB0FFu)
        return "; 0xB0xx values come from the quote provider library and usually come with "
               "SGX_QL_NETWORK_ERROR: see 'cella error 0xE019'";
    return "";
}

/* Looks a name up in any letter case. */
static const cella_status_info_t *lookup_name_any_case(const char *name)
{
    char upper[NAME_MAX_BYTES];
    size_t length = strlen(name);
    if (length >= sizeof(upper))
        return NULL;
    for (size_t i = 0; i <= length; i++) {
        char c = name[i];
        upper[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    return cella_status_lookup_name(upper);
}

/*
 * Resolves a number written with decimal digits only. It is read as decimal first, since
 * that is how most programs print an int; if only its hexadecimal reading is a known code
 * (2006 for 0x2006), that one wins and the note says so.
 */
static bool resolve_plain_number(const char *argument, struct explanation *out)
{
    uint32_t decimal = 0;
    uint32_t hex = 0;
    bool decimal_ok = parse_number(argument, 10, &decimal);
    bool hex_ok = parse_number(argument, 16, &hex);
    const cella_status_info_t *as_decimal = decimal_ok ? cella_status_lookup(decimal) : NULL;
    const cella_status_info_t *as_hex = hex_ok ? cella_status_lookup(hex) : NULL;

    if (as_decimal != NULL) {
        out->info = as_decimal;
        if (as_hex != NULL && as_hex != as_decimal)
            snprintf(out->note, sizeof(out->note), "read as decimal; hexadecimal 0x%s is %s",
                     argument, as_hex->name);
        return true;
    }
    if (as_hex != NULL) {
        out->info = as_hex;
        snprintf(out->note, sizeof(out->note),
                 "read as hexadecimal 0x%s; decimal %s is not a known code", argument, argument);
        return true;
    }
    const char *hint = decimal_ok ? family_hint(decimal) : "";
    if (hint[0] == '\0' && hex_ok)
        hint = family_hint(hex);
    fprintf(stderr,
            "cella error: %s: not a known sgx_status_t or quote3_error_t code, neither as "
            "decimal nor as hexadecimal%s\n",
            argument, hint);
    return false;
}

/* Resolves one argument; returns false (after printing why) when nothing matches. */
static bool resolve(const char *argument, struct explanation *out)
{
    uint32_t code = 0;
    out->argument = argument;
    out->info = NULL;
    out->note[0] = '\0';

    if (argument[0] == '0' && (argument[1] == 'x' || argument[1] == 'X')) {
        if (!parse_number(argument + 2, 16, &code)) {
            fprintf(stderr, "cella error: %s: not a hexadecimal number of at most 32 bits\n",
                    argument);
            return false;
        }
    } else if (has_only(argument, decimal_digits)) {
        return resolve_plain_number(argument, out);
    } else if (has_only(argument, hex_digits)) {
        if (!parse_number(argument, 16, &code)) {
            fprintf(stderr, "cella error: %s: not a hexadecimal number of at most 32 bits\n",
                    argument);
            return false;
        }
    } else {
        out->info = lookup_name_any_case(argument);
        if (out->info == NULL) {
            fprintf(stderr, "cella error: %s: not a known SGX or DCAP status name, nor a number\n",
                    argument);
            return false;
        }
        return true;
    }

    out->info = cella_status_lookup(code);
    if (out->info == NULL) {
        fprintf(stderr, "cella error: %s: not a known sgx_status_t or quote3_error_t code%s\n",
                argument, family_hint(code));
        return false;
    }
    return true;
}

static void print_text(const struct explanation *explanation, bool first)
{
    const cella_status_info_t *info = explanation->info;
    if (!first)
        putchar('\n');
    printf("%s = 0x%04X (%u), %s\n", info->name, (unsigned)info->code, (unsigned)info->code,
           code_type(info->code));
    if (explanation->note[0] != '\0')
        printf("  note:    %s\n", explanation->note);
    printf("  meaning: %s\n", info->meaning);
    if (info->remedy[0] != '\0')
        printf("  remedy:  %s\n", info->remedy);
}

/* Adds one explanation to a JSON array; false when memory runs out. */
static bool append_json(json_t *array, const struct explanation *explanation)
{
    const cella_status_info_t *info = explanation->info;
    char hex[16];
    snprintf(hex, sizeof(hex), "0x%04X", (unsigned)info->code);

    json_t *object = json_object();
    if (object == NULL)
        return false;
    bool ok =
        json_object_set_new(object, "input", json_string(explanation->argument)) == 0 &&
        json_object_set_new(object, "name", json_string(info->name)) == 0 &&
        json_object_set_new(object, "code", json_integer(info->code)) == 0 &&
        json_object_set_new(object, "hex", json_string(hex)) == 0 &&
        json_object_set_new(object, "type", json_string(code_type(info->code))) == 0 &&
        json_object_set_new(object, "meaning", json_string(info->meaning)) == 0 &&
        json_object_set_new(object, "remedy",
                            info->remedy[0] != '\0' ? json_string(info->remedy) : json_null()) == 0;
    if (ok && explanation->note[0] != '\0')
        ok = json_object_set_new(object, "note", json_string(explanation->note)) == 0;
    if (!ok) {
        json_decref(object);
        return false;
    }
    return json_array_append_new(array, object) == 0;
}

int error_main(int argc, char **argv)
{
    bool json = false;
    bool options_done = false;
    int code_count = 0;

    /* First pass: options, so that --json may come after the codes too. */
    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        if (options_done || argument[0] != '-' || argument[1] == '\0') {
            code_count++;
        } else if (strcmp(argument, "--") == 0) {
            options_done = true;
        } else if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argument, "--json") == 0) {
            json = true;
        } else {
            fprintf(stderr,
                    "cella error: %s: unknown option; 'cella error --help' shows the options\n",
                    argument);
            return 2;
        }
    }
    if (code_count == 0) {
        fprintf(stderr, "cella error: no code given; 'cella error --help' shows how\n");
        return 2;
    }

    json_t *array = NULL;
    if (json) {
        array = json_array();
        if (array == NULL) {
            fprintf(stderr, "cella error: building the JSON output: out of memory\n");
            return 1;
        }
    }

    int status = 0;
    bool first = true;
    options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        if (!options_done && argument[0] == '-' && argument[1] != '\0') {
            options_done = strcmp(argument, "--") == 0;
            continue;
        }
        struct explanation explanation;
        if (!resolve(argument, &explanation)) {
            status = 1;
            continue;
        }
        if (json) {
            if (!append_json(array, &explanation)) {
                fprintf(stderr, "cella error: building the JSON output: out of memory\n");
                json_decref(array);
                return 1;
            }
        } else {
            print_text(&explanation, first);
        }
        first = false;
    }

    if (json) {
        int dumped = json_dumpf(array, stdout, JSON_INDENT(2));
        json_decref(array);
        if (dumped != 0 || putchar('\n') == EOF) {
            fprintf(stderr, "cella error: writing the JSON output: %s\n", strerror(errno));
            return 1;
        }
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "cella error: writing the output: %s\n", strerror(errno));
        return 1;
    }
    return status;
}
