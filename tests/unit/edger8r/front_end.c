/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the EDL front end's public functions: loading, limits, memory failure, helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dump.h"
#include "edl.h"
#include "memfs.h"
#include "memory.h"

/* A program using most constructs, for memory-failure sweeps. */
static const memfs_file_t rich_files[] = {
    {"root.edl", "#define N 4\n"
                 "#define IN_BUFFER(name, n) [in, count=n] int *name\n"
                 "#define CAT(a, b) a ## b\n"
                 "enclave {\n"
                 "#if defined(N) && N > 2\n"
                 "#include \"frag.inc\"\n"
                 "#endif\n"
                 "  include \"types.h\"\n"
                 "  from \"lib.edl\" import *;\n"
                 "  from \"lib.edl\" import lib_ecall;\n"
                 "  import \"other.edl\"\n"
                 "  struct deep_t { size_t n; [count=n] int *p; };\n"
                 "  union u_t { int a; char b; };\n"
                 "  enum { E0, E1 = 3 };\n"
                 "  trusted {\n"
                 "    include \"t.h\"\n"
                 "    public int f([in, string] const char *s, [in, count=1] struct deep_t *d,\n"
                 "                 [out, size=len] void *buf, size_t len, [in] int a[N][2]);\n"
                 "    void g(void) transition_using_threads;\n"
                 "    public void CAT(h, 2)(IN_BUFFER(values, N));\n"
                 "  };\n"
                 "  untrusted {\n"
                 "    include \"u.h\"\n"
                 "    [cdecl] int o([user_check] void *p) allow(g) propagate_errno;\n"
                 "  };\n"
                 "};\n"},
    {"lib.edl", "enclave {\n"
                "  trusted { public void lib_ecall([in, isptr, readonly] handle_t h); };\n"
                "  untrusted { void lib_ocall([in, wstring] const wchar_t *w); };\n"
                "};\n"},
    {"other.edl", "enclave { trusted { public bool other(bool b); }; }\n"},
    {"frag.inc", "  enum from_fragment_t { FRAGMENT_A };\n"},
    {NULL, NULL},
};

static cella_result_t load_files(const memfs_file_t *files, const cella_edl_options_t *base,
                                 cella_edl_diags_t **diags_out, cella_edl_program_t **program)
{
    memfs_t fs = {files, NULL, CELLA_OK};
    cella_edl_reader_t reader = memfs_reader(&fs);
    cella_edl_options_t options;
    memset(&options, 0, sizeof(options));
    if (base != NULL)
        options = *base;
    options.reader = &reader;
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_result_t r = cella_edl_load(files[0].path, &options, diags, program);
    *diags_out = diags;
    return r;
}

static void every_failed_allocation_becomes_an_out_of_memory_diagnostic(void **state)
{
    (void)state;
    size_t successes = 0;
    for (size_t n = 0; successes == 0 && n < 100000; n++) {
        cella_edl_diags_t *diags = NULL;
        assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
        memfs_t fs = {rich_files, NULL, CELLA_OK};
        cella_edl_reader_t reader = memfs_reader(&fs);
        cella_edl_options_t options;
        memset(&options, 0, sizeof(options));
        options.reader = &reader;
        cella_edl_program_t *program = NULL;
        char *text = NULL;
        cella_edl_memory_fail_after(n);
        cella_result_t r = cella_edl_load("root.edl", &options, diags, &program);
        cella_result_t dumped = r == CELLA_OK ? cella_edl_dump_program(program, &text) : r;
        cella_edl_memory_fail_after(SIZE_MAX);
        if (r == CELLA_OK && dumped == CELLA_OK) {
            successes++;
        } else if (r == CELLA_OK) {
            assert_int_equal(dumped, CELLA_ERR_OUT_OF_MEMORY);
        } else {
            if (r != CELLA_ERR_OUT_OF_MEMORY) {
                char line[512];
                for (size_t i = 0; i < cella_edl_diags_count(diags); i++) {
                    cella_edl_diag_format(cella_edl_diags_get(diags, i), true, line, sizeof(line));
                    printf("allocation %zu: %s\n", n, line);
                }
            }
            assert_int_equal(r, CELLA_ERR_OUT_OF_MEMORY);
            assert_null(program);
            bool reported = false;
            for (size_t i = 0; i < cella_edl_diags_count(diags); i++)
                reported =
                    reported || cella_edl_diags_get(diags, i)->code == CELLA_EDL_DIAG_OUT_OF_MEMORY;
            assert_true(reported);
        }
        cella_edl_free(text);
        cella_edl_program_destroy(program);
        cella_edl_diags_destroy(diags);
    }
    assert_int_equal(successes, 1);
}

