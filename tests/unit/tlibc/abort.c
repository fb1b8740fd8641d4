/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/abort.c: abort, assertion failures and the stack protector's exit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "test_hooks.h"
#include "tlibc.h"

static jmp_buf target;

static int setup(void **state)
{
    (void)state;
    test_hooks_reset();
    test_hooks.abort_target = &target;
    return 0;
}

static void abort_tells_the_host_and_stops_the_enclave(void **state)
{
    (void)state;
    if (setjmp(target) == 0) {
        cella_tlibc_abort();
    }
    assert_int_equal(test_hooks.abort_calls, 1);
    assert_string_equal(test_hooks.printed, "enclave aborted: abort() called\n");
}

static void a_failed_assertion_names_file_line_function_and_expression(void **state)
{
    (void)state;
    if (setjmp(target) == 0) {
        cella_tlibc_assert_fail("key_size == 32", "enclave/keys.c", 117, "derive_key");
    }
    assert_int_equal(test_hooks.abort_calls, 1);
    assert_string_equal(
        test_hooks.printed,
        "enclave assertion failed: enclave/keys.c:117: derive_key: key_size == 32\n");
}

static void an_overlong_assertion_message_is_cut_not_overflowed(void **state)
{
    static char expression[2000];
    (void)state;
    memset(expression, 'x', sizeof(expression) - 1);
    if (setjmp(target) == 0) {
        cella_tlibc_assert_fail(expression, "f.c", 1, "g");
    }
    assert_int_equal(test_hooks.abort_calls, 1);
    assert_int_equal(test_hooks.printed_size, 511);
    assert_memory_equal(test_hooks.printed, "enclave assertion failed: f.c:1: g: xxx", 39);
}

static void a_smashed_stack_stops_the_enclave(void **state)
{
    (void)state;
    if (setjmp(target) == 0) {
        cella_tlibc_stack_chk_fail();
    }
    assert_int_equal(test_hooks.abort_calls, 1);
    assert_string_equal(test_hooks.printed, "enclave aborted: stack smashing detected\n");
}

static void a_refusing_host_does_not_prevent_the_abort(void **state)
{
    (void)state;
    test_hooks.print_fails = true;
    if (setjmp(target) == 0) {
        cella_tlibc_abort();
    }
    assert_int_equal(test_hooks.abort_calls, 1);
}

static void the_fallback_stack_guard_has_a_zero_low_byte(void **state)
{
    (void)state;
    assert_true(cella_tlibc_stack_chk_guard != 0);
    assert_int_equal(cella_tlibc_stack_chk_guard & 0xff, 0);
}

static void the_trusted_headers_agree_with_the_test_declarations(void **state)
{
    (void)state;
    assert_int_equal(cella_tlibc_api_check(), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(abort_tells_the_host_and_stops_the_enclave, setup),
        cmocka_unit_test_setup(a_failed_assertion_names_file_line_function_and_expression, setup),
        cmocka_unit_test_setup(an_overlong_assertion_message_is_cut_not_overflowed, setup),
        cmocka_unit_test_setup(a_smashed_stack_stops_the_enclave, setup),
        cmocka_unit_test_setup(a_refusing_host_does_not_prevent_the_abort, setup),
        cmocka_unit_test(the_fallback_stack_guard_has_a_zero_low_byte),
        cmocka_unit_test(the_trusted_headers_agree_with_the_test_declarations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
