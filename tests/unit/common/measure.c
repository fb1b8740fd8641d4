/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/measure.c: MRENCLAVE against records built here byte by byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include <cella/image.h>
#include <cella/layout.h>
#include <cella/measure.h>

#include "test_elf.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE           0x1000u

/* ---- SHA-256 for the library, through OpenSSL's EVP ---- */

static cella_result_t evp_init(void *context)
{
    return EVP_DigestInit_ex(context, EVP_sha256(), NULL) == 1 ? CELLA_OK : CELLA_ERR_UNEXPECTED;
}

static cella_result_t evp_update(void *context, const void *data, size_t size)
{
    return EVP_DigestUpdate(context, data, size) == 1 ? CELLA_OK : CELLA_ERR_UNEXPECTED;
}

static cella_result_t evp_final(void *context, uint8_t digest[CELLA_SHA256_BYTES])
{
    return EVP_DigestFinal_ex(context, digest, NULL) == 1 ? CELLA_OK : CELLA_ERR_UNEXPECTED;
}

static cella_sha256_ops_t make_ops(EVP_MD_CTX *context)
{
    cella_sha256_ops_t ops = {context, evp_init, evp_update, evp_final};
    return ops;
}

/* ---- the reference: the records of sgx-structures.md §9, packed by hand ---- */

