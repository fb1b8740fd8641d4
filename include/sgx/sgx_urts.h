/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_urts.h: the SGX SDK's untrusted runtime API, for host applications. */
#ifndef CELLA_SGX_URTS_H
#define CELLA_SGX_URTS_H

#include <stddef.h>
#include <stdint.h>

#include "sgx_attributes.h"
#include "sgx_defs.h"
#include "sgx_eid.h"
#include "sgx_error.h"

CELLA_EXTERN_C_BEGIN

/* Create the enclave as a debug enclave in debug builds, as the SGX SDK does. */
#if !defined(NDEBUG) || defined(EDEBUG)
#define SGX_DEBUG_FLAG 1
#else
#define SGX_DEBUG_FLAG 0
#endif

/* Launch tokens are accepted and ignored, as on every current SGX platform (FLC). */
typedef uint8_t sgx_launch_token_t[1024];

/* sgx_create_enclave_ex features. */
#define SGX_CREATE_ENCLAVE_EX_PCL_BIT_IDX        0
#define SGX_CREATE_ENCLAVE_EX_PCL                (1u << SGX_CREATE_ENCLAVE_EX_PCL_BIT_IDX)
#define SGX_CREATE_ENCLAVE_EX_SWITCHLESS_BIT_IDX 1
#define SGX_CREATE_ENCLAVE_EX_SWITCHLESS         (1u << SGX_CREATE_ENCLAVE_EX_SWITCHLESS_BIT_IDX)
#define SGX_CREATE_ENCLAVE_EX_KSS_BIT_IDX        2
#define SGX_CREATE_ENCLAVE_EX_KSS                (1u << SGX_CREATE_ENCLAVE_EX_KSS_BIT_IDX)
#define _SGX_LAST_EX_FEATURE_IDX_                SGX_CREATE_ENCLAVE_EX_KSS_BIT_IDX
#define _SGX_EX_FEATURES_MASK_                   ((1u << (_SGX_LAST_EX_FEATURE_IDX_ + 1u)) - 1u)
#define MAX_EX_FEATURES_COUNT                    32

/*
 * Loads the signed enclave file_name, checks its signature and measurement, and starts it.
 * debug must be 0 or 1 (SGX_DEBUG_FLAG). The launch token arguments may be NULL and are not
 * used. misc_attr, when not NULL, receives the enclave's attributes and MISCSELECT.
 * The backend comes from the CELLA_BACKEND environment variable (see cella/host.h).
 * Returns SGX_SUCCESS, SGX_ERROR_INVALID_PARAMETER, SGX_ERROR_ENCLAVE_FILE_ACCESS,
 * SGX_ERROR_INVALID_ENCLAVE, SGX_ERROR_INVALID_METADATA, SGX_ERROR_INVALID_SIGNATURE,
 * SGX_ERROR_INVALID_ATTRIBUTE, SGX_ERROR_NDEBUG_ENCLAVE, SGX_ERROR_OUT_OF_MEMORY,
 * SGX_ERROR_MEMORY_MAP_FAILURE or SGX_ERROR_FEATURE_NOT_SUPPORTED; the log says why.
 */
sgx_status_t SGXAPI sgx_create_enclave(const char *file_name, const int debug,
                                       sgx_launch_token_t *launch_token, int *launch_token_updated,
                                       sgx_enclave_id_t *enclave_id,
                                       sgx_misc_attribute_t *misc_attr);

/*
 * sgx_create_enclave with extended features. cella supports none of PCL, switchless or KSS
 * yet: ex_features must be 0 (SGX_ERROR_FEATURE_NOT_SUPPORTED otherwise).
 */
sgx_status_t SGXAPI sgx_create_enclave_ex(const char *file_name, const int debug,
                                          sgx_launch_token_t *launch_token,
                                          int *launch_token_updated, sgx_enclave_id_t *enclave_id,
                                          sgx_misc_attribute_t *misc_attr,
                                          const uint32_t ex_features,
                                          const void *ex_features_p[32]);

/* Destroys the enclave; SGX_ERROR_INVALID_ENCLAVE_ID for an unknown id. */
sgx_status_t SGXAPI sgx_destroy_enclave(const sgx_enclave_id_t enclave_id);

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_URTS_H */
