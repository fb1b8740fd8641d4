/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/edl.c: loading EDL files, resolving imports and numbering as Intel does. */
#define _XOPEN_SOURCE 700
#include "edl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "memory.h"
#include "parser.h"

/* ------------------------------------------------------------------------------------------
 * The file-system reader
 */

static char *heap_strdup(const char *text)
{
    size_t length = strlen(text);
    char *copy = cella_edl_malloc(length + 1);
    if (copy != NULL)
        memcpy(copy, text, length + 1);
    return copy;
}

static cella_result_t read_file_system(void *context, const char *path, size_t max_size,
                                       char **data, size_t *size, char **identity)
{
    (void)context;
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    char *buffer = NULL;
    char *real = NULL;
    char *name = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        r = errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG ? CELLA_ERR_NOT_FOUND
            : errno == EACCES                                            ? CELLA_ERR_ACCESS_DENIED
                                                                         : CELLA_ERR_IO;
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        r = CELLA_ERR_IO;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        /* A directory of that name is not the file we look for: keep searching. */
        r = CELLA_ERR_NOT_FOUND;
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max_size) {
        r = CELLA_ERR_OVERFLOW;
        goto out;
    }
    size_t wanted = (size_t)st.st_size;
    buffer = cella_edl_malloc(wanted + 1);
    if (buffer == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    size_t done = 0;
    while (done < wanted) {
        ssize_t n = read(fd, buffer + done, wanted - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the file shrank: take what is there */
        done += (size_t)n;
    }
    real = realpath(path, NULL);
    name = heap_strdup(real != NULL ? real : path);
    if (name == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    *data = buffer;
    *size = done;
    *identity = name;
    buffer = NULL;
    name = NULL;
    r = CELLA_OK;
out:
    if (fd >= 0)
        close(fd);
    free(real);
    cella_edl_free(buffer);
    cella_edl_free(name);
    return r;
}

const cella_edl_reader_t cella_edl_file_reader = {read_file_system, NULL};

/* ------------------------------------------------------------------------------------------
 * Loader state
 */

struct loaded {
    const char *identity;
    cella_edl_file_t *file; /* NULL when it did not parse */
};

/* One element of Intel's reduce_import list: a file's contribution to the program. */
struct entry {
    const char *name;       /* the file's c_name; "" for a repeat (Intel's empty_ec) */
    cella_edl_file_t *file; /* NULL for a repeat: no includes or types */
    cella_edl_function_t **ecalls;
    size_t ecall_count;
    cella_edl_function_t **ocalls;
    size_t ocall_count;
};

struct entry_list {
    struct entry *items;
    size_t count;
    size_t capacity;
};

/* A string-keyed multimap in the scratch arena; keeps every lookup O(1) on hostile input. */
struct hash_node {
    const char *key;
    const void *value;
    size_t index;
    struct hash_node *next;
};

struct hash {
    struct hash_node **buckets;
    size_t bucket_count; /* a power of two */
};

/* The functions an import asks for: all, or these names. */
struct request {
    bool all;
    const cella_edl_name_t *const *names;
    size_t count;
    bool *found;        /* set when some file of the subtree declares names[i] */
    struct hash lookup; /* names -> index into names */
};

struct loader {
    const cella_edl_options_t *options;
    const cella_edl_reader_t *reader;
    cella_edl_diags_t *diags;
    cella_edl_check_options_t check_options;
    cella_edl_arena_t *arena;   /* the program's */
    cella_edl_arena_t *scratch; /* entries and requests, freed after loading */
    struct loaded *files;
    size_t file_count;
    size_t file_capacity;
    const char *stack[CELLA_EDL_IMPORT_MAX_DEPTH + 1]; /* identities being imported */
    struct entry_list entries; /* Intel's reduce_import list, built in one depth-first pass */
    struct hash listed;        /* function name -> functions already in `entries` */
    struct hash seen;          /* c_name of every file with a full entry in `entries` */
    size_t depth;
    size_t visits;
    bool out_of_memory;
    bool stopped; /* a limit was hit: stop following imports */
};

static void note_out_of_memory(struct loader *l)
{
    if (!l->out_of_memory)
        cella_edl_diags_add_out_of_memory(l->diags);
    l->out_of_memory = true;
    l->stopped = true;
}

static char *arena_join(struct loader *l, const char *directory, size_t directory_length,
                        const char *name)
{
    size_t name_length = strlen(name);
    bool separator = directory_length > 0 && directory[directory_length - 1] != '/';
    size_t length = directory_length + (separator ? 1 : 0) + name_length;
    char *path = cella_edl_arena_alloc(l->arena, length + 1);
    if (path == NULL) {
        note_out_of_memory(l);
        return NULL;
    }
    memcpy(path, directory, directory_length);
    if (separator)
        path[directory_length] = '/';
    memcpy(path + directory_length + (separator ? 1 : 0), name, name_length + 1);
    return path;
}

static size_t directory_length(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash == NULL ? 0 : (size_t)(slash - path) + 1;
}

/*
 * Reads the first candidate that exists. Returns 1 with data on success, 0 when none
 * exists, -1 after reporting another failure.
 */
static int read_candidate(struct loader *l, const char *candidate, cella_edl_pos_t pos, char **data,
                          size_t *size, char **identity)
{
    cella_result_t r = l->reader->read(l->reader->context, candidate, CELLA_EDL_FILE_MAX_BYTES,
                                       data, size, identity);
    if (r == CELLA_OK)
        return 1;
    if (r == CELLA_ERR_NOT_FOUND)
        return 0;
    if (r == CELLA_ERR_OUT_OF_MEMORY) {
        note_out_of_memory(l);
        return -1;
    }
    if (r == CELLA_ERR_OVERFLOW)
        cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_FILE_TOO_LARGE, CELLA_EDL_SEVERITY_ERROR, pos,
                            "split the file; EDL files of more than 4 MiB are refused",
                            "'%s' is larger than 4 MiB", candidate);
    else
        cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_FILE_READ, CELLA_EDL_SEVERITY_ERROR, pos, NULL,
                            "cannot read '%s': %s", candidate, cella_result_str(r));
    return -1;
}

