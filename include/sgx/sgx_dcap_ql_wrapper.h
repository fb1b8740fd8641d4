/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_dcap_ql_wrapper.h: DCAP quote generation, the SDK's API, by cella's software QE. */
#ifndef CELLA_SGX_DCAP_QL_WRAPPER_H
#define CELLA_SGX_DCAP_QL_WRAPPER_H

#include <stdint.h>

#include "../cella/defs.h"
#include "../cella/result.h"
#include "sgx_ql_lib_common.h"
#include "sgx_quote_3.h"
#include "sgx_report.h"

CELLA_EXTERN_C_BEGIN

/*
 * The flow is the SDK's:
 *
 *   1. host:    sgx_qe_get_target_info(&qe_target_info);
 *   2. enclave: sgx_create_report(&qe_target_info, &report_data, &report), report_data
 *               binding what the enclave wants to prove (a key, a nonce);
 *   3. host:    sgx_qe_get_quote_size(&size); quote = malloc(size);
 *   4. host:    sgx_qe_get_quote(&report, size, quote): a v3 ECDSA P-256 quote with the
 *               PCK certificate chain as certification data (type 5).
 *
 * In cella the quoting enclave is played by the party that holds the platform secrets, the
 * same party that made the enclave's report:
 *   - dev mode and the sim backend: this process, with the platform secrets of the user's
 *     state directory (CELLA_STATE_DIR, else $XDG_STATE_HOME/cella, else
 *     ~/.local/state/cella), the ones the user's monitors use; they are read, and the
 *     platform's keys and certificates made, on the first call and kept until the process
 *     ends;
 *   - service mode (CELLA_PLATFORM_SOCKET set, or cella_dcap_ql_set_platform_socket()):
 *     cella-platformd, with its own secrets, which the application cannot read; every
 *     sgx_qe_get_quote_size and sgx_qe_get_quote call is one request to it.
 * The quotes chain to the platform's own software-TEE root (`cella platform export` writes it
 * with the collateral) and carry cella's QE vendor ID, never Intel's: a verifier accepts them
 * only when given that root. Errors are explained in the log (cella/log.h).
 */

/* Whether the QE stays loaded between requests (sgx_qe_set_enclave_load_policy). */
#ifndef CELLA_SGX_QL_REQUEST_POLICY_DEFINED
#define CELLA_SGX_QL_REQUEST_POLICY_DEFINED
typedef enum {
    SGX_QL_PERSISTENT = 0,                  /* load once, keep loaded (the default) */
    SGX_QL_EPHEMERAL = 1,                   /* load and unload for every request */
    SGX_QL_DEFAULT = 0,                     /* SGX_QL_PERSISTENT */
    SGX_QL_EPHEMERAL_QVE_MULTI_THREAD = 2,  /* quote verification only */
    SGX_QL_PERSISTENT_QVE_MULTI_THREAD = 3, /* quote verification only */
} sgx_ql_request_policy_t;
#endif

/*
 * Accepted for compatibility: cella's QE is no enclave to load, so either policy behaves the
 * same. Returns SGX_QL_SUCCESS for SGX_QL_PERSISTENT and SGX_QL_EPHEMERAL;
 * SGX_QL_UNSUPPORTED_LOADING_POLICY for the others.
 */
CELLA_API quote3_error_t sgx_qe_set_enclave_load_policy(sgx_ql_request_policy_t policy);

/*
 * The QE's target info: what an enclave passes to sgx_create_report. The QE's identity is
 * the same on every cella platform, so this asks no one. Returns SGX_QL_SUCCESS;
 * SGX_QL_ERROR_INVALID_PARAMETER (NULL). Thread safe.
 */
CELLA_API quote3_error_t sgx_qe_get_target_info(sgx_target_info_t *p_qe_target_info);

/*
 * The size of the quote sgx_qe_get_quote writes (the same for every report).
 * Returns SGX_QL_SUCCESS; SGX_QL_ERROR_INVALID_PARAMETER (NULL); SGX_QL_ERROR_OUT_OF_MEMORY;
 * SGX_QL_ERROR_UNEXPECTED (the platform secrets cannot be read: the log says why);
 * SGX_QL_SERVICE_UNAVAILABLE (service mode: cella-platformd cannot be reached). Thread safe.
 */
CELLA_API quote3_error_t sgx_qe_get_quote_size(uint32_t *p_quote_size);

/*
 * Turns p_app_report, made by an enclave on this platform for the QE's target info, into a
 * quote in the first sgx_qe_get_quote_size() bytes of p_quote (quote_size may be larger).
 * The report's MAC is checked first: a report made for another target, on another
 * platform, or changed in any byte gives no quote.
 * Returns SGX_QL_SUCCESS; SGX_QL_ERROR_INVALID_PARAMETER (NULL, quote_size too small);
 * SGX_QL_INVALID_REPORT (the MAC does not verify); SGX_QL_ERROR_OUT_OF_MEMORY;
 * SGX_QL_ERROR_UNEXPECTED; SGX_QL_SERVICE_UNAVAILABLE (service mode). Thread safe.
 */
CELLA_API quote3_error_t sgx_qe_get_quote(const sgx_report_t *p_app_report, uint32_t quote_size,
                                          uint8_t *p_quote);

/*
 * Accepted for compatibility: there is no QE enclave to unload. The platform's keys stay in
 * this process (dev mode) until it ends. Returns SGX_QL_SUCCESS.
 */
CELLA_API quote3_error_t sgx_qe_cleanup_by_policy(void);

/*
 * cella's addition: quote through the cella-platformd listening on the Unix socket at path
 * (service mode), as an application does that chooses the socket in code
 * (cella_enclave_options_t.platform_socket) rather than with CELLA_PLATFORM_SOCKET. NULL or
 * "": follow CELLA_PLATFORM_SOCKET again (dev mode when it is unset). Returns CELLA_OK;
 * CELLA_ERR_INVALID_ARGUMENT (longer than a socket path can be). Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_dcap_ql_set_platform_socket(const char *path);

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_DCAP_QL_WRAPPER_H */
