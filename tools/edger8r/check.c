/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/check.c: the rules Intel's edger8r enforces, with messages saying what to write. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"

#define ERROR   CELLA_EDL_SEVERITY_ERROR
#define WARNING CELLA_EDL_SEVERITY_WARNING

/* ------------------------------------------------------------------------------------------
 * Name indexes: sorted (name, position) pairs, so that duplicate and lookup checks stay
 * O(n log n) however large a hostile file is.
 */

struct named {
    const char *name;
    size_t index;
};

struct name_index {
    struct named *items;
    size_t *first; /* first[i]: the smallest index with the same name as index i */
    size_t count;
};

static int compare_named(const void *a, const void *b)
{
    const struct named *x = a;
    const struct named *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index ? 1 : 0;
}

/* Room for `count` names; false (and OUT_OF_MEMORY reported) when memory runs out. */
static bool index_create(struct name_index *ix, size_t count, cella_edl_diags_t *diags)
{
    ix->items = NULL;
    ix->first = NULL;
    ix->count = count;
    if (count == 0)
        return true;
    if (count > SIZE_MAX / (sizeof(struct named) + sizeof(size_t))) {
        cella_edl_diags_add_out_of_memory(diags);
        return false;
    }
    ix->items = cella_edl_malloc(count * sizeof(struct named));
    ix->first = cella_edl_malloc(count * sizeof(size_t));
    if (ix->items == NULL || ix->first == NULL) {
        cella_edl_free(ix->items);
        cella_edl_free(ix->first);
        ix->items = NULL;
        ix->first = NULL;
        cella_edl_diags_add_out_of_memory(diags);
        return false;
    }
    return true;
}

/* After items[i] = {name of i, i} for every i: sorts and fills first[]. */
static void index_sort(struct name_index *ix)
{
    if (ix->count == 0)
        return;
    qsort(ix->items, ix->count, sizeof(struct named), compare_named);
    size_t run = 0;
    for (size_t i = 0; i < ix->count; i++) {
        if (i > 0 && strcmp(ix->items[i].name, ix->items[i - 1].name) != 0)
            run = i;
        ix->first[ix->items[i].index] = ix->items[run].index;
    }
}

/* The smallest index named `name`, or SIZE_MAX. */
static size_t index_find(const struct name_index *ix, const char *name)
{
    size_t low = 0;
    size_t high = ix->count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (strcmp(ix->items[middle].name, name) < 0)
            low = middle + 1;
        else
            high = middle;
    }
    if (low < ix->count && strcmp(ix->items[low].name, name) == 0)
        return ix->items[low].index;
    return SIZE_MAX;
}

static void index_destroy(struct name_index *ix)
{
    cella_edl_free(ix->items);
    cella_edl_free(ix->first);
    ix->items = NULL;
    ix->first = NULL;
}

/* An index over the names of a parameter or member list. */
static bool index_decls(struct name_index *ix, const cella_edl_decl_t *decls, size_t count,
                        cella_edl_diags_t *diags)
{
    if (!index_create(ix, count, diags))
        return false;
    for (size_t i = 0; i < count; i++)
        ix->items[i] = (struct named){decls[i].name, i};
    index_sort(ix);
    return true;
}

/* ------------------------------------------------------------------------------------------
 * Helpers
 */

static bool is_set(cella_edl_pos_t pos)
{
    return pos.line != 0;
}

static void type_text(const cella_edl_decl_t *decl, char *buffer, size_t size)
{
    cella_edl_type_format(&decl->type, true, buffer, size);
}

/* A by-value integer that size=/count= may name (a foreign typedef may be one). */
static bool is_integer_value(const cella_edl_decl_t *decl)
{
    /* by_pointer may not be known yet for a later parameter: look at what makes it. */
    if (decl->by_pointer || decl->type.pointer_depth != 0 || decl->dim_count != 0 ||
        decl->attrs.isptr || decl->attrs.isary)
        return false;
    return cella_edl_type_kind_is_integer(decl->type.kind) ||
           decl->type.kind == CELLA_EDL_TYPE_FOREIGN;
}

static bool any_pointer_attribute(const cella_edl_attrs_t *a)
{
    return a->direction != CELLA_EDL_DIRECTION_NONE || a->user_check || a->string || a->wstring ||
           a->isptr || a->isary || a->readonly || a->size.kind != CELLA_EDL_VALUE_NONE ||
           a->count.kind != CELLA_EDL_VALUE_NONE;
}

static const char *direction_name(cella_edl_direction_t direction)
{
    switch (direction) {
    case CELLA_EDL_DIRECTION_IN:
        return "in";
    case CELLA_EDL_DIRECTION_OUT:
        return "out";
    case CELLA_EDL_DIRECTION_IN_OUT:
        return "in, out";
    case CELLA_EDL_DIRECTION_NONE:
        return "";
    }
    return "";
}

static bool writes_back(cella_edl_direction_t direction)
{
    return direction == CELLA_EDL_DIRECTION_OUT || direction == CELLA_EDL_DIRECTION_IN_OUT;
}

