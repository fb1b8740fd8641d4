/* SPDX-License-Identifier: Apache-2.0 */
/* tlibc.h: the trusted C library under its host-test names (cella_tlibc_*), for the unit tests. */
#ifndef CELLA_TESTS_TLIBC_H
#define CELLA_TESTS_TLIBC_H

/*
 * cella_tlibc_hosttest is the trusted C library compiled with trusted/libc/test_rename.h, so that
 * `snprintf` is `cella_tlibc_snprintf` and so on, and the tests can compare it with the host's C
 * library in the same program. Only compiler headers are used here, so that api_check.c can
 * include this file next to the trusted headers and the compiler checks the two agree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifndef CELLA_LIBC_SETJMP_H
typedef struct cella_libc_jmp_buf {
    unsigned long long cella_registers[8];
} cella_tlibc_jmp_buf[1];
#endif
#ifndef CELLA_LIBC_STDLIB_H
typedef struct {
    int quot;
    int rem;
} cella_tlibc_div_t;
typedef struct {
    long quot;
    long rem;
} cella_tlibc_ldiv_t;
typedef struct {
    long long quot;
    long long rem;
} cella_tlibc_lldiv_t;
#endif
#ifndef CELLA_LIBC_INTTYPES_H
typedef struct {
    intmax_t quot;
    intmax_t rem;
} cella_tlibc_imaxdiv_t;
#endif
#ifndef CELLA_LIBC_ERRNO_T_DEFINED
#define CELLA_LIBC_ERRNO_T_DEFINED
typedef int errno_t;
#endif

#define TLIBC_PRINTF(format_index, first_arg) \
    __attribute__((format(__printf__, format_index, first_arg)))

/* string.h, strings.h */
void *cella_tlibc_memcpy(void *restrict dest, const void *restrict src, size_t size);
void *cella_tlibc_memmove(void *dest, const void *src, size_t size);
void *cella_tlibc_memset(void *dest, int value, size_t size);
int cella_tlibc_memcmp(const void *left, const void *right, size_t size);
void *cella_tlibc_memchr(const void *buffer, int value, size_t size);
void *cella_tlibc_memrchr(const void *buffer, int value, size_t size);
void *cella_tlibc_mempcpy(void *restrict dest, const void *restrict src, size_t size);
size_t cella_tlibc_strlen(const char *string);
size_t cella_tlibc_strnlen(const char *string, size_t max_size);
int cella_tlibc_strcmp(const char *left, const char *right);
int cella_tlibc_strncmp(const char *left, const char *right, size_t count);
int cella_tlibc_strcoll(const char *left, const char *right);
size_t cella_tlibc_strxfrm(char *restrict dest, const char *restrict src, size_t size);
char *cella_tlibc_strcpy(char *restrict dest, const char *restrict src);
char *cella_tlibc_strncpy(char *restrict dest, const char *restrict src, size_t count);
char *cella_tlibc_stpcpy(char *restrict dest, const char *restrict src);
char *cella_tlibc_stpncpy(char *restrict dest, const char *restrict src, size_t count);
char *cella_tlibc_strcat(char *restrict dest, const char *restrict src);
char *cella_tlibc_strncat(char *restrict dest, const char *restrict src, size_t count);
size_t cella_tlibc_strlcpy(char *restrict dest, const char *restrict src, size_t size);
size_t cella_tlibc_strlcat(char *restrict dest, const char *restrict src, size_t size);
char *cella_tlibc_strchr(const char *string, int character);
char *cella_tlibc_strrchr(const char *string, int character);
char *cella_tlibc_strstr(const char *haystack, const char *needle);
size_t cella_tlibc_strspn(const char *string, const char *accept);
size_t cella_tlibc_strcspn(const char *string, const char *reject);
char *cella_tlibc_strpbrk(const char *string, const char *accept);
char *cella_tlibc_strtok_r(char *restrict string, const char *restrict delimiters,
                           char **restrict save);
