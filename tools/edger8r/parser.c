/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/parser.c: recursive-descent parser for Intel's EDL grammar (and OE additions). */
#include "parser.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------
 * Keywords
 */

static const char *const edl_keywords[] = {
    "char",
    "short",
    "unsigned",
    "int",
    "float",
    "double",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "size_t",
    "wchar_t",
    "long",
    "void",
    "struct",
    "union",
    "enum",
    "enclave",
    "trusted",
    "untrusted",
    "from",
    "import",
    "allow",
    "public",
    "transition_using_threads",
    "include",
    "propagate_errno",
    "const",
    "bool",
};

static const char *const c_keywords[] = {
    "auto",       "break",     "case",           "char",
    "const",      "continue",  "default",        "do",
    "double",     "else",      "enum",           "extern",
    "float",      "for",       "goto",           "if",
    "inline",     "int",       "long",           "register",
    "restrict",   "return",    "short",          "signed",
    "sizeof",     "static",    "struct",         "switch",
    "typedef",    "union",     "unsigned",       "void",
    "volatile",   "while",     "_Alignas",       "_Alignof",
    "_Atomic",    "_Bool",     "_Complex",       "_Generic",
    "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
};

static bool in_list(const char *const *list, size_t count, const char *name, size_t length)
{
    for (size_t i = 0; i < count; i++) {
        if (strlen(list[i]) == length && memcmp(list[i], name, length) == 0)
            return true;
    }
    return false;
}

bool cella_edl_is_keyword(const char *name, size_t length)
{
    return in_list(edl_keywords, sizeof(edl_keywords) / sizeof(edl_keywords[0]), name, length);
}

bool cella_edl_is_c_keyword(const char *name, size_t length)
{
    return in_list(c_keywords, sizeof(c_keywords) / sizeof(c_keywords[0]), name, length);
}

/* ------------------------------------------------------------------------------------------
 * Parser state
 */

#define LOOKAHEAD 3

struct parser {
    cella_edl_pp_t *pp;
    cella_edl_diags_t *diags;
    cella_edl_arena_t *arena;
    cella_edl_token_t ahead[LOOKAHEAD];
    size_t ahead_count;
    cella_edl_pos_t last_pos; /* end of the last token consumed, for "missing ;" */
    jmp_buf fail;
    cella_result_t failure;
    cella_edl_file_t *file;
    size_t include_capacity, import_capacity, composite_capacity, ecall_capacity, ocall_capacity;
};

/* Stops parsing: a syntax error (already reported) or running out of memory. */
static _Noreturn void stop(struct parser *p, cella_result_t failure)
{
    p->failure = failure;
    longjmp(p->fail, 1);
}

static _Noreturn void out_of_memory(struct parser *p)
{
    cella_edl_diags_add_out_of_memory(p->diags);
    stop(p, CELLA_ERR_OUT_OF_MEMORY);
}

static const cella_edl_token_t *peek_at(struct parser *p, size_t n)
{
    while (p->ahead_count <= n) {
        cella_edl_pp_next(p->pp, &p->ahead[p->ahead_count]);
        p->ahead_count++;
    }
    return &p->ahead[n];
}

static const cella_edl_token_t *peek(struct parser *p)
{
    return peek_at(p, 0);
}

static cella_edl_token_t next(struct parser *p)
{
    cella_edl_token_t token = *peek(p);
    memmove(&p->ahead[0], &p->ahead[1], sizeof(p->ahead[0]) * (LOOKAHEAD - 1));
    p->ahead_count--;
    if (token.kind != CELLA_EDL_TOKEN_EOF) {
        p->last_pos = token.pos;
        size_t end = token.pos.column + token.length;
        p->last_pos.column = end > UINT32_MAX ? UINT32_MAX : (uint32_t)end;
    }
    return token;
}

static bool is(struct parser *p, const char *text)
{
    const cella_edl_token_t *t = peek(p);
    return (t->kind == CELLA_EDL_TOKEN_PUNCT || t->kind == CELLA_EDL_TOKEN_IDENT) &&
           cella_edl_token_is(t, text);
}

static bool is_at(struct parser *p, size_t n, const char *text)
{
    const cella_edl_token_t *t = peek_at(p, n);
    return (t->kind == CELLA_EDL_TOKEN_PUNCT || t->kind == CELLA_EDL_TOKEN_IDENT) &&
           cella_edl_token_is(t, text);
}

static bool accept(struct parser *p, const char *text)
{
    if (!is(p, text))
        return false;
    next(p);
    return true;
}

/* A short description of a token for "expected X, found Y". */
static void describe(const cella_edl_token_t *t, char *buffer, size_t size)
{
    int shown = t->length > 40 ? 40 : (int)t->length;
    const char *more = t->length > 40 ? "..." : "";
    switch (t->kind) {
    case CELLA_EDL_TOKEN_EOF:
        snprintf(buffer, size, "end of file");
        break;
    case CELLA_EDL_TOKEN_STRING:
    case CELLA_EDL_TOKEN_BAD_STRING:
        snprintf(buffer, size, "string %.*s%s", shown, t->text, more);
        break;
    case CELLA_EDL_TOKEN_IDENT:
    case CELLA_EDL_TOKEN_NUMBER:
    case CELLA_EDL_TOKEN_PUNCT:
    case CELLA_EDL_TOKEN_OTHER:
        snprintf(buffer, size, "'%.*s%s'", shown, t->text, more);
        break;
    }
}

/* Reports "expected <what>, found <token>" at the token and stops. */
static _Noreturn void syntax_error(struct parser *p, const char *what, const char *hint)
{
    char found[64];
    const cella_edl_token_t *t = peek(p);
    /* The preprocessor stopped (and said why): the early end of file is not news. */
    if (cella_edl_pp_stopped(p->pp))
        stop(p, CELLA_ERR_INVALID_FORMAT);
    describe(t, found, sizeof(found));
    cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_SYNTAX, CELLA_EDL_SEVERITY_ERROR, t->pos, hint,
                        "expected %s, found %s", what, found);
    stop(p, CELLA_ERR_INVALID_FORMAT);
}

