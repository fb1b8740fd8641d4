/* SPDX-License-Identifier: Apache-2.0 */
/* strings.h: case-insensitive comparison and bit search of cella's trusted C library. */
#ifndef CELLA_LIBC_STRINGS_H
#define CELLA_LIBC_STRINGS_H

#include <stddef.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

/* ASCII case folding (the C locale). */
int strcasecmp(const char *left, const char *right);
int strncasecmp(const char *left, const char *right, size_t count);
/* 1 + the index of the lowest set bit, or 0 when value is 0. */
int ffs(int value);
int ffsl(long value);
int ffsll(long long value);

CELLA_LIBC_END

#endif /* CELLA_LIBC_STRINGS_H */
