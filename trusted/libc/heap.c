/* SPDX-License-Identifier: Apache-2.0 */
/* heap.c: the allocator core (two-level segregated fit with boundary tags); see heap.h. */
#include "heap.h"

#include <string.h>

/*
 * Block layout (all sizes multiples of 16):
 *
 *   +0   prev_size  size of the previous block; meaningful only when that block is free
 *   +8   header     this block's size | FREE | PREV_FREE
 *   +16  payload    (free blocks keep their list links here)
 *
 * The next block starts at block + size; the previous one, when PREV_FREE is set, at
 * block - prev_size. A used block of size 0, the sentinel, ends the region so that merging
 * never walks off it. Free blocks are always merged with free neighbours, so two free blocks
 * are never adjacent.
 */
struct cella_tlibc_heap_block {
    size_t prev_size;
    size_t header;
    struct cella_tlibc_heap_block *next_free;
    struct cella_tlibc_heap_block *prev_free;
};

typedef cella_tlibc_heap_block_t block_t;

#define HEADER_BYTES    ((size_t)16)
#define MIN_BLOCK_BYTES ((size_t)32)
#define FLAG_FREE       ((size_t)1)
#define FLAG_PREV_FREE  ((size_t)2)
#define FLAG_MASK       ((size_t)15)

/* Sizes below 2^SMALL_LOG2 map linearly to the 16 classes of level 0 (16 bytes apart). */
#define SUBCLASS_LOG2 4
#define SMALL_LOG2    (SUBCLASS_LOG2 + 4)

/* Requests above this fail at once: it keeps every size computation far from overflow. */
#define MAX_REQUEST_BYTES (SIZE_MAX / 4)

static size_t block_size(const block_t *block)
{
    return block->header & ~FLAG_MASK;
}

static bool block_is_free(const block_t *block)
{
    return (block->header & FLAG_FREE) != 0;
}

static block_t *block_at(unsigned char *address)
{
    return (block_t *)(void *)address;
}

static block_t *block_next(const block_t *block)
{
    return block_at((unsigned char *)(uintptr_t)block + block_size(block));
}

static void *block_payload(block_t *block)
{
    return (unsigned char *)block + HEADER_BYTES;
}

static unsigned int log2_floor(size_t value)
{
    return (unsigned int)(63 - __builtin_clzll((unsigned long long)value));
}

/* The class holding blocks of exactly this size. */
static void class_of(size_t size, unsigned int *level, unsigned int *subclass)
{
    if (size < ((size_t)1 << SMALL_LOG2)) {
        *level = 0;
        *subclass = (unsigned int)(size >> 4);
        return;
    }
    unsigned int log2 = log2_floor(size);
    *level = log2 - (SMALL_LOG2 - 1);
    *subclass = (unsigned int)(size >> (log2 - SUBCLASS_LOG2)) & (CELLA_TLIBC_HEAP_SUBCLASSES - 1);
}

/* The first class whose every block is at least size bytes. */
static void class_for_request(size_t size, unsigned int *level, unsigned int *subclass)
{
    if (size >= ((size_t)1 << SMALL_LOG2))
        size += ((size_t)1 << (log2_floor(size) - SUBCLASS_LOG2)) - 1;
    class_of(size, level, subclass);
}

static void list_insert(cella_tlibc_heap_t *heap, block_t *block)
{
    unsigned int level;
    unsigned int subclass;
    class_of(block_size(block), &level, &subclass);
    block_t *head = heap->free_lists[level][subclass];
    block->next_free = head;
    block->prev_free = NULL;
    if (head != NULL)
        head->prev_free = block;
    heap->free_lists[level][subclass] = block;
    heap->class_bitmap[level] |= 1u << subclass;
    heap->level_bitmap |= 1ull << level;
}

static bool block_in_region(const cella_tlibc_heap_t *heap, const block_t *block);

/*
 * Unlinks a free block, after checking that its list neighbours point back at it (the "safe
 * unlinking" check) and that the block after it agrees on its size (the boundary tag): links
 * or a size overwritten by a use-after-free or an overflow are reported instead of being used
 * as write targets, or of handing out a live neighbour's memory. Returns false, changing
 * nothing, on a damaged list.
 */
