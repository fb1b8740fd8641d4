/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/tstdc.h: the OCALL proxies of sgx_tstdc.edl that the runtime's locks call. */
#ifndef CELLA_TRTS_TSTDC_H
#define CELLA_TRTS_TSTDC_H

#include <stddef.h>

#include <sgx_defs.h>
#include <sgx_error.h>

/*
 * The trusted bridge (Enclave_t.c) defines these proxies when the enclave's EDL imports
 * sgx_tstdc.edl; the prototypes are the generated ones (edl.md, section 11). The runtime is
 * linked whole into every enclave, also those without the import, so it refers to them weakly:
 * an absent proxy is a null function pointer, which thread.c turns into a crash with a message.
 * Code that includes sgx_thread.h gets the stronger check: the link itself fails.
 *
 * Each returns the status of the OCALL; *retval is the host's answer (0 on success), which
 * the runtime does not need: it re-checks the lock's state after every wake-up anyway.
 */
__attribute__((weak)) sgx_status_t SGX_CDECL
sgx_thread_wait_untrusted_event_ocall(int *retval, const void *self);
__attribute__((weak)) sgx_status_t SGX_CDECL
sgx_thread_set_untrusted_event_ocall(int *retval, const void *waiter);
__attribute__((weak)) sgx_status_t SGX_CDECL
sgx_thread_setwait_untrusted_events_ocall(int *retval, const void *waiter, const void *self);
__attribute__((weak)) sgx_status_t SGX_CDECL
sgx_thread_set_multiple_untrusted_events_ocall(int *retval, const void **waiters, size_t total);

#endif /* CELLA_TRTS_TSTDC_H */
