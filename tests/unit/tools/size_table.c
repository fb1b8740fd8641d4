/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for tools/cella/size_table.h: the Azure EPC tables and the choice of a VM size. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tools/cella/size_table.h"

#define MIB (1024ull * 1024ull)
#define GIB (1024ull * MIB)

/* What an output holds before a call; a failing call must leave it there. */
#define UNTOUCHED_HEADROOM 0x5a5a5a5au

struct vm_case {
    const char *name;
    const char *disk_name;
    uint32_t cpu_count;
    uint64_t epc_size;
};

static void check_vms(cella_size_table_family_t family, const struct vm_case *cases,
                      size_t case_count)
{
    const cella_size_table_vm_t *vms = NULL;

    assert_int_equal(cella_size_table_get_vms(family, &vms), case_count);
    assert_non_null(vms);
    for (size_t i = 0; i < case_count; i++) {
        assert_string_equal(vms[i].name, cases[i].name);
        if (cases[i].disk_name == NULL)
            assert_null(vms[i].disk_name);
        else
            assert_string_equal(vms[i].disk_name, cases[i].disk_name);
        assert_int_equal(vms[i].cpu_count, cases[i].cpu_count);
        assert_int_equal(vms[i].epc_size, cases[i].epc_size);
        if (i > 0)
            assert_true(vms[i].epc_size > vms[i - 1].epc_size);
    }
}

static void dcsv3_sizes_have_the_listed_epc_in_gib(void **state)
{
    static const struct vm_case cases[] = {
        {"DC1s_v3", "DC1ds_v3", 1, 4 * GIB},      {"DC2s_v3", "DC2ds_v3", 2, 8 * GIB},
        {"DC4s_v3", "DC4ds_v3", 4, 16 * GIB},     {"DC8s_v3", "DC8ds_v3", 8, 32 * GIB},
        {"DC16s_v3", "DC16ds_v3", 16, 64 * GIB},  {"DC24s_v3", "DC24ds_v3", 24, 128 * GIB},
        {"DC32s_v3", "DC32ds_v3", 32, 192 * GIB}, {"DC48s_v3", "DC48ds_v3", 48, 256 * GIB},
    };
    (void)state;
    check_vms(CELLA_SIZE_TABLE_DCSV3, cases, sizeof(cases) / sizeof(cases[0]));
    assert_string_equal(cella_size_table_family_name(CELLA_SIZE_TABLE_DCSV3), "DCsv3/DCdsv3");
}

static void dcsv2_sizes_have_the_listed_epc_in_mib(void **state)
{
    static const struct vm_case cases[] = {
        {"DC1s_v2", NULL, 1, 28 * MIB},
        {"DC2s_v2", NULL, 2, 56 * MIB},
        {"DC4s_v2", NULL, 4, 112 * MIB},
        {"DC8_v2", NULL, 8, 168 * MIB},
    };
    (void)state;
    check_vms(CELLA_SIZE_TABLE_DCSV2, cases, sizeof(cases) / sizeof(cases[0]));
    assert_string_equal(cella_size_table_family_name(CELLA_SIZE_TABLE_DCSV2), "DCsv2");
}

static void an_unknown_family_has_no_sizes_and_no_name(void **state)
{
    static const cella_size_table_vm_t sentinel = {"sentinel", NULL, 0, 0};
    const cella_size_table_vm_t *vms = &sentinel;

    (void)state;
    assert_int_equal(cella_size_table_get_vms((cella_size_table_family_t)2, &vms), 0);
    assert_null(vms);
    assert_int_equal(cella_size_table_get_vms(CELLA_SIZE_TABLE_DCSV3, NULL), 0);
    assert_string_equal(cella_size_table_family_name((cella_size_table_family_t)2), "unknown");
    assert_string_equal(cella_size_table_family_name((cella_size_table_family_t)-1), "unknown");
}

static void parse_headroom_reads_factors_from_one_to_ten(void **state)
{
    static const struct {
        const char *text;
        uint32_t headroom;
    } cases[] = {
        {"1", 1000},   {"1.0", 1000},   {"1.25", 1250}, {"1.250", 1250},   {"1.005", 1005},
        {"2.5", 2500}, {"9.999", 9999}, {"10", 10000},  {"10.000", 10000}, {"01.5", 1500},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t headroom = UNTOUCHED_HEADROOM;
        assert_int_equal(cella_size_table_parse_headroom(cases[i].text, &headroom), CELLA_OK);
        assert_int_equal(headroom, cases[i].headroom);
    }
}

