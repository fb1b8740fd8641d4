/* SPDX-License-Identifier: Apache-2.0 */
/* host_double.c: cella_ecall_begin/invoke/end over a trusted side loaded in-process. */
#define _POSIX_C_SOURCE 200809L
#include "host_double.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cella/bridge.h>
#include <cella/bridge_checks.h>
#include <sgx_error.h>

void (*host_double_trusted_reset)(void);
const uint8_t *(*host_double_trusted_arena)(size_t *size);
unsigned (*host_double_trusted_call_count)(void);

static void *library;
static int32_t (*trusted_ecall)(uint32_t index, const uint8_t *in, size_t in_size, uint8_t *out,
                                size_t out_size);
static void (*trusted_set_host)(trusted_double_host_t host, void *context);

/* The OCALL tables of the ECALLs in progress, innermost last. */
#define MAX_NESTING 16
static const cella_ocall_table_t *tables[MAX_NESTING];
static size_t table_count;
static unsigned corpus_counter;

/* What the trusted double calls for an OCALL: the bridge in the current ECALL's table. */
static int32_t dispatch_ocall(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                              uint8_t *out, size_t out_size)
{
    (void)context;
    if (table_count == 0)
        return SGX_ERROR_UNEXPECTED;
    const cella_ocall_table_t *table = tables[table_count - 1];
    if (index >= table->ocall_count || table->ocalls[index] == NULL)
        return SGX_ERROR_INVALID_FUNCTION;
    return table->ocalls[index](in, in_size, out, out_size);
}

/* Looks up `name` in the library into *slot (a function pointer stored as bytes). */
static int resolve(const char *name, void *slot, size_t slot_size)
{
    void *symbol = dlsym(library, name);
    if (symbol == NULL) {
        fprintf(stderr, "host double: %s: %s\n", name, dlerror());
        return -1;
    }
    memcpy(slot, &symbol, slot_size);
    return 0;
}

int host_double_load(const char *path)
{
    library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "host double: cannot load %s: %s\n", path, dlerror());
        return -1;
    }
    if (resolve("trusted_double_ecall", &trusted_ecall, sizeof(trusted_ecall)) != 0 ||
        resolve("trusted_double_set_host", &trusted_set_host, sizeof(trusted_set_host)) != 0 ||
        resolve("trusted_double_reset", &host_double_trusted_reset,
                sizeof(host_double_trusted_reset)) != 0 ||
        resolve("trusted_double_arena", &host_double_trusted_arena,
                sizeof(host_double_trusted_arena)) != 0 ||
        resolve("bridge_enclave_call_count", &host_double_trusted_call_count,
                sizeof(host_double_trusted_call_count)) != 0)
        return -1;
    host_double_trusted_reset();
    trusted_set_host(dispatch_ocall, NULL);
    return 0;
}

void host_double_unload(void)
{
    if (library != NULL)
        dlclose(library);
    library = NULL;
}

/* Seed corpus for fuzz/bridge_ecall.c: [index: 1 byte][out_size: 4 bytes LE][input]. */
static void save_seed(uint32_t index, const uint8_t *in, size_t in_size, size_t out_size)
{
    const char *dir = getenv("CELLA_BRIDGE_CORPUS_DIR");
    if (dir == NULL || dir[0] == '\0')
        return;
    char path[4096];
    snprintf(path, sizeof(path), "%s/ecall-%02u-%04u", dir, (unsigned)index, corpus_counter++);
    FILE *file = fopen(path, "wb");
    if (file == NULL)
        return;
    uint8_t header[5] = {(uint8_t)index, (uint8_t)out_size, (uint8_t)(out_size >> 8),
                         (uint8_t)(out_size >> 16), (uint8_t)(out_size >> 24)};
    fwrite(header, 1, sizeof(header), file);
    if (in_size != 0)
        fwrite(in, 1, in_size, file);
    fclose(file);
}

/*
 * What a call record holds. Like a streaming backend, the double copies one input and one
 * output payload itself during invoke, whatever their size; a second one of each goes the
 * proxy's usual way, so both paths of a generated proxy run.
 */
struct double_call {
    size_t in_offset, in_size;
    const uint8_t *in_from; /* NULL: no payload left to copy in */
    size_t out_offset, out_size;
    uint8_t *out_to; /* NULL: no payload to copy out */
};

int cella_ecall_put_payload(cella_bridge_call_t *call, size_t *written, size_t offset,
                            const void *data, size_t size)
{
    struct double_call *record = call->runtime;
    if (record->in_from != NULL || size == 0)
        return cella_bridge_put(call->in, call->in_size, written, offset, data, size);
    if (offset < *written || offset > call->in_size || size > call->in_size - offset)
        return -1;
    memset(call->in + *written, 0, offset - *written);
    /* junk until invoke copies the payload: a proxy that reads it back would see it */
    memset(call->in + offset, 0x5a, size);
    record->in_offset = offset;
    record->in_size = size;
    record->in_from = data;
    *written = offset + size;
    return 0;
}

int cella_ecall_get_payload(cella_bridge_call_t *call, size_t offset, void *to, size_t size)
{
    struct double_call *record = call->runtime;
    if (record->out_to != NULL || offset > call->out_size || size > call->out_size - offset)
        return 0;
    record->out_offset = offset;
    record->out_size = size;
    record->out_to = to;
    return 1;
}

int32_t cella_ecall_begin(uint64_t enclave_id, cella_bridge_call_t *call, size_t in_size,
                          size_t out_size)
{
    if (call == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    memset(call, 0, sizeof(*call));
    if (enclave_id != HOST_DOUBLE_ENCLAVE_ID)
        return SGX_ERROR_INVALID_ENCLAVE_ID;
    if (in_size > CELLA_BRIDGE_MAX_BUFFER_BYTES || out_size > CELLA_BRIDGE_MAX_BUFFER_BYTES)
        return SGX_ERROR_INVALID_PARAMETER;
    /* Exact sizes, so ASan sees a proxy that writes past them; the output starts as junk. */
    call->in = malloc(in_size != 0 ? in_size : 1);
    call->out = malloc(out_size != 0 ? out_size : 1);
    call->runtime = calloc(1, sizeof(struct double_call));
    if (call->in == NULL || call->out == NULL || call->runtime == NULL) {
        free(call->in);
        free(call->out);
        free(call->runtime);
        memset(call, 0, sizeof(*call));
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    memset(call->out, 0xa5, out_size);
    call->in_size = in_size;
    call->out_size = out_size;
    return SGX_SUCCESS;
}

int32_t cella_ecall_invoke(cella_bridge_call_t *call, uint32_t index,
                           const cella_ocall_table_t *ocall_table)
{
    int32_t status;
    if (call == NULL || call->runtime == NULL || table_count == MAX_NESTING)
        return SGX_ERROR_INVALID_PARAMETER;
    struct double_call *record = call->runtime;
    if (record->in_from != NULL)
        memcpy(call->in + record->in_offset, record->in_from, record->in_size);
    save_seed(index, call->in, call->in_size, call->out_size);
    tables[table_count++] = ocall_table;
    status = trusted_ecall(index, call->in, call->in_size, call->out, call->out_size);
    table_count--;
    if (status == SGX_SUCCESS && record->out_to != NULL)
        memcpy(record->out_to, call->out + record->out_offset, record->out_size);
    return status;
}

void cella_ecall_end(cella_bridge_call_t *call)
{
    if (call == NULL || call->runtime == NULL)
        return;
    free(call->in);
    free(call->out);
    free(call->runtime);
    memset(call, 0, sizeof(*call));
}
