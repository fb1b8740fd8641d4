/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/crypto/rsa.c: RSA-3072 PKCS#1 v1.5 verification of OpenSSL signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <sgx_tcrypto.h>

#include "support.h"

/* Two signers: e = 3 (as SIGSTRUCT requires) and e = 65537. */
static EVP_PKEY *signers[2];
static sgx_rsa3072_public_key_t public_keys[2];

static EVP_PKEY *generate(unsigned long exponent)
{
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    BIGNUM *e = BN_new();
    EVP_PKEY *key = NULL;

    assert_non_null(context);
    assert_non_null(e);
    assert_int_equal(BN_set_word(e, exponent), 1);
    assert_int_equal(EVP_PKEY_keygen_init(context), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(context, 3072), 1);
    assert_int_equal(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(context, e), 1);
    assert_int_equal(EVP_PKEY_keygen(context, &key), 1);
    BN_free(e);
    EVP_PKEY_CTX_free(context);
    return key;
}

/* The SDK's public key form: modulus and exponent little-endian. */
static void to_sgx(EVP_PKEY *key, sgx_rsa3072_public_key_t *public_key)
{
    BIGNUM *n = NULL, *e = NULL;

    assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e), 1);
    assert_int_equal(BN_bn2lebinpad(n, public_key->mod, sizeof(public_key->mod)),
                     sizeof(public_key->mod));
    assert_int_equal(BN_bn2lebinpad(e, public_key->exp, sizeof(public_key->exp)),
                     sizeof(public_key->exp));
    BN_free(n);
    BN_free(e);
}

static void sign(EVP_PKEY *key, const EVP_MD *digest, const uint8_t *data, size_t size,
                 sgx_rsa3072_signature_t *signature)
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    size_t signature_size = sizeof(*signature);

    assert_non_null(context);
    assert_int_equal(EVP_DigestSignInit(context, NULL, digest, NULL, key), 1);
    assert_int_equal(EVP_DigestSign(context, *signature, &signature_size, data, size), 1);
    assert_int_equal(signature_size, sizeof(*signature));
    EVP_MD_CTX_free(context);
}

static int make_signers(void **state)
{
    (void)state;
    signers[0] = generate(3);
    signers[1] = generate(65537);
    to_sgx(signers[0], &public_keys[0]);
    to_sgx(signers[1], &public_keys[1]);
    return 0;
}

static int free_signers(void **state)
{
    (void)state;
    EVP_PKEY_free(signers[0]);
    EVP_PKEY_free(signers[1]);
    return 0;
}

static void rsa3072_verify_accepts_openssl_signatures_with_either_exponent(void **state)
{
    static const size_t sizes[] = {1, 32, 100, 5000};
    uint8_t data[5000];
    (void)state;

    support_random(data, sizeof(data));
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            sgx_rsa3072_signature_t signature;
            sgx_rsa_result_t result = SGX_RSA_INVALID_SIGNATURE;
            sign(signers[k], EVP_sha256(), data, sizes[i], &signature);
            assert_int_equal(
                sgx_rsa3072_verify(data, (uint32_t)sizes[i], &public_keys[k], &signature, &result),
                SGX_SUCCESS);
            assert_int_equal(result, SGX_RSA_VALID);
        }
    }
}

static void rsa3072_verify_rejects_a_changed_signature_message_or_key(void **state)
{
    static const uint8_t message[] = "the signed message";
    sgx_rsa3072_signature_t signature;
    sgx_rsa_result_t result = SGX_RSA_VALID;
    (void)state;

    sign(signers[0], EVP_sha256(), message, sizeof(message), &signature);
    static const size_t positions[] = {0, 1, 100, 200, 382, 383};
    for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
        sgx_rsa3072_signature_t bad;
        memcpy(bad, signature, sizeof(bad));
        bad[positions[i]] ^= 0x10;
        result = SGX_RSA_VALID;
        assert_int_equal(
            sgx_rsa3072_verify(message, sizeof(message), &public_keys[0], &bad, &result),
            SGX_SUCCESS);
        assert_int_equal(result, SGX_RSA_INVALID_SIGNATURE);
    }
    result = SGX_RSA_VALID;
    assert_int_equal(
        sgx_rsa3072_verify(message, sizeof(message) - 1, &public_keys[0], &signature, &result),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_RSA_INVALID_SIGNATURE);
    result = SGX_RSA_VALID;
    assert_int_equal(
        sgx_rsa3072_verify(message, sizeof(message), &public_keys[1], &signature, &result),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_RSA_INVALID_SIGNATURE);
}

static void rsa3072_verify_rejects_a_signature_over_another_hash_function(void **state)
{
    static const uint8_t message[] = "signed with SHA-384";
    sgx_rsa3072_signature_t signature;
    sgx_rsa_result_t result = SGX_RSA_VALID;
    (void)state;

    sign(signers[1], EVP_sha384(), message, sizeof(message), &signature);
    assert_int_equal(
        sgx_rsa3072_verify(message, sizeof(message), &public_keys[1], &signature, &result),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_RSA_INVALID_SIGNATURE);
}

