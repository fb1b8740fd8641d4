/* SPDX-License-Identifier: Apache-2.0 */
/* test_hooks.h: the trusted runtime's hooks as the tlibc unit tests provide them. */
#ifndef CELLA_TESTS_TLIBC_TEST_HOOKS_H
#define CELLA_TESTS_TLIBC_TEST_HOOKS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * cella_trts_print appends to a capture buffer (and fails while print_fails is set);
 * cella_trts_abort longjmps to abort_target when one is armed and stops the test program
 * otherwise; errno is a thread-local int; the heap is a static 32 MiB region.
 */
typedef struct test_hooks {
    char printed[1 << 16];
    size_t printed_size;
    size_t print_calls;
    size_t largest_print;
    bool print_fails;
    jmp_buf *abort_target;
    size_t abort_calls;
} test_hooks_t;

extern test_hooks_t test_hooks;

/* Empties the capture and resets the counters (not the heap). */
void test_hooks_reset(void);

/* The trusted library's errno for the calling thread. */
int *test_hooks_errno(void);

/* The heap region cella_trts_heap_base/size report. */
void *test_hooks_heap_base(void);
size_t test_hooks_heap_size(void);

#endif /* CELLA_TESTS_TLIBC_TEST_HOOKS_H */
