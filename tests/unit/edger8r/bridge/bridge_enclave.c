/* SPDX-License-Identifier: Apache-2.0 */
/* bridge_enclave.c: the trusted functions of Bridge.edl, behind the generated trusted bridge. */
#include "bridge_enclave.h"

#include <errno.h>
#include <string.h>
#include <wchar.h>

#include <sgx_trts.h>

#include "Bridge_t.h"
#include "trusted_double.h"

static unsigned calls;
static int last_switchless;
static sgx_status_t last_padded_status = SGX_ERROR_UNEXPECTED;

unsigned bridge_enclave_call_count(void)
{
    return calls;
}

/* Host-chosen values wrap rather than overflow: the fuzzer sends them all. */
static int wrap(long long value)
{
    return (int)(unsigned)(unsigned long long)value;
}

#define MIX(hash, value) ((hash) = bridge_fingerprint((hash), &(value), sizeof(value)))

int64_t ecall_scalars(char c, unsigned char uc, short int s, unsigned short int us, int i,
                      unsigned int u, long int l, unsigned long int ul, long long ll,
                      unsigned long long ull, int8_t i8, int16_t i16, int32_t i32, int64_t i64,
                      uint8_t u8, uint16_t u16, uint32_t u32, uint64_t u64, size_t z, wchar_t w,
                      bool flag, enum color_t color)
{
    uint64_t hash = BRIDGE_FINGERPRINT_START;
    calls++;
    MIX(hash, c), MIX(hash, uc), MIX(hash, s), MIX(hash, us), MIX(hash, i), MIX(hash, u);
    MIX(hash, l), MIX(hash, ul), MIX(hash, ll), MIX(hash, ull), MIX(hash, i8), MIX(hash, i16);
    MIX(hash, i32), MIX(hash, i64), MIX(hash, u8), MIX(hash, u16), MIX(hash, u32);
    MIX(hash, u64), MIX(hash, z), MIX(hash, w), MIX(hash, flag), MIX(hash, color);
    return (int64_t)(hash >> 1);
}

double ecall_floats(float f, double d, long double ld)
{
    calls++;
    return (double)f * 2.0 + d * 3.0 + (double)(ld * 5.0L);
}

struct point_t ecall_struct_by_value(struct point_t p, union number_t n)
{
    struct point_t result = {wrap((long long)p.x + (int32_t)n.i), wrap((long long)p.y - 1)};
    calls++;
    return result;
}

void ecall_void(void)
{
    calls++;
}

uint64_t ecall_in(const int *one, const uint32_t *many, size_t n, const void *bytes, size_t len)
{
    uint64_t sum = 0;
    const uint8_t *b = bytes;
    calls++;
    if (one != NULL)
        sum += (uint64_t)(int64_t)*one;
    for (size_t i = 0; many != NULL && i < n; i++)
        sum += many[i];
    for (size_t i = 0; b != NULL && i < len; i++)
        sum += b[i];
    return sum;
}

static int all_zero(const void *data, size_t size)
{
    const uint8_t *bytes = data;
    for (size_t i = 0; i < size; i++) {
        if (bytes[i] != 0)
            return 0;
    }
    return 1;
}

int ecall_out(int *one, uint32_t *many, char *bytes, uint32_t len)
{
    calls++;
    /* [out] buffers arrive zeroed: nothing of the caller's memory is in them. */
    if ((one != NULL && !all_zero(one, sizeof(*one))) ||
        (many != NULL && !all_zero(many, 4 * sizeof(*many))) ||
        (bytes != NULL && !all_zero(bytes, len)))
        return -1;
    if (one != NULL)
        *one = 42;
    for (uint32_t i = 0; many != NULL && i < 4; i++)
        many[i] = 0x1000u + i;
    for (uint32_t i = 0; bytes != NULL && i < len; i++)
        bytes[i] = (char)('a' + (int)(i % 26));
    return 0;
}

int ecall_in_out(int *one, int32_t *many, int n)
{
    calls++;
    if (one != NULL)
        *one = wrap(-(long long)*one);
    for (int i = 0; many != NULL && i < n; i++)
        many[i] = wrap((long long)many[i] * 2);
    return n;
}

size_t ecall_strings(const char *s, char *upper, const unsigned char *u)
{
    size_t result = 0;
    calls++;
    if (s != NULL)
        result += strlen(s) * 1000;
    if (u != NULL)
        result += strlen((const char *)u);
    for (size_t i = 0; upper != NULL && upper[i] != '\0'; i++) {
        if (upper[i] >= 'a' && upper[i] <= 'z')
            upper[i] = (char)(upper[i] - 'a' + 'A');
    }
    return result;
}

size_t ecall_wstrings(const wchar_t *s, wchar_t *reversed)
{
    calls++;
    if (reversed != NULL) {
        size_t length = wcslen(reversed);
        for (size_t i = 0; i < length / 2; i++) {
            wchar_t c = reversed[i];
            reversed[i] = reversed[length - 1 - i];
            reversed[length - 1 - i] = c;
        }
    }
    return s != NULL ? wcslen(s) : SIZE_MAX;
}

