/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/entry/enc.c: a test enclave for the entry checks, with a hand-written bridge. */
#include <stdint.h>
#include <string.h>

#include <cella/bridge.h>
#include <sgx_error.h>
#include <sgx_edger8r.h>

/* ECALL 0: returns the sum of two ints (no OCALL, so the test host may enter it directly). */
static int32_t ecall_add(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    int pair[2];
    int sum;

    if (in_size != sizeof(pair) || out_size != sizeof(sum))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(pair, in, sizeof(pair));
    sum = pair[0] + pair[1];
    memcpy(out, &sum, sizeof(sum));
    return SGX_SUCCESS;
}

/* ECALL 1: takes OCALL memory (an exit to the host that is no OCALL) and gives it back. */
static int32_t ecall_ocalloc(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    (void)in, (void)in_size, (void)out, (void)out_size;
    void *memory = sgx_ocalloc(16);
    sgx_ocfree();
    return memory != NULL ? SGX_SUCCESS : SGX_ERROR_OUT_OF_MEMORY;
}

static const cella_ecall_entry_t ecalls[] = {
    {ecall_add, 0, 0},
    {ecall_ocalloc, 0, 0},
};

const cella_ecall_table_t cella_bridge_ecall_table = {
    .ecall_count = 2,
    .ocall_count = 0,
    .ecalls = ecalls,
    .allow = NULL,
};
