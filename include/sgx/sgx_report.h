/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_report.h: SGX reports, report bodies and target info, with the SGX SDK's names. */
#ifndef CELLA_SGX_REPORT_H
#define CELLA_SGX_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../cella/defs.h"
#include "sgx_attributes.h"
#include "sgx_key.h"

CELLA_EXTERN_C_BEGIN

/*
 * These structures are declared as the SGX SDK declares them, without packing: natural
 * alignment already gives the architectural offsets (asserted after each one), and code that
 * takes the address of a field compiles as it does against the SDK.
 */

#define SGX_HASH_SIZE           32 /* a measurement: SHA-256 */
#define SGX_MAC_SIZE            16 /* a report MAC: AES-128-CMAC */
#define SGX_REPORT_DATA_SIZE    64 /* caller data bound into a report */
#define SGX_ISVEXT_PROD_ID_SIZE 16 /* bytes of sgx_isvext_prod_id_t */
#define SGX_ISV_FAMILY_ID_SIZE  16 /* bytes of sgx_isvfamily_id_t */

/* Sizes of the reserved fields of sgx_target_info_t and sgx_report_body_t. */
#define SGX_TARGET_INFO_RESERVED1_BYTES 2
#define SGX_TARGET_INFO_RESERVED2_BYTES 8
#define SGX_TARGET_INFO_RESERVED3_BYTES 384
#define SGX_REPORT_BODY_RESERVED1_BYTES 12
#define SGX_REPORT_BODY_RESERVED2_BYTES 32
#define SGX_REPORT_BODY_RESERVED3_BYTES 32
#define SGX_REPORT_BODY_RESERVED4_BYTES 42

/* A measurement register value (MRENCLAVE or MRSIGNER). */
typedef struct sgx_measurement {
    uint8_t m[SGX_HASH_SIZE]; /* 0: SHA-256 digest */
} sgx_measurement_t;

CELLA_STATIC_ASSERT(sizeof(sgx_measurement_t) == SGX_HASH_SIZE, "sgx_measurement_t is 32 bytes");

/* The MAC over a report body. */
typedef uint8_t sgx_mac_t[SGX_MAC_SIZE];

/* Data the reporting enclave binds into its report (usually a hash of a key or nonce). */
typedef struct sgx_report_data {
    uint8_t d[SGX_REPORT_DATA_SIZE]; /* 0: opaque caller data */
} sgx_report_data_t;

CELLA_STATIC_ASSERT(sizeof(sgx_report_data_t) == SGX_REPORT_DATA_SIZE,
                    "sgx_report_data_t is 64 bytes");

/* The enclave's product ID (ISVPRODID, from SIGSTRUCT). */
typedef uint16_t sgx_prod_id_t;

/* The extended product ID (ISVEXTPRODID, KSS). */
typedef uint8_t sgx_isvext_prod_id_t[SGX_ISVEXT_PROD_ID_SIZE];

/* The product family ID (ISVFAMILYID, KSS). */
typedef uint8_t sgx_isvfamily_id_t[SGX_ISV_FAMILY_ID_SIZE];

/* TARGETINFO, 512 bytes: the enclave a report is made for (the one that can check its MAC). */
typedef struct sgx_target_info {
    sgx_measurement_t mr_enclave;                       /* 0: target's MRENCLAVE */
    sgx_attributes_t attributes;                        /* 32: target's attributes */
    uint8_t reserved1[SGX_TARGET_INFO_RESERVED1_BYTES]; /* 48: must be zero */
    sgx_config_svn_t config_svn;                        /* 50: target's CONFIGSVN */
    sgx_misc_select_t misc_select;                      /* 52: target's MISCSELECT */
    uint8_t reserved2[SGX_TARGET_INFO_RESERVED2_BYTES]; /* 56: must be zero */
    sgx_config_id_t config_id;                          /* 64: target's CONFIGID */
    uint8_t reserved3[SGX_TARGET_INFO_RESERVED3_BYTES]; /* 128: must be zero */
} sgx_target_info_t;

