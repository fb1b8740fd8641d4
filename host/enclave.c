/* SPDX-License-Identifier: Apache-2.0 */
/* host/enclave.c: the host runtime: enclave registry, creation, TCS pool, ECALLs and OCALLs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cella/bridge_checks.h>
#include <cella/host.h>
#include <cella/image_verify.h>
#include <cella/memory.h>
#include <cella/size.h>
#include <cella/status.h>

#include "../common/entry_abi.h"
#include "../common/log_internal.h"
#include "enclave.h"
#include "tstdc.h"
#include "urts_internal.h"

/*
 * Enclave ids. A slot holds one enclave object for the life of the process (objects are
 * reused, never freed), so a thread that looked an id up can always touch the object it
 * found. Everything about the slot's current enclave that a caller needs to agree on is in
 * one 64-bit word, changed only by compare-and-swap or under the slots lock:
 *
 *   bits 63..32  the generation of the enclave in the slot (also in bits 47..16 of its id)
 *   bit  31      OPEN: calls are accepted
 *   bit  30      CLOSING: destroy has begun; new calls are refused
 *   bits 29..0   calls in flight
 *
 * so a stale id (an older generation) never reaches a newer enclave in the same slot, and
 * destroy can wait for the calls in flight without a lock on the call path.
 */
#define MAX_ENCLAVES  1024
#define STATE_OPEN    (UINT64_C(1) << 31)
#define STATE_CLOSING (UINT64_C(1) << 30)
#define STATE_COUNT   ((UINT64_C(1) << 30) - 1)

static struct cella_enclave *slots[MAX_ENCLAVES];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t next_generation = 1;

/* Enclave files larger than this are refused before they are read. */
#define MAX_ENCLAVE_FILE_BYTES ((size_t)1 << 32)
/* Root ECALLs keep a buffer per TCS up to this size; larger calls allocate per call. */
#define TCS_BUFFER_CACHE_MAX_BYTES ((size_t)1 << 20)

static uint32_t slot_of(uint64_t id)
{
    return (uint32_t)(id & 0xffff) - 1;
}

static uint32_t generation_of(uint64_t id)
{
    return (uint32_t)(id >> 16);
}

/* The enclave with this id with one more call in flight, or NULL. */
static struct cella_enclave *enclave_acquire(uint64_t id)
{
    uint32_t slot = slot_of(id);
    struct cella_enclave *e;

    /* Ids use bits 0..47 (slot, generation); anything above makes the id another one. */
    if (id == 0 || slot >= MAX_ENCLAVES || (id >> 48) != 0)
        return NULL;
    e = __atomic_load_n(&slots[slot], __ATOMIC_ACQUIRE);
    if (e == NULL)
        return NULL;
    uint64_t state = atomic_load(&e->state);
    do {
        if ((uint32_t)(state >> 32) != generation_of(id) || !(state & STATE_OPEN) ||
            (state & STATE_CLOSING) || (state & STATE_COUNT) == STATE_COUNT)
            return NULL;
    } while (!atomic_compare_exchange_weak(&e->state, &state, state + 1));
    return e;
}

static void enclave_release(struct cella_enclave *e)
{
    uint64_t previous = atomic_fetch_sub(&e->state, 1);
    if ((previous & STATE_CLOSING) && (previous & STATE_COUNT) == 1) {
        pthread_mutex_lock(&e->lock);
        pthread_cond_broadcast(&e->idle);
        pthread_mutex_unlock(&e->lock);
    }
}

static _Thread_local struct host_call *current_call;

struct host_call *cella_host_current_call(void)
{
    return current_call;
}

/* Both also wake the enclave's threads asleep on sgx_thread events: nothing runs in it now. */
void cella_host_mark_crashed(struct cella_enclave *e)
{
    /* The sim backend's fault handler sets the flag itself: the sleepers are woken anyway. */
    if (atomic_exchange(&e->crashed, 1) == 0)
        cella_log(CELLA_LOG_ERROR,
                  "enclave %#llx crashed (abort, failed assertion or fault inside it); every "
                  "later call returns SGX_ERROR_ENCLAVE_CRASHED: destroy it and create it again",
                  (unsigned long long)e->id);
    cella_host_events_end(e->id);
}

