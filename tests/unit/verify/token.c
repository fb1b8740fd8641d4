/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/verify/token.c: attestation tokens as a relying party checks them: keys, JWS, claims.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cella/encoding.h>
#include <cella/log.h>
#include <cella/token.h>

/*
 * Every key, certificate, key set and token is made here with OpenSSL, so each negative case
 * changes exactly one thing in an otherwise valid token. The key set "main" holds, as an
 * MAA-compatible service would publish them (maa-api.md §6): key A as a self-signed
 * certificate (x5c), key C as n and e, a 1024-bit key and an EC key (both unusable). Key B
 * is another service's key, published in "other" under key A's kid.
 */

#define ISSUER    "https://attest.cella.test"
#define NOW       INT64_C(1735689600) /* 2025-01-01T00:00:00Z */
#define MRENCLAVE "a6b2098e5eea143d5ce22975aa9f4f36da9cd39bbd6664264fa522679da9eca0"
#define MRSIGNER  "83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e"

static EVP_PKEY *key_a;    /* kid-a, x5c */
static EVP_PKEY *key_b;    /* another service's key */
static EVP_PKEY *key_c;    /* kid-c, n and e */
static EVP_PKEY *key_weak; /* 1024 bits */
static EVP_PKEY *key_ec;   /* P-256 */
static char *x5c_a;        /* standard base64 of key A's certificate */
static char *x5c_b;
static char *x5c_ec;
static char *n_c; /* base64url of key C's modulus and exponent */
static char *e_c;
static char *n_a;
static char *e_a;
static char *n_weak;
static char *e_weak;
static cella_token_keys_t *set_main;
static cella_token_keys_t *set_other;
static cella_token_keys_t *set_single; /* key A alone */

/* ---- the log ------------------------------------------------------------------------------- */

static char log_text[16384];

static void capture(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    (void)level;
    size_t used = strlen(log_text);
    snprintf(log_text + used, sizeof(log_text) - used, "%s\n", message);
}

static void assert_logged(const char *text)
{
    if (strstr(log_text, text) == NULL)
        fail_msg("the log lacks \"%s\"; it holds:\n%s", text, log_text);
}

/* ---- making keys, key sets and tokens ------------------------------------------------------ */

static char *format(const char *pattern, ...) CELLA_PRINTF(1, 2);

static char *format(const char *pattern, ...)
{
    va_list arguments;
    char *text = NULL;
    va_start(arguments, pattern);
    assert_true(vasprintf(&text, pattern, arguments) >= 0);
    va_end(arguments);
    return text;
}

static char *encode(const void *data, size_t size, bool url)
{
    size_t text_size = 0;
    cella_encoding_base64_padding_t padding =
        url ? CELLA_ENCODING_BASE64_NOPAD : CELLA_ENCODING_BASE64_PAD;
    assert_int_equal(cella_encoding_base64_encoded_size(size, padding, &text_size), CELLA_OK);
    char *text = malloc(text_size + 1);
    assert_non_null(text);
    size_t capacity = text_size + 1;
    assert_int_equal(url ? cella_encoding_base64url_encode(data, size, padding, text, &capacity)
                         : cella_encoding_base64_encode(data, size, padding, text, &capacity),
                     CELLA_OK);
    return text;
}

static char *b64url(const char *text)
{
    return encode(text, strlen(text), true);
}

static EVP_PKEY *rsa_key(unsigned bits)
{
    EVP_PKEY *key = EVP_RSA_gen(bits);
    assert_non_null(key);
    return key;
}

/* A self-signed certificate of key (signed by itself: P-256 keys sign with ECDSA). */
static char *certificate_base64(EVP_PKEY *key, const char *common_name)
{
    X509 *certificate = X509_new();
    assert_non_null(certificate);
    assert_int_equal(X509_set_version(certificate, 2), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1), 1);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(certificate), 0));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(certificate), 86400L * 365));
    assert_int_equal(X509_set_pubkey(certificate, key), 1);
    X509_NAME *name = X509_get_subject_name(certificate);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                (const unsigned char *)common_name, -1, -1, 0),
                     1);
    assert_int_equal(X509_set_issuer_name(certificate, name), 1);
    assert_true(X509_sign(certificate, key, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int der_size = i2d_X509(certificate, &der);
    assert_true(der_size > 0);
    char *text = encode(der, (size_t)der_size, false);
    OPENSSL_free(der);
    X509_free(certificate);
    return text;
}

static char *rsa_parameter(EVP_PKEY *key, const char *parameter)
{
    BIGNUM *number = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(key, parameter, &number), 1);
    size_t size = (size_t)BN_num_bytes(number);
    unsigned char *bytes = malloc(size);
    assert_non_null(bytes);
    assert_int_equal(BN_bn2bin(number, bytes), (int)size);
    char *text = encode(bytes, size, true);
    free(bytes);
    BN_free(number);
    return text;
}

static cella_token_keys_t *parse_keys(const char *json)
{
    cella_token_keys_t *keys = NULL;
    assert_int_equal(cella_token_keys_parse(json, strlen(json), &keys), CELLA_OK);
    return keys;
}

/* header "." claims "." signature, from JSON texts; RS256 with key, or no signature. */
static char *token_from_text(const char *header, const char *claims, EVP_PKEY *key)
{
    char *header_text = b64url(header);
    char *claims_text = b64url(claims);
    char *signed_text = format("%s.%s", header_text, claims_text);
    char *signature_text = strdup("");
    assert_non_null(signature_text);
    if (key != NULL) {
        EVP_MD_CTX *context = EVP_MD_CTX_new();
        size_t size = 0;
        assert_non_null(context);
        assert_int_equal(EVP_DigestSignInit_ex(context, NULL, "SHA256", NULL, NULL, key, NULL), 1);
        assert_int_equal(EVP_DigestSign(context, NULL, &size, (const unsigned char *)signed_text,
                                        strlen(signed_text)),
                         1);
        unsigned char *signature = malloc(size);
        assert_non_null(signature);
        assert_int_equal(EVP_DigestSign(context, signature, &size,
                                        (const unsigned char *)signed_text, strlen(signed_text)),
                         1);
        free(signature_text);
        signature_text = encode(signature, size, true);
        free(signature);
        EVP_MD_CTX_free(context);
    }
    char *token = format("%s.%s", signed_text, signature_text);
    free(header_text);
    free(claims_text);
    free(signed_text);
    free(signature_text);
    return token;
}

static char *dump(json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(text);
    json_decref(value);
    return text;
}

/* Takes both JSON values. */
static char *token_from(json_t *header, json_t *claims, EVP_PKEY *key)
{
    char *header_text = dump(header);
    char *claims_text = dump(claims);
    char *token = token_from_text(header_text, claims_text, key);
    free(header_text);
    free(claims_text);
    return token;
}

/* The header an MAA-compatible service writes (maa-api.md §4.1). */
static json_t *good_header(const char *kid)
{
    json_t *header =
        json_pack("{s:s, s:s, s:s}", "alg", "RS256", "jku", ISSUER "/certs", "typ", "JWT");
    assert_non_null(header);
    if (kid != NULL)
        assert_int_equal(json_object_set_new(header, "kid", json_string(kid)), 0);
    return header;
}

/* The claims of a good SGX attestation token, with cella's own claims. */
static json_t *good_claims(void)
{
    json_t *claims = json_pack(
        "{s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:s, s:[s], s:b, "
        "s:s}",
        "iss", ISSUER, "iat", (json_int_t)(NOW - 10), "nbf", (json_int_t)(NOW - 10), "exp",
        (json_int_t)(NOW - 10 + 28800), "jti",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", "x-ms-ver", "1.0",
        "x-ms-attestation-type", "sgx", "x-ms-sgx-mrenclave", MRENCLAVE, "x-ms-sgx-mrsigner",
        MRSIGNER, "x-ms-sgx-ehd", "AQIDBA", "x-ms-sgx-product-id", (json_int_t)7, "x-ms-sgx-svn",
        (json_int_t)3, "x-ms-sgx-is-debuggable", 0, "x-ms-cella-tcb-status", "SWHardeningNeeded",
        "x-ms-cella-advisory-ids", "INTEL-SA-00334", "x-ms-cella-software-tee", 0, "nonce",
        "n-0123456789");
    assert_non_null(claims);
    return claims;
}

static char *good_token(void)
{
    return token_from(good_header("kid-a"), good_claims(), key_a);
}

/* A good token with one claim set to the JSON value (NULL: removed). */
static char *token_with_claim(const char *claim, const char *value)
{
    json_t *claims = good_claims();
    if (value == NULL) {
        assert_int_equal(json_object_del(claims, claim), 0);
    } else {
        json_error_t error;
        json_t *parsed = json_loads(value, JSON_DECODE_ANY, &error);
        if (parsed == NULL)
            fail_msg("test value %s: %s", value, error.text);
        assert_int_equal(json_object_set_new(claims, claim, parsed), 0);
    }
    return token_from(good_header("kid-a"), claims, key_a);
}

/* A good token with one header member set to the JSON value (NULL: removed). */
static char *token_with_header(const char *member, const char *value, EVP_PKEY *key)
{
    json_t *header = good_header("kid-a");
    if (value == NULL) {
        assert_int_equal(json_object_del(header, member), 0);
    } else {
        json_t *parsed = json_loads(value, JSON_DECODE_ANY, NULL);
        assert_non_null(parsed);
        assert_int_equal(json_object_set_new(header, member, parsed), 0);
    }
    return token_from(header, good_claims(), key);
}

