/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/common/test_elf.c: builds small enclave-like ELF files for the image tests. */
#include <stdlib.h>
#include <string.h>

#include "test_elf.h"

static void store16(uint8_t *p, uint64_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void store32(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void store64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint8_t test_elf_byte(uint64_t offset)
{
    return (uint8_t)(offset * 31 + 7);
}

void test_elf_default_spec(struct test_elf_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    spec->entry = 0x100;
    spec->phdr_count = 3;
    spec->phdrs[0] =
        (struct test_elf_phdr){TEST_PT_LOAD, TEST_PF_R | TEST_PF_X, 0, 0, 0x1800, 0x1800, 0x1000};
    spec->phdrs[1] = (struct test_elf_phdr){
        TEST_PT_LOAD, TEST_PF_R | TEST_PF_W, 0x2000, 0x3000, 0x300, 0x1400, 0x1000};
    spec->phdrs[2] =
        (struct test_elf_phdr){TEST_PT_TLS, TEST_PF_R, 0x2010, 0x3010, 0x20, 0x48, 0x10};
    spec->content_size = 0x2300;
    spec->with_note = true;
    spec->note_desc_size = 8192;
}

static size_t align8(size_t value)
{
    return (value + 7) & ~(size_t)7;
}

uint8_t *test_elf_build(const struct test_elf_spec *spec, size_t *size)
{
    /* The name of the layout table only when it is there, so other images stay unchanged. */
    static const char names_with_table[] = "\0.shstrtab\0.note.cella\0.init\0.cella_layout";
    const char *names = names_with_table;
    size_t names_size = spec->with_layout_table ? sizeof(names_with_table)
                                                : sizeof("\0.shstrtab\0.note.cella\0.init");
    enum { NAME_SHSTRTAB = 1, NAME_NOTE = 11, NAME_INIT = 23, NAME_LAYOUT = 29 };
    struct test_elf_phdr phdrs[TEST_ELF_MAX_PHDRS + 1];
    size_t phdr_count = spec->phdr_count;
    size_t strtab_offset = align8(spec->content_size);
    size_t note_offset = align8(strtab_offset + names_size);
    size_t note_size = spec->with_note ? 20 + (size_t)((spec->note_desc_size + 3u) & ~3u) : 0;
    size_t shdr_offset = align8(note_offset + note_size);
    size_t section_count = 2u + (spec->with_note ? 1u : 0u) + (spec->with_init ? 1u : 0u) +
                           (spec->with_layout_table ? 1u : 0u);
    size_t total = shdr_offset + section_count * 64;
    uint8_t *file = calloc(1, total);
    size_t section = 1;

    if (file == NULL)
        abort();
    memcpy(phdrs, spec->phdrs, sizeof(spec->phdrs));
    for (size_t i = 0; i < spec->content_size; i++)
        file[i] = test_elf_byte(i);
    if (spec->with_textrel) {
        /* DT_TEXTREL then DT_NULL at file 0x2100, vaddr 0x3100 (inside the RW segment). */
        memset(file + 0x2100, 0, 32);
        store64(file + 0x2100, 22);
        phdrs[phdr_count++] = (struct test_elf_phdr){
            TEST_PT_DYNAMIC, TEST_PF_R | TEST_PF_W, 0x2100, 0x3100, 32, 32, 8};
    }

    /* ELF header. */
    memset(file, 0, 64);
    memcpy(file,
           "\x7f"
           "ELF",
           4);
    file[4] = 2;            /* ELFCLASS64 */
    file[5] = 1;            /* little-endian */
    file[6] = 1;            /* EV_CURRENT */
    store16(file + 16, 3);  /* ET_DYN */
    store16(file + 18, 62); /* EM_X86_64 */
    store32(file + 20, 1);
    store64(file + 24, spec->entry);
    store64(file + 32, 64);
    store64(file + 40, shdr_offset);
    store16(file + 52, 64);
    store16(file + 54, 56);
    store16(file + 56, phdr_count);
    store16(file + 58, 64);
    store16(file + 60, section_count);
    store16(file + 62, 1);

    for (size_t i = 0; i < phdr_count; i++) {
        uint8_t *p = file + 64 + i * 56;
        store32(p, phdrs[i].type);
        store32(p + 4, phdrs[i].flags);
        store64(p + 8, phdrs[i].offset);
        store64(p + 16, phdrs[i].vaddr);
        store64(p + 24, phdrs[i].vaddr);
        store64(p + 32, phdrs[i].file_size);
        store64(p + 40, phdrs[i].mem_size);
        store64(p + 48, phdrs[i].align);
    }

    memcpy(file + strtab_offset, names, names_size);
    {
        uint8_t *shdr = file + shdr_offset + 64 * section++;
        store32(shdr, NAME_SHSTRTAB);
        store32(shdr + 4, 3); /* SHT_STRTAB */
        store64(shdr + 24, strtab_offset);
        store64(shdr + 32, names_size);
        store64(shdr + 48, 1);
    }
    if (spec->with_note) {
        uint8_t *note = file + note_offset;
        uint8_t *shdr = file + shdr_offset + 64 * section++;
        store32(note, 6);
        store32(note + 4, spec->note_desc_size);
        store32(note + 8, 1);
        memcpy(note + 12, "cella", 6);
        store32(shdr, NAME_NOTE);
        store32(shdr + 4, 7); /* SHT_NOTE */
        store64(shdr + 8, spec->note_flags);
        store64(shdr + 24, note_offset);
        store64(shdr + 32, note_size);
        store64(shdr + 48, 4);
    }
    if (spec->with_init) {
        uint8_t *shdr = file + shdr_offset + 64 * section++;
        store32(shdr, NAME_INIT);
        store32(shdr + 4, 1); /* SHT_PROGBITS */
        store64(shdr + 8, 6); /* SHF_ALLOC | SHF_EXECINSTR */
        store64(shdr + 24, 0x200);
        store64(shdr + 48, 4);
    }
    if (spec->with_layout_table) {
        uint8_t *shdr = file + shdr_offset + 64 * section++;
        memset(file + 0x2200, 0, 128);
        store64(file + 0x2200, 0x3162617474616c63ull); /* the runtime's magic */
        store32(shdr, NAME_LAYOUT);
        store32(shdr + 4, 1); /* SHT_PROGBITS */
        store64(shdr + 8, 2); /* SHF_ALLOC */
        store64(shdr + 16, 0x3200);
        store64(shdr + 24, 0x2200);
        store64(shdr + 32, 128);
        store64(shdr + 48, 64);
    }
    *size = total;
    return file;
}
