/* SPDX-License-Identifier: Apache-2.0 */
/* common/entry_abi.h: how untrusted code enters an enclave image and how the enclave calls out. */
#ifndef CELLA_COMMON_ENTRY_ABI_H
#define CELLA_COMMON_ENTRY_ABI_H

#include <stddef.h>
#include <stdint.h>

#include <cella/layout.h>

/*
 * An enclave image has one entry point, its ELF e_entry, which is also TCS.OENTRY:
 *
 *     int32_t cella_enclave_entry(cella_thread_data_t *thread_data,
 *                                 const cella_entry_request_t *request);
 *
 * The caller (a backend's untrusted side: the in-process "sim" switcher, or the enclave
 * process of the sandbox backend) calls it on the thread's own enclave stack (the top is
 * base + thread_data->stack_top_offset) with %fs pointing at thread_data, as EENTER would
 * arrange from the TCS. The return value is an sgx_status_t.
 *
 * Everything the request points to is untrusted: the trusted runtime copies the request
 * once, checks that every buffer and function pointer lies outside the enclave, and copies
 * the buffers in before it uses them. The enclave reaches the outside world only through
 * the functions in cella_entry_ops_t, which run outside the enclave.
 */

/* A streamed call's data moves in pieces of this size, and its progress after each. */
#define CELLA_ENTRY_STREAM_CHUNK_BYTES (32u * 1024u)

/*
 * The version of this interface a trusted runtime implements. CELLA_ENTRY_INIT with an output
 * of at least 4 bytes gets it written there (uint32_t); a runtime that leaves the output
 * alone is version 1, which knows no streamed calls (in_ready and out_ready), so a backend
 * must not stream to it.
 */
#define CELLA_ENTRY_ABI_VERSION 2u

/* Commands of cella_entry_request_t. */
#define CELLA_ENTRY_INIT  1u /* once per enclave, first: relocate the image, set up globals */
#define CELLA_ENTRY_ECALL 2u /* run ECALL `index` of the bridge's table */

/*
 * OCALL indices from CELLA_OCALL_BUILTIN up are the runtime's own, served by the untrusted
 * runtime itself rather than by the application's OCALL table.
 */
#define CELLA_OCALL_BUILTIN       0xffff0000u
#define CELLA_OCALL_BUILTIN_PRINT (CELLA_OCALL_BUILTIN + 0u) /* in: text bytes; out: none */

/*
 * Requests of cella_entry_ops_t.platform: what SGX's CPU answers for an enclave (EGETKEY,
 * EREPORT), answered by the party that plays the CPU from the identity it measured at load.
 * Both buffers are enclave memory; the sizes are exact.
 */
#define CELLA_PLATFORM_GET_KEY       1u /* in: sgx_key_request_t; out: sgx_key_128bit_t */
#define CELLA_PLATFORM_CREATE_REPORT 2u /* in: cella_platform_report_in_t; out: sgx_report_t */

/* The input of CELLA_PLATFORM_CREATE_REPORT (EREPORT's TARGETINFO and REPORTDATA). */
typedef struct cella_platform_report_in {
    uint8_t target_info[512]; /* sgx_target_info_t */
    uint8_t report_data[64];  /* sgx_report_data_t */
} cella_platform_report_in_t;

/* What the untrusted side offers the enclave. All functions run outside the enclave. */
typedef struct cella_entry_ops {
    /*
     * Runs OCALL `index` (an index of the ECALL's OCALL table, or a built-in) with the
     * buffers from ocall_alloc. Returns an sgx_status_t.
     */
    int32_t (*ocall)(void *context, uint32_t index, const uint8_t *in, size_t in_size, uint8_t *out,
                     size_t out_size);
    /* Untrusted memory for OCALL buffers and sgx_ocalloc; NULL when exhausted. 16-aligned. */
    void *(*ocall_alloc)(void *context, size_t size);
    /* Releases memory from ocall_alloc. */
    void (*ocall_free)(void *context, void *memory);
    /*
     * Called once the enclave has marked itself crashed (abort, failed assertion, stack
     * smashing, heap corruption). Does not return: the untrusted side unwinds the ECALL and
     * reports SGX_ERROR_ENCLAVE_CRASHED.
     */
    void (*crash)(void *context) __attribute__((noreturn));
    /*
     * Serves a CELLA_PLATFORM_* request for this enclave. Unlike the other functions it is
     * part of the platform, not the host: the sandbox's enclave process asks the monitor, the
     * sim backend answers in-process. Returns an sgx_status_t.
     */
    int32_t (*platform)(void *context, uint32_t request, const void *in, size_t in_size, void *out,
                        size_t out_size);
} cella_entry_ops_t;

typedef struct cella_entry_request {
    uint32_t command;  /* CELLA_ENTRY_* */
    uint32_t index;    /* ECALL index for CELLA_ENTRY_ECALL */
    const uint8_t *in; /* ECALL input (cella/bridge.h), untrusted */
    size_t in_size;
    uint8_t *out; /* ECALL output, untrusted */
    size_t out_size;
    const cella_entry_ops_t *ops; /* untrusted functions */
    void *context;                /* passed back to every ops function */
    /*
     * CELLA_ENTRY_INIT only: the untrusted memory enclave code may use, the region shared
     * with the host (the sandbox's call slots and arenas). When set, sgx_is_outside_enclave()
     * is true only inside it, so a [user_check] pointer cannot reach the backend's own
     * memory. Size 0: every address outside the enclave counts (sim).
     */
    const uint8_t *untrusted_base;
    size_t untrusted_size;
    /*
     * Entry ABI 2 and later (fields are only ever added at the end). CELLA_ENTRY_ECALL,
     * sandbox only, NULL otherwise: in_ready, an untrusted word that says how many bytes of
     * the input, from its start, are in place while the call starts (read with acquire;
     * values past in_size count as in_size); out_ready, where the runtime stores with release
     * how many bytes of the output it has written out so far.
     */
    const uint64_t *in_ready;
    uint64_t *out_ready;
} cella_entry_request_t;

typedef int32_t (*cella_enclave_entry_t)(cella_thread_data_t *thread_data,
                                         const cella_entry_request_t *request);

#endif /* CELLA_COMMON_ENTRY_ABI_H */
