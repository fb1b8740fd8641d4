/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/policy.c: MAA's policy language: a recursive-descent parser and the evaluator. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <cella/encoding.h>

#include "policy.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Runs a step of a fallible function; on failure jumps to its one `out:` label. */
#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* Runs a parsing step; on failure returns its result (nothing to release in the parser). */
#define TRY(expression)                     \
    do {                                    \
        cella_result_t try_ = (expression); \
        if (try_ != CELLA_OK)               \
            return try_;                    \
    } while (0)

/*
 * Limits. The grammar has no recursive production, so the parser's stack depth is fixed;
 * these bound what one text can make it allocate and what one evaluation can cost. Real
 * policies use a few rules of one to five conditions.
 */
#define MAX_RULES            1024       /* in the whole policy */
#define MAX_CONDITIONS       16         /* in one rule; also the evaluator's recursion depth */
#define MAX_TESTS            16         /* in one condition */
#define MAX_EVALUATION_STEPS (1u << 22) /* claim-against-condition checks in one evaluation */

/* How much of a token an error message quotes. */
#define QUOTE_MAX_BYTES 40

/* The issuers MAA gives claims (claim-rule-grammar). */
static const char service_issuer[] = "AttestationService";
static const char policy_issuer[] = "AttestationPolicy";

const char cella_policy_default_sgx[] =
    "version= 1.0;authorizationrules{=> permit();};issuancerules{"
    "c:[type==\"x-ms-sgx-is-debuggable\"] => issue(type=\"is-debuggable\", value=c.value);"
    "c:[type==\"x-ms-sgx-mrsigner\"] => issue(type=\"sgx-mrsigner\", value=c.value);"
    "c:[type==\"x-ms-sgx-mrenclave\"] => issue(type=\"sgx-mrenclave\", value=c.value);"
    "c:[type==\"x-ms-sgx-product-id\"] => issue(type=\"product-id\", value=c.value);"
    "c:[type==\"x-ms-sgx-svn\"] => issue(type=\"svn\", value=c.value);"
    "c:[type==\"x-ms-attestation-type\"] => issue(type=\"tee\", value=c.value);};";

_Static_assert(sizeof(cella_policy_default_sgx) == 501 + 1,
               "MAA's default SGX policy is 501 bytes (maa-api.md section 9.4)");

/*
 * The parsed form
 */

typedef enum value_kind {
    VALUE_INTEGER,
    VALUE_BOOLEAN,
    VALUE_STRING,
} value_kind_t;

/* A claim value, or a claim's type or issuer seen as a string value. Strings are borrowed. */
typedef struct value {
    value_kind_t kind;
    bool boolean;
    json_int_t integer;
    const char *string;
    size_t string_size;
} value_t;

typedef enum operand_kind {
    OPERAND_LITERAL,
    OPERAND_CLAIM_TYPE,  /* name.type */
    OPERAND_CLAIM_VALUE, /* name.value */
} operand_kind_t;

/* The right-hand side of a test, or an argument of an action. */
typedef struct operand {
    operand_kind_t kind;
    value_t literal;  /* OPERAND_LITERAL */
    size_t condition; /* otherwise: the rule's condition (0-based) that bound the name */
} operand_t;

typedef enum property {
    PROPERTY_TYPE,
    PROPERTY_VALUE,
    PROPERTY_ISSUER,
    PROPERTY_VALUE_TYPE,
} property_t;

typedef enum comparison {
    COMPARE_EQUAL,
    COMPARE_NOT_EQUAL,
    COMPARE_LESS,
    COMPARE_LESS_OR_EQUAL,
    COMPARE_GREATER,
    COMPARE_GREATER_OR_EQUAL,
} comparison_t;

typedef struct test {
    property_t property;
    comparison_t comparison;
    operand_t operand;
} test_t;

typedef struct condition {
    bool negated;          /* `!` (1.2): holds when no claim meets the tests */
    bool referenced_later; /* a later condition's test names the claim this one bound */
    size_t first_test;     /* into policy->tests */
    size_t test_count;
} condition_t;

typedef enum action_kind {
    ACTION_PERMIT,
    ACTION_DENY,
    ACTION_ADD,
    ACTION_ISSUE,
    ACTION_ISSUE_PROPERTY,
} action_kind_t;

typedef struct action {
    action_kind_t kind;
    bool whole_claim;       /* add(claim=c), issue(claim=c) */
    size_t claim_condition; /* whole_claim: the condition that bound c */
    operand_t type;         /* otherwise: a string literal or name.type */
    operand_t value;
} action_t;

typedef struct rule {
    size_t first_condition; /* into policy->conditions */
    size_t condition_count;
    action_t action;
} rule_t;

typedef enum section_kind {
    SECTION_CONFIGURATION,
    SECTION_AUTHORIZATION,
    SECTION_ISSUANCE,
    SECTION_COUNT,
} section_kind_t;

typedef struct section {
    bool present;
    size_t first_rule; /* into policy->rules: a section's rules are contiguous */
    size_t rule_count;
} section_t;

struct cella_policy {
    int version; /* 10, 11 or 12 */
    section_t sections[SECTION_COUNT];
    rule_t *rules;
    size_t rule_count, rule_capacity;
    condition_t *conditions;
    size_t condition_count, condition_capacity;
    test_t *tests;
    size_t test_count, test_capacity;
    /* Every string literal, unescaped and NUL-terminated, one after the other. */
    char *strings;
    size_t strings_used;
};

static const char *const section_names[SECTION_COUNT] = {
    [SECTION_CONFIGURATION] = "configurationrules",
    [SECTION_AUTHORIZATION] = "authorizationrules",
    [SECTION_ISSUANCE] = "issuancerules",
};

#define IN(section) (1u << (section))

/* Each action, with the sections that may use it (claim-rule-grammar; policy-version-1-1). */
static const struct action_info {
    const char *name;
    unsigned sections;
    int min_version;
} action_infos[] = {
    [ACTION_PERMIT] = {"permit", IN(SECTION_AUTHORIZATION), 10},
    [ACTION_DENY] = {"deny", IN(SECTION_AUTHORIZATION), 10},
    [ACTION_ADD] = {"add", IN(SECTION_AUTHORIZATION) | IN(SECTION_ISSUANCE), 10},
    [ACTION_ISSUE] = {"issue", IN(SECTION_ISSUANCE), 10},
    /* Property claims came with 1.1, as did configurationrules, which allows nothing else. */
    [ACTION_ISSUE_PROPERTY] = {"issueproperty", IN(SECTION_CONFIGURATION) | IN(SECTION_ISSUANCE),
                               11},
};

static const char *const property_names[] = {
    [PROPERTY_TYPE] = "type",
    [PROPERTY_VALUE] = "value",
    [PROPERTY_ISSUER] = "issuer",
    [PROPERTY_VALUE_TYPE] = "valueType",
};