static void a_rich_program_loads_without_diagnostics(void **state)
{
    (void)state;
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_files(rich_files, NULL, &diags, &program), CELLA_OK);
    assert_int_equal(cella_edl_diags_count(diags), 0);
    assert_string_equal(program->enclave_name, "root");
    assert_int_equal(program->ecall_count, 5);
    assert_int_equal(program->ocall_count, 2);
    const cella_edl_function_t *f = cella_edl_program_find_function(program, "f");
    assert_non_null(f);
    assert_int_equal(f->index, 0);
    assert_int_equal(cella_edl_decl_element_count(&f->params[4]), 8);
    assert_int_equal(f->params[2].attrs.size.ref_index, 3);
    assert_true(f->params[1].type.definition->is_deep_copy);
    const cella_edl_function_t *o = cella_edl_program_find_function(program, "o");
    assert_ptr_equal(o->allow[0].target, cella_edl_program_find_function(program, "g"));
    assert_null(cella_edl_program_find_function(program, "absent"));
    assert_int_equal(program->trusted_include_count, 2);
    assert_string_equal(program->trusted_includes[1]->path, "t.h");
    assert_int_equal(program->untrusted_include_count, 2);
    assert_string_equal(program->untrusted_includes[1]->path, "u.h");
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
}

static void header_only_accepts_an_enclave_without_a_public_ecall(void **state)
{
    (void)state;
    const memfs_file_t files[] = {
        {"h.edl", "enclave { trusted { void hidden(void); }; untrusted { void o(void) "
                  "allow(hidden); }; };\n"},
        {NULL, NULL},
    };
    cella_edl_options_t options;
    memset(&options, 0, sizeof(options));
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_files(files, &options, &diags, &program), CELLA_ERR_INVALID_FORMAT);
    cella_edl_diags_destroy(diags);
    options.header_only = true;
    assert_int_equal(load_files(files, &options, &diags, &program), CELLA_OK);
    assert_int_equal(program->ecall_count, 1);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
}

static void intel_sdk_edl_shapes_are_accepted(void **state)
{
    (void)state;
    /* Spellings found in the SDK's own EDL files: no space after enclave, size before the
     * direction, foreign time_t, private ECALLs, two trusted blocks, empty untrusted. */
    const memfs_file_t files[] = {
        {"sdk.edl",
         "enclave{\n"
         "    untrusted {\n"
         "        int u_tls_get([size = len, out] char *buf, size_t len, time_t now);\n"
         "    };\n"
         "    trusted { public sgx_status_t sl_init_switchless([user_check] void *sl_data); };\n"
         "    trusted { public sgx_status_t sl_run_switchless_tworker(); };\n"
         "    untrusted { };\n"
         "    trusted { };\n"
         "};\n"},
        {NULL, NULL},
    };
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_files(files, NULL, &diags, &program), CELLA_OK);
    assert_int_equal(program->ecall_count, 2);
    assert_string_equal(program->ecalls[1]->name, "sl_run_switchless_tworker");
    assert_int_equal(program->ocalls[0]->params[0].attrs.direction, CELLA_EDL_DIRECTION_OUT);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
}

/* A chain of `count` files, each importing the next. */
static memfs_file_t *chain(size_t count, char (*texts)[160], char (*names)[32])
{
    memfs_file_t *files = calloc(count + 1, sizeof(*files));
    assert_non_null(files);
    for (size_t i = 0; i < count; i++) {
        snprintf(names[i], 32, "c%zu.edl", i);
        if (i + 1 < count)
            snprintf(texts[i], 160,
                     "enclave { from \"c%zu.edl\" import *; trusted { public void f%zu(void); "
                     "}; };\n",
                     i + 1, i);
        else
            snprintf(texts[i], 160, "enclave { trusted { public void f%zu(void); }; };\n", i);
        files[i].path = names[i];
        files[i].text = texts[i];
    }
    return files;
}