/* ---- verifying ------------------------------------------------------------------------------ */

static void default_options(cella_token_options_t *options)
{
    cella_token_options_init(options, ISSUER, NOW);
}

static void expect(const cella_token_keys_t *keys, const char *token, size_t size,
                   const cella_token_options_t *options, cella_token_failure_t failure,
                   const char *claim, const char *what)
{
    cella_token_result_t result;
    cella_result_t r = cella_token_verify(keys, token, size, options, &result);
    if (result.failure != failure)
        fail_msg("%s: failure %s (%s), expected %s", what, cella_token_failure_str(result.failure),
                 result.reason, cella_token_failure_str(failure));
    assert_int_equal(r, failure == CELLA_TOKEN_OK ? CELLA_OK : CELLA_ERR_VERIFY_FAILED);
    if (failure == CELLA_TOKEN_OK) {
        assert_non_null(result.claims);
        assert_string_equal(result.reason, "");
    } else {
        assert_null(result.claims);
        assert_true(result.reason[0] != '\0');
        if (claim != NULL && strcmp(result.claim, claim) != 0)
            fail_msg("%s: the failed claim is \"%s\", expected \"%s\"", what, result.claim, claim);
    }
    cella_token_result_clear(&result);
}

static void expect_token(const char *token, cella_token_failure_t failure, const char *claim,
                         const char *what)
{
    cella_token_options_t options;
    default_options(&options);
    expect(set_main, token, strlen(token), &options, failure, claim, what);
}

/* ---- group setup ---------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    key_a = rsa_key(2048);
    key_b = rsa_key(2048);
    key_c = rsa_key(3072);
    key_weak = rsa_key(1024);
    key_ec = EVP_EC_gen("P-256");
    assert_non_null(key_ec);
    x5c_a = certificate_base64(key_a, "https://attest.cella.test");
    x5c_b = certificate_base64(key_b, "https://other.cella.test");
    x5c_ec = certificate_base64(key_ec, "ec");
    n_a = rsa_parameter(key_a, OSSL_PKEY_PARAM_RSA_N);
    e_a = rsa_parameter(key_a, OSSL_PKEY_PARAM_RSA_E);
    n_c = rsa_parameter(key_c, OSSL_PKEY_PARAM_RSA_N);
    e_c = rsa_parameter(key_c, OSSL_PKEY_PARAM_RSA_E);
    n_weak = rsa_parameter(key_weak, OSSL_PKEY_PARAM_RSA_N);
    e_weak = rsa_parameter(key_weak, OSSL_PKEY_PARAM_RSA_E);

    char *json = format("{\"keys\": ["
                        "{\"x5c\": [\"%s\"], \"kid\": \"kid-a\", \"kty\": \"RSA\"},"
                        "{\"kty\": \"RSA\", \"kid\": \"kid-c\", \"n\": \"%s\", \"e\": \"%s\"},"
                        "{\"kty\": \"RSA\", \"kid\": \"kid-weak\", \"n\": \"%s\", \"e\": \"%s\"},"
                        "{\"kty\": \"EC\", \"kid\": \"kid-ec\", \"crv\": \"P-256\"}]}",
                        x5c_a, n_c, e_c, n_weak, e_weak);
    set_main = parse_keys(json);
    free(json);
    json = format("{\"keys\": [{\"x5c\": [\"%s\"], \"kid\": \"kid-a\", \"kty\": \"RSA\"}]}", x5c_b);
    set_other = parse_keys(json);
    free(json);
    json = format("{\"keys\": [{\"x5c\": [\"%s\"], \"kid\": \"kid-a\", \"kty\": \"RSA\"}]}", x5c_a);
    set_single = parse_keys(json);
    free(json);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cella_token_keys_destroy(set_main);
    cella_token_keys_destroy(set_other);
    cella_token_keys_destroy(set_single);
    EVP_PKEY_free(key_a);
    EVP_PKEY_free(key_b);
    EVP_PKEY_free(key_c);
    EVP_PKEY_free(key_weak);
    EVP_PKEY_free(key_ec);
    free(x5c_a);
    free(x5c_b);
    free(x5c_ec);
    free(n_a);
    free(e_a);
    free(n_c);
    free(e_c);
    free(n_weak);
    free(e_weak);
    return 0;
}

/* ---- the success path ------------------------------------------------------------------------ */

static void a_good_token_verifies_under_every_requirement_and_its_claims_can_be_read(void **state)
{
    (void)state;
    const char *statuses[] = {"UpToDate", "SWHardeningNeeded"};
    const char *advisories[] = {"INTEL-SA-00615", "INTEL-SA-00334"};
    cella_token_options_t options;
    cella_token_result_t result;
    char *token = good_token();

    default_options(&options);
    options.mrenclave = MRENCLAVE;
    options.mrsigner = MRSIGNER;
    options.check_min_svn = true;
    options.min_svn = 3;
    options.check_product_id = true;
    options.product_id = 7;
    options.allowed_tcb_statuses = statuses;
    options.allowed_tcb_status_count = 2;
    options.allowed_advisory_ids = advisories;
    options.allowed_advisory_id_count = 2;
    options.require_hardware = true;
    options.nonce = "n-0123456789";
    assert_int_equal(cella_token_verify(set_main, token, strlen(token), &options, &result),
                     CELLA_OK);
    assert_int_equal(result.failure, CELLA_TOKEN_OK);
    assert_string_equal(result.kid, "kid-a");
    assert_string_equal(result.claim, "");
    assert_false(result.software_tee);
    assert_non_null(result.claims);

    const char *text = NULL;
    int64_t number = 0;
    bool flag = true;
    assert_int_equal(cella_token_claims_get_string(result.claims, "iss", &text), CELLA_OK);
    assert_string_equal(text, ISSUER);
    assert_int_equal(cella_token_claims_get_string(result.claims, "x-ms-sgx-ehd", &text), CELLA_OK);
    assert_string_equal(text, "AQIDBA");
    assert_int_equal(cella_token_claims_get_integer(result.claims, "exp", &number), CELLA_OK);
    assert_int_equal(number, NOW - 10 + 28800);
    assert_int_equal(cella_token_claims_get_bool(result.claims, "x-ms-sgx-is-debuggable", &flag),
                     CELLA_OK);
    assert_false(flag);
    assert_int_equal(
        cella_token_claims_get_string_item(result.claims, CELLA_TOKEN_CLAIM_ADVISORY_IDS, 0, &text),
        CELLA_OK);
    assert_string_equal(text, "INTEL-SA-00334");

    /* Missing claims, other types, items past the end. */
    assert_int_equal(cella_token_claims_get_string(result.claims, "absent", &text),
                     CELLA_ERR_NOT_FOUND);
    assert_int_equal(cella_token_claims_get_string(result.claims, "exp", &text),
                     CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_token_claims_get_integer(result.claims, "iss", &number),
                     CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_token_claims_get_integer(result.claims, "absent", &number),
                     CELLA_ERR_NOT_FOUND);
    assert_int_equal(cella_token_claims_get_bool(result.claims, "exp", &flag),
                     CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_token_claims_get_bool(result.claims, "absent", &flag),
                     CELLA_ERR_NOT_FOUND);
    assert_int_equal(
        cella_token_claims_get_string_item(result.claims, CELLA_TOKEN_CLAIM_ADVISORY_IDS, 1, &text),
        CELLA_ERR_NOT_FOUND);
    assert_int_equal(cella_token_claims_get_string_item(result.claims, "iss", 0, &text),
                     CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_token_claims_get_string(NULL, "iss", &text), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_token_claims_get_string(result.claims, NULL, &text),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_token_claims_get_integer(result.claims, "exp", NULL),
                     CELLA_ERR_INVALID_ARGUMENT);

    /* The claims as JSON text: what the token carries. */
    size_t size = 0;
    const char *json = cella_token_claims_get_json(result.claims, &size);
    assert_non_null(json);
    assert_int_equal(size, strlen(json));
    json_t *parsed = json_loads(json, 0, NULL);
    assert_non_null(parsed);
    assert_string_equal(json_string_value(json_object_get(parsed, "x-ms-sgx-mrenclave")),
                        MRENCLAVE);
    json_decref(parsed);
    assert_null(cella_token_claims_get_json(NULL, &size));
    assert_int_equal(size, 0);

    cella_token_result_clear(&result);
    assert_null(result.claims);
    assert_string_equal(result.kid, "");
    cella_token_result_clear(NULL);
    free(token);
}

static void a_token_signed_by_a_key_given_as_n_and_e_verifies(void **state)
{
    (void)state;
    char *token = token_from(good_header("kid-c"), good_claims(), key_c);
    expect_token(token, CELLA_TOKEN_OK, NULL, "kid-c");
    free(token);
}

static void a_token_without_kid_verifies_only_with_a_set_of_one_key(void **state)
{
    (void)state;
    cella_token_options_t options;
    char *token = token_from(good_header(NULL), good_claims(), key_a);
    default_options(&options);
    expect(set_single, token, strlen(token), &options, CELLA_TOKEN_OK, NULL, "one key");
    expect(set_main, token, strlen(token), &options, CELLA_TOKEN_UNKNOWN_KID, "kid", "four keys");
    free(token);
}

