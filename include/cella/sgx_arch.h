/* SPDX-License-Identifier: Apache-2.0 */
/* cella/sgx_arch.h: SGX CPU structures outside the SDK headers: SIGSTRUCT, SECS, SECINFO, TCS. */
#ifndef CELLA_SGX_ARCH_H
#define CELLA_SGX_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "../sgx/sgx_attributes.h"
#include "../sgx/sgx_key.h"
#include "../sgx/sgx_report.h"
#include "defs.h"

CELLA_EXTERN_C_BEGIN

/* The SGX page size; EPC pages, SECS and TCS are one page each. */
#define CELLA_PAGE_BYTES 4096

/* MISCSELECT bit 0: the CPU saves #PF/#GP details in the SSA frame's MISC region. */
#define CELLA_MISCSELECT_EXINFO 0x00000001U

/* ------------------------------------------------------------------------------------------ */
/* SIGSTRUCT                                                                                  */
/* ------------------------------------------------------------------------------------------ */

#define CELLA_SIGSTRUCT_BYTES         1808 /* sizeof(cella_sigstruct_t) */
#define CELLA_SIGSTRUCT_HEADER_BYTES  12   /* cella_sigstruct_t.header */
#define CELLA_SIGSTRUCT_HEADER2_BYTES 16   /* cella_sigstruct_t.header2 */
#define CELLA_SIGSTRUCT_KEY_BYTES     384  /* RSA-3072: modulus, signature, q1, q2 */

/* The constant HEADER bytes, as an initializer for uint8_t[12]. */
#define CELLA_SIGSTRUCT_HEADER                                                 \
    {                                                                          \
        0x06, 0x00, 0x00, 0x00, 0xE1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 \
    }

/* The constant HEADER2 bytes, as an initializer for uint8_t[16]. */
#define CELLA_SIGSTRUCT_HEADER2                                                                   \
    {                                                                                             \
        0x01, 0x01, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, \
            0x00                                                                                  \
    }

#define CELLA_SIGSTRUCT_TYPE_DEBUG   0x80000000U /* TYPE bit 31: signed for debug only */
#define CELLA_SIGSTRUCT_VENDOR_INTEL 0x00008086U /* MODULEVENDOR of Intel-signed enclaves */
#define CELLA_SIGSTRUCT_EXPONENT     3U          /* the only RSA public exponent SGX accepts */

/*
 * The signed message is SIGSTRUCT bytes [0, 128) followed by [900, 1028): 256 bytes,
 * signed with RSASSA-PKCS1-v1_5, SHA-256, RSA-3072, e = 3.
 */
#define CELLA_SIGSTRUCT_SIGNED_HEADER_OFFSET 0
#define CELLA_SIGSTRUCT_SIGNED_HEADER_BYTES  128
#define CELLA_SIGSTRUCT_SIGNED_BODY_OFFSET   900
#define CELLA_SIGSTRUCT_SIGNED_BODY_BYTES    128
#define CELLA_SIGSTRUCT_SIGNED_BYTES         256

/*
 * SIGSTRUCT, 1808 bytes: the enclave signer's statement of the enclave's identity, checked
 * by EINIT. Big numbers (modulus, signature, q1, q2) are stored little-endian: the
 * big-endian output of an RSA library is byte-reversed into these fields.
 */
