/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/string.c and wchar.c against the host's C library. */
#define _GNU_SOURCE /* the host's memrchr, stpcpy, strtok_r, wcsnlen */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <cmocka.h>

#include "test_hooks.h"
#include "tlibc.h"

#if defined(__GNUC__) && !defined(__clang__)
/* The comparisons call the host's strncpy/strncat with truncating sizes on purpose. */
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif

#define GUARD        0xa5
#define BUFFER_BYTES 2048

/* A deterministic generator, so that a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t random_below(size_t limit)
{
    return (size_t)(next_random() % limit);
}

static void fill_random(unsigned char *buffer, size_t size)
{
    for (size_t i = 0; i < size; i++)
        buffer[i] = (unsigned char)next_random();
}

/* A random string of length below max_length over the first alphabet_size letters of "ab..". */
static void random_string(char *out, size_t max_length, size_t alphabet_size)
{
    size_t length = random_below(max_length);
    for (size_t i = 0; i < length; i++)
        out[i] = (char)('a' + random_below(alphabet_size));
    out[length] = '\0';
}

static int sign_of(int value)
{
    return (value > 0) - (value < 0);
}

/* Sizes that cover every path: small (overlapping words), the 16-byte loop, rep movsb/stosb. */
static const size_t interesting_sizes[] = {
    0,  1,  2,   3,   4,   5,   7,   8,   9,   15,  16,  17,  24,  31,  32,   33,   47,   63,
    64, 65, 100, 127, 128, 129, 200, 255, 256, 257, 300, 511, 512, 513, 1000, 1023, 1024, 1500};

static void memcpy_copies_every_size_and_alignment_and_nothing_more(void **state)
{
    static unsigned char source[BUFFER_BYTES];
    static unsigned char dest[BUFFER_BYTES];
    (void)state;
    fill_random(source, sizeof(source));
    for (size_t s = 0; s < sizeof(interesting_sizes) / sizeof(interesting_sizes[0]); s++) {
        size_t size = interesting_sizes[s];
        for (size_t src_offset = 0; src_offset < 16; src_offset += 3) {
            for (size_t dest_offset = 0; dest_offset < 16; dest_offset++) {
                memset(dest, GUARD, sizeof(dest));
                void *result =
                    cella_tlibc_memcpy(dest + 32 + dest_offset, source + src_offset, size);
                assert_ptr_equal(result, dest + 32 + dest_offset);
                if (size > 0)
                    assert_memory_equal(dest + 32 + dest_offset, source + src_offset, size);
                for (size_t i = 0; i < 32 + dest_offset; i++)
                    assert_int_equal(dest[i], GUARD);
                for (size_t i = 32 + dest_offset + size; i < sizeof(dest); i++)
                    assert_int_equal(dest[i], GUARD);
            }
        }
    }
}

static void mempcpy_returns_the_end_of_the_copy(void **state)
{
    char dest[16];
    (void)state;
    assert_ptr_equal(cella_tlibc_mempcpy(dest, "abcdef", 6), dest + 6);
    assert_memory_equal(dest, "abcdef", 6);
}

static void memmove_matches_the_host_for_overlap_in_both_directions(void **state)
{
    static unsigned char ours[BUFFER_BYTES];
    static unsigned char theirs[BUFFER_BYTES];
    (void)state;
    for (size_t s = 0; s < sizeof(interesting_sizes) / sizeof(interesting_sizes[0]); s++) {
        size_t size = interesting_sizes[s];
        for (int shift = -40; shift <= 40; shift++) {
            fill_random(ours, sizeof(ours));
            memcpy(theirs, ours, sizeof(ours));
            size_t from = 200 + random_below(8);
            size_t to = (size_t)((long)from + shift);
            assert_ptr_equal(cella_tlibc_memmove(ours + to, ours + from, size), ours + to);
            memmove(theirs + to, theirs + from, size);
            assert_memory_equal(ours, theirs, sizeof(ours));
        }
    }
}

