/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/crypto.c: cella/crypto.h: HKDF-SHA256 and big-endian P-256 ECDSA. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cella/crypto.h>

#include "internal.h"

_Static_assert(CELLA_CRYPTO_SHA256_BYTES == SGX_SHA256_HASH_SIZE, "one SHA-256 size");
_Static_assert(CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES == TCRYPTO_P256_SCALAR_BYTES, "scalar size");
_Static_assert(CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES == TCRYPTO_P256_POINT_BYTES, "point size");
_Static_assert(CELLA_CRYPTO_P256_SIGNATURE_BYTES == 2 * TCRYPTO_P256_SCALAR_BYTES, "r || s");

/* A (pointer, size) pair is usable when the pointer is set or the size is 0. */
static bool buffer_valid(const void *pointer, size_t size)
{
    return pointer != NULL || size == 0;
}

/* ---- HKDF-SHA256 (RFC 5869) ----------------------------------------------------------- */

cella_result_t cella_crypto_hkdf_sha256_extract(const uint8_t *salt, size_t salt_size,
                                                const uint8_t *ikm, size_t ikm_size,
                                                uint8_t prk[CELLA_CRYPTO_SHA256_BYTES])
{
    br_hmac_key_context key;
    br_hmac_context context;

    if (!buffer_valid(salt, salt_size) || !buffer_valid(ikm, ikm_size) || prk == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    /* An empty HMAC key is padded with zeros, so it is the RFC's "HashLen zeros" salt. */
    br_hmac_key_init(&key, &br_sha256_vtable, salt, salt_size);
    br_hmac_init(&context, &key, 0);
    br_hmac_update(&context, ikm, ikm_size);
    (void)br_hmac_out(&context, prk);
    tcrypto_wipe(&key, sizeof(key));
    tcrypto_wipe(&context, sizeof(context));
    return CELLA_OK;
}

cella_result_t cella_crypto_hkdf_sha256_expand(const uint8_t *prk, size_t prk_size,
                                               const uint8_t *info, size_t info_size, uint8_t *out,
                                               size_t out_size)
{
    br_hmac_key_context key;
    br_hmac_context context;
    uint8_t block[CELLA_CRYPTO_SHA256_BYTES];
    size_t done = 0;

    if (prk == NULL || prk_size < CELLA_CRYPTO_SHA256_BYTES || !buffer_valid(info, info_size) ||
        out == NULL || out_size == 0 || out_size > CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES)
        return CELLA_ERR_INVALID_ARGUMENT;

    /* T(i) = HMAC(PRK, T(i-1) || info || i), T(0) empty; the output is T(1) || T(2) || ... */
    br_hmac_key_init(&key, &br_sha256_vtable, prk, prk_size);
    for (uint8_t counter = 1; done < out_size; counter++) {
        size_t take = out_size - done < sizeof(block) ? out_size - done : sizeof(block);

        br_hmac_init(&context, &key, 0);
        if (counter > 1)
            br_hmac_update(&context, block, sizeof(block));
        br_hmac_update(&context, info, info_size);
        br_hmac_update(&context, &counter, 1);
        (void)br_hmac_out(&context, block);
        memcpy(out + done, block, take);
        done += take;
    }
    tcrypto_wipe(&key, sizeof(key));
    tcrypto_wipe(&context, sizeof(context));
    tcrypto_wipe(block, sizeof(block));
    return CELLA_OK;
}

cella_result_t cella_crypto_hkdf_sha256(const uint8_t *salt, size_t salt_size, const uint8_t *ikm,
                                        size_t ikm_size, const uint8_t *info, size_t info_size,
                                        uint8_t *out, size_t out_size)
{
    uint8_t prk[CELLA_CRYPTO_SHA256_BYTES];
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    /* Checked first, so a bad output argument is refused before any work. */
    if (!buffer_valid(info, info_size) || out == NULL || out_size == 0 ||
        out_size > CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES)
        return CELLA_ERR_INVALID_ARGUMENT;
    r = cella_crypto_hkdf_sha256_extract(salt, salt_size, ikm, ikm_size, prk);
    if (r == CELLA_OK)
        r = cella_crypto_hkdf_sha256_expand(prk, sizeof(prk), info, info_size, out, out_size);
    tcrypto_wipe(prk, sizeof(prk));
    return r;
}

/* ---- ECDSA P-256 ---------------------------------------------------------------------- */

cella_result_t
cella_crypto_p256_get_public_key(const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES],
                                 uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES])
{
    if (private_key == NULL || public_key == NULL ||
        !cella_tcrypto_p256_scalar_is_valid(private_key))
        return CELLA_ERR_INVALID_ARGUMENT;
    cella_tcrypto_p256_public_point(private_key, public_key);
    return CELLA_OK;
}

