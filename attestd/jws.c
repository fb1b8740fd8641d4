/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/jws.c: RS256 JWS signing with OpenSSL, the instance key, and policy JWS checking. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cella/encoding.h>
#include <cella/memory.h>

#include "../common/log_internal.h"
#include "jws.h"

#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* Runs an OpenSSL call that returns 1 (or a non-NULL pointer) on success. */
#define CHECK_SSL(expression, what)                               \
    do {                                                          \
        if (!(expression)) {                                      \
            cella_log(CELLA_LOG_ERROR, "jws: %s failed", (what)); \
            r = CELLA_ERR_UNEXPECTED;                             \
            goto out;                                             \
        }                                                         \
    } while (0)

/* The end of the certificate's validity, as MAA's instance certificates have it. */
#define CERTIFICATE_NOT_AFTER "20501231235959Z"

struct cella_jws_signer {
    EVP_PKEY *key;
    const EVP_MD *sha256;
    char kid[CELLA_JWS_KID_BYTES];
    char *header; /* base64url of the header JSON */
    size_t header_size;
    char *x5c; /* standard base64 of the certificate DER */
};

/* ---- encodings ---------------------------------------------------------------------------- */

cella_result_t cella_jws_base64url(const void *data, size_t size, char **text)
{
    size_t text_size = 0;
    char *encoded = NULL;

    if (text == NULL || (data == NULL && size != 0))
        return CELLA_ERR_INVALID_ARGUMENT;
    if (cella_encoding_base64_encoded_size(size, CELLA_ENCODING_BASE64_NOPAD, &text_size) !=
        CELLA_OK)
        return CELLA_ERR_OVERFLOW;
    text_size += 1;
    encoded = malloc(text_size);
    if (encoded == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    if (size == 0) {
        encoded[0] = '\0';
    } else if (cella_encoding_base64url_encode(data, size, CELLA_ENCODING_BASE64_NOPAD, encoded,
                                               &text_size) != CELLA_OK) {
        free(encoded);
        return CELLA_ERR_UNEXPECTED;
    }
    *text = encoded;
    return CELLA_OK;
}

/* Standard base64 with padding into a new string. */
static cella_result_t base64_standard(const void *data, size_t size, char **text)
{
    size_t text_size = 0;
    char *encoded = NULL;

    if (cella_encoding_base64_encoded_size(size, CELLA_ENCODING_BASE64_PAD, &text_size) != CELLA_OK)
        return CELLA_ERR_OVERFLOW;
    text_size += 1;
    encoded = malloc(text_size);
    if (encoded == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    if (cella_encoding_base64_encode(data, size, CELLA_ENCODING_BASE64_PAD, encoded, &text_size) !=
        CELLA_OK) {
        free(encoded);
        return CELLA_ERR_UNEXPECTED;
    }
    *text = encoded;
    return CELLA_OK;
}

cella_result_t cella_jws_sha256_base64url(const void *data, size_t size, char *hash,
                                          size_t hash_size)
{
    uint8_t digest[SHA256_DIGEST_LENGTH];

    if (hash == NULL || (data == NULL && size != 0))
        return CELLA_ERR_INVALID_ARGUMENT;
    SHA256(data, size, digest);
    return cella_encoding_base64url_encode(digest, sizeof(digest), CELLA_ENCODING_BASE64_NOPAD,
                                           hash, &hash_size);
}

cella_result_t cella_jws_base64url_decode(const char *text, size_t text_size, char **data,
                                          size_t *data_size)
{
    size_t size = cella_encoding_base64_decoded_max_size(text_size);
    char *decoded = malloc(size + 1);

    if (decoded == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    if (text_size != 0 &&
        cella_encoding_base64url_decode(text, text_size, CELLA_ENCODING_BASE64_PAD_OPTIONAL,
                                        decoded, &size) != CELLA_OK) {
        free(decoded);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (text_size == 0)
        size = 0;
    decoded[size] = '\0';
    *data = decoded;
    *data_size = size;
    return CELLA_OK;
}

/* ---- the instance key and its certificate ------------------------------------------------- */

/* The PEM text of key's SubjectPublicKeyInfo, in a new memory BIO. */
static BIO *public_key_pem(EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());

    if (bio != NULL && PEM_write_bio_PUBKEY(bio, key) != 1) {
        BIO_free(bio);
        bio = NULL;
    }
    return bio;
}

cella_result_t cella_jws_key_id(EVP_PKEY *key, char *kid, size_t kid_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    uint8_t digest[SHA256_DIGEST_LENGTH];
    unsigned int digest_size = 0;
    EVP_MD_CTX *sha = NULL;
    BIO *pem = NULL;
    char *text = NULL;
    static const uint8_t nul = 0;

    if (key == NULL || kid == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (kid_size < CELLA_JWS_KID_BYTES)
        return CELLA_ERR_BUFFER_TOO_SMALL;
    CHECK_SSL((pem = public_key_pem(key)) != NULL, "writing the public key as PEM");
    long length = BIO_get_mem_data(pem, &text);
    CHECK_SSL(length > 0, "reading the public key PEM");
    /* SHA-256 of the PEM text and its terminating NUL (Open Enclave's convention). */
    CHECK_SSL((sha = EVP_MD_CTX_new()) != NULL, "EVP_MD_CTX_new");
    CHECK_SSL(EVP_DigestInit_ex(sha, EVP_sha256(), NULL) == 1 &&
                  EVP_DigestUpdate(sha, text, (size_t)length) == 1 &&
                  EVP_DigestUpdate(sha, &nul, 1) == 1 &&
                  EVP_DigestFinal_ex(sha, digest, &digest_size) == 1,
              "hashing the public key PEM");
    r = cella_encoding_base64_encode(digest, sizeof(digest), CELLA_ENCODING_BASE64_PAD, kid,
                                     &kid_size);
out:
    EVP_MD_CTX_free(sha);
    BIO_free(pem);
    return r;
}

static EVP_PKEY *read_private_key(const char *key_pem, size_t key_pem_size)
{
    EVP_PKEY *key = NULL;

    if (key_pem_size > (size_t)INT32_MAX)
        return NULL;
    BIO *bio = BIO_new_mem_buf(key_pem, (int)key_pem_size);
    if (bio != NULL)
        key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    ERR_clear_error();
    return key;
}

static cella_result_t add_extension(X509 *certificate, int nid, const char *value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, NULL, NULL, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(NULL, &context, nid, value);
    if (extension == NULL)
        return CELLA_ERR_UNEXPECTED;
    int added = X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
    return added == 1 ? CELLA_OK : CELLA_ERR_UNEXPECTED;
}

/* A self-signed certificate for key, DER-encoded into a new buffer. */
static cella_result_t certify(EVP_PKEY *key, const char *common_name, uint8_t **certificate,
                              size_t *certificate_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    X509 *x509 = NULL;
    X509_NAME *name = NULL;
    BIGNUM *serial = NULL;
    uint8_t serial_bytes[16];
    uint8_t *der = NULL;
    size_t name_size = strlen(common_name);

    if (name_size == 0 || name_size > 1024)
        return CELLA_ERR_INVALID_ARGUMENT;
    CHECK_SSL((x509 = X509_new()) != NULL, "X509_new");
    CHECK_SSL(X509_set_version(x509, 2), "X509_set_version");
    /* A random positive 128-bit serial number. */
    CHECK_SSL(RAND_bytes(serial_bytes, sizeof(serial_bytes)) == 1, "RAND_bytes");
    serial_bytes[0] = (uint8_t)((serial_bytes[0] & 0x7f) | 0x40);
    CHECK_SSL((serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), NULL)) != NULL, "BN_bin2bn");
    CHECK_SSL(BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x509)) != NULL, "serial");
    CHECK_SSL(X509_time_adj_ex(X509_getm_notBefore(x509), -1, 0, NULL) != NULL, "notBefore");
    CHECK_SSL(ASN1_TIME_set_string(X509_getm_notAfter(x509), CERTIFICATE_NOT_AFTER) == 1,
              "notAfter");
    /* The instance URL may be longer than the 64 characters X.520 suggests for a CN: set it
     * as a UTF8String directly rather than through OpenSSL's string-size table. */
    CHECK_SSL((name = X509_NAME_new()) != NULL, "X509_NAME_new");
    CHECK_SSL(X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_UTF8STRING,
                                         (const unsigned char *)common_name, (int)name_size, -1,
                                         0) == 1,
              "the certificate's common name");
    CHECK_SSL(X509_set_subject_name(x509, name) == 1, "X509_set_subject_name");
    CHECK_SSL(X509_set_issuer_name(x509, name) == 1, "X509_set_issuer_name");
    CHECK_SSL(X509_set_pubkey(x509, key) == 1, "X509_set_pubkey");
    CHECK(add_extension(x509, NID_basic_constraints, "critical,CA:FALSE"));
    CHECK(add_extension(x509, NID_key_usage, "critical,digitalSignature"));
    CHECK(add_extension(x509, NID_subject_key_identifier, "hash"));
    CHECK_SSL(X509_sign(x509, key, EVP_sha256()) > 0, "X509_sign");
    int der_size = i2d_X509(x509, &der);
    CHECK_SSL(der_size > 0, "i2d_X509");
    *certificate = malloc((size_t)der_size);
    if (*certificate == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    memcpy(*certificate, der, (size_t)der_size);
    *certificate_size = (size_t)der_size;
    r = CELLA_OK;
out:
    OPENSSL_free(der);
    BN_free(serial);
    X509_NAME_free(name);
    X509_free(x509);
    ERR_clear_error();
    return r;
}