static void imports_nested_deeper_than_the_limit_are_refused(void **state)
{
    (void)state;
    static char texts[80][160];
    static char names[80][32];
    memfs_file_t *files = chain(CELLA_EDL_IMPORT_MAX_DEPTH, texts, names);
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_files(files, NULL, &diags, &program), CELLA_OK);
    assert_int_equal(program->ecall_count, CELLA_EDL_IMPORT_MAX_DEPTH);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
    free(files);

    files = chain(CELLA_EDL_IMPORT_MAX_DEPTH + 1, texts, names);
    assert_int_equal(load_files(files, NULL, &diags, &program), CELLA_ERR_INVALID_FORMAT);
    char text[512];
    cella_edl_diag_format(cella_edl_diags_get(diags, 0), true, text, sizeof(text));
    assert_string_equal(text, "c63.edl:1:16: error: imports nest more than 64 levels deep; "
                              "flatten the import chain");
    cella_edl_diags_destroy(diags);
    free(files);
}

static void imports_followed_too_often_are_refused(void **state)
{
    (void)state;
    /* Each level imports the next twice: 2^13 visits. */
    static char texts[14][160];
    static char names[14][32];
    memfs_file_t files[15];
    for (size_t i = 0; i < 14; i++) {
        snprintf(names[i], 32, "d%zu.edl", i);
        if (i + 1 < 14)
            snprintf(texts[i], 160,
                     "enclave { from \"d%zu.edl\" import *; import \"d%zu.edl\"; trusted { "
                     "public void f%zu(void); }; };\n",
                     i + 1, i + 1, i);
        else
            snprintf(texts[i], 160, "enclave { trusted { public void f%zu(void); }; };\n", i);
        files[i].path = names[i];
        files[i].text = texts[i];
    }
    files[14].path = NULL;
    files[14].text = NULL;
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = NULL;
    assert_int_equal(load_files(files, NULL, &diags, &program), CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_edl_diags_get(diags, 0)->code, CELLA_EDL_DIAG_LIMIT);
    assert_string_equal(cella_edl_diags_get(diags, 0)->message,
                        "imports are followed more than 4096 times");
    cella_edl_diags_destroy(diags);
}

static void the_file_reader_reads_regular_files_only(void **state)
{
    (void)state;
    char path[] = "/tmp/cella-edl-reader-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "enclave {};", 11), 11);
    close(fd);
    char *data = NULL;
    size_t size = 0;
    char *identity = NULL;
    const cella_edl_reader_t *reader = &cella_edl_file_reader;
    assert_int_equal(reader->read(reader->context, path, 100, &data, &size, &identity), CELLA_OK);
    assert_int_equal(size, 11);
    assert_memory_equal(data, "enclave {};", 11);
    assert_non_null(identity);
    cella_edl_free(data);
    cella_edl_free(identity);
    assert_int_equal(reader->read(reader->context, path, 10, &data, &size, &identity),
                     CELLA_ERR_OVERFLOW);
    assert_int_equal(reader->read(reader->context, "/tmp", 100, &data, &size, &identity),
                     CELLA_ERR_NOT_FOUND);
    unlink(path);
    assert_int_equal(reader->read(reader->context, path, 100, &data, &size, &identity),
                     CELLA_ERR_NOT_FOUND);
}

static void diagnostics_format_like_snprintf(void **state)
{
    (void)state;
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_diags_add(diags, CELLA_EDL_DIAG_SYNTAX, CELLA_EDL_SEVERITY_ERROR,
                        (cella_edl_pos_t){"a.edl", 3, 7}, "do this", "bad %s", "thing");
    cella_edl_diags_add(diags, CELLA_EDL_DIAG_PP_WARNING, CELLA_EDL_SEVERITY_WARNING,
                        (cella_edl_pos_t){NULL, 0, 0}, NULL, "just %d", 1);
    assert_int_equal(cella_edl_diags_count(diags), 2);
    assert_int_equal(cella_edl_diags_error_count(diags), 1);
    assert_int_equal(cella_edl_diags_warning_count(diags), 1);
    assert_null(cella_edl_diags_get(diags, 2));
    char text[16];
    const char *full = "a.edl:3:7: error: bad thing; do this";
    assert_int_equal(cella_edl_diag_format(cella_edl_diags_get(diags, 0), true, text, sizeof(text)),
                     strlen(full));
    assert_string_equal(text, "a.edl:3:7: erro");
    assert_int_equal(cella_edl_diag_format(cella_edl_diags_get(diags, 0), true, NULL, 0),
                     strlen(full));
    char line[64];
    cella_edl_diag_format(cella_edl_diags_get(diags, 0), false, line, sizeof(line));
    assert_string_equal(line, "3:7: error: bad thing; do this");
    cella_edl_diag_format(cella_edl_diags_get(diags, 1), true, line, sizeof(line));
    assert_string_equal(line, "warning: just 1");
    assert_string_equal(cella_edl_diag_code_name(CELLA_EDL_DIAG_OUT_STRING), "OUT_STRING");
    assert_string_equal(cella_edl_diag_code_name(CELLA_EDL_DIAG_CODE_COUNT), "UNKNOWN");
    cella_edl_diags_destroy(diags);
    cella_edl_diags_destroy(NULL);
    cella_edl_program_destroy(NULL);
}

