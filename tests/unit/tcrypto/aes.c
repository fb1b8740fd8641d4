/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/crypto/aes.c: AES-128-GCM and AES-128-CTR against NIST and OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include <sgx_tcrypto.h>

#include "support.h"
#include "trusted/crypto/internal.h"

/* ---- OpenSSL references --------------------------------------------------------------- */

static void openssl_gcm_encrypt(const uint8_t key[16], const uint8_t iv[12], const uint8_t *aad,
                                size_t aad_size, const uint8_t *plaintext, size_t size,
                                uint8_t *ciphertext, uint8_t tag[16])
{
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    int length = 0;

    assert_non_null(context);
    assert_int_equal(EVP_EncryptInit_ex(context, EVP_aes_128_gcm(), NULL, key, iv), 1);
    if (aad_size > 0)
        assert_int_equal(EVP_EncryptUpdate(context, NULL, &length, aad, (int)aad_size), 1);
    if (size > 0)
        assert_int_equal(EVP_EncryptUpdate(context, ciphertext, &length, plaintext, (int)size), 1);
    assert_int_equal(EVP_EncryptFinal_ex(context, ciphertext + size, &length), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
    EVP_CIPHER_CTX_free(context);
}

static void openssl_aes_block(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    int length = 0;

    assert_non_null(context);
    assert_int_equal(EVP_EncryptInit_ex(context, EVP_aes_128_ecb(), NULL, key, NULL), 1);
    EVP_CIPHER_CTX_set_padding(context, 0);
    assert_int_equal(EVP_EncryptUpdate(context, out, &length, in, 16), 1);
    assert_int_equal(length, 16);
    EVP_CIPHER_CTX_free(context);
}

/* ---- implementation choice ------------------------------------------------------------ */

static void aes_ni_and_pclmulqdq_are_used_where_the_cpu_has_them(void **state)
{
    static const uint8_t key[16] = {0};
    cella_tcrypto_aes_ctr_t ctr;
    cella_tcrypto_aes_cbcmac_t cbcmac;
    bool present = br_aes_x86ni_ctr_get_vtable() != NULL &&
                   br_aes_x86ni_ctrcbc_get_vtable() != NULL && br_ghash_pclmul_get() != NULL;
    (void)state;

    cella_tcrypto_set_hardware_allowed(true);
    cella_tcrypto_aes_ctr_init(&ctr, key);
    cella_tcrypto_aes_cbcmac_init(&cbcmac, key);
    print_message("this CPU %s AES-NI and PCLMULQDQ\n", present ? "has" : "lacks");
    assert_true(ctr.vtable == (present ? &br_aes_x86ni_ctr_vtable : &br_aes_ct64_ctr_vtable));
    assert_true(cbcmac.vtable ==
                (present ? &br_aes_x86ni_ctrcbc_vtable : &br_aes_ct64_ctrcbc_vtable));
    assert_true(cella_tcrypto_ghash() == (present ? br_ghash_pclmul : br_ghash_ctmul64));

    /* Forbidden, the constant-time portable code runs on any CPU. */
    cella_tcrypto_set_hardware_allowed(false);
    cella_tcrypto_aes_ctr_init(&ctr, key);
    cella_tcrypto_aes_cbcmac_init(&cbcmac, key);
    assert_true(ctr.vtable == &br_aes_ct64_ctr_vtable);
    assert_true(cbcmac.vtable == &br_aes_ct64_ctrcbc_vtable);
    assert_true(cella_tcrypto_ghash() == br_ghash_ctmul64);
    cella_tcrypto_set_hardware_allowed(true);
}

/* ---- AES-128-GCM ----------------------------------------------------------------------- */

typedef struct gcm_vector {
    const char *name;
    const char *key, *iv, *plaintext, *aad, *ciphertext, *tag;
} gcm_vector_t;

/* The AES-128 test cases 1-4 of the GCM specification (McGrew and Viega), NIST's examples. */
static const gcm_vector_t gcm_vectors[] = {
    {"empty message", "00000000000000000000000000000000", "000000000000000000000000", "", "", "",
     "58e2fccefa7e3061367f1d57a4e7455a"},
    {"one zero block", "00000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"four blocks", "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"partial block with AAD", "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
};

static void gcm_encrypt_and_decrypt_match_the_nist_vectors(void **state)
{
    (void)state;

    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        for (size_t v = 0; v < sizeof(gcm_vectors) / sizeof(gcm_vectors[0]); v++) {
            const gcm_vector_t *vector = &gcm_vectors[v];
            size_t size = strlen(vector->plaintext) / 2;
            size_t aad_size = strlen(vector->aad) / 2;
            sgx_aes_gcm_128bit_key_t key;
            uint8_t iv[12], aad[64], plaintext[64], expected[64], output[64];
            sgx_aes_gcm_128bit_tag_t tag, expected_tag;

            print_message("%s (%s)\n", vector->name, hardware ? "hardware" : "portable");
            support_hex(vector->key, key, sizeof(key));
            support_hex(vector->iv, iv, sizeof(iv));
            support_hex(vector->plaintext, plaintext, size);
            support_hex(vector->aad, aad, aad_size);
            support_hex(vector->ciphertext, expected, size);
            support_hex(vector->tag, expected_tag, sizeof(expected_tag));

            /* An empty message is authenticated through its (here empty) AAD buffer. */
            assert_int_equal(sgx_rijndael128GCM_encrypt(&key, size ? plaintext : NULL,
                                                        (uint32_t)size, output, iv, 12, aad,
                                                        (uint32_t)aad_size, &tag),
                             SGX_SUCCESS);
            assert_memory_equal(output, expected, size);
            assert_memory_equal(tag, expected_tag, sizeof(tag));

            memset(output, 0, sizeof(output));
            assert_int_equal(sgx_rijndael128GCM_decrypt(&key, size ? expected : NULL,
                                                        (uint32_t)size, output, iv, 12, aad,
                                                        (uint32_t)aad_size, &expected_tag),
                             SGX_SUCCESS);
            assert_memory_equal(output, plaintext, size);
        }
    }
}

static void gcm_agrees_with_openssl_on_many_lengths(void **state)
{
    static const size_t aad_sizes[] = {0, 1, 15, 16, 17, 100};
    uint8_t plaintext[300], aad[100], output[300], expected[300 + 16], decrypted[300];
    (void)state;

    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        for (size_t size = 0; size <= sizeof(plaintext); size += (size < 40 ? 1 : 37)) {
            for (size_t a = 0; a < sizeof(aad_sizes) / sizeof(aad_sizes[0]); a++) {
                sgx_aes_gcm_128bit_key_t key;
                sgx_aes_gcm_128bit_tag_t tag;
                uint8_t iv[12], expected_tag[16];
                size_t aad_size = aad_sizes[a];

                support_random(key, sizeof(key));
                support_random(iv, sizeof(iv));
                support_random(plaintext, size);
                support_random(aad, aad_size);
                openssl_gcm_encrypt(key, iv, aad, aad_size, plaintext, size, expected,
                                    expected_tag);

                assert_int_equal(sgx_rijndael128GCM_encrypt(&key, plaintext, (uint32_t)size, output,
                                                            iv, 12, aad, (uint32_t)aad_size, &tag),
                                 SGX_SUCCESS);
                assert_memory_equal(output, expected, size);
                assert_memory_equal(tag, expected_tag, 16);
                assert_int_equal(sgx_rijndael128GCM_decrypt(&key, output, (uint32_t)size, decrypted,
                                                            iv, 12, aad, (uint32_t)aad_size, &tag),
                                 SGX_SUCCESS);
                assert_memory_equal(decrypted, plaintext, size);
            }
        }
    }
}

