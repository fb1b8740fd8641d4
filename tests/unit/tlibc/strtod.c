/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/strtod.c: bit-exact agreement with the host's correctly rounded strtod. */
#include <errno.h>
#include <float.h>
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

#include "test_hooks.h"
#include "tlibc.h"

static uint64_t rng_state = 0x452821e638d01377ull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t bits_of_double(double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof(bits));
    return bits;
}

static uint32_t bits_of_float(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof(bits));
    return bits;
}

static double double_from_bits(uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof(value));
    return value;
}

static unsigned long compared;

static bool is_hexadecimal(const char *input)
{
    while (*input == ' ' || *input == '\t' || *input == '-' || *input == '+')
        input++;
    return input[0] == '0' && (input[1] == 'x' || input[1] == 'X');
}

/* Both parsers must agree on the value (bit for bit; NaNs by sign), the end and errno. */
static void compare_strtod(const char *input)
{
    char *our_end = NULL;
    char *their_end = NULL;
    *test_hooks_errno() = 0;
    errno = 0;
    double ours = cella_tlibc_strtod(input, &our_end);
    double theirs = strtod(input, &their_end);
    int our_errno = *test_hooks_errno();
    int their_errno = errno;
    bool same = isnan(ours) ? isnan(theirs) && signbit(ours) == signbit(theirs)
                            : bits_of_double(ours) == bits_of_double(theirs);
    if (!same || our_end != their_end || our_errno != their_errno) {
        fprintf(stderr, "strtod(\"%.200s\"): %a end+%td errno %d; host %a end+%td errno %d\n",
                input, ours, our_end - input, our_errno, theirs, their_end - input, their_errno);
        fail();
    }

    *test_hooks_errno() = 0;
    errno = 0;
    float ours_float = cella_tlibc_strtof(input, &our_end);
    float theirs_float = strtof(input, &their_end);
    our_errno = *test_hooks_errno();
    their_errno = errno;
    if (is_hexadecimal(input)) {
        /*
         * glibc's strtof drops the low bits of the last hexadecimal digit when it rounds to a
         * subnormal (0x1.000001p-150 becomes 0, not 0x1p-149). The reference is then the
         * exact value (long double holds these inputs exactly) rounded once to float, and
         * ERANGE exactly when a zero or subnormal result is inexact.
         */
        errno = 0;
        long double exact = strtold(input, NULL);
        bool exact_underflows = errno == ERANGE; /* too small even for long double */
        if (fpclassify(theirs_float) == FP_SUBNORMAL || fpclassify(theirs_float) == FP_ZERO ||
            fpclassify((float)exact) == FP_SUBNORMAL) {
            theirs_float = (float)exact;
            bool inexact = exact_underflows || (long double)theirs_float != exact;
            bool small = fpclassify(theirs_float) != FP_NORMAL && !isinf(theirs_float);
            if (small)
                their_errno = inexact ? ERANGE : 0;
        }
    }
    same = isnan(ours_float) ? isnan(theirs_float) && signbit(ours_float) == signbit(theirs_float)
                             : bits_of_float(ours_float) == bits_of_float(theirs_float);
    if (!same || our_end != their_end || our_errno != their_errno) {
        fprintf(stderr, "strtof(\"%.200s\"): %a end+%td errno %d; host %a end+%td errno %d\n",
                input, (double)ours_float, our_end - input, our_errno, (double)theirs_float,
                their_end - input, their_errno);
        fail();
    }
    compared++;
}

