/* SPDX-License-Identifier: Apache-2.0 */
/* setjmp.c: setjmp and longjmp for x86-64 (System V ABI), in assembly. */
#include <setjmp.h>

/*
 * jmp_buf layout (cella_registers[]): 0 rbx, 1 rbp, 2 r12, 3 r13, 4 r14, 5 r15, 6 the stack
 * pointer setjmp's caller has after the call returns, 7 the return address. Those are all the
 * registers a function must preserve; everything else is clobbered by a call anyway.
 *
 * The symbol names go through the preprocessor so that the host-test build's renaming
 * (test_rename.h) reaches them too.
 */
#define STRINGIFY(name) #name
#define SYMBOL(name)    STRINGIFY(name)

#ifdef __CET__
#define BRANCH_TARGET "endbr64\n"
#else
#define BRANCH_TARGET ""
#endif

/* clang-format off */
__asm__(".text\n"
        ".globl " SYMBOL(setjmp) "\n"
        ".type " SYMBOL(setjmp) ", @function\n"
        ".p2align 4\n"
        SYMBOL(setjmp) ":\n"
        BRANCH_TARGET
        "movq %rbx, 0(%rdi)\n"
        "movq %rbp, 8(%rdi)\n"
        "movq %r12, 16(%rdi)\n"
        "movq %r13, 24(%rdi)\n"
        "movq %r14, 32(%rdi)\n"
        "movq %r15, 40(%rdi)\n"
        "leaq 8(%rsp), %rdx\n"
        "movq %rdx, 48(%rdi)\n"
        "movq (%rsp), %rdx\n"
        "movq %rdx, 56(%rdi)\n"
        "xorl %eax, %eax\n"
        "ret\n"
        ".size " SYMBOL(setjmp) ", .-" SYMBOL(setjmp) "\n"

        ".globl " SYMBOL(longjmp) "\n"
        ".type " SYMBOL(longjmp) ", @function\n"
        ".p2align 4\n"
        SYMBOL(longjmp) ":\n"
        BRANCH_TARGET
        /* setjmp must not appear to return 0 after a jump. */
        "movl %esi, %eax\n"
        "testl %eax, %eax\n"
        "jnz 1f\n"
        "movl $1, %eax\n"
        "1:\n"
        "movq 0(%rdi), %rbx\n"
        "movq 8(%rdi), %rbp\n"
        "movq 16(%rdi), %r12\n"
        "movq 24(%rdi), %r13\n"
        "movq 32(%rdi), %r14\n"
        "movq 40(%rdi), %r15\n"
        "movq 48(%rdi), %rsp\n"
        "jmpq *56(%rdi)\n"
        ".size " SYMBOL(longjmp) ", .-" SYMBOL(longjmp) "\n");
/* clang-format on */
