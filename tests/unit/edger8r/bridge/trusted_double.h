/* SPDX-License-Identifier: Apache-2.0 */
/* trusted_double.h: an in-process stand-in for the trusted runtime, under generated bridges. */
#ifndef CELLA_TEST_TRUSTED_DOUBLE_H
#define CELLA_TEST_TRUSTED_DOUBLE_H

#include <stddef.h>
#include <stdint.h>

#include <cella/bridge.h>

/*
 * The double implements what a generated trusted bridge calls (cella_ocall_begin/invoke/end,
 * sgx_is_within_enclave, sgx_is_outside_enclave) over a fake enclave: a static arena that
 * stands for enclave memory, plus ranges a test adds. It also runs ECALLs the way the trusted
 * runtime does (dispatch rules, one private copy of the input, a zeroed private output).
 * Single-threaded, like the tests that use it.
 */

#define TRUSTED_DOUBLE_API __attribute__((visibility("default")))

/*
 * The host behind OCALLs: gets the OCALL's shared buffers. Until one is set, OCALLs fail
 * with SGX_ERROR_UNEXPECTED.
 */
typedef int32_t (*trusted_double_host_t)(void *context, uint32_t index, const uint8_t *in,
                                         size_t in_size, uint8_t *out, size_t out_size);
TRUSTED_DOUBLE_API void trusted_double_set_host(trusted_double_host_t host, void *context);

/*
 * Runs ECALL `index` of cella_bridge_ecall_table as the trusted runtime would: index and
 * allow() checks, the input copied once into enclave memory, a zeroed private output copied
 * out on success.
 */
TRUSTED_DOUBLE_API int32_t trusted_double_ecall(uint32_t index, const uint8_t *in, size_t in_size,
                                                uint8_t *out, size_t out_size);

/* `size` bytes (16-byte aligned) of enclave memory, released when the outermost ECALL ends
 * (or by trusted_double_reset). NULL when the arena is full. */
TRUSTED_DOUBLE_API void *trusted_double_alloc(size_t size);

/* Makes [base, base + size) enclave memory too (at most 8 ranges), e.g. a heap block that
 * ASan guards. */
TRUSTED_DOUBLE_API void trusted_double_add_range(const void *base, size_t size);

/* Forgets the added ranges, empties the arena, clears the host and the counters. */
TRUSTED_DOUBLE_API void trusted_double_reset(void);

/* The first byte of the arena, and its size: a pointer there is "inside the enclave". */
TRUSTED_DOUBLE_API const uint8_t *trusted_double_arena(size_t *size);

/* How many OCALLs were invoked since the last reset. */
TRUSTED_DOUBLE_API unsigned trusted_double_ocall_count(void);

/* The bridge of ECALL `index`, for tests that call it directly. */
TRUSTED_DOUBLE_API cella_ecall_bridge_t trusted_double_bridge(uint32_t index);

#endif