/* Array dimensions: their product must fit, or the marshalled size is meaningless. */
static bool check_dimensions(const cella_edl_decl_t *decl, cella_edl_diags_t *diags)
{
    uint64_t product = 1;
    for (size_t i = 0; i < decl->dim_count; i++) {
        if (decl->dims[i].kind != CELLA_EDL_VALUE_NUMBER)
            continue;
        if (__builtin_mul_overflow(product, decl->dims[i].number, &product) ||
            product > (uint64_t)INT64_MAX) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_LIMIT, ERROR, decl->pos, "use fewer elements",
                                "array '%s' has too many elements", decl->name);
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------------------------------
 * Parameters (Intel: Parser.mly get_param_ptr_attr, param_type, check_ptr_attr)
 */

static const char *const reserved_both[] = {"ms", "status"};
static const char *const reserved_ecall[] = {"eid"};
static const char *const reserved_ocall[] = {"ocalloc_size", "__tmp"};

static bool is_reserved(const cella_edl_function_t *fn, const char *name)
{
    if (strcmp(name, "retval") == 0)
        return !(fn->return_type.kind == CELLA_EDL_TYPE_VOID && fn->return_type.pointer_depth == 0);
    for (size_t i = 0; i < sizeof(reserved_both) / sizeof(reserved_both[0]); i++) {
        if (strcmp(name, reserved_both[i]) == 0)
            return true;
    }
    const char *const *extra = fn->is_ecall ? reserved_ecall : reserved_ocall;
    size_t count = fn->is_ecall ? sizeof(reserved_ecall) / sizeof(reserved_ecall[0])
                                : sizeof(reserved_ocall) / sizeof(reserved_ocall[0]);
    for (size_t i = 0; i < count; i++) {
        if (strcmp(name, extra[i]) == 0)
            return true;
    }
    return false;
}

/* Type-level rules for isptr, isary and readonly; false after reporting. */
static bool check_foreign_attributes(const cella_edl_decl_t *d, cella_edl_diags_t *diags)
{
    const cella_edl_attrs_t *a = &d->attrs;
    bool bare_foreign = d->type.kind == CELLA_EDL_TYPE_FOREIGN && d->type.pointer_depth == 0;
    char type[128];
    type_text(d, type, sizeof(type));
    if (a->isptr && !bare_foreign) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_FOREIGN_ONLY, ERROR, a->isptr_pos,
                            "remove isptr; it marks a typedef name from a header that hides a '*'",
                            "[isptr] is only for a foreign pointer typedef, not for '%s'", type);
        return false;
    }
    if (a->isary && !bare_foreign) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_FOREIGN_ONLY, ERROR, a->isary_pos,
                            "remove isary; for a built-in array write the dimensions on the "
                            "name, as in int a[4]",
                            "[isary] is only for a foreign array typedef, not for '%s'", type);
        return false;
    }
    if (a->readonly && d->type.kind != CELLA_EDL_TYPE_FOREIGN) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_FOREIGN_ONLY, ERROR, a->readonly_pos,
                            "for a built-in pointer write 'const' before the type",
                            "[readonly] is only for a foreign typedef, not for '%s'", type);
        return false;
    }
    if (a->readonly && !a->isptr) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_READONLY_WITHOUT_ISPTR, ERROR, a->readonly_pos,
                            "add isptr (the typedef is a pointer type), or remove readonly",
                            "[readonly] is only used together with [isptr]");
        return false;
    }
    return true;
}

/* Intel's get_param_ptr_attr: how direction, user_check, size, count and strings combine. */
static bool check_attribute_combination(const cella_edl_decl_t *d, cella_edl_diags_t *diags)
{
    const cella_edl_attrs_t *a = &d->attrs;
    bool has_direction = a->direction != CELLA_EDL_DIRECTION_NONE;
    bool has_size = a->size.kind != CELLA_EDL_VALUE_NONE;
    bool has_count = a->count.kind != CELLA_EDL_VALUE_NONE;
    bool has_string = a->string || a->wstring;
    const char *string_name = a->string ? "string" : "wstring";
    cella_edl_pos_t string_pos = a->string ? a->string_pos : a->wstring_pos;

    if (a->isary) {
        if (has_size || has_count) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_ISARY_CONFLICT, ERROR,
                                has_size ? a->size.pos : a->count.pos, "remove size= and count=",
                                "[isary] cannot be combined with size= or count=: the size of "
                                "an array typedef is fixed");
            return false;
        }
        if (a->isptr) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_ISARY_CONFLICT, ERROR, a->isptr_pos,
                                "a typedef is either an array (isary) or a pointer (isptr)",
                                "[isary] cannot be combined with [isptr]");
            return false;
        }
        if (has_string) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_ISARY_CONFLICT, ERROR, string_pos,
                                "remove one of them", "[isary] cannot be combined with [%s]",
                                string_name);
            return false;
        }
    } else {
        if (a->string && a->wstring) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_STRING_AND_WSTRING, ERROR, a->wstring_pos,
                                "use string for char*, wstring for wchar_t*",
                                "[string] cannot be combined with [wstring]");
            return false;
        }
        if ((has_size || has_count) && has_string) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_SIZE_WITH_STRING, ERROR,
                                has_size ? a->size.pos : a->count.pos,
                                "remove size=/count=, or remove string for a fixed-size buffer",
                                "[%s] cannot be combined with [%s]: the length of a string is "
                                "strlen+1",
                                has_size ? "size" : "count", string_name);
            return false;
        }
        if ((has_size || has_count || has_string) && !has_direction) {
            cella_edl_pos_t pos = has_size ? a->size.pos : has_count ? a->count.pos : string_pos;
            const char *name = has_size ? "size" : has_count ? "count" : string_name;
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_SIZE_WITHOUT_DIRECTION, ERROR, pos,
                                a->user_check ? "user_check pointers are not copied, so they "
                                                "have no size; use [in] or [out] instead of "
                                                "user_check"
                                              : "add [in], [out] or [in, out]",
                                "[%s] needs a direction: only buffers the bridge copies have a "
                                "size",
                                name);
            return false;
        }
    }
    if (has_direction && a->user_check) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_DIRECTION_WITH_USER_CHECK, ERROR,
                            a->user_check_pos,
                            "keep either the direction (the bridge checks and copies) or "
                            "user_check (the enclave checks)",
                            "[%s] cannot be combined with [user_check]: user_check passes the "
                            "pointer unchecked and uncopied",
                            direction_name(a->direction));
        return false;
    }
    if (!has_direction && !a->user_check) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_MISSING_DIRECTION, ERROR, d->pos,
                            "add [in], [out], [in, out] or [user_check]",
                            "%s parameter '%s' needs a direction",
                            d->dim_count > 0 || a->isary ? "array" : "pointer", d->name);
        return false;
    }
    if (a->direction == CELLA_EDL_DIRECTION_OUT && has_string) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_OUT_STRING, ERROR, string_pos,
                            "use [out, size=len] with a length parameter",
                            "[out] cannot be combined with [%s]: the enclave cannot know the "
                            "length of a string it has not received",
                            string_name);
        return false;
    }
    return true;
}

