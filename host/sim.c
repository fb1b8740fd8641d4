/* SPDX-License-Identifier: Apache-2.0 */
/* host/sim.c: the "sim" backend: the enclave image mapped into the host process (debugging). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cella/layout.h>

#include "../common/entry_abi.h"
#include "../common/log_internal.h"
#include "enclave.h"
#include "keys.h"

/*
 * The image is loaded as SGX would: a reservation of SECS.SIZE bytes aligned to its size,
 * every added page written from the verified image and given its SECINFO permissions,
 * guard pages left inaccessible. Enclave threads run on the host threads that make ECALLs,
 * on the enclave's own stacks and thread pointers (host/sim_switch.S). Nothing is isolated:
 * this backend exists to debug enclaves with ordinary tools.
 *
 * A fault inside the enclave (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) crashes the enclave,
 * not the process: the handler below recognises the enclave's thread pointer, marks the
 * enclave crashed and resumes the host where the ECALL began, which then returns
 * SGX_ERROR_ENCLAVE_CRASHED.
 */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

/* One entry into the enclave; layout known to host/sim_switch.S (first four fields). */
struct sim_frame {
    uint64_t host_rsp;
    uint64_t host_fs;
    uint64_t enclave_rsp;
    uint64_t enclave_fs;
    struct host_call *call;
    struct cella_enclave *enclave;
    struct sim_frame *outer; /* the frame this TCS was in before (nested entries) */
    struct sim_ocall_block *ocall_blocks; /* OCALL memory of this entry not yet freed */
};

/* The header of OCALL memory: an entry that is unwound (a crash) frees what it left. */
struct sim_ocall_block {
    struct sim_ocall_block *next;
    struct sim_ocall_block *previous;
    struct sim_frame *frame;
    uint64_t unused; /* keeps the memory after it 16-byte aligned */
};

_Static_assert(offsetof(struct sim_frame, enclave_fs) == 24, "sim_frame layout of sim_switch.S");

struct sim_tcs {
    cella_thread_data_t *thread_data;
    uint8_t *stack_top;
    struct sim_frame *frame; /* innermost entry on this TCS, NULL when idle */
};

struct sim_state {
    uint8_t *reservation; /* what mmap returned */
    size_t reservation_size;
    uint8_t *base; /* SECS.BASE: aligned to size */
    size_t size;   /* SECS.SIZE */
    cella_enclave_entry_t entry;
    struct sim_tcs *tcs;
    uint32_t tcs_count;
    struct cella_enclave *enclave;
    int fault_signal; /* the signal that crashed the enclave, for the log */
    uintptr_t fault_address;
    /* The platform's part (EGETKEY, EREPORT): the identity measured at load, and the
     * platform secrets, read on first use. */
    sgx_report_body_t identity;
    pthread_mutex_t secrets_lock;
    cella_keys_secrets_t *secrets;
};

int32_t cella_sim_enter(struct sim_frame *frame, void *entry, void *thread_data,
                        const void *request, void *stack_top);
void cella_sim_unwind(struct sim_frame *frame, int32_t status) __attribute__((noreturn));
int32_t cella_sim_ocall_stub(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                             uint8_t *out, size_t out_size);
void *cella_sim_ocall_alloc_stub(void *context, size_t size);
void cella_sim_ocall_free_stub(void *context, void *memory);
void cella_sim_crash_stub(void *context) __attribute__((noreturn));
int32_t cella_sim_platform_stub(void *context, uint32_t request, const void *in, size_t in_size,
                                void *out, size_t out_size);

/* The handlers the stubs call, on the host stack and thread pointer. */
int32_t cella_sim_ocall(struct sim_frame *frame, uint32_t index, const uint8_t *in, size_t in_size,
                        uint8_t *out, size_t out_size);
void *cella_sim_ocall_alloc(struct sim_frame *frame, size_t size);
void cella_sim_ocall_free(struct sim_frame *frame, void *memory);
void cella_sim_crashed(struct sim_frame *frame) __attribute__((noreturn));
int32_t cella_sim_platform(struct sim_frame *frame, uint32_t request, const void *in,
                           size_t in_size, void *out, size_t out_size);

