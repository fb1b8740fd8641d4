/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/image.c: strict ELF parsing of enclave images and the metadata note. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cella/image.h>
#include <cella/log.h>
#include <cella/metadata.h>
#include <cella/sgx_arch.h>

#include "test_elf.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The last error message, to check that a failure names its check. */
static char last_error[CELLA_LOG_MESSAGE_MAX_BYTES];

static void remember_error(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (level == CELLA_LOG_ERROR)
        snprintf(last_error, sizeof(last_error), "%s", message);
}

static int setup(void **state)
{
    (void)state;
    last_error[0] = '\0';
    cella_log_set_handler(remember_error, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cella_log_set_handler(NULL, NULL);
    return 0;
}

static uint8_t *build_default(size_t *size)
{
    struct test_elf_spec spec;
    test_elf_default_spec(&spec);
    return test_elf_build(&spec, size);
}

static void parse_accepts_the_default_image_and_summarises_it(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    cella_image_t image;

    (void)state;
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_ptr_equal(image.file, file);
    assert_int_equal(image.file_size, size);
    assert_int_equal(image.entry, 0x100);
    assert_int_equal(image.segment_count, 2);
    assert_int_equal(image.segments[0].vaddr, 0);
    assert_int_equal(image.segments[0].mem_size, 0x1800);
    assert_int_equal(image.segments[0].secinfo_flags, CELLA_SECINFO_R | CELLA_SECINFO_X);
    assert_int_equal(image.segments[1].vaddr, 0x3000);
    assert_int_equal(image.segments[1].file_offset, 0x2000);
    assert_int_equal(image.segments[1].file_size, 0x300);
    assert_int_equal(image.segments[1].mem_size, 0x1400);
    assert_int_equal(image.segments[1].secinfo_flags, CELLA_SECINFO_R | CELLA_SECINFO_W);
    assert_int_equal(image.end, 0x5000);
    assert_true(image.has_tls);
    assert_int_equal(image.tls_vaddr, 0x3010);
    assert_int_equal(image.tls_file_size, 0x20);
    assert_int_equal(image.tls_mem_size, 0x48);
    assert_int_equal(image.tls_align, 0x10);
    assert_true(image.has_metadata);
    assert_int_equal(image.metadata_size, CELLA_METADATA_NOTE_DESC_BYTES);
    assert_memory_equal(file + image.metadata_offset - 8, "cella\0\0\0", 8);
    assert_false(image.has_text_relocations);
    assert_false(image.has_init_section);
    free(file);
}

static void parse_accepts_a_segment_that_starts_inside_a_page(void **state)
{
    struct test_elf_spec spec;
    size_t size;
    uint8_t *file;
    cella_image_t image;

    (void)state;
    test_elf_default_spec(&spec);
    spec.phdrs[1].offset = 0x2100;
    spec.phdrs[1].vaddr = 0x3100;
    spec.phdrs[1].file_size = 0x200;
    spec.phdrs[2].offset = 0x2110;
    spec.phdrs[2].vaddr = 0x3110;
    file = test_elf_build(&spec, &size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_int_equal(image.segments[1].vaddr, 0x3100);
    assert_int_equal(image.end, 0x5000);
    free(file);
}

static void parse_records_text_relocations_and_init_sections(void **state)
{
    struct test_elf_spec spec;
    size_t size;
    uint8_t *file;
    cella_image_t image;

    (void)state;
    test_elf_default_spec(&spec);
    spec.with_textrel = true;
    spec.with_init = true;
    file = test_elf_build(&spec, &size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_true(image.has_text_relocations);
    assert_true(image.has_init_section);
    free(file);
}

static void parse_accepts_an_image_without_sections_but_finds_no_metadata(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    cella_image_t image;
    cella_enclave_metadata_t metadata;

    (void)state;
    memset(file + 40, 0, 8); /* e_shoff */
    memset(file + 60, 0, 4); /* e_shnum, e_shstrndx */
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_false(image.has_metadata);
    assert_int_equal(cella_image_get_metadata(&image, &metadata), CELLA_ERR_NOT_FOUND);
    assert_non_null(strstr(last_error, "link the enclave with the cella trusted runtime"));
    assert_int_equal(cella_image_set_metadata(&image, file, size, &metadata), CELLA_ERR_NOT_FOUND);
    free(file);
}

/* ---- rejections, one per check ---- */

typedef void (*spec_mutation)(struct test_elf_spec *spec);
typedef void (*file_mutation)(uint8_t *file, size_t *size);

static void wx_segment(struct test_elf_spec *s)
{
    s->phdrs[1].flags = TEST_PF_R | TEST_PF_W | TEST_PF_X;
}
static void filesz_above_memsz(struct test_elf_spec *s)
{
    s->phdrs[1].file_size = 0x2000;
}
static void incongruent_segment(struct test_elf_spec *s)
{
    s->phdrs[1].vaddr = 0x3100;
}
static void overlapping_pages(struct test_elf_spec *s)
{
    s->phdrs[1].vaddr = 0x1000;
}
static void descending_segments(struct test_elf_spec *s)
{
    struct test_elf_phdr first = s->phdrs[0];
    s->phdrs[0] = s->phdrs[1];
    s->phdrs[1] = first;
}
static void segment_beyond_limit(struct test_elf_spec *s)
{
    s->phdrs[1].vaddr = 0xFFFFF000;
}
static void unreadable_segment(struct test_elf_spec *s)
{
    s->phdrs[1].flags = TEST_PF_W;
}
static void empty_segment(struct test_elf_spec *s)
{
    s->phdrs[1].file_size = 0;
    s->phdrs[1].mem_size = 0;
}
static void segment_past_end_of_file(struct test_elf_spec *s)
{
    s->phdrs[0].file_size = 0x100000;
    s->phdrs[0].mem_size = 0x100000;
}
static void entry_outside_code(struct test_elf_spec *s)
{
    s->entry = 0x3000;
}
static void tls_outside_segments(struct test_elf_spec *s)
{
    s->phdrs[2].vaddr = 0x8000;
}
static void tls_over_aligned(struct test_elf_spec *s)
{
    s->phdrs[2].align = 0x2000;
}
static void interpreter(struct test_elf_spec *s)
{
    s->phdrs[s->phdr_count++] =
        (struct test_elf_phdr){TEST_PT_INTERP, TEST_PF_R, 0x200, 0x200, 0x10, 0x10, 1};
}
static void allocated_note(struct test_elf_spec *s)
{
    s->note_flags = 2; /* SHF_ALLOC */
}
static void small_note(struct test_elf_spec *s)
{
    s->note_desc_size = 100;
}
static void no_load_segment(struct test_elf_spec *s)
{
    s->phdrs[0] = s->phdrs[2];
    s->phdr_count = 1;
}

struct spec_case {
    const char *name;
    spec_mutation mutate;
    const char *message; /* a phrase the error must contain */
};

static const struct spec_case spec_cases[] = {
    {"W+X segment", wx_segment, "writable and executable"},
    {"p_filesz > p_memsz", filesz_above_memsz, "p_filesz"},
    {"unaligned segment", incongruent_segment, "unaligned"},
    {"overlapping pages", overlapping_pages, "overlaps"},
    {"descending segments", descending_segments, "ascending"},
    {"segment beyond the limit", segment_beyond_limit, "4 GiB"},
    {"unreadable segment", unreadable_segment, "not readable"},
    {"empty segment", empty_segment, "empty"},
    {"segment past the end of the file", segment_past_end_of_file, "past the end"},
    {"entry outside code", entry_outside_code, "entry point"},
    {"TLS outside the segments", tls_outside_segments, "PT_TLS"},
    {"TLS aligned beyond a page", tls_over_aligned, "PT_TLS alignment"},
    {"interpreter", interpreter, "PT_INTERP"},
    {"allocated note", allocated_note, "non-allocated"},
    {"note too small", small_note, "fewer than"},
    {"no PT_LOAD", no_load_segment, "no PT_LOAD"},
};

static void parse_rejects_each_bad_program_header_with_a_message_naming_it(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(spec_cases); i++) {
        struct test_elf_spec spec;
        size_t size;
        uint8_t *file;
        cella_image_t image;

        test_elf_default_spec(&spec);
        spec_cases[i].mutate(&spec);
        file = test_elf_build(&spec, &size);
        last_error[0] = '\0';
        if (cella_image_parse(file, size, &image) != CELLA_ERR_INVALID_FORMAT)
            fail_msg("case '%s' was not rejected", spec_cases[i].name);
        if (strstr(last_error, spec_cases[i].message) == NULL)
            fail_msg("case '%s': message '%s' lacks '%s'", spec_cases[i].name, last_error,
                     spec_cases[i].message);
        free(file);
    }
}

static void bad_magic(uint8_t *f, size_t *s)
{
    (void)s;
    f[1] = 'X';
}
static void class32(uint8_t *f, size_t *s)
{
    (void)s;
    f[4] = 1;
}
static void big_endian(uint8_t *f, size_t *s)
{
    (void)s;
    f[5] = 2;
}
static void executable_type(uint8_t *f, size_t *s)
{
    (void)s;
    f[16] = 2; /* ET_EXEC */
}
static void other_machine(uint8_t *f, size_t *s)
{
    (void)s;
    f[18] = 3; /* EM_386 */
}
static void odd_phentsize(uint8_t *f, size_t *s)
{
    (void)s;
    f[54] = 55;
}
static void phdrs_past_end(uint8_t *f, size_t *s)
{
    f[33] = 0x7f; /* e_phoff far beyond the file */
    (void)s;
}
static void truncated_header(uint8_t *f, size_t *s)
{
    (void)f;
    *s = 40;
}
static void bad_shstrndx(uint8_t *f, size_t *s)
{
    (void)s;
    f[62] = 9;
}
static void bad_section_name(uint8_t *f, size_t *s)
{
    uint64_t shoff = 0;
    for (int i = 0; i < 8; i++)
        shoff |= (uint64_t)f[40 + i] << (8 * i);
    (void)s;
    f[shoff + 64 + 1] = 0x40; /* .shstrtab's sh_name = 0x4001 */
}
static void wrong_note_name(uint8_t *f, size_t *s)
{
    for (size_t i = *s; i-- > 5;) {
        if (memcmp(f + i - 5, "cella", 5) == 0) {
            f[i - 1] = 'b';
            return;
        }
    }
}

struct file_case {
    const char *name;
    file_mutation mutate;
    const char *message;
};

static const struct file_case file_cases[] = {
    {"bad magic", bad_magic, "bad magic"},
    {"32-bit class", class32, "ELFCLASS64"},
    {"big-endian", big_endian, "little-endian"},
    {"ET_EXEC", executable_type, "ET_DYN"},
    {"other machine", other_machine, "x86-64"},
    {"program header size", odd_phentsize, "program header size"},
    {"program headers past the end", phdrs_past_end, "program headers"},
    {"truncated header", truncated_header, "too small"},
    {"section-name table index", bad_shstrndx, "string table index"},
    {"section name offset", bad_section_name, "bad name offset"},
    {"note name", wrong_note_name, "\"cella\" note"},
};

static void parse_rejects_each_bad_header_or_section_with_a_message_naming_it(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(file_cases); i++) {
        size_t size;
        uint8_t *file = build_default(&size);
        cella_image_t image;

        file_cases[i].mutate(file, &size);
        last_error[0] = '\0';
        if (cella_image_parse(file, size, &image) != CELLA_ERR_INVALID_FORMAT)
            fail_msg("case '%s' was not rejected", file_cases[i].name);
        if (strstr(last_error, file_cases[i].message) == NULL)
            fail_msg("case '%s': message '%s' lacks '%s'", file_cases[i].name, last_error,
                     file_cases[i].message);
        free(file);
    }
}

static void parse_rejects_null_arguments(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    cella_image_t image;

    (void)state;
    assert_int_equal(cella_image_parse(NULL, size, &image), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_image_parse(file, size, NULL), CELLA_ERR_INVALID_ARGUMENT);
    free(file);
}

static void parse_rejects_every_truncation_of_a_valid_image(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    cella_image_t image;

    (void)state;
    for (size_t cut = 0; cut < size; cut += 61) {
        uint8_t *copy = malloc(cut + 1);
        assert_non_null(copy);
        memcpy(copy, file, cut);
        assert_int_not_equal(cella_image_parse(copy, cut, &image), CELLA_OK);
        free(copy);
    }
    free(file);
}

/* ---- the layout table ---- */

/* The default image with a layout table; its section header is the last one. */
static uint8_t *build_with_layout_table(size_t *size, uint8_t **table_shdr)
{
    struct test_elf_spec spec;
    uint8_t *file;
    uint64_t shoff = 0;
    uint16_t shnum;

    test_elf_default_spec(&spec);
    spec.with_layout_table = true;
    file = test_elf_build(&spec, size);
    memcpy(&shoff, file + 40, sizeof(shoff));
    memcpy(&shnum, file + 60, sizeof(shnum));
    *table_shdr = file + shoff + (size_t)(shnum - 1) * 64;
    return file;
}

static void parse_finds_the_layout_table_in_a_loaded_segment(void **state)
{
    size_t size;
    uint8_t *shdr;
    uint8_t *file = build_with_layout_table(&size, &shdr);
    cella_image_t image;

    (void)state;
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_true(image.has_layout_table);
    assert_int_equal(image.layout_table_vaddr, 0x3200);
    free(file);
    file = build_default(&size);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_false(image.has_layout_table);
    free(file);
}

static void parse_rejects_a_layout_table_that_is_not_the_runtimes(void **state)
{
    static const struct {
        const char *name;
        size_t field;
        uint64_t value;
        const char *message;
    } cases[] = {
        {"no magic", 0, 0, "does not hold"},
        {"outside the file bytes", 16, 0x3400, "no loadable"},
        {"wrong size", 32, 64, "allocated, 8-aligned"},
        {"not allocated", 8, 0, "allocated, 8-aligned"},
        {"file offset disagrees with the address", 24, 0x2208, "does not hold"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t size;
        uint8_t *shdr;
        uint8_t *file = build_with_layout_table(&size, &shdr);
        cella_image_t image;

        if (i == 0)
            memset(file + 0x2200, 0, 8);
        else
            memcpy(shdr + cases[i].field, &cases[i].value, sizeof(uint64_t));
        last_error[0] = '\0';
        if (cella_image_parse(file, size, &image) != CELLA_ERR_INVALID_FORMAT)
            fail_msg("case '%s' was not rejected", cases[i].name);
        if (strstr(last_error, cases[i].message) == NULL)
            fail_msg("case '%s': message '%s' lacks '%s'", cases[i].name, last_error,
                     cases[i].message);
        free(file);
    }
}

/* ---- metadata in the note ---- */

static void fill_valid_metadata(cella_enclave_metadata_t *metadata)
{
    memset(metadata, 0, sizeof(*metadata));
    metadata->magic = CELLA_METADATA_MAGIC;
    metadata->version = CELLA_METADATA_VERSION;
    metadata->size = CELLA_METADATA_BYTES;
    metadata->enclave_size = 0x20000;
    metadata->heap_size = 0x3000;
    metadata->stack_size = 0x2000;
    metadata->tcs_count = 2;
    metadata->tcs_policy = 1;
    metadata->ssa_frame_size = 1;
    metadata->nssa = 2;
    metadata->isv_svn = 7;
    metadata->sigstruct.isv_svn = 7;
}

static void get_metadata_reports_an_unsigned_image(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    cella_image_t image;
    cella_enclave_metadata_t metadata;

    (void)state;
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_int_equal(cella_image_get_metadata(&image, &metadata), CELLA_ERR_INVALID_STATE);
    assert_non_null(strstr(last_error, "not signed"));
    free(file);
}

static void set_metadata_then_get_metadata_round_trips(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    uint8_t *original = malloc(size);
    cella_image_t image;
    cella_enclave_metadata_t written;
    cella_enclave_metadata_t read;

    (void)state;
    assert_non_null(original);
    memcpy(original, file, size);
    fill_valid_metadata(&written);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_int_equal(cella_image_set_metadata(&image, file, size, &written), CELLA_OK);
    assert_int_equal(cella_image_get_metadata(&image, &read), CELLA_OK);
    assert_memory_equal(&read, &written, sizeof(read));
    /* Only the descriptor changed. */
    assert_memory_equal(file, original, image.metadata_offset);
    assert_memory_equal(file + image.metadata_offset + image.metadata_size,
                        original + image.metadata_offset + image.metadata_size,
                        size - image.metadata_offset - image.metadata_size);
    free(original);
    free(file);
}

static void set_metadata_rejects_a_file_of_another_size(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    cella_image_t image;
    cella_enclave_metadata_t metadata;

    (void)state;
    fill_valid_metadata(&metadata);
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    assert_int_equal(cella_image_set_metadata(&image, file, size - 1, &metadata),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_image_set_metadata(&image, file, size, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    free(file);
}

static void get_metadata_rejects_garbage_in_the_note(void **state)
{
    size_t size;
    uint8_t *file = build_default(&size);
    cella_image_t image;
    cella_enclave_metadata_t metadata;

    (void)state;
    assert_int_equal(cella_image_parse(file, size, &image), CELLA_OK);
    file[image.metadata_offset + 100] = 1;
    assert_int_equal(cella_image_get_metadata(&image, &metadata), CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_image_get_metadata(NULL, &metadata), CELLA_ERR_INVALID_ARGUMENT);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(parse_accepts_the_default_image_and_summarises_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(parse_accepts_a_segment_that_starts_inside_a_page, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(parse_records_text_relocations_and_init_sections, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            parse_accepts_an_image_without_sections_but_finds_no_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(
            parse_rejects_each_bad_program_header_with_a_message_naming_it, setup, teardown),
        cmocka_unit_test_setup_teardown(
            parse_rejects_each_bad_header_or_section_with_a_message_naming_it, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_rejects_null_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_rejects_every_truncation_of_a_valid_image, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(get_metadata_reports_an_unsigned_image, setup, teardown),
        cmocka_unit_test_setup_teardown(set_metadata_then_get_metadata_round_trips, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(set_metadata_rejects_a_file_of_another_size, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(get_metadata_rejects_garbage_in_the_note, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_finds_the_layout_table_in_a_loaded_segment, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(parse_rejects_a_layout_table_that_is_not_the_runtimes,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