/* Intel's check_ptr_attr: pointer arrays, const, string types, explicit arrays. */
static bool check_pointer_rules(const cella_edl_function_t *fn, const cella_edl_decl_t *d,
                                cella_edl_diags_t *diags)
{
    (void)fn;
    const cella_edl_attrs_t *a = &d->attrs;
    char type[128];
    type_text(d, type, sizeof(type));
    bool is_array = d->dim_count > 0;
    if (d->type.kind == CELLA_EDL_TYPE_VOID && d->type.pointer_depth == 1 && !is_array) {
        /* Intel checks a void* for its size and nothing else. */
        if (!a->user_check && a->size.kind == CELLA_EDL_VALUE_NONE) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_VOID_POINTER_SIZE, ERROR, d->pos,
                                "add size=<byte count parameter>, or use [user_check]",
                                "void pointer '%s' has no size: the bridge cannot know how many "
                                "bytes to copy",
                                d->name);
            return false;
        }
        if (d->type.is_const && writes_back(a->direction))
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_CONST_VOID_OUT, WARNING, a->out_pos,
                                "use [in], or drop const",
                                "'%s' is const but [%s] copies data back into it", d->name,
                                direction_name(a->direction));
        return true;
    }
    if ((is_array || a->isary) && (d->type.pointer_depth > 0 || a->isptr)) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_POINTER_ARRAY, ERROR, d->pos,
                            "pass the pointed-to data in separate parameters or a deep-copy "
                            "struct, or use [user_check]",
                            "'%s' is an array of pointers, which the bridge cannot copy", d->name);
        return false;
    }
    if ((a->readonly || d->type.is_const) && writes_back(a->direction)) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_READONLY_OUT, ERROR, a->out_pos,
                            "use [in], or drop const if the callee writes through it",
                            "'%s' is %s and cannot be used with [out]", d->name,
                            a->readonly ? "readonly" : "const");
        return false;
    }
    if (a->string &&
        (is_array || d->type.pointer_depth != 1 ||
         (d->type.kind != CELLA_EDL_TYPE_CHAR && d->type.kind != CELLA_EDL_TYPE_UNSIGNED_CHAR))) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_STRING_TYPE, ERROR, a->string_pos,
                            "use [wstring] for wchar_t*, or size=/count= for other buffers",
                            "[string] needs a char* or unsigned char* parameter, and '%s' is '%s'",
                            d->name, type);
        return false;
    }
    if (a->wstring &&
        (is_array || d->type.pointer_depth != 1 || d->type.kind != CELLA_EDL_TYPE_WCHAR_T)) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_STRING_TYPE, ERROR, a->wstring_pos,
                            "use [string] for char*, or size=/count= for other buffers",
                            "[wstring] needs a wchar_t* parameter, and '%s' is '%s'", d->name,
                            type);
        return false;
    }
    if (is_array) {
        const char *name = a->size.kind != CELLA_EDL_VALUE_NONE    ? "size"
                           : a->count.kind != CELLA_EDL_VALUE_NONE ? "count"
                           : a->isary                              ? "isary"
                                                                   : NULL;
        if (name != NULL) {
            cella_edl_pos_t pos = a->size.kind != CELLA_EDL_VALUE_NONE    ? a->size.pos
                                  : a->count.kind != CELLA_EDL_VALUE_NONE ? a->count.pos
                                                                          : a->isary_pos;
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_SIZE_ON_ARRAY, ERROR, pos,
                                "the dimensions give the size; remove it",
                                "[%s] cannot be used on '%s', which is declared as an array", name,
                                d->name);
            return false;
        }
    }
    return true;
}

