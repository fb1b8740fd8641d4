/* SPDX-License-Identifier: Apache-2.0 */
/* host/sim_switch.S: stack and %fs switches between a host thread and an in-process enclave. */

/*
 * The "sim" backend runs the enclave image inside the host process. An enclave thread needs
 * its own stack and its own thread pointer (%fs at its thread-data page, as EENTER would set
 * it from the TCS); the host needs its own back whenever host code runs, so that glibc's
 * TLS, errno and stack protector keep working. Every switch goes through this file.
 *
 * struct sim_frame (host/sim.c), one per entry, in host memory:
 *     0  host_rsp     the host stack pointer at entry (callee-saved registers above it)
 *     8  host_fs      the host thread pointer
 *    16  enclave_rsp  the enclave stack pointer while an OCALL runs on the host
 *    24  enclave_fs   the enclave thread pointer while an OCALL runs on the host
 * Reading and writing the thread pointer uses RDFSBASE/WRFSBASE, which the kernel allows
 * when the CPU has FSGSBASE (Linux 5.9+); host/sim.c checks that before it loads anything.
 */
    .set FRAME_HOST_RSP, 0
    .set FRAME_HOST_FS, 8
    .set FRAME_ENCLAVE_RSP, 16
    .set FRAME_ENCLAVE_FS, 24

    .text

/*
 * int32_t cella_sim_enter(struct sim_frame *frame, void *entry, void *thread_data,
 *                         const void *request, void *stack_top);
 * Calls entry(thread_data, request) on the enclave stack ending at stack_top (16-aligned)
 * with %fs = thread_data, and returns its result with the host's state back in place.
 */
    .globl cella_sim_enter
    .hidden cella_sim_enter
    .type cella_sim_enter, @function
cella_sim_enter:
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
    subq $8, %rsp                       /* 16-byte alignment */
    .cfi_def_cfa_offset 64
    movq %rdi, %r12                     /* the frame survives the call: r12 is callee-saved */
    movq %rsp, FRAME_HOST_RSP(%r12)
    rdfsbase %rax
    movq %rax, FRAME_HOST_FS(%r12)
    movq %rsi, %r13                     /* entry */
    movq %rdx, %rdi                     /* first argument: thread_data */
    movq %rcx, %rsi                     /* second argument: request */
    wrfsbase %rdx
    movq %r8, %rsp                      /* the enclave stack */
    callq *%r13
    movq FRAME_HOST_FS(%r12), %rdx
    wrfsbase %rdx
    movq FRAME_HOST_RSP(%r12), %rsp
    jmp restore_host
    .cfi_endproc
    .size cella_sim_enter, . - cella_sim_enter

/*
 * void cella_sim_unwind(struct sim_frame *frame, int32_t status) __attribute__((noreturn));
 * Abandons the enclave stack: makes the cella_sim_enter that created frame return status.
 * Called on the host's thread pointer (from the crash stub or a signal handler's return).
 */
    .globl cella_sim_unwind
    .hidden cella_sim_unwind
    .type cella_sim_unwind, @function
cella_sim_unwind:
    .cfi_startproc
    movl %esi, %eax
    movq FRAME_HOST_FS(%rdi), %rdx
    wrfsbase %rdx
    movq FRAME_HOST_RSP(%rdi), %rsp
    jmp restore_host
    .cfi_endproc
    .size cella_sim_unwind, . - cella_sim_unwind

restore_host:
    cld                                 /* host code runs with DF clear, whatever the enclave did */
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/*
 * The functions the enclave calls (cella_entry_ops_t). Each runs on the enclave stack with
 * the enclave's %fs; it saves both, switches to the host stack and thread pointer of the
 * frame (its first argument), calls the host handler with the arguments untouched, and
 * switches back. A nested ECALL made by the handler starts a new frame deeper on the host
 * stack and below the saved enclave stack pointer, so neither stack is overwritten.
 */
.macro HOST_STUB name, handler
    .globl \name
    .hidden \name
    .type \name, @function
\name:
    .cfi_startproc
    movq %rsp, FRAME_ENCLAVE_RSP(%rdi)
    rdfsbase %rax
    movq %rax, FRAME_ENCLAVE_FS(%rdi)
    movq FRAME_HOST_FS(%rdi), %rax
    wrfsbase %rax
    movq FRAME_HOST_RSP(%rdi), %rsp
    subq $16, %rsp                      /* keep the frame; stays 16-byte aligned */
    movq %rdi, (%rsp)
    cld
    callq \handler
    movq (%rsp), %rdi
    movq FRAME_ENCLAVE_FS(%rdi), %rdx
    wrfsbase %rdx
    movq FRAME_ENCLAVE_RSP(%rdi), %rsp
    ret
    .cfi_endproc
    .size \name, . - \name
.endm

    HOST_STUB cella_sim_ocall_stub, cella_sim_ocall
    HOST_STUB cella_sim_ocall_alloc_stub, cella_sim_ocall_alloc
    HOST_STUB cella_sim_ocall_free_stub, cella_sim_ocall_free
    HOST_STUB cella_sim_platform_stub, cella_sim_platform

/*
 * void cella_sim_crash_stub(struct sim_frame *frame) __attribute__((noreturn));
 * The enclave marked itself crashed: record it on the host side and unwind the entry.
 */
    .globl cella_sim_crash_stub
    .hidden cella_sim_crash_stub
    .type cella_sim_crash_stub, @function
cella_sim_crash_stub:
    .cfi_startproc
    movq FRAME_HOST_FS(%rdi), %rax
    wrfsbase %rax
    movq FRAME_HOST_RSP(%rdi), %rsp
    subq $16, %rsp
    callq cella_sim_crashed             /* (frame): records the crash, then unwinds */
    ud2
    .cfi_endproc
    .size cella_sim_crash_stub, . - cella_sim_crash_stub

    .section .note.GNU-stack, "", @progbits
