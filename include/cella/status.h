/* SPDX-License-Identifier: Apache-2.0 */
/* cella/status.h: what SGX and DCAP status codes mean, and how they map to cella's results. */
#ifndef CELLA_STATUS_H
#define CELLA_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "result.h"
#include "../sgx/sgx_error.h"

CELLA_EXTERN_C_BEGIN

/*
 * One status code, sgx_status_t or quote3_error_t, described for people.
 * All strings are static and never NULL.
 */
typedef struct cella_status_info {
    uint32_t code;       /* numeric value, e.g. 0x2006 */
    const char *name;    /* SDK name, e.g. "SGX_ERROR_NO_DEVICE" */
    const char *meaning; /* one line: what the code says happened */
    const char *remedy;  /* one line: what usually fixes it; "" when there is no advice */
} cella_status_info_t;

/*
 * Describes a status code.
 *   code: an sgx_status_t or quote3_error_t value; 0 is SGX_SUCCESS (and SGX_QL_SUCCESS).
 * Returns the code's entry (static storage, never freed), or NULL if the code is unknown.
 * Thread safe.
 */
CELLA_API const cella_status_info_t *cella_status_lookup(uint32_t code);

/*
 * Describes a status code given by its exact, case-sensitive SDK name: "SGX_ERROR_*",
 * "SGX_QL_*", or one of DCAP's "TEE_*" aliases of the SGX_QL_ names.
 *   name: NUL-terminated; NULL is treated as unknown.
 * Returns the entry for the name's value, or NULL if the name is unknown. An alias returns
 * the entry of its value, whose name is the table's (TEE_SUCCESS gives SGX_SUCCESS).
 * Thread safe.
 */
CELLA_API const cella_status_info_t *cella_status_lookup_name(const char *name);

/* Number of entries in the table; entries are sorted by code, each code once. */
CELLA_API size_t cella_status_count(void);

/*
 * The entry at position index, 0 <= index < cella_status_count(), in ascending code order.
 * Returns NULL when index is out of range.
 */
CELLA_API const cella_status_info_t *cella_status_at(size_t index);

/*
 * The sgx_status_t an SGX-compatible entry point returns for a cella result. CELLA_OK gives
 * SGX_SUCCESS. Codes SGX has no equivalent for take the code the SDK uses in that case:
 * CELLA_ERR_BUFFER_TOO_SMALL and CELLA_ERR_OVERFLOW give SGX_ERROR_INVALID_PARAMETER,
 * CELLA_ERR_IO gives SGX_ERROR_UNEXPECTED. Every other result maps to its own code and back
 * through cella_result_from_sgx_status(). An unknown value gives SGX_ERROR_UNEXPECTED.
 */
CELLA_API sgx_status_t cella_result_to_sgx_status(cella_result_t result);

/*
 * The cella result closest to an SGX status. Also accepts quote3_error_t values (cast to
 * sgx_status_t). SGX_SUCCESS gives CELLA_OK; an unknown code gives CELLA_ERR_UNEXPECTED.
 */
CELLA_API cella_result_t cella_result_from_sgx_status(sgx_status_t status);

CELLA_EXTERN_C_END

#endif /* CELLA_STATUS_H */