/* #include "name" inside an EDL file: next to the including file, as gcc looks. */
static cella_result_t include_file(void *context, const char *includer, const char *name,
                                   char **text, size_t *size, const char **path)
{
    struct loader *l = context;
    char *candidate = name[0] == '/' ? arena_join(l, "", 0, name)
                                     : arena_join(l, includer, directory_length(includer), name);
    if (candidate == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    char *identity = NULL;
    cella_result_t r = l->reader->read(l->reader->context, candidate, CELLA_EDL_FILE_MAX_BYTES,
                                       text, size, &identity);
    cella_edl_free(identity);
    if (r == CELLA_OK)
        *path = candidate;
    return r;
}

/* Intel's Util.get_short_name: the base name without its last extension. */
static const char *short_name(struct loader *l, const char *path)
{
    const char *base = path + directory_length(path);
    const char *dot = strrchr(base, '.');
    size_t length = dot != NULL ? (size_t)(dot - base) : strlen(base);
    char *name = cella_edl_arena_strndup(l->arena, base, length);
    if (name == NULL)
        note_out_of_memory(l);
    return name;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Intel's Util.to_c_identifier: every character that is not a letter or digit becomes '_'. */
static char *c_identifier(struct loader *l, const char *name)
{
    size_t length = strlen(name);
    char *copy = cella_edl_arena_strndup(l->arena, name, length);
    if (copy == NULL) {
        note_out_of_memory(l);
        return NULL;
    }
    for (size_t i = 0; i < length; i++) {
        if (!is_alnum(copy[i]))
            copy[i] = '_';
    }
    return copy;
}

static bool is_c_identifier(const char *name)
{
    if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9'))
        return false;
    for (const char *c = name; *c != '\0'; c++) {
        if (!is_alnum(*c) && *c != '_')
            return false;
    }
    return true;
}

/* Parses and checks a file read from `path`; the result is remembered by identity. */
static cella_edl_file_t *parse_file(struct loader *l, const char *path, char *data, size_t size,
                                    char *identity)
{
    cella_edl_file_t *file = NULL;
    struct loaded *slot = NULL;
    const char *kept_identity = cella_edl_arena_strndup(l->arena, identity, strlen(identity));
    if (kept_identity == NULL) {
        note_out_of_memory(l);
        goto out;
    }
    if (l->file_count == CELLA_EDL_FILE_MAX_COUNT) {
        cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR,
                            (cella_edl_pos_t){path, 0, 0}, "import fewer files",
                            "more than 256 EDL files are imported");
        l->stopped = true;
        goto out;
    }
    if (l->file_count == l->file_capacity) {
        size_t capacity = l->file_capacity == 0 ? 8 : l->file_capacity * 2;
        struct loaded *files = cella_edl_realloc(l->files, capacity * sizeof(*files));
        if (files == NULL) {
            note_out_of_memory(l);
            goto out;
        }
        l->files = files;
        l->file_capacity = capacity;
    }
    slot = &l->files[l->file_count++];
    slot->identity = kept_identity;
    slot->file = NULL;

    cella_edl_parse_config_t config = {
        .path = path,
        .text = data,
        .size = size,
        .defines = l->options->defines,
        .define_count = l->options->define_count,
        .include = include_file,
        .include_context = l,
        .diags = l->diags,
        .arena = l->arena,
    };
    cella_result_t r = cella_edl_parse(&config, &file);
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        note_out_of_memory(l);
    if (r != CELLA_OK) {
        file = NULL;
        goto out;
    }
    file->short_name = short_name(l, path);
    if (file->short_name == NULL) {
        file = NULL;
        goto out;
    }
    file->c_name = c_identifier(l, file->short_name);
    if (file->c_name == NULL) {
        file = NULL;
        goto out;
    }
    if (file->short_name[0] == '\0')
        cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_FILE_NAME_EMPTY, CELLA_EDL_SEVERITY_ERROR,
                            (cella_edl_pos_t){path, 0, 0},
                            "name the file after the enclave, e.g. Enclave.edl",
                            "the file name has nothing before its extension");
    else if (!is_c_identifier(file->short_name))
        cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_FILE_NAME_NOT_IDENTIFIER,
                            CELLA_EDL_SEVERITY_WARNING, (cella_edl_pos_t){path, 0, 0},
                            "rename the file to a C identifier, e.g. my_enclave.edl",
                            "file name '%s' is not a C identifier; generated names use '%s'",
                            file->short_name, file->c_name);
    cella_edl_check_file(file, &l->check_options, l->diags);
    if (cella_edl_diags_out_of_memory(l->diags)) {
        note_out_of_memory(l);
        file = NULL;
        goto out;
    }
    slot->file = file;
