/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/sha.c: SHA-256 of sgx_tcrypto.h, one-shot and streaming, over BearSSL. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <sgx_tcrypto.h>

#include "internal.h"

/* A streaming state: what sgx_sha256_init hands out as the handle. */
typedef struct sha256_state {
    uint64_t tag; /* TCRYPTO_TAG_SHA256 */
    br_sha256_context context;
} sha256_state_t;

static sha256_state_t *sha256_state(sgx_sha_state_handle_t handle)
{
    sha256_state_t *state = handle;

    if (state == NULL || state->tag != TCRYPTO_TAG_SHA256)
        return NULL;
    return state;
}

sgx_status_t sgx_sha256_msg(const uint8_t *p_src, uint32_t src_len, sgx_sha256_hash_t *p_hash)
{
    br_sha256_context context;

    /* As in the SDK, a NULL source is refused even when src_len is 0. */
    if (p_src == NULL || p_hash == NULL || src_len > TCRYPTO_MAX_LENGTH)
        return SGX_ERROR_INVALID_PARAMETER;
    br_sha256_init(&context);
    br_sha256_update(&context, p_src, src_len);
    br_sha256_out(&context, *p_hash);
    /* What was hashed may be a secret (key material); so is the state that saw it. */
    tcrypto_wipe(&context, sizeof(context));
    return SGX_SUCCESS;
}

sgx_status_t sgx_sha256_init(sgx_sha_state_handle_t *p_sha_handle)
{
    sha256_state_t *state = NULL;

    if (p_sha_handle == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    state = malloc(sizeof(*state));
    if (state == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    state->tag = TCRYPTO_TAG_SHA256;
    br_sha256_init(&state->context);
    *p_sha_handle = state;
    return SGX_SUCCESS;
}

sgx_status_t sgx_sha256_update(const uint8_t *p_src, uint32_t src_len,
                               sgx_sha_state_handle_t sha_handle)
{
    sha256_state_t *state = sha256_state(sha_handle);

    if (p_src == NULL || state == NULL || src_len > TCRYPTO_MAX_LENGTH)
        return SGX_ERROR_INVALID_PARAMETER;
    br_sha256_update(&state->context, p_src, src_len);
    return SGX_SUCCESS;
}

sgx_status_t sgx_sha256_get_hash(sgx_sha_state_handle_t sha_handle, sgx_sha256_hash_t *p_hash)
{
    sha256_state_t *state = sha256_state(sha_handle);

    if (state == NULL || p_hash == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    /* Leaves the state as it was, so more data may follow (the SDK's behaviour too). */
    br_sha256_out(&state->context, *p_hash);
    return SGX_SUCCESS;
}

sgx_status_t sgx_sha256_close(sgx_sha_state_handle_t sha_handle)
{
    sha256_state_t *state = sha256_state(sha_handle);

    if (state == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    tcrypto_wipe(state, sizeof(*state));
    free(state);
    return SGX_SUCCESS;
}
