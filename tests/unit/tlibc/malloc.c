/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/heap.c (the allocator core) and malloc.c (the locked heap API). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_hooks.h"
#include "tlibc.h"
#include "trusted/libc/heap.h"

static uint64_t next_random(uint64_t *rng_state)
{
    *rng_state ^= *rng_state << 13;
    *rng_state ^= *rng_state >> 7;
    *rng_state ^= *rng_state << 17;
    return *rng_state;
}

static bool is_aligned(const void *pointer, size_t alignment)
{
    return ((uintptr_t)pointer & (alignment - 1)) == 0;
}

/* --- the allocator core on small regions ---------------------------------------------------- */

static _Alignas(64) unsigned char region[1 << 16];

static void heap_init_refuses_regions_too_small_or_wrapping(void **state)
{
    cella_tlibc_heap_t heap;
    void *out = NULL;
    (void)state;
    assert_false(cella_tlibc_heap_init(&heap, NULL, 4096));
    assert_false(cella_tlibc_heap_init(&heap, region, 47));
    assert_false(cella_tlibc_heap_init(&heap, region + 1, 48)); /* 47 usable after alignment */
    assert_false(cella_tlibc_heap_init(&heap, (void *)(UINTPTR_MAX - 64), 4096));
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 1, 0, &out), CELLA_TLIBC_HEAP_NO_MEMORY);
    assert_true(cella_tlibc_heap_init(&heap, region, 48));
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 16, 0, &out), CELLA_TLIBC_HEAP_OK);
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 1, 0, &out), CELLA_TLIBC_HEAP_NO_MEMORY);
}

static void heap_exhaustion_is_no_memory_and_freeing_everything_restores_one_block(void **state)
{
    cella_tlibc_heap_t heap;
    void *blocks[512];
    size_t count = 0;
    size_t initial_free = 0;
    size_t free_now = 0;
    (void)state;
    assert_true(cella_tlibc_heap_init(&heap, region + 3, 4096));
    assert_true(cella_tlibc_heap_check(&heap, &initial_free));
    while (count < 512 &&
           cella_tlibc_heap_alloc(&heap, 40, 0, &blocks[count]) == CELLA_TLIBC_HEAP_OK) {
        assert_true(is_aligned(blocks[count], 16));
        assert_true((unsigned char *)blocks[count] >= region + 3);
        assert_true((unsigned char *)blocks[count] + 40 <= region + 3 + 4096);
        memset(blocks[count], (int)count, 40);
        count++;
    }
    assert_true(count >= 4096 / 64 - 2); /* 40 bytes + 16 of header = 64 per block */
    assert_true(cella_tlibc_heap_check(&heap, NULL));
    /* Free in an interleaved order so that merging happens in both directions. */
    for (size_t i = 0; i < count; i += 2)
        assert_int_equal(cella_tlibc_heap_free(&heap, blocks[i]), CELLA_TLIBC_HEAP_OK);
    assert_true(cella_tlibc_heap_check(&heap, NULL));
    for (size_t i = 1; i < count; i += 2) {
        for (size_t j = 0; j < 40; j++)
            assert_int_equal(((unsigned char *)blocks[i])[j], (unsigned char)i);
        assert_int_equal(cella_tlibc_heap_free(&heap, blocks[i]), CELLA_TLIBC_HEAP_OK);
    }
    assert_true(cella_tlibc_heap_check(&heap, &free_now));
    assert_int_equal(free_now, initial_free);
    void *whole = NULL;
    assert_int_equal(cella_tlibc_heap_alloc(&heap, initial_free - 16, 0, &whole),
                     CELLA_TLIBC_HEAP_OK);
}

