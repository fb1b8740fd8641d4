/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/codegen_internal.h: what the parts of the EDL code generator share. */
#ifndef CELLA_EDGER8R_CODEGEN_INTERNAL_H
#define CELLA_EDGER8R_CODEGEN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/defs.h>

#include "ast.h"
#include "codegen.h"

/*
 * The generator writes C text into a growing buffer. Running out of memory only sets
 * `failed`; the caller checks it once at the end.
 */
struct cg_text {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
};

void cg_put(struct cg_text *t, const char *text);
void cg_putf(struct cg_text *t, const char *fmt, ...) CELLA_PRINTF(2, 3);
/* One line: 4 * indent spaces, the formatted text, a newline. */
void cg_line(struct cg_text *t, int indent, const char *fmt, ...) CELLA_PRINTF(3, 4);
void cg_indent(struct cg_text *t, int indent);
void cg_blank(struct cg_text *t);
void cg_text_append(struct cg_text *t, const struct cg_text *other);
void cg_text_clear(struct cg_text *t);

/* How a parameter (or deep-copied struct member) crosses the boundary. */
enum cg_kind {
    CG_VALUE,      /* by value, inside the marshalling struct */
    CG_USER_CHECK, /* a pointer value passed through as a uint64_t */
    CG_BUFFER,     /* [in]/[out]/[in, out]: count * size bytes */
    CG_STRING,     /* [string]: strlen + 1 bytes */
    CG_WSTRING,    /* [wstring]: (wcslen + 1) * sizeof(wchar_t) bytes */
};

/* What is checked about a length given with an explicit size= (security checklist B14). */
enum cg_size_check {
    CG_CHECK_NONE,     /* no element type to check against */
    CG_CHECK_MULTIPLE, /* typed buffer: a whole number of elements */
    CG_CHECK_AT_LEAST, /* struct, union or foreign type: at least one whole element */
};

struct cg_param {
    const cella_edl_decl_t *decl;
    const char *name;
    enum cg_kind kind;
    bool in;                           /* copied towards the callee */
    bool out;                          /* copied back to the caller */
    const cella_edl_composite_t *deep; /* deep-copied struct, or NULL */
    bool has_element_type;             /* cg_put_element_type() has something to say */
    enum cg_size_check size_check;
};

/* Who is generated: the enclave's bridge code or the host's. */
struct cg {
    struct cg_text text;
    const cella_edl_program_t *program;
    const cella_edl_codegen_options_t *options;
    bool trusted;
    /* Per program->composites entry: which deep-copy helpers are used. */
    struct cg_deep_use *deep_uses;
};

struct cg_deep_use {
    bool sizes, take, reserve, copy_to_out, finish, check_within, put, copy_back;
    /* Trusted side, every EDL struct or union: copies that leave no padding bytes (B9). */
    bool scrub, scrub_put, scrub_in_place;
    /* Trusted side, structs with bool members: every bool that arrives is 0 or 1. */
    bool bools;
};

/* Classifies a parameter or member. */
void cg_param_plan(const cella_edl_decl_t *decl, struct cg_param *param);

/* The plans of a function's parameters (an array of fn->param_count, or NULL when there are
 * none or memory ran out: check `failed`). */
struct cg_param *cg_plan_function(const cella_edl_function_t *fn, bool *failed);

bool cg_function_has_input(const cella_edl_function_t *fn);
/* The function gets a pointer into the receiver's input ([in] buffers, strings, structs):
 * what it writes there may be secret, so the trusted runtime wipes the input after the call. */
bool cg_function_exposes_input(const cella_edl_function_t *fn, const struct cg_param *params);
/* A bool by value (one byte that must be 0 or 1), and a buffer of bools. */
bool cg_is_bool_value(const cella_edl_type_t *type);
bool cg_is_bool_buffer(const struct cg_param *param);
bool cg_function_has_output(const cella_edl_function_t *fn);
bool cg_returns_value(const cella_edl_function_t *fn);

/*
 * The tag of a function's result struct, "ms_<f>_out" (its typedef adds "_t"), with '_'
 * appended while that names the marshalling struct of another function (one called <f>_out).
 */
void cg_put_result_tag(struct cg_text *t, const cella_edl_program_t *program,
                       const cella_edl_function_t *fn);

