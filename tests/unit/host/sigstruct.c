/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for host/sigstruct.c: SIGSTRUCT signing and checking, cross-checked with OpenSSL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/pem.h>

#include <cella/log.h>
#include <cella/sigstruct.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define KEY            CELLA_SIGSTRUCT_KEY_BYTES

/* PEM text of a key, as a file would hold it. */
struct pem {
    char *text;
    size_t size;
};

/* Keys made once for all tests (RSA generation is slow). */
static EVP_PKEY *good_key;      /* RSA-3072, e = 3 */
static struct pem good_private; /* PKCS#8 */
static struct pem good_public;  /* SubjectPublicKeyInfo */
static struct pem good_public_pkcs1;
static struct pem small_private; /* RSA-2048, e = 3 */
static struct pem f4_private;    /* RSA-3072, e = 65537 */
static struct pem ec_private;    /* P-256 */

static char last_error[CELLA_LOG_MESSAGE_MAX_BYTES];

static void remember_error(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (level == CELLA_LOG_ERROR)
        snprintf(last_error, sizeof(last_error), "%s", message);
}

static EVP_PKEY *generate_rsa(unsigned bits, unsigned exponent)
{
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    BIGNUM *e = BN_new();
    EVP_PKEY *key = NULL;

    assert_non_null(context);
    assert_non_null(e);
    assert_int_equal(BN_set_word(e, exponent), 1);
    assert_int_equal(EVP_PKEY_keygen_init(context), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(context, (int)bits), 1);
    assert_int_equal(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(context, e), 1);
    assert_int_equal(EVP_PKEY_generate(context, &key), 1);
    BN_free(e);
    EVP_PKEY_CTX_free(context);
    return key;
}

static struct pem encode(EVP_PKEY *key, int selection, const char *structure)
{
    OSSL_ENCODER_CTX *encoder =
        OSSL_ENCODER_CTX_new_for_pkey(key, selection, "PEM", structure, NULL);
    unsigned char *data = NULL;
    size_t size = 0;
    struct pem pem;

    assert_non_null(encoder);
    assert_int_equal(OSSL_ENCODER_to_data(encoder, &data, &size), 1);
    OSSL_ENCODER_CTX_free(encoder);
    pem.text = (char *)data;
    pem.size = size;
    return pem;
}

static int group_setup(void **state)
{
    EVP_PKEY *key;

    (void)state;
    good_key = generate_rsa(3072, 3);
    good_private = encode(good_key, EVP_PKEY_KEYPAIR, "PrivateKeyInfo");
    good_public = encode(good_key, EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo");
    good_public_pkcs1 = encode(good_key, EVP_PKEY_PUBLIC_KEY, "type-specific");
    key = generate_rsa(2048, 3);
    small_private = encode(key, EVP_PKEY_KEYPAIR, "PrivateKeyInfo");
    EVP_PKEY_free(key);
    key = generate_rsa(3072, 65537);
    f4_private = encode(key, EVP_PKEY_KEYPAIR, "PrivateKeyInfo");
    EVP_PKEY_free(key);
    key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(key);
    ec_private = encode(key, EVP_PKEY_KEYPAIR, "PrivateKeyInfo");
    EVP_PKEY_free(key);
    cella_log_set_handler(remember_error, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cella_log_set_handler(NULL, NULL);
    EVP_PKEY_free(good_key);
    OPENSSL_free(good_private.text);
    OPENSSL_free(good_public.text);
    OPENSSL_free(good_public_pkcs1.text);
    OPENSSL_free(small_private.text);
    OPENSSL_free(f4_private.text);
    OPENSSL_free(ec_private.text);
    return 0;
}

static void reverse(uint8_t *out, const uint8_t *in, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = in[size - 1 - i];
}

/* An unsigned SIGSTRUCT with some body content. */
static void make_body(cella_sigstruct_t *s)
{
    cella_sigstruct_init(s);
    s->date = 0x20240229;
    s->misc_mask = 0xFFFFFFFF;
    s->attributes.flags = 0x4;
    s->attributes.xfrm = 0x3;
    s->attribute_mask.flags = 0xFF00FFFFFFFFFFFDULL;
    s->attribute_mask.xfrm = 0xFFFFFFFFFFF9FD1BULL;
    memset(s->enclave_hash.m, 0xab, sizeof(s->enclave_hash.m));
    s->isv_prod_id = 0x1234;
    s->isv_svn = 0x0102;
}

/* The signed bytes, built here: SIGSTRUCT [0, 128) then [900, 1028). */
static void signed_bytes(const cella_sigstruct_t *s, uint8_t out[256])
{
    memcpy(out, s, 128);
    memcpy(out + 128, (const uint8_t *)s + 900, 128);
}

/* A raw big-endian PKCS#1 v1.5 SHA-256 signature, made by OpenSSL with the good key. */
static void sign_here(const cella_sigstruct_t *s, uint8_t signature[KEY])
{
    uint8_t data[256];
    size_t size = KEY;
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    signed_bytes(s, data);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, good_key), 1);
    assert_int_equal(EVP_DigestSign(md, signature, &size, data, sizeof(data)), 1);
    assert_int_equal(size, KEY);
    EVP_MD_CTX_free(md);
}

