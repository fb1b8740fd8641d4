/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/tcrypto/support.c: host stand-ins for the trusted runtime, and test helpers. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cmocka.h>

#include <sgx_trts.h>

#include "support.h"

static int read_rand_failures;
static int malloc_failures;

void support_fail_read_rand(int count)
{
    read_rand_failures = count;
}

void support_fail_malloc(int count)
{
    malloc_failures = count;
}

void *support_malloc(size_t size)
{
    if (malloc_failures > 0) {
        malloc_failures--;
        return NULL;
    }
    return malloc(size);
}

void support_random(void *buffer, size_t size)
{
    uint8_t *bytes = buffer;

    while (size > 0) {
        ssize_t got = getrandom(bytes, size, 0);
        assert_true(got > 0);
        bytes += got;
        size -= (size_t)got;
    }
}

/* The trusted runtime's sgx_read_rand, with its argument rules, over getrandom. */
sgx_status_t sgx_read_rand(unsigned char *rand, size_t length_in_bytes)
{
    if (rand == NULL || length_in_bytes == 0)
        return SGX_ERROR_INVALID_PARAMETER;
    if (read_rand_failures > 0) {
        read_rand_failures--;
        return SGX_ERROR_UNEXPECTED;
    }
    support_random(rand, length_in_bytes);
    return SGX_SUCCESS;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void support_hex(const char *hex, uint8_t *out, size_t size)
{
    assert_int_equal(strlen(hex), 2 * size);
    for (size_t i = 0; i < size; i++) {
        int high = hex_digit(hex[2 * i]);
        int low = hex_digit(hex[2 * i + 1]);
        assert_true(high >= 0 && low >= 0);
        out[i] = (uint8_t)(high << 4 | low);
    }
}

void support_reverse(uint8_t *out, const uint8_t *in, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = in[size - 1 - i];
}

uint8_t *support_read_shared_file(const char *relative, size_t *size)
{
    const char *dir = getenv("CELLA_SHARED_DIR");
    char path[4096];
    uint8_t *data = NULL;
    FILE *file = NULL;
    long length;

    if (dir == NULL || dir[0] == '\0')
        dir = "/work/shared";
    snprintf(path, sizeof(path), "%s/%s", dir, relative);
    file = fopen(path, "rb");
    if (file == NULL) {
        printf("skipped: %s not found (set CELLA_SHARED_DIR)\n", path);
        return NULL;
    }
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    length = ftell(file);
    assert_true(length > 0);
    assert_int_equal(fseek(file, 0, SEEK_SET), 0);
    data = malloc((size_t)length);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)length, file), (size_t)length);
    fclose(file);
    *size = (size_t)length;
    return data;
}