/* size=/count= naming a parameter (or, in a struct, a member). */
static bool resolve_reference(cella_edl_value_t *value, const char *attribute,
                              const cella_edl_decl_t *decls, const struct name_index *names,
                              size_t self, const char *owner_kind, const char *owner,
                              cella_edl_diags_t *diags)
{
    if (value->kind != CELLA_EDL_VALUE_NAME)
        return true;
    bool is_member = strcmp(owner_kind, "struct") == 0;
    size_t i = index_find(names, value->name);
    if (i != SIZE_MAX) {
        if (i == self || !is_integer_value(&decls[i])) {
            char type[128];
            type_text(&decls[i], type, sizeof(type));
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_SIZE_NOT_INTEGER, ERROR, value->pos,
                                is_member ? "name an integer member such as size_t len"
                                          : "name an integer parameter such as size_t len",
                                "%s=%s refers to '%s', which is %s", attribute, value->name,
                                value->name, i == self ? "the pointer itself" : "not an integer");
            return false;
        }
        value->ref_index = i;
        return true;
    }
    cella_edl_diags_add(diags, CELLA_EDL_DIAG_SIZE_NOT_FOUND, ERROR, value->pos,
                        is_member ? "declare an integer member with that name, or give a number"
                                  : "declare an integer parameter with that name, or give a "
                                    "number",
                        "%s=%s refers to '%s', which is not a %s of %s '%s'", attribute,
                        value->name, value->name, is_member ? "member" : "parameter", owner_kind,
                        owner);
    return false;
}

static void check_param(cella_edl_function_t *fn, size_t index, const struct name_index *names,
                        const cella_edl_check_options_t *options, cella_edl_diags_t *diags)
{
    cella_edl_decl_t *d = &fn->params[index];
    cella_edl_attrs_t *a = &d->attrs;
    if (names->first[index] != index) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_DUPLICATE_NAME, ERROR, d->pos,
                            "rename one of them", "parameter '%s' is declared twice in '%s'",
                            d->name, fn->name);
        return;
    }
    if (is_reserved(fn, d->name)) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_RESERVED_NAME, ERROR, d->pos,
                            "rename the parameter",
                            "parameter name '%s' collides with a name the generated code for "
                            "'%s' uses",
                            d->name, fn->name);
        return;
    }
    if (!check_dimensions(d, diags))
        return;
    bool is_array = d->dim_count > 0;
    if (d->type.kind == CELLA_EDL_TYPE_VOID && d->type.pointer_depth == 0) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_VOID_VALUE, ERROR, d->pos,
                            "write '(void)' or '()' for no parameters, or pass a pointer",
                            "parameter '%s' has type void", d->name);
        return;
    }
    if (!check_foreign_attributes(d, diags))
        return;
    bool bare_foreign = d->type.kind == CELLA_EDL_TYPE_FOREIGN && d->type.pointer_depth == 0;
    d->by_pointer =
        d->type.pointer_depth > 0 || is_array || (bare_foreign && (a->isptr || a->isary));
    if (!d->by_pointer) {
        if (any_pointer_attribute(a)) {
            if (d->type.kind == CELLA_EDL_TYPE_FOREIGN)
                cella_edl_diags_add(diags, CELLA_EDL_DIAG_VALUE_WITH_POINTER_ATTRIBUTES, ERROR,
                                    a->pos,
                                    "if the typedef is a pointer type add isptr, if an array type "
                                    "add isary; otherwise remove the attributes",
                                    "'%s' is considered a plain type but decorated with pointer "
                                    "attributes",
                                    d->type.name);
            else
                cella_edl_diags_add(diags, CELLA_EDL_DIAG_VALUE_WITH_POINTER_ATTRIBUTES, ERROR,
                                    a->pos, "remove the attributes, or pass a pointer or an array",
                                    "'%s' is passed by value, so pointer attributes do not apply",
                                    d->name);
        }
        return;
    }
    if (!check_attribute_combination(d, diags))
        return;
    if (!check_pointer_rules(fn, d, diags))
        return;
    const char *kind = fn->is_ecall ? "ECALL" : "OCALL";
    if (!resolve_reference(&a->size, "size", fn->params, names, index, kind, fn->name, diags))
        return;
    if (!resolve_reference(&a->count, "count", fn->params, names, index, kind, fn->name, diags))
        return;
    if (options->warn_user_check && a->user_check)
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_USER_CHECK, WARNING, a->user_check_pos,
                            "check it with sgx_is_outside_enclave() before use and copy the data "
                            "once",
                            "'%s' is [user_check]: the bridge passes the pointer unchecked",
                            d->name);
}

/* ------------------------------------------------------------------------------------------
 * Struct and union members (Intel: smember_type, get_member_ptr_attr)
 */

