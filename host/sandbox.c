/* SPDX-License-Identifier: Apache-2.0 */
/* host/sandbox.c: the "sandbox" backend: each enclave in its own process, started by cella-monitor.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cella/host.h>

#include "../common/entry_abi.h"
#include "../common/log_internal.h"
#include "../common/sandbox_abi.h"
#include "../monitor/protocol.h"
#include "enclave.h"
#include "keys.h"

/* How long creating an enclave may wait for the monitor or cella-platformd to load it, and
 * destroy for the monitor to stop by itself (each normally takes milliseconds). */
#define LOAD_TIMEOUT_SECONDS   120
#define UNLOAD_TIMEOUT_SECONDS 10

/*
 * The enclave runs in its own process; this file is the host's side of it.
 *
 * load: creates the shared region (a sealed memfd, mapped here at an address A), starts
 *   cella-monitor from a watcher thread with a socket to it, and sends it the enclave file
 *   and the region. The monitor verifies and measures the image into memfd_secret memory and
 *   starts the enclave process, which maps the region at the same address A and waits on
 *   one call slot per TCS (common/sandbox_abi.h). Then INIT goes through TCS 0's slot.
 * ecall: the call's buffers already sit in its TCS's ECALL arena (buffer_get); the request
 *   goes into the slot, and this thread waits, serving the OCALLs that come back on the same
 *   slot (and the nested ECALLs they make) until the ECALL is done.
 * The watcher thread: spawns the monitor, so that the monitor's PR_SET_PDEATHSIG follows a
 *   thread that lives exactly as long as the enclave; relays the monitor's log; and when the
 *   enclave process ends (the monitor says so) marks the enclave crashed, or when the
 *   monitor itself ends (its socket closes) marks it lost, waking every waiting call.
 * unload: closes the socket; the monitor kills the enclave process and exits; the watcher
 *   reaps it.
 *
 * Lifecycle: the host dying closes the socket (the monitor kills the enclave process) and
 * kills the monitor through PR_SET_PDEATHSIG; the enclave process has PR_SET_PDEATHSIG on
 * the monitor. Destroying an enclave waits for the calls in flight (cella_enclave_destroy);
 * a call in flight when the enclave process or the monitor stops returns
 * SGX_ERROR_ENCLAVE_CRASHED or SGX_ERROR_ENCLAVE_LOST at once.
 */

#define REGION_MAX_BYTES      ((size_t)1 << 36) /* 64 GiB of shared memory at most */
#define CALL_BUFFER_MIN_BYTES ((size_t)64 << 10)
/* Where the shared region goes: away from where the kernel puts the enclave process's own
 * executable, libraries, heap and stacks, so the same address is free there too. */
#define REGION_AREA_START ((uintptr_t)0x200000000000ull)
#define REGION_AREA_END   ((uintptr_t)0x400000000000ull)
#if defined(__SANITIZE_THREAD__)
#define REGION_PLACEMENT_TRIES 0 /* ThreadSanitizer keeps that area for its shadow memory */
#else
#define REGION_PLACEMENT_TRIES 16
#endif

struct sandbox_tcs {
    cella_sandbox_slot_t *slot;
    uint8_t *ecall_arena;
    uint8_t *ocall_arena;
    size_t ecall_top; /* last in, first out; only the thread holding the TCS touches it */
};

union monitor_message {
    uint32_t type;
    cella_monitor_log_t log;
    cella_monitor_ready_t ready;
    cella_monitor_failed_t failed;
    cella_monitor_enclave_exited_t exited;
};

