/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/edl/enc.c: the trusted functions of edl.edl, behind a generated bridge. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sgx_trts.h>

#include "edl_t.h"

int ecall_add(int a, int b)
{
    return a + b;
}

size_t ecall_string_length(const char *s)
{
    return s != NULL ? strlen(s) : SIZE_MAX;
}

void ecall_fill(uint8_t *buf, size_t len, uint8_t value)
{
    if (buf != NULL)
        memset(buf, value, len);
}

int ecall_swap(struct pair_t *pair)
{
    if (pair == NULL)
        return -1;
    int32_t a = pair->a;
    pair->a = pair->b;
    pair->b = a;
    return pair->a + pair->b;
}

uint64_t ecall_sum(const uint32_t *values, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; values != NULL && i < n; i++)
        sum += values[i];
    return sum;
}

uint64_t ecall_sum_deep(const struct bytes_t *bytes)
{
    uint64_t sum = 0;
    if (bytes == NULL || (bytes->data != NULL && !sgx_is_within_enclave(bytes->data, bytes->size)))
        return UINT64_MAX; /* the member must have been copied in */
    for (size_t i = 0; bytes->data != NULL && i < bytes->size; i++)
        sum += bytes->data[i];
    return sum;
}

/* Makes the greeting inside, has the host record it and upper-case it; returns its length. */
int ecall_greet(const char *name)
{
    char text[64];
    int length = snprintf(text, sizeof(text), "hello, %s", name != NULL ? name : "nobody");
    if (length < 0 || (size_t)length >= sizeof(text))
        return -1;
    if (ocall_record(text) != SGX_SUCCESS || ocall_upper(text) != SGX_SUCCESS)
        return -1;
    /* The host's answer came back terminated and no longer than what was sent. */
    if (strlen(text) != (size_t)length || strncmp(text, "HELLO, ", 7) != 0)
        return -2;
    return length;
}

int ecall_double(int x)
{
    return 2 * x;
}

int ecall_nested(int x)
{
    int answer = 0;
    if (ocall_ask(&answer, x) != SGX_SUCCESS)
        return -1;
    return answer;
}

int ecall_errno(int e)
{
    int result = 0;
    errno = 0;
    if (ocall_fail(&result, e) != SGX_SUCCESS || result != -1)
        return -1;
    return errno;
}

int ecall_outside_only(const uint64_t *p)
{
    return p != NULL && sgx_is_outside_enclave(p, sizeof(*p)) ? (int)*p : -1;
}

/* Leaves a pattern where the next ECALL's bridge frame will lie. */
void ecall_dirty_stack(void)
{
    volatile uint8_t pattern[4096];
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = 0xab;
}

long double ecall_half(long double x)
{
    return x / 2;
}

int ecall_count_flags(struct flags_t value, const struct holder_t *holder)
{
    int count = value.on + value.more[0] + value.more[1];
    if (holder != NULL)
        count += holder->inner.on + holder->inner.more[0] + holder->inner.more[1];
    return count;
}

int ecall_ask_flags(void)
{
    struct flags_t flags;
    return (int)ocall_flags(&flags);
}