static void put32(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void ref_ecreate(EVP_MD_CTX *md, uint32_t ssa_frame_size, uint64_t size)
{
    uint8_t record[64] = "ECREATE";
    put32(record + 8, ssa_frame_size);
    put64(record + 12, size);
    assert_int_equal(EVP_DigestUpdate(md, record, sizeof(record)), 1);
}

static void ref_eadd(EVP_MD_CTX *md, uint64_t offset, uint64_t flags)
{
    uint8_t record[64] = "EADD";
    put64(record + 8, offset);
    put64(record + 16, flags);
    assert_int_equal(EVP_DigestUpdate(md, record, sizeof(record)), 1);
}

static void ref_eextend(EVP_MD_CTX *md, uint64_t offset, const uint8_t *page)
{
    for (unsigned chunk = 0; chunk < 16; chunk++) {
        uint8_t record[64] = "EEXTEND";
        put64(record + 8, offset + 256u * chunk);
        assert_int_equal(EVP_DigestUpdate(md, record, sizeof(record)), 1);
        assert_int_equal(EVP_DigestUpdate(md, page + 256u * chunk, 256), 1);
    }
}

static void fill_pattern(uint8_t *page, uint8_t seed)
{
    for (unsigned i = 0; i < PAGE; i++)
        page[i] = (uint8_t)(i * 13u + seed);
}

static void streaming_measurement_matches_hand_built_records(void **state)
{
    EVP_MD_CTX *reference = EVP_MD_CTX_new();
    EVP_MD_CTX *library = EVP_MD_CTX_new();
    cella_sha256_ops_t ops = make_ops(library);
    cella_measure_t measure;
    uint8_t code[PAGE];
    uint8_t zero[PAGE] = {0};
    uint8_t expected[32];
    sgx_measurement_t mrenclave;

    (void)state;
    assert_non_null(reference);
    assert_non_null(library);
    fill_pattern(code, 5);

    assert_int_equal(EVP_DigestInit_ex(reference, EVP_sha256(), NULL), 1);
    ref_ecreate(reference, 1, 0x8000);
    ref_eadd(reference, 0x0000, 0x205);
    ref_eextend(reference, 0x0000, code);
    ref_eadd(reference, 0x1000, 0x100);
    ref_eextend(reference, 0x1000, zero);
    ref_eadd(reference, 0x2000, 0x203); /* added, not measured */
    assert_int_equal(EVP_DigestFinal_ex(reference, expected, NULL), 1);

    assert_int_equal(cella_measure_init(&measure, &ops, 1, 0x8000), CELLA_OK);
    assert_int_equal(cella_measure_add_page(&measure, 0x0000, 0x205), CELLA_OK);
    assert_int_equal(cella_measure_extend_page(&measure, 0x0000, code, sizeof(code)), CELLA_OK);
    assert_int_equal(cella_measure_add_page(&measure, 0x1000, 0x100), CELLA_OK);
    assert_int_equal(cella_measure_extend_page(&measure, 0x1000, zero, sizeof(zero)), CELLA_OK);
    assert_int_equal(cella_measure_add_page(&measure, 0x2000, 0x203), CELLA_OK);
    assert_int_equal(cella_measure_get_mrenclave(&measure, &mrenclave), CELLA_OK);
    assert_memory_equal(mrenclave.m, expected, sizeof(expected));

    EVP_MD_CTX_free(library);
    EVP_MD_CTX_free(reference);
}

/* The default test image's layout, worked out by hand (see tests/unit/common/layout.c). */
struct region {
    uint64_t offset;
    uint64_t pages;
    uint64_t flags; /* 0: a guard, not added */
    bool measured;
    int content; /* 0 zeros, 1 code/data from the file, 2 TCS, 3 thread data */
    uint32_t thread;
};

static const struct region regions[] = {
    {0x0000, 2, 0x205, true, 1, 0},  {0x3000, 2, 0x203, true, 1, 0},
    {0x5000, 3, 0x203, false, 0, 0}, {0x8000, 1, 0, false, 0, 0},
    {0x9000, 2, 0x203, true, 0, 0},  {0xB000, 1, 0x100, true, 2, 0},
    {0xC000, 2, 0x203, true, 0, 0},  {0xE000, 1, 0x203, true, 0, 0},
    {0xF000, 1, 0x203, true, 3, 0},  {0x10000, 1, 0, false, 0, 1},
    {0x11000, 2, 0x203, true, 0, 1}, {0x13000, 1, 0x100, true, 2, 1},
    {0x14000, 2, 0x203, true, 0, 1}, {0x16000, 1, 0x203, true, 0, 1},
    {0x17000, 1, 0x203, true, 3, 1}, {0x18000, 1, 0, false, 0, 0},
};

/* The page at enclave offset `offset` of the default image, from the file layout. */
static void file_page(const uint8_t *file, uint64_t offset, uint8_t *page)
{
    memset(page, 0, PAGE);
    if (offset == 0x0000)
        memcpy(page, file, PAGE);
    else if (offset == 0x1000)
        memcpy(page, file + 0x1000, 0x800);
    else if (offset == 0x3000)
        memcpy(page, file + 0x2000, 0x300);
}

static void thread_pages(uint32_t thread, uint8_t *tcs, uint8_t *thread_data)
{
    uint64_t base = 0x8000 + 0x8000ull * thread;
    uint64_t td = base + 0x7000;

    memset(tcs, 0, PAGE);
    put64(tcs + 16, base + 0x4000); /* OSSA */
    put32(tcs + 28, 2);             /* NSSA */
    put64(tcs + 32, 0x100);         /* OENTRY */
    put64(tcs + 48, td);            /* OFSBASE */
    put64(tcs + 56, td);            /* OGSBASE */
    put32(tcs + 64, 0xfff);
    put32(tcs + 68, 0xfff);

    memset(thread_data, 0, PAGE);
    put32(thread_data + 56, 1);      /* version */
    put32(thread_data + 60, thread); /* thread index */
    put32(thread_data + 64, 2);      /* TCS count */
    put32(thread_data + 68, 1);      /* TCS policy */
    put64(thread_data + 72, 0x20000);
    put64(thread_data + 80, td);
    put64(thread_data + 88, base + 0x3000);  /* TCS */
    put64(thread_data + 96, base + 0x4000);  /* SSA */
    put32(thread_data + 104, 1);             /* SSA frame size */
    put32(thread_data + 108, 2);             /* NSSA */
    put64(thread_data + 112, base + 0x3000); /* stack top */
    put64(thread_data + 120, base + 0x1000); /* stack limit */
    put64(thread_data + 128, 0x5000);        /* heap */
    put64(thread_data + 136, 0x3000);
    put64(thread_data + 144, td - 0x50); /* TLS block */
    put64(thread_data + 152, 0x50);
    put64(thread_data + 160, 0x3010); /* TLS init image */
    put64(thread_data + 168, 0x20);
    put64(thread_data + 176, 0x100); /* entry */
}

/*
 * MRENCLAVE of the default test image with heap 0x3000, stack 0x2000, 2 threads, NSSA 2, as
 * the reference code here computes it. Frozen: a change means every enclave's MRENCLAVE
 * changes, which needs a new metadata version.
 */
static const char frozen_mrenclave[] =
    "43d8ec3d1fa25030ba92b98d37042ccb3978a53b6114a7370382c5c94c81aec0";

static void layout_measurement_matches_records_of_the_expected_layout(void **state)
{
    struct test_elf_spec spec;
    size_t size;
    uint8_t *file;
    cella_image_t image;
    cella_layout_config_t config = {0x3000, 0x2000, 2, 1, 1, 2};
    cella_layout_t layout;
    EVP_MD_CTX *reference = EVP_MD_CTX_new();
    EVP_MD_CTX *library = EVP_MD_CTX_new();
    cella_sha256_ops_t ops = make_ops(library);
    uint8_t page[PAGE];
    uint8_t tcs[PAGE];
    uint8_t thread_data[PAGE];
    uint8_t expected[32];
    char expected_hex[65];
    sgx_measurement_t mrenclave;

    (void)state;
    test_elf_default_spec(&spec);
    file = test_elf_build(&spec, &size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_int_equal(cella_layout_compute(&image, &config, &layout), CELLA_OK);

    assert_int_equal(EVP_DigestInit_ex(reference, EVP_sha256(), NULL), 1);
    ref_ecreate(reference, 1, 0x20000);
    for (size_t r = 0; r < ARRAY_COUNT(regions); r++) {
        const struct region *region = &regions[r];
        if (region->flags == 0)
            continue;
        thread_pages(region->thread, tcs, thread_data);
        for (uint64_t p = 0; p < region->pages; p++) {
            uint64_t offset = region->offset + p * PAGE;
            ref_eadd(reference, offset, region->flags);
            if (!region->measured)
                continue;
            switch (region->content) {
            case 1:
                file_page(file, offset, page);
                break;
            case 2:
                memcpy(page, tcs, PAGE);
                break;
            case 3:
                memcpy(page, thread_data, PAGE);
                break;
            default:
                memset(page, 0, PAGE);
                break;
            }
            ref_eextend(reference, offset, page);
        }
    }
    assert_int_equal(EVP_DigestFinal_ex(reference, expected, NULL), 1);

    assert_int_equal(cella_measure_layout(&layout, &image, &ops, &mrenclave), CELLA_OK);
    assert_memory_equal(mrenclave.m, expected, sizeof(expected));

    for (size_t i = 0; i < sizeof(expected); i++)
        snprintf(expected_hex + 2 * i, 3, "%02x", expected[i]);
    assert_string_equal(expected_hex, frozen_mrenclave);

    EVP_MD_CTX_free(library);
    EVP_MD_CTX_free(reference);
    free(file);
}

static void measurement_changes_with_any_measured_byte(void **state)
{
    struct test_elf_spec spec;
    size_t size;
    uint8_t *file;
    cella_image_t image;
    cella_layout_config_t config = {0x3000, 0x2000, 1, 1, 1, 2};
    cella_layout_t layout;
    EVP_MD_CTX *library = EVP_MD_CTX_new();
    cella_sha256_ops_t ops = make_ops(library);
    sgx_measurement_t before;
    sgx_measurement_t after;

    (void)state;
    test_elf_default_spec(&spec);
    file = test_elf_build(&spec, &size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_int_equal(cella_layout_compute(&image, &config, &layout), CELLA_OK);
    assert_int_equal(cella_measure_layout(&layout, &image, &ops, &before), CELLA_OK);
    file[0x2100] ^= 1; /* a data byte */
    assert_int_equal(cella_measure_layout(&layout, &image, &ops, &after), CELLA_OK);
    assert_memory_not_equal(before.m, after.m, sizeof(before.m));
    file[0x2100] ^= 1;
    config.tcs_policy = 0; /* only in the thread-data pages */
    assert_int_equal(cella_layout_compute(&image, &config, &layout), CELLA_OK);
    assert_int_equal(cella_measure_layout(&layout, &image, &ops, &after), CELLA_OK);
    assert_memory_not_equal(before.m, after.m, sizeof(before.m));
    EVP_MD_CTX_free(library);
    free(file);
}

static void add_page_rejects_bad_offsets_and_flags(void **state)
{
    EVP_MD_CTX *library = EVP_MD_CTX_new();
    cella_sha256_ops_t ops = make_ops(library);
    cella_measure_t measure;
    static const struct {
        uint64_t offset;
        uint64_t flags;
    } bad[] = {
        {0x0800, 0x203},   /* not page aligned */
        {0x8000, 0x203},   /* at the enclave size */
        {0x1000, 0x20B},   /* PENDING */
        {0x1000, 0x101},   /* TCS with R */
        {0x1000, 0x202},   /* W without R */
        {0x1000, 0x204},   /* X without R */
        {0x1000, 0x303},   /* VA page */
        {0x1000, 0x10203}, /* bits above the page type */
    };

    (void)state;
    assert_int_equal(cella_measure_init(&measure, &ops, 1, 0x8000), CELLA_OK);
    for (size_t i = 0; i < ARRAY_COUNT(bad); i++)
        assert_int_equal(cella_measure_add_page(&measure, bad[i].offset, bad[i].flags),
                         CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_measure_add_page(&measure, 0x7000, 0x201), CELLA_OK);
    assert_int_equal(cella_measure_add_page(&measure, 0x6000, 0x200), CELLA_OK);
    EVP_MD_CTX_free(library);
}

static void measure_calls_outside_a_measurement_fail_with_invalid_state(void **state)
{
    EVP_MD_CTX *library = EVP_MD_CTX_new();
    cella_sha256_ops_t ops = make_ops(library);
    cella_measure_t measure;
    sgx_measurement_t mrenclave;
    uint8_t page[PAGE] = {0};

    (void)state;
    memset(&measure, 0, sizeof(measure));
    assert_int_equal(cella_measure_add_page(&measure, 0, 0x203), CELLA_ERR_INVALID_STATE);
    assert_int_equal(cella_measure_init(&measure, &ops, 1, 0x3000), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_measure_init(&measure, &ops, 1, 0x1000), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_measure_init(&measure, &ops, 0, 0x2000), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_measure_init(&measure, NULL, 1, 0x2000), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_measure_init(&measure, &ops, 1, 0x2000), CELLA_OK);
    assert_int_equal(cella_measure_extend_page(&measure, 0, page, 100), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_measure_get_mrenclave(&measure, &mrenclave), CELLA_OK);
    assert_int_equal(cella_measure_extend_page(&measure, 0, page, sizeof(page)),
                     CELLA_ERR_INVALID_STATE);
    assert_int_equal(cella_measure_get_mrenclave(&measure, &mrenclave), CELLA_ERR_INVALID_STATE);
    EVP_MD_CTX_free(library);
}

static cella_result_t failing_update(void *context, const void *data, size_t size)
{
    (void)context;
    (void)data;
    (void)size;
    return CELLA_ERR_IO;
}

static void a_hash_failure_is_passed_on_and_ends_the_measurement(void **state)
{
    EVP_MD_CTX *library = EVP_MD_CTX_new();
    cella_sha256_ops_t ops = make_ops(library);
    cella_measure_t measure;

    (void)state;
    ops.update = failing_update;
    /* Records are batched: the failure shows when a batch reaches the hash... */
    assert_int_equal(cella_measure_init(&measure, &ops, 1, 1ull << 30), CELLA_OK);
    cella_result_t r = CELLA_OK;
    uint64_t pages = 0;
    while (r == CELLA_OK && pages < 1000)
        r = cella_measure_add_page(&measure, pages++ * PAGE, 0x203);
    assert_int_equal(r, CELLA_ERR_IO);
    assert_true(pages <= CELLA_MEASURE_BATCH_BYTES / 64 + 1);
    /* ...and ends the measurement. */
    assert_int_equal(cella_measure_add_page(&measure, 0, 0x203), CELLA_ERR_INVALID_STATE);

    /* A failure at the last batch shows in get_mrenclave. */
    sgx_measurement_t mrenclave;
    assert_int_equal(cella_measure_init(&measure, &ops, 1, 0x2000), CELLA_OK);
    assert_int_equal(cella_measure_get_mrenclave(&measure, &mrenclave), CELLA_ERR_IO);
    assert_int_equal(cella_measure_get_mrenclave(&measure, &mrenclave), CELLA_ERR_INVALID_STATE);
    EVP_MD_CTX_free(library);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streaming_measurement_matches_hand_built_records),
        cmocka_unit_test(layout_measurement_matches_records_of_the_expected_layout),
        cmocka_unit_test(measurement_changes_with_any_measured_byte),
        cmocka_unit_test(add_page_rejects_bad_offsets_and_flags),
        cmocka_unit_test(measure_calls_outside_a_measurement_fail_with_invalid_state),
        cmocka_unit_test(a_hash_failure_is_passed_on_and_ends_the_measurement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
