/* SPDX-License-Identifier: Apache-2.0 */
/* samples/card-processing/enclave.c: the trusted side: keys, decryption, checks, tokens. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cella/crypto.h>
#include <sgx_tcrypto.h>
#include <sgx_trts.h>
#include <sgx_tseal.h>
#include <sgx_utils.h>

#include "card_t.h"
#include "protocol.h"

#define CARD_DIGITS_MIN    13
#define CARD_DIGITS_MAX    19
#define TOKEN_KEY_BYTES    32
#define SESSION_KEYS_BYTES (2 * CARD_KEY_BYTES)

/* What the enclave seals: its two keys. */
typedef struct card_keys {
    sgx_ec256_private_t private_key;    /* ECDH, little-endian as in sgx_tcrypto.h */
    uint8_t token_key[TOKEN_KEY_BYTES]; /* HMAC-SHA256 key of the tokens */
} card_keys_t;

/* Authenticated in the blob, in clear: says what the blob is, and its format's version. */
static const char sealed_label[] = "cella card-processing keys v1";

static card_keys_t keys;
static uint8_t public_key[CARD_PUBLIC_KEY_BYTES];
static bool have_keys;

/* The public key of keys.private_key, in the encoding the protocol uses. */
static sgx_status_t derive_public_key(void)
{
    uint8_t private_key[CELLA_CRYPTO_P256_PRIVATE_KEY_BYTES];
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    if (cella_crypto_p256_private_key_from_sgx(&keys.private_key, private_key) == CELLA_OK &&
        cella_crypto_p256_get_public_key(private_key, public_key) == CELLA_OK)
        status = SGX_SUCCESS;
    explicit_bzero(private_key, sizeof(private_key));
    return status;
}

int card_keys_create(uint8_t *sealed, size_t sealed_capacity, size_t *sealed_size)
{
    sgx_ecc_state_handle_t ecc = NULL;
    sgx_ec256_public_t unused_public;
    uint32_t size = sgx_calc_sealed_data_size(sizeof(sealed_label), sizeof(keys));
    sgx_status_t status = SGX_ERROR_INVALID_STATE;

    if (have_keys)
        return status;
    *sealed_size = size;
    if (sealed_capacity < size)
        return SGX_ERROR_INVALID_PARAMETER;
    status = sgx_ecc256_open_context(&ecc);
    if (status != SGX_SUCCESS)
        goto out;
    status = sgx_ecc256_create_key_pair(&keys.private_key, &unused_public, ecc);
    if (status != SGX_SUCCESS)
        goto out;
    status = sgx_read_rand(keys.token_key, sizeof(keys.token_key));
    if (status != SGX_SUCCESS)
        goto out;
    status = derive_public_key();
    if (status != SGX_SUCCESS)
        goto out;
    /* sgx_seal_data's default policy: any enclave of this signer and product, at this
     * version or later, on this platform, opens the blob. */
    status = sgx_seal_data(sizeof(sealed_label), (const uint8_t *)sealed_label, sizeof(keys),
                           (const uint8_t *)&keys, size, (sgx_sealed_data_t *)sealed);
    if (status == SGX_SUCCESS)
        have_keys = true;
out:
    if (ecc != NULL)
        (void)sgx_ecc256_close_context(ecc);
    if (!have_keys)
        explicit_bzero(&keys, sizeof(keys));
    return status;
}

int card_keys_load(const uint8_t *sealed, size_t sealed_size)
{
    const sgx_sealed_data_t *blob = (const sgx_sealed_data_t *)sealed;
    char label[sizeof(sealed_label)];
    uint32_t label_size = sizeof(label), keys_size = sizeof(keys);

    if (have_keys)
        return SGX_ERROR_INVALID_STATE;
    /* The lengths in the blob's header must describe exactly the bytes the host gave. */
    if (sealed_size < sizeof(sgx_sealed_data_t) ||
        sgx_calc_sealed_data_size(sgx_get_add_mac_txt_len(blob), sgx_get_encrypt_txt_len(blob)) !=
            sealed_size)
        return SGX_ERROR_INVALID_PARAMETER;
    sgx_status_t status =
        sgx_unseal_data(blob, (uint8_t *)label, &label_size, (uint8_t *)&keys, &keys_size);
    if (status == SGX_SUCCESS &&
        (label_size != sizeof(label) || memcmp(label, sealed_label, sizeof(label)) != 0 ||
         keys_size != sizeof(keys)))
        status = SGX_ERROR_INVALID_PARAMETER; /* sealed by this signer, but something else */
    if (status == SGX_SUCCESS)
        status = derive_public_key();
    if (status == SGX_SUCCESS)
        have_keys = true;
    else
        explicit_bzero(&keys, sizeof(keys));
    return status;
}

