/* SPDX-License-Identifier: Apache-2.0 */
/* trusted_double.c: the trusted runtime's part under generated bridges, over a fake enclave. */
#include "trusted_double.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sgx_edger8r.h>
#include <sgx_error.h>
#include <sgx_trts.h>

#define ARENA_BYTES ((size_t)16 << 20)
#define MAX_RANGES  8

/* Enclave memory: the arena, then the ranges tests add. */
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(64)));
static size_t arena_used;

static struct {
    uintptr_t base;
    size_t size;
} ranges[MAX_RANGES];
static size_t range_count;

static trusted_double_host_t host;
static void *host_context;
static unsigned ecall_depth;
static unsigned ocall_depth;
static uint32_t current_ocall;
static unsigned ocall_count;

/* The OCALL's shared buffers, kept while the proxy uses its private copy of the output. */
struct ocall_buffers {
    uint8_t *in;
    uint8_t *out;
};

void trusted_double_set_host(trusted_double_host_t new_host, void *context)
{
    host = new_host;
    host_context = context;
}

void *trusted_double_alloc(size_t size)
{
    size_t start = (arena_used + 15u) & ~(size_t)15u;
    if (start > ARENA_BYTES || size > ARENA_BYTES - start)
        return NULL;
    arena_used = start + size;
    return arena + start;
}

void trusted_double_add_range(const void *base, size_t size)
{
    if (range_count < MAX_RANGES) {
        ranges[range_count].base = (uintptr_t)base;
        ranges[range_count].size = size;
        range_count++;
    }
}

void trusted_double_reset(void)
{
    range_count = 0;
    arena_used = 0;
    host = NULL;
    host_context = NULL;
    ecall_depth = 0;
    ocall_depth = 0;
    ocall_count = 0;
}

const uint8_t *trusted_double_arena(size_t *size)
{
    *size = ARENA_BYTES;
    return arena;
}

unsigned trusted_double_ocall_count(void)
{
    return ocall_count;
}

cella_ecall_bridge_t trusted_double_bridge(uint32_t index)
{
    if (index >= cella_bridge_ecall_table.ecall_count)
        return NULL;
    return cella_bridge_ecall_table.ecalls[index].bridge;
}

/* [start, last] against one range: inside, or disjoint. */
static bool inside(uintptr_t start, uintptr_t last, uintptr_t base, size_t size)
{
    return start >= base && last <= base + (size - 1);
}

static bool disjoint(uintptr_t start, uintptr_t last, uintptr_t base, size_t size)
{
    return last < base || start > base + (size - 1);
}

int sgx_is_within_enclave(const void *addr, size_t size)
{
    uintptr_t start = (uintptr_t)addr;
    uintptr_t last;
    if (__builtin_add_overflow(start, size == 0 ? 0 : size - 1, &last))
        return 0;
    if (inside(start, last, (uintptr_t)arena, ARENA_BYTES))
        return 1;
    for (size_t i = 0; i < range_count; i++) {
        if (inside(start, last, ranges[i].base, ranges[i].size))
            return 1;
    }
    return 0;
}

int sgx_is_outside_enclave(const void *addr, size_t size)
{
    uintptr_t start = (uintptr_t)addr;
    uintptr_t last;
    if (__builtin_add_overflow(start, size == 0 ? 0 : size - 1, &last))
        return 0;
    if (!disjoint(start, last, (uintptr_t)arena, ARENA_BYTES))
        return 0;
    for (size_t i = 0; i < range_count; i++) {
        if (!disjoint(start, last, ranges[i].base, ranges[i].size))
            return 0;
    }
    return 1;
}

/*
 * The output of the ECALL running now. The double takes one alias per call (the runtime
 * takes several), so functions with two [in, out] buffers also run the bridge's fallback.
 */
struct double_output {
    uint8_t *buffer;
    size_t size;
    const uint8_t *input; /* the private input copy aliases must point into */
    size_t input_size;
    size_t alias_offset, alias_size;
    const uint8_t *alias_data; /* NULL: no alias */
};
static struct double_output *current_output;

int cella_bridge_output_alias(uint8_t *out, size_t offset, const void *data, size_t size)
{
    struct double_output *o = current_output;
    const uint8_t *d = data;

    if (o == NULL || out != o->buffer || o->alias_data != NULL || offset > o->size ||
        size > o->size - offset || size == 0)
        return -1;
    /* a trusted bridge aliases only [in, out] payloads of its own input copy */
    if (d < o->input || size > o->input_size || (size_t)(d - o->input) > o->input_size - size)
        abort();
    o->alias_offset = offset;
    o->alias_size = size;
    o->alias_data = d;
    return 0;
}

