/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_tcrypto.h: the SGX SDK's trusted cryptography API (types, constants, functions). */
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
 * unlike SEC1 and DCAP quotes (cella/crypto.h converts between the two).
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

/*
 * The functions, with the SDK's names, signatures and status codes; cella's trusted
 * cryptography library (cella::tcrypto, linked into every enclave) implements them over
 * BearSSL. All return SGX_SUCCESS or an error: SGX_ERROR_INVALID_PARAMETER for a NULL
 * pointer the function needs, a wrong size or a length beyond the SDK's INT_MAX limit,
 * SGX_ERROR_OUT_OF_MEMORY when a state cannot be allocated, SGX_ERROR_UNEXPECTED when the
 * random source fails. Handles come from the matching init/open function, are used by one
 * thread at a time, and are freed (their secrets wiped) by the matching close function.
 * Everything else is thread safe. Key schedules and secret intermediates are wiped before
 * return. See docs/crypto.md.
 */

/*
 * SHA-256. sgx_sha256_msg hashes src_len bytes at p_src; p_src must not be NULL, even for
 * src_len 0. The streaming form: init allocates a state, update adds data (p_src not
 * NULL), get_hash writes the hash of everything added so far and leaves the state as it is
 * (more data may follow), close wipes and frees the state.
 */
sgx_status_t sgx_sha256_msg(const uint8_t *p_src, uint32_t src_len, sgx_sha256_hash_t *p_hash);
sgx_status_t sgx_sha256_init(sgx_sha_state_handle_t *p_sha_handle);
sgx_status_t sgx_sha256_update(const uint8_t *p_src, uint32_t src_len,
                               sgx_sha_state_handle_t sha_handle);
sgx_status_t sgx_sha256_get_hash(sgx_sha_state_handle_t sha_handle, sgx_sha256_hash_t *p_hash);
sgx_status_t sgx_sha256_close(sgx_sha_state_handle_t sha_handle);

/*
 * AES-128-GCM with a 12-byte IV (iv_len must be 12) and a 16-byte tag. src_len bytes of
 * p_src become src_len bytes at p_dst (which may be p_src itself); src_len may be 0 when
 * there is AAD (GMAC), but p_src and p_aad must not both be NULL. src_len and aad_len must
 * be below INT_MAX. Decryption checks the tag before it decrypts anything: on a mismatch it
 * returns SGX_ERROR_MAC_MISMATCH and leaves p_dst zeroed, never holding plaintext.
 */
sgx_status_t sgx_rijndael128GCM_encrypt(const sgx_aes_gcm_128bit_key_t *p_key, const uint8_t *p_src,
                                        uint32_t src_len, uint8_t *p_dst, const uint8_t *p_iv,
                                        uint32_t iv_len, const uint8_t *p_aad, uint32_t aad_len,
                                        sgx_aes_gcm_128bit_tag_t *p_out_mac);
sgx_status_t sgx_rijndael128GCM_decrypt(const sgx_aes_gcm_128bit_key_t *p_key, const uint8_t *p_src,
                                        uint32_t src_len, uint8_t *p_dst, const uint8_t *p_iv,
                                        uint32_t iv_len, const uint8_t *p_aad, uint32_t aad_len,
                                        const sgx_aes_gcm_128bit_tag_t *p_in_mac);

/*
 * AES-128-CMAC (RFC 4493). The one-shot form needs a non-NULL p_src (src_len may be 0).
 * The streaming form: init allocates a keyed state, update adds data, final writes the tag
 * and makes the state ready for a new message under the same key, close wipes and frees it.
 */
sgx_status_t sgx_rijndael128_cmac_msg(const sgx_cmac_128bit_key_t *p_key, const uint8_t *p_src,
                                      uint32_t src_len, sgx_cmac_128bit_tag_t *p_mac);
sgx_status_t sgx_cmac128_init(const sgx_cmac_128bit_key_t *p_key,
                              sgx_cmac_state_handle_t *p_cmac_handle);
sgx_status_t sgx_cmac128_update(const uint8_t *p_src, uint32_t src_len,
                                sgx_cmac_state_handle_t cmac_handle);
sgx_status_t sgx_cmac128_final(sgx_cmac_state_handle_t cmac_handle, sgx_cmac_128bit_tag_t *p_hash);
sgx_status_t sgx_cmac128_close(sgx_cmac_state_handle_t cmac_handle);

/*
 * HMAC-SHA256 with a key of any length. Lengths are int, as in the SDK: message and key
 * lengths must be positive (an empty message or key is SGX_ERROR_INVALID_PARAMETER).
 * mac_len / hash_len from 1 to 32 writes the first that many bytes of the MAC; above 32
 * the output is zeroed and the result is SGX_ERROR_UNEXPECTED, as the SDK's library does.
 * sgx_hmac256_final makes the state ready for a new message under the same key;
 * sgx_hmac256_close accepts NULL.
 */
sgx_status_t sgx_hmac_sha256_msg(const unsigned char *p_src, int src_len,
                                 const unsigned char *p_key, int key_len, unsigned char *p_mac,
                                 int mac_len);
sgx_status_t sgx_hmac256_init(const unsigned char *p_key, int key_len,
                              sgx_hmac_state_handle_t *p_hmac_handle);
