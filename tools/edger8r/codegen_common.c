/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/codegen_common.c: text, C spelling, parameter plans and the bridge helpers. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codegen_internal.h"
#include "memory.h"

/* ------------------------------------------------------------------------------------------
 * Text
 */

static void grow(struct cg_text *t, size_t more)
{
    if (t->failed)
        return;
    if (more < t->capacity - t->length)
        return;
    size_t capacity = t->capacity < 4096 ? 4096 : t->capacity;
    while (capacity - t->length <= more) {
        if (capacity > SIZE_MAX / 2) {
            t->failed = true;
            return;
        }
        capacity *= 2;
    }
    char *data = cella_edl_realloc(t->data, capacity);
    if (data == NULL) {
        t->failed = true;
        return;
    }
    t->data = data;
    t->capacity = capacity;
}

void cg_put(struct cg_text *t, const char *text)
{
    size_t length = strlen(text);
    grow(t, length);
    if (t->failed)
        return;
    memcpy(t->data + t->length, text, length + 1);
    t->length += length;
}

static void put_va(struct cg_text *t, const char *fmt, va_list args) CELLA_PRINTF(2, 0);

static void put_va(struct cg_text *t, const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        t->failed = true;
        return;
    }
    grow(t, (size_t)n);
    if (t->failed)
        return;
    vsnprintf(t->data + t->length, (size_t)n + 1, fmt, args);
    t->length += (size_t)n;
}

void cg_putf(struct cg_text *t, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    put_va(t, fmt, args);
    va_end(args);
}

void cg_indent(struct cg_text *t, int indent)
{
    for (int i = 0; i < indent; i++)
        cg_put(t, "    ");
}

void cg_line(struct cg_text *t, int indent, const char *fmt, ...)
{
    va_list args;
    if (fmt[0] != '\0')
        cg_indent(t, indent);
    va_start(args, fmt);
    put_va(t, fmt, args);
    va_end(args);
    cg_put(t, "\n");
}

void cg_blank(struct cg_text *t)
{
    cg_put(t, "\n");
}

void cg_text_append(struct cg_text *t, const struct cg_text *other)
{
    if (other->failed)
        t->failed = true;
    if (other->data != NULL)
        cg_put(t, other->data);
}

void cg_text_clear(struct cg_text *t)
{
    cella_edl_free(t->data);
    t->data = NULL;
    t->length = 0;
    t->capacity = 0;
    t->failed = false;
}

/* ------------------------------------------------------------------------------------------
 * Plans
 */

static bool has_value(const cella_edl_value_t *value)
{
    return value->kind != CELLA_EDL_VALUE_NONE;
}

void cg_param_plan(const cella_edl_decl_t *decl, struct cg_param *param)
{
    const cella_edl_attrs_t *a = &decl->attrs;
    memset(param, 0, sizeof(*param));
    param->decl = decl;
    param->name = decl->name;
    if (!decl->by_pointer) {
        param->kind = CG_VALUE;
        return;
    }
    if (a->user_check) {
        param->kind = CG_USER_CHECK;
        return;
    }
    param->in =
        a->direction == CELLA_EDL_DIRECTION_IN || a->direction == CELLA_EDL_DIRECTION_IN_OUT;
    param->out =
        a->direction == CELLA_EDL_DIRECTION_OUT || a->direction == CELLA_EDL_DIRECTION_IN_OUT;
    param->kind = a->string ? CG_STRING : a->wstring ? CG_WSTRING : CG_BUFFER;

    const cella_edl_type_t *type = &decl->type;
    if (a->isary)
        param->has_element_type = true;
    else if (a->isptr)
        param->has_element_type = !has_value(&a->size);
    else if (decl->dim_count > 0)
        param->has_element_type = true;
    else
        param->has_element_type = !(type->kind == CELLA_EDL_TYPE_VOID && type->pointer_depth == 1);

    /* A deep copy: a pointer to (an array of) an EDL struct with size=/count= members. */
    const cella_edl_composite_t *def = type->definition;
    if (type->kind == CELLA_EDL_TYPE_STRUCT && def != NULL &&
        def->kind == CELLA_EDL_COMPOSITE_STRUCT && def->is_deep_copy && type->pointer_depth == 1 &&
        decl->dim_count == 0 && param->kind == CG_BUFFER)
        param->deep = def;

    /* B14: an explicit size= must describe whole elements of the pointed-to type. */
    if (param->kind == CG_BUFFER && has_value(&a->size) && param->has_element_type) {
        bool element_is_pointer = type->pointer_depth >= 2;
        bool composite = type->kind == CELLA_EDL_TYPE_STRUCT ||
                         type->kind == CELLA_EDL_TYPE_UNION || type->kind == CELLA_EDL_TYPE_FOREIGN;
        if (!element_is_pointer && composite && param->deep == NULL)
            param->size_check = CG_CHECK_AT_LEAST;
        else
            param->size_check = CG_CHECK_MULTIPLE;
    }
}

struct cg_param *cg_plan_function(const cella_edl_function_t *fn, bool *failed)
{
    *failed = false;
    if (fn->param_count == 0)
        return NULL;
    struct cg_param *params = cella_edl_malloc(fn->param_count * sizeof(*params));
    if (params == NULL) {
        *failed = true;
        return NULL;
    }
    for (size_t i = 0; i < fn->param_count; i++)
        cg_param_plan(&fn->params[i], &params[i]);
    return params;
}

bool cg_returns_value(const cella_edl_function_t *fn)
{
    return !(fn->return_type.kind == CELLA_EDL_TYPE_VOID && fn->return_type.pointer_depth == 0);
}

bool cg_is_bool_value(const cella_edl_type_t *type)
{
    return type->kind == CELLA_EDL_TYPE_BOOL && type->pointer_depth == 0;
}

