/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/internal.h: helpers shared by the trusted crypto sources (never installed). */
#ifndef CELLA_TCRYPTO_INTERNAL_H
#define CELLA_TCRYPTO_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Only the parts in use (bearssl.h would bring the TLS engine's headers too). */
#include <bearssl_block.h>
#include <bearssl_ec.h>
#include <bearssl_hash.h>
#include <bearssl_hmac.h>
#include <bearssl_rsa.h>

#include <sgx_tcrypto.h>

/*
 * The SDK hands many lengths to functions that take an int, so a uint32_t length above
 * INT_MAX turns negative there and is refused as a bad parameter. The same lengths are
 * refused here, so a caller sees the same status for the same input.
 */
#define TCRYPTO_MAX_LENGTH ((uint32_t)INT_MAX)

#define TCRYPTO_AES_BLOCK_BYTES 16

/*
 * Every heap state starts with one of these tags, so a handle of one kind passed where
 * another kind is expected (or a handle already closed and wiped) is refused instead of
 * being misread.
 */
#define TCRYPTO_TAG_SHA256 UINT64_C(0x3635326168732e63) /* "c.sha256" */
#define TCRYPTO_TAG_HMAC   UINT64_C(0x363532636d682e63) /* "c.hmc256" */
#define TCRYPTO_TAG_CMAC   UINT64_C(0x3832316361632e63) /* "c.cac128" */
#define TCRYPTO_TAG_ECC    UINT64_C(0x3635326363652e63) /* "c.ecc256" */

/*
 * Overwrites size bytes at p with zeros; the empty asm that may read all memory keeps the
 * compiler from dropping the stores when p dies right after (key schedules, scalars).
 */
