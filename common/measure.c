/* SPDX-License-Identifier: Apache-2.0 */
/* common/measure.c: MRENCLAVE from ECREATE, EADD and EEXTEND records (cella/measure.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cella/measure.h>
#include <cella/sgx_arch.h>

#define PAGE ((uint64_t)CELLA_PAGE_BYTES)

/* cella_measure_t.state */
enum {
    STATE_IDLE = 0,     /* not started, finished, or dead after an error */
    STATE_MEASURING = 1 /* between cella_measure_init() and cella_measure_get_mrenclave() */
};

/* The only SECINFO.FLAGS bits an EADD may carry here: page type and R/W/X. */
#define SECINFO_ALLOWED_BITS \
    (CELLA_SECINFO_PAGE_TYPE_MASK | CELLA_SECINFO_R | CELLA_SECINFO_W | CELLA_SECINFO_X)

static bool is_power_of_two(uint64_t value)
{
    return value != 0 && (value & (value - 1)) == 0;
}

/* Hands the gathered records to SHA-256. */
static cella_result_t flush(cella_measure_t *measure)
{
    cella_result_t r = CELLA_OK;
    if (measure->batch_size != 0)
        r = measure->sha256->update(measure->sha256->context, measure->batch, measure->batch_size);
    measure->batch_size = 0;
    if (r != CELLA_OK)
        measure->state = STATE_IDLE;
    return r;
}

/*
 * Records are hashed as bytes; the record structs are packed and little-endian on x86-64.
 * They are small (64 or 256 bytes), so they are gathered into batches: one SHA-256 call per
 * batch instead of one per record keeps the measurement at the speed of the hash itself.
 * Inlined, each call site copies a size the compiler knows, with plain vector moves.
 */
static inline __attribute__((always_inline)) cella_result_t hash(cella_measure_t *measure,
                                                                 const void *data, size_t size)
{
    if (size > sizeof(measure->batch) - measure->batch_size) {
        cella_result_t r = flush(measure);
        if (r != CELLA_OK)
            return r;
    }
    memcpy(measure->batch + measure->batch_size, data, size);
    measure->batch_size += size;
    return CELLA_OK;
}

/* Stores a little-endian 64-bit field of a record being written into the batch. */
static inline void put64(uint8_t *at, uint64_t value)
{
    memcpy(at, &value, sizeof(value));
}

/*
 * Room for size more bytes at the end of the batch (flushing it first if needed), or NULL
 * after a failed flush with *r set. Records are written there in place: building them on the
 * stack and copying them costs a store-forwarding stall per record.
 */
static inline uint8_t *batch_reserve(cella_measure_t *measure, size_t size, cella_result_t *r)
{
    *r = CELLA_OK;
    if (size > sizeof(measure->batch) - measure->batch_size) {
        *r = flush(measure);
        if (*r != CELLA_OK)
            return NULL;
    }
    return measure->batch + measure->batch_size;
}

static bool page_offset_valid(const cella_measure_t *measure, uint64_t offset)
{
    return offset % PAGE == 0 && offset < measure->enclave_size;
}

