/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/dump.c: printing a checked EDL program as stable text. */
#include "dump.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "memory.h"

struct text {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
};

static void add(struct text *t, const char *fmt, ...) CELLA_PRINTF(2, 3);

static void add(struct text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list args;
        va_start(args, fmt);
        size_t room = t->capacity - t->length;
        int n = vsnprintf(t->data != NULL ? t->data + t->length : NULL, room, fmt, args);
        va_end(args);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < room) {
            t->length += (size_t)n;
            return;
        }
        size_t capacity = t->capacity < 256 ? 256 : t->capacity;
        while (capacity - t->length <= (size_t)n)
            capacity *= 2;
        char *data = cella_edl_realloc(t->data, capacity);
        if (data == NULL) {
            t->failed = true;
            return;
        }
        t->data = data;
        t->capacity = capacity;
    }
}

static cella_result_t finish(struct text *t, char **out)
{
    if (t->data == NULL && !t->failed)
        add(t, "%s", "");
    if (t->failed) {
        cella_edl_free(t->data);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    *out = t->data;
    return CELLA_OK;
}

static const char *base_name(const char *path)
{
    if (path == NULL)
        return "";
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static void add_pos(struct text *t, cella_edl_pos_t pos)
{
    add(t, "%s:%u:%u", base_name(pos.file), (unsigned)pos.line, (unsigned)pos.column);
}

static void add_value(struct text *t, const cella_edl_value_t *v)
{
    if (v->kind == CELLA_EDL_VALUE_NUMBER)
        add(t, "%" PRIu64, v->number);
    else if (v->kind == CELLA_EDL_VALUE_NAME)
        add(t, "%s", v->name);
}

static void add_type(struct text *t, const cella_edl_type_t *type)
{
    char buffer[512];
    cella_edl_type_format(type, true, buffer, sizeof(buffer));
    add(t, "%s", buffer);
}

static void add_attrs(struct text *t, const cella_edl_attrs_t *a)
{
    const char *parts[12];
    size_t count = 0;
    switch (a->direction) {
    case CELLA_EDL_DIRECTION_IN:
        parts[count++] = "in";
        break;
    case CELLA_EDL_DIRECTION_OUT:
        parts[count++] = "out";
        break;
    case CELLA_EDL_DIRECTION_IN_OUT:
        parts[count++] = "in";
        parts[count++] = "out";
        break;
    case CELLA_EDL_DIRECTION_NONE:
        break;
    }
    if (a->user_check)
        parts[count++] = "user_check";
    if (a->string)
        parts[count++] = "string";
    if (a->wstring)
        parts[count++] = "wstring";
    if (a->isptr)
        parts[count++] = "isptr";
    if (a->isary)
        parts[count++] = "isary";
    if (a->readonly)
        parts[count++] = "readonly";
    bool size = a->size.kind != CELLA_EDL_VALUE_NONE;
    bool count_given = a->count.kind != CELLA_EDL_VALUE_NONE;
    if (count == 0 && !size && !count_given)
        return;
    add(t, "[");
    for (size_t i = 0; i < count; i++)
        add(t, "%s%s", i > 0 ? ", " : "", parts[i]);
    if (size) {
        add(t, "%ssize=", count > 0 ? ", " : "");
        add_value(t, &a->size);
    }
    if (count_given) {
        add(t, "%scount=", count > 0 || size ? ", " : "");
        add_value(t, &a->count);
    }
    add(t, "] ");
}

static void add_decl(struct text *t, const char *what, const cella_edl_decl_t *d)
{
    add(t, "  %s %s: ", what, d->name);
    if (d->by_pointer)
        add_attrs(t, &d->attrs);
    add_type(t, &d->type);
    for (size_t i = 0; i < d->dim_count; i++) {
        add(t, "[");
        add_value(t, &d->dims[i]);
        add(t, "]");
    }
    const char *notes[4];
    char size_note[64] = "", count_note[64] = "", definition_note[300] = "";
    size_t count = 0;
    if (d->by_pointer)
        notes[count++] = "by pointer";
    if (d->attrs.size.ref_index != SIZE_MAX) {
        snprintf(size_note, sizeof(size_note), "size -> %zu", d->attrs.size.ref_index);
        notes[count++] = size_note;
    }
    if (d->attrs.count.ref_index != SIZE_MAX) {
        snprintf(count_note, sizeof(count_note), "count -> %zu", d->attrs.count.ref_index);
        notes[count++] = count_note;
    }
    if (d->type.definition != NULL) {
        const cella_edl_composite_t *c = d->type.definition;
        snprintf(definition_note, sizeof(definition_note), "edl %s%s",
                 c->kind == CELLA_EDL_COMPOSITE_STRUCT  ? "struct"
                 : c->kind == CELLA_EDL_COMPOSITE_UNION ? "union"
                                                        : "enum",
                 c->is_deep_copy ? ", deep copy" : "");
        notes[count++] = definition_note;
    }
    if (count > 0) {
        add(t, " (");
        for (size_t i = 0; i < count; i++)
            add(t, "%s%s", i > 0 ? "; " : "", notes[i]);
        add(t, ")");
    }
    add(t, "\n");
}

static const char *call_conv_name(cella_edl_call_conv_t conv)
{
    switch (conv) {
    case CELLA_EDL_CALL_CONV_CDECL:
        return "cdecl";
    case CELLA_EDL_CALL_CONV_STDCALL:
        return "stdcall";
    case CELLA_EDL_CALL_CONV_FASTCALL:
        return "fastcall";
    case CELLA_EDL_CALL_CONV_NONE:
        return NULL;
    }
    return NULL;
}

static void add_function(struct text *t, const cella_edl_function_t *fn)
{
    add(t, "%s %zu %s", fn->is_ecall ? "ecall" : "ocall", fn->index, fn->name);
    if (fn->is_ecall)
        add(t, "%s", fn->is_public ? " public" : " private");
    const char *conv = call_conv_name(fn->call_conv);
    if (conv != NULL)
        add(t, " %s", conv);
    if (fn->dllimport)
        add(t, " dllimport");
    if (fn->propagate_errno)
        add(t, " propagate_errno");
    if (fn->is_switchless)
        add(t, " transition_using_threads");
    add(t, "\n  at ");
    add_pos(t, fn->pos);
    add(t, "\n  returns ");
    add_type(t, &fn->return_type);
    if (fn->return_type.definition != NULL)
        add(t, " (edl type)");
    add(t, "\n");
    for (size_t i = 0; i < fn->param_count; i++)
        add_decl(t, "param", &fn->params[i]);
    for (size_t i = 0; i < fn->allow_count; i++) {
        const cella_edl_function_t *target = fn->allow[i].target;
        add(t, "  allow %s (ecall %zu)\n", fn->allow[i].name,
            target != NULL ? target->index : SIZE_MAX);
    }
}

static void add_composite(struct text *t, const cella_edl_composite_t *c)
{
    const char *kind = c->kind == CELLA_EDL_COMPOSITE_STRUCT  ? "struct"
                       : c->kind == CELLA_EDL_COMPOSITE_UNION ? "union"
                                                              : "enum";
    add(t, "%s %s%s%s\n  at ", kind, c->name != NULL ? c->name : "<anonymous>",
        c->is_deep_copy ? " deep-copy" : "", c->has_plain_pointers ? " plain-pointers" : "");
    add_pos(t, c->pos);
    add(t, "\n");
    for (size_t i = 0; i < c->member_count; i++)
        add_decl(t, "member", &c->members[i]);
    for (size_t i = 0; i < c->enumerator_count; i++) {
        const cella_edl_enumerator_t *e = &c->enumerators[i];
        add(t, "  enumerator %s", e->name);
        if (e->value.kind != CELLA_EDL_VALUE_NONE) {
            add(t, " = ");
            add_value(t, &e->value);
        }
        add(t, "\n");
    }
}

static void add_includes(struct text *t, const char *which, cella_edl_include_t *const *list,
                         size_t count)
{
    for (size_t i = 0; i < count; i++) {
        add(t, "%s include \"%s\" (%s, ", which, list[i]->path,
            list[i]->scope == CELLA_EDL_INCLUDE_BOTH      ? "top level"
            : list[i]->scope == CELLA_EDL_INCLUDE_TRUSTED ? "trusted block"
                                                          : "untrusted block");
        add_pos(t, list[i]->pos);
        add(t, ")\n");
    }
}

cella_result_t cella_edl_dump_program(const cella_edl_program_t *program, char **text)
{
    struct text t = {NULL, 0, 0, false};
    add(&t, "enclave %s\n", program->enclave_name);
    for (size_t i = 0; i < program->file_count; i++)
        add(&t, "file %s (short name %s)\n", base_name(program->files[i]->path),
            program->files[i]->short_name);
    add_includes(&t, "trusted", program->trusted_includes, program->trusted_include_count);
    add_includes(&t, "untrusted", program->untrusted_includes, program->untrusted_include_count);
    for (size_t i = 0; i < program->composite_count; i++)
        add_composite(&t, program->composites[i]);
    for (size_t i = 0; i < program->ecall_count; i++)
        add_function(&t, program->ecalls[i]);
    for (size_t i = 0; i < program->ocall_count; i++)
        add_function(&t, program->ocalls[i]);
    return finish(&t, text);
}

cella_result_t cella_edl_dump_diags(const cella_edl_diags_t *diags, char **text)
{
    struct text t = {NULL, 0, 0, false};
    for (size_t i = 0; i < cella_edl_diags_count(diags); i++) {
        cella_edl_diag_t diag = *cella_edl_diags_get(diags, i);
        diag.pos.file = diag.pos.file != NULL ? base_name(diag.pos.file) : NULL;
        char line[2048];
        cella_edl_diag_format(&diag, true, line, sizeof(line));
        add(&t, "%s\n", line);
    }
    return finish(&t, text);
}