cella_result_t
cella_crypto_p256_sign_hash(const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES],
                            const uint8_t hash[CELLA_CRYPTO_SHA256_BYTES],
                            uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES])
{
    uint8_t result[CELLA_CRYPTO_P256_SIGNATURE_BYTES];

    if (private_key == NULL || hash == NULL || signature == NULL ||
        !cella_tcrypto_p256_scalar_is_valid(private_key))
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!cella_tcrypto_p256_sign_hash(private_key, hash, result))
        return CELLA_ERR_UNEXPECTED;
    memcpy(signature, result, sizeof(result));
    return CELLA_OK;
}

cella_result_t
cella_crypto_p256_sign(const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES],
                       const uint8_t *data, size_t data_size,
                       uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES])
{
    uint8_t hash[CELLA_CRYPTO_SHA256_BYTES];
    br_sha256_context context;
    cella_result_t r;

    if (!buffer_valid(data, data_size))
        return CELLA_ERR_INVALID_ARGUMENT;
    br_sha256_init(&context);
    br_sha256_update(&context, data, data_size);
    br_sha256_out(&context, hash);
    r = cella_crypto_p256_sign_hash(private_key, hash, signature);
    /* The data may be secret; its hash and the state that saw it are wiped. */
    tcrypto_wipe(&context, sizeof(context));
    tcrypto_wipe(hash, sizeof(hash));
    return r;
}

cella_result_t
cella_crypto_p256_verify_hash(const uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES],
                              const uint8_t hash[CELLA_CRYPTO_SHA256_BYTES],
                              const uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES])
{
    if (public_key == NULL || hash == NULL || signature == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!cella_tcrypto_p256_point_is_valid(public_key))
        return CELLA_ERR_INVALID_FORMAT;
    return cella_tcrypto_p256_verify_hash(public_key, hash, signature) ? CELLA_OK
                                                                       : CELLA_ERR_VERIFY_FAILED;
}

cella_result_t
cella_crypto_p256_verify(const uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES],
                         const uint8_t *data, size_t data_size,
                         const uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES])
{
    uint8_t hash[CELLA_CRYPTO_SHA256_BYTES];
    br_sha256_context context;

    if (!buffer_valid(data, data_size))
        return CELLA_ERR_INVALID_ARGUMENT;
    br_sha256_init(&context);
    br_sha256_update(&context, data, data_size);
    br_sha256_out(&context, hash);
    return cella_crypto_p256_verify_hash(public_key, hash, signature);
}

/* ---- converters ----------------------------------------------------------------------- */

cella_result_t
cella_crypto_p256_public_key_from_sgx(const sgx_ec256_public_t *sgx_public_key,
                                      uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES])
{
    if (sgx_public_key == NULL || public_key == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    tcrypto_point_from_sgx(sgx_public_key, public_key);
    return CELLA_OK;
}

cella_result_t
cella_crypto_p256_public_key_to_sgx(const uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES],
                                    sgx_ec256_public_t *sgx_public_key)
{
    if (public_key == NULL || sgx_public_key == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (public_key[0] != 0x04)
        return CELLA_ERR_INVALID_FORMAT;
    tcrypto_point_to_sgx(public_key, sgx_public_key);
    return CELLA_OK;
}

cella_result_t
cella_crypto_p256_private_key_from_sgx(const sgx_ec256_private_t *sgx_private_key,
                                       uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES])
{
    if (sgx_private_key == NULL || private_key == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    tcrypto_reverse(private_key, sgx_private_key->r, SGX_ECP256_KEY_SIZE);
    return CELLA_OK;
}

cella_result_t
cella_crypto_p256_private_key_to_sgx(const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES],
                                     sgx_ec256_private_t *sgx_private_key)
{
    if (private_key == NULL || sgx_private_key == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    tcrypto_reverse(sgx_private_key->r, private_key, SGX_ECP256_KEY_SIZE);
    return CELLA_OK;
}

cella_result_t
cella_crypto_p256_signature_from_sgx(const sgx_ec256_signature_t *sgx_signature,
                                     uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES])
{
    if (sgx_signature == NULL || signature == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    tcrypto_signature_from_sgx(sgx_signature, signature);
    return CELLA_OK;
}

cella_result_t
cella_crypto_p256_signature_to_sgx(const uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES],
                                   sgx_ec256_signature_t *sgx_signature)
{
    if (signature == NULL || sgx_signature == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    tcrypto_signature_to_sgx(signature, sgx_signature);
    return CELLA_OK;
}
