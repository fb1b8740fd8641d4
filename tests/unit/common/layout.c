/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/layout.c: the page layout and the initial content of each page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cella/image.h>
#include <cella/layout.h>

#include "test_elf.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE           0x1000ULL

#define REG_RW 0x203ULL
#define REG_RX 0x205ULL
#define TCS    0x100ULL

struct fixture {
    uint8_t *file;
    size_t size;
    cella_image_t image;
    cella_layout_config_t config;
    cella_layout_t layout;
};

/* The default test image with 3 heap pages, 2 stack pages, 2 threads, NSSA 2. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct test_elf_spec spec;

    assert_non_null(f);
    test_elf_default_spec(&spec);
    f->file = test_elf_build(&spec, &f->size);
    assert_int_equal(cella_image_parse(f->file, f->size, &f->image), CELLA_OK);
    f->config.heap_size = 0x3000;
    f->config.stack_size = 0x2000;
    f->config.tcs_count = 2;
    f->config.tcs_policy = 1;
    f->config.ssa_frame_size = 1;
    f->config.nssa = 2;
    assert_int_equal(cella_layout_compute(&f->image, &f->config, &f->layout), CELLA_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->file);
    free(f);
    return 0;
}

struct expected_range {
    uint64_t offset;
    uint64_t page_count;
    uint64_t secinfo_flags;
    bool is_added;
    bool is_measured;
    cella_layout_kind_t kind;
    uint32_t thread_index;
};

/* Worked out by hand from the layout rules in cella/layout.h. */
static const struct expected_range expected[] = {
    {0x0000, 2, REG_RX, true, true, CELLA_LAYOUT_KIND_CODE, 0},
    {0x3000, 2, REG_RW, true, true, CELLA_LAYOUT_KIND_DATA, 0},
    {0x5000, 3, REG_RW, true, false, CELLA_LAYOUT_KIND_HEAP, 0},
    {0x8000, 1, 0, false, false, CELLA_LAYOUT_KIND_GUARD, 0},
    {0x9000, 2, REG_RW, true, true, CELLA_LAYOUT_KIND_STACK, 0},
    {0xB000, 1, TCS, true, true, CELLA_LAYOUT_KIND_TCS, 0},
    {0xC000, 2, REG_RW, true, true, CELLA_LAYOUT_KIND_SSA, 0},
    {0xE000, 1, REG_RW, true, true, CELLA_LAYOUT_KIND_TLS, 0},
    {0xF000, 1, REG_RW, true, true, CELLA_LAYOUT_KIND_THREAD_DATA, 0},
    {0x10000, 1, 0, false, false, CELLA_LAYOUT_KIND_GUARD, 1},
    {0x11000, 2, REG_RW, true, true, CELLA_LAYOUT_KIND_STACK, 1},
    {0x13000, 1, TCS, true, true, CELLA_LAYOUT_KIND_TCS, 1},
    {0x14000, 2, REG_RW, true, true, CELLA_LAYOUT_KIND_SSA, 1},
    {0x16000, 1, REG_RW, true, true, CELLA_LAYOUT_KIND_TLS, 1},
    {0x17000, 1, REG_RW, true, true, CELLA_LAYOUT_KIND_THREAD_DATA, 1},
    {0x18000, 1, 0, false, false, CELLA_LAYOUT_KIND_GUARD, 0},
};

static void compute_lays_out_segments_heap_threads_and_guards_in_order(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(f->layout.range_count, ARRAY_COUNT(expected));
    assert_int_equal(f->layout.total_size, 0x19000);
    assert_int_equal(f->layout.enclave_size, 0x20000);
    for (size_t i = 0; i < ARRAY_COUNT(expected); i++) {
        cella_layout_range_t range;
        assert_int_equal(cella_layout_get_range(&f->layout, i, &range), CELLA_OK);
        if (range.offset != expected[i].offset || range.page_count != expected[i].page_count ||
            range.secinfo_flags != expected[i].secinfo_flags ||
            range.is_added != expected[i].is_added ||
            range.is_measured != expected[i].is_measured || range.kind != expected[i].kind ||
            range.thread_index != expected[i].thread_index)
            fail_msg("range %zu: offset 0x%llx, %llu pages, flags 0x%llx, kind %d, thread %u", i,
                     (unsigned long long)range.offset, (unsigned long long)range.page_count,
                     (unsigned long long)range.secinfo_flags, (int)range.kind, range.thread_index);
    }
}

