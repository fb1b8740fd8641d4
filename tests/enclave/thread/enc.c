/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/thread/enc.c: enclave code that shares state between threads with sgx_thread. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <sgx_thread.h>
#include <sgx_trts.h>

#include "thread_t.h"

/* The tests check results through ECALL return values; a broken lock is a crash. */
#define MUST(call)       \
    do {                 \
        if ((call) != 0) \
            abort();     \
    } while (0)

/* ---- a counter ------------------------------------------------------------------------------- */

static sgx_thread_mutex_t counter_lock = SGX_THREAD_MUTEX_INITIALIZER;
static volatile uint64_t counter;

void ecall_increment(void)
{
    MUST(sgx_thread_mutex_lock(&counter_lock));
    uint64_t value = counter;
    /* A read-modify-write with room in the middle: without the mutex, updates get lost. */
    for (volatile int i = 0; i < 200; i++)
        ;
    counter = value + 1;
    MUST(sgx_thread_mutex_unlock(&counter_lock));
}

uint64_t ecall_counter(void)
{
    MUST(sgx_thread_mutex_lock(&counter_lock));
    uint64_t value = counter;
    MUST(sgx_thread_mutex_unlock(&counter_lock));
    return value;
}

/* ---- a bounded queue ------------------------------------------------------------------------- */

#define QUEUE_CAPACITY 4

static sgx_thread_mutex_t queue_lock = SGX_THREAD_MUTEX_INITIALIZER;
static sgx_thread_cond_t queue_not_empty = SGX_THREAD_COND_INITIALIZER;
static sgx_thread_cond_t queue_not_full = SGX_THREAD_COND_INITIALIZER;
static int queue_items[QUEUE_CAPACITY];
static size_t queue_head;
static size_t queue_count;
static int consumers_waiting;

void ecall_produce(int first, int count)
{
    for (int i = 0; i < count; i++) {
        MUST(sgx_thread_mutex_lock(&queue_lock));
        while (queue_count == QUEUE_CAPACITY)
            MUST(sgx_thread_cond_wait(&queue_not_full, &queue_lock));
        queue_items[(queue_head + queue_count) % QUEUE_CAPACITY] = first + i;
        queue_count++;
        MUST(sgx_thread_cond_signal(&queue_not_empty));
        MUST(sgx_thread_mutex_unlock(&queue_lock));
    }
}

/* Takes count items; returns 1 if each was one more than the one before, else 0. */
int ecall_consume(int count, int64_t *sum)
{
    int in_order = 1;
    int previous = 0;

    *sum = 0;
    for (int i = 0; i < count; i++) {
        MUST(sgx_thread_mutex_lock(&queue_lock));
        /* Counted while inside the wait only: the count is read under the same mutex. */
        consumers_waiting++;
        while (queue_count == 0)
            MUST(sgx_thread_cond_wait(&queue_not_empty, &queue_lock));
        consumers_waiting--;
        int value = queue_items[queue_head];
        queue_head = (queue_head + 1) % QUEUE_CAPACITY;
        queue_count--;
        MUST(sgx_thread_cond_signal(&queue_not_full));
        MUST(sgx_thread_mutex_unlock(&queue_lock));

        if (i > 0 && value != previous + 1)
            in_order = 0;
        previous = value;
        *sum += value;
    }
    return in_order;
}

int ecall_consumers_waiting(void)
{
    MUST(sgx_thread_mutex_lock(&queue_lock));
    int waiting = consumers_waiting;
    MUST(sgx_thread_mutex_unlock(&queue_lock));
    return waiting;
}

/* ---- a gate ---------------------------------------------------------------------------------- */

static sgx_thread_mutex_t gate_lock = SGX_THREAD_MUTEX_INITIALIZER;
static sgx_thread_cond_t gate_cond = SGX_THREAD_COND_INITIALIZER;
static int gate_is_open;
static int gate_waiting;

int ecall_gate_wait(void)
{
    int result = 0;

    MUST(sgx_thread_mutex_lock(&gate_lock));
    gate_waiting++;
    while (!gate_is_open && result == 0)
        result = sgx_thread_cond_wait(&gate_cond, &gate_lock);
    gate_waiting--;
    MUST(sgx_thread_mutex_unlock(&gate_lock));
    return result;
}

