/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/seal/enc.c: sealing, keys and reports from enclave code, through the SDK API. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sgx_trts.h>
#include <sgx_tseal.h>
#include <sgx_utils.h>

#include "seal_t.h"

#ifndef SEAL_VARIANT
#define SEAL_VARIANT 1
#endif

/* Built with another SEAL_VARIANT, the enclave has another MRENCLAVE and the same code. */
#define TEXT(x)  #x
#define VALUE(x) TEXT(x)
const char seal_variant[] = "seal test enclave, variant " VALUE(SEAL_VARIANT);

#define DEFAULT_FLAGS_MASK UINT64_C(0xFF0000000000000B)
#define DEFAULT_MISC_MASK  UINT32_C(0xF0000000)

int ecall_seal(uint16_t policy, const uint8_t *text, size_t text_size, const uint8_t *aad,
               size_t aad_size, uint8_t *blob, size_t blob_size)
{
    sgx_attributes_t mask = {.flags = DEFAULT_FLAGS_MASK, .xfrm = 0};

    if (policy == 0)
        return sgx_seal_data((uint32_t)aad_size, aad, (uint32_t)text_size, text,
                             (uint32_t)blob_size, (sgx_sealed_data_t *)blob);
    return sgx_seal_data_ex(policy, mask, DEFAULT_MISC_MASK, (uint32_t)aad_size, aad,
                            (uint32_t)text_size, text, (uint32_t)blob_size,
                            (sgx_sealed_data_t *)blob);
}

int ecall_unseal(const uint8_t *blob, size_t blob_size, uint8_t *text, size_t text_capacity,
                 uint32_t *text_size, uint8_t *aad, size_t aad_capacity, uint32_t *aad_size)
{
    (void)blob_size;
    *text_size = (uint32_t)text_capacity;
    *aad_size = (uint32_t)aad_capacity;
    return sgx_unseal_data((const sgx_sealed_data_t *)blob, aad_capacity > 0 ? aad : NULL, aad_size,
                           text, text_size);
}

int ecall_get_key(const uint8_t *request, uint8_t *key)
{
    return sgx_get_key((const sgx_key_request_t *)request, (sgx_key_128bit_t *)key);
}

int ecall_self_target(uint8_t *target_info)
{
    return sgx_self_target((sgx_target_info_t *)target_info);
}

int ecall_create_report(const uint8_t *target_info, const uint8_t *report_data, uint8_t *report)
{
    static const uint8_t none[512];
    const sgx_target_info_t *target = (const sgx_target_info_t *)target_info;

    if (memcmp(target_info, none, sizeof(none)) == 0)
        target = NULL;
    return sgx_create_report(target, (const sgx_report_data_t *)report_data,
                             (sgx_report_t *)report);
}

int ecall_verify_report(const uint8_t *report)
{
    return sgx_verify_report((const sgx_report_t *)report);
}

/* ---- argument checks --------------------------------------------------------------------- */

/* An address that is not inside the enclave, never dereferenced by the calls below. */
#define NOT_INSIDE ((void *)(uintptr_t)0x1000)

static const uint8_t secret_text[] = "the text to seal, 40 bytes long.........";
static const uint8_t mac_text[] = "additional MAC text";

static int contains(const uint8_t *haystack, size_t size, const uint8_t *needle, size_t length)
{
    for (size_t i = 0; i + length <= size; i++) {
        if (memcmp(haystack + i, needle, length) == 0)
            return 1;
    }
    return 0;
}

