/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_key.h: the EGETKEY key request and its SVN and ID types, with the SGX SDK's names. */
#ifndef CELLA_SGX_KEY_H
#define CELLA_SGX_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "../cella/defs.h"
#include "sgx_attributes.h"

CELLA_EXTERN_C_BEGIN

/*
 * These structures are declared as the SGX SDK declares them, without packing: natural
 * alignment already gives the architectural offsets (asserted after each one), and code that
 * takes the address of a field compiles as it does against the SDK.
 */

/* KEYREQUEST.KEYNAME: which key EGETKEY derives. */
#define SGX_KEYSELECT_EINITTOKEN     0x0000 /* launch-token key (launch enclave only) */
#define SGX_KEYSELECT_PROVISION      0x0001 /* provisioning key (needs SGX_FLAGS_PROVISION_KEY) */
#define SGX_KEYSELECT_PROVISION_SEAL 0x0002 /* provisioning seal key */
#define SGX_KEYSELECT_REPORT         0x0003 /* report key: checks reports targeted at this enclave */
#define SGX_KEYSELECT_SEAL           0x0004 /* seal key */

/* KEYREQUEST.KEYPOLICY: which identity values are mixed into the derived key. */
#define SGX_KEYPOLICY_MRENCLAVE    0x0001 /* bind to MRENCLAVE */
#define SGX_KEYPOLICY_MRSIGNER     0x0002 /* bind to MRSIGNER */
#define SGX_KEYPOLICY_NOISVPRODID  0x0004 /* do not mix in ISVPRODID (treated as 0) */
#define SGX_KEYPOLICY_CONFIGID     0x0008 /* bind to CONFIGID and CONFIGSVN (KSS) */
#define SGX_KEYPOLICY_ISVFAMILYID  0x0010 /* bind to ISVFAMILYID (KSS) */
#define SGX_KEYPOLICY_ISVEXTPRODID 0x0020 /* bind to ISVEXTPRODID (KSS) */

#define SGX_KEYID_SIZE    32 /* bytes of sgx_key_id_t */
#define SGX_CPUSVN_SIZE   16 /* bytes of sgx_cpu_svn_t */
#define SGX_CONFIGID_SIZE 64 /* bytes of sgx_config_id_t */

/* Bytes of the trailing reserved field of sgx_key_request_t. */
#define SGX_KEY_REQUEST_RESERVED2_BYTES 434

/* A 128-bit key as EGETKEY returns it. */
typedef uint8_t sgx_key_128bit_t[16];

/* The enclave's security version (ISVSVN, from SIGSTRUCT). */
typedef uint16_t sgx_isv_svn_t;

/* The configuration's security version (CONFIGSVN, KSS). */
typedef uint16_t sgx_config_svn_t;

/* The configuration ID chosen at enclave creation (CONFIGID, KSS). */
typedef uint8_t sgx_config_id_t[SGX_CONFIGID_SIZE];

/* The CPU's security version (microcode and hardware TCB). */
typedef struct sgx_cpu_svn {
    uint8_t svn[SGX_CPUSVN_SIZE]; /* 0: opaque; compared byte by byte */
} sgx_cpu_svn_t;

CELLA_STATIC_ASSERT(sizeof(sgx_cpu_svn_t) == SGX_CPUSVN_SIZE, "sgx_cpu_svn_t is 16 bytes");

/* Key wear-out value: a random ID that makes every derived key distinct. */
typedef struct sgx_key_id {
    uint8_t id[SGX_KEYID_SIZE]; /* 0: random bytes */
} sgx_key_id_t;

CELLA_STATIC_ASSERT(sizeof(sgx_key_id_t) == SGX_KEYID_SIZE, "sgx_key_id_t is 32 bytes");

/* KEYREQUEST, 512 bytes: the input of EGETKEY. */
typedef struct sgx_key_request {
    uint16_t key_name;                                  /* 0: SGX_KEYSELECT_* */
    uint16_t key_policy;                                /* 2: SGX_KEYPOLICY_* bits */
    sgx_isv_svn_t isv_svn;                              /* 4: at most the enclave's ISVSVN */
    uint16_t reserved1;                                 /* 6: must be zero */
    sgx_cpu_svn_t cpu_svn;                              /* 8: at most the platform's CPUSVN */
    sgx_attributes_t attribute_mask;                    /* 24: attributes bound into the key */
    sgx_key_id_t key_id;                                /* 40: key wear-out value */
    sgx_misc_select_t misc_mask;                        /* 72: MISCSELECT bits bound into the key */
    sgx_config_svn_t config_svn;                        /* 76: at most the enclave's CONFIGSVN */
    uint8_t reserved2[SGX_KEY_REQUEST_RESERVED2_BYTES]; /* 78: must be zero */
} sgx_key_request_t;

CELLA_STATIC_ASSERT(sizeof(sgx_key_request_t) == 512, "sgx_key_request_t is 512 bytes");
CELLA_STATIC_ASSERT(offsetof(sgx_key_request_t, isv_svn) == 4, "key_request.isv_svn at 4");
CELLA_STATIC_ASSERT(offsetof(sgx_key_request_t, cpu_svn) == 8, "key_request.cpu_svn at 8");
CELLA_STATIC_ASSERT(offsetof(sgx_key_request_t, attribute_mask) == 24,
                    "key_request.attribute_mask at 24");
CELLA_STATIC_ASSERT(offsetof(sgx_key_request_t, key_id) == 40, "key_request.key_id at 40");
CELLA_STATIC_ASSERT(offsetof(sgx_key_request_t, misc_mask) == 72, "key_request.misc_mask at 72");
CELLA_STATIC_ASSERT(offsetof(sgx_key_request_t, config_svn) == 76, "key_request.config_svn at 76");
CELLA_STATIC_ASSERT(offsetof(sgx_key_request_t, reserved2) == 78, "key_request.reserved2 at 78");

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_KEY_H */
