/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/memory.h: checked allocation and the arena that holds an EDL syntax tree. */
#ifndef CELLA_EDGER8R_MEMORY_H
#define CELLA_EDGER8R_MEMORY_H

#include <stddef.h>

#include <cella/defs.h>

/*
 * Every allocation of the EDL front end goes through these three functions, so a test can
 * make the n-th allocation fail and check that the failure becomes a diagnostic, never a
 * crash or a leak. They behave like malloc/realloc/free; cella_edl_realloc(p, 0) is not
 * allowed (callers never shrink to zero).
 */
CELLA_MUST_CHECK void *cella_edl_malloc(size_t size);
CELLA_MUST_CHECK void *cella_edl_realloc(void *pointer, size_t size);
void cella_edl_free(void *pointer);

/*
 * Test hook: after `count` more successful allocations, every allocation fails until the
 * hook is reset with SIZE_MAX (the default: never fail). Not thread-safe; tests only.
 */
void cella_edl_memory_fail_after(size_t count);

/*
 * An arena: many small allocations released together. The syntax tree of every file and of
 * the program lives in one arena, so destroying the program is one call whatever its shape.
 * Allocations are 16-byte aligned and zero-filled.
 */
typedef struct cella_edl_arena cella_edl_arena_t;

/* A new, empty arena; NULL when out of memory. */
cella_edl_arena_t *cella_edl_arena_create(void);

/* Releases the arena and everything allocated from it. NULL is a no-op. */
void cella_edl_arena_destroy(cella_edl_arena_t *arena);

/* `size` zeroed bytes from the arena; NULL when out of memory or when size is absurd. */
CELLA_MUST_CHECK void *cella_edl_arena_alloc(cella_edl_arena_t *arena, size_t size);

/* A NUL-terminated copy of text[0..length) in the arena; NULL when out of memory. */
CELLA_MUST_CHECK char *cella_edl_arena_strndup(cella_edl_arena_t *arena, const char *text,
                                               size_t length);

/*
 * Grows an arena array to hold at least count + 1 elements of elem_size bytes. *items and
 * *capacity are updated on success; the old block is left in the arena (arrays only grow, so
 * the waste is bounded by the final size). Returns 0 on success, -1 when out of memory or
 * on size overflow.
 */
CELLA_MUST_CHECK int cella_edl_arena_reserve(cella_edl_arena_t *arena, void **items,
                                             size_t elem_size, size_t count, size_t *capacity);

#endif /* CELLA_EDGER8R_MEMORY_H */