static void get_range_rejects_an_index_past_the_end(void **state)
{
    struct fixture *f = *state;
    cella_layout_range_t range;

    assert_int_equal(cella_layout_get_range(&f->layout, f->layout.range_count, &range),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_layout_get_range(NULL, 0, &range), CELLA_ERR_INVALID_ARGUMENT);
}

static void compute_without_heap_or_tls_leaves_those_ranges_out(void **state)
{
    struct fixture *f = *state;
    struct test_elf_spec spec;
    cella_layout_config_t config = f->config;
    cella_layout_t layout;
    cella_image_t image;
    cella_layout_range_t range;
    uint8_t *file;
    size_t size;

    test_elf_default_spec(&spec);
    spec.phdr_count = 2; /* no PT_TLS */
    file = test_elf_build(&spec, &size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    config.heap_size = 0;
    config.tcs_count = 1;
    assert_int_equal(cella_layout_compute(&image, &config, &layout), CELLA_OK);
    /* code, data, guard, stack, TCS, SSA, thread data, guard */
    assert_int_equal(layout.range_count, 8);
    assert_int_equal(cella_layout_get_range(&layout, 2, &range), CELLA_OK);
    assert_int_equal(range.kind, CELLA_LAYOUT_KIND_GUARD);
    assert_int_equal(range.offset, 0x5000);
    assert_int_equal(cella_layout_get_range(&layout, 6, &range), CELLA_OK);
    assert_int_equal(range.kind, CELLA_LAYOUT_KIND_THREAD_DATA);
    assert_int_equal(range.offset, 0xB000);
    assert_int_equal(layout.enclave_size, 0x10000);
    free(file);
}

static void compute_rounds_sizes_up_to_pages(void **state)
{
    struct fixture *f = *state;
    cella_layout_config_t config = f->config;
    cella_layout_t layout;

    config.heap_size = 0x2001;
    config.stack_size = 1;
    assert_int_equal(cella_layout_compute(&f->image, &config, &layout), CELLA_OK);
    assert_int_equal(layout.heap_page_count, 3);
    assert_int_equal(layout.stack_page_count, 1);
}

static void compute_rejects_zero_counts_and_oversized_enclaves(void **state)
{
    struct fixture *f = *state;
    cella_layout_config_t config;
    cella_layout_t layout;

    config = f->config;
    config.tcs_count = 0;
    assert_int_equal(cella_layout_compute(&f->image, &config, &layout), CELLA_ERR_INVALID_ARGUMENT);
    config = f->config;
    config.nssa = 0;
    assert_int_equal(cella_layout_compute(&f->image, &config, &layout), CELLA_ERR_INVALID_ARGUMENT);
    config = f->config;
    config.heap_size = CELLA_LAYOUT_ENCLAVE_MAX_BYTES;
    assert_int_equal(cella_layout_compute(&f->image, &config, &layout), CELLA_ERR_OVERFLOW);
    config = f->config;
    config.stack_size = UINT64_MAX;
    assert_int_equal(cella_layout_compute(&f->image, &config, &layout), CELLA_ERR_OVERFLOW);
    config = f->config;
    config.tcs_count = UINT32_MAX;
    config.stack_size = 1ULL << 40;
    assert_int_equal(cella_layout_compute(&f->image, &config, &layout), CELLA_ERR_OVERFLOW);
    assert_int_equal(cella_layout_compute(NULL, &config, &layout), CELLA_ERR_INVALID_ARGUMENT);
}

static void tcs_points_at_the_threads_ssa_entry_and_thread_data(void **state)
{
    struct fixture *f = *state;
    cella_tcs_t tcs;
    cella_tcs_t zero;

    memset(&zero, 0, sizeof(zero));
    assert_int_equal(cella_layout_get_tcs(&f->layout, 1, &tcs), CELLA_OK);
    assert_int_equal(tcs.state, 0);
    assert_int_equal(tcs.flags, 0);
    assert_int_equal(tcs.ossa, 0x14000);
    assert_int_equal(tcs.cssa, 0);
    assert_int_equal(tcs.nssa, 2);
    assert_int_equal(tcs.oentry, 0x100);
    assert_int_equal(tcs.aep, 0);
    assert_int_equal(tcs.ofsbasgx, 0x17000);
    assert_int_equal(tcs.ogsbasgx, 0x17000);
    assert_int_equal(tcs.fslimit, 0xfff);
    assert_int_equal(tcs.gslimit, 0xfff);
    assert_memory_equal(tcs.reserved, zero.reserved, sizeof(tcs.reserved));
    assert_int_equal(cella_layout_get_tcs(&f->layout, 2, &tcs), CELLA_ERR_INVALID_ARGUMENT);
}

static void thread_data_holds_offsets_never_addresses(void **state)
{
    struct fixture *f = *state;
    cella_thread_data_t td;

    assert_int_equal(cella_layout_get_thread_data(&f->layout, 0, &td), CELLA_OK);
    assert_int_equal(td.self, 0);
    assert_int_equal(td.stack_guard, 0);
    assert_int_equal(td.version, CELLA_THREAD_DATA_VERSION);
    assert_int_equal(td.thread_index, 0);
    assert_int_equal(td.tcs_count, 2);
    assert_int_equal(td.tcs_policy, 1);
    assert_int_equal(td.enclave_size, 0x20000);
    assert_int_equal(td.thread_data_offset, 0xF000);
    assert_int_equal(td.tcs_offset, 0xB000);
    assert_int_equal(td.ssa_offset, 0xC000);
    assert_int_equal(td.ssa_frame_size, 1);
    assert_int_equal(td.nssa, 2);
    assert_int_equal(td.stack_top_offset, 0xB000);
    assert_int_equal(td.stack_limit_offset, 0x9000);
    assert_int_equal(td.heap_offset, 0x5000);
    assert_int_equal(td.heap_size, 0x3000);
    /* TLS block: p_memsz 0x48 rounded to align 16 = 0x50, ending at the thread data. */
    assert_int_equal(td.tls_block_size, 0x50);
    assert_int_equal(td.tls_block_offset, 0xF000 - 0x50);
    assert_int_equal(td.tls_init_offset, 0x3010);
    assert_int_equal(td.tls_init_size, 0x20);
    assert_int_equal(td.entry_offset, 0x100);
    assert_int_equal(cella_layout_get_thread_data(&f->layout, 1, &td), CELLA_OK);
    assert_int_equal(td.thread_index, 1);
    assert_int_equal(td.thread_data_offset, 0x17000);
    assert_int_equal(cella_layout_get_thread_data(&f->layout, 2, &td), CELLA_ERR_INVALID_ARGUMENT);
}

static void get_page_gives_segment_bytes_then_zeros(void **state)
{
    struct fixture *f = *state;
    cella_layout_range_t range;
    uint8_t page[CELLA_PAGE_BYTES];

    /* Code page 1: file bytes 0x1000..0x1800, then zeros. */
    assert_int_equal(cella_layout_get_range(&f->layout, 0, &range), CELLA_OK);
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 1, page, sizeof(page)),
                     CELLA_OK);
    for (size_t i = 0; i < sizeof(page); i++)
        assert_int_equal(page[i], i < 0x800 ? test_elf_byte(0x1000 + i) : 0);
    /* Data page 0 (0x3000): file bytes 0x2000..0x2300, then zeros up to p_memsz and beyond. */
    assert_int_equal(cella_layout_get_range(&f->layout, 1, &range), CELLA_OK);
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 0, page, sizeof(page)),
                     CELLA_OK);
    for (size_t i = 0; i < sizeof(page); i++)
        assert_int_equal(page[i], i < 0x300 ? test_elf_byte(0x2000 + i) : 0);
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 1, page, sizeof(page)),
                     CELLA_OK);
    for (size_t i = 0; i < sizeof(page); i++)
        assert_int_equal(page[i], 0);
}