cella_result_t cella_jws_create_key(const char *common_name, char **key_pem, size_t *key_pem_size,
                                    uint8_t **certificate, size_t *certificate_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    EVP_PKEY *key = NULL;
    BIO *bio = NULL;
    char *text = NULL;
    char *copy = NULL;

    if (common_name == NULL || key_pem == NULL || key_pem_size == NULL || certificate == NULL ||
        certificate_size == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    CHECK_SSL((key = EVP_RSA_gen(CELLA_JWS_RSA_BITS)) != NULL, "generating an RSA key");
    CHECK_SSL((bio = BIO_new(BIO_s_mem())) != NULL, "BIO_new");
    CHECK_SSL(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1,
              "writing the private key");
    long length = BIO_get_mem_data(bio, &text);
    CHECK_SSL(length > 0, "reading the private key PEM");
    copy = malloc((size_t)length + 1);
    if (copy == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    memcpy(copy, text, (size_t)length);
    copy[length] = '\0';
    CHECK(certify(key, common_name, certificate, certificate_size));
    *key_pem = copy;
    *key_pem_size = (size_t)length;
    copy = NULL;
    r = CELLA_OK;
out:
    if (text != NULL && bio != NULL) {
        /* The memory BIO's buffer held the private key. */
        BUF_MEM *buffer = NULL;
        BIO_get_mem_ptr(bio, &buffer);
        if (buffer != NULL && buffer->data != NULL)
            cella_memory_wipe(buffer->data, buffer->max);
    }
    if (copy != NULL) {
        cella_memory_wipe(copy, (size_t)length);
        free(copy);
    }
    BIO_free(bio);
    EVP_PKEY_free(key);
    return r;
}

cella_result_t cella_jws_certify_key(const char *key_pem, size_t key_pem_size,
                                     const char *common_name, uint8_t **certificate,
                                     size_t *certificate_size)
{
    if (key_pem == NULL || common_name == NULL || certificate == NULL || certificate_size == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    EVP_PKEY *key = read_private_key(key_pem, key_pem_size);
    if (key == NULL)
        return CELLA_ERR_INVALID_FORMAT;
    cella_result_t r = certify(key, common_name, certificate, certificate_size);
    EVP_PKEY_free(key);
    return r;
}

bool cella_jws_certificate_matches(const uint8_t *certificate, size_t certificate_size,
                                   const char *key_pem, size_t key_pem_size,
                                   const char *common_name)
{
    const unsigned char *cursor = certificate;
    X509 *x509 = NULL;
    EVP_PKEY *key = NULL;
    bool matches = false;
    char name[2048];

    if (certificate == NULL || key_pem == NULL || common_name == NULL ||
        certificate_size > (size_t)INT32_MAX)
        return false;
    x509 = d2i_X509(NULL, &cursor, (long)certificate_size);
    key = read_private_key(key_pem, key_pem_size);
    if (x509 != NULL && key != NULL && cursor == certificate + certificate_size &&
        EVP_PKEY_eq(X509_get0_pubkey(x509), key) == 1) {
        int length = X509_NAME_get_text_by_NID(X509_get_subject_name(x509), NID_commonName, name,
                                               (int)sizeof(name));
        matches = length >= 0 && (size_t)length == strlen(common_name) &&
                  strcmp(name, common_name) == 0 &&
                  X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)) == 0;
    }
    X509_free(x509);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return matches;
}

/* ---- signing ------------------------------------------------------------------------------- */

cella_result_t cella_jws_signer_create(const char *key_pem, size_t key_pem_size,
                                       const uint8_t *certificate, size_t certificate_size,
                                       const char *jku, cella_jws_signer_t **out)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    cella_jws_signer_t *signer = NULL;
    X509 *x509 = NULL;
    json_t *header = NULL;
    char *header_json = NULL;
    const unsigned char *cursor = certificate;

    if (key_pem == NULL || certificate == NULL || jku == NULL || out == NULL ||
        certificate_size > (size_t)INT32_MAX)
        return CELLA_ERR_INVALID_ARGUMENT;
    signer = calloc(1, sizeof(*signer));
    if (signer == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    signer->key = read_private_key(key_pem, key_pem_size);
    if (signer->key == NULL || !EVP_PKEY_is_a(signer->key, "RSA")) {
        cella_log(CELLA_LOG_ERROR, "jws: the signing key is not an RSA private key");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    x509 = d2i_X509(NULL, &cursor, (long)certificate_size);
    if (x509 == NULL || cursor != certificate + certificate_size ||
        EVP_PKEY_eq(X509_get0_pubkey(x509), signer->key) != 1) {
        cella_log(CELLA_LOG_ERROR, "jws: the certificate is not one of the signing key");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    CHECK_SSL((signer->sha256 = EVP_sha256()) != NULL, "EVP_sha256");
    CHECK(cella_jws_key_id(signer->key, signer->kid, sizeof(signer->kid)));
    CHECK(base64_standard(certificate, certificate_size, &signer->x5c));
    header = json_pack("{s:s, s:s, s:s, s:s}", "alg", "RS256", "jku", jku, "kid", signer->kid,
                       "typ", "JWT");
    if (header == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    header_json = json_dumps(header, JSON_COMPACT | JSON_SORT_KEYS);
    if (header_json == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    CHECK(cella_jws_base64url(header_json, strlen(header_json), &signer->header));
    signer->header_size = strlen(signer->header);
    *out = signer;
    signer = NULL;
    r = CELLA_OK;
out:
    free(header_json);
    json_decref(header);
    X509_free(x509);
    cella_jws_signer_destroy(signer);
    ERR_clear_error();
    return r;
}

void cella_jws_signer_destroy(cella_jws_signer_t *signer)
{
    if (signer == NULL)
        return;
    EVP_PKEY_free(signer->key);
    free(signer->header);
    free(signer->x5c);
    free(signer);
}

const char *cella_jws_signer_kid(const cella_jws_signer_t *signer)
{
    return signer->kid;
}

const char *cella_jws_signer_x5c(const cella_jws_signer_t *signer)
{
    return signer->x5c;
}

/* header "." base64url(claims) into a new buffer with room for a signature after it. */
static cella_result_t signing_input(const char *header, size_t header_size, const json_t *claims,
                                    size_t signature_room, char **input, size_t *input_size)
{
    char *payload_json = NULL;
    char *payload = NULL;
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;

    if (!json_is_object(claims))
        return CELLA_ERR_INVALID_ARGUMENT;
    payload_json = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
    if (payload_json == NULL)
        goto out;
    size_t payload_json_size = strlen(payload_json);
    if (payload_json_size > CELLA_JWS_MAX_PAYLOAD_BYTES) {
        r = CELLA_ERR_INVALID_ARGUMENT;
        goto out;
    }
    CHECK(cella_jws_base64url(payload_json, payload_json_size, &payload));
    size_t payload_size = strlen(payload);
    /* Sizes here are bounded by CELLA_JWS_MAX_PAYLOAD_BYTES: no overflow. */
    size_t total = header_size + 1 + payload_size + 1 + signature_room + 1;
    *input = malloc(total);
    if (*input == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    memcpy(*input, header, header_size);
    (*input)[header_size] = '.';
    memcpy(*input + header_size + 1, payload, payload_size);
    *input_size = header_size + 1 + payload_size;
    (*input)[*input_size] = '\0';
    r = CELLA_OK;
out:
    free(payload_json);
    free(payload);
    return r;
}

cella_result_t cella_jws_sign(const cella_jws_signer_t *signer, const json_t *claims, char **token)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    EVP_MD_CTX *context = NULL;
    char *input = NULL;
    size_t input_size = 0;
    uint8_t signature[CELLA_JWS_RSA_BITS / 8 * 2];
    size_t signature_size = sizeof(signature);
    size_t text_size = 0;

    if (signer == NULL || claims == NULL || token == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (cella_encoding_base64_encoded_size(sizeof(signature), CELLA_ENCODING_BASE64_NOPAD,
                                           &text_size) != CELLA_OK)
        return CELLA_ERR_UNEXPECTED;
    CHECK(
        signing_input(signer->header, signer->header_size, claims, text_size, &input, &input_size));
    CHECK_SSL((context = EVP_MD_CTX_new()) != NULL, "EVP_MD_CTX_new");
    CHECK_SSL(EVP_DigestSignInit(context, NULL, signer->sha256, NULL, signer->key) == 1,
              "EVP_DigestSignInit");
    CHECK_SSL(EVP_DigestSign(context, signature, &signature_size, (const uint8_t *)input,
                             input_size) == 1,
              "signing a token");
    input[input_size] = '.';
    text_size += 1;
    CHECK(cella_encoding_base64url_encode(signature, signature_size, CELLA_ENCODING_BASE64_NOPAD,
                                          input + input_size + 1, &text_size));
    *token = input;
    input = NULL;
    r = CELLA_OK;
out:
    EVP_MD_CTX_free(context);
    free(input);
    ERR_clear_error();
    return r;
}

cella_result_t cella_jws_serialize_unsigned(const json_t *claims, char **token)
{
    /* base64url of {"alg":"none","typ":"JWT"} */
    static const char header[] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
    char *input = NULL;
    size_t input_size = 0;

    if (claims == NULL || token == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    cella_result_t r = signing_input(header, sizeof(header) - 1, claims, 0, &input, &input_size);
    if (r != CELLA_OK)
        return r;
    input[input_size] = '.';
    input[input_size + 1] = '\0';
    *token = input;
    return CELLA_OK;
}

/* ---- checking a policy JWS ----------------------------------------------------------------- */

struct algorithm {
    const char *name;
    const char *digest;
    const char *key_type; /* "RSA" or "EC" */
    bool pss;
    size_t ec_half; /* bytes of r and of s in an ES signature */
};

static const struct algorithm algorithms[] = {
    {"RS256", "SHA256", "RSA", false, 0}, {"RS384", "SHA384", "RSA", false, 0},
    {"RS512", "SHA512", "RSA", false, 0}, {"PS256", "SHA256", "RSA", true, 0},
    {"PS384", "SHA384", "RSA", true, 0},  {"PS512", "SHA512", "RSA", true, 0},
    {"ES256", "SHA256", "EC", false, 32}, {"ES384", "SHA384", "EC", false, 48},
    {"ES512", "SHA512", "EC", false, 66},
};

static void say(char *error, size_t error_size, const char *format, ...) CELLA_PRINTF(3, 4);

static void say(char *error, size_t error_size, const char *format, ...)
{
    va_list arguments;

    if (error == NULL || error_size == 0)
        return;
    va_start(arguments, format);
    vsnprintf(error, error_size, format, arguments);
    va_end(arguments);
}

/* A JWS ES signature (r || s) as the DER ECDSA-Sig-Value OpenSSL verifies. */
static cella_result_t ecdsa_der(const uint8_t *signature, size_t signature_size, size_t half,
                                uint8_t **der, size_t *der_size)
{
    cella_result_t r = CELLA_ERR_VERIFY_FAILED;
    ECDSA_SIG *sig = NULL;
    BIGNUM *br = NULL, *bs = NULL;
    unsigned char *encoded = NULL;

    if (signature_size != 2 * half)
        return CELLA_ERR_VERIFY_FAILED;
    br = BN_bin2bn(signature, (int)half, NULL);
    bs = BN_bin2bn(signature + half, (int)half, NULL);
    sig = ECDSA_SIG_new();
    if (br == NULL || bs == NULL || sig == NULL || ECDSA_SIG_set0(sig, br, bs) != 1)
        goto out;
    br = bs = NULL;
    int length = i2d_ECDSA_SIG(sig, &encoded);
    if (length <= 0)
        goto out;
    *der = encoded;
    *der_size = (size_t)length;
    encoded = NULL;
    r = CELLA_OK;
out:
    BN_free(br);
    BN_free(bs);
    ECDSA_SIG_free(sig);
    OPENSSL_free(encoded);
    return r;
}

/* Checks signature over input with the key of the first x5c certificate. */
static cella_result_t verify_with_x5c(const struct algorithm *algorithm, const json_t *x5c,
                                      const char *input, size_t input_size,
                                      const uint8_t *signature, size_t signature_size, char *error,
                                      size_t error_size)
{
    cella_result_t r = CELLA_ERR_VERIFY_FAILED;
    const char *first = json_string_value(json_array_get(x5c, 0));
    uint8_t *der = NULL;
    size_t der_size = 0;
    X509 *certificate = NULL;
    EVP_MD_CTX *context = NULL;
    EVP_PKEY_CTX *key_context = NULL;
    uint8_t *ecdsa = NULL;
    size_t ecdsa_size = 0;

    if (first == NULL) {
        say(error, error_size, "the JWS header's x5c is not an array of certificates");
        return CELLA_ERR_VERIFY_FAILED;
    }
    size_t first_size = strlen(first);
    der_size = cella_encoding_base64_decoded_max_size(first_size);
    der = malloc(der_size + 1);
    if (der == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    if (cella_encoding_base64_decode(first, first_size, CELLA_ENCODING_BASE64_PAD_OPTIONAL, der,
                                     &der_size) != CELLA_OK) {
        say(error, error_size, "x5c[0] is not standard base64");
        goto out;
    }
    const unsigned char *cursor = der;
    certificate = d2i_X509(NULL, &cursor, (long)der_size);
    if (certificate == NULL || cursor != der + der_size) {
        say(error, error_size, "x5c[0] is not one DER certificate");
        goto out;
    }
    EVP_PKEY *key = X509_get0_pubkey(certificate);
    if (key == NULL || !EVP_PKEY_is_a(key, algorithm->key_type)) {
        say(error, error_size, "the key of x5c[0] cannot make %s signatures", algorithm->name);
        goto out;
    }
    if (algorithm->ec_half != 0) {
        if (ecdsa_der(signature, signature_size, algorithm->ec_half, &ecdsa, &ecdsa_size) !=
            CELLA_OK) {
            say(error, error_size, "the %s signature has the wrong size", algorithm->name);
            goto out;
        }
        signature = ecdsa;
        signature_size = ecdsa_size;
    }
    context = EVP_MD_CTX_new();
    if (context == NULL ||
        EVP_DigestVerifyInit_ex(context, &key_context, algorithm->digest, NULL, NULL, key, NULL) !=
            1 ||
        (algorithm->pss &&
         (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1 ||
          EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST) != 1))) {
        say(error, error_size, "cannot check a %s signature", algorithm->name);
        goto out;
    }
    if (EVP_DigestVerify(context, signature, signature_size, (const uint8_t *)input, input_size) !=
        1) {
        say(error, error_size, "the JWS signature does not verify with the key of x5c[0]");
        goto out;
    }
    r = CELLA_OK;
out:
    EVP_MD_CTX_free(context);
    X509_free(certificate);
    OPENSSL_free(ecdsa);
    free(der);
    ERR_clear_error();
    return r;
}

void cella_jws_parsed_clear(cella_jws_parsed_t *parsed)
{
    if (parsed == NULL)
        return;
    json_decref(parsed->header);
    json_decref(parsed->signer);
    free(parsed->payload);
    memset(parsed, 0, sizeof(*parsed));
}

cella_result_t cella_jws_parse(const char *text, size_t text_size, cella_jws_parsed_t *parsed,
                               char *error, size_t error_size)
{
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;
    cella_jws_parsed_t result = {NULL, NULL, 0, NULL};
    char *header_text = NULL;
    size_t header_size = 0;
    char *signature = NULL;
    size_t signature_size = 0;
    json_error_t json_error;

    if (text == NULL || parsed == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    const char *first = memchr(text, '.', text_size);
    const char *second =
        first != NULL ? memchr(first + 1, '.', text_size - (size_t)(first + 1 - text)) : NULL;
    if (first == NULL || second == NULL ||
        memchr(second + 1, '.', text_size - (size_t)(second + 1 - text)) != NULL) {
        say(error, error_size, "not a JWS: a JWS has exactly three parts separated by '.'");
        return CELLA_ERR_INVALID_FORMAT;
    }
    size_t header_part = (size_t)(first - text);
    size_t payload_part = (size_t)(second - first - 1);
    size_t signature_part = text_size - (size_t)(second + 1 - text);
    if (header_part == 0 ||
        cella_jws_base64url_decode(text, header_part, &header_text, &header_size) != CELLA_OK) {
        say(error, error_size, "not a JWS: its header is not base64url");
        goto out;
    }
    result.header = json_loadb(header_text, header_size, JSON_REJECT_DUPLICATES, &json_error);
    const char *alg = json_string_value(json_object_get(result.header, "alg"));
    if (!json_is_object(result.header) || alg == NULL) {
        say(error, error_size, "not a JWS: its header is not a JSON object with an \"alg\"");
        goto out;
    }
    if (cella_jws_base64url_decode(first + 1, payload_part, &result.payload,
                                   &result.payload_size) != CELLA_OK ||
        cella_jws_base64url_decode(second + 1, signature_part, &signature, &signature_size) !=
            CELLA_OK) {
        say(error, error_size, "the JWS payload or signature is not base64url");
        goto out;
    }
    r = CELLA_ERR_VERIFY_FAILED;
    if (strcmp(alg, "none") == 0) {
        if (signature_part != 0) {
            say(error, error_size, "a JWS with alg \"none\" must have an empty signature");
            goto out;
        }
    } else {
        const struct algorithm *algorithm = NULL;
        for (size_t i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++)
            if (strcmp(alg, algorithms[i].name) == 0)
                algorithm = &algorithms[i];
        if (algorithm == NULL) {
            say(error, error_size, "the JWS algorithm \"%.32s\" is not supported", alg);
            goto out;
        }
        json_t *x5c = json_object_get(result.header, "x5c");
        if (!json_is_array(x5c) || json_array_size(x5c) == 0) {
            say(error, error_size, "a signed JWS must carry its signer's certificate in x5c");
            goto out;
        }
        CHECK(verify_with_x5c(algorithm, x5c, text, (size_t)(second - text),
                              (const uint8_t *)signature, signature_size, error, error_size));
        result.signer = json_pack("{s:s, s:O}", "kty", algorithm->key_type, "x5c", x5c);
        if (result.signer == NULL) {
            r = CELLA_ERR_OUT_OF_MEMORY;
            goto out;
        }
    }
    *parsed = result;
    memset(&result, 0, sizeof(result));
    r = CELLA_OK;
out:
    cella_jws_parsed_clear(&result);
    free(header_text);
    free(signature);
    return r;
}
