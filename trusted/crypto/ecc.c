/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/ecc.c: ECC P-256 (ECDH, ECDSA) of sgx_tcrypto.h, over BearSSL's m31 code. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sgx_tcrypto.h>
#include <sgx_trts.h>

#include "internal.h"

/*
 * SGX's EC values are little-endian integers (the private scalar r, the coordinates gx and
 * gy, and the signature halves x and y as eight 32-bit words, least significant first);
 * BearSSL's are big-endian byte strings. The conversions happen at this file's edges.
 */

#define CURVE BR_EC_secp256r1

static const br_ec_impl *const p256 = &br_ec_p256_m31;

/* The field prime p, big-endian: coordinates must be below it. */
static const uint8_t field_prime[TCRYPTO_P256_SCALAR_BYTES] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Whether a < b for big-endian numbers of 32 bytes, in time independent of the values. */
static bool less_than_ct(const uint8_t a[TCRYPTO_P256_SCALAR_BYTES],
                         const uint8_t b[TCRYPTO_P256_SCALAR_BYTES])
{
    unsigned int borrow = 0;

    for (int i = TCRYPTO_P256_SCALAR_BYTES - 1; i >= 0; i--) {
        unsigned int difference = (unsigned int)a[i] - (unsigned int)b[i] - borrow;
        borrow = (difference >> 8) & 1u;
    }
    return borrow == 1;
}

bool cella_tcrypto_p256_scalar_is_valid(const uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES])
{
    size_t order_size = 0;
    const uint8_t *order = p256->order(CURVE, &order_size);
    unsigned int bits = 0;

    for (size_t i = 0; i < TCRYPTO_P256_SCALAR_BYTES; i++)
        bits |= scalar[i];
    return order_size == TCRYPTO_P256_SCALAR_BYTES && (bits != 0) & less_than_ct(scalar, order);
}

bool cella_tcrypto_p256_point_is_valid(const uint8_t point[TCRYPTO_P256_POINT_BYTES])
{
    static const uint8_t one = 1;
    uint8_t copy[TCRYPTO_P256_POINT_BYTES];
    bool valid;

    if (point[0] != 0x04 || !less_than_ct(point + 1, field_prime) ||
        !less_than_ct(point + 1 + TCRYPTO_P256_SCALAR_BYTES, field_prime))
        return false;
    /* Multiplying by 1 decodes the point, which checks the curve equation. */
    memcpy(copy, point, sizeof(copy));
    valid = p256->mul(copy, sizeof(copy), &one, 1, CURVE) == 1;
    return valid && memcmp(copy, point, sizeof(copy)) == 0;
}

bool cella_tcrypto_p256_sign_hash(const uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES],
                                  const uint8_t hash[SGX_SHA256_HASH_SIZE],
                                  uint8_t signature[2 * TCRYPTO_P256_SCALAR_BYTES])
{
    uint8_t scalar_copy[TCRYPTO_P256_SCALAR_BYTES];
    br_ec_private_key private_key = {CURVE, scalar_copy, sizeof(scalar_copy)};
    size_t size;

    /* BearSSL derives the nonce from key and hash (RFC 6979): no randomness is needed. */
    memcpy(scalar_copy, scalar, sizeof(scalar_copy));
    size = br_ecdsa_i31_sign_raw(p256, &br_sha256_vtable, hash, &private_key, signature);
    tcrypto_wipe(scalar_copy, sizeof(scalar_copy));
    return size == 2 * TCRYPTO_P256_SCALAR_BYTES;
}

bool cella_tcrypto_p256_verify_hash(const uint8_t point[TCRYPTO_P256_POINT_BYTES],
                                    const uint8_t hash[SGX_SHA256_HASH_SIZE],
                                    const uint8_t signature[2 * TCRYPTO_P256_SCALAR_BYTES])
{
    uint8_t point_copy[TCRYPTO_P256_POINT_BYTES];
    br_ec_public_key public_key = {CURVE, point_copy, sizeof(point_copy)};

    if (!cella_tcrypto_p256_point_is_valid(point))
        return false;
    memcpy(point_copy, point, sizeof(point_copy));
    /*
     * BearSSL refuses r or s outside [1, n - 1] and the point at infinity. It also refuses
     * a hash equal to 0 modulo n (its u1 * G + u2 * Q needs both factors non-zero); no
     * SHA-256 output is known to be one, so only a made-up hash can meet that.
     */
    return br_ecdsa_i31_vrfy_raw(p256, hash, SGX_SHA256_HASH_SIZE, &public_key, signature,
                                 2 * TCRYPTO_P256_SCALAR_BYTES) == 1;
}

