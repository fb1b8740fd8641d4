/* SPDX-License-Identifier: Apache-2.0 */
/* qsort.c: qsort and qsort_r of the trusted C library: introsort, in place, O(n log n). */
#include <stdint.h>
#include <stdlib.h>

/*
 * Quicksort with a median-of-three pivot, switching to heapsort when the recursion gets deeper
 * than 2 log2(n) (so an adversarial input cannot make it quadratic) and to insertion sort for
 * short runs. It recurses only into the smaller part, so the stack depth is at most log2(n).
 * No allocation. Every comparator call receives two pointers to elements of the array, and no
 * index ever leaves the array even when the comparator is inconsistent.
 */

#define INSERTION_SORT_MAX 12

typedef struct sorter {
    size_t size;
    int (*compare)(const void *left, const void *right, void *context);
    void *context;
} sorter_t;

static unsigned char *element(const sorter_t *sorter, unsigned char *base, size_t index)
{
    return base + index * sorter->size;
}

static int compare_at(const sorter_t *sorter, unsigned char *base, size_t left, size_t right)
{
    return sorter->compare(element(sorter, base, left), element(sorter, base, right),
                           sorter->context);
}

static void swap_at(const sorter_t *sorter, unsigned char *base, size_t left, size_t right)
{
    if (left == right)
        return;
    unsigned char *a = element(sorter, base, left);
    unsigned char *b = element(sorter, base, right);
    size_t size = sorter->size;
    for (; size >= 8; size -= 8, a += 8, b += 8) {
        uint64_t x;
        uint64_t y;
        __builtin_memcpy(&x, a, 8);
        __builtin_memcpy(&y, b, 8);
        __builtin_memcpy(a, &y, 8);
        __builtin_memcpy(b, &x, 8);
    }
    for (; size > 0; size--, a++, b++) {
        unsigned char t = *a;
        *a = *b;
        *b = t;
    }
}

static void insertion_sort(const sorter_t *sorter, unsigned char *base, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        for (size_t j = i; j > 0 && compare_at(sorter, base, j - 1, j) > 0; j--)
            swap_at(sorter, base, j - 1, j);
    }
}

static void sift_down(const sorter_t *sorter, unsigned char *base, size_t root, size_t count)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= count)
            return;
        if (child + 1 < count && compare_at(sorter, base, child, child + 1) < 0)
            child++;
        if (compare_at(sorter, base, root, child) >= 0)
            return;
        swap_at(sorter, base, root, child);
        root = child;
    }
}

static void heap_sort(const sorter_t *sorter, unsigned char *base, size_t count)
{
    for (size_t i = count / 2; i > 0; i--)
        sift_down(sorter, base, i - 1, count);
    for (size_t end = count - 1; end > 0; end--) {
        swap_at(sorter, base, 0, end);
        sift_down(sorter, base, 0, end);
    }
}

/* Moves the median of the first, middle and last elements to index 0. */
static void choose_pivot(const sorter_t *sorter, unsigned char *base, size_t count)
{
    size_t low = 0;
    size_t middle = count / 2;
    size_t high = count - 1;
    if (compare_at(sorter, base, middle, low) < 0)
        swap_at(sorter, base, middle, low);
    if (compare_at(sorter, base, high, middle) < 0) {
        swap_at(sorter, base, high, middle);
        if (compare_at(sorter, base, middle, low) < 0)
            swap_at(sorter, base, middle, low);
    }
    swap_at(sorter, base, 0, middle);
}

/*
 * Partitions around the pivot at index 0 and returns its final index p: elements before p are
 * not greater, elements after p not smaller. Both scans stop at elements equal to the pivot, so
 * runs of equal keys split evenly.
 */
static size_t partition(const sorter_t *sorter, unsigned char *base, size_t count)
{
    size_t i = 0;
    size_t j = count;
    for (;;) {
        do {
            i++;
        } while (i < count && compare_at(sorter, base, i, 0) < 0);
        do {
            j--;
        } while (j > 0 && compare_at(sorter, base, j, 0) > 0);
        if (i >= j)
            break;
        swap_at(sorter, base, i, j);
    }
    swap_at(sorter, base, 0, j);
    return j;
}

static void intro_sort(const sorter_t *sorter, unsigned char *base, size_t count,
                       unsigned int depth_budget)
{
    while (count > INSERTION_SORT_MAX) {
        if (depth_budget == 0) {
            heap_sort(sorter, base, count);
            return;
        }
        depth_budget--;
        choose_pivot(sorter, base, count);
        size_t pivot = partition(sorter, base, count);
        size_t left_count = pivot;
        size_t right_count = count - pivot - 1;
        unsigned char *right = element(sorter, base, pivot + 1);
        if (left_count < right_count) {
            intro_sort(sorter, base, left_count, depth_budget);
            base = right;
            count = right_count;
        } else {
            intro_sort(sorter, right, right_count, depth_budget);
            count = left_count;
        }
    }
    insertion_sort(sorter, base, count);
}

void qsort_r(void *base, size_t count, size_t size,
             int (*compare)(const void *left, const void *right, void *context), void *context)
{
    if (count < 2 || size == 0)
        return;
    sorter_t sorter = {size, compare, context};
    unsigned int log2 = (unsigned int)(63 - __builtin_clzll((unsigned long long)count));
    intro_sort(&sorter, base, count, 2 * log2);
}

/* qsort's two-argument comparator, carried through qsort_r's context. */
typedef struct plain_comparator {
    int (*compare)(const void *left, const void *right);
} plain_comparator_t;

static int call_plain(const void *left, const void *right, void *context)
{
    const plain_comparator_t *plain = context;
    return plain->compare(left, right);
}

void qsort(void *base, size_t count, size_t size,
           int (*compare)(const void *left, const void *right))
{
    plain_comparator_t plain = {compare};
    qsort_r(base, count, size, call_plain, &plain);
}
