/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/edger8r.c: `cella edger8r` (also run as `sgx_edger8r`): EDL to bridge code. */
#define _POSIX_C_SOURCE 200809L /* fchmod, mkstemp, readlink, strdup */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codegen.h"
#include "edl.h"
#include "memory.h"
#include "subcommands.h"

/* Exit codes. */
#define EXIT_OK    0
#define EXIT_ERROR 1
#define EXIT_USAGE 2

/* Where cella's own EDL files (sgx_tstdc.edl, ...) are: include/sgx next to the installed
 * program, or in the source tree for a program run from its build tree. */
#ifndef CELLA_EDGER8R_INSTALLED_SGX_DIR
#define CELLA_EDGER8R_INSTALLED_SGX_DIR "../include/sgx"
#endif

/* "cella edger8r", or "sgx_edger8r" when run under that name; prefixes every message. */
static const char *program = "cella edger8r";

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: %s [options] file.edl ...\n"
        "\n"
        "Generates the bridge code of an enclave from its EDL file: <E>_t.h and <E>_t.c for\n"
        "the enclave, <E>_u.h and <E>_u.c for the host (E is the file name without .edl).\n"
        "Options work as sgx_edger8r's and are case-insensitive; every other argument is an\n"
        "EDL file. Nothing is written when any file has an error.\n"
        "\n"
        "Options:\n"
        "  --trusted            generate only <E>_t.h and <E>_t.c\n"
        "  --untrusted          generate only <E>_u.h and <E>_u.c (neither option: both)\n"
        "  --trusted-dir DIR    write the trusted files into DIR (made if missing; default .)\n"
        "  --untrusted-dir DIR  write the untrusted files into DIR (made if missing; default .)\n"
        "  --search-path PATH   look for imported EDL files in the ':'-separated directories\n"
        "                       of PATH; a later --search-path is searched before earlier\n"
        "                       ones, the current directory after them, and cella's\n"
        "                       include/sgx (sgx_tstdc.edl, sgx_pthread.edl, ...) last\n"
        "  --header-only        generate only the headers (an enclave without a public\n"
        "                       ECALL is then accepted)\n"
        "  --use-prefix         name the untrusted ECALL proxies <E>_<function>\n"
        "  -D NAME[=VALUE]      define a macro for the EDL preprocessor (also -DNAME)\n"
        "  --warn-user-check    warn at every [user_check] parameter\n"
        "  --depfile FILE       also write FILE: a make-style rule naming every EDL file read\n"
        "                       (imports included), for build systems to regenerate on change\n"
        "  --help               show this help\n"
        "\n"
        "Diagnostics are printed as file:line:column: error: message; hint.\n"
        "See docs/edl.md for the language and the generated code.\n",
        program);
}

/* Growing lists of borrowed strings. */
struct list {
    const char **items;
    size_t count;
    size_t capacity;
};

static bool list_add(struct list *list, const char *item)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity == 0 ? 8 : list->capacity * 2;
        const char **items = realloc(list->items, capacity * sizeof(*items));
        if (items == NULL)
            return false;
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = item;
    return true;
}

/* Inserts items at the front, keeping their order (Intel: later --search-path first). */
static bool list_prepend(struct list *list, struct list *items)
{
    for (size_t i = 0; i < items->count; i++) {
        if (!list_add(list, NULL))
            return false;
    }
    memmove(list->items + items->count, list->items,
            (list->count - items->count) * sizeof(*list->items));
    memcpy(list->items, items->items, items->count * sizeof(*items->items));
    return true;
}

/* One generated file, held in memory until every input has been processed. */
struct output {
    char *path;
    char *text;
    size_t size;
};

struct options {
    bool trusted;
    bool untrusted;
    bool header_only;
    bool use_prefix;
    bool warn_user_check;
    const char *trusted_dir;
    const char *untrusted_dir;
    const char *depfile;
    struct list search_paths;
    struct list defines;
    struct list files;
    struct list owned; /* strings allocated here, freed at the end */
};

static void options_clear(struct options *o)
{
    for (size_t i = 0; i < o->owned.count; i++)
        free((void *)(uintptr_t)o->owned.items[i]);
    free(o->owned.items);
    free(o->search_paths.items);
    free(o->defines.items);
    free(o->files.items);
}

