/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/codegen_calls.c: the proxies that send calls and the bridges that receive them. */
#include <stdio.h>
#include <string.h>

#include "codegen_internal.h"

#define FAIL_INVALID "return SGX_ERROR_INVALID_PARAMETER;"

static bool is_pointer(const struct cg_param *p)
{
    return p->kind == CG_BUFFER || p->kind == CG_STRING || p->kind == CG_WSTRING;
}

static bool is_string(const struct cg_param *p)
{
    return p->kind == CG_STRING || p->kind == CG_WSTRING;
}

static struct cg_deep_use *deep_use(struct cg *cg, const struct cg_param *p)
{
    return &cg->deep_uses[cg_composite_index(cg, p->deep)];
}

/* A comment line describing one parameter and how it travels. */
static void put_param_comment(struct cg_text *t, int indent, const struct cg_param *p)
{
    cg_indent(t, indent);
    cg_put(t, "/* ");
    cg_put_attrs(t, p->decl);
    cg_put_decl(t, p->decl);
    switch (p->kind) {
    case CG_STRING:
        cg_put(t, ": strlen + 1 bytes");
        break;
    case CG_WSTRING:
        cg_put(t, ": (wcslen + 1) * sizeof(wchar_t) bytes");
        break;
    case CG_BUFFER:
        if (p->decl->attrs.count.kind != CELLA_EDL_VALUE_NONE || p->decl->dim_count > 0)
            cg_put(t, ": count * size bytes");
        else if (p->decl->attrs.size.kind != CELLA_EDL_VALUE_NONE)
            cg_put(t, ": size bytes");
        else
            cg_put(t, ": one element");
        if (p->deep != NULL)
            cg_putf(t, ", each struct %s deep-copied", p->deep->name);
        break;
    case CG_VALUE:
    case CG_USER_CHECK:
        break;
    }
    cg_put(t, " */\n");
}

static void put_function_comment(struct cg_text *t, const cella_edl_function_t *fn)
{
    cg_indent(t, 0);
    if (fn->is_ecall)
        cg_putf(t, "/* ECALL %zu (%s%s): ", fn->index, fn->is_public ? "public" : "private",
                fn->is_switchless ? ", switchless" : "");
    else
        cg_putf(t, "/* OCALL %zu%s%s: ", fn->index, fn->propagate_errno ? " (propagate_errno)" : "",
                fn->is_switchless ? " (switchless)" : "");
    cg_put_signature(t, fn);
    cg_put(t, " */\n");
}

/* ------------------------------------------------------------------------------------------
 * Receivers: the trusted ECALL bridge and the untrusted OCALL bridge
 */

static bool receiver_uses_out(const cella_edl_function_t *fn, const struct cg_param *params)
{
    if (cg_function_has_output(fn))
        return true;
    for (size_t i = 0; i < fn->param_count; i++) {
        if (is_pointer(&params[i]) && params[i].out)
            return true;
    }
    return false;
}

/*
 * The receiver zeroes only the gaps around its [in, out] buffers: it has some, and none is
 * deep-copied (a deep copy places its members' buffers in the output after the copy).
 */
static bool receiver_zeroes_gaps(const cella_edl_function_t *fn, const struct cg_param *params)
{
    bool any = false;
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p) || !p->in || !p->out)
            continue;
        if (p->deep != NULL)
            return false;
        any = true;
    }
    return any;
}

/* An untrusted ECALL proxy's plain [out] or [in, out] payload: the runtime may copy it to
 * the caller during the call (cella_ecall_get_payload()). */
static bool streams_out(bool trusted, const struct cg_param *p)
{
    return !trusted && is_pointer(p) && p->out && p->deep == NULL;
}

bool cg_function_exposes_input(const cella_edl_function_t *fn, const struct cg_param *params)
{
    for (size_t i = 0; i < fn->param_count; i++) {
        if (is_pointer(&params[i]) && params[i].in && !params[i].out)
            return true;
    }
    return false;
}

static void put_call_arguments(struct cg_text *t, const cella_edl_function_t *fn,
                               const struct cg_param *params)
{
    cg_putf(t, "%s(", fn->name);
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (i > 0)
            cg_put(t, ", ");
        switch (p->kind) {
        case CG_VALUE:
            cg_putf(t, "ms.ms_%s", p->name);
            break;
        case CG_USER_CHECK:
            cg_putf(t, "(void *)(uintptr_t)ms.ms_%s", p->name);
            break;
        case CG_BUFFER:
        case CG_STRING:
        case CG_WSTRING:
            cg_putf(t, p->out ? "_p_%s" : "_in_%s", p->name);
            break;
        }
    }
    cg_put(t, ")");
}

