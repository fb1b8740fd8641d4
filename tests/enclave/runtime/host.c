/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/runtime/host.c: the trusted and host runtimes, through a hand-written bridge. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <cella/bridge.h>
#include <cella/host.h>
#include <cella/log.h>
#include <sgx_urts.h>

enum {
    ECALL_ADD,
    ECALL_ABORT,
    ECALL_FAULT,
    ECALL_PRIVATE,
    ECALL_CALL_HOST,
    ECALL_LIBRARY,
    ECALL_IS_OUTSIDE
};

static sgx_enclave_id_t enclave_id;
static pthread_barrier_t *hold_barrier;

/* One ECALL taking `input` (input_size bytes) and returning an int. */
static sgx_status_t call(sgx_enclave_id_t id, uint32_t index, const void *input, size_t input_size,
                         int *result);

/* OCALL 0: x == -1 holds the TCS at a barrier; x == -2 makes the allowed nested ECALL;
 * x == -3 makes a nested ECALL that allow() does not name; otherwise answers 2x. */
static int32_t ocall_zero(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    int x, answer;
    if (in_size != sizeof(x) || out_size != sizeof(answer))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&x, in, sizeof(x));
    if (x == -1) {
        pthread_barrier_wait(hold_barrier);
        pthread_barrier_wait(hold_barrier);
        answer = 0;
    } else if (x == -2 || x == -3) {
        sgx_status_t status = call(enclave_id, x == -2 ? ECALL_PRIVATE : ECALL_ADD, (int[]){1, 2},
                                   x == -2 ? 0 : 2 * sizeof(int), &answer);
        if (status != SGX_SUCCESS)
            answer = -(int)status;
    } else {
        answer = 2 * x;
    }
    memcpy(out, &answer, sizeof(answer));
    return SGX_SUCCESS;
}

static const cella_ocall_bridge_t ocall_bridges[] = {ocall_zero};
static const cella_ocall_table_t ocall_table = {1, ocall_bridges};

static sgx_status_t call(sgx_enclave_id_t id, uint32_t index, const void *input, size_t input_size,
                         int *result)
{
    cella_bridge_call_t bridge_call;
    int32_t status = cella_ecall_begin(id, &bridge_call, input_size, sizeof(int));
    if (status != SGX_SUCCESS)
        return (sgx_status_t)status;
    if (input_size != 0)
        memcpy(bridge_call.in, input, input_size);
    status = cella_ecall_invoke(&bridge_call, index, &ocall_table);
    if (status == SGX_SUCCESS)
        memcpy(result, bridge_call.out, sizeof(*result));
    cella_ecall_end(&bridge_call);
    return (sgx_status_t)status;
}

static int create(void **state)
{
    (void)state;
    assert_int_equal(sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL,
                                        &enclave_id, NULL),
                     SGX_SUCCESS);
    return 0;
}

static int destroy(void **state)
{
    (void)state;
    assert_int_equal(sgx_destroy_enclave(enclave_id), SGX_SUCCESS);
    return 0;
}

static void an_ecall_returns_its_result(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, ECALL_ADD, (int[]){40, 2}, 2 * sizeof(int), &result),
                     SGX_SUCCESS);
    assert_int_equal(result, 42);
}

static void an_unknown_ecall_index_is_an_invalid_function(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, 7, NULL, 0, &result), SGX_ERROR_INVALID_FUNCTION);
    assert_int_equal(call(enclave_id, UINT32_MAX, NULL, 0, &result), SGX_ERROR_INVALID_FUNCTION);
}

static void a_bad_input_size_is_refused_by_the_bridge(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, ECALL_ADD, (int[]){1}, sizeof(int), &result),
                     SGX_ERROR_INVALID_PARAMETER);
}

static void a_private_ecall_is_refused_at_the_root(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, ECALL_PRIVATE, NULL, 0, &result),
                     SGX_ERROR_ECALL_NOT_ALLOWED);
}

