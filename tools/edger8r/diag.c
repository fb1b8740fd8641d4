/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/diag.c: collecting and formatting EDL diagnostics. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "memory.h"

/* Messages are short sentences; longer ones (huge identifiers in them) are cut. */
#define DIAG_MESSAGE_MAX_BYTES 1024

struct cella_edl_diags {
    /* Preallocated for MAX_COUNT entries plus TOO_MANY_ERRORS plus OUT_OF_MEMORY, so that
     * adding never has to grow the array. */
    cella_edl_diag_t *items[CELLA_EDL_DIAGS_MAX_COUNT + 2];
    size_t count;
    size_t error_count;
    size_t warning_count;
    bool truncated;
    bool out_of_memory;
};

static const cella_edl_diag_t out_of_memory_diag = {
    .code = CELLA_EDL_DIAG_OUT_OF_MEMORY,
    .severity = CELLA_EDL_SEVERITY_ERROR,
    .pos = {NULL, 0, 0},
    .message = "out of memory while reading the EDL files",
    .hint = "free some memory, or split very large EDL files",
};

static const cella_edl_diag_t too_many_diag = {
    .code = CELLA_EDL_DIAG_TOO_MANY_ERRORS,
    .severity = CELLA_EDL_SEVERITY_ERROR,
    .pos = {NULL, 0, 0},
    .message = "too many diagnostics; the rest are not shown",
    .hint = "fix the ones above and run again",
};