static bool list_remove(cella_tlibc_heap_t *heap, block_t *block)
{
    if (!block_in_region(heap, block) || !block_is_free(block))
        return false;
    const block_t *after = block_next(block); /* in the region, or the sentinel */
    if (after->prev_size != block_size(block) || (after->header & FLAG_PREV_FREE) == 0)
        return false;
    unsigned int level;
    unsigned int subclass;
    class_of(block_size(block), &level, &subclass);
    block_t *previous = block->prev_free;
    block_t *next = block->next_free;
    if (previous == NULL) {
        if (heap->free_lists[level][subclass] != block)
            return false;
    } else if (!block_in_region(heap, previous) || previous->next_free != block) {
        return false;
    }
    if (next != NULL && (!block_in_region(heap, next) || next->prev_free != block))
        return false;

    if (previous != NULL)
        previous->next_free = next;
    else
        heap->free_lists[level][subclass] = next;
    if (next != NULL)
        next->prev_free = previous;
    if (heap->free_lists[level][subclass] == NULL) {
        heap->class_bitmap[level] &= ~(1u << subclass);
        if (heap->class_bitmap[level] == 0)
            heap->level_bitmap &= ~(1ull << level);
    }
    return true;
}

/* Marks block (size bytes) free, tells its successor, and lists it. */
static void make_free(cella_tlibc_heap_t *heap, block_t *block, size_t size)
{
    block->header = size | FLAG_FREE | (block->header & FLAG_PREV_FREE);
    block_t *next = block_next(block);
    next->prev_size = size;
    next->header |= FLAG_PREV_FREE;
    list_insert(heap, block);
}

/* True when block lies inside the region with a plausible header. */
static bool block_in_region(const cella_tlibc_heap_t *heap, const block_t *block)
{
    const unsigned char *address = (const unsigned char *)block;
    if ((uintptr_t)address < (uintptr_t)heap->start || (uintptr_t)address >= (uintptr_t)heap->end)
        return false;
    if (((uintptr_t)address & (CELLA_TLIBC_HEAP_ALIGNMENT - 1)) != 0)
        return false;
    size_t size = block_size(block);
    return size >= MIN_BLOCK_BYTES && size <= (size_t)(heap->end - address);
}

bool cella_tlibc_heap_init(cella_tlibc_heap_t *heap, void *base, size_t size)
{
    memset(heap, 0, sizeof(*heap));
    uintptr_t first = (uintptr_t)base;
    uintptr_t limit;
    if (base == NULL || __builtin_add_overflow(first, size, &limit))
        return false;
    if (__builtin_add_overflow(first, CELLA_TLIBC_HEAP_ALIGNMENT - 1, &first))
        return false;
    first &= ~(uintptr_t)(CELLA_TLIBC_HEAP_ALIGNMENT - 1);
    limit &= ~(uintptr_t)(CELLA_TLIBC_HEAP_ALIGNMENT - 1);
    if (limit <= first || limit - first < MIN_BLOCK_BYTES + HEADER_BYTES)
        return false;

    /* Pointer arithmetic from base keeps the provenance of the caller's region. */
    unsigned char *region = base;
    heap->start = region + (first - (uintptr_t)base);
    heap->end = region + (limit - HEADER_BYTES - (uintptr_t)base);

    block_t *sentinel = block_at(heap->end);
    sentinel->header = 0; /* used, size 0 */
    block_t *block = block_at(heap->start);
    block->prev_size = 0;
    block->header = 0; /* no previous block */
    make_free(heap, block, (size_t)(heap->end - heap->start));
    return true;
}

/* How many blocks of the request's own class find_block looks at when no larger class has any. */
#define SAME_CLASS_SCAN 64

/*
 * A free block of at least size bytes, or NULL. First the smallest class whose blocks are all
 * large enough (constant time: two bitmap searches). Failing that, the request's own class may
 * still hold a large-enough block (a request just below a free block's size, such as most of
 * the heap at once): the first SAME_CLASS_SCAN entries are checked, which bounds the time an
 * attacker-shaped heap can make one allocation take.
 */
