/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/seal.c: sealing (sgx_tseal.h): AES-128-GCM under a key only this enclave gets. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sgx_tcrypto.h>
#include <sgx_trts.h>
#include <sgx_tseal.h>
#include <sgx_utils.h>

#include "internal.h"

/*
 * A blob is SGX's sgx_sealed_data_t: the key request that derives the seal key, then the
 * ciphertext and the additional MAC text (in clear) under one AES-128-GCM tag. Every seal
 * draws a fresh random key ID, hence a fresh key, which is what makes the all-zero IV safe.
 * The key request binds the blob to the sealing enclave's identity (MRSIGNER or MRENCLAVE
 * policy), its ISVSVN and the platform's CPUSVN at the time of sealing; docs/sealing.md says
 * what that means for upgrades.
 *
 * The fields the tag does not cover (the reserved bytes) must be zero, so that changing any
 * byte of a blob makes unsealing fail.
 */

#define SEAL_HEADER_BYTES ((uint32_t)sizeof(sgx_sealed_data_t))

#define KEY_POLICY_KSS \
    (SGX_KEYPOLICY_CONFIGID | SGX_KEYPOLICY_ISVFAMILYID | SGX_KEYPOLICY_ISVEXTPRODID)
#define KEY_POLICY_IDENTITY (SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER)
/* The policies the SDK's calls take: sealing also NOISVPRODID and the KSS identities, MAC-only
 * blobs an identity alone. */
#define KEY_POLICY_SEAL (KEY_POLICY_IDENTITY | SGX_KEYPOLICY_NOISVPRODID | KEY_POLICY_KSS)
#define KEY_POLICY_MAC  KEY_POLICY_IDENTITY

static const uint8_t zero_iv[SGX_SEAL_IV_SIZE];

uint32_t sgx_calc_sealed_data_size(const uint32_t add_mac_txt_size, const uint32_t txt_encrypt_size)
{
    uint32_t payload, total;

    if (__builtin_add_overflow(add_mac_txt_size, txt_encrypt_size, &payload) ||
        __builtin_add_overflow(payload, SEAL_HEADER_BYTES, &total))
        return UINT32_MAX;
    return total;
}

uint32_t sgx_get_add_mac_txt_len(const sgx_sealed_data_t *p_sealed_data)
{
    if (p_sealed_data == NULL)
        return UINT32_MAX;
    uint32_t payload = p_sealed_data->aes_data.payload_size;
    uint32_t encrypted = p_sealed_data->plain_text_offset;
    return encrypted > payload ? UINT32_MAX : payload - encrypted;
}

uint32_t sgx_get_encrypt_txt_len(const sgx_sealed_data_t *p_sealed_data)
{
    if (p_sealed_data == NULL)
        return UINT32_MAX;
    return p_sealed_data->plain_text_offset;
}

/* A range wholly inside the enclave or wholly outside it; never one that straddles. */
static bool inside_or_outside(const void *p, uint32_t size)
{
    return sgx_is_within_enclave(p, size) || sgx_is_outside_enclave(p, size);
}

static bool overlap(const void *a, size_t a_size, const void *b, size_t b_size)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return a_size > 0 && b_size > 0 && x < y + b_size && y < x + a_size;
}

/* Seals enc (may be empty for a MAC-only blob) and add into blob; arguments checked against
 * allowed_policy and the rest of the SDK's rules. */
