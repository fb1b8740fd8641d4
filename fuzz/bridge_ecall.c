/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/bridge_ecall.c: libFuzzer target for generated trusted ECALL bridges (hostile inputs). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/bridge.h>
#include <sgx_error.h>

#include "bridge_enclave.h"
#include "trusted_double.h"
#include "fuzz.h"

/*
 * The bridges are generated at build time from tests/unit/edger8r/bridge/Bridge.edl (every
 * kind of parameter) and run over the trusted runtime's test double. The input is what the
 * host controls in an ECALL:
 *
 *   [0]     ECALL index (modulo the number of ECALLs)
 *   [1..4]  out_size, little-endian (modulo 64 KiB)
 *   [5..]   the input buffer
 *
 * The input and output are exact-size heap copies, so ASan reports any access past them. The
 * seed corpus (fuzz/corpus/fuzz_bridge_ecall/) holds inputs the untrusted proxies produced in
 * the round-trip test (CELLA_BRIDGE_CORPUS_DIR, see tests/unit/edger8r/bridge/host_double.h).
 */

/* ecall_user_check reads through its [user_check] pointer, which the bridge only checks to lie
 * outside the enclave: any host address passes, so it is not fuzzed. */
#define ECALL_USER_CHECK 14

/* The host behind OCALLs made by the trusted functions: every OCALL fails. */
static int32_t no_host(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                       uint8_t *out, size_t out_size)
{
    (void)context, (void)index, (void)in, (void)in_size, (void)out, (void)out_size;
    return SGX_ERROR_UNEXPECTED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    uint32_t index = data[0] % cella_bridge_ecall_table.ecall_count;
    size_t out_size =
        ((size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 | (size_t)data[4] << 24) %
        ((size_t)64 << 10);
    size_t in_size = size - 5;
    if (index == ECALL_USER_CHECK)
        return 0;

    trusted_double_reset();
    trusted_double_set_host(no_host, NULL);
    uint8_t *in = malloc(in_size != 0 ? in_size : 1);
    uint8_t *out = malloc(out_size != 0 ? out_size : 1);
    if (in == NULL || out == NULL) {
        free(in);
        free(out);
        return 0;
    }
    memcpy(in, data + 5, in_size);
    memset(out, 0, out_size);
    cella_ecall_bridge_t bridge = cella_bridge_ecall_table.ecalls[index].bridge;
    unsigned before = bridge_enclave_call_count();
    int32_t status = bridge(in_size != 0 ? in : NULL, in_size, out, out_size);
    /* A refused input never reaches the trusted function. */
    if (status == SGX_ERROR_INVALID_PARAMETER && bridge_enclave_call_count() != before)
        abort();
    free(in);
    free(out);
    return 0;
}
