/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/strtol.c against the host's C library. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_hooks.h"
#include "tlibc.h"

static const char *const inputs[] = {
    "0",
    "1",
    "-1",
    "+1",
    "  42",
    "\t\n\v\f\r 42",
    "42abc",
    "-0",
    "+-1",
    "- 1",
    "",
    "   ",
    "abc",
    "0x",
    "0x1A",
    "0X1a",
    "-0x1a",
    "0xg",
    "0x 1",
    "010",
    "08",
    "0b101",
    "z",
    "Zz",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "-18446744073709551615",
    "-18446744073709551616",
    "99999999999999999999999999999",
    "0xffffffffffffffff",
    "0x10000000000000000",
    "-0x8000000000000000",
    "0x7fffffffffffffff",
    "777777777777777777777",
    "1777777777777777777777",
    "2000000000000000000000",
    "zzzzzzzzzzzzz",
    "3w5e11264sgsf",
    "3w5e11264sgsg",
    "1y2p0ij32e8e7",
    "000000000000000000000001",
    "12 34",
    "1.5",
    "1e5",
    "+",
    "-",
    "0x-1",
    "\3771",
};

static const int bases[] = {0, 2, 8, 10, 16, 36, 3, 7, 35};

static void signed_conversions_match_the_host(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
            const char *input = inputs[i];
            int base = bases[b];
            char *our_end = NULL;
            char *their_end = NULL;

            *test_hooks_errno() = 0;
            errno = 0;
            long ours = cella_tlibc_strtol(input, &our_end, base);
            long theirs = strtol(input, &their_end, base);
            if (ours != theirs || our_end != their_end || *test_hooks_errno() != errno) {
                fprintf(stderr,
                        "strtol(\"%s\", %d): %ld end+%td errno %d; host %ld end+%td errno %d\n",
                        input, base, ours, our_end - input, *test_hooks_errno(), theirs,
                        their_end - input, errno);
                fail();
            }

            *test_hooks_errno() = 0;
            errno = 0;
            long long ours_ll = cella_tlibc_strtoll(input, &our_end, base);
            long long theirs_ll = strtoll(input, &their_end, base);
            assert_true(ours_ll == theirs_ll);
            assert_ptr_equal(our_end, their_end);
            assert_int_equal(*test_hooks_errno(), errno);

            *test_hooks_errno() = 0;
            errno = 0;
            intmax_t ours_max = cella_tlibc_strtoimax(input, &our_end, base);
            intmax_t theirs_max = strtoimax(input, &their_end, base);
            assert_true(ours_max == theirs_max);
            assert_ptr_equal(our_end, their_end);
            assert_int_equal(*test_hooks_errno(), errno);
        }
    }
}

static void unsigned_conversions_match_the_host(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
            const char *input = inputs[i];
            int base = bases[b];
            char *our_end = NULL;
            char *their_end = NULL;

            *test_hooks_errno() = 0;
            errno = 0;
            unsigned long ours = cella_tlibc_strtoul(input, &our_end, base);
            unsigned long theirs = strtoul(input, &their_end, base);
            if (ours != theirs || our_end != their_end || *test_hooks_errno() != errno) {
                fprintf(stderr,
                        "strtoul(\"%s\", %d): %lu end+%td errno %d; host %lu end+%td errno %d\n",
                        input, base, ours, our_end - input, *test_hooks_errno(), theirs,
                        their_end - input, errno);
                fail();
            }

            *test_hooks_errno() = 0;
            errno = 0;
            unsigned long long ours_ll = cella_tlibc_strtoull(input, &our_end, base);
            unsigned long long theirs_ll = strtoull(input, &their_end, base);
            assert_true(ours_ll == theirs_ll);
            assert_ptr_equal(our_end, their_end);
            assert_int_equal(*test_hooks_errno(), errno);

            *test_hooks_errno() = 0;
            errno = 0;
            uintmax_t ours_max = cella_tlibc_strtoumax(input, &our_end, base);
            uintmax_t theirs_max = strtoumax(input, &their_end, base);
            assert_true(ours_max == theirs_max);
            assert_ptr_equal(our_end, their_end);
            assert_int_equal(*test_hooks_errno(), errno);
        }
    }
}