static block_t *find_block(cella_tlibc_heap_t *heap, size_t size)
{
    unsigned int level;
    unsigned int subclass;
    class_for_request(size, &level, &subclass);
    if (level < CELLA_TLIBC_HEAP_CLASS_LEVELS) {
        uint32_t classes = heap->class_bitmap[level] & (~0u << subclass);
        if (classes == 0 && level + 1 < CELLA_TLIBC_HEAP_CLASS_LEVELS) {
            uint64_t levels = heap->level_bitmap & (~0ull << (level + 1));
            if (levels != 0) {
                level = (unsigned int)__builtin_ctzll(levels);
                classes = heap->class_bitmap[level];
            }
        }
        if (classes != 0)
            return heap->free_lists[level][(unsigned int)__builtin_ctz(classes)];
    }
    class_of(size, &level, &subclass);
    block_t *entry = heap->free_lists[level][subclass];
    for (unsigned int i = 0; entry != NULL && i < SAME_CLASS_SCAN; i++, entry = entry->next_free) {
        /* A damaged entry is returned as is: the caller's checks report it. */
        if (!block_in_region(heap, entry) || block_size(entry) >= size)
            return entry;
    }
    return NULL;
}

/*
 * Cuts block (used) down to size bytes when the rest makes a block of its own, merging the rest
 * with a free successor. False on a damaged free list.
 */
static bool trim(cella_tlibc_heap_t *heap, block_t *block, size_t size)
{
    size_t total = block_size(block);
    if (total - size < MIN_BLOCK_BYTES)
        return true;
    block_t *next = block_next(block);
    bool merge = next != block_at(heap->end) && block_is_free(next);
    if (merge && !list_remove(heap, next))
        return false;
    block->header = size | (block->header & FLAG_PREV_FREE);
    block_t *rest = block_next(block);
    size_t rest_size = total - size + (merge ? block_size(next) : 0);
    rest->header = 0; /* its predecessor, block, is used */
    make_free(heap, rest, rest_size);
    return true;
}

/* The block size that holds a payload of size bytes; false when size is absurd. */
static bool size_for_payload(size_t size, size_t *out)
{
    if (size > MAX_REQUEST_BYTES)
        return false;
    size_t needed =
        (size + HEADER_BYTES + CELLA_TLIBC_HEAP_ALIGNMENT - 1) & ~(CELLA_TLIBC_HEAP_ALIGNMENT - 1);
    *out = needed < MIN_BLOCK_BYTES ? MIN_BLOCK_BYTES : needed;
    return true;
}

/* Marks block used and tells its successor. */
static void make_used(block_t *block)
{
    block->header &= ~FLAG_FREE;
    block_next(block)->header &= ~FLAG_PREV_FREE;
}

cella_tlibc_heap_status_t cella_tlibc_heap_alloc(cella_tlibc_heap_t *heap, size_t size,
                                                 size_t alignment, void **out)
{
    size_t needed;
    if (heap->start == NULL || !size_for_payload(size, &needed))
        return CELLA_TLIBC_HEAP_NO_MEMORY;
    if (alignment < CELLA_TLIBC_HEAP_ALIGNMENT)
        alignment = CELLA_TLIBC_HEAP_ALIGNMENT;
    if ((alignment & (alignment - 1)) != 0 || alignment > MAX_REQUEST_BYTES)
        return CELLA_TLIBC_HEAP_NO_MEMORY;

    /* Room to move the payload up to the next aligned address, leaving a free block before. */
    size_t search = needed;
    if (alignment > CELLA_TLIBC_HEAP_ALIGNMENT)
        search = needed + alignment + MIN_BLOCK_BYTES;

    block_t *block = find_block(heap, search);
    if (block == NULL)
        return CELLA_TLIBC_HEAP_NO_MEMORY;
    if (block_size(block) < search || !list_remove(heap, block))
        return CELLA_TLIBC_HEAP_CORRUPT;
    make_used(block);

    uintptr_t payload = (uintptr_t)block_payload(block);
    if ((payload & (alignment - 1)) != 0) {
        /* Free the leading part: it is at least MIN_BLOCK_BYTES by the choice of target. */
        uintptr_t target =
            (payload + MIN_BLOCK_BYTES + alignment - 1) & ~(uintptr_t)(alignment - 1);
        size_t lead = (size_t)(target - payload);
        size_t total = block_size(block);
        block_t *aligned = block_at((unsigned char *)block + lead);
        aligned->header = total - lead; /* used; PREV_FREE set by make_free below */
        block->header = lead | (block->header & FLAG_PREV_FREE);
        /* block came off a free list, so its predecessor is used: nothing to merge with. */
        make_free(heap, block, lead);
        block = aligned;
    }
    if (!trim(heap, block, needed))
        return CELLA_TLIBC_HEAP_CORRUPT;
    *out = block_payload(block);
    return CELLA_TLIBC_HEAP_OK;
}

