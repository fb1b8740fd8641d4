/* SPDX-License-Identifier: Apache-2.0 */
/* stdio.h: formatted output of cella's trusted C library; there are no FILE streams. */
#ifndef CELLA_LIBC_STDIO_H
#define CELLA_LIBC_STDIO_H

#include <stddef.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

#define EOF (-1)

/* An incomplete type: prototypes may mention FILE *, but no stream exists inside an enclave. */
typedef struct cella_libc_no_file FILE;

/*
 * C99 formatting, every conversion (d i u o x X c s p n % f F e E g G a A) with the flags
 * "-+ #0", width, precision, "*" and the length modifiers hh h l ll j z t L. Floating point is
 * printed exactly (the full binary value) and rounded to nearest, ties to even. %lc and %ls
 * write UTF-8. Positional arguments (%1$d) are not supported: -1 with errno = EINVAL.
 *
 * snprintf writes at most size bytes including the terminator (nothing when size is 0) and
 * returns the length the full output has, or -1 (errno = EOVERFLOW) beyond INT_MAX.
 */
int snprintf(char *CELLA_LIBC_RESTRICT buffer, size_t size, const char *CELLA_LIBC_RESTRICT format,
             ...) CELLA_LIBC_PRINTF(3, 4);
int vsnprintf(char *CELLA_LIBC_RESTRICT buffer, size_t size, const char *CELLA_LIBC_RESTRICT format,
              __builtin_va_list arguments) CELLA_LIBC_PRINTF(3, 0);
/* Allocate the result with malloc; -1 and *out unspecified on failure. */
int asprintf(char **out, const char *CELLA_LIBC_RESTRICT format, ...) CELLA_LIBC_PRINTF(2, 3);
int vasprintf(char **out, const char *CELLA_LIBC_RESTRICT format, __builtin_va_list arguments)
    CELLA_LIBC_PRINTF(2, 0);

/*
 * Output to the host's standard output through the trusted runtime's print OCALL. Each call is
 * sent in pieces of at most a few hundred bytes; the host sees text, never enclave pointers.
 * Return the number of bytes (printf) or a non-negative value (puts, putchar: the character),
 * or EOF / a negative value when the host refused the output.
 */
int printf(const char *CELLA_LIBC_RESTRICT format, ...) CELLA_LIBC_PRINTF(1, 2);
int vprintf(const char *CELLA_LIBC_RESTRICT format, __builtin_va_list arguments)
    CELLA_LIBC_PRINTF(1, 0);
int puts(const char *string);
int putchar(int character);

/* Streams do not exist inside an enclave. */
extern FILE *const stdin CELLA_LIBC_NOT_IN_ENCLAVE(stdin, "pass input in through an ECALL");
extern FILE *const stdout
    CELLA_LIBC_NOT_IN_ENCLAVE(stdout, "use printf, which goes to the host's standard output");
extern FILE *const stderr
    CELLA_LIBC_NOT_IN_ENCLAVE(stderr, "use printf, which goes to the host's standard output");

FILE *fopen(const char *path, const char *mode)
    CELLA_LIBC_NOT_IN_ENCLAVE(fopen, CELLA_LIBC_USE_OCALL_FILES);