uint64_t ecall_size_count(const void *items, size_t elem, size_t n, uint32_t *pair)
{
    uint64_t sum = 0;
    const uint8_t *bytes = items;
    calls++;
    for (size_t i = 0; bytes != NULL && i < elem * n; i++)
        sum += bytes[i];
    if (pair != NULL) {
        pair[0] += pair[1];
        pair[1] = (uint32_t)(elem * n);
    }
    return sum;
}

void ecall_arrays(int a[4], int b[2][3], int c[2][2][2])
{
    calls++;
    if (a == NULL || b == NULL || c == NULL) /* the host may send NULL for any pointer (B12) */
        return;
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++)
            b[i][j] = wrap((long long)a[(i * 3 + j) % 4] * 10);
    }
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < 2; k++)
                c[i][j][k] = wrap((long long)c[i][j][k] + 1);
        }
    }
}

int ecall_foreign(array4_t quad, int_handle_t handle, int_handle_t ro, opaque_t *opaque)
{
    calls++;
    if (handle != NULL && quad != NULL)
        *handle = wrap((long long)quad[0] + quad[1] + quad[2] + quad[3] + (ro != NULL ? *ro : 0));
    return opaque != NULL ? wrap((long long)(int)opaque->key + opaque->tag[0]) : -1;
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

uint64_t ecall_deep_in(const struct blob_t *blobs, size_t n)
{
    uint64_t sum = 0;
    calls++;
    for (size_t i = 0; blobs != NULL && i < n; i++) {
        /* Deep-copied members point into enclave memory, never at the host's buffers. */
        if ((blobs[i].data != NULL && !sgx_is_within_enclave(blobs[i].data, blobs[i].size)) ||
            (blobs[i].values != NULL &&
             !sgx_is_within_enclave(blobs[i].values, blobs[i].count * sizeof(uint64_t))))
            return UINT64_MAX;
        sum += blob_sum(&blobs[i]);
    }
    return sum;
}

void ecall_deep_in_out(struct blob_t *blob)
{
    calls++;
    if (blob == NULL)
        return;
    for (size_t i = 0; blob->data != NULL && i < blob->size; i++)
        blob->data[i] ^= 0xff;
    for (uint32_t i = 0; blob->values != NULL && i < blob->count; i++)
        blob->values[i] += 1;
    blob->size /= 2; /* shrinking is allowed */
}

int ecall_deep_in_out_grow(struct blob_t *blob)
{
    calls++;
    if (blob != NULL)
        blob->size += 1; /* longer than the buffer it came in: the bridge refuses */
    return 0;
}

int32_t ecall_partial(const int32_t *values, size_t len)
{
    int32_t sum = 0;
    calls++;
    for (size_t i = 0; values != NULL && i < len / sizeof(*values); i++)
        sum = wrap((long long)sum + values[i]);
    return sum;
}

int ecall_bools(const bool *flags, size_t n)
{
    int set = 0;
    calls++;
    for (size_t i = 0; flags != NULL && i < n; i++)
        set += flags[i] ? 1 : 0;
    return set;
}

uint64_t ecall_user_check(void *p)
{
    uint64_t value = 0;
    calls++;
    if (p != NULL)
        memcpy(&value, p, sizeof(value));
    return value;
}

int ecall_nulls(int *a, int *b, int *c, const char *s, int *d, size_t n)
{
    (void)n;
    calls++;
    return (a == NULL ? 1 : 0) | (b == NULL ? 2 : 0) | (c == NULL ? 4 : 0) | (s == NULL ? 8 : 0) |
           (d == NULL ? 16 : 0);
}

int ecall_private(int x)
{
    calls++;
    return wrap((long long)x * 2);
}

int ecall_nested(int x)
{
    int result = 0;
    calls++;
    if (ocall_nested(&result, x) != SGX_SUCCESS)
        return -1;
    return result;
}

void ecall_switchless(int x)
{
    calls++;
    last_switchless = x;
}

int ecall_errno(int e)
{
    int result = 0;
    calls++;
    errno = 0;
    if (ocall_errno(&result, e) != SGX_SUCCESS)
        return -1;
    return errno;
}

/* Enclave memory for OCALL arguments (OCALL pointers must point into the enclave). */
static void *enclave_copy(const void *data, size_t size)
{
    void *copy = trusted_double_alloc(size);
    if (copy != NULL)
        memcpy(copy, data, size);
    return copy;
}

int ecall_make_ocalls(int x)
{
    calls++;
    /* 1: scalars and a struct by value */
    int r = 0;
    struct point_t p = {3, 4};
    if (ocall_scalars(&r, x, 2.5, p) != SGX_SUCCESS || r != wrap((long long)x + 5 + 12))
        return 1;

    /* 2: [in] buffers and strings */
    int *v = enclave_copy((const int[]){1, 2, 3}, 3 * sizeof(int));
    char *s = enclave_copy("hello", 6);
    wchar_t *w = enclave_copy(L"wide", 5 * sizeof(wchar_t));
    if (v == NULL || s == NULL || w == NULL || ocall_in(v, 3, s, w) != SGX_SUCCESS)
        return 2;

    /* 3: [out] buffers, filled by the host */
    int *out = trusted_double_alloc(4 * sizeof(int));
    char *buf = trusted_double_alloc(8);
    if (out == NULL || buf == NULL || ocall_out(out, 4, buf, 8) != SGX_SUCCESS)
        return 3;
    for (int i = 0; i < 4; i++) {
        if (out[i] != 100 + i)
            return 3;
    }
    if (memcmp(buf, "outbuf!", 8) != 0)
        return 3;

    /* 4: [in, out] string, struct and array */
    char *abc = enclave_copy("abc", 4);
    struct point_t *q = enclave_copy(&(struct point_t){1, 2}, sizeof(struct point_t));
    int *pair = enclave_copy((const int[]){5, 6}, 2 * sizeof(int));
    if (abc == NULL || q == NULL || pair == NULL || ocall_in_out(&r, abc, q, pair) != SGX_SUCCESS ||
        r != 7 || strcmp(abc, "ABC") != 0 || q->x != 2 || q->y != 1 || pair[0] != 11 ||
        pair[1] != 6)
        return 4;

    /* 5: deep copy [in] */
    uint8_t *data0 = enclave_copy((const uint8_t[]){1, 2, 3}, 3);
    uint64_t *values0 = enclave_copy((const uint64_t[]){10, 20}, 2 * sizeof(uint64_t));
    uint8_t *data1 = enclave_copy((const uint8_t[]){7}, 1);
    struct blob_t *blobs = trusted_double_alloc(2 * sizeof(struct blob_t));
    if (data0 == NULL || values0 == NULL || data1 == NULL || blobs == NULL)
        return 5;
    memset(blobs, 0, 2 * sizeof(*blobs));
    blobs[0] = (struct blob_t){3, data0, 2, values0};
    blobs[1] = (struct blob_t){1, data1, 0, NULL};
    uint64_t total = 0;
    if (ocall_deep_in(&total, blobs, 2) != SGX_SUCCESS ||
        total != blob_sum(&blobs[0]) + blob_sum(&blobs[1]))
        return 5;

    /* 6: deep copy [in, out]: the host changes contents and shrinks size */
    struct blob_t *blob = &blobs[0];
    if (ocall_deep_in_out(blob) != SGX_SUCCESS || blob->data != data0 || blob->values != values0 ||
        blob->size != 2 || data0[0] != 2 || data0[1] != 4 || data0[2] != 6 || values0[0] != 11 ||
        values0[1] != 21)
        return 6;

    /* 7: [in, out, wstring] */
    wchar_t *ws = enclave_copy(L"abcd", 5 * sizeof(wchar_t));
    if (ws == NULL || ocall_wstring(ws) != SGX_SUCCESS || wcscmp(ws, L"dcba") != 0)
        return 7;

    /* 8: [user_check] passes the value through */
    uint64_t value = 0;
    if (ocall_user_check(&value, (void *)(uintptr_t)0x1234) != SGX_SUCCESS || value != 0x1234)
        return 8;

    /* 9: switchless (an ordinary call in cella) and arrays */
    if (ocall_switchless() != SGX_SUCCESS)
        return 9;
    int *a = enclave_copy((const int[]){1, 2, 3}, 3 * sizeof(int));
    int(*b)[2] = trusted_double_alloc(4 * sizeof(int));
    if (a == NULL || b == NULL || ocall_arrays(a, b) != SGX_SUCCESS || b[0][0] != 1 ||
        b[0][1] != 2 || b[1][0] != 2 || b[1][1] != 3)
        return 9;

    /* 10: bools come back as bools */
    bool *flags = trusted_double_alloc(3);
    bool any = false;
    if (flags == NULL || ocall_bools(&any, flags, 3) != SGX_SUCCESS || !any || flags[0] ||
        !flags[1] || flags[2])
        return 10;

    /* 11: a pointer outside the enclave is refused before anything reaches the host */
    int outside = 0;
    unsigned before = trusted_double_ocall_count();
    if (ocall_out(&outside, 1, NULL, 0) != SGX_ERROR_INVALID_PARAMETER ||
        trusted_double_ocall_count() != before)
        return 11;
    return 0;
}

struct padded_t ecall_padded(char c, uint64_t v, struct padded_t *filled)
{
    struct padded_t result;
    calls++;
    /* Stale bytes in every padding byte, then the members: only the members may leave. */
    memset(&result, 0xa5, sizeof(result));
    result.c = c;
    result.v = v;
    if (filled != NULL) {
        memset(filled, 0xa5, sizeof(*filled));
        filled->c = c;
        filled->v = v + 1;
    }
    struct padded_t *items = trusted_double_alloc(2 * sizeof(*items));
    if (items != NULL) {
        memset(items, 0xa5, 2 * sizeof(*items));
        items[0].c = c;
        items[0].v = v + 2;
        items[1].c = c;
        items[1].v = v + 3;
        last_padded_status = ocall_padded(result, items, 2);
    }
    return result;
}

int bridge_enclave_last_padded_status(void)
{
    return (int)last_padded_status;
}

int bridge_enclave_last_switchless(void)
{
    return last_switchless;
}
