/* SPDX-License-Identifier: Apache-2.0 */
/* host/enclave.h: the host runtime's enclave object, shared by the backends (internal). */
#ifndef CELLA_HOST_ENCLAVE_H
#define CELLA_HOST_ENCLAVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/bridge.h>
#include <cella/host.h>
#include <cella/image_verify.h>
#include <sgx_error.h>

struct cella_enclave;
struct host_call;

/* A backend: where and how the enclave image runs. */
struct host_backend {
    const char *name;
    /* Loads the verified image into e (e->info is filled); sets e->backend_state. */
    sgx_status_t (*load)(struct cella_enclave *e);
    /* Runs ECALL `index` of `call` on the call's TCS, serving OCALLs on this thread. */
    sgx_status_t (*ecall)(struct cella_enclave *e, struct host_call *call, uint32_t index);
    /* Releases everything load created; no call is in flight. */
    void (*unload)(struct cella_enclave *e);
    /*
     * Optional: puts the buffers of `call` (size bytes, 16-aligned; call->tcs is set) where the
     * enclave can reach them, in call->buffer, and may keep a mark in call->buffer_mark.
     * Returns SGX_SUCCESS or SGX_ERROR_OUT_OF_MEMORY. NULL: the host runtime's own buffers
     * (a cache per TCS, or the heap).
     */
    sgx_status_t (*buffer_get)(struct cella_enclave *e, struct host_call *call, size_t size);
    /* Releases what buffer_get gave; calls on a TCS release in the reverse order of get. */
    void (*buffer_release)(struct cella_enclave *e, struct host_call *call);
    /*
     * Optional: in the child of a fork, in the fork's child handler (async-signal-safe calls
     * only): lets go of what the parent's enclave must not share with the child, without
     * touching the enclave itself (no shutdown, no signal).
     */
    void (*forget_in_child)(struct cella_enclave *e);
};

/* A payload the backend copies itself during the call, between the caller and the buffers. */
struct host_stream {
    size_t offset; /* in the input (stream_in) or the output (stream_out) */
    size_t size;
    const uint8_t *from; /* stream_in: the caller's payload */
    uint8_t *to;         /* stream_out: the caller's buffer */
};

#define HOST_STREAMS_MAX 4

extern const struct host_backend cella_host_backend_sim;
extern const struct host_backend cella_host_backend_sandbox;

/* One ECALL in flight: what cella_bridge_call_t.runtime points to. */
struct host_call {
    struct cella_enclave *enclave;
    struct host_tcs *tcs;
    struct host_call *outer; /* the call this thread made before (a chain per thread) */
    const cella_ocall_table_t *ocall_table;
    bool is_nested;           /* made from an OCALL of the same enclave, on its TCS */
    bool in_ocall;            /* an OCALL of this call is running on the host */
    bool buffer_allocated;    /* the buffers are ours to free (not the TCS cache) */
    bool buffer_from_backend; /* the backend's buffer_get gave them */
    bool record_allocated;    /* this record is ours to free */
    uint8_t *buffer;          /* input at 0, output at out_offset */
    size_t in_size;
    size_t out_size;
    size_t out_offset;
    size_t buffer_mark; /* the backend's bookkeeping for its buffers */
    /* Streamed payloads in ascending offset order (cella_ecall_put_payload/get_payload).
     * Keep them last: cella_ecall_begin clears a record up to stream_in only. */
    uint32_t stream_in_count;
    uint32_t stream_out_count;
    struct host_stream stream_in[HOST_STREAMS_MAX];
    struct host_stream stream_out[HOST_STREAMS_MAX];
};

/* One TCS of an enclave, as the host sees it. */
struct host_tcs {
    atomic_int busy; /* a root ECALL holds it */
    uint32_t index;
    void *backend_state; /* the backend's per-TCS data */
    uint8_t *buffer;     /* cached call buffer for root ECALLs */
    size_t buffer_size;
    struct host_call root_call; /* the record of the root ECALL that holds this TCS */
};

struct cella_enclave {
    uint64_t id;            /* sgx_enclave_id_t */
    _Atomic uint64_t state; /* generation, OPEN, CLOSING and calls in flight */
    atomic_int crashed;
    atomic_int lost;      /* the platform lost it (sandbox: the monitor stopped) */
    atomic_int inherited; /* this process is a fork of the one that created it (SGX: lost) */
    unsigned host_events; /* sgx_thread events it has in host/tstdc.c's table (its lock) */
    const struct host_backend *backend;
    /* Payloads of at least this many bytes are streamed (host_call.stream_in/stream_out):
     * the backend's ecall copies them while the enclave works; 0: never. Set by the
     * backend's load. */
    size_t stream_min_bytes;
    bool debug;
    cella_enclave_options_t options; /* as created, for the backend */
    const char *path;                /* the enclave file; valid during load only */
    uint8_t *file;                   /* the enclave file, read once; info points into it */
    size_t file_size;
    cella_image_info_t info; /* the verified image */
    uint32_t tcs_count;
    struct host_tcs *tcs;
    void *backend_state;
    pthread_mutex_t lock; /* for destroy's wait */
    pthread_cond_t idle;
};

/* The innermost ECALL this thread is in, or NULL. */
struct host_call *cella_host_current_call(void);

/* Marks e crashed: every later ECALL fails with SGX_ERROR_ENCLAVE_CRASHED. */
void cella_host_mark_crashed(struct cella_enclave *e);

/* Marks e lost: every later ECALL fails with SGX_ERROR_ENCLAVE_LOST. */
void cella_host_mark_lost(struct cella_enclave *e);

/* Serves OCALL `index` of the call's table, or a built-in one. Returns an sgx_status_t. */
int32_t cella_host_dispatch_ocall(struct host_call *call, uint32_t index, const uint8_t *in,
                                  size_t in_size, uint8_t *out, size_t out_size);

/* Sends log lines to stderr until the application installs a handler (once per process). */
void cella_host_log_init(void);

#endif /* CELLA_HOST_ENCLAVE_H */
