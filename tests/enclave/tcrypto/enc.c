/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/tcrypto/enc.c: sgx_tcrypto.h and cella/crypto.h called from enclave code. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cella/crypto.h>
#include <sgx_tcrypto.h>

#include "tcrypto_t.h"

/*
 * Published known answers (FIPS 180-2, the GCM specification's test case 4, RFC 4493,
 * RFC 4231 case 2, NIST SP 800-38A F.5.1, RFC 5869 case 1, RFC 6979 A.2.5), so the check
 * needs nothing from the host.
 */

static int hex_digit(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Lower-case hex into out; the strings here are constants of the right length. */
static void hex(const char *text, uint8_t *out, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = (uint8_t)(hex_digit(text[2 * i]) << 4 | hex_digit(text[2 * i + 1]));
}

static int check_sha256(void)
{
    sgx_sha_state_handle_t handle = NULL;
    sgx_sha256_hash_t hash, streamed;
    uint8_t expected[32];

    hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", expected, 32);
    if (sgx_sha256_msg((const uint8_t *)"abc", 3, &hash) != SGX_SUCCESS)
        return 0;
    if (sgx_sha256_init(&handle) != SGX_SUCCESS)
        return 0;
    int ok = sgx_sha256_update((const uint8_t *)"a", 1, handle) == SGX_SUCCESS &&
             sgx_sha256_update((const uint8_t *)"bc", 2, handle) == SGX_SUCCESS &&
             sgx_sha256_get_hash(handle, &streamed) == SGX_SUCCESS;
    ok = sgx_sha256_close(handle) == SGX_SUCCESS && ok;
    return ok && memcmp(hash, expected, 32) == 0 && memcmp(streamed, expected, 32) == 0;
}

static int check_gcm(void)
{
    sgx_aes_gcm_128bit_key_t key;
    sgx_aes_gcm_128bit_tag_t tag, expected_tag;
    uint8_t iv[12], aad[20], plaintext[60], expected[60], output[60];

    hex("feffe9928665731c6d6a8f9467308308", key, 16);
    hex("cafebabefacedbaddecaf888", iv, 12);
    hex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, 20);
    hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        plaintext, 60);
    hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        expected, 60);
    hex("5bc94fbc3221a5db94fae95ae7121a47", expected_tag, 16);

    if (sgx_rijndael128GCM_encrypt((const sgx_aes_gcm_128bit_key_t *)&key, plaintext, 60, output,
                                   iv, 12, aad, 20, &tag) != SGX_SUCCESS ||
        memcmp(output, expected, 60) != 0 || memcmp(tag, expected_tag, 16) != 0)
        return 0;
    if (sgx_rijndael128GCM_decrypt((const sgx_aes_gcm_128bit_key_t *)&key, expected, 60, output, iv,
                                   12, aad, 20,
                                   (const sgx_aes_gcm_128bit_tag_t *)&tag) != SGX_SUCCESS ||
        memcmp(output, plaintext, 60) != 0)
        return 0;
    tag[0] ^= 1;
    return sgx_rijndael128GCM_decrypt((const sgx_aes_gcm_128bit_key_t *)&key, expected, 60, output,
                                      iv, 12, aad, 20, (const sgx_aes_gcm_128bit_tag_t *)&tag) ==
           SGX_ERROR_MAC_MISMATCH;
}

static int check_cmac_and_ctr(void)
{
    sgx_cmac_128bit_key_t key;
    sgx_cmac_128bit_tag_t tag;
    uint8_t message[64], expected_tag[16], counter[16], output[64], expected[64];

    hex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
        "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
        message, 64);
    hex("51f0bebf7e3b9d92fc49741779363cfe", expected_tag, 16);
    if (sgx_rijndael128_cmac_msg((const sgx_cmac_128bit_key_t *)&key, message, 64, &tag) !=
            SGX_SUCCESS ||
        memcmp(tag, expected_tag, 16) != 0)
        return 0;

    hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", counter, 16);
    hex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
        "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",
        expected, 64);
    return sgx_aes_ctr_encrypt((const sgx_aes_ctr_128bit_key_t *)&key, message, 64, counter, 128,
                               output) == SGX_SUCCESS &&
           memcmp(output, expected, 64) == 0;
}

