/* SPDX-License-Identifier: Apache-2.0 */
/* host/enclave_config.c: the Enclave.config.xml parser (expat), with sgx_sign's defaults. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <expat.h>

#include <cella/enclave_config.h>

#include "log_internal.h"

#define ROOT_ELEMENT "EnclaveConfiguration"

/* Longest value text kept; real values are at most 20 characters plus whitespace. */
#define VALUE_MAX_BYTES 128

/* Sizes above this are out of range, as in sgx_sign (half its 64-bit enclave limit). */
#define SIZE_MAX_VALUE 0x1FFFFFFFFFULL

/* What an element does. */
enum element_use {
    USE_FIELD,     /* sets a field of cella_enclave_config_t */
    USE_IGNORED,   /* an sgx_sign setting for a feature cella does not have: warn */
    USE_ZERO_ONLY, /* a feature cella does not support: only 0 is accepted */
};

enum field {
    FIELD_NONE,
    FIELD_PROD_ID,
    FIELD_ISV_SVN,
    FIELD_TCS_NUM,
    FIELD_TCS_POLICY,
    FIELD_STACK_MAX_SIZE,
    FIELD_HEAP_MAX_SIZE,
    FIELD_DISABLE_DEBUG,
    FIELD_MISC_SELECT,
    FIELD_MISC_MASK,
};

struct element {
    const char *name;
    enum element_use use;
    enum field field;
    uint64_t min;
    uint64_t max;
    bool page_multiple;
    const char *note; /* for USE_ZERO_ONLY: the feature; for MiscSelect: why its range */
};

/* The elements sgx_sign knows (sdk/sign_tool/SignTool/sign_tool.cpp), with its ranges. */
static const struct element elements[] = {
    {"ProdID", USE_FIELD, FIELD_PROD_ID, 0, 0xFFFF, false, NULL},
    {"ISVSVN", USE_FIELD, FIELD_ISV_SVN, 0, 0xFFFF, false, NULL},
    {"TCSNum", USE_FIELD, FIELD_TCS_NUM, 1, 0xFFFFFFFF, false, NULL},
    {"TCSPolicy", USE_FIELD, FIELD_TCS_POLICY, 0, 1, false, NULL},
    {"StackMaxSize", USE_FIELD, FIELD_STACK_MAX_SIZE, 0x1000, SIZE_MAX_VALUE, true, NULL},
    {"HeapMaxSize", USE_FIELD, FIELD_HEAP_MAX_SIZE, 0, SIZE_MAX_VALUE, true, NULL},
    {"DisableDebug", USE_FIELD, FIELD_DISABLE_DEBUG, 0, 1, false, NULL},
    {"MiscSelect", USE_FIELD, FIELD_MISC_SELECT, 0, 1, false,
     "bit 0, EXINFO, is the only MISCSELECT bit defined"},
    {"MiscMask", USE_FIELD, FIELD_MISC_MASK, 0, 0xFFFFFFFF, false, NULL},
    {"TCSMaxNum", USE_IGNORED, FIELD_NONE, 1, 0xFFFFFFFF, false, NULL},
    {"TCSMinPool", USE_IGNORED, FIELD_NONE, 0, 0xFFFFFFFF, false, NULL},
    {"StackMinSize", USE_IGNORED, FIELD_NONE, 0x1000, SIZE_MAX_VALUE, true, NULL},
    {"HeapMinSize", USE_IGNORED, FIELD_NONE, 0, SIZE_MAX_VALUE, true, NULL},
    {"HeapInitSize", USE_IGNORED, FIELD_NONE, 0, SIZE_MAX_VALUE, true, NULL},
    {"UserRegionSize", USE_IGNORED, FIELD_NONE, 0, SIZE_MAX_VALUE, true, NULL},
    {"ReservedMemMaxSize", USE_IGNORED, FIELD_NONE, 0, SIZE_MAX_VALUE, true, NULL},
    {"ReservedMemMinSize", USE_IGNORED, FIELD_NONE, 0, SIZE_MAX_VALUE, true, NULL},
    {"ReservedMemInitSize", USE_IGNORED, FIELD_NONE, 0, SIZE_MAX_VALUE, true, NULL},
    {"ProvisionKey", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "the PROVISION_KEY attribute"},
    {"LaunchKey", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "the EINITTOKEN_KEY attribute"},
    {"EnableKSS", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "Key Separation and Sharing"},
    {"ISVFAMILYID_H", USE_ZERO_ONLY, FIELD_NONE, 0, UINT64_MAX, false,
     "Key Separation and Sharing"},
    {"ISVFAMILYID_L", USE_ZERO_ONLY, FIELD_NONE, 0, UINT64_MAX, false,
     "Key Separation and Sharing"},
    {"ISVEXTPRODID_H", USE_ZERO_ONLY, FIELD_NONE, 0, UINT64_MAX, false,
     "Key Separation and Sharing"},
    {"ISVEXTPRODID_L", USE_ZERO_ONLY, FIELD_NONE, 0, UINT64_MAX, false,
     "Key Separation and Sharing"},
    {"HeapExecutable", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "an executable heap"},
    {"ReservedMemExecutable", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "executable reserved memory"},
    {"ReleaseType", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "the SIGSTRUCT debug type bit"},
    {"IntelSigned", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "Intel as module vendor"},
    {"HW", USE_ZERO_ONLY, FIELD_NONE, 0, 0x10, false, "launch enclaves"},
    {"EnableAEXNotify", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "AEX-Notify"},
    /* Newer sgx_sign elements: where the enclave is placed (cella chooses), extended state. */
    {"EnclaveImageAddress", USE_IGNORED, FIELD_NONE, 0, UINT64_MAX, false, NULL},
    {"ELRangeStartAddress", USE_IGNORED, FIELD_NONE, 0, UINT64_MAX, false, NULL},
    {"ELRangeSize", USE_IGNORED, FIELD_NONE, 0, UINT64_MAX, false, NULL},
    {"PKRU", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "protection keys (PKRU) in the enclave"},
    {"AMX", USE_ZERO_ONLY, FIELD_NONE, 0, 1, false, "AMX state in the enclave"},
};