int ecall_gate_waiting(void)
{
    MUST(sgx_thread_mutex_lock(&gate_lock));
    int waiting = gate_waiting;
    MUST(sgx_thread_mutex_unlock(&gate_lock));
    return waiting;
}

int ecall_gate_open(void)
{
    MUST(sgx_thread_mutex_lock(&gate_lock));
    gate_is_open = 1;
    int result = sgx_thread_cond_broadcast(&gate_cond);
    MUST(sgx_thread_mutex_unlock(&gate_lock));
    return result;
}

int ecall_gate_destroy(void)
{
    return sgx_thread_cond_destroy(&gate_cond);
}

int ecall_gate_reset(void)
{
    MUST(sgx_thread_mutex_lock(&gate_lock));
    gate_is_open = 0;
    int result = sgx_thread_cond_init(&gate_cond, NULL);
    MUST(sgx_thread_mutex_unlock(&gate_lock));
    return result;
}

/* ---- single operations on test mutexes ------------------------------------------------------- */

static sgx_thread_mutex_t test_mutexes[] = {
    [TEST_MUTEX_PLAIN] = SGX_THREAD_MUTEX_INITIALIZER,
    [TEST_MUTEX_RECURSIVE] = SGX_THREAD_RECURSIVE_MUTEX_INITIALIZER,
    [TEST_MUTEX_SCRATCH] = SGX_THREAD_MUTEX_INITIALIZER,
};

static sgx_thread_mutex_t *mutex_of(int which)
{
    if (which < 0 || (size_t)which >= sizeof(test_mutexes) / sizeof(test_mutexes[0]))
        abort();
    return &test_mutexes[which];
}

void ecall_mutex_sequence(int which, const int *ops, int *results, size_t n)
{
    sgx_thread_mutex_t *mutex = mutex_of(which);

    for (size_t i = 0; i < n; i++) {
        switch (ops[i]) {
        case OP_LOCK:
            results[i] = sgx_thread_mutex_lock(mutex);
            break;
        case OP_TRYLOCK:
            results[i] = sgx_thread_mutex_trylock(mutex);
            break;
        case OP_UNLOCK:
            results[i] = sgx_thread_mutex_unlock(mutex);
            break;
        case OP_DESTROY:
            results[i] = sgx_thread_mutex_destroy(mutex);
            break;
        case OP_INIT:
            results[i] = sgx_thread_mutex_init(mutex, NULL);
            break;
        default:
            results[i] = -1;
            break;
        }
    }
}

int ecall_hold(int which, int times)
{
    sgx_thread_mutex_t *mutex = mutex_of(which);
    int result = 0;

    for (int i = 0; i < times; i++) {
        int one = sgx_thread_mutex_lock(mutex);
        if (result == 0)
            result = one;
    }
    if (ocall_holding((uint64_t)sgx_thread_self()) != SGX_SUCCESS && result == 0)
        result = -1;
    for (int i = 0; i < times; i++) {
        int one = sgx_thread_mutex_unlock(mutex);
        if (result == 0)
            result = one;
    }
    return result;
}

int ecall_mutex_has_waiters(int which)
{
    /* A peek at the documented layout, for the test's polling only. */
    return __atomic_load_n(&mutex_of(which)->m_queue.m_first, __ATOMIC_ACQUIRE) !=
           SGX_THREAD_T_NULL;
}

/* ---- a recursive mutex across a condition wait ----------------------------------------------- */

static sgx_thread_mutex_t recursive_lock = SGX_THREAD_RECURSIVE_MUTEX_INITIALIZER;
static sgx_thread_cond_t recursive_cond = SGX_THREAD_COND_INITIALIZER;
static int recursive_signalled;
static int recursive_waiting;

