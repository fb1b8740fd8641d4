/* SPDX-License-Identifier: Apache-2.0 */
/* Golden tests: the dump of each EDL under edl/ must equal the committed <name>.golden. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump.h"
#include "edl.h"
#include "memory.h"

#ifndef CELLA_EDL_TEST_DIR
#error "CELLA_EDL_TEST_DIR must name tests/unit/edger8r/edl"
#endif

struct golden_case {
    const char *root;      /* relative to the test folder, or to the shared folder */
    const char *golden;    /* relative to the test folder */
    const char *search[3]; /* relative to the test folder */
    const char *defines[3];
};

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *text = NULL;
    size_t size = 0;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), f)) > 0) {
        char *grown = realloc(text, size + n + 1);
        assert_non_null(grown);
        text = grown;
        memcpy(text + size, buffer, n);
        size += n;
    }
    fclose(f);
    if (text == NULL)
        text = calloc(1, 1);
    else
        text[size] = '\0';
    return text;
}

/* The dump of root with its warnings, as cella-edl-dump prints it. */
static char *dump(const char *root, const char *const *search, size_t search_count,
                  const char *const *defines, size_t define_count)
{
    cella_edl_options_t options;
    memset(&options, 0, sizeof(options));
    options.search_paths = search;
    options.search_path_count = search_count;
    options.defines = defines;
    options.define_count = define_count;
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    cella_result_t r = cella_edl_load(root, &options, diags, &program);
    char *warnings = NULL;
    assert_int_equal(cella_edl_dump_diags(diags, &warnings), CELLA_OK);
    if (r != CELLA_OK)
        fail_msg("%s does not load: %s", root, warnings);
    char *text = NULL;
    assert_int_equal(cella_edl_dump_program(program, &text), CELLA_OK);
    size_t length = strlen(text) + strlen(warnings) + 32;
    char *all = malloc(length);
    assert_non_null(all);
    snprintf(all, length, "%s%s%s", text, warnings[0] != '\0' ? "diagnostics:\n" : "", warnings);
    cella_edl_free(text);
    cella_edl_free(warnings);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
    return all;
}

static void check_golden(const struct golden_case *c, const char *root)
{
    char golden[1024];
    snprintf(golden, sizeof(golden), "%s/%s", CELLA_EDL_TEST_DIR, c->golden);
    char search_storage[3][1024];
    const char *search[3];
    size_t search_count = 0;
    for (; search_count < 3 && c->search[search_count] != NULL; search_count++) {
        snprintf(search_storage[search_count], sizeof(search_storage[0]), "%s/%s",
                 CELLA_EDL_TEST_DIR, c->search[search_count]);
        search[search_count] = search_storage[search_count];
    }
    size_t define_count = 0;
    while (define_count < 3 && c->defines[define_count] != NULL)
        define_count++;
    char *actual = dump(root, search, search_count, c->defines, define_count);
    if (getenv("CELLA_UPDATE_GOLDEN") != NULL) {
        FILE *f = fopen(golden, "wb");
        assert_non_null(f);
        fputs(actual, f);
        fclose(f);
    }
    char *expected = read_text(golden);
    if (expected == NULL)
        fail_msg("%s is missing; run with CELLA_UPDATE_GOLDEN=1 to create it", golden);
    if (strcmp(expected, actual) != 0) {
        printf("--- %s\n%s\n--- actual\n%s\n", golden, expected, actual);
        fail_msg("%s differs from the dump of %s", golden, root);
    }
    free(expected);
    free(actual);
}

static const struct golden_case cases[] = {
    {"Enclave.edl",
     "Enclave.golden",
     {"sdk", ".", NULL},
     {"CELLA_TEST_DEFINE", "CELLA_TEST_VALUE=3", NULL}},
    {"Macros.edl", "Macros.golden", {NULL, NULL, NULL}, {NULL, NULL, NULL}},
    {"OpenEnclave.edl", "OpenEnclave.golden", {".", NULL, NULL}, {NULL, NULL, NULL}},
    {"Warnings.edl", "Warnings.golden", {NULL, NULL, NULL}, {NULL, NULL, NULL}},
    {"diamond/root.edl", "diamond/root.golden", {NULL, NULL, NULL}, {NULL, NULL, NULL}},
};

static void every_edl_file_dumps_as_its_golden_file(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char root[1024];
        snprintf(root, sizeof(root), "%s/%s", CELLA_EDL_TEST_DIR, cases[i].root);
        check_golden(&cases[i], root);
    }
}

static void the_seed_sample_dumps_as_its_golden_file(void **state)
{
    (void)state;
    const char *shared = getenv("CELLA_SHARED_DIR");
    char root[1024];
    snprintf(root, sizeof(root), "%s/seed-sample/Enclave.edl", shared != NULL ? shared : "");
    FILE *f = shared != NULL ? fopen(root, "rb") : NULL;
    if (f == NULL) {
        printf("skipped: no seed sample at %s (CELLA_SHARED_DIR)\n", root);
        skip();
    }
    fclose(f);
    const struct golden_case c = {
        root, "seed-sample.golden", {NULL, NULL, NULL}, {NULL, NULL, NULL}};
    check_golden(&c, root);
}

static void a_file_that_does_not_exist_does_not_load(void **state)
{
    (void)state;
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    assert_int_equal(cella_edl_load(CELLA_EDL_TEST_DIR "/absent.edl", NULL, diags, &program),
                     CELLA_ERR_INVALID_FORMAT);
    assert_null(program);
    assert_int_equal(cella_edl_diags_get(diags, 0)->code, CELLA_EDL_DIAG_FILE_NOT_FOUND);
    assert_int_equal(cella_edl_load(NULL, NULL, diags, &program), CELLA_ERR_INVALID_ARGUMENT);
    cella_edl_diags_destroy(diags);
}

static void a_folder_is_not_an_edl_file(void **state)
{
    (void)state;
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    assert_int_equal(cella_edl_load(CELLA_EDL_TEST_DIR "/diamond", NULL, diags, &program),
                     CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_edl_diags_get(diags, 0)->code, CELLA_EDL_DIAG_FILE_NOT_FOUND);
    cella_edl_diags_destroy(diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_edl_file_dumps_as_its_golden_file),
        cmocka_unit_test(the_seed_sample_dumps_as_its_golden_file),
        cmocka_unit_test(a_file_that_does_not_exist_does_not_load),
        cmocka_unit_test(a_folder_is_not_an_edl_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