out:
    cella_edl_free(data);
    cella_edl_free(identity);
    return file;
}

static struct loaded *find_loaded(struct loader *l, const char *identity)
{
    for (size_t i = 0; i < l->file_count; i++) {
        if (strcmp(l->files[i].identity, identity) == 0)
            return &l->files[i];
    }
    return NULL;
}

/*
 * Finds, reads and parses the file an import (or the command line) names. Returns the
 * file and its identity, or NULL after reporting. A file already read is not read again.
 */
static cella_edl_file_t *load(struct loader *l, const char *name, const char *importer,
                              cella_edl_pos_t pos, const char **identity_out)
{
    const cella_edl_options_t *o = l->options;
    char *data = NULL;
    size_t size = 0;
    char *identity = NULL;
    const char *found_path = NULL;
    int got = 0;
    bool absolute = name[0] == '/';
    /* Candidates: as given (root only), the search paths, next to the importer (imports). */
    if (importer == NULL || absolute) {
        found_path = arena_join(l, "", 0, name);
        if (found_path == NULL)
            return NULL;
        got = read_candidate(l, found_path, pos, &data, &size, &identity);
    }
    for (size_t i = 0; got == 0 && !absolute && i < o->search_path_count; i++) {
        found_path = arena_join(l, o->search_paths[i], strlen(o->search_paths[i]), name);
        if (found_path == NULL)
            return NULL;
        got = read_candidate(l, found_path, pos, &data, &size, &identity);
    }
    if (got == 0 && importer != NULL && !absolute) {
        found_path = arena_join(l, importer, directory_length(importer), name);
        if (found_path == NULL)
            return NULL;
        got = read_candidate(l, found_path, pos, &data, &size, &identity);
    }
    if (got < 0)
        return NULL;
    if (got == 0) {
        if (importer == NULL)
            cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_FILE_NOT_FOUND, CELLA_EDL_SEVERITY_ERROR,
                                pos, "check the path", "cannot find EDL file '%s'", name);
        else
            cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_IMPORT_NOT_FOUND, CELLA_EDL_SEVERITY_ERROR,
                                pos,
                                "add its folder to the search path (--search-path); the SDK's "
                                "own EDL files are in its include folder",
                                "cannot find imported file '%s' in the search path", name);
        return NULL;
    }
    struct loaded *known = find_loaded(l, identity);
    if (known != NULL) {
        *identity_out = known->identity;
        cella_edl_free(data);
        cella_edl_free(identity);
        return known->file;
    }
    cella_edl_file_t *file = parse_file(l, found_path, data, size, identity);
    if (file != NULL)
        *identity_out = l->files[l->file_count - 1].identity;
    return file;
}

