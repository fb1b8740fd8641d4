/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/metadata.S: reserves .note.cella (the signature) and .cella_layout (the layout table). */

/*
 * One ELF note, named "cella", of type CELLA_METADATA_NOTE_TYPE (1), whose descriptor of
 * CELLA_METADATA_NOTE_DESC_BYTES (8192) zero bytes `cella sign` later fills with a
 * cella_enclave_metadata_t (cella/metadata.h; the numbers here must match it). The section
 * has no "a" flag, so it is not allocated: it lies in no PT_LOAD segment, is never loaded
 * and is not part of MRENCLAVE. The linker keeps it (also with --gc-sections) and so does
 * strip.
 */
    .section .note.cella, "", @note
    .balign 4
    .long 6             /* n_namesz: "cella" and its NUL */
    .long 8192          /* n_descsz: CELLA_METADATA_NOTE_DESC_BYTES */
    .long 1             /* n_type: CELLA_METADATA_NOTE_TYPE */
    .asciz "cella"
    .balign 4
    .zero 8192

/*
 * The layout table (cella_layout_table_t, cella/layout.h; 128 bytes): the magic, then zeros.
 * It is allocated and read-only, so it lies in a loaded, measured segment; `cella sign` and
 * the loader both measure and load it filled in from the signed layout, and the runtime
 * trusts no other source for where its threads, stacks, heap and TLS are.
 */
    .section .cella_layout, "a", @progbits
    .balign 64
    .globl cella_trts_layout
    .hidden cella_trts_layout
    .type cella_trts_layout, @object
cella_trts_layout:
    .quad 0x3162617474616c63    /* CELLA_LAYOUT_TABLE_MAGIC */
    .zero 120
    .size cella_trts_layout, 128

/* The enclave's stack is never executable. */
    .section .note.GNU-stack, "", @progbits
