/* SPDX-License-Identifier: Apache-2.0 */
/* Tests that ECALLs and OCALLs are numbered exactly as Intel's edger8r numbers them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "edl.h"
#include "memfs.h"

/* Loads root.edl from `files` and writes "e: f0 f1 ...; o: g0 g1 ..." (index order). */
static cella_result_t numbering(const memfs_file_t *files, char *out, size_t size)
{
    memfs_t fs = {files, NULL, CELLA_OK};
    cella_edl_reader_t reader = memfs_reader(&fs);
    const char *search[] = {"dir1"};
    cella_edl_options_t options;
    memset(&options, 0, sizeof(options));
    options.reader = &reader;
    options.search_paths = search;
    options.search_path_count = 1;
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_program_t *program = NULL;
    cella_result_t r = cella_edl_load("root.edl", &options, diags, &program);
    size_t at = 0;
    out[0] = '\0';
    if (r == CELLA_OK) {
        at += (size_t)snprintf(out + at, size - at, "e:");
        for (size_t i = 0; i < program->ecall_count; i++) {
            assert_int_equal(program->ecalls[i]->index, i);
            at += (size_t)snprintf(out + at, size - at, " %s", program->ecalls[i]->name);
        }
        at += (size_t)snprintf(out + at, size - at, "; o:");
        for (size_t i = 0; i < program->ocall_count; i++) {
            assert_int_equal(program->ocalls[i]->index, i);
            at += (size_t)snprintf(out + at, size - at, " %s", program->ocalls[i]->name);
        }
    } else if (cella_edl_diags_count(diags) > 0) {
        cella_edl_diag_format(cella_edl_diags_get(diags, 0), true, out, size);
    }
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
    return r;
}

static void the_root_file_comes_first_then_imports_depth_first(void **state)
{
    (void)state;
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  trusted { public void r1(void); };\n"
                     "  from \"b.edl\" import *;\n"
                     "  untrusted { void ro1(void); };\n"
                     "  from \"c.edl\" import *;\n"
                     "  trusted { public void r2(void); };\n"
                     "};\n"},
        {"b.edl", "enclave {\n"
                  "  from \"d.edl\" import *;\n"
                  "  trusted { public void b1(void); };\n"
                  "  untrusted { void bo1(void); };\n"
                  "};\n"},
        {"c.edl", "enclave {\n"
                  "  trusted { public void c1(void); };\n"
                  "};\n"},
        {"d.edl", "enclave {\n"
                  "  trusted { public void d1(void); };\n"
                  "  untrusted { void do1(void); };\n"
                  "};\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_OK);
    assert_string_equal(text, "e: r1 r2 b1 d1 c1; o: ro1 bo1 do1");
}

static void a_diamond_import_adds_the_shared_file_once_where_it_is_first_reached(void **state)
{
    (void)state;
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  from \"b.edl\" import *;\n"
                     "  from \"c.edl\" import *;\n"
                     "  trusted { public void r1(void); };\n"
                     "};\n"},
        {"b.edl", "enclave { from \"d.edl\" import *; trusted { public void b1(void); }; };\n"},
        {"c.edl", "enclave { from \"d.edl\" import *; trusted { public void c1(void); }; };\n"},
        {"d.edl", "enclave {\n"
                  "  struct shared_t { int x; };\n"
                  "  trusted { public void d1(void); public void d2(void); };\n"
                  "  untrusted { void do1(void); };\n"
                  "};\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_OK);
    assert_string_equal(text, "e: r1 b1 d1 d2 c1; o: do1");
}

static void a_file_imported_selectively_then_wholly_adds_the_rest_at_the_second_import(void **state)
{
    (void)state;
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  from \"d.edl\" import d3, d1;\n"
                     "  from \"c.edl\" import *;\n"
                     "  from \"d.edl\" import *;\n"
                     "  trusted { public void r1(void); };\n"
                     "};\n"},
        {"c.edl", "enclave { trusted { public void c1(void); }; };\n"},
        {"d.edl", "enclave {\n"
                  "  trusted { public void d1(void); public void d2(void); };\n"
                  "  untrusted { void d3(void); void d4(void); };\n"
                  "};\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_OK);
    /* Selected names keep the file's order, not the import list's. */
    assert_string_equal(text, "e: r1 d1 c1 d2; o: d3 d4");
}