static cella_edl_token_t expect(struct parser *p, const char *text, const char *what,
                                const char *hint)
{
    if (!is(p, text))
        syntax_error(p, what, hint);
    return next(p);
}

/* "expected ';'" is reported right after the previous token, where the ';' belongs. */
static void expect_semicolon(struct parser *p, const char *after)
{
    if (is(p, ";")) {
        next(p);
        return;
    }
    if (cella_edl_pp_stopped(p->pp))
        stop(p, CELLA_ERR_INVALID_FORMAT);
    char found[64];
    describe(peek(p), found, sizeof(found));
    char what[96];
    snprintf(what, sizeof(what), "';' after %s", after);
    cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_SYNTAX, CELLA_EDL_SEVERITY_ERROR, p->last_pos,
                        "add ';'", "expected %s, found %s", what, found);
    stop(p, CELLA_ERR_INVALID_FORMAT);
}

static char *copy_text(struct parser *p, const char *text, size_t length)
{
    char *copy = cella_edl_arena_strndup(p->arena, text, length);
    if (copy == NULL)
        out_of_memory(p);
    return copy;
}

static void *grow(struct parser *p, void *items, size_t elem_size, size_t count, size_t *capacity)
{
    if (cella_edl_arena_reserve(p->arena, &items, elem_size, count, capacity) != 0)
        out_of_memory(p);
    return items;
}

#define PUSH(p, array, count, capacity) \
    ((array) = grow((p), (array), sizeof(*(array)), (count), &(capacity)), &(array)[(count)++])

/* Words that only ever start or continue a type. */
static const char *const type_words[] = {
    "char",     "short",   "unsigned", "int",     "float",   "double",   "long",
    "int8_t",   "int16_t", "int32_t",  "int64_t", "uint8_t", "uint16_t", "uint32_t",
    "uint64_t", "size_t",  "wchar_t",  "void",    "bool",
};

/*
 * A name: an identifier that is neither an EDL keyword (Intel's lexer turns those into
 * keyword tokens, so they can never be names) nor a C keyword (the generated C would not
 * compile).
 */
static const char *parse_name(struct parser *p, const char *what, cella_edl_pos_t *pos)
{
    const cella_edl_token_t *t = peek(p);
    if (t->kind != CELLA_EDL_TOKEN_IDENT)
        syntax_error(p, what, NULL);
    for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++) {
        if (cella_edl_token_is(t, type_words[i]))
            syntax_error(p, what,
                         "check the type: EDL has char, short, int, long, long long, float, "
                         "double, long double (optionally unsigned), the fixed-width integers, "
                         "size_t, wchar_t, bool and void");
    }
    if (cella_edl_is_keyword(t->text, t->length) || cella_edl_is_c_keyword(t->text, t->length)) {
        cella_edl_diags_add(
            p->diags, CELLA_EDL_DIAG_KEYWORD_AS_NAME, CELLA_EDL_SEVERITY_ERROR, t->pos,
            "choose another name", "'%.*s' is %s keyword and cannot be used as %s", (int)t->length,
            t->text, cella_edl_is_keyword(t->text, t->length) ? "an EDL" : "a C", what);
        stop(p, CELLA_ERR_INVALID_FORMAT);
    }
    cella_edl_token_t token = next(p);
    if (pos != NULL)
        *pos = token.pos;
    return copy_text(p, token.text, token.length);
}

/* The text between the quotes of a string token. */
static const char *parse_string(struct parser *p, const char *what, cella_edl_pos_t *pos)
{
    const cella_edl_token_t *t = peek(p);
    if (t->kind != CELLA_EDL_TOKEN_STRING)
        syntax_error(p, what, NULL);
    cella_edl_token_t token = next(p);
    *pos = token.pos;
    size_t length = token.length >= 2 && token.text[token.length - 1] == '"' ? token.length - 2
                                                                             : token.length - 1;
    if (length == 0)
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_EMPTY_PATH, CELLA_EDL_SEVERITY_ERROR,
                            token.pos, "write the file's name between the quotes", "%s is empty",
                            what);
    return copy_text(p, token.text + 1, length);
}

/* A decimal literal, as Intel's lexer reads digit+; other C spellings get a hint. */
static uint64_t parse_number(struct parser *p, cella_edl_pos_t *pos)
{
    cella_edl_token_t token = next(p);
    *pos = token.pos;
    if (!cella_edl_token_is_decimal(&token)) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_BAD_NUMBER, CELLA_EDL_SEVERITY_ERROR,
                            token.pos,
                            "EDL numbers are decimal digits only (no 0x, no suffixes); "
                            "write the value in decimal",
                            "'%.*s' is not a decimal number", (int)token.length, token.text);
        return 1;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < token.length; i++) {
        if (__builtin_mul_overflow(value, (uint64_t)10, &value) ||
            __builtin_add_overflow(value, (uint64_t)(token.text[i] - '0'), &value) ||
            value > CELLA_EDL_NUMBER_MAX) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_NUMBER_TOO_LARGE, CELLA_EDL_SEVERITY_ERROR,
                                token.pos, "use a value below 2^63", "number '%.*s' is too large",
                                (int)token.length, token.text);
            return 1;
        }
    }
    return value;
}

/* ------------------------------------------------------------------------------------------
 * Types
 */

enum type_context { TYPE_PARAM, TYPE_RETURN, TYPE_MEMBER };

static const char *context_name(enum type_context context)
{
    switch (context) {
    case TYPE_PARAM:
        return "a parameter";
    case TYPE_RETURN:
        return "a return type";
    case TYPE_MEMBER:
        return "a member";
    }
    return "";
}

struct builtin {
    const char *spelling;
    cella_edl_type_kind_t kind;
};