static void a_token_without_typ_or_jku_verifies(void **state)
{
    (void)state;
    char *token = token_with_header("typ", NULL, key_a);
    expect_token(token, CELLA_TOKEN_OK, NULL, "no typ");
    free(token);
    token = token_with_header("jku", NULL, key_a);
    expect_token(token, CELLA_TOKEN_OK, NULL, "no jku");
    free(token);
}

/* ---- issuer and time ------------------------------------------------------------------------- */

static void a_token_of_another_issuer_is_refused(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        const char *what;
    } cases[] = {
        {"\"https://evil.cella.test\"", "another issuer"},
        {"\"https://attest.cella.test/\"", "a trailing slash"},
        {"\"HTTPS://ATTEST.CELLA.TEST\"", "another case"},
        {"\"https://attest.cella.test.evil\"", "a longer name"},
        {"\"https://attest.cella.tes\"", "a prefix"},
        {"[\"https://attest.cella.test\"]", "an array"},
        {"42", "a number"},
        {NULL, "no iss"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *token = token_with_claim("iss", cases[i].value);
        expect_token(token, CELLA_TOKEN_ISSUER, "iss", cases[i].what);
        free(token);
    }
}

static void a_token_whose_jku_points_elsewhere_is_refused(void **state)
{
    (void)state;
    const char *values[] = {"\"https://evil.cella.test/certs\"",
                            "\"https://attest.cella.test/certs/\"", "\"https://attest.cella.test\"",
                            "7"};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char *token = token_with_header("jku", values[i], key_a);
        expect_token(token, CELLA_TOKEN_ISSUER, "jku", values[i]);
        free(token);
    }
}

static void time_claims_are_checked_with_the_clock_skew(void **state)
{
    (void)state;
    static const struct {
        const char *claim;
        const char *value; /* NULL: removed */
        int64_t skew;
        cella_token_failure_t failure;
        const char *what;
    } cases[] = {
        {"exp", "1735689539", 60, CELLA_TOKEN_EXPIRED, "expired 61 s ago"},
        {"exp", "1735689540", 60, CELLA_TOKEN_EXPIRED, "expired exactly the skew ago"},
        {"exp", "1735689541", 60, CELLA_TOKEN_OK, "expired 59 s ago, within the skew"},
        {"exp", "1735689600", 0, CELLA_TOKEN_EXPIRED, "expiring now without skew"},
        {"exp", "1735689601", 0, CELLA_TOKEN_OK, "expiring in a second without skew"},
        {"exp", "1000", 60, CELLA_TOKEN_EXPIRED, "expired long ago"},
        {"exp", "-9223372036854775807", 60, CELLA_TOKEN_EXPIRED, "the smallest exp"},
        {"exp", "9223372036854775807", 60, CELLA_TOKEN_OK, "the largest exp (no overflow)"},
        {"exp", NULL, 60, CELLA_TOKEN_FORMAT, "no exp"},
        {"exp", "\"1735700000\"", 60, CELLA_TOKEN_FORMAT, "exp as a string"},
        {"exp", "1735700000.5", 60, CELLA_TOKEN_FORMAT, "exp with a fraction"},
        {"exp", "null", 60, CELLA_TOKEN_FORMAT, "exp null"},
        {"nbf", "1735689661", 60, CELLA_TOKEN_NOT_YET_VALID, "valid 61 s from now"},
        {"nbf", "1735689660", 60, CELLA_TOKEN_OK, "valid in exactly the skew"},
        {"nbf", "1735689601", 0, CELLA_TOKEN_NOT_YET_VALID, "valid in a second without skew"},
        {"nbf", "9223372036854775807", 60, CELLA_TOKEN_NOT_YET_VALID, "the largest nbf"},
        {"nbf", NULL, 60, CELLA_TOKEN_OK, "no nbf"},
        {"nbf", "true", 60, CELLA_TOKEN_FORMAT, "nbf a boolean"},
        {"iat", "1735689661", 60, CELLA_TOKEN_ISSUED_IN_FUTURE, "issued 61 s from now"},
        {"iat", "1735689660", 60, CELLA_TOKEN_OK, "issued in exactly the skew"},
        {"iat", "1735693200", 3600, CELLA_TOKEN_OK, "issued an hour ahead, an hour of skew"},
        {"iat", NULL, 60, CELLA_TOKEN_OK, "no iat"},
        {"iat", "\"now\"", 60, CELLA_TOKEN_FORMAT, "iat a string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_token_options_t options;
        char *token = token_with_claim(cases[i].claim, cases[i].value);
        default_options(&options);
        options.clock_skew_seconds = cases[i].skew;
        expect(set_main, token, strlen(token), &options, cases[i].failure,
               cases[i].failure == CELLA_TOKEN_OK ? NULL : cases[i].claim, cases[i].what);
        free(token);
    }
}

static void the_verification_time_is_the_callers(void **state)
{
    (void)state;
    cella_token_options_t options;
    char *token = good_token();
    /* Eight hours later the same token has expired; before it was issued it is not valid. */
    cella_token_options_init(&options, ISSUER, NOW + 28800 + 60);
    expect(set_main, token, strlen(token), &options, CELLA_TOKEN_EXPIRED, "exp", "8 h later");
    cella_token_options_init(&options, ISSUER, NOW - 3600);
    expect(set_main, token, strlen(token), &options, CELLA_TOKEN_NOT_YET_VALID, "nbf",
           "an hour before");
    free(token);
}

/* ---- algorithm, key, signature --------------------------------------------------------------- */

static void alg_none_is_refused_with_or_without_a_signature(void **state)
{
    (void)state;
    char *good = good_token();
    const char *good_signature = strrchr(good, '.') + 1;
    const char *headers[] = {
        "{\"alg\":\"none\"}",
        "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"kid-a\"}",
        "{\"alg\":\"None\",\"kid\":\"kid-a\"}",
        "{\"alg\":\"NONE\",\"kid\":\"kid-a\"}",
    };
    char *claims = dump(good_claims());
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        char *unsigned_token = token_from_text(headers[i], claims, NULL);
        expect_token(unsigned_token, CELLA_TOKEN_ALGORITHM, "alg", headers[i]);
        /* The same with the signature of a good token appended. */
        char *with_signature = format("%s%s", unsigned_token, good_signature);
        expect_token(with_signature, CELLA_TOKEN_ALGORITHM, "alg", headers[i]);
        free(with_signature);
        free(unsigned_token);
    }
    /* MAA's draft-policy tokens are unsigned like this: a relying party never accepts them. */
    char *draft = token_from_text("{\"alg\":\"none\"}", claims, NULL);
    expect(set_single, draft, strlen(draft), &(cella_token_options_t){.issuer = ISSUER, .now = NOW},
           CELLA_TOKEN_ALGORITHM, "alg", "draft");
    free(draft);
    free(claims);
    free(good);
}

/* HS256 with the service's public key (as PEM, or as DER) as the HMAC secret: a verifier that
 * takes the algorithm from the token would accept it. */
static void hs256_with_the_public_key_as_secret_is_refused(void **state)
{
    (void)state;
    BIO *bio = BIO_new(BIO_s_mem());
    assert_non_null(bio);
    assert_int_equal(PEM_write_bio_PUBKEY(bio, key_a), 1);
    char *pem = NULL;
    long pem_size = BIO_get_mem_data(bio, &pem);
    assert_true(pem_size > 0);
    unsigned char *der = NULL;
    int der_size = i2d_PUBKEY(key_a, &der);
    assert_true(der_size > 0);
    const struct {
        const void *secret;
        size_t size;
    } secrets[] = {{pem, (size_t)pem_size}, {der, (size_t)der_size}};

    char *claims = dump(good_claims());
    char *header = b64url("{\"alg\":\"HS256\",\"kid\":\"kid-a\",\"typ\":\"JWT\"}");
    char *body = b64url(claims);
    char *signed_text = format("%s.%s", header, body);
    for (size_t i = 0; i < 2; i++) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int mac_size = 0;
        assert_non_null(HMAC(EVP_sha256(), secrets[i].secret, (int)secrets[i].size,
                             (const unsigned char *)signed_text, strlen(signed_text), mac,
                             &mac_size));
        char *mac_text = encode(mac, mac_size, true);
        char *token = format("%s.%s", signed_text, mac_text);
        expect_token(token, CELLA_TOKEN_ALGORITHM, "alg", "HS256");
        free(token);
        free(mac_text);
    }
    free(signed_text);
    free(body);
    free(header);
    free(claims);
    OPENSSL_free(der);
    BIO_free(bio);
}

static void every_algorithm_but_rs256_is_refused(void **state)
{
    (void)state;
    const char *values[] = {"\"HS256\"", "\"HS512\"", "\"RS384\"",  "\"RS512\"",   "\"PS256\"",
                            "\"ES256\"", "\"rs256\"", "\"RS256 \"", "\" RS256\"",  "\"RS2560\"",
                            "\"\"",      "256",       "null",       "[\"RS256\"]", NULL};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char *token = token_with_header("alg", values[i], key_a);
        expect_token(token, CELLA_TOKEN_ALGORITHM, "alg", values[i] != NULL ? values[i] : "none");
        free(token);
    }
}

static void a_kid_no_key_has_is_refused_without_trying_the_other_keys(void **state)
{
    (void)state;
    /* Signed by key A, which the set holds, but under a kid the set does not know. */
    const char *kids[] = {"kid-z", "KID-A", "kid-a ", "kid-", ""};
    for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
        char *token = token_from(good_header(kids[i]), good_claims(), key_a);
        expect_token(token, CELLA_TOKEN_UNKNOWN_KID, "kid", kids[i]);
        free(token);
    }
    char *token = token_with_header("kid", "7", key_a);
    expect_token(token, CELLA_TOKEN_FORMAT, "kid", "kid a number");
    free(token);
}