static void memmove_handles_large_overlapping_copies(void **state)
{
    static unsigned char ours[1 << 16];
    static unsigned char theirs[1 << 16];
    (void)state;
    for (int round = 0; round < 50; round++) {
        fill_random(ours, sizeof(ours));
        memcpy(theirs, ours, sizeof(ours));
        size_t from = random_below(sizeof(ours) / 2);
        size_t to = random_below(sizeof(ours) / 2);
        size_t size = random_below(sizeof(ours) / 2);
        cella_tlibc_memmove(ours + to, ours + from, size);
        memmove(theirs + to, theirs + from, size);
        assert_memory_equal(ours, theirs, sizeof(ours));
    }
}

static void memset_fills_every_size_and_alignment_and_nothing_more(void **state)
{
    static unsigned char dest[BUFFER_BYTES];
    static const int values[] = {0, 0xff, 0x80, 0x5a, 0x1234 /* only the low byte counts */};
    (void)state;
    for (size_t s = 0; s < sizeof(interesting_sizes) / sizeof(interesting_sizes[0]); s++) {
        size_t size = interesting_sizes[s];
        for (size_t offset = 0; offset < 16; offset++) {
            for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
                memset(dest, GUARD, sizeof(dest));
                assert_ptr_equal(cella_tlibc_memset(dest + 32 + offset, values[v], size),
                                 dest + 32 + offset);
                for (size_t i = 0; i < sizeof(dest); i++) {
                    bool inside = i >= 32 + offset && i < 32 + offset + size;
                    assert_int_equal(dest[i], inside ? (unsigned char)values[v] : GUARD);
                }
            }
        }
    }
}

static void memcmp_orders_like_the_host_for_every_differing_position(void **state)
{
    unsigned char a[300];
    unsigned char b[300];
    (void)state;
    for (size_t size = 0; size < sizeof(a); size += 1 + size / 8) {
        fill_random(a, sizeof(a));
        memcpy(b, a, sizeof(a));
        assert_int_equal(cella_tlibc_memcmp(a, b, size), 0);
        for (size_t position = 0; position < size; position++) {
            memcpy(b, a, sizeof(a));
            b[position] = (unsigned char)(a[position] ^ (1u << random_below(8)));
            assert_int_equal(sign_of(cella_tlibc_memcmp(a, b, size)), sign_of(memcmp(a, b, size)));
            assert_int_equal(sign_of(cella_tlibc_memcmp(b, a, size)), sign_of(memcmp(b, a, size)));
            /* A difference past size does not count. */
            assert_int_equal(cella_tlibc_memcmp(a, b, position), 0);
        }
    }
}

static void memchr_and_memrchr_find_the_first_and_last_match(void **state)
{
    unsigned char buffer[500];
    (void)state;
    for (int round = 0; round < 2000; round++) {
        size_t size = random_below(sizeof(buffer));
        for (size_t i = 0; i < size; i++)
            buffer[i] = (unsigned char)random_below(8) + 0x7c; /* bytes around 0x80 */
        int value = (int)random_below(8) + 0x7c;
        assert_ptr_equal(cella_tlibc_memchr(buffer, value, size), memchr(buffer, value, size));
        assert_ptr_equal(cella_tlibc_memrchr(buffer, value, size), memrchr(buffer, value, size));
        /* The value is converted to unsigned char. */
        assert_ptr_equal(cella_tlibc_memchr(buffer, value - 256, size),
                         memchr(buffer, value, size));
    }
    assert_null(cella_tlibc_memchr("abc", 'd', 3));
    assert_null(cella_tlibc_memrchr("abc", 'a', 0));
}

