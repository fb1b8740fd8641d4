/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/crypto/mac.c: AES-CMAC (RFC 4493) and HMAC-SHA256 (RFC 4231), OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sgx_tcrypto.h>

#include "support.h"
#include "trusted/crypto/internal.h"

static void openssl_cmac(const uint8_t key[16], const uint8_t *data, size_t size, uint8_t tag[16])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *context = NULL;
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t tag_size = 0;

    assert_non_null(mac);
    context = EVP_MAC_CTX_new(mac);
    assert_non_null(context);
    assert_int_equal(EVP_MAC_init(context, key, 16, params), 1);
    assert_int_equal(EVP_MAC_update(context, data, size), 1);
    assert_int_equal(EVP_MAC_final(context, tag, &tag_size, 16), 1);
    assert_int_equal(tag_size, 16);
    EVP_MAC_CTX_free(context);
    EVP_MAC_free(mac);
}

/* ---- AES-128-CMAC ---------------------------------------------------------------------- */

static void cmac_matches_the_rfc_4493_examples(void **state)
{
    static const struct {
        size_t size;
        const char *tag;
    } cases[] = {
        {0, "bb1d6929e95937287fa37d129b756746"},
        {16, "070a16b46b4d4144f79bdd9dd04a287c"},
        {40, "dfa66747de9ae63030ca32611497c827"},
        {64, "51f0bebf7e3b9d92fc49741779363cfe"},
    };
    sgx_cmac_128bit_key_t key;
    uint8_t message[64];
    (void)state;

    support_hex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    support_hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
                message, 64);
    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            sgx_cmac_128bit_tag_t tag;
            uint8_t expected[16];
            support_hex(cases[i].tag, expected, 16);
            assert_int_equal(sgx_rijndael128_cmac_msg(&key, message, (uint32_t)cases[i].size, &tag),
                             SGX_SUCCESS);
            assert_memory_equal(tag, expected, 16);
        }
    }
}

static void streaming_cmac_in_any_chunks_agrees_with_openssl(void **state)
{
    static const size_t chunk_sizes[] = {1, 5, 15, 16, 17, 32, 33, 1000};
    uint8_t message[200];
    (void)state;

    FOR_EACH_AES_IMPLEMENTATION(hardware)
    {
        sgx_cmac_128bit_key_t key;
        support_random(key, sizeof(key));
        support_random(message, sizeof(message));
        for (size_t size = 0; size <= sizeof(message); size += (size < 70 ? 1 : 13)) {
            uint8_t expected[16];
            sgx_cmac_128bit_tag_t tag;
            openssl_cmac(key, message, size, expected);

            assert_int_equal(sgx_rijndael128_cmac_msg(&key, message, (uint32_t)size, &tag),
                             SGX_SUCCESS);
            assert_memory_equal(tag, expected, 16);

            for (size_t c = 0; c < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); c++) {
                sgx_cmac_state_handle_t handle = NULL;
                assert_int_equal(sgx_cmac128_init(&key, &handle), SGX_SUCCESS);
                for (size_t done = 0; done < size;) {
                    size_t take = size - done < chunk_sizes[c] ? size - done : chunk_sizes[c];
                    assert_int_equal(sgx_cmac128_update(message + done, (uint32_t)take, handle),
                                     SGX_SUCCESS);
                    done += take;
                }
                memset(tag, 0, sizeof(tag));
                assert_int_equal(sgx_cmac128_final(handle, &tag), SGX_SUCCESS);
                assert_memory_equal(tag, expected, 16);
                assert_int_equal(sgx_cmac128_close(handle), SGX_SUCCESS);
            }
        }
    }
}

static void cmac_final_starts_a_new_message_under_the_same_key(void **state)
{
    sgx_cmac_128bit_key_t key;
    sgx_cmac_state_handle_t handle = NULL;
    sgx_cmac_128bit_tag_t first, second;
    uint8_t expected_first[16], expected_second[16];
    (void)state;

    support_random(key, sizeof(key));
    openssl_cmac(key, (const uint8_t *)"first message", 13, expected_first);
    openssl_cmac(key, (const uint8_t *)"second", 6, expected_second);
    assert_int_equal(sgx_cmac128_init(&key, &handle), SGX_SUCCESS);
    assert_int_equal(sgx_cmac128_update((const uint8_t *)"first message", 13, handle), SGX_SUCCESS);
    assert_int_equal(sgx_cmac128_final(handle, &first), SGX_SUCCESS);
    assert_int_equal(sgx_cmac128_update((const uint8_t *)"second", 6, handle), SGX_SUCCESS);
    assert_int_equal(sgx_cmac128_final(handle, &second), SGX_SUCCESS);
    assert_memory_equal(first, expected_first, 16);
    assert_memory_equal(second, expected_second, 16);
    assert_int_equal(sgx_cmac128_close(handle), SGX_SUCCESS);
}

