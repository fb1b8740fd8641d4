/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/crypto/aes.c: AES-128-GCM and AES-128-CTR of sgx_tcrypto.h, over BearSSL. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sgx_tcrypto.h>

#include "internal.h"

/* ---- implementation choice ----------------------------------------------------------- */

/*
 * 0: not decided yet; 1: AES-NI and PCLMULQDQ where present; 2: portable code only.
 * Threads may race to decide: they all store the same answer, through atomics.
 */
enum { CHOICE_UNKNOWN = 0, CHOICE_HARDWARE = 1, CHOICE_PORTABLE = 2 };
static int hardware_choice;
static bool hardware_forbidden;

static bool use_hardware(void)
{
    int choice = __atomic_load_n(&hardware_choice, __ATOMIC_ACQUIRE);

    if (choice == CHOICE_UNKNOWN) {
        /* Each runs CPUID and gives NULL on a CPU without the instructions. */
        bool present = br_aes_x86ni_ctr_get_vtable() != NULL &&
                       br_aes_x86ni_ctrcbc_get_vtable() != NULL && br_ghash_pclmul_get() != NULL;
        bool forbidden = __atomic_load_n(&hardware_forbidden, __ATOMIC_ACQUIRE);
        choice = present && !forbidden ? CHOICE_HARDWARE : CHOICE_PORTABLE;
        __atomic_store_n(&hardware_choice, choice, __ATOMIC_RELEASE);
    }
    return choice == CHOICE_HARDWARE;
}

void cella_tcrypto_set_hardware_allowed(bool allowed)
{
    __atomic_store_n(&hardware_forbidden, !allowed, __ATOMIC_RELEASE);
    __atomic_store_n(&hardware_choice, CHOICE_UNKNOWN, __ATOMIC_RELEASE);
}

void cella_tcrypto_aes_ctr_init(cella_tcrypto_aes_ctr_t *keys, const uint8_t key[16])
{
    if (use_hardware())
        br_aes_x86ni_ctr_init(&keys->x86ni, key, 16);
    else
        br_aes_ct64_ctr_init(&keys->ct64, key, 16);
}

void cella_tcrypto_aes_cbcmac_init(cella_tcrypto_aes_cbcmac_t *keys, const uint8_t key[16])
{
    if (use_hardware())
        br_aes_x86ni_ctrcbc_init(&keys->x86ni, key, 16);
    else
        br_aes_ct64_ctrcbc_init(&keys->ct64, key, 16);
}

br_ghash cella_tcrypto_ghash(void)
{
    return use_hardware() ? br_ghash_pclmul : br_ghash_ctmul64;
}

/* ---- AES-128-GCM ----------------------------------------------------------------------- */

static void store_be64(uint8_t out[8], uint64_t value)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)value;
        value >>= 8;
    }
}

/* AES-GCM with a 96-bit IV (NIST SP 800-38D): J0 = IV || 1, data blocks count from 2. */
typedef struct gcm {
    cella_tcrypto_aes_ctr_t aes;
    br_ghash ghash;
    uint8_t hash_key[16]; /* H = E(K, 0^128) */
    uint8_t iv[SGX_AESGCM_IV_SIZE];
} gcm_t;

static void gcm_init(gcm_t *gcm, const uint8_t key[SGX_AESGCM_KEY_SIZE],
                     const uint8_t iv[SGX_AESGCM_IV_SIZE])
{
    static const uint8_t zero_iv[SGX_AESGCM_IV_SIZE];

    cella_tcrypto_aes_ctr_init(&gcm->aes, key);
    gcm->ghash = cella_tcrypto_ghash();
    memset(gcm->hash_key, 0, sizeof(gcm->hash_key));
    (void)gcm->aes.vtable->run(&gcm->aes.vtable, zero_iv, 0, gcm->hash_key, 16);
    memcpy(gcm->iv, iv, sizeof(gcm->iv));
}

/* The tag over aad and ciphertext: GHASH(H, A, C, lengths) xor E(K, J0). */
static void gcm_tag(const gcm_t *gcm, const uint8_t *aad, size_t aad_size,
                    const uint8_t *ciphertext, size_t ciphertext_size, uint8_t tag[16])
{
    uint8_t lengths[16];
    uint8_t mask[16];

    memset(tag, 0, 16);
    /* GHASH pads a partial last block with zeros, as GCM does. */
    if (aad_size > 0)
        gcm->ghash(tag, gcm->hash_key, aad, aad_size);
    if (ciphertext_size > 0)
        gcm->ghash(tag, gcm->hash_key, ciphertext, ciphertext_size);
    store_be64(lengths, (uint64_t)aad_size * 8);
    store_be64(lengths + 8, (uint64_t)ciphertext_size * 8);
    gcm->ghash(tag, gcm->hash_key, lengths, sizeof(lengths));

    memset(mask, 0, sizeof(mask));
    (void)gcm->aes.vtable->run(&gcm->aes.vtable, gcm->iv, 1, mask, sizeof(mask));
    for (size_t i = 0; i < 16; i++)
        tag[i] ^= mask[i];
    tcrypto_wipe(mask, sizeof(mask));
}

