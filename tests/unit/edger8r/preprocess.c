/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for tools/edger8r/preprocess.c and lexer.c: what gcc -E would give Intel's edger8r. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lexer.h"
#include "memory.h"
#include "preprocess.h"

static const char included_text[] = "from_include\n#define FROM_INCLUDE 1\n";
static const char self_include_text[] = "#include \"self.inc\"\nx\n";

static cella_result_t include(void *context, const char *includer, const char *name, char **text,
                              size_t *size, const char **path)
{
    (void)context;
    (void)includer;
    const char *source = strcmp(name, "part.inc") == 0   ? included_text
                         : strcmp(name, "self.inc") == 0 ? self_include_text
                                                         : NULL;
    if (source == NULL)
        return CELLA_ERR_NOT_FOUND;
    size_t length = strlen(source);
    char *copy = cella_edl_malloc(length);
    if (copy == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    memcpy(copy, source, length);
    *text = copy;
    *size = length;
    *path = strcmp(name, "part.inc") == 0 ? "part.inc" : "self.inc";
    return CELLA_OK;
}

/* The preprocessed tokens of `source`, separated by single spaces; the first diagnostic
 * (formatted without file name) in *first when there is one. */
static void preprocess(const char *source, const char *const *defines, size_t define_count,
                       char *out, size_t size, char *first, size_t first_size)
{
    cella_edl_diags_t *diags = NULL;
    assert_int_equal(cella_edl_diags_create(&diags), CELLA_OK);
    cella_edl_pp_config_t config = {
        .file = "test.edl",
        .text = source,
        .size = strlen(source),
        .defines = defines,
        .define_count = define_count,
        .diags = diags,
        .include = include,
    };
    cella_edl_pp_t *pp = NULL;
    assert_int_equal(cella_edl_pp_create(&config, &pp), CELLA_OK);
    size_t at = 0;
    out[0] = '\0';
    for (;;) {
        cella_edl_token_t token;
        cella_edl_pp_next(pp, &token);
        if (token.kind == CELLA_EDL_TOKEN_EOF)
            break;
        /* Past the end of `out` tokens are still read, just not kept. */
        if (at + token.length + 2 < size)
            at += (size_t)snprintf(out + at, size - at, "%s%.*s", at > 0 ? " " : "",
                                   (int)token.length, token.text);
    }
    if (first != NULL) {
        first[0] = '\0';
        if (cella_edl_diags_count(diags) > 0)
            cella_edl_diag_format(cella_edl_diags_get(diags, 0), false, first, first_size);
    }
    cella_edl_pp_destroy(pp);
    cella_edl_diags_destroy(diags);
}

static void object_macros_expand_and_rescan(void **state)
{
    (void)state;
    char out[512];
    preprocess("#define N 4\n#define M N * 2\nint a[M];\n", NULL, 0, out, sizeof(out), NULL, 0);
    assert_string_equal(out, "int a [ 4 * 2 ] ;");
}

static void a_macro_does_not_expand_inside_its_own_expansion(void **state)
{
    (void)state;
    char out[512];
    preprocess("#define A A B\n#define B A\nA\n", NULL, 0, out, sizeof(out), NULL, 0);
    assert_string_equal(out, "A A");
}

static void function_macros_take_arguments_stringize_and_paste(void **state)
{
    (void)state;
    char out[512];
    preprocess("#define BUF(name, n) [in, count=n] uint8_t *name\n"
               "#define CAT(a, b) a ## b\n"
               "#define STR(x) #x\n"
               "#define TWICE(x) x x\n"
               "BUF(data, 8) CAT(ecall_, one) STR(a.h) TWICE(CAT(x, y)) CAT(, z) TWICE\n",
               NULL, 0, out, sizeof(out), NULL, 0);
    assert_string_equal(out, "[ in , count = 8 ] uint8_t * data ecall_one \"a.h\" xy xy z TWICE");
}

static void variadic_macros_collect_the_remaining_arguments(void **state)
{
    (void)state;
    char out[512];
    preprocess("#define CALL(f, ...) f(__VA_ARGS__)\n#define NONE() empty\n"
               "CALL(g, 1, 2, 3) CALL(h) NONE()\n",
               NULL, 0, out, sizeof(out), NULL, 0);
    assert_string_equal(out, "g ( 1 , 2 , 3 ) h ( ) empty");
}

static void conditionals_choose_one_group(void **state)
{
    (void)state;
    char out[512];
    preprocess("#define V 3\n"
               "#if V == 1\none\n#elif V == 3 && !defined(W) || 0\nthree\n#else\nother\n#endif\n"
               "#ifdef V\nv\n#endif\n#ifndef V\nnot_v\n#endif\n"
               "#if 0\n#if 1\nnested\n#else\nnested_else\n#endif\n#frobnicate ignored\n#endif\n"
               "#if (1 << 4) / 2 % 5 - -1 >= 4 ? 0x10 : 010\nternary\n#endif\n"
               "#if 0 && 1 / 0\nunreached\n#endif\n#undef V\n#ifdef V\nundefined\n#endif\n",
               NULL, 0, out, sizeof(out), NULL, 0);
    assert_string_equal(out, "three v ternary");
}

static void command_line_macros_are_defined_for_the_file(void **state)
{
    (void)state;
    const char *const defines[] = {"FLAG", "VALUE=7", "EMPTY="};
    char out[512];
    preprocess("#ifdef FLAG\nFLAG VALUE EMPTY end\n#endif\n", defines, 3, out, sizeof(out), NULL,
               0);
    assert_string_equal(out, "1 7 end");
}

static void a_command_line_macro_that_is_not_an_identifier_is_reported(void **state)
{
    (void)state;
    const char *const defines[] = {"BAD-NAME=1"};
    char out[512];
    char first[512];
    preprocess("x\n", defines, 1, out, sizeof(out), first, sizeof(first));
    assert_string_equal(out, "x");
    assert_string_equal(first, "error: macro name 'BAD-NAME' given on the command line is not an "
                               "identifier; write -DNAME or -DNAME=VALUE");
}

static void predefined_macros_describe_x86_64_linux(void **state)
{
    (void)state;
    char out[512];
    preprocess("#if defined(__linux__) && defined(__x86_64__) && __CELLA_EDGER8R__\nyes\n#endif\n",
               NULL, 0, out, sizeof(out), NULL, 0);
    assert_string_equal(out, "yes");
}

static void include_inserts_a_file_and_keeps_its_macros(void **state)
{
    (void)state;
    char out[512];
    preprocess("before\n#include \"part.inc\"\n#if FROM_INCLUDE\nafter\n#endif\n", NULL, 0, out,
               sizeof(out), NULL, 0);
    assert_string_equal(out, "before from_include after");
}

static void an_include_that_includes_itself_stops_at_the_depth_limit(void **state)
{
    (void)state;
    char out[4096];
    char first[512];
    preprocess("#include \"self.inc\"\n", NULL, 0, out, sizeof(out), first, sizeof(first));
    assert_string_equal(first, "1:10: error: #include nests more than 16 levels deep; simplify "
                               "the macros and conditionals");
}

static void exponential_macros_stop_at_the_expansion_limit(void **state)
{
    (void)state;
    char out[65536];
    char first[512];
    char source[2048];
    size_t at = 0;
    for (int i = 0; i < 24; i++)
        at += (size_t)snprintf(source + at, sizeof(source) - at, "#define M%d M%d M%d\n", i, i + 1,
                               i + 1);
    snprintf(source + at, sizeof(source) - at, "M0\n");
    preprocess(source, NULL, 0, out, sizeof(out), first, sizeof(first));
    assert_string_equal(first, "25:1: error: macro expansion produces more than 200000 tokens; "
                               "simplify the macros and conditionals");
}

static void deeply_nested_arguments_stop_at_the_depth_limit(void **state)
{
    (void)state;
    static char source[4096];
    char out[4096];
    char first[512];
    size_t at = (size_t)snprintf(source, sizeof(source), "#define F(x) x\n");
    for (int i = 0; i < 80; i++)
        at += (size_t)snprintf(source + at, sizeof(source) - at, "F(");
    at += (size_t)snprintf(source + at, sizeof(source) - at, "1");
    for (int i = 0; i < 80; i++)
        at += (size_t)snprintf(source + at, sizeof(source) - at, ")");
    snprintf(source + at, sizeof(source) - at, "\n");
    preprocess(source, NULL, 0, out, sizeof(out), first, sizeof(first));
    assert_string_equal(first, "2:131: error: macros nest more than 64 levels deep; simplify the "
                               "macros and conditionals");
}

static void the_lexer_reports_line_and_column_and_line_starts(void **state)
{
    (void)state;
    const char text[] = "enclave {\n  // comment\n\t/* a\n b */ x \\\n y 0x1f \"s\"";
    cella_edl_lexer_t lexer;
    cella_edl_lexer_init(&lexer, "f.edl", text, strlen(text), NULL);
    struct {
        cella_edl_token_kind_t kind;
        const char *text;
        uint32_t line, column;
        bool at_line_start;
    } expected[] = {
        {CELLA_EDL_TOKEN_IDENT, "enclave", 1, 1, true},
        {CELLA_EDL_TOKEN_PUNCT, "{", 1, 9, false},
        {CELLA_EDL_TOKEN_IDENT, "x", 4, 7, true},
        {CELLA_EDL_TOKEN_IDENT, "y", 5, 2, false},
        {CELLA_EDL_TOKEN_NUMBER, "0x1f", 5, 4, false},
        {CELLA_EDL_TOKEN_STRING, "\"s\"", 5, 9, false},
        {CELLA_EDL_TOKEN_EOF, "", 5, 12, false},
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        cella_edl_token_t token;
        cella_edl_lexer_next(&lexer, &token);
        assert_int_equal(token.kind, expected[i].kind);
        assert_int_equal(token.length, strlen(expected[i].text));
        assert_memory_equal(token.text, expected[i].text, token.length);
        assert_int_equal(token.pos.line, expected[i].line);
        assert_int_equal(token.pos.column, expected[i].column);
        assert_int_equal(token.at_line_start, expected[i].at_line_start);
    }
    assert_true(cella_edl_token_is_decimal(
        &(cella_edl_token_t){.kind = CELLA_EDL_TOKEN_NUMBER, .text = "0123", .length = 4}));
    assert_false(cella_edl_token_is_decimal(
        &(cella_edl_token_t){.kind = CELLA_EDL_TOKEN_NUMBER, .text = "12u", .length = 3}));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(object_macros_expand_and_rescan),
        cmocka_unit_test(a_macro_does_not_expand_inside_its_own_expansion),
        cmocka_unit_test(function_macros_take_arguments_stringize_and_paste),
        cmocka_unit_test(variadic_macros_collect_the_remaining_arguments),
        cmocka_unit_test(conditionals_choose_one_group),
        cmocka_unit_test(command_line_macros_are_defined_for_the_file),
        cmocka_unit_test(a_command_line_macro_that_is_not_an_identifier_is_reported),
        cmocka_unit_test(predefined_macros_describe_x86_64_linux),
        cmocka_unit_test(include_inserts_a_file_and_keeps_its_macros),
        cmocka_unit_test(an_include_that_includes_itself_stops_at_the_depth_limit),
        cmocka_unit_test(exponential_macros_stop_at_the_expansion_limit),
        cmocka_unit_test(deeply_nested_arguments_stop_at_the_depth_limit),
        cmocka_unit_test(the_lexer_reports_line_and_column_and_line_starts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
