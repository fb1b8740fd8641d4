/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/preprocess.c: directives, conditionals and macro expansion over EDL tokens. */
#include "preprocess.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "memory.h"

/* ------------------------------------------------------------------------------------------
 * Data
 */

/* A hide set: the macros whose expansion produced a token, which must not expand it again
 * (C11 6.10.3.4p2). Shared, immutable lists. */
struct cella_edl_hide {
    const struct macro *macro;
    const struct cella_edl_hide *next;
};

struct macro {
    const char *name;
    size_t name_length;
    bool function_like;
    bool variadic; /* the last parameter is __VA_ARGS__ */
    cella_edl_token_t *params;
    size_t param_count;
    cella_edl_token_t *body;
    size_t body_count;
    struct macro *next; /* hash chain */
};

struct tokbuf {
    cella_edl_token_t *items;
    size_t count;
    size_t capacity;
};

struct source {
    cella_edl_lexer_t lexer;
    size_t conditional_base;     /* conditionals open when this file started */
    cella_edl_token_t lookahead; /* read past the end of a directive line */
    bool has_lookahead;
};

struct conditional {
    cella_edl_pos_t pos;
    bool active; /* tokens of the current group are kept */
    bool taken;  /* some group of this #if was (or could no longer be) chosen */
    bool seen_else;
    bool parent_active; /* the enclosing group is kept */
};

/* Buffers of included files and command-line defines: macros point into them. */
struct owned_text {
    char *text;
    struct owned_text *next;
};

#define MACRO_BUCKETS 256

struct cella_edl_pp {
    cella_edl_diags_t *diags;
    cella_edl_arena_t *arena;
    struct macro *buckets[MACRO_BUCKETS];
    size_t macro_count;
    struct source sources[CELLA_EDL_PP_INCLUDE_MAX_DEPTH + 1];
    size_t source_count;
    struct conditional conditionals[CELLA_EDL_PP_CONDITIONAL_MAX_DEPTH];
    size_t conditional_count;
    struct tokbuf pending; /* expansion results still to deliver, last one first */
    size_t expansion_tokens;
    bool stopped;
    struct owned_text *owned;
    cella_edl_pp_include_fn include;
    void *include_context;
};

/* ------------------------------------------------------------------------------------------
 * Small helpers
 */

static void stop_out_of_memory(cella_edl_pp_t *pp)
{
    pp->stopped = true;
    cella_edl_diags_add_out_of_memory(pp->diags);
}

static void stop_at_limit(cella_edl_pp_t *pp, cella_edl_pos_t pos, const char *what)
{
    if (!pp->stopped)
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR, pos,
                            "simplify the macros and conditionals", "%s", what);
    pp->stopped = true;
}

static int tokbuf_push(cella_edl_pp_t *pp, struct tokbuf *buffer, const cella_edl_token_t *token)
{
    if (buffer->count == buffer->capacity) {
        size_t capacity = buffer->capacity < 16 ? 16 : buffer->capacity * 2;
        if (capacity > SIZE_MAX / sizeof(cella_edl_token_t)) {
            stop_out_of_memory(pp);
            return -1;
        }
        cella_edl_token_t *items =
            cella_edl_realloc(buffer->items, capacity * sizeof(cella_edl_token_t));
        if (items == NULL) {
            stop_out_of_memory(pp);
            return -1;
        }
        buffer->items = items;
        buffer->capacity = capacity;
    }
    buffer->items[buffer->count++] = *token;
    return 0;
}

static void tokbuf_clear(struct tokbuf *buffer)
{
    cella_edl_free(buffer->items);
    buffer->items = NULL;
    buffer->count = 0;
    buffer->capacity = 0;
}

static bool token_text_equal(const cella_edl_token_t *a, const cella_edl_token_t *b)
{
    return a->length == b->length && memcmp(a->text, b->text, a->length) == 0;
}

static bool is_active(const cella_edl_pp_t *pp)
{
    return pp->conditional_count == 0 || pp->conditionals[pp->conditional_count - 1].active;
}

static cella_edl_token_t make_eof(cella_edl_pos_t pos)
{
    cella_edl_token_t token;
    memset(&token, 0, sizeof(token));
    token.kind = CELLA_EDL_TOKEN_EOF;
    token.text = "";
    token.pos = pos;
    return token;
}

/* The spelling of a token list, tokens separated by one space where the source had space. */
static char *spell(cella_edl_pp_t *pp, const cella_edl_token_t *tokens, size_t count)
{
    size_t length = 0;
    for (size_t i = 0; i < count; i++)
        length += tokens[i].length + 1;
    char *text = cella_edl_arena_alloc(pp->arena, length + 1);
    if (text == NULL) {
        stop_out_of_memory(pp);
        return NULL;
    }
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && tokens[i].space_before)
            text[at++] = ' ';
        memcpy(text + at, tokens[i].text, tokens[i].length);
        at += tokens[i].length;
    }
    text[at] = '\0';
    return text;
}

/* ------------------------------------------------------------------------------------------
 * Macro table
 */

static size_t hash_name(const char *name, size_t length)
{
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < length; i++) {
        hash ^= (unsigned char)name[i];
        hash *= 16777619u;
    }
    return hash % MACRO_BUCKETS;
}

static struct macro *find_macro(const cella_edl_pp_t *pp, const char *name, size_t length)
{
    for (struct macro *m = pp->buckets[hash_name(name, length)]; m != NULL; m = m->next) {
        if (m->name_length == length && memcmp(m->name, name, length) == 0)
            return m;
    }
    return NULL;
}

static void remove_macro(cella_edl_pp_t *pp, const char *name, size_t length)
{
    struct macro **link = &pp->buckets[hash_name(name, length)];
    while (*link != NULL) {
        if ((*link)->name_length == length && memcmp((*link)->name, name, length) == 0) {
            *link = (*link)->next;
            pp->macro_count--;
            return;
        }
        link = &(*link)->next;
    }
}

static bool same_definition(const struct macro *a, const struct macro *b)
{
    if (a->function_like != b->function_like || a->variadic != b->variadic ||
        a->param_count != b->param_count || a->body_count != b->body_count)
        return false;
    for (size_t i = 0; i < a->param_count; i++) {
        if (!token_text_equal(&a->params[i], &b->params[i]))
            return false;
    }
    for (size_t i = 0; i < a->body_count; i++) {
        if (!token_text_equal(&a->body[i], &b->body[i]) ||
            (i > 0 && a->body[i].space_before != b->body[i].space_before))
            return false;
    }
    return true;
}

static int param_index(const struct macro *m, const cella_edl_token_t *token)
{
    if (!m->function_like || token->kind != CELLA_EDL_TOKEN_IDENT)
        return -1;
    for (size_t i = 0; i < m->param_count; i++) {
        if (token_text_equal(&m->params[i], token))
            return (int)i;
    }
    return -1;
}

/*
 * Defines a macro from the tokens after "#define" (or from a command-line definition).
 * Reports malformed definitions; returns -1 only when out of memory.
 */
