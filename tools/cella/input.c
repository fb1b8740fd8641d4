/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/input.c: reading a whole input file for the subcommands. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cella/memory.h>

#include "subcommands.h"

/* Inputs may be secrets (a private key): their bytes are wiped before they are freed. */
void buffer_release(struct buffer *buffer)
{
    if (buffer->data != NULL)
        cella_memory_wipe(buffer->data, buffer->size);
    free(buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
}

bool read_input(const char *program, const char *path, size_t max_size, struct buffer *out)
{
    bool from_stdin = strcmp(path, "-") == 0;
    const char *name = from_stdin ? "standard input" : path;
    FILE *stream = from_stdin ? stdin : fopen(path, "rb");
    struct buffer buffer = {NULL, 0};
    size_t capacity = 0;
    bool ok = false;

    if (stream == NULL) {
        fprintf(stderr, "%s: cannot open %s: %s\n", program, path, strerror(errno));
        return false;
    }
    /* Unbuffered: no copy of the bytes stays behind in the stream's own buffer. */
    (void)setvbuf(stream, NULL, _IONBF, 0);
    for (;;) {
        if (buffer.size + 1 >= capacity) {
            if (capacity > max_size + 1) {
                fprintf(stderr, "%s: %s: larger than %zu bytes\n", program, name, max_size);
                goto out;
            }
            size_t grown = capacity == 0 ? 8192 : 2 * capacity;
            /* A new block rather than realloc, so the old one is wiped before it is freed. */
            uint8_t *data = malloc(grown);
            if (data == NULL) {
                fprintf(stderr, "%s: %s: out of memory\n", program, name);
                goto out;
            }
            if (buffer.data != NULL) {
                memcpy(data, buffer.data, buffer.size);
                cella_memory_wipe(buffer.data, capacity);
                free(buffer.data);
            }
            buffer.data = data;
            capacity = grown;
        }
        size_t n = fread(buffer.data + buffer.size, 1, capacity - buffer.size - 1, stream);
        buffer.size += n;
        if (n == 0) {
            if (ferror(stream)) {
                fprintf(stderr, "%s: cannot read %s: %s\n", program, name, strerror(errno));
                goto out;
            }
            break;
        }
    }
    if (buffer.size > max_size) {
        fprintf(stderr, "%s: %s: larger than %zu bytes\n", program, name, max_size);
        goto out;
    }
    buffer.data[buffer.size] = 0;
    *out = buffer;
    buffer.data = NULL;
    ok = true;
out:
    buffer_release(&buffer);
    if (!from_stdin)
        fclose(stream);
    return ok;
}
