/* SPDX-License-Identifier: Apache-2.0 */
/* verify/qvl.h: how cella's verdicts read as the DCAP SDK's results (internal to libcella_verify).
 */
#ifndef CELLA_VERIFY_QVL_H
#define CELLA_VERIFY_QVL_H

#include <cella/collateral.h>
#include <cella/result.h>
#include <cella/verify.h>
#include <sgx/sgx_dcap_quoteverify.h>

/* The SDK's result for a TCB status (UpToDate is SGX_QL_QV_RESULT_OK). */
sgx_ql_qv_result_t cella_qvl_status_result(cella_tcb_status_t status);

/*
 * What sgx_qv_verify_quote() returns for cella_verifier_verify()'s return `verified` and
 * *result, and in *qv_result the verdict: a verified quote gives SGX_QL_SUCCESS and its
 * combined TCB status; a refused one SGX_QL_SUCCESS and INVALID_SIGNATURE (signatures, key
 * binding, PCK chain), REVOKED or UNSPECIFIED, except that a quote cella cannot read gives
 * SGX_QL_QUOTE_FORMAT_UNSUPPORTED or SGX_QL_QUOTE_CERTIFICATION_DATA_UNSUPPORTED (and
 * UNSPECIFIED). Other returns of the verifier give SGX_QL_ERROR_INVALID_PARAMETER,
 * SGX_QL_ERROR_OUT_OF_MEMORY or SGX_QL_ERROR_UNEXPECTED, with UNSPECIFIED.
 */
quote3_error_t cella_qvl_verdict(cella_result_t verified, const cella_verify_result_t *result,
                                 sgx_ql_qv_result_t *qv_result);

#endif /* CELLA_VERIFY_QVL_H */
