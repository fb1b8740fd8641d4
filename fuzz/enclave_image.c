/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_enclave_image: ELF parsing, metadata reading and layout/page content on arbitrary files. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/image.h>
#include <cella/layout.h>
#include <cella/measure.h>
#include <cella/metadata.h>

#include "fuzz.h"

/* Measured pages are hashed only for small layouts, so each input stays fast. */
#define MEASURED_PAGES_MAX 64

/* A stand-in for SHA-256: the measurement code only needs something to feed. */
static cella_result_t sum_init(void *context)
{
    *(uint64_t *)context = 0;
    return CELLA_OK;
}

static cella_result_t sum_update(void *context, const void *data, size_t size)
{
    const uint8_t *bytes = data;
    uint64_t *sum = context;
    for (size_t i = 0; i < size; i++)
        *sum = *sum * 31 + bytes[i];
    return CELLA_OK;
}

static cella_result_t sum_final(void *context, uint8_t digest[CELLA_SHA256_BYTES])
{
    memset(digest, 0, CELLA_SHA256_BYTES);
    memcpy(digest, context, sizeof(uint64_t));
    return CELLA_OK;
}

static void check_layout(const cella_image_t *image, const cella_layout_config_t *config)
{
    cella_layout_t layout;
    uint64_t previous_end = 0;
    uint64_t measured_pages = 0;
    uint8_t page[CELLA_PAGE_BYTES];

    if (cella_layout_compute(image, config, &layout) != CELLA_OK)
        return;
    REQUIRE(layout.total_size <= layout.enclave_size);
    REQUIRE(layout.enclave_size <= CELLA_LAYOUT_ENCLAVE_MAX_BYTES);
    REQUIRE((layout.enclave_size & (layout.enclave_size - 1)) == 0);
    for (size_t i = 0; i < layout.range_count; i++) {
        cella_layout_range_t range;
        REQUIRE(cella_layout_get_range(&layout, i, &range) == CELLA_OK);
        REQUIRE(range.page_count > 0);
        REQUIRE(range.offset % CELLA_PAGE_BYTES == 0);
        REQUIRE(range.offset >= previous_end);
        previous_end = range.offset + range.page_count * CELLA_PAGE_BYTES;
        REQUIRE(previous_end <= layout.total_size);
        REQUIRE(range.is_added == (range.kind != CELLA_LAYOUT_KIND_GUARD));
        if (!range.is_added) {
            REQUIRE(cella_layout_get_page(&layout, image, &range, 0, page, sizeof(page)) ==
                    CELLA_ERR_INVALID_ARGUMENT);
            continue;
        }
        REQUIRE(cella_layout_get_page(&layout, image, &range, 0, page, sizeof(page)) == CELLA_OK);
        REQUIRE(cella_layout_get_page(&layout, image, &range, range.page_count - 1, page,
                                      sizeof(page)) == CELLA_OK);
        if (range.is_measured)
            measured_pages += range.page_count;
        if (i > 64)
            break; /* the ranges repeat per thread from here on */
    }
    if (measured_pages <= MEASURED_PAGES_MAX && layout.range_count <= 64) {
        uint64_t state = 0;
        cella_sha256_ops_t ops = {&state, sum_init, sum_update, sum_final};
        sgx_measurement_t mrenclave;
        REQUIRE(cella_measure_layout(&layout, image, &ops, &mrenclave) == CELLA_OK);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    /* A private copy of exactly input_size bytes, so any overread is caught. */
    uint8_t *file = malloc(input_size > 0 ? input_size : 1);
    cella_image_t image;
    cella_enclave_metadata_t metadata;
    cella_layout_config_t config = {0x2000, 0x1000, 2, 1, 1, 2};

    if (file == NULL)
        return 0;
    memcpy(file, input, input_size);
    if (cella_image_parse(file, input_size, &image) != CELLA_OK)
        goto out;
    REQUIRE(image.segment_count >= 1 && image.segment_count <= CELLA_IMAGE_SEGMENTS_MAX);
    REQUIRE(image.end <= CELLA_IMAGE_SPAN_MAX_BYTES);
    for (uint32_t i = 0; i < image.segment_count; i++) {
        const cella_image_segment_t *s = &image.segments[i];
        REQUIRE(s->file_size <= s->mem_size);
        REQUIRE(s->file_offset + s->file_size <= input_size);
        REQUIRE((s->secinfo_flags & (CELLA_SECINFO_W | CELLA_SECINFO_X)) !=
                (CELLA_SECINFO_W | CELLA_SECINFO_X));
    }
    if (image.has_metadata)
        REQUIRE(image.metadata_offset + image.metadata_size <= input_size);

    if (cella_image_get_metadata(&image, &metadata) == CELLA_OK) {
        cella_enclave_metadata_t again;
        REQUIRE(cella_layout_config_init(&config, &metadata) == CELLA_OK);
        /* Writing back what was read changes nothing. */
        REQUIRE(cella_image_set_metadata(&image, file, input_size, &metadata) == CELLA_OK);
        REQUIRE(cella_image_get_metadata(&image, &again) == CELLA_OK);
        REQUIRE(memcmp(&again, &metadata, sizeof(again)) == 0);
    }
    check_layout(&image, &config);
out:
    free(file);
    return 0;
}