static void gcm_works_in_place(void **state)
{
    sgx_aes_gcm_128bit_key_t key;
    sgx_aes_gcm_128bit_tag_t tag;
    uint8_t iv[12], plaintext[100], buffer[100], expected[100], expected_tag[16];
    (void)state;

    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        support_random(key, sizeof(key));
        support_random(iv, sizeof(iv));
        support_random(plaintext, sizeof(plaintext));
        openssl_gcm_encrypt(key, iv, NULL, 0, plaintext, sizeof(plaintext), expected, expected_tag);
        memcpy(buffer, plaintext, sizeof(buffer));
        assert_int_equal(
            sgx_rijndael128GCM_encrypt(&key, buffer, sizeof(buffer), buffer, iv, 12, NULL, 0, &tag),
            SGX_SUCCESS);
        assert_memory_equal(buffer, expected, sizeof(buffer));
        assert_int_equal(
            sgx_rijndael128GCM_decrypt(&key, buffer, sizeof(buffer), buffer, iv, 12, NULL, 0, &tag),
            SGX_SUCCESS);
        assert_memory_equal(buffer, plaintext, sizeof(buffer));
    }
}

/* Decrypts a copy of a good message with one thing changed; the tag must not match. */
static void gcm_decrypt_rejects_every_single_change_and_leaves_no_plaintext(void **state)
{
    sgx_aes_gcm_128bit_key_t key;
    sgx_aes_gcm_128bit_tag_t tag;
    uint8_t iv[12], aad[20], plaintext[50], ciphertext[50], output[50], zeros[50] = {0};
    (void)state;

    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        support_random(key, sizeof(key));
        support_random(iv, sizeof(iv));
        support_random(aad, sizeof(aad));
        memset(plaintext, 'p', sizeof(plaintext));
        assert_int_equal(sgx_rijndael128GCM_encrypt(&key, plaintext, sizeof(plaintext), ciphertext,
                                                    iv, 12, aad, sizeof(aad), &tag),
                         SGX_SUCCESS);

        /* where: 0 tag, 1 ciphertext, 2 AAD, 3 IV, 4 key; every byte of each. */
        for (int where = 0; where < 5; where++) {
            static const size_t sizes[] = {16, 50, 20, 12, 16};
            for (size_t i = 0; i < sizes[where]; i++) {
                sgx_aes_gcm_128bit_key_t bad_key;
                sgx_aes_gcm_128bit_tag_t bad_tag;
                uint8_t bad_iv[12], bad_aad[20], bad_ciphertext[50];
                memcpy(bad_key, key, 16);
                memcpy(bad_tag, tag, 16);
                memcpy(bad_iv, iv, 12);
                memcpy(bad_aad, aad, 20);
                memcpy(bad_ciphertext, ciphertext, 50);
                uint8_t *targets[] = {bad_tag, bad_ciphertext, bad_aad, bad_iv, bad_key};
                targets[where][i] ^= 0x01;

                memset(output, 0xa5, sizeof(output));
                assert_int_equal(sgx_rijndael128GCM_decrypt(&bad_key, bad_ciphertext, 50, output,
                                                            bad_iv, 12, bad_aad, 20, &bad_tag),
                                 SGX_ERROR_MAC_MISMATCH);
                assert_memory_equal(output, zeros, sizeof(output));
            }
        }
        /* A shorter ciphertext (truncation) fails too. */
        assert_int_equal(sgx_rijndael128GCM_decrypt(&key, ciphertext, 49, output, iv, 12, aad,
                                                    sizeof(aad), &tag),
                         SGX_ERROR_MAC_MISMATCH);
    }
}

