/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/memory.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <cella/memory.h>

#define BUFFER_BYTES 64

static void fill_pattern(unsigned char *buffer, size_t size)
{
    for (size_t i = 0; i < size; i++)
        buffer[i] = (unsigned char)(i * 37 + 11);
}

static void equal_ct_says_equal_buffers_are_equal(void **state)
{
    unsigned char a[BUFFER_BYTES];
    unsigned char b[BUFFER_BYTES];
    (void)state;

    fill_pattern(a, sizeof(a));
    fill_pattern(b, sizeof(b));
    for (size_t size = 0; size <= sizeof(a); size++)
        assert_true(cella_memory_equal_ct(a, b, size));
    assert_true(cella_memory_equal_ct(a, a, sizeof(a)));
}

static void equal_ct_treats_two_empty_buffers_as_equal(void **state)
{
    (void)state;
    assert_true(cella_memory_equal_ct(NULL, NULL, 0));
}

static void equal_ct_finds_a_difference_in_the_first_byte(void **state)
{
    unsigned char a[BUFFER_BYTES];
    unsigned char b[BUFFER_BYTES];
    (void)state;

    fill_pattern(a, sizeof(a));
    fill_pattern(b, sizeof(b));
    b[0] ^= 0x01;
    assert_false(cella_memory_equal_ct(a, b, sizeof(a)));
    assert_false(cella_memory_equal_ct(a, b, 1));
    /* The difference is outside the compared range. */
    assert_true(cella_memory_equal_ct(a + 1, b + 1, sizeof(a) - 1));
}

static void equal_ct_finds_a_difference_in_the_last_byte(void **state)
{
    unsigned char a[BUFFER_BYTES];
    unsigned char b[BUFFER_BYTES];
    (void)state;

    fill_pattern(a, sizeof(a));
    fill_pattern(b, sizeof(b));
    b[sizeof(b) - 1] ^= 0x80;
    assert_false(cella_memory_equal_ct(a, b, sizeof(a)));
    assert_true(cella_memory_equal_ct(a, b, sizeof(a) - 1));
}

static void equal_ct_finds_every_single_flipped_bit(void **state)
{
    unsigned char a[BUFFER_BYTES];
    unsigned char b[BUFFER_BYTES];
    (void)state;

    fill_pattern(a, sizeof(a));
    for (size_t byte = 0; byte < sizeof(a); byte++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            memcpy(b, a, sizeof(b));
            b[byte] ^= (unsigned char)(1u << bit);
            assert_false(cella_memory_equal_ct(a, b, sizeof(a)));
            assert_false(cella_memory_equal_ct(b, a, sizeof(a)));
        }
    }
}

static void is_zero_ct_accepts_an_all_zero_buffer(void **state)
{
    unsigned char zeros[BUFFER_BYTES] = {0};
    (void)state;

    assert_true(cella_memory_is_zero_ct(zeros, sizeof(zeros)));
    assert_true(cella_memory_is_zero_ct(NULL, 0));
}

static void is_zero_ct_finds_a_single_set_bit_anywhere(void **state)
{
    unsigned char buffer[BUFFER_BYTES];
    (void)state;

    for (size_t byte = 0; byte < sizeof(buffer); byte++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            memset(buffer, 0, sizeof(buffer));
            buffer[byte] = (unsigned char)(1u << bit);
            assert_false(cella_memory_is_zero_ct(buffer, sizeof(buffer)));
            /* Bytes before the set one are still zero. */
            assert_true(cella_memory_is_zero_ct(buffer, byte));
        }
    }
}

static void wipe_zeroes_exactly_the_given_range(void **state)
{
    unsigned char buffer[BUFFER_BYTES];
    (void)state;

    memset(buffer, 0xa5, sizeof(buffer));
    cella_memory_wipe(buffer + 8, 40);
    for (size_t i = 0; i < sizeof(buffer); i++)
        assert_int_equal(buffer[i], i >= 8 && i < 48 ? 0x00 : 0xa5);
}

static void wipe_zeroes_a_whole_buffer(void **state)
{
    unsigned char buffer[BUFFER_BYTES];
    (void)state;

    fill_pattern(buffer, sizeof(buffer));
    assert_false(cella_memory_is_zero_ct(buffer, sizeof(buffer)));
    cella_memory_wipe(buffer, sizeof(buffer));
    for (size_t i = 0; i < sizeof(buffer); i++)
        assert_int_equal(buffer[i], 0);
}

