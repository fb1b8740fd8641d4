/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_tseal.h: sealing for enclave code: SGX's sealed-data blob and the SDK's functions. */
#ifndef CELLA_SGX_TSEAL_H
#define CELLA_SGX_TSEAL_H

#include <stddef.h>
#include <stdint.h>

#include "../cella/defs.h"
#include "sgx_attributes.h"
#include "sgx_defs.h"
#include "sgx_error.h"
#include "sgx_key.h"

CELLA_EXTERN_C_BEGIN

/*
 * These structures are declared as the SGX SDK declares them, without packing: natural
 * alignment already gives the architectural offsets (asserted after each one), and code that
 * takes the address of a field compiles as it does against the SDK.
 */

#define SGX_SEAL_TAG_SIZE 16 /* AES-GCM tag of a sealed blob */
#define SGX_SEAL_IV_SIZE  12 /* AES-GCM IV: all zero, safe as every blob has a fresh key */

/*
 * The AES-GCM part of a sealed blob: a 32-byte header followed by the payload, which is
 * the ciphertext and then the additional MAC text in clear.
 */
typedef struct sgx_aes_gcm_data {
    uint32_t payload_size;                  /* 0: ciphertext bytes + additional MAC text bytes */
    uint8_t reserved[12];                   /* 4: zero */
    uint8_t payload_tag[SGX_SEAL_TAG_SIZE]; /* 16: AES-GCM tag */
    uint8_t payload[];                      /* 32: ciphertext, then additional MAC text */
} sgx_aes_gcm_data_t;

CELLA_STATIC_ASSERT(sizeof(sgx_aes_gcm_data_t) == 32, "sgx_aes_gcm_data_t header is 32 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_aes_gcm_data_t, payload_tag) == 16, "aes_data.payload_tag at 16");
CELLA_STATIC_ASSERT(offsetof(sgx_aes_gcm_data_t, payload) == 32, "aes_data.payload at 32");

/*
 * A sealed blob: 560 header bytes, then aes_data.payload. Total size is
 * 560 + ciphertext bytes + additional MAC text bytes.
 *
 * aes_data ends in a flexible array member. Nesting such a struct is an extension of C11
 * that GCC and Clang accept (and -Wpedantic reports); the SDK's layout and its users'
 * `blob->aes_data.payload` depend on it, so the warning is silenced for this one struct.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
typedef struct sgx_sealed_data {
    sgx_key_request_t key_request; /* 0: the EGETKEY request that derives the seal key */
    uint32_t plain_text_offset;    /* 512: ciphertext bytes (start of the MAC text) */
    uint8_t reserved[12];          /* 516: zero */
    sgx_aes_gcm_data_t aes_data;   /* 528: AES-GCM header, then the payload at 560 */
} sgx_sealed_data_t;
#pragma GCC diagnostic pop

CELLA_STATIC_ASSERT(sizeof(sgx_sealed_data_t) == 560, "sgx_sealed_data_t header is 560 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_sealed_data_t, plain_text_offset) == 512,
                    "sealed_data.plain_text_offset at 512");
CELLA_STATIC_ASSERT(offsetof(sgx_sealed_data_t, aes_data) == 528, "sealed_data.aes_data at 528");
CELLA_STATIC_ASSERT(offsetof(sgx_sealed_data_t, aes_data.payload) == 560,
                    "sealed_data payload at 560");

/*
 * Sealing, for enclave code. A sealed blob is bound to the sealing enclave's identity (by
 * default its signer, MRSIGNER, with its product ID), to its ISVSVN and the platform's
 * CPUSVN at sealing time, and to the platform secrets: it opens in enclaves of that identity
 * with the same or a higher ISVSVN on the same platform, and nowhere else.
 * docs/sealing.md explains the choices and how to carry data across an upgrade.
 */

/* 560 + both lengths: the size of a blob; UINT32_MAX when the sum overflows. */
uint32_t sgx_calc_sealed_data_size(const uint32_t add_mac_txt_size,
                                   const uint32_t txt_encrypt_size);

/* The length of a blob's additional MAC text; UINT32_MAX for NULL or damaged lengths. */
uint32_t sgx_get_add_mac_txt_len(const sgx_sealed_data_t *p_sealed_data);

