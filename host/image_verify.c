/* SPDX-License-Identifier: Apache-2.0 */
/* host/image_verify.c: the checks a loader runs on a signed enclave image before using it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/image_verify.h>
#include <cella/measure.h>
#include <cella/memory.h>
#include <cella/sigstruct.h>

#include "log_internal.h"
#include "sha256_openssl.h"

const char *cella_image_check_str(cella_image_check_t check)
{
    switch (check) {
    case CELLA_IMAGE_CHECK_NONE:
        return "verified";
    case CELLA_IMAGE_CHECK_ELF:
        return "bad ELF";
    case CELLA_IMAGE_CHECK_NO_METADATA:
        return "no metadata";
    case CELLA_IMAGE_CHECK_NOT_SIGNED:
        return "not signed";
    case CELLA_IMAGE_CHECK_METADATA:
        return "bad metadata";
    case CELLA_IMAGE_CHECK_SIGNATURE:
        return "signature invalid";
    case CELLA_IMAGE_CHECK_CONFIG:
        return "attribute/config mismatch";
    case CELLA_IMAGE_CHECK_MEASUREMENT:
        return "measurement mismatch";
    }
    return "unknown check";
}

static bool attributes_equal(sgx_attributes_t a, sgx_attributes_t b)
{
    return a.flags == b.flags && a.xfrm == b.xfrm;
}

/* Check 6: the metadata copies of SIGSTRUCT fields, and what cella can run. */
static bool config_consistent(const cella_enclave_metadata_t *metadata)
{
    const cella_sigstruct_t *sigstruct = &metadata->sigstruct;
    bool debug_enforced = (sigstruct->attribute_mask.flags & SGX_FLAGS_DEBUG) != 0;

    if (metadata->misc_select != sigstruct->misc_select ||
        metadata->misc_mask != sigstruct->misc_mask) {
        cella_log(CELLA_LOG_ERROR, "enclave image: metadata MISCSELECT/MISCMASK differ from "
                                   "SIGSTRUCT's");
        return false;
    }
    if (!attributes_equal(metadata->attributes, sigstruct->attributes) ||
        !attributes_equal(metadata->attribute_mask, sigstruct->attribute_mask)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: metadata ATTRIBUTES/ATTRIBUTEMASK differ from "
                                   "SIGSTRUCT's");
        return false;
    }
    if (metadata->isv_prod_id != sigstruct->isv_prod_id ||
        metadata->isv_svn != sigstruct->isv_svn) {
        cella_log(CELLA_LOG_ERROR, "enclave image: metadata ISVPRODID/ISVSVN differ from "
                                   "SIGSTRUCT's");
        return false;
    }
    if ((metadata->disable_debug != 0) != debug_enforced ||
        (debug_enforced && (sigstruct->attributes.flags & SGX_FLAGS_DEBUG) != 0)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: DisableDebug does not agree with the DEBUG "
                                   "bits of SIGSTRUCT");
        return false;
    }
    if ((sigstruct->attributes.flags & SGX_FLAGS_MODE64BIT) == 0 ||
        (sigstruct->attribute_mask.flags & SGX_FLAGS_MODE64BIT) == 0 ||
        (sigstruct->attributes.xfrm & SGX_XFRM_LEGACY) != SGX_XFRM_LEGACY) {
        cella_log(CELLA_LOG_ERROR, "enclave image: SIGSTRUCT is not for a 64-bit enclave with "
                                   "x87 and SSE state (MODE64BIT, XFRM LEGACY)");
        return false;
    }
    /* Attributes that give an enclave keys or identity fields cella has no way to grant
     * properly (no provisioning or launch policy, no KSS identity): refused, as signing
     * refuses ProvisionKey, LaunchKey and EnableKSS. */
    static const struct {
        uint64_t flag;
        const char *name, *option;
    } refused[] = {
        {SGX_FLAGS_PROVISION_KEY, "PROVISION_KEY", "ProvisionKey"},
        {SGX_FLAGS_EINITTOKEN_KEY, "EINITTOKEN_KEY", "LaunchKey"},
        {SGX_FLAGS_KSS, "KSS", "EnableKSS"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        if ((sigstruct->attributes.flags & refused[i].flag) != 0) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave image: SIGSTRUCT sets the %s attribute, which cella does not "
                      "grant; sign the enclave with %s 0",
                      refused[i].name, refused[i].option);
            return false;
        }
    }
    return true;
}