int32_t trusted_double_ecall(uint32_t index, const uint8_t *in, size_t in_size, uint8_t *out,
                             size_t out_size)
{
    const cella_ecall_table_t *table = &cella_bridge_ecall_table;
    int32_t status;

    if (index >= table->ecall_count)
        return SGX_ERROR_INVALID_FUNCTION;
    const cella_ecall_entry_t *entry = &table->ecalls[index];
    /* Private ECALLs run only inside an OCALL whose allow() names them. */
    if (ocall_depth == 0) {
        if (entry->is_private)
            return SGX_ERROR_ECALL_NOT_ALLOWED;
    } else if (current_ocall >= table->ocall_count || table->allow == NULL ||
               !table->allow[(size_t)current_ocall * table->ecall_count + index]) {
        return SGX_ERROR_ECALL_NOT_ALLOWED;
    }
    if ((in_size != 0 && (in == NULL || !sgx_is_outside_enclave(in, in_size))) ||
        (out_size != 0 && (out == NULL || !sgx_is_outside_enclave(out, out_size))) ||
        in_size > CELLA_BRIDGE_MAX_BUFFER_BYTES || out_size > CELLA_BRIDGE_MAX_BUFFER_BYTES)
        return SGX_ERROR_INVALID_PARAMETER;

    size_t mark = arena_used;
    uint8_t *private_in = in_size != 0 ? trusted_double_alloc(in_size) : NULL;
    uint8_t *private_out = out_size != 0 ? trusted_double_alloc(out_size) : NULL;
    if ((in_size != 0 && private_in == NULL) || (out_size != 0 && private_out == NULL)) {
        arena_used = mark;
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    /* The single fetch of the input; the bridge validates this copy. */
    if (in_size != 0)
        memcpy(private_in, in, in_size);
    /* As the runtime: zeroed, unless the bridge says it writes every byte itself; then the
     * buffer holds a stand-in for what an earlier call left, which must never reach the host. */
    if (out_size != 0)
        memset(private_out, entry->writes_output ? 0xa5 : 0, out_size);
    struct double_output output = {private_out, out_size, private_in, in_size, 0, 0, NULL};
    struct double_output *outer_output = current_output;
    current_output = &output;
    ecall_depth++;
    status = entry->bridge(private_in, in_size, private_out, out_size);
    ecall_depth--;
    current_output = outer_output;
    if (status == SGX_SUCCESS && out_size != 0) {
        memcpy(out, private_out, out_size);
        if (output.alias_data != NULL)
            memcpy(out + output.alias_offset, output.alias_data, output.alias_size);
    }
    memset(arena + mark, 0, arena_used - mark);
    arena_used = mark;
    return status;
}

int32_t cella_ocall_begin(cella_bridge_call_t *call, size_t in_size, size_t out_size)
{
    struct ocall_buffers *buffers;

    if (call == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    memset(call, 0, sizeof(*call));
    if (in_size > CELLA_BRIDGE_MAX_BUFFER_BYTES || out_size > CELLA_BRIDGE_MAX_BUFFER_BYTES)
        return SGX_ERROR_INVALID_PARAMETER;
    buffers = calloc(1, sizeof(*buffers));
    if (buffers == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    /* Host memory: exact sizes, so ASan sees a proxy that writes past them. */
    buffers->in = malloc(in_size != 0 ? in_size : 1);
    buffers->out = malloc(out_size != 0 ? out_size : 1);
    if (buffers->in == NULL || buffers->out == NULL) {
        free(buffers->in);
        free(buffers->out);
        free(buffers);
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    call->in = buffers->in;
    call->in_size = in_size;
    call->out = buffers->out;
    call->out_size = out_size;
    call->runtime = buffers;
    return SGX_SUCCESS;
}

int32_t cella_ocall_invoke(cella_bridge_call_t *call, uint32_t index)
{
    struct ocall_buffers *buffers;
    uint32_t outer = current_ocall;
    int32_t status;

    if (call == NULL || call->runtime == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    buffers = call->runtime;
    if (host == NULL)
        return SGX_ERROR_UNEXPECTED;
    ocall_count++;
    ocall_depth++;
    current_ocall = index;
    status = host(host_context, index, buffers->in, call->in_size, buffers->out, call->out_size);
    current_ocall = outer;
    ocall_depth--;
    /* The host's errno is not the enclave's: only what propagate_errno carries gets in. */
    errno = 0;
    if (status != SGX_SUCCESS || call->out_size == 0)
        return status;
    /* The single fetch of the host's answer, into enclave memory. */
    uint8_t *private_out = trusted_double_alloc(call->out_size);
    if (private_out == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    memcpy(private_out, buffers->out, call->out_size);
    call->out = private_out;
    return SGX_SUCCESS;
}

void cella_ocall_end(cella_bridge_call_t *call)
{
    struct ocall_buffers *buffers;

    if (call == NULL || call->runtime == NULL)
        return;
    buffers = call->runtime;
    if (call->out != NULL && call->out != buffers->out)
        memset(call->out, 0, call->out_size);
    free(buffers->in);
    free(buffers->out);
    free(buffers);
    memset(call, 0, sizeof(*call));
}

void *sgx_ocalloc(size_t size)
{
    (void)size;
    return NULL;
}

void sgx_ocfree(void)
{
}
