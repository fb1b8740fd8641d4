/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/crypto/ecc.c: SGX's little-endian P-256 API against OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include <sgx_tcrypto.h>

#include "ec_openssl.h"
#include "support.h"

/* The group order n, big-endian. */
static const char *const order_hex =
    "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

static sgx_ecc_state_handle_t context;

static int open_context(void **state)
{
    (void)state;
    return sgx_ecc256_open_context(&context) == SGX_SUCCESS ? 0 : -1;
}

static int close_context(void **state)
{
    (void)state;
    return sgx_ecc256_close_context(context) == SGX_SUCCESS ? 0 : -1;
}

/* SGX little-endian values <-> big-endian bytes, written here independently of the library. */
static void public_to_be(const sgx_ec256_public_t *sgx_key, uint8_t out[65])
{
    out[0] = 0x04;
    support_reverse(out + 1, sgx_key->gx, 32);
    support_reverse(out + 33, sgx_key->gy, 32);
}

static void public_from_be(const uint8_t in[65], sgx_ec256_public_t *sgx_key)
{
    support_reverse(sgx_key->gx, in + 1, 32);
    support_reverse(sgx_key->gy, in + 33, 32);
}

/* Each signature half is eight little-endian words: on x86, 32 little-endian bytes. */
static void signature_to_be(const sgx_ec256_signature_t *sgx_signature, uint8_t out[64])
{
    uint8_t bytes[64];
    memcpy(bytes, sgx_signature->x, 32);
    memcpy(bytes + 32, sgx_signature->y, 32);
    support_reverse(out, bytes, 32);
    support_reverse(out + 32, bytes + 32, 32);
}

static void signature_from_be(const uint8_t in[64], sgx_ec256_signature_t *sgx_signature)
{
    uint8_t bytes[64];
    support_reverse(bytes, in, 32);
    support_reverse(bytes + 32, in + 32, 32);
    memcpy(sgx_signature->x, bytes, 32);
    memcpy(sgx_signature->y, bytes + 32, 32);
}

static void a_key_pair_from_the_api_is_the_one_openssl_derives_from_its_private_key(void **state)
{
    (void)state;

    for (int i = 0; i < 8; i++) {
        sgx_ec256_private_t private_key;
        sgx_ec256_public_t public_key;
        uint8_t scalar[32], expected_public[65], actual_public[65];
        EVP_PKEY *key;

        assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, context),
                         SGX_SUCCESS);
        support_reverse(scalar, private_key.r, 32);
        key = ec_openssl_from_private(scalar, expected_public);
        public_to_be(&public_key, actual_public);
        assert_memory_equal(actual_public, expected_public, 65);
        EVP_PKEY_free(key);
    }
}

static void openssl_verifies_what_sgx_ecdsa_sign_signs(void **state)
{
    static const uint8_t message[] = "a message signed inside the enclave";
    (void)state;

    for (int i = 0; i < 8; i++) {
        sgx_ec256_private_t private_key;
        sgx_ec256_public_t public_key;
        sgx_ec256_signature_t signature;
        uint8_t public_be[65], signature_be[64];
        EVP_PKEY *key;
        uint8_t result = 0xff;

        assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, context),
                         SGX_SUCCESS);
        assert_int_equal(
            sgx_ecdsa_sign(message, sizeof(message), &private_key, &signature, context),
            SGX_SUCCESS);
        public_to_be(&public_key, public_be);
        signature_to_be(&signature, signature_be);
        key = ec_openssl_from_public(public_be);
        assert_true(ec_openssl_verify(key, message, sizeof(message), signature_be));
        assert_false(ec_openssl_verify(key, message, sizeof(message) - 1, signature_be));
        EVP_PKEY_free(key);

        assert_int_equal(
            sgx_ecdsa_verify(message, sizeof(message), &public_key, &signature, &result, context),
            SGX_SUCCESS);
        assert_int_equal(result, SGX_EC_VALID);
    }
}

