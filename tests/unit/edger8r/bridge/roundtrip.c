/* SPDX-License-Identifier: Apache-2.0 */
/* roundtrip.c: generated proxies and bridges of Bridge.edl carry every kind of parameter. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "Bridge_u.h"
#include "bridge_enclave.h"
#include "host_double.h"

#define EID HOST_DOUBLE_ENCLAVE_ID

/* ---- The OCALLs, as the host implements them; they record what arrived ------------------- */

static struct {
    int in_sum;
    char in_string[64];
    wchar_t in_wide[16];
    int out_arrived_zeroed;
    sgx_status_t nested_forbidden;
    int switchless_calls;
} host;

int ocall_scalars(int a, double b, struct point_t p)
{
    return a + (int)(b * 2) + p.x * p.y;
}

void ocall_in(const int *v, size_t n, const char *s, const wchar_t *w)
{
    host.in_sum = 0;
    for (size_t i = 0; v != NULL && i < n; i++)
        host.in_sum += v[i];
    snprintf(host.in_string, sizeof(host.in_string), "%s", s != NULL ? s : "(null)");
    if (w != NULL && wcslen(w) < 16)
        wcscpy(host.in_wide, w);
}

void ocall_out(int *v, size_t n, char *buf, size_t len)
{
    int zeroed = 1;
    for (size_t i = 0; v != NULL && i < n; i++)
        zeroed = zeroed && v[i] == 0;
    for (size_t i = 0; buf != NULL && i < len; i++)
        zeroed = zeroed && buf[i] == 0;
    host.out_arrived_zeroed = zeroed;
    for (size_t i = 0; v != NULL && i < n; i++)
        v[i] = 100 + (int)i;
    if (buf != NULL)
        memcpy(buf, "outbuf!", len < 8 ? len : 8);
}

int ocall_in_out(char *s, struct point_t *p, int *pair)
{
    for (size_t i = 0; s != NULL && s[i] != '\0'; i++)
        s[i] = (char)(s[i] - 'a' + 'A');
    if (p != NULL) {
        int32_t x = p->x;
        p->x = p->y;
        p->y = x;
    }
    if (pair != NULL)
        pair[0] += pair[1];
    return 7;
}

int ocall_errno(int e)
{
    errno = e;
    return -1;
}

int ocall_nested(int x)
{
    int result = 0;
    int ignored = 0;
    /* ecall_nested is not in this OCALL's allow(): refused. */
    host.nested_forbidden = ecall_nested(EID, &ignored, 0);
    if (ecall_private(EID, &result, x + 1) != SGX_SUCCESS)
        return -1;
    return result + 1;
}

static uint64_t blob_sum(const struct blob_t *blob)
{
    uint64_t sum = blob->size + blob->count;
    for (size_t i = 0; blob->data != NULL && i < blob->size; i++)
        sum += blob->data[i];
    for (uint32_t i = 0; blob->values != NULL && i < blob->count; i++)
        sum += blob->values[i];
    return sum;
}

uint64_t ocall_deep_in(const struct blob_t *blobs, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; blobs != NULL && i < n; i++)
        sum += blob_sum(&blobs[i]);
    return sum;
}

void ocall_deep_in_out(struct blob_t *blob)
{
    for (size_t i = 0; blob->data != NULL && i < blob->size; i++)
        blob->data[i] = (uint8_t)(blob->data[i] * 2);
    for (uint32_t i = 0; blob->values != NULL && i < blob->count; i++)
        blob->values[i] += 1;
    blob->size -= 1;
}

void ocall_wstring(wchar_t *s)
{
    size_t length = wcslen(s);
    for (size_t i = 0; i < length / 2; i++) {
        wchar_t c = s[i];
        s[i] = s[length - 1 - i];
        s[length - 1 - i] = c;
    }
}

uint64_t ocall_user_check(void *p)
{
    return (uint64_t)(uintptr_t)p;
}

void ocall_switchless(void)
{
    host.switchless_calls++;
}

void ocall_arrays(int a[3], int b[2][2])
{
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++)
            b[i][j] = a[i] + j;
    }
}

bool ocall_bools(bool *flags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        flags[i] = i == 1;
    return true;
}

static char host_text[] = "host";

