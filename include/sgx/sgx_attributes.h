/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_attributes.h: enclave attributes (flags, XFRM) and MISCSELECT with the SGX SDK's names.
 */
#ifndef CELLA_SGX_ATTRIBUTES_H
#define CELLA_SGX_ATTRIBUTES_H

#include <stddef.h>
#include <stdint.h>

#include "../cella/defs.h"

CELLA_EXTERN_C_BEGIN

/*
 * These structures are declared as the SGX SDK declares them, without packing: natural
 * alignment already gives the architectural offsets (asserted after each one), and code that
 * takes the address of a field compiles as it does against the SDK.
 */

/*
 * ATTRIBUTES.FLAGS bits. They are part of every SECS, SIGSTRUCT, report and key request;
 * the report of an initialised enclave always has INITTED set.
 */
#define SGX_FLAGS_INITTED        0x0000000000000001ULL /* set by EINIT */
#define SGX_FLAGS_DEBUG          0x0000000000000002ULL /* debug enclave: memory readable by a debugger */
#define SGX_FLAGS_MODE64BIT      0x0000000000000004ULL /* 64-bit enclave */
#define SGX_FLAGS_PROVISION_KEY  0x0000000000000010ULL /* may request PROVISION keys */
#define SGX_FLAGS_EINITTOKEN_KEY 0x0000000000000020ULL /* may request the EINITTOKEN key */
#define SGX_FLAGS_KSS            0x0000000000000080ULL /* Key Separation and Sharing enabled */
#define SGX_FLAGS_AEX_NOTIFY     0x0000000000000400ULL /* AEX-Notify enabled */
#define SGX_FLAGS_NON_CHECK_BITS \
    0x00FF000000000000ULL /* bits 48-55: not checked against SIGSTRUCT */

/* Every flag bit that has no defined meaning. */
#define SGX_FLAGS_RESERVED                                                                   \
    (~(SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG | SGX_FLAGS_MODE64BIT | SGX_FLAGS_PROVISION_KEY | \
       SGX_FLAGS_EINITTOKEN_KEY | SGX_FLAGS_KSS | SGX_FLAGS_AEX_NOTIFY))

/* ATTRIBUTES.XFRM: the XSAVE feature set the enclave runs with. */
#define SGX_XFRM_LEGACY 0x0000000000000003ULL /* x87 and SSE state; always required */
#define SGX_XFRM_AVX    0x0000000000000006ULL /* AVX (with the SSE state it needs) */
#define SGX_XFRM_AVX512 0x00000000000000E6ULL /* AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM, AVX) */
#define SGX_XFRM_MPX    0x0000000000000018ULL /* MPX bound registers; not supported */
#define SGX_XFRM_PKRU   0x0000000000000200ULL /* protection-key rights register */
#define SGX_XFRM_AMX    0x0000000000060000ULL /* AMX tile configuration and tile data */

/* Every XFRM bit outside the feature sets above. */
#define SGX_XFRM_RESERVED \
    (~(SGX_XFRM_LEGACY | SGX_XFRM_AVX | SGX_XFRM_AVX512 | SGX_XFRM_PKRU | SGX_XFRM_AMX))

/* ATTRIBUTES, 16 bytes. */
typedef struct sgx_attributes {
    uint64_t flags; /* 0: SGX_FLAGS_* bits */
    uint64_t xfrm;  /* 8: SGX_XFRM_* bits */
} sgx_attributes_t;

CELLA_STATIC_ASSERT(sizeof(sgx_attributes_t) == 16, "sgx_attributes_t is 16 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_attributes_t, flags) == 0, "sgx_attributes_t.flags at 0");
CELLA_STATIC_ASSERT(offsetof(sgx_attributes_t, xfrm) == 8, "sgx_attributes_t.xfrm at 8");

/* MISCSELECT: which extra information the CPU saves in the SSA frame on an exit. */
typedef uint32_t sgx_misc_select_t;

/*
 * An enclave's attributes together with its MISCSELECT, as sgx_create_enclave reports them.
 * Not a hardware structure: laid out as the SGX SDK lays it out (natural alignment, 24 bytes),
 * so code that passes it to sgx_create_enclave keeps its binary layout.
 */
typedef struct sgx_misc_attribute {
    sgx_attributes_t secs_attr;    /* 0: the SECS attributes */
    sgx_misc_select_t misc_select; /* 16: the SECS MISCSELECT */
} sgx_misc_attribute_t;

CELLA_STATIC_ASSERT(sizeof(sgx_misc_attribute_t) == 24, "sgx_misc_attribute_t is 24 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_misc_attribute_t, misc_select) == 16,
                    "sgx_misc_attribute_t.misc_select at 16");

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_ATTRIBUTES_H */
