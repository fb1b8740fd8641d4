/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/cpu_state/host.c: a host that returns from OCALLs with hostile CPU state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cella/bridge.h>
#include <cella/host.h>
#include <sgx_urts.h>

#include "cpu_state.h"

/*
 * Checklist A1-A3 and A5 for OCALLs: the host decides the flags, the x87 control word and
 * MXCSR it returns with, and sees the registers the enclave called out with. Each OCALL here
 * leaves one hostile setting as the very last thing it does; the enclave code after it must
 * still behave as C promises.
 *
 * Under the sandbox backend the OCALL runs in this process while the enclave waits in its
 * own, so no register of this process can reach it; the hostile state would only stay with
 * this process's own code that serves the OCALL (where AC faults on its first unaligned
 * access). There the OCALL leaves the state alone, and the tests check that the same calls
 * work through that backend's path.
 */

#define DEFAULT_MXCSR   0x1f80u
#define DEFAULT_X87_CW  0x037fu
#define ROUND_UP_MXCSR  0x5f80u /* RC = 10b: towards +infinity */
#define ROUND_UP_X87_CW 0x0b7fu
#define RFLAGS_AC       0x40000u

/* The backend is sim unless CELLA_BACKEND says sandbox, whatever the default is. */
static cella_backend_t backend;
static cella_enclave_t *enclave;
static sgx_enclave_id_t enclave_id;
/* The OCALL returns straight to enclave code, which sees what it leaves (not so in sandbox). */
static bool returns_into_the_enclave;

/* The C ABI's state for this thread again: DF and AC clear, default rounding everywhere. */
static void reset_cpu_state(void)
{
    const uint32_t mxcsr = DEFAULT_MXCSR;
    const uint16_t control = DEFAULT_X87_CW;

    /* pushfq writes below %rsp: step over the red zone first. */
    __asm__ __volatile__("cld\n\t"
                         "subq $128, %%rsp\n\t"
                         "pushfq\n\t"
                         "andq %0, (%%rsp)\n\t"
                         "popfq\n\t"
                         "addq $128, %%rsp\n\t"
                         "ldmxcsr %1\n\t"
                         "fldcw %2"
                         :
                         : "i"(~(int64_t)RFLAGS_AC), "m"(mxcsr), "m"(control)
                         : "memory", "cc");
}

static void set_round_up(void)
{
    const uint32_t mxcsr = ROUND_UP_MXCSR;
    const uint16_t control = ROUND_UP_X87_CW;

    __asm__ __volatile__("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(control) : "memory");
}

/* How many of %xmm8-%xmm15 hold the enclave's canary in either half. */
static int count_canaries(void)
{
    uint64_t registers[8][2];
    int count = 0;

    __asm__ __volatile__("movdqu %%xmm8, 0(%0)\n\tmovdqu %%xmm9, 16(%0)\n\t"
                         "movdqu %%xmm10, 32(%0)\n\tmovdqu %%xmm11, 48(%0)\n\t"
                         "movdqu %%xmm12, 64(%0)\n\tmovdqu %%xmm13, 80(%0)\n\t"
                         "movdqu %%xmm14, 96(%0)\n\tmovdqu %%xmm15, 112(%0)"
                         :
                         : "r"(registers)
                         : "memory");
    for (int i = 0; i < 8; i++)
        if (registers[i][0] == CPU_STATE_CANARY || registers[i][1] == CPU_STATE_CANARY)
            count++;
    return count;
}

/* OCALL 0: does `action` (CPU_STATE_SET_*, CPU_STATE_FIND_CANARY) last, then returns. */
static int32_t ocall_leave_state(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    /* First, before this function's own code can reuse the registers. */
    int canaries = count_canaries();
    int action, answer = 0;

    if (in_size != sizeof(action) || out_size != sizeof(answer))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&action, in, sizeof(action));
    if (action == CPU_STATE_FIND_CANARY)
        answer = canaries;
    memcpy(out, &answer, sizeof(answer));
    if (!returns_into_the_enclave)
        return SGX_SUCCESS;

    switch (action) {
    case CPU_STATE_SET_DF:
        __asm__ __volatile__("std" : : : "memory");
        break;
    case CPU_STATE_SET_ROUND_UP:
        set_round_up();
        break;
    case CPU_STATE_SET_AC:
        __asm__ __volatile__("subq $128, %%rsp\n\t"
                             "pushfq\n\t"
                             "orq %0, (%%rsp)\n\t"
                             "popfq\n\t"
                             "addq $128, %%rsp"
                             :
                             : "i"((int64_t)RFLAGS_AC)
                             : "memory", "cc");
        break;
    default:
        break;
    }
    return SGX_SUCCESS;
}

static const cella_ocall_bridge_t ocall_bridges[] = {ocall_leave_state};
static const cella_ocall_table_t ocall_table = {1, ocall_bridges};

