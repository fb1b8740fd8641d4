/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/format.c (integers, characters, strings, pointers) against glibc. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <wchar.h>
#include <cmocka.h>

#include "compare_format.h"
#include "test_hooks.h"
#include "tlibc.h"

/* Some tests hand the formatter formats that are wrong on purpose. */
#pragma GCC diagnostic ignored "-Wformat-security"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-overflow"
#endif

static const char *const flag_sets[] = {"",   "-",  "+",  " ",  "#",  "0",   "-+",  "+ ",
                                        "-0", "+0", " 0", "#0", "-#", "+#0", "- #", "-+ #0"};
static const char *const widths[] = {"", "1", "3", "8", "21", "*"};
static const char *const precisions[] = {"", ".", ".0", ".1", ".3", ".12", ".25", ".*"};

/* Builds "%<flags><width><precision><length><conversion>". */
static void build_spec(char *out, size_t size, const char *flags, const char *width,
                       const char *precision, const char *length, char conversion)
{
    snprintf(out, size, "[%%%s%s%s%s%c]", flags, width, precision, length, conversion);
}

/* Every spec over one integer value of one length modifier: the macro picks the argument type. */
#define FOR_EVERY_INTEGER_SPEC(length, conversions, value)                                     \
    do {                                                                                       \
        for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++)                  \
            for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)                    \
                for (size_t p = 0; p < sizeof(precisions) / sizeof(precisions[0]); p++)        \
                    for (const char *c = (conversions); *c != '\0'; c++) {                     \
                        char spec[64];                                                         \
                        build_spec(spec, sizeof(spec), flag_sets[f], widths[w], precisions[p], \
                                   (length), *c);                                              \
                        bool star_width = widths[w][0] == '*';                                 \
                        bool star_precision = strcmp(precisions[p], ".*") == 0;                \
                        if (star_width && star_precision)                                      \
                            COMPARE_FORMAT(spec, (int)(w + f) - 8, (int)p - 2, (value));       \
                        else if (star_width)                                                   \
                            COMPARE_FORMAT(spec, (int)(w + f) - 8, (value));                   \
                        else if (star_precision)                                               \
                            COMPARE_FORMAT(spec, (int)p - 2, (value));                         \
                        else                                                                   \
                            COMPARE_FORMAT(spec, (value));                                     \
                    }                                                                          \
    } while (0)

static const long long integer_values[] = {0,
                                           1,
                                           -1,
                                           7,
                                           -8,
                                           42,
                                           127,
                                           128,
                                           255,
                                           256,
                                           -129,
                                           32767,
                                           -32768,
                                           65535,
                                           65536,
                                           123456789,
                                           INT_MAX,
                                           INT_MIN,
                                           (long long)UINT_MAX,
                                           4294967296LL,
                                           -9876543210LL,
                                           LLONG_MAX,
                                           LLONG_MIN,
                                           0x0123456789abcdefLL};

#define INTEGER_COUNT (sizeof(integer_values) / sizeof(integer_values[0]))

static void int_conversions_match_glibc_for_every_flag_width_and_precision(void **state)
{
    (void)state;
    for (size_t i = 0; i < INTEGER_COUNT; i++) {
        FOR_EVERY_INTEGER_SPEC("", "diouxX", (int)integer_values[i]);
        FOR_EVERY_INTEGER_SPEC("hh", "diouxX", (int)integer_values[i]);
        FOR_EVERY_INTEGER_SPEC("h", "diouxX", (int)integer_values[i]);
    }
}

static void wide_integer_conversions_match_glibc(void **state)
{
    (void)state;
    for (size_t i = 0; i < INTEGER_COUNT; i++) {
        FOR_EVERY_INTEGER_SPEC("l", "diouxX", (long)integer_values[i]);
        FOR_EVERY_INTEGER_SPEC("ll", "diouxX", integer_values[i]);
        FOR_EVERY_INTEGER_SPEC("j", "diouxX", (intmax_t)integer_values[i]);
        FOR_EVERY_INTEGER_SPEC("z", "diouxX", (size_t)integer_values[i]);
        FOR_EVERY_INTEGER_SPEC("t", "diouxX", (ptrdiff_t)integer_values[i]);
    }
}

