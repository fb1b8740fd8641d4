/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/metadata.c: reading and writing the signed-enclave metadata. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cella/metadata.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void fill_valid(cella_enclave_metadata_t *metadata)
{
    memset(metadata, 0, sizeof(*metadata));
    metadata->magic = CELLA_METADATA_MAGIC;
    metadata->version = CELLA_METADATA_VERSION;
    metadata->size = CELLA_METADATA_BYTES;
    metadata->enclave_size = 0x200000;
    metadata->heap_size = 0x100000;
    metadata->stack_size = 0x40000;
    metadata->tcs_count = 1;
    metadata->tcs_policy = 1;
    metadata->ssa_frame_size = CELLA_METADATA_SSA_FRAME_SIZE;
    metadata->nssa = CELLA_METADATA_NSSA;
    metadata->misc_mask = 0xFFFFFFFF;
    metadata->disable_debug = 1;
    memset(&metadata->sigstruct, 0x5a, sizeof(metadata->sigstruct));
}

static void serialize_then_parse_round_trips_and_pads_with_zeros(void **state)
{
    cella_enclave_metadata_t written;
    cella_enclave_metadata_t read;
    uint8_t note[CELLA_METADATA_NOTE_DESC_BYTES];

    (void)state;
    fill_valid(&written);
    memset(note, 0xff, sizeof(note));
    assert_int_equal(cella_metadata_serialize(&written, note, sizeof(note)), CELLA_OK);
    for (size_t i = sizeof(written); i < sizeof(note); i++)
        assert_int_equal(note[i], 0);
    assert_int_equal(cella_metadata_parse(note, sizeof(note), &read), CELLA_OK);
    assert_memory_equal(&read, &written, sizeof(read));
}

static void serialize_reports_a_buffer_too_small_and_writes_nothing(void **state)
{
    cella_enclave_metadata_t metadata;
    uint8_t note[CELLA_METADATA_BYTES - 1];

    (void)state;
    fill_valid(&metadata);
    memset(note, 0xee, sizeof(note));
    assert_int_equal(cella_metadata_serialize(&metadata, note, sizeof(note)),
                     CELLA_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(note[0], 0xee);
    assert_int_equal(cella_metadata_serialize(NULL, note, sizeof(note)),
                     CELLA_ERR_INVALID_ARGUMENT);
}

typedef void (*mutation)(cella_enclave_metadata_t *metadata);

static void bad_magic(cella_enclave_metadata_t *m)
{
    m->magic ^= 1;
}
static void new_version(cella_enclave_metadata_t *m)
{
    m->version = 2;
}
static void bad_size(cella_enclave_metadata_t *m)
{
    m->size = 4096;
}
static void reserved_set(cella_enclave_metadata_t *m)
{
    m->reserved[26] = 1;
}
static void size_not_power_of_two(cella_enclave_metadata_t *m)
{
    m->enclave_size = 0x300000;
}
static void size_one_page(cella_enclave_metadata_t *m)
{
    m->enclave_size = 0x1000;
}
static void heap_unaligned(cella_enclave_metadata_t *m)
{
    m->heap_size = 0x1001;
}
static void stack_zero(cella_enclave_metadata_t *m)
{
    m->stack_size = 0;
}
static void no_tcs(cella_enclave_metadata_t *m)
{
    m->tcs_count = 0;
}
static void policy_two(cella_enclave_metadata_t *m)
{
    m->tcs_policy = 2;
}
static void ssa_frame_zero(cella_enclave_metadata_t *m)
{
    m->ssa_frame_size = 0;
}
static void ssa_frame_huge(cella_enclave_metadata_t *m)
{
    m->ssa_frame_size = CELLA_METADATA_SSA_FRAME_SIZE_MAX + 1;
}
static void nssa_zero(cella_enclave_metadata_t *m)
{
    m->nssa = 0;
}
static void nssa_huge(cella_enclave_metadata_t *m)
{
    m->nssa = CELLA_METADATA_NSSA_MAX + 1;
}
static void disable_debug_two(cella_enclave_metadata_t *m)
{
    m->disable_debug = 2;
}

static const struct {
    const char *name;
    mutation mutate;
} invalid_cases[] = {
    {"bad magic", bad_magic},
    {"version 2", new_version},
    {"size field", bad_size},
    {"reserved byte", reserved_set},
    {"enclave size not a power of two", size_not_power_of_two},
    {"enclave size of one page", size_one_page},
    {"heap not page aligned", heap_unaligned},
    {"no stack", stack_zero},
    {"no TCS", no_tcs},
    {"TCS policy 2", policy_two},
    {"SSA frame size 0", ssa_frame_zero},
    {"SSA frame size too large", ssa_frame_huge},
    {"NSSA 0", nssa_zero},
    {"NSSA too large", nssa_huge},
    {"DisableDebug 2", disable_debug_two},
};

static void parse_rejects_each_invalid_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(invalid_cases); i++) {
        cella_enclave_metadata_t metadata;
        cella_enclave_metadata_t out;

        fill_valid(&metadata);
        invalid_cases[i].mutate(&metadata);
        memset(&out, 0x77, sizeof(out));
        if (cella_metadata_parse(&metadata, sizeof(metadata), &out) != CELLA_ERR_INVALID_FORMAT)
            fail_msg("case '%s' was accepted", invalid_cases[i].name);
        assert_int_equal(((uint8_t *)&out)[0], 0x77); /* untouched on failure */
    }
}

static void parse_rejects_bytes_after_the_structure_and_short_input(void **state)
{
    uint8_t note[CELLA_METADATA_BYTES + 16];
    cella_enclave_metadata_t metadata;

    (void)state;
    fill_valid(&metadata);
    assert_int_equal(cella_metadata_serialize(&metadata, note, sizeof(note)), CELLA_OK);
    note[sizeof(note) - 1] = 1;
    assert_int_equal(cella_metadata_parse(note, sizeof(note), &metadata), CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_metadata_parse(note, CELLA_METADATA_BYTES - 1, &metadata),
                     CELLA_ERR_INVALID_FORMAT);
    assert_int_equal(cella_metadata_parse(NULL, sizeof(note), &metadata),
                     CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(serialize_then_parse_round_trips_and_pads_with_zeros),
        cmocka_unit_test(serialize_reports_a_buffer_too_small_and_writes_nothing),
        cmocka_unit_test(parse_rejects_each_invalid_field),
        cmocka_unit_test(parse_rejects_bytes_after_the_structure_and_short_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
