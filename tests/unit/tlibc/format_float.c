/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/format_float.c: %f %e %g %a of double and long double against glibc. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compare_format.h"
#include "tlibc.h"

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double double_from_bits(uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof(value));
    return value;
}

static const char *const float_flags[] = {"",   "-",  "+",  " ",  "#",   "0",
                                          "+0", "-#", "#0", " 0", "-+#", "+ 0#"};
static const char *const float_widths[] = {"", "1", "9", "30"};
static const char *const float_precisions[] = {"",   ".",   ".0",  ".1",  ".2",  ".3",  ".5",
                                               ".6", ".10", ".13", ".17", ".25", ".40", ".70"};

/* Every spec (step 1) or an even spread of a fraction of them (step > 1). */
static void compare_float_specs(size_t step, const char *length, long double long_value,
                                double value)
{
    static const char conversions[] = "fFeEgGaA";
    compare_format_truncation = false; /* format.c's tests cover truncation */
    for (size_t f = 0; f < sizeof(float_flags) / sizeof(float_flags[0]); f += step) {
        for (size_t w = 0; w < sizeof(float_widths) / sizeof(float_widths[0]); w += step) {
            for (size_t p = 0; p < sizeof(float_precisions) / sizeof(float_precisions[0]); p++) {
                for (const char *c = conversions; *c != '\0'; c++) {
                    char spec[64];
                    snprintf(spec, sizeof(spec), "[%%%s%s%s%s%c]", float_flags[f], float_widths[w],
                             float_precisions[p], length, *c);
                    if (length[0] == 'L')
                        COMPARE_FORMAT(spec, long_value);
                    else
                        COMPARE_FORMAT(spec, value);
                }
            }
        }
    }
    compare_format_truncation = true;
}

static const double special_doubles[] = {
    0.0,
    1.0,
    0.1,
    0.5,
    1.5,
    2.5,
    3.5,
    0.125,
    0.375,
    2.675,
    1.005,
    0.05,
    0.25,
    9.5,
    99.5,
    9.9999,
    0.999999,
    0.9999995,
    123.456,
    1e-5,
    0.0001,
    0.000123456,
    1e15 + 0.3,
    1e21,
    1e22,
    1e23,
    9007199254740992.0,
    9007199254740993.0,
    1.0 / 3,
    2.0 / 3,
    100.0,
    1e100,
    1e300,
    1.7976931348623157e308,
    2.2250738585072014e-308,
    2.2250738585072009e-308,
    4.9406564584124654e-324,
    1e-310,
    5e-324,
    123456789012345678.0,
    0.1 + 0.2,
    1234.5,
    0x1.28p+0,
    0x1.38p+0,
    0x1.fffffffffffffp+0,
    0x1.0000000000001p+0,
    0x1.8p+0,
    0x1.f8p+0,
    0x1.08p+0,
    0x1.000008p+0,
    0x0.0000000000008p-1022,
    6.02214076e23,
    299792458.0,
};

static void doubles_match_glibc_for_every_conversion_and_flag(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(special_doubles) / sizeof(special_doubles[0]); i++) {
        compare_float_specs(1, "", 0, special_doubles[i]);
        compare_float_specs(3, "", 0, -special_doubles[i]); /* sign: a sample */
    }
}

static void infinity_and_nan_match_glibc(void **state)
{
    (void)state;
    compare_float_specs(1, "", 0, INFINITY);
    compare_float_specs(1, "", 0, -INFINITY);
    compare_float_specs(1, "", 0, NAN);
    compare_float_specs(1, "", 0, -NAN);
    compare_float_specs(3, "L", (long double)INFINITY, 0);
    compare_float_specs(3, "L", -(long double)NAN, 0);
}