char *ocall_pointer(size_t n)
{
    return n == 0 ? NULL : host_text;
}

/* What the last ocall_padded received. */
static struct padded_t padded_p;
static struct padded_t padded_items[2];
static size_t padded_n;

void ocall_padded(struct padded_t p, const struct padded_t *items, size_t n)
{
    padded_p = p;
    padded_n = n;
    for (size_t i = 0; i < n && i < 2; i++)
        padded_items[i] = items[i];
}

void ocall_nested_struct(struct nested_t s)
{
    (void)s;
}

/* ---- Tests -------------------------------------------------------------------------------- */

struct scalars {
    char c;
    unsigned char uc;
    short s;
    unsigned short us;
    int i;
    unsigned u;
    long l;
    unsigned long ul;
    long long ll;
    unsigned long long ull;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    size_t z;
    wchar_t w;
    bool flag;
    enum color_t color;
};

#define MIX(hash, value) ((hash) = bridge_fingerprint((hash), &(value), sizeof(value)))

static int64_t fingerprint(const struct scalars *v)
{
    uint64_t hash = BRIDGE_FINGERPRINT_START;
    MIX(hash, v->c), MIX(hash, v->uc), MIX(hash, v->s), MIX(hash, v->us), MIX(hash, v->i);
    MIX(hash, v->u), MIX(hash, v->l), MIX(hash, v->ul), MIX(hash, v->ll), MIX(hash, v->ull);
    MIX(hash, v->i8), MIX(hash, v->i16), MIX(hash, v->i32), MIX(hash, v->i64), MIX(hash, v->u8);
    MIX(hash, v->u16), MIX(hash, v->u32), MIX(hash, v->u64), MIX(hash, v->z), MIX(hash, v->w);
    MIX(hash, v->flag), MIX(hash, v->color);
    return (int64_t)(hash >> 1);
}

static void every_scalar_type_crosses_unchanged(void **state)
{
    (void)state;
    static const struct scalars cases[] = {
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, COLOR_RED},
        {CHAR_MAX,   UCHAR_MAX,  SHRT_MAX, USHRT_MAX, INT_MAX,   UINT_MAX,  LONG_MAX,  ULONG_MAX,
         LLONG_MAX,  ULLONG_MAX, INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX, UINT8_MAX, UINT16_MAX,
         UINT32_MAX, UINT64_MAX, SIZE_MAX, WCHAR_MAX, true,      COLOR_BLUE},
        {CHAR_MIN,  1, SHRT_MIN, 2,         INT_MIN,   3,          LONG_MIN, 4,
         LLONG_MIN, 5, INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN,  6,        7,
         8,         9, 10,       L'\u00e9', true,      COLOR_GREEN},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct scalars *v = &cases[k];
        int64_t result = 0;
        assert_int_equal(ecall_scalars(EID, &result, v->c, v->uc, v->s, v->us, v->i, v->u, v->l,
                                       v->ul, v->ll, v->ull, v->i8, v->i16, v->i32, v->i64, v->u8,
                                       v->u16, v->u32, v->u64, v->z, v->w, v->flag, v->color),
                         SGX_SUCCESS);
        assert_int_equal(result, fingerprint(v));
    }
}

static void floating_point_values_cross_unchanged(void **state)
{
    (void)state;
    static const struct {
        float f;
        double d;
        long double ld;
    } cases[] = {{0.0f, 0.0, 0.0L}, {1.5f, -2.25, 1e300L}, {-3.0e38f, 1e-300, -0.125L}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        double result = 0;
        assert_int_equal(ecall_floats(EID, &result, cases[k].f, cases[k].d, cases[k].ld),
                         SGX_SUCCESS);
        double expected =
            (double)cases[k].f * 2.0 + cases[k].d * 3.0 + (double)(cases[k].ld * 5.0L);
        assert_memory_equal(&result, &expected, sizeof(expected));
    }
}

