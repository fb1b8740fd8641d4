/* SPDX-License-Identifier: Apache-2.0 */
/* cella/layout.h: the enclave memory layout, shared by the signer and the loader. */
#ifndef CELLA_LAYOUT_H
#define CELLA_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "image.h"
#include "metadata.h"
#include "result.h"
#include "sgx_arch.h"

CELLA_EXTERN_C_BEGIN

/*
 * The layout, in pages from enclave offset 0 (every offset is relative to the enclave
 * base, which differs on every load; nothing here holds an absolute address):
 *
 *   ELF segments   one range per PT_LOAD, at p_vaddr rounded down to a page, up to
 *                  p_vaddr + p_memsz rounded up; REG with R/W/X from p_flags; measured
 *   heap           heap_size bytes rounded up to pages, starting at the image end;
 *                  REG RW; added but not measured (as the Intel SDK does); absent when 0
 *   per thread i = 0 .. tcs_count - 1, in this order:
 *     guard        1 page, not added: a hole that faults on stack overflow
 *     stack        stack_size rounded up to pages; REG RW; measured (zeros)
 *     TCS          1 page; TCS; measured; content from cella_layout_get_tcs()
 *     SSA          nssa * ssa_frame_size pages; REG RW; measured (zeros)
 *     TLS          the thread's TLS block, rounded up to pages (absent without PT_TLS);
 *                  REG RW; measured (zeros); the runtime copies .tdata in at first entry
 *     thread data  1 page; REG RW; measured; starts with cella_thread_data_t
 *                  (cella_layout_get_thread_data()), zeros after it
 *   guard          1 trailing page, not added
 *
 * The enclave size (SECS.SIZE, the ECREATE record) is the smallest power of two that holds
 * all of it, at least two pages, at most CELLA_LAYOUT_ENCLAVE_MAX_BYTES.
 *
 * TCS.OFSBASE and OGSBASE point at the thread-data page. The x86-64 TLS ABI (variant II)
 * wants the thread pointer (%fs:0) to hold its own address and the TLS block to end right
 * below it, so the TLS pages sit just below the thread-data page.
 */

#define CELLA_LAYOUT_ENCLAVE_MAX_BYTES (1ULL << 36) /* 64 GiB */

/* What a range of pages is for. */
typedef enum cella_layout_kind {
    CELLA_LAYOUT_KIND_CODE = 0,        /* an executable ELF segment */
    CELLA_LAYOUT_KIND_DATA = 1,        /* a non-executable ELF segment */
    CELLA_LAYOUT_KIND_HEAP = 2,        /* the heap */
    CELLA_LAYOUT_KIND_GUARD = 3,       /* a hole: never added, faults when touched */
    CELLA_LAYOUT_KIND_STACK = 4,       /* a thread's stack */
    CELLA_LAYOUT_KIND_TCS = 5,         /* a thread's TCS */
    CELLA_LAYOUT_KIND_SSA = 6,         /* a thread's SSA frames */
    CELLA_LAYOUT_KIND_TLS = 7,         /* a thread's TLS block */
    CELLA_LAYOUT_KIND_THREAD_DATA = 8, /* a thread's cella_thread_data_t page */
} cella_layout_kind_t;

/* The configuration the layout depends on; all of it is in the signed metadata. */
typedef struct cella_layout_config {
    uint64_t heap_size;      /* bytes, rounded up to pages; 0 for no heap */
    uint64_t stack_size;     /* bytes per thread, rounded up to pages; at least 1 */
    uint32_t tcs_count;      /* threads (TCS pages); at least 1 */
    uint32_t tcs_policy;     /* CELLA_METADATA_TCS_POLICY_*; recorded in thread data */
    uint32_t ssa_frame_size; /* pages per SSA frame; at least 1 */
    uint32_t nssa;           /* SSA frames per thread; at least 1 */
} cella_layout_config_t;

