/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_token: JWK Set parsing and attestation-token verification against a fixed key set. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cella/encoding.h>
#include <cella/log.h>
#include <cella/token.h>

#include "fuzz.h"

/*
 * The first byte of an input chooses what the rest is (its value modulo 3, so the ASCII
 * digits '0', '1', '2' name the modes in the corpus):
 *   0  a JWK Set, for cella_token_keys_parse();
 *   1  a token, verified against the fixed key set (made at start-up: an RSA key as x5c, one
 *      as n and e, an EC key); no input can carry a valid signature, so every one must be
 *      refused;
 *   2  a byte that switches the requirements on and off (one bit each, see fuzz_signed()),
 *      then "header\nclaims" (or only claims, under a good header), which this target signs
 *      with the x5c key, so that the checks after the signature run on fuzzed JSON; what
 *      verifies must meet every requirement the options made.
 */

int LLVMFuzzerInitialize(int *argc, char ***argv);
#define ISSUER         "https://fuzz.cella.test"
#define NOW            INT64_C(1735689600)
#define SKEW           60
#define MRENCLAVE      "a6b2098e5eea143d5ce22975aa9f4f36da9cd39bbd6664264fa522679da9eca0"
#define MIN_SVN        2
#define PRODUCT        7
#define NONCE          "n-42"
#define DEFAULT_HEADER "{\"alg\":\"RS256\",\"kid\":\"fuzz-x5c\",\"typ\":\"JWT\"}"

static EVP_PKEY *signing_key;
static cella_token_keys_t *fixed_keys;

static char *base64(const void *data, size_t size, bool url)
{
    size_t text_size = 0;
    cella_encoding_base64_padding_t padding =
        url ? CELLA_ENCODING_BASE64_NOPAD : CELLA_ENCODING_BASE64_PAD;
    REQUIRE(cella_encoding_base64_encoded_size(size, padding, &text_size) == CELLA_OK);
    char *text = malloc(text_size + 1);
    REQUIRE(text != NULL);
    size_t capacity = text_size + 1;
    REQUIRE((url ? cella_encoding_base64url_encode(data, size, padding, text, &capacity)
                 : cella_encoding_base64_encode(data, size, padding, text, &capacity)) == CELLA_OK);
    return text;
}

