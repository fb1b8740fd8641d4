/* SPDX-License-Identifier: Apache-2.0 */
/* verify/token.c: the relying party's side of attestation tokens: JWK Sets and RS256 JWTs. */
#define _GNU_SOURCE
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cella/encoding.h>
#include <cella/token.h>

#include "../common/log_internal.h"
#include "http.h"

/*
 * Everything here is untrusted input until proven otherwise: the key set is trusted only as a
 * whole, by where the caller got it, and a token only once its signature verifies with the
 * one key its "kid" selects. The checks follow RFC 7515 (JWS), RFC 7519 (JWT), RFC 7517/7518
 * (JWK) and what relying parties of Microsoft Azure Attestation check (maa-api.md §11): the
 * algorithm is fixed to RS256 by the relying party, never chosen by the token, so "none" and
 * HMAC with the public key as secret cannot get through; keys come from the caller's set,
 * never from the token's own header; the claims are parsed only after the signature verified.
 */

#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

#define MAX_KEY_BITS          16384 /* OpenSSL's own limit for RSA public-key operations */
#define MAX_EXPONENT_BITS     64
#define X5C_MAX_COUNT         16
#define UNUSABLE_MAX_BYTES    128
#define SHOWN_VALUE_MAX_BYTES 80 /* of a token's string in a reason */
#define HEX_IDENTITY_BYTES    64 /* MRENCLAVE and MRSIGNER in hex */

struct token_key {
    bool has_kid;
    char kid[CELLA_TOKEN_KID_MAX_BYTES];
    size_t kid_size;
    EVP_PKEY *key;                     /* NULL when the key cannot verify tokens */
    char unusable[UNUSABLE_MAX_BYTES]; /* why, when key is NULL */
};

struct cella_token_keys {
    size_t count;
    struct token_key keys[];
};

struct cella_token_claims {
    char *json; /* the decoded claims part, NUL-terminated */
    size_t json_size;
    json_t *root;
};

/* ---- small helpers ------------------------------------------------------------------------- */

/* A copy of size bytes of text that is safe to show in one line: non-printable bytes become
 * '?', and a long text is cut and ends in "...". */
static void shown(char *out, size_t out_size, const char *text, size_t size)
{
    size_t n = 0;
    size_t limit = out_size - 1;
    bool cut = size > limit || size > SHOWN_VALUE_MAX_BYTES;

    if (cut)
        limit = (limit < SHOWN_VALUE_MAX_BYTES ? limit : SHOWN_VALUE_MAX_BYTES) - 3;
    for (size_t i = 0; i < size && n < limit; i++) {
        unsigned char c = (unsigned char)text[i];
        out[n++] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
    }
    if (cut) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* A time for a reason: "2024-01-01T00:00:00Z", or the number when it has no calendar date. */
static void time_text(int64_t seconds, char *text, size_t text_size)
{
    struct tm tm;
    time_t when = (time_t)seconds;

    if ((int64_t)when != seconds || gmtime_r(&when, &tm) == NULL ||
        strftime(text, text_size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(text, text_size, "%" PRId64, seconds);
}

static bool is_printable(const char *text, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
            return false;
    }
    return true;
}

static bool is_hex_text(const char *text, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (!isxdigit((unsigned char)text[i]))
            return false;
    }
    return true;
}

/*
 * Decodes base64url without padding (url) or standard base64 with padding into a new buffer,
 * NUL-terminated for JSON parsing. Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT;
 * CELLA_ERR_OUT_OF_MEMORY.
 */
static cella_result_t decode_base64(const char *text, size_t size, bool url, uint8_t **out,
                                    size_t *out_size)
{
    size_t capacity = cella_encoding_base64_decoded_max_size(size);
    uint8_t *bytes = malloc(capacity + 1);
    size_t decoded_size = capacity;
    cella_result_t r;

    *out = NULL;
    *out_size = 0;
    if (bytes == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    r = url ? cella_encoding_base64url_decode(text, size, CELLA_ENCODING_BASE64_NOPAD, bytes,
                                              &decoded_size)
            : cella_encoding_base64_decode(text, size, CELLA_ENCODING_BASE64_PAD, bytes,
                                           &decoded_size);
    if (r != CELLA_OK) {
        free(bytes);
        return CELLA_ERR_INVALID_FORMAT;
    }
    bytes[decoded_size] = 0;
    *out = bytes;
    *out_size = decoded_size;
    return CELLA_OK;
}

/* ---- key sets ------------------------------------------------------------------------------ */

static void key_set_unusable(struct token_key *key, const char *format, ...) CELLA_PRINTF(2, 3);

static void key_set_unusable(struct token_key *key, const char *format, ...)
{
    va_list arguments;

    EVP_PKEY_free(key->key);
    key->key = NULL;
    va_start(arguments, format);
    vsnprintf(key->unusable, sizeof(key->unusable), format, arguments);
    va_end(arguments);
}

/* How a key set's key is named in the log: "key 2 (kid \"abc\")" or "key 2". */
static void key_name(const struct token_key *key, size_t index, char *name, size_t name_size)
{
    char kid[SHOWN_VALUE_MAX_BYTES + 4];

    if (key->has_kid) {
        shown(kid, sizeof(kid), key->kid, key->kid_size);
        snprintf(name, name_size, "key %zu (kid \"%s\")", index, kid);
    } else {
        snprintf(name, name_size, "key %zu", index);
    }
}

/*
 * Whether an RSA key can verify RS256 tokens: NULL when it can, else why not. RFC 7518 §3.3
 * asks for 2048 bits at least; an even exponent, or 1, makes no RSA key at all (with e = 1
 * every "signature" is its own message).
 */
static const char *rsa_key_problem(EVP_PKEY *key, char *text, size_t text_size)
{
    BIGNUM *exponent = NULL;
    int bits = EVP_PKEY_get_bits(key);
    const char *problem = NULL;

    if (bits < CELLA_TOKEN_MIN_KEY_BITS) {
        snprintf(text, text_size, "a %d-bit RSA key (at least %d bits are required)", bits,
                 CELLA_TOKEN_MIN_KEY_BITS);
        return text;
    }
    if (bits > MAX_KEY_BITS) {
        snprintf(text, text_size, "a %d-bit RSA key (at most %d bits are supported)", bits,
                 MAX_KEY_BITS);
        return text;
    }
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &exponent) != 1) {
        snprintf(text, text_size, "an RSA key whose exponent cannot be read");
        return text;
    }
    if (!BN_is_odd(exponent) || BN_num_bits(exponent) < 2 ||
        BN_num_bits(exponent) > MAX_EXPONENT_BITS) {
        snprintf(text, text_size, "an RSA key with the exponent %s (odd, 3 to 2^64 is required)",
                 BN_num_bits(exponent) <= 64 ? "that is even, 1 or 0" : "over 64 bits");
        problem = text;
    }
    BN_free(exponent);
    return problem;
}