static void a_struct_and_a_union_cross_by_value_and_a_struct_comes_back(void **state)
{
    (void)state;
    struct point_t result = {0, 0};
    union number_t n;
    n.i = 40;
    assert_int_equal(ecall_struct_by_value(EID, &result, (struct point_t){2, 9}, n), SGX_SUCCESS);
    assert_int_equal(result.x, 42);
    assert_int_equal(result.y, 8);
    /* A NULL retval is allowed: the result is dropped. */
    assert_int_equal(ecall_struct_by_value(EID, NULL, (struct point_t){2, 9}, n), SGX_SUCCESS);
}

static void a_function_without_parameters_runs(void **state)
{
    (void)state;
    unsigned before = host_double_trusted_call_count();
    assert_int_equal(ecall_void(EID), SGX_SUCCESS);
    assert_int_equal(host_double_trusted_call_count(), before + 1);
}

static void in_buffers_arrive_whole_and_null_stays_null(void **state)
{
    (void)state;
    static const uint8_t bytes[] = {1, 2, 3, 250};
    static const uint32_t many[] = {10, 20, 30, 40, 50};
    int one = -7;
    static const struct {
        bool one;
        size_t n;
        bool many;
        size_t len;
        bool bytes;
        uint64_t expected;
    } cases[] = {
        {true, 5, true, 4, true, (uint64_t)-7 + 150 + 256},
        {true, 0, true, 0, true, (uint64_t)-7},
        {false, 3, true, 2, true, 60 + 3},
        {false, 5, false, 4, false, 0}, /* NULL with a length: NULL arrives */
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        uint64_t result = 1;
        assert_int_equal(ecall_in(EID, &result, cases[k].one ? &one : NULL,
                                  cases[k].many ? many : NULL, cases[k].n,
                                  cases[k].bytes ? bytes : NULL, cases[k].len),
                         SGX_SUCCESS);
        assert_int_equal(result, cases[k].expected);
    }
}

static void out_buffers_start_zeroed_and_come_back_filled(void **state)
{
    (void)state;
    int one = 0x5555;
    uint32_t many[4] = {0xeeee, 0xeeee, 0xeeee, 0xeeee};
    char bytes[30];
    int result = 99;
    memset(bytes, 'x', sizeof(bytes));
    assert_int_equal(ecall_out(EID, &result, &one, many, bytes, 28), SGX_SUCCESS);
    assert_int_equal(result, 0); /* the enclave saw zeros, not the 0x5555/0xeeee/x above */
    assert_int_equal(one, 42);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(many[i], 0x1000 + i);
    for (int i = 0; i < 28; i++)
        assert_int_equal(bytes[i], 'a' + i % 26);
    assert_int_equal(bytes[28], 'x'); /* nothing past len */
    assert_int_equal(ecall_out(EID, &result, NULL, NULL, NULL, 5), SGX_SUCCESS);
    assert_int_equal(result, 0);
}

static void in_out_buffers_come_back_changed(void **state)
{
    (void)state;
    int one = 17;
    int32_t many[6] = {1, -2, 3, -4, 5, 1 << 20};
    int result = 0;
    assert_int_equal(ecall_in_out(EID, &result, &one, many, 6), SGX_SUCCESS);
    assert_int_equal(result, 6);
    assert_int_equal(one, -17);
    static const int32_t expected[6] = {2, -4, 6, -8, 10, 1 << 21};
    assert_memory_equal(many, expected, sizeof(expected));
}

static void strings_cross_with_their_terminator(void **state)
{
    (void)state;
    static char long_string[2000];
    memset(long_string, 'q', sizeof(long_string) - 1);
    static const struct {
        const char *s;
        const char *upper;
        const char *u;
        const char *upper_expected;
        size_t expected;
    } cases[] = {
        {"", "", "", "", 0},
        {"hello", "mixed Case 123", "xyz", "MIXED CASE 123", 5003},
        {"\xff\x80", "\xc3\xa9t\xc3\xa9", "", "\xc3\xa9T\xc3\xa9", 2000},
        {long_string, "a", NULL, "A", 1999000},
        {NULL, NULL, "u", NULL, 1},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char upper[64] = "";
        size_t result = 0;
        if (cases[k].upper != NULL)
            snprintf(upper, sizeof(upper), "%s", cases[k].upper);
        assert_int_equal(ecall_strings(EID, &result, cases[k].s,
                                       cases[k].upper != NULL ? upper : NULL,
                                       (const unsigned char *)cases[k].u),
                         SGX_SUCCESS);
        assert_int_equal(result, cases[k].expected);
        if (cases[k].upper_expected != NULL)
            assert_string_equal(upper, cases[k].upper_expected);
    }
}