void cella_tcrypto_p256_public_point(const uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES],
                                     uint8_t point[TCRYPTO_P256_POINT_BYTES])
{
    (void)p256->mulgen(point, scalar, TCRYPTO_P256_SCALAR_BYTES, CURVE);
}

/* ---- the context ---------------------------------------------------------------------- */

/*
 * The SDK's context holds the curve's parameters; here they are constants, and the context
 * only proves that it was opened (its tag).
 */
typedef struct ecc_state {
    uint64_t tag; /* TCRYPTO_TAG_ECC */
} ecc_state_t;

static bool ecc_handle_valid(const void *handle)
{
    const ecc_state_t *state = handle;
    return state != NULL && state->tag == TCRYPTO_TAG_ECC;
}

sgx_status_t sgx_ecc256_open_context(sgx_ecc_state_handle_t *p_ecc_handle)
{
    ecc_state_t *state = NULL;

    if (p_ecc_handle == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    state = malloc(sizeof(*state));
    if (state == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    state->tag = TCRYPTO_TAG_ECC;
    *p_ecc_handle = state;
    return SGX_SUCCESS;
}

sgx_status_t sgx_ecc256_close_context(sgx_ecc_state_handle_t ecc_handle)
{
    if (!ecc_handle_valid(ecc_handle))
        return SGX_ERROR_INVALID_PARAMETER;
    tcrypto_wipe(ecc_handle, sizeof(ecc_state_t));
    free(ecc_handle);
    return SGX_SUCCESS;
}

/* ---- keys ----------------------------------------------------------------------------- */

/* Random draws before giving up; one draw fails with probability below 2^-32. */
#define KEY_DRAWS 64

sgx_status_t sgx_ecc256_create_key_pair(sgx_ec256_private_t *p_private,
                                        sgx_ec256_public_t *p_public,
                                        sgx_ecc_state_handle_t ecc_handle)
{
    sgx_status_t status = SGX_ERROR_UNEXPECTED;
    uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES];
    uint8_t point[TCRYPTO_P256_POINT_BYTES];
    bool found = false;

    if (p_private == NULL || p_public == NULL || !ecc_handle_valid(ecc_handle))
        return SGX_ERROR_INVALID_PARAMETER;

    /* Rejection sampling: a uniform 256-bit draw, kept when it lies in [1, n - 1]. */
    for (int draw = 0; draw < KEY_DRAWS && !found; draw++) {
        if (sgx_read_rand(scalar, sizeof(scalar)) != SGX_SUCCESS)
            goto out;
        found = cella_tcrypto_p256_scalar_is_valid(scalar);
    }
    if (!found)
        goto out;
    cella_tcrypto_p256_public_point(scalar, point);
    tcrypto_reverse(p_private->r, scalar, sizeof(scalar));
    tcrypto_point_to_sgx(point, p_public);
    status = SGX_SUCCESS;
out:
    tcrypto_wipe(scalar, sizeof(scalar));
    return status;
}

/*
 * True when both coordinates of a SEC1 point are field elements (below p). The SDK's library
 * cannot even hold a larger one as a point: its functions answer SGX_ERROR_INVALID_PARAMETER
 * for it, not "invalid".
 */
static bool coordinates_below_p(const uint8_t point[TCRYPTO_P256_POINT_BYTES])
{
    static const uint8_t prime[TCRYPTO_P256_SCALAR_BYTES] = {
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    return memcmp(point + 1, prime, sizeof(prime)) < 0 &&
           memcmp(point + 1 + sizeof(prime), prime, sizeof(prime)) < 0;
}

sgx_status_t sgx_ecc256_check_point(const sgx_ec256_public_t *p_point,
                                    const sgx_ecc_state_handle_t ecc_handle, int *p_valid)
{
    uint8_t point[TCRYPTO_P256_POINT_BYTES];

    if (p_point == NULL || p_valid == NULL || !ecc_handle_valid(ecc_handle))
        return SGX_ERROR_INVALID_PARAMETER;
    *p_valid = 0;
    tcrypto_point_from_sgx(p_point, point);
    if (!coordinates_below_p(point))
        return SGX_ERROR_INVALID_PARAMETER;
    *p_valid = cella_tcrypto_p256_point_is_valid(point) ? 1 : 0;
    return SGX_SUCCESS;
}

sgx_status_t sgx_ecc256_compute_shared_dhkey(const sgx_ec256_private_t *p_private_b,
                                             const sgx_ec256_public_t *p_public_ga,
                                             sgx_ec256_dh_shared_t *p_shared_key,
                                             sgx_ecc_state_handle_t ecc_handle)
{
    sgx_status_t status = SGX_ERROR_INVALID_PARAMETER;
    uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES];
    uint8_t point[TCRYPTO_P256_POINT_BYTES];

    if (p_private_b == NULL || p_public_ga == NULL || p_shared_key == NULL ||
        !ecc_handle_valid(ecc_handle))
        return SGX_ERROR_INVALID_PARAMETER;

    /* A peer's point off the curve would leak the private key (invalid-curve attack). */
    tcrypto_point_from_sgx(p_public_ga, point);
    if (!cella_tcrypto_p256_point_is_valid(point))
        goto out;
    tcrypto_reverse(scalar, p_private_b->r, sizeof(scalar));
    if (!cella_tcrypto_p256_scalar_is_valid(scalar))
        goto out;
    if (p256->mul(point, sizeof(point), scalar, sizeof(scalar), CURVE) != 1) {
        status = SGX_ERROR_UNEXPECTED;
        goto out;
    }
    /* The shared secret is the x coordinate, little-endian as SGX returns it. */
    tcrypto_reverse(p_shared_key->s, point + 1, SGX_ECP256_KEY_SIZE);
    status = SGX_SUCCESS;
out:
    tcrypto_wipe(scalar, sizeof(scalar));
    tcrypto_wipe(point, sizeof(point));
    return status;
}

/* ---- ECDSA ---------------------------------------------------------------------------- */

sgx_status_t sgx_ecdsa_sign(const uint8_t *p_data, uint32_t data_size,
                            const sgx_ec256_private_t *p_private,
                            sgx_ec256_signature_t *p_signature, sgx_ecc_state_handle_t ecc_handle)
{
    sgx_status_t status = SGX_ERROR_INVALID_PARAMETER;
    uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES];
    uint8_t signature[2 * TCRYPTO_P256_SCALAR_BYTES];
    sgx_sha256_hash_t hash;

    if (p_data == NULL || data_size < 1 || data_size > TCRYPTO_MAX_LENGTH || p_private == NULL ||
        p_signature == NULL || !ecc_handle_valid(ecc_handle))
        return SGX_ERROR_INVALID_PARAMETER;

    tcrypto_reverse(scalar, p_private->r, sizeof(scalar));
    if (!cella_tcrypto_p256_scalar_is_valid(scalar))
        goto out;
    status = sgx_sha256_msg(p_data, data_size, &hash);
    if (status != SGX_SUCCESS)
        goto out;
    if (!cella_tcrypto_p256_sign_hash(scalar, hash, signature)) {
        status = SGX_ERROR_UNEXPECTED;
        goto out;
    }
    tcrypto_signature_to_sgx(signature, p_signature);
    status = SGX_SUCCESS;
out:
    tcrypto_wipe(scalar, sizeof(scalar));
    tcrypto_wipe(hash, sizeof(hash));
    return status;
}