/* Splits PATH on ':' (empty parts skipped) and puts the parts before the earlier ones. */
static bool add_search_path(struct options *o, const char *path)
{
    struct list parts = {NULL, 0, 0};
    bool ok = false;
    const char *start = path;
    for (;;) {
        const char *colon = strchr(start, ':');
        size_t length = colon != NULL ? (size_t)(colon - start) : strlen(start);
        if (length > 0) {
            char *part = malloc(length + 1);
            if (part == NULL || !list_add(&o->owned, part)) {
                free(part);
                goto out;
            }
            memcpy(part, start, length);
            part[length] = '\0';
            if (!list_add(&parts, part))
                goto out;
        }
        if (colon == NULL)
            break;
        start = colon + 1;
    }
    ok = list_prepend(&o->search_paths, &parts);
out:
    free(parts.items);
    return ok;
}

/* Returns EXIT_OK to go on, or an exit code (after printing why). */
static int parse_arguments(int argc, char **argv, struct options *o, bool *help)
{
    bool only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (!list_add(&o->files, arg))
                goto out_of_memory;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = true;
        } else if (strcasecmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help = true;
        } else if (strcasecmp(arg, "--trusted") == 0) {
            o->trusted = true;
        } else if (strcasecmp(arg, "--untrusted") == 0) {
            o->untrusted = true;
        } else if (strcasecmp(arg, "--header-only") == 0) {
            o->header_only = true;
        } else if (strcasecmp(arg, "--use-prefix") == 0) {
            o->use_prefix = true;
        } else if (strcasecmp(arg, "--warn-user-check") == 0) {
            o->warn_user_check = true;
        } else if (strcasecmp(arg, "--trusted-dir") == 0 ||
                   strcasecmp(arg, "--untrusted-dir") == 0 ||
                   strcasecmp(arg, "--search-path") == 0 || strcasecmp(arg, "--depfile") == 0 ||
                   strcmp(arg, "-D") == 0) {
            if (value == NULL || value[0] == '\0') {
                fprintf(stderr, "%s: option %s needs a value; '%s --help' lists the options\n",
                        program, arg, program);
                return EXIT_USAGE;
            }
            i++;
            if (strcasecmp(arg, "--trusted-dir") == 0)
                o->trusted_dir = value;
            else if (strcasecmp(arg, "--depfile") == 0)
                o->depfile = value;
            else if (strcasecmp(arg, "--untrusted-dir") == 0)
                o->untrusted_dir = value;
            else if (strcmp(arg, "-D") == 0) {
                if (!list_add(&o->defines, value))
                    goto out_of_memory;
            } else if (!add_search_path(o, value)) {
                goto out_of_memory;
            }
        } else if (strncmp(arg, "-D", 2) == 0) {
            if (!list_add(&o->defines, arg + 2))
                goto out_of_memory;
        } else {
            fprintf(stderr, "%s: unknown option '%s'; '%s --help' lists the options\n", program,
                    arg, program);
            return EXIT_USAGE;
        }
    }
    if (!o->trusted && !o->untrusted) {
        o->trusted = true;
        o->untrusted = true;
    }
    return EXIT_OK;
out_of_memory:
    fprintf(stderr, "%s: out of memory\n", program);
    return EXIT_ERROR;
}