static void heap_survives_random_operations_with_intact_contents(void **state)
{
    enum { SLOTS = 64 };
    cella_tlibc_heap_t heap;
    void *pointers[SLOTS] = {0};
    size_t sizes[SLOTS] = {0};
    unsigned char tags[SLOTS] = {0};
    uint64_t rng = 0x1234567;
    size_t initial_free = 0;
    (void)state;
    assert_true(cella_tlibc_heap_init(&heap, region, sizeof(region)));
    assert_true(cella_tlibc_heap_check(&heap, &initial_free));
    for (int step = 0; step < 20000; step++) {
        size_t slot = next_random(&rng) % SLOTS;
        uint64_t choice = next_random(&rng) % 10;
        size_t size = next_random(&rng) % (choice == 0 ? 8000 : 300);
        size_t alignment = (size_t)1 << (next_random(&rng) % 10);
        if (pointers[slot] != NULL) {
            for (size_t i = 0; i < sizes[slot]; i++)
                assert_int_equal(((unsigned char *)pointers[slot])[i], tags[slot]);
        }
        if (pointers[slot] == NULL) {
            void *out = NULL;
            cella_tlibc_heap_status_t status = cella_tlibc_heap_alloc(&heap, size, alignment, &out);
            assert_true(status == CELLA_TLIBC_HEAP_OK || status == CELLA_TLIBC_HEAP_NO_MEMORY);
            if (status == CELLA_TLIBC_HEAP_OK) {
                assert_true(is_aligned(out, alignment < 16 ? 16 : alignment));
                assert_true(cella_tlibc_heap_usable_size(&heap, out) >= size);
                pointers[slot] = out;
                sizes[slot] = size;
            }
        } else if (choice < 4 && size > 0) {
            void *out = NULL;
            cella_tlibc_heap_status_t status =
                cella_tlibc_heap_realloc(&heap, pointers[slot], size, &out);
            assert_true(status == CELLA_TLIBC_HEAP_OK || status == CELLA_TLIBC_HEAP_NO_MEMORY);
            if (status == CELLA_TLIBC_HEAP_OK) {
                pointers[slot] = out;
                sizes[slot] = sizes[slot] < size ? sizes[slot] : size;
            }
        } else {
            assert_int_equal(cella_tlibc_heap_free(&heap, pointers[slot]), CELLA_TLIBC_HEAP_OK);
            pointers[slot] = NULL;
            sizes[slot] = 0;
        }
        if (pointers[slot] != NULL) {
            tags[slot] = (unsigned char)next_random(&rng);
            memset(pointers[slot], tags[slot], sizes[slot]);
        }
        assert_true(cella_tlibc_heap_check(&heap, NULL));
    }
    for (size_t slot = 0; slot < SLOTS; slot++) {
        if (pointers[slot] != NULL)
            assert_int_equal(cella_tlibc_heap_free(&heap, pointers[slot]), CELLA_TLIBC_HEAP_OK);
    }
    size_t final_free = 0;
    assert_true(cella_tlibc_heap_check(&heap, &final_free));
    assert_int_equal(final_free, initial_free);
}

static void realloc_grows_and_shrinks_in_place_when_it_can(void **state)
{
    cella_tlibc_heap_t heap;
    void *first = NULL;
    void *second = NULL;
    void *out = NULL;
    (void)state;
    assert_true(cella_tlibc_heap_init(&heap, region, 4096));
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 100, 0, &first), CELLA_TLIBC_HEAP_OK);
    memset(first, 'a', 100);
    assert_int_equal(cella_tlibc_heap_realloc(&heap, first, 1000, &out), CELLA_TLIBC_HEAP_OK);
    assert_ptr_equal(out, first); /* the free space after it was taken */
    assert_int_equal(cella_tlibc_heap_realloc(&heap, first, 50, &out), CELLA_TLIBC_HEAP_OK);
    assert_ptr_equal(out, first);
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 100, 0, &second), CELLA_TLIBC_HEAP_OK);
    /* Now first cannot grow in place: it moves, keeping its contents. */
    assert_int_equal(cella_tlibc_heap_realloc(&heap, first, 500, &out), CELLA_TLIBC_HEAP_OK);
    assert_ptr_not_equal(out, first);
    for (size_t i = 0; i < 50; i++)
        assert_int_equal(((unsigned char *)out)[i], 'a');
    /* Too large: NO_MEMORY, and the allocation is unchanged. */
    void *kept = out;
    assert_int_equal(cella_tlibc_heap_realloc(&heap, kept, 1 << 20, &out),
                     CELLA_TLIBC_HEAP_NO_MEMORY);
    assert_int_equal(((unsigned char *)kept)[0], 'a');
    assert_true(cella_tlibc_heap_check(&heap, NULL));
}