cella_result_t cella_measure_init(cella_measure_t *measure, const cella_sha256_ops_t *sha256,
                                  uint32_t ssa_frame_size, uint64_t enclave_size)
{
    cella_mrenclave_ecreate_t record;
    cella_result_t r;

    if (measure == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    measure->state = STATE_IDLE;
    if (sha256 == NULL || sha256->init == NULL || sha256->update == NULL || sha256->final == NULL ||
        ssa_frame_size == 0 || !is_power_of_two(enclave_size) || enclave_size < 2 * PAGE)
        return CELLA_ERR_INVALID_ARGUMENT;
    measure->sha256 = sha256;
    measure->enclave_size = enclave_size;
    measure->batch_size = 0;

    r = sha256->init(sha256->context);
    if (r != CELLA_OK)
        return r;
    memset(&record, 0, sizeof(record));
    record.tag = CELLA_MRENCLAVE_TAG_ECREATE;
    record.ssa_frame_size = ssa_frame_size;
    record.size = enclave_size;
    measure->state = STATE_MEASURING;
    return hash(measure, &record, sizeof(record));
}

cella_result_t cella_measure_add_page(cella_measure_t *measure, uint64_t offset,
                                      uint64_t secinfo_flags)
{
    uint64_t type;
    uint64_t permissions;

    if (measure == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (measure->state != STATE_MEASURING)
        return CELLA_ERR_INVALID_STATE;
    if (!page_offset_valid(measure, offset) || (secinfo_flags & ~SECINFO_ALLOWED_BITS) != 0)
        return CELLA_ERR_INVALID_ARGUMENT;
    type = (secinfo_flags & CELLA_SECINFO_PAGE_TYPE_MASK) >> CELLA_SECINFO_PAGE_TYPE_SHIFT;
    permissions = secinfo_flags & (CELLA_SECINFO_R | CELLA_SECINFO_W | CELLA_SECINFO_X);
    /* EADD: a TCS page carries no permissions; a REG page that is W or X must be R. */
    if (type == CELLA_PAGE_TYPE_TCS) {
        if (permissions != 0)
            return CELLA_ERR_INVALID_ARGUMENT;
    } else if (type == CELLA_PAGE_TYPE_REG) {
        if (permissions != 0 && (permissions & CELLA_SECINFO_R) == 0)
            return CELLA_ERR_INVALID_ARGUMENT;
    } else {
        return CELLA_ERR_INVALID_ARGUMENT;
    }

    cella_result_t r;
    uint8_t *out = batch_reserve(measure, sizeof(cella_mrenclave_eadd_t), &r);
    if (out == NULL)
        return r;
    memset(out, 0, sizeof(cella_mrenclave_eadd_t));
    put64(out + offsetof(cella_mrenclave_eadd_t, tag), CELLA_MRENCLAVE_TAG_EADD);
    put64(out + offsetof(cella_mrenclave_eadd_t, offset), offset);
    put64(out + offsetof(cella_mrenclave_eadd_t, secinfo_flags), secinfo_flags);
    measure->batch_size += sizeof(cella_mrenclave_eadd_t);
    return CELLA_OK;
}

cella_result_t cella_measure_extend_page(cella_measure_t *measure, uint64_t offset,
                                         const void *page, size_t page_size)
{
    const uint8_t *bytes = page;
    cella_result_t r;

    if (measure == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (measure->state != STATE_MEASURING)
        return CELLA_ERR_INVALID_STATE;
    if (page == NULL || page_size != CELLA_PAGE_BYTES || !page_offset_valid(measure, offset))
        return CELLA_ERR_INVALID_ARGUMENT;

    /* A page's 16 records and chunks, written straight into the batch. */
    size_t page_stream = CELLA_MRENCLAVE_EEXTENDS_PER_PAGE *
                         (sizeof(cella_mrenclave_eextend_t) + CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES);
    _Static_assert(CELLA_MEASURE_BATCH_BYTES >=
                       CELLA_MRENCLAVE_EEXTENDS_PER_PAGE *
                           (CELLA_MRENCLAVE_RECORD_BYTES + CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES),
                   "a batch holds a page's EEXTEND stream");
    uint8_t *out = batch_reserve(measure, page_stream, &r);
    if (out == NULL)
        return r;
    for (size_t chunk = 0; chunk < CELLA_MRENCLAVE_EEXTENDS_PER_PAGE; chunk++) {
        size_t at = chunk * CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES;

        memset(out, 0, sizeof(cella_mrenclave_eextend_t));
        put64(out + offsetof(cella_mrenclave_eextend_t, tag), CELLA_MRENCLAVE_TAG_EEXTEND);
        put64(out + offsetof(cella_mrenclave_eextend_t, offset), offset + at);
        out += sizeof(cella_mrenclave_eextend_t);
        memcpy(out, bytes + at, CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES);
        out += CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES;
    }
    measure->batch_size += page_stream;
    return CELLA_OK;
}

cella_result_t cella_measure_get_mrenclave(cella_measure_t *measure, sgx_measurement_t *mrenclave)
{
    uint8_t digest[CELLA_SHA256_BYTES];
    cella_result_t r;

    if (measure == NULL || mrenclave == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (measure->state != STATE_MEASURING)
        return CELLA_ERR_INVALID_STATE;
    r = flush(measure);
    if (r != CELLA_OK)
        return r;
    measure->state = STATE_IDLE;
    r = measure->sha256->final(measure->sha256->context, digest);
    if (r != CELLA_OK)
        return r;
    memcpy(mrenclave->m, digest, sizeof(mrenclave->m));
    return CELLA_OK;
}

cella_result_t cella_measure_layout(const cella_layout_t *layout, const cella_image_t *image,
                                    const cella_sha256_ops_t *sha256, sgx_measurement_t *mrenclave)
{
    cella_measure_t measure;
    uint8_t page[CELLA_PAGE_BYTES];
    sgx_measurement_t result;
    cella_result_t r;

    if (layout == NULL || image == NULL || sha256 == NULL || mrenclave == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    r = cella_measure_init(&measure, sha256, layout->config.ssa_frame_size, layout->enclave_size);
    if (r != CELLA_OK)
        return r;
    for (size_t i = 0; i < layout->range_count; i++) {
        cella_layout_range_t range;

        r = cella_layout_get_range(layout, i, &range);
        if (r != CELLA_OK)
            return r;
        if (!range.is_added)
            continue;
        for (uint64_t p = 0; p < range.page_count; p++) {
            uint64_t offset = range.offset + p * PAGE;

            r = cella_measure_add_page(&measure, offset, range.secinfo_flags);
            if (r != CELLA_OK)
                return r;
            if (!range.is_measured)
                continue;
            r = cella_layout_get_page(layout, image, &range, p, page, sizeof(page));
            if (r != CELLA_OK)
                return r;
            r = cella_measure_extend_page(&measure, offset, page, sizeof(page));
            if (r != CELLA_OK)
                return r;
        }
    }
    r = cella_measure_get_mrenclave(&measure, &result);
    if (r != CELLA_OK)
        return r;
    *mrenclave = result;
    return CELLA_OK;
}
