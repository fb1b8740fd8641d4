/* SPDX-License-Identifier: Apache-2.0 */
/* fortify.c: glibc's _FORTIFY_SOURCE and errno entry points, for objects built against glibc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hooks.h"
#include "internal.h"

/*
 * Libraries compiled for Linux with -D_FORTIFY_SOURCE (Debian's libbearssl.a, for one) call
 * these checked variants instead of memcpy and friends, passing the size of the destination
 * object as the compiler knows it. An overflow stops the enclave, as glibc stops the process.
 * __errno_location is glibc's name for the calling thread's errno.
 */

static void check_room(size_t needed, size_t available)
{
    if (needed > available)
        cella_tlibc_fatal("buffer overflow detected (a _FORTIFY_SOURCE check failed)");
}

int *__errno_location(void)
{
    return cella_trts_errno_location();
}

void *__memcpy_chk(void *restrict dest, const void *restrict src, size_t size, size_t dest_size)
{
    check_room(size, dest_size);
    return memcpy(dest, src, size);
}

void *__memmove_chk(void *dest, const void *src, size_t size, size_t dest_size)
{
    check_room(size, dest_size);
    return memmove(dest, src, size);
}

void *__mempcpy_chk(void *restrict dest, const void *restrict src, size_t size, size_t dest_size)
{
    check_room(size, dest_size);
    return mempcpy(dest, src, size);
}

void *__memset_chk(void *dest, int value, size_t size, size_t dest_size)
{
    check_room(size, dest_size);
    return memset(dest, value, size);
}

char *__strcpy_chk(char *restrict dest, const char *restrict src, size_t dest_size)
{
    check_room(strlen(src) + 1, dest_size);
    return strcpy(dest, src);
}

char *__stpcpy_chk(char *restrict dest, const char *restrict src, size_t dest_size)
{
    check_room(strlen(src) + 1, dest_size);
    return stpcpy(dest, src);
}

char *__strncpy_chk(char *restrict dest, const char *restrict src, size_t count, size_t dest_size)
{
    check_room(count, dest_size);
    return strncpy(dest, src, count);
}

char *__strcat_chk(char *restrict dest, const char *restrict src, size_t dest_size)
{
    size_t used = strnlen(dest, dest_size);
    check_room(used + strlen(src) + 1, dest_size);
    return strcat(dest, src);
}

char *__strncat_chk(char *restrict dest, const char *restrict src, size_t count, size_t dest_size)
{
    size_t used = strnlen(dest, dest_size);
    check_room(used + strnlen(src, count) + 1, dest_size);
    return strncat(dest, src, count);
}

int __vsnprintf_chk(char *restrict buffer, size_t size, int flag, size_t buffer_size,
                    const char *restrict format, va_list arguments)
{
    (void)flag; /* glibc's extra %n checks: %n is allowed here, as in plain snprintf */
    check_room(size, buffer_size);
    return vsnprintf(buffer, size, format, arguments);
}

int __snprintf_chk(char *restrict buffer, size_t size, int flag, size_t buffer_size,
                   const char *restrict format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = __vsnprintf_chk(buffer, size, flag, buffer_size, format, arguments);
    va_end(arguments);
    return length;
}