/* Encrypts or decrypts size bytes at data in place (the counter starts at 2). */
static void gcm_crypt(const gcm_t *gcm, uint8_t *data, size_t size)
{
    if (size > 0)
        (void)gcm->aes.vtable->run(&gcm->aes.vtable, gcm->iv, 2, data, size);
}

/*
 * The SDK's checks: the IV is 12 bytes; lengths stay below INT_MAX; a non-empty source
 * needs both buffers, non-empty AAD needs its pointer, and at least one of source and AAD
 * must be given (an empty message is authenticated through its AAD).
 */
static bool gcm_arguments_valid(const void *key, const uint8_t *src, uint32_t src_len,
                                const uint8_t *dst, const uint8_t *iv, uint32_t iv_len,
                                const uint8_t *aad, uint32_t aad_len, const void *mac)
{
    if (key == NULL || iv == NULL || mac == NULL || iv_len != SGX_AESGCM_IV_SIZE)
        return false;
    if (src_len >= TCRYPTO_MAX_LENGTH || aad_len >= TCRYPTO_MAX_LENGTH)
        return false;
    if (src_len > 0 && (src == NULL || dst == NULL))
        return false;
    if (aad_len > 0 && aad == NULL)
        return false;
    return !(src == NULL && aad == NULL);
}

sgx_status_t sgx_rijndael128GCM_encrypt(const sgx_aes_gcm_128bit_key_t *p_key, const uint8_t *p_src,
                                        uint32_t src_len, uint8_t *p_dst, const uint8_t *p_iv,
                                        uint32_t iv_len, const uint8_t *p_aad, uint32_t aad_len,
                                        sgx_aes_gcm_128bit_tag_t *p_out_mac)
{
    gcm_t gcm;

    if (!gcm_arguments_valid(p_key, p_src, src_len, p_dst, p_iv, iv_len, p_aad, aad_len, p_out_mac))
        return SGX_ERROR_INVALID_PARAMETER;

    gcm_init(&gcm, *p_key, p_iv);
    /* In place in the destination: memmove also serves a destination that overlaps. */
    if (src_len > 0) {
        memmove(p_dst, p_src, src_len);
        gcm_crypt(&gcm, p_dst, src_len);
    }
    gcm_tag(&gcm, p_aad, aad_len, p_dst, src_len, *p_out_mac);
    tcrypto_wipe(&gcm, sizeof(gcm));
    return SGX_SUCCESS;
}

sgx_status_t sgx_rijndael128GCM_decrypt(const sgx_aes_gcm_128bit_key_t *p_key, const uint8_t *p_src,
                                        uint32_t src_len, uint8_t *p_dst, const uint8_t *p_iv,
                                        uint32_t iv_len, const uint8_t *p_aad, uint32_t aad_len,
                                        const sgx_aes_gcm_128bit_tag_t *p_in_mac)
{
    sgx_status_t status = SGX_ERROR_MAC_MISMATCH;
    uint8_t expected[SGX_AESGCM_MAC_SIZE];
    gcm_t gcm;

    if (!gcm_arguments_valid(p_key, p_src, src_len, p_dst, p_iv, iv_len, p_aad, aad_len, p_in_mac))
        return SGX_ERROR_INVALID_PARAMETER;

    /*
     * The tag is checked over the ciphertext before anything is decrypted, so a forged
     * message never becomes plaintext, not even for a moment in the caller's buffer.
     */
    gcm_init(&gcm, *p_key, p_iv);
    gcm_tag(&gcm, p_aad, aad_len, p_src, src_len, expected);
    if (!tcrypto_equal_ct(expected, *p_in_mac, sizeof(expected))) {
        /* As the SDK leaves it: the destination zeroed. */
        if (src_len > 0)
            memset(p_dst, 0, src_len);
        goto out;
    }
    if (src_len > 0) {
        memmove(p_dst, p_src, src_len);
        gcm_crypt(&gcm, p_dst, src_len);
    }
    status = SGX_SUCCESS;
out:
    tcrypto_wipe(&gcm, sizeof(gcm));
    tcrypto_wipe(expected, sizeof(expected));
    return status;
}