static const struct builtin single_word_types[] = {
    {"char", CELLA_EDL_TYPE_CHAR},       {"int", CELLA_EDL_TYPE_INT},
    {"float", CELLA_EDL_TYPE_FLOAT},     {"double", CELLA_EDL_TYPE_DOUBLE},
    {"int8_t", CELLA_EDL_TYPE_INT8},     {"int16_t", CELLA_EDL_TYPE_INT16},
    {"int32_t", CELLA_EDL_TYPE_INT32},   {"int64_t", CELLA_EDL_TYPE_INT64},
    {"uint8_t", CELLA_EDL_TYPE_UINT8},   {"uint16_t", CELLA_EDL_TYPE_UINT16},
    {"uint32_t", CELLA_EDL_TYPE_UINT32}, {"uint64_t", CELLA_EDL_TYPE_UINT64},
    {"size_t", CELLA_EDL_TYPE_SIZE_T},   {"wchar_t", CELLA_EDL_TYPE_WCHAR_T},
    {"void", CELLA_EDL_TYPE_VOID},       {"bool", CELLA_EDL_TYPE_BOOL},
};

static void reject_long_long_int(struct parser *p)
{
    if (is(p, "int")) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_LONG_LONG_INT, CELLA_EDL_SEVERITY_ERROR,
                            peek(p)->pos, "write 'long long' (Intel's EDL has no 'long long int')",
                            "'long long int' is not an EDL type");
        next(p);
    }
}

/* The base type: Intel's type_spec. */
static void parse_base_type(struct parser *p, cella_edl_type_t *type)
{
    const cella_edl_token_t *t = peek(p);
    type->pos = t->pos;
    if (t->kind != CELLA_EDL_TOKEN_IDENT)
        syntax_error(p, "a type", NULL);
    if (accept(p, "unsigned")) {
        if (accept(p, "char")) {
            type->kind = CELLA_EDL_TYPE_UNSIGNED_CHAR;
        } else if (accept(p, "short")) {
            accept(p, "int");
            type->kind = CELLA_EDL_TYPE_UNSIGNED_SHORT;
        } else if (accept(p, "long")) {
            if (accept(p, "long")) {
                reject_long_long_int(p);
                type->kind = CELLA_EDL_TYPE_UNSIGNED_LONG_LONG;
            } else {
                accept(p, "int");
                type->kind = CELLA_EDL_TYPE_UNSIGNED_LONG;
            }
        } else {
            accept(p, "int");
            type->kind = CELLA_EDL_TYPE_UNSIGNED_INT;
        }
        return;
    }
    if (accept(p, "short")) {
        accept(p, "int");
        type->kind = CELLA_EDL_TYPE_SHORT;
        return;
    }
    if (accept(p, "long")) {
        if (accept(p, "long")) {
            reject_long_long_int(p);
            type->kind = CELLA_EDL_TYPE_LONG_LONG;
        } else if (accept(p, "double")) {
            type->kind = CELLA_EDL_TYPE_LONG_DOUBLE;
        } else {
            accept(p, "int");
            type->kind = CELLA_EDL_TYPE_LONG;
        }
        return;
    }
    for (size_t i = 0; i < sizeof(single_word_types) / sizeof(single_word_types[0]); i++) {
        if (accept(p, single_word_types[i].spelling)) {
            type->kind = single_word_types[i].kind;
            return;
        }
    }
    if (is(p, "struct") || is(p, "union") || is(p, "enum")) {
        cella_edl_token_t keyword = next(p);
        type->kind = cella_edl_token_is(&keyword, "struct")  ? CELLA_EDL_TYPE_STRUCT
                     : cella_edl_token_is(&keyword, "union") ? CELLA_EDL_TYPE_UNION
                                                             : CELLA_EDL_TYPE_ENUM;
        type->name = parse_name(p, "a type name", NULL);
        return;
    }
    if (cella_edl_token_is(t, "signed")) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_SIGNED_KEYWORD, CELLA_EDL_SEVERITY_ERROR,
                            t->pos,
                            "drop 'signed' ('int', 'char', 'long' are signed already) or use "
                            "int8_t ... int64_t",
                            "'signed' is not an EDL type keyword");
        stop(p, CELLA_ERR_INVALID_FORMAT);
    }
    if (cella_edl_is_keyword(t->text, t->length))
        syntax_error(p, "a type", NULL);
    if (cella_edl_is_c_keyword(t->text, t->length)) {
        cella_edl_diags_add(
            p->diags, CELLA_EDL_DIAG_KEYWORD_AS_NAME, CELLA_EDL_SEVERITY_ERROR, t->pos,
            "remove it; EDL types take no storage class and no qualifier "
            "other than const",
            "'%.*s' is a C keyword that EDL does not accept", (int)t->length, t->text);
        stop(p, CELLA_ERR_INVALID_FORMAT);
    }
    cella_edl_token_t name = next(p);
    type->kind = CELLA_EDL_TYPE_FOREIGN;
    type->name = copy_text(p, name.text, name.length);
}

/* [const] base '*'... ; Intel accepts const only on pointer parameters. */
static void parse_type(struct parser *p, cella_edl_type_t *type, enum type_context context)
{
    memset(type, 0, sizeof(*type));
    cella_edl_pos_t const_pos = peek(p)->pos;
    bool written_const = accept(p, "const");
    parse_base_type(p, type);
    if (written_const)
        type->pos = const_pos;
    if (is(p, "const")) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_CONST_NOT_ALLOWED, CELLA_EDL_SEVERITY_ERROR,
                            peek(p)->pos, "write 'const' first, as in 'const char *p'",
                            "'const' after the type is not supported in EDL");
        next(p);
    }
    while (accept(p, "*")) {
        if (type->pointer_depth == CELLA_EDL_POINTER_MAX_DEPTH) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR, type->pos,
                                "use at most 16 levels of '*'", "too many levels of pointers");
            stop(p, CELLA_ERR_INVALID_FORMAT);
        }
        type->pointer_depth++;
        if (is(p, "const")) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_CONST_NOT_ALLOWED,
                                CELLA_EDL_SEVERITY_ERROR, peek(p)->pos,
                                "remove it; the bridge passes a copy of the pointer anyway",
                                "'const' after '*' is not supported in EDL");
            next(p);
        }
    }
    if (!written_const)
        return;
    if (context != TYPE_PARAM) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_CONST_NOT_ALLOWED, CELLA_EDL_SEVERITY_ERROR,
                            const_pos, "remove 'const'; EDL accepts it only on pointer parameters",
                            "'const' is not supported on %s", context_name(context));
    } else if (type->pointer_depth == 0) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_CONST_NOT_ALLOWED, CELLA_EDL_SEVERITY_ERROR,
                            const_pos,
                            "remove 'const'; a parameter passed by value is copied anyway",
                            "'const' is only allowed before a pointer type");
    } else {
        type->is_const = true;
    }
}

