/* SPDX-License-Identifier: Apache-2.0 */
/* host/urts.c: the SGX SDK's untrusted runtime API over cella's host runtime. */
#include <string.h>

#include <sgx_urts.h>

#include "../common/log_internal.h"
#include "enclave.h"
#include "urts_internal.h"

sgx_status_t sgx_create_enclave_ex(const char *file_name, const int debug,
                                   sgx_launch_token_t *launch_token, int *launch_token_updated,
                                   sgx_enclave_id_t *enclave_id, sgx_misc_attribute_t *misc_attr,
                                   const uint32_t ex_features, const void *ex_features_p[32])
{
    cella_enclave_options_t options = {0};
    struct cella_enclave *e = NULL;

    (void)launch_token;
    if (file_name == NULL || enclave_id == NULL || (debug != 0 && debug != 1))
        return SGX_ERROR_INVALID_PARAMETER;
    /* As the SDK checks them: only defined feature bits, and a pointer only for a bit set. */
    const uint32_t defined = (2u << _SGX_LAST_EX_FEATURE_IDX_) - 1u;
    if ((ex_features & ~defined) != 0)
        return SGX_ERROR_INVALID_PARAMETER;
    for (unsigned bit = 0; ex_features_p != NULL && bit < 32; bit++) {
        if (ex_features_p[bit] != NULL && (ex_features & (1u << bit)) == 0)
            return SGX_ERROR_INVALID_PARAMETER;
    }
    if (ex_features != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "sgx_create_enclave_ex: features %#x (PCL, switchless, KSS) "
                  "are not supported by cella yet",
                  ex_features);
        return SGX_ERROR_FEATURE_NOT_SUPPORTED;
    }
    if (launch_token_updated != NULL)
        *launch_token_updated = 0;

    options.debug = debug == 1;
    sgx_status_t status = cella_host_enclave_create(file_name, &options, &e);
    if (status != SGX_SUCCESS)
        return status;
    *enclave_id = e->id;
    if (misc_attr != NULL) {
        memset(misc_attr, 0, sizeof(*misc_attr));
        misc_attr->secs_attr = e->info.metadata.attributes;
        if (options.debug)
            misc_attr->secs_attr.flags |= SGX_FLAGS_DEBUG;
        misc_attr->secs_attr.flags |= SGX_FLAGS_INITTED;
        misc_attr->misc_select = e->info.metadata.misc_select;
    }
    return SGX_SUCCESS;
}

sgx_status_t sgx_create_enclave(const char *file_name, const int debug,
                                sgx_launch_token_t *launch_token, int *launch_token_updated,
                                sgx_enclave_id_t *enclave_id, sgx_misc_attribute_t *misc_attr)
{
    return sgx_create_enclave_ex(file_name, debug, launch_token, launch_token_updated, enclave_id,
                                 misc_attr, 0, NULL);
}

sgx_status_t sgx_destroy_enclave(const sgx_enclave_id_t enclave_id)
{
    return cella_host_enclave_destroy_id(enclave_id);
}