/*
 * A signature made with the raw private operation over an encoded message built here:
 * 00 01 FF.. 00, then `digest_info` (a SHA-256 DigestInfo, with or without its NULL), then
 * the message's SHA-256.
 */
static void sign_encoded(const uint8_t *digest_info, size_t digest_info_size,
                         const uint8_t *message, size_t message_size,
                         sgx_rsa3072_signature_t *signature)
{
    uint8_t encoded[sizeof(*signature)];
    size_t prefix = sizeof(encoded) - digest_info_size - 32;
    encoded[0] = 0x00;
    encoded[1] = 0x01;
    memset(encoded + 2, 0xff, prefix - 3);
    encoded[prefix - 1] = 0x00;
    memcpy(encoded + prefix, digest_info, digest_info_size);
    unsigned int hash_size = 32;
    assert_int_equal(EVP_Digest(message, message_size, encoded + prefix + digest_info_size,
                                &hash_size, EVP_sha256(), NULL),
                     1);
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new(signers[0], NULL);
    size_t signature_size = sizeof(*signature);
    assert_non_null(context);
    assert_int_equal(EVP_PKEY_sign_init(context), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(context, RSA_NO_PADDING), 1);
    assert_int_equal(
        EVP_PKEY_sign(context, *signature, &signature_size, encoded, sizeof(encoded)), 1);
    assert_int_equal(signature_size, sizeof(*signature));
    EVP_PKEY_CTX_free(context);
}

/*
 * PKCS#1 v1.5 has one encoding per message: a DigestInfo without the NULL parameters is a
 * second signature of the same message, which the SDK's library refuses; so does this one.
 */
static void rsa3072_verify_takes_only_the_digest_info_with_its_null(void **state)
{
    static const uint8_t with_null[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                        0x01, 0x05, 0x00, 0x04, 0x20};
    static const uint8_t without_null[] = {0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48,
                                           0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x04, 0x20};
    static const uint8_t message[] = "hello";
    sgx_rsa3072_signature_t signature;
    sgx_rsa_result_t result = SGX_RSA_INVALID_SIGNATURE;
    (void)state;

    sign_encoded(with_null, sizeof(with_null), message, sizeof(message), &signature);
    assert_int_equal(
        sgx_rsa3072_verify(message, sizeof(message), &public_keys[0], &signature, &result),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_RSA_VALID);
    sign_encoded(without_null, sizeof(without_null), message, sizeof(message), &signature);
    assert_int_equal(
        sgx_rsa3072_verify(message, sizeof(message), &public_keys[0], &signature, &result),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_RSA_INVALID_SIGNATURE);
}

static void rsa3072_verify_treats_a_signature_above_the_modulus_as_invalid(void **state)
{
    static const uint8_t message[] = "m";
    sgx_rsa3072_signature_t signature;
    sgx_rsa_result_t result = SGX_RSA_VALID;
    (void)state;

    memset(signature, 0xff, sizeof(signature));
    assert_int_equal(sgx_rsa3072_verify(message, 1, &public_keys[0], &signature, &result),
                     SGX_SUCCESS);
    assert_int_equal(result, SGX_RSA_INVALID_SIGNATURE);
}

static void rsa3072_verify_refuses_the_arguments_the_sdk_refuses(void **state)
{
    static const uint8_t message[] = "m";
    sgx_rsa3072_signature_t signature = {0};
    sgx_rsa3072_public_key_t zero_modulus = public_keys[0], zero_exponent = public_keys[0];
    sgx_rsa_result_t result;
    (void)state;

    assert_int_equal(sgx_rsa3072_verify(NULL, 1, &public_keys[0], &signature, &result),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rsa3072_verify(message, 0, &public_keys[0], &signature, &result),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rsa3072_verify(message, 0x80000000u, &public_keys[0], &signature, &result),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rsa3072_verify(message, 1, NULL, &signature, &result),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rsa3072_verify(message, 1, &public_keys[0], NULL, &result),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rsa3072_verify(message, 1, &public_keys[0], &signature, NULL),
                     SGX_ERROR_INVALID_PARAMETER);

    memset(zero_modulus.mod, 0, sizeof(zero_modulus.mod));
    memset(zero_exponent.exp, 0, sizeof(zero_exponent.exp));
    result = SGX_RSA_VALID;
    assert_int_equal(sgx_rsa3072_verify(message, 1, &zero_modulus, &signature, &result),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(result, SGX_RSA_INVALID_SIGNATURE);
    assert_int_equal(sgx_rsa3072_verify(message, 1, &zero_exponent, &signature, &result),
                     SGX_ERROR_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rsa3072_verify_accepts_openssl_signatures_with_either_exponent),
        cmocka_unit_test(rsa3072_verify_rejects_a_changed_signature_message_or_key),
        cmocka_unit_test(rsa3072_verify_rejects_a_signature_over_another_hash_function),
        cmocka_unit_test(rsa3072_verify_takes_only_the_digest_info_with_its_null),
        cmocka_unit_test(rsa3072_verify_treats_a_signature_above_the_modulus_as_invalid),
        cmocka_unit_test(rsa3072_verify_refuses_the_arguments_the_sdk_refuses),
    };
    return cmocka_run_group_tests(tests, make_signers, free_signers);
}