/* A run of pages with the same purpose and permissions. */
typedef struct cella_layout_range {
    uint64_t offset;        /* enclave offset of the first page */
    uint64_t page_count;    /* at least 1 */
    uint64_t secinfo_flags; /* SECINFO.FLAGS for EADD (page type included); 0 for a guard */
    bool is_added;          /* EADD: false only for guard pages */
    bool is_measured;       /* EEXTEND every 256-byte chunk of every page */
    cella_layout_kind_t kind;
    uint32_t thread_index;  /* for per-thread ranges; 0 otherwise */
    uint32_t segment_index; /* for CODE and DATA ranges: index in cella_image_t.segments */
} cella_layout_range_t;

/*
 * A computed layout (cella_layout_compute()). Plain data: the fields are read-only
 * results. It copies what it needs from the image, so it stays valid when the image goes,
 * but cella_layout_get_page() needs the image for segment contents.
 */
typedef struct cella_layout {
    cella_layout_config_t config;
    uint32_t segment_count;
    cella_image_segment_t segments[CELLA_IMAGE_SEGMENTS_MAX];
    uint64_t entry;             /* TCS.OENTRY */
    uint64_t tls_init_offset;   /* PT_TLS p_vaddr, 0 without TLS */
    uint64_t tls_init_size;     /* PT_TLS p_filesz */
    uint64_t tls_block_size;    /* PT_TLS p_memsz rounded up to p_align; 0 without TLS */
    uint64_t heap_offset;       /* = the image end */
    uint64_t heap_page_count;   /* 0 when there is no heap */
    uint64_t threads_offset;    /* where thread 0's guard page starts */
    uint64_t stack_page_count;  /* per thread */
    uint64_t ssa_page_count;    /* per thread */
    uint64_t tls_page_count;    /* per thread; 0 without TLS */
    uint64_t thread_page_count; /* per thread: guard + stack + TCS + SSA + TLS + thread data */
    uint64_t total_size;        /* bytes up to the end of the trailing guard page */
    uint64_t enclave_size;      /* SECS.SIZE */
    size_t range_count;         /* ranges cella_layout_get_range() returns */
    bool has_table;             /* the image reserves a layout table (.cella_layout) */
    uint64_t table_offset;      /* its enclave offset, when has_table */
} cella_layout_t;

/* The thread-data structure's version and size. */
#define CELLA_THREAD_DATA_VERSION 1
#define CELLA_THREAD_DATA_BYTES   256

/*
 * The start of each thread's thread-data page, 256 bytes, little-endian, packed. TCS
 * OFSBASE/OGSBASE point here, so while the thread runs, %fs (and %gs) address it.
 *
 * The page is measured, so the signer writes it deterministically: offsets relative to the
 * enclave base, never addresses. Fields marked "runtime" are zero in the image and set by
 * the trusted runtime at the thread's first entry. The enclave base is
 * (the page's own address) - thread_data_offset. The bytes after this structure up to the
 * end of the page are zero in the image and belong to the trusted runtime.
 *
 * stack_guard sits where the x86-64 ABI's default stack protector reads its canary
 * (%fs:0x28). cella's trusted code uses a global guard instead (-mstack-protector-guard=
 * global), so the slot only matters for code built with the default; it is kept free for it.
 */
