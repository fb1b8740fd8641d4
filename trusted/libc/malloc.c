/* SPDX-License-Identifier: Apache-2.0 */
/* malloc.c: the trusted C library's thread-safe heap API over the enclave's heap region. */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "hooks.h"
#include "internal.h"

/*
 * One heap, one lock. The lock is a test-and-test-and-set spinlock on a C11 atomic: enclave
 * threads cannot sleep without an OCALL, and the critical sections are short (no call leaves
 * the lock held except the one-time region lookup). A runtime with a futex OCALL may later make
 * waiters sleep in lock_heap(); the protocol (acquire on take, release on give) stays.
 *
 * The region comes from the runtime on first use, under the lock.
 */
static cella_tlibc_heap_t heap;
static atomic_int heap_lock;
static bool heap_ready;  /* guarded by heap_lock */
static bool heap_usable; /* guarded by heap_lock */

static void lock_heap(void)
{
    for (;;) {
        if (atomic_exchange_explicit(&heap_lock, 1, memory_order_acquire) == 0)
            return;
        while (atomic_load_explicit(&heap_lock, memory_order_relaxed) != 0)
            __asm__ volatile("pause");
    }
}

static void unlock_heap(void)
{
    atomic_store_explicit(&heap_lock, 0, memory_order_release);
}

/* Called with the lock held. */
static bool heap_available(void)
{
    if (!heap_ready) {
        heap_usable = cella_tlibc_heap_init(&heap, cella_trts_heap_base(), cella_trts_heap_size());
        heap_ready = true;
    }
    return heap_usable;
}

/* A status other than OK or NO_MEMORY means the heap cannot be trusted any more. */
static void stop_on_damage(cella_tlibc_heap_status_t status, const char *invalid_pointer)
{
    if (status == CELLA_TLIBC_HEAP_INVALID_POINTER)
        cella_tlibc_fatal(invalid_pointer);
    if (status == CELLA_TLIBC_HEAP_CORRUPT)
        cella_tlibc_fatal("heap corruption detected (a buffer overflow overwrote a block header)");
}

static void *allocate(size_t size, size_t alignment)
{
    void *pointer = NULL;
    cella_tlibc_heap_status_t status = CELLA_TLIBC_HEAP_NO_MEMORY;
    lock_heap();
    if (heap_available())
        status = cella_tlibc_heap_alloc(&heap, size, alignment, &pointer);
    unlock_heap();
    if (status == CELLA_TLIBC_HEAP_OK)
        return pointer;
    stop_on_damage(status, "malloc(): invalid heap state");
    errno = ENOMEM;
    return NULL;
}

void *malloc(size_t size)
{
    return allocate(size, CELLA_TLIBC_HEAP_ALIGNMENT);
}

void *calloc(size_t count, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    void *pointer = allocate(total, CELLA_TLIBC_HEAP_ALIGNMENT);
    if (pointer != NULL)
        memset(pointer, 0, total);
    return pointer;
}

void free(void *pointer)
{
    if (pointer == NULL)
        return;
    lock_heap();
    cella_tlibc_heap_status_t status = CELLA_TLIBC_HEAP_INVALID_POINTER;
    if (heap_available())
        status = cella_tlibc_heap_free(&heap, pointer);
    unlock_heap();
    stop_on_damage(status, "free(): pointer not returned by malloc, or freed twice");
}

void *realloc(void *pointer, size_t size)
{
    if (pointer == NULL)
        return malloc(size);
    if (size == 0) {
        free(pointer);
        return NULL;
    }
    void *moved = NULL;
    lock_heap();
    cella_tlibc_heap_status_t status = CELLA_TLIBC_HEAP_INVALID_POINTER;
    if (heap_available())
        status = cella_tlibc_heap_realloc(&heap, pointer, size, &moved);
    unlock_heap();
    if (status == CELLA_TLIBC_HEAP_OK)
        return moved;
    stop_on_damage(status, "realloc(): pointer not returned by malloc, or already freed");
    errno = ENOMEM;
    return NULL;
}

void *reallocarray(void *pointer, size_t count, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(pointer, total);
}

static bool is_power_of_two(size_t value)
{
    return value != 0 && (value & (value - 1)) == 0;
}

void *aligned_alloc(size_t alignment, size_t size)
{
    if (!is_power_of_two(alignment)) {
        errno = EINVAL;
        return NULL;
    }
    return allocate(size, alignment);
}

void *memalign(size_t alignment, size_t size)
{
    return aligned_alloc(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (!is_power_of_two(alignment) || alignment % sizeof(void *) != 0)
        return EINVAL;
    int saved_errno = errno; /* posix_memalign reports through its result only */
    void *pointer = allocate(size, alignment);
    errno = saved_errno;
    if (pointer == NULL)
        return ENOMEM;
    *out = pointer;
    return 0;
}
