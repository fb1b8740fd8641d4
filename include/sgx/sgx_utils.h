/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_utils.h: reports and keys for enclave code (EREPORT, EGETKEY), with the SDK's names. */
#ifndef CELLA_SGX_UTILS_H
#define CELLA_SGX_UTILS_H

#include <stddef.h>
#include <stdint.h>

#include "sgx_defs.h"
#include "sgx_error.h"
#include "sgx_key.h"
#include "sgx_report.h"

CELLA_EXTERN_C_BEGIN

/*
 * A report of the calling enclave (EREPORT): its identity as the platform measured it, with
 * report_data, MAC'd so that only the enclave target_info describes can verify it. NULL
 * target_info or report_data stand for zeros. Every non-NULL pointer must lie inside the
 * enclave (SGX_ERROR_INVALID_PARAMETER otherwise).
 */
sgx_status_t sgx_create_report(const sgx_target_info_t *target_info,
                               const sgx_report_data_t *report_data, sgx_report_t *report);

/*
 * Checks that report was made for the calling enclave on this platform: its MAC under this
 * enclave's report key. SGX_SUCCESS; SGX_ERROR_MAC_MISMATCH (made for another enclave, on
 * another platform, or modified); SGX_ERROR_INVALID_PARAMETER (NULL or not inside the
 * enclave). A verified report proves who made it; the caller still checks its identity
 * fields and report_data.
 */
sgx_status_t sgx_verify_report(const sgx_report_t *report);

/*
 * EGETKEY: a 128-bit key of the calling enclave, chosen by key_request (key name, policy,
 * SVNs no higher than the enclave's and the platform's, attribute and MISCSELECT masks,
 * key ID). Both pointers must lie inside the enclave. SGX_SUCCESS;
 * SGX_ERROR_INVALID_PARAMETER (reserved fields not zero, unknown policy bits, KSS policies
 * without KSS); SGX_ERROR_INVALID_KEYNAME; SGX_ERROR_INVALID_ATTRIBUTE; SGX_ERROR_INVALID_ISVSVN;
 * SGX_ERROR_INVALID_CPUSVN; SGX_ERROR_UNEXPECTED (the platform secrets are unavailable: the
 * host's log says why).
 */
sgx_status_t sgx_get_key(const sgx_key_request_t *key_request, sgx_key_128bit_t *key);

/* The calling enclave's own report (target and report data zero), made once and kept. NULL
 * if it cannot be made. */
const sgx_report_t *sgx_self_report(void);

/* The target info of the calling enclave, for reports other enclaves make for it. */
sgx_status_t sgx_self_target(sgx_target_info_t *target_info);

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_UTILS_H */