static void wide_strings_cross_with_their_terminator(void **state)
{
    (void)state;
    wchar_t reversed[16];
    size_t result = 0;
    wcscpy(reversed, L"abc\u00e9");
    assert_int_equal(ecall_wstrings(EID, &result, L"four", reversed), SGX_SUCCESS);
    assert_int_equal(result, 4);
    assert_true(wcscmp(reversed, L"\u00e9cba") == 0);
    assert_int_equal(ecall_wstrings(EID, &result, NULL, NULL), SGX_SUCCESS);
    assert_int_equal(result, SIZE_MAX);
}

static void size_and_count_multiply_and_overflow_is_refused(void **state)
{
    (void)state;
    uint8_t items[12];
    uint32_t pair[2] = {5, 6};
    uint64_t result = 0;
    uint64_t expected = 0;
    for (size_t i = 0; i < sizeof(items); i++) {
        items[i] = (uint8_t)(i * 7);
        expected += items[i];
    }
    assert_int_equal(ecall_size_count(EID, &result, items, 3, 4, pair), SGX_SUCCESS);
    assert_int_equal(result, expected);
    assert_int_equal(pair[0], 11);
    assert_int_equal(pair[1], 12);

    unsigned before = host_double_trusted_call_count();
    assert_int_equal(ecall_size_count(EID, &result, items, SIZE_MAX / 2, 3, pair),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(host_double_trusted_call_count(), before);
}

static void multi_dimensional_arrays_keep_their_shape(void **state)
{
    (void)state;
    int a[4] = {1, 2, 3, 4};
    int b[2][3];
    int c[2][2][2] = {{{0, 1}, {2, 3}}, {{4, 5}, {6, 7}}};
    memset(b, 0x77, sizeof(b));
    assert_int_equal(ecall_arrays(EID, a, b, c), SGX_SUCCESS);
    static const int b_expected[2][3] = {{10, 20, 30}, {40, 10, 20}};
    static const int c_expected[2][2][2] = {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}};
    assert_memory_equal(b, b_expected, sizeof(b));
    assert_memory_equal(c, c_expected, sizeof(c));
}

static void foreign_array_pointer_and_struct_types_cross(void **state)
{
    (void)state;
    array4_t quad = {1, 2, 3, 4};
    int handle_value = 0;
    int ro_value = 100;
    opaque_t opaque = {40, "B"};
    int result = 0;
    assert_int_equal(ecall_foreign(EID, &result, quad, &handle_value, &ro_value, &opaque),
                     SGX_SUCCESS);
    assert_int_equal(handle_value, 110);
    assert_int_equal(ro_value, 100);
    assert_int_equal(result, 40 + 'B');
}

static void deep_copied_structs_carry_their_member_buffers(void **state)
{
    (void)state;
    uint8_t data0[3] = {1, 2, 3};
    uint64_t values0[2] = {1000, 2000};
    uint8_t data1[5] = {9, 9, 9, 9, 9};
    struct blob_t blobs[3] = {
        {3, data0, 2, values0},
        {5, data1, 0, NULL},
        {0, NULL, 0, NULL},
    };
    uint64_t result = 0;
    assert_int_equal(ecall_deep_in(EID, &result, blobs, 3), SGX_SUCCESS);
    assert_int_equal(result, blob_sum(&blobs[0]) + blob_sum(&blobs[1]) + blob_sum(&blobs[2]));
    /* The caller's structs are untouched: pointers and all. */
    assert_ptr_equal(blobs[0].data, data0);
    assert_ptr_equal(blobs[0].values, values0);
}