static void sgx_ecdsa_verify_accepts_what_openssl_signs_and_nothing_changed(void **state)
{
    static const uint8_t message[] = "a message signed outside";
    uint8_t private_be[32], public_be[65], signature_be[64];
    EVP_PKEY *key = ec_openssl_generate(private_be, public_be);
    sgx_ec256_public_t public_key;
    sgx_ec256_signature_t signature;
    uint8_t result = 0xff;
    (void)state;

    ec_openssl_sign(key, message, sizeof(message), signature_be);
    public_from_be(public_be, &public_key);
    signature_from_be(signature_be, &signature);
    assert_int_equal(
        sgx_ecdsa_verify(message, sizeof(message), &public_key, &signature, &result, context),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_EC_VALID);

    /* Every single flipped bit of the signature makes it invalid. */
    for (size_t bit = 0; bit < 512; bit++) {
        sgx_ec256_signature_t bad = signature;
        ((uint8_t *)&bad)[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        result = 0xff;
        assert_int_equal(
            sgx_ecdsa_verify(message, sizeof(message), &public_key, &bad, &result, context),
            SGX_SUCCESS);
        assert_int_equal(result, SGX_EC_INVALID_SIGNATURE);
    }
    /* So does another message, or another key. */
    assert_int_equal(
        sgx_ecdsa_verify(message, sizeof(message) - 1, &public_key, &signature, &result, context),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_EC_INVALID_SIGNATURE);
    sgx_ec256_private_t other_private;
    sgx_ec256_public_t other_public;
    assert_int_equal(sgx_ecc256_create_key_pair(&other_private, &other_public, context),
                     SGX_SUCCESS);
    assert_int_equal(
        sgx_ecdsa_verify(message, sizeof(message), &other_public, &signature, &result, context),
        SGX_SUCCESS);
    assert_int_equal(result, SGX_EC_INVALID_SIGNATURE);
    EVP_PKEY_free(key);
}

static void sgx_ecdsa_verify_hash_checks_a_signature_over_a_given_hash(void **state)
{
    uint8_t private_be[32], public_be[65], signature_be[64], hash[32];
    EVP_PKEY *key = ec_openssl_generate(private_be, public_be);
    sgx_ec256_public_t public_key;
    sgx_ec256_signature_t signature;
    uint8_t result = 0xff;
    (void)state;

    support_random(hash, sizeof(hash));
    ec_openssl_sign_hash(key, hash, signature_be);
    public_from_be(public_be, &public_key);
    signature_from_be(signature_be, &signature);
    assert_int_equal(sgx_ecdsa_verify_hash(hash, &public_key, &signature, &result, context),
                     SGX_SUCCESS);
    assert_int_equal(result, SGX_EC_VALID);
    hash[31] ^= 1;
    assert_int_equal(sgx_ecdsa_verify_hash(hash, &public_key, &signature, &result, context),
                     SGX_SUCCESS);
    assert_int_equal(result, SGX_EC_INVALID_SIGNATURE);
    EVP_PKEY_free(key);
}

static void signatures_with_r_or_s_out_of_range_are_invalid(void **state)
{
    static const uint8_t message[] = "m";
    sgx_ec256_private_t private_key;
    sgx_ec256_public_t public_key;
    sgx_ec256_signature_t signature;
    uint8_t good[64], order[32];
    (void)state;

    support_hex(order_hex, order, 32);
    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, context), SGX_SUCCESS);
    assert_int_equal(sgx_ecdsa_sign(message, 1, &private_key, &signature, context), SGX_SUCCESS);
    signature_to_be(&signature, good);

    /* r = 0, s = 0, r = n, s = n: never valid, whatever else holds. */
    for (int which = 0; which < 4; which++) {
        uint8_t bad[64];
        sgx_ec256_signature_t sgx_bad;
        uint8_t result = 0xff;
        memcpy(bad, good, 64);
        if (which < 2)
            memset(bad + 32 * which, 0, 32);
        else
            memcpy(bad + 32 * (which - 2), order, 32);
        signature_from_be(bad, &sgx_bad);
        assert_int_equal(sgx_ecdsa_verify(message, 1, &public_key, &sgx_bad, &result, context),
                         SGX_SUCCESS);
        assert_int_equal(result, SGX_EC_INVALID_SIGNATURE);
    }
}

