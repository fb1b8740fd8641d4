/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/token.c: `cella token verify`: checks an attestation token as a relying party. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include <cella/collateral.h>
#include <cella/log.h>
#include <cella/token.h>

#include "json_text.h"
#include "subcommands.h"

/* Exit codes. */
#define EXIT_VERIFIED 0
#define EXIT_REFUSED  1
#define EXIT_USAGE    2

#define TCB_STATUSES_MAX   16
#define ADVISORY_IDS_MAX   64
#define MAX_SKEW_SECONDS   86400 /* a day: more would make expiry meaningless */
#define HEX_IDENTITY_BYTES 64

/* The subcommands of `cella token`; each gets argv with argv[0] set to its own name. */
static int verify_main(int argc, char **argv);

static const struct subcommand token_commands[] = {
    {"verify", "verify an attestation token against the issuer's keys and a policy", verify_main},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: cella token <command> [options]\n"
                 "       cella token <command> --help\n"
                 "\n"
                 "Works on attestation tokens: the RS256 JWTs that cella-attestd and Microsoft\n"
                 "Azure Attestation issue for verified enclaves.\n"
                 "\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof(token_commands) / sizeof(token_commands[0]); i++)
        fprintf(out, "  %-6s %s\n", token_commands[i].name, token_commands[i].summary);
    fprintf(out, "\n"
                 "Options:\n"
                 "  -h, --help  show this help\n");
}

static void verify_usage(FILE *out)
{
    fprintf(out,
            "Usage: cella token verify --jwks URL|FILE --issuer ISSUER [options] TOKEN|-\n"
            "\n"
            "Verifies an attestation token as a relying party: its RS256 signature with the key\n"
            "of the issuer's key set that its kid names, its issuer and validity period, and\n"
            "what the options below require of the enclave. Prints the verdict and the claims.\n"
            "\n"
            "TOKEN is the token itself, or a file holding it; '-' reads it from standard\n"
            "input. A file or standard input may also hold the service's JSON answer\n"
            "{\"token\": \"...\"}.\n"
            "\n"
            "Options:\n"
            "  --jwks URL|FILE      the issuer's key set (JWK Set): an http(s) URL such as\n"
            "                       ISSUER/certs, or a file (required)\n"
            "  --issuer ISSUER      the token's iss must be exactly this (required)\n"
            "  --mrenclave HEX      require this MRENCLAVE (64 hex digits)\n"
            "  --mrsigner HEX       require this MRSIGNER (64 hex digits)\n"
            "  --min-svn N          require a security version of N or more\n"
            "  --product-id N       require this product ID\n"
            "  --allow-debug        accept debug enclaves (refused by default)\n"
            "  --tcb-status S       accept only these TCB statuses (repeat for more)\n"
            "  --allow-advisory ID  accept only these security advisories (repeat for more)\n"
            "  --require-hardware   refuse tokens of cella's software TEE\n"
            "  --nonce N            require this nonce\n"
            "  --at TIME            verify at TIME (YYYY-MM-DDThh:mm:ssZ or seconds since the\n"
            "                       epoch) instead of now\n"
            "  --skew SECONDS       allowed clock difference with the issuer (default 60, at\n"
            "                       most %d)\n"
            "  --json               print one JSON object instead of text\n"
            "  -h, --help           show this help\n"
            "\n"
            "Exit status: 0 when the token verified, 1 when it was refused or could not be\n"
            "verified (the key set could not be read), 2 on bad usage.\n",
            MAX_SKEW_SECONDS);
}