void cella_host_mark_lost(struct cella_enclave *e)
{
    if (atomic_exchange(&e->lost, 1) == 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave %#llx is lost (the platform process that ran it stopped); every "
                  "later call returns SGX_ERROR_ENCLAVE_LOST: destroy it and create it again",
                  (unsigned long long)e->id);
        cella_host_events_end(e->id);
    }
}

/*
 * fork(): the child gets copies of the enclave objects, but not the enclaves. On SGX the
 * child's enclaves are lost; here the child could otherwise drive the parent's sandboxed
 * enclave through the shared call slots, or destroy it. So in the child every enclave that
 * existed is marked inherited: calls get SGX_ERROR_ENCLAVE_LOST, and destroy only frees the
 * slot, leaving the parent's enclave alone. (The handler runs in the child alone; it stores
 * flags, and the backend closes descriptors and keeps its shared memory to itself.)
 */
static void lock_slots_for_fork(void)
{
    pthread_mutex_lock(&slots_lock);
}

static void unlock_slots_after_fork(void)
{
    pthread_mutex_unlock(&slots_lock);
}

static void mark_inherited_in_child(void)
{
    for (uint32_t i = 0; i < MAX_ENCLAVES; i++) {
        struct cella_enclave *e = slots[i];
        if (e == NULL || e->id == 0)
            continue;
        atomic_store(&e->inherited, 1);
        if (e->backend != NULL && e->backend->forget_in_child != NULL && e->backend_state != NULL)
            e->backend->forget_in_child(e);
        /*
         * The threads whose calls were in flight did not come along, nor did their locks:
         * only the calls of the thread that forked (inside an OCALL) still hold the enclave,
         * and they end here, releasing it.
         */
        uint64_t held = 0;
        for (struct host_call *c = current_call; c != NULL; c = c->outer) {
            if (c->enclave == e)
                held++;
        }
        atomic_store(&e->state, (atomic_load(&e->state) & ~STATE_COUNT) | held);
        pthread_mutex_init(&e->lock, NULL);
        pthread_cond_init(&e->idle, NULL);
    }
    pthread_mutex_unlock(&slots_lock);
}

static pthread_once_t forks_watched = PTHREAD_ONCE_INIT;

static void watch_forks(void)
{
    (void)pthread_atfork(lock_slots_for_fork, unlock_slots_after_fork, mark_inherited_in_child);
    cella_host_events_watch_forks();
}

/* The status every call of a crashed or lost enclave gets; SGX_SUCCESS when it is neither. */
static int32_t broken_status(struct cella_enclave *e)
{
    if (atomic_load(&e->inherited)) {
        if (atomic_exchange(&e->lost, 1) == 0)
            cella_log(CELLA_LOG_ERROR,
                      "enclave %#llx belongs to the parent process: this process is a fork of "
                      "it, and enclaves are not inherited; every call returns "
                      "SGX_ERROR_ENCLAVE_LOST (create the enclave in this process instead)",
                      (unsigned long long)e->id);
        return SGX_ERROR_ENCLAVE_LOST;
    }
    if (atomic_load(&e->lost))
        return SGX_ERROR_ENCLAVE_LOST;
    if (atomic_load(&e->crashed))
        return SGX_ERROR_ENCLAVE_CRASHED;
    return SGX_SUCCESS;
}

/* ---- creation ------------------------------------------------------------------------------ */