static void characters_strings_and_percent_match_glibc(void **state)
{
    static const char *const strings[] = {
        "", "a", "hello", "hello, enclave world", "\xc3\xa9t\xc3\xa9", NULL};
    static const int characters[] = {'a', ' ', '%', 0x7f, 0xe9, 0x141 /* converted to 0x41 */};
    static const char *const string_flags[] = {"", "-"};
    static const char *const string_widths[] = {"", "1", "5", "30", "*"};
    static const char *const string_precisions[] = {"", ".", ".0", ".2", ".5", ".6", ".40", ".*"};
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        for (size_t w = 0; w < sizeof(string_widths) / sizeof(string_widths[0]); w++) {
            for (size_t p = 0; p < sizeof(string_precisions) / sizeof(string_precisions[0]); p++) {
                char spec[64];
                bool star_width = string_widths[w][0] == '*';
                bool star_precision = strcmp(string_precisions[p], ".*") == 0;
                build_spec(spec, sizeof(spec), string_flags[f], string_widths[w],
                           string_precisions[p], "", 's');
                for (size_t s = 0; s < sizeof(strings) / sizeof(strings[0]); s++) {
                    if (star_width && star_precision)
                        COMPARE_FORMAT(spec, 7 - (int)s * 3, (int)s - 1, strings[s]);
                    else if (star_width)
                        COMPARE_FORMAT(spec, 7 - (int)s * 3, strings[s]);
                    else if (star_precision)
                        COMPARE_FORMAT(spec, (int)s - 1, strings[s]);
                    else
                        COMPARE_FORMAT(spec, strings[s]);
                }
                if (star_precision)
                    continue; /* a precision means nothing to %c */
                build_spec(spec, sizeof(spec), string_flags[f], string_widths[w],
                           string_precisions[p], "", 'c');
                for (size_t c = 0; c < sizeof(characters) / sizeof(characters[0]); c++) {
                    if (star_width)
                        COMPARE_FORMAT(spec, 4 - (int)c * 2, characters[c]);
                    else
                        COMPARE_FORMAT(spec, characters[c]);
                }
            }
        }
    }
    COMPARE_FORMAT("100%% sure, [%5%] [%-5%]");
    COMPARE_FORMAT("%c%c%c", 'a', '\0', 'b'); /* an embedded NUL counts */
    COMPARE_FORMAT("[%ls] [%.3ls] [%8ls] [%-8ls] [%lc] [%5lc]", L"wide", L"wide", L"wide", L"wide",
                   (wint_t)L'w', (wint_t)L'x');
    COMPARE_FORMAT("[%ls] [%.3ls]", (wchar_t *)NULL, (wchar_t *)NULL);
}

/*
 * "%.3ls" of an array of three wide characters with no terminator (C11 allows it: the
 * precision ends the conversion first) reads nothing past them: the array ends at a page
 * that cannot be read.
 */
static void a_wide_string_ended_by_its_precision_is_read_no_further(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *pages = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(pages != MAP_FAILED);
    assert_int_equal(mprotect(pages + page, (size_t)page, PROT_NONE), 0);
    wchar_t *three = (wchar_t *)(void *)(pages + page - 3 * sizeof(wchar_t));
    three[0] = L'a';
    three[1] = L'b';
    three[2] = L'c';
    char out[16];
    assert_int_equal(cella_tlibc_snprintf(out, sizeof(out), "[%.3ls]", three), 5);
    assert_string_equal(out, "[abc]");
    assert_int_equal(cella_tlibc_snprintf(out, sizeof(out), "[%.0ls]", (wchar_t *)(void *)(pages + page)), 2);
    assert_string_equal(out, "[]");
    munmap(pages, (size_t)page * 2);
}

