/* SPDX-License-Identifier: Apache-2.0 */
/* adversarial.c: generated trusted bridges refuse hostile inputs, and proxies hostile results. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "Bridge_t.h"
#include "bridge_enclave.h"
#include "trusted_double.h"

/*
 * The tests build input buffers by hand, in the layout of cella/bridge.h. These mirror the
 * marshalling structs the generator writes into Bridge_t.c (same members, same order, so the
 * same layout).
 */
typedef cella_bridge_ref_t ref_t;

enum {
    ECALL_VOID = 3,
    ECALL_IN = 4,
    ECALL_OUT = 5,
    ECALL_STRINGS = 7,
    ECALL_WSTRINGS = 8,
    ECALL_DEEP_IN = 12,
    ECALL_USER_CHECK = 14,
    ECALL_PRIVATE = 18,
    ECALL_SWITCHLESS = 19,
    ECALL_PARTIAL = 22,
    ECALL_BOOLS = 23,
    ECALL_PADDED = 24,
};

struct ms_in {
    ref_t one;
    ref_t many;
    size_t n;
    ref_t bytes;
    size_t len;
};

struct ms_out {
    ref_t one;
    ref_t many;
    ref_t bytes;
    uint32_t len;
};

struct ms_strings {
    ref_t s;
    ref_t upper;
    ref_t u;
};

struct ms_wstrings {
    ref_t s;
    ref_t reversed;
};

struct ms_deep_in {
    ref_t blobs;
    size_t n;
};

struct ms_user_check {
    uint64_t p;
};

struct ms_bools {
    ref_t flags;
    size_t n;
};

struct ms_partial {
    ref_t values;
    size_t len;
};

#define NULL_REF ((ref_t){CELLA_BRIDGE_NULL_OFFSET, 0})

/* A call's input under construction: the marshalling struct, then payloads. */
struct input {
    uint8_t bytes[512];
    size_t size;
};

static void input_init(struct input *in, const void *ms, size_t ms_size)
{
    memset(in, 0, sizeof(*in));
    memcpy(in->bytes, ms, ms_size);
    in->size = ms_size;
}

/* Appends a payload at the next multiple of 8 and returns its offset. */
static size_t input_add(struct input *in, const void *data, size_t size)
{
    size_t offset = (in->size + 7u) & ~(size_t)7u;
    assert_true(offset + size <= sizeof(in->bytes));
    memcpy(in->bytes + offset, data, size);
    in->size = offset + size;
    return offset;
}

static void input_set_ms(struct input *in, const void *ms, size_t ms_size)
{
    memcpy(in->bytes, ms, ms_size);
}

/*
 * Calls the bridge of ECALL `index` directly with exactly in_size and out_size bytes of heap
 * (so ASan reports any access past them). When the bridge refuses the input, the trusted
 * function must not have run and `out` must be untouched.
 */
static int32_t call(uint32_t index, const void *in, size_t in_size, size_t out_size)
{
    cella_ecall_bridge_t bridge = trusted_double_bridge(index);
    assert_non_null(bridge);
    uint8_t *private_in = in_size != 0 ? malloc(in_size) : NULL;
    uint8_t *private_out = out_size != 0 ? malloc(out_size) : NULL;
    if (in_size != 0) {
        assert_non_null(private_in);
        memcpy(private_in, in, in_size);
    }
    if (out_size != 0) {
        assert_non_null(private_out);
        memset(private_out, 0x5a, out_size);
    }
    unsigned before = bridge_enclave_call_count();
    int32_t status = bridge(private_in, in_size, private_out, out_size);
    if (status != SGX_SUCCESS) {
        assert_int_equal(bridge_enclave_call_count(), before);
        for (size_t i = 0; i < out_size; i++)
            assert_int_equal(private_out[i], 0x5a);
    }
    free(private_in);
    free(private_out);
    return status;
}