/* A member that must be a string when present. Returns NULL when absent; sets *bad when it
 * is there but not a string. */
static const json_t *optional_string(const json_t *object, const char *name, bool *bad)
{
    const json_t *value = json_object_get(object, name);
    if (value != NULL && !json_is_string(value))
        *bad = true;
    return value;
}

/* The RSA public key of x5c (an array of standard base64 DER certificates): the first one's. */
static cella_result_t parse_x5c(const json_t *x5c, const char *name, EVP_PKEY **out)
{
    X509 *first = NULL;
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;
    size_t count = json_array_size(x5c);

    *out = NULL;
    if (!json_is_array(x5c) || count == 0 || count > X5C_MAX_COUNT) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: x5c is not an array of 1 to %d certificates", name,
                  X5C_MAX_COUNT);
        return CELLA_ERR_INVALID_FORMAT;
    }
    for (size_t i = 0; i < count; i++) {
        const json_t *item = json_array_get(x5c, i);
        uint8_t *der = NULL;
        size_t der_size = 0;
        if (!json_is_string(item)) {
            cella_log(CELLA_LOG_ERROR, "key set: %s: x5c[%zu] is not a string", name, i);
            r = CELLA_ERR_INVALID_FORMAT;
            goto out;
        }
        /* RFC 7517 §4.7: standard base64 (not base64url) of the DER, padded. */
        r = decode_base64(json_string_value(item), json_string_length(item), false, &der,
                          &der_size);
        if (r == CELLA_ERR_OUT_OF_MEMORY)
            goto out;
        if (r != CELLA_OK || der_size == 0 || der_size > LONG_MAX) {
            cella_log(CELLA_LOG_ERROR, "key set: %s: x5c[%zu] is not standard base64 with padding",
                      name, i);
            free(der);
            r = CELLA_ERR_INVALID_FORMAT;
            goto out;
        }
        const unsigned char *cursor = der;
        X509 *certificate = d2i_X509(NULL, &cursor, (long)der_size);
        bool whole = certificate != NULL && cursor == der + der_size;
        free(der);
        if (!whole) {
            cella_log(CELLA_LOG_ERROR, "key set: %s: x5c[%zu] is not one DER certificate", name, i);
            X509_free(certificate);
            r = CELLA_ERR_INVALID_FORMAT;
            goto out;
        }
        if (i == 0)
            first = certificate;
        else
            X509_free(certificate);
    }
    EVP_PKEY *key = X509_get_pubkey(first);
    if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: the certificate x5c[0] has no RSA key", name);
        EVP_PKEY_free(key);
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    *out = key;
    r = CELLA_OK;
out:
    X509_free(first);
    return r;
}

