/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/tcrypto/ec_openssl.h: P-256 with OpenSSL 3, the reference the tests compare to. */
#ifndef CELLA_TESTS_TCRYPTO_EC_OPENSSL_H
#define CELLA_TESTS_TCRYPTO_EC_OPENSSL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* All values big-endian; public keys SEC1 uncompressed (65 bytes), signatures r || s. */

/* A fresh key pair from OpenSSL; private and public written out. Free with EVP_PKEY_free. */
EVP_PKEY *ec_openssl_generate(uint8_t private_key[32], uint8_t public_key[65]);

/* The key pair of a given private scalar (the public key computed by OpenSSL). */
EVP_PKEY *ec_openssl_from_private(const uint8_t private_key[32], uint8_t public_key[65]);

/* A public-only key. */
EVP_PKEY *ec_openssl_from_public(const uint8_t public_key[65]);

/* ECDSA with SHA-256 over data, by OpenSSL (random nonce). */
void ec_openssl_sign(EVP_PKEY *key, const uint8_t *data, size_t size, uint8_t signature[64]);

/* ECDSA over a given 32-byte hash, by OpenSSL. */
void ec_openssl_sign_hash(EVP_PKEY *key, const uint8_t hash[32], uint8_t signature[64]);

/* Whether OpenSSL accepts signature over SHA-256(data). */
bool ec_openssl_verify(EVP_PKEY *key, const uint8_t *data, size_t size,
                       const uint8_t signature[64]);

/* A point of the curve whose x coordinate is small (below 2^32), uncompressed. */
void ec_openssl_point_with_small_x(uint8_t public_key[65]);

/* ECDH: the x coordinate of private(key) * peer. */
void ec_openssl_derive(EVP_PKEY *key, EVP_PKEY *peer, uint8_t secret[32]);

#endif /* CELLA_TESTS_TCRYPTO_EC_OPENSSL_H */