static void an_ocall_reaches_the_host_and_returns(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, ECALL_CALL_HOST, (int[]){20}, sizeof(int), &result),
                     SGX_SUCCESS);
    assert_int_equal(result, 41);
}

static void a_nested_ecall_named_by_allow_runs(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, ECALL_CALL_HOST, (int[]){-2}, sizeof(int), &result),
                     SGX_SUCCESS);
    assert_int_equal(result, 8); /* the private ECALL's 7, plus one */
}

static void a_nested_ecall_not_named_by_allow_is_refused(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, ECALL_CALL_HOST, (int[]){-3}, sizeof(int), &result),
                     SGX_SUCCESS);
    assert_int_equal(result, -(int)SGX_ERROR_ECALL_NOT_ALLOWED + 1);
}

static void the_c_library_works_inside(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(call(enclave_id, ECALL_LIBRARY, (int[]){5}, sizeof(int), &result),
                     SGX_SUCCESS);
    assert_true(result >= 5);
}

struct holder {
    sgx_status_t status;
    int result;
};

static void *hold_tcs(void *argument)
{
    struct holder *holder = argument;
    holder->status = call(enclave_id, ECALL_CALL_HOST, (int[]){-1}, sizeof(int), &holder->result);
    return NULL;
}

static void one_ecall_more_than_tcs_num_is_out_of_tcs(void **state)
{
    (void)state;
    pthread_barrier_t barrier;
    pthread_t threads[2];
    struct holder holders[2] = {{0}};
    int result = 0;

    /* TCSNum is 2: two threads hold both TCS inside an OCALL... */
    pthread_barrier_init(&barrier, NULL, 3);
    hold_barrier = &barrier;
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, hold_tcs, &holders[i]), 0);
    pthread_barrier_wait(&barrier);
    /* ...so a third concurrent ECALL finds none. */
    assert_int_equal(call(enclave_id, ECALL_ADD, (int[]){1, 1}, 2 * sizeof(int), &result),
                     SGX_ERROR_OUT_OF_TCS);
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < 2; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(holders[i].status, SGX_SUCCESS);
        assert_int_equal(holders[i].result, 1);
    }
    pthread_barrier_destroy(&barrier);
    /* Both TCS are free again. */
    assert_int_equal(call(enclave_id, ECALL_ADD, (int[]){1, 1}, 2 * sizeof(int), &result),
                     SGX_SUCCESS);
}

static void crash_test(uint32_t index)
{
    sgx_enclave_id_t id = 0;
    int result = 0;
    assert_int_equal(sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, 1, NULL, NULL, &id, NULL),
                     SGX_SUCCESS);
    assert_int_equal(call(id, index, NULL, 0, &result), SGX_ERROR_ENCLAVE_CRASHED);
    /* Every later call fails the same way; the process lives on. */
    assert_int_equal(call(id, ECALL_ADD, (int[]){1, 2}, 2 * sizeof(int), &result),
                     SGX_ERROR_ENCLAVE_CRASHED);
    assert_int_equal(sgx_destroy_enclave(id), SGX_SUCCESS);
    /* A new enclave from the same file works. */
    assert_int_equal(sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, 1, NULL, NULL, &id, NULL),
                     SGX_SUCCESS);
    assert_int_equal(call(id, ECALL_ADD, (int[]){1, 2}, 2 * sizeof(int), &result), SGX_SUCCESS);
    assert_int_equal(result, 3);
    assert_int_equal(sgx_destroy_enclave(id), SGX_SUCCESS);
}

static void abort_inside_crashes_the_enclave_not_the_host(void **state)
{
    (void)state;
    crash_test(ECALL_ABORT);
}

static void a_fault_inside_crashes_the_enclave_not_the_host(void **state)
{
    (void)state;
    crash_test(ECALL_FAULT);
}