/* ------------------------------------------------------------------------------------------
 * Attributes
 */

static const char *const attribute_names[] = {
    "in", "out", "user_check", "string", "wstring", "isptr", "isary", "readonly", "size", "count",
};

/* Edit distance, for "did you mean". Names are short; anything long is not a typo. */
static size_t edit_distance(const char *a, size_t a_length, const char *b)
{
    size_t b_length = strlen(b);
    if (a_length > 32 || b_length > 32)
        return SIZE_MAX;
    size_t row[33];
    for (size_t j = 0; j <= b_length; j++)
        row[j] = j;
    for (size_t i = 1; i <= a_length; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b_length; j++) {
            size_t above = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diagonal + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[b_length];
}

static void report_unknown_attribute(struct parser *p, const cella_edl_token_t *name)
{
    char hint[160];
    const char *best = NULL;
    size_t best_distance = 3;
    for (size_t i = 0; i < sizeof(attribute_names) / sizeof(attribute_names[0]); i++) {
        size_t d = edit_distance(name->text, name->length, attribute_names[i]);
        if (d < best_distance) {
            best_distance = d;
            best = attribute_names[i];
        }
    }
    if (cella_edl_token_is(name, "inout") || cella_edl_token_is(name, "in_out"))
        snprintf(hint, sizeof(hint), "write 'in, out'");
    else if (cella_edl_token_is(name, "const"))
        snprintf(hint, sizeof(hint), "write 'const' before the type, or use 'readonly' with isptr");
    else if (best != NULL)
        snprintf(hint, sizeof(hint), "did you mean '%s'?", best);
    else
        snprintf(hint, sizeof(hint),
                 "parameters take in, out, user_check, string, wstring, "
                 "size=, count=, isptr, isary and readonly");
    cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_UNKNOWN_ATTRIBUTE, CELLA_EDL_SEVERITY_ERROR,
                        name->pos, hint, "unknown attribute '%.*s'", (int)name->length, name->text);
}

static void set_flag(struct parser *p, const cella_edl_token_t *name, bool *flag,
                     cella_edl_pos_t *pos)
{
    if (*flag)
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_REPEATED_ATTRIBUTE, CELLA_EDL_SEVERITY_WARNING,
                            name->pos, "remove the repetition", "attribute '%.*s' is given twice",
                            (int)name->length, name->text);
    *flag = true;
    *pos = name->pos;
}

static void set_direction(struct parser *p, cella_edl_attrs_t *attrs, const cella_edl_token_t *name,
                          bool is_in)
{
    cella_edl_pos_t *pos = is_in ? &attrs->in_pos : &attrs->out_pos;
    if (pos->line != 0) {
        /* Intel: "duplicated attribute" for in after in (or after in, out). */
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_DUPLICATE_ATTRIBUTE, CELLA_EDL_SEVERITY_ERROR,
                            name->pos, "write it once; [in, out] is both directions",
                            "duplicated attribute '%s'", is_in ? "in" : "out");
        return;
    }
    *pos = name->pos;
    cella_edl_direction_t added = is_in ? CELLA_EDL_DIRECTION_IN : CELLA_EDL_DIRECTION_OUT;
    attrs->direction =
        attrs->direction == CELLA_EDL_DIRECTION_NONE ? added : CELLA_EDL_DIRECTION_IN_OUT;
}

