/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for include/cella/size.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cella/size.h>

/* What *out holds before a call; a failing call must leave it there. */
#define UNTOUCHED ((size_t)0x5a5a5a5a)

struct binary_case {
    size_t a;
    size_t b;
    bool ok;
    size_t result;
};

static void add_sums_up_to_size_max_and_refuses_beyond(void **state)
{
    static const struct binary_case cases[] = {
        {0, 0, true, 0},
        {2, 3, true, 5},
        {SIZE_MAX, 0, true, SIZE_MAX},
        {0, SIZE_MAX, true, SIZE_MAX},
        {SIZE_MAX - 1, 1, true, SIZE_MAX},
        {SIZE_MAX / 2, SIZE_MAX / 2 + 1, true, SIZE_MAX},
        {SIZE_MAX, 1, false, 0},
        {1, SIZE_MAX, false, 0},
        {SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, false, 0},
        {SIZE_MAX, SIZE_MAX, false, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t out = UNTOUCHED;
        assert_int_equal(cella_size_add(cases[i].a, cases[i].b, &out), cases[i].ok);
        assert_int_equal(out, cases[i].ok ? cases[i].result : UNTOUCHED);
    }
}

static void add3_detects_overflow_in_either_addition(void **state)
{
    size_t out = UNTOUCHED;
    (void)state;

    assert_true(cella_size_add3(1, 2, 3, &out));
    assert_int_equal(out, 6);
    assert_true(cella_size_add3(SIZE_MAX - 3, 1, 1, &out));
    assert_int_equal(out, SIZE_MAX - 1);
    assert_true(cella_size_add3(SIZE_MAX - 2, 1, 1, &out));
    assert_int_equal(out, SIZE_MAX);

    out = UNTOUCHED;
    /* The first addition wraps. */
    assert_false(cella_size_add3(SIZE_MAX, 1, 0, &out));
    /* Only the second addition wraps. */
    assert_false(cella_size_add3(SIZE_MAX - 1, 1, 1, &out));
    /* a + b wraps to a small number that c would not push over. */
    assert_false(cella_size_add3(SIZE_MAX, 2, 0, &out));
    assert_int_equal(out, UNTOUCHED);
}

static void sub_refuses_a_negative_result(void **state)
{
    static const struct binary_case cases[] = {
        {5, 3, true, 2},
        {0, 0, true, 0},
        {SIZE_MAX, SIZE_MAX, true, 0},
        {SIZE_MAX, 0, true, SIZE_MAX},
        {SIZE_MAX, 1, true, SIZE_MAX - 1},
        {3, 5, false, 0},
        {0, 1, false, 0},
        {SIZE_MAX - 1, SIZE_MAX, false, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t out = UNTOUCHED;
        assert_int_equal(cella_size_sub(cases[i].a, cases[i].b, &out), cases[i].ok);
        assert_int_equal(out, cases[i].ok ? cases[i].result : UNTOUCHED);
    }
}

static void mul_multiplies_up_to_size_max_and_refuses_beyond(void **state)
{
    /* half_bits * half_bits is the first product of two equal factors that wraps. */
    const size_t half_bits = (size_t)1 << (sizeof(size_t) * 4);
    const struct binary_case cases[] = {
        {0, SIZE_MAX, true, 0},
        {SIZE_MAX, 0, true, 0},
        {SIZE_MAX, 1, true, SIZE_MAX},
        {6, 7, true, 42},
        {SIZE_MAX / 2, 2, true, SIZE_MAX - 1},
        {SIZE_MAX / 3, 3, true, SIZE_MAX / 3 * 3},
        {half_bits - 1, half_bits + 1, true, SIZE_MAX},
        {SIZE_MAX / 2 + 1, 2, false, 0},
        {2, SIZE_MAX / 2 + 1, false, 0},
        {half_bits, half_bits, false, 0},
        {SIZE_MAX, SIZE_MAX, false, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t out = UNTOUCHED;
        assert_int_equal(cella_size_mul(cases[i].a, cases[i].b, &out), cases[i].ok);
        assert_int_equal(out, cases[i].ok ? cases[i].result : UNTOUCHED);
    }
}

static void align_up_rounds_to_a_power_of_two_and_refuses_overflow(void **state)
{
    const size_t top_bit = SIZE_MAX / 2 + 1;
    const struct binary_case cases[] = {
        {0, 8, true, 0},
        {1, 8, true, 8},
        {7, 8, true, 8},
        {8, 8, true, 8},
        {9, 8, true, 16},
        {4095, 4096, true, 4096},
        {4097, 4096, true, 8192},
        {SIZE_MAX, 1, true, SIZE_MAX},
        {SIZE_MAX - 7, 8, true, SIZE_MAX - 7},
        {1, top_bit, true, top_bit},
        {top_bit, top_bit, true, top_bit},
        {SIZE_MAX - 6, 8, false, 0},
        {SIZE_MAX, 2, false, 0},
        {top_bit + 1, top_bit, false, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t out = UNTOUCHED;
        assert_int_equal(cella_size_align_up(cases[i].a, cases[i].b, &out), cases[i].ok);
        assert_int_equal(out, cases[i].ok ? cases[i].result : UNTOUCHED);
    }
}

static void align_up_refuses_an_alignment_that_is_not_a_power_of_two(void **state)
{
    static const size_t alignments[] = {0, 3, 6, 12, 4097, SIZE_MAX};
    (void)state;
    for (size_t i = 0; i < sizeof(alignments) / sizeof(alignments[0]); i++) {
        size_t out = UNTOUCHED;
        assert_false(cella_size_align_up(16, alignments[i], &out));
        assert_int_equal(out, UNTOUCHED);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_sums_up_to_size_max_and_refuses_beyond),
        cmocka_unit_test(add3_detects_overflow_in_either_addition),
        cmocka_unit_test(sub_refuses_a_negative_result),
        cmocka_unit_test(mul_multiplies_up_to_size_max_and_refuses_beyond),
        cmocka_unit_test(align_up_rounds_to_a_power_of_two_and_refuses_overflow),
        cmocka_unit_test(align_up_refuses_an_alignment_that_is_not_a_power_of_two),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