static void a_destroyed_id_is_invalid(void **state)
{
    (void)state;
    sgx_enclave_id_t id = 0;
    int result = 0;
    assert_int_equal(sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, 1, NULL, NULL, &id, NULL),
                     SGX_SUCCESS);
    assert_int_equal(sgx_destroy_enclave(id), SGX_SUCCESS);
    assert_int_equal(call(id, ECALL_ADD, (int[]){1, 2}, 2 * sizeof(int), &result),
                     SGX_ERROR_INVALID_ENCLAVE_ID);
    assert_int_equal(sgx_destroy_enclave(id), SGX_ERROR_INVALID_ENCLAVE_ID);
    assert_int_equal(sgx_destroy_enclave(0), SGX_ERROR_INVALID_ENCLAVE_ID);
}

static void a_missing_file_is_a_file_access_error(void **state)
{
    (void)state;
    sgx_enclave_id_t id = 0;
    assert_int_equal(sgx_create_enclave("/nonexistent/enclave.signed.so", 1, NULL, NULL, &id, NULL),
                     SGX_ERROR_ENCLAVE_FILE_ACCESS);
    assert_int_equal(sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, 2, NULL, NULL, &id, NULL),
                     SGX_ERROR_INVALID_PARAMETER);
}

static void an_unsigned_image_is_refused(void **state)
{
    (void)state;
    sgx_enclave_id_t id = 0;
    assert_int_equal(sgx_create_enclave(CELLA_TEST_UNSIGNED_ENCLAVE, 1, NULL, NULL, &id, NULL),
                     SGX_ERROR_INVALID_METADATA);
}

/*
 * Under the sandbox, only the shared region counts as the host's memory for the enclave:
 * an address elsewhere outside the enclave (here, this host's stack, which the enclave
 * process does not even map) is not "outside" in sgx_is_outside_enclave's sense, so a
 * [user_check] pointer cannot reach the backend's own memory. Under sim, every address
 * outside the enclave counts.
 */
static void outside_means_the_shared_region_under_the_sandbox(void **state)
{
    (void)state;
    int host_variable = 0;
    int result = -1;
    uint64_t range[2] = {(uint64_t)(uintptr_t)&host_variable, sizeof(host_variable)};
    const char *backend = getenv("CELLA_BACKEND");
    int sandbox = backend == NULL || strcmp(backend, "sim") != 0; /* the default */

    assert_int_equal(call(enclave_id, ECALL_IS_OUTSIDE, range, sizeof(range), &result),
                     SGX_SUCCESS);
    assert_int_equal(result, sandbox ? 0 : 1);
}

/* The runtime's log goes to stderr when CELLA_TEST_LOG is set, and nowhere otherwise. */
static void log_to_stderr(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (getenv("CELLA_TEST_LOG") != NULL)
        fprintf(stderr, "[%s] %s\n", cella_log_level_str(level), message);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_ecall_returns_its_result),
        cmocka_unit_test(outside_means_the_shared_region_under_the_sandbox),
        cmocka_unit_test(an_unknown_ecall_index_is_an_invalid_function),
        cmocka_unit_test(a_bad_input_size_is_refused_by_the_bridge),
        cmocka_unit_test(a_private_ecall_is_refused_at_the_root),
        cmocka_unit_test(an_ocall_reaches_the_host_and_returns),
        cmocka_unit_test(a_nested_ecall_named_by_allow_runs),
        cmocka_unit_test(a_nested_ecall_not_named_by_allow_is_refused),
        cmocka_unit_test(the_c_library_works_inside),
        cmocka_unit_test(one_ecall_more_than_tcs_num_is_out_of_tcs),
        cmocka_unit_test(abort_inside_crashes_the_enclave_not_the_host),
        cmocka_unit_test(a_fault_inside_crashes_the_enclave_not_the_host),
        cmocka_unit_test(a_destroyed_id_is_invalid),
        cmocka_unit_test(a_missing_file_is_a_file_access_error),
        cmocka_unit_test(an_unsigned_image_is_refused),
    };
    cella_log_set_handler(log_to_stderr, NULL);
    return cmocka_run_group_tests(tests, create, destroy);
}
