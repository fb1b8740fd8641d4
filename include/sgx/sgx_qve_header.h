/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_qve_header.h: the DCAP SDK's quote verification verdict and supplemental data. */
#ifndef CELLA_SGX_QVE_HEADER_H
#define CELLA_SGX_QVE_HEADER_H

#include <stddef.h>
#include <stdint.h>
/* time_t: the SDK's supplemental data and verification time are time_t, so callers pass
 * time(NULL) as they do with Intel's library. */
#include <time.h>

#include "../cella/defs.h"
#include "sgx_key.h"

CELLA_EXTERN_C_BEGIN

/* Builds a verification result; the non-OK results live at 0xA001..0xA0FF. */
#define SGX_QL_QV_MK_ERROR(x) (0x0000A000 | (x))
#define TEE_QV_MK_ERROR(x)    SGX_QL_QV_MK_ERROR(x)

/*
 * The verdict of sgx_qv_verify_quote(). OK and the non-terminal results (CONFIG_NEEDED,
 * OUT_OF_DATE, OUT_OF_DATE_CONFIG_NEEDED, SW_HARDENING_NEEDED,
 * CONFIG_AND_SW_HARDENING_NEEDED) mean the quote verified and say how current the platform
 * is: accepting any of them but OK is the relying party's policy. INVALID_SIGNATURE, REVOKED
 * and UNSPECIFIED mean it did not verify.
 */
typedef enum {
    SGX_QL_QV_RESULT_OK = 0x0000, /* TCB status UpToDate */
    SGX_QL_QV_RESULT_MIN = SGX_QL_QV_MK_ERROR(0x0001),
    SGX_QL_QV_RESULT_CONFIG_NEEDED = SGX_QL_QV_MK_ERROR(0x0001), /* ConfigurationNeeded */
    SGX_QL_QV_RESULT_OUT_OF_DATE = SGX_QL_QV_MK_ERROR(0x0002),   /* OutOfDate */
    SGX_QL_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED = SGX_QL_QV_MK_ERROR(0x0003),
    SGX_QL_QV_RESULT_INVALID_SIGNATURE = SGX_QL_QV_MK_ERROR(0x0004),   /* a signature or chain */
    SGX_QL_QV_RESULT_REVOKED = SGX_QL_QV_MK_ERROR(0x0005),             /* TCB or PCK revoked */
    SGX_QL_QV_RESULT_UNSPECIFIED = SGX_QL_QV_MK_ERROR(0x0006),         /* any other failure */
    SGX_QL_QV_RESULT_SW_HARDENING_NEEDED = SGX_QL_QV_MK_ERROR(0x0007), /* SWHardeningNeeded */
    SGX_QL_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED = SGX_QL_QV_MK_ERROR(0x0008),
    SGX_QL_QV_RESULT_TD_RELAUNCH_ADVISED = SGX_QL_QV_MK_ERROR(0x0009),               /* TDX only */
    SGX_QL_QV_RESULT_TD_RELAUNCH_ADVISED_CONFIG_NEEDED = SGX_QL_QV_MK_ERROR(0x000A), /* TDX */
    SGX_QL_QV_RESULT_MAX = SGX_QL_QV_MK_ERROR(0x00FF),
} sgx_ql_qv_result_t;

/* The TEE_ names are aliases with the same values, used by newer DCAP code. */
#define TEE_QV_RESULT_OK                             SGX_QL_QV_RESULT_OK
#define TEE_QV_RESULT_MIN                            SGX_QL_QV_RESULT_MIN
#define TEE_QV_RESULT_CONFIG_NEEDED                  SGX_QL_QV_RESULT_CONFIG_NEEDED
#define TEE_QV_RESULT_OUT_OF_DATE                    SGX_QL_QV_RESULT_OUT_OF_DATE
#define TEE_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED      SGX_QL_QV_RESULT_OUT_OF_DATE_CONFIG_NEEDED
#define TEE_QV_RESULT_INVALID_SIGNATURE              SGX_QL_QV_RESULT_INVALID_SIGNATURE
#define TEE_QV_RESULT_REVOKED                        SGX_QL_QV_RESULT_REVOKED
#define TEE_QV_RESULT_UNSPECIFIED                    SGX_QL_QV_RESULT_UNSPECIFIED
#define TEE_QV_RESULT_SW_HARDENING_NEEDED            SGX_QL_QV_RESULT_SW_HARDENING_NEEDED
#define TEE_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED SGX_QL_QV_RESULT_CONFIG_AND_SW_HARDENING_NEEDED
#define TEE_QV_RESULT_TD_RELAUNCH_ADVISED            SGX_QL_QV_RESULT_TD_RELAUNCH_ADVISED
#define TEE_QV_RESULT_TD_RELAUNCH_ADVISED_CONFIG_NEEDED \
    SGX_QL_QV_RESULT_TD_RELAUNCH_ADVISED_CONFIG_NEEDED
