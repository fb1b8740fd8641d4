/* SPDX-License-Identifier: Apache-2.0 */
/* tools/edger8r/ast.c: releasing and describing the EDL syntax tree. */
#include "ast.h"

#include <string.h>

#include "memory.h"

void cella_edl_program_destroy(cella_edl_program_t *program)
{
    if (program == NULL)
        return;
    /* The program itself lives in its arena. */
    cella_edl_arena_destroy(program->arena);
}

const char *cella_edl_type_kind_c_name(cella_edl_type_kind_t kind)
{
    /* The spellings of Intel's Ast.get_tystr: "short int", "long int", "long long". */
    switch (kind) {
    case CELLA_EDL_TYPE_VOID:
        return "void";
    case CELLA_EDL_TYPE_CHAR:
        return "char";
    case CELLA_EDL_TYPE_UNSIGNED_CHAR:
        return "unsigned char";
    case CELLA_EDL_TYPE_SHORT:
        return "short int";
    case CELLA_EDL_TYPE_UNSIGNED_SHORT:
        return "unsigned short int";
    case CELLA_EDL_TYPE_INT:
        return "int";
    case CELLA_EDL_TYPE_UNSIGNED_INT:
        return "unsigned int";
    case CELLA_EDL_TYPE_LONG:
        return "long int";
    case CELLA_EDL_TYPE_UNSIGNED_LONG:
        return "unsigned long int";
    case CELLA_EDL_TYPE_LONG_LONG:
        return "long long";
    case CELLA_EDL_TYPE_UNSIGNED_LONG_LONG:
        return "unsigned long long";
    case CELLA_EDL_TYPE_FLOAT:
        return "float";
    case CELLA_EDL_TYPE_DOUBLE:
        return "double";
    case CELLA_EDL_TYPE_LONG_DOUBLE:
        return "long double";
    case CELLA_EDL_TYPE_INT8:
        return "int8_t";
    case CELLA_EDL_TYPE_INT16:
        return "int16_t";
    case CELLA_EDL_TYPE_INT32:
        return "int32_t";
    case CELLA_EDL_TYPE_INT64:
        return "int64_t";
    case CELLA_EDL_TYPE_UINT8:
        return "uint8_t";
    case CELLA_EDL_TYPE_UINT16:
        return "uint16_t";
    case CELLA_EDL_TYPE_UINT32:
        return "uint32_t";
    case CELLA_EDL_TYPE_UINT64:
        return "uint64_t";
    case CELLA_EDL_TYPE_SIZE_T:
        return "size_t";
    case CELLA_EDL_TYPE_WCHAR_T:
        return "wchar_t";
    case CELLA_EDL_TYPE_BOOL:
        return "bool";
    case CELLA_EDL_TYPE_STRUCT:
        return "struct";
    case CELLA_EDL_TYPE_UNION:
        return "union";
    case CELLA_EDL_TYPE_ENUM:
        return "enum";
    case CELLA_EDL_TYPE_FOREIGN:
        return "";
    }
    return "";
}

bool cella_edl_type_kind_is_integer(cella_edl_type_kind_t kind)
{
    switch (kind) {
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
    case CELLA_EDL_TYPE_ENUM:
        return true;
    case CELLA_EDL_TYPE_VOID:
    case CELLA_EDL_TYPE_FLOAT:
    case CELLA_EDL_TYPE_DOUBLE:
    case CELLA_EDL_TYPE_LONG_DOUBLE:
    case CELLA_EDL_TYPE_STRUCT:
    case CELLA_EDL_TYPE_UNION:
    case CELLA_EDL_TYPE_FOREIGN:
        return false;
    }
    return false;
}

/* snprintf-style appending that keeps counting past the end of the buffer. */
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

size_t cella_edl_type_format(const cella_edl_type_t *type, bool with_const, char *buffer,
                             size_t size)
{
    size_t length = 0;
    if (buffer != NULL && size > 0)
        buffer[0] = '\0';
    else
        size = 0;
    if (with_const && type->is_const)
        append(buffer, size, &length, "const ");
    switch (type->kind) {
    case CELLA_EDL_TYPE_STRUCT:
    case CELLA_EDL_TYPE_UNION:
    case CELLA_EDL_TYPE_ENUM:
        append(buffer, size, &length, cella_edl_type_kind_c_name(type->kind));
        append(buffer, size, &length, " ");
        append(buffer, size, &length, type->name != NULL ? type->name : "");
        break;
    case CELLA_EDL_TYPE_FOREIGN:
        append(buffer, size, &length, type->name != NULL ? type->name : "");
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
        append(buffer, size, &length, cella_edl_type_kind_c_name(type->kind));
        break;
    }
    for (uint32_t i = 0; i < type->pointer_depth; i++)
        append(buffer, size, &length, "*");
    return length;
}

uint64_t cella_edl_decl_element_count(const cella_edl_decl_t *decl)
{
    uint64_t count = 1;
    for (size_t i = 0; i < decl->dim_count; i++) {
        if (decl->dims[i].kind != CELLA_EDL_VALUE_NUMBER)
            return 0;
        /* The checker rejected products that overflow, so this cannot wrap. */
        count *= decl->dims[i].number;
    }
    return count;
}

const cella_edl_function_t *cella_edl_program_find_function(const cella_edl_program_t *program,
                                                            const char *name)
{
    for (size_t i = 0; i < program->ecall_count; i++) {
        if (strcmp(program->ecalls[i]->name, name) == 0)
            return program->ecalls[i];
    }
    for (size_t i = 0; i < program->ocall_count; i++) {
        if (strcmp(program->ocalls[i]->name, name) == 0)
            return program->ocalls[i];
    }
    return NULL;
}