bool cg_is_bool_buffer(const struct cg_param *param)
{
    const cella_edl_decl_t *d = param->decl;
    if (param->kind != CG_BUFFER || d->type.kind != CELLA_EDL_TYPE_BOOL || d->attrs.isptr ||
        d->attrs.isary)
        return false;
    return d->dim_count > 0 ? d->type.pointer_depth == 0 : d->type.pointer_depth == 1;
}

bool cg_function_has_input(const cella_edl_function_t *fn)
{
    return fn->param_count > 0;
}

bool cg_function_has_output(const cella_edl_function_t *fn)
{
    return cg_returns_value(fn) || fn->propagate_errno;
}

void cg_put_result_tag(struct cg_text *t, const cella_edl_program_t *program,
                       const cella_edl_function_t *fn)
{
    struct cg_text base = {NULL, 0, 0, false};
    cg_putf(&base, "%s_out", fn->name);
    while (!base.failed) {
        const cella_edl_function_t *other = cella_edl_program_find_function(program, base.data);
        if (other == NULL || !cg_function_has_input(other))
            break;
        cg_put(&base, "_");
    }
    if (base.failed)
        t->failed = true;
    else
        cg_putf(t, "ms_%s", base.data);
    cg_text_clear(&base);
}

const cella_edl_composite_t *cg_scrubbed_composite(const cella_edl_type_t *type,
                                                   uint32_t pointer_depth)
{
    const cella_edl_composite_t *def = type->definition;
    if (def == NULL || type->pointer_depth != pointer_depth)
        return NULL;
    if (def->kind != CELLA_EDL_COMPOSITE_STRUCT && def->kind != CELLA_EDL_COMPOSITE_UNION)
        return NULL;
    return def;
}

const cella_edl_composite_t *cg_scrubbed_element(const struct cg_param *param)
{
    const cella_edl_decl_t *d = param->decl;
    if (param->kind != CG_BUFFER || d->attrs.isptr || d->attrs.isary || has_value(&d->attrs.size))
        return NULL;
    return cg_scrubbed_composite(&d->type, d->dim_count > 0 ? 0 : 1);
}

static bool composite_has_bools(const cella_edl_composite_t *c, unsigned depth)
{
    if (c->kind != CELLA_EDL_COMPOSITE_STRUCT || depth > 64)
        return false;
    for (size_t i = 0; i < c->member_count; i++) {
        const cella_edl_type_t *type = &c->members[i].type;
        if (type->pointer_depth != 0)
            continue;
        if (type->kind == CELLA_EDL_TYPE_BOOL)
            return true;
        if (type->definition != NULL && composite_has_bools(type->definition, depth + 1))
            return true;
    }
    return false;
}

const cella_edl_composite_t *cg_bools_composite(const cella_edl_type_t *type,
                                                uint32_t pointer_depth)
{
    const cella_edl_composite_t *def = type->definition;
    if (def == NULL || type->pointer_depth != pointer_depth || !composite_has_bools(def, 0))
        return NULL;
    return def;
}

const cella_edl_composite_t *cg_bools_element(const struct cg_param *param)
{
    const cella_edl_decl_t *d = param->decl;
    if (param->kind != CG_BUFFER || d->attrs.isptr || d->attrs.isary)
        return NULL;
    return cg_bools_composite(&d->type, d->dim_count > 0 ? 0 : 1);
}

const char *cg_composite_keyword(const cella_edl_composite_t *composite)
{
    return composite->kind == CELLA_EDL_COMPOSITE_UNION ? "union" : "struct";
}

size_t cg_composite_index(const struct cg *cg, const cella_edl_composite_t *composite)
{
    for (size_t i = 0; i < cg->program->composite_count; i++) {
        if (cg->program->composites[i] == composite)
            return i;
    }
    return 0; /* unreachable: every definition the tree names is in the program */
}

/* ------------------------------------------------------------------------------------------
 * C spelling
 */

void cg_put_type(struct cg_text *t, const cella_edl_type_t *type, bool with_const)
{
    size_t needed = cella_edl_type_format(type, with_const, NULL, 0);
    grow(t, needed);
    if (t->failed)
        return;
    cella_edl_type_format(type, with_const, t->data + t->length, needed + 1);
    t->length += needed;
}

static void put_value(struct cg_text *t, const cella_edl_value_t *value)
{
    if (value->kind == CELLA_EDL_VALUE_NUMBER)
        cg_putf(t, "%" PRIu64, value->number);
    else if (value->kind == CELLA_EDL_VALUE_NAME)
        cg_put(t, value->name);
}

void cg_put_decl(struct cg_text *t, const cella_edl_decl_t *decl)
{
    cg_put_type(t, &decl->type, true);
    cg_putf(t, " %s", decl->name);
    for (size_t i = 0; i < decl->dim_count; i++) {
        cg_put(t, "[");
        put_value(t, &decl->dims[i]);
        cg_put(t, "]");
    }
}

void cg_put_params(struct cg_text *t, const cella_edl_function_t *fn)
{
    if (fn->param_count == 0) {
        cg_put(t, "void");
        return;
    }
    for (size_t i = 0; i < fn->param_count; i++) {
        if (i > 0)
            cg_put(t, ", ");
        cg_put_decl(t, &fn->params[i]);
    }
}

void cg_put_attrs(struct cg_text *t, const cella_edl_decl_t *decl)
{
    const cella_edl_attrs_t *a = &decl->attrs;
    const char *parts[8];
    size_t count = 0;
    if (!decl->by_pointer)
        return;
    if (a->direction == CELLA_EDL_DIRECTION_IN || a->direction == CELLA_EDL_DIRECTION_IN_OUT)
        parts[count++] = "in";
    if (a->direction == CELLA_EDL_DIRECTION_OUT || a->direction == CELLA_EDL_DIRECTION_IN_OUT)
        parts[count++] = "out";
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
    bool size = has_value(&a->size);
    bool count_given = has_value(&a->count);
    if (count == 0 && !size && !count_given)
        return;
    cg_put(t, "[");
    for (size_t i = 0; i < count; i++)
        cg_putf(t, "%s%s", i > 0 ? ", " : "", parts[i]);
    if (size) {
        cg_put(t, count > 0 ? ", size=" : "size=");
        put_value(t, &a->size);
    }
    if (count_given) {
        cg_put(t, count > 0 || size ? ", count=" : "count=");
        put_value(t, &a->count);
    }
    cg_put(t, "] ");
}