static inline void tcrypto_wipe(void *p, size_t size)
{
    if (size == 0)
        return;
    memset(p, 0, size);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Whether the size bytes at a and b are equal, in time that depends on size only. */
static inline bool tcrypto_equal_ct(const void *a, const void *b, size_t size)
{
    const uint8_t *bytes_a = a;
    const uint8_t *bytes_b = b;
    unsigned int difference = 0;

    for (size_t i = 0; i < size; i++) {
        difference |= (unsigned int)(bytes_a[i] ^ bytes_b[i]);
        __asm__ __volatile__("" : "+r"(difference));
    }
    return difference == 0;
}

/* Whether the size bytes at p are all zero, in time that depends on size only. */
static inline bool tcrypto_is_zero(const void *p, size_t size)
{
    const uint8_t *bytes = p;
    unsigned int bits = 0;

    for (size_t i = 0; i < size; i++)
        bits |= bytes[i];
    return bits == 0;
}

/* Reverses size bytes from in into out (little-endian <-> big-endian); in != out. */
static inline void tcrypto_reverse(uint8_t *out, const uint8_t *in, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = in[size - 1 - i];
}

/* An SGX public key (little-endian gx, gy) as a SEC1 uncompressed point, and back. */
static inline void tcrypto_point_from_sgx(const sgx_ec256_public_t *public_key, uint8_t point[65])
{
    point[0] = 0x04;
    tcrypto_reverse(point + 1, public_key->gx, SGX_ECP256_KEY_SIZE);
    tcrypto_reverse(point + 1 + SGX_ECP256_KEY_SIZE, public_key->gy, SGX_ECP256_KEY_SIZE);
}

static inline void tcrypto_point_to_sgx(const uint8_t point[65], sgx_ec256_public_t *public_key)
{
    tcrypto_reverse(public_key->gx, point + 1, SGX_ECP256_KEY_SIZE);
    tcrypto_reverse(public_key->gy, point + 1 + SGX_ECP256_KEY_SIZE, SGX_ECP256_KEY_SIZE);
}

/*
 * An SGX signature (x and y as eight 32-bit words each, least significant first) as
 * r || s, 64 big-endian bytes, and back. Word arithmetic, so it holds on any byte order.
 */
static inline void tcrypto_signature_from_sgx(const sgx_ec256_signature_t *sgx_signature,
                                              uint8_t signature[64])
{
    for (size_t i = 0; i < 8; i++) {
        for (size_t j = 0; j < 4; j++) {
            signature[31 - 4 * i - j] = (uint8_t)(sgx_signature->x[i] >> (8 * j));
            signature[63 - 4 * i - j] = (uint8_t)(sgx_signature->y[i] >> (8 * j));
        }
    }
}

static inline void tcrypto_signature_to_sgx(const uint8_t signature[64],
                                            sgx_ec256_signature_t *sgx_signature)
{
    for (size_t i = 0; i < 8; i++) {
        sgx_signature->x[i] = 0;
        sgx_signature->y[i] = 0;
        for (size_t j = 0; j < 4; j++) {
            sgx_signature->x[i] |= (uint32_t)signature[31 - 4 * i - j] << (8 * j);
            sgx_signature->y[i] |= (uint32_t)signature[63 - 4 * i - j] << (8 * j);
        }
    }
}

/* AES-128 in CTR mode (BearSSL's 12-byte IV + 32-bit counter), hardware or portable. */
typedef union cella_tcrypto_aes_ctr {
    const br_block_ctr_class *vtable;
    br_aes_x86ni_ctr_keys x86ni;
    br_aes_ct64_ctr_keys ct64;
} cella_tcrypto_aes_ctr_t;

/* AES-128 CBC-MAC (BearSSL's CTR+CBC-MAC class), hardware or portable. */
typedef union cella_tcrypto_aes_cbcmac {
    const br_block_ctrcbc_class *vtable;
    br_aes_x86ni_ctrcbc_keys x86ni;
    br_aes_ct64_ctrcbc_keys ct64;
} cella_tcrypto_aes_cbcmac_t;

/*
 * Key schedules with AES-NI when the CPU has it, else the constant-time bitsliced ct64
 * code. The choice is made once (CPUID) and cached. Wipe the schedule when done.
 */
void cella_tcrypto_aes_ctr_init(cella_tcrypto_aes_ctr_t *keys, const uint8_t key[16]);
void cella_tcrypto_aes_cbcmac_init(cella_tcrypto_aes_cbcmac_t *keys, const uint8_t key[16]);

/* GHASH with PCLMULQDQ when the CPU has it, else BearSSL's constant-time ctmul64. */
br_ghash cella_tcrypto_ghash(void);

/*
 * For tests: false makes every later operation use the portable constant-time code even on
 * a CPU with AES-NI and PCLMULQDQ; true goes back to choosing by CPUID.
 */
void cella_tcrypto_set_hardware_allowed(bool allowed);

/* NIST P-256 with BearSSL's constant-time m31 code. */
#define TCRYPTO_P256_SCALAR_BYTES 32
#define TCRYPTO_P256_POINT_BYTES  65 /* SEC1 uncompressed: 0x04 || X || Y, big-endian */

/* Whether the big-endian scalar is a valid private key: 0 < scalar < n (constant time). */
CELLA_MUST_CHECK bool
cella_tcrypto_p256_scalar_is_valid(const uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES]);

/* Whether a SEC1 uncompressed encoding is a point of the curve (not the point at infinity). */
CELLA_MUST_CHECK bool
cella_tcrypto_p256_point_is_valid(const uint8_t point[TCRYPTO_P256_POINT_BYTES]);

/* ECDSA over a SHA-256 hash with a valid scalar; signature is r || s, big-endian. */
CELLA_MUST_CHECK bool
cella_tcrypto_p256_sign_hash(const uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES],
                             const uint8_t hash[SGX_SHA256_HASH_SIZE],
                             uint8_t signature[2 * TCRYPTO_P256_SCALAR_BYTES]);

/* Whether signature (r || s, big-endian) is valid for hash under point. */
CELLA_MUST_CHECK bool
cella_tcrypto_p256_verify_hash(const uint8_t point[TCRYPTO_P256_POINT_BYTES],
                               const uint8_t hash[SGX_SHA256_HASH_SIZE],
                               const uint8_t signature[2 * TCRYPTO_P256_SCALAR_BYTES]);

/* The public point of a valid scalar. */
void cella_tcrypto_p256_public_point(const uint8_t scalar[TCRYPTO_P256_SCALAR_BYTES],
                                     uint8_t point[TCRYPTO_P256_POINT_BYTES]);

#endif /* CELLA_TCRYPTO_INTERNAL_H */