int card_get_public_key(uint8_t *out)
{
    if (!have_keys)
        return SGX_ERROR_INVALID_STATE;
    memcpy(out, public_key, sizeof(public_key));
    return SGX_SUCCESS;
}

int card_make_report(const sgx_target_info_t *qe_target, sgx_report_t *report)
{
    sgx_report_data_t report_data;
    sgx_sha256_hash_t hash;

    if (!have_keys)
        return SGX_ERROR_INVALID_STATE;
    /* What MAA's runtimeData binding checks: SHA-256(runtime data) || 32 zero bytes. */
    sgx_status_t status = sgx_sha256_msg(public_key, sizeof(public_key), &hash);
    if (status != SGX_SUCCESS)
        return status;
    memset(&report_data, 0, sizeof(report_data));
    memcpy(report_data.d, hash, sizeof(hash));
    return sgx_create_report(qe_target, &report_data, report);
}

/*
 * The digits of a card number as people type it: 13 to 19 digits, in groups separated by
 * one space or one dash ("4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111").
 * Returns the number of digits, 0 when text is not such a number.
 */
static size_t read_card_number(const uint8_t *text, size_t size, char digits[CARD_DIGITS_MAX])
{
    size_t count = 0;
    bool after_digit = false;

    for (size_t i = 0; i < size; i++) {
        if (text[i] >= '0' && text[i] <= '9') {
            if (count == CARD_DIGITS_MAX)
                return 0;
            digits[count++] = (char)text[i];
            after_digit = true;
        } else if ((text[i] == ' ' || text[i] == '-') && after_digit && i + 1 < size) {
            after_digit = false;
        } else {
            return 0;
        }
    }
    return after_digit && count >= CARD_DIGITS_MIN ? count : 0;
}

/* The Luhn check (ISO/IEC 7812-1): the last digit makes the weighted sum a multiple of 10. */
static bool luhn_holds(const char *digits, size_t count)
{
    unsigned sum = 0;

    for (size_t i = 0; i < count; i++) {
        unsigned digit = (unsigned)(digits[count - 1 - i] - '0');
        if (i % 2 == 1) {
            digit *= 2;
            if (digit > 9)
                digit -= 9;
        }
        sum += digit;
    }
    return sum % 10 == 0;
}

/* The request and answer keys of one request, from its ephemeral public key. */
static sgx_status_t derive_session_keys(const uint8_t ephemeral[CARD_PUBLIC_KEY_BYTES],
                                        uint8_t session_keys[SESSION_KEYS_BYTES])
{
    sgx_ecc_state_handle_t ecc = NULL;
    sgx_ec256_public_t peer;
    sgx_ec256_dh_shared_t shared;
    uint8_t shared_big_endian[sizeof(shared.s)];
    uint8_t info[sizeof(CARD_KDF_INFO) - 1 + 2 * CARD_PUBLIC_KEY_BYTES];
    sgx_status_t status = SGX_ERROR_INVALID_PARAMETER;

    /* Uncompressed points only; compute_shared_dhkey refuses a point off the curve. */
    if (cella_crypto_p256_public_key_to_sgx(ephemeral, &peer) != CELLA_OK)
        goto out;
    status = sgx_ecc256_open_context(&ecc);
    if (status != SGX_SUCCESS)
        goto out;
    status = sgx_ecc256_compute_shared_dhkey(&keys.private_key, &peer, &shared, ecc);
    if (status != SGX_SUCCESS)
        goto out;
    /* sgx_tcrypto.h gives the x coordinate little-endian; the protocol uses it big-endian. */
    for (size_t i = 0; i < sizeof(shared.s); i++)
        shared_big_endian[i] = shared.s[sizeof(shared.s) - 1 - i];
    memcpy(info, CARD_KDF_INFO, sizeof(CARD_KDF_INFO) - 1);
    memcpy(info + sizeof(CARD_KDF_INFO) - 1, ephemeral, CARD_PUBLIC_KEY_BYTES);
    memcpy(info + sizeof(CARD_KDF_INFO) - 1 + CARD_PUBLIC_KEY_BYTES, public_key,
           CARD_PUBLIC_KEY_BYTES);
    status = cella_crypto_hkdf_sha256(NULL, 0, shared_big_endian, sizeof(shared_big_endian), info,
                                      sizeof(info), session_keys, SESSION_KEYS_BYTES) == CELLA_OK
                 ? SGX_SUCCESS
                 : SGX_ERROR_UNEXPECTED;
out:
    if (ecc != NULL)
        (void)sgx_ecc256_close_context(ecc);
    explicit_bzero(&shared, sizeof(shared));
    explicit_bzero(shared_big_endian, sizeof(shared_big_endian));
    return status;
}

