/* SPDX-License-Identifier: Apache-2.0 */
/* samples/hello/host.c: the untrusted side of the hello sample. */
#include <stdio.h>
#include <stdlib.h>

#include <sgx_urts.h>

#include "hello_u.h"

/* The OCALL the enclave makes. */
void print_line(const char *line)
{
    printf("%s\n", line);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "hello.signed.so";
    const char *name = argc > 2 ? argv[2] : "world";
    sgx_enclave_id_t eid = 0;
    char greeting[64];
    size_t length = 0;

    sgx_status_t status = sgx_create_enclave(path, SGX_DEBUG_FLAG, NULL, NULL, &eid, NULL);
    if (status != SGX_SUCCESS) {
        fprintf(stderr, "hello: cannot create the enclave %s: 0x%04x (cella error %#x explains)\n",
                path, (unsigned)status, (unsigned)status);
        return 1;
    }
    status = hello(eid, &length, name, greeting, sizeof(greeting));
    if (status != SGX_SUCCESS) {
        fprintf(stderr, "hello: the ECALL failed: 0x%04x\n", (unsigned)status);
        sgx_destroy_enclave(eid);
        return 1;
    }
    printf("the host got back: %s (%zu characters)\n", greeting, length);
    sgx_destroy_enclave(eid);
    return 0;
}
