/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/memory.c: checked allocation with failure injection, and a bump arena. */
#include "memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t allocations_left = SIZE_MAX;

static int allocation_allowed(void)
{
    if (allocations_left == SIZE_MAX)
        return 1;
    if (allocations_left == 0)
        return 0;
    allocations_left--;
    return 1;
}

void cella_edl_memory_fail_after(size_t count)
{
    allocations_left = count;
}

void *cella_edl_malloc(size_t size)
{
    if (!allocation_allowed())
        return NULL;
    return malloc(size == 0 ? 1 : size);
}

void *cella_edl_realloc(void *pointer, size_t size)
{
    if (!allocation_allowed())
        return NULL;
    return realloc(pointer, size == 0 ? 1 : size);
}

void cella_edl_free(void *pointer)
{
    free(pointer);
}

/* Chunks are chained newest first; big requests get a chunk of their own. */
#define ARENA_CHUNK_BYTES ((size_t)32 * 1024)
#define ARENA_ALIGN       ((size_t)16)
/* No single allocation in the front end comes near this; it keeps the arithmetic safe. */
#define ARENA_MAX_ALLOC_BYTES ((size_t)1 << 30)

struct arena_chunk {
    struct arena_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    /* data follows, aligned */
};

struct cella_edl_arena {
    struct arena_chunk *chunks;
};

static size_t chunk_header_size(void)
{
    return (sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

static unsigned char *chunk_data(struct arena_chunk *chunk)
{
    return (unsigned char *)chunk + chunk_header_size();
}

cella_edl_arena_t *cella_edl_arena_create(void)
{
    cella_edl_arena_t *arena = cella_edl_malloc(sizeof(*arena));
    if (arena != NULL)
        arena->chunks = NULL;
    return arena;
}

void cella_edl_arena_destroy(cella_edl_arena_t *arena)
{
    if (arena == NULL)
        return;
    struct arena_chunk *chunk = arena->chunks;
    while (chunk != NULL) {
        struct arena_chunk *next = chunk->next;
        cella_edl_free(chunk);
        chunk = next;
    }
    cella_edl_free(arena);
}

void *cella_edl_arena_alloc(cella_edl_arena_t *arena, size_t size)
{
    if (size > ARENA_MAX_ALLOC_BYTES)
        return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (rounded == 0)
        rounded = ARENA_ALIGN;
    struct arena_chunk *chunk = arena->chunks;
    if (chunk == NULL || chunk->size - chunk->used < rounded) {
        size_t data_size = rounded > ARENA_CHUNK_BYTES / 4 ? rounded : ARENA_CHUNK_BYTES;
        struct arena_chunk *fresh = cella_edl_malloc(chunk_header_size() + data_size);
        if (fresh == NULL)
            return NULL;
        fresh->size = data_size;
        fresh->used = 0;
        if (data_size == rounded && chunk != NULL) {
            /* A chunk of its own: keep filling the current one afterwards. */
            fresh->next = chunk->next;
            chunk->next = fresh;
        } else {
            fresh->next = chunk;
            arena->chunks = fresh;
        }
        chunk = fresh;
    }
    unsigned char *result = chunk_data(chunk) + chunk->used;
    chunk->used += rounded;
    memset(result, 0, rounded);
    return result;
}

char *cella_edl_arena_strndup(cella_edl_arena_t *arena, const char *text, size_t length)
{
    if (length >= ARENA_MAX_ALLOC_BYTES)
        return NULL;
    char *copy = cella_edl_arena_alloc(arena, length + 1);
    if (copy == NULL)
        return NULL;
    if (length > 0)
        memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

int cella_edl_arena_reserve(cella_edl_arena_t *arena, void **items, size_t elem_size, size_t count,
                            size_t *capacity)
{
    if (count < *capacity)
        return 0;
    size_t wanted = *capacity < 4 ? 4 : *capacity;
    if (__builtin_mul_overflow(wanted, (size_t)2, &wanted))
        return -1;
    size_t bytes;
    if (__builtin_mul_overflow(wanted, elem_size, &bytes))
        return -1;
    void *grown = cella_edl_arena_alloc(arena, bytes);
    if (grown == NULL)
        return -1;
    if (count > 0)
        memcpy(grown, *items, count * elem_size);
    *items = grown;
    *capacity = wanted;
    return 0;
}
