/* SPDX-License-Identifier: Apache-2.0 */
/* host/tstdc.h: the host's side of sgx_tstdc.edl: CPUID and the events enclave threads wait on. */
#ifndef CELLA_HOST_TSTDC_H
#define CELLA_HOST_TSTDC_H

#include <stddef.h>
#include <stdint.h>

#include <cella/defs.h>

/*
 * An enclave whose EDL imports sgx_tstdc.edl has an untrusted bridge (Enclave_u.c) that calls
 * these functions by name; the prototypes are the ones the bridge's Enclave_u.h declares.
 * Applications do not call them.
 *
 * Events: each enclave thread that waits is named by an opaque value `self` (its thread-data
 * address); the host keeps one event per value. An event is either set or clear: waiting on
 * it returns at once if it is set (and clears it), or sleeps until it is set; setting it wakes
 * its waiter. A set made before the wait is therefore not lost, and several sets before one
 * wait count once (the enclave re-checks its own state after every wake-up). All functions
 * are thread-safe. They return SGX_SUCCESS (0), SGX_ERROR_INVALID_PARAMETER for a NULL thread
 * value or array, SGX_ERROR_OUT_OF_MEMORY if an event cannot be allocated, or
 * SGX_ERROR_UNEXPECTED if the kernel refuses to sleep.
 */

/* The runtime's: wakes every thread of enclave `enclave` that sleeps on an event (it crashed
 * or was lost; the sleepers' OCALLs return an error and nothing waits in it any more). */
void cella_host_events_end(uint64_t enclave);

/* The runtime's, once: a fork's child gets the event table unlocked and whole. */
void cella_host_events_watch_forks(void);

/* The runtime's: drops the events enclave `enclave` left set (it is being destroyed). */
void cella_host_events_forget(uint64_t enclave);

/* Runs CPUID with EAX = leaf and ECX = subleaf on the host: EAX, EBX, ECX, EDX into cpuinfo. */
CELLA_API void sgx_oc_cpuidex(int cpuinfo[4], int leaf, int subleaf);

/* Sleeps until the event of `self` is set, then clears it. */
CELLA_API int sgx_thread_wait_untrusted_event_ocall(const void *self);

/* Sets the event of `waiter`, waking the thread that sleeps on it. */
CELLA_API int sgx_thread_set_untrusted_event_ocall(const void *waiter);

/* Sets the event of `waiter`, then sleeps on the event of `self`. */
CELLA_API int sgx_thread_setwait_untrusted_events_ocall(const void *waiter, const void *self);

/* Sets the events of the `total` values in waiters. */
CELLA_API int sgx_thread_set_multiple_untrusted_events_ocall(const void **waiters, size_t total);

#endif /* CELLA_HOST_TSTDC_H */
