/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_tcrypto.h: the SGX SDK's trusted cryptography types and constants, for enclave code. */
#ifndef CELLA_SGX_TCRYPTO_H
#define CELLA_SGX_TCRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "sgx_defs.h"
#include "sgx_error.h"

CELLA_EXTERN_C_BEGIN

/*
 * Types and sizes exactly as the SGX SDK defines them. Note that elliptic-curve values
 * (private scalars, public coordinates, signature halves) are little-endian integers here,
 * unlike SEC1 and DCAP quotes. The functions of this header come with cella's trusted
 * cryptography library.
 */
#define SGX_SHA1_HASH_SIZE        20
#define SGX_SHA256_HASH_SIZE      32
#define SGX_SHA384_HASH_SIZE      48
#define SGX_ECP256_KEY_SIZE       32
#define SGX_NISTP_ECP256_KEY_SIZE (SGX_ECP256_KEY_SIZE / sizeof(uint32_t))
#define SGX_AESGCM_IV_SIZE        12
#define SGX_AESGCM_KEY_SIZE       16
#define SGX_AESGCM_MAC_SIZE       16
#define SGX_CMAC_KEY_SIZE         16
#define SGX_CMAC_MAC_SIZE         16
#define SGX_HMAC256_KEY_SIZE      32
#define SGX_HMAC256_MAC_SIZE      32
#define SGX_AESCTR_KEY_SIZE       16
#define SGX_RSA3072_KEY_SIZE      384
#define SGX_RSA3072_PRI_EXP_SIZE  384
#define SGX_RSA3072_PUB_EXP_SIZE  4

typedef uint8_t sgx_sha1_hash_t[SGX_SHA1_HASH_SIZE];
typedef uint8_t sgx_sha256_hash_t[SGX_SHA256_HASH_SIZE];
typedef uint8_t sgx_sha384_hash_t[SGX_SHA384_HASH_SIZE];
typedef uint8_t sgx_aes_gcm_128bit_key_t[SGX_AESGCM_KEY_SIZE];
typedef uint8_t sgx_aes_gcm_128bit_tag_t[SGX_AESGCM_MAC_SIZE];
typedef uint8_t sgx_cmac_128bit_key_t[SGX_CMAC_KEY_SIZE];
typedef uint8_t sgx_cmac_128bit_tag_t[SGX_CMAC_MAC_SIZE];
typedef uint8_t sgx_hmac_256bit_key_t[SGX_HMAC256_KEY_SIZE];
typedef uint8_t sgx_hmac_256bit_tag_t[SGX_HMAC256_MAC_SIZE];
typedef uint8_t sgx_aes_ctr_128bit_key_t[SGX_AESCTR_KEY_SIZE];
typedef uint8_t sgx_rsa3072_signature_t[SGX_RSA3072_KEY_SIZE];

typedef struct sgx_ec256_dh_shared {
    uint8_t s[SGX_ECP256_KEY_SIZE];
} sgx_ec256_dh_shared_t;

typedef struct sgx_ec256_private {
    uint8_t r[SGX_ECP256_KEY_SIZE];
} sgx_ec256_private_t;

typedef struct sgx_ec256_public {
    uint8_t gx[SGX_ECP256_KEY_SIZE];
    uint8_t gy[SGX_ECP256_KEY_SIZE];
} sgx_ec256_public_t;

typedef struct sgx_ec256_signature {
    uint32_t x[SGX_NISTP_ECP256_KEY_SIZE];
    uint32_t y[SGX_NISTP_ECP256_KEY_SIZE];
} sgx_ec256_signature_t;

typedef struct sgx_rsa3072_public_key {
    uint8_t mod[SGX_RSA3072_KEY_SIZE];
    uint8_t exp[SGX_RSA3072_PUB_EXP_SIZE];
} sgx_rsa3072_public_key_t;

typedef struct sgx_rsa3072_key {
    uint8_t mod[SGX_RSA3072_KEY_SIZE];
    uint8_t d[SGX_RSA3072_PRI_EXP_SIZE];
    uint8_t e[SGX_RSA3072_PUB_EXP_SIZE];
} sgx_rsa3072_key_t;

typedef void *sgx_sha_state_handle_t;
typedef void *sgx_sha256_state_handle_t;
typedef void *sgx_cmac_state_handle_t;
typedef void *sgx_hmac_state_handle_t;
typedef void *sgx_ecc_state_handle_t;
typedef void *sgx_aes_state_handle_t;

typedef enum sgx_generic_ecresult {
    SGX_EC_VALID = 0,
    SGX_EC_COMPOSITE_BASE = 1,
    SGX_EC_COMPLICATED_BASE = 2,
    SGX_EC_IS_ZERO_DISCRIMINANT = 3,
    SGX_EC_COMPOSITE_ORDER = 4,
    SGX_EC_INVALID_ORDER = 5,
    SGX_EC_IS_WEAK_MOV = 6,
    SGX_EC_IS_WEAK_SSA = 7,
    SGX_EC_IS_SUPER_SINGULAR = 8,
    SGX_EC_INVALID_PRIVATE_KEY = 9,
    SGX_EC_INVALID_PUBLIC_KEY = 10,
    SGX_EC_INVALID_KEY_PAIR = 11,
    SGX_EC_POINT_OUT_OF_GROUP = 12,
    SGX_EC_POINT_IS_AT_INFINITY = 13,
    SGX_EC_POINT_IS_NOT_VALID = 14,
    SGX_EC_POINT_IS_EQUAL = 15,
    SGX_EC_POINT_IS_NOT_EQUAL = 16,
    SGX_EC_INVALID_SIGNATURE = 17,
} sgx_generic_ecresult_t;

typedef enum sgx_rsa_result {
    SGX_RSA_VALID = 0,
    SGX_RSA_INVALID_SIGNATURE = 1,
} sgx_rsa_result_t;

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_TCRYPTO_H */
