/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/common/test_elf.h: builds small enclave-like ELF files for the image tests. */
#ifndef CELLA_TESTS_TEST_ELF_H
#define CELLA_TESTS_TEST_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_ELF_MAX_PHDRS 8

#define TEST_PT_LOAD    1
#define TEST_PT_DYNAMIC 2
#define TEST_PT_INTERP  3
#define TEST_PT_TLS     7
#define TEST_PF_X       1u
#define TEST_PF_W       2u
#define TEST_PF_R       4u

struct test_elf_phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t file_size;
    uint64_t mem_size;
    uint64_t align;
};

struct test_elf_spec {
    uint64_t entry;
    size_t phdr_count;
    struct test_elf_phdr phdrs[TEST_ELF_MAX_PHDRS];
    size_t content_size;     /* file bytes before the sections; the segments lie in them */
    bool with_note;          /* a .note.cella section */
    uint32_t note_desc_size; /* its descriptor size */
    uint64_t note_flags;     /* its sh_flags */
    bool with_init;          /* an empty .init section */
    bool with_textrel;       /* a PT_DYNAMIC with DT_TEXTREL inside the RW segment */
    bool with_layout_table;  /* a .cella_layout table at file 0x2200, vaddr 0x3200 (RW segment) */
};

/*
 * The default image: a 2-page R+X segment at 0 (file 0..0x1800, ELF headers included,
 * entry 0x100), a R+W segment at 0x3000 (file 0x2000..0x2300, memory up to 0x4400), a
 * PT_TLS at 0x3010 (0x20 file bytes, 0x48 in memory, align 16), and .note.cella with an
 * 8 KiB descriptor. Segment bytes are test_elf_byte(file offset).
 */
void test_elf_default_spec(struct test_elf_spec *spec);

/* The file; free() it. Never NULL (aborts when out of memory). */
uint8_t *test_elf_build(const struct test_elf_spec *spec, size_t *size);

/* The pattern byte at a file offset inside the content. */
uint8_t test_elf_byte(uint64_t offset);

#endif
