/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/dump_main.c: cella-edl-dump, a developer tool printing a checked EDL program. */
#include <stdio.h>
#include <string.h>

#include "dump.h"
#include "edl.h"
#include "memory.h"

#define MAX_LIST 64

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cella-edl-dump [options] file.edl\n"
            "\n"
            "Loads an EDL file with its imports, checks it and prints the syntax tree with the\n"
            "ECALL/OCALL numbering, then its warnings. Errors go to stderr (exit status 1).\n"
            "\n"
            "Options:\n"
            "  --search-path DIR   search DIR for imported files (repeatable, in order)\n"
            "  -D NAME[=VALUE]     define a macro for every file\n"
            "  --header-only       do not require a public ECALL\n"
            "  --warn-user-check   warn at every [user_check] pointer\n"
            "  -h, --help          show this help\n");
}

static int print_diags(const cella_edl_diags_t *diags, FILE *out, bool errors)
{
    for (size_t i = 0; i < cella_edl_diags_count(diags); i++) {
        const cella_edl_diag_t *diag = cella_edl_diags_get(diags, i);
        if ((diag->severity == CELLA_EDL_SEVERITY_ERROR) != errors)
            continue;
        char line[4096];
        cella_edl_diag_format(diag, true, line, sizeof(line));
        fprintf(out, "%s\n", line);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *search_paths[MAX_LIST];
    const char *defines[MAX_LIST];
    cella_edl_options_t options;
    memset(&options, 0, sizeof(options));
    options.search_paths = search_paths;
    options.defines = defines;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(arg, "--search-path") == 0 && i + 1 < argc &&
                   options.search_path_count < MAX_LIST) {
            search_paths[options.search_path_count++] = argv[++i];
        } else if (strcmp(arg, "-D") == 0 && i + 1 < argc && options.define_count < MAX_LIST) {
            defines[options.define_count++] = argv[++i];
        } else if (strncmp(arg, "-D", 2) == 0 && arg[2] != '\0' &&
                   options.define_count < MAX_LIST) {
            defines[options.define_count++] = arg + 2;
        } else if (strcmp(arg, "--header-only") == 0) {
            options.header_only = true;
        } else if (strcmp(arg, "--warn-user-check") == 0) {
            options.warn_user_check = true;
        } else if (arg[0] != '-' && file == NULL) {
            file = arg;
        } else {
            fprintf(stderr, "cella-edl-dump: unexpected argument '%s'\n", arg);
            usage(stderr);
            return 2;
        }
    }
    if (file == NULL) {
        usage(stderr);
        return 2;
    }

    int status = 1;
    cella_edl_diags_t *diags = NULL;
    cella_edl_program_t *program = NULL;
    char *text = NULL;
    char *warnings = NULL;
    if (cella_edl_diags_create(&diags) != CELLA_OK) {
        fprintf(stderr, "cella-edl-dump: out of memory\n");
        goto out;
    }
    cella_result_t r = cella_edl_load(file, &options, diags, &program);
    if (r != CELLA_OK) {
        print_diags(diags, stderr, true);
        print_diags(diags, stderr, false);
        fprintf(stderr, "cella-edl-dump: %s: %s\n", file,
                r == CELLA_ERR_INVALID_FORMAT ? "invalid EDL" : cella_result_str(r));
        goto out;
    }
    if (cella_edl_dump_program(program, &text) != CELLA_OK ||
        cella_edl_dump_diags(diags, &warnings) != CELLA_OK) {
        fprintf(stderr, "cella-edl-dump: out of memory\n");
        goto out;
    }
    fputs(text, stdout);
    if (warnings[0] != '\0')
        printf("diagnostics:\n%s", warnings);
    status = 0;
out:
    cella_edl_free(text);
    cella_edl_free(warnings);
    cella_edl_program_destroy(program);
    cella_edl_diags_destroy(diags);
    return status;
}
