/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/preprocess.h: the C preprocessing Intel's edger8r applies to EDL (gcc -E). */
#ifndef CELLA_EDGER8R_PREPROCESS_H
#define CELLA_EDGER8R_PREPROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include <cella/result.h>

#include "diag.h"
#include "lexer.h"

/*
 * Intel's sgx_edger8r runs every EDL file through `gcc -x c -E -P` before parsing it, so EDL
 * files may use #define (object- and function-like macros, # and ##), #undef, #if/#elif
 * with the full constant-expression language and defined(), #ifdef, #ifndef, #else,
 * #endif, #error, #warning, #pragma (ignored) and #include "file" (resolved next to the
 * including file, as gcc does). Open Enclave's oeedger8r adds -D<name>[=<value>] on the
 * command line; they arrive here as `defines`.
 *
 * Unlike a text-to-text preprocessor, this one hands tokens to the parser with their
 * original positions, so diagnostics point into the file the user wrote; a token produced by
 * a macro points at the macro's use.
 *
 * Predefined macros: __linux__, __unix__, __x86_64__, __LP64__, __STDC__ (as gcc on
 * x86-64 Linux, which EDL files test for) and __CELLA_EDGER8R__.
 */

#define CELLA_EDL_PP_INCLUDE_MAX_DEPTH     16
#define CELLA_EDL_PP_CONDITIONAL_MAX_DEPTH 64
#define CELLA_EDL_PP_MACRO_MAX_COUNT       10000
#define CELLA_EDL_PP_MACRO_MAX_PARAMS      64
#define CELLA_EDL_PP_EXPANSION_MAX_DEPTH   64
#define CELLA_EDL_PP_EXPANSION_MAX_TOKENS  200000
#define CELLA_EDL_PP_EXPRESSION_MAX_DEPTH  128

/*
 * Reads the file an #include "name" directive names, looking next to `includer`. On
 * CELLA_OK, *text (allocated with cella_edl_malloc; the preprocessor frees it) holds *size
 * bytes and *path a string for positions that lives as long as the syntax tree.
 * CELLA_ERR_NOT_FOUND when there is no such file; other codes for other failures.
 */
typedef cella_result_t (*cella_edl_pp_include_fn)(void *context, const char *includer,
                                                  const char *name, char **text, size_t *size,
                                                  const char **path);

typedef struct cella_edl_pp_config {
    const char *file; /* for positions; must outlive the tokens */
    const char *text; /* must outlive the preprocessor */
    size_t size;
    const char *const *defines; /* "NAME" (defined as 1) or "NAME=VALUE" */
    size_t define_count;
    cella_edl_diags_t *diags;
    cella_edl_pp_include_fn include; /* NULL: #include is reported as unsupported */
    void *include_context;
} cella_edl_pp_config_t;

typedef struct cella_edl_pp cella_edl_pp_t;

/* A preprocessor over config->text. CELLA_OK, or CELLA_ERR_OUT_OF_MEMORY. Malformed
 * command-line defines are reported as diagnostics, not as a failure. */
CELLA_MUST_CHECK cella_result_t cella_edl_pp_create(const cella_edl_pp_config_t *config,
                                                    cella_edl_pp_t **out);

/* Releases the preprocessor and the included files it read. NULL is a no-op. */
void cella_edl_pp_destroy(cella_edl_pp_t *pp);

/*
 * The next token after preprocessing: never a directive, never a token from a skipped
 * group, never OTHER or BAD_STRING (those are reported and dropped or repaired). An EOF
 * token at the end, and from then on; also after running out of memory or past a limit
 * (both reported).
 */
void cella_edl_pp_next(cella_edl_pp_t *pp, cella_edl_token_t *token);

/* True once the preprocessor stopped early (out of memory or a limit). */
bool cella_edl_pp_stopped(const cella_edl_pp_t *pp);

#endif /* CELLA_EDGER8R_PREPROCESS_H */
