/* SPDX-License-Identifier: Apache-2.0 */
/* host/sigstruct.c: SIGSTRUCT signing, signature insertion and checking with OpenSSL 3. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cella/memory.h>
#include <cella/sigstruct.h>

#include "log_internal.h"

#define KEY_BYTES CELLA_SIGSTRUCT_KEY_BYTES

static const char key_hint[] =
    "SGX needs RSA-3072 with exponent 3; make one with: openssl genrsa -3 -out "
    "Enclave_private.pem 3072";

static const uint8_t header_constant[CELLA_SIGSTRUCT_HEADER_BYTES] = CELLA_SIGSTRUCT_HEADER;
static const uint8_t header2_constant[CELLA_SIGSTRUCT_HEADER2_BYTES] = CELLA_SIGSTRUCT_HEADER2;

/* Big-endian (RSA library) and little-endian (SIGSTRUCT) numbers are byte-reversed. */
static void reverse_copy(uint8_t *out, const uint8_t *in, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = in[size - 1 - i];
}

/* The last OpenSSL error as text, for log messages; clears the error queue. */
static const char *openssl_reason(void)
{
    unsigned long code = ERR_peek_last_error();
    const char *reason = code != 0 ? ERR_reason_error_string(code) : NULL;
    ERR_clear_error();
    return reason != NULL ? reason : "unknown reason";
}

/* Refuses to prompt: keys given to cella must not be encrypted. */
static int no_passphrase(char *passphrase, size_t passphrase_size, size_t *passphrase_length,
                         const OSSL_PARAM params[], void *arg)
{
    (void)passphrase;
    (void)passphrase_size;
    (void)passphrase_length;
    (void)params;
    (void)arg;
    return 0;
}

/* Decodes a PEM or DER key of any kind; the caller checks what it got. */
static cella_result_t load_key(const void *key, size_t key_size, EVP_PKEY **out)
{
    OSSL_DECODER_CTX *decoder = NULL;
    EVP_PKEY *pkey = NULL;
    const unsigned char *data = key;
    size_t remaining = key_size;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (key == NULL || key_size == 0) {
        cella_log(CELLA_LOG_ERROR, "signing key: empty");
        return CELLA_ERR_INVALID_FORMAT;
    }
    decoder = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL, 0, NULL, NULL);
    if (decoder == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    if (OSSL_DECODER_CTX_set_passphrase_cb(decoder, no_passphrase, NULL) != 1)
        goto out;
    if (OSSL_DECODER_from_data(decoder, &data, &remaining) != 1 || pkey == NULL) {
        cella_log(CELLA_LOG_ERROR,
                  "signing key: not a PEM or DER key, or an encrypted one (%s); encrypted keys "
                  "are not supported: sign in two steps with gendata and catsig",
                  openssl_reason());
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    *out = pkey;
    pkey = NULL;
    r = CELLA_OK;
out:
    EVP_PKEY_free(pkey);
    OSSL_DECODER_CTX_free(decoder);
    return r;
}

/* RSA, 3072 bits, e = 3; with need_private, the private exponent too. */
static cella_result_t check_key(EVP_PKEY *pkey, bool need_private)
{
    BIGNUM *exponent = NULL;
    BIGNUM *private_exponent = NULL;
    char *exponent_text = NULL;
    cella_result_t r = CELLA_ERR_INVALID_ARGUMENT;

    if (!EVP_PKEY_is_a(pkey, "RSA")) {
        cella_log(CELLA_LOG_ERROR, "signing key: a %s key, not RSA; %s",
                  EVP_PKEY_get0_type_name(pkey) != NULL ? EVP_PKEY_get0_type_name(pkey) : "non-RSA",
                  key_hint);
        goto out;
    }
    if (EVP_PKEY_get_bits(pkey) != CELLA_SIGSTRUCT_KEY_BITS) {
        cella_log(CELLA_LOG_ERROR, "signing key: RSA-%d; %s", EVP_PKEY_get_bits(pkey), key_hint);
        goto out;
    }
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &exponent) != 1) {
        r = CELLA_ERR_UNEXPECTED;
        goto out;
    }
    if (!BN_is_word(exponent, CELLA_SIGSTRUCT_EXPONENT)) {
        exponent_text = BN_bn2dec(exponent);
        cella_log(CELLA_LOG_ERROR, "signing key: public exponent %s, not 3; %s",
                  exponent_text != NULL ? exponent_text : "other", key_hint);
        goto out;
    }
    if (need_private &&
        EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D, &private_exponent) != 1) {
        ERR_clear_error();
        cella_log(CELLA_LOG_ERROR, "signing key: a public key; signing needs the private key "
                                   "(or sign in two steps with gendata and catsig)");
        goto out;
    }
    r = CELLA_OK;