static sgx_status_t read_file(const char *path, uint8_t **data, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    sgx_status_t status = SGX_ERROR_ENCLAVE_FILE_ACCESS;
    uint8_t *buffer = NULL;

    if (fd < 0) {
        cella_log(CELLA_LOG_ERROR, "cannot open the enclave file %s: %s", path, strerror(errno));
        return SGX_ERROR_ENCLAVE_FILE_ACCESS;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        cella_log(CELLA_LOG_ERROR, "%s is not a regular file", path);
        goto out;
    }
    if ((uint64_t)st.st_size > MAX_ENCLAVE_FILE_BYTES || st.st_size == 0) {
        cella_log(CELLA_LOG_ERROR, "%s has an impossible size for an enclave (%lld bytes)", path,
                  (long long)st.st_size);
        status = SGX_ERROR_INVALID_ENCLAVE;
        goto out;
    }
    buffer = malloc((size_t)st.st_size);
    if (buffer == NULL) {
        status = SGX_ERROR_OUT_OF_MEMORY;
        goto out;
    }
    /* The one read of the file: verification and loading both use this private copy. */
    size_t done = 0;
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, buffer + done, (size_t)st.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cella_log(CELLA_LOG_ERROR, "cannot read the enclave file %s: %s", path,
                      n == 0 ? "it shrank while being read" : strerror(errno));
            goto out;
        }
        done += (size_t)n;
    }
    *data = buffer;
    *size = done;
    buffer = NULL;
    status = SGX_SUCCESS;
out:
    free(buffer);
    close(fd);
    return status;
}

static sgx_status_t status_of_check(cella_image_check_t check)
{
    switch (check) {
    case CELLA_IMAGE_CHECK_NONE:
        return SGX_SUCCESS;
    case CELLA_IMAGE_CHECK_ELF:
    case CELLA_IMAGE_CHECK_MEASUREMENT:
        return SGX_ERROR_INVALID_ENCLAVE;
    case CELLA_IMAGE_CHECK_NO_METADATA:
    case CELLA_IMAGE_CHECK_NOT_SIGNED:
    case CELLA_IMAGE_CHECK_METADATA:
        return SGX_ERROR_INVALID_METADATA;
    case CELLA_IMAGE_CHECK_SIGNATURE:
        return SGX_ERROR_INVALID_SIGNATURE;
    case CELLA_IMAGE_CHECK_CONFIG:
        return SGX_ERROR_INVALID_ATTRIBUTE;
    }
    return SGX_ERROR_INVALID_ENCLAVE;
}

static const struct host_backend *choose_backend(cella_backend_t requested)
{
    if (requested == CELLA_BACKEND_DEFAULT) {
        const char *name = getenv("CELLA_BACKEND");
        if (name == NULL || *name == '\0' || strcmp(name, "sandbox") == 0)
            return &cella_host_backend_sandbox;
        if (strcmp(name, "sim") == 0)
            return &cella_host_backend_sim;
        else {
            cella_log(CELLA_LOG_ERROR,
                      "CELLA_BACKEND=%s is not a backend: use \"sandbox\" or \"sim\"", name);
            return NULL;
        }
    }
    switch (requested) {
    case CELLA_BACKEND_SIM:
        return &cella_host_backend_sim;
    case CELLA_BACKEND_DEFAULT:
    case CELLA_BACKEND_SANDBOX:
        return &cella_host_backend_sandbox;
    }
    return NULL;
}

static void enclave_free_resources(struct cella_enclave *e)
{
    if (e->id != 0)
        cella_host_events_forget(e->id);
    /* An inherited enclave is the parent's: its backend (processes, threads, sockets) is
     * left alone, and what the copy holds here is left to the process's end. */
    if (atomic_load(&e->inherited)) {
        e->backend_state = NULL;
        e->tcs = NULL;
        e->file = NULL;
        memset(&e->info, 0, sizeof(e->info));
        atomic_store(&e->inherited, 0);
        atomic_store(&e->lost, 0);
        atomic_store(&e->crashed, 0);
        return;
    }
    if (e->backend != NULL && e->backend_state != NULL)
        e->backend->unload(e);
    if (e->tcs != NULL) {
        for (uint32_t t = 0; t < e->tcs_count; t++)
            free(e->tcs[t].buffer);
        free(e->tcs);
        e->tcs = NULL;
    }
    free(e->file);
    e->file = NULL;
    memset(&e->info, 0, sizeof(e->info));
}