static void a_kid_that_matches_a_key_of_another_set_fails_the_signature(void **state)
{
    (void)state;
    cella_token_options_t options;
    /* Key B signs under kid-a: the main set's kid-a is key A. */
    char *token = token_from(good_header("kid-a"), good_claims(), key_b);
    expect_token(token, CELLA_TOKEN_SIGNATURE, NULL, "key B as kid-a");
    default_options(&options);
    expect(set_other, token, strlen(token), &options, CELLA_TOKEN_OK, NULL, "in its own set");
    free(token);
    /* And key C's token under kid-a. */
    token = token_from(good_header("kid-a"), good_claims(), key_c);
    expect_token(token, CELLA_TOKEN_SIGNATURE, NULL, "key C as kid-a");
    free(token);
}

static void a_kid_of_an_unusable_key_is_refused_as_a_key_failure(void **state)
{
    (void)state;
    char *token = token_from(good_header("kid-weak"), good_claims(), key_weak);
    expect_token(token, CELLA_TOKEN_KEY, "kid", "1024 bits");
    free(token);
    token = token_from(good_header("kid-ec"), good_claims(), key_a);
    expect_token(token, CELLA_TOKEN_KEY, "kid", "EC");
    free(token);
}

/*
 * Changes one bit of the decoded part (0 header, 1 claims, 2 signature) and re-encodes it: at
 * the first byte of needle in the part, or at offset when needle is NULL.
 */
static char *with_flipped_byte(const char *token, int part, const char *needle, size_t offset)
{
    char *copy = strdup(token);
    assert_non_null(copy);
    char *parts[3];
    parts[0] = copy;
    parts[1] = strchr(parts[0], '.');
    assert_non_null(parts[1]);
    *parts[1]++ = '\0';
    parts[2] = strchr(parts[1], '.');
    assert_non_null(parts[2]);
    *parts[2]++ = '\0';

    uint8_t bytes[1024];
    size_t size = sizeof(bytes) - 1;
    assert_int_equal(cella_encoding_base64url_decode(parts[part], strlen(parts[part]),
                                                     CELLA_ENCODING_BASE64_NOPAD, bytes, &size),
                     CELLA_OK);
    bytes[size] = 0;
    if (needle != NULL) {
        const char *found = strstr((const char *)bytes, needle);
        assert_non_null(found);
        offset = (size_t)(found - (const char *)bytes);
    }
    assert_true(offset < size);
    bytes[offset] ^= 0x01;
    char *changed = encode(bytes, size, true);
    parts[part] = changed;
    char *result = format("%s.%s.%s", parts[0], parts[1], parts[2]);
    free(changed);
    free(copy);
    return result;
}

static void a_flipped_byte_in_any_part_fails_the_signature(void **state)
{
    (void)state;
    /* A header member nothing checks, so the flipped header still parses and names kid-a. */
    json_t *header = good_header("kid-a");
    assert_int_equal(json_object_set_new(header, "x5t", json_string("abcdefgh")), 0);
    char *token = token_from(header, good_claims(), key_a);
    expect_token(token, CELLA_TOKEN_OK, NULL, "the unchanged token");

    /* In the x5t value, in the nonce, in the MRENCLAVE, and the first, a middle and the last
     * byte of the signature. */
    const struct {
        int part;
        const char *needle;
        size_t offset;
    } flips[] = {{0, "abcdefgh", 0}, {1, "n-0123456789", 0}, {1, MRENCLAVE, 0},
                 {2, NULL, 0},       {2, NULL, 128},         {2, NULL, 255}};
    for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
        char *flipped = with_flipped_byte(token, flips[i].part, flips[i].needle, flips[i].offset);
        char what[32];
        snprintf(what, sizeof(what), "part %d flip %zu", flips[i].part, i);
        expect_token(flipped, CELLA_TOKEN_SIGNATURE, NULL, what);
        free(flipped);
    }
    free(token);
}

static void no_single_character_change_of_a_token_verifies(void **state)
{
    (void)state;
    char *token = good_token();
    size_t size = strlen(token);
    cella_token_options_t options;
    default_options(&options);
    for (size_t i = 0; i < size; i++) {
        char original = token[i];
        token[i] = original == 'A' ? 'B' : 'A';
        cella_token_result_t result;
        cella_result_t r = cella_token_verify(set_main, token, size, &options, &result);
        if (r == CELLA_OK)
            fail_msg("the token verified with character %zu changed", i);
        assert_int_equal(r, CELLA_ERR_VERIFY_FAILED);
        assert_int_not_equal(result.failure, CELLA_TOKEN_OK);
        assert_null(result.claims);
        cella_token_result_clear(&result);
        token[i] = original;
    }
    /* Shortened by one character at each end, too. */
    expect_token(token + 1, CELLA_TOKEN_FORMAT, NULL, "first character dropped");
    token[size - 1] = '\0';
    cella_token_result_t result;
    cella_token_options_t o;
    default_options(&o);
    assert_int_equal(cella_token_verify(set_main, token, size - 1, &o, &result),
                     CELLA_ERR_VERIFY_FAILED);
    cella_token_result_clear(&result);
    free(token);
}

static void a_signature_of_the_wrong_length_or_missing_is_refused(void **state)
{
    (void)state;
    char *token = good_token();
    char *dot = strrchr(token, '.');
    uint8_t signature[512];
    size_t size = sizeof(signature);
    assert_int_equal(cella_encoding_base64url_decode(dot + 1, strlen(dot + 1),
                                                     CELLA_ENCODING_BASE64_NOPAD, signature, &size),
                     CELLA_OK);
    assert_int_equal(size, 256);
    /* One byte short (the last dropped), one byte long (a zero in front: the same number). */
    char *shorter_text = encode(signature, size - 1, true);
    memmove(signature + 1, signature, size);
    signature[0] = 0;
    char *longer_text = encode(signature, size + 1, true);
    dot[1] = '\0';
    char *shorter = format("%s%s", token, shorter_text);
    char *longer = format("%s%s", token, longer_text);
    expect_token(shorter, CELLA_TOKEN_SIGNATURE, NULL, "a byte short");
    expect_token(longer, CELLA_TOKEN_SIGNATURE, NULL, "a byte long");
    /* Nothing after the last dot. */
    expect_token(token, CELLA_TOKEN_SIGNATURE, NULL, "no signature");
    free(longer);
    free(shorter);
    free(longer_text);
    free(shorter_text);
    free(token);
}

/* ---- header members ---------------------------------------------------------------------------
 */