/* One Base64urlUInt member (RFC 7518 §2): base64url without padding, no leading zero byte. */
static cella_result_t parse_uint(const json_t *value, const char *member, const char *name,
                                 uint8_t **bytes, size_t *size)
{
    cella_result_t r =
        decode_base64(json_string_value(value), json_string_length(value), true, bytes, size);
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        return r;
    if (r != CELLA_OK || *size == 0 || (*bytes)[0] == 0) {
        cella_log(CELLA_LOG_ERROR,
                  "key set: %s: %s is not a base64url number (no padding, no leading zero byte)",
                  name, member);
        free(*bytes);
        *bytes = NULL;
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

/* The RSA public key of n and e. A key too large to use is left NULL with a reason. */
static cella_result_t parse_n_e(const json_t *n_member, const json_t *e_member, const char *name,
                                struct token_key *key, EVP_PKEY **out)
{
    uint8_t *n_bytes = NULL;
    uint8_t *e_bytes = NULL;
    size_t n_size = 0;
    size_t e_size = 0;
    BIGNUM *n = NULL;
    BIGNUM *e = NULL;
    OSSL_PARAM_BLD *builder = NULL;
    OSSL_PARAM *parameters = NULL;
    EVP_PKEY_CTX *context = NULL;
    cella_result_t r;

    *out = NULL;
    CHECK(parse_uint(n_member, "n", name, &n_bytes, &n_size));
    CHECK(parse_uint(e_member, "e", name, &e_bytes, &e_size));
    if (n_size > MAX_KEY_BITS / 8 || e_size > MAX_EXPONENT_BITS / 8) {
        /* Kept, unusable: building such numbers into a key only costs time. */
        key_set_unusable(key, "an RSA key with a %zu-byte modulus and a %zu-byte exponent", n_size,
                         e_size);
        r = CELLA_OK;
        goto out;
    }
    r = CELLA_ERR_OUT_OF_MEMORY;
    n = BN_bin2bn(n_bytes, (int)n_size, NULL);
    e = BN_bin2bn(e_bytes, (int)e_size, NULL);
    builder = OSSL_PARAM_BLD_new();
    if (n == NULL || e == NULL || builder == NULL ||
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e) != 1)
        goto out;
    parameters = OSSL_PARAM_BLD_to_param(builder);
    context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (parameters == NULL || context == NULL)
        goto out;
    if (EVP_PKEY_fromdata_init(context) != 1 ||
        EVP_PKEY_fromdata(context, out, EVP_PKEY_PUBLIC_KEY, parameters) != 1) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: n and e make no RSA key", name);
        *out = NULL;
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    r = CELLA_OK;
out:
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(parameters);
    OSSL_PARAM_BLD_free(builder);
    BN_free(n);
    BN_free(e);
    free(n_bytes);
    free(e_bytes);
    return r;
}

/* One member of "keys" into key (zeroed by the caller). */
static cella_result_t parse_key(const json_t *object, size_t index, struct token_key *key)
{
    char name[SHOWN_VALUE_MAX_BYTES + 32];
    EVP_PKEY *x5c_key = NULL;
    EVP_PKEY *n_e_key = NULL;
    bool bad = false;
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;

    snprintf(name, sizeof(name), "key %zu", index);
    if (!json_is_object(object)) {
        cella_log(CELLA_LOG_ERROR, "key set: %s is not a JSON object", name);
        return CELLA_ERR_INVALID_FORMAT;
    }
    const json_t *kid = optional_string(object, "kid", &bad);
    if (bad || (kid != NULL && (json_string_length(kid) == 0 ||
                                json_string_length(kid) >= CELLA_TOKEN_KID_MAX_BYTES))) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: kid is not a string of 1 to %d bytes", name,
                  CELLA_TOKEN_KID_MAX_BYTES - 1);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (kid != NULL) {
        key->has_kid = true;
        key->kid_size = json_string_length(kid);
        memcpy(key->kid, json_string_value(kid), key->kid_size);
        key_name(key, index, name, sizeof(name));
    }
    const json_t *kty = optional_string(object, "kty", &bad);
    const json_t *use = optional_string(object, "use", &bad);
    const json_t *alg = optional_string(object, "alg", &bad);
    const json_t *n = optional_string(object, "n", &bad);
    const json_t *e = optional_string(object, "e", &bad);
    if (bad || kty == NULL) {
        cella_log(CELLA_LOG_ERROR,
                  "key set: %s: kty is missing, or kty, use, alg, n or e is not a string", name);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (strcmp(json_string_value(kty), "RSA") != 0) {
        char type[SHOWN_VALUE_MAX_BYTES + 4];
        shown(type, sizeof(type), json_string_value(kty), json_string_length(kty));
        key_set_unusable(key, "a key of type \"%s\", not RSA", type);
        return CELLA_OK;
    }
    const json_t *x5c = json_object_get(object, "x5c");
    if ((n == NULL) != (e == NULL)) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: n and e go together", name);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (x5c == NULL && n == NULL) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: an RSA key needs x5c, or n and e", name);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (x5c != NULL)
        CHECK(parse_x5c(x5c, name, &x5c_key));
    if (n != NULL)
        CHECK(parse_n_e(n, e, name, key, &n_e_key));
    /* RFC 7517 §4.7: the key in x5c[0] must be the one the other members describe. */
    if (x5c_key != NULL && n_e_key != NULL && EVP_PKEY_eq(x5c_key, n_e_key) != 1) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: n and e are not the key of x5c[0]", name);
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    if (x5c_key != NULL && n != NULL && n_e_key == NULL) {
        cella_log(CELLA_LOG_ERROR, "key set: %s: n and e are not the key of x5c[0]", name);
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    if (x5c_key == NULL && n_e_key == NULL) {
        r = CELLA_OK; /* n and e too large: unusable, reason set */
        goto out;
    }
    key->key = x5c_key != NULL ? x5c_key : n_e_key;
    if (key->key == x5c_key)
        x5c_key = NULL;
    else
        n_e_key = NULL;

    char problem_text[UNUSABLE_MAX_BYTES];
    const char *problem = rsa_key_problem(key->key, problem_text, sizeof(problem_text));
    if (problem != NULL) {
        key_set_unusable(key, "%s", problem);
    } else if (use != NULL && strcmp(json_string_value(use), "sig") != 0) {
        char text[SHOWN_VALUE_MAX_BYTES + 4];
        shown(text, sizeof(text), json_string_value(use), json_string_length(use));
        key_set_unusable(key, "a key for \"%s\", not for signatures", text);
    } else if (alg != NULL && strcmp(json_string_value(alg), "RS256") != 0) {
        char text[SHOWN_VALUE_MAX_BYTES + 4];
        shown(text, sizeof(text), json_string_value(alg), json_string_length(alg));
        key_set_unusable(key, "a key for the algorithm \"%s\", not RS256", text);
    }
    r = CELLA_OK;
out:
    EVP_PKEY_free(x5c_key);
    EVP_PKEY_free(n_e_key);
    return r;
}

void cella_token_keys_destroy(cella_token_keys_t *keys)
{
    if (keys == NULL)
        return;
    for (size_t i = 0; i < keys->count; i++)
        EVP_PKEY_free(keys->keys[i].key);
    free(keys);
}

size_t cella_token_keys_get_count(const cella_token_keys_t *keys)
{
    return keys != NULL ? keys->count : 0;
}

cella_result_t cella_token_keys_parse(const char *json, size_t json_size, cella_token_keys_t **out)
{
    json_t *root = NULL;
    cella_token_keys_t *set = NULL;
    json_error_t error;
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;

    if (out == NULL || (json == NULL && json_size != 0))
        return CELLA_ERR_INVALID_ARGUMENT;
    if (json_size == 0 || json_size > CELLA_TOKEN_KEYS_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR, "key set: %zu bytes, not 1 to %u", json_size,
                  CELLA_TOKEN_KEYS_MAX_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }
    root = json_loadb(json, json_size, JSON_REJECT_DUPLICATES, &error);
    if (root == NULL) {
        if (json_error_code(&error) == json_error_out_of_memory)
            return CELLA_ERR_OUT_OF_MEMORY;
        cella_log(CELLA_LOG_ERROR, "key set: not JSON: line %d, column %d: %s", error.line,
                  error.column, error.text);
        return CELLA_ERR_INVALID_FORMAT;
    }
    const json_t *keys = json_object_get(root, "keys");
    size_t count = json_array_size(keys);
    if (!json_is_object(root) || !json_is_array(keys) || count == 0 ||
        count > CELLA_TOKEN_KEYS_MAX_COUNT) {
        cella_log(CELLA_LOG_ERROR,
                  "key set: not a JSON object with \"keys\": an array of 1 to %d "
                  "keys",
                  CELLA_TOKEN_KEYS_MAX_COUNT);
        goto out;
    }
    set = calloc(1, sizeof(*set) + count * sizeof(set->keys[0]));
    if (set == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        set->count = i + 1; /* so that destroy frees what parse_key() made of it */
        CHECK(parse_key(json_array_get(keys, i), i, &set->keys[i]));
        for (size_t j = 0; j < i && set->keys[i].has_kid; j++) {
            if (set->keys[j].has_kid && set->keys[j].kid_size == set->keys[i].kid_size &&
                memcmp(set->keys[j].kid, set->keys[i].kid, set->keys[i].kid_size) == 0) {
                char name[SHOWN_VALUE_MAX_BYTES + 32];
                key_name(&set->keys[i], i, name, sizeof(name));
                cella_log(CELLA_LOG_ERROR, "key set: %s has the kid of key %zu", name, j);
                r = CELLA_ERR_INVALID_FORMAT;
                goto out;
            }
        }
    }
    *out = set;
    set = NULL;
    r = CELLA_OK;
out:
    cella_token_keys_destroy(set);
    json_decref(root);
    ERR_clear_error();
    return r;
}

/* ---- fetching a key set -------------------------------------------------------------------- */

cella_result_t cella_token_keys_fetch(const char *url, cella_token_keys_t **out)
{
    cella_http_response_t response;

    if (url == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!cella_http_start("key set"))
        return CELLA_ERR_UNEXPECTED;
    if (!cella_http_url_ok(url, true)) {
        char text[SHOWN_VALUE_MAX_BYTES + 4];
        shown(text, sizeof(text), url, strlen(url));
        cella_log(CELLA_LOG_ERROR,
                  "key set: \"%s\" is not an http:// or https:// URL with a host (and without "
                  "user information)",
                  text);
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    cella_result_t r = cella_http_get("key set", url, "application/jwk-set+json, application/json",
                                      CELLA_TOKEN_KEYS_MAX_BYTES, NULL, NULL, &response);
    if (r == CELLA_OK && response.status != 200) {
        cella_log(CELLA_LOG_ERROR, "key set: GET %s: HTTP status %ld", url, response.status);
        r = response.status == 404 ? CELLA_ERR_NOT_FOUND : CELLA_ERR_IO;
    }
    if (r == CELLA_OK) {
        r = cella_token_keys_parse(response.body, response.body_size, out);
        if (r == CELLA_ERR_INVALID_FORMAT)
            cella_log(CELLA_LOG_ERROR, "key set: GET %s: the response is not a JWK Set", url);
    }
    cella_http_response_clear(&response);
    return r;
}

/* ---- verification -------------------------------------------------------------------------- */

const char *cella_token_failure_str(cella_token_failure_t failure)
{
    switch (failure) {
    case CELLA_TOKEN_OK:
        return "ok";
    case CELLA_TOKEN_FORMAT:
        return "format";
    case CELLA_TOKEN_ALGORITHM:
        return "algorithm";
    case CELLA_TOKEN_UNKNOWN_KID:
        return "unknown-kid";
    case CELLA_TOKEN_KEY:
        return "key";
    case CELLA_TOKEN_SIGNATURE:
        return "signature";
    case CELLA_TOKEN_ISSUER:
        return "issuer";
    case CELLA_TOKEN_EXPIRED:
        return "expired";
    case CELLA_TOKEN_NOT_YET_VALID:
        return "not-yet-valid";
    case CELLA_TOKEN_ISSUED_IN_FUTURE:
        return "issued-in-future";
    case CELLA_TOKEN_CLAIM_MISMATCH:
        return "claim-mismatch";
    case CELLA_TOKEN_SOFTWARE_TEE_REFUSED:
        return "software-tee-refused";
    }
    return "unknown";
}

void cella_token_options_init(cella_token_options_t *options, const char *issuer, int64_t now)
{
    memset(options, 0, sizeof(*options));
    options->issuer = issuer;
    options->now = now;
    options->clock_skew_seconds = CELLA_TOKEN_DEFAULT_CLOCK_SKEW_SECONDS;
    options->require_not_debuggable = true;
}

static void claims_destroy(cella_token_claims_t *claims)
{
    if (claims == NULL)
        return;
    json_decref(claims->root);
    free(claims->json);
    free(claims);
}

void cella_token_result_clear(cella_token_result_t *result)
{
    if (result == NULL)
        return;
    claims_destroy(result->claims);
    memset(result, 0, sizeof(*result));
}

/* Refuses the token: the failure, the claim (or header member) at fault, and why. */
static cella_result_t refuse(cella_token_result_t *result, cella_token_failure_t failure,
                             const char *claim, const char *format, ...) CELLA_PRINTF(4, 5);

static cella_result_t refuse(cella_token_result_t *result, cella_token_failure_t failure,
                             const char *claim, const char *format, ...)
{
    va_list arguments;

    result->failure = failure;
    snprintf(result->claim, sizeof(result->claim), "%s", claim != NULL ? claim : "");
    va_start(arguments, format);
    vsnprintf(result->reason, sizeof(result->reason), format, arguments);
    va_end(arguments);
    return CELLA_ERR_VERIFY_FAILED;
}

/* An argument or memory error: the result says so too, so it never reads as verified. */
static cella_result_t not_verified(cella_token_result_t *result, cella_result_t r, const char *what)
{
    result->failure = CELLA_TOKEN_FORMAT;
    snprintf(result->reason, sizeof(result->reason), "not verified: %s: %s", cella_result_str(r),
             what);
    return r;
}

static bool hex_identity_ok(const char *hex)
{
    return hex == NULL ||
           (strlen(hex) == HEX_IDENTITY_BYTES && is_hex_text(hex, HEX_IDENTITY_BYTES));
}

static cella_result_t check_options(const cella_token_options_t *o, const char **what)
{
    if (o->issuer == NULL || o->issuer[0] == '\0')
        *what = "no expected issuer";
    else if (o->clock_skew_seconds < 0)
        *what = "a negative clock skew";
    else if (!hex_identity_ok(o->mrenclave))
        *what = "the expected MRENCLAVE is not 64 hex digits";
    else if (!hex_identity_ok(o->mrsigner))
        *what = "the expected MRSIGNER is not 64 hex digits";
    else if (o->allowed_tcb_status_count > 0 && o->allowed_tcb_statuses == NULL)
        *what = "no list of allowed TCB statuses";
    else if (o->allowed_advisory_id_count > 0 && o->allowed_advisory_ids == NULL)
        *what = "no list of allowed advisory IDs";
    else
        return CELLA_OK;
    return CELLA_ERR_INVALID_ARGUMENT;
}

/* Whether a JSON string equals a C string, byte for byte (a JSON string may hold no NUL). */
static bool string_is(const json_t *value, const char *text)
{
    return json_is_string(value) && json_string_length(value) == strlen(text) &&
           memcmp(json_string_value(value), text, json_string_length(value)) == 0;
}

/* The JSON value of a string, for a reason. */
static const char *shown_string(const json_t *value, char *text, size_t text_size)
{
    shown(text, text_size, json_string_value(value), json_string_length(value));
    return text;
}

/* What a verification works on. */
struct parts {
    const char *token;
    size_t signed_size; /* of header "." claims */
    const char *claims_text;
    size_t claims_text_size;
    const char *signature_text;
    size_t signature_text_size;
    json_t *header;
    uint8_t *claims_json; /* decoded */
    size_t claims_json_size;
};

/* Step 1 and 2: three parts, the header. */
static cella_result_t parse_header(const char *token, size_t token_size, struct parts *p,
                                   cella_token_result_t *result)
{
    uint8_t *header_json = NULL;
    size_t header_json_size = 0;
    json_error_t error;
    cella_result_t r;

    if (token_size > CELLA_TOKEN_MAX_BYTES)
        return refuse(result, CELLA_TOKEN_FORMAT, NULL, "the token is %zu bytes long, over %u",
                      token_size, CELLA_TOKEN_MAX_BYTES);
    const char *first = token_size > 0 ? memchr(token, '.', token_size) : NULL;
    const char *second =
        first != NULL ? memchr(first + 1, '.', token_size - (size_t)(first + 1 - token)) : NULL;
    const char *end = token + token_size;
    if (first == NULL || second == NULL || memchr(second + 1, '.', (size_t)(end - second - 1)))
        return refuse(result, CELLA_TOKEN_FORMAT, NULL,
                      "not a compact JWS: it needs exactly three parts separated by '.'");
    size_t header_text_size = (size_t)(first - token);
    p->token = token;
    p->signed_size = (size_t)(second - token);
    p->claims_text = first + 1;
    p->claims_text_size = (size_t)(second - first - 1);
    p->signature_text = second + 1;
    p->signature_text_size = (size_t)(end - second - 1);
    if (header_text_size == 0 || p->claims_text_size == 0)
        return refuse(result, CELLA_TOKEN_FORMAT, NULL, "the %s part is empty",
                      header_text_size == 0 ? "header" : "claims");
    /* RFC 7515 §2 and MAA: base64url without padding, in all three parts. */
    r = decode_base64(token, header_text_size, true, &header_json, &header_json_size);
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        return r;
    if (r != CELLA_OK)
        return refuse(result, CELLA_TOKEN_FORMAT, NULL,
                      "the header is not base64url without padding");
    r = decode_base64(p->claims_text, p->claims_text_size, true, &p->claims_json,
                      &p->claims_json_size);
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        goto out;
    if (r != CELLA_OK) {
        r = refuse(result, CELLA_TOKEN_FORMAT, NULL,
                   "the claims part is not base64url without padding");
        goto out;
    }
    p->header =
        json_loadb((const char *)header_json, header_json_size, JSON_REJECT_DUPLICATES, &error);
    if (p->header == NULL && json_error_code(&error) == json_error_out_of_memory) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    if (!json_is_object(p->header)) {
        r = refuse(result, CELLA_TOKEN_FORMAT, NULL,
                   "the header is not a JSON object without duplicate members%s%s",
                   p->header == NULL ? ": " : "", p->header == NULL ? error.text : "");
        goto out;
    }
    r = CELLA_OK;
out:
    free(header_json);
    return r;
}

/* Step 2 (the members) and 3: the algorithm, the key. */
static cella_result_t select_key(const cella_token_keys_t *keys, const struct parts *p,
                                 cella_token_result_t *result, const struct token_key **out)
{
    char text[SHOWN_VALUE_MAX_BYTES + 4];
    const json_t *alg = json_object_get(p->header, "alg");
    const json_t *typ = json_object_get(p->header, "typ");
    const json_t *kid = json_object_get(p->header, "kid");

    /* The relying party fixes the algorithm (RFC 8725 §3.1): "none" and HS256 (whose secret
     * would be the public key) never reach a signature check. */
    if (!string_is(alg, "RS256"))
        return refuse(result, CELLA_TOKEN_ALGORITHM, "alg", "the algorithm is %s%s%s, not RS256",
                      json_is_string(alg) ? "\"" : "",
                      json_is_string(alg) ? shown_string(alg, text, sizeof(text))
                      : alg == NULL       ? "missing"
                                          : "not a string",
                      json_is_string(alg) ? "\"" : "");
    if (typ != NULL && !string_is(typ, "JWT"))
        return refuse(result, CELLA_TOKEN_FORMAT, "typ", "typ is %s, not \"JWT\"",
                      json_is_string(typ) ? shown_string(typ, text, sizeof(text)) : "not a string");
    /* RFC 7515 §4.1.11: extensions the verifier does not know must be refused; it knows none. */
    if (json_object_get(p->header, "crit") != NULL)
        return refuse(result, CELLA_TOKEN_FORMAT, "crit",
                      "the header has crit: extensions that are not supported");
    if (kid != NULL && !json_is_string(kid))
        return refuse(result, CELLA_TOKEN_FORMAT, "kid", "kid is not a string");
    if (kid != NULL && json_string_length(kid) < sizeof(result->kid) &&
        is_printable(json_string_value(kid), json_string_length(kid)))
        memcpy(result->kid, json_string_value(kid), json_string_length(kid) + 1);

    if (kid == NULL) {
        /* Without a kid only a set of one key says which key it is. */
        if (keys->count != 1)
            return refuse(result, CELLA_TOKEN_UNKNOWN_KID, "kid",
                          "the token has no kid and the key set has %zu keys", keys->count);
        *out = &keys->keys[0];
    } else {
        /* Only the key with this kid: trying others would let any key of the set stand in. */
        *out = NULL;
        for (size_t i = 0; i < keys->count && *out == NULL; i++) {
            const struct token_key *key = &keys->keys[i];
            if (key->has_kid && key->kid_size == json_string_length(kid) &&
                memcmp(key->kid, json_string_value(kid), key->kid_size) == 0)
                *out = key;
        }
        if (*out == NULL)
            return refuse(result, CELLA_TOKEN_UNKNOWN_KID, "kid",
                          "no key of the set has the kid \"%s\"",
                          shown_string(kid, text, sizeof(text)));
    }
    if ((*out)->key == NULL)
        return refuse(result, CELLA_TOKEN_KEY, "kid", "the token's key is %s", (*out)->unusable);
    return CELLA_OK;
}

/* Step 4: RSASSA-PKCS1-v1_5 with SHA-256 over the ASCII of header "." claims. */
static cella_result_t check_signature(const struct token_key *key, const struct parts *p,
                                      cella_token_result_t *result)
{
    uint8_t *signature = NULL;
    size_t signature_size = 0;
    EVP_MD_CTX *context = NULL;
    EVP_PKEY_CTX *key_context = NULL;
    cella_result_t r;

    if (p->signature_text_size == 0)
        return refuse(result, CELLA_TOKEN_SIGNATURE, NULL, "the token has no signature");
    r = decode_base64(p->signature_text, p->signature_text_size, true, &signature, &signature_size);
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        return r;
    if (r != CELLA_OK)
        return refuse(result, CELLA_TOKEN_FORMAT, NULL,
                      "the signature is not base64url without padding");
    /* RFC 8017 §8.2.2: the signature is exactly as long as the modulus. */
    if (signature_size != (size_t)EVP_PKEY_get_size(key->key)) {
        r = refuse(result, CELLA_TOKEN_SIGNATURE, NULL,
                   "the signature is %zu bytes long, the key's modulus %d", signature_size,
                   EVP_PKEY_get_size(key->key));
        goto out;
    }
    context = EVP_MD_CTX_new();
    if (context == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    if (EVP_DigestVerifyInit_ex(context, &key_context, "SHA256", NULL, NULL, key->key, NULL) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1) {
        r = refuse(result, CELLA_TOKEN_KEY, "kid", "the key cannot verify RS256 signatures");
        goto out;
    }
    if (EVP_DigestVerify(context, signature, signature_size, (const unsigned char *)p->token,
                         p->signed_size) != 1) {
        r = refuse(result, CELLA_TOKEN_SIGNATURE, NULL,
                   "the signature does not verify with the key of kid \"%s\"", result->kid);
        goto out;
    }
    r = CELLA_OK;
out:
    EVP_MD_CTX_free(context);
    free(signature);
    return r;
}

/* A NumericDate claim (RFC 7519 §2), as a JSON integer. *present false when absent. */
static cella_result_t time_claim(const json_t *claims, const char *name, bool required,
                                 int64_t *value, bool *present, cella_token_result_t *result)
{
    const json_t *member = json_object_get(claims, name);

    *present = member != NULL;
    if (member == NULL && !required)
        return CELLA_OK;
    if (!json_is_integer(member))
        return refuse(result, CELLA_TOKEN_FORMAT, name,
                      "%s is %s, not an integer number of "
                      "seconds",
                      name, member == NULL ? "missing" : "of another type");
    *value = (int64_t)json_integer_value(member);
    return CELLA_OK;
}

static int64_t add_saturated(int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

/* Step 5: issuer and time. */
static cella_result_t check_registered(const json_t *claims, const json_t *header,
                                       const cella_token_options_t *o, cella_token_result_t *result)
{
    char text[SHOWN_VALUE_MAX_BYTES + 4];
    char expected[SHOWN_VALUE_MAX_BYTES + 4];
    char when[32];
    char now_text[32];
    int64_t exp = 0;
    int64_t nbf = 0;
    int64_t iat = 0;
    bool present = false;
    cella_result_t r;

    const json_t *iss = json_object_get(claims, "iss");
    shown(expected, sizeof(expected), o->issuer, strlen(o->issuer));
    if (!string_is(iss, o->issuer))
        return refuse(result, CELLA_TOKEN_ISSUER, "iss", "the issuer is %s%s%s, not \"%s\"",
                      json_is_string(iss) ? "\"" : "",
                      json_is_string(iss) ? shown_string(iss, text, sizeof(text))
                      : iss == NULL       ? "missing"
                                          : "not a string",
                      json_is_string(iss) ? "\"" : "", expected);
    /* maa-api.md §11.2: the key URL a token names is its issuer's; none other is followed,
     * and one that points elsewhere says the token was not made for this issuer. */
    const json_t *jku = json_object_get(header, "jku");
    if (jku != NULL) {
        size_t issuer_size = strlen(o->issuer);
        bool same = json_is_string(jku) && json_string_length(jku) == issuer_size + 6 &&
                    memcmp(json_string_value(jku), o->issuer, issuer_size) == 0 &&
                    memcmp(json_string_value(jku) + issuer_size, "/certs", 6) == 0;
        if (!same)
            return refuse(result, CELLA_TOKEN_ISSUER, "jku", "jku is %s, not \"%s/certs\"",
                          json_is_string(jku) ? shown_string(jku, text, sizeof(text))
                                              : "not a string",
                          expected);
    }

    time_text(o->now, now_text, sizeof(now_text));
    if ((r = time_claim(claims, "exp", true, &exp, &present, result)) != CELLA_OK)
        return r;
    if (o->now >= add_saturated(exp, o->clock_skew_seconds)) {
        time_text(exp, when, sizeof(when));
        return refuse(result, CELLA_TOKEN_EXPIRED, "exp",
                      "expired at %s; it is %s, clock skew %" PRId64 " s", when, now_text,
                      o->clock_skew_seconds);
    }
    if ((r = time_claim(claims, "nbf", false, &nbf, &present, result)) != CELLA_OK)
        return r;
    if (present && nbf > add_saturated(o->now, o->clock_skew_seconds)) {
        time_text(nbf, when, sizeof(when));
        return refuse(result, CELLA_TOKEN_NOT_YET_VALID, "nbf",
                      "not valid before %s; it is %s, clock skew %" PRId64 " s", when, now_text,
                      o->clock_skew_seconds);
    }
    if ((r = time_claim(claims, "iat", false, &iat, &present, result)) != CELLA_OK)
        return r;
    if (present && iat > add_saturated(o->now, o->clock_skew_seconds)) {
        time_text(iat, when, sizeof(when));
        return refuse(result, CELLA_TOKEN_ISSUED_IN_FUTURE, "iat",
                      "issued at %s, in the future; it is %s, clock skew %" PRId64 " s", when,
                      now_text, o->clock_skew_seconds);
    }
    return CELLA_OK;
}

static cella_result_t check_hex_identity(const json_t *claims, const char *name,
                                         const char *expected, cella_token_result_t *result)
{
    char text[SHOWN_VALUE_MAX_BYTES + 4];
    const json_t *value = json_object_get(claims, name);

    if (expected == NULL)
        return CELLA_OK;
    if (!json_is_string(value) || json_string_length(value) != HEX_IDENTITY_BYTES ||
        !is_hex_text(json_string_value(value), HEX_IDENTITY_BYTES))
        return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, name, "%s is %s, not 64 hex digits", name,
                      value == NULL ? "missing" : "malformed");
    if (strncasecmp(json_string_value(value), expected, HEX_IDENTITY_BYTES) != 0)
        return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, name, "%s is %s, not %s", name,
                      shown_string(value, text, sizeof(text)), expected);
    return CELLA_OK;
}

static cella_result_t integer_claim(const json_t *claims, const char *name, json_int_t *value,
                                    cella_token_result_t *result)
{
    const json_t *member = json_object_get(claims, name);
    if (!json_is_integer(member))
        return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, name, "%s is %s, not an integer", name,
                      member == NULL ? "missing" : "of another type");
    *value = json_integer_value(member);
    return CELLA_OK;
}

static bool listed(const char *const *list, size_t count, const json_t *value)
{
    for (size_t i = 0; i < count; i++) {
        if (list[i] != NULL && string_is(value, list[i]))
            return true;
    }
    return false;
}

/* Step 6: what the relying party requires of the enclave and its platform. */
static cella_result_t check_required(const json_t *claims, const cella_token_options_t *o,
                                     cella_token_result_t *result)
{
    char text[SHOWN_VALUE_MAX_BYTES + 4];
    json_int_t number = 0;
    cella_result_t r;

    /* The software-TEE claim first: it says what all the others are worth. */
    const json_t *software = json_object_get(claims, CELLA_TOKEN_CLAIM_SOFTWARE_TEE);
    if (software != NULL && !json_is_boolean(software))
        return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_SOFTWARE_TEE,
                      "%s is not a boolean", CELLA_TOKEN_CLAIM_SOFTWARE_TEE);
    result->software_tee = json_is_true(software);
    if (result->software_tee && o->require_hardware)
        return refuse(result, CELLA_TOKEN_SOFTWARE_TEE_REFUSED, CELLA_TOKEN_CLAIM_SOFTWARE_TEE,
                      "the enclave ran in a software TEE (%s is true) and hardware is required",
                      CELLA_TOKEN_CLAIM_SOFTWARE_TEE);

    if ((r = check_hex_identity(claims, CELLA_TOKEN_CLAIM_MRENCLAVE, o->mrenclave, result)) !=
        CELLA_OK)
        return r;
    if ((r = check_hex_identity(claims, CELLA_TOKEN_CLAIM_MRSIGNER, o->mrsigner, result)) !=
        CELLA_OK)
        return r;
    if (o->check_product_id) {
        if ((r = integer_claim(claims, CELLA_TOKEN_CLAIM_PRODUCT_ID, &number, result)) != CELLA_OK)
            return r;
        if (number != (json_int_t)o->product_id)
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_PRODUCT_ID,
                          "%s is %lld, not %u", CELLA_TOKEN_CLAIM_PRODUCT_ID, (long long)number,
                          (unsigned)o->product_id);
    }
    if (o->check_min_svn) {
        if ((r = integer_claim(claims, CELLA_TOKEN_CLAIM_SVN, &number, result)) != CELLA_OK)
            return r;
        if (number < (json_int_t)o->min_svn)
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_SVN,
                          "%s is %lld, below the minimum %u", CELLA_TOKEN_CLAIM_SVN,
                          (long long)number, (unsigned)o->min_svn);
    }
    if (o->require_not_debuggable) {
        const json_t *debuggable = json_object_get(claims, CELLA_TOKEN_CLAIM_IS_DEBUGGABLE);
        if (!json_is_boolean(debuggable))
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_IS_DEBUGGABLE,
                          "%s is %s, not a boolean", CELLA_TOKEN_CLAIM_IS_DEBUGGABLE,
                          debuggable == NULL ? "missing" : "of another type");
        if (json_is_true(debuggable))
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_IS_DEBUGGABLE,
                          "the enclave is debuggable: its host can read its memory");
    }
    if (o->allowed_tcb_status_count > 0) {
        const json_t *status = json_object_get(claims, CELLA_TOKEN_CLAIM_TCB_STATUS);
        if (!json_is_string(status))
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_TCB_STATUS,
                          "%s is %s, not a string", CELLA_TOKEN_CLAIM_TCB_STATUS,
                          status == NULL ? "missing" : "of another type");
        if (!listed(o->allowed_tcb_statuses, o->allowed_tcb_status_count, status))
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_TCB_STATUS,
                          "the TCB status \"%s\" is not allowed",
                          shown_string(status, text, sizeof(text)));
    }
    if (o->allowed_advisory_id_count > 0) {
        const json_t *advisories = json_object_get(claims, CELLA_TOKEN_CLAIM_ADVISORY_IDS);
        if (advisories != NULL && !json_is_array(advisories))
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_ADVISORY_IDS,
                          "%s is not an array", CELLA_TOKEN_CLAIM_ADVISORY_IDS);
        for (size_t i = 0; i < json_array_size(advisories); i++) {
            const json_t *id = json_array_get(advisories, i);
            if (!json_is_string(id))
                return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_ADVISORY_IDS,
                              "%s[%zu] is not a string", CELLA_TOKEN_CLAIM_ADVISORY_IDS, i);
            if (!listed(o->allowed_advisory_ids, o->allowed_advisory_id_count, id))
                return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_ADVISORY_IDS,
                              "the advisory \"%s\" is not allowed",
                              shown_string(id, text, sizeof(text)));
        }
    }
    if (o->nonce != NULL) {
        const json_t *nonce = json_object_get(claims, CELLA_TOKEN_CLAIM_NONCE);
        if (!string_is(nonce, o->nonce))
            return refuse(result, CELLA_TOKEN_CLAIM_MISMATCH, CELLA_TOKEN_CLAIM_NONCE,
                          "the nonce is %s, not the one expected",
                          nonce == NULL ? "missing" : "another");
    }
    return CELLA_OK;
}

