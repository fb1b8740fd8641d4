/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/enclave_main.c: cella-enclave, the trusted stub that runs one enclave in its own process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <malloc.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cella/layout.h>
#include <sgx_error.h>

#include "../common/entry_abi.h"
#include "../common/sandbox_abi.h"
#include "protocol.h"
#include "tracer.h"

/*
 * cella-monitor starts this program with the enclave's memory (a memfd_secret holding every
 * added page at its enclave offset), the shared region and a channel back to the monitor. It
 *
 *   1. makes itself non-dumpable and dies with the monitor (PR_SET_PDEATHSIG);
 *   2. maps the shared region at the host's address, and the enclave at a base aligned to
 *      SECS.SIZE: every added page from the secret memory with its SECINFO permissions,
 *      except executable pages, which the kernel refuses to execute from secret memory, so
 *      they are copied into private memory (they hold the image's public code; the process
 *      is not dumpable, so only root can read or change them); guard and TCS pages stay
 *      inaccessible;
 *   3. starts one thread per TCS, each waiting on its call slot;
 *   4. installs the system call filter, for every thread at once, before any enclave code
 *      runs, and tells the monitor it is ready. From then on the only system calls are
 *      futex waits and wakes, sched_yield, writes to and reads from the monitor channel (the
 *      ready and crash messages, platform requests such as EGETKEY and their answers), and
 *      exit.
 *
 * Threads and TLS. Enclave threads are pthreads. To run a request, a thread switches to its
 * TCS's stack and %fs (enclave_switch.S) and calls the image's entry (common/entry_abi.h);
 * it switches back when the entry returns. The entry's operations (OCALL, OCALL memory,
 * crash) are called by enclave code, on the enclave stack with the enclave's %fs. They run
 * right there, without switching back: they never touch glibc's TLS or errno and make system
 * calls only through raw `syscall` instructions, and this program is built without the stack
 * protector and the sanitizers, which would read %fs. A nested ECALL that arrives while an
 * OCALL waits is run by calling the entry again from the operation, below the current enclave
 * stack pointer, as SGX would run it on the same TCS.
 *
 * A fault, an abort inside the enclave, or a refused system call ends the whole process
 * after it tells the monitor why (a CRASH message on the channel); the monitor names the
 * reason in the host's log, and the host's calls return SGX_ERROR_ENCLAVE_CRASHED.
 */

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

#define SIGSYS_FROM_SECCOMP 1 /* SIGSYS si_code of a seccomp filter's SECCOMP_RET_TRAP */
#define ALTSTACK_BYTES      (64 * 1024)
#define THREAD_STACK_BYTES  (256 * 1024)
#define OCALL_BLOCKS_MAX    256 /* OCALL buffers and sgx_ocalloc blocks live at once per TCS */

/* Calls entry(thread_data, request) on the enclave stack ending at stack_top with
 * %fs = thread_data; returns its result with this thread's stack and %fs back. */
int32_t cella_enclave_stub_enter(cella_enclave_entry_t entry, cella_thread_data_t *thread_data,
                                 const cella_entry_request_t *request, uint8_t *stack_top);

/* One block of a TCS's OCALL arena, in the order they were allocated. */
struct ocall_block {
    size_t offset;       /* from the arena's start */
    size_t previous_top; /* the arena top before this block */
    bool freed;
};

/* One enclave thread. Private to this process: the host never sees it. */
struct stub_thread {
    uint32_t index;
    cella_sandbox_slot_t *slot;
    cella_thread_data_t *thread_data;
    uint8_t *stack_top;
    uint8_t *ecall_arena;
    uint8_t *ocall_arena;
    size_t ocall_top;
    uint32_t block_count;
    pthread_t thread;
    /* The request of the latest entry; the trusted runtime copies it as soon as it enters. */
    cella_entry_request_t request;
    struct ocall_block blocks[OCALL_BLOCKS_MAX];
};

static struct stub {
    uint8_t *base; /* the enclave */
    size_t size;
    cella_enclave_entry_t entry;
    uint8_t *region; /* the shared region */
    size_t region_size;
    size_t arena_size;
    int64_t spin;
    uint32_t tcs_count;
    struct stub_thread *threads;
    uint32_t started; /* futex: threads that have reached their wait */
    uint32_t go;      /* futex: 1 once the filter is in place */
} stub;

/* ---- raw system calls: no errno, no TLS --------------------------------------------------- */

static inline long raw_syscall4(long number, long a, long b, long c, long d)
{
    long result;
    register long r10 __asm__("r10") = d;
    __asm__ __volatile__("syscall"
                         : "=a"(result)
                         : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10)
                         : "rcx", "r11", "memory");
    return result;
}

static void futex_wait(uint32_t *word, uint32_t value)
{
    (void)raw_syscall4(SYS_futex, (long)(uintptr_t)word, FUTEX_WAIT, (long)value, 0);
}

