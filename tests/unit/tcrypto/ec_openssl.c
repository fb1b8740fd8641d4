/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/tcrypto/ec_openssl.c: P-256 with OpenSSL 3, the reference the tests compare to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "ec_openssl.h"

static EVP_PKEY *key_from_parts(const BIGNUM *private_key, const uint8_t public_key[65])
{
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    OSSL_PARAM *params = NULL;
    EVP_PKEY *key = NULL;

    assert_non_null(builder);
    assert_non_null(context);
    assert_int_equal(
        OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0), 1);
    assert_int_equal(
        OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, public_key, 65), 1);
    if (private_key != NULL)
        assert_int_equal(OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_PRIV_KEY, private_key), 1);
    params = OSSL_PARAM_BLD_to_param(builder);
    assert_non_null(params);
    assert_int_equal(EVP_PKEY_fromdata_init(context), 1);
    assert_int_equal(EVP_PKEY_fromdata(context, &key,
                                       private_key != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                                       params),
                     1);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    EVP_PKEY_CTX_free(context);
    return key;
}

EVP_PKEY *ec_openssl_generate(uint8_t private_key[32], uint8_t public_key[65])
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    BIGNUM *scalar = NULL;
    size_t size = 0;

    assert_non_null(key);
    assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &scalar), 1);
    assert_int_equal(BN_bn2binpad(scalar, private_key, 32), 32);
    BN_clear_free(scalar);
    assert_int_equal(
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, public_key, 65, &size), 1);
    assert_int_equal(size, 65);
    assert_int_equal(public_key[0], 0x04);
    return key;
}

EVP_PKEY *ec_openssl_from_private(const uint8_t private_key[32], uint8_t public_key[65])
{
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BIGNUM *scalar = BN_bin2bn(private_key, 32, NULL);
    EC_POINT *point = NULL;
    EVP_PKEY *key = NULL;

    assert_non_null(group);
    assert_non_null(scalar);
    point = EC_POINT_new(group);
    assert_non_null(point);
    assert_int_equal(EC_POINT_mul(group, point, scalar, NULL, NULL, NULL), 1);
    assert_int_equal(
        EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, public_key, 65, NULL), 65);
    key = key_from_parts(scalar, public_key);
    EC_POINT_free(point);
    BN_clear_free(scalar);
    EC_GROUP_free(group);
    return key;
}

EVP_PKEY *ec_openssl_from_public(const uint8_t public_key[65])
{
    return key_from_parts(NULL, public_key);
}

static void der_to_raw(const uint8_t *der, size_t der_size, uint8_t signature[64])
{
    const unsigned char *cursor = der;
    ECDSA_SIG *parsed = d2i_ECDSA_SIG(NULL, &cursor, (long)der_size);
    const BIGNUM *r = NULL, *s = NULL;

    assert_non_null(parsed);
    ECDSA_SIG_get0(parsed, &r, &s);
    assert_int_equal(BN_bn2binpad(r, signature, 32), 32);
    assert_int_equal(BN_bn2binpad(s, signature + 32, 32), 32);
    ECDSA_SIG_free(parsed);
}

void ec_openssl_sign(EVP_PKEY *key, const uint8_t *data, size_t size, uint8_t signature[64])
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    uint8_t der[80];
    size_t der_size = sizeof(der);

    assert_non_null(context);
    assert_int_equal(EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(context, der, &der_size, data, size), 1);
    EVP_MD_CTX_free(context);
    der_to_raw(der, der_size, signature);
}

void ec_openssl_sign_hash(EVP_PKEY *key, const uint8_t hash[32], uint8_t signature[64])
{
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new(key, NULL);
    uint8_t der[80];
    size_t der_size = sizeof(der);

    assert_non_null(context);
    assert_int_equal(EVP_PKEY_sign_init(context), 1);
    assert_int_equal(EVP_PKEY_sign(context, der, &der_size, hash, 32), 1);
    EVP_PKEY_CTX_free(context);
    der_to_raw(der, der_size, signature);
}

bool ec_openssl_verify(EVP_PKEY *key, const uint8_t *data, size_t size, const uint8_t signature[64])
{
    ECDSA_SIG *parsed = ECDSA_SIG_new();
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    BIGNUM *r = BN_bin2bn(signature, 32, NULL);
    BIGNUM *s = BN_bin2bn(signature + 32, 32, NULL);
    unsigned char *der = NULL;
    int der_size, verdict;

    assert_non_null(parsed);
    assert_non_null(context);
    assert_int_equal(ECDSA_SIG_set0(parsed, r, s), 1);
    der_size = i2d_ECDSA_SIG(parsed, &der);
    assert_true(der_size > 0);
    assert_int_equal(EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key), 1);
    verdict = EVP_DigestVerify(context, der, (size_t)der_size, data, size);
    OPENSSL_free(der);
    EVP_MD_CTX_free(context);
    ECDSA_SIG_free(parsed);
    return verdict == 1;
}

void ec_openssl_derive(EVP_PKEY *key, EVP_PKEY *peer, uint8_t secret[32])
{
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new(key, NULL);
    size_t size = 32;

    assert_non_null(context);
    assert_int_equal(EVP_PKEY_derive_init(context), 1);
    assert_int_equal(EVP_PKEY_derive_set_peer(context, peer), 1);
    assert_int_equal(EVP_PKEY_derive(context, secret, &size), 1);
    assert_int_equal(size, 32);
    EVP_PKEY_CTX_free(context);
}

void ec_openssl_point_with_small_x(uint8_t public_key[65])
{
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    EC_POINT *point = NULL;
    BIGNUM *x = BN_new();
    bool found = false;

    assert_non_null(group);
    assert_non_null(x);
    point = EC_POINT_new(group);
    assert_non_null(point);
    /* About every other x is the abscissa of a point. */
    for (unsigned long candidate = 1; candidate < 1000 && !found; candidate++) {
        assert_int_equal(BN_set_word(x, candidate), 1);
        found = EC_POINT_set_compressed_coordinates(group, point, x, 0, NULL) == 1;
    }
    assert_true(found);
    assert_int_equal(
        EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, public_key, 65, NULL), 65);
    BN_free(x);
    EC_POINT_free(point);
    EC_GROUP_free(group);
}