static void get_page_gives_the_tcs_and_thread_data_structures(void **state)
{
    struct fixture *f = *state;
    cella_layout_range_t range;
    uint8_t page[CELLA_PAGE_BYTES];
    cella_tcs_t tcs;
    cella_thread_data_t td;

    assert_int_equal(cella_layout_get_range(&f->layout, 11, &range), CELLA_OK);
    assert_int_equal(range.kind, CELLA_LAYOUT_KIND_TCS);
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 0, page, sizeof(page)),
                     CELLA_OK);
    assert_int_equal(cella_layout_get_tcs(&f->layout, 1, &tcs), CELLA_OK);
    assert_memory_equal(page, &tcs, sizeof(tcs));

    assert_int_equal(cella_layout_get_range(&f->layout, 14, &range), CELLA_OK);
    assert_int_equal(range.kind, CELLA_LAYOUT_KIND_THREAD_DATA);
    memset(page, 0xcc, sizeof(page));
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 0, page, sizeof(page)),
                     CELLA_OK);
    assert_int_equal(cella_layout_get_thread_data(&f->layout, 1, &td), CELLA_OK);
    assert_memory_equal(page, &td, sizeof(td));
    for (size_t i = sizeof(td); i < sizeof(page); i++)
        assert_int_equal(page[i], 0);
}

