/* SPDX-License-Identifier: Apache-2.0 */
/* enclave.c: the install tests' enclave, built against the installed trusted runtime and libc. */
#include <stdio.h>
#include <string.h>

#include <sgx_trts.h>

#include "Hello_t.h"

int ecall_greet(const char *name, char *reply, size_t reply_size)
{
    unsigned char random_byte = 0;
    if (sgx_read_rand(&random_byte, sizeof(random_byte)) != SGX_SUCCESS)
        return -1;
    if (ocall_note("greeting from inside the enclave") != SGX_SUCCESS)
        return -1;
    int length = snprintf(reply, reply_size, "hello, %s (%zu characters)", name, strlen(name));
    if (length < 0 || (size_t)length >= reply_size)
        return -1;
    return length;
}
