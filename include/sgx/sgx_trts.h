/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_trts.h: the SGX trusted runtime API available to enclave code. */
#ifndef CELLA_SGX_TRTS_H
#define CELLA_SGX_TRTS_H

#include <stddef.h>
#include <stdint.h>

#include "sgx_defs.h"
#include "sgx_error.h"

CELLA_EXTERN_C_BEGIN

/*
 * 1 if [addr, addr + size - 1] lies inside the enclave (size 0 tests addr alone), else 0;
 * a range that wraps around the address space is neither inside nor outside.
 */
int sgx_is_within_enclave(const void *addr, size_t size);

/*
 * 1 if [addr, addr + size - 1] lies entirely outside the enclave, else 0. A range that
 * straddles the enclave's boundary is neither inside nor outside.
 */
int sgx_is_outside_enclave(const void *addr, size_t size);

/*
 * Fills rand with random bytes from the CPU's RDRAND/RDSEED, retrying as the architecture
 * recommends. SGX_ERROR_INVALID_PARAMETER for NULL or length 0 or a buffer that straddles
 * the enclave boundary; SGX_ERROR_UNEXPECTED if the source keeps failing (never silent).
 */
sgx_status_t sgx_read_rand(unsigned char *rand, size_t length_in_bytes);

/* 1 once the enclave has crashed (abort or fault), else 0. */
int sgx_is_enclave_crashed(void);

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_TRTS_H */