/* One ECALL without input; its output (output_size bytes) goes to `output`. */
static sgx_status_t call(uint32_t index, void *output, size_t output_size)
{
    cella_bridge_call_t bridge_call;
    int32_t status = cella_ecall_begin(enclave_id, &bridge_call, 0, output_size);
    if (status != SGX_SUCCESS)
        return (sgx_status_t)status;
    status = cella_ecall_invoke(&bridge_call, index, &ocall_table);
    /* Should the enclave hand the host's state back, it is not this program's to keep. */
    reset_cpu_state();
    if (status == SGX_SUCCESS)
        memcpy(output, bridge_call.out, output_size);
    cella_ecall_end(&bridge_call);
    return (sgx_status_t)status;
}

static int create(void **state)
{
    (void)state;
    cella_enclave_options_t options = {.backend = backend, .debug = true};
    assert_int_equal(cella_enclave_create(CELLA_TEST_SIGNED_ENCLAVE, &options, &enclave), CELLA_OK);
    enclave_id = cella_enclave_get_id(enclave);
    return 0;
}

static int destroy(void **state)
{
    (void)state;
    cella_enclave_destroy(enclave);
    return 0;
}

static void a_page_copy_after_an_ocall_that_set_df_runs_forwards(void **state)
{
    (void)state;
    int outcome = -1;

    assert_int_equal(call(CPU_STATE_ECALL_COPY, &outcome, sizeof(outcome)), SGX_SUCCESS);
    assert_int_equal(outcome, CPU_STATE_COPY_OK);
}

static void division_after_an_ocall_that_set_round_up_rounds_to_nearest(void **state)
{
    (void)state;
    volatile double one = 1.0, seven = 7.0;
    volatile long double long_one = 1.0L, long_seven = 7.0L;
    cpu_state_quotients_t quotients;
    uint64_t nearest_bits, up_bits;
    long double long_nearest, long_up;
    /* Volatile, so that each division happens between the mode switches around it. */
    volatile double nearest_result, up_result;
    volatile long double long_nearest_result, long_up_result;

    /* The answers under both rounding modes, computed here, and different. */
    nearest_result = one / seven;
    long_nearest_result = long_one / long_seven;
    set_round_up();
    up_result = one / seven;
    long_up_result = long_one / long_seven;
    reset_cpu_state();
    double nearest = nearest_result, up = up_result;
    long_nearest = long_nearest_result;
    long_up = long_up_result;
    memcpy(&nearest_bits, &nearest, sizeof(nearest));
    memcpy(&up_bits, &up, sizeof(up));
    assert_int_not_equal(nearest_bits, up_bits);
    assert_memory_not_equal(&long_nearest, &long_up, CPU_STATE_LONG_DOUBLE_BYTES);

    memset(&quotients, 0, sizeof(quotients));
    assert_int_equal(call(CPU_STATE_ECALL_DIVIDE, &quotients, sizeof(quotients)), SGX_SUCCESS);
    assert_int_equal(quotients.double_bits, nearest_bits);
    assert_memory_equal(quotients.long_double_bytes, &long_nearest, CPU_STATE_LONG_DOUBLE_BYTES);
}

static void unaligned_loads_after_an_ocall_that_set_ac_do_not_fault(void **state)
{
    (void)state;
    uint8_t bytes[16];
    uint64_t expected = 0, sum = 0;

    /* What the enclave computes: the same loads, done with memcpy. */
    for (int i = 0; i < 16; i++)
        bytes[i] = (uint8_t)(i + 1);
    for (size_t offset = 1; offset < 8; offset += 2) {
        uint64_t word;
        uint32_t half;
        memcpy(&word, bytes + offset, sizeof(word));
        memcpy(&half, bytes + offset + 1, sizeof(half));
        expected += word + half;
    }

    assert_int_equal(call(CPU_STATE_ECALL_UNALIGNED, &sum, sizeof(sum)), SGX_SUCCESS);
    assert_int_equal(sum, expected);
}

static void an_ocall_finds_no_enclave_data_in_vector_registers(void **state)
{
    (void)state;
    int found = -1;

    assert_int_equal(call(CPU_STATE_ECALL_LEAVE_VECTORS, &found, sizeof(found)), SGX_SUCCESS);
    assert_int_equal(found, 0);
}

int main(void)
{
    const char *name = getenv("CELLA_BACKEND");
    backend =
        name != NULL && strcmp(name, "sandbox") == 0 ? CELLA_BACKEND_SANDBOX : CELLA_BACKEND_SIM;
    returns_into_the_enclave = backend == CELLA_BACKEND_SIM;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_page_copy_after_an_ocall_that_set_df_runs_forwards),
        cmocka_unit_test(division_after_an_ocall_that_set_round_up_rounds_to_nearest),
        cmocka_unit_test(unaligned_loads_after_an_ocall_that_set_ac_do_not_fault),
        cmocka_unit_test(an_ocall_finds_no_enclave_data_in_vector_registers),
    };
    return cmocka_run_group_tests(tests, create, destroy);
}