void cg_emit_receiver(struct cg *cg, struct cg_text *t, const cella_edl_function_t *fn,
                      const struct cg_param *params)
{
    bool trusted = cg->trusted;
    bool has_input = cg_function_has_input(fn);
    bool has_output = cg_function_has_output(fn);
    bool uses_out = receiver_uses_out(fn, params);

    put_function_comment(t, fn);
    cg_indent(t, 0);
    size_t start = t->length;
    cg_put(t, "static int32_t ");
    if (fn->is_ecall)
        cg_put_ecall_bridge_name(t, fn);
    else
        cg_put_ocall_bridge_name(t, cg, fn);
    size_t column = t->length - start + 1;
    cg_put(t, "(const uint8_t *in, size_t in_size,\n");
    cg_putf(t, "%*suint8_t *out, size_t out_size)\n", (int)column, "");
    cg_line(t, 0, "{");

    /* Locals */
    if (has_input)
        cg_line(t, 1, "ms_%s_t ms;", fn->name);
    cg_line(t, 1, "size_t _input_end = %s;", has_input ? "sizeof(ms)" : "0");
    if (has_output) {
        cg_indent(t, 1);
        cg_put(t, "size_t _output_end = sizeof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t);\n");
    } else
        cg_line(t, 1, "size_t _output_end = 0;");
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p))
            continue;
        cg_line(t, 1, "size_t _len_%s = 0;", p->name);
        if (p->in)
            cg_line(t, 1, "void *_in_%s = NULL;", p->name);
        if (p->out) {
            /* [out] only: SIZE_MAX until reserved (NULL stays SIZE_MAX); [in, out]: the
             * payload's presence says it, and 0 keeps every path's sizes plainly bounded */
            cg_line(t, 1, "size_t _out_%s = %s;", p->name, p->in ? "0" : "SIZE_MAX");
            cg_line(t, 1, "void *_p_%s = NULL;", p->name);
        }
        if (p->deep != NULL)
            cg_line(t, 1, "size_t _n_%s = 0;", p->name);
        if (p->deep != NULL && p->out)
            cg_line(t, 1, "size_t _end_%s = 0;", p->name);
    }
    cg_blank(t);
    if (!has_input)
        cg_line(t, 1, "(void)in;");
    if (!uses_out)
        cg_line(t, 1, "(void)out;");
    if (!has_input || !uses_out)
        cg_blank(t);

    /* The marshalling struct */
    if (has_input) {
        cg_line(t, 1,
                trusted ? "/* The marshalling struct, copied out of the input (already the "
                          "enclave's own copy). */"
                        : "/* The marshalling struct, copied out of the input. */");
        cg_line(t, 1, "if (in == NULL || in_size < sizeof(ms))");
        cg_line(t, 2, FAIL_INVALID);
        cg_line(t, 1, "memcpy(&ms, in, sizeof(ms));");
        for (size_t i = 0; i < fn->param_count; i++) {
            const struct cg_param *p = &params[i];
            if (p->kind != CG_VALUE || !cg_is_bool_value(&p->decl->type))
                continue;
            cg_line(t, 1, "/* %s: bool */", p->name);
            cg_line(t, 1, "if (!cella_bridge_bools_valid(&ms.ms_%s, sizeof(ms.ms_%s)))", p->name,
                    p->name);
            cg_line(t, 2, FAIL_INVALID);
        }
        for (size_t i = 0; trusted && i < fn->param_count; i++) {
            const struct cg_param *p = &params[i];
            const cella_edl_composite_t *c =
                p->kind == CG_VALUE ? cg_bools_composite(&p->decl->type, 0) : NULL;
            if (c == NULL)
                continue;
            cg->deep_uses[cg_composite_index(cg, c)].bools = true;
            cg_line(t, 1, "/* %s: its bools */", p->name);
            cg_line(t, 1, "if (!cella_bools_valid_%s(&ms.ms_%s, 1))", c->name, p->name);
            cg_line(t, 2, FAIL_INVALID);
        }
    }

    /* Inputs, in parameter order */
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (p->kind == CG_USER_CHECK && trusted) {
            cg_blank(t);
            put_param_comment(t, 1, p);
            cg_line(t, 1, "/* passed through, but never pointing into the enclave (B1) */");
            cg_line(t, 1, "if (ms.ms_%s != 0 &&", p->name);
            cg_line(t, 1, "    !sgx_is_outside_enclave((const void *)(uintptr_t)ms.ms_%s, 1))",
                    p->name);
            cg_line(t, 2, FAIL_INVALID);
            continue;
        }
        if (!is_pointer(p))
            continue;
        cg_blank(t);
        put_param_comment(t, 1, p);
        if (is_string(p)) {
            bool wide = p->kind == CG_WSTRING;
            cg_line(t, 1, "if (cella_bridge_take_%s(in, in_size, ms.ms_%s, &_input_end,",
                    wide ? "wstring" : "string", p->name);
            cg_line(t, 1, "%*s&_in_%s, &_len_%s) != 0)", wide ? 30 : 29, "", p->name, p->name);
            cg_line(t, 2, FAIL_INVALID);
            continue;
        }
        char target[300];
        snprintf(target, sizeof(target), "_len_%s", p->name);
        cg_put_length(t, 1, p, fn->params, "ms.ms_", target, FAIL_INVALID);
        if (!p->in)
            continue;
        cg_indent(t, 1);
        cg_putf(t, "if (cella_bridge_take(in, in_size, ms.ms_%s, _len_%s, ", p->name, p->name);
        cg_put_align(t, p);
        cg_put(t, ",\n");
        cg_line(t, 1, "                      &_input_end, &_in_%s) != 0)", p->name);
        cg_line(t, 2, FAIL_INVALID);
        if (cg_is_bool_buffer(p)) {
            cg_line(t, 1, "if (_in_%s != NULL && !cella_bridge_bools_valid(_in_%s, _len_%s))",
                    p->name, p->name, p->name);
            cg_line(t, 2, FAIL_INVALID);
        }
        const cella_edl_composite_t *with_bools = trusted ? cg_bools_element(p) : NULL;
        if (with_bools != NULL) {
            cg->deep_uses[cg_composite_index(cg, with_bools)].bools = true;
            cg_line(t, 1, "if (_in_%s != NULL &&", p->name);
            cg_line(t, 1, "    !cella_bools_valid_%s(_in_%s, _len_%s / sizeof(struct %s)))",
                    with_bools->name, p->name, p->name, with_bools->name);
            cg_line(t, 2, FAIL_INVALID);
        }
        if (p->deep != NULL) {
            deep_use(cg, p)->take = true;
            cg_line(t, 1, "if (_in_%s != NULL) {", p->name);
            cg_line(t, 2, "_n_%s = _len_%s / sizeof(struct %s);", p->name, p->name, p->deep->name);
            cg_line(t, 2, "if (cella_deep_%s_take(in, in_size, _in_%s, _n_%s, &_input_end) != 0)",
                    p->deep->name, p->name, p->name);
            cg_line(t, 3, FAIL_INVALID);
            cg_line(t, 1, "}");
        }
    }

    /* Outputs, in parameter order */
    bool any_out = false;
    for (size_t i = 0; i < fn->param_count; i++)
        any_out = any_out || (is_pointer(&params[i]) && params[i].out);
    if (any_out) {
        cg_blank(t);
        cg_line(t, 1, "/* The output: %sthe [out] and [in, out] payloads in parameter order. */",
                has_output ? "the result struct, then " : "");
    }
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p) || !p->out)
            continue;
        if (!p->in) {
            cg_indent(t, 1);
            cg_putf(t, "if (cella_bridge_take_out(ms.ms_%s, _len_%s, ", p->name, p->name);
            cg_put_align(t, p);
            cg_put(t, ",\n");
            cg_line(t, 1, "                          &_output_end, &_out_%s) != 0)", p->name);
            cg_line(t, 2, FAIL_INVALID);
            continue;
        }
        cg_indent(t, 1);
        cg_putf(t, "if (_in_%s != NULL &&\n", p->name);
        cg_indent(t, 1);
        cg_putf(t, "    cella_bridge_reserve(&_output_end, _len_%s, ", p->name);
        cg_put_align(t, p);
        cg_putf(t, ", &_out_%s) != 0)\n", p->name);
        cg_line(t, 2, FAIL_INVALID);
        if (p->deep != NULL) {
            deep_use(cg, p)->reserve = true;
            cg_line(t, 1, "if (_in_%s != NULL &&", p->name);
            cg_line(t, 1, "    cella_deep_%s_reserve(&_output_end, _in_%s, _n_%s) != 0)",
                    p->deep->name, p->name, p->name);
            cg_line(t, 2, FAIL_INVALID);
        }
    }

    cg_blank(t);
    cg_line(t, 1, "/* Every byte of both buffers is accounted for. */");
    cg_line(t, 1, "if (_input_end != in_size || _output_end != out_size)");
    cg_line(t, 2, FAIL_INVALID);
    if (trusted && (has_input || has_output))
        cg_line(t, 1, "sgx_lfence(); /* no speculation past the checks (A6) */");

    /*
     * The receiver writes every byte of the output itself (the trusted runtime does not zero
     * it first): [out] buffers, the result and padding start zeroed, and [in, out] data is
     * copied in. With plain [in, out] buffers only the gaps between them are zeroed, so a
     * large [in, out] buffer is written once, not twice.
     */
    bool gaps = receiver_zeroes_gaps(fn, params);
    /*
     * In the enclave, plain [in, out] buffers are worked on where the input copy holds them,
     * and the runtime copies them out from there (cella_bridge_output_alias()): a payload
     * crosses into and out of the enclave and is copied nowhere else.
     */
    bool in_place = trusted && gaps;
    if (uses_out && !gaps) {
        cg_line(t, 1, "if (out_size != 0)");
        cg_line(t, 2, "memset(out, 0, out_size); /* [out] buffers and padding start zeroed */");
    }

    /* Output buffers, and [in, out] data moved into them */
    bool blank = false;
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p) || !p->out)
            continue;
        if (!blank) {
            cg_blank(t);
            blank = true;
            if (gaps)
                cg_line(t, 1, "size_t _zeroed = 0; /* out is zeroed or copied up to here */");
        }
        if (!p->in) {
            cg_line(t, 1, "if (_out_%s != SIZE_MAX)", p->name);
            cg_line(t, 2, "_p_%s = out + _out_%s;", p->name, p->name);
            continue;
        }
        cg_line(t, 1, "if (_in_%s != NULL) {", p->name);
        if (in_place) {
            cg_line(t, 2, "_p_%s = _in_%s; /* in place, in the enclave's input copy */", p->name,
                    p->name);
        } else {
            cg_line(t, 2, "_p_%s = out + _out_%s;", p->name, p->name);
        }
        if (gaps) {
            cg_line(t, 2, "if (_out_%s > _zeroed)", p->name);
            cg_line(t, 3, "memset(out + _zeroed, 0, _out_%s - _zeroed);", p->name);
            cg_line(t, 2, "_zeroed = _out_%s + _len_%s;", p->name, p->name);
        }
        if (!in_place)
            cg_line(t, 2, "memcpy(_p_%s, _in_%s, _len_%s);", p->name, p->name, p->name);
        if (p->deep != NULL) {
            deep_use(cg, p)->copy_to_out = true;
            cg_line(t, 2, "_end_%s = _out_%s + _len_%s;", p->name, p->name, p->name);
            cg_line(t, 2, "if (cella_deep_%s_copy_to_out(out, &_end_%s, _p_%s, _n_%s) != 0)",
                    p->deep->name, p->name, p->name, p->name);
            cg_line(t, 3, FAIL_INVALID);
        }
        cg_line(t, 1, "}");
    }

    if (gaps) {
        cg_line(t, 1, "if (out_size > _zeroed)");
        cg_line(t, 2, "memset(out + _zeroed, 0, out_size - _zeroed);");
    }

    /* The call */
    cg_blank(t);
    cg_indent(t, 1);
    if (cg_returns_value(fn)) {
        cg_put_type(t, &fn->return_type, true);
        cg_put(t, " _retval = ");
    }
    put_call_arguments(t, fn, params);
    cg_put(t, ";\n");
    if (fn->propagate_errno && !trusted)
        cg_line(t, 1, "int _errno = errno;");

    /* After the call */
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p) || !p->out)
            continue;
        if (is_string(p)) {
            bool wide = p->kind == CG_WSTRING;
            cg_line(t, 1, "if (_p_%s != NULL) /* the callee may have removed the terminator */",
                    p->name);
            cg_line(t, 2, "cella_bridge_terminate_%s(_p_%s, _len_%s);", wide ? "wstring" : "string",
                    p->name, p->name);
        } else if (p->deep != NULL) {
            deep_use(cg, p)->finish = true;
            cg_line(t, 1, "if (_p_%s != NULL && cella_deep_%s_finish(_p_%s, _in_%s, _n_%s) != 0)",
                    p->name, p->deep->name, p->name, p->name, p->name);
            cg_line(t, 2, "return SGX_ERROR_UNEXPECTED;");
        }
        const cella_edl_composite_t *element = cg_scrubbed_element(p);
        if (trusted && element != NULL) {
            cg->deep_uses[cg_composite_index(cg, element)].scrub_in_place = true;
            cg_line(t, 1, "if (_p_%s != NULL) /* the callee's padding stays inside (B9) */",
                    p->name);
            cg_line(t, 2, "cella_scrub_in_place_%s(_p_%s, _len_%s / sizeof(%s %s));", element->name,
                    p->name, p->name, cg_composite_keyword(element), element->name);
        }
    }
    for (size_t i = 0; in_place && i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p) || !p->in || !p->out)
            continue;
        cg_line(t, 1, "if (_p_%s != NULL &&", p->name);
        cg_line(t, 1, "    cella_bridge_output_alias(out, _out_%s, _p_%s, _len_%s) != 0)", p->name,
                p->name, p->name);
        cg_line(t, 2, "memcpy(out + _out_%s, _p_%s, _len_%s);", p->name, p->name, p->name);
    }
    const cella_edl_composite_t *result =
        cg_returns_value(fn) ? cg_scrubbed_composite(&fn->return_type, 0) : NULL;
    if (trusted && result != NULL) {
        cg->deep_uses[cg_composite_index(cg, result)].scrub = true;
        cg_line(t, 1, "/* member by member: the padding stays in the enclave (B9) */");
        cg_indent(t, 1);
        cg_putf(t, "cella_scrub_%s(out + offsetof(", result->name);
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t, ms_retval), &_retval);\n");
    } else if (trusted && fn->return_type.kind == CELLA_EDL_TYPE_LONG_DOUBLE &&
               fn->return_type.pointer_depth == 0) {
        cg_line(t, 1, "/* the value bytes: the padding stays in the enclave (B9) */");
        cg_indent(t, 1);
        cg_put(t, "cella_bridge_put_long_double(out + offsetof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t, ms_retval), _retval);\n");
    } else if (cg_returns_value(fn)) {
        cg_indent(t, 1);
        cg_put(t, "memcpy(out + offsetof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t, ms_retval), &_retval, sizeof(_retval));\n");
    }
    if (fn->propagate_errno && !trusted) {
        cg_indent(t, 1);
        cg_put(t, "memcpy(out + offsetof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t, ocall_errno), &_errno, sizeof(_errno));\n");
    }
    cg_line(t, 1, "return SGX_SUCCESS;");
    cg_line(t, 0, "}");
    cg_blank(t);
}