static void ecdh_gives_the_secret_openssl_computes_from_the_other_side(void **state)
{
    (void)state;

    for (int i = 0; i < 8; i++) {
        sgx_ec256_private_t private_key;
        sgx_ec256_public_t public_key, peer_public;
        sgx_ec256_dh_shared_t shared;
        uint8_t peer_private_be[32], peer_public_be[65], public_be[65], expected[32], actual[32];
        EVP_PKEY *peer = ec_openssl_generate(peer_private_be, peer_public_be);
        EVP_PKEY *ours = NULL;

        assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, context),
                         SGX_SUCCESS);
        public_from_be(peer_public_be, &peer_public);
        assert_int_equal(
            sgx_ecc256_compute_shared_dhkey(&private_key, &peer_public, &shared, context),
            SGX_SUCCESS);
        public_to_be(&public_key, public_be);
        ours = ec_openssl_from_public(public_be);
        ec_openssl_derive(peer, ours, expected);
        /* SGX returns the x coordinate little-endian. */
        support_reverse(actual, shared.s, 32);
        assert_memory_equal(actual, expected, 32);
        EVP_PKEY_free(ours);
        EVP_PKEY_free(peer);
    }
}

static void ecdh_refuses_a_peer_key_off_the_curve_and_a_bad_private_key(void **state)
{
    sgx_ec256_private_t private_key, zero = {{0}}, order_key;
    sgx_ec256_public_t public_key, off_curve;
    sgx_ec256_dh_shared_t shared;
    uint8_t order[32];
    (void)state;

    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, context), SGX_SUCCESS);
    off_curve = public_key;
    off_curve.gy[0] ^= 1;
    assert_int_equal(sgx_ecc256_compute_shared_dhkey(&private_key, &off_curve, &shared, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_compute_shared_dhkey(&zero, &public_key, &shared, context),
                     SGX_ERROR_INVALID_PARAMETER);
    support_hex(order_hex, order, 32);
    support_reverse(order_key.r, order, 32);
    assert_int_equal(sgx_ecc256_compute_shared_dhkey(&order_key, &public_key, &shared, context),
                     SGX_ERROR_INVALID_PARAMETER);
}