static void futex_wake(uint32_t *word)
{
    (void)raw_syscall4(SYS_futex, (long)(uintptr_t)word, FUTEX_WAKE, INT_MAX, 0);
}

__attribute__((noreturn)) static void exit_process(int code)
{
    for (;;)
        (void)raw_syscall4(SYS_exit_group, code, 0, 0, 0);
}

static inline void cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

/* ---- the call slot ------------------------------------------------------------------------- */

/* Waits until the slot's state is `first` or `second`, spinning first (common/sandbox_abi.h). */
static uint32_t slot_wait(cella_sandbox_slot_t *slot, uint32_t first, uint32_t second)
{
    uint32_t state;

    if (stub.spin == CELLA_SANDBOX_SPIN_ALWAYS) {
        for (uint32_t i = 1;; i++) {
            state = __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE);
            if (state == first || state == second)
                return state;
            cpu_relax();
            /* More spinning threads than CPUs must still let the other side run. */
            if (i % CELLA_SANDBOX_SPIN_YIELD_INTERVAL == 0)
                (void)raw_syscall4(SYS_sched_yield, 0, 0, 0, 0);
        }
    }
    for (int64_t i = 0; i < stub.spin; i++) {
        state = __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE);
        if (state == first || state == second)
            return state;
        cpu_relax();
    }
    for (;;) {
        __atomic_store_n(&slot->enclave_waiting, 1, __ATOMIC_SEQ_CST);
        state = __atomic_load_n(&slot->state, __ATOMIC_SEQ_CST);
        if (state == first || state == second) {
            __atomic_store_n(&slot->enclave_waiting, 0, __ATOMIC_RELAXED);
            return state;
        }
        futex_wait(&slot->state, state);
        __atomic_store_n(&slot->enclave_waiting, 0, __ATOMIC_RELAXED);
    }
}

/* Publishes a new state and wakes the host thread if it may be asleep. */
static void slot_post(cella_sandbox_slot_t *slot, uint32_t state)
{
    __atomic_store_n(&slot->state, state, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&slot->host_waiting, __ATOMIC_SEQ_CST) != 0)
        futex_wake(&slot->state);
}

/* The host names ECALL buffers; they must lie inside this TCS's ECALL arena, so the enclave
 * never writes outside the shared region (this process's own memory is outside the enclave
 * too, and the trusted runtime cannot tell it from the host's). */
static bool in_ecall_arena(const struct stub_thread *thread, uint64_t address, uint64_t size)
{
    uint64_t start = (uint64_t)(uintptr_t)thread->ecall_arena;

    if (size == 0)
        return true;
    return address >= start && size <= stub.arena_size && address - start <= stub.arena_size - size;
}

static int32_t op_ocall(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                        uint8_t *out, size_t out_size);
static void *op_ocall_alloc(void *context, size_t size);
static void op_ocall_free(void *context, void *memory);
__attribute__((noreturn)) static void op_crash(void *context);
static int32_t op_platform(void *context, uint32_t request, const void *in, size_t in_size,
                           void *out, size_t out_size);

static const cella_entry_ops_t stub_ops = {
    .ocall = op_ocall,
    .ocall_alloc = op_ocall_alloc,
    .ocall_free = op_ocall_free,
    .crash = op_crash,
    .platform = op_platform,
};

/*
 * Runs the request in the slot. Each field is read once; the request handed to the entry is
 * built in private memory. `nested`: called from an OCALL, already on the enclave stack.
 */
static int32_t run_request(struct stub_thread *thread, bool nested)
{
    cella_sandbox_slot_t *slot = thread->slot;
    uint32_t command = __atomic_load_n(&slot->command, __ATOMIC_RELAXED);
    uint32_t index = __atomic_load_n(&slot->index, __ATOMIC_RELAXED);
    uint64_t in = __atomic_load_n(&slot->in, __ATOMIC_RELAXED);
    uint64_t in_size = __atomic_load_n(&slot->in_size, __ATOMIC_RELAXED);
    uint64_t out = __atomic_load_n(&slot->out, __ATOMIC_RELAXED);
    uint64_t out_size = __atomic_load_n(&slot->out_size, __ATOMIC_RELAXED);
    uint32_t stream = __atomic_load_n(&slot->stream, __ATOMIC_RELAXED);

    if (command != CELLA_ENTRY_INIT && command != CELLA_ENTRY_ECALL)
        return SGX_ERROR_INVALID_FUNCTION;
    if (!in_ecall_arena(thread, in, in_size) || !in_ecall_arena(thread, out, out_size))
        return SGX_ERROR_INVALID_PARAMETER;

    cella_entry_request_t *request = &thread->request;
    request->command = command;
    request->index = index;
    request->in = in_size != 0 ? (const uint8_t *)(uintptr_t)in : NULL;
    request->in_size = (size_t)in_size;
    request->out = out_size != 0 ? (uint8_t *)(uintptr_t)out : NULL;
    request->out_size = (size_t)out_size;
    /* The progress words live in this thread's own slot, whatever the host wrote. */
    request->in_ready = command == CELLA_ENTRY_ECALL && (stream & CELLA_SANDBOX_STREAM_IN) != 0
                            ? &slot->in_ready
                            : NULL;
    request->out_ready = command == CELLA_ENTRY_ECALL && (stream & CELLA_SANDBOX_STREAM_OUT) != 0
                             ? &slot->out_ready
                             : NULL;
    request->ops = &stub_ops;
    request->context = thread;
    /* The enclave may hand only the shared region to code that takes host pointers. */
    request->untrusted_base = stub.region;
    request->untrusted_size = stub.region_size;
    if (nested)
        return stub.entry(thread->thread_data, request);
    return cella_enclave_stub_enter(stub.entry, thread->thread_data, request, thread->stack_top);
}