static void edge_cases_match_the_host(void **state)
{
    static const char *const inputs[] = {
        "0",
        "-0",
        "+0",
        "0.0",
        ".0",
        "0.",
        ".",
        "",
        "   ",
        "-",
        "+",
        "e5",
        ".e1",
        "1e",
        "1e+",
        "1e-",
        "1e+5x",
        "1E5",
        "  \t\n1.5",
        "1.5abc",
        "00000.000001",
        "1.",
        "-.5",
        "0.1",
        "0.2",
        "0.3",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "1e308",
        "1e309",
        "-1e309",
        "1e400",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.4703282292062327208e-324",
        "5e-324",
        "3e-324",
        "1e-320",
        "1e-310",
        "1e-400",
        "-1e-400",
        "1e-999999999999",
        "1e999999999999",
        "0e999999999",
        "0.000e-99999999",
        "123456789012345678901234567890",
        "9007199254740993",
        "9007199254740992.5",
        "9007199254740993.0000000000000001",
        "3.4028235e38",
        "3.4028236e38",
        "3.40282356779733661637539395458142568448e38",
        "3.40282356779733661637539395458142568447e38",
        "1.17549435e-38",
        "1.4e-45",
        "7e-46",
        "7.006492321624085354618647916449580656401e-46",
        "7.006492321624085354618647916449580656402e-46",
        "1e-45",
        "1e39",
        "1e-50",
        "inf",
        "INF",
        "-inf",
        "infinity",
        "-Infinity",
        "infinit",
        "infx",
        "nan",
        "-nan",
        "NaN",
        "nan()",
        "nan(123)",
        "nan(abc_12)",
        "nan(12",
        "nan(1 2)",
        "nanx",
        "in",
        "na",
        "0x",
        "0x.",
        "0x.p1",
        "0xp1",
        "0x1",
        "0X1P1",
        "0x1p",
        "0x1p+",
        "0x1.8p1",
        "0x.8p1",
        "0x1.fffffffffffffp1023",
        "0x1.fffffffffffff8p1023",
        "0x1.fffffffffffff7ffp1023",
        "0x1p-1074",
        "0x1p-1075",
        "0x1.8p-1075",
        "0x1.0000000000001p-1075",
        "0x1p-1076",
        "0x0.0000000000001p-1022",
        "0x1.00000000000008p0",
        "0x1.00000000000018p0",
        "0x1.000000000000080000000000001p0",
        "0x123456789abcdef0123456789p0",
        "0x1p99999999999",
        "0x1p-99999999999",
        "0x0p99999",
        "-0x0",
        "0x1.ffffffp127",
        "0x1.fffffep127",
        "0x1.fffffefp127",
        "0x1p-149",
        "0x1p-150",
        "0x1.000001p-150",
        "100000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "0.000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
        compare_strtod(inputs[i]);
}

static void printed_random_doubles_read_back_exactly(void **state)
{
    char text[128];
    (void)state;
    for (int round = 0; round < 20000; round++) {
        double value = double_from_bits(next_random());
        if (isnan(value))
            continue;
        snprintf(text, sizeof(text), "%.17g", value);
        compare_strtod(text);
        assert_true(bits_of_double(cella_tlibc_strtod(text, NULL)) == bits_of_double(value));
        snprintf(text, sizeof(text), "%.*e", (int)(next_random() % 25), value);
        compare_strtod(text);
        snprintf(text, sizeof(text), "%a", value);
        compare_strtod(text);
        snprintf(text, sizeof(text), "%.*a", (int)(next_random() % 14), value);
        compare_strtod(text);
        snprintf(text, sizeof(text), "%.9g", (double)(float)value);
        compare_strtod(text);
    }
}

static void short_decimals_read_back_exactly(void **state)
{
    char text[64];
    (void)state;
    for (int round = 0; round < 20000; round++) {
        uint64_t digits = next_random() % 100000000000000000ull;
        int exponent = (int)(next_random() % 80) - 40;
        snprintf(text, sizeof(text), "%llue%d",
                 (unsigned long long)(digits >> (next_random() % 50)), exponent);
        compare_strtod(text);
        snprintf(text, sizeof(text), "0.%06llu", (unsigned long long)(digits % 1000000));
        compare_strtod(text);
    }
}

/*
 * The exact decimal value halfway between two neighbouring doubles, and the same value nudged
 * up and down in its last place: ties go to the even neighbour, anything else to the nearer.
 */
static void halfway_cases_round_to_even_like_the_host(void **state)
{
    static char text[2000];
    (void)state;
    for (int round = 0; round < 1500; round++) {
        double low = double_from_bits(next_random() & 0x7fefffffffffffffull);
        double high = nextafter(low, INFINITY);
        long double middle = (long double)low + ((long double)high - (long double)low) / 2;
        snprintf(text, sizeof(text), "%.1100Le", middle);
        compare_strtod(text);
        char *exponent = strchr(text, 'e');
        char saved[16];
        strcpy(saved, exponent);
        /* One unit more in the 1101st significant digit: just above halfway. */
        exponent[-1] = '1';
        compare_strtod(text);
        /* Cut the digits after the 40th: below halfway by a lot, or exactly a short value. */
        strcpy(text + 42, saved);
        compare_strtod(text);
    }
    /* Halfway between two subnormals and between the largest double and infinity. */
    snprintf(text, sizeof(text), "%.1100Le", 0x1p-1075L);
    compare_strtod(text);
    snprintf(text, sizeof(text), "%.1100Le", 0x1.8p-1074L);
    compare_strtod(text);
    snprintf(text, sizeof(text), "%.400Le", 0x1.fffffffffffff8p1023L);
    compare_strtod(text);
}

static void very_long_inputs_keep_their_rounding(void **state)
{
    static char text[20000];
    (void)state;
    /* 0.1 with 15,000 more zeros and a final 1: the digits past the kept ones still count. */
    memset(text, '0', sizeof(text));
    memcpy(text, "0.1", 3);
    text[15000] = '1';
    text[15001] = '\0';
    compare_strtod(text);
    /* A halfway value followed by many zeros and then a non-zero digit. */
    snprintf(text, sizeof(text), "%.1100Le", (long double)1.0 + 0x1p-53L);
    char *exponent = strchr(text, 'e');
    memmove(exponent + 3000, exponent, strlen(exponent) + 1);
    memset(exponent, '0', 3000);
    compare_strtod(text);
    exponent[2999] = '7';
    compare_strtod(text);
    /* 12,000 integer digits: overflow. */
    memset(text, '9', 12000);
    text[12000] = '\0';
    compare_strtod(text);
}

static void atof_is_strtod_without_an_end(void **state)
{
    (void)state;
    assert_true(cella_tlibc_atof("2.5e3xyz") == 2500.0);
    assert_true(cella_tlibc_atof("nonsense") == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(edge_cases_match_the_host),
        cmocka_unit_test(printed_random_doubles_read_back_exactly),
        cmocka_unit_test(short_decimals_read_back_exactly),
        cmocka_unit_test(halfway_cases_round_to_even_like_the_host),
        cmocka_unit_test(very_long_inputs_keep_their_rounding),
        cmocka_unit_test(atof_is_strtod_without_an_end),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("%lu inputs compared with the host\n", compared);
    return failed;
}