cella_result_t cella_token_verify(const cella_token_keys_t *keys, const char *token,
                                  size_t token_size, const cella_token_options_t *options,
                                  cella_token_result_t *result)
{
    struct parts p;
    const struct token_key *key = NULL;
    json_t *claims = NULL;
    cella_token_claims_t *out = NULL;
    json_error_t error;
    const char *what = NULL;
    cella_result_t r;

    if (result == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(result, 0, sizeof(*result));
    memset(&p, 0, sizeof(p));
    if (keys == NULL || options == NULL || (token == NULL && token_size != 0))
        return not_verified(result, CELLA_ERR_INVALID_ARGUMENT, "no key set, options or token");
    if (check_options(options, &what) != CELLA_OK)
        return not_verified(result, CELLA_ERR_INVALID_ARGUMENT, what);

    /* The single fetch: the bytes whose signature is checked are the bytes the claims come
     * from, whatever happens to the caller's buffer meanwhile (larger tokens are refused). */
    char *copy = NULL;
    if (token_size != 0 && token_size <= CELLA_TOKEN_MAX_BYTES) {
        copy = malloc(token_size);
        if (copy == NULL)
            return not_verified(result, CELLA_ERR_OUT_OF_MEMORY, "the token could not be verified");
        memcpy(copy, token, token_size);
        token = copy;
    }

    CHECK(parse_header(token, token_size, &p, result));
    CHECK(select_key(keys, &p, result, &key));
    CHECK(check_signature(key, &p, result));

    /* Only now, signed by the issuer's key, are the claims worth parsing. */
    claims =
        json_loadb((const char *)p.claims_json, p.claims_json_size, JSON_REJECT_DUPLICATES, &error);
    if (claims == NULL && json_error_code(&error) == json_error_out_of_memory) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    if (!json_is_object(claims)) {
        r = refuse(result, CELLA_TOKEN_FORMAT, NULL,
                   "the claims are not a JSON object without duplicate members%s%s",
                   claims == NULL ? ": " : "", claims == NULL ? error.text : "");
        goto out;
    }
    CHECK(check_registered(claims, p.header, options, result));
    CHECK(check_required(claims, options, result));

    out = calloc(1, sizeof(*out));
    if (out == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    out->json = (char *)p.claims_json;
    out->json_size = p.claims_json_size;
    out->root = claims;
    p.claims_json = NULL;
    claims = NULL;
    result->claims = out;
    r = CELLA_OK;
out:
    json_decref(claims);
    json_decref(p.header);
    free(p.claims_json);
    free(copy);
    ERR_clear_error();
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        return not_verified(result, r, "the token could not be verified");
    if (r != CELLA_OK) {
        result->software_tee = false;
        cella_log(CELLA_LOG_INFO, "token refused: %s: %s", cella_token_failure_str(result->failure),
                  result->reason);
    }
    return r;
}

/* ---- claims -------------------------------------------------------------------------------- */

const char *cella_token_claims_get_json(const cella_token_claims_t *claims, size_t *size)
{
    if (size != NULL)
        *size = claims != NULL ? claims->json_size : 0;
    return claims != NULL ? claims->json : NULL;
}

static cella_result_t claim_of(const cella_token_claims_t *claims, const char *name,
                               const void *value, const json_t **member)
{
    if (claims == NULL || name == NULL || value == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    *member = json_object_get(claims->root, name);
    return *member != NULL ? CELLA_OK : CELLA_ERR_NOT_FOUND;
}

cella_result_t cella_token_claims_get_string(const cella_token_claims_t *claims, const char *name,
                                             const char **value)
{
    const json_t *member = NULL;
    cella_result_t r = claim_of(claims, name, value, &member);
    if (r != CELLA_OK)
        return r;
    if (!json_is_string(member))
        return CELLA_ERR_INVALID_FORMAT;
    *value = json_string_value(member);
    return CELLA_OK;
}

cella_result_t cella_token_claims_get_integer(const cella_token_claims_t *claims, const char *name,
                                              int64_t *value)
{
    const json_t *member = NULL;
    cella_result_t r = claim_of(claims, name, value, &member);
    if (r != CELLA_OK)
        return r;
    if (!json_is_integer(member))
        return CELLA_ERR_INVALID_FORMAT;
    *value = (int64_t)json_integer_value(member);
    return CELLA_OK;
}

cella_result_t cella_token_claims_get_bool(const cella_token_claims_t *claims, const char *name,
                                           bool *value)
{
    const json_t *member = NULL;
    cella_result_t r = claim_of(claims, name, value, &member);
    if (r != CELLA_OK)
        return r;
    if (!json_is_boolean(member))
        return CELLA_ERR_INVALID_FORMAT;
    *value = json_is_true(member);
    return CELLA_OK;
}

cella_result_t cella_token_claims_get_string_item(const cella_token_claims_t *claims,
                                                  const char *name, size_t index,
                                                  const char **value)
{
    const json_t *member = NULL;
    cella_result_t r = claim_of(claims, name, value, &member);
    if (r != CELLA_OK)
        return r;
    if (!json_is_array(member))
        return CELLA_ERR_INVALID_FORMAT;
    if (index >= json_array_size(member))
        return CELLA_ERR_NOT_FOUND;
    const json_t *item = json_array_get(member, index);
    if (!json_is_string(item))
        return CELLA_ERR_INVALID_FORMAT;
    *value = json_string_value(item);
    return CELLA_OK;
}
