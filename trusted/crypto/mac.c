/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/mac.c: AES-128-CMAC and HMAC-SHA256 of sgx_tcrypto.h, over BearSSL. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sgx_tcrypto.h>

#include "internal.h"

/* ---- AES-128-CMAC (NIST SP 800-38B, RFC 4493) ----------------------------------------- */

typedef struct cmac_state {
    uint64_t tag; /* TCRYPTO_TAG_CMAC */
    cella_tcrypto_aes_cbcmac_t aes;
    uint8_t subkey1[16]; /* K1: for a complete last block */
    uint8_t subkey2[16]; /* K2: for a padded last block */
    uint8_t chain[16];   /* CBC-MAC value over the blocks processed so far */
    uint8_t pending[16]; /* the last block seen, kept until it is known to be the last */
    size_t pending_size; /* 0..16 */
} cmac_state_t;

/* Doubling in GF(2^128) with the polynomial x^128 + x^7 + x^2 + x + 1 (constant time). */
static void cmac_double(uint8_t out[16], const uint8_t in[16])
{
    uint8_t reduce = (uint8_t)(0x87 & (0u - (unsigned int)(in[0] >> 7)));

    for (size_t i = 0; i < 15; i++)
        out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
    out[15] = (uint8_t)(in[15] << 1 ^ reduce);
}

static void cmac_init(cmac_state_t *state, const uint8_t key[SGX_CMAC_KEY_SIZE])
{
    uint8_t encrypted_zero[16];
    static const uint8_t zero[16];

    state->tag = TCRYPTO_TAG_CMAC;
    cella_tcrypto_aes_cbcmac_init(&state->aes, key);
    /* L = E(K, 0^128): one CBC-MAC block from a zero chaining value. */
    memset(encrypted_zero, 0, sizeof(encrypted_zero));
    state->aes.vtable->mac(&state->aes.vtable, encrypted_zero, zero, sizeof(zero));
    cmac_double(state->subkey1, encrypted_zero);
    cmac_double(state->subkey2, state->subkey1);
    memset(state->chain, 0, sizeof(state->chain));
    state->pending_size = 0;
    tcrypto_wipe(encrypted_zero, sizeof(encrypted_zero));
}

static void cmac_update(cmac_state_t *state, const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    if (state->pending_size + size <= 16) {
        memcpy(state->pending + state->pending_size, data, size);
        state->pending_size += size;
        return;
    }
    /* More data follows the pending block, so it is not the last one: process it. */
    if (state->pending_size > 0) {
        size_t take = 16 - state->pending_size;
        memcpy(state->pending + state->pending_size, data, take);
        data += take;
        size -= take;
        state->aes.vtable->mac(&state->aes.vtable, state->chain, state->pending, 16);
        state->pending_size = 0;
    }
    /* size > 0 here; keep the last 1..16 bytes back. */
    size_t whole = (size - 1) / 16 * 16;
    if (whole > 0)
        state->aes.vtable->mac(&state->aes.vtable, state->chain, data, whole);
    memcpy(state->pending, data + whole, size - whole);
    state->pending_size = size - whole;
}

/* The tag; the state starts over with the same key, ready for another message. */
static void cmac_final(cmac_state_t *state, uint8_t tag[SGX_CMAC_MAC_SIZE])
{
    uint8_t last[16];
    const uint8_t *subkey = state->subkey1;

    memcpy(last, state->pending, state->pending_size);
    if (state->pending_size < 16) {
        last[state->pending_size] = 0x80;
        memset(last + state->pending_size + 1, 0, 16 - state->pending_size - 1);
        subkey = state->subkey2;
    }
    for (size_t i = 0; i < 16; i++)
        last[i] ^= subkey[i];
    state->aes.vtable->mac(&state->aes.vtable, state->chain, last, sizeof(last));
    memcpy(tag, state->chain, SGX_CMAC_MAC_SIZE);

    memset(state->chain, 0, sizeof(state->chain));
    tcrypto_wipe(state->pending, sizeof(state->pending));
    state->pending_size = 0;
    tcrypto_wipe(last, sizeof(last));
}

static cmac_state_t *cmac_state(sgx_cmac_state_handle_t handle)
{
    cmac_state_t *state = handle;

    if (state == NULL || state->tag != TCRYPTO_TAG_CMAC)
        return NULL;
    return state;
}

sgx_status_t sgx_rijndael128_cmac_msg(const sgx_cmac_128bit_key_t *p_key, const uint8_t *p_src,
                                      uint32_t src_len, sgx_cmac_128bit_tag_t *p_mac)
{
    cmac_state_t state;

    if (p_key == NULL || p_src == NULL || p_mac == NULL || src_len > TCRYPTO_MAX_LENGTH)
        return SGX_ERROR_INVALID_PARAMETER;
    cmac_init(&state, *p_key);
    cmac_update(&state, p_src, src_len);
    cmac_final(&state, *p_mac);
    tcrypto_wipe(&state, sizeof(state));
    return SGX_SUCCESS;
}