static int define_macro(cella_edl_pp_t *pp, cella_edl_pos_t directive_pos,
                        const cella_edl_token_t *line, size_t count)
{
    if (count == 0 || line[0].kind != CELLA_EDL_TOKEN_IDENT) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                            count == 0 ? directive_pos : line[0].pos,
                            "write #define NAME or #define NAME value",
                            "#define needs a macro name");
        return 0;
    }
    if (cella_edl_token_is(&line[0], "defined")) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                            line[0].pos, "choose another macro name",
                            "'defined' cannot be used as a macro name");
        return 0;
    }
    struct macro *m = cella_edl_arena_alloc(pp->arena, sizeof(*m));
    if (m == NULL) {
        stop_out_of_memory(pp);
        return -1;
    }
    m->name = line[0].text;
    m->name_length = line[0].length;
    size_t at = 1;
    if (count > 1 && cella_edl_token_is(&line[1], "(") && !line[1].space_before) {
        m->function_like = true;
        at = 2;
        cella_edl_token_t *params = cella_edl_arena_alloc(
            pp->arena, sizeof(cella_edl_token_t) * (CELLA_EDL_PP_MACRO_MAX_PARAMS + 1));
        if (params == NULL) {
            stop_out_of_memory(pp);
            return -1;
        }
        m->params = params;
        bool closed = false;
        bool expect_name = true;
        while (at < count) {
            const cella_edl_token_t *t = &line[at];
            if (cella_edl_token_is(t, ")") && (!expect_name || m->param_count == 0)) {
                closed = true;
                at++;
                break;
            }
            if (expect_name && !m->variadic && t->kind == CELLA_EDL_TOKEN_IDENT) {
                for (size_t i = 0; i < m->param_count; i++) {
                    if (token_text_equal(&params[i], t)) {
                        cella_edl_diags_add(
                            pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR, t->pos,
                            "give each parameter its own name", "duplicate macro parameter '%.*s'",
                            (int)t->length, t->text);
                        return 0;
                    }
                }
                if (m->param_count == CELLA_EDL_PP_MACRO_MAX_PARAMS) {
                    stop_at_limit(pp, t->pos, "a macro has more than 64 parameters");
                    return 0;
                }
                params[m->param_count++] = *t;
                expect_name = false;
                at++;
                continue;
            }
            if (expect_name && !m->variadic && at + 2 < count && cella_edl_token_is(t, ".") &&
                cella_edl_token_is(&line[at + 1], ".") && cella_edl_token_is(&line[at + 2], ".")) {
                if (m->param_count == CELLA_EDL_PP_MACRO_MAX_PARAMS) {
                    stop_at_limit(pp, t->pos, "a macro has more than 64 parameters");
                    return 0;
                }
                cella_edl_token_t va = *t;
                va.kind = CELLA_EDL_TOKEN_IDENT;
                va.text = "__VA_ARGS__";
                va.length = strlen(va.text);
                params[m->param_count++] = va;
                m->variadic = true;
                expect_name = false;
                at += 3;
                continue;
            }
            if (!expect_name && !m->variadic && cella_edl_token_is(t, ",")) {
                expect_name = true;
                at++;
                continue;
            }
            break;
        }
        if (!closed) {
            cella_edl_diags_add(
                pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                at < count ? line[at].pos : line[1].pos, "write #define NAME(a, b) body",
                "malformed parameter list of macro '%.*s'", (int)line[0].length, line[0].text);
            return 0;
        }
    }
    m->body_count = count - at;
    if (m->body_count > 0) {
        m->body = cella_edl_arena_alloc(pp->arena, sizeof(cella_edl_token_t) * m->body_count);
        if (m->body == NULL) {
            stop_out_of_memory(pp);
            return -1;
        }
        memcpy(m->body, line + at, sizeof(cella_edl_token_t) * m->body_count);
    }
    for (size_t i = 0; i < m->body_count; i++) {
        const cella_edl_token_t *t = &m->body[i];
        if (cella_edl_token_is(t, "##") && (i == 0 || i + 1 == m->body_count)) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                                t->pos, "put '##' between the two tokens to join",
                                "'##' cannot appear at either end of a macro body");
            return 0;
        }
        if (m->function_like && cella_edl_token_is(t, "#") &&
            (i + 1 == m->body_count || param_index(m, &m->body[i + 1]) < 0)) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                                t->pos, "write #param to turn a parameter into a string",
                                "'#' is not followed by a macro parameter");
            return 0;
        }
    }
    struct macro *old = find_macro(pp, m->name, m->name_length);
    if (old != NULL) {
        if (!same_definition(old, m))
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_REDEFINED, CELLA_EDL_SEVERITY_WARNING,
                                line[0].pos, "#undef it first if the change is intended",
                                "macro '%.*s' redefined with a different body", (int)line[0].length,
                                line[0].text);
        remove_macro(pp, m->name, m->name_length);
    }
    if (pp->macro_count >= CELLA_EDL_PP_MACRO_MAX_COUNT) {
        stop_at_limit(pp, line[0].pos, "more than 10000 macros are defined");
        return 0;
    }
    size_t bucket = hash_name(m->name, m->name_length);
    m->next = pp->buckets[bucket];
    pp->buckets[bucket] = m;
    pp->macro_count++;
    return 0;
}

/* Keeps a buffer alive until the preprocessor is destroyed. */
static int own_text(cella_edl_pp_t *pp, char *text)
{
    struct owned_text *node = cella_edl_arena_alloc(pp->arena, sizeof(*node));
    if (node == NULL) {
        cella_edl_free(text);
        stop_out_of_memory(pp);
        return -1;
    }
    node->text = text;
    node->next = pp->owned;
    pp->owned = node;
    return 0;
}

/* Defines NAME or NAME=VALUE given outside any file (predefined and -D macros). */
static int define_from_text(cella_edl_pp_t *pp, const char *definition)
{
    static const char origin[] = "<command line>";
    size_t length = strlen(definition);
    const char *equals = memchr(definition, '=', length);
    size_t name_length = equals != NULL ? (size_t)(equals - definition) : length;
    /* "NAME VALUE" as a #define line would read it. */
    char *text = cella_edl_malloc(length + 3);
    if (text == NULL) {
        stop_out_of_memory(pp);
        return -1;
    }
    memcpy(text, definition, name_length);
    text[name_length] = ' ';
    if (equals != NULL) {
        memcpy(text + name_length + 1, equals + 1, length - name_length - 1);
        text[length] = '\0';
    } else {
        text[name_length + 1] = '1';
        text[name_length + 2] = '\0';
    }
    if (own_text(pp, text) != 0)
        return -1;

    cella_edl_lexer_t lexer;
    cella_edl_lexer_init(&lexer, origin, text, strlen(text), pp->diags);
    struct tokbuf line = {NULL, 0, 0};
    cella_edl_pos_t pos = {origin, 0, 0};
    int result = 0;
    for (;;) {
        cella_edl_token_t token;
        cella_edl_lexer_next(&lexer, &token);
        if (token.kind == CELLA_EDL_TOKEN_EOF)
            break;
        token.pos = pos;
        token.at_line_start = false;
        if (tokbuf_push(pp, &line, &token) != 0) {
            result = -1;
            break;
        }
    }
    if (result == 0) {
        /* A name that is not an identifier: the whole definition is rejected. */
        if (line.count == 0 || line.items[0].kind != CELLA_EDL_TOKEN_IDENT ||
            line.items[0].length != name_length)
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR, pos,
                                "write -DNAME or -DNAME=VALUE",
                                "macro name '%.*s' given on the command line is not an identifier",
                                (int)name_length, definition);
        else
            result = define_macro(pp, pos, line.items, line.count);
    }
    tokbuf_clear(&line);
    return result;
}