static void init_writes_the_constant_headers_and_exponent(void **state)
{
    static const uint8_t header[12] = {6, 0, 0, 0, 0xE1, 0, 0, 0, 0, 0, 1, 0};
    static const uint8_t header2[16] = {1, 1, 0, 0, 0x60, 0, 0, 0, 0x60, 0, 0, 0, 1, 0, 0, 0};
    cella_sigstruct_t s;
    const uint8_t *bytes = (const uint8_t *)&s;

    (void)state;
    memset(&s, 0xff, sizeof(s));
    cella_sigstruct_init(&s);
    assert_memory_equal(bytes, header, sizeof(header));
    assert_memory_equal(bytes + 24, header2, sizeof(header2));
    assert_int_equal(bytes[512], 3);
    for (size_t i = 12; i < 24; i++)
        assert_int_equal(bytes[i], 0);
    cella_sigstruct_init(NULL);
}

static void get_date_encodes_utc_days_in_bcd(void **state)
{
    uint32_t date = 0;

    (void)state;
    assert_int_equal(cella_sigstruct_get_date(1681430400, &date), CELLA_OK); /* 2023-04-14 */
    assert_int_equal(date, 0x20230414);
    assert_int_equal(cella_sigstruct_get_date(1709164800 + 86399, &date), CELLA_OK);
    assert_int_equal(date, 0x20240229);
    assert_int_equal(cella_sigstruct_get_date(0, &date), CELLA_OK);
    assert_int_equal(date, 0x19700101);
    assert_int_equal(cella_sigstruct_get_date(-1, &date), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_sigstruct_get_date(253402300800LL, &date), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_sigstruct_get_date(0, NULL), CELLA_ERR_INVALID_ARGUMENT);
}

static void get_signing_data_is_the_header_then_the_body(void **state)
{
    cella_sigstruct_t s;
    uint8_t expected[256];
    uint8_t data[256];

    (void)state;
    make_body(&s);
    signed_bytes(&s, expected);
    assert_int_equal(cella_sigstruct_get_signing_data(&s, data, sizeof(data)), CELLA_OK);
    assert_memory_equal(data, expected, sizeof(data));
    assert_int_equal(cella_sigstruct_get_signing_data(&s, data, 255), CELLA_ERR_INVALID_ARGUMENT);
}

static void sign_produces_what_openssl_verifies_with_the_reversed_modulus(void **state)
{
    cella_sigstruct_t s;
    uint8_t data[256];
    uint8_t n_be[KEY];
    uint8_t s_be[KEY];
    uint8_t key_n_be[KEY];
    BIGNUM *key_n = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    (void)state;
    make_body(&s);
    assert_int_equal(cella_sigstruct_sign(&s, good_private.text, good_private.size), CELLA_OK);
    assert_int_equal(s.exponent, 3);
    /* MODULUS is the key's modulus, little-endian. */
    assert_int_equal(EVP_PKEY_get_bn_param(good_key, OSSL_PKEY_PARAM_RSA_N, &key_n), 1);
    assert_int_equal(BN_bn2binpad(key_n, key_n_be, KEY), KEY);
    reverse(n_be, s.modulus, KEY);
    assert_memory_equal(n_be, key_n_be, KEY);
    /* SIGNATURE, reversed, verifies with OpenSSL over the signed bytes. */
    reverse(s_be, s.signature, KEY);
    signed_bytes(&s, data);
    assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, good_key), 1);
    assert_int_equal(EVP_DigestVerify(md, s_be, KEY, data, sizeof(data)), 1);
    assert_int_equal(cella_sigstruct_verify(&s), CELLA_OK);
    BN_free(key_n);
    EVP_MD_CTX_free(md);
}

