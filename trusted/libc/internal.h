/* SPDX-License-Identifier: Apache-2.0 */
/* internal.h: declarations shared between the trusted C library's source files. */
#ifndef CELLA_TLIBC_INTERNAL_H
#define CELLA_TLIBC_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes printf, puts and putchar hand to cella_trts_print at once. */
#define CELLA_TLIBC_PRINT_CHUNK_BYTES 256

/*
 * Prints "enclave aborted: <message>\n" through cella_trts_print and stops the enclave with
 * cella_trts_abort. For states that must never happen (heap corruption, a smashed stack).
 */
void cella_tlibc_fatal(const char *message) __attribute__((noreturn));

/* Compiler support for -fstack-protector with -mstack-protector-guard=global (abort.c). */
extern uintptr_t __stack_chk_guard;
void __stack_chk_fail(void) __attribute__((noreturn));

/*
 * glibc ABI entry points that objects compiled against glibc's headers reference
 * (fortify.c): errno and the _FORTIFY_SOURCE checked copies. Each *_chk stops the enclave when
 * the copy would exceed dest_size (the destination object's size), else does the plain copy.
 */
int *__errno_location(void) __attribute__((const));
void *__memcpy_chk(void *restrict dest, const void *restrict src, size_t size, size_t dest_size);
void *__memmove_chk(void *dest, const void *src, size_t size, size_t dest_size);
void *__mempcpy_chk(void *restrict dest, const void *restrict src, size_t size, size_t dest_size);
void *__memset_chk(void *dest, int value, size_t size, size_t dest_size);
char *__strcpy_chk(char *restrict dest, const char *restrict src, size_t dest_size);
char *__stpcpy_chk(char *restrict dest, const char *restrict src, size_t dest_size);
char *__strncpy_chk(char *restrict dest, const char *restrict src, size_t count, size_t dest_size);
char *__strcat_chk(char *restrict dest, const char *restrict src, size_t dest_size);
char *__strncat_chk(char *restrict dest, const char *restrict src, size_t count, size_t dest_size);
int __vsnprintf_chk(char *restrict buffer, size_t size, int flag, size_t buffer_size,
                    const char *restrict format, va_list arguments)
    __attribute__((format(__printf__, 5, 0)));
int __snprintf_chk(char *restrict buffer, size_t size, int flag, size_t buffer_size,
                   const char *restrict format, ...) __attribute__((format(__printf__, 5, 6)));

/*
 * Where the formatter's output goes: a run of bytes at a time. `write` receives each run
 * (possibly empty) and returns false to stop formatting with an error (errno is then set by the
 * writer). `context` belongs to the writer.
 */
typedef struct cella_tlibc_sink {
    bool (*write)(struct cella_tlibc_sink *sink, const char *bytes, size_t size);
    void *context;
} cella_tlibc_sink_t;

/*
 * Formats like vprintf into sink. Returns the number of bytes produced, or -1 with errno set:
 * EOVERFLOW when the count passes INT_MAX, EINVAL for a positional argument, whatever the
 * sink reported when it refused.
 */
int cella_tlibc_format(cella_tlibc_sink_t *sink, const char *format, va_list arguments);

/* The parts of a conversion specification that the floating-point formatter needs. */
typedef struct cella_tlibc_float_spec {
    bool left;       /* '-' */
    bool plus;       /* '+' */
    bool space;      /* ' ' */
    bool alternate;  /* '#' */
    bool zero;       /* '0' */
    int width;       /* -1: none */
    int precision;   /* -1: none */
    char conversion; /* one of f F e E g G a A */
} cella_tlibc_float_spec_t;

/*
 * A binary floating-point value taken apart. Finite values are exact: value = mantissa *
 * 2^exponent. The hex_ fields are the %a form, which follows glibc: for double a leading digit
 * of 1 (0 for subnormals and zero) and 13 fraction digits; for the x87 long double the top four
 * mantissa bits as the leading digit and 15 fraction digits.
 */
typedef struct cella_tlibc_float_value {
    bool negative;
    bool is_inf;
    bool is_nan;
    bool wide; /* long double: digits may need the large workspace */
    uint64_t mantissa;
    int exponent;
    unsigned int hex_lead;
    uint64_t hex_fraction;
    unsigned int hex_fraction_digits;
    int hex_exponent;
} cella_tlibc_float_value_t;

cella_tlibc_float_value_t cella_tlibc_float_from_double(double value);
cella_tlibc_float_value_t cella_tlibc_float_from_long_double(long double value);

/*
 * Writes one floating-point conversion to sink. Returns the number of bytes written, or -1
 * when the sink refused. The result of %f/%e/%g is the exact decimal value rounded to nearest,
 * ties to even, as glibc prints it.
 */
long cella_tlibc_format_float(cella_tlibc_sink_t *sink, const cella_tlibc_float_spec_t *spec,
                              const cella_tlibc_float_value_t *value);

#endif /* CELLA_TLIBC_INTERNAL_H */
