/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/entry/host.c: the entry refuses thread data the measured layout does not name. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <cella/image_verify.h>
#include <cella/layout.h>
#include <sgx_error.h>

#include "../../../common/entry_abi.h"

/*
 * The enclave is loaded here with cella's own verifier and loader, and entered directly,
 * the way a hostile host could: with any thread-data pointer, any %fs and any stack.
 */

int32_t test_enter(void *entry, void *thread_data, const void *request, void *fs);

static int32_t ops_ocall(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                         uint8_t *out, size_t out_size)
{
    (void)context, (void)index, (void)in, (void)in_size, (void)out, (void)out_size;
    return SGX_ERROR_UNEXPECTED;
}

/* A host that enters the enclave again from the exit that asks for OCALL memory. */
static struct {
    void *entry, *thread_data;
    void *memory; /* what the exit answers: host memory */
    bool reenter;
    int32_t status; /* of the entry made from inside the exit */
    int sum;
} reentry;

static const cella_entry_ops_t ops;

static void *ops_ocall_alloc(void *context, size_t size)
{
    (void)context, (void)size;
    if (!reentry.reenter)
        return NULL;
    static int pair[2] = {1, 2};
    cella_entry_request_t request = {
        .command = CELLA_ENTRY_ECALL,
        .index = 0,
        .in = (const uint8_t *)pair,
        .in_size = sizeof(pair),
        .out = (uint8_t *)&reentry.sum,
        .out_size = sizeof(reentry.sum),
        .ops = &ops,
    };
    reentry.status = test_enter(reentry.entry, reentry.thread_data, &request, reentry.thread_data);
    return reentry.memory;
}

static void ops_ocall_free(void *context, void *memory)
{
    (void)context, (void)memory;
}

__attribute__((noreturn)) static void ops_crash(void *context)
{
    (void)context;
    abort();
}

static int32_t ops_platform(void *context, uint32_t request, const void *in, size_t in_size,
                            void *out, size_t out_size)
{
    (void)context, (void)request, (void)in, (void)in_size, (void)out, (void)out_size;
    return SGX_ERROR_UNEXPECTED;
}

static const cella_entry_ops_t ops = {ops_ocall, ops_ocall_alloc, ops_ocall_free, ops_crash,
                                      ops_platform};

struct loaded {
    uint8_t *file;
    cella_image_info_t info;
    uint8_t *reservation;
    size_t reservation_size;
    uint8_t *base;
    uint64_t size;
    void *entry;
    cella_thread_data_t *thread_data[2]; /* the genuine pages of threads 0 and 1 */
    uint8_t *outside;                    /* a host page above the enclave */
};