/* [attr, attr=value, ...] before a parameter or a struct member. */
static void parse_attributes(struct parser *p, cella_edl_attrs_t *attrs)
{
    cella_edl_token_t open = next(p); /* '[' */
    attrs->present = true;
    attrs->pos = open.pos;
    attrs->size.ref_index = SIZE_MAX;
    attrs->count.ref_index = SIZE_MAX;
    if (is(p, "]")) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_EMPTY_ATTRIBUTES, CELLA_EDL_SEVERITY_ERROR,
                            open.pos, "remove the brackets, or name attributes such as [in]",
                            "no attribute specified in '[]'");
        next(p);
        return;
    }
    for (;;) {
        if (peek(p)->kind != CELLA_EDL_TOKEN_IDENT)
            syntax_error(p, "an attribute name", "write attributes such as [in, size=len]");
        cella_edl_token_t name = next(p);
        cella_edl_value_t value;
        memset(&value, 0, sizeof(value));
        value.ref_index = SIZE_MAX;
        value.pos = name.pos;
        if (accept(p, "=")) {
            const cella_edl_token_t *v = peek(p);
            if (v->kind == CELLA_EDL_TOKEN_IDENT) {
                value.kind = CELLA_EDL_VALUE_NAME;
                value.name = parse_name(p, "an attribute value", NULL);
            } else if (v->kind == CELLA_EDL_TOKEN_NUMBER) {
                value.kind = CELLA_EDL_VALUE_NUMBER;
                cella_edl_pos_t number_pos;
                value.number = parse_number(p, &number_pos);
            } else {
                syntax_error(p, "a parameter name or a decimal number after '='",
                             "size= and count= take a parameter name or a number, not an "
                             "expression");
            }
        }
        bool takes_value = cella_edl_token_is(&name, "size") || cella_edl_token_is(&name, "count");
        bool known = in_list(attribute_names, sizeof(attribute_names) / sizeof(attribute_names[0]),
                             name.text, name.length);
        if (cella_edl_token_is(&name, "sizefunc")) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_SIZEFUNC, CELLA_EDL_SEVERITY_ERROR,
                                name.pos, "use size= with a length parameter instead",
                                "the attribute 'sizefunc' is deprecated and no longer supported");
        } else if (!known) {
            report_unknown_attribute(p, &name);
        } else if (takes_value && value.kind == CELLA_EDL_VALUE_NONE) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_ATTRIBUTE_VALUE_MISSING,
                                CELLA_EDL_SEVERITY_ERROR, name.pos,
                                "write size=len (a parameter) or size=16 (bytes)",
                                "attribute '%.*s' needs a value", (int)name.length, name.text);
        } else if (!takes_value && value.kind != CELLA_EDL_VALUE_NONE) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_ATTRIBUTE_VALUE_UNEXPECTED,
                                CELLA_EDL_SEVERITY_ERROR, name.pos, "remove '=' and the value",
                                "attribute '%.*s' takes no value", (int)name.length, name.text);
        } else if (takes_value) {
            cella_edl_value_t *slot =
                cella_edl_token_is(&name, "size") ? &attrs->size : &attrs->count;
            if (slot->kind != CELLA_EDL_VALUE_NONE) {
                cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_DUPLICATE_ATTRIBUTE,
                                    CELLA_EDL_SEVERITY_ERROR, name.pos,
                                    "give it once; size= and count= may be combined",
                                    "duplicated attribute '%.*s'", (int)name.length, name.text);
            } else {
                *slot = value;
            }
        } else if (cella_edl_token_is(&name, "in")) {
            set_direction(p, attrs, &name, true);
        } else if (cella_edl_token_is(&name, "out")) {
            set_direction(p, attrs, &name, false);
        } else if (cella_edl_token_is(&name, "user_check")) {
            set_flag(p, &name, &attrs->user_check, &attrs->user_check_pos);
        } else if (cella_edl_token_is(&name, "string")) {
            set_flag(p, &name, &attrs->string, &attrs->string_pos);
        } else if (cella_edl_token_is(&name, "wstring")) {
            set_flag(p, &name, &attrs->wstring, &attrs->wstring_pos);
        } else if (cella_edl_token_is(&name, "isptr")) {
            set_flag(p, &name, &attrs->isptr, &attrs->isptr_pos);
        } else if (cella_edl_token_is(&name, "isary")) {
            set_flag(p, &name, &attrs->isary, &attrs->isary_pos);
        } else {
            set_flag(p, &name, &attrs->readonly, &attrs->readonly_pos);
        }
        if (accept(p, ","))
            continue;
        expect(p, "]", "',' or ']' in the attribute list", NULL);
        return;
    }
}

/* ------------------------------------------------------------------------------------------
 * Declarations
 */

/* { '[' NUMBER ']' } after a name; Open Enclave also allows a constant's name. */
static void parse_dimensions(struct parser *p, cella_edl_decl_t *decl)
{
    size_t capacity = 0;
    while (is(p, "[")) {
        cella_edl_token_t open = next(p);
        if (decl->dim_count == CELLA_EDL_DIM_MAX_COUNT) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR, open.pos,
                                "use at most 8 dimensions", "too many array dimensions");
            stop(p, CELLA_ERR_INVALID_FORMAT);
        }
        cella_edl_value_t *dim = PUSH(p, decl->dims, decl->dim_count, capacity);
        memset(dim, 0, sizeof(*dim));
        dim->ref_index = SIZE_MAX;
        dim->pos = open.pos;
        const cella_edl_token_t *t = peek(p);
        if (is(p, "]")) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_FLEXIBLE_ARRAY, CELLA_EDL_SEVERITY_ERROR,
                                open.pos, "give the dimension, or use a pointer with [count=n]",
                                "flexible array '%s[]' is not supported", decl->name);
            dim->kind = CELLA_EDL_VALUE_NUMBER;
            dim->number = 1;
        } else if (t->kind == CELLA_EDL_TOKEN_NUMBER) {
            dim->kind = CELLA_EDL_VALUE_NUMBER;
            dim->number = parse_number(p, &dim->pos);
            if (dim->number == 0) {
                cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_ZERO_ARRAY, CELLA_EDL_SEVERITY_ERROR,
                                    dim->pos,
                                    "give a dimension of 1 or more, or use a pointer with "
                                    "[count=n]",
                                    "zero-length array '%s' is not supported", decl->name);
                dim->number = 1;
            }
        } else if (t->kind == CELLA_EDL_TOKEN_IDENT) {
            dim->kind = CELLA_EDL_VALUE_NAME;
            dim->name = parse_name(p, "an array dimension", &dim->pos);
        } else {
            syntax_error(p, "an array dimension", NULL);
        }
        expect(p, "]", "']'", NULL);
    }
}

static void parse_param(struct parser *p, cella_edl_decl_t *param)
{
    memset(param, 0, sizeof(*param));
    param->attrs.size.ref_index = SIZE_MAX;
    param->attrs.count.ref_index = SIZE_MAX;
    if (is(p, "["))
        parse_attributes(p, &param->attrs);
    parse_type(p, &param->type, TYPE_PARAM);
    if (is(p, "("))
        syntax_error(p, "a parameter name",
                     "EDL has no function pointers; pass a [user_check] void* or an integer "
                     "handle instead");
    param->name = parse_name(p, "a parameter name", &param->pos);
    parse_dimensions(p, param);
}

/* A member of a struct (attributes allowed) or union (none). */
static void parse_member(struct parser *p, cella_edl_decl_t *member, bool is_union)
{
    memset(member, 0, sizeof(*member));
    member->attrs.size.ref_index = SIZE_MAX;
    member->attrs.count.ref_index = SIZE_MAX;
    if (is(p, "[")) {
        cella_edl_pos_t pos = peek(p)->pos;
        parse_attributes(p, &member->attrs);
        if (is_union) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_UNION_MEMBER_ATTRIBUTES,
                                CELLA_EDL_SEVERITY_ERROR, pos,
                                "remove the attributes; union members are copied as raw bytes",
                                "union members take no attributes");
            memset(&member->attrs, 0, sizeof(member->attrs));
            member->attrs.size.ref_index = SIZE_MAX;
            member->attrs.count.ref_index = SIZE_MAX;
        }
    }
    parse_type(p, &member->type, TYPE_MEMBER);
    member->name = parse_name(p, "a member name", &member->pos);
    parse_dimensions(p, member);
}