static void pointers_match_glibc(void **state)
{
    static void *const pointers[] = {NULL, (void *)1, (void *)0x1234, (void *)0x7ffe12345678,
                                     (void *)UINTPTR_MAX};
    static const char *const pointer_specs[] = {"%p",    "%20p", "%-20p", "%+p", "% p",
                                                "%020p", "%.8p", "%#p",   "%5p", "%-5p|"};
    (void)state;
    for (size_t p = 0; p < sizeof(pointers) / sizeof(pointers[0]); p++) {
        for (size_t s = 0; s < sizeof(pointer_specs) / sizeof(pointer_specs[0]); s++) {
            if (pointers[p] == NULL &&
                (strchr(pointer_specs[s], '0') != NULL || strchr(pointer_specs[s], '.') != NULL))
                continue; /* glibc applies zero padding and precision to "(nil)" inconsistently */
            COMPARE_FORMAT(pointer_specs[s], pointers[p]);
        }
    }
}

static void mixed_formats_and_literal_text_match_glibc(void **state)
{
    (void)state;
    COMPARE_FORMAT("");
    COMPARE_FORMAT("plain text, no conversions");
    COMPARE_FORMAT("%s=%d (%#x) at %p; %5.1s|%-3c|%%|%lu", "key", -17, 255u, (void *)0x1000,
                   "value", 'z', 123456789ul);
    COMPARE_FORMAT("%hhu %hu %u %lu %llu %ju %zu", (unsigned char)200, (unsigned short)60000,
                   4000000000u, 18446744073709551615ul, 18446744073709551615ull,
                   (uintmax_t)UINTMAX_MAX, SIZE_MAX);
    COMPARE_FORMAT("%Ld %qd %Lu %Zd", 5LL, 6LL, 7ULL, (ssize_t)-8);
    COMPARE_FORMAT("%'d %'u", 1234567, 7654321u);
    COMPARE_FORMAT("[%y] [%5k] [%w]"); /* not conversions: printed as written */
    char long_text[3000];
    memset(long_text, 'q', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    COMPARE_FORMAT("<%s>%2000d<%-1500s>", long_text, 5, "x");
}

static void percent_n_stores_the_count_so_far_in_every_width(void **state)
{
    char buffer[64];
    int count_int = -1;
    signed char count_char = -1;
    short count_short = -1;
    long count_long = -1;
    long long count_long_long = -1;
    intmax_t count_max = -1;
    ssize_t count_size = -1;
    ptrdiff_t count_ptrdiff = -1;
    (void)state;
    int length = cella_tlibc_snprintf(buffer, 4, "abc%nde%hhnf%hn%ln%lln%jn%zn%tnxyz", &count_int,
                                      &count_char, &count_short, &count_long, &count_long_long,
                                      &count_max, &count_size, &count_ptrdiff);
    assert_int_equal(length, 9);
    assert_string_equal(buffer, "abc");
    assert_int_equal(count_int, 3); /* counts what would be written, not what fits */
    assert_int_equal(count_char, 5);
    assert_int_equal(count_short, 6);
    assert_int_equal(count_long, 6);
    assert_int_equal(count_long_long, 6);
    assert_int_equal(count_max, 6);
    assert_int_equal(count_size, 6);
    assert_int_equal(count_ptrdiff, 6);
}

static void snprintf_with_size_zero_writes_nothing_and_counts(void **state)
{
    char buffer[4] = {'x', 'x', 'x', 'x'};
    (void)state;
    assert_int_equal(cella_tlibc_snprintf(buffer, 0, "%s-%d", "twelve", 12), 9);
    assert_memory_equal(buffer, "xxxx", 4);
    assert_int_equal(cella_tlibc_snprintf(NULL, 0, "%d", 123456), 6);
    assert_int_equal(cella_tlibc_snprintf(buffer, 1, "%d", 1), 1);
    assert_int_equal(buffer[0], '\0');
}

static void positional_arguments_are_refused(void **state)
{
    char buffer[16] = "unchanged";
    (void)state;
    const char *positional = "%1$d";
    *test_hooks_errno() = 0;
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), positional, 5), -1);
    assert_int_equal(*test_hooks_errno(), EINVAL);
    assert_string_equal(buffer, ""); /* terminated, nothing formatted */
}

static void a_format_ending_inside_a_conversion_fails(void **state)
{
    char buffer[16];
    const char *trailing_percent = "abc%";
    const char *trailing_length = "abc%-5l";
    (void)state;
    *test_hooks_errno() = 0;
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), trailing_percent), -1);
    assert_int_equal(*test_hooks_errno(), EINVAL);
    assert_string_equal(buffer, "abc");
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), trailing_length), -1);
}