static void a_deep_copied_in_out_struct_comes_back_with_the_callers_pointers(void **state)
{
    (void)state;
    uint8_t data[4] = {0x0f, 0xf0, 0x00, 0xff};
    uint64_t values[3] = {1, 2, 3};
    struct blob_t blob = {4, data, 3, values};
    assert_int_equal(ecall_deep_in_out(EID, &blob), SGX_SUCCESS);
    assert_ptr_equal(blob.data, data);
    assert_ptr_equal(blob.values, values);
    assert_int_equal(blob.size, 2);
    assert_int_equal(blob.count, 3);
    static const uint8_t data_expected[4] = {0xf0, 0x0f, 0xff, 0x00};
    static const uint64_t values_expected[3] = {2, 3, 4};
    assert_memory_equal(data, data_expected, sizeof(data));
    assert_memory_equal(values, values_expected, sizeof(values));
}

static void a_deep_copied_member_may_not_grow_past_its_buffer(void **state)
{
    (void)state;
    uint8_t data[4] = {1, 2, 3, 4};
    struct blob_t blob = {4, data, 0, NULL};
    int result = 0;
    assert_int_equal(ecall_deep_in_out_grow(EID, &result, &blob), SGX_ERROR_UNEXPECTED);
    assert_int_equal(blob.size, 4); /* nothing copied back */
}