/* struct NAME { members } ;  and  union NAME { members } ; */
static void parse_struct_or_union(struct parser *p, bool is_union)
{
    cella_edl_token_t keyword = next(p);
    cella_edl_composite_t *c =
        PUSH(p, p->file->composites, p->file->composite_count, p->composite_capacity);
    memset(c, 0, sizeof(*c));
    c->file = p->file;
    c->kind = is_union ? CELLA_EDL_COMPOSITE_UNION : CELLA_EDL_COMPOSITE_STRUCT;
    c->pos = keyword.pos;
    c->name = parse_name(p, is_union ? "a union name" : "a struct name", &c->pos);
    if (is(p, ";"))
        syntax_error(p, "'{'",
                     "EDL has no forward declarations: define the type here, or declare it in "
                     "an included header and use its name as a foreign type");
    expect(p, "{", "'{'", NULL);
    size_t capacity = 0;
    while (!is(p, "}")) {
        if (c->member_count == CELLA_EDL_MEMBER_MAX_COUNT) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR, c->pos,
                                "split the type", "too many members");
            stop(p, CELLA_ERR_INVALID_FORMAT);
        }
        cella_edl_decl_t *member = PUSH(p, c->members, c->member_count, capacity);
        parse_member(p, member, is_union);
        /* Open Enclave lets the last member go without ';'. */
        if (!is(p, "}"))
            expect_semicolon(p, "a member");
    }
    if (c->member_count == 0)
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_EMPTY_STRUCT, CELLA_EDL_SEVERITY_ERROR, c->pos,
                            "declare at least one member", "%s '%s' has no members",
                            is_union ? "union" : "struct", c->name);
    next(p);
    expect_semicolon(p, is_union ? "the union" : "the struct");
}

/* enum [NAME] { A [= value], ... } ; */
static void parse_enum(struct parser *p)
{
    cella_edl_token_t keyword = next(p);
    cella_edl_composite_t *c =
        PUSH(p, p->file->composites, p->file->composite_count, p->composite_capacity);
    memset(c, 0, sizeof(*c));
    c->file = p->file;
    c->kind = CELLA_EDL_COMPOSITE_ENUM;
    c->pos = keyword.pos;
    if (peek(p)->kind == CELLA_EDL_TOKEN_IDENT)
        c->name = parse_name(p, "an enum name", &c->pos);
    expect(p, "{", "'{'", NULL);
    size_t capacity = 0;
    while (!is(p, "}")) {
        if (c->enumerator_count == CELLA_EDL_MEMBER_MAX_COUNT) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR, c->pos,
                                "split the enum", "too many enumerators");
            stop(p, CELLA_ERR_INVALID_FORMAT);
        }
        cella_edl_enumerator_t *e = PUSH(p, c->enumerators, c->enumerator_count, capacity);
        memset(e, 0, sizeof(*e));
        e->value.ref_index = SIZE_MAX;
        e->name = parse_name(p, "an enumerator", &e->pos);
        if (accept(p, "=")) {
            const cella_edl_token_t *v = peek(p);
            if (v->kind == CELLA_EDL_TOKEN_NUMBER) {
                e->value.kind = CELLA_EDL_VALUE_NUMBER;
                e->value.number = parse_number(p, &e->value.pos);
            } else if (v->kind == CELLA_EDL_TOKEN_IDENT) {
                e->value.kind = CELLA_EDL_VALUE_NAME;
                e->value.name = parse_name(p, "an enumerator value", &e->value.pos);
            } else {
                syntax_error(p, "a decimal number or a name after '='",
                             "EDL enumerator values are numbers or names, not expressions");
            }
        }
        if (!accept(p, ",") && !is(p, "}"))
            syntax_error(p, "',' or '}' in the enum", NULL);
    }
    next(p);
    expect_semicolon(p, "the enum");
}

/* ------------------------------------------------------------------------------------------
 * Functions
 */

static void parse_allow(struct parser *p, cella_edl_function_t *fn)
{
    next(p); /* allow */
    expect(p, "(", "'(' after allow", NULL);
    size_t capacity = 0;
    while (!is(p, ")")) {
        cella_edl_name_t *name = PUSH(p, fn->allow, fn->allow_count, capacity);
        memset(name, 0, sizeof(*name));
        name->name = parse_name(p, "an ECALL name", &name->pos);
        if (!accept(p, ",") && !is(p, ")"))
            syntax_error(p, "',' or ')' in allow(...)", NULL);
    }
    next(p);
}

