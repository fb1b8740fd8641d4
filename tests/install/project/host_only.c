/* SPDX-License-Identifier: Apache-2.0 */
/* host_only.c: uses the installed host runtime without an enclave: its errors must be SGX's. */
#include <stdio.h>

#include <cella/result.h>
#include <sgx_urts.h>

int main(void)
{
    sgx_enclave_id_t enclave_id = 0;
    sgx_status_t status = sgx_create_enclave("/nonexistent/enclave.signed.so", SGX_DEBUG_FLAG, NULL,
                                             NULL, &enclave_id, NULL);
    if (status != SGX_ERROR_ENCLAVE_FILE_ACCESS) {
        fprintf(stderr, "host_only: creating a missing enclave gave 0x%04x, not 0x%04x\n",
                (unsigned)status, (unsigned)SGX_ERROR_ENCLAVE_FILE_ACCESS);
        return 1;
    }
    status = sgx_destroy_enclave(enclave_id);
    if (status != SGX_ERROR_INVALID_ENCLAVE_ID) {
        fprintf(stderr, "host_only: destroying no enclave gave 0x%04x, not 0x%04x\n",
                (unsigned)status, (unsigned)SGX_ERROR_INVALID_ENCLAVE_ID);
        return 1;
    }
    printf("host_only: the host runtime answered as expected (%s)\n", cella_result_str(CELLA_OK));
    return 0;
}
