/* SPDX-License-Identifier: Apache-2.0 */
/* codegen.c: the code generator's API: arguments, name checks, memory failures, naming rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codegen.h"
#include "edl.h"
#include "memfs.h"
#include "memory.h"

/* Loads `text` as E.edl; NULL when it does not load (diagnostics then in *diags). */
static cella_edl_program_t *load(const char *text, cella_edl_diags_t **diags)
{
    const memfs_file_t files[] = {{"E.edl", text}, {NULL, NULL}};
    memfs_t fs = {files, NULL, CELLA_OK};
    cella_edl_reader_t reader = memfs_reader(&fs);
    cella_edl_options_t options;
    memset(&options, 0, sizeof(options));
    options.reader = &reader;
    cella_edl_program_t *program = NULL;
    assert_int_equal(cella_edl_diags_create(diags), CELLA_OK);
    if (cella_edl_load("E.edl", &options, *diags, &program) != CELLA_OK)
        return NULL;
    return program;
}

/* The text of one output of a program that must load and check. */
static char *generate(const char *edl, cella_edl_output_t output)
{
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = load(edl, &diags);
    assert_non_null(program);
    assert_int_equal(cella_edl_codegen_check(program, diags), CELLA_OK);
    char *text = NULL;
    size_t size = 0;
    assert_int_equal(cella_edl_codegen_generate(program, output, NULL, &text, &size), CELLA_OK);
    assert_int_equal(strlen(text), size);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
    return text;
}

static const char simple_edl[] = "enclave {\n"
                                 "    struct s_t { size_t n; [count=n] int *v; };\n"
                                 "    trusted {\n"
                                 "        public int f([in, string] const char *s);\n"
                                 "        public void g([in, out] struct s_t *p);\n"
                                 "    };\n"
                                 "    untrusted {\n"
                                 "        int o([out, size=n] void *b, size_t n) propagate_errno;\n"
                                 "    };\n"
                                 "};\n";

static void each_output_has_its_suffix(void **state)
{
    (void)state;
    assert_string_equal(cella_edl_codegen_output_suffix(CELLA_EDL_OUTPUT_TRUSTED_HEADER), "_t.h");
    assert_string_equal(cella_edl_codegen_output_suffix(CELLA_EDL_OUTPUT_TRUSTED_SOURCE), "_t.c");
    assert_string_equal(cella_edl_codegen_output_suffix(CELLA_EDL_OUTPUT_UNTRUSTED_HEADER), "_u.h");
    assert_string_equal(cella_edl_codegen_output_suffix(CELLA_EDL_OUTPUT_UNTRUSTED_SOURCE), "_u.c");
    assert_string_equal(cella_edl_codegen_output_suffix((cella_edl_output_t)7), "");
}