static void gcm_refuses_the_arguments_the_sdk_refuses(void **state)
{
    sgx_aes_gcm_128bit_key_t key = {0};
    sgx_aes_gcm_128bit_tag_t tag = {0};
    uint8_t iv[12] = {0}, data[16] = {0}, out[16], aad[4] = {0};
    const struct {
        const char *what;
        const sgx_aes_gcm_128bit_key_t *key;
        const uint8_t *src;
        uint32_t src_len;
        uint8_t *dst;
        const uint8_t *iv;
        uint32_t iv_len;
        const uint8_t *aad;
        uint32_t aad_len;
        sgx_aes_gcm_128bit_tag_t *tag;
    } cases[] = {
        {"no key", NULL, data, 16, out, iv, 12, NULL, 0, &tag},
        {"no source", &key, NULL, 16, out, iv, 12, aad, 4, &tag},
        {"no destination", &key, data, 16, NULL, iv, 12, NULL, 0, &tag},
        {"no IV", &key, data, 16, out, NULL, 12, NULL, 0, &tag},
        {"IV of 16 bytes", &key, data, 16, out, iv, 16, NULL, 0, &tag},
        {"IV of 0 bytes", &key, data, 16, out, iv, 0, NULL, 0, &tag},
        {"no AAD though aad_len is 4", &key, data, 16, out, iv, 12, NULL, 4, &tag},
        {"no tag", &key, data, 16, out, iv, 12, NULL, 0, NULL},
        {"neither source nor AAD", &key, NULL, 0, out, iv, 12, NULL, 0, &tag},
        {"source length INT_MAX", &key, data, 0x7fffffffu, out, iv, 12, NULL, 0, &tag},
        {"AAD length INT_MAX", &key, data, 16, out, iv, 12, aad, 0x7fffffffu, &tag},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("%s\n", cases[i].what);
        assert_int_equal(sgx_rijndael128GCM_encrypt(cases[i].key, cases[i].src, cases[i].src_len,
                                                    cases[i].dst, cases[i].iv, cases[i].iv_len,
                                                    cases[i].aad, cases[i].aad_len, cases[i].tag),
                         SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(sgx_rijndael128GCM_decrypt(cases[i].key, cases[i].src, cases[i].src_len,
                                                    cases[i].dst, cases[i].iv, cases[i].iv_len,
                                                    cases[i].aad, cases[i].aad_len, cases[i].tag),
                         SGX_ERROR_INVALID_PARAMETER);
    }
}

static void gcm_authenticates_aad_alone_when_there_is_no_message(void **state)
{
    sgx_aes_gcm_128bit_key_t key;
    sgx_aes_gcm_128bit_tag_t tag;
    uint8_t iv[12], aad[33], expected_tag[16];
    (void)state;

    support_random(key, sizeof(key));
    support_random(iv, sizeof(iv));
    support_random(aad, sizeof(aad));
    openssl_gcm_encrypt(key, iv, aad, sizeof(aad), NULL, 0, NULL, expected_tag);
    assert_int_equal(
        sgx_rijndael128GCM_encrypt(&key, NULL, 0, NULL, iv, 12, aad, sizeof(aad), &tag),
        SGX_SUCCESS);
    assert_memory_equal(tag, expected_tag, 16);
    assert_int_equal(
        sgx_rijndael128GCM_decrypt(&key, NULL, 0, NULL, iv, 12, aad, sizeof(aad), &tag),
        SGX_SUCCESS);
    aad[32] ^= 0x80;
    assert_int_equal(
        sgx_rijndael128GCM_decrypt(&key, NULL, 0, NULL, iv, 12, aad, sizeof(aad), &tag),
        SGX_ERROR_MAC_MISMATCH);
}

/* ---- AES-128-CTR ----------------------------------------------------------------------- */

/*
 * The model of the SDK's counter: the low `bits` bits of the 128-bit big-endian block,
 * plus one per block, modulo 2^bits. Kept deliberately simple: one bit at a time.
 */
static void model_increment(uint8_t counter[16], unsigned int bits)
{
    for (unsigned int bit = 0; bit < bits; bit++) {
        uint8_t *byte = &counter[15 - bit / 8];
        uint8_t mask = (uint8_t)(1u << (bit % 8));
        *byte ^= mask;
        if (*byte & mask)
            break; /* the bit went 0 -> 1: no carry */
    }
}

static void model_ctr(const uint8_t key[16], const uint8_t *in, size_t size, uint8_t counter[16],
                      unsigned int bits, uint8_t *out)
{
    for (size_t done = 0; done < size; done += 16) {
        uint8_t stream[16];
        openssl_aes_block(key, counter, stream);
        for (size_t i = 0; i < 16 && done + i < size; i++)
            out[done + i] = in[done + i] ^ stream[i];
        model_increment(counter, bits);
    }
}

static void ctr_matches_the_nist_sp_800_38a_vector(void **state)
{
    sgx_aes_ctr_128bit_key_t key;
    uint8_t counter[16], plaintext[64], expected[64], output[64], expected_counter[16];
    (void)state;

    support_hex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    support_hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
                plaintext, 64);
    support_hex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
                "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",
                expected, 64);
    /* Four blocks past f0f1...feff: the low byte wraps and carries into the next. */
    support_hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdff03", expected_counter, 16);

    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        support_hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", counter, 16);
        assert_int_equal(sgx_aes_ctr_encrypt(&key, plaintext, 64, counter, 128, output),
                         SGX_SUCCESS);
        assert_memory_equal(output, expected, 64);
        assert_memory_equal(counter, expected_counter, 16);

        support_hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", counter, 16);
        assert_int_equal(sgx_aes_ctr_decrypt(&key, expected, 64, counter, 128, output),
                         SGX_SUCCESS);
        assert_memory_equal(output, plaintext, 64);
        assert_memory_equal(counter, expected_counter, 16);
    }
}