static char *certificate_base64(EVP_PKEY *key)
{
    X509 *certificate = X509_new();
    REQUIRE(certificate != NULL);
    REQUIRE(X509_set_version(certificate, 2) == 1);
    REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1) == 1);
    REQUIRE(X509_gmtime_adj(X509_getm_notBefore(certificate), 0) != NULL);
    REQUIRE(X509_gmtime_adj(X509_getm_notAfter(certificate), 86400L) != NULL);
    REQUIRE(X509_set_pubkey(certificate, key) == 1);
    X509_NAME *name = X509_get_subject_name(certificate);
    REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       (const unsigned char *)"fuzz.cella.test", -1, -1, 0) == 1);
    REQUIRE(X509_set_issuer_name(certificate, name) == 1);
    REQUIRE(X509_sign(certificate, key, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int der_size = i2d_X509(certificate, &der);
    REQUIRE(der_size > 0);
    char *text = base64(der, (size_t)der_size, false);
    OPENSSL_free(der);
    X509_free(certificate);
    return text;
}

static char *rsa_parameter(EVP_PKEY *key, const char *parameter)
{
    BIGNUM *number = NULL;
    REQUIRE(EVP_PKEY_get_bn_param(key, parameter, &number) == 1);
    size_t size = (size_t)BN_num_bytes(number);
    unsigned char *bytes = malloc(size);
    REQUIRE(bytes != NULL);
    REQUIRE(BN_bn2bin(number, bytes) == (int)size);
    char *text = base64(bytes, size, true);
    free(bytes);
    BN_free(number);
    return text;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cella_log_set_handler(NULL, NULL);
    signing_key = EVP_RSA_gen(2048);
    EVP_PKEY *other_key = EVP_RSA_gen(2048);
    REQUIRE(signing_key != NULL && other_key != NULL);
    char *x5c = certificate_base64(signing_key);
    char *n = rsa_parameter(other_key, OSSL_PKEY_PARAM_RSA_N);
    char *e = rsa_parameter(other_key, OSSL_PKEY_PARAM_RSA_E);
    char json[4096];
    int length = snprintf(json, sizeof(json),
                          "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"fuzz-x5c\",\"x5c\":[\"%s\"]},"
                          "{\"kty\":\"RSA\",\"kid\":\"fuzz-ne\",\"n\":\"%s\",\"e\":\"%s\"},"
                          "{\"kty\":\"EC\",\"kid\":\"fuzz-ec\",\"crv\":\"P-256\"}]}",
                          x5c, n, e);
    REQUIRE(length > 0 && (size_t)length < sizeof(json));
    REQUIRE(cella_token_keys_parse(json, (size_t)length, &fixed_keys) == CELLA_OK);
    REQUIRE(cella_token_keys_get_count(fixed_keys) == 3);
    free(x5c);
    free(n);
    free(e);
    EVP_PKEY_free(other_key);
    return 0;
}

/* What every verdict must look like. */
static void check_verdict(cella_result_t r, const cella_token_result_t *result)
{
    REQUIRE(r == CELLA_OK || r == CELLA_ERR_VERIFY_FAILED);
    REQUIRE((r == CELLA_OK) == (result->failure == CELLA_TOKEN_OK));
    REQUIRE((r == CELLA_OK) == (result->claims != NULL));
    REQUIRE((r == CELLA_OK) == (result->reason[0] == '\0'));
    REQUIRE(memchr(result->reason, '\0', sizeof(result->reason)) != NULL);
    REQUIRE(memchr(result->claim, '\0', sizeof(result->claim)) != NULL);
    REQUIRE(memchr(result->kid, '\0', sizeof(result->kid)) != NULL);
}

static void fuzz_keys(const char *json, size_t size)
{
    cella_token_keys_t *keys = NULL;
    if (cella_token_keys_parse(json, size, &keys) != CELLA_OK) {
        REQUIRE(keys == NULL);
        return;
    }
    size_t count = cella_token_keys_get_count(keys);
    REQUIRE(count >= 1 && count <= CELLA_TOKEN_KEYS_MAX_COUNT);
    cella_token_keys_destroy(keys);
}

static void fuzz_forged(const char *token, size_t size)
{
    cella_token_options_t options;
    cella_token_result_t result;
    cella_token_options_init(&options, ISSUER, NOW);
    options.require_not_debuggable = false;
    cella_result_t r = cella_token_verify(fixed_keys, token, size, &options, &result);
    check_verdict(r, &result);
    /* Nobody but the holder of the private key makes a token that verifies. */
    REQUIRE(r == CELLA_ERR_VERIFY_FAILED);
    cella_token_result_clear(&result);
}

/* header "." claims "." RS256 signature with the fixed x5c key. */
static char *sign(const char *header, size_t header_size, const char *claims, size_t claims_size)
{
    char *header_text = base64(header, header_size, true);
    char *claims_text = base64(claims, claims_size, true);
    size_t signed_size = strlen(header_text) + 1 + strlen(claims_text);
    char *token = malloc(signed_size + 1 + 2048);
    REQUIRE(token != NULL);
    snprintf(token, signed_size + 1, "%s.%s", header_text, claims_text);
    free(header_text);
    free(claims_text);

    EVP_MD_CTX *context = EVP_MD_CTX_new();
    unsigned char signature[512];
    size_t signature_size = sizeof(signature);
    REQUIRE(context != NULL);
    REQUIRE(EVP_DigestSignInit_ex(context, NULL, "SHA256", NULL, NULL, signing_key, NULL) == 1);
    REQUIRE(EVP_DigestSign(context, signature, &signature_size, (const unsigned char *)token,
                           signed_size) == 1);
    EVP_MD_CTX_free(context);
    char *signature_text = base64(signature, signature_size, true);
    token[signed_size] = '.';
    memcpy(token + signed_size + 1, signature_text, strlen(signature_text) + 1);
    free(signature_text);
    return token;
}

static bool claim_string_is(const cella_token_claims_t *claims, const char *name,
                            const char *expected, bool any_case)
{
    const char *value = NULL;
    if (cella_token_claims_get_string(claims, name, &value) != CELLA_OK)
        return false;
    return any_case ? strcasecmp(value, expected) == 0 : strcmp(value, expected) == 0;
}

static void fuzz_signed(unsigned flags, const char *text, size_t size)
{
    const char *newline = memchr(text, '\n', size);
    const char *header = DEFAULT_HEADER;
    size_t header_size = strlen(DEFAULT_HEADER);
    const char *claims_json = text;
    size_t claims_json_size = size;
    if (newline != NULL) {
        header = text;
        header_size = (size_t)(newline - text);
        claims_json = newline + 1;
        claims_json_size = size - header_size - 1;
    }
    char *token = sign(header, header_size, claims_json, claims_json_size);

    static const char *const statuses[] = {"UpToDate"};
    static const char *const advisories[] = {"INTEL-SA-00334"};
    cella_token_options_t options;
    cella_token_result_t result;
    cella_token_options_init(&options, ISSUER, NOW);
    options.clock_skew_seconds = SKEW;
    options.mrenclave = (flags & 1) != 0 ? MRENCLAVE : NULL;
    options.check_min_svn = (flags & 2) != 0;
    options.min_svn = MIN_SVN;
    options.check_product_id = (flags & 4) != 0;
    options.product_id = PRODUCT;
    options.allowed_tcb_statuses = statuses;
    options.allowed_tcb_status_count = (flags & 8) != 0 ? 1 : 0;
    options.require_hardware = (flags & 16) != 0;
    options.nonce = (flags & 32) != 0 ? NONCE : NULL;
    options.require_not_debuggable = (flags & 64) == 0;
    options.allowed_advisory_ids = advisories;
    options.allowed_advisory_id_count = (flags & 128) != 0 ? 1 : 0;

    cella_result_t r = cella_token_verify(fixed_keys, token, strlen(token), &options, &result);
    check_verdict(r, &result);
    if (r == CELLA_OK) {
        /* What verified meets every requirement, read back through the accessors. */
        const cella_token_claims_t *claims = result.claims;
        size_t json_size = 0;
        const char *json = cella_token_claims_get_json(claims, &json_size);
        REQUIRE(json != NULL && strlen(json) == json_size && json_size == claims_json_size);
        REQUIRE(memcmp(json, claims_json, json_size) == 0);
        REQUIRE(claim_string_is(claims, "iss", ISSUER, false));
        int64_t number = 0;
        REQUIRE(cella_token_claims_get_integer(claims, "exp", &number) == CELLA_OK);
        REQUIRE(number > NOW - SKEW);
        if (cella_token_claims_get_integer(claims, "nbf", &number) != CELLA_ERR_NOT_FOUND)
            REQUIRE(cella_token_claims_get_integer(claims, "nbf", &number) == CELLA_OK &&
                    number <= NOW + SKEW);
        if (cella_token_claims_get_integer(claims, "iat", &number) != CELLA_ERR_NOT_FOUND)
            REQUIRE(cella_token_claims_get_integer(claims, "iat", &number) == CELLA_OK &&
                    number <= NOW + SKEW);
        if (options.mrenclave != NULL)
            REQUIRE(claim_string_is(claims, CELLA_TOKEN_CLAIM_MRENCLAVE, MRENCLAVE, true));
        if (options.check_min_svn)
            REQUIRE(cella_token_claims_get_integer(claims, CELLA_TOKEN_CLAIM_SVN, &number) ==
                        CELLA_OK &&
                    number >= MIN_SVN);
        if (options.check_product_id)
            REQUIRE(cella_token_claims_get_integer(claims, CELLA_TOKEN_CLAIM_PRODUCT_ID, &number) ==
                        CELLA_OK &&
                    number == PRODUCT);
        if (options.allowed_tcb_status_count > 0)
            REQUIRE(claim_string_is(claims, CELLA_TOKEN_CLAIM_TCB_STATUS, "UpToDate", false));
        bool flag = false;
        cella_result_t software =
            cella_token_claims_get_bool(claims, CELLA_TOKEN_CLAIM_SOFTWARE_TEE, &flag);
        REQUIRE(software == CELLA_ERR_NOT_FOUND || software == CELLA_OK);
        REQUIRE(result.software_tee == (software == CELLA_OK && flag));
        if (options.require_hardware)
            REQUIRE(!result.software_tee);
        if (options.nonce != NULL)
            REQUIRE(claim_string_is(claims, "nonce", NONCE, false));
        if (options.require_not_debuggable)
            REQUIRE(cella_token_claims_get_bool(claims, CELLA_TOKEN_CLAIM_IS_DEBUGGABLE, &flag) ==
                        CELLA_OK &&
                    !flag);
        if (options.allowed_advisory_id_count > 0) {
            const char *id = NULL;
            for (size_t i = 0; cella_token_claims_get_string_item(
                                   claims, CELLA_TOKEN_CLAIM_ADVISORY_IDS, i, &id) == CELLA_OK;
                 i++)
                REQUIRE(strcmp(id, "INTEL-SA-00334") == 0);
        }
    }
    cella_token_result_clear(&result);
    free(token);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    if (input_size == 0)
        return 0;
    const char *text = (const char *)input + 1;
    size_t size = input_size - 1;
    switch (input[0] % 3) {
    case 0:
        fuzz_keys(text, size);
        break;
    case 1:
        fuzz_forged(text, size);
        break;
    default:
        /* Keep signing cheap: claims beyond a few KiB add nothing the parser has not seen. */
        if (size >= 1 && size <= 16384)
            fuzz_signed(input[1], text + 1, size - 1);
        break;
    }
    return 0;
}
