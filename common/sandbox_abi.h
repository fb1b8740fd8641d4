/* SPDX-License-Identifier: Apache-2.0 */
/* common/sandbox_abi.h: the shared untrusted region between a host and its sandboxed enclave. */
#ifndef CELLA_COMMON_SANDBOX_ABI_H
#define CELLA_COMMON_SANDBOX_ABI_H

#include <stddef.h>
#include <stdint.h>

/*
 * The sandbox backend runs an enclave in its own process (cella-enclave). The host and that
 * process share one region of untrusted memory, a sealed memfd that the host creates and
 * maps at some address A; the enclave process maps it at the same address A, so a pointer
 * into the region means the same thing on both sides. Nothing else is shared.
 *
 *   offset 0                     cella_sandbox_header_t (one page)
 *   CELLA_SANDBOX_SLOTS_OFFSET   tcs_count call slots (cella_sandbox_slot_t), whole pages
 *   header.arenas_offset         per TCS t, in order: its ECALL arena, then its OCALL arena,
 *                                header.arena_size bytes each (whole pages)
 *
 * The ECALL arena of a TCS holds the input and output buffers of the ECALLs running on it
 * (the host allocates them, last in first out, nested ECALLs above the ECALL they are nested
 * in). Its OCALL arena holds OCALL buffers and sgx_ocalloc() memory (the enclave process
 * allocates them, last in first out).
 *
 * Everything in the region is untrusted for the enclave: the enclave process reads each slot
 * field once, checks every buffer the host names against the TCS's ECALL arena, and keeps its
 * own bookkeeping (arena tops, OCALL blocks, requests and the entry's operations) in private
 * memory.
 *
 * A call slot is a small state machine on one 32-bit futex word, `state`:
 *
 *   host    writes command, index, in/out           state = ECALL_REQUEST
 *   enclave runs it; for an OCALL writes index, in/out    state = OCALL_REQUEST
 *   host    runs the OCALL, writes status           state = OCALL_DONE
 *           (or, from inside that OCALL, a nested ECALL: state = ECALL_REQUEST again)
 *   enclave finishes the ECALL, writes status       state = ECALL_DONE
 *
 * The waiting side spins for a budget of `pause` iterations (or for ever, yielding its CPU now
 * and then), then sleeps: it sets its
 * `*_waiting` word, re-reads the state and calls FUTEX_WAIT on `state`. The side that changes
 * `state` reads the other side's `*_waiting` word afterwards and calls FUTEX_WAKE when it is
 * set. Both sides use sequentially consistent accesses for this pair, so a wake-up is never
 * lost. When the enclave process is gone, the host ORs CELLA_SANDBOX_STATE_DEAD into every
 * slot's state and wakes it, which ends every wait on the host side.
 */

#define CELLA_SANDBOX_MAGIC       0x78626473616c6c65ull /* "ellasdbx", little-endian */
#define CELLA_SANDBOX_ABI_VERSION 2u /* 2: streamed calls (slot fields stream, in/out_ready) */

#define CELLA_SANDBOX_PAGE_BYTES   4096u
#define CELLA_SANDBOX_SLOTS_OFFSET CELLA_SANDBOX_PAGE_BYTES
#define CELLA_SANDBOX_SLOT_BYTES   128u
#define CELLA_SANDBOX_TCS_MAX      1024u /* threads (TCS) of one sandboxed enclave */

/* Slot states (the futex word). */
#define CELLA_SANDBOX_STATE_IDLE          0u
#define CELLA_SANDBOX_STATE_ECALL_REQUEST 1u /* host -> enclave: run command/index with in/out */
#define CELLA_SANDBOX_STATE_ECALL_DONE    2u /* enclave -> host: status is the ECALL's result */
#define CELLA_SANDBOX_STATE_OCALL_REQUEST 3u /* enclave -> host: run OCALL index with in/out */
#define CELLA_SANDBOX_STATE_OCALL_DONE    4u /* host -> enclave: status is the OCALL's result */
#define CELLA_SANDBOX_STATE_DEAD          0x80000000u /* host only: the enclave process is gone */