/* ------------------------------------------------------------------------------------------
 * Senders: the untrusted ECALL proxy and the trusted OCALL proxy
 */

void cg_put_sender_prototype(struct cg *cg, struct cg_text *t, const cella_edl_function_t *fn)
{
    bool returns = cg_returns_value(fn);
    if (fn->is_ecall) {
        cg_put(t, "sgx_status_t ");
        if (cg->options->use_prefix)
            cg_putf(t, "%s_", cg->program->enclave_name);
        cg_putf(t, "%s(sgx_enclave_id_t eid", fn->name);
        if (returns) {
            cg_put(t, ", ");
            cg_put_type(t, &fn->return_type, true);
            cg_put(t, "* retval");
        }
        for (size_t i = 0; i < fn->param_count; i++) {
            cg_put(t, ", ");
            cg_put_decl(t, &fn->params[i]);
        }
        cg_put(t, ")");
        return;
    }
    cg_putf(t, "sgx_status_t SGX_CDECL %s(", fn->name);
    if (returns) {
        cg_put_type(t, &fn->return_type, true);
        cg_put(t, "* retval");
    }
    for (size_t i = 0; i < fn->param_count; i++) {
        if (i > 0 || returns)
            cg_put(t, ", ");
        cg_put_decl(t, &fn->params[i]);
    }
    if (!returns && fn->param_count == 0)
        cg_put(t, "void");
    cg_put(t, ")");
}

