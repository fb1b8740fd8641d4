/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/trts.h: the trusted runtime's internal per-thread state. */
#ifndef CELLA_TRTS_H
#define CELLA_TRTS_H

#include <stddef.h>
#include <stdint.h>

#include <cella/layout.h>

#include "../../common/entry_abi.h"

/* Scratch space for the buffers of small, non-nested ECALLs: half for input, half for output. */
#define CELLA_TRTS_SCRATCH_BYTES 3584

/* One sgx_ocalloc allocation; the list lives in enclave memory, the block outside. */
struct trts_ocalloc {
    struct trts_ocalloc *next;
    void *block;
};

/* Output ranges a trusted bridge left where the function wrote them (cella_bridge_output_alias). */
#define CELLA_TRTS_OUTPUT_ALIASES 8

struct trts_output_alias {
    size_t offset; /* in the output */
    size_t size;
    const uint8_t *data; /* enclave memory: the [in, out] payload in the input copy */
};

/* The output of one ECALL while its bridge runs. */
struct trts_output {
    uint8_t *buffer; /* the private output buffer the bridge got */
    size_t size;
    const uint8_t *input; /* the private input copy: aliases point into it, nowhere else */
    size_t input_size;
    size_t end; /* aliases so far end here; the next starts at or after it */
    size_t alias_count;
    struct trts_output_alias alias[CELLA_TRTS_OUTPUT_ALIASES];
};

/*
 * What the runtime keeps per thread. It lives in the thread's thread-data page, right after
 * cella_thread_data_t: that page is measured as zeros beyond the structure, private to the
 * thread, and addressed by %fs.
 */
struct trts_thread {
    int errno_value;
    uint32_t is_set_up;   /* the thread's first entry has run */
    uint32_t ecall_depth; /* entries in progress on this thread (nested ones count) */
    uint32_t in_ocall;    /* 1 while the innermost entry waits for the host in an OCALL proper
                           * (not in its other exits: OCALL memory, platform requests) */
    uint32_t ocall_index; /* that OCALL, while in_ocall */
    uint32_t reserved;
    cella_entry_ops_t ops; /* of the innermost entry, copied and checked */
    void *context;         /* of the innermost entry */
    struct trts_ocalloc *ocalloc;
    uintptr_t wait_next;        /* the next thread on the sgx_thread queue this one waits in */
    struct trts_output *output; /* the innermost ECALL's output, while it runs */
    uint8_t scratch[CELLA_TRTS_SCRATCH_BYTES] __attribute__((aligned(16)));
};

_Static_assert(CELLA_THREAD_DATA_BYTES + sizeof(struct trts_thread) <= CELLA_PAGE_BYTES,
               "the runtime's thread state fits the thread-data page");

/* The calling thread's state (through %fs). */
struct trts_thread *cella_trts_current(void);

#endif /* CELLA_TRTS_H */