CELLA_STATIC_ASSERT(sizeof(sgx_target_info_t) == 512, "sgx_target_info_t is 512 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_target_info_t, attributes) == 32, "target_info.attributes at 32");
CELLA_STATIC_ASSERT(offsetof(sgx_target_info_t, config_svn) == 50, "target_info.config_svn at 50");
CELLA_STATIC_ASSERT(offsetof(sgx_target_info_t, misc_select) == 52,
                    "target_info.misc_select at 52");
CELLA_STATIC_ASSERT(offsetof(sgx_target_info_t, config_id) == 64, "target_info.config_id at 64");
CELLA_STATIC_ASSERT(offsetof(sgx_target_info_t, reserved3) == 128, "target_info.reserved3 at 128");

/* REPORT body, 384 bytes: the reporting enclave's identity; also the body of a quote. */
typedef struct sgx_report_body {
    sgx_cpu_svn_t cpu_svn;                              /* 0: platform CPUSVN */
    sgx_misc_select_t misc_select;                      /* 16: enclave MISCSELECT */
    uint8_t reserved1[SGX_REPORT_BODY_RESERVED1_BYTES]; /* 20: zero */
    sgx_isvext_prod_id_t isv_ext_prod_id;               /* 32: ISVEXTPRODID (KSS) */
    sgx_attributes_t attributes;                        /* 48: flags @48, xfrm @56 */
    sgx_measurement_t mr_enclave;                       /* 64: MRENCLAVE */
    uint8_t reserved2[SGX_REPORT_BODY_RESERVED2_BYTES]; /* 96: zero */
    sgx_measurement_t mr_signer;                        /* 128: MRSIGNER, SHA-256 of the modulus */
    uint8_t reserved3[SGX_REPORT_BODY_RESERVED3_BYTES]; /* 160: zero */
    sgx_config_id_t config_id;                          /* 192: CONFIGID (KSS) */
    sgx_prod_id_t isv_prod_id;                          /* 256: ISVPRODID */
    sgx_isv_svn_t isv_svn;                              /* 258: ISVSVN */
    sgx_config_svn_t config_svn;                        /* 260: CONFIGSVN (KSS) */
    uint8_t reserved4[SGX_REPORT_BODY_RESERVED4_BYTES]; /* 262: zero */
    sgx_isvfamily_id_t isv_family_id;                   /* 304: ISVFAMILYID (KSS) */
    sgx_report_data_t report_data;                      /* 320: caller-supplied data */
} sgx_report_body_t;

CELLA_STATIC_ASSERT(sizeof(sgx_report_body_t) == 384, "sgx_report_body_t is 384 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, misc_select) == 16,
                    "report_body.misc_select at 16");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, isv_ext_prod_id) == 32,
                    "report_body.isv_ext_prod_id at 32");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, attributes) == 48, "report_body.attributes at 48");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, mr_enclave) == 64, "report_body.mr_enclave at 64");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, mr_signer) == 128, "report_body.mr_signer at 128");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, config_id) == 192, "report_body.config_id at 192");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, isv_prod_id) == 256,
                    "report_body.isv_prod_id at 256");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, isv_svn) == 258, "report_body.isv_svn at 258");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, config_svn) == 260,
                    "report_body.config_svn at 260");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, isv_family_id) == 304,
                    "report_body.isv_family_id at 304");
CELLA_STATIC_ASSERT(offsetof(sgx_report_body_t, report_data) == 320,
                    "report_body.report_data at 320");

/* REPORT, 432 bytes: a body MAC'd with the target enclave's report key. */
typedef struct sgx_report {
    sgx_report_body_t body; /* 0: the reporting enclave's identity */
    sgx_key_id_t key_id;    /* 384: key wear-out value used to derive the report key */
    sgx_mac_t mac;          /* 416: AES-128-CMAC of body under the target's report key */
} sgx_report_t;

CELLA_STATIC_ASSERT(sizeof(sgx_report_t) == 432, "sgx_report_t is 432 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_report_t, key_id) == 384, "report.key_id at 384");
CELLA_STATIC_ASSERT(offsetof(sgx_report_t, mac) == 416, "report.mac at 416");

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_REPORT_H */
