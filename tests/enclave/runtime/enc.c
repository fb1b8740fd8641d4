/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/runtime/enc.c: a test enclave with a hand-written minimal trusted bridge. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cella/bridge.h>
#include <sgx_error.h>
#include <sgx_trts.h>

/*
 * The bridge ABI of cella/bridge.h written out by hand, so the trusted runtime is tested on
 * its own, independently of the EDL compiler: each ECALL takes and returns plain ints.
 */

static int32_t take_int(const uint8_t *in, size_t in_size, int *value)
{
    if (in_size != sizeof(*value))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(value, in, sizeof(*value));
    return SGX_SUCCESS;
}

static int32_t give_int(uint8_t *out, size_t out_size, int value)
{
    if (out_size != sizeof(value))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(out, &value, sizeof(value));
    return SGX_SUCCESS;
}

static int32_t ecall_add(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    int pair[2];
    if (in_size != sizeof(pair))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(pair, in, sizeof(pair));
    return give_int(out, out_size, pair[0] + pair[1]);
}

static int32_t ecall_abort(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    (void)in, (void)in_size, (void)out, (void)out_size;
    abort();
}

static int32_t ecall_fault(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    (void)in, (void)in_size, (void)out, (void)out_size;
    volatile int *nowhere = (volatile int *)(uintptr_t)16;
    *nowhere = 1;
    return SGX_SUCCESS;
}

/* Private: reachable only from OCALL 0, whose allow() names it. */
static int32_t ecall_private(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    (void)in, (void)in_size;
    return give_int(out, out_size, 7);
}

/* OCALL 0 with x; returns what the host answered plus one. */
static int32_t ecall_call_host(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    cella_bridge_call_t call;
    int x, answer;
    int32_t status = take_int(in, in_size, &x);
    if (status != SGX_SUCCESS)
        return status;
    status = cella_ocall_begin(&call, sizeof(x), sizeof(answer));
    if (status != SGX_SUCCESS)
        return status;
    memcpy(call.in, &x, sizeof(x));
    status = cella_ocall_invoke(&call, 0);
    if (status == SGX_SUCCESS) {
        memcpy(&answer, call.out, sizeof(answer));
        status = give_int(out, out_size, answer + 1);
    }
    cella_ocall_end(&call);
    return status;
}

static _Thread_local int thread_counter;

/* Uses the C library: printf through the print OCALL, the heap, TLS and errno. */
static int32_t ecall_library(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    int x;
    int32_t status = take_int(in, in_size, &x);
    if (status != SGX_SUCCESS)
        return status;
    char *text = malloc(64);
    if (text == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    snprintf(text, 64, "enclave says %d", x);
    printf("%s\n", text);
    free(text);
    thread_counter += x;
    /* The heap is the configured 1 MiB: a larger request fails and sets errno. */
    errno = 0;
    void *huge = malloc(8u << 20);
    if (huge != NULL || errno != ENOMEM)
        return SGX_ERROR_UNEXPECTED;
    unsigned char random[16] = {0};
    if (sgx_read_rand(random, sizeof(random)) != SGX_SUCCESS)
        return SGX_ERROR_UNEXPECTED;
    if (!sgx_is_within_enclave(&x, sizeof(x)) || sgx_is_outside_enclave(&x, sizeof(x)))
        return SGX_ERROR_UNEXPECTED;
    return give_int(out, out_size, thread_counter);
}

/* Answers sgx_is_outside_enclave(address, size) for a host-chosen address. */
static int32_t ecall_is_outside(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    uint64_t range[2];
    if (in_size != sizeof(range))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(range, in, sizeof(range));
    return give_int(out, out_size,
                    sgx_is_outside_enclave((const void *)(uintptr_t)range[0], (size_t)range[1]));
}

static const cella_ecall_entry_t ecalls[] = {
    {ecall_add, 0, 0},       {ecall_abort, 0, 0},   {ecall_fault, 0, 0},      {ecall_private, 1, 0},
    {ecall_call_host, 0, 0}, {ecall_library, 0, 0}, {ecall_is_outside, 0, 0},
};
/* One OCALL; it may call ECALL 3. */
static const uint8_t allow[1 * 7] = {0, 0, 0, 1, 0, 0, 0};

const cella_ecall_table_t cella_bridge_ecall_table = {
    .ecall_count = 7,
    .ocall_count = 1,
    .ecalls = ecalls,
    .allow = allow,
};
