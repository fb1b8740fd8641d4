/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/crypto/sha.c: SHA-256 against OpenSSL and FIPS 180 examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include <sgx_tcrypto.h>

#include "support.h"

static void openssl_sha256(const uint8_t *data, size_t size, uint8_t hash[32])
{
    unsigned int hash_size = 0;
    assert_int_equal(EVP_Digest(data, size, hash, &hash_size, EVP_sha256(), NULL), 1);
    assert_int_equal(hash_size, 32);
}

static void sha256_msg_matches_the_fips_180_examples(void **state)
{
    static const struct {
        const char *message;
        const char *hash;
    } cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sgx_sha256_hash_t hash;
        uint8_t expected[32];
        support_hex(cases[i].hash, expected, sizeof(expected));
        assert_int_equal(sgx_sha256_msg((const uint8_t *)cases[i].message,
                                        (uint32_t)strlen(cases[i].message), &hash),
                         SGX_SUCCESS);
        assert_memory_equal(hash, expected, sizeof(expected));
    }
}

static void sha256_msg_agrees_with_openssl_on_every_length_up_to_300(void **state)
{
    uint8_t data[300];
    (void)state;

    support_random(data, sizeof(data));
    for (size_t size = 0; size <= sizeof(data); size++) {
        sgx_sha256_hash_t hash;
        uint8_t expected[32];
        openssl_sha256(data, size, expected);
        assert_int_equal(sgx_sha256_msg(data, (uint32_t)size, &hash), SGX_SUCCESS);
        assert_memory_equal(hash, expected, sizeof(expected));
    }
}

static void streaming_sha256_in_any_chunks_equals_the_one_shot_hash(void **state)
{
    static const size_t chunk_sizes[] = {1, 3, 63, 64, 65, 200, 1000};
    uint8_t data[1000];
    uint8_t expected[32];
    (void)state;

    support_random(data, sizeof(data));
    openssl_sha256(data, sizeof(data), expected);
    for (size_t c = 0; c < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); c++) {
        sgx_sha_state_handle_t handle = NULL;
        sgx_sha256_hash_t hash;
        assert_int_equal(sgx_sha256_init(&handle), SGX_SUCCESS);
        for (size_t done = 0; done < sizeof(data);) {
            size_t take =
                sizeof(data) - done < chunk_sizes[c] ? sizeof(data) - done : chunk_sizes[c];
            assert_int_equal(sgx_sha256_update(data + done, (uint32_t)take, handle), SGX_SUCCESS);
            done += take;
        }
        assert_int_equal(sgx_sha256_get_hash(handle, &hash), SGX_SUCCESS);
        assert_memory_equal(hash, expected, sizeof(expected));
        assert_int_equal(sgx_sha256_close(handle), SGX_SUCCESS);
    }
}

static void get_hash_leaves_the_state_ready_for_more_data(void **state)
{
    sgx_sha_state_handle_t handle = NULL;
    sgx_sha256_hash_t first, second;
    uint8_t expected_first[32], expected_second[32];
    (void)state;

    openssl_sha256((const uint8_t *)"ab", 2, expected_first);
    openssl_sha256((const uint8_t *)"abcd", 4, expected_second);
    assert_int_equal(sgx_sha256_init(&handle), SGX_SUCCESS);
    assert_int_equal(sgx_sha256_update((const uint8_t *)"ab", 2, handle), SGX_SUCCESS);
    assert_int_equal(sgx_sha256_get_hash(handle, &first), SGX_SUCCESS);
    assert_int_equal(sgx_sha256_update((const uint8_t *)"cd", 2, handle), SGX_SUCCESS);
    assert_int_equal(sgx_sha256_get_hash(handle, &second), SGX_SUCCESS);
    assert_memory_equal(first, expected_first, 32);
    assert_memory_equal(second, expected_second, 32);
    assert_int_equal(sgx_sha256_close(handle), SGX_SUCCESS);
}

static void sha256_refuses_the_arguments_the_sdk_refuses(void **state)
{
    sgx_sha_state_handle_t handle = NULL;
    sgx_sha256_hash_t hash;
    const uint8_t byte = 0;
    (void)state;

    /* A NULL source is refused even for an empty message. */
    assert_int_equal(sgx_sha256_msg(NULL, 0, &hash), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_msg(&byte, 1, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_msg(&byte, 0x80000000u, &hash), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_init(NULL), SGX_ERROR_INVALID_PARAMETER);

    assert_int_equal(sgx_sha256_init(&handle), SGX_SUCCESS);
    assert_int_equal(sgx_sha256_update(NULL, 0, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_update(&byte, 1, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_update(&byte, 0x80000000u, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_get_hash(NULL, &hash), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_get_hash(handle, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_close(NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_close(handle), SGX_SUCCESS);
}

static void a_handle_of_another_kind_is_refused(void **state)
{
    sgx_cmac_128bit_key_t key = {0};
    sgx_cmac_state_handle_t cmac = NULL;
    sgx_sha256_hash_t hash;
    const uint8_t byte = 0;
    (void)state;

    assert_int_equal(sgx_cmac128_init(&key, &cmac), SGX_SUCCESS);
    assert_int_equal(sgx_sha256_update(&byte, 1, cmac), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_get_hash(cmac, &hash), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_sha256_close(cmac), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_close(cmac), SGX_SUCCESS);
}

static void sha256_init_reports_an_allocation_failure(void **state)
{
    sgx_sha_state_handle_t handle = (sgx_sha_state_handle_t)&handle;
    (void)state;

    support_fail_malloc(1);
    assert_int_equal(sgx_sha256_init(&handle), SGX_ERROR_OUT_OF_MEMORY);
    /* The handle is written only on success. */
    assert_ptr_equal(handle, (sgx_sha_state_handle_t)&handle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_msg_matches_the_fips_180_examples),
        cmocka_unit_test(sha256_msg_agrees_with_openssl_on_every_length_up_to_300),
        cmocka_unit_test(streaming_sha256_in_any_chunks_equals_the_one_shot_hash),
        cmocka_unit_test(get_hash_leaves_the_state_ready_for_more_data),
        cmocka_unit_test(sha256_refuses_the_arguments_the_sdk_refuses),
        cmocka_unit_test(a_handle_of_another_kind_is_refused),
        cmocka_unit_test(sha256_init_reports_an_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