void cg_put_signature(struct cg_text *t, const cella_edl_function_t *fn)
{
    cg_put_type(t, &fn->return_type, true);
    cg_putf(t, " %s(", fn->name);
    if (fn->param_count == 0)
        cg_put(t, "void");
    for (size_t i = 0; i < fn->param_count; i++) {
        if (i > 0)
            cg_put(t, ", ");
        cg_put_attrs(t, &fn->params[i]);
        cg_put_decl(t, &fn->params[i]);
    }
    cg_put(t, ")");
}

/* ------------------------------------------------------------------------------------------
 * Element expressions
 */

void cg_put_element_type(struct cg_text *t, const struct cg_param *param)
{
    const cella_edl_decl_t *d = param->decl;
    if (d->attrs.isary) {
        cg_put(t, d->type.name);
    } else if (d->attrs.isptr) {
        /* The typedef hides the '*': name the pointed-to type through it. */
        cg_putf(t, "__typeof__(*(%s)0)", d->type.name);
    } else {
        cella_edl_type_t element = d->type;
        element.is_const = false;
        if (d->dim_count == 0 && element.pointer_depth > 0)
            element.pointer_depth--;
        cg_put_type(t, &element, false);
    }
}

static void put_scalar(struct cg_text *t, const cella_edl_value_t *value, const char *access)
{
    if (value->kind == CELLA_EDL_VALUE_NUMBER)
        cg_putf(t, "(size_t)%" PRIu64, value->number);
    else
        cg_putf(t, "(size_t)%s%s", access, value->name);
}

void cg_put_element_size(struct cg_text *t, const struct cg_param *param,
                         const cella_edl_decl_t *siblings, const char *access)
{
    (void)siblings;
    const cella_edl_decl_t *d = param->decl;
    if (has_value(&d->attrs.size)) {
        put_scalar(t, &d->attrs.size, access);
    } else if (d->attrs.isptr) {
        cg_putf(t, "sizeof(*(%s)0)", d->type.name);
    } else {
        cg_put(t, "sizeof(");
        cg_put_element_type(t, param);
        cg_put(t, ")");
    }
}

/* Whether a count other than 1 applies, and its expression. */
static bool has_count(const struct cg_param *param)
{
    return has_value(&param->decl->attrs.count) || param->decl->dim_count > 0;
}

static void put_count(struct cg_text *t, const struct cg_param *param, const char *access)
{
    const cella_edl_decl_t *d = param->decl;
    if (has_value(&d->attrs.count)) {
        put_scalar(t, &d->attrs.count, access);
        return;
    }
    uint64_t product = cella_edl_decl_element_count(d);
    if (product != 0) {
        cg_putf(t, "(size_t)%" PRIu64, product);
        return;
    }
    /* Dimensions named by C constants (Open Enclave): their product, computed by C. */
    for (size_t i = 0; i < d->dim_count; i++) {
        if (i > 0)
            cg_put(t, " * ");
        if (d->dims[i].kind == CELLA_EDL_VALUE_NUMBER)
            cg_putf(t, "(size_t)%" PRIu64, d->dims[i].number);
        else
            cg_putf(t, "(size_t)(%s)", d->dims[i].name);
    }
}

void cg_put_align(struct cg_text *t, const struct cg_param *param)
{
    if (!param->has_element_type) {
        cg_put(t, "1");
        return;
    }
    cg_put(t, "_Alignof(");
    cg_put_element_type(t, param);
    cg_put(t, ")");
}

void cg_put_length(struct cg_text *t, int indent, const struct cg_param *param,
                   const cella_edl_decl_t *siblings, const char *access, const char *target,
                   const char *fail)
{
    if (has_count(param)) {
        cg_indent(t, indent);
        cg_put(t, "if (!cella_size_mul(");
        put_count(t, param, access);
        cg_put(t, ", ");
        cg_put_element_size(t, param, siblings, access);
        cg_putf(t, ", &%s))\n", target);
        cg_line(t, indent + 1, "%s", fail);
    } else {
        cg_indent(t, indent);
        cg_putf(t, "%s = ", target);
        cg_put_element_size(t, param, siblings, access);
        cg_put(t, ";\n");
    }
    if (param->size_check == CG_CHECK_MULTIPLE) {
        cg_indent(t, indent);
        cg_putf(t, "if (%s %% sizeof(", target);
        cg_put_element_type(t, param);
        cg_put(t, ") != 0) /* whole elements only (B14) */\n");
        cg_line(t, indent + 1, "%s", fail);
    } else if (param->size_check == CG_CHECK_AT_LEAST) {
        cg_indent(t, indent);
        cg_putf(t, "if (%s != 0 && %s < sizeof(", target, target);
        cg_put_element_type(t, param);
        cg_put(t, ")) /* at least one whole element */\n");
        cg_line(t, indent + 1, "%s", fail);
    }
}

/* ------------------------------------------------------------------------------------------
 * Marshalling structs
 */

