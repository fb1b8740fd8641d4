/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_eid.h: the enclave id type, as in the SGX SDK. */
#ifndef CELLA_SGX_EID_H
#define CELLA_SGX_EID_H

#include <stdint.h>

/* Names a created enclave; 0 is never a valid id. */
typedef uint64_t sgx_enclave_id_t;

#endif /* CELLA_SGX_EID_H */
