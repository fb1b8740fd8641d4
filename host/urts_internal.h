/* SPDX-License-Identifier: Apache-2.0 */
/* host/urts_internal.h: enclave lifecycle with SGX status codes, shared by the two host APIs. */
#ifndef CELLA_HOST_URTS_INTERNAL_H
#define CELLA_HOST_URTS_INTERNAL_H

#include <stdint.h>

#include <cella/host.h>
#include <sgx_error.h>

struct cella_enclave;

/* cella_enclave_create() with the precise SGX status (SGX_ERROR_INVALID_SIGNATURE, ...). */
sgx_status_t cella_host_enclave_create(const char *path, const cella_enclave_options_t *options,
                                       struct cella_enclave **enclave);
sgx_status_t cella_host_enclave_destroy(struct cella_enclave *enclave);
/* Destroys the enclave with this id, checking the id under a reference (no stale pointer). */
sgx_status_t cella_host_enclave_destroy_id(uint64_t id);
sgx_status_t cella_host_enclave_lookup(uint64_t id, struct cella_enclave **enclave);

#endif /* CELLA_HOST_URTS_INTERNAL_H */
