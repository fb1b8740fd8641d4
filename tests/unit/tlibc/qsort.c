/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/qsort.c and bsearch (stdlib.c). */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tlibc.h"

static uint64_t rng_state = 0x13198a2e03707344ull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/*
 * Elements of any size: a 32-bit key (compared), an index (to check the permutation) and
 * padding up to the element size.
 */
typedef struct comparator_state {
    const unsigned char *base;
    size_t count;
    size_t size;
    unsigned long calls;
    bool out_of_range;
} comparator_state_t;

static comparator_state_t *current;

static bool inside_array(const void *element)
{
    const unsigned char *p = element;
    if (p < current->base || p >= current->base + current->count * current->size)
        return false;
    return (size_t)(p - current->base) % current->size == 0;
}

static uint32_t key_of(const void *element)
{
    uint32_t key;
    memcpy(&key, element, sizeof(key));
    return key;
}

static int compare_keys(const void *left, const void *right)
{
    current->calls++;
    if (!inside_array(left) || !inside_array(right))
        current->out_of_range = true;
    uint32_t a = key_of(left);
    uint32_t b = key_of(right);
    return (a > b) - (a < b);
}

static int compare_keys_with_context(const void *left, const void *right, void *context)
{
    assert_ptr_equal(context, current);
    return compare_keys(left, right);
}

typedef enum pattern {
    PATTERN_RANDOM,
    PATTERN_FEW_KEYS,
    PATTERN_SORTED,
    PATTERN_REVERSED,
    PATTERN_EQUAL,
    PATTERN_ORGAN_PIPE,
    PATTERN_SAWTOOTH,
    PATTERN_COUNT
} pattern_t;

static uint32_t key_for(pattern_t pattern, size_t i, size_t count)
{
    switch (pattern) {
    case PATTERN_RANDOM:
        return (uint32_t)next_random();
    case PATTERN_FEW_KEYS:
        return (uint32_t)(next_random() % 4);
    case PATTERN_SORTED:
        return (uint32_t)i;
    case PATTERN_REVERSED:
        return (uint32_t)(count - i);
    case PATTERN_EQUAL:
        return 7;
    case PATTERN_ORGAN_PIPE:
        return (uint32_t)(i < count / 2 ? i : count - i);
    case PATTERN_SAWTOOTH:
        return (uint32_t)(i % 17);
    case PATTERN_COUNT:
        break;
    }
    return 0;
}

/* Sorts count elements of size bytes with the given pattern and checks everything. */
static void sort_and_check(pattern_t pattern, size_t count, size_t size, bool with_context)
{
    unsigned char *array = malloc(count * size + 1);
    assert_non_null(array);
    for (size_t i = 0; i < count; i++) {
        unsigned char *element = array + i * size;
        memset(element, (int)(i & 0xff), size);
        uint32_t key = key_for(pattern, i, count);
        memcpy(element, &key, sizeof(key));
        if (size >= 8) {
            uint32_t index = (uint32_t)i;
            memcpy(element + 4, &index, sizeof(index));
        }
    }
    comparator_state_t state = {array, count, size, 0, false};
    current = &state;
    if (with_context)
        cella_tlibc_qsort_r(array, count, size, compare_keys_with_context, &state);
    else
        cella_tlibc_qsort(array, count, size, compare_keys);
    assert_false(state.out_of_range);

    /* Sorted, and a permutation of the input (every index present once). */
    bool *seen = calloc(count + 1, sizeof(bool));
    assert_non_null(seen);
    for (size_t i = 0; i < count; i++) {
        const unsigned char *element = array + i * size;
        if (i > 0)
            assert_true(key_of(element - size) <= key_of(element));
        if (size >= 8) {
            uint32_t index;
            memcpy(&index, element + 4, sizeof(index));
            assert_true(index < count);
            assert_false(seen[index]);
            seen[index] = true;
            for (size_t b = 8; b < size; b++)
                assert_int_equal(element[b], index & 0xff); /* padding moved with its element */
        }
    }
    /* O(n log n) comparisons whatever the input: a generous bound that quadratic fails. */
    double n = (double)count;
    double bound = count < 2 ? 0 : 4.0 * n * log2(n) + 2 * n;
    if ((double)state.calls > bound) {
        fprintf(stderr, "pattern %d, %zu elements: %lu comparisons, bound %.0f\n", (int)pattern,
                count, state.calls, bound);
        fail();
    }
    free(seen);
    free(array);
}