#define ELEMENT_COUNT (sizeof(elements) / sizeof(elements[0]))

struct parser_state {
    XML_Parser parser;
    cella_enclave_config_t config;
    bool failed;                   /* an error was logged; stop */
    unsigned depth;                /* 0 outside the root, 1 in the root, 2 in a child */
    const struct element *current; /* the child being read; NULL for unknown ones */
    bool seen[ELEMENT_COUNT];
    char value[VALUE_MAX_BYTES];
    size_t value_size;
    bool value_too_long;
    bool value_commented; /* a comment came after some of the value */
};

static unsigned long line_of(const struct parser_state *state)
{
    return (unsigned long)XML_GetCurrentLineNumber(state->parser);
}

static void fail(struct parser_state *state)
{
    state->failed = true;
    XML_StopParser(state->parser, XML_FALSE);
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Reads text as sgx_sign does (strtoull with base 0, no sign): 0x or 0X then hex digits,
 * a leading 0 then octal digits, or decimal digits. Returns false for anything else or a
 * value beyond 64 bits. *octal tells whether the octal form was used.
 */
static bool parse_number(const char *text, size_t size, uint64_t *value, bool *octal)
{
    unsigned base = 10;
    size_t at = 0;
    uint64_t result = 0;

    *octal = false;
    if (size == 0)
        return false;
    if (size > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        at = 2;
    } else if (size > 1 && text[0] == '0') {
        base = 8;
        at = 1;
        *octal = true;
    }
    for (; at < size; at++) {
        char c = text[at];
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (unsigned)(c - 'a') + 10;
        else if (c >= 'A' && c <= 'F')
            digit = (unsigned)(c - 'A') + 10;
        else
            return false;
        if (digit >= base)
            return false;
        if (__builtin_mul_overflow(result, base, &result) ||
            __builtin_add_overflow(result, digit, &result))
            return false;
    }
    *value = result;
    return true;
}

static void store(cella_enclave_config_t *config, enum field field, uint64_t value)
{
    switch (field) {
    case FIELD_PROD_ID:
        config->prod_id = (uint16_t)value;
        break;
    case FIELD_ISV_SVN:
        config->isv_svn = (uint16_t)value;
        break;
    case FIELD_TCS_NUM:
        config->tcs_num = (uint32_t)value;
        break;
    case FIELD_TCS_POLICY:
        config->tcs_policy = (uint32_t)value;
        break;
    case FIELD_STACK_MAX_SIZE:
        config->stack_max_size = value;
        break;
    case FIELD_HEAP_MAX_SIZE:
        config->heap_max_size = value;
        break;
    case FIELD_DISABLE_DEBUG:
        config->disable_debug = value != 0;
        break;
    case FIELD_MISC_SELECT:
        config->misc_select = (uint32_t)value;
        break;
    case FIELD_MISC_MASK:
        config->misc_mask = (uint32_t)value;
        break;
    case FIELD_NONE:
        break;
    }
}

/* The value of the child element that just ended. */
static void finish_element(struct parser_state *state)
{
    const struct element *element = state->current;
    const char *text = state->value;
    size_t size = state->value_size;
    uint64_t value = 0;
    bool octal = false;

    if (state->value_too_long) {
        cella_log(CELLA_LOG_ERROR, "enclave config: line %lu: <%s>: value too long", line_of(state),
                  element->name);
        fail(state);
        return;
    }
    while (size > 0 && is_xml_space(text[0])) {
        text++;
        size--;
    }
    while (size > 0 && is_xml_space(text[size - 1]))
        size--;
    if (size == 0) {
        cella_log(CELLA_LOG_ERROR, "enclave config: line %lu: <%s> has no value", line_of(state),
                  element->name);
        fail(state);
        return;
    }
    if (!parse_number(text, size, &value, &octal)) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave config: line %lu: <%s>: '%.*s' is not a number (write decimal, or "
                  "hexadecimal with 0x)",
                  line_of(state), element->name, (int)size, text);
        fail(state);
        return;
    }
    if (value < element->min || value > element->max) {
        bool has_note = element->use == USE_FIELD && element->note != NULL;
        cella_log(CELLA_LOG_ERROR,
                  "enclave config: line %lu: <%s>: %.*s is out of range; allowed: %llu to %llu "
                  "(0x%llx to 0x%llx)%s%s",
                  line_of(state), element->name, (int)size, text, (unsigned long long)element->min,
                  (unsigned long long)element->max, (unsigned long long)element->min,
                  (unsigned long long)element->max, has_note ? "; " : "",
                  has_note ? element->note : "");
        fail(state);
        return;
    }
    if (element->page_multiple && value % 0x1000 != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave config: line %lu: <%s>: 0x%llx is not a multiple of the page size "
                  "0x1000",
                  line_of(state), element->name, (unsigned long long)value);
        fail(state);
        return;
    }
    if (octal && value != 0)
        cella_log(CELLA_LOG_WARNING,
                  "enclave config: line %lu: <%s>: '%.*s' has a leading 0 and is read as octal "
                  "(%llu), as sgx_sign reads it",
                  line_of(state), element->name, (int)size, text, (unsigned long long)value);
    switch (element->use) {
    case USE_FIELD:
        store(&state->config, element->field, value);
        break;
    case USE_IGNORED:
        cella_log(CELLA_LOG_WARNING, "enclave config: line %lu: <%s> is not used by cella; ignored",
                  line_of(state), element->name);
        break;
    case USE_ZERO_ONLY:
        if (value != 0) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave config: line %lu: <%s>: cella does not support %s; remove the "
                      "element or set it to 0",
                      line_of(state), element->name, element->note);
            fail(state);
            return;
        }
        cella_log(CELLA_LOG_WARNING, "enclave config: line %lu: <%s> is not used by cella; ignored",
                  line_of(state), element->name);
        break;
    }
}