static int load(void **state)
{
    struct loaded *l = calloc(1, sizeof(*l));
    cella_image_check_t check;
    FILE *f = fopen(CELLA_TEST_SIGNED_ENCLAVE, "rb");
    long file_size;

    assert_non_null(l);
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    file_size = ftell(f);
    rewind(f);
    l->file = malloc((size_t)file_size);
    assert_non_null(l->file);
    assert_int_equal(fread(l->file, 1, (size_t)file_size, f), (size_t)file_size);
    fclose(f);
    assert_int_equal(cella_image_verify_signed(l->file, (size_t)file_size, &l->info, &check),
                     CELLA_OK);
    l->size = l->info.layout.enclave_size;
    l->reservation_size = (size_t)(4 * l->size);
    l->reservation = mmap(NULL, l->reservation_size, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(l->reservation != MAP_FAILED);
    l->base = (uint8_t *)(((uintptr_t)l->reservation + l->size - 1) & ~(uintptr_t)(l->size - 1));
    assert_int_equal(mprotect(l->base, l->size, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
    assert_int_equal(cella_image_load(&l->info, l->base, &check), CELLA_OK);
    l->entry = l->base + l->info.layout.entry;
    for (uint32_t t = 0; t < 2; t++) {
        cella_thread_data_t genuine;
        assert_int_equal(cella_layout_get_thread_data(&l->info.layout, t, &genuine), CELLA_OK);
        l->thread_data[t] = (cella_thread_data_t *)(l->base + genuine.thread_data_offset);
    }
    l->outside = l->base + 2 * l->size;
    assert_int_equal(mprotect(l->outside, CELLA_PAGE_BYTES, PROT_READ | PROT_WRITE), 0);
    *state = l;
    return 0;
}

static int unload(void **state)
{
    struct loaded *l = *state;
    munmap(l->reservation, l->reservation_size);
    free(l->file);
    free(l);
    return 0;
}

static int32_t enter(struct loaded *l, void *thread_data, void *fs, uint32_t command, int *sum)
{
    static int pair[2] = {20, 22};
    cella_entry_request_t request = {
        .command = command,
        .index = 0,
        .in = (const uint8_t *)pair,
        .in_size = sizeof(pair),
        /* INIT's output takes the runtime's interface version (see below) */
        .out = command == CELLA_ENTRY_ECALL ? (uint8_t *)sum : NULL,
        .out_size = command == CELLA_ENTRY_ECALL ? sizeof(*sum) : 0,
        .ops = &ops,
        .context = NULL,
    };
    return test_enter(l->entry, thread_data, &request, fs);
}

/* A thread-data page with thread 0's fields, claiming a bigger enclave that holds it. */
static void forge_thread_data(struct loaded *l, uint8_t *page)
{
    cella_thread_data_t forged;

    assert_int_equal(cella_layout_get_thread_data(&l->info.layout, 0, &forged), CELLA_OK);
    forged.enclave_size = 4 * l->size;
    forged.thread_data_offset = (uint64_t)(page - l->base);
    forged.heap_offset = (uint64_t)(page - l->base) + CELLA_PAGE_BYTES;
    memset(page, 0, CELLA_PAGE_BYTES);
    memcpy(page, &forged, sizeof(forged));
}

static void init_with_thread_data_forged_outside_the_enclave_is_refused(void **state)
{
    struct loaded *l = *state;
    int sum = 0;

    forge_thread_data(l, l->outside);
    assert_int_equal(enter(l, l->outside, l->outside, CELLA_ENTRY_INIT, &sum),
                     SGX_ERROR_INVALID_PARAMETER);
    /* The refused entry took nothing from the forged page: the genuine INIT still works. */
    assert_int_equal(enter(l, l->thread_data[0], l->thread_data[0], CELLA_ENTRY_INIT, &sum),
                     SGX_SUCCESS);
    assert_int_equal(enter(l, l->thread_data[0], l->thread_data[0], CELLA_ENTRY_ECALL, &sum),
                     SGX_SUCCESS);
    assert_int_equal(sum, 42);
}

static void ecall_with_thread_data_forged_outside_the_enclave_is_refused(void **state)
{
    struct loaded *l = *state;
    int sum = 0;

    assert_int_equal(enter(l, l->thread_data[0], l->thread_data[0], CELLA_ENTRY_INIT, &sum),
                     SGX_SUCCESS);
    forge_thread_data(l, l->outside);
    assert_int_equal(enter(l, l->outside, l->outside, CELLA_ENTRY_ECALL, &sum),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sum, 0);
}

static void ecall_with_a_thread_data_copy_inside_the_enclave_is_refused(void **state)
{
    struct loaded *l = *state;
    uint8_t *heap_page = l->base + l->info.layout.heap_offset;
    int sum = 0;

    assert_int_equal(enter(l, l->thread_data[0], l->thread_data[0], CELLA_ENTRY_INIT, &sum),
                     SGX_SUCCESS);
    /* A page-aligned enclave page with the version, offset and size a thread page has. */
    memcpy(heap_page, l->thread_data[0], CELLA_PAGE_BYTES);
    ((cella_thread_data_t *)heap_page)->thread_data_offset = l->info.layout.heap_offset;
    assert_int_equal(enter(l, heap_page, heap_page, CELLA_ENTRY_ECALL, &sum),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sum, 0);
}

static void ecall_whose_fs_is_not_its_thread_data_is_refused(void **state)
{
    struct loaded *l = *state;
    int sum = 0;

    assert_int_equal(enter(l, l->thread_data[0], l->thread_data[0], CELLA_ENTRY_INIT, &sum),
                     SGX_SUCCESS);
    assert_int_equal(enter(l, l->thread_data[1], l->thread_data[0], CELLA_ENTRY_ECALL, &sum),
                     SGX_ERROR_INVALID_PARAMETER);
    forge_thread_data(l, l->outside);
    assert_int_equal(enter(l, l->thread_data[1], l->outside, CELLA_ENTRY_ECALL, &sum),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sum, 0);
    /* Both genuine threads enter with their own %fs. */
    assert_int_equal(enter(l, l->thread_data[1], l->thread_data[1], CELLA_ENTRY_ECALL, &sum),
                     SGX_SUCCESS);
    assert_int_equal(sum, 42);
}

/*
 * A nested ECALL is the host's only from inside an OCALL proper: one made from the exit that
 * asks for OCALL memory (sgx_ocalloc), where the enclave is half-way through its work, is
 * refused, public or not.
 */
static void an_entry_from_an_exit_that_is_no_ocall_is_refused(void **state)
{
    struct loaded *l = *state;
    int sum = 0;

    assert_int_equal(enter(l, l->thread_data[0], l->thread_data[0], CELLA_ENTRY_INIT, &sum),
                     SGX_SUCCESS);
    reentry.entry = l->entry;
    reentry.thread_data = l->thread_data[0];
    reentry.memory = l->outside;
    reentry.reenter = true;
    reentry.status = -1;
    reentry.sum = 0;
    cella_entry_request_t request = {
        .command = CELLA_ENTRY_ECALL,
        .index = 1,
        .ops = &ops,
    };
    assert_int_equal(test_enter(l->entry, l->thread_data[0], &request, l->thread_data[0]),
                     SGX_SUCCESS);
    reentry.reenter = false;
    assert_int_equal(reentry.status, SGX_ERROR_ECALL_NOT_ALLOWED);
    assert_int_equal(reentry.sum, 0);
    /* The same ECALL, entered afresh, runs. */
    assert_int_equal(enter(l, l->thread_data[0], l->thread_data[0], CELLA_ENTRY_ECALL, &sum),
                     SGX_SUCCESS);
    assert_int_equal(sum, 42);
}

static int32_t enter_streamed(struct loaded *l, const int *pair, const uint64_t *in_ready,
                              uint64_t *out_ready, int *sum)
{
    cella_entry_request_t request = {
        .command = CELLA_ENTRY_ECALL,
        .index = 0,
        .in = (const uint8_t *)pair,
        .in_size = 2 * sizeof(int),
        .out = (uint8_t *)sum,
        .out_size = sizeof(*sum),
        .in_ready = in_ready,
        .out_ready = out_ready,
        .ops = &ops,
        .context = NULL,
    };
    return test_enter(l->entry, l->thread_data[0], &request, l->thread_data[0]);
}

/*
 * A streamed call as a hostile host would make it: the input ends where an unmapped page
 * begins, and its progress word claims far more than the input holds; the progress words
 * must be the host's own, aligned.
 */
static void a_streamed_call_takes_no_byte_past_its_input_and_reports_its_output(void **state)
{
    struct loaded *l = *state;
    uint64_t *in_ready = (uint64_t *)(void *)l->outside;
    uint64_t *out_ready = in_ready + 1;
    int *sum = (int *)(void *)(in_ready + 2);
    int *pair = (int *)(void *)(l->outside + CELLA_PAGE_BYTES - 2 * sizeof(int));
    uint64_t *inside = (uint64_t *)(void *)(l->base + l->info.layout.heap_offset);

    /* INIT tells the host which interface the runtime speaks: this one streams. */
    uint32_t version = 0;
    cella_entry_request_t init = {.command = CELLA_ENTRY_INIT,
                                  .out = (uint8_t *)&version,
                                  .out_size = sizeof(version),
                                  .ops = &ops};
    assert_int_equal(test_enter(l->entry, l->thread_data[0], &init, l->thread_data[0]),
                     SGX_SUCCESS);
    assert_int_equal(version, CELLA_ENTRY_ABI_VERSION);
    pair[0] = 40;
    pair[1] = 2;
    *in_ready = UINT64_MAX;
    *out_ready = 0;
    *sum = 0;
    assert_int_equal(enter_streamed(l, pair, in_ready, out_ready, sum), SGX_SUCCESS);
    assert_int_equal(*sum, 42);
    assert_int_equal(*out_ready, sizeof(int));

    *sum = 0;
    assert_int_equal(
        enter_streamed(l, pair, (const uint64_t *)(const void *)(l->outside + 1), NULL, sum),
        SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(enter_streamed(l, pair, inside, NULL, sum), SGX_ERROR_INVALID_PARAMETER);
    *inside = 7;
    assert_int_equal(enter_streamed(l, pair, NULL, inside, sum), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(*inside, 7);
    assert_int_equal(*sum, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(init_with_thread_data_forged_outside_the_enclave_is_refused,
                                        load, unload),
        cmocka_unit_test_setup_teardown(
            ecall_with_thread_data_forged_outside_the_enclave_is_refused, load, unload),
        cmocka_unit_test_setup_teardown(ecall_with_a_thread_data_copy_inside_the_enclave_is_refused,
                                        load, unload),
        cmocka_unit_test_setup_teardown(an_entry_from_an_exit_that_is_no_ocall_is_refused, load,
                                        unload),
        cmocka_unit_test_setup_teardown(ecall_whose_fs_is_not_its_thread_data_is_refused, load,
                                        unload),
        cmocka_unit_test_setup_teardown(
            a_streamed_call_takes_no_byte_past_its_input_and_reports_its_output, load, unload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
