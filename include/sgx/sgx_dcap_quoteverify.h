/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_dcap_quoteverify.h: DCAP quote verification, the SDK's API, on cella's verifier. */
#ifndef CELLA_SGX_DCAP_QUOTEVERIFY_H
#define CELLA_SGX_DCAP_QUOTEVERIFY_H

#include <stdint.h>
/* time_t, as in the SDK's prototype. */
#include <time.h>

#include "../cella/defs.h"
#include "sgx_ql_lib_common.h"
#include "sgx_qve_header.h"

CELLA_EXTERN_C_BEGIN

/*
 * The collateral of one quote, as a PCCS or Intel's PCS serve it (the SDK's
 * sgx_ql_lib_common.h type). Every pointer comes with its size in bytes; strings may count
 * their terminating NUL. version 3.0: the CRLs are hex-encoded DER (PEM is accepted too);
 * version 3.1: raw DER.
 */
#ifndef CELLA_SGX_QL_QVE_COLLATERAL_DEFINED
#define CELLA_SGX_QL_QVE_COLLATERAL_DEFINED
typedef struct _sgx_ql_qve_collateral_t {
    union {
        uint32_t version; /* major_version in the low 16 bits, minor_version in the high */
        struct {
            uint16_t major_version;
            uint16_t minor_version;
        };
    };
    uint32_t tee_type;          /* 0x00000000 SGX, 0x00000081 TDX */
    char *pck_crl_issuer_chain; /* PEM: the PCK CA, the root */
    uint32_t pck_crl_issuer_chain_size;
    char *root_ca_crl; /* the root CA's CRL */
    uint32_t root_ca_crl_size;
    char *pck_crl; /* the PCK CA's CRL */
    uint32_t pck_crl_size;
    char *tcb_info_issuer_chain; /* PEM: the TCB Signing certificate, the root */
    uint32_t tcb_info_issuer_chain_size;
    char *tcb_info; /* the signed TCB Info JSON */
    uint32_t tcb_info_size;
    char *qe_identity_issuer_chain; /* PEM: the TCB Signing certificate, the root */
    uint32_t qe_identity_issuer_chain_size;
    char *qe_identity; /* the signed QE Identity JSON */
    uint32_t qe_identity_size;
} sgx_ql_qve_collateral_t;
#endif

/* Target info and nonce for a report of Intel's QvE enclave; cella has no QvE (see below). */
struct _sgx_ql_qe_report_info_t;
typedef struct _sgx_ql_qe_report_info_t sgx_ql_qe_report_info_t;

/*
 * The size of sgx_ql_qv_supplemental_t, for the supplemental_data_size of
 * sgx_qv_verify_quote(). Returns SGX_QL_SUCCESS and *p_data_size;
 * SGX_QL_ERROR_INVALID_PARAMETER (NULL). Thread safe.
 */
CELLA_API quote3_error_t sgx_qv_get_quote_supplemental_data_size(uint32_t *p_data_size);

/*
 * Verifies an SGX quote v3 (ECDSA P-256, certification data type 5: the PCK chain) with
 * collateral, in this process (the SDK's "QVL" mode), trusting Intel's SGX Root CA only and
 * requiring both CRLs, at expiration_check_date: every certificate, CRL, TCB Info and QE
 * Identity must be valid then. (Intel's library may still return OK for collateral that
 * expired, with *p_collateral_expiration_status 1; cella refuses it.) Nothing is fetched:
 * the caller supplies the collateral (a PCCS, or cella_collateral_source_get()).
 *   p_quote, quote_size:           the quote.
 *   p_quote_collateral:            version 3.0 or 3.1, tee_type SGX (0); required.
 *   expiration_check_date:         the verification time, seconds since the epoch; take it
 *                                  from a trusted clock.
 *   p_collateral_expiration_status: receives 0 when nothing had expired at
 *                                  expiration_check_date, 1 otherwise (also when that
 *                                  cannot be told).
 *   p_quote_verification_result:   receives the verdict (sgx_qve_header.h): OK or a
 *                                  non-terminal status when the quote verified;
 *                                  INVALID_SIGNATURE for a signature, key binding or
 *                                  certificate chain that does not verify; REVOKED; else
 *                                  UNSPECIFIED. The log (cella/log.h) says which check refused.
 *   p_qve_report_info:             must be NULL: cella has no QvE enclave to report on the
 *                                  verification.
 *   supplemental_data_size, p_supplemental_data: optional; both 0/NULL, or a buffer of
 *                                  exactly sgx_qv_get_quote_supplemental_data_size() bytes.
 * Returns SGX_QL_SUCCESS whenever a verdict was reached, verified or not (check
 * *p_quote_verification_result); SGX_QL_ERROR_INVALID_PARAMETER (NULL or inconsistent
 * arguments, no collateral, another tee_type); SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED;
 * SGX_QL_CRL_UNSUPPORTED_FORMAT (a CRL not in its version's encoding);
 * SGX_QL_QUOTE_FORMAT_UNSUPPORTED (not an SGX quote v3 from Intel's QE);
 * SGX_QL_QUOTE_CERTIFICATION_DATA_UNSUPPORTED (no PCK chain in the quote);
 * SGX_QL_UNABLE_TO_GENERATE_REPORT (p_qve_report_info given); SGX_QL_ERROR_OUT_OF_MEMORY;
 * SGX_QL_ERROR_UNEXPECTED. On any return but SGX_QL_SUCCESS the outputs hold UNSPECIFIED
 * and 1 when their pointers were given. Thread safe.
 */
CELLA_API quote3_error_t sgx_qv_verify_quote(
    const uint8_t *p_quote, uint32_t quote_size,
    const struct _sgx_ql_qve_collateral_t *p_quote_collateral, const time_t expiration_check_date,
    uint32_t *p_collateral_expiration_status, sgx_ql_qv_result_t *p_quote_verification_result,
    sgx_ql_qe_report_info_t *p_qve_report_info, uint32_t supplemental_data_size,
    uint8_t *p_supplemental_data);

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_DCAP_QUOTEVERIFY_H */
