/* SPDX-License-Identifier: Apache-2.0 */
/* setjmp.h: non-local jumps of cella's trusted C library (x86-64). */
#ifndef CELLA_LIBC_SETJMP_H
#define CELLA_LIBC_SETJMP_H

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

/*
 * The callee-saved state of the System V x86-64 ABI: rbx, rbp, r12, r13, r14, r15, the stack
 * pointer and the return address. There are no signals inside an enclave, so there is no
 * signal mask; the floating-point control words are left as they are at longjmp, as in glibc.
 */
typedef struct cella_libc_jmp_buf {
    unsigned long long cella_registers[8];
} jmp_buf[1];

/* Returns 0 when called directly and the value given to longjmp (1 for 0) after a jump. */
int setjmp(jmp_buf env) __attribute__((returns_twice));
/* Resumes at the setjmp that filled env; its function must still be running. */
void longjmp(jmp_buf env, int value) CELLA_LIBC_NORETURN;

#ifndef setjmp
#define setjmp setjmp
#endif

CELLA_LIBC_END

#endif /* CELLA_LIBC_SETJMP_H */