/* ---- the entry's operations: enclave stack, enclave %fs ------------------------------------ */

static int32_t op_ocall(void *context, uint32_t index, const uint8_t *in, size_t in_size,
                        uint8_t *out, size_t out_size)
{
    struct stub_thread *thread = context;
    cella_sandbox_slot_t *slot = thread->slot;

    __atomic_store_n(&slot->index, index, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->in, (uint64_t)(uintptr_t)in, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->in_size, (uint64_t)in_size, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->out, (uint64_t)(uintptr_t)out, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->out_size, (uint64_t)out_size, __ATOMIC_RELAXED);
    slot_post(slot, CELLA_SANDBOX_STATE_OCALL_REQUEST);
    for (;;) {
        uint32_t state =
            slot_wait(slot, CELLA_SANDBOX_STATE_OCALL_DONE, CELLA_SANDBOX_STATE_ECALL_REQUEST);
        if (state == CELLA_SANDBOX_STATE_OCALL_DONE)
            return __atomic_load_n(&slot->status, __ATOMIC_RELAXED);
        /* The host makes a nested ECALL from inside this OCALL. */
        int32_t status = run_request(thread, true);
        __atomic_store_n(&slot->status, status, __ATOMIC_RELAXED);
        slot_post(slot, CELLA_SANDBOX_STATE_ECALL_DONE);
    }
}

/* OCALL memory: last in, first out, in the TCS's OCALL arena; bookkeeping stays private. */
static void *op_ocall_alloc(void *context, size_t size)
{
    struct stub_thread *thread = context;
    size_t start = (thread->ocall_top + 15u) & ~(size_t)15u;

    if (size == 0 || thread->block_count == OCALL_BLOCKS_MAX || start < thread->ocall_top ||
        start > stub.arena_size || size > stub.arena_size - start)
        return NULL;
    struct ocall_block *block = &thread->blocks[thread->block_count++];
    block->offset = start;
    block->previous_top = thread->ocall_top;
    block->freed = false;
    thread->ocall_top = start + size;
    return thread->ocall_arena + start;
}

static void op_ocall_free(void *context, void *memory)
{
    struct stub_thread *thread = context;

    for (uint32_t i = thread->block_count; i > 0; i--) {
        struct ocall_block *block = &thread->blocks[i - 1];
        if (!block->freed && thread->ocall_arena + block->offset == memory) {
            block->freed = true;
            break;
        }
    }
    /* Blocks freed out of order are reclaimed once everything above them is free. */
    while (thread->block_count > 0 && thread->blocks[thread->block_count - 1].freed) {
        thread->block_count--;
        thread->ocall_top = thread->blocks[thread->block_count].previous_top;
    }
}

/*
 * Platform requests (EGETKEY, EREPORT) go to the monitor, one at a time: the request and the
 * answer travel in this process's own memory and the monitor channel, never through the
 * shared region, and the buffers are wiped after each use. They are static rather than on
 * the enclave stack, which may be small.
 */
static uint32_t platform_lock; /* 0 free, 1 held, 2 held with waiters */
static cella_enclave_platform_request_t platform_request;
static cella_enclave_platform_reply_t platform_reply;

static void platform_lock_take(void)
{
    uint32_t state = 0;

    if (__atomic_compare_exchange_n(&platform_lock, &state, 1, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED))
        return;
    if (state != 2)
        state = __atomic_exchange_n(&platform_lock, 2, __ATOMIC_ACQUIRE);
    while (state != 0) {
        futex_wait(&platform_lock, 2);
        state = __atomic_exchange_n(&platform_lock, 2, __ATOMIC_ACQUIRE);
    }
}