struct sandbox_state {
    struct cella_enclave *enclave;
    char platform_socket[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* service mode; "" dev */
    uint64_t id;
    uint8_t *region;
    size_t region_size;
    size_t arena_size;
    int region_fd;
    int file_fd;
    struct sandbox_tcs *tcs;
    uint32_t tcs_count;
    int64_t spin;          /* CELLA_SANDBOX_SPIN_* or iterations */
    int socket_fd;         /* ours */
    int monitor_socket_fd; /* the monitor's, until it has it */
    pid_t monitor_pid;
    int monitor_pidfd;
    pthread_t watcher;
    bool watcher_started;
    atomic_int dead; /* 0, SGX_ERROR_ENCLAVE_CRASHED or SGX_ERROR_ENCLAVE_LOST */
    atomic_bool stopping;
    pthread_mutex_t lock;
    pthread_cond_t loaded;
    bool load_done;
    sgx_status_t load_status;
    cella_monitor_ready_t ready;
};

/* ---- waiting on a slot --------------------------------------------------------------------- */

static void futex_wait(uint32_t *word, uint32_t value)
{
    (void)syscall(SYS_futex, word, FUTEX_WAIT, value, NULL, NULL, 0);
}

static void futex_wake(uint32_t *word)
{
    (void)syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static inline void cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

static bool is_dead(struct sandbox_state *s, uint32_t state)
{
    return (state & CELLA_SANDBOX_STATE_DEAD) != 0 ||
           atomic_load_explicit(&s->dead, memory_order_relaxed) != 0;
}

/* A streamed output while the host waits: what the enclave has written is copied on. */
struct out_progress {
    const struct host_call *call;
    const uint8_t *out;
    size_t copied; /* output bytes copied to the caller's buffers (or not wanted there) */
};

/* Copies to the caller the parts of its buffers that lie in output bytes [copied, ready). */
static void out_progress_copy(struct out_progress *p, size_t ready)
{
    for (uint32_t i = 0; i < p->call->stream_out_count; i++) {
        const struct host_stream *range = &p->call->stream_out[i];
        size_t start = range->offset > p->copied ? range->offset : p->copied;
        size_t end = range->offset + range->size < ready ? range->offset + range->size : ready;
        if (start < end)
            memcpy(range->to + (start - range->offset), p->out + start, end - start);
    }
    p->copied = ready;
}

/* Spinning only: the enclave has written more of a streamed output; copy it on. */
static bool out_progress_poll(struct out_progress *p, cella_sandbox_slot_t *slot)
{
    uint64_t ready = __atomic_load_n(&slot->out_ready, __ATOMIC_ACQUIRE);
    if (ready > p->call->out_size)
        ready = p->call->out_size;
    if (ready <= p->copied)
        return false;
    out_progress_copy(p, (size_t)ready);
    return true;
}

/*
 * Waits until the slot's state is `first` or `second` (spinning first, then sleeping; see
 * common/sandbox_abi.h), or the enclave is gone: then returns CELLA_SANDBOX_STATE_DEAD.
 * With `progress`, a streamed output is copied on while the host spins.
 */
static uint32_t slot_wait(struct sandbox_state *s, cella_sandbox_slot_t *slot, uint32_t first,
                          uint32_t second, struct out_progress *progress)
{
    uint32_t state;

    for (int64_t i = 1; s->spin == CELLA_SANDBOX_SPIN_ALWAYS || i <= s->spin; i++) {
        state = __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE);
        if (state == first || state == second)
            return state;
        if (is_dead(s, state))
            return CELLA_SANDBOX_STATE_DEAD;
        if (progress != NULL && out_progress_poll(progress, slot)) {
            i = 0; /* the enclave is busy writing: the spin budget starts again */
            continue;
        }
        cpu_relax();
        if (s->spin == CELLA_SANDBOX_SPIN_ALWAYS && i % CELLA_SANDBOX_SPIN_YIELD_INTERVAL == 0) {
            /* More spinning threads than CPUs must still let the other side run. */
            sched_yield();
            i = 0;
        }
    }
    for (;;) {
        __atomic_store_n(&slot->host_waiting, 1, __ATOMIC_SEQ_CST);
        state = __atomic_load_n(&slot->state, __ATOMIC_SEQ_CST);
        if (state == first || state == second) {
            __atomic_store_n(&slot->host_waiting, 0, __ATOMIC_RELAXED);
            return state;
        }
        if (is_dead(s, state)) {
            __atomic_store_n(&slot->host_waiting, 0, __ATOMIC_RELAXED);
            return CELLA_SANDBOX_STATE_DEAD;
        }
        futex_wait(&slot->state, state);
        __atomic_store_n(&slot->host_waiting, 0, __ATOMIC_RELAXED);
    }
}

/* Publishes a new state and wakes the enclave thread if it may be asleep. */
static void slot_post(cella_sandbox_slot_t *slot, uint32_t state)
{
    __atomic_store_n(&slot->state, state, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&slot->enclave_waiting, __ATOMIC_SEQ_CST) != 0)
        futex_wake(&slot->state);
}

/* Ends every wait on the enclave's slots, now and later. */
static void mark_dead(struct sandbox_state *s, int status)
{
    int expected = 0;

    if (!atomic_compare_exchange_strong(&s->dead, &expected, status))
        return;
    for (uint32_t t = 0; t < s->tcs_count; t++) {
        cella_sandbox_slot_t *slot = s->tcs[t].slot;
        __atomic_fetch_or(&slot->state, CELLA_SANDBOX_STATE_DEAD, __ATOMIC_SEQ_CST);
        futex_wake(&slot->state);
    }
}

/* ---- calls ----------------------------------------------------------------------------------- */

static bool in_arena(const struct sandbox_state *s, const uint8_t *arena, uint64_t address,
                     uint64_t size)
{
    uint64_t start = (uint64_t)(uintptr_t)arena;

    if (size == 0)
        return true;
    return address >= start && size <= s->arena_size && address - start <= s->arena_size - size;
}

/* Runs the OCALL the enclave put in the slot, on this thread, and answers it. */
static void serve_ocall(struct sandbox_state *s, struct sandbox_tcs *tcs, struct host_call *call)
{
    cella_sandbox_slot_t *slot = tcs->slot;
    uint32_t index = __atomic_load_n(&slot->index, __ATOMIC_RELAXED);
    uint64_t in = __atomic_load_n(&slot->in, __ATOMIC_RELAXED);
    uint64_t in_size = __atomic_load_n(&slot->in_size, __ATOMIC_RELAXED);
    uint64_t out = __atomic_load_n(&slot->out, __ATOMIC_RELAXED);
    uint64_t out_size = __atomic_load_n(&slot->out_size, __ATOMIC_RELAXED);
    int32_t status;

    if (!in_arena(s, tcs->ocall_arena, in, in_size) ||
        !in_arena(s, tcs->ocall_arena, out, out_size)) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave %#llx asked for OCALL %u with buffers outside its "
                  "OCALL memory; refused",
                  (unsigned long long)s->id, index);
        status = SGX_ERROR_INVALID_PARAMETER;
    } else {
        call->in_ocall = true;
        status = cella_host_dispatch_ocall(
            call, index, in_size != 0 ? (const uint8_t *)(uintptr_t)in : NULL, (size_t)in_size,
            out_size != 0 ? (uint8_t *)(uintptr_t)out : NULL, (size_t)out_size);
        call->in_ocall = false;
    }
    __atomic_store_n(&slot->status, status, __ATOMIC_RELAXED);
    /* A nested ECALL may have streamed its output through this slot; the outer one has not. */
    __atomic_store_n(&slot->out_ready, 0, __ATOMIC_RELAXED);
    slot_post(slot, CELLA_SANDBOX_STATE_OCALL_DONE);
}

/*
 * Copies the streamed input payloads into the input buffer, publishing after each piece how
 * much of the input, from its start, is in place (the rest was written before the post).
 */