sgx_status_t sgx_ecdsa_verify_hash(const uint8_t *hash, const sgx_ec256_public_t *p_public,
                                   const sgx_ec256_signature_t *p_signature, uint8_t *p_result,
                                   sgx_ecc_state_handle_t ecc_handle)
{
    uint8_t point[TCRYPTO_P256_POINT_BYTES];
    uint8_t signature[2 * TCRYPTO_P256_SCALAR_BYTES];

    if (hash == NULL || p_public == NULL || p_signature == NULL || p_result == NULL ||
        !ecc_handle_valid(ecc_handle))
        return SGX_ERROR_INVALID_PARAMETER;

    *p_result = SGX_EC_INVALID_SIGNATURE;
    tcrypto_point_from_sgx(p_public, point);
    if (!coordinates_below_p(point))
        return SGX_ERROR_INVALID_PARAMETER;
    tcrypto_signature_from_sgx(p_signature, signature);
    /* A key off the curve or a malformed signature verifies nothing: invalid, not an error. */
    if (cella_tcrypto_p256_verify_hash(point, hash, signature))
        *p_result = SGX_EC_VALID;
    return SGX_SUCCESS;
}

sgx_status_t sgx_ecdsa_verify(const uint8_t *p_data, uint32_t data_size,
                              const sgx_ec256_public_t *p_public,
                              const sgx_ec256_signature_t *p_signature, uint8_t *p_result,
                              sgx_ecc_state_handle_t ecc_handle)
{
    sgx_sha256_hash_t hash;

    if (p_data == NULL || data_size < 1 || data_size > TCRYPTO_MAX_LENGTH || p_public == NULL ||
        p_signature == NULL || p_result == NULL || !ecc_handle_valid(ecc_handle))
        return SGX_ERROR_INVALID_PARAMETER;
    if (sgx_sha256_msg(p_data, data_size, &hash) != SGX_SUCCESS)
        return SGX_ERROR_UNEXPECTED;
    return sgx_ecdsa_verify_hash(hash, p_public, p_signature, p_result, ecc_handle);
}
