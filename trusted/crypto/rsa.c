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

/* PKCS#1 v1.5's DigestInfo for SHA-256, with the NULL parameters (RFC 8017, 9.2 note 1). */
static const uint8_t sha256_digest_info[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                             0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                             0x01, 0x05, 0x00, 0x04, 0x20};

sgx_status_t sgx_rsa3072_verify(const uint8_t *p_data, uint32_t data_size,
                                const sgx_rsa3072_public_key_t *p_public,
                                const sgx_rsa3072_signature_t *p_signature,
                                sgx_rsa_result_t *p_result)
{
    uint8_t modulus[SGX_RSA3072_KEY_SIZE];
    uint8_t exponent[SGX_RSA3072_PUB_EXP_SIZE];
    uint8_t encoded[SGX_RSA3072_KEY_SIZE];
    uint8_t expected[SGX_RSA3072_KEY_SIZE];
    sgx_sha256_hash_t hash;
    br_rsa_public_key key = {modulus, sizeof(modulus), exponent, sizeof(exponent)};
    br_rsa_public public_operation = br_rsa_public_get_default();
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
    size_t length = key.nlen;
    if (!is_zero(*p_signature, skip) || length < 11 + sizeof(sha256_digest_info) + sizeof(hash))
        return SGX_SUCCESS;

    if (sgx_sha256_msg(p_data, data_size, &hash) != SGX_SUCCESS)
        return SGX_ERROR_UNEXPECTED;
    /*
     * The whole encoded message is compared with the one expected: 00 01 FF.. 00, the
     * DigestInfo with its NULL parameters, the hash. As in the SDK's library, nothing else
     * passes (BearSSL's own unpadding also takes a DigestInfo without the NULL, a second
     * valid signature for the same message).
     */
    memcpy(encoded, *p_signature + skip, length);
    if (public_operation(encoded, length, &key) != 1)
        return SGX_SUCCESS;
    size_t prefix = length - sizeof(sha256_digest_info) - sizeof(hash);
    expected[0] = 0x00;
    expected[1] = 0x01;
    memset(expected + 2, 0xff, prefix - 3);
    expected[prefix - 1] = 0x00;
    memcpy(expected + prefix, sha256_digest_info, sizeof(sha256_digest_info));
    memcpy(expected + prefix + sizeof(sha256_digest_info), hash, sizeof(hash));
    if (tcrypto_equal_ct(encoded, expected, length))
        *p_result = SGX_RSA_VALID;
    return SGX_SUCCESS;
}
