/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/edl.h: the EDL front end: load a file and its imports, check, number. */
#ifndef CELLA_EDGER8R_EDL_H
#define CELLA_EDGER8R_EDL_H

#include <stdbool.h>
#include <stddef.h>

#include <cella/defs.h>
#include <cella/result.h>

#include "ast.h"
#include "diag.h"

CELLA_EXTERN_C_BEGIN

/* Largest EDL file (or #include'd file) read, imports nested, distinct files read, and
 * import statements followed in total (a file imported from n places is followed n times,
 * as Intel's edger8r does). */
#define CELLA_EDL_FILE_MAX_BYTES    ((size_t)4 * 1024 * 1024)
#define CELLA_EDL_IMPORT_MAX_DEPTH  64
#define CELLA_EDL_FILE_MAX_COUNT    256
#define CELLA_EDL_IMPORT_MAX_VISITS 4096

/*
 * Where EDL files come from. The default reads the file system; tests and the fuzzer give
 * an in-memory one.
 *
 * read(): reads the regular file at `path` (at most max_size bytes). On CELLA_OK, *data
 * (cella_edl_malloc'd, the caller frees it with cella_edl_free) holds *size bytes and
 * *identity (cella_edl_malloc'd, NUL-terminated) names the file uniquely, e.g. its real
 * path: a file reached twice is read once, and an import cycle is a file importing an
 * identity it is already inside. Returns CELLA_ERR_NOT_FOUND when there is no such file,
 * CELLA_ERR_OVERFLOW when it is larger than max_size, CELLA_ERR_OUT_OF_MEMORY, or another
 * code for other failures (reported with cella_result_str()).
 */
typedef struct cella_edl_reader {
    cella_result_t (*read)(void *context, const char *path, size_t max_size, char **data,
                           size_t *size, char **identity);
    void *context;
} cella_edl_reader_t;

typedef struct cella_edl_options {
    /*
     * Directories searched, in this order, for every `from "x.edl" import` / `import
     * "x.edl"` (and for the root file when it is not found as given). Intel's
     * sgx_edger8r puts each later --search-path before the earlier ones and searches "."
     * last; a command line that wants Intel's behaviour passes the list in that order,
     * "." included. After these, cella also looks next to the importing file (as Open
     * Enclave does), which only matters when Intel would have failed.
     */
    const char *const *search_paths;
    size_t search_path_count;
    /* Macros for every file, "NAME" or "NAME=VALUE" (Open Enclave's -D). */
    const char *const *defines;
    size_t define_count;
    bool header_only;                 /* Intel's --header-only: no "no public root ECALL" error */
    bool warn_user_check;             /* a warning at every [user_check] parameter */
    const cella_edl_reader_t *reader; /* NULL: the file system */
} cella_edl_options_t;

/*
 * Loads the EDL file at `path` with its imports, checks it and numbers its ECALLs and
 * OCALLs as Intel's edger8r does (the root file's functions in source order, then each
 * imported file's, depth first in import-statement order, a file reached again adding only
 * functions not added already). Diagnostics (errors and warnings) go to `diags`, which the
 * caller creates and renders.
 *
 * Returns CELLA_OK and the program in *out (release with cella_edl_program_destroy()) when
 * no error was reported (warnings may have been). Otherwise *out is untouched and:
 * CELLA_ERR_INVALID_FORMAT: the EDL is invalid, or a file could not be read (see diags);
 * CELLA_ERR_OUT_OF_MEMORY: memory ran out (also in diags);
 * CELLA_ERR_INVALID_ARGUMENT: path, diags or out is NULL.
 * Options may be NULL (no search path, no defines, file system). Thread-compatible: calls
 * with different diags may run in parallel, except with cella_edl_memory_fail_after().
 */
CELLA_MUST_CHECK cella_result_t cella_edl_load(const char *path, const cella_edl_options_t *options,
                                               cella_edl_diags_t *diags, cella_edl_program_t **out);

/* The file-system reader used when options->reader is NULL. */
extern const cella_edl_reader_t cella_edl_file_reader;

CELLA_EXTERN_C_END

#endif /* CELLA_EDGER8R_EDL_H */
