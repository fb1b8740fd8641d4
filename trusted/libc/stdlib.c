/* SPDX-License-Identifier: Apache-2.0 */
/* stdlib.c: integer arithmetic helpers and bsearch of the trusted C library. */
#include <inttypes.h>
#include <stdlib.h>

/* abs(INT_MIN) and friends are undefined in C, as everywhere; callers must not pass them. */

int abs(int value)
{
    return value < 0 ? -value : value;
}

long labs(long value)
{
    return value < 0 ? -value : value;
}

long long llabs(long long value)
{
    return value < 0 ? -value : value;
}

intmax_t imaxabs(intmax_t value)
{
    return value < 0 ? -value : value;
}

div_t div(int numerator, int denominator)
{
    div_t result = {numerator / denominator, numerator % denominator};
    return result;
}

ldiv_t ldiv(long numerator, long denominator)
{
    ldiv_t result = {numerator / denominator, numerator % denominator};
    return result;
}

lldiv_t lldiv(long long numerator, long long denominator)
{
    lldiv_t result = {numerator / denominator, numerator % denominator};
    return result;
}

imaxdiv_t imaxdiv(intmax_t numerator, intmax_t denominator)
{
    imaxdiv_t result = {numerator / denominator, numerator % denominator};
    return result;
}

void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*compare)(const void *key, const void *element))
{
    const unsigned char *first = base;
    while (count > 0) {
        size_t half = count / 2;
        const unsigned char *middle = first + half * size;
        int order = compare(key, middle);
        if (order == 0)
            return (void *)(uintptr_t)middle;
        if (order > 0) {
            first = middle + size;
            count -= half + 1;
        } else {
            count = half;
        }
    }
    return NULL;
}