static void check_member(cella_edl_composite_t *c, size_t index, const struct name_index *names,
                         cella_edl_diags_t *diags)
{
    cella_edl_decl_t *d = &c->members[index];
    cella_edl_attrs_t *a = &d->attrs;
    const char *kind = c->kind == CELLA_EDL_COMPOSITE_UNION ? "union" : "struct";
    if (names->first[index] != index) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_DUPLICATE_NAME, ERROR, d->pos,
                            "rename one of them", "member '%s' is declared twice in %s '%s'",
                            d->name, kind, c->name);
        return;
    }
    if (!check_dimensions(d, diags))
        return;
    if (d->type.kind == CELLA_EDL_TYPE_VOID && d->type.pointer_depth == 0) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_VOID_VALUE, ERROR, d->pos,
                            "give the member a type, or make it a pointer",
                            "member '%s' has type void", d->name);
        return;
    }
    d->by_pointer = d->type.pointer_depth > 0 || d->dim_count > 0;
    if (a->present) {
        struct {
            bool set;
            cella_edl_pos_t pos;
            const char *name;
        } forbidden[] = {
            {is_set(a->in_pos), a->in_pos, "in"},       {is_set(a->out_pos), a->out_pos, "out"},
            {a->string, a->string_pos, "string"},       {a->wstring, a->wstring_pos, "wstring"},
            {a->isptr, a->isptr_pos, "isptr"},          {a->isary, a->isary_pos, "isary"},
            {a->readonly, a->readonly_pos, "readonly"},
        };
        for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
            if (forbidden[i].set) {
                cella_edl_diags_add(diags, CELLA_EDL_DIAG_MEMBER_ATTRIBUTE, ERROR, forbidden[i].pos,
                                    "members take only size= and count=; the direction comes "
                                    "from the parameter that passes the struct",
                                    "[%s] is not allowed on a struct member", forbidden[i].name);
                return;
            }
        }
        if (a->user_check) {
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_MEMBER_USER_CHECK, WARNING, a->user_check_pos,
                                "remove it; a member without size= or count= is copied as a plain "
                                "pointer value",
                                "[user_check] has no effect on a struct member");
            a->user_check = false;
        }
    }
    bool sized = a->size.kind != CELLA_EDL_VALUE_NONE || a->count.kind != CELLA_EDL_VALUE_NONE;
    if (!sized) {
        if (d->type.pointer_depth > 0)
            c->has_plain_pointers = true;
        return;
    }
    if (!d->by_pointer) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_VALUE_WITH_POINTER_ATTRIBUTES, ERROR, a->pos,
                            "remove size=/count=, or make the member a pointer",
                            "member '%s' is not a pointer, so size= and count= do not apply",
                            d->name);
        return;
    }
    if (d->dim_count > 0) {
        if (d->type.pointer_depth > 0)
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_POINTER_ARRAY, ERROR, d->pos,
                                "use one pointer member with count= instead",
                                "'%s' is an array of pointers, which the bridge cannot copy",
                                d->name);
        else
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_SIZE_ON_ARRAY, ERROR,
                                a->size.kind != CELLA_EDL_VALUE_NONE ? a->size.pos : a->count.pos,
                                "the dimensions give the size; remove it",
                                "[%s] cannot be used on '%s', which is declared as an array",
                                a->size.kind != CELLA_EDL_VALUE_NONE ? "size" : "count", d->name);
        return;
    }
    if (d->type.kind == CELLA_EDL_TYPE_VOID && d->type.pointer_depth == 1 &&
        a->size.kind == CELLA_EDL_VALUE_NONE) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_VOID_POINTER_SIZE, ERROR, d->pos,
                            "add size=<byte count member>",
                            "void pointer '%s' has no size: the bridge cannot know how many "
                            "bytes to copy",
                            d->name);
        return;
    }
    if (!resolve_reference(&a->size, "size", c->members, names, index, "struct", c->name, diags))
        return;
    if (!resolve_reference(&a->count, "count", c->members, names, index, "struct", c->name, diags))
        return;
    c->is_deep_copy = true;
}

static bool check_enum(cella_edl_composite_t *c, cella_edl_diags_t *diags)
{
    struct name_index names;
    if (!index_create(&names, c->enumerator_count, diags))
        return false;
    for (size_t i = 0; i < c->enumerator_count; i++)
        names.items[i] = (struct named){c->enumerators[i].name, i};
    index_sort(&names);
    for (size_t i = 0; i < c->enumerator_count; i++) {
        size_t first = names.first[i];
        if (first == i)
            continue;
        const cella_edl_enumerator_t *earlier = &c->enumerators[first];
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_DUPLICATE_ENUMERATOR, ERROR,
                            c->enumerators[i].pos,
                            "rename one of them; enumerators share one namespace in C",
                            "enumerator '%s' is already defined at %s:%u:%u",
                            c->enumerators[i].name, earlier->pos.file ? earlier->pos.file : "",
                            (unsigned)earlier->pos.line, (unsigned)earlier->pos.column);
    }
    index_destroy(&names);
    return true;
}

void cella_edl_check_file(cella_edl_file_t *file, const cella_edl_check_options_t *options,
                          cella_edl_diags_t *diags)
{
    for (size_t i = 0; i < file->composite_count; i++) {
        cella_edl_composite_t *c = &file->composites[i];
        if (c->kind == CELLA_EDL_COMPOSITE_ENUM) {
            if (!check_enum(c, diags))
                return;
            continue;
        }
        struct name_index names;
        if (!index_decls(&names, c->members, c->member_count, diags))
            return;
        for (size_t m = 0; m < c->member_count; m++)
            check_member(c, m, &names, diags);
        index_destroy(&names);
    }
    for (int pass = 0; pass < 2; pass++) {
        cella_edl_function_t *fns = pass == 0 ? file->ecalls : file->ocalls;
        size_t count = pass == 0 ? file->ecall_count : file->ocall_count;
        for (size_t i = 0; i < count; i++) {
            cella_edl_function_t *fn = &fns[i];
            struct name_index names;
            if (!index_decls(&names, fn->params, fn->param_count, diags))
                return;
            for (size_t p = 0; p < fn->param_count; p++)
                check_param(fn, p, &names, options, diags);
            index_destroy(&names);
        }
    }
}

/* ------------------------------------------------------------------------------------------
 * Program (Intel: CodeGen.ml check_duplication, check_structure, check_allow_list,
 * check_priv_funcs)
 */