/* Checks 1-6, and 7 when measure is true; see cella/image_verify.h. */
static cella_result_t verify(const void *file, size_t file_size, bool measure,
                             cella_image_info_t *info, cella_image_check_t *failed_check)
{
    cella_image_info_t *verified = NULL;
    cella_image_check_t check = CELLA_IMAGE_CHECK_ELF;
    cella_layout_config_t layout_config;
    cella_sha256_ops_t sha256 = {0};
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (failed_check != NULL)
        *failed_check = CELLA_IMAGE_CHECK_ELF;
    if (file == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    /* About 11 KB: too much for some callers' stacks. */
    verified = calloc(1, sizeof(*verified));
    if (verified == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }

    r = cella_image_parse(file, file_size, &verified->image);
    if (r != CELLA_OK)
        goto out;

    r = cella_image_get_metadata(&verified->image, &verified->metadata);
    if (r == CELLA_OK && !verified->image.has_layout_table) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: no .cella_layout section (the layout table the runtime "
                  "checks its threads against); link with cella's trusted runtime and sign "
                  "again");
        r = CELLA_ERR_INVALID_FORMAT;
    }
    if (r != CELLA_OK) {
        check = r == CELLA_ERR_NOT_FOUND       ? CELLA_IMAGE_CHECK_NO_METADATA
                : r == CELLA_ERR_INVALID_STATE ? CELLA_IMAGE_CHECK_NOT_SIGNED
                                               : CELLA_IMAGE_CHECK_METADATA;
        goto out;
    }

    check = CELLA_IMAGE_CHECK_SIGNATURE;
    r = cella_sigstruct_verify(&verified->metadata.sigstruct);
    if (r != CELLA_OK)
        goto out;
    r = cella_sigstruct_get_mrsigner(&verified->metadata.sigstruct, &verified->mrsigner);
    if (r != CELLA_OK)
        goto out;

    check = CELLA_IMAGE_CHECK_CONFIG;
    if (!config_consistent(&verified->metadata)) {
        r = CELLA_ERR_VERIFY_FAILED;
        goto out;
    }
    check = CELLA_IMAGE_CHECK_METADATA;
    r = cella_layout_config_init(&layout_config, &verified->metadata);
    if (r != CELLA_OK)
        goto out;
    r = cella_layout_compute(&verified->image, &layout_config, &verified->layout);
    if (r != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR, "enclave image: the metadata describes no valid layout");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    check = CELLA_IMAGE_CHECK_CONFIG;
    if (verified->layout.enclave_size != verified->metadata.enclave_size) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: the layout needs an enclave of 0x%llx bytes; the metadata "
                  "says 0x%llx",
                  (unsigned long long)verified->layout.enclave_size,
                  (unsigned long long)verified->metadata.enclave_size);
        r = CELLA_ERR_VERIFY_FAILED;
        goto out;
    }

    if (!measure)
        goto verified;
    check = CELLA_IMAGE_CHECK_MEASUREMENT;
    r = cella_sha256_openssl_init(&sha256);
    if (r != CELLA_OK)
        goto out;
    r = cella_measure_layout(&verified->layout, &verified->image, &sha256, &verified->mrenclave);
    if (r != CELLA_OK)
        goto out;
    if (!cella_memory_equal_ct(verified->mrenclave.m, verified->metadata.sigstruct.enclave_hash.m,
                               sizeof(verified->mrenclave.m))) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: measurement mismatch: the image's MRENCLAVE is not the one "
                  "SIGSTRUCT signs; the file was changed after signing");
        r = CELLA_ERR_VERIFY_FAILED;
        goto out;
    }

