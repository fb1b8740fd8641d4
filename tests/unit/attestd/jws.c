/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for attestd/jws.c: the instance key, RS256 tokens, kid, and policy JWS checking. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cella/encoding.h>

#include "attestd/jws.h"

#define INSTANCE "https://attest.example.test"
#define JKU      INSTANCE "/certs"

/* One key for the whole file: RSA key generation is slow. */
static char *key_pem;
static size_t key_pem_size;
static uint8_t *certificate;
static size_t certificate_size;

static int setup(void **state)
{
    (void)state;
    return cella_jws_create_key(INSTANCE, &key_pem, &key_pem_size, &certificate,
                                &certificate_size) == CELLA_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(key_pem);
    free(certificate);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------------- */

static uint8_t *unbase64url(const char *text, size_t text_size, size_t *size)
{
    *size = cella_encoding_base64_decoded_max_size(text_size);
    uint8_t *data = malloc(*size + 1);
    assert_non_null(data);
    if (text_size == 0) {
        *size = 0;
    } else {
        assert_int_equal(cella_encoding_base64url_decode(text, text_size,
                                                         CELLA_ENCODING_BASE64_NOPAD, data, size),
                         CELLA_OK);
    }
    data[*size] = 0;
    return data;
}

static char *base64url(const void *data, size_t size)
{
    char *text = NULL;
    assert_int_equal(cella_jws_base64url(data, size, &text), CELLA_OK);
    return text;
}

static EVP_PKEY *certificate_key(const uint8_t *der, size_t der_size)
{
    const unsigned char *cursor = der;
    X509 *x509 = d2i_X509(NULL, &cursor, (long)der_size);
    assert_non_null(x509);
    EVP_PKEY *key = X509_get_pubkey(x509);
    X509_free(x509);
    assert_non_null(key);
    return key;
}

/* The three parts of a compact JWS. */
struct parts {
    char *header, *payload, *signature;
    size_t header_size, payload_size, signature_size;
    size_t signed_size; /* header "." payload */
};

static void split(const char *token, struct parts *p)
{
    const char *first = strchr(token, '.');
    assert_non_null(first);
    const char *second = strchr(first + 1, '.');
    assert_non_null(second);
    assert_null(strchr(second + 1, '.'));
    size_t size = 0;
    p->header = (char *)unbase64url(token, (size_t)(first - token), &p->header_size);
    p->payload = (char *)unbase64url(first + 1, (size_t)(second - first - 1), &p->payload_size);
    p->signature = (char *)unbase64url(second + 1, strlen(second + 1), &size);
    p->signature_size = size;
    p->signed_size = (size_t)(second - token);
}

static void parts_free(struct parts *p)
{
    free(p->header);
    free(p->payload);
    free(p->signature);
}

static bool rs256_verifies(EVP_PKEY *key, const char *input, size_t input_size,
                           const void *signature, size_t signature_size)
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    assert_non_null(context);
    bool ok = EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestVerify(context, signature, signature_size, (const uint8_t *)input,
                               input_size) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

static cella_jws_signer_t *make_signer(void)
{
    cella_jws_signer_t *signer = NULL;
    assert_int_equal(
        cella_jws_signer_create(key_pem, key_pem_size, certificate, certificate_size, JKU, &signer),
        CELLA_OK);
    return signer;
}

/* A JWS over payload, signed with key by alg (RS256 or ES256), x5c = certificate_der. */
static char *signed_jws(const char *alg, EVP_PKEY *key, const uint8_t *certificate_der,
                        size_t certificate_der_size, const char *payload)
{
    size_t x5c_size = 0;
    assert_int_equal(cella_encoding_base64_encoded_size(certificate_der_size,
                                                        CELLA_ENCODING_BASE64_PAD, &x5c_size),
                     CELLA_OK);
    char *x5c = malloc(++x5c_size);
    assert_non_null(x5c);
    assert_int_equal(cella_encoding_base64_encode(certificate_der, certificate_der_size,
                                                  CELLA_ENCODING_BASE64_PAD, x5c, &x5c_size),
                     CELLA_OK);
    json_t *header = json_pack("{s:s, s:[s]}", "alg", alg, "x5c", x5c);
    char *header_json = json_dumps(header, JSON_COMPACT);
    char *header_text = base64url(header_json, strlen(header_json));
    char *payload_text = base64url(payload, strlen(payload));
    size_t input_size = strlen(header_text) + 1 + strlen(payload_text);
    char *input = malloc(input_size + 1);
    assert_non_null(input);
    snprintf(input, input_size + 1, "%s.%s", header_text, payload_text);

    uint8_t signature[512];
    size_t signature_size = sizeof(signature);
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(
        EVP_DigestSign(context, signature, &signature_size, (const uint8_t *)input, input_size), 1);
    EVP_MD_CTX_free(context);
    if (strcmp(alg, "ES256") == 0) {
        /* DER ECDSA-Sig-Value to JWS r || s. */
        const unsigned char *cursor = signature;
        ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &cursor, (long)signature_size);
        assert_non_null(sig);
        uint8_t raw[64];
        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32), 32);
        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32), 32);
        ECDSA_SIG_free(sig);
        memcpy(signature, raw, sizeof(raw));
        signature_size = sizeof(raw);
    }
    char *signature_text = base64url(signature, signature_size);
    size_t token_size = input_size + 1 + strlen(signature_text) + 1;
    char *token = malloc(token_size);
    assert_non_null(token);
    snprintf(token, token_size, "%s.%s", input, signature_text);
    free(signature_text);
    free(input);
    free(payload_text);
    free(header_text);
    free(header_json);
    json_decref(header);
    free(x5c);
    return token;
}