out:
    OPENSSL_free(exponent_text);
    BN_free(exponent);
    BN_clear_free(private_exponent);
    return r;
}

/* The key's modulus, little-endian, into modulus. */
static cella_result_t get_modulus(EVP_PKEY *pkey, uint8_t modulus[KEY_BYTES])
{
    BIGNUM *n = NULL;
    uint8_t big_endian[KEY_BYTES];
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1)
        goto out;
    if (BN_bn2binpad(n, big_endian, KEY_BYTES) != KEY_BYTES)
        goto out;
    reverse_copy(modulus, big_endian, KEY_BYTES);
    r = CELLA_OK;
out:
    BN_free(n);
    return r;
}

/* The RSA public key (modulus, e = 3) of a SIGSTRUCT. */
static cella_result_t public_key_from_sigstruct(const cella_sigstruct_t *sigstruct, EVP_PKEY **out)
{
    uint8_t big_endian[KEY_BYTES];
    BIGNUM *n = NULL;
    BIGNUM *e = NULL;
    OSSL_PARAM_BLD *builder = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *context = NULL;
    EVP_PKEY *pkey = NULL;
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;

    reverse_copy(big_endian, sigstruct->modulus, KEY_BYTES);
    n = BN_bin2bn(big_endian, KEY_BYTES, NULL);
    e = BN_new();
    builder = OSSL_PARAM_BLD_new();
    context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (n == NULL || e == NULL || builder == NULL || context == NULL)
        goto out;
    r = CELLA_ERR_UNEXPECTED;
    if (BN_set_word(e, sigstruct->exponent) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e) != 1)
        goto out;
    params = OSSL_PARAM_BLD_to_param(builder);
    if (params == NULL || EVP_PKEY_fromdata_init(context) != 1 ||
        EVP_PKEY_fromdata(context, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        goto out;
    *out = pkey;
    pkey = NULL;
    r = CELLA_OK;
out:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    BN_free(e);
    BN_free(n);
    return r;
}

/* Q1 = floor(S^2 / N) and Q2 = floor(((S^2 mod N) * S) / N), little-endian. */
static cella_result_t compute_q1_q2(const cella_sigstruct_t *sigstruct, uint8_t q1[KEY_BYTES],
                                    uint8_t q2[KEY_BYTES])
{
    uint8_t big_endian[KEY_BYTES];
    BN_CTX *context = BN_CTX_new();
    BIGNUM *s = NULL;
    BIGNUM *n = NULL;
    BIGNUM *product = BN_new();
    BIGNUM *remainder = BN_new();
    BIGNUM *quotient = BN_new();
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;

    reverse_copy(big_endian, sigstruct->signature, KEY_BYTES);
    s = BN_bin2bn(big_endian, KEY_BYTES, NULL);
    reverse_copy(big_endian, sigstruct->modulus, KEY_BYTES);
    n = BN_bin2bn(big_endian, KEY_BYTES, NULL);
    if (context == NULL || s == NULL || n == NULL || product == NULL || remainder == NULL ||
        quotient == NULL)
        goto out;
    r = CELLA_ERR_UNEXPECTED;
    if (BN_is_zero(n))
        goto out;
    /* Q1 and Q2 are below S < N, so each fits in KEY_BYTES. */
    if (BN_mul(product, s, s, context) != 1 ||
        BN_div(quotient, remainder, product, n, context) != 1 ||
        BN_bn2binpad(quotient, big_endian, KEY_BYTES) != KEY_BYTES)
        goto out;
    reverse_copy(q1, big_endian, KEY_BYTES);
    if (BN_mul(product, remainder, s, context) != 1 ||
        BN_div(quotient, remainder, product, n, context) != 1 ||
        BN_bn2binpad(quotient, big_endian, KEY_BYTES) != KEY_BYTES)
        goto out;
    reverse_copy(q2, big_endian, KEY_BYTES);
    r = CELLA_OK;
out:
    BN_free(quotient);
    BN_free(remainder);
    BN_free(product);
    BN_free(n);
    BN_free(s);
    BN_CTX_free(context);
    return r;
}

/* RSASSA-PKCS1-v1_5 / SHA-256 check of a big-endian signature over the signed bytes. */
static bool signature_matches(EVP_PKEY *pkey, const cella_sigstruct_t *sigstruct,
                              const uint8_t signature[KEY_BYTES])
{
    uint8_t data[CELLA_SIGSTRUCT_SIGNED_BYTES];
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    bool matches = false;

    if (context == NULL ||
        cella_sigstruct_get_signing_data(sigstruct, data, sizeof(data)) != CELLA_OK)
        goto out;
    if (EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, pkey) != 1)
        goto out;
    matches = EVP_DigestVerify(context, signature, KEY_BYTES, data, sizeof(data)) == 1;
out:
    ERR_clear_error();
    EVP_MD_CTX_free(context);
    return matches;
}