static void stream_input(const struct host_call *call, cella_sandbox_slot_t *slot)
{
    for (uint32_t i = 0; i < call->stream_in_count; i++) {
        const struct host_stream *range = &call->stream_in[i];
        for (size_t done = 0; done < range->size;) {
            size_t piece = range->size - done;
            if (piece > CELLA_ENTRY_STREAM_CHUNK_BYTES)
                piece = CELLA_ENTRY_STREAM_CHUNK_BYTES;
            memcpy(call->buffer + range->offset + done, range->from + done, piece);
            done += piece;
            __atomic_store_n(&slot->in_ready, (uint64_t)(range->offset + done), __ATOMIC_RELEASE);
        }
    }
    __atomic_store_n(&slot->in_ready, (uint64_t)call->in_size, __ATOMIC_RELEASE);
}

static sgx_status_t run_call(struct sandbox_state *s, struct host_call *call, uint32_t command,
                             uint32_t index)
{
    struct sandbox_tcs *tcs = &s->tcs[call->tcs->index];
    cella_sandbox_slot_t *slot = tcs->slot;
    uint64_t in = 0, out = 0;

    int dead = atomic_load(&s->dead);
    if (dead != 0)
        return (sgx_status_t)dead;
    if (call->buffer != NULL) {
        in = (uint64_t)(uintptr_t)call->buffer;
        out = (uint64_t)(uintptr_t)(call->buffer + call->out_offset);
    }
    __atomic_store_n(&slot->command, command, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->index, index, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->in, in, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->in_size, (uint64_t)call->in_size, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->out, out, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->out_size, (uint64_t)call->out_size, __ATOMIC_RELAXED);

    /* Streamed payloads: the input up to the first one is in place; the output not yet. */
    uint32_t stream = 0;
    uint64_t in_ready = call->in_size;
    struct out_progress progress = {call, call->buffer + call->out_offset, 0};
    if (call->stream_in_count != 0) {
        stream |= CELLA_SANDBOX_STREAM_IN;
        in_ready = call->stream_in[0].offset;
    }
    if (call->stream_out_count != 0)
        stream |= CELLA_SANDBOX_STREAM_OUT;
    __atomic_store_n(&slot->stream, stream, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->in_ready, in_ready, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->out_ready, 0, __ATOMIC_RELAXED);
    slot_post(slot, CELLA_SANDBOX_STATE_ECALL_REQUEST);
    if (stream & CELLA_SANDBOX_STREAM_IN)
        stream_input(call, slot);

    for (;;) {
        uint32_t state =
            slot_wait(s, slot, CELLA_SANDBOX_STATE_ECALL_DONE, CELLA_SANDBOX_STATE_OCALL_REQUEST,
                      (stream & CELLA_SANDBOX_STREAM_OUT) ? &progress : NULL);
        if (state == CELLA_SANDBOX_STATE_DEAD)
            return (sgx_status_t)atomic_load(&s->dead);
        if (state == CELLA_SANDBOX_STATE_ECALL_DONE) {
            sgx_status_t status = (sgx_status_t)__atomic_load_n(&slot->status, __ATOMIC_RELAXED);
            /* All of the output is in place now: the rest goes to the caller. */
            if (status == SGX_SUCCESS && (stream & CELLA_SANDBOX_STREAM_OUT))
                out_progress_copy(&progress, call->out_size);
            return status;
        }
        serve_ocall(s, tcs, call);
    }
}

static sgx_status_t ecall(struct cella_enclave *e, struct host_call *call, uint32_t index)
{
    return run_call(e->backend_state, call, CELLA_ENTRY_ECALL, index);
}