/* The used block behind a payload pointer, or NULL when the pointer is not a live allocation. */
static block_t *live_block(const cella_tlibc_heap_t *heap, const void *pointer,
                           cella_tlibc_heap_status_t *status)
{
    *status = CELLA_TLIBC_HEAP_INVALID_POINTER;
    uintptr_t address = (uintptr_t)pointer;
    if (heap->start == NULL || address < (uintptr_t)heap->start + HEADER_BYTES ||
        address >= (uintptr_t)heap->end || (address & (CELLA_TLIBC_HEAP_ALIGNMENT - 1)) != 0)
        return NULL;
    block_t *block = block_at((unsigned char *)(uintptr_t)pointer - HEADER_BYTES);
    if (block_is_free(block))
        return NULL; /* freed already */
    *status = CELLA_TLIBC_HEAP_CORRUPT;
    if (!block_in_region(heap, block))
        return NULL;
    block_t *next = block_next(block);
    if ((next->header & FLAG_PREV_FREE) != 0)
        return NULL;
    if ((block->header & FLAG_PREV_FREE) != 0) {
        if (block->prev_size > (size_t)((unsigned char *)block - heap->start))
            return NULL;
        block_t *previous = block_at((unsigned char *)block - block->prev_size);
        if (!block_in_region(heap, previous) || !block_is_free(previous) ||
            block_size(previous) != block->prev_size)
            return NULL;
    }
    if (next != block_at(heap->end) && !block_in_region(heap, next))
        return NULL;
    *status = CELLA_TLIBC_HEAP_OK;
    return block;
}

cella_tlibc_heap_status_t cella_tlibc_heap_free(cella_tlibc_heap_t *heap, void *pointer)
{
    cella_tlibc_heap_status_t status;
    block_t *block = live_block(heap, pointer, &status);
    if (block == NULL)
        return status;

    size_t size = block_size(block);
    block_t *next = block_next(block);
    if (next != block_at(heap->end) && block_is_free(next)) {
        if (!list_remove(heap, next))
            return CELLA_TLIBC_HEAP_CORRUPT;
        size += block_size(next);
    }
    if ((block->header & FLAG_PREV_FREE) != 0) {
        block_t *previous = block_at((unsigned char *)block - block->prev_size);
        if (!list_remove(heap, previous))
            return CELLA_TLIBC_HEAP_CORRUPT;
        size += block_size(previous);
        block = previous;
    }
    make_free(heap, block, size);
    return CELLA_TLIBC_HEAP_OK;
}