static void XMLCALL on_start(void *user_data, const XML_Char *name, const XML_Char **attributes)
{
    struct parser_state *state = user_data;

    if (state->failed)
        return;
    state->depth++;
    if (state->depth == 1) {
        if (strcmp(name, ROOT_ELEMENT) != 0) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave config: line %lu: the root element is <%s>, expected <%s>",
                      line_of(state), name, ROOT_ELEMENT);
            fail(state);
        }
        return;
    }
    if (state->depth > 2) {
        /* Inside an unknown element everything is ignored with it. */
        if (state->current != NULL) {
            cella_log(CELLA_LOG_ERROR, "enclave config: line %lu: <%s> may not contain <%s>",
                      line_of(state), state->current->name, name);
            fail(state);
        }
        return;
    }
    state->current = NULL;
    state->value_size = 0;
    state->value_too_long = false;
    state->value_commented = false;
    for (size_t i = 0; i < ELEMENT_COUNT; i++) {
        if (strcmp(name, elements[i].name) == 0) {
            if (state->seen[i]) {
                cella_log(CELLA_LOG_ERROR, "enclave config: line %lu: <%s> is given twice",
                          line_of(state), name);
                fail(state);
                return;
            }
            state->seen[i] = true;
            state->current = &elements[i];
            break;
        }
    }
    if (state->current == NULL) {
        /* As sgx_sign: a misspelled <DisableDebug> must not quietly sign a debuggable enclave. */
        cella_log(CELLA_LOG_ERROR,
                  "enclave config: line %lu: unknown element <%s> (check its spelling; "
                  "sgx_sign refuses unknown elements too)",
                  line_of(state), name);
        fail(state);
        return;
    }
    if (attributes[0] != NULL) {
        cella_log(CELLA_LOG_ERROR, "enclave config: line %lu: <%s> may not have attributes",
                  line_of(state), name);
        fail(state);
    }
}