typedef struct CELLA_PACKED cella_thread_data {
    uint64_t self;               /* 0: runtime: this structure's address (%fs:0, the TLS ABI) */
    uint64_t reserved1[4];       /* 8: zero */
    uint64_t stack_guard;        /* 40: runtime: a stack-protector canary slot (%fs:0x28) */
    uint64_t reserved2;          /* 48: zero (the pointer-guard slot, %fs:0x30) */
    uint32_t version;            /* 56: CELLA_THREAD_DATA_VERSION */
    uint32_t thread_index;       /* 60: this thread, 0 .. tcs_count - 1 */
    uint32_t tcs_count;          /* 64: threads in the enclave */
    uint32_t tcs_policy;         /* 68: CELLA_METADATA_TCS_POLICY_* */
    uint64_t enclave_size;       /* 72: SECS.SIZE */
    uint64_t thread_data_offset; /* 80: offset of this page */
    uint64_t tcs_offset;         /* 88: offset of this thread's TCS */
    uint64_t ssa_offset;         /* 96: offset of this thread's first SSA frame */
    uint32_t ssa_frame_size;     /* 104: pages per SSA frame */
    uint32_t nssa;               /* 108: SSA frames */
    uint64_t stack_top_offset;   /* 112: one past the highest stack byte (it grows down) */
    uint64_t stack_limit_offset; /* 120: the lowest stack byte; the guard page is below */
    uint64_t heap_offset;        /* 128: offset of the heap */
    uint64_t heap_size;          /* 136: heap bytes (whole pages); 0 for none */
    uint64_t tls_block_offset;   /* 144: this thread's TLS block; it ends at thread_data_offset */
    uint64_t tls_block_size;     /* 152: PT_TLS p_memsz rounded up to p_align; 0 for none */
    uint64_t tls_init_offset;    /* 160: the TLS initialisation image (PT_TLS p_vaddr) */
    uint64_t tls_init_size;      /* 168: bytes to copy from it; the rest of the block is 0 */
    uint64_t entry_offset;       /* 176: the entry point (TCS.OENTRY) */
    uint8_t reserved3[72];       /* 184: zero */
} cella_thread_data_t;

CELLA_STATIC_ASSERT(sizeof(cella_thread_data_t) == CELLA_THREAD_DATA_BYTES,
                    "cella_thread_data_t is 256 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_thread_data_t, stack_guard) == 0x28,
                    "the stack-protector canary is at %fs:0x28");
CELLA_STATIC_ASSERT(offsetof(cella_thread_data_t, version) == 56, "thread_data.version at 56");
CELLA_STATIC_ASSERT(offsetof(cella_thread_data_t, entry_offset) == 176,
                    "thread_data.entry_offset at 176");

/*
 * The layout table: what the trusted runtime knows of its own layout. The runtime reserves
 * it in an allocated, read-only section named CELLA_LAYOUT_TABLE_SECTION_NAME holding
 * CELLA_LAYOUT_TABLE_MAGIC and zeros. The page that holds it is measured with the table
 * filled in from the layout (cella_layout_get_page()), so MRENCLAVE covers every value, and
 * the loader writes the same bytes. The runtime checks each entry's thread-data pointer
 * against it (thread i's page is at thread_data_offset + i * thread_stride) and bounds
 * every offset it uses by enclave_size. Offsets of thread 0; thread i adds i * thread_stride.
 */
#define CELLA_LAYOUT_TABLE_SECTION_NAME ".cella_layout"
#define CELLA_LAYOUT_TABLE_MAGIC        0x3162617474616c63ULL /* "cltatab1" */
#define CELLA_LAYOUT_TABLE_VERSION      1
#define CELLA_LAYOUT_TABLE_BYTES        128

typedef struct CELLA_PACKED cella_layout_table {
    uint64_t magic;              /* 0: CELLA_LAYOUT_TABLE_MAGIC (also in the unsigned image) */
    uint32_t version;            /* 8: CELLA_LAYOUT_TABLE_VERSION */
    uint32_t tcs_count;          /* 12: threads */
    uint64_t enclave_size;       /* 16: SECS.SIZE */
    uint64_t heap_offset;        /* 24: the heap */
    uint64_t heap_size;          /* 32: heap bytes (whole pages); 0 for none */
    uint64_t thread_data_offset; /* 40: thread 0's thread-data page */
    uint64_t thread_stride;      /* 48: bytes from one thread's pages to the next's */
    uint64_t stack_top_offset;   /* 56: thread 0's stack top (one past its highest byte) */
    uint64_t stack_limit_offset; /* 64: thread 0's lowest stack byte */
    uint64_t tls_block_offset;   /* 72: thread 0's TLS block */
    uint64_t tls_block_size;     /* 80: 0 without TLS */
    uint64_t tls_init_offset;    /* 88: the TLS initialisation image */
    uint64_t tls_init_size;      /* 96: bytes to copy from it */
    uint64_t reserved[3];        /* 104: zero */
} cella_layout_table_t;

