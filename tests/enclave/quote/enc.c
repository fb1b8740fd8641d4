/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/quote/enc.c: reports for the quoting enclave, made through the SDK API. */
#include <stdint.h>
#include <string.h>

#include <sgx_report.h>
#include <sgx_utils.h>

#include "quote_t.h"

int ecall_make_report(const uint8_t *target_info, const uint8_t *report_data, uint8_t *report)
{
    sgx_target_info_t target;
    sgx_report_data_t data;
    sgx_report_t made;

    memcpy(&target, target_info, sizeof(target));
    memcpy(&data, report_data, sizeof(data));
    sgx_status_t status = sgx_create_report(&target, &data, &made);
    memcpy(report, &made, sizeof(made));
    return (int)status;
}

int ecall_self_identity(uint8_t *identity)
{
    const sgx_report_t *self = sgx_self_report();

    if (self == NULL)
        return (int)SGX_ERROR_UNEXPECTED;
    memcpy(identity, &self->body, sizeof(self->body));
    return (int)SGX_SUCCESS;
}

int ecall_self_target(uint8_t *target_info)
{
    sgx_target_info_t target;
    sgx_status_t status = sgx_self_target(&target);

    memcpy(target_info, &target, sizeof(target));
    return (int)status;
}