static void output_beyond_int_max_fails_with_eoverflow(void **state)
{
    char buffer[8];
    const char *two_fields = "%*d%*d";
    const char *huge_width = "%2147483648d";
    (void)state;
    *test_hooks_errno() = 0;
    assert_int_equal(
        cella_tlibc_snprintf(buffer, sizeof(buffer), two_fields, INT_MAX - 2, 1, 10, 2), -1);
    assert_int_equal(*test_hooks_errno(), EOVERFLOW);
    *test_hooks_errno() = 0;
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), huge_width, 1), -1);
    assert_int_equal(*test_hooks_errno(), EOVERFLOW);
    /* Exactly INT_MAX bytes is still fine. */
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), "%*d", INT_MAX, 1), INT_MAX);
    assert_string_equal(buffer, "       ");
}

static void a_negative_star_width_left_justifies_and_a_negative_precision_is_ignored(void **state)
{
    (void)state;
    COMPARE_FORMAT("[%*d] [%.*d] [%*.*s]", -6, 42, -3, 42, -8, -1, "text");
}

static void invalid_wide_characters_fail_with_eilseq(void **state)
{
    char buffer[16];
    wchar_t surrogate[] = {0xd800, 0};
    (void)state;
    *test_hooks_errno() = 0;
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), "%lc", (wint_t)0x110000), -1);
    assert_int_equal(*test_hooks_errno(), EILSEQ);
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), "%ls", surrogate), -1);
    /* Other code points are written as UTF-8. */
    assert_int_equal(
        cella_tlibc_snprintf(buffer, sizeof(buffer), "%lc%ls", (wint_t)0xe9, L"\u20ac\U0001F600"),
        9);
    assert_string_equal(buffer, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    /* A precision never splits a character. */
    assert_int_equal(cella_tlibc_snprintf(buffer, sizeof(buffer), "[%.4ls]", L"\u20ac\u20ac"), 5);
    assert_string_equal(buffer, "[\xe2\x82\xac]");
}

static void asprintf_allocates_exactly_the_result(void **state)
{
    char *text = NULL;
    (void)state;
    assert_int_equal(cella_tlibc_asprintf(&text, "%s-%05d", "id", 42), 8);
    assert_string_equal(text, "id-00042");
    cella_tlibc_free(text);
    text = NULL;
    const char *positional = "%1$s";
    assert_int_equal(cella_tlibc_asprintf(&text, positional, "positional"), -1);
    assert_null(text);
}

static int run_vsnprintf(char *buffer, size_t size, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int result = cella_tlibc_vsnprintf(buffer, size, format, arguments);
    va_end(arguments);
    return result;
}

static void vsnprintf_reads_arguments_from_a_va_list(void **state)
{
    char buffer[32];
    (void)state;
    assert_int_equal(run_vsnprintf(buffer, sizeof(buffer), "%d/%s/%c", 7, "x", 'y'), 5);
    assert_string_equal(buffer, "7/x/y");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(int_conversions_match_glibc_for_every_flag_width_and_precision),
        cmocka_unit_test(wide_integer_conversions_match_glibc),
        cmocka_unit_test(characters_strings_and_percent_match_glibc),
        cmocka_unit_test(a_wide_string_ended_by_its_precision_is_read_no_further),
        cmocka_unit_test(pointers_match_glibc),
        cmocka_unit_test(mixed_formats_and_literal_text_match_glibc),
        cmocka_unit_test(percent_n_stores_the_count_so_far_in_every_width),
        cmocka_unit_test(snprintf_with_size_zero_writes_nothing_and_counts),
        cmocka_unit_test(positional_arguments_are_refused),
        cmocka_unit_test(a_format_ending_inside_a_conversion_fails),
        cmocka_unit_test(output_beyond_int_max_fails_with_eoverflow),
        cmocka_unit_test(a_negative_star_width_left_justifies_and_a_negative_precision_is_ignored),
        cmocka_unit_test(invalid_wide_characters_fail_with_eilseq),
        cmocka_unit_test(asprintf_allocates_exactly_the_result),
        cmocka_unit_test(vsnprintf_reads_arguments_from_a_va_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