/* ------------------------------------------------------------------------------------------
 * Intel's reduce_import
 */

static void *scratch_array(struct loader *l, size_t count, size_t size)
{
    if (count == 0)
        return NULL;
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        note_out_of_memory(l);
        return NULL;
    }
    void *items = cella_edl_arena_alloc(l->scratch, bytes);
    if (items == NULL)
        note_out_of_memory(l);
    return items;
}

static size_t hash_string(const char *text)
{
    uint64_t hash = 1469598103934665603u;
    for (; *text != '\0'; text++) {
        hash ^= (unsigned char)*text;
        hash *= 1099511628211u;
    }
    return (size_t)hash;
}

static int hash_init(struct loader *l, struct hash *h, size_t expected)
{
    size_t count = 16;
    while (count < expected * 2 && count < ((size_t)1 << 20))
        count *= 2;
    h->buckets = scratch_array(l, count, sizeof(*h->buckets));
    h->bucket_count = h->buckets != NULL ? count : 0;
    return h->buckets != NULL ? 0 : -1;
}

static int hash_add(struct loader *l, struct hash *h, const char *key, const void *value,
                    size_t index)
{
    struct hash_node *node = cella_edl_arena_alloc(l->scratch, sizeof(*node));
    if (node == NULL) {
        note_out_of_memory(l);
        return -1;
    }
    size_t bucket = hash_string(key) & (h->bucket_count - 1);
    node->key = key;
    node->value = value;
    node->index = index;
    node->next = h->buckets[bucket];
    h->buckets[bucket] = node;
    return 0;
}

/* The first node with this key (then follow ->next and compare keys for the others). */
static const struct hash_node *hash_find(const struct hash *h, const char *key)
{
    if (h->bucket_count == 0)
        return NULL;
    for (const struct hash_node *n = h->buckets[hash_string(key) & (h->bucket_count - 1)];
         n != NULL; n = n->next) {
        if (strcmp(n->key, key) == 0)
            return n;
    }
    return NULL;
}

static int entry_push(struct loader *l, const struct entry *entry)
{
    struct entry_list *list = &l->entries;
    void *items = list->items;
    if (cella_edl_arena_reserve(l->scratch, &items, sizeof(struct entry), list->count,
                                &list->capacity) != 0) {
        note_out_of_memory(l);
        return -1;
    }
    list->items = items;
    list->items[list->count++] = *entry;
    return 0;
}

/* A request for the given names, with its lookup table. */
static int make_request(struct loader *l, struct request *request,
                        const cella_edl_name_t *const *names, size_t count)
{
    memset(request, 0, sizeof(*request));
    request->names = names;
    request->count = count;
    request->found = scratch_array(l, count, sizeof(*request->found));
    if (count > 0 && request->found == NULL)
        return -1;
    if (hash_init(l, &request->lookup, count) != 0)
        return -1;
    for (size_t k = 0; k < count; k++) {
        if (hash_add(l, &request->lookup, names[k]->name, NULL, k) != 0)
            return -1;
    }
    return 0;
}

static bool requested(const struct request *request, const char *name)
{
    return request->all || hash_find(&request->lookup, name) != NULL;
}

/* Marks every request name equal to `name` as found. */
static void mark_found(struct request *request, const char *name)
{
    for (const struct hash_node *n = hash_find(&request->lookup, name); n != NULL; n = n->next) {
        if (strcmp(n->key, name) == 0)
            request->found[n->index] = true;
    }
}