static void platform_lock_release(void)
{
    if (__atomic_exchange_n(&platform_lock, 0, __ATOMIC_RELEASE) == 2)
        futex_wake(&platform_lock);
}

static void wipe(void *p, size_t size)
{
    memset(p, 0, size);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

static int32_t op_platform(void *context, uint32_t request, const void *in, size_t in_size,
                           void *out, size_t out_size)
{
    int32_t status = SGX_ERROR_UNEXPECTED;
    long n;

    (void)context;
    if (in_size > CELLA_ENCLAVE_PLATFORM_MAX_BYTES || out_size > CELLA_ENCLAVE_PLATFORM_MAX_BYTES)
        return SGX_ERROR_INVALID_PARAMETER;
    platform_lock_take();
    platform_request.type = CELLA_ENCLAVE_MSG_PLATFORM;
    platform_request.request = request;
    platform_request.in_size = (uint32_t)in_size;
    platform_request.out_size = (uint32_t)out_size;
    memcpy(platform_request.in, in, in_size);
    do {
        n = raw_syscall4(SYS_write, CELLA_ENCLAVE_CHANNEL_FD, (long)(uintptr_t)&platform_request,
                         (long)(CELLA_ENCLAVE_PLATFORM_HEADER_BYTES + in_size), 0);
    } while (n == -EINTR);
    if (n != (long)(CELLA_ENCLAVE_PLATFORM_HEADER_BYTES + in_size))
        goto out;
    do {
        n = raw_syscall4(SYS_read, CELLA_ENCLAVE_CHANNEL_FD, (long)(uintptr_t)&platform_reply,
                         (long)sizeof(platform_reply), 0);
    } while (n == -EINTR);
    if (n < (long)CELLA_ENCLAVE_PLATFORM_REPLY_HEADER_BYTES)
        goto out;
    status = platform_reply.status;
    if (status == SGX_SUCCESS) {
        if (platform_reply.out_size != out_size ||
            n != (long)(CELLA_ENCLAVE_PLATFORM_REPLY_HEADER_BYTES + out_size)) {
            status = SGX_ERROR_UNEXPECTED;
            goto out;
        }
        memcpy(out, platform_reply.out, out_size);
    }
out:
    wipe(&platform_request, sizeof(platform_request));
    wipe(&platform_reply, sizeof(platform_reply));
    platform_lock_release();
    return status;
}

/* Tells the monitor why the process is about to end; only the first thread to crash does. */
static void report_crash(uint32_t kind, int signal_number, int64_t syscall_number,
                         uintptr_t address)
{
    static uint32_t reported;
    cella_enclave_crash_t crash = {.type = CELLA_ENCLAVE_MSG_CRASH,
                                   .kind = kind,
                                   .signal = signal_number,
                                   .syscall = syscall_number,
                                   .address = (uint64_t)address};

    if (__atomic_exchange_n(&reported, 1, __ATOMIC_SEQ_CST) != 0)
        return;
    if (stub.base != NULL && address >= (uintptr_t)stub.base &&
        address - (uintptr_t)stub.base < stub.size) {
        crash.address = (uint64_t)(address - (uintptr_t)stub.base);
        crash.in_enclave = 1;
    }
    /* One packet: it arrives whole or not at all. */
    (void)raw_syscall4(SYS_write, CELLA_ENCLAVE_CHANNEL_FD, (long)(uintptr_t)&crash,
                       (long)sizeof(crash), 0);
}

__attribute__((noreturn)) static void op_crash(void *context)
{
    (void)context;
    report_crash(CELLA_ENCLAVE_CRASH_ABORT, 0, -1, 0);
    exit_process(CELLA_ENCLAVE_EXIT_CRASHED);
}

/* Faults and refused system calls, on the thread's alternate stack, with any %fs. */
static void on_fatal_signal(int signal_number, siginfo_t *info, void *context)
{
    (void)context;
    if (signal_number == SIGSYS && info->si_code == SIGSYS_FROM_SECCOMP)
        report_crash(CELLA_ENCLAVE_CRASH_SYSCALL, signal_number, info->si_syscall, 0);
    else
        report_crash(CELLA_ENCLAVE_CRASH_SIGNAL, signal_number, -1, (uintptr_t)info->si_addr);
    exit_process(CELLA_ENCLAVE_EXIT_CRASHED);
}

/* ---- threads ------------------------------------------------------------------------------- */

__attribute__((noreturn)) static void thread_loop(struct stub_thread *thread)
{
    cella_sandbox_slot_t *slot = thread->slot;

    while (__atomic_load_n(&stub.go, __ATOMIC_ACQUIRE) == 0)
        futex_wait(&stub.go, 0);
    for (;;) {
        (void)slot_wait(slot, CELLA_SANDBOX_STATE_ECALL_REQUEST, CELLA_SANDBOX_STATE_ECALL_REQUEST);
        int32_t status = run_request(thread, false);
        __atomic_store_n(&slot->status, status, __ATOMIC_RELAXED);
        slot_post(slot, CELLA_SANDBOX_STATE_ECALL_DONE);
    }
}

/* Each thread gets its own alternate signal stack: a stack overflow in the enclave faults on
 * the guard page, and the handler must still run. */
static bool thread_prepare(void)
{
    void *memory =
        mmap(NULL, ALTSTACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return false;
    stack_t stack = {.ss_sp = memory, .ss_size = ALTSTACK_BYTES, .ss_flags = 0};
    return sigaltstack(&stack, NULL) == 0;
}

static void *thread_main(void *argument)
{
    struct stub_thread *thread = argument;

    if (!thread_prepare())
        exit_process(1);
    __atomic_add_fetch(&stub.started, 1, __ATOMIC_SEQ_CST);
    futex_wake(&stub.started);
    thread_loop(thread);
}

/* ---- setup (ordinary code, before the filter) ----------------------------------------------- */

static int channel_fd = CELLA_ENCLAVE_CHANNEL_FD;

static void send_status(const cella_enclave_status_t *status)
{
    const uint8_t *bytes = (const uint8_t *)status;
    size_t done = 0;

    while (done < sizeof(*status)) {
        long n = raw_syscall4(SYS_write, channel_fd, (long)(uintptr_t)(bytes + done),
                              (long)(sizeof(*status) - done), 0);
        if (n == -EINTR)
            continue;
        if (n <= 0)
            return;
        done += (size_t)n;
    }
}

__attribute__((noreturn, format(printf, 4, 5))) static void
fail(int32_t status, int error, uint32_t feature, const char *format, ...)
{
    cella_enclave_status_t message;
    va_list arguments;

    memset(&message, 0, sizeof(message));
    message.status = status;
    message.error = error;
    message.feature = feature;
    va_start(arguments, format);
    (void)vsnprintf(message.text, sizeof(message.text), format, arguments);
    va_end(arguments);
    send_status(&message);
    _exit(1);
}

static bool read_full(int fd, void *buffer, size_t size)
{
    uint8_t *bytes = buffer;
    size_t done = 0;

    while (done < size) {
        ssize_t n = read(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

static size_t page_round_up(size_t size)
{
    return (size + CELLA_SANDBOX_PAGE_BYTES - 1) & ~(size_t)(CELLA_SANDBOX_PAGE_BYTES - 1);
}

/* Maps the shared region at the host's address and checks its header (read once). */
static void map_shared(const cella_enclave_plan_t *plan)
{
    struct stat st;
    int seals = fcntl(CELLA_ENCLAVE_SHARED_FD, F_GET_SEALS);

    if (seals < 0 || !(seals & F_SEAL_SHRINK))
        fail(SGX_ERROR_INVALID_PARAMETER, 0, CELLA_ENCLAVE_FEATURE_NONE,
             "the shared region is not sealed against shrinking");
    if (fstat(CELLA_ENCLAVE_SHARED_FD, &st) != 0 || st.st_size < 0 ||
        (uint64_t)st.st_size != plan->shared_size || plan->shared_size < CELLA_SANDBOX_PAGE_BYTES ||
        plan->shared_address % CELLA_SANDBOX_PAGE_BYTES != 0)
        fail(SGX_ERROR_INVALID_PARAMETER, 0, CELLA_ENCLAVE_FEATURE_NONE,
             "the shared region does not have the size or alignment announced");
    void *wanted = (void *)(uintptr_t)plan->shared_address;
    void *region = mmap(wanted, (size_t)plan->shared_size, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_FIXED_NOREPLACE, CELLA_ENCLAVE_SHARED_FD, 0);
    if (region == MAP_FAILED)
        fail(SGX_ERROR_MEMORY_MAP_CONFLICT, errno, CELLA_ENCLAVE_FEATURE_NONE,
             "cannot map the shared region at %p in the enclave process: %s", wanted,
             strerror(errno));
    if (region != wanted)
        fail(SGX_ERROR_MEMORY_MAP_CONFLICT, 0, CELLA_ENCLAVE_FEATURE_NONE,
             "the kernel placed the shared region at %p instead of %p (MAP_FIXED_NOREPLACE "
             "needs Linux 4.17)",
             region, wanted);
    stub.region = region;
    stub.region_size = (size_t)plan->shared_size;

    /* One copy of the header; the host may change the region at any time afterwards. */
    cella_sandbox_header_t header;
    memcpy(&header, region, sizeof(header));
    size_t slots_size = page_round_up((size_t)plan->tcs_count * CELLA_SANDBOX_SLOT_BYTES);
    uint64_t arenas_end = 0;
    if (header.magic != CELLA_SANDBOX_MAGIC || header.version != CELLA_SANDBOX_ABI_VERSION ||
        header.tcs_count != plan->tcs_count || header.region_size != plan->shared_size ||
        header.arenas_offset != CELLA_SANDBOX_SLOTS_OFFSET + slots_size || header.arena_size == 0 ||
        header.arena_size % CELLA_SANDBOX_PAGE_BYTES != 0 ||
        __builtin_mul_overflow(header.arena_size, 2u * (uint64_t)plan->tcs_count, &arenas_end) ||
        __builtin_add_overflow(arenas_end, header.arenas_offset, &arenas_end) ||
        arenas_end > header.region_size ||
        (header.spin < 0 && header.spin != CELLA_SANDBOX_SPIN_ALWAYS))
        fail(SGX_ERROR_INVALID_PARAMETER, 0, CELLA_ENCLAVE_FEATURE_NONE,
             "the shared region's header does not describe this enclave");
    stub.arena_size = (size_t)header.arena_size;
    stub.spin = header.spin;
    for (uint32_t t = 0; t < plan->tcs_count; t++) {
        struct stub_thread *thread = &stub.threads[t];
        size_t arenas = (size_t)header.arenas_offset + (size_t)t * 2u * stub.arena_size;
        thread->slot = (cella_sandbox_slot_t *)(stub.region + CELLA_SANDBOX_SLOTS_OFFSET +
                                                (size_t)t * CELLA_SANDBOX_SLOT_BYTES);
        thread->ecall_arena = stub.region + arenas;
        thread->ocall_arena = stub.region + arenas + stub.arena_size;
    }
}

/* Maps the enclave at a base aligned to its size, range by range. */
static void map_enclave(const cella_enclave_plan_t *plan, const cella_enclave_range_t *ranges,
                        const cella_enclave_thread_t *threads)
{
    size_t size = (size_t)plan->enclave_size;

    if (size < 2u * CELLA_SANDBOX_PAGE_BYTES || (size & (size - 1)) != 0 ||
        plan->enclave_size > CELLA_LAYOUT_ENCLAVE_MAX_BYTES || plan->entry_offset >= size)
        fail(SGX_ERROR_INVALID_ENCLAVE, 0, CELLA_ENCLAVE_FEATURE_NONE,
             "the plan's enclave size is impossible");
    /* SECS.BASE is naturally aligned to SECS.SIZE: reserve twice the size and trim. */
    uint8_t *reservation =
        mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reservation == MAP_FAILED)
        fail(SGX_ERROR_OUT_OF_MEMORY, errno, CELLA_ENCLAVE_FEATURE_NONE,
             "cannot reserve %zu bytes of address space for the enclave: %s", size,
             strerror(errno));
    uint8_t *base = (uint8_t *)(((uintptr_t)reservation + size - 1) & ~(uintptr_t)(size - 1));
    if (base > reservation)
        (void)munmap(reservation, (size_t)(base - reservation));
    if (reservation + 2 * size > base + size)
        (void)munmap(base + size, (size_t)(reservation + 2 * size - (base + size)));
    stub.base = base;
    stub.size = size;

    for (uint32_t i = 0; i < plan->range_count; i++) {
        const cella_enclave_range_t *range = &ranges[i];
        if (range->offset % CELLA_SANDBOX_PAGE_BYTES != 0 ||
            range->size % CELLA_SANDBOX_PAGE_BYTES != 0 || range->size == 0 ||
            range->offset >= size || range->size > size - range->offset ||
            (range->prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0)
            fail(SGX_ERROR_INVALID_ENCLAVE, 0, CELLA_ENCLAVE_FEATURE_NONE,
                 "the plan's range %u is impossible", i);
        uint8_t *target = base + range->offset;
        if (range->flags & CELLA_ENCLAVE_RANGE_PRIVATE_COPY) {
            void *source = mmap(NULL, (size_t)range->size, PROT_READ, MAP_SHARED,
                                CELLA_ENCLAVE_MEMORY_FD, (off_t)range->offset);
            if (source == MAP_FAILED)
                fail(SGX_ERROR_OUT_OF_MEMORY, errno, CELLA_ENCLAVE_FEATURE_MEMFD_SECRET,
                     "cannot map the enclave's secret memory: %s", strerror(errno));
            if (mmap(target, (size_t)range->size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
                fail(SGX_ERROR_OUT_OF_MEMORY, errno, CELLA_ENCLAVE_FEATURE_NONE,
                     "cannot map the enclave's code: %s", strerror(errno));
            memcpy(target, source, (size_t)range->size);
            (void)munmap(source, (size_t)range->size);
            if (mprotect(target, (size_t)range->size, (int)range->prot) != 0)
                fail(SGX_ERROR_OUT_OF_MEMORY, errno, CELLA_ENCLAVE_FEATURE_NONE,
                     "cannot protect the enclave's code: %s", strerror(errno));
        } else if (mmap(target, (size_t)range->size, (int)range->prot, MAP_SHARED | MAP_FIXED,
                        CELLA_ENCLAVE_MEMORY_FD, (off_t)range->offset) == MAP_FAILED) {
            fail(SGX_ERROR_OUT_OF_MEMORY, errno, CELLA_ENCLAVE_FEATURE_MEMFD_SECRET,
                 "cannot map the enclave's secret memory (%llu bytes at offset %#llx): %s",
                 (unsigned long long)range->size, (unsigned long long)range->offset,
                 strerror(errno));
        }
    }

    stub.entry = (cella_enclave_entry_t)(uintptr_t)(base + plan->entry_offset);
    for (uint32_t t = 0; t < plan->tcs_count; t++) {
        if (threads[t].thread_data_offset % CELLA_SANDBOX_PAGE_BYTES != 0 ||
            threads[t].thread_data_offset > size - CELLA_SANDBOX_PAGE_BYTES ||
            threads[t].stack_top_offset % 16 != 0 || threads[t].stack_top_offset > size)
            fail(SGX_ERROR_INVALID_ENCLAVE, 0, CELLA_ENCLAVE_FEATURE_NONE,
                 "the plan's thread %u is impossible", t);
        stub.threads[t].index = t;
        stub.threads[t].thread_data = (cella_thread_data_t *)(base + threads[t].thread_data_offset);
        stub.threads[t].stack_top = base + threads[t].stack_top_offset;
    }
}

static void install_signal_handlers(void)
{
    static const int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS};
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&action.sa_mask);
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        if (sigaction(signals[i], &action, NULL) != 0)
            fail(SGX_ERROR_UNEXPECTED, errno, CELLA_ENCLAVE_FEATURE_NONE,
                 "cannot install the fault handlers: %s", strerror(errno));
    }
}

static void start_threads(void)
{
    pthread_attr_t attributes;

    if (!thread_prepare())
        fail(SGX_ERROR_OUT_OF_MEMORY, errno, CELLA_ENCLAVE_FEATURE_NONE,
             "cannot set up the alternate signal stack");
    if (pthread_attr_init(&attributes) != 0 ||
        pthread_attr_setstacksize(&attributes, THREAD_STACK_BYTES) != 0)
        fail(SGX_ERROR_UNEXPECTED, 0, CELLA_ENCLAVE_FEATURE_NONE, "pthread attributes");
    for (uint32_t t = 1; t < stub.tcs_count; t++) {
        int error =
            pthread_create(&stub.threads[t].thread, &attributes, thread_main, &stub.threads[t]);
        if (error != 0)
            fail(SGX_ERROR_OUT_OF_MEMORY, error, CELLA_ENCLAVE_FEATURE_NONE,
                 "cannot start enclave thread %u: %s", t, strerror(error));
    }
    (void)pthread_attr_destroy(&attributes);
    for (;;) {
        uint32_t started = __atomic_load_n(&stub.started, __ATOMIC_SEQ_CST);
        if (started == stub.tcs_count - 1)
            break;
        futex_wait(&stub.started, started);
    }
}

/*
 * The filter, for every thread (TSYNC): futex wait and wake (the call slots), sched_yield (the
 * always-spinning wait), write to and read from the monitor channel (the ready and crash
 * messages, platform requests and their answers), exit,
 * and the kernel's own sigreturn and restart.
 * Anything else raises SIGSYS, whose handler records the call and ends the process; a system
 * call of another architecture's ABI (int 0x80) kills the process outright.
 */
static struct scmp_arg_cmp argument_equals(unsigned int argument, scmp_datum_t value)
{
    struct scmp_arg_cmp compare = {
        .arg = argument, .op = SCMP_CMP_EQ, .datum_a = value, .datum_b = 0};
    return compare;
}

static void install_filter(void)
{
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_TRAP);
    int rc = -ENOMEM;

    if (filter == NULL)
        fail(SGX_ERROR_OUT_OF_MEMORY, ENOMEM, CELLA_ENCLAVE_FEATURE_NONE,
             "cannot create the system call filter");
    if ((rc = seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) != 0 ||
        (rc = seccomp_attr_set(filter, SCMP_FLTATR_CTL_TSYNC, 1)) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1,
                               argument_equals(1, FUTEX_WAIT))) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1,
                               argument_equals(1, FUTEX_WAKE))) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
                               argument_equals(0, CELLA_ENCLAVE_CHANNEL_FD))) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(read), 1,
                               argument_equals(0, CELLA_ENCLAVE_CHANNEL_FD))) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(sched_yield), 0)) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0)) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0)) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 0)) != 0 ||
        (rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(restart_syscall), 0)) != 0) {
        seccomp_release(filter);
        fail(rc == -ENOMEM ? SGX_ERROR_OUT_OF_MEMORY : SGX_ERROR_FEATURE_NOT_SUPPORTED, -rc,
             CELLA_ENCLAVE_FEATURE_SECCOMP, "cannot build the system call filter: %s",
             strerror(-rc));
    }
    rc = seccomp_load(filter);
    if (rc != 0) {
        seccomp_release(filter);
        fail(rc == -ENOMEM ? SGX_ERROR_OUT_OF_MEMORY : SGX_ERROR_FEATURE_NOT_SUPPORTED, -rc,
             CELLA_ENCLAVE_FEATURE_SECCOMP, "cannot install the system call filter: %s",
             strerror(-rc));
    }
    /* Not released: freeing memory may return it to the system, which is a system call. */
}

