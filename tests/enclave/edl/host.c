/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/edl/host.c: a real enclave (sim backend) called through generated bridges. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cella/log.h>
#include <sgx_urts.h>

#include "edl_u.h"

static sgx_enclave_id_t enclave_id;
static char recorded[64];

/* ---- OCALLs ------------------------------------------------------------------------------ */

void ocall_record(const char *text)
{
    snprintf(recorded, sizeof(recorded), "%s", text);
}

void ocall_upper(char *text)
{
    for (size_t i = 0; text[i] != '\0'; i++)
        text[i] = (char)toupper((unsigned char)text[i]);
}

int ocall_ask(int x)
{
    int doubled = 0;
    /* A nested ECALL, on the TCS of this OCALL: allowed, as allow(ecall_double) says. */
    if (ecall_double(enclave_id, &doubled, x) != SGX_SUCCESS)
        return -1;
    return doubled + 1;
}

/* What ocall_flags answers; the test sets its bytes. */
static struct flags_t flags_answer;

struct flags_t ocall_flags(void)
{
    return flags_answer;
}

int ocall_fail(int e)
{
    errno = e;
    return -1;
}

/* ---- Tests ------------------------------------------------------------------------------- */

static void scalars_go_in_and_a_result_comes_back(void **state)
{
    (void)state;
    static const int cases[][3] = {{40, 2, 42}, {-5, 5, 0}, {0, 0, 0}, {1 << 20, 1, (1 << 20) + 1}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        int sum = -1;
        assert_int_equal(ecall_add(enclave_id, &sum, cases[k][0], cases[k][1]), SGX_SUCCESS);
        assert_int_equal(sum, cases[k][2]);
    }
    /* An id with any other bit set is another id, which names no enclave. */
    int sum = -1;
    for (unsigned bit = 48; bit < 64; bit += 5)
        assert_int_equal(ecall_add(enclave_id | (UINT64_C(1) << bit), &sum, 1, 2),
                         SGX_ERROR_INVALID_ENCLAVE_ID);
    assert_int_equal(sum, -1);
}

/* A long double carries 10 value bytes in 16: the other 6 must not bring enclave bytes. */
static void a_returned_long_double_brings_no_enclave_bytes(void **state)
{
    (void)state;
    long double half;
    for (int round = 0; round < 3; round++) {
        memset(&half, 0x5c, sizeof(half));
        assert_int_equal(ecall_dirty_stack(enclave_id), SGX_SUCCESS);
        assert_int_equal(ecall_half(enclave_id, &half, 3.0L), SGX_SUCCESS);
        assert_true(half == 1.5L);
        const uint8_t *bytes = (const uint8_t *)&half;
        for (size_t i = 10; i < sizeof(half); i++)
            assert_int_equal(bytes[i], 0);
    }
}

/* A bool is one byte the host writes: inside structs too, only 0 and 1 reach the enclave. */
static void bools_inside_structs_must_be_0_or_1(void **state)
{
    (void)state;
    struct flags_t value = {.n = 1, .on = true, .more = {false, true}};
    struct holder_t holder = {.tag = 2, .inner = {.n = 3, .on = true, .more = {true, true}}};
    int count = -1;
    static const uint8_t two = 2;

    assert_int_equal(ecall_count_flags(enclave_id, &count, value, &holder), SGX_SUCCESS);
    assert_int_equal(count, 5);
    memcpy(&value.more[1], &two, 1);
    assert_int_equal(ecall_count_flags(enclave_id, &count, value, &holder),
                     SGX_ERROR_INVALID_PARAMETER);
    memset(&value.more[1], 0, 1);
    memcpy(&holder.inner.on, &two, 1);
    assert_int_equal(ecall_count_flags(enclave_id, &count, value, &holder),
                     SGX_ERROR_INVALID_PARAMETER);
    /* And what an OCALL returns. */
    int status = -1;
    memset(&flags_answer, 0, sizeof(flags_answer));
    assert_int_equal(ecall_ask_flags(enclave_id, &status), SGX_SUCCESS);
    assert_int_equal(status, SGX_SUCCESS);
    memcpy(&flags_answer.more[0], &two, 1);
    assert_int_equal(ecall_ask_flags(enclave_id, &status), SGX_SUCCESS);
    assert_int_equal(status, SGX_ERROR_UNEXPECTED);
}

static void strings_buffers_and_structs_cross_the_boundary(void **state)
{
    (void)state;
    size_t length = 0;
    assert_int_equal(ecall_string_length(enclave_id, &length, "enclave"), SGX_SUCCESS);
    assert_int_equal(length, 7);
    assert_int_equal(ecall_string_length(enclave_id, &length, ""), SGX_SUCCESS);
    assert_int_equal(length, 0);

    uint8_t buf[100];
    memset(buf, 0, sizeof(buf));
    assert_int_equal(ecall_fill(enclave_id, buf, 99, 0xab), SGX_SUCCESS);
    for (size_t i = 0; i < 99; i++)
        assert_int_equal(buf[i], 0xab);
    assert_int_equal(buf[99], 0);

    struct pair_t pair = {3, 4};
    int sum = 0;
    assert_int_equal(ecall_swap(enclave_id, &sum, &pair), SGX_SUCCESS);
    assert_int_equal(pair.a, 4);
    assert_int_equal(pair.b, 3);
    assert_int_equal(sum, 7);

    uint32_t values[5] = {1, 2, 3, 4, 0xffffffffu};
    uint64_t total = 0;
    assert_int_equal(ecall_sum(enclave_id, &total, values, 5), SGX_SUCCESS);
    assert_int_equal(total, 10 + 0xffffffffull);

    uint8_t data[4] = {10, 20, 30, 40};
    struct bytes_t bytes = {4, data};
    assert_int_equal(ecall_sum_deep(enclave_id, &total, &bytes), SGX_SUCCESS);
    assert_int_equal(total, 100);
}