struct program_indexes {
    struct name_index composites; /* by name; anonymous enums are named "" */
    struct name_index functions;  /* ECALLs, then OCALLs */
};

static const cella_edl_function_t *function_at(const cella_edl_program_t *program, size_t i)
{
    return i < program->ecall_count ? program->ecalls[i]
                                    : program->ocalls[i - program->ecall_count];
}

static bool build_indexes(const cella_edl_program_t *program, struct program_indexes *ix,
                          cella_edl_diags_t *diags)
{
    memset(ix, 0, sizeof(*ix));
    if (!index_create(&ix->composites, program->composite_count, diags))
        return false;
    for (size_t i = 0; i < program->composite_count; i++) {
        const char *name = program->composites[i]->name;
        ix->composites.items[i] = (struct named){name != NULL ? name : "", i};
    }
    index_sort(&ix->composites);
    size_t total = program->ecall_count + program->ocall_count;
    if (!index_create(&ix->functions, total, diags)) {
        index_destroy(&ix->composites);
        return false;
    }
    for (size_t i = 0; i < total; i++)
        ix->functions.items[i] = (struct named){function_at(program, i)->name, i};
    index_sort(&ix->functions);
    return true;
}

static void destroy_indexes(struct program_indexes *ix)
{
    index_destroy(&ix->composites);
    index_destroy(&ix->functions);
}

/* The first EDL definition with this name (and kind, unless kind < 0). */
static const cella_edl_composite_t *find_composite(const cella_edl_program_t *program,
                                                   const struct program_indexes *ix,
                                                   const char *name, int kind)
{
    if (name == NULL || name[0] == '\0')
        return NULL;
    size_t i = index_find(&ix->composites, name);
    if (i == SIZE_MAX)
        return NULL;
    const cella_edl_composite_t *c = program->composites[i];
    /* Names are unique once checked; a kind mismatch means the C header's type is meant. */
    return kind < 0 || (int)c->kind == kind ? c : NULL;
}

static void resolve_type(const cella_edl_program_t *program, const struct program_indexes *ix,
                         cella_edl_type_t *type)
{
    switch (type->kind) {
    case CELLA_EDL_TYPE_STRUCT:
        type->definition = find_composite(program, ix, type->name, CELLA_EDL_COMPOSITE_STRUCT);
        break;
    case CELLA_EDL_TYPE_UNION:
        type->definition = find_composite(program, ix, type->name, CELLA_EDL_COMPOSITE_UNION);
        break;
    case CELLA_EDL_TYPE_ENUM:
        type->definition = find_composite(program, ix, type->name, CELLA_EDL_COMPOSITE_ENUM);
        break;
    case CELLA_EDL_TYPE_FOREIGN:
        type->definition = find_composite(program, ix, type->name, -1);
        break;
    case CELLA_EDL_TYPE_VOID:
    case CELLA_EDL_TYPE_CHAR:
    case CELLA_EDL_TYPE_UNSIGNED_CHAR:
    case CELLA_EDL_TYPE_SHORT:
    case CELLA_EDL_TYPE_UNSIGNED_SHORT:
    case CELLA_EDL_TYPE_INT:
    case CELLA_EDL_TYPE_UNSIGNED_INT:
    case CELLA_EDL_TYPE_LONG:
    case CELLA_EDL_TYPE_UNSIGNED_LONG:
    case CELLA_EDL_TYPE_LONG_LONG:
    case CELLA_EDL_TYPE_UNSIGNED_LONG_LONG:
    case CELLA_EDL_TYPE_FLOAT:
    case CELLA_EDL_TYPE_DOUBLE:
    case CELLA_EDL_TYPE_LONG_DOUBLE:
    case CELLA_EDL_TYPE_INT8:
    case CELLA_EDL_TYPE_INT16:
    case CELLA_EDL_TYPE_INT32:
    case CELLA_EDL_TYPE_INT64:
    case CELLA_EDL_TYPE_UINT8:
    case CELLA_EDL_TYPE_UINT16:
    case CELLA_EDL_TYPE_UINT32:
    case CELLA_EDL_TYPE_UINT64:
    case CELLA_EDL_TYPE_SIZE_T:
    case CELLA_EDL_TYPE_WCHAR_T:
    case CELLA_EDL_TYPE_BOOL:
        type->definition = NULL;
        break;
    }
}

/* Enumerators of different enums share C's ordinary namespace. */
static bool check_enumerators(const cella_edl_program_t *program, cella_edl_diags_t *diags)
{
    size_t total = 0;
    for (size_t i = 0; i < program->composite_count; i++)
        total += program->composites[i]->enumerator_count;
    struct name_index names;
    const cella_edl_enumerator_t **all = NULL;
    size_t *owner = NULL;
    if (!index_create(&names, total, diags))
        return false;
    if (total > 0) {
        all = cella_edl_malloc(total * sizeof(*all));
        owner = cella_edl_malloc(total * sizeof(*owner));
        if (all == NULL || owner == NULL) {
            cella_edl_free(all);
            cella_edl_free(owner);
            index_destroy(&names);
            cella_edl_diags_add_out_of_memory(diags);
            return false;
        }
    }
    size_t at = 0;
    for (size_t i = 0; i < program->composite_count; i++) {
        const cella_edl_composite_t *c = program->composites[i];
        for (size_t e = 0; e < c->enumerator_count; e++) {
            all[at] = &c->enumerators[e];
            owner[at] = i;
            names.items[at] = (struct named){c->enumerators[e].name, at};
            at++;
        }
    }
    index_sort(&names);
    for (size_t i = 0; i < total; i++) {
        size_t first = names.first[i];
        /* Repeats inside one enum were reported with the file. */
        if (owner[first] == owner[i])
            continue;
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_DUPLICATE_ENUMERATOR, ERROR, all[i]->pos,
                            "rename one of them; enumerators share one namespace in C",
                            "enumerator '%s' is already defined at %s:%u:%u", all[i]->name,
                            all[first]->pos.file ? all[first]->pos.file : "",
                            (unsigned)all[first]->pos.line, (unsigned)all[first]->pos.column);
    }
    cella_edl_free(all);
    cella_edl_free(owner);
    index_destroy(&names);
    return true;
}