/* [cdecl, dllimport] before an OCALL. */
static void parse_function_attributes(struct parser *p, cella_edl_function_t *fn, bool is_ecall)
{
    cella_edl_token_t open = next(p);
    if (is_ecall)
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_FUNCTION_ATTRIBUTE, CELLA_EDL_SEVERITY_ERROR,
                            open.pos, "remove them; ECALLs take no calling convention",
                            "[cdecl], [stdcall], [fastcall] and [dllimport] are only for OCALLs");
    if (is(p, "]")) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_EMPTY_ATTRIBUTES, CELLA_EDL_SEVERITY_ERROR,
                            open.pos, "remove the brackets, or write [cdecl]",
                            "no attribute specified in '[]'");
        next(p);
        return;
    }
    for (;;) {
        if (peek(p)->kind != CELLA_EDL_TOKEN_IDENT)
            syntax_error(p, "a function attribute", NULL);
        cella_edl_token_t name = next(p);
        if (accept(p, "=")) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_ATTRIBUTE_VALUE_UNEXPECTED,
                                CELLA_EDL_SEVERITY_ERROR, name.pos, "remove '=' and the value",
                                "attribute '%.*s' takes no value", (int)name.length, name.text);
            if (peek(p)->kind == CELLA_EDL_TOKEN_IDENT || peek(p)->kind == CELLA_EDL_TOKEN_NUMBER)
                next(p);
        }
        cella_edl_call_conv_t conv = CELLA_EDL_CALL_CONV_NONE;
        if (cella_edl_token_is(&name, "cdecl"))
            conv = CELLA_EDL_CALL_CONV_CDECL;
        else if (cella_edl_token_is(&name, "stdcall"))
            conv = CELLA_EDL_CALL_CONV_STDCALL;
        else if (cella_edl_token_is(&name, "fastcall"))
            conv = CELLA_EDL_CALL_CONV_FASTCALL;
        if (conv != CELLA_EDL_CALL_CONV_NONE) {
            if (fn->call_conv != CELLA_EDL_CALL_CONV_NONE)
                cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_CALLING_CONVENTION,
                                    CELLA_EDL_SEVERITY_ERROR, name.pos,
                                    "keep one calling convention",
                                    "calling convention '%.*s' conflicts with an earlier one",
                                    (int)name.length, name.text);
            else
                fn->call_conv = conv;
        } else if (cella_edl_token_is(&name, "dllimport")) {
            if (fn->dllimport)
                cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_DUPLICATE_ATTRIBUTE,
                                    CELLA_EDL_SEVERITY_ERROR, name.pos, "write it once",
                                    "duplicated attribute 'dllimport'");
            fn->dllimport = true;
        } else if (!is_ecall) {
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_FUNCTION_ATTRIBUTE,
                                CELLA_EDL_SEVERITY_ERROR, name.pos,
                                "OCALLs take cdecl, stdcall, fastcall and dllimport",
                                "unknown function attribute '%.*s'", (int)name.length, name.text);
        }
        if (accept(p, ","))
            continue;
        expect(p, "]", "',' or ']' in the attribute list", NULL);
        return;
    }
}

/* return-type name ( params ) */
static void parse_function_head(struct parser *p, cella_edl_function_t *fn)
{
    parse_type(p, &fn->return_type, TYPE_RETURN);
    if (is(p, "[")) {
        /* Intel's grammar reads "int [4] f()" in order to reject it clearly. */
        cella_edl_pos_t pos = peek(p)->pos;
        cella_edl_decl_t dims;
        memset(&dims, 0, sizeof(dims));
        dims.name = "";
        parse_dimensions(p, &dims);
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_RETURN_ARRAY, CELLA_EDL_SEVERITY_ERROR, pos,
                            "return a pointer instead", "returning an array is not supported");
    }
    fn->name = parse_name(p, "a function name", &fn->pos);
    expect(p, "(", "'(' after the function name", NULL);
    if (is(p, "void") && is_at(p, 1, ")")) {
        next(p);
        next(p);
        return;
    }
    size_t capacity = 0;
    if (!is(p, ")")) {
        for (;;) {
            if (fn->param_count == CELLA_EDL_PARAM_MAX_COUNT) {
                cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR,
                                    fn->pos, "pass a struct instead", "more than 1024 parameters");
                stop(p, CELLA_ERR_INVALID_FORMAT);
            }
            cella_edl_decl_t *param = PUSH(p, fn->params, fn->param_count, capacity);
            parse_param(p, param);
            if (!accept(p, ","))
                break;
        }
    }
    expect(p, ")", "',' or ')' in the parameter list", NULL);
}

static void parse_ecall(struct parser *p)
{
    cella_edl_function_t *fn = PUSH(p, p->file->ecalls, p->file->ecall_count, p->ecall_capacity);
    memset(fn, 0, sizeof(*fn));
    fn->is_ecall = true;
    fn->index = SIZE_MAX;
    fn->file = p->file;
    const cella_edl_token_t *first = peek(p);
    if (cella_edl_token_is(first, "private") && peek_at(p, 1)->kind == CELLA_EDL_TOKEN_IDENT) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_PRIVATE_KEYWORD, CELLA_EDL_SEVERITY_ERROR,
                            first->pos,
                            "remove 'private': ECALLs are private unless marked 'public'",
                            "'private' is not an EDL keyword");
        next(p);
    }
    fn->is_public = accept(p, "public");
    if (is(p, "["))
        parse_function_attributes(p, fn, true);
    parse_function_head(p, fn);
    for (;;) {
        if (is(p, "transition_using_threads") && !fn->is_switchless) {
            next(p);
            fn->is_switchless = true;
        } else if (is(p, "allow") || is(p, "propagate_errno")) {
            cella_edl_pos_t pos = peek(p)->pos;
            bool is_allow = is(p, "allow");
            cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_OCALL_ONLY, CELLA_EDL_SEVERITY_ERROR, pos,
                                is_allow ? "list this ECALL in the allow(...) of an OCALL instead"
                                         : "remove it; errno is carried back by OCALLs only",
                                "%s is only valid on an OCALL (untrusted function)",
                                is_allow ? "allow(...)" : "propagate_errno");
            if (is_allow) {
                parse_allow(p, fn);
                fn->allow = NULL;
                fn->allow_count = 0;
            } else {
                next(p);
            }
        } else {
            break;
        }
    }
    expect_semicolon(p, "the ECALL declaration");
}

