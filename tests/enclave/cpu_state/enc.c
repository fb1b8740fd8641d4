/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/cpu_state/enc.c: enclave code that relies on the CPU state the C ABI promises. */
#include <stdint.h>
#include <string.h>

#include <cella/bridge.h>
#include <sgx_error.h>

#include "cpu_state.h"

/*
 * A hand-written bridge (cella/bridge.h), as in tests/enclave/runtime. Each ECALL makes OCALL
 * 0 with one action for the host, whose handler leaves the CPU in that state as it returns,
 * then runs code that works only if the runtime put the C ABI's state back.
 */

/* OCALL 0 with `action`; the host answers with one int. */
static int32_t call_host(int action, int *answer)
{
    cella_bridge_call_t call;
    int32_t status = cella_ocall_begin(&call, sizeof(action), sizeof(*answer));
    if (status != SGX_SUCCESS)
        return status;
    memcpy(call.in, &action, sizeof(action));
    status = cella_ocall_invoke(&call, 0);
    if (status == SGX_SUCCESS)
        memcpy(answer, call.out, sizeof(*answer));
    cella_ocall_end(&call);
    return status;
}

static int32_t give(uint8_t *out, size_t out_size, const void *value, size_t value_size)
{
    if (out_size != value_size)
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(out, value, value_size);
    return SGX_SUCCESS;
}

/*
 * Copies a page with memcpy (rep movsb at this size) after the host set DF. Run backwards,
 * the copy would leave the destination almost unchanged and overwrite the page below it.
 */
static struct {
    uint8_t below[CPU_STATE_COPY_BYTES];
    uint8_t destination[CPU_STATE_COPY_BYTES];
} copy_area;
static uint8_t copy_source[CPU_STATE_COPY_BYTES];

static int32_t ecall_copy(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    int answer = 0;
    int outcome = CPU_STATE_COPY_OK;
    (void)in, (void)in_size;

    for (size_t i = 0; i < sizeof(copy_source); i++)
        copy_source[i] = (uint8_t)(i * 7 + 1);
    memset(&copy_area, 0, sizeof(copy_area));

    int32_t status = call_host(CPU_STATE_SET_DF, &answer);
    if (status != SGX_SUCCESS)
        return status;
    memcpy(copy_area.destination, copy_source, sizeof(copy_source));

    if (memcmp(copy_area.destination, copy_source, sizeof(copy_source)) != 0)
        outcome |= CPU_STATE_COPY_WRONG_DESTINATION;
    for (size_t i = 0; i < sizeof(copy_area.below); i++)
        if (copy_area.below[i] != 0)
            outcome |= CPU_STATE_COPY_WROTE_BELOW;
    return give(out, out_size, &outcome, sizeof(outcome));
}

/* 1/7 in double (SSE, MXCSR) and in long double (x87, its control word) after the host set
 * both to round towards +infinity; 1/7 is not exact and rounds down to nearest in both. */
static int32_t ecall_divide(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    volatile double one = 1.0, seven = 7.0;
    volatile long double long_one = 1.0L, long_seven = 7.0L;
    cpu_state_quotients_t quotients;
    int answer = 0;
    (void)in, (void)in_size;

    int32_t status = call_host(CPU_STATE_SET_ROUND_UP, &answer);
    if (status != SGX_SUCCESS)
        return status;
    double quotient = one / seven;
    long double long_quotient = long_one / long_seven;

    memset(&quotients, 0, sizeof(quotients));
    memcpy(&quotients.double_bits, &quotient, sizeof(quotient));
    memcpy(quotients.long_double_bytes, &long_quotient, CPU_STATE_LONG_DOUBLE_BYTES);
    return give(out, out_size, &quotients, sizeof(quotients));
}

/* Unaligned loads after the host set RFLAGS.AC: each would raise #AC, and crash the enclave. */
static int32_t ecall_unaligned(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    static const uint8_t bytes[16]
        __attribute__((aligned(16))) = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    uint64_t sum = 0;
    int answer = 0;
    (void)in, (void)in_size;

    int32_t status = call_host(CPU_STATE_SET_AC, &answer);
    if (status != SGX_SUCCESS)
        return status;
    /* In assembly, so the accesses are certainly the misaligned loads written here. */
    for (size_t offset = 1; offset < 8; offset += 2) {
        uint64_t word;
        uint32_t half;
        __asm__ __volatile__("movq (%2), %0\n\tmovl 1(%2), %1"
                             : "=&r"(word), "=r"(half)
                             : "r"(bytes + offset)
                             : "memory");
        sum += word + half;
    }
    return give(out, out_size, &sum, sizeof(sum));
}

/*
 * Puts a canary in %xmm8-%xmm15, which nothing between here and the OCALL uses, and lets the
 * host look for it; the host answers how many of those registers still held it.
 */
static int32_t ecall_leave_vectors(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    static const uint64_t canary[2]
        __attribute__((aligned(16))) = {CPU_STATE_CANARY, CPU_STATE_CANARY};
    int answer = -1;
    (void)in, (void)in_size;

    __asm__ __volatile__("movdqa (%0), %%xmm8\n\tmovdqa (%0), %%xmm9\n\t"
                         "movdqa (%0), %%xmm10\n\tmovdqa (%0), %%xmm11\n\t"
                         "movdqa (%0), %%xmm12\n\tmovdqa (%0), %%xmm13\n\t"
                         "movdqa (%0), %%xmm14\n\tmovdqa (%0), %%xmm15"
                         :
                         : "r"(canary)
                         : "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    int32_t status = call_host(CPU_STATE_FIND_CANARY, &answer);
    if (status != SGX_SUCCESS)
        return status;
    return give(out, out_size, &answer, sizeof(answer));
}

static const cella_ecall_entry_t ecalls[] = {
    {ecall_copy, 0, 0},
    {ecall_divide, 0, 0},
    {ecall_unaligned, 0, 0},
    {ecall_leave_vectors, 0, 0},
};

const cella_ecall_table_t cella_bridge_ecall_table = {
    .ecall_count = 4,
    .ocall_count = 1,
    .ecalls = ecalls,
    .allow = NULL,
};