/*
 * Streamed ECALLs. A large payload is copied while the other side is already at work: with
 * STREAM_IN the host posts ECALL_REQUEST before its large input payloads are in place and
 * publishes in `in_ready` (release) how many bytes of the input, from the start, are written;
 * the enclave copies them in as they come, never reads a byte twice and never past in_size,
 * and runs the call once all in_size bytes are in. With STREAM_OUT the enclave publishes in
 * `out_ready` how many bytes of the output it has written, so the host copies them to the
 * caller while the rest follows; ECALL_DONE still ends the call. The host sets out_ready to 0
 * before it posts ECALL_REQUEST or OCALL_DONE. Payloads of CELLA_SANDBOX_STREAM_MIN_BYTES and
 * more stream, in pieces of CELLA_ENTRY_STREAM_CHUNK_BYTES (common/entry_abi.h).
 */
#define CELLA_SANDBOX_STREAM_IN        1u
#define CELLA_SANDBOX_STREAM_OUT       2u
#define CELLA_SANDBOX_STREAM_MIN_BYTES (64u * 1024u)

/* The spin budget: pause iterations before sleeping; these two values are special. */
#define CELLA_SANDBOX_SPIN_NEVER  0
#define CELLA_SANDBOX_SPIN_ALWAYS (-1)
/* A side that always spins yields its CPU every this many iterations (sched_yield), so more
 * spinning threads than CPUs still let the other side run. */
#define CELLA_SANDBOX_SPIN_YIELD_INTERVAL 256u

/* The region's first page, written by the host before the enclave process starts. The
 * enclave process reads it once and never writes it. */
typedef struct cella_sandbox_header {
    uint64_t magic;         /* CELLA_SANDBOX_MAGIC */
    uint32_t version;       /* CELLA_SANDBOX_ABI_VERSION */
    uint32_t tcs_count;     /* slots, and arena pairs */
    uint64_t region_size;   /* bytes of the whole region */
    uint64_t arenas_offset; /* the first ECALL arena */
    uint64_t arena_size;    /* bytes of each arena, a multiple of the page size */
    int64_t spin;           /* the enclave side's spin budget (CELLA_SANDBOX_SPIN_* or > 0) */
} cella_sandbox_header_t;

/* One call slot per TCS. Fields other than the three futex words are plain data, written
 * before the state change that publishes them and read after the state change is seen. */
typedef struct cella_sandbox_slot {
    uint32_t state;           /* CELLA_SANDBOX_STATE_*; the futex word */
    uint32_t host_waiting;    /* 1 while the host thread may sleep on state */
    uint32_t enclave_waiting; /* 1 while the enclave thread may sleep on state */
    uint32_t command;         /* ECALL_REQUEST: CELLA_ENTRY_INIT or CELLA_ENTRY_ECALL */
    uint32_t index;           /* ECALL_REQUEST: the ECALL; OCALL_REQUEST: the OCALL */
    int32_t status;           /* ECALL_DONE / OCALL_DONE: an sgx_status_t */
    uint64_t in;              /* buffer addresses (valid in both processes) and sizes */
    uint64_t in_size;
    uint64_t out;
    uint64_t out_size;
    uint32_t stream; /* ECALL_REQUEST: CELLA_SANDBOX_STREAM_* */
    uint32_t reserved0;
    /* Streamed ECALLs; on the slot's second cache line, away from the state word. */
    uint64_t in_ready;  /* host -> enclave: bytes of the input written so far */
    uint64_t out_ready; /* enclave -> host: bytes of the output written so far */
    uint8_t reserved[CELLA_SANDBOX_SLOT_BYTES - 80];
} cella_sandbox_slot_t;

_Static_assert(sizeof(cella_sandbox_header_t) <= CELLA_SANDBOX_PAGE_BYTES,
               "the sandbox header fits its page");
_Static_assert(sizeof(cella_sandbox_slot_t) == CELLA_SANDBOX_SLOT_BYTES,
               "a sandbox slot is 128 bytes (two cache lines)");
_Static_assert(offsetof(cella_sandbox_slot_t, in) == 24, "slot buffers at 24");
_Static_assert(offsetof(cella_sandbox_slot_t, in_ready) == 64, "progress on the second line");

#endif /* CELLA_COMMON_SANDBOX_ABI_H */
