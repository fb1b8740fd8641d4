/* SPDX-License-Identifier: Apache-2.0 */
/* verify/collateral.c: strict parsers for signed TCB Info and enclave identity JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <cella/collateral.h>
#include <cella/encoding.h>

#include "../common/log_internal.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Runs a step of a fallible function; on failure jumps to its one `out:` label. */
#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* Longest object path a log message names, e.g. "tcbInfo.tcbLevels[12].tcb". */
#define PATH_MAX_BYTES 96
/* Longest piece of a rejected string value quoted in a log message. */
#define QUOTE_MAX_BYTES 48

/* What one kind of signed document is called and where its signed body sits. */
typedef struct document_kind {
    const char *name;     /* for the log: "TCB Info" */
    const char *body_key; /* top-level key of the signed body: "tcbInfo" */
} document_kind_t;

static const document_kind_t tcb_info_kind = {"TCB Info", "tcbInfo"};
static const document_kind_t identity_kind = {"enclave identity", "enclaveIdentity"};

/* A loaded `{"<body_key>":{...},"signature":"..."}` document. */
typedef struct signed_document {
    json_t *root;
    const json_t *body; /* borrowed from root */
    const char *body_text;
    size_t body_size;
    uint8_t signature[CELLA_COLLATERAL_SIGNATURE_BYTES];
} signed_document_t;

/*
 * Times
 */

/* Reads count decimal digits; stops at the first non-digit (a NUL included), never past it. */
static bool read_digits(const char *text, size_t count, unsigned *value)
{
    unsigned result = 0;

    for (size_t i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        result = result * 10 + (unsigned)(text[i] - '0');
    }
    *value = result;
    return true;
}

static bool is_leap_year(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned days_in_month(unsigned year, unsigned month)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return days[month - 1] + (month == 2 && is_leap_year(year) ? 1u : 0u);
}

/* Days from 0001-01-01 to the first day of year (proleptic Gregorian calendar), year >= 1. */
static int64_t days_before_year(unsigned year)
{
    int64_t previous = (int64_t)year - 1;

    return previous * 365 + previous / 4 - previous / 100 + previous / 400;
}

