/* SPDX-License-Identifier: Apache-2.0 */
/* cella/host.h: creating, calling and destroying enclaves from the untrusted host. */
#ifndef CELLA_HOST_H
#define CELLA_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * Where an enclave runs.
 *   sandbox  the default: the enclave runs in its own process with memfd_secret memory and
 *            a seccomp filter, measured and started by the cella monitor. Dev mode (the
 *            default): the host runtime starts one cella-monitor per enclave, as the same
 *            user; it finds the program in the environment variable CELLA_MONITOR when set,
 *            else next to the `cella` program of the build tree it was built in, else in
 *            <prefix>/libexec/cella/. Service mode: with a platform socket (the option
 *            below, or the environment variable CELLA_PLATFORM_SOCKET) the host asks the
 *            cella-platformd daemon listening there, which runs the enclave as its own user.
 *   sim      the image is mapped into the host process: for debugging, no isolation at all.
 * CELLA_BACKEND_DEFAULT takes the CELLA_BACKEND environment variable ("sandbox" or "sim")
 * when it is set, and the sandbox otherwise. A machine that cannot run the sandbox (no
 * memfd_secret, no seccomp filters) gets an error with the remedy, never the sim backend in
 * its place; `cella detect` tells beforehand.
 */
typedef enum cella_backend {
    CELLA_BACKEND_DEFAULT = 0,
    CELLA_BACKEND_SIM = 1,
    CELLA_BACKEND_SANDBOX = 2,
} cella_backend_t;

/*
 * Sandbox: how a side of a call that waits for the other (the host for an ECALL's end or an
 * OCALL, the enclave thread for its next request) first spins on the shared call slot before
 * it sleeps on a futex. Spinning answers in well under a microsecond but keeps a CPU busy;
 * sleeping costs a wake-up (tens of microseconds in a VM) but no CPU.
 *   CELLA_SPIN_DEFAULT  the CELLA_SPIN environment variable when set ("never" or 0, "always"
 *                       or -1, or a number of iterations), else CELLA_SPIN_DEFAULT_ITERATIONS
 *   CELLA_SPIN_NEVER    sleep at once: no CPU spent while idle (idle-heavy enclaves)
 *   CELLA_SPIN_ALWAYS   never sleep: the lowest latency, one busy CPU per waiting side,
 *                       each enclave thread included while it is idle; a spinning thread
 *                       yields its CPU now and then, so a machine with fewer CPUs than
 *                       spinning threads still makes progress (latency-critical enclaves)
 *   n > 0               n iterations of the CPU's `pause` (tens of nanoseconds each), then sleep
 */
#define CELLA_SPIN_DEFAULT            0
#define CELLA_SPIN_NEVER              (-1)
#define CELLA_SPIN_ALWAYS             (-2)
#define CELLA_SPIN_DEFAULT_ITERATIONS 4000

/* Options of cella_enclave_create(); zero-initialise, then set what you need. */
typedef struct cella_enclave_options {
    cella_backend_t backend;
    bool debug; /* create a debug enclave (SGX_DEBUG_FLAG); refused if signed DisableDebug=1 */
    /* Sandbox: the spin budget, CELLA_SPIN_* or a number of iterations (see above). */
    int64_t spin;
    /*
     * Sandbox: bytes of shared memory per TCS for each direction's call buffers: the input
     * and output of the ECALLs running on the TCS (nested ones included), and the OCALL
     * buffers and sgx_ocalloc() memory of the enclave. A call that does not fit fails with
     * SGX_ERROR_OUT_OF_MEMORY. 0: the CELLA_CALL_BUFFER_SIZE environment variable (bytes)
     * when set, else CELLA_CALL_BUFFER_DEFAULT_BYTES. Rounded up to whole pages. Memory is
     * only used when touched.
     */
    size_t call_buffer_size;
    /*
     * Sandbox: the Unix socket of a cella-platformd to run the enclave (service mode). NULL:
     * the CELLA_PLATFORM_SOCKET environment variable when set, else dev mode.
     */
    const char *platform_socket;
} cella_enclave_options_t;

#define CELLA_CALL_BUFFER_DEFAULT_BYTES ((size_t)4 << 20)

typedef struct cella_enclave cella_enclave_t;

/*
 * Loads, verifies and starts the signed enclave at path. The loader checks the SIGSTRUCT
 * signature and re-measures every page it maps, and refuses any mismatch; the log (see
 * cella/log.h) says which check failed. options may be NULL for the defaults.
 * On success *enclave is the new enclave (destroy it with cella_enclave_destroy()).
 * Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_NOT_FOUND or CELLA_ERR_IO (the
 * file); CELLA_ERR_INVALID_FORMAT or CELLA_ERR_VERIFY_FAILED (the image);
 * CELLA_ERR_UNSUPPORTED (the backend cannot run here: the log gives the remedy);
 * CELLA_ERR_OUT_OF_MEMORY. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_enclave_create(
    const char *path, const cella_enclave_options_t *options, cella_enclave_t **enclave);

/*
 * Destroys an enclave: new calls are refused at once, calls in flight on other threads are
 * waited for, then its memory is wiped and released. NULL is a no-op. Must not be called
 * from inside one of the enclave's own OCALLs.
 */
CELLA_API void cella_enclave_destroy(cella_enclave_t *enclave);

/* The enclave's id, the value generated ECALL proxies take as sgx_enclave_id_t. */
CELLA_API uint64_t cella_enclave_get_id(const cella_enclave_t *enclave);

/* The enclave with this id, or NULL. The pointer is valid until the enclave is destroyed. */
CELLA_API cella_enclave_t *cella_enclave_from_id(uint64_t enclave_id);

CELLA_EXTERN_C_END

#endif /* CELLA_HOST_H */