/* ------------------------------------------------------------------------------------------
 * Reading tokens: include stack, directives, skipped groups
 */

static void handle_directive(cella_edl_pp_t *pp, const cella_edl_token_t *hash);

/* The next token of the current file stack, with directives processed; tokens of skipped
 * groups are dropped. Tokens come straight from files here: no macro expansion. */
static void read_active(cella_edl_pp_t *pp, cella_edl_token_t *token)
{
    for (;;) {
        if (pp->stopped) {
            *token = make_eof(pp->sources[0].lexer.file != NULL
                                  ? (cella_edl_pos_t){pp->sources[0].lexer.file, 0, 0}
                                  : (cella_edl_pos_t){NULL, 0, 0});
            return;
        }
        struct source *top = &pp->sources[pp->source_count - 1];
        if (top->has_lookahead) {
            *token = top->lookahead;
            top->has_lookahead = false;
        } else {
            cella_edl_lexer_next(&top->lexer, token);
        }
        if (token->kind == CELLA_EDL_TOKEN_EOF) {
            struct source *source = &pp->sources[pp->source_count - 1];
            while (pp->conditional_count > source->conditional_base) {
                const struct conditional *open = &pp->conditionals[--pp->conditional_count];
                cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_CONDITIONAL,
                                    CELLA_EDL_SEVERITY_ERROR, open->pos,
                                    "add the matching #endif in the same file", "unterminated #if");
            }
            if (pp->source_count > 1) {
                pp->source_count--;
                continue;
            }
            return;
        }
        if (token->kind == CELLA_EDL_TOKEN_PUNCT && token->at_line_start &&
            cella_edl_token_is(token, "#")) {
            handle_directive(pp, token);
            continue;
        }
        if (!is_active(pp))
            continue;
        if (token->kind == CELLA_EDL_TOKEN_OTHER) {
            unsigned char byte = (unsigned char)token->text[0];
            if (byte >= 0x21 && byte < 0x7f)
                cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_BAD_CHARACTER,
                                    CELLA_EDL_SEVERITY_ERROR, token->pos,
                                    "remove it; EDL uses only identifiers, decimal numbers, "
                                    "\"strings\" and { } ( ) [ ] * , ; =",
                                    "unexpected character '%c'", (char)byte);
            else
                cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_BAD_CHARACTER,
                                    CELLA_EDL_SEVERITY_ERROR, token->pos,
                                    "EDL files are ASCII text; remove the byte",
                                    "unexpected byte 0x%02X", (unsigned)byte);
            continue;
        }
        if (token->kind == CELLA_EDL_TOKEN_BAD_STRING) {
            cella_edl_diags_add(
                pp->diags, CELLA_EDL_DIAG_UNTERMINATED_STRING, CELLA_EDL_SEVERITY_ERROR, token->pos,
                "close the string with '\"' on the same line", "missing closing quote");
            token->kind = CELLA_EDL_TOKEN_STRING;
        }
        return;
    }
}

/* The rest of a directive line, without the newline. */
static int read_line(cella_edl_pp_t *pp, struct tokbuf *line)
{
    struct source *source = &pp->sources[pp->source_count - 1];
    for (;;) {
        cella_edl_token_t token;
        cella_edl_lexer_next(&source->lexer, &token);
        if (token.kind == CELLA_EDL_TOKEN_EOF || token.at_line_start) {
            source->lookahead = token;
            source->has_lookahead = true;
            return 0;
        }
        if (tokbuf_push(pp, line, &token) != 0)
            return -1;
    }
}

static void warn_extra_tokens(cella_edl_pp_t *pp, const struct tokbuf *line, size_t used,
                              const char *directive)
{
    if (line->count > used)
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_EXTRA_TOKENS, CELLA_EDL_SEVERITY_WARNING,
                            line->items[used].pos, "put comments in /* */ or after //",
                            "extra tokens at end of #%s directive", directive);
}

/* ------------------------------------------------------------------------------------------
 * Macro expansion
 */

struct expander {
    cella_edl_pp_t *pp;
    struct tokbuf *stack; /* tokens to read before the input, last one first */
    bool list_mode;       /* read `list`, not the files */
    const cella_edl_token_t *list;
    size_t list_count;
    size_t list_at;
    unsigned depth;
};

static bool expander_raw(struct expander *ex, cella_edl_token_t *token)
{
    if (ex->stack->count > 0) {
        *token = ex->stack->items[--ex->stack->count];
        return true;
    }
    if (ex->list_mode) {
        if (ex->list_at < ex->list_count) {
            *token = ex->list[ex->list_at++];
            return true;
        }
        *token = make_eof((cella_edl_pos_t){NULL, 0, 0});
        return false;
    }
    read_active(ex->pp, token);
    return token->kind != CELLA_EDL_TOKEN_EOF;
}

static const struct cella_edl_hide *hide_add(cella_edl_pp_t *pp, const struct cella_edl_hide *set,
                                             const struct macro *m)
{
    struct cella_edl_hide *node = cella_edl_arena_alloc(pp->arena, sizeof(*node));
    if (node == NULL) {
        stop_out_of_memory(pp);
        return NULL;
    }
    node->macro = m;
    node->next = set;
    return node;
}

static bool hide_contains(const struct cella_edl_hide *set, const struct macro *m)
{
    for (; set != NULL; set = set->next) {
        if (set->macro == m)
            return true;
    }
    return false;
}

static void expander_next(struct expander *ex, cella_edl_token_t *token);

/* Fully expands a token list on its own (a macro argument, an #if line). */
static int expand_list(cella_edl_pp_t *pp, const cella_edl_token_t *tokens, size_t count,
                       unsigned depth, struct tokbuf *out)
{
    if (depth > CELLA_EDL_PP_EXPANSION_MAX_DEPTH) {
        stop_at_limit(pp, count > 0 ? tokens[0].pos : (cella_edl_pos_t){NULL, 0, 0},
                      "macros nest more than 64 levels deep");
        return -1;
    }
    struct tokbuf stack = {NULL, 0, 0};
    struct expander ex = {pp, &stack, true, tokens, count, 0, depth};
    int result = 0;
    for (;;) {
        cella_edl_token_t token;
        expander_next(&ex, &token);
        if (pp->stopped) {
            result = -1;
            break;
        }
        if (token.kind == CELLA_EDL_TOKEN_EOF)
            break;
        if (tokbuf_push(pp, out, &token) != 0) {
            result = -1;
            break;
        }
    }
    tokbuf_clear(&stack);
    return result;
}

