/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/safecrt.c: SafeCRT copies, memset_s, wiping and constant-time compare. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tlibc.h"

#define TRUNCATE        ((size_t)-1)
#define STRUNCATE_VALUE 80

static void memcpy_s_copies_when_it_fits(void **state)
{
    char dest[8] = "xxxxxxx";
    (void)state;
    assert_int_equal(cella_tlibc_memcpy_s(dest, sizeof(dest), "abc", 3), 0);
    assert_memory_equal(dest, "abcxxxx", 8);
    assert_int_equal(cella_tlibc_memcpy_s(dest, sizeof(dest), "12345678", 8), 0);
    assert_memory_equal(dest, "12345678", 8);
    /* A count of 0 succeeds and touches nothing, even with NULL pointers. */
    assert_int_equal(cella_tlibc_memcpy_s(NULL, 0, NULL, 0), 0);
}

static void memcpy_s_zeroes_the_destination_on_failure(void **state)
{
    char dest[8];
    (void)state;
    memset(dest, 'x', sizeof(dest));
    assert_int_equal(cella_tlibc_memcpy_s(dest, sizeof(dest), "123456789", 9), ERANGE);
    for (size_t i = 0; i < sizeof(dest); i++)
        assert_int_equal(dest[i], 0);
    memset(dest, 'x', sizeof(dest));
    assert_int_equal(cella_tlibc_memcpy_s(dest, sizeof(dest), NULL, 1), EINVAL);
    for (size_t i = 0; i < sizeof(dest); i++)
        assert_int_equal(dest[i], 0);
    assert_int_equal(cella_tlibc_memcpy_s(NULL, 8, "a", 1), EINVAL);
    assert_int_equal(cella_tlibc_memcpy_verw_s(dest, 2, "abc", 3), ERANGE);
    assert_int_equal(cella_tlibc_memcpy_verw_s(dest, 3, "abc", 3), 0);
    assert_memory_equal(dest, "abc", 3);
}

static void memmove_s_handles_overlap_and_leaves_dest_alone_on_failure(void **state)
{
    char buffer[16] = "abcdefghij";
    (void)state;
    assert_int_equal(cella_tlibc_memmove_s(buffer + 2, sizeof(buffer) - 2, buffer, 8), 0);
    assert_memory_equal(buffer, "ababcdefgh", 10);
    assert_int_equal(cella_tlibc_memmove_s(buffer, 4, buffer + 1, 5), ERANGE);
    assert_memory_equal(buffer, "ababcdefgh", 10);
    assert_int_equal(cella_tlibc_memmove_s(buffer, 4, NULL, 1), EINVAL);
    assert_int_equal(cella_tlibc_memmove_s(NULL, 4, buffer, 1), EINVAL);
    assert_int_equal(cella_tlibc_memmove_s(NULL, 0, NULL, 0), 0);
    assert_int_equal(cella_tlibc_memmove_verw_s(buffer, 4, "xy", 2), 0);
    assert_memory_equal(buffer, "xyab", 4);
}

typedef struct string_case {
    const char *initial; /* dest's content before the call ("" for empty) */
    size_t dest_size;
    const char *src;
    size_t count; /* strncpy_s / strncat_s only */
    int result;
    const char *expected; /* dest afterwards */
} string_case_t;