static bool same_string(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool same_type(const cella_edl_type_t *a, const cella_edl_type_t *b)
{
    return a->kind == b->kind && same_string(a->name, b->name) &&
           a->pointer_depth == b->pointer_depth && a->is_const == b->is_const;
}

static bool same_value(const cella_edl_value_t *a, const cella_edl_value_t *b)
{
    return a->kind == b->kind && a->number == b->number && same_string(a->name, b->name);
}

static bool same_decl(const cella_edl_decl_t *a, const cella_edl_decl_t *b)
{
    if (!same_string(a->name, b->name) || !same_type(&a->type, &b->type) ||
        a->dim_count != b->dim_count)
        return false;
    for (size_t i = 0; i < a->dim_count; i++) {
        if (!same_value(&a->dims[i], &b->dims[i]))
            return false;
    }
    const cella_edl_attrs_t *x = &a->attrs;
    const cella_edl_attrs_t *y = &b->attrs;
    return x->direction == y->direction && x->user_check == y->user_check &&
           x->string == y->string && x->wstring == y->wstring && x->isptr == y->isptr &&
           x->isary == y->isary && x->readonly == y->readonly && same_value(&x->size, &y->size) &&
           same_value(&x->count, &y->count);
}

/* Intel compares declarations structurally (OCaml's =): position does not matter. */
static bool same_function(const cella_edl_function_t *a, const cella_edl_function_t *b)
{
    if (a == b)
        return true;
    if (a->is_ecall != b->is_ecall || strcmp(a->name, b->name) != 0 ||
        !same_type(&a->return_type, &b->return_type) || a->param_count != b->param_count ||
        a->is_public != b->is_public || a->is_switchless != b->is_switchless ||
        a->propagate_errno != b->propagate_errno || a->call_conv != b->call_conv ||
        a->dllimport != b->dllimport || a->allow_count != b->allow_count)
        return false;
    for (size_t i = 0; i < a->param_count; i++) {
        if (!same_decl(&a->params[i], &b->params[i]))
            return false;
    }
    for (size_t i = 0; i < a->allow_count; i++) {
        if (strcmp(a->allow[i].name, b->allow[i].name) != 0)
            return false;
    }
    return true;
}

/* True when `fn` is already listed, as a structurally equal declaration of a file with the
 * same short name. */
static bool already_listed(const struct loader *l, const cella_edl_function_t *fn)
{
    for (const struct hash_node *n = hash_find(&l->listed, fn->name); n != NULL; n = n->next) {
        const cella_edl_function_t *other = n->value;
        if (strcmp(n->key, fn->name) == 0 && strcmp(other->file->c_name, fn->file->c_name) == 0 &&
            same_function(other, fn))
            return true;
    }
    return false;
}

/*
 * Appends a file's contribution to Intel's reduce_import list, as Intel's join would: a
 * file whose short name is already listed (a repeat) adds only the functions that are not
 * there yet, and no includes or types.
 *
 * Intel builds the list bottom-up, joining each import's sub-list into its importer's, and
 * filters a repeat against the first entry of the same name only, marking the result with
 * the empty name; a third arrival of one file can then be filtered against the wrong entry
 * and duplicate functions ("Multiple definition"). Filtering against every function of the
 * same-named files already listed, in one depth-first pass, gives Intel's list whenever
 * Intel's succeeds, and the intended list where Intel's fails.
 */
static int append_entry(struct loader *l, cella_edl_file_t *file, const struct request *request)
{
    struct entry entry = {file->c_name, file, NULL, 0, NULL, 0};
    bool repeat = hash_find(&l->seen, file->c_name) != NULL;
    if (repeat) {
        entry.name = "";
        entry.file = NULL;
    } else if (hash_add(l, &l->seen, file->c_name, file, 0) != 0) {
        return -1;
    }
    entry.ecalls = scratch_array(l, file->ecall_count, sizeof(*entry.ecalls));
    entry.ocalls = scratch_array(l, file->ocall_count, sizeof(*entry.ocalls));
    if ((file->ecall_count > 0 && entry.ecalls == NULL) ||
        (file->ocall_count > 0 && entry.ocalls == NULL))
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        cella_edl_function_t *fns = pass == 0 ? file->ecalls : file->ocalls;
        size_t count = pass == 0 ? file->ecall_count : file->ocall_count;
        for (size_t i = 0; i < count; i++) {
            cella_edl_function_t *fn = &fns[i];
            if (!requested(request, fn->name) || (repeat && already_listed(l, fn)))
                continue;
            if (pass == 0)
                entry.ecalls[entry.ecall_count++] = fn;
            else
                entry.ocalls[entry.ocall_count++] = fn;
        }
    }
    for (size_t i = 0; i < entry.ecall_count; i++) {
        if (hash_add(l, &l->listed, entry.ecalls[i]->name, entry.ecalls[i], 0) != 0)
            return -1;
    }
    for (size_t i = 0; i < entry.ocall_count; i++) {
        if (hash_add(l, &l->listed, entry.ocalls[i]->name, entry.ocalls[i], 0) != 0)
            return -1;
    }
    return entry_push(l, &entry);
}

