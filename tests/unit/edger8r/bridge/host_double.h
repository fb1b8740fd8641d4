/* SPDX-License-Identifier: Apache-2.0 */
/* host_double.h: an in-process stand-in for the host runtime, over a dlopen'ed trusted side. */
#ifndef CELLA_TEST_HOST_DOUBLE_H
#define CELLA_TEST_HOST_DOUBLE_H

#include <stddef.h>
#include <stdint.h>

#include "trusted_double.h"

/* The one enclave id the double accepts. */
#define HOST_DOUBLE_ENCLAVE_ID 1u

/*
 * The trusted side (generated trusted bridge, trusted functions, trusted_double.c) lives in a
 * shared object loaded with RTLD_LOCAL: it defines the same names as the untrusted side (the
 * ECALL `f` and its proxy `f`) without clashing. cella_ecall_begin/invoke/end (defined by
 * the double) copy the call into it through trusted_double_ecall, and its OCALLs come back to
 * the OCALL table of the ECALL in progress. Returns 0, or -1 after printing why.
 *
 * When the environment names a folder in CELLA_BRIDGE_CORPUS_DIR, every ECALL input is also
 * written there in the format of fuzz/bridge_ecall.c (seed corpus).
 */
int host_double_load(const char *path);
void host_double_unload(void);

/* The trusted side's functions, once loaded. */
extern void (*host_double_trusted_reset)(void);
extern const uint8_t *(*host_double_trusted_arena)(size_t *size);
extern unsigned (*host_double_trusted_call_count)(void);

#endif