static const cella_entry_ops_t sim_ops = {
    .ocall = cella_sim_ocall_stub,
    .ocall_alloc = cella_sim_ocall_alloc_stub,
    .ocall_free = cella_sim_ocall_free_stub,
    .crash = cella_sim_crash_stub,
    .platform = cella_sim_platform_stub,
};

/* ---- the fault handler ------------------------------------------------------------------------
 */

/* Loaded enclaves, for the signal handler to find by thread pointer without locks. */
#define SIM_MAX_ENCLAVES 256
static _Atomic(struct sim_state *) loaded[SIM_MAX_ENCLAVES];

static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
#define FAULT_SIGNAL_COUNT (sizeof(fault_signals) / sizeof(fault_signals[0]))
static struct sigaction previous_actions[FAULT_SIGNAL_COUNT];

static inline uint64_t read_fs(void)
{
    uint64_t value;
    __asm__ __volatile__("rdfsbase %0" : "=r"(value));
    return value;
}

static inline void write_fs(uint64_t value)
{
    __asm__ __volatile__("wrfsbase %0" : : "r"(value) : "memory");
}

/* The TCS whose thread pointer is fs, in any loaded enclave. */
__attribute__((no_stack_protector, no_sanitize("address", "undefined"))) static struct sim_tcs *
find_tcs(uint64_t fs, struct sim_state **state_out)
{
    for (size_t i = 0; i < SIM_MAX_ENCLAVES; i++) {
        struct sim_state *state = atomic_load_explicit(&loaded[i], memory_order_acquire);
        if (state == NULL || fs < (uintptr_t)state->base ||
            fs - (uintptr_t)state->base >= state->size)
            continue;
        for (uint32_t t = 0; t < state->tcs_count; t++) {
            if ((uintptr_t)state->tcs[t].thread_data == fs) {
                *state_out = state;
                return &state->tcs[t];
            }
        }
    }
    return NULL;
}

/* How far below its forwarding frame a fault still counts as inside the handler it called. */
#define CHAINING_REACH ((uintptr_t)1 << 20)

/*
 * Runs on the alternate signal stack with whatever %fs the fault left. Until the thread
 * pointer is the host's again, it must not touch TLS, so it uses no stack protector, no
 * sanitizer and no library call.
 */
__attribute__((no_stack_protector, no_sanitize("address", "undefined"))) static void
fault_handler(int signal_number, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    struct sim_state *state = NULL;
    struct sim_tcs *tcs = find_tcs(read_fs(), &state);

    if (tcs != NULL && tcs->frame != NULL) {
        struct sim_frame *frame = tcs->frame;
        atomic_store(&state->enclave->crashed, 1);
        state->fault_signal = signal_number;
        state->fault_address = (uintptr_t)info->si_addr;
        write_fs(frame->host_fs);
        /* Resume in cella_sim_unwind(frame, SGX_ERROR_ENCLAVE_CRASHED) on the host stack. */
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)cella_sim_unwind;
        uc->uc_mcontext.gregs[REG_RDI] = (greg_t)(uintptr_t)frame;
        uc->uc_mcontext.gregs[REG_RSI] = (greg_t)SGX_ERROR_ENCLAVE_CRASHED;
        uc->uc_mcontext.gregs[REG_RSP] = (greg_t)(frame->host_rsp - 64);
        /* The host resumes with the C ABI's flags, whatever the enclave left: DF and AC clear. */
        uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)((1 << 10) | (1 << 18));
        return;
    }

    /*
     * Not ours: hand it to whoever handled it before, or let the default action happen. While
     * that handler runs, a fault that reaches this one again on this thread (a handler that
     * chains back here, installed between two loads; or a fault inside the handler itself)
     * takes the default action instead of going round for ever. "While it runs" is known by
     * a token in this frame: a handler that leaves by siglongjmp never returns here, so the
     * marks may outlive the call; they count only when the fault comes from deeper on the
     * same stack (within CHAINING_REACH) and the token is still there, which it is not once
     * other frames have reused that stack.
     */
    static _Thread_local volatile uint64_t *chaining_token_at;
    static _Thread_local uint64_t chaining_token;
    static _Thread_local uint64_t chaining_count;
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    uintptr_t at = (uintptr_t)chaining_token_at;
    if (at != 0 && here < at && at - here < CHAINING_REACH && *chaining_token_at == chaining_token) {
        signal(signal_number, SIG_DFL); /* the fault repeats and takes its default action */
        return;
    }
    volatile uint64_t token = UINT64_C(0x9e3779b97f4a7c15) * ++chaining_count ^ here;
    for (size_t i = 0; i < FAULT_SIGNAL_COUNT; i++) {
        if (fault_signals[i] != signal_number)
            continue;
        const struct sigaction *previous = &previous_actions[i];
        bool with_info = (previous->sa_flags & SA_SIGINFO) && previous->sa_sigaction != NULL;
        if (with_info || (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN)) {
            chaining_token = token;
            chaining_token_at = &token;
            if (with_info)
                previous->sa_sigaction(signal_number, info, context);
            else
                previous->sa_handler(signal_number);
            chaining_token_at = NULL;
            token = 0;
            return;
        }
        signal(signal_number, SIG_DFL); /* the fault repeats and takes its default action */
        return;
    }
}