typedef struct CELLA_PACKED cella_sigstruct {
    uint8_t header[CELLA_SIGSTRUCT_HEADER_BYTES];   /* 0: CELLA_SIGSTRUCT_HEADER */
    uint32_t type;                                  /* 12: bit 31 = CELLA_SIGSTRUCT_TYPE_DEBUG */
    uint32_t module_vendor;                         /* 16: 0, or 0x8086 for Intel */
    uint32_t date;                                  /* 20: yyyymmdd in BCD, e.g. 0x20230414 */
    uint8_t header2[CELLA_SIGSTRUCT_HEADER2_BYTES]; /* 24: CELLA_SIGSTRUCT_HEADER2 */
    uint32_t hw_version;                            /* 40: 0 for application enclaves */
    uint8_t reserved1[84];                          /* 44: zero */
    uint8_t modulus[CELLA_SIGSTRUCT_KEY_BYTES];     /* 128: RSA modulus, little-endian */
    uint32_t exponent;                              /* 512: RSA public exponent, 3 */
    uint8_t signature[CELLA_SIGSTRUCT_KEY_BYTES];   /* 516: RSA signature, little-endian */
    sgx_misc_select_t misc_select;                  /* 900: MISCSELECT the enclave runs with */
    sgx_misc_select_t misc_mask;                    /* 904: MISCSELECT bits EINIT enforces */
    uint8_t reserved2[4];                           /* 908: zero */
    sgx_isvfamily_id_t isv_family_id;               /* 912: ISVFAMILYID (KSS) */
    sgx_attributes_t attributes;                    /* 928: attributes the enclave runs with */
    sgx_attributes_t attribute_mask;                /* 944: attribute bits EINIT enforces */
    sgx_measurement_t enclave_hash;                 /* 960: expected MRENCLAVE */
    uint8_t reserved3[16];                          /* 992: zero */
    sgx_isvext_prod_id_t isv_ext_prod_id;           /* 1008: ISVEXTPRODID (KSS) */
    sgx_prod_id_t isv_prod_id;                      /* 1024: ISVPRODID */
    sgx_isv_svn_t isv_svn;                          /* 1026: ISVSVN */
    uint8_t reserved4[12];                          /* 1028: zero */
    uint8_t q1[CELLA_SIGSTRUCT_KEY_BYTES];          /* 1040: floor(s^2 / n), little-endian */
    uint8_t q2[CELLA_SIGSTRUCT_KEY_BYTES];          /* 1424: floor((s^3 - q1*s*n) / n), LE */
} cella_sigstruct_t;

CELLA_STATIC_ASSERT(sizeof(cella_sigstruct_t) == CELLA_SIGSTRUCT_BYTES, "SIGSTRUCT is 1808 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, type) == 12, "sigstruct.type at 12");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, date) == 20, "sigstruct.date at 20");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, header2) == 24, "sigstruct.header2 at 24");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, hw_version) == 40, "sigstruct.hw_version at 40");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, modulus) ==
                        CELLA_SIGSTRUCT_SIGNED_HEADER_OFFSET + CELLA_SIGSTRUCT_SIGNED_HEADER_BYTES,
                    "the signed header ends where the modulus starts (128)");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, exponent) == 512, "sigstruct.exponent at 512");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, signature) == 516, "sigstruct.signature at 516");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, misc_select) == CELLA_SIGSTRUCT_SIGNED_BODY_OFFSET,
                    "the signed body starts at misc_select (900)");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, isv_family_id) == 912,
                    "sigstruct.isv_family_id at 912");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, attributes) == 928, "sigstruct.attributes at 928");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, enclave_hash) == 960,
                    "sigstruct.enclave_hash at 960");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, isv_ext_prod_id) == 1008,
                    "sigstruct.isv_ext_prod_id at 1008");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, isv_prod_id) == 1024,
                    "sigstruct.isv_prod_id at 1024");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, reserved4) ==
                        CELLA_SIGSTRUCT_SIGNED_BODY_OFFSET + CELLA_SIGSTRUCT_SIGNED_BODY_BYTES,
                    "the signed body ends after isv_svn (1028)");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, q1) == 1040, "sigstruct.q1 at 1040");
CELLA_STATIC_ASSERT(offsetof(cella_sigstruct_t, q2) == 1424, "sigstruct.q2 at 1424");

/* ------------------------------------------------------------------------------------------ */
/* SECS                                                                                       */
/* ------------------------------------------------------------------------------------------ */

#define CELLA_SECS_BYTES CELLA_PAGE_BYTES /* sizeof(cella_secs_t) */

/* SECS, 4096 bytes: the enclave control structure ECREATE takes and EINIT completes. */
typedef struct CELLA_PACKED cella_secs {
    uint64_t size;                 /* 0: enclave size in bytes, a power of two */
    uint64_t base;                 /* 8: enclave base address, aligned to size */
    uint32_t ssa_frame_size;       /* 16: SSA frame size in pages */
    sgx_misc_select_t misc_select; /* 20: MISCSELECT */
    uint8_t reserved1[24];         /* 24: zero */
    sgx_attributes_t attributes;   /* 48: attributes */
    sgx_measurement_t mr_enclave;  /* 64: MRENCLAVE, final after EINIT */
    uint8_t reserved2[32];         /* 96: zero */
    sgx_measurement_t mr_signer;   /* 128: MRSIGNER, set by EINIT */
    uint8_t reserved3[32];         /* 160: zero */
    sgx_config_id_t config_id;     /* 192: CONFIGID (KSS) */
    sgx_prod_id_t isv_prod_id;     /* 256: ISVPRODID, set by EINIT */
    sgx_isv_svn_t isv_svn;         /* 258: ISVSVN, set by EINIT */
    sgx_config_svn_t config_svn;   /* 260: CONFIGSVN (KSS) */
    uint8_t reserved4[3834];       /* 262: zero */
} cella_secs_t;