void cella_sigstruct_init(cella_sigstruct_t *sigstruct)
{
    if (sigstruct == NULL)
        return;
    memset(sigstruct, 0, sizeof(*sigstruct));
    memcpy(sigstruct->header, header_constant, sizeof(header_constant));
    memcpy(sigstruct->header2, header2_constant, sizeof(header2_constant));
    sigstruct->exponent = CELLA_SIGSTRUCT_EXPONENT;
}

static uint32_t to_bcd(unsigned value, unsigned digits)
{
    uint32_t bcd = 0;
    for (unsigned i = 0; i < digits; i++) {
        bcd |= (uint32_t)(value % 10) << (4 * i);
        value /= 10;
    }
    return bcd;
}

cella_result_t cella_sigstruct_get_date(int64_t unix_time, uint32_t *date)
{
    struct tm utc;
    time_t seconds;

    /* 253402300799 is 9999-12-31T23:59:59Z, the last time with a 4-digit year. */
    if (date == NULL || unix_time < 0 || unix_time > 253402300799LL)
        return CELLA_ERR_INVALID_ARGUMENT;
    seconds = (time_t)unix_time;
    if (gmtime_r(&seconds, &utc) == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    *date = to_bcd((unsigned)utc.tm_year + 1900, 4) << 16 |
            to_bcd((unsigned)utc.tm_mon + 1, 2) << 8 | to_bcd((unsigned)utc.tm_mday, 2);
    return CELLA_OK;
}

cella_result_t cella_sigstruct_get_signing_data(const cella_sigstruct_t *sigstruct, uint8_t *data,
                                                size_t data_size)
{
    const uint8_t *bytes = (const uint8_t *)sigstruct;

    if (sigstruct == NULL || data == NULL || data_size != CELLA_SIGSTRUCT_SIGNED_BYTES)
        return CELLA_ERR_INVALID_ARGUMENT;
    memcpy(data, bytes + CELLA_SIGSTRUCT_SIGNED_HEADER_OFFSET, CELLA_SIGSTRUCT_SIGNED_HEADER_BYTES);
    memcpy(data + CELLA_SIGSTRUCT_SIGNED_HEADER_BYTES, bytes + CELLA_SIGSTRUCT_SIGNED_BODY_OFFSET,
           CELLA_SIGSTRUCT_SIGNED_BODY_BYTES);
    return CELLA_OK;
}

/* Fills the key fields of copy from a big-endian signature and checks the result. */
static cella_result_t complete(cella_sigstruct_t *copy, EVP_PKEY *pkey,
                               const uint8_t signature[KEY_BYTES])
{
    cella_result_t r;

    r = get_modulus(pkey, copy->modulus);
    if (r != CELLA_OK)
        return r;
    copy->exponent = CELLA_SIGSTRUCT_EXPONENT;
    if (!signature_matches(pkey, copy, signature)) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: the signature does not verify with this key over "
                                   "the enclave's signing data");
        return CELLA_ERR_VERIFY_FAILED;
    }
    reverse_copy(copy->signature, signature, KEY_BYTES);
    r = compute_q1_q2(copy, copy->q1, copy->q2);
    if (r != CELLA_OK)
        return r;
    return cella_sigstruct_verify(copy);
}

