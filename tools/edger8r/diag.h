/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/diag.h: the diagnostics the EDL front end collects (the CLI prints them). */
#ifndef CELLA_EDGER8R_DIAG_H
#define CELLA_EDGER8R_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/defs.h>
#include <cella/result.h>

CELLA_EXTERN_C_BEGIN

/*
 * Every diagnostic the front end can report has one code, and each code has one message
 * template, so tests can prove that every diagnostic is exercised. X(name, summary).
 */
#define CELLA_EDL_DIAG_CODES(X)                                                            \
    X(OUT_OF_MEMORY, "the front end ran out of memory")                                    \
    X(FILE_NOT_FOUND, "an EDL file cannot be found")                                       \
    X(FILE_READ, "an EDL file cannot be read")                                             \
    X(FILE_TOO_LARGE, "an EDL file is larger than the limit")                              \
    X(FILE_NAME_EMPTY, "an EDL file name has nothing before its extension")                \
    X(FILE_NAME_NOT_IDENTIFIER, "an EDL file name is not a C identifier (warning)")        \
    X(LIMIT, "a nesting, count or size limit was exceeded")                                \
    X(TOO_MANY_ERRORS, "too many errors; the rest are not reported")                       \
    X(BAD_CHARACTER, "a character that EDL does not use")                                  \
    X(UNTERMINATED_COMMENT, "a block comment without its end")                             \
    X(UNTERMINATED_STRING, "a string without its closing quote")                           \
    X(TOKEN_TOO_LONG, "an identifier or string longer than the limit")                     \
    X(BAD_NUMBER, "a number that is not decimal")                                          \
    X(NUMBER_TOO_LARGE, "a number that does not fit")                                      \
    X(PP_UNKNOWN_DIRECTIVE, "an unknown preprocessing directive")                          \
    X(PP_SYNTAX, "a malformed preprocessing directive")                                    \
    X(PP_REDEFINED, "a macro redefined differently (warning)")                             \
    X(PP_ARGUMENTS, "a function-like macro invoked with the wrong arguments")              \
    X(PP_PASTE, "'##' that does not form one token")                                       \
    X(PP_CONDITIONAL, "unbalanced #if/#else/#endif")                                       \
    X(PP_EXPRESSION, "an invalid #if expression")                                          \
    X(PP_EXTRA_TOKENS, "extra tokens after a directive (warning)")                         \
    X(PP_ERROR, "an #error directive")                                                     \
    X(PP_WARNING, "a #warning directive (warning)")                                        \
    X(PP_INCLUDE, "an #include that cannot be honoured")                                   \
    X(SYNTAX, "a token the grammar does not allow here")                                   \
    X(KEYWORD_AS_NAME, "an EDL or C keyword used as a name")                               \
    X(PRIVATE_KEYWORD, "'private' written on an ECALL")                                    \
    X(SIGNED_KEYWORD, "'signed' written in a type")                                        \
    X(LONG_LONG_INT, "'long long int' written as a type")                                  \
    X(CONST_NOT_ALLOWED, "'const' where EDL does not accept it")                           \
    X(EMPTY_STRUCT, "a struct or union without members")                                   \
    X(EMPTY_PATH, "an include or import with an empty file name")                          \
    X(EMPTY_ATTRIBUTES, "an empty attribute list '[]'")                                    \
    X(UNKNOWN_ATTRIBUTE, "an attribute name EDL does not know")                            \
    X(SIZEFUNC, "the removed 'sizefunc' attribute")                                        \
    X(DUPLICATE_ATTRIBUTE, "in, out, size or count given twice")                           \
    X(REPEATED_ATTRIBUTE, "a flag attribute given twice (warning)")                        \
    X(ATTRIBUTE_VALUE_MISSING, "size= or count= without a value")                          \
    X(ATTRIBUTE_VALUE_UNEXPECTED, "a value on an attribute that takes none")               \
    X(FUNCTION_ATTRIBUTE, "an unknown OCALL attribute, or one on an ECALL")                \
    X(CALLING_CONVENTION, "two calling conventions on one OCALL")                          \
    X(ECALL_ONLY, "'public' on an OCALL")                                                  \
    X(OCALL_ONLY, "allow(...) or propagate_errno on an ECALL")                             \
    X(FLEXIBLE_ARRAY, "an array without a dimension")                                      \
    X(ZERO_ARRAY, "an array with dimension 0")                                             \
    X(RETURN_ARRAY, "a function returning an array")                                       \
    X(VOID_VALUE, "a parameter or member of type void")                                    \
    X(UNION_MEMBER_ATTRIBUTES, "attributes on a union member")                             \
    X(DUPLICATE_NAME, "two parameters or members with one name")                           \
    X(RESERVED_NAME, "a parameter name that the generated proxy already uses")             \
    X(MISSING_DIRECTION, "a pointer or array without direction or user_check")             \
    X(DIRECTION_WITH_USER_CHECK, "a direction together with user_check")                   \
    X(SIZE_WITHOUT_DIRECTION, "size, count or string without a direction")                 \
    X(STRING_AND_WSTRING, "string together with wstring")                                  \
    X(SIZE_WITH_STRING, "size or count together with string or wstring")                   \
    X(OUT_STRING, "string or wstring with only [out]")                                     \
    X(STRING_TYPE, "string on something other than char*, wstring on other than wchar_t*") \
    X(VOID_POINTER_SIZE, "a void pointer without size=")                                   \
    X(READONLY_OUT, "a const or readonly pointer with [out]")                              \
    X(CONST_VOID_OUT, "a const void pointer with [out] (warning)")                         \
    X(FOREIGN_ONLY, "isptr, isary or readonly on a type that is not a foreign typedef")    \
    X(READONLY_WITHOUT_ISPTR, "readonly without isptr")                                    \
    X(ISARY_CONFLICT, "isary with isptr, string, size or count")                           \
    X(VALUE_WITH_POINTER_ATTRIBUTES, "pointer attributes on a by-value parameter")         \
    X(POINTER_ARRAY, "an array of pointers")                                               \
    X(SIZE_ON_ARRAY, "size, count or isary on an explicitly declared array")               \
    X(SIZE_NOT_FOUND, "size= or count= naming no parameter or member")                     \
    X(SIZE_NOT_INTEGER, "size= or count= naming something that is not an integer")         \
    X(MEMBER_ATTRIBUTE, "an attribute other than size or count on a struct member")        \
    X(MEMBER_USER_CHECK, "user_check on a struct member, which has no effect (warning)")   \
    X(USER_CHECK, "a user_check pointer, reported when asked for (warning)")               \
    X(DUPLICATE_TYPE, "two struct, union or enum definitions with one name")               \
    X(DUPLICATE_ENUMERATOR, "two enumerators with one name")                               \
    X(DEEP_COPY_BY_VALUE, "a deep-copy struct passed by value")                            \
    X(POINTERS_BY_VALUE, "a struct with pointer members passed by value (warning)")        \
    X(DEEP_COPY_OUT, "a deep-copy struct behind an [out] pointer")                         \
    X(DEEP_COPY_ARRAY, "a deep-copy struct passed as an array")                            \
    X(DEEP_COPY_RETURN, "a deep-copy struct returned by value")                            \
    X(DEEP_COPY_NESTED, "a deep-copy struct inside another struct or union")               \
    X(BARE_DEEP_COPY_NAME, "a deep-copy struct named without 'struct'")                    \
    X(BARE_STRUCT_NAME, "an EDL struct named without 'struct' (warning)")                  \
    X(DUPLICATE_FUNCTION, "two functions with one name")                                   \
    X(ALLOW_UNKNOWN, "allow(...) naming something that is not an ECALL")                   \
    X(ALLOW_REPEATED, "a name listed twice in one allow(...) (warning)")                   \
    X(NO_PUBLIC_ECALL, "an enclave without a public ECALL")                                \
    X(PRIVATE_ECALL_UNUSED, "a private ECALL that no OCALL allows (warning)")              \
    X(IMPORT_NOT_FOUND, "an imported EDL file cannot be found")                            \
    X(IMPORT_CYCLE, "an EDL file importing itself")                                        \
    X(IMPORT_FUNCTION_NOT_FOUND, "a selectively imported function that does not exist")