static void generate_refuses_missing_arguments_and_unknown_outputs(void **state)
{
    (void)state;
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = load(simple_edl, &diags);
    assert_non_null(program);
    char *text = NULL;
    size_t size = 0;
    assert_int_equal(
        cella_edl_codegen_generate(NULL, CELLA_EDL_OUTPUT_TRUSTED_HEADER, NULL, &text, &size),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_edl_codegen_generate(program, CELLA_EDL_OUTPUT_TRUSTED_HEADER, NULL, NULL, &size),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_edl_codegen_generate(program, (cella_edl_output_t)4, NULL, &text, &size),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_null(text);
    assert_int_equal(cella_edl_codegen_check(NULL, diags), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_edl_codegen_check(program, NULL), CELLA_ERR_INVALID_ARGUMENT);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
}

static void every_output_is_deterministic(void **state)
{
    (void)state;
    for (int output = 0; output < CELLA_EDL_OUTPUT_COUNT; output++) {
        char *first = generate(simple_edl, (cella_edl_output_t)output);
        char *second = generate(simple_edl, (cella_edl_output_t)output);
        assert_string_equal(first, second);
        cella_edl_free(first);
        cella_edl_free(second);
    }
}

static void running_out_of_memory_is_reported_not_crashed(void **state)
{
    (void)state;
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = load(simple_edl, &diags);
    assert_non_null(program);
    for (int output = 0; output < CELLA_EDL_OUTPUT_COUNT; output++) {
        size_t failures = 0;
        for (size_t after = 0;; after++) {
            char *text = NULL;
            size_t size = 0;
            cella_edl_memory_fail_after(after);
            cella_result_t r =
                cella_edl_codegen_generate(program, (cella_edl_output_t)output, NULL, &text, &size);
            cella_edl_memory_fail_after(SIZE_MAX);
            if (r == CELLA_OK) {
                cella_edl_free(text);
                break;
            }
            assert_int_equal(r, CELLA_ERR_OUT_OF_MEMORY);
            assert_null(text);
            failures++;
        }
        assert_true(failures > 0);
    }
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
}

/* The first diagnostic's message after loading and checking `edl`. */
static void expect_reserved(const char *edl, const char *message)
{
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = load(edl, &diags);
    assert_non_null(program);
    assert_int_equal(cella_edl_codegen_check(program, diags), CELLA_ERR_INVALID_FORMAT);
    const cella_edl_diag_t *diag = cella_edl_diags_get(diags, 0);
    assert_non_null(diag);
    assert_int_equal(diag->code, CELLA_EDL_DIAG_RESERVED_NAME);
    assert_int_equal(diag->severity, CELLA_EDL_SEVERITY_ERROR);
    assert_string_equal(diag->message, message);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
}

static void names_the_generated_code_uses_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *edl;
        const char *message;
    } cases[] = {
        {"enclave { trusted { public void f([in, count=n] int *x, size_t n, int _len_x); }; };",
         "parameter name '_len_x' collides with a name the generated code for 'f' uses"},
        {"enclave { trusted { public void f(int end, [in] int *_in_end); }; };",
         "parameter name '_in_end' collides with a name the generated code for 'f' uses"},
        {"enclave { trusted { public void f(int _written); }; };",
         "parameter name '_written' collides with a name the generated code for 'f' uses"},
        {"enclave { trusted { public void f(int memcpy); }; };",
         "parameter name 'memcpy' collides with a name the generated code for 'f' uses"},
        {"enclave { trusted { public void f(int errno); }; };",
         "parameter name 'errno' collides with a name the generated code for 'f' uses"},
        {"enclave { trusted { public void f(int cella_x); }; };",
         "parameter name 'cella_x' collides with a name the generated code for 'f' uses"},
        {"enclave { trusted { public void out(void); }; };",
         "function name 'out' collides with a name the generated code for 'out' uses"},
        {"enclave { trusted { public void cella_bridge_put(void); }; };",
         "function name 'cella_bridge_put' collides with a name the generated code for "
         "'cella_bridge_put' uses"},
        {"enclave { trusted { public void E_o(void); }; untrusted { void o(void); }; };",
         "function name 'E_o' collides with a name the generated code for 'o' uses"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
        expect_reserved(cases[k].edl, cases[k].message);
}

static void ordinary_names_pass_the_check(void **state)
{
    (void)state;
    char *text = generate("enclave { trusted { public void f(int end, int in, int out, int "
                          "len, int _x, [in] int *data); }; };",
                          CELLA_EDL_OUTPUT_TRUSTED_SOURCE);
    assert_non_null(
        strstr(text, "f(ms.ms_end, ms.ms_in, ms.ms_out, ms.ms_len, ms.ms__x, _in_data)"));
    cella_edl_free(text);
}

static void a_function_called_f_out_moves_the_result_struct_of_f_aside(void **state)
{
    (void)state;
    char *text = generate("enclave { trusted { public int f(void); public void f_out(int x); }; };",
                          CELLA_EDL_OUTPUT_UNTRUSTED_SOURCE);
    assert_non_null(strstr(text, "typedef struct ms_f_out {\n    int ms_x;\n} ms_f_out_t;"));
    assert_non_null(strstr(text, "typedef struct ms_f_out_ {\n    int ms_retval;\n} ms_f_out__t;"));
    cella_edl_free(text);
}

static void an_enum_without_enumerators_still_compiles_as_c(void **state)
{
    (void)state;
    char *text = generate("enclave { enum nothing_t {}; trusted { public void f(void); }; };",
                          CELLA_EDL_OUTPUT_TRUSTED_HEADER);
    assert_non_null(strstr(text, "typedef enum nothing_t {\n    nothing_t_cella_empty_ = 0,"));
    cella_edl_free(text);
}

static void bool_brings_its_header_and_is_checked_on_arrival(void **state)
{
    (void)state;
    static const char edl[] = "enclave { trusted { public bool f(bool b); }; };";
    char *header = generate(edl, CELLA_EDL_OUTPUT_UNTRUSTED_HEADER);
    assert_non_null(strstr(header, "#include <stdbool.h>"));
    char *source = generate(edl, CELLA_EDL_OUTPUT_TRUSTED_SOURCE);
    assert_non_null(strstr(source, "if (!cella_bridge_bools_valid(&ms.ms_b, sizeof(ms.ms_b)))"));
    cella_edl_free(header);
    cella_edl_free(source);
    char *plain = generate(simple_edl, CELLA_EDL_OUTPUT_TRUSTED_HEADER);
    assert_null(strstr(plain, "stdbool"));
    cella_edl_free(plain);
}

static void use_prefix_renames_only_the_untrusted_ecall_proxies(void **state)
{
    (void)state;
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = load(simple_edl, &diags);
    assert_non_null(program);
    cella_edl_codegen_options_t options = {true};
    char *text = NULL;
    size_t size = 0;
    assert_int_equal(cella_edl_codegen_generate(program, CELLA_EDL_OUTPUT_UNTRUSTED_HEADER,
                                                &options, &text, &size),
                     CELLA_OK);
    assert_non_null(strstr(text, "sgx_status_t E_f(sgx_enclave_id_t eid, int* retval, "));
    assert_non_null(strstr(text, "int SGX_UBRIDGE(SGX_NOCONVENTION, o, (void* b, size_t n));"));
    cella_edl_free(text);
    assert_int_equal(cella_edl_codegen_generate(program, CELLA_EDL_OUTPUT_TRUSTED_HEADER, &options,
                                                &text, &size),
                     CELLA_OK);
    assert_non_null(strstr(text, "int f(const char* s);"));
    cella_edl_free(text);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_output_has_its_suffix),
        cmocka_unit_test(generate_refuses_missing_arguments_and_unknown_outputs),
        cmocka_unit_test(every_output_is_deterministic),
        cmocka_unit_test(running_out_of_memory_is_reported_not_crashed),
        cmocka_unit_test(names_the_generated_code_uses_are_refused),
        cmocka_unit_test(ordinary_names_pass_the_check),
        cmocka_unit_test(a_function_called_f_out_moves_the_result_struct_of_f_aside),
        cmocka_unit_test(an_enum_without_enumerators_still_compiles_as_c),
        cmocka_unit_test(bool_brings_its_header_and_is_checked_on_arrival),
        cmocka_unit_test(use_prefix_renames_only_the_untrusted_ecall_proxies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
