/* SPDX-License-Identifier: Apache-2.0 */
/* compare_format.h: runs one format through the trusted and the host vsnprintf and compares. */
#ifndef CELLA_TESTS_TLIBC_COMPARE_FORMAT_H
#define CELLA_TESTS_TLIBC_COMPARE_FORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlibc.h"

/* Formats come from tables, so they are not literals; the host's checking cannot apply. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wsuggest-attribute=format"
#endif
#pragma GCC diagnostic ignored "-Wmissing-format-attribute"

#define COMPARE_GUARD 0x5a

static unsigned long compare_format_count;

/* When false, only the full-size buffer is compared (for very large tables). */
static bool compare_format_truncation = true;

/*
 * Formats into a full-size buffer and into truncating ones (sizes 0, 1, 2, length - 1,
 * length, length + 1), and checks that the trusted library returns what the host returns,
 * writes the same bytes, and never writes past the size it was given. Reports the format and
 * both outputs on a mismatch.
 */
static void compare_format_va(const char *file, int line, const char *format, va_list arguments)
{
    va_list copy;
    va_copy(copy, arguments);
    int expected = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (expected < 0) {
        fprintf(stderr, "%s:%d: the host rejects \"%s\"\n", file, line, format);
        abort();
    }
    size_t full = (size_t)expected + 1;
    char *theirs = malloc(full);
    char *ours = malloc(full + 16);
    if (theirs == NULL || ours == NULL)
        abort();
    va_copy(copy, arguments);
    vsnprintf(theirs, full, format, copy);
    va_end(copy);

    size_t sizes[] = {full, 0, 1, 2, full > 1 ? full - 2 : 0, full - 1, full + 1};
    size_t size_count = compare_format_truncation ? sizeof(sizes) / sizeof(sizes[0]) : 1;
    for (size_t i = 0; i < size_count; i++) {
        size_t size = sizes[i];
        memset(ours, COMPARE_GUARD, full + 16);
        va_copy(copy, arguments);
        int result = cella_tlibc_vsnprintf(ours, size, format, copy);
        va_end(copy);
        size_t stored = size == 0 ? 0 : (size - 1 < (size_t)expected ? size - 1 : (size_t)expected);
        int ok = result == expected;
        if (size > 0)
            ok = ok && memcmp(ours, theirs, stored) == 0 && ours[stored] == '\0';
        for (size_t j = size; j < full + 16 && ok; j++)
            ok = (unsigned char)ours[j] == COMPARE_GUARD;
        if (!ok) {
            fprintf(stderr,
                    "%s:%d: format \"%s\" with buffer size %zu: trusted returned %d \"%.*s\", "
                    "host %d \"%s\"\n",
                    file, line, format, size, result, (int)(size == 0 ? 0 : stored), ours, expected,
                    theirs);
            fail();
        }
    }
    compare_format_count++;
    free(ours);
    free(theirs);
}

static void compare_format_at(const char *file, int line, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    compare_format_va(file, line, format, arguments);
    va_end(arguments);
}

#define COMPARE_FORMAT(...) compare_format_at(__FILE__, __LINE__, __VA_ARGS__)

#endif /* CELLA_TESTS_TLIBC_COMPARE_FORMAT_H */