static void wipe_of_an_empty_range_touches_nothing(void **state)
{
    unsigned char buffer[4] = {1, 2, 3, 4};
    (void)state;

    cella_memory_wipe(NULL, 0);
    cella_memory_wipe(buffer, 0);
    assert_int_equal(buffer[0], 1);
    assert_int_equal(buffer[3], 4);
}

/* Ranges as plain addresses: the helper compares addresses and never dereferences. */
struct overlap_case {
    const char *what;
    uintptr_t a;
    size_t a_size;
    uintptr_t b;
    size_t b_size;
    bool overlap;
};

static void ranges_overlap_handles_every_edge_case(void **state)
{
    const uintptr_t top = UINTPTR_MAX;
    const struct overlap_case cases[] = {
        {"identical ranges", 0x1000, 16, 0x1000, 16, true},
        {"same start, different sizes", 0x1000, 1, 0x1000, 16, true},
        {"b starts at a's last byte", 0x1000, 16, 0x100f, 16, true},
        {"b inside a", 0x1000, 16, 0x1004, 4, true},
        {"adjacent, a first", 0x1000, 16, 0x1010, 16, false},
        {"one byte apart", 0x1000, 16, 0x1011, 16, false},
        {"empty a inside b", 0x1004, 0, 0x1000, 16, false},
        {"both empty at the same address", 0x1000, 0, 0x1000, 0, false},
        {"empty a at address 0", 0, 0, 0, 16, false},
        {"range at address 0", 0, 1, 0, 1, true},
        {"a ends on the last address", top - 3, 4, top, 1, true},
        {"a ends on the last address, b at 0", top - 3, 4, 0, 1, false},
        {"a covers all but the last address", 0, SIZE_MAX, top, 1, false},
        {"a covers all but the last address, b inside", 0, SIZE_MAX, 0x1000, 1, true},
        {"a wraps past the end of the address space", top - 3, 5, 0x1000, 1, true},
        {"a wraps and b is empty", top - 3, 5, 0x1000, 0, false},
        {"a of size SIZE_MAX starting at 2 wraps", 2, SIZE_MAX, 1, 1, true},
        {"the last address, twice", top, 1, top, 1, true},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct overlap_case *c = &cases[i];
        const void *a = (const void *)c->a;
        const void *b = (const void *)c->b;
        if (cella_memory_ranges_overlap(a, c->a_size, b, c->b_size) != c->overlap)
            fail_msg("wrong answer for: %s", c->what);
        /* The answer does not depend on the order of the ranges. */
        if (cella_memory_ranges_overlap(b, c->b_size, a, c->a_size) != c->overlap)
            fail_msg("wrong answer with the ranges swapped for: %s", c->what);
    }
}

static void ranges_overlap_agrees_with_a_byte_by_byte_check(void **state)
{
    /* Every pair of ranges within a small window, checked against brute force. */
    static unsigned char window[12];
    (void)state;

    for (size_t a_start = 0; a_start <= sizeof(window); a_start++)
        for (size_t a_size = 0; a_start + a_size <= sizeof(window); a_size++)
            for (size_t b_start = 0; b_start <= sizeof(window); b_start++)
                for (size_t b_size = 0; b_start + b_size <= sizeof(window); b_size++) {
                    bool expected = false;
                    for (size_t i = a_start; i < a_start + a_size; i++)
                        if (i >= b_start && i < b_start + b_size)
                            expected = true;
                    assert_int_equal(cella_memory_ranges_overlap(window + a_start, a_size,
                                                                 window + b_start, b_size),
                                     expected);
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_ct_says_equal_buffers_are_equal),
        cmocka_unit_test(equal_ct_treats_two_empty_buffers_as_equal),
        cmocka_unit_test(equal_ct_finds_a_difference_in_the_first_byte),
        cmocka_unit_test(equal_ct_finds_a_difference_in_the_last_byte),
        cmocka_unit_test(equal_ct_finds_every_single_flipped_bit),
        cmocka_unit_test(is_zero_ct_accepts_an_all_zero_buffer),
        cmocka_unit_test(is_zero_ct_finds_a_single_set_bit_anywhere),
        cmocka_unit_test(wipe_zeroes_exactly_the_given_range),
        cmocka_unit_test(wipe_zeroes_a_whole_buffer),
        cmocka_unit_test(wipe_of_an_empty_range_touches_nothing),
        cmocka_unit_test(ranges_overlap_handles_every_edge_case),
        cmocka_unit_test(ranges_overlap_agrees_with_a_byte_by_byte_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
