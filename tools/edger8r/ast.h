/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/ast.h: the checked EDL syntax tree that the code generator reads. */
#ifndef CELLA_EDGER8R_AST_H
#define CELLA_EDGER8R_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/defs.h>

#include "diag.h"

CELLA_EXTERN_C_BEGIN

/*
 * How to read this tree
 * ---------------------
 * cella_edl_load() (edl.h) returns a cella_edl_program_t: the root EDL file with every import
 * resolved, every rule checked and every ECALL and OCALL numbered exactly as Intel's
 * sgx_edger8r numbers them. A generator walks program->ecalls, program->ocalls,
 * program->composites and the two include lists and never needs the source again.
 *
 * Everything is owned by the program and released by cella_edl_program_destroy(); all
 * pointers stay valid until then. The front end fills the tree in and never touches it
 * after loading: treat it as read-only (then several threads may read one program).
 *
 * Intel's model, which this tree keeps:
 *  - A parameter or member is either passed by value or "by pointer" (Intel's PTPtr):
 *    written with '*', declared as an array, or a foreign typedef marked isptr or isary.
 *    decl->by_pointer says which; only by-pointer declarations carry attributes.
 *  - Arrays are marshalled as pointers with count = product of the dimensions
 *    (cella_edl_decl_element_count()).
 *  - size= is the size of ONE element in bytes (default sizeof the pointed-to type, or
 *    sizeof(*p) for isptr), count= the number of elements (default 1); the buffer is
 *    count * size bytes. A string is strlen+1 bytes, a wstring (wcslen+1)*sizeof(wchar_t).
 *  - "const" is kept exactly as written (type.is_const); the generator emits "const " in
 *    front of the type where the user wrote it. The readonly attribute never emits const.
 */

/* The spelled base type of a declaration. */
typedef enum cella_edl_type_kind {
    CELLA_EDL_TYPE_VOID = 0,
    CELLA_EDL_TYPE_CHAR,
    CELLA_EDL_TYPE_UNSIGNED_CHAR,
    CELLA_EDL_TYPE_SHORT,              /* short, short int */
    CELLA_EDL_TYPE_UNSIGNED_SHORT,     /* unsigned short [int] */
    CELLA_EDL_TYPE_INT,                /* int */
    CELLA_EDL_TYPE_UNSIGNED_INT,       /* unsigned, unsigned int */
    CELLA_EDL_TYPE_LONG,               /* long, long int */
    CELLA_EDL_TYPE_UNSIGNED_LONG,      /* unsigned long [int] */
    CELLA_EDL_TYPE_LONG_LONG,          /* long long */
    CELLA_EDL_TYPE_UNSIGNED_LONG_LONG, /* unsigned long long */
    CELLA_EDL_TYPE_FLOAT,
    CELLA_EDL_TYPE_DOUBLE,
    CELLA_EDL_TYPE_LONG_DOUBLE,
    CELLA_EDL_TYPE_INT8,
    CELLA_EDL_TYPE_INT16,
    CELLA_EDL_TYPE_INT32,
    CELLA_EDL_TYPE_INT64,
    CELLA_EDL_TYPE_UINT8,
    CELLA_EDL_TYPE_UINT16,
    CELLA_EDL_TYPE_UINT32,
    CELLA_EDL_TYPE_UINT64,
    CELLA_EDL_TYPE_SIZE_T,
    CELLA_EDL_TYPE_WCHAR_T,
    CELLA_EDL_TYPE_BOOL,    /* Open Enclave's built-in bool; emitted as "bool" (needs stdbool.h) */
    CELLA_EDL_TYPE_STRUCT,  /* struct <name> */
    CELLA_EDL_TYPE_UNION,   /* union <name> */
    CELLA_EDL_TYPE_ENUM,    /* enum <name> */
    CELLA_EDL_TYPE_FOREIGN, /* any other identifier: a typedef from an included header */
} cella_edl_type_kind_t;

#define CELLA_EDL_TYPE_KIND_COUNT ((int)CELLA_EDL_TYPE_FOREIGN + 1)

typedef struct cella_edl_file cella_edl_file_t;
typedef struct cella_edl_composite cella_edl_composite_t;
typedef struct cella_edl_function cella_edl_function_t;

/* A type as written: [const] base '*'... */
typedef struct cella_edl_type {
    cella_edl_type_kind_t kind;
    const char *name;       /* STRUCT/UNION/ENUM tag or FOREIGN name; NULL for built-ins */
    uint32_t pointer_depth; /* number of '*' */
    bool is_const;          /* "const T *": only ever set on pointer parameters */
    cella_edl_pos_t pos;    /* the first token of the type */
    /*
     * The EDL definition this type names, NULL when it names none (a type from a C header,
     * or a built-in). Set for STRUCT/UNION/ENUM names defined in the program, and for a
     * FOREIGN name equal to the name of an EDL struct, union or enum (Intel emits
     * "typedef struct X {...} X;", so the bare name is usable in C).
     */
    const cella_edl_composite_t *definition;
} cella_edl_type_t;

