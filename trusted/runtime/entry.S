/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/entry.S: the enclave's entry point (ELF e_entry, TCS.OENTRY). */

/*
 * int32_t cella_enclave_entry(cella_thread_data_t *thread_data,
 *                             const cella_entry_request_t *request);
 *
 * Called on the thread's enclave stack with %fs at its thread data (common/entry_abi.h).
 * Before any C code runs, put the CPU state the C ABI promises back in place, whatever the
 * caller left (security checklist A1-A3): the direction flag clear (string instructions run
 * forwards), the alignment-check flag clear, and the default x87 control word and MXCSR
 * (round to nearest, all exceptions masked). Reading each is cheap and writing it is not
 * (POPF alone costs more than the rest of the entry), so each is written only when it
 * differs; the branches depend on the caller's own values, never on enclave data.
 */
    .text
    .globl cella_enclave_entry
    .type cella_enclave_entry, @function
cella_enclave_entry:
    .cfi_startproc
    cld
    pushfq
    .cfi_adjust_cfa_offset 8
    popq %rax                           /* RFLAGS; %rax is a scratch register here */
    .cfi_adjust_cfa_offset -8
    testl $0x40000, %eax                /* RFLAGS.AC */
    jz 1f
    andl $~0x40000, %eax
    pushq %rax
    .cfi_adjust_cfa_offset 8
    popfq
    .cfi_adjust_cfa_offset -8
1:  subq $8, %rsp                       /* room to read MXCSR and the x87 control word */
    .cfi_adjust_cfa_offset 8
    stmxcsr (%rsp)
    cmpl $0x1f80, (%rsp)
    je 2f
    ldmxcsr default_mxcsr(%rip)
2:  fnstcw (%rsp)
    cmpw $0x037f, (%rsp)
    je 3f
    fldcw default_fpu_control(%rip)
3:  addq $8, %rsp
    .cfi_adjust_cfa_offset -8
    jmp cella_trts_entry
    .cfi_endproc
    .size cella_enclave_entry, . - cella_enclave_entry

    .section .rodata
    .balign 4
default_mxcsr:
    .long 0x1f80
default_fpu_control:
    .word 0x037f

    .section .note.GNU-stack, "", @progbits