/* ---- AES-128-CTR ----------------------------------------------------------------------- */

/*
 * Adds count to the counter formed by the low `bits` bits of the big-endian 128-bit block,
 * modulo 2^bits; the bits above stay as they are (the SDK's counter rule).
 */
static void counter_add(uint8_t block[16], uint32_t bits, uint64_t count)
{
    unsigned int carry = 0;

    for (int i = 15; i >= 0 && bits > 0; i--) {
        unsigned int width = bits >= 8 ? 8u : bits;
        unsigned int mask = (1u << width) - 1u;
        unsigned int sum = (block[i] & mask) + (unsigned int)(count & 0xffu) + carry;

        block[i] = (uint8_t)((block[i] & ~mask) | (sum & mask));
        carry = sum >> 8;
        count >>= 8;
        bits -= width;
    }
}

static uint32_t load_be32(const uint8_t in[4])
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

/*
 * CTR with the SDK's counter semantics: the 16-byte counter block is big-endian; only its
 * low ctr_inc_bits bits count (wrapping within them); it is advanced by one per block,
 * a partial last block included, and written back. BearSSL's CTR runs a 96-bit IV with a
 * 32-bit counter, so the data is cut into runs in which only the low 32 bits change and
 * never leave the window, and the counter is carried between runs here.
 */
static sgx_status_t aes_ctr(const sgx_aes_ctr_128bit_key_t *p_key, const uint8_t *p_src,
                            uint32_t src_len, uint8_t *p_ctr, uint32_t ctr_inc_bits, uint8_t *p_dst)
{
    cella_tcrypto_aes_ctr_t aes;
    uint8_t counter[16];
    uint64_t blocks = ((uint64_t)src_len + 15) / 16;
    size_t done = 0;

    if (p_key == NULL || p_src == NULL || p_ctr == NULL || p_dst == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    if (src_len == 0 || src_len > TCRYPTO_MAX_LENGTH)
        return SGX_ERROR_INVALID_PARAMETER;
    if (ctr_inc_bits < 1 || ctr_inc_bits > 128)
        return SGX_ERROR_INVALID_PARAMETER;
    /* More blocks than the counter has values would reuse key stream: refused. */
    if (ctr_inc_bits < 32 && blocks > (UINT64_C(1) << ctr_inc_bits))
        return SGX_ERROR_INVALID_PARAMETER;

    cella_tcrypto_aes_ctr_init(&aes, *p_key);
    memcpy(counter, p_ctr, sizeof(counter));
    memmove(p_dst, p_src, src_len);
    while (done < src_len) {
        uint32_t low = load_be32(counter + 12);
        uint64_t room;
        if (ctr_inc_bits >= 32)
            room = (UINT64_C(1) << 32) - low;
        else
            room = (UINT64_C(1) << ctr_inc_bits) - (low & ((UINT32_C(1) << ctr_inc_bits) - 1));
        size_t left = src_len - done;
        uint64_t left_blocks = ((uint64_t)left + 15) / 16;
        uint64_t run_blocks = left_blocks < room ? left_blocks : room;
        size_t run_bytes = run_blocks == left_blocks ? left : (size_t)run_blocks * 16;

        (void)aes.vtable->run(&aes.vtable, counter, low, p_dst + done, run_bytes);
        counter_add(counter, ctr_inc_bits, run_blocks);
        done += run_bytes;
    }
    memcpy(p_ctr, counter, sizeof(counter));
    tcrypto_wipe(&aes, sizeof(aes));
    return SGX_SUCCESS;
}

sgx_status_t sgx_aes_ctr_encrypt(const sgx_aes_ctr_128bit_key_t *p_key, const uint8_t *p_src,
                                 const uint32_t src_len, uint8_t *p_ctr,
                                 const uint32_t ctr_inc_bits, uint8_t *p_dst)
{
    return aes_ctr(p_key, p_src, src_len, p_ctr, ctr_inc_bits, p_dst);
}

sgx_status_t sgx_aes_ctr_decrypt(const sgx_aes_ctr_128bit_key_t *p_key, const uint8_t *p_src,
                                 const uint32_t src_len, uint8_t *p_ctr,
                                 const uint32_t ctr_inc_bits, uint8_t *p_dst)
{
    return aes_ctr(p_key, p_src, src_len, p_ctr, ctr_inc_bits, p_dst);
}