/* Joins two tokens with ##; the result must lex as exactly one token. */
static int paste(cella_edl_pp_t *pp, cella_edl_token_t *left, const cella_edl_token_t *right)
{
    size_t length = left->length + right->length;
    char *text = cella_edl_arena_alloc(pp->arena, length + 1);
    if (text == NULL) {
        stop_out_of_memory(pp);
        return -1;
    }
    memcpy(text, left->text, left->length);
    memcpy(text + left->length, right->text, right->length);
    cella_edl_lexer_t lexer;
    cella_edl_lexer_init(&lexer, left->pos.file, text, length, NULL);
    cella_edl_token_t joined;
    cella_edl_lexer_next(&lexer, &joined);
    cella_edl_token_t after;
    cella_edl_lexer_next(&lexer, &after);
    if (joined.kind == CELLA_EDL_TOKEN_EOF || joined.length != length ||
        after.kind != CELLA_EDL_TOKEN_EOF || joined.kind == CELLA_EDL_TOKEN_OTHER ||
        joined.kind == CELLA_EDL_TOKEN_BAD_STRING) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_PASTE, CELLA_EDL_SEVERITY_ERROR, left->pos,
                            "join only parts of one identifier or number",
                            "pasting '%.*s' and '%.*s' does not give a valid token",
                            (int)left->length, left->text, (int)right->length, right->text);
        return 0;
    }
    left->kind = joined.kind;
    left->text = text;
    left->length = length;
    return 0;
}

/* #param: the argument's spelling as a string. */
static int stringize(cella_edl_pp_t *pp, const struct tokbuf *arg, cella_edl_pos_t pos,
                     cella_edl_token_t *out)
{
    for (size_t i = 0; i < arg->count; i++) {
        if (arg->items[i].kind == CELLA_EDL_TOKEN_STRING) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR, pos,
                                "EDL strings have no escapes; pass the text without quotes",
                                "cannot turn an argument containing a string into a string");
            break;
        }
    }
    char *body = spell(pp, arg->items, arg->count);
    if (body == NULL)
        return -1;
    size_t length = strlen(body);
    char *text = cella_edl_arena_alloc(pp->arena, length + 3);
    if (text == NULL) {
        stop_out_of_memory(pp);
        return -1;
    }
    text[0] = '"';
    memcpy(text + 1, body, length);
    text[length + 1] = '"';
    memset(out, 0, sizeof(*out));
    out->kind = CELLA_EDL_TOKEN_STRING;
    out->text = text;
    out->length = length + 2;
    out->pos = pos;
    return 0;
}

/* Collects the arguments of a function-like macro invocation after its '('. */
static int collect_arguments(struct expander *ex, const struct macro *m,
                             const cella_edl_token_t *name, struct tokbuf *args, size_t *count)
{
    cella_edl_pp_t *pp = ex->pp;
    size_t depth = 0;
    size_t at = 0;
    *count = 1;
    for (;;) {
        cella_edl_token_t token;
        if (!expander_raw(ex, &token)) {
            if (!pp->stopped)
                cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_ARGUMENTS,
                                    CELLA_EDL_SEVERITY_ERROR, name->pos,
                                    "close the argument list with ')'",
                                    "unterminated argument list invoking macro '%.*s'",
                                    (int)name->length, name->text);
            return -1;
        }
        if (cella_edl_token_is(&token, "(")) {
            depth++;
        } else if (cella_edl_token_is(&token, ")")) {
            if (depth == 0)
                return 0;
            depth--;
        } else if (cella_edl_token_is(&token, ",") && depth == 0 &&
                   !(m->variadic && at + 1 >= m->param_count)) {
            if (at + 1 >= CELLA_EDL_PP_MACRO_MAX_PARAMS + 1) {
                cella_edl_diags_add(
                    pp->diags, CELLA_EDL_DIAG_PP_ARGUMENTS, CELLA_EDL_SEVERITY_ERROR, name->pos,
                    "pass as many arguments as the macro has parameters",
                    "too many arguments to macro '%.*s'", (int)name->length, name->text);
                return -1;
            }
            at++;
            *count = at + 1;
            continue;
        }
        if (tokbuf_push(pp, &args[at], &token) != 0)
            return -1;
    }
}

/* Expands one invocation of a function-like macro into `out`. */
static int substitute(struct expander *ex, const struct macro *m, const cella_edl_token_t *name,
                      struct tokbuf *args, size_t arg_count, struct tokbuf *out)
{
    cella_edl_pp_t *pp = ex->pp;
    size_t wanted = m->param_count;
    /* F() passes one empty argument, which is right for one parameter and for none. */
    if (wanted == 0 && arg_count == 1 && args[0].count == 0)
        arg_count = 0;
    if (m->variadic && arg_count + 1 == wanted)
        arg_count = wanted; /* an empty variable part */
    if (arg_count != wanted) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_ARGUMENTS, CELLA_EDL_SEVERITY_ERROR,
                            name->pos, "pass as many arguments as the macro has parameters",
                            "macro '%.*s' takes %zu argument%s, but %zu %s given",
                            (int)name->length, name->text, wanted, wanted == 1 ? "" : "s",
                            arg_count, arg_count == 1 ? "was" : "were");
        return 0;
    }
    /* Arguments are expanded once, when first used. On the heap: this nests per level. */
    struct expanded_arg {
        struct tokbuf tokens;
        bool done;
    } *expanded = NULL;
    if (wanted > 0) {
        expanded = cella_edl_malloc(wanted * sizeof(*expanded));
        if (expanded == NULL) {
            stop_out_of_memory(pp);
            return -1;
        }
        memset(expanded, 0, wanted * sizeof(*expanded));
    }
    int result = 0;
    bool left_empty = false; /* the operand left of a ## was an empty argument */
    for (size_t i = 0; i < m->body_count && result == 0; i++) {
        const cella_edl_token_t *b = &m->body[i];
        int p = param_index(m, b);
        bool was_left_empty = left_empty;
        left_empty = false;
        if (cella_edl_token_is(b, "#") && i + 1 < m->body_count &&
            param_index(m, &m->body[i + 1]) >= 0) {
            cella_edl_token_t text;
            result = stringize(pp, &args[param_index(m, &m->body[i + 1])], name->pos, &text);
            if (result == 0)
                result = tokbuf_push(pp, out, &text);
            i++;
        } else if (cella_edl_token_is(b, "##")) {
            const cella_edl_token_t *right = &m->body[i + 1];
            int q = param_index(m, right);
            const cella_edl_token_t *items = q >= 0 ? args[q].items : right;
            size_t count = q >= 0 ? args[q].count : 1;
            i++;
            if (count == 0)
                continue;
            size_t first = 0;
            if (out->count > 0 && !was_left_empty) {
                result = paste(pp, &out->items[out->count - 1], &items[0]);
                first = 1;
            }
            for (size_t k = first; k < count && result == 0; k++)
                result = tokbuf_push(pp, out, &items[k]);
        } else if (p >= 0) {
            bool pasted = i + 1 < m->body_count && cella_edl_token_is(&m->body[i + 1], "##");
            const struct tokbuf *source = &args[p];
            left_empty = pasted && args[p].count == 0;
            if (!pasted) {
                if (!expanded[p].done) {
                    result = expand_list(pp, args[p].items, args[p].count, ex->depth + 1,
                                         &expanded[p].tokens);
                    expanded[p].done = true;
                }
                source = &expanded[p].tokens;
            }
            for (size_t k = 0; k < source->count && result == 0; k++)
                result = tokbuf_push(pp, out, &source->items[k]);
        } else {
            result = tokbuf_push(pp, out, b);
        }
    }
    for (size_t i = 0; i < wanted; i++)
        tokbuf_clear(&expanded[i].tokens);
    cella_edl_free(expanded);
    return result;
}