static void bad_pointers_and_double_frees_are_detected(void **state)
{
    cella_tlibc_heap_t heap;
    void *block = NULL;
    void *other = NULL;
    (void)state;
    assert_true(cella_tlibc_heap_init(&heap, region, 4096));
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 64, 0, &block), CELLA_TLIBC_HEAP_OK);
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 64, 0, &other), CELLA_TLIBC_HEAP_OK);
    int on_stack = 0;
    assert_int_equal(cella_tlibc_heap_free(&heap, &on_stack), CELLA_TLIBC_HEAP_INVALID_POINTER);
    assert_int_equal(cella_tlibc_heap_free(&heap, (unsigned char *)block + 8),
                     CELLA_TLIBC_HEAP_INVALID_POINTER);
    assert_int_equal(cella_tlibc_heap_free(&heap, region + 8192), CELLA_TLIBC_HEAP_INVALID_POINTER);
    assert_int_equal(cella_tlibc_heap_free(&heap, block), CELLA_TLIBC_HEAP_OK);
    assert_int_equal(cella_tlibc_heap_free(&heap, block), CELLA_TLIBC_HEAP_INVALID_POINTER);
    void *out = NULL;
    assert_int_equal(cella_tlibc_heap_realloc(&heap, block, 10, &out),
                     CELLA_TLIBC_HEAP_INVALID_POINTER);
    assert_int_equal(cella_tlibc_heap_usable_size(&heap, block), 0);
    assert_true(cella_tlibc_heap_check(&heap, NULL));

    /* An overflow from the block before rewrites other's size: caught, not followed. */
    unsigned char saved_header[16];
    memcpy(saved_header, (unsigned char *)other - 16, sizeof(saved_header));
    size_t bogus_header = (size_t)1 << 40;
    memcpy((unsigned char *)other - 8, &bogus_header, sizeof(bogus_header));
    assert_int_equal(cella_tlibc_heap_free(&heap, other), CELLA_TLIBC_HEAP_CORRUPT);
    assert_false(cella_tlibc_heap_check(&heap, NULL));
    /* Bytes that mark it free make it look freed already: refused all the same. */
    memset((unsigned char *)other - 16, 0xff, 16);
    assert_int_equal(cella_tlibc_heap_free(&heap, other), CELLA_TLIBC_HEAP_INVALID_POINTER);
    memcpy((unsigned char *)other - 16, saved_header, sizeof(saved_header));
    assert_true(cella_tlibc_heap_check(&heap, NULL));
}

static void damaged_free_list_links_are_reported_not_followed(void **state)
{
    cella_tlibc_heap_t heap;
    void *blocks[3];
    (void)state;
    assert_true(cella_tlibc_heap_init(&heap, region, 4096));
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(cella_tlibc_heap_alloc(&heap, 64, 0, &blocks[i]), CELLA_TLIBC_HEAP_OK);
    assert_int_equal(cella_tlibc_heap_free(&heap, blocks[0]), CELLA_TLIBC_HEAP_OK);
    /* A use after free overwrites the freed block's list links (its first payload bytes). */
    void *target = &heap;
    memcpy(blocks[0], &target, sizeof(target));
    memcpy((unsigned char *)blocks[0] + 8, &target, sizeof(target));
    void *out = NULL;
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 64, 0, &out), CELLA_TLIBC_HEAP_CORRUPT);
    /* Freeing its neighbour would merge with it: also refused. */
    assert_int_equal(cella_tlibc_heap_free(&heap, blocks[1]), CELLA_TLIBC_HEAP_CORRUPT);
}

/*
 * An overflow into a free neighbour that gives it a larger size of the same class: taking
 * that block would hand out the live block after it. The boundary tag (the size the next
 * block records) disagrees, so the allocation is refused and the live block stays whole.
 */
static void a_free_blocks_enlarged_size_is_caught_by_its_boundary_tag(void **state)
{
    cella_tlibc_heap_t heap;
    void *before = NULL, *freed = NULL, *live = NULL, *out = NULL;
    (void)state;
    assert_true(cella_tlibc_heap_init(&heap, region, 1 << 16));
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 100, 0, &before), CELLA_TLIBC_HEAP_OK);
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 1000, 0, &freed), CELLA_TLIBC_HEAP_OK);
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 100, 0, &live), CELLA_TLIBC_HEAP_OK);
    memset(live, 'T', 100);
    assert_int_equal(cella_tlibc_heap_free(&heap, freed), CELLA_TLIBC_HEAP_OK);

    /* 16 bytes past `before`'s usable size: the free block's header, now 48 bytes larger. */
    size_t usable = cella_tlibc_heap_usable_size(&heap, before);
    size_t forged[2];
    memcpy(forged, (unsigned char *)before + usable, sizeof(forged));
    forged[1] += 48;
    memcpy((unsigned char *)before + usable, forged, sizeof(forged));
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 1000, 0, &out), CELLA_TLIBC_HEAP_CORRUPT);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(((unsigned char *)live)[i], 'T');
}

