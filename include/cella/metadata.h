/* SPDX-License-Identifier: Apache-2.0 */
/* cella/metadata.h: the signed-enclave metadata that `cella sign` stores in the `.note.cella` note.
 */
#ifndef CELLA_METADATA_H
#define CELLA_METADATA_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "result.h"
#include "sgx_arch.h"

CELLA_EXTERN_C_BEGIN

/*
 * Where the metadata lives. The trusted runtime reserves it with an assembly file
 * (trusted/runtime/metadata.S):
 *
 *     .section .note.cella,"",@note      non-allocated: in no PT_LOAD, so never measured
 *     .long 6                            namesz: "cella" and its NUL
 *     .long CELLA_METADATA_NOTE_DESC_BYTES
 *     .long CELLA_METADATA_NOTE_TYPE
 *     .asciz "cella"                     padded to 4 bytes
 *     .zero CELLA_METADATA_NOTE_DESC_BYTES
 *
 * An unsigned enclave carries an all-zero descriptor. `cella sign` writes one
 * cella_enclave_metadata_t at the start of the descriptor of its output copy and leaves the
 * rest zero. The note is outside every loadable segment, so writing it does not change
 * MRENCLAVE.
 */
#define CELLA_METADATA_SECTION_NAME    ".note.cella"
#define CELLA_METADATA_NOTE_NAME       "cella"
#define CELLA_METADATA_NOTE_NAME_BYTES 6    /* the name with its NUL, before padding */
#define CELLA_METADATA_NOTE_TYPE       1    /* n_type of the metadata note */
#define CELLA_METADATA_NOTE_DESC_BYTES 8192 /* the descriptor size the runtime reserves */

#define CELLA_METADATA_MAGIC   0x0041544144414C43ULL /* "CLADATA\0" as a little-endian u64 */
#define CELLA_METADATA_VERSION 1
#define CELLA_METADATA_BYTES   1936 /* sizeof(cella_enclave_metadata_t), version 1 */

/* The SSA layout cella's signer uses: one page per frame, two frames per thread. */
#define CELLA_METADATA_SSA_FRAME_SIZE 1
#define CELLA_METADATA_NSSA           2

/* Limits cella_metadata_parse() enforces on the measured configuration. */
#define CELLA_METADATA_SSA_FRAME_SIZE_MAX 16 /* pages per SSA frame */
#define CELLA_METADATA_NSSA_MAX           16 /* SSA frames per thread */

/* TCSPolicy values (Enclave.config.xml); the enclave runtime interprets them. */
#define CELLA_METADATA_TCS_POLICY_BIND   0 /* a TCS stays bound to the host thread that used it */
#define CELLA_METADATA_TCS_POLICY_UNBIND 1 /* a TCS returns to the pool after each ECALL */

/*
 * The metadata of a signed enclave, version 1, 1936 bytes, little-endian, packed.
 *
 * Every field is bound to the signature, so a loader that checks the image with
 * cella_image_verify() can trust all of them:
 *  - enclave_size, ssa_frame_size are in the ECREATE record of MRENCLAVE;
 *  - heap_size, stack_size, tcs_count, tcs_policy, nssa shape the layout and are written
 *    into each thread's measured thread-data page (and the TCS), so they are in MRENCLAVE;
 *  - misc_select, misc_mask, attributes, attribute_mask, isv_prod_id, isv_svn are copies of
 *    the SIGSTRUCT fields and must equal them; disable_debug must agree with the DEBUG bit
 *    of SIGSTRUCT.ATTRIBUTEMASK.
 */
