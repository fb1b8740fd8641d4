/* SPDX-License-Identifier: Apache-2.0 */
/* cli.c: `cella edger8r` (and `sgx_edger8r`): options, search paths, diagnostics, all or nothing.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef CELLA_TEST_CELLA
#error "CELLA_TEST_CELLA must name the cella program"
#endif

/* A scratch folder per test, removed afterwards. */
struct scratch {
    char dir[256];
    char out[4096]; /* stdout of the last run */
    char err[4096]; /* stderr of the last run */
};

static void write_file(const struct scratch *s, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", s->dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const struct scratch *s, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", s->dir, name);
    return stat(path, &st) == 0;
}

static char *read_file(const struct scratch *s, const char *name)
{
    static char text[1 << 16];
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", s->dir, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Number of entries in the folder, "." and ".." aside. */
static size_t entry_count(const char *dir)
{
    DIR *d = opendir(dir);
    size_t count = 0;
    if (d == NULL)
        return 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            count++;
    }
    closedir(d);
    return count;
}

static void slurp(int fd, char *buffer, size_t size)
{
    size_t n = 0;
    lseek(fd, 0, SEEK_SET);
    for (;;) {
        ssize_t got = read(fd, buffer + n, size - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buffer[n] = '\0';
    close(fd);
}

/* Runs `program` (argv[0] as given) in the scratch folder; returns its exit status. */
static int run_as(struct scratch *s, const char *program, const char *const *args)
{
    const char *argv[32];
    size_t argc = 0;
    argv[argc++] = program;
    for (size_t i = 0; args[i] != NULL; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    char out_path[512], err_path[512];
    snprintf(out_path, sizeof(out_path), "%s/../%s.stdout", s->dir, strrchr(s->dir, '/') + 1);
    snprintf(err_path, sizeof(err_path), "%s/../%s.stderr", s->dir, strrchr(s->dir, '/') + 1);
    int out = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(out >= 0 && err >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(s->dir) != 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        execv(program[0] == '/' ? program : CELLA_TEST_CELLA, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    slurp(out, s->out, sizeof(s->out));
    slurp(err, s->err, sizeof(s->err));
    unlink(out_path);
    unlink(err_path);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int run(struct scratch *s, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = "edger8r";
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return run_as(s, CELLA_TEST_CELLA, argv);
}

static int setup(void **state)
{
    struct scratch *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof(s->dir), "%s/cella-edger8r-cli-XXXXXX", tmp != NULL ? tmp : "/tmp");
    assert_non_null(mkdtemp(s->dir));
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    struct scratch *s = *state;
    char command[600];
    snprintf(command, sizeof(command), "rm -rf '%s'", s->dir);
    assert_int_equal(system(command), 0);
    free(s);
    return 0;
}

static const char good_edl[] = "enclave {\n"
                               "    trusted {\n"
                               "        public int ecall_add(int a, int b);\n"
                               "    };\n"
                               "    untrusted {\n"
                               "        void ocall_print([in, string] const char *s);\n"
                               "    };\n"
                               "};\n";

static void help_lists_the_options_and_succeeds(void **state)
{
    struct scratch *s = *state;
    assert_int_equal(run(s, (const char *[]){"--help", NULL}), 0);
    static const char *const options[] = {"--trusted",       "--untrusted",   "--trusted-dir",
                                          "--untrusted-dir", "--search-path", "--header-only",
                                          "--use-prefix",    "-D NAME",       "--warn-user-check"};
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
        assert_non_null(strstr(s->out, options[i]));
}

static void usage_errors_exit_2_and_write_nothing(void **state)
{
    struct scratch *s = *state;
    write_file(s, "good.edl", good_edl);
    static const struct {
        const char *args[4];
        const char *message;
    } cases[] = {
        {{"--bogus", "good.edl", NULL}, "unknown option '--bogus'"},
        {{"good.edl", "--trusted-dir", NULL}, "option --trusted-dir needs a value"},
        {{"good.edl", "--search-path", NULL}, "option --search-path needs a value"},
        {{"-D", NULL}, "option -D needs a value"},
        {{"--trusted", NULL}, "no EDL file given"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        assert_int_equal(run(s, cases[k].args), 2);
        assert_non_null(strstr(s->err, cases[k].message));
        assert_non_null(strstr(s->err, "cella edger8r: "));
        assert_int_equal(entry_count(s->dir), 1); /* good.edl only */
    }
}

static void a_missing_file_is_an_error_and_nothing_is_written(void **state)
{
    struct scratch *s = *state;
    assert_int_equal(run(s, (const char *[]){"missing.edl", NULL}), 1);
    assert_non_null(strstr(s->err, "missing.edl"));
    assert_non_null(strstr(s->err, "error:"));
    assert_int_equal(entry_count(s->dir), 0);
}

static void diagnostics_name_file_line_and_column(void **state)
{
    struct scratch *s = *state;
    write_file(s, "bad.edl",
               "enclave {\n"
               "    trusted {\n"
               "        public void f([out, string] char *s);\n"
               "    };\n"
               "};\n");
    assert_int_equal(run(s, (const char *[]){"--trusted-dir", "t", "bad.edl", NULL}), 1);
    assert_non_null(strstr(s->err, "bad.edl:3:29: error: "));
    assert_non_null(strstr(s->err, "cella edger8r: bad.edl: 1 error; nothing written"));
    assert_false(exists(s, "t"));
    assert_false(exists(s, "bad_t.h"));
}

static void one_bad_file_among_several_writes_nothing(void **state)
{
    struct scratch *s = *state;
    write_file(s, "good.edl", good_edl);
    write_file(s, "worse.edl", "enclave { trusted { public void f(int x) }; };\n");
    assert_int_equal(run(s, (const char *[]){"good.edl", "worse.edl", NULL}), 1);
    assert_non_null(strstr(s->err, "worse.edl:1:"));
    assert_int_equal(entry_count(s->dir), 2);
}

static void a_name_the_generated_code_uses_is_refused(void **state)
{
    struct scratch *s = *state;
    write_file(s, "clash.edl",
               "enclave {\n"
               "    trusted {\n"
               "        public void f([in, count=n] int *x, size_t n, int _len_x);\n"
               "    };\n"
               "};\n");
    assert_int_equal(run(s, (const char *[]){"clash.edl", NULL}), 1);
    assert_non_null(strstr(s->err, "clash.edl:3:59: error: parameter name '_len_x' collides"));
    assert_int_equal(entry_count(s->dir), 1);
}

static void a_good_file_gives_four_files_and_options_are_case_insensitive(void **state)
{
    struct scratch *s = *state;
    write_file(s, "good.edl", good_edl);
    assert_int_equal(run(s, (const char *[]){"good.edl", NULL}), 0);
    assert_true(exists(s, "good_t.h") && exists(s, "good_t.c"));
    assert_true(exists(s, "good_u.h") && exists(s, "good_u.c"));
    assert_int_equal(entry_count(s->dir), 5);

    assert_int_equal(
        run(s, (const char *[]){"--TRUSTED", "--Trusted-Dir", "deep/er/t", "good.edl", NULL}), 0);
    assert_int_equal(entry_count(s->dir), 6);
    assert_true(exists(s, "deep/er/t/good_t.h") && exists(s, "deep/er/t/good_t.c"));
    assert_false(exists(s, "deep/er/t/good_u.h"));

    assert_int_equal(
        run(s, (const char *[]){"--header-only", "--untrusted-dir", "h", "good.edl", NULL}), 0);
    assert_true(exists(s, "h/good_u.h"));
    assert_false(exists(s, "h/good_u.c") || exists(s, "h/good_t.h"));
    assert_true(exists(s, "good_t.h")); /* --trusted-dir defaults to . */

    assert_int_equal(run(s, (const char *[]){"--use-prefix", "--untrusted", "--untrusted-dir", "p",
                                             "good.edl", NULL}),
                     0);
    assert_non_null(strstr(read_file(s, "p/good_u.h"), "sgx_status_t good_ecall_add("));
}

/* common.edl in each of a/, b/ and . with a different ECALL, imported by root.edl. */
static void write_search_tree(struct scratch *s)
{
    const char *dirs[] = {"a", "b"};
    for (size_t i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", s->dir, dirs[i]);
        assert_int_equal(mkdir(path, 0700), 0);
        char name[32], text[256];
        snprintf(name, sizeof(name), "%s/common.edl", dirs[i]);
        snprintf(text, sizeof(text), "enclave { trusted { public void from_%s(void); }; };\n",
                 dirs[i]);
        write_file(s, name, text);
    }
    write_file(s, "common.edl", "enclave { trusted { public void from_dot(void); }; };\n");
    write_file(s, "root.edl", "enclave { from \"common.edl\" import *; };\n");
}

static void later_search_paths_are_searched_first_and_dot_last(void **state)
{
    struct scratch *s = *state;
    write_search_tree(s);
    static const struct {
        const char *args[8];
        const char *function;
    } cases[] = {
        {{"--search-path", "a", "--search-path", "b", "root.edl", NULL}, "from_b"},
        {{"--search-path", "b", "--search-path", "a", "root.edl", NULL}, "from_a"},
        {{"--search-path", "a:b", "root.edl", NULL}, "from_a"},
        {{"--search-path", "b:a", "root.edl", NULL}, "from_b"},
        {{"root.edl", NULL}, "from_dot"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        assert_int_equal(run(s, cases[k].args), 0);
        char expected[64];
        snprintf(expected, sizeof(expected), "void %s(void);", cases[k].function);
        assert_non_null(strstr(read_file(s, "root_t.h"), expected));
    }
}

static void cellas_own_edl_files_are_found_after_the_users(void **state)
{
    struct scratch *s = *state;
    write_file(s, "std.edl",
               "enclave {\n"
               "    from \"sgx_tstdc.edl\" import *;\n"
               "    from \"sgx_tswitchless.edl\" import *;\n"
               "    trusted { public void f(void) transition_using_threads; };\n"
               "};\n");
    assert_int_equal(run(s, (const char *[]){"std.edl", NULL}), 0);
    assert_non_null(strstr(read_file(s, "std_u.h"), "sgx_oc_cpuidex, (int cpuinfo[4]"));
    assert_non_null(
        strstr(read_file(s, "std_t.h"), "sgx_status_t sl_init_switchless(void* sl_data);"));
}

static void the_depfile_names_the_outputs_and_every_edl_file_read(void **state)
{
    struct scratch *s = *state;
    char depfile[512], realdir[4096], expected[8400];
    write_search_tree(s);
    snprintf(depfile, sizeof(depfile), "%s/root.d", s->dir);
    assert_int_equal(run(s, (const char *[]){"--trusted", "--search-path", "a", "--depfile",
                                             depfile, "root.edl", NULL}),
                     0);
    assert_non_null(realpath(s->dir, realdir));
    /* The .c first (build files name it first), then the .h; then the root and its import. */
    snprintf(expected, sizeof(expected), "./root_t.c ./root_t.h: %s/root.edl %s/a/common.edl\n",
             realdir, realdir);
    assert_string_equal(read_file(s, "root.d"), expected);
    /* A depfile that cannot be written is an error. */
    assert_int_not_equal(
        run(s, (const char *[]){"--depfile", "/nonexistent/dir/x.d", "root.edl", NULL}), 0);
}

static void defines_and_the_user_check_warning_reach_the_front_end(void **state)
{
    struct scratch *s = *state;
    write_file(s, "defs.edl",
               "enclave {\n"
               "    trusted {\n"
               "#ifdef WITH_EXTRA\n"
               "        public void extra([user_check] void *p);\n"
               "#endif\n"
               "        public void base(void);\n"
               "    };\n"
               "};\n");
    assert_int_equal(
        run(s, (const char *[]){"-DWITH_EXTRA", "--warn-user-check", "defs.edl", NULL}), 0);
    assert_non_null(strstr(read_file(s, "defs_t.h"), "void extra(void* p);"));
    assert_non_null(strstr(s->err, "defs.edl:4:28: warning: "));
    assert_int_equal(run(s, (const char *[]){"defs.edl", NULL}), 0);
    assert_null(strstr(read_file(s, "defs_t.h"), "extra"));
    assert_string_equal(s->err, "");
}

static void it_runs_under_the_name_sgx_edger8r(void **state)
{
    struct scratch *s = *state;
    char link[512];
    snprintf(link, sizeof(link), "%s/sgx_edger8r", s->dir);
    assert_int_equal(symlink(CELLA_TEST_CELLA, link), 0);
    write_file(s, "good.edl", good_edl);
    assert_int_equal(run_as(s, link, (const char *[]){"--untrusted", "good.edl", NULL}), 0);
    assert_true(exists(s, "good_u.c"));
    assert_false(exists(s, "good_t.c"));
    assert_int_equal(run_as(s, link, (const char *[]){"--nope", NULL}), 2);
    assert_non_null(strstr(s->err, "sgx_edger8r: unknown option '--nope'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(help_lists_the_options_and_succeeds, setup, teardown),
        cmocka_unit_test_setup_teardown(usage_errors_exit_2_and_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_missing_file_is_an_error_and_nothing_is_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(diagnostics_name_file_line_and_column, setup, teardown),
        cmocka_unit_test_setup_teardown(one_bad_file_among_several_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_name_the_generated_code_uses_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_good_file_gives_four_files_and_options_are_case_insensitive, setup, teardown),
        cmocka_unit_test_setup_teardown(later_search_paths_are_searched_first_and_dot_last, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(cellas_own_edl_files_are_found_after_the_users, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_depfile_names_the_outputs_and_every_edl_file_read,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(defines_and_the_user_check_warning_reach_the_front_end,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(it_runs_under_the_name_sgx_edger8r, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
