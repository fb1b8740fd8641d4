/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/lexer.c: the EDL tokenizer (Intel's Lexer.mll rules, plus what cpp needs). */
#include "lexer.h"

#include <string.h>

void cella_edl_lexer_init(cella_edl_lexer_t *lexer, const char *file, const char *text, size_t size,
                          cella_edl_diags_t *diags)
{
    memset(lexer, 0, sizeof(*lexer));
    lexer->file = file;
    lexer->text = text;
    lexer->size = size;
    lexer->line = 1;
    lexer->at_line_start = true;
    lexer->diags = diags;
}

static cella_edl_pos_t position(const cella_edl_lexer_t *lexer, size_t offset)
{
    size_t column = offset - lexer->line_offset + 1;
    cella_edl_pos_t pos = {lexer->file, lexer->line,
                           column > UINT32_MAX ? UINT32_MAX : (uint32_t)column};
    return pos;
}

static void new_line(cella_edl_lexer_t *lexer, size_t offset_after_newline)
{
    if (lexer->line < UINT32_MAX)
        lexer->line++;
    lexer->line_offset = offset_after_newline;
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || is_digit(c);
}

static void report(cella_edl_lexer_t *lexer, cella_edl_diag_code_t code, cella_edl_pos_t pos,
                   const char *hint, const char *message)
{
    if (lexer->diags != NULL)
        cella_edl_diags_add(lexer->diags, code, CELLA_EDL_SEVERITY_ERROR, pos, hint, "%s", message);
}

/* Skips blanks, newlines, comments and backslash-newline; records what it crossed. */
static void skip_space(cella_edl_lexer_t *lexer, bool *space_before)
{
    const char *text = lexer->text;
    while (lexer->offset < lexer->size) {
        char c = text[lexer->offset];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lexer->offset++;
            *space_before = true;
        } else if (c == '\n') {
            lexer->offset++;
            new_line(lexer, lexer->offset);
            lexer->at_line_start = true;
            *space_before = false;
        } else if (c == '\\' && lexer->offset + 1 < lexer->size &&
                   (text[lexer->offset + 1] == '\n' ||
                    (text[lexer->offset + 1] == '\r' && lexer->offset + 2 < lexer->size &&
                     text[lexer->offset + 2] == '\n'))) {
            /* A spliced line continues the current one (directives span lines this way). */
            lexer->offset += text[lexer->offset + 1] == '\n' ? 2 : 3;
            new_line(lexer, lexer->offset);
            *space_before = true;
        } else if (c == '/' && lexer->offset + 1 < lexer->size && text[lexer->offset + 1] == '/') {
            while (lexer->offset < lexer->size && text[lexer->offset] != '\n')
                lexer->offset++;
            *space_before = true;
        } else if (c == '/' && lexer->offset + 1 < lexer->size && text[lexer->offset + 1] == '*') {
            cella_edl_pos_t start = position(lexer, lexer->offset);
            lexer->offset += 2;
            bool closed = false;
            while (lexer->offset < lexer->size) {
                if (text[lexer->offset] == '*' && lexer->offset + 1 < lexer->size &&
                    text[lexer->offset + 1] == '/') {
                    lexer->offset += 2;
                    closed = true;
                    break;
                }
                if (text[lexer->offset] == '\n')
                    new_line(lexer, lexer->offset + 1);
                lexer->offset++;
            }
            if (!closed)
                report(lexer, CELLA_EDL_DIAG_UNTERMINATED_COMMENT, start,
                       "close the comment with */ (comments do not nest)",
                       "unterminated /* comment");
            *space_before = true;
        } else {
            return;
        }
    }
}

/* Punctuators, longest first. Only the single-character ones are EDL; the rest serve #if
 * expressions and macro bodies. */
static const char *const punctuators[] = {
    "##", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "{", "}", "(", ")", "[", "]", "*", ".",
    ",",  ";",  "=",  "#",  "!",  "~",  "+",  "-",  "/",  "%", "<", ">", "&", "|", "^", "?", ":",
};