static int import_functions(struct loader *l, cella_edl_file_t *file, struct request *request);

/* Follows one import statement of `file` with `request` (the statement's own list, or the
 * names a selective import passes down). */
static int follow_import(struct loader *l, cella_edl_file_t *file, cella_edl_import_t *import,
                         struct request *request)
{
    if (l->stopped)
        return 0;
    if (++l->visits > CELLA_EDL_IMPORT_MAX_VISITS) {
        cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR, import->pos,
                            "import each file from fewer places",
                            "imports are followed more than 4096 times");
        l->stopped = true;
        return 0;
    }
    if (l->depth == CELLA_EDL_IMPORT_MAX_DEPTH) {
        cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_LIMIT, CELLA_EDL_SEVERITY_ERROR, import->pos,
                            "flatten the import chain", "imports nest more than 64 levels deep");
        l->stopped = true;
        return 0;
    }
    const char *identity = NULL;
    cella_edl_file_t *child = load(l, import->path, file->path, import->pos, &identity);
    if (child == NULL)
        return l->out_of_memory ? -1 : 0;
    import->file = child;
    for (size_t i = 0; i < l->depth; i++) {
        if (strcmp(l->stack[i], identity) == 0) {
            cella_edl_diags_add(
                l->diags, CELLA_EDL_DIAG_IMPORT_CYCLE, CELLA_EDL_SEVERITY_ERROR, import->pos,
                "remove one import of the cycle; EDL files cannot import each "
                "other in a circle",
                "detected circular import: '%s' is already being imported", import->path);
            return 0;
        }
    }
    l->stack[l->depth++] = identity;
    int result = import_functions(l, child, request);
    l->depth--;
    return result;
}

/*
 * Intel's import_funcs: the file's own functions (those requested), then each of its
 * imports in statement order, depth first. With `*` each import uses its own list; with a
 * list, every import is searched for the names this file does not declare.
 */