static void a_typ_other_than_jwt_or_a_crit_member_is_refused(void **state)
{
    (void)state;
    static const struct {
        const char *member;
        const char *value;
    } cases[] = {
        {"typ", "\"JOSE\""},   {"typ", "\"jwt\""}, {"typ", "1"},
        {"crit", "[\"exp\"]"}, {"crit", "[]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *token = token_with_header(cases[i].member, cases[i].value, key_a);
        expect_token(token, CELLA_TOKEN_FORMAT, cases[i].member, cases[i].value);
        free(token);
    }
}

static void keys_in_the_tokens_own_header_are_never_used(void **state)
{
    (void)state;
    /* Signed by key B, which the header offers as x5c and jwk: still key A's kid. */
    json_t *header = good_header("kid-a");
    char *n_b = rsa_parameter(key_b, OSSL_PKEY_PARAM_RSA_N);
    char *e_b = rsa_parameter(key_b, OSSL_PKEY_PARAM_RSA_E);
    json_t *jwk = json_pack("{s:s, s:s, s:s}", "kty", "RSA", "n", n_b, "e", e_b);
    assert_non_null(jwk);
    free(n_b);
    free(e_b);
    assert_int_equal(json_object_set_new(header, "x5c", json_pack("[s]", x5c_b)), 0);
    assert_int_equal(json_object_set_new(header, "jwk", jwk), 0);
    char *token = token_from(header, good_claims(), key_b);
    expect_token(token, CELLA_TOKEN_SIGNATURE, NULL, "embedded keys");
    free(token);
}

/* ---- required claims ---------------------------------------------------------------------- */

static void require_mrenclave(cella_token_options_t *o)
{
    o->mrenclave = MRENCLAVE;
}

static void require_mrenclave_upper_case(cella_token_options_t *o)
{
    o->mrenclave = "A6B2098E5EEA143D5CE22975AA9F4F36DA9CD39BBD6664264FA522679DA9ECA0";
}

static void require_mrsigner(cella_token_options_t *o)
{
    o->mrsigner = MRSIGNER;
}

static void require_svn_3(cella_token_options_t *o)
{
    o->check_min_svn = true;
    o->min_svn = 3;
}

static void require_product_7(cella_token_options_t *o)
{
    o->check_product_id = true;
    o->product_id = 7;
}

static void allow_debug(cella_token_options_t *o)
{
    o->require_not_debuggable = false;
}

static void require_up_to_date(cella_token_options_t *o)
{
    static const char *statuses[] = {"UpToDate"};
    o->allowed_tcb_statuses = statuses;
    o->allowed_tcb_status_count = 1;
}

static void allow_sw_hardening(cella_token_options_t *o)
{
    static const char *statuses[] = {"UpToDate", "SWHardeningNeeded"};
    o->allowed_tcb_statuses = statuses;
    o->allowed_tcb_status_count = 2;
}

static void allow_advisory_00615(cella_token_options_t *o)
{
    static const char *ids[] = {"INTEL-SA-00615"};
    o->allowed_advisory_ids = ids;
    o->allowed_advisory_id_count = 1;
}

static void require_nonce(cella_token_options_t *o)
{
    o->nonce = "n-0123456789";
}

static void require_hardware(cella_token_options_t *o)
{
    o->require_hardware = true;
}

static void nothing_more(cella_token_options_t *o)
{
    (void)o;
}

static void each_required_claim_is_checked(void **state)
{
    (void)state;
    static const struct {
        const char *claim;
        const char *value; /* NULL: removed */
        void (*require)(cella_token_options_t *o);
        cella_token_failure_t failure;
        const char *what;
    } cases[] = {
        {"x-ms-sgx-mrenclave", "\"" MRSIGNER "\"", require_mrenclave, CELLA_TOKEN_CLAIM_MISMATCH,
         "another MRENCLAVE"},
        {"x-ms-sgx-mrenclave", NULL, require_mrenclave, CELLA_TOKEN_CLAIM_MISMATCH, "no MRENCLAVE"},
        {"x-ms-sgx-mrenclave", "\"a6b2\"", require_mrenclave, CELLA_TOKEN_CLAIM_MISMATCH,
         "a short MRENCLAVE"},
        {"x-ms-sgx-mrenclave",
         "\"a6b2098e5eea143d5ce22975aa9f4f36da9cd39bbd6664264fa522679da9ecaz\"", require_mrenclave,
         CELLA_TOKEN_CLAIM_MISMATCH, "a non-hex MRENCLAVE"},
        {"x-ms-sgx-mrenclave", "\"" MRENCLAVE "\"", require_mrenclave_upper_case, CELLA_TOKEN_OK,
         "MRENCLAVE expected in upper case"},
        {"x-ms-sgx-mrenclave",
         "\"A6B2098E5EEA143D5CE22975AA9F4F36DA9CD39BBD6664264FA522679DA9ECA0\"", require_mrenclave,
         CELLA_TOKEN_OK, "MRENCLAVE claimed in upper case"},
        {"x-ms-sgx-mrenclave", NULL, nothing_more, CELLA_TOKEN_OK, "MRENCLAVE not required"},
        {"x-ms-sgx-mrsigner", "\"" MRENCLAVE "\"", require_mrsigner, CELLA_TOKEN_CLAIM_MISMATCH,
         "another MRSIGNER"},
        {"x-ms-sgx-mrsigner", "42", require_mrsigner, CELLA_TOKEN_CLAIM_MISMATCH,
         "MRSIGNER a number"},
        {"x-ms-sgx-svn", "2", require_svn_3, CELLA_TOKEN_CLAIM_MISMATCH, "SVN below"},
        {"x-ms-sgx-svn", "-1", require_svn_3, CELLA_TOKEN_CLAIM_MISMATCH, "SVN negative"},
        {"x-ms-sgx-svn", "3", require_svn_3, CELLA_TOKEN_OK, "SVN equal"},
        {"x-ms-sgx-svn", "65535", require_svn_3, CELLA_TOKEN_OK, "SVN above"},
        {"x-ms-sgx-svn", "\"3\"", require_svn_3, CELLA_TOKEN_CLAIM_MISMATCH, "SVN a string"},
        {"x-ms-sgx-svn", NULL, require_svn_3, CELLA_TOKEN_CLAIM_MISMATCH, "no SVN"},
        {"x-ms-sgx-product-id", "8", require_product_7, CELLA_TOKEN_CLAIM_MISMATCH,
         "another product ID"},
        {"x-ms-sgx-product-id", "65543", require_product_7, CELLA_TOKEN_CLAIM_MISMATCH,
         "product ID 7 + 65536"},
        {"x-ms-sgx-product-id", "7.0", require_product_7, CELLA_TOKEN_CLAIM_MISMATCH,
         "product ID a real"},
        {"x-ms-sgx-product-id", NULL, require_product_7, CELLA_TOKEN_CLAIM_MISMATCH,
         "no product ID"},
        {"x-ms-sgx-is-debuggable", "true", nothing_more, CELLA_TOKEN_CLAIM_MISMATCH,
         "a debug enclave, refused by default"},
        {"x-ms-sgx-is-debuggable", "true", allow_debug, CELLA_TOKEN_OK, "a debug enclave, allowed"},
        {"x-ms-sgx-is-debuggable", NULL, nothing_more, CELLA_TOKEN_CLAIM_MISMATCH, "no debug flag"},
        {"x-ms-sgx-is-debuggable", "\"false\"", nothing_more, CELLA_TOKEN_CLAIM_MISMATCH,
         "the debug flag a string"},
        {"x-ms-sgx-is-debuggable", "0", nothing_more, CELLA_TOKEN_CLAIM_MISMATCH,
         "the debug flag a number"},
        {"x-ms-cella-tcb-status", "\"SWHardeningNeeded\"", require_up_to_date,
         CELLA_TOKEN_CLAIM_MISMATCH, "a TCB status not allowed"},
        {"x-ms-cella-tcb-status", "\"OutOfDate\"", allow_sw_hardening, CELLA_TOKEN_CLAIM_MISMATCH,
         "OutOfDate"},
        {"x-ms-cella-tcb-status", "\"uptodate\"", require_up_to_date, CELLA_TOKEN_CLAIM_MISMATCH,
         "another case"},
        {"x-ms-cella-tcb-status", NULL, require_up_to_date, CELLA_TOKEN_CLAIM_MISMATCH,
         "no TCB status"},
        {"x-ms-cella-tcb-status", "\"SWHardeningNeeded\"", allow_sw_hardening, CELLA_TOKEN_OK,
         "an allowed TCB status"},
        {"x-ms-cella-tcb-status", "\"Revoked\"", nothing_more, CELLA_TOKEN_OK,
         "TCB status not checked"},
        {"x-ms-cella-advisory-ids", "[\"INTEL-SA-00334\"]", allow_advisory_00615,
         CELLA_TOKEN_CLAIM_MISMATCH, "an advisory not allowed"},
        {"x-ms-cella-advisory-ids", "[\"INTEL-SA-00615\", 1]", allow_advisory_00615,
         CELLA_TOKEN_CLAIM_MISMATCH, "an advisory not a string"},
        {"x-ms-cella-advisory-ids", "\"INTEL-SA-00615\"", allow_advisory_00615,
         CELLA_TOKEN_CLAIM_MISMATCH, "advisories not an array"},
        {"x-ms-cella-advisory-ids", "[\"INTEL-SA-00615\"]", allow_advisory_00615, CELLA_TOKEN_OK,
         "an allowed advisory"},
        {"x-ms-cella-advisory-ids", "[]", allow_advisory_00615, CELLA_TOKEN_OK, "no advisory"},
        {"x-ms-cella-advisory-ids", NULL, allow_advisory_00615, CELLA_TOKEN_OK,
         "no advisory claim"},
        {"nonce", "\"n-0123456788\"", require_nonce, CELLA_TOKEN_CLAIM_MISMATCH, "another nonce"},
        {"nonce", "\"n-0123456789 \"", require_nonce, CELLA_TOKEN_CLAIM_MISMATCH, "a longer nonce"},
        {"nonce", NULL, require_nonce, CELLA_TOKEN_CLAIM_MISMATCH, "no nonce"},
        {"nonce", NULL, nothing_more, CELLA_TOKEN_OK, "nonce not required"},
        {"x-ms-cella-software-tee", "true", require_hardware, CELLA_TOKEN_SOFTWARE_TEE_REFUSED,
         "a software-TEE token where hardware is required"},
        {"x-ms-cella-software-tee", "true", nothing_more, CELLA_TOKEN_OK,
         "a software-TEE token, hardware not required"},
        {"x-ms-cella-software-tee", NULL, require_hardware, CELLA_TOKEN_OK,
         "an MAA token without the claim"},
        {"x-ms-cella-software-tee", "\"true\"", nothing_more, CELLA_TOKEN_CLAIM_MISMATCH,
         "the software-TEE claim a string"},
        {"x-ms-cella-software-tee", "1", require_hardware, CELLA_TOKEN_CLAIM_MISMATCH,
         "the software-TEE claim a number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_token_options_t options;
        char *token = token_with_claim(cases[i].claim, cases[i].value);
        default_options(&options);
        cases[i].require(&options);
        expect(set_main, token, strlen(token), &options, cases[i].failure,
               cases[i].failure == CELLA_TOKEN_OK ? NULL : cases[i].claim, cases[i].what);
        free(token);
    }
}

static void a_software_tee_token_says_so_when_accepted(void **state)
{
    (void)state;
    cella_token_options_t options;
    cella_token_result_t result;
    char *token = token_with_claim("x-ms-cella-software-tee", "true");
    default_options(&options);
    assert_int_equal(cella_token_verify(set_main, token, strlen(token), &options, &result),
                     CELLA_OK);
    assert_true(result.software_tee);
    cella_token_result_clear(&result);
    options.require_hardware = true;
    assert_int_equal(cella_token_verify(set_main, token, strlen(token), &options, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_TOKEN_SOFTWARE_TEE_REFUSED);
    assert_false(result.software_tee);
    assert_string_equal(result.claim, CELLA_TOKEN_CLAIM_SOFTWARE_TEE);
    assert_non_null(strstr(result.reason, "software TEE"));
    cella_token_result_clear(&result);
    free(token);
}

/* ---- malformed tokens --------------------------------------------------------------------- */

static void a_malformed_jws_is_refused_as_format(void **state)
{
    (void)state;
    char *good = good_token();
    char *header = strndup(good, (size_t)(strchr(good, '.') - good));
    char *rest = strchr(good, '.') + 1;
    char *claims = strndup(rest, (size_t)(strchr(rest, '.') - rest));
    char *signature = strrchr(good, '.') + 1;
    char *not_json = b64url("{\"alg\":\"RS256\",\"kid\":\"kid-a\"");
    char *array_header = b64url("[\"RS256\"]");
    char *duplicate = b64url("{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"kid-a\"}");
    assert_non_null(header);
    assert_non_null(claims);

    char *cases[] = {
        format("%s.%s", header, claims),                             /* 2 parts */
        format("%s.%s.%s.%s", header, claims, signature, signature), /* 4 parts */
        format("%s.%s.%s.", header, claims, signature),              /* 4, the last empty */
        format("%s", header),                                        /* 1 part */
        format("."),                                                 /* empty parts */
        format(".."),
        format("..%s", signature),
        format(".%s.%s", claims, signature),            /* no header */
        format("%s..%s", header, signature),            /* no claims */
        format("%s=.%s.%s", header, claims, signature), /* padding */
        format("%s.%s=.%s", header, claims, signature),
        format("%s.%s.%s=", header, claims, signature),
        format("%s.%s.%s==", header, claims, signature),
        format("+%s.%s.%s", header, claims, signature), /* base64, not base64url */
        format("%s.%s/.%s", header, claims, signature),
        format("%s.%s.%s/", header, claims, signature),
        format("%s .%s.%s", header, claims, signature), /* white space */
        format("%s.%s.%s\n", header, claims, signature),
        format(" %s.%s.%s", header, claims, signature),
        format("%s.%s.%s*", header, claims, signature),
        format("%s.%s.%s", not_json, claims, signature),     /* not JSON */
        format("%s.%s.%s", array_header, claims, signature), /* not an object */
        format("%s.%s.%s", duplicate, claims, signature),    /* duplicate alg */
        format("\"%s.%s.%s\"", header, claims, signature),   /* quoted */
        format("A%s.%s.%s", header, claims, signature),      /* one more character */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char what[16];
        snprintf(what, sizeof(what), "case %zu", i);
        expect_token(cases[i], CELLA_TOKEN_FORMAT, NULL, what);
        free(cases[i]);
    }

    /* A NUL inside: the size counts it. */
    cella_token_options_t options;
    default_options(&options);
    char *with_nul = format("%s.%s.%sX", header, claims, signature);
    with_nul[strlen(with_nul) - 1] = '\0';
    expect(set_main, with_nul, strlen(good) + 1, &options, CELLA_TOKEN_FORMAT, NULL, "a NUL");
    free(with_nul);
    /* The empty token. */
    expect(set_main, "", 0, &options, CELLA_TOKEN_FORMAT, NULL, "empty");
    expect(set_main, NULL, 0, &options, CELLA_TOKEN_FORMAT, NULL, "NULL, 0");

    free(duplicate);
    free(array_header);
    free(not_json);
    free(claims);
    free(header);
    free(good);
}

static void signed_claims_that_are_not_a_json_object_are_refused(void **state)
{
    (void)state;
    const char *bodies[] = {
        "[1,2,3]",
        "\"a string\"",
        "42",
        "{\"iss\":\"" ISSUER "\"",
        "{\"iss\":\"https://evil.cella.test\",\"iss\":\"" ISSUER "\",\"exp\":1900000000}",
        "{\"iss\":\"" ISSUER "\",\"exp\":1900000000}trailing",
        "",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        char *token = token_from_text("{\"alg\":\"RS256\",\"kid\":\"kid-a\"}", bodies[i], key_a);
        expect_token(token, CELLA_TOKEN_FORMAT, NULL, bodies[i]);
        free(token);
    }
}

static void a_huge_token_is_refused_before_anything_else(void **state)
{
    (void)state;
    size_t size = CELLA_TOKEN_MAX_BYTES + 1;
    char *huge = malloc(size + 1);
    assert_non_null(huge);
    memset(huge, 'A', size);
    huge[100] = '.';
    huge[200] = '.';
    huge[size] = '\0';
    cella_token_options_t options;
    cella_token_result_t result;
    default_options(&options);
    assert_int_equal(cella_token_verify(set_main, huge, size, &options, &result),
                     CELLA_ERR_VERIFY_FAILED);
    assert_int_equal(result.failure, CELLA_TOKEN_FORMAT);
    assert_non_null(strstr(result.reason, "bytes long"));
    cella_token_result_clear(&result);

    /* A real token with a claim that makes it too long. */
    json_t *claims = good_claims();
    memset(huge, 'x', size);
    assert_int_equal(json_object_set_new(claims, "padding", json_stringn(huge, size)), 0);
    char *token = token_from(good_header("kid-a"), claims, key_a);
    expect_token(token, CELLA_TOKEN_FORMAT, NULL, "a long claim");
    free(token);
    free(huge);
}

static void verify_checks_its_arguments(void **state)
{
    (void)state;
    char *token = good_token();
    size_t size = strlen(token);
    cella_token_options_t options;
    cella_token_result_t result;
    const char *statuses[] = {"UpToDate"};

    default_options(&options);
    assert_int_equal(cella_token_verify(set_main, token, size, &options, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    struct {
        const cella_token_keys_t *keys;
        const char *token;
        bool with_options;
        const char *issuer;
        int64_t skew;
        const char *mrenclave;
        const char *mrsigner;
        const char *const *statuses;
        size_t status_count;
        size_t advisory_count;
    } cases[] = {
        {NULL, token, true, ISSUER, 60, NULL, NULL, NULL, 0, 0},
        {set_main, NULL, true, ISSUER, 60, NULL, NULL, NULL, 0, 0},
        {set_main, token, false, ISSUER, 60, NULL, NULL, NULL, 0, 0},
        {set_main, token, true, NULL, 60, NULL, NULL, NULL, 0, 0},
        {set_main, token, true, "", 60, NULL, NULL, NULL, 0, 0},
        {set_main, token, true, ISSUER, -1, NULL, NULL, NULL, 0, 0},
        {set_main, token, true, ISSUER, 60, "a6b2", NULL, NULL, 0, 0},
        {set_main, token, true, ISSUER, 60, MRENCLAVE "0", NULL, NULL, 0, 0},
        {set_main, token, true, ISSUER, 60, NULL,
         "x3d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e", NULL, 0, 0},
        {set_main, token, true, ISSUER, 60, NULL, NULL, NULL, 1, 0},
        {set_main, token, true, ISSUER, 60, NULL, NULL, statuses, 1, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_token_options_init(&options, cases[i].issuer, NOW);
        options.clock_skew_seconds = cases[i].skew;
        options.mrenclave = cases[i].mrenclave;
        options.mrsigner = cases[i].mrsigner;
        options.allowed_tcb_statuses = cases[i].statuses;
        options.allowed_tcb_status_count = cases[i].status_count;
        options.allowed_advisory_id_count = cases[i].advisory_count;
        cella_result_t r = cella_token_verify(cases[i].keys, cases[i].token, size,
                                              cases[i].with_options ? &options : NULL, &result);
        if (r != CELLA_ERR_INVALID_ARGUMENT)
            fail_msg("case %zu: %s", i, cella_result_str(r));
        /* Never reads as verified. */
        assert_int_not_equal(result.failure, CELLA_TOKEN_OK);
        assert_null(result.claims);
        cella_token_result_clear(&result);
    }
    free(token);
}

static void every_failure_has_a_name(void **state)
{
    (void)state;
    const char *names[] = {"ok",
                           "format",
                           "algorithm",
                           "unknown-kid",
                           "key",
                           "signature",
                           "issuer",
                           "expired",
                           "not-yet-valid",
                           "issued-in-future",
                           "claim-mismatch",
                           "software-tee-refused"};
    for (int i = 0; i <= (int)CELLA_TOKEN_SOFTWARE_TEE_REFUSED; i++)
        assert_string_equal(cella_token_failure_str((cella_token_failure_t)i), names[i]);
}

/* ---- key sets ----------------------------------------------------------------------------- */

static void a_key_set_holds_x5c_and_n_e_keys_and_keeps_unusable_ones(void **state)
{
    (void)state;
    assert_int_equal(cella_token_keys_get_count(set_main), 4);
    assert_int_equal(cella_token_keys_get_count(set_single), 1);
    assert_int_equal(cella_token_keys_get_count(NULL), 0);

    /* x5c with n and e of the same key, a chain of two certificates, use and alg as they
     * should be, and members nothing reads. */
    char *json = format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"kid-a\", \"use\": \"sig\", "
                        "\"alg\": \"RS256\", \"x5c\": [\"%s\", \"%s\"], \"n\": \"%s\", "
                        "\"e\": \"%s\", \"x5t\": \"ignored\"}], \"other\": 1}",
                        x5c_a, x5c_b, n_a, e_a);
    cella_token_keys_t *keys = parse_keys(json);
    free(json);
    cella_token_options_t options;
    default_options(&options);
    char *token = good_token();
    expect(keys, token, strlen(token), &options, CELLA_TOKEN_OK, NULL, "x5c and n, e");
    cella_token_keys_destroy(keys);

    /* A key for encryption or another algorithm is there, but verifies nothing. */
    const char *members[] = {"\"use\": \"enc\"", "\"alg\": \"RS512\"", "\"alg\": \"none\""};
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        json = format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"kid-a\", %s, "
                      "\"x5c\": [\"%s\"]}]}",
                      members[i], x5c_a);
        keys = parse_keys(json);
        free(json);
        expect(keys, token, strlen(token), &options, CELLA_TOKEN_KEY, "kid", members[i]);
        cella_token_keys_destroy(keys);
    }
    /* Even and tiny exponents. */
    const char *exponents[] = {"Ag", "AQ", "AgAC", "AQAAAAAAAAAAAQ"};
    for (size_t i = 0; i < sizeof(exponents) / sizeof(exponents[0]); i++) {
        json = format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"kid-a\", \"n\": \"%s\", "
                      "\"e\": \"%s\"}]}",
                      n_a, exponents[i]);
        keys = parse_keys(json);
        free(json);
        expect(keys, token, strlen(token), &options, CELLA_TOKEN_KEY, "kid", exponents[i]);
        cella_token_keys_destroy(keys);
    }
    free(token);
    cella_token_keys_destroy(NULL);
}

static void a_key_set_that_does_not_parse_is_refused_with_a_reason(void **state)
{
    (void)state;
    char *long_kid = malloc(CELLA_TOKEN_KID_MAX_BYTES + 1);
    assert_non_null(long_kid);
    memset(long_kid, 'k', CELLA_TOKEN_KID_MAX_BYTES);
    long_kid[CELLA_TOKEN_KID_MAX_BYTES] = '\0';
    char *unpadded = strdup(x5c_a);
    assert_non_null(unpadded);
    char *pad = strchr(unpadded, '=');
    if (pad != NULL)
        *pad = '\0';
    char *url_alphabet = strdup(x5c_a);
    assert_non_null(url_alphabet);
    for (char *c = url_alphabet; *c != '\0'; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    bool has_url_characters = strcmp(url_alphabet, x5c_a) != 0;
    /* The DER of the certificate with a byte after it. */
    uint8_t der[4096];
    size_t der_size = sizeof(der);
    assert_int_equal(cella_encoding_base64_decode(x5c_a, strlen(x5c_a), CELLA_ENCODING_BASE64_PAD,
                                                  der, &der_size),
                     CELLA_OK);
    der[der_size++] = 0;
    char *trailing = encode(der, der_size, false);
    char *n_padded = format("%s=", n_a);
    char *n_leading_zero = NULL;
    {
        uint8_t n_bytes[1024];
        size_t n_size = sizeof(n_bytes) - 1;
        assert_int_equal(cella_encoding_base64url_decode(
                             n_a, strlen(n_a), CELLA_ENCODING_BASE64_NOPAD, n_bytes + 1, &n_size),
                         CELLA_OK);
        n_bytes[0] = 0;
        n_leading_zero = encode(n_bytes, n_size + 1, true);
    }

    struct {
        char *json;
        const char *logged;
    } cases[] = {
        {format("not json"), "not JSON"},
        {format("[]"), "\"keys\""},
        {format("{}"), "\"keys\""},
        {format("{\"keys\": {}}"), "\"keys\""},
        {format("{\"keys\": []}"), "\"keys\""},
        {format("{\"keys\": [], \"keys\": []}"), "not JSON"},
        {format("{\"keys\": [1]}"), "key 0 is not a JSON object"},
        {format("{\"keys\": [{}]}"), "kty is missing"},
        {format("{\"keys\": [{\"kty\": 1}]}"), "not a string"},
        {format("{\"keys\": [{\"kty\": \"RSA\"}]}"), "needs x5c, or n and e"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"k\"}]}"), "key 0 (kid \"k\")"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"\", \"x5c\": [\"%s\"]}]}", x5c_a),
         "kid is not a string"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": 5, \"x5c\": [\"%s\"]}]}", x5c_a),
         "kid is not a string"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"%s\", \"x5c\": [\"%s\"]}]}", long_kid,
                x5c_a),
         "kid is not a string of 1 to 255 bytes"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": []}]}"), "x5c is not an array"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": \"%s\"}]}", x5c_a), "x5c is not an array"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [1]}]}"), "x5c[0] is not a string"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\"]}]}", unpadded),
         "x5c[0] is not standard base64 with padding"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\"]}]}",
                has_url_characters ? url_alphabet : "AA-_"),
         "x5c[0] is not standard base64 with padding"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"AAAA\"]}]}"),
         "x5c[0] is not one DER certificate"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\"]}]}", trailing),
         "x5c[0] is not one DER certificate"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\", \"AAAA\"]}]}", x5c_a),
         "x5c[1] is not one DER certificate"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\", 1]}]}", x5c_a),
         "x5c[1] is not a string"},
        /* a bad later certificate is refused even where n and e could stand in for it */
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\", 1], \"n\": \"%s\", "
                "\"e\": \"%s\"}]}",
                x5c_a, n_c, e_c),
         "x5c[1] is not a string"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\"]}]}", x5c_ec),
         "x5c[0] has no RSA key"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"n\": \"%s\"}]}", n_a), "n and e go together"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"e\": \"AQAB\"}]}"), "n and e go together"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"n\": \"%s\", \"e\": \"AQAB\"}]}", n_padded),
         "n is not a base64url number"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"n\": \"%s\", \"e\": \"AQAB\"}]}", n_leading_zero),
         "n is not a base64url number"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"n\": \"%s\", \"e\": \"\"}]}", n_a),
         "e is not a base64url number"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"n\": \"%s\", \"e\": 65537}]}", n_a),
         "not a string"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"x5c\": [\"%s\"], \"n\": \"%s\", \"e\": "
                "\"%s\"}]}",
                x5c_a, n_c, e_c),
         "n and e are not the key of x5c[0]"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"same\", \"x5c\": [\"%s\"]}, "
                "{\"kty\": \"RSA\", \"kid\": \"same\", \"n\": \"%s\", \"e\": \"%s\"}]}",
                x5c_a, n_c, e_c),
         "key 1 (kid \"same\") has the kid of key 0"},
        {format("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"k\", \"kid\": \"l\", "
                "\"x5c\": [\"%s\"]}]}",
                x5c_a),
         "not JSON"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_token_keys_t *keys = NULL;
        log_text[0] = '\0';
        cella_result_t r = cella_token_keys_parse(cases[i].json, strlen(cases[i].json), &keys);
        if (r != CELLA_ERR_INVALID_FORMAT)
            fail_msg("case %zu (%s): %s", i, cases[i].logged, cella_result_str(r));
        assert_null(keys);
        assert_logged(cases[i].logged);
        free(cases[i].json);
    }

    /* Too many keys, and too many bytes. */
    size_t size = 16 + (CELLA_TOKEN_KEYS_MAX_COUNT + 1) * 16;
    char *many = malloc(size);
    assert_non_null(many);
    strcpy(many, "{\"keys\": [");
    for (int i = 0; i <= CELLA_TOKEN_KEYS_MAX_COUNT; i++)
        strcat(many, i == 0 ? "{\"kty\":\"EC\"}" : ",{\"kty\":\"EC\"}");
    strcat(many, "]}");
    cella_token_keys_t *keys = NULL;
    assert_int_equal(cella_token_keys_parse(many, strlen(many), &keys), CELLA_ERR_INVALID_FORMAT);
    free(many);
    char *big = malloc(CELLA_TOKEN_KEYS_MAX_BYTES + 1);
    assert_non_null(big);
    memset(big, ' ', CELLA_TOKEN_KEYS_MAX_BYTES + 1);
    const char *small_set = "{\"keys\": [{\"kty\":\"EC\"}]}";
    memcpy(big, small_set, strlen(small_set));
    log_text[0] = '\0';
    assert_int_equal(cella_token_keys_parse(big, CELLA_TOKEN_KEYS_MAX_BYTES + 1, &keys),
                     CELLA_ERR_INVALID_FORMAT);
    assert_logged("not 1 to 1048576");
    /* The same set, within the limit, parses. */
    assert_int_equal(cella_token_keys_parse(big, CELLA_TOKEN_KEYS_MAX_BYTES, &keys), CELLA_OK);
    assert_int_equal(cella_token_keys_get_count(keys), 1);
    cella_token_keys_destroy(keys);
    free(big);

    /* Arguments. */
    keys = NULL;
    assert_int_equal(cella_token_keys_parse(NULL, 5, &keys), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_token_keys_parse("{}", 2, NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_token_keys_parse(NULL, 0, &keys), CELLA_ERR_INVALID_FORMAT);
    assert_null(keys);

    free(n_leading_zero);
    free(n_padded);
    free(trailing);
    free(url_alphabet);
    free(unpadded);
    free(long_kid);
}

