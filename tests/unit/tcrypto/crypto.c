/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/crypto/crypto.c: cella/crypto.h (HKDF, big-endian ECDSA, converters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cella/crypto.h>
#include <sgx_tcrypto.h>

#include "ec_openssl.h"
#include "support.h"

/* ---- HKDF-SHA256 ----------------------------------------------------------------------- */

/* RFC 5869, appendix A, test cases 1-3 (SHA-256). */
static const struct {
    const char *ikm, *salt, *info, *prk, *okm;
} rfc5869[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
     "f0f1f2f3f4f5f6f7f8f9", "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
    {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
     "404142434445464748494a4b4c4d4e4f",
     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
     "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
     "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
     "9d201395faa4b61a96c8"},
};

static void hkdf_matches_the_rfc_5869_test_cases(void **state)
{
    (void)state;

    for (size_t i = 0; i < sizeof(rfc5869) / sizeof(rfc5869[0]); i++) {
        uint8_t ikm[80], salt[80], info[80], prk[32], okm[82], expected_prk[32], expected_okm[82];
        size_t ikm_size = strlen(rfc5869[i].ikm) / 2, salt_size = strlen(rfc5869[i].salt) / 2;
        size_t info_size = strlen(rfc5869[i].info) / 2, okm_size = strlen(rfc5869[i].okm) / 2;

        support_hex(rfc5869[i].ikm, ikm, ikm_size);
        support_hex(rfc5869[i].salt, salt, salt_size);
        support_hex(rfc5869[i].info, info, info_size);
        support_hex(rfc5869[i].prk, expected_prk, 32);
        support_hex(rfc5869[i].okm, expected_okm, okm_size);

        /* Case 3 has neither salt nor info: empty buffers may be NULL. */
        const uint8_t *salt_or_null = salt_size ? salt : NULL;
        const uint8_t *info_or_null = info_size ? info : NULL;
        assert_int_equal(
            cella_crypto_hkdf_sha256_extract(salt_or_null, salt_size, ikm, ikm_size, prk),
            CELLA_OK);
        assert_memory_equal(prk, expected_prk, 32);
        assert_int_equal(
            cella_crypto_hkdf_sha256_expand(prk, 32, info_or_null, info_size, okm, okm_size),
            CELLA_OK);
        assert_memory_equal(okm, expected_okm, okm_size);

        memset(okm, 0, sizeof(okm));
        assert_int_equal(cella_crypto_hkdf_sha256(salt_or_null, salt_size, ikm, ikm_size,
                                                  info_or_null, info_size, okm, okm_size),
                         CELLA_OK);
        assert_memory_equal(okm, expected_okm, okm_size);
    }
}

static void openssl_hkdf(const uint8_t *salt, size_t salt_size, const uint8_t *ikm, size_t ikm_size,
                         const uint8_t *info, size_t info_size, uint8_t *out, size_t out_size)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *context = NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)ikm, ikm_size),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)(uintptr_t)salt, salt_size),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(uintptr_t)info, info_size),
        OSSL_PARAM_construct_end(),
    };

    assert_non_null(kdf);
    context = EVP_KDF_CTX_new(kdf);
    assert_non_null(context);
    assert_int_equal(EVP_KDF_derive(context, out, out_size, params), 1);
    EVP_KDF_CTX_free(context);
    EVP_KDF_free(kdf);
}

static void hkdf_agrees_with_openssl_up_to_the_longest_output(void **state)
{
    static const size_t out_sizes[] = {1,  31,  32,   33,
                                       64, 100, 1000, CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES};
    uint8_t salt[40], ikm[70], info[50];
    static uint8_t out[CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES],
        expected[CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES];
    (void)state;

    support_random(salt, sizeof(salt));
    support_random(ikm, sizeof(ikm));
    support_random(info, sizeof(info));
    for (size_t i = 0; i < sizeof(out_sizes) / sizeof(out_sizes[0]); i++) {
        openssl_hkdf(salt, sizeof(salt), ikm, sizeof(ikm), info, sizeof(info), expected,
                     out_sizes[i]);
        assert_int_equal(cella_crypto_hkdf_sha256(salt, sizeof(salt), ikm, sizeof(ikm), info,
                                                  sizeof(info), out, out_sizes[i]),
                         CELLA_OK);
        assert_memory_equal(out, expected, out_sizes[i]);
    }
}

