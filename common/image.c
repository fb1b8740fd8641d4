/* SPDX-License-Identifier: Apache-2.0 */
/* common/image.c: strict ELF64 parsing of enclave images and access to their metadata note. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cella/image.h>
#include <cella/layout.h>
#include <cella/memory.h>
#include <cella/metadata.h>
#include <cella/sgx_arch.h>

#include "log_internal.h"

/*
 * The file is untrusted input. Every field is read with explicit little-endian loads from
 * bounds-checked offsets (no casts of file bytes to structures, so neither alignment nor
 * host byte order matters), and every sum of file-supplied numbers is overflow-checked.
 * Values are taken from the ELF64 specification (System V gABI) and the x86-64 psABI.
 */

#define PAGE ((uint64_t)CELLA_PAGE_BYTES)

/* ELF header (Elf64_Ehdr) fields. */
#define EHDR_BYTES     64
#define EI_CLASS       4
#define EI_DATA        5
#define EI_VERSION     6
#define EI_OSABI       7
#define ELFCLASS64     2
#define ELFDATA2LSB    1
#define EV_CURRENT     1
#define ELFOSABI_SYSV  0
#define ELFOSABI_GNU   3
#define ET_DYN         3
#define EM_X86_64      62
#define EHDR_TYPE      16
#define EHDR_MACHINE   18
#define EHDR_VERSION   20
#define EHDR_ENTRY     24
#define EHDR_PHOFF     32
#define EHDR_SHOFF     40
#define EHDR_EHSIZE    52
#define EHDR_PHENTSIZE 54
#define EHDR_PHNUM     56
#define EHDR_SHENTSIZE 58
#define EHDR_SHNUM     60
#define EHDR_SHSTRNDX  62
#define SHN_LORESERVE  0xff00u

/* Program header (Elf64_Phdr). */
#define PHDR_BYTES  56
#define PHDR_TYPE   0
#define PHDR_FLAGS  4
#define PHDR_OFFSET 8
#define PHDR_VADDR  16
#define PHDR_FILESZ 32
#define PHDR_MEMSZ  40
#define PHDR_ALIGN  48
#define PT_LOAD     1
#define PT_DYNAMIC  2
#define PT_INTERP   3
#define PT_TLS      7
#define PF_X        0x1u
#define PF_W        0x2u
#define PF_R        0x4u

/* Section header (Elf64_Shdr). */
#define SHDR_BYTES   64
#define SHDR_NAME    0
#define SHDR_TYPE    4
#define SHDR_FLAGS   8
#define SHDR_ADDR    16
#define SHDR_OFFSET  24
#define SHDR_SIZE    32
#define SHT_PROGBITS 1
#define SHT_STRTAB   3
#define SHT_NOTE     7
#define SHT_NOBITS   8
#define SHF_ALLOC    0x2u

/* Dynamic section entries (Elf64_Dyn). */
#define DYN_BYTES  16
#define DT_NULL    0
#define DT_TEXTREL 22
#define DT_FLAGS   30
#define DF_TEXTREL 0x4u

/* The metadata note: 12-byte header, "cella\0" padded to 8, then the descriptor. */
#define NOTE_HEADER_BYTES 12
#define NOTE_NAME_PADDED  8
#define NOTE_DESC_OFFSET  (NOTE_HEADER_BYTES + NOTE_NAME_PADDED)

static uint16_t load16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load64(const uint8_t *p)
{
    return (uint64_t)load32(p) | (uint64_t)load32(p + 4) << 32;
}

static bool is_power_of_two(uint64_t value)
{
    return value != 0 && (value & (value - 1)) == 0;
}

/* [offset, offset + size) lies inside a file of file_size bytes. */
static bool in_file(uint64_t offset, uint64_t size, size_t file_size)
{
    return offset <= file_size && size <= file_size - offset;
}

/* The two byte ranges share at least one byte (both sums already known not to wrap). */
static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a_size != 0 && b_size != 0 && a < b + b_size && b < a + a_size;
}

static uint64_t page_floor(uint64_t value)
{
    return value & ~(PAGE - 1);
}

