/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/report.c: checking reports (sgx_verify_report) and the enclave's own report. */
#include <stdint.h>
#include <string.h>

#include <sgx_tcrypto.h>
#include <sgx_trts.h>
#include <sgx_utils.h>

#include "internal.h"

sgx_status_t sgx_verify_report(const sgx_report_t *report)
{
    sgx_report_t copy;
    sgx_key_request_t request;
    sgx_key_128bit_t key;
    sgx_cmac_128bit_tag_t mac;
    sgx_status_t status;

    if (report == NULL || !sgx_is_within_enclave(report, sizeof(*report)))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&copy, report, sizeof(copy));

    /* The report key for this enclave and the report's key ID, as EREPORT used for it. */
    memset(&request, 0, sizeof(request));
    request.key_name = SGX_KEYSELECT_REPORT;
    request.key_id = copy.key_id;
    status = sgx_get_key(&request, &key);
    if (status != SGX_SUCCESS)
        goto out;
    status = sgx_rijndael128_cmac_msg((const sgx_cmac_128bit_key_t *)&key,
                                      (const uint8_t *)&copy.body, sizeof(copy.body), &mac);
    if (status != SGX_SUCCESS)
        goto out;
    status = tcrypto_equal_ct(mac, copy.mac, sizeof(mac)) ? SGX_SUCCESS : SGX_ERROR_MAC_MISMATCH;
out:
    tcrypto_wipe(key, sizeof(key));
    tcrypto_wipe(mac, sizeof(mac));
    return status;
}

/*
 * Made on first use. Two threads may both make one; both are the same identity, and the
 * first one published is kept (the report data and target are zero, only the key ID and
 * MAC differ).
 */
static sgx_report_t self_report;
static int self_report_state; /* 0: none, 1: being written, 2: ready */

const sgx_report_t *sgx_self_report(void)
{
    if (__atomic_load_n(&self_report_state, __ATOMIC_ACQUIRE) == 2)
        return &self_report;
    sgx_report_t report;
    if (sgx_create_report(NULL, NULL, &report) != SGX_SUCCESS)
        return NULL;
    int expected = 0;
    if (__atomic_compare_exchange_n(&self_report_state, &expected, 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        memcpy(&self_report, &report, sizeof(report));
        __atomic_store_n(&self_report_state, 2, __ATOMIC_RELEASE);
        return &self_report;
    }
    while (__atomic_load_n(&self_report_state, __ATOMIC_ACQUIRE) != 2)
        __builtin_ia32_pause();
    return &self_report;
}

sgx_status_t sgx_self_target(sgx_target_info_t *target_info)
{
    if (target_info == NULL || !sgx_is_within_enclave(target_info, sizeof(*target_info)))
        return SGX_ERROR_INVALID_PARAMETER;
    const sgx_report_t *report = sgx_self_report();
    if (report == NULL)
        return SGX_ERROR_UNEXPECTED;
    memset(target_info, 0, sizeof(*target_info));
    target_info->mr_enclave = report->body.mr_enclave;
    target_info->attributes = report->body.attributes;
    target_info->config_svn = report->body.config_svn;
    target_info->misc_select = report->body.misc_select;
    memcpy(target_info->config_id, report->body.config_id, sizeof(target_info->config_id));
    return SGX_SUCCESS;
}