static void a_whole_import_then_a_selective_one_adds_nothing_more(void **state)
{
    (void)state;
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  from \"d.edl\" import *;\n"
                     "  from \"d.edl\" import d2;\n"
                     "  trusted { public void r1(void); };\n"
                     "};\n"},
        {"d.edl", "enclave { trusted { public void d1(void); public void d2(void); }; };\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_OK);
    assert_string_equal(text, "e: r1 d1 d2; o:");
}

static void a_selective_import_looks_through_the_imports_of_the_file_it_names(void **state)
{
    (void)state;
    /* Intel passes the names b.edl does not declare to every file b.edl imports, and
     * ignores b.edl's own import lists on that path. */
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  from \"b.edl\" import d1, b2;\n"
                     "  trusted { public void r1(void); };\n"
                     "};\n"},
        {"b.edl", "enclave {\n"
                  "  from \"d.edl\" import d2;\n"
                  "  trusted { public void b1(void); public void b2(void); };\n"
                  "};\n"},
        {"d.edl", "enclave { trusted { public void d1(void); public void d2(void); }; };\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_OK);
    assert_string_equal(text, "e: r1 b2 d1; o:");
}

static void two_files_with_one_short_name_count_as_one_file(void **state)
{
    (void)state;
    /* Intel compares files by short name: the second x.edl adds only the functions that
     * differ from the first one's, and none of its types. */
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  from \"x.edl\" import *;\n"
                     "  from \"dir2/x.edl\" import *;\n"
                     "  trusted { public void r1(void); };\n"
                     "};\n"},
        {"dir1/x.edl", "enclave {\n"
                       "  trusted { public void x1(void); public int shared(int a); };\n"
                       "};\n"},
        {"dir2/x.edl", "enclave {\n"
                       "  struct only_in_second_t { int a; };\n"
                       "  trusted { public int shared(int a); public void x2(void); };\n"
                       "};\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_OK);
    assert_string_equal(text, "e: r1 x1 shared x2; o:");
}

static void the_same_name_declared_differently_in_two_files_is_an_error(void **state)
{
    (void)state;
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  from \"a.edl\" import *;\n"
                     "  from \"b.edl\" import *;\n"
                     "  trusted { public void r1(void); };\n"
                     "};\n"},
        {"a.edl", "enclave { trusted { public void f(int a); }; };\n"},
        {"b.edl", "enclave { untrusted { void f(int a); }; };\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_ERR_INVALID_FORMAT);
    assert_string_equal(text, "b.edl:1:28: error: function 'f' is already declared at "
                              "a.edl:1:33; rename one of them; ECALLs and OCALLs share one "
                              "namespace");
}

static void search_paths_are_tried_in_order_before_the_importing_folder(void **state)
{
    (void)state;
    const memfs_file_t files[] = {
        {"root.edl", "enclave {\n"
                     "  from \"y.edl\" import *;\n"
                     "  trusted { public void r1(void); };\n"
                     "};\n"},
        {"dir1/y.edl", "enclave { trusted { public void from_search_path(void); }; };\n"},
        {"y.edl", "enclave { trusted { public void from_importing_folder(void); }; };\n"},
        {NULL, NULL},
    };
    char text[512];
    assert_int_equal(numbering(files, text, sizeof(text)), CELLA_OK);
    assert_string_equal(text, "e: r1 from_search_path; o:");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_root_file_comes_first_then_imports_depth_first),
        cmocka_unit_test(a_diamond_import_adds_the_shared_file_once_where_it_is_first_reached),
        cmocka_unit_test(
            a_file_imported_selectively_then_wholly_adds_the_rest_at_the_second_import),
        cmocka_unit_test(a_whole_import_then_a_selective_one_adds_nothing_more),
        cmocka_unit_test(a_selective_import_looks_through_the_imports_of_the_file_it_names),
        cmocka_unit_test(two_files_with_one_short_name_count_as_one_file),
        cmocka_unit_test(the_same_name_declared_differently_in_two_files_is_an_error),
        cmocka_unit_test(search_paths_are_tried_in_order_before_the_importing_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