/* A self-signed certificate (DER) of key, made with OpenSSL directly. */
static uint8_t *self_signed(EVP_PKEY *key, size_t *size)
{
    X509 *x509 = X509_new();
    assert_non_null(x509);
    X509_set_version(x509, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x509), 7);
    X509_gmtime_adj(X509_getm_notBefore(x509), 0);
    X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x509), "CN", MBSTRING_ASC,
                               (const unsigned char *)"policy signer", -1, -1, 0);
    X509_set_issuer_name(x509, X509_get_subject_name(x509));
    X509_set_pubkey(x509, key);
    assert_true(X509_sign(x509, key, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int length = i2d_X509(x509, &der);
    assert_true(length > 0);
    uint8_t *copy = malloc((size_t)length);
    memcpy(copy, der, (size_t)length);
    OPENSSL_free(der);
    X509_free(x509);
    *size = (size_t)length;
    return copy;
}

/* ---- the key ------------------------------------------------------------------------------- */

static void a_new_key_has_a_self_signed_certificate_naming_the_instance(void **state)
{
    (void)state;
    assert_true(cella_jws_certificate_matches(certificate, certificate_size, key_pem, key_pem_size,
                                              INSTANCE));
    assert_false(cella_jws_certificate_matches(certificate, certificate_size, key_pem, key_pem_size,
                                               "https://other.example.test"));
    assert_non_null(strstr(key_pem, "PRIVATE KEY"));
    EVP_PKEY *key = certificate_key(certificate, certificate_size);
    assert_true(EVP_PKEY_is_a(key, "RSA"));
    assert_int_equal(EVP_PKEY_get_bits(key), CELLA_JWS_RSA_BITS);
    EVP_PKEY_free(key);
}

static void create_key_refuses_missing_arguments(void **state)
{
    (void)state;
    char *pem = NULL;
    size_t pem_size = 0;
    uint8_t *der = NULL;
    size_t der_size = 0;
    assert_int_equal(cella_jws_create_key(NULL, &pem, &pem_size, &der, &der_size),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_jws_create_key(INSTANCE, &pem, &pem_size, NULL, &der_size),
                     CELLA_ERR_INVALID_ARGUMENT);
}

static void certify_key_names_a_new_instance_with_the_same_key(void **state)
{
    (void)state;
    /* Longer than the 64 characters X.520 suggests for a common name. */
    static const char long_url[] =
        "https://a-rather-long-attestation-instance-name.westeurope.attest.example.test";
    uint8_t *der = NULL;
    size_t der_size = 0;
    assert_int_equal(cella_jws_certify_key(key_pem, key_pem_size, long_url, &der, &der_size),
                     CELLA_OK);
    assert_true(cella_jws_certificate_matches(der, der_size, key_pem, key_pem_size, long_url));
    EVP_PKEY *old_key = certificate_key(certificate, certificate_size);
    EVP_PKEY *new_key = certificate_key(der, der_size);
    assert_int_equal(EVP_PKEY_eq(old_key, new_key), 1);
    EVP_PKEY_free(old_key);
    EVP_PKEY_free(new_key);
    free(der);
}

static void certify_key_refuses_text_that_is_no_key(void **state)
{
    (void)state;
    uint8_t *der = NULL;
    size_t der_size = 0;
    static const char not_a_key[] =
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert_int_equal(
        cella_jws_certify_key(not_a_key, sizeof(not_a_key) - 1, INSTANCE, &der, &der_size),
        CELLA_ERR_INVALID_FORMAT);
    assert_false(
        cella_jws_certificate_matches((const uint8_t *)"junk", 4, key_pem, key_pem_size, INSTANCE));
}

static void key_id_is_base64_of_sha256_of_the_public_key_pem_and_a_nul(void **state)
{
    (void)state;
    EVP_PKEY *key = certificate_key(certificate, certificate_size);
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, key), 1);
    char *pem = NULL;
    long pem_size = BIO_get_mem_data(bio, &pem);
    uint8_t *with_nul = calloc(1, (size_t)pem_size + 1);
    memcpy(with_nul, pem, (size_t)pem_size);
    uint8_t digest[32];
    SHA256(with_nul, (size_t)pem_size + 1, digest);
    char expected[CELLA_JWS_KID_BYTES];
    size_t expected_size = sizeof(expected);
    assert_int_equal(cella_encoding_base64_encode(digest, sizeof(digest), CELLA_ENCODING_BASE64_PAD,
                                                  expected, &expected_size),
                     CELLA_OK);

    char kid[CELLA_JWS_KID_BYTES];
    assert_int_equal(cella_jws_key_id(key, kid, sizeof(kid)), CELLA_OK);
    assert_string_equal(kid, expected);
    assert_int_equal(strlen(kid), 44);
    assert_int_equal(kid[43], '=');

    cella_jws_signer_t *signer = make_signer();
    assert_string_equal(cella_jws_signer_kid(signer), expected);
    cella_jws_signer_destroy(signer);
    free(with_nul);
    BIO_free(bio);
    EVP_PKEY_free(key);
}