typedef enum cella_edl_diag_code {
#define CELLA_EDL_DIAG_ENUM_ENTRY(name, summary) CELLA_EDL_DIAG_##name,
    CELLA_EDL_DIAG_CODES(CELLA_EDL_DIAG_ENUM_ENTRY)
#undef CELLA_EDL_DIAG_ENUM_ENTRY
        CELLA_EDL_DIAG_CODE_COUNT
} cella_edl_diag_code_t;

typedef enum cella_edl_severity {
    CELLA_EDL_SEVERITY_ERROR = 0,
    CELLA_EDL_SEVERITY_WARNING = 1,
} cella_edl_severity_t;

/* Where a diagnostic points: a file as it was opened, 1-based line and byte column. */
typedef struct cella_edl_pos {
    const char *file; /* NULL for diagnostics about no file in particular */
    uint32_t line;    /* 0 when the diagnostic is about the whole file */
    uint32_t column;
} cella_edl_pos_t;

/* One diagnostic. Strings are owned by the collection and live as long as it does. */
typedef struct cella_edl_diag {
    cella_edl_diag_code_t code;
    cella_edl_severity_t severity;
    cella_edl_pos_t pos;
    const char *message; /* what is wrong, and why when it is not obvious */
    const char *hint;    /* what to write instead; NULL when there is nothing to suggest */
} cella_edl_diag_t;