static void qsort_sorts_every_pattern_and_size_within_n_log_n_comparisons(void **state)
{
    static const size_t counts[] = {0, 1, 2, 3, 5, 12, 13, 31, 100, 1000, 10000, 50000};
    static const size_t sizes[] = {4, 8, 12, 16, 24, 33};
    (void)state;
    for (int pattern = 0; pattern < PATTERN_COUNT; pattern++) {
        for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
            for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
                if (counts[c] > 10000 && sizes[s] != 8)
                    continue;
                sort_and_check((pattern_t)pattern, counts[c], sizes[s], s % 2 == 1);
            }
        }
    }
}

/* A comparator that orders keys, but says "less" and "greater" at random for equal keys and
 * lies outright now and then: qsort must still terminate and stay inside the array. */
static int inconsistent(const void *left, const void *right)
{
    current->calls++;
    if (!inside_array(left) || !inside_array(right))
        current->out_of_range = true;
    return (int)(next_random() % 3) - 1;
}

static void an_inconsistent_comparator_never_leads_outside_the_array(void **state)
{
    static uint32_t values[2000];
    (void)state;
    for (size_t i = 0; i < 2000; i++)
        values[i] = (uint32_t)i;
    comparator_state_t checker = {(const unsigned char *)values, 2000, sizeof(uint32_t), 0, false};
    current = &checker;
    cella_tlibc_qsort(values, 2000, sizeof(uint32_t), inconsistent);
    assert_false(checker.out_of_range);
    assert_true(checker.calls < 1000000);
}

/*
 * McIlroy's adversary ("A Killer Adversary for Quicksort", 1999): values are decided lazily,
 * always so as to make the current pivot a bad one. Quicksort alone goes quadratic against it.
 */
typedef struct adversary {
    int *value;
    int gas;
    int solid;
    int candidate;
    unsigned long calls;
} adversary_t;

static adversary_t adversary;

static int adversary_compare(const void *left, const void *right)
{
    int x = *(const int *)left;
    int y = *(const int *)right;
    adversary.calls++;
    if (adversary.value[x] == adversary.gas && adversary.value[y] == adversary.gas) {
        if (x == adversary.candidate)
            adversary.value[x] = adversary.solid++;
        else
            adversary.value[y] = adversary.solid++;
    }
    if (adversary.value[x] == adversary.gas)
        adversary.candidate = x;
    else if (adversary.value[y] == adversary.gas)
        adversary.candidate = y;
    return adversary.value[x] - adversary.value[y];
}

static void a_killer_adversary_cannot_make_qsort_quadratic(void **state)
{
    enum { COUNT = 20000 };
    static int items[COUNT];
    static int values[COUNT];
    (void)state;
    for (int i = 0; i < COUNT; i++) {
        items[i] = i;
        values[i] = COUNT;
    }
    adversary = (adversary_t){values, COUNT, 0, 0, 0};
    cella_tlibc_qsort(items, COUNT, sizeof(int), adversary_compare);
    for (int i = 1; i < COUNT; i++)
        assert_true(values[items[i - 1]] <= values[items[i]]);
    double bound = 4.0 * COUNT * log2(COUNT) + 2.0 * COUNT;
    assert_true((double)adversary.calls < bound);
}

static int compare_ints(const void *left, const void *right)
{
    int a = *(const int *)left;
    int b = *(const int *)right;
    return (a > b) - (a < b);
}

static void bsearch_finds_every_present_key_and_no_absent_one(void **state)
{
    int array[501];
    (void)state;
    for (int i = 0; i < 501; i++)
        array[i] = 2 * i; /* even numbers only */
    for (size_t count = 0; count <= 501; count += 1 + count / 3) {
        for (int key = -2; key < 1010; key++) {
            int *found = cella_tlibc_bsearch(&key, array, count, sizeof(int), compare_ints);
            bool present = key >= 0 && key % 2 == 0 && (size_t)(key / 2) < count;
            if (present) {
                assert_non_null(found);
                assert_int_equal(*found, key);
            } else {
                assert_null(found);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qsort_sorts_every_pattern_and_size_within_n_log_n_comparisons),
        cmocka_unit_test(an_inconsistent_comparator_never_leads_outside_the_array),
        cmocka_unit_test(a_killer_adversary_cannot_make_qsort_quadratic),
        cmocka_unit_test(bsearch_finds_every_present_key_and_no_absent_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