/* The value of size=, count=, an array dimension or an enumerator. */
typedef enum cella_edl_value_kind {
    CELLA_EDL_VALUE_NONE = 0, /* not given */
    CELLA_EDL_VALUE_NUMBER,   /* a decimal literal */
    CELLA_EDL_VALUE_NAME,     /* an identifier */
} cella_edl_value_kind_t;

typedef struct cella_edl_value {
    cella_edl_value_kind_t kind;
    uint64_t number;     /* NUMBER */
    const char *name;    /* NAME */
    cella_edl_pos_t pos; /* the value token (the attribute name for size/count) */
    /*
     * For size=/count= naming a parameter (member, in a struct): its index in the
     * function's params (the struct's members). SIZE_MAX otherwise. An array dimension or an
     * enumerator that is a NAME is a C constant from a header (Open Enclave extension for
     * dimensions), emitted verbatim.
     */
    size_t ref_index;
} cella_edl_value_t;

typedef enum cella_edl_direction {
    CELLA_EDL_DIRECTION_NONE = 0,
    CELLA_EDL_DIRECTION_IN,
    CELLA_EDL_DIRECTION_OUT,
    CELLA_EDL_DIRECTION_IN_OUT,
} cella_edl_direction_t;

/*
 * The attribute block of a by-pointer parameter or member, after checking. Positions of
 * absent attributes have line 0.
 */
typedef struct cella_edl_attrs {
    bool present;        /* an attribute block was written */
    cella_edl_pos_t pos; /* its '[' */
    cella_edl_direction_t direction;
    bool user_check;         /* no check, no copy: the pointer value is passed through */
    bool string;             /* char* / unsigned char*, NUL-terminated */
    bool wstring;            /* wchar_t*, NUL-terminated */
    bool isptr;              /* the foreign typedef is a pointer type */
    bool isary;              /* the foreign typedef is an array type */
    bool readonly;           /* with isptr: the pointed-to data is not written back */
    cella_edl_value_t size;  /* bytes of one element; kind NONE when not given */
    cella_edl_value_t count; /* number of elements; kind NONE when not given */
    cella_edl_pos_t in_pos, out_pos, user_check_pos, string_pos, wstring_pos, isptr_pos, isary_pos,
        readonly_pos;
} cella_edl_attrs_t;

/* A parameter of a function, or a member of a struct or union. */
typedef struct cella_edl_decl {
    const char *name;
    cella_edl_pos_t pos; /* the name */
    cella_edl_type_t type;
    cella_edl_value_t *dims; /* array dimensions, outermost first */
    size_t dim_count;        /* 0: not an array */
    bool by_pointer;         /* see the model above */
    cella_edl_attrs_t attrs; /* meaningful only when by_pointer (members: size/count) */
} cella_edl_decl_t;

typedef struct cella_edl_enumerator {
    const char *name;
    cella_edl_pos_t pos;
    cella_edl_value_t value; /* kind NONE: no "= value" */
} cella_edl_enumerator_t;

typedef enum cella_edl_composite_kind {
    CELLA_EDL_COMPOSITE_STRUCT = 0,
    CELLA_EDL_COMPOSITE_UNION,
    CELLA_EDL_COMPOSITE_ENUM,
} cella_edl_composite_kind_t;

/*
 * struct/union/enum definitions. Intel emits a struct as
 * "#ifndef _N / #define _N / typedef struct N {...} N; / #endif" (a union the same), a named
 * enum as "typedef enum N {...} N;" and an anonymous enum as "enum {...};".
 */
struct cella_edl_composite {
    cella_edl_composite_kind_t kind;
    const char *name; /* NULL for an anonymous enum */
    cella_edl_pos_t pos;
    cella_edl_decl_t *members; /* STRUCT, UNION */
    size_t member_count;
    cella_edl_enumerator_t *enumerators; /* ENUM */
    size_t enumerator_count;
    bool is_deep_copy;       /* STRUCT with a size=/count= member: copied member by member */
    bool has_plain_pointers; /* STRUCT with a pointer member that has no size/count */
    const cella_edl_file_t *file;
};

typedef enum cella_edl_call_conv {
    CELLA_EDL_CALL_CONV_NONE = 0, /* SGX_NOCONVENTION */
    CELLA_EDL_CALL_CONV_CDECL,    /* SGX_CDECL */
    CELLA_EDL_CALL_CONV_STDCALL,  /* SGX_STDCALL */
    CELLA_EDL_CALL_CONV_FASTCALL, /* SGX_FASTCALL */
} cella_edl_call_conv_t;

/* A name in allow(...) or in a selective import. */
typedef struct cella_edl_name {
    const char *name;
    cella_edl_pos_t pos;
    const cella_edl_function_t *target; /* allow: the ECALL it names, once checked */
} cella_edl_name_t;