static bool check_types(cella_edl_program_t *program, const struct program_indexes *ix,
                        cella_edl_diags_t *diags)
{
    for (size_t i = 0; i < program->composite_count; i++) {
        cella_edl_composite_t *c = program->composites[i];
        size_t first = ix->composites.first[i];
        if (c->name != NULL && first != i) {
            const cella_edl_composite_t *other = program->composites[first];
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_DUPLICATE_TYPE, ERROR, c->pos,
                                "rename one of them; struct, union and enum names share one "
                                "namespace",
                                "'%s' is already defined at %s:%u:%u", c->name,
                                other->pos.file ? other->pos.file : "", (unsigned)other->pos.line,
                                (unsigned)other->pos.column);
        }
        for (size_t m = 0; m < c->member_count; m++) {
            cella_edl_decl_t *member = &c->members[m];
            resolve_type(program, ix, &member->type);
            /* Deep copy goes one level: a deep-copy struct inside another one would travel
             * with its size=/count= pointers as raw values, which its code trusts. */
            const cella_edl_composite_t *inner = member->type.definition;
            if (inner != NULL && inner->kind == CELLA_EDL_COMPOSITE_STRUCT && inner->is_deep_copy &&
                member->type.pointer_depth <= 1 &&
                (member->type.pointer_depth == 0 ||
                 member->attrs.size.kind != CELLA_EDL_VALUE_NONE ||
                 member->attrs.count.kind != CELLA_EDL_VALUE_NONE))
                cella_edl_diags_add(diags, CELLA_EDL_DIAG_DEEP_COPY_NESTED, ERROR, member->pos,
                                    "pass the inner struct as a parameter of its own",
                                    "member '%s' of '%s' is a deep-copy struct ('%s'); deep copy "
                                    "goes one level deep",
                                    member->name, c->name != NULL ? c->name : "(anonymous)",
                                    inner->name);
        }
    }
    return check_enumerators(program, diags);
}

/* Intel's check_structure, for one parameter. */
static void check_struct_use(const cella_edl_function_t *fn, const cella_edl_decl_t *d,
                             cella_edl_diags_t *diags)
{
    const cella_edl_composite_t *def = d->type.definition;
    if (def == NULL || def->kind != CELLA_EDL_COMPOSITE_STRUCT)
        return;
    if (d->type.kind == CELLA_EDL_TYPE_FOREIGN) {
        if (def->is_deep_copy)
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_BARE_DEEP_COPY_NAME, ERROR, d->type.pos,
                                "write 'struct' before the name",
                                "'%s' in '%s' names a deep-copy struct without 'struct'", def->name,
                                fn->name);
        else
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_BARE_STRUCT_NAME, WARNING, d->type.pos,
                                "write 'struct' before the name",
                                "'%s' in '%s' is an EDL struct named without 'struct'", def->name,
                                fn->name);
        return;
    }
    if (d->type.pointer_depth == 0 && d->dim_count == 0) {
        if (def->is_deep_copy)
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_DEEP_COPY_BY_VALUE, ERROR, d->pos,
                                "pass it as [in] struct X* (with count= for several)",
                                "struct '%s' has size=/count= members (a deep copy) and cannot be "
                                "passed by value in '%s'",
                                def->name, fn->name);
        else if (def->has_plain_pointers)
            cella_edl_diags_add(
                diags, CELLA_EDL_DIAG_POINTERS_BY_VALUE, WARNING, d->pos,
                "give the pointer members size= or count= and pass the struct by "
                "pointer",
                "struct '%s' is passed by value in '%s' and its pointer members are "
                "passed as raw pointers: part of the data may not be copied",
                def->name, fn->name);
        return;
    }
    if (def->is_deep_copy && d->dim_count > 0) {
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_DEEP_COPY_ARRAY, ERROR, d->pos,
                            "pass it as [in] struct X* with count= instead of an array",
                            "struct '%s' has size=/count= members (a deep copy) and cannot be "
                            "passed as an array in '%s'",
                            def->name, fn->name);
        return;
    }
    if (def->is_deep_copy && d->type.pointer_depth == 1 &&
        d->attrs.direction == CELLA_EDL_DIRECTION_OUT)
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_DEEP_COPY_OUT, ERROR, d->attrs.out_pos,
                            "use [in, out]: the bridge needs the member sizes from the caller",
                            "struct '%s' has size=/count= members (a deep copy) and cannot be "
                            "passed with only [out] in '%s'",
                            def->name, fn->name);
}