/* value rounded up to a page; callers keep value below 2^63. */
static uint64_t page_ceil(uint64_t value)
{
    return (value + PAGE - 1) & ~(PAGE - 1);
}

/* What parsing keeps besides the summary: where the headers are, to protect them. */
struct parse_state {
    const uint8_t *file;
    size_t file_size;
    uint64_t phoff;
    uint64_t phnum;
    uint64_t shoff;
    uint64_t shnum;
    uint64_t shstrtab_offset;
    uint64_t shstrtab_size;
    bool seen_tls;
    bool seen_dynamic;
    uint64_t dynamic_offset;
    uint64_t dynamic_size;
};

static cella_result_t check_header(struct parse_state *state, cella_image_t *image)
{
    const uint8_t *file = state->file;
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

    if (state->file_size < EHDR_BYTES) {
        cella_log(CELLA_LOG_ERROR, "enclave image: %zu bytes, too small for an ELF header",
                  state->file_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (memcmp(file, magic, sizeof(magic)) != 0) {
        cella_log(CELLA_LOG_ERROR, "enclave image: not an ELF file (bad magic)");
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (file[EI_CLASS] != ELFCLASS64) {
        cella_log(CELLA_LOG_ERROR, "enclave image: ELF class %u, expected ELFCLASS64",
                  file[EI_CLASS]);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (file[EI_DATA] != ELFDATA2LSB) {
        cella_log(CELLA_LOG_ERROR, "enclave image: ELF data encoding %u, expected little-endian",
                  file[EI_DATA]);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (file[EI_VERSION] != EV_CURRENT || load32(file + EHDR_VERSION) != EV_CURRENT) {
        cella_log(CELLA_LOG_ERROR, "enclave image: ELF version is not EV_CURRENT");
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (file[EI_OSABI] != ELFOSABI_SYSV && file[EI_OSABI] != ELFOSABI_GNU) {
        cella_log(CELLA_LOG_ERROR, "enclave image: ELF OS ABI %u, expected System V or GNU",
                  file[EI_OSABI]);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (load16(file + EHDR_TYPE) != ET_DYN) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: ELF type %u, expected ET_DYN (link the enclave with "
                  "-static-pie)",
                  load16(file + EHDR_TYPE));
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (load16(file + EHDR_MACHINE) != EM_X86_64) {
        cella_log(CELLA_LOG_ERROR, "enclave image: ELF machine %u, expected x86-64 (62)",
                  load16(file + EHDR_MACHINE));
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (load16(file + EHDR_EHSIZE) != EHDR_BYTES) {
        cella_log(CELLA_LOG_ERROR, "enclave image: ELF header size %u, expected 64",
                  load16(file + EHDR_EHSIZE));
        return CELLA_ERR_INVALID_FORMAT;
    }
    image->entry = load64(file + EHDR_ENTRY);
    state->phoff = load64(file + EHDR_PHOFF);
    state->phnum = load16(file + EHDR_PHNUM);
    state->shoff = load64(file + EHDR_SHOFF);
    state->shnum = load16(file + EHDR_SHNUM);

    if (load16(file + EHDR_PHENTSIZE) != PHDR_BYTES) {
        cella_log(CELLA_LOG_ERROR, "enclave image: program header size %u, expected 56",
                  load16(file + EHDR_PHENTSIZE));
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (state->phnum == 0 || state->phnum > CELLA_IMAGE_PROGRAM_HEADERS_MAX) {
        cella_log(CELLA_LOG_ERROR, "enclave image: %llu program headers, expected 1 to %d",
                  (unsigned long long)state->phnum, CELLA_IMAGE_PROGRAM_HEADERS_MAX);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (!in_file(state->phoff, state->phnum * PHDR_BYTES, state->file_size)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: program headers extend past the end of the "
                                   "file");
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

static cella_result_t add_segment(struct parse_state *state, cella_image_t *image,
                                  const uint8_t *phdr, unsigned index)
{
    uint32_t flags = load32(phdr + PHDR_FLAGS);
    uint64_t offset = load64(phdr + PHDR_OFFSET);
    uint64_t vaddr = load64(phdr + PHDR_VADDR);
    uint64_t file_size = load64(phdr + PHDR_FILESZ);
    uint64_t mem_size = load64(phdr + PHDR_MEMSZ);
    uint64_t align = load64(phdr + PHDR_ALIGN);
    cella_image_segment_t *segment;

    if (image->segment_count == CELLA_IMAGE_SEGMENTS_MAX) {
        cella_log(CELLA_LOG_ERROR, "enclave image: more than %d PT_LOAD segments",
                  CELLA_IMAGE_SEGMENTS_MAX);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (mem_size == 0) {
        cella_log(CELLA_LOG_ERROR, "enclave image: PT_LOAD segment (program header %u) is empty",
                  index);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (file_size > mem_size) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) has p_filesz 0x%llx > "
                  "p_memsz 0x%llx",
                  index, (unsigned long long)file_size, (unsigned long long)mem_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (vaddr > CELLA_IMAGE_SPAN_MAX_BYTES || mem_size > CELLA_IMAGE_SPAN_MAX_BYTES - vaddr) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) at 0x%llx + 0x%llx ends "
                  "beyond the 4 GiB limit",
                  index, (unsigned long long)vaddr, (unsigned long long)mem_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (!in_file(offset, file_size, state->file_size)) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) extends past the end of "
                  "the file",
                  index);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (align > 1 && !is_power_of_two(align)) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) alignment 0x%llx is not a "
                  "power of two",
                  index, (unsigned long long)align);
        return CELLA_ERR_INVALID_FORMAT;
    }
    /* ELF: a loadable segment's p_vaddr and p_offset are congruent modulo the page size. */
    if (file_size != 0 && vaddr % PAGE != offset % PAGE) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) is unaligned: p_vaddr "
                  "0x%llx and p_offset 0x%llx differ modulo the page size",
                  index, (unsigned long long)vaddr, (unsigned long long)offset);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if ((flags & ~(PF_R | PF_W | PF_X)) != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) has unknown flags 0x%x",
                  index, flags);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if ((flags & PF_R) == 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) is not readable", index);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if ((flags & PF_W) != 0 && (flags & PF_X) != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_LOAD segment (program header %u) at 0x%llx is both "
                  "writable and executable (W+X); enclaves must not have W+X pages",
                  index, (unsigned long long)vaddr);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (image->segment_count > 0) {
        const cella_image_segment_t *previous = &image->segments[image->segment_count - 1];
        if (vaddr <= previous->vaddr) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave image: PT_LOAD segments are not in ascending address order "
                      "(program header %u)",
                      index);
            return CELLA_ERR_INVALID_FORMAT;
        }
        /* Each page gets one SECINFO, so two segments must not share a page. */
        if (page_floor(vaddr) < page_ceil(previous->vaddr + previous->mem_size)) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave image: PT_LOAD segment (program header %u) at 0x%llx overlaps "
                      "the pages of the segment before it (ending at 0x%llx)",
                      index, (unsigned long long)vaddr,
                      (unsigned long long)(previous->vaddr + previous->mem_size));
            return CELLA_ERR_INVALID_FORMAT;
        }
    }

    segment = &image->segments[image->segment_count++];
    segment->vaddr = vaddr;
    segment->mem_size = mem_size;
    segment->file_offset = offset;
    segment->file_size = file_size;
    segment->secinfo_flags = CELLA_SECINFO_R;
    if ((flags & PF_W) != 0)
        segment->secinfo_flags |= CELLA_SECINFO_W;
    if ((flags & PF_X) != 0)
        segment->secinfo_flags |= CELLA_SECINFO_X;
    image->end = page_ceil(vaddr + mem_size);
    return CELLA_OK;
}