static void parse_headroom_refuses_other_text_and_factors_out_of_range(void **state)
{
    static const char *const cases[] = {
        "",     "0",    "0.999", "10.001", "11",     "100000000000000000000",
        "1.",   ".5",   "+1.5",  "-1",     "1.2345", "1e0",
        " 1.5", "1.5 ", "1,25",  "1.2.3",  "abc",    "0x2",
        "1.5x",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t headroom = UNTOUCHED_HEADROOM;
        assert_int_equal(cella_size_table_parse_headroom(cases[i], &headroom),
                         CELLA_ERR_INVALID_FORMAT);
        assert_int_equal(headroom, UNTOUCHED_HEADROOM);
    }
    {
        uint32_t headroom = UNTOUCHED_HEADROOM;
        assert_int_equal(cella_size_table_parse_headroom(NULL, &headroom),
                         CELLA_ERR_INVALID_ARGUMENT);
        assert_int_equal(headroom, UNTOUCHED_HEADROOM);
        assert_int_equal(cella_size_table_parse_headroom("1.25", NULL), CELLA_ERR_INVALID_ARGUMENT);
    }
}

struct choice_case {
    const char *what;
    cella_size_table_family_t family;
    uint64_t footprint_size;
    uint32_t instance_count;
    uint32_t headroom;
    const char *vm;
    uint64_t needed_size;
    bool has_headroom;
    bool fits;
    bool is_near_limit;
};

/* 838860 pages x 4096 x 1.25 = 4294963200 bytes, just within DC1s_v3's 4 GiB. */
#define BOUNDARY_SIZE (838860ull * 4096)

static void choose_picks_the_smallest_size_with_the_headroom(void **state)
{
    static const struct choice_case cases[] = {
        {"a small enclave", CELLA_SIZE_TABLE_DCSV3, 192512, 1, 1250, "DC1s_v3", 240640, true, true,
         false},
        {"a small enclave", CELLA_SIZE_TABLE_DCSV2, 192512, 1, 1250, "DC1s_v2", 240640, true, true,
         false},
        {"the last page that fits 4 GiB with 1.25", CELLA_SIZE_TABLE_DCSV3, BOUNDARY_SIZE, 1, 1250,
         "DC1s_v3", 4294963200, true, true, false},
        {"one page more", CELLA_SIZE_TABLE_DCSV3, BOUNDARY_SIZE + 4096, 1, 1250, "DC2s_v3",
         4294968320, true, true, false},
        {"exactly 4 GiB without headroom", CELLA_SIZE_TABLE_DCSV3, 4 * GIB, 1, 1000, "DC1s_v3",
         4 * GIB, true, true, true},
        {"a byte more", CELLA_SIZE_TABLE_DCSV3, 4 * GIB + 1, 1, 1000, "DC2s_v3", 4 * GIB + 1, true,
         true, false},
        {"two instances of 2 GiB", CELLA_SIZE_TABLE_DCSV3, 2 * GIB, 2, 1000, "DC1s_v3", 4 * GIB,
         true, true, true},
        {"three instances of 2 GiB", CELLA_SIZE_TABLE_DCSV3, 2 * GIB, 3, 1000, "DC2s_v3", 6 * GIB,
         true, true, false},
        {"headroom 2 doubles the need", CELLA_SIZE_TABLE_DCSV3, 3 * GIB, 1, 2000, "DC2s_v3",
         6 * GIB, true, true, false},
        {"needed rounds up to a byte", CELLA_SIZE_TABLE_DCSV2, 1, 1, 1001, "DC1s_v2", 2, true, true,
         false},
        {"a 256 MiB heap on DCsv2", CELLA_SIZE_TABLE_DCSV2, 256 * MIB + 278528, 1, 1250, "DC8_v2",
         335892480, false, false, true},
        {"a 256 MiB heap on DCsv3", CELLA_SIZE_TABLE_DCSV3, 256 * MIB + 278528, 1, 1250, "DC1s_v3",
         335892480, true, true, false},
        {"fits DC8_v2 without the headroom", CELLA_SIZE_TABLE_DCSV2, 150 * MIB, 1, 1250, "DC8_v2",
         196608000, false, true, false},
        {"fits DC8_v2 barely", CELLA_SIZE_TABLE_DCSV2, 160 * MIB, 1, 1250, "DC8_v2", 209715200,
         false, true, true},
        {"exactly 90% of 28 MiB is not above it", CELLA_SIZE_TABLE_DCSV2, 26424115, 1, 1000,
         "DC1s_v2", 26424115, true, true, false},
        {"a byte above 90% of 28 MiB", CELLA_SIZE_TABLE_DCSV2, 26424116, 1, 1000, "DC1s_v2",
         26424116, true, true, true},
        {"more than the largest DCsv3", CELLA_SIZE_TABLE_DCSV3, 300 * GIB, 1, 1000, "DC48s_v3",
         300 * GIB, false, false, true},
        {"the most headroom", CELLA_SIZE_TABLE_DCSV3, 1 * GIB, 1, 10000, "DC4s_v3", 10 * GIB, true,
         true, false},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct choice_case *c = &cases[i];
        cella_size_table_choice_t choice;
        memset(&choice, 0, sizeof(choice));
        print_message("case: %s\n", c->what);
        assert_int_equal(cella_size_table_choose(c->family, c->footprint_size, c->instance_count,
                                                 c->headroom, &choice),
                         CELLA_OK);
        assert_non_null(choice.vm);
        assert_string_equal(choice.vm->name, c->vm);
        assert_int_equal(choice.footprint_size, c->footprint_size * c->instance_count);
        assert_int_equal(choice.needed_size, c->needed_size);
        assert_int_equal(choice.has_headroom, c->has_headroom);
        assert_int_equal(choice.fits, c->fits);
        assert_int_equal(choice.is_near_limit, c->is_near_limit);
    }
}