static void key_id_refuses_a_short_buffer(void **state)
{
    (void)state;
    EVP_PKEY *key = certificate_key(certificate, certificate_size);
    char kid[CELLA_JWS_KID_BYTES - 1];
    assert_int_equal(cella_jws_key_id(key, kid, sizeof(kid)), CELLA_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(cella_jws_key_id(NULL, kid, sizeof(kid)), CELLA_ERR_INVALID_ARGUMENT);
    EVP_PKEY_free(key);
}

/* ---- signing ------------------------------------------------------------------------------- */

static void a_signed_token_has_maa_s_header_and_verifies_with_the_certificate(void **state)
{
    (void)state;
    cella_jws_signer_t *signer = make_signer();
    json_t *claims = json_pack("{s:s, s:i}", "iss", INSTANCE, "iat", 1700000000);
    char *token = NULL;
    struct parts p;

    assert_int_equal(cella_jws_sign(signer, claims, &token), CELLA_OK);
    split(token, &p);
    json_t *header = json_loadb(p.header, p.header_size, 0, NULL);
    json_t *expected = json_pack("{s:s, s:s, s:s, s:s}", "alg", "RS256", "jku", JKU, "kid",
                                 cella_jws_signer_kid(signer), "typ", "JWT");
    assert_true(json_equal(header, expected));
    /* Compact, sorted keys: exactly this text. */
    assert_string_equal(p.payload, "{\"iat\":1700000000,\"iss\":\"" INSTANCE "\"}");
    EVP_PKEY *key = certificate_key(certificate, certificate_size);
    assert_int_equal(p.signature_size, 256);
    assert_true(rs256_verifies(key, token, p.signed_size, p.signature, p.signature_size));
    /* One changed byte of the signed text, and it no longer verifies. */
    token[p.signed_size - 2] ^= 0x01;
    assert_false(rs256_verifies(key, token, p.signed_size, p.signature, p.signature_size));

    EVP_PKEY_free(key);
    parts_free(&p);
    json_decref(expected);
    json_decref(header);
    free(token);
    json_decref(claims);
    cella_jws_signer_destroy(signer);
}

static void sign_refuses_claims_that_are_not_an_object(void **state)
{
    (void)state;
    cella_jws_signer_t *signer = make_signer();
    json_t *array = json_array();
    char *token = NULL;
    assert_int_equal(cella_jws_sign(signer, array, &token), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_jws_sign(NULL, array, &token), CELLA_ERR_INVALID_ARGUMENT);
    assert_null(token);
    assert_int_equal(cella_jws_serialize_unsigned(array, &token), CELLA_ERR_INVALID_ARGUMENT);
    json_decref(array);
    cella_jws_signer_destroy(signer);
}

static void the_x5c_of_the_signer_is_its_certificate_in_standard_base64(void **state)
{
    (void)state;
    cella_jws_signer_t *signer = make_signer();
    const char *x5c = cella_jws_signer_x5c(signer);
    uint8_t der[4096];
    size_t der_size = sizeof(der);
    assert_int_equal(
        cella_encoding_base64_decode(x5c, strlen(x5c), CELLA_ENCODING_BASE64_PAD, der, &der_size),
        CELLA_OK);
    assert_int_equal(der_size, certificate_size);
    assert_memory_equal(der, certificate, certificate_size);
    cella_jws_signer_destroy(signer);
}

static void a_signer_refuses_a_certificate_of_another_key(void **state)
{
    (void)state;
    char *other_pem = NULL;
    size_t other_pem_size = 0;
    uint8_t *other_der = NULL;
    size_t other_der_size = 0;
    cella_jws_signer_t *signer = NULL;

    assert_int_equal(
        cella_jws_create_key(INSTANCE, &other_pem, &other_pem_size, &other_der, &other_der_size),
        CELLA_OK);
    assert_int_equal(
        cella_jws_signer_create(key_pem, key_pem_size, other_der, other_der_size, JKU, &signer),
        CELLA_ERR_INVALID_FORMAT);
    assert_null(signer);
    free(other_pem);
    free(other_der);
}

static void a_signer_refuses_a_key_that_is_not_rsa(void **state)
{
    (void)state;
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(bio, ec, NULL, NULL, 0, NULL, NULL), 1);
    char *pem = NULL;
    long pem_size = BIO_get_mem_data(bio, &pem);
    size_t der_size = 0;
    uint8_t *der = self_signed(ec, &der_size);
    cella_jws_signer_t *signer = NULL;
    assert_int_equal(cella_jws_signer_create(pem, (size_t)pem_size, der, der_size, JKU, &signer),
                     CELLA_ERR_INVALID_FORMAT);
    free(der);
    BIO_free(bio);
    EVP_PKEY_free(ec);
}

