/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/size_table.c: Azure SGX VM sizes by EPC, and the smallest one an enclave fits. */
#include "size_table.h"

#define MIB (1024ull * 1024ull)
#define GIB (1024ull * MIB)

/* Azure's DCsv3/DCdsv3 sizes: EPC in GiB. The ds variants only add a temporary disk. */
static const cella_size_table_vm_t dcsv3_vms[] = {
    {"DC1s_v3", "DC1ds_v3", 1, 4 * GIB},      {"DC2s_v3", "DC2ds_v3", 2, 8 * GIB},
    {"DC4s_v3", "DC4ds_v3", 4, 16 * GIB},     {"DC8s_v3", "DC8ds_v3", 8, 32 * GIB},
    {"DC16s_v3", "DC16ds_v3", 16, 64 * GIB},  {"DC24s_v3", "DC24ds_v3", 24, 128 * GIB},
    {"DC32s_v3", "DC32ds_v3", 32, 192 * GIB}, {"DC48s_v3", "DC48ds_v3", 48, 256 * GIB},
};

/* Azure's DCsv2 sizes: EPC in MiB. */
static const cella_size_table_vm_t dcsv2_vms[] = {
    {"DC1s_v2", NULL, 1, 28 * MIB},
    {"DC2s_v2", NULL, 2, 56 * MIB},
    {"DC4s_v2", NULL, 4, 112 * MIB},
    {"DC8_v2", NULL, 8, 168 * MIB},
};

static const struct {
    const char *name;
    const cella_size_table_vm_t *vms;
    size_t vm_count;
} families[CELLA_SIZE_TABLE_FAMILY_COUNT] = {
    [CELLA_SIZE_TABLE_DCSV3] = {"DCsv3/DCdsv3", dcsv3_vms,
                                sizeof(dcsv3_vms) / sizeof(dcsv3_vms[0])},
    [CELLA_SIZE_TABLE_DCSV2] = {"DCsv2", dcsv2_vms, sizeof(dcsv2_vms) / sizeof(dcsv2_vms[0])},
};

static bool is_family(cella_size_table_family_t family)
{
    return (unsigned)family < CELLA_SIZE_TABLE_FAMILY_COUNT;
}

const char *cella_size_table_family_name(cella_size_table_family_t family)
{
    return is_family(family) ? families[family].name : "unknown";
}

size_t cella_size_table_get_vms(cella_size_table_family_t family, const cella_size_table_vm_t **vms)
{
    if (vms == NULL)
        return 0;
    if (!is_family(family)) {
        *vms = NULL;
        return 0;
    }
    *vms = families[family].vms;
    return families[family].vm_count;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

cella_result_t cella_size_table_parse_headroom(const char *text, uint32_t *headroom)
{
    uint32_t value = 0;
    size_t i = 0;

    if (text == NULL || headroom == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!is_digit(text[0]))
        return CELLA_ERR_INVALID_FORMAT;
    /* The whole part; anything above the maximum stops here, before it could overflow. */
    for (; is_digit(text[i]); i++) {
        value = value * 10 + (uint32_t)(text[i] - '0');
        if (value > CELLA_SIZE_TABLE_HEADROOM_MAX / 1000)
            return CELLA_ERR_INVALID_FORMAT;
    }
    value *= 1000;
    if (text[i] == '.') {
        uint32_t scale = 100;
        i++;
        if (!is_digit(text[i]))
            return CELLA_ERR_INVALID_FORMAT;
        for (; is_digit(text[i]); i++) {
            if (scale == 0)
                return CELLA_ERR_INVALID_FORMAT; /* a fourth decimal */
            value += scale * (uint32_t)(text[i] - '0');
            scale /= 10;
        }
    }
    if (text[i] != '\0' || value < CELLA_SIZE_TABLE_HEADROOM_MIN ||
        value > CELLA_SIZE_TABLE_HEADROOM_MAX)
        return CELLA_ERR_INVALID_FORMAT;
    *headroom = value;
    return CELLA_OK;
}

cella_result_t cella_size_table_choose(cella_size_table_family_t family, uint64_t footprint_size,
                                       uint32_t instance_count, uint32_t headroom,
                                       cella_size_table_choice_t *choice)
{
    cella_size_table_choice_t chosen;
    const cella_size_table_vm_t *vms;
    size_t vm_count;
    uint64_t scaled;

    if (choice == NULL || !is_family(family) || instance_count == 0 ||
        headroom < CELLA_SIZE_TABLE_HEADROOM_MIN || headroom > CELLA_SIZE_TABLE_HEADROOM_MAX)
        return CELLA_ERR_INVALID_ARGUMENT;
    vms = families[family].vms;
    vm_count = families[family].vm_count;

    /* needed = ceil(footprint x instances x headroom / 1000), in integers so it is exact. */
    if (__builtin_mul_overflow(footprint_size, (uint64_t)instance_count, &chosen.footprint_size) ||
        __builtin_mul_overflow(chosen.footprint_size, (uint64_t)headroom, &scaled))
        return CELLA_ERR_OVERFLOW;
    chosen.needed_size = scaled / 1000 + (scaled % 1000 != 0 ? 1 : 0);

    chosen.vm = &vms[vm_count - 1];
    for (size_t i = 0; i < vm_count; i++) {
        if (vms[i].epc_size >= chosen.needed_size) {
            chosen.vm = &vms[i];
            break;
        }
    }
    chosen.has_headroom = chosen.vm->epc_size >= chosen.needed_size;
    chosen.fits = chosen.vm->epc_size >= chosen.footprint_size;
    /* footprint > 90% of EPC, as footprint x 100 > EPC x 90 (EPC x 90 is far below 2^64). */
    chosen.is_near_limit = __builtin_mul_overflow(chosen.footprint_size, (uint64_t)100, &scaled) ||
                           scaled > chosen.vm->epc_size * CELLA_SIZE_TABLE_NEAR_LIMIT_PERCENT;
    *choice = chosen;
    return CELLA_OK;
}
