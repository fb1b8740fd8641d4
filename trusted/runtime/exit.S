/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/exit.S: every call from enclave code to a function of the untrusted side. */

/*
 * uint64_t cella_trts_call_out(uintptr_t function, uint64_t a0, uint64_t a1, uint64_t a2,
 *                              uint64_t a3, uint64_t a4, uint64_t a5);
 *
 * Calls function(a0, ..., a5), one of the cella_entry_ops_t functions, and returns its %rax.
 * The function runs on this enclave stack (a backend that needs another stack switches to
 * it itself), so the frame below keeps %rsp 16-byte aligned at the call and keeps nothing
 * below %rsp.
 *
 * On the way out (security checklist A5): the function gets its six argument registers and
 * nothing else the enclave computed. %rax, %r10, %r11 and %xmm0-%xmm15 are zeroed; the
 * zeroing also leaves the arithmetic flags in a fixed state.
 *
 * On the way back (checklist A1-A3): the function may return with any RFLAGS and x87/SSE
 * control state. The C code that continues relies on the C ABI's promises, so before it runs
 * again DF and AC are cleared, the x87 unit is reinitialised (empty register stack, no
 * pending exceptions) and the x87 control word and MXCSR the enclave had before the call are
 * loaded again (the ABI makes their control bits callee-saved; the entry sets the defaults,
 * 0x037f and 0x1f80).
 *
 * Left as they are: the callee-saved registers (%rbx, %rbp, %r12-%r15), which the function
 * sees and the C ABI trusts it to restore; the upper halves of YMM/ZMM, the AVX-512 mask
 * registers and the x87 data registers.
 *
 * Frame, from %rsp after the prologue:
 *     0  the function
 *     8  the caller's MXCSR (4 bytes)
 *    12  the caller's x87 control word (2 bytes)
 *    16  scratch: the MXCSR the function returned with
 *    24  the return address
 *    32  a5, the seventh argument, on the caller's stack
 */
    .text
    .globl cella_trts_call_out
    .hidden cella_trts_call_out
    .type cella_trts_call_out, @function
cella_trts_call_out:
    .cfi_startproc
    subq $24, %rsp                      /* %rsp % 16 == 8 at entry: 0 from here */
    .cfi_adjust_cfa_offset 24
    movq %rdi, 0(%rsp)
    stmxcsr 8(%rsp)
    fnstcw 12(%rsp)
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %rcx
    movq %r9, %r8
    movq 32(%rsp), %r9
    pxor %xmm0, %xmm0
    pxor %xmm1, %xmm1
    pxor %xmm2, %xmm2
    pxor %xmm3, %xmm3
    pxor %xmm4, %xmm4
    pxor %xmm5, %xmm5
    pxor %xmm6, %xmm6
    pxor %xmm7, %xmm7
    pxor %xmm8, %xmm8
    pxor %xmm9, %xmm9
    pxor %xmm10, %xmm10
    pxor %xmm11, %xmm11
    pxor %xmm12, %xmm12
    pxor %xmm13, %xmm13
    pxor %xmm14, %xmm14
    pxor %xmm15, %xmm15
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %eax, %eax                     /* also: no vector arguments, were it variadic */
    callq *0(%rsp)
    cld
    pushfq                              /* RFLAGS.AC, written only when set (POPF is slow) */
    .cfi_adjust_cfa_offset 8
    popq %rcx                           /* %rax holds the result; %rcx is free */
    .cfi_adjust_cfa_offset -8
    testl $0x40000, %ecx
    jz 1f
    andl $~0x40000, %ecx
    pushq %rcx
    .cfi_adjust_cfa_offset 8
    popfq
    .cfi_adjust_cfa_offset -8
1:  fninit                              /* also sets the control word to 0x037f */
    cmpw $0x037f, 12(%rsp)
    je 2f
    fldcw 12(%rsp)
2:  stmxcsr 16(%rsp)
    movl 16(%rsp), %ecx
    cmpl 8(%rsp), %ecx
    je 3f
    ldmxcsr 8(%rsp)
3:  addq $24, %rsp
    .cfi_adjust_cfa_offset -24
    ret
    .cfi_endproc
    .size cella_trts_call_out, . - cella_trts_call_out

    .section .note.GNU-stack, "", @progbits
