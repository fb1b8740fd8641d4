/* SPDX-License-Identifier: Apache-2.0 */
/* test_hooks.c: host implementations of the trusted runtime's hooks for the tlibc unit tests. */
#include "test_hooks.h"

#include <stdlib.h>
#include <string.h>

#include "trusted/libc/hooks.h"

test_hooks_t test_hooks;

static _Thread_local int thread_errno;
static _Alignas(64) unsigned char heap_region[32u << 20];

void test_hooks_reset(void)
{
    test_hooks.printed_size = 0;
    test_hooks.print_calls = 0;
    test_hooks.largest_print = 0;
    test_hooks.print_fails = false;
    test_hooks.abort_target = NULL;
    test_hooks.abort_calls = 0;
    memset(test_hooks.printed, 0, sizeof(test_hooks.printed));
}

int *test_hooks_errno(void)
{
    return &thread_errno;
}

void *test_hooks_heap_base(void)
{
    return heap_region;
}

size_t test_hooks_heap_size(void)
{
    return sizeof(heap_region);
}

int cella_trts_print(const char *text, size_t size)
{
    test_hooks.print_calls++;
    if (size > test_hooks.largest_print)
        test_hooks.largest_print = size;
    if (test_hooks.print_fails)
        return -1;
    size_t room = sizeof(test_hooks.printed) - 1 - test_hooks.printed_size;
    size_t stored = size < room ? size : room;
    memcpy(test_hooks.printed + test_hooks.printed_size, text, stored);
    test_hooks.printed_size += stored;
    return 0;
}

void cella_trts_abort(void)
{
    test_hooks.abort_calls++;
    if (test_hooks.abort_target != NULL)
        longjmp(*test_hooks.abort_target, 1);
    abort();
}

int *cella_trts_errno_location(void)
{
    return &thread_errno;
}

void *cella_trts_heap_base(void)
{
    return heap_region;
}

size_t cella_trts_heap_size(void)
{
    return sizeof(heap_region);
}