/* Replaces the macro invocation starting at `name`; the result is pushed to be rescanned. */
static int expand_macro(struct expander *ex, const struct macro *m, const cella_edl_token_t *name)
{
    cella_edl_pp_t *pp = ex->pp;
    struct tokbuf out = {NULL, 0, 0};
    int result = 0;
    if (m->function_like) {
        const size_t slots = CELLA_EDL_PP_MACRO_MAX_PARAMS + 1;
        struct tokbuf *args = cella_edl_malloc(slots * sizeof(*args));
        if (args == NULL) {
            stop_out_of_memory(pp);
            return -1;
        }
        memset(args, 0, slots * sizeof(*args));
        size_t arg_count = 0;
        result = collect_arguments(ex, m, name, args, &arg_count);
        if (result == 0)
            result = substitute(ex, m, name, args, arg_count, &out);
        for (size_t i = 0; i < slots; i++)
            tokbuf_clear(&args[i]);
        cella_edl_free(args);
    } else {
        for (size_t i = 0; i < m->body_count && result == 0; i++) {
            const cella_edl_token_t *b = &m->body[i];
            if (cella_edl_token_is(b, "##") && i + 1 < m->body_count && out.count > 0) {
                result = paste(pp, &out.items[out.count - 1], &m->body[i + 1]);
                i++;
            } else {
                result = tokbuf_push(pp, &out, b);
            }
        }
    }
    if (result == 0) {
        pp->expansion_tokens += out.count + 1;
        if (pp->expansion_tokens > CELLA_EDL_PP_EXPANSION_MAX_TOKENS) {
            stop_at_limit(pp, name->pos, "macro expansion produces more than 200000 tokens");
            result = -1;
        }
    }
    const struct cella_edl_hide *hide = NULL;
    if (result == 0) {
        hide = hide_add(pp, name->hide, m);
        if (hide == NULL)
            result = -1;
    }
    /* Every token of the expansion points at the macro's use, and is pushed last first. */
    for (size_t i = out.count; i > 0 && result == 0; i--) {
        cella_edl_token_t token = out.items[i - 1];
        token.pos = name->pos;
        token.at_line_start = false;
        token.space_before = i == 1 ? name->space_before : token.space_before;
        if (token.hide == NULL || token.hide == name->hide)
            token.hide = hide;
        else if ((token.hide = hide_add(pp, token.hide, m)) == NULL)
            result = -1;
        if (result == 0)
            result = tokbuf_push(pp, ex->stack, &token);
    }
    tokbuf_clear(&out);
    return result;
}

static void expander_next(struct expander *ex, cella_edl_token_t *token)
{
    for (;;) {
        if (!expander_raw(ex, token))
            return;
        if (token->kind != CELLA_EDL_TOKEN_IDENT)
            return;
        const struct macro *m = find_macro(ex->pp, token->text, token->length);
        if (m == NULL || hide_contains(token->hide, m))
            return;
        if (m->function_like) {
            cella_edl_token_t paren;
            bool more = expander_raw(ex, &paren);
            if (!more || !cella_edl_token_is(&paren, "(")) {
                /* Not an invocation: the name stands for itself. */
                if (more && tokbuf_push(ex->pp, ex->stack, &paren) != 0)
                    *token = make_eof(token->pos);
                return;
            }
        }
        cella_edl_token_t name = *token;
        if (expand_macro(ex, m, &name) != 0) {
            *token = make_eof(name.pos);
            return;
        }
    }
}

/* ------------------------------------------------------------------------------------------
 * #if expressions
 */

struct evaluator {
    cella_edl_pp_t *pp;
    const cella_edl_token_t *tokens;
    size_t count;
    size_t at;
    cella_edl_pos_t pos;
    bool failed;
    unsigned depth;
};

static void eval_error(struct evaluator *ev, cella_edl_pos_t pos, const char *message)
{
    if (!ev->failed)
        cella_edl_diags_add(ev->pp->diags, CELLA_EDL_DIAG_PP_EXPRESSION, CELLA_EDL_SEVERITY_ERROR,
                            pos, "write an integer constant expression", "%s", message);
    ev->failed = true;
}

static const cella_edl_token_t *eval_peek(const struct evaluator *ev)
{
    return ev->at < ev->count ? &ev->tokens[ev->at] : NULL;
}

static cella_edl_pos_t eval_pos(const struct evaluator *ev)
{
    const cella_edl_token_t *t = eval_peek(ev);
    return t != NULL ? t->pos : ev->pos;
}

static bool eval_accept(struct evaluator *ev, const char *punct)
{
    const cella_edl_token_t *t = eval_peek(ev);
    if (t != NULL && t->kind == CELLA_EDL_TOKEN_PUNCT && cella_edl_token_is(t, punct)) {
        ev->at++;
        return true;
    }
    return false;
}

/* A C integer constant: decimal, 0x hex, 0b binary or 0 octal, with u/l suffixes. */
static bool parse_c_integer(const cella_edl_token_t *token, uint64_t *value)
{
    const char *s = token->text;
    size_t n = token->length;
    size_t i = 0;
    unsigned base = 10;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (n >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        i = 2;
    } else if (n >= 1 && s[0] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < n; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        if (__builtin_mul_overflow(v, (uint64_t)base, &v) || __builtin_add_overflow(v, d, &v))
            return false;
        digits++;
    }
    if (digits == 0 && base != 8)
        return false;
    for (; i < n; i++) {
        char c = s[i];
        if (c != 'u' && c != 'U' && c != 'l' && c != 'L')
            return false;
    }
    *value = v;
    return true;
}

static uint64_t eval_conditional(struct evaluator *ev, bool live);

