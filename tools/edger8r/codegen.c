/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/codegen.c: the four generated files: headers, tables, and their assembly. */
#include "codegen.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "codegen_internal.h"
#include "memory.h"

const char *cella_edl_codegen_output_suffix(cella_edl_output_t output)
{
    switch (output) {
    case CELLA_EDL_OUTPUT_TRUSTED_HEADER:
        return "_t.h";
    case CELLA_EDL_OUTPUT_TRUSTED_SOURCE:
        return "_t.c";
    case CELLA_EDL_OUTPUT_UNTRUSTED_HEADER:
        return "_u.h";
    case CELLA_EDL_OUTPUT_UNTRUSTED_SOURCE:
        return "_u.c";
    }
    return "";
}

/* ------------------------------------------------------------------------------------------
 * Names the generated code uses
 */

/* Library functions, macros and types the generated functions name. */
static const char *const used_names[] = {
    "memcpy",
    "memset",
    "memchr",
    "strlen",
    "wcslen",
    "errno",
    "offsetof",
    "NULL",
    "SIZE_MAX",
    "uintptr_t",
    "sgx_status_t",
    "sgx_enclave_id_t",
    "sgx_is_within_enclave",
    "sgx_is_outside_enclave",
    "sgx_lfence",
    "SGX_SUCCESS",
    "SGX_ERROR_INVALID_PARAMETER",
    "SGX_ERROR_UNEXPECTED",
    "SGX_CDECL",
    "SGX_STDCALL",
    "SGX_FASTCALL",
    "SGX_DLLIMPORT",
    "SGX_NOCONVENTION",
    "SGX_UBRIDGE",
    "SGX_CAST",
    "SGX_EXTERNC",
};

/* Locals of every generated function. */
static const char *const local_names[] = {"_call",    "_input_end", "_output_end",
                                          "_written", "_errno",     "_retval"};

/* Prefixes of the per-parameter locals ("_len_name"). */
static const char *const local_prefixes[] = {"_len_", "_in_", "_out_", "_p_", "_n_", "_end_"};

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static bool in_list(const char *name, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(name, list[i]) == 0)
            return true;
    }
    return false;
}

/* Whether `name` is a local the generated code declares in the function of `fn`. */
static bool is_local_name(const cella_edl_function_t *fn, const char *name)
{
    if (name[0] != '_')
        return false;
    if (in_list(name, local_names, sizeof(local_names) / sizeof(local_names[0])))
        return true;
    for (size_t i = 0; i < sizeof(local_prefixes) / sizeof(local_prefixes[0]); i++) {
        if (!starts_with(name, local_prefixes[i]))
            continue;
        const char *rest = name + strlen(local_prefixes[i]);
        for (size_t p = 0; p < fn->param_count; p++) {
            if (strcmp(rest, fn->params[p].name) == 0)
                return true;
        }
    }
    return false;
}

static bool is_used_name(const char *name)
{
    return starts_with(name, "cella_") || starts_with(name, "CELLA_") ||
           in_list(name, used_names, sizeof(used_names) / sizeof(used_names[0]));
}

static void report(cella_edl_diags_t *diags, cella_edl_pos_t pos, const char *what,
                   const char *name, const char *fn, const char *hint)
{
    cella_edl_diags_add(diags, CELLA_EDL_DIAG_RESERVED_NAME, CELLA_EDL_SEVERITY_ERROR, pos, hint,
                        "%s name '%s' collides with a name the generated code for '%s' uses", what,
                        name, fn);
}