static void cmac_refuses_the_arguments_the_sdk_refuses(void **state)
{
    sgx_cmac_128bit_key_t key = {0};
    sgx_cmac_128bit_tag_t tag;
    sgx_cmac_state_handle_t handle = NULL, untouched = (sgx_cmac_state_handle_t)&key;
    const uint8_t byte = 0;
    (void)state;

    assert_int_equal(sgx_rijndael128_cmac_msg(NULL, &byte, 1, &tag), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rijndael128_cmac_msg(&key, NULL, 0, &tag), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rijndael128_cmac_msg(&key, &byte, 1, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_rijndael128_cmac_msg(&key, &byte, 0x80000000u, &tag),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_init(NULL, &handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_init(&key, NULL), SGX_ERROR_INVALID_PARAMETER);

    support_fail_malloc(1);
    assert_int_equal(sgx_cmac128_init(&key, &untouched), SGX_ERROR_OUT_OF_MEMORY);
    assert_ptr_equal(untouched, (sgx_cmac_state_handle_t)&key);

    assert_int_equal(sgx_cmac128_init(&key, &handle), SGX_SUCCESS);
    assert_int_equal(sgx_cmac128_update(NULL, 1, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_update(&byte, 1, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_update(&byte, 0x80000000u, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_final(NULL, &tag), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_final(handle, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_close(NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_cmac128_close(handle), SGX_SUCCESS);
}

/* ---- HMAC-SHA256 ----------------------------------------------------------------------- */

/* RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 is a truncation check, done below). */
static const struct {
    const char *key;
    const char *data;
    const char *mac;
} rfc4231[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddddddddddddddddddddddddddddd",
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {"0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaa",
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
     "65204b6579202d2048617368204b6579204669727374",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaa",
     "5468697320697320612074657374207573696e672061206c6172676572207468"
     "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
     "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
     "647320746f20626520686173686564206265666f7265206265696e6720757365"
     "642062792074686520484d414320616c676f726974686d2e",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
};

static void hmac_matches_the_rfc_4231_examples_one_shot_and_streaming(void **state)
{
    uint8_t key[131], data[152], expected[32], mac[32];
    (void)state;

    for (size_t i = 0; i < sizeof(rfc4231) / sizeof(rfc4231[0]); i++) {
        size_t key_size = strlen(rfc4231[i].key) / 2;
        size_t data_size = strlen(rfc4231[i].data) / 2;
        sgx_hmac_state_handle_t handle = NULL;

        support_hex(rfc4231[i].key, key, key_size);
        support_hex(rfc4231[i].data, data, data_size);
        support_hex(rfc4231[i].mac, expected, 32);

        assert_int_equal(sgx_hmac_sha256_msg(data, (int)data_size, key, (int)key_size, mac, 32),
                         SGX_SUCCESS);
        assert_memory_equal(mac, expected, 32);

        memset(mac, 0, sizeof(mac));
        assert_int_equal(sgx_hmac256_init(key, (int)key_size, &handle), SGX_SUCCESS);
        assert_int_equal(sgx_hmac256_update(data, 1, handle), SGX_SUCCESS);
        assert_int_equal(sgx_hmac256_update(data + 1, (int)data_size - 1, handle), SGX_SUCCESS);
        assert_int_equal(sgx_hmac256_final(mac, 32, handle), SGX_SUCCESS);
        assert_memory_equal(mac, expected, 32);
        assert_int_equal(sgx_hmac256_close(handle), SGX_SUCCESS);
    }
}

static void hmac_agrees_with_openssl_for_keys_and_messages_of_many_sizes(void **state)
{
    static const size_t key_sizes[] = {1, 16, 32, 63, 64, 65, 200};
    uint8_t key[200], data[300];
    (void)state;

    support_random(key, sizeof(key));
    support_random(data, sizeof(data));
    for (size_t k = 0; k < sizeof(key_sizes) / sizeof(key_sizes[0]); k++) {
        for (size_t size = 1; size <= sizeof(data); size += 23) {
            uint8_t expected[32], mac[32];
            unsigned int expected_size = 0;
            assert_non_null(
                HMAC(EVP_sha256(), key, (int)key_sizes[k], data, size, expected, &expected_size));
            assert_int_equal(sgx_hmac_sha256_msg(data, (int)size, key, (int)key_sizes[k], mac, 32),
                             SGX_SUCCESS);
            assert_memory_equal(mac, expected, 32);
        }
    }
}

static void hmac_output_is_truncated_on_request_and_zeroed_when_too_long(void **state)
{
    uint8_t key[32], data[10], full[32], mac[48];
    sgx_hmac_state_handle_t handle = NULL;
    static const uint8_t zeros[48] = {0};
    (void)state;

    support_random(key, sizeof(key));
    support_random(data, sizeof(data));
    assert_int_equal(sgx_hmac_sha256_msg(data, 10, key, 32, full, 32), SGX_SUCCESS);

    /* RFC 4231 case 5's kind of check: the first 16 bytes, and nothing after them. */
    memset(mac, 0xee, sizeof(mac));
    assert_int_equal(sgx_hmac_sha256_msg(data, 10, key, 32, mac, 16), SGX_SUCCESS);
    assert_memory_equal(mac, full, 16);
    assert_int_equal(mac[16], 0xee);

    memset(mac, 0xee, sizeof(mac));
    assert_int_equal(sgx_hmac_sha256_msg(data, 10, key, 32, mac, 33), SGX_ERROR_UNEXPECTED);
    assert_memory_equal(mac, zeros, 33);

    assert_int_equal(sgx_hmac256_init(key, 32, &handle), SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_update(data, 10, handle), SGX_SUCCESS);
    memset(mac, 0xee, sizeof(mac));
    assert_int_equal(sgx_hmac256_final(mac, 48, handle), SGX_ERROR_UNEXPECTED);
    assert_memory_equal(mac, zeros, 48);
    assert_int_equal(sgx_hmac256_update(data, 10, handle), SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_final(mac, 8, handle), SGX_SUCCESS);
    assert_memory_equal(mac, full, 8);
    assert_int_equal(sgx_hmac256_close(handle), SGX_SUCCESS);
}

static void hmac_final_starts_a_new_message_under_the_same_key(void **state)
{
    uint8_t key[20], first[32], second[32], expected_first[32], expected_second[32];
    sgx_hmac_state_handle_t handle = NULL;
    (void)state;

    support_random(key, sizeof(key));
    assert_int_equal(sgx_hmac_sha256_msg((const uint8_t *)"one", 3, key, 20, expected_first, 32),
                     SGX_SUCCESS);
    assert_int_equal(sgx_hmac_sha256_msg((const uint8_t *)"two!", 4, key, 20, expected_second, 32),
                     SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_init(key, 20, &handle), SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_update((const uint8_t *)"one", 3, handle), SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_final(first, 32, handle), SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_update((const uint8_t *)"two!", 4, handle), SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_final(second, 32, handle), SGX_SUCCESS);
    assert_memory_equal(first, expected_first, 32);
    assert_memory_equal(second, expected_second, 32);
    assert_int_equal(sgx_hmac256_close(handle), SGX_SUCCESS);
}

static void hmac_refuses_the_arguments_the_sdk_refuses(void **state)
{
    uint8_t key[16] = {0}, data[4] = {0}, mac[32];
    sgx_hmac_state_handle_t handle = NULL, untouched = (sgx_hmac_state_handle_t)key;
    (void)state;

    assert_int_equal(sgx_hmac_sha256_msg(NULL, 4, key, 16, mac, 32), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac_sha256_msg(data, 0, key, 16, mac, 32), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac_sha256_msg(data, -1, key, 16, mac, 32), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac_sha256_msg(data, 4, NULL, 16, mac, 32), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac_sha256_msg(data, 4, key, 0, mac, 32), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac_sha256_msg(data, 4, key, 16, NULL, 32), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac_sha256_msg(data, 4, key, 16, mac, 0), SGX_ERROR_INVALID_PARAMETER);

    assert_int_equal(sgx_hmac256_init(NULL, 16, &handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_init(key, 0, &handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_init(key, 16, NULL), SGX_ERROR_INVALID_PARAMETER);
    support_fail_malloc(1);
    assert_int_equal(sgx_hmac256_init(key, 16, &untouched), SGX_ERROR_OUT_OF_MEMORY);
    assert_ptr_equal(untouched, (sgx_hmac_state_handle_t)key);

    assert_int_equal(sgx_hmac256_init(key, 16, &handle), SGX_SUCCESS);
    assert_int_equal(sgx_hmac256_update(NULL, 4, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_update(data, 0, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_update(data, 4, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_final(NULL, 32, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_final(mac, 0, handle), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_final(mac, 32, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_hmac256_close(handle), SGX_SUCCESS);
    /* Closing NULL is accepted, as in the SDK. */
    assert_int_equal(sgx_hmac256_close(NULL), SGX_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cmac_matches_the_rfc_4493_examples),
        cmocka_unit_test(streaming_cmac_in_any_chunks_agrees_with_openssl),
        cmocka_unit_test(cmac_final_starts_a_new_message_under_the_same_key),
        cmocka_unit_test(cmac_refuses_the_arguments_the_sdk_refuses),
        cmocka_unit_test(hmac_matches_the_rfc_4231_examples_one_shot_and_streaming),
        cmocka_unit_test(hmac_agrees_with_openssl_for_keys_and_messages_of_many_sizes),
        cmocka_unit_test(hmac_output_is_truncated_on_request_and_zeroed_when_too_long),
        cmocka_unit_test(hmac_final_starts_a_new_message_under_the_same_key),
        cmocka_unit_test(hmac_refuses_the_arguments_the_sdk_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
