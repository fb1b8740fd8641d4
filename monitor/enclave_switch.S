/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/enclave_switch.S: cella-enclave's switch to an enclave thread's stack and %fs. */

/*
 * int32_t cella_enclave_stub_enter(cella_enclave_entry_t entry, cella_thread_data_t *thread_data,
 *                                  const cella_entry_request_t *request, uint8_t *stack_top);
 *
 * Calls entry(thread_data, request) on the enclave stack ending at stack_top (16-aligned) with
 * %fs = thread_data, as EENTER would arrange from the TCS, and returns its result with this
 * thread's own stack and %fs (glibc's thread pointer) back in place. The entry follows the
 * C calling convention, so the callee-saved registers that hold the way back survive it.
 * RDFSBASE/WRFSBASE need FSGSBASE (Linux 5.9+), which cella-enclave checks before it maps
 * anything. The entry's operations are called on the enclave stack and need no switch
 * (monitor/enclave_main.c).
 */
    .text
    .globl cella_enclave_stub_enter
    .hidden cella_enclave_stub_enter
    .type cella_enclave_stub_enter, @function
cella_enclave_stub_enter:
    .cfi_startproc
    pushq %rbp
    .cfi_def_cfa_offset 16
    pushq %rbx
    .cfi_def_cfa_offset 24
    pushq %r12
    .cfi_def_cfa_offset 32
    pushq %r13
    .cfi_def_cfa_offset 40
    pushq %r14
    .cfi_def_cfa_offset 48
    pushq %r15
    .cfi_def_cfa_offset 56
    movq %rsp, %r12                     /* this thread's stack */
    rdfsbase %r13                       /* this thread's %fs */
    movq %rdi, %rax                     /* entry */
    movq %rsi, %rdi                     /* first argument: thread_data */
    movq %rdx, %rsi                     /* second argument: request */
    wrfsbase %rdi
    movq %rcx, %rsp                     /* the enclave stack */
    callq *%rax
    wrfsbase %r13
    movq %r12, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size cella_enclave_stub_enter, . - cella_enclave_stub_enter

    .section .note.GNU-stack, "", @progbits