/* A loader skips the ranges said to be zero: each of their pages must really be zeros, and
 * the ranges that always hold something are never said to be zero. */
static void range_is_zero_exactly_for_ranges_whose_pages_are_zeros(void **state)
{
    struct fixture *f = *state;
    uint8_t page[CELLA_PAGE_BYTES];
    size_t zero_ranges = 0;

    for (size_t i = 0; i < f->layout.range_count; i++) {
        cella_layout_range_t range;
        bool any_nonzero = false;
        assert_int_equal(cella_layout_get_range(&f->layout, i, &range), CELLA_OK);
        if (!range.is_added) {
            assert_false(cella_layout_range_is_zero(&range));
            continue;
        }
        for (uint64_t p = 0; p < range.page_count; p++) {
            memset(page, 0xcc, sizeof(page));
            assert_int_equal(
                cella_layout_get_page(&f->layout, &f->image, &range, p, page, sizeof(page)),
                CELLA_OK);
            for (size_t b = 0; b < sizeof(page); b++)
                any_nonzero |= page[b] != 0;
        }
        if (cella_layout_range_is_zero(&range)) {
            zero_ranges++;
            assert_false(any_nonzero);
        } else if (range.kind != CELLA_LAYOUT_KIND_DATA) {
            /* code, TCS and thread data always hold something (a data range may be all .bss) */
            assert_true(any_nonzero);
        }
    }
    /* heap, and per thread a stack and an SSA range */
    assert_true(zero_ranges >= 1 + 2 * f->config.tcs_count);
    assert_false(cella_layout_range_is_zero(NULL));
}

static void get_page_rejects_guards_bad_indexes_and_foreign_ranges(void **state)
{
    struct fixture *f = *state;
    cella_layout_range_t range;
    uint8_t page[CELLA_PAGE_BYTES];

    assert_int_equal(cella_layout_get_range(&f->layout, 3, &range), CELLA_OK);
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 0, page, sizeof(page)),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_layout_get_range(&f->layout, 4, &range), CELLA_OK);
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 2, page, sizeof(page)),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 0, page, 100),
                     CELLA_ERR_INVALID_ARGUMENT);
    /* A TCS range moved to another page does not match the layout. */
    assert_int_equal(cella_layout_get_range(&f->layout, 5, &range), CELLA_OK);
    range.offset += PAGE;
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 0, page, sizeof(page)),
                     CELLA_ERR_INVALID_ARGUMENT);
    /* A code range naming a segment the image does not have. */
    assert_int_equal(cella_layout_get_range(&f->layout, 0, &range), CELLA_OK);
    range.segment_index = 5;
    assert_int_equal(cella_layout_get_page(&f->layout, &f->image, &range, 0, page, sizeof(page)),
                     CELLA_ERR_INVALID_ARGUMENT);
}