static uint64_t eval_unary(struct evaluator *ev, bool live)
{
    if (++ev->depth > CELLA_EDL_PP_EXPRESSION_MAX_DEPTH) {
        eval_error(ev, eval_pos(ev), "#if expression nests too deeply");
        return 0;
    }
    uint64_t value = 0;
    const cella_edl_token_t *t = eval_peek(ev);
    if (t == NULL) {
        eval_error(ev, ev->pos, "#if expression ends where a value is expected");
    } else if (eval_accept(ev, "!")) {
        value = eval_unary(ev, live) == 0;
    } else if (eval_accept(ev, "~")) {
        value = ~eval_unary(ev, live);
    } else if (eval_accept(ev, "-")) {
        value = 0 - eval_unary(ev, live);
    } else if (eval_accept(ev, "+")) {
        value = eval_unary(ev, live);
    } else if (eval_accept(ev, "(")) {
        value = eval_conditional(ev, live);
        if (!ev->failed && !eval_accept(ev, ")"))
            eval_error(ev, eval_pos(ev), "missing ')' in #if expression");
    } else if (t->kind == CELLA_EDL_TOKEN_NUMBER) {
        if (!parse_c_integer(t, &value))
            eval_error(ev, t->pos, "invalid integer constant in #if expression");
        ev->at++;
    } else if (t->kind == CELLA_EDL_TOKEN_IDENT) {
        value = 0; /* an identifier that is not a macro counts as 0 */
        ev->at++;
    } else {
        eval_error(ev, t->pos, "unexpected token in #if expression");
    }
    ev->depth--;
    return value;
}

static int binary_precedence(const cella_edl_token_t *t)
{
    static const struct {
        const char *op;
        int precedence;
    } table[] = {
        {"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4},  {"&", 5},  {"==", 6},
        {"!=", 6}, {"<", 7},  {">", 7}, {"<=", 7}, {">=", 7}, {"<<", 8},
        {">>", 8}, {"+", 9},  {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10},
    };
    if (t == NULL || t->kind != CELLA_EDL_TOKEN_PUNCT)
        return 0;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (cella_edl_token_is(t, table[i].op))
            return table[i].precedence;
    }
    return 0;
}

static uint64_t eval_binary(struct evaluator *ev, int min_precedence, bool live)
{
    uint64_t left = eval_unary(ev, live);
    while (!ev->failed) {
        const cella_edl_token_t *op = eval_peek(ev);
        int precedence = binary_precedence(op);
        if (precedence == 0 || precedence < min_precedence)
            break;
        ev->at++;
        if (++ev->depth > CELLA_EDL_PP_EXPRESSION_MAX_DEPTH) {
            eval_error(ev, op->pos, "#if expression nests too deeply");
            break;
        }
        bool right_live = live;
        if (cella_edl_token_is(op, "&&"))
            right_live = live && left != 0;
        else if (cella_edl_token_is(op, "||"))
            right_live = live && left == 0;
        uint64_t right = eval_binary(ev, precedence + 1, right_live);
        ev->depth--;
        int64_t sl = (int64_t)left;
        int64_t sr = (int64_t)right;
        if (cella_edl_token_is(op, "||"))
            left = left != 0 || right != 0;
        else if (cella_edl_token_is(op, "&&"))
            left = left != 0 && right != 0;
        else if (cella_edl_token_is(op, "|"))
            left = left | right;
        else if (cella_edl_token_is(op, "^"))
            left = left ^ right;
        else if (cella_edl_token_is(op, "&"))
            left = left & right;
        else if (cella_edl_token_is(op, "=="))
            left = left == right;
        else if (cella_edl_token_is(op, "!="))
            left = left != right;
        else if (cella_edl_token_is(op, "<"))
            left = sl < sr;
        else if (cella_edl_token_is(op, ">"))
            left = sl > sr;
        else if (cella_edl_token_is(op, "<="))
            left = sl <= sr;
        else if (cella_edl_token_is(op, ">="))
            left = sl >= sr;
        else if (cella_edl_token_is(op, "<<"))
            left = left << (right & 63);
        else if (cella_edl_token_is(op, ">>"))
            left = (uint64_t)(sl >> (right & 63));
        else if (cella_edl_token_is(op, "+"))
            left = left + right;
        else if (cella_edl_token_is(op, "-"))
            left = left - right;
        else if (cella_edl_token_is(op, "*"))
            left = left * right;
        else if (right == 0) {
            if (live)
                eval_error(ev, op->pos, "division by zero in #if expression");
            left = 0;
        } else if (sl == INT64_MIN && sr == -1) {
            left = cella_edl_token_is(op, "/") ? (uint64_t)INT64_MIN : 0;
        } else if (cella_edl_token_is(op, "/")) {
            left = (uint64_t)(sl / sr);
        } else {
            left = (uint64_t)(sl % sr);
        }
    }
    return left;
}

static uint64_t eval_conditional(struct evaluator *ev, bool live)
{
    if (++ev->depth > CELLA_EDL_PP_EXPRESSION_MAX_DEPTH) {
        eval_error(ev, eval_pos(ev), "#if expression nests too deeply");
        return 0;
    }
    uint64_t condition = eval_binary(ev, 1, live);
    uint64_t value = condition;
    if (!ev->failed && eval_accept(ev, "?")) {
        uint64_t when_true = eval_conditional(ev, live && condition != 0);
        if (!ev->failed && !eval_accept(ev, ":"))
            eval_error(ev, eval_pos(ev), "missing ':' in #if expression");
        uint64_t when_false = eval_conditional(ev, live && condition == 0);
        value = condition != 0 ? when_true : when_false;
    }
    ev->depth--;
    return value;
}