static void string_searches_match_the_host_on_random_strings(void **state)
{
    char a[64];
    char b[64];
    (void)state;
    for (int round = 0; round < 20000; round++) {
        size_t alphabet = 1 + random_below(4);
        random_string(a, 40, alphabet);
        random_string(b, 6, alphabet);
        int c = 'a' + (int)random_below(alphabet + 1);
        size_t n = random_below(45);
        assert_int_equal(cella_tlibc_strlen(a), strlen(a));
        assert_int_equal(cella_tlibc_strnlen(a, n), strnlen(a, n));
        assert_int_equal(sign_of(cella_tlibc_strcmp(a, b)), sign_of(strcmp(a, b)));
        assert_int_equal(sign_of(cella_tlibc_strncmp(a, b, n)), sign_of(strncmp(a, b, n)));
        assert_int_equal(sign_of(cella_tlibc_strcoll(a, b)), sign_of(strcmp(a, b)));
        assert_ptr_equal(cella_tlibc_strchr(a, c), strchr(a, c));
        assert_ptr_equal(cella_tlibc_strrchr(a, c), strrchr(a, c));
        assert_ptr_equal(cella_tlibc_strstr(a, b), strstr(a, b));
        assert_int_equal(cella_tlibc_strspn(a, b), strspn(a, b));
        assert_int_equal(cella_tlibc_strcspn(a, b), strcspn(a, b));
        assert_ptr_equal(cella_tlibc_strpbrk(a, b), strpbrk(a, b));
    }
}

static void strchr_finds_the_terminator_and_compares_as_char(void **state)
{
    const char *text = "caf\xc3\xa9";
    (void)state;
    assert_ptr_equal(cella_tlibc_strchr(text, '\0'), text + 5);
    assert_ptr_equal(cella_tlibc_strrchr(text, '\0'), text + 5);
    assert_ptr_equal(cella_tlibc_strchr(text, 0xc3), text + 3);
    assert_ptr_equal(cella_tlibc_strchr(text, 0xa9 - 256), text + 4);
    assert_int_equal(sign_of(cella_tlibc_strcmp("\xff", "a")), 1); /* unsigned comparison */
    assert_int_equal(sign_of(cella_tlibc_strncmp("ab\x80", "ab\x01", 3)), 1);
}