/* ---- fetching key sets ---------------------------------------------------------------------- */

/*
 * A small HTTP server on 127.0.0.1 over a folder: files as they are (a missing one is a 404),
 * /status/<N> answers status N, /redirect redirects to /certs. It writes its port to a file
 * once it listens and stops after a minute or on SIGTERM.
 */
static const char server_script[] =
    "import functools, http.server, os, signal, sys, threading\n"
    "class Handler(http.server.SimpleHTTPRequestHandler):\n"
    "    def log_message(self, *args):\n"
    "        pass\n"
    "    def do_GET(self):\n"
    "        if self.path.startswith('/status/'):\n"
    "            self.send_response(int(self.path[8:]))\n"
    "            self.send_header('Content-Length', '2')\n"
    "            self.end_headers()\n"
    "            self.wfile.write(b'no')\n"
    "        elif self.path == '/redirect':\n"
    "            self.send_response(302)\n"
    "            self.send_header('Location', '/certs')\n"
    "            self.send_header('Content-Length', '0')\n"
    "            self.end_headers()\n"
    "        else:\n"
    "            super().do_GET()\n"
    "class Server(http.server.ThreadingHTTPServer):\n"
    "    def handle_error(self, request, address):\n"
    "        pass  # a client that stops reading a body too large for it\n"
    "handler = functools.partial(Handler, directory=sys.argv[1])\n"
    "server = Server(('127.0.0.1', 0), handler)\n"
    "server.daemon_threads = True\n"
    "stop = lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()\n"
    "signal.signal(signal.SIGTERM, stop)\n"
    "timer = threading.Timer(60, stop)\n"
    "timer.daemon = True\n"
    "timer.start()\n"
    "with open(sys.argv[2] + '.tmp', 'w') as f:\n"
    "    f.write(str(server.server_address[1]))\n"
    "os.rename(sys.argv[2] + '.tmp', sys.argv[2])\n"
    "server.serve_forever()\n";

