/* SPDX-License-Identifier: Apache-2.0 */
/* stdlib.h: allocation, number conversion, sorting and arithmetic of cella's trusted C library. */
#ifndef CELLA_LIBC_STDLIB_H
#define CELLA_LIBC_STDLIB_H

#include <stddef.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
/* Only the C locale exists: one byte per character. */
#define MB_CUR_MAX ((size_t)1)

typedef struct {
    int quot;
    int rem;
} div_t;
typedef struct {
    long quot;
    long rem;
} ldiv_t;
typedef struct {
    long long quot;
    long long rem;
} lldiv_t;

/*
 * The heap: the enclave's heap region (HeapMaxSize), shared by all enclave threads behind one
 * lock. Every allocation is aligned to 16 bytes. Exhaustion returns NULL with errno = ENOMEM.
 * free(NULL) does nothing; freeing anything else that malloc did not return stops the enclave.
 * realloc(p, 0) frees p and returns NULL.
 */
void *malloc(size_t size) __attribute__((__malloc__)) CELLA_LIBC_MUST_CHECK;
void *calloc(size_t count, size_t size) __attribute__((__malloc__)) CELLA_LIBC_MUST_CHECK;
void *realloc(void *pointer, size_t size) CELLA_LIBC_MUST_CHECK;
void *reallocarray(void *pointer, size_t count, size_t size) CELLA_LIBC_MUST_CHECK;
void free(void *pointer);
/* alignment: a power of two; size any value. NULL with errno = EINVAL for a bad alignment. */
void *aligned_alloc(size_t alignment, size_t size)
    __attribute__((__malloc__)) CELLA_LIBC_MUST_CHECK;
void *memalign(size_t alignment, size_t size) __attribute__((__malloc__)) CELLA_LIBC_MUST_CHECK;
/* Returns 0, EINVAL (alignment not a power-of-two multiple of sizeof(void *)) or ENOMEM. */
int posix_memalign(void **out, size_t alignment, size_t size) CELLA_LIBC_MUST_CHECK;

/* Number conversion as in C11 (C locale): ERANGE on overflow, EINVAL for a bad base. */
long strtol(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end, int base);
unsigned long strtoul(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end,
                      int base);
long long strtoll(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end, int base);
unsigned long long strtoull(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end,
                            int base);
/* Correctly rounded (round to nearest, ties to even); decimal and hexadecimal, inf and nan. */
double strtod(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end);
float strtof(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end);
double atof(const char *string);
int atoi(const char *string);
long atol(const char *string);
long long atoll(const char *string);

/* Sorting and searching. qsort is an in-place introsort: O(n log n), no allocation. */
void qsort(void *base, size_t count, size_t size,
           int (*compare)(const void *left, const void *right));
void qsort_r(void *base, size_t count, size_t size,
             int (*compare)(const void *left, const void *right, void *context), void *context);
void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*compare)(const void *key, const void *element));

int abs(int value) __attribute__((const));
long labs(long value) __attribute__((const));
long long llabs(long long value) __attribute__((const));
div_t div(int numerator, int denominator) __attribute__((const));
ldiv_t ldiv(long numerator, long denominator) __attribute__((const));
lldiv_t lldiv(long long numerator, long long denominator) __attribute__((const));

/* Stops the enclave: every later ECALL fails. Never returns. */
void abort(void) CELLA_LIBC_NORETURN;

void exit(int status) CELLA_LIBC_NORETURN CELLA_LIBC_NOT_IN_ENCLAVE(exit, CELLA_LIBC_USE_RETURN);
void _Exit(int status) CELLA_LIBC_NORETURN CELLA_LIBC_NOT_IN_ENCLAVE(_Exit, CELLA_LIBC_USE_RETURN);
void quick_exit(int status) CELLA_LIBC_NORETURN
    CELLA_LIBC_NOT_IN_ENCLAVE(quick_exit, CELLA_LIBC_USE_RETURN);
int atexit(void (*function)(void))
    CELLA_LIBC_NOT_IN_ENCLAVE(atexit, "an enclave has no process exit; clean up in an ECALL");
int at_quick_exit(void (*function)(void))
    CELLA_LIBC_NOT_IN_ENCLAVE(at_quick_exit,
                              "an enclave has no process exit; clean up in an ECALL");
char *getenv(const char *name) CELLA_LIBC_NOT_IN_ENCLAVE(getenv, CELLA_LIBC_USE_ECALL_PARAMS);
char *secure_getenv(const char *name)
    CELLA_LIBC_NOT_IN_ENCLAVE(secure_getenv, CELLA_LIBC_USE_ECALL_PARAMS);
int setenv(const char *name, const char *value, int overwrite)
    CELLA_LIBC_NOT_IN_ENCLAVE(setenv, CELLA_LIBC_USE_ECALL_PARAMS);
int unsetenv(const char *name) CELLA_LIBC_NOT_IN_ENCLAVE(unsetenv, CELLA_LIBC_USE_ECALL_PARAMS);
int putenv(char *string) CELLA_LIBC_NOT_IN_ENCLAVE(putenv, CELLA_LIBC_USE_ECALL_PARAMS);
int system(const char *command) CELLA_LIBC_NOT_IN_ENCLAVE(system, CELLA_LIBC_USE_OCALL);
int rand(void) CELLA_LIBC_NOT_IN_ENCLAVE(rand, CELLA_LIBC_USE_READ_RAND);
void srand(unsigned int seed) CELLA_LIBC_NOT_IN_ENCLAVE(srand, CELLA_LIBC_USE_READ_RAND);
int rand_r(unsigned int *seed) CELLA_LIBC_NOT_IN_ENCLAVE(rand_r, CELLA_LIBC_USE_READ_RAND);
long random(void) CELLA_LIBC_NOT_IN_ENCLAVE(random, CELLA_LIBC_USE_READ_RAND);
void srandom(unsigned int seed) CELLA_LIBC_NOT_IN_ENCLAVE(srandom, CELLA_LIBC_USE_READ_RAND);
int mkstemp(char *template_name) CELLA_LIBC_NOT_IN_ENCLAVE(mkstemp, CELLA_LIBC_USE_OCALL_FILES);
char *realpath(const char *path, char *resolved)
    CELLA_LIBC_NOT_IN_ENCLAVE(realpath, CELLA_LIBC_USE_OCALL_FILES);
long double strtold(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end)
    CELLA_LIBC_NOT_IN_ENCLAVE(strtold, "cella's trusted C library has strtod and strtof only");

CELLA_LIBC_END

#endif /* CELLA_LIBC_STDLIB_H */
