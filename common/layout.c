/* SPDX-License-Identifier: Apache-2.0 */
/* common/layout.c: the enclave page layout and each page's initial content (cella/layout.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cella/layout.h>

#include "log_internal.h"

#define PAGE ((uint64_t)CELLA_PAGE_BYTES)

/* Ranges per thread: guard, stack, TCS, SSA, [TLS,] thread data. */
#define THREAD_RANGES_WITHOUT_TLS 5

/* The SECINFO.FLAGS of a regular read-write page. */
#define SECINFO_REG_RW \
    (CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG) | CELLA_SECINFO_R | CELLA_SECINFO_W)

/* ceil(bytes / PAGE) without overflow. */
static uint64_t pages_for(uint64_t bytes)
{
    return bytes / PAGE + (bytes % PAGE != 0 ? 1 : 0);
}

static bool add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

static bool mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

cella_result_t cella_layout_config_init(cella_layout_config_t *config,
                                        const cella_enclave_metadata_t *metadata)
{
    if (config == NULL || metadata == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(config, 0, sizeof(*config));
    config->heap_size = metadata->heap_size;
    config->stack_size = metadata->stack_size;
    config->tcs_count = metadata->tcs_count;
    config->tcs_policy = metadata->tcs_policy;
    config->ssa_frame_size = metadata->ssa_frame_size;
    config->nssa = metadata->nssa;
    return CELLA_OK;
}

cella_result_t cella_layout_compute(const cella_image_t *image, const cella_layout_config_t *config,
                                    cella_layout_t *layout)
{
    cella_layout_t computed;
    uint64_t per_thread;
    uint64_t heap_bytes;
    uint64_t threads_bytes;
    uint64_t total;
    uint64_t size;
    size_t thread_ranges;

    if (image == NULL || config == NULL || layout == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (config->tcs_count == 0 || config->stack_size == 0 || config->ssa_frame_size == 0 ||
        config->nssa == 0) {
        cella_log(CELLA_LOG_ERROR, "enclave layout: TCS count, stack size, SSA frame size and "
                                   "NSSA must all be at least 1");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    if (image->segment_count == 0 || image->segment_count > CELLA_IMAGE_SEGMENTS_MAX)
        return CELLA_ERR_INVALID_ARGUMENT;

    memset(&computed, 0, sizeof(computed));
    computed.config = *config;
    computed.segment_count = image->segment_count;
    memcpy(computed.segments, image->segments, sizeof(computed.segments));
    computed.entry = image->entry;
    if (image->has_tls) {
        /* TLS variant II: the block ends at the thread pointer, rounded to its alignment. */
        computed.tls_init_offset = image->tls_vaddr;
        computed.tls_init_size = image->tls_file_size;
        computed.tls_block_size =
            (image->tls_mem_size + image->tls_align - 1) & ~(image->tls_align - 1);
        computed.tls_page_count = pages_for(computed.tls_block_size);
    }
    computed.has_table = image->has_layout_table;
    computed.table_offset = image->layout_table_vaddr;
    computed.heap_offset = image->end;
    computed.heap_page_count = pages_for(config->heap_size);
    computed.stack_page_count = pages_for(config->stack_size);
    computed.ssa_page_count = (uint64_t)config->nssa * config->ssa_frame_size;

    /* guard + stack + TCS + SSA + TLS + thread data */
    per_thread = 3 + computed.ssa_page_count + computed.tls_page_count;
    if (!add_u64(per_thread, computed.stack_page_count, &per_thread) ||
        !mul_u64(computed.heap_page_count, PAGE, &heap_bytes) ||
        !add_u64(computed.heap_offset, heap_bytes, &computed.threads_offset) ||
        !mul_u64(per_thread, PAGE, &threads_bytes) ||
        !mul_u64(threads_bytes, config->tcs_count, &threads_bytes) ||
        !add_u64(computed.threads_offset, threads_bytes, &total) || !add_u64(total, PAGE, &total) ||
        total > CELLA_LAYOUT_ENCLAVE_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave layout: %u thread(s) with 0x%llx-byte stacks and a 0x%llx-byte heap "
                  "need more than the %llu GiB an enclave may have",
                  config->tcs_count, (unsigned long long)config->stack_size,
                  (unsigned long long)config->heap_size,
                  (unsigned long long)(CELLA_LAYOUT_ENCLAVE_MAX_BYTES >> 30));
        return CELLA_ERR_OVERFLOW;
    }
    computed.thread_page_count = per_thread;
    computed.total_size = total;
    /* SECS.SIZE: a power of two, at least two pages. */
    size = 2 * PAGE;
    while (size < total)
        size <<= 1;
    computed.enclave_size = size;

    thread_ranges = THREAD_RANGES_WITHOUT_TLS + (computed.tls_page_count != 0 ? 1 : 0);
    computed.range_count = computed.segment_count + (computed.heap_page_count != 0 ? 1 : 0) +
                           (size_t)config->tcs_count * thread_ranges + 1;
    *layout = computed;
    return CELLA_OK;
}

/* Where each part of thread t starts. */
struct thread_offsets {
    uint64_t guard;
    uint64_t stack;
    uint64_t tcs;
    uint64_t ssa;
    uint64_t tls;
    uint64_t thread_data;
};

static struct thread_offsets thread_offsets(const cella_layout_t *layout, uint32_t thread)
{
    struct thread_offsets offsets;
    offsets.guard = layout->threads_offset + (uint64_t)thread * layout->thread_page_count * PAGE;
    offsets.stack = offsets.guard + PAGE;
    offsets.tcs = offsets.stack + layout->stack_page_count * PAGE;
    offsets.ssa = offsets.tcs + PAGE;
    offsets.tls = offsets.ssa + layout->ssa_page_count * PAGE;
    offsets.thread_data = offsets.tls + layout->tls_page_count * PAGE;
    return offsets;
}

static void set_range(cella_layout_range_t *range, uint64_t offset, uint64_t page_count,
                      cella_layout_kind_t kind, uint64_t secinfo_flags, bool is_measured,
                      uint32_t thread_index)
{
    memset(range, 0, sizeof(*range));
    range->offset = offset;
    range->page_count = page_count;
    range->kind = kind;
    range->secinfo_flags = secinfo_flags;
    range->is_added = kind != CELLA_LAYOUT_KIND_GUARD;
    range->is_measured = is_measured;
    range->thread_index = thread_index;
}

cella_result_t cella_layout_get_range(const cella_layout_t *layout, size_t index,
                                      cella_layout_range_t *range)
{
    size_t thread_ranges;
    uint64_t tcs_page = CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_TCS);

    if (layout == NULL || range == NULL || index >= layout->range_count)
        return CELLA_ERR_INVALID_ARGUMENT;

    if (index < layout->segment_count) {
        const cella_image_segment_t *segment = &layout->segments[index];
        uint64_t first = segment->vaddr / PAGE;
        uint64_t end = pages_for(segment->vaddr + segment->mem_size);
        bool code = (segment->secinfo_flags & CELLA_SECINFO_X) != 0;
        set_range(range, first * PAGE, end - first,
                  code ? CELLA_LAYOUT_KIND_CODE : CELLA_LAYOUT_KIND_DATA,
                  CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG) | segment->secinfo_flags, true, 0);
        range->segment_index = (uint32_t)index;
        return CELLA_OK;
    }
    index -= layout->segment_count;

    if (layout->heap_page_count != 0) {
        if (index == 0) {
            /* Heap pages are added but not measured, as the Intel SDK does. */
            set_range(range, layout->heap_offset, layout->heap_page_count, CELLA_LAYOUT_KIND_HEAP,
                      SECINFO_REG_RW, false, 0);
            return CELLA_OK;
        }
        index--;
    }

    thread_ranges = THREAD_RANGES_WITHOUT_TLS + (layout->tls_page_count != 0 ? 1 : 0);
    if (index / thread_ranges < layout->config.tcs_count) {
        uint32_t thread = (uint32_t)(index / thread_ranges);
        size_t slot = index % thread_ranges;
        struct thread_offsets offsets = thread_offsets(layout, thread);

        if (slot >= 4 && layout->tls_page_count == 0)
            slot++; /* no TLS range: slot 4 is the thread data */
        switch (slot) {
        case 0:
            set_range(range, offsets.guard, 1, CELLA_LAYOUT_KIND_GUARD, 0, false, thread);
            break;
        case 1:
            set_range(range, offsets.stack, layout->stack_page_count, CELLA_LAYOUT_KIND_STACK,
                      SECINFO_REG_RW, true, thread);
            break;
        case 2:
            set_range(range, offsets.tcs, 1, CELLA_LAYOUT_KIND_TCS, tcs_page, true, thread);
            break;
        case 3:
            set_range(range, offsets.ssa, layout->ssa_page_count, CELLA_LAYOUT_KIND_SSA,
                      SECINFO_REG_RW, true, thread);
            break;
        case 4:
            set_range(range, offsets.tls, layout->tls_page_count, CELLA_LAYOUT_KIND_TLS,
                      SECINFO_REG_RW, true, thread);
            break;
        default:
            set_range(range, offsets.thread_data, 1, CELLA_LAYOUT_KIND_THREAD_DATA, SECINFO_REG_RW,
                      true, thread);
            break;
        }
        return CELLA_OK;
    }

    /* The trailing guard page. */
    set_range(range, layout->total_size - PAGE, 1, CELLA_LAYOUT_KIND_GUARD, 0, false, 0);
    return CELLA_OK;
}