static sgx_status_t seal(uint16_t allowed_policy, uint16_t key_policy,
                         sgx_attributes_t attribute_mask, sgx_misc_select_t misc_mask,
                         uint32_t add_size, const uint8_t *add, uint32_t enc_size,
                         const uint8_t *enc, uint32_t blob_size, sgx_sealed_data_t *blob)
{
    sgx_key_request_t request;
    sgx_key_128bit_t key;
    sgx_aes_gcm_128bit_tag_t tag;
    sgx_status_t status;

    /* SGX's rules for the policy and masks: bound to an identity, INITTED and DEBUG in. */
    if ((key_policy & KEY_POLICY_IDENTITY) == 0 || (key_policy & ~allowed_policy) != 0 ||
        (attribute_mask.flags & (SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG)) !=
            (SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG))
        return SGX_ERROR_INVALID_PARAMETER;
    if (add_size > 0 && (add == NULL || !inside_or_outside(add, add_size)))
        return SGX_ERROR_INVALID_PARAMETER;
    if (enc_size > 0 && (enc == NULL || !sgx_is_within_enclave(enc, enc_size)))
        return SGX_ERROR_INVALID_PARAMETER;
    if (enc_size >= TCRYPTO_MAX_LENGTH || add_size >= TCRYPTO_MAX_LENGTH)
        return SGX_ERROR_INVALID_PARAMETER;
    uint32_t expected = sgx_calc_sealed_data_size(add_size, enc_size);
    if (blob == NULL || expected == UINT32_MAX || blob_size != expected ||
        !sgx_is_within_enclave(blob, blob_size) || overlap(blob, blob_size, enc, enc_size) ||
        overlap(blob, blob_size, add, add_size))
        return SGX_ERROR_INVALID_PARAMETER;

    /* From here on, a failure leaves an all-zero blob. */
    memset(blob, 0, blob_size);
    const sgx_report_t *self = sgx_self_report();
    if (self == NULL)
        return SGX_ERROR_UNEXPECTED;
    memset(&request, 0, sizeof(request));
    request.key_name = SGX_KEYSELECT_SEAL;
    request.key_policy = key_policy;
    request.isv_svn = self->body.isv_svn;
    request.cpu_svn = self->body.cpu_svn;
    request.config_svn = self->body.config_svn;
    request.attribute_mask = attribute_mask;
    request.misc_mask = misc_mask;
    status = sgx_read_rand(request.key_id.id, sizeof(request.key_id.id));
    if (status != SGX_SUCCESS)
        return status;
    status = sgx_get_key(&request, &key);
    if (status != SGX_SUCCESS) {
        /* As the SDK reports it: nothing a caller could act on, but running out of memory. */
        if (status != SGX_ERROR_OUT_OF_MEMORY)
            status = SGX_ERROR_UNEXPECTED;
        goto out;
    }

    /* The payload is written whole below (ciphertext, then the MAC text). */
    uint8_t *payload = blob->aes_data.payload;
    /* The additional text is read once, into the blob, and authenticated from there: text
     * outside the enclave may change while it is being sealed. */
    if (add_size > 0)
        memcpy(payload + enc_size, add, add_size);
    status = sgx_rijndael128GCM_encrypt((const sgx_aes_gcm_128bit_key_t *)&key, enc, enc_size,
                                        enc_size > 0 ? payload : NULL, zero_iv, sizeof(zero_iv),
                                        add_size > 0 ? payload + enc_size : NULL, add_size, &tag);
    if (status != SGX_SUCCESS) {
        memset(blob, 0, blob_size);
        goto out;
    }
    blob->key_request = request;
    blob->plain_text_offset = enc_size;
    blob->aes_data.payload_size = enc_size + add_size;
    memcpy(blob->aes_data.payload_tag, tag, sizeof(tag));
out:
    tcrypto_wipe(key, sizeof(key));
    return status;
}

