/* SPDX-License-Identifier: Apache-2.0 */
/* samples/sealing/enclave.c: the trusted side of the sealing sample: a one-card vault. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sgx_trts.h>
#include <sgx_tseal.h>

#include "vault_t.h"

#ifndef VAULT_VERSION
#define VAULT_VERSION 1
#endif

#define CARD_DIGITS_MAX 19
/* Bound into the blob in clear: a reader learns what the blob is, never the number. The
 * label is the blob format's, not the enclave version's, so every version reads it. */
static const char label[] = "cella sample vault v1";

/* Another version of the code (the build with VAULT_VERSION 2 also has ISVSVN 2). */
const int vault_version = VAULT_VERSION;

static void wipe(void *p, size_t size)
{
    volatile uint8_t *bytes = p;
    while (size-- > 0)
        *bytes++ = 0;
}

/* Keeps only the digits; a card number has 12 to 19 of them. */
static size_t digits_of(const char *text, char digits[CARD_DIGITS_MAX])
{
    size_t count = 0;
    for (; *text != '\0'; text++) {
        if (*text == ' ' || *text == '-')
            continue;
        if (*text < '0' || *text > '9' || count == CARD_DIGITS_MAX)
            return 0;
        digits[count++] = *text;
    }
    return count >= 12 ? count : 0;
}

int vault_seal(const char *card_number, int bind_to_build, uint8_t *blob, size_t blob_capacity,
               size_t *blob_size)
{
    char digits[CARD_DIGITS_MAX];
    size_t count = digits_of(card_number, digits);
    sgx_status_t status = SGX_ERROR_INVALID_PARAMETER;

    if (count == 0)
        goto out;
    uint32_t size = sgx_calc_sealed_data_size(sizeof(label), (uint32_t)count);
    *blob_size = size;
    if (blob_capacity < size) {
        status = blob_capacity == 0 ? SGX_SUCCESS : SGX_ERROR_INVALID_PARAMETER;
        goto out;
    }
    if (bind_to_build) {
        /* Only this exact enclave build can open it: an upgrade cannot. */
        sgx_attributes_t mask = {.flags = 0xFF0000000000000BULL, .xfrm = 0};
        status = sgx_seal_data_ex(SGX_KEYPOLICY_MRENCLAVE, mask, 0xF0000000u, sizeof(label),
                                  (const uint8_t *)label, (uint32_t)count, (const uint8_t *)digits,
                                  size, (sgx_sealed_data_t *)blob);
    } else {
        /* The default: any enclave of this signer and product, at this version or later. */
        status = sgx_seal_data(sizeof(label), (const uint8_t *)label, (uint32_t)count,
                               (const uint8_t *)digits, size, (sgx_sealed_data_t *)blob);
    }
out:
    wipe(digits, sizeof(digits));
    return status;
}

int vault_show_masked(const uint8_t *blob, size_t blob_size, char *masked, size_t masked_capacity)
{
    char digits[CARD_DIGITS_MAX];
    char seen_label[sizeof(label)];
    uint32_t digits_size = sizeof(digits), label_size = sizeof(seen_label);
    const sgx_sealed_data_t *sealed = (const sgx_sealed_data_t *)blob;

    if (blob_size < sizeof(sgx_sealed_data_t) || masked_capacity < 20 ||
        sgx_calc_sealed_data_size(sgx_get_add_mac_txt_len(sealed),
                                  sgx_get_encrypt_txt_len(sealed)) != blob_size)
        return SGX_ERROR_INVALID_PARAMETER;
    sgx_status_t status = sgx_unseal_data(sealed, (uint8_t *)seen_label, &label_size,
                                          (uint8_t *)digits, &digits_size);
    if (status == SGX_SUCCESS && (label_size != sizeof(label) ||
                                  memcmp(seen_label, label, sizeof(label)) != 0 || digits_size < 4))
        status = SGX_ERROR_INVALID_PARAMETER; /* a blob of something else */
    if (status == SGX_SUCCESS && vault_version > 0) {
        memcpy(masked, "**** **** **** ", 15);
        memcpy(masked + 15, digits + digits_size - 4, 4);
        masked[19] = '\0';
    }
    wipe(digits, sizeof(digits));
    return status;
}
