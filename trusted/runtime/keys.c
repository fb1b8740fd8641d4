/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/keys.c: EGETKEY and EREPORT for enclave code (sgx_get_key, sgx_create_report). */
#include <stdint.h>
#include <string.h>

#include <sgx_error.h>
#include <sgx_trts.h>
#include <sgx_utils.h>

#include "exit.h"
#include "trts.h"

/*
 * The platform (the monitor, or the sim backend) answers from the identity it measured when
 * it loaded this enclave. Requests and answers stay in enclave memory: the key is written
 * into a private buffer here and copied to the caller's, and both are inside the enclave.
 */
static int32_t platform(uint32_t request, const void *in, size_t in_size, void *out,
                        size_t out_size)
{
    struct trts_thread *thread = cella_trts_current();

    if (thread->ecall_depth == 0 || thread->ops.platform == NULL)
        return SGX_ERROR_UNEXPECTED;
    return (int32_t)(uint32_t)cella_trts_call_out((uintptr_t)thread->ops.platform,
                                                  (uintptr_t)thread->context, request,
                                                  (uintptr_t)in, in_size, (uintptr_t)out, out_size);
}

static void wipe(void *p, size_t size)
{
    memset(p, 0, size);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

sgx_status_t sgx_get_key(const sgx_key_request_t *key_request, sgx_key_128bit_t *key)
{
    sgx_key_request_t request;
    sgx_key_128bit_t derived;

    if (key_request == NULL || key == NULL ||
        !sgx_is_within_enclave(key_request, sizeof(*key_request)) ||
        !sgx_is_within_enclave(key, sizeof(*key)))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&request, key_request, sizeof(request));
    memset(derived, 0, sizeof(derived));
    sgx_status_t status = (sgx_status_t)platform(CELLA_PLATFORM_GET_KEY, &request, sizeof(request),
                                                 derived, sizeof(derived));
    if (status == SGX_SUCCESS)
        memcpy(*key, derived, sizeof(derived));
    wipe(derived, sizeof(derived));
    return status;
}

sgx_status_t sgx_create_report(const sgx_target_info_t *target_info,
                               const sgx_report_data_t *report_data, sgx_report_t *report)
{
    cella_platform_report_in_t in;
    sgx_report_t out;

    if (report == NULL || !sgx_is_within_enclave(report, sizeof(*report)) ||
        (target_info != NULL && !sgx_is_within_enclave(target_info, sizeof(*target_info))) ||
        (report_data != NULL && !sgx_is_within_enclave(report_data, sizeof(*report_data))))
        return SGX_ERROR_INVALID_PARAMETER;
    memset(&in, 0, sizeof(in));
    if (target_info != NULL)
        memcpy(in.target_info, target_info, sizeof(in.target_info));
    if (report_data != NULL)
        memcpy(in.report_data, report_data, sizeof(in.report_data));
    sgx_status_t status =
        (sgx_status_t)platform(CELLA_PLATFORM_CREATE_REPORT, &in, sizeof(in), &out, sizeof(out));
    if (status != SGX_SUCCESS)
        return status;
    memcpy(report, &out, sizeof(out));
    return SGX_SUCCESS;
}