/*
 * Installs the fault handler for every fault signal whose handler is not already ours,
 * remembering the one it replaces. Called at every load, so a handler installed by the
 * application (or a test framework) after an earlier load is chained, not lost.
 */
static pthread_mutex_t handlers_lock = PTHREAD_MUTEX_INITIALIZER;

static void install_handlers(void)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_sigaction = fault_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    pthread_mutex_lock(&handlers_lock);
    for (size_t i = 0; i < FAULT_SIGNAL_COUNT; i++) {
        struct sigaction current;
        if (sigaction(fault_signals[i], NULL, &current) != 0)
            continue;
        if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == fault_handler)
            continue;
        previous_actions[i] = current;
        sigaction(fault_signals[i], &action, NULL);
    }
    pthread_mutex_unlock(&handlers_lock);
}

/* A stack overflow in the enclave faults on its guard page: the handler needs its own stack. */
static pthread_key_t altstack_key;
static pthread_once_t altstack_once = PTHREAD_ONCE_INIT;
static _Thread_local bool altstack_ready;

#define SIM_ALTSTACK_BYTES (64 * 1024)

static void altstack_release(void *memory)
{
    stack_t disable = {.ss_flags = SS_DISABLE};
    sigaltstack(&disable, NULL);
    munmap(memory, SIM_ALTSTACK_BYTES);
}

static void altstack_key_create(void)
{
    (void)pthread_key_create(&altstack_key, altstack_release);
}

static void ensure_altstack(void)
{
    stack_t current;

    if (altstack_ready)
        return;
    altstack_ready = true;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE))
        return; /* the application has one */
    void *memory =
        mmap(NULL, SIM_ALTSTACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return;
    stack_t stack = {.ss_sp = memory, .ss_size = SIM_ALTSTACK_BYTES, .ss_flags = 0};
    if (sigaltstack(&stack, NULL) != 0) {
        munmap(memory, SIM_ALTSTACK_BYTES);
        return;
    }
    pthread_once(&altstack_once, altstack_key_create);
    (void)pthread_setspecific(altstack_key, memory);
}

/* ---- handlers behind the stubs ----------------------------------------------------------------
 */

