/* SPDX-License-Identifier: Apache-2.0 */
/* mbusafecrt.h: the SGX SDK's bounds-checked copy functions (SafeCRT semantics). */
#ifndef CELLA_LIBC_MBUSAFECRT_H
#define CELLA_LIBC_MBUSAFECRT_H

#include <stddef.h>
#include <string.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

/* A count that asks strncpy_s/strncat_s to truncate instead of failing; they then return
 * STRUNCATE when they did truncate. */
#define _TRUNCATE ((size_t)-1)
#define STRUNCATE 80

/*
 * All return 0 on success, EINVAL for a NULL pointer (or, for strcat_s/strncat_s, an
 * unterminated dest), ERANGE when dest (dest_size bytes) is too small. A count of 0 copies
 * nothing and succeeds.
 *
 * A dest_size above SIZE_MAX / 2 (Annex K's RSIZE_MAX: a size computed as a negative number)
 * is EINVAL and nothing is written; so is such a count for memcpy_s and memmove_s.
 *
 * memcpy_s: on EINVAL/ERANGE with a usable dest, dest is zeroed (all dest_size bytes).
 * memmove_s: dest is left untouched on failure; the buffers may overlap.
 * strcpy_s, strncpy_s, strcat_s, strncat_s: on failure with a usable dest, dest[0] = 0.
 */
errno_t memcpy_s(void *dest, size_t dest_size, const void *src, size_t count);
errno_t memmove_s(void *dest, size_t dest_size, const void *src, size_t count);
errno_t strcpy_s(char *dest, size_t dest_size, const char *src);
errno_t strncpy_s(char *dest, size_t dest_size, const char *src, size_t count);
errno_t strcat_s(char *dest, size_t dest_size, const char *src);
errno_t strncat_s(char *dest, size_t dest_size, const char *src, size_t count);
/* strtok_r under the SafeCRT name. */
char *strtok_s(char *string, const char *delimiters, char **save);

/* Writes to untrusted memory in the bridges; see string.h's memcpy_verw. memcpy_s's contract. */
errno_t memcpy_verw_s(void *dest, size_t dest_size, const void *src, size_t count);
errno_t memmove_verw_s(void *dest, size_t dest_size, const void *src, size_t count);

CELLA_LIBC_END

#endif /* CELLA_LIBC_MBUSAFECRT_H */