sgx_status_t sgx_hmac256_update(const uint8_t *p_src, int src_len,
                                sgx_hmac_state_handle_t hmac_handle);
sgx_status_t sgx_hmac256_final(unsigned char *p_hash, int hash_len,
                               sgx_hmac_state_handle_t hmac_handle);
sgx_status_t sgx_hmac256_close(sgx_hmac_state_handle_t hmac_handle);

/*
 * AES-128-CTR (NIST SP 800-38A) with the SDK's counter: p_ctr is a 16-byte big-endian
 * counter block whose low ctr_inc_bits bits (1..128) count blocks, wrapping within those
 * bits; it is advanced by one per block, a partial last block included, and written back
 * so the next call continues the stream. src_len must be 1..INT_MAX, and with fewer than
 * 32 counter bits at most 2^ctr_inc_bits blocks long. p_dst may be p_src.
 */
sgx_status_t sgx_aes_ctr_encrypt(const sgx_aes_ctr_128bit_key_t *p_key, const uint8_t *p_src,
                                 const uint32_t src_len, uint8_t *p_ctr,
                                 const uint32_t ctr_inc_bits, uint8_t *p_dst);
sgx_status_t sgx_aes_ctr_decrypt(const sgx_aes_ctr_128bit_key_t *p_key, const uint8_t *p_src,
                                 const uint32_t src_len, uint8_t *p_ctr,
                                 const uint32_t ctr_inc_bits, uint8_t *p_dst);

/*
 * ECC over NIST P-256 (secp256r1). All values little-endian (see the top of this file).
 *
 * open_context allocates the context the other functions take; close_context frees it.
 * create_key_pair draws a private key uniformly in [1, n - 1] with sgx_read_rand and
 * computes its public key. check_point sets *p_valid to 1 when the point lies on the curve,
 * else 0, and returns SGX_SUCCESS, or SGX_ERROR_INVALID_PARAMETER when a coordinate is not
 * below p (as the SDK's library does).
 * compute_shared_dhkey writes the x coordinate of private * public (ECDH); a public key off
 * the curve or a private key outside [1, n - 1] is SGX_ERROR_INVALID_PARAMETER.
 *
 * sgx_ecdsa_sign signs SHA-256 of data_size (at least 1) bytes; the nonce comes from the
 * key and the hash (RFC 6979). sgx_ecdsa_verify checks such a signature and
 * sgx_ecdsa_verify_hash one over a SHA-256 hash given directly (32 bytes); both set
 * *p_result to SGX_EC_VALID or SGX_EC_INVALID_SIGNATURE (also for a public key off the curve
 * or r, s outside [1, n - 1]) and return SGX_SUCCESS; a public key coordinate not below p is
 * SGX_ERROR_INVALID_PARAMETER, with *p_result SGX_EC_INVALID_SIGNATURE.
 */
sgx_status_t sgx_ecc256_open_context(sgx_ecc_state_handle_t *p_ecc_handle);
sgx_status_t sgx_ecc256_close_context(sgx_ecc_state_handle_t ecc_handle);
sgx_status_t sgx_ecc256_create_key_pair(sgx_ec256_private_t *p_private,
                                        sgx_ec256_public_t *p_public,
                                        sgx_ecc_state_handle_t ecc_handle);
sgx_status_t sgx_ecc256_check_point(const sgx_ec256_public_t *p_point,
                                    const sgx_ecc_state_handle_t ecc_handle, int *p_valid);
sgx_status_t sgx_ecc256_compute_shared_dhkey(const sgx_ec256_private_t *p_private_b,
                                             const sgx_ec256_public_t *p_public_ga,
                                             sgx_ec256_dh_shared_t *p_shared_key,
                                             sgx_ecc_state_handle_t ecc_handle);
sgx_status_t sgx_ecdsa_sign(const uint8_t *p_data, uint32_t data_size,
                            const sgx_ec256_private_t *p_private,
                            sgx_ec256_signature_t *p_signature, sgx_ecc_state_handle_t ecc_handle);
sgx_status_t sgx_ecdsa_verify(const uint8_t *p_data, uint32_t data_size,
                              const sgx_ec256_public_t *p_public,
                              const sgx_ec256_signature_t *p_signature, uint8_t *p_result,
                              sgx_ecc_state_handle_t ecc_handle);
sgx_status_t sgx_ecdsa_verify_hash(const uint8_t *hash, const sgx_ec256_public_t *p_public,
                                   const sgx_ec256_signature_t *p_signature, uint8_t *p_result,
                                   sgx_ecc_state_handle_t ecc_handle);

/*
 * RSA-3072 PKCS#1 v1.5 signature verification with SHA-256 over data_size (at least 1)
 * bytes. The modulus and exponent of p_public are little-endian (as in SIGSTRUCT); the
 * signature is the big-endian octet string RSA produces. *p_result is SGX_RSA_VALID or
 * SGX_RSA_INVALID_SIGNATURE; a zero modulus or exponent is SGX_ERROR_INVALID_PARAMETER.
 */
sgx_status_t sgx_rsa3072_verify(const uint8_t *p_data, uint32_t data_size,
                                const sgx_rsa3072_public_key_t *p_public,
                                const sgx_rsa3072_signature_t *p_signature,
                                sgx_rsa_result_t *p_result);

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_TCRYPTO_H */
