/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/rsa.c: RSA-3072 PKCS#1 v1.5 SHA-256 verification of sgx_tcrypto.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sgx_tcrypto.h>

#include "internal.h"

/*
 * In sgx_rsa3072_public_key_t the modulus and the exponent are little-endian integers (as
 * in SIGSTRUCT), while the signature is the PKCS#1 octet string, big-endian, as RSA
 * produces it. The SDK's library reads them that way; so does this code.
 */

static bool is_zero(const uint8_t *bytes, size_t size)
{
    unsigned int bits = 0;
    for (size_t i = 0; i < size; i++)
        bits |= bytes[i];
    return bits == 0;
}

sgx_status_t sgx_rsa3072_verify(const uint8_t *p_data, uint32_t data_size,
                                const sgx_rsa3072_public_key_t *p_public,
                                const sgx_rsa3072_signature_t *p_signature,
                                sgx_rsa_result_t *p_result)
{
    uint8_t modulus[SGX_RSA3072_KEY_SIZE];
    uint8_t exponent[SGX_RSA3072_PUB_EXP_SIZE];
    uint8_t hash_in_signature[SGX_SHA256_HASH_SIZE];
    sgx_sha256_hash_t hash;
    br_rsa_public_key key = {modulus, sizeof(modulus), exponent, sizeof(exponent)};
    br_rsa_pkcs1_vrfy verify = br_rsa_pkcs1_vrfy_get_default();
    size_t skip = 0;

    if (p_data == NULL || data_size < 1 || data_size > TCRYPTO_MAX_LENGTH || p_public == NULL ||
        p_signature == NULL || p_result == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    *p_result = SGX_RSA_INVALID_SIGNATURE;

    tcrypto_reverse(modulus, p_public->mod, sizeof(modulus));
    tcrypto_reverse(exponent, p_public->exp, sizeof(exponent));
    /* The SDK's library refuses a zero modulus or exponent as a bad key. */
    if (is_zero(modulus, sizeof(modulus)) || is_zero(exponent, sizeof(exponent)))
        return SGX_ERROR_INVALID_PARAMETER;

    /*
     * BearSSL wants the signature exactly as long as the modulus without its leading zero
     * bytes; a shorter modulus leaves that many leading zero bytes in a valid signature.
     */
    while (skip < sizeof(modulus) && modulus[skip] == 0)
        skip++;
    key.n = modulus + skip;
    key.nlen = sizeof(modulus) - skip;
    if (!is_zero(*p_signature, skip))
        return SGX_SUCCESS;

    if (sgx_sha256_msg(p_data, data_size, &hash) != SGX_SUCCESS)
        return SGX_ERROR_UNEXPECTED;
    /* Unpads, checks the DigestInfo for SHA-256, and hands back the hash it carries. */
    if (verify(*p_signature + skip, sizeof(*p_signature) - skip, BR_HASH_OID_SHA256,
               sizeof(hash_in_signature), &key, hash_in_signature) == 1 &&
        memcmp(hash_in_signature, hash, sizeof(hash)) == 0)
        *p_result = SGX_RSA_VALID;
    return SGX_SUCCESS;
}