static void strstr_handles_periodic_and_long_needles(void **state)
{
    static char haystack[100001];
    static char needle[5001];
    (void)state;
    memset(haystack, 'a', sizeof(haystack) - 1);
    haystack[sizeof(haystack) - 1] = '\0';
    memset(needle, 'a', sizeof(needle) - 1);
    needle[sizeof(needle) - 1] = '\0';
    needle[sizeof(needle) - 2] = 'b';
    assert_null(cella_tlibc_strstr(haystack, needle));
    haystack[sizeof(haystack) - 2] = 'b';
    assert_ptr_equal(cella_tlibc_strstr(haystack, needle), strstr(haystack, needle));

    static const char *const cases[][2] = {
        {"", ""},
        {"abc", ""},
        {"", "a"},
        {"abc", "abcd"},
        {"abcabcabd", "abcabd"},
        {"aabaabaaab", "aabaaab"},
        {"xyzzy", "zzy"},
        {"banana", "nana"},
        {"abababababc", "ababc"},
        {"mississippi", "issip"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_ptr_equal(cella_tlibc_strstr(cases[i][0], cases[i][1]),
                         strstr(cases[i][0], cases[i][1]));
}

static void copy_and_concatenate_functions_match_the_host(void **state)
{
    char src[64];
    char ours[128];
    char theirs[128];
    (void)state;
    for (int round = 0; round < 5000; round++) {
        random_string(src, 40, 26);
        size_t n = random_below(50);
        memset(ours, GUARD, sizeof(ours));
        memset(theirs, GUARD, sizeof(theirs));
        assert_ptr_equal(cella_tlibc_strcpy(ours, src), ours);
        strcpy(theirs, src);
        assert_memory_equal(ours, theirs, sizeof(ours));

        assert_ptr_equal(cella_tlibc_strncpy(ours, src, n), ours);
        strncpy(theirs, src, n);
        assert_memory_equal(ours, theirs, sizeof(ours));

        assert_ptr_equal(cella_tlibc_stpcpy(ours, src), stpcpy(theirs, src) - theirs + ours);
        assert_memory_equal(ours, theirs, sizeof(ours));
        assert_ptr_equal(cella_tlibc_stpncpy(ours, src, n),
                         stpncpy(theirs, src, n) - theirs + ours);
        assert_memory_equal(ours, theirs, sizeof(ours));

        strcpy(ours, "head:");
        strcpy(theirs, "head:");
        assert_ptr_equal(cella_tlibc_strcat(ours, src), ours);
        strcat(theirs, src);
        assert_memory_equal(ours, theirs, sizeof(ours));
        assert_ptr_equal(cella_tlibc_strncat(ours, src, n), ours);
        strncat(theirs, src, n);
        assert_memory_equal(ours, theirs, sizeof(ours));
    }
}

static void strlcpy_and_strlcat_truncate_and_report_the_full_length(void **state)
{
    char dest[8];
    (void)state;
    memset(dest, GUARD, sizeof(dest));
    assert_int_equal(cella_tlibc_strlcpy(dest, "hello world", sizeof(dest)), 11);
    assert_string_equal(dest, "hello w");
    assert_int_equal(cella_tlibc_strlcpy(dest, "hi", sizeof(dest)), 2);
    assert_string_equal(dest, "hi");
    memset(dest, GUARD, sizeof(dest));
    assert_int_equal(cella_tlibc_strlcpy(dest, "abc", 0), 3);
    assert_int_equal((unsigned char)dest[0], GUARD);

    strcpy(dest, "ab");
    assert_int_equal(cella_tlibc_strlcat(dest, "cdefghij", sizeof(dest)), 10);
    assert_string_equal(dest, "abcdefg");
    assert_int_equal(cella_tlibc_strlcat(dest, "x", sizeof(dest)), 8);
    assert_string_equal(dest, "abcdefg");
    /* A destination not terminated within size gets nothing appended. */
    memset(dest, 'z', sizeof(dest));
    assert_int_equal(cella_tlibc_strlcat(dest, "abc", 4), 7);
    assert_int_equal(dest[0], 'z');
}

static void strxfrm_is_the_identity_in_the_c_locale(void **state)
{
    char dest[8];
    (void)state;
    assert_int_equal(cella_tlibc_strxfrm(dest, "abc", sizeof(dest)), 3);
    assert_string_equal(dest, "abc");
    memset(dest, GUARD, sizeof(dest));
    assert_int_equal(cella_tlibc_strxfrm(dest, "too long for it", sizeof(dest)), 15);
    assert_int_equal((unsigned char)dest[0], GUARD);
}

static void strtok_r_splits_like_the_host(void **state)
{
    static const char *const inputs[] = {"",     ",,,", "a", ",a,,b,c,", "a b\tc", "  lead trail  ",
                                         "x,y;z"};
    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        char ours[64];
        char theirs[64];
        char *our_save = NULL;
        char *their_save = NULL;
        strcpy(ours, inputs[i]);
        strcpy(theirs, inputs[i]);
        const char *delimiters = i % 2 == 0 ? ", ;" : ",\t ";
        char *a = cella_tlibc_strtok_r(ours, delimiters, &our_save);
        char *b = strtok_r(theirs, delimiters, &their_save);
        for (;;) {
            assert_int_equal(a == NULL, b == NULL);
            if (a == NULL)
                break;
            assert_string_equal(a, b);
            assert_int_equal(a - ours, b - theirs);
            a = cella_tlibc_strtok_r(NULL, delimiters, &our_save);
            b = strtok_r(NULL, delimiters, &their_save);
        }
        /* Calling again after the end keeps returning NULL. */
        assert_null(cella_tlibc_strtok_r(NULL, delimiters, &our_save));
    }
    char text[] = "k=v";
    char *save = NULL;
    assert_string_equal(cella_tlibc_strtok_s(text, "=", &save), "k");
    assert_string_equal(cella_tlibc_strtok_s(NULL, "=", &save), "v");
    assert_null(cella_tlibc_strtok_s(NULL, "=", &save));
}

static void strdup_and_strndup_copy_into_the_heap(void **state)
{
    (void)state;
    char *copy = cella_tlibc_strdup("secret");
    assert_non_null(copy);
    assert_string_equal(copy, "secret");
    cella_tlibc_free(copy);
    copy = cella_tlibc_strndup("secret", 3);
    assert_non_null(copy);
    assert_string_equal(copy, "sec");
    cella_tlibc_free(copy);
    /* strndup reads no further than max_size: the source need not be terminated. */
    char unterminated[4] = {'a', 'b', 'c', 'd'};
    copy = cella_tlibc_strndup(unterminated, sizeof(unterminated));
    assert_string_equal(copy, "abcd");
    cella_tlibc_free(copy);
}

static void strdup_reports_an_exhausted_heap(void **state)
{
    (void)state;
    size_t huge = test_hooks_heap_size() + 1;
    char *text = malloc(huge);
    assert_non_null(text);
    memset(text, 'x', huge - 1);
    text[huge - 1] = '\0';
    *test_hooks_errno() = 0;
    assert_null(cella_tlibc_strdup(text));
    assert_int_equal(*test_hooks_errno(), ENOMEM);
    assert_null(cella_tlibc_strndup(text, huge));
    free(text);
}

static void strerror_uses_the_hosts_messages(void **state)
{
    char buffer[128];
    (void)state;
    for (int error = 0; error <= 133; error++) {
        const char *theirs = strerror(error);
        if (strncmp(theirs, "Unknown error", 13) == 0) {
            assert_string_equal(cella_tlibc_strerror(error), "Unknown error");
            assert_int_equal(cella_tlibc_strerror_r(error, buffer, sizeof(buffer)), EINVAL);
        } else {
            assert_string_equal(cella_tlibc_strerror(error), theirs);
            assert_int_equal(cella_tlibc_strerror_r(error, buffer, sizeof(buffer)), 0);
            assert_string_equal(buffer, theirs);
        }
    }
    assert_string_equal(cella_tlibc_strerror(-1), "Unknown error");
    assert_string_equal(cella_tlibc_strerror(100000), "Unknown error");
    assert_int_equal(cella_tlibc_strerror_r(ENOMEM, buffer, 4), ERANGE);
    assert_string_equal(buffer, "Can");
    assert_int_equal(cella_tlibc_strerror_r(ENOMEM, buffer, 0), ERANGE);
}

static void case_insensitive_comparison_matches_the_host(void **state)
{
    char a[32];
    char b[32];
    (void)state;
    for (int round = 0; round < 5000; round++) {
        random_string(a, 12, 3);
        random_string(b, 12, 3);
        for (char *p = a; *p; p++) {
            if (next_random() & 1)
                *p = (char)(*p - 'a' + 'A');
        }
        size_t n = random_below(14);
        assert_int_equal(sign_of(cella_tlibc_strcasecmp(a, b)), sign_of(strcasecmp(a, b)));
        assert_int_equal(sign_of(cella_tlibc_strncasecmp(a, b, n)), sign_of(strncasecmp(a, b, n)));
    }
    assert_int_equal(cella_tlibc_strcasecmp("HeLLo", "hello"), 0);
    assert_true(cella_tlibc_strcasecmp("[", "a") != 0); /* only letters fold */
}

static void ffs_finds_the_lowest_set_bit(void **state)
{
    (void)state;
    assert_int_equal(cella_tlibc_ffs(0), 0);
    assert_int_equal(cella_tlibc_ffs(1), 1);
    assert_int_equal(cella_tlibc_ffs(0x80), 8);
    assert_int_equal(cella_tlibc_ffs((int)0x80000000u), 32);
    assert_int_equal(cella_tlibc_ffsl(1L << 40), 41);
    assert_int_equal(cella_tlibc_ffsll((long long)(1ULL << 63)), 64);
    assert_int_equal(cella_tlibc_ffsll(0), 0);
}

static void wide_functions_match_the_host(void **state)
{
    wchar_t a[40];
    wchar_t b[40];
    wchar_t ours[80];
    wchar_t theirs[80];
    (void)state;
    for (int round = 0; round < 5000; round++) {
        size_t la = random_below(20);
        size_t lb = random_below(6);
        for (size_t i = 0; i < la; i++)
            a[i] = (wchar_t)(0x41 + (int)random_below(3) + (round % 2 ? 0x10000 : 0));
        for (size_t i = 0; i < lb; i++)
            b[i] = (wchar_t)(0x41 + (int)random_below(3) + (round % 2 ? 0x10000 : 0));
        a[la] = b[lb] = L'\0';
        size_t n = random_below(24);
        wchar_t c = (wchar_t)(0x41 + (int)random_below(4) + (round % 2 ? 0x10000 : 0));
        assert_int_equal(cella_tlibc_wcslen(a), wcslen(a));
        assert_int_equal(cella_tlibc_wcsnlen(a, n), wcsnlen(a, n));
        assert_int_equal(sign_of(cella_tlibc_wcscmp(a, b)), sign_of(wcscmp(a, b)));
        assert_int_equal(sign_of(cella_tlibc_wcsncmp(a, b, n)), sign_of(wcsncmp(a, b, n)));
        assert_ptr_equal(cella_tlibc_wcschr(a, c), wcschr(a, c));
        assert_ptr_equal(cella_tlibc_wcsrchr(a, c), wcsrchr(a, c));
        assert_ptr_equal(cella_tlibc_wmemchr(a, c, la), wmemchr(a, c, la));
        assert_int_equal(sign_of(cella_tlibc_wmemcmp(a, b, lb < la ? lb : la)),
                         sign_of(wmemcmp(a, b, lb < la ? lb : la)));

        memset(ours, 0x5a, sizeof(ours));
        memset(theirs, 0x5a, sizeof(theirs));
        cella_tlibc_wcscpy(ours, a);
        wcscpy(theirs, a);
        cella_tlibc_wcscat(ours, b);
        wcscat(theirs, b);
        cella_tlibc_wcsncat(ours, a, n);
        wcsncat(theirs, a, n);
        assert_memory_equal(ours, theirs, sizeof(ours));
        cella_tlibc_wcsncpy(ours, a, n);
        wcsncpy(theirs, a, n);
        assert_memory_equal(ours, theirs, sizeof(ours));
        cella_tlibc_wmemset(ours, c, n);
        wmemset(theirs, c, n);
        cella_tlibc_wmemmove(ours + 1, ours, n);
        wmemmove(theirs + 1, theirs, n);
        cella_tlibc_wmemcpy(ours + 40, a, la);
        wmemcpy(theirs + 40, a, la);
        assert_memory_equal(ours, theirs, sizeof(ours));
    }
    /* Characters compare as signed wchar_t. */
    wchar_t negative[] = {(wchar_t)-5, 0};
    wchar_t positive[] = {5, 0};
    assert_true(cella_tlibc_wcscmp(negative, positive) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(memcpy_copies_every_size_and_alignment_and_nothing_more),
        cmocka_unit_test(mempcpy_returns_the_end_of_the_copy),
        cmocka_unit_test(memmove_matches_the_host_for_overlap_in_both_directions),
        cmocka_unit_test(memmove_handles_large_overlapping_copies),
        cmocka_unit_test(memset_fills_every_size_and_alignment_and_nothing_more),
        cmocka_unit_test(memcmp_orders_like_the_host_for_every_differing_position),
        cmocka_unit_test(memchr_and_memrchr_find_the_first_and_last_match),
        cmocka_unit_test(string_searches_match_the_host_on_random_strings),
        cmocka_unit_test(strchr_finds_the_terminator_and_compares_as_char),
        cmocka_unit_test(strstr_handles_periodic_and_long_needles),
        cmocka_unit_test(copy_and_concatenate_functions_match_the_host),
        cmocka_unit_test(strlcpy_and_strlcat_truncate_and_report_the_full_length),
        cmocka_unit_test(strxfrm_is_the_identity_in_the_c_locale),
        cmocka_unit_test(strtok_r_splits_like_the_host),
        cmocka_unit_test(strdup_and_strndup_copy_into_the_heap),
        cmocka_unit_test(strdup_reports_an_exhausted_heap),
        cmocka_unit_test(strerror_uses_the_hosts_messages),
        cmocka_unit_test(case_insensitive_comparison_matches_the_host),
        cmocka_unit_test(ffs_finds_the_lowest_set_bit),
        cmocka_unit_test(wide_functions_match_the_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
