/* SPDX-License-Identifier: Apache-2.0 */
/* cella/memory.h: constant-time comparison, secure wiping and range checks on raw memory. */
#ifndef CELLA_MEMORY_H
#define CELLA_MEMORY_H

#include <stdbool.h>
#include <stddef.h>

#include "defs.h"

CELLA_EXTERN_C_BEGIN

/*
 * All functions here are thread safe (they touch only the memory they are given) and usable
 * in trusted code. A pointer that is read or written may be NULL only when its size is 0.
 */

/*
 * Whether the size bytes at a and at b are equal. Runs in time that depends on size only,
 * never on the contents or on where the first difference is: use it for MACs, tags, hashes
 * and anything else an attacker may probe byte by byte. Two empty buffers are equal.
 */
CELLA_API bool cella_memory_equal_ct(const void *a, const void *b, size_t size);

/*
 * Whether all size bytes at p are zero (an empty buffer is), in time that depends on size
 * only. For reserved fields that must be zero and for secrets tested for "unset".
 */
CELLA_API bool cella_memory_is_zero_ct(const void *p, size_t size);

/*
 * Overwrite the size bytes at p with zeros in a way the compiler cannot remove as a dead
 * store, even when p is freed or goes out of scope right after. Wipe secrets (keys,
 * plaintext, decoded key material) on every exit path.
 */
CELLA_API void cella_memory_wipe(void *p, size_t size);

/*
 * Whether the byte ranges [a, a + a_size) and [b, b + b_size) share at least one byte.
 * Compares addresses only, never dereferences. An empty range overlaps nothing, so two
 * buffers that merely touch (one ends where the other starts) do not overlap. A range that
 * would run past the end of the address space describes no real memory; it is reported as
 * overlapping whenever the other range is non-empty, so a caller that rejects overlapping
 * buffers rejects it too. The arithmetic cannot overflow.
 */
CELLA_API bool cella_memory_ranges_overlap(const void *a, size_t a_size, const void *b,
                                           size_t b_size);

CELLA_EXTERN_C_END

#endif /* CELLA_MEMORY_H */
