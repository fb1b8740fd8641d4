/* SPDX-License-Identifier: Apache-2.0 */
/* bridge_enclave.h: what the tests know about the trusted functions of Bridge.edl. */
#ifndef CELLA_TEST_BRIDGE_ENCLAVE_H
#define CELLA_TEST_BRIDGE_ENCLAVE_H

#include <stddef.h>
#include <stdint.h>

#include "trusted_double.h"

/* FNV-1a over the bytes of each value, the way ecall_scalars fingerprints its arguments. */
#define BRIDGE_FINGERPRINT_START 0xcbf29ce484222325u

static inline uint64_t bridge_fingerprint(uint64_t hash, const void *data, size_t size)
{
    const uint8_t *bytes = data;
    for (size_t i = 0; i < size; i++) {
        hash ^= bytes[i];
        hash *= 0x100000001b3u;
    }
    return hash;
}

/* How many trusted functions ran (the adversarial tests check that none did). */
TRUSTED_DOUBLE_API unsigned bridge_enclave_call_count(void);

/* The status of the OCALL ocall_padded that the last ecall_padded made. */
TRUSTED_DOUBLE_API int bridge_enclave_last_padded_status(void);

/* The x of the last ecall_switchless. */
TRUSTED_DOUBLE_API int bridge_enclave_last_switchless(void);

#endif
