/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/entry/enc.c: a test enclave for the entry checks, with a hand-written bridge. */
#include <stdint.h>
#include <string.h>

#include <cella/bridge.h>
#include <sgx_error.h>

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

static const cella_ecall_entry_t ecalls[] = {
    {ecall_add, 0, 0},
};

const cella_ecall_table_t cella_bridge_ecall_table = {
    .ecall_count = 1,
    .ocall_count = 0,
    .ecalls = ecalls,
    .allow = NULL,
};