static void parse_ocall(struct parser *p)
{
    cella_edl_function_t *fn = PUSH(p, p->file->ocalls, p->file->ocall_count, p->ocall_capacity);
    memset(fn, 0, sizeof(*fn));
    fn->index = SIZE_MAX;
    fn->file = p->file;
    if (is(p, "public")) {
        cella_edl_diags_add(p->diags, CELLA_EDL_DIAG_ECALL_ONLY, CELLA_EDL_SEVERITY_ERROR,
                            peek(p)->pos, "remove 'public'; it marks ECALLs callable at root level",
                            "'public' is only valid on an ECALL (trusted function)");
        next(p);
    }
    if (is(p, "["))
        parse_function_attributes(p, fn, false);
    parse_function_head(p, fn);
    bool have_allow = false;
    for (;;) {
        if (is(p, "allow") && !have_allow) {
            parse_allow(p, fn);
            have_allow = true;
        } else if (is(p, "propagate_errno") && !fn->propagate_errno) {
            next(p);
            fn->propagate_errno = true;
        } else if (is(p, "transition_using_threads") && !fn->is_switchless) {
            next(p);
            fn->is_switchless = true;
        } else {
            break;
        }
    }
    expect_semicolon(p, "the OCALL declaration");
}

static void add_include(struct parser *p, cella_edl_include_scope_t scope)
{
    next(p); /* include */
    cella_edl_include_t *inc =
        PUSH(p, p->file->includes, p->file->include_count, p->include_capacity);
    memset(inc, 0, sizeof(*inc));
    inc->scope = scope;
    if (is(p, "<"))
        syntax_error(p, "the include file name",
                     "EDL includes are always quoted, as in include \"stdio.h\"");
    inc->path = parse_string(p, "the include file name", &inc->pos);
    if (is(p, ";"))
        syntax_error(p, "the next declaration", "include \"file.h\" takes no ';'");
}

/* trusted { ... } ;  or  untrusted { ... } ; */
static void parse_block(struct parser *p, bool trusted)
{
    next(p);
    expect(p, "{", "'{'", NULL);
    while (!is(p, "}")) {
        if (peek(p)->kind == CELLA_EDL_TOKEN_EOF)
            syntax_error(p, "'}'", "close the block with '};'");
        if (is(p, "include"))
            add_include(p, trusted ? CELLA_EDL_INCLUDE_TRUSTED : CELLA_EDL_INCLUDE_UNTRUSTED);
        else if (trusted)
            parse_ecall(p);
        else
            parse_ocall(p);
    }
    next(p);
    expect_semicolon(p, trusted ? "the trusted block" : "the untrusted block");
}

/* from "x.edl" import * ;   from "x.edl" import a, b ;   import "x.edl" [;] */
static void parse_import(struct parser *p, bool from_form)
{
    next(p);
    cella_edl_import_t *imp = PUSH(p, p->file->imports, p->file->import_count, p->import_capacity);
    memset(imp, 0, sizeof(*imp));
    imp->path = parse_string(p, "the imported file name", &imp->pos);
    if (!from_form) {
        imp->all = true;
        accept(p, ";");
        return;
    }
    expect(p, "import", "'import'", "write from \"file.edl\" import *; or import a, b;");
    if (accept(p, "*")) {
        imp->all = true;
    } else {
        size_t capacity = 0;
        for (;;) {
            cella_edl_name_t *name = PUSH(p, imp->names, imp->name_count, capacity);
            memset(name, 0, sizeof(*name));
            name->name = parse_name(p, "a function name or '*'", &name->pos);
            if (!accept(p, ","))
                break;
        }
    }
    expect_semicolon(p, "the import");
}

static void parse_file(struct parser *p)
{
    if (!is(p, "enclave"))
        syntax_error(p, "'enclave'", "an EDL file starts with enclave {");
    next(p);
    expect(p, "{", "'{' after enclave", NULL);
    for (;;) {
        if (is(p, "}"))
            break;
        if (is(p, "include"))
            add_include(p, CELLA_EDL_INCLUDE_BOTH);
        else if (is(p, "from"))
            parse_import(p, true);
        else if (is(p, "import"))
            parse_import(p, false);
        else if (is(p, "struct"))
            parse_struct_or_union(p, false);
        else if (is(p, "union"))
            parse_struct_or_union(p, true);
        else if (is(p, "enum"))
            parse_enum(p);
        else if (is(p, "trusted"))
            parse_block(p, true);
        else if (is(p, "untrusted"))
            parse_block(p, false);
        else
            syntax_error(p, "include, import, struct, union, enum, trusted, untrusted or '}'",
                         "declare functions inside trusted { ... }; or untrusted { ... };");
    }
    next(p);
    /* Intel requires the ';'; Open Enclave does not. */
    accept(p, ";");
    if (peek(p)->kind != CELLA_EDL_TOKEN_EOF)
        syntax_error(p, "end of file", "an EDL file holds exactly one enclave { ... };");
}

/* The jump target of stop(): kept apart so no local of the caller lives across longjmp. */
static cella_result_t run(struct parser *p)
{
    if (setjmp(p->fail) != 0)
        return p->failure;
    parse_file(p);
    return CELLA_OK;
}

cella_result_t cella_edl_parse(const cella_edl_parse_config_t *config, cella_edl_file_t **out)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    struct parser *p = cella_edl_malloc(sizeof(*p));
    if (p == NULL) {
        cella_edl_diags_add_out_of_memory(config->diags);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    memset(p, 0, sizeof(*p));
    p->diags = config->diags;
    p->arena = config->arena;
    cella_edl_pp_config_t pp_config = {
        .file = config->path,
        .text = config->text,
        .size = config->size,
        .defines = config->defines,
        .define_count = config->define_count,
        .diags = config->diags,
        .include = config->include,
        .include_context = config->include_context,
    };
    r = cella_edl_pp_create(&pp_config, &p->pp);
    if (r != CELLA_OK) {
        cella_edl_diags_add_out_of_memory(config->diags);
        goto out;
    }
    p->file = cella_edl_arena_alloc(p->arena, sizeof(*p->file));
    if (p->file == NULL) {
        cella_edl_diags_add_out_of_memory(config->diags);
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    p->file->path = config->path;
    r = run(p);
    if (r != CELLA_OK)
        goto out;
    if (cella_edl_pp_stopped(p->pp)) {
        /* Out of memory or a limit inside the preprocessor: already reported. */
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    *out = p->file;
    r = CELLA_OK;
out:
    cella_edl_pp_destroy(p->pp);
    cella_edl_free(p);
    return r;
}