static void XMLCALL on_end(void *user_data, const XML_Char *name)
{
    struct parser_state *state = user_data;

    (void)name;
    if (state->failed)
        return;
    if (state->depth == 2 && state->current != NULL)
        finish_element(state);
    state->depth--;
}

static void XMLCALL on_text(void *user_data, const XML_Char *text, int size)
{
    struct parser_state *state = user_data;
    size_t length = size > 0 ? (size_t)size : 0;

    if (state->failed)
        return;
    if (state->depth == 1) {
        for (size_t i = 0; i < length; i++) {
            if (!is_xml_space(text[i])) {
                cella_log(CELLA_LOG_ERROR,
                          "enclave config: line %lu: text directly inside <%s>; values go in "
                          "child elements",
                          line_of(state), ROOT_ELEMENT);
                fail(state);
                return;
            }
        }
        return;
    }
    if (state->depth != 2 || state->current == NULL)
        return;
    if (state->value_commented) {
        for (size_t i = 0; i < length; i++) {
            if (!is_xml_space(text[i])) {
                /* sgx_sign reads the text before the comment only: say so, do not guess. */
                cella_log(CELLA_LOG_ERROR,
                          "enclave config: line %lu: the value of <%s> is split by a comment; "
                          "move the comment out of the element",
                          line_of(state), state->current->name);
                fail(state);
                return;
            }
        }
    }
    if (length > sizeof(state->value) - state->value_size) {
        state->value_too_long = true;
        return;
    }
    memcpy(state->value + state->value_size, text, length);
    state->value_size += length;
}

static void XMLCALL on_comment(void *user_data, const XML_Char *text)
{
    struct parser_state *state = user_data;

    (void)text;
    if (state->failed || state->depth != 2 || state->current == NULL)
        return;
    for (size_t i = 0; i < state->value_size; i++) {
        if (!is_xml_space(state->value[i]))
            state->value_commented = true;
    }
}

static void XMLCALL on_doctype(void *user_data, const XML_Char *name, const XML_Char *system_id,
                               const XML_Char *public_id, int has_internal_subset)
{
    struct parser_state *state = user_data;

    (void)name;
    (void)system_id;
    (void)public_id;
    (void)has_internal_subset;
    if (state->failed)
        return;
    /* No DTDs: nothing in this file needs one, and without them there are no entities. */
    cella_log(CELLA_LOG_ERROR, "enclave config: line %lu: DOCTYPE declarations are not allowed",
              line_of(state));
    fail(state);
}

void cella_enclave_config_init(cella_enclave_config_t *config)
{
    if (config == NULL)
        return;
    memset(config, 0, sizeof(*config));
    config->stack_max_size = CELLA_ENCLAVE_CONFIG_DEFAULT_STACK_MAX_SIZE;
    config->heap_max_size = CELLA_ENCLAVE_CONFIG_DEFAULT_HEAP_MAX_SIZE;
    config->tcs_num = CELLA_ENCLAVE_CONFIG_DEFAULT_TCS_NUM;
    config->tcs_policy = CELLA_ENCLAVE_CONFIG_DEFAULT_TCS_POLICY;
    config->misc_mask = CELLA_ENCLAVE_CONFIG_DEFAULT_MISC_MASK;
}

cella_result_t cella_enclave_config_parse(const void *xml, size_t xml_size,
                                          cella_enclave_config_t *config)
{
    struct parser_state state;
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    enum XML_Status status;

    if (xml == NULL || config == NULL || xml_size > CELLA_ENCLAVE_CONFIG_MAX_BYTES)
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(&state, 0, sizeof(state));
    cella_enclave_config_init(&state.config);
    state.parser = XML_ParserCreate(NULL);
    if (state.parser == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    XML_SetUserData(state.parser, &state);
    XML_SetElementHandler(state.parser, on_start, on_end);
    XML_SetCharacterDataHandler(state.parser, on_text);
    XML_SetCommentHandler(state.parser, on_comment);
    XML_SetStartDoctypeDeclHandler(state.parser, on_doctype);

    status = XML_Parse(state.parser, xml, (int)xml_size, XML_TRUE);
    if (state.failed) {
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    if (status != XML_STATUS_OK) {
        cella_log(CELLA_LOG_ERROR, "enclave config: line %lu: malformed XML: %s", line_of(&state),
                  XML_ErrorString(XML_GetErrorCode(state.parser)));
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    *config = state.config;
    r = CELLA_OK;
out:
    XML_ParserFree(state.parser);
    return r;
}
