/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_tseal.h: the sealed-data blob layout of the SGX SDK (sealing functions come later). */
#ifndef CELLA_SGX_TSEAL_H
#define CELLA_SGX_TSEAL_H

#include <stddef.h>
#include <stdint.h>

#include "../cella/defs.h"
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
 * Sealing functions.
 *
 * The SDK declares sgx_calc_sealed_data_size, sgx_get_add_mac_txt_len,
 * sgx_get_encrypt_txt_len, sgx_seal_data, sgx_seal_data_ex, sgx_unseal_data,
 * sgx_mac_aadata, sgx_mac_aadata_ex and sgx_unmac_aadata here. They are declared in this
 * place once the trusted crypto they rely on exists.
 */

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_TSEAL_H */