struct server {
    pid_t pid;
    char dir[64];
    char url[64];
};

static void write_file(const char *dir, const char *name, const char *data, size_t size)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(data, 1, size, file), size);
    assert_int_equal(fclose(file), 0);
}

/* False, with a "not run" line, when python3 is not there. */
static bool server_start(struct server *s)
{
    char port_file[128];
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "/tmp/cella-token-test-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(port_file, sizeof(port_file), "%s.port", s->dir);

    char *json = format("{\"keys\": [{\"x5c\": [\"%s\"], \"kid\": \"kid-a\", \"kty\": \"RSA\"}, "
                        "{\"kty\": \"RSA\", \"kid\": \"kid-c\", \"n\": \"%s\", \"e\": \"%s\"}]}",
                        x5c_a, n_c, e_c);
    write_file(s->dir, "certs", json, strlen(json));
    free(json);
    write_file(s->dir, "not-json", "<html>hello</html>", 18);
    write_file(s->dir, "not-a-key-set", "{\"keys\": []}", 12);
    char *big = malloc(CELLA_TOKEN_KEYS_MAX_BYTES + 100);
    assert_non_null(big);
    memset(big, ' ', CELLA_TOKEN_KEYS_MAX_BYTES + 100);
    write_file(s->dir, "too-big", big, CELLA_TOKEN_KEYS_MAX_BYTES + 100);
    free(big);

    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        execlp("python3", "python3", "-c", server_script, s->dir, port_file, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 400; i++) {
        FILE *file = fopen(port_file, "r");
        int port = 0;
        if (file != NULL) {
            int scanned = fscanf(file, "%d", &port);
            fclose(file);
            if (scanned == 1) {
                (void)remove(port_file);
                snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", port);
                return true;
            }
        }
        int status = 0;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
                printf("not run: python3 is absent\n");
                return false;
            }
            fail_msg("the test HTTP server stopped at once (status %d)", status);
        }
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    fail_msg("the test HTTP server did not start in 20 s");
    return false;
}