static cella_result_t note_tls(struct parse_state *state, cella_image_t *image, const uint8_t *phdr)
{
    uint64_t align = load64(phdr + PHDR_ALIGN);

    if (state->seen_tls) {
        cella_log(CELLA_LOG_ERROR, "enclave image: more than one PT_TLS segment");
        return CELLA_ERR_INVALID_FORMAT;
    }
    state->seen_tls = true;
    image->tls_vaddr = load64(phdr + PHDR_VADDR);
    image->tls_file_size = load64(phdr + PHDR_FILESZ);
    image->tls_mem_size = load64(phdr + PHDR_MEMSZ);
    image->tls_align = align <= 1 ? 1 : align;
    if (image->tls_file_size > image->tls_mem_size ||
        image->tls_mem_size > CELLA_IMAGE_SPAN_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR, "enclave image: PT_TLS sizes are inconsistent");
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (!is_power_of_two(image->tls_align) || image->tls_align > PAGE) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: PT_TLS alignment 0x%llx is not a power of two up to a page",
                  (unsigned long long)align);
        return CELLA_ERR_INVALID_FORMAT;
    }
    image->has_tls = image->tls_mem_size != 0;
    return CELLA_OK;
}

static cella_result_t check_program_headers(struct parse_state *state, cella_image_t *image)
{
    cella_result_t r;

    for (unsigned i = 0; i < state->phnum; i++) {
        const uint8_t *phdr = state->file + state->phoff + (uint64_t)i * PHDR_BYTES;
        switch (load32(phdr + PHDR_TYPE)) {
        case PT_LOAD:
            r = add_segment(state, image, phdr, i);
            if (r != CELLA_OK)
                return r;
            break;
        case PT_TLS:
            r = note_tls(state, image, phdr);
            if (r != CELLA_OK)
                return r;
            break;
        case PT_INTERP:
            cella_log(CELLA_LOG_ERROR, "enclave image: has an interpreter (PT_INTERP); link the "
                                       "enclave with -static-pie -nostdlib");
            return CELLA_ERR_INVALID_FORMAT;
        case PT_DYNAMIC:
            if (state->seen_dynamic) {
                cella_log(CELLA_LOG_ERROR, "enclave image: more than one PT_DYNAMIC segment");
                return CELLA_ERR_INVALID_FORMAT;
            }
            state->seen_dynamic = true;
            state->dynamic_offset = load64(phdr + PHDR_OFFSET);
            state->dynamic_size = load64(phdr + PHDR_FILESZ);
            if (!in_file(state->dynamic_offset, state->dynamic_size, state->file_size)) {
                cella_log(CELLA_LOG_ERROR,
                          "enclave image: PT_DYNAMIC extends past the end of the file");
                return CELLA_ERR_INVALID_FORMAT;
            }
            break;
        default:
            break; /* PT_NOTE, PT_PHDR, PT_GNU_*: nothing to load */
        }
    }
    if (image->segment_count == 0) {
        cella_log(CELLA_LOG_ERROR, "enclave image: no PT_LOAD segment");
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

/* The entry point and the TLS image lie inside the segments. */
static cella_result_t check_references(const cella_image_t *image)
{
    bool entry_ok = false;
    bool tls_ok = !image->has_tls;

    for (uint32_t i = 0; i < image->segment_count; i++) {
        const cella_image_segment_t *segment = &image->segments[i];
        uint64_t mem_end = segment->vaddr + segment->mem_size;
        uint64_t file_end = segment->vaddr + segment->file_size;

        if ((segment->secinfo_flags & CELLA_SECINFO_X) != 0 && image->entry >= segment->vaddr &&
            image->entry < mem_end)
            entry_ok = true;
        if (image->has_tls && image->tls_vaddr >= segment->vaddr && image->tls_vaddr <= mem_end &&
            (image->tls_file_size == 0 ||
             (image->tls_vaddr <= file_end && image->tls_file_size <= file_end - image->tls_vaddr)))
            tls_ok = true;
    }
    if (!entry_ok) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: entry point 0x%llx is not inside an executable segment",
                  (unsigned long long)image->entry);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (!tls_ok) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: the PT_TLS initialisation image is not inside a PT_LOAD "
                  "segment's file bytes");
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

/* Text relocations would need writes to read-only pages at first entry. */
static void scan_dynamic(const struct parse_state *state, cella_image_t *image)
{
    if (!state->seen_dynamic)
        return;
    for (uint64_t at = 0; at + DYN_BYTES <= state->dynamic_size; at += DYN_BYTES) {
        const uint8_t *entry = state->file + state->dynamic_offset + at;
        uint64_t tag = load64(entry);
        uint64_t value = load64(entry + 8);
        if (tag == DT_NULL)
            break;
        if (tag == DT_TEXTREL || (tag == DT_FLAGS && (value & DF_TEXTREL) != 0))
            image->has_text_relocations = true;
    }
}

/* The note holds exactly one "cella" note of the metadata type; records its descriptor. */
static cella_result_t check_metadata_note(const struct parse_state *state, cella_image_t *image,
                                          uint64_t offset, uint64_t size)
{
    const uint8_t *note = state->file + offset;
    uint32_t name_size;
    uint32_t desc_size;
    uint64_t padded_desc;

    if (size < NOTE_DESC_OFFSET) {
        cella_log(CELLA_LOG_ERROR, "enclave image: the .note.cella section is too small");
        return CELLA_ERR_INVALID_FORMAT;
    }
    name_size = load32(note);
    desc_size = load32(note + 4);
    padded_desc = ((uint64_t)desc_size + 3) & ~(uint64_t)3;
    if (name_size != CELLA_METADATA_NOTE_NAME_BYTES ||
        memcmp(note + NOTE_HEADER_BYTES, CELLA_METADATA_NOTE_NAME,
               CELLA_METADATA_NOTE_NAME_BYTES) != 0 ||
        load32(note + 8) != CELLA_METADATA_NOTE_TYPE) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: the .note.cella section does not hold a \"cella\" note of "
                  "type %u",
                  CELLA_METADATA_NOTE_TYPE);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (padded_desc != size - NOTE_DESC_OFFSET) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: the .note.cella section must hold exactly one note "
                  "(descriptor %u bytes, section %llu bytes)",
                  desc_size, (unsigned long long)size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (desc_size < CELLA_METADATA_BYTES) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: the .note.cella descriptor has %u bytes, fewer than the %d "
                  "the metadata needs",
                  desc_size, CELLA_METADATA_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }
    image->has_metadata = true;
    image->metadata_offset = (size_t)(offset + NOTE_DESC_OFFSET);
    image->metadata_size = desc_size;
    return CELLA_OK;
}