void cella_edl_lexer_next(cella_edl_lexer_t *lexer, cella_edl_token_t *token)
{
    bool space_before = false;
    skip_space(lexer, &space_before);
    memset(token, 0, sizeof(*token));
    token->at_line_start = lexer->at_line_start;
    token->space_before = space_before;
    token->pos = position(lexer, lexer->offset);
    token->text = lexer->text + lexer->offset;
    lexer->at_line_start = false;
    if (lexer->offset >= lexer->size) {
        token->kind = CELLA_EDL_TOKEN_EOF;
        token->length = 0;
        return;
    }

    const char *text = lexer->text;
    size_t start = lexer->offset;
    char c = text[start];
    if (is_ident_start(c)) {
        size_t end = start + 1;
        while (end < lexer->size && is_ident_char(text[end]))
            end++;
        token->kind = CELLA_EDL_TOKEN_IDENT;
        token->length = end - start;
        lexer->offset = end;
        if (token->length > CELLA_EDL_IDENTIFIER_MAX_BYTES)
            report(lexer, CELLA_EDL_DIAG_TOKEN_TOO_LONG, token->pos,
                   "use a name of at most 255 characters",
                   "identifier is longer than 255 characters");
        return;
    }
    if (is_digit(c)) {
        size_t end = start + 1;
        while (end < lexer->size) {
            char d = text[end];
            if (is_ident_char(d) || d == '.') {
                end++;
            } else if ((d == '+' || d == '-') && (text[end - 1] == 'e' || text[end - 1] == 'E' ||
                                                  text[end - 1] == 'p' || text[end - 1] == 'P')) {
                end++;
            } else {
                break;
            }
        }
        token->kind = CELLA_EDL_TOKEN_NUMBER;
        token->length = end - start;
        lexer->offset = end;
        if (token->length > CELLA_EDL_IDENTIFIER_MAX_BYTES)
            report(lexer, CELLA_EDL_DIAG_TOKEN_TOO_LONG, token->pos,
                   "use a number of at most 255 digits", "number is longer than 255 characters");
        return;
    }
    if (c == '"') {
        /* Intel's strings: everything up to the next quote; no escapes, no newlines. */
        size_t end = start + 1;
        while (end < lexer->size && text[end] != '"' && text[end] != '\n')
            end++;
        if (end < lexer->size && text[end] == '"') {
            token->kind = CELLA_EDL_TOKEN_STRING;
            end++;
        } else {
            token->kind = CELLA_EDL_TOKEN_BAD_STRING;
        }
        token->length = end - start;
        lexer->offset = end;
        if (token->length > CELLA_EDL_STRING_MAX_BYTES + 2)
            report(lexer, CELLA_EDL_DIAG_TOKEN_TOO_LONG, token->pos,
                   "use a path of at most 4096 characters",
                   "string is longer than 4096 characters");
        return;
    }
    for (size_t i = 0; i < sizeof(punctuators) / sizeof(punctuators[0]); i++) {
        size_t length = strlen(punctuators[i]);
        if (lexer->size - start >= length && memcmp(text + start, punctuators[i], length) == 0) {
            token->kind = CELLA_EDL_TOKEN_PUNCT;
            token->length = length;
            lexer->offset = start + length;
            return;
        }
    }
    token->kind = CELLA_EDL_TOKEN_OTHER;
    token->length = 1;
    lexer->offset = start + 1;
}

bool cella_edl_token_is(const cella_edl_token_t *token, const char *text)
{
    if (token->kind != CELLA_EDL_TOKEN_PUNCT && token->kind != CELLA_EDL_TOKEN_IDENT)
        return false;
    size_t length = strlen(text);
    return token->length == length && memcmp(token->text, text, length) == 0;
}

bool cella_edl_token_is_decimal(const cella_edl_token_t *token)
{
    if (token->kind != CELLA_EDL_TOKEN_NUMBER || token->length == 0)
        return false;
    for (size_t i = 0; i < token->length; i++) {
        if (!is_digit(token->text[i]))
            return false;
    }
    return true;
}
