/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/tcrypto/support.h: what the trusted-crypto tests share (host stand-ins, hex). */
#ifndef CELLA_TESTS_TCRYPTO_SUPPORT_H
#define CELLA_TESTS_TCRYPTO_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The tests call the SGX API as SGX code does: &key of a non-const key array where the
 * function takes a `const sgx_aes_gcm_128bit_key_t *`. C23 allows that; before it,
 * -Wpedantic reports the qualifier added to a pointer to an array. Not in these tests.
 */
#pragma GCC diagnostic ignored "-Wpedantic"

/*
 * The library under test is trusted/crypto compiled for the host. Two things an enclave
 * gets from the trusted runtime come from here instead: sgx_read_rand (getrandom), and
 * malloc, which the library calls through support_malloc so tests can make it fail.
 */

/* The next `count` calls of sgx_read_rand fail (SGX_ERROR_UNEXPECTED). */
void support_fail_read_rand(int count);

/* The next `count` allocations of the library fail. */
void support_fail_malloc(int count);

/* The library's allocator (the build maps its malloc calls here). */
void *support_malloc(size_t size);

/* Random bytes for test inputs (not the library's source). */
void support_random(void *buffer, size_t size);

/* Decodes hex into out (exactly size bytes, aborting the test on a mismatch). */
void support_hex(const char *hex, uint8_t *out, size_t size);

/* Bytes in reverse order (little-endian <-> big-endian). */
void support_reverse(uint8_t *out, const uint8_t *in, size_t size);

/*
 * Runs body once with the hardware paths (AES-NI, PCLMULQDQ) allowed and once with the
 * portable constant-time code forced, so both are checked on a CPU that has both.
 */
#define FOR_EACH_AES_IMPLEMENTATION(hardware)         \
    for (int hardware = 1; hardware >= 0; hardware--) \
        if (cella_tcrypto_set_hardware_allowed(hardware != 0), true)

/* $CELLA_SHARED_DIR/relative, read whole into a malloc'd buffer; NULL when absent. */
uint8_t *support_read_shared_file(const char *relative, size_t *size);

#endif /* CELLA_TESTS_TCRYPTO_SUPPORT_H */
