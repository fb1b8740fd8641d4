/* SPDX-License-Identifier: Apache-2.0 */
/* string.h: memory and string functions of cella's trusted (enclave) C library. */
#ifndef CELLA_LIBC_STRING_H
#define CELLA_LIBC_STRING_H

#include <stddef.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

#ifndef CELLA_LIBC_ERRNO_T_DEFINED
#define CELLA_LIBC_ERRNO_T_DEFINED
/* An errno value returned by the bounds-checked (_s) functions; 0 means success. */
typedef int errno_t;
#endif

/* C11 memory functions. */
void *memcpy(void *CELLA_LIBC_RESTRICT dest, const void *CELLA_LIBC_RESTRICT src, size_t size);
void *memmove(void *dest, const void *src, size_t size);
void *memset(void *dest, int value, size_t size);
int memcmp(const void *left, const void *right, size_t size);
void *memchr(const void *buffer, int value, size_t size);

/* C11 string functions (the C locale only: strcoll is strcmp). */
size_t strlen(const char *string);
int strcmp(const char *left, const char *right);
int strncmp(const char *left, const char *right, size_t count);
int strcoll(const char *left, const char *right);
size_t strxfrm(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src, size_t size);
char *strcpy(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src);
char *strncpy(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src, size_t count);
char *strcat(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src);
char *strncat(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src, size_t count);
char *strchr(const char *string, int character);
char *strrchr(const char *string, int character);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *string, const char *accept);
size_t strcspn(const char *string, const char *reject);
char *strpbrk(const char *string, const char *accept);
/* A static table: thread safe. Unknown values give "Unknown error". */
char *strerror(int error);

/* POSIX and BSD additions. */
size_t strnlen(const char *string, size_t max_size);
char *strtok_r(char *CELLA_LIBC_RESTRICT string, const char *CELLA_LIBC_RESTRICT delimiters,
               char **CELLA_LIBC_RESTRICT save);
/* Allocate with malloc (NULL and errno = ENOMEM when the heap is exhausted). */
char *strdup(const char *string) __attribute__((__malloc__));
char *strndup(const char *string, size_t max_size) __attribute__((__malloc__));
char *stpcpy(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src);
char *stpncpy(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src, size_t count);
void *mempcpy(void *CELLA_LIBC_RESTRICT dest, const void *CELLA_LIBC_RESTRICT src, size_t size);
void *memrchr(const void *buffer, int value, size_t size);
/* Copy/append with truncation; return the length the result would have had (BSD). */
size_t strlcpy(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src, size_t size);
size_t strlcat(char *CELLA_LIBC_RESTRICT dest, const char *CELLA_LIBC_RESTRICT src, size_t size);
/* XSI strerror_r: 0, or ERANGE when the message (truncated, terminated) did not fit. */
int strerror_r(int error, char *buffer, size_t size);

/*
 * Memory functions for secrets. explicit_bzero and memset_s are never optimised away.
 * consttime_memequal returns 1 when the buffers are equal and 0 otherwise, in time that
 * depends only on size.
 */
void explicit_bzero(void *dest, size_t size);
int consttime_memequal(const void *left, const void *right, size_t size);
/* C11 Annex K: sets min(count, max_size) bytes; EINVAL for a NULL dest or count > max_size. */
errno_t memset_s(void *dest, size_t max_size, int value, size_t count);

/*
 * Writes to untrusted (host) memory, as the SGX SDK's bridges make them. On hardware these
 * guard against MMIO stale-data leaks; cella's software TEE has no such exposure, so they are
 * the plain operations (memset_verw_s has memset_s's contract).
 */
void *memcpy_verw(void *CELLA_LIBC_RESTRICT dest, const void *CELLA_LIBC_RESTRICT src, size_t size);
void *memmove_verw(void *dest, const void *src, size_t size);
void *memset_verw(void *dest, int value, size_t size);
errno_t memset_verw_s(void *dest, size_t max_size, int value, size_t count);

char *strtok(char *string, const char *delimiters)
    CELLA_LIBC_NOT_IN_ENCLAVE(strtok, "use strtok_r (strtok keeps hidden state shared by all "
                                      "enclave threads)");

/*
 * The compiler expands these inline when the size is a small constant (struct copies,
 * unaligned loads) and calls the library otherwise. Define CELLA_TLIBC_NO_BUILTIN_MACROS to get
 * plain function calls.
 */
#if !defined(CELLA_TLIBC_NO_BUILTIN_MACROS) && !defined(__cplusplus)
#define memcpy(dest, src, size)   __builtin_memcpy((dest), (src), (size))
#define memmove(dest, src, size)  __builtin_memmove((dest), (src), (size))
#define memset(dest, value, size) __builtin_memset((dest), (value), (size))
#define memcmp(left, right, size) __builtin_memcmp((left), (right), (size))
#define strlen(string)            __builtin_strlen((string))
#endif

CELLA_LIBC_END

#endif /* CELLA_LIBC_STRING_H */