static void hkdf_refuses_bad_arguments(void **state)
{
    uint8_t prk[32] = {0}, ikm[8] = {0}, out[64];
    (void)state;

    assert_int_equal(cella_crypto_hkdf_sha256_extract(NULL, 1, ikm, 8, prk),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256_extract(NULL, 0, NULL, 8, prk),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256_extract(NULL, 0, ikm, 8, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    /* An empty input keying material is allowed (the RFC does not forbid it). */
    assert_int_equal(cella_crypto_hkdf_sha256_extract(NULL, 0, NULL, 0, prk), CELLA_OK);

    assert_int_equal(cella_crypto_hkdf_sha256_expand(NULL, 32, NULL, 0, out, 32),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256_expand(prk, 31, NULL, 0, out, 32),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256_expand(prk, 32, NULL, 3, out, 32),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256_expand(prk, 32, NULL, 0, NULL, 32),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256_expand(prk, 32, NULL, 0, out, 0),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256_expand(prk, 32, NULL, 0, out,
                                                     CELLA_CRYPTO_HKDF_SHA256_MAX_BYTES + 1),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256(NULL, 0, ikm, 8, NULL, 0, out, 0),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256(NULL, 0, NULL, 8, NULL, 0, out, 32),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_hkdf_sha256(NULL, 0, ikm, 8, NULL, 1, out, 32),
                     CELLA_ERR_INVALID_ARGUMENT);
}

/* ---- ECDSA P-256, big-endian ----------------------------------------------------------- */

/* RFC 6979, A.2.5: P-256, SHA-256, message "sample" (deterministic nonce). */
static const char *const rfc6979_private =
    "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
static const char *const rfc6979_public =
    "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
static const char *const rfc6979_signature =
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

static void p256_signing_matches_rfc_6979_and_the_key_its_public_key(void **state)
{
    uint8_t private_key[32], public_key[65], expected_public[65], signature[64], expected[64];
    (void)state;

    support_hex(rfc6979_private, private_key, 32);
    support_hex(rfc6979_public, expected_public, 65);
    support_hex(rfc6979_signature, expected, 64);

    assert_int_equal(cella_crypto_p256_get_public_key(private_key, public_key), CELLA_OK);
    assert_memory_equal(public_key, expected_public, 65);
    assert_int_equal(cella_crypto_p256_sign(private_key, (const uint8_t *)"sample", 6, signature),
                     CELLA_OK);
    assert_memory_equal(signature, expected, 64);
    assert_int_equal(cella_crypto_p256_verify(public_key, (const uint8_t *)"sample", 6, signature),
                     CELLA_OK);

    /* The SGX API signs the same way, little-endian. */
    sgx_ec256_private_t sgx_private;
    sgx_ec256_signature_t sgx_signature;
    sgx_ecc_state_handle_t context = NULL;
    uint8_t converted[64];
    assert_int_equal(cella_crypto_p256_private_key_to_sgx(private_key, &sgx_private), CELLA_OK);
    assert_int_equal(sgx_ecc256_open_context(&context), SGX_SUCCESS);
    assert_int_equal(
        sgx_ecdsa_sign((const uint8_t *)"sample", 6, &sgx_private, &sgx_signature, context),
        SGX_SUCCESS);
    assert_int_equal(sgx_ecc256_close_context(context), SGX_SUCCESS);
    assert_int_equal(cella_crypto_p256_signature_from_sgx(&sgx_signature, converted), CELLA_OK);
    assert_memory_equal(converted, expected, 64);
}

static void p256_signatures_cross_check_with_openssl_both_ways(void **state)
{
    uint8_t data[200];
    (void)state;

    support_random(data, sizeof(data));
    for (int i = 0; i < 8; i++) {
        uint8_t private_key[32], public_key[65], signature[64], hash[32];
        unsigned int hash_size = 0;
        EVP_PKEY *key = ec_openssl_generate(private_key, public_key);
        size_t size = (size_t)i * 25;

        assert_int_equal(cella_crypto_p256_sign(private_key, size ? data : NULL, size, signature),
                         CELLA_OK);
        assert_true(ec_openssl_verify(key, data, size, signature));

        ec_openssl_sign(key, data, size, signature);
        assert_int_equal(cella_crypto_p256_verify(public_key, size ? data : NULL, size, signature),
                         CELLA_OK);
        signature[63] ^= 1;
        assert_int_equal(cella_crypto_p256_verify(public_key, size ? data : NULL, size, signature),
                         CELLA_ERR_VERIFY_FAILED);

        assert_int_equal(EVP_Digest(data, size, hash, &hash_size, EVP_sha256(), NULL), 1);
        assert_int_equal(cella_crypto_p256_sign_hash(private_key, hash, signature), CELLA_OK);
        assert_int_equal(cella_crypto_p256_verify_hash(public_key, hash, signature), CELLA_OK);
        assert_true(ec_openssl_verify(key, data, size, signature));
        EVP_PKEY_free(key);
    }
}

/* A real DCAP quote: the attestation key's signature over header and report body. */
static void p256_verify_checks_the_isv_signature_of_a_real_dcap_quote(void **state)
{
    size_t size = 0;
    uint8_t *quote = support_read_shared_file("vectors/intel-qvl-sample/quote.dat", &size);
    uint8_t public_key[65];
    (void)state;

    if (quote == NULL)
        skip();
    assert_true(size >= 1020);
    /* Quote v3: signed bytes [0, 432), signature at 436, attestation key (x || y) at 500. */
    public_key[0] = 0x04;
    memcpy(public_key + 1, quote + 500, 64);
    assert_int_equal(cella_crypto_p256_verify(public_key, quote, 432, quote + 436), CELLA_OK);

    /* The same check through the SGX API, after conversion to its little-endian types. */
    sgx_ec256_public_t sgx_public;
    sgx_ec256_signature_t sgx_signature;
    sgx_ecc_state_handle_t context = NULL;
    uint8_t result = 0xff;
    assert_int_equal(cella_crypto_p256_public_key_to_sgx(public_key, &sgx_public), CELLA_OK);
    assert_int_equal(cella_crypto_p256_signature_to_sgx(quote + 436, &sgx_signature), CELLA_OK);
    assert_int_equal(sgx_ecc256_open_context(&context), SGX_SUCCESS);
    assert_int_equal(sgx_ecdsa_verify(quote, 432, &sgx_public, &sgx_signature, &result, context),
                     SGX_SUCCESS);
    assert_int_equal(result, SGX_EC_VALID);

    /* One changed byte of the report body (here: report_data) breaks both. */
    quote[48 + 320] ^= 1;
    assert_int_equal(cella_crypto_p256_verify(public_key, quote, 432, quote + 436),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(sgx_ecdsa_verify(quote, 432, &sgx_public, &sgx_signature, &result, context),
                     SGX_SUCCESS);
    assert_int_equal(result, SGX_EC_INVALID_SIGNATURE);
    assert_int_equal(sgx_ecc256_close_context(context), SGX_SUCCESS);
    free(quote);
}

static void p256_functions_refuse_bad_keys_and_arguments(void **state)
{
    uint8_t private_key[32], public_key[65], signature[64], hash[32], zero[32] = {0};
    uint8_t order[32];
    (void)state;

    memset(hash, 0x5a, sizeof(hash));

    support_hex(rfc6979_private, private_key, 32);
    support_hex(rfc6979_public, public_key, 65);
    support_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", order, 32);
    assert_int_equal(cella_crypto_p256_sign_hash(private_key, hash, signature), CELLA_OK);

    assert_int_equal(cella_crypto_p256_get_public_key(zero, public_key),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_get_public_key(order, public_key),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_get_public_key(NULL, public_key),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_get_public_key(private_key, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_sign(zero, hash, 32, signature), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_sign(order, hash, 32, signature),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_sign(private_key, NULL, 1, signature),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_sign(private_key, hash, 32, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_sign_hash(private_key, NULL, signature),
                     CELLA_ERR_INVALID_ARGUMENT);

    assert_int_equal(cella_crypto_p256_verify_hash(public_key, hash, signature), CELLA_OK);
    assert_int_equal(cella_crypto_p256_verify_hash(NULL, hash, signature),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_verify_hash(public_key, NULL, signature),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_verify_hash(public_key, hash, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_verify(public_key, NULL, 1, signature),
                     CELLA_ERR_INVALID_ARGUMENT);

    /* A public key that is no point of the curve, or not in uncompressed form. */
    uint8_t bad_key[65];
    memcpy(bad_key, public_key, 65);
    bad_key[64] ^= 1;
    assert_int_equal(cella_crypto_p256_verify_hash(bad_key, hash, signature),
                     CELLA_ERR_INVALID_FORMAT);
    memcpy(bad_key, public_key, 65);
    bad_key[0] = 0x02;
    assert_int_equal(cella_crypto_p256_verify_hash(bad_key, hash, signature),
                     CELLA_ERR_INVALID_FORMAT);
}

/* ---- converters ----------------------------------------------------------------------- */

static void converters_reverse_byte_order_both_ways(void **state)
{
    uint8_t public_key[65], back[65], private_key[32], private_back[32], signature[64],
        signature_back[64];
    sgx_ec256_public_t sgx_public;
    sgx_ec256_private_t sgx_private;
    sgx_ec256_signature_t sgx_signature;
    (void)state;

    for (size_t i = 0; i < 65; i++)
        public_key[i] = (uint8_t)(i + 1);
    public_key[0] = 0x04;
    for (size_t i = 0; i < 64; i++)
        signature[i] = (uint8_t)(0x80 + i);
    for (size_t i = 0; i < 32; i++)
        private_key[i] = (uint8_t)(0x40 + i);

    assert_int_equal(cella_crypto_p256_public_key_to_sgx(public_key, &sgx_public), CELLA_OK);
    /* X's last (least significant) byte comes first in gx, and so on. */
    assert_int_equal(sgx_public.gx[0], public_key[32]);
    assert_int_equal(sgx_public.gx[31], public_key[1]);
    assert_int_equal(sgx_public.gy[0], public_key[64]);
    assert_int_equal(sgx_public.gy[31], public_key[33]);
    assert_int_equal(cella_crypto_p256_public_key_from_sgx(&sgx_public, back), CELLA_OK);
    assert_memory_equal(back, public_key, 65);

    assert_int_equal(cella_crypto_p256_private_key_to_sgx(private_key, &sgx_private), CELLA_OK);
    assert_int_equal(sgx_private.r[0], private_key[31]);
    assert_int_equal(cella_crypto_p256_private_key_from_sgx(&sgx_private, private_back), CELLA_OK);
    assert_memory_equal(private_back, private_key, 32);

    assert_int_equal(cella_crypto_p256_signature_to_sgx(signature, &sgx_signature), CELLA_OK);
    /* x[0] is the least significant word of r: r's last four bytes, as a number. */
    assert_int_equal(sgx_signature.x[0], (uint32_t)signature[28] << 24 |
                                             (uint32_t)signature[29] << 16 |
                                             (uint32_t)signature[30] << 8 | signature[31]);
    assert_int_equal(sgx_signature.y[7], (uint32_t)signature[32] << 24 |
                                             (uint32_t)signature[33] << 16 |
                                             (uint32_t)signature[34] << 8 | signature[35]);
    assert_int_equal(cella_crypto_p256_signature_from_sgx(&sgx_signature, signature_back),
                     CELLA_OK);
    assert_memory_equal(signature_back, signature, 64);
}

static void converters_refuse_null_and_a_compressed_public_key(void **state)
{
    uint8_t public_key[65] = {0x02}, bytes[65];
    sgx_ec256_public_t sgx_public = {{0}, {0}};
    sgx_ec256_private_t sgx_private = {{0}};
    sgx_ec256_signature_t sgx_signature = {{0}, {0}};
    (void)state;

    assert_int_equal(cella_crypto_p256_public_key_to_sgx(public_key, &sgx_public),
                     CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_crypto_p256_public_key_to_sgx(NULL, &sgx_public),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_public_key_to_sgx(public_key, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_public_key_from_sgx(NULL, bytes),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_public_key_from_sgx(&sgx_public, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_private_key_to_sgx(NULL, &sgx_private),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_private_key_to_sgx(bytes, NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_private_key_from_sgx(NULL, bytes),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_private_key_from_sgx(&sgx_private, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_signature_to_sgx(NULL, &sgx_signature),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_signature_to_sgx(bytes, NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_signature_from_sgx(NULL, bytes), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_crypto_p256_signature_from_sgx(&sgx_signature, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hkdf_matches_the_rfc_5869_test_cases),
        cmocka_unit_test(hkdf_agrees_with_openssl_up_to_the_longest_output),
        cmocka_unit_test(hkdf_refuses_bad_arguments),
        cmocka_unit_test(p256_signing_matches_rfc_6979_and_the_key_its_public_key),
        cmocka_unit_test(p256_signatures_cross_check_with_openssl_both_ways),
        cmocka_unit_test(p256_verify_checks_the_isv_signature_of_a_real_dcap_quote),
        cmocka_unit_test(p256_functions_refuse_bad_keys_and_arguments),
        cmocka_unit_test(converters_reverse_byte_order_both_ways),
        cmocka_unit_test(converters_refuse_null_and_a_compressed_public_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
