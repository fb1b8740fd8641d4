/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/fortify.c: glibc's checked copies and __errno_location. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "test_hooks.h"
#include "tlibc.h"

static jmp_buf target;

static int setup(void **state)
{
    (void)state;
    test_hooks_reset();
    test_hooks.abort_target = &target;
    return 0;
}

static void errno_location_is_the_runtimes(void **state)
{
    (void)state;
    assert_ptr_equal(cella_tlibc_errno_location(), test_hooks_errno());
}

static void checked_copies_that_fit_behave_like_the_plain_ones(void **state)
{
    char dest[16];
    (void)state;
    assert_ptr_equal(cella_tlibc_memcpy_chk(dest, "abcdef", 6, sizeof(dest)), dest);
    assert_ptr_equal(cella_tlibc_memmove_chk(dest + 1, dest, 5, sizeof(dest) - 1), dest + 1);
    assert_memory_equal(dest, "aabcde", 6);
    assert_ptr_equal(cella_tlibc_mempcpy_chk(dest, "xy", 2, sizeof(dest)), dest + 2);
    assert_ptr_equal(cella_tlibc_memset_chk(dest, 'z', 16, sizeof(dest)), dest);
    assert_ptr_equal(cella_tlibc_strcpy_chk(dest, "hello", sizeof(dest)), dest);
    assert_ptr_equal(cella_tlibc_strcat_chk(dest, " you", sizeof(dest)), dest);
    assert_string_equal(dest, "hello you");
    assert_ptr_equal(cella_tlibc_strncat_chk(dest, "!!!!", 2, sizeof(dest)), dest);
    assert_string_equal(dest, "hello you!!");
    assert_ptr_equal(cella_tlibc_stpcpy_chk(dest, "abc", 4), dest + 3);
    assert_ptr_equal(cella_tlibc_strncpy_chk(dest, "abc", 8, 8), dest);
    assert_int_equal(cella_tlibc_snprintf_chk(dest, sizeof(dest), 1, sizeof(dest), "%d-%s", 7, "x"),
                     3);
    assert_string_equal(dest, "7-x");
}

typedef enum overflow_case {
    OVERFLOW_MEMCPY,
    OVERFLOW_MEMMOVE,
    OVERFLOW_MEMPCPY,
    OVERFLOW_MEMSET,
    OVERFLOW_STRCPY,
    OVERFLOW_STPCPY,
    OVERFLOW_STRNCPY,
    OVERFLOW_STRCAT,
    OVERFLOW_STRNCAT,
    OVERFLOW_SNPRINTF,
    OVERFLOW_COUNT
} overflow_case_t;

static void run_overflow(overflow_case_t which, char *dest)
{
    switch (which) {
    case OVERFLOW_MEMCPY:
        cella_tlibc_memcpy_chk(dest, "123456789", 9, 8);
        break;
    case OVERFLOW_MEMMOVE:
        cella_tlibc_memmove_chk(dest, "123456789", 9, 8);
        break;
    case OVERFLOW_MEMPCPY:
        cella_tlibc_mempcpy_chk(dest, "123456789", 9, 8);
        break;
    case OVERFLOW_MEMSET:
        cella_tlibc_memset_chk(dest, 0, 9, 8);
        break;
    case OVERFLOW_STRCPY:
        cella_tlibc_strcpy_chk(dest, "12345678", 8);
        break;
    case OVERFLOW_STPCPY:
        cella_tlibc_stpcpy_chk(dest, "12345678", 8);
        break;
    case OVERFLOW_STRNCPY:
        cella_tlibc_strncpy_chk(dest, "1", 9, 8);
        break;
    case OVERFLOW_STRCAT:
        strcpy(dest, "1234");
        cella_tlibc_strcat_chk(dest, "5678", 8);
        break;
    case OVERFLOW_STRNCAT:
        strcpy(dest, "1234");
        cella_tlibc_strncat_chk(dest, "56789", 4, 8);
        break;
    case OVERFLOW_SNPRINTF:
        cella_tlibc_snprintf_chk(dest, 9, 1, 8, "%s", "x");
        break;
    case OVERFLOW_COUNT:
        break;
    }
}

/* Runs one overflowing call; true when it stopped the enclave. */
static bool stops_the_enclave(overflow_case_t which, char *buffer)
{
    test_hooks_reset();
    test_hooks.abort_target = &target;
    if (setjmp(target) == 0) {
        run_overflow(which, buffer);
        return false;
    }
    return test_hooks.abort_calls == 1 &&
           strstr(test_hooks.printed, "buffer overflow detected") != NULL;
}

static void checked_copies_that_overflow_stop_the_enclave_untouched(void **state)
{
    (void)state;
    for (int which = 0; which < OVERFLOW_COUNT; which++) {
        char buffer[32];
        memset(buffer, '#', sizeof(buffer));
        assert_true(stops_the_enclave((overflow_case_t)which, buffer));
        /* Nothing was written: the check comes before the copy. */
        size_t first = which == OVERFLOW_STRCAT || which == OVERFLOW_STRNCAT ? 5 : 0;
        for (size_t i = first; i < sizeof(buffer); i++)
            assert_int_equal(buffer[i], '#');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errno_location_is_the_runtimes),
        cmocka_unit_test(checked_copies_that_fit_behave_like_the_plain_ones),
        cmocka_unit_test_setup(checked_copies_that_overflow_stop_the_enclave_untouched, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