static int sealing_checks(void)
{
    static uint8_t blob[1024], text[64], aad[64];
    sgx_sealed_data_t *sealed = (sgx_sealed_data_t *)blob;
    uint32_t size = sgx_calc_sealed_data_size(sizeof(mac_text), sizeof(secret_text));
    uint32_t text_size, aad_size;
    sgx_attributes_t mask = {.flags = DEFAULT_FLAGS_MASK, .xfrm = 0};
    sgx_attributes_t no_debug = {.flags = SGX_FLAGS_INITTED, .xfrm = 0};

    if (sgx_calc_sealed_data_size(10, 20) != 590 ||
        sgx_calc_sealed_data_size(UINT32_MAX - 600, 100) != UINT32_MAX)
        return 1;
    /* The blob's size must be exact. */
    if (sgx_seal_data(sizeof(mac_text), mac_text, sizeof(secret_text), secret_text, size + 1,
                      sealed) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_seal_data(sizeof(mac_text), mac_text, sizeof(secret_text), secret_text, size - 1,
                      sealed) != SGX_ERROR_INVALID_PARAMETER)
        return 2;
    /* Something to encrypt, inside the enclave; an output inside the enclave. */
    if (sgx_seal_data(0, NULL, 0, secret_text, 560, sealed) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_seal_data(0, NULL, 16, NULL, 576, sealed) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_seal_data(0, NULL, 16, NOT_INSIDE, 576, sealed) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_seal_data(0, NULL, 16, secret_text, 576, NOT_INSIDE) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_seal_data(4, NULL, 16, secret_text, 580, sealed) != SGX_ERROR_INVALID_PARAMETER)
        return 3;
    /* A policy bound to an identity, known bits only; INITTED and DEBUG in the mask. */
    if (sgx_seal_data_ex(SGX_KEYPOLICY_NOISVPRODID, mask, DEFAULT_MISC_MASK, 0, NULL, 16,
                         secret_text, 576, sealed) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_seal_data_ex(SGX_KEYPOLICY_MRSIGNER | 0x40, mask, DEFAULT_MISC_MASK, 0, NULL, 16,
                         secret_text, 576, sealed) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_seal_data_ex(SGX_KEYPOLICY_MRSIGNER, no_debug, DEFAULT_MISC_MASK, 0, NULL, 16,
                         secret_text, 576, sealed) != SGX_ERROR_INVALID_PARAMETER)
        return 4;

    if (sgx_seal_data(sizeof(mac_text), mac_text, sizeof(secret_text), secret_text, size, sealed) !=
        SGX_SUCCESS)
        return 5;
    if (sgx_get_encrypt_txt_len(sealed) != sizeof(secret_text) ||
        sgx_get_add_mac_txt_len(sealed) != sizeof(mac_text) ||
        sgx_get_encrypt_txt_len(NULL) != UINT32_MAX || sgx_get_add_mac_txt_len(NULL) != UINT32_MAX)
        return 6;
    /* The ciphertext is not the text. */
    if (contains(blob, size, secret_text, sizeof(secret_text)))
        return 7;
    /* Buffers too small, missing, or outside the enclave. */
    text_size = sizeof(secret_text) - 1;
    aad_size = sizeof(aad);
    if (sgx_unseal_data(sealed, aad, &aad_size, text, &text_size) != SGX_ERROR_INVALID_PARAMETER)
        return 8;
    text_size = sizeof(text);
    aad_size = sizeof(mac_text) - 1;
    if (sgx_unseal_data(sealed, aad, &aad_size, text, &text_size) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_unseal_data(sealed, NULL, NULL, text, &text_size) != SGX_ERROR_INVALID_PARAMETER)
        return 9;
    aad_size = sizeof(aad);
    if (sgx_unseal_data(sealed, aad, &aad_size, NULL, &text_size) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_unseal_data(sealed, aad, &aad_size, NOT_INSIDE, &text_size) !=
            SGX_ERROR_INVALID_PARAMETER ||
        sgx_unseal_data(NOT_INSIDE, aad, &aad_size, text, &text_size) !=
            SGX_ERROR_INVALID_PARAMETER ||
        sgx_unseal_data(NULL, aad, &aad_size, text, &text_size) != SGX_ERROR_INVALID_PARAMETER)
        return 10;
    /* And with the right buffers, the text and its lengths. */
    text_size = sizeof(text);
    aad_size = sizeof(aad);
    if (sgx_unseal_data(sealed, aad, &aad_size, text, &text_size) != SGX_SUCCESS ||
        text_size != sizeof(secret_text) || aad_size != sizeof(mac_text) ||
        memcmp(text, secret_text, sizeof(secret_text)) != 0 ||
        memcmp(aad, mac_text, sizeof(mac_text)) != 0)
        return 11;
    /* MAC-only blobs: their own pair of functions, not mixed with the other one. */
    uint32_t mac_size = sgx_calc_sealed_data_size(sizeof(mac_text), 0);
    memset(aad, 0, sizeof(aad));
    aad_size = sizeof(aad);
    if (sgx_mac_aadata(sizeof(mac_text), mac_text, mac_size, sealed) != SGX_SUCCESS ||
        sgx_unmac_aadata(sealed, aad, &aad_size) != SGX_SUCCESS || aad_size != sizeof(mac_text) ||
        memcmp(aad, mac_text, sizeof(mac_text)) != 0)
        return 12;
    text_size = sizeof(text);
    if (sgx_unseal_data(sealed, aad, &aad_size, text, &text_size) != SGX_ERROR_INVALID_PARAMETER)
        return 13;
    blob[mac_size - 1] ^= 1;
    aad_size = sizeof(aad);
    if (sgx_unmac_aadata(sealed, aad, &aad_size) != SGX_ERROR_MAC_MISMATCH)
        return 14;
    /* The SDK's rules: MAC text given with length 0 is none; MAC-only blobs take an identity
     * policy alone; a blob with encrypted text is no MAC-only blob (a damaged one, to unmac). */
    uint32_t text_only = sgx_calc_sealed_data_size(0, sizeof(secret_text));
    if (sgx_seal_data(0, mac_text, sizeof(secret_text), secret_text, text_only, sealed) !=
            SGX_SUCCESS ||
        sgx_get_add_mac_txt_len(sealed) != 0)
        return 15;
    aad_size = sizeof(aad);
    if (sgx_unmac_aadata(sealed, aad, &aad_size) != SGX_ERROR_MAC_MISMATCH)
        return 16;
    if (sgx_mac_aadata_ex(SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_NOISVPRODID, mask,
                          DEFAULT_MISC_MASK, sizeof(mac_text), mac_text, mac_size,
                          sealed) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_mac_aadata_ex(SGX_KEYPOLICY_MRENCLAVE, mask, DEFAULT_MISC_MASK, sizeof(mac_text),
                          mac_text, mac_size, sealed) != SGX_SUCCESS)
        return 17;
    return 0;
}