typedef struct CELLA_PACKED cella_enclave_metadata {
    uint64_t magic;                  /* 0: CELLA_METADATA_MAGIC */
    uint32_t version;                /* 8: CELLA_METADATA_VERSION */
    uint32_t size;                   /* 12: CELLA_METADATA_BYTES */
    uint64_t enclave_size;           /* 16: SECS.SIZE: a power of two, in bytes */
    uint64_t heap_size;              /* 24: HeapMaxSize, a multiple of the page size */
    uint64_t stack_size;             /* 32: StackMaxSize, a multiple of the page size */
    uint32_t tcs_count;              /* 40: TCSNum, at least 1 */
    uint32_t tcs_policy;             /* 44: TCSPolicy: CELLA_METADATA_TCS_POLICY_* */
    uint32_t ssa_frame_size;         /* 48: SECS.SSAFRAMESIZE in pages */
    uint32_t nssa;                   /* 52: TCS.NSSA: SSA frames per thread */
    sgx_misc_select_t misc_select;   /* 56: = sigstruct.misc_select */
    sgx_misc_select_t misc_mask;     /* 60: = sigstruct.misc_mask */
    sgx_attributes_t attributes;     /* 64: = sigstruct.attributes */
    sgx_attributes_t attribute_mask; /* 80: = sigstruct.attribute_mask */
    uint16_t isv_prod_id;            /* 96: ProdID = sigstruct.isv_prod_id */
    uint16_t isv_svn;                /* 98: ISVSVN = sigstruct.isv_svn */
    uint8_t disable_debug;           /* 100: DisableDebug: 1 when the mask forces DEBUG = 0 */
    uint8_t reserved[27];            /* 101: zero */
    cella_sigstruct_t sigstruct;     /* 128: the enclave's SIGSTRUCT */
} cella_enclave_metadata_t;

CELLA_STATIC_ASSERT(sizeof(cella_enclave_metadata_t) == CELLA_METADATA_BYTES,
                    "cella_enclave_metadata_t is 1936 bytes");
CELLA_STATIC_ASSERT(offsetof(cella_enclave_metadata_t, misc_select) == 56, "metadata.misc_select");
CELLA_STATIC_ASSERT(offsetof(cella_enclave_metadata_t, attributes) == 64, "metadata.attributes");
CELLA_STATIC_ASSERT(offsetof(cella_enclave_metadata_t, isv_prod_id) == 96, "metadata.isv_prod_id");
CELLA_STATIC_ASSERT(offsetof(cella_enclave_metadata_t, disable_debug) == 100,
                    "metadata.disable_debug");
CELLA_STATIC_ASSERT(offsetof(cella_enclave_metadata_t, sigstruct) == 128, "metadata.sigstruct");
CELLA_STATIC_ASSERT(CELLA_METADATA_BYTES <= CELLA_METADATA_NOTE_DESC_BYTES,
                    "the metadata fits the reserved note");

/*
 * Reads metadata from the data_size bytes at data (a note descriptor) into *metadata.
 * Checks, in order: data_size >= CELLA_METADATA_BYTES, magic, version, size, that the
 * reserved bytes and every byte after the structure are zero, and the measured
 * configuration: enclave_size a power of two of at least two pages, heap_size and
 * stack_size multiples of the page size, stack_size >= one page, tcs_count >= 1,
 * tcs_policy <= 1, ssa_frame_size in [1, CELLA_METADATA_SSA_FRAME_SIZE_MAX], nssa in
 * [1, CELLA_METADATA_NSSA_MAX], disable_debug 0 or 1. The SIGSTRUCT is copied, not
 * checked: cella_image_verify() does that.
 * Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT naming the failed check in the log;
 * CELLA_ERR_INVALID_ARGUMENT for NULL pointers. *metadata is written only on success.
 * Thread safe; usable in trusted code.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_metadata_parse(const void *data, size_t data_size,
                                                               cella_enclave_metadata_t *metadata);

/*
 * Writes *metadata at the start of the data_size bytes at data and zeroes the rest, as
 * `cella sign` fills the note descriptor. Writes the structure as given: magic, version and
 * size must already be set (cella_metadata_parse() checks them on the way back).
 * Returns CELLA_OK; CELLA_ERR_BUFFER_TOO_SMALL when data_size < CELLA_METADATA_BYTES (nothing
 * written); CELLA_ERR_INVALID_ARGUMENT for NULL pointers or overlapping buffers.
 * Thread safe; usable in trusted code.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_metadata_serialize(const cella_enclave_metadata_t *metadata, void *data, size_t data_size);

CELLA_EXTERN_C_END

#endif /* CELLA_METADATA_H */
