/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/codegen.h: the EDL code generator: <E>_t.h, <E>_t.c, <E>_u.h, <E>_u.c. */
#ifndef CELLA_EDGER8R_CODEGEN_H
#define CELLA_EDGER8R_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>

#include <cella/defs.h>
#include <cella/result.h>

#include "ast.h"
#include "diag.h"

CELLA_EXTERN_C_BEGIN

/*
 * From a checked program (cella_edl_load), the generator writes the four files of Intel's
 * sgx_edger8r with Intel's names, prototypes, header layout and ECALL/OCALL numbering, and
 * cella's bridge code behind them (the ABI of cella/bridge.h): the host and the enclave pass
 * flat buffers, never pointers, and the receiving side checks every reference before use.
 * docs/edl.md describes the generated code. Output is deterministic: the same program gives
 * the same bytes.
 */

typedef enum cella_edl_output {
    CELLA_EDL_OUTPUT_TRUSTED_HEADER = 0, /* <E>_t.h */
    CELLA_EDL_OUTPUT_TRUSTED_SOURCE,     /* <E>_t.c */
    CELLA_EDL_OUTPUT_UNTRUSTED_HEADER,   /* <E>_u.h */
    CELLA_EDL_OUTPUT_UNTRUSTED_SOURCE,   /* <E>_u.c */
} cella_edl_output_t;

#define CELLA_EDL_OUTPUT_COUNT 4

typedef struct cella_edl_codegen_options {
    bool use_prefix; /* Intel's --use-prefix: untrusted ECALL proxies are named <E>_<f> */
} cella_edl_codegen_options_t;

/* The file name suffix of an output: "_t.h", "_t.c", "_u.h" or "_u.c". */
const char *cella_edl_codegen_output_suffix(cella_edl_output_t output);

/*
 * Checks what only the generated code cares about: no parameter or function name may
 * collide with a name the generated functions use (their locals, the helpers and library
 * functions they call, errno, and names beginning with cella_). Reports RESERVED_NAME
 * errors to diags. Returns CELLA_OK, CELLA_ERR_INVALID_FORMAT (errors reported) or
 * CELLA_ERR_INVALID_ARGUMENT (NULL argument).
 */
CELLA_MUST_CHECK cella_result_t cella_edl_codegen_check(const cella_edl_program_t *program,
                                                        cella_edl_diags_t *diags);

/*
 * Generates one output file of a program that passed cella_edl_codegen_check. On CELLA_OK,
 * *text (NUL-terminated, cella_edl_malloc'd: release with cella_edl_free) holds *size bytes.
 * Returns CELLA_ERR_OUT_OF_MEMORY or CELLA_ERR_INVALID_ARGUMENT (NULL argument, or an
 * unknown output) otherwise, leaving *text untouched. Options may be NULL (defaults).
 * Thread-safe for different text outputs of one program.
 */
CELLA_MUST_CHECK cella_result_t
cella_edl_codegen_generate(const cella_edl_program_t *program, cella_edl_output_t output,
                           const cella_edl_codegen_options_t *options, char **text, size_t *size);

CELLA_EXTERN_C_END

#endif /* CELLA_EDGER8R_CODEGEN_H */