static void an_unsigned_token_says_alg_none_and_ends_in_a_dot(void **state)
{
    (void)state;
    json_t *claims = json_pack("{s:s}", "nonce", "n");
    char *token = NULL;
    struct parts p;

    assert_int_equal(cella_jws_serialize_unsigned(claims, &token), CELLA_OK);
    assert_int_equal(token[strlen(token) - 1], '.');
    split(token, &p);
    assert_string_equal(p.header, "{\"alg\":\"none\",\"typ\":\"JWT\"}");
    assert_string_equal(p.payload, "{\"nonce\":\"n\"}");
    assert_int_equal(p.signature_size, 0);
    parts_free(&p);
    free(token);
    json_decref(claims);
}

static void sha256_base64url_has_the_known_answer(void **state)
{
    (void)state;
    char hash[48];
    assert_int_equal(cella_jws_sha256_base64url("abc", 3, hash, sizeof(hash)), CELLA_OK);
    assert_string_equal(hash, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    assert_int_equal(cella_jws_sha256_base64url("abc", 3, hash, 43), CELLA_ERR_BUFFER_TOO_SMALL);
    char *text = NULL;
    assert_int_equal(cella_jws_base64url("\xfb\xff", 2, &text), CELLA_OK);
    assert_string_equal(text, "-_8");
    free(text);
    assert_int_equal(cella_jws_base64url(NULL, 1, &text), CELLA_ERR_INVALID_ARGUMENT);
}

/* ---- policy JWS ---------------------------------------------------------------------------- */

static void an_unsigned_jws_parses_without_a_signer(void **state)
{
    (void)state;
    /* {"alg":"none"} . {"AttestationPolicy":"dg"} . */
    static const char text[] = "eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6ImRnIn0.";
    cella_jws_parsed_t parsed;
    char error[128] = "";

    assert_int_equal(cella_jws_parse(text, sizeof(text) - 1, &parsed, error, sizeof(error)),
                     CELLA_OK);
    assert_string_equal(parsed.payload, "{\"AttestationPolicy\":\"dg\"}");
    assert_null(parsed.signer);
    assert_string_equal(json_string_value(json_object_get(parsed.header, "alg")), "none");
    cella_jws_parsed_clear(&parsed);
}

static void texts_that_are_not_a_jws_are_told_apart(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "version=1.0; authorizationrules{=> permit();}; issuancerules{c:[type==\"a\"] => "
        "issue(type=\"b\", value=c.value);};",
        "a.b",
        "a.b.c.d",
        "bm90IGpzb24.e30.",        /* header "not json" */
        "WzFd.e30.",               /* header [1] */
        "eyJ0eXAiOiJKV1QifQ.e30.", /* header without alg */
        "eyJhbGciOiJub25lIn0.!!.", /* payload not base64url */
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        cella_jws_parsed_t parsed;
        char error[128] = "";
        assert_int_equal(cella_jws_parse(texts[i], strlen(texts[i]), &parsed, error, sizeof(error)),
                         CELLA_ERR_INVALID_FORMAT);
        assert_true(error[0] != '\0');
    }
}