/* An ECALL (trusted function) or an OCALL (untrusted function). */
struct cella_edl_function {
    const char *name;
    cella_edl_pos_t pos; /* the name */
    bool is_ecall;
    cella_edl_type_t return_type; /* may be a pointer (not checked); never an array */
    cella_edl_decl_t *params;
    size_t param_count;
    bool is_public;       /* ECALL: callable at root level; private ones only via allow() */
    bool is_switchless;   /* transition_using_threads */
    bool propagate_errno; /* OCALL */
    cella_edl_call_conv_t call_conv; /* OCALL */
    bool dllimport;                  /* OCALL */
    cella_edl_name_t *allow;         /* OCALL: ECALLs callable while it runs */
    size_t allow_count;
    /* Position in program->ecalls (ECALL) or program->ocalls (OCALL): the ABI index Intel
     * bakes into proxies and tables. SIZE_MAX for a function not part of the program
     * (declared in an imported file but not imported). */
    size_t index;
    const cella_edl_file_t *file;
};

typedef enum cella_edl_include_scope {
    CELLA_EDL_INCLUDE_BOTH = 0,  /* top level: into <E>_t.h and <E>_u.h */
    CELLA_EDL_INCLUDE_TRUSTED,   /* inside trusted { }: <E>_t.h only */
    CELLA_EDL_INCLUDE_UNTRUSTED, /* inside untrusted { }: <E>_u.h only */
} cella_edl_include_scope_t;

typedef struct cella_edl_include {
    const char *path; /* as written, emitted as #include "path" */
    cella_edl_pos_t pos;
    cella_edl_include_scope_t scope;
} cella_edl_include_t;

typedef struct cella_edl_import {
    const char *path; /* as written */
    cella_edl_pos_t pos;
    bool all;                /* import * (and Open Enclave's `import "x.edl"`) */
    cella_edl_name_t *names; /* selective import */
    size_t name_count;
    const cella_edl_file_t *file; /* the file it resolved to; NULL if not resolved */
} cella_edl_import_t;

/* One EDL file as written (after preprocessing), parsed once however often it is imported. */
struct cella_edl_file {
    const char *path;              /* where it was found, as opened; positions use this */
    const char *short_name;        /* base name without extension ("Enclave") */
    const char *c_name;            /* short_name made a C identifier as Intel does ('-' -> '_') */
    cella_edl_include_t *includes; /* in source order, every scope */
    size_t include_count;
    cella_edl_import_t *imports; /* in source order */
    size_t import_count;
    cella_edl_composite_t *composites; /* in source order */
    size_t composite_count;
    cella_edl_function_t *ecalls; /* in source order, all trusted blocks */
    size_t ecall_count;
    cella_edl_function_t *ocalls; /* in source order, all untrusted blocks */
    size_t ocall_count;
};

/* The whole enclave interface, ready for code generation. */
typedef struct cella_edl_program {
    const char *enclave_name; /* the root file's c_name: names the outputs <E>_t.h etc. */
    const cella_edl_file_t *root;
    cella_edl_file_t **files; /* every file read, root first, then import order */
    size_t file_count;
    /* Includes for <E>_t.h and <E>_u.h in Intel's order (top-level includes of the root
     * and then of imported files, then trusted-block (untrusted-block) includes), each path
     * once. */
    cella_edl_include_t **trusted_includes;
    size_t trusted_include_count;
    cella_edl_include_t **untrusted_includes;
    size_t untrusted_include_count;
    /* Every struct/union/enum definition, in Intel's emission order. */
    cella_edl_composite_t **composites;
    size_t composite_count;
    /* ECALLs and OCALLs in index order: ecalls[i]->index == i. */
    cella_edl_function_t **ecalls;
    size_t ecall_count;
    cella_edl_function_t **ocalls;
    size_t ocall_count;
    struct cella_edl_arena *arena; /* owns everything above */
} cella_edl_program_t;

/* Releases the program and everything it points to. NULL is a no-op. */
void cella_edl_program_destroy(cella_edl_program_t *program);

/*
 * The C spelling Intel's edger8r emits for a built-in kind: "short int", "unsigned int",
 * "long int", "long long", "long double", "uint8_t", ... ; "struct"/"union"/"enum" for
 * those kinds and "" for FOREIGN (the name is the spelling).
 */
const char *cella_edl_type_kind_c_name(cella_edl_type_kind_t kind);

/*
 * Writes the type's C spelling the way Intel does ("const struct foo**", "unsigned int*",
 * "buffer_t"), snprintf-style: at most size bytes including the NUL; returns the length
 * the full text needs. `with_const` includes a written "const ".
 */
size_t cella_edl_type_format(const cella_edl_type_t *type, bool with_const, char *buffer,
                             size_t size);

/* True for the integer kinds (and bool and enum) that size=/count= may name. */
bool cella_edl_type_kind_is_integer(cella_edl_type_kind_t kind);

/*
 * The product of the array dimensions when all are numbers (1 for a non-array), or 0 when
 * a dimension is a name (the generator then emits the product as an expression).
 */
uint64_t cella_edl_decl_element_count(const cella_edl_decl_t *decl);

/* The function with this name among the program's ECALLs or OCALLs; NULL if none. */
const cella_edl_function_t *cella_edl_program_find_function(const cella_edl_program_t *program,
                                                            const char *name);

CELLA_EXTERN_C_END

#endif /* CELLA_EDGER8R_AST_H */