/* Unseals blob into dec (none for a MAC-only blob) and add; arguments checked. */
static sgx_status_t unseal(const sgx_sealed_data_t *blob, bool mac_only, uint8_t *add,
                           uint32_t *add_size_inout, uint8_t *dec, uint32_t *dec_size_inout)
{
    sgx_sealed_data_t header;
    sgx_key_128bit_t key;
    sgx_status_t status;

    if (blob == NULL || !sgx_is_within_enclave(blob, sizeof(*blob)))
        return SGX_ERROR_INVALID_PARAMETER;
    /* The header is read once; every length and the key request come from this copy. */
    memcpy(&header, blob, sizeof(header));
    uint32_t enc_size = header.plain_text_offset;
    uint32_t payload_size = header.aes_data.payload_size;
    if (enc_size > payload_size)
        return SGX_ERROR_MAC_MISMATCH; /* a damaged length */
    uint32_t add_size = payload_size - enc_size;
    uint32_t blob_size = sgx_calc_sealed_data_size(add_size, enc_size);
    if (blob_size == UINT32_MAX)
        return SGX_ERROR_MAC_MISMATCH;
    if (!sgx_is_within_enclave(blob, blob_size))
        return SGX_ERROR_INVALID_PARAMETER;

    if (mac_only) {
        /* A MAC-only blob has MAC text and nothing encrypted; anything else is damaged. */
        if (enc_size != 0 || add_size == 0)
            return SGX_ERROR_MAC_MISMATCH;
    } else {
        if (enc_size == 0 || dec == NULL || dec_size_inout == NULL ||
            !sgx_is_within_enclave(dec, enc_size) ||
            !sgx_is_within_enclave(dec_size_inout, sizeof(*dec_size_inout)) ||
            *dec_size_inout < enc_size || overlap(dec, enc_size, blob, blob_size))
            return SGX_ERROR_INVALID_PARAMETER;
    }
    if (add_size_inout != NULL && !inside_or_outside(add_size_inout, sizeof(*add_size_inout)))
        return SGX_ERROR_INVALID_PARAMETER;
    if (add_size > 0) {
        if (add == NULL || add_size_inout == NULL || !inside_or_outside(add, add_size) ||
            *add_size_inout < add_size || overlap(add, add_size, blob, blob_size))
            return SGX_ERROR_INVALID_PARAMETER;
    }
    if (enc_size >= TCRYPTO_MAX_LENGTH || add_size >= TCRYPTO_MAX_LENGTH)
        return SGX_ERROR_MAC_MISMATCH;

    /* Bytes the tag does not cover must be as sealing left them. */
    if (header.key_request.key_name != SGX_KEYSELECT_SEAL ||
        !tcrypto_is_zero(header.reserved, sizeof(header.reserved)) ||
        !tcrypto_is_zero(header.aes_data.reserved, sizeof(header.aes_data.reserved)))
        return SGX_ERROR_MAC_MISMATCH;

    status = sgx_get_key(&header.key_request, &key);
    if (status != SGX_SUCCESS) {
        /* As the SDK does: the SVN errors say the blob is from a newer version or platform;
         * every other failure means the request was damaged. */
        if (status != SGX_ERROR_INVALID_CPUSVN && status != SGX_ERROR_INVALID_ISVSVN &&
            status != SGX_ERROR_OUT_OF_MEMORY && status != SGX_ERROR_UNEXPECTED)
            status = SGX_ERROR_MAC_MISMATCH;
        goto out;
    }
    const uint8_t *payload = blob->aes_data.payload;
    status = sgx_rijndael128GCM_decrypt(
        (const sgx_aes_gcm_128bit_key_t *)&key, enc_size > 0 ? payload : NULL, enc_size,
        enc_size > 0 ? dec : NULL, zero_iv, sizeof(zero_iv),
        add_size > 0 ? payload + enc_size : NULL, add_size,
        (const sgx_aes_gcm_128bit_tag_t *)header.aes_data.payload_tag);
    if (status != SGX_SUCCESS) {
        status = SGX_ERROR_MAC_MISMATCH;
        goto out;
    }
    if (add_size > 0)
        memcpy(add, payload + enc_size, add_size);
    if (add_size_inout != NULL)
        *add_size_inout = add_size;
    if (!mac_only)
        *dec_size_inout = enc_size;
out:
    tcrypto_wipe(key, sizeof(key));
    return status;
}

/* SGX's defaults: TSEAL_DEFAULT_FLAGSMASK and TSEAL_DEFAULT_MISCMASK. */
#define SEAL_DEFAULT_FLAGS_MASK UINT64_C(0xFF0000000000000B)
#define SEAL_DEFAULT_MISC_MASK  UINT32_C(0xF0000000)

