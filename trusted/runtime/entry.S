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
 * (round to nearest, all exceptions masked).
 */
    .text
    .globl cella_enclave_entry
    .type cella_enclave_entry, @function
cella_enclave_entry:
    .cfi_startproc
    cld
    pushfq
    andq $~0x40000, (%rsp)      /* RFLAGS.AC */
    popfq
    ldmxcsr default_mxcsr(%rip)
    fldcw default_fpu_control(%rip)
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