static void aligned_allocations_honour_every_power_of_two(void **state)
{
    cella_tlibc_heap_t heap;
    void *pointers[13];
    (void)state;
    assert_true(cella_tlibc_heap_init(&heap, region + 16, sizeof(region) - 16));
    for (unsigned int shift = 0; shift < 13; shift++) {
        size_t alignment = (size_t)1 << shift;
        assert_int_equal(cella_tlibc_heap_alloc(&heap, 24, alignment, &pointers[shift]),
                         CELLA_TLIBC_HEAP_OK);
        assert_true(is_aligned(pointers[shift], alignment < 16 ? 16 : alignment));
        assert_true(cella_tlibc_heap_check(&heap, NULL));
    }
    for (unsigned int shift = 0; shift < 13; shift++)
        assert_int_equal(cella_tlibc_heap_free(&heap, pointers[shift]), CELLA_TLIBC_HEAP_OK);
    assert_true(cella_tlibc_heap_check(&heap, NULL));
    void *out = NULL;
    assert_int_equal(cella_tlibc_heap_alloc(&heap, 16, 48, &out), CELLA_TLIBC_HEAP_NO_MEMORY);
    assert_int_equal(cella_tlibc_heap_alloc(&heap, SIZE_MAX - 8, 0, &out),
                     CELLA_TLIBC_HEAP_NO_MEMORY);
}

/* --- the malloc API over the runtime's heap region ------------------------------------------ */

static void malloc_returns_16_byte_aligned_distinct_blocks(void **state)
{
    void *pointers[200];
    (void)state;
    for (size_t i = 0; i < 200; i++) {
        pointers[i] = cella_tlibc_malloc(i * 7);
        assert_non_null(pointers[i]);
        assert_true(is_aligned(pointers[i], 16));
        unsigned char *p = pointers[i];
        assert_true(p >= (unsigned char *)test_hooks_heap_base());
        assert_true(p + i * 7 <= (unsigned char *)test_hooks_heap_base() + test_hooks_heap_size());
        memset(pointers[i], (int)i, i * 7);
    }
    for (size_t i = 0; i < 200; i++) {
        for (size_t j = 0; j < i * 7; j++)
            assert_int_equal(((unsigned char *)pointers[i])[j], (unsigned char)i);
        cella_tlibc_free(pointers[i]);
    }
    cella_tlibc_free(NULL);
}

static void calloc_zeroes_reused_memory_and_refuses_overflowing_sizes(void **state)
{
    (void)state;
    unsigned char *dirty = cella_tlibc_malloc(4096);
    assert_non_null(dirty);
    memset(dirty, 0xcc, 4096);
    cella_tlibc_free(dirty);
    unsigned char *zeroed = cella_tlibc_calloc(64, 64);
    assert_non_null(zeroed);
    for (size_t i = 0; i < 4096; i++)
        assert_int_equal(zeroed[i], 0);
    cella_tlibc_free(zeroed);

    *test_hooks_errno() = 0;
    assert_null(cella_tlibc_calloc(SIZE_MAX / 2, 3));
    assert_int_equal(*test_hooks_errno(), ENOMEM);
    *test_hooks_errno() = 0;
    assert_null(cella_tlibc_calloc((size_t)1 << 32, (size_t)1 << 32));
    assert_int_equal(*test_hooks_errno(), ENOMEM);
}

static void exhaustion_returns_null_with_enomem_and_everything_comes_back(void **state)
{
    enum { CHUNK = 1 << 20 };
    void *chunks[64];
    size_t count = 0;
    (void)state;
    *test_hooks_errno() = 0;
    assert_null(cella_tlibc_malloc(SIZE_MAX));
    assert_int_equal(*test_hooks_errno(), ENOMEM);
    *test_hooks_errno() = 0;
    assert_null(cella_tlibc_malloc(test_hooks_heap_size()));
    assert_int_equal(*test_hooks_errno(), ENOMEM);

    *test_hooks_errno() = 0;
    while (count < 64 && (chunks[count] = cella_tlibc_malloc(CHUNK)) != NULL)
        count++;
    assert_true(count < 64);
    assert_int_equal(*test_hooks_errno(), ENOMEM);
    assert_true(count * CHUNK >= test_hooks_heap_size() * 9 / 10);
    for (size_t i = 0; i < count; i++)
        cella_tlibc_free(chunks[i]);
    /* All of it merged back into one block. */
    void *big = cella_tlibc_malloc(test_hooks_heap_size() - 65536);
    assert_non_null(big);
    cella_tlibc_free(big);
}