cella_result_t cella_edl_codegen_check(const cella_edl_program_t *program, cella_edl_diags_t *diags)
{
    if (program == NULL || diags == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    size_t errors = cella_edl_diags_error_count(diags);
    size_t total = program->ecall_count + program->ocall_count;
    const char *enclave = program->enclave_name;
    size_t enclave_length = strlen(enclave);

    for (size_t i = 0; i < total; i++) {
        const cella_edl_function_t *fn = i < program->ecall_count
                                             ? program->ecalls[i]
                                             : program->ocalls[i - program->ecall_count];
        const char *hint = "rename the function";
        if (is_used_name(fn->name) || is_local_name(fn, fn->name) || strcmp(fn->name, "ms") == 0 ||
            strcmp(fn->name, "in") == 0 || strcmp(fn->name, "in_size") == 0 ||
            strcmp(fn->name, "out") == 0 || strcmp(fn->name, "out_size") == 0 ||
            strncmp(fn->name, "ocall_table_", 12) == 0 ||
            strncmp(fn->name, "ocall_bridges_", 14) == 0) {
            report(diags, fn->pos, "function", fn->name, fn->name, hint);
        } else if (strncmp(fn->name, enclave, enclave_length) == 0 &&
                   fn->name[enclave_length] == '_') {
            /* <E>_<ocall> names the untrusted bridge of that OCALL. */
            for (size_t o = 0; o < program->ocall_count; o++) {
                if (strcmp(fn->name + enclave_length + 1, program->ocalls[o]->name) == 0) {
                    report(diags, fn->pos, "function", fn->name, program->ocalls[o]->name, hint);
                    break;
                }
            }
        }
        for (size_t p = 0; p < fn->param_count; p++) {
            const cella_edl_decl_t *d = &fn->params[p];
            if (is_used_name(d->name) || is_local_name(fn, d->name))
                report(diags, d->pos, "parameter", d->name, fn->name, "rename the parameter");
        }
    }
    return cella_edl_diags_error_count(diags) > errors ? CELLA_ERR_INVALID_FORMAT : CELLA_OK;
}

/* ------------------------------------------------------------------------------------------
 * Headers
 */

static bool program_uses_bool(const cella_edl_program_t *program)
{
    for (size_t i = 0; i < program->composite_count; i++) {
        const cella_edl_composite_t *c = program->composites[i];
        for (size_t m = 0; m < c->member_count; m++) {
            if (c->members[m].type.kind == CELLA_EDL_TYPE_BOOL)
                return true;
        }
    }
    size_t total = program->ecall_count + program->ocall_count;
    for (size_t i = 0; i < total; i++) {
        const cella_edl_function_t *fn = i < program->ecall_count
                                             ? program->ecalls[i]
                                             : program->ocalls[i - program->ecall_count];
        if (fn->return_type.kind == CELLA_EDL_TYPE_BOOL)
            return true;
        for (size_t p = 0; p < fn->param_count; p++) {
            if (fn->params[p].type.kind == CELLA_EDL_TYPE_BOOL)
                return true;
        }
    }
    return false;
}

static void put_guard(struct cg_text *t, const char *enclave, const char *suffix)
{
    for (const char *c = enclave; *c != '\0'; c++)
        cg_putf(t, "%c", toupper((unsigned char)*c));
    cg_put(t, suffix);
}

static void emit_composite(struct cg_text *t, const cella_edl_composite_t *c)
{
    if (c->kind == CELLA_EDL_COMPOSITE_ENUM) {
        if (c->name != NULL)
            cg_line(t, 0, "typedef enum %s {", c->name);
        else
            cg_line(t, 0, "enum {");
        for (size_t i = 0; i < c->enumerator_count; i++) {
            const cella_edl_enumerator_t *e = &c->enumerators[i];
            if (e->value.kind == CELLA_EDL_VALUE_NUMBER)
                cg_line(t, 1, "%s = %" PRIu64 ",", e->name, e->value.number);
            else if (e->value.kind == CELLA_EDL_VALUE_NAME)
                cg_line(t, 1, "%s = %s,", e->name, e->value.name);
            else
                cg_line(t, 1, "%s,", e->name);
        }
        if (c->enumerator_count == 0) {
            /* C has no empty enums; the EDL listed no enumerators. */
            cg_line(t, 1, "%s_cella_empty_ = 0, /* the EDL lists no enumerators */",
                    c->name != NULL ? c->name : "anonymous");
        }
        if (c->name != NULL)
            cg_line(t, 0, "} %s;", c->name);
        else
            cg_line(t, 0, "};");
        cg_blank(t);
        return;
    }
    const char *kind = c->kind == CELLA_EDL_COMPOSITE_STRUCT ? "struct" : "union";
    cg_line(t, 0, "#ifndef _%s", c->name);
    cg_line(t, 0, "#define _%s", c->name);
    cg_line(t, 0, "typedef %s %s {", kind, c->name);
    for (size_t i = 0; i < c->member_count; i++) {
        const cella_edl_decl_t *m = &c->members[i];
        cg_indent(t, 1);
        cg_put_decl(t, m);
        cg_put(t, ";");
        if (m->by_pointer && (m->attrs.size.kind != CELLA_EDL_VALUE_NONE ||
                              m->attrs.count.kind != CELLA_EDL_VALUE_NONE)) {
            cg_put(t, " /* ");
            cg_put_attrs(t, m);
            cg_put(t, "deep copy */");
        }
        cg_put(t, "\n");
    }
    cg_line(t, 0, "} %s;", c->name);
    cg_line(t, 0, "#endif");
    cg_blank(t);
}

static void emit_header_start(struct cg *cg, bool trusted)
{
    struct cg_text *t = &cg->text;
    const cella_edl_program_t *program = cg->program;
    const char *side = trusted ? "trusted" : "untrusted";
    cg_line(t, 0, "/* %s_%c.h: the %s side of %s.edl, generated by cella edger8r. Do not edit. */",
            program->root->short_name, trusted ? 't' : 'u', side, program->root->short_name);
    cg_indent(t, 0);
    cg_put(t, "#ifndef ");
    put_guard(t, program->enclave_name, trusted ? "_T_H__\n" : "_U_H__\n");
    cg_put(t, "#define ");
    put_guard(t, program->enclave_name, trusted ? "_T_H__\n" : "_U_H__\n");
    cg_blank(t);
    cg_line(t, 0, "#include <stdint.h>");
    cg_line(t, 0, "#include <wchar.h>");
    cg_line(t, 0, "#include <stddef.h>");
    if (!trusted)
        cg_line(t, 0, "#include <string.h>");
    if (program_uses_bool(program))
        cg_line(t, 0, "#include <stdbool.h> /* bool, built in to Open Enclave's EDL */");
    cg_line(t, 0, "#include \"sgx_edger8r.h\" /* sgx_status_t, cella/bridge.h */");
    cg_blank(t);
    cella_edl_include_t *const *includes =
        trusted ? program->trusted_includes : program->untrusted_includes;
    size_t include_count =
        trusted ? program->trusted_include_count : program->untrusted_include_count;
    for (size_t i = 0; i < include_count; i++)
        cg_line(t, 0, "#include \"%s\"", includes[i]->path);
    if (include_count > 0)
        cg_blank(t);
    cg_line(t, 0, "#include <stdlib.h> /* for size_t */");
    cg_blank(t);
    cg_line(t, 0, "#define SGX_CAST(type, item) ((type)(item))");
    cg_blank(t);
    cg_line(t, 0, "#ifdef __cplusplus");
    cg_line(t, 0, "extern \"C\" {");
    cg_line(t, 0, "#endif");
    cg_blank(t);
    for (size_t i = 0; i < program->composite_count; i++)
        emit_composite(t, program->composites[i]);
}

static void emit_header_end(struct cg_text *t)
{
    cg_blank(t);
    cg_line(t, 0, "#ifdef __cplusplus");
    cg_line(t, 0, "}");
    cg_line(t, 0, "#endif /* __cplusplus */");
    cg_blank(t);
    cg_line(t, 0, "#endif");
}

static void emit_trusted_header(struct cg *cg)
{
    struct cg_text *t = &cg->text;
    const cella_edl_program_t *program = cg->program;
    emit_header_start(cg, true);
    if (program->ecall_count > 0)
        cg_line(t, 0, "/* ECALLs: the enclave implements them. */");
    for (size_t i = 0; i < program->ecall_count; i++) {
        const cella_edl_function_t *fn = program->ecalls[i];
        cg_indent(t, 0);
        cg_put_type(t, &fn->return_type, true);
        cg_putf(t, " %s(", fn->name);
        cg_put_params(t, fn);
        cg_put(t, ");\n");
    }
    if (program->ocall_count > 0) {
        cg_blank(t);
        cg_line(t, 0, "/* OCALLs: proxies that call the host's implementations. */");
    }
    for (size_t i = 0; i < program->ocall_count; i++) {
        cg_indent(t, 0);
        cg_put_sender_prototype(cg, t, program->ocalls[i]);
        cg_put(t, ";\n");
    }
    emit_header_end(t);
}

static const char *call_conv_macro(cella_edl_call_conv_t conv)
{
    switch (conv) {
    case CELLA_EDL_CALL_CONV_CDECL:
        return "SGX_CDECL";
    case CELLA_EDL_CALL_CONV_STDCALL:
        return "SGX_STDCALL";
    case CELLA_EDL_CALL_CONV_FASTCALL:
        return "SGX_FASTCALL";
    case CELLA_EDL_CALL_CONV_NONE:
        return "SGX_NOCONVENTION";
    }
    return "SGX_NOCONVENTION";
}

static void emit_untrusted_header(struct cg *cg)
{
    struct cg_text *t = &cg->text;
    const cella_edl_program_t *program = cg->program;
    emit_header_start(cg, false);
    if (program->ocall_count > 0)
        cg_line(t, 0, "/* OCALLs: the host implements them. */");
    for (size_t i = 0; i < program->ocall_count; i++) {
        const cella_edl_function_t *fn = program->ocalls[i];
        char guard[300];
        size_t n = 0;
        for (const char *c = fn->name; *c != '\0' && n + 1 < sizeof(guard); c++)
            guard[n++] = (char)toupper((unsigned char)*c);
        guard[n] = '\0';
        cg_line(t, 0, "#ifndef %s_DEFINED__", guard);
        cg_line(t, 0, "#define %s_DEFINED__", guard);
        cg_indent(t, 0);
        cg_put_type(t, &fn->return_type, true);
        cg_putf(t, " %sSGX_UBRIDGE(%s, %s, (", fn->dllimport ? "SGX_DLLIMPORT " : "",
                call_conv_macro(fn->call_conv), fn->name);
        cg_put_params(t, fn);
        cg_put(t, "));\n");
        cg_line(t, 0, "#endif");
    }
    if (program->ecall_count > 0) {
        cg_blank(t);
        cg_line(t, 0, "/* ECALLs: proxies that call the enclave's implementations. */");
    }
    for (size_t i = 0; i < program->ecall_count; i++) {
        cg_indent(t, 0);
        cg_put_sender_prototype(cg, t, program->ecalls[i]);
        cg_put(t, ";\n");
    }
    cg_blank(t);
    cg_line(t, 0, "/* The OCALL table every ECALL of this enclave carries (cella/bridge.h). */");
    cg_line(t, 0, "extern const cella_ocall_table_t ocall_table_%s;", program->enclave_name);
    emit_header_end(t);
}

/* ------------------------------------------------------------------------------------------
 * Sources
 */

/* The ABI, in a comment at the top of each generated .c file. */
static const char *const abi_lines[] = {
    "/*",
    " * Calls pass buffers, not pointers (cella/bridge.h). The input holds the marshalling",
    " * struct ms_<f>_t, then the payloads of the [in] and [in, out] pointers; the output holds",
    " * ms_<f>_out_t (return value, errno), then the payloads of the [out] and [in, out]",
    " * pointers. Payloads are aligned to CELLA_BRIDGE_ALIGN (or more, as their type needs) and",
    " * come in parameter order, a deep-copied struct's member payloads right after it. A",
    " * function without parameters has no ms_<f>_t and an empty input; one without a return",
    " * value and errno has no ms_<f>_out_t. The receiving side checks every reference against",
    " * its own copy before it calls the function; an [in] buffer points into that copy, so the",
    " * callee may write to it and nothing goes back.",
    " */",
    "_Static_assert(sizeof(void *) == sizeof(uint64_t), \"cella bridges need 64-bit pointers\");",
};

static void emit_source_start(struct cg *cg, bool trusted)
{
    struct cg_text *t = &cg->text;
    const cella_edl_program_t *program = cg->program;
    bool uses_errno = false;
    for (size_t i = 0; i < program->ocall_count; i++)
        uses_errno = uses_errno || program->ocalls[i]->propagate_errno;
    cg_line(t, 0, "/* %s_%c.c: the %s side of %s.edl, generated by cella edger8r. Do not edit. */",
            program->root->short_name, trusted ? 't' : 'u', trusted ? "trusted" : "untrusted",
            program->root->short_name);
    cg_line(t, 0, "#include \"%s_%c.h\"", program->root->short_name, trusted ? 't' : 'u');
    cg_blank(t);
    if (uses_errno)
        cg_line(t, 0, "#include <errno.h>");
    cg_line(t, 0, "#include <string.h>");
    cg_blank(t);
    cg_line(t, 0, "#include <cella/bridge.h>");
    cg_line(t, 0, "#include <cella/bridge_checks.h>");
    cg_line(t, 0, "#include <cella/size.h>");
    if (trusted) {
        cg_line(t, 0, "#include \"sgx_lfence.h\"");
        cg_line(t, 0, "#include \"sgx_trts.h\"");
    }
    cg_blank(t);
    for (size_t i = 0; i < sizeof(abi_lines) / sizeof(abi_lines[0]); i++)
        cg_line(t, 0, "%s", abi_lines[i]);
    cg_blank(t);
}

static void emit_ecall_table(struct cg_text *t, const cella_edl_program_t *program)
{
    size_t ecalls = program->ecall_count;
    size_t ocalls = program->ocall_count;
    if (ecalls > 0) {
        cg_line(t, 0,
                "/* The ECALLs in Intel's numbering: bridge, is_private, is_switchless, "
                "writes_output, input_unexposed. */");
        cg_line(t, 0, "static const cella_ecall_entry_t cella_ecalls[%zu] = {", ecalls);
        for (size_t e = 0; e < ecalls; e++) {
            const cella_edl_function_t *fn = program->ecalls[e];
            bool failed = false;
            struct cg_param *params = cg_plan_function(fn, &failed);
            /* Without a plan, say the input is exposed: the runtime then wipes it. */
            bool exposes = failed || cg_function_exposes_input(fn, params);
            cella_edl_free(params);
            cg_indent(t, 1);
            cg_put(t, "{");
            cg_put_ecall_bridge_name(t, fn);
            cg_putf(t, ", %d, %d, 1, %d}, /* %zu */\n", fn->is_public ? 0 : 1,
                    fn->is_switchless ? 1 : 0, exposes ? 0 : 1, e);
        }
        cg_line(t, 0, "};");
        cg_blank(t);
    }
    if (ecalls > 0 && ocalls > 0) {
        cg_line(
            t, 0,
            "/* allow[o * %zu + e] = 1: ECALL e may run while OCALL o is in progress (allow). */",
            ecalls);
        cg_line(t, 0, "static const uint8_t cella_allow[%zu * %zu] = {", ocalls, ecalls);
        for (size_t o = 0; o < ocalls; o++) {
            const cella_edl_function_t *ocall = program->ocalls[o];
            cg_line(t, 1, "/* %zu: %s */", o, ocall->name);
            for (size_t e = 0; e < ecalls; e++) {
                bool allowed = false;
                for (size_t a = 0; a < ocall->allow_count; a++)
                    allowed = allowed || (ocall->allow[a].target != NULL &&
                                          ocall->allow[a].target->index == e);
                if (e % 16 == 0)
                    cg_indent(t, 1);
                cg_putf(t, "%d,", allowed ? 1 : 0);
                cg_put(t, e % 16 == 15 || e + 1 == ecalls ? "\n" : " ");
            }
        }
        cg_line(t, 0, "};");
        cg_blank(t);
    }
    cg_line(t, 0, "/* What the trusted runtime dispatches ECALLs on. */");
    cg_line(t, 0, "const cella_ecall_table_t cella_bridge_ecall_table = {");
    cg_line(t, 1, ".ecall_count = %zu,", ecalls);
    cg_line(t, 1, ".ocall_count = %zu,", ocalls);
    cg_line(t, 1, ".ecalls = %s,", ecalls > 0 ? "cella_ecalls" : "NULL");
    cg_line(t, 1, ".allow = %s,", ecalls > 0 && ocalls > 0 ? "cella_allow" : "NULL");
    cg_line(t, 0, "};");
}

static void emit_ocall_table(struct cg_text *t, const struct cg *cg)
{
    const cella_edl_program_t *program = cg->program;
    const char *enclave = program->enclave_name;
    cg_line(
        t, 0,
        "/* The OCALLs in Intel's numbering; every ECALL made through this file carries them. */");
    if (program->ocall_count > 0) {
        cg_line(t, 0, "static const cella_ocall_bridge_t ocall_bridges_%s[%zu] = {", enclave,
                program->ocall_count);
        for (size_t o = 0; o < program->ocall_count; o++) {
            cg_indent(t, 1);
            cg_put_ocall_bridge_name(t, cg, program->ocalls[o]);
            cg_putf(t, ", /* %zu */\n", o);
        }
        cg_line(t, 0, "};");
        cg_blank(t);
        cg_line(t, 0, "const cella_ocall_table_t ocall_table_%s = {%zu, ocall_bridges_%s};",
                enclave, program->ocall_count, enclave);
    } else {
        cg_line(t, 0, "const cella_ocall_table_t ocall_table_%s = {0, NULL};", enclave);
    }
}

/* The untrusted file: OCALL bridges, the OCALL table, then the ECALL proxies that carry it. */
static void emit_untrusted_source(struct cg *cg)
{
    const cella_edl_program_t *program = cg->program;
    struct cg_text ocalls = {NULL, 0, 0, false};
    struct cg_text ecalls = {NULL, 0, 0, false};
    struct cg_text *t = &cg->text;
    emit_source_start(cg, false);
    for (int pass = 1; pass >= 0; pass--) {
        size_t count = pass == 0 ? program->ecall_count : program->ocall_count;
        for (size_t i = 0; i < count; i++) {
            const cella_edl_function_t *fn = pass == 0 ? program->ecalls[i] : program->ocalls[i];
            bool failed = false;
            struct cg_param *params = cg_plan_function(fn, &failed);
            if (failed) {
                t->failed = true;
                goto out;
            }
            if (pass == 0)
                cg_emit_sender(cg, &ecalls, fn, params);
            else
                cg_emit_receiver(cg, &ocalls, fn, params);
            cella_edl_free(params);
        }
    }
    /* Marshalling structs in numbering order: ECALLs, then OCALLs. */
    for (int pass = 0; pass < 2; pass++) {
        size_t count = pass == 0 ? program->ecall_count : program->ocall_count;
        for (size_t i = 0; i < count; i++) {
            const cella_edl_function_t *fn = pass == 0 ? program->ecalls[i] : program->ocalls[i];
            bool failed = false;
            struct cg_param *params = cg_plan_function(fn, &failed);
            if (failed) {
                t->failed = true;
                goto out;
            }
            cg_emit_marshalling_structs(cg, fn, params);
            cella_edl_free(params);
        }
    }
    cg_emit_helpers(cg);
    cg_text_append(t, &ocalls);
    emit_ocall_table(t, cg);
    if (program->ecall_count > 0)
        cg_blank(t);
    cg_text_append(t, &ecalls);
out:
    cg_text_clear(&ocalls);
    cg_text_clear(&ecalls);
}

/* The trusted file: ECALL bridges, the ECALL table, then the OCALL proxies. */
static void emit_trusted_source(struct cg *cg)
{
    const cella_edl_program_t *program = cg->program;
    struct cg_text ecalls = {NULL, 0, 0, false};
    struct cg_text ocalls = {NULL, 0, 0, false};
    struct cg_text *t = &cg->text;
    emit_source_start(cg, true);
    for (int pass = 0; pass < 2; pass++) {
        size_t count = pass == 0 ? program->ecall_count : program->ocall_count;
        for (size_t i = 0; i < count; i++) {
            const cella_edl_function_t *fn = pass == 0 ? program->ecalls[i] : program->ocalls[i];
            bool failed = false;
            struct cg_param *params = cg_plan_function(fn, &failed);
            if (failed) {
                t->failed = true;
                goto out;
            }
            cg_emit_marshalling_structs(cg, fn, params);
            if (pass == 0)
                cg_emit_receiver(cg, &ecalls, fn, params);
            else
                cg_emit_sender(cg, &ocalls, fn, params);
            cella_edl_free(params);
        }
    }
    cg_emit_helpers(cg);
    cg_text_append(t, &ecalls);
    emit_ecall_table(t, program);
    if (program->ocall_count > 0)
        cg_blank(t);
    cg_text_append(t, &ocalls);
out:
    cg_text_clear(&ecalls);
    cg_text_clear(&ocalls);
}

cella_result_t cella_edl_codegen_generate(const cella_edl_program_t *program,
                                          cella_edl_output_t output,
                                          const cella_edl_codegen_options_t *options, char **text,
                                          size_t *size)
{
    static const cella_edl_codegen_options_t defaults = {false};
    if (program == NULL || text == NULL || size == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if ((int)output < 0 || (int)output >= CELLA_EDL_OUTPUT_COUNT)
        return CELLA_ERR_INVALID_ARGUMENT;
    struct cg cg;
    memset(&cg, 0, sizeof(cg));
    cg.program = program;
    cg.options = options != NULL ? options : &defaults;
    cg.trusted =
        output == CELLA_EDL_OUTPUT_TRUSTED_HEADER || output == CELLA_EDL_OUTPUT_TRUSTED_SOURCE;
    cg.deep_uses = cella_edl_malloc((program->composite_count + 1) * sizeof(*cg.deep_uses));
    if (cg.deep_uses == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    memset(cg.deep_uses, 0, (program->composite_count + 1) * sizeof(*cg.deep_uses));

    switch (output) {
    case CELLA_EDL_OUTPUT_TRUSTED_HEADER:
        emit_trusted_header(&cg);
        break;
    case CELLA_EDL_OUTPUT_TRUSTED_SOURCE:
        emit_trusted_source(&cg);
        break;
    case CELLA_EDL_OUTPUT_UNTRUSTED_HEADER:
        emit_untrusted_header(&cg);
        break;
    case CELLA_EDL_OUTPUT_UNTRUSTED_SOURCE:
        emit_untrusted_source(&cg);
        break;
    }
    cella_edl_free(cg.deep_uses);
    if (cg.text.failed || cg.text.data == NULL) {
        cg_text_clear(&cg.text);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    *text = cg.text.data;
    *size = cg.text.length;
    return CELLA_OK;
}