#define TEE_QV_RESULT_MAX SGX_QL_QV_RESULT_MAX

/* A flag of a PCK certificate that may be absent (Platform CA certificates only). */
typedef enum {
    PCK_FLAG_FALSE = 0,
    PCK_FLAG_TRUE = 1,
    PCK_FLAG_UNDEFINED = 2,
} pck_cert_flag_enum_t;

#define ROOT_KEY_ID_SIZE          48 /* SHA-384 of the root CA's public key */
#define PLATFORM_INSTANCE_ID_SIZE 16
#define MAX_SA_LIST_SIZE          320 /* the advisory IDs, comma-separated, NUL-terminated */

/* The supplemental data version this library writes: 3.3, the layout below. */
#define SUPPLEMENTAL_DATA_VERSION            3
#define SUPPLEMENTAL_V3_LATEST_MINOR_VERSION 3

/*
 * What a verification found beyond its verdict, for a relying party's own policy: sized by
 * sgx_qv_get_quote_supplemental_data_size(), filled by sgx_qv_verify_quote(). Natural
 * alignment, as the SDK lays it out. Fields cella cannot know are zero, or
 * PCK_FLAG_UNDEFINED for the flags.
 */
typedef struct _sgx_ql_qv_supplemental_t {
    union {
        uint32_t version; /* major_version in the low 16 bits, minor_version in the high */
        struct {
            uint16_t major_version;
            uint16_t minor_version;
        };
    };
    time_t earliest_issue_date; /* of every certificate, CRL and signed document used */
    time_t latest_issue_date;
    time_t earliest_expiration_date; /* the verdict holds until then */
    time_t tcb_level_date_tag;       /* the tcbDate of the platform's TCB level */
    uint32_t pck_crl_num;            /* CRL numbers of the PCK CA's and the root CA's CRLs */
    uint32_t root_ca_crl_num;
    uint32_t tcb_eval_ref_num; /* the TCB Info's tcbEvaluationDataNumber */
    uint8_t root_key_id[ROOT_KEY_ID_SIZE];
    sgx_key_128bit_t pck_ppid;    /* from the PCK certificate's SGX extension */
    sgx_cpu_svn_t tcb_cpusvn;     /* the certified CPUSVN */
    sgx_isv_svn_t tcb_pce_isvsvn; /* the certified PCESVN */
    uint16_t pce_id;
    uint32_t tee_type; /* 0x00000000 SGX, 0x00000081 TDX */
    uint8_t sgx_type;  /* 0 Standard, 1 Scalable, 2 Scalable with integrity */
    uint8_t platform_instance_id[PLATFORM_INSTANCE_ID_SIZE];
    pck_cert_flag_enum_t dynamic_platform;
    pck_cert_flag_enum_t cached_keys;
    pck_cert_flag_enum_t smt_enabled;
    char sa_list[MAX_SA_LIST_SIZE];     /* platform and QE advisory IDs, e.g. "INTEL-SA-00615" */
    time_t qe_iden_earliest_issue_date; /* of the QE Identity and its issuer chain */
    time_t qe_iden_latest_issue_date;
    time_t qe_iden_earliest_expiration_date;
    time_t qe_iden_tcb_level_date_tag; /* the tcbDate of the QE's TCB level */
    uint32_t qe_iden_tcb_eval_ref_num;
    sgx_ql_qv_result_t qe_iden_status; /* the QE's own TCB status */
} sgx_ql_qv_supplemental_t;

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_QVE_HEADER_H */