char *cella_tlibc_strtok_s(char *string, const char *delimiters, char **save);
char *cella_tlibc_strdup(const char *string);
char *cella_tlibc_strndup(const char *string, size_t max_size);
char *cella_tlibc_strerror(int error);
int cella_tlibc_strerror_r(int error, char *buffer, size_t size);
int cella_tlibc_strcasecmp(const char *left, const char *right);
int cella_tlibc_strncasecmp(const char *left, const char *right, size_t count);
int cella_tlibc_ffs(int value);
int cella_tlibc_ffsl(long value);
int cella_tlibc_ffsll(long long value);
void cella_tlibc_explicit_bzero(void *dest, size_t size);
int cella_tlibc_consttime_memequal(const void *left, const void *right, size_t size);
errno_t cella_tlibc_memset_s(void *dest, size_t max_size, int value, size_t count);
errno_t cella_tlibc_memcpy_s(void *dest, size_t dest_size, const void *src, size_t count);
errno_t cella_tlibc_memmove_s(void *dest, size_t dest_size, const void *src, size_t count);
errno_t cella_tlibc_strcpy_s(char *dest, size_t dest_size, const char *src);
errno_t cella_tlibc_strncpy_s(char *dest, size_t dest_size, const char *src, size_t count);
errno_t cella_tlibc_strcat_s(char *dest, size_t dest_size, const char *src);
errno_t cella_tlibc_strncat_s(char *dest, size_t dest_size, const char *src, size_t count);
void *cella_tlibc_memcpy_verw(void *restrict dest, const void *restrict src, size_t size);
void *cella_tlibc_memmove_verw(void *dest, const void *src, size_t size);
void *cella_tlibc_memset_verw(void *dest, int value, size_t size);
errno_t cella_tlibc_memset_verw_s(void *dest, size_t max_size, int value, size_t count);
errno_t cella_tlibc_memcpy_verw_s(void *dest, size_t dest_size, const void *src, size_t count);
errno_t cella_tlibc_memmove_verw_s(void *dest, size_t dest_size, const void *src, size_t count);

/* wchar.h */
size_t cella_tlibc_wcslen(const wchar_t *string);
size_t cella_tlibc_wcsnlen(const wchar_t *string, size_t max_count);
int cella_tlibc_wcscmp(const wchar_t *left, const wchar_t *right);
int cella_tlibc_wcsncmp(const wchar_t *left, const wchar_t *right, size_t count);
wchar_t *cella_tlibc_wcscpy(wchar_t *restrict dest, const wchar_t *restrict src);
wchar_t *cella_tlibc_wcsncpy(wchar_t *restrict dest, const wchar_t *restrict src, size_t count);
wchar_t *cella_tlibc_wcscat(wchar_t *restrict dest, const wchar_t *restrict src);
wchar_t *cella_tlibc_wcsncat(wchar_t *restrict dest, const wchar_t *restrict src, size_t count);
wchar_t *cella_tlibc_wcschr(const wchar_t *string, wchar_t character);
wchar_t *cella_tlibc_wcsrchr(const wchar_t *string, wchar_t character);
wchar_t *cella_tlibc_wmemcpy(wchar_t *restrict dest, const wchar_t *restrict src, size_t count);
wchar_t *cella_tlibc_wmemmove(wchar_t *dest, const wchar_t *src, size_t count);
wchar_t *cella_tlibc_wmemset(wchar_t *dest, wchar_t character, size_t count);
int cella_tlibc_wmemcmp(const wchar_t *left, const wchar_t *right, size_t count);
wchar_t *cella_tlibc_wmemchr(const wchar_t *buffer, wchar_t character, size_t count);

/* ctype.h */
int cella_tlibc_isalnum(int character);
int cella_tlibc_isalpha(int character);
int cella_tlibc_isblank(int character);
int cella_tlibc_iscntrl(int character);
int cella_tlibc_isdigit(int character);
int cella_tlibc_isgraph(int character);
int cella_tlibc_islower(int character);
int cella_tlibc_isprint(int character);
int cella_tlibc_ispunct(int character);
int cella_tlibc_isspace(int character);
int cella_tlibc_isupper(int character);
int cella_tlibc_isxdigit(int character);
int cella_tlibc_isascii(int character);
int cella_tlibc_tolower(int character);
int cella_tlibc_toupper(int character);

/* stdlib.h, inttypes.h */
void *cella_tlibc_malloc(size_t size);
void *cella_tlibc_calloc(size_t count, size_t size);
void *cella_tlibc_realloc(void *pointer, size_t size);
void *cella_tlibc_reallocarray(void *pointer, size_t count, size_t size);
void cella_tlibc_free(void *pointer);
void *cella_tlibc_aligned_alloc(size_t alignment, size_t size);
void *cella_tlibc_memalign(size_t alignment, size_t size);
int cella_tlibc_posix_memalign(void **out, size_t alignment, size_t size);
long cella_tlibc_strtol(const char *restrict string, char **restrict end, int base);
unsigned long cella_tlibc_strtoul(const char *restrict string, char **restrict end, int base);
long long cella_tlibc_strtoll(const char *restrict string, char **restrict end, int base);
unsigned long long cella_tlibc_strtoull(const char *restrict string, char **restrict end, int base);
intmax_t cella_tlibc_strtoimax(const char *restrict string, char **restrict end, int base);
uintmax_t cella_tlibc_strtoumax(const char *restrict string, char **restrict end, int base);
double cella_tlibc_strtod(const char *restrict string, char **restrict end);
float cella_tlibc_strtof(const char *restrict string, char **restrict end);
double cella_tlibc_atof(const char *string);
int cella_tlibc_atoi(const char *string);
long cella_tlibc_atol(const char *string);
long long cella_tlibc_atoll(const char *string);
void cella_tlibc_qsort(void *base, size_t count, size_t size,
                       int (*compare)(const void *left, const void *right));