static void ctr_counts_only_in_the_low_ctr_inc_bits_and_wraps_there(void **state)
{
    static const unsigned int bit_counts[] = {1, 4, 8, 9, 13, 31, 32, 33, 63, 64, 65, 100, 128};
    /* Counter blocks close to where the window wraps, and some random ones. */
    static const char *starts[] = {
        "ffffffffffffffffffffffffffffffff", "00000000000000000000000000000000",
        "0123456789abcdeffedcba98fffffffe", "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5ff",
        "000000000000000000000000fffffff0", "0000000000000000fffffffffffffffd",
    };
    static const size_t sizes[] = {1, 15, 16, 17, 31, 32, 33, 64, 100, 257};
    uint8_t input[257], output[257], expected[257];
    (void)state;

    support_random(input, sizeof(input));
    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        sgx_aes_ctr_128bit_key_t key;
        support_random(key, sizeof(key));
        for (size_t b = 0; b < sizeof(bit_counts) / sizeof(bit_counts[0]); b++) {
            for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
                for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
                    unsigned int bits = bit_counts[b];
                    size_t size = sizes[z];
                    uint8_t counter[16], model_counter[16];
                    sgx_status_t status;

                    support_hex(starts[s], counter, 16);
                    memcpy(model_counter, counter, 16);
                    status =
                        sgx_aes_ctr_encrypt(&key, input, (uint32_t)size, counter, bits, output);
                    /* More blocks than the counter has values: refused, as in the SDK. */
                    if (bits < 32 && (size + 15) / 16 > (size_t)1 << bits) {
                        assert_int_equal(status, SGX_ERROR_INVALID_PARAMETER);
                        continue;
                    }
                    assert_int_equal(status, SGX_SUCCESS);
                    model_ctr(key, input, size, model_counter, bits, expected);
                    assert_memory_equal(output, expected, size);
                    assert_memory_equal(counter, model_counter, 16);
                }
            }
        }
    }
}

