/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/ocall.c: OCALLs from the enclave, sgx_ocalloc, printing, random numbers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/bridge.h>
#include <cella/size.h>
#include <sgx_edger8r.h>
#include <sgx_error.h>
#include <sgx_trts.h>

#include "../libc/hooks.h"
#include "exit.h"
#include "trts.h"

/*
 * The untrusted side's functions are reached only through cella_trts_call_out (exit.S), which
 * scrubs registers on the way out and restores the flags and floating-point control state the
 * C code relies on when the host returns.
 */
static int32_t host_ocall(struct trts_thread *thread, uint32_t index, const uint8_t *in,
                          size_t in_size, uint8_t *out, size_t out_size)
{
    /* The function returns an int32_t: only %eax is its result. */
    return (int32_t)(uint32_t)cella_trts_call_out((uintptr_t)thread->ops.ocall,
                                                  (uintptr_t)thread->context, index, (uintptr_t)in,
                                                  in_size, (uintptr_t)out, out_size);
}

static void *host_alloc(struct trts_thread *thread, size_t size)
{
    return (void *)(uintptr_t)cella_trts_call_out((uintptr_t)thread->ops.ocall_alloc,
                                                  (uintptr_t)thread->context, size, 0, 0, 0, 0);
}

static void host_free(struct trts_thread *thread, void *memory)
{
    (void)cella_trts_call_out((uintptr_t)thread->ops.ocall_free, (uintptr_t)thread->context,
                              (uintptr_t)memory, 0, 0, 0, 0);
}

/* OCALL buffers: input first, output at the next 16-byte boundary, in one untrusted block. */
static size_t output_offset(size_t in_size)
{
    return (in_size + 15u) & ~(size_t)15u;
}

int32_t cella_ocall_begin(cella_bridge_call_t *call, size_t in_size, size_t out_size)
{
    struct trts_thread *thread = cella_trts_current();
    size_t total;
    uint8_t *block;

    if (call == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    memset(call, 0, sizeof(*call));
    if (thread->ecall_depth == 0 || thread->ops.ocall_alloc == NULL)
        return SGX_ERROR_OCALL_NOT_ALLOWED;
    if (in_size > CELLA_BRIDGE_MAX_BUFFER_BYTES || out_size > CELLA_BRIDGE_MAX_BUFFER_BYTES ||
        !cella_size_add(output_offset(in_size), out_size, &total))
        return SGX_ERROR_INVALID_PARAMETER;

    block = host_alloc(thread, total == 0 ? 1 : total);
    if (block == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    /* Memory for the host must lie wholly outside; anything else is an attack. */
    if (!sgx_is_outside_enclave(block, total == 0 ? 1 : total)) {
        cella_trts_abort();
    }
    call->in = block;
    call->in_size = in_size;
    call->out = block + output_offset(in_size);
    call->out_size = out_size;
    call->runtime = block;
    return SGX_SUCCESS;
}

int32_t cella_ocall_invoke(cella_bridge_call_t *call, uint32_t index)
{
    struct trts_thread *thread = cella_trts_current();
    uint32_t outer_index = thread->ocall_index;
    uint8_t *private_out = NULL;
    int32_t status;

    if (call == NULL || call->runtime == NULL)
        return SGX_ERROR_INVALID_PARAMETER;

    /* Only now may the host enter again (a nested ECALL, if the OCALL allows it). */
    thread->in_ocall = 1;
    thread->ocall_index = index;
    status = host_ocall(thread, index, call->in, call->in_size, call->out, call->out_size);
    thread->ocall_index = outer_index;
    thread->in_ocall = 0;
    if (status != SGX_SUCCESS || call->out_size == 0)
        return status;

    /* The single fetch of the host's answer: the proxy validates this private copy. */
    private_out = malloc(call->out_size);
    if (private_out == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    memcpy(private_out, call->out, call->out_size);
    call->out = private_out;
    return SGX_SUCCESS;
}

void cella_ocall_end(cella_bridge_call_t *call)
{
    struct trts_thread *thread = cella_trts_current();

    if (call == NULL || call->runtime == NULL)
        return;
    if (call->out != NULL && call->out_size != 0 && sgx_is_within_enclave(call->out, 1)) {
        memset(call->out, 0, call->out_size);
        free(call->out);
    }
    host_free(thread, call->runtime);
    memset(call, 0, sizeof(*call));
}

void *sgx_ocalloc(size_t size)
{
    struct trts_thread *thread = cella_trts_current();
    struct trts_ocalloc *node;

    if (thread->ecall_depth == 0 || size == 0 || size > CELLA_BRIDGE_MAX_BUFFER_BYTES)
        return NULL;
    node = malloc(sizeof(*node));
    if (node == NULL)
        return NULL;
    node->block = host_alloc(thread, size);
    if (node->block == NULL) {
        free(node);
        return NULL;
    }
    if (!sgx_is_outside_enclave(node->block, size))
        cella_trts_abort();
    node->next = thread->ocalloc;
    thread->ocalloc = node;
    return node->block;
}

void sgx_ocfree(void)
{
    struct trts_thread *thread = cella_trts_current();

    while (thread->ocalloc != NULL) {
        struct trts_ocalloc *node = thread->ocalloc;
        thread->ocalloc = node->next;
        host_free(thread, node->block);
        free(node);
    }
}

int cella_trts_print(const char *text, size_t size)
{
    cella_bridge_call_t call;

    if (size == 0)
        return 0;
    if (cella_ocall_begin(&call, size, 0) != SGX_SUCCESS)
        return -1;
    memcpy(call.in, text, size);
    int32_t status = cella_ocall_invoke(&call, CELLA_OCALL_BUILTIN_PRINT);
    cella_ocall_end(&call);
    return status == SGX_SUCCESS ? 0 : -1;
}

sgx_status_t sgx_read_rand(unsigned char *rand, size_t length_in_bytes)
{
    if (rand == NULL || length_in_bytes == 0)
        return SGX_ERROR_INVALID_PARAMETER;
    if (!sgx_is_within_enclave(rand, length_in_bytes) &&
        !sgx_is_outside_enclave(rand, length_in_bytes))
        return SGX_ERROR_INVALID_PARAMETER;

    while (length_in_bytes > 0) {
        uint64_t value = 0;
        unsigned char ok = 0;
        /* RDRAND can fail transiently when drained; the architecture says to retry ten
         * times, and RDSEED is the fallback source. A source that keeps failing is an
         * error, never a silent shortfall. */
        for (int attempt = 0; attempt < 10 && !ok; attempt++)
            __asm__ __volatile__("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
        for (int attempt = 0; attempt < 100 && !ok; attempt++) {
            __asm__ __volatile__("rdseed %0; setc %1" : "=r"(value), "=qm"(ok));
            if (!ok)
                __asm__ __volatile__("pause");
        }
        if (!ok)
            return SGX_ERROR_UNEXPECTED;
        size_t chunk = length_in_bytes < sizeof(value) ? length_in_bytes : sizeof(value);
        memcpy(rand, &value, chunk);
        value = 0;
        rand += chunk;
        length_in_bytes -= chunk;
    }
    return SGX_SUCCESS;
}