cella_result_t cella_layout_get_tcs(const cella_layout_t *layout, uint32_t thread_index,
                                    cella_tcs_t *tcs)
{
    struct thread_offsets offsets;

    if (layout == NULL || tcs == NULL || thread_index >= layout->config.tcs_count)
        return CELLA_ERR_INVALID_ARGUMENT;
    offsets = thread_offsets(layout, thread_index);
    memset(tcs, 0, sizeof(*tcs));
    tcs->ossa = offsets.ssa;
    tcs->nssa = layout->config.nssa;
    tcs->cssa = 0;
    tcs->oentry = layout->entry;
    tcs->ofsbasgx = offsets.thread_data;
    tcs->ogsbasgx = offsets.thread_data;
    /* The limits only matter in 32-bit mode; 0xfff is what the Intel SDK writes. */
    tcs->fslimit = 0xfff;
    tcs->gslimit = 0xfff;
    return CELLA_OK;
}

cella_result_t cella_layout_get_thread_data(const cella_layout_t *layout, uint32_t thread_index,
                                            cella_thread_data_t *thread_data)
{
    struct thread_offsets offsets;

    if (layout == NULL || thread_data == NULL || thread_index >= layout->config.tcs_count)
        return CELLA_ERR_INVALID_ARGUMENT;
    offsets = thread_offsets(layout, thread_index);
    memset(thread_data, 0, sizeof(*thread_data));
    thread_data->version = CELLA_THREAD_DATA_VERSION;
    thread_data->thread_index = thread_index;
    thread_data->tcs_count = layout->config.tcs_count;
    thread_data->tcs_policy = layout->config.tcs_policy;
    thread_data->enclave_size = layout->enclave_size;
    thread_data->thread_data_offset = offsets.thread_data;
    thread_data->tcs_offset = offsets.tcs;
    thread_data->ssa_offset = offsets.ssa;
    thread_data->ssa_frame_size = layout->config.ssa_frame_size;
    thread_data->nssa = layout->config.nssa;
    thread_data->stack_top_offset = offsets.tcs;
    thread_data->stack_limit_offset = offsets.stack;
    thread_data->heap_offset = layout->heap_offset;
    thread_data->heap_size = layout->heap_page_count * PAGE;
    thread_data->tls_block_offset = offsets.thread_data - layout->tls_block_size;
    thread_data->tls_block_size = layout->tls_block_size;
    thread_data->tls_init_offset = layout->tls_init_offset;
    thread_data->tls_init_size = layout->tls_init_size;
    thread_data->entry_offset = layout->entry;
    return CELLA_OK;
}