cella_result_t cella_sigstruct_sign(cella_sigstruct_t *sigstruct, const void *key, size_t key_size)
{
    cella_sigstruct_t copy;
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *context = NULL;
    uint8_t data[CELLA_SIGSTRUCT_SIGNED_BYTES];
    uint8_t signature[KEY_BYTES];
    size_t signature_size = sizeof(signature);
    cella_result_t r;

    if (sigstruct == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    r = load_key(key, key_size, &pkey);
    if (r != CELLA_OK)
        goto out;
    r = check_key(pkey, true);
    if (r != CELLA_OK)
        goto out;
    copy = *sigstruct;
    r = cella_sigstruct_get_signing_data(&copy, data, sizeof(data));
    if (r != CELLA_OK)
        goto out;
    r = CELLA_ERR_OUT_OF_MEMORY;
    context = EVP_MD_CTX_new();
    if (context == NULL)
        goto out;
    r = CELLA_ERR_UNEXPECTED;
    if (EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, pkey) != 1 ||
        EVP_DigestSign(context, signature, &signature_size, data, sizeof(data)) != 1 ||
        signature_size != sizeof(signature)) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: signing failed: %s", openssl_reason());
        goto out;
    }
    r = complete(&copy, pkey, signature);
    if (r != CELLA_OK)
        goto out;
    *sigstruct = copy;
    r = CELLA_OK;
out:
    EVP_MD_CTX_free(context);
    EVP_PKEY_free(pkey); /* clears the private key */
    return r;
}

cella_result_t cella_sigstruct_set_signature(cella_sigstruct_t *sigstruct, const void *public_key,
                                             size_t public_key_size, const void *signature,
                                             size_t signature_size)
{
    cella_sigstruct_t copy;
    EVP_PKEY *pkey = NULL;
    cella_result_t r;

    if (sigstruct == NULL || signature == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (signature_size != KEY_BYTES) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: the signature has %zu bytes; RSA-3072 gives %d",
                  signature_size, KEY_BYTES);
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    r = load_key(public_key, public_key_size, &pkey);
    if (r != CELLA_OK)
        goto out;
    r = check_key(pkey, false);
    if (r != CELLA_OK)
        goto out;
    copy = *sigstruct;
    r = complete(&copy, pkey, signature);
    if (r != CELLA_OK)
        goto out;
    *sigstruct = copy;
out:
    EVP_PKEY_free(pkey);
    return r;
}

