/* SPDX-License-Identifier: Apache-2.0 */
/* cella/size.h: overflow-checked arithmetic on sizes and counts. */
#ifndef CELLA_SIZE_H
#define CELLA_SIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "defs.h"

CELLA_EXTERN_C_BEGIN

/*
 * Every helper computes a size_t result without wrapping. Each returns true and stores the
 * result in *out on success; on overflow (or an invalid argument, where noted) it returns
 * false and leaves *out untouched. out must not be NULL. All are thread safe and usable in
 * trusted code.
 *
 *     size_t total;
 *     if (!cella_size_mul(count, sizeof(*items), &total))
 *         return CELLA_ERR_OVERFLOW;
 */

/* *out = a + b. */
CELLA_MUST_CHECK static inline bool cella_size_add(size_t a, size_t b, size_t *out)
{
    size_t result;
    if (__builtin_add_overflow(a, b, &result))
        return false;
    *out = result;
    return true;
}

/* *out = a + b + c. */
CELLA_MUST_CHECK static inline bool cella_size_add3(size_t a, size_t b, size_t c, size_t *out)
{
    size_t partial;
    size_t result;
    if (__builtin_add_overflow(a, b, &partial) || __builtin_add_overflow(partial, c, &result))
        return false;
    *out = result;
    return true;
}

/* *out = a - b; false when b > a. */
CELLA_MUST_CHECK static inline bool cella_size_sub(size_t a, size_t b, size_t *out)
{
    size_t result;
    if (__builtin_sub_overflow(a, b, &result))
        return false;
    *out = result;
    return true;
}

/* *out = a * b. */
CELLA_MUST_CHECK static inline bool cella_size_mul(size_t a, size_t b, size_t *out)
{
    size_t result;
    if (__builtin_mul_overflow(a, b, &result))
        return false;
    *out = result;
    return true;
}

/*
 * *out = the smallest multiple of align that is >= size. align must be a power of two;
 * false when it is not (0 included) or when the rounded size does not fit in size_t.
 */
CELLA_MUST_CHECK static inline bool cella_size_align_up(size_t size, size_t align, size_t *out)
{
    size_t biased;
    if (align == 0 || (align & (align - 1)) != 0)
        return false;
    if (__builtin_add_overflow(size, align - 1, &biased))
        return false;
    *out = biased & ~(align - 1);
    return true;
}

CELLA_EXTERN_C_END

#endif /* CELLA_SIZE_H */