static void types_are_spelled_as_intel_spells_them(void **state)
{
    (void)state;
    for (int kind = 0; kind < CELLA_EDL_TYPE_KIND_COUNT; kind++)
        assert_non_null(cella_edl_type_kind_c_name((cella_edl_type_kind_t)kind));
    assert_string_equal(cella_edl_type_kind_c_name(CELLA_EDL_TYPE_SHORT), "short int");
    assert_string_equal(cella_edl_type_kind_c_name(CELLA_EDL_TYPE_UNSIGNED_LONG),
                        "unsigned long int");
    assert_string_equal(cella_edl_type_kind_c_name(CELLA_EDL_TYPE_LONG_LONG), "long long");
    cella_edl_type_t type = {CELLA_EDL_TYPE_STRUCT, "foo", 2, true, {NULL, 0, 0}, NULL};
    char text[64];
    assert_int_equal(cella_edl_type_format(&type, true, text, sizeof(text)),
                     strlen("const struct foo**"));
    assert_string_equal(text, "const struct foo**");
    cella_edl_type_format(&type, false, text, sizeof(text));
    assert_string_equal(text, "struct foo**");
    cella_edl_type_format(&type, true, text, 6);
    assert_string_equal(text, "const");
    assert_true(cella_edl_type_kind_is_integer(CELLA_EDL_TYPE_SIZE_T));
    assert_true(cella_edl_type_kind_is_integer(CELLA_EDL_TYPE_ENUM));
    assert_false(cella_edl_type_kind_is_integer(CELLA_EDL_TYPE_DOUBLE));
    assert_false(cella_edl_type_kind_is_integer(CELLA_EDL_TYPE_FOREIGN));
    cella_edl_value_t dims[2] = {{CELLA_EDL_VALUE_NUMBER, 3, NULL, {NULL, 0, 0}, SIZE_MAX},
                                 {CELLA_EDL_VALUE_NAME, 0, "N", {NULL, 0, 0}, SIZE_MAX}};
    cella_edl_decl_t decl;
    memset(&decl, 0, sizeof(decl));
    decl.dims = dims;
    decl.dim_count = 1;
    assert_int_equal(cella_edl_decl_element_count(&decl), 3);
    decl.dim_count = 2;
    assert_int_equal(cella_edl_decl_element_count(&decl), 0);
    decl.dim_count = 0;
    assert_int_equal(cella_edl_decl_element_count(&decl), 1);
}

static void the_arena_refuses_absurd_sizes(void **state)
{
    (void)state;
    cella_edl_arena_t *arena = cella_edl_arena_create();
    assert_non_null(arena);
    assert_null(cella_edl_arena_alloc(arena, SIZE_MAX));
    void *items = NULL;
    size_t capacity = SIZE_MAX / 2 + 1;
    assert_int_equal(cella_edl_arena_reserve(arena, &items, 8, capacity, &capacity), -1);
    capacity = 0;
    assert_int_equal(cella_edl_arena_reserve(arena, &items, 8, 0, &capacity), 0);
    assert_true(capacity >= 1);
    char *big = cella_edl_arena_alloc(arena, 100000);
    assert_non_null(big);
    big[99999] = 1;
    assert_non_null(cella_edl_arena_strndup(arena, "abc", 2));
    cella_edl_arena_destroy(arena);
    cella_edl_arena_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_failed_allocation_becomes_an_out_of_memory_diagnostic),
        cmocka_unit_test(a_rich_program_loads_without_diagnostics),
        cmocka_unit_test(header_only_accepts_an_enclave_without_a_public_ecall),
        cmocka_unit_test(intel_sdk_edl_shapes_are_accepted),
        cmocka_unit_test(imports_nested_deeper_than_the_limit_are_refused),
        cmocka_unit_test(imports_followed_too_often_are_refused),
        cmocka_unit_test(the_file_reader_reads_regular_files_only),
        cmocka_unit_test(diagnostics_format_like_snprintf),
        cmocka_unit_test(types_are_spelled_as_intel_spells_them),
        cmocka_unit_test(the_arena_refuses_absurd_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