static uint64_t rng_state = 0xb7e151628aed2a6bull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void random_numbers_round_trip_in_every_base(void **state)
{
    (void)state;
    for (int round = 0; round < 20000; round++) {
        char text[96];
        int base = 2 + (int)(next_random() % 35);
        unsigned long long value = next_random() >> (next_random() % 64);
        /* Render in base with random letter case and a random sign, then compare. */
        char digits[70];
        size_t length = 0;
        do {
            unsigned int digit = (unsigned int)(value % (unsigned int)base);
            digits[length++] =
                (char)(digit < 10 ? '0' + digit : ((next_random() & 1) ? 'a' : 'A') + digit - 10);
            value /= (unsigned int)base;
        } while (value != 0);
        size_t at = 0;
        if (next_random() & 1)
            text[at++] = (next_random() & 1) ? '-' : '+';
        while (length > 0)
            text[at++] = digits[--length];
        text[at] = '\0';
        char *our_end;
        char *their_end;
        *test_hooks_errno() = 0;
        errno = 0;
        assert_true(cella_tlibc_strtoull(text, &our_end, base) == strtoull(text, &their_end, base));
        assert_ptr_equal(our_end, their_end);
        assert_int_equal(*test_hooks_errno(), errno);
        *test_hooks_errno() = 0;
        errno = 0;
        assert_true(cella_tlibc_strtoll(text, &our_end, base) == strtoll(text, &their_end, base));
        assert_int_equal(*test_hooks_errno(), errno);
    }
}

static void an_invalid_base_is_einval_and_converts_nothing(void **state)
{
    static const int bad_bases[] = {-1, 1, 37, 100, INT_MIN};
    (void)state;
    for (size_t i = 0; i < sizeof(bad_bases) / sizeof(bad_bases[0]); i++) {
        const char *input = "123";
        char *end = NULL;
        *test_hooks_errno() = 0;
        assert_int_equal(cella_tlibc_strtol(input, &end, bad_bases[i]), 0);
        assert_int_equal(*test_hooks_errno(), EINVAL);
        assert_ptr_equal(end, input);
        *test_hooks_errno() = 0;
        assert_true(cella_tlibc_strtoull(input, NULL, bad_bases[i]) == 0);
        assert_int_equal(*test_hooks_errno(), EINVAL);
    }
}

static void successful_conversions_leave_errno_alone(void **state)
{
    (void)state;
    *test_hooks_errno() = 1234;
    assert_int_equal(cella_tlibc_strtol("77", NULL, 8), 63);
    assert_int_equal(*test_hooks_errno(), 1234);
}

static void ato_functions_use_base_ten_and_wrap_like_the_host(void **state)
{
    static const char *const texts[] = {
        "0", "  -17xyz", "0x10", "010", "2147483647", "2147483648", "-9223372036854775808", "junk"};
    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        assert_int_equal(cella_tlibc_atoi(texts[i]), atoi(texts[i]));
        assert_true(cella_tlibc_atol(texts[i]) == atol(texts[i]));
        assert_true(cella_tlibc_atoll(texts[i]) == atoll(texts[i]));
    }
}

static void integer_helpers_match_the_host(void **state)
{
    static const long long values[] = {0,           1,         -1,           7, -7, INT_MAX,
                                       INT_MIN + 1, LLONG_MAX, LLONG_MIN + 1};
    (void)state;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        long long v = values[i];
        if (v >= INT_MIN + 1 && v <= INT_MAX)
            assert_int_equal(cella_tlibc_abs((int)v), abs((int)v));
        assert_true(cella_tlibc_labs((long)v) == labs((long)v));
        assert_true(cella_tlibc_llabs(v) == llabs(v));
        assert_true(cella_tlibc_imaxabs(v) == imaxabs(v));
    }
    static const long long pairs[][2] = {{7, 2}, {-7, 2},        {7, -2},     {-7, -2},
                                         {0, 5}, {LLONG_MAX, 3}, {INT_MIN, 7}};
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        long long n = pairs[i][0];
        long long d = pairs[i][1];
        if (n >= INT_MIN && n <= INT_MAX) {
            cella_tlibc_div_t ours = cella_tlibc_div((int)n, (int)d);
            div_t theirs = div((int)n, (int)d);
            assert_int_equal(ours.quot, theirs.quot);
            assert_int_equal(ours.rem, theirs.rem);
        }
        cella_tlibc_ldiv_t ours_l = cella_tlibc_ldiv((long)n, (long)d);
        ldiv_t theirs_l = ldiv((long)n, (long)d);
        assert_true(ours_l.quot == theirs_l.quot && ours_l.rem == theirs_l.rem);
        cella_tlibc_lldiv_t ours_ll = cella_tlibc_lldiv(n, d);
        lldiv_t theirs_ll = lldiv(n, d);
        assert_true(ours_ll.quot == theirs_ll.quot && ours_ll.rem == theirs_ll.rem);
        cella_tlibc_imaxdiv_t ours_m = cella_tlibc_imaxdiv(n, d);
        imaxdiv_t theirs_m = imaxdiv(n, d);
        assert_true(ours_m.quot == theirs_m.quot && ours_m.rem == theirs_m.rem);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signed_conversions_match_the_host),
        cmocka_unit_test(unsigned_conversions_match_the_host),
        cmocka_unit_test(random_numbers_round_trip_in_every_base),
        cmocka_unit_test(an_invalid_base_is_einval_and_converts_nothing),
        cmocka_unit_test(successful_conversions_leave_errno_alone),
        cmocka_unit_test(ato_functions_use_base_ten_and_wrap_like_the_host),
        cmocka_unit_test(integer_helpers_match_the_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
