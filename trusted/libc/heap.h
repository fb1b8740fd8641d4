/* SPDX-License-Identifier: Apache-2.0 */
/* heap.h: the trusted C library's allocator core over one memory region (no locking). */
#ifndef CELLA_TLIBC_HEAP_H
#define CELLA_TLIBC_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A two-level segregated-fit allocator (TLSF-style): free blocks sit in lists by size class,
 * two bitmaps find a large-enough class in constant time, neighbours are merged on free with
 * boundary tags. Every block starts with a 16-byte header; payloads are 16-byte aligned.
 *
 * The functions here take no lock: malloc.c serialises them. They never touch memory outside
 * the region given to cella_tlibc_heap_init, and they detect (rather than follow) the headers
 * a buffer overflow or a double free typically leaves behind.
 */

#define CELLA_TLIBC_HEAP_ALIGNMENT    ((size_t)16)
#define CELLA_TLIBC_HEAP_CLASS_LEVELS 64 /* first level: one per power of two */
#define CELLA_TLIBC_HEAP_SUBCLASSES   16 /* second level: each power of two split in 16 */

typedef struct cella_tlibc_heap_block cella_tlibc_heap_block_t;

typedef struct cella_tlibc_heap {
    unsigned char *start; /* the first block */
    unsigned char *end;   /* the sentinel header (a used block of size 0) */
    uint64_t level_bitmap;
    uint32_t class_bitmap[CELLA_TLIBC_HEAP_CLASS_LEVELS];
    cella_tlibc_heap_block_t
        *free_lists[CELLA_TLIBC_HEAP_CLASS_LEVELS][CELLA_TLIBC_HEAP_SUBCLASSES];
} cella_tlibc_heap_t;

typedef enum cella_tlibc_heap_status {
    CELLA_TLIBC_HEAP_OK = 0,
    CELLA_TLIBC_HEAP_NO_MEMORY,       /* no free block is large enough */
    CELLA_TLIBC_HEAP_INVALID_POINTER, /* not a live allocation (double free, foreign pointer) */
    CELLA_TLIBC_HEAP_CORRUPT,         /* a block header was overwritten */
} cella_tlibc_heap_status_t;

/*
 * Takes over [base, base + size). Returns false (and leaves a heap on which every allocation
 * fails) when the region is too small or wraps around the address space.
 */
bool cella_tlibc_heap_init(cella_tlibc_heap_t *heap, void *base, size_t size);

/*
 * Allocates size bytes aligned to alignment (a power of two; values below 16 mean 16) and
 * stores the payload in *out. NO_MEMORY when nothing fits, including sizes too large for any
 * heap; CORRUPT when a free-list entry is damaged.
 */
cella_tlibc_heap_status_t cella_tlibc_heap_alloc(cella_tlibc_heap_t *heap, size_t size,
                                                 size_t alignment, void **out);

/* Releases a payload returned by alloc or realloc. NULL is not accepted here. */
cella_tlibc_heap_status_t cella_tlibc_heap_free(cella_tlibc_heap_t *heap, void *pointer);

/*
 * Resizes the allocation at pointer to size bytes (size > 0), in place when possible,
 * otherwise by allocating, copying and freeing. *out receives the (possibly moved) payload.
 * On NO_MEMORY the old allocation is untouched.
 */
cella_tlibc_heap_status_t cella_tlibc_heap_realloc(cella_tlibc_heap_t *heap, void *pointer,
                                                   size_t size, void **out);

/* The usable size of a live allocation (at least what was asked for); 0 if pointer is invalid. */
size_t cella_tlibc_heap_usable_size(const cella_tlibc_heap_t *heap, const void *pointer);

/*
 * Walks every block and every free list and checks that they agree: sizes, flags, boundary
 * tags, no two free neighbours, every free block listed once in the right class. For tests.
 * free_bytes (may be NULL) receives the total size of the free blocks.
 */
bool cella_tlibc_heap_check(const cella_tlibc_heap_t *heap, size_t *free_bytes);

#endif /* CELLA_TLIBC_HEAP_H */