verified:
    check = CELLA_IMAGE_CHECK_NONE;
    if (info != NULL)
        *info = *verified;
    r = CELLA_OK;
out:
    if (failed_check != NULL)
        *failed_check = check;
    cella_sha256_openssl_clear(&sha256);
    free(verified);
    return r;
}

cella_result_t cella_image_verify(const void *file, size_t file_size, cella_image_info_t *info,
                                  cella_image_check_t *failed_check)
{
    return verify(file, file_size, true, info, failed_check);
}

cella_result_t cella_image_verify_signed(const void *file, size_t file_size,
                                         cella_image_info_t *info,
                                         cella_image_check_t *failed_check)
{
    if (info == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    return verify(file, file_size, false, info, failed_check);
}

/* The content of every zero page, measured in place of one the destination already holds. */
static const uint8_t zeros[CELLA_PAGE_BYTES];

cella_result_t cella_image_load(cella_image_info_t *info, uint8_t *destination,
                                cella_image_check_t *failed_check)
{
    const cella_layout_t *layout;
    cella_sha256_ops_t sha256 = {0};
    cella_measure_t measure;
    cella_result_t r = CELLA_ERR_UNEXPECTED;

    if (failed_check != NULL)
        *failed_check = CELLA_IMAGE_CHECK_MEASUREMENT;
    if (info == NULL || destination == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    layout = &info->layout;

    r = cella_sha256_openssl_init(&sha256);
    if (r != CELLA_OK)
        goto out;
    r = cella_measure_init(&measure, &sha256, layout->config.ssa_frame_size, layout->enclave_size);
    if (r != CELLA_OK)
        goto out;
    for (size_t i = 0; i < layout->range_count; i++) {
        cella_layout_range_t range;
        r = cella_layout_get_range(layout, i, &range);
        if (r != CELLA_OK)
            goto out;
        if (!range.is_added)
            continue;
        bool zero = cella_layout_range_is_zero(&range);
        for (uint64_t page = 0; page < range.page_count; page++) {
            uint64_t offset = range.offset + page * CELLA_PAGE_BYTES;
            uint8_t *target = destination + offset;
            r = cella_measure_add_page(&measure, offset, range.secinfo_flags);
            if (r != CELLA_OK)
                goto out;
            /* Unmeasured pages (the heap) start as the destination's zeros. */
            if (!range.is_measured)
                continue;
            /* Zero pages (stacks, SSA, TLS) are the destination's zeros already: measuring
             * zeros from here leaves them untouched, so they cost no memory until used. */
            const uint8_t *measured = zeros;
            if (!zero) {
                r = cella_layout_get_page(layout, &info->image, &range, page, target,
                                          CELLA_PAGE_BYTES);
                if (r != CELLA_OK)
                    goto out;
                /* Measure the bytes where they now are: what runs is what was measured. */
                measured = target;
            }
            r = cella_measure_extend_page(&measure, offset, measured, CELLA_PAGE_BYTES);
            if (r != CELLA_OK)
                goto out;
        }
    }
    r = cella_measure_get_mrenclave(&measure, &info->mrenclave);
    if (r != CELLA_OK)
        goto out;
    if (!cella_memory_equal_ct(info->mrenclave.m, info->metadata.sigstruct.enclave_hash.m,
                               sizeof(info->mrenclave.m))) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: measurement mismatch: the image's MRENCLAVE is not the one "
                  "SIGSTRUCT signs; the file was changed after signing");
        r = CELLA_ERR_VERIFY_FAILED;
        goto out;
    }
    if (failed_check != NULL)
        *failed_check = CELLA_IMAGE_CHECK_NONE;
    r = CELLA_OK;
out:
    cella_sha256_openssl_clear(&sha256);
    return r;
}
