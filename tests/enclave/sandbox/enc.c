/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/sandbox/enc.c: a test enclave for the sandbox backend, with a hand-written bridge.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/bridge.h>
#include <sgx_error.h>
#include <sgx_trts.h>

#include "seeded_secret.h"

/*
 * The bridge ABI of cella/bridge.h written out by hand (as in tests/enclave/runtime), with
 * what the sandbox tests need: large buffers both ways, deep nesting, a system call, and a
 * secret to look for from outside.
 */

#define SECRET_BYTES 32

static uint8_t secret_global[SECRET_BYTES];
static uint8_t *secret_heap;

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

/* 0: in {int, int}, out int: the sum. */
static int32_t ecall_add(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    int pair[2];
    if (in_size != sizeof(pair))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(pair, in, sizeof(pair));
    return give_int(out, out_size, pair[0] + pair[1]);
}

/* 1: in int x, out int: OCALL 0 with x, and what the host answered plus one. */
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

/* 2: a system call made directly (getpid), which the sandbox must refuse. */
static int32_t ecall_system_call(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    long result;
    (void)in, (void)in_size;
    __asm__ __volatile__("syscall" : "=a"(result) : "a"(39L) : "rcx", "r11", "memory");
    return give_int(out, out_size, (int)result);
}

/* 3: out {uint64 global, uint64 heap}: makes a random secret, kept in a global and on the
 * heap, and says where (never what). */
static int32_t ecall_plant_secret(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    uint64_t addresses[2];
    (void)in, (void)in_size;
    if (out_size != sizeof(addresses))
        return SGX_ERROR_INVALID_PARAMETER;
    if (sgx_read_rand(secret_global, sizeof(secret_global)) != SGX_SUCCESS)
        return SGX_ERROR_UNEXPECTED;
    if (secret_heap == NULL)
        secret_heap = malloc(SECRET_BYTES);
    if (secret_heap == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    memcpy(secret_heap, secret_global, SECRET_BYTES);
    addresses[0] = (uint64_t)(uintptr_t)secret_global;
    addresses[1] = (uint64_t)(uintptr_t)secret_heap;
    memcpy(out, addresses, sizeof(addresses));
    return SGX_SUCCESS;
}

/* 4: out the secret's 32 bytes, so a test can tell whether what it read elsewhere was it. */
static int32_t ecall_reveal_secret(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    (void)in, (void)in_size;
    if (out_size != SECRET_BYTES || secret_heap == NULL ||
        memcmp(secret_heap, secret_global, SECRET_BYTES) != 0)
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(out, secret_global, SECRET_BYTES);
    return SGX_SUCCESS;
}

/* 5: in n bytes, out n bytes: each input byte XOR 0x5a. */
static int32_t ecall_transform(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    if (in_size != out_size)
        return SGX_ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < in_size; i++)
        out[i] = in[i] ^ 0x5a;
    return SGX_SUCCESS;
}

/* 6: in uint64 n, out int: OCALL 1 with n pattern bytes both ways; the number of bytes of the
 * host's answer that are not the pattern XOR 0xa5. */
static int32_t ecall_ocall_echo(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    cella_bridge_call_t call;
    uint64_t n;
    if (in_size != sizeof(n))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&n, in, sizeof(n));
    if (n == 0 || n > (16u << 20))
        return SGX_ERROR_INVALID_PARAMETER;
    int32_t status = cella_ocall_begin(&call, (size_t)n, (size_t)n);
    if (status != SGX_SUCCESS)
        return status;
    for (size_t i = 0; i < n; i++)
        call.in[i] = (uint8_t)(i * 7u + 1u);
    status = cella_ocall_invoke(&call, 1);
    if (status == SGX_SUCCESS) {
        int wrong = 0;
        for (size_t i = 0; i < n; i++)
            wrong += call.out[i] != (uint8_t)((uint8_t)(i * 7u + 1u) ^ 0xa5u);
        status = give_int(out, out_size, wrong);
    }
    cella_ocall_end(&call);
    return status;
}

/* Recursion that never ends until the stack does; depth never gets negative. */
static int recurse(volatile uint8_t *previous, int depth)
{
    volatile uint8_t frame[1024];
    if (depth < 0)
        return 0;
    frame[0] = (uint8_t)depth;
    frame[sizeof(frame) - 1] = previous != NULL ? previous[0] : 0;
    return recurse(frame, depth + 1) + frame[sizeof(frame) - 1];
}

/* 7: overflows the stack into the guard page below it. */
static int32_t ecall_overflow_stack(const uint8_t *in, size_t in_size, uint8_t *out,
                                    size_t out_size)
{
    (void)in, (void)in_size;
    return give_int(out, out_size, recurse(NULL, 0));
}

/* 8: in uint64 seed: keeps the secret it expands to (seeded_secret.h) in a global and on the
 * heap, where the host's memory scans look for it. */
static volatile uint64_t seeded_global[SEEDED_SECRET_WORDS]; /* never read: volatile keeps it */
static uint64_t *seeded_heap;

static int32_t ecall_plant_seeded(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    uint64_t seed;

    (void)out;
    if (in_size != sizeof(seed) || out_size != 0)
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&seed, in, sizeof(seed));
    if (seeded_heap == NULL)
        seeded_heap = malloc(SEEDED_SECRET_WORDS * sizeof(*seeded_heap));
    if (seeded_heap == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    for (unsigned i = 0; i < SEEDED_SECRET_WORDS; i++)
        seeded_global[i] = seeded_heap[i] = seeded_secret_word(seed, i);
    return SGX_SUCCESS;
}