static void ctr_agrees_with_openssl_with_a_128_bit_counter(void **state)
{
    uint8_t input[1000], output[1000], expected[1000];
    (void)state;

    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        sgx_aes_ctr_128bit_key_t key;
        uint8_t counter[16], iv[16];
        EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
        int length = 0;

        support_random(key, sizeof(key));
        support_random(input, sizeof(input));
        support_random(counter, sizeof(counter));
        memset(counter + 8, 0xff, 7); /* a carry across the 32- and 64-bit boundaries */
        memcpy(iv, counter, 16);
        assert_non_null(context);
        assert_int_equal(EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), NULL, key, iv), 1);
        assert_int_equal(EVP_EncryptUpdate(context, expected, &length, input, sizeof(input)), 1);
        EVP_CIPHER_CTX_free(context);

        assert_int_equal(sgx_aes_ctr_encrypt(&key, input, sizeof(input), counter, 128, output),
                         SGX_SUCCESS);
        assert_memory_equal(output, expected, sizeof(output));
    }
}

static void ctr_calls_continue_the_stream_through_the_updated_counter(void **state)
{
    sgx_aes_ctr_128bit_key_t key;
    uint8_t input[96], whole[96], pieces[96], counter[16], start[16];
    (void)state;

    support_random(key, sizeof(key));
    support_random(input, sizeof(input));
    support_random(start, sizeof(start));
    memcpy(counter, start, 16);
    assert_int_equal(sgx_aes_ctr_encrypt(&key, input, 96, counter, 32, whole), SGX_SUCCESS);

    memcpy(counter, start, 16);
    assert_int_equal(sgx_aes_ctr_encrypt(&key, input, 32, counter, 32, pieces), SGX_SUCCESS);
    assert_int_equal(sgx_aes_ctr_encrypt(&key, input + 32, 48, counter, 32, pieces + 32),
                     SGX_SUCCESS);
    assert_int_equal(sgx_aes_ctr_encrypt(&key, input + 80, 16, counter, 32, pieces + 80),
                     SGX_SUCCESS);
    assert_memory_equal(pieces, whole, sizeof(whole));

    /* In place, decryption gives the input back. */
    memcpy(counter, start, 16);
    assert_int_equal(sgx_aes_ctr_decrypt(&key, whole, 96, counter, 32, whole), SGX_SUCCESS);
    assert_memory_equal(whole, input, sizeof(input));
}