int main(int argc, char **argv)
{
    cella_enclave_plan_t plan;
    cella_enclave_range_t *ranges = NULL;
    cella_enclave_thread_t *threads = NULL;
    char *end = NULL;

    /* First, before anything secret exists: no core dumps, no ptrace by the same user. */
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct rlimit no_core = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &no_core);
    if (argc != 2) {
        fprintf(stderr, "cella-enclave: started by cella-monitor only\n");
        return 64;
    }
    long monitor_pid = strtol(argv[1], &end, 10);
    if (*end != '\0' || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
        getppid() != (pid_t)monitor_pid)
        return 1; /* the monitor is already gone */
    (void)close_range(CELLA_ENCLAVE_SHARED_FD + 1, ~0u, 0);
    /* Non-dumpable now, so nobody can attach any more; one that attached before is refused. */
    pid_t tracer = cella_tracer_pid();
    if (tracer != 0)
        fail(SGX_ERROR_NO_PRIVILEGE, 0, CELLA_ENCLAVE_FEATURE_NONE,
             "cella-enclave is traced (tracer %d); the sandbox does not run enclaves under a "
             "debugger or tracer",
             (int)tracer);
    /* free() must never give memory back to the system once the filter is in place (the
     * filter library frees its own memory after loading): no trimming, no mmap'd blocks. */
    (void)mallopt(M_TRIM_THRESHOLD, -1);
    (void)mallopt(M_MMAP_THRESHOLD, 32 << 20);

    if (!read_full(CELLA_ENCLAVE_CHANNEL_FD, &plan, sizeof(plan)))
        fail(SGX_ERROR_UNEXPECTED, errno, CELLA_ENCLAVE_FEATURE_NONE, "no plan from the monitor");
    if (plan.version != CELLA_MONITOR_PROTOCOL_VERSION || plan.tcs_count == 0 ||
        plan.tcs_count > CELLA_SANDBOX_TCS_MAX || plan.range_count == 0 ||
        plan.range_count > 16u + 8u * plan.tcs_count)
        fail(SGX_ERROR_UNEXPECTED, 0, CELLA_ENCLAVE_FEATURE_NONE, "the plan is malformed");
    ranges = calloc(plan.range_count, sizeof(*ranges));
    threads = calloc(plan.tcs_count, sizeof(*threads));
    stub.threads = calloc(plan.tcs_count, sizeof(*stub.threads));
    if (ranges == NULL || threads == NULL || stub.threads == NULL)
        fail(SGX_ERROR_OUT_OF_MEMORY, ENOMEM, CELLA_ENCLAVE_FEATURE_NONE, "out of memory");
    if (!read_full(CELLA_ENCLAVE_CHANNEL_FD, ranges, plan.range_count * sizeof(*ranges)) ||
        !read_full(CELLA_ENCLAVE_CHANNEL_FD, threads, plan.tcs_count * sizeof(*threads)))
        fail(SGX_ERROR_UNEXPECTED, errno, CELLA_ENCLAVE_FEATURE_NONE, "the plan is truncated");
    stub.tcs_count = plan.tcs_count;

    if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE))
        fail(SGX_ERROR_FEATURE_NOT_SUPPORTED, 0, CELLA_ENCLAVE_FEATURE_FSGSBASE,
             "the FSGSBASE instructions are not allowed here");
    map_shared(&plan);
    map_enclave(&plan, ranges, threads);
    (void)close(CELLA_ENCLAVE_MEMORY_FD);
    (void)close(CELLA_ENCLAVE_SHARED_FD);
    free(ranges);
    free(threads);

    install_signal_handlers();
    start_threads();
    install_filter();

    cella_enclave_status_t ready;
    memset(&ready, 0, sizeof(ready));
    ready.status = SGX_SUCCESS;
    send_status(&ready);
    __atomic_store_n(&stub.go, 1, __ATOMIC_RELEASE);
    futex_wake(&stub.go);
    thread_loop(&stub.threads[0]);
}