static void strcpy_s_copies_or_fails_with_an_empty_dest(void **state)
{
    static const string_case_t cases[] = {
        {"old", 8, "hello", 0, 0, "hello"}, {"old", 6, "hello", 0, 0, "hello"},
        {"old", 5, "hello", 0, ERANGE, ""}, {"old", 1, "", 0, 0, ""},
        {"old", 8, NULL, 0, EINVAL, ""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dest[16];
        strcpy(dest, cases[i].initial);
        assert_int_equal(cella_tlibc_strcpy_s(dest, cases[i].dest_size, cases[i].src),
                         cases[i].result);
        assert_string_equal(dest, cases[i].expected);
    }
    assert_int_equal(cella_tlibc_strcpy_s(NULL, 8, "a"), EINVAL);
    char untouched[4] = "abc";
    assert_int_equal(cella_tlibc_strcpy_s(untouched, 0, "a"), EINVAL);
    assert_string_equal(untouched, "abc");
}

static void strncpy_s_copies_at_most_count_and_truncates_on_request(void **state)
{
    static const string_case_t cases[] = {
        {"old", 8, "hello", 3, 0, "hel"},
        {"old", 8, "hello", 5, 0, "hello"},
        {"old", 8, "hello", 100, 0, "hello"},
        {"old", 6, "hello", 5, 0, "hello"},
        {"old", 5, "hello", 5, ERANGE, ""},
        {"old", 5, "hello", 4, 0, "hell"},
        {"old", 5, "hello", TRUNCATE, STRUNCATE_VALUE, "hell"},
        {"old", 6, "hello", TRUNCATE, 0, "hello"},
        {"old", 8, "hello", 0, 0, ""},
        {"old", 8, NULL, 2, EINVAL, ""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dest[16];
        strcpy(dest, cases[i].initial);
        assert_int_equal(
            cella_tlibc_strncpy_s(dest, cases[i].dest_size, cases[i].src, cases[i].count),
            cases[i].result);
        assert_string_equal(dest, cases[i].expected);
    }
    assert_int_equal(cella_tlibc_strncpy_s(NULL, 0, "a", 0), 0);
    assert_int_equal(cella_tlibc_strncpy_s(NULL, 4, "a", 1), EINVAL);
    /* strncpy_s reads no further than count: src need not be terminated. */
    char unterminated[3] = {'a', 'b', 'c'};
    char dest[8];
    assert_int_equal(cella_tlibc_strncpy_s(dest, sizeof(dest), unterminated, 3), 0);
    assert_string_equal(dest, "abc");
}

static void strcat_s_appends_or_fails_with_an_empty_dest(void **state)
{
    static const string_case_t cases[] = {
        {"ab", 8, "cde", 0, 0, "abcde"}, {"ab", 6, "cde", 0, 0, "abcde"},
        {"ab", 5, "cde", 0, ERANGE, ""}, {"ab", 8, NULL, 0, EINVAL, ""},
        {"", 1, "", 0, 0, ""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dest[16];
        strcpy(dest, cases[i].initial);
        assert_int_equal(cella_tlibc_strcat_s(dest, cases[i].dest_size, cases[i].src),
                         cases[i].result);
        assert_string_equal(dest, cases[i].expected);
    }
    /* A dest with no terminator within dest_size is EINVAL. */
    char full[4] = {'a', 'b', 'c', 'd'};
    assert_int_equal(cella_tlibc_strcat_s(full, sizeof(full), "x"), EINVAL);
    assert_int_equal(full[0], '\0');
    assert_int_equal(cella_tlibc_strcat_s(NULL, 4, "x"), EINVAL);
}

static void strncat_s_appends_at_most_count_and_truncates_on_request(void **state)
{
    static const string_case_t cases[] = {
        {"ab", 8, "cdefgh", 2, 0, "abcd"},
        {"ab", 8, "cdefgh", 5, 0, "abcdefg"},
        {"ab", 8, "cdefgh", 6, ERANGE, ""},
        {"ab", 8, "cdefgh", TRUNCATE, STRUNCATE_VALUE, "abcdefg"},
        {"ab", 8, "cd", TRUNCATE, 0, "abcd"},
        {"ab", 8, "cd", 0, 0, "ab"},
        {"ab", 8, NULL, 1, EINVAL, ""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dest[16];
        strcpy(dest, cases[i].initial);
        assert_int_equal(
            cella_tlibc_strncat_s(dest, cases[i].dest_size, cases[i].src, cases[i].count),
            cases[i].result);
        assert_string_equal(dest, cases[i].expected);
    }
    assert_int_equal(cella_tlibc_strncat_s(NULL, 0, NULL, 0), 0);
    char full[4] = {'a', 'b', 'c', 'd'};
    assert_int_equal(cella_tlibc_strncat_s(full, sizeof(full), "x", 1), EINVAL);
}

/*
 * A destination size that is a negative number gone wrong (above SIZE_MAX / 2) writes
 * nothing: not the copy, not the zeroing or terminator a failure otherwise writes.
 */
static void a_destination_size_above_rsize_max_writes_nothing(void **state)
{
    struct {
        char dest[8];
        char neighbour[16];
    } memory;
    const size_t wrapped = sizeof(memory.dest) - 20; /* wraps around to SIZE_MAX - 11 */
    static const char source[] = "AAAAAAAAAAAAAAAAAAAA";
    (void)state;

    memcpy(memory.dest, "dest!!!", 8);
    memcpy(memory.neighbour, "KEEP-THIS-SECRET", 16);
    assert_int_equal(cella_tlibc_memcpy_s(memory.dest, wrapped, source, 20), EINVAL);
    assert_int_equal(cella_tlibc_memcpy_s(memory.dest, SIZE_MAX, NULL, 1), EINVAL);
    assert_int_equal(cella_tlibc_memmove_s(memory.dest, wrapped, source, 20), EINVAL);
    assert_int_equal(cella_tlibc_strcpy_s(memory.dest, wrapped, source), EINVAL);
    assert_int_equal(cella_tlibc_strncpy_s(memory.dest, wrapped, source, 20), EINVAL);
    assert_int_equal(cella_tlibc_strcat_s(memory.dest, wrapped, source), EINVAL);
    assert_int_equal(cella_tlibc_strncat_s(memory.dest, wrapped, source, 20), EINVAL);
    assert_memory_equal(memory.dest, "dest!!!", 8);
    assert_memory_equal(memory.neighbour, "KEEP-THIS-SECRET", 16);
    /* A count that is one: zeroes the destination, copies nothing. */
    assert_int_equal(cella_tlibc_memcpy_s(memory.dest, sizeof(memory.dest), source, SIZE_MAX),
                     EINVAL);
    assert_memory_equal(memory.dest, "\0\0\0\0\0\0\0\0", 8);
    assert_memory_equal(memory.neighbour, "KEEP-THIS-SECRET", 16);
}

static void memset_s_fills_at_most_max_size(void **state)
{
    unsigned char buffer[8];
    (void)state;
    memset(buffer, 0xee, sizeof(buffer));
    assert_int_equal(cella_tlibc_memset_s(buffer, 8, 0x11, 4), 0);
    assert_memory_equal(buffer, "\x11\x11\x11\x11\xee\xee\xee\xee", 8);
    assert_int_equal(cella_tlibc_memset_s(buffer, 6, 0x22, 10), EINVAL);
    assert_memory_equal(buffer, "\x22\x22\x22\x22\x22\x22\xee\xee", 8);
    assert_int_equal(cella_tlibc_memset_s(NULL, 6, 0, 1), EINVAL);
    assert_int_equal(cella_tlibc_memset_s(buffer, SIZE_MAX, 0, 1), EINVAL);
    assert_int_equal(cella_tlibc_memset_verw_s(buffer, 8, 0, 8), 0);
    assert_memory_equal(buffer, "\0\0\0\0\0\0\0\0", 8);
}

static void explicit_bzero_and_verw_fills_clear_memory(void **state)
{
    unsigned char secret[64];
    (void)state;
    memset(secret, 0x5a, sizeof(secret));
    cella_tlibc_explicit_bzero(secret, sizeof(secret));
    for (size_t i = 0; i < sizeof(secret); i++)
        assert_int_equal(secret[i], 0);
    assert_ptr_equal(cella_tlibc_memset_verw(secret, 7, 10), secret);
    assert_int_equal(secret[9], 7);
    assert_ptr_equal(cella_tlibc_memcpy_verw(secret, "abc", 3), secret);
    assert_ptr_equal(cella_tlibc_memmove_verw(secret + 1, secret, 3), secret + 1);
    assert_memory_equal(secret, "aabc", 4);
}

static void consttime_memequal_reports_equality_as_one(void **state)
{
    unsigned char a[100];
    unsigned char b[100];
    (void)state;
    for (size_t i = 0; i < sizeof(a); i++)
        a[i] = b[i] = (unsigned char)(i * 7);
    assert_int_equal(cella_tlibc_consttime_memequal(a, b, sizeof(a)), 1);
    assert_int_equal(cella_tlibc_consttime_memequal(a, b, 0), 1);
    for (size_t i = 0; i < sizeof(a); i++) {
        for (unsigned int bit = 0; bit < 8; bit++) {
            b[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(cella_tlibc_consttime_memequal(a, b, sizeof(a)), 0);
            b[i] ^= (unsigned char)(1u << bit);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(memcpy_s_copies_when_it_fits),
        cmocka_unit_test(memcpy_s_zeroes_the_destination_on_failure),
        cmocka_unit_test(memmove_s_handles_overlap_and_leaves_dest_alone_on_failure),
        cmocka_unit_test(strcpy_s_copies_or_fails_with_an_empty_dest),
        cmocka_unit_test(strncpy_s_copies_at_most_count_and_truncates_on_request),
        cmocka_unit_test(strcat_s_appends_or_fails_with_an_empty_dest),
        cmocka_unit_test(strncat_s_appends_at_most_count_and_truncates_on_request),
        cmocka_unit_test(a_destination_size_above_rsize_max_writes_nothing),
        cmocka_unit_test(memset_s_fills_at_most_max_size),
        cmocka_unit_test(explicit_bzero_and_verw_fills_clear_memory),
        cmocka_unit_test(consttime_memequal_reports_equality_as_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
