/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/check.h: the semantic rules of EDL (attribute, struct and program checks). */
#ifndef CELLA_EDGER8R_CHECK_H
#define CELLA_EDGER8R_CHECK_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"

typedef struct cella_edl_check_options {
    /* Intel's --header-only: skip "the enclave contains no public root ECALL". */
    bool header_only;
    /* Warn at every [user_check] pointer (security checklist B11: make user_check loud). */
    bool warn_user_check;
} cella_edl_check_options_t;

/*
 * Checks what one file says on its own: each parameter's and member's attributes against
 * its type (Intel's Parser.mly rules: direction, user_check, size/count/string, isptr, isary,
 * readonly, const, pointer arrays, explicit arrays), size=/count= references, duplicate
 * parameter, member and enumerator names, and parameter names the generated bridges use.
 * Fills in decl->by_pointer, value ref_index, composite is_deep_copy/has_plain_pointers.
 * Reports through diags; the file is usable for program checks whatever it reports.
 */
void cella_edl_check_file(cella_edl_file_t *file, const cella_edl_check_options_t *options,
                          cella_edl_diags_t *diags);

/*
 * Checks the merged program (Intel's CodeGen checks): duplicate functions and types,
 * allow(...) names (and resolves allow[i].target), deep-copy structs passed by value, behind
 * [out] or by bare name, the public root ECALL, unused private ECALLs. Resolves
 * type.definition everywhere. Expects program->ecalls/ocalls/composites to be filled in.
 */
void cella_edl_check_program(cella_edl_program_t *program, const cella_edl_check_options_t *options,
                             cella_edl_diags_t *diags);

#endif /* CELLA_EDGER8R_CHECK_H */