static void to_hex(const uint8_t *bytes, size_t size, uint8_t *text)
{
    static const char hex_digits[] = "0123456789abcdef";
    for (size_t i = 0; i < size; i++) {
        text[2 * i] = (uint8_t)hex_digits[bytes[i] >> 4];
        text[2 * i + 1] = (uint8_t)hex_digits[bytes[i] & 0x0f];
    }
}

int card_process(const uint8_t *request, size_t request_size, uint8_t *answer, size_t answer_size)
{
    static const uint8_t zero_iv[CARD_IV_BYTES] = {0};
    uint8_t session_keys[SESSION_KEYS_BYTES];
    uint8_t text[CARD_NUMBER_MAX_BYTES];
    char digits[CARD_DIGITS_MAX];
    uint8_t mac[SGX_HMAC256_MAC_SIZE];
    uint8_t sealed[CARD_ANSWER_TAGGED_BYTES - 1];
    sgx_aes_gcm_128bit_tag_t tag;
    size_t count = 0;
    sgx_status_t status = SGX_ERROR_INVALID_STATE;

    if (!have_keys)
        return status;
    if (answer_size != CARD_ANSWER_BYTES)
        return SGX_ERROR_INVALID_PARAMETER;
    memset(answer, 0, answer_size);
    answer[0] = CARD_RESULT_UNREADABLE;
    if (request_size < CARD_REQUEST_MIN_BYTES || request_size > CARD_REQUEST_MAX_BYTES)
        return SGX_SUCCESS;
    size_t text_size = request_size - CARD_REQUEST_HEADER_BYTES - CARD_TAG_BYTES;
    if (derive_session_keys(request, session_keys) != SGX_SUCCESS) {
        status = SGX_SUCCESS; /* not a point of the curve: unreadable, not an enclave error */
        goto out;
    }
    /* The tag is checked before anything is decrypted (docs/crypto.md). */
    memcpy(tag, request + CARD_REQUEST_HEADER_BYTES + text_size, sizeof(tag));
    status = sgx_rijndael128GCM_decrypt((const sgx_aes_gcm_128bit_key_t *)session_keys,
                                        request + CARD_REQUEST_HEADER_BYTES, (uint32_t)text_size,
                                        text, request + CARD_PUBLIC_KEY_BYTES, CARD_IV_BYTES, NULL,
                                        0, (const sgx_aes_gcm_128bit_tag_t *)&tag);
    if (status != SGX_SUCCESS) {
        status = SGX_SUCCESS; /* answered CARD_RESULT_UNREADABLE */
        goto out;
    }

    count = read_card_number(text, text_size, digits);
    if (count == 0) {
        answer[0] = CARD_RESULT_NOT_A_CARD_NUMBER;
    } else if (!luhn_holds(digits, count)) {
        answer[0] = CARD_RESULT_CHECKSUM_FAILED;
    } else {
        /* The same card gives the same token as long as the sealed key lives. */
        status = sgx_hmac_sha256_msg((const unsigned char *)digits, (int)count, keys.token_key,
                                     (int)sizeof(keys.token_key), mac, (int)sizeof(mac));
        if (status != SGX_SUCCESS)
            goto out;
        answer[0] = CARD_RESULT_OK;
        memcpy(answer + 1, "**** **** **** ", 15);
        memcpy(answer + 16, digits + count - 4, 4);
        to_hex(mac, sizeof(mac), answer + 1 + CARD_MASKED_BYTES);
    }
    /* Only the client shares the answer key: the host can neither read masked number and
     * token nor change the answer unnoticed. */
    status = sgx_rijndael128GCM_encrypt(
        (const sgx_aes_gcm_128bit_key_t *)(session_keys + CARD_KEY_BYTES), answer + 1,
        CARD_ANSWER_TAGGED_BYTES - 1, sealed, zero_iv, CARD_IV_BYTES, answer, 1,
        (sgx_aes_gcm_128bit_tag_t *)(answer + CARD_ANSWER_TAGGED_BYTES));
    if (status == SGX_SUCCESS)
        memcpy(answer + 1, sealed, sizeof(sealed));
out:
    if (status != SGX_SUCCESS) {
        memset(answer, 0, answer_size);
        answer[0] = CARD_RESULT_UNREADABLE;
    }
    explicit_bzero(session_keys, sizeof(session_keys));
    explicit_bzero(text, sizeof(text));
    explicit_bzero(digits, sizeof(digits));
    explicit_bzero(mac, sizeof(mac));
    explicit_bzero(sealed, sizeof(sealed));
    return status;
}