FILE *freopen(const char *path, const char *mode, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(freopen, CELLA_LIBC_USE_OCALL_FILES);
FILE *fdopen(int fd, const char *mode)
    CELLA_LIBC_NOT_IN_ENCLAVE(fdopen, CELLA_LIBC_USE_OCALL_FILES);
FILE *tmpfile(void) CELLA_LIBC_NOT_IN_ENCLAVE(tmpfile, CELLA_LIBC_USE_OCALL_FILES);
int fclose(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(fclose, CELLA_LIBC_USE_OCALL_FILES);
int fflush(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(fflush, CELLA_LIBC_USE_OCALL_FILES);
size_t fread(void *buffer, size_t size, size_t count, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(fread, CELLA_LIBC_USE_OCALL_FILES);
size_t fwrite(const void *buffer, size_t size, size_t count, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(fwrite, CELLA_LIBC_USE_OCALL_FILES);
int fgetc(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(fgetc, CELLA_LIBC_USE_OCALL_FILES);
int getc(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(getc, CELLA_LIBC_USE_OCALL_FILES);
int getchar(void) CELLA_LIBC_NOT_IN_ENCLAVE(getchar, "pass input in through an ECALL");
char *fgets(char *buffer, int size, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(fgets, CELLA_LIBC_USE_OCALL_FILES);
int ungetc(int character, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(ungetc, CELLA_LIBC_USE_OCALL_FILES);
int fputc(int character, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(fputc, "use putchar, which goes to the host's standard output");
int putc(int character, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(putc, "use putchar, which goes to the host's standard output");
int fputs(const char *string, FILE *stream)
    CELLA_LIBC_NOT_IN_ENCLAVE(fputs, "use printf, which goes to the host's standard output");
int fprintf(FILE *stream, const char *format, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(fprintf, "use printf (to the host's standard output) or snprintf");
int vfprintf(FILE *stream, const char *format, __builtin_va_list arguments)
    CELLA_LIBC_NOT_IN_ENCLAVE(vfprintf, "use vprintf (to the host's standard output) or vsnprintf");
int dprintf(int fd, const char *format, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(dprintf, "use printf (to the host's standard output) or snprintf");
int sprintf(char *buffer, const char *format, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(sprintf, "use snprintf, which cannot write past the buffer");
int vsprintf(char *buffer, const char *format, __builtin_va_list arguments)
    CELLA_LIBC_NOT_IN_ENCLAVE(vsprintf, "use vsnprintf, which cannot write past the buffer");
int scanf(const char *format, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(scanf,
                              "pass input in through an ECALL and parse it with strtol/strtod");
int fscanf(FILE *stream, const char *format, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(fscanf, CELLA_LIBC_USE_OCALL_FILES);
int sscanf(const char *string, const char *format, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(sscanf, "parse with strtol, strtoul or strtod");
char *gets(char *buffer) CELLA_LIBC_NOT_IN_ENCLAVE(gets, "pass input in through an ECALL");
int fseek(FILE *stream, long offset, int whence)
    CELLA_LIBC_NOT_IN_ENCLAVE(fseek, CELLA_LIBC_USE_OCALL_FILES);
long ftell(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(ftell, CELLA_LIBC_USE_OCALL_FILES);
void rewind(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(rewind, CELLA_LIBC_USE_OCALL_FILES);
int feof(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(feof, CELLA_LIBC_USE_OCALL_FILES);
int ferror(FILE *stream) CELLA_LIBC_NOT_IN_ENCLAVE(ferror, CELLA_LIBC_USE_OCALL_FILES);
void setbuf(FILE *stream, char *buffer)
    CELLA_LIBC_NOT_IN_ENCLAVE(setbuf, CELLA_LIBC_USE_OCALL_FILES);
int setvbuf(FILE *stream, char *buffer, int mode, size_t size)
    CELLA_LIBC_NOT_IN_ENCLAVE(setvbuf, CELLA_LIBC_USE_OCALL_FILES);
int remove(const char *path) CELLA_LIBC_NOT_IN_ENCLAVE(remove, CELLA_LIBC_USE_OCALL_FILES);
int rename(const char *from, const char *to)
    CELLA_LIBC_NOT_IN_ENCLAVE(rename, CELLA_LIBC_USE_OCALL_FILES);
void perror(const char *prefix)
    CELLA_LIBC_NOT_IN_ENCLAVE(perror, "use printf(\"%s: %s\\n\", prefix, strerror(errno))");
FILE *popen(const char *command, const char *mode)
    CELLA_LIBC_NOT_IN_ENCLAVE(popen, CELLA_LIBC_USE_OCALL);

CELLA_LIBC_END

#endif /* CELLA_LIBC_STDIO_H */
