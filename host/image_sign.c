/* SPDX-License-Identifier: Apache-2.0 */
/* host/image_sign.c: building, signing and storing an enclave's metadata (sgx_sign's flows). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cella/image_sign.h>
#include <cella/layout.h>
#include <cella/measure.h>
#include <cella/memory.h>
#include <cella/sigstruct.h>

#include "log_internal.h"
#include "sha256_openssl.h"

#define PAGE ((uint64_t)CELLA_PAGE_BYTES)

/* Values the configuration must hold, whether it came from XML or from a program. */
static cella_result_t check_config(const cella_enclave_config_t *config)
{
    if (config->tcs_num == 0 || config->tcs_policy > CELLA_METADATA_TCS_POLICY_UNBIND ||
        config->stack_max_size == 0 || config->stack_max_size % PAGE != 0 ||
        config->heap_max_size % PAGE != 0 ||
        (config->misc_select & ~CELLA_MISCSELECT_EXINFO) != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave config: TCSNum must be at least 1, TCSPolicy 0 or 1, StackMaxSize a "
                  "non-zero multiple of 0x1000, HeapMaxSize a multiple of 0x1000, MiscSelect 0 "
                  "or 1");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    return CELLA_OK;
}

static void fill_metadata(cella_enclave_metadata_t *metadata, const cella_enclave_config_t *config,
                          uint32_t date)
{
    cella_sigstruct_t *sigstruct = &metadata->sigstruct;

    memset(metadata, 0, sizeof(*metadata));
    metadata->magic = CELLA_METADATA_MAGIC;
    metadata->version = CELLA_METADATA_VERSION;
    metadata->size = (uint32_t)sizeof(*metadata);
    metadata->heap_size = config->heap_max_size;
    metadata->stack_size = config->stack_max_size;
    metadata->tcs_count = config->tcs_num;
    metadata->tcs_policy = config->tcs_policy;
    metadata->ssa_frame_size = CELLA_METADATA_SSA_FRAME_SIZE;
    metadata->nssa = CELLA_METADATA_NSSA;
    metadata->misc_select = config->misc_select;
    metadata->misc_mask = config->misc_mask;
    /* sgx_sign: a 64-bit enclave; DEBUG is never in SIGSTRUCT, only possibly enforced. */
    metadata->attributes.flags = SGX_FLAGS_MODE64BIT;
    metadata->attributes.xfrm = SGX_XFRM_LEGACY;
    metadata->attribute_mask.flags = config->disable_debug
                                         ? ~SGX_FLAGS_NON_CHECK_BITS
                                         : ~(SGX_FLAGS_DEBUG | SGX_FLAGS_NON_CHECK_BITS);
    metadata->attribute_mask.xfrm = SGX_XFRM_LEGACY | SGX_XFRM_RESERVED;
    metadata->isv_prod_id = config->prod_id;
    metadata->isv_svn = config->isv_svn;
    metadata->disable_debug = config->disable_debug ? 1 : 0;

    cella_sigstruct_init(sigstruct);
    sigstruct->date = date;
    sigstruct->misc_select = metadata->misc_select;
    sigstruct->misc_mask = metadata->misc_mask;
    sigstruct->attributes = metadata->attributes;
    sigstruct->attribute_mask = metadata->attribute_mask;
    sigstruct->isv_prod_id = metadata->isv_prod_id;
    sigstruct->isv_svn = metadata->isv_svn;
}

cella_result_t cella_image_sign_prepare(const cella_image_t *image,
                                        const cella_enclave_config_t *config, uint32_t date,
                                        uint32_t flags, cella_enclave_metadata_t *metadata)
{
    cella_enclave_metadata_t prepared;
    cella_layout_config_t layout_config;
    cella_layout_t layout;
    cella_sha256_ops_t sha256 = {0};
    sgx_measurement_t mrenclave;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (image == NULL || config == NULL || metadata == NULL || image->file == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!image->has_metadata) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: no .note.cella section to hold the signature; link the "
                  "enclave with the cella trusted runtime (it reserves the section in "
                  "metadata.S)");
        return CELLA_ERR_NOT_FOUND;
    }
    if (!image->has_layout_table) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: no .cella_layout section for the layout table the runtime "
                  "checks its threads against; link with cella's trusted runtime (it reserves "
                  "the section in metadata.S)");
        return CELLA_ERR_NOT_FOUND;
    }
    if ((flags & CELLA_IMAGE_SIGN_RESIGN) == 0 &&
        !cella_memory_is_zero_ct(image->file + image->metadata_offset, image->metadata_size)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: already signed; sign the unsigned enclave "
                                   "(or pass -resign to replace the signature)");
        return CELLA_ERR_INVALID_STATE;
    }
    if (image->has_text_relocations && (flags & CELLA_IMAGE_SIGN_IGNORE_TEXT_RELOCATIONS) == 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: has text relocations (relocations in read-only pages, which "
                  "the enclave cannot apply); build all enclave code with -fPIC/-fPIE, or pass "
                  "-ignore-rel-error");
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (image->has_init_section && (flags & CELLA_IMAGE_SIGN_IGNORE_INIT_SECTION) == 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: has a .init section, which the enclave runtime never runs "
                  "(use constructors, .init_array); pass -ignore-init-sec-error to sign anyway");
        return CELLA_ERR_INVALID_FORMAT;
    }
    r = check_config(config);
    if (r != CELLA_OK)
        return r;

    fill_metadata(&prepared, config, date);
    r = cella_layout_config_init(&layout_config, &prepared);
    if (r != CELLA_OK)
        goto out;
    r = cella_layout_compute(image, &layout_config, &layout);
    if (r != CELLA_OK)
        goto out;
    prepared.enclave_size = layout.enclave_size;
    r = cella_sha256_openssl_init(&sha256);
    if (r != CELLA_OK)
        goto out;
    r = cella_measure_layout(&layout, image, &sha256, &mrenclave);
    if (r != CELLA_OK)
        goto out;
    prepared.sigstruct.enclave_hash = mrenclave;
    *metadata = prepared;
    r = CELLA_OK;