/* Worked out by hand from the expected ranges above: thread 0 at 0x8000, 8 pages a thread. */
static void layout_table_holds_what_the_runtime_checks_threads_against(void **state)
{
    struct fixture *f = *state;
    cella_layout_table_t table;

    assert_int_equal(cella_layout_get_table(&f->layout, &table), CELLA_OK);
    assert_true(table.magic == CELLA_LAYOUT_TABLE_MAGIC);
    assert_int_equal(table.version, CELLA_LAYOUT_TABLE_VERSION);
    assert_int_equal(table.tcs_count, 2);
    assert_int_equal(table.enclave_size, 0x20000);
    assert_int_equal(table.heap_offset, 0x5000);
    assert_int_equal(table.heap_size, 0x3000);
    assert_int_equal(table.thread_data_offset, 0xF000);
    assert_int_equal(table.thread_stride, 0x8000);
    assert_int_equal(table.stack_top_offset, 0xB000);
    assert_int_equal(table.stack_limit_offset, 0x9000);
    assert_int_equal(table.tls_block_offset, 0xF000 - 0x50);
    assert_int_equal(table.tls_block_size, 0x50);
    assert_int_equal(table.tls_init_offset, 0x3010);
    assert_int_equal(table.tls_init_size, 0x20);
    assert_int_equal(cella_layout_get_table(NULL, &table), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_layout_get_table(&f->layout, NULL), CELLA_ERR_INVALID_ARGUMENT);
}

static void get_page_fills_the_layout_table_into_the_measured_page(void **state)
{
    struct fixture *f = *state;
    struct test_elf_spec spec;
    cella_image_t image;
    cella_layout_t layout;
    cella_layout_table_t table;
    cella_layout_range_t range;
    uint8_t page[CELLA_PAGE_BYTES];
    size_t size;
    uint8_t *file;

    test_elf_default_spec(&spec);
    spec.with_layout_table = true;
    file = test_elf_build(&spec, &size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_true(image.has_layout_table);
    assert_int_equal(image.layout_table_vaddr, 0x3200);
    assert_int_equal(cella_layout_compute(&image, &f->config, &layout), CELLA_OK);
    assert_int_equal(cella_layout_get_table(&layout, &table), CELLA_OK);
    /* Data page 0 (0x3000): file bytes, except the table at 0x200 as the layout fills it. */
    assert_int_equal(cella_layout_get_range(&layout, 1, &range), CELLA_OK);
    assert_int_equal(cella_layout_get_page(&layout, &image, &range, 0, page, sizeof(page)),
                     CELLA_OK);
    assert_memory_equal(page + 0x200, &table, sizeof(table));
    for (size_t i = 0; i < 0x200; i++)
        assert_int_equal(page[i], test_elf_byte(0x2000 + i));
    for (size_t i = 0x280; i < 0x300; i++)
        assert_int_equal(page[i], test_elf_byte(0x2000 + i));
    free(file);
}

static void config_init_copies_the_measured_configuration(void **state)
{
    cella_enclave_metadata_t metadata;
    cella_layout_config_t config;

    (void)state;
    memset(&metadata, 0, sizeof(metadata));
    metadata.heap_size = 0x5000;
    metadata.stack_size = 0x3000;
    metadata.tcs_count = 4;
    metadata.tcs_policy = 0;
    metadata.ssa_frame_size = 1;
    metadata.nssa = 2;
    assert_int_equal(cella_layout_config_init(&config, &metadata), CELLA_OK);
    assert_int_equal(config.heap_size, 0x5000);
    assert_int_equal(config.stack_size, 0x3000);
    assert_int_equal(config.tcs_count, 4);
    assert_int_equal(config.tcs_policy, 0);
    assert_int_equal(config.ssa_frame_size, 1);
    assert_int_equal(config.nssa, 2);
    assert_int_equal(cella_layout_config_init(NULL, &metadata), CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(compute_lays_out_segments_heap_threads_and_guards_in_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(get_range_rejects_an_index_past_the_end, setup, teardown),
        cmocka_unit_test_setup_teardown(compute_without_heap_or_tls_leaves_those_ranges_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(compute_rounds_sizes_up_to_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(compute_rejects_zero_counts_and_oversized_enclaves, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(tcs_points_at_the_threads_ssa_entry_and_thread_data, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(thread_data_holds_offsets_never_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(get_page_gives_segment_bytes_then_zeros, setup, teardown),
        cmocka_unit_test_setup_teardown(get_page_gives_the_tcs_and_thread_data_structures, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(range_is_zero_exactly_for_ranges_whose_pages_are_zeros,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(get_page_rejects_guards_bad_indexes_and_foreign_ranges,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(layout_table_holds_what_the_runtime_checks_threads_against,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(get_page_fills_the_layout_table_into_the_measured_page,
                                        setup, teardown),
        cmocka_unit_test(config_init_copies_the_measured_configuration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
