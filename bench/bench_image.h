/* SPDX-License-Identifier: Apache-2.0 */
/* bench/bench_image.h: how many bytes SGX's measurement hashes for a signed enclave image. */
#ifndef CELLA_BENCH_IMAGE_H
#define CELLA_BENCH_IMAGE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cella/image_verify.h>
#include <cella/layout.h>

/*
 * Bytes SGX's measurement hashes for the image at path: ECREATE's 64, 64 per EADDed page, and
 * per EEXTENDed page 16 chunks of a 64-byte header and 256 bytes of the page. Creation
 * benchmarks hash that many bytes with SHA-256 as their baseline. Exits on an unreadable
 * image: a benchmark cannot go on without it.
 */
static inline size_t bench_measured_bytes(const char *path)
{
    FILE *file = fopen(path, "rb");
    uint8_t *data = NULL;
    long length = -1;
    size_t bytes = 64;
    cella_image_info_t info;

    if (file != NULL && fseek(file, 0, SEEK_END) == 0 && (length = ftell(file)) > 0 &&
        fseek(file, 0, SEEK_SET) == 0) {
        data = malloc((size_t)length);
        if (data != NULL && fread(data, 1, (size_t)length, file) != (size_t)length) {
            free(data);
            data = NULL;
        }
    }
    if (file != NULL)
        fclose(file);
    if (data == NULL || cella_image_verify(data, (size_t)length, &info, NULL) != CELLA_OK) {
        fprintf(stderr, "bench: cannot read or verify the enclave image %s\n", path);
        exit(1);
    }
    for (size_t i = 0; i < info.layout.range_count; i++) {
        cella_layout_range_t range;
        if (cella_layout_get_range(&info.layout, i, &range) != CELLA_OK) {
            fprintf(stderr, "bench: cannot read range %zu of %s\n", i, path);
            exit(1);
        }
        if (range.is_added)
            bytes += (size_t)range.page_count * 64;
        if (range.is_measured)
            bytes += (size_t)range.page_count * 16 * (64 + 256);
    }
    free(data);
    return bytes;
}

#endif /* CELLA_BENCH_IMAGE_H */