/* The length of a blob's encrypted text; UINT32_MAX for NULL. */
uint32_t sgx_get_encrypt_txt_len(const sgx_sealed_data_t *p_sealed_data);

/*
 * Seals text2encrypt (non-empty, inside the enclave) and authenticates the additional MAC
 * text (optional, kept in clear; wholly inside or wholly outside the enclave) into
 * p_sealed_data, which lies inside the enclave and is exactly
 * sgx_calc_sealed_data_size(additional_MACtext_length, text2encrypt_length) bytes. SGX's
 * defaults: MRSIGNER policy, attribute mask 0xFF0000000000000B (INITTED, DEBUG and the
 * reserved high bits), XFRM not bound, MISCSELECT mask 0xF0000000. SGX_SUCCESS;
 * SGX_ERROR_INVALID_PARAMETER; SGX_ERROR_UNEXPECTED (no platform key: the host's log says why).
 */
sgx_status_t sgx_seal_data(const uint32_t additional_MACtext_length,
                           const uint8_t *p_additional_MACtext, const uint32_t text2encrypt_length,
                           const uint8_t *p_text2encrypt, const uint32_t sealed_data_size,
                           sgx_sealed_data_t *p_sealed_data);

/*
 * sgx_seal_data with a chosen key policy (SGX_KEYPOLICY_MRENCLAVE or SGX_KEYPOLICY_MRSIGNER,
 * optionally with NOISVPRODID), attribute mask (must contain INITTED and DEBUG) and
 * MISCSELECT mask.
 */
sgx_status_t sgx_seal_data_ex(const uint16_t key_policy, const sgx_attributes_t attribute_mask,
                              const sgx_misc_select_t misc_mask,
                              const uint32_t additional_MACtext_length,
                              const uint8_t *p_additional_MACtext,
                              const uint32_t text2encrypt_length, const uint8_t *p_text2encrypt,
                              const uint32_t sealed_data_size, sgx_sealed_data_t *p_sealed_data);

/*
 * Checks and decrypts a blob (inside the enclave) into p_decrypted_text (inside the enclave,
 * *p_decrypted_text_length bytes at least the encrypted length) and copies its additional MAC
 * text to p_additional_MACtext (*p_additional_MACtext_length bytes at least its length; may
 * be NULL when the blob has none); both lengths are set to the real ones. SGX_SUCCESS;
 * SGX_ERROR_MAC_MISMATCH (another identity or platform, or any byte changed: nothing is
 * decrypted); SGX_ERROR_INVALID_ISVSVN / SGX_ERROR_INVALID_CPUSVN (sealed by a newer version
 * of the enclave or of the platform); SGX_ERROR_INVALID_PARAMETER (buffers);
 * SGX_ERROR_UNEXPECTED.
 */
sgx_status_t sgx_unseal_data(const sgx_sealed_data_t *p_sealed_data, uint8_t *p_additional_MACtext,
                             uint32_t *p_additional_MACtext_length, uint8_t *p_decrypted_text,
                             uint32_t *p_decrypted_text_length);

/* A blob that only authenticates the additional MAC text (nothing encrypted). */
sgx_status_t sgx_mac_aadata(const uint32_t additional_MACtext_length,
                            const uint8_t *p_additional_MACtext, const uint32_t sealed_data_size,
                            sgx_sealed_data_t *p_sealed_data);

/* sgx_mac_aadata with a chosen key policy and masks, as sgx_seal_data_ex. */
sgx_status_t sgx_mac_aadata_ex(const uint16_t key_policy, const sgx_attributes_t attribute_mask,
                               const sgx_misc_select_t misc_mask,
                               const uint32_t additional_MACtext_length,
                               const uint8_t *p_additional_MACtext, const uint32_t sealed_data_size,
                               sgx_sealed_data_t *p_sealed_data);

/* Checks a blob of sgx_mac_aadata and copies its text out, as sgx_unseal_data. */
sgx_status_t sgx_unmac_aadata(const sgx_sealed_data_t *p_sealed_data, uint8_t *p_additional_MACtext,
                              uint32_t *p_additional_MACtext_length);

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_TSEAL_H */