static int report_and_key_checks(void)
{
    static sgx_report_t report;
    static sgx_target_info_t target;
    static sgx_key_request_t request;
    static sgx_key_128bit_t key, again;

    const sgx_report_t *self = sgx_self_report();
    if (self == NULL || sgx_self_report() != self ||
        !(self->body.attributes.flags & SGX_FLAGS_INITTED) ||
        !(self->body.attributes.flags & SGX_FLAGS_MODE64BIT))
        return 20;
    if (sgx_self_target(&target) != SGX_SUCCESS ||
        memcmp(&target.mr_enclave, &self->body.mr_enclave, sizeof(target.mr_enclave)) != 0 ||
        memcmp(&target.attributes, &self->body.attributes, sizeof(target.attributes)) != 0 ||
        target.misc_select != self->body.misc_select || sgx_self_target(NULL) == SGX_SUCCESS)
        return 21;
    /* A report for this enclave verifies here; one for nobody does not. */
    if (sgx_create_report(&target, NULL, &report) != SGX_SUCCESS ||
        sgx_verify_report(&report) != SGX_SUCCESS)
        return 22;
    if (sgx_create_report(NULL, NULL, &report) != SGX_SUCCESS ||
        sgx_verify_report(&report) != SGX_ERROR_MAC_MISMATCH)
        return 23;
    if (sgx_create_report(NULL, NULL, NOT_INSIDE) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_create_report(NOT_INSIDE, NULL, &report) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_verify_report(NULL) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_verify_report(NOT_INSIDE) != SGX_ERROR_INVALID_PARAMETER)
        return 24;
    /* Keys: the same request gives the same key; pointers inside the enclave only. */
    memset(&request, 0, sizeof(request));
    request.key_name = SGX_KEYSELECT_SEAL;
    request.key_policy = SGX_KEYPOLICY_MRENCLAVE;
    request.key_id.id[0] = 1;
    if (sgx_get_key(&request, &key) != SGX_SUCCESS ||
        sgx_get_key(&request, &again) != SGX_SUCCESS || memcmp(key, again, sizeof(key)) != 0)
        return 25;
    request.key_id.id[0] = 2;
    if (sgx_get_key(&request, &again) != SGX_SUCCESS || memcmp(key, again, sizeof(key)) == 0)
        return 26;
    if (sgx_get_key(NULL, &key) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_get_key(&request, NULL) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_get_key(&request, NOT_INSIDE) != SGX_ERROR_INVALID_PARAMETER ||
        sgx_get_key(NOT_INSIDE, &key) != SGX_ERROR_INVALID_PARAMETER)
        return 27;
    return 0;
}

int ecall_api_checks(void)
{
    int failed = sealing_checks();
    if (failed == 0)
        failed = report_and_key_checks();
    /* Keeps the variant string in the image. */
    if (failed == 0 && seal_variant[0] != 's')
        failed = 99;
    return failed;
}