static int import_functions(struct loader *l, cella_edl_file_t *file, struct request *request)
{
    if (append_entry(l, file, request) != 0)
        return -1;
    if (request->all) {
        for (size_t i = 0; i < file->import_count; i++) {
            cella_edl_import_t *import = &file->imports[i];
            struct request sub;
            memset(&sub, 0, sizeof(sub));
            sub.all = true;
            if (!import->all) {
                const cella_edl_name_t **names =
                    scratch_array(l, import->name_count, sizeof(*names));
                if (import->name_count > 0 && names == NULL)
                    return -1;
                for (size_t k = 0; k < import->name_count; k++)
                    names[k] = &import->names[k];
                if (make_request(l, &sub, names, import->name_count) != 0)
                    return -1;
            }
            size_t errors = cella_edl_diags_error_count(l->diags);
            if (follow_import(l, file, import, &sub) != 0)
                return -1;
            /* A name no file of the import's tree declares. (Intel also fails when one
             * branch lacks a name another branch has; that stricter case is not copied.) */
            bool clean = cella_edl_diags_error_count(l->diags) == errors && import->file != NULL;
            for (size_t k = 0; clean && !import->all && k < import->name_count; k++) {
                if (!sub.found[k]) {
                    cella_edl_diags_add(l->diags, CELLA_EDL_DIAG_IMPORT_FUNCTION_NOT_FOUND,
                                        CELLA_EDL_SEVERITY_ERROR, import->names[k].pos,
                                        "check the name, or import with '*'",
                                        "import failed: function '%s' is not declared in '%s' or "
                                        "the files it imports",
                                        import->names[k].name, import->path);
                }
            }
        }
        return 0;
    }
    /* Selective: mark what this file declares, pass the rest down to every import. */
    for (int pass = 0; pass < 2; pass++) {
        const cella_edl_function_t *fns = pass == 0 ? file->ecalls : file->ocalls;
        size_t count = pass == 0 ? file->ecall_count : file->ocall_count;
        for (size_t i = 0; i < count; i++)
            mark_found(request, fns[i].name);
    }
    const cella_edl_name_t **rest = scratch_array(l, request->count, sizeof(*rest));
    size_t *rest_index = scratch_array(l, request->count, sizeof(*rest_index));
    if (request->count > 0 && (rest == NULL || rest_index == NULL))
        return -1;
    size_t rest_count = 0;
    for (size_t k = 0; k < request->count; k++) {
        if (!request->found[k]) {
            rest[rest_count] = request->names[k];
            rest_index[rest_count++] = k;
        }
    }
    for (size_t i = 0; i < file->import_count; i++) {
        struct request sub;
        if (make_request(l, &sub, rest, rest_count) != 0)
            return -1;
        if (follow_import(l, file, &file->imports[i], &sub) != 0)
            return -1;
        for (size_t k = 0; k < rest_count; k++) {
            if (sub.found[k])
                request->found[rest_index[k]] = true;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * The program
 */

static void *program_array(struct loader *l, size_t count, size_t size)
{
    if (count == 0)
        return NULL;
    void *items = cella_edl_arena_alloc(l->arena, count * size);
    if (items == NULL)
        note_out_of_memory(l);
    return items;
}

/* Appends the include unless its path is listed already (`paths` holds the listed ones). */
static int add_include(struct loader *l, struct hash *paths, cella_edl_include_t **list,
                       size_t *count, cella_edl_include_t *include)
{
    if (hash_find(paths, include->path) != NULL)
        return 0;
    list[(*count)++] = include;
    return hash_add(l, paths, include->path, include, 0);
}

/* Intel's combine plus the global trusted/untrusted header lists. */
static int build_program(struct loader *l, cella_edl_program_t *program)
{
    const struct entry_list *entries = &l->entries;
    size_t ecall_count = 0, ocall_count = 0, composite_count = 0, include_count = 0;
    for (size_t i = 0; i < entries->count; i++) {
        const struct entry *e = &entries->items[i];
        if (__builtin_add_overflow(ecall_count, e->ecall_count, &ecall_count) ||
            __builtin_add_overflow(ocall_count, e->ocall_count, &ocall_count)) {
            note_out_of_memory(l);
            return -1;
        }
        if (e->file != NULL) {
            composite_count += e->file->composite_count;
            include_count += e->file->include_count;
        }
    }
    for (size_t i = 0; i < l->file_count; i++) {
        if (l->files[i].file != NULL)
            include_count += l->files[i].file->include_count;
    }
    program->ecalls = program_array(l, ecall_count, sizeof(*program->ecalls));
    program->ocalls = program_array(l, ocall_count, sizeof(*program->ocalls));
    program->composites = program_array(l, composite_count, sizeof(*program->composites));
    program->trusted_includes = program_array(l, include_count, sizeof(*program->trusted_includes));
    program->untrusted_includes =
        program_array(l, include_count, sizeof(*program->untrusted_includes));
    program->files = program_array(l, l->file_count, sizeof(*program->files));
    struct hash trusted_paths, untrusted_paths;
    if (l->out_of_memory || hash_init(l, &trusted_paths, include_count) != 0 ||
        hash_init(l, &untrusted_paths, include_count) != 0)
        return -1;
    for (size_t i = 0; i < entries->count; i++) {
        const struct entry *e = &entries->items[i];
        for (size_t k = 0; k < e->ecall_count; k++) {
            e->ecalls[k]->index = program->ecall_count;
            program->ecalls[program->ecall_count++] = e->ecalls[k];
        }
        for (size_t k = 0; k < e->ocall_count; k++) {
            e->ocalls[k]->index = program->ocall_count;
            program->ocalls[program->ocall_count++] = e->ocalls[k];
        }
        if (e->file == NULL)
            continue;
        for (size_t k = 0; k < e->file->composite_count; k++)
            program->composites[program->composite_count++] = &e->file->composites[k];
        for (size_t k = 0; k < e->file->include_count; k++) {
            cella_edl_include_t *include = &e->file->includes[k];
            if (include->scope != CELLA_EDL_INCLUDE_BOTH)
                continue;
            if (add_include(l, &trusted_paths, program->trusted_includes,
                            &program->trusted_include_count, include) != 0 ||
                add_include(l, &untrusted_paths, program->untrusted_includes,
                            &program->untrusted_include_count, include) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < l->file_count; i++) {
        cella_edl_file_t *file = l->files[i].file;
        if (file == NULL)
            continue;
        program->files[program->file_count++] = file;
        for (size_t k = 0; k < file->include_count; k++) {
            cella_edl_include_t *include = &file->includes[k];
            int added = 0;
            if (include->scope == CELLA_EDL_INCLUDE_TRUSTED)
                added = add_include(l, &trusted_paths, program->trusted_includes,
                                    &program->trusted_include_count, include);
            else if (include->scope == CELLA_EDL_INCLUDE_UNTRUSTED)
                added = add_include(l, &untrusted_paths, program->untrusted_includes,
                                    &program->untrusted_include_count, include);
            if (added != 0)
                return -1;
        }
    }
    return 0;
}

cella_result_t cella_edl_load(const char *path, const cella_edl_options_t *options,
                              cella_edl_diags_t *diags, cella_edl_program_t **out)
{
    static const cella_edl_options_t no_options = {0};
    if (path == NULL || diags == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;
    size_t errors_before = cella_edl_diags_error_count(diags);
    size_t count_before = cella_edl_diags_count(diags);
    bool oom_before = cella_edl_diags_out_of_memory(diags);
    struct loader l;
    memset(&l, 0, sizeof(l));
    l.options = options != NULL ? options : &no_options;
    l.reader = l.options->reader != NULL ? l.options->reader : &cella_edl_file_reader;
    l.diags = diags;
    l.check_options.header_only = l.options->header_only;
    l.check_options.warn_user_check = l.options->warn_user_check;
    l.arena = cella_edl_arena_create();
    l.scratch = cella_edl_arena_create();
    cella_edl_program_t *program = NULL;
    if (l.arena == NULL || l.scratch == NULL) {
        note_out_of_memory(&l);
        goto out;
    }
    program = cella_edl_arena_alloc(l.arena, sizeof(*program));
    if (program == NULL) {
        note_out_of_memory(&l);
        goto out;
    }
    program->arena = l.arena;

    const char *identity = NULL;
    cella_edl_file_t *root = load(&l, path, NULL, (cella_edl_pos_t){NULL, 0, 0}, &identity);
    if (root == NULL)
        goto out;
    struct request all;
    memset(&all, 0, sizeof(all));
    all.all = true;
    if (hash_init(&l, &l.listed, 2048) != 0 || hash_init(&l, &l.seen, 64) != 0)
        goto out;
    l.stack[l.depth++] = identity;
    int result = import_functions(&l, root, &all);
    l.depth--;
    if (result != 0 || cella_edl_diags_error_count(diags) != errors_before)
        goto out;
    program->root = root;
    program->enclave_name = root->c_name;
    if (build_program(&l, program) != 0)
        goto out;
    cella_edl_check_program(program, &l.check_options, diags);
    if (cella_edl_diags_error_count(diags) != errors_before ||
        cella_edl_diags_out_of_memory(diags) != oom_before)
        goto out;
    *out = program;
    l.arena = NULL; /* now owned by the program */
    r = CELLA_OK;
out:
    cella_edl_diags_sort(diags, count_before);
    /* Memory can also run out inside the parser; the diagnostic says so either way. */
    if (r != CELLA_OK && (l.out_of_memory || cella_edl_diags_out_of_memory(diags) != oom_before))
        r = CELLA_ERR_OUT_OF_MEMORY;
    cella_edl_free(l.files);
    cella_edl_arena_destroy(l.scratch);
    cella_edl_arena_destroy(l.arena);
    return r;
}