/* ECALL buffers: the TCS's ECALL arena, last in, first out (nested calls sit above). */
static sgx_status_t buffer_get(struct cella_enclave *e, struct host_call *call, size_t size)
{
    struct sandbox_state *s = e->backend_state;
    struct sandbox_tcs *tcs = &s->tcs[call->tcs->index];
    size_t start = (tcs->ecall_top + 15u) & ~(size_t)15u;

    if (start > s->arena_size || size > s->arena_size - start) {
        cella_log(CELLA_LOG_ERROR,
                  "an ECALL of enclave %#llx needs %zu bytes of call buffers, more than the %zu "
                  "left of its %zu per TCS: raise cella_enclave_options_t.call_buffer_size or "
                  "CELLA_CALL_BUFFER_SIZE",
                  (unsigned long long)s->id, size,
                  start > s->arena_size ? (size_t)0 : s->arena_size - start, s->arena_size);
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    call->buffer_mark = tcs->ecall_top;
    call->buffer = tcs->ecall_arena + start;
    tcs->ecall_top = start + size;
    return SGX_SUCCESS;
}

static void buffer_release(struct cella_enclave *e, struct host_call *call)
{
    struct sandbox_state *s = e->backend_state;

    s->tcs[call->tcs->index].ecall_top = call->buffer_mark;
}

/* ---- configuration --------------------------------------------------------------------------- */

static int64_t spin_budget(const struct cella_enclave *e)
{
    int64_t option = e->options.spin;

    if (option == CELLA_SPIN_NEVER)
        return CELLA_SANDBOX_SPIN_NEVER;
    if (option == CELLA_SPIN_ALWAYS)
        return CELLA_SANDBOX_SPIN_ALWAYS;
    if (option > 0)
        return option;
    if (option != CELLA_SPIN_DEFAULT)
        cella_log(CELLA_LOG_WARNING,
                  "cella_enclave_options_t.spin = %lld is not a spin budget; "
                  "using the default",
                  (long long)option);
    const char *text = getenv("CELLA_SPIN");
    if (text != NULL && *text != '\0') {
        char *end = NULL;
        errno = 0;
        long long value = strtoll(text, &end, 10);
        if (strcmp(text, "never") == 0)
            return CELLA_SANDBOX_SPIN_NEVER;
        if (strcmp(text, "always") == 0)
            return CELLA_SANDBOX_SPIN_ALWAYS;
        if (errno == 0 && *end == '\0' && value >= -1)
            return value == -1 ? CELLA_SANDBOX_SPIN_ALWAYS : (int64_t)value;
        cella_log(CELLA_LOG_WARNING,
                  "CELLA_SPIN=%s is not a spin budget (\"never\" or 0, "
                  "\"always\" or -1, or a number of iterations); using the "
                  "default",
                  text);
    }
    return CELLA_SPIN_DEFAULT_ITERATIONS;
}

static size_t call_buffer_size(const struct cella_enclave *e)
{
    size_t size = e->options.call_buffer_size;

    if (size == 0) {
        const char *text = getenv("CELLA_CALL_BUFFER_SIZE");
        size = CELLA_CALL_BUFFER_DEFAULT_BYTES;
        if (text != NULL && *text != '\0') {
            char *end = NULL;
            errno = 0;
            unsigned long long value = strtoull(text, &end, 0);
            if (errno == 0 && *end == '\0' && value > 0 && value <= REGION_MAX_BYTES)
                size = (size_t)value;
            else
                cella_log(CELLA_LOG_WARNING,
                          "CELLA_CALL_BUFFER_SIZE=%s is not a size in bytes; "
                          "using %zu",
                          text, size);
        }
    }
    if (size < CALL_BUFFER_MIN_BYTES)
        size = CALL_BUFFER_MIN_BYTES;
    if (size > REGION_MAX_BYTES)
        size = REGION_MAX_BYTES;
    return (size + CELLA_SANDBOX_PAGE_BYTES - 1) & ~(size_t)(CELLA_SANDBOX_PAGE_BYTES - 1);
}

/* Where cella-monitor is: CELLA_MONITOR, else this build tree's, else the installed one. */
static const char *monitor_path(void)
{
    const char *path = secure_getenv("CELLA_MONITOR");

    if (path != NULL && *path != '\0')
        return path;
#ifdef CELLA_MONITOR_BUILD_PATH
    if (access(CELLA_MONITOR_BUILD_PATH, X_OK) == 0)
        return CELLA_MONITOR_BUILD_PATH;
#endif
    return CELLA_MONITOR_INSTALL_PATH;
}

/*
 * Service mode's socket: the option, else CELLA_PLATFORM_SOCKET; false for dev mode. A path
 * too long for a Unix socket is an error (*status), not dev mode.
 */
static bool platform_socket(const struct cella_enclave *e, char *path, size_t size,
                            sgx_status_t *status)
{
    const char *chosen = e->options.platform_socket;

    *status = SGX_SUCCESS;
    if (chosen == NULL || *chosen == '\0')
        chosen = secure_getenv("CELLA_PLATFORM_SOCKET"); /* not for set-user-ID programs */
    if (chosen == NULL || *chosen == '\0')
        return false;
    if (strlen(chosen) >= size) {
        cella_log(CELLA_LOG_ERROR,
                  "the platform socket path %s is longer than a Unix socket "
                  "path can be (%zu bytes)",
                  chosen, size - 1);
        *status = SGX_ERROR_INVALID_PARAMETER;
        return false;
    }
    memcpy(path, chosen, strlen(chosen) + 1);
    return true;
}

/* ---- the shared region ------------------------------------------------------------------------
 */

/* Maps the region at a random free address of the area the enclave process leaves free. */
static uint8_t *place_region(int fd, size_t size)
{
    for (int attempt = 0; attempt < REGION_PLACEMENT_TRIES; attempt++) {
        uint64_t random = 0;
        if (getrandom(&random, sizeof(random), 0) != (ssize_t)sizeof(random))
            break;
        uintptr_t span = REGION_AREA_END - REGION_AREA_START - size;
        uintptr_t hint = REGION_AREA_START +
                         ((uintptr_t)(random % span) & ~(uintptr_t)(CELLA_SANDBOX_PAGE_BYTES - 1));
        void *region = mmap((void *)hint, size, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
        if (region == (void *)hint)
            return region;
        if (region != MAP_FAILED)
            munmap(region, size);
    }
    /* Anywhere, then; the enclave process says so clearly if the address is taken there. */
    void *region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return region == MAP_FAILED ? NULL : region;
}

static sgx_status_t create_region(struct sandbox_state *s)
{
    size_t slots_size =
        ((size_t)s->tcs_count * CELLA_SANDBOX_SLOT_BYTES + CELLA_SANDBOX_PAGE_BYTES - 1) &
        ~(size_t)(CELLA_SANDBOX_PAGE_BYTES - 1);
    size_t arenas_offset = CELLA_SANDBOX_SLOTS_OFFSET + slots_size;
    size_t arenas_size = 0, size = 0;

    if (__builtin_mul_overflow(s->arena_size, 2u * (size_t)s->tcs_count, &arenas_size) ||
        __builtin_add_overflow(arenas_offset, arenas_size, &size) || size > REGION_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR,
                  "%u TCS with %zu bytes of call buffers each need more shared "
                  "memory than the sandbox allows (%zu bytes); lower "
                  "call_buffer_size",
                  s->tcs_count, s->arena_size, REGION_MAX_BYTES);
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    s->region_fd = memfd_create("cella-shared", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (s->region_fd < 0 || ftruncate(s->region_fd, (off_t)size) != 0 ||
        fcntl(s->region_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        cella_log(CELLA_LOG_ERROR, "cannot create the shared region (%zu bytes): %s", size,
                  strerror(errno));
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    s->region = place_region(s->region_fd, size);
    if (s->region == NULL) {
        cella_log(CELLA_LOG_ERROR, "cannot map the shared region (%zu bytes): %s", size,
                  strerror(errno));
        return SGX_ERROR_MEMORY_MAP_FAILURE;
    }
    s->region_size = size;

    cella_sandbox_header_t *header = (cella_sandbox_header_t *)s->region;
    header->magic = CELLA_SANDBOX_MAGIC;
    header->version = CELLA_SANDBOX_ABI_VERSION;
    header->tcs_count = s->tcs_count;
    header->region_size = size;
    header->arenas_offset = arenas_offset;
    header->arena_size = s->arena_size;
    header->spin = s->spin;
    for (uint32_t t = 0; t < s->tcs_count; t++) {
        uint8_t *arenas = s->region + arenas_offset + (size_t)t * 2u * s->arena_size;
        s->tcs[t].slot = (cella_sandbox_slot_t *)(s->region + CELLA_SANDBOX_SLOTS_OFFSET +
                                                  (size_t)t * CELLA_SANDBOX_SLOT_BYTES);
        s->tcs[t].ecall_arena = arenas;
        s->tcs[t].ocall_arena = arenas + s->arena_size;
    }
    return SGX_SUCCESS;
}

/* ---- the monitor: dev mode starts one, service mode asks cella-platformd for one ---------- */

/* cella-platformd closed a connection before loading: it refused the host, and said why. */
static sgx_status_t daemon_ended_connection(const struct sandbox_state *s)
{
    cella_log(CELLA_LOG_ERROR,
              "cella-platformd ended the connection before enclave %#llx was loaded; its log "
              "says why (one cause: this user already runs as many enclaves as it allows one "
              "user, --max-enclaves-per-user)",
              (unsigned long long)s->id);
    return SGX_ERROR_SERVICE_UNAVAILABLE;
}

static sgx_status_t connect_platform(struct sandbox_state *s)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return SGX_ERROR_OUT_OF_MEMORY;
    memcpy(address.sun_path, s->platform_socket, sizeof(address.sun_path));
    /* A daemon whose backlog stays full must not hang create: connect waits this long. */
    struct timeval deadline = {.tv_sec = LOAD_TIMEOUT_SECONDS, .tv_usec = 0};
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &deadline, sizeof(deadline));
    int result;
    do {
        result = connect(fd, (const struct sockaddr *)&address, sizeof(address));
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
        int error = errno;
        const char *remedy =
            error == ENOENT || error == ECONNREFUSED
                ? "start it (systemctl start cella-platformd), or unset CELLA_PLATFORM_SOCKET "
                  "to run the enclave in dev mode"
            : error == EACCES || error == EPERM
                ? "this user may not use it: add the user to the socket's group (cella, with "
                  "the unit in the repository), then log in again"
            : error == EAGAIN || error == EWOULDBLOCK
                ? "its queue of waiting hosts stayed full: it serves as many enclaves as it "
                  "allows (--max-enclaves); try again later, or raise the limit"
                : "check that cella-platformd listens there";
        cella_log(CELLA_LOG_ERROR, "cannot reach cella-platformd at %s: %s; %s", s->platform_socket,
                  strerror(error), remedy);
        close(fd);
        return SGX_ERROR_SERVICE_UNAVAILABLE;
    }
    s->socket_fd = fd;
    return SGX_SUCCESS;
}

/* ---- the monitor ------------------------------------------------------------------------------
 */

static sgx_status_t start_monitor(struct sandbox_state *s)
{
    const char *path = monitor_path();
    char host_pid[24];
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    sigset_t signals;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    if (posix_spawn_file_actions_init(&actions) != 0)
        return SGX_ERROR_OUT_OF_MEMORY;
    if (posix_spawnattr_init(&attributes) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    sigemptyset(&signals);
    if (posix_spawn_file_actions_adddup2(&actions, s->monitor_socket_fd, CELLA_MONITOR_HOST_FD) !=
            0 ||
        posix_spawnattr_setsigmask(&attributes, &signals) != 0)
        goto out;
    sigfillset(&signals);
    /* A process group of its own: the terminal's signals to the application's group (Ctrl-C,
     * hang-up) are the application's to handle, and do not end its enclaves behind its back;
     * the monitor still ends when the application does. */
    if (posix_spawnattr_setsigdefault(&attributes, &signals) != 0 ||
        posix_spawnattr_setpgroup(&attributes, 0) != 0 ||
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                                  POSIX_SPAWN_SETPGROUP) != 0)
        goto out;
    snprintf(host_pid, sizeof(host_pid), "%ld", (long)getpid());
    /* The platform secrets of this user: the monitor reads them on the first key request. */
    char state_dir[PATH_MAX];
    if (cella_keys_state_dir(state_dir, sizeof(state_dir)) != CELLA_OK)
        state_dir[0] = '\0';
    /* An empty environment: nothing of the host's (LD_PRELOAD, ...) reaches the monitor. */
    char *argv[] = {(char *)(uintptr_t)path, host_pid, state_dir, NULL};
    char *environment[] = {NULL};
    int error = posix_spawn(&s->monitor_pid, path, &actions, &attributes, argv, environment);
    if (error != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "cannot start cella-monitor (%s): %s; the sandbox backend "
                  "needs it: install cella, or set CELLA_MONITOR to its path",
                  path, strerror(error));
        s->monitor_pid = -1;
        status = SGX_ERROR_FEATURE_NOT_SUPPORTED;
        goto out;
    }
    s->monitor_pidfd = pidfd_open(s->monitor_pid, 0);
    if (s->monitor_pidfd < 0) {
        cella_log(CELLA_LOG_ERROR, "pidfd_open failed: %s (the sandbox backend needs Linux 5.3)",
                  strerror(errno));
        status = SGX_ERROR_FEATURE_NOT_SUPPORTED;
        goto out;
    }
    status = SGX_SUCCESS;
out:
    close(s->monitor_socket_fd);
    s->monitor_socket_fd = -1;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return status;
}

static sgx_status_t send_load(struct sandbox_state *s)
{
    cella_monitor_load_t load = {
        .type = CELLA_MONITOR_MSG_LOAD,
        .version = CELLA_MONITOR_PROTOCOL_VERSION,
        .debug = s->enclave->debug ? 1u : 0u,
        .shared_address = (uint64_t)(uintptr_t)s->region,
        .shared_size = (uint64_t)s->region_size,
    };
    int fds[2] = {s->file_fd, s->region_fd};
    union {
        char buffer[CMSG_SPACE(sizeof(fds))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = &load, .iov_len = sizeof(load)};
    struct msghdr message = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buffer,
                             .msg_controllen = sizeof(control.buffer)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&message);

    memset(control.buffer, 0, sizeof(control.buffer));
    c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(fds));
    memcpy(CMSG_DATA(c), fds, sizeof(fds));
    ssize_t n;
    do {
        n = sendmsg(s->socket_fd, &message, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(load) && s->platform_socket[0] != '\0' && n < 0 &&
        (errno == EPIPE || errno == ECONNRESET)) {
        return daemon_ended_connection(s);
    }
    if (n != (ssize_t)sizeof(load)) {
        cella_log(CELLA_LOG_ERROR, "cannot send the enclave to %s: %s",
                  s->platform_socket[0] != '\0' ? "cella-platformd" : "cella-monitor",
                  n < 0 ? strerror(errno) : "short write");
        return SGX_ERROR_UNEXPECTED;
    }
    return SGX_SUCCESS;
}

/* One message from the monitor: its size, 0 when the monitor is gone, -1 for a bad one. */
static ssize_t receive(struct sandbox_state *s, union monitor_message *message)
{
    ssize_t n;

    memset(message, 0, sizeof(*message));
    do {
        n = recv(s->socket_fd, message, sizeof(*message), MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n == 0)
        errno = 0; /* the end of the stream; otherwise errno says what went wrong */
    if (n <= 0)
        return 0;
    if ((size_t)n > sizeof(*message) || (size_t)n < sizeof(uint32_t))
        return -1;
    switch (message->type) {
    case CELLA_MONITOR_MSG_LOG:
        if ((size_t)n != sizeof(message->log))
            return -1;
        message->log.text[sizeof(message->log.text) - 1] = '\0';
        return n;
    case CELLA_MONITOR_MSG_READY:
        return (size_t)n == sizeof(message->ready) ? n : -1;
    case CELLA_MONITOR_MSG_FAILED:
        return (size_t)n == sizeof(message->failed) ? n : -1;
    case CELLA_MONITOR_MSG_ENCLAVE_EXITED:
        return (size_t)n == sizeof(message->exited) ? n : -1;
    default:
        return -1;
    }
}

static void relay_log(struct sandbox_state *s, const cella_monitor_log_t *log)
{
    cella_log_level_t level =
        log->level <= CELLA_LOG_DEBUG ? (cella_log_level_t)log->level : CELLA_LOG_DEBUG;
    cella_log(level, "enclave %#llx: %s", (unsigned long long)s->id, log->text);
}

/* LOG messages until READY or FAILED. */
static sgx_status_t receive_until_loaded(struct sandbox_state *s)
{
    union monitor_message message;

    for (;;) {
        ssize_t n = receive(s, &message);
        if (n == 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (s->platform_socket[0] != '\0') {
                cella_log(CELLA_LOG_ERROR,
                          "cella-platformd did not load enclave %#llx within %d s; it may be "
                          "serving as many enclaves as it allows (--max-enclaves): try again "
                          "later, or raise the limit",
                          (unsigned long long)s->id, LOAD_TIMEOUT_SECONDS);
                return SGX_ERROR_SERVICE_UNAVAILABLE;
            }
            cella_log(CELLA_LOG_ERROR, "cella-monitor did not load enclave %#llx within %d s",
                      (unsigned long long)s->id, LOAD_TIMEOUT_SECONDS);
            return SGX_ERROR_UNEXPECTED;
        }
        if (n == 0 && s->platform_socket[0] != '\0') {
            return daemon_ended_connection(s);
        }
        if (n == 0) {
            cella_log(CELLA_LOG_ERROR, "cella-monitor stopped while it loaded enclave %#llx",
                      (unsigned long long)s->id);
            return SGX_ERROR_UNEXPECTED;
        }
        if (n < 0) {
            cella_log(CELLA_LOG_ERROR, "cella-monitor sent a malformed message (is it from the "
                                       "same cella version as the application?)");
            return SGX_ERROR_UNEXPECTED;
        }
        switch (message.type) {
        case CELLA_MONITOR_MSG_LOG:
            relay_log(s, &message.log);
            break;
        case CELLA_MONITOR_MSG_READY:
            s->ready = message.ready;
            return SGX_SUCCESS;
        case CELLA_MONITOR_MSG_FAILED:
            return message.failed.status != SGX_SUCCESS ? (sgx_status_t)message.failed.status
                                                        : SGX_ERROR_UNEXPECTED;
        default:
            cella_log(CELLA_LOG_ERROR, "cella-monitor sent message %u while loading", message.type);
            return SGX_ERROR_UNEXPECTED;
        }
    }
}

/* After loading: relay the log, and notice the end of the enclave process or the monitor. */
static void watch(struct sandbox_state *s)
{
    union monitor_message message;

    for (;;) {
        struct pollfd fds[2] = {{.fd = s->socket_fd, .events = POLLIN},
                                {.fd = s->monitor_pidfd, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents == 0)
            break; /* the monitor ended without closing anything: it is gone */
        ssize_t n = receive(s, &message);
        if (n == 0)
            break;
        if (n < 0 || atomic_load(&s->stopping))
            continue;
        if (message.type == CELLA_MONITOR_MSG_LOG) {
            relay_log(s, &message.log);
        } else if (message.type == CELLA_MONITOR_MSG_ENCLAVE_EXITED) {
            mark_dead(s, SGX_ERROR_ENCLAVE_CRASHED);
            cella_host_mark_crashed(s->enclave);
        }
    }
    if (!atomic_load(&s->stopping) && atomic_load(&s->dead) == 0) {
        cella_log(CELLA_LOG_ERROR,
                  "cella-monitor of enclave %#llx stopped (killed or crashed); "
                  "the enclave process went with it",
                  (unsigned long long)s->id);
        mark_dead(s, SGX_ERROR_ENCLAVE_LOST);
        cella_host_mark_lost(s->enclave);
    }
}

static void publish_load(struct sandbox_state *s, sgx_status_t status)
{
    pthread_mutex_lock(&s->lock);
    s->load_status = status;
    s->load_done = true;
    pthread_cond_broadcast(&s->loaded);
    pthread_mutex_unlock(&s->lock);
}

static void *watcher_main(void *argument)
{
    struct sandbox_state *s = argument;

    sgx_status_t status = s->platform_socket[0] != '\0' ? connect_platform(s) : start_monitor(s);
    /* Loading has a deadline: a daemon or monitor that never answers must not hang create. */
    struct timeval deadline = {.tv_sec = LOAD_TIMEOUT_SECONDS, .tv_usec = 0};
    if (status == SGX_SUCCESS)
        (void)setsockopt(s->socket_fd, SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof(deadline));
    if (status == SGX_SUCCESS)
        status = send_load(s);
    if (status == SGX_SUCCESS)
        status = receive_until_loaded(s);
    struct timeval none = {0, 0};
    if (s->socket_fd >= 0)
        (void)setsockopt(s->socket_fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
    publish_load(s, status);
    if (status == SGX_SUCCESS)
        watch(s);
    /* The monitor exits once its socket closes; reap it. */
    shutdown(s->socket_fd, SHUT_RDWR);
    if (s->monitor_pid > 0) {
        int wait_status = 0;
        pid_t reaped;
        do {
            reaped = waitpid(s->monitor_pid, &wait_status, 0);
        } while (reaped < 0 && errno == EINTR);
        /* After a load that worked, the monitor ends with 0 when it is told to stop. */
        if (reaped == s->monitor_pid && status == SGX_SUCCESS && atomic_load(&s->stopping) &&
            !(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0))
            cella_log(CELLA_LOG_WARNING,
                      "cella-monitor of enclave %#llx ended badly (wait "
                      "status %#x)",
                      (unsigned long long)s->id, (unsigned)wait_status);
        s->monitor_pid = -1;
    }
    return NULL;
}

/* ---- load and unload ------------------------------------------------------------------------- */

/*
 * A fork's child: its copies of the connection to the monitor and the other descriptors are
 * closed, so the monitor sees the end of the parent alone. The shared region becomes a
 * private mapping: a child forked inside an OCALL still reads that OCALL's arguments, and
 * what it writes (the OCALL's answer, a call it tries) never reaches the parent's call slots.
 * It is no snapshot: a page the child has not written shows what the parent writes there
 * later (the child should copy arguments it keeps). And the enclave is gone for it, so the
 * calls it was inside end with SGX_ERROR_ENCLAVE_LOST.
 */
static void forget_in_child(struct cella_enclave *e)
{
    struct sandbox_state *s = e->backend_state;
    atomic_store(&s->dead, SGX_ERROR_ENCLAVE_LOST);
    if (s->region != NULL) {
        void *copy = MAP_FAILED;
        if (s->region_fd >= 0)
            copy = mmap(s->region, s->region_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_FIXED, s->region_fd, 0);
        if (copy == MAP_FAILED)
            (void)mmap(s->region, s->region_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    }
    int *fds[] = {&s->socket_fd, &s->monitor_socket_fd, &s->monitor_pidfd, &s->file_fd,
                  &s->region_fd};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

static void unload(struct cella_enclave *e)
{
    struct sandbox_state *s = e->backend_state;

    if (s == NULL)
        return;
    atomic_store(&s->stopping, true);
    /* The monitor sees the end of our stream, kills and reaps the enclave process and exits;
     * its end then closes and the watcher returns: when this returns, the enclave is gone. */
    if (s->socket_fd >= 0)
        shutdown(s->socket_fd, SHUT_WR);
    if (s->watcher_started) {
        /* A monitor that does not stop is stopped: destroy never hangs. */
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += UNLOAD_TIMEOUT_SECONDS;
        if (pthread_timedjoin_np(s->watcher, NULL, &deadline) != 0) {
            cella_log(CELLA_LOG_WARNING,
                      "cella-monitor of enclave %#llx did not stop within %d s; stopping it",
                      (unsigned long long)s->id, UNLOAD_TIMEOUT_SECONDS);
            if (s->monitor_pidfd >= 0)
                (void)pidfd_send_signal(s->monitor_pidfd, SIGKILL, NULL, 0);
            if (s->socket_fd >= 0)
                shutdown(s->socket_fd, SHUT_RDWR);
            pthread_join(s->watcher, NULL);
        }
    }
    if (s->socket_fd >= 0)
        close(s->socket_fd);
    if (s->monitor_socket_fd >= 0)
        close(s->monitor_socket_fd);
    if (s->monitor_pidfd >= 0)
        close(s->monitor_pidfd);
    if (s->file_fd >= 0)
        close(s->file_fd);
    if (s->region != NULL)
        munmap(s->region, s->region_size);
    if (s->region_fd >= 0)
        close(s->region_fd);
    for (uint32_t t = 0; t < e->tcs_count && e->tcs != NULL; t++)
        e->tcs[t].backend_state = NULL;
    pthread_cond_destroy(&s->loaded);
    pthread_mutex_destroy(&s->lock);
    free(s->tcs);
    free(s);
    e->backend_state = NULL;
}

/* Starts the watcher with every signal blocked: the application's handlers stay on its own
 * threads. */
static sgx_status_t start_watcher(struct sandbox_state *s)
{
    sigset_t all, previous;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    int error = pthread_create(&s->watcher, NULL, watcher_main, s);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (error != 0) {
        cella_log(CELLA_LOG_ERROR, "cannot start the enclave's watcher thread: %s",
                  strerror(error));
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    s->watcher_started = true;
    pthread_mutex_lock(&s->lock);
    while (!s->load_done)
        pthread_cond_wait(&s->loaded, &s->lock);
    pthread_mutex_unlock(&s->lock);
    return s->load_status;
}

static sgx_status_t load(struct cella_enclave *e)
{
    struct sandbox_state *s = NULL;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;
    int pair[2] = {-1, -1};

    if (e->tcs_count == 0 || e->tcs_count > CELLA_SANDBOX_TCS_MAX) {
        cella_log(CELLA_LOG_ERROR, "the enclave has %u TCS; the sandbox backend runs 1 to %u",
                  e->tcs_count, CELLA_SANDBOX_TCS_MAX);
        return SGX_ERROR_INVALID_ENCLAVE;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    s->enclave = e;
    s->id = e->id;
    s->region_fd = s->file_fd = s->socket_fd = s->monitor_socket_fd = s->monitor_pidfd = -1;
    s->monitor_pid = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->loaded, NULL);
    e->backend_state = s;
    s->tcs_count = e->tcs_count;
    (void)platform_socket(e, s->platform_socket, sizeof(s->platform_socket), &status);
    if (status != SGX_SUCCESS)
        goto out;
    status = SGX_ERROR_UNEXPECTED;
    s->spin = spin_budget(e);
    s->arena_size = call_buffer_size(e);
    s->tcs = calloc(s->tcs_count, sizeof(*s->tcs));
    if (s->tcs == NULL) {
        status = SGX_ERROR_OUT_OF_MEMORY;
        goto out;
    }

    status = create_region(s);
    if (status != SGX_SUCCESS)
        goto out;
    /* The monitor reads the file itself, from this open file: whatever the host read and
     * checked before does not count for it. */
    s->file_fd = open(e->path, O_RDONLY | O_CLOEXEC);
    if (s->file_fd < 0) {
        cella_log(CELLA_LOG_ERROR, "cannot open the enclave file %s: %s", e->path, strerror(errno));
        status = SGX_ERROR_ENCLAVE_FILE_ACCESS;
        goto out;
    }
    if (s->platform_socket[0] == '\0') {
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
            status = SGX_ERROR_OUT_OF_MEMORY;
            goto out;
        }
        s->socket_fd = pair[0];
        /* Above the numbers the monitor receives, so the dup2 of posix_spawn always happens. */
        s->monitor_socket_fd = fcntl(pair[1], F_DUPFD_CLOEXEC, 10);
        close(pair[1]);
        if (s->monitor_socket_fd < 0) {
            status = SGX_ERROR_OUT_OF_MEMORY;
            goto out;
        }
    }

    status = start_watcher(s);
    if (status != SGX_SUCCESS)
        goto out;
    close(s->file_fd);
    s->file_fd = -1;
    if (s->ready.tcs_count != e->tcs_count ||
        s->ready.enclave_size != e->info.layout.enclave_size) {
        cella_log(CELLA_LOG_ERROR, "%s changed while it was being loaded; load it again", e->path);
        status = SGX_ERROR_INVALID_ENCLAVE;
        goto out;
    }
    /* The identity the monitor measured. */
    memcpy(e->info.mrenclave.m, s->ready.mrenclave, sizeof(e->info.mrenclave.m));
    for (uint32_t t = 0; t < e->tcs_count; t++)
        e->tcs[t].backend_state = &s->tcs[t];
    cella_log(CELLA_LOG_DEBUG, "enclave %#llx runs in process %d, started by cella-monitor %d",
              (unsigned long long)s->id, (int)s->ready.enclave_pid, (int)s->monitor_pid);

    /* The runtime's one-time initialisation, on TCS 0; it says which interface it speaks. */
    struct host_call init_call = {.enclave = e, .tcs = &e->tcs[0], .out_size = sizeof(uint32_t)};
    status = buffer_get(e, &init_call, sizeof(uint32_t));
    if (status != SGX_SUCCESS)
        goto out;
    memset(init_call.buffer, 0, sizeof(uint32_t));
    status = run_call(s, &init_call, CELLA_ENTRY_INIT, 0);
    uint32_t version = 0;
    memcpy(&version, init_call.buffer, sizeof(version));
    buffer_release(e, &init_call);
    if (status != SGX_SUCCESS)
        cella_log(CELLA_LOG_ERROR, "the enclave's runtime failed to initialise: status %#x",
                  (unsigned)status);
    /* Streaming overlaps two CPUs' copies: only for a runtime that knows it, and only when
     * the sides spin (a sleeping side would wait for the whole payload anyway). */
    if (status == SGX_SUCCESS && version >= 2 && s->spin != CELLA_SANDBOX_SPIN_NEVER)
        e->stream_min_bytes = CELLA_SANDBOX_STREAM_MIN_BYTES;
out:
    if (status != SGX_SUCCESS)
        unload(e);
    return status;
}

const struct host_backend cella_host_backend_sandbox = {
    .name = "sandbox",
    .load = load,
    .ecall = ecall,
    .unload = unload,
    .buffer_get = buffer_get,
    .buffer_release = buffer_release,
    .forget_in_child = forget_in_child,
};