static void ocalls_carry_strings_both_ways(void **state)
{
    (void)state;
    int length = 0;
    memset(recorded, 0, sizeof(recorded));
    assert_int_equal(ecall_greet(enclave_id, &length, "world"), SGX_SUCCESS);
    assert_int_equal(length, 12);
    assert_string_equal(recorded, "hello, world");
}

static void a_nested_ecall_named_by_allow_runs(void **state)
{
    (void)state;
    int answer = 0;
    assert_int_equal(ecall_nested(enclave_id, &answer, 20), SGX_SUCCESS);
    assert_int_equal(answer, 41);
    /* At the root, the private ECALL is refused. */
    assert_int_equal(ecall_double(enclave_id, &answer, 1), SGX_ERROR_ECALL_NOT_ALLOWED);
}

static void errno_of_an_ocall_reaches_the_enclave(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(ecall_errno(enclave_id, &result, 13), SGX_SUCCESS);
    assert_int_equal(result, 13);
}

/*
 * Under sim every address outside the enclave is the host's, so the enclave reads the host's
 * variable. Under the sandbox only the shared region is: the host's own stack is not mapped in
 * the enclave process, and the bridge refuses the pointer rather than fault on it.
 */
static void a_user_check_pointer_must_lie_outside_the_enclave(void **state)
{
    (void)state;
    uint64_t value = 77;
    int result = 0;
    const char *backend = getenv("CELLA_BACKEND");
    bool sim = backend != NULL && strcmp(backend, "sim") == 0;

    if (sim) {
        assert_int_equal(ecall_outside_only(enclave_id, &result, &value), SGX_SUCCESS);
        assert_int_equal(result, 77);
    } else {
        assert_int_equal(ecall_outside_only(enclave_id, &result, &value),
                         SGX_ERROR_INVALID_PARAMETER);
    }
}

static void a_destroyed_enclave_cannot_be_called(void **state)
{
    (void)state;
    sgx_enclave_id_t id = 0;
    int sum = 0;
    assert_int_equal(
        sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &id, NULL),
        SGX_SUCCESS);
    assert_int_equal(sgx_destroy_enclave(id), SGX_SUCCESS);
    assert_int_equal(ecall_add(id, &sum, 1, 2), SGX_ERROR_INVALID_ENCLAVE_ID);
}

static int create(void **state)
{
    (void)state;
    return sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &enclave_id,
                              NULL) == SGX_SUCCESS
               ? 0
               : -1;
}

static int destroy(void **state)
{
    (void)state;
    return sgx_destroy_enclave(enclave_id) == SGX_SUCCESS ? 0 : -1;
}

static void log_to_stderr(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (getenv("CELLA_TEST_LOG") != NULL)
        fprintf(stderr, "[%s] %s\n", cella_log_level_str(level), message);
}

/* sgx_create_enclave_ex checks its feature arguments as the SDK does, then refuses the
 * features cella does not have. */
static void create_enclave_ex_checks_its_features_like_the_sdk(void **state)
{
    (void)state;
    sgx_enclave_id_t id = 0;
    const void *features[32] = {0};
    static const int config = 0;

    assert_int_equal(sgx_create_enclave_ex(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL,
                                           &id, NULL, 1u << 7, features),
                     SGX_ERROR_INVALID_PARAMETER);
    features[SGX_CREATE_ENCLAVE_EX_SWITCHLESS_BIT_IDX] = &config;
    assert_int_equal(sgx_create_enclave_ex(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL,
                                           &id, NULL, 0, features),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_create_enclave_ex(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL,
                                           &id, NULL, SGX_CREATE_ENCLAVE_EX_SWITCHLESS, features),
                     SGX_ERROR_FEATURE_NOT_SUPPORTED);
    assert_int_equal(id, 0);
    /* No features: an enclave. */
    assert_int_equal(sgx_create_enclave_ex(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL,
                                           &id, NULL, 0, NULL),
                     SGX_SUCCESS);
    assert_int_equal(sgx_destroy_enclave(id), SGX_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalars_go_in_and_a_result_comes_back),
        cmocka_unit_test(strings_buffers_and_structs_cross_the_boundary),
        cmocka_unit_test(a_returned_long_double_brings_no_enclave_bytes),
        cmocka_unit_test(bools_inside_structs_must_be_0_or_1),
        cmocka_unit_test(ocalls_carry_strings_both_ways),
        cmocka_unit_test(a_nested_ecall_named_by_allow_runs),
        cmocka_unit_test(errno_of_an_ocall_reaches_the_enclave),
        cmocka_unit_test(a_user_check_pointer_must_lie_outside_the_enclave),
        cmocka_unit_test(a_destroyed_enclave_cannot_be_called),
        cmocka_unit_test(create_enclave_ex_checks_its_features_like_the_sdk),
    };
    cella_log_set_handler(log_to_stderr, NULL);
    return cmocka_run_group_tests(tests, create, destroy);
}