/* The metadata section must not overlap anything measured or any header it could corrupt. */
static cella_result_t check_metadata_placement(const struct parse_state *state,
                                               const cella_image_t *image, uint64_t offset,
                                               uint64_t size)
{
    for (uint32_t i = 0; i < image->segment_count; i++) {
        const cella_image_segment_t *segment = &image->segments[i];
        if (ranges_overlap(offset, size, segment->file_offset, segment->file_size)) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave image: the .note.cella section overlaps loadable segment %u; it "
                      "must not be allocated (.section .note.cella,\"\",@note)",
                      i);
            return CELLA_ERR_INVALID_FORMAT;
        }
    }
    if (ranges_overlap(offset, size, 0, EHDR_BYTES) ||
        ranges_overlap(offset, size, state->phoff, state->phnum * PHDR_BYTES) ||
        ranges_overlap(offset, size, state->shoff, state->shnum * SHDR_BYTES) ||
        ranges_overlap(offset, size, state->shstrtab_offset, state->shstrtab_size)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: the .note.cella section overlaps the ELF "
                                   "headers");
        return CELLA_ERR_INVALID_FORMAT;
    }
    return CELLA_OK;
}

/*
 * The layout table (.cella_layout, cella/layout.h): an allocated section of exactly one
 * table, inside the file-backed bytes of one PT_LOAD segment (so it is measured), that
 * still holds the magic the trusted runtime put there.
 */