cella_result_t cella_layout_get_table(const cella_layout_t *layout, cella_layout_table_t *table)
{
    struct thread_offsets first;

    if (layout == NULL || table == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    first = thread_offsets(layout, 0);
    memset(table, 0, sizeof(*table));
    table->magic = CELLA_LAYOUT_TABLE_MAGIC;
    table->version = CELLA_LAYOUT_TABLE_VERSION;
    table->tcs_count = layout->config.tcs_count;
    table->enclave_size = layout->enclave_size;
    table->heap_offset = layout->heap_offset;
    table->heap_size = layout->heap_page_count * PAGE;
    table->thread_data_offset = first.thread_data;
    table->thread_stride = layout->thread_page_count * PAGE;
    table->stack_top_offset = first.tcs;
    table->stack_limit_offset = first.stack;
    table->tls_block_offset = first.thread_data - layout->tls_block_size;
    table->tls_block_size = layout->tls_block_size;
    table->tls_init_offset = layout->tls_init_offset;
    table->tls_init_size = layout->tls_init_size;
    return CELLA_OK;
}

/* Writes the layout table over the part of the page at page_offset that holds it. */
static void overlay_table(const cella_layout_t *layout, uint64_t page_offset, uint8_t *page)
{
    uint8_t table[CELLA_LAYOUT_TABLE_BYTES];
    cella_layout_table_t values;
    uint64_t start, end;

    if (!layout->has_table || layout->table_offset >= page_offset + PAGE ||
        layout->table_offset + CELLA_LAYOUT_TABLE_BYTES <= page_offset)
        return;
    if (cella_layout_get_table(layout, &values) != CELLA_OK)
        return;
    memcpy(table, &values, sizeof(table));
    start = layout->table_offset > page_offset ? layout->table_offset : page_offset;
    end = layout->table_offset + CELLA_LAYOUT_TABLE_BYTES;
    if (end > page_offset + PAGE)
        end = page_offset + PAGE;
    memcpy(page + (start - page_offset), table + (start - layout->table_offset),
           (size_t)(end - start));
}

/* The segment's file bytes that fall into the page at page_offset; zeros elsewhere. */
static cella_result_t segment_page(const cella_layout_t *layout, const cella_image_t *image,
                                   uint32_t segment_index, uint64_t page_offset, uint8_t *page)
{
    const cella_image_segment_t *segment;
    const cella_image_segment_t *parsed;
    uint64_t start;
    uint64_t end;

    if (segment_index >= layout->segment_count || segment_index >= image->segment_count ||
        image->file == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    segment = &layout->segments[segment_index];
    parsed = &image->segments[segment_index];
    /* The layout must come from this image: the same segment, inside the same file. */
    if (memcmp(segment, parsed, sizeof(*segment)) != 0 || segment->file_offset > image->file_size ||
        segment->file_size > image->file_size - segment->file_offset)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (page_offset + PAGE <= segment->vaddr / PAGE * PAGE ||
        page_offset >= pages_for(segment->vaddr + segment->mem_size) * PAGE)
        return CELLA_ERR_INVALID_ARGUMENT;

    memset(page, 0, CELLA_PAGE_BYTES);
    start = page_offset > segment->vaddr ? page_offset : segment->vaddr;
    end = segment->vaddr + segment->file_size;
    if (end > page_offset + PAGE)
        end = page_offset + PAGE;
    if (start < end)
        memcpy(page + (start - page_offset),
               image->file + segment->file_offset + (start - segment->vaddr),
               (size_t)(end - start));
    /* The layout table is measured and loaded as the layout fills it, never as the file
     * holds it, so signer and loader agree on the values the runtime will trust. */
    overlay_table(layout, page_offset, page);
    return CELLA_OK;
}

bool cella_layout_range_is_zero(const cella_layout_range_t *range)
{
    if (range == NULL)
        return false;
    switch (range->kind) {
    case CELLA_LAYOUT_KIND_HEAP:
    case CELLA_LAYOUT_KIND_STACK:
    case CELLA_LAYOUT_KIND_SSA:
    case CELLA_LAYOUT_KIND_TLS:
        return range->is_added;
    case CELLA_LAYOUT_KIND_CODE:
    case CELLA_LAYOUT_KIND_DATA:
    case CELLA_LAYOUT_KIND_TCS:
    case CELLA_LAYOUT_KIND_THREAD_DATA:
    case CELLA_LAYOUT_KIND_GUARD:
        return false;
    }
    return false;
}

cella_result_t cella_layout_get_page(const cella_layout_t *layout, const cella_image_t *image,
                                     const cella_layout_range_t *range, uint64_t page_index,
                                     void *page, size_t page_size)
{
    uint64_t page_offset;
    cella_result_t r;

    if (layout == NULL || image == NULL || range == NULL || page == NULL ||
        page_size != CELLA_PAGE_BYTES || page_index >= range->page_count ||
        range->page_count > layout->enclave_size / PAGE)
        return CELLA_ERR_INVALID_ARGUMENT;
    page_offset = range->offset + page_index * PAGE;
    if (range->offset % PAGE != 0 || range->offset >= layout->enclave_size ||
        page_offset >= layout->enclave_size)
        return CELLA_ERR_INVALID_ARGUMENT;

    switch (range->kind) {
    case CELLA_LAYOUT_KIND_CODE:
    case CELLA_LAYOUT_KIND_DATA:
        return segment_page(layout, image, range->segment_index, page_offset, page);
    case CELLA_LAYOUT_KIND_TCS: {
        cella_tcs_t tcs;
        r = cella_layout_get_tcs(layout, range->thread_index, &tcs);
        if (r != CELLA_OK)
            return r;
        if (thread_offsets(layout, range->thread_index).tcs != page_offset)
            return CELLA_ERR_INVALID_ARGUMENT;
        memcpy(page, &tcs, sizeof(tcs));
        return CELLA_OK;
    }
    case CELLA_LAYOUT_KIND_THREAD_DATA: {
        cella_thread_data_t thread_data;
        r = cella_layout_get_thread_data(layout, range->thread_index, &thread_data);
        if (r != CELLA_OK)
            return r;
        if (thread_data.thread_data_offset != page_offset)
            return CELLA_ERR_INVALID_ARGUMENT;
        memset(page, 0, CELLA_PAGE_BYTES);
        memcpy(page, &thread_data, sizeof(thread_data));
        return CELLA_OK;
    }
    case CELLA_LAYOUT_KIND_HEAP:
    case CELLA_LAYOUT_KIND_STACK:
    case CELLA_LAYOUT_KIND_SSA:
    case CELLA_LAYOUT_KIND_TLS:
        memset(page, 0, CELLA_PAGE_BYTES);
        return CELLA_OK;
    case CELLA_LAYOUT_KIND_GUARD:
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    return CELLA_ERR_INVALID_ARGUMENT;
}
