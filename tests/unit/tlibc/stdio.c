/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/stdio.c: output to the host through cella_trts_print. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "test_hooks.h"
#include "tlibc.h"

/* One test passes a format that is wrong on purpose. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

static int setup(void **state)
{
    (void)state;
    test_hooks_reset();
    return 0;
}

static void printf_sends_the_formatted_text_to_the_host(void **state)
{
    (void)state;
    assert_int_equal(cella_tlibc_printf("hello %s, %d%%\n", "enclave", 100), 20);
    assert_int_equal(test_hooks.printed_size, 20);
    assert_string_equal(test_hooks.printed, "hello enclave, 100%\n");
    assert_int_equal(cella_tlibc_printf("%s", ""), 0);
    assert_int_equal(test_hooks.printed_size, 20);
}

static void long_output_goes_in_bounded_pieces(void **state)
{
    char expected[10001];
    (void)state;
    for (size_t i = 0; i < 10000; i++)
        expected[i] = (char)('a' + i % 26);
    expected[10000] = '\0';
    assert_int_equal(cella_tlibc_printf("%s", expected), 10000);
    assert_int_equal(test_hooks.printed_size, 10000);
    assert_memory_equal(test_hooks.printed, expected, 10000);
    assert_true(test_hooks.largest_print <= 256);
    assert_true(test_hooks.print_calls >= 10000 / 256);
}

static int call_vprintf(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int result = cella_tlibc_vprintf(format, arguments);
    va_end(arguments);
    return result;
}

static void vprintf_puts_and_putchar_write_through_the_same_hook(void **state)
{
    (void)state;
    assert_int_equal(call_vprintf("[%05.1f]", 3.14159), 7);
    assert_true(cella_tlibc_puts("line") >= 0);
    assert_int_equal(cella_tlibc_putchar('x'), 'x');
    assert_int_equal(cella_tlibc_putchar(0x1ff), 0xff);
    assert_string_equal(test_hooks.printed, "[003.1]line\nx\xff");
}

static void a_refusing_host_makes_output_functions_fail(void **state)
{
    (void)state;
    test_hooks.print_fails = true;
    *test_hooks_errno() = 0;
    assert_int_equal(cella_tlibc_printf("%d", 5), -1);
    assert_int_equal(*test_hooks_errno(), EIO);
    assert_int_equal(cella_tlibc_puts("x"), EOF);
    assert_int_equal(cella_tlibc_putchar('y'), EOF);
    assert_int_equal(test_hooks.printed_size, 0);
}

static void a_bad_format_prints_what_came_before_and_fails(void **state)
{
    const char *positional = "before %1$d";
    (void)state;
    *test_hooks_errno() = 0;
    assert_int_equal(cella_tlibc_printf(positional, 1), -1);
    assert_int_equal(*test_hooks_errno(), EINVAL);
    assert_string_equal(test_hooks.printed, "before ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(printf_sends_the_formatted_text_to_the_host, setup),
        cmocka_unit_test_setup(long_output_goes_in_bounded_pieces, setup),
        cmocka_unit_test_setup(vprintf_puts_and_putchar_write_through_the_same_hook, setup),
        cmocka_unit_test_setup(a_refusing_host_makes_output_functions_fail, setup),
        cmocka_unit_test_setup(a_bad_format_prints_what_came_before_and_fails, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