int32_t cella_sim_ocall(struct sim_frame *frame, uint32_t index, const uint8_t *in, size_t in_size,
                        uint8_t *out, size_t out_size)
{
    struct host_call *call = frame->call;

    call->in_ocall = true;
    int32_t status = cella_host_dispatch_ocall(call, index, in, in_size, out, out_size);
    call->in_ocall = false;
    /* A nested ECALL may have crashed the enclave: never resume crashed enclave code. */
    if (atomic_load(&frame->enclave->crashed))
        cella_sim_unwind(frame, SGX_ERROR_ENCLAVE_CRASHED);
    /* A child forked inside the OCALL has no enclave to return to, as on SGX. */
    if (atomic_load(&frame->enclave->inherited))
        cella_sim_unwind(frame, SGX_ERROR_ENCLAVE_LOST);
    return status;
}

/* The platform's answers, from the identity measured at load and the platform secrets. */
int32_t cella_sim_platform(struct sim_frame *frame, uint32_t request, const void *in,
                           size_t in_size, void *out, size_t out_size)
{
    struct sim_state *state = frame->enclave->backend_state;

    pthread_mutex_lock(&state->secrets_lock);
    if (state->secrets == NULL) {
        char directory[4096];
        if (cella_keys_state_dir(directory, sizeof(directory)) != CELLA_OK)
            cella_log(CELLA_LOG_ERROR, "platform secrets: no state directory (set "
                                       "CELLA_STATE_DIR or HOME)");
        else if (cella_keys_secrets_create(directory, &state->secrets) != CELLA_OK)
            state->secrets = NULL;
    }
    pthread_mutex_unlock(&state->secrets_lock);
    return (int32_t)cella_keys_serve(state->secrets, &state->identity, request, in, in_size, out,
                                     out_size);
}

void *cella_sim_ocall_alloc(struct sim_frame *frame, size_t size)
{
    if (size > SIZE_MAX - sizeof(struct sim_ocall_block))
        return NULL;
    struct sim_ocall_block *block = malloc(sizeof(*block) + size);
    if (block == NULL)
        return NULL;
    block->frame = frame;
    block->previous = NULL;
    block->next = frame->ocall_blocks;
    if (block->next != NULL)
        block->next->previous = block;
    frame->ocall_blocks = block;
    return block + 1;
}

void cella_sim_ocall_free(struct sim_frame *frame, void *memory)
{
    (void)frame;
    if (memory == NULL)
        return;
    struct sim_ocall_block *block = (struct sim_ocall_block *)memory - 1;
    if (block->previous != NULL)
        block->previous->next = block->next;
    else
        block->frame->ocall_blocks = block->next;
    if (block->next != NULL)
        block->next->previous = block->previous;
    free(block);
}

void cella_sim_crashed(struct sim_frame *frame)
{
    cella_host_mark_crashed(frame->enclave);
    cella_sim_unwind(frame, SGX_ERROR_ENCLAVE_CRASHED);
}

/* ---- load, call, unload -----------------------------------------------------------------------
 */

static int page_protection(uint64_t secinfo_flags)
{
    if ((secinfo_flags & CELLA_SECINFO_PAGE_TYPE_MASK) !=
        CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG))
        return PROT_NONE; /* TCS pages are the CPU's, not the enclave's */
    return ((secinfo_flags & CELLA_SECINFO_R) ? PROT_READ : 0) |
           ((secinfo_flags & CELLA_SECINFO_W) ? PROT_WRITE : 0) |
           ((secinfo_flags & CELLA_SECINFO_X) ? PROT_EXEC : 0);
}

