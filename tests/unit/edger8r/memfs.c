/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/edger8r/memfs.c: an in-memory file set for EDL front-end tests. */
#include "memfs.h"

#include <string.h>

#include "memory.h"

static char *copy(const char *text, size_t length)
{
    char *out = cella_edl_malloc(length + 1);
    if (out != NULL) {
        memcpy(out, text, length);
        out[length] = '\0';
    }
    return out;
}

static cella_result_t memfs_read(void *context, const char *path, size_t max_size, char **data,
                                 size_t *size, char **identity)
{
    memfs_t *fs = context;
    if (fs->failing_path != NULL && strcmp(path, fs->failing_path) == 0)
        return fs->failure;
    for (const memfs_file_t *f = fs->files; f != NULL && f->path != NULL; f++) {
        if (strcmp(f->path, path) != 0)
            continue;
        size_t length = strlen(f->text);
        if (length > max_size)
            return CELLA_ERR_OVERFLOW;
        char *text = copy(f->text, length);
        char *name = copy(path, strlen(path));
        if (text == NULL || name == NULL) {
            cella_edl_free(text);
            cella_edl_free(name);
            return CELLA_ERR_OUT_OF_MEMORY;
        }
        *data = text;
        *size = length;
        *identity = name;
        return CELLA_OK;
    }
    return CELLA_ERR_NOT_FOUND;
}

cella_edl_reader_t memfs_reader(memfs_t *fs)
{
    cella_edl_reader_t reader = {memfs_read, fs};
    return reader;
}