static int check_hmac_and_hkdf(void)
{
    uint8_t mac[32], expected[42], ikm[22], salt[13], info[10], okm[42];

    hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", expected, 32);
    if (sgx_hmac_sha256_msg((const unsigned char *)"what do ya want for nothing?", 28,
                            (const unsigned char *)"Jefe", 4, mac, 32) != SGX_SUCCESS ||
        memcmp(mac, expected, 32) != 0)
        return 0;

    memset(ikm, 0x0b, sizeof(ikm));
    hex("000102030405060708090a0b0c", salt, 13);
    hex("f0f1f2f3f4f5f6f7f8f9", info, 10);
    hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        expected, 42);
    return cella_crypto_hkdf_sha256(salt, 13, ikm, 22, info, 10, okm, 42) == CELLA_OK &&
           memcmp(okm, expected, 42) == 0;
}

static int check_ecc(void)
{
    sgx_ecc_state_handle_t context = NULL;
    sgx_ec256_private_t a_private, b_private;
    sgx_ec256_public_t a_public, b_public;
    sgx_ec256_dh_shared_t ab, ba;
    sgx_ec256_signature_t signature;
    uint8_t result = SGX_EC_INVALID_SIGNATURE;
    int ok = 0;

    if (sgx_ecc256_open_context(&context) != SGX_SUCCESS)
        return 0;
    if (sgx_ecc256_create_key_pair(&a_private, &a_public, context) == SGX_SUCCESS &&
        sgx_ecc256_create_key_pair(&b_private, &b_public, context) == SGX_SUCCESS &&
        sgx_ecc256_compute_shared_dhkey(&a_private, &b_public, &ab, context) == SGX_SUCCESS &&
        sgx_ecc256_compute_shared_dhkey(&b_private, &a_public, &ba, context) == SGX_SUCCESS &&
        sgx_ecdsa_sign((const uint8_t *)"enclave", 7, &a_private, &signature, context) ==
            SGX_SUCCESS &&
        sgx_ecdsa_verify((const uint8_t *)"enclave", 7, &a_public, &signature, &result, context) ==
            SGX_SUCCESS)
        ok = memcmp(ab.s, ba.s, sizeof(ab.s)) == 0 && result == SGX_EC_VALID;
    if (sgx_ecc256_close_context(context) != SGX_SUCCESS)
        return 0;
    return ok;
}

static int check_deterministic_p256(void)
{
    uint8_t private_key[32], public_key[65], signature[64], expected[64];

    hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", private_key, 32);
    hex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
        "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
        expected, 64);
    return cella_crypto_p256_sign(private_key, (const uint8_t *)"sample", 6, signature) ==
               CELLA_OK &&
           memcmp(signature, expected, 64) == 0 &&
           cella_crypto_p256_get_public_key(private_key, public_key) == CELLA_OK &&
           cella_crypto_p256_verify(public_key, (const uint8_t *)"sample", 6, signature) ==
               CELLA_OK;
}

int ecall_self_check(void)
{
    int (*const checks[])(void) = {check_sha256,        check_gcm, check_cmac_and_ctr,
                                   check_hmac_and_hkdf, check_ecc, check_deterministic_p256};

    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
        if (!checks[i]())
            return (int)i + 1;
    return 0;
}

int ecall_sign(const uint8_t *message, size_t size, uint8_t *public_key, uint8_t *signature)
{
    sgx_ecc_state_handle_t context = NULL;
    sgx_ec256_private_t private_key;
    sgx_ec256_public_t public_value;
    sgx_ec256_signature_t signature_value;
    sgx_status_t status;

    if (message == NULL || size == 0 || size > UINT32_MAX || public_key == NULL ||
        signature == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    status = sgx_ecc256_open_context(&context);
    if (status != SGX_SUCCESS)
        return status;
    status = sgx_ecc256_create_key_pair(&private_key, &public_value, context);
    if (status == SGX_SUCCESS)
        status = sgx_ecdsa_sign(message, (uint32_t)size, &private_key, &signature_value, context);
    memset(&private_key, 0, sizeof(private_key));
    if (sgx_ecc256_close_context(context) != SGX_SUCCESS && status == SGX_SUCCESS)
        status = SGX_ERROR_UNEXPECTED;
    if (status != SGX_SUCCESS)
        return status;
    memcpy(public_key, &public_value, 64);
    memcpy(signature, &signature_value, 64);
    return SGX_SUCCESS;
}
