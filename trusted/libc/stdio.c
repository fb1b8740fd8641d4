/* SPDX-License-Identifier: Apache-2.0 */
/* stdio.c: snprintf and friends into memory, printf and friends to the host (stdio.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "internal.h"

/* A sink over a caller's buffer: keeps what fits, always leaves room for the terminator. */
typedef struct buffer_sink {
    cella_tlibc_sink_t sink;
    char *buffer;
    size_t size; /* capacity including the terminator; 0: count only */
    size_t used; /* bytes stored, < size */
} buffer_sink_t;

static bool buffer_write(cella_tlibc_sink_t *sink, const char *bytes, size_t size)
{
    buffer_sink_t *target = (buffer_sink_t *)(void *)sink;
    if (target->size == 0)
        return true;
    size_t room = target->size - 1 - target->used;
    size_t stored = size < room ? size : room;
    memcpy(target->buffer + target->used, bytes, stored);
    target->used += stored;
    return true;
}

int vsnprintf(char *restrict buffer, size_t size, const char *restrict format, va_list arguments)
{
    buffer_sink_t target = {{buffer_write, NULL}, buffer, size, 0};
    int length = cella_tlibc_format(&target.sink, format, arguments);
    if (size > 0)
        buffer[target.used] = '\0';
    return length;
}

int snprintf(char *restrict buffer, size_t size, const char *restrict format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(buffer, size, format, arguments);
    va_end(arguments);
    return length;
}

int vasprintf(char **out, const char *restrict format, va_list arguments)
{
    va_list measuring;
    va_copy(measuring, arguments);
    int length = vsnprintf(NULL, 0, format, measuring);
    va_end(measuring);
    if (length < 0)
        return -1;
    char *buffer = malloc((size_t)length + 1);
    if (buffer == NULL)
        return -1;
    if (vsnprintf(buffer, (size_t)length + 1, format, arguments) != length) {
        free(buffer);
        return -1;
    }
    *out = buffer;
    return length;
}

int asprintf(char **out, const char *restrict format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vasprintf(out, format, arguments);
    va_end(arguments);
    return length;
}

/*
 * A sink that gathers output in a small buffer and hands it to the host in pieces of at most
 * CELLA_TLIBC_PRINT_CHUNK_BYTES through cella_trts_print.
 */
typedef struct host_sink {
    cella_tlibc_sink_t sink;
    char pending[CELLA_TLIBC_PRINT_CHUNK_BYTES];
    size_t used;
} host_sink_t;

static bool host_flush(host_sink_t *target)
{
    if (target->used == 0)
        return true;
    int result = cella_trts_print(target->pending, target->used);
    target->used = 0;
    if (result != 0) {
        errno = EIO;
        return false;
    }
    return true;
}

static bool host_write(cella_tlibc_sink_t *sink, const char *bytes, size_t size)
{
    host_sink_t *target = (host_sink_t *)(void *)sink;
    while (size > 0) {
        if (target->used == sizeof(target->pending) && !host_flush(target))
            return false;
        size_t room = sizeof(target->pending) - target->used;
        size_t piece = size < room ? size : room;
        memcpy(target->pending + target->used, bytes, piece);
        target->used += piece;
        bytes += piece;
        size -= piece;
    }
    return true;
}

int vprintf(const char *restrict format, va_list arguments)
{
    host_sink_t target = {{host_write, NULL}, {0}, 0};
    int length = cella_tlibc_format(&target.sink, format, arguments);
    if (!host_flush(&target))
        return -1;
    return length;
}

int printf(const char *restrict format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vprintf(format, arguments);
    va_end(arguments);
    return length;
}

int puts(const char *string)
{
    host_sink_t target = {{host_write, NULL}, {0}, 0};
    if (!host_write(&target.sink, string, strlen(string)) || !host_write(&target.sink, "\n", 1) ||
        !host_flush(&target))
        return EOF;
    return 1;
}

int putchar(int character)
{
    char byte = (char)(unsigned char)character;
    if (cella_trts_print(&byte, 1) != 0) {
        errno = EIO;
        return EOF;
    }
    return (unsigned char)character;
}