/* Places and measures the image, then gives every range its SECINFO permissions. */
static sgx_status_t map_pages(struct sim_state *state, cella_image_info_t *info)
{
    const cella_layout_t *layout = &info->layout;
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
    cella_layout_range_t range;

    for (size_t i = 0; i < layout->range_count; i++) {
        if (cella_layout_get_range(layout, i, &range) != CELLA_OK)
            return SGX_ERROR_UNEXPECTED;
        if (!range.is_added)
            continue;
        uint8_t *start = state->base + range.offset;
        size_t bytes = (size_t)range.page_count * CELLA_PAGE_BYTES;
        if (mprotect(start, bytes, PROT_READ | PROT_WRITE) != 0)
            return SGX_ERROR_OUT_OF_MEMORY;
        /* Pages about to be written: fault them in with one call rather than one fault
         * each (Linux 5.14+; harmless to skip where unsupported). Zero pages (heap, stacks,
         * SSA, TLS) are not written, so they stay lazy. */
        if (range.is_measured && !cella_layout_range_is_zero(&range))
            (void)madvise(start, bytes, MADV_POPULATE_WRITE);
    }
    if (cella_image_load(info, state->base, &check) != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR, "the enclave was not loaded: %s", cella_image_check_str(check));
        return check == CELLA_IMAGE_CHECK_MEASUREMENT ? SGX_ERROR_INVALID_ENCLAVE
                                                      : SGX_ERROR_OUT_OF_MEMORY;
    }
    for (size_t i = 0; i < layout->range_count; i++) {
        if (cella_layout_get_range(layout, i, &range) != CELLA_OK)
            return SGX_ERROR_UNEXPECTED;
        if (range.is_added &&
            mprotect(state->base + range.offset, (size_t)range.page_count * CELLA_PAGE_BYTES,
                     page_protection(range.secinfo_flags)) != 0)
            return SGX_ERROR_OUT_OF_MEMORY;
    }
    return SGX_SUCCESS;
}

static sgx_status_t run_entry(struct sim_state *state, struct host_call *call, uint32_t command,
                              uint32_t index)
{
    struct sim_tcs *tcs = &state->tcs[call->tcs->index];
    struct sim_frame frame = {.call = call, .enclave = state->enclave, .outer = tcs->frame};
    cella_entry_request_t request = {
        .command = command,
        .index = index,
        .ops = &sim_ops,
        .context = &frame,
    };
    if (call->buffer != NULL) {
        request.in = call->buffer;
        request.in_size = call->in_size;
        request.out = call->buffer + call->out_offset;
        request.out_size = call->out_size;
    }

    /* A nested entry continues below the stack of the OCALL it is nested in. */
    uint8_t *stack_top = tcs->stack_top;
    if (frame.outer != NULL)
        stack_top = (uint8_t *)(uintptr_t)((frame.outer->enclave_rsp - 128) & ~(uint64_t)15);

    ensure_altstack();
    tcs->frame = &frame;
    int32_t status = cella_sim_enter(&frame, (void *)(uintptr_t)state->entry, tcs->thread_data,
                                     &request, stack_top);
    tcs->frame = frame.outer;
    /* An entry that returned frees its OCALL memory itself; one unwound by a crash cannot. */
    while (frame.ocall_blocks != NULL) {
        struct sim_ocall_block *block = frame.ocall_blocks;
        frame.ocall_blocks = block->next;
        free(block);
    }

    if (status == SGX_ERROR_ENCLAVE_CRASHED && state->fault_signal != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "enclave %#llx crashed: %s in enclave code (faulting address %#lx)",
                  (unsigned long long)state->enclave->id, strsignal(state->fault_signal),
                  (unsigned long)state->fault_address);
        state->fault_signal = 0;
    }
    return (sgx_status_t)status;
}

static void unload(struct cella_enclave *e)
{
    struct sim_state *state = e->backend_state;

    if (state == NULL)
        return;
    for (size_t i = 0; i < SIM_MAX_ENCLAVES; i++) {
        struct sim_state *expected = state;
        if (atomic_compare_exchange_strong(&loaded[i], &expected, NULL))
            break;
    }
    /* Private anonymous memory: the kernel zeroes its pages before anyone else gets them,
     * so unmapping is all the wiping it needs (touching every page to clear it would fault
     * in the whole untouched heap). */
    if (state->reservation != NULL)
        munmap(state->reservation, state->reservation_size);
    cella_keys_secrets_destroy(state->secrets);
    pthread_mutex_destroy(&state->secrets_lock);
    free(state->tcs);
    free(state);
    e->backend_state = NULL;
}