/* Evaluates an #if/#elif line; false (after a diagnostic) when it is malformed. */
static bool evaluate_condition(cella_edl_pp_t *pp, cella_edl_pos_t pos, const struct tokbuf *line)
{
    static const char one[] = "1";
    static const char zero[] = "0";
    struct tokbuf resolved = {NULL, 0, 0};
    struct tokbuf expanded = {NULL, 0, 0};
    bool value = false;
    bool ok = true;
    /* defined X and defined(X) are decided before any macro is expanded. */
    for (size_t i = 0; i < line->count && ok; i++) {
        cella_edl_token_t token = line->items[i];
        if (cella_edl_token_is(&token, "defined")) {
            size_t name_at = i + 1;
            bool parenthesized =
                name_at < line->count && cella_edl_token_is(&line->items[name_at], "(");
            if (parenthesized)
                name_at++;
            if (name_at >= line->count || line->items[name_at].kind != CELLA_EDL_TOKEN_IDENT ||
                (parenthesized && (name_at + 1 >= line->count ||
                                   !cella_edl_token_is(&line->items[name_at + 1], ")")))) {
                cella_edl_diags_add(
                    pp->diags, CELLA_EDL_DIAG_PP_EXPRESSION, CELLA_EDL_SEVERITY_ERROR, token.pos,
                    "write defined(NAME) or defined NAME", "'defined' needs a macro name");
                ok = false;
                break;
            }
            const cella_edl_token_t *name = &line->items[name_at];
            bool is_defined = find_macro(pp, name->text, name->length) != NULL;
            token.kind = CELLA_EDL_TOKEN_NUMBER;
            token.text = is_defined ? one : zero;
            token.length = 1;
            i = parenthesized ? name_at + 1 : name_at;
        }
        if (tokbuf_push(pp, &resolved, &token) != 0)
            ok = false;
    }
    if (ok && resolved.count == 0) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_EXPRESSION, CELLA_EDL_SEVERITY_ERROR, pos,
                            "write a condition such as #if VERSION > 2", "#if with no expression");
        ok = false;
    }
    if (ok && expand_list(pp, resolved.items, resolved.count, 0, &expanded) != 0)
        ok = false;
    if (ok) {
        /* "ends where a value is expected" points at the last token of the line. */
        cella_edl_pos_t end = line->count > 0 ? line->items[line->count - 1].pos : pos;
        struct evaluator ev = {pp, expanded.items, expanded.count, 0, end, false, 0};
        value = eval_conditional(&ev, true) != 0;
        if (!ev.failed && ev.at < ev.count)
            eval_error(&ev, ev.tokens[ev.at].pos, "unexpected token in #if expression");
        if (ev.failed)
            value = false;
    }
    tokbuf_clear(&resolved);
    tokbuf_clear(&expanded);
    return value;
}

/* ------------------------------------------------------------------------------------------
 * Directives
 */

static void push_conditional(cella_edl_pp_t *pp, cella_edl_pos_t pos, bool active_if_parent)
{
    if (pp->conditional_count == CELLA_EDL_PP_CONDITIONAL_MAX_DEPTH) {
        stop_at_limit(pp, pos, "#if nests more than 64 levels deep");
        return;
    }
    bool parent_active = is_active(pp);
    struct conditional *c = &pp->conditionals[pp->conditional_count++];
    c->pos = pos;
    c->parent_active = parent_active;
    c->active = parent_active && active_if_parent;
    c->taken = !parent_active || c->active;
    c->seen_else = false;
}

static bool own_conditional(const cella_edl_pp_t *pp)
{
    return pp->conditional_count > pp->sources[pp->source_count - 1].conditional_base;
}

static void directive_include(cella_edl_pp_t *pp, const cella_edl_token_t *hash,
                              const struct tokbuf *line)
{
    struct tokbuf expanded = {NULL, 0, 0};
    const struct tokbuf *words = line;
    if (line->count > 0 && line->items[0].kind != CELLA_EDL_TOKEN_STRING &&
        !cella_edl_token_is(&line->items[0], "<")) {
        /* #include MACRO: the macro must give a "file" name. */
        if (expand_list(pp, line->items, line->count, 0, &expanded) != 0)
            goto out;
        words = &expanded;
    }
    if (words->count > 0 && cella_edl_token_is(&words->items[0], "<")) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_INCLUDE, CELLA_EDL_SEVERITY_ERROR,
                            words->items[0].pos,
                            "to include a C header in the generated code, write the EDL "
                            "statement include \"header.h\" (without '#')",
                            "#include <...> would insert a C header into the EDL file");
        goto out;
    }
    if (words->count == 0 || words->items[0].kind != CELLA_EDL_TOKEN_STRING) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_INCLUDE, CELLA_EDL_SEVERITY_ERROR,
                            words->count > 0 ? words->items[0].pos : hash->pos,
                            "write #include \"file.edl\"", "#include expects \"FILENAME\"");
        goto out;
    }
    const cella_edl_token_t *name_token = &words->items[0];
    if (words->count > 1)
        warn_extra_tokens(pp, words, 1, "include");
    if (name_token->length <= 2) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_EMPTY_PATH, CELLA_EDL_SEVERITY_ERROR,
                            name_token->pos, "write the file's name between the quotes",
                            "#include names an empty file");
        goto out;
    }
    if (pp->include == NULL) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_INCLUDE, CELLA_EDL_SEVERITY_ERROR,
                            name_token->pos, "use the EDL statement import instead",
                            "#include is not available here");
        goto out;
    }
    if (pp->source_count > CELLA_EDL_PP_INCLUDE_MAX_DEPTH) {
        stop_at_limit(pp, name_token->pos, "#include nests more than 16 levels deep");
        goto out;
    }
    char name[CELLA_EDL_STRING_MAX_BYTES + 1];
    size_t name_length = name_token->length - 2;
    if (name_length > CELLA_EDL_STRING_MAX_BYTES)
        name_length = CELLA_EDL_STRING_MAX_BYTES;
    memcpy(name, name_token->text + 1, name_length);
    name[name_length] = '\0';
    char *text = NULL;
    size_t size = 0;
    const char *path = NULL;
    const char *includer = pp->sources[pp->source_count - 1].lexer.file;
    cella_result_t r = pp->include(pp->include_context, includer, name, &text, &size, &path);
    if (r == CELLA_ERR_OUT_OF_MEMORY) {
        stop_out_of_memory(pp);
        goto out;
    }
    if (r == CELLA_ERR_NOT_FOUND) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_INCLUDE, CELLA_EDL_SEVERITY_ERROR,
                            name_token->pos,
                            "#include looks only in the including file's folder, as gcc does",
                            "cannot find '%s' for #include", name);
        goto out;
    }
    if (r != CELLA_OK) {
        cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_FILE_READ, CELLA_EDL_SEVERITY_ERROR,
                            name_token->pos, NULL, "cannot read '%s': %s", name,
                            cella_result_str(r));
        goto out;
    }
    if (own_text(pp, text) != 0)
        goto out;
    struct source *source = &pp->sources[pp->source_count++];
    memset(source, 0, sizeof(*source));
    cella_edl_lexer_init(&source->lexer, path, text, size, pp->diags);
    source->conditional_base = pp->conditional_count;
out:
    tokbuf_clear(&expanded);
}

static void directive_message(cella_edl_pp_t *pp, const cella_edl_token_t *name,
                              const struct tokbuf *line, bool is_error)
{
    char *text = spell(pp, line->items, line->count);
    if (text == NULL)
        return;
    cella_edl_diags_add(pp->diags, is_error ? CELLA_EDL_DIAG_PP_ERROR : CELLA_EDL_DIAG_PP_WARNING,
                        is_error ? CELLA_EDL_SEVERITY_ERROR : CELLA_EDL_SEVERITY_WARNING, name->pos,
                        NULL, "#%s %s", is_error ? "error" : "warning", text);
}

