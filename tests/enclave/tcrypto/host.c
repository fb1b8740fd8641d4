/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/tcrypto/host.c: the trusted crypto library checked inside a real enclave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <sgx_urts.h>

#include "tcrypto_u.h"

static sgx_enclave_id_t enclave_id;

static void every_primitive_gives_its_known_answers_inside_the_enclave(void **state)
{
    int failed_check = -1;
    (void)state;

    assert_int_equal(ecall_self_check(enclave_id, &failed_check), SGX_SUCCESS);
    /* 0: all passed; n: check n of enc.c's list failed. */
    assert_int_equal(failed_check, 0);
}

static void reverse(uint8_t *out, const uint8_t *in, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = in[size - 1 - i];
}

/* OpenSSL's verdict on an SGX-format (little-endian) key and signature over message. */
static int openssl_verify(const uint8_t sgx_public_key[64], const uint8_t sgx_signature[64],
                          const uint8_t *message, size_t size)
{
    uint8_t point[65], r[32], s[32];
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    EVP_PKEY_CTX *key_context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    ECDSA_SIG *signature = ECDSA_SIG_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY *key = NULL;
    unsigned char *der = NULL;
    int der_size, verdict;

    point[0] = 0x04;
    reverse(point + 1, sgx_public_key, 32);
    reverse(point + 33, sgx_public_key + 32, 32);
    reverse(r, sgx_signature, 32);
    reverse(s, sgx_signature + 32, 32);

    assert_non_null(builder);
    assert_non_null(key_context);
    assert_non_null(context);
    assert_non_null(signature);
    assert_int_equal(
        OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point, 65),
                     1);
    params = OSSL_PARAM_BLD_to_param(builder);
    assert_non_null(params);
    assert_int_equal(EVP_PKEY_fromdata_init(key_context), 1);
    assert_int_equal(EVP_PKEY_fromdata(key_context, &key, EVP_PKEY_PUBLIC_KEY, params), 1);
    assert_int_equal(ECDSA_SIG_set0(signature, BN_bin2bn(r, 32, NULL), BN_bin2bn(s, 32, NULL)), 1);
    der_size = i2d_ECDSA_SIG(signature, &der);
    assert_true(der_size > 0);
    assert_int_equal(EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key), 1);
    verdict = EVP_DigestVerify(context, der, (size_t)der_size, message, size);

    OPENSSL_free(der);
    ECDSA_SIG_free(signature);
    EVP_PKEY_free(key);
    EVP_MD_CTX_free(context);
    EVP_PKEY_CTX_free(key_context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    return verdict;
}

static void openssl_verifies_a_signature_the_enclave_made_with_a_fresh_key(void **state)
{
    static const uint8_t message[] = "signed by sgx_ecdsa_sign inside the enclave";
    uint8_t public_key[64], signature[64];
    int status = -1;
    (void)state;

    assert_int_equal(
        ecall_sign(enclave_id, &status, message, sizeof(message), public_key, signature),
        SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
    assert_int_equal(openssl_verify(public_key, signature, message, sizeof(message)), 1);
    /* Not a rubber stamp: another message does not verify. */
    assert_int_equal(openssl_verify(public_key, signature, message, sizeof(message) - 1), 0);
}

static int create(void **state)
{
    (void)state;
    return sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &enclave_id,
                              NULL) == SGX_SUCCESS
               ? 0
               : -1;
}

static int destroy(void **state)
{
    (void)state;
    return sgx_destroy_enclave(enclave_id) == SGX_SUCCESS ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_primitive_gives_its_known_answers_inside_the_enclave),
        cmocka_unit_test(openssl_verifies_a_signature_the_enclave_made_with_a_fresh_key),
    };
    return cmocka_run_group_tests(tests, create, destroy);
}