static void a_user_check_pointer_passes_through_only_from_outside(void **state)
{
    (void)state;
    uint64_t value = 0x1122334455667788u;
    uint64_t result = 0;
    assert_int_equal(ecall_user_check(EID, &result, &value), SGX_SUCCESS);
    assert_int_equal(result, value);
    assert_int_equal(ecall_user_check(EID, &result, NULL), SGX_SUCCESS);
    assert_int_equal(result, 0);

    /* A host pointer into enclave memory would make the enclave a confused deputy. */
    size_t arena_size = 0;
    const uint8_t *arena = host_double_trusted_arena(&arena_size);
    unsigned before = host_double_trusted_call_count();
    assert_int_equal(ecall_user_check(EID, &result, (void *)(uintptr_t)(arena + 64)),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(host_double_trusted_call_count(), before);
}

static void null_pointers_arrive_as_null(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(ecall_nulls(EID, &result, NULL, NULL, NULL, NULL, NULL, 5), SGX_SUCCESS);
    assert_int_equal(result, 31);
    int a = 1, b = 2, c = 3, d[2] = {4, 5};
    assert_int_equal(ecall_nulls(EID, &result, &a, &b, &c, "s", d, 2), SGX_SUCCESS);
    assert_int_equal(result, 0);
    /* A zero count gives NULL too, as in Intel's bridges. */
    assert_int_equal(ecall_nulls(EID, &result, &a, &b, &c, "s", d, 0), SGX_SUCCESS);
    assert_int_equal(result, 16);
}

static void ocalls_of_every_kind_round_trip(void **state)
{
    (void)state;
    int result = -1;
    memset(&host, 0, sizeof(host));
    assert_int_equal(ecall_make_ocalls(EID, &result, 10), SGX_SUCCESS);
    assert_int_equal(result, 0);
    assert_int_equal(host.in_sum, 6);
    assert_string_equal(host.in_string, "hello");
    assert_true(wcscmp(host.in_wide, L"wide") == 0);
    assert_true(host.out_arrived_zeroed);
    assert_int_equal(host.switchless_calls, 1);
}

static void a_nested_ecall_runs_only_when_allow_names_it(void **state)
{
    (void)state;
    int result = 0;
    host.nested_forbidden = SGX_SUCCESS;
    assert_int_equal(ecall_nested(EID, &result, 5), SGX_SUCCESS);
    assert_int_equal(result, 6 * 2 + 1);
    assert_int_equal(host.nested_forbidden, SGX_ERROR_ECALL_NOT_ALLOWED);
}

static void a_private_ecall_is_refused_at_the_root(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(ecall_private(EID, &result, 1), SGX_ERROR_ECALL_NOT_ALLOWED);
}

static void a_switchless_ecall_is_an_ordinary_call(void **state)
{
    (void)state;
    assert_int_equal(ecall_switchless(EID, 77), SGX_SUCCESS);
}

static void errno_comes_back_from_an_ocall_that_propagates_it(void **state)
{
    (void)state;
    int result = 0;
    assert_int_equal(ecall_errno(EID, &result, 42), SGX_SUCCESS);
    assert_int_equal(result, 42);
    assert_int_equal(ecall_errno(EID, &result, 0), SGX_SUCCESS);
    assert_int_equal(result, 0);
}

static void an_explicit_size_must_be_whole_elements_on_the_sending_side_too(void **state)
{
    (void)state;
    int32_t values[3] = {5, 6, 7};
    int32_t result = 0;
    assert_int_equal(ecall_partial(EID, &result, values, sizeof(values)), SGX_SUCCESS);
    assert_int_equal(result, 18);
    unsigned before = host_double_trusted_call_count();
    assert_int_equal(ecall_partial(EID, &result, values, sizeof(values) - 2),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(host_double_trusted_call_count(), before);
}

static void bools_cross_as_bools(void **state)
{
    (void)state;
    bool flags[5] = {true, false, true, true, false};
    int result = 0;
    assert_int_equal(ecall_bools(EID, &result, flags, 5), SGX_SUCCESS);
    assert_int_equal(result, 3);
}

static void a_padded_struct_crosses_both_ways_with_its_members(void **state)
{
    (void)state;
    struct padded_t result = {0, 0};
    struct padded_t filled = {0, 0};
    padded_n = 0;
    assert_int_equal(ecall_padded(EID, &result, 'q', 1000, &filled), SGX_SUCCESS);
    assert_int_equal(result.c, 'q');
    assert_int_equal(result.v, 1000);
    assert_int_equal(filled.c, 'q');
    assert_int_equal(filled.v, 1001);
    assert_int_equal(padded_p.c, 'q');
    assert_int_equal(padded_p.v, 1000);
    assert_int_equal(padded_n, 2);
    assert_int_equal(padded_items[0].v, 1002);
    assert_int_equal(padded_items[1].v, 1003);
}

static void an_unknown_enclave_id_fails_before_anything_runs(void **state)
{
    (void)state;
    unsigned before = host_double_trusted_call_count();
    assert_int_equal(ecall_void(EID + 1), SGX_ERROR_INVALID_ENCLAVE_ID);
    assert_int_equal(host_double_trusted_call_count(), before);
}

static int load(void **state)
{
    (void)state;
    return host_double_load(CELLA_TEST_TRUSTED_LIBRARY);
}

static int unload(void **state)
{
    (void)state;
    host_double_unload();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_scalar_type_crosses_unchanged),
        cmocka_unit_test(floating_point_values_cross_unchanged),
        cmocka_unit_test(a_struct_and_a_union_cross_by_value_and_a_struct_comes_back),
        cmocka_unit_test(a_function_without_parameters_runs),
        cmocka_unit_test(in_buffers_arrive_whole_and_null_stays_null),
        cmocka_unit_test(out_buffers_start_zeroed_and_come_back_filled),
        cmocka_unit_test(in_out_buffers_come_back_changed),
        cmocka_unit_test(strings_cross_with_their_terminator),
        cmocka_unit_test(wide_strings_cross_with_their_terminator),
        cmocka_unit_test(size_and_count_multiply_and_overflow_is_refused),
        cmocka_unit_test(multi_dimensional_arrays_keep_their_shape),
        cmocka_unit_test(foreign_array_pointer_and_struct_types_cross),
        cmocka_unit_test(deep_copied_structs_carry_their_member_buffers),
        cmocka_unit_test(a_deep_copied_in_out_struct_comes_back_with_the_callers_pointers),
        cmocka_unit_test(a_deep_copied_member_may_not_grow_past_its_buffer),
        cmocka_unit_test(a_user_check_pointer_passes_through_only_from_outside),
        cmocka_unit_test(null_pointers_arrive_as_null),
        cmocka_unit_test(ocalls_of_every_kind_round_trip),
        cmocka_unit_test(a_nested_ecall_runs_only_when_allow_names_it),
        cmocka_unit_test(a_private_ecall_is_refused_at_the_root),
        cmocka_unit_test(a_switchless_ecall_is_an_ordinary_call),
        cmocka_unit_test(errno_comes_back_from_an_ocall_that_propagates_it),
        cmocka_unit_test(an_explicit_size_must_be_whole_elements_on_the_sending_side_too),
        cmocka_unit_test(bools_cross_as_bools),
        cmocka_unit_test(a_padded_struct_crosses_both_ways_with_its_members),
        cmocka_unit_test(an_unknown_enclave_id_fails_before_anything_runs),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