/* The directory of this program's executable, or NULL. */
static char *executable_dir(void)
{
    char buffer[4096];
    ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    if (n <= 0)
        return NULL;
    buffer[n] = '\0';
    char *slash = strrchr(buffer, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    return strdup(buffer);
}

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* cella's include/sgx, searched after the user's directories and ".". */
static bool add_sgx_dir(struct options *o)
{
    char *dir = executable_dir();
    if (dir != NULL) {
        size_t size = strlen(dir) + 1 + strlen(CELLA_EDGER8R_INSTALLED_SGX_DIR) + 1;
        char *installed = malloc(size);
        if (installed == NULL) {
            free(dir);
            return false;
        }
        snprintf(installed, size, "%s/%s", dir, CELLA_EDGER8R_INSTALLED_SGX_DIR);
        free(dir);
        if (is_directory(installed)) {
            if (!list_add(&o->owned, installed)) {
                free(installed);
                return false;
            }
            if (!list_add(&o->search_paths, installed))
                return false;
        } else {
            free(installed);
        }
    }
#ifdef CELLA_EDGER8R_SOURCE_SGX_DIR
    if (is_directory(CELLA_EDGER8R_SOURCE_SGX_DIR) &&
        !list_add(&o->search_paths, CELLA_EDGER8R_SOURCE_SGX_DIR))
        return false;
#endif
    return true;
}

static void print_diags(const cella_edl_diags_t *diags, size_t from)
{
    for (size_t i = from; i < cella_edl_diags_count(diags); i++) {
        const cella_edl_diag_t *diag = cella_edl_diags_get(diags, i);
        size_t needed = cella_edl_diag_format(diag, true, NULL, 0);
        char *line = malloc(needed + 1);
        if (line == NULL) {
            fprintf(stderr, "%s: out of memory\n", program);
            return;
        }
        cella_edl_diag_format(diag, true, line, needed + 1);
        fprintf(stderr, "%s\n", line);
        free(line);
    }
}

static char *join_path(const char *dir, const char *name, const char *suffix)
{
    size_t size = strlen(dir) + 1 + strlen(name) + strlen(suffix) + 1;
    char *path = malloc(size);
    if (path != NULL)
        snprintf(path, size, "%s/%s%s", dir, name, suffix);
    return path;
}

/* Generates the outputs of one loaded program into `outputs`. */
static bool generate(const struct options *o, const cella_edl_program_t *edl,
                     struct output *outputs, size_t *output_count)
{
    cella_edl_codegen_options_t codegen = {o->use_prefix};
    static const cella_edl_output_t kinds[CELLA_EDL_OUTPUT_COUNT] = {
        CELLA_EDL_OUTPUT_TRUSTED_HEADER, CELLA_EDL_OUTPUT_TRUSTED_SOURCE,
        CELLA_EDL_OUTPUT_UNTRUSTED_HEADER, CELLA_EDL_OUTPUT_UNTRUSTED_SOURCE};
    for (size_t k = 0; k < CELLA_EDL_OUTPUT_COUNT; k++) {
        cella_edl_output_t kind = kinds[k];
        bool trusted =
            kind == CELLA_EDL_OUTPUT_TRUSTED_HEADER || kind == CELLA_EDL_OUTPUT_TRUSTED_SOURCE;
        bool header =
            kind == CELLA_EDL_OUTPUT_TRUSTED_HEADER || kind == CELLA_EDL_OUTPUT_UNTRUSTED_HEADER;
        if ((trusted && !o->trusted) || (!trusted && !o->untrusted) || (o->header_only && !header))
            continue;
        struct output *out = &outputs[*output_count];
        const char *dir = trusted ? o->trusted_dir : o->untrusted_dir;
        out->path = join_path(dir != NULL ? dir : ".", edl->root->short_name,
                              cella_edl_codegen_output_suffix(kind));
        if (out->path == NULL)
            return false;
        (*output_count)++;
        if (cella_edl_codegen_generate(edl, kind, &codegen, &out->text, &out->size) != CELLA_OK)
            return false;
    }
    return true;
}

/* mkdir -p */
static bool make_dirs(const char *dir)
{
    char *path = strdup(dir);
    bool ok = path != NULL;
    for (char *p = path != NULL ? path + 1 : NULL; ok && p != NULL && *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            ok = false;
        *p = '/';
    }
    if (ok && mkdir(path, 0777) != 0 && errno != EEXIST)
        ok = false;
    if (ok && !is_directory(path)) {
        errno = ENOTDIR;
        ok = false;
    }
    if (!ok)
        fprintf(stderr, "%s: cannot create the directory %s: %s\n", program, dir, strerror(errno));
    free(path);
    return ok;
}

/* Writes `size` bytes into a new temporary file next to `path`; its name goes to *temporary. */
static bool write_temporary(const struct output *out, char **temporary)
{
    static const char suffix[] = ".tmp-XXXXXX";
    size_t length = strlen(out->path);
    char *name = malloc(length + sizeof(suffix));
    int fd = -1;
    mode_t mask;
    *temporary = NULL;
    if (name == NULL) {
        fprintf(stderr, "%s: out of memory\n", program);
        return false;
    }
    memcpy(name, out->path, length);
    memcpy(name + length, suffix, sizeof(suffix));
    fd = mkstemp(name);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot create %s: %s\n", program, out->path, strerror(errno));
        free(name);
        return false;
    }
    *temporary = name;
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0)
        goto failed;
    for (size_t done = 0; done < out->size;) {
        ssize_t n = write(fd, out->text + done, out->size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto failed;
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto failed;
    }
    return true;
failed:
    fprintf(stderr, "%s: cannot write %s: %s\n", program, out->path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return false;
}

/* Every output to a temporary file first, then all renamed: all or nothing. */
static bool write_outputs(const struct options *o, struct output *outputs, size_t count)
{
    bool ok = true;
    char **temporaries = calloc(count + 1, sizeof(*temporaries));
    if (temporaries == NULL) {
        fprintf(stderr, "%s: out of memory\n", program);
        return false;
    }
    if (o->trusted && !make_dirs(o->trusted_dir != NULL ? o->trusted_dir : "."))
        ok = false;
    if (ok && o->untrusted && !make_dirs(o->untrusted_dir != NULL ? o->untrusted_dir : "."))
        ok = false;
    for (size_t i = 0; ok && i < count; i++)
        ok = write_temporary(&outputs[i], &temporaries[i]);
    for (size_t i = 0; ok && i < count; i++) {
        if (rename(temporaries[i], outputs[i].path) != 0) {
            fprintf(stderr, "%s: cannot write %s: %s\n", program, outputs[i].path, strerror(errno));
            ok = false;
        } else {
            free(temporaries[i]);
            temporaries[i] = NULL;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (temporaries[i] != NULL)
            unlink(temporaries[i]);
        free(temporaries[i]);
    }
    free(temporaries);
    return ok;
}

/* The files read, by the identity the file reader gives (their real paths). */
struct read_files {
    char **paths;
    size_t count;
    bool out_of_memory;
};

static cella_result_t recording_read(void *context, const char *path, size_t max_size, char **data,
                                     size_t *size, char **identity)
{
    struct read_files *files = context;
    cella_result_t r = cella_edl_file_reader.read(cella_edl_file_reader.context, path, max_size,
                                                  data, size, identity);
    if (r != CELLA_OK)
        return r;
    char **grown = realloc(files->paths, (files->count + 1) * sizeof(*grown));
    char *copy = strdup(*identity);
    if (grown == NULL || copy == NULL) {
        free(copy);
        if (grown != NULL)
            files->paths = grown;
        files->out_of_memory = true;
        return CELLA_OK;
    }
    files->paths = grown;
    files->paths[files->count++] = copy;
    return CELLA_OK;
}

/* A path in a make rule, after a space unless first: spaces, '#', '\\' and '$' escaped. */
static void write_rule_path(FILE *out, const char *path, bool first)
{
    if (!first)
        fputc(' ', out);
    for (const char *p = path; *p != '\0'; p++) {
        if (*p == ' ' || *p == '#' || *p == '\\')
            fputc('\\', out);
        if (*p == '$')
            fputc('$', out);
        fputc(*p, out);
    }
}

/* "output...: input..." for make and ninja (written whole under a temporary name). */
static bool write_depfile(const char *path, const struct output *outputs, size_t output_count,
                          const struct read_files *files)
{
    char temporary[4096];
    if (snprintf(temporary, sizeof(temporary), "%s.tmp", path) >= (int)sizeof(temporary))
        return false;
    FILE *out = fopen(temporary, "w");
    if (out == NULL)
        return false;
    /* Sources first: ninja takes the rule's first target for the build's first output, and
     * build files list the .c before the .h. */
    bool first = true;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < output_count; i++) {
            size_t length = strlen(outputs[i].path);
            bool is_source = length > 2 && strcmp(outputs[i].path + length - 2, ".c") == 0;
            if (is_source != (pass == 0))
                continue;
            write_rule_path(out, outputs[i].path, first);
            first = false;
        }
    }
    fputc(':', out);
    for (size_t i = 0; i < files->count; i++)
        write_rule_path(out, files->paths[i], false);
    fputc('\n', out);
    bool ok = !ferror(out);
    ok = fclose(out) == 0 && ok;
    if (ok && rename(temporary, path) != 0)
        ok = false;
    if (!ok)
        (void)remove(temporary);
    return ok;
}