static void check_point_tells_points_of_the_curve_from_others(void **state)
{
    sgx_ec256_private_t private_key;
    sgx_ec256_public_t point, changed;
    uint8_t be[65], prime[32];
    int valid = -1;
    (void)state;

    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &point, context), SGX_SUCCESS);
    assert_int_equal(sgx_ecc256_check_point(&point, context, &valid), SGX_SUCCESS);
    assert_int_equal(valid, 1);

    changed = point;
    changed.gx[17] ^= 0x40;
    assert_int_equal(sgx_ecc256_check_point(&changed, context, &valid), SGX_SUCCESS);
    assert_int_equal(valid, 0);

    memset(&changed, 0, sizeof(changed));
    valid = -1;
    assert_int_equal(sgx_ecc256_check_point(&changed, context, &valid), SGX_SUCCESS);
    assert_int_equal(valid, 0);

    /* x + p names the same field element as x, but a coordinate must be below p. */
    ec_openssl_point_with_small_x(be);
    public_from_be(be, &changed);
    valid = -1;
    assert_int_equal(sgx_ecc256_check_point(&changed, context, &valid), SGX_SUCCESS);
    assert_int_equal(valid, 1);
    support_hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", prime, 32);
    unsigned int carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned int sum = (unsigned int)be[1 + i] + prime[i] + carry;
        be[1 + i] = (uint8_t)sum;
        carry = sum >> 8;
    }
    assert_int_equal(carry, 0);
    public_from_be(be, &changed);
    valid = -1;
    /* As in the SDK's library: such a coordinate is a bad argument, and the point invalid. */
    assert_int_equal(sgx_ecc256_check_point(&changed, context, &valid),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(valid, 0);
    uint8_t result = SGX_EC_VALID;
    sgx_ec256_signature_t signature;
    uint8_t hash[32] = {1};
    memset(&signature, 1, sizeof(signature));
    assert_int_equal(sgx_ecdsa_verify_hash(hash, &changed, &signature, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(result, SGX_EC_INVALID_SIGNATURE);
}

static void sign_refuses_a_private_key_outside_one_to_n_minus_one(void **state)
{
    static const uint8_t message[] = "m";
    sgx_ec256_private_t zero = {{0}}, order_key;
    sgx_ec256_signature_t signature;
    uint8_t order[32];
    (void)state;

    support_hex(order_hex, order, 32);
    support_reverse(order_key.r, order, 32);
    assert_int_equal(sgx_ecdsa_sign(message, 1, &zero, &signature, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_sign(message, 1, &order_key, &signature, context),
                     SGX_ERROR_INVALID_PARAMETER);
    /* n - 1 is the largest valid key. */
    order[31] -= 1;
    support_reverse(order_key.r, order, 32);
    assert_int_equal(sgx_ecdsa_sign(message, 1, &order_key, &signature, context), SGX_SUCCESS);
}

static void ecc_functions_refuse_the_arguments_the_sdk_refuses(void **state)
{
    static const uint8_t message[] = "m";
    sgx_ec256_private_t private_key;
    sgx_ec256_public_t public_key;
    sgx_ec256_signature_t signature;
    sgx_ec256_dh_shared_t shared;
    uint8_t result, hash[32] = {0};
    int valid;
    sgx_sha_state_handle_t sha = NULL;
    (void)state;

    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, context), SGX_SUCCESS);
    assert_int_equal(sgx_ecdsa_sign(message, 1, &private_key, &signature, context), SGX_SUCCESS);

    assert_int_equal(sgx_ecc256_open_context(NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_close_context(NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_create_key_pair(NULL, &public_key, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, NULL, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, NULL),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_check_point(NULL, context, &valid), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_check_point(&public_key, NULL, &valid),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_check_point(&public_key, context, NULL),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_compute_shared_dhkey(NULL, &public_key, &shared, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_compute_shared_dhkey(&private_key, NULL, &shared, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_compute_shared_dhkey(&private_key, &public_key, NULL, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_compute_shared_dhkey(&private_key, &public_key, &shared, NULL),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_sign(NULL, 1, &private_key, &signature, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_sign(message, 0, &private_key, &signature, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_sign(message, 0x80000000u, &private_key, &signature, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_sign(message, 1, NULL, &signature, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_sign(message, 1, &private_key, NULL, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_sign(message, 1, &private_key, &signature, NULL),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify(NULL, 1, &public_key, &signature, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify(message, 0, &public_key, &signature, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify(message, 1, NULL, &signature, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify(message, 1, &public_key, NULL, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify(message, 1, &public_key, &signature, NULL, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify(message, 1, &public_key, &signature, &result, NULL),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify_hash(NULL, &public_key, &signature, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify_hash(hash, NULL, &signature, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify_hash(hash, &public_key, NULL, &result, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify_hash(hash, &public_key, &signature, NULL, context),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecdsa_verify_hash(hash, &public_key, &signature, &result, NULL),
                     SGX_ERROR_INVALID_PARAMETER);

    /* A handle that is not an ECC context is refused too. */
    assert_int_equal(sgx_sha256_init(&sha), SGX_SUCCESS);
    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, sha),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_ecc256_close_context(sha), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_close(sha), SGX_SUCCESS);
}

static void key_pair_creation_reports_a_failing_random_source(void **state)
{
    sgx_ec256_private_t private_key;
    sgx_ec256_public_t public_key;
    sgx_ecc_state_handle_t untouched = context;
    (void)state;

    support_fail_read_rand(1);
    assert_int_equal(sgx_ecc256_create_key_pair(&private_key, &public_key, context),
                     SGX_ERROR_UNEXPECTED);
    support_fail_read_rand(0);

    support_fail_malloc(1);
    assert_int_equal(sgx_ecc256_open_context(&untouched), SGX_ERROR_OUT_OF_MEMORY);
    assert_ptr_equal(untouched, context);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_key_pair_from_the_api_is_the_one_openssl_derives_from_its_private_key),
        cmocka_unit_test(openssl_verifies_what_sgx_ecdsa_sign_signs),
        cmocka_unit_test(sgx_ecdsa_verify_accepts_what_openssl_signs_and_nothing_changed),
        cmocka_unit_test(sgx_ecdsa_verify_hash_checks_a_signature_over_a_given_hash),
        cmocka_unit_test(signatures_with_r_or_s_out_of_range_are_invalid),
        cmocka_unit_test(ecdh_gives_the_secret_openssl_computes_from_the_other_side),
        cmocka_unit_test(ecdh_refuses_a_peer_key_off_the_curve_and_a_bad_private_key),
        cmocka_unit_test(check_point_tells_points_of_the_curve_from_others),
        cmocka_unit_test(sign_refuses_a_private_key_outside_one_to_n_minus_one),
        cmocka_unit_test(ecc_functions_refuse_the_arguments_the_sdk_refuses),
        cmocka_unit_test(key_pair_creation_reports_a_failing_random_source),
    };
    return cmocka_run_group_tests(tests, open_context, close_context);
}
