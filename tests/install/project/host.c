/* SPDX-License-Identifier: Apache-2.0 */
/* host.c: the install tests' host: creates the enclave, makes one ECALL, checks the answer. */
#include <stdio.h>
#include <string.h>

#include <sgx_urts.h>

#include "Hello_u.h"

static int notes_count = 0;

void ocall_note(const char *text)
{
    if (strcmp(text, "greeting from inside the enclave") == 0)
        notes_count++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: hello ENCLAVE.signed.so\n");
        return 2;
    }
    sgx_enclave_id_t enclave_id = 0;
    sgx_status_t status =
        sgx_create_enclave(argv[1], SGX_DEBUG_FLAG, NULL, NULL, &enclave_id, NULL);
    if (status != SGX_SUCCESS) {
        fprintf(stderr, "hello: sgx_create_enclave: 0x%04x\n", (unsigned)status);
        return 1;
    }
    static const char expected[] = "hello, cella (5 characters)";
    char reply[64] = {0};
    int length = -1;
    status = ecall_greet(enclave_id, &length, "cella", reply, sizeof(reply));
    sgx_status_t destroy_status = sgx_destroy_enclave(enclave_id);
    if (status != SGX_SUCCESS) {
        fprintf(stderr, "hello: ecall_greet: 0x%04x\n", (unsigned)status);
        return 1;
    }
    if (length != (int)strlen(expected) || strcmp(reply, expected) != 0 || notes_count != 1) {
        fprintf(stderr, "hello: the enclave answered \"%s\" (%d) after %d notes\n", reply, length,
                notes_count);
        return 1;
    }
    if (destroy_status != SGX_SUCCESS) {
        fprintf(stderr, "hello: sgx_destroy_enclave: 0x%04x\n", (unsigned)destroy_status);
        return 1;
    }
    printf("hello: the enclave answered \"%s\"\n", reply);
    return 0;
}