void cella_tlibc_qsort_r(void *base, size_t count, size_t size,
                         int (*compare)(const void *left, const void *right, void *context),
                         void *context);
void *cella_tlibc_bsearch(const void *key, const void *base, size_t count, size_t size,
                          int (*compare)(const void *key, const void *element));
int cella_tlibc_abs(int value);
long cella_tlibc_labs(long value);
long long cella_tlibc_llabs(long long value);
intmax_t cella_tlibc_imaxabs(intmax_t value);
cella_tlibc_div_t cella_tlibc_div(int numerator, int denominator);
cella_tlibc_ldiv_t cella_tlibc_ldiv(long numerator, long denominator);
cella_tlibc_lldiv_t cella_tlibc_lldiv(long long numerator, long long denominator);
cella_tlibc_imaxdiv_t cella_tlibc_imaxdiv(intmax_t numerator, intmax_t denominator);
void cella_tlibc_abort(void) __attribute__((noreturn));

/* stdio.h */
int cella_tlibc_snprintf(char *restrict buffer, size_t size, const char *restrict format, ...)
    TLIBC_PRINTF(3, 4);
int cella_tlibc_vsnprintf(char *restrict buffer, size_t size, const char *restrict format,
                          va_list arguments) TLIBC_PRINTF(3, 0);
int cella_tlibc_asprintf(char **out, const char *restrict format, ...) TLIBC_PRINTF(2, 3);
int cella_tlibc_vasprintf(char **out, const char *restrict format, va_list arguments)
    TLIBC_PRINTF(2, 0);
int cella_tlibc_printf(const char *restrict format, ...) TLIBC_PRINTF(1, 2);
int cella_tlibc_vprintf(const char *restrict format, va_list arguments) TLIBC_PRINTF(1, 0);
int cella_tlibc_puts(const char *string);
int cella_tlibc_putchar(int character);

/* assert.h, setjmp.h, compiler support */
void cella_tlibc_assert_fail(const char *expression, const char *file, unsigned int line,
                             const char *function) __attribute__((noreturn));
int cella_tlibc_setjmp(cella_tlibc_jmp_buf env) __attribute__((returns_twice));
void cella_tlibc_longjmp(cella_tlibc_jmp_buf env, int value) __attribute__((noreturn));
void cella_tlibc_stack_chk_fail(void) __attribute__((noreturn));
extern uintptr_t cella_tlibc_stack_chk_guard;

/* glibc ABI entry points (fortify.c) */
int *cella_tlibc_errno_location(void);
void *cella_tlibc_memcpy_chk(void *restrict dest, const void *restrict src, size_t size,
                             size_t dest_size);
void *cella_tlibc_memmove_chk(void *dest, const void *src, size_t size, size_t dest_size);
void *cella_tlibc_mempcpy_chk(void *restrict dest, const void *restrict src, size_t size,
                              size_t dest_size);
void *cella_tlibc_memset_chk(void *dest, int value, size_t size, size_t dest_size);
char *cella_tlibc_strcpy_chk(char *restrict dest, const char *restrict src, size_t dest_size);
char *cella_tlibc_stpcpy_chk(char *restrict dest, const char *restrict src, size_t dest_size);
char *cella_tlibc_strncpy_chk(char *restrict dest, const char *restrict src, size_t count,
                              size_t dest_size);
char *cella_tlibc_strcat_chk(char *restrict dest, const char *restrict src, size_t dest_size);
char *cella_tlibc_strncat_chk(char *restrict dest, const char *restrict src, size_t count,
                              size_t dest_size);
int cella_tlibc_vsnprintf_chk(char *restrict buffer, size_t size, int flag, size_t buffer_size,
                              const char *restrict format, va_list arguments) TLIBC_PRINTF(5, 0);
int cella_tlibc_snprintf_chk(char *restrict buffer, size_t size, int flag, size_t buffer_size,
                             const char *restrict format, ...) TLIBC_PRINTF(5, 6);

/* Compiled into the host-test library from api_check.c: checks the trusted headers at compile
 * time and returns 1. */
int cella_tlibc_api_check(void);

#endif /* CELLA_TESTS_TLIBC_H */