/* valueType names (claim-rule-grammar), by value_kind_t. */
static const char *const value_type_names[] = {
    [VALUE_INTEGER] = "Integer",
    [VALUE_BOOLEAN] = "Boolean",
    [VALUE_STRING] = "String",
};

void cella_policy_destroy(cella_policy_t *policy)
{
    if (policy == NULL)
        return;
    free(policy->rules);
    free(policy->conditions);
    free(policy->tests);
    free(policy->strings);
    free(policy);
}

int cella_policy_version(const cella_policy_t *policy)
{
    return policy != NULL ? policy->version : 0;
}

/* Makes room for one more item in a growing array (doubling, from 8). */
static cella_result_t reserve(void **items, size_t *capacity, size_t count, size_t item_size)
{
    size_t new_capacity, bytes;
    void *grown;

    if (count < *capacity)
        return CELLA_OK;
    new_capacity = *capacity != 0 ? *capacity * 2 : 8;
    if (__builtin_mul_overflow(new_capacity, item_size, &bytes))
        return CELLA_ERR_OUT_OF_MEMORY;
    grown = realloc(*items, bytes);
    if (grown == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    *items = grown;
    *capacity = new_capacity;
    return CELLA_OK;
}

/*
 * Lexer
 */

typedef enum token_kind {
    TOKEN_END,
    TOKEN_INVALID, /* a byte no token starts with */
    TOKEN_IDENTIFIER,
    TOKEN_INTEGER,
    TOKEN_STRING,
    TOKEN_LEFT_BRACE,
    TOKEN_RIGHT_BRACE,
    TOKEN_LEFT_BRACKET,
    TOKEN_RIGHT_BRACKET,
    TOKEN_LEFT_PAREN,
    TOKEN_RIGHT_PAREN,
    TOKEN_SEMICOLON,
    TOKEN_COMMA,
    TOKEN_COLON,
    TOKEN_DOT,
    TOKEN_ASSIGN,
    TOKEN_ARROW,
    TOKEN_AND,
    TOKEN_NOT,
    TOKEN_EQUAL,
    TOKEN_NOT_EQUAL,
    TOKEN_LESS,
    TOKEN_LESS_OR_EQUAL,
    TOKEN_GREATER,
    TOKEN_GREATER_OR_EQUAL,
} token_kind_t;

typedef struct token {
    token_kind_t kind;
    const char *start; /* the source text */
    size_t size;
    size_t line, column; /* 1-based; columns count bytes */
    json_int_t integer;  /* TOKEN_INTEGER */
    const char *string;  /* TOKEN_STRING: unescaped, in policy->strings */
    size_t string_size;
} token_t;

/* A name bound in the rule being parsed: `name:[...]`. */
typedef struct binding {
    const char *name;
    size_t name_size;
    size_t condition;
} binding_t;

typedef struct parser {
    const char *text;
    size_t size;
    size_t at; /* next byte to lex */
    size_t line, column;
    token_t token; /* the current token */
    cella_policy_t *policy;
    char *error;
    size_t error_size;
    section_kind_t section; /* being parsed */
    binding_t bindings[MAX_CONDITIONS];
    size_t binding_count;
} parser_t;

static cella_result_t fail_at(parser_t *p, size_t line, size_t column, const char *format, ...)
    CELLA_PRINTF(4, 5);

/* Writes "line L, column C: <message>" into the caller's error buffer. */
static cella_result_t fail_at(parser_t *p, size_t line, size_t column, const char *format, ...)
{
    va_list args;
    int prefix;

    if (p->error_size == 0)
        return CELLA_ERR_INVALID_FORMAT;
    prefix = snprintf(p->error, p->error_size, "line %zu, column %zu: ", line, column);
    if (prefix >= 0 && (size_t)prefix < p->error_size) {
        va_start(args, format);
        (void)vsnprintf(p->error + prefix, p->error_size - (size_t)prefix, format, args);
        va_end(args);
    }
    return CELLA_ERR_INVALID_FORMAT;
}

/* How an error message names a token: 'permit', "x-ms-sgx-svn", '@', end of input. */
static void describe(const token_t *token, char *out, size_t out_size)
{
    size_t size = token->size;
    const char *ellipsis = "";

    if (token->kind == TOKEN_END) {
        (void)snprintf(out, out_size, "end of input");
        return;
    }
    if (token->kind == TOKEN_INVALID) {
        const unsigned char byte = (unsigned char)token->start[0];
        if (byte >= 0x21 && byte <= 0x7e)
            (void)snprintf(out, out_size, "'%c'", byte);
        else
            (void)snprintf(out, out_size, "byte 0x%02x", byte);
        return;
    }
    if (size > QUOTE_MAX_BYTES) {
        /* Cut at a character boundary so the message stays valid UTF-8. */
        size = QUOTE_MAX_BYTES;
        while (size > 0 && ((unsigned char)token->start[size] & 0xc0) == 0x80)
            size--;
        ellipsis = "...";
    }
    if (token->kind == TOKEN_STRING)
        (void)snprintf(out, out_size, "%.*s%s", (int)size, token->start, ellipsis);
    else
        (void)snprintf(out, out_size, "'%.*s%s'", (int)size, token->start, ellipsis);
}

/* "expected <what>, found <the current token>". */
static cella_result_t expected(parser_t *p, const char *what)
{
    char found[QUOTE_MAX_BYTES + 16];

    describe(&p->token, found, sizeof(found));
    return fail_at(p, p->token.line, p->token.column, "expected %s, found %s", what, found);
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void skip_byte(parser_t *p)
{
    if (p->text[p->at] == '\n') {
        p->line++;
        p->column = 1;
    } else {
        p->column++;
    }
    p->at++;
}

/* Length of the valid UTF-8 sequence at bytes (RFC 3629: no overlongs, no surrogates); 0 if none.
 */
static size_t utf8_sequence_size(const unsigned char *bytes, size_t available)
{
    unsigned char lead = bytes[0];
    unsigned char low = 0x80, high = 0xbf;
    size_t size;

    if (lead < 0x80)
        return 1;
    if (lead >= 0xc2 && lead <= 0xdf)
        size = 2;
    else if (lead >= 0xe0 && lead <= 0xef)
        size = 3;
    else if (lead >= 0xf0 && lead <= 0xf4)
        size = 4;
    else
        return 0;
    if (lead == 0xe0)
        low = 0xa0;
    else if (lead == 0xed)
        high = 0x9f;
    else if (lead == 0xf0)
        low = 0x90;
    else if (lead == 0xf4)
        high = 0x8f;
    if (available < size || bytes[1] < low || bytes[1] > high)
        return 0;
    for (size_t i = 2; i < size; i++)
        if (bytes[i] < 0x80 || bytes[i] > 0xbf)
            return 0;
    return size;
}

/*
 * A string literal: "...", escapes \" and \\ only, UTF-8, no control characters (so every
 * string is one line and a valid JSON string). Unescaped into policy->strings, which has
 * room for every literal: each takes at most its source size minus one (two quotes, one NUL).
 */
static cella_result_t lex_string(parser_t *p, token_t *token)
{
    cella_policy_t *policy = p->policy;
    char *out = policy->strings + policy->strings_used;
    size_t out_size = 0;

    skip_byte(p);
    for (;;) {
        if (p->at == p->size)
            return fail_at(p, token->line, token->column, "unterminated string");
        const unsigned char byte = (unsigned char)p->text[p->at];
        if (byte == '"') {
            skip_byte(p);
            break;
        }
        if (byte < 0x20 || byte == 0x7f)
            return fail_at(p, p->line, p->column,
                           "control character 0x%02x in a string (strings are one line)", byte);
        if (byte == '\\') {
            const size_t line = p->line, column = p->column;
            skip_byte(p);
            if (p->at == p->size)
                return fail_at(p, token->line, token->column, "unterminated string");
            const char escaped = p->text[p->at];
            if (escaped != '"' && escaped != '\\')
                return fail_at(p, line, column,
                               "unknown escape in a string (only \\\" and \\\\ are allowed)");
            out[out_size++] = escaped;
            skip_byte(p);
            continue;
        }
        const size_t sequence =
            utf8_sequence_size((const unsigned char *)p->text + p->at, p->size - p->at);
        if (sequence == 0)
            return fail_at(p, p->line, p->column, "invalid UTF-8 in a string");
        for (size_t i = 0; i < sequence; i++) {
            out[out_size++] = p->text[p->at];
            skip_byte(p);
        }
    }
    out[out_size] = '\0';
    token->string = out;
    token->string_size = out_size;
    policy->strings_used += out_size + 1;
    return CELLA_OK;
}

/* A decimal integer with an optional minus sign, within json_int_t (64 bits). */
static cella_result_t lex_integer(parser_t *p, token_t *token)
{
    const bool negative = p->text[p->at] == '-';
    /* The magnitude limit: 2^63 for a negative number, 2^63 - 1 otherwise. */
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;

    if (negative)
        skip_byte(p);
    while (p->at < p->size && is_digit(p->text[p->at])) {
        const uint64_t digit = (uint64_t)(p->text[p->at] - '0');
        if (magnitude > (limit - digit) / 10)
            return fail_at(p, token->line, token->column,
                           "integer out of range (integers are 64-bit)");
        magnitude = magnitude * 10 + digit;
        skip_byte(p);
    }
    if (negative)
        token->integer = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(json_int_t)magnitude;
    else
        token->integer = (json_int_t)magnitude;
    return CELLA_OK;
}

/* Reads the next token into p->token. Lexical errors (strings, integers) are reported here. */
static cella_result_t next(parser_t *p)
{
    token_t *token = &p->token;

    while (p->at < p->size) {
        const char c = p->text[p->at];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            break;
        skip_byte(p);
    }
    memset(token, 0, sizeof(*token));
    token->start = p->text + p->at;
    token->line = p->line;
    token->column = p->column;
    if (p->at == p->size) {
        token->kind = TOKEN_END;
        return CELLA_OK;
    }

    const size_t begin = p->at;
    const char c = p->text[p->at];
    const char following = p->at + 1 < p->size ? p->text[p->at + 1] : '\0';
    size_t size = 1;

    if (is_letter(c)) {
        token->kind = TOKEN_IDENTIFIER;
        while (p->at < p->size && (is_letter(p->text[p->at]) || is_digit(p->text[p->at])))
            skip_byte(p);
        token->size = p->at - begin;
        return CELLA_OK;
    }
    if (is_digit(c) || (c == '-' && is_digit(following))) {
        token->kind = TOKEN_INTEGER;
        TRY(lex_integer(p, token));
        token->size = p->at - begin;
        return CELLA_OK;
    }
    if (c == '"') {
        token->kind = TOKEN_STRING;
        TRY(lex_string(p, token));
        token->size = p->at - begin;
        return CELLA_OK;
    }
    switch (c) {
    case '{':
        token->kind = TOKEN_LEFT_BRACE;
        break;
    case '}':
        token->kind = TOKEN_RIGHT_BRACE;
        break;
    case '[':
        token->kind = TOKEN_LEFT_BRACKET;
        break;
    case ']':
        token->kind = TOKEN_RIGHT_BRACKET;
        break;
    case '(':
        token->kind = TOKEN_LEFT_PAREN;
        break;
    case ')':
        token->kind = TOKEN_RIGHT_PAREN;
        break;
    case ';':
        token->kind = TOKEN_SEMICOLON;
        break;
    case ',':
        token->kind = TOKEN_COMMA;
        break;
    case ':':
        token->kind = TOKEN_COLON;
        break;
    case '.':
        token->kind = TOKEN_DOT;
        break;
    case '=':
        if (following == '=') {
            token->kind = TOKEN_EQUAL;
            size = 2;
        } else if (following == '>') {
            token->kind = TOKEN_ARROW;
            size = 2;
        } else {
            token->kind = TOKEN_ASSIGN;
        }
        break;
    case '!':
        if (following == '=') {
            token->kind = TOKEN_NOT_EQUAL;
            size = 2;
        } else {
            token->kind = TOKEN_NOT;
        }
        break;
    case '<':
        token->kind = following == '=' ? TOKEN_LESS_OR_EQUAL : TOKEN_LESS;
        size = following == '=' ? 2 : 1;
        break;
    case '>':
        token->kind = following == '=' ? TOKEN_GREATER_OR_EQUAL : TOKEN_GREATER;
        size = following == '=' ? 2 : 1;
        break;
    case '&':
        token->kind = following == '&' ? TOKEN_AND : TOKEN_INVALID;
        size = following == '&' ? 2 : 1;
        break;
    default:
        token->kind = TOKEN_INVALID;
        break;
    }
    for (size_t i = 0; i < size; i++)
        skip_byte(p);
    token->size = size;
    return CELLA_OK;
}

static bool at_word(const parser_t *p, const char *word)
{
    return p->token.kind == TOKEN_IDENTIFIER && strlen(word) == p->token.size &&
           memcmp(p->token.start, word, p->token.size) == 0;
}

/* Consumes a token of the given kind, or reports "expected <what>". */
static cella_result_t expect(parser_t *p, token_kind_t kind, const char *what)
{
    if (p->token.kind != kind)
        return expected(p, what);
    return next(p);
}

static cella_result_t expect_word(parser_t *p, const char *word, const char *what)
{
    if (!at_word(p, word))
        return expected(p, what);
    return next(p);
}

/*
 * Parser. One function per production of maa-api.md section 9.1; none calls itself or an
 * ancestor, so the depth is fixed whatever the input.
 */

static const binding_t *find_binding(const parser_t *p, const char *name, size_t name_size)
{
    for (size_t i = 0; i < p->binding_count; i++)
        if (p->bindings[i].name_size == name_size &&
            memcmp(p->bindings[i].name, name, name_size) == 0)
            return &p->bindings[i];
    return NULL;
}

/*
 * name.value or name.type, the current token being the name. in_test: a test may name only
 * a claim bound by an earlier condition (the one being parsed is not bound yet).
 */
static cella_result_t parse_reference(parser_t *p, bool in_test, operand_t *operand)
{
    const token_t name = p->token;
    const binding_t *binding;

    TRY(next(p));
    if (p->token.kind == TOKEN_LEFT_PAREN)
        return fail_at(p, name.line, name.column,
                       "function calls (policy version 1.2 functions) are not supported");
    binding = find_binding(p, name.start, name.size);
    if (binding == NULL)
        return fail_at(p, name.line, name.column, "'%.*s' is not bound by %s of this rule",
                       (int)(name.size > QUOTE_MAX_BYTES ? QUOTE_MAX_BYTES : name.size), name.start,
                       in_test ? "an earlier condition" : "a condition");
    TRY(expect(p, TOKEN_DOT, "'.' after a claim name"));
    if (at_word(p, "value"))
        operand->kind = OPERAND_CLAIM_VALUE;
    else if (at_word(p, "type"))
        operand->kind = OPERAND_CLAIM_TYPE;
    else
        return expected(p, "value or type");
    operand->condition = binding->condition;
    if (in_test)
        p->policy
            ->conditions[p->policy->rules[p->policy->rule_count].first_condition +
                         binding->condition]
            .referenced_later = true;
    return next(p);
}

/* Which literals an operand may be. */
#define ACCEPT_INTEGER   1u
#define ACCEPT_BOOLEAN   2u
#define ACCEPT_STRING    4u
#define ACCEPT_REFERENCE 8u
#define ACCEPT_LITERAL   (ACCEPT_INTEGER | ACCEPT_BOOLEAN | ACCEPT_STRING)

/* A literal or a name.value / name.type reference; anything else is "expected <what>". */
static cella_result_t parse_operand(parser_t *p, unsigned accept, bool in_test, const char *what,
                                    operand_t *operand)
{
    memset(operand, 0, sizeof(*operand));
    operand->kind = OPERAND_LITERAL;
    if (p->token.kind == TOKEN_INTEGER && (accept & ACCEPT_INTEGER)) {
        operand->literal.kind = VALUE_INTEGER;
        operand->literal.integer = p->token.integer;
        return next(p);
    }
    if (p->token.kind == TOKEN_STRING && (accept & ACCEPT_STRING)) {
        operand->literal.kind = VALUE_STRING;
        operand->literal.string = p->token.string;
        operand->literal.string_size = p->token.string_size;
        return next(p);
    }
    if (at_word(p, "true") || at_word(p, "false")) {
        if (!(accept & ACCEPT_BOOLEAN))
            return expected(p, what);
        operand->literal.kind = VALUE_BOOLEAN;
        operand->literal.boolean = at_word(p, "true");
        return next(p);
    }
    if (p->token.kind == TOKEN_IDENTIFIER && (accept & ACCEPT_REFERENCE))
        return parse_reference(p, in_test, operand);
    return expected(p, what);
}

static bool token_comparison(token_kind_t kind, comparison_t *comparison)
{
    static const struct {
        token_kind_t token;
        comparison_t comparison;
    } operators[] = {
        {TOKEN_EQUAL, COMPARE_EQUAL},     {TOKEN_NOT_EQUAL, COMPARE_NOT_EQUAL},
        {TOKEN_LESS, COMPARE_LESS},       {TOKEN_LESS_OR_EQUAL, COMPARE_LESS_OR_EQUAL},
        {TOKEN_GREATER, COMPARE_GREATER}, {TOKEN_GREATER_OR_EQUAL, COMPARE_GREATER_OR_EQUAL},
    };

    for (size_t i = 0; i < ARRAY_COUNT(operators); i++) {
        if (operators[i].token == kind) {
            *comparison = operators[i].comparison;
            return true;
        }
    }
    return false;
}

/* test = ( type | value | issuer | valueType ) OP operand */
static cella_result_t parse_test(parser_t *p, condition_t *condition)
{
    cella_policy_t *policy = p->policy;
    test_t test;
    size_t property = ARRAY_COUNT(property_names);
    char what[64];

    if (condition->test_count == MAX_TESTS)
        return fail_at(p, p->token.line, p->token.column, "more than %d tests in one condition",
                       MAX_TESTS);
    memset(&test, 0, sizeof(test));
    for (size_t i = 0; i < ARRAY_COUNT(property_names); i++)
        if (at_word(p, property_names[i]))
            property = i;
    if (property == ARRAY_COUNT(property_names))
        return expected(p, "type, value, issuer or valueType");
    test.property = (property_t)property;
    TRY(next(p));

    if (!token_comparison(p->token.kind, &test.comparison))
        return expected(p, "a comparison (==, !=, <, <=, >, >=)");
    const bool ordering = test.comparison != COMPARE_EQUAL && test.comparison != COMPARE_NOT_EQUAL;
    /* Only integers have an order; a claim's type, issuer and valueType are strings. */
    if (test.property != PROPERTY_VALUE && ordering) {
        (void)snprintf(what, sizeof(what), "== or != (%s is a string)", property_names[property]);
        return expected(p, what);
    }
    const token_t operator_token = p->token;
    TRY(next(p));

    if (test.property != PROPERTY_VALUE) {
        (void)snprintf(what, sizeof(what), "a string (%s is a string)", property_names[property]);
        TRY(parse_operand(p, ACCEPT_STRING | ACCEPT_REFERENCE, true, what, &test.operand));
    } else if (ordering) {
        (void)snprintf(what, sizeof(what), "an integer after '%.*s'", (int)operator_token.size,
                       operator_token.start);
        TRY(parse_operand(p, ACCEPT_INTEGER | ACCEPT_REFERENCE, true, what, &test.operand));
    } else {
        TRY(parse_operand(p, ACCEPT_LITERAL | ACCEPT_REFERENCE, true,
                          "a value (an integer, a string, true, false or name.value)",
                          &test.operand));
    }
    if (test.property == PROPERTY_VALUE_TYPE && test.operand.kind == OPERAND_LITERAL) {
        bool known = false;
        for (size_t i = 0; i < ARRAY_COUNT(value_type_names); i++)
            known |= strcmp(test.operand.literal.string, value_type_names[i]) == 0;
        if (!known)
            return fail_at(p, operator_token.line, operator_token.column,
                           "valueType is \"Integer\", \"Boolean\" or \"String\"");
    }

    TRY(reserve((void **)&policy->tests, &policy->test_capacity, policy->test_count,
                sizeof(test_t)));
    policy->tests[policy->test_count++] = test;
    condition->test_count++;
    return CELLA_OK;
}

/* cond = [ "!" ] [ name ":" ] "[" test { "," test } "]" */
static cella_result_t parse_condition(parser_t *p, rule_t *rule)
{
    cella_policy_t *policy = p->policy;
    condition_t condition;
    token_t name;
    bool named = false;

    if (rule->condition_count == MAX_CONDITIONS)
        return fail_at(p, p->token.line, p->token.column, "more than %d conditions in one rule",
                       MAX_CONDITIONS);
    memset(&condition, 0, sizeof(condition));
    memset(&name, 0, sizeof(name));
    if (p->token.kind == TOKEN_NOT) {
        if (policy->version < 12)
            return fail_at(p, p->token.line, p->token.column,
                           "'!' (no claim matches) needs policy version 1.2");
        condition.negated = true;
        TRY(next(p));
    }
    if (p->token.kind == TOKEN_IDENTIFIER) {
        name = p->token;
        if (condition.negated)
            return fail_at(p, name.line, name.column,
                           "a negated condition matches no claim, so it cannot name one");
        if (at_word(p, "true") || at_word(p, "false"))
            return fail_at(p, name.line, name.column, "'%.*s' cannot name a claim", (int)name.size,
                           name.start);
        if (find_binding(p, name.start, name.size) != NULL)
            return fail_at(p, name.line, name.column, "'%.*s' is already bound in this rule",
                           (int)(name.size > QUOTE_MAX_BYTES ? QUOTE_MAX_BYTES : name.size),
                           name.start);
        named = true;
        TRY(next(p));
        TRY(expect(p, TOKEN_COLON, "':' after a claim name"));
    }
    /* The condition is stored before its tests so references can mark it. */
    TRY(reserve((void **)&policy->conditions, &policy->condition_capacity, policy->condition_count,
                sizeof(condition_t)));
    condition.first_test = policy->test_count;
    const size_t index = policy->condition_count++;
    policy->conditions[index] = condition;
    rule->condition_count++;

    TRY(expect(p, TOKEN_LEFT_BRACKET, "'['"));
    for (;;) {
        TRY(parse_test(p, &policy->conditions[index]));
        if (p->token.kind == TOKEN_RIGHT_BRACKET)
            break;
        TRY(expect(p, TOKEN_COMMA, "',' or ']'"));
    }
    TRY(next(p));
    /* Bound only now: a condition's own tests cannot name the claim they are choosing. */
    if (named) {
        binding_t *binding = &p->bindings[p->binding_count++];
        binding->name = name.start;
        binding->name_size = name.size;
        binding->condition = rule->condition_count - 1;
    }
    return CELLA_OK;
}

/* type=<string or name.type>, value=<operand> */
static cella_result_t parse_claim_arguments(parser_t *p, action_t *action)
{
    TRY(next(p)); /* type */
    TRY(expect(p, TOKEN_ASSIGN, "'='"));
    const token_t type = p->token;
    TRY(parse_operand(p, ACCEPT_STRING | ACCEPT_REFERENCE, false, "a string or name.type",
                      &action->type));
    if (action->type.kind == OPERAND_CLAIM_VALUE)
        return fail_at(p, type.line, type.column,
                       "a claim type is a string or name.type, not name.value");
    TRY(expect(p, TOKEN_COMMA, "','"));
    TRY(expect_word(p, "value", "value"));
    TRY(expect(p, TOKEN_ASSIGN, "'='"));
    return parse_operand(p, ACCEPT_LITERAL | ACCEPT_REFERENCE, false,
                         "a value (an integer, a string, true, false, name.value or name.type)",
                         &action->value);
}

/* permit() | deny() | add(...) | issue(...) | issueproperty(...) */
static cella_result_t parse_action(parser_t *p, rule_t *rule)
{
    static const char actions[] = "an action (permit, deny, add, issue or issueproperty)";
    action_t *action = &rule->action;
    size_t kind = ARRAY_COUNT(action_infos);

    memset(action, 0, sizeof(*action));
    for (size_t i = 0; i < ARRAY_COUNT(action_infos); i++)
        if (at_word(p, action_infos[i].name))
            kind = i;
    if (kind == ARRAY_COUNT(action_infos))
        return expected(p, actions);
    const struct action_info *info = &action_infos[kind];
    if (p->policy->version < info->min_version)
        return fail_at(p, p->token.line, p->token.column, "%s() needs policy version 1.1",
                       info->name);
    if (!(info->sections & IN(p->section)))
        return fail_at(p, p->token.line, p->token.column, "%s() is not allowed in %s", info->name,
                       section_names[p->section]);
    action->kind = (action_kind_t)kind;
    TRY(next(p));
    TRY(expect(p, TOKEN_LEFT_PAREN, "'('"));

    switch (action->kind) {
    case ACTION_PERMIT:
    case ACTION_DENY:
        break;
    case ACTION_ADD:
    case ACTION_ISSUE:
        if (at_word(p, "claim")) {
            TRY(next(p));
            TRY(expect(p, TOKEN_ASSIGN, "'='"));
            if (p->token.kind != TOKEN_IDENTIFIER)
                return expected(p, "a claim name");
            const binding_t *binding = find_binding(p, p->token.start, p->token.size);
            if (binding == NULL)
                return fail_at(
                    p, p->token.line, p->token.column,
                    "'%.*s' is not bound by a condition of this rule",
                    (int)(p->token.size > QUOTE_MAX_BYTES ? QUOTE_MAX_BYTES : p->token.size),
                    p->token.start);
            action->whole_claim = true;
            action->claim_condition = binding->condition;
            TRY(next(p));
            break;
        }
        if (!at_word(p, "type"))
            return expected(p, "type or claim");
        TRY(parse_claim_arguments(p, action));
        break;
    case ACTION_ISSUE_PROPERTY:
        if (!at_word(p, "type"))
            return expected(p, "type");
        TRY(parse_claim_arguments(p, action));
        break;
    }
    return expect(p, TOKEN_RIGHT_PAREN, "')'");
}

/* rule = [ cond { "&&" cond } ] "=>" action ";" */
static cella_result_t parse_rule(parser_t *p)
{
    cella_policy_t *policy = p->policy;
    rule_t *rule;

    if (policy->rule_count == MAX_RULES)
        return fail_at(p, p->token.line, p->token.column, "more than %d rules in one policy",
                       MAX_RULES);
    TRY(reserve((void **)&policy->rules, &policy->rule_capacity, policy->rule_count,
                sizeof(rule_t)));
    /* Filled in place at rules[rule_count]; counted once complete. */
    rule = &policy->rules[policy->rule_count];
    memset(rule, 0, sizeof(*rule));
    rule->first_condition = policy->condition_count;
    p->binding_count = 0;

    if (p->token.kind != TOKEN_ARROW) {
        for (;;) {
            TRY(parse_condition(p, rule));
            if (p->token.kind == TOKEN_ARROW)
                break;
            TRY(expect(p, TOKEN_AND, "'&&' or '=>'"));
            if (p->token.kind != TOKEN_LEFT_BRACKET && p->token.kind != TOKEN_NOT &&
                p->token.kind != TOKEN_IDENTIFIER)
                return expected(p, "a condition");
        }
    }
    TRY(next(p)); /* => */
    TRY(parse_action(p, rule));
    TRY(expect(p, TOKEN_SEMICOLON, "';'"));
    policy->rule_count++;
    return CELLA_OK;
}

/* section = name "{" { rule } "}" ";" */
static cella_result_t parse_section(parser_t *p)
{
    cella_policy_t *policy = p->policy;
    size_t kind = SECTION_COUNT;
    section_t *section;

    for (size_t i = 0; i < SECTION_COUNT; i++)
        if (at_word(p, section_names[i]))
            kind = i;
    if (kind == SECTION_CONFIGURATION && policy->version < 11)
        return fail_at(p, p->token.line, p->token.column,
                       "configurationrules needs policy version 1.1");
    if (kind == SECTION_COUNT)
        return expected(p, policy->version < 11
                               ? "authorizationrules, issuancerules or end of input"
                               : "authorizationrules, issuancerules, configurationrules or "
                                 "end of input");
    section = &policy->sections[kind];
    if (section->present)
        return fail_at(p, p->token.line, p->token.column, "a second %s section",
                       section_names[kind]);
    section->present = true;
    section->first_rule = policy->rule_count;
    p->section = (section_kind_t)kind;
    TRY(next(p));
    TRY(expect(p, TOKEN_LEFT_BRACE, "'{'"));
    while (p->token.kind != TOKEN_RIGHT_BRACE) {
        if (p->token.kind != TOKEN_ARROW && p->token.kind != TOKEN_LEFT_BRACKET &&
            p->token.kind != TOKEN_NOT && p->token.kind != TOKEN_IDENTIFIER)
            return expected(p, "a rule or '}'");
        TRY(parse_rule(p));
    }
    section->rule_count = policy->rule_count - section->first_rule;
    TRY(next(p));
    return expect(p, TOKEN_SEMICOLON, "';' after '}'");
}

/* policy = "version" "=" MAJOR "." MINOR ";" { section } */
static cella_result_t parse_policy(parser_t *p)
{
    TRY(next(p));
    TRY(expect_word(p, "version", "'version'"));
    TRY(expect(p, TOKEN_ASSIGN, "'='"));
    const token_t major = p->token;
    if (major.kind != TOKEN_INTEGER)
        return expected(p, "a version number (1.0, 1.1 or 1.2)");
    TRY(next(p));
    TRY(expect(p, TOKEN_DOT, "'.'"));
    const token_t minor = p->token;
    if (minor.kind != TOKEN_INTEGER)
        return expected(p, "a minor version number");
    if (major.integer != 1 || minor.integer < 0 || minor.integer > 2)
        return fail_at(p, major.line, major.column,
                       "expected version 1.0, 1.1 or 1.2, found %.*s.%.*s",
                       (int)(major.size > 20 ? 20 : major.size), major.start,
                       (int)(minor.size > 20 ? 20 : minor.size), minor.start);
    p->policy->version = 10 + (int)minor.integer;
    TRY(next(p));
    TRY(expect(p, TOKEN_SEMICOLON, "';'"));
    while (p->token.kind != TOKEN_END)
        TRY(parse_section(p));
    return CELLA_OK;
}

cella_result_t cella_policy_parse(const char *text, size_t size, cella_policy_t **out, char *error,
                                  size_t error_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    cella_policy_t *policy = NULL;
    parser_t p;

    if ((text == NULL && size != 0) || out == NULL || (error == NULL && error_size != 0))
        return CELLA_ERR_INVALID_ARGUMENT;
    if (error_size != 0)
        error[0] = '\0';
    memset(&p, 0, sizeof(p));
    p.text = text != NULL ? text : "";
    p.size = size;
    p.line = 1;
    p.column = 1;
    p.error = error;
    p.error_size = error_size;
    if (size > CELLA_POLICY_MAX_BYTES) {
        /* Point at the first byte past the limit. */
        while (p.at < CELLA_POLICY_MAX_BYTES)
            skip_byte(&p);
        return fail_at(&p, p.line, p.column, "policy text longer than %u bytes",
                       CELLA_POLICY_MAX_BYTES);
    }

    policy = calloc(1, sizeof(*policy));
    if (policy == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    /* Every literal fits: see lex_string. */
    policy->strings = malloc(size + 1);
    if (policy->strings == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    p.policy = policy;
    CHECK(parse_policy(&p));
    *out = policy;
    policy = NULL;
    r = CELLA_OK;
out:
    if (r == CELLA_ERR_OUT_OF_MEMORY && error_size != 0)
        (void)snprintf(error, error_size, "out of memory");
    cella_policy_destroy(policy);
    return r;
}

/*
 * Evaluation
 */

/* A claim of the working set. Strings are borrowed from the incoming JSON or the policy. */
typedef struct claim {
    const char *type;
    size_t type_size;
    value_t value;
    const char *issuer;
    size_t issuer_size;
} claim_t;

typedef enum match {
    MATCH_NONE,
    MATCH_FOUND,
    MATCH_EXHAUSTED, /* the step budget ran out */
} match_t;

typedef struct evaluation {
    const cella_policy_t *policy;
    claim_t *claims;
    size_t claim_count, claim_capacity;
    size_t steps;
    json_t *issued;
    json_t *properties;
} evaluation_t;

static value_t string_value(const char *string, size_t string_size)
{
    value_t value;

    memset(&value, 0, sizeof(value));
    value.kind = VALUE_STRING;
    value.string = string;
    value.string_size = string_size;
    return value;
}

/* Values of different kinds are never equal nor unequal: such a test does not hold. */
static bool compare(const value_t *left, comparison_t comparison, const value_t *right)
{
    bool equal = false;

    if (left->kind != right->kind)
        return false;
    switch (left->kind) {
    case VALUE_INTEGER:
        switch (comparison) {
        case COMPARE_EQUAL:
            return left->integer == right->integer;
        case COMPARE_NOT_EQUAL:
            return left->integer != right->integer;
        case COMPARE_LESS:
            return left->integer < right->integer;
        case COMPARE_LESS_OR_EQUAL:
            return left->integer <= right->integer;
        case COMPARE_GREATER:
            return left->integer > right->integer;
        case COMPARE_GREATER_OR_EQUAL:
            return left->integer >= right->integer;
        }
        return false;
    case VALUE_BOOLEAN:
        equal = left->boolean == right->boolean;
        break;
    case VALUE_STRING:
        equal = left->string_size == right->string_size &&
                memcmp(left->string, right->string, left->string_size) == 0;
        break;
    }
    /* Strings and booleans have no order: a reference's value may still be compared with <. */
    if (comparison == COMPARE_EQUAL)
        return equal;
    if (comparison == COMPARE_NOT_EQUAL)
        return !equal;
    return false;
}

/* What an operand stands for, given the claims chosen by the rule's conditions so far. */
static value_t operand_value(const evaluation_t *ev, const operand_t *operand, const size_t *chosen)
{
    const claim_t *claim;

    if (operand->kind == OPERAND_LITERAL)
        return operand->literal;
    claim = &ev->claims[chosen[operand->condition]];
    if (operand->kind == OPERAND_CLAIM_TYPE)
        return string_value(claim->type, claim->type_size);
    return claim->value;
}

static value_t claim_property(const claim_t *claim, property_t property)
{
    switch (property) {
    case PROPERTY_TYPE:
        return string_value(claim->type, claim->type_size);
    case PROPERTY_VALUE:
        return claim->value;
    case PROPERTY_ISSUER:
        return string_value(claim->issuer, claim->issuer_size);
    case PROPERTY_VALUE_TYPE:
        break;
    }
    const char *name = value_type_names[claim->value.kind];
    return string_value(name, strlen(name));
}

static bool claim_meets(const evaluation_t *ev, const condition_t *condition, const claim_t *claim,
                        const size_t *chosen)
{
    for (size_t i = 0; i < condition->test_count; i++) {
        const test_t *test = &ev->policy->tests[condition->first_test + i];
        const value_t left = claim_property(claim, test->property);
        const value_t right = operand_value(ev, &test->operand, chosen);
        if (!compare(&left, test->comparison, &right))
            return false;
    }
    return true;
}

/*
 * Chooses a claim for conditions index.. of rule, claims taken in order, backtracking only
 * into conditions whose claim a later test names: the first combination that satisfies
 * every condition wins. Recursion depth: at most MAX_CONDITIONS.
 */
static match_t search(evaluation_t *ev, const rule_t *rule, size_t index, size_t claim_count,
                      size_t *chosen)
{
    if (index == rule->condition_count)
        return MATCH_FOUND;
    const condition_t *condition = &ev->policy->conditions[rule->first_condition + index];
    bool any = false;

    for (size_t j = 0; j < claim_count; j++) {
        if (++ev->steps > MAX_EVALUATION_STEPS)
            return MATCH_EXHAUSTED;
        if (!claim_meets(ev, condition, &ev->claims[j], chosen))
            continue;
        if (condition->negated) {
            any = true;
            break;
        }
        chosen[index] = j;
        const match_t result = search(ev, rule, index + 1, claim_count, chosen);
        if (result != MATCH_NONE)
            return result;
        /* Later conditions do not depend on this choice: another claim cannot help. */
        if (!condition->referenced_later)
            return MATCH_NONE;
    }
    if (condition->negated && !any)
        return search(ev, rule, index + 1, claim_count, chosen);
    return MATCH_NONE;
}

static json_t *value_json(const value_t *value)
{
    switch (value->kind) {
    case VALUE_INTEGER:
        return json_integer(value->integer);
    case VALUE_BOOLEAN:
        return json_boolean(value->boolean);
    case VALUE_STRING:
        break;
    }
    return json_stringn(value->string, value->string_size);
}

/* add(), issue() or issueproperty(): the new claim joins the working set and, by kind, more. */
static cella_result_t apply(evaluation_t *ev, const action_t *action, const size_t *chosen)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    json_t *object = NULL;
    claim_t made;

    if (action->whole_claim) {
        made = ev->claims[chosen[action->claim_condition]];
    } else {
        const value_t type = operand_value(ev, &action->type, chosen);
        memset(&made, 0, sizeof(made));
        made.type = type.string;
        made.type_size = type.string_size;
        made.value = operand_value(ev, &action->value, chosen);
    }
    made.issuer = policy_issuer;
    made.issuer_size = sizeof(policy_issuer) - 1;
    /* The working set was sized for one claim per rule (see load_claims). */
    if (ev->claim_count == ev->claim_capacity)
        return CELLA_ERR_UNEXPECTED;
    ev->claims[ev->claim_count++] = made;

    r = CELLA_ERR_OUT_OF_MEMORY;
    if (action->kind == ACTION_ISSUE) {
        /* json_object_set_new() takes the value, and fails on NULL (an allocation failed). */
        object = json_object();
        if (object == NULL ||
            json_object_set_new(object, "type", json_stringn(made.type, made.type_size)) != 0 ||
            json_object_set_new(object, "value", value_json(&made.value)) != 0 ||
            json_object_set_new(object, "issuer", json_string(policy_issuer)) != 0 ||
            json_array_append(ev->issued, object) != 0)
            goto out;
    } else if (action->kind == ACTION_ISSUE_PROPERTY) {
        /* A later issueproperty() of the same type replaces the earlier value. */
        if (json_object_setn_new(ev->properties, made.type, made.type_size,
                                 value_json(&made.value)) != 0)
            goto out;
    }
    r = CELLA_OK;
out:
    json_decref(object);
    return r;
}

typedef enum verdict {
    VERDICT_NONE,
    VERDICT_PERMIT,
    VERDICT_DENY,
    VERDICT_EXHAUSTED,
} verdict_t;

/* Runs a section's rules in order; in authorizationrules, stops at permit() or deny(). */
static cella_result_t run_section(evaluation_t *ev, section_kind_t kind, verdict_t *verdict,
                                  size_t *deciding_rule)
{
    const section_t *section = &ev->policy->sections[kind];
    size_t chosen[MAX_CONDITIONS];

    *verdict = VERDICT_NONE;
    for (size_t i = 0; i < section->rule_count; i++) {
        const rule_t *rule = &ev->policy->rules[section->first_rule + i];
        /* Claims a rule adds are seen by the rules after it, not by itself. */
        const match_t match = search(ev, rule, 0, ev->claim_count, chosen);
        if (match == MATCH_EXHAUSTED) {
            *verdict = VERDICT_EXHAUSTED;
            return CELLA_OK;
        }
        if (match == MATCH_NONE)
            continue;
        switch (rule->action.kind) {
        case ACTION_PERMIT:
        case ACTION_DENY:
            *verdict = rule->action.kind == ACTION_PERMIT ? VERDICT_PERMIT : VERDICT_DENY;
            *deciding_rule = i + 1;
            return CELLA_OK;
        case ACTION_ADD:
        case ACTION_ISSUE:
        case ACTION_ISSUE_PROPERTY: {
            const cella_result_t r = apply(ev, &rule->action, chosen);
            if (r != CELLA_OK)
                return r;
            break;
        }
        }
    }
    return CELLA_OK;
}

static cella_result_t refuse_argument(char *reason, size_t reason_size, size_t index,
                                      const char *what)
{
    if (reason_size != 0)
        (void)snprintf(reason, reason_size, "incoming claim %zu: %s", index, what);
    return CELLA_ERR_INVALID_ARGUMENT;
}

/*
 * The caller's claims, checked and copied into the working set (the caller's JSON is only
 * read). Room is left for one claim per rule: a rule fires at most once per evaluation.
 */
static cella_result_t load_claims(evaluation_t *ev, const json_t *incoming, char *reason,
                                  size_t reason_size)
{
    size_t count, capacity, bytes;

    if (!json_is_array(incoming)) {
        if (reason_size != 0)
            (void)snprintf(reason, reason_size, "incoming claims are not a JSON array");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    count = json_array_size(incoming);
    if (__builtin_add_overflow(count, ev->policy->rule_count, &capacity) ||
        __builtin_mul_overflow(capacity, sizeof(claim_t), &bytes))
        return CELLA_ERR_OUT_OF_MEMORY;
    ev->claims = malloc(bytes != 0 ? bytes : 1);
    if (ev->claims == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    ev->claim_capacity = capacity;

    for (size_t i = 0; i < count; i++) {
        const json_t *item = json_array_get(incoming, i);
        claim_t *claim = &ev->claims[i];

        memset(claim, 0, sizeof(*claim));
        if (!json_is_object(item))
            return refuse_argument(reason, reason_size, i, "not a JSON object");
        const json_t *type = json_object_get(item, "type");
        const json_t *value = json_object_get(item, "value");
        const json_t *issuer = json_object_get(item, "issuer");
        if (!json_is_string(type))
            return refuse_argument(reason, reason_size, i, "\"type\" is not a string");
        claim->type = json_string_value(type);
        claim->type_size = json_string_length(type);
        if (json_is_integer(value)) {
            claim->value.kind = VALUE_INTEGER;
            claim->value.integer = json_integer_value(value);
        } else if (json_is_boolean(value)) {
            claim->value.kind = VALUE_BOOLEAN;
            claim->value.boolean = json_is_true(value);
        } else if (json_is_string(value)) {
            claim->value = string_value(json_string_value(value), json_string_length(value));
        } else {
            return refuse_argument(reason, reason_size, i,
                                   "\"value\" is not an integer, a boolean or a string");
        }
        if (issuer == NULL) {
            claim->issuer = service_issuer;
            claim->issuer_size = sizeof(service_issuer) - 1;
        } else if (json_is_string(issuer)) {
            claim->issuer = json_string_value(issuer);
            claim->issuer_size = json_string_length(issuer);
        } else {
            return refuse_argument(reason, reason_size, i, "\"issuer\" is not a string");
        }
    }
    ev->claim_count = count;
    return CELLA_OK;
}

cella_result_t cella_policy_evaluate(const cella_policy_t *policy, const json_t *incoming,
                                     bool *permitted, json_t **issued, json_t **properties,
                                     char *reason, size_t reason_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    evaluation_t ev;
    verdict_t verdict = VERDICT_NONE;
    size_t deciding_rule = 0;
    bool allowed = false;

    memset(&ev, 0, sizeof(ev));
    if (policy == NULL || incoming == NULL || permitted == NULL || issued == NULL ||
        properties == NULL || (reason == NULL && reason_size != 0))
        return CELLA_ERR_INVALID_ARGUMENT;
    if (reason_size != 0)
        reason[0] = '\0';
    ev.policy = policy;
    CHECK(load_claims(&ev, incoming, reason, reason_size));
    ev.issued = json_array();
    ev.properties = json_object();
    if (ev.issued == NULL || ev.properties == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }

    CHECK(run_section(&ev, SECTION_CONFIGURATION, &verdict, &deciding_rule));
    if (verdict != VERDICT_EXHAUSTED)
        CHECK(run_section(&ev, SECTION_AUTHORIZATION, &verdict, &deciding_rule));
    if (verdict == VERDICT_PERMIT) {
        CHECK(run_section(&ev, SECTION_ISSUANCE, &verdict, &deciding_rule));
        allowed = verdict != VERDICT_EXHAUSTED;
    }

    if (!allowed) {
        /* A refused evaluation yields no claims and no properties. */
        if (json_array_clear(ev.issued) != 0 || json_object_clear(ev.properties) != 0) {
            r = CELLA_ERR_UNEXPECTED;
            goto out;
        }
        if (reason_size != 0 && verdict == VERDICT_DENY)
            (void)snprintf(reason, reason_size, "deny() in authorizationrules rule %zu",
                           deciding_rule);
        else if (reason_size != 0 && verdict == VERDICT_EXHAUSTED)
            (void)snprintf(reason, reason_size, "evaluation needs more than %u claim comparisons",
                           MAX_EVALUATION_STEPS);
        else if (reason_size != 0)
            (void)snprintf(reason, reason_size, "no rule permitted");
    }
    *permitted = allowed;
    *issued = ev.issued;
    *properties = ev.properties;
    ev.issued = NULL;
    ev.properties = NULL;
    r = CELLA_OK;
out:
    if (r == CELLA_ERR_OUT_OF_MEMORY && reason_size != 0)
        (void)snprintf(reason, reason_size, "out of memory");
    json_decref(ev.issued);
    json_decref(ev.properties);
    free(ev.claims);
    return r;
}

/*
 * x-ms-policy-hash
 */

cella_result_t cella_policy_hash(const char *text, size_t size, char *hash, size_t hash_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    unsigned char digest[32];
    unsigned int digest_size = 0;
    char *encoded = NULL;
    size_t encoded_size = 0, capacity = 0;
    size_t hash_text_size = hash_size;

    if ((text == NULL && size != 0) || hash == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    /* 32 bytes in unpadded base64url: 43 characters and the NUL. */
    if (hash_size < 44)
        return CELLA_ERR_BUFFER_TOO_SMALL;
    CHECK(cella_encoding_base64_encoded_size(size, CELLA_ENCODING_BASE64_NOPAD, &encoded_size));
    capacity = encoded_size + 1;
    encoded = malloc(capacity);
    if (encoded == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    encoded_size = capacity;
    CHECK(cella_encoding_base64url_encode(text != NULL ? text : "", size,
                                          CELLA_ENCODING_BASE64_NOPAD, encoded, &encoded_size));
    /* MAA hashes the ASCII of the base64url text, not the policy bytes themselves. */
    if (EVP_Digest(encoded, encoded_size, digest, &digest_size, EVP_sha256(), NULL) != 1 ||
        digest_size != sizeof(digest)) {
        r = CELLA_ERR_UNEXPECTED;
        goto out;
    }
    CHECK(cella_encoding_base64url_encode(digest, sizeof(digest), CELLA_ENCODING_BASE64_NOPAD, hash,
                                          &hash_text_size));
    r = CELLA_OK;
out:
    free(encoded);
    return r;
}
