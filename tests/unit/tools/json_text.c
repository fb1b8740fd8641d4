/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for tools/cella/json_text.c: JSON strings from bytes that need not be UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tools/cella/json_text.h"

static void expect(const char *input, const char *expected)
{
    json_t *value = json_text(input);
    assert_non_null(value);
    assert_string_equal(json_string_value(value), expected);
    json_decref(value);
}

static void utf8_text_is_kept_as_it_is(void **state)
{
    (void)state;
    expect("", "");
    expect("/var/run/aesmd/aesm.socket", "/var/run/aesmd/aesm.socket");
    expect("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92");
    expect("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last code point */
}

static void each_byte_that_starts_no_utf8_sequence_becomes_a_replacement_character(void **state)
{
    (void)state;
#define FFFD "\xef\xbf\xbd"
    expect("\xff", FFFD);
    expect("a\xffz", "a" FFFD "z");
    expect("\xc0\x80", FFFD FFFD);                 /* an overlong NUL */
    expect("\xe0\x80\xaf", FFFD FFFD FFFD);         /* an overlong '/' */
    expect("\xed\xa0\x80", FFFD FFFD FFFD);         /* a surrogate */
    expect("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
    expect("\x80", FFFD);                           /* a lone continuation byte */
    expect("ab\xe2\x82", "ab" FFFD FFFD);           /* cut short at the end */
    expect("\xe2\x82" "x", FFFD FFFD "x");
#undef FFFD
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_text_is_kept_as_it_is),
        cmocka_unit_test(each_byte_that_starts_no_utf8_sequence_becomes_a_replacement_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