static sgx_status_t load(struct cella_enclave *e)
{
    const cella_layout_t *layout = &e->info.layout;
    struct sim_state *state = NULL;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE)) {
        cella_log(CELLA_LOG_ERROR,
                  "the sim backend needs the FSGSBASE instructions, which this CPU or kernel "
                  "does not allow (Linux 5.9 or later on a CPU with FSGSBASE); use the "
                  "sandbox backend");
        return SGX_ERROR_FEATURE_NOT_SUPPORTED;
    }
    install_handlers();

    state = calloc(1, sizeof(*state));
    if (state == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    e->backend_state = state;
    state->enclave = e;
    pthread_mutex_init(&state->secrets_lock, NULL);
    state->size = (size_t)layout->enclave_size;
    state->tcs_count = e->tcs_count;
    state->tcs = calloc(e->tcs_count, sizeof(*state->tcs));
    if (state->tcs == NULL) {
        status = SGX_ERROR_OUT_OF_MEMORY;
        goto out;
    }

    /* SECS.BASE is naturally aligned to SECS.SIZE: reserve twice the size and trim. */
    if (state->size > SIZE_MAX / 2) {
        status = SGX_ERROR_OUT_OF_MEMORY;
        goto out;
    }
    state->reservation_size = state->size * 2;
    state->reservation = mmap(NULL, state->reservation_size, PROT_NONE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (state->reservation == MAP_FAILED) {
        state->reservation = NULL;
        cella_log(CELLA_LOG_ERROR, "cannot reserve %zu bytes of address space for the enclave",
                  state->size);
        status = SGX_ERROR_MEMORY_MAP_FAILURE;
        goto out;
    }
    uintptr_t aligned = ((uintptr_t)state->reservation + state->size - 1) & ~(state->size - 1);
    state->base = (uint8_t *)aligned;
    (void)madvise(state->base, state->size, MADV_DONTDUMP);

    status = map_pages(state, &e->info);
    if (status != SGX_SUCCESS)
        goto out;
    cella_keys_identity_init(&e->info, e->debug, &state->identity); /* measured just now */

    state->entry = (cella_enclave_entry_t)(uintptr_t)(state->base + layout->entry);
    for (uint32_t t = 0; t < e->tcs_count; t++) {
        cella_thread_data_t thread_data;
        if (cella_layout_get_thread_data(layout, t, &thread_data) != CELLA_OK) {
            status = SGX_ERROR_UNEXPECTED;
            goto out;
        }
        state->tcs[t].thread_data =
            (cella_thread_data_t *)(state->base + thread_data.thread_data_offset);
        state->tcs[t].stack_top = state->base + thread_data.stack_top_offset;
        e->tcs[t].backend_state = &state->tcs[t];
    }

    status = SGX_ERROR_OUT_OF_MEMORY;
    for (size_t i = 0; i < SIM_MAX_ENCLAVES; i++) {
        struct sim_state *expected = NULL;
        if (atomic_compare_exchange_strong(&loaded[i], &expected, state)) {
            status = SGX_SUCCESS;
            break;
        }
    }
    if (status != SGX_SUCCESS) {
        cella_log(CELLA_LOG_ERROR, "too many enclaves in this process (at most %d)",
                  SIM_MAX_ENCLAVES);
        goto out;
    }

    /* The runtime's one-time initialisation, on TCS 0. */
    struct host_call init_call = {.enclave = e, .tcs = &e->tcs[0]};
    status = run_entry(state, &init_call, CELLA_ENTRY_INIT, 0);
    if (status != SGX_SUCCESS)
        cella_log(CELLA_LOG_ERROR, "the enclave's runtime failed to initialise: status %#x",
                  (unsigned)status);
out:
    if (status != SGX_SUCCESS)
        unload(e);
    return status;
}

static sgx_status_t ecall(struct cella_enclave *e, struct host_call *call, uint32_t index)
{
    return run_entry(e->backend_state, call, CELLA_ENTRY_ECALL, index);
}

const struct host_backend cella_host_backend_sim = {
    .name = "sim",
    .load = load,
    .ecall = ecall,
    .unload = unload,
};