static cella_result_t note_layout_table(const struct parse_state *state, cella_image_t *image,
                                        const uint8_t *shdr)
{
    uint32_t type = load32(shdr + SHDR_TYPE);
    uint64_t address = load64(shdr + SHDR_ADDR);
    uint64_t offset = load64(shdr + SHDR_OFFSET);
    uint64_t size = load64(shdr + SHDR_SIZE);

    if (image->has_layout_table) {
        cella_log(CELLA_LOG_ERROR, "enclave image: more than one .cella_layout section");
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (type != SHT_PROGBITS || (load64(shdr + SHDR_FLAGS) & SHF_ALLOC) == 0 ||
        size != CELLA_LAYOUT_TABLE_BYTES || address % 8 != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: the .cella_layout section must be an "
                  "allocated, 8-aligned table of %d bytes",
                  CELLA_LAYOUT_TABLE_BYTES);
        return CELLA_ERR_INVALID_FORMAT;
    }
    for (uint32_t i = 0; i < image->segment_count; i++) {
        const cella_image_segment_t *segment = &image->segments[i];
        if (address < segment->vaddr || address - segment->vaddr > segment->file_size ||
            size > segment->file_size - (address - segment->vaddr))
            continue;
        if (offset != segment->file_offset + (address - segment->vaddr) ||
            !in_file(offset, size, state->file_size) ||
            load64(state->file + offset) != CELLA_LAYOUT_TABLE_MAGIC) {
            cella_log(CELLA_LOG_ERROR, "enclave image: the .cella_layout section does not "
                                       "hold the trusted runtime's layout table");
            return CELLA_ERR_INVALID_FORMAT;
        }
        image->has_layout_table = true;
        image->layout_table_vaddr = address;
        return CELLA_OK;
    }
    cella_log(CELLA_LOG_ERROR, "enclave image: the .cella_layout section lies in no loadable "
                               "segment's file bytes");
    return CELLA_ERR_INVALID_FORMAT;
}