/* Returns 0, or the number of the step that went wrong. */
int ecall_recursive_wait(void)
{
    if (sgx_thread_mutex_lock(&recursive_lock) != 0)
        return 1;
    if (sgx_thread_mutex_lock(&recursive_lock) != 0)
        return 2;
    recursive_waiting = 1;
    while (!recursive_signalled) {
        if (sgx_thread_cond_wait(&recursive_cond, &recursive_lock) != 0)
            return 3;
    }
    recursive_waiting = 0;
    recursive_signalled = 0;
    /* Held twice again: two unlocks succeed and a third finds it held by nobody. */
    if (sgx_thread_mutex_unlock(&recursive_lock) != 0)
        return 4;
    if (sgx_thread_mutex_unlock(&recursive_lock) != 0)
        return 5;
    if (sgx_thread_mutex_unlock(&recursive_lock) != EINVAL)
        return 6;
    return 0;
}

int ecall_recursive_waiting(void)
{
    /* Locking here needs the waiter to have released both of its locks. */
    MUST(sgx_thread_mutex_lock(&recursive_lock));
    int waiting = recursive_waiting;
    MUST(sgx_thread_mutex_unlock(&recursive_lock));
    return waiting;
}

int ecall_recursive_signal(void)
{
    MUST(sgx_thread_mutex_lock(&recursive_lock));
    recursive_signalled = 1;
    int result = sgx_thread_cond_signal(&recursive_cond);
    MUST(sgx_thread_mutex_unlock(&recursive_lock));
    return result;
}

/* ---- misuse ---------------------------------------------------------------------------------- */

void ecall_misuse(int *results, size_t n)
{
    static uint64_t storage[8];
    sgx_thread_mutex_t *misaligned = (sgx_thread_mutex_t *)(void *)((uint8_t *)storage + 4);
    sgx_thread_mutex_t unowned = SGX_THREAD_MUTEX_INITIALIZER;
    sgx_thread_mutex_t never_initialised = {0, 0, 0, SGX_THREAD_T_NULL, {0, 0}};
    sgx_thread_cond_t cond = SGX_THREAD_COND_INITIALIZER;
    int all[12];
    size_t count = 0;

    /* One statement each: the order matters (the last one destroys `unowned`). */
    all[count++] = sgx_thread_mutex_lock(NULL);
    all[count++] = sgx_thread_mutex_init(NULL, NULL);
    all[count++] = sgx_thread_mutex_init(misaligned, NULL);
    all[count++] = sgx_thread_mutex_lock(&never_initialised);
    all[count++] = sgx_thread_mutex_unlock(&unowned);
    all[count++] = sgx_thread_cond_init(NULL, NULL);
    all[count++] = sgx_thread_cond_signal(NULL);
    all[count++] = sgx_thread_cond_broadcast(NULL);
    all[count++] = sgx_thread_cond_wait(&cond, NULL);
    all[count++] = sgx_thread_cond_wait(&cond, &unowned);
    all[count++] = sgx_thread_cond_destroy(&cond);
    all[count++] = sgx_thread_mutex_destroy(&unowned);

    for (size_t i = 0; i < n; i++)
        results[i] = i < count ? all[i] : -1;
}

int ecall_mutex_init_at(void *memory)
{
    return sgx_thread_mutex_init((sgx_thread_mutex_t *)memory, NULL);
}

/* ---- identity and CPUID ---------------------------------------------------------------------- */

uint64_t ecall_self(void)
{
    sgx_thread_t self = sgx_thread_self();

    if (!sgx_thread_equal(self, sgx_thread_self()) || sgx_thread_equal(self, self + 1) ||
        !sgx_is_within_enclave((const void *)self, 1))
        return 0;
    return (uint64_t)self;
}

void ecall_cpuid(int leaf, int subleaf, int info[4])
{
    /* The OCALL the SDK's sgx_cpuidex makes: CPUID runs on the host. */
    if (sgx_oc_cpuidex(info, leaf, subleaf) != SGX_SUCCESS)
        info[0] = info[1] = info[2] = info[3] = -1;
}

void ecall_fault(void)
{
    volatile uintptr_t nowhere = 16;
    *(volatile int *)nowhere = 1;
}

int ecall_set_events_of_nobody(int first, int count)
{
    int taken = 0;
    for (int i = first; i < first + count; i++) {
        int result = -1;
        const void *nobody = (const void *)(uintptr_t)(0x7e0000000000u + (uintptr_t)i * 4096u);
        if (sgx_thread_set_untrusted_event_ocall(&result, nobody) == SGX_SUCCESS && result == 0)
            taken++;
    }
    return taken;
}