static void ctr_refuses_the_arguments_the_sdk_refuses(void **state)
{
    sgx_aes_ctr_128bit_key_t key = {0};
    uint8_t data[64] = {0}, out[64], counter[16] = {0}, before[16];
    (void)state;

    memcpy(before, counter, 16);
    for (int decrypt = 0; decrypt < 2; decrypt++) {
        sgx_status_t (*ctr)(const sgx_aes_ctr_128bit_key_t *, const uint8_t *, const uint32_t,
                            uint8_t *, const uint32_t, uint8_t *) =
            decrypt ? sgx_aes_ctr_decrypt : sgx_aes_ctr_encrypt;
        assert_int_equal(ctr(NULL, data, 16, counter, 128, out), SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(ctr(&key, NULL, 16, counter, 128, out), SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(ctr(&key, data, 16, NULL, 128, out), SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(ctr(&key, data, 16, counter, 128, NULL), SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(ctr(&key, data, 0, counter, 128, out), SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(ctr(&key, data, 0x80000000u, counter, 128, out),
                         SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(ctr(&key, data, 16, counter, 0, out), SGX_ERROR_INVALID_PARAMETER);
        assert_int_equal(ctr(&key, data, 16, counter, 129, out), SGX_ERROR_INVALID_PARAMETER);
        /* Two counter bits give four blocks; five would repeat the key stream. */
        assert_int_equal(ctr(&key, data, 65, counter, 2, out), SGX_ERROR_INVALID_PARAMETER);
        assert_memory_equal(counter, before, 16);
        assert_int_equal(ctr(&key, data, 64, counter, 2, out), SGX_SUCCESS);
        /* Four blocks in a two-bit window bring the counter back to where it started. */
        assert_memory_equal(counter, before, 16);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aes_ni_and_pclmulqdq_are_used_where_the_cpu_has_them),
        cmocka_unit_test(gcm_encrypt_and_decrypt_match_the_nist_vectors),
        cmocka_unit_test(gcm_agrees_with_openssl_on_many_lengths),
        cmocka_unit_test(gcm_works_in_place),
        cmocka_unit_test(gcm_decrypt_rejects_every_single_change_and_leaves_no_plaintext),
        cmocka_unit_test(gcm_refuses_the_arguments_the_sdk_refuses),
        cmocka_unit_test(gcm_authenticates_aad_alone_when_there_is_no_message),
        cmocka_unit_test(ctr_matches_the_nist_sp_800_38a_vector),
        cmocka_unit_test(ctr_counts_only_in_the_low_ctr_inc_bits_and_wraps_there),
        cmocka_unit_test(ctr_agrees_with_openssl_with_a_128_bit_counter),
        cmocka_unit_test(ctr_calls_continue_the_stream_through_the_updated_counter),
        cmocka_unit_test(ctr_refuses_the_arguments_the_sdk_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