static void exact_expansions_match_glibc_at_any_precision(void **state)
{
    (void)state;
    COMPARE_FORMAT("%.30f", 0.1);
    COMPARE_FORMAT("%.60f", 0.1);
    COMPARE_FORMAT("%.1100f", 5e-324);
    COMPARE_FORMAT("%.1100f", 2.2250738585072009e-308);
    COMPARE_FORMAT("%.800e", 5e-324);
    COMPARE_FORMAT("%.770e", 0x1.fffffffffffffp-1022);
    COMPARE_FORMAT("%.400f", 1.7976931348623157e308);
    COMPARE_FORMAT("%.320e", 1.7976931348623157e308);
    COMPARE_FORMAT("%.2000g", 1e-300);
    COMPARE_FORMAT("%#.2000g", 1.0);
    COMPARE_FORMAT("%.5000f", 1.0 / 3);
    COMPARE_FORMAT("%f", 1.7976931348623157e308);
    COMPARE_FORMAT("%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 1e300);
}

static void random_doubles_match_glibc_at_random_precisions(void **state)
{
    static const char *const formats[] = {"%.*f", "%.*e", "%.*g", "%.*a", "%#.*g", "%.*E"};
    (void)state;
    for (int round = 0; round < 6000; round++) {
        uint64_t bits = next_random();
        double value = double_from_bits(bits);
        if (isnan(value))
            continue;
        int precision = (int)(next_random() % 40);
        const char *format = formats[(size_t)round % (sizeof(formats) / sizeof(formats[0]))];
        if (format[3] == 'f' && fabs(value) > 1e60)
            precision %= 4; /* keep the output short; large values are covered elsewhere */
        COMPARE_FORMAT(format, precision, value);
        COMPARE_FORMAT("%g|%e|%a", value, value, value);
    }
    /* Values that need exactly the shortest and the next digit. */
    for (int round = 0; round < 3000; round++) {
        double value = (double)(int64_t)(next_random() % 2000000) / 1000.0;
        COMPARE_FORMAT("%.2f|%.3f|%.1e|%.6g|%.17g", value, value, value, value, value);
    }
}

static const long double special_long_doubles[] = {
    0.0L,         1.0L,
    0.1L,         0.5L,
    2.5L,         1.0L / 3,
    2.0L / 3,     1e-5L,
    1234.5L,      1.99999L,
    1e300L,       1e4000L,
    1e-4000L,     LDBL_MAX,
    LDBL_MIN,     LDBL_TRUE_MIN,
    LDBL_EPSILON, 0x1.fffffffffffffffep+0L,
    0x8.8p-3L,    0xf.8p-3L,
    0x1.8p+0L,    123456789012345678901234.0L,
};

static void long_doubles_match_glibc(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(special_long_doubles) / sizeof(special_long_doubles[0]); i++) {
        compare_float_specs(4, "L", special_long_doubles[i], 0);
        compare_float_specs(5, "L", -special_long_doubles[i], 0);
    }
    COMPARE_FORMAT("%.20000Lf", LDBL_TRUE_MIN);
    COMPARE_FORMAT("%.12000Le", LDBL_TRUE_MIN);
    COMPARE_FORMAT("%.5000Lf", LDBL_MAX);
    COMPARE_FORMAT("%.40Lf", 0.1L);
    compare_format_truncation = false;
    for (int round = 0; round < 800; round++) {
        /* A random normal long double: a mantissa with its integer bit, a random exponent. */
        uint64_t mantissa = next_random() | (1ull << 63);
        int exponent = (int)(next_random() % 32000) - 16000;
        long double value = ldexpl((long double)mantissa, exponent - 63);
        if (next_random() & 1)
            value = -value;
        int precision = (int)(next_random() % 30);
        COMPARE_FORMAT("%.*Le|%.*Lg|%La", precision, value, precision, value, value);
        if (exponent > -100 && exponent < 100)
            COMPARE_FORMAT("%.*Lf", precision, value);
    }
    compare_format_truncation = true;
}

static void hexadecimal_rounding_is_to_nearest_even(void **state)
{
    char buffer[64];
    (void)state;
    /* 0x1.28 to one digit is a tie: stays at the even 0x1.2; 0x1.38 goes up to 0x1.4. */
    cella_tlibc_snprintf(buffer, sizeof(buffer), "%.1a %.1a %.0a %.0a", 0x1.28p+0, 0x1.38p+0, 1.5,
                         2.5);
    assert_string_equal(buffer, "0x1.2p+0 0x1.4p+0 0x2p+0 0x1p+1");
    COMPARE_FORMAT("%.1a %.1a %.0a %.0a", 0x1.28p+0, 0x1.38p+0, 1.5, 2.5);
}

static void float_output_is_counted_and_truncated_like_any_other(void **state)
{
    char buffer[8];
    (void)state;
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), "%.30f", 0.1), 32);
    assert_string_equal(buffer, "0.10000");
    assert_int_equal(cella_tlibc_snprintf(NULL, 0, "%e", 1e300), 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(doubles_match_glibc_for_every_conversion_and_flag),
        cmocka_unit_test(infinity_and_nan_match_glibc),
        cmocka_unit_test(exact_expansions_match_glibc_at_any_precision),
        cmocka_unit_test(random_doubles_match_glibc_at_random_precisions),
        cmocka_unit_test(long_doubles_match_glibc),
        cmocka_unit_test(hexadecimal_rounding_is_to_nearest_even),
        cmocka_unit_test(float_output_is_counted_and_truncated_like_any_other),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("%lu formats compared with glibc\n", compare_format_count);
    return failed;
}
