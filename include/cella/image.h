/* SPDX-License-Identifier: Apache-2.0 */
/* cella/image.h: strict parsing of an enclave image (a static PIE ELF64 file) and its metadata. */
#ifndef CELLA_IMAGE_H
#define CELLA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "metadata.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * An enclave image is an ELF64 x86-64 little-endian ET_DYN file (a static PIE linked at
 * address 0 with -nostdlib). Each PT_LOAD segment is placed at enclave offset p_vaddr; its
 * pages hold the segment's file bytes and zeros up to p_memsz, and are measured. The
 * enclave applies its own relocations at first entry, so the measured bytes are exactly the
 * file's bytes.
 *
 * cella_image_parse() accepts a file only when all of these hold (the error message names
 * the check that failed):
 *  - ELF header: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, OS ABI System V or GNU,
 *    ET_DYN, EM_X86_64, header and entry sizes as ELF64 defines them;
 *  - program headers inside the file, at most CELLA_IMAGE_PROGRAM_HEADERS_MAX, no PT_INTERP;
 *  - 1 to CELLA_IMAGE_SEGMENTS_MAX PT_LOAD segments, in ascending p_vaddr order, each with
 *    p_filesz <= p_memsz, p_memsz > 0, file bytes inside the file, p_align 0, 1 or a power
 *    of two, p_vaddr and p_offset equal modulo the page size ("aligned"), readable, not
 *    both writable and executable, ending at most CELLA_IMAGE_SPAN_MAX_BYTES past offset 0,
 *    and sharing no page with another segment;
 *  - the entry point inside an executable segment;
 *  - at most one PT_TLS, inside the file bytes of a segment, alignment a power of two of
 *    at most a page;
 *  - section headers (when present) inside the file, with a valid section-name string
 *    table; at most one `.note.cella` section, which must be SHT_NOTE, not SHF_ALLOC,
 *    outside the file bytes of every segment, and hold exactly one note named "cella" of
 *    type CELLA_METADATA_NOTE_TYPE whose descriptor is at least CELLA_METADATA_BYTES.
 * A file without `.note.cella` parses (has_metadata is false): it cannot be signed or
 * loaded, and the functions that need the note say so.
 */

#define CELLA_IMAGE_SEGMENTS_MAX        16           /* PT_LOAD segments in an image */
#define CELLA_IMAGE_PROGRAM_HEADERS_MAX 64           /* program headers in an image */
#define CELLA_IMAGE_SECTIONS_MAX        65280        /* section headers (below SHN_LORESERVE) */
#define CELLA_IMAGE_SPAN_MAX_BYTES      (1ULL << 32) /* segments end below 4 GiB */

/* One PT_LOAD segment. */
typedef struct cella_image_segment {
    uint64_t vaddr;         /* p_vaddr: enclave offset of the segment's first byte */
    uint64_t mem_size;      /* p_memsz: bytes in memory; those past file_size start zero */
    uint64_t file_offset;   /* p_offset: where the file bytes start */
    uint64_t file_size;     /* p_filesz: bytes taken from the file */
    uint64_t secinfo_flags; /* CELLA_SECINFO_R / _W / _X from p_flags (no page type) */
} cella_image_segment_t;

/*
 * A parsed image: a summary of the ELF file, filled by cella_image_parse() and read-only
 * afterwards. It points into the caller's file buffer (file, file_size), which must stay
 * valid and unchanged while the summary is used.
 */
typedef struct cella_image {
    const uint8_t *file; /* the bytes given to cella_image_parse() */
    size_t file_size;
    uint64_t entry; /* e_entry: enclave offset of the entry point */
    uint32_t segment_count;
    cella_image_segment_t segments[CELLA_IMAGE_SEGMENTS_MAX]; /* in ascending vaddr order */
    uint64_t end;                /* end of the last segment rounded up to a page */
    bool has_tls;                /* a PT_TLS segment exists */
    uint64_t tls_vaddr;          /* PT_TLS p_vaddr: the TLS initialisation image (.tdata) */
    uint64_t tls_file_size;      /* PT_TLS p_filesz */
    uint64_t tls_mem_size;       /* PT_TLS p_memsz: .tdata plus .tbss */
    uint64_t tls_align;          /* PT_TLS p_align, at least 1 */
    bool has_metadata;           /* the `.note.cella` section exists */
    size_t metadata_offset;      /* file offset of the note's descriptor */
    size_t metadata_size;        /* size of the note's descriptor */
    bool has_text_relocations;   /* DT_TEXTREL or DF_TEXTREL: relocations in read-only pages */
    bool has_init_section;       /* a `.init` section (its code would never run) */
    bool has_layout_table;       /* the `.cella_layout` section exists (cella/layout.h) */
    uint64_t layout_table_vaddr; /* its address (enclave offset), when has_layout_table */
} cella_image_t;

/*
 * Parses and validates the file_size bytes at file as an enclave image (see above) and
 * fills *image. image keeps pointing at file.
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT (the log names the failed check);
 * CELLA_ERR_INVALID_ARGUMENT for NULL pointers. *image is written only on success.
 * Thread safe; usable in trusted code.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_image_parse(const void *file, size_t file_size,
                                                            cella_image_t *image);

/*
 * Reads the metadata from the image's `.note.cella` descriptor (cella_metadata_parse()).
 * Returns CELLA_OK; CELLA_ERR_NOT_FOUND when the image has no `.note.cella` section (link
 * the cella trusted runtime); CELLA_ERR_INVALID_STATE when the descriptor is still all zero
 * (the enclave is not signed); CELLA_ERR_INVALID_FORMAT when it holds something else than
 * valid metadata; CELLA_ERR_INVALID_ARGUMENT for NULL pointers. *metadata is written only
 * on success. Thread safe; usable in trusted code.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_image_get_metadata(const cella_image_t *image, cella_enclave_metadata_t *metadata);

/*
 * Writes *metadata into the `.note.cella` descriptor of file, a writable copy of the bytes
 * image was parsed from (same size), with cella_metadata_serialize(). Nothing measured
 * changes.
 * Returns CELLA_OK; CELLA_ERR_NOT_FOUND when the image has no `.note.cella` section;
 * CELLA_ERR_INVALID_ARGUMENT for NULL pointers or a file_size other than the image's.
 * Thread safe for distinct files; usable in trusted code.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_image_set_metadata(const cella_image_t *image, void *file, size_t file_size,
                         const cella_enclave_metadata_t *metadata);

CELLA_EXTERN_C_END

#endif /* CELLA_IMAGE_H */
