/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/lexer.h: splitting EDL text (and preprocessing directives) into tokens. */
#ifndef CELLA_EDGER8R_LEXER_H
#define CELLA_EDGER8R_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Longest identifier, and longest string, the lexer accepts (bytes, without quotes). */
#define CELLA_EDL_IDENTIFIER_MAX_BYTES 255
#define CELLA_EDL_STRING_MAX_BYTES     4096

typedef enum cella_edl_token_kind {
    CELLA_EDL_TOKEN_EOF = 0,
    CELLA_EDL_TOKEN_IDENT,      /* [A-Za-z_][A-Za-z0-9_]*; keywords are identifiers here */
    CELLA_EDL_TOKEN_NUMBER,     /* a C preprocessing number: a digit, then [0-9A-Za-z_.]* */
    CELLA_EDL_TOKEN_STRING,     /* "...", text includes the quotes; no escapes, as in Intel's */
    CELLA_EDL_TOKEN_PUNCT,      /* { } ( ) [ ] * . , ; = and the operators of #if and macros */
    CELLA_EDL_TOKEN_OTHER,      /* one byte EDL does not use; whoever consumes it reports it */
    CELLA_EDL_TOKEN_BAD_STRING, /* a string cut by the end of the line or of the file */
} cella_edl_token_kind_t;

struct cella_edl_hide; /* the preprocessor's hide sets; NULL from the lexer */

typedef struct cella_edl_token {
    cella_edl_token_kind_t kind;
    const char *text; /* not NUL-terminated; valid while the buffer it came from lives */
    size_t length;
    cella_edl_pos_t pos;
    bool at_line_start; /* the first token on its line: a '#' here starts a directive */
    bool space_before;  /* whitespace or a comment precedes it on the line */
    const struct cella_edl_hide *hide; /* macros that must not expand this token again */
} cella_edl_token_t;

typedef struct cella_edl_lexer {
    const char *file; /* positions point at this string; it must outlive the tokens */
    const char *text;
    size_t size;
    size_t offset;
    size_t line_offset; /* offset of the first byte of the current line */
    uint32_t line;
    bool at_line_start;
    cella_edl_diags_t *diags;
} cella_edl_lexer_t;

/* Starts lexing text[0..size) of `file`; diagnostics (unterminated comments, too-long
 * tokens) go to diags, which may be NULL to drop them. */
void cella_edl_lexer_init(cella_edl_lexer_t *lexer, const char *file, const char *text, size_t size,
                          cella_edl_diags_t *diags);

/* The next token; an EOF token (repeatedly) at the end. Never fails. */
void cella_edl_lexer_next(cella_edl_lexer_t *lexer, cella_edl_token_t *token);

/* True when the token is the punctuator or identifier spelled exactly `text`. */
bool cella_edl_token_is(const cella_edl_token_t *token, const char *text);

/* True when the token is a NUMBER made of decimal digits only. */
bool cella_edl_token_is_decimal(const cella_edl_token_t *token);

#endif /* CELLA_EDGER8R_LEXER_H */