static void realloc_follows_c_and_glibc(void **state)
{
    (void)state;
    char *p = cella_tlibc_realloc(NULL, 10);
    assert_non_null(p);
    memcpy(p, "abcdefghij", 10);
    p = cella_tlibc_realloc(p, 100000);
    assert_non_null(p);
    assert_memory_equal(p, "abcdefghij", 10);
    p = cella_tlibc_realloc(p, 4);
    assert_non_null(p);
    assert_memory_equal(p, "abcd", 4);
    *test_hooks_errno() = 0;
    assert_null(cella_tlibc_realloc(p, SIZE_MAX - 100));
    assert_int_equal(*test_hooks_errno(), ENOMEM);
    assert_memory_equal(p, "abcd", 4); /* still allocated */
    assert_null(cella_tlibc_reallocarray(p, SIZE_MAX / 2, 4));
    assert_memory_equal(p, "abcd", 4);
    p = cella_tlibc_reallocarray(p, 10, 10);
    assert_non_null(p);
    assert_null(cella_tlibc_realloc(p, 0)); /* frees */
    void *zero = cella_tlibc_malloc(0);
    assert_non_null(zero);
    cella_tlibc_free(zero);
}

static void aligned_allocation_functions_check_their_alignment(void **state)
{
    void *out = (void *)&out;
    (void)state;
    static const size_t bad_posix[] = {0, 3, 4, 12, 24, 1000};
    for (size_t i = 0; i < sizeof(bad_posix) / sizeof(bad_posix[0]); i++) {
        *test_hooks_errno() = 0;
        assert_int_equal(cella_tlibc_posix_memalign(&out, bad_posix[i], 16), EINVAL);
        assert_ptr_equal(out, (void *)&out); /* untouched on failure */
        assert_int_equal(*test_hooks_errno(), 0);
    }
    assert_int_equal(cella_tlibc_posix_memalign(&out, 64, SIZE_MAX - 64), ENOMEM);
    for (size_t alignment = 8; alignment <= (1 << 20); alignment <<= 1) {
        assert_int_equal(cella_tlibc_posix_memalign(&out, alignment, 100), 0);
        assert_true(is_aligned(out, alignment));
        cella_tlibc_free(out);
        void *aligned = cella_tlibc_aligned_alloc(alignment, alignment * 2);
        assert_non_null(aligned);
        assert_true(is_aligned(aligned, alignment));
        cella_tlibc_free(aligned);
        void *legacy = cella_tlibc_memalign(alignment, 1);
        assert_true(is_aligned(legacy, alignment));
        cella_tlibc_free(legacy);
    }
    *test_hooks_errno() = 0;
    assert_null(cella_tlibc_aligned_alloc(48, 96));
    assert_int_equal(*test_hooks_errno(), EINVAL);
    assert_null(cella_tlibc_memalign(0, 16));
}

static void freeing_a_foreign_or_freed_pointer_stops_the_enclave(void **state)
{
    jmp_buf target;
    int on_stack = 0;
    (void)state;
    test_hooks_reset();
    test_hooks.abort_target = &target;
    if (setjmp(target) == 0) {
        cella_tlibc_free(&on_stack);
        fail_msg("free of a stack address returned");
    }
    assert_int_equal(test_hooks.abort_calls, 1);
    assert_non_null(
        strstr(test_hooks.printed,
               "enclave aborted: free(): pointer not returned by malloc, or freed twice"));

    void *block = cella_tlibc_malloc(32);
    cella_tlibc_free(block);
    if (setjmp(target) == 0) {
        cella_tlibc_free(block);
        fail_msg("a double free returned");
    }
    assert_int_equal(test_hooks.abort_calls, 2);
    if (setjmp(target) == 0) {
        (void)cella_tlibc_realloc(block, 64);
        fail_msg("realloc of a freed block returned");
    }
    assert_int_equal(test_hooks.abort_calls, 3);
    assert_non_null(strstr(test_hooks.printed, "realloc(): pointer not returned by malloc"));
    test_hooks_reset();
    /* The heap (and its lock) still work afterwards. */
    void *after = cella_tlibc_malloc(16);
    assert_non_null(after);
    cella_tlibc_free(after);
}

