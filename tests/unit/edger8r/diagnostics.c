/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for every diagnostic of the EDL front end: exact text and position. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "edl.h"
#include "memfs.h"
#include "memory.h"

enum {
    HEADER_ONLY = 1 << 0,
    WARN_USER_CHECK = 1 << 1,
    READ_FAILS_IO = 1 << 2,
    READ_FAILS_TOO_LARGE = 1 << 3,
};

struct diag_case {
    cella_edl_diag_code_t code;
    const char *edl;      /* main.edl, or the file named by root */
    const char *expected; /* the first diagnostic, "line:col: severity: message; hint" */
    const char *root;     /* NULL: main.edl */
    const char *other_path;
    const char *other_text;
    unsigned flags;
};

#define T(body) "enclave {\n    trusted {\n        " body "\n    };\n};\n"
#define U(body)                                                                        \
    "enclave {\n    trusted { public void f(void); };\n    untrusted {\n        " body \
    "\n    };\n};\n"

#define CASE(c, text, first)                            \
    {                                                   \
        .code = (c), .edl = (text), .expected = (first) \
    }
#define CASEX(c, text, first, ...)                                   \
    {                                                                \
        .code = (c), .edl = (text), .expected = (first), __VA_ARGS__ \
    }

/* Codes proven by some test in this file; checked last. */
static bool covered[CELLA_EDL_DIAG_CODE_COUNT];

static const struct diag_case cases[] = {
#include "diagnostics_cases.inc"
};

/* Loads the case's files; returns the load result and fills diags. */
static cella_result_t load_case(const struct diag_case *c, cella_edl_diags_t *diags,
                                cella_edl_program_t **program)
{
    const char *root = c->root != NULL ? c->root : "main.edl";
    memfs_file_t files[] = {
        {root, c->edl},
        {c->other_path, c->other_text},
        {NULL, NULL},
    };
    memfs_t fs = {files, NULL, CELLA_OK};
    if (c->flags & READ_FAILS_IO) {
        fs.failing_path = root;
        fs.failure = CELLA_ERR_IO;
    }
    if (c->flags & READ_FAILS_TOO_LARGE) {
        fs.failing_path = root;
        fs.failure = CELLA_ERR_OVERFLOW;
    }
    cella_edl_reader_t reader = memfs_reader(&fs);
    cella_edl_options_t options;
    memset(&options, 0, sizeof(options));
    options.reader = &reader;
    options.header_only = (c->flags & HEADER_ONLY) != 0;
    options.warn_user_check = (c->flags & WARN_USER_CHECK) != 0;
    return cella_edl_load(c->code == CELLA_EDL_DIAG_FILE_NOT_FOUND ? "absent.edl" : root, &options,
                          diags, program);
}

static void every_diagnostic_has_its_exact_text_and_position(void **state)
{
    (void)state;
    bool print = getenv("CELLA_EDL_PRINT_ACTUAL") != NULL;
    int failures = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct diag_case *c = &cases[i];
        cella_edl_diags_t *diags = NULL;
        assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
        cella_edl_program_t *program = NULL;
        cella_result_t r = load_case(c, diags, &program);
        const cella_edl_diag_t *first = cella_edl_diags_get(diags, 0);
        char actual[2048] = "(no diagnostic)";
        if (first != NULL)
            cella_edl_diag_format(first, false, actual, sizeof(actual));
        bool is_warning =
            strncmp(c->expected, "warning: ", 9) == 0 || strstr(c->expected, ": warning: ") != NULL;
        bool ok = first != NULL && first->code == c->code && strcmp(actual, c->expected) == 0 &&
                  (is_warning ? r == CELLA_OK : r == CELLA_ERR_INVALID_FORMAT && program == NULL);
        if (print || !ok)
            printf("case %zu (%s): %s\n    expected: %s\n    actual:   %s  [%s, result %s]\n", i,
                   cella_edl_diag_code_name(c->code), ok ? "ok" : "MISMATCH", c->expected, actual,
                   first != NULL ? cella_edl_diag_code_name(first->code) : "-",
                   cella_result_str(r));
        fflush(stdout);
        if (!ok)
            failures++;
        else
            covered[c->code] = true;
        cella_edl_program_destroy(program);
        cella_edl_diags_destroy(diags);
    }
    assert_int_equal(failures, 0);
}