cella_tlibc_heap_status_t cella_tlibc_heap_realloc(cella_tlibc_heap_t *heap, void *pointer,
                                                   size_t size, void **out)
{
    cella_tlibc_heap_status_t status;
    block_t *block = live_block(heap, pointer, &status);
    if (block == NULL)
        return status;
    size_t needed;
    if (!size_for_payload(size, &needed))
        return CELLA_TLIBC_HEAP_NO_MEMORY;

    size_t current = block_size(block);
    if (needed <= current) {
        if (!trim(heap, block, needed))
            return CELLA_TLIBC_HEAP_CORRUPT;
        *out = pointer;
        return CELLA_TLIBC_HEAP_OK;
    }
    block_t *next = block_next(block);
    if (next != block_at(heap->end) && block_is_free(next) &&
        current + block_size(next) >= needed) {
        if (!list_remove(heap, next))
            return CELLA_TLIBC_HEAP_CORRUPT;
        block->header = (current + block_size(next)) | (block->header & FLAG_PREV_FREE);
        make_used(block);
        if (!trim(heap, block, needed))
            return CELLA_TLIBC_HEAP_CORRUPT;
        *out = pointer;
        return CELLA_TLIBC_HEAP_OK;
    }

    void *moved;
    status = cella_tlibc_heap_alloc(heap, size, CELLA_TLIBC_HEAP_ALIGNMENT, &moved);
    if (status != CELLA_TLIBC_HEAP_OK)
        return status;
    memcpy(moved, pointer, current - HEADER_BYTES);
    status = cella_tlibc_heap_free(heap, pointer);
    if (status != CELLA_TLIBC_HEAP_OK)
        return status;
    *out = moved;
    return CELLA_TLIBC_HEAP_OK;
}

size_t cella_tlibc_heap_usable_size(const cella_tlibc_heap_t *heap, const void *pointer)
{
    cella_tlibc_heap_status_t status;
    const block_t *block = live_block(heap, pointer, &status);
    return block == NULL ? 0 : block_size(block) - HEADER_BYTES;
}

/* True when block is in the list of its class. */
static bool listed(const cella_tlibc_heap_t *heap, const block_t *block)
{
    unsigned int level;
    unsigned int subclass;
    class_of(block_size(block), &level, &subclass);
    for (const block_t *entry = heap->free_lists[level][subclass]; entry != NULL;
         entry = entry->next_free) {
        if (entry == block)
            return true;
    }
    return false;
}

bool cella_tlibc_heap_check(const cella_tlibc_heap_t *heap, size_t *free_bytes)
{
    size_t free_total = 0;
    size_t free_count = 0;
    if (heap->start == NULL)
        return false;

    bool previous_free = false;
    size_t previous_size = 0;
    const unsigned char *address = heap->start;
    while (address != heap->end) {
        const block_t *block = (const block_t *)(const void *)address;
        if (!block_in_region(heap, block))
            return false;
        bool flagged_prev_free = (block->header & FLAG_PREV_FREE) != 0;
        if (flagged_prev_free != previous_free)
            return false;
        if (previous_free && block->prev_size != previous_size)
            return false;
        if (block_is_free(block)) {
            if (previous_free || !listed(heap, block))
                return false;
            free_total += block_size(block);
            free_count++;
        }
        previous_free = block_is_free(block);
        previous_size = block_size(block);
        address += block_size(block);
    }
    const block_t *sentinel = (const block_t *)(const void *)heap->end;
    if (block_size(sentinel) != 0 || block_is_free(sentinel) ||
        ((sentinel->header & FLAG_PREV_FREE) != 0) != previous_free)
        return false;

    /* Every listed block must be one of the free blocks counted above, in the right class. */
    size_t listed_count = 0;
    for (unsigned int level = 0; level < CELLA_TLIBC_HEAP_CLASS_LEVELS; level++) {
        for (unsigned int subclass = 0; subclass < CELLA_TLIBC_HEAP_SUBCLASSES; subclass++) {
            const block_t *entry = heap->free_lists[level][subclass];
            bool bit = (heap->class_bitmap[level] >> subclass) & 1;
            if (bit != (entry != NULL))
                return false;
            for (; entry != NULL; entry = entry->next_free) {
                unsigned int entry_level;
                unsigned int entry_subclass;
                if (!block_in_region(heap, entry) || !block_is_free(entry))
                    return false;
                class_of(block_size(entry), &entry_level, &entry_subclass);
                if (entry_level != level || entry_subclass != subclass)
                    return false;
                if (++listed_count > free_count)
                    return false;
            }
        }
        if (((heap->level_bitmap >> level) & 1) != (heap->class_bitmap[level] != 0))
            return false;
    }
    if (listed_count != free_count)
        return false;
    if (free_bytes != NULL)
        *free_bytes = free_total;
    return true;
}
