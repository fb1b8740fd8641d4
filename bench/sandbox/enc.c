/* SPDX-License-Identifier: Apache-2.0 */
/* bench/sandbox/enc.c: the enclave side of the sandbox benchmark: calls that do nothing. */
#include <stddef.h>
#include <stdint.h>

#include "sandbox_bench_t.h"

void ecall_empty(void)
{
}

uint64_t ecall_ocalls(uint64_t count)
{
    uint64_t done = 0;

    for (uint64_t i = 0; i < count; i++) {
        if (ocall_empty() == SGX_SUCCESS)
            done++;
    }
    return done;
}

void ecall_buffer(uint8_t *buffer, size_t size)
{
    if (size != 0)
        buffer[0]++;
}
