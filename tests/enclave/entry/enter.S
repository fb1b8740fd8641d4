/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/entry/enter.S: calls an enclave entry with a chosen %fs, as a hostile host could. */

/*
 * int32_t test_enter(void *entry, void *thread_data, const void *request, void *fs);
 * Calls entry(thread_data, request) on the caller's stack with %fs = fs, and puts the
 * caller's %fs back before it returns.
 */
    .text
    .globl test_enter
    .type test_enter, @function
test_enter:
    .cfi_startproc
    pushq %rbx
    .cfi_def_cfa_offset 16
    pushq %r12
    .cfi_def_cfa_offset 24
    subq $8, %rsp
    .cfi_def_cfa_offset 32
    rdfsbase %rbx
    movq %rdi, %r12
    movq %rsi, %rdi
    movq %rdx, %rsi
    wrfsbase %rcx
    callq *%r12
    wrfsbase %rbx
    addq $8, %rsp
    .cfi_def_cfa_offset 24
    popq %r12
    .cfi_def_cfa_offset 16
    popq %rbx
    .cfi_def_cfa_offset 8
    ret
    .cfi_endproc
    .size test_enter, . - test_enter

    .section .note.GNU-stack, "", @progbits