CELLA_STATIC_ASSERT(sizeof(cella_layout_table_t) == CELLA_LAYOUT_TABLE_BYTES,
                    "cella_layout_table_t is 128 bytes");

/*
 * The layout table of layout (what the measured image holds in .cella_layout).
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_layout_get_table(const cella_layout_t *layout,
                                                                 cella_layout_table_t *table);

/*
 * Fills *config from signed metadata (heap, stack, TCS count and policy, SSA shape).
 * Returns CELLA_OK or CELLA_ERR_INVALID_ARGUMENT for NULL pointers. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_layout_config_init(cella_layout_config_t *config, const cella_enclave_metadata_t *metadata);

/*
 * Computes the layout of image under config into *layout.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers or a config value out of
 * range (zero tcs_count, stack_size, ssa_frame_size or nssa); CELLA_ERR_OVERFLOW when the
 * enclave would exceed CELLA_LAYOUT_ENCLAVE_MAX_BYTES (the log gives the size needed).
 * *layout is written only on success. Thread safe; usable in trusted code.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_layout_compute(const cella_image_t *image,
                                                               const cella_layout_config_t *config,
                                                               cella_layout_t *layout);

/*
 * The range at position index, 0 <= index < layout->range_count, in ascending offset order
 * (the order pages are added and measured in). Ranges never overlap. Pages below the
 * first ELF segment or between two segments belong to no range: like guards, they are holes.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers or index out of range.
 * Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_layout_get_range(const cella_layout_t *layout,
                                                                 size_t index,
                                                                 cella_layout_range_t *range);

/*
 * True when every page of range starts as zeros (HEAP, STACK, SSA, TLS): a loader whose fresh
 * memory is zero-filled need not write them, and cella_layout_get_page() would give zeros.
 * Thread safe; usable in trusted code.
 */
CELLA_API bool cella_layout_range_is_zero(const cella_layout_range_t *range);

/*
 * The initial content of page page_index of range (a range of this layout) into the
 * page_size bytes at page: segment bytes and zeros for CODE and DATA, the TCS for TCS, the
 * thread data for THREAD_DATA, zeros for the rest. Signer and loader call this to get
 * identical bytes. image is the image the layout was computed from.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers, page_size other than
 * CELLA_PAGE_BYTES, page_index >= range->page_count, a guard range, or a range that does
 * not match the layout or the image. Thread safe; usable in trusted code.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_layout_get_page(const cella_layout_t *layout,
                                                                const cella_image_t *image,
                                                                const cella_layout_range_t *range,
                                                                uint64_t page_index, void *page,
                                                                size_t page_size);

/*
 * The TCS of thread thread_index as the image holds it: OSSA = the thread's first SSA page,
 * NSSA, CSSA 0, OENTRY = the ELF entry point, OFSBASE = OGSBASE = the thread-data page,
 * FSLIMIT = GSLIMIT = 0xfff, FLAGS 0, everything else zero.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers or thread_index >=
 * tcs_count. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_layout_get_tcs(const cella_layout_t *layout,
                                                               uint32_t thread_index,
                                                               cella_tcs_t *tcs);

/*
 * The cella_thread_data_t of thread thread_index as the image holds it (runtime fields
 * zero). Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for NULL pointers or thread_index >=
 * tcs_count. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_layout_get_thread_data(
    const cella_layout_t *layout, uint32_t thread_index, cella_thread_data_t *thread_data);

CELLA_EXTERN_C_END

#endif /* CELLA_LAYOUT_H */