/* Four threads allocate, fill, check, resize and free at random; any overlap or lost update
 * shows up as a wrong byte. */
typedef struct stress_thread {
    unsigned int id;
    unsigned long errors;
    unsigned long operations;
} stress_thread_t;

static void *stress(void *argument)
{
    enum { SLOTS = 256 };
    stress_thread_t *thread = argument;
    unsigned char *pointers[SLOTS] = {0};
    size_t sizes[SLOTS] = {0};
    uint64_t rng = 0x9e3779b97f4a7c15ull * (thread->id + 1);
    for (int step = 0; step < 60000; step++) {
        size_t slot = next_random(&rng) % SLOTS;
        unsigned char tag = (unsigned char)(thread->id * 64 + slot % 64);
        for (size_t i = 0; i < sizes[slot]; i++) {
            if (pointers[slot][i] != tag) {
                thread->errors++;
                break;
            }
        }
        uint64_t choice = next_random(&rng) % 10;
        size_t size = next_random(&rng) % (choice == 0 ? 32768 : 1024);
        if (pointers[slot] == NULL) {
            pointers[slot] = cella_tlibc_malloc(size);
            sizes[slot] = pointers[slot] != NULL ? size : 0;
        } else if (choice < 3) {
            unsigned char *moved = cella_tlibc_realloc(pointers[slot], size + 1);
            if (moved != NULL) {
                pointers[slot] = moved;
                sizes[slot] = sizes[slot] < size + 1 ? sizes[slot] : size + 1;
            }
        } else {
            cella_tlibc_free(pointers[slot]);
            pointers[slot] = NULL;
            sizes[slot] = 0;
        }
        if (pointers[slot] != NULL) {
            if (((uintptr_t)pointers[slot] & 15) != 0)
                thread->errors++;
            memset(pointers[slot], tag, sizes[slot]);
        }
        thread->operations++;
    }
    for (size_t slot = 0; slot < SLOTS; slot++)
        cella_tlibc_free(pointers[slot]);
    return NULL;
}

static void four_threads_share_the_heap_without_corruption(void **state)
{
    pthread_t threads[4];
    stress_thread_t contexts[4];
    (void)state;
    for (unsigned int i = 0; i < 4; i++) {
        contexts[i] = (stress_thread_t){i, 0, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, stress, &contexts[i]), 0);
    }
    for (unsigned int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(contexts[i].errors, 0);
        assert_int_equal(contexts[i].operations, 60000);
    }
    void *big = cella_tlibc_malloc(test_hooks_heap_size() - 65536);
    assert_non_null(big);
    cella_tlibc_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heap_init_refuses_regions_too_small_or_wrapping),
        cmocka_unit_test(heap_exhaustion_is_no_memory_and_freeing_everything_restores_one_block),
        cmocka_unit_test(heap_survives_random_operations_with_intact_contents),
        cmocka_unit_test(realloc_grows_and_shrinks_in_place_when_it_can),
        cmocka_unit_test(bad_pointers_and_double_frees_are_detected),
        cmocka_unit_test(damaged_free_list_links_are_reported_not_followed),
        cmocka_unit_test(a_free_blocks_enlarged_size_is_caught_by_its_boundary_tag),
        cmocka_unit_test(aligned_allocations_honour_every_power_of_two),
        cmocka_unit_test(malloc_returns_16_byte_aligned_distinct_blocks),
        cmocka_unit_test(calloc_zeroes_reused_memory_and_refuses_overflowing_sizes),
        cmocka_unit_test(exhaustion_returns_null_with_enomem_and_everything_comes_back),
        cmocka_unit_test(realloc_follows_c_and_glibc),
        cmocka_unit_test(aligned_allocation_functions_check_their_alignment),
        cmocka_unit_test(freeing_a_foreign_or_freed_pointer_stops_the_enclave),
        cmocka_unit_test(four_threads_share_the_heap_without_corruption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