/* A valid input for ecall_in: one int, n = 2 uint32_t, len = 3 bytes. */
static void valid_ecall_in(struct input *in, struct ms_in *ms)
{
    static const int one = 5;
    static const uint32_t many[2] = {6, 7};
    static const uint8_t bytes[3] = {1, 2, 3};
    *ms = (struct ms_in){NULL_REF, NULL_REF, 2, NULL_REF, 3};
    input_init(in, ms, sizeof(*ms));
    ms->one = (ref_t){input_add(in, &one, sizeof(one)), sizeof(one)};
    ms->many = (ref_t){input_add(in, many, sizeof(many)), sizeof(many)};
    ms->bytes = (ref_t){input_add(in, bytes, sizeof(bytes)), sizeof(bytes)};
    input_set_ms(in, ms, sizeof(*ms));
}

static void a_well_formed_input_is_accepted(void **state)
{
    (void)state;
    struct input in;
    struct ms_in ms;
    valid_ecall_in(&in, &ms);
    assert_int_equal(call(ECALL_IN, in.bytes, in.size, sizeof(uint64_t)), SGX_SUCCESS);
}

/* Table of ways to break ecall_in's otherwise valid input. */
static void break_offset_past_the_end(struct input *in, struct ms_in *ms)
{
    ms->bytes.offset = in->size + 8;
}

static void break_offset_plus_size_wraps(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->len = SIZE_MAX - 7;
    ms->bytes.size = SIZE_MAX - 7;
}

static void break_unaligned_offset(struct input *in, struct ms_in *ms)
{
    /* The bytes moved one place up: the offset is inside the input but not aligned. */
    memmove(in->bytes + ms->bytes.offset + 1, in->bytes + ms->bytes.offset, 3);
    ms->bytes.offset += 1;
    in->size += 1;
}

static void break_size_other_than_count_times_size(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->many.size = 12; /* n = 2 elements of 4 bytes are 8 */
}

static void break_count_times_size_overflows(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->n = SIZE_MAX / 2;
}

static void break_overlapping_payloads(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->many.offset = ms->one.offset; /* one (4 bytes) and many (8 bytes) share bytes */
}

static void break_payloads_out_of_order(struct input *in, struct ms_in *ms)
{
    (void)in;
    uint64_t offset = ms->one.offset;
    ms->one.offset = ms->many.offset + 4; /* after many, not overlapping it, not aligned */
    ms->many.offset = offset;
}

static void break_payload_inside_the_struct(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->one.offset = 8;
}

static void break_oversized_length(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->len = (size_t)1 << 40;
    ms->bytes.size = (size_t)1 << 40;
}

static void break_null_with_a_size(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->one = (ref_t){CELLA_BRIDGE_NULL_OFFSET, 4};
}

static void break_empty_payload(struct input *in, struct ms_in *ms)
{
    (void)in;
    ms->len = 0;
    ms->bytes.size = 0; /* a zero length travels as NULL, not as an empty payload */
}

static void break_trailing_bytes(struct input *in, struct ms_in *ms)
{
    (void)ms;
    in->size += 1;
}

static void break_truncated_payload(struct input *in, struct ms_in *ms)
{
    (void)ms;
    in->size -= 1;
}

static void break_truncated_struct(struct input *in, struct ms_in *ms)
{
    (void)ms;
    in->size = sizeof(struct ms_in) - 1;
}

static void hostile_ecall_inputs_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        void (*breaks)(struct input *in, struct ms_in *ms);
    } cases[] = {
        {"offset past the end", break_offset_past_the_end},
        {"offset + size wraps", break_offset_plus_size_wraps},
        {"unaligned offset", break_unaligned_offset},
        {"size != count * size", break_size_other_than_count_times_size},
        {"count * size overflows", break_count_times_size_overflows},
        {"overlapping payloads", break_overlapping_payloads},
        {"payloads out of order", break_payloads_out_of_order},
        {"payload inside the marshalling struct", break_payload_inside_the_struct},
        {"oversized length", break_oversized_length},
        {"NULL with a size", break_null_with_a_size},
        {"empty payload", break_empty_payload},
        {"trailing bytes", break_trailing_bytes},
        {"truncated payload", break_truncated_payload},
        {"truncated marshalling struct", break_truncated_struct},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct input in;
        struct ms_in ms;
        valid_ecall_in(&in, &ms);
        cases[k].breaks(&in, &ms);
        input_set_ms(&in, &ms, sizeof(ms));
        print_message("case: %s\n", cases[k].name);
        assert_int_equal(call(ECALL_IN, in.bytes, in.size, sizeof(uint64_t)),
                         SGX_ERROR_INVALID_PARAMETER);
    }
}