/* The structural checks: constants and reserved fields. */
static bool layout_valid(const cella_sigstruct_t *sigstruct)
{
    if (memcmp(sigstruct->header, header_constant, sizeof(header_constant)) != 0 ||
        memcmp(sigstruct->header2, header2_constant, sizeof(header2_constant)) != 0) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: HEADER or HEADER2 is not the constant SGX wants");
        return false;
    }
    if ((sigstruct->type & ~CELLA_SIGSTRUCT_TYPE_DEBUG) != 0) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: TYPE 0x%08x has bits other than bit 31",
                  sigstruct->type);
        return false;
    }
    if (sigstruct->module_vendor != 0 && sigstruct->module_vendor != CELLA_SIGSTRUCT_VENDOR_INTEL) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: MODULEVENDOR 0x%x is neither 0 nor 0x8086",
                  sigstruct->module_vendor);
        return false;
    }
    if (!cella_memory_is_zero_ct(sigstruct->reserved1, sizeof(sigstruct->reserved1)) ||
        !cella_memory_is_zero_ct(sigstruct->reserved2, sizeof(sigstruct->reserved2)) ||
        !cella_memory_is_zero_ct(sigstruct->reserved3, sizeof(sigstruct->reserved3)) ||
        !cella_memory_is_zero_ct(sigstruct->reserved4, sizeof(sigstruct->reserved4))) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: reserved bytes are not zero");
        return false;
    }
    if (sigstruct->exponent != CELLA_SIGSTRUCT_EXPONENT) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: EXPONENT %u, SGX requires 3", sigstruct->exponent);
        return false;
    }
    /* A 3072-bit modulus has its top bit set; an RSA modulus is odd. */
    if ((sigstruct->modulus[KEY_BYTES - 1] & 0x80) == 0 || (sigstruct->modulus[0] & 1) == 0) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: MODULUS is not a 3072-bit RSA modulus");
        return false;
    }
    /* SIGNATURE < MODULUS, compared as little-endian numbers from the top byte down. */
    for (size_t i = KEY_BYTES; i-- > 0;) {
        if (sigstruct->signature[i] < sigstruct->modulus[i])
            return true;
        if (sigstruct->signature[i] > sigstruct->modulus[i])
            break;
    }
    cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: SIGNATURE is not below MODULUS");
    return false;
}

cella_result_t cella_sigstruct_verify(const cella_sigstruct_t *sigstruct)
{
    EVP_PKEY *pkey = NULL;
    uint8_t signature[KEY_BYTES];
    uint8_t q1[KEY_BYTES];
    uint8_t q2[KEY_BYTES];
    cella_result_t r;

    if (sigstruct == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!layout_valid(sigstruct))
        return CELLA_ERR_VERIFY_FAILED;
    r = public_key_from_sigstruct(sigstruct, &pkey);
    if (r != CELLA_OK)
        goto out;
    reverse_copy(signature, sigstruct->signature, KEY_BYTES);
    if (!signature_matches(pkey, sigstruct, signature)) {
        cella_log(CELLA_LOG_ERROR,
                  "SIGSTRUCT: the RSA signature does not match the signed fields and MODULUS");
        r = CELLA_ERR_VERIFY_FAILED;
        goto out;
    }
    r = compute_q1_q2(sigstruct, q1, q2);
    if (r != CELLA_OK)
        goto out;
    if (memcmp(q1, sigstruct->q1, KEY_BYTES) != 0 || memcmp(q2, sigstruct->q2, KEY_BYTES) != 0) {
        cella_log(CELLA_LOG_ERROR, "SIGSTRUCT: Q1 or Q2 does not match SIGNATURE and MODULUS");
        r = CELLA_ERR_VERIFY_FAILED;
        goto out;
    }
    r = CELLA_OK;
out:
    EVP_PKEY_free(pkey);
    return r;
}

cella_result_t cella_sigstruct_get_mrsigner(const cella_sigstruct_t *sigstruct,
                                            sgx_measurement_t *mrsigner)
{
    unsigned int size = 0;

    if (sigstruct == NULL || mrsigner == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (EVP_Digest(sigstruct->modulus, KEY_BYTES, mrsigner->m, &size, EVP_sha256(), NULL) != 1 ||
        size != sizeof(mrsigner->m)) {
        ERR_clear_error();
        return CELLA_ERR_UNEXPECTED;
    }
    return CELLA_OK;
}