void cg_emit_marshalling_structs(struct cg *cg, const cella_edl_function_t *fn,
                                 const struct cg_param *params)
{
    struct cg_text *t = &cg->text;
    const char *what = fn->is_ecall ? "ECALL" : "OCALL";
    if (cg_function_has_input(fn)) {
        cg_line(t, 0, "/* %s %zu, %s: the marshalling struct, at the start of the input. */", what,
                fn->index, fn->name);
        cg_line(t, 0, "typedef struct ms_%s {", fn->name);
        for (size_t i = 0; i < fn->param_count; i++) {
            const struct cg_param *p = &params[i];
            cg_indent(t, 1);
            switch (p->kind) {
            case CG_VALUE:
                cg_put_type(t, &p->decl->type, true);
                cg_putf(t, " ms_%s;\n", p->name);
                break;
            case CG_USER_CHECK:
                cg_putf(t, "uint64_t ms_%s; /* ", p->name);
                cg_put_attrs(t, p->decl);
                cg_put_decl(t, p->decl);
                cg_put(t, ": the pointer's value */\n");
                break;
            case CG_BUFFER:
            case CG_STRING:
            case CG_WSTRING:
                cg_putf(t, "cella_bridge_ref_t ms_%s; /* ", p->name);
                cg_put_attrs(t, p->decl);
                cg_put_decl(t, p->decl);
                cg_put(t, " */\n");
                break;
            }
        }
        cg_line(t, 0, "} ms_%s_t;", fn->name);
        cg_blank(t);
    }
    if (cg_function_has_output(fn)) {
        cg_line(t, 0, "/* %s %zu, %s: the result struct, at the start of the output. */", what,
                fn->index, fn->name);
        cg_put(t, "typedef struct ");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, " {\n");
        if (cg_returns_value(fn)) {
            cg_indent(t, 1);
            cg_put_type(t, &fn->return_type, true);
            cg_put(t, " ms_retval;\n");
        }
        if (fn->propagate_errno)
            cg_line(t, 1, "int ocall_errno;");
        cg_put(t, "} ");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t;\n");
        cg_blank(t);
    }
}

/* ------------------------------------------------------------------------------------------
 * Per-struct helpers: emitted into each .c file that uses them, static, before the functions.
 * The fixed ones are in <cella/bridge_checks.h>.
 */

/* ---- Deep copy helpers, one set per struct --------------------------------------------- */

struct deep_member {
    size_t index; /* among the annotated members */
    struct cg_param plan;
};

/* The struct's deep-copied members (size=/count=), planned; NULL when out of memory. */
static struct deep_member *deep_members(const cella_edl_composite_t *c, size_t *count)
{
    *count = 0;
    struct deep_member *members = cella_edl_malloc((c->member_count + 1) * sizeof(*members));
    if (members == NULL)
        return NULL;
    for (size_t i = 0; i < c->member_count; i++) {
        const cella_edl_decl_t *d = &c->members[i];
        if (!d->by_pointer || (!has_value(&d->attrs.size) && !has_value(&d->attrs.count)))
            continue;
        members[*count].index = *count;
        cg_param_plan(d, &members[*count].plan);
        /* Members carry no direction: their struct's parameter gives it. */
        members[*count].plan.kind = CG_BUFFER;
        members[*count].plan.deep = NULL;
        (*count)++;
    }
    return members;
}

static void put_member_list(struct cg_text *t, const struct deep_member *members, size_t count)
{
    for (size_t i = 0; i < count; i++)
        cg_putf(t, "%s%s", i > 0 ? ", " : "", members[i].plan.name);
}

/* The condition "member m of items[i] has a payload". */
static void put_present(struct cg_text *t, const char *item, const struct deep_member *m,
                        const char *sizes)
{
    cg_putf(t, "%s.%s != NULL && %s[%zu] != 0", item, m->plan.name, sizes, m->index);
}