static void alg_none_with_a_signature_or_an_unknown_alg_is_refused(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "eyJhbGciOiJub25lIn0.e30.AAAA",  /* alg none, a signature */
        "eyJhbGciOiJIUzI1NiJ9.e30.AAAA", /* HS256 */
        "eyJhbGciOiJSUzI1NiJ9.e30.AAAA", /* RS256 without x5c */
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        cella_jws_parsed_t parsed;
        char error[128] = "";
        assert_int_equal(cella_jws_parse(texts[i], strlen(texts[i]), &parsed, error, sizeof(error)),
                         CELLA_ERR_VERIFY_FAILED);
    }
}

static void signed_policy_tokens_verify_with_their_x5c(void **state)
{
    (void)state;
    static const char *const algs[] = {"RS256", "ES256"};
    for (size_t i = 0; i < 2; i++) {
        EVP_PKEY *key = i == 0 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
        assert_non_null(key);
        size_t der_size = 0;
        uint8_t *der = self_signed(key, &der_size);
        char *token = signed_jws(algs[i], key, der, der_size, "{\"AttestationPolicy\":\"dg\"}");
        cella_jws_parsed_t parsed;
        char error[128] = "";

        assert_int_equal(cella_jws_parse(token, strlen(token), &parsed, error, sizeof(error)),
                         CELLA_OK);
        assert_non_null(parsed.signer);
        assert_string_equal(json_string_value(json_object_get(parsed.signer, "kty")),
                            i == 0 ? "RSA" : "EC");
        assert_int_equal(json_array_size(json_object_get(parsed.signer, "x5c")), 1);
        cella_jws_parsed_clear(&parsed);

        /* One changed character of the payload: the signature no longer verifies. */
        char *dot = strchr(token, '.');
        dot[1] = dot[1] == 'e' ? 'f' : 'e';
        assert_int_equal(cella_jws_parse(token, strlen(token), &parsed, error, sizeof(error)),
                         CELLA_ERR_VERIFY_FAILED);
        assert_non_null(strstr(error, "signature"));
        free(token);
        free(der);
        EVP_PKEY_free(key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_key_has_a_self_signed_certificate_naming_the_instance),
        cmocka_unit_test(create_key_refuses_missing_arguments),
        cmocka_unit_test(certify_key_names_a_new_instance_with_the_same_key),
        cmocka_unit_test(certify_key_refuses_text_that_is_no_key),
        cmocka_unit_test(key_id_is_base64_of_sha256_of_the_public_key_pem_and_a_nul),
        cmocka_unit_test(key_id_refuses_a_short_buffer),
        cmocka_unit_test(a_signed_token_has_maa_s_header_and_verifies_with_the_certificate),
        cmocka_unit_test(sign_refuses_claims_that_are_not_an_object),
        cmocka_unit_test(the_x5c_of_the_signer_is_its_certificate_in_standard_base64),
        cmocka_unit_test(a_signer_refuses_a_certificate_of_another_key),
        cmocka_unit_test(a_signer_refuses_a_key_that_is_not_rsa),
        cmocka_unit_test(an_unsigned_token_says_alg_none_and_ends_in_a_dot),
        cmocka_unit_test(sha256_base64url_has_the_known_answer),
        cmocka_unit_test(an_unsigned_jws_parses_without_a_signer),
        cmocka_unit_test(texts_that_are_not_a_jws_are_told_apart),
        cmocka_unit_test(alg_none_with_a_signature_or_an_unknown_alg_is_refused),
        cmocka_unit_test(signed_policy_tokens_verify_with_their_x5c),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
