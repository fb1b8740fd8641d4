/* SPDX-License-Identifier: Apache-2.0 */
/* cella/crypto.h: HKDF-SHA256 and big-endian P-256 ECDSA for enclaves, beside sgx_tcrypto.h. */
#ifndef CELLA_CRYPTO_H
#define CELLA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "result.h"
#include "../sgx/sgx_tcrypto.h"

CELLA_EXTERN_C_BEGIN

/*
 * What enclave code needs beyond the SGX SDK's sgx_tcrypto.h: key derivation, and ECDSA
 * P-256 in the encodings DCAP quotes, X.509 and JWKs use, with converters from and to
 * the SDK's little-endian types. Part of cella's trusted cryptography library (linked into
 * every enclave; see docs/crypto.md).
 *
 * Encodings (all big-endian, unlike sgx_tcrypto.h's EC types):
 *   private key  32 bytes, the scalar d with 0 < d < n
 *   public key   65 bytes, SEC1 uncompressed: 0x04 || X || Y
 *   signature    64 bytes, r || s, each 32 bytes (a DCAP quote's "raw" ECDSA signature;
 *                a JWS ES256 signature)
 *
 * Every function here is thread safe (no shared state) and touches only the memory it is
 * given. A pointer may be NULL only when its size is 0; a NULL pointer otherwise is
 * CELLA_ERR_INVALID_ARGUMENT. Outputs are written only on success.
 */

#define CELLA_CRYPTO_SHA256_BYTES           32
#define CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES  (255 * CELLA_CRYPTO_SHA256_BYTES)
#define CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES 32
#define CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES  65
#define CELLA_CRYPTO_P256_SIGNATURE_BYTES   64

/* ---- HKDF-SHA256 (RFC 5869) ----------------------------------------------------------- */

/*
 * HKDF-Extract: prk = HMAC-SHA256(salt, ikm). An empty salt stands for 32 zero bytes, as
 * the RFC says. Returns CELLA_OK or CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_hkdf_sha256_extract(const uint8_t *salt, size_t salt_size, const uint8_t *ikm,
                                 size_t ikm_size, uint8_t prk[CELLA_CRYPTO_SHA256_BYTES]);

/*
 * HKDF-Expand: out_size bytes of output keying material from prk (at least 32 bytes) and
 * info (context, may be empty). out_size must be 1..CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES.
 * Returns CELLA_OK or CELLA_ERR_INVALID_ARGUMENT (NULL, prk shorter than 32 bytes, out_size
 * 0 or above the maximum).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_hkdf_sha256_expand(const uint8_t *prk, size_t prk_size, const uint8_t *info,
                                size_t info_size, uint8_t *out, size_t out_size);

/*
 * Extract then expand: out_size bytes derived from the input keying material ikm, salt and
 * info. Same rules and codes as the two steps; the intermediate key is wiped.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_hkdf_sha256(const uint8_t *salt, size_t salt_size, const uint8_t *ikm, size_t ikm_size,
                         const uint8_t *info, size_t info_size, uint8_t *out, size_t out_size);

/* ---- ECDSA P-256 with SHA-256, big-endian encodings ---------------------------------- */

/*
 * The public key of private_key. Returns CELLA_OK, or CELLA_ERR_INVALID_ARGUMENT when
 * private_key is not in [1, n - 1].
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_get_public_key(const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES],
                                 uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES]);

/*
 * Signs SHA-256(data) (data may be empty). The nonce is derived from the key and the hash
 * (RFC 6979), so signing needs no random numbers and the same input signs the same way.
 * Returns CELLA_OK, or CELLA_ERR_INVALID_ARGUMENT (NULL, private key not in [1, n - 1]).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_crypto_p256_sign(
    const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES], const uint8_t *data,
    size_t data_size, uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES]);

/* As cella_crypto_p256_sign, over a SHA-256 hash the caller computed. */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_sign_hash(const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES],
                            const uint8_t hash[CELLA_CRYPTO_SHA256_BYTES],
                            uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES]);

/*
 * Checks signature over SHA-256(data) with public_key. Returns CELLA_OK when it is valid,
 * CELLA_ERR_VERIFY_FAILED when it is not (r or s out of range included),
 * CELLA_ERR_INVALID_FORMAT when public_key is not a point of the curve in uncompressed
 * form, CELLA_ERR_INVALID_ARGUMENT for NULL.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_crypto_p256_verify(
    const uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES], const uint8_t *data,
    size_t data_size, const uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES]);

/* As cella_crypto_p256_verify, over a SHA-256 hash the caller computed. */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_verify_hash(const uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES],
                              const uint8_t hash[CELLA_CRYPTO_SHA256_BYTES],
                              const uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES]);

/* ---- converters from and to sgx_tcrypto.h's little-endian types ---------------------- */

/*
 * These change byte order and framing only; none checks that a key is valid (the functions
 * that use a key do). Each returns CELLA_OK or CELLA_ERR_INVALID_ARGUMENT (NULL);
 * cella_crypto_p256_public_key_to_sgx also CELLA_ERR_INVALID_FORMAT when the first byte is
 * not 0x04 (compressed and hybrid forms are not accepted).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_public_key_from_sgx(const sgx_ec256_public_t *sgx_public_key,
                                      uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES]);

CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_public_key_to_sgx(const uint8_t public_key[CELLA_CRYPTO_P256_PUBLIC_KEY_BYTES],
                                    sgx_ec256_public_t *sgx_public_key);

CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_private_key_from_sgx(const sgx_ec256_private_t *sgx_private_key,
                                       uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES]);

CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_private_key_to_sgx(const uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES],
                                     sgx_ec256_private_t *sgx_private_key);

CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_signature_from_sgx(const sgx_ec256_signature_t *sgx_signature,
                                     uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES]);

CELLA_API CELLA_MUST_CHECK cella_result_t
cella_crypto_p256_signature_to_sgx(const uint8_t signature[CELLA_CRYPTO_P256_SIGNATURE_BYTES],
                                   sgx_ec256_signature_t *sgx_signature);

CELLA_EXTERN_C_END

#endif /* CELLA_CRYPTO_H */