out:
    cella_sha256_openssl_clear(&sha256);
    return r;
}

cella_result_t cella_image_sign(void *file, size_t file_size, const cella_enclave_config_t *config,
                                uint32_t date, uint32_t flags, const void *key, size_t key_size,
                                cella_enclave_metadata_t *metadata)
{
    cella_image_t image;
    cella_enclave_metadata_t signed_metadata;
    cella_result_t r;

    if (file == NULL || config == NULL || key == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    r = cella_image_parse(file, file_size, &image);
    if (r != CELLA_OK)
        return r;
    r = cella_image_sign_prepare(&image, config, date, flags, &signed_metadata);
    if (r != CELLA_OK)
        return r;
    r = cella_sigstruct_sign(&signed_metadata.sigstruct, key, key_size);
    if (r != CELLA_OK)
        return r;
    r = cella_image_set_metadata(&image, file, file_size, &signed_metadata);
    if (r != CELLA_OK)
        return r;
    if (metadata != NULL)
        *metadata = signed_metadata;
    return CELLA_OK;
}

cella_result_t cella_image_sign_gendata(const void *file, size_t file_size,
                                        const cella_enclave_config_t *config, uint32_t date,
                                        uint32_t flags, uint8_t *data, size_t data_size)
{
    cella_image_t image;
    cella_enclave_metadata_t prepared;
    cella_result_t r;

    if (file == NULL || config == NULL || data == NULL || data_size != CELLA_SIGSTRUCT_SIGNED_BYTES)
        return CELLA_ERR_INVALID_ARGUMENT;
    r = cella_image_parse(file, file_size, &image);
    if (r != CELLA_OK)
        return r;
    r = cella_image_sign_prepare(&image, config, date, flags, &prepared);
    if (r != CELLA_OK)
        return r;
    return cella_sigstruct_get_signing_data(&prepared.sigstruct, data, data_size);
}

cella_result_t cella_image_sign_catsig(void *file, size_t file_size,
                                       const cella_enclave_config_t *config, uint32_t flags,
                                       const uint8_t *signing_data, size_t signing_data_size,
                                       const void *public_key, size_t public_key_size,
                                       const void *signature, size_t signature_size,
                                       cella_enclave_metadata_t *metadata)
{
    cella_image_t image;
    cella_enclave_metadata_t prepared;
    uint8_t expected[CELLA_SIGSTRUCT_SIGNED_BYTES];
    uint32_t date;
    cella_result_t r;

    if (file == NULL || config == NULL || signing_data == NULL || public_key == NULL ||
        signature == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (signing_data_size != CELLA_SIGSTRUCT_SIGNED_BYTES) {
        cella_log(CELLA_LOG_ERROR, "signing data: %zu bytes; gendata writes %d", signing_data_size,
                  CELLA_SIGSTRUCT_SIGNED_BYTES);
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    r = cella_image_parse(file, file_size, &image);
    if (r != CELLA_OK)
        return r;
    /* As sgx_sign does, take DATE from the step-1 output: the steps may run days apart. */
    memcpy(&date, signing_data + offsetof(cella_sigstruct_t, date), sizeof(date));
    r = cella_image_sign_prepare(&image, config, date, flags, &prepared);
    if (r != CELLA_OK)
        return r;
    r = cella_sigstruct_get_signing_data(&prepared.sigstruct, expected, sizeof(expected));
    if (r != CELLA_OK)
        return r;
    if (memcmp(expected, signing_data, sizeof(expected)) != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "signing data: does not match this enclave and configuration; run gendata "
                  "again with the same -enclave and -config");
        return CELLA_ERR_VERIFY_FAILED;
    }
    r = cella_sigstruct_set_signature(&prepared.sigstruct, public_key, public_key_size, signature,
                                      signature_size);
    if (r != CELLA_OK)
        return r;
    r = cella_image_set_metadata(&image, file, file_size, &prepared);
    if (r != CELLA_OK)
        return r;
    if (metadata != NULL)
        *metadata = prepared;
    return CELLA_OK;
}
