/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_lfence.h: a speculation barrier for use after bounds checks. */
#ifndef CELLA_SGX_LFENCE_H
#define CELLA_SGX_LFENCE_H

/* Stops the CPU from running later loads speculatively before earlier checks settle. */
#define sgx_lfence() __asm__ __volatile__("lfence" ::: "memory")

#endif /* CELLA_SGX_LFENCE_H */
