/* SPDX-License-Identifier: Apache-2.0 */
/* bench/ecall/enc.c: the enclave side of the transition benchmark. */
#include <stddef.h>
#include <stdint.h>

#include "bench_t.h"

void ecall_empty(void)
{
}

void ecall_buffer(uint8_t *buffer, size_t size)
{
    if (size != 0)
        buffer[0]++;
}
