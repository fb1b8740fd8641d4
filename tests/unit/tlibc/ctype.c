/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/ctype.c against the host's C locale. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tlibc.h"

typedef struct class_pair {
    const char *name;
    int (*ours)(int);
    int (*theirs)(int);
} class_pair_t;

static int host_isalnum(int c)
{
    return isalnum(c);
}
static int host_isalpha(int c)
{
    return isalpha(c);
}
static int host_isblank(int c)
{
    return isblank(c);
}
static int host_iscntrl(int c)
{
    return iscntrl(c);
}
static int host_isdigit(int c)
{
    return isdigit(c);
}
static int host_isgraph(int c)
{
    return isgraph(c);
}
static int host_islower(int c)
{
    return islower(c);
}
static int host_isprint(int c)
{
    return isprint(c);
}
static int host_ispunct(int c)
{
    return ispunct(c);
}
static int host_isspace(int c)
{
    return isspace(c);
}
static int host_isupper(int c)
{
    return isupper(c);
}
static int host_isxdigit(int c)
{
    return isxdigit(c);
}
static int host_isascii(int c)
{
    return c >= 0 && c <= 0x7f;
}

static const class_pair_t classes[] = {
    {"isalnum", cella_tlibc_isalnum, host_isalnum},
    {"isalpha", cella_tlibc_isalpha, host_isalpha},
    {"isblank", cella_tlibc_isblank, host_isblank},
    {"iscntrl", cella_tlibc_iscntrl, host_iscntrl},
    {"isdigit", cella_tlibc_isdigit, host_isdigit},
    {"isgraph", cella_tlibc_isgraph, host_isgraph},
    {"islower", cella_tlibc_islower, host_islower},
    {"isprint", cella_tlibc_isprint, host_isprint},
    {"ispunct", cella_tlibc_ispunct, host_ispunct},
    {"isspace", cella_tlibc_isspace, host_isspace},
    {"isupper", cella_tlibc_isupper, host_isupper},
    {"isxdigit", cella_tlibc_isxdigit, host_isxdigit},
    {"isascii", cella_tlibc_isascii, host_isascii},
};

static void every_class_matches_the_c_locale_for_eof_and_every_byte(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
        for (int c = EOF; c <= 255; c++) {
            if ((classes[k].ours(c) != 0) != (classes[k].theirs(c) != 0)) {
                fprintf(stderr, "%s(%d) differs from the host\n", classes[k].name, c);
                fail();
            }
        }
    }
}

static void case_mapping_matches_the_c_locale(void **state)
{
    (void)state;
    for (int c = EOF; c <= 255; c++) {
        assert_int_equal(cella_tlibc_tolower(c), tolower(c));
        assert_int_equal(cella_tlibc_toupper(c), toupper(c));
    }
}

static void values_outside_unsigned_char_are_in_no_class(void **state)
{
    static const int outside[] = {-200, -2, 256, 300, 0x10041, 1 << 30, -(1 << 30)};
    (void)state;
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
            assert_int_equal(classes[k].ours(outside[i]), 0);
        assert_int_equal(cella_tlibc_tolower(outside[i]), outside[i]);
        assert_int_equal(cella_tlibc_toupper(outside[i]), outside[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_class_matches_the_c_locale_for_eof_and_every_byte),
        cmocka_unit_test(case_mapping_matches_the_c_locale),
        cmocka_unit_test(values_outside_unsigned_char_are_in_no_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