static void handle_directive(cella_edl_pp_t *pp, const cella_edl_token_t *hash)
{
    struct tokbuf line = {NULL, 0, 0};
    if (read_line(pp, &line) != 0)
        goto out;
    if (line.count == 0)
        goto out; /* the null directive */
    const cella_edl_token_t *name = &line.items[0];
    struct tokbuf rest = {line.items + 1, line.count - 1, 0};
    bool active = is_active(pp);

    if (cella_edl_token_is(name, "ifdef") || cella_edl_token_is(name, "ifndef")) {
        bool negate = cella_edl_token_is(name, "ifndef");
        bool defined = false;
        if (active) {
            if (rest.count == 0 || rest.items[0].kind != CELLA_EDL_TOKEN_IDENT) {
                cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                                    rest.count > 0 ? rest.items[0].pos : name->pos,
                                    "write #ifdef NAME", "#%.*s needs a macro name",
                                    (int)name->length, name->text);
            } else {
                defined = find_macro(pp, rest.items[0].text, rest.items[0].length) != NULL;
                warn_extra_tokens(pp, &rest, 1, negate ? "ifndef" : "ifdef");
            }
        }
        push_conditional(pp, hash->pos, negate ? !defined : defined);
    } else if (cella_edl_token_is(name, "if")) {
        bool value = active && evaluate_condition(pp, name->pos, &rest);
        push_conditional(pp, hash->pos, value);
    } else if (cella_edl_token_is(name, "elif")) {
        if (!own_conditional(pp)) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_CONDITIONAL, CELLA_EDL_SEVERITY_ERROR,
                                name->pos, "start the group with #if", "#elif without #if");
            goto out;
        }
        struct conditional *c = &pp->conditionals[pp->conditional_count - 1];
        if (c->seen_else) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_CONDITIONAL, CELLA_EDL_SEVERITY_ERROR,
                                name->pos, "put every #elif before the #else", "#elif after #else");
            goto out;
        }
        if (c->taken) {
            c->active = false;
        } else {
            c->active = evaluate_condition(pp, name->pos, &rest);
            c->taken = c->active;
        }
    } else if (cella_edl_token_is(name, "else")) {
        if (!own_conditional(pp)) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_CONDITIONAL, CELLA_EDL_SEVERITY_ERROR,
                                name->pos, "start the group with #if", "#else without #if");
            goto out;
        }
        struct conditional *c = &pp->conditionals[pp->conditional_count - 1];
        if (c->seen_else) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_CONDITIONAL, CELLA_EDL_SEVERITY_ERROR,
                                name->pos, "a group has at most one #else", "#else after #else");
            goto out;
        }
        c->seen_else = true;
        c->active = c->parent_active && !c->taken;
        c->taken = true;
        if (c->parent_active)
            warn_extra_tokens(pp, &rest, 0, "else");
    } else if (cella_edl_token_is(name, "endif")) {
        if (!own_conditional(pp)) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_CONDITIONAL, CELLA_EDL_SEVERITY_ERROR,
                                name->pos, "remove it, or add the #if it closes",
                                "#endif without #if");
            goto out;
        }
        bool parent_active = pp->conditionals[pp->conditional_count - 1].parent_active;
        pp->conditional_count--;
        if (parent_active)
            warn_extra_tokens(pp, &rest, 0, "endif");
    } else if (!active) {
        /* Other directives in skipped groups are not even looked at, as in C. */
    } else if (cella_edl_token_is(name, "define")) {
        define_macro(pp, name->pos, rest.items, rest.count);
    } else if (cella_edl_token_is(name, "undef")) {
        if (rest.count == 0 || rest.items[0].kind != CELLA_EDL_TOKEN_IDENT) {
            cella_edl_diags_add(pp->diags, CELLA_EDL_DIAG_PP_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                                rest.count > 0 ? rest.items[0].pos : name->pos, "write #undef NAME",
                                "#undef needs a macro name");
        } else {
            remove_macro(pp, rest.items[0].text, rest.items[0].length);
            warn_extra_tokens(pp, &rest, 1, "undef");
        }
    } else if (cella_edl_token_is(name, "include")) {
        directive_include(pp, hash, &rest);
    } else if (cella_edl_token_is(name, "error")) {
        directive_message(pp, name, &rest, true);
    } else if (cella_edl_token_is(name, "warning")) {
        directive_message(pp, name, &rest, false);
    } else if (cella_edl_token_is(name, "pragma") || cella_edl_token_is(name, "line") ||
               cella_edl_token_is(name, "ident") || name->kind == CELLA_EDL_TOKEN_NUMBER) {
        /* gcc -E -P keeps pragmas for the compiler and drops line markers: nothing to do. */
    } else {
        cella_edl_diags_add(
            pp->diags, CELLA_EDL_DIAG_PP_UNKNOWN_DIRECTIVE, CELLA_EDL_SEVERITY_ERROR, name->pos,
            "EDL files may use #define, #undef, #if, #ifdef, #ifndef, #elif, "
            "#else, #endif, #include, #error, #warning and #pragma",
            "unknown preprocessing directive '#%.*s'", (int)name->length, name->text);
    }
out:
    tokbuf_clear(&line);
}

/* ------------------------------------------------------------------------------------------
 * Interface
 */

cella_result_t cella_edl_pp_create(const cella_edl_pp_config_t *config, cella_edl_pp_t **out)
{
    static const char *const predefined[] = {
        "__linux__", "__unix__", "__x86_64__", "__LP64__", "__STDC__", "__CELLA_EDGER8R__",
    };
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;
    cella_edl_pp_t *pp = cella_edl_malloc(sizeof(*pp));
    if (pp == NULL)
        return r;
    memset(pp, 0, sizeof(*pp));
    pp->diags = config->diags;
    pp->include = config->include;
    pp->include_context = config->include_context;
    pp->arena = cella_edl_arena_create();
    if (pp->arena == NULL)
        goto out;
    for (size_t i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++) {
        if (define_from_text(pp, predefined[i]) != 0)
            goto out;
    }
    for (size_t i = 0; i < config->define_count; i++) {
        if (define_from_text(pp, config->defines[i]) != 0)
            goto out;
    }
    cella_edl_lexer_init(&pp->sources[0].lexer, config->file, config->text, config->size,
                         config->diags);
    pp->source_count = 1;
    *out = pp;
    pp = NULL;
    r = CELLA_OK;
out:
    cella_edl_pp_destroy(pp);
    return r;
}

void cella_edl_pp_destroy(cella_edl_pp_t *pp)
{
    if (pp == NULL)
        return;
    if (pp->arena != NULL) {
        for (struct owned_text *node = pp->owned; node != NULL; node = node->next)
            cella_edl_free(node->text);
    }
    tokbuf_clear(&pp->pending);
    cella_edl_arena_destroy(pp->arena);
    cella_edl_free(pp);
}

void cella_edl_pp_next(cella_edl_pp_t *pp, cella_edl_token_t *token)
{
    struct expander ex = {pp, &pp->pending, false, NULL, 0, 0, 0};
    expander_next(&ex, token);
    if (pp->stopped && token->kind != CELLA_EDL_TOKEN_EOF)
        *token = make_eof((cella_edl_pos_t){pp->sources[0].lexer.file, 0, 0});
}

bool cella_edl_pp_stopped(const cella_edl_pp_t *pp)
{
    return pp->stopped;
}
