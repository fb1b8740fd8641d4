/* SPDX-License-Identifier: Apache-2.0 */
/* bench/seal/enc.c: the enclave side of the sealing benchmark: one operation, many times. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sgx_tcrypto.h>
#include <sgx_trts.h>
#include <sgx_tseal.h>
#include <sgx_utils.h>

#include "seal_bench_t.h"

/*
 * The buffers every repeat works on, in enclave memory as sealing requires. The enclave has
 * one TCS, so no two ECALLs touch them at once.
 */
static uint8_t *text;   /* text_size bytes of a fixed pattern */
static uint8_t *blob;   /* blob_size bytes: the text sealed */
static uint8_t *output; /* text_size bytes: unsealed text, or a part's output */
static uint32_t text_size;
static uint32_t blob_size;

/* The fixed key and IV of the parts (the seal key comes from the platform instead). */
static const sgx_aes_gcm_128bit_key_t part_key = {0x42};
static const uint8_t part_iv[SGX_AESGCM_IV_SIZE];

enum part { PART_GCM = 0, PART_CTR = 1, PART_GHASH = 2, PART_COPY = 3 };

void ecall_release(void)
{
    free(text);
    free(blob);
    free(output);
    text = blob = output = NULL;
    text_size = blob_size = 0;
}

int ecall_prepare(size_t size)
{
    if (size == 0 || size > UINT32_MAX / 2)
        return SGX_ERROR_INVALID_PARAMETER;
    ecall_release();
    uint32_t sealed_size = sgx_calc_sealed_data_size(0, (uint32_t)size);
    if (sealed_size == UINT32_MAX)
        return SGX_ERROR_INVALID_PARAMETER;
    text = malloc(size);
    blob = malloc(sealed_size);
    output = malloc(size);
    if (text == NULL || blob == NULL || output == NULL) {
        ecall_release();
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    text_size = (uint32_t)size;
    blob_size = sealed_size;
    for (size_t i = 0; i < size; i++)
        text[i] = (uint8_t)(i * 131u);
    memset(output, 0, size);
    return sgx_seal_data(0, NULL, text_size, text, blob_size, (sgx_sealed_data_t *)blob);
}

int ecall_seal_repeat(uint64_t count)
{
    if (text == NULL)
        return SGX_ERROR_INVALID_STATE;
    for (uint64_t i = 0; i < count; i++) {
        sgx_status_t status =
            sgx_seal_data(0, NULL, text_size, text, blob_size, (sgx_sealed_data_t *)blob);
        if (status != SGX_SUCCESS)
            return status;
    }
    return SGX_SUCCESS;
}

int ecall_unseal_repeat(uint64_t count)
{
    if (text == NULL)
        return SGX_ERROR_INVALID_STATE;
    memset(output, 0, text_size);
    for (uint64_t i = 0; i < count; i++) {
        uint32_t size = text_size;
        sgx_status_t status =
            sgx_unseal_data((const sgx_sealed_data_t *)blob, NULL, NULL, output, &size);
        if (status != SGX_SUCCESS)
            return status;
        if (size != text_size)
            return SGX_ERROR_UNEXPECTED;
    }
    /* The work was real: the text came back (count 0 leaves the zeroed buffer alone). */
    if (count > 0 && memcmp(output, text, text_size) != 0)
        return SGX_ERROR_UNEXPECTED;
    return SGX_SUCCESS;
}

int ecall_get_key_repeat(uint64_t count)
{
    const sgx_report_t *self = sgx_self_report();
    sgx_key_request_t request;
    sgx_key_128bit_t key;

    if (self == NULL)
        return SGX_ERROR_UNEXPECTED;
    /* The request sgx_seal_data makes: MRSIGNER policy, SGX's default masks. */
    memset(&request, 0, sizeof(request));
    request.key_name = SGX_KEYSELECT_SEAL;
    request.key_policy = SGX_KEYPOLICY_MRSIGNER;
    request.isv_svn = self->body.isv_svn;
    request.cpu_svn = self->body.cpu_svn;
    request.config_svn = self->body.config_svn;
    request.attribute_mask.flags = UINT64_C(0xFF0000000000000B);
    request.misc_mask = UINT32_C(0xF0000000);
    for (uint64_t i = 0; i < count; i++) {
        sgx_status_t status = sgx_read_rand(request.key_id.id, sizeof(request.key_id.id));
        if (status == SGX_SUCCESS)
            status = sgx_get_key(&request, &key);
        if (status != SGX_SUCCESS)
            return status;
    }
    memset(key, 0, sizeof(key));
    return SGX_SUCCESS;
}

int ecall_part_repeat(uint32_t part, uint64_t count)
{
    sgx_aes_gcm_128bit_tag_t tag;
    uint8_t counter[16];

    if (text == NULL)
        return SGX_ERROR_INVALID_STATE;
    for (uint64_t i = 0; i < count; i++) {
        sgx_status_t status = SGX_ERROR_INVALID_PARAMETER;
        switch (part) {
        case PART_GCM:
            status = sgx_rijndael128GCM_encrypt(&part_key, text, text_size, output, part_iv,
                                                sizeof(part_iv), NULL, 0, &tag);
            break;
        case PART_CTR:
            memset(counter, 0, sizeof(counter));
            status = sgx_aes_ctr_encrypt(&part_key, text, text_size, counter, 32, output);
            break;
        case PART_GHASH:
            status = sgx_rijndael128GCM_encrypt(&part_key, NULL, 0, NULL, part_iv, sizeof(part_iv),
                                                text, text_size, &tag);
            break;
        case PART_COPY:
            memcpy(output, text, text_size);
            /* The copy's result counts: the compiler may not drop it. */
            __asm__ __volatile__("" : : "r"(output) : "memory");
            status = SGX_SUCCESS;
            break;
        default:
            break;
        }
        if (status != SGX_SUCCESS)
            return status;
    }
    return SGX_SUCCESS;
}