CELLA_STATIC_ASSERT(sizeof(cella_secs_t) == CELLA_SECS_BYTES, "SECS is 4096 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, ssa_frame_size) == 16, "secs.ssa_frame_size at 16");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, misc_select) == 20, "secs.misc_select at 20");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, attributes) == 48, "secs.attributes at 48");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, mr_enclave) == 64, "secs.mr_enclave at 64");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, mr_signer) == 128, "secs.mr_signer at 128");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, config_id) == 192, "secs.config_id at 192");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, isv_prod_id) == 256, "secs.isv_prod_id at 256");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, config_svn) == 260, "secs.config_svn at 260");
CELLA_STATIC_ASSERT(offsetof(cella_secs_t, reserved4) == 262, "secs.reserved4 at 262");

/* ------------------------------------------------------------------------------------------ */
/* SECINFO                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* SECINFO.FLAGS permission and state bits. */
#define CELLA_SECINFO_R        0x01ULL /* readable */
#define CELLA_SECINFO_W        0x02ULL /* writable */
#define CELLA_SECINFO_X        0x04ULL /* executable */
#define CELLA_SECINFO_PENDING  0x08ULL /* added by EAUG, awaiting EACCEPT (SGX2) */
#define CELLA_SECINFO_MODIFIED 0x10ULL /* type changed by EMODT, awaiting EACCEPT (SGX2) */
#define CELLA_SECINFO_PR       0x20ULL /* permissions restricted by EMODPR (SGX2) */

/* SECINFO.FLAGS bits 15:8 hold the page type. */
#define CELLA_SECINFO_PAGE_TYPE_SHIFT 8
#define CELLA_SECINFO_PAGE_TYPE_MASK  0xFF00ULL

#define CELLA_PAGE_TYPE_SECS 0 /* the SECS */
#define CELLA_PAGE_TYPE_TCS  1 /* a thread control structure */
#define CELLA_PAGE_TYPE_REG  2 /* a regular page: code or data */
#define CELLA_PAGE_TYPE_VA   3 /* a version array page */
#define CELLA_PAGE_TYPE_TRIM 4 /* a page being removed (SGX2) */

/* SECINFO.FLAGS bits for page type t, e.g. CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG). */
#define CELLA_SECINFO_PAGE_TYPE(t) ((uint64_t)(t) << CELLA_SECINFO_PAGE_TYPE_SHIFT)

/* SECINFO, 64 bytes: page type and permissions given to EADD, EACCEPT and EMODPR. */
typedef struct CELLA_PACKED cella_secinfo {
    uint64_t flags;       /* 0: CELLA_SECINFO_* bits and the page type */
    uint8_t reserved[56]; /* 8: zero */
} cella_secinfo_t;

CELLA_STATIC_ASSERT(sizeof(cella_secinfo_t) == 64, "SECINFO is 64 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_secinfo_t, reserved) == 8, "secinfo.reserved at 8");

/* ------------------------------------------------------------------------------------------ */
/* TCS                                                                                        */
/* ------------------------------------------------------------------------------------------ */

#define CELLA_TCS_BYTES CELLA_PAGE_BYTES /* sizeof(cella_tcs_t) */

/* TCS.FLAGS bits. */
#define CELLA_TCS_FLAGS_DBGOPTIN  0x01ULL /* a debugger may single-step and break in this thread */
#define CELLA_TCS_FLAGS_AEXNOTIFY 0x02ULL /* deliver AEX-Notify on asynchronous exits */

/* TCS, 4096 bytes: one enclave thread's entry point, SSA stack and segment bases. */
typedef struct CELLA_PACKED cella_tcs {
    uint64_t state;         /* 0: execution state, reserved to the CPU; zero when added */
    uint64_t flags;         /* 8: CELLA_TCS_FLAGS_* */
    uint64_t ossa;          /* 16: offset of the SSA stack from the enclave base */
    uint32_t cssa;          /* 24: current SSA frame index */
    uint32_t nssa;          /* 28: number of SSA frames */
    uint64_t oentry;        /* 32: offset of the entry point from the enclave base */
    uint64_t aep;           /* 40: asynchronous exit pointer saved by EENTER */
    uint64_t ofsbasgx;      /* 48: FS base offset from the enclave base while inside */
    uint64_t ogsbasgx;      /* 56: GS base offset from the enclave base while inside */
    uint32_t fslimit;       /* 64: FS segment limit (32-bit mode only) */
    uint32_t gslimit;       /* 68: GS segment limit (32-bit mode only) */
    uint8_t reserved[4024]; /* 72: zero */
} cella_tcs_t;

CELLA_STATIC_ASSERT(sizeof(cella_tcs_t) == CELLA_TCS_BYTES, "TCS is 4096 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, ossa) == 16, "tcs.ossa at 16");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, cssa) == 24, "tcs.cssa at 24");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, nssa) == 28, "tcs.nssa at 28");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, oentry) == 32, "tcs.oentry at 32");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, aep) == 40, "tcs.aep at 40");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, ofsbasgx) == 48, "tcs.ofsbasgx at 48");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, ogsbasgx) == 56, "tcs.ogsbasgx at 56");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, fslimit) == 64, "tcs.fslimit at 64");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, gslimit) == 68, "tcs.gslimit at 68");
CELLA_STATIC_ASSERT(offsetof(cella_tcs_t, reserved) == 72, "tcs.reserved at 72");

/* ------------------------------------------------------------------------------------------ */
/* MRENCLAVE records                                                                          */
/* ------------------------------------------------------------------------------------------ */

/*
 * MRENCLAVE is SHA-256 over a stream of 64-byte records in load order: one ECREATE, then
 * per page one EADD, and for a measured page 16 EEXTEND records, each followed by the
 * 256 data bytes it covers. Tags are the ASCII names as little-endian u64.
 */
#define CELLA_MRENCLAVE_RECORD_BYTES        64
#define CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES 256
#define CELLA_MRENCLAVE_EEXTENDS_PER_PAGE   (CELLA_PAGE_BYTES / CELLA_MRENCLAVE_EEXTEND_CHUNK_BYTES)
#define CELLA_MRENCLAVE_SECINFO_BYTES       48 /* SECINFO bytes an EADD record covers */

#define CELLA_MRENCLAVE_TAG_ECREATE 0x0045544145524345ULL /* "ECREATE\0" */
#define CELLA_MRENCLAVE_TAG_EADD    0x0000000044444145ULL /* "EADD\0\0\0\0" */
#define CELLA_MRENCLAVE_TAG_EEXTEND 0x00444E4554584545ULL /* "EEXTEND\0" */

/* The ECREATE record: first in the stream. */
typedef struct CELLA_PACKED cella_mrenclave_ecreate {
    uint64_t tag;            /* 0: CELLA_MRENCLAVE_TAG_ECREATE */
    uint32_t ssa_frame_size; /* 8: SECS.SSAFRAMESIZE in pages */
    uint64_t size;           /* 12: SECS.SIZE in bytes */
    uint8_t reserved[44];    /* 20: zero */
} cella_mrenclave_ecreate_t;

CELLA_STATIC_ASSERT(sizeof(cella_mrenclave_ecreate_t) == CELLA_MRENCLAVE_RECORD_BYTES,
                    "ECREATE record is 64 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_mrenclave_ecreate_t, size) == 12, "ECREATE size at 12");

/* The EADD record: one per added page. */
typedef struct CELLA_PACKED cella_mrenclave_eadd {
    uint64_t tag;           /* 0: CELLA_MRENCLAVE_TAG_EADD */
    uint64_t offset;        /* 8: page offset from the enclave base */
    uint64_t secinfo_flags; /* 16: SECINFO.FLAGS of the page */
    uint8_t reserved[40];   /* 24: rest of SECINFO bytes 0-47: zero */
} cella_mrenclave_eadd_t;

CELLA_STATIC_ASSERT(sizeof(cella_mrenclave_eadd_t) == CELLA_MRENCLAVE_RECORD_BYTES,
                    "EADD record is 64 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_mrenclave_eadd_t, secinfo_flags) == 16, "EADD flags at 16");

/* The EEXTEND record: one per measured 256-byte chunk, followed by the chunk's bytes. */
typedef struct CELLA_PACKED cella_mrenclave_eextend {
    uint64_t tag;         /* 0: CELLA_MRENCLAVE_TAG_EEXTEND */
    uint64_t offset;      /* 8: chunk offset from the enclave base */
    uint8_t reserved[48]; /* 16: zero */
} cella_mrenclave_eextend_t;

CELLA_STATIC_ASSERT(sizeof(cella_mrenclave_eextend_t) == CELLA_MRENCLAVE_RECORD_BYTES,
                    "EEXTEND record is 64 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_mrenclave_eextend_t, offset) == 8, "EEXTEND offset at 8");

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_ARCH_H */