int edger8r_main(int argc, char **argv)
{
    struct options o;
    struct output *outputs = NULL;
    size_t output_count = 0;
    struct read_files read_files = {NULL, 0, false};
    bool help = false;
    int status = EXIT_ERROR;

    if (argc > 0 && argv[0] != NULL) {
        const char *base = strrchr(argv[0], '/');
        base = base != NULL ? base + 1 : argv[0];
        if (strcmp(base, "sgx_edger8r") == 0)
            program = "sgx_edger8r";
    }
    memset(&o, 0, sizeof(o));
    status = parse_arguments(argc, argv, &o, &help);
    if (status != EXIT_OK)
        goto out;
    if (help) {
        usage(stdout);
        goto out;
    }
    if (o.files.count == 0) {
        fprintf(stderr, "%s: no EDL file given; '%s --help' shows the usage\n", program, program);
        status = EXIT_USAGE;
        goto out;
    }
    status = EXIT_ERROR;
    /* Intel searches "." after every --search-path, then cella's own EDL files. */
    if (!list_add(&o.search_paths, ".") || !add_sgx_dir(&o)) {
        fprintf(stderr, "%s: out of memory\n", program);
        goto out;
    }
    outputs = calloc(o.files.count * CELLA_EDL_OUTPUT_COUNT, sizeof(*outputs));
    if (outputs == NULL) {
        fprintf(stderr, "%s: out of memory\n", program);
        goto out;
    }

    cella_edl_reader_t recorder = {recording_read, &read_files};
    cella_edl_options_t load = {
        .search_paths = o.search_paths.items,
        .search_path_count = o.search_paths.count,
        .defines = o.defines.items,
        .define_count = o.defines.count,
        .header_only = o.header_only,
        .warn_user_check = o.warn_user_check,
        .reader = o.depfile != NULL ? &recorder : NULL,
    };
    size_t failed_files = 0;
    for (size_t f = 0; f < o.files.count; f++) {
        const char *file = o.files.items[f];
        cella_edl_diags_t *diags = NULL;
        cella_edl_program_t *edl = NULL;
        if (cella_edl_diags_create(&diags) != CELLA_OK) {
            fprintf(stderr, "%s: out of memory\n", program);
            goto out;
        }
        cella_result_t r = cella_edl_load(file, &load, diags, &edl);
        if (r == CELLA_OK)
            r = cella_edl_codegen_check(edl, diags);
        cella_edl_diags_sort(diags, 0);
        print_diags(diags, 0);
        if (r == CELLA_OK && !generate(&o, edl, outputs, &output_count)) {
            fprintf(stderr, "%s: %s: out of memory\n", program, file);
            r = CELLA_ERR_OUT_OF_MEMORY;
        }
        if (r != CELLA_OK) {
            size_t errors = cella_edl_diags_error_count(diags);
            if (r == CELLA_ERR_INVALID_FORMAT)
                fprintf(stderr, "%s: %s: %zu error%s; nothing written\n", program, file, errors,
                        errors == 1 ? "" : "s");
            failed_files++;
        }
        cella_edl_program_destroy(edl);
        cella_edl_diags_destroy(diags);
    }
    if (failed_files > 0)
        goto out;
    /* Two inputs with one name would overwrite each other's files. */
    for (size_t i = 0; i < output_count; i++) {
        for (size_t j = i + 1; j < output_count; j++) {
            if (strcmp(outputs[i].path, outputs[j].path) == 0) {
                fprintf(stderr, "%s: two EDL files would both write %s; nothing written\n", program,
                        outputs[i].path);
                goto out;
            }
        }
    }
    if (!write_outputs(&o, outputs, output_count))
        goto out;
    if (o.depfile != NULL && (read_files.out_of_memory ||
                              !write_depfile(o.depfile, outputs, output_count, &read_files))) {
        fprintf(stderr, "%s: cannot write the dependency file %s\n", program, o.depfile);
        goto out;
    }
    status = EXIT_OK;
out:
    for (size_t i = 0; i < read_files.count; i++)
        free(read_files.paths[i]);
    free(read_files.paths);
    if (outputs != NULL) {
        for (size_t i = 0; i < output_count; i++) {
            free(outputs[i].path);
            cella_edl_free(outputs[i].text);
        }
        free(outputs);
    }
    options_clear(&o);
    return status;
}
