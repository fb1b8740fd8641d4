/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/dump.h: a stable text form of a checked EDL program, for golden tests. */
#ifndef CELLA_EDGER8R_DUMP_H
#define CELLA_EDGER8R_DUMP_H

#include <cella/result.h>

#include "ast.h"
#include "diag.h"

/*
 * Writes the program (enclave name, files, includes, types, ECALLs and OCALLs with their
 * indices, attributes and resolved references) as text that does not depend on where the
 * files are: positions name base names only. *text is NUL-terminated and allocated with
 * cella_edl_malloc; free it with cella_edl_free. CELLA_OK or CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_edl_dump_program(const cella_edl_program_t *program,
                                                       char **text);

/* The diagnostics, one per line, file names reduced to base names; same ownership. */
CELLA_MUST_CHECK cella_result_t cella_edl_dump_diags(const cella_edl_diags_t *diags, char **text);

#endif /* CELLA_EDGER8R_DUMP_H */