static void choose_refuses_bad_arguments_and_overflow(void **state)
{
    static const struct {
        const char *what;
        cella_size_table_family_t family;
        uint64_t footprint_size;
        uint32_t instance_count;
        uint32_t headroom;
        cella_result_t result;
    } cases[] = {
        {"an unknown family", (cella_size_table_family_t)2, 4096, 1, 1250,
         CELLA_ERR_INVALID_ARGUMENT},
        {"no instance", CELLA_SIZE_TABLE_DCSV3, 4096, 0, 1250, CELLA_ERR_INVALID_ARGUMENT},
        {"headroom below 1.0", CELLA_SIZE_TABLE_DCSV3, 4096, 1, 999, CELLA_ERR_INVALID_ARGUMENT},
        {"headroom above 10", CELLA_SIZE_TABLE_DCSV3, 4096, 1, 10001, CELLA_ERR_INVALID_ARGUMENT},
        {"instances overflow", CELLA_SIZE_TABLE_DCSV3, UINT64_MAX / 2 + 1, 2, 1000,
         CELLA_ERR_OVERFLOW},
        {"headroom overflows", CELLA_SIZE_TABLE_DCSV3, UINT64_MAX / 1000 + 1, 1, 1000,
         CELLA_ERR_OVERFLOW},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_size_table_choice_t choice;
        memset(&choice, 0x5a, sizeof(choice));
        print_message("case: %s\n", cases[i].what);
        assert_int_equal(cella_size_table_choose(cases[i].family, cases[i].footprint_size,
                                                 cases[i].instance_count, cases[i].headroom,
                                                 &choice),
                         cases[i].result);
        assert_int_equal(choice.footprint_size, 0x5a5a5a5a5a5a5a5aull);
    }
    assert_int_equal(cella_size_table_choose(CELLA_SIZE_TABLE_DCSV3, 4096, 1, 1250, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dcsv3_sizes_have_the_listed_epc_in_gib),
        cmocka_unit_test(dcsv2_sizes_have_the_listed_epc_in_mib),
        cmocka_unit_test(an_unknown_family_has_no_sizes_and_no_name),
        cmocka_unit_test(parse_headroom_reads_factors_from_one_to_ten),
        cmocka_unit_test(parse_headroom_refuses_other_text_and_factors_out_of_range),
        cmocka_unit_test(choose_picks_the_smallest_size_with_the_headroom),
        cmocka_unit_test(choose_refuses_bad_arguments_and_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