sgx_status_t sgx_cmac128_init(const sgx_cmac_128bit_key_t *p_key,
                              sgx_cmac_state_handle_t *p_cmac_handle)
{
    cmac_state_t *state = NULL;

    if (p_key == NULL || p_cmac_handle == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    state = malloc(sizeof(*state));
    if (state == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    cmac_init(state, *p_key);
    *p_cmac_handle = state;
    return SGX_SUCCESS;
}

sgx_status_t sgx_cmac128_update(const uint8_t *p_src, uint32_t src_len,
                                sgx_cmac_state_handle_t cmac_handle)
{
    cmac_state_t *state = cmac_state(cmac_handle);

    if (p_src == NULL || state == NULL || src_len > TCRYPTO_MAX_LENGTH)
        return SGX_ERROR_INVALID_PARAMETER;
    cmac_update(state, p_src, src_len);
    return SGX_SUCCESS;
}

sgx_status_t sgx_cmac128_final(sgx_cmac_state_handle_t cmac_handle, sgx_cmac_128bit_tag_t *p_hash)
{
    cmac_state_t *state = cmac_state(cmac_handle);

    if (state == NULL || p_hash == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    cmac_final(state, *p_hash);
    return SGX_SUCCESS;
}

sgx_status_t sgx_cmac128_close(sgx_cmac_state_handle_t cmac_handle)
{
    cmac_state_t *state = cmac_state(cmac_handle);

    if (state == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    tcrypto_wipe(state, sizeof(*state));
    free(state);
    return SGX_SUCCESS;
}

/* ---- HMAC-SHA256 (RFC 2104) ------------------------------------------------------------ */

typedef struct hmac_state {
    uint64_t tag; /* TCRYPTO_TAG_HMAC */
    br_hmac_key_context key;
    br_hmac_context context;
} hmac_state_t;

static hmac_state_t *hmac_state(sgx_hmac_state_handle_t handle)
{
    hmac_state_t *state = handle;

    if (state == NULL || state->tag != TCRYPTO_TAG_HMAC)
        return NULL;
    return state;
}

/*
 * Writes the first mac_len bytes of the MAC (the SDK truncates on request). Longer than
 * the MAC: the SDK's library fails, and the output is zeroed, as there.
 */
static sgx_status_t hmac_output(br_hmac_context *context, unsigned char *mac, int mac_len)
{
    uint8_t full[SGX_HMAC256_MAC_SIZE];

    if (mac_len > SGX_HMAC256_MAC_SIZE) {
        memset(mac, 0, (size_t)mac_len);
        return SGX_ERROR_UNEXPECTED;
    }
    (void)br_hmac_out(context, full);
    memcpy(mac, full, (size_t)mac_len);
    tcrypto_wipe(full, sizeof(full));
    return SGX_SUCCESS;
}

sgx_status_t sgx_hmac_sha256_msg(const unsigned char *p_src, int src_len,
                                 const unsigned char *p_key, int key_len, unsigned char *p_mac,
                                 int mac_len)
{
    hmac_state_t state;
    sgx_status_t status;

    /* The SDK refuses empty messages and keys here, and any non-positive length. */
    if (p_src == NULL || p_key == NULL || p_mac == NULL || src_len <= 0 || key_len <= 0 ||
        mac_len <= 0)
        return SGX_ERROR_INVALID_PARAMETER;
    br_hmac_key_init(&state.key, &br_sha256_vtable, p_key, (size_t)key_len);
    br_hmac_init(&state.context, &state.key, 0);
    br_hmac_update(&state.context, p_src, (size_t)src_len);
    status = hmac_output(&state.context, p_mac, mac_len);
    tcrypto_wipe(&state, sizeof(state));
    return status;
}

sgx_status_t sgx_hmac256_init(const unsigned char *p_key, int key_len,
                              sgx_hmac_state_handle_t *p_hmac_handle)
{
    hmac_state_t *state = NULL;

    if (p_key == NULL || key_len <= 0 || p_hmac_handle == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    state = malloc(sizeof(*state));
    if (state == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    state->tag = TCRYPTO_TAG_HMAC;
    br_hmac_key_init(&state->key, &br_sha256_vtable, p_key, (size_t)key_len);
    br_hmac_init(&state->context, &state->key, 0);
    *p_hmac_handle = state;
    return SGX_SUCCESS;
}

sgx_status_t sgx_hmac256_update(const uint8_t *p_src, int src_len,
                                sgx_hmac_state_handle_t hmac_handle)
{
    hmac_state_t *state = hmac_state(hmac_handle);

    if (p_src == NULL || src_len <= 0 || state == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    br_hmac_update(&state->context, p_src, (size_t)src_len);
    return SGX_SUCCESS;
}

sgx_status_t sgx_hmac256_final(unsigned char *p_hash, int hash_len,
                               sgx_hmac_state_handle_t hmac_handle)
{
    hmac_state_t *state = hmac_state(hmac_handle);
    sgx_status_t status;

    if (p_hash == NULL || hash_len <= 0 || state == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    status = hmac_output(&state->context, p_hash, hash_len);
    /* Start over with the same key, as the SDK's library does after a final. */
    br_hmac_init(&state->context, &state->key, 0);
    return status;
}

sgx_status_t sgx_hmac256_close(sgx_hmac_state_handle_t hmac_handle)
{
    hmac_state_t *state = hmac_state(hmac_handle);

    /* The SDK accepts closing NULL. */
    if (hmac_handle == NULL)
        return SGX_SUCCESS;
    if (state == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    tcrypto_wipe(state, sizeof(*state));
    free(state);
    return SGX_SUCCESS;
}