/*
 * 9: in {uint64 address, data bytes}, out {int32 private_stable, int32 shared_changed}: the
 * double-fetch check. `address` is where the host placed this very input in the shared
 * region, which a host thread keeps rewriting during the call. The enclave watches that
 * shared copy until it sees it change (proof the host wrote during the call), and meanwhile
 * checks that its own private copy, the `in` it was given, never changed.
 */
#define DOUBLE_FETCH_HEADER 8u
#define DOUBLE_FETCH_WATCH  2000000000ull /* iterations: a bound, seconds at the most */

static uint64_t checksum(const uint8_t *data, size_t size)
{
    uint64_t sum = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        sum = (sum ^ data[i]) * 1099511628211ull;
    return sum;
}

static int32_t ecall_double_fetch(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    uint64_t address;
    int32_t result[2] = {1, 0};

    if (in_size <= DOUBLE_FETCH_HEADER || out_size != sizeof(result))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&address, in, sizeof(address));
    const volatile uint8_t *shared = (const volatile uint8_t *)(uintptr_t)address;
    size_t size = in_size - DOUBLE_FETCH_HEADER;
    if (!sgx_is_outside_enclave((const void *)(uintptr_t)address, in_size))
        return SGX_ERROR_INVALID_PARAMETER;
    uint64_t before = checksum(in + DOUBLE_FETCH_HEADER, size);
    uint8_t first = shared[DOUBLE_FETCH_HEADER];
    for (uint64_t i = 0; i < DOUBLE_FETCH_WATCH && !result[1]; i++) {
        result[1] = shared[DOUBLE_FETCH_HEADER] != first;
        /* The private copy, read again and again while the host writes the shared one. */
        if ((i & 1023u) == 0 && checksum(in + DOUBLE_FETCH_HEADER, size) != before)
            result[0] = 0;
    }
    if (checksum(in + DOUBLE_FETCH_HEADER, size) != before)
        result[0] = 0;
    memcpy(out, result, sizeof(result));
    return SGX_SUCCESS;
}

/* 10: in n bytes, out n bytes: OCALL 0 with STREAM_NESTED (the host makes a nested, streamed
 * ECALL 5 in it and answers 1 when that call came back right), then ECALL 5's transform. */
#define STREAM_NESTED (-4)
static int32_t ecall_transform_after_ocall(const uint8_t *in, size_t in_size, uint8_t *out,
                                           size_t out_size)
{
    cella_bridge_call_t call;
    int x = STREAM_NESTED, answer = 0;
    int32_t status = cella_ocall_begin(&call, sizeof(x), sizeof(answer));
    if (status != SGX_SUCCESS)
        return status;
    memcpy(call.in, &x, sizeof(x));
    status = cella_ocall_invoke(&call, 0);
    if (status == SGX_SUCCESS)
        memcpy(&answer, call.out, sizeof(answer));
    cella_ocall_end(&call);
    if (status != SGX_SUCCESS)
        return status;
    if (answer != 1)
        return SGX_ERROR_UNEXPECTED;
    return ecall_transform(in, in_size, out, out_size);
}

/*
 * 11: enclave code that talks on the monitor channel itself (fd 3, monitor/protocol.h), as
 * hostile code could: platform requests (type 2) written and their replies never read. The
 * monitor must stop the enclave process rather than wait for it. Returns only if it does not.
 */
static int32_t ecall_flood_monitor(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    static const uint32_t platform_request = 2;
    long result = 0;
    (void)in, (void)in_size;
    for (int i = 0; i < 100000 && result >= 0; i++) {
        register long fd __asm__("rdi") = 3;
        register const void *buffer __asm__("rsi") = &platform_request;
        register long size __asm__("rdx") = sizeof(platform_request);
        __asm__ __volatile__("syscall"
                             : "=a"(result)
                             : "a"(1L), "r"(fd), "r"(buffer), "r"(size)
                             : "rcx", "r11", "memory");
    }
    return give_int(out, out_size, (int)result);
}

static const cella_ecall_entry_t ecalls[] = {
    {ecall_add, 0, 0},
    {ecall_call_host, 0, 0},
    {ecall_system_call, 0, 0},
    {ecall_plant_secret, 0, 0},
    {ecall_reveal_secret, 0, 0},
    {ecall_transform, 0, 0},
    {ecall_ocall_echo, 0, 0},
    {ecall_overflow_stack, 0, 0},
    {ecall_plant_seeded, 0, 0},
    {ecall_double_fetch, 0, 0},
    {ecall_transform_after_ocall, 0, 0},
    {ecall_flood_monitor, 0, 0},
};
/* Two OCALLs; OCALL 0 may call ECALLs 0, 1 and 5 (nested calls, to any depth). */
#define ECALL_COUNT 12
static const uint8_t allow[2 * ECALL_COUNT] = {
    /* OCALL 0: */ 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
    /* OCALL 1: */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

const cella_ecall_table_t cella_bridge_ecall_table = {
    .ecall_count = ECALL_COUNT,
    .ocall_count = 2,
    .ecalls = ecalls,
    .allow = allow,
};
