/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/parser.h: parsing one preprocessed EDL file into its syntax tree. */
#ifndef CELLA_EDGER8R_PARSER_H
#define CELLA_EDGER8R_PARSER_H

#include <stddef.h>

#include <cella/result.h>

#include "ast.h"
#include "diag.h"
#include "memory.h"
#include "preprocess.h"

/* Limits that keep hostile input from exhausting memory. */
#define CELLA_EDL_PARAM_MAX_COUNT   1024
#define CELLA_EDL_MEMBER_MAX_COUNT  4096
#define CELLA_EDL_DIM_MAX_COUNT     8
#define CELLA_EDL_POINTER_MAX_DEPTH 16
#define CELLA_EDL_NUMBER_MAX        ((uint64_t)INT64_MAX)

typedef struct cella_edl_parse_config {
    const char *path; /* positions point at it; must live as long as the arena */
    const char *text; /* the file as read */
    size_t size;
    const char *const *defines; /* command-line macros, "NAME" or "NAME=VALUE" */
    size_t define_count;
    cella_edl_pp_include_fn include; /* #include "x"; NULL: not available */
    void *include_context;
    cella_edl_diags_t *diags;
    cella_edl_arena_t *arena; /* receives the tree */
} cella_edl_parse_config_t;

/*
 * Parses one EDL file: the grammar of Intel's Parser.mly plus the Open Enclave additions
 * (bool, `import "x.edl"`, optional ';' after the enclave block, a trailing ',' in enums).
 * Only what one declaration shows is reported here (unknown or repeated attributes, zero
 * and flexible arrays, ...); the rules between attributes and types are in check.h.
 *
 * On CELLA_OK, *out (in the arena) holds the file; its path is config->path and its
 * short_name/c_name are left NULL for the loader. Other diagnostics may have been reported.
 * CELLA_ERR_INVALID_FORMAT: a syntax error stopped parsing (reported; *out untouched).
 * CELLA_ERR_OUT_OF_MEMORY: reported as a diagnostic too.
 */
CELLA_MUST_CHECK cella_result_t cella_edl_parse(const cella_edl_parse_config_t *config,
                                                cella_edl_file_t **out);

/* True when `name` is an EDL keyword (Intel's lexer keywords, and bool). */
bool cella_edl_is_keyword(const char *name, size_t length);

/* True when `name` is a C11 keyword. */
bool cella_edl_is_c_keyword(const char *name, size_t length);

#endif /* CELLA_EDGER8R_PARSER_H */