/* The NUL-terminated name at name_offset in the section-name table, or NULL. */
static const char *section_name(const struct parse_state *state, uint32_t name_offset)
{
    const uint8_t *table = state->file + state->shstrtab_offset;
    if (name_offset >= state->shstrtab_size)
        return NULL;
    if (memchr(table + name_offset, '\0', state->shstrtab_size - name_offset) == NULL)
        return NULL;
    return (const char *)table + name_offset;
}

static cella_result_t check_sections(struct parse_state *state, cella_image_t *image)
{
    const uint8_t *file = state->file;
    uint64_t shstrndx = load16(file + EHDR_SHSTRNDX);
    const uint8_t *strtab_header;
    bool seen_metadata = false;
    uint64_t metadata_offset = 0;
    uint64_t metadata_size = 0;
    cella_result_t r;

    if (state->shnum == 0) {
        if (state->shoff != 0) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave image: extended section numbering is not supported");
            return CELLA_ERR_INVALID_FORMAT;
        }
        return CELLA_OK; /* no sections, so no metadata */
    }
    if (load16(file + EHDR_SHENTSIZE) != SHDR_BYTES) {
        cella_log(CELLA_LOG_ERROR, "enclave image: section header size %u, expected 64",
                  load16(file + EHDR_SHENTSIZE));
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (state->shnum > CELLA_IMAGE_SECTIONS_MAX ||
        !in_file(state->shoff, state->shnum * SHDR_BYTES, state->file_size)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: section headers extend past the end of the "
                                   "file");
        return CELLA_ERR_INVALID_FORMAT;
    }
    if (shstrndx >= state->shnum || shstrndx >= SHN_LORESERVE) {
        cella_log(CELLA_LOG_ERROR, "enclave image: bad section-name string table index %llu",
                  (unsigned long long)shstrndx);
        return CELLA_ERR_INVALID_FORMAT;
    }
    strtab_header = file + state->shoff + shstrndx * SHDR_BYTES;
    state->shstrtab_offset = load64(strtab_header + SHDR_OFFSET);
    state->shstrtab_size = load64(strtab_header + SHDR_SIZE);
    if (load32(strtab_header + SHDR_TYPE) != SHT_STRTAB ||
        !in_file(state->shstrtab_offset, state->shstrtab_size, state->file_size)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: bad section-name string table");
        return CELLA_ERR_INVALID_FORMAT;
    }

    for (uint64_t i = 1; i < state->shnum; i++) {
        const uint8_t *shdr = file + state->shoff + i * SHDR_BYTES;
        uint32_t type = load32(shdr + SHDR_TYPE);
        uint64_t offset = load64(shdr + SHDR_OFFSET);
        uint64_t size = load64(shdr + SHDR_SIZE);
        const char *name = section_name(state, load32(shdr + SHDR_NAME));

        if (name == NULL) {
            cella_log(CELLA_LOG_ERROR, "enclave image: section %llu has a bad name offset",
                      (unsigned long long)i);
            return CELLA_ERR_INVALID_FORMAT;
        }
        if (strcmp(name, ".init") == 0)
            image->has_init_section = true;
        if (strcmp(name, CELLA_LAYOUT_TABLE_SECTION_NAME) == 0) {
            r = note_layout_table(state, image, shdr);
            if (r != CELLA_OK)
                return r;
            continue;
        }
        if (strcmp(name, CELLA_METADATA_SECTION_NAME) != 0)
            continue;
        if (seen_metadata) {
            cella_log(CELLA_LOG_ERROR, "enclave image: more than one .note.cella section");
            return CELLA_ERR_INVALID_FORMAT;
        }
        seen_metadata = true;
        if (type != SHT_NOTE || (load64(shdr + SHDR_FLAGS) & SHF_ALLOC) != 0) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave image: the .note.cella section must be a non-allocated note "
                      "(.section .note.cella,\"\",@note)");
            return CELLA_ERR_INVALID_FORMAT;
        }
        if (!in_file(offset, size, state->file_size)) {
            cella_log(CELLA_LOG_ERROR,
                      "enclave image: the .note.cella section extends past the end of the file");
            return CELLA_ERR_INVALID_FORMAT;
        }
        metadata_offset = offset;
        metadata_size = size;
    }
    if (!seen_metadata)
        return CELLA_OK;
    r = check_metadata_placement(state, image, metadata_offset, metadata_size);
    if (r != CELLA_OK)
        return r;
    return check_metadata_note(state, image, metadata_offset, metadata_size);
}