cella_result_t cella_collateral_parse_time(const char *text, int64_t *seconds)
{
    unsigned year, month, day, hour, minute, second;
    size_t at = 19;

    if (text == NULL || seconds == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    /* Each test runs only when the ones before it matched, so no read passes the NUL. */
    if (!read_digits(text, 4, &year) || text[4] != '-' || !read_digits(text + 5, 2, &month) ||
        text[7] != '-' || !read_digits(text + 8, 2, &day) || text[10] != 'T' ||
        !read_digits(text + 11, 2, &hour) || text[13] != ':' ||
        !read_digits(text + 14, 2, &minute) || text[16] != ':' ||
        !read_digits(text + 17, 2, &second))
        return CELLA_ERR_INVALID_FORMAT;
    /* Fractional seconds: one to nine digits, dropped (times compare to the second). */
    if (text[at] == '.') {
        size_t first = ++at;
        while (text[at] >= '0' && text[at] <= '9' && at - first < 9)
            at++;
        if (at == first)
            return CELLA_ERR_INVALID_FORMAT;
    }
    /* UTC only: "Z", never an offset, nothing after it. */
    if (text[at] != 'Z' || text[at + 1] != '\0')
        return CELLA_ERR_INVALID_FORMAT;
    /* A real calendar date; no leap second (collateral never writes one). */
    if (year == 0 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
        hour > 23 || minute > 59 || second > 59)
        return CELLA_ERR_INVALID_FORMAT;

    int64_t days = days_before_year(year) - days_before_year(1970);
    for (unsigned m = 1; m < month; m++)
        days += days_in_month(year, m);
    days += day - 1;
    *seconds = days * 86400 + (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
    return CELLA_OK;
}

/*
 * Log helpers
 */

/*
 * Up to buffer_size - 1 characters of text for a log line, anything but printable ASCII as
 * '?': values come from the input and must not inject line breaks or escapes into the log.
 */
static const char *printable(const char *text, char *buffer, size_t buffer_size)
{
    size_t i = 0;

    for (; text[i] != '\0' && i < buffer_size - 1; i++)
        buffer[i] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
    buffer[i] = '\0';
    return buffer;
}

static const char *quote(const char *text, char buffer[QUOTE_MAX_BYTES])
{
    return printable(text, buffer, QUOTE_MAX_BYTES);
}

static const char *type_name(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "unknown";
}

/* What goes between an object's path and a member's key: nothing at the top level. */
static const char *separator(const char *where)
{
    return where[0] != '\0' ? "." : "";
}

/* A path that did not fit ends in "..." (only the log reads paths). */
static void mark_if_cut(char path[PATH_MAX_BYTES], int length)
{
    if (length < 0 || length >= PATH_MAX_BYTES)
        memcpy(path + PATH_MAX_BYTES - 4, "...", 4);
}

/* "<parent>[<index>]" into path. */
static void index_path(char path[PATH_MAX_BYTES], const char *parent, size_t index)
{
    mark_if_cut(path, snprintf(path, PATH_MAX_BYTES, "%s[%zu]", parent, index));
}

/* "<parent>.<key>" into path, or "<key>" at the top level. */
static void key_path(char path[PATH_MAX_BYTES], const char *parent, const char *key)
{
    mark_if_cut(path, snprintf(path, PATH_MAX_BYTES, "%s%s%s", parent, separator(parent), key));
}

/*
 * Field readers. `where` is the path of `object` in the document for the log ("" for the
 * top level); each reader logs what is wrong and returns CELLA_ERR_INVALID_FORMAT.
 */

/* Every member of object is one of allowed: unknown fields are refused, not ignored. */
static cella_result_t check_keys(const document_kind_t *kind, const char *where,
                                 const json_t *object, const char *const *allowed,
                                 size_t allowed_count)
{
    /* jansson's iterators take a non-const object; this loop only reads it. */
    json_t *mutable_object = (json_t *)(uintptr_t)object;
    char quoted[QUOTE_MAX_BYTES];

    for (void *member = json_object_iter(mutable_object); member != NULL;
         member = json_object_iter_next(mutable_object, member)) {
        const char *key = json_object_iter_key(member);
        size_t i = 0;
        while (i < allowed_count && strcmp(key, allowed[i]) != 0)
            i++;
        if (i == allowed_count) {
            cella_log(CELLA_LOG_ERROR, "%s: %s has an unknown field \"%s\"", kind->name,
                      where[0] != '\0' ? where : "the top level", quote(key, quoted));
            return CELLA_ERR_INVALID_FORMAT;
        }
    }
    return CELLA_OK;
}

static cella_result_t get_member(const document_kind_t *kind, const char *where,
                                 const json_t *object, const char *key, json_type type,
                                 const json_t **member)
{
    const json_t *value = json_object_get(object, key);

    if (value == NULL) {
        cella_log(CELLA_LOG_ERROR, "%s: %s%s%s is missing", kind->name, where, separator(where),
                  key);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (json_typeof(value) != type) {
        const char *expected_name = "a string";
        switch (type) {
        case JSON_OBJECT:
            expected_name = "an object";
            break;
        case JSON_ARRAY:
            expected_name = "an array";
            break;
        case JSON_INTEGER:
            expected_name = "an integer";
            break;
        case JSON_STRING:
        case JSON_REAL:
        case JSON_TRUE:
        case JSON_FALSE:
        case JSON_NULL:
            break;
        }
        cella_log(CELLA_LOG_ERROR, "%s: %s%s%s is %s, not %s", kind->name, where, separator(where),
                  key, type_name(value), expected_name);
        return CELLA_ERR_INVALID_FORMAT;
    }
    *member = value;
    return CELLA_OK;
}

static cella_result_t read_integer(const document_kind_t *kind, const char *where,
                                   const json_t *object, const char *key, json_int_t min,
                                   json_int_t max, json_int_t *value)
{
    const json_t *member = NULL;
    cella_result_t r = get_member(kind, where, object, key, JSON_INTEGER, &member);

    if (r != CELLA_OK)
        return r;
    json_int_t number = json_integer_value(member);
    if (number < min || number > max) {
        cella_log(CELLA_LOG_ERROR, "%s: %s.%s is %lld, not in [%lld, %lld]", kind->name, where, key,
                  (long long)number, (long long)min, (long long)max);
        return CELLA_ERR_INVALID_FORMAT;
    }
    *value = number;
    return CELLA_OK;
}

static cella_result_t read_string(const document_kind_t *kind, const char *where,
                                  const json_t *object, const char *key, const char **value)
{
    const json_t *member = NULL;
    cella_result_t r = get_member(kind, where, object, key, JSON_STRING, &member);

    if (r == CELLA_OK)
        *value = json_string_value(member);
    return r;
}

/* A hex string of exactly 2 * size digits (either case), as the bytes it spells. */
static cella_result_t read_hex(const document_kind_t *kind, const char *where, const json_t *object,
                               const char *key, uint8_t *bytes, size_t size)
{
    const json_t *member = NULL;
    cella_result_t r = get_member(kind, where, object, key, JSON_STRING, &member);
    size_t decoded_size = size;

    if (r != CELLA_OK)
        return r;
    size_t length = json_string_length(member);
    if (length != 2 * size) {
        cella_log(CELLA_LOG_ERROR,
                  "%s: %s.%s has %zu characters, not the %zu hex digits of %zu "
                  "bytes",
                  kind->name, where, key, length, 2 * size, size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (cella_encoding_hex_decode(json_string_value(member), length, bytes, &decoded_size) !=
            CELLA_OK ||
        decoded_size != size) {
        memset(bytes, 0, size);
        cella_log(CELLA_LOG_ERROR, "%s: %s.%s is not hex", kind->name, where, key);
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

static cella_result_t read_time(const document_kind_t *kind, const char *where,
                                const json_t *object, const char *key, int64_t *seconds)
{
    const char *text = NULL;
    char quoted[QUOTE_MAX_BYTES];
    cella_result_t r = read_string(kind, where, object, key, &text);

    if (r != CELLA_OK)
        return r;
    if (cella_collateral_parse_time(text, seconds) != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR,
                  "%s: %s.%s \"%s\" is not a UTC time YYYY-MM-DDThh:mm:ss[.f]Z of a real date",
                  kind->name, where, key, quote(text, quoted));
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

/*
 * Finding the signed body in the text
 *
 * The signature covers the body's bytes exactly as they were sent, so they are found in the
 * text rather than re-serialised. jansson has already accepted the whole text as JSON when
 * this scanner runs; the scanner only needs to find where values begin and end, and the
 * caller cross-checks it against jansson before trusting its answer.
 */

static bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_space(const char *text, size_t size, size_t at)
{
    while (at < size && is_json_space(text[at]))
        at++;
    return at;
}

/* From the opening quote at *at to just past the closing one; a backslash escapes one byte. */
static bool skip_string(const char *text, size_t size, size_t *at)
{
    size_t i = *at + 1;

    while (i < size) {
        if (text[i] == '\\') {
            i += 2;
        } else if (text[i] == '"') {
            *at = i + 1;
            return true;
        } else {
            i++;
        }
    }
    return false;
}

/* From the first byte of a value at *at to just past its last byte. */
static bool skip_value(const char *text, size_t size, size_t *at)
{
    size_t i = *at;
    size_t depth = 0;

    if (i >= size)
        return false;
    if (text[i] == '"')
        return skip_string(text, size, at);
    if (text[i] != '{' && text[i] != '[') {
        /* A number or a literal runs up to the next delimiter. */
        while (i < size && !is_json_space(text[i]) && text[i] != ',' && text[i] != '}' &&
               text[i] != ']' && text[i] != ':')
            i++;
        if (i == *at)
            return false;
        *at = i;
        return true;
    }
    /* An object or array: count nesting; brackets inside strings do not count. */
    do {
        char c = text[i];
        if (c == '"') {
            if (!skip_string(text, size, &i))
                return false;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            depth--;
        i++;
    } while (depth > 0 && i < size);
    if (depth != 0)
        return false;
    *at = i;
    return true;
}

/*
 * Walks the members of the top-level object. Returns false when the text is not one object
 * followed by nothing but whitespace. *member_count: the members seen; *key_count: how many
 * spell key literally (no escapes); the span of the last such member's value.
 */
static bool scan_top_level(const char *text, size_t size, const char *key, size_t *member_count,
                           size_t *key_count, size_t *value_start, size_t *value_size)
{
    size_t key_length = strlen(key);
    size_t at = skip_space(text, size, 0);

    *member_count = 0;
    *key_count = 0;
    if (at >= size || text[at] != '{')
        return false;
    at = skip_space(text, size, at + 1);
    if (at < size && text[at] == '}') {
        at++;
    } else {
        for (;;) {
            size_t key_start = at;
            if (at >= size || text[at] != '"' || !skip_string(text, size, &at))
                return false;
            bool is_key = at - key_start == key_length + 2 &&
                          memcmp(text + key_start + 1, key, key_length) == 0;
            at = skip_space(text, size, at);
            if (at >= size || text[at] != ':')
                return false;
            at = skip_space(text, size, at + 1);
            size_t start = at;
            if (!skip_value(text, size, &at))
                return false;
            (*member_count)++;
            if (is_key) {
                (*key_count)++;
                *value_start = start;
                *value_size = at - start;
            }
            at = skip_space(text, size, at);
            if (at < size && text[at] == ',') {
                at = skip_space(text, size, at + 1);
                continue;
            }
            if (at < size && text[at] == '}') {
                at++;
                break;
            }
            return false;
        }
    }
    return skip_space(text, size, at) == size;
}

/*
 * jansson's parse error as a result: out of memory, or the input's fault. jansson leaves the
 * error empty when it cannot allocate its lexer (error must be zeroed before the call); some
 * other allocation failures it reports as syntax errors, which end up as invalid format.
 */
static cella_result_t json_failure(const document_kind_t *kind, const char *what,
                                   const json_error_t *error)
{
    if (json_error_code(error) == json_error_out_of_memory || error->text[0] == '\0') {
        cella_log(CELLA_LOG_ERROR, "%s: out of memory parsing %s", kind->name, what);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    char reason[JSON_ERROR_TEXT_LENGTH];
    cella_log(CELLA_LOG_ERROR, "%s: %s is not valid JSON (line %d, column %d): %s", kind->name,
              what, error->line, error->column, printable(error->text, reason, sizeof(reason)));
    return CELLA_ERR_INVALID_FORMAT;
}

/* The body's span: found by the scanner, and equal to what jansson parsed for the key. */
static cella_result_t locate_body(const document_kind_t *kind, const char *json, size_t json_size,
                                  signed_document_t *document)
{
    size_t member_count = 0;
    size_t key_count = 0;
    size_t start = 0;
    size_t span_size = 0;
    json_t *reparsed = NULL;
    json_error_t error;
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;

    if (!scan_top_level(json, json_size, kind->body_key, &member_count, &key_count, &start,
                        &span_size)) {
        cella_log(CELLA_LOG_ERROR, "%s: cannot walk the top-level object's members", kind->name);
        goto out;
    }
    if (member_count != json_object_size(document->root) || key_count != 1) {
        cella_log(CELLA_LOG_ERROR,
                  "%s: the text has %zu top-level members, %zu of them spelled \"%s\"; the "
                  "parsed object has %zu members (escaped or repeated keys are refused)",
                  kind->name, member_count, key_count, kind->body_key,
                  json_object_size(document->root));
        goto out;
    }
    memset(&error, 0, sizeof(error));
    reparsed = json_loadb(json + start, span_size, JSON_REJECT_DUPLICATES, &error);
    if (reparsed == NULL) {
        r = json_failure(kind, "the signed body's span", &error);
        goto out;
    }
    if (!json_equal(reparsed, document->body)) {
        cella_log(CELLA_LOG_ERROR, "%s: the span found for \"%s\" does not hold its value",
                  kind->name, kind->body_key);
        goto out;
    }
    document->body_text = json + start;
    document->body_size = span_size;
    r = CELLA_OK;
out:
    json_decref(reparsed);
    return r;
}

/* Parses `{"<body_key>":{...},"signature":"<128 hex>"}`, exactly those two members. */
static cella_result_t load_signed_document(const document_kind_t *kind, const char *json,
                                           size_t json_size, signed_document_t *document)
{
    static const char signature_key[] = "signature";
    const json_t *signature = NULL;
    json_error_t error;
    cella_result_t r;

    if (json_size == 0 || json_size > CELLA_COLLATERAL_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR, "%s: %zu bytes, not in [1, %u]", kind->name, json_size,
                  CELLA_COLLATERAL_MAX_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }
    /* Duplicate keys are refused: the verifier and the signer must read the same fields. */
    memset(&error, 0, sizeof(error));
    document->root = json_loadb(json, json_size, JSON_REJECT_DUPLICATES, &error);
    if (document->root == NULL)
        return json_failure(kind, "the document", &error);
    if (!json_is_object(document->root)) {
        cella_log(CELLA_LOG_ERROR, "%s: the top level is %s, not an object", kind->name,
                  type_name(document->root));
        return CELLA_ERR_INVALID_FORMAT;
    }
    const char *const allowed[] = {kind->body_key, signature_key};
    r = check_keys(kind, "", document->root, allowed, ARRAY_COUNT(allowed));
    if (r != CELLA_OK)
        return r;
    r = get_member(kind, "", document->root, kind->body_key, JSON_OBJECT, &document->body);
    if (r != CELLA_OK)
        return r;
    r = get_member(kind, "", document->root, signature_key, JSON_STRING, &signature);
    if (r != CELLA_OK)
        return r;
    /* ECDSA P-256 r || s as 128 hex digits (PCS). */
    size_t decoded_size = sizeof(document->signature);
    if (json_string_length(signature) != 2 * sizeof(document->signature) ||
        cella_encoding_hex_decode(json_string_value(signature), json_string_length(signature),
                                  document->signature, &decoded_size) != CELLA_OK ||
        decoded_size != sizeof(document->signature)) {
        cella_log(CELLA_LOG_ERROR, "%s: the signature is not %zu hex digits", kind->name,
                  2 * sizeof(document->signature));
        return CELLA_ERR_INVALID_FORMAT;
    }
    return locate_body(kind, json, json_size, document);
}

/*
 * TCB levels
 */

/* tcbDate, tcbStatus and the optional advisoryIDs of one level. */
static cella_result_t read_level_common(const document_kind_t *kind, const char *where,
                                        const json_t *level_object, cella_tcb_level_t *level)
{
    const char *status = NULL;
    const json_t *advisories = NULL;
    char quoted[QUOTE_MAX_BYTES];
    char path[PATH_MAX_BYTES];
    cella_result_t r;

    r = read_time(kind, where, level_object, "tcbDate", &level->tcb_date);
    if (r != CELLA_OK)
        return r;
    r = read_string(kind, where, level_object, "tcbStatus", &status);
    if (r != CELLA_OK)
        return r;
    /* dcap-quote.md 8.3: unknown status strings are rejected. */
    if (cella_tcb_status_parse(status, &level->status) != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR, "%s: %s.tcbStatus \"%s\" is not a known SGX TCB status",
                  kind->name, where, quote(status, quoted));
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (json_object_get(level_object, "advisoryIDs") == NULL)
        return CELLA_OK;
    r = get_member(kind, where, level_object, "advisoryIDs", JSON_ARRAY, &advisories);
    if (r != CELLA_OK)
        return r;
    size_t count = json_array_size(advisories);
    if (count == 0)
        return CELLA_OK;
    level->advisory_ids = calloc(count, sizeof(*level->advisory_ids));
    if (level->advisory_ids == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    key_path(path, where, "advisoryIDs");
    for (size_t i = 0; i < count; i++) {
        const json_t *id = json_array_get(advisories, i);
        if (!json_is_string(id)) {
            cella_log(CELLA_LOG_ERROR, "%s: %s[%zu] is %s, not a string", kind->name, path, i,
                      type_name(id));
            return CELLA_ERR_INVALID_FORMAT;
        }
        /* Printable ASCII that fits the fixed-size slot with its NUL. */
        const char *text = json_string_value(id);
        size_t length = json_string_length(id);
        bool printable = length > 0 && length < CELLA_ADVISORY_ID_MAX_BYTES;
        for (size_t c = 0; printable && c < length; c++)
            printable = text[c] > 0x20 && text[c] < 0x7f;
        if (!printable) {
            cella_log(CELLA_LOG_ERROR,
                      "%s: %s[%zu] \"%s\" is not 1 to %d printable characters without spaces",
                      kind->name, path, i, quote(text, quoted), CELLA_ADVISORY_ID_MAX_BYTES - 1);
            return CELLA_ERR_INVALID_FORMAT;
        }
        memcpy(level->advisory_ids[i], text, length + 1);
        level->advisory_count = i + 1;
    }
    return CELLA_OK;
}

/* The levels array: at least one object; *levels gets count zeroed levels to fill. */
static cella_result_t start_levels(const document_kind_t *kind, const json_t *body,
                                   const json_t **array, cella_tcb_level_t **levels,
                                   size_t *level_count)
{
    cella_result_t r = get_member(kind, kind->body_key, body, "tcbLevels", JSON_ARRAY, array);

    if (r != CELLA_OK)
        return r;
    size_t count = json_array_size(*array);
    if (count == 0) {
        cella_log(CELLA_LOG_ERROR, "%s: %s.tcbLevels is empty", kind->name, kind->body_key);
        return CELLA_ERR_INVALID_FORMAT;
    }
    *levels = calloc(count, sizeof(**levels));
    if (*levels == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    *level_count = count;
    return CELLA_OK;
}

/* The level object at index, checked to hold only the allowed fields. */
static cella_result_t get_level_object(const document_kind_t *kind, const json_t *array,
                                       size_t index, char path[PATH_MAX_BYTES],
                                       const json_t **level_object)
{
    static const char *const level_keys[] = {"tcb", "tcbDate", "tcbStatus", "advisoryIDs"};
    char parent[PATH_MAX_BYTES];
    const json_t *value = json_array_get(array, index);

    key_path(parent, kind->body_key, "tcbLevels");
    index_path(path, parent, index);
    if (!json_is_object(value)) {
        cella_log(CELLA_LOG_ERROR, "%s: %s is %s, not an object", kind->name, path,
                  type_name(value));
        return CELLA_ERR_INVALID_FORMAT;
    }
    *level_object = value;
    return check_keys(kind, path, value, level_keys, ARRAY_COUNT(level_keys));
}

/* Version 3: "sgxtcbcomponents": exactly 16 objects with an svn (dcap-quote.md 8.2). */
static cella_result_t read_components_v3(const document_kind_t *kind, const char *where,
                                         const json_t *tcb, cella_tcb_level_t *level)
{
    static const char *const component_keys[] = {"svn", "category", "type"};
    const json_t *components = NULL;
    char path[PATH_MAX_BYTES];
    char item_path[PATH_MAX_BYTES];
    cella_result_t r = get_member(kind, where, tcb, "sgxtcbcomponents", JSON_ARRAY, &components);

    if (r != CELLA_OK)
        return r;
    key_path(path, where, "sgxtcbcomponents");
    if (json_array_size(components) != CELLA_TCB_COMPONENT_COUNT) {
        cella_log(CELLA_LOG_ERROR, "%s: %s has %zu entries, not %d", kind->name, path,
                  json_array_size(components), CELLA_TCB_COMPONENT_COUNT);
        return CELLA_ERR_INVALID_FORMAT;
    }
    for (size_t i = 0; i < CELLA_TCB_COMPONENT_COUNT; i++) {
        const json_t *component = json_array_get(components, i);
        const char *text = NULL;
        json_int_t svn = 0;
        index_path(item_path, path, i);
        if (!json_is_object(component)) {
            cella_log(CELLA_LOG_ERROR, "%s: %s is %s, not an object", kind->name, item_path,
                      type_name(component));
            return CELLA_ERR_INVALID_FORMAT;
        }
        r = check_keys(kind, item_path, component, component_keys, ARRAY_COUNT(component_keys));
        if (r != CELLA_OK)
            return r;
        r = read_integer(kind, item_path, component, "svn", 0, UINT8_MAX, &svn);
        if (r != CELLA_OK)
            return r;
        /* category and type describe the component; optional, but strings when present. */
        for (size_t k = 1; k < ARRAY_COUNT(component_keys); k++) {
            if (json_object_get(component, component_keys[k]) == NULL)
                continue;
            r = read_string(kind, item_path, component, component_keys[k], &text);
            if (r != CELLA_OK)
                return r;
        }
        level->components[i] = (uint8_t)svn;
    }
    return CELLA_OK;
}

/* Version 2: "sgxtcbcomp01svn" ... "sgxtcbcomp16svn" beside pcesvn. */
static cella_result_t read_components_v2(const document_kind_t *kind, const char *where,
                                         const json_t *tcb, cella_tcb_level_t *level)
{
    for (size_t i = 0; i < CELLA_TCB_COMPONENT_COUNT; i++) {
        char key[24];
        json_int_t svn = 0;
        snprintf(key, sizeof(key), "sgxtcbcomp%02zusvn", i + 1);
        cella_result_t r = read_integer(kind, where, tcb, key, 0, UINT8_MAX, &svn);
        if (r != CELLA_OK)
            return r;
        level->components[i] = (uint8_t)svn;
    }
    return CELLA_OK;
}

static cella_result_t read_tcb_info_level(uint32_t version, const json_t *array, size_t index,
                                          cella_tcb_level_t *level)
{
    static const char *const v3_tcb_keys[] = {"sgxtcbcomponents", "pcesvn"};
    static const char *const v2_tcb_keys[] = {
        "sgxtcbcomp01svn", "sgxtcbcomp02svn", "sgxtcbcomp03svn", "sgxtcbcomp04svn",
        "sgxtcbcomp05svn", "sgxtcbcomp06svn", "sgxtcbcomp07svn", "sgxtcbcomp08svn",
        "sgxtcbcomp09svn", "sgxtcbcomp10svn", "sgxtcbcomp11svn", "sgxtcbcomp12svn",
        "sgxtcbcomp13svn", "sgxtcbcomp14svn", "sgxtcbcomp15svn", "sgxtcbcomp16svn",
        "pcesvn"};
    const document_kind_t *kind = &tcb_info_kind;
    const json_t *level_object = NULL;
    const json_t *tcb = NULL;
    char path[PATH_MAX_BYTES];
    char tcb_path[PATH_MAX_BYTES];
    json_int_t pce_svn = 0;
    cella_result_t r;

    r = get_level_object(kind, array, index, path, &level_object);
    if (r != CELLA_OK)
        return r;
    r = get_member(kind, path, level_object, "tcb", JSON_OBJECT, &tcb);
    if (r != CELLA_OK)
        return r;
    key_path(tcb_path, path, "tcb");
    if (version == 3) {
        r = check_keys(kind, tcb_path, tcb, v3_tcb_keys, ARRAY_COUNT(v3_tcb_keys));
        if (r == CELLA_OK)
            r = read_components_v3(kind, tcb_path, tcb, level);
    } else {
        r = check_keys(kind, tcb_path, tcb, v2_tcb_keys, ARRAY_COUNT(v2_tcb_keys));
        if (r == CELLA_OK)
            r = read_components_v2(kind, tcb_path, tcb, level);
    }
    if (r != CELLA_OK)
        return r;
    r = read_integer(kind, tcb_path, tcb, "pcesvn", 0, UINT16_MAX, &pce_svn);
    if (r != CELLA_OK)
        return r;
    level->pce_svn = (uint16_t)pce_svn;
    return read_level_common(kind, path, level_object, level);
}

static cella_result_t read_identity_level(const json_t *array, size_t index,
                                          cella_tcb_level_t *level)
{
    static const char *const tcb_keys[] = {"isvsvn"};
    const document_kind_t *kind = &identity_kind;
    const json_t *level_object = NULL;
    const json_t *tcb = NULL;
    char path[PATH_MAX_BYTES];
    char tcb_path[PATH_MAX_BYTES];
    json_int_t isv_svn = 0;
    cella_result_t r;

    r = get_level_object(kind, array, index, path, &level_object);
    if (r != CELLA_OK)
        return r;
    r = get_member(kind, path, level_object, "tcb", JSON_OBJECT, &tcb);
    if (r != CELLA_OK)
        return r;
    key_path(tcb_path, path, "tcb");
    r = check_keys(kind, tcb_path, tcb, tcb_keys, ARRAY_COUNT(tcb_keys));
    if (r != CELLA_OK)
        return r;
    r = read_integer(kind, tcb_path, tcb, "isvsvn", 0, UINT16_MAX, &isv_svn);
    if (r != CELLA_OK)
        return r;
    level->isv_svn = (uint16_t)isv_svn;
    return read_level_common(kind, path, level_object, level);
}

/* Descending by the 16 component SVNs compared in order, then by PCESVN (dcap-quote.md 8.2). */
static int compare_tcb_levels(const void *left, const void *right)
{
    const cella_tcb_level_t *a = left;
    const cella_tcb_level_t *b = right;

    for (size_t i = 0; i < CELLA_TCB_COMPONENT_COUNT; i++) {
        if (a->components[i] != b->components[i])
            return a->components[i] > b->components[i] ? -1 : 1;
    }
    if (a->pce_svn != b->pce_svn)
        return a->pce_svn > b->pce_svn ? -1 : 1;
    return 0;
}

/* Descending by ISVSVN. */
static int compare_identity_levels(const void *left, const void *right)
{
    const cella_tcb_level_t *a = left;
    const cella_tcb_level_t *b = right;

    if (a->isv_svn != b->isv_svn)
        return a->isv_svn > b->isv_svn ? -1 : 1;
    return 0;
}

/*
 * Sorts levels for matching. Two levels with the same TCB would make the match depend on
 * the sort's tie order, so they are refused.
 */
static cella_result_t sort_levels(const document_kind_t *kind, cella_tcb_level_t *levels,
                                  size_t count, int (*compare)(const void *, const void *))
{
    qsort(levels, count, sizeof(*levels), compare);
    for (size_t i = 1; i < count; i++) {
        if (compare(&levels[i - 1], &levels[i]) == 0) {
            cella_log(CELLA_LOG_ERROR, "%s: %s.tcbLevels has two levels with the same TCB",
                      kind->name, kind->body_key);
            return CELLA_ERR_INVALID_FORMAT;
        }
    }
    return CELLA_OK;
}

/* issueDate and nextUpdate, in that order in time. */
static cella_result_t read_dates(const document_kind_t *kind, const json_t *body,
                                 int64_t *issue_date, int64_t *next_update)
{
    cella_result_t r = read_time(kind, kind->body_key, body, "issueDate", issue_date);

    if (r == CELLA_OK)
        r = read_time(kind, kind->body_key, body, "nextUpdate", next_update);
    if (r == CELLA_OK && *next_update < *issue_date) {
        cella_log(CELLA_LOG_ERROR, "%s: %s.nextUpdate is before its issueDate", kind->name,
                  kind->body_key);
        r = CELLA_ERR_INVALID_FORMAT;
    }
    return r;
}

/*
 * TCB Info
 */

static cella_result_t read_tcb_info(const json_t *body, cella_tcb_info_t *tcb_info)
{
    static const char *const v3_keys[] = {
        "id",       "version", "issueDate", "nextUpdate",
        "fmspc",    "pceId",   "tcbType",   "tcbEvaluationDataNumber",
        "tcbLevels"};
    const document_kind_t *kind = &tcb_info_kind;
    const char *where = kind->body_key;
    const json_t *levels = NULL;
    const char *id = NULL;
    char quoted[QUOTE_MAX_BYTES];
    json_int_t number = 0;
    cella_result_t r;

    CHECK(read_integer(kind, where, body, "version", 0, INT32_MAX, &number));
    if (number != 2 && number != 3) {
        cella_log(CELLA_LOG_ERROR, "%s: version %lld is not supported (2 or 3)", kind->name,
                  (long long)number);
        r = CELLA_ERR_UNSUPPORTED;
        goto out;
    }
    tcb_info->version = (uint32_t)number;
    if (tcb_info->version == 3) {
        /* Only SGX platforms' TCB Info; TDX documents have other fields and matching rules. */
        CHECK(read_string(kind, where, body, "id", &id));
        if (strcmp(id, "TDX") == 0) {
            cella_log(CELLA_LOG_ERROR, "%s: id \"TDX\" is not supported (SGX only)", kind->name);
            r = CELLA_ERR_UNSUPPORTED;
            goto out;
        }
        if (strcmp(id, "SGX") != 0) {
            cella_log(CELLA_LOG_ERROR, "%s: id \"%s\" is not \"SGX\"", kind->name,
                      quote(id, quoted));
            r = CELLA_ERR_INVALID_FORMAT;
            goto out;
        }
        memcpy(tcb_info->id, "SGX", sizeof("SGX"));
        CHECK(check_keys(kind, where, body, v3_keys, ARRAY_COUNT(v3_keys)));
    } else {
        /* Version 2 has no id: the same list without its first entry. */
        CHECK(check_keys(kind, where, body, v3_keys + 1, ARRAY_COUNT(v3_keys) - 1));
    }
    CHECK(read_dates(kind, body, &tcb_info->issue_date, &tcb_info->next_update));
    CHECK(read_hex(kind, where, body, "fmspc", tcb_info->fmspc, sizeof(tcb_info->fmspc)));
    CHECK(read_hex(kind, where, body, "pceId", tcb_info->pce_id, sizeof(tcb_info->pce_id)));
    CHECK(read_integer(kind, where, body, "tcbType", 0, INT32_MAX, &number));
    /* Type 0 is the only known way to compare component SVNs (dcap-quote.md 8.1 step 2). */
    if (number != 0) {
        cella_log(CELLA_LOG_ERROR, "%s: tcbType %lld is not supported (0)", kind->name,
                  (long long)number);
        r = CELLA_ERR_UNSUPPORTED;
        goto out;
    }
    tcb_info->tcb_type = 0;
    CHECK(read_integer(kind, where, body, "tcbEvaluationDataNumber", 0, UINT32_MAX, &number));
    tcb_info->tcb_evaluation_data_number = (uint32_t)number;
    CHECK(start_levels(kind, body, &levels, &tcb_info->levels, &tcb_info->level_count));
    for (size_t i = 0; i < tcb_info->level_count; i++)
        CHECK(read_tcb_info_level(tcb_info->version, levels, i, &tcb_info->levels[i]));
    CHECK(sort_levels(kind, tcb_info->levels, tcb_info->level_count, compare_tcb_levels));
    r = CELLA_OK;
out:
    return r;
}

cella_result_t cella_tcb_info_parse(const char *json, size_t json_size, cella_tcb_info_t **out)
{
    signed_document_t document = {0};
    cella_tcb_info_t *tcb_info = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (json == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    tcb_info = calloc(1, sizeof(*tcb_info));
    if (tcb_info == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    CHECK(load_signed_document(&tcb_info_kind, json, json_size, &document));
    CHECK(read_tcb_info(document.body, tcb_info));
    tcb_info->body = document.body_text;
    tcb_info->body_size = document.body_size;
    memcpy(tcb_info->signature, document.signature, sizeof(tcb_info->signature));
    *out = tcb_info;
    tcb_info = NULL;
    r = CELLA_OK;
out:
    json_decref(document.root);
    cella_tcb_info_destroy(tcb_info);
    return r;
}

static void free_levels(cella_tcb_level_t *levels, size_t count)
{
    if (levels == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        free(levels[i].advisory_ids);
    free(levels);
}

void cella_tcb_info_destroy(cella_tcb_info_t *tcb_info)
{
    if (tcb_info == NULL)
        return;
    free_levels(tcb_info->levels, tcb_info->level_count);
    free(tcb_info);
}

/*
 * Enclave identity
 */

static cella_result_t read_identity(const json_t *body, cella_enclave_identity_t *identity)
{
    static const char *const keys[] = {
        "id",         "version",        "issueDate",  "nextUpdate",     "tcbEvaluationDataNumber",
        "miscselect", "miscselectMask", "attributes", "attributesMask", "mrsigner",
        "isvprodid",  "tcbLevels"};
    static const char *const ids[] = {"QE", "QVE", "TD_QE"};
    const document_kind_t *kind = &identity_kind;
    const char *where = kind->body_key;
    const json_t *levels = NULL;
    const char *id = NULL;
    char quoted[QUOTE_MAX_BYTES];
    json_int_t number = 0;
    cella_result_t r;

    CHECK(read_integer(kind, where, body, "version", 0, INT32_MAX, &number));
    if (number != 2) {
        cella_log(CELLA_LOG_ERROR, "%s: version %lld is not supported (2)", kind->name,
                  (long long)number);
        r = CELLA_ERR_UNSUPPORTED;
        goto out;
    }
    identity->version = 2;
    CHECK(read_string(kind, where, body, "id", &id));
    size_t i = 0;
    while (i < ARRAY_COUNT(ids) && strcmp(id, ids[i]) != 0)
        i++;
    if (i == ARRAY_COUNT(ids)) {
        cella_log(CELLA_LOG_ERROR, "%s: id \"%s\" is not QE, QVE or TD_QE", kind->name,
                  quote(id, quoted));
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    memcpy(identity->id, ids[i], strlen(ids[i]) + 1);
    CHECK(check_keys(kind, where, body, keys, ARRAY_COUNT(keys)));
    CHECK(read_dates(kind, body, &identity->issue_date, &identity->next_update));
    CHECK(read_integer(kind, where, body, "tcbEvaluationDataNumber", 0, UINT32_MAX, &number));
    identity->tcb_evaluation_data_number = (uint32_t)number;
    /* The bytes as the hex spells them, which is their order in a report (see the header). */
    CHECK(read_hex(kind, where, body, "miscselect", identity->miscselect,
                   sizeof(identity->miscselect)));
    CHECK(read_hex(kind, where, body, "miscselectMask", identity->miscselect_mask,
                   sizeof(identity->miscselect_mask)));
    CHECK(read_hex(kind, where, body, "attributes", identity->attributes,
                   sizeof(identity->attributes)));
    CHECK(read_hex(kind, where, body, "attributesMask", identity->attributes_mask,
                   sizeof(identity->attributes_mask)));
    CHECK(read_hex(kind, where, body, "mrsigner", identity->mrsigner, sizeof(identity->mrsigner)));
    CHECK(read_integer(kind, where, body, "isvprodid", 0, UINT16_MAX, &number));
    identity->isv_prod_id = (uint16_t)number;
    CHECK(start_levels(kind, body, &levels, &identity->levels, &identity->level_count));
    for (size_t l = 0; l < identity->level_count; l++)
        CHECK(read_identity_level(levels, l, &identity->levels[l]));
    CHECK(sort_levels(kind, identity->levels, identity->level_count, compare_identity_levels));
    r = CELLA_OK;
out:
    return r;
}

cella_result_t cella_enclave_identity_parse(const char *json, size_t json_size,
                                            cella_enclave_identity_t **out)
{
    signed_document_t document = {0};
    cella_enclave_identity_t *identity = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (json == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    identity = calloc(1, sizeof(*identity));
    if (identity == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    CHECK(load_signed_document(&identity_kind, json, json_size, &document));
    CHECK(read_identity(document.body, identity));
    identity->body = document.body_text;
    identity->body_size = document.body_size;
    memcpy(identity->signature, document.signature, sizeof(identity->signature));
    *out = identity;
    identity = NULL;
    r = CELLA_OK;
out:
    json_decref(document.root);
    cella_enclave_identity_destroy(identity);
    return r;
}

void cella_enclave_identity_destroy(cella_enclave_identity_t *identity)
{
    if (identity == NULL)
        return;
    free_levels(identity->levels, identity->level_count);
    free(identity);
}