/* Finds a free slot and gives the enclave there an id; the object is reused if it exists. */
static struct cella_enclave *slot_claim(void)
{
    struct cella_enclave *e = NULL;

    pthread_mutex_lock(&slots_lock);
    for (uint32_t i = 0; i < MAX_ENCLAVES; i++) {
        struct cella_enclave *candidate = slots[i];
        if (candidate == NULL) {
            candidate = calloc(1, sizeof(*candidate));
            if (candidate == NULL)
                break;
            pthread_mutex_init(&candidate->lock, NULL);
            pthread_cond_init(&candidate->idle, NULL);
            atomic_init(&candidate->state, 0);
            candidate->id = 0;
            __atomic_store_n(&slots[i], candidate, __ATOMIC_RELEASE);
        }
        if (candidate->id != 0)
            continue;
        e = candidate;
        uint32_t generation = next_generation++;
        if (next_generation == 0)
            next_generation = 1;
        /* Closed until creation succeeds: calls with this id are refused until then. */
        atomic_store(&e->state, (uint64_t)generation << 32);
        /* Ids: generation in bits 47..16, slot + 1 in the low 16; never 0. */
        __atomic_store_n(&e->id, ((uint64_t)generation << 16) | (uint64_t)(i + 1),
                         __ATOMIC_RELEASE);
        break;
    }
    pthread_mutex_unlock(&slots_lock);
    return e;
}

static void slot_release(struct cella_enclave *e)
{
    pthread_mutex_lock(&slots_lock);
    atomic_store(&e->state, 0);
    __atomic_store_n(&e->id, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&slots_lock);
}

sgx_status_t cella_host_enclave_create(const char *path, const cella_enclave_options_t *options,
                                       struct cella_enclave **out)
{
    cella_enclave_options_t defaults = {0};
    struct cella_enclave *e = NULL;
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;
    const struct host_backend *backend;