static void diagnostics_name_the_file_they_are_about(void **state)
{
    (void)state;
    const struct diag_case c = {CELLA_EDL_DIAG_MISSING_DIRECTION,
                                T("public void f(int *p);"),
                                NULL,
                                "Enclave.edl",
                                NULL,
                                NULL,
                                0};
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_case(&c, diags, &program), CELLA_ERR_INVALID_FORMAT);
    char text[512];
    cella_edl_diag_format(cella_edl_diags_get(diags, 0), true, text, sizeof(text));
    assert_string_equal(text, "Enclave.edl:3:28: error: pointer parameter 'p' needs a direction; "
                              "add [in], [out], [in, out] or [user_check]");
    cella_edl_diags_destroy(diags);
}

static void an_identifier_longer_than_the_limit_is_refused(void **state)
{
    (void)state;
    char edl[1024];
    char name[300];
    memset(name, 'a', 256);
    name[256] = '\0';
    snprintf(edl, sizeof(edl), T("public void %s(void);"), name);
    const struct diag_case c = {CELLA_EDL_DIAG_TOKEN_TOO_LONG, edl, NULL, NULL, NULL, NULL, 0};
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_case(&c, diags, &program), CELLA_ERR_INVALID_FORMAT);
    char text[512];
    cella_edl_diag_format(cella_edl_diags_get(diags, 0), false, text, sizeof(text));
    assert_string_equal(text, "3:21: error: identifier is longer than 255 characters; use a name "
                              "of at most 255 characters");
    covered[CELLA_EDL_DIAG_TOKEN_TOO_LONG] = true;
    cella_edl_diags_destroy(diags);
}

static void after_too_many_errors_one_more_says_so_and_the_rest_are_counted(void **state)
{
    (void)state;
    static char edl[16384];
    size_t at = (size_t)snprintf(edl, sizeof(edl), "enclave {\n    trusted {\n");
    for (int i = 0; i < 120; i++)
        at += (size_t)snprintf(edl + at, sizeof(edl) - at, "        public void f%d(int *p);\n", i);
    snprintf(edl + at, sizeof(edl) - at, "    };\n};\n");
    const struct diag_case c = {CELLA_EDL_DIAG_MISSING_DIRECTION, edl, NULL, NULL, NULL, NULL, 0};
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_case(&c, diags, &program), CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_edl_diags_count(diags), CELLA_EDL_DIAGS_MAX_COUNT + 1);
    assert_int_equal(cella_edl_diags_error_count(diags), 120);
    const cella_edl_diag_t *last = cella_edl_diags_get(diags, CELLA_EDL_DIAGS_MAX_COUNT);
    assert_int_equal(last->code, CELLA_EDL_DIAG_TOO_MANY_ERRORS);
    char text[512];
    cella_edl_diag_format(last, true, text, sizeof(text));
    assert_string_equal(text, "error: too many diagnostics; the rest are not shown; fix the ones "
                              "above and run again");
    covered[CELLA_EDL_DIAG_TOO_MANY_ERRORS] = true;
    cella_edl_diags_destroy(diags);
}

static void running_out_of_memory_is_a_diagnostic(void **state)
{
    (void)state;
    const struct diag_case c = {
        CELLA_EDL_DIAG_OUT_OF_MEMORY, T("public void f(void);"), NULL, NULL, NULL, NULL, 0};
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    cella_edl_memory_fail_after(3);
    cella_result_t r = load_case(&c, diags, &program);
    cella_edl_memory_fail_after(SIZE_MAX);
    assert_int_equal(r, CELLA_ERR_OUT_OF_MEMORY);
    assert_null(program);
    const cella_edl_diag_t *diag = cella_edl_diags_get(diags, cella_edl_diags_count(diags) - 1);
    assert_int_equal(diag->code, CELLA_EDL_DIAG_OUT_OF_MEMORY);
    char text[512];
    cella_edl_diag_format(diag, true, text, sizeof(text));
    assert_string_equal(text, "error: out of memory while reading the EDL files; free some "
                              "memory, or split very large EDL files");
    covered[CELLA_EDL_DIAG_OUT_OF_MEMORY] = true;
    cella_edl_diags_destroy(diags);
}

static void every_diagnostic_code_is_exercised(void **state)
{
    (void)state;
    int missing = 0;
    for (int code = 0; code < CELLA_EDL_DIAG_CODE_COUNT; code++) {
        if (!covered[code]) {
            printf("diagnostic %s has no test\n",
                   cella_edl_diag_code_name((cella_edl_diag_code_t)code));
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_diagnostic_has_its_exact_text_and_position),
        cmocka_unit_test(diagnostics_name_the_file_they_are_about),
        cmocka_unit_test(an_identifier_longer_than_the_limit_is_refused),
        cmocka_unit_test(after_too_many_errors_one_more_says_so_and_the_rest_are_counted),
        cmocka_unit_test(running_out_of_memory_is_a_diagnostic),
        cmocka_unit_test(every_diagnostic_code_is_exercised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