/* MRSIGNER, and with KSS the KSS identities too, as the SDK's sgx_seal_data chooses. */
static uint16_t default_policy(void)
{
    const sgx_report_t *self = sgx_self_report();
    uint16_t policy = SGX_KEYPOLICY_MRSIGNER;
    if (self != NULL && (self->body.attributes.flags & SGX_FLAGS_KSS))
        policy |= KEY_POLICY_KSS;
    return policy;
}

static sgx_attributes_t default_attribute_mask(void)
{
    sgx_attributes_t mask = {.flags = SEAL_DEFAULT_FLAGS_MASK, .xfrm = 0};
    return mask;
}

sgx_status_t sgx_seal_data(const uint32_t additional_MACtext_length,
                           const uint8_t *p_additional_MACtext, const uint32_t text2encrypt_length,
                           const uint8_t *p_text2encrypt, const uint32_t sealed_data_size,
                           sgx_sealed_data_t *p_sealed_data)
{
    return sgx_seal_data_ex(default_policy(), default_attribute_mask(), SEAL_DEFAULT_MISC_MASK,
                            additional_MACtext_length, p_additional_MACtext, text2encrypt_length,
                            p_text2encrypt, sealed_data_size, p_sealed_data);
}

sgx_status_t sgx_seal_data_ex(const uint16_t key_policy, const sgx_attributes_t attribute_mask,
                              const sgx_misc_select_t misc_mask,
                              const uint32_t additional_MACtext_length,
                              const uint8_t *p_additional_MACtext,
                              const uint32_t text2encrypt_length, const uint8_t *p_text2encrypt,
                              const uint32_t sealed_data_size, sgx_sealed_data_t *p_sealed_data)
{
    if (text2encrypt_length == 0 || p_text2encrypt == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    return seal(KEY_POLICY_SEAL, key_policy, attribute_mask, misc_mask, additional_MACtext_length,
                p_additional_MACtext, text2encrypt_length, p_text2encrypt, sealed_data_size,
                p_sealed_data);
}

sgx_status_t sgx_unseal_data(const sgx_sealed_data_t *p_sealed_data, uint8_t *p_additional_MACtext,
                             uint32_t *p_additional_MACtext_length, uint8_t *p_decrypted_text,
                             uint32_t *p_decrypted_text_length)
{
    return unseal(p_sealed_data, false, p_additional_MACtext, p_additional_MACtext_length,
                  p_decrypted_text, p_decrypted_text_length);
}

sgx_status_t sgx_mac_aadata(const uint32_t additional_MACtext_length,
                            const uint8_t *p_additional_MACtext, const uint32_t sealed_data_size,
                            sgx_sealed_data_t *p_sealed_data)
{
    return sgx_mac_aadata_ex(SGX_KEYPOLICY_MRSIGNER, default_attribute_mask(),
                             SEAL_DEFAULT_MISC_MASK, additional_MACtext_length,
                             p_additional_MACtext, sealed_data_size, p_sealed_data);
}

sgx_status_t sgx_mac_aadata_ex(const uint16_t key_policy, const sgx_attributes_t attribute_mask,
                               const sgx_misc_select_t misc_mask,
                               const uint32_t additional_MACtext_length,
                               const uint8_t *p_additional_MACtext, const uint32_t sealed_data_size,
                               sgx_sealed_data_t *p_sealed_data)
{
    if (additional_MACtext_length == 0 || p_additional_MACtext == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    return seal(KEY_POLICY_MAC, key_policy, attribute_mask, misc_mask, additional_MACtext_length,
                p_additional_MACtext, 0, NULL, sealed_data_size, p_sealed_data);
}

sgx_status_t sgx_unmac_aadata(const sgx_sealed_data_t *p_sealed_data, uint8_t *p_additional_MACtext,
                              uint32_t *p_additional_MACtext_length)
{
    return unseal(p_sealed_data, true, p_additional_MACtext, p_additional_MACtext_length, NULL,
                  NULL);
}