static void sign_computes_q1_and_q2_as_the_reference_defines_them(void **state)
{
    cella_sigstruct_t s;
    uint8_t buffer[KEY];
    uint8_t q_be[KEY];
    BN_CTX *context = BN_CTX_new();
    BIGNUM *sig = NULL;
    BIGNUM *n = NULL;
    BIGNUM *s2 = BN_new();
    BIGNUM *s3 = BN_new();
    BIGNUM *q1 = BN_new();
    BIGNUM *q2 = BN_new();
    BIGNUM *t = BN_new();

    (void)state;
    make_body(&s);
    assert_int_equal(cella_sigstruct_sign(&s, good_private.text, good_private.size), CELLA_OK);
    reverse(buffer, s.signature, KEY);
    sig = BN_bin2bn(buffer, KEY, NULL);
    reverse(buffer, s.modulus, KEY);
    n = BN_bin2bn(buffer, KEY, NULL);
    /* Q1 = floor(S^2 / N); Q2 = floor((S^3 - Q1*S*N) / N). */
    assert_int_equal(BN_sqr(s2, sig, context), 1);
    assert_int_equal(BN_div(q1, NULL, s2, n, context), 1);
    assert_int_equal(BN_mul(s3, s2, sig, context), 1);
    assert_int_equal(BN_mul(t, q1, sig, context), 1);
    assert_int_equal(BN_mul(t, t, n, context), 1);
    assert_int_equal(BN_sub(t, s3, t), 1);
    assert_int_equal(BN_div(q2, NULL, t, n, context), 1);
    assert_int_equal(BN_bn2binpad(q1, q_be, KEY), KEY);
    reverse(buffer, q_be, KEY);
    assert_memory_equal(s.q1, buffer, KEY);
    assert_int_equal(BN_bn2binpad(q2, q_be, KEY), KEY);
    reverse(buffer, q_be, KEY);
    assert_memory_equal(s.q2, buffer, KEY);
    BN_free(t);
    BN_free(q2);
    BN_free(q1);
    BN_free(s3);
    BN_free(s2);
    BN_free(n);
    BN_free(sig);
    BN_CTX_free(context);
}

static void get_mrsigner_is_sha256_of_the_little_endian_modulus(void **state)
{
    cella_sigstruct_t s;
    sgx_measurement_t mrsigner;
    uint8_t expected[32];

    (void)state;
    make_body(&s);
    assert_int_equal(cella_sigstruct_sign(&s, good_private.text, good_private.size), CELLA_OK);
    assert_int_equal(EVP_Digest(s.modulus, KEY, expected, NULL, EVP_sha256(), NULL), 1);
    assert_int_equal(cella_sigstruct_get_mrsigner(&s, &mrsigner), CELLA_OK);
    assert_memory_equal(mrsigner.m, expected, sizeof(expected));
    assert_int_equal(cella_sigstruct_get_mrsigner(NULL, &mrsigner), CELLA_ERR_INVALID_ARGUMENT);
}

struct bad_key {
    const char *name;
    const struct pem *pem;
    cella_result_t result;
    const char *message;
};