/* The trusted sender's check that an OCALL argument lies inside the enclave. */
static void put_within(struct cg_text *t, int indent, const char *pointer, const char *size)
{
    cg_line(t, indent, "if (!sgx_is_within_enclave(%s, %s))", pointer, size);
    cg_line(t, indent + 1, FAIL_INVALID);
}

void cg_emit_sender(struct cg *cg, struct cg_text *t, const cella_edl_function_t *fn,
                    const struct cg_param *params)
{
    bool trusted = cg->trusted;
    bool has_input = cg_function_has_input(fn);
    bool has_output = cg_function_has_output(fn);
    const char *end_call = trusted ? "cella_ocall_end" : "cella_ecall_end";

    put_function_comment(t, fn);
    cg_indent(t, 0);
    cg_put_sender_prototype(cg, t, fn);
    cg_put(t, "\n{\n");

    /* Locals */
    if (has_input)
        cg_line(t, 1, "ms_%s_t ms;", fn->name);
    cg_line(t, 1, "cella_bridge_call_t _call;");
    cg_line(t, 1, "size_t _input_end = %s;", has_input ? "sizeof(ms)" : "0");
    if (has_output) {
        cg_indent(t, 1);
        cg_put(t, "size_t _output_end = sizeof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t);\n");
    } else
        cg_line(t, 1, "size_t _output_end = 0;");
    if (has_input)
        cg_line(t, 1, "size_t _written = 0;");
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p))
            continue;
        cg_line(t, 1, "size_t _len_%s = 0;", p->name);
        if (p->out)
            cg_line(t, 1, "size_t _out_%s = 0;", p->name);
        if (streams_out(trusted, p))
            cg_line(t, 1, "int _streamed_%s = 0;", p->name);
        if (p->deep != NULL)
            cg_line(t, 1, "size_t _n_%s = 0;", p->name);
    }
    if (trusted && cg_returns_value(fn) && fn->return_type.pointer_depth > 0) {
        cg_indent(t, 1);
        cg_put_type(t, &fn->return_type, true);
        cg_put(t, " _retval = NULL;\n");
    }
    cg_line(t, 1, "int32_t status;");

    /* Sizes and layout, before anything is reserved */
    if (has_input) {
        cg_blank(t);
        cg_line(t, 1, "memset(&ms, 0, sizeof(ms));");
        for (size_t i = 0; i < fn->param_count; i++) {
            const struct cg_param *p = &params[i];
            const cella_edl_composite_t *c =
                p->kind == CG_VALUE ? cg_scrubbed_composite(&p->decl->type, 0) : NULL;
            if (trusted && c != NULL) {
                cg->deep_uses[cg_composite_index(cg, c)].scrub = true;
                cg_line(t, 1, "cella_scrub_%s(&ms.ms_%s, &%s); /* no padding leaves (B9) */",
                        c->name, p->name, p->name);
            } else if (p->kind == CG_VALUE)
                cg_line(t, 1, "ms.ms_%s = %s;", p->name, p->name);
            else if (p->kind == CG_USER_CHECK)
                cg_line(t, 1, "ms.ms_%s = (uint64_t)(uintptr_t)%s; /* [user_check] */", p->name,
                        p->name);
        }
    }
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p))
            continue;
        cg_blank(t);
        put_param_comment(t, 1, p);
        char length[300];
        snprintf(length, sizeof(length), "_len_%s", p->name);
        if (p->kind == CG_STRING) {
            cg_line(t, 1, "if (%s != NULL) {", p->name);
            if (trusted) {
                cg_line(t, 2, "/* OCALL arguments point into the enclave: measure only there */");
                put_within(t, 2, p->name, "1");
            }
            cg_line(t, 2, "_len_%s = strlen((const char *)%s) + 1;", p->name, p->name);
            if (trusted)
                put_within(t, 2, p->name, length);
            cg_line(t, 1, "}");
        } else if (p->kind == CG_WSTRING) {
            cg_line(t, 1, "if (%s != NULL) {", p->name);
            if (trusted) {
                cg_line(t, 2, "/* OCALL arguments point into the enclave: measure only there */");
                put_within(t, 2, p->name, "sizeof(wchar_t)");
            }
            cg_line(t, 2, "if (!cella_size_mul(wcslen(%s) + 1, sizeof(wchar_t), &_len_%s))",
                    p->name, p->name);
            cg_line(t, 3, FAIL_INVALID);
            if (trusted)
                put_within(t, 2, p->name, length);
            cg_line(t, 1, "}");
        } else {
            cg_put_length(t, 1, p, fn->params, "", length, FAIL_INVALID);
            if (trusted) {
                cg_line(t, 1, "/* OCALL arguments point into the enclave */");
                cg_line(t, 1, "if (%s != NULL && _len_%s != 0 &&", p->name, p->name);
                cg_line(t, 1, "    !sgx_is_within_enclave(%s, _len_%s))", p->name, p->name);
                cg_line(t, 2, FAIL_INVALID);
            }
        }
        if (!p->in) {
            cg_indent(t, 1);
            cg_putf(t, "if (cella_bridge_ref_out(&_output_end, %s != NULL ? _len_%s : 0, ", p->name,
                    p->name);
            cg_put_align(t, p);
            cg_put(t, ",\n");
            cg_line(t, 1, "                         &ms.ms_%s, &_out_%s) != 0)", p->name, p->name);
            cg_line(t, 2, FAIL_INVALID);
            continue;
        }
        cg_indent(t, 1);
        if (is_string(p))
            cg_putf(t, "if (cella_bridge_ref_in(&_input_end, _len_%s, ", p->name);
        else
            cg_putf(t, "if (cella_bridge_ref_in(&_input_end, %s != NULL ? _len_%s : 0, ", p->name,
                    p->name);
        cg_put_align(t, p);
        cg_put(t, ",\n");
        cg_line(t, 1, "                        &ms.ms_%s) != 0)", p->name);
        cg_line(t, 2, FAIL_INVALID);
        if (p->deep != NULL) {
            struct cg_deep_use *u = deep_use(cg, p);
            u->reserve = true;
            cg_line(t, 1, "if (ms.ms_%s.size != 0) {", p->name);
            cg_line(t, 2, "_n_%s = _len_%s / sizeof(struct %s);", p->name, p->name, p->deep->name);
            if (trusted) {
                u->check_within = true;
                cg_line(t, 2, "if (cella_deep_%s_check_within(%s, _n_%s) != 0)", p->deep->name,
                        p->name, p->name);
                cg_line(t, 3, FAIL_INVALID);
            }
            cg_line(t, 2, "if (cella_deep_%s_reserve(&_input_end, %s, _n_%s) != 0)", p->deep->name,
                    p->name, p->name);
            cg_line(t, 3, FAIL_INVALID);
            cg_line(t, 1, "}");
        }
        if (!p->out)
            continue;
        cg_indent(t, 1);
        cg_putf(t, "if (ms.ms_%s.size != 0 &&\n", p->name);
        cg_indent(t, 1);
        cg_putf(t, "    cella_bridge_reserve(&_output_end, _len_%s, ", p->name);
        cg_put_align(t, p);
        cg_putf(t, ", &_out_%s) != 0)\n", p->name);
        cg_line(t, 2, FAIL_INVALID);
        if (p->deep != NULL) {
            cg_line(t, 1, "if (ms.ms_%s.size != 0 &&", p->name);
            cg_line(t, 1, "    cella_deep_%s_reserve(&_output_end, %s, _n_%s) != 0)", p->deep->name,
                    p->name, p->name);
            cg_line(t, 2, FAIL_INVALID);
        }
    }

    /* The call */
    cg_blank(t);
    if (trusted)
        cg_line(t, 1, "status = cella_ocall_begin(&_call, _input_end, _output_end);");
    else
        cg_line(t, 1, "status = cella_ecall_begin(eid, &_call, _input_end, _output_end);");
    bool needs_label = false;
    cg_line(t, 1, "if (status != SGX_SUCCESS)");
    if (trusted) {
        cg_line(t, 2, "goto out; /* cella_ocall_end is safe after any result */");
        needs_label = true;
    } else {
        cg_line(t, 2, "return (sgx_status_t)status;");
    }
    if (has_input) {
        cg_line(
            t, 1,
            "/* The input: the marshalling struct, then the payloads; each byte written once. */");
        cg_line(t, 1, "status = SGX_ERROR_INVALID_PARAMETER;");
        cg_line(
            t, 1,
            "if (cella_bridge_put(_call.in, _call.in_size, &_written, 0, &ms, sizeof(ms)) != 0)");
        cg_line(t, 2, "goto out;");
        for (size_t i = 0; i < fn->param_count; i++) {
            const struct cg_param *p = &params[i];
            if (!is_pointer(p) || !p->in)
                continue;
            cg_line(t, 1, "if (ms.ms_%s.size != 0 &&", p->name);
            if (p->deep != NULL) {
                deep_use(cg, p)->put = true;
                cg_line(t, 1,
                        "    cella_deep_%s_put(_call.in, _call.in_size, &_written, "
                        "(size_t)ms.ms_%s.offset,",
                        p->deep->name, p->name);
                cg_line(t, 1, "                     %s, _n_%s) != 0)", p->name, p->name);
            } else if (trusted && cg_scrubbed_element(p) != NULL) {
                const cella_edl_composite_t *c = cg_scrubbed_element(p);
                cg->deep_uses[cg_composite_index(cg, c)].scrub_put = true;
                cg_line(t, 1,
                        "    cella_scrub_put_%s(_call.in, _call.in_size, &_written, "
                        "(size_t)ms.ms_%s.offset,",
                        c->name, p->name);
                cg_line(t, 1, "%*s%s, _len_%s / sizeof(%s %s)) != 0)",
                        (int)strlen("    cella_scrub_put_(") + (int)strlen(c->name), "", p->name,
                        p->name, cg_composite_keyword(c), c->name);
            } else if (!trusted) {
                /* the runtime may copy it during the call, while the enclave takes it in */
                cg_line(t, 1,
                        "    cella_ecall_put_payload(&_call, &_written, (size_t)ms.ms_%s.offset,",
                        p->name);
                cg_line(t, 1, "                            %s, _len_%s) != 0)", p->name, p->name);
            } else {
                cg_line(t, 1,
                        "    cella_bridge_put(_call.in, _call.in_size, &_written, "
                        "(size_t)ms.ms_%s.offset,",
                        p->name);
                cg_line(t, 1, "                     %s, _len_%s) != 0)", p->name, p->name);
            }
            cg_line(t, 2, "goto out;");
        }
        cg_line(t, 1, "if (_written != _call.in_size)");
        cg_line(t, 2, "goto out;");
        needs_label = true;
    }
    /* Output payloads the runtime may copy to the caller as the enclave writes them */
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!streams_out(trusted, p))
            continue;
        cg_line(t, 1, "if (ms.ms_%s.size != 0)", p->name);
        if (p->decl->type.is_const)
            cg_line(t, 2,
                    "_streamed_%s = cella_ecall_get_payload(&_call, _out_%s, "
                    "(void *)(uintptr_t)%s, _len_%s);",
                    p->name, p->name, p->name, p->name);
        else
            cg_line(t, 2, "_streamed_%s = cella_ecall_get_payload(&_call, _out_%s, %s, _len_%s);",
                    p->name, p->name, p->name, p->name);
    }
    if (trusted)
        cg_line(t, 1, "status = cella_ocall_invoke(&_call, %zu);", fn->index);
    else
        cg_line(t, 1, "status = cella_ecall_invoke(&_call, %zu, &ocall_table_%s);", fn->index,
                cg->program->enclave_name);

    /* Results, read only on success */
    bool any_out = false;
    for (size_t i = 0; i < fn->param_count; i++)
        any_out = any_out || (is_pointer(&params[i]) && params[i].out);
    if (has_output || any_out) {
        cg_line(t, 1, "if (status != SGX_SUCCESS)");
        cg_line(t, 2, "goto out;");
        needs_label = true;
        if (trusted)
            cg_line(t, 1,
                    "/* The runtime's private copy of the output; lengths are the enclave's own "
                    "(B6). */");
    }
    if (trusted) {
        /* Bools from the host are checked before anything is copied (Iago). */
        bool bool_retval = cg_returns_value(fn) && cg_is_bool_value(&fn->return_type);
        for (size_t i = 0; i <= fn->param_count; i++) {
            bool last = i == fn->param_count;
            const struct cg_param *p = last ? NULL : &params[i];
            if (last ? !bool_retval : !(p->out && cg_is_bool_buffer(p)))
                continue;
            cg_indent(t, 1);
            if (last) {
                cg_put(t, "if (!cella_bridge_bools_valid(_call.out + offsetof(");
                cg_put_result_tag(t, cg->program, fn);
                cg_put(t, "_t, ms_retval), sizeof(bool))) {\n");
            } else {
                cg_putf(t, "if (ms.ms_%s.size != 0 &&\n", p->name);
                cg_line(t, 1, "    !cella_bridge_bools_valid(_call.out + _out_%s, _len_%s)) {",
                        p->name, p->name);
            }
            cg_line(t, 2, "status = SGX_ERROR_UNEXPECTED;");
            cg_line(t, 2, "goto out;");
            cg_line(t, 1, "}");
        }
        /* And the bools inside structs: the result, and the elements of [out] buffers. */
        for (size_t i = 0; i <= fn->param_count; i++) {
            bool last = i == fn->param_count;
            const struct cg_param *p = last ? NULL : &params[i];
            const cella_edl_composite_t *c =
                last ? (cg_returns_value(fn) ? cg_bools_composite(&fn->return_type, 0) : NULL)
                     : (p->out ? cg_bools_element(p) : NULL);
            if (c == NULL)
                continue;
            cg->deep_uses[cg_composite_index(cg, c)].bools = true;
            cg_indent(t, 1);
            if (last) {
                cg_putf(t, "if (!cella_bools_valid_%s(_call.out + offsetof(", c->name);
                cg_put_result_tag(t, cg->program, fn);
                cg_put(t, "_t, ms_retval), 1)) {\n");
            } else {
                cg_putf(t, "if (ms.ms_%s.size != 0 &&\n", p->name);
                cg_line(t, 1, "    !cella_bools_valid_%s(_call.out + _out_%s,", c->name, p->name);
                cg_line(t, 1, "%*s_len_%s / sizeof(struct %s))) {",
                        (int)strlen("    !cella_bools_valid_(") + (int)strlen(c->name), "", p->name,
                        c->name);
            }
            cg_line(t, 2, "status = SGX_ERROR_UNEXPECTED;");
            cg_line(t, 2, "goto out;");
            cg_line(t, 1, "}");
        }
    }
    bool pointer_result = trusted && cg_returns_value(fn) && fn->return_type.pointer_depth > 0;
    if (pointer_result) {
        /* Iago: a host pointer into the enclave would make the enclave act on its own memory. */
        cg_indent(t, 1);
        cg_put(t, "memcpy(&_retval, _call.out + offsetof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t, ms_retval), sizeof(_retval));\n");
        cg_line(t, 1, "/* A returned pointer must lie outside the enclave (B6); its size is");
        cg_line(t, 1, " * unknown, so only its first byte can be checked. */");
        cg_line(t, 1, "if (_retval != NULL && !sgx_is_outside_enclave(_retval, 1)) {");
        cg_line(t, 2, "status = SGX_ERROR_UNEXPECTED;");
        cg_line(t, 2, "goto out;");
        cg_line(t, 1, "}");
    }
    if (pointer_result) {
        cg_line(t, 1, "if (retval != NULL)");
        cg_line(t, 2, "*retval = _retval;");
    } else if (cg_returns_value(fn)) {
        cg_line(t, 1, "if (retval != NULL)");
        cg_indent(t, 2);
        cg_put(t, "memcpy(retval, _call.out + offsetof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t, ms_retval), sizeof(*retval));\n");
    }
    if (fn->propagate_errno && trusted) {
        cg_line(t, 1, "{");
        cg_line(t, 2, "int _errno;");
        cg_blank(t);
        cg_indent(t, 2);
        cg_put(t, "memcpy(&_errno, _call.out + offsetof(");
        cg_put_result_tag(t, cg->program, fn);
        cg_put(t, "_t, ocall_errno), sizeof(_errno));\n");
        cg_line(t, 2, "errno = _errno; /* only on success */");
        cg_line(t, 1, "}");
    }
    for (size_t i = 0; i < fn->param_count; i++) {
        const struct cg_param *p = &params[i];
        if (!is_pointer(p) || !p->out)
            continue;
        if (p->deep != NULL) {
            deep_use(cg, p)->copy_back = true;
            cg_line(t, 1, "if (ms.ms_%s.size != 0 &&", p->name);
            cg_line(t, 1,
                    "    cella_deep_%s_copy_back(_call.out, _call.out_size, _out_%s, %s, _n_%s) != "
                    "0) {",
                    p->deep->name, p->name, p->name, p->name);
            cg_line(t, 2, "status = SGX_ERROR_UNEXPECTED;");
            cg_line(t, 2, "goto out;");
            cg_line(t, 1, "}");
            continue;
        }
        if (streams_out(trusted, p))
            cg_line(t, 1, "if (ms.ms_%s.size != 0 && !_streamed_%s) {", p->name, p->name);
        else
            cg_line(t, 1, "if (ms.ms_%s.size != 0) {", p->name);
        if (p->decl->type.is_const) /* const void* with [in, out]: Intel writes back anyway */
            cg_line(t, 2, "memcpy((void *)(uintptr_t)%s, _call.out + _out_%s, _len_%s);", p->name,
                    p->name, p->name);
        else
            cg_line(t, 2, "memcpy(%s, _call.out + _out_%s, _len_%s);", p->name, p->name, p->name);
        if (trusted && is_string(p)) {
            bool wide = p->kind == CG_WSTRING;
            cg_line(t, 2, "cella_bridge_terminate_%s(%s, _len_%s);", wide ? "wstring" : "string",
                    p->name, p->name);
        }
        cg_line(t, 1, "}");
    }
    if (needs_label)
        cg_line(t, 0, "out:");
    cg_line(t, 1, "%s(&_call);", end_call);
    cg_line(t, 1, "return (sgx_status_t)status;");
    cg_line(t, 0, "}");
    cg_blank(t);
}