/* Most diagnostics a collection keeps; past this it records TOO_MANY_ERRORS and stops. */
#define CELLA_EDL_DIAGS_MAX_COUNT 100

typedef struct cella_edl_diags cella_edl_diags_t;

/*
 * A new, empty collection in *out. Returns CELLA_OK, CELLA_ERR_INVALID_ARGUMENT (out NULL)
 * or CELLA_ERR_OUT_OF_MEMORY. Not thread-safe: one collection per compilation.
 */
CELLA_MUST_CHECK cella_result_t cella_edl_diags_create(cella_edl_diags_t **out);

/* Releases the collection and every diagnostic in it. NULL is a no-op. */
void cella_edl_diags_destroy(cella_edl_diags_t *diags);

/*
 * Records a diagnostic. The message is formatted from fmt; hint may be NULL. The position's
 * file string is copied. This never fails from the caller's point of view: when memory runs
 * out, an OUT_OF_MEMORY error (which needs no allocation) is recorded instead, and past
 * CELLA_EDL_DIAGS_MAX_COUNT one TOO_MANY_ERRORS error is recorded and the rest dropped
 * (errors are still counted).
 */
void cella_edl_diags_add(cella_edl_diags_t *diags, cella_edl_diag_code_t code,
                         cella_edl_severity_t severity, cella_edl_pos_t pos, const char *hint,
                         const char *fmt, ...) CELLA_PRINTF(6, 7);

/* Records OUT_OF_MEMORY (once per collection); needs no allocation. */
void cella_edl_diags_add_out_of_memory(cella_edl_diags_t *diags);

/* Number of diagnostics kept, errors reported (kept or not), warnings reported. */
size_t cella_edl_diags_count(const cella_edl_diags_t *diags);
size_t cella_edl_diags_error_count(const cella_edl_diags_t *diags);
size_t cella_edl_diags_warning_count(const cella_edl_diags_t *diags);

/*
 * Puts the diagnostics from index `from` on in reading order: grouped by file (files in the
 * order they first appear), then by line and column, remarks about a whole file (line 0)
 * last in their group; diagnostics without a file keep their order at the end. Stable.
 */
void cella_edl_diags_sort(cella_edl_diags_t *diags, size_t from);

/* True once OUT_OF_MEMORY was recorded. */
bool cella_edl_diags_out_of_memory(const cella_edl_diags_t *diags);

/* The index-th diagnostic in the order reported; NULL when index is out of range. */
const cella_edl_diag_t *cella_edl_diags_get(const cella_edl_diags_t *diags, size_t index);

/* The code's name without prefix, e.g. "OUT_STRING"; "UNKNOWN" for a bad code. */
const char *cella_edl_diag_code_name(cella_edl_diag_code_t code);

/*
 * Writes the diagnostic as one line of text, gcc style:
 *   "<file>:<line>:<column>: error: <message>; <hint>"
 * without "<file>:" when with_file is false or there is no file, and without the position
 * when the line is 0. Like snprintf: writes at most size bytes including the NUL and returns
 * the length the full text needs.
 */
size_t cella_edl_diag_format(const cella_edl_diag_t *diag, bool with_file, char *buffer,
                             size_t size);

CELLA_EXTERN_C_END

#endif /* CELLA_EDGER8R_DIAG_H */
