/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/thread/no_import.c: waits without the OCALLs of sgx_tstdc.edl, which crashes. */

/* Without this the enclave would not link, which is what sgx_thread.h wants. */
#define CELLA_SGX_THREAD_NO_LINK_CHECK
#include <sgx_thread.h>

#include "no_import_t.h"

static sgx_thread_mutex_t lock = SGX_THREAD_MUTEX_INITIALIZER;
static sgx_thread_cond_t never_signalled = SGX_THREAD_COND_INITIALIZER;

int ecall_wait_without_import(void)
{
    int result = sgx_thread_mutex_lock(&lock);
    if (result != 0)
        return result;
    /* The wait needs sgx_thread_wait_untrusted_event_ocall: the runtime stops the enclave. */
    result = sgx_thread_cond_wait(&never_signalled, &lock);
    (void)sgx_thread_mutex_unlock(&lock);
    return result;
}