/*
 * The EDL struct or union a type names with exactly `pointer_depth` '*' (0: by value), or
 * NULL (enums, foreign types, built-ins). The trusted side copies such structs member by
 * member into zeroed memory before they leave the enclave (B9).
 */
const cella_edl_composite_t *cg_scrubbed_composite(const cella_edl_type_t *type,
                                                   uint32_t pointer_depth);
/*
 * The same for the elements of a by-pointer parameter: set only when each element is one
 * whole struct or union (no explicit size=, no isptr/isary).
 */
const cella_edl_composite_t *cg_scrubbed_element(const struct cg_param *param);
/* The EDL struct of type (at pointer_depth), when a bool lies in it (in its members or in
 * structs it holds by value), else NULL. Unions are not looked into (the live member is
 * unknown). */
const cella_edl_composite_t *cg_bools_composite(const cella_edl_type_t *type,
                                                uint32_t pointer_depth);
/* The same for the elements of a buffer parameter. */
const cella_edl_composite_t *cg_bools_element(const struct cg_param *param);
/* "struct" or "union". */
const char *cg_composite_keyword(const cella_edl_composite_t *composite);

/* Index of a composite in program->composites (it is there: the tree points into it). */
size_t cg_composite_index(const struct cg *cg, const cella_edl_composite_t *composite);

/* ---- C spelling ---------------------------------------------------------------------- */

/* The type as written ("const char*", "struct foo_t*"); with_const includes "const ". */
void cg_put_type(struct cg_text *t, const cella_edl_type_t *type, bool with_const);
/* A declaration: "const char* name", "int a[2][3]". */
void cg_put_decl(struct cg_text *t, const cella_edl_decl_t *decl);
/* The parameter list of the function as the user wrote it, "void" for none. */
void cg_put_params(struct cg_text *t, const cella_edl_function_t *fn);
/* The attribute block, EDL style: "[in, size=len] ". Nothing for by-value declarations. */
void cg_put_attrs(struct cg_text *t, const cella_edl_decl_t *decl);
/* A one-line description of a function: "int f([in, string] const char* s)". */
void cg_put_signature(struct cg_text *t, const cella_edl_function_t *fn);

/*
 * Expressions about one element of a by-pointer declaration. `access` is prepended to the
 * names size=/count= refer to ("ms.ms_", "", "item->").
 */
void cg_put_element_type(struct cg_text *t, const struct cg_param *param);
void cg_put_element_size(struct cg_text *t, const struct cg_param *param,
                         const cella_edl_decl_t *siblings, const char *access);
void cg_put_align(struct cg_text *t, const struct cg_param *param);
/*
 * Lines computing `target` (a size_t lvalue) as count * size with an overflow check and
 * the B14 check, running `fail` (a statement) when either fails.
 */
void cg_put_length(struct cg_text *t, int indent, const struct cg_param *param,
                   const cella_edl_decl_t *siblings, const char *access, const char *target,
                   const char *fail);

/* ---- Shared parts of the .c files -------------------------------------------------- */

void cg_emit_marshalling_structs(struct cg *cg, const cella_edl_function_t *fn,
                                 const struct cg_param *params);
/* Helper functions recorded in cg->uses and cg->deep_uses, in dependency order. */
void cg_emit_helpers(struct cg *cg);

/* Functions on the caller's side of a call (ECALL proxy, OCALL proxy). */
void cg_emit_sender(struct cg *cg, struct cg_text *t, const cella_edl_function_t *fn,
                    const struct cg_param *params);
/* "sgx_status_t f(sgx_enclave_id_t eid, int* retval, ...)" or "sgx_status_t SGX_CDECL f(...)". */
void cg_put_sender_prototype(struct cg *cg, struct cg_text *t, const cella_edl_function_t *fn);
/* Functions on the callee's side (trusted ECALL bridge, untrusted OCALL bridge). */
void cg_emit_receiver(struct cg *cg, struct cg_text *t, const cella_edl_function_t *fn,
                      const struct cg_param *params);

/* The names the generated code gives each output file. */
void cg_put_ecall_bridge_name(struct cg_text *t, const cella_edl_function_t *fn);
void cg_put_ocall_bridge_name(struct cg_text *t, const struct cg *cg,
                              const cella_edl_function_t *fn);

#endif /* CELLA_EDGER8R_CODEGEN_INTERNAL_H */