static void check_functions(cella_edl_program_t *program, const struct program_indexes *ix,
                            cella_edl_diags_t *diags)
{
    size_t total = program->ecall_count + program->ocall_count;
    for (size_t i = 0; i < total; i++) {
        cella_edl_function_t *fn = i < program->ecall_count
                                       ? program->ecalls[i]
                                       : program->ocalls[i - program->ecall_count];
        size_t first = ix->functions.first[i];
        if (first != i) {
            const cella_edl_function_t *other = function_at(program, first);
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_DUPLICATE_FUNCTION, ERROR, fn->pos,
                                "rename one of them; ECALLs and OCALLs share one namespace",
                                "function '%s' is already declared at %s:%u:%u", fn->name,
                                other->pos.file ? other->pos.file : "", (unsigned)other->pos.line,
                                (unsigned)other->pos.column);
        }
        resolve_type(program, ix, &fn->return_type);
        const cella_edl_composite_t *returned = fn->return_type.definition;
        if (returned != NULL && returned->kind == CELLA_EDL_COMPOSITE_STRUCT &&
            returned->is_deep_copy && fn->return_type.pointer_depth == 0)
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_DEEP_COPY_RETURN, ERROR, fn->return_type.pos,
                                "return it through an [in, out] struct X* parameter",
                                "struct '%s' has size=/count= members (a deep copy) and cannot be "
                                "returned by value from '%s'",
                                returned->name, fn->name);
        for (size_t p = 0; p < fn->param_count; p++) {
            resolve_type(program, ix, &fn->params[p].type);
            check_struct_use(fn, &fn->params[p], diags);
        }
    }
}

static bool check_allow_lists(cella_edl_program_t *program, const struct program_indexes *ix,
                              cella_edl_diags_t *diags)
{
    for (size_t o = 0; o < program->ocall_count; o++) {
        cella_edl_function_t *ocall = program->ocalls[o];
        struct name_index listed;
        if (!index_create(&listed, ocall->allow_count, diags))
            return false;
        for (size_t a = 0; a < ocall->allow_count; a++)
            listed.items[a] = (struct named){ocall->allow[a].name, a};
        index_sort(&listed);
        for (size_t a = 0; a < ocall->allow_count; a++) {
            cella_edl_name_t *name = &ocall->allow[a];
            if (listed.first[a] != a)
                cella_edl_diags_add(diags, CELLA_EDL_DIAG_ALLOW_REPEATED, WARNING, name->pos,
                                    "list it once", "'%s' is listed twice in allow(...)",
                                    name->name);
            size_t found = index_find(&ix->functions, name->name);
            if (found != SIZE_MAX && found < program->ecall_count) {
                name->target = program->ecalls[found];
                continue;
            }
            cella_edl_diags_add(
                diags, CELLA_EDL_DIAG_ALLOW_UNKNOWN, ERROR, name->pos,
                found != SIZE_MAX ? "allow(...) lists the ECALLs that may be called while this "
                                    "OCALL runs; remove the OCALL"
                                  : "declare or import the ECALL, or fix the name",
                "OCALL '%s' allows '%s', which is not an ECALL", ocall->name, name->name);
        }
        index_destroy(&listed);
    }
    return true;
}

static void check_privacy(cella_edl_program_t *program, const cella_edl_check_options_t *options,
                          cella_edl_diags_t *diags)
{
    if (options->header_only)
        return;
    bool any_public = false;
    for (size_t e = 0; e < program->ecall_count; e++)
        any_public = any_public || program->ecalls[e]->is_public;
    if (!any_public) {
        cella_edl_pos_t pos = {program->root->path, 0, 0};
        cella_edl_diags_add(diags, CELLA_EDL_DIAG_NO_PUBLIC_ECALL, ERROR, pos,
                            "mark at least one ECALL 'public'; private ones can only be called "
                            "during an OCALL that allows them",
                            "the enclave '%s' contains no public root ECALL",
                            program->enclave_name);
        return;
    }
    bool *allowed = cella_edl_malloc(program->ecall_count * sizeof(*allowed));
    if (allowed == NULL) {
        cella_edl_diags_add_out_of_memory(diags);
        return;
    }
    memset(allowed, 0, program->ecall_count * sizeof(*allowed));
    for (size_t o = 0; o < program->ocall_count; o++) {
        for (size_t a = 0; a < program->ocalls[o]->allow_count; a++) {
            const cella_edl_function_t *target = program->ocalls[o]->allow[a].target;
            if (target != NULL)
                allowed[target->index] = true;
        }
    }
    for (size_t e = 0; e < program->ecall_count; e++) {
        const cella_edl_function_t *ecall = program->ecalls[e];
        if (!ecall->is_public && !allowed[e])
            cella_edl_diags_add(diags, CELLA_EDL_DIAG_PRIVATE_ECALL_UNUSED, WARNING, ecall->pos,
                                "mark it 'public', or add it to the allow(...) of the OCALL it "
                                "serves",
                                "private ECALL '%s' is not listed in any OCALL's allow(...), so "
                                "it can never be called",
                                ecall->name);
    }
    cella_edl_free(allowed);
}

void cella_edl_check_program(cella_edl_program_t *program, const cella_edl_check_options_t *options,
                             cella_edl_diags_t *diags)
{
    struct program_indexes ix;
    if (!build_indexes(program, &ix, diags))
        return;
    if (check_types(program, &ix, diags)) {
        check_functions(program, &ix, diags);
        if (check_allow_lists(program, &ix, diags))
            check_privacy(program, options, diags);
    }
    destroy_indexes(&ix);
}