static void sign_rejects_keys_sgx_cannot_use_and_says_how_to_make_one(void **state)
{
    static const char garbage[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    const struct pem garbage_pem = {(char *)(uintptr_t)garbage, sizeof(garbage) - 1};
    const struct bad_key cases[] = {
        {"RSA-2048", &small_private, CELLA_ERR_INVALID_ARGUMENT, "RSA-2048"},
        {"e = 65537", &f4_private, CELLA_ERR_INVALID_ARGUMENT, "public exponent 65537"},
        {"EC key", &ec_private, CELLA_ERR_INVALID_ARGUMENT, "not RSA"},
        {"public key", &good_public, CELLA_ERR_INVALID_ARGUMENT, "a public key"},
        {"garbage", &garbage_pem, CELLA_ERR_INVALID_FORMAT, "not a PEM or DER key"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        cella_sigstruct_t s;
        cella_sigstruct_t before;

        make_body(&s);
        before = s;
        last_error[0] = '\0';
        if (cella_sigstruct_sign(&s, cases[i].pem->text, cases[i].pem->size) != cases[i].result)
            fail_msg("%s: unexpected result", cases[i].name);
        if (strstr(last_error, cases[i].message) == NULL)
            fail_msg("%s: message '%s' lacks '%s'", cases[i].name, last_error, cases[i].message);
        if (cases[i].result == CELLA_ERR_INVALID_ARGUMENT && i < 3 &&
            strstr(last_error, "openssl genrsa -3 -out Enclave_private.pem 3072") == NULL)
            fail_msg("%s: message '%s' does not show the openssl command", cases[i].name,
                     last_error);
        assert_memory_equal(&s, &before, sizeof(s));
    }
}

static void set_signature_accepts_an_external_signature_like_sign_makes(void **state)
{
    cella_sigstruct_t one_step;
    cella_sigstruct_t two_step;
    uint8_t signature[KEY];

    (void)state;
    make_body(&one_step);
    two_step = one_step;
    assert_int_equal(cella_sigstruct_sign(&one_step, good_private.text, good_private.size),
                     CELLA_OK);
    sign_here(&two_step, signature);
    assert_int_equal(cella_sigstruct_set_signature(&two_step, good_public.text, good_public.size,
                                                   signature, sizeof(signature)),
                     CELLA_OK);
    /* RSASSA-PKCS1-v1_5 is deterministic, so both ways give the same bytes. */
    assert_memory_equal(&two_step, &one_step, sizeof(one_step));
    make_body(&two_step);
    assert_int_equal(cella_sigstruct_set_signature(&two_step, good_public_pkcs1.text,
                                                   good_public_pkcs1.size, signature,
                                                   sizeof(signature)),
                     CELLA_OK);
    assert_memory_equal(&two_step, &one_step, sizeof(one_step));
}

static void set_signature_rejects_a_signature_over_other_data(void **state)
{
    cella_sigstruct_t s;
    cella_sigstruct_t before;
    uint8_t signature[KEY];

    (void)state;
    make_body(&s);
    sign_here(&s, signature);
    s.isv_svn++;
    before = s;
    assert_int_equal(cella_sigstruct_set_signature(&s, good_public.text, good_public.size,
                                                   signature, sizeof(signature)),
                     CELLA_ERR_VERIFY_FAILED);
    assert_memory_equal(&s, &before, sizeof(s));
    assert_int_equal(
        cella_sigstruct_set_signature(&s, good_public.text, good_public.size, signature, KEY - 1),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_sigstruct_set_signature(&s, small_private.text, small_private.size,
                                                   signature, sizeof(signature)),
                     CELLA_ERR_INVALID_ARGUMENT);
}

/* Byte offsets whose change must make a signed SIGSTRUCT fail to verify. */
static const struct {
    const char *name;
    size_t offset;
    uint8_t xor_mask;
} tampering[] = {
    {"HEADER", 4, 0x01},
    {"TYPE bit 0", 12, 0x01},
    {"MODULEVENDOR", 16, 0x01},
    {"DATE", 20, 0x01},
    {"HEADER2", 30, 0x01},
    {"reserved1", 60, 0x01},
    {"MODULUS top bit", 511, 0x80},
    {"MODULUS low byte", 128, 0x02},
    {"EXPONENT", 512, 0x04},
    {"SIGNATURE", 600, 0x01},
    {"MISCSELECT", 900, 0x01},
    {"reserved2", 909, 0x01},
    {"ATTRIBUTES", 928, 0x02},
    {"ENCLAVEHASH", 970, 0x01},
    {"ISVSVN", 1026, 0x01},
    {"reserved4", 1030, 0x01},
    {"Q1", 1100, 0x01},
    {"Q2", 1500, 0x01},
};

static void verify_rejects_any_tampered_field(void **state)
{
    cella_sigstruct_t signed_struct;

    (void)state;
    make_body(&signed_struct);
    assert_int_equal(cella_sigstruct_sign(&signed_struct, good_private.text, good_private.size),
                     CELLA_OK);
    for (size_t i = 0; i < ARRAY_COUNT(tampering); i++) {
        cella_sigstruct_t s = signed_struct;
        ((uint8_t *)&s)[tampering[i].offset] ^= tampering[i].xor_mask;
        if (cella_sigstruct_verify(&s) != CELLA_ERR_VERIFY_FAILED)
            fail_msg("a changed %s still verifies", tampering[i].name);
    }
    assert_int_equal(cella_sigstruct_verify(NULL), CELLA_ERR_INVALID_ARGUMENT);
}

static void verify_accepts_the_debug_type_bit_and_intel_vendor_only_when_signed(void **state)
{
    cella_sigstruct_t s;

    (void)state;
    make_body(&s);
    s.type = CELLA_SIGSTRUCT_TYPE_DEBUG;
    s.module_vendor = CELLA_SIGSTRUCT_VENDOR_INTEL;
    assert_int_equal(cella_sigstruct_sign(&s, good_private.text, good_private.size), CELLA_OK);
    assert_int_equal(cella_sigstruct_verify(&s), CELLA_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_writes_the_constant_headers_and_exponent),
        cmocka_unit_test(get_date_encodes_utc_days_in_bcd),
        cmocka_unit_test(get_signing_data_is_the_header_then_the_body),
        cmocka_unit_test(sign_produces_what_openssl_verifies_with_the_reversed_modulus),
        cmocka_unit_test(sign_computes_q1_and_q2_as_the_reference_defines_them),
        cmocka_unit_test(get_mrsigner_is_sha256_of_the_little_endian_modulus),
        cmocka_unit_test(sign_rejects_keys_sgx_cannot_use_and_says_how_to_make_one),
        cmocka_unit_test(set_signature_accepts_an_external_signature_like_sign_makes),
        cmocka_unit_test(set_signature_rejects_a_signature_over_other_data),
        cmocka_unit_test(verify_rejects_any_tampered_field),
        cmocka_unit_test(verify_accepts_the_debug_type_bit_and_intel_vendor_only_when_signed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