static void server_stop(struct server *s)
{
    const char *names[] = {"certs", "not-json", "not-a-key-set", "too-big"};
    if (s->pid > 0) {
        int status = 0;
        kill(s->pid, SIGTERM);
        assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", s->dir, names[i]);
        (void)remove(path);
    }
    (void)rmdir(s->dir);
}

static void a_key_set_is_fetched_over_http_and_fetch_failures_are_clean(void **state)
{
    (void)state;
    struct server server;
    if (!server_start(&server)) {
        server_stop(&server);
        return;
    }
    char url[128];
    cella_token_keys_t *keys = NULL;

    snprintf(url, sizeof(url), "%s/certs", server.url);
    assert_int_equal(cella_token_keys_fetch(url, &keys), CELLA_OK);
    assert_int_equal(cella_token_keys_get_count(keys), 2);
    char *token = good_token();
    cella_token_options_t options;
    default_options(&options);
    expect(keys, token, strlen(token), &options, CELLA_TOKEN_OK, NULL, "fetched keys");
    free(token);
    cella_token_keys_destroy(keys);

    static const struct {
        const char *path;
        cella_result_t expected;
        const char *logged;
    } cases[] = {
        {"/missing", CELLA_ERR_NOT_FOUND, "HTTP status 404"},
        {"/not-json", CELLA_ERR_INVALID_FORMAT, "the response is not a JWK Set"},
        {"/not-a-key-set", CELLA_ERR_INVALID_FORMAT, "\"keys\": an array"},
        {"/status/500", CELLA_ERR_IO, "HTTP status 500"},
        {"/status/503", CELLA_ERR_IO, "HTTP status 503"},
        {"/redirect", CELLA_ERR_IO, "HTTP status 302"},
        {"/too-big", CELLA_ERR_IO, "larger than 1048576 bytes"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        keys = NULL;
        log_text[0] = '\0';
        snprintf(url, sizeof(url), "%s%s", server.url, cases[i].path);
        cella_result_t r = cella_token_keys_fetch(url, &keys);
        if (r != cases[i].expected)
            fail_msg("GET %s: %s, expected %s", cases[i].path, cella_result_str(r),
                     cella_result_str(cases[i].expected));
        assert_null(keys);
        assert_logged(cases[i].logged);
        assert_logged(cases[i].path);
    }
    server_stop(&server);

    /* Nobody listens there any more. */
    log_text[0] = '\0';
    assert_int_equal(cella_token_keys_fetch(url, &keys), CELLA_ERR_IO);
    assert_logged(url);
}

static void only_http_and_https_urls_are_fetched(void **state)
{
    (void)state;
    const char *urls[] = {"ftp://127.0.0.1/certs",
                          "file:///etc/passwd",
                          "http://",
                          "https:///x",
                          "127.0.0.1/certs",
                          "http://a b/certs",
                          "gopher://x/",
                          "http://\x01/certs",
                          "https://user:secret@attest.cella.test/certs",
                          "https://user@attest.cella.test/certs",
                          ""};
    cella_token_keys_t *keys = NULL;
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        if (cella_token_keys_fetch(urls[i], &keys) != CELLA_ERR_INVALID_ARGUMENT)
            fail_msg("URL %zu was accepted", i);
        assert_null(keys);
    }
    assert_int_equal(cella_token_keys_fetch(NULL, &keys), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_token_keys_fetch("https://attest.cella.test/certs", NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_good_token_verifies_under_every_requirement_and_its_claims_can_be_read),
        cmocka_unit_test(a_token_signed_by_a_key_given_as_n_and_e_verifies),
        cmocka_unit_test(a_token_without_kid_verifies_only_with_a_set_of_one_key),
        cmocka_unit_test(a_token_without_typ_or_jku_verifies),
        cmocka_unit_test(a_token_of_another_issuer_is_refused),
        cmocka_unit_test(a_token_whose_jku_points_elsewhere_is_refused),
        cmocka_unit_test(time_claims_are_checked_with_the_clock_skew),
        cmocka_unit_test(the_verification_time_is_the_callers),
        cmocka_unit_test(alg_none_is_refused_with_or_without_a_signature),
        cmocka_unit_test(hs256_with_the_public_key_as_secret_is_refused),
        cmocka_unit_test(every_algorithm_but_rs256_is_refused),
        cmocka_unit_test(a_kid_no_key_has_is_refused_without_trying_the_other_keys),
        cmocka_unit_test(a_kid_that_matches_a_key_of_another_set_fails_the_signature),
        cmocka_unit_test(a_kid_of_an_unusable_key_is_refused_as_a_key_failure),
        cmocka_unit_test(a_flipped_byte_in_any_part_fails_the_signature),
        cmocka_unit_test(no_single_character_change_of_a_token_verifies),
        cmocka_unit_test(a_signature_of_the_wrong_length_or_missing_is_refused),
        cmocka_unit_test(a_typ_other_than_jwt_or_a_crit_member_is_refused),
        cmocka_unit_test(keys_in_the_tokens_own_header_are_never_used),
        cmocka_unit_test(each_required_claim_is_checked),
        cmocka_unit_test(a_software_tee_token_says_so_when_accepted),
        cmocka_unit_test(a_malformed_jws_is_refused_as_format),
        cmocka_unit_test(signed_claims_that_are_not_a_json_object_are_refused),
        cmocka_unit_test(a_huge_token_is_refused_before_anything_else),
        cmocka_unit_test(verify_checks_its_arguments),
        cmocka_unit_test(every_failure_has_a_name),
        cmocka_unit_test(a_key_set_holds_x5c_and_n_e_keys_and_keeps_unusable_ones),
        cmocka_unit_test(a_key_set_that_does_not_parse_is_refused_with_a_reason),
        cmocka_unit_test(a_key_set_is_fetched_over_http_and_fetch_failures_are_clean),
        cmocka_unit_test(only_http_and_https_urls_are_fetched),
    };
    /* The server is on this machine: no proxy may stand in between. */
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    cella_log_set_level(CELLA_LOG_DEBUG);
    cella_log_set_handler(capture, NULL);
    return cmocka_run_group_tests(tests, setup, teardown);
}
