/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/size_table.h: Azure SGX VM sizes by EPC, and the smallest one an enclave fits. */
#ifndef CELLA_TOOLS_SIZE_TABLE_H
#define CELLA_TOOLS_SIZE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/defs.h>
#include <cella/result.h>

CELLA_EXTERN_C_BEGIN

/*
 * The EPC of each VM size, as Azure lists it per size: DCsv3/DCdsv3 in GiB (4 to 256),
 * DCsv2 in MiB (28 to 168). EPC is the enclave page cache, not the VM's RAM, which is
 * larger (a DC1s_v3 has 8 GB of RAM and 4 GiB of EPC). Sizes are what the enclaves commit
 * in the EPC, not their virtual (SECS.SIZE) size.
 */

/* A family of VM sizes. */
typedef enum cella_size_table_family {
    CELLA_SIZE_TABLE_DCSV3 = 0, /* DCsv3 and DCdsv3: Xeon Platinum 8370C (Ice Lake) */
    CELLA_SIZE_TABLE_DCSV2 = 1, /* DCsv2: Xeon E-2288G, SGX1 */
} cella_size_table_family_t;

#define CELLA_SIZE_TABLE_FAMILY_COUNT 2

/* One VM size. */
typedef struct cella_size_table_vm {
    const char *name;      /* "DC1s_v3" */
    const char *disk_name; /* the same size with a temporary disk ("DC1ds_v3"), or NULL */
    uint32_t cpu_count;    /* cores (DCsv3) or vCPUs (DCsv2) */
    uint64_t epc_size;     /* bytes of EPC */
} cella_size_table_vm_t;

/* Headroom factors in thousandths: 1.0 to 10, 1.25 by default. */
#define CELLA_SIZE_TABLE_HEADROOM_MIN     1000u
#define CELLA_SIZE_TABLE_HEADROOM_MAX     10000u
#define CELLA_SIZE_TABLE_HEADROOM_DEFAULT 1250u

/* A footprint above this share of a size's EPC leaves too little for anything else. */
#define CELLA_SIZE_TABLE_NEAR_LIMIT_PERCENT 90u

/* The family's name ("DCsv3/DCdsv3", "DCsv2"); "unknown" for a value out of range. */
const char *cella_size_table_family_name(cella_size_table_family_t family);

/*
 * The family's sizes, smallest EPC first, into *vms (static storage).
 * Returns how many there are; 0 (and *vms = NULL) for a family out of range or a NULL vms.
 * Thread safe.
 */
size_t cella_size_table_get_vms(cella_size_table_family_t family,
                                const cella_size_table_vm_t **vms);

/*
 * Parses text as a headroom factor from 1.0 to 10: digits, optionally a dot and one to
 * three more digits ("1", "1.25", "10.0"), nothing else, into *headroom (thousandths).
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT for anything else, or a factor outside 1.0 to
 * 10; CELLA_ERR_INVALID_ARGUMENT for NULL pointers. *headroom is written only on success.
 * Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_size_table_parse_headroom(const char *text,
                                                                uint32_t *headroom);

/* The size chosen in a family for a footprint (cella_size_table_choose()). */
typedef struct cella_size_table_choice {
    uint64_t footprint_size; /* the EPC all instances commit: footprint x instances, bytes */
    uint64_t needed_size;    /* footprint_size x headroom, rounded up to a byte */
    const cella_size_table_vm_t *vm; /* smallest with EPC >= needed_size, else the largest */
    bool has_headroom;               /* vm->epc_size >= needed_size */
    bool fits;                       /* vm->epc_size >= footprint_size (else EPC paging) */
    bool is_near_limit; /* footprint_size above CELLA_SIZE_TABLE_NEAR_LIMIT_PERCENT % of EPC */
} cella_size_table_choice_t;

/*
 * Chooses the smallest size of family whose EPC is at least footprint_size x
 * instance_count x headroom / 1000 bytes; when none is, the largest size, with has_headroom
 * false (and fits false when even footprint_size x instance_count exceeds its EPC).
 *   footprint_size: the EPC one enclave commits, bytes.
 *   instance_count: enclaves on one VM, at least 1.
 *   headroom:       thousandths, CELLA_SIZE_TABLE_HEADROOM_MIN to _MAX.
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT for a NULL choice, a family out of range,
 * instance_count 0 or headroom out of range; CELLA_ERR_OVERFLOW when the product does not
 * fit in 64 bits. *choice is written only on success. Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_size_table_choose(cella_size_table_family_t family,
                                                        uint64_t footprint_size,
                                                        uint32_t instance_count, uint32_t headroom,
                                                        cella_size_table_choice_t *choice);

CELLA_EXTERN_C_END

#endif /* CELLA_TOOLS_SIZE_TABLE_H */