static void emit_deep_sizes(struct cg *cg, const cella_edl_composite_t *c,
                            const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_indent(t, 0);
    cg_putf(t, "/* The payload sizes of the deep-copied members of a struct %s (", c->name);
    put_member_list(t, members, count);
    cg_put(t, "); -1 on overflow or a partial element. */\n");
    cg_line(t, 0, "static int cella_deep_%s_sizes(const struct %s *item, size_t sizes[%zu])",
            c->name, c->name, count);
    cg_line(t, 0, "{");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        char target[32];
        snprintf(target, sizeof(target), "sizes[%zu]", m->index);
        cg_indent(t, 1);
        cg_putf(t, "/* %s: ", m->plan.name);
        cg_put_attrs(t, m->plan.decl);
        cg_put_decl(t, m->plan.decl);
        cg_put(t, " */\n");
        cg_put_length(t, 1, &m->plan, c->members, "item->", target, "return -1;");
    }
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_deep_take(struct cg *cg, const cella_edl_composite_t *c,
                           const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0, "/*");
    cg_line(t, 0,
            " * Receiver: the deep-copied members of `count` struct %s in a private payload. Each",
            c->name);
    cg_line(
        t, 0,
        " * holds the offset of its payload in the input as a uint64_t (CELLA_BRIDGE_NULL_OFFSET");
    cg_line(
        t, 0,
        " * for none), checked like a parameter's reference and replaced by the private address.");
    cg_line(t, 0, " */");
    cg_line(t, 0,
            "static int cella_deep_%s_take(const uint8_t *in, size_t in_size, struct %s *items,",
            c->name, c->name);
    cg_line(t, 0, "                            size_t count, size_t *end)");
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t i;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "size_t sizes[%zu];", count);
    cg_line(t, 2, "cella_bridge_ref_t ref;");
    cg_line(t, 2, "void *payload;");
    cg_blank(t);
    cg_line(t, 2, "if (cella_deep_%s_sizes(&items[i], sizes) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        cg_line(t, 2, "memcpy(&ref.offset, &items[i].%s, sizeof(ref.offset));", m->plan.name);
        cg_line(t, 2, "ref.size = ref.offset == CELLA_BRIDGE_NULL_OFFSET ? 0 : sizes[%zu];",
                m->index);
        cg_indent(t, 2);
        cg_putf(t, "if (cella_bridge_take(in, in_size, ref, sizes[%zu], ", m->index);
        cg_put_align(t, &m->plan);
        cg_put(t, ", end, &payload) != 0)\n");
        cg_line(t, 3, "return -1;");
        cg_line(t, 2, "items[i].%s = payload;", m->plan.name);
    }
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_deep_reserve(struct cg *cg, const cella_edl_composite_t *c,
                              const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0, "/*");
    cg_line(t, 0,
            " * Layout: room for the payloads of the deep-copied members of `count` struct %s, in",
            c->name);
    cg_line(t, 0, " * order after *end; a NULL or empty member has none.");
    cg_line(t, 0, " */");
    cg_line(t, 0,
            "static int cella_deep_%s_reserve(size_t *end, const struct %s *items, size_t count)",
            c->name, c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t i;");
    cg_line(t, 1, "size_t offset;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "size_t sizes[%zu];", count);
    cg_blank(t);
    cg_line(t, 2, "if (cella_deep_%s_sizes(&items[i], sizes) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        cg_indent(t, 2);
        cg_put(t, "if (");
        put_present(t, "items[i]", m, "sizes");
        cg_put(t, " &&\n");
        cg_indent(t, 3);
        cg_putf(t, "cella_bridge_reserve(end, sizes[%zu], ", m->index);
        cg_put_align(t, &m->plan);
        cg_put(t, ", &offset) != 0)\n");
        cg_line(t, 3, "return -1;");
    }
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_deep_copy_to_out(struct cg *cg, const cella_edl_composite_t *c,
                                  const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0, "/*");
    cg_line(
        t, 0,
        " * Receiver, [in, out]: moves the member payloads of `count` struct %s copied into the",
        c->name);
    cg_line(t, 0, " * output to their places after *end, and points the members there.");
    cg_line(t, 0, " */");
    cg_line(t, 0,
            "static int cella_deep_%s_copy_to_out(uint8_t *out, size_t *end, struct %s *items,",
            c->name, c->name);
    cg_line(t, 0, "                                   size_t count)");
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t i;");
    cg_line(t, 1, "size_t offset;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "size_t sizes[%zu];", count);
    cg_blank(t);
    cg_line(t, 2, "if (cella_deep_%s_sizes(&items[i], sizes) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        cg_indent(t, 2);
        cg_put(t, "if (");
        put_present(t, "items[i]", m, "sizes");
        cg_put(t, ") {\n");
        cg_indent(t, 3);
        cg_putf(t, "if (cella_bridge_reserve(end, sizes[%zu], ", m->index);
        cg_put_align(t, &m->plan);
        cg_put(t, ", &offset) != 0)\n");
        cg_line(t, 4, "return -1;");
        cg_line(t, 3, "memcpy(out + offset, items[i].%s, sizes[%zu]);", m->plan.name, m->index);
        cg_line(t, 3, "items[i].%s = (void *)(out + offset);", m->plan.name);
        cg_line(t, 2, "}");
    }
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

/* "if (got[0] > sent[0] || ...)" for every member. */
static void put_grown(struct cg_text *t, const struct deep_member *members, size_t count,
                      const char *after, const char *before)
{
    for (size_t i = 0; i < count; i++)
        cg_putf(t, "%s%s[%zu] > %s[%zu]", i > 0 ? " || " : "", after, members[i].index, before,
                members[i].index);
}

static void emit_deep_finish(struct cg *cg, const cella_edl_composite_t *c,
                             const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0, "/*");
    cg_line(
        t, 0,
        " * Receiver, [in, out], after the call: a member may have shrunk but not grown past the");
    cg_line(
        t, 0,
        " * buffer it came in, and no private address goes back (the sender restores its own).");
    cg_line(t, 0, " */");
    cg_line(
        t, 0,
        "static int cella_deep_%s_finish(struct %s *items, const struct %s *sent, size_t count)",
        c->name, c->name, c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t i;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "size_t before[%zu];", count);
    cg_line(t, 2, "size_t after[%zu];", count);
    cg_blank(t);
    cg_line(t, 2, "if (cella_deep_%s_sizes(&sent[i], before) != 0 ||", c->name);
    cg_line(t, 2, "    cella_deep_%s_sizes(&items[i], after) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    cg_indent(t, 2);
    cg_put(t, "if (");
    put_grown(t, members, count, "after", "before");
    cg_put(t, ")\n");
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++)
        cg_line(t, 2, "items[i].%s = NULL;", members[i].plan.name);
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_deep_check_within(struct cg *cg, const cella_edl_composite_t *c,
                                   const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0,
            "/* Sender in the enclave: every deep-copied member buffer of `count` struct %s lies",
            c->name);
    cg_line(t, 0, " * inside the enclave, as OCALL pointer arguments must. */");
    cg_line(t, 0, "static int cella_deep_%s_check_within(const struct %s *items, size_t count)",
            c->name, c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t i;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "size_t sizes[%zu];", count);
    cg_blank(t);
    cg_line(t, 2, "if (cella_deep_%s_sizes(&items[i], sizes) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        cg_indent(t, 2);
        cg_put(t, "if (");
        put_present(t, "items[i]", m, "sizes");
        cg_put(t, " &&\n");
        cg_line(t, 3, "!sgx_is_within_enclave(items[i].%s, sizes[%zu]))", m->plan.name, m->index);
        cg_line(t, 3, "return -1;");
    }
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_deep_put(struct cg *cg, const cella_edl_composite_t *c,
                          const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0, "/*");
    cg_line(t, 0,
            " * Sender: writes `count` struct %s at `offset` of the input with each deep-copied",
            c->name);
    cg_line(t, 0,
            " * member replaced by the offset of its payload (CELLA_BRIDGE_NULL_OFFSET for none),");
    cg_line(t, 0, " * then the payloads, as cella_deep_%s_reserve laid them out. -1 when the items",
            c->name);
    cg_line(t, 0, " * changed since and no longer fit.");
    cg_line(t, 0, " */");
    cg_line(t, 0,
            "static int cella_deep_%s_put(uint8_t *buffer, size_t buffer_size, size_t *written,",
            c->name);
    cg_line(t, 0, "                           size_t offset, const struct %s *items, size_t count)",
            c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t end = offset + count * sizeof(struct %s);", c->name);
    cg_line(t, 1, "size_t i;");
    cg_line(t, 1, "size_t at;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "struct %s item;", c->name);
    cg_line(t, 2, "size_t sizes[%zu];", count);
    cg_line(t, 2, "uint64_t member_offset;");
    cg_blank(t);
    if (cg->trusted)
        cg_line(t, 2, "cella_scrub_%s(&item, &items[i]); /* no padding leaves (B9) */", c->name);
    else
        cg_line(t, 2, "memcpy(&item, &items[i], sizeof(item));");
    cg_line(t, 2, "if (cella_deep_%s_sizes(&item, sizes) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        cg_line(t, 2, "member_offset = CELLA_BRIDGE_NULL_OFFSET;");
        cg_indent(t, 2);
        cg_put(t, "if (");
        put_present(t, "item", m, "sizes");
        cg_put(t, ") {\n");
        cg_indent(t, 3);
        cg_putf(t, "if (cella_bridge_reserve(&end, sizes[%zu], ", m->index);
        cg_put_align(t, &m->plan);
        cg_put(t, ", &at) != 0)\n");
        cg_line(t, 4, "return -1;");
        cg_line(t, 3, "member_offset = at;");
        cg_line(t, 2, "}");
        cg_line(t, 2, "memcpy(&item.%s, &member_offset, sizeof(member_offset));", m->plan.name);
    }
    cg_line(t, 2,
            "if (cella_bridge_put(buffer, buffer_size, written, offset + i * sizeof(item), &item,");
    cg_line(t, 2, "                     sizeof(item)) != 0)");
    cg_line(t, 3, "return -1;");
    cg_line(t, 1, "}");
    cg_line(t, 1, "end = offset + count * sizeof(struct %s);", c->name);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "size_t sizes[%zu];", count);
    cg_blank(t);
    cg_line(t, 2, "if (cella_deep_%s_sizes(&items[i], sizes) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        cg_indent(t, 2);
        cg_put(t, "if (");
        put_present(t, "items[i]", m, "sizes");
        cg_put(t, ") {\n");
        cg_indent(t, 3);
        cg_putf(t, "if (cella_bridge_reserve(&end, sizes[%zu], ", m->index);
        cg_put_align(t, &m->plan);
        cg_put(t, ", &at) != 0 ||\n");
        cg_line(t, 3, "    cella_bridge_put(buffer, buffer_size, written, at, items[i].%s,",
                m->plan.name);
        cg_line(t, 3, "                     sizes[%zu]) != 0)", m->index);
        cg_line(t, 4, "return -1;");
        cg_line(t, 2, "}");
    }
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_deep_copy_back(struct cg *cg, const cella_edl_composite_t *c,
                                const struct deep_member *members, size_t count)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0, "/*");
    cg_line(
        t, 0,
        " * Sender, [in, out], after the call: copies the results for `count` struct %s from the",
        c->name);
    cg_line(t, 0,
            " * output (the structs at `offset`, then the member payloads as cella_deep_%s_reserve",
            c->name);
    cg_line(
        t, 0,
        " * laid them out) into `items`: the payloads into the caller's member buffers with the");
    cg_line(t, 0, " * sizes sent, then the other fields, keeping the caller's member pointers.");
    if (cg->trusted) {
        cg_line(t, 0,
                " * The host may shorten a member but not lengthen it (Iago defence, B6); if it");
        cg_line(t, 0, " * lengthens one, nothing is copied.");
    }
    cg_line(t, 0, " */");
    cg_line(
        t, 0,
        "static int cella_deep_%s_copy_back(const uint8_t *out, size_t out_size, size_t offset,",
        c->name);
    cg_line(t, 0, "                                 struct %s *items, size_t count)", c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t end;");
    cg_line(t, 1, "size_t i;");
    cg_line(t, 1, "size_t at;");
    cg_blank(t);
    if (cg->trusted) {
        cg_line(t, 1, "for (i = 0; i < count; i++) {");
        cg_line(t, 2, "struct %s result;", c->name);
        cg_line(t, 2, "size_t sent[%zu];", count);
        cg_line(t, 2, "size_t got[%zu];", count);
        cg_blank(t);
        cg_line(t, 2, "memcpy(&result, out + offset + i * sizeof(result), sizeof(result));");
        cg_line(t, 2, "if (cella_deep_%s_sizes(&items[i], sent) != 0 ||", c->name);
        cg_line(t, 2, "    cella_deep_%s_sizes(&result, got) != 0)", c->name);
        cg_line(t, 3, "return -1;");
        cg_indent(t, 2);
        cg_put(t, "if (");
        put_grown(t, members, count, "got", "sent");
        cg_put(t, ")\n");
        cg_line(t, 3, "return -1;");
        cg_line(t, 1, "}");
    }
    cg_line(t, 1, "end = offset + count * sizeof(struct %s);", c->name);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "struct %s result;", c->name);
    cg_line(t, 2, "size_t sizes[%zu];", count);
    cg_blank(t);
    cg_line(t, 2, "if (cella_deep_%s_sizes(&items[i], sizes) != 0)", c->name);
    cg_line(t, 3, "return -1;");
    for (size_t i = 0; i < count; i++) {
        const struct deep_member *m = &members[i];
        cg_indent(t, 2);
        cg_put(t, "if (");
        put_present(t, "items[i]", m, "sizes");
        cg_put(t, ") {\n");
        cg_indent(t, 3);
        cg_putf(t, "if (cella_bridge_reserve(&end, sizes[%zu], ", m->index);
        cg_put_align(t, &m->plan);
        cg_put(t, ", &at) != 0 || end > out_size)\n");
        cg_line(t, 4, "return -1;");
        cg_line(t, 3, "memcpy(items[i].%s, out + at, sizes[%zu]);", m->plan.name, m->index);
        cg_line(t, 2, "}");
    }
    cg_line(t, 2, "memcpy(&result, out + offset + i * sizeof(result), sizeof(result));");
    for (size_t i = 0; i < count; i++)
        cg_line(t, 2, "result.%s = items[i].%s;", members[i].plan.name, members[i].plan.name);
    cg_line(t, 2, "memcpy(&items[i], &result, sizeof(result));");
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

/* ---- Padding-free copies of EDL structs and unions, one set per type (B9) ------------- */

static void emit_scrub(struct cg *cg, const cella_edl_composite_t *c)
{
    struct cg_text *t = &cg->text;
    const char *kw = cg_composite_keyword(c);
    bool is_union = c->kind == CELLA_EDL_COMPOSITE_UNION;
    bool loops = false;
    for (size_t i = 0; i < c->member_count && !is_union; i++) {
        const cella_edl_decl_t *d = &c->members[i];
        loops = loops || (d->dim_count > 0 && cg_scrubbed_composite(&d->type, 0) != NULL);
    }
    cg_line(t, 0, "/*");
    cg_line(t, 0, " * Copies one %s %s into `to` (apart from `from`) member by member over", kw,
            c->name);
    if (is_union)
        cg_line(t, 0, " * zeroed bytes: the bytes past its largest member stay 0 (B9).");
    else
        cg_line(t, 0, " * zeroed bytes: the padding stays 0 (B9).");
    cg_line(t, 0, " */");
    cg_line(t, 0, "static void cella_scrub_%s(void *to, const %s %s *from)", c->name, kw, c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "uint8_t *bytes = to;");
    if (loops)
        cg_line(t, 1, "size_t i;");
    cg_blank(t);
    cg_line(t, 1, "memset(bytes, 0, sizeof(%s %s));", kw, c->name);
    for (size_t i = 0; i < c->member_count; i++) {
        const cella_edl_decl_t *d = &c->members[i];
        const cella_edl_composite_t *inner = is_union ? NULL : cg_scrubbed_composite(&d->type, 0);
        if (inner != NULL && d->dim_count == 0) {
            cg_line(t, 1, "cella_scrub_%s(bytes + offsetof(%s %s, %s), &from->%s);", inner->name,
                    kw, c->name, d->name, d->name);
        } else if (inner != NULL) {
            const char *ikw = cg_composite_keyword(inner);
            cg_line(t, 1, "for (i = 0; i < sizeof(from->%s) / sizeof(%s %s); i++)", d->name, ikw,
                    inner->name);
            cg_line(t, 2, "cella_scrub_%s(bytes + offsetof(%s %s, %s) + i * sizeof(%s %s),",
                    inner->name, kw, c->name, d->name, ikw, inner->name);
            cg_line(t, 2, "%*s(const %s %s *)(const void *)&from->%s + i);",
                    (int)strlen("cella_scrub_(") + (int)strlen(inner->name), "", ikw, inner->name,
                    d->name);
        } else {
            size_t start = t->length;
            cg_putf(t, "    memcpy(bytes + offsetof(%s %s, %s), &from->%s,", kw, c->name, d->name,
                    d->name);
            bool wrap = t->length - start + strlen(d->name) + 17 > 100;
            cg_putf(t, wrap ? "\n           sizeof(from->%s));\n" : " sizeof(from->%s));\n",
                    d->name);
        }
    }
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_scrub_put(struct cg *cg, const cella_edl_composite_t *c)
{
    struct cg_text *t = &cg->text;
    const char *kw = cg_composite_keyword(c);
    cg_line(t, 0, "/* Sender: cella_bridge_put of `count` %s %s, each without its padding (B9). */",
            kw, c->name);
    cg_line(t, 0,
            "static int cella_scrub_put_%s(uint8_t *buffer, size_t buffer_size, size_t *written,",
            c->name);
    cg_line(t, 0, "%*ssize_t offset, const %s %s *items, size_t count)",
            (int)strlen("static int cella_scrub_put_(") + (int)strlen(c->name), "", kw, c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "%s %s item;", kw, c->name);
    cg_line(t, 1, "size_t i;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "cella_scrub_%s(&item, &items[i]);", c->name);
    cg_line(t, 2,
            "if (cella_bridge_put(buffer, buffer_size, written, offset + i * sizeof(item), &item,");
    cg_line(t, 2, "                     sizeof(item)) != 0)");
    cg_line(t, 3, "return -1;");
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 0;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

static void emit_scrub_in_place(struct cg *cg, const cella_edl_composite_t *c)
{
    struct cg_text *t = &cg->text;
    const char *kw = cg_composite_keyword(c);
    cg_line(t, 0, "/* Receiver: zeroes the padding of `count` %s %s in the output (B9). */", kw,
            c->name);
    cg_line(t, 0, "static void cella_scrub_in_place_%s(void *items, size_t count)", c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "%s %s item;", kw, c->name);
    cg_line(t, 1, "size_t i;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "memcpy(&item, (uint8_t *)items + i * sizeof(item), sizeof(item));");
    cg_line(t, 2, "cella_scrub_%s((uint8_t *)items + i * sizeof(item), &item);", c->name);
    cg_line(t, 1, "}");
    cg_line(t, 0, "}");
    cg_blank(t);
}

/* Whether every bool of `count` structs is 0 or 1: each bool member, and the structs held by
 * value, through their own checks. */
static void emit_bools(struct cg *cg, const cella_edl_composite_t *c)
{
    struct cg_text *t = &cg->text;
    cg_line(t, 0, "/*");
    cg_line(t, 0, " * Whether every bool in the `count` struct %s at `items` is 0 or 1: the host",
            c->name);
    cg_line(t, 0, " * could send any byte, and another value would be undefined behaviour here.");
    cg_line(t, 0, " */");
    cg_line(t, 0, "static int cella_bools_valid_%s(const void *items, size_t count)", c->name);
    cg_line(t, 0, "{");
    cg_line(t, 1, "size_t i;");
    cg_blank(t);
    cg_line(t, 1, "for (i = 0; i < count; i++) {");
    cg_line(t, 2, "const uint8_t *item = (const uint8_t *)items + i * sizeof(struct %s);", c->name);
    for (size_t m = 0; m < c->member_count; m++) {
        const cella_edl_decl_t *d = &c->members[m];
        if (d->type.pointer_depth != 0)
            continue;
        const cella_edl_composite_t *inner = cg_bools_composite(&d->type, 0);
        if (d->type.kind == CELLA_EDL_TYPE_BOOL) {
            cg_line(t, 2, "if (!cella_bridge_bools_valid(item + offsetof(struct %s, %s),", c->name,
                    d->name);
            cg_line(t, 2, "                              sizeof(((const struct %s *)0)->%s)))",
                    c->name, d->name);
            cg_line(t, 3, "return 0;");
        } else if (inner != NULL) {
            cg_line(t, 2, "if (!cella_bools_valid_%s(item + offsetof(struct %s, %s),", inner->name,
                    c->name, d->name);
            cg_line(t, 2, "%*ssizeof(((const struct %s *)0)->%s) / sizeof(struct %s)))",
                    (int)strlen("if (!cella_bools_valid_(") + (int)strlen(inner->name), "", c->name,
                    d->name, inner->name);
            cg_line(t, 3, "return 0;");
        }
    }
    cg_line(t, 1, "}");
    cg_line(t, 1, "return 1;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

/* Marks what the scrub helpers in use need: the helpers of nested structs, cella_bridge_put. */
static void close_scrub_uses(struct cg *cg)
{
    const cella_edl_program_t *program = cg->program;
    for (size_t i = 0; i < program->composite_count; i++) {
        struct cg_deep_use *u = &cg->deep_uses[i];
        if (cg->trusted && u->put)
            u->scrub = true;
        if (u->scrub_put || u->scrub_in_place)
            u->scrub = true;
    }
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < program->composite_count; i++) {
            const cella_edl_composite_t *c = program->composites[i];
            /* A struct's bool check calls those of the structs it holds by value. */
            for (size_t m = 0; cg->deep_uses[i].bools && m < c->member_count; m++) {
                const cella_edl_composite_t *inner = cg_bools_composite(&c->members[m].type, 0);
                struct cg_deep_use *v =
                    inner != NULL ? &cg->deep_uses[cg_composite_index(cg, inner)] : NULL;
                if (v != NULL && !v->bools) {
                    v->bools = true;
                    changed = true;
                }
            }
            if (!cg->deep_uses[i].scrub || c->kind != CELLA_EDL_COMPOSITE_STRUCT)
                continue;
            for (size_t m = 0; m < c->member_count; m++) {
                const cella_edl_composite_t *inner = cg_scrubbed_composite(&c->members[m].type, 0);
                if (inner == NULL)
                    continue;
                struct cg_deep_use *v = &cg->deep_uses[cg_composite_index(cg, inner)];
                if (!v->scrub) {
                    v->scrub = true;
                    changed = true;
                }
            }
        }
    }
}

void cg_emit_helpers(struct cg *cg)
{
    close_scrub_uses(cg);
    struct cg_text *t = &cg->text;
    /* Every deep-copy helper needs the member sizes. */
    for (size_t i = 0; i < cg->program->composite_count; i++) {
        struct cg_deep_use *u = &cg->deep_uses[i];
        if (u->take || u->reserve || u->copy_to_out || u->finish || u->check_within || u->put ||
            u->copy_back)
            u->sizes = true;
    }

    /* The fixed helpers (cella_bridge_reserve, _take, _put, ...) come from
     * <cella/bridge_checks.h>; only the per-struct ones are generated. */
    for (size_t i = 0; i < cg->program->composite_count; i++) {
        const struct cg_deep_use *u = &cg->deep_uses[i];
        const cella_edl_composite_t *c = cg->program->composites[i];
        if (u->scrub)
            emit_scrub(cg, c);
        if (u->scrub_put)
            emit_scrub_put(cg, c);
        if (u->scrub_in_place)
            emit_scrub_in_place(cg, c);
    }
    /* Nested structs come before the structs that hold them, so their checks do too. */
    for (size_t i = 0; i < cg->program->composite_count; i++) {
        if (cg->deep_uses[i].bools)
            emit_bools(cg, cg->program->composites[i]);
    }

    for (size_t i = 0; i < cg->program->composite_count; i++) {
        const struct cg_deep_use *u = &cg->deep_uses[i];
        if (!u->sizes)
            continue;
        const cella_edl_composite_t *c = cg->program->composites[i];
        size_t count = 0;
        struct deep_member *members = deep_members(c, &count);
        if (members == NULL) {
            t->failed = true;
            return;
        }
        emit_deep_sizes(cg, c, members, count);
        if (u->take)
            emit_deep_take(cg, c, members, count);
        if (u->reserve)
            emit_deep_reserve(cg, c, members, count);
        if (u->copy_to_out)
            emit_deep_copy_to_out(cg, c, members, count);
        if (u->finish)
            emit_deep_finish(cg, c, members, count);
        if (u->check_within)
            emit_deep_check_within(cg, c, members, count);
        if (u->put)
            emit_deep_put(cg, c, members, count);
        if (u->copy_back)
            emit_deep_copy_back(cg, c, members, count);
        cella_edl_free(members);
    }
}

/* ------------------------------------------------------------------------------------------
 * Names
 */

void cg_put_ecall_bridge_name(struct cg_text *t, const cella_edl_function_t *fn)
{
    cg_putf(t, "cella_ecall_%s", fn->name);
}

void cg_put_ocall_bridge_name(struct cg_text *t, const struct cg *cg,
                              const cella_edl_function_t *fn)
{
    cg_putf(t, "%s_%s", cg->program->enclave_name, fn->name);
}