    cella_host_log_init();
    (void)pthread_once(&forks_watched, watch_forks);
    if (path == NULL || out == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    if (options == NULL)
        options = &defaults;
    backend = choose_backend(options->backend);
    if (backend == NULL)
        return SGX_ERROR_FEATURE_NOT_SUPPORTED;

    e = slot_claim();
    if (e == NULL) {
        cella_log(CELLA_LOG_ERROR, "too many enclaves in this process (at most %d)", MAX_ENCLAVES);
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    atomic_store(&e->crashed, 0);
    atomic_store(&e->lost, 0);
    e->backend = NULL;
    e->backend_state = NULL;
    e->debug = options->debug;
    e->options = *options;
    e->path = path;

    status = read_file(path, &e->file, &e->file_size);
    if (status != SGX_SUCCESS)
        goto out;
    /* Everything but the measurement now; the backend measures the pages as it places
     * them (cella_image_load), so what runs is exactly what was measured. */
    if (cella_image_verify_signed(e->file, e->file_size, &e->info, &check) != CELLA_OK) {
        status = status_of_check(check);
        cella_log(CELLA_LOG_ERROR, "%s was not loaded: %s", path, cella_image_check_str(check));
        goto out;
    }
    if (options->debug && e->info.metadata.disable_debug) {
        cella_log(CELLA_LOG_ERROR,
                  "%s is signed with DisableDebug=1 and cannot be created as a debug enclave; "
                  "create it with debug 0 (build with NDEBUG) or sign it with DisableDebug=0",
                  path);
        status = SGX_ERROR_NDEBUG_ENCLAVE;
        goto out;
    }

    e->tcs_count = e->info.metadata.tcs_count;
    e->tcs = calloc(e->tcs_count, sizeof(*e->tcs));
    if (e->tcs == NULL) {
        status = SGX_ERROR_OUT_OF_MEMORY;
        goto out;
    }
    for (uint32_t t = 0; t < e->tcs_count; t++)
        e->tcs[t].index = t;

    e->backend = backend;
    e->stream_min_bytes = 0; /* the backend's load may allow streaming */
    status = backend->load(e);
    e->path = NULL;
    if (status != SGX_SUCCESS)
        goto out;

    /* Open for calls. */
    atomic_fetch_or(&e->state, STATE_OPEN);
    *out = e;
out:
    if (status != SGX_SUCCESS) {
        enclave_free_resources(e);
        slot_release(e);
    }
    return status;
}

sgx_status_t cella_host_enclave_destroy_id(uint64_t id)
{
    struct cella_enclave *e = enclave_acquire(id);

    if (e == NULL)
        return SGX_ERROR_INVALID_ENCLAVE_ID;
    for (struct host_call *c = current_call; c != NULL; c = c->outer) {
        if (c->enclave == e) {
            enclave_release(e);
            cella_log(CELLA_LOG_ERROR, "an enclave cannot be destroyed from inside one of its "
                                       "own OCALLs; destroy it after the ECALL returns");
            return SGX_ERROR_INVALID_STATE;
        }
    }
    /* Close it under the reference taken with the id check: a recycled slot cannot be hit. */
    uint64_t state = atomic_load(&e->state);
    do {
        if (state & STATE_CLOSING) {
            enclave_release(e);
            return SGX_ERROR_INVALID_ENCLAVE_ID; /* another thread is destroying it */
        }
    } while (!atomic_compare_exchange_weak(&e->state, &state, state | STATE_CLOSING));
    enclave_release(e);

    /* Wait for the calls in flight on other threads. */
    pthread_mutex_lock(&e->lock);
    while ((atomic_load(&e->state) & STATE_COUNT) != 0)
        pthread_cond_wait(&e->idle, &e->lock);
    pthread_mutex_unlock(&e->lock);

    enclave_free_resources(e);
    slot_release(e);
    return SGX_SUCCESS;
}

sgx_status_t cella_host_enclave_destroy(struct cella_enclave *e)
{
    if (e == NULL)
        return SGX_ERROR_INVALID_ENCLAVE_ID;
    return cella_host_enclave_destroy_id(__atomic_load_n(&e->id, __ATOMIC_ACQUIRE));
}

sgx_status_t cella_host_enclave_lookup(uint64_t id, struct cella_enclave **out)
{
    struct cella_enclave *e = enclave_acquire(id);
    if (e == NULL)
        return SGX_ERROR_INVALID_ENCLAVE_ID;
    enclave_release(e);
    *out = e;
    return SGX_SUCCESS;
}

/* ---- the public cella API -------------------------------------------------------------------- */

cella_result_t cella_enclave_create(const char *path, const cella_enclave_options_t *options,
                                    cella_enclave_t **enclave)
{
    struct cella_enclave *e = NULL;
    sgx_status_t status = cella_host_enclave_create(path, options, &e);
    if (status != SGX_SUCCESS)
        return cella_result_from_sgx_status(status);
    *enclave = e;
    return CELLA_OK;
}

void cella_enclave_destroy(cella_enclave_t *enclave)
{
    if (enclave != NULL)
        (void)cella_host_enclave_destroy(enclave);
}

uint64_t cella_enclave_get_id(const cella_enclave_t *enclave)
{
    return enclave == NULL ? 0 : __atomic_load_n(&enclave->id, __ATOMIC_ACQUIRE);
}

cella_enclave_t *cella_enclave_from_id(uint64_t enclave_id)
{
    struct cella_enclave *e = NULL;
    return cella_host_enclave_lookup(enclave_id, &e) == SGX_SUCCESS ? e : NULL;
}

/* ---- ECALLs --------------------------------------------------------------------------------- */

static struct host_tcs *tcs_acquire(struct cella_enclave *e)
{
    for (uint32_t t = 0; t < e->tcs_count; t++) {
        int expected = 0;
        if (atomic_load_explicit(&e->tcs[t].busy, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong(&e->tcs[t].busy, &expected, 1))
            return &e->tcs[t];
    }
    return NULL;
}

static size_t align16(size_t size)
{
    return (size + 15u) & ~(size_t)15u;
}

int32_t cella_ecall_begin(uint64_t enclave_id, cella_bridge_call_t *bridge_call, size_t in_size,
                          size_t out_size)
{
    struct cella_enclave *e;
    struct host_call *call = NULL, *outer = current_call;
    struct host_tcs *tcs = NULL;
    size_t total;
    int32_t status;

    if (bridge_call == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    memset(bridge_call, 0, sizeof(*bridge_call));
    if (in_size > CELLA_BRIDGE_MAX_BUFFER_BYTES || out_size > CELLA_BRIDGE_MAX_BUFFER_BYTES)
        return SGX_ERROR_INVALID_PARAMETER;
    e = enclave_acquire(enclave_id);
    if (e == NULL)
        return SGX_ERROR_INVALID_ENCLAVE_ID;
    status = broken_status(e);
    if (status != SGX_SUCCESS)
        goto fail;

    if (outer != NULL && outer->enclave == e && outer->in_ocall) {
        /* A nested ECALL runs on the TCS of the OCALL it is made from. */
        call = calloc(1, sizeof(*call));
        if (call == NULL) {
            status = SGX_ERROR_OUT_OF_MEMORY;
            goto fail;
        }
        call->record_allocated = true;
        call->tcs = outer->tcs;
        call->is_nested = true;
    } else {
        /* A root ECALL: the TCS it holds carries its record, so no allocation is needed. */
        tcs = tcs_acquire(e);
        if (tcs == NULL) {
            status = SGX_ERROR_OUT_OF_TCS;
            goto fail;
        }
        call = &tcs->root_call;
        /* The stream ranges count only up to their counts, which this clears. */
        memset(call, 0, offsetof(struct host_call, stream_in));
        call->tcs = tcs;
    }
    call->enclave = e;

    call->in_size = in_size;
    call->out_size = out_size;
    call->out_offset = align16(in_size);
    total = call->out_offset + out_size;
    if (total != 0 && e->backend->buffer_get != NULL) {
        /* The backend's memory: e.g. the sandbox's shared region, which the enclave reaches. */
        status = (int32_t)e->backend->buffer_get(e, call, total);
        if (status != SGX_SUCCESS)
            goto fail;
        call->buffer_from_backend = true;
        bridge_call->in = call->buffer;
        bridge_call->out = call->buffer + call->out_offset;
    } else if (total != 0) {
        if (!call->is_nested && total <= TCS_BUFFER_CACHE_MAX_BYTES) {
            if (tcs->buffer_size < total) {
                uint8_t *grown = realloc(tcs->buffer, total);
                if (grown == NULL) {
                    status = SGX_ERROR_OUT_OF_MEMORY;
                    goto fail;
                }
                tcs->buffer = grown;
                tcs->buffer_size = total;
            }
            call->buffer = tcs->buffer;
        } else {
            call->buffer = malloc(total);
            if (call->buffer == NULL) {
                status = SGX_ERROR_OUT_OF_MEMORY;
                goto fail;
            }
            call->buffer_allocated = true;
        }
        bridge_call->in = call->buffer;
        bridge_call->out = call->buffer + call->out_offset;
    }
    bridge_call->in_size = in_size;
    bridge_call->out_size = out_size;
    bridge_call->runtime = call;
    return SGX_SUCCESS;

fail:
    if (call != NULL && call->record_allocated)
        free(call);
    if (tcs != NULL)
        atomic_store_explicit(&tcs->busy, 0, memory_order_release);
    enclave_release(e);
    return status;
}

int32_t cella_ecall_invoke(cella_bridge_call_t *bridge_call, uint32_t index,
                           const cella_ocall_table_t *ocall_table)
{
    struct host_call *call;
    int32_t status;

    if (bridge_call == NULL || bridge_call->runtime == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    call = bridge_call->runtime;
    status = broken_status(call->enclave);
    if (status != SGX_SUCCESS)
        return status;

    call->ocall_table = ocall_table;
    call->outer = current_call;
    current_call = call;
    status = (int32_t)call->enclave->backend->ecall(call->enclave, call, index);
    current_call = call->outer;
    if (status == SGX_ERROR_ENCLAVE_CRASHED)
        cella_host_mark_crashed(call->enclave);
    else if (status == SGX_ERROR_ENCLAVE_LOST)
        cella_host_mark_lost(call->enclave);
    return status;
}

void cella_ecall_end(cella_bridge_call_t *bridge_call)
{
    struct host_call *call;

    if (bridge_call == NULL || bridge_call->runtime == NULL)
        return;
    call = bridge_call->runtime;
    if (call->buffer_from_backend)
        call->enclave->backend->buffer_release(call->enclave, call);
    else if (call->buffer_allocated)
        free(call->buffer);
    struct cella_enclave *e = call->enclave;
    if (call->record_allocated)
        free(call);
    else
        atomic_store_explicit(&call->tcs->busy, 0,
                              memory_order_release); /* record in the TCS: last */
    enclave_release(e);
    memset(bridge_call, 0, sizeof(*bridge_call));
}

int cella_ecall_put_payload(cella_bridge_call_t *bridge_call, size_t *written, size_t offset,
                            const void *data, size_t size)
{
    struct host_call *call = bridge_call->runtime;
    size_t minimum = call->enclave->stream_min_bytes;

    if (minimum == 0 || size < minimum || call->stream_in_count == HOST_STREAMS_MAX)
        return cella_bridge_put(bridge_call->in, bridge_call->in_size, written, offset, data, size);
    /* The checks and the gap of cella_bridge_put(), with the payload itself left for later. */
    if (offset < *written || offset > bridge_call->in_size || size > bridge_call->in_size - offset)
        return -1;
    memset(bridge_call->in + *written, 0, offset - *written);
    call->stream_in[call->stream_in_count++] =
        (struct host_stream){.offset = offset, .size = size, .from = data};
    *written = offset + size;
    return 0;
}

int cella_ecall_get_payload(cella_bridge_call_t *bridge_call, size_t offset, void *to, size_t size)
{
    struct host_call *call = bridge_call->runtime;
    size_t minimum = call->enclave->stream_min_bytes;
    uint32_t count = call->stream_out_count;

    if (minimum == 0 || size < minimum || count == HOST_STREAMS_MAX ||
        offset > bridge_call->out_size || size > bridge_call->out_size - offset ||
        (count != 0 &&
         offset < call->stream_out[count - 1].offset + call->stream_out[count - 1].size))
        return 0;
    call->stream_out[call->stream_out_count++] =
        (struct host_stream){.offset = offset, .size = size, .to = to};
    return 1;
}

/* ---- OCALLs --------------------------------------------------------------------------------- */

int32_t cella_host_dispatch_ocall(struct host_call *call, uint32_t index, const uint8_t *in,
                                  size_t in_size, uint8_t *out, size_t out_size)
{
    if (index == CELLA_OCALL_BUILTIN_PRINT) {
        if (in_size != 0 && fwrite(in, 1, in_size, stdout) != in_size)
            return SGX_ERROR_UNEXPECTED;
        return SGX_SUCCESS;
    }
    const cella_ocall_table_t *table = call->ocall_table;
    if (table == NULL || index >= table->ocall_count || table->ocalls[index] == NULL) {
        cella_log(CELLA_LOG_ERROR,
                  "the enclave made OCALL %u, which the ECALL's OCALL table "
                  "does not have (was the host built from the same EDL?)",
                  index);
        return SGX_ERROR_INVALID_FUNCTION;
    }
    return table->ocalls[index](in, in_size, out, out_size);
}