cella_result_t cella_image_parse(const void *file, size_t file_size, cella_image_t *image)
{
    struct parse_state state;
    cella_image_t parsed;
    cella_result_t r;

    if (file == NULL || image == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(&state, 0, sizeof(state));
    memset(&parsed, 0, sizeof(parsed));
    state.file = file;
    state.file_size = file_size;
    parsed.file = file;
    parsed.file_size = file_size;

    r = check_header(&state, &parsed);
    if (r != CELLA_OK)
        return r;
    r = check_program_headers(&state, &parsed);
    if (r != CELLA_OK)
        return r;
    r = check_references(&parsed);
    if (r != CELLA_OK)
        return r;
    scan_dynamic(&state, &parsed);
    r = check_sections(&state, &parsed);
    if (r != CELLA_OK)
        return r;
    *image = parsed;
    return CELLA_OK;
}

cella_result_t cella_image_get_metadata(const cella_image_t *image,
                                        cella_enclave_metadata_t *metadata)
{
    const uint8_t *descriptor;

    if (image == NULL || metadata == NULL || image->file == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!image->has_metadata) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: no .note.cella section; link the enclave with the cella "
                  "trusted runtime, which reserves it");
        return CELLA_ERR_NOT_FOUND;
    }
    if (image->metadata_size > image->file_size ||
        image->metadata_offset > image->file_size - image->metadata_size)
        return CELLA_ERR_INVALID_ARGUMENT;
    descriptor = image->file + image->metadata_offset;
    if (cella_memory_is_zero_ct(descriptor, image->metadata_size)) {
        cella_log(CELLA_LOG_ERROR, "enclave image: not signed (the .note.cella metadata is "
                                   "empty); sign it with `cella sign`");
        return CELLA_ERR_INVALID_STATE;
    }
    return cella_metadata_parse(descriptor, image->metadata_size, metadata);
}

cella_result_t cella_image_set_metadata(const cella_image_t *image, void *file, size_t file_size,
                                        const cella_enclave_metadata_t *metadata)
{
    if (image == NULL || file == NULL || metadata == NULL || file_size != image->file_size)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!image->has_metadata) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave image: no .note.cella section; link the enclave with the cella "
                  "trusted runtime, which reserves it");
        return CELLA_ERR_NOT_FOUND;
    }
    if (image->metadata_size > file_size ||
        image->metadata_offset > file_size - image->metadata_size)
        return CELLA_ERR_INVALID_ARGUMENT;
    return cella_metadata_serialize(metadata, (uint8_t *)file + image->metadata_offset,
                                    image->metadata_size);
}
