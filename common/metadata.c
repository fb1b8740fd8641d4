/* SPDX-License-Identifier: Apache-2.0 */
/* common/metadata.c: reading and writing the signed-enclave metadata (cella/metadata.h). */
#include <string.h>

#include <cella/memory.h>
#include <cella/metadata.h>

#include "log_internal.h"

static bool is_power_of_two(uint64_t value)
{
    return value != 0 && (value & (value - 1)) == 0;
}

/* The measured configuration holds values a layout can be computed from. */
static cella_result_t check_config(const cella_enclave_metadata_t *metadata)
{
    if (!is_power_of_two(metadata->enclave_size) ||
        metadata->enclave_size < 2 * (uint64_t)CELLA_PAGE_BYTES) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave metadata: enclave size 0x%llx is not a power of two of at least two "
                  "pages",
                  (unsigned long long)metadata->enclave_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (metadata->heap_size % CELLA_PAGE_BYTES != 0) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: heap size 0x%llx is not a page multiple",
                  (unsigned long long)metadata->heap_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (metadata->stack_size == 0 || metadata->stack_size % CELLA_PAGE_BYTES != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave metadata: stack size 0x%llx is not a non-zero page multiple",
                  (unsigned long long)metadata->stack_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (metadata->tcs_count == 0) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: TCS count is 0");
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (metadata->tcs_policy > CELLA_METADATA_TCS_POLICY_UNBIND) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: TCS policy %u is not 0 or 1",
                  metadata->tcs_policy);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (metadata->ssa_frame_size == 0 ||
        metadata->ssa_frame_size > CELLA_METADATA_SSA_FRAME_SIZE_MAX) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: SSA frame size %u is not in [1, %u]",
                  metadata->ssa_frame_size, CELLA_METADATA_SSA_FRAME_SIZE_MAX);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (metadata->nssa == 0 || metadata->nssa > CELLA_METADATA_NSSA_MAX) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: NSSA %u is not in [1, %u]", metadata->nssa,
                  CELLA_METADATA_NSSA_MAX);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (metadata->disable_debug > 1) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: DisableDebug %u is not 0 or 1",
                  metadata->disable_debug);
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

cella_result_t cella_metadata_parse(const void *data, size_t data_size,
                                    cella_enclave_metadata_t *metadata)
{
    cella_enclave_metadata_t copy;
    const uint8_t *bytes = data;
    cella_result_t r;

    if (data == NULL || metadata == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (data_size < sizeof(copy)) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: %zu bytes, fewer than the %zu it needs",
                  data_size, sizeof(copy));
        return CELLA_ERR_INVALID_FORMAT;
    }
    /* Validate a private copy, so what was checked is what the caller gets. */
    memcpy(&copy, data, sizeof(copy));
    if (copy.magic != CELLA_METADATA_MAGIC) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: bad magic 0x%016llx",
                  (unsigned long long)copy.magic);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (copy.version != CELLA_METADATA_VERSION) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave metadata: version %u is not supported (this cella reads version %u)",
                  copy.version, CELLA_METADATA_VERSION);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (copy.size != sizeof(copy)) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: size field %u, expected %zu", copy.size,
                  sizeof(copy));
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (!cella_memory_is_zero_ct(copy.reserved, sizeof(copy.reserved)) ||
        !cella_memory_is_zero_ct(bytes + sizeof(copy), data_size - sizeof(copy))) {
        cella_log(CELLA_LOG_ERROR, "enclave metadata: reserved bytes are not zero");
        return CELLA_ERR_INVALID_FORMAT;
    }
    r = check_config(&copy);
    if (r != CELLA_OK)
        return r;
    *metadata = copy;
    return CELLA_OK;
}

cella_result_t cella_metadata_serialize(const cella_enclave_metadata_t *metadata, void *data,
                                        size_t data_size)
{
    if (metadata == NULL || data == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (data_size < sizeof(*metadata))
        return CELLA_ERR_BUFFER_TOO_SMALL;
    if (cella_memory_ranges_overlap(metadata, sizeof(*metadata), data, data_size))
        return CELLA_ERR_INVALID_ARGUMENT;
    memcpy(data, metadata, sizeof(*metadata));
    memset((uint8_t *)data + sizeof(*metadata), 0, data_size - sizeof(*metadata));
    return CELLA_OK;
}