static void an_output_size_other_than_the_layout_is_refused(void **state)
{
    (void)state;
    struct input in;
    struct ms_in ms;
    valid_ecall_in(&in, &ms);
    assert_int_equal(call(ECALL_IN, in.bytes, in.size, 0), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(call(ECALL_IN, in.bytes, in.size, 16), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(call(ECALL_IN, in.bytes, in.size, 7), SGX_ERROR_INVALID_PARAMETER);
}

static void out_references_must_say_only_how_much(void **state)
{
    (void)state;
    /* ecall_out: one (4 bytes), many (16 bytes), bytes (len); output = int + payloads. */
    struct ms_out ms = {{0, 4}, {0, 16}, {0, 5}, 5};
    size_t out_size = 8 /* int + padding to 8 */ + 8 + 16 + 5;
    assert_int_equal(call(ECALL_OUT, &ms, sizeof(ms), out_size), SGX_SUCCESS);
    struct ms_out bad_offset = ms;
    bad_offset.many.offset = 8; /* an [out] buffer has no payload in the input */
    assert_int_equal(call(ECALL_OUT, &bad_offset, sizeof(bad_offset), out_size),
                     SGX_ERROR_INVALID_PARAMETER);
    struct ms_out bad_size = ms;
    bad_size.bytes.size = 6; /* len says 5 */
    assert_int_equal(call(ECALL_OUT, &bad_size, sizeof(bad_size), out_size + 1),
                     SGX_ERROR_INVALID_PARAMETER);
}

/* ecall_strings with s given as `s_size` bytes; upper and u NULL. */
static int32_t call_strings(const char *s, size_t s_size)
{
    struct input in;
    struct ms_strings ms = {NULL_REF, NULL_REF, NULL_REF};
    input_init(&in, &ms, sizeof(ms));
    ms.s = (ref_t){input_add(&in, s, s_size), s_size};
    input_set_ms(&in, &ms, sizeof(ms));
    return call(ECALL_STRINGS, in.bytes, in.size, sizeof(size_t));
}

static void strings_must_end_at_their_only_nul(void **state)
{
    (void)state;
    assert_int_equal(call_strings("abc", 4), SGX_SUCCESS);
    assert_int_equal(call_strings("abc", 3), SGX_ERROR_INVALID_PARAMETER);    /* no NUL */
    assert_int_equal(call_strings("ab\0d", 5), SGX_ERROR_INVALID_PARAMETER);  /* inner NUL */
    assert_int_equal(call_strings("\0\0\0", 3), SGX_ERROR_INVALID_PARAMETER); /* early NUL */
    assert_int_equal(call_strings("", 0), SGX_ERROR_INVALID_PARAMETER);       /* no bytes */
}

static int32_t call_wstrings(const wchar_t *s, size_t s_size)
{
    struct input in;
    struct ms_wstrings ms = {NULL_REF, NULL_REF};
    input_init(&in, &ms, sizeof(ms));
    ms.s = (ref_t){input_add(&in, s, s_size), s_size};
    input_set_ms(&in, &ms, sizeof(ms));
    return call(ECALL_WSTRINGS, in.bytes, in.size, sizeof(size_t));
}

static void wide_strings_must_be_whole_characters_ending_at_their_only_nul(void **state)
{
    (void)state;
    assert_int_equal(call_wstrings(L"ab", 3 * sizeof(wchar_t)), SGX_SUCCESS);
    assert_int_equal(call_wstrings(L"ab", 2 * sizeof(wchar_t)), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(call_wstrings(L"ab", 3 * sizeof(wchar_t) - 1), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(call_wstrings(L"a\0b", 4 * sizeof(wchar_t)), SGX_ERROR_INVALID_PARAMETER);
}

/* A struct blob_t as it travels: members hold offsets, not pointers. */
struct wire_blob {
    size_t size;
    uint64_t data;
    uint32_t count;
    uint64_t values;
};

/* ecall_deep_in with one blob: data (data_size bytes), values (count elements). */
static void valid_deep_in(struct input *in, struct ms_deep_in *ms, struct wire_blob *blob)
{
    static const uint8_t data[5] = {1, 2, 3, 4, 5};
    static const uint64_t values[2] = {7, 8};
    *ms = (struct ms_deep_in){NULL_REF, 1};
    input_init(in, ms, sizeof(*ms));
    *blob = (struct wire_blob){5, 0, 2, 0};
    size_t blob_offset = input_add(in, blob, sizeof(*blob));
    blob->data = input_add(in, data, sizeof(data));
    blob->values = input_add(in, values, sizeof(values));
    memcpy(in->bytes + blob_offset, blob, sizeof(*blob));
    ms->blobs = (ref_t){blob_offset, sizeof(*blob)};
    input_set_ms(in, ms, sizeof(*ms));
}

static void hostile_deep_copy_members_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint64_t data;   /* UINT64_MAX - 1: keep */
        size_t size;     /* SIZE_MAX: keep */
        uint64_t values; /* UINT64_MAX - 1: keep */
    } cases[] = {
        {"member offset past the end", 4096, SIZE_MAX, UINT64_MAX - 1},
        {"member longer than its payload", UINT64_MAX - 1, 200, UINT64_MAX - 1},
        {"member inside the struct array", 8, SIZE_MAX, UINT64_MAX - 1},
        {"members overlapping", UINT64_MAX - 1, SIZE_MAX, 0},
        {"member offset unaligned", UINT64_MAX - 1, SIZE_MAX, 1},
        {"member offset as large as it gets", UINT64_MAX - 2, SIZE_MAX, UINT64_MAX - 1},
    };
    struct input in;
    struct ms_deep_in ms;
    struct wire_blob blob;
    valid_deep_in(&in, &ms, &blob);
    assert_int_equal(call(ECALL_DEEP_IN, in.bytes, in.size, sizeof(uint64_t)), SGX_SUCCESS);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct wire_blob bad;
        valid_deep_in(&in, &ms, &blob);
        bad = blob;
        if (cases[k].data != UINT64_MAX - 1)
            bad.data = cases[k].data;
        if (cases[k].size != SIZE_MAX)
            bad.size = cases[k].size;
        if (cases[k].values != UINT64_MAX - 1)
            bad.values = cases[k].values == 0 ? blob.data : blob.values + cases[k].values;
        memcpy(in.bytes + ms.blobs.offset, &bad, sizeof(bad));
        print_message("case: %s\n", cases[k].name);
        assert_int_equal(call(ECALL_DEEP_IN, in.bytes, in.size, sizeof(uint64_t)),
                         SGX_ERROR_INVALID_PARAMETER);
    }
}

static void a_user_check_pointer_into_the_enclave_is_refused(void **state)
{
    (void)state;
    size_t arena_size = 0;
    const uint8_t *arena = trusted_double_arena(&arena_size);
    uint64_t outside = 0;
    const struct {
        const char *name;
        const void *p;
        int32_t expected;
    } cases[] = {
        {"first byte of the enclave", arena, SGX_ERROR_INVALID_PARAMETER},
        {"inside the enclave", arena + 4096, SGX_ERROR_INVALID_PARAMETER},
        {"last byte of the enclave", arena + arena_size - 1, SGX_ERROR_INVALID_PARAMETER},
        {"host memory", &outside, SGX_SUCCESS},
        {"NULL", NULL, SGX_SUCCESS},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct ms_user_check ms = {(uint64_t)(uintptr_t)cases[k].p};
        print_message("case: %s\n", cases[k].name);
        assert_int_equal(call(ECALL_USER_CHECK, &ms, sizeof(ms), sizeof(uint64_t)),
                         cases[k].expected);
    }
}

static void a_function_without_parameters_takes_no_input(void **state)
{
    (void)state;
    static const uint8_t junk[8] = {0};
    assert_int_equal(call(ECALL_VOID, NULL, 0, 0), SGX_SUCCESS);
    assert_int_equal(call(ECALL_VOID, junk, sizeof(junk), 0), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(call(ECALL_VOID, NULL, 0, 8), SGX_ERROR_INVALID_PARAMETER);
}

static void an_explicit_size_must_be_whole_elements(void **state)
{
    (void)state;
    static const int32_t values[2] = {1, 2};
    for (size_t len = 0; len <= 8; len++) {
        struct input in;
        struct ms_partial ms = {NULL_REF, len};
        input_init(&in, &ms, sizeof(ms));
        if (len != 0)
            ms.values = (ref_t){input_add(&in, values, len), len};
        input_set_ms(&in, &ms, sizeof(ms));
        assert_int_equal(call(ECALL_PARTIAL, in.bytes, in.size, sizeof(int32_t)),
                         len % 4 == 0 ? SGX_SUCCESS : SGX_ERROR_INVALID_PARAMETER);
    }
}

static void a_bool_must_be_zero_or_one(void **state)
{
    (void)state;
    for (unsigned value = 0; value < 4; value++) {
        uint8_t flags[3] = {1, 0, (uint8_t)value};
        struct input in;
        struct ms_bools ms = {NULL_REF, 3};
        input_init(&in, &ms, sizeof(ms));
        ms.flags = (ref_t){input_add(&in, flags, sizeof(flags)), sizeof(flags)};
        input_set_ms(&in, &ms, sizeof(ms));
        assert_int_equal(call(ECALL_BOOLS, in.bytes, in.size, sizeof(int)),
                         value <= 1 ? SGX_SUCCESS : SGX_ERROR_INVALID_PARAMETER);
    }
}

static void the_table_carries_privacy_switchless_and_allow(void **state)
{
    (void)state;
    const cella_ecall_table_t *table = &cella_bridge_ecall_table;
    assert_int_equal(table->ecall_count, 25);
    assert_int_equal(table->ocall_count, 16);
    assert_int_equal(table->ecalls[ECALL_PRIVATE].is_private, 1);
    assert_int_equal(table->ecalls[ECALL_IN].is_private, 0);
    assert_int_equal(table->ecalls[ECALL_SWITCHLESS].is_switchless, 1);
    assert_int_equal(table->ecalls[ECALL_IN].is_switchless, 0);
    for (uint32_t o = 0; o < table->ocall_count; o++) {
        for (uint32_t e = 0; e < table->ecall_count; e++)
            assert_int_equal(table->allow[o * table->ecall_count + e],
                             o == 5 && e == ECALL_PRIVATE ? 1 : 0);
    }
}

/* ---- OCALL results from a lying host (Iago) -------------------------------------------------- */

static uint8_t host_fill;
static int32_t host_status;

/* A host that answers every OCALL by filling the whole output with host_fill. */
static int32_t lying_host(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                          uint8_t *out, size_t out_size)
{
    (void)context, (void)index, (void)in, (void)in_size;
    memset(out, host_fill, out_size);
    return host_status;
}

/* Heap memory the double counts as enclave memory (ASan guards its ends). */
static void *enclave_block(size_t size)
{
    void *block = malloc(size);
    assert_non_null(block);
    trusted_double_add_range(block, size);
    return block;
}

static void ocall_results_are_copied_with_the_enclaves_own_lengths(void **state)
{
    (void)state;
    int *v = enclave_block(3 * sizeof(int));
    char *buf = enclave_block(5);
    trusted_double_set_host(lying_host, NULL);
    host_fill = 0xff;
    host_status = SGX_SUCCESS;
    assert_int_equal(ocall_out(v, 3, buf, 5), SGX_SUCCESS);
    for (int i = 0; i < 3; i++)
        assert_int_equal(v[i], -1);
    for (int i = 0; i < 5; i++)
        assert_int_equal((uint8_t)buf[i], 0xff);
    free(v);
    free(buf);
}

static void an_ocall_string_comes_back_terminated_whatever_the_host_wrote(void **state)
{
    (void)state;
    char *s = enclave_block(6);
    struct point_t *p = enclave_block(sizeof(*p));
    int *pair = enclave_block(2 * sizeof(int));
    int result = 0;
    memcpy(s, "hello", 6);
    *p = (struct point_t){1, 2};
    pair[0] = pair[1] = 0;
    trusted_double_set_host(lying_host, NULL);
    host_fill = 'X';
    host_status = SGX_SUCCESS;
    assert_int_equal(ocall_in_out(&result, s, p, pair), SGX_SUCCESS);
    assert_string_equal(s, "XXXXX");

    wchar_t *w = enclave_block(4 * sizeof(wchar_t));
    wcscpy(w, L"abc");
    host_fill = 0x41;
    assert_int_equal(ocall_wstring(w), SGX_SUCCESS);
    assert_int_equal(w[3], 0);
    free(s);
    free(p);
    free(pair);
    free(w);
}

static void a_deep_copied_member_the_host_lengthens_is_refused(void **state)
{
    (void)state;
    uint8_t *data = enclave_block(4);
    struct blob_t *blob = enclave_block(sizeof(*blob));
    memcpy(data, "\1\2\3\4", 4);
    *blob = (struct blob_t){4, data, 0, NULL};
    trusted_double_set_host(lying_host, NULL);
    host_fill = 0x7f; /* size becomes 0x7f7f...: longer than the 4 bytes sent */
    host_status = SGX_SUCCESS;
    assert_int_equal(ocall_deep_in_out(blob), SGX_ERROR_UNEXPECTED);
    assert_int_equal(blob->size, 4);
    assert_ptr_equal(blob->data, data);
    assert_memory_equal(data, "\1\2\3\4", 4);
    free(data);
    free(blob);
}

static void a_failed_ocall_changes_nothing_in_the_enclave(void **state)
{
    (void)state;
    int *v = enclave_block(2 * sizeof(int));
    int result = 5;
    v[0] = v[1] = 9;
    trusted_double_set_host(lying_host, NULL);
    host_fill = 0x33; /* ocall_errno's errno would read 0x33333333 */
    host_status = SGX_ERROR_UNEXPECTED;
    errno = 0;
    assert_int_equal(ocall_out(v, 2, NULL, 0), SGX_ERROR_UNEXPECTED);
    assert_int_equal(v[0], 9);
    assert_int_equal(ocall_errno(&result, 3), SGX_ERROR_UNEXPECTED);
    assert_int_equal(result, 5);
    assert_int_equal(errno, 0); /* errno is taken only from a successful OCALL */
    free(v);
}

static void bools_from_the_host_must_be_zero_or_one(void **state)
{
    (void)state;
    bool *flags = enclave_block(2);
    bool result = false;
    flags[0] = flags[1] = false;
    trusted_double_set_host(lying_host, NULL);
    host_status = SGX_SUCCESS;
    host_fill = 1;
    assert_int_equal(ocall_bools(&result, flags, 2), SGX_SUCCESS);
    assert_true(result && flags[0] && flags[1]);
    flags[0] = flags[1] = false;
    result = false;
    host_fill = 2;
    assert_int_equal(ocall_bools(&result, flags, 2), SGX_ERROR_UNEXPECTED);
    assert_false(result || flags[0] || flags[1]);
    free(flags);
}

static void ocall_pointers_must_point_into_the_enclave(void **state)
{
    (void)state;
    int outside[2] = {0, 0};
    char text[] = "host";
    trusted_double_set_host(lying_host, NULL);
    host_status = SGX_SUCCESS;
    unsigned before = trusted_double_ocall_count();
    assert_int_equal(ocall_out(outside, 2, NULL, 0), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(ocall_in(NULL, 0, text, NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(trusted_double_ocall_count(), before);
}

/* A host whose OCALLs return host_pointer (ocall_pointer's output is the pointer). */
static const void *host_pointer;

static int32_t pointer_host(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                            uint8_t *out, size_t out_size)
{
    (void)context, (void)index, (void)in, (void)in_size;
    uintptr_t value = (uintptr_t)host_pointer;
    assert_int_equal(out_size, sizeof(char *));
    memcpy(out, &value, sizeof(value));
    return SGX_SUCCESS;
}

static void an_ocall_pointer_result_into_the_enclave_is_refused(void **state)
{
    (void)state;
    size_t arena_size = 0;
    const uint8_t *arena = trusted_double_arena(&arena_size);
    static char host_memory[4];
    char sentinel = 0;
    const struct {
        const char *name;
        const void *p;
        int32_t expected;
    } cases[] = {
        {"first byte of the enclave", arena, SGX_ERROR_UNEXPECTED},
        {"inside the enclave", arena + 4096, SGX_ERROR_UNEXPECTED},
        {"last byte of the enclave", arena + arena_size - 1, SGX_ERROR_UNEXPECTED},
        {"host memory", host_memory, SGX_SUCCESS},
        {"NULL", NULL, SGX_SUCCESS},
    };
    trusted_double_set_host(pointer_host, NULL);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char *result = &sentinel;
        print_message("case: %s\n", cases[k].name);
        host_pointer = cases[k].p;
        assert_int_equal(ocall_pointer(&result, 1), cases[k].expected);
        if (cases[k].expected == SGX_SUCCESS)
            assert_ptr_equal(result, cases[k].p);
        else
            assert_ptr_equal(result, &sentinel); /* *retval is not written */
        /* Refused as well when the caller drops the result. */
        assert_int_equal(ocall_pointer(NULL, 1), cases[k].expected);
    }
}

/* A struct padded_t as the host sees it: c, seven bytes of padding, v. */
static void assert_zero_padding(const uint8_t *bytes, char c, uint64_t v)
{
    uint64_t got;
    assert_int_equal((char)bytes[offsetof(struct padded_t, c)], c);
    for (size_t i = offsetof(struct padded_t, c) + 1; i < offsetof(struct padded_t, v); i++)
        assert_int_equal(bytes[i], 0);
    memcpy(&got, bytes + offsetof(struct padded_t, v), sizeof(got));
    assert_int_equal(got, v);
}

/* The mirror of ms_ocall_padded_t. */
struct ms_ocall_padded {
    struct padded_t p;
    ref_t items;
    size_t n;
};

static uint8_t seen_input[256];
static size_t seen_size;

/* A host that keeps the input of the last OCALL. */
static int32_t recording_host(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                              uint8_t *out, size_t out_size)
{
    (void)context, (void)index;
    assert_true(in_size <= sizeof(seen_input));
    memcpy(seen_input, in, in_size);
    seen_size = in_size;
    memset(out, 0, out_size);
    return SGX_SUCCESS;
}

static void struct_padding_leaves_the_enclave_as_zeros(void **state)
{
    (void)state;
    /* ecall_padded(c, v, [out] filled): the enclave fills 0xa5 into every padding byte. */
    struct {
        char c;
        uint64_t v;
        ref_t filled;
    } ms;
    memset(&ms, 0, sizeof(ms));
    ms.c = 'k';
    ms.v = 77;
    ms.filled = (ref_t){0, sizeof(struct padded_t)};
    uint8_t out[2 * sizeof(struct padded_t)];
    memset(out, 0x5a, sizeof(out));
    trusted_double_set_host(recording_host, NULL);
    seen_size = 0;
    assert_int_equal(
        trusted_double_ecall(ECALL_PADDED, (const uint8_t *)&ms, sizeof(ms), out, sizeof(out)),
        SGX_SUCCESS);

    /* The ECALL's result and its [out] struct. */
    assert_zero_padding(out, 'k', 77);
    assert_zero_padding(out + sizeof(struct padded_t), 'k', 78);

    /* The OCALL's by-value struct and its [in] array of two. */
    assert_int_equal(bridge_enclave_last_padded_status(), SGX_SUCCESS);
    struct ms_ocall_padded seen;
    assert_true(seen_size >= sizeof(seen));
    memcpy(&seen, seen_input, sizeof(seen));
    assert_zero_padding(seen_input + offsetof(struct ms_ocall_padded, p), 'k', 77);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.items.size, 2 * sizeof(struct padded_t));
    assert_int_equal(seen.items.offset + seen.items.size, seen_size);
    assert_zero_padding(seen_input + seen.items.offset, 'k', 79);
    assert_zero_padding(seen_input + seen.items.offset + sizeof(struct padded_t), 'k', 80);
}

static void nested_structs_arrays_of_them_and_unions_leave_without_padding(void **state)
{
    (void)state;
    struct nested_t s;
    memset(&s, 0xa5, sizeof(s));
    s.one.c = 'a';
    s.one.v = 1;
    for (int i = 0; i < 2; i++) {
        s.two[i].c = (char)('b' + i);
        s.two[i].v = (uint64_t)(2 + i);
    }
    s.n.i = 9;
    s.tail = 7;
    trusted_double_set_host(recording_host, NULL);
    seen_size = 0;
    assert_int_equal(ocall_nested_struct(s), SGX_SUCCESS);
    assert_int_equal(seen_size, sizeof(s)); /* the marshalling struct is the struct alone */
    const uint8_t *bytes = seen_input;
    assert_zero_padding(bytes + offsetof(struct nested_t, one), 'a', 1);
    assert_zero_padding(bytes + offsetof(struct nested_t, two), 'b', 2);
    assert_zero_padding(bytes + offsetof(struct nested_t, two) + sizeof(struct padded_t), 'c', 3);
    int64_t n;
    memcpy(&n, bytes + offsetof(struct nested_t, n), sizeof(n));
    assert_int_equal(n, 9);
    assert_int_equal(bytes[offsetof(struct nested_t, tail)], 7);
    for (size_t i = offsetof(struct nested_t, tail) + 1; i < sizeof(s); i++)
        assert_int_equal(bytes[i], 0);
}

static int reset(void **state)
{
    (void)state;
    trusted_double_reset();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(a_well_formed_input_is_accepted, reset),
        cmocka_unit_test_setup(hostile_ecall_inputs_are_refused, reset),
        cmocka_unit_test_setup(an_output_size_other_than_the_layout_is_refused, reset),
        cmocka_unit_test_setup(out_references_must_say_only_how_much, reset),
        cmocka_unit_test_setup(strings_must_end_at_their_only_nul, reset),
        cmocka_unit_test_setup(wide_strings_must_be_whole_characters_ending_at_their_only_nul,
                               reset),
        cmocka_unit_test_setup(hostile_deep_copy_members_are_refused, reset),
        cmocka_unit_test_setup(a_user_check_pointer_into_the_enclave_is_refused, reset),
        cmocka_unit_test_setup(a_function_without_parameters_takes_no_input, reset),
        cmocka_unit_test_setup(an_explicit_size_must_be_whole_elements, reset),
        cmocka_unit_test_setup(a_bool_must_be_zero_or_one, reset),
        cmocka_unit_test_setup(the_table_carries_privacy_switchless_and_allow, reset),
        cmocka_unit_test_setup(ocall_results_are_copied_with_the_enclaves_own_lengths, reset),
        cmocka_unit_test_setup(an_ocall_string_comes_back_terminated_whatever_the_host_wrote,
                               reset),
        cmocka_unit_test_setup(a_deep_copied_member_the_host_lengthens_is_refused, reset),
        cmocka_unit_test_setup(a_failed_ocall_changes_nothing_in_the_enclave, reset),
        cmocka_unit_test_setup(bools_from_the_host_must_be_zero_or_one, reset),
        cmocka_unit_test_setup(ocall_pointers_must_point_into_the_enclave, reset),
        cmocka_unit_test_setup(an_ocall_pointer_result_into_the_enclave_is_refused, reset),
        cmocka_unit_test_setup(struct_padding_leaves_the_enclave_as_zeros, reset),
        cmocka_unit_test_setup(nested_structs_arrays_of_them_and_unions_leave_without_padding,
                               reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
