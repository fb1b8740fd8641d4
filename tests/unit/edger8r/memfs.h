/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/edger8r/memfs.h: an in-memory file set for EDL front-end tests. */
#ifndef CELLA_TESTS_EDGER8R_MEMFS_H
#define CELLA_TESTS_EDGER8R_MEMFS_H

#include <stddef.h>

#include "edl.h"

/* Files by path; a NULL path ends the list. */
typedef struct memfs_file {
    const char *path;
    const char *text;
} memfs_file_t;

typedef struct memfs {
    const memfs_file_t *files;
    /* Paths that answer with this error instead of their text (e.g. CELLA_ERR_IO). */
    const char *failing_path;
    cella_result_t failure;
} memfs_t;

/* A reader over fs; the file's identity is its path. */
cella_edl_reader_t memfs_reader(memfs_t *fs);

#endif
