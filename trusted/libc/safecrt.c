/* SPDX-License-Identifier: Apache-2.0 */
/* safecrt.c: bounds-checked copies (mbusafecrt.h), secret wiping and constant-time compare. */
#include <errno.h>
#include <mbusafecrt.h>
#include <stdint.h>
#include <string.h>

/* C11 Annex K's limit: a larger size is a negative number gone wrong. */
#define RSIZE_LIMIT (SIZE_MAX >> 1)

/* Keeps the compiler from dropping stores to memory that is about to die (wiping secrets). */
static inline void keep_stores(void *pointer)
{
    __asm__ volatile("" : : "r"(pointer) : "memory");
}

void explicit_bzero(void *dest, size_t size)
{
    memset(dest, 0, size);
    keep_stores(dest);
}

int consttime_memequal(const void *left, const void *right, size_t size)
{
    const volatile unsigned char *a = left;
    const volatile unsigned char *b = right;
    unsigned int difference = 0;
    for (size_t i = 0; i < size; i++)
        difference |= (unsigned int)(a[i] ^ b[i]);
    /* 1 when difference == 0, without a data-dependent branch. */
    return (int)(1u & ((difference - 1u) >> 8));
}

errno_t memset_s(void *dest, size_t max_size, int value, size_t count)
{
    if (dest == NULL || max_size > RSIZE_LIMIT)
        return EINVAL;
    errno_t result = 0;
    if (count > max_size) {
        count = max_size;
        result = EINVAL;
    }
    memset(dest, value, count);
    keep_stores(dest);
    return result;
}

/*
 * In every function below, a destination size above RSIZE_LIMIT (a size computed as a
 * negative number) is an error that writes nothing, as in Annex K: it must not become a
 * licence to write, or to clear, most of the address space.
 */
errno_t memcpy_s(void *dest, size_t dest_size, const void *src, size_t count)
{
    if (count == 0)
        return 0;
    if (dest == NULL || dest_size > RSIZE_LIMIT)
        return EINVAL;
    if (src == NULL || count > RSIZE_LIMIT || dest_size < count) {
        memset(dest, 0, dest_size);
        return src == NULL || count > RSIZE_LIMIT ? EINVAL : ERANGE;
    }
    memcpy(dest, src, count);
    return 0;
}

errno_t memmove_s(void *dest, size_t dest_size, const void *src, size_t count)
{
    if (count == 0)
        return 0;
    if (dest == NULL || src == NULL || dest_size > RSIZE_LIMIT || count > RSIZE_LIMIT)
        return EINVAL;
    if (dest_size < count)
        return ERANGE;
    memmove(dest, src, count);
    return 0;
}

errno_t strcpy_s(char *dest, size_t dest_size, const char *src)
{
    if (dest == NULL || dest_size == 0 || dest_size > RSIZE_LIMIT)
        return EINVAL;
    if (src == NULL) {
        dest[0] = '\0';
        return EINVAL;
    }
    size_t length = strnlen(src, dest_size);
    if (length == dest_size) {
        dest[0] = '\0';
        return ERANGE;
    }
    memcpy(dest, src, length + 1);
    return 0;
}

/*
 * Copies up to count characters of src (fewer when it ends first) to the end of
 * dest[0..dest_size), which already holds used characters, and terminates. With
 * count == _TRUNCATE, a src that does not fit is cut to fit and STRUNCATE returned.
 */
static errno_t append_bounded(char *dest, size_t dest_size, size_t used, const char *src,
                              size_t count)
{
    size_t room = dest_size - used; /* >= 1: used < dest_size */
    size_t length = strnlen(src, count < room ? count : room);
    if (length < room) {
        memcpy(dest + used, src, length);
        dest[used + length] = '\0';
        return 0;
    }
    /* length == room: src (limited by count) needs room + 1 bytes at least. */
    if (count == _TRUNCATE) {
        memcpy(dest + used, src, room - 1);
        dest[dest_size - 1] = '\0';
        return STRUNCATE;
    }
    dest[0] = '\0';
    return ERANGE;
}

errno_t strncpy_s(char *dest, size_t dest_size, const char *src, size_t count)
{
    if (count == 0 && dest == NULL && dest_size == 0)
        return 0;
    if (dest == NULL || dest_size == 0 || dest_size > RSIZE_LIMIT)
        return EINVAL;
    if (count == 0) {
        dest[0] = '\0';
        return 0;
    }
    if (src == NULL) {
        dest[0] = '\0';
        return EINVAL;
    }
    return append_bounded(dest, dest_size, 0, src, count);
}

errno_t strcat_s(char *dest, size_t dest_size, const char *src)
{
    if (dest == NULL || dest_size == 0 || dest_size > RSIZE_LIMIT)
        return EINVAL;
    if (src == NULL) {
        dest[0] = '\0';
        return EINVAL;
    }
    size_t used = strnlen(dest, dest_size);
    if (used == dest_size) {
        dest[0] = '\0';
        return EINVAL;
    }
    size_t length = strlen(src);
    if (length >= dest_size - used) {
        dest[0] = '\0';
        return ERANGE;
    }
    memcpy(dest + used, src, length + 1);
    return 0;
}

errno_t strncat_s(char *dest, size_t dest_size, const char *src, size_t count)
{
    if (count == 0 && dest == NULL && dest_size == 0)
        return 0;
    if (dest == NULL || dest_size == 0 || dest_size > RSIZE_LIMIT)
        return EINVAL;
    if (src == NULL && count != 0) {
        dest[0] = '\0';
        return EINVAL;
    }
    size_t used = strnlen(dest, dest_size);
    if (used == dest_size) {
        dest[0] = '\0';
        return EINVAL;
    }
    if (count == 0)
        return 0;
    return append_bounded(dest, dest_size, used, src, count);
}

char *strtok_s(char *string, const char *delimiters, char **save)
{
    return strtok_r(string, delimiters, save);
}

void *memcpy_verw(void *restrict dest, const void *restrict src, size_t size)
{
    return memcpy(dest, src, size);
}

void *memmove_verw(void *dest, const void *src, size_t size)
{
    return memmove(dest, src, size);
}

void *memset_verw(void *dest, int value, size_t size)
{
    return memset(dest, value, size);
}

errno_t memset_verw_s(void *dest, size_t max_size, int value, size_t count)
{
    return memset_s(dest, max_size, value, count);
}

errno_t memcpy_verw_s(void *dest, size_t dest_size, const void *src, size_t count)
{
    return memcpy_s(dest, dest_size, src, count);
}

errno_t memmove_verw_s(void *dest, size_t dest_size, const void *src, size_t count)
{
    return memmove_s(dest, dest_size, src, count);
}