/* ------------------------------------------------------------------------------------------ */
/* Input                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* read_input() with the text as chars: the caller frees *out. */
static bool read_all(const char *path, size_t max_size, char **out, size_t *out_size)
{
    struct buffer buffer;
    if (!read_input("cella token verify", path, max_size, &buffer))
        return false;
    *out = (char *)buffer.data;
    *out_size = buffer.size;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The token from a file or standard input ("-"): the text without the white space around it,
 * or the "token" member of the service's JSON answer. *token is a new string.
 */
static bool token_from_file(const char *path, char **token, size_t *token_size)
{
    char *text = NULL;
    size_t size = 0;

    /* Room for a JSON answer around the longest token. */
    if (!read_all(path, 2 * (size_t)CELLA_TOKEN_MAX_BYTES, &text, &size))
        return false;
    size_t start = 0;
    while (start < size && is_space(text[start]))
        start++;
    while (size > start && is_space(text[size - 1]))
        size--;
    if (start < size && text[start] == '{') {
        json_error_t error;
        json_t *answer = json_loadb(text + start, size - start, JSON_REJECT_DUPLICATES, &error);
        const json_t *member = json_object_get(answer, "token");
        if (!json_is_string(member)) {
            fprintf(stderr,
                    "cella token verify: %s: a JSON object without a \"token\" string%s%s\n",
                    strcmp(path, "-") == 0 ? "standard input" : path, answer == NULL ? ": " : "",
                    answer == NULL ? error.text : "");
            json_decref(answer);
            free(text);
            return false;
        }
        *token_size = json_string_length(member);
        *token = strndup(json_string_value(member), *token_size);
        json_decref(answer);
        free(text);
    } else {
        *token_size = size - start;
        *token = strndup(text + start, *token_size);
        free(text);
    }
    if (*token == NULL) {
        fprintf(stderr, "cella token verify: out of memory\n");
        return false;
    }
    return true;
}

static bool is_url(const char *text)
{
    return strncasecmp(text, "https://", 8) == 0 || strncasecmp(text, "http://", 7) == 0;
}

/* The key set from a URL or a file; prints why not. */
static bool load_keys(const char *source, cella_token_keys_t **keys)
{
    cella_result_t r;

    if (is_url(source)) {
        r = cella_token_keys_fetch(source, keys);
        if (r != CELLA_OK)
            fprintf(stderr, "cella token verify: %s: cannot get the key set: %s\n", source,
                    cella_result_str(r));
        return r == CELLA_OK;
    }
    char *json = NULL;
    size_t size = 0;
    if (!read_all(source, CELLA_TOKEN_KEYS_MAX_BYTES, &json, &size))
        return false;
    r = cella_token_keys_parse(json, size, keys);
    free(json);
    if (r != CELLA_OK)
        fprintf(stderr, "cella token verify: %s: not a usable JWK Set: %s\n", source,
                cella_result_str(r));
    return r == CELLA_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Options                                                                                    */
/* ------------------------------------------------------------------------------------------ */

struct verify_options {
    const char *jwks;
    const char *issuer;
    const char *mrenclave;
    const char *mrsigner;
    bool has_min_svn;
    uint16_t min_svn;
    bool has_product_id;
    uint16_t product_id;
    bool allow_debug;
    const char *tcb_statuses[TCB_STATUSES_MAX];
    size_t tcb_status_count;
    const char *advisory_ids[ADVISORY_IDS_MAX];
    size_t advisory_id_count;
    bool require_hardware;
    const char *nonce;
    bool at_given;
    int64_t at;
    int64_t skew;
    bool as_json;
    const char *token;
};

/* Reads the value of an option: "--name VALUE" or "--name=VALUE". NULL when it is not name. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t length = strlen(name);
    const char *argument = argv[*i];
    if (strncmp(argument, name, length) != 0)
        return NULL;
    if (argument[length] == '=')
        return argument + length + 1;
    if (argument[length] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    *i += 1;
    return argv[*i];
}

/* A decimal number from 0 to max, digits only. */
static bool parse_number(const char *text, uint64_t max, uint64_t *value)
{
    if (text[0] == '\0' || strspn(text, "0123456789") != strlen(text) || strlen(text) > 19)
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long number = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || number > max)
        return false;
    *value = number;
    return true;
}

static bool parse_time(const char *text, int64_t *seconds)
{
    uint64_t value = 0;
    if (parse_number(text, (uint64_t)INT64_MAX, &value)) {
        *seconds = (int64_t)value;
        return true;
    }
    return cella_collateral_parse_time(text, seconds) == CELLA_OK;
}

static bool is_hex_identity(const char *text)
{
    return strlen(text) == HEX_IDENTITY_BYTES &&
           strspn(text, "0123456789abcdefABCDEF") == HEX_IDENTITY_BYTES;
}

static int usage_error(const char *format, ...) CELLA_PRINTF(1, 2);

static int usage_error(const char *format, ...)
{
    va_list arguments;
    fputs("cella token verify: ", stderr);
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

/* Returns an exit code, or -1 to go on. */
static int verify_parse(int argc, char **argv, struct verify_options *o)
{
    bool options_done = false;
    uint64_t number = 0;

    o->skew = CELLA_TOKEN_DEFAULT_CLOCK_SKEW_SECONDS;
    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        const char *value;
        bool missing = false;

        if (options_done || argument[0] != '-' || argument[1] == '\0') {
            if (o->token != NULL)
                return usage_error("%s: one token at a time ('%s' was given already)", argument,
                                   o->token);
            o->token = argument;
        } else if (strcmp(argument, "--") == 0) {
            options_done = true;
        } else if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            verify_usage(stdout);
            return EXIT_VERIFIED;
        } else if (strcmp(argument, "--json") == 0) {
            o->as_json = true;
        } else if (strcmp(argument, "--allow-debug") == 0) {
            o->allow_debug = true;
        } else if (strcmp(argument, "--require-hardware") == 0) {
            o->require_hardware = true;
        } else if ((value = option_value(argc, argv, &i, "--jwks", &missing)) != NULL) {
            o->jwks = value;
        } else if ((value = option_value(argc, argv, &i, "--issuer", &missing)) != NULL) {
            o->issuer = value;
        } else if ((value = option_value(argc, argv, &i, "--mrenclave", &missing)) != NULL) {
            if (!is_hex_identity(value))
                return usage_error("--mrenclave %s: not 64 hex digits", value);
            o->mrenclave = value;
        } else if ((value = option_value(argc, argv, &i, "--mrsigner", &missing)) != NULL) {
            if (!is_hex_identity(value))
                return usage_error("--mrsigner %s: not 64 hex digits", value);
            o->mrsigner = value;
        } else if ((value = option_value(argc, argv, &i, "--min-svn", &missing)) != NULL) {
            if (!parse_number(value, UINT16_MAX, &number))
                return usage_error("--min-svn %s: not a number from 0 to 65535", value);
            o->has_min_svn = true;
            o->min_svn = (uint16_t)number;
        } else if ((value = option_value(argc, argv, &i, "--product-id", &missing)) != NULL) {
            if (!parse_number(value, UINT16_MAX, &number))
                return usage_error("--product-id %s: not a number from 0 to 65535", value);
            o->has_product_id = true;
            o->product_id = (uint16_t)number;
        } else if ((value = option_value(argc, argv, &i, "--tcb-status", &missing)) != NULL) {
            cella_tcb_status_t known;
            if (cella_tcb_status_parse(value, &known) != CELLA_OK)
                return usage_error("--tcb-status %s: not a TCB status (UpToDate, "
                                   "SWHardeningNeeded, ConfigurationNeeded, OutOfDate, ...)",
                                   value);
            if (o->tcb_status_count == TCB_STATUSES_MAX)
                return usage_error("--tcb-status %s: too many TCB statuses", value);
            o->tcb_statuses[o->tcb_status_count++] = value;
        } else if ((value = option_value(argc, argv, &i, "--allow-advisory", &missing)) != NULL) {
            if (o->advisory_id_count == ADVISORY_IDS_MAX)
                return usage_error("--allow-advisory %s: too many advisories", value);
            o->advisory_ids[o->advisory_id_count++] = value;
        } else if ((value = option_value(argc, argv, &i, "--nonce", &missing)) != NULL) {
            o->nonce = value;
        } else if ((value = option_value(argc, argv, &i, "--at", &missing)) != NULL) {
            if (!parse_time(value, &o->at))
                return usage_error("--at %s: not YYYY-MM-DDThh:mm:ssZ (UTC) nor seconds since "
                                   "the epoch",
                                   value);
            o->at_given = true;
        } else if ((value = option_value(argc, argv, &i, "--skew", &missing)) != NULL) {
            if (!parse_number(value, MAX_SKEW_SECONDS, &number))
                return usage_error("--skew %s: not a number of seconds from 0 to 86400", value);
            o->skew = (int64_t)number;
        } else if (missing) {
            return usage_error("%s needs a value", argument);
        } else {
            return usage_error("%s: unknown option; 'cella token verify --help' shows the options",
                               argument);
        }
    }
    if (o->jwks == NULL)
        return usage_error("%s", "no key set: give --jwks URL or --jwks FILE");
    if (o->issuer == NULL || o->issuer[0] == '\0')
        return usage_error("%s", "no issuer: give --issuer, e.g. --issuer https://attest.example");
    if (o->token == NULL)
        return usage_error("%s", "no token given; 'cella token verify --help' shows how");
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Collects JSON members; a failed allocation anywhere shows in ok. */
struct builder {
    bool ok;
};

static void add(struct builder *builder, json_t *object, const char *key, json_t *value)
{
    /* json_object_set_new() releases value even when it fails, and fails on NULL. */
    if (json_object_set_new(object, key, value) != 0)
        builder->ok = false;
}

static void append(struct builder *builder, json_t *array, json_t *value)
{
    if (json_array_append_new(array, value) != 0)
        builder->ok = false;
}

static json_t *time_text_json(int64_t seconds)
{
    struct tm tm;
    char text[32];
    time_t when = (time_t)seconds;
    if (gmtime_r(&when, &tm) == NULL ||
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_integer(seconds);
    return json_string(text);
}

/* The verdict as one JSON object; text output prints the same members. NULL: no memory. */
static json_t *verdict_json(const struct verify_options *o, int64_t now,
                            const cella_token_result_t *result)
{
    struct builder builder = {true};
    json_t *root = json_object();
    json_t *warnings = json_array();
    bool verified = result->failure == CELLA_TOKEN_OK;

    add(&builder, root, "verdict", json_string(verified ? "verified" : "refused"));
    add(&builder, root, "verified", json_boolean(verified));
    if (!verified) {
        add(&builder, root, "failure", json_string(cella_token_failure_str(result->failure)));
        add(&builder, root, "claim", json_string(result->claim));
        add(&builder, root, "reason", json_string(result->reason));
    }
    add(&builder, root, "issuer", json_text(o->issuer));
    add(&builder, root, "jwks", json_text(o->jwks));
    add(&builder, root, "kid", json_string(result->kid));
    add(&builder, root, "verification_time", time_text_json(now));
    if (strncasecmp(o->jwks, "http://", 7) == 0)
        append(&builder, warnings,
               json_string("the key set came over plain http: anyone on the way could have "
                           "replaced it"));
    if (verified) {
        add(&builder, root, "software_tee", json_boolean(result->software_tee));
        if (result->software_tee)
            append(&builder, warnings,
                   json_string("the enclave ran in cella's software TEE: it is not protected "
                               "against the owner of the machine it ran on"));
        bool debuggable = false;
        if (cella_token_claims_get_bool(result->claims, CELLA_TOKEN_CLAIM_IS_DEBUGGABLE,
                                        &debuggable) == CELLA_OK &&
            debuggable)
            append(&builder, warnings,
                   json_string("the enclave is a debug enclave: its memory can be read by its "
                               "host"));
        json_error_t error;
        json_t *claims = json_loads(cella_token_claims_get_json(result->claims, NULL), 0, &error);
        if (claims == NULL)
            builder.ok = false;
        else
            add(&builder, root, "claims", claims);
    }
    add(&builder, root, "warnings", warnings);
    if (!builder.ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Whether a string prints as it is: printable ASCII or UTF-8, no control characters (a nonce
 * or runtime data could otherwise reach the terminal as escape sequences). */
static bool is_plain_text(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        if (*c < 0x20 || *c == 0x7f)
            return false;
    }
    return true;
}

/* One value on one line: plain strings as they are, anything else as compact JSON. */
static void print_value(const json_t *value)
{
    if (json_is_string(value) && is_plain_text(json_string_value(value))) {
        fputs(json_string_value(value), stdout);
        return;
    }
    if (json_is_true(value) || json_is_false(value)) {
        fputs(json_is_true(value) ? "yes" : "no", stdout);
        return;
    }
    char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    fputs(text != NULL ? text : "?", stdout);
    free(text);
}

static void print_members(const json_t *object, int indent)
{
    const char *key;
    json_t *value;
    int width = 0;

    json_object_foreach((json_t *)(uintptr_t)object, key, value)
    {
        int length = (int)strlen(key);
        if (length > width && !json_is_object(value))
            width = length;
    }
    json_object_foreach((json_t *)(uintptr_t)object, key, value)
    {
        if (strcmp(key, "warnings") == 0)
            continue;
        if (json_is_object(value) && strcmp(key, "claims") == 0) {
            printf("%*s%s:\n", indent, "", key);
            print_members(value, indent + 2);
            continue;
        }
        printf("%*s%s:%*s ", indent, "", key, width - (int)strlen(key), "");
        print_value(value);
        putchar('\n');
    }
}

static void print_text(const json_t *root)
{
    const json_t *warnings = json_object_get(root, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++)
        printf("warning: %s\n", json_string_value(json_array_get(warnings, i)));
    print_members(root, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* verify                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static int verify_token(const struct verify_options *o)
{
    cella_token_keys_t *keys = NULL;
    cella_token_result_t result;
    cella_token_options_t options;
    char *token = NULL;
    size_t token_size = 0;
    json_t *root = NULL;
    int status = EXIT_REFUSED;

    memset(&result, 0, sizeof(result));
    struct stat file;
    if (strcmp(o->token, "-") == 0 || (stat(o->token, &file) == 0 && S_ISREG(file.st_mode))) {
        if (!token_from_file(o->token, &token, &token_size))
            goto out;
    } else {
        token_size = strlen(o->token);
        token = strdup(o->token);
        if (token == NULL) {
            fprintf(stderr, "cella token verify: out of memory\n");
            goto out;
        }
    }
    if (!load_keys(o->jwks, &keys))
        goto out;

    int64_t now = o->at_given ? o->at : (int64_t)time(NULL);
    cella_token_options_init(&options, o->issuer, now);
    options.clock_skew_seconds = o->skew;
    options.mrenclave = o->mrenclave;
    options.mrsigner = o->mrsigner;
    options.check_min_svn = o->has_min_svn;
    options.min_svn = o->min_svn;
    options.check_product_id = o->has_product_id;
    options.product_id = o->product_id;
    options.require_not_debuggable = !o->allow_debug;
    options.allowed_tcb_statuses = o->tcb_statuses;
    options.allowed_tcb_status_count = o->tcb_status_count;
    options.allowed_advisory_ids = o->advisory_ids;
    options.allowed_advisory_id_count = o->advisory_id_count;
    options.require_hardware = o->require_hardware;
    options.nonce = o->nonce;

    cella_result_t r = cella_token_verify(keys, token, token_size, &options, &result);
    if (r != CELLA_OK && r != CELLA_ERR_VERIFY_FAILED) {
        fprintf(stderr, "cella token verify: %s: %s\n", cella_result_str(r), result.reason);
        goto out;
    }
    root = verdict_json(o, now, &result);
    if (root == NULL) {
        fprintf(stderr, "cella token verify: building the output: out of memory\n");
        goto out;
    }
    if (o->as_json) {
        if (json_dumpf(root, stdout, JSON_INDENT(2)) != 0 || putchar('\n') == EOF) {
            fprintf(stderr, "cella token verify: writing the JSON output: %s\n", strerror(errno));
            goto out;
        }
    } else {
        print_text(root);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "cella token verify: writing the output: %s\n", strerror(errno));
        goto out;
    }
    if (r != CELLA_OK) {
        fprintf(stderr, "cella token verify: refused: %s: %s\n",
                cella_token_failure_str(result.failure), result.reason);
        goto out;
    }
    status = EXIT_VERIFIED;
out:
    json_decref(root);
    cella_token_result_clear(&result);
    cella_token_keys_destroy(keys);
    free(token);
    return status;
}

static int verify_main(int argc, char **argv)
{
    struct verify_options options;
    memset(&options, 0, sizeof(options));
    int status = verify_parse(argc, argv, &options);
    if (status >= 0)
        return status;

    subcommand_log_to_stderr("cella token");
    status = verify_token(&options);
    subcommand_log_stop();
    return status;
}

int token_main(int argc, char **argv)
{
    return subcommand_dispatch("token", token_commands,
                               sizeof(token_commands) / sizeof(token_commands[0]), usage, argc,
                               argv);
}
