/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/result.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <cella/result.h>

static void every_result_code_has_its_own_name(void **state)
{
    (void)state;
    for (int a = 0; a < CELLA_RESULT_COUNT; a++) {
        const char *name = cella_result_str((cella_result_t)a);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown result code");
        for (int b = 0; b < a; b++)
            assert_string_not_equal(name, cella_result_str((cella_result_t)b));
    }
}

static void an_unknown_code_is_named_unknown(void **state)
{
    (void)state;
    assert_string_equal(cella_result_str((cella_result_t)CELLA_RESULT_COUNT),
                        "unknown result code");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_result_code_has_its_own_name),
        cmocka_unit_test(an_unknown_code_is_named_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
