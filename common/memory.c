/* SPDX-License-Identifier: Apache-2.0 */
/* common/memory.c: constant-time comparison, secure wiping and range checks on raw memory. */
#include <stdint.h>
#include <string.h>

#include <cella/memory.h>

/*
 * An empty asm that claims to read and rewrite value: the optimiser can no longer know
 * what value holds, so it cannot end a loop early once the answer is decided, nor turn an
 * accumulation into a data-dependent branch.
 */
#define HIDE_FROM_OPTIMISER(value) __asm__ __volatile__("" : "+r"(value))

bool cella_memory_equal_ct(const void *a, const void *b, size_t size)
{
    const unsigned char *bytes_a = a;
    const unsigned char *bytes_b = b;
    unsigned int difference = 0;

    for (size_t i = 0; i < size; i++) {
        difference |= (unsigned int)(bytes_a[i] ^ bytes_b[i]);
        HIDE_FROM_OPTIMISER(difference);
    }
    return difference == 0;
}

bool cella_memory_is_zero_ct(const void *p, size_t size)
{
    const unsigned char *bytes = p;
    unsigned int bits = 0;

    for (size_t i = 0; i < size; i++) {
        bits |= bytes[i];
        HIDE_FROM_OPTIMISER(bits);
    }
    return bits == 0;
}

void cella_memory_wipe(void *p, size_t size)
{
    /* memset(NULL, 0, 0) is undefined before C23; an empty wipe has nothing to do. */
    if (size == 0)
        return;
    memset(p, 0, size);
    /*
     * The asm may read any memory reachable from p, so the stores above are not dead even
     * when p is about to be freed or go out of scope; the compiler must keep them.
     */
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

_Static_assert(sizeof(size_t) <= sizeof(uintptr_t), "a size must fit in an address");

bool cella_memory_ranges_overlap(const void *a, size_t a_size, const void *b, size_t b_size)
{
    const uintptr_t a_first = (uintptr_t)a;
    const uintptr_t b_first = (uintptr_t)b;

    if (a_size == 0 || b_size == 0)
        return false;
    /* Address of the last byte of each range; reject ranges whose last byte would wrap. */
    if ((uintptr_t)(a_size - 1) > UINTPTR_MAX - a_first ||
        (uintptr_t)(b_size - 1) > UINTPTR_MAX - b_first)
        return true;
    const uintptr_t a_last = a_first + (uintptr_t)(a_size - 1);
    const uintptr_t b_last = b_first + (uintptr_t)(b_size - 1);
    return a_first <= b_last && b_first <= a_last;
}