cella_result_t cella_edl_diags_create(cella_edl_diags_t **out)
{
    if (out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    cella_edl_diags_t *diags = cella_edl_malloc(sizeof(*diags));
    if (diags == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    memset(diags, 0, sizeof(*diags));
    *out = diags;
    return CELLA_OK;
}

static bool is_static_diag(const cella_edl_diag_t *diag)
{
    return diag == &out_of_memory_diag || diag == &too_many_diag;
}

void cella_edl_diags_destroy(cella_edl_diags_t *diags)
{
    if (diags == NULL)
        return;
    for (size_t i = 0; i < diags->count; i++) {
        if (!is_static_diag(diags->items[i]))
            cella_edl_free(diags->items[i]);
    }
    cella_edl_free(diags);
}

void cella_edl_diags_add_out_of_memory(cella_edl_diags_t *diags)
{
    if (diags->out_of_memory)
        return;
    diags->out_of_memory = true;
    diags->error_count++;
    /* The last slot is kept for this entry alone. */
    diags->items[diags->count++] = (cella_edl_diag_t *)(uintptr_t)&out_of_memory_diag;
}

void cella_edl_diags_add(cella_edl_diags_t *diags, cella_edl_diag_code_t code,
                         cella_edl_severity_t severity, cella_edl_pos_t pos, const char *hint,
                         const char *fmt, ...)
{
    if (severity == CELLA_EDL_SEVERITY_ERROR)
        diags->error_count++;
    else
        diags->warning_count++;
    if (diags->truncated)
        return;
    if (diags->count >= CELLA_EDL_DIAGS_MAX_COUNT) {
        diags->truncated = true;
        diags->items[diags->count++] = (cella_edl_diag_t *)(uintptr_t)&too_many_diag;
        return;
    }

    char message[DIAG_MESSAGE_MAX_BYTES];
    va_list args;
    va_start(args, fmt);
    int written = vsnprintf(message, sizeof(message), fmt, args);
    va_end(args);
    if (written < 0)
        message[0] = '\0';

    size_t message_size = strlen(message) + 1;
    size_t file_size = pos.file != NULL ? strlen(pos.file) + 1 : 0;
    size_t hint_size = hint != NULL ? strlen(hint) + 1 : 0;
    size_t total = sizeof(cella_edl_diag_t) + message_size + file_size + hint_size;
    cella_edl_diag_t *diag = cella_edl_malloc(total);
    if (diag == NULL) {
        /* One error was counted above; the out-of-memory entry stands for it. */
        diags->error_count -= severity == CELLA_EDL_SEVERITY_ERROR ? 1 : 0;
        diags->warning_count -= severity == CELLA_EDL_SEVERITY_WARNING ? 1 : 0;
        cella_edl_diags_add_out_of_memory(diags);
        return;
    }
    char *strings = (char *)(diag + 1);
    memcpy(strings, message, message_size);
    diag->message = strings;
    strings += message_size;
    diag->pos = pos;
    if (pos.file != NULL) {
        memcpy(strings, pos.file, file_size);
        diag->pos.file = strings;
        strings += file_size;
    }
    diag->hint = NULL;
    if (hint != NULL) {
        memcpy(strings, hint, hint_size);
        diag->hint = strings;
    }
    diag->code = code;
    diag->severity = severity;
    diags->items[diags->count++] = diag;
}

size_t cella_edl_diags_count(const cella_edl_diags_t *diags)
{
    return diags->count;
}

size_t cella_edl_diags_error_count(const cella_edl_diags_t *diags)
{
    return diags->error_count;
}

size_t cella_edl_diags_warning_count(const cella_edl_diags_t *diags)
{
    return diags->warning_count;
}

static size_t file_rank(const cella_edl_diags_t *diags, size_t from, const cella_edl_diag_t *d)
{
    if (d->pos.file == NULL)
        return SIZE_MAX;
    for (size_t i = from; i < diags->count; i++) {
        if (diags->items[i]->pos.file != NULL &&
            strcmp(diags->items[i]->pos.file, d->pos.file) == 0)
            return i;
    }
    return SIZE_MAX;
}

static bool sorts_before(const cella_edl_diags_t *diags, size_t from, const cella_edl_diag_t *a,
                         const cella_edl_diag_t *b)
{
    size_t rank_a = file_rank(diags, from, a);
    size_t rank_b = file_rank(diags, from, b);
    if (rank_a != rank_b)
        return rank_a < rank_b;
    if (rank_a == SIZE_MAX)
        return false;
    /* Remarks about a whole file (line 0) come after those about a place in it. */
    if (a->pos.line != b->pos.line)
        return b->pos.line == 0 || (a->pos.line != 0 && a->pos.line < b->pos.line);
    return a->pos.column < b->pos.column;
}

void cella_edl_diags_sort(cella_edl_diags_t *diags, size_t from)
{
    /* File ranks refer to the order before sorting: compute them on a snapshot. At most
     * MAX_COUNT + 2 entries, so a simple stable insertion sort is enough. */
    cella_edl_diag_t *snapshot[CELLA_EDL_DIAGS_MAX_COUNT + 2];
    size_t count = diags->count;
    memcpy(snapshot, diags->items, sizeof(snapshot[0]) * count);
    cella_edl_diags_t view = *diags;
    memcpy(view.items, snapshot, sizeof(snapshot[0]) * count);
    for (size_t i = from + 1; i < count; i++) {
        cella_edl_diag_t *item = diags->items[i];
        size_t j = i;
        while (j > from && sorts_before(&view, from, item, diags->items[j - 1])) {
            diags->items[j] = diags->items[j - 1];
            j--;
        }
        diags->items[j] = item;
    }
}

bool cella_edl_diags_out_of_memory(const cella_edl_diags_t *diags)
{
    return diags->out_of_memory;
}

const cella_edl_diag_t *cella_edl_diags_get(const cella_edl_diags_t *diags, size_t index)
{
    if (index >= diags->count)
        return NULL;
    return diags->items[index];
}

const char *cella_edl_diag_code_name(cella_edl_diag_code_t code)
{
    static const char *const names[] = {
#define CELLA_EDL_DIAG_NAME_ENTRY(name, summary) #name,
        CELLA_EDL_DIAG_CODES(CELLA_EDL_DIAG_NAME_ENTRY)
#undef CELLA_EDL_DIAG_NAME_ENTRY
    };
    if ((size_t)code >= sizeof(names) / sizeof(names[0]))
        return "UNKNOWN";
    return names[code];
}

/* snprintf-style appending: keeps counting past the end of the buffer. */
static void append(char *buffer, size_t size, size_t *length, const char *text)
{
    size_t text_length = strlen(text);
    if (*length < size) {
        size_t room = size - *length - 1;
        size_t copy = text_length < room ? text_length : room;
        memcpy(buffer + *length, text, copy);
        buffer[*length + copy] = '\0';
    }
    *length += text_length;
}

size_t cella_edl_diag_format(const cella_edl_diag_t *diag, bool with_file, char *buffer,
                             size_t size)
{
    size_t length = 0;
    if (buffer != NULL && size > 0)
        buffer[0] = '\0';
    else
        size = 0;
    const char *file = with_file ? diag->pos.file : NULL;
    if (file != NULL) {
        append(buffer, size, &length, file);
        append(buffer, size, &length, ":");
    }
    if (diag->pos.line != 0) {
        char position[32];
        snprintf(position, sizeof(position), "%u:%u:", (unsigned)diag->pos.line,
                 (unsigned)diag->pos.column);
        append(buffer, size, &length, position);
    }
    if (length > 0)
        append(buffer, size, &length, " ");
    append(buffer, size, &length,
           diag->severity == CELLA_EDL_SEVERITY_ERROR ? "error: " : "warning: ");
    append(buffer, size, &length, diag->message);
    if (diag->hint != NULL) {
        append(buffer, size, &length, "; ");
        append(buffer, size, &length, diag->hint);
    }
    return length;
}
